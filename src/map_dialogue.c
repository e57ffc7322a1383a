/* MAP router core: SCCP local delivery, TCAP dispatch, np700's own dialogues towards HLR, MSC
 * and SMSC (transaction ids, answer timeout), answers to the sender, SMS records. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>

#include <np700/clock.h>
#include <np700/logging.h>
#include <np700/np700.h>

#include "map_internal.h"

#define MAP_MSGB_SIZE	512
#define MAP_INVOKE_ID	1

static const struct rate_ctr_desc map_ctr_desc[] = {
	[MAP_CTR_RX_BAD] = { "rx:bad", "Undecodable TCAP or refused invokes" },
	[MAP_CTR_RX_UNKNOWN_DLG] = { "rx:unknown_dialogue", "Continue/End/Abort for no dialogue of np700" },
	[MAP_CTR_SRI] = { "sri:rx", "sendRoutingInfo received" },
	[MAP_CTR_SRI_OK] = { "sri:ok", "sendRoutingInfo answered with a routing number" },
	[MAP_CTR_SRI_ERR] = { "sri:error", "sendRoutingInfo answered with an error" },
	[MAP_CTR_SRI_SM] = { "sri_sm:rx", "sendRoutingInfoForSM received" },
	[MAP_CTR_SRI_SM_OK] = { "sri_sm:ok", "sendRoutingInfoForSM answered with a correlation IMSI" },
	[MAP_CTR_SRI_SM_ERR] = { "sri_sm:error", "sendRoutingInfoForSM answered with an error" },
	[MAP_CTR_REPORT_SM] = { "report_sm:rx", "reportSM-DeliveryStatus for X acknowledged" },
	[MAP_CTR_MT] = { "mt:rx", "MT forwardSM received" },
	[MAP_CTR_MT_DELIVERED] = { "mt:delivered", "MT SMS delivered (MSC result relayed)" },
	[MAP_CTR_MT_REJECTED] = { "mt:rejected", "MT SMS refused by the decision" },
	[MAP_CTR_MT_UNKNOWN_CORR] = { "mt:unknown_corr", "MT SMS for an unknown or expired correlation IMSI" },
	[MAP_CTR_MT_HLR_ERR] = { "mt:hlr_error", "MT SMS: error or abort from the recipient's HLR" },
	[MAP_CTR_MT_MSC_ERR] = { "mt:msc_error", "MT SMS: error or abort from the serving MSC" },
	[MAP_CTR_MT_TIMEOUT] = { "mt:timeout", "MT SMS: HLR or MSC did not answer" },
	[MAP_CTR_MT_FALLBACK] = { "mt:fallback", "A peer refused the proposed MAP version; retried lower" },
	[MAP_CTR_MO] = { "mo:rx", "MO forwardSM received" },
	[MAP_CTR_MO_REWRITTEN] = { "mo:rewritten", "MO SMS to X rewritten to the real recipient" },
	[MAP_CTR_MO_PASSED] = { "mo:passed", "MO SMS not for a protected number, relayed unchanged" },
	[MAP_CTR_MO_REJECTED] = { "mo:rejected", "MO SMS to X refused" },
	[MAP_CTR_MO_DELIVERED] = { "mo:delivered", "MO SMS accepted by the SMSC" },
	[MAP_CTR_MO_FAILED] = { "mo:failed", "MO SMS: error, abort or timeout from the SMSC" },
	[MAP_CTR_CORR_ALLOC] = { "corr:alloc", "Correlation IMSIs handed out" },
	[MAP_CTR_CORR_EXPIRED] = { "corr:expired", "Correlation entries expired" },
	[MAP_CTR_CORR_EXHAUSTED] = { "corr:exhausted", "Correlation IMSI range full" },
	[MAP_CTR_TX_ERR] = { "tx:error", "MAP messages not sent (encoding or SCCP failure)" },
};

static const struct rate_ctr_group_desc map_ctrg_desc = {
	.group_name_prefix = "map",
	.group_description = "MAP router",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(map_ctr_desc),
	.ctr_desc = map_ctr_desc,
};

osmo_static_assert(ARRAY_SIZE(map_ctr_desc) == _MAP_CTR_NUM, map_ctr_desc_complete);

/* default MAP error per rejection reason: errors every forwardSM version knows (TS 29.002
 * mt-ForwardSM / forwardSM ERRORS); an unbound or unknown X looks like a subscriber the MSC
 * does not know, a refused sender like an illegal subscriber, limits like a delivery failure */
