/* ISUP circuit maintenance that np700 originates (Q.764 §2.8.2, §2.9.3): circuit reset (RSC after
 * T5, GRS after start-up or a link loss), maintenance blocking and unblocking from the VTY
 * (BLO/UBL), each supervised until the switch acknowledges it; and the release of a circuit no
 * call holds any more (REL, T1/T5: an attempt given up for a repeat attempt elsewhere). */
#include <errno.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/isup_internal.h>
#include <np700/logging.h>

/*! One maintenance message np700 sent that the switch has not acknowledged yet. */
struct isup_maint {
	struct llist_head list;		/*!< in isup_relay.maint_pending */
	struct isup_relay *r;
	uint8_t type;			/*!< RSC, GRS, BLO, UBL or REL */
	uint32_t dpc;
	uint16_t cic;			/*!< first circuit */
	uint8_t range;			/*!< GRS: circuits - 1 */
	uint8_t cause;			/*!< REL: its cause value */
	uint64_t t0_us;			/*!< first sent: the long timer counts from here */
	struct osmo_timer_list timer;
};

/* per procedure: the acknowledgement, and the timers: the short one repeats the message, after the
 * long one (from the first sending) the maintenance system is alerted and the message is repeated
 * at long-timer intervals (Q.764 §2.9.3.1 e/f, §2.8.2.3) */
static const struct maint_proc {
	uint8_t type, ack;
	int t_short, t_long;
} maint_procs[] = {
	{ ISUP_MSGT_RSC, ISUP_MSGT_RLC, 16, 17 },
	{ ISUP_MSGT_GRS, ISUP_MSGT_GRA, 22, 23 },
	{ ISUP_MSGT_BLO, ISUP_MSGT_BLA, 12, 13 },
	{ ISUP_MSGT_UBL, ISUP_MSGT_UBA, 14, 15 },
	/* REL: T1 repeats it; at T5 the circuit is reset instead (Q.764 §2.9.6) */
	{ ISUP_MSGT_REL, ISUP_MSGT_RLC, 1, 5 },
};

#define GRS_MAX_CIRCUITS	(ISUP_RANGE_MAX + 1)

static const struct maint_proc *proc_of(uint8_t type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(maint_procs); i++) {
		if (maint_procs[i].type == type || maint_procs[i].ack == type)
			return &maint_procs[i];
	}
	return NULL;
}

static unsigned int tdef_s(struct isup_relay *r, int T)
{
	return osmo_tdef_get(r->tdefs, T, OSMO_TDEF_S, -1);
}

/* send (or repeat) one message; GRS: range only, no status (Q.763 §3.43) */
static void maint_send(struct isup_maint *mt)
{
	struct isup_relay *r = mt->r;
	struct isup_msg *m;

	if (mt->type == ISUP_MSGT_REL) {
		isup_relay_send_rel(r, mt->dpc, mt->cic, mt->cause, NULL, NULL);
		return;
	}
	isup_ctr_inc(r, mt->type == ISUP_MSGT_RSC || mt->type == ISUP_MSGT_GRS ? ISUP_CTR_GRS_TX : ISUP_CTR_MAINT_TX);
	if (mt->type != ISUP_MSGT_GRS) {
		isup_relay_send_simple(r, mt->dpc, mt->cic, mt->type);
		return;
	}
	m = isup_relay_msg_alloc(r);
	if (!m)
		return;
	isup_msg_init(m, r->variant, ISUP_MSGT_GRS, mt->cic);
	isup_msg_set(m, ISUP_PAR_RANGE_STATUS, &mt->range, 1);
	isup_relay_send(r, mt->dpc, m);
	isup_relay_msg_free(r, m);
}

/* the circuits of \a mt in their groups: a reset or release in progress keeps them from new calls */
static void mark_resetting(struct isup_maint *mt, bool on)
{
	unsigned int i;

	if (mt->type != ISUP_MSGT_RSC && mt->type != ISUP_MSGT_GRS && mt->type != ISUP_MSGT_REL)
		return;
	for (i = 0; i <= mt->range; i++) {
		struct isup_circuit *c = isup_circuit_find(mt->r, mt->dpc, mt->cic + i, NULL);

		if (c)
			c->resetting = on && mt->type != ISUP_MSGT_GRS;
	}
}

static void maint_free(struct isup_maint *mt)
{
	mark_resetting(mt, false);
	osmo_timer_del(&mt->timer);
	llist_del(&mt->list);
	talloc_free(mt);
}

