/* Baseline for the provisioning benchmark (not part of make check; built by contrib/bench.sh):
 * a plain LMDB program that inserts the records np700's store writes for a binding — the
 * record (native u64 id -> REC bytes, appended), the X index (8-byte packed X -> 13-byte
 * dup-fixed caller|id), the customer index (u32 -> u64 dup) and the expiry index (u64 bucket
 * -> u64 dup), plus the next-id counter — in batched durable transactions, with nothing else:
 * no validation, no uniqueness or pool checks, no nested txn per request, no network.
 *   lmdb_baseline DIR PRELOAD COUNT [BATCH [REC]]
 * PRELOAD records go in first in big transactions (not timed), then COUNT records in
 * transactions of BATCH (default 1024) with a durable commit each; REC is the record size
 * (np700_gen recsize; default 45). Prints "<records per second>". */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#define CHECK(x) do { \
		int _rc = (x); \
		if (_rc) { \
			fprintf(stderr, "%s: %s\n", #x, mdb_strerror(_rc)); \
			exit(1); \
		} \
	} while (0)

enum { DB_META, DB_BIND, DB_XIDX, DB_CIDX, DB_EXP, DB_NUM };
static MDB_dbi dbi[DB_NUM];
static unsigned int rec_len = 45;

static uint64_t mix(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return v;
}

/* 15-digit X as 8 bytes of packed BCD, like store_bcd_pack() */
static void pack_x(uint8_t *out, uint64_t x)
{
	char d[16];
	int i;

	snprintf(d, sizeof(d), "%015" PRIu64, x);
	for (i = 0; i < 8; i++)
		out[i] = ((d[2 * i] - '0') << 4) | (i < 7 ? d[2 * i + 1] - '0' : 0xf);
}

static void put_one(MDB_txn *t, uint64_t i, uint64_t *next_id)
{
	uint8_t rec[256], x[8], xv[13];
	size_t id = (*next_id)++;
	uint32_t cust = 1 + (i % 2);
	uint64_t bucket = (1800000000 + mix(i) % (30 * 86400)) / 64, x_num;
	MDB_val k, v;
	int j;

	memset(rec, 0x5a, rec_len);
	memcpy(rec, &i, sizeof(i));
	/* 60% on ~100-pair shared numbers, the rest on numbers of their own, like np700_gen */
	x_num = (i % 10 < 6) ? 700300000000000ULL + mix(i) % 1000000 : 700200000000000ULL + i;
	pack_x(x, x_num);
	pack_x(xv, 8613000000000ULL + i);
	for (j = 4; j >= 0; j--)
		xv[8 + 4 - j] = (id >> (8 * j)) & 0xff;
	xv[8] |= 0x80;

	k.mv_size = sizeof(id); k.mv_data = &id;
	v.mv_size = rec_len; v.mv_data = rec;
	CHECK(mdb_put(t, dbi[DB_BIND], &k, &v, MDB_APPEND));
	k.mv_size = 8; k.mv_data = x;
	v.mv_size = 13; v.mv_data = xv;
	CHECK(mdb_put(t, dbi[DB_XIDX], &k, &v, 0));
	k.mv_size = sizeof(cust); k.mv_data = &cust;
	v.mv_size = sizeof(id); v.mv_data = &id;
	CHECK(mdb_put(t, dbi[DB_CIDX], &k, &v, MDB_APPENDDUP));
	k.mv_size = sizeof(bucket); k.mv_data = &bucket;
	CHECK(mdb_put(t, dbi[DB_EXP], &k, &v, 0));
}

static void put_batch(MDB_env *env, uint64_t first, uint64_t n, uint64_t *next_id)
{
	MDB_txn *t;
	MDB_val k = { 7, "next_id" }, v;
	uint64_t i;

	CHECK(mdb_txn_begin(env, NULL, 0, &t));
	for (i = first; i < first + n; i++)
		put_one(t, i, next_id);
	v.mv_size = sizeof(*next_id);
	v.mv_data = next_id;
	CHECK(mdb_put(t, dbi[DB_META], &k, &v, 0));
	CHECK(mdb_txn_commit(t));
}

int main(int argc, char **argv)
{
	static const struct { const char *name; unsigned int flags; } dbs[DB_NUM] = {
		[DB_META] = { "meta", 0 },
		[DB_BIND] = { "bind", MDB_INTEGERKEY },
		[DB_XIDX] = { "xidx", MDB_DUPSORT | MDB_DUPFIXED },
		[DB_CIDX] = { "cidx", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP },
		[DB_EXP] = { "exp", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED | MDB_INTEGERDUP },
	};
	uint64_t preload, count, batch = 1024, i, next_id = 1;
	struct timespec a, z;
	MDB_env *env;
	MDB_txn *t;
	double s;
	int d;

	if (argc < 4) {
		fprintf(stderr, "usage: lmdb_baseline DIR PRELOAD COUNT [BATCH [REC]]\n");
		return 2;
	}
	preload = strtoull(argv[2], NULL, 10);
	count = strtoull(argv[3], NULL, 10);
	if (argc > 4)
		batch = strtoull(argv[4], NULL, 10);
	if (argc > 5)
		rec_len = atoi(argv[5]);
	if (rec_len < 8 || rec_len > 256 || !batch)
		return 2;
	CHECK(mdb_env_create(&env));
	CHECK(mdb_env_set_maxdbs(env, DB_NUM + 2));
	CHECK(mdb_env_set_mapsize(env, (size_t)64 << 30));
	/* the same flags as np700's store: durable commits */
	CHECK(mdb_env_open(env, argv[1], MDB_NOTLS, 0660));
	CHECK(mdb_txn_begin(env, NULL, 0, &t));
	for (d = 0; d < DB_NUM; d++)
		CHECK(mdb_dbi_open(t, dbs[d].name, MDB_CREATE | dbs[d].flags, &dbi[d]));
	CHECK(mdb_txn_commit(t));

	for (i = 0; i < preload; i += 100000)
		put_batch(env, i, preload - i < 100000 ? preload - i : 100000, &next_id);

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = preload; i < preload + count; i += batch)
		put_batch(env, i, preload + count - i < batch ? preload + count - i : batch, &next_id);
	clock_gettime(CLOCK_MONOTONIC, &z);
	s = (z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) / 1e9;
	printf("%.0f\n", count / s);
	mdb_env_close(env);
	return 0;
}
