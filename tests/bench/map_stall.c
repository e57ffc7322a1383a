/* The machine's own stalls for decide_bench's pattern, without np700 or LMDB: an open loop
 * that sleeps until the next arrival (RATE per second) and then reads READS random bytes of a
 * file mapped in full (MAP_POPULATE, so no page faults of its own). Each arrival's latency is
 * from its due time to the end of its reads, as in decide_bench. On a virtual machine whose
 * memory is virtualised in software, a large mapped working set can stall a vCPU that halts
 * between arrivals, which then shows in decide_bench's p99 although np700 has no part in it.
 *   map_stall FILE [SECONDS [RATE [READS]]]
 * Prints "map-stall p50_us p99_us p999_us max_us arrivals file_MB". */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "latency.h"

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 5;
	unsigned int rate = argc > 3 ? atoi(argv[3]) : 10000, reads = argc > 4 ? atoi(argv[4]) : 20;
	uint64_t n, k, interval, t0, *lat, x = 88172645463325252ULL;
	volatile const unsigned char *p;
	size_t pages;
	struct stat sb;
	int fd;

	if (argc < 2 || rate == 0) {
		fprintf(stderr, "usage: map_stall FILE [SECONDS [RATE [READS]]]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) || sb.st_size < 4096) {
		perror(argv[1]);
		return 1;
	}
	pages = sb.st_size / 4096;
	p = mmap(NULL, sb.st_size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	n = (uint64_t)(seconds * rate);
	interval = 1000000000ULL / rate;
	lat = calloc(n, sizeof(*lat));
	if (!lat)
		return 1;
	t0 = now_ns();
	for (k = 0; k < n; k++) {
		uint64_t due = t0 + k * interval;
		struct timespec ts = { .tv_sec = due / 1000000000, .tv_nsec = due % 1000000000 };
		unsigned int i;

		if (now_ns() < due)
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		for (i = 0; i < reads; i++) {
			/* xorshift64: a random page, a random byte in it */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			(void)p[(x % pages) * 4096 + (x >> 52)];	/* volatile: read */
		}
		lat[k] = now_ns() - due;
	}
	printf("map-stall ");
	print_percentiles(lat, n);
	printf(" %jd\n", (intmax_t)(sb.st_size >> 20));
	free(lat);
	return 0;
}
