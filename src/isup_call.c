/* ISUP relay calls: IAM translation through the decision API, overlap collection, relaying with
 * number rewriting, release of both legs, timers, call records */
#include <errno.h>
#include <string.h>
#include <stdio.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/tdef.h>

#include <np700/isup_internal.h>
#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/decision.h>

#define S(x)	(1 << (x))

/* Parameters that can carry a real number of a protected party and are never passed on. The
 * calling/connected numbers are rewritten instead (see scrub()). */
static const uint8_t number_params[] = {
	ISUP_PAR_REDIRECTING, ISUP_PAR_REDIRECTION_NUM, ISUP_PAR_ORIG_CALLED, ISUP_PAR_LOCATION_NUM,
	ISUP_PAR_GENERIC_NUM, ISUP_PAR_GENERIC_DIGITS, ISUP_PAR_CALL_TRANSFER_NUM, ISUP_PAR_CALLED_IN_NUM,
	ISUP_PAR_CALLED_DIR_NUM, ISUP_PAR_ORIG_CALLED_IN_NUM, ISUP_PAR_HTR_INFO, ISUP_PAR_NETWORK_ROUTING_NUM,
	ISUP_PAR_CHARGED_PARTY_ID,
	/* end-to-end containers a terminal or a switch fills: access transport (Q.931 IEs such as
	 * calling/connected subaddresses) and user-to-user information (free content) may carry a
	 * real number that np700 cannot check, so they are dropped (issue 6 privacy audit) */
	ISUP_PAR_ACCESS_TRANSPORT, ISUP_PAR_UUI,
};

/* What scrub() removes in its one pass: forward the connected number too (a calling number is
 * rewritten), backward the calling number (a connected number is rewritten). Filled at start-up. */
static struct isup_par_set scrub_fwd, scrub_bwd;

static __attribute__((constructor)) void scrub_sets_init(void)
{
	uint8_t codes[ARRAY_SIZE(number_params) + 1];

	memcpy(codes, number_params, sizeof(number_params));
	codes[ARRAY_SIZE(number_params)] = ISUP_PAR_CONNECTED;
	isup_par_set_init(&scrub_fwd, codes, ARRAY_SIZE(codes));
	codes[ARRAY_SIZE(number_params)] = ISUP_PAR_CALLING;
	isup_par_set_init(&scrub_bwd, codes, ARRAY_SIZE(codes));
}

/* Copy a string between two char arrays of the same size (numbers, order ids): a fixed-size copy
 * instead of osmo_strlcpy()'s strlen, on the path of every IAM. */
#define ARRAY_COPY(dst, src) do { \
		_Static_assert(sizeof(dst) == sizeof(src), "ARRAY_COPY of different sizes"); \
		memcpy(dst, src, sizeof(dst)); \
	} while (0)

static uint32_t tdef_s(struct isup_relay *r, int T)
{
	return osmo_tdef_get(r->tdefs, T, OSMO_TDEF_S, -1);
}

static time_t now_s(void)
{
	return isup_now_us() / 1000000;
}

/* --- number rewriting --- */

/* \a digits: one of the decision's numbers (a char array of NP700_NUM_MAXLEN + 1) */
static int set_number(struct isup_msg *m, uint8_t code, const char digits[NP700_NUM_MAXLEN + 1], uint8_t nai)
{
	struct isup_number n = {
		.nai = nai,
		.npi = 1,		/* ISDN/telephony E.164 */
		.apri = ISUP_APRI_ALLOWED,
		.si = ISUP_SI_NETWORK_PROVIDED,
	};

	_Static_assert(sizeof(n.digits) > NP700_NUM_MAXLEN, "ISUP number shorter than a decision's");
	memcpy(n.digits, digits, NP700_NUM_MAXLEN + 1);
	return isup_msg_set_number(m, code, &n);
}

/* Make a message fit to pass from one leg to the other: no real number of either party leaves
 * np700. Forward (caller to callee): calling number := the number shown to the callee. Backward:
 * connected number := the number shown to the caller. \returns 0 or negative (do not send). */
static int scrub(struct isup_call *call, struct isup_msg *m, bool forward)
{
	int rc = 0;

	if (!m->def)
		return 0;
	isup_msg_del_set(m, forward ? &scrub_fwd : &scrub_bwd);
	if (forward) {
		if (m->type == ISUP_MSGT_IAM || isup_msg_get(m, ISUP_PAR_CALLING)) {
			if (call->d.show_callee[0])
				rc = set_number(m, ISUP_PAR_CALLING, call->d.show_callee, ISUP_NAI_NATIONAL);
			else
				isup_msg_del(m, ISUP_PAR_CALLING);
		}
	} else {
		if (isup_msg_get(m, ISUP_PAR_CONNECTED)) {
			if (call->d.show_caller[0])
				rc = set_number(m, ISUP_PAR_CONNECTED, call->d.show_caller, ISUP_NAI_NATIONAL);
			else
				isup_msg_del(m, ISUP_PAR_CONNECTED);
		}
	}
	return rc < 0 ? rc : 0;
}

/* --- legs --- */

/* the leg of \a call on circuit \a c, or NULL */
static struct isup_leg *leg_on(struct isup_call *call, const struct isup_circuit *c)
{
	return c == call->in.circ ? &call->in : c == call->out.circ ? &call->out : NULL;
}

