/* LMDB binding store: customers, pools, every binding rule, expiry, blocklist, persistence,
 * bulk transactions, schema version and a full map */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <lmdb.h>
#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/fraud.h>
#include <np700/logging.h>
#include <np700/store.h>
#include <np700/store_internal.h>

#define NOW	1800000000	/* fixed 'now' for everything that takes a time */

static void *ctx;
static char dir[64];
static struct np700_store *st;

static const char *err(int rc)
{
	static const struct value_string names[] = {
		{ 0, "0" }, { -ENOENT, "-ENOENT" }, { -EEXIST, "-EEXIST" }, { -EINVAL, "-EINVAL" },
		{ -EPERM, "-EPERM" }, { -ENOSPC, "-ENOSPC" }, { -EIO, "-EIO" }, { -ESTALE, "-ESTALE" },
		{ -EBUSY, "-EBUSY" }, { -EPROTO, "-EPROTO" }, { -EDQUOT, "-EDQUOT" }, { 0, NULL }
	};
	return get_value_string(names, rc);
}

static void report(const char *what, int rc)
{
	printf("%s: %s%s%s\n", what, err(rc), rc ? " " : "", rc ? np700_store_last_error(st) : "");
}

static struct np700_store *open_store(const char *path, size_t map, unsigned int cap, int *rc)
{
	struct np700_store_cfg cfg = {
		.path = path,
		.map_size = map,
		.max_pairs_per_x = cap,
		.plan = &np700_numplan_default,
	};
	struct np700_store *s = NULL;

	*rc = np700_store_open(ctx, &cfg, &s);
	return s;
}

static void customer(uint32_t id, const char *name)
{
	struct np700_customer c = { .id = id };
	char what[64];

	OSMO_STRLCPY_ARRAY(c.name, name);
	snprintf(what, sizeof(what), "customer_put(%u, %s)", id, name);
	report(what, np700_store_customer_put(st, &c));
}

static int pool(uint32_t cust, const char *first, const char *last)
{
	struct np700_pool p = { .customer_id = cust };
	char what[96];
	int rc;

	OSMO_STRLCPY_ARRAY(p.first, first);
	OSMO_STRLCPY_ARRAY(p.last, last);
	rc = np700_store_pool_add(st, &p);
	snprintf(what, sizeof(what), "pool_add(%u, %s-%s)", cust, first, last);
	report(what, rc);
	return rc;
}

static struct np700_binding mk(enum np700_mode mode, uint32_t cust, const char *x, const char *a, const char *b)
{
	struct np700_binding bd = {
		.customer_id = cust,
		.mode = mode,
		.created = NOW - 100,
		.expires = NOW + 3600,
		.services = NP700_SVC_VOICE | NP700_SVC_SMS,
		.direction = NP700_DIR_BOTH,
	};
	OSMO_STRLCPY_ARRAY(bd.x, x);
	OSMO_STRLCPY_ARRAY(bd.a, a);
	if (b)
		OSMO_STRLCPY_ARRAY(bd.b, b);
	snprintf(bd.order_id, sizeof(bd.order_id), "order-%s-%s", np700_mode_name(mode), x + 10);
	return bd;
}

static uint64_t create(struct np700_store_txn *txn, struct np700_binding *b, const char *what)
{
	int rc = np700_store_binding_create(st, txn, b);
	char w[128];

	snprintf(w, sizeof(w), "create %s %s", np700_mode_name(b->mode), what);
	if (rc)
		report(w, rc);
	else
		printf("%s: id %" PRIu64 "\n", w, b->id);
	return rc ? 0 : b->id;
}

static void print_binding(const struct np700_binding *b)
{
	printf("  binding %" PRIu64 " %s customer %u order %s x %s%s%s a %s b %s expires %" PRId64
	       " svc %u dir %s\n", b->id, np700_mode_name(b->mode), b->customer_id, b->order_id, b->x,
	       b->y[0] ? " y " : "", b->y, b->a, b->b[0] ? b->b : "-", b->expires, b->services,
	       np700_direction_name(b->direction));
}

static int print_cb(const struct np700_binding *b, void *data)
{
	print_binding(b);
	return 0;
}

static void lookup(const char *x, const char *caller)
{
	struct np700_binding b;
	int rc = np700_store_binding_lookup(st, x, caller, &b);

	printf("lookup(%s, %s): %s", x, caller, err(rc));
	if (!rc || rc == -ESTALE)
		printf(" -> binding %" PRIu64 " %s", b.id, np700_mode_name(b.mode));
	printf("\n");
}

