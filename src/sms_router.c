/* SMS router, MT path: the MT-ForwardSM for a correlation IMSI -> decision (X, sender from
 * TP-OA) -> SendRoutingInfoForSM for the real recipient to its HLR -> MT-ForwardSM to the serving
 * MSC with SM-RP-DA = the real IMSI and TP-OA = the number to show -> the result or a mapped
 * error back to the SMSC. Also the answers of np700's outgoing dialogues (MT and MO). */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>

#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/sms_tpdu.h>

#include "map_internal.h"

static struct msgb *sms_msgb(void)
{
	return msgb_alloc_c(OTC_GLOBAL, 512, "sms");
}

int sms_reject_error(struct map_router *mr, enum np700_reject reason, bool mo)
{
	int err = reason < _NP700_REJ_NUM ? mr->cfg.reject_err[reason] : MAP_ERR_SYSTEM_FAILURE;

	/* mo-forwardSM / forwardSM towards an SMSC: systemFailure, unexpectedDataValue,
	 * facilityNotSupported, sm-DeliveryFailure only */
	if (mo && err != MAP_ERR_SYSTEM_FAILURE && err != MAP_ERR_UNEXPECTED_DATA_VALUE &&
	    err != MAP_ERR_FACILITY_NOT_SUPPORTED && err != MAP_ERR_SM_DELIVERY_FAILURE)
		err = MAP_ERR_SM_DELIVERY_FAILURE;
	return err;
}

/*! The form in which \a num (a protected number or canonical E.164) is shown in an SMS address:
 *  a protected number national (DESIGN §3), a real number international. */
int sms_show_addr(struct map_router *mr, const char *num, char *out, size_t out_len, uint8_t *ton)
{
	if (np700_protected_normalise(&mr->g->plan, num, NP700_NAT_UNKNOWN, out, out_len) == 1) {
		*ton = SMS_TON_NATIONAL;
		return 0;
	}
	if (!np700_is_digits(num, 20))
		return -EINVAL;
	osmo_strlcpy(out, num, out_len);
	*ton = SMS_TON_INTERNATIONAL;
	return 0;
}

void sms_txn_fail(struct map_txn *t, int error, enum cdr_outcome out, const char *reason, int cause)
{
	if (error)
		map_txn_answer_error(t, error, NULL, 0, -1);
	map_txn_record(t, out, reason, cause);
	map_txn_abort_out(t);
	map_txn_free(t);
}

/* HLR error for the recipient -> the error the SMSC gets (mt-forwardSM knows no unknownSubscriber;
 * a v1 HLR's absentSubscriber is absentSubscriberSM, which the answer turns back for a v1 SMSC) */
static int hlr_err_to_mt(int err)
{
	switch (err) {
	case MAP_ERR_UNKNOWN_SUBSCRIBER:
		return MAP_ERR_UNIDENTIFIED_SUBSCRIBER;
	case MAP_ERR_ABSENT_SUBSCRIBER:
		return MAP_ERR_ABSENT_SUBSCRIBER_SM;
	case MAP_ERR_ABSENT_SUBSCRIBER_SM:
	case MAP_ERR_FACILITY_NOT_SUPPORTED:
	case MAP_ERR_SUBSCRIBER_BUSY_FOR_MT_SMS:
	case MAP_ERR_SM_DELIVERY_FAILURE:
		return err;
	case MAP_ERR_CALL_BARRED:
	case MAP_ERR_TELESERVICE_NOT_PROVISIONED:
		return MAP_ERR_ILLEGAL_SUBSCRIBER;
	}
	return MAP_ERR_SYSTEM_FAILURE;
}

int sms_forward(struct map_txn *t, const char *da_imsi)
{
	struct msgb *par = sms_msgb();
	bool begin = !t->peer_tid_out.len;
	int ac, opcode, rc;

	if (!par)
		return -ENOMEM;
	rc = map_fwd_sm_rewrite(par, t->param_in, t->param_in_len, da_imsi, t->ui_new, t->ui_new_len);
	if (rc < 0) {
		msgb_free(par);
		return rc;
	}
	if (begin)
		map_txn_new_out(t);
	if (t->kind == MAP_TXN_MT) {
		ac = t->version_in == 1 ? MAP_AC_SHORT_MSG_MO_RELAY : MAP_AC_SHORT_MSG_MT_RELAY;
		opcode = t->version_in >= 3 ? MAP_OP_MT_FORWARD_SM : MAP_OP_FORWARD_SM;
	} else {
		ac = MAP_AC_SHORT_MSG_MO_RELAY;
		opcode = MAP_OP_MO_FORWARD_SM;
	}
	/* a dialogue already downgraded by the MSC stays at its version */
	if (!begin && t->version_out < t->version_in && t->version_out == 2) {
		struct msgb *v2 = sms_msgb();

		if (v2 && map_fwd_sm_downgrade(v2, msgb_data(par), msgb_length(par)) == 0) {
			msgb_free(par);
			par = v2;
			opcode = MAP_OP_FORWARD_SM;
		} else {
			msgb_free(v2);
		}
	}
	t->state = MAP_TXN_WAIT_FWD;
	rc = map_txn_send_invoke(t, begin, ac, begin ? t->version_in : t->version_out, opcode, msgb_data(par),
				 msgb_length(par));
	msgb_free(par);
	return rc;
}

