/* Binding store: customers and their pools of protected numbers (no number in two pools) */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/bit32gen.h>

#include <np700/logging.h>
#include <np700/store_internal.h>

int store_customer_get_txn(struct np700_store *st, MDB_txn *t, uint32_t id, struct np700_customer *c)
{
	unsigned int key = id;
	MDB_val k = store_val(&key, sizeof(key)), v;
	int mrc = mdb_get(t, st->dbi[STORE_DB_CUST], &k, &v);

	if (mrc)
		return store_mdb_err(st, mrc, "customer");
	if (store_cust_decode(c, id, v.mv_data, v.mv_size))
		return store_set_err(st, -EIO, "customer %u: damaged record", id);
	return 0;
}

int store_customer_get_cached(struct np700_store *st, MDB_txn *t, uint32_t id, struct np700_customer *c)
{
	unsigned int slot = id % STORE_CUST_CACHE;
	int rc;

	if (st->cust_cache[slot].valid && st->cust_cache[slot].c.id == id) {
		*c = st->cust_cache[slot].c;
		return 0;
	}
	rc = store_customer_get_txn(st, t, id, c);
	if (!rc) {
		st->cust_cache[slot].c = *c;
		st->cust_cache[slot].valid = true;
	}
	return rc;
}

static void cust_cache_clear(struct np700_store *st)
{
	memset(st->cust_cache, 0, sizeof(st->cust_cache));
}

int np700_store_customer_get(struct np700_store *st, uint32_t id, struct np700_customer *c)
{
	MDB_txn *t;
	int rc = store_read_begin(st, &t);

	if (rc)
		return rc;
	rc = store_customer_get_txn(st, t, id, c);
	store_read_end(st);
	return rc;
}

int np700_store_customer_put(struct np700_store *st, const struct np700_customer *c)
{
	uint8_t buf[STORE_CUST_MAXLEN];
	unsigned int key = c->id;
	MDB_val k = store_val(&key, sizeof(key)), v;
	MDB_txn *t;
	int rc;

	if (!c->id)
		return store_set_err(st, -EINVAL, "customer: id 0 is not allowed");
	if (c->tod_start >= 24 * 60 || c->tod_end >= 24 * 60)
		return store_set_err(st, -EINVAL, "customer %u: time window out of range", c->id);
	v = store_val(buf, store_cust_encode(buf, c));
	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	rc = store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_CUST], &k, &v, 0), "customer");
	rc = store_wop_end(st, t, rc);
	cust_cache_clear(st);
	return rc;
}

static int customer_bindings_txn(struct np700_store *st, MDB_txn *t, uint32_t id, uint64_t *count)
{
	unsigned int key = id;
	MDB_val k = store_val(&key, sizeof(key)), v;
	MDB_cursor *c;
	size_t n = 0;
	int mrc;

	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_CIDX], &c);
	if (mrc)
		return store_mdb_err(st, mrc, "customer index");
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (!mrc)
		mrc = mdb_cursor_count(c, &n);
	mdb_cursor_close(c);
	*count = mrc ? 0 : n;
	if (mrc && mrc != MDB_NOTFOUND)
		return store_mdb_err(st, mrc, "customer index");
	return 0;
}

int np700_store_customer_bindings(struct np700_store *st, uint32_t customer_id, uint64_t *count)
{
	MDB_txn *t;
	int rc = store_read_begin(st, &t);

	if (rc)
		return rc;
	rc = customer_bindings_txn(st, t, customer_id, count);
	store_read_end(st);
	return rc;
}

/* Pool records: key first (8), value last (8) | customer (u32 BE). */
static void pool_from_kv(struct np700_pool *p, const MDB_val *k, const MDB_val *v)
{
	memset(p, 0, sizeof(*p));
	store_bcd_unpack(p->first, k->mv_data);
	store_bcd_unpack(p->last, v->mv_data);
	p->customer_id = osmo_load32be((const uint8_t *)v->mv_data + STORE_BCD_LEN);
}

static bool pool_kv_ok(const MDB_val *k, const MDB_val *v)
{
	return k->mv_size == STORE_BCD_LEN && v->mv_size == STORE_BCD_LEN + 4;
}

/* The pool whose first number is the greatest <= x (pools never overlap, so it is the only
 * one that can contain x). */
static int pool_candidate(MDB_cursor *c, const uint8_t *x, MDB_val *k, MDB_val *v)
{
	int mrc;

	*k = store_val(x, STORE_BCD_LEN);
	mrc = mdb_cursor_get(c, k, v, MDB_SET_RANGE);
	if (mrc == MDB_NOTFOUND)
		mrc = mdb_cursor_get(c, k, v, MDB_LAST);
	else if (!mrc && memcmp(k->mv_data, x, STORE_BCD_LEN) > 0)
		mrc = mdb_cursor_get(c, k, v, MDB_PREV);
	if (mrc)
		return mrc;
	if (!pool_kv_ok(k, v))
		return MDB_CORRUPTED;
	if (memcmp(k->mv_data, x, STORE_BCD_LEN) > 0)
		return MDB_NOTFOUND;
	return 0;
}

