/* TCAP + MAP: encode every operation np700 handles in v2 and v3, decode it back, re-encode
 * byte-identical, rewrite single fields, and refuse malformed input with the fitting answer.
 * Lines "vec NAME HEX" are the vectors tests/tshark/map_vectors.sh feeds to tshark. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/gsm_utils.h>

#include <np700/ber.h>
#include <np700/map.h>
#include <np700/sms_tpdu.h>
#include <np700/tcap.h>

#define X	"700123456789012"	/* a protected number, national form */
#define IMSI_C	"460009999000001"	/* np700's correlation IMSI */
#define IMSI_B	"460001234567890"	/* the real recipient */
#define SMSC	"8613800100500"
#define NP_GT	"8613900000700"		/* np700's own GT */
#define MSC_B	"8613900000123"

static const char *rcname(int rc)
{
	switch (rc) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -ELOOP: return "-ELOOP";
	case -ENOSPC: return "-ENOSPC";
	case -ENODATA: return "-ENODATA";
	case -ENOENT: return "-ENOENT";
	case -EOPNOTSUPP: return "-EOPNOTSUPP";
	}
	return "other";
}

static const char *hex(const uint8_t *d, size_t len)
{
	return osmo_hexdump_nospc(d, len);
}

static void print_addr(const char *name, const struct map_addr *a)
{
	if (a->present)
		printf(" %s=%u/%u/%s", name, a->ton, a->npi, a->digits);
}

static void print_tcap(const struct tcap_msg *m)
{
	unsigned int i;

	printf("  %s", get_value_string(tcap_msg_type_names, m->type));
	if (m->otid.len)
		printf(" otid=%s", hex(m->otid.v, m->otid.len));
	if (m->dtid.len)
		printf(" dtid=%s", hex(m->dtid.v, m->dtid.len));
	if (m->p_abort_present)
		printf(" p-abort=%s", get_value_string(tcap_pabort_cause_names, m->p_abort_cause));
	if (m->dlg.pdu != TCAP_DLG_NONE) {
		int ac, ver;

		printf(" dlg=%s", get_value_string(tcap_dlg_pdu_names, m->dlg.pdu));
		if (m->dlg.acn.len && map_acn_parse(&m->dlg.acn, &ac, &ver) == 0)
			printf(" acn=%s-v%d", get_value_string(map_ac_names, ac), ver);
		if (m->dlg.pdu == TCAP_DLG_AARE)
			printf(" result=%d diag=%d/%d", m->dlg.result, m->dlg.diag_source, m->dlg.diag);
		if (m->dlg.pdu == TCAP_DLG_ABRT)
			printf(" abort-source=%d", m->dlg.abort_source);
		if (m->dlg.user_info)
			printf(" user-info=%zu", m->dlg.user_info_len);
	}
	printf("\n");
	for (i = 0; i < m->num_comp; i++) {
		const struct tcap_component *c = &m->comp[i];

		printf("  comp %s", get_value_string(tcap_comp_type_names, c->type));
		if (c->invoke_id_present)
			printf(" id=%d", c->invoke_id);
		if (c->linked_id_present)
			printf(" linked=%d", c->linked_id);
		if (c->op_present)
			printf(" op=%d", c->opcode);
		if (c->type == TCAP_COMP_RETURN_ERROR)
			printf(" error=%s", get_value_string(map_error_names, c->error_code));
		if (c->type == TCAP_COMP_REJECT)
			printf(" problem=%d/%d", c->problem_type, c->problem);
		if (c->param)
			printf(" param=%s", hex(c->param, c->param_len));
		printf("\n");
	}
}

static void print_sms(const uint8_t *ui, size_t len, bool mo)
{
	struct sms_tpdu t;
	char text[200];
	int rc = sms_tpdu_decode(&t, ui, len, mo);

	if (rc < 0) {
		printf("    tpdu: %s\n", rcname(rc));
		return;
	}
	sms_tpdu_text(&t, text, sizeof(text));
	printf("    tpdu %s %s=%u/%u/%s text=\"%s\"\n", mo ? "SUBMIT" : "DELIVER", mo ? "da" : "oa", t.addr.ton,
	       t.addr.npi, t.addr.digits, text);
}

