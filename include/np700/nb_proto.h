/*! \file nb_proto.h
 *  The northbound provisioning protocol (DESIGN §7, doc/provisioning.md): GSUP-style messages
 *  carried in IPA frames, protocol OSMO (0xEE) with the np700 extension byte NB_IPA_EXT_NP700.
 *
 *  A message is one message-type byte followed by IEs, each a one-byte tag, a one-byte length
 *  and the value. The low two bits of the message type say what it is: 0 request, 1 error,
 *  2 result, 3 one item of a list answer (the list's result follows the items). Every message
 *  carries the request's transaction id (TID), which answers echo. */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/tlv.h>
#include <np700/binding.h>

/*! Default TCP port of the provisioning server. */
#define NB_DEFAULT_PORT		4292
/*! IPA OSMO extension byte of np700 provisioning. libosmocore's IPAC_PROTO_EXT_* use 0x00..0x08;
 *  0x70 ('p') keeps clear of them and of their likely growth. */
#define NB_IPA_EXT_NP700	0x70
/*! Largest message (type byte + IEs) that fits into one IPA frame as libosmocore reassembles
 *  it (IPA_ALLOC_SIZE 1200 minus the 3-byte IPA header and the extension byte). */
#define NB_MSG_MAXLEN		1196

/*! The kind of a message: the low two bits of its type. */
enum nb_msg_kind {
	NB_KIND_REQ = 0,
	NB_KIND_ERR = 1,
	NB_KIND_RES = 2,
	NB_KIND_ITEM = 3,
};
#define NB_MSGT_KIND(t)		((enum nb_msg_kind)((t) & 0x03))
/*! The request type an answer of type \a t belongs to. */
#define NB_MSGT_REQ(t)		((uint8_t)((t) & ~0x03))

enum nb_msg_type {
	/*! Answer to a message whose type is unknown or not a request (no proper error type exists) */
	NB_MSGT_ERROR			= 0x01,
	NB_MSGT_CREATE_REQ		= 0x04,
	NB_MSGT_CREATE_ERR		= 0x05,
	NB_MSGT_CREATE_RES		= 0x06,
	NB_MSGT_UPDATE_REQ		= 0x08,
	NB_MSGT_UPDATE_ERR		= 0x09,
	NB_MSGT_UPDATE_RES		= 0x0a,
	NB_MSGT_DELETE_REQ		= 0x0c,
	NB_MSGT_DELETE_ERR		= 0x0d,
	NB_MSGT_DELETE_RES		= 0x0e,
	NB_MSGT_GET_REQ			= 0x10,
	NB_MSGT_GET_ERR			= 0x11,
	NB_MSGT_GET_RES			= 0x12,
	NB_MSGT_LIST_NUMBER_REQ		= 0x14,
	NB_MSGT_LIST_NUMBER_ERR		= 0x15,
	NB_MSGT_LIST_NUMBER_RES		= 0x16,
	NB_MSGT_LIST_NUMBER_ITEM	= 0x17,
	NB_MSGT_LIST_CUSTOMER_REQ	= 0x18,
	NB_MSGT_LIST_CUSTOMER_ERR	= 0x19,
	NB_MSGT_LIST_CUSTOMER_RES	= 0x1a,
	NB_MSGT_LIST_CUSTOMER_ITEM	= 0x1b,
};
extern const struct value_string nb_msg_type_names[];
static inline const char *nb_msg_type_name(uint8_t t) { return get_value_string(nb_msg_type_names, t); }

