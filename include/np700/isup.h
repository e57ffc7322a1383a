/*! \file isup.h
 *  ISUP codec (ITU-T Q.763), driven by per-message format tables.
 *
 *  A parsed message keeps a reference into the received bytes for every parameter, so that a
 *  message can be re-encoded with every byte kept except the parameters that were replaced,
 *  removed or added. Unknown parameters and unknown message types survive byte-identical
 *  (Q.764 §2.9.5 compatibility). The parse is strict: any pointer, length or layout fault is an
 *  error with a reason that maps to a Q.850 cause for the Q.764 reaction.
 *
 *  Nothing here allocates: struct isup_msg is a plain value (typically on the stack) and the
 *  caller keeps ownership of the received buffer, which must outlive the struct. */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <osmocom/core/utils.h>

/*! Network variant; the codecs take it as a parameter (DESIGN §3). */
enum isup_variant {
	ISUP_VARIANT_ITU,	/*!< ITU-T Q.763: 12-bit CIC in a 2-octet field */
	ISUP_VARIANT_CHINA,	/*!< China national ISUP: 12-bit CIC in a 2-octet field, ITU number coding */
	_ISUP_VARIANT_NUM
};
extern const struct value_string isup_variant_names[];

/*! Message type codes (Q.763 Table 4). */
enum isup_msg_type {
	ISUP_MSGT_IAM = 0x01,
	ISUP_MSGT_SAM = 0x02,
	ISUP_MSGT_INR = 0x03,
	ISUP_MSGT_INF = 0x04,
	ISUP_MSGT_COT = 0x05,
	ISUP_MSGT_ACM = 0x06,
	ISUP_MSGT_CON = 0x07,
	ISUP_MSGT_FOT = 0x08,
	ISUP_MSGT_ANM = 0x09,
	ISUP_MSGT_REL = 0x0c,
	ISUP_MSGT_SUS = 0x0d,
	ISUP_MSGT_RES = 0x0e,
	ISUP_MSGT_RLC = 0x10,
	ISUP_MSGT_CCR = 0x11,
	ISUP_MSGT_RSC = 0x12,
	ISUP_MSGT_BLO = 0x13,
	ISUP_MSGT_UBL = 0x14,
	ISUP_MSGT_BLA = 0x15,
	ISUP_MSGT_UBA = 0x16,
	ISUP_MSGT_GRS = 0x17,
	ISUP_MSGT_CGB = 0x18,
	ISUP_MSGT_CGU = 0x19,
	ISUP_MSGT_CGBA = 0x1a,
	ISUP_MSGT_CGUA = 0x1b,
	ISUP_MSGT_CMR = 0x1c,
	ISUP_MSGT_CMC = 0x1d,
	ISUP_MSGT_CMRJ = 0x1e,
	ISUP_MSGT_FAR = 0x1f,
	ISUP_MSGT_FAA = 0x20,
	ISUP_MSGT_FRJ = 0x21,
	ISUP_MSGT_LPA = 0x24,
	ISUP_MSGT_DRS = 0x27,
	ISUP_MSGT_PAM = 0x28,
	ISUP_MSGT_GRA = 0x29,
	ISUP_MSGT_CQM = 0x2a,
	ISUP_MSGT_CQR = 0x2b,
	ISUP_MSGT_CPG = 0x2c,
	ISUP_MSGT_USR = 0x2d,
	ISUP_MSGT_UCIC = 0x2e,
	ISUP_MSGT_CFN = 0x2f,
	ISUP_MSGT_OLM = 0x30,
	ISUP_MSGT_CRG = 0x31,
	ISUP_MSGT_NRM = 0x32,
	ISUP_MSGT_FAC = 0x33,
	ISUP_MSGT_UPT = 0x34,
	ISUP_MSGT_UPA = 0x35,
	ISUP_MSGT_IDR = 0x36,
	ISUP_MSGT_IRS = 0x37,
	ISUP_MSGT_SGM = 0x38,
	ISUP_MSGT_LPR = 0x40,
	ISUP_MSGT_APT = 0x41,
	ISUP_MSGT_PRI = 0x42,
	ISUP_MSGT_SAN = 0x43,
};
extern const struct value_string isup_msg_type_names[];
static inline const char *isup_msg_type_name(uint8_t t) { return get_value_string(isup_msg_type_names, t); }