/* Ask the recipient's HLR where it is. */
static int ask_hlr(struct map_txn *t)
{
	struct map_router *mr = t->mr;
	struct msgb *par = sms_msgb();
	const char *sca = t->sca[0] ? t->sca : map_own_gt(mr);
	int rc;

	if (!par)
		return -ENOMEM;
	rc = map_enc_sri_sm(par, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, t->d.connect_to, true,
			    t->sca[0] ? t->sca_ton : MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, sca);
	if (rc < 0) {
		msgb_free(par);
		return rc;
	}
	map_txn_new_out(t);
	map_gt_addr(mr, &t->peer_out, t->d.connect_to, MAP_TON_INTERNATIONAL, MAP_SSN_HLR);
	t->state = MAP_TXN_WAIT_HLR;
	rc = map_txn_send_invoke(t, true, MAP_AC_SHORT_MSG_GATEWAY, 3, MAP_OP_SEND_ROUTING_INFO_FOR_SM,
				 msgb_data(par), msgb_length(par));
	msgb_free(par);
	return rc;
}

/* One MT part (first message, or the next one of "more messages to send"). */
static void mt_part(struct map_txn *t, const uint8_t *param, size_t param_len, const struct map_fwd_sm *f)
{
	struct map_router *mr = t->mr;
	struct sms_corr *corr = t->corr;
	char show[NP700_NUM_MAXLEN + 1];
	struct np700_decision d;
	struct sms_tpdu tp;
	uint8_t ui[SMS_TPDU_MAX_LEN];
	uint8_t ton;
	time_t now = map_now();
	int rc, err;

	memset(&t->rec, 0, sizeof(t->rec));
	t->rec.kind = CDR_KIND_SMS;
	t->rec.t_seize = map_now_us();
	t->rec.cause = -1;
	t->rec.in.valid = true;
	t->rec.in.opc = t->opc_in;
	t->rec.in.dpc = sccp_relay_own_pc(mr->sccp);
	OSMO_STRLCPY_ARRAY(t->rec.x, corr->x);
	t->more_msgs = f->more_msgs;
	sms_corr_touch(corr);

	talloc_free(t->param_in);
	t->param_in = talloc_memdup(t, param, param_len);
	t->param_in_len = param_len;

	/* an SMS-STATUS-REPORT comes to X when the SMSC took X for the sender (sms_mo.c shows X to B):
	 * its TP-RA, the recipient B, takes the place of the sender, and A gets it about X */
	if (sms_tpdu_decode(&tp, f->ui, f->ui_len, false) < 0) {
		LOGP(DMAP, LOGL_NOTICE, "MT-FSM IMSI=%s X=%s: undecodable SMS-DELIVER / STATUS-REPORT\n",
		     corr->imsi_str, corr->x);
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		sms_txn_fail(t, MAP_ERR_UNEXPECTED_DATA_VALUE, CDR_OUT_FAILED, "bad TPDU",
			     MAP_ERR_UNEXPECTED_DATA_VALUE);
		return;
	}
	/* the sender (TP-OA, or TP-RA) in canonical E.164; an alphanumeric one cannot be a binding's party */
	if (tp.addr.alpha || np700_real_normalise(&mr->g->plan, tp.addr.digits, map_nature_from_ton(tp.addr.ton),
						  t->sender, sizeof(t->sender)) < 0) {
		memset(&d, 0, sizeof(d));
		d.reject = NP700_REJ_CALLER_NOT_ALLOWED;
		OSMO_STRLCPY_ARRAY(t->rec.caller, tp.addr.digits);
	} else {
		OSMO_STRLCPY_ARRAY(t->rec.caller, t->sender);
		if (!mr->g->store) {
			memset(&d, 0, sizeof(d));
			d.reject = NP700_REJ_STORE_ERROR;
		} else {
			/* X as map_sri.c normalised it when it made the correlation */
			np700_decide_ex(mr->g->store, corr->x, t->sender, NP700_SERVICE_SMS, now, NP700_DECIDE_IS_X, &d);
		}
	}
	t->d = d;
	t->rec.customer_id = d.customer_id;
	t->rec.binding_id = d.binding_id;
	OSMO_STRLCPY_ARRAY(t->rec.order_id, d.order_id);
	if (d.reject != NP700_REJ_NONE) {
		err = sms_reject_error(mr, d.reject, false);
		map_ctr_inc(mr, MAP_CTR_MT_REJECTED);
		LOGP(DMAP, LOGL_INFO, "MT-FSM IMSI=%s X=%s from %s: rejected (%s) -> %s\n", corr->imsi_str, corr->x,
		     tp.addr.digits, np700_reject_name(d.reject), get_value_string(map_error_names, err));
		sms_txn_fail(t, err, CDR_OUT_REJECTED, np700_reject_name(d.reject), err);
		return;
	}
	OSMO_STRLCPY_ARRAY(t->rec.callee, d.connect_to);
	OSMO_STRLCPY_ARRAY(t->rec.shown_callee, d.show_callee);
	OSMO_STRLCPY_ARRAY(t->rec.shown_caller, d.show_caller);
	/* a concatenated SMS counts once against the binding's limits, a status report not at all */
	t->concat_first = tp.mti == SMS_MTI_DELIVER && (!tp.concat || tp.concat_seq <= 1);
	if (t->concat_first)
		np700_decision_note_call(mr->g->store, &d, t->sender, now);

	/* TP-OA / TP-RA = the number to show (on the stack: the TPDU is kept in the transaction anyway) */
	rc = sms_show_addr(mr, d.show_callee, show, sizeof(show), &ton) == 0 ?
		sms_tpdu_rewrite_addr_buf(ui, sizeof(ui), f->ui, f->ui_len, false, ton, SMS_NPI_ISDN, show) : -EINVAL;
	if (rc < 0) {
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "rewrite failed", MAP_ERR_SYSTEM_FAILURE);
		return;
	}
	talloc_free(t->ui_new);
	t->ui_new = talloc_memdup(t, ui, rc);
	t->ui_new_len = rc;

	LOGP(DMAP, LOGL_INFO, "MT-FSM IMSI=%s X=%s %s %s to %s shown %s%s%s\n", corr->imsi_str, corr->x,
	     tp.mti == SMS_MTI_STATUS_REPORT ? "status report about" : "from", t->sender, d.connect_to, show,
	     t->more_msgs ? " (more)" : "", tp.concat ? " (concatenated)" : "");

	/* the recipient resolved by an earlier part of the same sender is still good */
	if (corr->real_imsi[0] && !strcmp(corr->recipient, d.connect_to) && !strcmp(corr->sender, t->sender)) {
		if (!t->peer_tid_out.len)
			map_gt_addr(mr, &t->peer_out, corr->msc_gt, corr->msc_ton, MAP_SSN_MSC);
		rc = sms_forward(t, corr->real_imsi);
	} else if (t->peer_tid_out.len) {
		/* the MSC dialogue is for another recipient: this part cannot go there */
		rc = -EINVAL;
	} else {
		rc = ask_hlr(t);
	}
	if (rc < 0)
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "send failed", MAP_ERR_SYSTEM_FAILURE);
}

