/* Northbound provisioning protocol: message definitions, encoder, strict decoder (DESIGN §7) */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/bit64gen.h>
#include <osmocom/core/bit32gen.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/ipa.h>
#include <osmocom/gsm/protocol/ipaccess.h>
#include <osmocom/gsm/tlv.h>

#include <np700/logging.h>
#include <np700/nb_proto.h>

const struct value_string nb_msg_type_names[] = {
	{ NB_MSGT_ERROR, "ERROR" },
	{ NB_MSGT_CREATE_REQ, "CREATE_REQ" },
	{ NB_MSGT_CREATE_ERR, "CREATE_ERR" },
	{ NB_MSGT_CREATE_RES, "CREATE_RES" },
	{ NB_MSGT_UPDATE_REQ, "UPDATE_REQ" },
	{ NB_MSGT_UPDATE_ERR, "UPDATE_ERR" },
	{ NB_MSGT_UPDATE_RES, "UPDATE_RES" },
	{ NB_MSGT_DELETE_REQ, "DELETE_REQ" },
	{ NB_MSGT_DELETE_ERR, "DELETE_ERR" },
	{ NB_MSGT_DELETE_RES, "DELETE_RES" },
	{ NB_MSGT_GET_REQ, "GET_REQ" },
	{ NB_MSGT_GET_ERR, "GET_ERR" },
	{ NB_MSGT_GET_RES, "GET_RES" },
	{ NB_MSGT_LIST_NUMBER_REQ, "LIST_NUMBER_REQ" },
	{ NB_MSGT_LIST_NUMBER_ERR, "LIST_NUMBER_ERR" },
	{ NB_MSGT_LIST_NUMBER_RES, "LIST_NUMBER_RES" },
	{ NB_MSGT_LIST_NUMBER_ITEM, "LIST_NUMBER_ITEM" },
	{ NB_MSGT_LIST_CUSTOMER_REQ, "LIST_CUSTOMER_REQ" },
	{ NB_MSGT_LIST_CUSTOMER_ERR, "LIST_CUSTOMER_ERR" },
	{ NB_MSGT_LIST_CUSTOMER_RES, "LIST_CUSTOMER_RES" },
	{ NB_MSGT_LIST_CUSTOMER_ITEM, "LIST_CUSTOMER_ITEM" },
	{ 0, NULL }
};

const struct value_string nb_iei_names[] = {
	{ NB_IEI_TID, "tid" },
	{ NB_IEI_CAUSE, "cause" },
	{ NB_IEI_FIELD, "field" },
	{ NB_IEI_TEXT, "text" },
	{ NB_IEI_MSG_TYPE, "msg_type" },
	{ NB_IEI_COUNT, "count" },
	{ NB_IEI_BINDING_ID, "id" },
	{ NB_IEI_CUSTOMER_ID, "customer" },
	{ NB_IEI_ORDER_ID, "order" },
	{ NB_IEI_MODE, "mode" },
	{ NB_IEI_X, "x" },
	{ NB_IEI_Y, "y" },
	{ NB_IEI_A, "a" },
	{ NB_IEI_B, "b" },
	{ NB_IEI_CREATED, "created" },
	{ NB_IEI_EXPIRES, "expires" },
	{ NB_IEI_SERVICES, "services" },
	{ NB_IEI_DIRECTION, "direction" },
	{ NB_IEI_MAX_DURATION, "max_duration" },
	{ NB_IEI_MAX_CALLS, "max_calls" },
	{ NB_IEI_CALLBACK, "callback" },
	{ NB_IEI_CALLBACK_WINDOW, "callback_window" },
	{ 0, NULL }
};

