/* MAP (3GPP TS 29.002) operations for np700: SRI, SRI-for-SM, (mt-/mo-)forwardSM; application
 * contexts v1..v3; results, errors and single-field rewrites. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <np700/map.h>

const struct value_string map_opcode_names[] = {
	{ MAP_OP_SEND_ROUTING_INFO, "sendRoutingInfo" },
	{ MAP_OP_MT_FORWARD_SM, "mt-forwardSM" },
	{ MAP_OP_SEND_ROUTING_INFO_FOR_SM, "sendRoutingInfoForSM" },
	{ MAP_OP_FORWARD_SM, "forwardSM/mo-forwardSM" },
	{ MAP_OP_REPORT_SM_DELIVERY_STATUS, "reportSM-DeliveryStatus" },
	{ MAP_OP_INFORM_SERVICE_CENTRE, "informServiceCentre" },
	{ 0, NULL }
};

const struct value_string map_ac_names[] = {
	{ MAP_AC_LOC_INFO_RETRIEVAL, "locationInfoRetrievalContext" },
	{ MAP_AC_SHORT_MSG_GATEWAY, "shortMsgGatewayContext" },
	{ MAP_AC_SHORT_MSG_MO_RELAY, "shortMsgMO-RelayContext" },
	{ MAP_AC_SHORT_MSG_MT_RELAY, "shortMsgMT-RelayContext" },
	{ 0, NULL }
};

const struct value_string map_error_names[] = {
	{ MAP_ERR_UNKNOWN_SUBSCRIBER, "unknownSubscriber" },
	{ MAP_ERR_UNIDENTIFIED_SUBSCRIBER, "unidentifiedSubscriber" },
	{ MAP_ERR_ABSENT_SUBSCRIBER_SM, "absentSubscriberSM" },
	{ MAP_ERR_ILLEGAL_SUBSCRIBER, "illegalSubscriber" },
	{ MAP_ERR_TELESERVICE_NOT_PROVISIONED, "teleserviceNotProvisioned" },
	{ MAP_ERR_ILLEGAL_EQUIPMENT, "illegalEquipment" },
	{ MAP_ERR_CALL_BARRED, "callBarred" },
	{ MAP_ERR_FACILITY_NOT_SUPPORTED, "facilityNotSupported" },
	{ MAP_ERR_ABSENT_SUBSCRIBER, "absentSubscriber" },
	{ MAP_ERR_SUBSCRIBER_BUSY_FOR_MT_SMS, "subscriberBusyForMT-SMS" },
	{ MAP_ERR_SM_DELIVERY_FAILURE, "smDeliveryFailure" },
	{ MAP_ERR_MESSAGE_WAITING_LIST_FULL, "messageWaitingListFull" },
	{ MAP_ERR_SYSTEM_FAILURE, "systemFailure" },
	{ MAP_ERR_DATA_MISSING, "dataMissing" },
	{ MAP_ERR_UNEXPECTED_DATA_VALUE, "unexpectedDataValue" },
	{ 0, NULL }
};

#define CTX(cons, n)	BER_ID(BER_CLASS_CONTEXT, cons, n)
#define CHK(x) do { rc = (x); if (rc < 0) return rc; } while (0)

/* map-ac: {itu-t(0) identified-organization(4) etsi(0) mobileDomain(0) gsm-Network(1) ac-Id(0)} */
static const uint8_t map_ac_prefix[] = { 0x04, 0x00, 0x00, 0x01, 0x00 };

/*! Fill \a oid with the MAP application context \a ac (enum map_ac) version \a version. */
void map_acn(struct tcap_oid *oid, int ac, int version)
{
	memcpy(oid->v, map_ac_prefix, sizeof(map_ac_prefix));
	oid->v[5] = ac;
	oid->v[6] = version;
	oid->len = 7;
}

/* The user-information of np700's U-ABORT (TS 29.002 17.3): an EXTERNAL naming the MAP dialogue
 * abstract syntax {0 4 0 0 1 1 1 1}, single-ASN1-type MAP-DialoguePDU map-userAbort [4]
 * MAP-UserAbortInfo { map-UserAbortChoice userSpecificReason [0] NULL }; without it the peer's
 * MAP sees an abnormal dialogue (provider abort) instead of a user abort. */
const uint8_t map_user_abort_info[MAP_USER_ABORT_INFO_LEN] = {
	0x28, 0x0f, 0x06, 0x07, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01,
	0xa0, 0x04, 0xa4, 0x02, 0x80, 0x00,
};

