/* VTY: show binding / customer / store / blocklist — what the store holds and what a call would get */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <np700/decision.h>
#include <np700/np700.h>
#include <np700/store.h>
#include <np700/store_vty.h>
#include <np700/vty.h>

#define SHOW_BINDING_STR	SHOW_STR "Bindings of a protected number, and what a call would get\n"

static bool store_open(struct vty *vty)
{
	if (g_np700->store)
		return true;
	vty_out(vty, "%% The store is not open%s", VTY_NEWLINE);
	return false;
}

static void vty_time(struct vty *vty, const char *label, int64_t t)
{
	char buf[32];
	time_t tt = t;
	struct tm tm;

	if (!t) {
		vty_out(vty, " %s never", label);
		return;
	}
	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	vty_out(vty, " %s %s", label, buf);
}

static void vty_binding(struct vty *vty, const struct np700_binding *b)
{
	vty_out(vty, "binding %" PRIu64 " %s customer %u order '%s'%s", b->id, np700_mode_name(b->mode),
		b->customer_id, b->order_id, VTY_NEWLINE);
	vty_out(vty, " x %s", b->x);
	if (b->y[0])
		vty_out(vty, " y %s", b->y);
	vty_out(vty, " a %s", b->a);
	if (b->b[0])
		vty_out(vty, " %s %s", b->mode == NP700_MODE_AXN ? "n" : "b", b->b);
	vty_out(vty, "%s", VTY_NEWLINE);
	vty_time(vty, "created", b->created);
	vty_time(vty, "expires", b->expires);
	vty_out(vty, "%s services%s%s direction %s", VTY_NEWLINE, b->services & NP700_SVC_VOICE ? " voice" : "",
		b->services & NP700_SVC_SMS ? " sms" : "", np700_direction_name(b->direction));
	if (b->max_duration_s)
		vty_out(vty, " max-duration %us", b->max_duration_s);
	if (b->max_calls)
		vty_out(vty, " max-calls %u", b->max_calls);
	if (b->mode == NP700_MODE_AX)
		vty_out(vty, " call-back %s", b->callback_allowed ? "allowed" : "no");
	if (b->callback_allowed)
		vty_out(vty, " window %us", b->callback_window_s);
	vty_out(vty, "%s", VTY_NEWLINE);
}

static int binding_cb(const struct np700_binding *b, void *data)
{
	vty_binding(data, b);
	return 0;
}

static void vty_decision(struct vty *vty, const char *caller, enum np700_service svc, const struct np700_decision *d)
{
	vty_out(vty, "%s from %s: ", svc == NP700_SERVICE_SMS ? "sms" : "call", caller[0] ? caller : "(unknown)");
	if (d->reject == NP700_REJ_NONE)
		vty_out(vty, "connect %s, callee sees %s, caller sees %s%s", d->connect_to, d->show_callee,
			d->show_caller, d->callback ? " (call-back)" : "");
	else
		vty_out(vty, "rejected: %s", np700_reject_name(d->reject));
	if (d->binding_id)
		vty_out(vty, " (binding %" PRIu64 ")", d->binding_id);
	vty_out(vty, "%s", VTY_NEWLINE);
}

/* As an operator types it: +E.164, 00…/0… as dialled, 86… international, else national. */
static int caller_normalise(const struct np700_numplan *plan, const char *in, char *out, size_t out_len)
{
	if (in[0] == '+')
		return np700_real_normalise(plan, in + 1, NP700_NAT_INTERNATIONAL, out, out_len);
	if (!strncmp(in, plan->country_code, strlen(plan->country_code)))
		return np700_real_normalise(plan, in, NP700_NAT_INTERNATIONAL, out, out_len);
	return np700_real_normalise(plan, in, NP700_NAT_UNKNOWN, out, out_len);
}

