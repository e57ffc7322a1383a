/* Minimal insmod for the UML init script (kmod is not always installed on the host, and the
 * UML guest runs the host's binaries): loads each module file given, in order, with
 * finit_module(2). A module that is already loaded (EEXIST) is not an error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i, fd;

	for (i = 1; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "uml_insmod: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST) {
			fprintf(stderr, "uml_insmod: %s: %s\n", argv[i], strerror(errno));
			close(fd);
			return 1;
		}
		close(fd);
	}
	return 0;
}