/* np700's IAM is out and nothing has come back for it yet: what a reset, a blocking or a dual
 * seizure on its circuit turns into a repeat attempt */
static bool attempt_unanswered(const struct isup_call *call)
{
	return !call->backward_seen && !call->out.rel_sent;
}

static struct isup_leg *other_leg(struct isup_leg *leg)
{
	return leg->side == ISUP_LEG_IN ? &leg->call->out : &leg->call->in;
}

static void call_end(struct isup_call *call);

/* both circuits free: the call is over, its object goes back to the pool */
static void check_done(struct isup_call *call)
{
	/* (ended: already back in the pool; never end a call twice) */
	if (call->ended || call->in.busy || call->out.busy)
		return;
	call_end(call);
	isup_call_obj_put(call);
}

/* The leg's circuit is free again. */
static void leg_free(struct isup_leg *leg)
{
	osmo_timer_del(&leg->t1);
	osmo_timer_del(&leg->t5);
	leg->rel_sent = false;
	if (leg->circ && leg->circ->call == leg->call) {
		leg->circ->call = NULL;
		leg->circ->state = ISUP_CIRC_IDLE;
	}
	leg->circ = NULL;
	/* the group may be removed from the VTY once its circuits are free */
	leg->cg = NULL;
	leg->busy = false;
}

static void leg_seize(struct isup_leg *leg, struct isup_cgroup *cg, struct isup_circuit *c, enum isup_circ_state st)
{
	leg->cg = cg;
	leg->circ = c;
	leg->pc = cg->dpc;
	leg->cic = c->cic;
	leg->busy = true;
	c->call = leg->call;
	c->state = st;
}

static void set_outcome(struct isup_call *call, enum cdr_outcome o, const char *reason, int cause)
{
	/* the first reason is the one that counts */
	if (call->cdr.reason)
		return;
	call->cdr.outcome = o;
	call->cdr.reason = reason;
	if (call->cdr.cause < 0)
		call->cdr.cause = cause;
}

static void start_t1_t5(struct isup_leg *leg)
{
	struct isup_relay *r = leg->call->r;

	osmo_timer_schedule(&leg->t1, tdef_s(r, 1), 0);
	if (!osmo_timer_pending(&leg->t5))
		osmo_timer_schedule(&leg->t5, tdef_s(r, 5), 0);
}

/* Send REL on \a leg: the given encoded message (a relayed REL), or a new one with \a cause. */
static void leg_release(struct isup_leg *leg, uint8_t cause, const uint8_t *rel, size_t rel_len)
{
	struct isup_call *call = leg->call;
	struct isup_relay *r = call->r;

	if (!leg->busy || leg->rel_sent)
		return;
	if (!leg->rel)
		leg->rel = talloc_size(call, ISUP_MSG_MAX);
	if (!leg->rel) {
		/* cannot keep a copy for T1: still release, T5 will reset the circuit */
		isup_relay_send_rel(r, leg->pc, leg->cic, cause, NULL, NULL);
	} else if (rel && rel_len <= ISUP_MSG_MAX) {
		memcpy(leg->rel, rel, rel_len);
		leg->rel_len = rel_len;
		isup_relay_send_raw(r, leg->pc, leg->rel, leg->rel_len);
	} else {
		isup_relay_send_rel(r, leg->pc, leg->cic, cause, leg->rel, &leg->rel_len);
	}
	leg->rel_sent = true;
	start_t1_t5(leg);
	if (call->fi->state != ISUP_CST_RELEASING)
		osmo_fsm_inst_state_chg(call->fi, ISUP_CST_RELEASING, 0, 0);
}

static void release_both(struct isup_call *call, uint8_t cause, enum cdr_released_by by)
{
	if (call->cdr.released_by == CDR_REL_NONE)
		call->cdr.released_by = by;
	if (call->cdr.cause < 0)
		call->cdr.cause = cause;
	osmo_timer_del(&call->t_maxdur);
	leg_release(&call->in, cause, NULL, 0);
	leg_release(&call->out, cause, NULL, 0);
	check_done(call);
}

static void t1_cb(void *data)
{
	struct isup_leg *leg = data;

	/* no RLC yet: repeat the REL (Q.764 §2.3.1 d) */
	LOGPFSML(leg->call->fi, LOGL_NOTICE, "T1 expired on PC %u CIC %u, repeating REL\n", leg->pc, leg->cic);
	if (leg->rel_len)
		isup_relay_send_raw(leg->call->r, leg->pc, leg->rel, leg->rel_len);
	osmo_timer_schedule(&leg->t1, tdef_s(leg->call->r, 1), 0);
}

static void t5_cb(void *data)
{
	struct isup_leg *leg = data;
	struct isup_call *call = leg->call;

	/* still no RLC: reset the circuit and consider it free; a late RLC finds it idle */
	LOGPFSML(call->fi, LOGL_ERROR, "T5 expired on PC %u CIC %u, sending RSC\n", leg->pc, leg->cic);
	isup_maint_start(call->r, ISUP_MSGT_RSC, leg->pc, leg->cic, 0);
	leg_free(leg);
	check_done(call);
}

