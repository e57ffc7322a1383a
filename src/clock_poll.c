/* The daemon's poll(): libosmocore's event loop calls it once an iteration, and the clock is
 * read as it returns (np700_clock_woke()), before libosmocore fires its timers. Otherwise
 * osmo_timers_update() reads the clock after poll() and np700 once more when it handles the
 * message; in User-Mode Linux, where the relay benchmark runs, each reading is a trapped system
 * call (issue 5: ~1 of the ~7 system calls per relayed message). Linked into the np700
 * executable only, where it takes the place of libc's poll() for libosmocore; the tests keep
 * libc's. */
#undef _FORTIFY_SOURCE	/* its inline poll() would clash with this definition */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* ppoll() */
#endif
#include <errno.h>
#include <poll.h>
#include <time.h>

#include <np700/clock.h>

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct timespec ts = { .tv_sec = timeout / 1000, .tv_nsec = (long)(timeout % 1000) * 1000000 };
	int rc, err;

	rc = ppoll(fds, nfds, timeout < 0 ? NULL : &ts, NULL);
	err = errno;
	np700_clock_woke();
	errno = err;
	return rc;
}
