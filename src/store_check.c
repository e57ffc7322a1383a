/* Pre-open check of the store file (see store_check.h). Reads the two LMDB meta pages and the
 * pages LMDB reads first (the tree of named databases, and each database's root page) itself:
 * LMDB trusts them, and faults on a missing page or a damaged one instead of reporting it. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
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
#define META_DBS		(META_OFF + 24)		/* mm_dbs[FREE_DBI], mm_dbs[MAIN_DBI] */
#define META_LAST_PG		(META_DBS + 2 * DB_LEN)
#define META_TXNID		(META_LAST_PG + 8)
#define META_LEN		(META_TXNID + 8)
/* MDB_db: pad, flags, depth (u16), branch/leaf/overflow pages, entries, root (u64) */
#define DB_LEN			48
#define DB_DEPTH		6
#define DB_ROOT			40
#define P_INVALID		(~(uint64_t)0)
/* MDB_page header (PAGEHDRSZ): pgno (u64), pad, flags, lower, upper (u16); then node offsets */
#define PAGEHDRSZ		16
#define P_BRANCH		0x01
#define P_LEAF			0x02
#define P_OVERFLOW		0x04
#define P_META			0x08
#define P_LEAF2			0x20	/* keys of a fixed size, no nodes (DUPFIXED) */
/* MDB_node: lo, hi (data size, or child page with flags), flags, key size (u16); key; data */
#define NODESZ			8
#define F_BIGDATA		0x01
#define F_SUBDATA		0x02
#define MAX_DEPTH		16

struct meta {
	uint32_t magic, psize;
	uint64_t last_pg, txnid;
	uint8_t dbs[2 * DB_LEN];
};

/* what checking the trees needs */
struct walk {
	int fd;
	const char *path;
	uint32_t psize;
	uint64_t last_pg;
};

static uint16_t u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int damaged(const struct walk *w, uint64_t pgno, const char *tree, const char *why)
{
	LOGP(DSTORE, LOGL_ERROR, "store file %s: page %llu (%s) is damaged: %s; restore it from a backup\n",
	     w->path, (unsigned long long)pgno, tree, why);
	return -EIO;
}

/* Page \a pgno of a B-tree as LMDB reads it: its header, every node inside the page, child page
 * numbers inside the file. With \a levels > 1 its children as well; with \a named (the tree of
 * named databases) also the root page of every database a leaf node names. */
static int check_page(const struct walk *w, uint64_t pgno, unsigned int levels, bool named, const char *tree)
{
	uint16_t flags, lower, upper, off, nflags, ksize;
	unsigned int i, n;
	uint8_t *pg;
	uint64_t child;
	uint32_t dsize;
	int rc = 0;

	if (pgno < 2 || pgno > w->last_pg)
		return damaged(w, pgno, tree, "page number outside the file");
	pg = malloc(w->psize);
	if (!pg)
		return -ENOMEM;
	if (pread(w->fd, pg, w->psize, (off_t)(pgno * w->psize)) != (ssize_t)w->psize) {
		rc = damaged(w, pgno, tree, "cannot be read");
		goto out;
	}
	flags = u16(pg + 10);
	lower = u16(pg + 12);
	upper = u16(pg + 14);
	if (u64(pg) != pgno || !(flags & (P_BRANCH | P_LEAF)) || (flags & (P_BRANCH | P_LEAF)) == (P_BRANCH | P_LEAF)
	    || (flags & (P_OVERFLOW | P_META))) {
		rc = damaged(w, pgno, tree, "not a B-tree page of this number");
		goto out;
	}
	if (lower < PAGEHDRSZ || lower > upper || upper > w->psize || (lower & 1)) {
		rc = damaged(w, pgno, tree, "bounds outside the page");
		goto out;
	}
	n = flags & P_LEAF2 ? 0 : (lower - PAGEHDRSZ) / 2;
	for (i = 0; i < n && !rc; i++) {
		off = u16(pg + PAGEHDRSZ + 2 * i);
		if (off < upper || off + NODESZ > w->psize) {
			rc = damaged(w, pgno, tree, "node outside the page");
			break;
		}
		nflags = u16(pg + off + 4);
		ksize = u16(pg + off + 6);
		if (off + NODESZ + ksize > w->psize) {
			rc = damaged(w, pgno, tree, "key outside the page");
			break;
		}
		if (flags & P_BRANCH) {
			child = u16(pg + off) | (uint64_t)u16(pg + off + 2) << 16 | (uint64_t)nflags << 32;
			if (levels > 1)
				rc = check_page(w, child, levels - 1, named, tree);
			else if (child < 2 || child > w->last_pg)
				rc = damaged(w, pgno, tree, "child page outside the file");
			continue;
		}
		dsize = u16(pg + off) | (uint32_t)u16(pg + off + 2) << 16;
		if (off + NODESZ + ksize + (nflags & F_BIGDATA ? 8 : dsize) > w->psize) {
			rc = damaged(w, pgno, tree, "data outside the page");
			break;
		}
		if (named && (nflags & F_SUBDATA)) {
			const uint8_t *db = pg + off + NODESZ + ksize;
			if (dsize != DB_LEN) {
				rc = damaged(w, pgno, tree, "database record of a wrong size");
				break;
			}
			if (u64(db + DB_ROOT) != P_INVALID)
				rc = check_page(w, u64(db + DB_ROOT), 1, false, "root of a named database");
		}
	}
out:
	free(pg);
	return rc;
}

/* the tree of named databases (MAIN_DBI) and the free list's root (FREE_DBI), as \a m names them */
static int check_trees(const struct walk *w, const struct meta *m)
{
	uint64_t free_root = u64(m->dbs + DB_ROOT), main_root = u64(m->dbs + DB_LEN + DB_ROOT);
	unsigned int depth = u16(m->dbs + DB_LEN + DB_DEPTH);
	int rc = 0;

	if (depth > MAX_DEPTH)
		return damaged(w, 0, "meta page", "tree depth out of range");
	if (free_root != P_INVALID)
		rc = check_page(w, free_root, 1, false, "root of the free list");
	if (!rc && main_root != P_INVALID)
		rc = check_page(w, main_root, depth ? depth : 1, true, "tree of named databases");
	return rc;
}

static int read_meta(int fd, off_t off, struct meta *m)
{
	uint8_t b[META_LEN];

	if (pread(fd, b, sizeof(b), off) != (ssize_t)sizeof(b))
		return -EIO;
	memcpy(&m->magic, b + META_MAGIC, 4);
	memcpy(&m->psize, b + META_PSIZE, 4);
	memcpy(&m->last_pg, b + META_LAST_PG, 8);
	memcpy(&m->txnid, b + META_TXNID, 8);
	memcpy(m->dbs, b + META_DBS, sizeof(m->dbs));
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
		goto out;
	}
	rc = check_trees(&(struct walk){ .fd = fd, .path = path, .psize = m0.psize, .last_pg = m->last_pg }, m);
out:
	close(fd);
	return rc;
}
