/* Benchmark data generator (not part of make check; built by contrib/bench.sh).
 * Bindings of realistic shape: 60% AXB (about 100 pairs on a shared X), 20% AXN, 10% AX without
 * expiry, 10% AXYB; two customers owning alternate 11-digit blocks; expiries from one hour to a
 * month. Binding i is the same in every mode, so a preload and a later bulk CSV never collide.
 *   np700_gen config N+M          customer/pool lines for the np700 config (covering N+M)
 *   np700_gen fill DIR N TOTAL [TXN]  write bindings 0..N-1 straight into the store in DIR
 *                                 (libnp700store, TXN bindings per transaction, default 100000;
 *                                 pools sized for TOTAL bindings)
 *   np700_gen csv FIRST COUNT TOTAL   bulk CSV for np700-ctl: bindings FIRST..FIRST+COUNT-1
 *   np700_gen recsize             mean encoded record size of the mix (for lmdb_baseline) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/store.h>
#include <np700/store_internal.h>

#define BLOCK		((uint64_t)10000)	/* numbers in an 11-digit block */
#define BLOCK_BASE	((uint64_t)70020000000)	/* first block used */
#define PAIRS_PER_X	100		/* AXB bindings per shared X on average */

static time_t t0;

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

static uint64_t blocks(uint64_t total)
{
	return (excl_numbers(total) + shared_numbers(total) + BLOCK - 1) / BLOCK;
}

/* number index -> 15-digit X; the customer is the block's owner */
static uint32_t number_of(uint64_t idx, char *x)
{
	uint64_t blk = idx / BLOCK;
	char tmp[48];

	snprintf(tmp, sizeof(tmp), "%011" PRIu64 "%04u", BLOCK_BASE + blk, (unsigned int)(idx % BLOCK));
	osmo_strlcpy(x, tmp, NP700_NUM_MAXLEN + 1);
	return (blk % 2) ? 2 : 1;
}

static uint64_t mix(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return v;
}

static void make_binding(uint64_t i, uint64_t total, struct np700_binding *b)
{
	uint64_t grp = (i / 10) * 6;
	unsigned int k = i % 10;

	memset(b, 0, sizeof(*b));
	b->services = NP700_SVC_VOICE | NP700_SVC_SMS;
	b->direction = NP700_DIR_BOTH;
	sprintf(b->a, "8613%09" PRIu64, i % 1000000000);
	/* a bijection of i below 1e9: every B differs, so (X, B) pairs never collide */
	sprintf(b->b, "8615%09" PRIu64, (i * 987654321) % 1000000000);
	snprintf(b->order_id, sizeof(b->order_id), "o%" PRIu64, i);
	if (k < 6) {
		b->mode = NP700_MODE_AXB;
		b->customer_id = number_of(excl_numbers(total) + mix(i) % shared_numbers(total), b->x);
		b->expires = t0 + 3600 + mix(i + 1) % (30 * 86400);
	} else if (k < 8) {
		b->mode = NP700_MODE_AXN;
		b->customer_id = number_of(grp + (k - 6), b->x);
		b->expires = t0 + 86400;
	} else if (k == 8) {
		b->mode = NP700_MODE_AX;
		b->customer_id = number_of(grp + 2, b->x);
		b->b[0] = '\0';
		b->expires = 0;
	} else {
		b->mode = NP700_MODE_AXYB;
		b->customer_id = number_of(grp + 4, b->x);
		number_of(grp + 5, b->y);
		b->expires = t0 + 7 * 86400;
	}
}

static int cmd_config(uint64_t total)
{
	uint64_t n = blocks(total), k;
	int c;

	for (c = 1; c <= 2; c++) {
		printf("customer %d\n name bench-%d\n", c, c);
		for (k = c - 1; k < n; k += 2)
			printf(" pool block %011" PRIu64 "\n", BLOCK_BASE + k);
	}
	return 0;
}