void sms_mt_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
	       const struct tcap_component *c, int ac, int version, const struct map_fwd_sm *f)
{
	struct sms_corr *corr;
	struct map_txn *t;

	map_ctr_inc(mr, MAP_CTR_MT);
	corr = f->da_type == MAP_SM_RP_DA_IMSI ? sms_corr_find(mr, f->da_imsi) : NULL;
	if (!corr) {
		struct cdr_record rec = {
			.kind = CDR_KIND_SMS, .outcome = CDR_OUT_FAILED, .reason = "unknown correlation",
			.cause = MAP_ERR_UNIDENTIFIED_SUBSCRIBER, .released_by = CDR_REL_NP700,
			.in = { .valid = true, .opc = ind->opc, .dpc = ind->dpc },
		};

		rec.t_seize = rec.t_release = map_now_us();
		map_ctr_inc(mr, MAP_CTR_MT_UNKNOWN_CORR);
		LOGP(DMAP, LOGL_INFO, "MT-FSM IMSI=%s: no correlation -> unidentifiedSubscriber\n",
		     f->da_type == MAP_SM_RP_DA_IMSI ? f->da_imsi : "-");
		map_reply_error(mr, ind, m, c, version, MAP_ERR_UNIDENTIFIED_SUBSCRIBER, -1);
		map_record(mr, &rec);
		return;
	}
	t = map_txn_alloc(mr, MAP_TXN_MT, ind, m, c, ac, version);
	if (!t) {
		map_reply_error(mr, ind, m, c, version, MAP_ERR_SYSTEM_FAILURE, -1);
		return;
	}
	t->corr = corr;
	corr->in_flight++;	/* dropped by map_txn_free() */
	if (f->oa_type == MAP_SM_RP_OA_SCA) {
		OSMO_STRLCPY_ARRAY(t->sca, f->oa_addr.digits);
		t->sca_ton = f->oa_addr.ton;
	}
	mt_part(t, c->param, c->param_len, f);
}

