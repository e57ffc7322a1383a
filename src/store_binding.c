/* Binding store: create/update/delete/get/lookup/list of bindings and their indexes, with the
 * rules the store itself enforces (valid numbers, pools, (X, caller) unique, cap per X) */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/fraud.h>
#include <np700/store_internal.h>

static const uint8_t wildcard[STORE_BCD_LEN];	/* all zero: no packed number looks like this */

int store_check_protected(struct np700_store *st, const char *field, const char *digits)
{
	char out[NP700_NUM_MAXLEN + 1];

	if (!digits[0])
		return store_set_err(st, -EINVAL, "%s: missing", field);
	if (np700_protected_normalise(&st->plan, digits, NP700_NAT_NATIONAL, out, sizeof(out)) != 1
	    || strcmp(out, digits))
		return store_set_err(st, -EINVAL, "%s: %s is not a protected number (%s, %u digits)", field,
				     osmo_quote_str_c(OTC_SELECT, digits, -1), st->plan.range_prefix,
				     st->plan.range_len);
	return 0;
}

int store_check_real(struct np700_store *st, const char *field, const char *digits)
{
	char out[NP700_NUM_MAXLEN + 1];

	if (!digits[0])
		return store_set_err(st, -EINVAL, "%s: missing", field);
	if (np700_real_normalise(&st->plan, digits, NP700_NAT_INTERNATIONAL, out, sizeof(out)) || strcmp(out, digits)
	    || digits[0] == '0')
		return store_set_err(st, -EINVAL, "%s: %s is not a canonical international E.164 number", field,
				     osmo_quote_str_c(OTC_SELECT, digits, -1));
	if (np700_protected_normalise(&st->plan, digits, NP700_NAT_INTERNATIONAL, out, sizeof(out)) != 0)
		return store_set_err(st, -EINVAL, "%s: '%s' is a protected number, not a real one", field, digits);
	return 0;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int binding_validate(struct np700_store *st, const struct np700_binding *b)
{
	bool needs_b = b->mode != NP700_MODE_AX;
	int rc;

	if (!terminated(b->x, sizeof(b->x)) || !terminated(b->y, sizeof(b->y)) || !terminated(b->a, sizeof(b->a))
	    || !terminated(b->b, sizeof(b->b)) || !terminated(b->order_id, sizeof(b->order_id)))
		return store_set_err(st, -EINVAL, "binding: unterminated field");
	if ((unsigned int)b->mode >= _NP700_MODE_NUM)
		return store_set_err(st, -EINVAL, "mode: invalid");
	if ((unsigned int)b->direction >= _NP700_DIR_NUM)
		return store_set_err(st, -EINVAL, "direction: invalid");
	if (!b->services || (b->services & ~(NP700_SVC_VOICE | NP700_SVC_SMS)))
		return store_set_err(st, -EINVAL, "services: invalid");
	rc = store_check_protected(st, "x", b->x);
	if (!rc)
		rc = store_check_real(st, "a", b->a);
	if (rc)
		return rc;
	if (needs_b) {
		rc = store_check_real(st, b->mode == NP700_MODE_AXN ? "n" : "b", b->b);
		if (rc)
			return rc;
		if (!strcmp(b->a, b->b))
			return store_set_err(st, -EINVAL, "b: same number as a");
	} else if (b->b[0]) {
		return store_set_err(st, -EINVAL, "b: not used in mode AX");
	}
	if (b->mode == NP700_MODE_AXYB) {
		rc = store_check_protected(st, "y", b->y);
		if (rc)
			return rc;
		if (!strcmp(b->x, b->y))
			return store_set_err(st, -EINVAL, "y: same number as x");
	} else if (b->y[0]) {
		return store_set_err(st, -EINVAL, "y: only used in mode AXYB");
	}
	if (!b->expires && b->mode != NP700_MODE_AX)
		return store_set_err(st, -EINVAL, "expires: required in mode %s", np700_mode_name(b->mode));
	if (b->expires && b->expires <= b->created)
		return store_set_err(st, -EINVAL, "expires: not after created");
	if ((b->callback_allowed || b->callback_window_s) && b->mode != NP700_MODE_AX)
		return store_set_err(st, -EINVAL, "callback: only in mode AX");
	return 0;
}

/* The index entries of a binding: (number, caller or wildcard, primary). */
struct xentry {
	uint8_t key[STORE_BCD_LEN];
	uint8_t val[STORE_XVAL_LEN];
	const char *number;
	const char *caller;
};

static unsigned int binding_entries(const struct np700_binding *b, struct xentry e[2])
{
	const char *n1 = b->x, *n2 = b->x, *c2 = NULL;
	unsigned int i;

	switch (b->mode) {
	case NP700_MODE_AXB:
		c2 = b->b;
		break;
	case NP700_MODE_AXYB:
		n2 = b->y;
		c2 = b->b;
		break;
	default:
		break;	/* AXN, AX: the X-wide entry */
	}
	e[0].number = n1;
	e[0].caller = b->a;
	e[1].number = n2;
	e[1].caller = c2;
	for (i = 0; i < 2; i++) {
		/* AXYB: the entry on Y is Y's primary one, so the cap on Y counts it */
		bool primary = i == 0 || n2 != n1;
		store_bcd_pack(e[i].key, e[i].number);
		if (e[i].caller)
			store_bcd_pack(e[i].val, e[i].caller);
		else
			memcpy(e[i].val, wildcard, STORE_BCD_LEN);
		store_put_xid(e[i].val + STORE_BCD_LEN, b->id, primary);
	}
	return 2;
}

/* binding \a id into \a b, and its record as stored into \a v */
static int binding_read(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b, MDB_val *v,
			struct np700_fraud_usage *u, bool *has_usage)
{
	size_t key = id;
	MDB_val k = store_val(&key, sizeof(key));
	int mrc = mdb_get(t, st->dbi[STORE_DB_BIND], &k, v);

	if (mrc)
		return store_mdb_err(st, mrc, "binding");
	if (store_rec_decode_usage(b, id, v->mv_data, v->mv_size, u, has_usage)) {
		if (!store_in_writer)
			LOGP(DSTORE, LOGL_ERROR, "store %s: binding %" PRIu64 ": damaged record\n", st->path, id);
		return store_set_err(st, -EIO, "binding %" PRIu64 ": damaged record", id);
	}
	return 0;
}

int store_binding_get_usage_txn(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b,
				struct np700_fraud_usage *u, bool *has_usage)
{
	MDB_val v;

	return binding_read(st, t, id, b, &v, u, has_usage);
}

int store_binding_get_txn(struct np700_store *st, MDB_txn *t, uint64_t id, struct np700_binding *b)
{
	return store_binding_get_usage_txn(st, t, id, b, NULL, NULL);
}

static uint64_t exp_bucket(int64_t expires)
{
	return (uint64_t)expires / STORE_EXP_BUCKET_S;
}

/* Remove every trace of binding \a id inside write txn \a t. */
int store_binding_del_txn(struct np700_store *st, MDB_txn *t, uint64_t id)
{
	struct np700_binding b;
	struct xentry e[2];
	size_t sid = id, bucket;
	unsigned int key, i, n;
	MDB_val k, v;
	int rc, mrc;

	rc = store_binding_get_txn(st, t, id, &b);
	if (rc)
		return rc;
	n = binding_entries(&b, e);
	for (i = 0; i < n; i++) {
		k = store_val(e[i].key, STORE_BCD_LEN);
		v = store_val(e[i].val, sizeof(e[i].val));
		mrc = mdb_del(t, st->dbi[STORE_DB_XIDX], &k, &v);
		if (mrc && mrc != MDB_NOTFOUND)
			return store_mdb_err(st, mrc, "number index");
	}
	key = b.customer_id;
	k = store_val(&key, sizeof(key));
	v = store_val(&sid, sizeof(sid));
	mrc = mdb_del(t, st->dbi[STORE_DB_CIDX], &k, &v);
	if (mrc && mrc != MDB_NOTFOUND)
		return store_mdb_err(st, mrc, "customer index");
	if (b.expires) {
		bucket = exp_bucket(b.expires);
		k = store_val(&bucket, sizeof(bucket));
		mrc = mdb_del(t, st->dbi[STORE_DB_EXP], &k, &v);
		if (mrc && mrc != MDB_NOTFOUND)
			return store_mdb_err(st, mrc, "expiry index");
	}
	rc = store_usage1_del_txn(st, t, id);
	if (rc)
		return rc;
	k = store_val(&sid, sizeof(sid));
	return store_mdb_err(st, mdb_del(t, st->dbi[STORE_DB_BIND], &k, NULL), "binding");
}

/* How many bindings use \a number as their primary number: the cap. Cheap while the number
 * has fewer index entries than the cap (entries >= bindings); counts only when near it. */
static int number_bindings(struct np700_store *st, MDB_cursor *c, const uint8_t *number, unsigned int cap,
			   unsigned int *count)
{
	MDB_val k = store_val(number, STORE_BCD_LEN), v;
	size_t entries;
	unsigned int n = 0;
	int mrc;

	*count = 0;
	mrc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (mrc == MDB_NOTFOUND)
		return 0;
	if (!mrc)
		mrc = mdb_cursor_count(c, &entries);
	if (mrc)
		return store_mdb_err(st, mrc, "number index");
	if (entries < cap) {
		*count = entries;
		return 0;
	}
	for (; !mrc; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		if (v.mv_size == STORE_XVAL_LEN
		    && (((const uint8_t *)v.mv_data)[STORE_BCD_LEN] & 0x80))
			n++;
	}
	*count = n;
	return mrc == MDB_NOTFOUND ? 0 : store_mdb_err(st, mrc, "number index");
}

/* Insert the index entries of \a b (id set). A pair held by an expired binding is freed first:
 * a platform re-binds pairs all the time and must not wait for the purge timer. */
static int index_add(struct np700_store *st, MDB_txn *t, const struct np700_binding *b, int64_t now)
{
	struct np700_binding old;
	struct xentry e[2];
	unsigned int i, n, count;
	MDB_cursor *c;
	MDB_val k, v;
	int rc = 0, mrc, tries;

	n = binding_entries(b, e);
	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_XIDX], &c);
	if (mrc)
		return store_mdb_err(st, mrc, "number index");
	for (i = 0; i < n && !rc; i++) {
		uint8_t probe[STORE_XVAL_LEN];
		memcpy(probe, e[i].val, STORE_BCD_LEN);
		memset(probe + STORE_BCD_LEN, 0, STORE_XVAL_LEN - STORE_BCD_LEN);
		for (tries = 0; tries < 2; tries++) {
			k = store_val(e[i].key, STORE_BCD_LEN);
			v = store_val(probe, sizeof(probe));
			mrc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH_RANGE);
			if (mrc == MDB_NOTFOUND || (!mrc && memcmp(v.mv_data, probe, STORE_BCD_LEN)))
				break;
			if (mrc) {
				rc = store_mdb_err(st, mrc, "number index");
				break;
			}
			old.id = store_get_xid((const uint8_t *)v.mv_data + STORE_BCD_LEN);
			rc = store_binding_get_txn(st, t, old.id, &old);
			if (!rc && store_binding_expired(&old, now) && tries == 0) {
				rc = store_binding_del_txn(st, t, old.id);
				continue;
			}
			if (!rc && e[i].caller)
				rc = store_set_err(st, -EEXIST, "%s: pair (%s, %s) already bound (binding %" PRIu64 ")",
						   i ? "b" : "a", e[i].number, e[i].caller, old.id);
			else if (!rc)
				rc = store_set_err(st, -EEXIST, "x: %s already has an X-wide binding (%" PRIu64 ", %s)",
						   e[i].number, old.id, np700_mode_name(old.mode));
			break;
		}
	}
	/* the cap, once per number that the binding uses as primary */
	for (i = 0; i < n && !rc; i++) {
		if (!(e[i].val[STORE_BCD_LEN] & 0x80))
			continue;
		rc = number_bindings(st, c, e[i].key, st->cfg.max_pairs_per_x, &count);
		if (!rc && count >= st->cfg.max_pairs_per_x)
			rc = store_set_err(st, -EDQUOT, "%s: %s already carries the maximum of %u bindings",
					   i ? "y" : "x", e[i].number, st->cfg.max_pairs_per_x);
	}
	for (i = 0; i < n && !rc; i++) {
		k = store_val(e[i].key, STORE_BCD_LEN);
		v = store_val(e[i].val, sizeof(e[i].val));
		mrc = mdb_cursor_put(c, &k, &v, MDB_NODUPDATA);
		if (mrc)
			rc = store_mdb_err(st, mrc, "number index");
	}
	mdb_cursor_close(c);
	return rc;
}

