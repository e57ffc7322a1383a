/* Internals of the MAP router shared by map_sri.c, sms_router.c, sms_mo.c, sms_corr.c,
 * map_dialogue.c and map_vty.c. Not installed. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/hashtable.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/timer.h>

#include <np700/cdr.h>
#include <np700/map.h>
#include <np700/map_router.h>
#include <np700/sccp.h>
#include <np700/tcap.h>

/*! One correlation: a correlation IMSI handed to an SMSC for X (sms_corr.c). */
struct sms_corr {
	struct llist_head list;
	struct hlist_node node;		/*!< in map_router.corr_hash, by imsi */
	uint64_t imsi;
	char imsi_str[MAP_IMSI_MAX_DIGITS + 1];
	char x[NP700_NUM_MAXLEN + 1];	/*!< the protected number the SMSC asked for */
	char smsc[SCCP_GT_DIGITS_MAX + 1];	/*!< calling GT of the SRI-SM, for "show sms" */
	time_t created;
	unsigned int parts;		/*!< MT forwardSMs handled through it */
	unsigned int in_flight;		/*!< transactions referencing it (not freed meanwhile) */
	struct osmo_timer_list timer;
	struct map_router *mr;
	/* the recipient as resolved by the first part, reused by the following ones */
	char sender[NP700_NUM_MAXLEN + 1];
	char recipient[NP700_NUM_MAXLEN + 1];
	char real_imsi[MAP_IMSI_MAX_DIGITS + 1];
	char msc_gt[SCCP_GT_DIGITS_MAX + 1];
	uint8_t msc_ton;
};

enum map_txn_kind {
	MAP_TXN_MT,
	MAP_TXN_MO,
	MAP_TXN_OPEN,			/*!< a dialogue opened without a component, waiting for its request */
};

enum map_txn_state {
	MAP_TXN_WAIT_HLR,		/*!< MT: SRI-SM sent to the recipient's HLR */
	MAP_TXN_WAIT_FWD,		/*!< forwardSM sent on (MT: to the MSC, MO: to the SMSC) */
	MAP_TXN_WAIT_NEXT,		/*!< more messages: waiting for the next forwardSM of the sender */
};

/*! A relayed forwardSM: the incoming dialogue (the sender: SMSC for MT, MSC for MO) and np700's
 *  outgoing dialogue (HLR, then MSC; or the SMSC) (map_dialogue.c). */
struct map_txn {
	struct llist_head list;
	struct hlist_node node_in;	/*!< in map_router.txn_in_hash by tid_in */
	struct hlist_node node_out;	/*!< in map_router.txn_out_hash by tid_out (when tid_out != 0) */
	struct map_router *mr;
	enum map_txn_kind kind;
	enum map_txn_state state;
	struct osmo_timer_list timer;

	/* incoming side */
	uint32_t tid_in;		/*!< np700's tid towards the sender (used once we Continue) */
	struct tcap_tid peer_tid_in;	/*!< the sender's otid */
	struct sccp_addr peer_in;	/*!< the sender's calling address */
	struct sccp_addr own_in;	/*!< the called address it used (our answer's calling address) */
	uint32_t opc_in;
	bool aarq_in;			/*!< the Begin had an AARQ: first answer carries an AARE */
	bool in_answered;		/*!< something was sent back already (no AARE any more) */
	int ac_in, version_in;		/*!< application context of the incoming dialogue (0/1: none) */
	int32_t invoke_id_in;
	int32_t opcode_in;

	/* outgoing side */
	uint32_t tid_out;		/*!< 0 = none */
	struct tcap_tid peer_tid_out;	/*!< the peer's otid once it answered with a Continue */
	struct sccp_addr peer_out;
	int ac_out, version_out;
	int32_t opcode_out;
	uint8_t *param_out;		/*!< the argument sent (talloc), for a retry with a lower version */
	size_t param_out_len;

	/* the SMS */
	uint8_t *param_in;		/*!< the sender's forwardSM argument (talloc copy) */
	size_t param_in_len;
	uint8_t *ui_new;		/*!< its TPDU with the address rewritten (talloc) */
	size_t ui_new_len;
	struct sms_corr *corr;		/*!< MT only */
	struct np700_decision d;
	char sender[NP700_NUM_MAXLEN + 1];	/*!< canonical E.164 */
	char sca[MAP_ADDR_MAX_DIGITS + 1];	/*!< the SMSC's address (SM-RP-OA of an MT) */
	uint8_t sca_ton;
	bool more_msgs;			/*!< the current part has moreMessagesToSend */
	bool concat_first;		/*!< not concatenated, or its first part: count it as a call */
	struct cdr_record rec;
};

/* The lookup tables (576 KiB of buckets) are allocated by map_router_start(): a router that is
 * configured but never started (config check, VTY fuzzer) does not pay for them. */
struct map_tables {
	DECLARE_HASHTABLE(corr_hash, 16);	/* 64k buckets: a minute of SMS at 1000/s */
	DECLARE_HASHTABLE(txn_in_hash, 12);
	DECLARE_HASHTABLE(txn_out_hash, 12);
};

struct map_router {
	struct np700 *g;
	struct sccp_relay *sccp;
	struct map_router_cfg cfg;
	struct rate_ctr_group *ctrs;

