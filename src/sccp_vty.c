/* VTY of the SCCP relay: node "sccp" (variant, local GTs and SSNs, GT routes), "show sccp ..." */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/vty.h>

#include <np700/np700.h>
#include <np700/sccp.h>
#include <np700/vty.h>

static struct cmd_node sccp_node = {
	SCCP_NODE,
	"%s(config-sccp)# ",
	1,
};

#define SCCP_STR "SCCP relay and GT routing\n"
#define GT_ROUTE_STR "GT route: GT prefix to point code\n" "GT digits prefix\n"
#define PC_STR "Destination point code\n" "Point code: decimal, or dotted (ITU 3.8.3, China 8.8.8)\n"
#define SSN_STR "Subsystem number to put into the called address (0: keep the received one)\n" "SSN\n"

DEFUN(cfg_sccp, cfg_sccp_cmd, "sccp", SCCP_STR)
{
	vty->node = SCCP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_sccp_variant, cfg_sccp_variant_cmd, "variant (itu|china)",
      "Network variant: width of point codes in SCCP addresses\n" "ITU: 14-bit point codes\n"
      "China: 24-bit point codes\n")
{
	enum sccp_variant v = get_string_value(sccp_variant_names, argv[0]);
	struct sccp_route_table *t = sccp_relay_routes(g_np700->sccp);
	const struct sccp_route *rt;
	unsigned int i;

	/* "write" prints point codes in the variant's format: a 24-bit one does not fit ITU's 14 bits */
	for (i = 0; v == SCCP_VAR_ITU && i < sccp_route_count(t); i++) {
		rt = sccp_route_get(t, i);
		if (rt->pc > 0x3fff) {
			vty_out(vty, "%% GT route %s has a 24-bit point code: remove it first%s", rt->prefix, VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	sccp_relay_set_variant(g_np700->sccp, v);
	return CMD_SUCCESS;
}

DEFUN(cfg_sccp_local_gt, cfg_sccp_local_gt_cmd, "local-gt DIGITS",
      "A GT of this node: messages to it are delivered to the local subsystems\n" "GT digits\n")
{
	int rc = sccp_relay_add_local_gt(g_np700->sccp, argv[0]);

	if (rc == -EEXIST)
		return CMD_SUCCESS;
	if (rc < 0) {
		vty_out(vty, "%% Cannot add local GT '%s': %s%s", argv[0],
			rc == -ENOSPC ? "too many local GTs" : "invalid digits", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_sccp_no_local_gt, cfg_sccp_no_local_gt_cmd, "no local-gt DIGITS",
      NO_STR "A GT of this node\n" "GT digits\n")
{
	if (sccp_relay_del_local_gt(g_np700->sccp, argv[0]) < 0) {
		vty_out(vty, "%% No local GT '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_sccp_local_ssn, cfg_sccp_local_ssn_cmd, "local-ssn <1-254>",
      "A subsystem served by this node (e.g. 6 HLR, 7 VLR, 8 MSC)\n" "SSN\n")
{
	sccp_relay_set_local_ssn(g_np700->sccp, atoi(argv[0]), true);
	return CMD_SUCCESS;
}

DEFUN(cfg_sccp_no_local_ssn, cfg_sccp_no_local_ssn_cmd, "no local-ssn <1-254>",
      NO_STR "A subsystem served by this node\n" "SSN\n")
{
	sccp_relay_set_local_ssn(g_np700->sccp, atoi(argv[0]), false);
	return CMD_SUCCESS;
}

DEFUN(cfg_sccp_gt_route, cfg_sccp_gt_route_cmd, "gt-route DIGITS pc PC ssn <0-255>",
      GT_ROUTE_STR PC_STR SSN_STR)
{
	struct sccp_route r = {};

	if (strlen(argv[0]) >= sizeof(r.prefix) || (argc > 3 && strlen(argv[3]) >= sizeof(r.replace))) {
		vty_out(vty, "%% Too many digits%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	OSMO_STRLCPY_ARRAY(r.prefix, argv[0]);
	if (sccp_pc_parse(&r.pc, argv[1], sccp_relay_variant(g_np700->sccp)) < 0) {
		vty_out(vty, "%% Invalid point code '%s' for variant %s%s", argv[1],
			get_value_string(sccp_variant_names, sccp_relay_variant(g_np700->sccp)), VTY_NEWLINE);
		return CMD_WARNING;
	}
	r.ssn = atoi(argv[2]);
	if (argc > 3)
		OSMO_STRLCPY_ARRAY(r.replace, argv[3]);
	if (sccp_route_add(sccp_relay_routes(g_np700->sccp), &r) < 0) {
		vty_out(vty, "%% Invalid GT route (digits 0-9, A-F)%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

ALIAS(cfg_sccp_gt_route, cfg_sccp_gt_route_repl_cmd, "gt-route DIGITS pc PC ssn <0-255> replace DIGITS",
      GT_ROUTE_STR PC_STR SSN_STR "Replace the matched prefix in the forwarded called GT\n" "Replacement digits\n")

DEFUN(cfg_sccp_no_gt_route, cfg_sccp_no_gt_route_cmd, "no gt-route DIGITS",
      NO_STR GT_ROUTE_STR)
{
	if (sccp_route_del(sccp_relay_routes(g_np700->sccp), argv[0]) < 0) {
		vty_out(vty, "%% No GT route '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

static void write_route(struct vty *vty, const struct sccp_route *r, const char *indent)
{
	char pc[16];

	vty_out(vty, "%sgt-route %s pc %s ssn %u", indent, r->prefix,
		sccp_pc_name_buf(pc, sizeof(pc), r->pc, sccp_relay_variant(g_np700->sccp)), r->ssn);
	if (r->replace[0])
		vty_out(vty, " replace %s", r->replace);
	vty_out(vty, "%s", VTY_NEWLINE);
}

DEFUN(show_sccp_routes, show_sccp_routes_cmd, "show sccp routes",
      SHOW_STR SCCP_STR "GT routing table, local GTs and SSNs\n")
{
	struct sccp_relay *r = g_np700->sccp;
	struct sccp_route_table *t = sccp_relay_routes(r);
	char pc[16];
	unsigned int i;

	vty_out(vty, "SCCP variant %s, own PC %s%s", get_value_string(sccp_variant_names, sccp_relay_variant(r)),
		sccp_pc_name_buf(pc, sizeof(pc), sccp_relay_own_pc(r), sccp_relay_variant(r)), VTY_NEWLINE);
	for (i = 0; i < sccp_relay_local_gt_count(r); i++)
		vty_out(vty, "local-gt %s%s", sccp_relay_local_gt(r, i), VTY_NEWLINE);
	for (i = 0; i < 256; i++) {
		if (sccp_relay_is_local_ssn(r, i))
			vty_out(vty, "local-ssn %u%s", i, VTY_NEWLINE);
	}
	vty_out(vty, "%u GT routes%s", sccp_route_count(t), VTY_NEWLINE);
	for (i = 0; i < sccp_route_count(t); i++)
		write_route(vty, sccp_route_get(t, i), "");
	return CMD_SUCCESS;
}

DEFUN(show_sccp_stats, show_sccp_stats_cmd, "show sccp statistics",
      SHOW_STR SCCP_STR "Message and routing counters\n")
{
	/* counter names first: they are what the stats reporter and scripts use */
	vty_out_rate_ctr_group_fmt(vty, " %-20n %10c  %d", sccp_relay_ctrs(g_np700->sccp));
	return CMD_SUCCESS;
}

static int config_write_sccp(struct vty *vty)
{
	struct sccp_relay *r = g_np700->sccp;
	struct sccp_route_table *t = sccp_relay_routes(r);
	unsigned int i;

	vty_out(vty, "sccp%s", VTY_NEWLINE);
	/* the variant first: the point codes below are written in its format */
	vty_out(vty, " variant %s%s", get_value_string(sccp_variant_names, sccp_relay_variant(r)), VTY_NEWLINE);
	for (i = 0; i < sccp_relay_local_gt_count(r); i++)
		vty_out(vty, " local-gt %s%s", sccp_relay_local_gt(r, i), VTY_NEWLINE);
	for (i = 0; i < 256; i++) {
		if (sccp_relay_is_local_ssn(r, i))
			vty_out(vty, " local-ssn %u%s", i, VTY_NEWLINE);
	}
	for (i = 0; i < sccp_route_count(t); i++)
		write_route(vty, sccp_route_get(t, i), " ");
	return CMD_SUCCESS;
}

void sccp_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_sccp_cmd);
	install_node(&sccp_node, config_write_sccp);
	install_element(SCCP_NODE, &cfg_sccp_variant_cmd);
	install_element(SCCP_NODE, &cfg_sccp_local_gt_cmd);
	install_element(SCCP_NODE, &cfg_sccp_no_local_gt_cmd);
	install_element(SCCP_NODE, &cfg_sccp_local_ssn_cmd);
	install_element(SCCP_NODE, &cfg_sccp_no_local_ssn_cmd);
	install_element(SCCP_NODE, &cfg_sccp_gt_route_cmd);
	install_element(SCCP_NODE, &cfg_sccp_gt_route_repl_cmd);
	install_element(SCCP_NODE, &cfg_sccp_no_gt_route_cmd);
	install_element_ve(&show_sccp_routes_cmd);
	install_element_ve(&show_sccp_stats_cmd);
}