static int index_del(struct np700_store *st, MDB_txn *t, const struct np700_binding *b)
{
	struct xentry e[2];
	unsigned int i, n;
	MDB_val k, v;
	int mrc;

	n = binding_entries(b, e);
	for (i = 0; i < n; i++) {
		k = store_val(e[i].key, STORE_BCD_LEN);
		v = store_val(e[i].val, sizeof(e[i].val));
		mrc = mdb_del(t, st->dbi[STORE_DB_XIDX], &k, &v);
		if (mrc && mrc != MDB_NOTFOUND)
			return store_mdb_err(st, mrc, "number index");
	}
	return 0;
}

/* Customer exists and owns X (and Y). */
static int binding_owner_check(struct np700_store *st, MDB_txn *t, const struct np700_binding *b)
{
	struct np700_customer cust;
	const char *nums[2] = { b->x, b->y };
	uint8_t p[STORE_BCD_LEN];
	uint32_t owner;
	unsigned int i;
	int rc;

	rc = store_customer_get_txn(st, t, b->customer_id, &cust);
	if (rc == -ENOENT)
		return store_set_err(st, -ENOENT, "customer: %u does not exist", b->customer_id);
	if (rc)
		return rc;
	for (i = 0; i < 2 && nums[i][0]; i++) {
		store_bcd_pack(p, nums[i]);
		rc = store_pool_owner_txn(st, t, p, &owner);
		if (rc == -ENOENT)
			return store_set_err(st, -EPERM, "%s: %s is in no customer's pool", i ? "y" : "x", nums[i]);
		if (rc)
			return rc;
		if (owner != b->customer_id)
			return store_set_err(st, -EPERM, "%s: %s belongs to another customer", i ? "y" : "x", nums[i]);
	}
	return 0;
}