const struct value_string nb_cause_names[] = {
	{ NB_CAUSE_MALFORMED, "malformed" },
	{ NB_CAUSE_UNKNOWN_MSG_TYPE, "unknown-message-type" },
	{ NB_CAUSE_MISSING_IE, "missing-ie" },
	{ NB_CAUSE_UNKNOWN_IE, "unknown-ie" },
	{ NB_CAUSE_DUPLICATE_IE, "duplicate-ie" },
	{ NB_CAUSE_UNEXPECTED_IE, "unexpected-ie" },
	{ NB_CAUSE_INVALID_FIELD, "invalid-field" },
	{ NB_CAUSE_NOT_AUTHORISED, "not-authorised" },
	{ NB_CAUSE_UNKNOWN_BINDING, "unknown-binding" },
	{ NB_CAUSE_EXISTS, "exists" },
	{ NB_CAUSE_POOL_VIOLATION, "pool-violation" },
	{ NB_CAUSE_CAP_REACHED, "cap-reached" },
	{ NB_CAUSE_STORE_FULL, "store-full" },
	{ NB_CAUSE_STORE_ERROR, "store-error" },
	{ NB_CAUSE_UNKNOWN_CUSTOMER, "unknown-customer" },
	{ NB_CAUSE_BUSY, "busy" },
	{ 0, NULL }
};

const struct value_string nb_mode_names[] = {
	{ NP700_MODE_AXB, "AXB" },
	{ NP700_MODE_AXN, "AXN" },
	{ NP700_MODE_AX, "AX" },
	{ NP700_MODE_AXYB, "AXYB" },
	{ 0, NULL }
};

const struct value_string nb_direction_names[] = {
	{ NP700_DIR_BOTH, "both" },
	{ NP700_DIR_A_TO_B, "a-to-b" },
	{ NP700_DIR_B_TO_A, "b-to-a" },
	{ 0, NULL }
};

/* Every tag is parsed as TLV, so that an unknown tag is still skipped structurally and can be
 * named in the error answer instead of failing the whole parse anonymously. */
static struct tlv_definition nb_tlv_def;

static __attribute__((constructor)) void nb_tlv_def_init(void)
{
	int i;
	for (i = 0; i < ARRAY_SIZE(nb_tlv_def.def); i++)
		nb_tlv_def.def[i].type = TLV_TYPE_TLV;
}

/* Mandatory IEs per message type (osmo_tlv_prot checks them) */
static const uint8_t ies_create_req[] = { NB_IEI_TID, NB_IEI_CUSTOMER_ID, NB_IEI_MODE, NB_IEI_X, NB_IEI_A };
static const uint8_t ies_id_req[] = { NB_IEI_TID, NB_IEI_BINDING_ID };
static const uint8_t ies_list_number_req[] = { NB_IEI_TID, NB_IEI_X };
static const uint8_t ies_list_customer_req[] = { NB_IEI_TID, NB_IEI_CUSTOMER_ID };
static const uint8_t ies_err[] = { NB_IEI_TID, NB_IEI_CAUSE };
static const uint8_t ies_generic_err[] = { NB_IEI_CAUSE };
static const uint8_t ies_id_res[] = { NB_IEI_TID, NB_IEI_BINDING_ID };
static const uint8_t ies_binding[] = { NB_IEI_TID, NB_IEI_BINDING_ID, NB_IEI_CUSTOMER_ID, NB_IEI_MODE, NB_IEI_X,
				       NB_IEI_A };
static const uint8_t ies_list_res[] = { NB_IEI_TID, NB_IEI_COUNT };

