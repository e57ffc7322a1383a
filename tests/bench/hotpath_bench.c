/* The translation hot path in process (issue 5 item 2): instructions and wall-clock per message
 * against a store filled by np700_gen (tests/bench/gen_shape.h shapes, any size).
 *   hotpath_bench iam DIR M [SEED]  M ISUP IAMs through the relay (decode -> decision -> rewrite ->
 *                                   encode, call FSM and circuit seizure included); each call is then
 *                                   released (REL/RLC, not measured)
 *   hotpath_bench mt DIR M [SEED]   M MT-ForwardSMs through the codec path of the SMS router: SCCP
 *                                   UDT parse, tcap_decode, map_check_invoke, map_dec_fwd_sm,
 *                                   sms_tpdu_decode, sender normalisation, np700_decide,
 *                                   np700_decision_note_call, sms_tpdu_rewrite_addr_buf,
 *                                   map_fwd_sm_rewrite, tcap_enc_begin_invoke, SCCP UDT encode (the
 *                                   correlation IMSI -> X look-up of sms_corr.c is not included: X is
 *                                   given, as the router has it after that hash look-up)
 * Each message picks a random binding of the store (by its generator index; bindings that expire
 * within a minute are skipped) and a caller the binding allows (A; for AX another number), so every
 * decision is "allowed". NP700_GEN_T0 must be the value np700_gen ran with (expiries); for a fill
 * stopped early, or a store with bindings written after the fill, NP700_GEN_TOTAL the TOTAL it ran
 * with (the shape of the mix; the messages pick among the first TOTAL).
 * The measured units are bench_iam() and bench_mt(): run under
 *   valgrind --tool=callgrind --toggle-collect=bench_iam (or bench_mt)
 * and divide the collected instructions by M. Prints one line:
 *   <mode> bindings=N msgs=M allowed=K us_per_msg=T
 * Not part of make check (EXTRA_PROGRAMS; built by tests/bench/hotpath.sh). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/decision.h>
#include <np700/isup_relay.h>
#include <np700/logging.h>
#include <np700/map.h>
#include <np700/np700.h>
#include <np700/sccp.h>
#include <np700/sms_tpdu.h>
#include <np700/store.h>
#include <np700/tcap.h>

#include "gen_shape.h"

#define PC_NP	2057
#define PC_A	2058
#define PC_B	2049
#define NP_GT	"8613900000700"
#define SMSC	"8613800100500"
#define MSC_B	"8613900000123"

static void *ctx;
static struct np700 g;
static struct np700_store *st;
static uint64_t total, shape_total, n_ok;
static uint16_t out_cic;
static time_t now;

static double secs(const struct timespec *a, const struct timespec *z)
{
	return (z->tv_sec - a->tv_sec) + (z->tv_nsec - a->tv_nsec) / 1e9;
}

/* a random binding that stays valid for the run, and a caller it allows */
static void pick(struct np700_binding *b, char *caller)
{
	uint64_t k;

	do {
		k = (((uint64_t)random() << 31) ^ (uint64_t)random()) % total;
		make_binding(k, shape_total, b);
	} while (b->expires && b->expires < now + 60);
	if (b->mode == NP700_MODE_AX)
		sprintf(caller, "8618%09" PRIu64, k % 1000000000);
	else
		strcpy(caller, b->a);
}

/* --- ISUP --- */

static int isup_tx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	if (data[2] == ISUP_MSGT_IAM) {
		n_ok++;
		out_cic = data[0] | ((data[1] & 0x0f) << 8);
	}
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
	OSMO_STRLCPY_ARRAY(n.digits, caller + 2);	/* national: without the country code 86 */
	isup_msg_set_number(&m, ISUP_PAR_CALLING, &n);
	OSMO_STRLCPY_ARRAY(n.digits, "13811111111");
	isup_msg_set_number(&m, ISUP_PAR_ORIG_CALLED, &n);
	isup_msg_set(&m, ISUP_PAR_HOP_COUNTER, (const uint8_t *)"\x10", 1);
	return isup_msg_encode(&m, out, 256);
}

__attribute__((noinline)) void bench_iam(struct isup_relay *r, const uint8_t *iam, size_t len)
{
	isup_relay_rx(r, PC_A, PC_NP, 0, iam, len);
}

