/* The decision API: every mode of the DESIGN §4 table and every check of §5 */
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
#include <np700/decision.h>
#include <np700/fraud.h>

#define NOW	1800000000	/* 08:00:00 UTC */

static void *ctx;
static char dir[64];
static struct np700_store *st;

static void open_store(void)
{
	struct np700_store_cfg cfg = {
		.path = dir,
		.map_size = 16 << 20,
		.max_pairs_per_x = 100,
		.plan = &np700_numplan_default,
	};
	int rc = np700_store_open(ctx, &cfg, &st);

	if (rc) {
		printf("open failed: %d\n", rc);
		exit(1);
	}
}

static void customer(uint32_t id, const char *first, const char *last, const struct np700_customer *tmpl)
{
	struct np700_customer c = { 0 };
	struct np700_pool p = { .customer_id = id };
	int rc;

	if (tmpl)
		c = *tmpl;
	c.id = id;
	snprintf(c.name, sizeof(c.name), "customer%u", id);
	OSMO_STRLCPY_ARRAY(p.first, first);
	OSMO_STRLCPY_ARRAY(p.last, last);
	rc = np700_store_customer_put(st, &c);
	if (!rc)
		rc = np700_store_pool_add(st, &p);
	printf("customer %u pool %s-%s%s: %d\n", id, first, last, c.suspended ? " suspended" : "", rc);
}

static uint64_t bind(enum np700_mode mode, uint32_t cust, const char *x, const char *y, const char *a,
		     const char *b, void (*tweak)(struct np700_binding *))
{
	struct np700_binding bd = {
		.customer_id = cust,
		.mode = mode,
		.created = NOW - 100,
		.expires = NOW + 86400,
		.services = NP700_SVC_VOICE | NP700_SVC_SMS,
	};
	int rc;

	OSMO_STRLCPY_ARRAY(bd.x, x);
	if (y)
		OSMO_STRLCPY_ARRAY(bd.y, y);
	OSMO_STRLCPY_ARRAY(bd.a, a);
	if (b)
		OSMO_STRLCPY_ARRAY(bd.b, b);
	snprintf(bd.order_id, sizeof(bd.order_id), "o%s", x + 9);
	if (tweak)
		tweak(&bd);
	rc = np700_store_binding_create(st, NULL, &bd);
	printf("bind %s X=%s%s%s A=%s B=%s: %s %" PRIu64 "\n", np700_mode_name(mode), x, y ? " Y=" : "", y ? y : "",
	       a, b ? b : "-", rc ? np700_store_last_error(st) : "id", bd.id);
	return bd.id;
}

static struct np700_decision d;

static enum np700_reject decide_at(const char *caller, const char *dialled, enum np700_service svc, time_t now,
				   unsigned int flags)
{
	int rc = np700_decide_ex(st, dialled, caller, svc, now, flags, &d);

	printf("%s -> %s %s%s%s @%+ld: ", caller, dialled, svc == NP700_SERVICE_SMS ? "sms" : "voice",
	       flags & NP700_DECIDE_DRY_RUN ? " (dry)" : "", flags & NP700_DECIDE_IS_X ? " (is X)" : "",
	       (long)(now - NOW));
	if (rc)
		printf("rc %d ", rc);
	if (d.reject == NP700_REJ_NONE)
		printf("connect %s, callee sees %s, caller sees %s%s", d.connect_to, d.show_callee, d.show_caller,
		       d.callback ? " (call-back)" : "");
	else
		printf("REJECT %s", np700_reject_name(d.reject));
	if (d.binding_id)
		printf(" [binding %" PRIu64 " %s order %s]", d.binding_id, np700_mode_name(d.mode), d.order_id);
	if (d.customer_id)
		printf(" [customer %u]", d.customer_id);
	printf("\n");
	return d.reject;
}

static enum np700_reject call(const char *caller, const char *dialled, time_t now)
{
	return decide_at(caller, dialled, NP700_SERVICE_VOICE, now, 0);
}

/* a call that is placed: the relay notes it */
static void placed(const char *caller, const char *dialled, time_t now)
{
	if (call(caller, dialled, now) == NP700_REJ_NONE)
		np700_decision_note_call(st, &d, caller, now);
}

static void no_callback(struct np700_binding *b)
{
	b->expires = 0;
}