static const int default_reject_err[_NP700_REJ_NUM] = {
	[NP700_REJ_NONE] = MAP_ERR_SYSTEM_FAILURE,
	[NP700_REJ_NOT_PROTECTED] = MAP_ERR_UNIDENTIFIED_SUBSCRIBER,
	[NP700_REJ_INVALID_NUMBER] = MAP_ERR_UNIDENTIFIED_SUBSCRIBER,
	[NP700_REJ_UNKNOWN_NUMBER] = MAP_ERR_UNIDENTIFIED_SUBSCRIBER,
	[NP700_REJ_NO_BINDING] = MAP_ERR_UNIDENTIFIED_SUBSCRIBER,
	[NP700_REJ_EXPIRED] = MAP_ERR_UNIDENTIFIED_SUBSCRIBER,
	[NP700_REJ_CALLER_NOT_ALLOWED] = MAP_ERR_ILLEGAL_SUBSCRIBER,
	[NP700_REJ_DIRECTION] = MAP_ERR_ILLEGAL_SUBSCRIBER,
	[NP700_REJ_SERVICE] = MAP_ERR_FACILITY_NOT_SUPPORTED,
	[NP700_REJ_CUSTOMER_SUSPENDED] = MAP_ERR_ILLEGAL_SUBSCRIBER,
	[NP700_REJ_BLOCKED_CALLER] = MAP_ERR_ILLEGAL_SUBSCRIBER,
	[NP700_REJ_BLOCKED_CALLEE] = MAP_ERR_ILLEGAL_SUBSCRIBER,
	[NP700_REJ_TIME_WINDOW] = MAP_ERR_SM_DELIVERY_FAILURE,
	[NP700_REJ_RATE_LIMIT] = MAP_ERR_SM_DELIVERY_FAILURE,
	[NP700_REJ_CALL_CAP] = MAP_ERR_SM_DELIVERY_FAILURE,
	[NP700_REJ_NO_CALLBACK] = MAP_ERR_UNIDENTIFIED_SUBSCRIBER,
	[NP700_REJ_STORE_ERROR] = MAP_ERR_SYSTEM_FAILURE,
};

time_t map_now(void)
{
	return np700_now();
}

uint64_t map_now_us(void)
{
	return np700_now_us();
}

/* also when the parent goes (np700 exits): timers and the counter group are in libosmocore's
 * global lists, which must not keep pointers into freed memory */
static int map_router_destructor(struct map_router *mr)
{
	struct map_txn *t, *t2;

	llist_for_each_entry_safe(t, t2, &mr->txns, list)
		map_txn_free(t);
	sms_corr_free_all(mr);
	rate_ctr_group_free(mr->ctrs);
	return 0;
}

/*! Allocate the router (a talloc child of \a sccp); it becomes the SCCP relay's local user with
 *  map_router_start(). */
struct map_router *map_router_alloc(struct np700 *g, struct sccp_relay *sccp)
{
	struct map_router *mr = talloc_zero(sccp, struct map_router);

	if (!mr)
		return NULL;
	mr->g = g;
	mr->sccp = sccp;
	mr->ctrs = rate_ctr_group_alloc(mr, &map_ctrg_desc, 0);
	INIT_LLIST_HEAD(&mr->corrs);
	INIT_LLIST_HEAD(&mr->txns);
	mr->next_tid = 1;
	mr->cfg.corr_first = 460009990000000ULL;
	mr->cfg.corr_last = 460009990999999ULL;
	mr->cfg.corr_timeout_s = 60;
	mr->cfg.peer_timeout_s = 10;
	/* TS 29.002 timer ml (1-10 min) for forwardSM: paging and delivery take longer than an HLR query */
	mr->cfg.fwd_timeout_s = 30;
	mr->cfg.mo_rewrite = true;
	memcpy(mr->cfg.reject_err, default_reject_err, sizeof(default_reject_err));
	talloc_set_destructor(mr, map_router_destructor);
	return mr;
}

/*! Register with the SCCP relay as the user of SSN 6 (HLR role) and 8 (MSC role). */
void map_router_start(struct map_router *mr)
{
	if (!mr->tab) {
		mr->tab = talloc_zero(mr, struct map_tables);
		OSMO_ASSERT(mr->tab);
		hash_init(mr->tab->corr_hash);
		hash_init(mr->tab->txn_in_hash);
		hash_init(mr->tab->txn_out_hash);
	}
	sccp_relay_set_local_cb(mr->sccp, map_router_sccp_rx, mr);
	sccp_relay_set_local_ssn(mr->sccp, MAP_SSN_HLR, true);
	sccp_relay_set_local_ssn(mr->sccp, MAP_SSN_MSC, true);
}

void map_router_free(struct map_router *mr)
{
	talloc_free(mr);
}

struct map_router_cfg *map_router_cfg(struct map_router *mr)
{
	return &mr->cfg;
}

struct rate_ctr_group *map_router_ctrs(struct map_router *mr)
{
	return mr->ctrs;
}

void map_router_set_cdr_hook(struct map_router *mr, void (*hook)(const struct cdr_record *r, void *priv),
			     void *priv)
{
	mr->cdr_hook = hook;
	mr->cdr_hook_priv = priv;
}

unsigned int map_router_corr_count(const struct map_router *mr)
{
	return mr->n_corr;
}