/* decode the MAP parameter of the first component, knowing the context */
static void print_map(const struct tcap_msg *m, int ver)
{
	const struct tcap_component *c = m->num_comp ? &m->comp[0] : NULL;
	int rc;

	if (!c || !c->param)
		return;
	if (c->type == TCAP_COMP_INVOKE) {
		switch (c->opcode) {
		case MAP_OP_SEND_ROUTING_INFO: {
			struct map_sri s;

			rc = map_dec_sri(&s, c->param, c->param_len, ver);
			printf("    sri: %s", rcname(rc));
			print_addr("msisdn", &s.msisdn);
			print_addr("gmsc", &s.gmsc);
			printf(" interrogation=%d\n", s.interrogation_type);
			break;
		}
		case MAP_OP_SEND_ROUTING_INFO_FOR_SM: {
			struct map_sri_sm s;

			rc = map_dec_sri_sm(&s, c->param, c->param_len);
			printf("    sri-sm: %s", rcname(rc));
			print_addr("msisdn", &s.msisdn);
			print_addr("sca", &s.sca);
			printf(" pri=%d\n", s.sm_rp_pri);
			break;
		}
		case MAP_OP_MT_FORWARD_SM:
		case MAP_OP_FORWARD_SM: {
			struct map_fwd_sm f;

			rc = map_dec_fwd_sm(&f, c->param, c->param_len);
			printf("    fwd-sm: %s da_type=%d", rcname(rc), f.da_type);
			if (f.da_type == MAP_SM_RP_DA_IMSI)
				printf(" da_imsi=%s", f.da_imsi);
			print_addr("da", &f.da_addr);
			printf(" oa_type=%d", f.oa_type);
			print_addr("oa", &f.oa_addr);
			printf(" more=%d ui=%zu\n", f.more_msgs, f.ui_len);
			if (rc == 0)
				print_sms(f.ui, f.ui_len, f.da_type == MAP_SM_RP_DA_SCA);
			break;
		}
		}
	} else if (c->type == TCAP_COMP_RR_LAST) {
		if (c->opcode == MAP_OP_SEND_ROUTING_INFO) {
			struct map_sri_res r;

			rc = map_dec_sri_res(&r, c->param, c->param_len, ver);
			printf("    sri-res: %s imsi=%s", rcname(rc), r.imsi_present ? r.imsi : "-");
			print_addr("msrn", &r.roaming_number);
			printf("\n");
		} else if (c->opcode == MAP_OP_SEND_ROUTING_INFO_FOR_SM) {
			struct map_sri_sm_res r;

			rc = map_dec_sri_sm_res(&r, c->param, c->param_len);
			printf("    sri-sm-res: %s imsi=%s", rcname(rc), r.imsi);
			print_addr("nnn", &r.nnn);
			printf(" lmsi=%s\n", r.lmsi_present ? hex(r.lmsi, 4) : "-");
		}
	}
}

/* print a vector, decode it, check both re-encodings are byte-identical */
static void check_vec(const char *name, const uint8_t *d, size_t len, int ver)
{
	struct msgb *msg = msgb_alloc(2048, "test");
	struct tcap_msg m;
	int rc;

	printf("vec %s %s\n", name, hex(d, len));
	rc = tcap_decode(&m, d, len);
	if (rc < 0) {
		printf("  decode: %s pabort=%d problem=%d/%d\n", rcname(rc), m.err_pabort, m.err_problem_type,
		       m.err_problem);
		msgb_free(msg);
		return;
	}
	print_tcap(&m);
	print_map(&m, ver);
	rc = ber_reencode(msg, &m.msg_tlv, 0);
	printf("  ber re-encode: %s\n", rc == 0 && msgb_length(msg) == len && !memcmp(msgb_data(msg), d, len) ?
	       "identical" : "DIFFERENT");
	msgb_reset(msg);
	rc = tcap_encode(msg, &m);
	/* tcap_encode() writes the canonical form: equal for np700's own output, shorter for foreign forms */
	printf("  tcap re-encode: %s\n", rc == 0 && msgb_length(msg) == len && !memcmp(msgb_data(msg), d, len) ?
	       "identical" : "canonical form differs");
	msgb_free(msg);
}

