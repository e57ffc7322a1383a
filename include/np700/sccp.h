/*! \file sccp.h
 *  np700's own connectionless SCCP (ITU-T Q.713/Q.714): codec for UDT, XUDT, UDTS and XUDTS,
 *  called/calling party addresses (ITU 14-bit and China 24-bit point codes, GT indicators 1..4),
 *  the GT routing table and the relay step. np700 is a raw MTP user for SI=3; libosmo-sigtran's
 *  SCCP is not used because it routes on DPC only and re-encodes what it relays (DESIGN §2).
 *
 *  A parsed message points into the buffer it was parsed from (user data, optional parameter
 *  values); that buffer must outlive the struct sccp_msg. Parsing a message whose parameters are
 *  laid out in the usual order without gaps and encoding it again gives the same bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/linuxlist.h>

struct msgb;
struct vty;

/*! Point code width: the network variant is configuration (DESIGN §3), the codec takes it as a parameter. */
enum sccp_variant {
	SCCP_VAR_ITU,		/*!< 14-bit point codes, 2 octets in an address */
	SCCP_VAR_CHINA,		/*!< 24-bit point codes, 3 octets in an address */
};
extern const struct value_string sccp_variant_names[];

/*! Connectionless message types (Q.713 Table 1). */
enum sccp_msg_type {
	SCCP_MSGT_UDT = 0x09,
	SCCP_MSGT_UDTS = 0x0a,
	SCCP_MSGT_XUDT = 0x11,
	SCCP_MSGT_XUDTS = 0x12,
	SCCP_MSGT_LUDT = 0x13,		/*!< long unitdata: 2-octet pointers and data length (Q.713 4.20) */
	SCCP_MSGT_LUDTS = 0x14,
};
extern const struct value_string sccp_msg_type_names[];

/*! Longest user data of a LUDT (Q.713 4.20) */
#define SCCP_LUDT_MAX_DATA	3952

/*! Whether a message of type \a t has a hop counter and an optional part (XUDT(S), LUDT(S)). */
static inline bool sccp_msgt_extended(enum sccp_msg_type t)
{
	return t == SCCP_MSGT_XUDT || t == SCCP_MSGT_XUDTS || t == SCCP_MSGT_LUDT || t == SCCP_MSGT_LUDTS;
}

/*! Whether type \a t is a service message (UDTS, XUDTS, LUDTS). */
static inline bool sccp_msgt_service(enum sccp_msg_type t)
{
	return t == SCCP_MSGT_UDTS || t == SCCP_MSGT_XUDTS || t == SCCP_MSGT_LUDTS;
}

/*! Return causes of UDTS/XUDTS (Q.713 3.12). */
enum sccp_return_cause {
	SCCP_CAUSE_NO_XLAT_NATURE = 0x00,	/*!< no translation for an address of such nature */
	SCCP_CAUSE_NO_XLAT_ADDR = 0x01,		/*!< no translation for this specific address */
	SCCP_CAUSE_SUBSYS_CONGESTION = 0x02,
	SCCP_CAUSE_SUBSYS_FAILURE = 0x03,
	SCCP_CAUSE_UNEQUIPPED_USER = 0x04,
	SCCP_CAUSE_MTP_FAILURE = 0x05,
	SCCP_CAUSE_NETWORK_CONGESTION = 0x06,
	SCCP_CAUSE_UNQUALIFIED = 0x07,
	SCCP_CAUSE_ERR_MSG_TRANSPORT = 0x08,
	SCCP_CAUSE_ERR_LOCAL_PROC = 0x09,
	SCCP_CAUSE_NO_REASSEMBLY = 0x0a,	/*!< destination cannot perform reassembly */
	SCCP_CAUSE_SCCP_FAILURE = 0x0b,
	SCCP_CAUSE_HOP_COUNTER = 0x0c,		/*!< hop counter violation */
	SCCP_CAUSE_SEG_NOT_SUPPORTED = 0x0d,
	SCCP_CAUSE_SEG_FAILURE = 0x0e,
};
extern const struct value_string sccp_return_cause_names[];