void sms_mt_next(struct map_txn *t, const struct tcap_msg *m, const struct tcap_component *c,
		 const struct map_fwd_sm *f)
{
	map_ctr_inc(t->mr, MAP_CTR_MT);
	/* the next part of the same dialogue must be for the same correlation IMSI */
	if (t->kind == MAP_TXN_MT && (f->da_type != MAP_SM_RP_DA_IMSI || strcmp(f->da_imsi, t->corr->imsi_str))) {
		map_ctr_inc(t->mr, MAP_CTR_MT_UNKNOWN_CORR);
		/* a record of its own, not the previous part's */
		memset(&t->rec, 0, sizeof(t->rec));
		t->rec.kind = CDR_KIND_SMS;
		t->rec.t_seize = map_now_us();
		OSMO_STRLCPY_ARRAY(t->rec.x, t->corr->x);
		sms_txn_fail(t, MAP_ERR_UNIDENTIFIED_SUBSCRIBER, CDR_OUT_FAILED, "unknown correlation",
			     MAP_ERR_UNIDENTIFIED_SUBSCRIBER);
		return;
	}
	if (t->kind != MAP_TXN_MT) {
		sms_txn_fail(t, MAP_ERR_UNEXPECTED_DATA_VALUE, CDR_OUT_FAILED, "unexpected message",
			     MAP_ERR_UNEXPECTED_DATA_VALUE);
		return;
	}
	mt_part(t, c->param, c->param_len, f);
}

/* The peer refused the version np700 proposed: retry one lower. \returns 0 when retried. */
static int fallback(struct map_txn *t, const struct tcap_msg *m)
{
	struct map_router *mr = t->mr;
	int ac, version = t->version_out - 1, opcode = t->opcode_out, rc;
	struct msgb *par;

	if (m->dlg.pdu != TCAP_DLG_AARE || m->dlg.result == TCAP_RESULT_ACCEPTED ||
	    m->dlg.diag != TCAP_DIAG_USER_ACN_NOT_SUPPORTED || t->version_out < 3)
		return -1;
	if (map_acn_parse(&m->dlg.acn, &ac, &version) == 0 && version >= t->version_out)
		return -1;
	if (version < 2)
		version = 2;
	par = sms_msgb();
	if (!par)
		return -1;
	if (opcode == MAP_OP_MT_FORWARD_SM) {
		/* mt-forwardSM v3 -> forwardSM v2: the v3-only elements go */
		rc = map_fwd_sm_downgrade(par, t->param_out, t->param_out_len);
		opcode = MAP_OP_FORWARD_SM;
	} else if (opcode == MAP_OP_MO_FORWARD_SM && t->kind == MAP_TXN_MO) {
		rc = map_fwd_sm_downgrade(par, t->param_out, t->param_out_len);
	} else {
		rc = ber_put_raw(par, t->param_out, t->param_out_len);
	}
	if (rc < 0) {
		msgb_free(par);
		return -1;
	}
	map_ctr_inc(mr, MAP_CTR_MT_FALLBACK);
	LOGP(DMAP, LOGL_INFO, "SMS dialogue %u: %s refused v%d, retrying v%d\n", t->tid_in,
	     t->state == MAP_TXN_WAIT_HLR ? "HLR" : t->kind == MAP_TXN_MT ? "MSC" : "SMSC", t->version_out, version);
	map_txn_new_out(t);
	rc = map_txn_send_invoke(t, true, t->ac_out, version, opcode, msgb_data(par), msgb_length(par));
	msgb_free(par);
	return rc < 0 ? -1 : 0;
}

