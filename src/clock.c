/* The clock of the signalling code. In User-Mode Linux, where the benchmarks run, every
 * gettimeofday() is a trapped system call, and a call or an SMS reads the time for each record
 * timestamp, the admission rate and the dialogue ages, and libosmocore once more for every timer
 * it schedules (osmo_timer_schedule() calls osmo_gettimeofday()). With the cache on, one
 * event-loop iteration (the handling of what one poll() returned) reads it once: np700's first
 * reading also becomes libosmocore's (osmo_gettimeofday_override) until the iteration ends.
 * The override is off while libosmocore itself prepares the poll() and fires the timers after
 * it, so timers are computed from a fresh clock; it is only on from a reading taken after
 * poll() returned, so a timer scheduled while handling a message starts at the message's
 * arrival, not at the previous iteration. In the daemon that reading is taken as poll()
 * returns (src/clock_poll.c), before libosmocore fires the timers: its own reading there is
 * saved, and an iteration reads the clock twice (for the poll() timeout, and after it). */
#include <sys/time.h>

#include <osmocom/core/timer.h>

#include <np700/clock.h>

static bool cache_on;
static bool cached;
static uint64_t cached_us;

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

void np700_clock_cache(bool on)
{
	np700_clock_tick();
	cache_on = on;
}

void np700_clock_woke(void)
{
	if (!cache_on)
		return;
	np700_clock_tick();
	np700_now_us();
}

void np700_clock_tick(void)
{
	if (cached)
		osmo_gettimeofday_override = false;
	cached = false;
}