static int exp_add(struct np700_store *st, MDB_txn *t, const struct np700_binding *b)
{
	size_t bucket = exp_bucket(b->expires), sid = b->id;
	MDB_val k = store_val(&bucket, sizeof(bucket)), v = store_val(&sid, sizeof(sid));
	int mrc;

	if (!b->expires)
		return 0;
	mrc = mdb_put(t, st->dbi[STORE_DB_EXP], &k, &v, MDB_APPENDDUP);
	if (mrc == MDB_KEYEXIST)
		mrc = mdb_put(t, st->dbi[STORE_DB_EXP], &k, &v, MDB_NODUPDATA);
	return store_mdb_err(st, mrc, "expiry index");
}

static int exp_del(struct np700_store *st, MDB_txn *t, const struct np700_binding *b)
{
	size_t bucket = exp_bucket(b->expires), sid = b->id;
	MDB_val k = store_val(&bucket, sizeof(bucket)), v = store_val(&sid, sizeof(sid));
	int mrc;

	if (!b->expires)
		return 0;
	mrc = mdb_del(t, st->dbi[STORE_DB_EXP], &k, &v);
	return mrc == MDB_NOTFOUND ? 0 : store_mdb_err(st, mrc, "expiry index");
}

static int next_id(struct np700_store *st, MDB_txn *t, uint64_t *id)
{
	MDB_val k = store_val("next_id", 7), v;
	uint64_t next;
	int mrc;

	mrc = mdb_get(t, st->dbi[STORE_DB_META], &k, &v);
	if (mrc)
		return store_mdb_err(st, mrc, "next id");
	if (v.mv_size != sizeof(next))
		return store_set_err(st, -EIO, "next id: damaged record");
	memcpy(&next, v.mv_data, sizeof(next));
	if (next > STORE_ID_MAX)
		return store_set_err(st, -ENOSPC, "binding ids exhausted");
	*id = next++;
	v = store_val(&next, sizeof(next));
	return store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_META], &k, &v, 0), "next id");
}