static void with_callback(struct np700_binding *b)
{
	b->expires = 0;
	b->callback_allowed = true;
	b->callback_window_s = 600;
}

static void a_to_b(struct np700_binding *b)
{
	b->direction = NP700_DIR_A_TO_B;
}

static void voice_only(struct np700_binding *b)
{
	b->services = NP700_SVC_VOICE;
}

static void expired(struct np700_binding *b)
{
	b->created = NOW - 7200;
	b->expires = NOW - 3600;
}

static void two_calls(struct np700_binding *b)
{
	b->max_calls = 2;
	b->max_duration_s = 300;
}

#define A	"8613800000001"
#define B	"8613900000002"
#define C	"8613700000003"
#define N	"8613600000004"
#define D	"8613500000005"
#define E	"8613400000006"
#define F	"8613300000007"

static void test_modes(void)
{
	printf("\n== AXB\n");
	bind(NP700_MODE_AXB, 1, "700100000000001", NULL, A, B, NULL);
	call(A, "700100000000001", NOW);
	call(B, "700100000000001", NOW);
	call(C, "700100000000001", NOW);
	decide_at(A, "700100000000001", NP700_SERVICE_SMS, NOW, 0);
	/* X as the ISUP relay passes it (not normalised again): the same answer; anything not of
	 * X's length goes through the normalisation as without the flag */
	decide_at(B, "700100000000001", NP700_SERVICE_VOICE, NOW, NP700_DECIDE_IS_X);
	decide_at(B, "70010000000000", NP700_SERVICE_VOICE, NOW, NP700_DECIDE_IS_X);
	decide_at(B, "0700100000000001", NP700_SERVICE_VOICE, NOW, NP700_DECIDE_IS_X);

	printf("\n== AXN\n");
	bind(NP700_MODE_AXN, 1, "700100000000002", NULL, A, N, NULL);
	call(A, "700100000000002", NOW);
	call(C, "700100000000002", NOW);
	call(N, "700100000000002", NOW);
	call("", "700100000000002", NOW);

	printf("\n== AX without call-back\n");
	bind(NP700_MODE_AX, 1, "700100000000003", NULL, A, NULL, no_callback);
	call(C, "700100000000003", NOW);
	call(A, "700100000000003", NOW);

	printf("\n== AX with call-back (window 600 s)\n");
	bind(NP700_MODE_AX, 1, "700100000000004", NULL, A, NULL, with_callback);
	call(A, "700100000000004", NOW);
	placed(C, "700100000000004", NOW);
	call(A, "700100000000004", NOW + 10);
	placed(A, "700100000000004", NOW + 20);
	placed(B, "700100000000004", NOW + 30);
	call(A, "700100000000004", NOW + 40);
	call(A, "700100000000004", NOW + 30 + 601);

	printf("\n== AXYB\n");
	bind(NP700_MODE_AXYB, 1, "700100000000005", "700100000000006", A, B, NULL);
	call(A, "700100000000005", NOW);
	call(B, "700100000000006", NOW);
	call(B, "700100000000005", NOW);
	call(A, "700100000000006", NOW);
	call(C, "700100000000006", NOW);
	decide_at(B, "700100000000006", NP700_SERVICE_SMS, NOW, 0);
}