static double run_iam(unsigned long m)
{
	uint8_t iam[256], rel[] = { 0, 0, 0x0c, 0x02, 0x00, 0x02, 0x80, 0x90 }, rlc[] = { 0, 0, 0x10, 0x00 };
	struct timespec t0, t1;
	struct isup_relay *r;
	double busy = 0;
	unsigned long i;

	r = isup_relay_alloc(ctx, &g, isup_tx, NULL);
	isup_relay_set_own_pc(r, PC_NP);
	isup_cgroup_alloc(r, "a", PC_A, 1, 31);
	isup_cgroup_alloc(r, "b", PC_B, 1, 31);
	isup_route_add(r, "86", "b", ISUP_FMT_NATIONAL);
	for (i = 0; i < m; i++) {
		struct np700_binding b;
		char caller[16];
		size_t len;

		pick(&b, caller);
		len = build_iam(iam, 5, b.x, caller);
		out_cic = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		bench_iam(r, iam, len);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		busy += secs(&t0, &t1);
		/* free both circuits: caller releases, callee confirms */
		isup_cic_put(ISUP_VARIANT_ITU, rel, 5, 0);
		isup_relay_rx(r, PC_A, PC_NP, 0, rel, sizeof(rel));
		if (out_cic) {
			isup_cic_put(ISUP_VARIANT_ITU, rlc, out_cic, 0);
			isup_relay_rx(r, PC_B, PC_NP, 0, rlc, sizeof(rlc));
		}
	}
	talloc_free(r);
	return busy;
}

/* --- MT-ForwardSM --- */

/* an MT-ForwardSM v3 Begin from the SMSC in an SCCP UDT, from \a from, 40 characters of text */
static int build_mt(uint8_t *out, size_t out_size, const char *from)
{
	struct msgb *p = msgb_alloc(512, "p"), *msg = msgb_alloc(512, "m");
	struct sccp_addr cd, cg;
	struct sccp_msg sm;
	struct tcap_tid t;
	struct tcap_oid acn;
	uint8_t ui[80];
	size_t n = 0;
	int len;

	ui[n++] = 0x04;	/* SMS-DELIVER, TP-MMS: no more messages */
	n += sms_addr_encode(ui + n, 20, SMS_TON_INTERNATIONAL, SMS_NPI_ISDN, from);
	ui[n++] = 0;	/* PID */
	ui[n++] = 4;	/* DCS: 8 bit */
	memcpy(ui + n, "\x62\x11\x28\x08\x00\x00\x00", 7);
	n += 7;
	ui[n++] = 40;
	memset(ui + n, 'x', 40);
	n += 40;
	map_enc_fwd_sm(p, "460001234567890", MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, false);
	tcap_tid_set(&t, 0x01020304);
	map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
	tcap_enc_begin_invoke(msg, &t, &acn, 1, MAP_OP_MT_FORWARD_SM, msgb_data(p), msgb_length(p));
	sccp_addr_set_gt(&cd, 0, 4, NP_GT, 8);
	sccp_addr_set_gt(&cg, 0, 4, SMSC, 8);
	sccp_msg_init_unitdata(&sm, &cd, &cg, msgb_data(msg), msgb_length(msg), false);
	len = sccp_msg_encode_buf(out, out_size, &sm, SCCP_VAR_ITU);
	msgb_free(p);
	msgb_free(msg);
	return len;
}

/* the codec path of the router for one MT-ForwardSM, as map_bench.c's pipeline, from the SCCP UDT
 * in to the SCCP UDT out to the MSC; \returns 0 if it was allowed and forwarded */
