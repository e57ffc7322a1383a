/* ISUP relay: calls through the real store and decision API, driven with encoded messages; what
 * np700 sends is decoded and printed (fake transmit callback). Point codes (ITU 3.8.3): np700
 * 1.1.1, MSC-A 1.1.2 (A = 13800138000), MSC-B 1.0.1 (B = 13912345678), MSC-C 1.2.0 (13712345678). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/store.h>
#include <np700/decision.h>
#include <np700/cdr.h>
#include <np700/isup_relay.h>
#include <np700/isup_internal.h>

#define NOW	1800000000
#define PC_NP	2057	/* 1.1.1 */
#define PC_A	2058	/* 1.1.2: higher than np700's, controls the even CICs */
#define PC_B	2049	/* 1.0.1: lower than np700's */
#define PC_C	2064	/* 1.2.0: higher */
/* the China variant's 24-bit point codes (8.8.8) */
#define CN_NP	0x640101	/* 100.1.1 */
#define CN_A	0x640102	/* 100.1.2 */
#define CN_B	0x640103	/* 100.1.3 */

#define X1	"700123456789012"	/* AXB A <-> B */
#define X2	"700123456789013"	/* AXB B <-> C, 60 s maximum duration */

static void *ctx;
static char dir[64];
static struct np700_store *st;
static struct np700 g;
static struct isup_relay *r;

/* the messages np700 sent, to answer on the right CIC */
static uint16_t last_cic;
static struct {
	uint32_t dpc;
	uint16_t cic;
	uint8_t type;
} sent[16];
static unsigned int n_sent;
/* quiet: bulk steps print nothing per message; tx_count says what was sent */
static bool quiet;
static unsigned int tx_count[256];
static bool cic1_seized;

/* CIC of the most recent message of \a type that np700 sent to \a dpc */
static uint16_t sent_cic(uint32_t dpc, uint8_t type)
{
	unsigned int i;

	for (i = n_sent; i > 0 && n_sent - i < ARRAY_SIZE(sent); i--) {
		unsigned int k = (i - 1) % ARRAY_SIZE(sent);

		if (sent[k].dpc == dpc && sent[k].type == type)
			return sent[k].cic;
	}
	printf("TEST ERROR: nothing of type %s sent to %u\n", isup_msg_type_name(type), dpc);
	return 0;
}

/* --- printing --- */

static const char *pcs(uint32_t pc)
{
	static char buf[8][16];
	static unsigned int i;
	char *b = buf[i++ % 8];

	/* beyond 14 bits: a China point code, 8.8.8 */
	if (pc > 0x3fff && pc <= 0xffffff)
		snprintf(b, sizeof(buf[0]), "%u.%u.%u", pc >> 16, (pc >> 8) & 0xff, pc & 0xff);
	else
		snprintf(b, sizeof(buf[0]), "%u.%u.%u", (pc >> 11) & 7, (pc >> 3) & 0xff, pc & 7);
	return b;
}

static void print_params(const struct isup_msg *m)
{
	const struct isup_param *ps[ISUP_MAX_FIXED + ISUP_MAX_VAR + ISUP_MAX_OPT];
	unsigned int i, n = 0;

	for (i = 0; i < m->def->n_var; i++)
		ps[n++] = &m->var[i];
	for (i = 0; i < m->n_opt; i++)
		ps[n++] = &m->opt[i];
	for (i = 0; i < n; i++) {
		const struct isup_param *p = ps[i];
		struct isup_number num;
		uint8_t cause;

		if (isup_param_is_number(p->code) && isup_number_decode(p->code, p->val, p->len, &num) == 0)
			printf(" %s=%s/%s%s", isup_param_name(p->code), num.digits,
			       p->code == ISUP_PAR_SUBSEQ_NUM ? "-" : get_value_string(isup_nai_names, num.nai),
			       num.st ? "+ST" : "");
		else if (p->code == ISUP_PAR_CAUSE && isup_cause_decode(p->val, p->len, NULL, &cause) == 0)
			printf(" cause=%u", cause);
		else
			printf(" %s=%s", isup_param_name(p->code), osmo_hexdump_nospc(p->val, p->len));
	}
}

static int fake_tx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct isup_msg m;
	enum isup_err err;

	if (isup_msg_parse(&m, ISUP_VARIANT_ITU, data, len, &err, NULL) < 0) {
		printf("  tx %s->%s UNPARSEABLE (%s): %s\n", pcs(opc), pcs(dpc), isup_err_name(err), osmo_hexdump_nospc(data, len));
		return 0;
	}
	tx_count[m.type]++;
	if (m.type == ISUP_MSGT_IAM && dpc == PC_B && m.cic == 1)
		cic1_seized = true;
	if (!quiet) {
		printf("  tx %s->%s %s CIC %u", pcs(opc), pcs(dpc), isup_msg_type_name(m.type), m.cic);
		if (m.def)
			print_params(&m);
		else
			printf(" raw=%s", osmo_hexdump_nospc(data, len));
		printf("\n");
	}
	last_cic = m.cic;
	sent[n_sent % ARRAY_SIZE(sent)].dpc = dpc;
	sent[n_sent % ARRAY_SIZE(sent)].cic = m.cic;
	sent[n_sent % ARRAY_SIZE(sent)].type = m.type;
	n_sent++;
	return 0;
}

