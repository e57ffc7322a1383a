/* Binding store: the LMDB environment — open/close, schema version, transactions, errors, stats */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/fraud.h>
#include <np700/store_internal.h>

static const struct {
	const char *name;
	unsigned int flags;
} store_dbs[_STORE_DB_NUM] = {
	[STORE_DB_META] = { "meta", 0 },
	[STORE_DB_BIND] = { "bind", MDB_INTEGERKEY },
	[STORE_DB_XIDX] = { "xidx", MDB_DUPSORT | MDB_DUPFIXED },
	[STORE_DB_CIDX] = { "cidx", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP },
	[STORE_DB_EXP] = { "exp", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP },
	[STORE_DB_CUST] = { "cust", MDB_INTEGERKEY },
	[STORE_DB_POOL] = { "pool", 0 },
	[STORE_DB_BLOCK] = { "block", 0 },
	[STORE_DB_USAGE] = { "usage", MDB_INTEGERKEY },
};

static const struct rate_ctr_desc store_ctr_desc[] = {
	[STORE_CTR_CREATE] = { "binding:create", "Bindings created" },
	[STORE_CTR_UPDATE] = { "binding:update", "Bindings updated" },
	[STORE_CTR_DELETE] = { "binding:delete", "Bindings deleted" },
	[STORE_CTR_REFUSED] = { "binding:refused", "Binding writes refused (invalid, duplicate, pool, cap)" },
	[STORE_CTR_PURGED] = { "binding:purged", "Expired bindings purged" },
	[STORE_CTR_ERR_NOSPC] = { "error:map-full", "Writes failed: LMDB map full" },
	[STORE_CTR_ERR_IO] = { "error:io", "LMDB errors other than map full" },
};

static const struct rate_ctr_group_desc store_ctrg_desc = {
	.group_name_prefix = "np700:store",
	.group_description = "LMDB binding store",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(store_ctr_desc),
	.ctr_desc = store_ctr_desc,
};

/* The writer thread counts its batches' writes while the loop counts its own (VTY writes,
 * refusals before any transaction, read errors): rate_ctr_add() is a plain "+=", so two
 * increments at once could lose one. Atomic, as rate_ctr_add() would be (libosmocore's timer
 * and readers only load the value, which is not torn on the platforms np700 runs on). */
void store_ctr_add(struct np700_store *st, enum store_ctr ctr, unsigned int n)
{
	if (st->ctrs)
		__atomic_fetch_add(&rate_ctr_group_get_ctr(st->ctrs, ctr)->current, n, __ATOMIC_RELAXED);
}

void store_count(struct np700_store *st, enum store_ctr ok_ctr, int rc)
{
	if (!rc)
		store_ctr_add(st, ok_ctr, 1);
	else if (rc != -ENOSPC && rc != -EIO)
		store_ctr_add(st, STORE_CTR_REFUSED, 1);
}