const struct osmo_tlv_prot_def nb_tlv_prot = {
	.name = "np700-nb",
	.tlv_def = &nb_tlv_def,
	.msg_def = {
		[NB_MSGT_ERROR] = MSG_DEF("ERROR", ies_generic_err, 0),
		[NB_MSGT_CREATE_REQ] = MSG_DEF("CREATE_REQ", ies_create_req, 0),
		[NB_MSGT_CREATE_ERR] = MSG_DEF("CREATE_ERR", ies_err, 0),
		[NB_MSGT_CREATE_RES] = MSG_DEF("CREATE_RES", ies_id_res, 0),
		[NB_MSGT_UPDATE_REQ] = MSG_DEF("UPDATE_REQ", ies_id_req, 0),
		[NB_MSGT_UPDATE_ERR] = MSG_DEF("UPDATE_ERR", ies_err, 0),
		[NB_MSGT_UPDATE_RES] = MSG_DEF("UPDATE_RES", ies_id_res, 0),
		[NB_MSGT_DELETE_REQ] = MSG_DEF("DELETE_REQ", ies_id_req, 0),
		[NB_MSGT_DELETE_ERR] = MSG_DEF("DELETE_ERR", ies_err, 0),
		[NB_MSGT_DELETE_RES] = MSG_DEF("DELETE_RES", ies_id_res, 0),
		[NB_MSGT_GET_REQ] = MSG_DEF("GET_REQ", ies_id_req, 0),
		[NB_MSGT_GET_ERR] = MSG_DEF("GET_ERR", ies_err, 0),
		[NB_MSGT_GET_RES] = MSG_DEF("GET_RES", ies_binding, 0),
		[NB_MSGT_LIST_NUMBER_REQ] = MSG_DEF("LIST_NUMBER_REQ", ies_list_number_req, 0),
		[NB_MSGT_LIST_NUMBER_ERR] = MSG_DEF("LIST_NUMBER_ERR", ies_err, 0),
		[NB_MSGT_LIST_NUMBER_RES] = MSG_DEF("LIST_NUMBER_RES", ies_list_res, 0),
		[NB_MSGT_LIST_NUMBER_ITEM] = MSG_DEF("LIST_NUMBER_ITEM", ies_binding, 0),
		[NB_MSGT_LIST_CUSTOMER_REQ] = MSG_DEF("LIST_CUSTOMER_REQ", ies_list_customer_req, 0),
		[NB_MSGT_LIST_CUSTOMER_ERR] = MSG_DEF("LIST_CUSTOMER_ERR", ies_err, 0),
		[NB_MSGT_LIST_CUSTOMER_RES] = MSG_DEF("LIST_CUSTOMER_RES", ies_list_res, 0),
		[NB_MSGT_LIST_CUSTOMER_ITEM] = MSG_DEF("LIST_CUSTOMER_ITEM", ies_binding, 0),
	},
	.ie_def = {
		[NB_IEI_TID] = { 4, "tid" },
		[NB_IEI_CAUSE] = { 1, "cause" },
		[NB_IEI_FIELD] = { 1, "field" },
		[NB_IEI_TEXT] = { 0, "text" },
		[NB_IEI_MSG_TYPE] = { 1, "msg_type" },
		[NB_IEI_COUNT] = { 4, "count" },
		[NB_IEI_BINDING_ID] = { 8, "id" },
		[NB_IEI_CUSTOMER_ID] = { 4, "customer" },
		[NB_IEI_ORDER_ID] = { 0, "order" },
		[NB_IEI_MODE] = { 1, "mode" },
		[NB_IEI_X] = { 1, "x" },
		[NB_IEI_Y] = { 0, "y" },
		[NB_IEI_A] = { 1, "a" },
		[NB_IEI_B] = { 0, "b" },
		[NB_IEI_CREATED] = { 8, "created" },
		[NB_IEI_EXPIRES] = { 8, "expires" },
		[NB_IEI_SERVICES] = { 1, "services" },
		[NB_IEI_DIRECTION] = { 1, "direction" },
		[NB_IEI_MAX_DURATION] = { 4, "max_duration" },
		[NB_IEI_MAX_CALLS] = { 4, "max_calls" },
		[NB_IEI_CALLBACK] = { 1, "callback" },
		[NB_IEI_CALLBACK_WINDOW] = { 4, "callback_window" },
	},
};

/* Largest value per IE; together with ie_def[].min_len this makes every length exact. */
static const uint8_t ie_max_len[_NB_IEI_MAX + 1] = {
	[NB_IEI_TID] = 4, [NB_IEI_CAUSE] = 1, [NB_IEI_FIELD] = 1, [NB_IEI_TEXT] = 255, [NB_IEI_MSG_TYPE] = 1,
	[NB_IEI_COUNT] = 4, [NB_IEI_BINDING_ID] = 8, [NB_IEI_CUSTOMER_ID] = 4,
	[NB_IEI_ORDER_ID] = NP700_ORDER_ID_MAXLEN, [NB_IEI_MODE] = 1, [NB_IEI_X] = NP700_NUM_MAXLEN,
	[NB_IEI_Y] = NP700_NUM_MAXLEN, [NB_IEI_A] = NP700_NUM_MAXLEN, [NB_IEI_B] = NP700_NUM_MAXLEN,
	[NB_IEI_CREATED] = 8, [NB_IEI_EXPIRES] = 8, [NB_IEI_SERVICES] = 1, [NB_IEI_DIRECTION] = 1,
	[NB_IEI_MAX_DURATION] = 4, [NB_IEI_MAX_CALLS] = 4, [NB_IEI_CALLBACK] = 1, [NB_IEI_CALLBACK_WINDOW] = 4,
};