/*! Split a MAP application context name. \returns 0, or -EINVAL if \a oid is no map-ac v1..v3. */
int map_acn_parse(const struct tcap_oid *oid, int *ac, int *version)
{
	if (oid->len != 7 || memcmp(oid->v, map_ac_prefix, sizeof(map_ac_prefix)) ||
	    oid->v[5] > 127 || oid->v[6] < 1 || oid->v[6] > 3)
		return -EINVAL;
	*ac = oid->v[5];
	*version = oid->v[6];
	return 0;
}

/*! Does operation \a opcode belong to application context \a ac version \a version?
 *  \a ac 0 stands for a dialogue without dialogue portion (MAP v1). \returns 1 or 0. */
int map_op_version_ok(int opcode, int ac, int version)
{
	if (ac == 0)
		return opcode == MAP_OP_SEND_ROUTING_INFO || opcode == MAP_OP_SEND_ROUTING_INFO_FOR_SM ||
		       opcode == MAP_OP_FORWARD_SM;
	switch (opcode) {
	case MAP_OP_SEND_ROUTING_INFO:
		return ac == MAP_AC_LOC_INFO_RETRIEVAL;
	case MAP_OP_SEND_ROUTING_INFO_FOR_SM:
		return ac == MAP_AC_SHORT_MSG_GATEWAY;
	case MAP_OP_MT_FORWARD_SM:
		return ac == MAP_AC_SHORT_MSG_MT_RELAY && version == 3;
	case MAP_OP_FORWARD_SM:
		/* forwardSM in shortMsgRelayContext-v1 and both v2 relay contexts; mo-forwardSM in v3 MO */
		return (ac == MAP_AC_SHORT_MSG_MO_RELAY) || (ac == MAP_AC_SHORT_MSG_MT_RELAY && version == 2);
	}
	return 0;
}

/*! What to answer an Invoke of application context \a ac / \a version (0/0: no dialogue
 *  portion) that np700 received. \returns 0 (serve it), or -1 with \a problem set to the
 *  TCAP invoke problem to answer in a Reject (unrecognizedOperation, mistypedParameter). */
int map_check_invoke(const struct tcap_component *c, int ac, int version, int *problem)
{
	if (c->type != TCAP_COMP_INVOKE || c->op_global || !map_op_version_ok(c->opcode, ac, version)) {
		*problem = TCAP_IP_UNRECOGNIZED_OPERATION;
		return -1;
	}
	if (!c->param) {
		*problem = TCAP_IP_MISTYPED_PARAMETER;
		return -1;
	}
	return 0;
}

/* TBCD digits of \a len octets at \a v: decimal digits, an 0xF filler only in the last nibble.
 * What osmo_bcd2str(..., allow_hex = false) gives, inline and an octet at a time: it runs for every
 * address of every MAP message, and the library's per-digit calls cost more than the rest of the
 * decoding. \returns the number of digits, or -EINVAL. */
static int tbcd_decode(char *out, size_t out_len, const uint8_t *v, size_t len)
{
	size_t end = len * 2, i;
	char *o = out;

	if (len && (v[len - 1] >> 4) == 0xf)
		end--;
	if (end + 1 > out_len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		uint8_t lo = v[i] & 0x0f, hi = v[i] >> 4;

		if (lo > 9)
			return -EINVAL;
		*o++ = '0' + lo;
		if (hi > 9) {
			if (hi == 0xf && i == len - 1)
				break;
			return -EINVAL;
		}
		*o++ = '0' + hi;
	}
	*o = '\0';
	return o - out;
}

/*! Decimal \a digits as TBCD (MAP addresses and IMSIs, SMS TP addresses): two digits an octet, low
 *  nibble first, an odd count filled with 0xF. What osmo_str2bcd(..., allow_hex = false) gives,
 *  an octet at a time: it runs for several numbers of every MAP message (issue 5).
 *  \returns octets written, or -EINVAL (a non-digit, \a out_size too small). */
int map_tbcd_encode(uint8_t *out, size_t out_size, const char *digits)
{
	size_t n = strlen(digits), i;
	unsigned int lo, hi;

	if ((n + 1) / 2 > out_size)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		lo = (unsigned char)digits[2 * i] - '0';
		hi = (unsigned char)digits[2 * i + 1] - '0';
		if (lo > 9 || hi > 9)
			return -EINVAL;
		out[i] = lo | (hi << 4);
	}
	if (n & 1) {
		lo = (unsigned char)digits[n - 1] - '0';
		if (lo > 9)
			return -EINVAL;
		out[i] = 0xf0 | lo;
	}
	return (n + 1) / 2;
}