static void maxdur_cb(void *data)
{
	struct isup_call *call = data;

	LOGPFSML(call->fi, LOGL_NOTICE, "maximum call duration of %u s reached, releasing both legs\n",
		 call->d.max_duration_s);
	isup_ctr_inc(call->r, ISUP_CTR_MAXDUR);
	set_outcome(call, CDR_OUT_ANSWERED, "max-duration", call->r->maxdur_cause);
	release_both(call, call->r->maxdur_cause, CDR_REL_NP700);
}

static struct isup_call *call_alloc(struct isup_relay *r, struct isup_cgroup *cg, struct isup_circuit *c,
				    uint32_t opc)
{
	struct isup_call *call = isup_call_obj_get(r);

	if (!call)
		return NULL;
	call->in.call = call;
	call->in.side = ISUP_LEG_IN;
	call->out.call = call;
	call->out.side = ISUP_LEG_OUT;
	osmo_timer_setup(&call->in.t1, t1_cb, &call->in);
	osmo_timer_setup(&call->in.t5, t5_cb, &call->in);
	osmo_timer_setup(&call->out.t1, t1_cb, &call->out);
	osmo_timer_setup(&call->out.t5, t5_cb, &call->out);
	osmo_timer_setup(&call->t_maxdur, maxdur_cb, call);
	leg_seize(&call->in, cg, c, ISUP_CIRC_INCOMING);
	call->in.pc = opc;
	llist_add_tail(&call->list, &r->calls);
	r->num_calls++;

	call->cdr.kind = CDR_KIND_VOICE;
	call->cdr.t_seize = isup_now_us();
	call->cdr.cause = -1;
	call->cdr.outcome = CDR_OUT_UNANSWERED;
	call->cdr.in = (struct cdr_leg){ .opc = opc, .dpc = r->own_pc, .cic = c->cic, .valid = true };
	return call;
}

/* Release the incoming leg before any outgoing leg exists (rejection, no route, ...). */
static void reject_in(struct isup_call *call, enum cdr_outcome o, const char *reason, uint8_t cause)
{
	set_outcome(call, o, reason, cause);
	call->cdr.released_by = CDR_REL_NP700;
	LOGPFSML(call->fi, LOGL_NOTICE, "caller %s dialled %s: %s, releasing with cause %u\n",
		 call->caller[0] ? call->caller : "-", call->dialled[0] ? call->dialled : "-", reason, cause);
	release_both(call, cause, CDR_REL_NP700);
}

void isup_call_reject_malformed(struct isup_relay *r, struct isup_cgroup *cg, struct isup_circuit *c, uint32_t opc,
				uint8_t cause)
{
	struct isup_call *call = call_alloc(r, cg, c, opc);

	if (!call) {
		isup_relay_send_rel(r, opc, c->cic, cause, NULL, NULL);
		return;
	}
	isup_ctr_inc(r, ISUP_CTR_CALLS);
	reject_in(call, CDR_OUT_FAILED, "malformed IAM", cause);
}

/* --- translation --- */

static enum np700_nature nai_nature(uint8_t nai)
{
	switch (nai) {
	case ISUP_NAI_SUBSCRIBER:
		return NP700_NAT_SUBSCRIBER;
	case ISUP_NAI_NATIONAL:
		return NP700_NAT_NATIONAL;
	case ISUP_NAI_INTERNATIONAL:
		return NP700_NAT_INTERNATIONAL;
	default:
		return NP700_NAT_UNKNOWN;
	}
}

static bool pfx_compatible(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return !strncmp(a, b, la < lb ? la : lb);
}

/* Could \a digits still become a protected number with more digits? (overlap) */
static bool overlap_pending(const struct np700_numplan *p, const char *digits, enum np700_nature nat)
{
	const char *nsn = digits;

	switch (nat) {
	case NP700_NAT_UNKNOWN:
		if (p->intl_prefix[0] && pfx_compatible(digits, p->intl_prefix)) {
			if (strlen(digits) <= strlen(p->intl_prefix))
				return true;
			nsn = digits + strlen(p->intl_prefix);
			goto intl;
		}
		if (p->national_prefix[0] && pfx_compatible(digits, p->national_prefix)) {
			if (strlen(digits) <= strlen(p->national_prefix))
				return true;
			nsn = digits + strlen(p->national_prefix);
		}
		break;
	case NP700_NAT_INTERNATIONAL:
intl:
		if (!pfx_compatible(nsn, p->country_code))
			return false;
		if (strlen(nsn) <= strlen(p->country_code))
			return true;
		nsn += strlen(p->country_code);
		break;
	default:
		break;
	}
	return strlen(nsn) < p->range_len && pfx_compatible(nsn, p->range_prefix);
}

static void translate(struct isup_call *call, struct isup_msg *iam);

/* A routing number np700 itself handed out in an SRI answer ("map" / routing-number-prefix + X)
 * leads the call here: without the prefix it is X. */
static const char *strip_routing_prefix(const struct isup_relay *r, const char *dialled)
{
	size_t len = r->rn_prefix ? strlen(r->rn_prefix) : 0;

	if (len && strncmp(dialled, r->rn_prefix, len) == 0)
		return dialled + len;
	return dialled;
}

/* The dialled digits so far: complete, still incomplete, or not for us. \a iam is the IAM
 * as parsed on arrival (en bloc), NULL once digits came by SAM. */