/*! Global title indicator (Q.713 3.4.1, ITU). */
enum sccp_gti {
	SCCP_GTI_NONE = 0,
	SCCP_GTI_NAI = 1,		/*!< odd/even + nature of address */
	SCCP_GTI_TT = 2,		/*!< translation type only */
	SCCP_GTI_TT_NP_ES = 3,		/*!< translation type, numbering plan, encoding scheme */
	SCCP_GTI_TT_NP_ES_NAI = 4,	/*!< ... and nature of address */
};
extern const struct value_string sccp_gti_names[];

/*! Optional parameter names of XUDT/XUDTS (Q.713 Table 2). */
enum sccp_opt_tag {
	SCCP_OPT_EOP = 0x00,		/*!< end of optional parameters */
	SCCP_OPT_SEGMENTATION = 0x10,
	SCCP_OPT_IMPORTANCE = 0x12,
};

#define SCCP_PCLASS_RETURN_ON_ERROR	0x80	/*!< protocol class octet: message handling "return on error" */
#define SCCP_HOP_COUNTER_MAX		15
#define SCCP_GT_DIGITS_MAX		40	/*!< digits we accept in a GT (20 octets) */
#define SCCP_ADDR_MAX_LEN		32	/*!< longest address value we encode */
#define SCCP_OPT_MAX			8	/*!< optional parameters kept per message */
#define SCCP_MSG_MAX_LEN		272	/*!< UDT/XUDT never exceed this (one-octet lengths) */

/*! A called or calling party address (Q.713 3.4). Every bit of the encoded form is kept, so a
 *  parsed address encodes byte-identical; change digits with sccp_addr_set_digits(). */
struct sccp_addr {
	bool national;		/*!< address indicator bit 8, "reserved for national use" */
	bool route_on_ssn;	/*!< routing indicator: true = route on SSN, false = route on GT */
	enum sccp_gti gti;
	bool pc_present;
	uint32_t pc;
	uint8_t pc_spare;	/*!< ITU: the two spare bits above the 14-bit PC (kept, not interpreted) */
	bool ssn_present;
	uint8_t ssn;
	/* global title; which fields are meaningful depends on gti */
	uint8_t tt;		/*!< translation type (GTI 2, 3, 4) */
	uint8_t np;		/*!< numbering plan (GTI 3, 4) */
	uint8_t es;		/*!< encoding scheme (GTI 3, 4): 1 BCD odd, 2 BCD even */
	uint8_t nai;		/*!< nature of address, 7 bits (GTI 1, 4) */
	bool nai_bit8;		/*!< GTI 4: spare bit 8 of the NAI octet (GTI 1: odd/even, derived from digits) */
	uint8_t filler;		/*!< the unused nibble after an odd number of digits */
	bool bcd;		/*!< digits are BCD (always for GTI 1, 2; ES 1 or 2 for GTI 3, 4) */
	char digits[SCCP_GT_DIGITS_MAX + 1];	/*!< address signals; all nibbles in hex if !bcd */
};

/*! The segmentation parameter (Q.713 3.17), decoded for the reader; the raw parameter stays in opt[]. */
struct sccp_segmentation {
	bool first;		/*!< first segment */
	bool in_sequence;	/*!< class 1 was requested */
	uint8_t remaining;	/*!< remaining segments, 0..15 */
	uint32_t local_ref;	/*!< segmentation local reference, 24 bits */
};

/*! One optional parameter as received, value pointing into the parsed buffer. */
struct sccp_opt {
	uint8_t tag;
	uint8_t len;
	const uint8_t *val;
};