static void test_checks(void)
{
	struct np700_customer cust = { 0 };

	printf("\n== numbers\n");
	call(A, "8613900000002", NOW);
	call(A, "70010000000", NOW);
	call(A, "700555000000000", NOW);
	call(A, "700100000000099", NOW);
	call("garbage", "700100000000001", NOW);

	printf("\n== direction and service\n");
	bind(NP700_MODE_AXB, 1, "700100000000010", NULL, A, B, a_to_b);
	call(A, "700100000000010", NOW);
	call(B, "700100000000010", NOW);
	bind(NP700_MODE_AXB, 1, "700100000000011", NULL, A, B, voice_only);
	decide_at(A, "700100000000011", NP700_SERVICE_VOICE, NOW, 0);
	decide_at(A, "700100000000011", NP700_SERVICE_SMS, NOW, 0);

	printf("\n== expired\n");
	bind(NP700_MODE_AXB, 1, "700100000000012", NULL, A, B, expired);
	call(A, "700100000000012", NOW);

	printf("\n== suspended customer\n");
	cust.suspended = true;
	customer(2, "700200000000000", "700200000009999", &cust);
	bind(NP700_MODE_AXB, 2, "700200000000001", NULL, A, B, NULL);
	call(A, "700200000000001", NOW);
	call(C, "700200000000002", NOW);

	printf("\n== blocklist\n");
	printf("block %s until NOW+100: %d\n", C, np700_store_block_put(st, C, NOW + 100, "test"));
	call(C, "700100000000002", NOW);
	call(C, "700100000000002", NOW + 100);
	printf("block %s: %d\n", B, np700_store_block_put(st, B, 0, "test"));
	call(A, "700100000000001", NOW);
	call(B, "700100000000001", NOW);
	printf("unblock %s: %d\n", B, np700_store_block_del(st, B));
	printf("block X 700100000000001: %d\n", np700_store_block_put(st, "700100000000001", 0, "test"));
	call(A, "700100000000001", NOW);
	printf("unblock X: %d\n", np700_store_block_del(st, "700100000000001"));
	call(A, "700100000000001", NOW);

	printf("\n== time window 08:00-20:00 (UTC)\n");
	memset(&cust, 0, sizeof(cust));
	cust.tod_start = 8 * 60;
	cust.tod_end = 20 * 60;
	customer(3, "700300000000000", "700300000009999", &cust);
	bind(NP700_MODE_AXB, 3, "700300000000001", NULL, A, B, NULL);
	call(A, "700300000000001", NOW - 60);
	call(A, "700300000000001", NOW);
	call(A, "700300000000001", NOW + 12 * 3600 - 60);
	call(A, "700300000000001", NOW + 12 * 3600);
	printf("window 22:00-06:00\n");
	cust.tod_start = 22 * 60;
	cust.tod_end = 6 * 60;
	cust.id = 3;
	snprintf(cust.name, sizeof(cust.name), "customer3");
	printf("customer 3 update: %d\n", np700_store_customer_put(st, &cust));
	call(A, "700300000000001", NOW);
	call(A, "700300000000001", NOW + 14 * 3600);
	call(A, "700300000000001", NOW + 22 * 3600 - 60);
}

static int block_cb(const char *number, int64_t until, const char *reason, void *data)
{
	printf("  store blocklist: %s until NOW%+" PRId64 " (%s)\n", number, until - NOW, reason);
	return 0;
}

static void test_fraud(void)
{
	struct np700_customer cust = { 0 };

	printf("\n== rate limit: 2 calls per number per minute, block 300 s\n");
	cust.limits.calls_per_number_per_min = 2;
	cust.limits.block_s = 300;
	customer(4, "700400000000000", "700400000009999", &cust);
	bind(NP700_MODE_AXN, 4, "700400000000001", NULL, A, N, NULL);
	decide_at(D, "700400000000001", NP700_SERVICE_VOICE, NOW, NP700_DECIDE_DRY_RUN);
	decide_at(D, "700400000000001", NP700_SERVICE_VOICE, NOW, NP700_DECIDE_DRY_RUN);
	decide_at(D, "700400000000001", NP700_SERVICE_VOICE, NOW, NP700_DECIDE_DRY_RUN);
	call(D, "700400000000001", NOW);
	call(E, "700400000000001", NOW + 1);
	call(D, "700400000000001", NOW + 2);
	call(D, "700400000000001", NOW + 61);
	call(E, "700400000000001", NOW + 61);
	call(D, "700100000000002", NOW + 62);
	printf("flush: %d\n", np700_fraud_flush(st, NOW + 62));
	np700_store_block_list(st, NOW + 62, block_cb, NULL);
	call(D, "700400000000001", NOW + 301);
	call(D, "700400000000001", NOW + 302);

	printf("\n== rate limit: 2 distinct numbers per caller per hour\n");
	memset(&cust, 0, sizeof(cust));
	cust.limits.distinct_numbers_per_caller_per_hour = 2;
	customer(5, "700500000000000", "700500000009999", &cust);
	bind(NP700_MODE_AX, 5, "700500000000001", NULL, "8613800000051", NULL, no_callback);
	bind(NP700_MODE_AX, 5, "700500000000002", NULL, "8613800000052", NULL, no_callback);
	bind(NP700_MODE_AX, 5, "700500000000003", NULL, "8613800000053", NULL, no_callback);
	call(F, "700500000000001", NOW);
	call(F, "700500000000002", NOW);
	call(F, "700500000000003", NOW);
	call(F, "700500000000001", NOW + 5);
	call(N, "700500000000003", NOW + 5);
	call(F, "700500000000003", NOW + 3600);

	printf("\n== rate limit: 2 calls per binding per hour\n");
	memset(&cust, 0, sizeof(cust));
	cust.limits.calls_per_binding_per_hour = 2;
	customer(6, "700600000000000", "700600000009999", &cust);
	bind(NP700_MODE_AXB, 6, "700600000000001", NULL, A, B, NULL);
	call(A, "700600000000001", NOW);
	call(B, "700600000000001", NOW + 60);
	call(A, "700600000000001", NOW + 120);
	call(A, "700600000000001", NOW + 3600);

	printf("\n== call cap: 2 calls on the binding\n");
	bind(NP700_MODE_AXB, 1, "700100000000020", NULL, A, B, two_calls);
	placed(A, "700100000000020", NOW);
	printf("max duration %u\n", d.max_duration_s);
	placed(B, "700100000000020", NOW + 1);
	call(A, "700100000000020", NOW + 2);
}