unsigned int map_router_txn_count(const struct map_router *mr)
{
	return mr->n_txn;
}

int map_router_check_rn_prefix(const char *prefix, unsigned int x_len)
{
	size_t n = strlen(prefix);

	if (n && !np700_is_digits(prefix, MAP_ISDN_MAX_DIGITS))
		return -EINVAL;
	return n + x_len <= MAP_ISDN_MAX_DIGITS ? 0 : -EINVAL;
}

const char *map_own_gt(struct map_router *mr)
{
	if (mr->cfg.local_gt[0])
		return mr->cfg.local_gt;
	return sccp_relay_own_gt(mr->sccp);
}

/* SCCP nature of address for a MAP type of number: international 4, national 3, else unknown 0 */
static uint8_t nai_of_ton(uint8_t ton)
{
	switch (ton) {
	case MAP_TON_INTERNATIONAL:
		return 4;
	case MAP_TON_NATIONAL:
		return 3;
	case MAP_TON_SUBSCRIBER:
		return 1;
	}
	return 0;
}

void map_gt_addr(struct map_router *mr, struct sccp_addr *a, const char *digits, uint8_t ton, uint8_t ssn)
{
	sccp_addr_set_gt(a, mr->cfg.gt_tt, nai_of_ton(ton), digits, ssn);
}

void map_own_addr(struct map_router *mr, struct sccp_addr *a, uint8_t ssn)
{
	map_gt_addr(mr, a, map_own_gt(mr), MAP_TON_INTERNATIONAL, ssn);
}

/*! Send \a tcap (freed here) in a UDT with the return option, so that a routing failure comes
 *  back as UDTS and ends the transaction at once instead of by timeout; what does not fit one UDT
 *  (a forwarded MT-ForwardSM with a long message and the dialogue portion) goes in XUDT segments. */
int map_send(struct map_router *mr, const struct sccp_addr *called, const struct sccp_addr *calling,
	     uint32_t fallback_pc, struct msgb *tcap)
{
	struct sccp_msg sm;
	int rc;

	sccp_msg_init_unitdata(&sm, called, calling, NULL, 0, true);
	if (sm.called.route_on_ssn && !sm.called.pc_present) {
		sm.called.pc_present = true;
		sm.called.pc = fallback_pc;
	}
	rc = sccp_relay_send_data(mr->sccp, &sm, msgb_data(tcap), msgb_length(tcap), 0);
	msgb_free(tcap);
	if (rc < 0) {
		map_ctr_inc(mr, MAP_CTR_TX_ERR);
		LOGP(DMAP, LOGL_ERROR, "cannot send to %s: %s\n", called->digits, strerror(-rc));
	}
	return rc;
}

static struct msgb *map_msgb(void)
{
	return msgb_alloc_c(OTC_GLOBAL, MAP_MSGB_SIZE, "map");
}

/* send a TCAP answer built in \a msg (freed here) back to the sender of ind */
static int reply(struct map_router *mr, const struct sccp_ind *ind, struct msgb *msg, int rc)
{
	if (rc >= 0)
		rc = sccp_relay_reply(mr->sccp, ind, NULL, msgb_data(msg), msgb_length(msg));
	msgb_free(msg);
	if (rc < 0)
		map_ctr_inc(mr, MAP_CTR_TX_ERR);
	return rc;
}

const struct tcap_oid *map_aare_of(const struct tcap_msg *m, struct tcap_oid *buf)
{
	if (m->dlg.pdu != TCAP_DLG_AARQ)
		return NULL;
	*buf = m->dlg.acn;
	return buf;
}

int map_reply_result(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		     const struct tcap_component *c, const uint8_t *param, size_t len)
{
	struct msgb *msg = map_msgb();
	struct tcap_oid acn;

	if (!msg)
		return -ENOMEM;
	return reply(mr, ind, msg, tcap_enc_end_result(msg, &m->otid, map_aare_of(m, &acn), c->invoke_id,
							c->opcode, param, len));
}

int map_reply_error(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		    const struct tcap_component *c, int version, int error, int cause)
{
	struct msgb *msg = map_msgb(), *par = map_msgb();
	struct tcap_oid acn;
	int rc;

	if (!msg || !par) {
		msgb_free(msg);
		msgb_free(par);
		return -ENOMEM;
	}
	error = map_error_for_version(error, version);
	rc = map_enc_error_param(par, error, version, cause);
	if (rc >= 0)
		rc = tcap_enc_end_error(msg, &m->otid, map_aare_of(m, &acn), c->invoke_id, error,
					rc > 0 ? msgb_data(par) : NULL, msgb_length(par));
	msgb_free(par);
	return reply(mr, ind, msg, rc);
}

int map_reply_reject(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		     int32_t invoke_id, int problem_type, int problem)
{
	struct msgb *msg = map_msgb();
	struct tcap_oid acn;

	if (!msg)
		return -ENOMEM;
	return reply(mr, ind, msg, tcap_enc_end_reject(msg, &m->otid, map_aare_of(m, &acn), invoke_id,
							problem_type, problem));
}

