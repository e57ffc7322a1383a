/* np700 VTY: the "np700" node (numbering plan, binding store) and node navigation */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include <np700/map_router.h>
#include <np700/np700.h>
#include <np700/vty.h>

static struct cmd_node np700_node = {
	NP700_NODE,
	"%s(config-np700)# ",
	1,
};

DEFUN(cfg_np700, cfg_np700_cmd, "np700", "Configure the number-protection node\n")
{
	vty->node = NP700_NODE;
	return CMD_SUCCESS;
}

/* A configured pool that is not made of protected numbers of \a plan, if any. */
static const struct np700_pool *pool_outside(struct np700 *g, const struct np700_numplan *plan)
{
	struct np700_cfg_customer *cc;
	struct np700_cfg_pool *cp;
	char tmp[NP700_NUM_MAXLEN + 1];

	llist_for_each_entry(cc, &g->customers, list) {
		llist_for_each_entry(cp, &cc->pools, list) {
			if (np700_protected_normalise(plan, cp->p.first, NP700_NAT_NATIONAL, tmp, sizeof(tmp)) != 1
			    || np700_protected_normalise(plan, cp->p.last, NP700_NAT_NATIONAL, tmp, sizeof(tmp)) != 1)
				return &cp->p;
		}
	}
	return NULL;
}