static void print_cdr(void *priv, const struct cdr_record *rec)
{
	char line[1024];

	if (quiet)
		return;
	printf("  record: %s, reason %s, cause %d, released by %s, caller %s x %s callee %s shown %s/%s, "
	       "in %s/%s/%u out %s/%s/%u, answered %s, duration %" PRIu64 " s\n",
	       get_value_string(cdr_outcome_names, rec->outcome), rec->reason ? rec->reason : "-", rec->cause,
	       get_value_string(cdr_released_by_names, rec->released_by), rec->caller[0] ? rec->caller : "-",
	       rec->x[0] ? rec->x : "-", rec->callee[0] ? rec->callee : "-",
	       rec->shown_callee[0] ? rec->shown_callee : "-", rec->shown_caller[0] ? rec->shown_caller : "-",
	       pcs(rec->in.opc), pcs(rec->in.dpc), rec->in.cic, pcs(rec->out.opc), pcs(rec->out.dpc), rec->out.cic,
	       rec->t_answer ? "yes" : "no",
	       rec->t_answer ? (rec->t_release - rec->t_answer) / 1000000 : 0);
	if (cdr_format(rec, line, sizeof(line)) < 0)
		printf("  record does not format\n");
}

static void print_line(void *priv, const char *line)
{
	printf("  | %s\n", line);
}

static void show(void)
{
	printf("  show calls: %u\n", isup_relay_num_calls(r));
	isup_relay_dump_calls(r, print_line, NULL);
	isup_relay_dump_circuits(r, false, print_line, NULL);
}

/* --- message building --- */

static void rx_msg(uint32_t opc, struct isup_msg *m, const char *what)
{
	uint8_t out[512];
	int len = isup_msg_encode(m, out, sizeof(out));

	if (!quiet)
		printf(" rx %s %s %s CIC %u\n", pcs(opc), what ? what : "", isup_msg_type_name(m->type), m->cic);
	isup_relay_rx(r, opc, PC_NP, m->cic & 0xf, out, len);
}

static void rx_hex(uint32_t opc, const char *what, const char *hex)
{
	uint8_t buf[512];
	int len = osmo_hexparse(hex, buf, sizeof(buf));

	printf(" rx %s %s: %s\n", pcs(opc), what, hex);
	isup_relay_rx(r, opc, PC_NP, 0, buf, len);
}

/* a message type np700 does not know with message compatibility information \a mci: 0x00 asks
 * for transit treatment (passed on byte-identical), 0x0d for discard + notification (CFN) */
static void rx_unknown(uint32_t opc, uint16_t cic, uint8_t mci)
{
	uint8_t buf[] = { 0, 0, 0x7e, 0x01, 0x38, 0x01, mci, 0xfd, 0x02, 0x12, 0x34, 0x00 };

	isup_cic_put(ISUP_VARIANT_ITU, buf, cic, 0);
	printf(" rx %s unknown message 0x7e with MCI %02x CIC %u: %s\n", pcs(opc), mci, cic,
	       osmo_hexdump_nospc(buf, sizeof(buf)));
	isup_relay_rx(r, opc, PC_NP, 0, buf, sizeof(buf));
}

static void num(struct isup_msg *m, uint8_t code, const char *digits, uint8_t nai)
{
	struct isup_number n = { .nai = nai, .npi = 1, .si = ISUP_SI_USER_VERIFIED_PASSED, .qualifier = 6 };

	OSMO_STRLCPY_ARRAY(n.digits, digits);
	if (code == ISUP_PAR_SUBSEQ_NUM || code == ISUP_PAR_CALLED)
		n.si = 0;
	OSMO_ASSERT(isup_msg_set_number(m, code, &n) == 0);
}

static void iam_full(uint32_t opc, uint16_t cic, const char *called, bool st, const char *calling, bool extras)
{
	struct isup_msg m;
	struct isup_number n = { .nai = ISUP_NAI_NATIONAL, .npi = 1, .st = st };

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_IAM, cic);
	isup_msg_set(&m, ISUP_PAR_NCI, (const uint8_t *)"\x00", 1);
	isup_msg_set(&m, ISUP_PAR_FCI, (const uint8_t *)"\x60\x01", 2);
	isup_msg_set(&m, ISUP_PAR_CPC, (const uint8_t *)"\x0a", 1);
	isup_msg_set(&m, ISUP_PAR_TMR, (const uint8_t *)"\x00", 1);
	OSMO_STRLCPY_ARRAY(n.digits, called);
	isup_msg_set_number(&m, ISUP_PAR_CALLED, &n);
	if (calling)
		num(&m, ISUP_PAR_CALLING, calling, ISUP_NAI_NATIONAL);
	if (extras) {
		/* numbers that must not pass, an unknown parameter that must, a hop counter */
		num(&m, ISUP_PAR_ORIG_CALLED, "13811111111", ISUP_NAI_NATIONAL);
		num(&m, ISUP_PAR_REDIRECTING, "13822222222", ISUP_NAI_NATIONAL);
		num(&m, ISUP_PAR_GENERIC_NUM, calling, ISUP_NAI_NATIONAL);
		num(&m, ISUP_PAR_LOCATION_NUM, "1380013", ISUP_NAI_NATIONAL);
		isup_msg_set(&m, 0xfe, (const uint8_t *)"\xaa\xbb\xcc", 3);
		isup_msg_set(&m, ISUP_PAR_HOP_COUNTER, (const uint8_t *)"\x10", 1);
	}
	rx_msg(opc, &m, NULL);
}

static void iam(uint32_t opc, uint16_t cic, const char *called, const char *calling)
{
	iam_full(opc, cic, called, false, calling, false);
}

static void sam(uint32_t opc, uint16_t cic, const char *digits, bool st)
{
	struct isup_msg m;
	struct isup_number n = { .st = st };

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_SAM, cic);
	OSMO_STRLCPY_ARRAY(n.digits, digits);
	isup_msg_set_number(&m, ISUP_PAR_SUBSEQ_NUM, &n);
	rx_msg(opc, &m, NULL);
}

static void simple(uint32_t opc, uint16_t cic, uint8_t type)
{
	struct isup_msg m;

	isup_msg_init(&m, ISUP_VARIANT_ITU, type, cic);
	rx_msg(opc, &m, NULL);
}

static void acm(uint32_t opc, uint16_t cic)
{
	struct isup_msg m;

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_ACM, cic);
	isup_msg_set(&m, ISUP_PAR_BCI, (const uint8_t *)"\x16\x14", 2);
	rx_msg(opc, &m, NULL);
}

