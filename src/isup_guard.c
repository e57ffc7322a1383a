/* ISUP relay guard (issue 6): admission limits against overload, and the circuit reset towards
 * the switches after start-up or a loss of the signalling link (Q.764 §2.9.3.1: GRS, T22, T23). */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include <np700/isup_internal.h>
#include <np700/logging.h>

/*! One reset np700 sent and the switch has not acknowledged yet. */
struct isup_grs {
	struct llist_head list;		/*!< in isup_relay.grs_pending */
	uint32_t dpc;
	uint16_t cic;			/*!< first circuit */
	uint8_t range;			/*!< circuits - 1; 0: a single circuit, reset with RSC */
};

/* at most 32 circuits per GRS (range 1..31, Q.763 §3.43) */
#define GRS_MAX_CIRCUITS	32

void isup_relay_set_admission(struct isup_relay *r, unsigned int max_calls, unsigned int max_rate, uint8_t cause)
{
	r->max_calls = max_calls;
	r->max_rate = max_rate;
	r->overload_cause = cause ? cause : 42;
}

bool isup_guard_admit(struct isup_relay *r, struct isup_call *call)
{
	uint64_t sec;

	/* the cheapest possible refusal: before the store is read, nothing allocated but the call
	 * that carries the record. Shed attempts still releasing (waiting for RLC) do not count:
	 * under a flood they would otherwise take the whole budget */
	if (r->max_calls && r->n_admitted >= r->max_calls)
		goto shed;
	if (r->max_rate) {
		sec = isup_now_us() / 1000000;
		if (sec != r->rate_sec) {
			r->rate_sec = sec;
			r->rate_n = 0;
		}
		if (r->rate_n >= r->max_rate)
			goto shed;
		r->rate_n++;
	}
	call->admitted = true;
	r->n_admitted++;
	return true;
shed:
	isup_ctr_inc(r, ISUP_CTR_SHED);
	return false;
}

/* --- circuit reset --- */

static unsigned int tdef_s(struct isup_relay *r, int T)
{
	return osmo_tdef_get(r->tdefs, T, OSMO_TDEF_S, -1);
}

/* send (or repeat) one reset; GRS: range only, no status (Q.763 §3.43) */
static void grs_send(struct isup_relay *r, const struct isup_grs *g)
{
	struct isup_msg *m;

	isup_ctr_inc(r, ISUP_CTR_GRS_TX);
	if (g->range == 0) {
		isup_relay_send_simple(r, g->dpc, g->cic, ISUP_MSGT_RSC);
		return;
	}
	m = isup_relay_msg_alloc(r);
	if (!m)
		return;
	isup_msg_init(m, r->variant, ISUP_MSGT_GRS, g->cic);
	isup_msg_set(m, ISUP_PAR_RANGE_STATUS, &g->range, 1);
	isup_relay_send(r, g->dpc, m);
	isup_relay_msg_free(r, m);
}

static void t22_cb(void *data)
{
	struct isup_relay *r = data;
	struct isup_grs *g;
	unsigned int n = 0, t23 = tdef_s(r, 23);
	bool late = isup_now_us() - r->grs_t0_us >= (uint64_t)t23 * 1000000;

	llist_for_each_entry(g, &r->grs_pending, list) {
		grs_send(r, g);
		n++;
	}
	if (!n)
		return;
	/* T22 repeats at first; once T23 has run out the maintenance system is alerted (this log)
	 * and the resets go on at T23 intervals (Q.764 §2.9.3.1 e, f) */
	LOGP(DISUP, late ? LOGL_ERROR : LOGL_NOTICE, "%u circuit reset(s) not acknowledged%s, repeated\n", n,
	     late ? " after T23" : "");
	osmo_timer_schedule(&r->t22, late ? t23 : tdef_s(r, 22), 0);
}

static void grs_clear(struct isup_relay *r)
{
	struct isup_grs *g, *tmp;

	llist_for_each_entry_safe(g, tmp, &r->grs_pending, list) {
		llist_del(&g->list);
		talloc_free(g);
	}
	osmo_timer_del(&r->t22);
}

