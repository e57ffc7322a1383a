/* Strict BER (X.690) TLV reader and writer, for TCAP/MAP: definite and indefinite lengths, and a
 * splice that replaces one nested element keeping every other byte identical. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>

#include <np700/ber.h>

/* Identifier octets: class, constructed bit, tag number (multi-octet from 31 on, X.690 8.1.2). */
static int read_id(const uint8_t *p, size_t left, struct ber_tlv *t, size_t *used)
{
	uint32_t tag;
	size_t i;

	if (left < 1)
		return -EINVAL;
	t->cls = p[0] >> 6;
	t->constructed = !!(p[0] & 0x20);
	tag = p[0] & 0x1f;
	if (tag != 0x1f) {
		t->tag = tag;
		*used = 1;
		return 0;
	}
	/* leading octet 0x80 would be a non-minimal tag number (8.1.2.4.2 c) */
	if (left < 2 || p[1] == 0x80)
		return -EINVAL;
	tag = 0;
	for (i = 1; ; i++) {
		if (i >= left || i > 4)		/* 4 octets = 28 bits is plenty for any TCAP/MAP tag */
			return -EINVAL;
		tag = (tag << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80))
			break;
	}
	/* numbers below 31 must use the single-octet form (8.1.2.2) */
	if (tag < 31)
		return -EINVAL;
	t->tag = tag;
	*used = i + 1;
	return 0;
}

static int read_general(const uint8_t *buf, size_t buf_len, unsigned int depth, struct ber_tlv *out);

/* ber_read(), with the common case inline: a one-octet identifier and a short definite length.
 * TCAP/MAP messages are nearly all of it, and this runs for every element of every message. */
static inline int read_elem(const uint8_t *buf, size_t buf_len, unsigned int depth, struct ber_tlv *out)
{
	size_t len;

	if (depth > BER_MAX_DEPTH)
		return -ELOOP;
	if (buf_len < 2 || (buf[0] & 0x1f) == 0x1f || buf[1] >= 0x80)
		return read_general(buf, buf_len, depth, out);
	len = buf[1];
	if (len > buf_len - 2)
		return -EINVAL;
	out->cls = buf[0] >> 6;
	out->constructed = !!(buf[0] & 0x20);
	out->tag = buf[0] & 0x1f;
	out->indefinite = false;
	out->len_octets = 1;
	out->hdr = buf;
	out->hdr_len = 2;
	out->val = buf + 2;
	out->len = len;
	out->total_len = 2 + len;
	return 0;
}

/*! Read one element at \a buf.
 *  \param[in] buf start of the element
 *  \param[in] buf_len bytes available (the rest of the parent's contents)
 *  \param[in] depth nesting depth of this element (0 for the outermost)
 *  \param[out] out the element; its pointers point into \a buf
 *  \returns 0, -EINVAL malformed or past \a buf_len, -ELOOP nested deeper than BER_MAX_DEPTH.
 *  A definite-length element's children are not looked at (see ber_iter_next(), ber_validate());
 *  an indefinite one's children are walked to find its end-of-contents. */
int ber_read(const uint8_t *buf, size_t buf_len, unsigned int depth, struct ber_tlv *out)
{
	return read_elem(buf, buf_len, depth, out);
}