static void maint_timer_cb(void *data)
{
	struct isup_maint *mt = data;
	struct isup_relay *r = mt->r;
	const struct maint_proc *p = proc_of(mt->type);
	unsigned int t_long = tdef_s(r, p->t_long);
	bool late = isup_now_us() - mt->t0_us >= (uint64_t)t_long * 1000000;

	isup_ctr_inc(r, ISUP_CTR_MAINT_TIMEOUT);
	if (late && mt->type == ISUP_MSGT_REL) {
		uint32_t dpc = mt->dpc;
		uint16_t cic = mt->cic;

		LOGP(DISUP, LOGL_ERROR, "PC %s CIC %u: maintenance alert: no RLC after T5, circuit reset\n",
		     isup_pc_str(r->variant, dpc), cic);
		maint_free(mt);
		isup_maint_start(r, ISUP_MSGT_RSC, dpc, cic, 0);
		return;
	}
	if (late)
		LOGP(DISUP, LOGL_ERROR, "PC %s CIC %u: maintenance alert: no %s after T%d, repeating %s every T%d\n",
		     isup_pc_str(r->variant, mt->dpc), mt->cic, isup_msg_type_name(p->ack), p->t_long,
		     isup_msg_type_name(mt->type), p->t_long);
	else
		LOGP(DISUP, LOGL_NOTICE, "PC %s CIC %u: no %s within T%d, %s repeated\n", isup_pc_str(r->variant, mt->dpc),
		     mt->cic, isup_msg_type_name(p->ack), p->t_short, isup_msg_type_name(mt->type));
	maint_send(mt);
	osmo_timer_schedule(&mt->timer, late ? t_long : tdef_s(r, p->t_short), 0);
}

static struct isup_maint *maint_find(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t type)
{
	struct isup_maint *mt;

	llist_for_each_entry(mt, &r->maint_pending, list) {
		if (mt->dpc == dpc && mt->cic == cic && mt->type == type)
			return mt;
	}
	return NULL;
}

static int maint_start(struct isup_relay *r, uint8_t type, uint32_t dpc, uint16_t cic, uint8_t range, uint8_t cause)
{
	const struct maint_proc *p = proc_of(type);
	struct isup_maint *mt, *old;

	if (!p || p->type != type || (type == ISUP_MSGT_GRS ? range == 0 || range > ISUP_RANGE_MAX : range != 0))
		return -EINVAL;
	/* a reset supersedes a release in progress */
	if (type == ISUP_MSGT_RSC) {
		old = maint_find(r, dpc, cic, ISUP_MSGT_REL);
		if (old)
			maint_free(old);
	}
	/* a new blocking cancels a pending unblocking and vice versa; a new reset replaces the old */
	if (type == ISUP_MSGT_BLO || type == ISUP_MSGT_UBL) {
		old = maint_find(r, dpc, cic, type == ISUP_MSGT_BLO ? ISUP_MSGT_UBL : ISUP_MSGT_BLO);
		if (old)
			maint_free(old);
	}
	old = maint_find(r, dpc, cic, type);
	if (old)
		maint_free(old);
	mt = talloc_zero(r, struct isup_maint);
	if (!mt)
		return -ENOMEM;
	mt->r = r;
	mt->type = type;
	mt->dpc = dpc;
	mt->cic = cic;
	mt->range = range;
	mt->cause = cause;
	mt->t0_us = isup_now_us();
	osmo_timer_setup(&mt->timer, maint_timer_cb, mt);
	llist_add_tail(&mt->list, &r->maint_pending);
	mark_resetting(mt, true);
	maint_send(mt);
	osmo_timer_schedule(&mt->timer, tdef_s(r, p->t_short), 0);
	return 0;
}

int isup_maint_start(struct isup_relay *r, uint8_t type, uint32_t dpc, uint16_t cic, uint8_t range)
{
	return type == ISUP_MSGT_REL ? -EINVAL : maint_start(r, type, dpc, cic, range, 0);
}

int isup_maint_release(struct isup_relay *r, uint32_t dpc, uint16_t cic, uint8_t cause)
{
	return maint_start(r, ISUP_MSGT_REL, dpc, cic, 0, cause);
}

void isup_maint_far_reset(struct isup_relay *r, uint32_t dpc, uint16_t cic)
{
	struct isup_maint *mt = maint_find(r, dpc, cic, ISUP_MSGT_REL);

	if (mt)
		maint_free(mt);
}

bool isup_maint_rx_ack(struct isup_relay *r, uint32_t opc, struct isup_msg *m)
{
	const struct maint_proc *p = proc_of(m->type);
	struct isup_range_status rs = {};
	const struct isup_param *par;
	struct isup_maint *mt;
	unsigned int i;

	if (!p || p->ack != m->type)
		return false;
	if (m->type == ISUP_MSGT_GRA) {
		par = isup_msg_get(m, ISUP_PAR_RANGE_STATUS);
		if (!par || isup_range_status_decode(par->val, par->len, &rs) < 0)
			return false;
	}
	mt = maint_find(r, opc, m->cic, p->type);
	/* an RLC answers an RSC or a REL */
	if (!mt && m->type == ISUP_MSGT_RLC)
		mt = maint_find(r, opc, m->cic, ISUP_MSGT_REL);
	if (!mt || (m->type == ISUP_MSGT_GRA && rs.range != mt->range))
		return false;
	/* GRA status bit set: the far end has the circuit blocked for maintenance */
	for (i = 0; m->type == ISUP_MSGT_GRA && rs.has_status && i <= rs.range; i++) {
		struct isup_circuit *c = isup_circuit_find(r, opc, m->cic + i, NULL);

		if (c)
			c->blk_remote = !!(rs.status[i / 8] & (1 << (i % 8)));
	}
	LOGP(DISUP, LOGL_INFO, "PC %s CIC %u+%u: %s acknowledged\n", isup_pc_str(r->variant, opc), mt->cic, mt->range,
	     isup_msg_type_name(mt->type));
	maint_free(mt);
	return true;
}

