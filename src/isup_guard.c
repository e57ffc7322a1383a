/* ISUP relay guard (issue 6): admission limits against overload, and the signalling link watch
 * that resets the circuits (isup_maint.c) after start-up or a loss of the link. */
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
		isup_maint_reset_all(r);
	else
		isup_maint_clear(r, false);
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
	osmo_timer_setup(&r->link_timer, link_poll_cb, r);
	r->overload_cause = 42;
}

void isup_guard_free(struct isup_relay *r)
{
	osmo_timer_del(&r->link_timer);
}
