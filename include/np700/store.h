/*! \file store.h
 *  The LMDB binding store (DESIGN §4): customers, pools, bindings, blocklist in named
 *  sub-databases; every write one transaction; a lookup one read transaction.
 *  All functions return 0 or a negative errno: -ENOENT (not found), -EEXIST (uniqueness
 *  violated), -EINVAL (invalid field; see np700_store_last_error()), -EPERM (outside the
 *  customer's pools / not allowed), -ENOSPC (LMDB map full), -EIO (other LMDB error),
 *  -EBUSY (a customer/pool still has bindings, or a write without txn while a bulk txn is
 *  open: LMDB has one writer and np700 is single-threaded, so that would deadlock),
 *  -EPROTO (np700_store_open(): the file has a newer schema version than this program),
 *  -EDQUOT (binding create/update: the protected number already carries max_pairs_per_x
 *  bindings; the cap counts bindings, so an AXB binding whose A and B both dial X counts once). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <np700/binding.h>
#include <np700/number.h>

struct np700_store;
struct np700_store_txn;

/*! Current on-disk schema version; a store with a newer one is refused. */
#define NP700_STORE_SCHEMA_VERSION	2

struct np700_store_cfg {
	const char *path;		/*!< directory of the LMDB environment */
	size_t map_size;		/*!< bytes */
	unsigned int max_pairs_per_x;	/*!< cap of bindings on one X (200..5000 typical) */
	const struct np700_numplan *plan;	/*!< protected range + national numbering, for validation */
};

/*! Per-customer fraud limits (DESIGN §5); 0 = no limit. Counted in memory (fraud.c). */
struct np700_rate_limits {
	uint32_t calls_per_number_per_min;	/*!< call attempts to one X per minute */
	uint32_t calls_per_binding_per_hour;	/*!< call attempts on one binding per hour */
	uint32_t distinct_numbers_per_caller_per_hour;	/*!< distinct X one caller dials per hour */
	uint32_t block_s;			/*!< a tripped limit blocklists the caller this long */
};

struct np700_customer {
	uint32_t id;
	char name[64];
	bool suspended;
	/* time-of-day window, minutes since local midnight; start == end means always */
	uint16_t tod_start;
	uint16_t tod_end;
	struct np700_rate_limits limits;
};

/*! A pool: a contiguous range of 15-digit protected numbers [first, last]. An 11-digit
 *  block "70012345678" is the range 700123456780000..700123456789999. */
struct np700_pool {
	uint32_t customer_id;
	char first[NP700_NUM_MAXLEN + 1];
	char last[NP700_NUM_MAXLEN + 1];
};

int np700_store_open(void *ctx, const struct np700_store_cfg *cfg, struct np700_store **out);
void np700_store_close(struct np700_store *st);
/*! Human-readable text of the last error of this store (which field, why). */
const char *np700_store_last_error(const struct np700_store *st);

/* Customers and pools. Configured in the VTY; the running config is written into the store
 * at start and on change, so that binding writes can check pools inside their transaction. */
int np700_store_customer_put(struct np700_store *st, const struct np700_customer *c);
int np700_store_customer_get(struct np700_store *st, uint32_t id, struct np700_customer *c);
int np700_store_customer_del(struct np700_store *st, uint32_t id);
int np700_store_pool_add(struct np700_store *st, const struct np700_pool *p);
int np700_store_pool_del(struct np700_store *st, const struct np700_pool *p);
/*! Which customer owns protected number \a x (-ENOENT: none). */
int np700_store_pool_owner(struct np700_store *st, const char *x, uint32_t *customer_id);
/*! customer_del refuses with -EBUSY while the customer has bindings; pool_del refuses with
 *  -EBUSY while a binding uses a number of the pool. pool_add of an identical pool is a no-op
 *  (0); an overlap with any pool, of this or another customer, is -EEXIST. */