static int binding_create_txn(struct np700_store *st, MDB_txn *t, struct np700_binding *b)
{
	uint8_t rec[STORE_REC_MAXLEN];
	unsigned int ckey = b->customer_id;
	size_t sid;
	MDB_val k, v;
	int rc, mrc;

	rc = binding_owner_check(st, t, b);
	if (!rc)
		rc = next_id(st, t, &b->id);
	if (!rc)
		rc = index_add(st, t, b, OSMO_MIN(b->created, (int64_t)time(NULL)));
	if (rc)
		return rc;
	sid = b->id;
	k = store_val(&sid, sizeof(sid));
	v = store_val(rec, store_rec_encode(rec, b, NULL));
	/* ids only grow: appending fills B-tree pages completely */
	mrc = mdb_put(t, st->dbi[STORE_DB_BIND], &k, &v, MDB_APPEND);
	if (mrc == MDB_KEYEXIST)
		mrc = mdb_put(t, st->dbi[STORE_DB_BIND], &k, &v, MDB_NOOVERWRITE);
	if (mrc)
		return store_mdb_err(st, mrc, "binding");
	k = store_val(&ckey, sizeof(ckey));
	v = store_val(&sid, sizeof(sid));
	mrc = mdb_put(t, st->dbi[STORE_DB_CIDX], &k, &v, MDB_APPENDDUP);
	if (mrc == MDB_KEYEXIST)
		mrc = mdb_put(t, st->dbi[STORE_DB_CIDX], &k, &v, MDB_NODUPDATA);
	if (mrc)
		return store_mdb_err(st, mrc, "customer index");
	return exp_add(st, t, b);
}

