/* MAP router in-process: SMSC, HLR, MSC are played by this test. Every message np700 sends goes
 * through the real SCCP relay into a captured transmit function, is decoded back and printed;
 * the answers are encoded with the codec encoders and fed in through sccp_relay_rx(). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/cdr.h>
#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/map.h>
#include <np700/map_router.h>
#include <np700/np700.h>
#include <np700/sccp.h>
#include <np700/sms_tpdu.h>
#include <np700/store.h>
#include <np700/tcap.h>

#include "map_net.h"

#define NOW	1800000000

#define SMSC	"8613800100500"
#define MSC_A	"8613900000111"
#define MSC_B	"8613900000123"
#define IMSI_A	"460001111111111"
#define IMSI_B	"460002222222222"

#define A	"8613800000001"
#define B	"8613900000002"
#define C	"8613700000003"
#define X1	"700100000000001"	/* AXB A-B */
#define X3	"700100000000003"	/* AX A */
#define XU	"700100000000009"	/* in the pool, unbound */
#define XN	"700900000000001"	/* in no pool */

static void *ctx;
static char dir[64];
static struct np700_store *st;
static struct np700 g;
static struct sccp_relay *relay;
static struct map_router *mr;

/* --- the network side */

struct cap {
	uint32_t dpc;
	uint8_t data[300];
	size_t len;
};
static struct cap caps[8];
static bool quiet;	/* the mutation test captures and prints nothing */
static unsigned int n_caps;
static struct tcap_tid last_otid;	/* otid of the last Begin/Continue np700 sent */
/* Correlation IMSIs are random: the output names them corr#1, corr#2, ... in the order np700 hands
 * them out, after checking each is inside the range and not one handed out before. */
static char corr_imsi[16];		/* the last one np700 answered */
static char corr_seen[64][16];
static unsigned int n_corr_seen;
static bool collect;			/* test_corr_random: keep SRI-SM answers, print nothing */
static uint64_t collected[1000];
static unsigned int n_collected;
static uint8_t last_begin[300];		/* the last Begin np700 sent, as SCCP message */
static size_t last_begin_len;

static int tx_cb(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	if (quiet)
		return 0;
	if (n_caps >= ARRAY_SIZE(caps) || len > sizeof(caps[0].data)) {
		printf("  !! capture overflow\n");
		return -ENOSPC;
	}
	caps[n_caps].dpc = dpc;
	memcpy(caps[n_caps].data, data, len);
	caps[n_caps].len = len;
	n_caps++;
	return 0;
}

static void print_addr(const char *n, const struct map_addr *a)
{
	if (a->present)
		printf(" %s=%u/%s", n, a->ton, a->digits);
}

static bool in_corr_range(const char *imsi)
{
	uint64_t v = strtoull(imsi, NULL, 10);

	return strlen(imsi) == 15 && v >= map_router_cfg(mr)->corr_first && v <= map_router_cfg(mr)->corr_last;
}

/* "corr#N" for the N-th correlation IMSI seen, a placeholder for one of the range never handed out */
static const char *corr_label(const char *imsi)
{
	static char buf[32];
	unsigned int i;

	for (i = 0; i < n_corr_seen; i++)
		if (!strcmp(corr_seen[i], imsi)) {
			snprintf(buf, sizeof(buf), "corr#%u", i + 1);
			return buf;
		}
	return in_corr_range(imsi) ? "(an IMSI of the range never handed out)" : imsi;
}

/* an SRI-SM answer's IMSI: must be inside the range and new */
static void note_corr(const char *imsi)
{
	const char *label = corr_label(imsi);

	OSMO_STRLCPY_ARRAY(corr_imsi, imsi);
	if (!in_corr_range(imsi)) {
		printf(" IMSI=%s (OUTSIDE the correlation range)", imsi);
		return;
	}
	if (strncmp(label, "corr#", 5) && n_corr_seen < ARRAY_SIZE(corr_seen)) {
		OSMO_STRLCPY_ARRAY(corr_seen[n_corr_seen], imsi);
		n_corr_seen++;
		printf(" IMSI=%s", corr_label(imsi));
		return;
	}
	printf(" IMSI=%s (handed out before)", label);
}

static void print_tpdu(const uint8_t *ui, size_t len, bool mo)
{
	struct sms_tpdu t;

	if (sms_tpdu_decode(&t, ui, len, mo) < 0) {
		printf(" TPDU?");
		return;
	}
	printf(" %s=%u/%s", mo ? "TP-DA" : t.mti == SMS_MTI_STATUS_REPORT ? "STATUS-REPORT TP-RA" : "TP-OA",
	       t.addr.ton, t.addr.digits);
	if (t.concat)
		printf(" concat=%u/%u/%u", t.concat_ref, t.concat_seq, t.concat_max);
}

static void print_fwd(const struct tcap_component *c)
{
	struct map_fwd_sm f;

	if (map_dec_fwd_sm(&f, c->param, c->param_len) < 0) {
		printf(" fwdSM?");
		return;
	}
	if (f.da_type == MAP_SM_RP_DA_IMSI)
		printf(" DA-IMSI=%s", f.da_imsi);
	else
		print_addr("DA-SCA", &f.da_addr);
	print_addr(f.oa_type == MAP_SM_RP_OA_MSISDN ? "OA-MSISDN" : "OA-SCA", &f.oa_addr);
	print_tpdu(f.ui, f.ui_len, f.da_type == MAP_SM_RP_DA_SCA);
	if (f.more_msgs)
		printf(" more");
}

/* the operation an answer belongs to: the test knows what it asked */
static int answer_op;

static void print_comp(const struct tcap_component *c, int version)
{
	switch (c->type) {
	case TCAP_COMP_INVOKE:
		printf(" Invoke %s", get_value_string(map_opcode_names, c->opcode));
		if (c->opcode == MAP_OP_SEND_ROUTING_INFO_FOR_SM) {
			struct map_sri_sm q;

			if (map_dec_sri_sm(&q, c->param, c->param_len) == 0) {
				print_addr("MSISDN", &q.msisdn);
				print_addr("SCA", &q.sca);
			}
		} else if (c->opcode == MAP_OP_MT_FORWARD_SM || c->opcode == MAP_OP_FORWARD_SM) {
			print_fwd(c);
		}
		break;
	case TCAP_COMP_RR_LAST:
	case TCAP_COMP_RR_NOTLAST:
		printf(" Result");
		if (!c->param)
			break;
		if (answer_op == MAP_OP_SEND_ROUTING_INFO) {
			struct map_sri_res r;

			if (map_dec_sri_res(&r, c->param, c->param_len, version) == 0) {
				if (r.imsi_present)
					printf(" IMSI=%s", r.imsi);
				print_addr("routing-number", &r.roaming_number);
			}
		} else if (answer_op == MAP_OP_SEND_ROUTING_INFO_FOR_SM) {
			struct map_sri_sm_res r;

			if (map_dec_sri_sm_res(&r, c->param, c->param_len) == 0) {
				note_corr(r.imsi);
				printf(" NNN=%s", r.nnn.digits);
			}
		} else {
			printf(" param=%s", osmo_hexdump_nospc(c->param, c->param_len));
		}
		break;
	case TCAP_COMP_RETURN_ERROR:
		printf(" Error %s", get_value_string(map_error_names, c->error_code));
		if (c->param)
			printf(" param=%s", osmo_hexdump_nospc(c->param, c->param_len));
		break;
	case TCAP_COMP_REJECT:
		if (c->invoke_id_present)
			printf(" Reject invoke=%d type=%d problem=%d", c->invoke_id, c->problem_type, c->problem);
		else
			printf(" Reject invoke=NULL type=%d problem=%d", c->problem_type, c->problem);
		break;
	}
}


