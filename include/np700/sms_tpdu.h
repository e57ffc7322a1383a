/*! \file sms_tpdu.h
 *  SMS TPDUs (3GPP TS 23.040) as carried in MAP sm-RP-UI: SMS-DELIVER and SMS-STATUS-REPORT
 *  (SC -> MS) and SMS-SUBMIT (MS -> SC). Decode without copying, report the user data header (concatenation), and
 *  rewrite the originating/destination address keeping every other byte.
 *
 *  A 700 number travels with TON national, NPI ISDN (DESIGN §3): pass SMS_TON_NATIONAL /
 *  SMS_NPI_ISDN to sms_tpdu_rewrite_addr() when showing X. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

struct msgb;

/*! TP-MTI values np700 handles. */
#define SMS_MTI_DELIVER		0	/*!< SC -> MS */
#define SMS_MTI_SUBMIT		1	/*!< MS -> SC */
#define SMS_MTI_STATUS_REPORT	2	/*!< SC -> MS; MS -> SC it is an SMS-COMMAND, not decoded */

/*! Type of number in TP-OA/TP-DA (bits 6..4 of the type-of-address octet). */
#define SMS_TON_UNKNOWN		0
#define SMS_TON_INTERNATIONAL	1
#define SMS_TON_NATIONAL	2
#define SMS_TON_ALPHANUMERIC	5
#define SMS_NPI_ISDN		1

/*! Room for any TPDU np700 writes: MAP's SignalInfo carries at most 200 octets, and a rewritten
 *  address is at most 10 octets longer than the shortest one. */
#define SMS_TPDU_MAX_LEN	256

/*! VPF (SUBMIT) */
enum sms_vpf {
	SMS_VPF_NONE		= 0,
	SMS_VPF_ENHANCED	= 1,
	SMS_VPF_RELATIVE	= 2,
	SMS_VPF_ABSOLUTE	= 3,
};
extern const struct value_string sms_vpf_names[];

/*! Character set of the user data (TS 23.038 §4). */
enum sms_charset {
	SMS_CHARSET_GSM7,
	SMS_CHARSET_8BIT,
	SMS_CHARSET_UCS2,
	SMS_CHARSET_COMPRESSED,		/*!< compressed: UDL counts octets, contents opaque */
};
extern const struct value_string sms_charset_names[];

/*! TP-OA / TP-DA */
struct sms_addr {
	uint8_t ton;
	uint8_t npi;
	bool alpha;			/*!< TON 5: \a digits holds the decoded GSM 7-bit text */
	char digits[24];		/*!< up to 20 semi-octets; alphanumeric up to 11 characters */
	size_t off;			/*!< offset of the address-length octet in the TPDU */
	size_t len;			/*!< octets of the whole address field (length, TOA, value) */
};

/*! A decoded TPDU; pointers point into the decoded buffer. */
struct sms_tpdu {
	uint8_t mti;			/*!< SMS_MTI_DELIVER or SMS_MTI_SUBMIT */
	bool mms;			/*!< DELIVER: TP-MMS bit (set = no more messages waiting) */
	bool lp;			/*!< DELIVER: loop prevention */
	bool rd;			/*!< SUBMIT: reject duplicates */
	uint8_t vpf;			/*!< SUBMIT: enum sms_vpf */
	bool sr;			/*!< DELIVER: TP-SRI; SUBMIT: TP-SRR */
	bool udhi;
	bool rp;
	uint8_t mr;			/*!< SUBMIT, STATUS-REPORT: TP-MR */
	struct sms_addr addr;		/*!< DELIVER: TP-OA; SUBMIT: TP-DA; STATUS-REPORT: TP-RA */
	uint8_t st;			/*!< STATUS-REPORT: TP-ST */
	uint8_t pid;
	uint8_t dcs;
	uint8_t charset;		/*!< enum sms_charset, from \a dcs */
	uint8_t scts[7];		/*!< DELIVER */
	uint8_t vp[7];			/*!< SUBMIT: validity period as received */
	uint8_t vp_len;			/*!< 0, 1 or 7 */
	uint8_t udl;			/*!< septets (GSM 7-bit) or octets */
	const uint8_t *ud;		/*!< user data incl. UDH */
	size_t ud_octets;
	const uint8_t *udh;		/*!< UDH information elements (after UDHL) or NULL */
	size_t udh_len;			/*!< UDHL */
	bool concat;			/*!< concatenated SMS IE (0x00 8-bit or 0x08 16-bit reference) */
	bool concat_16bit;
	uint16_t concat_ref;
	uint8_t concat_max;
	uint8_t concat_seq;
};

int sms_tpdu_decode(struct sms_tpdu *t, const uint8_t *buf, size_t len, bool mo);
int sms_tpdu_text(const struct sms_tpdu *t, char *out, size_t out_len);
int sms_addr_encode(uint8_t *buf, size_t buf_len, uint8_t ton, uint8_t npi, const char *digits);
int sms_tpdu_rewrite_addr(struct msgb *out, const uint8_t *buf, size_t len, bool mo, uint8_t ton, uint8_t npi,
			  const char *digits);
int sms_tpdu_rewrite_addr_buf(uint8_t *out, size_t out_size, const uint8_t *buf, size_t len, bool mo, uint8_t ton,
			      uint8_t npi, const char *digits);
int sms_charset(uint8_t dcs);
