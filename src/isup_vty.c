/* ISUP relay VTY: the "isup" node (point code, variant, routes, release causes, timers), the
 * "circuit-group" node and "show calls" / "show circuits" */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>

#include <np700/isup_internal.h>
#include <np700/np700.h>
#include <np700/vty.h>

static struct cmd_node isup_node = {
	ISUP_NODE,
	"%s(config-isup)# ",
	1,
};

static struct cmd_node cgroup_node = {
	ISUP_CGROUP_NODE,
	"%s(config-isup-cgroup)# ",
	1,
};

/* "1234" or dotted per variant: ITU 3.8.3 (14 bits), China 8.8.8 (24 bits) */
static int parse_pc(const char *s, uint32_t *pc)
{
	unsigned int a, b, c;
	unsigned long v;
	char *end;

	if (strchr(s, '.')) {
		if (sscanf(s, "%u.%u.%u", &a, &b, &c) != 3)
			return -EINVAL;
		if (g_np700->isup->variant == ISUP_VARIANT_CHINA) {
			if (a > 255 || b > 255 || c > 255)
				return -EINVAL;
			*pc = (a << 16) | (b << 8) | c;
		} else {
			if (a > 7 || b > 255 || c > 7)
				return -EINVAL;
			*pc = (a << 11) | (b << 3) | c;
		}
		return 0;
	}
	/* decimal: at most the variant's width, 14 or 24 bits */
	v = strtoul(s, &end, 10);
	if (end == s || *end || v > (g_np700->isup->variant == ISUP_VARIANT_CHINA ? 0xffffffUL : 0x3fffUL))
		return -EINVAL;
	*pc = v;
	return 0;
}