static void test_persistence(void)
{
	printf("\n== usage survives a restart (flushed by the purge timer)\n");
	printf("flush: %d\n", np700_fraud_flush(st, NOW + 100));
	np700_store_close(st);
	open_store();
	call(A, "700100000000020", NOW + 200);
	call(A, "700100000000004", NOW + 200);
	printf("the temporary block was written to the store:\n");
	call(D, "700400000000001", NOW + 200);
}

static void restart(time_t now)
{
	printf("flush: %d; restart\n", np700_fraud_flush(st, now));
	np700_store_close(st);
	open_store();
}

static void set_max_calls(uint64_t id, uint32_t max)
{
	struct np700_binding b;
	int rc = np700_store_binding_get(st, id, &b);

	b.max_calls = max;
	if (!rc)
		rc = np700_store_binding_update(st, NULL, &b);
	printf("binding %" PRIu64 " max-calls %u: %d\n", id, max, rc);
}

/* A call is noted without reading the stored usage: what was noted since the restart must add to
 * the stored usage, when it is flushed and when a decision needs the usage before that. */
static void test_usage_merge(void)
{
	uint64_t id;

	printf("\n== calls noted after a restart add to the stored count\n");
	id = bind(NP700_MODE_AXB, 1, "700100000000021", NULL, A, B, NULL);
	placed(A, "700100000000021", NOW + 300);
	restart(NOW + 301);
	placed(B, "700100000000021", NOW + 302);
	restart(NOW + 303);
	placed(A, "700100000000021", NOW + 304);
	printf("stored 2 and 1 since, not flushed:\n");
	set_max_calls(id, 3);
	call(A, "700100000000021", NOW + 305);
	set_max_calls(id, 4);
	placed(A, "700100000000021", NOW + 306);
	call(B, "700100000000021", NOW + 307);
	restart(NOW + 308);
	printf("after a flush and a restart:\n");
	call(B, "700100000000021", NOW + 309);

	printf("\n== AX call-back: the caller noted after a restart wins over the stored one\n");
	bind(NP700_MODE_AX, 1, "700100000000022", NULL, A, NULL, with_callback);
	placed(C, "700100000000022", NOW + 310);
	restart(NOW + 311);
	call(A, "700100000000022", NOW + 312);
	restart(NOW + 313);
	placed(E, "700100000000022", NOW + 314);
	call(A, "700100000000022", NOW + 315);
	restart(NOW + 316);
	call(A, "700100000000022", NOW + 317);
}

int main(int argc, char **argv)
{
	char cmd[128];

	setenv("TZ", "UTC0", 1);
	tzset();
	ctx = talloc_named_const(NULL, 0, "decision_test");
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_timestamp(osmo_stderr_target, 0);

	snprintf(dir, sizeof(dir), "/tmp/np700_decision_test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	open_store();
	customer(1, "700100000000000", "700100000009999", NULL);
	test_modes();
	test_checks();
	test_fraud();
	test_persistence();
	test_usage_merge();
	np700_store_close(st);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