/*! Decode the (ISDN-)AddressString element \a t (TON/NPI octet + TBCD digits) into \a a.
 *  \param[in] max_digits 16 for ISDN-AddressString, 38 for AddressString
 *  \returns 0 or -EINVAL. */
int map_addr_decode(struct map_addr *a, const struct ber_tlv *t, size_t max_digits)
{
	int n;

	memset(a, 0, sizeof(*a));
	if (t->constructed || t->len < 1 || (t->len - 1) * 2 > max_digits + 1)
		return -EINVAL;
	a->ton = (t->val[0] >> 4) & 7;
	a->npi = t->val[0] & 0xf;
	n = tbcd_decode(a->digits, sizeof(a->digits), t->val + 1, t->len - 1);
	if (n < 0 || n > (int)max_digits)
		return -EINVAL;
	a->present = true;
	a->tlv = *t;
	return 0;
}

/*! Encode an AddressString's contents (not the tag) into \a buf.
 *  \returns number of octets, or -EINVAL (non-decimal digits, too long). */
int map_addr_encode(uint8_t *buf, size_t buf_len, uint8_t ton, uint8_t npi, const char *digits)
{
	int rc;

	if (buf_len < 1 || strlen(digits) > MAP_ADDR_MAX_DIGITS || ton > 7 || npi > 15)
		return -EINVAL;
	buf[0] = 0x80 | (ton << 4) | npi;
	if (!digits[0])
		return 1;
	rc = map_tbcd_encode(buf + 1, buf_len - 1, digits);
	if (rc < 0)
		return -EINVAL;
	return rc + 1;
}

/*! Decode an IMSI (TBCD OCTET STRING, 6..15 digits) element. \returns 0 or -EINVAL. */
int map_imsi_decode(char *out, size_t out_len, const struct ber_tlv *t)
{
	char tmp[MAP_IMSI_MAX_DIGITS + 2];
	int n;

	if (t->constructed || t->len < 3 || t->len > 8)
		return -EINVAL;
	/* tbcd_decode() leaves decimal digits only: what remains of osmo_imsi_str_valid() is the length */
	n = tbcd_decode(tmp, sizeof(tmp), t->val, t->len);
	if (n < 6 || n > MAP_IMSI_MAX_DIGITS || (size_t)n >= out_len)
		return -EINVAL;
	memcpy(out, tmp, n + 1);
	return 0;
}

/*! Encode \a imsi as TBCD contents into \a buf (at least 8 octets). \returns octets or -EINVAL. */
int map_imsi_encode(uint8_t *buf, size_t buf_len, const char *imsi)
{
	size_t n = strlen(imsi);
	int rc;

	/* osmo_imsi_str_valid() without its second walk: map_tbcd_encode() refuses non-digits */
	if (n < 6 || n > MAP_IMSI_MAX_DIGITS)
		return -EINVAL;
	rc = map_tbcd_encode(buf, buf_len, imsi);
	return rc < 0 ? -EINVAL : rc;
}

/* Where every decoder below starts: the parameter must be one element filling param_len, of
 * identifier \a id; \a it then walks its elements with ber_iter_next_valid(), which checks each
 * one throughout (well-formed everywhere, as ber_validate() would, in the same walk). Every
 * decoder walks to the end before it can succeed, and all it finds malformed is -EINVAL. */
static int iter_param(struct ber_iter *it, struct ber_tlv *t, const uint8_t *param, size_t param_len, uint32_t id)
{
	if (!param || ber_read_exact(param, param_len, t) < 0)
		return -EINVAL;
	if (BER_TLV_ID(t) != id)
		return -EINVAL;
	ber_iter_init(it, t, 0);
	return 0;
}

/*! Decode a forwardSM (v1/v2), mt-forwardSM or mo-forwardSM (v3) argument.
 *  \returns 0; -EINVAL malformed (answer a Reject mistypedParameter); -ENODATA a mandatory
 *  element is missing (answer dataMissing). */