static int pool_find(struct np700_store *st, MDB_cursor *c, const uint8_t *x, MDB_val *k, MDB_val *v)
{
	int mrc = pool_candidate(c, x, k, v);

	if (!mrc && memcmp(v->mv_data, x, STORE_BCD_LEN) < 0)
		return MDB_NOTFOUND;
	return mrc;
}

int store_pool_owner_txn(struct np700_store *st, MDB_txn *t, const uint8_t *x, uint32_t *customer_id)
{
	MDB_cursor *c;
	MDB_val k, v;
	int mrc;

	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_POOL], &c);
	if (mrc)
		return store_mdb_err(st, mrc, "pool");
	mrc = pool_find(st, c, x, &k, &v);
	if (!mrc)
		*customer_id = osmo_load32be((const uint8_t *)v.mv_data + STORE_BCD_LEN);
	mdb_cursor_close(c);
	return mrc ? store_mdb_err(st, mrc, "pool") : 0;
}

int np700_store_pool_owner(struct np700_store *st, const char *x, uint32_t *customer_id)
{
	uint8_t px[STORE_BCD_LEN];
	MDB_txn *t;
	int rc;

	rc = store_check_protected(st, "x", x);
	if (rc)
		return rc;
	store_bcd_pack(px, x);
	rc = store_read_begin(st, &t);
	if (rc)
		return rc;
	rc = store_pool_owner_txn(st, t, px, customer_id);
	store_read_end(st);
	return rc;
}

static int pool_check(struct np700_store *st, const struct np700_pool *p, uint8_t *first, uint8_t *last)
{
	int rc;

	rc = store_check_protected(st, "pool first", p->first);
	if (!rc)
		rc = store_check_protected(st, "pool last", p->last);
	if (rc)
		return rc;
	store_bcd_pack(first, p->first);
	store_bcd_pack(last, p->last);
	if (memcmp(first, last, STORE_BCD_LEN) > 0)
		return store_set_err(st, -EINVAL, "pool: first %s after last %s", p->first, p->last);
	return 0;
}

int np700_store_pool_add(struct np700_store *st, const struct np700_pool *p)
{
	uint8_t first[STORE_BCD_LEN], val[STORE_BCD_LEN + 4];
	struct np700_customer cust;
	struct np700_pool other;
	MDB_cursor *c;
	MDB_val k, v;
	MDB_txn *t;
	int rc, mrc;

	rc = pool_check(st, p, first, val);
	if (rc)
		return rc;
	osmo_store32be(p->customer_id, val + STORE_BCD_LEN);
	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	rc = store_customer_get_txn(st, t, p->customer_id, &cust);
	if (rc) {
		if (rc == -ENOENT)
			store_set_err(st, rc, "pool: customer %u does not exist", p->customer_id);
		return store_wop_end(st, t, rc);
	}
	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_POOL], &c);
	if (mrc)
		return store_wop_end(st, t, store_mdb_err(st, mrc, "pool"));
	/* the only pool that can overlap: the greatest first <= our last; it does if it ends at or
	 * after our first */
	mrc = pool_candidate(c, val, &k, &v);
	if (!mrc && memcmp(v.mv_data, first, STORE_BCD_LEN) < 0)
		mrc = MDB_NOTFOUND;
	if (!mrc) {
		pool_from_kv(&other, &k, &v);
		mdb_cursor_close(c);
		if (!strcmp(other.first, p->first) && !strcmp(other.last, p->last)
		    && other.customer_id == p->customer_id) {
			mdb_txn_abort(t);	/* the same pool again: nothing to do */
			return 0;
		}
		rc = store_set_err(st, -EEXIST, "pool %s-%s overlaps pool %s-%s of customer %u", p->first,
				   p->last, other.first, other.last, other.customer_id);
		return store_wop_end(st, t, rc);
	}
	mdb_cursor_close(c);
	if (mrc != MDB_NOTFOUND)
		return store_wop_end(st, t, store_mdb_err(st, mrc, "pool"));
	k = store_val(first, STORE_BCD_LEN);
	v = store_val(val, sizeof(val));
	rc = store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_POOL], &k, &v, MDB_NOOVERWRITE), "pool");
	return store_wop_end(st, t, rc);
}

