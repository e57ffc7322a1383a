/*! \file store_writer.h
 *  The store's writer thread: it owns every LMDB write transaction of the provisioning
 *  batches, so that the event loop — and the ISUP/MAP relays' lookups on it — never waits for
 *  a batch's CPU time or its fdatasync. The main thread queues jobs (a list under a mutex);
 *  the writer runs every job queued at that moment inside one write txn, commits it and hands
 *  the jobs back through an eventfd watched by the event loop, where each job's done()
 *  callback runs — after the commit, never before.
 *
 *  Lookups on the main thread keep using the store's read txn (LMDB MVCC: readers never wait
 *  for the writer; the environment is opened with MDB_NOTLS). The main thread's read snapshot
 *  is renewed before the done() callbacks run, so that an acknowledged write is visible.
 *  Other writes on the main thread (VTY customers/pools, purge, fraud flush) stay there: LMDB
 *  serialises them with the writer's txn (they may wait for at most one batch commit). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <osmocom/core/linuxlist.h>

struct np700_store;
struct np700_store_txn;
struct np700_store_writer;
struct np700_binding;

/*! One unit of work for the writer; embedded in the caller's structure, owned by the caller. */
struct np700_store_wjob {
	struct llist_head entry;	/*!< queue / done list: the writer's while submitted */
	/*! Writer thread, inside the open write txn. Must not log (LOGP), must not use talloc on
	 *  a context the main thread uses, must not call store functions that read through the
	 *  main thread's read txn (use np700_store_binding_get_txn()). */
	void (*run)(struct np700_store_wjob *job, struct np700_store_txn *txn);
	/*! Main thread, after the commit; \a rc 0: committed, else the txn's begin or commit failed
	 *  (then run() may not have been called: see \a ran). May free the job. */
	void (*done)(struct np700_store_wjob *job, int rc);
	bool ran;		/*!< run() was called */
	int rc;			/*!< outcome of the txn, passed to done() */
	char err[160];		/*!< store error text of a failed begin/commit */
};

struct np700_store_writer_stats {
	uint64_t jobs;		/*!< jobs completed */
	uint64_t commits;	/*!< write txns (a txn takes every job queued when it begins) */
	uint64_t commit_fail;
	uint64_t busy_us;	/*!< time spent inside write txns, microseconds */
};

/*! Start the writer thread of \a st; the eventfd is registered with the event loop.
 *  \returns 0 or a negative errno. */
int np700_store_writer_start(void *ctx, struct np700_store *st, struct np700_store_writer **out);
/*! Queue \a job (main thread). The caller bounds how many jobs it has queued. */
void np700_store_writer_submit(struct np700_store_writer *w, struct np700_store_wjob *job);
/*! Run the done() callbacks of completed jobs now (main thread; the eventfd callback does
 *  this too). \returns how many ran. */
unsigned int np700_store_writer_poll(struct np700_store_writer *w);
/*! Finish every queued job, stop the thread, run the remaining done() callbacks, free \a w. */
void np700_store_writer_stop(struct np700_store_writer *w);
void np700_store_writer_get_stats(struct np700_store_writer *w, struct np700_store_writer_stats *s);

/*! np700_store_binding_get() inside write txn \a txn (sees the txn's own writes); for the
 *  writer thread, where the main thread's read txn must not be touched. -ESTALE if expired. */
int np700_store_binding_get_txn(struct np700_store_txn *txn, uint64_t id, struct np700_binding *b);
/*! Main thread, after the writer deleted binding \a id: forget its in-memory state (fraud.c),
 *  which the writer thread must not touch. */
void np700_store_binding_deleted(struct np700_store *st, uint64_t id);
