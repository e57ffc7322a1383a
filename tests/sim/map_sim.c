/* SCCP UDT + TCAP + MAP messages of the test simulators, with np700's own codecs (map_sim.h). */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/gsm/gsm_utils.h>

#include <np700/map.h>
#include <np700/sms_tpdu.h>

#include "map_sim.h"

void map_sim_gt(struct sccp_addr *a, const char *digits, uint8_t ssn)
{
	memset(a, 0, sizeof(*a));
	sccp_addr_set_gt(a, 0, 4, digits, ssn);
}

int map_sim_udt(uint8_t *buf, size_t size, const struct sccp_addr *called, const struct sccp_addr *calling,
		const struct msgb *tcap)
{
	struct sccp_msg m;

	if (msgb_length(tcap) > 255)
		return -EMSGSIZE;
	sccp_msg_init_unitdata(&m, called, calling, msgb_data(tcap), msgb_length(tcap), true);
	return sccp_msg_encode_buf(buf, size, &m, SCCP_VAR_ITU);
}

int map_sim_sms_deliver(uint8_t *out, size_t size, const char *oa, const char *text, const struct map_sim_sms *o)
{
	static const struct map_sim_sms none = { .concat_ref = -1 };
	uint8_t septets[2 * 160], *p = out, *end = out + size;
	int n, ud_septets, pad = 0, udh_octets = 0;
	bool national = !strncmp(oa, "700", 3);

	if (!o)
		o = &none;
	/* first octet, TP-OA (at most 12 octets), PID, DCS, SCTS, UDL, UDH: 26 octets at most */
	if (size < 26 || strlen(text) > 160)
		return -1;
	*p++ = (o->more ? 0 : 0x04) | (o->concat_ref >= 0 ? 0x40 : 0);
	n = sms_addr_encode(p, end - p, national ? SMS_TON_NATIONAL : SMS_TON_INTERNATIONAL, SMS_NPI_ISDN, oa);
	if (n < 0)
		return -1;
	p += n;
	*p++ = 0x00;	/* PID */
	*p++ = 0x00;	/* DCS: GSM 7-bit */
	memcpy(p, "\x62\x11\x82\x21\x00\x00\x00", 7);	/* SCTS 2026-11-28 12:00:00 */
	p += 7;
	n = gsm_septet_encode(septets, text);
	if (o->concat_ref >= 0) {
		udh_octets = 6;
		pad = 1;	/* 6 octets of UDH = 48 bits; the text starts at septet 7 */
	}
	ud_septets = n + (udh_octets * 8 + pad) / 7;
	if (ud_septets > 160 || end - p < 1 + udh_octets + (n * 7 + pad + 7) / 8)
		return -1;
	*p++ = ud_septets;
	if (udh_octets) {
		*p++ = 5;
		*p++ = 0x00;
		*p++ = 3;
		*p++ = o->concat_ref;
		*p++ = o->concat_max;
		*p++ = o->concat_seq;
	}
	p += gsm_septet_pack(p, septets, n, pad);
	return p - out;
}

int map_sim_begin(struct msgb *tcap, uint32_t otid, int ac, int version, int invoke_id, int opcode, struct msgb *par)
{
	struct tcap_oid acn;
	struct tcap_tid tid;
	int rc;

	if (!par)
		return -ENOMEM;
	map_acn(&acn, ac, version);
	tcap_tid_set(&tid, otid);
	rc = tcap_enc_begin_invoke(tcap, &tid, version >= 2 ? &acn : NULL, invoke_id, opcode, msgb_data(par),
				   msgb_length(par));
	msgb_free(par);
	return rc;
}

int map_sim_sri_sm(struct msgb *tcap, uint32_t otid, int version, int invoke_id, uint8_t ton, const char *msisdn,
		   const char *sca)
{
	struct msgb *par = msgb_alloc(256, "sri-sm");

	if (par && map_enc_sri_sm(par, ton, MAP_NPI_ISDN, msisdn, true, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, sca) < 0) {
		msgb_free(par);
		return -EINVAL;
	}
	return map_sim_begin(tcap, otid, MAP_AC_SHORT_MSG_GATEWAY, version, invoke_id, MAP_OP_SEND_ROUTING_INFO_FOR_SM,
			     par);
}

int map_sim_fwd_sm(struct msgb *tcap, uint32_t otid, int version, int invoke_id, const char *imsi, const char *sca,
		   const uint8_t *ui, size_t ui_len, bool more)
{
	struct msgb *par = msgb_alloc(512, "fwd-sm");

	if (par && map_enc_fwd_sm(par, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, sca, ui, ui_len, more) < 0) {
		msgb_free(par);
		return -EINVAL;
	}
	return map_sim_begin(tcap, otid, version >= 2 ? MAP_AC_SHORT_MSG_MT_RELAY : MAP_AC_SHORT_MSG_MO_RELAY, version,
			     invoke_id, version >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM, par);
}

const struct tcap_oid *map_sim_aare(const struct tcap_msg *t, int *ac, int *version)
{
	int a = 0, v = 1;

	if (t->dlg.pdu == TCAP_DLG_AARQ)
		map_acn_parse(&t->dlg.acn, &a, &v);
	if (ac)
		*ac = a;
	if (version)
		*version = v;
	return t->dlg.pdu == TCAP_DLG_AARQ ? &t->dlg.acn : NULL;
}

int map_sim_sri_sm_res(struct msgb *tcap, const struct tcap_msg *t, const struct tcap_component *c, const char *imsi,
		       const char *nnn)
{
	struct msgb *par = msgb_alloc(256, "sri-sm-res");
	int rc;

	if (!par)
		return -ENOMEM;
	rc = map_enc_sri_sm_res(par, imsi, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, nnn, NULL);
	if (rc >= 0)
		rc = tcap_enc_end_result(tcap, &t->otid, map_sim_aare(t, NULL, NULL), c->invoke_id, c->opcode,
					 msgb_data(par), msgb_length(par));
	msgb_free(par);
	return rc;
}

int map_sim_parse(struct sccp_msg *m, struct tcap_msg *t, const uint8_t *buf, size_t len)
{
	if (sccp_msg_parse(m, buf, len, SCCP_VAR_ITU, NULL) < 0)
		return -EINVAL;
	if (tcap_decode(t, m->data, m->data_len) < 0)
		return -EBADMSG;
	return 0;
}
