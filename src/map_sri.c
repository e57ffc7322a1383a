/* Routing queries for X answered by np700 itself: sendRoutingInfo (a routing number that leads
 * the call into the ISUP relay) and sendRoutingInfoForSM (a correlation IMSI and np700's GT as
 * network node number, so that the MT-ForwardSM comes to np700). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/msgb.h>

#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/store.h>

#include "map_internal.h"

/* what np700 knows about X without knowing the caller */
enum x_state {
	X_BOUND,
	X_NOT_PROTECTED,	/* not a protected number, or malformed */
	X_UNKNOWN,		/* in the range, no customer's pool */
	X_SUSPENDED,		/* the owning customer is suspended */
	X_UNBOUND,		/* no unexpired binding */
	X_STORE_ERROR,
};

static const struct value_string x_state_names[] = {
	{ X_BOUND, "bound" },
	{ X_NOT_PROTECTED, "not protected" },
	{ X_UNKNOWN, "unknown" },
	{ X_SUSPENDED, "customer suspended" },
	{ X_UNBOUND, "unbound" },
	{ X_STORE_ERROR, "store error" },
	{ 0, NULL }
};

static int count_cb(const struct np700_binding *b, void *data)
{
	/* one is enough */
	return 1;
}

/* Normalise the MSISDN of a query to X's national form in \a x, and say what X is. */
static enum x_state x_lookup(struct map_router *mr, const struct map_addr *msisdn, char *x, size_t x_len)
{
	struct np700_store *st = mr->g ? mr->g->store : NULL;
	struct np700_customer cust;
	uint32_t cid;
	int rc;

	x[0] = '\0';
	if (!msisdn->present || !mr->g ||
	    np700_protected_normalise(&mr->g->plan, msisdn->digits, map_nature_from_ton(msisdn->ton), x, x_len) != 1)
		return X_NOT_PROTECTED;
	if (!st)
		return X_STORE_ERROR;
	rc = np700_store_pool_owner(st, x, &cid);
	if (rc == -ENOENT)
		return X_UNKNOWN;
	if (rc < 0)
		return X_STORE_ERROR;
	rc = np700_store_customer_get(st, cid, &cust);
	if (rc < 0)
		return rc == -ENOENT ? X_UNKNOWN : X_STORE_ERROR;
	if (cust.suspended)
		return X_SUSPENDED;
	rc = np700_store_binding_list_number(st, x, count_cb, NULL);
	if (rc < 0)
		return X_STORE_ERROR;
	return rc ? X_BOUND : X_UNBOUND;
}

/* The error a query for X in state \a s gets: an unknown X does not exist, an unbound one is not
 * reachable now, a suspended customer's numbers are barred by the operator. */
static int x_error(enum x_state s, bool sms, int *cause)
{
	*cause = -1;
	switch (s) {
	case X_BOUND:
		return 0;
	case X_NOT_PROTECTED:
	case X_UNKNOWN:
		return MAP_ERR_UNKNOWN_SUBSCRIBER;
	case X_SUSPENDED:
		*cause = MAP_CBC_OPERATOR_BARRING;
		return MAP_ERR_CALL_BARRED;
	case X_UNBOUND:
		return sms ? MAP_ERR_ABSENT_SUBSCRIBER_SM : MAP_ERR_ABSENT_SUBSCRIBER;
	case X_STORE_ERROR:
		break;
	}
	return MAP_ERR_SYSTEM_FAILURE;
}

