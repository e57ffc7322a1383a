/*! \file map.h
 *  MAP (3GPP TS 29.002) operations np700 handles: application contexts, argument decoders,
 *  result/error encoders, and single-field rewrites that keep every other byte.
 *
 *  All decoders take the parameter element of a TCAP component (tcap_component.param/param_len)
 *  and point into it; encoders append a parameter element to a msgb owned by the caller. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include <np700/ber.h>
#include <np700/number.h>
#include <np700/tcap.h>

struct msgb;

/*! Operation codes (local). */
enum map_opcode {
	MAP_OP_SEND_ROUTING_INFO	= 22,
	MAP_OP_MT_FORWARD_SM		= 44,	/*!< v3; v1/v2 use forwardSM (46) */
	MAP_OP_SEND_ROUTING_INFO_FOR_SM	= 45,
	MAP_OP_FORWARD_SM		= 46,	/*!< v1/v2 forwardSM; v3 mo-forwardSM */
	MAP_OP_MO_FORWARD_SM		= 46,
	MAP_OP_REPORT_SM_DELIVERY_STATUS = 47,
	MAP_OP_INFORM_SERVICE_CENTRE	= 63,	/*!< the HLR's, with its SRI-SM answer */
};
extern const struct value_string map_opcode_names[];

/*! Application contexts np700 knows: map-ac {0 4 0 0 1 0 <ac> <version>}. */
enum map_ac {
	MAP_AC_LOC_INFO_RETRIEVAL	= 5,	/*!< locationInfoRetrievalContext v1..v3 */
	MAP_AC_SHORT_MSG_GATEWAY	= 20,	/*!< shortMsgGatewayContext v1..v3 */
	MAP_AC_SHORT_MSG_MO_RELAY	= 21,	/*!< shortMsgRelayContext v1, shortMsgMO-RelayContext v2/v3 */
	MAP_AC_SHORT_MSG_MT_RELAY	= 25,	/*!< shortMsgMT-RelayContext v2/v3 */
};
extern const struct value_string map_ac_names[];

/*! MAP error codes (local). */
enum map_error {
	MAP_ERR_UNKNOWN_SUBSCRIBER		= 1,
	MAP_ERR_UNIDENTIFIED_SUBSCRIBER		= 5,
	MAP_ERR_ABSENT_SUBSCRIBER_SM		= 6,
	MAP_ERR_ILLEGAL_SUBSCRIBER		= 9,
	MAP_ERR_TELESERVICE_NOT_PROVISIONED	= 11,
	MAP_ERR_ILLEGAL_EQUIPMENT		= 12,
	MAP_ERR_CALL_BARRED			= 13,
	MAP_ERR_FACILITY_NOT_SUPPORTED		= 21,
	MAP_ERR_ABSENT_SUBSCRIBER		= 27,
	MAP_ERR_SUBSCRIBER_BUSY_FOR_MT_SMS	= 31,
	MAP_ERR_SM_DELIVERY_FAILURE		= 32,
	MAP_ERR_MESSAGE_WAITING_LIST_FULL	= 33,
	MAP_ERR_SYSTEM_FAILURE			= 34,
	MAP_ERR_DATA_MISSING			= 35,
	MAP_ERR_UNEXPECTED_DATA_VALUE		= 36,
};
extern const struct value_string map_error_names[];

/*! SM-EnumeratedDeliveryFailureCause */
enum map_sm_failure_cause {
	MAP_SMFC_MEMORY_CAPACITY_EXCEEDED	= 0,
	MAP_SMFC_EQUIPMENT_PROTOCOL_ERROR	= 1,
	MAP_SMFC_EQUIPMENT_NOT_SM_EQUIPPED	= 2,
	MAP_SMFC_UNKNOWN_SERVICE_CENTRE		= 3,
	MAP_SMFC_SC_CONGESTION			= 4,
	MAP_SMFC_INVALID_SME_ADDRESS		= 5,
	MAP_SMFC_SUBSCRIBER_NOT_SC_SUBSCRIBER	= 6,
};

