/* ISUP relay: receive dispatch, circuit supervision (RSC, GRS, BLO/UBL, CGB/CGU), transmit,
 * counters. The call logic is in isup_call.c. */
#include <errno.h>
#include <ctype.h>
#include <string.h>
#include <stdio.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/stats.h>

#include <np700/clock.h>
#include <np700/isup_internal.h>
#include <np700/logging.h>
#include <np700/np700.h>

/* message types counted one by one; everything else is "other" */
static const uint8_t ctr_msg_types[] = {
	ISUP_MSGT_IAM, ISUP_MSGT_SAM, ISUP_MSGT_INR, ISUP_MSGT_INF, ISUP_MSGT_COT, ISUP_MSGT_ACM, ISUP_MSGT_CON,
	ISUP_MSGT_FOT, ISUP_MSGT_ANM, ISUP_MSGT_REL, ISUP_MSGT_SUS, ISUP_MSGT_RES, ISUP_MSGT_RLC, ISUP_MSGT_CCR,
	ISUP_MSGT_RSC, ISUP_MSGT_BLO, ISUP_MSGT_UBL, ISUP_MSGT_BLA, ISUP_MSGT_UBA, ISUP_MSGT_GRS, ISUP_MSGT_CGB,
	ISUP_MSGT_CGU, ISUP_MSGT_CGBA, ISUP_MSGT_CGUA, ISUP_MSGT_FAR, ISUP_MSGT_FAA, ISUP_MSGT_FRJ, ISUP_MSGT_LPA,
	ISUP_MSGT_PAM, ISUP_MSGT_GRA, ISUP_MSGT_CQM, ISUP_MSGT_CQR, ISUP_MSGT_CPG, ISUP_MSGT_USR, ISUP_MSGT_UCIC,
	ISUP_MSGT_CFN, ISUP_MSGT_OLM, ISUP_MSGT_NRM, ISUP_MSGT_FAC, ISUP_MSGT_UPT, ISUP_MSGT_UPA, ISUP_MSGT_IDR,
	ISUP_MSGT_IRS, ISUP_MSGT_SGM, ISUP_MSGT_APT, ISUP_MSGT_PRI,
};

static const struct rate_ctr_desc fixed_ctr_desc[] = {
	[ISUP_CTR_RX_MALFORMED] = { "rx:malformed", "Received messages that do not parse (not forwarded)" },
	[ISUP_CTR_RX_UNKNOWN_CIC] = { "rx:unknown_cic", "Received messages for a circuit of no circuit group" },
	[ISUP_CTR_RX_UNEXPECTED] = { "rx:unexpected", "Received messages not expected in the circuit's state" },
	[ISUP_CTR_RX_UNKNOWN_MSG] = { "rx:unknown_msg", "Received messages of an unknown type (passed on)" },
	[ISUP_CTR_RX_DISCARDED] = { "rx:discarded", "Received messages discarded (no peer leg, Q.764 rules)" },
	[ISUP_CTR_TX_ERROR] = { "tx:error", "Messages the transport refused" },
	[ISUP_CTR_CALLS] = { "call:attempts", "Incoming call attempts (IAM)" },
	[ISUP_CTR_TRANSLATED] = { "call:translated", "Calls translated and sent on" },
	[ISUP_CTR_ANSWERED] = { "call:answered", "Calls answered" },
	[ISUP_CTR_NO_ROUTE] = { "call:no_route", "Calls without a route for the translated number" },
	[ISUP_CTR_NO_CIRCUIT] = { "call:no_circuit", "Calls without an idle outgoing circuit" },
	[ISUP_CTR_DUAL_SEIZURE] = { "call:dual_seizure", "Dual seizures of a circuit" },
	[ISUP_CTR_OVERLAP] = { "call:overlap", "Calls that needed subsequent address messages" },
	[ISUP_CTR_MAXDUR] = { "call:max_duration", "Calls released at the binding's maximum duration" },
	[ISUP_CTR_TIMEOUT] = { "call:timeout", "Calls released by T7, T9 or T35" },
	[ISUP_CTR_SHED] = { "call:shed", "Call attempts shed by the admission limits (overload)" },
	[ISUP_CTR_LINK_LOST] = { "call:link_lost", "Calls released locally when the signalling link went down" },
	[ISUP_CTR_GRS_TX] = { "reset:sent", "Circuit resets (GRS, RSC) sent: start-up, link loss, T5, VTY" },
	[ISUP_CTR_MAINT_TX] = { "maint:sent", "Maintenance blocking/unblocking (BLO, UBL) sent" },
	[ISUP_CTR_MAINT_TIMEOUT] = { "maint:repeated", "RSC/GRS/BLO/UBL repeated for want of an acknowledgement" },
};

