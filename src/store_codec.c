/* Binding store: the compact on-disk records (packed BCD numbers, varints), so that a binding
 * and all its index entries stay under ~200 bytes at millions of bindings */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>
#include <osmocom/core/bit32gen.h>

#include <np700/store_internal.h>

/* LMDB's default order of keys and duplicates (mdb_cmp_memn): the bytes as memcmp() orders
 * them, then the shorter first. The same order eight bytes at a time: the number index (8-byte
 * packed numbers, 13-byte caller|id duplicates) is searched on every call, and LMDB's memcmp()
 * call per comparison was ~1,000 of the ~12,000 instructions of an IAM (issue 5). Since the order
 * is the default one, mdb_dump/mdb_load and any program opening the store without this function
 * see the same file. (Not osmo_load64be(): it loads byte by byte, slower than the memcmp().) */
int store_cmp_bytes(const MDB_val *a, const MDB_val *b)
{
	const uint8_t *p = a->mv_data, *q = b->mv_data;
	size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size, i;

	for (i = 0; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, p + i, sizeof(x));
		memcpy(&y, q + i, sizeof(y));
		if (x != y)
			return be64toh(x) < be64toh(y) ? -1 : 1;
	}
	for (; i < n; i++) {
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	}
	return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

/* Own packer instead of osmo_str2bcd(): high nibble first so that memcmp() order of packed
 * 15-digit numbers is numeric order (pool ranges are range scans), and it runs on every lookup. */
void store_bcd_pack(uint8_t *out, const char *digits)
{
	unsigned int i;

	for (i = 0; i < STORE_BCD_LEN; i++) {
		uint8_t hi, lo;
		if (!digits[0]) {
			memset(out + i, 0xff, STORE_BCD_LEN - i);
			return;
		}
		hi = (digits[0] - '0') & 0x0f;
		if (!digits[1]) {
			out[i] = (hi << 4) | 0x0f;
			memset(out + i + 1, 0xff, STORE_BCD_LEN - i - 1);
			return;
		}
		lo = (digits[1] - '0') & 0x0f;
		out[i] = (hi << 4) | lo;
		digits += 2;
	}
}

/* The 8 octets of \a w as 16 digit values, one per byte, in the order they are written: the
 * high nibble of each octet first. Without a loop over the digits (a decision unpacks three
 * numbers or more): each half of 4 octets is spread to one octet per 16-bit lane. */
static inline uint64_t spread4(uint64_t x)
{
	x = (x | (x << 16)) & 0x0000ffff0000ffffULL;
	return (x | (x << 8)) & 0x00ff00ff00ff00ffULL;
}

void store_bcd_unpack(char *out, const uint8_t *in)
{
	uint64_t w, hi, lo, d[2], over;
	unsigned int n = NP700_NUM_MAXLEN;

	memcpy(&w, in, sizeof(w));
	w = le64toh(w);
	hi = (w >> 4) & 0x0f0f0f0f0f0f0f0fULL;
	lo = w & 0x0f0f0f0f0f0f0f0fULL;
	d[0] = spread4(hi & 0xffffffff) | (spread4(lo & 0xffffffff) << 8);
	d[1] = spread4(hi >> 32) | (spread4(lo >> 32) << 8);
	/* the first value above 9 (filler or damage) ends the number: 0x76 + v sets bit 7 of a byte
	 * exactly for v >= 10, without a carry into the next byte */
	over = (d[0] + 0x7676767676767676ULL) & 0x8080808080808080ULL;
	if (over)
		n = __builtin_ctzll(over) / 8;
	else if ((over = (d[1] + 0x7676767676767676ULL) & 0x8080808080808080ULL))
		n = OSMO_MIN(n, 8 + __builtin_ctzll(over) / 8);
	d[0] = htole64(d[0] + 0x3030303030303030ULL);
	d[1] = htole64(d[1] + 0x3030303030303030ULL);
	memcpy(out, d, sizeof(d));
	out[n] = '\0';
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (v & 0x7f) | 0x80;
		v >>= 7;
	}
	*p++ = v;
	return p;
}

