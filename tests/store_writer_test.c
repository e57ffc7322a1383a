/* The store's writer thread: lookups on the main thread proceed while a write txn is open in
 * the writer, and see nothing of it before its commit; done() runs after the commit (then the
 * write is visible), in submit order; a job reads its own txn's writes; stop finishes the queue. */
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/store.h>
#include <np700/store_writer.h>

static void *ctx;
static struct np700_store *st;
static sem_t entered, release;

struct tjob {
	struct np700_store_wjob wjob;
	const char *name;
	char x[16];
	bool block;		/*!< wait in run() until the main thread releases it */
	int rc_create, rc_get;
	uint64_t id;
	bool done;
};

static void tjob_run(struct np700_store_wjob *wjob, struct np700_store_txn *txn)
{
	struct tjob *j = container_of(wjob, struct tjob, wjob);
	struct np700_binding b = { .customer_id = 1, .mode = NP700_MODE_AXB, .expires = time(NULL) + 3600,
				   .services = NP700_SVC_VOICE, .direction = NP700_DIR_BOTH };
	struct np700_binding got;

	OSMO_STRLCPY_ARRAY(b.x, j->x);
	OSMO_STRLCPY_ARRAY(b.a, "8613800138000");
	OSMO_STRLCPY_ARRAY(b.b, "8613900139000");
	j->rc_create = np700_store_binding_create(st, txn, &b);
	j->id = b.id;
	j->rc_get = j->rc_create ? -1 : np700_store_binding_get_txn(txn, b.id, &got);
	if (j->block) {
		sem_post(&entered);
		sem_wait(&release);
	}
}

static int lookup(const char *x)
{
	struct np700_binding b;

	return np700_store_binding_lookup(st, x, "8613800138000", &b);
}

static void tjob_done(struct np700_store_wjob *wjob, int rc)
{
	struct tjob *j = container_of(wjob, struct tjob, wjob);

	printf("done %s: commit %d, create %d, get in own txn %d, lookup now %d\n", j->name, rc, j->rc_create,
	       j->rc_get, lookup(j->x));
	j->done = true;
}

static void tjob_init(struct tjob *j, const char *name, const char *x, bool block)
{
	memset(j, 0, sizeof(*j));
	j->name = name;
	OSMO_STRLCPY_ARRAY(j->x, x);
	j->block = block;
	j->wjob.run = tjob_run;
	j->wjob.done = tjob_done;
}

static void wait_done(struct tjob *j)
{
	while (!j->done)
		osmo_select_main_ctx(0);
}

int main(int argc, char **argv)
{
	struct np700_store_cfg cfg = { .map_size = 16 << 20, .max_pairs_per_x = 100, .plan = &np700_numplan_default };
	struct np700_customer c = { .id = 1, .name = "one" };
	struct np700_pool p = { .customer_id = 1, .first = "700123456780000", .last = "700123456789999" };
	struct np700_store_writer *w;
	struct np700_decision d;
	struct tjob j1, j2, j3, j4, j5;
	char dir[64] = "/tmp/np700_writer_test.XXXXXX", cmd[128];
	int rc;

	ctx = talloc_named_const(NULL, 0, "store_writer_test");
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_timestamp(osmo_stderr_target, 0);
	sem_init(&entered, 0, 0);
	sem_init(&release, 0, 0);
	if (!mkdtemp(dir))
		return 1;
	cfg.path = dir;
	rc = np700_store_open(ctx, &cfg, &st);
	printf("open: %d\n", rc);
	if (rc)
		return 1;
	rc = np700_store_customer_put(st, &c);
	printf("customer: %d\n", rc);
	rc = np700_store_pool_add(st, &p);
	printf("pool: %d\n", rc);
	{
		struct np700_binding b = { .customer_id = 1, .mode = NP700_MODE_AXB, .expires = time(NULL) + 3600,
					   .services = NP700_SVC_VOICE, .direction = NP700_DIR_BOTH };
		OSMO_STRLCPY_ARRAY(b.x, "700123456780001");
		OSMO_STRLCPY_ARRAY(b.a, "8613800138000");
		OSMO_STRLCPY_ARRAY(b.b, "8613900139000");
		printf("binding on 0001 (main thread): %d\n", np700_store_binding_create(st, NULL, &b));
	}
	rc = np700_store_writer_start(ctx, st, &w);
	printf("writer start: %d\n", rc);

	printf("\n== lookups while the writer holds a write txn open\n");
	tjob_init(&j1, "j1", "700123456780002", true);
	np700_store_writer_submit(w, &j1.wjob);
	sem_wait(&entered);	/* j1 has written 0002 and now sits inside the open txn */
	printf("lookup 0001 during the txn: %d\n", lookup("700123456780001"));
	printf("lookup 0002 during the txn (not committed): %d\n", lookup("700123456780002"));
	rc = np700_decide(st, "700123456780001", "8613800138000", NP700_SVC_VOICE, time(NULL), &d);
	printf("decide 0001 during the txn: %d, reject %d, connect to %s\n", rc, d.reject, d.connect_to);
	printf("done before the commit: %s\n", j1.done ? "yes (WRONG)" : "no");
	sem_post(&release);
	wait_done(&j1);

	printf("\n== done() in submit order; a job sees its own writes\n");
	tjob_init(&j2, "j2", "700123456780003", true);
	tjob_init(&j3, "j3", "700123456780004", false);
	tjob_init(&j4, "j4", "700123456780002", false);	/* pair bound by j1 already: -EEXIST */
	np700_store_writer_submit(w, &j2.wjob);
	sem_wait(&entered);
	/* queued behind the open txn: they commit together in the next one */
	np700_store_writer_submit(w, &j3.wjob);
	np700_store_writer_submit(w, &j4.wjob);
	sem_post(&release);
	wait_done(&j4);

	printf("\n== stop finishes what is queued\n");
	tjob_init(&j5, "j5", "700123456780005", false);
	np700_store_writer_submit(w, &j5.wjob);
	np700_store_writer_stop(w);
	printf("j5 done at stop: %s\n", j5.done ? "yes" : "no");

	np700_store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	printf("end\n");
	return 0;
}