static void cpg_redir(uint32_t opc, uint16_t cic)
{
	struct isup_msg m;

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_CPG, cic);
	isup_msg_set(&m, ISUP_PAR_EVENT_INFO, (const uint8_t *)"\x01", 1);
	num(&m, ISUP_PAR_REDIRECTION_NUM, "13933333333", ISUP_NAI_NATIONAL);
	num(&m, ISUP_PAR_GENERIC_NUM, "13912345678", ISUP_NAI_NATIONAL);
	/* no backward message has a calling number; one that does must not carry it on */
	num(&m, ISUP_PAR_CALLING, "13912345678", ISUP_NAI_NATIONAL);
	rx_msg(opc, &m, NULL);
}

/* INR asking for the calling party number; the answer INF carries the real number */
static void inr_inf(uint32_t inr_from, uint16_t inr_cic, uint32_t inf_from, uint16_t inf_cic, const char *calling)
{
	struct isup_msg m;

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_INR, inr_cic);
	isup_msg_set(&m, ISUP_PAR_INR_IND, (const uint8_t *)"\x01\x00", 2);
	rx_msg(inr_from, &m, NULL);
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_INF, inf_cic);
	isup_msg_set(&m, ISUP_PAR_INF_IND, (const uint8_t *)"\x03\x00", 2);
	num(&m, ISUP_PAR_CALLING, calling, ISUP_NAI_NATIONAL);
	num(&m, ISUP_PAR_GENERIC_NUM, calling, ISUP_NAI_NATIONAL);
	rx_msg(inf_from, &m, NULL);
}

static void anm(uint32_t opc, uint16_t cic, const char *connected)
{
	struct isup_msg m;

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_ANM, cic);
	if (connected)
		num(&m, ISUP_PAR_CONNECTED, connected, ISUP_NAI_NATIONAL);
	rx_msg(opc, &m, NULL);
}

static void rel(uint32_t opc, uint16_t cic, uint8_t cause, const char *redirection)
{
	struct isup_msg m;
	uint8_t v[2];

	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_REL, cic);
	isup_cause_encode(v, 0, cause);
	isup_msg_set(&m, ISUP_PAR_CAUSE, v, 2);
	if (redirection)
		num(&m, ISUP_PAR_REDIRECTION_NUM, redirection, ISUP_NAI_NATIONAL);
	rx_msg(opc, &m, NULL);
}

static void range_msg(uint32_t opc, uint8_t type, uint16_t cic, uint8_t range, bool with_status, uint8_t status,
		      int cgsmt)
{
	struct isup_msg m;
	struct isup_range_status rs = { .range = range, .has_status = with_status, .status = { status } };
	uint8_t v[40], t = cgsmt;
	int len;

	isup_msg_init(&m, ISUP_VARIANT_ITU, type, cic);
	if (cgsmt >= 0)
		isup_msg_set(&m, ISUP_PAR_CGSMT, &t, 1);
	len = isup_range_status_encode(v, sizeof(v), &rs);
	isup_msg_set(&m, ISUP_PAR_RANGE_STATUS, v, len);
	rx_msg(opc, &m, NULL);
}

static void advance(int secs)
{
	if (!quiet)
		printf(" ... %d s later\n", secs);
	osmo_gettimeofday_override_add(secs, 0);
	osmo_clock_override_add(CLOCK_MONOTONIC, secs, 0);
	osmo_timers_prepare();
	osmo_timers_update();
}

/* --- store --- */

static void setup_store(void)
{
	struct np700_store_cfg cfg = { .path = dir, .map_size = 16 << 20, .max_pairs_per_x = 100,
				       .plan = &np700_numplan_default };
	struct np700_customer c = { .id = 1, .name = "customer1" };
	struct np700_pool p = { .customer_id = 1, .first = "700123456780000", .last = "700123456789999" };
	struct np700_binding b1 = { .customer_id = 1, .order_id = "order-1", .mode = NP700_MODE_AXB, .x = X1,
				    .a = "8613800138000", .b = "8613912345678", .created = NOW - 100,
				    .expires = NOW + 86400, .services = NP700_SVC_VOICE };
	struct np700_binding b2 = { .customer_id = 1, .order_id = "order-2", .mode = NP700_MODE_AXB, .x = X2,
				    .a = "8613912345678", .b = "8613712345678", .created = NOW - 100,
				    .expires = NOW + 86400, .services = NP700_SVC_VOICE, .max_duration_s = 60 };
	int rc;

	rc = np700_store_open(ctx, &cfg, &st);
	if (!rc)
		rc = np700_store_customer_put(st, &c);
	if (!rc)
		rc = np700_store_pool_add(st, &p);
	if (!rc)
		rc = np700_store_binding_create(st, NULL, &b1);
	if (!rc)
		rc = np700_store_binding_create(st, NULL, &b2);
	if (rc) {
		printf("store setup failed: %d %s\n", rc, st ? np700_store_last_error(st) : "");
		exit(1);
	}
}