/*! A connectionless SCCP message. */
struct sccp_msg {
	enum sccp_msg_type type;
	uint8_t proto_class;	/*!< UDT, XUDT: whole octet (class in bits 1-4, return option 0x80) */
	uint8_t cause;		/*!< UDTS, XUDTS: return cause */
	uint8_t hop_counter;	/*!< XUDT(S), LUDT(S) */
	struct sccp_addr called;
	struct sccp_addr calling;
	const uint8_t *data;	/*!< user data (TCAP), not owned */
	uint16_t data_len;	/*!< at most 255, LUDT(S): SCCP_LUDT_MAX_DATA */
	/* optional part (XUDT(S), LUDT(S)): kept in received order and re-encoded as received */
	bool opt_part;		/*!< the optional-part pointer is not zero */
	bool opt_eop;		/*!< the end-of-optional-parameters octet was present */
	unsigned int n_opt;
	struct sccp_opt opt[SCCP_OPT_MAX];
	bool seg_present;
	struct sccp_segmentation seg;
	bool importance_present;
	uint8_t importance;	/*!< 0..7 */
	/*! set by the parser: parameters in the usual order without gaps or trailing bytes, so that
	 *  sccp_msg_encode() gives back exactly the received bytes */
	bool canonical;
};

/* --- addresses (sccp_addr.c) */

/*! Parse an address value (the octets after the length indicator). Returns 0 or -EINVAL, with *err
 *  (if not NULL) naming the defect. */
int sccp_addr_parse(struct sccp_addr *a, const uint8_t *buf, size_t len, enum sccp_variant v, const char **err);
/*! Encode an address value into buf. Returns its length or -EINVAL / -ENOSPC. */
int sccp_addr_encode(uint8_t *buf, size_t size, const struct sccp_addr *a, enum sccp_variant v);
/*! Replace the GT digits (0-9, and A-F for the rarely used signals); adjusts odd/even. -EINVAL if
 *  the address has no GT, its encoding scheme is not BCD, or the digits are not valid. */
int sccp_addr_set_digits(struct sccp_addr *a, const char *digits);
/*! Fill an address with a GT of GTI 4 (TT, NP E.164 = 1, ES BCD, NAI), route on GT, with SSN if not 0. */
void sccp_addr_set_gt(struct sccp_addr *a, uint8_t tt, uint8_t nai, const char *digits, uint8_t ssn);
/*! Print an address for logs and the VTY into buf; returns buf. */
char *sccp_addr_name_buf(char *buf, size_t size, const struct sccp_addr *a, enum sccp_variant v);
/*! Point code as text in the variant's usual format (ITU 3.8.3, China 8.8.8). */
char *sccp_pc_name_buf(char *buf, size_t size, uint32_t pc, enum sccp_variant v);
/*! Parse a point code: decimal, or dotted in the variant's format. Returns 0 or -EINVAL. */
int sccp_pc_parse(uint32_t *pc, const char *str, enum sccp_variant v);
/*! Octets of a point code on the wire (ITU 2, China 3). */
unsigned int sccp_pc_octets(enum sccp_variant v);
/*! A point code from its sccp_pc_octets(v) octets at p; *spare gets the ITU spare bits (0 in China). */
uint32_t sccp_pc_get(const uint8_t *p, enum sccp_variant v, uint8_t *spare);
/*! Write a point code (and, ITU, the spare bits) to p. Returns sccp_pc_octets(v), or -EINVAL if it
 *  does not fit the variant's width. */
int sccp_pc_put(uint8_t *p, uint32_t pc, uint8_t spare, enum sccp_variant v);

/* --- messages (sccp_codec.c) */

/*! Parse a UDT, XUDT, UDTS or XUDTS. The caller keeps the buffer, which must outlive m.
 *  Returns 0, -ENOTSUP for a message type that is not connectionless unitdata, -EINVAL for bad
 *  syntax; *err (if not NULL) names the defect. */
int sccp_msg_parse(struct sccp_msg *m, const uint8_t *buf, size_t len, enum sccp_variant v, const char **err);
/*! Encode m into buf. Returns the length or -EINVAL (bad field) / -ENOSPC (does not fit / a
 *  one-octet length or pointer overflows). */
int sccp_msg_encode_buf(uint8_t *buf, size_t size, const struct sccp_msg *m, enum sccp_variant v);
/*! Encode m at the tail of msg. Returns the length or a negative errno; msg stays the caller's. */
int sccp_msg_encode(struct msgb *msg, const struct sccp_msg *m, enum sccp_variant v);
/*! Set up a UDT (protocol class 0) with the two addresses and data, return option as asked; for an
 *  XUDT set type and hop_counter afterwards. data is referenced, not copied. */