/* --- relayed dialogues */

static void txn_timer_cb(void *data)
{
	struct map_txn *t = data;

	if (t->kind == MAP_TXN_OPEN) {
		LOGP(DMAP, LOGL_NOTICE, "dialogue %u: no request after the dialogue was accepted, aborted\n",
		     t->tid_in);
		map_txn_abort_in(t);
		map_txn_free(t);
		return;
	}
	if (t->state == MAP_TXN_WAIT_NEXT) {
		/* the sender announced more messages and did not send them: close both sides */
		LOGP(DMAP, LOGL_NOTICE, "SMS dialogue %u: no further message from the sender, closed\n", t->tid_in);
		map_txn_abort_in(t);
		map_txn_abort_out(t);
		map_txn_free(t);
		return;
	}
	sms_out_failed(t, "timeout", MAP_ERR_SYSTEM_FAILURE);
}

static bool tid_in_use(struct map_router *mr, uint32_t tid)
{
	bool out;

	return tid == 0 || map_txn_find(mr, tid, &out) != NULL;
}

static uint32_t alloc_tid(struct map_router *mr)
{
	uint32_t tid;

	do {
		tid = mr->next_tid++;
	} while (tid_in_use(mr, tid));
	return tid;
}

struct map_txn *map_txn_alloc(struct map_router *mr, enum map_txn_kind kind, const struct sccp_ind *ind,
			      const struct tcap_msg *m, const struct tcap_component *c, int ac, int version)
{
	struct map_txn *t = talloc_zero(mr, struct map_txn);

	if (!t)
		return NULL;
	t->mr = mr;
	t->kind = kind;
	/* a request in a Continue is for the dialogue np700 accepted with that tid (open_dialogue()) */
	t->tid_in = m->type == TCAP_CONTINUE ? tcap_tid_get(&m->dtid) : alloc_tid(mr);
	t->peer_tid_in = m->otid;
	t->peer_in = ind->msg->calling;
	t->own_in = ind->msg->called;
	t->opc_in = ind->opc;
	t->aarq_in = m->dlg.pdu == TCAP_DLG_AARQ;
	t->in_answered = m->type == TCAP_CONTINUE;	/* the dialogue was accepted already */
	t->ac_in = ac;
	t->version_in = version;
	t->invoke_id_in = c ? c->invoke_id : 0;
	t->opcode_in = c ? c->opcode : -1;
	osmo_timer_setup(&t->timer, txn_timer_cb, t);
	hash_add(mr->tab->txn_in_hash, &t->node_in, t->tid_in);
	llist_add_tail(&t->list, &mr->txns);
	mr->n_txn++;
	return t;
}

void map_txn_free(struct map_txn *t)
{
	struct map_router *mr = t->mr;

	osmo_timer_del(&t->timer);
	hash_del(&t->node_in);
	if (t->tid_out)
		hash_del(&t->node_out);
	llist_del(&t->list);
	if (t->corr)
		sms_corr_put(t->corr);
	mr->n_txn--;
	talloc_free(t);
}

struct map_txn *map_txn_find(struct map_router *mr, uint32_t tid, bool *out_side)
{
	struct map_txn *t;

	hash_for_each_possible(mr->tab->txn_out_hash, t, node_out, tid) {
		if (t->tid_out == tid) {
			*out_side = true;
			return t;
		}
	}
	hash_for_each_possible(mr->tab->txn_in_hash, t, node_in, tid) {
		if (t->tid_in == tid) {
			*out_side = false;
			return t;
		}
	}
	return NULL;
}

/*! A new outgoing dialogue (HLR done, now the MSC): a fresh tid, so a late message of the old
 *  dialogue cannot be taken for the new one. */
void map_txn_new_out(struct map_txn *t)
{
	if (t->tid_out)
		hash_del(&t->node_out);
	t->tid_out = alloc_tid(t->mr);
	t->peer_tid_out.len = 0;
	hash_add(t->mr->tab->txn_out_hash, &t->node_out, t->tid_out);
}

void map_txn_timer(struct map_txn *t, unsigned int seconds)
{
	osmo_timer_schedule(&t->timer, seconds, 0);
}