static void hlr_answer(struct map_txn *t, const struct tcap_msg *m, const struct tcap_component *c)
{
	struct map_router *mr = t->mr;
	struct sms_corr *corr = t->corr;
	struct map_sri_sm_res res;
	int err;

	if (m->type == TCAP_CONTINUE)
		map_txn_abort_out(t);	/* np700 needs nothing more from this dialogue */
	if (c && c->type == TCAP_COMP_RETURN_ERROR) {
		err = hlr_err_to_mt(c->error_code);
		map_ctr_inc(mr, MAP_CTR_MT_HLR_ERR);
		LOGP(DMAP, LOGL_INFO, "SRI-SM for %s: HLR error %s -> %s to the SMSC\n", t->d.connect_to,
		     get_value_string(map_error_names, c->error_code), get_value_string(map_error_names, err));
		sms_txn_fail(t, err, CDR_OUT_FAILED, "HLR error", c->error_code);
		return;
	}
	if (!c || (c->type != TCAP_COMP_RR_LAST && c->type != TCAP_COMP_RR_NOTLAST) || !c->param ||
	    map_dec_sri_sm_res(&res, c->param, c->param_len) < 0 || !res.nnn.present) {
		map_ctr_inc(mr, MAP_CTR_MT_HLR_ERR);
		LOGP(DMAP, LOGL_NOTICE, "SRI-SM for %s: unusable HLR answer\n", t->d.connect_to);
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "HLR answer unusable", MAP_ERR_SYSTEM_FAILURE);
		return;
	}
	LOGP(DMAP, LOGL_INFO, "SRI-SM for %s: IMSI %s MSC %s\n", t->d.connect_to, res.imsi, res.nnn.digits);
	OSMO_STRLCPY_ARRAY(corr->sender, t->sender);
	OSMO_STRLCPY_ARRAY(corr->recipient, t->d.connect_to);
	OSMO_STRLCPY_ARRAY(corr->real_imsi, res.imsi);
	OSMO_STRLCPY_ARRAY(corr->msc_gt, res.nnn.digits);
	corr->msc_ton = res.nnn.ton;
	t->peer_tid_out.len = 0;
	map_gt_addr(mr, &t->peer_out, res.nnn.digits, res.nnn.ton, MAP_SSN_MSC);
	if (sms_forward(t, res.imsi) < 0)
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "send failed", MAP_ERR_SYSTEM_FAILURE);
}

static void fwd_answer(struct map_txn *t, const struct tcap_msg *m, const struct tcap_component *c)
{
	struct map_router *mr = t->mr;
	bool mt = t->kind == MAP_TXN_MT;
	int err;

	if (c && c->type == TCAP_COMP_RETURN_ERROR) {
		err = c->error_code;
		map_ctr_inc(mr, mt ? MAP_CTR_MT_MSC_ERR : MAP_CTR_MO_FAILED);
		LOGP(DMAP, LOGL_INFO, "%s X=%s %s -> %s: %s error %s\n", mt ? "MT-FSM" : "MO-FSM", t->rec.x,
		     t->rec.caller, t->rec.callee, mt ? "MSC" : "SMSC", get_value_string(map_error_names, err));
		/* the parameter fits the sender's version only if both dialogues have the same */
		map_txn_answer_error(t, err, t->version_out == t->version_in ? c->param : NULL,
				     c->param ? c->param_len : 0, -1);
		sms_txn_fail(t, 0, CDR_OUT_FAILED, mt ? "MSC error" : "SMSC error", err);
		return;
	}
	if (c && c->type != TCAP_COMP_RR_LAST && c->type != TCAP_COMP_RR_NOTLAST) {
		map_ctr_inc(mr, mt ? MAP_CTR_MT_MSC_ERR : MAP_CTR_MO_FAILED);
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "rejected by peer", MAP_ERR_SYSTEM_FAILURE);
		return;
	}
	if (!c && m->type == TCAP_CONTINUE) {
		/* only the dialogue was accepted; the result is still to come */
		map_txn_timer(t, mr->cfg.fwd_timeout_s);
		return;
	}
	if (!c) {
		/* an End without result or error leaves the invoke unanswered (Q.774: the End terminates a
		 * pending invocation): not a delivery */
		map_ctr_inc(mr, mt ? MAP_CTR_MT_MSC_ERR : MAP_CTR_MO_FAILED);
		LOGP(DMAP, LOGL_NOTICE, "%s X=%s %s -> %s: %s ended the dialogue without an answer\n",
		     mt ? "MT-FSM" : "MO-FSM", t->rec.x, t->rec.caller, t->rec.callee, mt ? "MSC" : "SMSC");
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "no answer in End", MAP_ERR_SYSTEM_FAILURE);
		return;
	}
	map_ctr_inc(mr, mt ? MAP_CTR_MT_DELIVERED : MAP_CTR_MO_DELIVERED);
	LOGP(DMAP, LOGL_INFO, "%s X=%s %s -> %s: delivered\n", mt ? "MT-FSM" : "MO-FSM", t->rec.x, t->rec.caller,
	     t->rec.callee);
	if (t->more_msgs && mt) {
		/* more messages to send: keep the SMSC's dialogue open for the next part (and the MSC's,
		 * if it kept it; if it ended it, the next part opens a new one) */
		map_txn_answer_result(t, false, c && c->param ? c->param : NULL, c && c->param ? c->param_len : 0);
		map_txn_record(t, CDR_OUT_ANSWERED, NULL, -1);
		t->state = MAP_TXN_WAIT_NEXT;
		map_txn_timer(t, mr->cfg.peer_timeout_s);
		return;
	}
	map_txn_answer_result(t, true, c && c->param ? c->param : NULL, c && c->param ? c->param_len : 0);
	sms_txn_fail(t, 0, CDR_OUT_ANSWERED, NULL, -1);
}