int map_dec_fwd_sm(struct map_fwd_sm *f, const uint8_t *param, size_t param_len)
{
	struct ber_iter it;
	struct ber_tlv c;
	int rc, n = 0;

	memset(f, 0, sizeof(*f));
	if (iter_param(&it, &f->param_tlv, param, param_len, BER_ID_SEQUENCE) < 0)
		return -EINVAL;
	while ((rc = ber_iter_next_valid(&it, &c)) > 0) {
		uint32_t id = BER_TLV_ID(&c);

		switch (n++) {
		case 0:		/* sm-RP-DA */
			f->da_tlv = c;
			if (id == CTX(0, 0)) {
				f->da_type = MAP_SM_RP_DA_IMSI;
				if (map_imsi_decode(f->da_imsi, sizeof(f->da_imsi), &c) < 0)
					return -EINVAL;
			} else if (id == CTX(0, 1)) {
				f->da_type = MAP_SM_RP_DA_LMSI;
				if (c.len != 4)
					return -EINVAL;
				memcpy(f->da_lmsi, c.val, 4);
			} else if (id == CTX(0, 4)) {
				f->da_type = MAP_SM_RP_DA_SCA;
				if (map_addr_decode(&f->da_addr, &c, MAP_ADDR_MAX_DIGITS) < 0)
					return -EINVAL;
			} else if (id == CTX(0, 5) && c.len == 0) {
				f->da_type = MAP_SM_RP_DA_NO_DA;
			} else {
				return -EINVAL;
			}
			break;
		case 1:		/* sm-RP-OA */
			f->oa_tlv = c;
			if (id == CTX(0, 2)) {
				f->oa_type = MAP_SM_RP_OA_MSISDN;
				if (map_addr_decode(&f->oa_addr, &c, MAP_ISDN_MAX_DIGITS) < 0)
					return -EINVAL;
			} else if (id == CTX(0, 4)) {
				f->oa_type = MAP_SM_RP_OA_SCA;
				if (map_addr_decode(&f->oa_addr, &c, MAP_ADDR_MAX_DIGITS) < 0)
					return -EINVAL;
			} else if (id == CTX(0, 5) && c.len == 0) {
				f->oa_type = MAP_SM_RP_OA_NO_OA;
			} else {
				return -EINVAL;
			}
			break;
		case 2:		/* sm-RP-UI SignalInfo ::= OCTET STRING (SIZE (1..200)) */
			if (id != BER_ID_OCTETSTRING || c.len < 1 || c.len > 200)
				return -EINVAL;
			f->ui = c.val;
			f->ui_len = c.len;
			f->ui_tlv = c;
			break;
		default:
			/* optional elements and extensions, relayed as they are: an untagged OCTET
			 * STRING here is mo-forwardSM's imsi or mt-forwardSM's smDeliveryStartTime
			 * (Rel-7), which only the operation tells apart, and np700 needs neither */
			if (id == BER_ID_NULL) {
				if (c.len != 0 || f->more_msgs)
					return -EINVAL;
				f->more_msgs = true;
			}
			break;
		}
	}
	if (rc < 0)
		return -EINVAL;
	return n >= 3 ? 0 : -ENODATA;
}

/* Bit per context tag seen, to refuse duplicates in SEQUENCEs np700 reads by tag. */
static int seen(uint32_t *mask, uint32_t tag)
{
	if (tag < 32) {
		if (*mask & (1u << tag))
			return -EINVAL;
		*mask |= 1u << tag;
	}
	return 0;
}

/* The SEQUENCEs np700 reads by context tag skip other classes and refuse a tag seen twice; this
 * is that loop step. \returns 1 (next element in \a c), 0 (end), -EINVAL. */
static int next_ctx(struct ber_iter *it, struct ber_tlv *c, uint32_t *mask)
{
	int rc;

	while ((rc = ber_iter_next_valid(it, c)) > 0) {
		if (c->cls != BER_CLASS_CONTEXT)
			continue;
		return seen(mask, c->tag) < 0 ? -EINVAL : 1;
	}
	return rc;
}

/*! Decode a sendRoutingInfo argument (\a version 1..3). \returns 0, -EINVAL, -ENODATA. */
int map_dec_sri(struct map_sri *s, const uint8_t *param, size_t param_len, int version)
{
	struct ber_tlv t, c;
	struct ber_iter it;
	uint32_t mask = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	s->interrogation_type = -1;
	s->num_forwarding = -1;
	if (iter_param(&it, &t, param, param_len, BER_ID_SEQUENCE) < 0)
		return -EINVAL;
	while ((rc = next_ctx(&it, &c, &mask)) > 0) {
		switch (BER_TLV_ID(&c)) {
		case CTX(0, 0):
			if (map_addr_decode(&s->msisdn, &c, MAP_ISDN_MAX_DIGITS) < 0)
				return -EINVAL;
			break;
		case CTX(0, 2):
			if (ber_get_int(&c, &s->num_forwarding) < 0)
				return -EINVAL;
			break;
		case CTX(0, 3):
			if (ber_get_int(&c, &s->interrogation_type) < 0)
				return -EINVAL;
			break;
		case CTX(0, 6):
			if (map_addr_decode(&s->gmsc, &c, MAP_ISDN_MAX_DIGITS) < 0)
				return -EINVAL;
			break;
		}
	}
	if (rc < 0)
		return -EINVAL;
	if (!s->msisdn.present)
		return -ENODATA;
	if (version >= 3 && (s->interrogation_type < 0 || !s->gmsc.present))
		return -ENODATA;
	return 0;
}

