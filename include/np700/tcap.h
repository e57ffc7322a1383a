/*! \file tcap.h
 *  TCAP (ITU-T Q.773) messages: decode Begin/Continue/End/Abort/Unidirectional with their
 *  dialogue portion (AARQ/AARE/ABRT/AUDT) and components, encode answers and new dialogues.
 *
 *  Decoding does not copy: parameters and the struct ber_tlv members point into the received
 *  bytes, which must outlive the struct tcap_msg. The same struct describes a message to
 *  tcap_encode(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include <np700/ber.h>

struct msgb;

/*! Components per message np700 handles (MAP uses one; more is resource limitation). */
#define TCAP_MAX_COMP		8
/*! Longest object identifier contents kept (MAP application contexts have 7 octets). */
#define TCAP_MAX_OID		16

/*! Message types: the identifier octet of the transaction portion (Q.773 §4.1). */
enum tcap_msg_type {
	TCAP_UNIDIRECTIONAL	= 0x61,
	TCAP_BEGIN		= 0x62,
	TCAP_END		= 0x64,
	TCAP_CONTINUE		= 0x65,
	TCAP_ABORT		= 0x67,
};
extern const struct value_string tcap_msg_type_names[];

/*! Component types: context tag number of the component (Q.773 §4.2.2). */
enum tcap_comp_type {
	TCAP_COMP_INVOKE	= 1,
	TCAP_COMP_RR_LAST	= 2,
	TCAP_COMP_RETURN_ERROR	= 3,
	TCAP_COMP_REJECT	= 4,
	TCAP_COMP_RR_NOTLAST	= 7,
};
extern const struct value_string tcap_comp_type_names[];

/*! Dialogue PDUs (Q.773 dialogue-as-id / uni-dialogue-as-id): APPLICATION tag numbers,
 *  TCAP_DLG_AUDT shifted so all four differ. */
enum tcap_dlg_pdu {
	TCAP_DLG_NONE		= -1,
	TCAP_DLG_AARQ		= 0,
	TCAP_DLG_AARE		= 1,
	TCAP_DLG_ABRT		= 4,
	TCAP_DLG_AUDT		= 16,
};
extern const struct value_string tcap_dlg_pdu_names[];

/*! P-AbortCause (Q.773 §4.1) */
enum tcap_pabort_cause {
	TCAP_PABORT_UNRECOGNIZED_MSG_TYPE	= 0,
	TCAP_PABORT_UNRECOGNIZED_TID		= 1,
	TCAP_PABORT_BADLY_FORMATTED_TX		= 2,
	TCAP_PABORT_INCORRECT_TX		= 3,
	TCAP_PABORT_RESOURCE_LIMITATION		= 4,
};
extern const struct value_string tcap_pabort_cause_names[];

/*! AARE result and result-source-diagnostic values (Q.773 dialogue PDUs). */
enum tcap_aare_result {
	TCAP_RESULT_ACCEPTED		= 0,
	TCAP_RESULT_REJECT_PERMANENT	= 1,
};
enum tcap_diag_source {
	TCAP_DIAG_USER			= 1,	/*!< dialogue-service-user [1] */
	TCAP_DIAG_PROVIDER		= 2,	/*!< dialogue-service-provider [2] */
};
enum tcap_diag_user {
	TCAP_DIAG_USER_NULL		= 0,
	TCAP_DIAG_USER_NO_REASON	= 1,
	TCAP_DIAG_USER_ACN_NOT_SUPPORTED = 2,
};

/*! Reject problem types: context tag number of the problem code (Q.773 §4.2.2.4). */
enum tcap_problem_type {
	TCAP_PROBLEM_GENERAL		= 0,
	TCAP_PROBLEM_INVOKE		= 1,
	TCAP_PROBLEM_RETURN_RESULT	= 2,
	TCAP_PROBLEM_RETURN_ERROR	= 3,
};
/* general problems */
#define TCAP_GP_UNRECOGNIZED_COMPONENT	0
#define TCAP_GP_MISTYPED_COMPONENT	1
#define TCAP_GP_BADLY_STRUCTURED	2
/* invoke problems */
#define TCAP_IP_DUPLICATE_INVOKE_ID	0
#define TCAP_IP_UNRECOGNIZED_OPERATION	1
#define TCAP_IP_MISTYPED_PARAMETER	2
#define TCAP_IP_RESOURCE_LIMITATION	3
#define TCAP_IP_UNRECOGNIZED_LINKED_ID	5
/* return result / return error problems */
#define TCAP_RP_UNRECOGNIZED_INVOKE_ID	0
#define TCAP_RP_MISTYPED_PARAMETER	2
#define TCAP_EP_UNRECOGNIZED_ERROR	2
#define TCAP_EP_MISTYPED_PARAMETER	4

/*! Transaction id: 1..4 octets. */
struct tcap_tid {
	uint8_t len;			/*!< 0 = absent */
	uint8_t v[4];
};

/*! An object identifier, kept as its contents octets. */
struct tcap_oid {
	uint8_t len;			/*!< 0 = absent */
	uint8_t v[TCAP_MAX_OID];
};

