/* MAP router VTY: the "map" node (own GT, routing number prefix, correlation IMSIs, timers, MO
 * rewrite, MAP error per rejection reason) and "show sms". */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <np700/np700.h>
#include <np700/vty.h>

#include "map_internal.h"

static struct cmd_node map_node = {
	MAP_NODE,
	"%s(config-map)# ",
	1,
};

#define MAP_STR "MAP router: routing queries and SMS for the protected range\n"

DEFUN(cfg_map, cfg_map_cmd, "map", MAP_STR)
{
	vty->node = MAP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_map_local_gt, cfg_map_local_gt_cmd, "local-gt DIGITS",
      "np700's GT as MAP node (network node number in SRI-SM answers, calling GT of its dialogues)\n"
      "E.164 digits, international\n")
{
	if (!np700_is_digits(argv[0], MAP_ISDN_MAX_DIGITS)) {
		vty_out(vty, "%% GT must be 1..%u digits%s", MAP_ISDN_MAX_DIGITS, VTY_NEWLINE);
		return CMD_WARNING;
	}
	OSMO_STRLCPY_ARRAY(g_np700->map->cfg.local_gt, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_map_no_local_gt, cfg_map_no_local_gt_cmd, "no local-gt",
      NO_STR "Use the first local GT of the sccp node\n")
{
	g_np700->map->cfg.local_gt[0] = '\0';
	return CMD_SUCCESS;
}

static unsigned int x_len(void)
{
	return g_np700->map->g ? g_np700->map->g->plan.range_len : 15;
}

DEFUN(cfg_map_rn_prefix, cfg_map_rn_prefix_cmd, "routing-number-prefix DIGITS",
      "Prefix of the routing number answered to sendRoutingInfo for X (routing number = prefix + X)\n"
      "Digits; prefix + X must fit 16 digits (an ISDN-AddressString), so at most 1 digit for 15-digit X\n")
{
	if (map_router_check_rn_prefix(argv[0], x_len()) < 0) {
		vty_out(vty, "%% prefix must be digits and prefix + X (%u digits) at most %u digits%s", x_len(),
			MAP_ISDN_MAX_DIGITS, VTY_NEWLINE);
		return CMD_WARNING;
	}
	OSMO_STRLCPY_ARRAY(g_np700->map->cfg.rn_prefix, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_map_no_rn_prefix, cfg_map_no_rn_prefix_cmd, "no routing-number-prefix",
      NO_STR "Answer X itself as routing number (national)\n")
{
	g_np700->map->cfg.rn_prefix[0] = '\0';
	return CMD_SUCCESS;
}

static int parse_imsi(const char *s, uint64_t *v)
{
	if (strlen(s) != MAP_IMSI_MAX_DIGITS || !np700_is_digits(s, MAP_IMSI_MAX_DIGITS))
		return -1;
	*v = strtoull(s, NULL, 10);
	return 0;
}

DEFUN(cfg_map_corr_range, cfg_map_corr_range_cmd, "correlation-imsi-range IMSI IMSI",
      "IMSIs np700 hands out in SRI-SM answers for X (15 digits each, must not be real subscribers')\n"
      "First IMSI\n" "Last IMSI\n")
{
	uint64_t first, last;

	if (parse_imsi(argv[0], &first) < 0 || parse_imsi(argv[1], &last) < 0 || last < first) {
		vty_out(vty, "%% two IMSIs of 15 digits, first <= last%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_np700->map->cfg.corr_first = first;
	g_np700->map->cfg.corr_last = last;
	return CMD_SUCCESS;
}

DEFUN(cfg_map_corr_timeout, cfg_map_corr_timeout_cmd, "correlation-timeout <1-86400>",
      "How long a correlation IMSI stays valid after its last use\n" "Seconds\n")
{
	g_np700->map->cfg.corr_timeout_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_map_peer_timeout, cfg_map_peer_timeout_cmd, "peer-timeout <1-300>",
      "How long np700 waits for an HLR to answer, or for a sender's next message\n" "Seconds\n")
{
	g_np700->map->cfg.peer_timeout_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_map_fwd_timeout, cfg_map_fwd_timeout_cmd, "forward-timeout <1-600>",
      "How long np700 waits for the MSC (MT) or the SMSC (MO) to answer a forwarded short message\n"
      "Seconds\n")
{
	g_np700->map->cfg.fwd_timeout_s = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_map_mo_rewrite, cfg_map_mo_rewrite_cmd, "mo-rewrite (enable|disable)",
      "MO-ForwardSM to X\n" "Rewrite TP-DA to the real recipient for that sender\n"
      "Reject it (facilityNotSupported)\n")
{
	g_np700->map->cfg.mo_rewrite = !strcmp(argv[0], "enable");
	return CMD_SUCCESS;
}

DEFUN(cfg_map_gt_tt, cfg_map_gt_tt_cmd, "gt-translation-type <0-255>",
      "Translation type in the SCCP addresses of np700's own dialogues\n" "TT\n")
{
	g_np700->map->cfg.gt_tt = atoi(argv[0]);
	return CMD_SUCCESS;
}

/* the reason and error lists are filled in at init */
DEFUN(cfg_map_reject, cfg_map_reject_cmd, "reject-error REASON ERROR", "(filled in at init)")
{
	int reason = get_string_value(np700_reject_names, argv[0]);
	int err = get_string_value(map_error_names, argv[1]);

	if (reason <= NP700_REJ_NONE || reason >= _NP700_REJ_NUM || err < 0)
		return CMD_WARNING;
	g_np700->map->cfg.reject_err[reason] = err;
	return CMD_SUCCESS;
}

static void show_corr(struct vty *vty, const struct sms_corr *c, time_t now)
{
	vty_out(vty, "%-15s %-15s %-20s %6ld %5u %5u %-15s %-15s%s", c->imsi_str, c->x, c->smsc,
		(long)(now - c->created), c->parts, c->in_flight, c->recipient[0] ? c->recipient : "-",
		c->msc_gt[0] ? c->msc_gt : "-", VTY_NEWLINE);
}

DEFUN(show_sms, show_sms_cmd, "show sms",
      SHOW_STR "SMS correlations in flight (correlation IMSI, X, SMSC, age, parts, open dialogues)\n")
{
	const struct sms_corr *c;
	time_t now = map_now();

	vty_out(vty, "%u correlations, %u relayed dialogues%s", g_np700->map->n_corr, g_np700->map->n_txn, VTY_NEWLINE);
	if (!g_np700->map->n_corr)
		return CMD_SUCCESS;
	vty_out(vty, "%-15s %-15s %-20s %6s %5s %5s %-15s %-15s%s", "IMSI", "X", "SMSC", "age", "parts", "open",
		"recipient", "MSC", VTY_NEWLINE);
	llist_for_each_entry(c, &g_np700->map->corrs, list)
		show_corr(vty, c, now);
	return CMD_SUCCESS;
}

static int config_write_map(struct vty *vty)
{
	const struct map_router_cfg *cfg = &g_np700->map->cfg;
	int i;

	vty_out(vty, "map%s", VTY_NEWLINE);
	if (cfg->local_gt[0])
		vty_out(vty, " local-gt %s%s", cfg->local_gt, VTY_NEWLINE);
	if (cfg->rn_prefix[0])
		vty_out(vty, " routing-number-prefix %s%s", cfg->rn_prefix, VTY_NEWLINE);
	vty_out(vty, " correlation-imsi-range %015" PRIu64 " %015" PRIu64 "%s", cfg->corr_first, cfg->corr_last,
		VTY_NEWLINE);
	vty_out(vty, " correlation-timeout %u%s", cfg->corr_timeout_s, VTY_NEWLINE);
	vty_out(vty, " peer-timeout %u%s", cfg->peer_timeout_s, VTY_NEWLINE);
	vty_out(vty, " forward-timeout %u%s", cfg->fwd_timeout_s, VTY_NEWLINE);
	vty_out(vty, " mo-rewrite %s%s", cfg->mo_rewrite ? "enable" : "disable", VTY_NEWLINE);
	if (cfg->gt_tt)
		vty_out(vty, " gt-translation-type %u%s", cfg->gt_tt, VTY_NEWLINE);
	for (i = NP700_REJ_NONE + 1; i < _NP700_REJ_NUM; i++)
		vty_out(vty, " reject-error %s %s%s", np700_reject_name(i),
			get_value_string(map_error_names, cfg->reject_err[i]), VTY_NEWLINE);
	return CMD_SUCCESS;
}

/* "reject-error (a|b|...) (e1|e2|...)" from the value_string tables */
static void fill_reject_cmd(void)
{
	const struct value_string *vs;
	/* the command lives as long as the program, not as long as one router */
	char *str = talloc_strdup(g_np700->ctx, "reject-error (");
	char *doc = talloc_strdup(g_np700->ctx, "MAP error towards the sender per rejection reason\n");

	for (vs = np700_reject_names; vs->str; vs++) {
		if (vs->value == NP700_REJ_NONE)
			continue;
		str = talloc_asprintf_append(str, "%s%s", str[strlen(str) - 1] == '(' ? "" : "|", vs->str);
		doc = talloc_asprintf_append(doc, "Rejection: %s\n", vs->str);
	}
	str = talloc_asprintf_append(str, ") (");
	for (vs = map_error_names; vs->str; vs++) {
		str = talloc_asprintf_append(str, "%s%s", str[strlen(str) - 1] == '(' ? "" : "|", vs->str);
		doc = talloc_asprintf_append(doc, "MAP error %d\n", vs->value);
	}
	cfg_map_reject_cmd.string = talloc_asprintf_append(str, ")");
	cfg_map_reject_cmd.doc = doc;
}

void map_vty_init(void)
{
	fill_reject_cmd();
	install_element(CONFIG_NODE, &cfg_map_cmd);
	install_node(&map_node, config_write_map);
	install_element(MAP_NODE, &cfg_map_local_gt_cmd);
	install_element(MAP_NODE, &cfg_map_no_local_gt_cmd);
	install_element(MAP_NODE, &cfg_map_rn_prefix_cmd);
	install_element(MAP_NODE, &cfg_map_no_rn_prefix_cmd);
	install_element(MAP_NODE, &cfg_map_corr_range_cmd);
	install_element(MAP_NODE, &cfg_map_corr_timeout_cmd);
	install_element(MAP_NODE, &cfg_map_peer_timeout_cmd);
	install_element(MAP_NODE, &cfg_map_fwd_timeout_cmd);
	install_element(MAP_NODE, &cfg_map_mo_rewrite_cmd);
	install_element(MAP_NODE, &cfg_map_gt_tt_cmd);
	install_element(MAP_NODE, &cfg_map_reject_cmd);
	install_element_ve(&show_sms_cmd);
}
