/*! \file isup_internal.h
 *  Structures shared by the ISUP relay's source files (isup_relay.c, isup_call.c,
 *  isup_circuit.c, isup_route.c, isup_vty.c). Not for other modules: use isup_relay.h. */
#pragma once

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>

#include <np700/isup_relay.h>
#include <np700/cdr.h>

/*! Largest ISUP message np700 keeps a copy of (the MTP3 limit is 272 octets of SIF). */
#define ISUP_MSG_MAX	1024

enum isup_circ_state {
	ISUP_CIRC_IDLE,
	ISUP_CIRC_INCOMING,	/*!< seized by the far end: the incoming leg of a call */
	ISUP_CIRC_OUTGOING,	/*!< seized by np700: the outgoing leg of a call */
};
extern const struct value_string isup_circ_state_names[];

struct isup_call;

struct isup_circuit {
	uint16_t cic;
	enum isup_circ_state state;
	bool blk_local;		/*!< blocked by np700 (not used for new outgoing calls) */
	bool blk_remote;	/*!< blocked for maintenance by the far end (BLO, CGB, UCIC): not used for
				 *   outgoing calls */
	bool blk_remote_hw;	/*!< blocked by the far end for a hardware failure (CGB type 01): the same,
				 *   but ended only by CGU of that type (or a reset, or an IAM) */
	bool resetting;		/*!< RSC or a call-less REL sent, RLC awaited: not used (isup_maint.c) */
	struct isup_call *call;	/*!< the call holding the circuit, if any */
};

/*! Blocked for new outgoing calls, by np700 or by the far end. */
static inline bool isup_circuit_blocked(const struct isup_circuit *c)
{
	return c->blk_local || c->blk_remote || c->blk_remote_hw;
}

/*! The far end's blocking, of either kind, is over (a reset, an IAM on the circuit). */
static inline void isup_circuit_unblock_remote(struct isup_circuit *c)
{
	c->blk_remote = false;
	c->blk_remote_hw = false;
}

struct isup_cgroup {
	struct llist_head list;		/*!< in isup_relay.cgroups */
	struct isup_relay *r;
	char *name;
	uint32_t dpc;			/*!< the switch at the far end of the trunk group */
	uint16_t first, last;
	struct isup_circuit *circ;	/*!< last - first + 1 circuits */
	unsigned int hunt;		/*!< round-robin position of the last seizure */
	uint8_t reject_cause[_NP700_REJ_NUM];	/*!< 0: relay-wide default */
};

struct isup_route {
	struct llist_head list;		/*!< in isup_relay.routes */
	char prefix[NP700_NUM_MAXLEN + 1];
	size_t prefix_len;
	char *cgroup;			/*!< by name, so a route may be written before its group */
	enum isup_route_format fmt;
};

enum isup_leg_side {
	ISUP_LEG_IN,
	ISUP_LEG_OUT,
};

/*! One side of a call: a circuit towards one switch. */
struct isup_leg {
	struct isup_call *call;
	enum isup_leg_side side;
	struct isup_cgroup *cg;
	struct isup_circuit *circ;
	uint32_t pc;			/*!< far end point code */
	uint16_t cic;
	bool busy;			/*!< the circuit is held by this call */
	bool rel_sent;			/*!< REL sent, awaiting RLC (T1/T5 running) */
	struct osmo_timer_list t1, t5;
	uint8_t *rel;			/*!< the REL as sent, repeated at T1 (talloc'd by the call when sent) */
	size_t rel_len;
};

/*! A call: an incoming leg tied to an outgoing leg. Owned by its osmo_fsm instance. */
struct isup_call {
	struct llist_head list;		/*!< in isup_relay.calls */
	struct isup_relay *r;
	struct osmo_fsm_inst *fi;
	uint32_t id;
	struct isup_leg in, out;
	char dialled[ISUP_NUM_MAXDIGITS + 1];	/*!< called digits collected so far (overlap) */
	bool dialled_st;		/*!< ST received: no more digits */
	uint8_t called_nai;
	char caller[NP700_NUM_MAXLEN + 1];	/*!< caller's canonical E.164 number ("" if unknown) */
	struct np700_decision d;
	size_t iam_len;
	size_t out_iam_len;
	bool backward_seen;		/*!< any backward message on the outgoing leg (ends dual-seizure window) */
	bool collecting;		/*!< overlap: counted once, waiting for SAMs */
	bool admitted;			/*!< counted in isup_relay.n_admitted (isup_guard_admit()) */
	bool ended;			/*!< record written, out of the call list (pooled or terminating) */
	struct osmo_timer_list t_maxdur;
	struct cdr_record cdr;
	/* large buffers last: a new call zeroes only what comes before them */
	uint8_t iam[ISUP_MSG_MAX];	/*!< the received IAM (overlap: completed later) */
	uint8_t out_iam[ISUP_MSG_MAX];	/*!< the IAM as sent, for a re-attempt after dual seizure */
	char name_tail[sizeof(")[0x]") + 2 * sizeof(void *)];	/*!< isup_call_pool.c: the FSM name after the id */
	uint8_t name_tail_len;
};