void sccp_msg_init_unitdata(struct sccp_msg *m, const struct sccp_addr *called, const struct sccp_addr *calling,
			    const uint8_t *data, uint8_t data_len, bool return_on_error);
/*! Set up the UDTS/XUDTS/LUDTS that answers orig with cause: addresses swapped, user data copied by
 *  reference (orig's buffer must still live). Returns -EINVAL if orig is itself a service message. */
int sccp_msg_init_service(struct sccp_msg *svc, const struct sccp_msg *orig, enum sccp_return_cause cause);
/*! Whether the sender asked for the message back on error (UDT/XUDT/LUDT with return option). */
static inline bool sccp_msg_return_on_error(const struct sccp_msg *m)
{
	return !sccp_msgt_service(m->type) && (m->proto_class & SCCP_PCLASS_RETURN_ON_ERROR);
}

/* --- GT routing table (sccp_route.c) */

/*! One route: GT digits starting with prefix go to pc (and ssn, if not 0); if replace is not empty,
 *  the matched prefix is replaced by it in the forwarded called party address. */
struct sccp_route {
	char prefix[SCCP_GT_DIGITS_MAX + 1];
	uint32_t pc;
	uint8_t ssn;
	char replace[SCCP_GT_DIGITS_MAX + 1];
};

/*! A GT routing table: a sorted array, longest prefix match. Talloc-owned. */
struct sccp_route_table;

struct sccp_route_table *sccp_route_table_alloc(void *ctx);
/*! Add or replace the route for r->prefix. Returns 0, -EINVAL on bad digits, -ENOMEM. */
int sccp_route_add(struct sccp_route_table *t, const struct sccp_route *r);
/*! Remove the route of exactly this prefix. Returns 0 or -ENOENT. */
int sccp_route_del(struct sccp_route_table *t, const char *prefix);
/*! The route with the longest prefix of digits, or NULL. */
const struct sccp_route *sccp_route_lookup(const struct sccp_route_table *t, const char *digits);
unsigned int sccp_route_count(const struct sccp_route_table *t);
/*! The i-th route in prefix order, for listing (NULL past the end). */
const struct sccp_route *sccp_route_get(const struct sccp_route_table *t, unsigned int i);
/*! Apply r's GT replacement to a (digits that matched r->prefix). Returns 0 or -EINVAL. */
int sccp_route_apply(const struct sccp_route *r, struct sccp_addr *a);

/* --- relay (sccp_relay.c) */

struct sccp_relay;

/*! What a local SCCP user (the MAP layer) gets for a message addressed to np700. All pointers are
 *  valid only during the callback; the payload belongs to the caller of sccp_relay_rx(). */
struct sccp_ind {
	uint32_t opc;
	uint32_t dpc;
	uint8_t sls;
	uint8_t ssn;			/*!< the local subsystem it is for */
	const struct sccp_msg *msg;	/*!< parsed message, addresses as received; for a message
					 *   reassembled from XUDT segments the first segment, without
					 *   data: use data/data_len below */
	const uint8_t *data;		/*!< user data (TCAP), whole also when it came in segments */
	size_t data_len;
};

/*! Local delivery to the MAP layer. Return 0 when taken, a positive enum sccp_return_cause to
 *  have the relay return the message (if the sender asked for it), or a negative errno to drop it
 *  silently (the callback logged why). */
typedef int (*sccp_local_cb)(struct sccp_relay *r, const struct sccp_ind *ind, void *priv);

/*! Transmit an SCCP message to MTP (SI=3). The octets are the caller's (valid during the call
 *  only; copy them). Shaped like np700_mtp_tx_sccp() (include/np700/m3ua.h), which can be set
 *  directly with the struct np700 as priv. Returns 0 or a negative errno. */
typedef int (*sccp_tx_cb)(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);

