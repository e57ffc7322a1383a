/*! \file store_check.h
 *  A look at the store's LMDB file before LMDB maps it (issue 6): LMDB trusts the file, and a
 *  truncated one ends in SIGBUS at the first access beyond its end, a damaged page read at open
 *  in SIGSEGV, or, if empty, it is silently made a new, empty store. */
#pragma once

/*! Check \a dir/data.mdb: absent is fine (a new store); empty, shorter than its two meta pages,
 *  shorter than the last page its newest meta page names, or with a damaged page among those
 *  LMDB reads first (the free list's root, the tree of named databases and the root page of each
 *  database: header, nodes and child pages inside bounds) is refused with a logged reason.
 *  \returns 0, or -EIO (damaged), -errno (cannot read). */
int np700_store_check_file(const char *dir);