int map_txn_send_invoke(struct map_txn *t, bool begin, int ac, int version, int32_t opcode,
			const uint8_t *param, size_t len)
{
	struct map_router *mr = t->mr;
	struct msgb *msg = map_msgb();
	struct sccp_addr own;
	struct tcap_tid otid, dtid;
	struct tcap_oid acn;
	int rc;

	if (!msg)
		return -ENOMEM;
	if (param != t->param_out) {
		talloc_free(t->param_out);
		t->param_out = talloc_memdup(t, param, len);
		t->param_out_len = len;
	}
	t->ac_out = ac;
	t->version_out = version;
	t->opcode_out = opcode;
	tcap_tid_set(&otid, t->tid_out);
	if (begin) {
		/* MAP v1 dialogues have no dialogue portion */
		if (version >= 2)
			map_acn(&acn, ac, version);
		rc = tcap_enc_begin_invoke(msg, &otid, version >= 2 ? &acn : NULL, MAP_INVOKE_ID, opcode,
					   t->param_out, t->param_out_len);
	} else {
		dtid = t->peer_tid_out;
		rc = tcap_enc_continue_invoke(msg, &otid, &dtid, MAP_INVOKE_ID, opcode, t->param_out,
					      t->param_out_len);
	}
	if (rc < 0) {
		msgb_free(msg);
		map_ctr_inc(mr, MAP_CTR_TX_ERR);
		return rc;
	}
	map_own_addr(mr, &own, MAP_SSN_MSC);
	map_txn_timer(t, t->state == MAP_TXN_WAIT_FWD ? mr->cfg.fwd_timeout_s : mr->cfg.peer_timeout_s);
	return map_send(mr, &t->peer_out, &own, 0, msg);
}

static const struct tcap_oid *txn_aare(struct map_txn *t, struct tcap_oid *buf)
{
	if (!t->aarq_in || t->in_answered)
		return NULL;
	map_acn(buf, t->ac_in, t->version_in);
	return buf;
}

static int txn_send_in(struct map_txn *t, struct msgb *msg)
{
	t->in_answered = true;
	return map_send(t->mr, &t->peer_in, &t->own_in, t->opc_in, msg);
}

int map_txn_answer_result(struct map_txn *t, bool last, const uint8_t *param, size_t len)
{
	struct msgb *msg = map_msgb();
	struct tcap_tid otid;
	struct tcap_oid acn;
	int rc;

	if (!msg)
		return -ENOMEM;
	tcap_tid_set(&otid, t->tid_in);
	if (last)
		rc = tcap_enc_end_result(msg, &t->peer_tid_in, txn_aare(t, &acn), t->invoke_id_in, t->opcode_in,
					 param, len);
	else
		rc = tcap_enc_continue_result(msg, &otid, &t->peer_tid_in, txn_aare(t, &acn), t->invoke_id_in,
					      t->opcode_in, param, len);
	if (rc < 0) {
		msgb_free(msg);
		map_ctr_inc(t->mr, MAP_CTR_TX_ERR);
		return rc;
	}
	return txn_send_in(t, msg);
}

/*! End the incoming dialogue with MAP error \a error: with \a param as received from a peer, or
 *  (param NULL) the error's parameter for the sender's version with \a cause. */
int map_txn_answer_error(struct map_txn *t, int error, const uint8_t *param, size_t len, int cause)
{
	struct msgb *msg = map_msgb(), *par = map_msgb();
	struct tcap_oid acn;
	int rc = 0;

	if (!msg || !par) {
		msgb_free(msg);
		msgb_free(par);
		return -ENOMEM;
	}
	error = map_error_for_version(error, t->version_in);
	if (!param) {
		rc = map_enc_error_param(par, error, t->version_in, cause);
		if (rc > 0) {
			param = msgb_data(par);
			len = msgb_length(par);
		}
	}
	if (rc >= 0)
		rc = tcap_enc_end_error(msg, &t->peer_tid_in, txn_aare(t, &acn), t->invoke_id_in, error, param, len);
	msgb_free(par);
	if (rc < 0) {
		msgb_free(msg);
		map_ctr_inc(t->mr, MAP_CTR_TX_ERR);
		return rc;
	}
	return txn_send_in(t, msg);
}

/* MAP-U-ABORT of the dialogue \a peer_tid (forgotten afterwards) of a peer at \a called */
static void u_abort(struct map_router *mr, struct tcap_tid *peer_tid, int version, const struct sccp_addr *called,
		    const struct sccp_addr *calling, uint32_t fallback_pc)
{
	struct msgb *msg = map_msgb();

	if (!msg)
		return;
	if (tcap_enc_abort_user(msg, peer_tid, version >= 2, map_user_abort_info, MAP_USER_ABORT_INFO_LEN) < 0) {
		msgb_free(msg);
		return;
	}
	map_send(mr, called, calling, fallback_pc, msg);
	peer_tid->len = 0;
}

/*! Abort np700's outgoing dialogue if the peer has answered with a Continue (it holds state). */
void map_txn_abort_out(struct map_txn *t)
{
	struct sccp_addr own;

	if (!t->tid_out || !t->peer_tid_out.len)
		return;
	map_own_addr(t->mr, &own, MAP_SSN_MSC);
	u_abort(t->mr, &t->peer_tid_out, t->version_out, &t->peer_out, &own, 0);
}

/*! U-Abort the sender's dialogue that np700 keeps open with a Continue (more messages to send). */
void map_txn_abort_in(struct map_txn *t)
{
	if (!t->in_answered || !t->peer_tid_in.len)
		return;
	u_abort(t->mr, &t->peer_tid_in, t->version_in, &t->peer_in, &t->own_in, t->opc_in);
}