#define B(iei)	NB_IE_BIT(NB_IEI_##iei)
#define IES_ERR	(B(TID) | B(CAUSE) | B(FIELD) | B(TEXT))
#define IES_BINDING_ATTRS (B(ORDER_ID) | B(MODE) | B(X) | B(Y) | B(A) | B(B) | B(EXPIRES) | B(SERVICES) | \
			   B(DIRECTION) | B(MAX_DURATION) | B(MAX_CALLS) | B(CALLBACK) | B(CALLBACK_WINDOW))

/* Every IE a message type may carry (mandatory ones included); anything else is UNEXPECTED_IE. */
static const uint64_t msg_allowed_ies[256] = {
	[NB_MSGT_ERROR] = B(TID) | B(CAUSE) | B(FIELD) | B(TEXT) | B(MSG_TYPE),
	[NB_MSGT_CREATE_REQ] = B(TID) | B(CUSTOMER_ID) | IES_BINDING_ATTRS,
	[NB_MSGT_CREATE_ERR] = IES_ERR,
	[NB_MSGT_CREATE_RES] = B(TID) | B(BINDING_ID) | B(CREATED),
	[NB_MSGT_UPDATE_REQ] = B(TID) | B(BINDING_ID) | IES_BINDING_ATTRS,
	[NB_MSGT_UPDATE_ERR] = IES_ERR,
	[NB_MSGT_UPDATE_RES] = B(TID) | B(BINDING_ID),
	[NB_MSGT_DELETE_REQ] = B(TID) | B(BINDING_ID),
	[NB_MSGT_DELETE_ERR] = IES_ERR,
	[NB_MSGT_DELETE_RES] = B(TID) | B(BINDING_ID),
	[NB_MSGT_GET_REQ] = B(TID) | B(BINDING_ID),
	[NB_MSGT_GET_ERR] = IES_ERR,
	[NB_MSGT_GET_RES] = B(TID) | NB_IES_BINDING,
	[NB_MSGT_LIST_NUMBER_REQ] = B(TID) | B(X),
	[NB_MSGT_LIST_NUMBER_ERR] = IES_ERR,
	[NB_MSGT_LIST_NUMBER_RES] = B(TID) | B(COUNT) | B(TEXT),
	[NB_MSGT_LIST_NUMBER_ITEM] = B(TID) | NB_IES_BINDING,
	[NB_MSGT_LIST_CUSTOMER_REQ] = B(TID) | B(CUSTOMER_ID),
	[NB_MSGT_LIST_CUSTOMER_ERR] = IES_ERR,
	[NB_MSGT_LIST_CUSTOMER_RES] = B(TID) | B(COUNT) | B(TEXT),
	[NB_MSGT_LIST_CUSTOMER_ITEM] = B(TID) | NB_IES_BINDING,
};

void nb_msg_init(struct nb_msg *m, uint8_t msg_type, uint32_t tid)
{
	memset(m, 0, sizeof(*m));
	m->msg_type = msg_type;
	m->tid = tid;
	m->present = B(TID);
	m->b.services = NP700_SVC_VOICE | NP700_SVC_SMS;
	m->b.direction = NP700_DIR_BOTH;
}

void nb_msg_set_binding(struct nb_msg *m, const struct np700_binding *b)
{
	m->b = *b;
	m->present |= NB_IES_BINDING;
	/* empty strings are the absence of a value: leave their IEs out */
	if (!b->order_id[0])
		m->present &= ~NB_IE_BIT(NB_IEI_ORDER_ID);
	if (!b->y[0])
		m->present &= ~NB_IE_BIT(NB_IEI_Y);
	if (!b->b[0])
		m->present &= ~NB_IE_BIT(NB_IEI_B);
}

void nb_msg_set_error(struct nb_msg *m, uint8_t req_type, uint32_t tid, uint8_t cause, uint8_t field,
		      const char *text)
{
	nb_msg_init(m, NB_MSGT_REQ(req_type) | NB_KIND_ERR, tid);
	m->cause = cause;
	m->present |= B(CAUSE);
	if (field) {
		m->field = field;
		m->present |= B(FIELD);
	}
	if (text && text[0]) {
		OSMO_STRLCPY_ARRAY(m->text, text);
		m->present |= B(TEXT);
	}
}