/*! Parameter name codes (Q.763 Table 5), those np700 looks at or names in logs. */
enum isup_param_code {
	ISUP_PAR_EOP = 0x00,			/*!< end of optional parameters */
	ISUP_PAR_CALL_REF = 0x01,
	ISUP_PAR_TMR = 0x02,			/*!< transmission medium requirement */
	ISUP_PAR_ACCESS_TRANSPORT = 0x03,
	ISUP_PAR_CALLED = 0x04,			/*!< called party number */
	ISUP_PAR_SUBSEQ_NUM = 0x05,		/*!< subsequent number */
	ISUP_PAR_NCI = 0x06,			/*!< nature of connection indicators */
	ISUP_PAR_FCI = 0x07,			/*!< forward call indicators */
	ISUP_PAR_OFCI = 0x08,			/*!< optional forward call indicators */
	ISUP_PAR_CPC = 0x09,			/*!< calling party's category */
	ISUP_PAR_CALLING = 0x0a,		/*!< calling party number */
	ISUP_PAR_REDIRECTING = 0x0b,		/*!< redirecting number */
	ISUP_PAR_REDIRECTION_NUM = 0x0c,	/*!< redirection number */
	ISUP_PAR_CONN_REQ = 0x0d,
	ISUP_PAR_INR_IND = 0x0e,		/*!< information request indicators */
	ISUP_PAR_INF_IND = 0x0f,		/*!< information indicators */
	ISUP_PAR_CONTINUITY = 0x10,
	ISUP_PAR_BCI = 0x11,			/*!< backward call indicators */
	ISUP_PAR_CAUSE = 0x12,
	ISUP_PAR_REDIRECTION_INFO = 0x13,
	ISUP_PAR_CGSMT = 0x15,			/*!< circuit group supervision message type */
	ISUP_PAR_CALL_MOD_IND = 0x17,		/*!< call modification indicators (Q.763 1988) */
	ISUP_PAR_RANGE_STATUS = 0x16,
	ISUP_PAR_FACILITY_IND = 0x18,
	ISUP_PAR_CUG_IC = 0x1a,
	ISUP_PAR_USI = 0x1d,			/*!< user service information */
	ISUP_PAR_SPC = 0x1e,			/*!< signalling point code */
	ISUP_PAR_UUI = 0x20,			/*!< user-to-user information */
	ISUP_PAR_CONNECTED = 0x21,		/*!< connected number */
	ISUP_PAR_SUS_RES_IND = 0x22,
	ISUP_PAR_TNS = 0x23,			/*!< transit network selection */
	ISUP_PAR_EVENT_INFO = 0x24,
	ISUP_PAR_CSI = 0x26,			/*!< circuit state indicator */
	ISUP_PAR_ACL = 0x27,			/*!< automatic congestion level */
	ISUP_PAR_ORIG_CALLED = 0x28,		/*!< original called number */
	ISUP_PAR_OBCI = 0x29,			/*!< optional backward call indicators */
	ISUP_PAR_UU_IND = 0x2a,
	ISUP_PAR_ISC_PC = 0x2b,
	ISUP_PAR_GNI = 0x2c,			/*!< generic notification indicator */
	ISUP_PAR_CALL_HISTORY = 0x2d,
	ISUP_PAR_ACCESS_DELIVERY = 0x2e,
	ISUP_PAR_NSF = 0x2f,
	ISUP_PAR_USI_PRIME = 0x30,
	ISUP_PAR_PROP_DELAY = 0x31,
	ISUP_PAR_REMOTE_OPS = 0x32,
	ISUP_PAR_SERVICE_ACT = 0x33,
	ISUP_PAR_USER_TELESVC = 0x34,
	ISUP_PAR_TMU = 0x35,
	ISUP_PAR_CALL_DIV_INFO = 0x36,
	ISUP_PAR_ECHO_CTRL = 0x37,
	ISUP_PAR_MSG_COMPAT = 0x38,		/*!< message compatibility information */
	ISUP_PAR_PARAM_COMPAT = 0x39,		/*!< parameter compatibility information */
	ISUP_PAR_MLPP = 0x3a,
	ISUP_PAR_MCID_REQ = 0x3b,
	ISUP_PAR_MCID_RSP = 0x3c,
	ISUP_PAR_HOP_COUNTER = 0x3d,
	ISUP_PAR_TMR_PRIME = 0x3e,
	ISUP_PAR_LOCATION_NUM = 0x3f,		/*!< location number */
	ISUP_PAR_REDIR_NUM_RESTR = 0x40,
	ISUP_PAR_FREEPHONE = 0x41,
	ISUP_PAR_GENERIC_REF = 0x42,
	ISUP_PAR_CALL_TRANSFER_REF = 0x43,
	ISUP_PAR_LOOP_PREV = 0x44,
	ISUP_PAR_CALL_TRANSFER_NUM = 0x45,	/*!< call transfer number */
	ISUP_PAR_CCSS = 0x4b,
	ISUP_PAR_FWD_GVNS = 0x4c,
	ISUP_PAR_BWD_GVNS = 0x4d,
	ISUP_PAR_REDIRECT_CAP = 0x4e,
	ISUP_PAR_NMC = 0x5b,
	ISUP_PAR_CORRELATION_ID = 0x65,
	ISUP_PAR_SCF_ID = 0x66,
	ISUP_PAR_CALL_DIV_TREAT = 0x6e,
	ISUP_PAR_CALLED_IN_NUM = 0x6f,		/*!< called IN number */
	ISUP_PAR_CALL_OFFER_TREAT = 0x70,
	ISUP_PAR_CHARGED_PARTY_ID = 0x71,
	ISUP_PAR_CONF_TREAT = 0x72,
	ISUP_PAR_DISPLAY_INFO = 0x73,
	ISUP_PAR_UID_ACTION = 0x74,
	ISUP_PAR_UID_CAP = 0x75,
	ISUP_PAR_REDIRECT_COUNTER = 0x77,
	ISUP_PAR_APP_TRANSPORT = 0x78,
	ISUP_PAR_COLLECT_CALL_REQ = 0x79,
	ISUP_PAR_CCNR_POSSIBLE = 0x7a,
	ISUP_PAR_PIVOT_CAP = 0x7b,
	ISUP_PAR_PIVOT_ROUTING_IND = 0x7c,
	ISUP_PAR_CALLED_DIR_NUM = 0x7d,		/*!< called directory number */
	ISUP_PAR_ORIG_CALLED_IN_NUM = 0x7f,	/*!< original called IN number */
	ISUP_PAR_CALLING_GEODETIC = 0x81,
	ISUP_PAR_HTR_INFO = 0x82,		/*!< HTR information (carries a number) */
	ISUP_PAR_NETWORK_ROUTING_NUM = 0x84,	/*!< network routing number */
	ISUP_PAR_QOR_CAP = 0x85,
	ISUP_PAR_PIVOT_STATUS = 0x86,
	ISUP_PAR_PIVOT_COUNTER = 0x87,
	ISUP_PAR_PIVOT_ROUTING_FWD = 0x88,
	ISUP_PAR_PIVOT_ROUTING_BWD = 0x89,
	ISUP_PAR_REDIRECT_STATUS = 0x8a,
	ISUP_PAR_REDIRECT_FWD = 0x8b,
	ISUP_PAR_REDIRECT_BWD = 0x8c,
	ISUP_PAR_NP_FWD_INFO = 0x8d,
	ISUP_PAR_GENERIC_NUM = 0xc0,		/*!< generic number */
	ISUP_PAR_GENERIC_DIGITS = 0xc1,		/*!< generic digits (may carry a number) */
};
extern const struct value_string isup_param_names[];
static inline const char *isup_param_name(uint8_t c) { return get_value_string(isup_param_names, c); }

