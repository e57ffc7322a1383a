/* LD_PRELOAD shim for linux.uml (Debian 6.1um) on hosts with a large XSAVE area.
 *
 * UML 6.1 saves and restores the FPU state of its guest processes with PTRACE_GETREGSET /
 * PTRACE_SETREGSET NT_X86_XSTATE into a buffer sized for AVX only. Newer host kernels accept a
 * SETREGSET only with the host's full XSAVE size (larger with AVX-512 or AMX) and answer EFAULT
 * ("userspace - ptrace set fp regs failed, errno = 14", then a kernel panic). When that happens,
 * this shim reads the full current state, lays UML's shorter buffer (legacy area, header, AVX)
 * over it and writes the full buffer. Only that failing call is changed; everything else passes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef long (*ptrace_fn)(int, pid_t, void *, void *);

long ptrace(enum __ptrace_request req, ...)
{
	/* UML calls ptrace from one thread only: one static buffer is enough */
	static unsigned char full[65536] __attribute__((aligned(64)));
	static ptrace_fn real;
	struct iovec *iov, fiov = { full, sizeof(full) };
	void *addr, *data;
	va_list ap;
	pid_t pid;
	long r;

	va_start(ap, req);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");

	r = real(req, pid, addr, data);
	if (r != -1 || errno != EFAULT || req != PTRACE_SETREGSET || (long)addr != NT_X86_XSTATE || !data)
		return r;
	iov = data;
	if (real(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &fiov) < 0 || fiov.iov_len <= iov->iov_len) {
		errno = EFAULT;
		return -1;
	}
	memcpy(full, iov->iov_base, iov->iov_len);
	return real(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &fiov);
}