static struct osmo_tdef isup_tdefs_default[] = {
	{ .T = 1, .default_val = 15, .unit = OSMO_TDEF_S, .desc = "Awaiting RLC after REL: repeat REL" },
	{ .T = 5, .default_val = 300, .unit = OSMO_TDEF_S, .desc = "Awaiting RLC after the first REL: send RSC" },
	{ .T = 7, .default_val = 20, .unit = OSMO_TDEF_S, .desc = "Awaiting ACM/CON/ANM after IAM" },
	{ .T = 9, .default_val = 90, .unit = OSMO_TDEF_S, .desc = "Awaiting ANM after ACM" },
	{ .T = 35, .default_val = 15, .unit = OSMO_TDEF_S, .desc = "Awaiting further digits (overlap)" },
	{ .T = 22, .default_val = 15, .unit = OSMO_TDEF_S, .desc = "Awaiting GRA after GRS: repeat GRS" },
	{ .T = 23, .default_val = 300, .unit = OSMO_TDEF_S, .desc = "Awaiting GRA after the first GRS: repeat at T23" },
	{ .T = 12, .default_val = 15, .unit = OSMO_TDEF_S, .desc = "Awaiting BLA after BLO: repeat BLO" },
	{ .T = 13, .default_val = 300, .unit = OSMO_TDEF_S, .desc = "Awaiting BLA after the first BLO: repeat at T13" },
	{ .T = 14, .default_val = 15, .unit = OSMO_TDEF_S, .desc = "Awaiting UBA after UBL: repeat UBL" },
	{ .T = 15, .default_val = 300, .unit = OSMO_TDEF_S, .desc = "Awaiting UBA after the first UBL: repeat at T15" },
	{ .T = 16, .default_val = 15, .unit = OSMO_TDEF_S, .desc = "Awaiting RLC after RSC: repeat RSC" },
	{ .T = 17, .default_val = 300, .unit = OSMO_TDEF_S, .desc = "Awaiting RLC after the first RSC: repeat at T17" },
	{}
};

static int msg_ctr_idx(struct isup_relay *r, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctr_msg_types); i++) {
		if (ctr_msg_types[i] == type)
			return i;
	}
	return ARRAY_SIZE(ctr_msg_types);
}

void isup_ctr_inc(struct isup_relay *r, unsigned int idx)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(r->ctrs, idx));
}

static void lower_name(char *out, size_t len, const char *pfx, const char *name)
{
	char *p;

	snprintf(out, len, "%s%s", pfx, name);
	for (p = out; *p; p++) {
		if (isalnum((unsigned char)*p) || *p == ':')
			*p = tolower((unsigned char)*p);
		else
			*p = '_';
	}
}

static struct rate_ctr_group *alloc_ctrs(struct isup_relay *r)
{
	unsigned int n_msg = ARRAY_SIZE(ctr_msg_types) + 1;
	unsigned int n = ISUP_CTR_RX_BASE + 2 * n_msg, i;
	struct rate_ctr_group_desc *gd;
	struct rate_ctr_desc *d;
	char name[64];

	gd = talloc_zero(r, struct rate_ctr_group_desc);
	d = talloc_zero_array(gd, struct rate_ctr_desc, n);
	memcpy(d, fixed_ctr_desc, sizeof(fixed_ctr_desc));
	for (i = 0; i < _NP700_REJ_NUM; i++) {
		lower_name(name, sizeof(name), "reject:", np700_reject_name(i));
		d[ISUP_CTR_REJ_BASE + i].name = talloc_strdup(gd, name);
		d[ISUP_CTR_REJ_BASE + i].description = talloc_asprintf(gd, "Calls rejected: %s", np700_reject_name(i));
	}
	for (i = 0; i < n_msg; i++) {
		const char *mt = i < ARRAY_SIZE(ctr_msg_types) ? isup_msg_type_name(ctr_msg_types[i]) : "other";

		lower_name(name, sizeof(name), "rx:", mt);
		d[ISUP_CTR_RX_BASE + i].name = talloc_strdup(gd, name);
		d[ISUP_CTR_RX_BASE + i].description = talloc_asprintf(gd, "Received %s messages", mt);
		lower_name(name, sizeof(name), "tx:", mt);
		d[ISUP_CTR_RX_BASE + n_msg + i].name = talloc_strdup(gd, name);
		d[ISUP_CTR_RX_BASE + n_msg + i].description = talloc_asprintf(gd, "Sent %s messages", mt);
	}
	gd->group_name_prefix = "isup";
	gd->group_description = "ISUP relay";
	gd->class_id = OSMO_STATS_CLASS_GLOBAL;
	gd->num_ctr = n;
	gd->ctr_desc = d;
	r->n_msg_ctrs = n_msg;
	return rate_ctr_group_alloc(r, gd, 0);
}

static int relay_talloc_destructor(struct isup_relay *r)
{
	struct isup_call *call, *tmp;

	/* calls hold timers: end them before the memory goes */
	llist_for_each_entry_safe(call, tmp, &r->calls, list)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REQUEST, NULL);
	isup_call_pool_free(r);
	isup_guard_free(r);
	isup_maint_free(r);
	rate_ctr_group_free(r->ctrs);
	return 0;
}

