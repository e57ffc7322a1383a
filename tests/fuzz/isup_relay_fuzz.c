/* libFuzzer target for the ISUP relay: a sequence of messages from three switches (hostile
 * bytes), with time passing in between and the signalling link going down and up, must never
 * crash or leak. Properties checked (abort on violation):
 *  - whatever np700 sends parses;
 *  - once the link is lost, no call is left, no circuit is held by a call, no timer runs.
 * The decision API is a stub here (the store has its own tests).
 * Input: records of [sender][length][bytes]. sender bits 0-1: switch A/B/C/unknown; bit 7: let
 * 20 s pass first; bit 6: not a message but the link going up (bit 0 set: GRS to every switch)
 * or down, the bytes are skipped.
 *
 * Speed: one relay serves every input and is reset in between (link lost, groups and routes
 * freed and created again, the clock set back), so each input starts from the same state and a
 * crash reproduces alone. Logging has categories but no target: nothing is formatted. Set
 * NP700_FUZZ_LOG=1 to see the log lines of a reproducer on stderr. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/cdr.h>
#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/isup_relay.h>
#include <np700/isup_internal.h>

#include "decide_stub.h"

static int tx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct isup_msg m;

	/* whatever np700 sends must parse */
	if (isup_msg_parse(&m, ISUP_VARIANT_ITU, data, len, NULL, NULL) < 0)
		abort();
	return 0;
}

static void *ctx;
static struct np700 g;
static struct isup_relay *r;

static const struct timeval t_start = { .tv_sec = 1800000000 };

/* the state every input starts from */
static void relay_setup(void)
{
	osmo_gettimeofday_override_time = t_start;
	osmo_clock_override_gettimespec(CLOCK_MONOTONIC)->tv_sec = t_start.tv_sec;
	osmo_clock_override_gettimespec(CLOCK_MONOTONIC)->tv_nsec = 0;
	isup_cgroup_alloc(r, "a", 200, 0, 31);
	isup_cgroup_alloc(r, "b", 50, 0, 31);
	isup_cgroup_alloc(r, "c", 300, 2, 4);
	isup_route_add(r, "86138", "a", ISUP_FMT_NATIONAL);
	isup_route_add(r, "139", "b", ISUP_FMT_INTERNATIONAL);
}

/* Lose the link (checking that it leaves nothing behind), then undo what an input may have
 * changed: groups (circuit states, blocking), routes, call ids, admission state. */
static void relay_reset(void)
{
	struct isup_cgroup *cg;
	unsigned int i;

	isup_relay_link_state(r, false);
	if (isup_relay_num_calls(r) || r->n_admitted || isup_relay_resets_pending(r))
		abort();
	llist_for_each_entry(cg, &r->cgroups, list) {
		for (i = 0; i <= (unsigned int)(cg->last - cg->first); i++) {
			if (cg->circ[i].call || cg->circ[i].state != ISUP_CIRC_IDLE)
				abort();
		}
	}
	if (osmo_timers_check())
		abort();
	isup_circuit_free_all(r);
	isup_route_free_all(r);
	r->next_call_id = 0;
	r->rate_sec = 0;
	r->rate_n = 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ctx = talloc_named_const(NULL, 0, "isup_relay_fuzz");
	if (getenv("NP700_FUZZ_LOG"))
		osmo_init_logging2(ctx, &np700_log_info);
	else
		/* categories without a target: LOGP finds nobody to log to and formats nothing */
		log_init(&np700_log_info, ctx);
	osmo_gettimeofday_override = true;
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	g.plan = np700_numplan_default;
	/* any non-NULL store: the stub decision never looks at it */
	g.store = (struct np700_store *)&g;
	r = isup_relay_alloc(ctx, &g, tx, NULL);
	isup_relay_set_own_pc(r, 100);
	return 0;
}

static const uint32_t pcs[] = { 200, 50, 300, 77 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t p = 0;

	relay_setup();
	while (size - p >= 2) {
		uint8_t who = data[p], len = data[p + 1];

		p += 2;
		if (len > size - p)
			len = size - p;
		if (who & 0x80) {
			osmo_gettimeofday_override_add(20, 0);
			osmo_clock_override_add(CLOCK_MONOTONIC, 20, 0);
			osmo_timers_prepare();
			osmo_timers_update();
		}
		if (who & 0x40)
			isup_relay_link_state(r, who & 1);
		else
			isup_relay_rx(r, pcs[who & 3], 100, 0, data + p, len);
		p += len;
	}
	relay_reset();
	return 0;
}