static void put_u8(struct msgb *msg, uint8_t iei, uint8_t v)
{
	msgb_tlv_put(msg, iei, 1, &v);
}

static void put_u32(struct msgb *msg, uint8_t iei, uint32_t v)
{
	uint8_t buf[4];
	osmo_store32be(v, buf);
	msgb_tlv_put(msg, iei, 4, buf);
}

static void put_u64(struct msgb *msg, uint8_t iei, uint64_t v)
{
	uint8_t buf[8];
	osmo_store64be(v, buf);
	msgb_tlv_put(msg, iei, 8, buf);
}

static int put_str(struct msgb *msg, uint8_t iei, const char *s)
{
	size_t len = strnlen(s, 256);
	if (len > ie_max_len[iei])
		return -EINVAL;
	msgb_tlv_put(msg, iei, len, (const uint8_t *)s);
	return 0;
}

struct msgb *nb_msg_encode(const struct nb_msg *m)
{
	const struct np700_binding *b = &m->b;
	struct msgb *msg;
	unsigned int iei;
	int rc = 0;

	/* room for one full message plus the IPA header and extension byte in front */
	msg = msgb_alloc_headroom(NB_MSG_MAXLEN + 64, 16, "np700-nb");
	if (!msg)
		return NULL;
	msg->l2h = msgb_put(msg, 1);
	msg->l2h[0] = m->msg_type;

	for (iei = 0; iei <= _NB_IEI_MAX && rc == 0; iei++) {
		if (!(m->present & NB_IE_BIT(iei)))
			continue;
		switch (iei) {
		case NB_IEI_TID: put_u32(msg, iei, m->tid); break;
		case NB_IEI_CAUSE: put_u8(msg, iei, m->cause); break;
		case NB_IEI_FIELD: put_u8(msg, iei, m->field); break;
		case NB_IEI_TEXT: rc = put_str(msg, iei, m->text); break;
		case NB_IEI_MSG_TYPE: put_u8(msg, iei, m->rx_msg_type); break;
		case NB_IEI_COUNT: put_u32(msg, iei, m->count); break;
		case NB_IEI_BINDING_ID: put_u64(msg, iei, b->id); break;
		case NB_IEI_CUSTOMER_ID: put_u32(msg, iei, b->customer_id); break;
		case NB_IEI_ORDER_ID: rc = put_str(msg, iei, b->order_id); break;
		case NB_IEI_MODE: put_u8(msg, iei, b->mode); break;
		case NB_IEI_X: rc = put_str(msg, iei, b->x); break;
		case NB_IEI_Y: rc = put_str(msg, iei, b->y); break;
		case NB_IEI_A: rc = put_str(msg, iei, b->a); break;
		case NB_IEI_B: rc = put_str(msg, iei, b->b); break;
		case NB_IEI_CREATED: put_u64(msg, iei, (uint64_t)b->created); break;
		case NB_IEI_EXPIRES: put_u64(msg, iei, (uint64_t)b->expires); break;
		case NB_IEI_SERVICES: put_u8(msg, iei, b->services); break;
		case NB_IEI_DIRECTION: put_u8(msg, iei, b->direction); break;
		case NB_IEI_MAX_DURATION: put_u32(msg, iei, b->max_duration_s); break;
		case NB_IEI_MAX_CALLS: put_u32(msg, iei, b->max_calls); break;
		case NB_IEI_CALLBACK: put_u8(msg, iei, b->callback_allowed ? 1 : 0); break;
		case NB_IEI_CALLBACK_WINDOW: put_u32(msg, iei, b->callback_window_s); break;
		default:
			rc = -EINVAL;
		}
	}
	if (rc < 0 || msgb_l2len(msg) > NB_MSG_MAXLEN) {
		msgb_free(msg);
		return NULL;
	}
	return msg;
}

void nb_msg_push_ipa(struct msgb *msg)
{
	ipa_prepend_header_ext(msg, NB_IPA_EXT_NP700);
	ipa_prepend_header(msg, IPAC_PROTO_OSMO);
}