static size_t make_deliver(uint8_t *buf, const char *oa, uint8_t ton, const char *text, bool more)
{
	static const uint8_t scts[7] = { 0x52, 0x11, 0x82, 0x11, 0x54, 0x00, 0x23 };
	size_t n = 0;
	int octets, septets;

	buf[n++] = more ? 0x00 : 0x04;	/* MTI DELIVER; TP-MMS set: no more messages */
	n += sms_addr_encode(buf + n, 12, ton, SMS_NPI_ISDN, oa);
	buf[n++] = 0x00;		/* PID */
	buf[n++] = 0x00;		/* DCS: GSM 7-bit */
	memcpy(buf + n, scts, 7);
	n += 7;
	septets = gsm_7bit_encode_n(buf + n + 1, 160, text, &octets);
	buf[n++] = septets;
	return n + octets;
}

static size_t make_submit(uint8_t *buf, const char *da, uint8_t ton, const char *text)
{
	size_t n = 0;
	int octets, septets;

	buf[n++] = 0x11;		/* MTI SUBMIT, VPF relative */
	buf[n++] = 0x42;		/* TP-MR */
	n += sms_addr_encode(buf + n, 12, ton, SMS_NPI_ISDN, da);
	buf[n++] = 0x00;
	buf[n++] = 0x00;
	buf[n++] = 0xa7;		/* VP: 24 hours */
	septets = gsm_7bit_encode_n(buf + n + 1, 160, text, &octets);
	buf[n++] = septets;
	return n + octets;
}

static struct msgb *vectors[48];
static int vector_ver[48];
static const char *vector_name[48];
static int num_vectors;

static void keep(const char *name, struct msgb *msg, int ver)
{
	OSMO_ASSERT(num_vectors < ARRAY_SIZE(vectors));
	vectors[num_vectors] = msg;
	vector_ver[num_vectors] = ver;
	vector_name[num_vectors++] = name;
	check_vec(name, msgb_data(msg), msgb_length(msg), ver);
}

static struct msgb *begin(int ac, int ver, int opcode, struct msgb *param)
{
	struct msgb *msg = msgb_alloc(1024, "vec");
	struct tcap_tid otid;
	struct tcap_oid acn;

	tcap_tid_set(&otid, 0x01020304);
	map_acn(&acn, ac, ver);
	if (tcap_enc_begin_invoke(msg, &otid, &acn, 1, opcode, msgb_data(param), msgb_length(param)) < 0)
		printf("begin: encode failed\n");
	msgb_free(param);
	return msg;
}

