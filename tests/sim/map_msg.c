/* map_msg: build and read SCCP UDT + TCAP + MAP messages for the MAP end-to-end tests
 * (tests/uml/map_*_test.sh), with np700's own codecs (sccp.h, tcap.h, map.h, sms_tpdu.h) through
 * the simulators' shared builders (map_sim.h).
 *
 * Builds print one line of hex (the SCCP UDT as ss7-sim's "sccp DPC HEX" sends it); "decode"
 * prints one line of key=value fields; "reply" answers a received UDT (addresses swapped, dtid =
 * its otid, AARE for its application context). See usage(). One message per run: the msgbs are
 * freed by the process exit. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/gsm_utils.h>

#include <np700/map.h>
#include <np700/sccp.h>
#include <np700/sms_tpdu.h>
#include <np700/tcap.h>

#include "map_sim.h"

static struct {
	uint32_t otid;
	int version;
	int invoke_id;
	bool more;
	int concat_ref, concat_max, concat_seq;
	const char *sca;
	int cause;
} opt = {
	.otid = 0x11223344,
	.version = 3,
	.invoke_id = 1,
	.concat_ref = -1,
	.sca = "8613100004",
	.cause = -1,
};

static void usage(void)
{
	fprintf(stderr,
		"usage: map_msg [OPTIONS] CMD ARGS...\n"
		"  begin messages (called GT SSN / calling GT SSN are the SCCP addresses):\n"
		"    sri CALLED SSN CALLING SSN MSISDN                 sendRoutingInfo (locationInfoRetrieval)\n"
		"    sri-sm CALLED SSN CALLING SSN MSISDN              sendRoutingInfoForSM (shortMsgGateway)\n"
		"    mt-fsm CALLED SSN CALLING SSN IMSI TP-OA TEXT     MT-ForwardSM (v3 op 44, v2 forwardSM 46)\n"
		"    mo-fsm CALLED SSN CALLING SSN MSISDN TP-DA TEXT   MO-ForwardSM (v3 mo-forwardSM 46, v1/v2\n"
		"                                                      forwardSM): SMS-SUBMIT to TP-DA, SM-RP-DA = -s SCA\n"
		"  answers to a received UDT (hex):\n"
		"    reply HEX sri-sm-res IMSI NNN                     SRI-SM result (End)\n"
		"    reply HEX result                                  empty result (End), e.g. for MT-ForwardSM\n"
		"    reply HEX result-continue                         empty result in a Continue (more messages)\n"
		"    reply HEX next IMSI TP-OA TEXT                    the next MT-ForwardSM (Continue) of a dialogue\n"
		"    reply HEX error CODE                              ReturnError (End), -c CAUSE for its parameter\n"
		"    reply HEX abort-acn VERSION                       U-ABORT ACN not supported, offering VERSION\n"
		"  decode HEX                                          one line of fields\n"
		"options: -o OTID (hex) -v VERSION -i INVOKE_ID -m (more messages) -C REF,MAX,SEQ (concatenation UDH)\n"
		"         -s SCA (service centre address in MT-ForwardSM) -c CAUSE\n");
	exit(2);
}

static void print_hex(const uint8_t *d, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", d[i]);
	printf("\n");
}

static void gt_addr(struct sccp_addr *a, const char *digits, const char *ssn)
{
	map_sim_gt(a, digits, atoi(ssn));
}

/* SCCP UDT (class 0, return on error) around the TCAP in msg; printed as hex */
static int print_udt(const struct sccp_addr *called, const struct sccp_addr *calling, struct msgb *tcap)
{
	uint8_t buf[SCCP_MSG_MAX_LEN];
	int len = map_sim_udt(buf, sizeof(buf), called, calling, tcap);

	if (len < 0) {
		fprintf(stderr, "SCCP encode failed: %d\n", len);
		return 1;
	}
	print_hex(buf, len);
	return 0;
}