/* Walk the IEs leniently, only to find a TID to echo in the error answer of a broken message. */
static void find_tid(struct nb_msg *m, const uint8_t *data, size_t len)
{
	uint8_t *p = (uint8_t *)data, *val, tag;
	size_t left = len, vlen;

	while (left > 0 && osmo_shift_tlv(&p, &left, &tag, &val, &vlen) > 0) {
		if (tag == NB_IEI_TID && vlen == 4) {
			m->tid = osmo_load32be(val);
			m->present |= B(TID);
			return;
		}
	}
}

static bool is_printable(const uint8_t *v, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		if (v[i] < 0x20 || v[i] > 0x7e)
			return false;
	}
	return true;
}

static bool is_digits(const uint8_t *v, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
	}
	return true;
}

static void copy_str(char *dst, const uint8_t *v, size_t len)
{
	memcpy(dst, v, len);
	dst[len] = '\0';
}

/* Take one IE's value into m; the length is already known to be within [min, max]. */
static int take_ie(struct nb_msg *m, uint8_t iei, const uint8_t *v, size_t len)
{
	struct np700_binding *b = &m->b;

	switch (iei) {
	case NB_IEI_TID: m->tid = osmo_load32be(v); break;
	case NB_IEI_CAUSE: m->cause = v[0]; break;
	case NB_IEI_FIELD: m->field = v[0]; break;
	case NB_IEI_TEXT:
		/* only shown to people: printable ASCII, so that it cannot mess up a terminal or a log */
		if (!is_printable(v, len))
			return -EINVAL;
		copy_str(m->text, v, len);
		break;
	case NB_IEI_MSG_TYPE: m->rx_msg_type = v[0]; break;
	case NB_IEI_COUNT: m->count = osmo_load32be(v); break;
	case NB_IEI_BINDING_ID:
		b->id = osmo_load64be(v);
		if (b->id == 0)
			return -EINVAL;
		break;
	case NB_IEI_CUSTOMER_ID: b->customer_id = osmo_load32be(v); break;
	case NB_IEI_ORDER_ID:
		if (!is_printable(v, len))
			return -EINVAL;
		copy_str(b->order_id, v, len);
		break;
	case NB_IEI_MODE:
		if (v[0] >= _NP700_MODE_NUM)
			return -EINVAL;
		b->mode = v[0];
		break;
	case NB_IEI_X:
	case NB_IEI_Y:
	case NB_IEI_A:
	case NB_IEI_B:
		if (!is_digits(v, len))
			return -EINVAL;
		copy_str(iei == NB_IEI_X ? b->x : iei == NB_IEI_Y ? b->y : iei == NB_IEI_A ? b->a : b->b, v, len);
		break;
	case NB_IEI_CREATED: b->created = (int64_t)osmo_load64be(v); break;
	case NB_IEI_EXPIRES:
		b->expires = (int64_t)osmo_load64be(v);
		if (b->expires < 0)
			return -EINVAL;
		break;
	case NB_IEI_SERVICES:
		if (v[0] == 0 || (v[0] & ~(NP700_SVC_VOICE | NP700_SVC_SMS)))
			return -EINVAL;
		b->services = v[0];
		break;
	case NB_IEI_DIRECTION:
		if (v[0] >= _NP700_DIR_NUM)
			return -EINVAL;
		b->direction = v[0];
		break;
	case NB_IEI_MAX_DURATION: b->max_duration_s = osmo_load32be(v); break;
	case NB_IEI_MAX_CALLS: b->max_calls = osmo_load32be(v); break;
	case NB_IEI_CALLBACK:
		if (v[0] > 1)
			return -EINVAL;
		b->callback_allowed = v[0];
		break;
	case NB_IEI_CALLBACK_WINDOW: b->callback_window_s = osmo_load32be(v); break;
	default:
		return -EINVAL;
	}
	return 0;
}