DEFUN(show_binding, show_binding_cmd, "show binding NUMBER [CALLER]",
      SHOW_BINDING_STR "Protected number (national or international form)\n"
      "Caller: +E.164, 86..., 0... or a national number: the decision for a call from it\n")
{
	struct np700 *g = g_np700;
	char x[NP700_NUM_MAXLEN + 1], caller[NP700_NUM_MAXLEN + 1] = "";
	struct np700_decision d;
	time_t now = time(NULL);
	int rc;

	if (!store_open(vty))
		return CMD_WARNING;
	rc = np700_protected_normalise(&g->plan, argv[0], NP700_NAT_UNKNOWN, x, sizeof(x));
	if (rc != 1) {
		vty_out(vty, "%% %s is %s%s", argv[0], rc ? "not a valid protected number" : "not a protected number",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (argc > 1 && caller_normalise(&g->plan, argv[1], caller, sizeof(caller))) {
		vty_out(vty, "%% %s is not a valid number%s", argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (argc == 1) {
		rc = np700_store_binding_list_number(g->store, x, binding_cb, vty);
		if (rc < 0)
			vty_out(vty, "%% %s%s", np700_store_last_error(g->store), VTY_NEWLINE);
	}
	np700_decide_ex(g->store, x, caller, NP700_SERVICE_VOICE, now, NP700_DECIDE_DRY_RUN, &d);
	vty_decision(vty, caller, NP700_SERVICE_VOICE, &d);
	np700_decide_ex(g->store, x, caller, NP700_SERVICE_SMS, now, NP700_DECIDE_DRY_RUN, &d);
	vty_decision(vty, caller, NP700_SERVICE_SMS, &d);
	return CMD_SUCCESS;
}

DEFUN(show_binding_id, show_binding_id_cmd, "show binding id ID",
      SHOW_BINDING_STR "A binding by its id\n" "Binding id\n")
{
	struct np700_binding b;
	char *end;
	uint64_t id;
	int rc;

	if (!store_open(vty))
		return CMD_WARNING;
	id = strtoull(argv[0], &end, 10);
	if (*end || !argv[0][0]) {
		vty_out(vty, "%% Invalid id%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = np700_store_binding_get(g_np700->store, id, &b);
	if (rc && rc != -ESTALE) {
		vty_out(vty, "%% %s%s", np700_store_last_error(g_np700->store), VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_binding(vty, &b);
	if (rc == -ESTALE)
		vty_out(vty, " (expired, not purged yet)%s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

static void vty_customer(struct vty *vty, const struct np700_cfg_customer *cc)
{
	const struct np700_customer *c = &cc->c;
	struct np700_cfg_pool *cp;
	uint64_t n = 0;

	vty_out(vty, "customer %u %s: %s", c->id, c->name, c->suspended ? "suspended" : "active");
	if (g_np700->store && !np700_store_customer_bindings(g_np700->store, c->id, &n))
		vty_out(vty, ", %" PRIu64 " bindings", n);
	if (c->tod_start != c->tod_end)
		vty_out(vty, ", time window %02u:%02u-%02u:%02u", c->tod_start / 60, c->tod_start % 60,
			c->tod_end / 60, c->tod_end % 60);
	vty_out(vty, "%s", VTY_NEWLINE);
	if (c->limits.calls_per_number_per_min || c->limits.calls_per_binding_per_hour
	    || c->limits.distinct_numbers_per_caller_per_hour)
		vty_out(vty, " rate limits: %u/number/min %u/binding/h %u numbers/caller/h, block %us%s",
			c->limits.calls_per_number_per_min, c->limits.calls_per_binding_per_hour,
			c->limits.distinct_numbers_per_caller_per_hour, c->limits.block_s, VTY_NEWLINE);
	llist_for_each_entry(cp, &cc->pools, list)
		vty_out(vty, " pool %s-%s%s", cp->p.first, cp->p.last, VTY_NEWLINE);
}

DEFUN(show_customer, show_customer_cmd, "show customer [<1-2147483647>]",
      SHOW_STR "Customers, their pools and binding counts\n" "Customer id\n")
{
	struct np700_cfg_customer *cc;

	if (argc) {
		cc = np700_cfg_customer_find(g_np700, atoi(argv[0]));
		if (!cc) {
			vty_out(vty, "%% No customer %s%s", argv[0], VTY_NEWLINE);
			return CMD_WARNING;
		}
		vty_customer(vty, cc);
		return CMD_SUCCESS;
	}
	llist_for_each_entry(cc, &g_np700->customers, list)
		vty_customer(vty, cc);
	return CMD_SUCCESS;
}

DEFUN(show_store, show_store_cmd, "show store", SHOW_STR "The binding store: size and contents\n")
{
	struct np700_store_stats s;
	int rc;

	if (!store_open(vty))
		return CMD_WARNING;
	rc = np700_store_stats(g_np700->store, &s);
	if (rc) {
		vty_out(vty, "%% %s%s", np700_store_last_error(g_np700->store), VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "store %s: schema %u%s", g_np700->store_cfg.path, NP700_STORE_SCHEMA_VERSION, VTY_NEWLINE);
	vty_out(vty, " map %zu MiB, used %zu KiB (%.1f%%)%s", s.map_size >> 20, s.used_bytes >> 10,
		s.map_size ? 100.0 * s.used_bytes / s.map_size : 0.0, VTY_NEWLINE);
	vty_out(vty, " bindings %" PRIu64 ", customers %" PRIu64 ", pools %" PRIu64 ", blocklist %" PRIu64 "%s",
		s.bindings, s.customers, s.pools, s.blocked, VTY_NEWLINE);
	if (s.bindings >= 10000)	/* meaningless for a handful: the empty store has fixed pages */
		vty_out(vty, " %zu bytes per binding (all indexes included)%s", (size_t)(s.used_bytes / s.bindings),
			VTY_NEWLINE);
	return CMD_SUCCESS;
}

static int block_cb(const char *number, int64_t until, const char *reason, void *data)
{
	struct vty *vty = data;

	vty_out(vty, "%s", number);
	vty_time(vty, "until", until);
	vty_out(vty, " (%s)%s", reason, VTY_NEWLINE);
	return 0;
}

DEFUN(show_blocklist, show_blocklist_cmd, "show blocklist", SHOW_STR "Numbers on the blocklist now\n")
{
	if (!store_open(vty))
		return CMD_WARNING;
	np700_store_block_list(g_np700->store, time(NULL), block_cb, vty);
	return CMD_SUCCESS;
}

void np700_store_vty_init(struct np700 *g)
{
	install_element_ve(&show_binding_cmd);
	install_element_ve(&show_binding_id_cmd);
	install_element_ve(&show_customer_cmd);
	install_element_ve(&show_store_cmd);
	install_element_ve(&show_blocklist_cmd);
}