/*! IE tags. All IEs are tag, one-byte length, value; integers are big-endian. */
enum nb_iei {
	NB_IEI_TID		= 0x01,	/*!< 4 bytes: transaction id, echoed in every answer */
	NB_IEI_CAUSE		= 0x02,	/*!< 1 byte: enum nb_cause */
	NB_IEI_FIELD		= 0x03,	/*!< 1 byte: the tag of the IE the cause is about */
	NB_IEI_TEXT		= 0x04,	/*!< 0..255 bytes: human-readable detail of an error */
	NB_IEI_MSG_TYPE		= 0x05,	/*!< 1 byte: the received message type (in NB_MSGT_ERROR) */
	NB_IEI_COUNT		= 0x06,	/*!< 4 bytes: number of items of a list answer */
	NB_IEI_BINDING_ID	= 0x10,	/*!< 8 bytes */
	NB_IEI_CUSTOMER_ID	= 0x11,	/*!< 4 bytes */
	NB_IEI_ORDER_ID		= 0x12,	/*!< 0..63 printable ASCII characters */
	NB_IEI_MODE		= 0x13,	/*!< 1 byte: enum np700_mode */
	NB_IEI_X		= 0x14,	/*!< 1..15 ASCII digits: protected number, national form */
	NB_IEI_Y		= 0x15,	/*!< 0..15 ASCII digits: AXYB's second protected number */
	NB_IEI_A		= 0x16,	/*!< 1..15 ASCII digits: canonical international E.164 */
	NB_IEI_B		= 0x17,	/*!< 0..15 ASCII digits: B (AXB, AXYB) or N (AXN) */
	NB_IEI_CREATED		= 0x18,	/*!< 8 bytes: signed unix seconds */
	NB_IEI_EXPIRES		= 0x19,	/*!< 8 bytes: signed unix seconds; 0 = no expiry (AX only) */
	NB_IEI_SERVICES		= 0x1a,	/*!< 1 byte: NP700_SVC_* bits */
	NB_IEI_DIRECTION	= 0x1b,	/*!< 1 byte: enum np700_direction */
	NB_IEI_MAX_DURATION	= 0x1c,	/*!< 4 bytes: seconds, 0 = unlimited */
	NB_IEI_MAX_CALLS	= 0x1d,	/*!< 4 bytes: 0 = unlimited */
	NB_IEI_CALLBACK		= 0x1e,	/*!< 1 byte: 0 or 1 (AX only) */
	NB_IEI_CALLBACK_WINDOW	= 0x1f,	/*!< 4 bytes: seconds (AX only) */
	_NB_IEI_MAX		= 0x3f,	/*!< all tags fit into the 64-bit presence mask */
};
extern const struct value_string nb_iei_names[];
static inline const char *nb_iei_name(uint8_t iei) { return get_value_string(nb_iei_names, iei); }

/*! Causes carried in error answers. */
enum nb_cause {
	NB_CAUSE_MALFORMED		= 0x01,	/*!< IE structure broken: truncated IE, bytes left over */
	NB_CAUSE_UNKNOWN_MSG_TYPE	= 0x02,	/*!< unknown message type, or not a request */
	NB_CAUSE_MISSING_IE		= 0x03,	/*!< + FIELD: a mandatory IE is absent */
	NB_CAUSE_UNKNOWN_IE		= 0x04,	/*!< + FIELD: a tag this protocol does not define */
	NB_CAUSE_DUPLICATE_IE		= 0x05,	/*!< + FIELD: an IE occurs twice */
	NB_CAUSE_UNEXPECTED_IE		= 0x06,	/*!< + FIELD: a known IE this message type does not take */
	NB_CAUSE_INVALID_FIELD		= 0x07,	/*!< + FIELD (+ TEXT): wrong length, value or number */
	NB_CAUSE_NOT_AUTHORISED		= 0x08,	/*!< the client may not touch this customer */
	NB_CAUSE_UNKNOWN_BINDING	= 0x09,	/*!< no binding with this id */
	NB_CAUSE_EXISTS			= 0x0a,	/*!< (X, caller) pair already bound */
	NB_CAUSE_POOL_VIOLATION		= 0x0b,	/*!< X/Y not in the customer's pools */
	NB_CAUSE_CAP_REACHED		= 0x0c,	/*!< the cap of bindings per protected number is reached */
	NB_CAUSE_STORE_FULL		= 0x0d,	/*!< LMDB map full */
	NB_CAUSE_STORE_ERROR		= 0x0e,	/*!< any other store failure */
	NB_CAUSE_UNKNOWN_CUSTOMER	= 0x0f,	/*!< the customer is not configured */
	NB_CAUSE_BUSY			= 0x10,	/*!< server cannot take the request now; retry later */
};
extern const struct value_string nb_cause_names[];
static inline const char *nb_cause_name(uint8_t c) { return get_value_string(nb_cause_names, c); }

/*! Names of modes and directions as the protocol's tools print and parse them ("AXB", "a-to-b").
 *  Kept here so that clients need not link the store. */
extern const struct value_string nb_mode_names[];
extern const struct value_string nb_direction_names[];

