/* Decision latency under a provisioning load (not part of make check; built by contrib/bench.sh).
 * In process, on a store filled by `np700_gen fill DIR N TOTAL`: decisions arrive on the main
 * thread at a fixed rate (open loop, like signalling traffic); each one's latency is the time from
 * its arrival to the end of its np700_decide(), so a decision that arrives while the loop is busy
 * waits — as an IAM would. After a warm-up (the first lookups fault the store's pages into the
 * mapping), phases of SECONDS each:
 *   idle    no writes (again at the end: idle-after);
 *   writer  a bulk load runs through the store's writer thread (np700's design: batches of BATCH
 *           creates, up to 4 queued, committed off the loop; done() callbacks on the loop);
 *   inline  the same load committed on the event loop itself (the design before the writer).
 *   decide_bench DIR N TOTAL [SECONDS [RATE [BATCH]]]
 * BENCH_REGION=M: the store is full (N = TOTAL, as hotpath.sh fills it): the writes go to a
 * region of M new bindings in blocks after the store's (pools for them are added first);
 * BENCH_REGION_SKIP=K starts the writes K bindings into the region (a run after a run).
 * Prints one line per phase: "phase p50_us p99_us p999_us max_us decisions writes_per_s
 * max_service_us max_late_us majflt minflt nivcsw steal_ms iowait_ms": the longest
 * np700_decide() itself, without its wait in the queue; the latest wake-up from the loop's sleep
 * past its deadline; the loop thread's major and minor page faults and involuntary context
 * switches in the phase; the machine's steal and iowait time in the phase (all CPUs), to tell
 * where a stall of the loop comes from. */
#define _GNU_SOURCE	/* RUSAGE_THREAD */
#include <errno.h>
#include <inttypes.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/decision.h>
#include <np700/logging.h>
#include <np700/store.h>
#include <np700/store_writer.h>

#include "gen_shape.h"
#include "latency.h"

static struct np700_store *st;
static uint64_t n_existing, total, next_new, written;
/* the bindings written are N..write_end-1: the rest of the store's shape (TOTAL), or with
 * BENCH_REGION=M a region of M behind it in blocks of its own (a store filled to TOTAL = N) */
static uint64_t write_end, region_m, region_base;
static unsigned int batch = 1024, in_flight;
static struct np700_store_writer *w;

struct wjob {
	struct np700_store_wjob wjob;
	uint64_t first;
	unsigned int n, ok;
};

static void create_range(struct np700_store_txn *txn, uint64_t first, unsigned int n, unsigned int *ok)
{
	unsigned int k;

	for (k = 0; k < n; k++) {
		struct np700_binding b;
		if (region_m)
			make_binding_in(first + k, n_existing, region_m, region_base, &b);
		else
			make_binding(first + k, total, &b);
		if (!np700_store_binding_create(st, txn, &b))
			(*ok)++;
	}
}

static void wjob_run(struct np700_store_wjob *wjob, struct np700_store_txn *txn)
{
	struct wjob *j = container_of(wjob, struct wjob, wjob);

	j->ok = 0;
	create_range(txn, j->first, j->n, &j->ok);
}

static bool load_on;
/* BENCH_DRY_RUN=1: decisions without the fraud/rate accounting (store reads only) */
static bool dry_run;

static void wjob_submit(struct wjob *j)
{
	j->first = next_new;
	j->n = batch;
	next_new += batch;
	in_flight++;
	np700_store_writer_submit(w, &j->wjob);
}

static void wjob_done(struct np700_store_wjob *wjob, int rc)
{
	struct wjob *j = container_of(wjob, struct wjob, wjob);

	in_flight--;
	if (!rc)
		written += j->ok;
	if (load_on && next_new + batch <= write_end)
		wjob_submit(j);
}

/* one decision on an existing binding's pair; the latency counts from \a arrival */
static uint64_t max_service;	/* the longest np700_decide() itself, queueing not counted */

static uint64_t decide_one(uint64_t k, uint64_t arrival)
{
	uint64_t start = now_ns(), end;
	struct np700_binding b;
	struct np700_decision d;
	uint64_t i = mix(k * 7 + 3) % n_existing;

	make_binding(i, total, &b);
	np700_decide_ex(st, b.x, b.a, NP700_SVC_VOICE, time(NULL), dry_run ? NP700_DECIDE_DRY_RUN : 0, &d);
	end = now_ns();
	if (end - start > max_service)
		max_service = end - start;
	return end - arrival;
}

enum mode { IDLE, WRITER, INLINE };

/* what keeps the loop off the CPU: its own faults and preemptions, the machine's steal/iowait */
struct sys_sample {
	struct rusage ru;
	unsigned long long steal, iowait;
};

static void sys_sample(struct sys_sample *s)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	getrusage(RUSAGE_THREAD, &s->ru);
	/* cpu  user nice system idle iowait irq softirq steal */
	if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
			 &v[4], &v[5], &v[6], &v[7]) != 8)
		memset(v, 0, sizeof(v));
	if (f)
		fclose(f);
	s->iowait = v[4];
	s->steal = v[7];
}