int store_set_err(struct np700_store *st, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(store_in_writer ? st->werr : st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return rc;
}

/* Map an LMDB result to the store's errno convention; the map-full and I/O cases are logged
 * here because they need an operator, the others are the caller's business. */
int store_mdb_err(struct np700_store *st, int mrc, const char *what)
{
	switch (mrc) {
	case 0:
		return 0;
	case MDB_NOTFOUND:
		return store_set_err(st, -ENOENT, "%s: not found", what);
	case MDB_KEYEXIST:
		return store_set_err(st, -EEXIST, "%s: exists", what);
	case MDB_MAP_FULL:
	case MDB_TXN_FULL:
		if (!store_in_writer)
			LOGP(DSTORE, LOGL_ERROR, "store %s: %s: %s (raise 'store map-size')\n", st->path, what,
		     mdb_strerror(mrc));
		store_ctr_add(st, STORE_CTR_ERR_NOSPC, 1);
		return store_set_err(st, -ENOSPC, "%s: store full (%s)", what, mdb_strerror(mrc));
	default:
		if (!store_in_writer)
			LOGP(DSTORE, LOGL_ERROR, "store %s: %s: %s\n", st->path, what, mdb_strerror(mrc));
		store_ctr_add(st, STORE_CTR_ERR_IO, 1);
		return store_set_err(st, -EIO, "%s: %s", what, mdb_strerror(mrc));
	}
}

const char *np700_store_last_error(const struct np700_store *st)
{
	return store_in_writer ? st->werr : st->err;
}

/* Reads share one snapshot until this process writes: np700 is the only writer of its store,
 * so an older snapshot cannot miss anything that was acknowledged. Renewing a read txn costs
 * more than the lookup itself (LMDB re-reads every named database's root record in a new txn),
 * so the snapshot is dropped only when a write begins or commits. */
int store_read_begin(struct np700_store *st, MDB_txn **txn)
{
	int mrc;

	if (!st->rtxn_live) {
		mrc = mdb_txn_renew(st->rtxn);
		if (!mrc)
			mrc = mdb_cursor_renew(st->rtxn, st->rcur_xidx);
		if (mrc) {
			mdb_txn_reset(st->rtxn);
			return store_mdb_err(st, mrc, "read txn");
		}
		st->rtxn_live = true;
		st->rtxn_stale = false;
	}
	st->rdepth++;
	*txn = st->rtxn;
	return 0;
}

void store_read_end(struct np700_store *st)
{
	if (st->rdepth && --st->rdepth == 0 && st->rtxn_stale)
		store_snapshot_drop(st);
}

/* Every listing reads one table through a cursor in the shared read snapshot; these two are its
 * start and end, so that the error paths are written once. */
int store_list_begin(struct np700_store *st, enum store_dbi db, const char *what, MDB_txn **t, MDB_cursor **c)
{
	int rc, mrc;

	rc = store_read_begin(st, t);
	if (rc)
		return rc;
	mrc = mdb_cursor_open(*t, st->dbi[db], c);
	if (mrc) {
		store_read_end(st);
		return store_mdb_err(st, mrc, what);
	}
	return 0;
}

int store_list_end(struct np700_store *st, MDB_cursor *c, int mrc, int rc, const char *what)
{
	if (mrc && mrc != MDB_NOTFOUND)
		rc = store_mdb_err(st, mrc, what);
	mdb_cursor_close(c);
	store_read_end(st);
	return rc;
}

void store_snapshot_drop(struct np700_store *st)
{
	/* the writer thread's commits reach the main thread's snapshot through store_writer.c */
	if (store_in_writer || !st->rtxn_live)
		return;
	if (st->rdepth) {
		st->rtxn_stale = true;	/* a list callback is still reading: drop it when done */
		return;
	}
	mdb_txn_reset(st->rtxn);
	st->rtxn_live = false;
	st->rtxn_stale = false;
}

int store_wop_begin(struct np700_store *st, struct np700_store_txn *txn, MDB_txn **out)
{
	int mrc;

	if (!txn && st->bulk)
		return store_set_err(st, -EBUSY, "a bulk transaction is open");
	/* an old snapshot would keep the writer from reusing freed pages */
	store_snapshot_drop(st);
	mrc = mdb_txn_begin(st->env, txn ? txn->txn : NULL, 0, out);
	if (mrc)
		return store_mdb_err(st, mrc, "begin txn");
	return 0;
}

int store_wop_end(struct np700_store *st, MDB_txn *t, int rc)
{
	int mrc;

	if (rc) {
		mdb_txn_abort(t);
		return rc;
	}
	mrc = mdb_txn_commit(t);
	store_snapshot_drop(st);
	if (mrc)
		return store_mdb_err(st, mrc, "commit");
	return 0;
}

int np700_store_txn_begin(struct np700_store *st, struct np700_store_txn **out)
{
	struct np700_store_txn *txn;
	int mrc;

	if (st->bulk)
		return store_set_err(st, -EBUSY, "a bulk transaction is open");
	store_snapshot_drop(st);
	txn = talloc_zero(st, struct np700_store_txn);
	txn->st = st;
	mrc = mdb_txn_begin(st->env, NULL, 0, &txn->txn);
	if (mrc) {
		talloc_free(txn);
		return store_mdb_err(st, mrc, "begin txn");
	}
	st->bulk = txn;
	*out = txn;
	return 0;
}

int np700_store_txn_commit(struct np700_store_txn *txn)
{
	struct np700_store *st = txn->st;
	int mrc = mdb_txn_commit(txn->txn);

	st->bulk = NULL;
	store_snapshot_drop(st);
	talloc_free(txn);
	return store_mdb_err(st, mrc, "commit");
}

void np700_store_txn_abort(struct np700_store_txn *txn)
{
	mdb_txn_abort(txn->txn);
	txn->st->bulk = NULL;
	talloc_free(txn);
}

/* Read or create the schema version; refuse a newer one before touching anything else.
 * Schema 1 → 2: a binding's usage moves from the usage table to the end of its record when it is
 * next written, and the table is read until then, so the upgrade only writes the new version
 * (an older np700 must not open the store any more: it would not see the usage in records). */
static int store_schema(struct np700_store *st, MDB_txn *t)
{
	MDB_val k = store_val("schema", 6), v;
	uint32_t ver;
	uint64_t next = 1;
	int mrc;

	mrc = mdb_get(t, st->dbi[STORE_DB_META], &k, &v);
	if (mrc == MDB_NOTFOUND) {
		ver = NP700_STORE_SCHEMA_VERSION;
		v = store_val(&ver, sizeof(ver));
		mrc = mdb_put(t, st->dbi[STORE_DB_META], &k, &v, 0);
		if (!mrc) {
			k = store_val("next_id", 7);
			v = store_val(&next, sizeof(next));
			mrc = mdb_put(t, st->dbi[STORE_DB_META], &k, &v, 0);
		}
		return store_mdb_err(st, mrc, "schema");
	}
	if (mrc)
		return store_mdb_err(st, mrc, "schema");
	if (v.mv_size != sizeof(ver)) {
		LOGP(DSTORE, LOGL_ERROR, "store %s: damaged schema version record\n", st->path);
		return store_set_err(st, -EIO, "damaged schema version record");
	}
	memcpy(&ver, v.mv_data, sizeof(ver));
	if (ver == 1) {
		LOGP(DSTORE, LOGL_NOTICE, "store %s: schema 1 upgraded to %u (usage kept in binding records)\n",
		     st->path, NP700_STORE_SCHEMA_VERSION);
		ver = NP700_STORE_SCHEMA_VERSION;
		v = store_val(&ver, sizeof(ver));
		return store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_META], &k, &v, 0), "schema");
	}
	if (ver > NP700_STORE_SCHEMA_VERSION) {
		LOGP(DSTORE, LOGL_ERROR, "store %s has schema version %u; this np700 knows only up to %u: "
		     "refusing to open it (use the newer np700 or another store path)\n", st->path, ver,
		     NP700_STORE_SCHEMA_VERSION);
		return store_set_err(st, -EPROTO, "schema version %u is newer than %u", ver,
				     NP700_STORE_SCHEMA_VERSION);
	}
	return 0;
}