struct isup_relay *isup_relay_alloc(void *ctx, struct np700 *g, isup_tx_cb tx, void *priv)
{
	struct isup_relay *r = talloc_zero(ctx, struct isup_relay);
	unsigned int i;

	if (!r)
		return NULL;
	r->ctx = ctx;
	r->g = g;
	r->tx = tx;
	r->tx_priv = priv;
	r->own_pc = 0xffffffff;
	INIT_LLIST_HEAD(&r->cgroups);
	INIT_LLIST_HEAD(&r->routes);
	INIT_LLIST_HEAD(&r->calls);
	INIT_LLIST_HEAD(&r->call_pool);
	r->tdefs = talloc_memdup(r, isup_tdefs_default, sizeof(isup_tdefs_default));
	osmo_tdefs_reset(r->tdefs);
	/* Q.850 defaults: a rejected caller hears "call rejected", a number outside any binding
	 * "unallocated number" */
	for (i = 0; i < _NP700_REJ_NUM; i++)
		r->reject_cause[i] = 21;
	r->reject_cause[NP700_REJ_NOT_PROTECTED] = 1;
	r->reject_cause[NP700_REJ_INVALID_NUMBER] = 28;
	r->reject_cause[NP700_REJ_UNKNOWN_NUMBER] = 1;
	r->reject_cause[NP700_REJ_NO_BINDING] = 1;
	r->reject_cause[NP700_REJ_EXPIRED] = 1;
	r->reject_cause[NP700_REJ_RATE_LIMIT] = 42;
	r->reject_cause[NP700_REJ_STORE_ERROR] = 41;
	r->maxdur_cause = 16;
	isup_guard_init(r);
	isup_maint_init(r);
	r->ctrs = alloc_ctrs(r);
	if (!r->ctrs) {
		talloc_free(r);
		return NULL;
	}
	talloc_set_destructor(r, relay_talloc_destructor);
	return r;
}

void isup_relay_set_tx(struct isup_relay *r, isup_tx_cb tx, void *priv)
{
	r->tx = tx;
	r->tx_priv = priv;
}

void isup_relay_set_cdr_cb(struct isup_relay *r, isup_cdr_cb cb, void *priv)
{
	r->cdr_cb = cb;
	r->cdr_priv = priv;
}

void isup_relay_set_own_pc(struct isup_relay *r, uint32_t pc)
{
	r->own_pc = pc;
}

void isup_relay_set_routing_prefix(struct isup_relay *r, const char *prefix)
{
	r->rn_prefix = prefix;
}

void isup_relay_set_default_pc(struct isup_relay *r, uint32_t pc)
{
	if (!r->own_pc_configured)
		r->own_pc = pc;
}

void isup_relay_set_variant(struct isup_relay *r, enum isup_variant v)
{
	r->variant = v;
}

void isup_relay_set_reject_cause(struct isup_relay *r, enum np700_reject reason, uint8_t cause)
{
	if (reason < _NP700_REJ_NUM)
		r->reject_cause[reason] = cause & 0x7f;
}

uint8_t isup_relay_get_reject_cause(struct isup_relay *r, enum np700_reject reason)
{
	return reason < _NP700_REJ_NUM ? r->reject_cause[reason] : 31;
}

void isup_relay_set_max_duration_cause(struct isup_relay *r, uint8_t cause)
{
	r->maxdur_cause = cause & 0x7f;
}

struct osmo_tdef *isup_relay_tdefs(struct isup_relay *r)
{
	return r->tdefs;
}

unsigned int isup_relay_num_calls(const struct isup_relay *r)
{
	return r->num_calls;
}

uint64_t isup_now_us(void)
{
	return np700_now_us();
}

/* --- transmit --- */

int isup_relay_send_raw(struct isup_relay *r, uint32_t dpc, const uint8_t *data, size_t len)
{
	uint16_t cic = data[0] | ((data[1] & 0x0f) << 8);
	int rc;

	isup_ctr_inc(r, ISUP_CTR_RX_BASE + r->n_msg_ctrs + msg_ctr_idx(r, data[2]));
	LOGP(DISUP, LOGL_DEBUG, "tx %s CIC %u to PC %u (%zu octets)\n", isup_msg_type_name(data[2]), cic, dpc, len);
	if (!r->tx) {
		isup_ctr_inc(r, ISUP_CTR_TX_ERROR);
		return -ENOTCONN;
	}
	/* SLS from the CIC: every message of one circuit takes the same link (in-sequence delivery) */
	rc = r->tx(r->tx_priv, r->own_pc, dpc, cic & 0x0f, data, len);
	if (rc < 0) {
		isup_ctr_inc(r, ISUP_CTR_TX_ERROR);
		LOGP(DISUP, LOGL_ERROR, "tx %s CIC %u to PC %u failed: %d\n", isup_msg_type_name(data[2]), cic, dpc,
		     rc);
	}
	return rc;
}

