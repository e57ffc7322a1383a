/* The clock of the signalling code. In User-Mode Linux, where the benchmarks run, every
 * gettimeofday() is a trapped system call, and a call or an SMS reads the time for each record
 * timestamp, the admission rate and the dialogue ages, and libosmocore once more for every timer
 * it schedules (osmo_timer_schedule() calls osmo_gettimeofday()). With the cache on, one
 * event-loop iteration (the handling of what one poll() returned) reads it once: np700's first
 * reading also becomes libosmocore's (osmo_gettimeofday_override) until the iteration ends.
 * It is only on from a reading taken after poll() returned, so a timer scheduled while handling
 * a message starts at the message's arrival, not at the previous iteration. In the daemon that
 * reading is taken as poll() returns (src/clock_poll.c), before libosmocore fires the timers,
 * and an iteration that took less than a millisecond lends it to the next poll()'s timeout as
 * well (np700_clock_tick()): the relay then reads the clock once per wake-up, not twice. */
#include <sys/time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <osmocom/core/timer.h>

#include <np700/clock.h>

static bool cache_on;
static bool cached;
static uint64_t cached_us, cached_ticks;

bool np700_clock_ticks_override;
uint64_t np700_clock_ticks_override_val;

/* The CPU's time-stamp counter: how long an iteration took, without a system call. 0 where
 * there is none (then no reading is lent across iterations). */
static uint64_t ticks(void)
{
	if (np700_clock_ticks_override)
		return np700_clock_ticks_override_val;
#if defined(__x86_64__) || defined(__i386__)
	return __rdtsc();
#else
	return 0;
#endif
}

/* Counter ticks per millisecond, measured against the clock over a second or more (0: not yet).
 * A clock step backwards or forwards by more than a minute restarts the measurement; a smaller
 * step skews it until the next one, a second later. */
static uint64_t ticks_per_ms, cal_us, cal_ticks;

static void calibrate(uint64_t us, uint64_t t)
{
	if (!cal_us || us < cal_us || us - cal_us > 60000000 || t <= cal_ticks) {
		cal_us = us;
		cal_ticks = t;
		return;
	}
	if (us - cal_us < 1000000)
		return;
	ticks_per_ms = (t - cal_ticks) / ((us - cal_us) / 1000);
	cal_us = us;
	cal_ticks = t;
}

uint64_t np700_now_us(void)
{
	struct timeval tv;
	uint64_t us;

	if (cached)
		return cached_us;
	osmo_gettimeofday(&tv, NULL);
	us = (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	if (cache_on) {
		cached_us = us;
		cached_ticks = ticks();
		calibrate(us, cached_ticks);
		cached = true;
		osmo_gettimeofday_override_time = tv;
		osmo_gettimeofday_override = true;
	}
	return us;
}

time_t np700_now(void)
{
	return np700_now_us() / 1000000;
}

static void drop(void)
{
	if (cached)
		osmo_gettimeofday_override = false;
	cached = false;
}

void np700_clock_cache(bool on)
{
	drop();
	cache_on = on;
}

void np700_clock_woke(void)
{
	if (!cache_on)
		return;
	drop();
	np700_now_us();
}

void np700_clock_tick(void)
{
	/* less than a millisecond since the reading (unsigned: a counter that went backwards, as
	 * on another CPU, does not count as recent): libosmocore computes the poll() timeout from
	 * it, so a timer fires at most that much late */
	if (cached && ticks_per_ms && ticks() - cached_ticks < ticks_per_ms)
		return;
	drop();
}
