/*! \file store_internal.h
 *  Inside the LMDB binding store: the environment, its sub-databases, the compact record
 *  codec and the helpers that the store_*.c files share. Not for use outside the store,
 *  decision and fraud code.
 *
 *  Sub-databases (all keys/values compact, numbers as 8-byte packed BCD, see store_codec.c):
 *  - meta:  "schema" -> u32 version, "next_id" -> u64 next binding id
 *  - bind:  id (native u64, INTEGERKEY, appended in id order) -> binding record
 *  - xidx:  X (8) -> DUPSORT|DUPFIXED [caller (8) | id BE (5)]. caller all zero = the X-wide
 *           entry ("anyone else" of AXN, "anyone but A" of AX). The top bit of the id marks the
 *           binding's primary entry on that number, so that the cap counts bindings, not pairs.
 *           Ids fit in 39 bits (5.5e11 bindings), which saves 6 bytes per binding here.
 *  - cidx:  customer id (u32) -> DUPSORT|DUPFIXED|INTEGERDUP id (u64)
 *  - exp:   expiry bucket (u64, expires / 64) -> DUPSORT|DUPFIXED|INTEGERDUP id (u64)
 *  - cust:  customer id (u32) -> customer record
 *  - pool:  first number (8) -> last number (8) | customer id (u32)
 *  - block: number (8) -> until (i64) | reason
 *  - usage: id (u64) -> calls (u32) | last caller (8) | last call time (i64), written in batches */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <lmdb.h>

#include <np700/store.h>
#include <np700/binding.h>
#include <np700/fraud.h>

struct rate_ctr_group;

#define STORE_BCD_LEN		8	/*!< packed BCD of up to 15 digits, 0xF filled */
#define STORE_EXP_BUCKET_S	64	/*!< granularity of the expiry index */
#define STORE_CUST_CACHE	32	/*!< direct-mapped cache of customers (there are few) */
#define STORE_XVAL_LEN		(STORE_BCD_LEN + 5)	/*!< an xidx entry: caller | id */
#define STORE_ID_MAX		(((uint64_t)1 << 39) - 1)

enum store_dbi {
	STORE_DB_META,
	STORE_DB_BIND,
	STORE_DB_XIDX,
	STORE_DB_CIDX,
	STORE_DB_EXP,
	STORE_DB_CUST,
	STORE_DB_POOL,
	STORE_DB_BLOCK,
	STORE_DB_USAGE,
	_STORE_DB_NUM
};

struct np700_store {
	MDB_env *env;
	MDB_dbi dbi[_STORE_DB_NUM];
	struct np700_store_cfg cfg;
	struct np700_numplan plan;	/*!< copy: cfg.plan may point into a config that changes */
	char *path;
	/* one read txn, kept open between lookups and reset/renewed only after a write (see
	 * store_read_begin()): no malloc, no lock, no re-reading of database roots per lookup */
	MDB_txn *rtxn;
	MDB_cursor *rcur_xidx;
	unsigned int rdepth;
	bool rtxn_live;		/*!< rtxn holds a snapshot */
	bool rtxn_stale;	/*!< a write committed while a reader was inside: drop at the end */
	/* the open bulk txn, if any: LMDB has one writer, so nothing else may begin one */
	struct np700_store_txn *bulk;
	uint8_t block_purge_key[STORE_BCD_LEN];	/*!< where the last blocklist purge stopped */
	bool block_purge_wrapped;
	struct np700_fraud *fraud;
	/* decoded customers for the hot path; cleared whenever a customer is written */
	struct {
		bool valid;
		struct np700_customer c;
	} cust_cache[STORE_CUST_CACHE];
	struct rate_ctr_group *decide_ctrs;	/*!< decision.c: one counter per reason */
	struct rate_ctr_group *ctrs;		/*!< enum store_ctr */
	char err[160];
	char werr[160];		/*!< the error text of the writer thread (store_writer.c) */
	int writer_busy;	/*!< the writer thread is inside a txn (atomic: store_writer_busy()) */
};

/*! Timer-driven writes on the main thread (purge, fraud flush) skip a round while the writer
 *  thread commits, instead of holding the event loop until LMDB's writer lock is free. */