int isup_relay_send(struct isup_relay *r, uint32_t dpc, struct isup_msg *m)
{
	uint8_t out[ISUP_MSG_MAX];
	int len = isup_msg_encode(m, out, sizeof(out));

	if (len < 0) {
		isup_ctr_inc(r, ISUP_CTR_TX_ERROR);
		LOGP(DISUP, LOGL_ERROR, "cannot encode %s: %d\n", isup_msg_type_name(m->type), len);
		return len;
	}
	return isup_relay_send_raw(r, dpc, out, len);
}

int isup_relay_send_simple(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t type)
{
	uint8_t out[4];
	size_t len = 3;

	isup_cic_put(r->variant, out, cic, 0);
	out[2] = type;
	/* RLC and the like have an (empty) optional part pointer */
	if (isup_msg_def_get(r->variant, type) && isup_msg_def_get(r->variant, type)->opt)
		out[len++] = 0;
	return isup_relay_send_raw(r, dpc, out, len);
}

int isup_relay_send_rel(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t cause, uint8_t *copy,
			size_t *copy_len)
{
	struct isup_msg m;
	uint8_t v[2], out[16];
	int len;

	isup_msg_init(&m, r->variant, ISUP_MSGT_REL, cic);
	/* location: public network serving the local user, as a transit node would say */
	isup_cause_encode(v, 2, cause);
	isup_msg_set(&m, ISUP_PAR_CAUSE, v, 2);
	len = isup_msg_encode(&m, out, sizeof(out));
	if (len < 0)
		return len;
	if (copy) {
		memcpy(copy, out, len);
		*copy_len = len;
	}
	return isup_relay_send_raw(r, dpc, out, len);
}

/*! CFN with \a cause (Q.764 §2.9.5.3: the answer to a message np700 discards). */
int isup_relay_send_cfn(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t cause)
{
	struct isup_msg m;
	uint8_t v[2];

	isup_msg_init(&m, r->variant, ISUP_MSGT_CFN, cic);
	isup_cause_encode(v, 2, cause);
	isup_msg_set(&m, ISUP_PAR_CAUSE, v, 2);
	return isup_relay_send(r, dpc, &m);
}

static void send_range_msg(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t type, const uint8_t *cgsmt,
			   const struct isup_range_status *rs)
{
	struct isup_msg m;
	uint8_t v[40];
	int len;

	isup_msg_init(&m, r->variant, type, cic);
	if (cgsmt)
		isup_msg_set(&m, ISUP_PAR_CGSMT, cgsmt, 1);
	len = isup_range_status_encode(v, sizeof(v), rs);
	isup_msg_set(&m, ISUP_PAR_RANGE_STATUS, v, len);
	isup_relay_send(r, dpc, &m);
}

/* --- circuit supervision --- */

/* The far end reset circuit \a c: any call on it loses that leg, the other leg is released; with
 * \a may_repeat, np700's unanswered IAM on it is kept for a repeat attempt: the group for it is
 * returned (see isup_call_leg_reset()). */
static struct isup_cgroup *circuit_reset(struct isup_relay *r, uint32_t opc, struct isup_circuit *c,
					 bool may_repeat)
{
	struct isup_cgroup *cg = c->call ? isup_call_leg_reset(c->call, c, 41, may_repeat) : NULL;

	isup_maint_far_reset(r, opc, c->cic);
	c->state = ISUP_CIRC_IDLE;
	/* "if at the receiving end the circuit is remotely blocked, the reset removes that" (Q.763) */
	isup_circuit_unblock_remote(c);
	return cg;
}

static void rx_rsc(struct isup_relay *r, struct isup_circuit *c, uint32_t opc)
{
	struct isup_call *call = c->call;
	struct isup_cgroup *cg = circuit_reset(r, opc, c, true);

	isup_relay_send_simple(r, opc, c->cic, ISUP_MSGT_RLC);
	/* the far end forgot our maintenance blocking with the reset: block again (Q.764 §2.9.3.1 c) */
	if (c->blk_local)
		isup_maint_start(r, ISUP_MSGT_BLO, opc, c->cic, 0);
	/* after the RLC: the repeated IAM may take the circuit just reset */
	if (cg)
		isup_call_repeat(call, cg, "circuit reset before any backward message");
}

/* np700's IAMs kept for a repeat attempt while a group message is processed: repeated only once
 * the whole range is done and acknowledged, so that no repeat seizes a circuit of that range */
struct repeat_list {
	unsigned int n;
	struct {
		struct isup_call *call;
		struct isup_cgroup *cg;
	} e[ISUP_RANGE_MAX + 1];
};

/* The far end's group message takes circuit \a c of the range from \a first: the call on it, if
 * np700's unanswered IAM, may be repeated, unless its incoming leg is in the same range too (then
 * the call ends with the range and is not touched again after the loop). */
