/*! \file clock.h
 *  The wall clock as np700's signalling code reads it (call and SMS record timestamps, rates,
 *  dialogue ages). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/*! Microseconds since the epoch (osmo_gettimeofday(), so tests can override it). With the
 *  per-iteration cache on, the first call after np700_clock_tick() reads the clock and the
 *  following ones, and libosmocore's osmo_gettimeofday() (timers), return that reading until
 *  the next np700_clock_tick(). */
uint64_t np700_now_us(void);
/*! Seconds since the epoch, as np700_now_us(). */
time_t np700_now(void);
/*! Turn the per-iteration cache on (the daemon's event loop) or off (the default: every call
 *  reads the clock, as the unit tests with an overridden clock expect). */
void np700_clock_cache(bool on);
/*! poll() has returned (the daemon's wrapper, src/clock_poll.c): with the cache on, read the
 *  clock now, as the reading of this iteration for np700 and libosmocore's timers alike. */
void np700_clock_woke(void);
/*! A new event-loop iteration begins (call it before osmo_select_main()): the next
 *  np700_now_us() reads the clock again, and libosmocore reads its own until then, unless the
 *  iteration's reading is less than a millisecond old (by the CPU's time-stamp counter): then
 *  it is lent to libosmocore's poll() timeout too, until np700_clock_woke(). */
void np700_clock_tick(void);
/*! Tests: the time-stamp counter reads np700_clock_ticks_override_val while this is set. */
extern bool np700_clock_ticks_override;
extern uint64_t np700_clock_ticks_override_val;
