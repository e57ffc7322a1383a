/* Binding store: the blocklist — numbers (callers or callees) refused until a time */
#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/store_internal.h>

#define BLOCK_REASON_MAXLEN	63

/* A blocked number is either protected (national form) or a real canonical E.164 number. */
static int block_check(struct np700_store *st, const char *number)
{
	if (!store_check_protected(st, "number", number) || !store_check_real(st, "number", number))
		return 0;
	return store_set_err(st, -EINVAL, "number: %s is neither a protected nor a canonical E.164 number",
			     osmo_quote_str_c(OTC_SELECT, number, -1));
}

int store_block_put_txn(struct np700_store *st, MDB_txn *t, const char *number, int64_t until, const char *reason)
{
	uint8_t key[STORE_BCD_LEN], val[8 + BLOCK_REASON_MAXLEN];
	size_t rlen = reason ? strnlen(reason, BLOCK_REASON_MAXLEN) : 0;
	MDB_val k = store_val(key, sizeof(key)), v = store_val(val, 8 + rlen);

	store_bcd_pack(key, number);
	memcpy(val, &until, 8);
	if (rlen)
		memcpy(val + 8, reason, rlen);
	return store_mdb_err(st, mdb_put(t, st->dbi[STORE_DB_BLOCK], &k, &v, 0), "blocklist");
}

int np700_store_block_put(struct np700_store *st, const char *number, int64_t until, const char *reason)
{
	MDB_txn *t;
	int rc;

	rc = block_check(st, number);
	if (rc)
		return rc;
	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	rc = store_wop_end(st, t, store_block_put_txn(st, t, number, until, reason));
	if (!rc)
		LOGP(DSTORE, LOGL_NOTICE, "blocklist: %s blocked until %lld (%s)\n", number, (long long)until,
		     reason ? reason : "");
	return rc;
}

int np700_store_block_del(struct np700_store *st, const char *number)
{
	uint8_t key[STORE_BCD_LEN];
	MDB_val k = store_val(key, sizeof(key));
	MDB_txn *t;
	int rc;

	rc = block_check(st, number);
	if (rc)
		return rc;
	store_bcd_pack(key, number);
	rc = store_wop_begin(st, NULL, &t);
	if (rc)
		return rc;
	return store_wop_end(st, t, store_mdb_err(st, mdb_del(t, st->dbi[STORE_DB_BLOCK], &k, NULL), "blocklist"));
}

int store_block_get_txn(struct np700_store *st, MDB_txn *t, const char *number, time_t now, int64_t *until)
{
	uint8_t key[STORE_BCD_LEN];
	MDB_val k = store_val(key, sizeof(key)), v;
	int64_t u;
	int mrc;

	if (!np700_is_digits(number, NP700_NUM_MAXLEN))
		return -ENOENT;
	store_bcd_pack(key, number);
	mrc = mdb_get(t, st->dbi[STORE_DB_BLOCK], &k, &v);
	if (mrc == MDB_NOTFOUND)
		return -ENOENT;
	if (mrc)
		return store_mdb_err(st, mrc, "blocklist");
	if (v.mv_size < 8)
		return store_set_err(st, -EIO, "blocklist: damaged record");
	memcpy(&u, v.mv_data, 8);
	if (u && u <= now)
		return -ENOENT;
	if (until)
		*until = u;
	return 0;
}

int np700_store_block_get(struct np700_store *st, const char *number, time_t now, int64_t *until)
{
	MDB_txn *t;
	int rc = store_read_begin(st, &t);

	if (rc)
		return rc;
	rc = store_block_get_txn(st, t, number, now, until);
	store_read_end(st);
	return rc;
}

int np700_store_block_list(struct np700_store *st, time_t now, np700_block_cb cb, void *data)
{
	char number[NP700_NUM_MAXLEN + 1], reason[BLOCK_REASON_MAXLEN + 1];
	MDB_cursor *c;
	MDB_txn *t;
	MDB_val k, v;
	int64_t until;
	int rc, mrc;

	rc = store_read_begin(st, &t);
	if (rc)
		return rc;
	mrc = mdb_cursor_open(t, st->dbi[STORE_DB_BLOCK], &c);
	if (mrc) {
		store_read_end(st);
		return store_mdb_err(st, mrc, "blocklist");
	}
	while (!rc && !(mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT))) {
		if (k.mv_size != STORE_BCD_LEN || v.mv_size < 8 || v.mv_size > 8 + BLOCK_REASON_MAXLEN)
			continue;
		memcpy(&until, v.mv_data, 8);
		if (until && until <= now)
			continue;
		store_bcd_unpack(number, k.mv_data);
		memcpy(reason, (uint8_t *)v.mv_data + 8, v.mv_size - 8);
		reason[v.mv_size - 8] = '\0';
		rc = cb(number, until, reason, data);
	}
	if (mrc && mrc != MDB_NOTFOUND)
		rc = store_mdb_err(st, mrc, "blocklist");
	mdb_cursor_close(c);
	store_read_end(st);
	return rc;
}