bool isup_maint_blocking_pending(struct isup_relay *r, uint32_t dpc, uint16_t cic)
{
	return maint_find(r, dpc, cic, ISUP_MSGT_BLO) || maint_find(r, dpc, cic, ISUP_MSGT_UBL);
}

void isup_maint_reset_all(struct isup_relay *r)
{
	struct isup_cgroup *cg;
	unsigned int cic, n, i;

	isup_maint_clear(r, false);
	llist_for_each_entry(cg, &r->cgroups, list) {
		if (!cg->circ)
			continue;
		for (cic = cg->first; cic <= cg->last; cic += GRS_MAX_CIRCUITS) {
			n = OSMO_MIN(GRS_MAX_CIRCUITS, cg->last - cic + 1);
			/* the circuits are idle as far as np700 knows; a far end blocking is forgotten
			 * too, the GRA tells it again (Q.764 §2.9.3.1 b) */
			for (i = 0; i < n; i++)
				isup_circuit_unblock_remote(&cg->circ[cic - cg->first + i]);
			/* a group of one circuit is reset with RSC */
			isup_maint_start(r, n == 1 ? ISUP_MSGT_RSC : ISUP_MSGT_GRS, cg->dpc, cic, n - 1);
		}
		LOGP(DISUP, LOGL_NOTICE, "circuit group %s: CIC %u-%u reset towards PC %s\n", cg->name, cg->first,
		     cg->last, isup_pc_str(r->variant, cg->dpc));
		/* maintenance blocking survives a reset: tell the far end again (Q.764 §2.9.3.1 c) */
		for (i = 0; i <= (unsigned int)(cg->last - cg->first); i++) {
			if (cg->circ[i].blk_local)
				isup_maint_start(r, ISUP_MSGT_BLO, cg->dpc, cg->first + i, 0);
		}
	}
}

void isup_maint_clear(struct isup_relay *r, bool all)
{
	struct isup_maint *mt, *tmp;

	llist_for_each_entry_safe(mt, tmp, &r->maint_pending, list) {
		/* a pending unblocking is done by the GRS after recovery as well (it ends the far
		 * end's blocking of those circuits); a pending blocking goes on until acknowledged */
		if (all || mt->type != ISUP_MSGT_BLO)
			maint_free(mt);
	}
}

unsigned int isup_relay_resets_pending(const struct isup_relay *r)
{
	const struct isup_maint *mt;
	unsigned int n = 0;

	llist_for_each_entry(mt, &r->maint_pending, list)
		n += mt->type == ISUP_MSGT_RSC || mt->type == ISUP_MSGT_GRS;
	return n;
}

/* The circuit \a cic of the group named \a cgroup, for the operator's commands: -ENOENT (no such
 * group) or -ERANGE (not one of its circuits). */
static int op_circuit(struct isup_relay *r, const char *cgroup, uint16_t cic, struct isup_cgroup **cg,
		      struct isup_circuit **c)
{
	*cg = isup_cgroup_find(r, cgroup);
	if (!*cg)
		return -ENOENT;
	*c = isup_cgroup_circuit(*cg, cic);
	return *c ? 0 : -ERANGE;
}

int isup_relay_circuit_block(struct isup_relay *r, const char *cgroup, uint16_t cic, bool block)
{
	struct isup_cgroup *cg;
	struct isup_circuit *c;
	int rc = op_circuit(r, cgroup, cic, &cg, &c);

	if (rc)
		return rc;
	/* a call on the circuit goes on; no new ones (Q.764 §2.8.2.1) */
	c->blk_local = block;
	LOGP(DISUP, LOGL_NOTICE, "circuit group %s CIC %u: %s for maintenance\n", cg->name, cic,
	     block ? "blocked" : "unblocked");
	return isup_maint_start(r, block ? ISUP_MSGT_BLO : ISUP_MSGT_UBL, cg->dpc, cic, 0);
}

int isup_relay_circuit_reset(struct isup_relay *r, const char *cgroup, uint16_t cic)
{
	struct isup_cgroup *cg;
	struct isup_circuit *c;
	int rc = op_circuit(r, cgroup, cic, &cg, &c);

	if (rc)
		return rc;
	/* the operator resets a stuck circuit: a call on it loses that leg */
	if (c->call)
		isup_call_leg_reset(c->call, c, 41, false);
	c->state = ISUP_CIRC_IDLE;
	isup_circuit_unblock_remote(c);
	return isup_maint_start(r, ISUP_MSGT_RSC, cg->dpc, cic, 0);
}

void isup_maint_init(struct isup_relay *r)
{
	INIT_LLIST_HEAD(&r->maint_pending);
}

void isup_maint_free(struct isup_relay *r)
{
	isup_maint_clear(r, true);
}