static int store_destructor(struct np700_store *st)
{
	if (st->bulk) {
		LOGP(DSTORE, LOGL_NOTICE, "store %s: closing with an open bulk txn: aborted\n", st->path);
		mdb_txn_abort(st->bulk->txn);
		st->bulk = NULL;
	}
	if (st->rcur_xidx)
		mdb_cursor_close(st->rcur_xidx);
	if (st->rtxn)
		mdb_txn_abort(st->rtxn);
	if (st->env)
		mdb_env_close(st->env);
	if (st->decide_ctrs)
		rate_ctr_group_free(st->decide_ctrs);
	if (st->ctrs)
		rate_ctr_group_free(st->ctrs);
	return 0;
}

int np700_store_open(void *ctx, const struct np700_store_cfg *cfg, struct np700_store **out)
{
	struct np700_store *st;
	MDB_txn *t;
	int mrc, rc, i;

	st = talloc_zero(ctx, struct np700_store);
	if (!st)
		return -ENOMEM;
	talloc_set_destructor(st, store_destructor);
	st->cfg = *cfg;
	st->path = talloc_strdup(st, cfg->path ? cfg->path : ".");
	st->cfg.path = st->path;
	st->plan = cfg->plan ? *cfg->plan : np700_numplan_default;
	st->cfg.plan = &st->plan;
	if (!st->cfg.map_size)
		st->cfg.map_size = (size_t)1024 << 20;
	if (!st->cfg.max_pairs_per_x)
		st->cfg.max_pairs_per_x = 5000;

	mrc = mdb_env_create(&st->env);
	if (!mrc)
		mrc = mdb_env_set_maxdbs(st->env, _STORE_DB_NUM + 2);
	if (!mrc)
		mrc = mdb_env_set_mapsize(st->env, st->cfg.map_size);
	if (mrc) {
		rc = store_mdb_err(st, mrc, "create env");
		goto fail;
	}
	/* NOTLS: the read txn is reset/renewed and may coexist with the bulk write txn; durable
	 * commits (no NOSYNC): nothing is acknowledged before it is on disk */
	mrc = mdb_env_open(st->env, st->path, MDB_NOTLS, 0660);
	if (mrc) {
		LOGP(DSTORE, LOGL_ERROR, "cannot open store %s: %s\n", st->path, mdb_strerror(mrc));
		rc = store_set_err(st, mrc == MDB_MAP_FULL ? -ENOSPC : -EIO, "open %s: %s", st->path,
				   mdb_strerror(mrc));
		goto fail;
	}

	mrc = mdb_txn_begin(st->env, NULL, 0, &t);
	if (mrc) {
		rc = store_mdb_err(st, mrc, "begin txn");
		goto fail;
	}
	mrc = mdb_dbi_open(t, store_dbs[STORE_DB_META].name, MDB_CREATE, &st->dbi[STORE_DB_META]);
	if (mrc) {
		rc = store_mdb_err(st, mrc, "open meta");
		mdb_txn_abort(t);
		goto fail;
	}
	rc = store_schema(st, t);
	for (i = STORE_DB_META + 1; !rc && i < _STORE_DB_NUM; i++) {
		mrc = mdb_dbi_open(t, store_dbs[i].name, MDB_CREATE | store_dbs[i].flags, &st->dbi[i]);
		/* the default order, computed faster (before any access to the table) */
		if (!mrc && !(store_dbs[i].flags & MDB_INTEGERKEY))
			mrc = mdb_set_compare(t, st->dbi[i], store_cmp_bytes);
		if (!mrc && (store_dbs[i].flags & MDB_DUPSORT) && !(store_dbs[i].flags & MDB_INTEGERDUP))
			mrc = mdb_set_dupsort(t, st->dbi[i], store_cmp_bytes);
		if (mrc)
			rc = store_mdb_err(st, mrc, store_dbs[i].name);
	}
	rc = store_wop_end(st, t, rc);
	if (rc)
		goto fail;

	mrc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &st->rtxn);
	if (!mrc)
		mrc = mdb_cursor_open(st->rtxn, st->dbi[STORE_DB_XIDX], &st->rcur_xidx);
	if (mrc) {
		rc = store_mdb_err(st, mrc, "read txn");
		goto fail;
	}
	mdb_txn_reset(st->rtxn);

	st->fraud = np700_fraud_alloc(st);
	st->ctrs = rate_ctr_group_alloc(st, &store_ctrg_desc, 0);
	LOGP(DSTORE, LOGL_NOTICE, "store %s open (schema %u, map %zu KiB)\n", st->path,
	     NP700_STORE_SCHEMA_VERSION, st->cfg.map_size >> 10);
	*out = st;
	return 0;