static void try_complete(struct isup_call *call, struct isup_msg *iam)
{
	struct isup_relay *r = call->r;
	const struct np700_numplan *plan = &r->g->plan;
	enum np700_nature nat = nai_nature(call->called_nai);
	char x[NP700_NUM_MAXLEN + 1];
	int rc;

	rc = np700_protected_normalise(plan, call->dialled, nat, x, sizeof(x));
	if (rc != 1 && call->dialled != strip_routing_prefix(r, call->dialled))
		rc = np700_protected_normalise(plan, strip_routing_prefix(r, call->dialled), nat, x, sizeof(x));
	if (rc == 1) {
		ARRAY_COPY(call->d.x, x);
		ARRAY_COPY(call->cdr.x, x);
		translate(call, iam);
		return;
	}
	if (!call->dialled_st && overlap_pending(plan, call->dialled, nat)) {
		if (!call->collecting) {
			call->collecting = true;
			isup_ctr_inc(r, ISUP_CTR_OVERLAP);
			LOGPFSML(call->fi, LOGL_INFO, "called number %s incomplete, waiting for SAM\n", call->dialled);
		}
		osmo_fsm_inst_state_chg(call->fi, ISUP_CST_COLLECT, tdef_s(r, 35), 35);
		return;
	}
	rc = rc == 0 ? NP700_REJ_NOT_PROTECTED : NP700_REJ_INVALID_NUMBER;
	isup_ctr_inc(r, ISUP_CTR_REJ_BASE + rc);
	reject_in(call, CDR_OUT_REJECTED, np700_reject_name(rc), isup_relay_get_reject_cause(r, rc));
}

static uint8_t reject_cause(struct isup_call *call, enum np700_reject rej)
{
	uint8_t c = call->in.cg ? call->in.cg->reject_cause[rej] : 0;

	return c ? c : isup_relay_get_reject_cause(call->r, rej);
}

static void hop_counter(struct isup_msg *m)
{
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_HOP_COUNTER);
	uint8_t v;

	if (!p || p->len < 1)
		return;
	v = p->val[0] & 0x1f;
	v = v ? v - 1 : 0;
	isup_msg_set(m, ISUP_PAR_HOP_COUNTER, &v, 1);
}

/* \a iam: the received IAM already parsed (it is rewritten in place; the caller still owns
 * it), or NULL: parse call->iam, which SAMs have completed */
static void translate(struct isup_call *call, struct isup_msg *iam)
{
	struct isup_relay *r = call->r;
	struct np700 *g = r->g;
	const struct isup_route *rt;
	struct isup_cgroup *cg;
	struct isup_circuit *c;
	struct isup_msg *m = iam, *own = NULL;	/* own: parsed here, freed here */
	struct isup_number called = {};
	const struct isup_param *hop;
	uint8_t inn = 0;
	char x[NP700_NUM_MAXLEN + 1];
	int rc, len;

	/* the decision overwrites call->d, including the dialled number it is given */
	ARRAY_COPY(x, call->d.x);
	rc = g->store ? np700_decide_ex(g->store, x, call->caller, NP700_SERVICE_VOICE, now_s(), NP700_DECIDE_IS_X,
					&call->d) : -EIO;
	if (!g->store)
		call->d.reject = NP700_REJ_STORE_ERROR;
	if (rc < 0 && call->d.reject == NP700_REJ_NONE)
		call->d.reject = NP700_REJ_STORE_ERROR;
	ARRAY_COPY(call->d.x, x);
	call->cdr.customer_id = call->d.customer_id;
	call->cdr.binding_id = call->d.binding_id;
	ARRAY_COPY(call->cdr.order_id, call->d.order_id);
	if (call->d.reject != NP700_REJ_NONE) {
		isup_ctr_inc(r, ISUP_CTR_REJ_BASE + call->d.reject);
		reject_in(call, CDR_OUT_REJECTED, np700_reject_name(call->d.reject), reject_cause(call, call->d.reject));
		return;
	}
	ARRAY_COPY(call->cdr.callee, call->d.connect_to);
	ARRAY_COPY(call->cdr.shown_callee, call->d.show_callee);
	ARRAY_COPY(call->cdr.shown_caller, call->d.show_caller);

	rt = isup_route_lookup(r, call->d.connect_to);
	cg = rt ? isup_cgroup_find(r, rt->cgroup) : NULL;
	if (!cg) {
		isup_ctr_inc(r, ISUP_CTR_NO_ROUTE);
		reject_in(call, CDR_OUT_FAILED, "no route", 3);
		return;
	}
	c = isup_circuit_hunt(cg, r->own_pc);
	if (!c) {
		isup_ctr_inc(r, ISUP_CTR_NO_CIRCUIT);
		reject_in(call, CDR_OUT_FAILED, "no circuit", 34);
		return;
	}

	if (!m) {
		m = own = isup_relay_msg_alloc(r);
		if (!m || isup_msg_parse(m, r->variant, call->iam, call->iam_len, NULL, NULL) < 0) {
			isup_relay_msg_free(r, own);
			reject_in(call, CDR_OUT_FAILED, "internal error", 41);
			return;
		}
	}
	/* Q.764 hop counter procedure: decremented here, a count that reaches 0 ends the call with
	 * cause 25 instead of going on */
	hop = isup_msg_get(m, ISUP_PAR_HOP_COUNTER);
	if (hop && hop->len >= 1 && (hop->val[0] & 0x1f) <= 1) {
		isup_relay_msg_free(r, own);
		reject_in(call, CDR_OUT_FAILED, "hop counter exhausted", 25);
		return;
	}
	if (m->var[0].len >= 2)
		inn = m->var[0].val[1] & 0x80;
	called.nai = np700_real_format(&g->plan, call->d.connect_to, rt->fmt == ISUP_FMT_INTERNATIONAL,
				       called.digits, sizeof(called.digits)) == NP700_NAT_INTERNATIONAL ?
		     ISUP_NAI_INTERNATIONAL : ISUP_NAI_NATIONAL;
	called.inn_ni = inn;
	called.npi = 1;
	called.st = call->dialled_st;
	rc = isup_msg_set_number(m, ISUP_PAR_CALLED, &called);
	if (rc == 0)
		rc = scrub(call, m, true);
	hop_counter(m);
	leg_seize(&call->out, cg, c, ISUP_CIRC_OUTGOING);
	isup_msg_set_cic(m, c->cic);
	len = rc < 0 ? rc : isup_msg_encode(m, call->out_iam, sizeof(call->out_iam));
	isup_relay_msg_free(r, own);
	if (len < 0) {
		leg_free(&call->out);
		reject_in(call, CDR_OUT_FAILED, "internal error", 41);
		return;
	}
	call->out_iam_len = len;
	call->cdr.out = (struct cdr_leg){ .opc = r->own_pc, .dpc = cg->dpc, .cic = c->cic, .valid = true };
	np700_decision_note_call(g->store, &call->d, call->caller, now_s());
	isup_ctr_inc(r, ISUP_CTR_TRANSLATED);
	LOGPFSML(call->fi, LOGL_INFO, "%s -> %s: connect to %s via %s CIC %u, shown %s\n",
		 call->caller[0] ? call->caller : "-", call->d.x, call->d.connect_to, cg->name, c->cic,
		 call->d.show_callee);
	osmo_fsm_inst_state_chg(call->fi, ISUP_CST_WAIT_ACM, tdef_s(r, 7), 7);
	isup_relay_send_raw(r, cg->dpc, call->out_iam, call->out_iam_len);
}