static void test_customers_pools(void)
{
	struct np700_pool p = { .customer_id = 1 };
	uint32_t owner = 0;
	int rc;

	printf("\n== customers and pools\n");
	customer(1, "Meituan");
	customer(2, "Didi");
	pool(1, "700123456780000", "700123456789999");		/* block 70012345678 */
	pool(2, "700999000000000", "700999000000099");
	pool(1, "700123456780000", "700123456789999");		/* the same again: no-op */
	pool(2, "700123456789000", "700123456789005");		/* inside customer 1's block */
	pool(2, "700123456700000", "700123456780000");		/* ends on customer 1's first */
	pool(2, "700123456700000", "700123456799999");		/* spans customer 1's block */
	pool(1, "700999000000099", "700999000000200");		/* starts on customer 2's last */
	pool(3, "700555000000000", "700555000000009");		/* no such customer */
	pool(1, "70012345", "700123459999999");			/* too short */
	pool(1, "700123450000009", "700123450000000");		/* first after last */
	pool(1, "800123450000000", "800123450000009");		/* not protected */
	rc = np700_store_pool_owner(st, "700123456781234", &owner);
	printf("owner(700123456781234): %s %u\n", err(rc), owner);
	rc = np700_store_pool_owner(st, "700999000000050", &owner);
	printf("owner(700999000000050): %s %u\n", err(rc), owner);
	rc = np700_store_pool_owner(st, "700999000000100", &owner);
	printf("owner(700999000000100): %s\n", err(rc));
	rc = np700_store_pool_owner(st, "700000000000000", &owner);
	printf("owner(700000000000000): %s\n", err(rc));
	OSMO_STRLCPY_ARRAY(p.first, "700123456780000");
	OSMO_STRLCPY_ARRAY(p.last, "700123456780009");
	report("pool_del(1, wrong last)", np700_store_pool_del(st, &p));
}

static void test_modes(void)
{
	struct np700_binding b;

	printf("\n== one binding of every mode\n");
	b = mk(NP700_MODE_AXB, 1, "700123456780001", "8613800138000", "8613900139000");
	create(NULL, &b, "A=138 B=139 on X=..0001");
	b = mk(NP700_MODE_AXN, 1, "700123456780002", "8613800138001", "8613700137000");
	create(NULL, &b, "A=..001 N=137 on X=..0002");
	b = mk(NP700_MODE_AX, 1, "700123456780003", "8613800138002", NULL);
	b.expires = 0;
	b.callback_allowed = true;
	b.callback_window_s = 600;
	create(NULL, &b, "A=..002 no expiry on X=..0003");
	b = mk(NP700_MODE_AXYB, 1, "700123456780004", "8613800138003", "8613900139003");
	OSMO_STRLCPY_ARRAY(b.y, "700123456780005");
	create(NULL, &b, "A=..003 B=..003 X=..0004 Y=..0005");

	lookup("700123456780001", "8613800138000");
	lookup("700123456780001", "8613900139000");
	lookup("700123456780001", "8613600136000");
	lookup("700123456780002", "8613800138001");
	lookup("700123456780002", "8613600136000");
	lookup("700123456780003", "8613600136000");
	lookup("700123456780003", "8613800138002");
	lookup("700123456780004", "8613800138003");
	lookup("700123456780005", "8613900139003");
	lookup("700123456780004", "8613900139003");
	lookup("700123456780009", "8613800138000");
	lookup("70012345678", "8613800138000");
}