/*! Decode a sendRoutingInfoForSM argument. \returns 0, -EINVAL, -ENODATA. */
int map_dec_sri_sm(struct map_sri_sm *s, const uint8_t *param, size_t param_len)
{
	struct ber_tlv t, c;
	struct ber_iter it;
	uint32_t mask = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	if (iter_param(&it, &t, param, param_len, BER_ID_SEQUENCE) < 0)
		return -EINVAL;
	while ((rc = next_ctx(&it, &c, &mask)) > 0) {
		switch (BER_TLV_ID(&c)) {
		case CTX(0, 0):
			if (map_addr_decode(&s->msisdn, &c, MAP_ISDN_MAX_DIGITS) < 0)
				return -EINVAL;
			break;
		case CTX(0, 1):
			if (ber_get_bool(&c, &s->sm_rp_pri) < 0)
				return -EINVAL;
			break;
		case CTX(0, 2):
			if (map_addr_decode(&s->sca, &c, MAP_ADDR_MAX_DIGITS) < 0)
				return -EINVAL;
			break;
		}
	}
	if (rc < 0)
		return -EINVAL;
	if (!s->msisdn.present || !(mask & 2) || !s->sca.present)
		return -ENODATA;
	return 0;
}

/*! Decode a sendRoutingInfo result (v3: [3] SEQUENCE, v1/v2: SEQUENCE {imsi, routingInfo}).
 *  \returns 0, -EINVAL, -ENODATA (no routing info). */
int map_dec_sri_res(struct map_sri_res *r, const uint8_t *param, size_t param_len, int version)
{
	struct ber_tlv t, c;
	struct ber_iter it;
	int rc, n = 0;

	memset(r, 0, sizeof(*r));
	if (iter_param(&it, &t, param, param_len, version >= 3 ? CTX(1, 3) : BER_ID_SEQUENCE) < 0)
		return -EINVAL;
	while ((rc = ber_iter_next_valid(&it, &c)) > 0) {
		uint32_t id = BER_TLV_ID(&c);

		if (version < 3 && n++ == 0) {
			/* v1/v2: imsi comes first and is mandatory */
			if (id != BER_ID_OCTETSTRING || map_imsi_decode(r->imsi, sizeof(r->imsi), &c) < 0)
				return -EINVAL;
			r->imsi_present = true;
			continue;
		}
		if (version >= 3 && id == CTX(0, 9)) {
			if (r->imsi_present || map_imsi_decode(r->imsi, sizeof(r->imsi), &c) < 0)
				return -EINVAL;
			r->imsi_present = true;
		} else if (id == BER_ID_OCTETSTRING && !r->roaming_number.present && !r->forwarding) {
			if (map_addr_decode(&r->roaming_number, &c, MAP_ISDN_MAX_DIGITS) < 0)
				return -EINVAL;
		} else if (id == BER_ID_SEQUENCE && !r->roaming_number.present && !r->forwarding) {
			r->forwarding = true;
		}
	}
	if (rc < 0)
		return -EINVAL;
	if (version < 3 && !r->imsi_present)
		return -ENODATA;
	return r->roaming_number.present || r->forwarding ? 0 : -ENODATA;
}

/*! Decode a sendRoutingInfoForSM result {imsi, locationInfoWithLMSI [0] {networkNode-Number [1]
 *  (v1: msc-Number [1] or roamingNumber [0]), lmsi}}. \returns 0, -EINVAL, -ENODATA. */