enum sccp_relay_ctr {
	SCCP_CTR_RX_UDT,
	SCCP_CTR_RX_XUDT,
	SCCP_CTR_RX_UDTS,
	SCCP_CTR_RX_XUDTS,
	SCCP_CTR_RX_LUDT,
	SCCP_CTR_RX_LUDTS,
	SCCP_CTR_RX_BAD,		/*!< syntax errors, dropped */
	SCCP_CTR_RX_UNSUPP,		/*!< other message types (connection-oriented), dropped */
	SCCP_CTR_TX_UDT,
	SCCP_CTR_TX_XUDT,
	SCCP_CTR_TX_UDTS,
	SCCP_CTR_TX_XUDTS,
	SCCP_CTR_TX_LUDT,
	SCCP_CTR_TX_LUDTS,
	SCCP_CTR_TX_ERR,		/*!< encode or MTP transmit failed */
	SCCP_CTR_LOCAL,			/*!< delivered to a local subsystem */
	SCCP_CTR_FORWARD,		/*!< relayed by GT or PC */
	SCCP_CTR_ROUTE_FAIL,		/*!< no translation / unequipped / hop counter / local failure */
	SCCP_CTR_SVC_DROPPED,		/*!< routing failed, no return requested (or a service message) */
	SCCP_CTR_RX_SVC_LOCAL,		/*!< UDTS/XUDTS for a local subsystem */
	SCCP_CTR_SEG_RX,		/*!< XUDT segments for a local subsystem */
	SCCP_CTR_REASS_DONE,		/*!< segmented messages reassembled and delivered */
	SCCP_CTR_REASS_FAIL,		/*!< segments out of sequence / without first / too many */
	SCCP_CTR_REASS_TIMEOUT,		/*!< reassemblies given up on T(reass) */
	SCCP_CTR_SEG_TX,		/*!< segments sent for long messages of local users */
	SCCP_CTR_SCMG_RX,		/*!< SCCP management messages received (SSN 1) */
	SCCP_CTR_SCMG_BAD,		/*!< of them malformed, of unknown type or returned: dropped */
	SCCP_CTR_SCMG_TX_SSA,		/*!< SSA sent in answer to an SST */
	SCCP_CTR_SCMG_SST_OTHER,	/*!< SSTs for a subsystem this node does not have: no answer */
	_SCCP_CTR_NUM
};

/*! Allocate a relay (talloc child of ctx) with an empty routing table and its rate counters
 *  (index idx of group "sccp"). */
struct sccp_relay *sccp_relay_alloc(void *ctx, unsigned int idx);
void sccp_relay_free(struct sccp_relay *r);
void sccp_relay_set_variant(struct sccp_relay *r, enum sccp_variant v);
enum sccp_variant sccp_relay_variant(const struct sccp_relay *r);
/*! The node's own point code (the cs7 instance's point-code); messages for it are ours. */
void sccp_relay_set_own_pc(struct sccp_relay *r, uint32_t pc);
uint32_t sccp_relay_own_pc(const struct sccp_relay *r);
void sccp_relay_set_tx_cb(struct sccp_relay *r, sccp_tx_cb cb, void *priv);
void sccp_relay_set_local_cb(struct sccp_relay *r, sccp_local_cb cb, void *priv);
/*! Mark an SSN as local (served by the local callback) or not. */
void sccp_relay_set_local_ssn(struct sccp_relay *r, uint8_t ssn, bool local);
bool sccp_relay_is_local_ssn(const struct sccp_relay *r, uint8_t ssn);
/*! Add / remove a local GT (exact digits). Returns 0, -EEXIST/-ENOENT, -EINVAL, -ENOSPC. */
int sccp_relay_add_local_gt(struct sccp_relay *r, const char *digits);
int sccp_relay_del_local_gt(struct sccp_relay *r, const char *digits);
unsigned int sccp_relay_local_gt_count(const struct sccp_relay *r);
const char *sccp_relay_local_gt(const struct sccp_relay *r, unsigned int i);
/*! The first local GT, for calling party addresses of np700's own messages ("" if none). */
const char *sccp_relay_own_gt(const struct sccp_relay *r);
struct sccp_route_table *sccp_relay_routes(struct sccp_relay *r);
struct rate_ctr_group *sccp_relay_ctrs(struct sccp_relay *r);

