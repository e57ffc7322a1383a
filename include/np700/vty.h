/*! \file vty.h
 *  np700's VTY nodes. Each module installs its own commands. */
#pragma once

#include <osmocom/vty/command.h>

enum np700_vty_node {
	NP700_NODE = _LAST_OSMOVTY_NODE + 1,	/*!< "np700": numbering plan, store */
	CUSTOMER_NODE,				/*!< "customer <id>": pools, state */
	NB_NODE,				/*!< "provisioning": listen address */
	NB_CLIENT_NODE,				/*!< "provisioning" / "client NAME" */
	ISUP_NODE,				/*!< "isup": routes, circuit groups, causes */
	ISUP_CGROUP_NODE,			/*!< "isup" / "circuit-group NAME" */
	SCCP_NODE,				/*!< "sccp": GT routing */
	MAP_NODE,				/*!< "map": SRI / SMS router */
	CDR_NODE,				/*!< "records": call records */
	_NP700_NODE_NUM
};

struct np700;
/*! Install the top-level np700 VTY (numbering plan, store, customers). */
void np700_vty_init(struct np700 *g);
int np700_vty_go_parent(struct vty *vty);
int np700_vty_is_config_node(struct vty *vty, int node);