int np700_store_binding_create(struct np700_store *st, struct np700_store_txn *txn, struct np700_binding *b)
{
	struct np700_binding nb = *b;
	MDB_txn *t;
	int rc;

	nb.id = 0;
	if (!nb.created)
		nb.created = time(NULL);
	rc = binding_validate(st, &nb);
	if (rc) {
		store_count(st, STORE_CTR_CREATE, rc);
		return rc;
	}
	rc = store_wop_begin(st, txn, &t);
	if (rc)
		return rc;
	rc = store_wop_end(st, t, binding_create_txn(st, t, &nb));
	store_count(st, STORE_CTR_CREATE, rc);
	if (!rc) {
		b->id = nb.id;
		b->created = nb.created;
		if (!store_in_writer)
			LOGP(DSTORE, LOGL_INFO, "binding %" PRIu64 " created: %s X=%s customer %u\n", nb.id,
			     np700_mode_name(nb.mode), nb.x, nb.customer_id);
	}
	return rc;
}

static int binding_update_txn(struct np700_store *st, MDB_txn *t, struct np700_binding *b)
{
	uint8_t rec[STORE_REC_MAXLEN];
	struct np700_fraud_usage u;
	struct np700_binding old;
	size_t sid = b->id;
	MDB_val k, v;
	int rc;

	/* the calls so far stay with the binding (from the schema 1 table if they are still there) */
	rc = store_usage_get_txn(st, t, b->id, &old, &u);
	if (rc)
		return rc;
	if (old.customer_id != b->customer_id)
		return store_set_err(st, -EINVAL, "customer: a binding cannot move to another customer");
	if (!b->created)
		b->created = old.created;
	rc = binding_validate(st, b);
	if (!rc)
		rc = binding_owner_check(st, t, b);
	if (!rc)
		rc = index_del(st, t, &old);
	if (!rc)
		rc = exp_del(st, t, &old);
	if (!rc)
		rc = index_add(st, t, b, OSMO_MIN(b->created, (int64_t)time(NULL)));
	if (rc)
		return rc;
	k = store_val(&sid, sizeof(sid));
	v = store_val(rec, store_rec_encode(rec, b, &u));
	rc = store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_BIND], &k, &v, 0), "binding");
	if (!rc)
		rc = store_usage1_del_txn(st, t, b->id);
	if (!rc)
		rc = exp_add(st, t, b);
	return rc;
}