static int sms_deliver(uint8_t *out, size_t size, const char *oa, const char *text)
{
	const struct map_sim_sms o = {
		.more = opt.more, .concat_ref = opt.concat_ref, .concat_max = opt.concat_max,
		.concat_seq = opt.concat_seq,
	};

	return map_sim_sms_deliver(out, size, oa, text, &o);
}

/* SMS-SUBMIT (TS 23.040 9.2.2.2): no VP, TP-MR 0x42, TP-DA (national if it starts with 700, else
 * international), PID 0, GSM 7-bit text */
static int sms_submit(uint8_t *out, size_t size, const char *da, const char *text)
{
	uint8_t septets[2 * 160], *p = out;
	int n;

	if (size < 17 || strlen(text) > 160)
		return -1;
	*p++ = 0x01;
	*p++ = 0x42;
	n = sms_addr_encode(p, 12, !strncmp(da, "700", 3) ? SMS_TON_NATIONAL : SMS_TON_INTERNATIONAL, SMS_NPI_ISDN, da);
	if (n < 0)
		return -1;
	p += n;
	*p++ = 0x00;	/* PID */
	*p++ = 0x00;	/* DCS: GSM 7-bit */
	n = gsm_septet_encode(septets, text);
	if ((size_t)(p + 1 + (n * 7 + 7) / 8 - out) > size)
		return -1;
	*p++ = n;
	p += gsm_septet_pack(p, septets, n, 0);
	return p - out;
}

/* mo-forwardSM-Arg / forwardSM-Arg { sm-RP-DA serviceCentreAddressDA [4], sm-RP-OA msisdn [2], sm-RP-UI }
 * in a Begin of shortMsgMO-RelayContext (v2/v3) or shortMsgRelayContext (v1) */
static int mo_fsm(struct msgb *tcap, const char *msisdn, const char *da, const char *text)
{
	struct msgb *par = msgb_alloc(1024, "par");
	uint8_t ui[200], sca[12], oa[12];
	int n_ui, n_sca, n_oa;
	size_t mark;

	n_ui = sms_submit(ui, sizeof(ui), da, text);
	n_sca = map_addr_encode(sca, sizeof(sca), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, opt.sca);
	n_oa = map_addr_encode(oa, sizeof(oa), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, msisdn);
	if (n_ui < 0 || n_sca < 0 || n_oa < 0 || ber_open(par, &mark) < 0 ||
	    ber_put_tlv(par, BER_ID(2, 0, 4), sca, n_sca) < 0 || ber_put_tlv(par, BER_ID(2, 0, 2), oa, n_oa) < 0 ||
	    ber_put_tlv(par, BER_ID_OCTETSTRING, ui, n_ui) < 0 || ber_close(par, mark, BER_ID_SEQUENCE) < 0) {
		msgb_free(par);
		return -EINVAL;
	}
	return map_sim_begin(tcap, opt.otid, MAP_AC_SHORT_MSG_MO_RELAY, opt.version, opt.invoke_id,
			     MAP_OP_MO_FORWARD_SM, par);
}

static int cmd_begin(int argc, char **argv)
{
	struct sccp_addr called, calling;
	struct msgb *tcap = msgb_alloc(1024, "tcap");
	const char *cmd = argv[0];
	int rc;

	if (argc < 6)
		usage();
	gt_addr(&called, argv[1], argv[2]);
	gt_addr(&calling, argv[3], argv[4]);
	if (!strcmp(cmd, "sri")) {
		struct msgb *par = msgb_alloc(1024, "par");

		rc = map_enc_sri(par, opt.version, MAP_TON_NATIONAL, MAP_NPI_ISDN, argv[5], "8613200001");
		if (rc >= 0)
			rc = map_sim_begin(tcap, opt.otid, MAP_AC_LOC_INFO_RETRIEVAL, opt.version, opt.invoke_id,
					   MAP_OP_SEND_ROUTING_INFO, par);
	} else if (!strcmp(cmd, "sri-sm")) {
		rc = map_sim_sri_sm(tcap, opt.otid, opt.version, opt.invoke_id, MAP_TON_NATIONAL, argv[5], opt.sca);
	} else if (!strcmp(cmd, "mt-fsm")) {
		uint8_t ui[200];
		int ui_len;

		if (argc < 8)
			usage();
		ui_len = sms_deliver(ui, sizeof(ui), argv[6], argv[7]);
		if (ui_len < 0)
			usage();
		rc = map_sim_fwd_sm(tcap, opt.otid, opt.version, opt.invoke_id, argv[5], opt.sca, ui, ui_len, opt.more);
	} else if (!strcmp(cmd, "mo-fsm")) {
		if (argc < 8)
			usage();
		rc = mo_fsm(tcap, argv[5], argv[6], argv[7]);
	} else {
		usage();
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "encode failed: %d\n", rc);
		return 1;
	}
	return print_udt(&called, &calling, tcap);
}