static void test_rules(void)
{
	struct np700_binding b;

	printf("\n== uniqueness, pools, validity\n");
	b = mk(NP700_MODE_AXB, 1, "700123456780001", "8613800138000", "8613500135000");
	create(NULL, &b, "(X, A) again");
	b = mk(NP700_MODE_AXB, 1, "700123456780001", "8613500135000", "8613900139000");
	create(NULL, &b, "(X, B) again as B");
	b = mk(NP700_MODE_AXB, 1, "700123456780001", "8613500135000", "8613500135001");
	create(NULL, &b, "new pair on the same X");
	b = mk(NP700_MODE_AXN, 1, "700123456780002", "8613500135002", "8613500135003");
	create(NULL, &b, "second X-wide binding on X");
	b = mk(NP700_MODE_AX, 1, "700123456780001", "8613500135004", NULL);
	create(NULL, &b, "X-wide binding on an AXB X (allowed)");
	b = mk(NP700_MODE_AXB, 1, "700999000000001", "8613800138000", "8613900139000");
	create(NULL, &b, "X in customer 2's pool");
	b = mk(NP700_MODE_AXB, 1, "700555000000001", "8613800138000", "8613900139000");
	create(NULL, &b, "X in no pool");
	b = mk(NP700_MODE_AXB, 9, "700123456780011", "8613800138000", "8613900139000");
	create(NULL, &b, "unknown customer");
	b = mk(NP700_MODE_AXB, 1, "70012345678001", "8613800138000", "8613900139000");
	create(NULL, &b, "X too short");
	b = mk(NP700_MODE_AXB, 1, "800123456780011", "8613800138000", "8613900139000");
	create(NULL, &b, "X not protected");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "013800138000", "8613900139000");
	create(NULL, &b, "A national form");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "86138001380x0", "8613900139000");
	create(NULL, &b, "A not digits");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "86138", "8613900139000");
	create(NULL, &b, "A too short");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "86700123456780", "8613900139000");
	create(NULL, &b, "A is a protected number");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "8613800138000", "8613800138000");
	create(NULL, &b, "A == B");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "8613800138000", NULL);
	create(NULL, &b, "no B");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "8613800138000", "8613900139000");
	b.expires = 0;
	create(NULL, &b, "no expiry");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "8613800138000", "8613900139000");
	b.services = 0;
	create(NULL, &b, "no services");
	b = mk(NP700_MODE_AXB, 1, "700123456780011", "8613800138000", "8613900139000");
	b.callback_allowed = true;
	create(NULL, &b, "call-back outside AX");
	b = mk(NP700_MODE_AX, 1, "700123456780011", "8613800138000", "8613900139000");
	create(NULL, &b, "AX with B");
	b = mk(NP700_MODE_AXYB, 1, "700123456780011", "8613800138000", "8613900139000");
	OSMO_STRLCPY_ARRAY(b.y, "700999000000002");
	create(NULL, &b, "Y of another customer");
	b = mk(NP700_MODE_AXYB, 1, "700123456780011", "8613800138000", "8613900139000");
	OSMO_STRLCPY_ARRAY(b.y, "700123456780011");
	create(NULL, &b, "Y == X");
	b = mk(NP700_MODE_AXYB, 1, "700123456780011", "8613800138000", "8613900139000");
	OSMO_STRLCPY_ARRAY(b.y, "700123456780005");
	OSMO_STRLCPY_ARRAY(b.b, "8613900139003");
	create(NULL, &b, "(Y, B) already bound");
	OSMO_STRLCPY_ARRAY(b.b, "8613900139000");
	create(NULL, &b, "another B on the same Y");
}

static void test_cap(void)
{
	struct np700_binding b;
	char a[16], bb[16];
	int i;

	printf("\n== cap of bindings per X (3)\n");
	for (i = 0; i < 4; i++) {
		snprintf(a, sizeof(a), "861310000000%d", i);
		snprintf(bb, sizeof(bb), "861320000000%d", i);
		b = mk(NP700_MODE_AXB, 1, "700123456780020", a, bb);
		create(NULL, &b, a);
	}
	b = mk(NP700_MODE_AXYB, 1, "700123456780021", "8613100000009", "8613200000009");
	OSMO_STRLCPY_ARRAY(b.y, "700123456780020");
	create(NULL, &b, "Y on the full X");
	printf("list number 700123456780020:\n");
	np700_store_binding_list_number(st, "700123456780020", print_cb, NULL);
}

static void test_update_delete(void)
{
	struct np700_binding b;
	int rc;

	printf("\n== update and delete\n");
	b = mk(NP700_MODE_AXB, 1, "700123456780030", "8613800138030", "8613900139030");
	create(NULL, &b, "to change");
	b.direction = NP700_DIR_A_TO_B;
	OSMO_STRLCPY_ARRAY(b.b, "8613900139031");
	report("update B and direction", np700_store_binding_update(st, NULL, &b));
	lookup("700123456780030", "8613900139030");
	lookup("700123456780030", "8613900139031");
	b.customer_id = 2;
	report("update to another customer", np700_store_binding_update(st, NULL, &b));
	b.customer_id = 1;
	OSMO_STRLCPY_ARRAY(b.b, "8613900139000");
	OSMO_STRLCPY_ARRAY(b.x, "700123456780001");
	report("update onto a taken pair", np700_store_binding_update(st, NULL, &b));
	rc = np700_store_binding_get(st, b.id, &b);
	printf("get %" PRIu64 ": %s\n", b.id, err(rc));
	print_binding(&b);
	report("delete", np700_store_binding_delete(st, NULL, b.id));
	report("delete again", np700_store_binding_delete(st, NULL, b.id));
	report("get deleted", np700_store_binding_get(st, b.id, &b));
	lookup("700123456780030", "8613800138030");
	b.id = 999;
	report("update unknown id", np700_store_binding_update(st, NULL, &b));
}

