/* The store in the daemon: opened once the config is read, purged a little at a time from a
 * timer (which also writes the fraud usage), closed on SIGTERM */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/store_check.h>
#include <np700/fraud.h>
#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/store_vty.h>

struct np700_store_run {
	struct np700 *g;
	struct osmo_timer_list purge_timer;
};

static int mkdir_p(const char *path)
{
	char tmp[256];
	char *p;

	if (osmo_strlcpy(tmp, path, sizeof(tmp)) >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0750) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0750) && errno != EEXIST)
		return -errno;
	return 0;
}

static void purge_timer_cb(void *data)
{
	struct np700_store_run *run = data;
	struct np700 *g = run->g;
	time_t now = time(NULL);
	int rc;

	rc = np700_store_purge_expired(g->store, now, g->store_cfg.purge_batch);
	if (rc < 0)
		LOGP(DSTORE, LOGL_ERROR, "purge: %s\n", np700_store_last_error(g->store));
	rc = np700_fraud_flush(g->store, now);
	if (rc < 0)
		LOGP(DSTORE, LOGL_ERROR, "writing usage: %s\n", np700_store_last_error(g->store));
	osmo_timer_schedule(&run->purge_timer, g->store_cfg.purge_interval_ms / 1000,
			    (g->store_cfg.purge_interval_ms % 1000) * 1000);
}

int np700_store_start(struct np700 *g)
{
	struct np700_store_cfg cfg = {
		.path = g->store_cfg.path,
		.map_size = g->store_cfg.map_size,
		.max_pairs_per_x = g->store_cfg.max_pairs_per_x,
		.plan = &g->plan,
	};
	struct np700_store_run *run;
	int rc;

	rc = mkdir_p(g->store_cfg.path);
	if (rc) {
		LOGP(DSTORE, LOGL_ERROR, "cannot create store directory %s: %s\n", g->store_cfg.path, strerror(-rc));
		return rc;
	}
	/* a truncated file would crash LMDB (SIGBUS) or become an empty store (issue 6) */
	rc = np700_store_check_file(g->store_cfg.path);
	if (rc)
		return rc;
	rc = np700_store_open(g, &cfg, &g->store);
	if (rc)
		return rc;
	rc = np700_customers_sync(g);
	if (rc)
		LOGP(DSTORE, LOGL_ERROR, "some configured customers or pools were refused by the store\n");
	run = talloc_zero(g, struct np700_store_run);
	run->g = g;
	osmo_timer_setup(&run->purge_timer, purge_timer_cb, run);
	osmo_timer_schedule(&run->purge_timer, g->store_cfg.purge_interval_ms / 1000,
			    (g->store_cfg.purge_interval_ms % 1000) * 1000);
	g->store_run = run;
	return 0;
}

void np700_store_stop(struct np700 *g)
{
	if (g->store_run) {
		osmo_timer_del(&g->store_run->purge_timer);
		TALLOC_FREE(g->store_run);
	}
	if (!g->store)
		return;
	if (np700_fraud_flush(g->store, time(NULL)))
		LOGP(DSTORE, LOGL_ERROR, "writing usage at exit: %s\n", np700_store_last_error(g->store));
	np700_store_close(g->store);
	g->store = NULL;
}
