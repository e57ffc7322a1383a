/* Store benchmark (not part of make check; build with `make -C tests store_bench`):
 * fill N AXB bindings in batched durable transactions, then measure lookups and decisions per
 * second and the store's bytes per binding.
 *   store_bench [N [PAIRS_PER_X [BATCH [LOOKUPS [DIR]]]]]
 * BATCH 0: do not fill, measure against the store already in DIR (e.g. under callgrind). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/decision.h>
#include <np700/store.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* binding i: X = 700 + (i / pairs) , A = 86130 + i, B = 86150 + i */
static void numbers(uint64_t i, unsigned int pairs, char *x, char *a, char *b)
{
	snprintf(x, NP700_NUM_MAXLEN + 1, "700%012" PRIu64, (uint64_t)((i / pairs) * 7919 % 1000000000000ULL));
	snprintf(a, NP700_NUM_MAXLEN + 1, "86130%08u", (unsigned int)(i % 100000000));
	snprintf(b, NP700_NUM_MAXLEN + 1, "86150%08u", (unsigned int)(i % 100000000));
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	unsigned int pairs = argc > 2 ? atoi(argv[2]) : 1;
	unsigned int batch = argc > 3 ? atoi(argv[3]) : 10000;
	uint64_t lookups = argc > 4 ? strtoull(argv[4], NULL, 10) : 1000000;
	char dir[128] = "/tmp/np700_bench.XXXXXX", path[160], cmd[200];
	struct np700_store_cfg cfg = { .map_size = (size_t)8 << 30, .max_pairs_per_x = 100000,
				       .plan = &np700_numplan_default };
	struct np700_customer c = { .id = 1, .name = "bench" };
	struct np700_pool p = { .customer_id = 1, .first = "700000000000000", .last = "700999999999999" };
	struct np700_store_stats s;
	struct np700_store_txn *txn;
	struct np700_store *st;
	struct np700_decision d;
	struct np700_binding b;
	struct stat sb;
	time_t t0 = time(NULL);
	double t, dt;
	uint64_t i, ok = 0, seed = 1;
	void *ctx = talloc_named_const(NULL, 0, "bench");
	int rc;

	osmo_init_logging2(ctx, &np700_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	if (argc > 5)
		osmo_strlcpy(dir, argv[5], sizeof(dir));
	else if (!mkdtemp(dir))
		return 1;
	mkdir(dir, 0700);
	cfg.path = dir;
	rc = np700_store_open(ctx, &cfg, &st);
	if (rc)
		return 1;
	np700_store_customer_put(st, &c);
	np700_store_pool_add(st, &p);

	t = now_s();
	for (i = 0; batch && i < n; i += batch) {
		uint64_t j;
		if (np700_store_txn_begin(st, &txn))
			return 1;
		for (j = i; j < i + batch && j < n; j++) {
			memset(&b, 0, sizeof(b));
			b.customer_id = 1;
			b.mode = NP700_MODE_AXB;
			numbers(j, pairs, b.x, b.a, b.b);
			b.created = t0;
			b.expires = t0 + 3600 + (j * 2654435761u) % (7 * 86400);	/* spread over a week */
			b.services = NP700_SVC_VOICE | NP700_SVC_SMS;
			snprintf(b.order_id, sizeof(b.order_id), "ORD%012" PRIu64, j);
			rc = np700_store_binding_create(st, txn, &b);
			if (rc) {
				fprintf(stderr, "create %" PRIu64 ": %s\n", j, np700_store_last_error(st));
				return 1;
			}
		}
		rc = np700_store_txn_commit(txn);
		if (rc) {
			fprintf(stderr, "commit: %s\n", np700_store_last_error(st));
			return 1;
		}
	}
	dt = now_s() - t;
	printf("fill: %" PRIu64 " bindings (%u pairs per X) in batches of %u: %.1f s, %.0f creates/s\n", n, pairs,
	       batch, dt, n / dt);

	np700_store_stats(st, &s);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	stat(path, &sb);
	printf("size: data.mdb %.1f MiB, used %.1f MiB: %.0f bytes per binding (file), %.0f (used pages)\n",
	       sb.st_size / 1048576.0, s.used_bytes / 1048576.0, (double)sb.st_size / n, (double)s.used_bytes / n);

	t = now_s();
	for (i = 0; i < lookups; i++) {
		char x[16], a[16], bb[16];
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		numbers((seed >> 20) % n, pairs, x, a, bb);
		if (!np700_store_binding_lookup(st, x, a, &b))
			ok++;
	}
	dt = now_s() - t;
	printf("lookup: %" PRIu64 " random (X, A) lookups, %" PRIu64 " found: %.0f lookups/s (%.2f us each)\n",
	       lookups, ok, lookups / dt, dt / lookups * 1e6);

	ok = 0;
	t = now_s();
	for (i = 0; i < lookups; i++) {
		char x[16], a[16], bb[16];
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		numbers((seed >> 20) % n, pairs, x, a, bb);
		np700_decide(st, x, (i & 1) ? a : bb, NP700_SERVICE_VOICE, t0, &d);
		if (d.reject == NP700_REJ_NONE)
			ok++;
	}
	dt = now_s() - t;
	printf("decide: %" PRIu64 " random decisions, %" PRIu64 " allowed: %.0f decisions/s (%.2f us each)\n",
	       lookups, ok, lookups / dt, dt / lookups * 1e6);

	t = now_s();
	rc = 0;
	for (i = 0; batch && i < 10; i++)
		rc += np700_store_purge_expired(st, t0 + 3600 + 86400, 1000);
	if (!batch)
		goto out;
	printf("purge: 10 runs of at most 1000 at a day later removed %d in %.3f s\n", rc, now_s() - t);

out:
	np700_store_close(st);
	if (argc <= 5) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			return 1;
	}
	return 0;
}