/*! CallBarringCause */
enum map_call_barring_cause {
	MAP_CBC_BARRING_SERVICE_ACTIVE	= 0,
	MAP_CBC_OPERATOR_BARRING	= 1,
};

/*! AddressString type of number (bits 7..5 of the first octet) and numbering plan (bits 4..1). */
#define MAP_TON_UNKNOWN		0
#define MAP_TON_INTERNATIONAL	1
#define MAP_TON_NATIONAL	2
#define MAP_TON_SUBSCRIBER	4
#define MAP_NPI_ISDN		1
#define MAP_NPI_LAND_MOBILE	6

/*! ISDN-AddressString holds up to 9 octets (16 digits); AddressString up to 20 octets. */
#define MAP_ADDR_MAX_DIGITS	38
#define MAP_ISDN_MAX_DIGITS	16
#define MAP_IMSI_MAX_DIGITS	15

/*! An (ISDN-)AddressString. */
struct map_addr {
	bool present;
	uint8_t ton;
	uint8_t npi;
	char digits[MAP_ADDR_MAX_DIGITS + 1];	/*!< TBCD digits 0-9 * # a b c */
	struct ber_tlv tlv;			/*!< where it was (decoder only) */
};

/*! SM-RP-DA choice. */
enum map_sm_rp_da_type {
	MAP_SM_RP_DA_NONE,		/*!< absent (decoder error) */
	MAP_SM_RP_DA_IMSI,		/*!< imsi [0] */
	MAP_SM_RP_DA_LMSI,		/*!< lmsi [1] */
	MAP_SM_RP_DA_SCA,		/*!< serviceCentreAddressDA [4] */
	MAP_SM_RP_DA_NO_DA,		/*!< noSM-RP-DA [5] */
};
/*! SM-RP-OA choice. */
enum map_sm_rp_oa_type {
	MAP_SM_RP_OA_NONE,
	MAP_SM_RP_OA_MSISDN,		/*!< msisdn [2] */
	MAP_SM_RP_OA_SCA,		/*!< serviceCentreAddressOA [4] */
	MAP_SM_RP_OA_NO_OA,		/*!< noSM-RP-OA [5] */
};

/*! forwardSM (v1/v2), mt-forwardSM (v3), mo-forwardSM (v3) argument. */
struct map_fwd_sm {
	int da_type;			/*!< enum map_sm_rp_da_type */
	char da_imsi[MAP_IMSI_MAX_DIGITS + 1];
	uint8_t da_lmsi[4];
	struct map_addr da_addr;	/*!< serviceCentreAddressDA */
	struct ber_tlv da_tlv;
	int oa_type;			/*!< enum map_sm_rp_oa_type */
	struct map_addr oa_addr;	/*!< msisdn or serviceCentreAddressOA */
	struct ber_tlv oa_tlv;
	const uint8_t *ui;		/*!< sm-RP-UI: the TPDU */
	size_t ui_len;
	struct ber_tlv ui_tlv;
	bool more_msgs;			/*!< moreMessagesToSend (mt-forwardSM v3, forwardSM v2) */
	struct ber_tlv param_tlv;	/*!< the parameter SEQUENCE */
};

/*! sendRoutingInfo argument (v1..v3). */
struct map_sri {
	struct map_addr msisdn;		/*!< [0] */
	int32_t interrogation_type;	/*!< [3] v3: 0 basicCall, 1 forwarding; -1 absent */
	struct map_addr gmsc;		/*!< gmsc-OrGsmSCF-Address [6] (v3) */
	int32_t num_forwarding;		/*!< numberOfForwarding [2], -1 absent */
};

/*! sendRoutingInfoForSM argument. */
struct map_sri_sm {
	struct map_addr msisdn;		/*!< [0] */
	bool sm_rp_pri;			/*!< [1] */
	struct map_addr sca;		/*!< serviceCentreAddress [2] */
};