/* the outgoing IAM again, on another circuit of the same group (the leg is already free) */
void isup_call_repeat(struct isup_call *call, struct isup_cgroup *cg, const char *why)
{
	struct isup_relay *r = call->r;
	struct isup_circuit *c;

	c = cg ? isup_circuit_hunt(cg, r->own_pc) : NULL;
	if (!c) {
		isup_ctr_inc(r, ISUP_CTR_NO_CIRCUIT);
		reject_in(call, CDR_OUT_FAILED, "no circuit for a repeat attempt", 34);
		return;
	}
	leg_seize(&call->out, cg, c, ISUP_CIRC_OUTGOING);
	isup_cic_put(r->variant, call->out_iam, c->cic, call->out_iam[1] >> 4);
	call->cdr.out.cic = c->cic;
	LOGPFSML(call->fi, LOGL_NOTICE, "%s, re-attempt on CIC %u\n", why, c->cic);
	osmo_fsm_inst_state_chg(call->fi, ISUP_CST_WAIT_ACM, tdef_s(r, 7), 7);
	isup_relay_send_raw(r, cg->dpc, call->out_iam, call->out_iam_len);
}

void isup_call_reattempt(struct isup_call *call)
{
	struct isup_cgroup *cg = call->out.cg;

	/* the circuit went to the other exchange's call; pick another one (Q.764 §2.10.1.4) */
	leg_free(&call->out);
	isup_call_repeat(call, cg, "dual seizure lost");
}

bool isup_call_transient(struct isup_call *call, const struct isup_circuit *c)
{
	const struct isup_leg *leg = leg_on(call, c);

	return leg && (leg->rel_sent || (leg == &call->out && !call->backward_seen));
}

bool isup_call_rx_blo(struct isup_call *call, struct isup_circuit *c)
{
	struct isup_cgroup *cg = call->out.cg;
	uint32_t pc = call->out.pc;

	if (call->out.circ != c || !attempt_unanswered(call))
		return false;
	/* the far end blocked the circuit of our IAM before answering it: that attempt is released
	 * in the normal manner (REL, T1/T5, by isup_maint.c as no call holds the circuit any more)
	 * and the call tried again on another circuit (Q.764 §2.8.2.1) */
	leg_free(&call->out);
	isup_maint_release(call->r, pc, c->cic, 41);
	isup_call_repeat(call, cg, "circuit blocked before any backward message");
	return true;
}

void isup_call_rx_iam(struct isup_relay *r, struct isup_cgroup *cg, struct isup_circuit *c, uint32_t opc,
		      struct isup_msg *m, const uint8_t *data, size_t len)
{
	struct isup_call *old = c->call, *call;
	struct isup_number n;

