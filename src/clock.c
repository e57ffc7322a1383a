/* The clock of the signalling code. In User-Mode Linux, where the benchmarks run, every
 * gettimeofday() is a trapped system call, and a call or an SMS reads the time for each record
 * timestamp, the admission rate and the dialogue ages: with the cache on, one event-loop
 * iteration (the handling of what one poll() returned) reads it once. */
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
	}
	return us;
}

time_t np700_now(void)
{
	return np700_now_us() / 1000000;
}

void np700_clock_cache(bool on)
{
	cache_on = on;
	cached = false;
}

void np700_clock_tick(void)
{
	cached = false;
}