static int cmd_fill(const char *dir, uint64_t n, uint64_t total, uint64_t per_txn)
{
	struct np700_store_cfg cfg = { .path = dir, .map_size = (size_t)64 << 30, .max_pairs_per_x = 5000,
				       .plan = &np700_numplan_default };
	struct np700_store *st;
	struct np700_store_txn *txn = NULL;
	uint64_t nb = blocks(total), k, i, fails = 0;
	struct timespec a, z;
	int rc, c;

	rc = np700_store_open(NULL, &cfg, &st);
	if (rc) {
		fprintf(stderr, "open %s: %d\n", dir, rc);
		return 1;
	}
	for (c = 1; c <= 2; c++) {
		struct np700_customer cu = { .id = c };
		snprintf(cu.name, sizeof(cu.name), "bench-%d", c);
		np700_store_customer_put(st, &cu);
	}
	for (k = 0; k < nb; k++) {
		struct np700_pool p = { .customer_id = (k % 2) ? 2 : 1 };
		snprintf(p.first, sizeof(p.first), "%011" PRIu64 "0000", (BLOCK_BASE + k) % 100000000000);
		snprintf(p.last, sizeof(p.last), "%011" PRIu64 "9999", (BLOCK_BASE + k) % 100000000000);
		rc = np700_store_pool_add(st, &p);
		if (rc && rc != -EEXIST) {
			fprintf(stderr, "pool %s: %s\n", p.first, np700_store_last_error(st));
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		struct np700_binding b;
		if (!txn && np700_store_txn_begin(st, &txn)) {
			fprintf(stderr, "txn: %s\n", np700_store_last_error(st));
			return 1;
		}
		make_binding(i, total, &b);
		b.created = t0;
		if (np700_store_binding_create(st, txn, &b) && fails++ < 5)
			fprintf(stderr, "binding %" PRIu64 ": %s\n", i, np700_store_last_error(st));
		if ((i + 1) % per_txn == 0 || i + 1 == n) {
			if (np700_store_txn_commit(txn)) {
				fprintf(stderr, "commit: %s\n", np700_store_last_error(st));
				return 1;
			}
			txn = NULL;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	fprintf(stderr, "np700_gen: %" PRIu64 " bindings (%" PRIu64 " refused) in %.1f s\n", n, fails,
		(z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) / 1e9);
	np700_store_close(st);
	return fails ? 1 : 0;
}

static int cmd_csv(uint64_t first, uint64_t count, uint64_t total)
{
	static const char *modes[] = { [NP700_MODE_AXB] = "AXB", [NP700_MODE_AXN] = "AXN",
				       [NP700_MODE_AX] = "AX", [NP700_MODE_AXYB] = "AXYB" };
	uint64_t i;

	printf("op,mode,customer,order,x,y,a,b,expires\n");
	for (i = first; i < first + count; i++) {
		struct np700_binding b;
		make_binding(i, total, &b);
		printf("create,%s,%u,%s,%s,%s,%s,%s,%" PRId64 "\n", modes[b.mode], b.customer_id, b.order_id, b.x,
		       b.y, b.a, b.b, (int64_t)b.expires);
	}
	return 0;
}

static int cmd_recsize(void)
{
	uint8_t rec[STORE_REC_MAXLEN];
	uint64_t i, sum = 0;

	for (i = 0; i < 100000; i++) {
		struct np700_binding b;
		make_binding(i, 1000000, &b);
		b.created = t0;
		sum += store_rec_encode(rec, &b);
	}
	printf("%" PRIu64 "\n", (sum + 50000) / 100000);
	return 0;
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "np700_gen");

	osmo_init_logging2(ctx, &np700_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	t0 = getenv("NP700_GEN_T0") ? atoll(getenv("NP700_GEN_T0")) : time(NULL);
	if (argc >= 3 && !strcmp(argv[1], "config"))
		return cmd_config(strtoull(argv[2], NULL, 10));
	if (argc >= 5 && !strcmp(argv[1], "fill"))
		return cmd_fill(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10),
				argc > 5 ? strtoull(argv[5], NULL, 10) : 100000);
	if (argc >= 5 && !strcmp(argv[1], "csv"))
		return cmd_csv(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
	if (argc >= 2 && !strcmp(argv[1], "recsize"))
		return cmd_recsize();
	fprintf(stderr, "usage: see the head of np700_gen.c\n");
	return 2;
}