static const uint8_t *get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	unsigned int shift = 0;

	*v = 0;
	while (p < end && shift < 64) {
		uint8_t c = *p++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return p;
		shift += 7;
	}
	return NULL;
}

#define REC_FORMAT	1
#define F_CALLBACK	0x40
#define F_HAS_B		0x80

/* record: format | flags | X | A | [B] | [Y] | customer, created, expiry delta, max duration,
 * max calls, call-back window (varints) | order id length | order id | usage
 * usage (schema 2; what the decision needs of the calls so far): calls (varint padded to 3
 * octets) | AX only: time of the last caller (varint padded to 5 octets, 0: none) | last caller
 * (8, BCD). Written with the record, zero, so that counting a call rewrites the record in place:
 * a record that grew would split its page, and records are written in id order, into full pages. */
#define USAGE_CALLS_LEN	3
#define USAGE_TIME_LEN	5

/* \a v as a varint of \a width octets (continuation bits on the padding), or longer if it needs more */
static uint8_t *put_varint_padded(uint8_t *p, uint64_t v, unsigned int width)
{
	unsigned int i;

	if (v >> (7 * width))
		return put_varint(p, v);
	for (i = 0; i + 1 < width; i++) {
		*p++ = (v & 0x7f) | 0x80;
		v >>= 7;
	}
	*p++ = v;
	return p;
}

size_t store_rec_encode(uint8_t *out, const struct np700_binding *b, const struct np700_fraud_usage *u)
{
	uint8_t *p = out;
	size_t olen = strnlen(b->order_id, NP700_ORDER_ID_MAXLEN);

	*p++ = REC_FORMAT;
	*p++ = (b->mode & 3) | ((b->direction & 3) << 2) | ((b->services & 3) << 4)
	       | (b->callback_allowed ? F_CALLBACK : 0) | (b->b[0] ? F_HAS_B : 0);
	store_bcd_pack(p, b->x);
	p += STORE_BCD_LEN;
	store_bcd_pack(p, b->a);
	p += STORE_BCD_LEN;
	if (b->b[0]) {
		store_bcd_pack(p, b->b);
		p += STORE_BCD_LEN;
	}
	if (b->mode == NP700_MODE_AXYB) {
		store_bcd_pack(p, b->y);
		p += STORE_BCD_LEN;
	}
	p = put_varint(p, b->customer_id);
	p = put_varint(p, (uint64_t)b->created);
	/* expiry as a delta (validation keeps expires > created): 3 bytes instead of 5 */
	p = put_varint(p, b->expires ? (uint64_t)(b->expires - b->created) : 0);
	p = put_varint(p, b->max_duration_s);
	p = put_varint(p, b->max_calls);
	p = put_varint(p, b->callback_window_s);
	*p++ = olen;
	memcpy(p, b->order_id, olen);
	p += olen;
	p = put_varint_padded(p, u ? u->calls : 0, USAGE_CALLS_LEN);
	if (b->mode == NP700_MODE_AX) {
		bool caller = u && u->last_caller[0] && u->last_time > 0;
		p = put_varint_padded(p, caller ? (uint64_t)u->last_time : 0, USAGE_TIME_LEN);
		store_bcd_pack(p, caller ? u->last_caller : "");
		p += STORE_BCD_LEN;
	}
	return p - out;
}

/* the usage part of a record of \a mode at \a p, up to \a end (the end of the record) */
static int usage_decode(enum np700_mode mode, const uint8_t *p, const uint8_t *end, struct np700_fraud_usage *u)
{
	uint64_t calls, t = 0;

	memset(u, 0, sizeof(*u));
	p = get_varint(p, end, &calls);
	if (p && mode == NP700_MODE_AX)
		p = get_varint(p, end, &t);
	if (!p || calls > UINT32_MAX || t > INT64_MAX)
		return -EIO;
	u->calls = calls;
	if (mode != NP700_MODE_AX)
		return p == end ? 0 : -EIO;
	if (end - p != STORE_BCD_LEN)
		return -EIO;
	if (t) {
		store_bcd_unpack(u->last_caller, p);
		u->last_time = t;
	}
	return 0;
}

