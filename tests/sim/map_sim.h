/*! \file map_sim.h
 *  SCCP UDT + TCAP + MAP messages of the test simulators (tests/sim/map_msg and ss7-sim's MAP
 *  load mode, map_load.c), built and read with np700's own codecs (sccp.h, tcap.h, map.h,
 *  sms_tpdu.h). One place for the messages an SMSC, HLR or MSC sends, so that the one-shot tool
 *  and the load generator send the same bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <np700/sccp.h>
#include <np700/tcap.h>

struct msgb;

/*! Options of an SMS-DELIVER (TS 23.040): more-messages-to-send and a concatenation UDH. */
struct map_sim_sms {
	bool more;		/*!< TP-MMS: more messages are waiting */
	int concat_ref;		/*!< concatenation reference (8 bit), -1 = no UDH */
	int concat_max, concat_seq;
};

/*! An SCCP address with a GT (GTI 4, NAI international, TT 0, E.164), route on GT, and SSN. */
void map_sim_gt(struct sccp_addr *a, const char *digits, uint8_t ssn);

/*! Encode an SCCP UDT (class 0, return on error) carrying \a tcap into \a buf.
 *  \returns its length, or a negative errno (-EMSGSIZE: the TCAP does not fit a UDT) */
int map_sim_udt(uint8_t *buf, size_t size, const struct sccp_addr *called, const struct sccp_addr *calling,
		const struct msgb *tcap);

/*! Encode an SMS-DELIVER TPDU: TP-OA \a oa (national if it starts with 700, else international),
 *  PID 0, GSM 7-bit \a text, a fixed SCTS. \a o may be NULL (no MMS, no UDH).
 *  \returns its length, or -1 if it does not fit or \a oa is malformed */
int map_sim_sms_deliver(uint8_t *out, size_t size, const char *oa, const char *text, const struct map_sim_sms *o);

/*! Append a TCAP Begin with one invoke of \a opcode whose parameter is the whole of \a par
 *  (freed here; NULL: -ENOMEM), in application context \a ac of \a version (no dialogue portion
 *  for v1). \returns >= 0 or a negative errno */
int map_sim_begin(struct msgb *tcap, uint32_t otid, int ac, int version, int invoke_id, int opcode, struct msgb *par);

/*! Append a TCAP Begin with sendRoutingInfoForSM (shortMsgGateway, \a version; no dialogue
 *  portion for v1) for \a msisdn of type of number \a ton, sm-RP-PRI set, service centre \a sca.
 *  \returns >= 0 or a negative errno */
int map_sim_sri_sm(struct msgb *tcap, uint32_t otid, int version, int invoke_id, uint8_t ton, const char *msisdn,
		   const char *sca);

/*! Append a TCAP Begin with the forward-SM of \a version: mt-forwardSM (44, shortMsgMT-Relay)
 *  for v3, forwardSM (46) for v2 (shortMsgMT-Relay) and v1 (shortMsgRelay, no dialogue portion);
 *  SM-RP-DA = \a imsi, SM-RP-OA = service centre \a sca, SM-RP-UI = \a ui.
 *  \returns >= 0 or a negative errno */
int map_sim_fwd_sm(struct msgb *tcap, uint32_t otid, int version, int invoke_id, const char *imsi, const char *sca,
		   const uint8_t *ui, size_t ui_len, bool more);

/*! What an answer to \a t carries as AARE: the AARQ's application context, or NULL when \a t
 *  has no AARQ. \a ac and \a version (either may be NULL) get the context (0 and 1 without). */
const struct tcap_oid *map_sim_aare(const struct tcap_msg *t, int *ac, int *version);

/*! Append the End that answers the invoke \a c of \a t with a sendRoutingInfoForSM result:
 *  \a imsi and network node number \a nnn (international). \returns >= 0 or a negative errno */
int map_sim_sri_sm_res(struct msgb *tcap, const struct tcap_msg *t, const struct tcap_component *c, const char *imsi,
		       const char *nnn);

/*! Parse a received SCCP UDT/XUDT and its TCAP (ITU variant). \a t points into \a buf.
 *  \returns 0, -EINVAL if the SCCP part is bad, -EBADMSG if the TCAP part is */
int map_sim_parse(struct sccp_msg *m, struct tcap_msg *t, const uint8_t *buf, size_t len);