static int parse_hex(uint8_t *buf, size_t size, const char *hex)
{
	int n = osmo_hexparse(hex, buf, size);

	if (n < 0)
		fprintf(stderr, "bad hex\n");
	return n;
}

static int cmd_reply(int argc, char **argv)
{
	uint8_t buf[SCCP_MSG_MAX_LEN];
	struct sccp_msg m;
	struct tcap_msg t;
	struct msgb *par = msgb_alloc(1024, "par"), *tcap = msgb_alloc(1024, "tcap");
	const struct tcap_oid *aare;
	const struct tcap_component *c;
	int n, rc, ac, version;

	if (argc < 3)
		usage();
	n = parse_hex(buf, sizeof(buf), argv[1]);
	if (n < 0 || map_sim_parse(&m, &t, buf, n) < 0) {
		fprintf(stderr, "cannot decode the message to answer\n");
		return 1;
	}
	aare = map_sim_aare(&t, &ac, &version);
	c = tcap_first_comp(&t, TCAP_COMP_INVOKE);
	if (!c && strcmp(argv[2], "abort-acn") && strcmp(argv[2], "next")) {
		fprintf(stderr, "no invoke to answer\n");
		return 1;
	}
	if (!strcmp(argv[2], "sri-sm-res") && argc >= 5) {
		rc = map_sim_sri_sm_res(tcap, &t, c, argv[3], argv[4]);
	} else if (!strcmp(argv[2], "result-continue")) {
		/* more messages to send: keep the dialogue open (TC-CONTINUE with the result) */
		struct tcap_tid otid;

		tcap_tid_set(&otid, opt.otid);
		rc = tcap_enc_continue_result(tcap, &otid, &t.otid, aare, c->invoke_id, c->opcode, NULL, 0);
	} else if (!strcmp(argv[2], "next") && argc >= 6) {
		/* the next MT-ForwardSM in the dialogue of the received Continue */
		struct tcap_tid otid;
		uint8_t ui[200];
		int ui_len = sms_deliver(ui, sizeof(ui), argv[4], argv[5]);

		if (ui_len < 0)
			usage();
		tcap_tid_set(&otid, opt.otid);
		rc = map_enc_fwd_sm(par, argv[3], MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, opt.sca, ui, ui_len, opt.more);
		if (rc >= 0)
			rc = tcap_enc_continue_invoke(tcap, &otid, &t.otid, opt.invoke_id,
						      opt.version >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM,
						      msgb_data(par), msgb_length(par));
	} else if (!strcmp(argv[2], "result")) {
		rc = tcap_enc_end_result(tcap, &t.otid, aare, c->invoke_id, c->opcode, NULL, 0);
	} else if (!strcmp(argv[2], "error") && argc >= 4) {
		rc = map_enc_error_param(par, atoi(argv[3]), version, opt.cause);
		if (rc >= 0)
			rc = tcap_enc_end_error(tcap, &t.otid, aare, c->invoke_id, atoi(argv[3]),
						rc ? msgb_data(par) : NULL, msgb_length(par));
	} else if (!strcmp(argv[2], "abort-acn") && argc >= 4) {
		struct tcap_oid sup;

		map_acn(&sup, ac, atoi(argv[3]));
		rc = tcap_enc_abort_acn_not_supported(tcap, &t.otid, &sup);
	} else {
		usage();
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "encode failed: %d\n", rc);
		return 1;
	}
	return print_udt(&m.calling, &m.called, tcap);
}