enum isup_call_fsm_state {
	ISUP_CST_COLLECT,	/*!< overlap: waiting for SAMs (T35) */
	ISUP_CST_WAIT_ACM,	/*!< IAM sent (T7) */
	ISUP_CST_ALERTING,	/*!< ACM received (T9) */
	ISUP_CST_ANSWERED,	/*!< ANM/CON received */
	ISUP_CST_RELEASING,	/*!< REL on one or both legs; waiting for RLCs */
	ISUP_CST_IDLE,		/*!< ended, the object kept for the next call (isup_call_pool.c) */
};

enum isup_call_fsm_event {
	ISUP_CEV_RX_IN,		/*!< data: struct isup_rx for a message from the incoming leg */
	ISUP_CEV_RX_OUT,	/*!< data: struct isup_rx for a message from the outgoing leg */
};

/*! A received message as handed to a call. */
struct isup_rx {
	struct isup_msg *m;
	const uint8_t *data;
	size_t len;
};

enum isup_relay_ctr {
	ISUP_CTR_RX_MALFORMED,
	ISUP_CTR_RX_UNKNOWN_CIC,
	ISUP_CTR_RX_UNEXPECTED,
	ISUP_CTR_RX_UNKNOWN_MSG,
	ISUP_CTR_RX_DISCARDED,
	ISUP_CTR_TX_ERROR,
	ISUP_CTR_CALLS,
	ISUP_CTR_TRANSLATED,
	ISUP_CTR_ANSWERED,
	ISUP_CTR_NO_ROUTE,
	ISUP_CTR_NO_CIRCUIT,
	ISUP_CTR_DUAL_SEIZURE,
	ISUP_CTR_OVERLAP,
	ISUP_CTR_MAXDUR,
	ISUP_CTR_TIMEOUT,
	ISUP_CTR_SHED,
	ISUP_CTR_LINK_LOST,
	ISUP_CTR_GRS_TX,
	ISUP_CTR_MAINT_TX,
	ISUP_CTR_MAINT_TIMEOUT,
	ISUP_CTR_REJ_BASE,
	ISUP_CTR_RX_BASE = ISUP_CTR_REJ_BASE + _NP700_REJ_NUM,
};

struct isup_relay {
	void *ctx;
	struct np700 *g;
	isup_tx_cb tx;
	void *tx_priv;
	enum isup_variant variant;
	const char *rn_prefix;		/*!< MAP routing-number prefix to strip (owned by the MAP router) */
	uint32_t own_pc;		/*!< 0xffffffff: answer from the DPC a message came to */
	bool own_pc_configured;		/*!< set by the VTY "point-code" (written back by "write") */
	struct llist_head cgroups;
	struct llist_head routes;
	struct llist_head calls;
	unsigned int num_calls;
	struct llist_head call_pool;	/*!< ended calls' objects for reuse (isup_call_pool.c) */
	unsigned int n_call_pool;
	uint8_t reject_cause[_NP700_REJ_NUM];
	uint8_t maxdur_cause;
	struct osmo_tdef *tdefs;
	struct rate_ctr_group *ctrs;
	unsigned int n_msg_ctrs;	/*!< rx counters per message type (+1 "other"), tx likewise after them */
	uint32_t next_call_id;
	isup_cdr_cb cdr_cb;
	void *cdr_priv;
	/* freed struct isup_msg kept for the next message: one malloc/free pair of ~4 KiB less per
	 * message and per translated IAM (see isup_relay_msg_alloc()) */
	struct isup_msg *msg_spare[4];
	unsigned int n_msg_spare;
	/* admission (isup_guard.c): 0 = no limit */
	unsigned int max_calls;		/*!< admitted calls in progress */
	unsigned int n_admitted;	/*!< calls admitted and not ended (shed ones still releasing are not) */
	unsigned int max_rate;		/*!< new IAMs per second */
	uint8_t overload_cause;		/*!< release cause of a shed attempt (42) */
	uint64_t rate_sec;		/*!< the second rate_n counts in */
	unsigned int rate_n;
	/* signalling link watch (isup_guard.c) */
	bool (*link_cb)(void *priv);
	void *link_priv;
	bool link_up;
	struct osmo_timer_list link_timer;
	/* circuit maintenance np700 originates (isup_maint.c) */
	struct llist_head maint_pending;	/*!< struct isup_maint: RSC/GRS/BLO/UBL/REL awaiting their ack */
};