fail:
	/* the caller gets no object to ask np700_store_last_error(): say it here */
	LOGP(DSTORE, LOGL_ERROR, "store %s not opened: %s\n", st->path, st->err);
	talloc_free(st);
	return rc;
}

void np700_store_close(struct np700_store *st)
{
	if (!st)
		return;
	LOGP(DSTORE, LOGL_NOTICE, "store %s closed\n", st->path);
	talloc_free(st);
}

int np700_store_stats(struct np700_store *st, struct np700_store_stats *s)
{
	MDB_txn *t;
	MDB_stat ms;
	MDB_envinfo ei;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = store_read_begin(st, &t);
	if (rc)
		return rc;
	if (!mdb_stat(t, st->dbi[STORE_DB_BIND], &ms))
		s->bindings = ms.ms_entries;
	if (!mdb_stat(t, st->dbi[STORE_DB_CUST], &ms))
		s->customers = ms.ms_entries;
	if (!mdb_stat(t, st->dbi[STORE_DB_POOL], &ms))
		s->pools = ms.ms_entries;
	if (!mdb_stat(t, st->dbi[STORE_DB_BLOCK], &ms))
		s->blocked = ms.ms_entries;
	store_read_end(st);
	mdb_env_stat(st->env, &ms);
	mdb_env_info(st->env, &ei);
	s->map_size = ei.me_mapsize;
	s->used_bytes = (ei.me_last_pgno + 1) * (size_t)ms.ms_psize;
	return 0;
}