static void test_vectors(void)
{
	struct tcap_tid dtid;
	struct tcap_oid acn;
	struct msgb *p, *msg;
	uint8_t ui[200];
	size_t ui_len;
	int ver, rc;

	printf("== vectors\n");
	tcap_tid_set(&dtid, 0x01020304);
	for (ver = 2; ver <= 3; ver++) {
		char *n;

		/* GMSC asks np700 for routing info for X */
		p = msgb_alloc(256, "p");
		map_enc_sri(p, ver, MAP_TON_NATIONAL, MAP_NPI_ISDN, X, "8613900000999");
		keep(ver == 2 ? "sri-v2" : "sri-v3", begin(MAP_AC_LOC_INFO_RETRIEVAL, ver, 22, p), ver);

		/* np700's answer: routing number = prefix 1 + X */
		p = msgb_alloc(256, "p");
		map_enc_sri_res(p, ver, IMSI_C, MAP_TON_NATIONAL, MAP_NPI_ISDN, "1" X);
		msg = msgb_alloc(1024, "vec");
		map_acn(&acn, MAP_AC_LOC_INFO_RETRIEVAL, ver);
		tcap_enc_end_result(msg, &dtid, &acn, 1, 22, msgb_data(p), msgb_length(p));
		msgb_free(p);
		keep(ver == 2 ? "sri-res-v2" : "sri-res-v3", msg, ver);

		/* SMSC asks for routing info for SM to X */
		p = msgb_alloc(256, "p");
		map_enc_sri_sm(p, MAP_TON_NATIONAL, MAP_NPI_ISDN, X, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
		keep(ver == 2 ? "sri-sm-v2" : "sri-sm-v3", begin(MAP_AC_SHORT_MSG_GATEWAY, ver, 45, p), ver);

		/* np700's answer: correlation IMSI, np700's GT */
		p = msgb_alloc(256, "p");
		map_enc_sri_sm_res(p, IMSI_C, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, NP_GT, NULL);
		msg = msgb_alloc(1024, "vec");
		map_acn(&acn, MAP_AC_SHORT_MSG_GATEWAY, ver);
		tcap_enc_end_result(msg, &dtid, &acn, 1, 45, msgb_data(p), msgb_length(p));
		msgb_free(p);
		keep(ver == 2 ? "sri-sm-res-v2" : "sri-sm-res-v3", msg, ver);

		/* SMSC -> np700: MT forwardSM (v2) / mt-forwardSM (v3) with the correlation IMSI */
		ui_len = make_deliver(ui, "8613800138000", SMS_TON_INTERNATIONAL, "Hello 700", false);
		p = msgb_alloc(256, "p");
		map_enc_fwd_sm(p, IMSI_C, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui, ui_len, ver == 3);
		n = ver == 2 ? "fwd-sm-mt-v2" : "mt-fwd-sm-v3";
		keep(n, begin(MAP_AC_SHORT_MSG_MT_RELAY, ver, ver == 2 ? 46 : 44, p), ver);

		/* MS -> SMSC: MO forwardSM with TP-DA = X */
		ui_len = make_submit(ui, X, SMS_TON_NATIONAL, "to X");
		p = msgb_alloc(256, "p");
		{
			size_t mark;
			uint8_t a[12];
			int l;

			ber_open(p, &mark);
			l = map_addr_encode(a, sizeof(a), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC);
			ber_put_tlv(p, BER_ID(BER_CLASS_CONTEXT, 0, 4), a, l);
			l = map_addr_encode(a, sizeof(a), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, "8613800138000");
			ber_put_tlv(p, BER_ID(BER_CLASS_CONTEXT, 0, 2), a, l);
			ber_put_tlv(p, BER_ID_OCTETSTRING, ui, ui_len);
			ber_close(p, mark, BER_ID_SEQUENCE);
		}
		n = ver == 2 ? "fwd-sm-mo-v2" : "mo-fwd-sm-v3";
		keep(n, begin(MAP_AC_SHORT_MSG_MO_RELAY, ver, 46, p), ver);
	}

	/* errors np700 answers */
	{
		static const struct { int err; int cause; const char *name; } errs[] = {
			{ MAP_ERR_UNKNOWN_SUBSCRIBER, -1, "err-unknown-subscriber" },
			{ MAP_ERR_ABSENT_SUBSCRIBER_SM, -1, "err-absent-subscriber-sm" },
			{ MAP_ERR_ABSENT_SUBSCRIBER, -1, "err-absent-subscriber" },
			{ MAP_ERR_CALL_BARRED, MAP_CBC_OPERATOR_BARRING, "err-call-barred" },
			{ MAP_ERR_TELESERVICE_NOT_PROVISIONED, -1, "err-teleservice" },
			{ MAP_ERR_FACILITY_NOT_SUPPORTED, -1, "err-facility" },
			{ MAP_ERR_SYSTEM_FAILURE, -1, "err-system-failure" },
			{ MAP_ERR_DATA_MISSING, -1, "err-data-missing" },
			{ MAP_ERR_UNEXPECTED_DATA_VALUE, -1, "err-unexpected-data" },
			{ MAP_ERR_SM_DELIVERY_FAILURE, MAP_SMFC_EQUIPMENT_PROTOCOL_ERROR, "err-sm-delivery-failure" },
		};
		unsigned int i;

		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		for (i = 0; i < ARRAY_SIZE(errs); i++) {
			p = msgb_alloc(64, "p");
			rc = map_enc_error_param(p, errs[i].err, 3, errs[i].cause);
			msg = msgb_alloc(256, "vec");
			tcap_enc_end_error(msg, &dtid, &acn, 1, errs[i].err, rc > 0 ? msgb_data(p) : NULL,
					   rc > 0 ? rc : 0);
			msgb_free(p);
			keep(errs[i].name, msg, 3);
		}
	}

	/* refusing v3: U-ABORT with AARE naming v2 */
	msg = msgb_alloc(256, "vec");
	map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 2);
	tcap_enc_abort_acn_not_supported(msg, &dtid, &acn);
	keep("abort-acn-not-supported", msg, 2);

	msg = msgb_alloc(256, "vec");
	tcap_enc_pabort(msg, &dtid, TCAP_PABORT_UNRECOGNIZED_TID);
	keep("p-abort", msg, 3);

	/* accepting a dialogue opened without a request: Continue with the AARE alone */
	{
		struct tcap_tid otid;

		tcap_tid_set(&otid, 0x0a0b0c0d);
		msg = msgb_alloc(256, "vec");
		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		tcap_enc_continue_aare(msg, &otid, &dtid, &acn);
		keep("continue-aare", msg, 3);
	}

	msg = msgb_alloc(256, "vec");
	tcap_enc_end_reject(msg, &dtid, NULL, 1, TCAP_PROBLEM_INVOKE, TCAP_IP_UNRECOGNIZED_OPERATION);
	keep("reject", msg, 3);

	/* the next message of a dialogue: Continue with an Invoke, Continue with a result + AARE */
	{
		struct tcap_tid otid;
		uint8_t ui2[200];
		size_t ui2_len = make_deliver(ui2, "8613800138000", SMS_TON_INTERNATIONAL, "part 2", false);

		tcap_tid_set(&otid, 0x0a0b0c0d);
		p = msgb_alloc(256, "p");
		map_enc_fwd_sm(p, IMSI_C, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, SMSC, ui2, ui2_len, false);
		msg = msgb_alloc(256, "vec");
		tcap_enc_continue_invoke(msg, &otid, &dtid, 2, 44, msgb_data(p), msgb_length(p));
		msgb_free(p);
		keep("mt-fwd-sm-continue-v3", msg, 3);

		msg = msgb_alloc(256, "vec");
		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 3);
		tcap_enc_continue_result(msg, &otid, &dtid, &acn, 1, 44, NULL, 0);
		keep("mt-fwd-sm-res-continue-v3", msg, 3);
	}

	msg = msgb_alloc(256, "vec");
	tcap_enc_abort_user(msg, &dtid, true, map_user_abort_info, MAP_USER_ABORT_INFO_LEN);
	keep("u-abort", msg, 3);

	/* mt-forwardSM result without parameter, as an End */
	msg = msgb_alloc(256, "vec");
	tcap_enc_end_result(msg, &dtid, NULL, 1, 44, NULL, 0);
	keep("mt-fwd-sm-res-v3", msg, 3);
}