static void print_usage(uint64_t id)
{
	struct np700_fraud_usage u;
	MDB_txn *t;
	MDB_val k = { sizeof(size_t), &id }, v;
	size_t rec_len = 0;
	int rc, in_table;

	store_read_begin(st, &t);
	rc = store_usage_get_txn(st, t, id, NULL, &u);
	in_table = !mdb_get(t, st->dbi[STORE_DB_USAGE], &k, &v);
	if (!mdb_get(t, st->dbi[STORE_DB_BIND], &k, &v))
		rec_len = v.mv_size;
	store_read_end(st);
	if (rc)
		printf("  usage of %" PRIu64 ": %s\n", id, err(rc));
	else
		printf("  usage of %" PRIu64 ": %u calls, last caller '%s' at NOW%+" PRId64 "%s; record %zu octets\n", id,
		       u.calls, u.last_caller, u.last_caller[0] ? u.last_time - NOW : 0,
		       in_table ? " (schema 1 table)" : "", rec_len);
}

static void put_usage(uint64_t id, uint32_t calls, const char *last_caller, int64_t when)
{
	struct np700_fraud_usage u = { .calls = calls, .last_time = when }, out;
	MDB_txn *t;
	int rc;

	OSMO_STRLCPY_ARRAY(u.last_caller, last_caller);
	rc = store_wop_begin(st, NULL, &t);
	if (!rc)
		rc = store_wop_end(st, t, store_usage_put_txn(st, t, id, &u, false, &out));
	printf("put usage of %" PRIu64 " (%u calls): %s\n", id, calls, err(rc));
}

/* raw LMDB on the closed store: what np700 of schema 1 left behind, or a damaged record */
static void raw_put(const char *db, const void *key, size_t klen, const void *val, size_t vlen)
{
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int mrc;

	mrc = mdb_env_create(&env);
	if (!mrc)
		mrc = mdb_env_set_maxdbs(env, 16);
	if (!mrc)
		mrc = mdb_env_open(env, dir, 0, 0660);
	if (!mrc)
		mrc = mdb_txn_begin(env, NULL, 0, &t);
	if (!mrc)
		mrc = mdb_dbi_open(t, db, 0, &dbi);
	if (!mrc)
		mrc = mdb_put(t, dbi, &k, &v, 0);
	if (!mrc)
		mrc = mdb_txn_commit(t);
	mdb_env_close(env);
	if (mrc)
		printf("raw put into %s: %s\n", db, mdb_strerror(mrc));
}

/* Usage at the end of the binding record (schema 2), a store of schema 1 with its usage table */
static void test_usage(void)
{
	struct np700_binding b, b2, got;
	uint8_t old[4 + STORE_BCD_LEN + 8], rec[STORE_REC_MAXLEN + 1];
	uint32_t ver = 1, calls = 7;
	int64_t when = NOW - 5;
	size_t sid, len, i;
	MDB_txn *t;
	MDB_val k = { 6, "schema" }, v;
	int rc;

	printf("\n== usage in the binding record, and a store of schema 1\n");
	b = mk(NP700_MODE_AX, 1, "700123456780040", "8613800138040", NULL);
	b.callback_allowed = true;
	b.callback_window_s = 600;
	create(NULL, &b, "for usage");
	sid = b.id;
	print_usage(b.id);
	/* schema 1: the record ends with the order id, the usage is in the usage table */
	len = store_rec_encode(rec, &b, NULL);
	for (i = 0; i + strlen(b.order_id) <= len; i++) {
		if (!memcmp(rec + i, b.order_id, strlen(b.order_id)))
			break;
	}
	len = i + strlen(b.order_id);
	np700_store_close(st);
	raw_put("bind", &sid, sizeof(sid), rec, len);
	raw_put("meta", "schema", 6, &ver, sizeof(ver));
	memcpy(old, &calls, 4);
	store_bcd_pack(old + 4, "8613700000003");
	memcpy(old + 4 + STORE_BCD_LEN, &when, 8);
	raw_put("usage", &sid, sizeof(sid), old, sizeof(old));
	st = open_store(dir, 16 << 20, 3, &rc);
	printf("reopen as schema 1 with a usage table entry: %s\n", err(rc));
	store_read_begin(st, &t);
	rc = mdb_get(t, st->dbi[STORE_DB_META], &k, &v);
	printf("  schema now: %u\n", !rc && v.mv_size == 4 ? *(uint32_t *)v.mv_data : 0);
	store_read_end(st);
	print_usage(b.id);
	put_usage(b.id, 8, "8613700000004", NOW);
	print_usage(b.id);
	rc = np700_store_binding_get(st, b.id, &got);
	printf("get %" PRIu64 ": %s, fields %s\n", b.id, err(rc),
	       !rc && !strcmp(got.order_id, b.order_id) && !strcmp(got.a, b.a) && got.expires == b.expires &&
	       got.callback_window_s == 600 ? "unchanged" : "CHANGED");
	b.max_calls = 10;
	report("update max-calls", np700_store_binding_update(st, NULL, &b));
	print_usage(b.id);
	put_usage(b.id, 9, "", 0);
	print_usage(b.id);
	put_usage(b.id, 2097151, "8613700000005", NOW + 1);
	print_usage(b.id);
	printf("beyond 3 octets of calls, the record grows:\n");
	put_usage(b.id, 2097152, "8613700000005", NOW + 1);
	print_usage(b.id);
	lookup("700123456780040", "8613600000001");
	printf("an AXB binding: calls only, in place:\n");
	b2 = mk(NP700_MODE_AXB, 1, "700123456780041", "8613800138041", "8613900139041");
	create(NULL, &b2, "for usage");
	print_usage(b2.id);
	put_usage(b2.id, 1, "8613700000005", NOW);
	print_usage(b2.id);
	report("delete", np700_store_binding_delete(st, NULL, b2.id));

	printf("a damaged usage part (one octet too many):\n");
	got.max_calls = 10;
	rc = store_rec_encode(rec, &got, NULL);
	rec[rc] = 0x05;
	np700_store_close(st);
	raw_put("bind", &sid, sizeof(sid), rec, rc + 1);
	st = open_store(dir, 16 << 20, 3, &rc);
	print_usage(b.id);
	report("get", np700_store_binding_get(st, b.id, &got));
	lookup("700123456780040", "8613600000001");
	report("delete", np700_store_binding_delete(st, NULL, b.id));
	print_usage(b.id);
}

