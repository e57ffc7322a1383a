/* SMS router, MO path: an MO-ForwardSM routed through np700 whose TP-DA is X is rewritten to the
 * real recipient for that sender (SM-RP-OA), with SM-RP-OA set to the number the recipient is
 * to see (the SMSC builds TP-OA from it), and relayed to the SMSC; or rejected when "mo-rewrite
 * disable" is configured. An MO-ForwardSM for any other number is relayed unchanged. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>

#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/sms_tpdu.h>

#include "map_internal.h"

/* Replace SM-RP-OA msisdn [2] contents of the forwardSM argument in \a par by \a digits. */
static int rewrite_oa(struct msgb *out, const uint8_t *par, size_t len, uint8_t ton, const char *digits)
{
	uint8_t addr[1 + MAP_ISDN_MAX_DIGITS / 2 + 1];
	struct map_fwd_sm f;
	struct ber_tlv path[2];
	int n, rc;

	rc = map_dec_fwd_sm(&f, par, len);
	if (rc < 0)
		return rc;
	if (f.oa_type != MAP_SM_RP_OA_MSISDN)
		return -EINVAL;
	n = map_addr_encode(addr, sizeof(addr), ton, MAP_NPI_ISDN, digits);
	if (n < 0)
		return n;
	path[0] = f.param_tlv;
	path[1] = f.oa_tlv;
	return ber_splice(out, par, len, path, 2, false, addr, n);
}