/* reset every circuit of every group towards its switch */
static void grs_all(struct isup_relay *r)
{
	struct isup_cgroup *cg;
	struct isup_grs *g;
	unsigned int cic, n, i;

	grs_clear(r);
	r->grs_t0_us = isup_now_us();
	llist_for_each_entry(cg, &r->cgroups, list) {
		if (!cg->circ)
			continue;
		for (cic = cg->first; cic <= cg->last; cic += GRS_MAX_CIRCUITS) {
			n = OSMO_MIN(GRS_MAX_CIRCUITS, cg->last - cic + 1);
			g = talloc_zero(r, struct isup_grs);
			if (!g)
				break;
			g->dpc = cg->dpc;
			g->cic = cic;
			g->range = n - 1;
			/* the circuits are idle as far as np700 knows; a far end blocking is
			 * forgotten too, the GRA tells it again (Q.764 §2.9.3.1 b) */
			for (i = 0; i < n; i++) {
				cg->circ[cic - cg->first + i].blk_remote = false;
			}
			llist_add_tail(&g->list, &r->grs_pending);
			grs_send(r, g);
		}
		LOGP(DISUP, LOGL_NOTICE, "circuit group %s: CIC %u-%u reset towards PC %s\n", cg->name, cg->first,
		     cg->last, isup_pc_str(r->variant, cg->dpc));
	}
	if (!llist_empty(&r->grs_pending))
		osmo_timer_schedule(&r->t22, tdef_s(r, 22), 0);
}

bool isup_guard_rx_reset_ack(struct isup_relay *r, uint32_t opc, struct isup_msg *m)
{
	const struct isup_param *p;
	struct isup_range_status rs = {};
	struct isup_grs *g;
	unsigned int i;

	if (m->type == ISUP_MSGT_GRA) {
		p = isup_msg_get(m, ISUP_PAR_RANGE_STATUS);
		if (!p || isup_range_status_decode(p->val, p->len, &rs) < 0)
			return false;
	}
	llist_for_each_entry(g, &r->grs_pending, list) {
		if (g->dpc != opc || g->cic != m->cic)
			continue;
		if (m->type == ISUP_MSGT_GRA ? g->range == 0 || rs.range != g->range : g->range != 0)
			continue;
		/* GRA status bit set: the far end has the circuit blocked for maintenance */
		for (i = 0; m->type == ISUP_MSGT_GRA && rs.has_status && i <= rs.range; i++) {
			struct isup_circuit *c = isup_circuit_find(r, opc, m->cic + i, NULL);

			if (c)
				c->blk_remote = !!(rs.status[i / 8] & (1 << (i % 8)));
		}
		LOGP(DISUP, LOGL_INFO, "PC %u CIC %u+%u: reset acknowledged\n", opc, g->cic, g->range);
		llist_del(&g->list);
		talloc_free(g);
		if (llist_empty(&r->grs_pending))
			osmo_timer_del(&r->t22);
		return true;
	}
	return false;
}

unsigned int isup_relay_resets_pending(const struct isup_relay *r)
{
	return llist_count(&r->grs_pending);
}

void isup_relay_link_state(struct isup_relay *r, bool up)
{
	struct isup_call *call, *tmp;
	unsigned int n = 0;

	r->link_up = up;
	/* down: nothing can be sent, so calls end here without REL; up: whatever was in progress
	 * before is stale as well (a flap shorter than the poll) */
	llist_for_each_entry_safe(call, tmp, &r->calls, list) {
		isup_call_link_lost(call);
		n++;
	}
	LOGP(DISUP, up ? LOGL_NOTICE : LOGL_ERROR, "signalling link %s: %u call(s) released locally%s\n",
	     up ? "up" : "down", n, up ? ", resetting all circuits" : "");
	if (up)
		grs_all(r);
	else
		grs_clear(r);
}

static void link_poll_cb(void *data)
{
	struct isup_relay *r = data;
	bool up = r->link_cb(r->link_priv);

	if (up != r->link_up)
		isup_relay_link_state(r, up);
	osmo_timer_schedule(&r->link_timer, 0, 500000);
}

void isup_relay_watch_link(struct isup_relay *r, bool (*up)(void *priv), void *priv)
{
	r->link_cb = up;
	r->link_priv = priv;
	osmo_timer_schedule(&r->link_timer, 0, 500000);
}

void isup_guard_init(struct isup_relay *r)
{
	INIT_LLIST_HEAD(&r->grs_pending);
	osmo_timer_setup(&r->t22, t22_cb, r);
	osmo_timer_setup(&r->link_timer, link_poll_cb, r);
	r->overload_cause = 42;
}

void isup_guard_free(struct isup_relay *r)
{
	osmo_timer_del(&r->link_timer);
	grs_clear(r);
}