static void test_expiry(void)
{
	struct np700_binding b;
	uint64_t id;
	int rc;

	printf("\n== expiry\n");
	/* lookup/get judge by the clock: use a binding that expired long ago */
	b = mk(NP700_MODE_AXB, 1, "700123456780040", "8613800138040", "8613900139040");
	b.created = 1000000000;
	b.expires = 1000000100;
	id = create(NULL, &b, "expired long ago");
	lookup("700123456780040", "8613800138040");
	report("get expired", np700_store_binding_get(st, id, &b));
	printf("list number 700123456780040 (expired bindings are not listed):\n");
	np700_store_binding_list_number(st, "700123456780040", print_cb, NULL);
	b = mk(NP700_MODE_AXB, 1, "700123456780040", "8613800138040", "8613900139041");
	create(NULL, &b, "same (X, A) again: the expired binding makes room");
	report("old one gone", np700_store_binding_get(st, id, &b));

	b = mk(NP700_MODE_AXB, 1, "700123456780041", "8613800138041", "8613900139041");
	b.created = 1000000000;
	b.expires = 1000000100;
	id = create(NULL, &b, "to purge");
	rc = np700_store_purge_expired(st, 1000000100 + 10, 100);
	printf("purge at expiry+10 s (same 64 s bucket): %d\n", rc);
	rc = np700_store_purge_expired(st, 1000000100 + 64, 100);
	printf("purge at expiry+64 s: %d\n", rc);
	report("purged one", np700_store_binding_get(st, id, &b));
	rc = np700_store_purge_expired(st, NOW, 100);
	printf("purge at NOW: %d\n", rc);
}

static int block_cb(const char *number, int64_t until, const char *reason, void *data)
{
	printf("  blocked %s until %" PRId64 " (%s)\n", number, until, reason);
	return 0;
}

static void test_blocklist(void)
{
	int64_t until = 0;
	int rc;

	printf("\n== blocklist\n");
	report("block 8613666666666 until NOW+60", np700_store_block_put(st, "8613666666666", NOW + 60, "fraud"));
	report("block 700123456780001 forever", np700_store_block_put(st, "700123456780001", 0, "abuse"));
	report("block 013666", np700_store_block_put(st, "013666", 0, "bad"));
	rc = np700_store_block_get(st, "8613666666666", NOW, &until);
	printf("get at NOW: %s until %" PRId64 "\n", err(rc), until);
	rc = np700_store_block_get(st, "8613666666666", NOW + 60, &until);
	printf("get at NOW+60: %s\n", err(rc));
	rc = np700_store_block_get(st, "700123456780001", NOW + 1000000, &until);
	printf("get forever one: %s until %" PRId64 "\n", err(rc), until);
	printf("list at NOW:\n");
	np700_store_block_list(st, NOW, block_cb, NULL);
	rc = np700_store_purge_expired(st, NOW + 60, 100);
	printf("purge at NOW+60: %d\n", rc);
	report("unblock 700123456780001", np700_store_block_del(st, "700123456780001"));
	report("unblock again", np700_store_block_del(st, "700123456780001"));
}