/*! Why a message did not parse; each maps to a Q.850 cause (isup_err_cause()). */
enum isup_err {
	ISUP_ERR_NONE,
	ISUP_ERR_SHORT_HEADER,		/*!< fewer octets than CIC + message type */
	ISUP_ERR_SHORT_FIXED,		/*!< mandatory fixed part truncated */
	ISUP_ERR_SHORT_POINTERS,	/*!< pointer octets truncated */
	ISUP_ERR_BAD_POINTER,		/*!< pointer outside the message or not where Q.763 §1.6 places the parameter */
	ISUP_ERR_LEN_PAST_END,		/*!< a length indicator runs past the end of the message */
	ISUP_ERR_MAND_LEN,		/*!< mandatory variable parameter length out of its bounds */
	ISUP_ERR_NO_EOP,		/*!< optional part does not end with end-of-optional-parameters */
	ISUP_ERR_TRAILING,		/*!< octets after the end of the message */
	ISUP_ERR_TOO_MANY_PARAMS,	/*!< more optional parameters than np700 keeps */
	_ISUP_ERR_NUM
};
extern const struct value_string isup_err_names[];
static inline const char *isup_err_name(enum isup_err e) { return get_value_string(isup_err_names, e); }
/*! Q.850 cause for a parse error, for the Q.764 §2.9.5 reaction (REL/CFN). */
uint8_t isup_err_cause(enum isup_err e);