static void setup_relay(void)
{
	g.ctx = ctx;
	g.plan = np700_numplan_default;
	g.store = st;
	r = isup_relay_alloc(ctx, &g, fake_tx, NULL);
	isup_relay_set_own_pc(r, PC_NP);
	isup_relay_set_cdr_cb(r, print_cdr, NULL);
	OSMO_ASSERT(isup_cgroup_alloc(r, "msc-a", PC_A, 1, 31));
	OSMO_ASSERT(isup_cgroup_alloc(r, "msc-b", PC_B, 1, 31));
	OSMO_ASSERT(isup_cgroup_alloc(r, "msc-c", PC_C, 2, 4));
	OSMO_ASSERT(isup_route_add(r, "86138", "msc-a", ISUP_FMT_NATIONAL) == 0);
	OSMO_ASSERT(isup_route_add(r, "139", "msc-b", ISUP_FMT_NATIONAL) == 0);
	OSMO_ASSERT(isup_route_add(r, "86137", "msc-c", ISUP_FMT_INTERNATIONAL) == 0);
	/* configured causes: relay-wide and one per group */
	isup_relay_set_reject_cause(r, NP700_REJ_CALLER_NOT_ALLOWED, 55);
	isup_relay_set_reject_cause(r, NP700_REJ_NO_BINDING, 55);
	isup_cgroup_set_reject_cause(isup_cgroup_find(r, "msc-b"), NP700_REJ_NO_BINDING, 57);
	isup_cgroup_set_reject_cause(isup_cgroup_find(r, "msc-b"), NP700_REJ_CALLER_NOT_ALLOWED, 57);
	printf("circuit groups msc-a (PC %s, CIC 1-31), msc-b (PC %s, CIC 1-31), msc-c (PC %s, CIC 2-4)\n", pcs(PC_A),
	       pcs(PC_B), pcs(PC_C));
}

/* --- scenarios --- */

static void test_axb_a_to_b(void)
{
	uint16_t out;

	printf("\n== AXB: A calls X, reaches B; ACM, CPG, INR/INF, ANM with connected number; A releases\n");
	iam_full(PC_A, 5, X1, false, "13800138000", true);
	out = last_cic;
	acm(PC_B, out);
	cpg_redir(PC_B, out);
	inr_inf(PC_B, out, PC_A, 5, "13800138000");
	anm(PC_B, out, "13912345678");
	rx_unknown(PC_B, out, 0x00);
	rx_unknown(PC_A, 5, 0x0d);
	show();
	advance(30);
	rel(PC_A, 5, 16, NULL);
	simple(PC_B, out, ISUP_MSGT_RLC);
	show();
}

static void test_axb_b_to_a(void)
{
	uint16_t out;

	printf("\n== AXB: B calls X, reaches A; B's side answers, the callee releases with a redirection number\n");
	iam(PC_B, 7, X1, "13912345678");
	out = last_cic;
	acm(PC_A, out);
	anm(PC_A, out, "13800138000");
	rel(PC_A, out, 16, "13899999999");
	simple(PC_B, 7, ISUP_MSGT_RLC);
	show();
}

static void test_reject(void)
{
	printf("\n== rejection: C is no party of X's binding (cause configured per reason, per group)\n");
	iam(PC_A, 6, X1, "13700000000");
	simple(PC_A, 6, ISUP_MSGT_RLC);
	iam(PC_B, 6, X1, "13700000000");
	simple(PC_B, 6, ISUP_MSGT_RLC);

	printf("\n== not a protected number; protected range, wrong length (ST)\n");
	iam(PC_A, 6, "13800000000", "13800138000");
	simple(PC_A, 6, ISUP_MSGT_RLC);
	iam_full(PC_A, 6, "7001234567890", true, "13800138000", false);
	simple(PC_A, 6, ISUP_MSGT_RLC);

	printf("\n== no calling party number: the decision refuses an unknown caller\n");
	iam(PC_A, 6, X1, NULL);
	simple(PC_A, 6, ISUP_MSGT_RLC);
	show();
}

static void test_overlap(void)
{
	uint16_t out;

	printf("\n== overlap: IAM 7001234, SAM 56789, SAM 012 completes X\n");
	iam(PC_A, 8, "7001234", "13800138000");
	sam(PC_A, 8, "56789", false);
	show();
	sam(PC_A, 8, "012", false);
	out = last_cic;
	sam(PC_A, 8, "9", false);
	printf(" (the SAM after completion is not passed on)\n");
	rel(PC_B, out, 17, NULL);
	simple(PC_A, 8, ISUP_MSGT_RLC);

	printf("\n== overlap timeout (T35)\n");
	iam(PC_A, 9, "700", "13800138000");
	advance(16);
	simple(PC_A, 9, ISUP_MSGT_RLC);

	printf("\n== overlap: a number that can never be protected\n");
	iam(PC_A, 9, "13800", "13800138000");
	simple(PC_A, 9, ISUP_MSGT_RLC);
	show();
}

static void test_malformed(void)
{
	printf("\n== malformed IAM: released with cause per Q.764, never passed on\n");
	/* pointer to the called party number points past the end */
	rx_hex(PC_A, "IAM with a bad pointer", "0a00" "01" "00" "6001" "0a" "00" "40" "00" "05" "0310214365");
	simple(PC_A, 10, ISUP_MSGT_RLC);
	rx_hex(PC_A, "IAM truncated in the fixed part", "0a00" "01" "00" "60");
	simple(PC_A, 10, ISUP_MSGT_RLC);
	rx_hex(PC_A, "too short for a CIC", "0a");
	rx_hex(PC_A, "ACM missing end of optional parameters on an idle circuit", "0a00" "06" "1614" "01" "290101");
	rx_hex(PC_A, "IAM for a CIC of no circuit group", "e803" "01" "00" "6001" "0a" "00" "02" "00" "05" "0310214365");
	show();
}