DEFUN(cfg_isup, cfg_isup_cmd, "isup", "Configure the ISUP relay\n")
{
	vty->node = ISUP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_pc, cfg_isup_pc_cmd, "point-code PC",
      "np700's own point code, the OPC of what the relay sends (default: the cs7 instance's)\n"
      "Point code: decimal, or dotted 3.8.3 (itu) / 8.8.8 (china)\n")
{
	uint32_t pc;

	if (parse_pc(argv[0], &pc) < 0) {
		vty_out(vty, "%% Invalid point code '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_relay_set_own_pc(g_np700->isup, pc);
	g_np700->isup->own_pc_configured = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_variant, cfg_isup_variant_cmd, "variant (itu|china)",
      "ISUP network variant\n" "ITU-T Q.763\n" "China national ISUP (24-bit point codes)\n")
{
	enum isup_variant v = get_string_value(isup_variant_names, argv[0]);
	struct isup_relay *r = g_np700->isup;
	struct isup_cgroup *cg;

	/* "write" prints point codes in the variant's format: a 24-bit one does not fit ITU's 14 bits */
	if (v == ISUP_VARIANT_ITU && r->own_pc_configured && r->own_pc > 0x3fff) {
		vty_out(vty, "%% The point-code is a 24-bit one: change it first%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	llist_for_each_entry(cg, &r->cgroups, list) {
		if (v == ISUP_VARIANT_ITU && cg->dpc > 0x3fff) {
			vty_out(vty, "%% Circuit group %s has a 24-bit dpc: change it first%s", cg->name, VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	isup_relay_set_variant(r, v);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_route, cfg_isup_route_cmd, "route PREFIX circuit-group NAME format (national|international)",
      "Route for translated called numbers\n"
      "Leading digits of the real callee's number (canonical 86... or national form)\n"
      "Outgoing circuit group\n" "Circuit group name\n"
      "Form of the called party number sent on this route\n" "National number\n" "International number\n")
{
	if (isup_route_add(g_np700->isup, argv[0], argv[1], get_string_value(isup_route_format_names, argv[2])) < 0) {
		vty_out(vty, "%% Invalid route prefix '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!isup_cgroup_find(g_np700->isup, argv[1]))
		vty_out(vty, "%% Note: circuit-group '%s' does not exist (yet)%s", argv[1], VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_no_route, cfg_isup_no_route_cmd, "no route PREFIX",
      NO_STR "Route for translated called numbers\n" "Prefix\n")
{
	if (isup_route_del(g_np700->isup, argv[0]) < 0) {
		vty_out(vty, "%% No route '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

/* the reason list is filled in from np700_reject_names at init */
DEFUN(cfg_isup_reject, cfg_isup_reject_cmd, "reject-cause REASON <1-127>", "(filled in at init)")
{
	int reason = get_string_value(np700_reject_names, argv[0]);

	if (reason <= 0) {
		vty_out(vty, "%% Unknown reason '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_relay_set_reject_cause(g_np700->isup, reason, atoi(argv[1]));
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_maxdur, cfg_isup_maxdur_cmd, "max-duration-cause <1-127>",
      "Release cause when a binding's maximum call duration runs out\n" "Q.850 cause (16 normal, 102 timer)\n")
{
	isup_relay_set_max_duration_cause(g_np700->isup, atoi(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_max_calls, cfg_isup_max_calls_cmd, "max-calls <0-1000000>",
      "Admission limit: calls in progress; more attempts are shed (overload-cause)\n"
      "Calls (0: no limit)\n")
{
	g_np700->isup->max_calls = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_max_rate, cfg_isup_max_rate_cmd, "max-call-rate <0-1000000>",
      "Admission limit: new call attempts (IAM) per second; more are shed (overload-cause)\n"
      "Attempts per second (0: no limit)\n")
{
	g_np700->isup->max_rate = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_ovl_cause, cfg_isup_ovl_cause_cmd, "overload-cause <1-127>",
      "Release cause of an attempt shed by max-calls / max-call-rate\n"
      "Q.850 cause (default 42, switching equipment congestion)\n")
{
	g_np700->isup->overload_cause = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_isup_timer, cfg_isup_timer_cmd, "timer " OSMO_TDEF_VTY_ARG_SET_OPTIONAL,
      "ISUP timers (Q.764): T1 T5 T7 T9 T35, T12-T17, T22 T23, seconds\n" OSMO_TDEF_VTY_DOC_SET)
{
	if (argc < 2)
		return osmo_tdef_vty_show_cmd(vty, g_np700->isup->tdefs, argc ? argv[0] : NULL, NULL);
	return osmo_tdef_vty_set_cmd(vty, g_np700->isup->tdefs, argv);
}

DEFUN(cfg_cgroup, cfg_cgroup_cmd, "circuit-group NAME",
      "Configure a circuit group (the circuits towards one switch)\n" "Name\n")
{
	struct isup_cgroup *cg = isup_cgroup_find(g_np700->isup, argv[0]);

	if (!cg)
		cg = isup_cgroup_alloc(g_np700->isup, argv[0], 0, 1, 0);
	if (!cg) {
		vty_out(vty, "%% Cannot create circuit-group '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = cg;
	vty->node = ISUP_CGROUP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_cgroup, cfg_no_cgroup_cmd, "no circuit-group NAME",
      NO_STR "Remove a circuit group (calls on it are released)\n" "Name\n")
{
	struct isup_cgroup *cg = isup_cgroup_find(g_np700->isup, argv[0]);

	if (!cg) {
		vty_out(vty, "%% No circuit-group '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_cgroup_free(cg);
	return CMD_SUCCESS;
}

static const char *cg_err(int rc)
{
	switch (rc) {
	case -EBUSY:
		return "circuits of the group are busy";
	case -EEXIST:
		return "the range overlaps another group towards the same DPC";
	default:
		return "invalid value";
	}
}

DEFUN(cfg_cgroup_dpc, cfg_cgroup_dpc_cmd, "dpc PC",
      "Point code of the switch at the far end\n" "Point code: decimal, or dotted 3.8.3 (itu) / 8.8.8 (china)\n")
{
	struct isup_cgroup *cg = vty->index;
	uint32_t pc;
	int rc;

	if (parse_pc(argv[0], &pc) < 0) {
		vty_out(vty, "%% Invalid point code '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = isup_cgroup_set_dpc(cg, pc);
	if (rc < 0) {
		vty_out(vty, "%% Cannot set dpc: %s%s", cg_err(rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cgroup_cic, cfg_cgroup_cic_cmd, "cic <0-4095> <0-4095>",
      "Circuit identification codes of the group\n" "First CIC\n" "Last CIC\n")
{
	struct isup_cgroup *cg = vty->index;
	int rc = isup_cgroup_set_range(cg, atoi(argv[0]), atoi(argv[1]));

	if (rc < 0) {
		vty_out(vty, "%% Cannot set CIC range: %s%s", cg_err(rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_cgroup_reject, cfg_cgroup_reject_cmd, "reject-cause REASON <0-127>", "(filled in at init)")
{
	struct isup_cgroup *cg = vty->index;
	int reason = get_string_value(np700_reject_names, argv[0]);

	if (reason <= 0) {
		vty_out(vty, "%% Unknown reason '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	isup_cgroup_set_reject_cause(cg, reason, atoi(argv[1]));
	return CMD_SUCCESS;
}

static void vty_line(void *priv, const char *line)
{
	struct vty *vty = priv;

	vty_out(vty, "%s%s", line, VTY_NEWLINE);
}

DEFUN(show_calls, show_calls_cmd, "show calls", SHOW_STR "ISUP calls in progress, both legs each\n")
{
	vty_out(vty, "%u calls%s", isup_relay_num_calls(g_np700->isup), VTY_NEWLINE);
	isup_relay_dump_calls(g_np700->isup, vty_line, vty);
	return CMD_SUCCESS;
}

DEFUN(show_circuits, show_circuits_cmd, "show circuits [all]",
      SHOW_STR "ISUP circuit groups with their busy and blocked circuits\n" "List idle circuits too\n")
{
	isup_relay_dump_circuits(g_np700->isup, argc > 0, vty_line, vty);
	return CMD_SUCCESS;
}

DEFUN(isup_circuit_maint, isup_circuit_maint_cmd, "isup circuit-group NAME cic <0-4095> (block|unblock|reset)",
      "ISUP relay\n" "A circuit group\n" "Its name\n" "A circuit of it\n" "Circuit identification code\n"
      "Maintenance blocking: BLO until BLA; a call on it goes on, no new ones\n"
      "End the maintenance blocking: UBL until UBA\n" "Reset the circuit: RSC until RLC; a call on it is released\n")
{
	uint16_t cic = atoi(argv[1]);
	int rc;

	if (argv[2][0] == 'r')
		rc = isup_relay_circuit_reset(g_np700->isup, argv[0], cic);
	else
		rc = isup_relay_circuit_block(g_np700->isup, argv[0], cic, argv[2][0] == 'b');
	if (rc == -ENOENT) {
		vty_out(vty, "%% No circuit group '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc < 0) {
		vty_out(vty, "%% CIC %u is not in circuit group '%s'%s", cic, argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

static int config_write_isup(struct vty *vty)
{
	struct isup_relay *r = g_np700->isup;
	struct isup_cgroup *cg;
	struct isup_route *rt;
	unsigned int i;

	vty_out(vty, "isup%s", VTY_NEWLINE);
	/* the variant first: it says how the point codes below are written */
	vty_out(vty, " variant %s%s", get_value_string(isup_variant_names, r->variant), VTY_NEWLINE);
	if (r->own_pc != 0xffffffff && r->own_pc_configured)
		vty_out(vty, " point-code %s%s", isup_pc_str(r->variant, r->own_pc), VTY_NEWLINE);
	for (i = 1; i < _NP700_REJ_NUM; i++)
		vty_out(vty, " reject-cause %s %u%s", np700_reject_name(i), r->reject_cause[i], VTY_NEWLINE);
	vty_out(vty, " max-duration-cause %u%s", r->maxdur_cause, VTY_NEWLINE);
	if (r->max_calls)
		vty_out(vty, " max-calls %u%s", r->max_calls, VTY_NEWLINE);
	if (r->max_rate)
		vty_out(vty, " max-call-rate %u%s", r->max_rate, VTY_NEWLINE);
	if (r->overload_cause != 42)
		vty_out(vty, " overload-cause %u%s", r->overload_cause, VTY_NEWLINE);
	osmo_tdef_vty_write(vty, r->tdefs, " timer ");
	llist_for_each_entry(cg, &r->cgroups, list) {
		vty_out(vty, " circuit-group %s%s", cg->name, VTY_NEWLINE);
		vty_out(vty, "  dpc %s%s", isup_pc_str(r->variant, cg->dpc), VTY_NEWLINE);
		if (cg->circ)
			vty_out(vty, "  cic %u %u%s", cg->first, cg->last, VTY_NEWLINE);
		for (i = 1; i < _NP700_REJ_NUM; i++) {
			if (cg->reject_cause[i])
				vty_out(vty, "  reject-cause %s %u%s", np700_reject_name(i), cg->reject_cause[i],
					VTY_NEWLINE);
		}
	}
	llist_for_each_entry(rt, &r->routes, list)
		vty_out(vty, " route %s circuit-group %s format %s%s", rt->prefix, rt->cgroup,
			get_value_string(isup_route_format_names, rt->fmt), VTY_NEWLINE);
	return CMD_SUCCESS;
}

/* "(a|b|c)" of the rejection reasons, without "none" */
static void fill_reject_cmd(struct cmd_element *cmd, const char *min, const char *doc_head, const char *doc_val)
{
	const struct value_string *vs;
	/* the command lives as long as the program, not as long as one relay */
	char *str = talloc_strdup(g_np700->ctx, "reject-cause (");
	char *doc = talloc_strdup(g_np700->ctx, doc_head);

	for (vs = np700_reject_names; vs->str; vs++) {
		if (vs->value == NP700_REJ_NONE)
			continue;
		str = talloc_asprintf_append(str, "%s%s", str[strlen(str) - 1] == '(' ? "" : "|", vs->str);
		doc = talloc_asprintf_append(doc, "Rejection: %s\n", vs->str);
	}
	cmd->string = talloc_asprintf_append(str, ") %s", min);
	cmd->doc = talloc_asprintf_append(doc, "%s", doc_val);
}

void isup_vty_init(void)
{
	fill_reject_cmd(&cfg_isup_reject_cmd, "<1-127>", "Release cause towards the caller per rejection reason\n",
			"Q.850 cause\n");
	fill_reject_cmd(&cfg_cgroup_reject_cmd, "<0-127>",
			"Release cause for callers on this group per rejection reason\n",
			"Q.850 cause (0: the isup-wide one)\n");

	install_element(CONFIG_NODE, &cfg_isup_cmd);
	install_node(&isup_node, config_write_isup);
	install_element(ISUP_NODE, &cfg_isup_pc_cmd);
	install_element(ISUP_NODE, &cfg_isup_variant_cmd);
	install_element(ISUP_NODE, &cfg_isup_route_cmd);
	install_element(ISUP_NODE, &cfg_isup_no_route_cmd);
	install_element(ISUP_NODE, &cfg_isup_reject_cmd);
	install_element(ISUP_NODE, &cfg_isup_maxdur_cmd);
	install_element(ISUP_NODE, &cfg_isup_timer_cmd);
	install_element(ISUP_NODE, &cfg_isup_max_calls_cmd);
	install_element(ISUP_NODE, &cfg_isup_max_rate_cmd);
	install_element(ISUP_NODE, &cfg_isup_ovl_cause_cmd);
	install_element(ISUP_NODE, &cfg_cgroup_cmd);
	install_element(ISUP_NODE, &cfg_no_cgroup_cmd);
	install_node(&cgroup_node, NULL);
	install_element(ISUP_CGROUP_NODE, &cfg_cgroup_dpc_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cgroup_cic_cmd);
	install_element(ISUP_CGROUP_NODE, &cfg_cgroup_reject_cmd);
	install_element_ve(&show_calls_cmd);
	install_element_ve(&show_circuits_cmd);
	install_element(ENABLE_NODE, &isup_circuit_maint_cmd);
}