/* ber_read() for all but the common case (read_elem()), out of line */
static int read_general(const uint8_t *buf, size_t buf_len, unsigned int depth, struct ber_tlv *out)
{
	size_t idl, n, i, len;
	const uint8_t *p;
	size_t left;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_id(buf, buf_len, out, &idl);
	if (rc < 0)
		return rc;
	p = buf + idl;
	left = buf_len - idl;
	if (left < 1)
		return -EINVAL;
	out->hdr = buf;

	if (p[0] == 0x80) {
		struct ber_tlv child;
		const uint8_t *c;
		size_t cleft;

		/* indefinite form only for constructed elements (8.1.3.2 a) */
		if (!out->constructed)
			return -EINVAL;
		out->indefinite = true;
		out->len_octets = 1;
		out->hdr_len = idl + 1;
		out->val = p + 1;
		c = out->val;
		cleft = left - 1;
		for (;;) {
			if (cleft >= 2 && c[0] == 0 && c[1] == 0)
				break;
			rc = ber_read(c, cleft, depth + 1, &child);
			if (rc < 0)
				return rc;
			c += child.total_len;
			cleft -= child.total_len;
		}
		out->len = c - out->val;
		out->total_len = out->hdr_len + out->len + 2;
		return 0;
	}

	if (p[0] < 0x80) {
		len = p[0];
		n = 1;
	} else {
		n = p[0] & 0x7f;
		/* 0xff is reserved (8.1.3.5 c); more than 4 octets cannot fit any real message */
		if (n == 0x7f || n > 4 || left < 1 + n)
			return -EINVAL;
		len = 0;
		for (i = 0; i < n; i++)
			len = (len << 8) | p[1 + i];
		n++;
	}
	if (len > left - n)
		return -EINVAL;
	out->len_octets = n;
	out->hdr_len = idl + n;
	out->val = buf + out->hdr_len;
	out->len = len;
	out->total_len = out->hdr_len + len;
	return 0;
}

/*! Read one element that must fill \a buf_len exactly (a whole message or parameter).
 *  \returns 0, -EINVAL (also for trailing bytes), -ELOOP. */
int ber_read_exact(const uint8_t *buf, size_t buf_len, struct ber_tlv *out)
{
	int rc = ber_read(buf, buf_len, 0, out);

	if (rc < 0)
		return rc;
	return out->total_len == buf_len ? 0 : -EINVAL;
}

/*! Start iterating over the children of constructed \a parent found at \a parent_depth. */
void ber_iter_init(struct ber_iter *it, const struct ber_tlv *parent, unsigned int parent_depth)
{
	it->p = parent->val;
	it->left = parent->constructed ? parent->len : 0;
	it->depth = parent_depth + 1;
}

/*! Next child. \returns 1 and \a child, 0 at the end, -EINVAL/-ELOOP on malformed contents
 *  (an end-of-contents marker inside contents is malformed too). */
int ber_iter_next(struct ber_iter *it, struct ber_tlv *child)
{
	int rc;

	if (it->left == 0)
		return 0;
	rc = read_elem(it->p, it->left, it->depth, child);
	if (rc < 0)
		return rc;
	if (child->cls == BER_CLASS_UNIVERSAL && child->tag == 0)
		return -EINVAL;
	it->p += child->total_len;
	it->left -= child->total_len;
	return 1;
}

/*! Next child, checked throughout as ber_validate() checks it: walking a parent with this checks
 *  what ber_validate() on the parent would, in one walk instead of two. \returns as ber_iter_next(). */
int ber_iter_next_valid(struct ber_iter *it, struct ber_tlv *child)
{
	int rc = ber_iter_next(it, child);

	if (rc > 0 && child->constructed) {
		rc = ber_validate(child, it->depth);
		if (rc == 0)
			rc = 1;
	}
	return rc;
}

/*! Check the whole tree below \a t (found at \a depth): every constructed element's contents
 *  must be a sequence of well-formed elements. \returns 0, -EINVAL, -ELOOP. */
int ber_validate(const struct ber_tlv *t, unsigned int depth)
{
	struct ber_iter it;
	struct ber_tlv c;
	int rc;

	if (!t->constructed)
		return 0;
	ber_iter_init(&it, t, depth);
	while ((rc = ber_iter_next(&it, &c)) > 0) {
		rc = ber_validate(&c, depth + 1);
		if (rc < 0)
			return rc;
	}
	return rc;
}

/*! INTEGER/ENUMERATED contents (1..4 octets, two's complement) of primitive \a t.
 *  \returns 0 or -EINVAL. */
int ber_get_int(const struct ber_tlv *t, int32_t *out)
{
	uint32_t v;
	size_t i;

	if (t->constructed || t->len < 1 || t->len > 4)
		return -EINVAL;
	v = (t->val[0] & 0x80) ? 0xffffffff : 0;
	for (i = 0; i < t->len; i++)
		v = (v << 8) | t->val[i];
	*out = (int32_t)v;
	return 0;
}