static bool may_repeat_in_range(const struct isup_circuit *c, uint32_t opc, uint16_t first, uint8_t range)
{
	const struct isup_leg *in = &c->call->in;

	return !(in->busy && in->pc == opc && in->cic >= first && in->cic <= first + range);
}

static void repeat_add(struct repeat_list *l, struct isup_call *call, struct isup_cgroup *cg)
{
	if (cg && l->n < ARRAY_SIZE(l->e)) {
		l->e[l->n].call = call;
		l->e[l->n].cg = cg;
		l->n++;
	}
}

static void repeat_all(struct repeat_list *l, const char *why)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		isup_call_repeat(l->e[i].call, l->e[i].cg, why);
}

static int rx_grs(struct isup_relay *r, struct isup_cgroup *cg, uint32_t opc, struct isup_msg *m)
{
	struct isup_range_status rs, ans = {};
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_RANGE_STATUS);
	struct repeat_list rep = {};
	unsigned int i;

	if (!p || isup_range_status_decode(p->val, p->len, &rs) < 0 || rs.range == 0 || rs.range > ISUP_RANGE_MAX)
		return -EINVAL;
	ans.range = rs.range;
	ans.has_status = true;
	for (i = 0; i <= rs.range; i++) {
		struct isup_circuit *c = isup_circuit_find(r, opc, m->cic + i, NULL);
		struct isup_call *call;

		if (!c)
			continue;
		call = c->call;
		/* as for RSC, np700's IAM before any backward message is repeated (Q.764 2.9.3.2) */
		repeat_add(&rep, call, circuit_reset(r, opc, c, call && may_repeat_in_range(c, opc, m->cic, rs.range)));
		/* GRA status: 1 = locally blocked for maintenance */
		if (c->blk_local)
			ans.status[i / 8] |= 1 << (i % 8);
	}
	send_range_msg(r, opc, m->cic, ISUP_MSGT_GRA, NULL, &ans);
	repeat_all(&rep, "circuit group reset before any backward message");
	return 0;
}

/* Circuit query (Q.764 §2.8.3): answer with the state of every circuit of the range. */
static int rx_cqm(struct isup_relay *r, uint32_t opc, struct isup_msg *m)
{
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_RANGE_STATUS);
	struct isup_range_status rs;
	struct isup_msg *ans;
	uint8_t csi[32], range;
	unsigned int i;
	int rc;

	if (!p || isup_range_status_decode(p->val, p->len, &rs) < 0 || rs.range > ISUP_RANGE_MAX)
		return -EINVAL;
	for (i = 0; i <= rs.range; i++) {
		struct isup_circuit *c = isup_circuit_find(r, opc, m->cic + i, NULL);
		uint8_t dc, ba;

		if (!c) {
			/* Q.763 §3.14: call processing state (DC) 00, maintenance blocking state (BA)
			 * 11 "unequipped" */
			csi[i] = 0x03;
			continue;
		}
		/* transient (all 0): an IAM or a REL (RSC) awaiting the first answer, a BLO or UBL
		 * awaiting its acknowledgement (Q.764 2.9.3.2) */
		if (c->resetting || (c->call && isup_call_transient(c->call, c)) ||
		    isup_maint_blocking_pending(r, opc, c->cic)) {
			csi[i] = 0x00;
			continue;
		}
		dc = c->state == ISUP_CIRC_INCOMING ? 1 : c->state == ISUP_CIRC_OUTGOING ? 2 : 3;
		ba = (c->blk_local ? 1 : 0) | (c->blk_remote ? 2 : 0);
		/* FE, hardware blocking: np700 never blocks for hardware; a hardware blocked circuit
		 * is reported idle (DC 11, Q.763 3.14 note) */
		if (c->blk_remote_hw)
			dc = 3;
		csi[i] = (c->blk_remote_hw ? 0x20 : 0) | (dc << 2) | ba;
	}
	ans = talloc(r, struct isup_msg);
	if (!ans)
		return -ENOMEM;
	isup_msg_init(ans, r->variant, ISUP_MSGT_CQR, m->cic);
	range = rs.range;
	isup_msg_set(ans, ISUP_PAR_RANGE_STATUS, &range, 1);
	isup_msg_set(ans, ISUP_PAR_CSI, csi, rs.range + 1);
	rc = isup_relay_send(r, opc, ans);
	talloc_free(ans);
	return rc;
}

/* circuit \a i of a CGB/CGU's range if its status bit is set and np700 has it, else NULL */
static struct isup_circuit *range_circuit(struct isup_relay *r, uint32_t opc, const struct isup_msg *m,
					  const struct isup_range_status *rs, unsigned int i)
{
	if (!(rs->status[i / 8] & (1 << (i % 8))))
		return NULL;
	return isup_circuit_find(r, opc, m->cic + i, NULL);
}