void map_record(struct map_router *mr, struct cdr_record *r)
{
	if (mr->g && mr->g->cdr)
		cdr_write(mr->g->cdr, r, map_now());
	if (mr->cdr_hook)
		mr->cdr_hook(r, mr->cdr_hook_priv);
}

void map_txn_record(struct map_txn *t, enum cdr_outcome out, const char *reason, int cause)
{
	t->rec.t_release = map_now_us();
	if (out == CDR_OUT_ANSWERED)
		t->rec.t_answer = t->rec.t_release;
	t->rec.outcome = out;
	t->rec.reason = reason;
	t->rec.cause = cause;
	t->rec.released_by = out == CDR_OUT_ANSWERED ? CDR_REL_CALLEE : CDR_REL_NP700;
	map_record(t->mr, &t->rec);
}

/* --- TCAP dispatch */

/* The request \a c of a dialogue in context \a ac / \a version: in the Begin, or in the Continue
 * that followed a Begin with only the dialogue request (then m is that Continue: answers go to its
 * otid, without AARE, which np700 sent already). \a c NULL: there was no invoke. */
static void rx_request(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		       const struct tcap_component *c, int ac, int version)
{
	struct map_fwd_sm f;
	int problem;

	if (c && !c->op_global && c->opcode == MAP_OP_REPORT_SM_DELIVERY_STATUS &&
	    (ac == MAP_AC_SHORT_MSG_GATEWAY || ac == 0)) {
		/* after a failed delivery the SMSC reports to the "HLR" of X, which is np700: nothing to
		 * keep (np700 sends no alertServiceCentre; the SMSC retries on its own schedule), but
		 * acknowledged, so that the SMSC does not see a Reject; the result is optional */
		map_ctr_inc(mr, MAP_CTR_REPORT_SM);
		LOGP(DMAP, LOGL_INFO, "reportSM-DeliveryStatus v%d from %s: acknowledged\n", version,
		     ind->msg->calling.digits);
		map_reply_result(mr, ind, m, c, NULL, 0);
		return;
	}
	if (!c) {
		/* nothing np700 could serve */
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		map_reply_reject(mr, ind, m, TCAP_INVOKE_ID_NONE, TCAP_PROBLEM_GENERAL, TCAP_GP_UNRECOGNIZED_COMPONENT);
		return;
	}
	if (map_check_invoke(c, ac, version, &problem) < 0) {
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: opcode %d in %s v%d refused\n", ind->opc, c->opcode,
		     get_value_string(map_ac_names, ac), version);
		map_reply_reject(mr, ind, m, c->invoke_id, TCAP_PROBLEM_INVOKE, problem);
		return;
	}

	switch (c->opcode) {
	case MAP_OP_SEND_ROUTING_INFO:
		map_sri_rx(mr, ind, m, c, version);
		return;
	case MAP_OP_SEND_ROUTING_INFO_FOR_SM:
		map_sri_sm_rx(mr, ind, m, c, version);
		return;
	}

	/* forwardSM of some kind */
	if (map_dec_fwd_sm(&f, c->param, c->param_len) < 0) {
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: malformed forwardSM argument\n", ind->opc);
		map_reply_reject(mr, ind, m, c->invoke_id, TCAP_PROBLEM_INVOKE, TCAP_IP_MISTYPED_PARAMETER);
		return;
	}
	if (c->opcode == MAP_OP_MT_FORWARD_SM || ac == MAP_AC_SHORT_MSG_MT_RELAY ||
	    ((ac == 0 || version == 1) && (f.da_type == MAP_SM_RP_DA_IMSI || f.da_type == MAP_SM_RP_DA_LMSI)))
		sms_mt_rx(mr, ind, m, c, ac, version, &f);
	else
		sms_mo_rx(mr, ind, m, c, ac, version, &f);
}

/* A Begin with a dialogue request and no component: the initiator sends its request in the next
 * message when the two do not fit one (TS 29.002: MAP-OPEN with the delimiter alone, the service
 * request in a Continue). np700 accepts the dialogue with a Continue carrying the AARE and waits. */
static void open_dialogue(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m, int ac,
			  int version)
{
	struct map_txn *t = map_txn_alloc(mr, MAP_TXN_OPEN, ind, m, NULL, ac, version);
	struct msgb *msg = map_msgb();
	struct tcap_tid otid;
	struct tcap_oid acn;

	if (!t || !msg) {
		if (t)
			map_txn_free(t);
		msgb_free(msg);
		return;
	}
	LOGP(DMAP, LOGL_INFO, "dialogue %u: %s v%d opened without a request, accepted\n", t->tid_in,
	     get_value_string(map_ac_names, ac), version);
	tcap_tid_set(&otid, t->tid_in);
	map_acn(&acn, ac, version);
	if (tcap_enc_continue_aare(msg, &otid, &m->otid, &acn) < 0) {
		msgb_free(msg);
		map_txn_free(t);
		return;
	}
	txn_send_in(t, msg);
	map_txn_timer(t, mr->cfg.peer_timeout_s);
}