#define NB_IE_BIT(iei)		(1ULL << ((iei) & 0x3f))
/*! The IEs of a binding, as a GET answer or a list item carries them. */
#define NB_IES_BINDING	(NB_IE_BIT(NB_IEI_BINDING_ID) | NB_IE_BIT(NB_IEI_CUSTOMER_ID) | \
			 NB_IE_BIT(NB_IEI_ORDER_ID) | NB_IE_BIT(NB_IEI_MODE) | NB_IE_BIT(NB_IEI_X) | \
			 NB_IE_BIT(NB_IEI_Y) | NB_IE_BIT(NB_IEI_A) | NB_IE_BIT(NB_IEI_B) | \
			 NB_IE_BIT(NB_IEI_CREATED) | NB_IE_BIT(NB_IEI_EXPIRES) | NB_IE_BIT(NB_IEI_SERVICES) | \
			 NB_IE_BIT(NB_IEI_DIRECTION) | NB_IE_BIT(NB_IEI_MAX_DURATION) | \
			 NB_IE_BIT(NB_IEI_MAX_CALLS) | NB_IE_BIT(NB_IEI_CALLBACK) | \
			 NB_IE_BIT(NB_IEI_CALLBACK_WINDOW))

/*! One message, decoded or to be encoded. Which IEs are present is \a present (NB_IE_BIT()).
 *  Binding attributes live in \a b; absent attributes keep their defaults (nb_msg_init()). */
struct nb_msg {
	uint8_t msg_type;
	uint64_t present;
	uint32_t tid;
	uint8_t cause;			/*!< enum nb_cause */
	uint8_t field;			/*!< enum nb_iei, 0 if none */
	uint8_t rx_msg_type;		/*!< NB_IEI_MSG_TYPE */
	uint32_t count;
	char text[256];
	struct np700_binding b;
};

static inline bool nb_msg_has(const struct nb_msg *m, uint8_t iei) { return m->present & NB_IE_BIT(iei); }

/*! The protocol definition (message types, mandatory IEs, IE names and minimum lengths). */
extern const struct osmo_tlv_prot_def nb_tlv_prot;

/*! Start a message: zero \a m, set type and TID (TID present), binding defaults
 *  (services voice+SMS, direction both). */
void nb_msg_init(struct nb_msg *m, uint8_t msg_type, uint32_t tid);
/*! Mark every binding IE present (for a GET answer / list item), taking values from \a b;
 *  empty order id, y and b are left out. */
void nb_msg_set_binding(struct nb_msg *m, const struct np700_binding *b);
/*! Make \a m an error answer to request type \a req_type: type req_type|1, cause, field. */
void nb_msg_set_error(struct nb_msg *m, uint8_t req_type, uint32_t tid, uint8_t cause, uint8_t field,
		      const char *text);

/*! Encode \a m: message type, TID first, then every present IE in ascending tag order.
 *  \returns a new msgb (l2h at the message type, headroom for the IPA headers) that the caller
 *  owns, or NULL if \a m holds a value that cannot be encoded (too long) or on allocation failure. */
struct msgb *nb_msg_encode(const struct nb_msg *m);
/*! Prepend the IPA OSMO header and the np700 extension byte to an encoded message, in place. */
void nb_msg_push_ipa(struct msgb *msg);

/*! Decode \a len bytes at \a data (message type and IEs, without IPA headers) into \a m.
 *  Checks in this order: structure (MALFORMED), message type, unknown, duplicate and unexpected
 *  IEs, mandatory IEs, every value's length and range (INVALID_FIELD). Even on failure \a m
 *  keeps msg_type and, if the TID IE could be found, the TID (present bit set), so that the
 *  error answer can echo it.
 *  \param[out] field the offending IE's tag on MISSING/UNKNOWN/DUPLICATE/UNEXPECTED/INVALID, else 0
 *  \returns 0 on success, else an enum nb_cause. */
int nb_msg_decode(struct nb_msg *m, const uint8_t *data, size_t len, uint8_t *field);

/*! Check a binding's attributes against each other and the protocol's rules (digits, lengths,
 *  which numbers each mode needs, call-back only for AX, expiry only optional for AX).
 *  The numbering plan (range, canonical form) is checked separately, by the caller.
 *  \returns 0, or NB_CAUSE_INVALID_FIELD / NB_CAUSE_MISSING_IE with *field and *why set. */
int nb_binding_check(const struct np700_binding *b, uint8_t *field, const char **why);

/*! Print a message in one line ("CREATE_REQ tid=1 X=700... "), for logs and tests. */
char *nb_msg_to_str_buf(char *buf, size_t len, const struct nb_msg *m);