static void phase(const char *name, enum mode mode, double seconds, unsigned int rate, bool print)
{
	uint64_t n = (uint64_t)(seconds * rate), k = 0, interval = 1000000000ULL / rate, t0, *lat;
	uint64_t written0 = written, t_end, max_late = 0;
	long hz = sysconf(_SC_CLK_TCK);
	struct sys_sample s0, s1;
	struct wjob jobs[4];
	unsigned int j;

	lat = calloc(n, sizeof(*lat));
	memset(jobs, 0, sizeof(jobs));
	if (mode == WRITER) {
		load_on = true;
		for (j = 0; j < 4 && next_new + batch <= write_end; j++) {
			jobs[j].wjob.run = wjob_run;
			jobs[j].wjob.done = wjob_done;
			wjob_submit(&jobs[j]);
		}
	}
	max_service = 0;
	sys_sample(&s0);
	t0 = now_ns();
	while (k < n) {
		uint64_t t = now_ns();
		/* every decision that has arrived by now is served, oldest first */
		while (k < n && t0 + k * interval <= t) {
			lat[k] = decide_one(k, t0 + k * interval);
			k++;
			t = now_ns();
		}
		if (k >= n)
			break;
		/* like an event loop: asleep until the next arrival (no spinning, which would compete
		 * with the writer for a core, and be throttled under SCHED_FIFO) */
		if (mode == WRITER)
			osmo_select_main_ctx(1);	/* the writer's eventfd: done() callbacks */
		if (mode != INLINE || next_new + batch > write_end) {
			/* (not osmo_select_main_ctx(0): its poll() timeout is in ms, it would spin) */
			uint64_t due = t0 + k * interval, woke;
			struct timespec ts = { .tv_sec = due / 1000000000, .tv_nsec = due % 1000000000 };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			woke = now_ns();
			if (woke > due && woke - due > max_late)
				max_late = woke - due;
		} else {
			/* the old server: a batch read from the socket is committed right here */
			struct np700_store_txn *txn;
			unsigned int ok = 0;
			if (!np700_store_txn_begin(st, &txn)) {
				create_range(txn, next_new, batch, &ok);
				if (!np700_store_txn_commit(txn))
					written += ok;
			}
			next_new += batch;
		}
	}
	t_end = now_ns();
	sys_sample(&s1);
	if (mode == WRITER) {
		load_on = false;
		while (in_flight)
			osmo_select_main_ctx(0);
	}
	/* a load that ran out of bindings to write measured less than a full phase of writes */
	if (mode != IDLE && next_new + batch > write_end)
		fprintf(stderr, "decide_bench: %s: the bindings to write (up to %" PRIu64 ") ran out during "
			"the phase; its writes/s is not a full load (use a larger BENCH_REGION or TOTAL)\n",
			name, write_end);
	if (print) {
		printf("%s ", name);
		print_percentiles(lat, n);
		printf(" %.0f %.1f %.1f %ld %ld %ld %llu %llu\n", (written - written0) / ((t_end - t0) / 1e9),
		       max_service / 1e3, max_late / 1e3, s1.ru.ru_majflt - s0.ru.ru_majflt,
		       s1.ru.ru_minflt - s0.ru.ru_minflt, s1.ru.ru_nivcsw - s0.ru.ru_nivcsw,
		       (s1.steal - s0.steal) * 1000 / hz, (s1.iowait - s0.iowait) * 1000 / hz);
	}
	fflush(stdout);
	free(lat);
}

int main(int argc, char **argv)
{
	struct np700_store_cfg cfg = { .map_size = (size_t)64 << 30, .max_pairs_per_x = 5000,
				       .plan = &np700_numplan_default };
	void *ctx = talloc_named_const(NULL, 0, "decide_bench");
	double seconds = 5;
	unsigned int rate = 10000;

	if (argc < 4) {
		fprintf(stderr, "usage: decide_bench DIR N TOTAL [SECONDS [RATE [BATCH]]]\n");
		return 2;
	}
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_ERROR);
	dry_run = getenv("BENCH_DRY_RUN") && atoi(getenv("BENCH_DRY_RUN"));
	gen_t0 = getenv("NP700_GEN_T0") ? atoll(getenv("NP700_GEN_T0")) : time(NULL);
	cfg.path = argv[1];
	n_existing = next_new = strtoull(argv[2], NULL, 10);
	total = strtoull(argv[3], NULL, 10);
	if (argc > 4)
		seconds = atof(argv[4]);
	if (argc > 5)
		rate = atoi(argv[5]);
	if (argc > 6)
		batch = atoi(argv[6]);
	if (np700_store_open(ctx, &cfg, &st) || np700_store_writer_start(ctx, st, &w))
		return 1;
	write_end = total;
	if (getenv("BENCH_REGION")) {
		region_m = strtoull(getenv("BENCH_REGION"), NULL, 10);
		region_base = BLOCK_BASE + (blocks(total) + 1) / 2 * 2;
		write_end = n_existing + region_m;
		/* a second run on the same store writes where the first one stopped */
		if (getenv("BENCH_REGION_SKIP"))
			next_new += strtoull(getenv("BENCH_REGION_SKIP"), NULL, 10);
		if (add_pools(st, region_base, blocks(region_m)))
			return 1;
	}
	/* the first lookups fault the store's pages into the mapping: not what is measured */
	phase("warm-up", IDLE, seconds, rate, false);
	phase("idle", IDLE, seconds, rate, true);
	phase("writer", WRITER, seconds, rate, true);
	phase("inline", INLINE, seconds, rate, true);
	phase("idle-after", IDLE, seconds, rate, true);
	np700_store_writer_stop(w);
	np700_store_close(st);
	return 0;
}