/* hand-written messages as other stacks send them: indefinite lengths, long forms, a
 * Continue, a U-ABORT with ABRT, a MAP v1 Begin without dialogue portion */
static void test_foreign(void)
{
	static const struct { const char *name; const char *hex; int ver; } v[] = {
		{ "indefinite-begin",
		  "62804804010203046b802880060700118605010101a0806080a1090607040000010019030000000000000000"
		  "6c80a18002010102012c3080800864009099090000f1840891683108100005f0041c040d91683108108300f0"
		  "00005211821154002309c8329bfd06dd60300000000000000000", 3 },
		{ "long-form-continue",
		  "6581264804aabbccdd4904010203046c8117a2150201013010020116a30b0409a17100214365870921", 3 },
		{ "u-abort-abrt", "671a4904010203046b122810060700118605010101a0056403800100", 3 },
		{ "v1-begin-no-dialogue", "621c4804000000016c14a112020101020116300a800891683108108300f0", 1 },
	};
	uint8_t buf[512];
	unsigned int i;

	printf("== foreign encodings\n");
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		int len = osmo_hexparse(v[i].hex, buf, sizeof(buf));

		check_vec(v[i].name, buf, len, v[i].ver);
	}
}

/* the SMS router's rewrite: correlation IMSI -> real IMSI, TP-OA -> X; only those bytes change */
static void test_rewrite(void)
{
	struct tcap_msg m, m2;
	struct msgb *ui, *param, *out;
	struct map_fwd_sm f;
	const struct tcap_component *c;
	int i, rc;

	printf("== rewrite\n");
	for (i = 0; i < num_vectors; i++) {
		uint8_t *d = msgb_data(vectors[i]);
		size_t len = msgb_length(vectors[i]);

		if (strcmp(vector_name[i], "mt-fwd-sm-v3") && strcmp(vector_name[i], "fwd-sm-mt-v2"))
			continue;
		printf("%s:\n", vector_name[i]);
		tcap_decode(&m, d, len);
		c = &m.comp[0];
		map_dec_fwd_sm(&f, c->param, c->param_len);
		ui = msgb_alloc(256, "ui");
		rc = sms_tpdu_rewrite_addr(ui, f.ui, f.ui_len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN, X);
		printf("  tpdu rewrite: %s\n", rcname(rc));
		param = msgb_alloc(512, "param");
		rc = map_fwd_sm_rewrite(param, c->param, c->param_len, IMSI_B, msgb_data(ui), msgb_length(ui));
		printf("  param rewrite: %s %s\n", rcname(rc), hex(msgb_data(param), msgb_length(param)));
		out = msgb_alloc(1024, "out");
		rc = tcap_rewrite_param(out, &m, 0, msgb_data(param), msgb_length(param));
		printf("  tcap rewrite: %s\n", rcname(rc));
		check_vec("rewritten", msgb_data(out), msgb_length(out), vector_ver[i]);
		rc = tcap_decode(&m2, msgb_data(out), msgb_length(out));
		/* everything before the component portion is unchanged */
		printf("  prefix unchanged: %s\n",
		       !memcmp(d + 2, msgb_data(out) + 2, m.comp_portion.hdr - d - 2) ? "yes" : "NO");
		msgb_free(ui);
		msgb_free(param);
		msgb_free(out);
	}

	/* the same inside an indefinite-length message with a long-form sm-RP-UI: the forms stay */
	{
		uint8_t buf[256];
		int len = osmo_hexparse("62804804010203046b802880060700118605010101a0806080a109060704000001"
					"0019030000000000000000"
					"6c80a18002010102012c3080800864009099090000f1840891683108100005f0"
					"04811c040d91683108108300f000005211821154002309c8329bfd06dd6030"
					"0000000000000000", buf, sizeof(buf));

		rc = tcap_decode(&m, buf, len);
		printf("indefinite mt-fsm decode: %s\n", rcname(rc));
		if (rc == 0) {
			c = &m.comp[0];
			param = msgb_alloc(512, "param");
			struct msgb *ui = msgb_alloc(256, "ui");

			map_dec_fwd_sm(&f, c->param, c->param_len);
			sms_tpdu_rewrite_addr(ui, f.ui, f.ui_len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN, X);
			rc = map_fwd_sm_rewrite(param, c->param, c->param_len, IMSI_B, msgb_data(ui), msgb_length(ui));
			msgb_free(ui);
			printf("  param rewrite: %s %s\n", rcname(rc), hex(msgb_data(param), msgb_length(param)));
			out = msgb_alloc(1024, "out");
			rc = tcap_rewrite_param(out, &m, 0, msgb_data(param), msgb_length(param));
			printf("  tcap rewrite: %s\n", rcname(rc));
			check_vec("rewritten-indefinite", msgb_data(out), msgb_length(out), 3);
			msgb_free(param);
			msgb_free(out);
		}
	}
}