static inline bool store_writer_busy(struct np700_store *st)
{
	return __atomic_load_n(&st->writer_busy, __ATOMIC_RELAXED);
}

/*! True in the store's writer thread (store_writer.c). There the store does not log (libosmocore
 *  logging is not thread-safe), leaves the main thread's read txn and fraud state alone and
 *  keeps its error text in werr; the main thread logs and forgets when the results come back. */
extern __thread bool store_in_writer;

enum store_ctr {
	STORE_CTR_CREATE,
	STORE_CTR_UPDATE,
	STORE_CTR_DELETE,
	STORE_CTR_REFUSED,
	STORE_CTR_PURGED,
	STORE_CTR_ERR_NOSPC,
	STORE_CTR_ERR_IO,
};

/*! Add \a n to a store counter; atomic, as the writer thread and the loop both count. */
void store_ctr_add(struct np700_store *st, enum store_ctr ctr, unsigned int n);
/*! Count the outcome of a binding write: \a ok_ctr on success, else refused or error. */
void store_count(struct np700_store *st, enum store_ctr ok_ctr, int rc);

struct np700_store_txn {
	struct np700_store *st;
	MDB_txn *txn;
};

/* store_env.c */
int store_set_err(struct np700_store *st, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int store_mdb_err(struct np700_store *st, int mrc, const char *what);
int store_read_begin(struct np700_store *st, MDB_txn **txn);
void store_read_end(struct np700_store *st);
/*! Open the read snapshot and a cursor on table \a db (\a what names it in errors) for a listing;
 *  on error nothing is left open. End with store_list_end(). */
int store_list_begin(struct np700_store *st, enum store_dbi db, const char *what, MDB_txn **t, MDB_cursor **c);
/*! End a listing: \a mrc is the cursor's last result (MDB_NOTFOUND: end of table), \a rc the
 *  callbacks'. Closes the cursor and the read. \returns \a rc, or the LMDB error. */
int store_list_end(struct np700_store *st, MDB_cursor *c, int mrc, int rc, const char *what);
/*! Release the read snapshot (before/after a write) so that the next read sees the new data. */
void store_snapshot_drop(struct np700_store *st);
/*! Begin the (nested, if \a txn) write txn of one operation; store_wop_end() commits or aborts. */
int store_wop_begin(struct np700_store *st, struct np700_store_txn *txn, MDB_txn **out);
int store_wop_end(struct np700_store *st, MDB_txn *t, int rc);

/* store_codec.c */
/*! LMDB's default key/duplicate order (memcmp, then the shorter first), faster; set on every
 *  table that uses the default order, so the file stays readable by any LMDB program. */
int store_cmp_bytes(const MDB_val *a, const MDB_val *b);
void store_bcd_pack(uint8_t *out, const char *digits);
/*! Unpack STORE_BCD_LEN octets to at most NP700_NUM_MAXLEN digits, up to the first nibble above 9.
 *  Writes all NP700_NUM_MAXLEN + 1 octets of \a out. */
void store_bcd_unpack(char *out, const uint8_t *in);
#define STORE_REC_MAXLEN	(2 + 4 * STORE_BCD_LEN + 6 * 10 + 1 + NP700_ORDER_ID_MAXLEN + 2 * 10 + STORE_BCD_LEN)
/*! A binding's record, with its usage \a u at the end (NULL: none yet, zero). */
size_t store_rec_encode(uint8_t *out, const struct np700_binding *b, const struct np700_fraud_usage *u);
int store_rec_decode(struct np700_binding *b, uint64_t id, const uint8_t *in, size_t len);
/*! The same, and the usage at its end: \a has_usage false (and \a u zero) for a record without
 *  (written by schema 1). */
int store_rec_decode_usage(struct np700_binding *b, uint64_t id, const uint8_t *in, size_t len,
			   struct np700_fraud_usage *u, bool *has_usage);
size_t store_cust_encode(uint8_t *out, const struct np700_customer *c);
int store_cust_decode(struct np700_customer *c, uint32_t id, const uint8_t *in, size_t len);
#define STORE_CUST_MAXLEN	(1 + 4 + 4 * 4 + 1 + 64)

/* store_binding.c */
/*! Validate a protected number (X, Y, pool bounds) / a real number (A, B); -EINVAL naming \a field. */
int store_check_protected(struct np700_store *st, const char *field, const char *digits);
int store_check_real(struct np700_store *st, const char *field, const char *digits);
int store_binding_get_txn(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b);
/*! The same, and the usage at the end of the record (\a has_usage false if it has none). */
int store_binding_get_usage_txn(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b,
				struct np700_fraud_usage *u, bool *has_usage);
int store_binding_del_txn(struct np700_store *st, MDB_txn *t, uint64_t id);
/*! The lookup of np700_store_binding_lookup() inside read txn \a t (cursor \a xc on xidx);
 *  *x_used says whether X has any index entry at all (to tell "caller not allowed" from "no
 *  binding"). \a rec, if not NULL, gets the found binding's record as stored (valid in \a t):
 *  a capped or AX decision reads the usage at its end (store_usage_rec_txn()) without a second
 *  search for the record. */
int store_binding_lookup_txn(struct np700_store *st, MDB_txn *t, MDB_cursor *xc, const char *dialled,
			     const char *caller, time_t now, struct np700_binding *b, bool *x_used, MDB_val *rec);
static inline bool store_binding_expired(const struct np700_binding *b, time_t now)
{
	return b->expires && b->expires <= now;
}

/* store_customer.c */
int store_customer_get_txn(struct np700_store *st, MDB_txn *t, uint32_t id, struct np700_customer *c);
/*! The same through the customer cache; only for read txns (committed data). */
int store_customer_get_cached(struct np700_store *st, MDB_txn *t, uint32_t id, struct np700_customer *c);
int store_pool_owner_txn(struct np700_store *st, MDB_txn *t, const uint8_t *x, uint32_t *customer_id);

/* store_block.c */
int store_block_get_txn(struct np700_store *st, MDB_txn *t, const char *number, time_t now, int64_t *until);
int store_block_put_txn(struct np700_store *st, MDB_txn *t, const char *number, int64_t until,
			const char *reason);

/* store_usage.c */
/*! The stored usage of binding \a id, and its record in \a b if not NULL.
 *  \returns 0, -ENOENT (binding gone), -EIO. */
int store_usage_get_txn(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b,
			struct np700_fraud_usage *u);
/*! The same from binding \a id's record \a rec as read in \a t. \returns 0, -EIO. */
int store_usage_rec_txn(struct np700_store *st, MDB_txn *t, uint64_t id, const MDB_val *rec,
			struct np700_fraud_usage *u);
/*! Write the usage of binding \a id into its record: \a u, or with \a add the stored usage plus
 *  \a u (what was noted since); \a out is what was written.
 *  \returns 0, -ENOENT (binding gone), -EIO (damaged record, left as it is), or an error. */
int store_usage_put_txn(struct np700_store *st, MDB_txn *t, uint64_t id, const struct np700_fraud_usage *u,
			bool add, struct np700_fraud_usage *out);
/*! Drop the schema 1 usage table entry of binding \a id, if any. */
int store_usage1_del_txn(struct np700_store *st, MDB_txn *t, uint64_t id);
/*! \a stored plus what was noted since (\a since): the counts add up, the later last caller wins. */
void store_usage_merge(struct np700_fraud_usage *out, const struct np700_fraud_usage *stored,
		       const struct np700_fraud_usage *since);

static inline MDB_val store_val(const void *p, size_t len)
{
	MDB_val v = { .mv_size = len, .mv_data = (void *)p };
	return v;
}

static inline void store_put_be64(uint8_t *p, uint64_t v)
{
	int i;
	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static inline uint64_t store_get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/*! The 5-byte id of an xidx entry, top bit = primary entry. */
static inline void store_put_xid(uint8_t *p, uint64_t id, bool primary)
{
	int i;
	for (i = 4; i >= 0; i--, id >>= 8)
		p[i] = id & 0xff;
	if (primary)
		p[0] |= 0x80;
}

static inline uint64_t store_get_xid(const uint8_t *p)
{
	uint64_t v = p[0] & 0x7f;
	int i;
	for (i = 1; i < 5; i++)
		v = (v << 8) | p[i];
	return v;
}
