/* libFuzzer target for the MAP router: a sequence of dialogues from an SMSC, HLRs, MSCs and a
 * GMSC — well-formed ones built from the input, answers to what np700 itself asked, and hostile
 * bytes — with time passing in between, must never crash or leak. Properties (abort on violation):
 *  - whatever np700 sends is an SCCP message that parses, and what the router itself sends (not
 *    a raw SCCP input it relays by GT) is TCAP that decodes;
 *  - once every timeout has run out, no correlation, no relayed dialogue and no timer is left,
 *    and the talloc block count is back where it was before the input.
 * The store is stubbed: X in 7001... belongs to a customer, bound when its last digit is odd; the
 * decision and the record writer are decide_stub.h's, as in isup_relay_fuzz.
 *
 * Input: records of [op][len][bytes]. op bit 7: 20 s pass first; bits 0-3: what to send —
 *  0 the bytes as an SCCP message from the STP;      1 the bytes as TCAP from the SMSC (SSN 8,
 *  bit 4: to SSN 6);  2 SRI-SM for an X;  3 MT-forwardSM to the last correlation IMSI (or an IMSI
 *  of the bytes);  4 the HLR's answer to np700's last query;  5 the MSC's answer to np700's last
 *  MT-forwardSM;  6 the SMSC's next MT-forwardSM on its open dialogue;  7 MO-forwardSM from an
 *  MSC;  8 SRI for an X from a GMSC;  9 a Continue/End/Abort with hostile components on the
 *  dialogue np700 opened last.
 *
 * Build and run: tests/fuzz/build_fuzz.sh map_router_fuzz [SECONDS] */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/ber.h>
#include <np700/logging.h>
#include <np700/map.h>
#include <np700/map_router.h>
#include <np700/np700.h>
#include <np700/sccp.h>
#include <np700/sms_tpdu.h>
#include <np700/store.h>
#include <np700/tcap.h>

#include "../map_net.h"
#include "decide_stub.h"

#define SMSC	"8613800100500"
#define MSC	"8613900000123"
#define GMSC	"8613900000999"

/* --- the rest of the store, stubbed */

int np700_store_pool_owner(struct np700_store *st, const char *x, uint32_t *customer_id)
{
	if (strncmp(x, "7001", 4))
		return -ENOENT;
	*customer_id = 1;
	return 0;
}

int np700_store_customer_get(struct np700_store *st, uint32_t id, struct np700_customer *c)
{
	memset(c, 0, sizeof(*c));
	c->id = id;
	return 0;
}

int np700_store_binding_list_number(struct np700_store *st, const char *x, np700_binding_cb cb, void *data)
{
	static struct np700_binding b = { .id = 1, .mode = NP700_MODE_AXB, .a = STUB_A, .b = STUB_B };
	size_t n = strlen(x);

	return n && (x[n - 1] & 1) ? cb(&b, data) : 0;
}

/* --- what np700 sends */

static bool router_only;	/* the message being handled cannot be relayed on by GT */
static struct tcap_tid hlr_dtid, msc_dtid, smsc_dtid, last_dtid;	/* np700's otids, per peer */
static char corr_imsi[16];	/* the last correlation IMSI np700 handed out */

static void note_sent(const struct sccp_msg *sm, const struct tcap_msg *m)
{
	const struct tcap_component *c = tcap_first_comp(m, TCAP_COMP_RR_LAST);
	struct map_sri_sm_res r;

	if (m->type == TCAP_BEGIN || m->type == TCAP_CONTINUE) {
		last_dtid = m->otid;
		if (!strcmp(sm->called.digits, SMSC))
			smsc_dtid = m->otid;
		else if (sm->called.ssn == 6)
			hlr_dtid = m->otid;
		else
			msc_dtid = m->otid;
	}
	if (c && c->param && map_dec_sri_sm_res(&r, c->param, c->param_len) == 0)
		OSMO_STRLCPY_ARRAY(corr_imsi, r.imsi);
}

static int tx_cb(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct sccp_msg sm;
	struct tcap_msg m;

	if (sccp_msg_parse(&sm, data, len, SCCP_VAR_ITU, NULL) < 0)
		abort();
	if (sccp_msgt_service(sm.type) || sm.seg_present)
		return 0;
	if (tcap_decode(&m, sm.data, sm.data_len) < 0) {
		if (router_only)
			abort();
		return 0;
	}
	note_sent(&sm, &m);
	return 0;
}

/* --- the network side */

static void *ctx;
static struct np700 g;
static struct sccp_relay *relay;
static struct map_router *mr;