#define ISUP_MAX_FIXED	4
#define ISUP_MAX_VAR	2
#define ISUP_MAX_OPT	96
#define ISUP_SCRATCH	2048

/*! One mandatory parameter of a message's format. */
struct isup_param_def {
	uint8_t code;
	uint8_t min_len;	/*!< value octets, without the length indicator */
	uint8_t max_len;
};

/*! Format of one message type (Q.763 §4, Tables 21-...). */
struct isup_msg_def {
	uint8_t type;
	uint8_t n_fixed;
	struct isup_param_def fixed[ISUP_MAX_FIXED];	/*!< min_len == max_len: fixed length */
	uint8_t n_var;
	struct isup_param_def var[ISUP_MAX_VAR];
	bool opt;					/*!< has a pointer to an optional part */
};

/*! Format of message \a type for \a v, or NULL if np700 does not know it (passed through opaquely). */
const struct isup_msg_def *isup_msg_def_get(enum isup_variant v, uint8_t type);

/*! One parameter: name and value. \a val points into the received message or into the
 *  struct isup_msg's scratch space after a replacement. */
struct isup_param {
	uint8_t code;
	uint8_t len;
	const uint8_t *val;
};

/*! A parsed ISUP message (CIC onwards, i.e. the MTP3 SIF / M3UA protocol data user part). */
struct isup_msg {
	enum isup_variant variant;
	uint16_t cic;			/*!< 12-bit CIC */
	uint8_t cic_spare;		/*!< the 4 spare bits of the CIC field, kept as received */
	uint8_t type;
	const struct isup_msg_def *def;	/*!< NULL: unknown message, body kept opaque */
	struct isup_param fixed[ISUP_MAX_FIXED];
	struct isup_param var[ISUP_MAX_VAR];
	bool opt_part;			/*!< an optional part is present (pointer != 0) */
	unsigned int n_opt;
	struct isup_param opt[ISUP_MAX_OPT];
	const uint8_t *opaque;		/*!< unknown message: every octet after the message type */
	size_t opaque_len;
	size_t scratch_used;
	uint8_t scratch[ISUP_SCRATCH];
};

/*! Parse \a len octets at \a data (starting with the CIC). \a m keeps pointers into \a data.
 *  \param[out] err reason on failure (may be NULL); \param[out] err_off octet offset of the fault (may be NULL).
 *  \returns 0 or -EINVAL. */
