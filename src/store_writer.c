/* The store's writer thread: binding write batches committed off the event loop */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/fraud.h>
#include <np700/logging.h>
#include <np700/store_internal.h>
#include <np700/store_writer.h>

__thread bool store_in_writer;

/*! The writer thread's nice value: where it competes with the event loop for a core, the
 *  signalling (the ISUP/MAP lookups on the loop) wins, and a waking loop preempts it at once. */
#define STORE_WRITER_NICE	5

struct np700_store_writer {
	struct np700_store *st;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock: */
	struct llist_head queue;	/*!< submitted, not yet taken by the thread */
	struct llist_head done;		/*!< committed (or failed), done() not yet called */
	bool stop;
	struct np700_store_writer_stats stats;
	/* the thread's own libosmocore talloc contexts (osmo_ctx is per thread: OTC_SELECT, used by
	 * osmo_quote_str_c() in the store's error texts); roots of their own, not shared */
	struct osmo_talloc_contexts *tctx;
	/* main thread only: */
	struct osmo_fd efd;
	bool running;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writer thread: one write txn for every job in \a work; the jobs learn the outcome. */
static void run_group(struct np700_store_writer *w, struct llist_head *work)
{
	struct np700_store *st = w->st;
	struct np700_store_txn txn = { .st = st };
	struct np700_store_wjob *job;
	uint64_t t0 = now_us();
	int rc, mrc;

	/* no talloc here (np700_store_txn_begin() allocates under the store): the txn lives on
	 * this stack, and st->bulk stays the main thread's */
	__atomic_store_n(&st->writer_busy, 1, __ATOMIC_RELAXED);
	mrc = mdb_txn_begin(st->env, NULL, 0, &txn.txn);
	rc = store_mdb_err(st, mrc, "begin txn");
	if (!rc) {
		llist_for_each_entry(job, work, entry) {
			job->run(job, &txn);
			job->ran = true;
		}
		rc = store_mdb_err(st, mdb_txn_commit(txn.txn), "commit");
	}
	__atomic_store_n(&st->writer_busy, 0, __ATOMIC_RELAXED);
	llist_for_each_entry(job, work, entry) {
		job->rc = rc;
		job->err[0] = '\0';
		if (rc)
			osmo_strlcpy(job->err, st->werr, sizeof(job->err));
	}
	pthread_mutex_lock(&w->lock);
	llist_for_each_entry(job, work, entry)
		w->stats.jobs++;
	w->stats.commits++;
	if (rc)
		w->stats.commit_fail++;
	w->stats.busy_us += now_us() - t0;
	pthread_mutex_unlock(&w->lock);
}

static void *writer_main(void *data)
{
	struct np700_store_writer *w = data;
	LLIST_HEAD(work);
	uint64_t one = 1;

	store_in_writer = true;
	osmo_ctx = w->tctx;
	/* np700 may run with a realtime policy for its signalling: the writer never does (it would
	 * take the core from the loop, and a CPU-bound RT thread gets the whole process throttled) */
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &(struct sched_param){ .sched_priority = 0 });
	/* per thread on Linux: the thread id as the process id */
	setpriority(PRIO_PROCESS, syscall(SYS_gettid), STORE_WRITER_NICE);
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (llist_empty(&w->queue) && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (llist_empty(&w->queue))
			break;
		/* group commit: whatever queued up while the last txn committed shares one fsync */
		llist_splice_init(&w->queue, &work);
		pthread_mutex_unlock(&w->lock);

		run_group(w, &work);
		talloc_free_children(w->tctx->select);

		pthread_mutex_lock(&w->lock);
		llist_splice_init(&work, w->done.prev);	/* at the tail: done() in queue order */
		pthread_mutex_unlock(&w->lock);
		/* a full eventfd counter cannot happen (it counts to 2^64-2); EINTR is retried */
		while (write(w->efd.fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

unsigned int np700_store_writer_poll(struct np700_store_writer *w)
{
	struct np700_store_wjob *job, *tmp;
	LLIST_HEAD(done);
	unsigned int n = 0;

	pthread_mutex_lock(&w->lock);
	llist_splice_init(&w->done, &done);
	pthread_mutex_unlock(&w->lock);
	if (llist_empty(&done))
		return 0;
	/* the commits are on disk: let the next lookup see them before anybody is told */
	store_snapshot_drop(w->st);
	llist_for_each_entry_safe(job, tmp, &done, entry) {
		llist_del(&job->entry);
		if (job->rc)
			LOGP(DSTORE, LOGL_ERROR, "store %s: write batch failed: %s\n", w->st->path, job->err);
		job->done(job, job->rc);
		n++;
	}
	return n;
}

static int efd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct np700_store_writer *w = ofd->data;
	uint64_t cnt;

	if (read(ofd->fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN && errno != EINTR)
		LOGP(DSTORE, LOGL_ERROR, "writer eventfd: %s\n", strerror(errno));
	np700_store_writer_poll(w);
	return 0;
}

int np700_store_writer_start(void *ctx, struct np700_store *st, struct np700_store_writer **out)
{
	struct np700_store_writer *w;
	pthread_mutexattr_t ma;
	sigset_t all, old;
	int fd, rc;

	w = talloc_zero(ctx, struct np700_store_writer);
	if (!w)
		return -ENOMEM;
	w->st = st;
	INIT_LLIST_HEAD(&w->queue);
	INIT_LLIST_HEAD(&w->done);
	/* priority inheritance: the loop (maybe realtime) must not wait behind a writer thread
	 * that holds the queue's lock and was preempted by anything else */
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&w->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_cond_init(&w->cond, NULL);
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		talloc_free(w);
		return rc;
	}
	osmo_fd_setup(&w->efd, fd, OSMO_FD_READ, efd_cb, w, 0);
	if (osmo_fd_register(&w->efd) < 0) {
		close(fd);
		talloc_free(w);
		return -EIO;
	}
	/* allocated here, on the main thread: a talloc root may be linked into talloc's global
	 * null context, which is not to be touched from two threads */
	w->tctx = talloc_named_const(NULL, sizeof(*w->tctx), "store writer contexts");
	memset(w->tctx, 0, sizeof(*w->tctx));
	w->tctx->global = talloc_named_const(w->tctx, 0, "store writer global");
	w->tctx->select = talloc_named_const(w->tctx, 0, "store writer select");
	/* signals (SIGTERM, SIGUSR1, ...) must reach the main thread, whose handlers use the
	 * event loop's state: the thread starts with all of them blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = -pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		osmo_fd_unregister(&w->efd);
		close(fd);
		talloc_free(w->tctx);
		talloc_free(w);
		LOGP(DSTORE, LOGL_ERROR, "cannot start the store writer thread: %s\n", strerror(-rc));
		return rc;
	}
	w->running = true;
	*out = w;
	return 0;
}

void np700_store_writer_submit(struct np700_store_writer *w, struct np700_store_wjob *job)
{
	job->ran = false;
	pthread_mutex_lock(&w->lock);
	llist_add_tail(&job->entry, &w->queue);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void np700_store_writer_stop(struct np700_store_writer *w)
{
	if (!w)
		return;
	if (w->running) {
		pthread_mutex_lock(&w->lock);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		w->running = false;
	}
	np700_store_writer_poll(w);
	osmo_fd_unregister(&w->efd);
	close(w->efd.fd);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	talloc_free(w->tctx);
	talloc_free(w);
}

void np700_store_writer_get_stats(struct np700_store_writer *w, struct np700_store_writer_stats *s)
{
	pthread_mutex_lock(&w->lock);
	*s = w->stats;
	pthread_mutex_unlock(&w->lock);
}

int np700_store_binding_get_txn(struct np700_store_txn *txn, uint64_t id, struct np700_binding *b)
{
	struct np700_store *st = txn->st;
	int rc = store_binding_get_txn(st, txn->txn, id, b);

	if (!rc && store_binding_expired(b, time(NULL)))
		rc = store_set_err(st, -ESTALE, "binding %" PRIu64 ": expired", id);
	return rc;
}

void np700_store_binding_deleted(struct np700_store *st, uint64_t id)
{
	np700_fraud_forget_binding(st->fraud, id);
}