static void print_addr(const char *name, const struct map_addr *a)
{
	if (a->present)
		printf(" %s=%s %s_ton=%u", name, a->digits, name, a->ton);
}

static void decode_param(const struct tcap_component *c, int version)
{
	if (!c->param)
		return;
	if (c->type == TCAP_COMP_INVOKE) {
		switch (c->opcode) {
		case MAP_OP_SEND_ROUTING_INFO: {
			struct map_sri s;

			if (map_dec_sri(&s, c->param, c->param_len, version) == 0)
				print_addr("msisdn", &s.msisdn);
			break;
		}
		case MAP_OP_SEND_ROUTING_INFO_FOR_SM: {
			struct map_sri_sm s;

			if (map_dec_sri_sm(&s, c->param, c->param_len) == 0) {
				print_addr("msisdn", &s.msisdn);
				print_addr("sca", &s.sca);
			}
			break;
		}
		case MAP_OP_MT_FORWARD_SM:
		case MAP_OP_FORWARD_SM: {
			struct map_fwd_sm f;
			struct sms_tpdu tp;
			char text[400];

			if (map_dec_fwd_sm(&f, c->param, c->param_len) < 0) {
				printf(" fsm=undecodable");
				break;
			}
			if (f.da_type == MAP_SM_RP_DA_IMSI)
				printf(" imsi=%s", f.da_imsi);
			else if (f.da_type == MAP_SM_RP_DA_SCA)
				print_addr("da", &f.da_addr);
			print_addr("oa", &f.oa_addr);
			printf(" more=%d", f.more_msgs);
			/* direction from TP-MTI: SMS-DELIVER 0, SMS-SUBMIT 1 */
			if (f.ui_len && sms_tpdu_decode(&tp, f.ui, f.ui_len, (f.ui[0] & 3) == 1) == 0) {
				printf(" tp_mti=%u tp_addr=%s tp_ton=%u", tp.mti, tp.addr.digits, tp.addr.ton);
				if (tp.concat)
					printf(" concat=%u/%u/%u", tp.concat_ref, tp.concat_seq, tp.concat_max);
				if (sms_tpdu_text(&tp, text, sizeof(text)) == 0) {
					char *s;

					for (s = text; *s; s++)
						if (*s == ' ')
							*s = '_';
					printf(" text=%s", text);
				}
			}
			break;
		}
		}
	} else if (c->type == TCAP_COMP_RR_LAST || c->type == TCAP_COMP_RR_NOTLAST) {
		if (c->opcode == MAP_OP_SEND_ROUTING_INFO) {
			struct map_sri_res r;

			if (map_dec_sri_res(&r, c->param, c->param_len, version) == 0) {
				if (r.imsi_present)
					printf(" imsi=%s", r.imsi);
				print_addr("msrn", &r.roaming_number);
			}
		} else if (c->opcode == MAP_OP_SEND_ROUTING_INFO_FOR_SM) {
			struct map_sri_sm_res r;

			if (map_dec_sri_sm_res(&r, c->param, c->param_len) == 0) {
				printf(" imsi=%s", r.imsi);
				print_addr("nnn", &r.nnn);
			}
		}
	}
}

/* the SM-EnumeratedDeliveryFailureCause of an sm-DeliveryFailure parameter (v2+: inside a SEQUENCE) */
static void print_sm_failure_cause(const struct tcap_component *c)
{
	struct ber_tlv t, child;
	struct ber_iter it;
	int32_t cause;

	if (!c->param || ber_read_exact(c->param, c->param_len, &t) < 0)
		return;
	if (BER_TLV_ID(&t) == BER_ID_SEQUENCE) {
		ber_iter_init(&it, &t, 0);
		if (ber_iter_next(&it, &child) <= 0)
			return;
		t = child;
	}
	if (BER_TLV_ID(&t) == BER_ID_ENUMERATED && ber_get_int(&t, &cause) == 0)
		printf(" sm_cause=%d", cause);
}