int map_dec_sri_sm_res(struct map_sri_sm_res *r, const uint8_t *param, size_t param_len)
{
	struct ber_tlv t, c, l;
	struct ber_iter it, lit;
	bool have_imsi = false, have_loc = false;
	int rc;

	memset(r, 0, sizeof(*r));
	if (iter_param(&it, &t, param, param_len, BER_ID_SEQUENCE) < 0)
		return -EINVAL;
	while ((rc = ber_iter_next_valid(&it, &c)) > 0) {
		uint32_t id = BER_TLV_ID(&c);

		if (id == BER_ID_OCTETSTRING && !have_imsi) {
			if (map_imsi_decode(r->imsi, sizeof(r->imsi), &c) < 0)
				return -EINVAL;
			have_imsi = true;
		} else if (id == CTX(1, 0) && !have_loc) {
			have_loc = true;
			ber_iter_init(&lit, &c, 1);
			while ((rc = ber_iter_next(&lit, &l)) > 0) {
				uint32_t lid = BER_TLV_ID(&l);

				if ((lid == CTX(0, 1) || lid == CTX(0, 0)) && !r->nnn.present) {
					if (map_addr_decode(&r->nnn, &l, MAP_ISDN_MAX_DIGITS) < 0)
						return -EINVAL;
				} else if (lid == BER_ID_OCTETSTRING && !r->lmsi_present) {
					if (l.len != 4)
						return -EINVAL;
					memcpy(r->lmsi, l.val, 4);
					r->lmsi_present = true;
				}
			}
			if (rc < 0)
				return -EINVAL;
		}
	}
	if (rc < 0)
		return -EINVAL;
	return have_imsi && r->nnn.present ? 0 : -ENODATA;
}

static int put_addr(struct msgb *msg, uint32_t id, uint8_t ton, uint8_t npi, const char *digits, size_t max)
{
	uint8_t buf[1 + MAP_ADDR_MAX_DIGITS / 2];
	int n;

	if (strlen(digits) > max)
		return -EINVAL;
	n = map_addr_encode(buf, sizeof(buf), ton, npi, digits);
	if (n < 0)
		return n;
	return ber_put_tlv(msg, id, buf, n);
}

static int put_imsi(struct msgb *msg, uint32_t id, const char *imsi)
{
	uint8_t buf[8];
	int n = map_imsi_encode(buf, sizeof(buf), imsi);

	if (n < 0)
		return n;
	return ber_put_tlv(msg, id, buf, n);
}

/*! Append a sendRoutingInfo result parameter carrying \a routing_number as roamingNumber.
 *  v3: [3] SEQUENCE { imsi [9] (if \a imsi), roamingNumber }; v1/v2: SEQUENCE { imsi, roamingNumber },
 *  where the imsi is mandatory. \returns 0, -EINVAL, -ENOSPC. */
int map_enc_sri_res(struct msgb *msg, int version, const char *imsi, uint8_t ton, uint8_t npi,
		    const char *routing_number)
{
	size_t mark;
	int rc;

	if (version < 3 && !imsi)
		return -EINVAL;
	CHK(ber_begin(msg, version >= 3 ? CTX(1, 3) : BER_ID_SEQUENCE, &mark));
	if (imsi)
		CHK(put_imsi(msg, version >= 3 ? CTX(0, 9) : BER_ID_OCTETSTRING, imsi));
	CHK(put_addr(msg, BER_ID_OCTETSTRING, ton, npi, routing_number, MAP_ISDN_MAX_DIGITS));
	return ber_end(msg, mark);
}

/*! Append a sendRoutingInfoForSM result: { imsi, locationInfoWithLMSI { networkNode-Number [1]
 *  \a nnn, lmsi (if \a lmsi, 4 octets) } }. The same encoding serves v1..v3. */
int map_enc_sri_sm_res(struct msgb *msg, const char *imsi, uint8_t nnn_ton, uint8_t nnn_npi, const char *nnn,
		       const uint8_t *lmsi)
{
	size_t mark, mloc;
	int rc;

	CHK(ber_begin(msg, BER_ID_SEQUENCE, &mark));
	CHK(put_imsi(msg, BER_ID_OCTETSTRING, imsi));
	CHK(ber_begin(msg, CTX(1, 0), &mloc));
	CHK(put_addr(msg, CTX(0, 1), nnn_ton, nnn_npi, nnn, MAP_ISDN_MAX_DIGITS));
	if (lmsi)
		CHK(ber_put_tlv(msg, BER_ID_OCTETSTRING, lmsi, 4));
	CHK(ber_end(msg, mloc));
	return ber_end(msg, mark);
}

/*! Append a sendRoutingInfoForSM argument { msisdn [0], sm-RP-PRI [1], serviceCentreAddress [2] }
 *  (np700 asking the recipient's HLR). */
int map_enc_sri_sm(struct msgb *msg, uint8_t ton, uint8_t npi, const char *msisdn, bool sm_rp_pri,
		   uint8_t sca_ton, uint8_t sca_npi, const char *sca)
{
	uint8_t pri = sm_rp_pri ? 0xff : 0x00;
	size_t mark;
	int rc;

	CHK(ber_begin(msg, BER_ID_SEQUENCE, &mark));
	CHK(put_addr(msg, CTX(0, 0), ton, npi, msisdn, MAP_ISDN_MAX_DIGITS));
	CHK(ber_put_tlv(msg, CTX(0, 1), &pri, 1));
	CHK(put_addr(msg, CTX(0, 2), sca_ton, sca_npi, sca, MAP_ADDR_MAX_DIGITS));
	return ber_end(msg, mark);
}