	if (old && c->state == ISUP_CIRC_OUTGOING && attempt_unanswered(old)) {
		isup_ctr_inc(r, ISUP_CTR_DUAL_SEIZURE);
		if (isup_circuit_controls(r->own_pc, opc, c->cic)) {
			/* we control this circuit: the other side backs off and re-attempts */
			LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: dual seizure, we control the circuit, IAM ignored\n",
			     opc, c->cic);
			return;
		}
		/* the far end controls it: hand the circuit over; our call re-attempts below in the
		 * same group (the one the IAM came in on) */
		leg_free(&old->out);
		old->out.cg = cg;
	} else if (old) {
		/* an IAM on a circuit we think is busy: the far end lost the call; so do we */
		LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: IAM on a busy circuit, previous call released\n", opc, c->cic);
		isup_call_leg_reset(old, c, 41, false);
		old = NULL;
	}
	/* an IAM on a circuit the far end had blocked unblocks it, whichever blocking (Q.764 §2.8.2.3 iv) */
	isup_circuit_unblock_remote(c);

	call = call_alloc(r, cg, c, opc);
	if (old)
		isup_call_reattempt(old);
	if (!call) {
		isup_relay_send_rel(r, opc, c->cic, 47, NULL, NULL);
		return;
	}
	isup_ctr_inc(r, ISUP_CTR_CALLS);
	if (len > sizeof(call->iam)) {
		reject_in(call, CDR_OUT_FAILED, "IAM too long", 111);
		return;
	}
	memcpy(call->iam, data, len);
	call->iam_len = len;
	if (!isup_guard_admit(r, call)) {
		reject_in(call, CDR_OUT_REJECTED, "overload", r->overload_cause);
		return;
	}

	if (isup_msg_get_number(m, ISUP_PAR_CALLING, &n) == 0 && n.digits[0]) {
		if (np700_real_normalise(&r->g->plan, n.digits, nai_nature(n.nai), call->caller,
					 sizeof(call->caller)) < 0)
			call->caller[0] = '\0';
	}
	ARRAY_COPY(call->cdr.caller, call->caller);
	if (isup_msg_get_number(m, ISUP_PAR_CALLED, &n) < 0) {
		reject_in(call, CDR_OUT_FAILED, "invalid called number", 28);
		return;
	}
	ARRAY_COPY(call->dialled, n.digits);
	call->dialled_st = n.st;
	call->called_nai = n.nai;
	try_complete(call, m);
}

static void rx_sam(struct isup_call *call, struct isup_msg *m)
{
	struct isup_number n;

	if (isup_msg_get_number(m, ISUP_PAR_SUBSEQ_NUM, &n) < 0 ||
	    strlen(call->dialled) + strlen(n.digits) > ISUP_NUM_MAXDIGITS) {
		reject_in(call, CDR_OUT_FAILED, "invalid subsequent number", 28);
		return;
	}
	strcat(call->dialled, n.digits);
	call->dialled_st = n.st;
	try_complete(call, NULL);
}

/* --- relaying --- */

/* Confusion back to the sender of a message np700 discarded (Q.764 §2.9.5.1 c) */
static void send_cfn(struct isup_relay *r, struct isup_leg *to, uint8_t cause)
{
	isup_relay_send_cfn(r, to->pc, to->cic, cause);
}

static void relay(struct isup_call *call, struct isup_leg *from, struct isup_msg *m, const uint8_t *data,
		  size_t len)
{
	struct isup_relay *r = call->r;
	struct isup_leg *to = other_leg(from);
	uint8_t buf[ISUP_MSG_MAX];

	if (!to->busy || to->rel_sent) {
		isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
		return;
	}
	switch (m->type) {
	case ISUP_MSGT_CFN:
		/* link by link (Q.764 §2.9.5.3): about a message this exchange sent on that circuit */
		isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
		LOGPFSML(call->fi, LOGL_INFO, "CFN from PC %u CIC %u: concerns that link, not passed on\n",
			 from->pc, from->cic);
		return;
	case ISUP_MSGT_USR:
	case ISUP_MSGT_PAM:
		/* privacy: USR is nothing but user-to-user information (free content, dropped from every
		 * other message), PAM wraps a message np700 cannot scrub; either may carry a real number */
		isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
		LOGPFSML(call->fi, LOGL_INFO, "%s from PC %u CIC %u not passed on (may carry a real number)\n",
			 isup_msg_type_name(m->type), from->pc, from->cic);
		return;
	}
	if (!m->def) {
		struct isup_msg_compat mc;

		/* Q.764 §2.9.5.1: np700 is a transit point for unknown messages unless the message
		 * asks for end node treatment */
		if (isup_unknown_msg_compat(m, &mc) == 0 && mc.present && mc.end_node) {
			if (mc.release_call) {
				set_outcome(call, CDR_OUT_FAILED, "unrecognised message", 97);
				release_both(call, 97, CDR_REL_NP700);
				return;
			}
			if (mc.discard) {
				isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
				if (mc.send_notification)
					send_cfn(r, from, 97);
				return;
			}
		}
		if (len > sizeof(buf))
			return;
		/* byte-identical but for the CIC */
		memcpy(buf, data, len);
		isup_cic_put(r->variant, buf, to->cic, data[1] >> 4);
		isup_relay_send_raw(r, to->pc, buf, len);
		return;
	}
	if (scrub(call, m, from->side == ISUP_LEG_IN) < 0) {
		isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
		return;
	}
	isup_msg_set_cic(m, to->cic);
	isup_relay_send(r, to->pc, m);
}

