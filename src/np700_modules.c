/* np700 life cycle: defaults, VTY, start, stop, reopen — one place that knows every module */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>

#include <np700/cdr.h>
#include <np700/np700.h>
#include <np700/logging.h>
#include <np700/modules.h>
#include <np700/vty.h>

void np700_modules_defaults(struct np700 *g)
{
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
	cdr_vty_init();
}

int np700_modules_start(struct np700 *g)
{
	cdr_writer_start_timers(g->cdr);
	return 0;
}

void np700_modules_stop(struct np700 *g)
{
	/* records first: they must be on disk whatever fails later */
	cdr_writer_flush(g->cdr);
}

void np700_modules_reopen(struct np700 *g)
{
	cdr_writer_reopen(g->cdr);
}