int isup_msg_parse(struct isup_msg *m, enum isup_variant v, const uint8_t *data, size_t len,
		   enum isup_err *err, size_t *err_off);

/*! Start a new message of known \a type with empty parameters; fill them with isup_msg_set().
 *  \returns 0, or -ENOENT if np700 has no format for \a type. */
int isup_msg_init(struct isup_msg *m, enum isup_variant v, uint8_t type, uint16_t cic);

/*! Encode \a m into \a out. \returns the number of octets, -ENOSPC if \a out is too small,
 *  -EINVAL if a mandatory parameter was never set. */
int isup_msg_encode(const struct isup_msg *m, uint8_t *out, size_t out_size);

/*! First parameter \a code anywhere in the message (fixed, variable, optional), or NULL. */
const struct isup_param *isup_msg_get(const struct isup_msg *m, uint8_t code);

/*! Replace parameter \a code (the first occurrence) or add it to the optional part. Mandatory
 *  parameters must keep their length bounds. The value is copied into \a m.
 *  \returns 0, -EINVAL (length), -ENOSPC (scratch or parameter table full), -ENOENT (no optional part). */
int isup_msg_set(struct isup_msg *m, uint8_t code, const uint8_t *val, size_t len);

/*! Remove every occurrence of optional parameter \a code. \returns how many were removed, or
 *  -EPERM for a mandatory parameter of this message. */
int isup_msg_del(struct isup_msg *m, uint8_t code);
/*! A set of parameter codes, built once, for removing several parameters in one pass. */
struct isup_par_set {
	uint32_t bits[256 / 32];
};
/*! Make \a s the set of the \a n_codes \a codes. */
void isup_par_set_init(struct isup_par_set *s, const uint8_t *codes, size_t n_codes);
static inline bool isup_par_set_has(const struct isup_par_set *s, uint8_t code)
{
	return s->bits[code / 32] & (1u << (code % 32));
}
/*! isup_msg_del() of each code in \a s in one pass over the optional part (mandatory parameters
 *  of this message are skipped). \returns how many parameters were removed. */
int isup_msg_del_set(struct isup_msg *m, const struct isup_par_set *s);

/*! Set the CIC (e.g. when relaying to the other leg). */
static inline void isup_msg_set_cic(struct isup_msg *m, uint16_t cic) { m->cic = cic & 0x0fff; }

/*! Write the CIC field (2 octets) for \a v. */
void isup_cic_put(enum isup_variant v, uint8_t *out, uint16_t cic, uint8_t spare);
/*! Read the CIC of a raw message without parsing it. \returns 0, or -EINVAL if too short. */
int isup_cic_peek(enum isup_variant v, const uint8_t *data, size_t len, uint16_t *cic, uint8_t *type);

/*! Message compatibility information (Q.763 §3.33), first instruction octet. */
struct isup_msg_compat {
	bool present;
	bool end_node;		/*!< A: 1 = end node interpretation (apply B..E), 0 = transit: pass on */
	bool release_call;	/*!< B */
	bool send_notification;	/*!< C */
	bool discard;		/*!< D: discard message (else pass on) */
	bool pass_on_not_possible_release;	/*!< E: if pass on not possible, 1 = release call, 0 = discard */
};

/*! For a message that np700 does not know: read its message compatibility information,
 *  assuming the Q.764 §2.9.5 layout of new messages (pointer to an optional part only).
 *  \returns 0 (c->present tells whether it was found), or -EINVAL if the body does not have that layout. */
int isup_unknown_msg_compat(const struct isup_msg *m, struct isup_msg_compat *c);

/* --- parameter value helpers --- */

/*! Encode a cause indicators value (Q.763 §3.12, Q.850): coding standard ITU, \a location,
 *  \a cause. \returns 2. */
int isup_cause_encode(uint8_t *out, uint8_t location, uint8_t cause);
/*! Decode a cause value. \returns 0 or -EINVAL. */
int isup_cause_decode(const uint8_t *val, size_t len, uint8_t *location, uint8_t *cause);