/*! Non-negative INTEGER contents of \a t (up to 0x7fffffff). \returns 0 or -EINVAL. */
int ber_get_uint(const struct ber_tlv *t, uint32_t *out)
{
	int32_t v;
	int rc = ber_get_int(t, &v);

	if (rc < 0 || v < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

/*! BOOLEAN contents of \a t. \returns 0 or -EINVAL. */
int ber_get_bool(const struct ber_tlv *t, bool *out)
{
	if (t->constructed || t->len != 1)
		return -EINVAL;
	*out = t->val[0] != 0;
	return 0;
}

/* --- writer --- */

static inline size_t id_len(uint32_t id)
{
	uint32_t tag = id & 0x1fffffff;
	size_t n = 1;

	if (tag < 31)
		return 1;
	while (tag) {
		n++;
		tag >>= 7;
	}
	return n;
}

static inline void put_id(uint8_t *p, uint32_t id)
{
	uint32_t tag = id & 0x1fffffff;
	uint8_t first = ((id >> 30) << 6) | (((id >> 29) & 1) << 5);
	size_t n, i;

	if (tag < 31) {
		p[0] = first | tag;
		return;
	}
	p[0] = first | 0x1f;
	n = id_len(id) - 1;
	for (i = 0; i < n; i++)
		p[1 + i] = ((tag >> (7 * (n - 1 - i))) & 0x7f) | (i + 1 < n ? 0x80 : 0);
}

/* Length octets for \a len in \a octets length octets (1 = short form; 2..5 = long form). */
static inline size_t min_len_octets(size_t len)
{
	size_t n = 1;

	if (len < 0x80)
		return 1;
	while (len) {
		n++;
		len >>= 8;
	}
	return n;
}

static inline void put_len(uint8_t *p, size_t len, size_t octets)
{
	size_t i;

	if (octets == 1) {
		p[0] = len;
		return;
	}
	p[0] = 0x80 | (octets - 1);
	for (i = 1; i < octets; i++)
		p[i] = len >> (8 * (octets - 1 - i));
}

static inline uint8_t *put(struct msgb *msg, size_t len)
{
	if (msgb_tailroom(msg) < (int)len)
		return NULL;
	return msgb_put(msg, len);
}

/*! Append identifier \a id and a minimal definite length \a len. \returns 0 or -ENOSPC. */
int ber_put_hdr(struct msgb *msg, uint32_t id, size_t len)
{
	size_t il = id_len(id), ll = min_len_octets(len);
	uint8_t *p;

	if (len > 0xffff)
		return -EINVAL;
	p = put(msg, il + ll);
	if (!p)
		return -ENOSPC;
	put_id(p, id);
	put_len(p + il, len, ll);
	return 0;
}

/*! Append a whole element \a id with contents \a val / \a len. \returns 0 or -ENOSPC. */
int ber_put_tlv(struct msgb *msg, uint32_t id, const uint8_t *val, size_t len)
{
	size_t il = id_len(id), ll = min_len_octets(len);
	uint8_t *p;

	if (len > 0xffff)
		return -EINVAL;
	p = put(msg, il + ll + len);
	if (!p)
		return -ENOSPC;
	put_id(p, id);
	put_len(p + il, len, ll);
	if (len)
		memcpy(p + il + ll, val, len);
	return 0;
}

/*! Append an INTEGER-like element \a id with the minimal two's complement of \a v. */
int ber_put_int(struct msgb *msg, uint32_t id, int32_t v)
{
	uint8_t b[4];
	int n = 4;

	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
	/* drop leading octets that only repeat the sign (X.690 8.3.2) */
	while (n > 1) {
		uint8_t lead = b[4 - n], next = b[4 - n + 1];

		if ((lead == 0x00 && !(next & 0x80)) || (lead == 0xff && (next & 0x80)))
			n--;
		else
			break;
	}
	return ber_put_tlv(msg, id, b + 4 - n, n);
}

/*! Append \a len raw bytes (an already encoded element). \returns 0 or -ENOSPC. */
int ber_put_raw(struct msgb *msg, const uint8_t *data, size_t len)
{
	uint8_t *p = put(msg, len);

	if (!p)
		return -ENOSPC;
	if (len)
		memcpy(p, data, len);
	return 0;
}

/*! Start a constructed element whose contents are appended next; close it with ber_close().
 *  \param[out] mark where the contents start. \returns 0. */
int ber_open(struct msgb *msg, size_t *mark)
{
	*mark = msg->len;
	return 0;
}

/*! Close the element opened at \a mark: everything appended since becomes its contents, the
 *  header (\a id, minimal definite length) is inserted before it. \returns 0 or -ENOSPC. */
int ber_close(struct msgb *msg, size_t mark, uint32_t id)
{
	size_t clen, il, ll;

	if (mark > msg->len)
		return -EINVAL;
	clen = msg->len - mark;
	if (clen > 0xffff)
		return -EINVAL;
	il = id_len(id);
	ll = min_len_octets(clen);
	if (!put(msg, il + ll))
		return -ENOSPC;
	memmove(msg->data + mark + il + ll, msg->data + mark, clen);
	put_id(msg->data + mark, id);
	put_len(msg->data + mark + il, clen, ll);
	return 0;
}

/*! Start a constructed element \a id whose contents are appended next; end it with ber_end().
 *  Unlike ber_open(), the identifier and a one-octet length are written now, so that ber_end() moves
 *  nothing unless the contents reach 128 octets (the TCAP encoder nests eight elements around
 *  each MAP parameter, issue 5).
 *  \param[out] mark where the element starts. \returns 0 or -ENOSPC. */
int ber_begin(struct msgb *msg, uint32_t id, size_t *mark)
{
	size_t il = id_len(id);
	uint8_t *p = put(msg, il + 1);

	if (!p)
		return -ENOSPC;
	*mark = p - msg->data;
	put_id(p, id);
	p[il] = 0;
	return 0;
}

/*! End the element begun at \a mark: everything appended since becomes its contents, its length
 *  the minimal definite one. \returns 0, -ENOSPC (a long-form length does not fit), -EINVAL. */
int ber_end(struct msgb *msg, size_t mark)
{
	size_t il = 1, clen, ll;
	uint8_t *h;

	if (mark + 2 > msg->len)
		return -EINVAL;
	h = msg->data + mark;
	/* the identifier as ber_begin() wrote it: multi-octet from tag 31 on */
	if ((h[0] & 0x1f) == 0x1f) {
		while (il < 5 && (h[il] & 0x80))
			il++;
		il++;
	}
	if (mark + il + 1 > msg->len)
		return -EINVAL;
	clen = msg->len - mark - il - 1;
	if (clen > 0xffff)
		return -EINVAL;
	ll = min_len_octets(clen);
	if (ll > 1) {
		if (!put(msg, ll - 1))
			return -ENOSPC;
		memmove(h + il + ll, h + il + 1, clen);
	}
	put_len(h + il, clen, ll);
	return 0;
}

/*! Encode \a t again from what was decoded of it (identifier, length form, children), appending
 *  to \a msg. For a well-formed input the output equals the input byte for byte: this is how
 *  tests and fuzzers prove the reader understood every byte. \returns 0, -ENOSPC, -EINVAL. */
int ber_reencode(struct msgb *msg, const struct ber_tlv *t, unsigned int depth)
{
	uint32_t id = BER_TLV_ID(t);
	size_t il = id_len(id);
	uint8_t *p;
	int rc;

	if (depth > BER_MAX_DEPTH)
		return -ELOOP;
	p = put(msg, il + t->len_octets);
	if (!p)
		return -ENOSPC;
	put_id(p, id);
	if (t->indefinite)
		p[il] = 0x80;
	else
		put_len(p + il, t->len, t->len_octets);

	if (t->constructed) {
		struct ber_iter it;
		struct ber_tlv c;

		ber_iter_init(&it, t, depth);
		while ((rc = ber_iter_next(&it, &c)) > 0) {
			rc = ber_reencode(msg, &c, depth + 1);
			if (rc < 0)
				return rc;
		}
		if (rc < 0)
			return rc;
	} else {
		rc = ber_put_raw(msg, t->val, t->len);
		if (rc < 0)
			return rc;
	}
	if (t->indefinite)
		return ber_put_raw(msg, (const uint8_t *)"\0\0", 2);
	return 0;
}

/* Length octets an element needs for new contents length \a len, keeping its form if possible. */
static size_t keep_len_octets(const struct ber_tlv *t, size_t len)
{
	size_t min = min_len_octets(len);

	if (t->indefinite)
		return 1;
	if (t->len_octets > 1 && min <= t->len_octets)
		return t->len_octets;	/* keep a (possibly non-minimal) long form as received */
	return min;
}

/* Header of \a t for contents of \a clen octets in \a lo length octets: its identifier octets as
 * received, then the length (0x80 if indefinite). \returns the octets written. */
static size_t put_kept_hdr(uint8_t *p, const struct ber_tlv *t, size_t clen, size_t lo)
{
	size_t idl = t->hdr_len - t->len_octets;

	memcpy(p, t->hdr, idl);
	if (t->indefinite)
		p[idl] = 0x80;
	else
		put_len(p + idl, clen, lo);
	return idl + lo;
}

/*! Re-emit \a buf with one nested element replaced.
 *  \param[out] out msgb the result is appended to (the caller owns and frees it)
 *  \param[in] buf the original bytes (e.g. a TCAP message or a MAP parameter)
 *  \param[in] path the chain of elements from an outermost one inside \a buf (path[0]) down to
 *	the one to replace (path[path_len-1]), each lying inside its predecessor's contents
 *  \param[in] whole true: \a repl is a complete element replacing path[path_len-1];
 *	false: \a repl replaces its contents and its identifier is kept
 *  Every byte outside the replaced part stays as it was; the lengths of the enclosing elements
 *  are re-computed in the length form each had (indefinite stays indefinite, a long form keeps
 *  its octet count when the new length fits). \returns 0, -EINVAL (bad path), -ENOSPC. */
int ber_splice(struct msgb *out, const uint8_t *buf, size_t buf_len, const struct ber_tlv *path,
	       unsigned int path_len, bool whole, const uint8_t *repl, size_t repl_len)
{
	size_t clen[BER_MAX_DEPTH + 1], lo[BER_MAX_DEPTH + 1], tot[BER_MAX_DEPTH + 1];
	const uint8_t *end = buf + buf_len;
	size_t total, pre;
	uint8_t *p;
	int i;

	if (path_len < 1 || path_len > BER_MAX_DEPTH + 1)
		return -EINVAL;
	if (path[0].hdr < buf || path[0].hdr + path[0].total_len > end)
		return -EINVAL;
	for (i = 1; i < (int)path_len; i++) {
		const struct ber_tlv *a = &path[i - 1], *c = &path[i];

		if (!a->constructed || c->hdr < a->val || c->hdr + c->total_len > a->val + a->len)
			return -EINVAL;
	}

	/* new sizes, innermost first */
	for (i = path_len - 1; i >= 0; i--) {
		const struct ber_tlv *t = &path[i];

		if (i == (int)path_len - 1) {
			if (whole) {
				tot[i] = repl_len;
				continue;
			}
			clen[i] = repl_len;
		} else {
			clen[i] = t->len - path[i + 1].total_len + tot[i + 1];
		}
		if (clen[i] > 0xffffff)
			return -EINVAL;
		lo[i] = keep_len_octets(t, clen[i]);
		tot[i] = (t->hdr_len - t->len_octets) + lo[i] + clen[i] + (t->indefinite ? 2 : 0);
	}

	pre = path[0].hdr - buf;
	total = pre + tot[0] + (end - (path[0].hdr + path[0].total_len));
	p = put(out, total);
	if (!p)
		return -ENOSPC;

	memcpy(p, buf, pre);
	p += pre;
	for (i = 0; i < (int)path_len; i++) {
		const struct ber_tlv *t = &path[i];

		if (i == (int)path_len - 1 && whole)
			break;
		p += put_kept_hdr(p, t, clen[i], lo[i]);
		if (i == (int)path_len - 1)
			break;
		/* contents before the child on the path */
		memcpy(p, t->val, path[i + 1].hdr - t->val);
		p += path[i + 1].hdr - t->val;
	}
	memcpy(p, repl, repl_len);
	p += repl_len;
	/* close every level: contents after the child on the path, then the EOC if indefinite */
	for (i = path_len - 1; i >= 0; i--) {
		const struct ber_tlv *t = &path[i];
		const uint8_t *after;

		if (i == (int)path_len - 1) {
			if (whole)
				continue;
		} else {
			after = path[i + 1].hdr + path[i + 1].total_len;
			memcpy(p, after, t->val + t->len - after);
			p += t->val + t->len - after;
		}
		if (t->indefinite) {
			*p++ = 0;
			*p++ = 0;
		}
	}
	memcpy(p, path[0].hdr + path[0].total_len, end - (path[0].hdr + path[0].total_len));
	return 0;
}

/*! Re-emit \a buf with several children of one element replaced, in one pass: ber_splice() for
 *  siblings (e.g. two elements of a MAP argument), without an intermediate buffer.
 *  \param[out] out msgb the result is appended to (the caller owns and frees it)
 *  \param[in] parent a constructed element inside \a buf
 *  \param[in] e the replacements: direct children of \a parent, in the order they appear there
 *  \param[in] n number of replacements (at least 1)
 *  Every byte outside the replaced parts stays as it was; the parent's length and those of the
 *  children whose contents are replaced keep their form as in ber_splice().
 *  \returns 0, -EINVAL (bad arguments), -ENOSPC. */
int ber_splice_children(struct msgb *out, const uint8_t *buf, size_t buf_len, const struct ber_tlv *parent,
			const struct ber_edit *e, unsigned int n)
{
	size_t ctot[BER_EDIT_MAX], clo[BER_EDIT_MAX];
	const uint8_t *end = buf + buf_len, *from;
	size_t clen, plo, pre, post, total;
	unsigned int i;
	uint8_t *p;

	if (n < 1 || n > BER_EDIT_MAX || !parent->constructed || parent->hdr < buf ||
	    parent->hdr + parent->total_len > end)
		return -EINVAL;
	clen = parent->len;
	from = parent->val;
	for (i = 0; i < n; i++) {
		const struct ber_tlv *t = e[i].t;

		if (t->hdr < from || t->hdr + t->total_len > parent->val + parent->len)
			return -EINVAL;
		from = t->hdr + t->total_len;
		if (e[i].whole) {
			clo[i] = 0;
			ctot[i] = e[i].repl_len;
		} else {
			clo[i] = keep_len_octets(t, e[i].repl_len);
			ctot[i] = (t->hdr_len - t->len_octets) + clo[i] + e[i].repl_len + (t->indefinite ? 2 : 0);
		}
		if (e[i].repl_len > 0xffffff)
			return -EINVAL;
		clen = clen - t->total_len + ctot[i];
	}
	if (clen > 0xffffff)
		return -EINVAL;
	plo = keep_len_octets(parent, clen);
	pre = parent->hdr - buf;
	post = end - (parent->hdr + parent->total_len);
	total = pre + (parent->hdr_len - parent->len_octets) + plo + clen + (parent->indefinite ? 2 : 0) + post;
	p = put(out, total);
	if (!p)
		return -ENOSPC;

	memcpy(p, buf, pre);
	p += pre;
	p += put_kept_hdr(p, parent, clen, plo);
	from = parent->val;
	for (i = 0; i < n; i++) {
		const struct ber_tlv *t = e[i].t;

		memcpy(p, from, t->hdr - from);
		p += t->hdr - from;
		if (!e[i].whole)
			p += put_kept_hdr(p, t, e[i].repl_len, clo[i]);
		memcpy(p, e[i].repl, e[i].repl_len);
		p += e[i].repl_len;
		if (!e[i].whole && t->indefinite) {
			*p++ = 0;
			*p++ = 0;
		}
		from = t->hdr + t->total_len;
	}
	memcpy(p, from, parent->val + parent->len - from);
	p += parent->val + parent->len - from;
	if (parent->indefinite) {
		*p++ = 0;
		*p++ = 0;
	}
	memcpy(p, parent->hdr + parent->total_len, post);
	return 0;
}