void sms_mo_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
	       const struct tcap_component *c, int ac, int version, const struct map_fwd_sm *f)
{
	char x[NP700_NUM_MAXLEN + 1], rcpt[NP700_NUM_MAXLEN + 1], show[NP700_NUM_MAXLEN + 1];
	struct np700_decision d;
	struct sms_tpdu tp;
	struct map_txn *t;
	struct msgb *ui = NULL, *par = NULL;
	uint8_t ton, show_ton;
	time_t now = map_now();
	int err, rc;

	map_ctr_inc(mr, MAP_CTR_MO);
	rc = f->da_type == MAP_SM_RP_DA_SCA && f->oa_type == MAP_SM_RP_OA_MSISDN ?
		sms_tpdu_decode(&tp, f->ui, f->ui_len, true) : -EINVAL;
	/* an SMS-COMMAND (not decoded: tp stays empty) refers to a message submitted before; it is
	 * relayed as it is, like a message for an unprotected number */
	if (rc < 0 && rc != -EOPNOTSUPP) {
		map_ctr_inc(mr, MAP_CTR_MO_REJECTED);
		LOGP(DMAP, LOGL_NOTICE, "MO-FSM from OPC %u: no SC address / MSISDN / valid TPDU\n", ind->opc);
		map_reply_error(mr, ind, m, c, version, MAP_ERR_UNEXPECTED_DATA_VALUE, -1);
		return;
	}
	t = map_txn_alloc(mr, MAP_TXN_MO, ind, m, c, ac, version);
	if (!t) {
		map_reply_error(mr, ind, m, c, version, MAP_ERR_SYSTEM_FAILURE, -1);
		return;
	}
	t->param_in = talloc_memdup(t, c->param, c->param_len);
	t->param_in_len = c->param_len;
	t->rec.kind = CDR_KIND_SMS;
	t->rec.t_seize = map_now_us();
	t->rec.cause = -1;
	t->rec.in.valid = true;
	t->rec.in.opc = ind->opc;
	t->rec.in.dpc = ind->dpc;
	map_gt_addr(mr, &t->peer_out, f->da_addr.digits, f->da_addr.ton, MAP_SSN_MSC);

	/* not for a protected number: np700 only relays it */
	if (tp.addr.alpha ||
	    np700_protected_normalise(&mr->g->plan, tp.addr.digits, map_nature_from_ton(tp.addr.ton), x,
				      sizeof(x)) != 1) {
		map_ctr_inc(mr, MAP_CTR_MO_PASSED);
		OSMO_STRLCPY_ARRAY(t->rec.callee, tp.addr.digits);
		OSMO_STRLCPY_ARRAY(t->rec.caller, f->oa_addr.digits);
		LOGP(DMAP, LOGL_INFO, "MO-FSM from %s to %s: not protected, relayed to SMSC %s\n", f->oa_addr.digits,
		     tp.addr.digits, f->da_addr.digits);
		if (sms_forward(t, NULL) < 0)
			sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "send failed", MAP_ERR_SYSTEM_FAILURE);
		return;
	}
	OSMO_STRLCPY_ARRAY(t->rec.x, x);
	if (np700_real_normalise(&mr->g->plan, f->oa_addr.digits, map_nature_from_ton(f->oa_addr.ton), t->sender,
				 sizeof(t->sender)) < 0) {
		memset(&d, 0, sizeof(d));
		d.reject = NP700_REJ_CALLER_NOT_ALLOWED;
		OSMO_STRLCPY_ARRAY(t->rec.caller, f->oa_addr.digits);
	} else {
		OSMO_STRLCPY_ARRAY(t->rec.caller, t->sender);
		if (!mr->cfg.mo_rewrite) {
			map_ctr_inc(mr, MAP_CTR_MO_REJECTED);
			LOGP(DMAP, LOGL_INFO, "MO-FSM from %s to X=%s: rejected (mo-rewrite disabled)\n", t->sender, x);
			sms_txn_fail(t, MAP_ERR_FACILITY_NOT_SUPPORTED, CDR_OUT_REJECTED, "mo-rewrite disabled",
				     MAP_ERR_FACILITY_NOT_SUPPORTED);
			return;
		}
		if (mr->g->store)
			np700_decide_ex(mr->g->store, x, t->sender, NP700_SERVICE_SMS, now, NP700_DECIDE_IS_X, &d);
		else {
			memset(&d, 0, sizeof(d));
			d.reject = NP700_REJ_STORE_ERROR;
		}
	}
	t->d = d;
	t->rec.customer_id = d.customer_id;
	t->rec.binding_id = d.binding_id;
	OSMO_STRLCPY_ARRAY(t->rec.order_id, d.order_id);
	if (d.reject != NP700_REJ_NONE) {
		err = sms_reject_error(mr, d.reject, true);
		map_ctr_inc(mr, MAP_CTR_MO_REJECTED);
		LOGP(DMAP, LOGL_INFO, "MO-FSM from %s to X=%s: rejected (%s) -> %s\n", f->oa_addr.digits, x,
		     np700_reject_name(d.reject), get_value_string(map_error_names, err));
		/* TS 29.002: mo-forwardSM's sm-DeliveryFailure carries a cause; the TP-DA is not valid
		 * for this sender */
		map_txn_answer_error(t, err, NULL, 0,
				     err == MAP_ERR_SM_DELIVERY_FAILURE ? MAP_SMFC_INVALID_SME_ADDRESS : -1);
		sms_txn_fail(t, 0, CDR_OUT_REJECTED, np700_reject_name(d.reject), err);
		return;
	}
	OSMO_STRLCPY_ARRAY(t->rec.callee, d.connect_to);
	OSMO_STRLCPY_ARRAY(t->rec.shown_callee, d.show_callee);
	OSMO_STRLCPY_ARRAY(t->rec.shown_caller, d.show_caller);
	if (!tp.concat || tp.concat_seq <= 1)
		np700_decision_note_call(mr->g->store, &d, t->sender, now);

	/* TP-DA = the real recipient (international), SM-RP-OA = the number it is to see */
	ui = msgb_alloc_c(OTC_GLOBAL, 512, "mo_ui");
	par = msgb_alloc_c(OTC_GLOBAL, 512, "mo_par");
	OSMO_STRLCPY_ARRAY(rcpt, d.connect_to);
	ton = SMS_TON_INTERNATIONAL;
	rc = ui && par ? sms_tpdu_rewrite_addr(ui, f->ui, f->ui_len, true, ton, SMS_NPI_ISDN, rcpt) : -ENOMEM;
	if (rc == 0)
		rc = sms_show_addr(mr, d.show_callee, show, sizeof(show), &show_ton);
	if (rc == 0)
		rc = rewrite_oa(par, c->param, c->param_len, show_ton == SMS_TON_NATIONAL ? MAP_TON_NATIONAL :
				MAP_TON_INTERNATIONAL, show);
	if (rc < 0) {
		msgb_free(ui);
		msgb_free(par);
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "rewrite failed", MAP_ERR_SYSTEM_FAILURE);
		return;
	}
	talloc_free(t->param_in);
	t->param_in = talloc_memdup(t, msgb_data(par), msgb_length(par));
	t->param_in_len = msgb_length(par);
	t->ui_new = talloc_memdup(t, msgb_data(ui), msgb_length(ui));
	t->ui_new_len = msgb_length(ui);
	msgb_free(ui);
	msgb_free(par);
	map_ctr_inc(mr, MAP_CTR_MO_REWRITTEN);
	LOGP(DMAP, LOGL_INFO, "MO-FSM from %s to X=%s: to %s shown %s, SMSC %s\n", t->sender, x, rcpt, show,
	     f->da_addr.digits);
	if (sms_forward(t, NULL) < 0)
		sms_txn_fail(t, MAP_ERR_SYSTEM_FAILURE, CDR_OUT_FAILED, "send failed", MAP_ERR_SYSTEM_FAILURE);
}