/*! sendRoutingInfo result: what np700 needs from an HLR's answer. */
struct map_sri_res {
	bool imsi_present;
	char imsi[MAP_IMSI_MAX_DIGITS + 1];
	struct map_addr roaming_number;	/*!< routingInfo: roamingNumber (MSRN) */
	bool forwarding;		/*!< routingInfo: forwardingData (not decoded further) */
};

/*! sendRoutingInfoForSM result. */
struct map_sri_sm_res {
	char imsi[MAP_IMSI_MAX_DIGITS + 1];
	struct map_addr nnn;		/*!< locationInfoWithLMSI: networkNode-Number [1] */
	bool lmsi_present;
	uint8_t lmsi[4];
};

/* application contexts */
void map_acn(struct tcap_oid *oid, int ac, int version);
/*! The code of \a error for a dialogue of MAP \a version (v1: absentSubscriberSM -> absentSubscriber). */
int map_error_for_version(int error, int version);
/*! TCAP user-information of a MAP-U-ABORT (user specific reason), for tcap_enc_abort_user() */
#define MAP_USER_ABORT_INFO_LEN	17
extern const uint8_t map_user_abort_info[MAP_USER_ABORT_INFO_LEN];
int map_acn_parse(const struct tcap_oid *oid, int *ac, int *version);
int map_op_version_ok(int opcode, int ac, int version);

/* AddressString / TBCD */
int map_addr_decode(struct map_addr *a, const struct ber_tlv *t, size_t max_digits);
int map_addr_encode(uint8_t *buf, size_t buf_len, uint8_t ton, uint8_t npi, const char *digits);
int map_tbcd_encode(uint8_t *out, size_t out_size, const char *digits);
int map_imsi_decode(char *out, size_t out_len, const struct ber_tlv *t);
int map_imsi_encode(uint8_t *buf, size_t buf_len, const char *imsi);

/* argument / result decoders: \a param is a complete element */
int map_dec_fwd_sm(struct map_fwd_sm *f, const uint8_t *param, size_t param_len);
int map_dec_sri(struct map_sri *s, const uint8_t *param, size_t param_len, int version);
int map_dec_sri_sm(struct map_sri_sm *s, const uint8_t *param, size_t param_len);
int map_dec_sri_res(struct map_sri_res *r, const uint8_t *param, size_t param_len, int version);
int map_dec_sri_sm_res(struct map_sri_sm_res *r, const uint8_t *param, size_t param_len);

/* parameter encoders: append one complete element to \a msg */
int map_enc_sri_res(struct msgb *msg, int version, const char *imsi, uint8_t ton, uint8_t npi,
		    const char *routing_number);
int map_enc_sri_sm_res(struct msgb *msg, const char *imsi, uint8_t nnn_ton, uint8_t nnn_npi, const char *nnn,
		       const uint8_t *lmsi);
int map_enc_sri_sm(struct msgb *msg, uint8_t ton, uint8_t npi, const char *msisdn, bool sm_rp_pri,
		   uint8_t sca_ton, uint8_t sca_npi, const char *sca);
int map_enc_sri(struct msgb *msg, int version, uint8_t ton, uint8_t npi, const char *msisdn,
		const char *gmsc);
int map_enc_fwd_sm(struct msgb *msg, const char *da_imsi, uint8_t oa_ton, uint8_t oa_npi, const char *oa_sca,
		   const uint8_t *ui, size_t ui_len, bool more_msgs);
int map_enc_error_param(struct msgb *msg, int error, int version, int cause);

/* single-field rewrites of a forwardSM argument; the result (a complete element) is appended to \a out */
int map_fwd_sm_rewrite(struct msgb *out, const uint8_t *param, size_t param_len, const char *da_imsi,
		       const uint8_t *ui, size_t ui_len);

int map_fwd_sm_downgrade(struct msgb *out, const uint8_t *param, size_t param_len);

/* type of number <-> np700's number nature (TS 29.002 and TS 23.040 use the same codes) */
uint8_t map_ton_from_nature(enum np700_nature nature);
enum np700_nature map_nature_from_ton(uint8_t ton);

/* what to answer an invoke np700 cannot serve */
int map_check_invoke(const struct tcap_component *c, int ac, int version, int *problem);