static void test_bulk(void)
{
	struct np700_store_txn *txn;
	struct np700_binding b;
	struct np700_customer c = { .id = 5 };
	int rc;

	printf("\n== bulk txn: one failing operation, the others commit\n");
	report("begin", np700_store_txn_begin(st, &txn));
	report("second begin", np700_store_txn_begin(st, &txn));
	b = mk(NP700_MODE_AXB, 1, "700123456780050", "8613800138050", "8613900139050");
	create(txn, &b, "first");
	b = mk(NP700_MODE_AXB, 1, "700123456780050", "8613800138050", "8613900139051");
	create(txn, &b, "duplicate (X, A) inside the batch");
	b = mk(NP700_MODE_AXB, 1, "700123456780051", "8613800138051", "8613900139051");
	create(txn, &b, "third");
	report("write without txn while bulk is open", np700_store_customer_put(st, &c));
	lookup("700123456780050", "8613800138050");
	rc = np700_store_purge_expired(st, NOW, 10);
	printf("purge during bulk: %d\n", rc);
	report("commit", np700_store_txn_commit(txn));
	lookup("700123456780050", "8613800138050");
	lookup("700123456780051", "8613800138051");
	report("begin", np700_store_txn_begin(st, &txn));
	b = mk(NP700_MODE_AXB, 1, "700123456780052", "8613800138052", "8613900139052");
	create(txn, &b, "aborted");
	np700_store_txn_abort(txn);
	lookup("700123456780052", "8613800138052");
}

static int cust_cb(const struct np700_customer *c, void *data)
{
	uint64_t n = 0;
	np700_store_customer_bindings(st, c->id, &n);
	printf("  customer %u %s%s bindings %" PRIu64 "\n", c->id, c->name, c->suspended ? " suspended" : "", n);
	return 0;
}

static int pool_cb(const struct np700_pool *p, void *data)
{
	printf("  pool %s-%s customer %u\n", p->first, p->last, p->customer_id);
	return 0;
}

static void test_persistence(void)
{
	struct np700_store_stats s;
	struct np700_binding b;
	uint32_t owner = 0;
	int rc;

	printf("\n== close and reopen\n");
	np700_store_close(st);
	st = open_store(dir, 16 << 20, 3, &rc);
	printf("reopen: %s\n", err(rc));
	lookup("700123456780001", "8613800138000");
	lookup("700123456780004", "8613800138003");
	rc = np700_store_binding_get(st, 3, &b);
	printf("get 3: %s\n", err(rc));
	print_binding(&b);
	rc = np700_store_pool_owner(st, "700999000000050", &owner);
	printf("owner(700999000000050): %s %u\n", err(rc), owner);
	printf("customers:\n");
	np700_store_customer_list(st, cust_cb, NULL);
	printf("pools:\n");
	np700_store_pool_list(st, pool_cb, NULL);
	printf("customer 1 bindings:\n");
	np700_store_binding_list_customer(st, 1, print_cb, NULL);
	np700_store_stats(st, &s);
	printf("stats: bindings %" PRIu64 " customers %" PRIu64 " pools %" PRIu64 " blocked %" PRIu64 "\n",
	       s.bindings, s.customers, s.pools, s.blocked);
	report("delete customer 1 with bindings", np700_store_customer_del(st, 1));
	{
		struct np700_pool p = { .customer_id = 1, .first = "700123456780000", .last = "700123456789999" };
		report("delete pool with bound numbers", np700_store_pool_del(st, &p));
	}
	report("delete customer 2", np700_store_customer_del(st, 2));
	printf("pools:\n");
	np700_store_pool_list(st, pool_cb, NULL);
}

static void test_schema(void)
{
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	MDB_val k = { 6, "schema" }, v;
	uint32_t ver = NP700_STORE_SCHEMA_VERSION + 1;
	struct np700_store *s;
	int rc;

	printf("\n== newer schema version is refused\n");
	np700_store_close(st);
	st = NULL;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 16);
	mdb_env_open(env, dir, 0, 0660);
	mdb_txn_begin(env, NULL, 0, &t);
	mdb_dbi_open(t, "meta", 0, &dbi);
	v.mv_size = sizeof(ver);
	v.mv_data = &ver;
	mdb_put(t, dbi, &k, &v, 0);
	mdb_txn_commit(t);
	mdb_env_close(env);
	s = open_store(dir, 16 << 20, 3, &rc);
	printf("open with schema %u: %s (store %s)\n", ver, err(rc), s ? "returned" : "NULL");
}

