/* ISUP number parameters (Q.763 §3.9 ff.): header octets and low-nibble-first BCD digits */
#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/isup.h>

const struct value_string isup_nai_names[] = {
	{ ISUP_NAI_SUBSCRIBER, "subscriber" },
	{ ISUP_NAI_UNKNOWN, "unknown" },
	{ ISUP_NAI_NATIONAL, "national" },
	{ ISUP_NAI_INTERNATIONAL, "international" },
	{ ISUP_NAI_NETWORK_SPECIFIC, "network-specific" },
	{ 0, NULL }
};

static const char hexdigit[16] = "0123456789ABCDEF";

/* A digit as osmo_str2bcd(..., allow_hex) takes it, plus one: 0-9, A-F/a-f; 0 for anything
 * else. A table rather than two range tests per digit (two numbers are encoded per IAM). */
static const uint8_t bcd_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

/* the digit's BCD value, or 0xff */
static inline uint8_t char2bcd(char c)
{
	return bcd_plus1[(unsigned char)c] - 1;
}

/* How the octets before the digits look. */
enum num_layout {
	NL_NONE,
	NL_STD,		/* O/E + NAI; bit 8 + NPI + 4 low bits (INN/NI, APRI, SI or spare) */
	NL_GENERIC,	/* number qualifier, then NL_STD */
	NL_SUBSEQ,	/* O/E + 7 spare bits */
};

static enum num_layout layout(uint8_t code)
{
	switch (code) {
	case ISUP_PAR_CALLED:
	case ISUP_PAR_CALLING:
	case ISUP_PAR_REDIRECTING:
	case ISUP_PAR_REDIRECTION_NUM:
	case ISUP_PAR_CONNECTED:
	case ISUP_PAR_ORIG_CALLED:
	case ISUP_PAR_LOCATION_NUM:
	case ISUP_PAR_CALL_TRANSFER_NUM:
	case ISUP_PAR_CALLED_IN_NUM:
	case ISUP_PAR_CALLED_DIR_NUM:
	case ISUP_PAR_ORIG_CALLED_IN_NUM:
		return NL_STD;
	case ISUP_PAR_GENERIC_NUM:
		return NL_GENERIC;
	case ISUP_PAR_SUBSEQ_NUM:
		return NL_SUBSEQ;
	default:
		return NL_NONE;
	}
}

/* Only these may end with ST (end of pulsing); elsewhere a digit F is just a digit. */
static bool st_allowed(uint8_t code)
{
	return code == ISUP_PAR_CALLED || code == ISUP_PAR_SUBSEQ_NUM;
}

bool isup_param_is_number(uint8_t code)
{
	return layout(code) != NL_NONE;
}

int isup_number_decode(uint8_t code, const uint8_t *val, size_t len, struct isup_number *n)
{
	enum num_layout lay = layout(code);
	char tmp[ISUP_NUM_MAXDIGITS + 2];
	size_t hdr, nibbles, i;
	bool odd;

	memset(n, 0, sizeof(*n));
	switch (lay) {
	case NL_NONE:
		return -ENOTSUP;
	case NL_SUBSEQ:
		if (len < 1)
			return -EINVAL;
		odd = val[0] & 0x80;
		hdr = 1;
		break;
	case NL_GENERIC:
		if (len < 3)
			return -EINVAL;
		n->qualifier = val[0];
		val++;
		len--;
		/* fall through */
	case NL_STD:
	default:
		if (len < 2)
			return -EINVAL;
		odd = val[0] & 0x80;
		n->nai = val[0] & 0x7f;
		n->inn_ni = val[1] & 0x80;
		n->npi = (val[1] >> 4) & 0x07;
		n->apri = (val[1] >> 2) & 0x03;
		n->si = val[1] & 0x03;
		hdr = 2;
		break;
	}
	nibbles = (len - hdr) * 2;
	/* odd with no digit octet at all is contradictory */
	if (odd) {
		if (!nibbles)
			return -EINVAL;
		nibbles--;
	}
	if (nibbles > ISUP_NUM_MAXDIGITS + 1)
		return -EINVAL;
	/* what osmo_bcd2str(..., allow_hex) gives, without its per-digit calls (every IAM has
	 * three numbers or more): low nibble first, 0-9 and A-F */
	for (i = 0; i < nibbles / 2; i++) {
		tmp[2 * i] = hexdigit[val[hdr + i] & 0x0f];
		tmp[2 * i + 1] = hexdigit[val[hdr + i] >> 4];
	}
	if (nibbles & 1)
		tmp[nibbles - 1] = hexdigit[val[hdr + nibbles / 2] & 0x0f];
	tmp[nibbles] = '\0';
	if (nibbles && st_allowed(code) && tmp[nibbles - 1] == 'F') {
		n->st = true;
		tmp[--nibbles] = '\0';
	}
	if (nibbles > ISUP_NUM_MAXDIGITS)
		return -EINVAL;
	memcpy(n->digits, tmp, nibbles + 1);
	return 0;
}