static void rx_rel(struct isup_call *call, struct isup_leg *from, struct isup_msg *m)
{
	struct isup_relay *r = call->r;
	struct isup_leg *to = other_leg(from);
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_CAUSE);
	uint8_t cause = 16;
	uint8_t buf[ISUP_MSG_MAX];
	int len = -1;

	isup_cause_decode(p->val, p->len, NULL, &cause);
	if (call->cdr.released_by == CDR_REL_NONE)
		call->cdr.released_by = from->side == ISUP_LEG_IN ? CDR_REL_CALLER : CDR_REL_CALLEE;
	if (call->cdr.cause < 0)
		call->cdr.cause = cause;
	osmo_timer_del(&call->t_maxdur);
	/* confirm at once: the circuit towards the releasing side is free */
	isup_relay_send_simple(r, from->pc, from->cic, ISUP_MSGT_RLC);
	leg_free(from);
	if (to->busy && !to->rel_sent) {
		/* pass the REL on with its cause and diagnostics, numbers scrubbed */
		if (scrub(call, m, from->side == ISUP_LEG_IN) == 0) {
			isup_msg_set_cic(m, to->cic);
			len = isup_msg_encode(m, buf, sizeof(buf));
		}
		leg_release(to, cause, len > 0 ? buf : NULL, len > 0 ? len : 0);
	} else if (call->fi->state != ISUP_CST_RELEASING) {
		osmo_fsm_inst_state_chg(call->fi, ISUP_CST_RELEASING, 0, 0);
	}
	check_done(call);
}

/* The far end freed the circuit of \a leg without np700 releasing it: the call ends, the other
 * leg gets a REL with \a cause. */
static void leg_lost(struct isup_call *call, struct isup_leg *leg, const char *why, uint8_t cause)
{
	if (call->cdr.released_by == CDR_REL_NONE)
		call->cdr.released_by = leg->side == ISUP_LEG_IN ? CDR_REL_CALLER : CDR_REL_CALLEE;
	set_outcome(call, call->cdr.t_answer ? CDR_OUT_ANSWERED : CDR_OUT_FAILED, why, cause);
	leg_free(leg);
	release_both(call, cause, CDR_REL_NP700);
}

static void rx_rlc(struct isup_call *call, struct isup_leg *from)
{
	if (!from->rel_sent) {
		/* RLC on a busy circuit np700 did not release (Q.764 §2.9.5.1): the far end has freed
		 * it, so the circuit is free here too and the call ends */
		isup_ctr_inc(call->r, ISUP_CTR_RX_UNEXPECTED);
		LOGPFSML(call->fi, LOGL_NOTICE, "RLC on PC %u CIC %u without a REL, call released\n", from->pc,
			 from->cic);
		leg_lost(call, from, "unexpected RLC", 31);
		return;
	}
	leg_free(from);
	check_done(call);
}

void isup_call_rx(struct isup_call *call, struct isup_circuit *c, struct isup_msg *m, const uint8_t *data,
		  size_t len)
{
	struct isup_leg *from = leg_on(call, c);
	struct isup_rx rx = { .m = m, .data = data, .len = len };

	if (!from) {
		isup_ctr_inc(call->r, ISUP_CTR_RX_UNEXPECTED);
		return;
	}
	osmo_fsm_inst_dispatch(call->fi, from->side == ISUP_LEG_IN ? ISUP_CEV_RX_IN : ISUP_CEV_RX_OUT, &rx);
}

struct isup_cgroup *isup_call_leg_reset(struct isup_call *call, struct isup_circuit *c, uint8_t cause,
					bool may_repeat)
{
	struct isup_leg *leg = leg_on(call, c);
	struct isup_cgroup *cg;

	if (!leg)
		return NULL;
	LOGPFSML(call->fi, LOGL_NOTICE, "circuit PC %u CIC %u reset by the far end\n", leg->pc, leg->cic);
	if (may_repeat && leg == &call->out && attempt_unanswered(call)) {
		/* np700's IAM before any backward message: the call is kept for a repeat attempt
		 * (Q.764 §2.9.3.1) once the caller has answered the reset */
		cg = leg->cg;
		leg_free(leg);
		return cg;
	}
	leg_lost(call, leg, "circuit reset", cause);
	return NULL;
}

void isup_call_link_lost(struct isup_call *call)
{
	LOGPFSML(call->fi, LOGL_NOTICE, "signalling link lost, call released locally\n");
	isup_ctr_inc(call->r, ISUP_CTR_LINK_LOST);
	set_outcome(call, call->cdr.t_answer ? CDR_OUT_ANSWERED : CDR_OUT_FAILED, "link lost", 41);
	if (call->cdr.released_by == CDR_REL_NONE)
		call->cdr.released_by = CDR_REL_NP700;
	osmo_timer_del(&call->t_maxdur);
	/* no REL can go out: the circuits are free here, the GRS after recovery frees them there */
	leg_free(&call->in);
	leg_free(&call->out);
	check_done(call);
}

/* --- FSM --- */

static const struct value_string call_event_names[] = {
	{ ISUP_CEV_RX_IN, "RX_IN" },
	{ ISUP_CEV_RX_OUT, "RX_OUT" },
	{ 0, NULL }
};