/* The component that answers np700's invoke: the peer may put its own invokes first (an HLR's
 * informServiceCentre, TS 29.002 12.6, comes with the SRI-SM result or error in the same End);
 * np700 asked for nothing they could carry, so they are only logged. */
static const struct tcap_component *answer_comp(struct map_txn *t, const struct tcap_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->num_comp; i++) {
		const struct tcap_component *c = &m->comp[i];

		if (c->type != TCAP_COMP_INVOKE)
			return c;
		LOGP(DMAP, LOGL_INFO, "SMS dialogue %u: peer's invoke %s (%d) in its answer, not acted on\n",
		     t->tid_in, get_value_string(map_opcode_names, c->opcode), c->opcode);
	}
	return NULL;
}

void sms_out_rx(struct map_txn *t, const struct tcap_msg *m)
{
	const struct tcap_component *c = answer_comp(t, m);

	if (t->state == MAP_TXN_WAIT_NEXT) {
		/* the MSC closed the dialogue between two parts: the next part needs a new one */
		if (m->type != TCAP_CONTINUE)
			t->peer_tid_out.len = 0;
		return;
	}
	if (m->type == TCAP_ABORT) {
		if (fallback(t, m) == 0)
			return;
		sms_out_gone(t, m->p_abort_present ? "peer P-Abort" : "peer U-Abort");
		return;
	}
	if (m->type == TCAP_END)
		t->peer_tid_out.len = 0;
	if (t->state == MAP_TXN_WAIT_HLR)
		hlr_answer(t, m, c);
	else
		fwd_answer(t, m, c);
}

void sms_out_gone(struct map_txn *t, const char *why)
{
	t->peer_tid_out.len = 0;
	/* between two messages of "more messages to send" the next one opens a new dialogue */
	if (t->state != MAP_TXN_WAIT_NEXT)
		sms_out_failed(t, why, MAP_ERR_SYSTEM_FAILURE);
}

void sms_out_failed(struct map_txn *t, const char *why, int error)
{
	struct map_router *mr = t->mr;
	bool timeout = !strcmp(why, "timeout");

	if (t->kind == MAP_TXN_MO)
		map_ctr_inc(mr, MAP_CTR_MO_FAILED);
	else if (timeout)
		map_ctr_inc(mr, MAP_CTR_MT_TIMEOUT);
	else
		map_ctr_inc(mr, t->state == MAP_TXN_WAIT_HLR ? MAP_CTR_MT_HLR_ERR : MAP_CTR_MT_MSC_ERR);
	LOGP(DMAP, LOGL_INFO, "%s X=%s %s -> %s: %s %s -> %s\n", t->kind == MAP_TXN_MT ? "MT-FSM" : "MO-FSM",
	     t->rec.x, t->rec.caller, t->rec.callee,
	     t->state == MAP_TXN_WAIT_HLR ? "HLR" : t->kind == MAP_TXN_MT ? "MSC" : "SMSC", why,
	     get_value_string(map_error_names, error));
	sms_txn_fail(t, error, CDR_OUT_FAILED, why, error);
}