/* The initiator's Continue on a dialogue np700 accepted without a request: the request itself.
 * The waiting entry goes; its tid stays the dialogue's (map_txn_alloc() takes it from the dtid). */
static void rx_open_continue(struct map_txn *t, const struct sccp_ind *ind, const struct tcap_msg *m)
{
	struct map_router *mr = t->mr;
	int ac = t->ac_in, version = t->version_in;

	map_txn_free(t);
	rx_request(mr, ind, m, tcap_first_comp(m, TCAP_COMP_INVOKE), ac, version);
}

/* Whether \a acn names an application context np700 serves; its number and version into \a ac and
 * \a version. */
static bool acn_served(const struct tcap_oid *acn, int *ac, int *version)
{
	return map_acn_parse(acn, ac, version) == 0 && get_value_string_or_null(map_ac_names, *ac);
}

static void rx_begin(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m)
{
	const struct tcap_component *c;
	int ac = 0, version = 1;

	if (m->dlg.pdu == TCAP_DLG_AARQ && !acn_served(&m->dlg.acn, &ac, &version)) {
		struct msgb *msg = map_msgb();

		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: Begin with an application context np700 does not serve\n", ind->opc);
		/* TS 29.002 §12.1.3: the dialogue is refused, AARE application-context-name-not-supported
		 * (there is no other version of a context np700 does not know to offer) */
		if (msg)
			reply(mr, ind, msg, tcap_enc_abort_acn_not_supported(msg, &m->otid, &m->dlg.acn));
		return;
	}
	c = tcap_first_comp(m, TCAP_COMP_INVOKE);
	if (!c && !m->num_comp && m->dlg.pdu == TCAP_DLG_AARQ) {
		open_dialogue(mr, ind, m, ac, version);
		return;
	}
	rx_request(mr, ind, m, c, ac, version);
}

/* A Continue from the sender of a relayed forwardSM: the next message of "more messages to send" */
static void rx_in_continue(struct map_txn *t, const struct tcap_msg *m)
{
	const struct tcap_component *c = tcap_first_comp(m, TCAP_COMP_INVOKE);
	struct map_fwd_sm f;

	if (t->state != MAP_TXN_WAIT_NEXT || !c || c->op_global || c->opcode != t->opcode_in || !c->param ||
	    map_dec_fwd_sm(&f, c->param, c->param_len) < 0) {
		map_ctr_inc(t->mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "SMS dialogue %u: unexpected Continue from the sender, aborted\n", t->tid_in);
		map_txn_abort_in(t);
		map_txn_abort_out(t);
		map_txn_free(t);
		return;
	}
	t->peer_tid_in = m->otid;
	t->invoke_id_in = c->invoke_id;
	sms_mt_next(t, m, c, &f);
}

/* The sender's dialogue is over (it ended or aborted, or np700 answered its last message): the
 * relay ends, a record says \a why unless none was due (no request yet, or between two messages),
 * and the HLR/MSC side is U-Aborted if open. */
static void in_dialogue_over(struct map_txn *t, const char *why)
{
	t->peer_tid_in.len = 0;
	if (t->kind != MAP_TXN_OPEN && t->state != MAP_TXN_WAIT_NEXT)
		map_txn_record(t, CDR_OUT_FAILED, why, -1);
	map_txn_abort_out(t);
	map_txn_free(t);
}

static void rx_dialogue(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m)
{
	struct map_txn *t;
	bool out;

	t = m->dtid.len ? map_txn_find(mr, tcap_tid_get(&m->dtid), &out) : NULL;
	if (!t) {
		struct msgb *msg;

		map_ctr_inc(mr, MAP_CTR_RX_UNKNOWN_DLG);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: %s for unknown dialogue %u\n", ind->opc,
		     get_value_string(tcap_msg_type_names, m->type), m->dtid.len ? tcap_tid_get(&m->dtid) : 0);
		/* only a Continue leaves a peer waiting: tell it the transaction is gone */
		if (m->type == TCAP_CONTINUE && m->otid.len && (msg = map_msgb()))
			reply(mr, ind, msg, tcap_enc_pabort(msg, &m->otid, TCAP_PABORT_UNRECOGNIZED_TID));
		return;
	}
	if (out) {
		if (m->type == TCAP_CONTINUE && m->otid.len)
			t->peer_tid_out = m->otid;
		sms_out_rx(t, m);
		return;
	}
	if (t->kind == MAP_TXN_OPEN) {
		if (m->type == TCAP_CONTINUE) {
			rx_open_continue(t, ind, m);
			return;
		}
		LOGP(DMAP, LOGL_INFO, "dialogue %u: %s before any request\n", t->tid_in,
		     get_value_string(tcap_msg_type_names, m->type));
		in_dialogue_over(t, NULL);
		return;
	}
	switch (m->type) {
	case TCAP_CONTINUE:
		rx_in_continue(t, m);
		return;
	default:
		/* the sender ended or aborted: nothing to answer any more */
		LOGP(DMAP, LOGL_INFO, "SMS dialogue %u: %s from the sender\n", t->tid_in,
		     get_value_string(tcap_msg_type_names, m->type));
		in_dialogue_over(t, "sender aborted");
	}
}

