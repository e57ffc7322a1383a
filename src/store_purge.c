/* Binding store: incremental purge of expired bindings and blocklist entries */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/fraud.h>
#include <np700/store_internal.h>

#define PURGE_CHUNK	64
#define PURGE_BUDGET_US	10000	/* at most ~10 ms of removals per run (plus the commit) */

/* Up to \a max ids from the expiry index whose whole bucket lies in the past. */
static int purge_collect(struct np700_store *st, MDB_txn *t, time_t now, uint64_t *ids, unsigned int max,
			 unsigned int *n)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t bucket, id;
	int mrc;

	*n = 0;
	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_EXP], &c);
	if (mrc)
		return store_mdb_err(st, mrc, "expiry index");
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !mrc && *n < max; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != sizeof(bucket) || v.mv_size != sizeof(id))
			continue;
		memcpy(&bucket, k.mv_data, sizeof(bucket));
		if ((int64_t)((bucket + 1) * STORE_EXP_BUCKET_S) > (int64_t)now)
			break;
		memcpy(&id, v.mv_data, sizeof(id));
		ids[(*n)++] = id;
	}
	mdb_cursor_close(c);
	return mrc && mrc != MDB_NOTFOUND ? store_mdb_err(st, mrc, "expiry index") : 0;
}

/* A stale expiry entry (its binding is gone or no longer expires there): drop just the entry. */
static int purge_exp_entry(struct np700_store *st, MDB_txn *t, uint64_t id, time_t now)
{
	MDB_cursor *c;
	MDB_val k, v;
	size_t sid = id, bucket;
	int mrc;

	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_EXP], &c);
	for (mrc = mrc ? mrc : mdb_cursor_get(c, &k, &v, MDB_FIRST); !mrc; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		memcpy(&bucket, k.mv_data, sizeof(bucket));
		if ((int64_t)((bucket + 1) * STORE_EXP_BUCKET_S) > (int64_t)now)
			break;
		if (v.mv_size == sizeof(sid) && !memcmp(v.mv_data, &sid, sizeof(sid))) {
			mrc = mdb_cursor_del(c, 0);
			break;
		}
	}
	mdb_cursor_close(c);
	return mrc && mrc != MDB_NOTFOUND ? store_mdb_err(st, mrc, "expiry index") : 0;
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int purge_bindings(struct np700_store *st, MDB_txn *t, time_t now, unsigned int max, uint64_t *gone,
			  unsigned int *n_gone)
{
	uint64_t ids[PURGE_CHUNK];
	struct np700_binding b;
	unsigned int n, i;
	/* a removal costs tens of microseconds: bound the stall of the event loop by time as well */
	int64_t deadline = mono_us() + PURGE_BUDGET_US;
	int rc;

	*n_gone = 0;
	while (*n_gone < max && mono_us() < deadline) {
		rc = purge_collect(st, t, now, ids, OSMO_MIN(PURGE_CHUNK, max - *n_gone), &n);
		if (rc || !n)
			return rc;
		for (i = 0; i < n; i++) {
			rc = store_binding_get_txn(st, t, ids[i], &b);
			if (rc == -ENOENT || (!rc && !store_binding_expired(&b, now))) {
				rc = purge_exp_entry(st, t, ids[i], now);
			} else if (!rc) {
				rc = store_binding_del_txn(st, t, ids[i]);
				if (!rc && *n_gone < PURGE_CHUNK)
					gone[*n_gone] = ids[i];
				if (!rc)
					(*n_gone)++;
			}
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* The blocklist is small and has no expiry index: look at up to \a max entries from where the
 * last run stopped. */
static int purge_blocklist(struct np700_store *st, MDB_txn *t, time_t now, unsigned int max, unsigned int *n_gone)
{
	MDB_cursor *c;
	MDB_val k, v;
	unsigned int seen = 0;
	int64_t until;
	int mrc;

	*n_gone = 0;
	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_BLOCK], &c);
	if (mrc)
		return store_mdb_err(st, mrc, "blocklist");
	k = store_val(st->block_purge_key, STORE_BCD_LEN);
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); !mrc && seen < max;
	     mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT), seen++) {
		if (v.mv_size < 8)
			continue;
		memcpy(&until, v.mv_data, 8);
		if (k.mv_size == STORE_BCD_LEN)
			memcpy(st->block_purge_key, k.mv_data, STORE_BCD_LEN);
		if (until && until <= now) {
			mrc = mdb_cursor_del(c, 0);
			if (mrc)
				break;
			(*n_gone)++;
		}
	}
	if (mrc == MDB_NOTFOUND)
		memset(st->block_purge_key, 0, STORE_BCD_LEN);	/* wrap around next time */
	mdb_cursor_close(c);
	return mrc && mrc != MDB_NOTFOUND ? store_mdb_err(st, mrc, "blocklist") : 0;
}

int np700_store_purge_expired(struct np700_store *st, time_t now, unsigned int max)
{
	uint64_t gone[PURGE_CHUNK];
	unsigned int n_bind = 0, n_block = 0, i;
	MDB_txn *t;
	int rc;

	if (st->bulk || !max || store_writer_busy(st))
		return 0;
	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	rc = purge_bindings(st, t, now, max, gone, &n_bind);
	if (!rc && n_bind < max)
		rc = purge_blocklist(st, t, now, max - n_bind, &n_block);
	rc = store_wop_end(st, t, rc);
	if (rc)
		return rc;
	store_ctr_add(st, STORE_CTR_PURGED, n_bind);
	for (i = 0; i < OSMO_MIN(n_bind, PURGE_CHUNK); i++)
		np700_fraud_forget_binding(st->fraud, gone[i]);
	if (n_bind || n_block)
		LOGP(DSTORE, LOGL_INFO, "purged %u expired bindings, %u blocklist entries\n", n_bind, n_block);
	return n_bind + n_block;
}
