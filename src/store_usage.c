/* Binding store: the usage of a binding (calls so far, last caller), which the fraud code writes
 * in batches. Since schema 2 it is kept at the end of the binding's record: a separate table cost
 * a B-tree entry of ~40 bytes and a page split now and then for every binding ever called, more
 * than the record itself. A store of schema 1 kept it in the usage table, which is still read
 * for a binding whose usage has not been written since. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <np700/store_internal.h>

/* schema 1 usage table record: calls (u32) | last caller (8, BCD) | last call time (i64) */
#define USAGE1_LEN	(4 + STORE_BCD_LEN + 8)

static int usage1_get(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_fraud_usage *u)
{
	size_t sid = id;
	MDB_val k = store_val(&sid, sizeof(sid)), v;
	int mrc = mdb_get(t, st->dbi[STORE_DB_USAGE], &k, &v);

	if (mrc == MDB_NOTFOUND)
		return -ENOENT;
	if (mrc)
		return store_mdb_err(st, mrc, "usage");
	if (v.mv_size != USAGE1_LEN)
		return store_set_err(st, -EIO, "usage: damaged record");
	memcpy(&u->calls, v.mv_data, 4);
	store_bcd_unpack(u->last_caller, (uint8_t *)v.mv_data + 4);
	memcpy(&u->last_time, (uint8_t *)v.mv_data + 4 + STORE_BCD_LEN, 8);
	return 0;
}

/* the usage of binding \a id, whose record's usage part \a u was read (\a has: whether there was
 * one): from the record, else from the schema 1 table, else none */
static int usage_stored(struct np700_store *st, MDB_txn *t, uint64_t id, bool has, struct np700_fraud_usage *u)
{
	int rc;

	if (has)
		return 0;
	rc = usage1_get(st, t, id, u);
	if (rc == -ENOENT) {
		memset(u, 0, sizeof(*u));
		return 0;
	}
	return rc;
}

int store_usage_get_txn(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b,
			struct np700_fraud_usage *u)
{
	struct np700_binding scratch;
	bool has;
	int rc = store_binding_get_usage_txn(st, t, id, b ? b : &scratch, u, &has);

	return rc ? rc : usage_stored(st, t, id, has, u);
}

int store_usage_rec_txn(struct np700_store *st, MDB_txn *t, uint64_t id, const MDB_val *rec,
			struct np700_fraud_usage *u)
{
	struct np700_binding scratch;
	bool has;

	if (store_rec_decode_usage(&scratch, id, rec->mv_data, rec->mv_size, u, &has))
		return store_set_err(st, -EIO, "binding %" PRIu64 ": damaged record", id);
	return usage_stored(st, t, id, has, u);
}

int store_usage_put_txn(struct np700_store *st, MDB_txn *t, uint64_t id, const struct np700_fraud_usage *u,
			bool add, struct np700_fraud_usage *out)
{
	uint8_t rec[STORE_REC_MAXLEN];
	struct np700_fraud_usage stored;
	struct np700_binding b;
	size_t sid = id;
	MDB_val k = store_val(&sid, sizeof(sid)), v;
	bool has;
	int rc;

	rc = store_binding_get_usage_txn(st, t, id, &b, &stored, &has);
	if (rc)
		return rc;
	if (add) {
		/* a usage record of schema 1 that cannot be read is replaced */
		if (usage_stored(st, t, id, has, &stored))
			memset(&stored, 0, sizeof(stored));
		store_usage_merge(out, &stored, u);
	} else {
		*out = *u;
	}
	v = store_val(rec, store_rec_encode(rec, &b, out));
	rc = store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_BIND], &k, &v, 0), "binding");
	if (rc || has)
		return rc;
	/* the usage has moved from the schema 1 table (if it was there) into the record */
	return store_usage1_del_txn(st, t, id);
}

int store_usage1_del_txn(struct np700_store *st, MDB_txn *t, uint64_t id)
{
	size_t sid = id;
	MDB_val k = store_val(&sid, sizeof(sid));
	int mrc = mdb_del(t, st->dbi[STORE_DB_USAGE], &k, NULL);

	return mrc == MDB_NOTFOUND ? 0 : store_mdb_err(st, mrc, "usage");
}

void store_usage_merge(struct np700_fraud_usage *out, const struct np700_fraud_usage *stored,
		       const struct np700_fraud_usage *since)
{
	uint32_t calls = stored->calls + since->calls;

	*out = since->last_caller[0] ? *since : *stored;
	out->calls = calls;
}