/*! Dialogue portion. */
struct tcap_dialogue {
	int pdu;			/*!< enum tcap_dlg_pdu; TCAP_DLG_NONE without a dialogue portion */
	bool unidialogue;		/*!< uni-dialogue-as-id (AUDT) instead of dialogue-as-id */
	bool proto_version_present;	/*!< protocol-version [0] present (encoder: send 07 80) */
	struct tcap_oid acn;		/*!< application-context-name */
	int result;			/*!< AARE: enum tcap_aare_result */
	int diag_source;		/*!< AARE: enum tcap_diag_source */
	int diag;			/*!< AARE: diagnostic value */
	int abort_source;		/*!< ABRT: 0 dialogue-service-user, 1 dialogue-service-provider */
	const uint8_t *user_info;	/*!< user-information [30] contents (e.g. MAP-OPEN), or NULL */
	size_t user_info_len;
};

/*! One component. */
/*! No invoke id (a Reject with invokeID NULL): outside -128..127, which are all valid ids (Q.773) */
#define TCAP_INVOKE_ID_NONE	INT32_MIN

struct tcap_component {
	int type;			/*!< enum tcap_comp_type */
	bool invoke_id_present;		/*!< false only in a Reject with invokeID NULL */
	int32_t invoke_id;
	bool linked_id_present;
	int32_t linked_id;
	bool op_present;		/*!< Invoke always; ReturnResult with a result sequence */
	bool op_global;			/*!< opcode is an OID (not used by MAP); \a opcode is then -1 */
	int32_t opcode;			/*!< local operation code (Invoke, ReturnResult) */
	int32_t error_code;		/*!< ReturnError: local error code (-1 if global) */
	int problem_type;		/*!< Reject: enum tcap_problem_type */
	int32_t problem;		/*!< Reject: problem code */
	const uint8_t *param;		/*!< parameter: the complete element (tag, length, contents) or NULL */
	size_t param_len;
	/* where things are, for ber_splice() (decoder only) */
	struct ber_tlv tlv;		/*!< the component */
	struct ber_tlv rr_seq;		/*!< ReturnResult: the SEQUENCE {opcode, parameter} */
	struct ber_tlv param_tlv;	/*!< the parameter */
};

/*! A TCAP message. */
struct tcap_msg {
	int type;			/*!< enum tcap_msg_type */
	struct tcap_tid otid;
	struct tcap_tid dtid;
	bool p_abort_present;		/*!< Abort: P-AbortCause present */
	int p_abort_cause;		/*!< enum tcap_pabort_cause */
	struct tcap_dialogue dlg;
	unsigned int num_comp;
	struct tcap_component comp[TCAP_MAX_COMP];
	/* where things are (decoder only) */
	struct ber_tlv msg_tlv;		/*!< the whole message */
	struct ber_tlv comp_portion;	/*!< component portion (len 0 = absent) */
	/* decoder's verdict when it fails: what to answer */
	int err_pabort;			/*!< P-Abort cause for a bad transaction portion, or -1 */
	int err_problem_type;		/*!< Reject problem type for a bad component, or -1 */
	int32_t err_problem;		/*!< Reject problem code */
	int32_t err_invoke_id;		/*!< invoke id of the bad component, or TCAP_INVOKE_ID_NONE */
};

int tcap_decode(struct tcap_msg *m, const uint8_t *data, size_t len);
void tcap_msg_init(struct tcap_msg *m, int type);
int tcap_encode(struct msgb *msg, const struct tcap_msg *m);
const struct tcap_component *tcap_first_comp(const struct tcap_msg *m, int type);
int tcap_rewrite_param(struct msgb *out, const struct tcap_msg *m, unsigned int comp_idx,
		       const uint8_t *param, size_t param_len);
/*! Continue with only the AARE (accepted): answers a Begin that opened a dialogue without a component. */
int tcap_enc_continue_aare(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_tid *dtid,
			   const struct tcap_oid *acn);

/* answers and new dialogues; each appends to \a msg (owned and freed by the caller) */
int tcap_enc_end_result(struct msgb *msg, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn,
			int32_t invoke_id, int32_t opcode, const uint8_t *param, size_t param_len);
int tcap_enc_end_error(struct msgb *msg, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn,
		       int32_t invoke_id, int32_t error_code, const uint8_t *param, size_t param_len);
int tcap_enc_end_reject(struct msgb *msg, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn,
			int32_t invoke_id, int problem_type, int32_t problem);
int tcap_enc_abort_acn_not_supported(struct msgb *msg, const struct tcap_tid *dtid,
				     const struct tcap_oid *supported_acn);
int tcap_enc_pabort(struct msgb *msg, const struct tcap_tid *dtid, int cause);
int tcap_enc_continue_result(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_tid *dtid,
			     const struct tcap_oid *aare_acn, int32_t invoke_id, int32_t opcode,
			     const uint8_t *param, size_t param_len);
int tcap_enc_continue_invoke(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_tid *dtid,
			     int32_t invoke_id, int32_t opcode, const uint8_t *param, size_t param_len);
int tcap_enc_abort_user(struct msgb *msg, const struct tcap_tid *dtid, bool abrt, const uint8_t *user_info,
			size_t user_info_len);
int tcap_enc_begin_invoke(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_oid *acn,
			  int32_t invoke_id, int32_t opcode, const uint8_t *param, size_t param_len);
bool tcap_oid_eq(const struct tcap_oid *a, const struct tcap_oid *b);
void tcap_tid_set(struct tcap_tid *t, uint32_t v);
uint32_t tcap_tid_get(const struct tcap_tid *t);