/*! Handle one SCCP message received from MTP with SI=3: deliver locally, forward by GT/PC, or
 *  return it with a UDTS/XUDTS. The caller keeps (and frees) data. Returns 0 when handled
 *  (including a returned or dropped message), -EINVAL for a dropped malformed message. */
int sccp_relay_rx(struct sccp_relay *r, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);
/*! sccp_relay_rx() shaped as np700_mtp_rx_cb (include/np700/m3ua.h), priv being the relay:
 *  np700_mtp_register(g, NP700_MTP_SI_SCCP, sccp_relay_mtp_rx, relay). */
int sccp_relay_mtp_rx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);
/*! Send a message originated by a local user (MAP): routed on its called party address like a
 *  relayed message (GT table, or the PC in the address). m's buffers stay the caller's.
 *  Returns 0, -EHOSTUNREACH when no route was found, or another negative errno. */
int sccp_relay_send(struct sccp_relay *r, const struct sccp_msg *m, uint8_t sls);

/*! Send data of a local user (e.g. a forwarded MT-ForwardSM) with tmpl's addresses, return option
 *  and type (tmpl->data is ignored), routed like sccp_relay_send(). Data that does not fit one UDT
 *  of 272 octets goes in XUDT segments (class 1, one SLS), up to 16 of them. data stays the
 *  caller's. Returns 0, -EHOSTUNREACH, -EMSGSIZE (too long even for 16 segments) or another
 *  negative errno. */
int sccp_relay_send_data(struct sccp_relay *r, const struct sccp_msg *tmpl, const uint8_t *data, size_t len,
			 uint8_t sls);
/*! Answer a message delivered by the local callback (e.g. a TCAP End or Continue): a UDT (XUDT
 *  segments if long, as sccp_relay_send_data()) whose called address is the request's calling
 *  address and whose calling address is \a calling (or, if NULL, the request's called address),
 *  routed by the GT table and, without a route there, sent back to the request's OPC. Callable from
 *  within the callback. data stays the caller's. Returns 0 or a negative errno. */
int sccp_relay_reply(struct sccp_relay *r, const struct sccp_ind *ind, const struct sccp_addr *calling,
		     const uint8_t *data, size_t len);

/* --- SCCP management (sccp_scmg.c) */

/*! The subsystem number of SCCP management itself (Q.713 3.4.2.2) */
#define SCCP_SSN_SCMG	1

/*! An SCMG message (Q.713 5.1); type is an enum sccp_scmg_msg_type of
 *  <osmocom/sigtran/protocol/sccp_scmg.h>. */
struct sccp_scmg {
	uint8_t type;
	uint8_t affected_ssn;
	uint32_t affected_pc;
	uint8_t smi;		/*!< subsystem multiplicity indicator (2 bits) */
	uint8_t congestion;	/*!< SSC only: SCCP congestion level (4 bits) */
};
extern const struct value_string sccp_scmg_type_names[];

/*! Parse the user data of a UDT to SSN 1. Exactly the octets of the type: anything shorter or
 *  longer, or an unknown format identifier, is -EINVAL with *err (if not NULL) saying why. */
int sccp_scmg_parse(struct sccp_scmg *s, const uint8_t *buf, size_t len, enum sccp_variant v, const char **err);
/*! Encode an SCMG message into buf. Returns its length, -EINVAL or -ENOSPC. */
int sccp_scmg_encode(uint8_t *buf, size_t size, const struct sccp_scmg *s, enum sccp_variant v);
/*! A message for SSN 1, from the relay's local delivery: answers an SST for a subsystem of this
 *  node with SSA, logs and counts the rest. Returns 0, or -EINVAL for a dropped message. */
int sccp_scmg_rx(struct sccp_relay *r, const struct sccp_ind *ind);

/* --- VTY (sccp_vty.c) */

/*! Install the "sccp" node (SCCP_NODE) and "show sccp ..." for the daemon's relay (g_np700->sccp). */
void sccp_vty_init(void);