/*! Group messages (GRS, CGB, CGU, CQM) cover at most 32 circuits: range 1..31 (Q.763 §3.43). */
#define ISUP_RANGE_MAX	31

/*! Range and status (Q.763 §3.43): range is circuits-1; status is one bit per circuit (may be absent). */
struct isup_range_status {
	uint8_t range;
	bool has_status;
	uint8_t status[32];
};
/*! \returns 0 or -EINVAL (range/status length mismatch). */
int isup_range_status_decode(const uint8_t *val, size_t len, struct isup_range_status *rs);
/*! \returns encoded length. */
int isup_range_status_encode(uint8_t *out, size_t out_size, const struct isup_range_status *rs);

/* --- number parameters (Q.763 §3.9, 3.10, 3.16, 3.26, 3.30, 3.37, 3.38, 3.39, 3.46, 3.51) --- */

/*! Nature of address indicator values. */
enum isup_nai {
	ISUP_NAI_SUBSCRIBER = 1,
	ISUP_NAI_UNKNOWN = 2,
	ISUP_NAI_NATIONAL = 3,
	ISUP_NAI_INTERNATIONAL = 4,
	ISUP_NAI_NETWORK_SPECIFIC = 5,
};
extern const struct value_string isup_nai_names[];

/*! Address presentation restricted indicator. */
enum isup_apri {
	ISUP_APRI_ALLOWED = 0,
	ISUP_APRI_RESTRICTED = 1,
	ISUP_APRI_NOT_AVAILABLE = 2,
};
/*! Screening indicator. */
enum isup_si {
	ISUP_SI_USER_NOT_VERIFIED = 0,
	ISUP_SI_USER_VERIFIED_PASSED = 1,
	ISUP_SI_USER_VERIFIED_FAILED = 2,
	ISUP_SI_NETWORK_PROVIDED = 3,
};

#define ISUP_NUM_MAXDIGITS	40

/*! A decoded number parameter. Which fields apply depends on the parameter (see
 *  isup_number_decode()); the others are 0. Digits are '0'-'9', and 'B', 'C' for codes 11, 12
 *  ('A', 'D', 'E' for the spare codes); a trailing ST (end of pulsing, code 15) of the called
 *  party number is the \a st flag, not a digit. */
struct isup_number {
	uint8_t qualifier;	/*!< generic number only: number qualifier indicator */
	uint8_t nai;		/*!< nature of address indicator (7 bits); not in subsequent number */
	bool inn_ni;		/*!< bit 8 of the second octet: INN (called/redirection/location) or NI (calling/generic) */
	uint8_t npi;		/*!< numbering plan indicator (3 bits) */
	uint8_t apri;		/*!< address presentation restricted indicator */
	uint8_t si;		/*!< screening indicator */
	bool st;		/*!< called party number / subsequent number: ends with ST */
	char digits[ISUP_NUM_MAXDIGITS + 1];
};

/*! Is \a code a parameter that isup_number_decode() understands? */
bool isup_param_is_number(uint8_t code);
/*! Decode number parameter \a code. \returns 0, -EINVAL (malformed), -ENOTSUP (not a number parameter). */
int isup_number_decode(uint8_t code, const uint8_t *val, size_t len, struct isup_number *n);
/*! Encode number parameter \a code (odd/even and filler computed from the digits).
 *  \returns the value length, -EINVAL (bad digit / too many) or -ENOSPC. */
int isup_number_encode(uint8_t code, const struct isup_number *n, uint8_t *out, size_t out_size);
/*! Decode number parameter \a code of \a m into \a n. \returns 0, -ENOENT (absent) or as isup_number_decode(). */
int isup_msg_get_number(const struct isup_msg *m, uint8_t code, struct isup_number *n);
/*! Encode \a n and set it as parameter \a code of \a m (replace or add). */
int isup_msg_set_number(struct isup_msg *m, uint8_t code, const struct isup_number *n);