__attribute__((noinline)) int bench_mt(const uint8_t *data, size_t len, const char *x, uint8_t *out, size_t out_size)
{
	const struct tcap_component *c;
	struct np700_decision d;
	struct map_fwd_sm f;
	struct sms_tpdu tp;
	struct tcap_msg m;
	struct sccp_msg in;
	char sender[24];
	uint8_t ui[SMS_TPDU_MAX_LEN];
	struct msgb *parm, *tcm;
	struct tcap_tid t;
	int ac, version, problem, rc;

	if (sccp_msg_parse(&in, data, len, SCCP_VAR_ITU, NULL) < 0)
		return -1;
	if (tcap_decode(&m, in.data, in.data_len) < 0 || map_acn_parse(&m.dlg.acn, &ac, &version) < 0)
		return -1;
	c = tcap_first_comp(&m, TCAP_COMP_INVOKE);
	if (!c || map_check_invoke(c, ac, version, &problem) < 0 || map_dec_fwd_sm(&f, c->param, c->param_len) < 0 ||
	    sms_tpdu_decode(&tp, f.ui, f.ui_len, false) < 0)
		return -1;
	if (np700_real_normalise(&g.plan, tp.addr.digits, map_nature_from_ton(tp.addr.ton), sender,
				 sizeof(sender)) < 0)
		return -1;
	np700_decide_ex(st, x, sender, NP700_SERVICE_SMS, now, NP700_DECIDE_IS_X, &d);	/* as the router */
	if (d.reject)
		return -1;
	np700_decision_note_call(st, &d, sender, now);
	/* as the router: the new TPDU on the stack, the MAP argument and the TCAP message in msgbs */
	parm = msgb_alloc_c(ctx, 512, "sms");
	tcm = msgb_alloc_c(ctx, 512, "sms");
	rc = sms_tpdu_rewrite_addr_buf(ui, sizeof(ui), f.ui, f.ui_len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN,
				       d.show_callee);
	if (rc >= 0)
		rc = map_fwd_sm_rewrite(parm, c->param, c->param_len, "460002222222222", ui, rc);
	if (rc == 0) {
		struct tcap_oid acn;
		struct sccp_addr cd, cg;
		struct sccp_msg sm;

		tcap_tid_set(&t, 1);
		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		rc = tcap_enc_begin_invoke(tcm, &t, &acn, 1, MAP_OP_MT_FORWARD_SM, msgb_data(parm), msgb_length(parm));
		sccp_addr_set_gt(&cd, 0, 4, MSC_B, 8);
		sccp_addr_set_gt(&cg, 0, 4, NP_GT, 8);
		sccp_msg_init_unitdata(&sm, &cd, &cg, msgb_data(tcm), msgb_length(tcm), true);
		if (rc >= 0 && sccp_msg_encode_buf(out, out_size, &sm, SCCP_VAR_ITU) < 0)
			rc = -1;
	}
	msgb_free(parm);
	msgb_free(tcm);
	return rc < 0 ? -1 : 0;
}

static double run_mt(unsigned long m)
{
	struct timespec t0, t1;
	uint8_t in[300], out[300];
	double busy = 0;
	unsigned long i;

	for (i = 0; i < m; i++) {
		struct np700_binding b;
		char caller[16];
		int len, rc;

		pick(&b, caller);
		len = build_mt(in, sizeof(in), caller);
		if (len < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = bench_mt(in, len, b.x, out, sizeof(out));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		busy += secs(&t0, &t1);
		if (rc == 0)
			n_ok++;
	}
	return busy;
}

int main(int argc, char **argv)
{
	struct np700_store_cfg cfg = { .map_size = (size_t)64 << 30, .max_pairs_per_x = 5000,
				       .plan = &np700_numplan_default };
	struct np700_store_stats ss;
	char path[4096];
	struct stat sb;
	unsigned long m;
	double busy;

	if (argc < 4 || (strcmp(argv[1], "iam") && strcmp(argv[1], "mt"))) {
		fprintf(stderr, "usage: hotpath_bench iam|mt DIR M [SEED]\n");
		return 2;
	}
	ctx = talloc_named_const(NULL, 0, "hotpath_bench");
	msgb_talloc_ctx_init(ctx, 0);
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_all_filter(osmo_stderr_target, 0);
	now = time(NULL);
	gen_t0 = getenv("NP700_GEN_T0") ? atoll(getenv("NP700_GEN_T0")) : now;
	m = strtoul(argv[3], NULL, 10);
	srandom(argc > 4 ? atoi(argv[4]) : 1);
	cfg.path = argv[2];
	/* the data file plus 1 GiB, not more: valgrind cannot map np700's usual 64 GiB */
	snprintf(path, sizeof(path), "%s/data.mdb", argv[2]);
	if (!stat(path, &sb))
		cfg.map_size = sb.st_size + ((size_t)1 << 30);
	if (np700_store_open(ctx, &cfg, &st)) {
		fprintf(stderr, "cannot open store %s\n", argv[2]);
		return 1;
	}
	np700_store_stats(st, &ss);
	total = ss.bindings;
	if (!total) {
		fprintf(stderr, "empty store\n");
		return 1;
	}
	/* a fill stopped early holds bindings 0..total-1 of a mix shaped for NP700_GEN_TOTAL */
	shape_total = getenv("NP700_GEN_TOTAL") ? strtoull(getenv("NP700_GEN_TOTAL"), NULL, 10) : total;
	/* a store that also holds bindings written after the fill (decide_bench's BENCH_REGION):
	 * the messages pick among the fill's */
	if (shape_total && shape_total < total)
		total = shape_total;
	g.plan = np700_numplan_default;
	g.ctx = ctx;
	g.store = st;
	busy = !strcmp(argv[1], "iam") ? run_iam(m) : run_mt(m);
	printf("%s bindings=%" PRIu64 " msgs=%lu allowed=%" PRIu64 " us_per_msg=%.2f\n", argv[1], total, m, n_ok,
	       busy * 1e6 / m);
	np700_store_close(st);
	return n_ok == m ? 0 : 1;
}
