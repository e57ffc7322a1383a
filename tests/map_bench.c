/* MAP router benchmark (issue 4, "measure"): MT-ForwardSM per second, in process.
 *   map_bench DIR N M
 * makes a store in DIR with N AXB bindings (X = 7001000000xxxxx, A sends, B receives), then
 *  1. "pipeline": M MT-ForwardSMs of random bindings through decode -> decision -> rewrite ->
 *     encode, the codec calls the router makes (tcap_decode, map_check_invoke, map_dec_fwd_sm,
 *     sms_tpdu_decode, np700_decide, sms_tpdu_rewrite_addr, map_fwd_sm_rewrite,
 *     tcap_enc_begin_invoke, SCCP encode);
 *  2. "router": M MT-ForwardSMs through the whole router (SCCP in -> correlation -> decision ->
 *     rewrite -> SCCP out to the MSC, the MSC's End result in -> End result out to the SMSC),
 *     the recipient already resolved (second part of a concatenated SMS, no HLR query); the
 *     fake MSC's parsing of np700's message is included in the time.
 * Not part of make check. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/map.h>
#include <np700/map_router.h>
#include <np700/np700.h>
#include <np700/sccp.h>
#include <np700/sms_tpdu.h>
#include <np700/store.h>
#include <np700/tcap.h>

#define NOW	1800000000
#define NP_GT	"8613900000700"
#define SMSC	"8613800100500"
#define MSC_B	"8613900000123"

static void *ctx;
static struct np700_store *st;
static struct np700 g;
static struct sccp_relay *relay;
static struct map_router *mr;
static uint8_t last[300];
static size_t last_len;
static uint64_t n_tx;

static void x_of(char *x, unsigned int i)
{
	sprintf(x, "7001000%08u", i % 100000000);
}

static void a_of(char *a, unsigned int i)
{
	sprintf(a, "86138%08u", i % 100000000);
}

static void b_of(char *b, unsigned int i)
{
	sprintf(b, "86135%08u", i % 100000000);
}

static double secs(const struct timespec *t0, const struct timespec *t1)
{
	return (t1->tv_sec - t0->tv_sec) + (t1->tv_nsec - t0->tv_nsec) / 1e9;
}

static int tx_cb(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	if (len <= sizeof(last)) {
		memcpy(last, data, len);
		last_len = len;
	}
	n_tx++;
	return 0;
}

/* an MT-ForwardSM v3 Begin from the SMSC for correlation / real IMSI \a imsi, sender \a from */
static struct msgb *mt_fsm(uint32_t otid, const char *imsi, const char *from, int seq)
{
	struct msgb *p = msgb_alloc(512, "p"), *msg = msgb_alloc(512, "m");
	struct tcap_tid t;
	struct tcap_oid acn;
	uint8_t ui[64];
	size_t n = 0;

	ui[n++] = 0x44;	/* deliver, MMS, UDHI */
	n += sms_addr_encode(ui + n, 20, SMS_TON_INTERNATIONAL, SMS_NPI_ISDN, from);
	ui[n++] = 0;
	ui[n++] = 4;
	memcpy(ui + n, "\x62\x11\x28\x08\x00\x00\x00", 7);
	n += 7;
	ui[n++] = 6 + 40;
	memcpy(ui + n, (uint8_t[]){ 5, 0, 3, 1, 2, seq }, 6);
	n += 6;
	memset(ui + n, 'x', 40);
	n += 40;
	map_enc_fwd_sm(p, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, false);
	tcap_tid_set(&t, otid);
	map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
	tcap_enc_begin_invoke(msg, &t, &acn, 1, MAP_OP_MT_FORWARD_SM, msgb_data(p), msgb_length(p));
	msgb_free(p);
	return msg;
}

/* the correlation IMSI of np700's last message, an SRI-SM answer (0: none) */
static uint64_t last_corr_imsi(void)
{
	struct sccp_msg sm;
	struct tcap_msg m;
	struct map_sri_sm_res r;

	if (sccp_msg_parse(&sm, last, last_len, SCCP_VAR_ITU, NULL) < 0 || tcap_decode(&m, sm.data, sm.data_len) < 0 ||
	    !m.num_comp || m.comp[0].type != TCAP_COMP_RR_LAST || !m.comp[0].param ||
	    map_dec_sri_sm_res(&r, m.comp[0].param, m.comp[0].param_len) < 0)
		return 0;
	return strtoull(r.imsi, NULL, 10);
}

static void net_rx(const char *cd_gt, uint8_t cd_ssn, const char *cg_gt, struct msgb *tcap)
{
	struct sccp_addr cd, cg;
	struct sccp_msg sm;
	uint8_t buf[300];
	int len;

	sccp_addr_set_gt(&cd, 0, cd_gt[0] == '7' ? 3 : 4, cd_gt, cd_ssn);
	sccp_addr_set_gt(&cg, 0, 4, cg_gt, 8);
	sccp_msg_init_unitdata(&sm, &cd, &cg, msgb_data(tcap), msgb_length(tcap), false);
	len = sccp_msg_encode_buf(buf, sizeof(buf), &sm, SCCP_VAR_ITU);
	msgb_free(tcap);
	if (len > 0)
		sccp_relay_rx(relay, 200, 100, 0, buf, len);
}

