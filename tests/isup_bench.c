/* ISUP relay benchmark (issue 3, "measure"): translations per second of decode -> decision ->
 * rewrite -> encode, with a large binding store.
 *   isup_bench create DIR N    make a store in DIR with N AXB bindings (X = 70000000000000i)
 *   isup_bench run DIR M       M IAMs from A of random bindings through the relay; prints the rate
 * Only the IAM's isup_relay_rx() is timed (bench_iam(): use it with callgrind's
 * --toggle-collect=bench_iam for instructions per IAM); the REL/RLC that free the circuits are not. */
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
#include <np700/np700.h>
#include <np700/store.h>
#include <np700/isup_relay.h>

#define PC_NP	2057
#define PC_A	2058
#define PC_B	2049

static void *ctx;
static struct np700_store *st;
static uint64_t n_tx, n_iam_out;
static uint16_t out_cic;

static int tx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	n_tx++;
	if (data[2] == ISUP_MSGT_IAM) {
		n_iam_out++;
		out_cic = data[0] | ((data[1] & 0x0f) << 8);
	}
	return 0;
}

static void open_store(const char *dir)
{
	struct np700_store_cfg cfg = { .path = dir, .map_size = (size_t)8 << 30, .max_pairs_per_x = 5000,
				       .plan = &np700_numplan_default };

	if (np700_store_open(ctx, &cfg, &st)) {
		fprintf(stderr, "cannot open store %s\n", dir);
		exit(1);
	}
}

static int create(const char *dir, unsigned long n)
{
	struct np700_customer c = { .id = 1, .name = "bench" };
	struct np700_pool p = { .customer_id = 1, .first = "700000000000000", .last = "700000099999999" };
	struct np700_store_txn *txn = NULL;
	unsigned long i;
	time_t now = time(NULL);
	int rc;

	open_store(dir);
	np700_store_customer_put(st, &c);
	np700_store_pool_add(st, &p);
	for (i = 0; i < n; i++) {
		struct np700_binding b = { .customer_id = 1, .mode = NP700_MODE_AXB, .created = now - 10,
					   .expires = now + 30 * 86400, .services = NP700_SVC_VOICE };

		if (!txn && (rc = np700_store_txn_begin(st, &txn))) {
			fprintf(stderr, "txn: %d\n", rc);
			return 1;
		}
		snprintf(b.x, sizeof(b.x), "7000000%08u", (unsigned int)(i % 100000000));
		snprintf(b.a, sizeof(b.a), "86138%08u", (unsigned int)(i % 100000000));
		snprintf(b.b, sizeof(b.b), "86139%08u", (unsigned int)(i % 100000000));
		snprintf(b.order_id, sizeof(b.order_id), "o%lu", i);
		rc = np700_store_binding_create(st, txn, &b);
		if (rc) {
			fprintf(stderr, "binding %lu: %d %s\n", i, rc, np700_store_last_error(st));
			return 1;
		}
		if ((i + 1) % 10000 == 0) {
			if (np700_store_txn_commit(txn))
				return 1;
			txn = NULL;
		}
	}
	if (txn && np700_store_txn_commit(txn))
		return 1;
	np700_store_close(st);
	printf("created %lu bindings in %s\n", n, dir);
	return 0;
}

static size_t build_iam(uint8_t *out, uint16_t cic, const char *x, const char *caller)
{
	struct isup_msg m;
	struct isup_number n = { .nai = ISUP_NAI_NATIONAL, .npi = 1 };

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_IAM, cic);
	isup_msg_set(&m, ISUP_PAR_NCI, (const uint8_t *)"\x00", 1);
	isup_msg_set(&m, ISUP_PAR_FCI, (const uint8_t *)"\x60\x01", 2);
	isup_msg_set(&m, ISUP_PAR_CPC, (const uint8_t *)"\x0a", 1);
	isup_msg_set(&m, ISUP_PAR_TMR, (const uint8_t *)"\x00", 1);
	OSMO_STRLCPY_ARRAY(n.digits, x);
	isup_msg_set_number(&m, ISUP_PAR_CALLED, &n);
	n.si = ISUP_SI_USER_VERIFIED_PASSED;
	OSMO_STRLCPY_ARRAY(n.digits, caller);
	isup_msg_set_number(&m, ISUP_PAR_CALLING, &n);
	OSMO_STRLCPY_ARRAY(n.digits, "13811111111");
	isup_msg_set_number(&m, ISUP_PAR_ORIG_CALLED, &n);
	isup_msg_set(&m, ISUP_PAR_HOP_COUNTER, (const uint8_t *)"\x10", 1);
	return isup_msg_encode(&m, out, 256);
}

/* the measured unit: one IAM in, one translated IAM out */
__attribute__((noinline)) void bench_iam(struct isup_relay *r, const uint8_t *iam, size_t len)
{
	isup_relay_rx(r, PC_A, PC_NP, 0, iam, len);
}

static int run(const char *dir, unsigned long m)
{
	struct np700 g = { .plan = np700_numplan_default };
	struct np700_store_stats ss;
	struct isup_relay *r;
	struct timespec t0, t1;
	uint8_t iam[256], rel[] = { 0, 0, 0x0c, 0x02, 0x00, 0x02, 0x80, 0x90 }, rlc[] = { 0, 0, 0x10, 0x00 };
	double busy = 0;
	unsigned long i, nb;

	open_store(dir);
	np700_store_stats(st, &ss);
	nb = ss.bindings;
	if (!nb) {
		fprintf(stderr, "empty store\n");
		return 1;
	}
	g.ctx = ctx;
	g.store = st;
	r = isup_relay_alloc(ctx, &g, tx, NULL);
	isup_relay_set_own_pc(r, PC_NP);
	isup_cgroup_alloc(r, "a", PC_A, 1, 31);
	isup_cgroup_alloc(r, "b", PC_B, 1, 31);
	isup_route_add(r, "86139", "b", ISUP_FMT_NATIONAL);
	srandom(1);
	for (i = 0; i < m; i++) {
		unsigned long k = (unsigned long)random() % nb;
		char x[16], a[16];
		size_t len;

		snprintf(x, sizeof(x), "7000000%08u", (unsigned int)(k % 100000000));
		snprintf(a, sizeof(a), "138%08u", (unsigned int)(k % 100000000));
		len = build_iam(iam, 5, x, a);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		bench_iam(r, iam, len);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		busy += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		/* free both circuits: caller releases, callee confirms */
		isup_cic_put(ISUP_VARIANT_ITU, rel, 5, 0);
		isup_relay_rx(r, PC_A, PC_NP, 0, rel, sizeof(rel));
		isup_cic_put(ISUP_VARIANT_ITU, rlc, out_cic, 0);
		isup_relay_rx(r, PC_B, PC_NP, 0, rlc, sizeof(rlc));
	}
	printf("%lu bindings, %lu IAMs translated in %.3f s: %.0f translations/s (%.1f us each), %" PRIu64
	       " IAMs sent, %" PRIu64 " messages in all, %u calls left\n", nb, m, busy, m / busy, busy * 1e6 / m,
	       n_iam_out, n_tx, isup_relay_num_calls(r));
	talloc_free(r);
	np700_store_close(st);
	return 0;
}

int main(int argc, char **argv)
{
	ctx = talloc_named_const(NULL, 0, "isup_bench");
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_all_filter(osmo_stderr_target, 0);
	if (argc == 4 && !strcmp(argv[1], "create"))
		return create(argv[2], strtoul(argv[3], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "run"))
		return run(argv[2], strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: isup_bench create DIR N | run DIR M\n");
	return 2;
}
