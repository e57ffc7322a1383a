/*! \file ber.h
 *  A small strict BER (X.690) TLV reader and writer for TCAP/MAP.
 *
 *  The reader never copies: a struct ber_tlv points into the caller's buffer. It accepts what
 *  X.690 allows and TCAP peers really send (short and long definite lengths, also non-minimal
 *  long forms, and indefinite lengths with end-of-contents) and rejects everything else with
 *  -EINVAL: lengths past the parent, tags numbers < 31 in the multi-octet form, indefinite
 *  length on a primitive element, nesting deeper than BER_MAX_DEPTH.
 *
 *  The writer builds definite-length elements into a msgb, and can splice: re-emit a buffer
 *  with one nested element (or its contents) replaced, every other byte kept identical and the
 *  enclosing lengths re-computed in the length form they had. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msgb;

/*! Deepest nesting the reader follows (TCAP/MAP need about 10). */
#define BER_MAX_DEPTH	24

/*! Tag classes, as the top two bits of the identifier octet. */
enum ber_class {
	BER_CLASS_UNIVERSAL	= 0,
	BER_CLASS_APPLICATION	= 1,
	BER_CLASS_CONTEXT	= 2,
	BER_CLASS_PRIVATE	= 3,
};

/*! One decoded element. All pointers point into the buffer that was read. */
struct ber_tlv {
	uint8_t cls;			/*!< enum ber_class */
	bool constructed;
	uint32_t tag;			/*!< tag number (up to 28 bits) */
	bool indefinite;		/*!< length 0x80, contents end with 00 00 */
	uint8_t len_octets;		/*!< number of length octets as received (1 = short form / indefinite) */
	const uint8_t *hdr;		/*!< first identifier octet */
	size_t hdr_len;			/*!< identifier + length octets */
	const uint8_t *val;		/*!< contents */
	size_t len;			/*!< contents length (without the EOC of an indefinite element) */
	size_t total_len;		/*!< whole element: header + contents (+ 2 EOC octets) */
};

/*! An element's identifier as one number: (class << 30) | (constructed << 29) | tag. */
#define BER_ID(cls, cons, tag)	(((uint32_t)(cls) << 30) | ((uint32_t)!!(cons) << 29) | (uint32_t)(tag))
/*! The identifier of a decoded element, to compare against BER_ID(). */
#define BER_TLV_ID(t)		BER_ID((t)->cls, (t)->constructed, (t)->tag)

/* Universal tags used by TCAP/MAP */
#define BER_ID_BOOLEAN		BER_ID(0, 0, 1)
#define BER_ID_INTEGER		BER_ID(0, 0, 2)
#define BER_ID_BITSTRING	BER_ID(0, 0, 3)
#define BER_ID_OCTETSTRING	BER_ID(0, 0, 4)
#define BER_ID_NULL		BER_ID(0, 0, 5)
#define BER_ID_OID		BER_ID(0, 0, 6)
#define BER_ID_EXTERNAL		BER_ID(0, 1, 8)
#define BER_ID_ENUMERATED	BER_ID(0, 0, 10)
#define BER_ID_SEQUENCE		BER_ID(0, 1, 16)

/*! Iterator over the children of a constructed element. */
struct ber_iter {
	const uint8_t *p;		/*!< next child */
	size_t left;			/*!< bytes left in the parent's contents */
	unsigned int depth;		/*!< depth of the children */
};

int ber_read(const uint8_t *buf, size_t buf_len, unsigned int depth, struct ber_tlv *out);
int ber_read_exact(const uint8_t *buf, size_t buf_len, struct ber_tlv *out);
void ber_iter_init(struct ber_iter *it, const struct ber_tlv *parent, unsigned int parent_depth);
int ber_iter_next(struct ber_iter *it, struct ber_tlv *child);
int ber_iter_next_valid(struct ber_iter *it, struct ber_tlv *child);
int ber_validate(const struct ber_tlv *t, unsigned int depth);
int ber_get_int(const struct ber_tlv *t, int32_t *out);
int ber_get_uint(const struct ber_tlv *t, uint32_t *out);
int ber_get_bool(const struct ber_tlv *t, bool *out);

/* writer: every function appends to \a msg and returns 0 or -ENOSPC (msg too small; msg is then
 * unchanged), -EINVAL for arguments it cannot encode. The caller owns and frees msg. */
int ber_put_hdr(struct msgb *msg, uint32_t id, size_t len);
int ber_put_tlv(struct msgb *msg, uint32_t id, const uint8_t *val, size_t len);
int ber_put_int(struct msgb *msg, uint32_t id, int32_t v);
int ber_put_raw(struct msgb *msg, const uint8_t *data, size_t len);
int ber_open(struct msgb *msg, size_t *mark);
int ber_close(struct msgb *msg, size_t mark, uint32_t id);
int ber_begin(struct msgb *msg, uint32_t id, size_t *mark);
int ber_end(struct msgb *msg, size_t mark);

/*! Most replacements ber_splice_children() makes in one pass. */
#define BER_EDIT_MAX	4

/*! One replacement for ber_splice_children(). */
struct ber_edit {
	const struct ber_tlv *t;	/*!< the child of the parent to replace */
	bool whole;			/*!< true: \a repl is a complete element; false: new contents */
	const uint8_t *repl;
	size_t repl_len;
};

int ber_reencode(struct msgb *msg, const struct ber_tlv *t, unsigned int depth);
int ber_splice(struct msgb *out, const uint8_t *buf, size_t buf_len, const struct ber_tlv *path,
	       unsigned int path_len, bool whole, const uint8_t *repl, size_t repl_len);
int ber_splice_children(struct msgb *out, const uint8_t *buf, size_t buf_len, const struct ber_tlv *parent,
			const struct ber_edit *e, unsigned int n);