	struct llist_head corrs;
	struct map_tables *tab;		/* NULL until map_router_start() */
	unsigned int n_corr;
	uint64_t corr_prng;		/* state of sms_corr.c's fallback generator (0: unseeded) */

	struct llist_head txns;
	unsigned int n_txn;
	uint32_t next_tid;

	void (*cdr_hook)(const struct cdr_record *r, void *priv);
	void *cdr_hook_priv;
};

static inline void map_ctr_inc(struct map_router *mr, enum map_router_ctr c)
{
	rate_ctr_inc2(mr->ctrs, c);
}

/* time as the router sees it (osmo_gettimeofday, so tests can override it) */
time_t map_now(void);
uint64_t map_now_us(void);

/* np700's own GT for MAP ("" if none configured) and an SCCP address with it and \a ssn */
const char *map_own_gt(struct map_router *mr);
void map_own_addr(struct map_router *mr, struct sccp_addr *a, uint8_t ssn);
/* an SCCP address routed on GT \a digits (nature from MAP \a ton) with \a ssn */
void map_gt_addr(struct map_router *mr, struct sccp_addr *a, const char *digits, uint8_t ton, uint8_t ssn);

/* send TCAP bytes in a UDT from \a calling to \a called (map_dialogue.c). \returns 0 or -errno */
int map_send(struct map_router *mr, const struct sccp_addr *called, const struct sccp_addr *calling,
	     uint32_t fallback_pc, struct msgb *tcap);

/* answer a Begin synchronously within the SCCP callback (End with a result / an error / a reject) */
int map_reply_result(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		     const struct tcap_component *c, const uint8_t *param, size_t len);
int map_reply_error(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		    const struct tcap_component *c, int version, int error, int cause);
int map_reply_reject(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		     int32_t invoke_id, int problem_type, int problem);
/* the AARE to put into the first answer of a Begin (NULL for v1) */
const struct tcap_oid *map_aare_of(const struct tcap_msg *m, struct tcap_oid *buf);

/* the handlers (map_sri.c, sms_router.c, sms_mo.c) */
void map_sri_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		const struct tcap_component *c, int version);
void map_sri_sm_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		   const struct tcap_component *c, int version);
void sms_mt_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
	       const struct tcap_component *c, int ac, int version, const struct map_fwd_sm *f);
void sms_mt_next(struct map_txn *t, const struct tcap_msg *m, const struct tcap_component *c,
		 const struct map_fwd_sm *f);
void sms_mo_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
	       const struct tcap_component *c, int ac, int version, const struct map_fwd_sm *f);
/* the outgoing dialogue answered / failed (sms_router.c; MO answers are relayed the same way) */
void sms_out_rx(struct map_txn *t, const struct tcap_msg *m);
void sms_out_failed(struct map_txn *t, const char *why, int error);
/* the HLR's/MSC's/SMSC's dialogue is over without an answer: the sender gets systemFailure */
void sms_out_gone(struct map_txn *t, const char *why);
/* forward the prepared forwardSM (param_in with ui_new, DA as given) on the outgoing side */
int sms_forward(struct map_txn *t, const char *da_imsi);
/* end the transaction: answer the sender with \a error (0: nothing to answer), close the
 * outgoing side, free */
void sms_txn_fail(struct map_txn *t, int error, enum cdr_outcome out, const char *reason, int cause);
/* the error to answer for rejection \a reason; MO knows fewer errors than MT */
int sms_reject_error(struct map_router *mr, enum np700_reject reason, bool mo);
/* canonical sender / shown number helpers */
int sms_show_addr(struct map_router *mr, const char *num, char *out, size_t out_len, uint8_t *ton);

/* correlation table (sms_corr.c) */
struct sms_corr *sms_corr_alloc(struct map_router *mr, const char *x, const char *smsc);
struct sms_corr *sms_corr_find(struct map_router *mr, const char *imsi);
void sms_corr_touch(struct sms_corr *c);
void sms_corr_put(struct sms_corr *c);
void sms_corr_free_all(struct map_router *mr);

/* relayed dialogues (map_dialogue.c) */
struct map_txn *map_txn_alloc(struct map_router *mr, enum map_txn_kind kind, const struct sccp_ind *ind,
			      const struct tcap_msg *m, const struct tcap_component *c, int ac, int version);
void map_txn_free(struct map_txn *t);
struct map_txn *map_txn_find(struct map_router *mr, uint32_t tid, bool *out_side);
void map_txn_new_out(struct map_txn *t);
void map_txn_timer(struct map_txn *t, unsigned int seconds);
/* Begin (or Continue) an Invoke on the outgoing side; \a param is copied for a retry */
int map_txn_send_invoke(struct map_txn *t, bool begin, int ac, int version, int32_t opcode,
			const uint8_t *param, size_t len);
/* answer the sender: result (\a param may be NULL), or error; \a last ends the incoming dialogue */
int map_txn_answer_result(struct map_txn *t, bool last, const uint8_t *param, size_t len);
int map_txn_answer_error(struct map_txn *t, int error, const uint8_t *param, size_t len, int cause);
void map_txn_abort_out(struct map_txn *t);
void map_txn_abort_in(struct map_txn *t);
/* finish the record of the current part and write it */
void map_txn_record(struct map_txn *t, enum cdr_outcome out, const char *reason, int cause);
void map_record(struct map_router *mr, struct cdr_record *r);