/* print and forget what np700 sent */
static void flush(void)
{
	unsigned int i, j;

	if (quiet) {
		n_caps = 0;
		return;
	}
	if (collect) {
		for (i = 0; i < n_caps; i++) {
			struct sccp_msg sm;
			struct tcap_msg m;
			struct map_sri_sm_res r;

			if (sccp_msg_parse(&sm, caps[i].data, caps[i].len, SCCP_VAR_ITU, NULL) == 0 &&
			    tcap_decode(&m, sm.data, sm.data_len) == 0 && m.num_comp &&
			    m.comp[0].type == TCAP_COMP_RR_LAST && m.comp[0].param &&
			    map_dec_sri_sm_res(&r, m.comp[0].param, m.comp[0].param_len) == 0 &&
			    n_collected < ARRAY_SIZE(collected))
				collected[n_collected++] = strtoull(r.imsi, NULL, 10);
		}
		n_caps = 0;
		return;
	}

	for (i = 0; i < n_caps; i++) {
		static uint8_t whole[4096];	/* XUDT segments put together */
		static size_t whole_len;
		struct sccp_msg sm;
		struct tcap_msg m;
		int ac = 0, version = 1;

		if (sccp_msg_parse(&sm, caps[i].data, caps[i].len, SCCP_VAR_ITU, NULL) < 0) {
			printf("  -> DPC %u: unparsable SCCP\n", caps[i].dpc);
			continue;
		}
		if (sm.seg_present) {
			if (sm.seg.first)
				whole_len = 0;
			if (whole_len + sm.data_len > sizeof(whole)) {
				printf("  !! segments too long\n");
				continue;
			}
			memcpy(whole + whole_len, sm.data, sm.data_len);
			whole_len += sm.data_len;
			printf("  -> DPC %u %s segment of %u octets, %u to come\n", caps[i].dpc,
			       get_value_string(sccp_msg_type_names, sm.type), sm.data_len, sm.seg.remaining);
			if (sm.seg.remaining)
				continue;
			sm.data = whole;
			sm.data_len = whole_len;
		}
		printf("  -> DPC %u %s cd=%s/%u cg=%s/%u:", caps[i].dpc, get_value_string(sccp_msg_type_names, sm.type),
		       sm.called.digits, sm.called.ssn, sm.calling.digits, sm.calling.ssn);
		if (tcap_decode(&m, sm.data, sm.data_len) < 0) {
			printf(" undecodable TCAP\n");
			continue;
		}
		printf(" %s", get_value_string(tcap_msg_type_names, m.type));
		if (m.otid.len)
			printf(" otid=%u", tcap_tid_get(&m.otid));
		if (m.dtid.len)
			printf(" dtid=%u", tcap_tid_get(&m.dtid));
		if (m.p_abort_present)
			printf(" P-Abort %s", get_value_string(tcap_pabort_cause_names, m.p_abort_cause));
		if (m.dlg.pdu != TCAP_DLG_NONE && map_acn_parse(&m.dlg.acn, &ac, &version) == 0)
			printf(" %s(%s v%d)", get_value_string(tcap_dlg_pdu_names, m.dlg.pdu),
			       get_value_string(map_ac_names, ac), version);
		else if (m.dlg.pdu != TCAP_DLG_NONE)
			printf(" %s", get_value_string(tcap_dlg_pdu_names, m.dlg.pdu));
		for (j = 0; j < m.num_comp; j++)
			print_comp(&m.comp[j], version);
		printf("\n");
		if (m.type == TCAP_BEGIN || m.type == TCAP_CONTINUE)
			last_otid = m.otid;
		if (m.type == TCAP_BEGIN) {
			memcpy(last_begin, caps[i].data, caps[i].len);
			last_begin_len = caps[i].len;
		}
	}
	n_caps = 0;
}

/* one SCCP UDT from the network into np700 */
static void net_rx(const char *cd_gt, uint8_t cd_ssn, const char *cg_gt, uint8_t cg_ssn, struct msgb *tcap)
{
	int rc = map_net_udt_rx(relay, cd_gt, cd_ssn, cg_gt, cg_ssn, msgb_data(tcap), msgb_length(tcap));

	if (rc < 0)
		printf("  !! encode %d\n", rc);
	msgb_free(tcap);
	flush();
}

static struct msgb *new_msg(void)
{
	return msgb_alloc(1024, "test");
}


static struct msgb *end_result(int op, struct msgb *par, bool aare, int ac, int version)
{
	struct msgb *msg = new_msg();
	struct tcap_oid acn;

	map_acn(&acn, ac, version);
	tcap_enc_end_result(msg, &last_otid, aare ? &acn : NULL, 1, op, par ? msgb_data(par) : NULL,
			    par ? msgb_length(par) : 0);
	msgb_free(par);
	return msg;
}

/* a \a type (End 0x64, Continue 0x65: then with \a otid) to np700's last dialogue whose only
 * component is a Return Result with its invoke id missing: undecodable (a general problem) */
static struct msgb *bad_answer(uint8_t type, uint32_t otid)
{
	struct msgb *msg = new_msg();
	uint8_t *p = msgb_put(msg, 2);

	p[0] = type;
	if (type == 0x65) {
		uint8_t *o = msgb_put(msg, 6);

		o[0] = 0x48;
		o[1] = 4;
		osmo_store32be(otid, o + 2);
	}
	p = msgb_put(msg, 2 + last_otid.len);
	p[0] = 0x49;
	p[1] = last_otid.len;
	memcpy(p + 2, last_otid.v, last_otid.len);
	/* component portion { returnResultLast { opcode-less, invoke id absent: a NULL instead } } */
	p = msgb_put(msg, 6);
	memcpy(p, "\x6c\x04\xa2\x02\x05\x00", 6);
	msgb_data(msg)[1] = msgb_length(msg) - 2;
	return msg;
}

static struct msgb *end_error(int err, int ac, int version)
{
	struct msgb *msg = new_msg();
	struct tcap_oid acn;

	map_acn(&acn, ac, version);
	tcap_enc_end_error(msg, &last_otid, &acn, 1, err, NULL, 0);
	return msg;
}

/* --- SMS TPDUs */

static size_t deliver(uint8_t *buf, const char *oa, uint8_t ton, int ref, int seq, int max, bool more)
{
	size_t n = 0;
	int rc;

	/* MTI deliver, MMS set = no more messages waiting */
	buf[n++] = (more ? 0x00 : 0x04) | (ref >= 0 ? 0x40 : 0);
	rc = sms_addr_encode(buf + n, 20, ton, SMS_NPI_ISDN, oa);
	n += rc;
	buf[n++] = 0x00;	/* PID */
	buf[n++] = 0x04;	/* DCS 8-bit */
	memcpy(buf + n, "\x62\x11\x28\x08\x00\x00\x00", 7);
	n += 7;
	if (ref >= 0) {
		buf[n++] = 6 + 5;
		memcpy(buf + n, (uint8_t[]){ 5, 0, 3, ref, max, seq }, 6);
		n += 6;
	} else {
		buf[n++] = 5;
	}
	memcpy(buf + n, "hello", 5);
	return n + 5;
}

