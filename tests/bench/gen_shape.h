/* The shape of the benchmark bindings (np700_gen.c, decide_bench.c): binding i is the same
 * wherever it is made. See np700_gen.c for the mix. */
#pragma once

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/utils.h>
#include <np700/binding.h>
#include <np700/store.h>

#define BLOCK		((uint64_t)10000)	/* numbers in an 11-digit block */
#define BLOCK_BASE	((uint64_t)70020000000)	/* first block used */
#define PAIRS_PER_X	100		/* AXB bindings per shared X on average */

static time_t gen_t0;

/* Numbers: the exclusive region (AXN/AX/AXYB take X (and Y) of their own: 6 numbers per 10
 * bindings) comes first, then the shared region of the AXB X's. */
static uint64_t excl_numbers(uint64_t total)
{
	return (total / 10 + 1) * 6;
}

static uint64_t shared_numbers(uint64_t total)
{
	uint64_t s = total * 6 / 10 / PAIRS_PER_X;
	return s < BLOCK ? BLOCK : s;
}

static inline uint64_t blocks(uint64_t total)
{
	return (excl_numbers(total) + shared_numbers(total) + BLOCK - 1) / BLOCK;
}

/* the two bench customers own alternate blocks, counted from BLOCK_BASE */
static uint32_t block_owner(uint64_t blk)
{
	return ((blk - BLOCK_BASE) % 2) ? 2 : 1;
}

/* The pools of \a n blocks from block \a base, each owned by block_owner(); one already there is
 * fine. \returns 0, or the error of the first pool refused otherwise. */
static inline int add_pools(struct np700_store *st, uint64_t base, uint64_t n)
{
	uint64_t k;
	int rc;

	for (k = 0; k < n; k++) {
		struct np700_pool p = { .customer_id = block_owner(base + k) };
		snprintf(p.first, sizeof(p.first), "%011" PRIu64 "0000", (base + k) % 100000000000);
		snprintf(p.last, sizeof(p.last), "%011" PRIu64 "9999", (base + k) % 100000000000);
		rc = np700_store_pool_add(st, &p);
		if (rc && rc != -EEXIST) {
			fprintf(stderr, "pool %s: %s\n", p.first, np700_store_last_error(st));
			return rc;
		}
	}
	return 0;
}

/* number index -> 15-digit X in the blocks from \a base (BLOCK_BASE or an even number of blocks
 * after it); the customer is the block's owner */
static uint32_t number_of(uint64_t base, uint64_t idx, char *x)
{
	uint64_t blk = base + idx / BLOCK;
	char tmp[48];

	snprintf(tmp, sizeof(tmp), "%011" PRIu64 "%04u", blk, (unsigned int)(idx % BLOCK));
	osmo_strlcpy(x, tmp, NP700_NUM_MAXLEN + 1);
	return block_owner(blk);
}

static uint64_t mix(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return v;
}

/* Binding \a i of a region: the numbers of a shape of \a total bindings counted from \a first,
 * in the blocks from \a base; A, B and the order id come from \a i itself, so they never repeat
 * across regions. A store filled for N bindings is the region (0, N, BLOCK_BASE);
 * decide_bench writes into a second one behind it when the store has no room left. */
static void make_binding_in(uint64_t i, uint64_t first, uint64_t total, uint64_t base, struct np700_binding *b)
{
	uint64_t r = i - first, grp = (r / 10) * 6;
	unsigned int k = r % 10;

	memset(b, 0, sizeof(*b));
	b->services = NP700_SVC_VOICE | NP700_SVC_SMS;
	b->direction = NP700_DIR_BOTH;
	sprintf(b->a, "8613%09" PRIu64, i % 1000000000);
	/* a bijection of i below 1e9: every B differs, so (X, B) pairs never collide */
	sprintf(b->b, "8615%09" PRIu64, (i * 987654321) % 1000000000);
	snprintf(b->order_id, sizeof(b->order_id), "o%" PRIu64, i);
	if (k < 6) {
		b->mode = NP700_MODE_AXB;
		b->customer_id = number_of(base, excl_numbers(total) + mix(i) % shared_numbers(total), b->x);
		b->expires = gen_t0 + 3600 + mix(i + 1) % (30 * 86400);
	} else if (k < 8) {
		b->mode = NP700_MODE_AXN;
		b->customer_id = number_of(base, grp + (k - 6), b->x);
		b->expires = gen_t0 + 86400;
	} else if (k == 8) {
		b->mode = NP700_MODE_AX;
		b->customer_id = number_of(base, grp + 2, b->x);
		b->b[0] = '\0';
		b->expires = 0;
	} else {
		b->mode = NP700_MODE_AXYB;
		b->customer_id = number_of(base, grp + 4, b->x);
		number_of(base, grp + 5, b->y);
		b->expires = gen_t0 + 7 * 86400;
	}
}

static void make_binding(uint64_t i, uint64_t total, struct np700_binding *b)
{
	make_binding_in(i, 0, total, BLOCK_BASE, b);
}