static int rx_cgb_cgu(struct isup_relay *r, uint32_t opc, struct isup_msg *m)
{
	struct isup_range_status rs;
	const struct isup_param *p = isup_msg_get(m, ISUP_PAR_RANGE_STATUS);
	const struct isup_param *t = isup_msg_get(m, ISUP_PAR_CGSMT);
	bool block = m->type == ISUP_MSGT_CGB;
	bool hw = t && (t->val[0] & 0x03) == 0x01;
	struct repeat_list rep = {};
	unsigned int i;

	if (!p || !t || isup_range_status_decode(p->val, p->len, &rs) < 0 || !rs.has_status || rs.range == 0 ||
	    rs.range > ISUP_RANGE_MAX)
		return -EINVAL;
	for (i = 0; i <= rs.range; i++) {
		struct isup_circuit *c = range_circuit(r, opc, m, &rs, i);
		struct isup_call *call;

		if (!c)
			continue;
		if (hw)
			c->blk_remote_hw = block;
		else
			c->blk_remote = block;
		call = c->call;
		/* hardware failure oriented blocking ends the calls on those circuits without REL
		 * (Q.764 2.8.2.3); np700's IAM before any backward message is repeated elsewhere */
		if (block && hw && call)
			repeat_add(&rep, call, isup_call_leg_reset(call, c, 41, may_repeat_in_range(c, opc, m->cic,
												   rs.range)));
	}
	/* acknowledge with the same type indicator, range and status */
	send_range_msg(r, opc, m->cic, block ? ISUP_MSGT_CGBA : ISUP_MSGT_CGUA, t->val, &rs);
	repeat_all(&rep, "circuit group blocked (hardware) before any backward message");
	/* maintenance oriented: as for BLO, the calls go on, but np700's IAM before any backward
	 * message is released and repeated (Q.764 2.8.2.1); the circuits are blocked now, so no
	 * repeat takes one of them */
	for (i = 0; block && !hw && i <= rs.range; i++) {
		struct isup_circuit *c = range_circuit(r, opc, m, &rs, i);

		if (c && c->call)
			isup_call_rx_blo(c->call, c);
	}
	return 0;
}

/* An acknowledgement np700 did not ask for: where the far end's idea of np700's blocking is not
 * np700's, np700 says it again (Q.764 2.9.2.3 iv, v); otherwise it is discarded. */
static void rx_unexpected_ack(struct isup_relay *r, struct isup_circuit *c, uint32_t opc, uint8_t type)
{
	uint8_t again = 0;

	if (type == ISUP_MSGT_BLA && !c->blk_local)
		again = ISUP_MSGT_UBL;
	else if (type == ISUP_MSGT_UBA && c->blk_local)
		again = ISUP_MSGT_BLO;
	if (again) {
		LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: unexpected %s, the circuit is %sblocked here: %s\n", opc, c->cic,
		     isup_msg_type_name(type), c->blk_local ? "" : "not ", isup_msg_type_name(again));
		isup_maint_start(r, again, opc, c->cic, 0);
		return;
	}
	isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
	LOGP(DISUP, LOGL_INFO, "PC %u CIC %u: %s for nothing np700 sent, discarded\n", opc, c->cic,
	     isup_msg_type_name(type));
}

static void rx_unknown_msg(struct isup_relay *r, struct isup_circuit *c, uint32_t opc, struct isup_msg *m,
			   const uint8_t *data, size_t len)
{
	struct isup_msg_compat mc;

	isup_ctr_inc(r, ISUP_CTR_RX_UNKNOWN_MSG);
	if (c->call) {
		isup_call_rx(c->call, c, m, data, len);
		return;
	}
	/* not call-related and nobody to pass it to: discarded, and the sender is told with a CFN
	 * (Q.764 §2.9.5.3) unless the message's compatibility information asks for no notification */
	LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: unknown message type 0x%02x on an idle circuit, discarded\n", opc,
	     m->cic, m->type);
	isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
	if (isup_unknown_msg_compat(m, &mc) == 0 && mc.present && !mc.send_notification)
		return;
	isup_relay_send_cfn(r, opc, m->cic, 97);
}

int isup_relay_mtp_rx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	return isup_relay_rx(priv, opc, dpc, sls, data, len);
}

struct isup_msg *isup_relay_msg_alloc(struct isup_relay *r)
{
	if (r->n_msg_spare)
		return r->msg_spare[--r->n_msg_spare];
	return talloc(r, struct isup_msg);
}

void isup_relay_msg_free(struct isup_relay *r, struct isup_msg *m)
{
	if (!m)
		return;
	if (r->n_msg_spare < ARRAY_SIZE(r->msg_spare))
		r->msg_spare[r->n_msg_spare++] = m;
	else
		talloc_free(m);
}