/* the otid of np700's last message */
static int last_otid(struct tcap_tid *t)
{
	struct sccp_msg sm;
	struct tcap_msg m;

	if (sccp_msg_parse(&sm, last, last_len, SCCP_VAR_ITU, NULL) < 0 || tcap_decode(&m, sm.data, sm.data_len) < 0 ||
	    !m.otid.len)
		return -1;
	*t = m.otid;
	return 0;
}

static void end_result(const char *from, uint8_t ssn, int op, const uint8_t *par, size_t len)
{
	struct msgb *msg = msgb_alloc(512, "e");
	struct tcap_tid t;
	struct tcap_oid acn;

	if (last_otid(&t) < 0) {
		msgb_free(msg);
		return;
	}
	map_acn(&acn, op == MAP_OP_SEND_ROUTING_INFO_FOR_SM ? MAP_AC_SHORT_MSG_GATEWAY : MAP_AC_SHORT_MSG_MT_RELAY, 3);
	tcap_enc_end_result(msg, &t, &acn, 1, op, par, len);
	net_rx(NP_GT, 8, from, msg);
}

/* the codec path alone, as the router takes it for one MT-ForwardSM */
static int pipeline(const uint8_t *data, size_t len, const char *x, struct msgb *out)
{
	const struct tcap_component *c;
	struct np700_decision d;
	struct map_fwd_sm f;
	struct sms_tpdu tp;
	struct tcap_msg m;
	char sender[24];
	uint8_t ui[200], par[300];
	struct msgb *uim, *parm;
	struct tcap_tid t;
	int ac, version, problem, rc;

	if (tcap_decode(&m, data, len) < 0 || map_acn_parse(&m.dlg.acn, &ac, &version) < 0)
		return -1;
	c = tcap_first_comp(&m, TCAP_COMP_INVOKE);
	if (!c || map_check_invoke(c, ac, version, &problem) < 0 || map_dec_fwd_sm(&f, c->param, c->param_len) < 0 ||
	    sms_tpdu_decode(&tp, f.ui, f.ui_len, false) < 0)
		return -1;
	if (np700_real_normalise(&g.plan, tp.addr.digits, map_nature_from_ton(tp.addr.ton), sender,
				 sizeof(sender)) < 0)
		return -1;
	np700_decide(st, x, sender, NP700_SERVICE_SMS, NOW, &d);
	if (d.reject)
		return -1;
	uim = msgb_alloc_c(ctx, sizeof(ui) + 64, "ui");
	parm = msgb_alloc_c(ctx, sizeof(par), "par");
	rc = sms_tpdu_rewrite_addr(uim, f.ui, f.ui_len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN, d.show_callee);
	if (rc == 0)
		rc = map_fwd_sm_rewrite(parm, c->param, c->param_len, "460002222222222", msgb_data(uim),
					msgb_length(uim));
	if (rc == 0) {
		struct tcap_oid acn;
		struct sccp_addr cd, cg;
		struct sccp_msg sm;
		uint8_t buf[300];

		tcap_tid_set(&t, 1);
		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		rc = tcap_enc_begin_invoke(out, &t, &acn, 1, MAP_OP_MT_FORWARD_SM, msgb_data(parm), msgb_length(parm));
		sccp_addr_set_gt(&cd, 0, 4, MSC_B, 8);
		sccp_addr_set_gt(&cg, 0, 4, NP_GT, 8);
		sccp_msg_init_unitdata(&sm, &cd, &cg, msgb_data(out), msgb_length(out), true);
		if (rc >= 0 && sccp_msg_encode_buf(buf, sizeof(buf), &sm, SCCP_VAR_ITU) < 0)
			rc = -1;
	}
	msgb_free(uim);
	msgb_free(parm);
	return rc < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct np700_store_cfg cfg = { .map_size = (size_t)1 << 30, .max_pairs_per_x = 100,
				       .plan = &np700_numplan_default };
	struct np700_customer cu = { .id = 1 };
	struct np700_pool pool = { .customer_id = 1, .first = "700100000000000", .last = "700100099999999" };
	struct sccp_route rt = { .prefix = "86", .pc = 200 };
	struct timespec t0, t1;
	unsigned int n, mcount, i, ok = 0;
	char x[24], a[24], b[24], imsi[16];
	struct msgb **msgs;
	uint64_t *corr;

	if (argc != 4) {
		fprintf(stderr, "usage: %s DIR N M\n", argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	mcount = atoi(argv[3]);
	ctx = talloc_named_const(NULL, 0, "map_bench");
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_log_level(osmo_stderr_target, getenv("BENCH_LOG") ? LOGL_INFO : LOGL_ERROR);
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time.tv_sec = NOW;
	srand(1);

	cfg.path = argv[1];
	if (np700_store_open(ctx, &cfg, &st)) {
		fprintf(stderr, "store open failed\n");
		return 1;
	}
	strcpy(cu.name, "bench");
	np700_store_customer_put(st, &cu);
	np700_store_pool_add(st, &pool);
	for (i = 0; i < n; i++) {
		struct np700_binding bd = { .customer_id = 1, .mode = NP700_MODE_AXB, .created = NOW - 100,
					    .expires = NOW + 86400, .services = NP700_SVC_SMS | NP700_SVC_VOICE };

		x_of(bd.x, i);
		a_of(bd.a, i);
		b_of(bd.b, i);
		if (np700_store_binding_create(st, NULL, &bd) < 0 && i < 2)
			fprintf(stderr, "binding %u failed (exists already?)\n", i);
	}

	/* 1. pipeline */
	msgs = talloc_array(ctx, struct msgb *, n);
	for (i = 0; i < n; i++) {
		a_of(a, i);
		msgs[i] = mt_fsm(i + 1, "460009990000000", a, 2);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < mcount; i++) {
		unsigned int k = rand() % n;
		struct msgb *out = msgb_alloc_c(ctx, 512, "out");

		x_of(x, k);
		if (pipeline(msgb_data(msgs[k]), msgb_length(msgs[k]), x, out) == 0)
			ok++;
		msgb_free(out);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("pipeline: %u MT-ForwardSM (%u ok) over %u bindings in %.3f s: %.0f/s\n", mcount, ok, n,
	       secs(&t0, &t1), mcount / secs(&t0, &t1));

	/* 2. router: set up one correlation per binding, resolved by a first part */
	g.ctx = ctx;
	g.plan = np700_numplan_default;
	g.store = st;
	relay = sccp_relay_alloc(ctx, 0);
	sccp_relay_set_own_pc(relay, 100);
	sccp_relay_set_tx_cb(relay, tx_cb, NULL);
	sccp_relay_add_local_gt(relay, NP_GT);
	sccp_route_add(sccp_relay_routes(relay), &rt);
	strcpy(rt.prefix, "700");
	rt.pc = 100;
	sccp_route_add(sccp_relay_routes(relay), &rt);
	mr = map_router_alloc(&g, relay);
	map_router_start(mr);
	map_router_cfg(mr)->corr_timeout_s = 86400;
	/* correlation IMSIs are random: each as np700 answered it */
	corr = talloc_array(ctx, uint64_t, n);
	for (i = 0; i < n; i++) {
		struct msgb *p = msgb_alloc(256, "p"), *msg = msgb_alloc(512, "m");
		struct tcap_tid t;
		struct tcap_oid acn;

		x_of(x, i);
		a_of(a, i);
		b_of(b, i);
		map_enc_sri_sm(p, MAP_TON_NATIONAL, MAP_NPI_ISDN, x, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
		tcap_tid_set(&t, i + 1);
		map_acn(&acn, MAP_AC_SHORT_MSG_GATEWAY, 3);
		tcap_enc_begin_invoke(msg, &t, &acn, 1, MAP_OP_SEND_ROUTING_INFO_FOR_SM, msgb_data(p), msgb_length(p));
		msgb_free(p);
		net_rx(x, 6, SMSC, msg);
		corr[i] = last_corr_imsi();
		snprintf(imsi, sizeof(imsi), "%015" PRIu64, corr[i]);
		net_rx(NP_GT, 8, SMSC, mt_fsm(i + 1, imsi, a, 1));
		p = msgb_alloc(256, "p");
		map_enc_sri_sm_res(p, "460002222222222", MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, MSC_B, NULL);
		end_result(b, 6, MAP_OP_SEND_ROUTING_INFO_FOR_SM, msgb_data(p), msgb_length(p));
		msgb_free(p);
		end_result(MSC_B, 8, MAP_OP_MT_FORWARD_SM, NULL, 0);
	}
	for (i = 0; i < n; i++) {
		msgb_free(msgs[i]);
		a_of(a, i);
		snprintf(imsi, sizeof(imsi), "%015" PRIu64, corr[i]);
		msgs[i] = mt_fsm(i + 1, imsi, a, 2);
	}
	printf("router: %u correlations set up, %u dialogues open\n", map_router_corr_count(mr),
	       map_router_txn_count(mr));
	n_tx = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < mcount; i++) {
		unsigned int k = rand() % n;
		struct msgb *m = msgb_alloc(512, "m");

		memcpy(msgb_put(m, msgb_length(msgs[k])), msgb_data(msgs[k]), msgb_length(msgs[k]));
		net_rx(NP_GT, 8, SMSC, m);
		end_result(MSC_B, 8, MAP_OP_MT_FORWARD_SM, NULL, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("router: %u MT-ForwardSM relayed (%" PRIu64 " messages sent, %u dialogues left) in %.3f s: %.0f/s\n",
	       mcount, n_tx, map_router_txn_count(mr), secs(&t0, &t1), mcount / secs(&t0, &t1));
	map_router_free(mr);
	np700_store_close(st);
	return 0;
}