/*! Append a sendRoutingInfo argument { msisdn [0] } and for v3 also interrogationType [3]
 *  basicCall and gmsc-OrGsmSCF-Address [6] \a gmsc (international ISDN). */
int map_enc_sri(struct msgb *msg, int version, uint8_t ton, uint8_t npi, const char *msisdn,
		const char *gmsc)
{
	size_t mark;
	int rc;

	CHK(ber_begin(msg, BER_ID_SEQUENCE, &mark));
	CHK(put_addr(msg, CTX(0, 0), ton, npi, msisdn, MAP_ISDN_MAX_DIGITS));
	if (version >= 3) {
		if (!gmsc)
			return -EINVAL;
		CHK(ber_put_int(msg, CTX(0, 3), 0));
		CHK(put_addr(msg, CTX(0, 6), MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, gmsc, MAP_ISDN_MAX_DIGITS));
	}
	return ber_end(msg, mark);
}

/*! Append an MT forwardSM argument { sm-RP-DA imsi [0], sm-RP-OA serviceCentreAddressOA [4],
 *  sm-RP-UI, moreMessagesToSend NULL if \a more_msgs }. */
int map_enc_fwd_sm(struct msgb *msg, const char *da_imsi, uint8_t oa_ton, uint8_t oa_npi, const char *oa_sca,
		   const uint8_t *ui, size_t ui_len, bool more_msgs)
{
	size_t mark;
	int rc;

	if (ui_len < 1 || ui_len > 200)
		return -EINVAL;
	CHK(ber_begin(msg, BER_ID_SEQUENCE, &mark));
	CHK(put_imsi(msg, CTX(0, 0), da_imsi));
	CHK(put_addr(msg, CTX(0, 4), oa_ton, oa_npi, oa_sca, MAP_ADDR_MAX_DIGITS));
	CHK(ber_put_tlv(msg, BER_ID_OCTETSTRING, ui, ui_len));
	if (more_msgs)
		CHK(ber_put_tlv(msg, BER_ID_NULL, NULL, 0));
	return ber_end(msg, mark);
}

/*! Append the parameter of MAP error \a error for application context \a version, if it has
 *  one: smDeliveryFailure (\a cause = SM-EnumeratedDeliveryFailureCause, v1 bare ENUMERATED,
 *  v2/v3 SEQUENCE), callBarred (\a cause = CallBarringCause, if >= 0), absentSubscriberSM v3
 *  (\a cause = absentSubscriberDiagnosticSM, if >= 0). Other errors go without parameter.
 *  \returns octets appended (0: send the error without parameter), or -ENOSPC. */
int map_error_for_version(int error, int version)
{
	/* absentSubscriberSM came with v2; a v1 peer knows the absent subscriber as absentSubscriber */
	return error == MAP_ERR_ABSENT_SUBSCRIBER_SM && version <= 1 ? MAP_ERR_ABSENT_SUBSCRIBER : error;
}

int map_enc_error_param(struct msgb *msg, int error, int version, int cause)
{
	size_t before = msgb_length(msg), mark;
	int rc;

	switch (error) {
	case MAP_ERR_SM_DELIVERY_FAILURE:
		if (cause < 0)
			cause = MAP_SMFC_EQUIPMENT_PROTOCOL_ERROR;
		if (version <= 1) {
			CHK(ber_put_int(msg, BER_ID_ENUMERATED, cause));
			break;
		}
		CHK(ber_begin(msg, BER_ID_SEQUENCE, &mark));
		CHK(ber_put_int(msg, BER_ID_ENUMERATED, cause));
		CHK(ber_end(msg, mark));
		break;
	case MAP_ERR_CALL_BARRED:
		if (cause >= 0)
			CHK(ber_put_int(msg, BER_ID_ENUMERATED, cause));
		break;
	case MAP_ERR_ABSENT_SUBSCRIBER_SM:
		if (cause >= 0 && version >= 3) {
			CHK(ber_begin(msg, BER_ID_SEQUENCE, &mark));
			CHK(ber_put_int(msg, BER_ID_INTEGER, cause));
			CHK(ber_end(msg, mark));
		}
		break;
	}
	return msgb_length(msg) - before;
}