static void msg_rx(const char *cd_gt, uint8_t cd_ssn, const char *cg_gt, uint8_t cg_ssn, struct msgb *tcap)
{
	map_net_udt_rx(relay, cd_gt, cd_ssn, cg_gt, cg_ssn, msgb_data(tcap), msgb_length(tcap));
	msgb_free(tcap);
}

/* the input's bytes, read one at a time; 0 once they are used up */
struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd8(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static uint32_t rd32(struct rd *r)
{
	uint32_t v = rd8(r);

	v = (v << 8) | rd8(r);
	v = (v << 8) | rd8(r);
	return (v << 8) | rd8(r);
}

static const char *const xs[] = { "700100000000001", "700100000000002", "700900000000001", "70010000000000",
				  "8670010000000003", "0700100000000005" };
static const char *const senders[] = { STUB_A, STUB_B, "8613700000003", "13800138000", "" };

static const char *pick(struct rd *r, const char *const *list, size_t n)
{
	return list[rd8(r) % n];
}

/* an SMS-DELIVER from \a oa, maybe one part of a concatenated message */
static size_t deliver(uint8_t *buf, struct rd *r, const char *oa, bool more)
{
	uint8_t f = rd8(r);
	size_t n = 0;

	buf[n++] = (more ? 0x00 : 0x04) | (f & 1 ? 0x40 : 0);
	n += sms_addr_encode(buf + n, 20, f & 2 ? SMS_TON_NATIONAL : SMS_TON_INTERNATIONAL, SMS_NPI_ISDN, oa);
	buf[n++] = 0x00;
	buf[n++] = 0x04;
	memcpy(buf + n, "\x62\x11\x28\x08\x00\x00\x00", 7);
	n += 7;
	if (f & 1) {
		buf[n++] = 6 + 2;
		memcpy(buf + n, (uint8_t[]){ 5, 0, 3, rd8(r), 1 + (f >> 4 & 3), 1 + (f >> 6) }, 6);
		n += 6;
	} else {
		buf[n++] = 2;
	}
	memcpy(buf + n, "hi", 2);
	return n + 2;
}

static void mt_fsm(struct rd *r, struct msgb *p)
{
	char imsi[16];
	uint8_t ui[64];
	uint8_t f = rd8(r);
	size_t n = deliver(ui, r, pick(r, senders, ARRAY_SIZE(senders)), f & 1);

	if (f & 2 || !corr_imsi[0])
		snprintf(imsi, sizeof(imsi), "46000999%07u", rd32(r) % 10000000);
	else
		OSMO_STRLCPY_ARRAY(imsi, corr_imsi);
	map_enc_fwd_sm(p, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, n, f & 1);
}

static void op_sri_sm(struct rd *r)
{
	struct msgb *p = msgb_alloc(1024, "fuzz");
	const char *x = pick(r, xs, ARRAY_SIZE(xs));
	uint8_t f = rd8(r);

	map_enc_sri_sm(p, f & 1 ? MAP_TON_INTERNATIONAL : MAP_TON_NATIONAL, MAP_NPI_ISDN, x, f & 2,
		       MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
	msg_rx(x[0] == '7' ? x : NP_GT, 6, SMSC, 8,
	       map_net_begin(rd32(r), MAP_AC_SHORT_MSG_GATEWAY, 1 + (f >> 2) % 3, MAP_OP_SEND_ROUTING_INFO_FOR_SM, p));
}

static void op_mt(struct rd *r)
{
	struct msgb *p = msgb_alloc(1024, "fuzz");
	int version = 2 + rd8(r) % 2;

	mt_fsm(r, p);
	msg_rx(NP_GT, 8, SMSC, 8, map_net_begin(rd32(r), MAP_AC_SHORT_MSG_MT_RELAY, version,
					version >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM, p));
}

/* an answer on np700's dialogue \a dtid: result (with \a res as parameter), error, abort, reject */
static void answer(struct rd *r, const struct tcap_tid *dtid, const char *from, uint8_t ssn, int ac, int op,
		   struct msgb *res)
{
	struct msgb *msg = msgb_alloc(1024, "fuzz");
	struct tcap_tid mine = map_net_tid(rd32(r));
	struct tcap_oid acn;
	uint8_t f = rd8(r);
	int version = 2 + (f >> 4) % 2;

	map_acn(&acn, ac, version);
	switch (f & 7) {
	case 0:
	case 1:
		tcap_enc_end_result(msg, dtid, f & 8 ? &acn : NULL, 1, op, res ? msgb_data(res) : NULL,
				    res ? msgb_length(res) : 0);
		break;
	case 2:
		tcap_enc_continue_result(msg, &mine, dtid, &acn, 1, op, res ? msgb_data(res) : NULL,
					 res ? msgb_length(res) : 0);
		break;
	case 3:
		tcap_enc_end_error(msg, dtid, &acn, 1, rd8(r) % 72, NULL, 0);
		break;
	case 4:
		tcap_enc_abort_acn_not_supported(msg, dtid, &acn);
		break;
	case 5:
		tcap_enc_pabort(msg, dtid, rd8(r) % 5);
		break;
	case 6:
		tcap_enc_abort_user(msg, dtid, f & 8, f & 32 ? map_user_abort_info : NULL, MAP_USER_ABORT_INFO_LEN);
		break;
	default: {
		int type = rd8(r) % 4;

		tcap_enc_end_reject(msg, dtid, NULL, 1, type, rd8(r) % 8);
		break;
	}
	}
	msgb_free(res);
	msg_rx(NP_GT, 8, from, ssn, msg);
}

static void op_hlr(struct rd *r)
{
	struct msgb *res = msgb_alloc(1024, "fuzz");
	char imsi[16];

	snprintf(imsi, sizeof(imsi), "4600022%08u", rd32(r) % 100000000);
	map_enc_sri_sm_res(res, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, rd8(r) & 1 ? MSC : "", NULL);
	answer(r, &hlr_dtid, rd8(r) & 1 ? STUB_A : STUB_B, 6, MAP_AC_SHORT_MSG_GATEWAY,
	       MAP_OP_SEND_ROUTING_INFO_FOR_SM, res);
}

static void op_msc(struct rd *r)
{
	answer(r, &msc_dtid, MSC, 8, MAP_AC_SHORT_MSG_MT_RELAY, MAP_OP_MT_FORWARD_SM, NULL);
}

static void op_smsc_next(struct rd *r)
{
	struct msgb *msg = msgb_alloc(1024, "fuzz"), *p = msgb_alloc(1024, "fuzz");
	struct tcap_tid mine = map_net_tid(rd32(r));

	mt_fsm(r, p);
	tcap_enc_continue_invoke(msg, &mine, &smsc_dtid, 2, MAP_OP_MT_FORWARD_SM, msgb_data(p), msgb_length(p));
	msgb_free(p);
	msg_rx(NP_GT, 8, SMSC, 8, msg);
}

static void op_mo(struct rd *r)
{
	struct msgb *p = msgb_alloc(1024, "fuzz");
	const char *to = pick(r, xs, ARRAY_SIZE(xs)), *from = pick(r, senders, ARRAY_SIZE(senders));
	uint8_t ui[64], sca[12], oa[12];
	int nsca, noa, version;
	size_t n = 0, mark;

	ui[n++] = 0x01;
	ui[n++] = rd8(r);
	n += sms_addr_encode(ui + n, 20, rd8(r) & 1 ? SMS_TON_INTERNATIONAL : SMS_TON_NATIONAL, SMS_NPI_ISDN,
			     to[0] == '0' ? to + 1 : to);
	memcpy(ui + n, "\x00\x04\x02hi", 5);
	n += 5;
	nsca = map_addr_encode(sca, sizeof(sca), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
	noa = map_addr_encode(oa, sizeof(oa), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, from[0] ? from : STUB_A);
	ber_open(p, &mark);
	ber_put_tlv(p, BER_ID(2, 0, 4), sca, nsca);
	ber_put_tlv(p, BER_ID(2, 0, 2), oa, noa);
	ber_put_tlv(p, BER_ID_OCTETSTRING, ui, n);
	ber_close(p, mark, BER_ID_SEQUENCE);
	version = 2 + rd8(r) % 2;
	msg_rx(NP_GT, 8, MSC, 8, map_net_begin(rd32(r), MAP_AC_SHORT_MSG_MO_RELAY, version, MAP_OP_MO_FORWARD_SM, p));
}

static void op_sri(struct rd *r)
{
	struct msgb *p = msgb_alloc(1024, "fuzz");
	const char *x = pick(r, xs, ARRAY_SIZE(xs));
	int version = 1 + rd8(r) % 3;

	map_enc_sri(p, version, MAP_TON_NATIONAL, MAP_NPI_ISDN, x, version >= 3 ? GMSC : NULL);
	msg_rx(x[0] == '7' ? x : NP_GT, 6, GMSC, 8, map_net_begin(rd32(r), MAP_AC_LOC_INFO_RETRIEVAL, version,
							  MAP_OP_SEND_ROUTING_INFO, p));
}

/* a message on np700's last dialogue whose components are the input's (types, ids, codes, bytes) */
static void op_hostile_comp(struct rd *r)
{
	static const int types[] = { TCAP_CONTINUE, TCAP_END, TCAP_ABORT };
	static const int comps[] = { TCAP_COMP_INVOKE, TCAP_COMP_RR_LAST, TCAP_COMP_RETURN_ERROR, TCAP_COMP_REJECT,
				     TCAP_COMP_RR_NOTLAST };
	struct msgb *msg = msgb_alloc(1024, "fuzz");
	struct tcap_msg m;
	uint8_t param[64];
	unsigned int i, k;

	tcap_msg_init(&m, types[rd8(r) % ARRAY_SIZE(types)]);
	m.dtid = last_dtid;
	if (m.type == TCAP_CONTINUE)
		m.otid = map_net_tid(rd32(r));
	m.num_comp = m.type == TCAP_ABORT ? 0 : 1 + rd8(r) % 2;
	for (i = 0; i < m.num_comp; i++) {
		struct tcap_component *c = &m.comp[i];
		size_t n = rd8(r) % sizeof(param);

		c->type = comps[rd8(r) % ARRAY_SIZE(comps)];
		c->invoke_id_present = true;
		c->invoke_id = (int8_t)rd8(r);
		c->op_present = c->type != TCAP_COMP_RETURN_ERROR && c->type != TCAP_COMP_REJECT;
		c->opcode = rd8(r) % 70;
		c->error_code = rd8(r) % 72;
		c->problem_type = rd8(r) % 4;
		c->problem = rd8(r) % 8;
		for (k = 0; k < n; k++)
			param[k] = rd8(r);
		/* a parameter is a complete element: a SEQUENCE around the input's bytes */
		if (n >= 2) {
			param[0] = BER_ID_SEQUENCE;
			param[1] = n - 2;
			c->param = param;
			c->param_len = n;
		}
	}
	if (tcap_encode(msg, &m) == 0)
		msg_rx(NP_GT, 8, rd8(r) & 1 ? MSC : SMSC, 8, msg);
	else
		msgb_free(msg);
}

static void pass(unsigned int s)
{
	osmo_gettimeofday_override_add(s, 0);
	osmo_clock_override_add(CLOCK_MONOTONIC, s, 0);
	osmo_timers_prepare();
	osmo_timers_update();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	ctx = talloc_named_const(NULL, 0, "map_router_fuzz");
	if (getenv("NP700_FUZZ_LOG")) {
		osmo_init_logging2(ctx, &np700_log_info);
		for (i = 0; i < np700_log_info.num_cat; i++)
			log_set_category_filter(osmo_stderr_target, i, 1, LOGL_DEBUG);
	} else
		/* categories without a target: LOGP finds nobody to log to and formats nothing */
		log_init(&np700_log_info, ctx);
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1800000000 };
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	osmo_clock_override_gettimespec(CLOCK_MONOTONIC)->tv_sec = 1800000000;
	g.ctx = ctx;
	g.plan = np700_numplan_default;
	/* any non-NULL store: the stubs never look at it */
	g.store = (struct np700_store *)&g;
	mr = map_net_setup(ctx, &g, tx_cb, &relay);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t blocks = talloc_total_blocks(ctx);
	unsigned int i;
	size_t p = 0;

	corr_imsi[0] = '\0';
	while (size - p >= 2) {
		uint8_t op = data[p], len = data[p + 1];
		struct rd r;

		p += 2;
		if (len > size - p)
			len = size - p;
		r = (struct rd){ data + p, len };
		p += len;
		if (op & 0x80)
			pass(20);
		router_only = (op & 0x0f) != 0;
		switch (op & 0x0f) {
		case 0:
			sccp_relay_rx(relay, STP_PC, OWN_PC, 0, r.p, r.n);
			break;
		case 1:
			map_net_udt_rx(relay, NP_GT, op & 0x10 ? 6 : 8, SMSC, 8, r.p, r.n);
			break;
		case 2:
			op_sri_sm(&r);
			break;
		case 3:
			op_mt(&r);
			break;
		case 4:
			op_hlr(&r);
			break;
		case 5:
			op_msc(&r);
			break;
		case 6:
			op_smsc_next(&r);
			break;
		case 7:
			op_mo(&r);
			break;
		case 8:
			op_sri(&r);
			break;
		default:
			op_hostile_comp(&r);
			break;
		}
	}
	/* every dialogue and correlation times out; then nothing may be left */
	router_only = true;
	for (i = 0; i < 10; i++)
		pass(60);
	if (map_router_corr_count(mr) || map_router_txn_count(mr) || osmo_timers_check())
		abort();
	if (talloc_total_blocks(ctx) != blocks)
		abort();
	return 0;
}