/* isup_guard.c */
/*! Admission control for a new IAM on \a call. \returns true (the call is counted in
 *  r->n_admitted until it ends) if
 *  the call may proceed; false: shed it with r->overload_cause (counted here). */
bool isup_guard_admit(struct isup_relay *r, struct isup_call *call);
void isup_guard_init(struct isup_relay *r);
void isup_guard_free(struct isup_relay *r);

/* isup_maint.c */
/*! Send \a type (RSC, GRS with \a range 1..31, BLO, UBL) on \a cic towards \a dpc and repeat it until
 *  acknowledged (T16/T17, T22/T23, T12/T13, T14/T15). A pending BLO/UBL of the circuit is replaced.
 *  \returns 0 or negative. */
int isup_maint_start(struct isup_relay *r, uint8_t type, uint32_t dpc, uint16_t cic, uint8_t range);
/*! Release \a cic towards \a dpc, a circuit no call holds any more: REL with \a cause, repeated
 *  every T1 until the RLC; after T5 the circuit is reset (RSC). The circuit is not seized meanwhile.
 *  \returns 0 or negative. */
int isup_maint_release(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t cause);
/*! The far end reset \a cic (RSC, GRS): a release np700 still repeats there is over. */
void isup_maint_far_reset(struct isup_relay *r, uint32_t dpc, uint16_t cic);
/*! An RLC on an idle circuit, GRA, BLA or UBA: \returns true if it acknowledged a pending message. */
bool isup_maint_rx_ack(struct isup_relay *r, uint32_t opc, struct isup_msg *m);
/*! Whether np700's BLO or UBL on the circuit awaits its acknowledgement (a transient maintenance state). */
bool isup_maint_blocking_pending(struct isup_relay *r, uint32_t dpc, uint16_t cic);
/*! Reset every circuit of every group (GRS; RSC for one circuit), after start-up or link loss. */
void isup_maint_reset_all(struct isup_relay *r);
/*! Forget pending resets, releases and unblockings (\a all: blocking too), e.g. when the link is lost. */
void isup_maint_clear(struct isup_relay *r, bool all);
void isup_maint_init(struct isup_relay *r);
void isup_maint_free(struct isup_relay *r);

/* isup_relay.c */
void isup_ctr_inc(struct isup_relay *r, unsigned int idx);
/*! Encode \a m and send it to \a dpc; counts tx per message type. \returns 0 or negative. */
int isup_relay_send(struct isup_relay *r, uint32_t dpc, struct isup_msg *m);
/*! Send raw bytes (already encoded) with their message type at data[2]. */
int isup_relay_send_raw(struct isup_relay *r, uint32_t dpc, const uint8_t *data, size_t len);
/*! Send a message with only a type (RLC without cause, BLA, UBA, UCIC, RSC, ...) on \a cic. */
int isup_relay_send_simple(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t type);
/*! Send CFN with \a cause on \a cic (Q.764 §2.9.5.3). */
int isup_relay_send_cfn(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t cause);
/*! Send REL with \a cause on \a cic (not tied to a call). */
int isup_relay_send_rel(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t cause, uint8_t *copy,
			size_t *copy_len);
uint64_t isup_now_us(void);
/*! A struct isup_msg (uninitialised, owned by \a r) to parse into; give it back with
 *  isup_relay_msg_free(). NULL if out of memory. */
struct isup_msg *isup_relay_msg_alloc(struct isup_relay *r);
/*! Give back a message of isup_relay_msg_alloc() (NULL is fine). */
void isup_relay_msg_free(struct isup_relay *r, struct isup_msg *m);