static void bad(const char *name, const char *h)
{
	uint8_t buf[512];
	struct tcap_msg m;
	int len = osmo_hexparse(h, buf, sizeof(buf));
	int rc = tcap_decode(&m, buf, len < 0 ? 0 : len);

	printf("bad %s: %s", name, rcname(rc));
	if (rc < 0) {
		if (m.err_pabort >= 0)
			printf(" -> P-Abort %s", get_value_string(tcap_pabort_cause_names, m.err_pabort));
		/* a message of unknown type is answered only if its otid can be derived */
		if (m.err_pabort == TCAP_PABORT_UNRECOGNIZED_MSG_TYPE && m.otid.len)
			printf(" to otid %s", hex(m.otid.v, m.otid.len));
		if (m.err_problem_type >= 0 && m.err_invoke_id == TCAP_INVOKE_ID_NONE)
			printf(" -> Reject problem=%d/%d invoke=NULL", m.err_problem_type, m.err_problem);
		else if (m.err_problem_type >= 0)
			printf(" -> Reject problem=%d/%d invoke=%d", m.err_problem_type, m.err_problem,
			       m.err_invoke_id);
	}
	printf("\n");
}

/* what the MAP layer answers to an invoke: Reject or MAP error */
static void bad_map(const char *name, const char *h, int ac, int ver)
{
	uint8_t buf[512];
	struct tcap_msg m;
	int len = osmo_hexparse(h, buf, sizeof(buf));
	int problem = -1, rc;

	rc = tcap_decode(&m, buf, len);
	printf("bad-map %s: decode %s", name, rcname(rc));
	if (rc == 0) {
		const struct tcap_component *c = &m.comp[0];

		rc = map_check_invoke(c, ac, ver, &problem);
		if (rc < 0) {
			printf(" -> Reject invoke problem %d", problem);
		} else {
			struct map_fwd_sm f;
			struct map_sri s;

			if (c->opcode == MAP_OP_SEND_ROUTING_INFO)
				rc = map_dec_sri(&s, c->param, c->param_len, ver);
			else
				rc = map_dec_fwd_sm(&f, c->param, c->param_len);
			printf(" -> param %s", rcname(rc));
			if (rc == -ENODATA)
				printf(" (answer dataMissing)");
			else if (rc == -EINVAL)
				printf(" (answer Reject mistypedParameter)");
		}
	}
	printf("\n");
}