int isup_relay_rx(struct isup_relay *r, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct isup_msg *m;
	struct isup_cgroup *cg = NULL;
	struct isup_circuit *c;
	enum isup_err err;
	size_t err_off;
	uint16_t cic;
	uint8_t type;
	int rc;

	if (isup_cic_peek(r->variant, data, len, &cic, &type) < 0) {
		isup_ctr_inc(r, ISUP_CTR_RX_MALFORMED);
		LOGP(DISUP, LOGL_NOTICE, "PC %u: message of %zu octets, too short for CIC and type\n", opc, len);
		return -EINVAL;
	}
	isup_ctr_inc(r, ISUP_CTR_RX_BASE + msg_ctr_idx(r, type));
	if (r->own_pc == 0xffffffff)
		r->own_pc = dpc;

	c = isup_circuit_find(r, opc, cic, &cg);
	if (!c) {
		isup_ctr_inc(r, ISUP_CTR_RX_UNKNOWN_CIC);
		LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: %s for a circuit of no circuit group\n", opc, cic,
		     isup_msg_type_name(type));
		/* tell the sender the circuit is unequipped here (Q.764 §2.12), but never answer
		 * UCIC with UCIC */
		if (type != ISUP_MSGT_UCIC)
			isup_relay_send_simple(r, opc, cic, ISUP_MSGT_UCIC);
		return 0;
	}

	/* struct isup_msg is large; one per message off the stack keeps deep stacks small */
	m = isup_relay_msg_alloc(r);
	if (!m)
		return -ENOMEM;
	rc = isup_msg_parse(m, r->variant, data, len, &err, &err_off);
	if (rc < 0) {
		isup_ctr_inc(r, ISUP_CTR_RX_MALFORMED);
		LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: malformed %s: %s at octet %zu, not forwarded\n", opc, cic,
		     isup_msg_type_name(type), isup_err_name(err), err_off);
		/* Q.764 §2.9.5: a broken IAM is refused with a cause; anything else is discarded,
		 * never passed on half-understood; but a REL on an idle circuit is still confirmed, so
		 * that the far end frees it (Q.764 §2.9.5.1 b) */
		if (type == ISUP_MSGT_IAM && !c->call)
			isup_call_reject_malformed(r, cg, c, opc, isup_err_cause(err));
		else if (type == ISUP_MSGT_REL && !c->call)
			isup_relay_send_simple(r, opc, cic, ISUP_MSGT_RLC);
		goto out;
	}

	switch (type) {
	case ISUP_MSGT_IAM:
		isup_call_rx_iam(r, cg, c, opc, m, data, len);
		break;
	case ISUP_MSGT_RSC:
		rx_rsc(r, c, opc);
		break;
	case ISUP_MSGT_GRS:
		if (rx_grs(r, cg, opc, m) < 0) {
			isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
			LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: GRS with an invalid range, discarded\n", opc, cic);
		}
		break;
	case ISUP_MSGT_CGB:
	case ISUP_MSGT_CGU:
		if (rx_cgb_cgu(r, opc, m) < 0) {
			isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
			LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: %s with an invalid range/status, discarded\n", opc,
			     cic, isup_msg_type_name(type));
		}
		break;
	case ISUP_MSGT_BLO:
		c->blk_remote = true;
		isup_relay_send_simple(r, opc, cic, ISUP_MSGT_BLA);
		/* a call already on the circuit goes on, unless it is np700's unanswered IAM */
		if (c->call)
			isup_call_rx_blo(c->call, c);
		break;
	case ISUP_MSGT_UBL:
		/* maintenance blocking only; a hardware blocking waits for its CGU */
		c->blk_remote = false;
		isup_relay_send_simple(r, opc, cic, ISUP_MSGT_UBA);
		break;
	case ISUP_MSGT_UCIC:
		/* the far end does not have this circuit: never use it, end a call on it */
		c->blk_remote = true;
		if (c->call) {
			struct isup_call *call = c->call;
			struct isup_cgroup *cg = isup_call_leg_reset(call, c, 41, true);

			if (cg)
				isup_call_repeat(call, cg, "circuit unequipped at the far end");
		}
		LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: unequipped at the far end, circuit blocked\n", opc, cic);
		break;
	case ISUP_MSGT_BLA:
	case ISUP_MSGT_UBA:
	case ISUP_MSGT_GRA:
		/* the answer to np700's own blocking, unblocking or reset */
		if (!isup_maint_rx_ack(r, opc, m))
			rx_unexpected_ack(r, c, opc, type);
		break;
	case ISUP_MSGT_CGBA:
	case ISUP_MSGT_CGUA:
		/* np700 sends no group blocking */
		isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
		break;
	case ISUP_MSGT_CQM:
		if (rx_cqm(r, opc, m) < 0) {
			isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
			LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: CQM with an invalid range, discarded\n", opc, cic);
		}
		break;
	case ISUP_MSGT_UPT:
		/* user part availability test (Q.764 §2.13): the ISUP of this node is there */
		isup_relay_send_simple(r, opc, cic, ISUP_MSGT_UPA);
		break;
	case ISUP_MSGT_CQR:
	case ISUP_MSGT_CCR:
	case ISUP_MSGT_LPA:
	case ISUP_MSGT_OLM:
	case ISUP_MSGT_UPA:
		/* circuit management np700 does not originate: nothing to answer or pass on */
		isup_ctr_inc(r, ISUP_CTR_RX_DISCARDED);
		break;
	default:
		if (!m->def) {
			rx_unknown_msg(r, c, opc, m, data, len);
			break;
		}
		if (c->call) {
			isup_call_rx(c->call, c, m, data, len);
			break;
		}
		if (type == ISUP_MSGT_RLC && isup_maint_rx_ack(r, opc, m))
			break;
		isup_ctr_inc(r, ISUP_CTR_RX_UNEXPECTED);
		if (type == ISUP_MSGT_REL) {
			/* REL on an idle circuit: confirm, so the far end frees it (Q.764 §2.9.5.1 b) */
			isup_relay_send_simple(r, opc, cic, ISUP_MSGT_RLC);
		} else if (type != ISUP_MSGT_RLC && type != ISUP_MSGT_CFN) {
			/* another call message on an idle circuit: the far end believes in a call
			 * there, so the circuit is reset (Q.764 §2.9.5.1 c); an RLC is discarded (a),
			 * a CFN never answered */
			LOGP(DISUP, LOGL_NOTICE, "PC %u CIC %u: %s on an idle circuit, circuit reset\n", opc, cic,
			     isup_msg_type_name(type));
			isup_maint_start(r, ISUP_MSGT_RSC, opc, cic, 0);
		} else {
			LOGP(DISUP, LOGL_INFO, "PC %u CIC %u: %s on an idle circuit, discarded\n", opc, cic,
			     isup_msg_type_name(type));
		}
		break;
	}