static void test_map_full(void)
{
	char tiny[80];
	struct np700_store_txn *txn;
	struct np700_binding b;
	struct np700_customer c = { .id = 1, .name = "tiny" };
	struct np700_pool p = { .customer_id = 1, .first = "700000000000000", .last = "700999999999999" };
	char a[16];
	int rc, i, ok = 0, first_err = 0;

	printf("\n== map full\n");
	snprintf(tiny, sizeof(tiny), "%s/tiny", dir);
	if (mkdir(tiny, 0700))
		printf("mkdir failed\n");
	st = open_store(tiny, 256 << 10, 5000, &rc);
	printf("open 256 KiB store: %s\n", err(rc));
	if (!st)
		return;
	np700_store_customer_put(st, &c);
	np700_store_pool_add(st, &p);
	report("bulk begin", np700_store_txn_begin(st, &txn));
	for (i = 0; i < 20000; i++) {
		snprintf(a, sizeof(a), "86131%08d", i);
		b = mk(NP700_MODE_AXB, 1, "700123456780001", a, "8613900139000");
		snprintf(b.x, sizeof(b.x), "700%012d", i);
		rc = np700_store_binding_create(st, txn, &b);
		if (rc) {
			first_err = rc;
			break;
		}
		ok++;
	}
	printf("filled until: %s (some bindings created: %s)\n", err(first_err), ok > 100 ? "yes" : "no");
	rc = np700_store_binding_create(st, txn, &b);
	printf("next create in the same txn: %s\n", err(rc));
	rc = np700_store_txn_commit(txn);
	printf("commit: %s\n", err(rc));
	rc = 0;
	for (i = 0; i < 5000 && !rc; i++) {
		b = mk(NP700_MODE_AXB, 1, "700123456780001", "8613800138000", "8613900139000");
		snprintf(b.x, sizeof(b.x), "700%012d", i);
		snprintf(b.a, sizeof(b.a), "86132%08d", i);
		rc = np700_store_binding_create(st, NULL, &b);
	}
	printf("single creates until: %s (some created: %s)\n", err(rc), i > 100 ? "yes" : "no");
	lookup("700000000000000", "8613200000000");
	np700_store_close(st);
	/* copy-on-write needs free pages even to delete: the way out is a bigger map */
	st = open_store(tiny, 512 << 10, 5000, &rc);
	printf("reopen with a bigger map: %s\n", err(rc));
	report("delete one", np700_store_binding_delete(st, NULL, 1));
	lookup("700000000000000", "8613200000000");
	np700_store_close(st);
	st = NULL;
}

/* the digits of packed BCD one nibble at a time: the reference for store_bcd_unpack() */
static void bcd_unpack_ref(char *out, const uint8_t *in)
{
	unsigned int i, n = 0;

	for (i = 0; i < 2 * STORE_BCD_LEN && n < NP700_NUM_MAXLEN; i++) {
		uint8_t v = i & 1 ? in[i / 2] & 0x0f : in[i / 2] >> 4;
		if (v > 9)
			break;
		out[n++] = '0' + v;
	}
	out[n] = '\0';
}

/* packed numbers of every length read back, and any 8 octets (damaged ones too: 16 digits, a
 * filler in the middle) unpack as nibble by nibble, never past 15 digits */
static void test_bcd(void)
{
	char digits[NP700_NUM_MAXLEN + 1], got[NP700_NUM_MAXLEN + 1], want[NP700_NUM_MAXLEN + 1];
	unsigned int i, j, len, bad_trip = 0, differ = 0;
	uint8_t p[STORE_BCD_LEN];

	printf("\n== packed BCD\n");
	srand(11);
	for (len = 0; len <= NP700_NUM_MAXLEN; len++) {
		for (i = 0; i < 1000; i++) {
			for (j = 0; j < len; j++)
				digits[j] = '0' + rand() % 10;
			digits[len] = '\0';
			store_bcd_pack(p, digits);
			store_bcd_unpack(got, p);
			if (strcmp(got, digits))
				bad_trip++;
		}
	}
	printf("pack and unpack, 0 to %u digits, 16000 numbers: %u differ\n", NP700_NUM_MAXLEN, bad_trip);
	for (i = 0; i < 1000000; i++) {
		/* mostly digits, so that the first non-digit falls anywhere, the 16th nibble included */
		for (j = 0; j < STORE_BCD_LEN; j++)
			p[j] = (rand() % 12 ? rand() % 10 : 10 + rand() % 6) << 4 |
			       (rand() % 12 ? rand() % 10 : 10 + rand() % 6);
		memset(got, 'x', sizeof(got));
		store_bcd_unpack(got, p);
		bcd_unpack_ref(want, p);
		if (strcmp(got, want))
			differ++;
	}
	printf("unpack against nibble by nibble, 1000000 random octet strings: %u differ\n", differ);
}