static void test_malformed(void)
{
	struct msgb *v = vectors[0];
	struct tcap_msg m;
	unsigned int i, ok = 0;
	char deep[400];

	printf("== malformed\n");
	/* every truncation of a valid message is refused */
	for (i = 0; i < msgb_length(v); i++) {
		if (tcap_decode(&m, msgb_data(v), i) == 0)
			ok++;
	}
	printf("truncations of %s accepted: %u of %u\n", vector_name[0], ok, msgb_length(v));

	bad("empty", "");
	bad("unknown message type", "630348010100");
	bad("unknown message type naming its otid", "6306480401020304");
	bad("unknown message type, dtid first", "6306490401020304");
	bad("length past buffer", "62104804010203046c03a10102");
	bad("begin without otid", "620a6c08a106020101020116");
	bad("end with otid", "640d4801014901016c05a203020101");
	bad("tid too long", "6211480501020304056c08a106020101020116");
	bad("order otid after dialogue", "62226b1a2818060700118605010101a00d600ba109060704000001001903480401020304");
	bad("unknown portion", "62064801015f1f00");
	bad("bad dialogue oid", "621f4801016b1a2818060700118605010909a00d600ba109060704000001001903");
	bad("indefinite without EOC", "6280480401020304");
	bad("unknown component", "620d4801016c08a906020101020100");
	bad("invoke without opcode", "620a4801016c05a103020101");
	bad("invoke id out of range", "620e4801016c09a107020200ff020101");
	bad("empty component portion", "62054801016c00");
	bad("too many components", "624d4801016c48a106020101020116a106020101020116a106020101020116"
	    "a106020101020116a106020101020116a106020101020116a106020101020116a106020101020116"
	    "a106020101020116");
	bad("abort with components", "670d4901016c08a106020101020116");
	bad("parameter not BER inside", "62124801016c0da10b02010102012c30030405aa");
	bad("reject bad problem", "640d490101" "6c08a406020101" "850100");
	for (i = 0; i < 40; i++)
		memcpy(deep + 4 * i, "3080", 4);
	for (i = 0; i < 40; i++)
		memcpy(deep + 160 + 4 * i, "0000", 4);
	deep[320] = '\0';
	{
		char h[600];

		snprintf(h, sizeof(h), "62804804010203046c80a180020101020116%s00000000" "0000", deep);
		bad("too deep nesting", h);
	}

	bad_map("unknown opcode", "6210480401020304" "6c08a106020101020163", MAP_AC_SHORT_MSG_MT_RELAY, 3);
	bad_map("op not in context", "6212480401020304" "6c0aa108020101020116" "3000",
		MAP_AC_SHORT_MSG_MT_RELAY, 3);
	bad_map("invoke without param", "6210480401020304" "6c08a10602010102012c", MAP_AC_SHORT_MSG_MT_RELAY, 3);
	bad_map("sri without msisdn", "6212480401020304" "6c0aa108020101020116" "3000",
		MAP_AC_LOC_INFO_RETRIEVAL, 3);
	bad_map("sri v3 without gmsc", "621c480401020304" "6c14a112020101020116" "300a800881070021436587f9",
		MAP_AC_LOC_INFO_RETRIEVAL, 3);
	bad_map("fwd-sm bad imsi", "621a480401020304" "6c12a11002010102012c" "3008800212348500" "0400",
		MAP_AC_SHORT_MSG_MT_RELAY, 3);
	bad_map("fwd-sm without ui", "62234804010203046c1ba11902010102012c3011800864009099090000f184050791683108",
		MAP_AC_SHORT_MSG_MT_RELAY, 3);
	bad_map("fwd-sm wrong da tag", "62194804010203046c11a10f02010102012c3007870085000401aa",
		MAP_AC_SHORT_MSG_MT_RELAY, 3);
}