int isup_number_encode(uint8_t code, const struct isup_number *n, uint8_t *out, size_t out_size)
{
	enum num_layout lay = layout(code);
	uint8_t dig[(ISUP_NUM_MAXDIGITS + 2) / 2];
	size_t ndig, hdr, len, i;
	uint8_t *o = out, lo, hi;

	if (lay == NL_NONE)
		return -ENOTSUP;
	ndig = strnlen(n->digits, sizeof(n->digits));
	if (ndig > ISUP_NUM_MAXDIGITS)
		return -EINVAL;
	/* digits low nibble first, two an octet; with an odd count the last high nibble is ST
	 * (0xf) or the filler 0 */
	for (i = 0; i < ndig / 2; i++) {
		lo = char2bcd(n->digits[2 * i]);
		hi = char2bcd(n->digits[2 * i + 1]);
		if (lo > 0x0f || hi > 0x0f)
			return -EINVAL;
		dig[i] = lo | (hi << 4);
	}
	if (ndig & 1) {
		lo = char2bcd(n->digits[ndig - 1]);
		if (lo > 0x0f)
			return -EINVAL;
		dig[i] = lo;
	}
	if (n->st && st_allowed(code)) {
		if (ndig & 1)
			dig[ndig / 2] |= 0xf0;
		else
			dig[ndig / 2] = 0x0f;
		ndig++;
	}

	hdr = lay == NL_SUBSEQ ? 1 : lay == NL_GENERIC ? 3 : 2;
	len = hdr + (ndig + 1) / 2;
	if (out_size < len)
		return -ENOSPC;
	if (lay == NL_GENERIC)
		*o++ = n->qualifier;
	if (lay == NL_SUBSEQ) {
		o[0] = (ndig & 1) ? 0x80 : 0;
		o += 1;
	} else {
		o[0] = ((ndig & 1) ? 0x80 : 0) | (n->nai & 0x7f);
		o[1] = (n->inn_ni ? 0x80 : 0) | ((n->npi & 0x07) << 4) | ((n->apri & 0x03) << 2) | (n->si & 0x03);
		o += 2;
	}
	memcpy(o, dig, (ndig + 1) / 2);
	return len;
}

int isup_msg_get_number(const struct isup_msg *m, uint8_t code, struct isup_number *n)
{
	const struct isup_param *p = isup_msg_get(m, code);

	if (!p)
		return -ENOENT;
	return isup_number_decode(code, p->val, p->len, n);
}

int isup_msg_set_number(struct isup_msg *m, uint8_t code, const struct isup_number *n)
{
	uint8_t buf[3 + (ISUP_NUM_MAXDIGITS + 2) / 2];
	int len = isup_number_encode(code, n, buf, sizeof(buf));

	if (len < 0)
		return len;
	return isup_msg_set(m, code, buf, len);
}