int np700_store_binding_update(struct np700_store *st, struct np700_store_txn *txn, const struct np700_binding *b)
{
	struct np700_binding nb = *b;
	MDB_txn *t;
	int rc;

	rc = store_wop_begin(st, txn, &t);
	if (rc)
		return rc;
	rc = store_wop_end(st, t, binding_update_txn(st, t, &nb));
	store_count(st, STORE_CTR_UPDATE, rc);
	return rc;
}

int np700_store_binding_delete(struct np700_store *st, struct np700_store_txn *txn, uint64_t id)
{
	MDB_txn *t;
	int rc;

	rc = store_wop_begin(st, txn, &t);
	if (rc)
		return rc;
	rc = store_wop_end(st, t, store_binding_del_txn(st, t, id));
	store_count(st, STORE_CTR_DELETE, rc);
	/* the fraud state is the main thread's: there, the server forgets it when the answer goes out */
	if (!rc && !store_in_writer)
		np700_fraud_forget_binding(st->fraud, id);
	return rc;
}

int np700_store_binding_get(struct np700_store *st, uint64_t id, struct np700_binding *b)
{
	MDB_txn *t;
	int rc = store_read_begin(st, &t);

	if (rc)
		return rc;
	rc = store_binding_get_txn(st, t, id, b);
	store_read_end(st);
	if (!rc && store_binding_expired(b, time(NULL)))
		rc = store_set_err(st, -ESTALE, "binding %" PRIu64 ": expired", id);
	return rc;
}

/* The hot path: one cursor lookup for the exact pair, one more for the X-wide entry only if
 * needed, one get for the record. */
int store_binding_lookup_txn(struct np700_store *st, MDB_txn *t, MDB_cursor *xc, const char *dialled,
			     const char *caller, time_t now, struct np700_binding *b, bool *x_used, MDB_val *rec)
{
	uint8_t x[STORE_BCD_LEN], probe[STORE_XVAL_LEN];
	struct np700_binding wild;
	bool have_exact = false;
	MDB_val k, v, r, *recv = rec ? rec : &r;	/* the record read last: the one returned */
	uint64_t id;
	int mrc, rc;

	*x_used = false;
	store_bcd_pack(x, dialled);
	/* a caller that is no number (withheld, garbage) packs to all 0xF: it matches no pair */
	if (np700_is_digits(caller, NP700_NUM_MAXLEN))
		store_bcd_pack(probe, caller);
	else
		memset(probe, 0xff, STORE_BCD_LEN);
	memset(probe + STORE_BCD_LEN, 0, STORE_XVAL_LEN - STORE_BCD_LEN);
	k = store_val(x, STORE_BCD_LEN);
	v = store_val(probe, sizeof(probe));
	mrc = mdb_cursor_get(xc, &k, &v, MDB_GET_BOTH_RANGE);
	if (!mrc) {
		*x_used = true;
		if (v.mv_size == sizeof(probe) && !memcmp(v.mv_data, probe, STORE_BCD_LEN)) {
			id = store_get_xid((const uint8_t *)v.mv_data + STORE_BCD_LEN);
			rc = binding_read(st, t, id, b, recv, NULL, NULL);
			if (rc)
				return rc;
			if (!store_binding_expired(b, now))
				return 0;
			have_exact = true;
		}
		mrc = mdb_cursor_get(xc, &k, &v, MDB_FIRST_DUP);
	} else if (mrc == MDB_NOTFOUND) {
		k = store_val(x, STORE_BCD_LEN);
		mrc = mdb_cursor_get(xc, &k, &v, MDB_SET);
		if (!mrc)
			*x_used = true;
	}
	if (mrc == MDB_NOTFOUND)
		return have_exact ? store_set_err(st, -ESTALE, "binding expired") : -ENOENT;
	if (mrc)
		return store_mdb_err(st, mrc, "number index");
	/* the X-wide entry sorts first */
	if (v.mv_size != sizeof(probe) || memcmp(v.mv_data, wildcard, STORE_BCD_LEN))
		return have_exact ? store_set_err(st, -ESTALE, "binding expired") : -ENOENT;
	id = store_get_xid((const uint8_t *)v.mv_data + STORE_BCD_LEN);
	rc = binding_read(st, t, id, have_exact ? &wild : b, recv, NULL, NULL);
	if (rc)
		return rc;
	if (have_exact) {
		if (store_binding_expired(&wild, now))
			return store_set_err(st, -ESTALE, "binding expired");
		*b = wild;
		return 0;
	}
	if (store_binding_expired(b, now))
		return store_set_err(st, -ESTALE, "binding expired");
	return 0;
}