static size_t submit(uint8_t *buf, const char *da, uint8_t ton)
{
	size_t n = 0;

	buf[n++] = 0x01;	/* SMS-SUBMIT, no VP */
	buf[n++] = 0x42;	/* MR */
	n += sms_addr_encode(buf + n, 20, ton, SMS_NPI_ISDN, da);
	buf[n++] = 0x00;
	buf[n++] = 0x04;
	buf[n++] = 2;
	buf[n++] = 'h';
	buf[n++] = 'i';
	return n;
}

/* --- the peers */

static void sri_sm_rx(uint32_t otid, const char *x)
{
	struct msgb *p = new_msg();

	map_enc_sri_sm(p, MAP_TON_NATIONAL, MAP_NPI_ISDN, x, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
	answer_op = MAP_OP_SEND_ROUTING_INFO_FOR_SM;
	net_rx(x, 6, SMSC, 8, map_net_begin(otid, MAP_AC_SHORT_MSG_GATEWAY, 3, MAP_OP_SEND_ROUTING_INFO_FOR_SM, p));
}

static void smsc_sri_sm(uint32_t otid, const char *x)
{
	printf("SMSC: SRI-SM MSISDN=%s\n", x);
	sri_sm_rx(otid, x);
}

/* SRI-SM; the correlation IMSI np700 answered is in corr_imsi (note_corr()) */
static void smsc_sri_sm_keep(uint32_t otid, const char *x)
{
	corr_imsi[0] = '\0';
	smsc_sri_sm(otid, x);
}

static void smsc_mt(uint32_t otid, int version, const char *imsi, const char *from, int ref, int seq, int max,
		    bool more)
{
	struct msgb *p = new_msg();
	uint8_t ui[64];
	size_t n = deliver(ui, from, SMS_TON_INTERNATIONAL, ref, seq, max, more);

	printf("SMSC: %s v%d IMSI=%s TP-OA=%s%s\n", version >= 3 ? "MT-FSM" : "forwardSM", version, corr_label(imsi),
	       from, more ? " more" : "");
	map_enc_fwd_sm(p, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, more);
	answer_op = version >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM;
	net_rx(NP_GT, 8, SMSC, 8, map_net_begin(otid, MAP_AC_SHORT_MSG_MT_RELAY, version,
					version >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM, p));
}

static void hlr_answers(const char *msisdn, const char *imsi, const char *msc)
{
	struct msgb *p = new_msg();

	printf("HLR of %s: IMSI=%s MSC=%s\n", msisdn, imsi, msc);
	map_enc_sri_sm_res(p, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, msc, NULL);
	net_rx(NP_GT, 8, msisdn, 6, end_result(MAP_OP_SEND_ROUTING_INFO_FOR_SM, p, true, MAP_AC_SHORT_MSG_GATEWAY, 3));
}

static void msc_delivers(const char *msc, int version)
{
	printf("MSC %s: delivered\n", msc);
	net_rx(NP_GT, 8, msc, 8, end_result(version >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM, NULL, true,
					    MAP_AC_SHORT_MSG_MT_RELAY, version));
}

/* --- records */

static void cdr_hook(const struct cdr_record *r, void *priv)
{
	char line[1024];

	if (quiet)
		return;
	if (cdr_format(r, line, sizeof(line)) < 0)
		printf("  record: unformattable\n");
	else
		printf("  record: %s\n", line);
}

/* --- setup */

static void customer(uint32_t id, const char *first, const char *last)
{
	struct np700_customer c = { .id = id };
	struct np700_pool p = { .customer_id = id };

	snprintf(c.name, sizeof(c.name), "customer%u", id);
	OSMO_STRLCPY_ARRAY(p.first, first);
	OSMO_STRLCPY_ARRAY(p.last, last);
	if (np700_store_customer_put(st, &c) || np700_store_pool_add(st, &p))
		printf("customer setup failed\n");
}

static void bind(enum np700_mode mode, const char *x, const char *a, const char *b)
{
	struct np700_binding bd = {
		.customer_id = 1, .mode = mode, .created = NOW - 100,
		.expires = mode == NP700_MODE_AX ? 0 : NOW + 86400,
		.services = NP700_SVC_VOICE | NP700_SVC_SMS,
	};

	OSMO_STRLCPY_ARRAY(bd.x, x);
	OSMO_STRLCPY_ARRAY(bd.a, a);
	if (b)
		OSMO_STRLCPY_ARRAY(bd.b, b);
	snprintf(bd.order_id, sizeof(bd.order_id), "o%s", x + 12);
	printf("bind %s X=%s A=%s B=%s: %d\n", np700_mode_name(mode), x, a, b ? b : "-",
	       np700_store_binding_create(st, NULL, &bd));
}

static void setup(void)
{
	struct np700_store_cfg cfg = {
		.path = dir, .map_size = 16 << 20, .max_pairs_per_x = 100, .plan = &np700_numplan_default,
	};
	if (np700_store_open(ctx, &cfg, &st)) {
		printf("store open failed\n");
		exit(1);
	}
	customer(1, "700100000000000", "700100000009999");
	bind(NP700_MODE_AXB, X1, A, B);
	bind(NP700_MODE_AX, X3, A, NULL);

	g.ctx = ctx;
	g.plan = np700_numplan_default;
	g.store = st;

	mr = map_net_setup(ctx, &g, tx_cb, &relay);
	map_router_set_cdr_hook(mr, cdr_hook, NULL);
}

/* --- scenarios */

static void test_sri(void)
{
	struct msgb *p;
	static const char *xs[] = { X1, XU, XN, "70010000000000" };
	unsigned int i;

	printf("\n== SRI for X\n");
	for (i = 0; i < ARRAY_SIZE(xs); i++) {
		p = new_msg();
		printf("GMSC: SRI v3 MSISDN=%s\n", xs[i]);
		map_enc_sri(p, 3, MAP_TON_NATIONAL, MAP_NPI_ISDN, xs[i], "8613900000999");
		answer_op = MAP_OP_SEND_ROUTING_INFO;
		net_rx(strlen(xs[i]) == 15 ? xs[i] : X1, 6, "8613900000999", 8,
		       map_net_begin(0x100 + i, MAP_AC_LOC_INFO_RETRIEVAL, 3, MAP_OP_SEND_ROUTING_INFO, p));
	}
	p = new_msg();
	printf("GMSC: SRI v2 MSISDN=%s\n", X1);
	map_enc_sri(p, 2, MAP_TON_NATIONAL, MAP_NPI_ISDN, X1, NULL);
	net_rx(X1, 6, "8613900000999", 8, map_net_begin(0x110, MAP_AC_LOC_INFO_RETRIEVAL, 2, MAP_OP_SEND_ROUTING_INFO, p));

	printf("routing-number-prefix 9: %d; 99: %d\n", map_router_check_rn_prefix("9", 15),
	       map_router_check_rn_prefix("99", 15));
	OSMO_STRLCPY_ARRAY(map_router_cfg(mr)->rn_prefix, "9");
	p = new_msg();
	printf("GMSC: SRI v3 MSISDN=%s\n", X1);
	map_enc_sri(p, 3, MAP_TON_NATIONAL, MAP_NPI_ISDN, X1, "8613900000999");
	net_rx(X1, 6, "8613900000999", 8, map_net_begin(0x111, MAP_AC_LOC_INFO_RETRIEVAL, 3, MAP_OP_SEND_ROUTING_INFO, p));
	map_router_cfg(mr)->rn_prefix[0] = '\0';
}

static void mt_ok(uint32_t otid, const char *x, const char *from, const char *to, const char *imsi, const char *msc)
{
	smsc_sri_sm_keep(otid, x);
	smsc_mt(otid + 1, 3, corr_imsi, from, -1, 0, 0, false);
	hlr_answers(to, imsi, msc);
	msc_delivers(msc, 3);
}

static void test_mt(void)
{
	printf("\n== AXB: A -> X, B sees X\n");
	mt_ok(0x200, X1, A, B, IMSI_B, MSC_B);
	printf("\n== AXB: B -> X, A sees X\n");
	mt_ok(0x210, X1, B, A, IMSI_A, MSC_A);
	printf("\n== AX: C -> X, A sees X\n");
	mt_ok(0x220, X3, C, A, IMSI_A, MSC_A);

	printf("\n== AXB: C (not in the binding) -> X\n");
	smsc_sri_sm_keep(0x230, X1);
	smsc_mt(0x231, 3, corr_imsi, C, -1, 0, 0, false);

	printf("\n== unbound and unknown X\n");
	smsc_sri_sm(0x240, XU);
	smsc_sri_sm(0x241, XN);
	printf("MT-FSM for an IMSI np700 never handed out\n");
	{
		char unused[16];
		uint64_t v = map_router_cfg(mr)->corr_last;

		do
			snprintf(unused, sizeof(unused), "%015" PRIu64, v--);
		while (strncmp(corr_label(unused), "(an IMSI", 8));
		smsc_mt(0x242, 3, unused, A, -1, 0, 0, false);
	}

	printf("\n== HLR error\n");
	smsc_sri_sm_keep(0x250, X1);
	smsc_mt(0x251, 3, corr_imsi, A, -1, 0, 0, false);
	printf("HLR: absentSubscriberSM\n");
	net_rx(NP_GT, 8, B, 6, end_error(MAP_ERR_ABSENT_SUBSCRIBER_SM, MAP_AC_SHORT_MSG_GATEWAY, 3));

	{
		struct msgb *p = new_msg();
		size_t mark;
		uint8_t msisdn[10], sca[10];
		int n1 = map_addr_encode(msisdn, sizeof(msisdn), MAP_TON_NATIONAL, MAP_NPI_ISDN, X1);
		int n2 = map_addr_encode(sca, sizeof(sca), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);

		printf("SMSC: reportSM-DeliveryStatus MSISDN=%s absentSubscriber\n", X1);
		/* { msisdn, serviceCentreAddress, sm-DeliveryOutcome absentSubscriber(1) } */
		ber_open(p, &mark);
		ber_put_tlv(p, BER_ID_OCTETSTRING, msisdn, n1);
		ber_put_tlv(p, BER_ID_OCTETSTRING, sca, n2);
		ber_put_int(p, BER_ID_ENUMERATED, 1);
		ber_close(p, mark, BER_ID_SEQUENCE);
		answer_op = 47;
		net_rx(X1, 6, SMSC, 8, map_net_begin(0x258, MAP_AC_SHORT_MSG_GATEWAY, 3, 47, p));
	}

	printf("\n== MSC error\n");
	smsc_sri_sm_keep(0x260, X1);
	smsc_mt(0x261, 3, corr_imsi, A, -1, 0, 0, false);
	hlr_answers(B, IMSI_B, MSC_B);
	printf("MSC: absentSubscriberSM\n");
	net_rx(NP_GT, 8, MSC_B, 8, end_error(MAP_ERR_ABSENT_SUBSCRIBER_SM, MAP_AC_SHORT_MSG_MT_RELAY, 3));

	printf("\n== MSC answers with an undecodable End: the SMSC gets systemFailure at once\n");
	smsc_sri_sm_keep(0x264, X1);
	smsc_mt(0x265, 3, corr_imsi, A, -1, 0, 0, false);
	hlr_answers(B, IMSI_B, MSC_B);
	net_rx(NP_GT, 8, MSC_B, 8, bad_answer(0x64, 0));

	printf("\n== HLR answers with an undecodable Continue: End with a Reject to the HLR, systemFailure"
	       " to the SMSC at once\n");
	smsc_sri_sm_keep(0x268, X1);
	smsc_mt(0x269, 3, corr_imsi, A, -1, 0, 0, false);
	net_rx(NP_GT, 8, B, 6, bad_answer(0x65, 0x4c520001));

	printf("\n== peer timeout (HLR silent)\n");
	smsc_sri_sm_keep(0x270, X1);
	smsc_mt(0x271, 3, corr_imsi, A, -1, 0, 0, false);
	printf("(11 s pass)\n");
	osmo_gettimeofday_override_add(11, 0);
	osmo_timers_update();
	flush();

	printf("\n== HLR unreachable: np700's Begin comes back in a UDTS\n");
	smsc_sri_sm_keep(0x278, X1);
	smsc_mt(0x279, 3, corr_imsi, A, -1, 0, 0, false);
	{
		struct sccp_msg orig, svc;
		uint8_t buf[300];
		int len;

		printf("STP: UDTS no translation for this address\n");
		if (sccp_msg_parse(&orig, last_begin, last_begin_len, SCCP_VAR_ITU, NULL) == 0 &&
		    sccp_msg_init_service(&svc, &orig, SCCP_CAUSE_NO_XLAT_ADDR) == 0 &&
		    (len = sccp_msg_encode_buf(buf, sizeof(buf), &svc, SCCP_VAR_ITU)) > 0)
			sccp_relay_rx(relay, STP_PC, OWN_PC, 0, buf, len);
		flush();
	}

	printf("\n== MSC refuses v3 -> v2\n");
	smsc_sri_sm_keep(0x280, X1);
	smsc_mt(0x281, 3, corr_imsi, A, -1, 0, 0, false);
	hlr_answers(B, IMSI_B, MSC_B);
	{
		struct msgb *msg = new_msg();
		struct tcap_oid v2;

		printf("MSC: Abort, ACN not supported, v2 offered\n");
		map_acn(&v2, MAP_AC_SHORT_MSG_MT_RELAY, 2);
		tcap_enc_abort_acn_not_supported(msg, &last_otid, &v2);
		net_rx(NP_GT, 8, MSC_B, 8, msg);
	}
	msc_delivers(MSC_B, 2);

	printf("\n== HLR refuses v3 -> v2\n");
	smsc_sri_sm_keep(0x288, X1);
	smsc_mt(0x289, 3, corr_imsi, A, -1, 0, 0, false);
	{
		struct msgb *msg = new_msg();
		struct tcap_oid v2;

		printf("HLR: Abort, ACN not supported, v2 offered\n");
		map_acn(&v2, MAP_AC_SHORT_MSG_GATEWAY, 2);
		tcap_enc_abort_acn_not_supported(msg, &last_otid, &v2);
		net_rx(NP_GT, 8, B, 6, msg);
	}
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 3);

	printf("\n== SMSC speaks v2\n");
	smsc_sri_sm_keep(0x290, X1);
	smsc_mt(0x291, 2, corr_imsi, A, -1, 0, 0, false);
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 2);

	printf("\n== concatenated SMS: two parts through one correlation\n");
	smsc_sri_sm_keep(0x2a0, X1);
	smsc_mt(0x2a1, 3, corr_imsi, A, 7, 1, 2, false);
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 3);
	printf("(part 2: the recipient is known, no HLR query)\n");
	smsc_mt(0x2a2, 3, corr_imsi, A, 7, 2, 2, false);
	msc_delivers(MSC_B, 3);

	printf("\n== more messages to send: one dialogue, two messages\n");
	smsc_sri_sm_keep(0x2b0, X1);
	smsc_mt(0x2b1, 3, corr_imsi, A, 8, 1, 2, true);
	hlr_answers(B, IMSI_B, MSC_B);
	{
		struct msgb *msg = new_msg();
		struct tcap_tid mine = map_net_tid(0x5b1);
		struct tcap_oid acn;

		printf("MSC: Continue with result (ready for more)\n");
		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		tcap_enc_continue_result(msg, &mine, &last_otid, &acn, 1, MAP_OP_MT_FORWARD_SM, NULL, 0);
		net_rx(NP_GT, 8, MSC_B, 8, msg);
	}
	{
		struct msgb *msg = new_msg(), *p = new_msg();
		struct tcap_tid mine = map_net_tid(0x2b1);
		uint8_t ui[64];
		size_t n = deliver(ui, A, SMS_TON_INTERNATIONAL, 8, 2, 2, false);

		printf("SMSC: Continue MT-FSM part 2\n");
		map_enc_fwd_sm(p, corr_imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, false);
		tcap_enc_continue_invoke(msg, &mine, &last_otid, 2, MAP_OP_MT_FORWARD_SM, msgb_data(p), msgb_length(p));
		msgb_free(p);
		net_rx(NP_GT, 8, SMSC, 8, msg);
	}
	printf("MSC %s: delivered (End)\n", MSC_B);
	{
		struct msgb *msg = new_msg();

		/* on np700's dialogue towards it: last_otid is np700's otid of its Continue */
		tcap_enc_end_result(msg, &last_otid, NULL, 1, MAP_OP_MT_FORWARD_SM, NULL, 0);
		net_rx(NP_GT, 8, MSC_B, 8, msg);
	}
}

