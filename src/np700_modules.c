/* np700 life cycle: defaults, VTY, start, stop, reopen — one place that knows every module */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include <np700/cdr.h>
#include <np700/np700.h>
#include <np700/logging.h>
#include <np700/isup_relay.h>
#include <np700/m3ua.h>
#include <np700/map_router.h>
#include <np700/modules.h>
#include <np700/nb_server.h>
#include <np700/sccp.h>
#include <np700/store_vty.h>
#include <np700/vty.h>

/* the ISUP relay's link watch (isup_relay_watch_link) */
static bool isup_link_active(void *g)
{
	return np700_mtp_active(g);
}

void np700_modules_defaults(struct np700 *g)
{
	g->sccp = sccp_relay_alloc(g, 0);
	g->map = map_router_alloc(g, g->sccp);
	g->isup = isup_relay_alloc(g, g, NULL, NULL);
	g->nb = nb_server_alloc(g, g);
	g->plan = np700_numplan_default;
	g->store_cfg.path = talloc_strdup(g, "/var/lib/np700/store");
	g->store_cfg.map_size = (size_t)1024 << 20;
	g->store_cfg.max_pairs_per_x = 5000;
	g->store_cfg.purge_interval_ms = 1000;
	g->store_cfg.purge_batch = 1000;
	INIT_LLIST_HEAD(&g->customers);
	g->cdr_cfg.dir = talloc_strdup(g, "/var/lib/np700/records");
	g->cdr_cfg.retention_days = CDR_RETENTION_MIN_DAYS;
	g->cdr = cdr_writer_alloc(g, g->cdr_cfg.dir, g->cdr_cfg.retention_days);
}

void np700_modules_vty_init(struct np700 *g)
{
	np700_vty_init(g);
	nb_vty_init(g);
	cdr_vty_init();
	np700_customer_vty_init(g);
	np700_store_vty_init(g);
	sccp_vty_init();
	map_vty_init();
	isup_vty_init();
}

int np700_modules_start(struct np700 *g)
{
	{
		/* the store first: provisioning and the relays decide against it */
		int rc = np700_store_start(g);
		if (rc < 0)
			return rc;
	}
	cdr_writer_start_timers(g->cdr);
	{
		/* M3UA: the cs7 instance was set up by the config file */
		int rc = np700_mtp_start(g);
		if (rc < 0)
			return rc;
	}
	{
		/* SCCP as a raw MTP user (SI=3): np700's own point code makes messages local */
		sccp_relay_set_own_pc(g->sccp, np700_mtp_own_pc(g));
		sccp_relay_set_tx_cb(g->sccp, np700_mtp_tx_sccp, g);
		np700_mtp_register(g, NP700_MTP_SI_SCCP, sccp_relay_mtp_rx, g->sccp);
		/* MAP: SRI/SRI-SM for X (SSN 6), MT/MO forwardSM (SSN 8) */
		map_router_start(g->map);
	}
	{
		/* ISUP (SI=5): the relay sends with np700's own PC unless "isup / point-code" says otherwise */
		isup_relay_set_default_pc(g->isup, np700_mtp_own_pc(g));
		/* calls that SRI answers routed here arrive with the MAP routing-number prefix */
		isup_relay_set_routing_prefix(g->isup, map_router_cfg(g->map)->rn_prefix);
		isup_relay_set_tx(g->isup, np700_mtp_tx_isup, g);
		np700_mtp_register(g, NP700_MTP_SI_ISUP, isup_relay_mtp_rx, g->isup);
		/* calls released and circuits reset (GRS) when the ASP goes down / becomes active */
		isup_relay_watch_link(g->isup, isup_link_active, g);
	}
	{
		/* provisioning: only once the store is open, so that no request can miss it */
		int rc = nb_server_start(g->nb, g->store, &g->plan);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void np700_modules_stop(struct np700 *g)
{
	/* calls still up end here, while the record writer they write to is there (freed with the
	 * talloc tree, the writer could go first) */
	talloc_free(g->isup);
	g->isup = NULL;
	/* records first: they must be on disk whatever fails later */
	cdr_writer_flush(g->cdr);
	/* no more requests: the store may close after this */
	nb_server_stop(g->nb);
	np700_mtp_stop(g);
	np700_mtp_destroy(g);
	/* last: nothing reads or writes bindings any more */
	np700_store_stop(g);
}

void np700_modules_reopen(struct np700 *g)
{
	cdr_writer_reopen(g->cdr);
}