/* isup_circuit.c */
/*! Circuit \a cic of \a cg, or NULL if it is not one of the group's. */
struct isup_circuit *isup_cgroup_circuit(struct isup_cgroup *cg, uint16_t cic);
/*! The group towards \a pc containing \a cic, and the circuit in it. */
struct isup_circuit *isup_circuit_find(struct isup_relay *r, uint32_t pc, uint16_t cic, struct isup_cgroup **cg);
/*! Seize an idle, unblocked circuit of \a cg for an outgoing call, preferring the ones np700
 *  controls for dual seizure (Q.764 §2.10.1.4). \returns NULL if none. */
struct isup_circuit *isup_circuit_hunt(struct isup_cgroup *cg, uint32_t own_pc);
/*! Does np700 (\a own_pc) control \a cic towards \a far_pc? The higher point code controls the even CICs. */
bool isup_circuit_controls(uint32_t own_pc, uint32_t far_pc, uint16_t cic);
void isup_circuit_free_all(struct isup_relay *r);

/* isup_route.c */
/*! Longest-prefix route for a canonical E.164 number (also tried in its national form). */
const struct isup_route *isup_route_lookup(struct isup_relay *r, const char *e164);
void isup_route_free_all(struct isup_relay *r);

/* isup_call_pool.c */
/*! ended calls kept for reuse at most; beyond, a call's FSM instance is terminated */
#define ISUP_CALL_POOL_MAX	1024
/*! A call object for a new call: FSM instance in COLLECT, named after the new r->next_call_id,
 *  zeroed up to the message buffers (the legs' REL buffers are kept), call->fi/r/id set.
 *  \returns NULL without memory. */
struct isup_call *isup_call_obj_get(struct isup_relay *r);
/*! Return the object of an ended call (not in any list, no timer running). */
void isup_call_obj_put(struct isup_call *call);
/*! Terminate the FSM instances of all pooled calls (the relay goes). */
void isup_call_pool_free(struct isup_relay *r);

/* isup_call.c */
extern struct osmo_fsm isup_call_fsm;
/*! Handle an IAM on circuit \a circ (incoming leg). \a m is the parsed IAM. */
void isup_call_rx_iam(struct isup_relay *r, struct isup_cgroup *cg, struct isup_circuit *circ, uint32_t opc,
		      struct isup_msg *m, const uint8_t *data, size_t len);
/*! A malformed IAM: release the circuit towards the sender with \a cause and wait for RLC. */
void isup_call_reject_malformed(struct isup_relay *r, struct isup_cgroup *cg, struct isup_circuit *circ,
				uint32_t opc, uint8_t cause);
/*! A call-related message on a circuit held by a call. */
void isup_call_rx(struct isup_call *call, struct isup_circuit *circ, struct isup_msg *m, const uint8_t *data,
		  size_t len);
/*! The far end reset \a circ (RSC, GRS, hardware CGB, UCIC): the leg on it is free. If \a may_repeat
 *  and the leg carries np700's IAM that has had no backward message, the call is kept and the group
 *  to repeat it in is returned (call isup_call_repeat() once the reset is answered); otherwise the
 *  call is released and NULL returned. */
struct isup_cgroup *isup_call_leg_reset(struct isup_call *call, struct isup_circuit *circ, uint8_t cause,
					bool may_repeat);
/*! Repeat the call's IAM on another circuit of \a cg (released with cause 34 if there is none). */
void isup_call_repeat(struct isup_call *call, struct isup_cgroup *cg, const char *why);
/*! Dual seizure lost: move the outgoing leg to another circuit and send the IAM again. */
void isup_call_reattempt(struct isup_call *call);
/*! BLO for \a c: if it carries \a call's outgoing IAM, not answered by any backward message yet,
 *  the attempt there is released and the call tried again on another circuit (Q.764 §2.8.2.1).
 *  \returns true if so. */
bool isup_call_rx_blo(struct isup_call *call, struct isup_circuit *c);
/*! Whether the call is in a transient state on circuit \a c for a circuit query (Q.764 2.9.3.2): its
 *  IAM sent there and no backward message yet, or its REL sent there and no RLC yet. */
bool isup_call_transient(struct isup_call *call, const struct isup_circuit *c);
/*! The signalling link is gone: nothing can be sent; free both legs' circuits locally and end the
 *  call (the circuits are reset towards the peers by GRS when the link is back). */
void isup_call_link_lost(struct isup_call *call);