/* the SMSC's next part on its open dialogue (dtid = np700's otid of its Continue) */
static void smsc_next_part(uint32_t otid, int seq, bool more)
{
	struct msgb *msg = new_msg(), *p = new_msg();
	struct tcap_tid mine = map_net_tid(otid);
	uint8_t ui[64];
	size_t n = deliver(ui, A, SMS_TON_INTERNATIONAL, 9, seq, 3, more);

	printf("SMSC: Continue MT-FSM part %d%s\n", seq, more ? " more" : "");
	map_enc_fwd_sm(p, corr_imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, more);
	tcap_enc_continue_invoke(msg, &mine, &last_otid, 2, MAP_OP_MT_FORWARD_SM, msgb_data(p), msgb_length(p));
	msgb_free(p);
	net_rx(NP_GT, 8, SMSC, 8, msg);
}

static void test_more_msgs_end(void)
{
	printf("\n== more messages to send, the MSC ends each time\n");
	smsc_sri_sm_keep(0x2c0, X1);
	smsc_mt(0x2c1, 3, corr_imsi, A, 9, 1, 3, true);
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 3);
	printf("(part 2 opens a new MSC dialogue)\n");
	smsc_next_part(0x2c1, 2, true);
	msc_delivers(MSC_B, 3);
	printf("(the SMSC never sends part 3: 11 s pass)\n");
	osmo_gettimeofday_override_add(11, 0);
	osmo_timers_update();
	flush();
}