/*! Rewrite a forwardSM / mt-forwardSM / mo-forwardSM argument: sm-RP-DA becomes imsi [0]
 *  \a da_imsi (if not NULL) and sm-RP-UI gets the contents \a ui / \a ui_len (if not NULL).
 *  Every other byte stays as received; lengths are re-computed in their received form.
 *  \returns 0, -EINVAL (argument or new values bad), -ENODATA, -ENOSPC. The new parameter
 *  element is appended to \a out (owned and freed by the caller). */
int map_fwd_sm_rewrite(struct msgb *out, const uint8_t *param, size_t param_len, const char *da_imsi,
		       const uint8_t *ui, size_t ui_len)
{
	uint8_t da[2 + 8];
	struct map_fwd_sm f;
	struct ber_tlv path[2];
	struct ber_edit e[2];
	int rc, n;

	rc = map_dec_fwd_sm(&f, param, param_len);
	if (rc < 0)
		return rc;
	if (ui && (ui_len < 1 || ui_len > 200))
		return -EINVAL;
	if (!da_imsi) {
		if (!ui)
			return ber_put_raw(out, param, param_len);
		path[0] = f.param_tlv;
		path[1] = f.ui_tlv;
		return ber_splice(out, param, param_len, path, 2, false, ui, ui_len);
	}

	n = map_imsi_encode(da + 2, sizeof(da) - 2, da_imsi);
	if (n < 0)
		return n;
	da[0] = 0x80;
	da[1] = n;
	if (!ui) {
		path[0] = f.param_tlv;
		path[1] = f.da_tlv;
		return ber_splice(out, param, param_len, path, 2, true, da, n + 2);
	}
	/* both in one pass: the DA and the UI are siblings, the DA first */
	e[0] = (struct ber_edit){ .t = &f.da_tlv, .whole = true, .repl = da, .repl_len = n + 2 };
	e[1] = (struct ber_edit){ .t = &f.ui_tlv, .whole = false, .repl = ui, .repl_len = ui_len };
	return ber_splice_children(out, param, param_len, &f.param_tlv, e, 2);
}

/*! Re-build a mt-forwardSM (v3) argument as a forwardSM (v2) one after a peer refused v3:
 *  SEQUENCE { sm-RP-DA, sm-RP-OA, sm-RP-UI, moreMessagesToSend } with those elements copied
 *  byte for byte and the v3-only elements (extension container, timers, ...) dropped.
 *  \returns 0, -EINVAL, -ENODATA, -ENOSPC; the element is appended to \a out (owned by the caller). */
int map_fwd_sm_downgrade(struct msgb *out, const uint8_t *param, size_t param_len)
{
	struct map_fwd_sm f;
	size_t mark;
	int rc;

	rc = map_dec_fwd_sm(&f, param, param_len);
	if (rc < 0)
		return rc;
	CHK(ber_begin(out, BER_ID_SEQUENCE, &mark));
	CHK(ber_put_raw(out, f.da_tlv.hdr, f.da_tlv.total_len));
	CHK(ber_put_raw(out, f.oa_tlv.hdr, f.oa_tlv.total_len));
	CHK(ber_put_raw(out, f.ui_tlv.hdr, f.ui_tlv.total_len));
	if (f.more_msgs)
		CHK(ber_put_tlv(out, BER_ID_NULL, NULL, 0));
	return ber_end(out, mark);
}

/*! MAP / SMS TPDU type of number for a number of \a nature (DESIGN §3: 700 numbers go national). */
uint8_t map_ton_from_nature(enum np700_nature nature)
{
	switch (nature) {
	case NP700_NAT_INTERNATIONAL:
		return MAP_TON_INTERNATIONAL;
	case NP700_NAT_NATIONAL:
		return MAP_TON_NATIONAL;
	case NP700_NAT_SUBSCRIBER:
		return MAP_TON_SUBSCRIBER;
	default:
		return MAP_TON_UNKNOWN;
	}
}

/*! Nature of a number received with MAP / SMS TPDU type of number \a ton, for np700_protected_normalise()
 *  and np700_real_normalise(). */
enum np700_nature map_nature_from_ton(uint8_t ton)
{
	switch (ton) {
	case MAP_TON_INTERNATIONAL:
		return NP700_NAT_INTERNATIONAL;
	case MAP_TON_NATIONAL:
		return NP700_NAT_NATIONAL;
	case MAP_TON_SUBSCRIBER:
		return NP700_NAT_SUBSCRIBER;
	default:
		return NP700_NAT_UNKNOWN;
	}
}
