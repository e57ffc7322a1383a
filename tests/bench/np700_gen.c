/* Benchmark data generator (not part of make check; built by contrib/bench.sh).
 * Bindings of realistic shape: 60% AXB (about 100 pairs on a shared X), 20% AXN, 10% AX without
 * expiry, 10% AXYB; two customers owning alternate 11-digit blocks; expiries from one hour to a
 * month. Binding i is the same in every mode, so a preload and a later bulk CSV never collide.
 *   np700_gen config N+M          customer/pool lines for the np700 config (covering N+M)
 *   np700_gen fill DIR N TOTAL [TXN]  write bindings 0..N-1 straight into the store in DIR
 *                                 (libnp700store, TXN bindings per transaction, default 100000;
 *                                 pools sized for TOTAL bindings; synced once at the end
 *                                 unless NP700_GEN_SYNC=1)
 *   np700_gen usage DIR N         a usage record for bindings 1..N of the store in DIR, as if
 *                                 each had been called once (a store in service has them), in
 *                                 a scattered order, as the flushes of calls write them
 *   np700_gen csv FIRST COUNT TOTAL   bulk CSV for np700-ctl: bindings FIRST..FIRST+COUNT-1
 *   np700_gen recsize             mean encoded record size of the mix (for lmdb_baseline) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/store.h>
#include <np700/store_internal.h>

#include "gen_shape.h"

static int cmd_config(uint64_t total)
{
	uint64_t n = blocks(total), k;
	int c;

	for (c = 1; c <= 2; c++) {
		printf("customer %d\n name bench-%d\n", c, c);
		for (k = c - 1; k < n; k += 2)
			printf(" pool block %011" PRIu64 "\n", BLOCK_BASE + k);
	}
	return 0;
}

/* the store in \a dir, big enough for 100M bindings and the mix's pairs per X */
static struct np700_store *gen_open(const char *dir)
{
	struct np700_store_cfg cfg = { .path = dir, .map_size = (size_t)64 << 30, .max_pairs_per_x = 5000,
				       .plan = &np700_numplan_default };
	struct np700_store *st;
	int rc = np700_store_open(NULL, &cfg, &st);

	if (rc) {
		fprintf(stderr, "open %s: %d\n", dir, rc);
		return NULL;
	}
	return st;
}

static int cmd_fill(const char *dir, uint64_t n, uint64_t total, uint64_t per_txn)
{
	struct np700_store *st = gen_open(dir);
	struct np700_store_txn *txn = NULL;
	const char *sync = getenv("NP700_GEN_SYNC");
	uint64_t i, fails = 0;
	struct timespec a, z;
	int c;

	if (!st)
		return 1;
	/* A fill is not a provisioning client: nothing is acknowledged, so one sync at the end
	 * instead of one per transaction (NP700_GEN_SYNC=1 keeps np700's durable commits). The
	 * transactions and so the page layout are the same either way. */
	if (!sync || strcmp(sync, "1"))
		mdb_env_set_flags(st->env, MDB_NOSYNC, 1);
	for (c = 1; c <= 2; c++) {
		struct np700_customer cu = { .id = c };
		snprintf(cu.name, sizeof(cu.name), "bench-%d", c);
		np700_store_customer_put(st, &cu);
	}
	if (add_pools(st, BLOCK_BASE, blocks(total)))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++) {
		struct np700_binding b;
		if (!txn && np700_store_txn_begin(st, &txn)) {
			fprintf(stderr, "txn: %s\n", np700_store_last_error(st));
			return 1;
		}
		make_binding(i, total, &b);
		b.created = gen_t0;
		if (np700_store_binding_create(st, txn, &b) && fails++ < 5)
			fprintf(stderr, "binding %" PRIu64 ": %s\n", i, np700_store_last_error(st));
		if ((i + 1) % per_txn == 0 || i + 1 == n) {
			if (np700_store_txn_commit(txn)) {
				fprintf(stderr, "commit: %s\n", np700_store_last_error(st));
				return 1;
			}
			txn = NULL;
		}
	}
	if (mdb_env_sync(st->env, 1)) {
		fprintf(stderr, "sync failed\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	fprintf(stderr, "np700_gen: %" PRIu64 " bindings (%" PRIu64 " refused) in %.1f s\n", n, fails,
		(z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) / 1e9);
	np700_store_close(st);
	return fails ? 1 : 0;
}

static int cmd_usage(const char *dir, uint64_t n)
{
	struct np700_store *st = gen_open(dir);
	struct np700_fraud_usage u = { .calls = 1 }, out;
	MDB_txn *t = NULL;
	uint64_t i, id;

	if (!st)
		return 1;
	for (i = 0; i < n; i++) {
		/* a permutation of 1..N (999983 is a prime that divides no N of this bench) */
		id = 1 + (i * 999983) % n;
		if (!t && mdb_txn_begin(st->env, NULL, 0, &t)) {
			fprintf(stderr, "txn failed\n");
			return 1;
		}
		if (store_usage_put_txn(st, t, id, &u, false, &out)) {
			fprintf(stderr, "usage %" PRIu64 ": %s\n", id, np700_store_last_error(st));
			return 1;
		}
		if ((i + 1) % 1024 == 0 || i + 1 == n) {
			if (mdb_txn_commit(t)) {
				fprintf(stderr, "commit failed\n");
				return 1;
			}
			t = NULL;
		}
	}
	np700_store_close(st);
	return 0;
}

static int cmd_csv(uint64_t first, uint64_t count, uint64_t total)
{
	static const char *modes[] = { [NP700_MODE_AXB] = "AXB", [NP700_MODE_AXN] = "AXN",
				       [NP700_MODE_AX] = "AX", [NP700_MODE_AXYB] = "AXYB" };
	uint64_t i;

	printf("op,mode,customer,order,x,y,a,b,expires\n");
	for (i = first; i < first + count; i++) {
		struct np700_binding b;
		make_binding(i, total, &b);
		printf("create,%s,%u,%s,%s,%s,%s,%s,%" PRId64 "\n", modes[b.mode], b.customer_id, b.order_id, b.x,
		       b.y, b.a, b.b, (int64_t)b.expires);
	}
	return 0;
}

static int cmd_recsize(void)
{
	uint8_t rec[STORE_REC_MAXLEN];
	uint64_t i, sum = 0;

	for (i = 0; i < 100000; i++) {
		struct np700_binding b;
		make_binding(i, 1000000, &b);
		b.created = gen_t0;
		sum += store_rec_encode(rec, &b, NULL);
	}
	printf("%" PRIu64 "\n", (sum + 50000) / 100000);
	return 0;
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "np700_gen");

	osmo_init_logging2(ctx, &np700_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	gen_t0 = getenv("NP700_GEN_T0") ? atoll(getenv("NP700_GEN_T0")) : time(NULL);
	if (argc >= 3 && !strcmp(argv[1], "config"))
		return cmd_config(strtoull(argv[2], NULL, 10));
	if (argc >= 5 && !strcmp(argv[1], "fill"))
		return cmd_fill(argv[2], strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10),
				argc > 5 ? strtoull(argv[5], NULL, 10) : 100000);
	if (argc >= 4 && !strcmp(argv[1], "usage"))
		return cmd_usage(argv[2], strtoull(argv[3], NULL, 10));
	if (argc >= 5 && !strcmp(argv[1], "csv"))
		return cmd_csv(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
	if (argc >= 2 && !strcmp(argv[1], "recsize"))
		return cmd_recsize();
	fprintf(stderr, "usage: see the head of np700_gen.c\n");
	return 2;
}