/* The file is ours, but a damaged one must give -EIO, not a crash: check every length. */
int store_rec_decode_usage(struct np700_binding *b, uint64_t id, const uint8_t *in, size_t len,
			   struct np700_fraud_usage *u, bool *has_usage)
{
	const uint8_t *p = in, *end = in + len;
	uint64_t v[6];
	uint8_t f;
	unsigned int i;

	memset(b, 0, sizeof(*b));
	if (len < 2 + 2 * STORE_BCD_LEN || p[0] != REC_FORMAT)
		return -EIO;
	f = p[1];
	p += 2;
	b->id = id;
	b->mode = f & 3;
	b->direction = (f >> 2) & 3;
	b->services = (f >> 4) & 3;
	b->callback_allowed = !!(f & F_CALLBACK);
	store_bcd_unpack(b->x, p);
	p += STORE_BCD_LEN;
	store_bcd_unpack(b->a, p);
	p += STORE_BCD_LEN;
	if (f & F_HAS_B) {
		if (end - p < STORE_BCD_LEN)
			return -EIO;
		store_bcd_unpack(b->b, p);
		p += STORE_BCD_LEN;
	}
	if (b->mode == NP700_MODE_AXYB) {
		if (end - p < STORE_BCD_LEN)
			return -EIO;
		store_bcd_unpack(b->y, p);
		p += STORE_BCD_LEN;
	}
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		p = get_varint(p, end, &v[i]);
		if (!p)
			return -EIO;
	}
	b->customer_id = v[0];
	b->created = (int64_t)v[1];
	b->expires = v[2] ? b->created + (int64_t)v[2] : 0;
	b->max_duration_s = v[3];
	b->max_calls = v[4];
	b->callback_window_s = v[5];
	if (p >= end || *p > NP700_ORDER_ID_MAXLEN || end - p - 1 < *p)
		return -EIO;
	memcpy(b->order_id, p + 1, *p);
	b->order_id[*p] = '\0';
	p += 1 + *p;
	if (!u)
		return 0;
	*has_usage = p < end;
	if (!*has_usage) {
		memset(u, 0, sizeof(*u));
		return 0;
	}
	return usage_decode(b->mode, p, end, u);
}

int store_rec_decode(struct np700_binding *b, uint64_t id, const uint8_t *in, size_t len)
{
	return store_rec_decode_usage(b, id, in, len, NULL, NULL);
}

/* customer: flags | tod_start | tod_end | 4 limits (u32 BE) | name len | name */
size_t store_cust_encode(uint8_t *out, const struct np700_customer *c)
{
	uint8_t *p = out;
	size_t nlen = strnlen(c->name, sizeof(c->name) - 1);
	uint32_t lim[4] = { c->limits.calls_per_number_per_min, c->limits.calls_per_binding_per_hour,
			    c->limits.distinct_numbers_per_caller_per_hour, c->limits.block_s };
	unsigned int i;

	*p++ = c->suspended ? 1 : 0;
	*p++ = c->tod_start >> 8;
	*p++ = c->tod_start & 0xff;
	*p++ = c->tod_end >> 8;
	*p++ = c->tod_end & 0xff;
	for (i = 0; i < 4; i++) {
		osmo_store32be(lim[i], p);
		p += 4;
	}
	*p++ = nlen;
	memcpy(p, c->name, nlen);
	return p + nlen - out;
}

int store_cust_decode(struct np700_customer *c, uint32_t id, const uint8_t *in, size_t len)
{
	const uint8_t *p = in;

	memset(c, 0, sizeof(*c));
	if (len < 22 || in[21] > sizeof(c->name) - 1 || len - 22 < in[21])
		return -EIO;
	c->id = id;
	c->suspended = p[0] & 1;
	c->tod_start = (p[1] << 8) | p[2];
	c->tod_end = (p[3] << 8) | p[4];
	c->limits.calls_per_number_per_min = osmo_load32be(p + 5);
	c->limits.calls_per_binding_per_hour = osmo_load32be(p + 9);
	c->limits.distinct_numbers_per_caller_per_hour = osmo_load32be(p + 13);
	c->limits.block_s = osmo_load32be(p + 17);
	memcpy(c->name, p + 22, p[21]);
	c->name[p[21]] = '\0';
	return 0;
}