/* An undecodable Continue, End or Abort named one of np700's dialogues: the peer was answered (or
 * needs no answer), and that dialogue is over. On the sender's side the relay ends with it; on the
 * HLR's or MSC's side the sender gets a system failure now rather than at the timeout. */
static void rx_undecodable(struct map_router *mr, const struct tcap_msg *m)
{
	struct map_txn *t;
	bool out;

	if (m->type == TCAP_BEGIN || !m->dtid.len || !(t = map_txn_find(mr, tcap_tid_get(&m->dtid), &out)))
		return;
	LOGP(DMAP, LOGL_NOTICE, "dialogue %u: undecodable %s from the %s, that dialogue is over\n", t->tid_in,
	     get_value_string(tcap_msg_type_names, m->type), out ? "peer" : "sender");
	if (out)
		sms_out_gone(t, "undecodable answer");
	else
		in_dialogue_over(t, "undecodable message from the sender");
}

/* One of np700's own messages came back as UDTS/XUDTS: the peer is unreachable. */
static void rx_returned(struct map_router *mr, const struct sccp_ind *ind)
{
	struct tcap_msg m;
	struct map_txn *t;
	bool out;

	if (tcap_decode(&m, ind->data, ind->data_len) < 0 || m.type != TCAP_BEGIN || !m.otid.len)
		return;
	t = map_txn_find(mr, tcap_tid_get(&m.otid), &out);
	if (!t || !out)
		return;
	LOGP(DMAP, LOGL_NOTICE, "SMS dialogue %u: returned by SCCP (cause %s)\n", t->tid_in,
	     get_value_string(sccp_return_cause_names, ind->msg->cause));
	sms_out_failed(t, "unreachable", MAP_ERR_SYSTEM_FAILURE);
}

/* The AARE for the first answer to a Begin whose dialogue request names a context np700 serves
 * (Q.774: a dialogue portion in the Begin is answered with one), also when the answer is a Reject
 * for a component that did not decode; NULL for anything else. */
static const struct tcap_oid *begin_aare(const struct tcap_msg *m, struct tcap_oid *buf)
{
	int ac, version;

	if (m->type != TCAP_BEGIN || !acn_served(&m->dlg.acn, &ac, &version))
		return NULL;
	return map_aare_of(m, buf);
}

int map_router_sccp_rx(struct sccp_relay *r, const struct sccp_ind *ind, void *priv)
{
	struct map_router *mr = priv;
	struct tcap_oid acn;
	struct tcap_msg m;
	struct msgb *msg;
	int rc;

	if (sccp_msgt_service(ind->msg->type)) {
		rx_returned(mr, ind);
		return 0;
	}
	rc = tcap_decode(&m, ind->data, ind->data_len);
	if (rc < 0) {
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: undecodable TCAP (%d): %s\n", ind->opc, rc,
		     osmo_hexdump_nospc(ind->data, ind->data_len > 64 ? 64 : ind->data_len));
		/* answer what the decoder says, if the sender can be told: it waits in a Begin or
		 * Continue, or in a message of an unknown type that names its otid (Q.774 §3.2.2.2) */
		if ((m.type == TCAP_BEGIN || m.type == TCAP_CONTINUE ||
		     m.err_pabort == TCAP_PABORT_UNRECOGNIZED_MSG_TYPE) && m.otid.len && (msg = map_msgb())) {
			if (m.err_pabort >= 0 || m.err_problem_type < 0)
				reply(mr, ind, msg, tcap_enc_pabort(msg, &m.otid, m.err_pabort >= 0 ? m.err_pabort :
								    TCAP_PABORT_BADLY_FORMATTED_TX));
			else
				reply(mr, ind, msg, tcap_enc_end_reject(msg, &m.otid, begin_aare(&m, &acn),
									m.err_invoke_id, m.err_problem_type,
									m.err_problem));
		}
		rx_undecodable(mr, &m);
		return 0;
	}
	switch (m.type) {
	case TCAP_BEGIN:
		rx_begin(mr, ind, &m);
		break;
	case TCAP_CONTINUE:
	case TCAP_END:
	case TCAP_ABORT:
		rx_dialogue(mr, ind, &m);
		break;
	default:
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: %s not handled\n", ind->opc,
		     get_value_string(tcap_msg_type_names, m.type));
	}
	return 0;
}
