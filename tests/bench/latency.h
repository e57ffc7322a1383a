/* Open-loop latency measurement shared by decide_bench.c and map_stall.c: the clock, and a
 * phase's percentiles. */
#pragma once

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*! Sort the \a n (> 0) latencies in ns and print "p50 p99 p999 max n" in µs (no newline). */
static inline void print_percentiles(uint64_t *lat, uint64_t n)
{
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("%.1f %.1f %.1f %.1f %" PRIu64, lat[n / 2] / 1e3, lat[n * 99 / 100] / 1e3,
	       lat[n * 999 / 1000] / 1e3, lat[n - 1] / 1e3, n);
}