static void test_fallback(void)
{
	struct tcap_msg m;
	int ac, ver, i;

	printf("== v3 -> v2 fallback\n");
	for (i = 0; i < num_vectors; i++) {
		if (strcmp(vector_name[i], "abort-acn-not-supported"))
			continue;
		tcap_decode(&m, msgb_data(vectors[i]), msgb_length(vectors[i]));
		map_acn_parse(&m.dlg.acn, &ac, &ver);
		printf("abort: refused=%d acn-not-supported=%d retry with %s v%d\n",
		       m.dlg.result == TCAP_RESULT_REJECT_PERMANENT,
		       m.dlg.diag_source == TCAP_DIAG_USER && m.dlg.diag == TCAP_DIAG_USER_ACN_NOT_SUPPORTED,
		       get_value_string(map_ac_names, ac), ver);
	}
	/* the peer refused v3: the same SMS again as forwardSM v2, elements copied, v3 extras dropped */
	for (i = 0; i < num_vectors; i++) {
		struct msgb *p, *msg;
		struct tcap_tid otid;
		struct tcap_oid acn;

		if (strcmp(vector_name[i], "mt-fwd-sm-v3"))
			continue;
		tcap_decode(&m, msgb_data(vectors[i]), msgb_length(vectors[i]));
		p = msgb_alloc(512, "p");
		printf("downgrade: %s\n", rcname(map_fwd_sm_downgrade(p, m.comp[0].param, m.comp[0].param_len)));
		msg = msgb_alloc(512, "vec");
		tcap_tid_set(&otid, 0x01020305);
		map_acn(&acn, MAP_AC_SHORT_MSG_MT_RELAY, 2);
		tcap_enc_begin_invoke(msg, &otid, &acn, 1, MAP_OP_FORWARD_SM, msgb_data(p), msgb_length(p));
		check_vec("downgraded-v2", msgb_data(msg), msgb_length(msg), 2);
		msgb_free(p);
		msgb_free(msg);
	}
	printf("ton->nature: 0=%d 1=%d 2=%d 4=%d; nature national->ton %u, international->ton %u\n",
	       map_nature_from_ton(0), map_nature_from_ton(1), map_nature_from_ton(2), map_nature_from_ton(4),
	       map_ton_from_nature(NP700_NAT_NATIONAL), map_ton_from_nature(NP700_NAT_INTERNATIONAL));
	printf("forwardSM in MT relay v2: %d, in MT relay v3: %d, mt-forwardSM in v2: %d, v1 sri: %d\n",
	       map_op_version_ok(46, MAP_AC_SHORT_MSG_MT_RELAY, 2), map_op_version_ok(46, MAP_AC_SHORT_MSG_MT_RELAY, 3),
	       map_op_version_ok(44, MAP_AC_SHORT_MSG_MT_RELAY, 2), map_op_version_ok(22, 0, 0));
}

int main(void)
{
	int i;

	test_vectors();
	test_foreign();
	test_rewrite();
	test_malformed();
	test_fallback();
	for (i = 0; i < num_vectors; i++)
		msgb_free(vectors[i]);
	return 0;
}
