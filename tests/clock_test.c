/* The per-iteration clock of the daemon (src/clock.c): how many times an event-loop iteration
 * reads the system clock, and what libosmocore's timers are given, with the clock and the CPU's
 * time-stamp counter scripted. gettimeofday() is this test's own (libosmocore's
 * osmo_gettimeofday() calls it when no override is on), so every real reading is counted. */
#include <stdio.h>
#include <sys/time.h>

#include <osmocom/core/timer.h>

#include <np700/clock.h>

static uint64_t now_us;
static unsigned int reads;

int gettimeofday(struct timeval *tv, void *tz)
{
	(void)tz;
	reads++;
	tv->tv_sec = now_us / 1000000;
	tv->tv_usec = now_us % 1000000;
	return 0;
}

/* 3 counter ticks per microsecond */
static void advance(uint64_t us)
{
	now_us += us;
	np700_clock_ticks_override_val += 3 * us;
}

/* one iteration of the daemon's loop, \a work_us after the previous one's reading (the handling
 * of what its poll() returned): np700_clock_tick(), libosmocore's reading for the poll()
 * timeout, poll() sleeping 100 us, the reading as it returns (np700's and the timers') */
static void iteration(const char *what, uint64_t work_us)
{
	struct timeval tv;
	unsigned int before = reads;
	uint64_t timeout_base, handled;

	advance(work_us);
	np700_clock_tick();
	osmo_gettimeofday(&tv, NULL);
	timeout_base = (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	advance(100);
	np700_clock_woke();
	osmo_gettimeofday(&tv, NULL);
	handled = np700_now_us();
	if (handled != (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec)
		printf("  np700 and the timers disagree\n");
	printf("%s: %u clock reads, poll() timeout from %s, woke at %+lld us\n", what, reads - before,
	       timeout_base == now_us - 100 ? "the clock" : "the last reading",
	       (long long)handled - (long long)now_us);
}

int main(void)
{
	now_us = 1700000000000000ULL;
	np700_clock_ticks_override = true;
	np700_clock_ticks_override_val = 1000;
	np700_clock_cache(true);

	printf("counter not measured yet:\n");
	iteration("50 us of work", 50);
	iteration("50 us of work", 50);
	iteration("1.2 s later", 1200000);
	printf("counter measured (3 ticks per us):\n");
	iteration("50 us of work", 50);
	iteration("900 us of work", 900);
	iteration("1.2 ms of work", 1200);
	iteration("50 us of work", 50);
	np700_clock_ticks_override_val -= 100000;
	iteration("counter went back", 50);
	iteration("50 us of work", 50);
	/* the lent reading is then later than the clock: poll() wakes early, no timer is late */
	now_us -= 120000000;
	iteration("clock stepped back 2 min", 50);
	iteration("50 us of work", 50);

	np700_clock_cache(false);
	printf("cache off: override %s\n", osmo_gettimeofday_override ? "on" : "off");
	return 0;
}