static void test_supervision(void)
{
	uint16_t out;

	printf("\n== RSC from the callee's side during a call\n");
	iam(PC_A, 11, X1, "13800138000");
	out = last_cic;
	acm(PC_B, out);
	simple(PC_B, out, ISUP_MSGT_RSC);
	simple(PC_A, 11, ISUP_MSGT_RLC);

	printf("\n== GRS from the caller's side covering a call's circuit\n");
	iam(PC_A, 12, X1, "13800138000");
	out = last_cic;
	anm(PC_B, out, NULL);
	range_msg(PC_A, ISUP_MSGT_GRS, 10, 7, false, 0, -1);
	simple(PC_B, out, ISUP_MSGT_RLC);
	show();

	printf("\n== BLO / UBL; a blocked circuit is not seized; CQM reports the states\n");
	simple(PC_B, 15, ISUP_MSGT_BLO);
	iam(PC_A, 15, X1, "13800138000");
	show();
	range_msg(PC_B, ISUP_MSGT_CQM, 14, 3, false, 0, -1);
	range_msg(PC_B, ISUP_MSGT_CQM, 30, 3, false, 0, -1);
	printf("-- np700's IAM awaiting its first backward message: transient (00)\n");
	range_msg(PC_B, ISUP_MSGT_CQM, sent_cic(PC_B, ISUP_MSGT_IAM), 0, false, 0, -1);
	rel(PC_A, 15, 16, NULL);
	simple(PC_B, sent_cic(PC_B, ISUP_MSGT_REL), ISUP_MSGT_RLC);
	simple(PC_B, 15, ISUP_MSGT_UBL);

	printf("\n== CGB (hardware failure) releases an alerting call on the group; CGU\n");
	iam(PC_A, 13, X1, "13800138000");
	out = last_cic;
	acm(PC_B, out);
	range_msg(PC_B, ISUP_MSGT_CGB, out, 7, true, 0x01, 1);
	simple(PC_A, 13, ISUP_MSGT_RLC);
	show();
	printf("-- CQM: hardware blocked remotely (FE 10), idle; the next circuit idle\n");
	range_msg(PC_B, ISUP_MSGT_CQM, out, 1, false, 0, -1);
	printf("-- UBL and a CGU for maintenance leave the hardware blocking; the CGU for hardware failure"
	       " ends it\n");
	simple(PC_B, out, ISUP_MSGT_UBL);
	range_msg(PC_B, ISUP_MSGT_CGU, out, 7, true, 0x01, 0);
	show();
	range_msg(PC_B, ISUP_MSGT_CGU, out, 7, true, 0x01, 1);
	show();

	printf("\n== REL on an idle circuit is confirmed; RLC on an idle circuit is ignored\n");
	rel(PC_B, 20, 16, NULL);
	simple(PC_B, 20, ISUP_MSGT_RLC);

	printf("\n== no RLC: T1 repeats REL, T5 resets the circuit\n");
	iam(PC_A, 14, X1, "13800138000");
	out = last_cic;
	rel(PC_A, 14, 16, NULL);
	advance(16);
	advance(300);
	show();
	printf("-- no RLC for the RSC either: T16 repeats it; the circuit is not used until the RLC\n");
	advance(15);
	simple(PC_B, out, ISUP_MSGT_RLC);
	show();
}