int nb_msg_decode(struct nb_msg *m, const uint8_t *data, size_t len, uint8_t *field)
{
	struct tlv_parsed tp[2];
	const struct osmo_tlv_prot_msg_def *mdef;
	uint8_t msg_type;
	unsigned int i;
	int rc;

	*field = 0;
	if (len < 1) {
		nb_msg_init(m, 0, 0);
		m->present = 0;
		return NB_CAUSE_MALFORMED;
	}
	msg_type = data[0];
	nb_msg_init(m, msg_type, 0);
	m->present = 0;
	find_tid(m, data + 1, len - 1);
	m->present &= B(TID);

	if (len > NB_MSG_MAXLEN)
		return NB_CAUSE_MALFORMED;
	mdef = &nb_tlv_prot.msg_def[msg_type];
	if (!mdef->name)
		return NB_CAUSE_UNKNOWN_MSG_TYPE;

	/* two slots: the second one catches a repeated IE */
	rc = osmo_tlv_prot_parse(&nb_tlv_prot, tp, ARRAY_SIZE(tp), msg_type, data + 1, len - 1, 0, 0, DNB,
				 "nb");
	if (rc == OSMO_TLVP_ERR_OFS_BEYOND_BUFFER || rc == OSMO_TLVP_ERR_OFS_LEN_BEYOND_BUFFER ||
	    rc == OSMO_TLVP_ERR_UNKNOWN_TLV_TYPE)
		return NB_CAUSE_MALFORMED;

	for (i = 0; i < 256; i++) {
		if (!TLVP_PRESENT(&tp[0], i))
			continue;
		if (i > _NB_IEI_MAX || !nb_tlv_prot.ie_def[i].name) {
			*field = i;
			return NB_CAUSE_UNKNOWN_IE;
		}
	}
	for (i = 0; i <= _NB_IEI_MAX; i++) {
		if (TLVP_PRESENT(&tp[1], i)) {
			*field = i;
			return NB_CAUSE_DUPLICATE_IE;
		}
	}
	for (i = 0; i <= _NB_IEI_MAX; i++) {
		if (TLVP_PRESENT(&tp[0], i) && !(msg_allowed_ies[msg_type] & NB_IE_BIT(i))) {
			*field = i;
			return NB_CAUSE_UNEXPECTED_IE;
		}
	}
	for (i = 0; i < mdef->mand_count; i++) {
		if (!TLVP_PRESENT(&tp[0], mdef->mand_ies[i])) {
			*field = mdef->mand_ies[i];
			return NB_CAUSE_MISSING_IE;
		}
	}
	for (i = 0; i <= _NB_IEI_MAX; i++) {
		unsigned int ie_len;

		if (!TLVP_PRESENT(&tp[0], i))
			continue;
		ie_len = TLVP_LEN(&tp[0], i);
		if (ie_len < nb_tlv_prot.ie_def[i].min_len || ie_len > ie_max_len[i] ||
		    take_ie(m, i, TLVP_VAL(&tp[0], i), ie_len) < 0) {
			*field = i;
			return NB_CAUSE_INVALID_FIELD;
		}
		m->present |= NB_IE_BIT(i);
	}
	return 0;
}

int nb_binding_check(const struct np700_binding *b, uint8_t *field, const char **why)
{
	bool needs_b = b->mode == NP700_MODE_AXB || b->mode == NP700_MODE_AXN || b->mode == NP700_MODE_AXYB;

#define FAIL(c, f, w) do { *field = (f); *why = (w); return (c); } while (0)
	if (b->mode >= _NP700_MODE_NUM)
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_MODE, "unknown mode");
	if (!b->x[0])
		FAIL(NB_CAUSE_MISSING_IE, NB_IEI_X, "x is required");
	if (!b->a[0])
		FAIL(NB_CAUSE_MISSING_IE, NB_IEI_A, "a is required");
	if (needs_b && !b->b[0])
		FAIL(NB_CAUSE_MISSING_IE, NB_IEI_B, "this mode needs b");
	if (!needs_b && b->b[0])
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_B, "mode AX takes no b");
	if (b->mode == NP700_MODE_AXYB && !b->y[0])
		FAIL(NB_CAUSE_MISSING_IE, NB_IEI_Y, "mode AXYB needs y");
	if (b->mode != NP700_MODE_AXYB && b->y[0])
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_Y, "only mode AXYB takes y");
	if (b->mode == NP700_MODE_AXYB && !strcmp(b->x, b->y))
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_Y, "y must differ from x");
	if (needs_b && !strcmp(b->a, b->b))
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_B, "b must differ from a");
	if (b->mode != NP700_MODE_AX && (b->callback_allowed || b->callback_window_s))
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_CALLBACK, "call-back is for mode AX only");
	if (b->mode != NP700_MODE_AX && b->expires == 0)
		FAIL(NB_CAUSE_MISSING_IE, NB_IEI_EXPIRES, "only mode AX may have no expiry");
	if (b->services == 0 || (b->services & ~(NP700_SVC_VOICE | NP700_SVC_SMS)))
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_SERVICES, "services must be voice and/or sms");
	if (b->direction >= _NP700_DIR_NUM)
		FAIL(NB_CAUSE_INVALID_FIELD, NB_IEI_DIRECTION, "unknown direction");
