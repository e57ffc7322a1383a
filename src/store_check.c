/* Pre-open check of the store file (see store_check.h). Reads the two LMDB meta pages itself:
 * LMDB's own open would map the file and fault on a missing page instead of reporting it. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <osmocom/core/logging.h>

#include <np700/store_check.h>
#include <np700/logging.h>

/* LMDB 0.9 on-disk meta page (lmdb mdb.c: MDB_page header, then MDB_meta), 64-bit build */
#define LMDB_MAGIC		0xBEEFC0DE
#define META_OFF		16			/* PAGEHDRSZ */
#define META_MAGIC		(META_OFF + 0)
#define META_PSIZE		(META_OFF + 24)		/* mm_dbs[FREE_DBI].md_pad holds the page size */
#define META_LAST_PG		(META_OFF + 24 + 2 * 48)
#define META_TXNID		(META_LAST_PG + 8)
#define META_LEN		(META_TXNID + 8)

struct meta {
	uint32_t magic, psize;
	uint64_t last_pg, txnid;
};

static int read_meta(int fd, off_t off, struct meta *m)
{
	uint8_t b[META_LEN];

	if (pread(fd, b, sizeof(b), off) != (ssize_t)sizeof(b))
		return -EIO;
	memcpy(&m->magic, b + META_MAGIC, 4);
	memcpy(&m->psize, b + META_PSIZE, 4);
	memcpy(&m->last_pg, b + META_LAST_PG, 8);
	memcpy(&m->txnid, b + META_TXNID, 8);
	return m->magic == LMDB_MAGIC ? 0 : -EIO;
}

int np700_store_check_file(const char *dir)
{
	char path[512];
	struct meta m0, m1, *m;
	struct stat st;
	uint64_t need;
	int fd, rc = 0;

	if (snprintf(path, sizeof(path), "%s/data.mdb", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		LOGP(DSTORE, LOGL_ERROR, "store file %s: cannot open: %s\n", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		LOGP(DSTORE, LOGL_ERROR, "store file %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (st.st_size == 0) {
		/* LMDB would quietly start a new, empty store: every binding would be gone */
		LOGP(DSTORE, LOGL_ERROR, "store file %s is empty (truncated?): refusing to start with an empty "
		     "store; restore it from a backup, or remove it to start a new store\n", path);
		rc = -EIO;
		goto out;
	}
	if (read_meta(fd, 0, &m0) < 0) {
		LOGP(DSTORE, LOGL_ERROR, "store file %s is not an LMDB file (first meta page damaged)\n", path);
		rc = -EIO;
		goto out;
	}
	if (m0.psize < 512 || m0.psize > 65536 || (m0.psize & (m0.psize - 1))) {
		LOGP(DSTORE, LOGL_ERROR, "store file %s: page size %u in the meta page is invalid\n", path, m0.psize);
		rc = -EIO;
		goto out;
	}
	if (st.st_size < 2 * (off_t)m0.psize || read_meta(fd, m0.psize, &m1) < 0) {
		LOGP(DSTORE, LOGL_ERROR, "store file %s is truncated or damaged: %lld bytes, the second meta page "
		     "is missing or invalid\n", path, (long long)st.st_size);
		rc = -EIO;
		goto out;
	}
	/* the newer meta page is the one LMDB will use */
	m = m1.txnid > m0.txnid ? &m1 : &m0;
	need = (m->last_pg + 1) * (uint64_t)m0.psize;
	if ((uint64_t)st.st_size < need) {
		LOGP(DSTORE, LOGL_ERROR, "store file %s is truncated: %lld bytes, but its last transaction (%llu) "
		     "uses %llu; restore it from a backup\n", path, (long long)st.st_size,
		     (unsigned long long)m->txnid, (unsigned long long)need);
		rc = -EIO;
	}
out:
	close(fd);
	return rc;
}