int np700_store_binding_lookup(struct np700_store *st, const char *dialled, const char *caller,
			       struct np700_binding *b)
{
	MDB_txn *t;
	bool used;
	int rc;

	rc = store_check_protected(st, "dialled", dialled);
	if (rc)
		return rc;
	rc = store_read_begin(st, &t);
	if (rc)
		return rc;
	rc = store_binding_lookup_txn(st, t, st->rcur_xidx, dialled, caller, time(NULL), b, &used, NULL);
	store_read_end(st);
	return rc;
}

/* Both listings walk the entries of one key in an index table and report each live binding an
 * entry names once; they differ only in how an entry names it: \a entry_id gives the binding id,
 * or false for an entry not to list. */
static int list_index(struct np700_store *st, enum store_dbi db, const char *what, MDB_val key,
		      bool (*entry_id)(const MDB_val *v, uint64_t *id), np700_binding_cb cb, void *data)
{
	struct np700_binding b;
	time_t now = time(NULL);
	MDB_cursor *c;
	MDB_val k = key, v;
	MDB_txn *t;
	uint64_t id;
	int rc, mrc;

	rc = store_list_begin(st, db, what, &t, &c);
	if (rc)
		return rc;
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET); !mrc && !rc; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		if (!entry_id(&v, &id))
			continue;
		if (store_binding_get_txn(st, t, id, &b))
			continue;
		if (!store_binding_expired(&b, now))
			rc = cb(&b, data);
	}
	return store_list_end(st, c, mrc, rc, what);
}

/* each binding once: its primary entry on this number */
static bool xidx_primary_id(const MDB_val *v, uint64_t *id)
{
	const uint8_t *e = v->mv_data;

	if (v->mv_size != STORE_XVAL_LEN || !(e[STORE_BCD_LEN] & 0x80))
		return false;
	*id = store_get_xid(e + STORE_BCD_LEN);
	return true;
}

static bool cidx_id(const MDB_val *v, uint64_t *id)
{
	size_t sid;

	if (v->mv_size != sizeof(sid))
		return false;
	memcpy(&sid, v->mv_data, sizeof(sid));
	*id = sid;
	return true;
}

int np700_store_binding_list_number(struct np700_store *st, const char *x, np700_binding_cb cb, void *data)
{
	uint8_t px[STORE_BCD_LEN];
	int rc;

	rc = store_check_protected(st, "x", x);
	if (rc)
		return rc;
	store_bcd_pack(px, x);
	return list_index(st, STORE_DB_XIDX, "number index", store_val(px, sizeof(px)), xidx_primary_id, cb, data);
}

int np700_store_binding_list_customer(struct np700_store *st, uint32_t customer_id, np700_binding_cb cb, void *data)
{
	unsigned int key = customer_id;

	return list_index(st, STORE_DB_CIDX, "customer index", store_val(&key, sizeof(key)), cidx_id, cb, data);
}