#undef FAIL
	*field = 0;
	*why = NULL;
	return 0;
}

char *nb_msg_to_str_buf(char *buf, size_t len, const struct nb_msg *m)
{
	struct osmo_strbuf sb = { .buf = buf, .len = len };
	const struct np700_binding *b = &m->b;
	unsigned int iei;

	OSMO_STRBUF_PRINTF(sb, "%s", nb_msg_type_name(m->msg_type));
	for (iei = 0; iei <= _NB_IEI_MAX; iei++) {
		if (!(m->present & NB_IE_BIT(iei)))
			continue;
		OSMO_STRBUF_PRINTF(sb, " %s=", nb_iei_name(iei));
		switch (iei) {
		case NB_IEI_TID: OSMO_STRBUF_PRINTF(sb, "%u", m->tid); break;
		case NB_IEI_CAUSE: OSMO_STRBUF_PRINTF(sb, "%s", nb_cause_name(m->cause)); break;
		case NB_IEI_FIELD: OSMO_STRBUF_PRINTF(sb, "%s", nb_iei_name(m->field)); break;
		case NB_IEI_TEXT: OSMO_STRBUF_PRINTF(sb, "'%s'", m->text); break;
		case NB_IEI_MSG_TYPE: OSMO_STRBUF_PRINTF(sb, "0x%02x", m->rx_msg_type); break;
		case NB_IEI_COUNT: OSMO_STRBUF_PRINTF(sb, "%u", m->count); break;
		case NB_IEI_BINDING_ID: OSMO_STRBUF_PRINTF(sb, "%" PRIu64, b->id); break;
		case NB_IEI_CUSTOMER_ID: OSMO_STRBUF_PRINTF(sb, "%u", b->customer_id); break;
		case NB_IEI_ORDER_ID: OSMO_STRBUF_PRINTF(sb, "'%s'", b->order_id); break;
		case NB_IEI_MODE: OSMO_STRBUF_PRINTF(sb, "%s", get_value_string(nb_mode_names, b->mode)); break;
		case NB_IEI_X: OSMO_STRBUF_PRINTF(sb, "%s", b->x); break;
		case NB_IEI_Y: OSMO_STRBUF_PRINTF(sb, "%s", b->y); break;
		case NB_IEI_A: OSMO_STRBUF_PRINTF(sb, "%s", b->a); break;
		case NB_IEI_B: OSMO_STRBUF_PRINTF(sb, "%s", b->b); break;
		case NB_IEI_CREATED: OSMO_STRBUF_PRINTF(sb, "%" PRId64, b->created); break;
		case NB_IEI_EXPIRES: OSMO_STRBUF_PRINTF(sb, "%" PRId64, b->expires); break;
		case NB_IEI_SERVICES: OSMO_STRBUF_PRINTF(sb, "0x%02x", b->services); break;
		case NB_IEI_DIRECTION:
			OSMO_STRBUF_PRINTF(sb, "%s", get_value_string(nb_direction_names, b->direction));
			break;
		case NB_IEI_MAX_DURATION: OSMO_STRBUF_PRINTF(sb, "%u", b->max_duration_s); break;
		case NB_IEI_MAX_CALLS: OSMO_STRBUF_PRINTF(sb, "%u", b->max_calls); break;
		case NB_IEI_CALLBACK: OSMO_STRBUF_PRINTF(sb, "%u", b->callback_allowed); break;
		case NB_IEI_CALLBACK_WINDOW: OSMO_STRBUF_PRINTF(sb, "%u", b->callback_window_s); break;
		}
	}
	return buf;
}