typedef int (*np700_customer_cb)(const struct np700_customer *c, void *data);
typedef int (*np700_pool_cb)(const struct np700_pool *p, void *data);
/*! Iterate customers (by id) / pools (by first number); stop early if cb returns non-zero. */
int np700_store_customer_list(struct np700_store *st, np700_customer_cb cb, void *data);
int np700_store_pool_list(struct np700_store *st, np700_pool_cb cb, void *data);
/*! Number of bindings of a customer (cheap: LMDB keeps the count). */
int np700_store_customer_bindings(struct np700_store *st, uint32_t customer_id, uint64_t *count);

/* Write transactions. A single operation without an explicit txn (txn == NULL) is one
 * transaction of its own. The bulk path opens one txn, runs many operations (each one
 * atomic on its own: a failing operation leaves no trace and does not spoil the others),
 * then commits; nothing is acknowledged before np700_store_txn_commit() returned 0. */
int np700_store_txn_begin(struct np700_store *st, struct np700_store_txn **txn);
int np700_store_txn_commit(struct np700_store_txn *txn);
void np700_store_txn_abort(struct np700_store_txn *txn);

/*! Create: b->id and b->created are assigned (created only if 0). An expired binding that
 *  holds the same (X, caller) pair (expired at b->created, or now if that is earlier) is removed
 *  first, so that a pair can be re-bound before the purge timer reached it. */
int np700_store_binding_create(struct np700_store *st, struct np700_store_txn *txn, struct np700_binding *b);
/*! Update by b->id: every field may change except id and customer. */
int np700_store_binding_update(struct np700_store *st, struct np700_store_txn *txn, const struct np700_binding *b);
int np700_store_binding_delete(struct np700_store *st, struct np700_store_txn *txn, uint64_t id);
/*! -ESTALE (with \a b filled) if the binding has expired but was not purged yet. */
int np700_store_binding_get(struct np700_store *st, uint64_t id, struct np700_binding *b);

/*! Find the binding that applies when \a caller dials protected number \a dialled
 *  (exact (X, caller) pair first, then the X-wide entry of AXN/AX). An expired binding is
 *  never returned as valid: -ESTALE, with \a b filled so that the record can name it.
 *  Expiry is judged against time(NULL); np700_decide() takes its own 'now'. */
int np700_store_binding_lookup(struct np700_store *st, const char *dialled, const char *caller,
			       struct np700_binding *b);

typedef int (*np700_binding_cb)(const struct np700_binding *b, void *data);
/*! Iterate the bindings of a protected number (X or Y) or of a customer; stop early if cb returns non-zero
 *  (that value is returned). Expired bindings are skipped. The callback may call other store functions. */
int np700_store_binding_list_number(struct np700_store *st, const char *x, np700_binding_cb cb, void *data);
int np700_store_binding_list_customer(struct np700_store *st, uint32_t customer_id, np700_binding_cb cb, void *data);

/* Blocklist: a number (canonical E.164 or protected) blocked until \a until (0 = forever). */
int np700_store_block_put(struct np700_store *st, const char *number, int64_t until, const char *reason);
int np700_store_block_del(struct np700_store *st, const char *number);
/*! 0 and *until if blocked now, -ENOENT if not (or expired). */
int np700_store_block_get(struct np700_store *st, const char *number, time_t now, int64_t *until);
typedef int (*np700_block_cb)(const char *number, int64_t until, const char *reason, void *data);
/*! Iterate the entries blocked at \a now; stop early if cb returns non-zero. */
int np700_store_block_list(struct np700_store *st, time_t now, np700_block_cb cb, void *data);

/*! Remove up to \a max expired bindings/blocklist entries; returns how many were removed.
 *  Called from a timer so that purging never stalls the event loop. The expiry index is kept
 *  in 64-second buckets (to keep it small), so a binding is purged up to 64 s after it expired;
 *  lookups check the expiry themselves and never return it meanwhile. Returns 0 without doing
 *  anything while a bulk txn is open. */
int np700_store_purge_expired(struct np700_store *st, time_t now, unsigned int max);

struct np700_store_stats {
	uint64_t bindings;
	uint64_t customers;
	uint64_t pools;
	uint64_t blocked;
	size_t map_size;
	size_t used_bytes;
};
int np700_store_stats(struct np700_store *st, struct np700_store_stats *s);