static int cmd_decode(int argc, char **argv)
{
	uint8_t buf[SCCP_MSG_MAX_LEN];
	struct sccp_msg m;
	struct tcap_msg t;
	const char *err = NULL;
	unsigned int i;
	int n, ac = 0, version = 1;

	if (argc < 2)
		usage();
	n = parse_hex(buf, sizeof(buf), argv[1]);
	if (n < 0)
		return 1;
	if (sccp_msg_parse(&m, buf, n, SCCP_VAR_ITU, &err) < 0) {
		printf("sccp=bad err=%s\n", err ? err : "?");
		return 1;
	}
	printf("sccp=%s called=%s called_ssn=%u calling=%s calling_ssn=%u", get_value_string(sccp_msg_type_names, m.type),
	       m.called.digits, m.called.ssn, m.calling.digits, m.calling.ssn);
	if (sccp_msgt_service(m.type))
		printf(" cause=%u", m.cause);
	if (tcap_decode(&t, m.data, m.data_len) < 0) {
		printf(" tcap=bad\n");
		return 0;
	}
	printf(" tcap=%s", get_value_string(tcap_msg_type_names, t.type));
	if (t.otid.len)
		printf(" otid=%08x", tcap_tid_get(&t.otid));
	if (t.dtid.len)
		printf(" dtid=%08x", tcap_tid_get(&t.dtid));
	if (t.p_abort_present)
		printf(" pabort=%d", t.p_abort_cause);
	if (t.dlg.pdu != TCAP_DLG_NONE) {
		printf(" dlg=%s", get_value_string(tcap_dlg_pdu_names, t.dlg.pdu));
		if (t.dlg.acn.len && map_acn_parse(&t.dlg.acn, &ac, &version) == 0)
			printf(" ac=%d v=%d", ac, version);
		if (t.dlg.pdu == TCAP_DLG_AARE)
			printf(" result=%d diag=%d", t.dlg.result, t.dlg.diag);
	}
	for (i = 0; i < t.num_comp; i++) {
		const struct tcap_component *c = &t.comp[i];

		printf(" comp=%s", get_value_string(tcap_comp_type_names, c->type));
		if (c->type == TCAP_COMP_INVOKE || (c->op_present && c->opcode >= 0))
			printf(" op=%d", c->opcode);
		if (c->type == TCAP_COMP_RETURN_ERROR)
			printf(" error=%d", c->error_code);
		if (c->type == TCAP_COMP_RETURN_ERROR && c->error_code == MAP_ERR_SM_DELIVERY_FAILURE)
			print_sm_failure_cause(c);
		if (c->type == TCAP_COMP_REJECT)
			printf(" problem=%d/%d", c->problem_type, c->problem);
		decode_param(c, version);
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	int o;

	while ((o = getopt(argc, argv, "o:v:i:mC:s:c:")) != -1) {
		switch (o) {
		case 'o':
			opt.otid = strtoul(optarg, NULL, 16);
			break;
		case 'v':
			opt.version = atoi(optarg);
			break;
		case 'i':
			opt.invoke_id = atoi(optarg);
			break;
		case 'm':
			opt.more = true;
			break;
		case 'C':
			if (sscanf(optarg, "%d,%d,%d", &opt.concat_ref, &opt.concat_max, &opt.concat_seq) != 3)
				usage();
			break;
		case 's':
			opt.sca = optarg;
			break;
		case 'c':
			opt.cause = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (!strcmp(argv[0], "decode"))
		return cmd_decode(argc, argv);
	if (!strcmp(argv[0], "reply"))
		return cmd_reply(argc, argv);
	return cmd_begin(argc, argv);
}