out:
	isup_relay_msg_free(r, m);
	return 0;
}

/* --- show --- */

const char *isup_pc_str(enum isup_variant v, uint32_t pc)
{
	/* two buffers: a line may name two point codes */
	static char buf[2][16];
	static unsigned int i;
	char *b = buf[i++ & 1];

	if (v == ISUP_VARIANT_CHINA)
		snprintf(b, sizeof(buf[0]), "%u.%u.%u", (pc >> 16) & 0xff, (pc >> 8) & 0xff, pc & 0xff);
	else
		snprintf(b, sizeof(buf[0]), "%u.%u.%u", (pc >> 11) & 0x07, (pc >> 3) & 0xff, pc & 0x07);
	return b;
}

void isup_relay_dump_circuits(struct isup_relay *r, bool all, isup_print_cb out, void *priv)
{
	struct isup_cgroup *cg;
	char line[160];
	unsigned int i;

	llist_for_each_entry(cg, &r->cgroups, list) {
		unsigned int n = cg->circ ? cg->last - cg->first + 1 : 0, busy = 0, blocked = 0;

		for (i = 0; i < n; i++) {
			busy += cg->circ[i].state != ISUP_CIRC_IDLE;
			blocked += isup_circuit_blocked(&cg->circ[i]);
		}
		snprintf(line, sizeof(line), "circuit-group %s DPC %s CIC %u-%u: %u circuits, %u busy, %u blocked",
			 cg->name, isup_pc_str(r->variant, cg->dpc), cg->first, cg->last, n, busy, blocked);
		out(priv, line);
		for (i = 0; i < n; i++) {
			struct isup_circuit *c = &cg->circ[i];

			if (!all && c->state == ISUP_CIRC_IDLE && !isup_circuit_blocked(c) && !c->resetting)
				continue;
			snprintf(line, sizeof(line), "  CIC %u %s%s%s%s%s", c->cic, get_value_string(isup_circ_state_names,
				 c->state), c->blk_local ? " blocked-locally" : "", c->blk_remote ? " blocked-remotely" : "",
				 c->blk_remote_hw ? " blocked-remotely-hardware" : "", c->resetting ? " resetting" : "");
			if (c->call)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), " call %u", c->call->id);
			out(priv, line);
		}
	}
}

void isup_relay_dump_calls(struct isup_relay *r, isup_print_cb out, void *priv)
{
	struct isup_call *call;
	char line[256];

	llist_for_each_entry(call, &r->calls, list) {
		snprintf(line, sizeof(line), "call %u %s: in PC %s CIC %u%s caller %s dialled %s -> out PC %s CIC %u%s "
			 "callee %s shown %s", call->id, osmo_fsm_inst_state_name(call->fi),
			 isup_pc_str(r->variant, call->in.pc), call->in.cic, call->in.busy ? "" : " (free)",
			 call->caller[0] ? call->caller : "-", call->dialled[0] ? call->dialled : "-",
			 call->out.cg ? isup_pc_str(r->variant, call->out.pc) : "-", call->out.cic,
			 call->out.busy ? "" : " (free)",
			 call->d.connect_to[0] ? call->d.connect_to : "-",
			 call->d.show_callee[0] ? call->d.show_callee : "-");
		out(priv, line);
	}
}