DEFUN(cfg_range, cfg_range_cmd, "protected-range prefix <0-99999> length <4-15>",
      "The protected number range (DESIGN: 700, 15 digits)\n" "Leading digits of every protected number\n"
      "Prefix digits\n" "Usage length of a protected number\n" "Number of digits\n")
{
	struct np700 *g = g_np700;
	struct np700_numplan plan = g->plan;
	const struct np700_pool *p;
	const char *rn_prefix = map_router_cfg(g->map)->rn_prefix;

	/* keep the digits as typed: leading zeros matter */
	if (strlen(argv[0]) >= sizeof(g->plan.range_prefix) || !np700_is_digits(argv[0], sizeof(g->plan.range_prefix) - 1)) {
		vty_out(vty, "%% Invalid prefix '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (atoi(argv[1]) <= (int)strlen(argv[0])) {
		vty_out(vty, "%% Length must exceed the prefix length%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	OSMO_STRLCPY_ARRAY(plan.range_prefix, argv[0]);
	plan.range_len = atoi(argv[1]);
	/* pools and the routing-number prefix are checked against the range when configured, and
	 * "write" puts them after it: a range they no longer fit would make the written config fail */
	p = pool_outside(g, &plan);
	if (p) {
		vty_out(vty, "%% Pool %s-%s of customer %u is outside the new range: remove it first%s", p->first,
			p->last, p->customer_id, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rn_prefix[0] && map_router_check_rn_prefix(rn_prefix, plan.range_len) < 0) {
		vty_out(vty, "%% map routing-number-prefix %s and %u digits exceed an ISDN-AddressString%s", rn_prefix,
			plan.range_len, VTY_NEWLINE);
		return CMD_WARNING;
	}
	g->plan = plan;
	return CMD_SUCCESS;
}

DEFUN(cfg_cc, cfg_cc_cmd, "country-code <1-999>",
      "Own country code, for canonical E.164 numbers\n" "Country code digits\n")
{
	OSMO_STRLCPY_ARRAY(g_np700->plan.country_code, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_natpfx, cfg_natpfx_cmd, "national-prefix DIGITS",
      "Trunk prefix dialled before national numbers (e.g. 0)\n" "Prefix digits\n")
{
	if (strlen(argv[0]) >= sizeof(g_np700->plan.national_prefix) || !np700_is_digits(argv[0], 3)) {
		vty_out(vty, "%% Invalid national prefix '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	OSMO_STRLCPY_ARRAY(g_np700->plan.national_prefix, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_intlpfx, cfg_intlpfx_cmd, "international-prefix DIGITS",
      "Prefix dialled before international numbers (e.g. 00)\n" "Prefix digits\n")
{
	if (strlen(argv[0]) >= sizeof(g_np700->plan.intl_prefix) || !np700_is_digits(argv[0], 5)) {
		vty_out(vty, "%% Invalid international prefix '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	OSMO_STRLCPY_ARRAY(g_np700->plan.intl_prefix, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_store_path, cfg_store_path_cmd, "store path PATH",
      "Binding store (LMDB)\n" "Directory of the LMDB environment\n" "Directory\n")
{
	if (g_np700->store) {
		vty_out(vty, "%% The store is open; its path takes effect after a restart%s", VTY_NEWLINE);
	}
	osmo_talloc_replace_string(g_np700, &g_np700->store_cfg.path, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_store_mapsize, cfg_store_mapsize_cmd, "store map-size <1-1048576>",
      "Binding store (LMDB)\n" "Maximum size of the store file\n" "Megabytes\n")
{
	g_np700->store_cfg.map_size = (size_t)atoi(argv[0]) << 20;
	return CMD_SUCCESS;
}

DEFUN(cfg_store_maxpairs, cfg_store_maxpairs_cmd, "store max-pairs-per-number <1-100000>",
      "Binding store (LMDB)\n" "Cap of bindings sharing one protected number\n" "Bindings\n")
{
	g_np700->store_cfg.max_pairs_per_x = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_store_purge, cfg_store_purge_cmd, "store purge interval <10-600000> batch <1-100000>",
      "Binding store (LMDB)\n" "Removal of expired entries, a little at a time\n"
      "How often\n" "Milliseconds\n" "How many entries at most per run\n" "Entries\n")
{
	g_np700->store_cfg.purge_interval_ms = atoi(argv[0]);
	g_np700->store_cfg.purge_batch = atoi(argv[1]);
	return CMD_SUCCESS;
}

static int config_write_np700(struct vty *vty)
{
	struct np700 *g = g_np700;

	vty_out(vty, "np700%s", VTY_NEWLINE);
	vty_out(vty, " protected-range prefix %s length %u%s", g->plan.range_prefix, g->plan.range_len, VTY_NEWLINE);
	vty_out(vty, " country-code %s%s", g->plan.country_code, VTY_NEWLINE);
	vty_out(vty, " national-prefix %s%s", g->plan.national_prefix, VTY_NEWLINE);
	vty_out(vty, " international-prefix %s%s", g->plan.intl_prefix, VTY_NEWLINE);
	if (g->store_cfg.path)
		vty_out(vty, " store path %s%s", g->store_cfg.path, VTY_NEWLINE);
	vty_out(vty, " store map-size %zu%s", g->store_cfg.map_size >> 20, VTY_NEWLINE);
	vty_out(vty, " store max-pairs-per-number %u%s", g->store_cfg.max_pairs_per_x, VTY_NEWLINE);
	vty_out(vty, " store purge interval %u batch %u%s", g->store_cfg.purge_interval_ms,
		g->store_cfg.purge_batch, VTY_NEWLINE);
	return CMD_SUCCESS;
}

int np700_vty_go_parent(struct vty *vty)
{
	switch (vty->node) {
	case NP700_NODE:
	case CUSTOMER_NODE:
	case NB_NODE:
	case ISUP_NODE:
	case SCCP_NODE:
	case MAP_NODE:
	case CDR_NODE:
		vty->node = CONFIG_NODE;
		vty->index = NULL;
		break;
	case NB_CLIENT_NODE:
		vty->node = NB_NODE;
		vty->index = NULL;
		break;
	case ISUP_CGROUP_NODE:
		vty->node = ISUP_NODE;
		vty->index = NULL;
		break;
	default:
		/* libosmo-sigtran's cs7 nodes: it starts the ASPs on the way out */
		return osmo_ss7_vty_go_parent(vty);
	}
	return vty->node;
}

int np700_vty_is_config_node(struct vty *vty, int node)
{
	if (node >= NP700_NODE && node < _NP700_NODE_NUM)
		return 1;
	return osmo_ss7_is_config_node(vty, node);
}

void np700_vty_init(struct np700 *g)
{
	install_element(CONFIG_NODE, &cfg_np700_cmd);
	install_node(&np700_node, config_write_np700);
	install_element(NP700_NODE, &cfg_range_cmd);
	install_element(NP700_NODE, &cfg_cc_cmd);
	install_element(NP700_NODE, &cfg_natpfx_cmd);
	install_element(NP700_NODE, &cfg_intlpfx_cmd);
	install_element(NP700_NODE, &cfg_store_path_cmd);
	install_element(NP700_NODE, &cfg_store_mapsize_cmd);
	install_element(NP700_NODE, &cfg_store_maxpairs_cmd);
	install_element(NP700_NODE, &cfg_store_purge_cmd);
}