/* Does any binding use a number in [first, last]? The xidx keys sort numerically. */
static int pool_in_use(struct np700_store *st, MDB_txn *t, const uint8_t *first, const uint8_t *last)
{
	MDB_cursor *c;
	MDB_val k = store_val(first, STORE_BCD_LEN), v;
	int mrc;

	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_XIDX], &c);
	if (mrc)
		return store_mdb_err(st, mrc, "number index");
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	mdb_cursor_close(c);
	if (mrc == MDB_NOTFOUND)
		return 0;
	if (mrc)
		return store_mdb_err(st, mrc, "number index");
	return memcmp(k.mv_data, last, STORE_BCD_LEN) <= 0;
}

int np700_store_pool_del(struct np700_store *st, const struct np700_pool *p)
{
	uint8_t first[STORE_BCD_LEN], last[STORE_BCD_LEN];
	struct np700_pool old;
	MDB_val k, v;
	MDB_txn *t;
	int rc, mrc;

	rc = pool_check(st, p, first, last);
	if (rc)
		return rc;
	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	k = store_val(first, STORE_BCD_LEN);
	mrc = mdb_get(t, st->dbi[STORE_DB_POOL], &k, &v);
	if (mrc) {
		rc = store_mdb_err(st, mrc, "pool");
		return store_wop_end(st, t, rc);
	}
	if (!pool_kv_ok(&k, &v))
		return store_wop_end(st, t, store_set_err(st, -EIO, "pool: damaged record"));
	pool_from_kv(&old, &k, &v);
	if (strcmp(old.last, p->last) || old.customer_id != p->customer_id)
		return store_wop_end(st, t, store_set_err(st, -ENOENT, "pool %s-%s of customer %u: not found",
							 p->first, p->last, p->customer_id));
	rc = pool_in_use(st, t, first, last);
	if (rc > 0)
		rc = store_set_err(st, -EBUSY, "pool %s-%s: numbers still bound", p->first, p->last);
	if (!rc)
		rc = store_mdb_err(st, mdb_del(t, st->dbi[STORE_DB_POOL], &k, NULL), "pool");
	return store_wop_end(st, t, rc);
}

int np700_store_customer_del(struct np700_store *st, uint32_t id)
{
	unsigned int key = id;
	MDB_val k = store_val(&key, sizeof(key)), v;
	MDB_cursor *c;
	uint64_t n;
	MDB_txn *t;
	int rc, mrc;

	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	rc = customer_bindings_txn(st, t, id, &n);
	if (!rc && n)
		rc = store_set_err(st, -EBUSY, "customer %u still has %" PRIu64 " bindings", id, n);
	if (!rc)
		rc = store_mdb_err(st, mdb_del(t, st->dbi[STORE_DB_CUST], &k, NULL), "customer");
	cust_cache_clear(st);
	if (rc)
		return store_wop_end(st, t, rc);
	/* its pools go with it; pools are few, a scan is fine */
	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_POOL], &c);
	while (!mrc) {
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		if (!mrc && pool_kv_ok(&k, &v) && osmo_load32be((uint8_t *)v.mv_data + STORE_BCD_LEN) == id)
			mrc = mdb_cursor_del(c, 0);
	}
	if (mrc != MDB_NOTFOUND)
		rc = store_mdb_err(st, mrc, "pool");
	return store_wop_end(st, t, rc);	/* a write txn closes its cursors */
}

int np700_store_customer_list(struct np700_store *st, np700_customer_cb cb, void *data)
{
	struct np700_customer cust;
	MDB_cursor *c;
	MDB_txn *t;
	MDB_val k, v;
	int rc, mrc;

	rc = store_list_begin(st, STORE_DB_CUST, "customer", &t, &c);
	if (rc)
		return rc;
	while (!rc) {
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		if (mrc)
			break;
		unsigned int id;
		if (k.mv_size != sizeof(id))
			continue;
		memcpy(&id, k.mv_data, sizeof(id));	/* LMDB keys need not be aligned */
		if (store_cust_decode(&cust, id, v.mv_data, v.mv_size))
			continue;
		rc = cb(&cust, data);
	}
	return store_list_end(st, c, mrc, rc, "customer");
}

int np700_store_pool_list(struct np700_store *st, np700_pool_cb cb, void *data)
{
	struct np700_pool p;
	MDB_cursor *c;
	MDB_txn *t;
	MDB_val k, v;
	int rc, mrc;

	rc = store_list_begin(st, STORE_DB_POOL, "pool", &t, &c);
	if (rc)
		return rc;
	while (!rc) {
		mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		if (mrc)
			break;
		if (!pool_kv_ok(&k, &v))
			continue;
		pool_from_kv(&p, &k, &v);
		rc = cb(&p, data);
	}
	return store_list_end(st, c, mrc, rc, "pool");
}