static void mo(uint32_t otid, const char *from, const char *to)
{
	struct msgb *p = new_msg();
	uint8_t ui[64];
	size_t n = submit(ui, to, SMS_TON_NATIONAL);
	uint8_t sca[12], oa[12];
	int nsca, noa;
	size_t mark;

	printf("MSC: MO-FSM v3 from %s TP-DA=%s SMSC=%s\n", from, to, SMSC);
	/* mo-forwardSM-Arg { sm-RP-DA serviceCentreAddressDA [4], sm-RP-OA msisdn [2], sm-RP-UI } */
	nsca = map_addr_encode(sca, sizeof(sca), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
	noa = map_addr_encode(oa, sizeof(oa), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, from);
	ber_open(p, &mark);
	ber_put_tlv(p, BER_ID(2, 0, 4), sca, nsca);
	ber_put_tlv(p, BER_ID(2, 0, 2), oa, noa);
	ber_put_tlv(p, BER_ID_OCTETSTRING, ui, n);
	ber_close(p, mark, BER_ID_SEQUENCE);
	answer_op = MAP_OP_MO_FORWARD_SM;
	net_rx(NP_GT, 8, MSC_A, 8, map_net_begin(otid, MAP_AC_SHORT_MSG_MO_RELAY, 3, MAP_OP_MO_FORWARD_SM, p));
}

static void test_mo(void)
{
	printf("\n== MO: A -> X rewritten to B, SMSC told the sender is X\n");
	mo(0x300, A, X1);
	printf("SMSC: accepted\n");
	net_rx(NP_GT, 8, SMSC, 8, end_result(MAP_OP_MO_FORWARD_SM, NULL, true, MAP_AC_SHORT_MSG_MO_RELAY, 3));

	printf("\n== MO: A -> an ordinary number, relayed unchanged\n");
	mo(0x310, A, "13900000002");
	printf("SMSC: accepted\n");
	net_rx(NP_GT, 8, SMSC, 8, end_result(MAP_OP_MO_FORWARD_SM, NULL, true, MAP_AC_SHORT_MSG_MO_RELAY, 3));

	printf("\n== MO: A -> X, the SMSC refuses\n");
	mo(0x318, A, X1);
	printf("SMSC: smDeliveryFailure\n");
	net_rx(NP_GT, 8, SMSC, 8, end_error(MAP_ERR_SM_DELIVERY_FAILURE, MAP_AC_SHORT_MSG_MO_RELAY, 3));

	printf("\n== MO: C -> X (not in the binding)\n");
	mo(0x320, C, X1);

	printf("\n== MO: mo-rewrite disabled\n");
	map_router_cfg(mr)->mo_rewrite = false;
	mo(0x330, A, X1);
	map_router_cfg(mr)->mo_rewrite = true;
}

static void test_bad(void)
{
	struct msgb *msg;
	struct tcap_tid t = map_net_tid(0x400);

	printf("\n== bad input\n");
	printf("Begin with garbage after the otid\n");
	msg = new_msg();
	memcpy(msgb_put(msg, 9), "\x62\x07\x48\x02\x04\x00\x6c\x05\x01", 9);
	net_rx(NP_GT, 8, SMSC, 8, msg);
	printf("Begin with an operation np700 does not serve (updateLocation in gateway context)\n");
	msg = new_msg();
	{
		struct tcap_oid acn;
		uint8_t par[] = { 0x30, 0x00 };

		map_acn(&acn, MAP_AC_SHORT_MSG_GATEWAY, 3);
		tcap_enc_begin_invoke(msg, &t, &acn, 1, 2, par, sizeof(par));
	}
	net_rx(NP_GT, 8, SMSC, 8, msg);
	printf("Continue for a dialogue np700 does not have\n");
	msg = new_msg();
	{
		struct tcap_tid o = map_net_tid(0x401), d = map_net_tid(0x7777);

		tcap_enc_continue_invoke(msg, &o, &d, 1, 44, (uint8_t[]){ 0x30, 0x00 }, 2);
	}
	net_rx(NP_GT, 8, SMSC, 8, msg);
	printf("MT-FSM with a malformed argument\n");
	msg = new_msg();
	{
		struct tcap_oid acn;
		uint8_t par[] = { 0x30, 0x03, 0x80, 0x01, 0x12 };

		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		tcap_enc_begin_invoke(msg, &t, &acn, 1, 44, par, sizeof(par));
	}
	net_rx(NP_GT, 8, SMSC, 8, msg);
}

/* An End from a peer with the given components on np700's last dialogue */
static struct msgb *end_comps(int ac, const struct tcap_component *comps, unsigned int n)
{
	struct msgb *msg = new_msg();
	struct tcap_msg m;

	tcap_msg_init(&m, TCAP_END);
	m.dtid = last_otid;
	m.dlg.pdu = TCAP_DLG_AARE;
	m.dlg.proto_version_present = true;
	map_acn(&m.dlg.acn, ac, 3);
	m.num_comp = n;
	if (n)
		memcpy(m.comp, comps, n * sizeof(*comps));
	if (tcap_encode(msg, &m) < 0)
		printf("  !! encode\n");
	return msg;
}

/* An mt-forwardSM argument to the last correlation IMSI for TPDU \a ui with the Rel-7 elements
 * smDeliveryTimer (600) and smDeliveryStartTime after the mandatory ones */
static struct msgb *mt_arg_rel7(const uint8_t *ui, size_t n)
{
	struct msgb *p = new_msg(), *q = new_msg();
	struct ber_tlv seq;
	size_t mark;

	map_enc_fwd_sm(q, corr_imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, false);
	OSMO_ASSERT(ber_read_exact(msgb_data(q), msgb_length(q), &seq) == 0);
	ber_begin(p, BER_ID_SEQUENCE, &mark);
	ber_put_raw(p, seq.val, seq.len);
	ber_put_raw(p, (const uint8_t *)"\x02\x02\x02\x58\x04\x04\xe9\x3c\x2a\x10", 10);
	ber_end(p, mark);
	msgb_free(q);
	return p;
}

/* What real peers send besides the plain flows (TS 29.002, Q.773/Q.774) */
static void test_peer_variants(void)
{
	/* informServiceCentre { mw-Status { mnrf } }, the HLR's own invoke (12.6) */
	static const uint8_t isc[] = { 0x30, 0x04, 0x03, 0x02, 0x02, 0x40 };
	struct tcap_component comps[2] = {
		{ .type = TCAP_COMP_INVOKE, .invoke_id_present = true, .invoke_id = 2, .op_present = true,
		  .opcode = MAP_OP_INFORM_SERVICE_CENTRE, .param = isc, .param_len = sizeof(isc) },
	};
	struct msgb *p, *msg;
	uint8_t ui[64];
	size_t n;

	printf("\n== peer variants\n");
	printf("-- HLR: End { Invoke informServiceCentre, ReturnError absentSubscriberSM }\n");
	smsc_sri_sm_keep(0x600, X1);
	smsc_mt(0x601, 3, corr_imsi, A, -1, 0, 0, false);
	comps[1] = (struct tcap_component){ .type = TCAP_COMP_RETURN_ERROR, .invoke_id_present = true, .invoke_id = 1,
					    .error_code = MAP_ERR_ABSENT_SUBSCRIBER_SM };
	net_rx(NP_GT, 8, B, 6, end_comps(MAP_AC_SHORT_MSG_GATEWAY, comps, 2));

	printf("-- HLR: End { Invoke informServiceCentre, ReturnResultLast SRI-SM }: delivered\n");
	smsc_sri_sm_keep(0x610, X1);
	smsc_mt(0x611, 3, corr_imsi, A, -1, 0, 0, false);
	p = new_msg();
	map_enc_sri_sm_res(p, IMSI_B, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, MSC_B, NULL);
	comps[1] = (struct tcap_component){ .type = TCAP_COMP_RR_LAST, .invoke_id_present = true, .invoke_id = 1,
					    .op_present = true, .opcode = MAP_OP_SEND_ROUTING_INFO_FOR_SM,
					    .param = msgb_data(p), .param_len = msgb_length(p) };
	net_rx(NP_GT, 8, B, 6, end_comps(MAP_AC_SHORT_MSG_GATEWAY, comps, 2));
	msgb_free(p);
	msc_delivers(MSC_B, 3);

	printf("-- MSC: End with the AARE and no component: not delivered\n");
	smsc_sri_sm_keep(0x620, X1);
	smsc_mt(0x621, 3, corr_imsi, A, -1, 0, 0, false);
	hlr_answers(B, IMSI_B, MSC_B);
	net_rx(NP_GT, 8, MSC_B, 8, end_comps(MAP_AC_SHORT_MSG_MT_RELAY, NULL, 0));

	printf("-- SMSC: MT-FSM v3 with smDeliveryTimer 600 and smDeliveryStartTime (Rel-7)\n");
	smsc_sri_sm_keep(0x630, X1);
	n = deliver(ui, A, SMS_TON_INTERNATIONAL, -1, 0, 0, false);
	answer_op = MAP_OP_MT_FORWARD_SM;
	net_rx(NP_GT, 8, SMSC, 8, map_net_begin(0x631, MAP_AC_SHORT_MSG_MT_RELAY, 3, MAP_OP_MT_FORWARD_SM,
						mt_arg_rel7(ui, n)));
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 3);

	printf("-- SMSC: status report to X about the message A sent to B through X (TP-RA=B): to A, TP-RA=X\n");
	smsc_sri_sm_keep(0x638, X1);
	n = 0;
	ui[n++] = 0x06;		/* SMS-STATUS-REPORT, no more messages */
	ui[n++] = 0x33;		/* TP-MR */
	n += sms_addr_encode(ui + n, 20, SMS_TON_INTERNATIONAL, SMS_NPI_ISDN, B);
	memcpy(ui + n, "\x62\x11\x28\x08\x00\x00\x00\x62\x11\x28\x08\x00\x01\x00", 14);
	n += 14;
	ui[n++] = 0x00;		/* TP-ST: received by the SME */
	p = new_msg();
	map_enc_fwd_sm(p, corr_imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, false);
	answer_op = MAP_OP_MT_FORWARD_SM;
	net_rx(NP_GT, 8, SMSC, 8, map_net_begin(0x639, MAP_AC_SHORT_MSG_MT_RELAY, 3, MAP_OP_MT_FORWARD_SM, p));
	hlr_answers(A, IMSI_A, MSC_A);
	msc_delivers(MSC_A, 3);

	printf("-- GMSC: SRI v3 whose argument is not BER: Reject, with the AARE\n");
	p = new_msg();
	ber_put_tlv(p, BER_ID_SEQUENCE, (const uint8_t *)"\x80\x05\x91\x68", 4);
	net_rx(X1, 6, "8613900000999", 8, map_net_begin(0x640, MAP_AC_LOC_INFO_RETRIEVAL, 3,
							MAP_OP_SEND_ROUTING_INFO, p));

	printf("-- GMSC: SRI v3, invoke id -56 (0xc8), argument without its mandatory elements\n");
	p = new_msg();
	msg = new_msg();
	ber_put_tlv(p, BER_ID_SEQUENCE, NULL, 0);
	{
		struct tcap_tid t = map_net_tid(0x650);
		struct tcap_oid acn;

		map_acn(&acn, MAP_AC_LOC_INFO_RETRIEVAL, 3);
		tcap_enc_begin_invoke(msg, &t, &acn, -56, MAP_OP_SEND_ROUTING_INFO, msgb_data(p), msgb_length(p));
	}
	msgb_free(p);
	net_rx(X1, 6, "8613900000999", 8, msg);

	printf("-- SMSC: SRI-SM v1 for an unbound X: absentSubscriber (v1 has no absentSubscriberSM)\n");
	p = new_msg();
	map_enc_sri_sm(p, MAP_TON_NATIONAL, MAP_NPI_ISDN, XU, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
	answer_op = MAP_OP_SEND_ROUTING_INFO_FOR_SM;
	net_rx(XU, 6, SMSC, 8, map_net_begin(0x660, MAP_AC_SHORT_MSG_GATEWAY, 1, MAP_OP_SEND_ROUTING_INFO_FOR_SM, p));
}

/* TS 29.002: a dialogue opened with the dialogue request alone, its request in the next message;
 * and a forwarded message too long for one UDT */
static struct msgb *begin_aarq_only(uint32_t otid, const struct tcap_oid *acn)
{
	struct msgb *msg = new_msg();
	struct tcap_msg m;

	tcap_msg_init(&m, TCAP_BEGIN);
	m.otid = map_net_tid(otid);
	m.dlg.pdu = TCAP_DLG_AARQ;
	m.dlg.proto_version_present = true;
	m.dlg.acn = *acn;
	tcap_encode(msg, &m);
	return msg;
}

/* the initiator's Continue carrying its request \a op with argument \a par (freed) */
static struct msgb *continue_request(const struct tcap_tid *peer, const struct tcap_tid *ours, int op,
				     struct msgb *par)
{
	struct msgb *msg = new_msg();

	tcap_enc_continue_invoke(msg, peer, ours, 1, op, msgb_data(par), msgb_length(par));
	msgb_free(par);
	answer_op = op;
	return msg;
}

static void test_open_and_long(void)
{
	struct tcap_tid peer = map_net_tid(0x700), ours;
	struct msgb *msg, *p;
	struct tcap_oid acn;
	uint8_t ui[200];
	size_t n;

	printf("\n== dialogue opened without a request\n");
	smsc_sri_sm_keep(0x6ff, X1);
	printf("SMSC: Begin with AARQ shortMsgMT-Relay v3 only\n");
	map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
	net_rx(NP_GT, 8, SMSC, 8, begin_aarq_only(0x700, &acn));
	ours = last_otid;
	printf("SMSC: Continue with the MT-FSM\n");
	p = new_msg();
	n = deliver(ui, A, SMS_TON_INTERNATIONAL, -1, 0, 0, false);
	map_enc_fwd_sm(p, corr_imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, false);
	net_rx(NP_GT, 8, SMSC, 8, continue_request(&peer, &ours, MAP_OP_MT_FORWARD_SM, p));
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 3);

	printf("-- opened, then the SMSC ends it: nothing to answer\n");
	net_rx(NP_GT, 8, SMSC, 8, begin_aarq_only(0x701, &acn));
	msg = new_msg();
	{
		struct tcap_msg m;

		tcap_msg_init(&m, TCAP_END);
		m.dtid = last_otid;
		tcap_encode(msg, &m);
	}
	net_rx(NP_GT, 8, SMSC, 8, msg);
	printf("-- opened, then nothing: after the peer timeout np700 aborts it\n");
	net_rx(NP_GT, 8, SMSC, 8, begin_aarq_only(0x702, &acn));
	printf("(11 s pass)\n");
	osmo_gettimeofday_override_add(11, 0);
	osmo_timers_update();
	flush();
	printf("dialogues %u\n", map_router_txn_count(mr));
	printf("-- shortMsgGateway v3 opened, SRI-SM for an unbound X in the Continue: the v3 error\n");
	map_acn(&acn, MAP_AC_SHORT_MSG_GATEWAY, 3);
	net_rx(XU, 6, SMSC, 8, begin_aarq_only(0x703, &acn));
	ours = last_otid;
	peer = map_net_tid(0x703);
	p = new_msg();
	map_enc_sri_sm(p, MAP_TON_NATIONAL, MAP_NPI_ISDN, XU, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
	net_rx(XU, 6, SMSC, 8, continue_request(&peer, &ours, MAP_OP_SEND_ROUTING_INFO_FOR_SM, p));

	printf("\n== 140 octets of text and the Rel-7 elements: the forwarded MT-FSM does not fit one UDT"
	       " (272-octet SIF), so it goes in XUDT segments\n");
	smsc_sri_sm_keep(0x710, X1);
	n = deliver(ui, A, SMS_TON_INTERNATIONAL, -1, 0, 0, false);
	/* replace "hello" (UDL 5) by 140 octets of 8-bit data */
	n -= 6;
	ui[n++] = 140;
	memset(ui + n, 'z', 140);
	n += 140;
	answer_op = MAP_OP_MT_FORWARD_SM;
	net_rx(NP_GT, 8, SMSC, 8, map_net_begin(0x711, MAP_AC_SHORT_MSG_MT_RELAY, 3, MAP_OP_MT_FORWARD_SM,
						mt_arg_rel7(ui, n)));
	hlr_answers(B, IMSI_B, MSC_B);
	msc_delivers(MSC_B, 3);
}

/* Mutated copies of real messages (an SMSC's MT-FSM and SRI-SM, an HLR's and an MSC's answer on
 * live dialogues) must never crash np700 nor leave dialogues behind after the timeout. */
static void test_mutations(void)
{
	uint8_t seeds[4][300], buf[300];
	size_t seed_len[4];
	unsigned int i, j, n = 0;
	struct msgb *p;

	printf("\n== mutated messages\n");
	/* seed 0: an MT-FSM for a live correlation; 1: SRI-SM; 2/3: HLR / MSC answers to live dialogues */
	smsc_sri_sm_keep(0x600, X1);
	smsc_mt(0x601, 3, corr_imsi, A, -1, 0, 0, false);
	p = new_msg();
	map_enc_sri_sm_res(p, IMSI_B, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, MSC_B, NULL);
	{
		struct msgb *e = end_result(MAP_OP_SEND_ROUTING_INFO_FOR_SM, p, true, MAP_AC_SHORT_MSG_GATEWAY, 3);

		memcpy(seeds[2], msgb_data(e), msgb_length(e));
		seed_len[2] = msgb_length(e);
		msgb_free(e);
	}
	{
		struct msgb *e = end_error(MAP_ERR_ABSENT_SUBSCRIBER_SM, MAP_AC_SHORT_MSG_MT_RELAY, 3);

		memcpy(seeds[3], msgb_data(e), msgb_length(e));
		seed_len[3] = msgb_length(e);
		msgb_free(e);
	}
	{
		uint8_t ui[64];
		size_t un = deliver(ui, A, SMS_TON_INTERNATIONAL, 3, 1, 2, true);
		struct msgb *q = new_msg(), *b;

		map_enc_fwd_sm(q, corr_imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, un, true);
		b = map_net_begin(0x602, MAP_AC_SHORT_MSG_MT_RELAY, 3, MAP_OP_MT_FORWARD_SM, q);
		memcpy(seeds[0], msgb_data(b), msgb_length(b));
		seed_len[0] = msgb_length(b);
		msgb_free(b);
		q = new_msg();
		map_enc_sri_sm(q, MAP_TON_NATIONAL, MAP_NPI_ISDN, X1, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
		b = map_net_begin(0x603, MAP_AC_SHORT_MSG_GATEWAY, 3, MAP_OP_SEND_ROUTING_INFO_FOR_SM, q);
		memcpy(seeds[1], msgb_data(b), msgb_length(b));
		seed_len[1] = msgb_length(b);
		msgb_free(b);
	}
	srand(700);
	for (i = 0; i < 20000; i++) {
		unsigned int s = i % 4, len = seed_len[s];
		struct msgb *m = new_msg();

		memcpy(buf, seeds[s], len);
		for (j = 0; j < 1 + (unsigned int)(rand() % 3); j++) {
			switch (rand() % 4) {
			case 0:
				buf[rand() % len] = rand();
				break;
			case 1:
				buf[rand() % len] ^= 1 << (rand() % 8);
				break;
			case 2:
				len = 1 + rand() % len;
				break;
			default:
				buf[rand() % len] = 0x80 | (rand() % 4);
			}
		}
		memcpy(msgb_put(m, len), buf, len);
		n++;
		quiet = true;
		net_rx(s >= 2 ? NP_GT : s == 1 ? X1 : NP_GT, s == 1 ? 6 : 8, s >= 2 ? MSC_B : SMSC, 8, m);
		quiet = false;
	}
	quiet = true;
	osmo_gettimeofday_override_add(61, 0);
	osmo_timers_update();
	osmo_gettimeofday_override_add(61, 0);
	osmo_timers_update();
	quiet = false;
	printf("%u mutated messages handled; afterwards correlations %u, dialogues %u\n", n,
	       map_router_corr_count(mr), map_router_txn_count(mr));
}

static void test_expiry(void)
{
	char imsi[16];

	printf("\n== correlation expiry\n");
	smsc_sri_sm_keep(0x500, X1);
	OSMO_STRLCPY_ARRAY(imsi, corr_imsi);
	printf("correlations %u, dialogues %u\n", map_router_corr_count(mr), map_router_txn_count(mr));
	printf("(61 s pass)\n");
	osmo_gettimeofday_override_add(61, 0);
	osmo_timers_update();
	printf("correlations %u, dialogues %u\n", map_router_corr_count(mr), map_router_txn_count(mr));
	smsc_mt(0x501, 3, imsi, A, -1, 0, 0, false);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* correlation IMSIs must not be guessable from one another: drawn at random inside the range,
 * distinct while in use; a range that fills up is used to its last IMSI, then refused */
static void test_corr_random(void)
{
	struct map_router_cfg *cfg = map_router_cfg(mr);
	uint64_t first = cfg->corr_first, last = cfg->corr_last, tenth = (last - first + 1) / 10;
	uint64_t sorted[ARRAY_SIZE(collected)];
	unsigned int i, n, outside = 0, dup = 0, succ = 0, up = 0, complete = 1;

	printf("\n== correlation IMSIs are random\n");
	collect = true;
	n_collected = 0;
	for (i = 0; i < ARRAY_SIZE(collected); i++)
		sri_sm_rx(0x10000 + i, X1);
	collect = false;
	n = n_collected;
	for (i = 0; i < n; i++) {
		outside += collected[i] < first || collected[i] > last;
		if (i) {
			succ += collected[i] == collected[i - 1] + 1;
			up += collected[i] > collected[i - 1];
		}
	}
	memcpy(sorted, collected, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), cmp_u64);
	for (i = 1; i < n; i++)
		dup += sorted[i] == sorted[i - 1];
	printf("%zu SRI-SM for X: %u answered with an IMSI, %u outside the range, %u duplicates\n",
	       ARRAY_SIZE(collected), n, outside, dup);
	/* a sequence has n - 1 successors and n - 1 ascending steps; random draws from 10^6 have
	 * about 0.001 successors and (n - 1) / 2 +- 16 ascending steps */
	printf("successors (next = previous + 1): %s\n", succ < 5 ? "fewer than 5" : "5 or more");
	printf("ascending steps: %s\n", up > 400 && up < 600 ? "between 400 and 600" : "outside 400..600");
	printf("spread: one in the first tenth of the range %s, one in the last tenth %s\n",
	       n && sorted[0] < first + tenth ? "yes" : "no", n && sorted[n - 1] > last - tenth ? "yes" : "no");
	printf("correlations %u\n", map_router_corr_count(mr));
	osmo_gettimeofday_override_add(61, 0);
	osmo_timers_update();
	printf("(61 s pass) correlations %u\n", map_router_corr_count(mr));

	printf("a range of 10 IMSIs: 10 SRI-SM\n");
	cfg->corr_first = last - 9;
	collect = true;
	n_collected = 0;
	for (i = 0; i < 10; i++)
		sri_sm_rx(0x11000 + i, X1);
	collect = false;
	n = n_collected;
	memcpy(sorted, collected, n * sizeof(sorted[0]));
	qsort(sorted, n, sizeof(sorted[0]), cmp_u64);
	for (i = 0; i < n; i++)
		complete &= sorted[i] == last - 9 + i;
	printf("%u answered; together they are the whole range: %s\n", n, n == 10 && complete ? "yes" : "no");
	printf("the 11th:\n");
	smsc_sri_sm(0x11010, X1);
	osmo_gettimeofday_override_add(61, 0);
	osmo_timers_update();
	cfg->corr_first = first;
	printf("(61 s pass) correlations %u\n", map_router_corr_count(mr));
}

static void print_ctrs(void)
{
	struct rate_ctr_group *cg = map_router_ctrs(mr);
	unsigned int i;

	printf("\n== counters\n");
	for (i = 0; i < cg->desc->num_ctr; i++)
		if (rate_ctr_group_get_ctr(cg, i)->current)
			printf("%s %" PRIu64 "\n", cg->desc->ctr_desc[i].name, rate_ctr_group_get_ctr(cg, i)->current);
}

int main(int argc, char **argv)
{
	char cmd[128];

	setenv("TZ", "UTC0", 1);
	tzset();
	ctx = talloc_named_const(NULL, 0, "map_router_test");
	msgb_talloc_ctx_init(ctx, 0);
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_timestamp(osmo_stderr_target, 0);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DMAP, 1, LOGL_INFO);

	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time.tv_sec = NOW;
	osmo_gettimeofday_override_time.tv_usec = 0;

	snprintf(dir, sizeof(dir), "/tmp/np700_map_router_test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	setup();
	test_sri();
	test_mt();
	test_more_msgs_end();
	test_mo();
	test_bad();
	test_peer_variants();
	test_open_and_long();
	test_expiry();
	test_corr_random();
	printf("\ncorrelations %u, dialogues %u\n", map_router_corr_count(mr), map_router_txn_count(mr));
	print_ctrs();
	test_mutations();

	map_router_free(mr);
	np700_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("cleanup failed\n");
	printf("done\n");
	return 0;
}