void map_sri_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		const struct tcap_component *c, int version)
{
	char x[NP700_NUM_MAXLEN + 1], rn[sizeof(((struct map_router_cfg *)0)->rn_prefix) + NP700_NUM_MAXLEN + 1];
	struct map_sri sri;
	struct msgb *par;
	enum x_state s;
	int err, cause, rc;

	map_ctr_inc(mr, MAP_CTR_SRI);
	if (map_dec_sri(&sri, c->param, c->param_len, version) < 0) {
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: malformed sendRoutingInfo argument\n", ind->opc);
		map_reply_reject(mr, ind, m, c->invoke_id, TCAP_PROBLEM_INVOKE, TCAP_IP_MISTYPED_PARAMETER);
		return;
	}
	s = x_lookup(mr, &sri.msisdn, x, sizeof(x));
	err = x_error(s, false, &cause);
	snprintf(rn, sizeof(rn), "%s%s", mr->cfg.rn_prefix, x);
	if (!err && strlen(rn) > MAP_ISDN_MAX_DIGITS)
		err = MAP_ERR_SYSTEM_FAILURE;
	if (err) {
		map_ctr_inc(mr, MAP_CTR_SRI_ERR);
		LOGP(DMAP, LOGL_INFO, "SRI v%d MSISDN=%s X=%s: %s -> %s\n", version, sri.msisdn.digits, x,
		     get_value_string(x_state_names, s), get_value_string(map_error_names, err));
		map_reply_error(mr, ind, m, c, version, err, cause);
		return;
	}
	par = msgb_alloc_c(OTC_GLOBAL, 64, "sri_res");
	if (!par)
		return;
	/* v1/v2 results need an IMSI, and v3 has one unless the result is segmented (TS 29.002
	 * SendRoutingInfoRes): the first of the correlation range stands for np700 */
	{
		char imsi[MAP_IMSI_MAX_DIGITS + 2];

		snprintf(imsi, sizeof(imsi), "%015llu", (unsigned long long)mr->cfg.corr_first);
		rc = map_enc_sri_res(par, version, imsi, MAP_TON_NATIONAL, MAP_NPI_ISDN, rn);
	}
	if (rc < 0) {
		map_ctr_inc(mr, MAP_CTR_TX_ERR);
		map_reply_error(mr, ind, m, c, version, MAP_ERR_SYSTEM_FAILURE, -1);
	} else {
		map_ctr_inc(mr, MAP_CTR_SRI_OK);
		LOGP(DMAP, LOGL_INFO, "SRI v%d X=%s: routing number %s\n", version, x, rn);
		map_reply_result(mr, ind, m, c, msgb_data(par), msgb_length(par));
	}
	msgb_free(par);
}

void map_sri_sm_rx(struct map_router *mr, const struct sccp_ind *ind, const struct tcap_msg *m,
		   const struct tcap_component *c, int version)
{
	char x[NP700_NUM_MAXLEN + 1];
	const char *nnn = map_own_gt(mr);
	struct map_sri_sm q;
	struct sms_corr *corr;
	struct msgb *par;
	enum x_state s;
	int err, cause;

	map_ctr_inc(mr, MAP_CTR_SRI_SM);
	if (map_dec_sri_sm(&q, c->param, c->param_len) < 0) {
		map_ctr_inc(mr, MAP_CTR_RX_BAD);
		LOGP(DMAP, LOGL_NOTICE, "OPC %u: malformed sendRoutingInfoForSM argument\n", ind->opc);
		map_reply_reject(mr, ind, m, c->invoke_id, TCAP_PROBLEM_INVOKE, TCAP_IP_MISTYPED_PARAMETER);
		return;
	}
	s = x_lookup(mr, &q.msisdn, x, sizeof(x));
	err = x_error(s, true, &cause);
	if (!err && !nnn[0]) {
		LOGP(DMAP, LOGL_ERROR, "SRI-SM X=%s: np700 has no GT (map / local-gt, or sccp / local-gt)\n", x);
		err = MAP_ERR_SYSTEM_FAILURE;
	}
	corr = err ? NULL : sms_corr_alloc(mr, x, q.sca.present ? q.sca.digits : ind->msg->calling.digits);
	if (!err && !corr)
		err = MAP_ERR_SYSTEM_FAILURE;
	if (err) {
		map_ctr_inc(mr, MAP_CTR_SRI_SM_ERR);
		LOGP(DMAP, LOGL_INFO, "SRI-SM v%d MSISDN=%s X=%s SMSC=%s: %s -> %s\n", version, q.msisdn.digits, x,
		     q.sca.digits, get_value_string(x_state_names, s), get_value_string(map_error_names, err));
		map_reply_error(mr, ind, m, c, version, err, cause);
		return;
	}
	par = msgb_alloc_c(OTC_GLOBAL, 64, "sri_sm_res");
	if (!par)
		return;
	if (map_enc_sri_sm_res(par, corr->imsi_str, MAP_TON_INTERNATIONAL, MAP_NPI_ISDN, nnn, NULL) < 0) {
		map_ctr_inc(mr, MAP_CTR_TX_ERR);
		map_reply_error(mr, ind, m, c, version, MAP_ERR_SYSTEM_FAILURE, -1);
	} else {
		map_ctr_inc(mr, MAP_CTR_SRI_SM_OK);
		LOGP(DMAP, LOGL_INFO, "SRI-SM v%d X=%s SMSC=%s: IMSI %s NNN %s\n", version, x, corr->smsc,
		     corr->imsi_str, nnn);
		map_reply_result(mr, ind, m, c, msgb_data(par), msgb_length(par));
	}
	msgb_free(par);
}