static void test_dual_seizure(void)
{
	uint16_t out, other;

	printf("\n== dual seizure on a circuit np700 controls (1.1.1 > MSC-B's 1.0.1, even CIC): far IAM ignored\n");
	iam(PC_A, 16, X1, "13800138000");
	out = last_cic;
	printf(" (np700 seized CIC %u towards MSC-B: %s)\n", out, out % 2 ? "odd" : "even");
	iam(PC_B, out, X1, "13912345678");
	acm(PC_B, out);
	rel(PC_A, 16, 16, NULL);
	simple(PC_B, out, ISUP_MSGT_RLC);

	printf("\n== dual seizure lost (MSC-C's 1.2.0 is higher, even CIC): np700 re-attempts on another circuit\n");
	simple(PC_C, 3, ISUP_MSGT_BLO);	/* leaves the even CICs 2 and 4, both controlled by MSC-C */
	iam(PC_B, 17, X2, "13912345678");
	out = last_cic;
	iam(PC_C, out, X2, "13712345678");
	show();
	printf("\n== the re-attempted call is answered; the binding's maximum duration (60 s) releases it\n");
	out = sent_cic(PC_C, ISUP_MSGT_IAM);
	other = sent_cic(PC_B, ISUP_MSGT_IAM);
	anm(PC_C, out, "13712345678");
	acm(PC_B, other);
	advance(61);
	simple(PC_B, 17, ISUP_MSGT_RLC);
	simple(PC_C, out, ISUP_MSGT_RLC);
	printf("\n== the call MSC-C won (alerting) is released by its caller\n");
	rel(PC_C, 4, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	simple(PC_C, 3, ISUP_MSGT_UBL);
	show();
}

static void test_blocked_attempt(void)
{
	uint16_t out, other;

	printf("\n== BLO on the circuit of np700's IAM before any backward message: the attempt is released"
	       " (REL), the call tried on another circuit (Q.764 2.8.2.1)\n");
	iam(PC_A, 21, X1, "13800138000");
	out = last_cic;
	simple(PC_B, out, ISUP_MSGT_BLO);
	other = sent_cic(PC_B, ISUP_MSGT_IAM);
	printf(" (the repeat attempt is on another circuit: %s)\n", other != out ? "yes" : "no");
	show();
	printf("-- no RLC for that REL: T1 repeats it; the RLC ends it\n");
	advance(16);
	simple(PC_B, out, ISUP_MSGT_RLC);
	printf("-- the call goes on on the new circuit\n");
	acm(PC_B, other);
	anm(PC_B, other, NULL);
	rel(PC_A, 21, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	show();
	printf("-- a BLO after the ACM: the call goes on, the circuit takes no new calls\n");
	iam(PC_A, 22, X1, "13800138000");
	other = last_cic;
	acm(PC_B, other);
	simple(PC_B, other, ISUP_MSGT_BLO);
	rel(PC_A, 22, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	simple(PC_B, out, ISUP_MSGT_UBL);
	simple(PC_B, other, ISUP_MSGT_UBL);
	printf("-- no RLC at all for a released attempt: after T5 the circuit is reset\n");
	iam(PC_A, 23, X1, "13800138000");
	out = last_cic;
	simple(PC_B, out, ISUP_MSGT_BLO);
	other = sent_cic(PC_B, ISUP_MSGT_IAM);
	rel(PC_A, 23, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	quiet = true;
	memset(tx_count, 0, sizeof(tx_count));
	advance(15);
	advance(15);
	printf("   REL repeated %u times in 30 s\n", tx_count[ISUP_MSGT_REL]);
	advance(300);
	printf("   after T5: %u RSC\n", tx_count[ISUP_MSGT_RSC]);
	quiet = false;
	simple(PC_B, out, ISUP_MSGT_RLC);
	simple(PC_B, out, ISUP_MSGT_UBL);
	printf("-- the far end resets the circuit of a released attempt: RLC, and the REL is not repeated\n");
	iam(PC_A, 25, X1, "13800138000");
	out = last_cic;
	simple(PC_B, out, ISUP_MSGT_BLO);
	other = sent_cic(PC_B, ISUP_MSGT_IAM);
	simple(PC_B, out, ISUP_MSGT_RSC);
	rel(PC_A, 25, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	quiet = true;
	memset(tx_count, 0, sizeof(tx_count));
	advance(20);
	quiet = false;
	printf("   REL repeated %u times in 20 s\n", tx_count[ISUP_MSGT_REL]);
	show();
}

/* A calls X on CIC \a cic, B's side sends ACM; returns the CIC towards B */
static uint16_t alerting_call(uint16_t cic)
{
	uint16_t out;

	iam(PC_A, cic, X1, "13800138000");
	out = last_cic;
	acm(PC_B, out);
	return out;
}

/* A calls X; before any backward message MSC-B sends the group message \a type (GRS: \a cgsmt < 0,
 * no status; CGB: type indicator \a cgsmt, the first circuit marked) from the circuit of np700's
 * IAM (returned in \a out) over \a range + 1 circuits; returns the CIC of the repeated IAM */
static uint16_t group_msg_on_attempt(uint8_t type, uint8_t range, int cgsmt, uint16_t *out)
{
	uint16_t other;

	iam(PC_A, 26, X1, "13800138000");
	*out = last_cic;
	range_msg(PC_B, type, *out, range, cgsmt >= 0, 0x01, cgsmt);
	other = sent_cic(PC_B, ISUP_MSGT_IAM);
	printf(" (the repeat attempt is on another circuit: %s)\n", other != *out ? "yes" : "no");
	return other;
}

/* What a real exchange may send around a call (Q.764): a reset or UCIC answering np700's IAM, an
 * RLC without REL, UPT, CFN and USR/PAM on a call, a hop counter at its end. */
static void test_peer_procedures(void)
{
	uint16_t out, other;
	struct isup_msg m;

	printf("\n== RSC on the circuit of np700's IAM before any backward message: RLC, then the IAM"
	       " is repeated (Q.764 2.9.3.1)\n");
	iam(PC_A, 26, X1, "13800138000");
	out = last_cic;
	simple(PC_B, out, ISUP_MSGT_RSC);
	other = last_cic;
	acm(PC_B, other);
	anm(PC_B, other, NULL);
	rel(PC_A, 26, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);

	printf("\n== UCIC answering np700's IAM: the circuit is not used again, the IAM is repeated\n");
	iam(PC_A, 26, X1, "13800138000");
	out = last_cic;
	simple(PC_B, out, ISUP_MSGT_UCIC);
	other = last_cic;
	printf(" (the repeat attempt is on another circuit: %s)\n", other != out ? "yes" : "no");
	rel(PC_A, 26, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	show();

	printf("\n== GRS covering the circuit of np700's IAM before any backward message: GRA, then the IAM"
	       " is repeated (Q.764 2.9.3.2)\n");
	other = group_msg_on_attempt(ISUP_MSGT_GRS, 2, -1, &out);
	rel(PC_A, 26, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);

	printf("\n== CGB for hardware failure on the circuit of np700's IAM before any backward message: CGBA,"
	       " the IAM is repeated on another circuit (Q.764 2.8.2)\n");
	other = group_msg_on_attempt(ISUP_MSGT_CGB, 1, 1, &out);
	rel(PC_A, 26, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	range_msg(PC_B, ISUP_MSGT_CGU, out, 1, true, 0x01, 1);

	printf("\n== CGB for maintenance on the circuit of np700's IAM before any backward message: CGBA, REL"
	       " on that circuit, the IAM is repeated on another (Q.764 2.8.2.1)\n");
	other = group_msg_on_attempt(ISUP_MSGT_CGB, 1, 0, &out);
	simple(PC_B, out, ISUP_MSGT_RLC);
	acm(PC_B, other);
	rel(PC_A, 26, 16, NULL);
	simple(PC_B, other, ISUP_MSGT_RLC);
	range_msg(PC_B, ISUP_MSGT_CGU, out, 1, true, 0x01, 0);
	show();

	printf("\n== RLC from B on an answered call np700 did not release: A gets REL 31, the record"
	       " ends (Q.764 2.9.5.1)\n");
	out = alerting_call(27);
	anm(PC_B, out, NULL);
	simple(PC_B, out, ISUP_MSGT_RLC);
	simple(PC_A, 27, ISUP_MSGT_RLC);
	show();

	printf("\n== on a call: CFN from B (link by link), USR and PAM (may carry a real number) are not"
	       " passed on\n");
	out = alerting_call(27);
	{
		char hex[64];

		/* CFN: cause indicators (location user, cause 97), no optional part */
		snprintf(hex, sizeof(hex), "%02x%02x" "2f" "02" "00" "02" "80e1", out & 0xff, out >> 8);
		rx_hex(PC_B, "CFN", hex);
		/* USR: user-to-user information, a protocol discriminator and "13912345678" in IA5 */
		snprintf(hex, sizeof(hex), "%02x%02x" "2d" "02" "00" "0c" "04" "3133393132333435363738", out & 0xff,
			 out >> 8);
		rx_hex(PC_B, "USR", hex);
		/* PAM carrying an INF (its type, information indicators, no optional part) */
		snprintf(hex, sizeof(hex), "%02x%02x" "28" "04" "0000" "00", out & 0xff, out >> 8);
		rx_hex(PC_B, "PAM", hex);
	}
	rel(PC_A, 27, 16, NULL);
	simple(PC_B, out, ISUP_MSGT_RLC);

	printf("\n== UPT: answered with UPA\n");
	simple(PC_B, 9, ISUP_MSGT_UPT);

	printf("\n== IAM with hop counter 1: it would leave with 0, so REL 25 instead\n");
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_IAM, 28);
	isup_msg_set(&m, ISUP_PAR_NCI, (const uint8_t *)"\x00", 1);
	isup_msg_set(&m, ISUP_PAR_FCI, (const uint8_t *)"\x60\x01", 2);
	isup_msg_set(&m, ISUP_PAR_CPC, (const uint8_t *)"\x0a", 1);
	isup_msg_set(&m, ISUP_PAR_TMR, (const uint8_t *)"\x00", 1);
	num(&m, ISUP_PAR_CALLED, X1, ISUP_NAI_NATIONAL);
	num(&m, ISUP_PAR_CALLING, "13800138000", ISUP_NAI_NATIONAL);
	isup_msg_set(&m, ISUP_PAR_HOP_COUNTER, (const uint8_t *)"\x01", 1);
	rx_msg(PC_A, &m, NULL);
	simple(PC_A, 28, ISUP_MSGT_RLC);
	show();
}

static void test_timers(void)
{
	printf("\n== T7: no ACM\n");
	iam(PC_A, 18, X1, "13800138000");
	advance(21);
	simple(PC_A, 18, ISUP_MSGT_RLC);
	simple(PC_B, last_cic, ISUP_MSGT_RLC);

	printf("\n== T9: ACM but no answer\n");
	iam(PC_A, 19, X1, "13800138000");
	acm(PC_B, last_cic);
	advance(91);
	simple(PC_A, 19, ISUP_MSGT_RLC);
	simple(PC_B, sent_cic(PC_B, ISUP_MSGT_REL), ISUP_MSGT_RLC);
	show();
}

/* The relay again, in the China variant (24-bit point codes): same store, same binding X1. It
 * replaces the ITU relay (freed here; main() frees this one), as one process runs one variant. */
/* issue 6: admission limits, signalling link loss and the circuit reset after it */
static void test_guard(void)
{
	uint16_t out;

	printf("\n== guard: at most 1 admitted call and 2 IAMs a second; the excess is shed with cause 42\n");
	isup_relay_set_admission(r, 1, 2, 0);
	iam(PC_A, 20, X1, "13800138000");
	out = last_cic;
	iam(PC_A, 21, X1, "13800138000");
	simple(PC_A, 21, ISUP_MSGT_RLC);
	rel(PC_A, 20, 16, NULL);
	simple(PC_B, out, ISUP_MSGT_RLC);
	printf("-- the rate: the second IAM of this second is admitted, the third is shed\n");
	iam(PC_A, 22, X1, "13800138000");
	out = last_cic;
	rel(PC_A, 22, 16, NULL);
	simple(PC_B, out, ISUP_MSGT_RLC);
	iam(PC_A, 23, X1, "13800138000");
	simple(PC_A, 23, ISUP_MSGT_RLC);
	advance(1);
	printf("-- a new second: admitted again\n");
	iam(PC_A, 24, X1, "13800138000");
	anm(PC_B, last_cic, NULL);
	show();
	isup_relay_set_admission(r, 0, 0, 0);

	printf("\n== guard: the signalling link goes down with a call up: released locally, nothing sent\n");
	isup_relay_link_state(r, false);
	show();
	printf("-- the link is back: every circuit group is reset with GRS (at most 32 circuits each)\n");
	isup_relay_link_state(r, true);
	printf("-- msc-a acknowledges; T22 repeats towards the others; then they acknowledge too\n");
	range_msg(PC_A, ISUP_MSGT_GRA, 1, 30, true, 0, -1);
	advance(15);
	range_msg(PC_B, ISUP_MSGT_GRA, 1, 30, true, 0, -1);
	range_msg(PC_C, ISUP_MSGT_GRA, 2, 2, true, 0x04, -1);
	printf("resets pending: %u\n", isup_relay_resets_pending(r));
	show();
	advance(15);
}

/* circuit maintenance np700 originates: blocking from the VTY, resets, their supervision */
static void test_maintenance(void)
{
	unsigned int i;

	printf("\n== maintenance: the operator blocks msc-b CIC 1; BLO until BLA (T12, then T13)\n");
	printf("block unknown group: %d, CIC outside the group: %d\n", isup_relay_circuit_block(r, "nope", 1, true),
	       isup_relay_circuit_block(r, "msc-b", 40, true));
	OSMO_ASSERT(isup_relay_circuit_block(r, "msc-b", 1, true) == 0);
	advance(15);
	printf("-- a BLA np700 did not ask for, on a circuit it has not blocked: UBL (Q.764 2.9.2.3 iv)\n");
	simple(PC_B, 2, ISUP_MSGT_BLA);
	simple(PC_B, 2, ISUP_MSGT_UBA);
	simple(PC_B, 1, ISUP_MSGT_BLA);
	printf("-- a second BLA on the blocked circuit is discarded\n");
	simple(PC_B, 1, ISUP_MSGT_BLA);
	printf("-- a UBA np700 did not ask for, on the blocked circuit: BLO again (Q.764 2.9.2.3 v)\n");
	simple(PC_B, 1, ISUP_MSGT_UBA);
	simple(PC_B, 1, ISUP_MSGT_BLA);
	advance(15);
	show();
	printf("-- a blocked circuit is not seized for new calls: 30 calls take the other 30 circuits\n");
	quiet = true;
	memset(tx_count, 0, sizeof(tx_count));
	cic1_seized = false;
	for (i = 0; i < 30; i++)
		iam(PC_A, 1 + i, X1, "13800138000");
	printf("   %u IAMs sent on, CIC 1 seized: %s\n", tx_count[ISUP_MSGT_IAM], cic1_seized ? "yes" : "no");
	quiet = false;
	printf("-- the 31st finds no circuit\n");
	iam(PC_A, 31, X1, "13800138000");
	simple(PC_A, 31, ISUP_MSGT_RLC);
	quiet = true;
	for (i = 0; i < 30; i++)
		rel(PC_A, 1 + i, 16, NULL);
	for (i = 2; i <= 31; i++)
		simple(PC_B, i, ISUP_MSGT_RLC);
	quiet = false;
	show();
	printf("-- the switch resets the blocked circuit: RLC, and np700 blocks it again\n");
	simple(PC_B, 1, ISUP_MSGT_RSC);
	simple(PC_B, 1, ISUP_MSGT_BLA);
	printf("-- BLA never comes: T12 repeats for 300 s (T13), then every T13\n");
	OSMO_ASSERT(isup_relay_circuit_block(r, "msc-b", 1, true) == 0);
	quiet = true;
	memset(tx_count, 0, sizeof(tx_count));
	for (i = 0; i < 20; i++)
		advance(15);
	printf("   in 300 s: %u BLO\n", tx_count[ISUP_MSGT_BLO]);
	memset(tx_count, 0, sizeof(tx_count));
	for (i = 0; i < 40; i++)
		advance(15);
	printf("   in the next 600 s: %u BLO\n", tx_count[ISUP_MSGT_BLO]);
	quiet = false;
	printf("-- unblocking replaces the pending blocking: UBL until UBA\n");
	OSMO_ASSERT(isup_relay_circuit_block(r, "msc-b", 1, false) == 0);
	simple(PC_B, 1, ISUP_MSGT_BLA);
	simple(PC_B, 1, ISUP_MSGT_UBA);
	advance(15);
	show();
	printf("-- the operator resets msc-c CIC 3: RSC until RLC\n");
	OSMO_ASSERT(isup_relay_circuit_reset(r, "msc-c", 3) == 0);
	show();
	advance(15);
	simple(PC_C, 3, ISUP_MSGT_RLC);
	printf("resets pending: %u\n", isup_relay_resets_pending(r));
}

static void test_china(void)
{
	uint16_t out;

	printf("\n== China variant, 24-bit point codes: A calls X, reaches B; B answers and releases\n");
	talloc_free(r);
	r = isup_relay_alloc(ctx, &g, fake_tx, NULL);
	OSMO_ASSERT(r);
	isup_relay_set_variant(r, ISUP_VARIANT_CHINA);
	isup_relay_set_own_pc(r, CN_NP);
	isup_relay_set_cdr_cb(r, print_cdr, NULL);
	OSMO_ASSERT(isup_cgroup_alloc(r, "cn-a", CN_A, 1, 31));
	OSMO_ASSERT(isup_cgroup_alloc(r, "cn-b", CN_B, 1, 31));
	OSMO_ASSERT(isup_route_add(r, "86138", "cn-a", ISUP_FMT_NATIONAL) == 0);
	OSMO_ASSERT(isup_route_add(r, "86139", "cn-b", ISUP_FMT_NATIONAL) == 0);
	iam(CN_A, 9, X1, "13800138000");
	out = last_cic;
	acm(CN_B, out);
	anm(CN_B, out, "13912345678");
	show();
	rel(CN_B, out, 16, NULL);
	simple(CN_A, 9, ISUP_MSGT_RLC);
	show();
}

/* An ended call's object goes back to the relay's pool and serves the next call
 * (isup_call_pool.c): whatever a call allocates on it must be reused too, not pile up. Runs
 * on the China-variant relay that test_china() leaves. */
static void test_reuse(void)
{
	unsigned int anm0 = tx_count[ISUP_MSGT_ANM];
	size_t blocks[2];
	uint16_t out;
	int round, i;

	printf("\n== call objects reused: 2 rounds of 20 answered calls, released by A or by B\n");
	quiet = true;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 20; i++) {
			iam(CN_A, 5, X1, "13800138000");
			out = last_cic;
			acm(CN_B, out);
			anm(CN_B, out, "13912345678");
			if (i % 2) {
				rel(CN_A, 5, 16, NULL);
				simple(CN_B, out, ISUP_MSGT_RLC);
			} else {
				rel(CN_B, out, 16, NULL);
				simple(CN_A, 5, ISUP_MSGT_RLC);
			}
		}
		blocks[round] = talloc_total_blocks(r);
	}
	quiet = false;
	printf("  ANM relayed to A %u, calls in progress %u; relay memory blocks after round 2 %s after round 1\n",
	       tx_count[ISUP_MSGT_ANM] - anm0, isup_relay_num_calls(r), blocks[1] == blocks[0] ? "==" : "!=");
}

static void print_counters(void)
{
	unsigned int i;

	printf("\n== counters\n");
	for (i = 0; i < r->ctrs->desc->num_ctr; i++) {
		const struct rate_ctr *c = rate_ctr_group_get_ctr(r->ctrs, i);

		if (c->current)
			printf(" %s %" PRIu64 "\n", r->ctrs->desc->ctr_desc[i].name, c->current);
	}
}

int main(int argc, char **argv)
{
	char cmd[128];

	setenv("TZ", "UTC0", 1);
	tzset();
	ctx = talloc_named_const(NULL, 0, "isup_relay_test");
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_timestamp(osmo_stderr_target, 0);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, LOGL_DEBUG);

	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = NOW };
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);

	snprintf(dir, sizeof(dir), "/tmp/np700_isup_relay_test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setup_store();
	setup_relay();

	test_axb_a_to_b();
	test_axb_b_to_a();
	test_reject();
	test_overlap();
	test_malformed();
	test_supervision();
	test_dual_seizure();
	test_timers();
	test_blocked_attempt();
	test_peer_procedures();
	print_counters();
	test_guard();
	test_maintenance();
	test_china();
	test_reuse();

	talloc_free(r);
	np700_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