/* LMDB's own default order, as mdb_cmp_memn() computes it: the reference for store_cmp_bytes() */
static int memn_sign(const MDB_val *a, const MDB_val *b)
{
	size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
	int d = memcmp(a->mv_data, b->mv_data, n);

	if (d)
		return d < 0 ? -1 : 1;
	return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

static int sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

/* store_cmp_bytes() orders as LMDB's default, and a store written with it reads back with the
 * default: what mdb_dump, mdb_load or any other LMDB program opening the file does */
static void test_default_order(void)
{
	uint8_t x[20], y[20];
	unsigned int i, j, differ = 0, bad_keys = 0, bad_dups = 0, keys = 0, entries = 0;
	char tiny[80];
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	MDB_cursor *c;
	MDB_val k, v, pk = { 0 }, pv = { 0 };
	uint8_t prev_k[32], prev_v[32];
	int mrc;

	printf("\n== default order\n");
	srand(7);
	for (i = 0; i < 200000; i++) {
		MDB_val a = { .mv_size = rand() % 18, .mv_data = x }, b = { .mv_size = rand() % 18, .mv_data = y };
		/* few byte values: long common prefixes, every position decides some pairs */
		for (j = 0; j < sizeof(x); j++) {
			x[j] = "\x00\x01\x7f\x80\xff"[rand() % 5];
			y[j] = rand() % 3 ? x[j] : "\x00\x01\x7f\x80\xff"[rand() % 5];
		}
		if (sign(store_cmp_bytes(&a, &b)) != memn_sign(&a, &b))
			differ++;
	}
	printf("store_cmp_bytes against memcmp order: 200000 pairs, %u differ\n", differ);

	snprintf(tiny, sizeof(tiny), "%s/tiny", dir);
	mrc = mdb_env_create(&env);
	if (!mrc)
		mrc = mdb_env_set_maxdbs(env, 16);
	if (!mrc)
		mrc = mdb_env_open(env, tiny, MDB_RDONLY, 0);
	if (!mrc)
		mrc = mdb_txn_begin(env, NULL, MDB_RDONLY, &t);
	if (!mrc)
		mrc = mdb_dbi_open(t, "xidx", 0, &dbi);
	if (!mrc)
		mrc = mdb_cursor_open(t, dbi, &c);
	if (mrc) {
		printf("plain LMDB open: %s\n", mdb_strerror(mrc));
		return;
	}
	for (mrc = mdb_cursor_get(c, &k, &v, MDB_FIRST); !mrc; mrc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size > sizeof(prev_k) || v.mv_size > sizeof(prev_v))
			break;
		if (!entries || memn_sign(&pk, &k)) {
			if (entries && memn_sign(&pk, &k) > 0)
				bad_keys++;
			keys++;
		} else if (memn_sign(&pv, &v) >= 0) {
			bad_dups++;
		}
		entries++;
		memcpy(prev_k, k.mv_data, k.mv_size);
		memcpy(prev_v, v.mv_data, v.mv_size);
		pk = (MDB_val){ .mv_size = k.mv_size, .mv_data = prev_k };
		pv = (MDB_val){ .mv_size = v.mv_size, .mv_data = prev_v };
	}
	printf("number index read with LMDB's default order: %s keys, %s entries, %u keys and %u "
	       "duplicates out of order\n", keys > 100 ? ">100" : "few", entries > keys ? "more" : "as many",
	       bad_keys, bad_dups);
	/* a B-tree search with the default order finds what np700 wrote: the last entry seen */
	k = pk;
	v = pv;
	printf("search with the default order for the last entry: %s\n",
	       mdb_cursor_get(c, &k, &v, MDB_GET_BOTH) ? "not found" : "found");
	mdb_cursor_close(c);
	mdb_txn_abort(t);
	mdb_env_close(env);
}

/* The in-memory usage entries of bindings called once are dropped once written and the hour is
 * over, and the memory they took goes back (a spare chunk of entries stays) */
static void test_fraud_memory(void)
{
	struct np700_fraud *fr = np700_store_fraud(st);
	size_t before = talloc_total_size(fr), peak, after;
	uint64_t id;

	printf("\n== usage entries of 2000 bindings called, and an hour later\n");
	for (id = 1; id <= 2000; id++)
		np700_fraud_note_call(fr, 1000000 + id, "8613700000001", NOW);
	peak = talloc_total_size(fr);
	report("flush", np700_fraud_flush(st, NOW));
	report("flush an hour later", np700_fraud_flush(st, NOW + 3600));
	after = talloc_total_size(fr);
	printf("memory while noted: %s\n", peak > before + 1500 * 64 ? "grew by the entries" : "DID NOT GROW");
	printf("memory an hour later: %s\n", after <= before + 300 * 256 ? "back (one spare chunk at most)" : "STILL HELD");
}

int main(int argc, char **argv)
{
	char cmd[128];
	int rc;

	ctx = talloc_named_const(NULL, 0, "store_test");
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_timestamp(osmo_stderr_target, 0);

	snprintf(dir, sizeof(dir), "/tmp/np700_store_test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	st = open_store(dir, 16 << 20, 3, &rc);
	printf("open: %s\n", err(rc));
	if (!st)
		return 1;
	test_customers_pools();
	test_modes();
	test_rules();
	test_cap();
	test_update_delete();
	test_usage();
	test_expiry();
	test_blocklist();
	test_fraud_memory();
	test_bulk();
	test_persistence();
	test_schema();
	test_map_full();
	test_default_order();
	test_bcd();

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