static void call_fsm_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_call *call = fi->priv;
	struct isup_rx *rx = data;
	struct isup_msg *m = rx->m;
	struct isup_leg *from = event == ISUP_CEV_RX_IN ? &call->in : &call->out;

	switch (m->type) {
	case ISUP_MSGT_REL:
		rx_rel(call, from, m);
		return;
	case ISUP_MSGT_RLC:
		rx_rlc(call, from);
		return;
	}
	if (fi->state == ISUP_CST_COLLECT) {
		if (m->type == ISUP_MSGT_SAM)
			rx_sam(call, m);
		else
			isup_ctr_inc(call->r, ISUP_CTR_RX_DISCARDED);
		return;
	}
	if (m->type == ISUP_MSGT_SAM) {
		/* the number was complete already */
		isup_ctr_inc(call->r, ISUP_CTR_RX_DISCARDED);
		return;
	}
	if (event == ISUP_CEV_RX_OUT && fi->state != ISUP_CST_RELEASING) {
		call->backward_seen = true;
		switch (m->type) {
		case ISUP_MSGT_ACM:
			call->cdr.t_alert = isup_now_us();
			if (fi->state == ISUP_CST_WAIT_ACM)
				osmo_fsm_inst_state_chg(fi, ISUP_CST_ALERTING, tdef_s(call->r, 9), 9);
			break;
		case ISUP_MSGT_CPG:
			if (!call->cdr.t_alert && m->fixed[0].val && (m->fixed[0].val[0] & 0x7f) == 1)
				call->cdr.t_alert = isup_now_us();
			break;
		case ISUP_MSGT_CON:
		case ISUP_MSGT_ANM:
			if (fi->state == ISUP_CST_ANSWERED)
				break;
			call->cdr.t_answer = isup_now_us();
			isup_ctr_inc(call->r, ISUP_CTR_ANSWERED);
			osmo_fsm_inst_state_chg(fi, ISUP_CST_ANSWERED, 0, 0);
			if (call->d.max_duration_s)
				osmo_timer_schedule(&call->t_maxdur, call->d.max_duration_s, 0);
			break;
		}
	}
	relay(call, from, m, rx->data, rx->len);
}

static int call_fsm_timer_cb(struct osmo_fsm_inst *fi)
{
	struct isup_call *call = fi->priv;

	isup_ctr_inc(call->r, ISUP_CTR_TIMEOUT);
	switch (fi->T) {
	case 35:
		reject_in(call, CDR_OUT_FAILED, "address incomplete (T35)", 28);
		break;
	case 7:
		set_outcome(call, CDR_OUT_FAILED, "no address complete (T7)", 102);
		release_both(call, 102, CDR_REL_NP700);
		break;
	case 9:
		set_outcome(call, CDR_OUT_UNANSWERED, "no answer (T9)", 19);
		release_both(call, 19, CDR_REL_NP700);
		break;
	}
	return 0;
}

/* the call is over (both legs free, or the relay goes): its record, counters, lists */
static void call_end(struct isup_call *call)
{
	struct isup_relay *r = call->r;

	call->ended = true;
	leg_free(&call->in);
	leg_free(&call->out);
	osmo_timer_del(&call->t_maxdur);
	if (!call->cdr.reason && call->cdr.t_answer)
		call->cdr.outcome = CDR_OUT_ANSWERED;
	call->cdr.t_release = isup_now_us();
	if (r->cdr_cb)
		r->cdr_cb(r->cdr_priv, &call->cdr);
	if (r->g && r->g->cdr)
		cdr_write(r->g->cdr, &call->cdr, now_s());
	llist_del(&call->list);
	r->num_calls--;
	if (call->admitted)
		r->n_admitted--;
}

static void call_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct isup_call *call = fi->priv;

	/* a live call terminated with the relay; a pooled one has ended already */
	if (!call->ended)
		call_end(call);
}

#define ALL_EV	(S(ISUP_CEV_RX_IN) | S(ISUP_CEV_RX_OUT))
#define ALL_ST	(S(ISUP_CST_COLLECT) | S(ISUP_CST_WAIT_ACM) | S(ISUP_CST_ALERTING) | S(ISUP_CST_ANSWERED) | \
		 S(ISUP_CST_RELEASING) | S(ISUP_CST_IDLE))

static const struct osmo_fsm_state call_fsm_states[] = {
	[ISUP_CST_COLLECT] = { .name = "COLLECT", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
			       .action = call_fsm_action },
	[ISUP_CST_WAIT_ACM] = { .name = "WAIT_ACM", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				.action = call_fsm_action },
	[ISUP_CST_ALERTING] = { .name = "ALERTING", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				.action = call_fsm_action },
	[ISUP_CST_ANSWERED] = { .name = "ANSWERED", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				.action = call_fsm_action },
	[ISUP_CST_RELEASING] = { .name = "RELEASING", .in_event_mask = ALL_EV, .out_state_mask = ALL_ST,
				 .action = call_fsm_action },
	/* an ended call's instance in the pool (isup_call_pool.c): no event, and no state change out
	 * (isup_call_obj_get() puts it back in COLLECT as a new instance) */
	[ISUP_CST_IDLE] = { .name = "IDLE" },
};

struct osmo_fsm isup_call_fsm = {
	.name = "isup_call",
	.states = call_fsm_states,
	.num_states = ARRAY_SIZE(call_fsm_states),
	.timer_cb = call_fsm_timer_cb,
	.cleanup = call_fsm_cleanup,
	.event_names = call_event_names,
	.log_subsys = DISUP,
};

static __attribute__((constructor)) void isup_call_fsm_register(void)
{
	OSMO_ASSERT(osmo_fsm_register(&isup_call_fsm) == 0);
}
