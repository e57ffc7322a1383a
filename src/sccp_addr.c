/* SCCP called/calling party address (Q.713 3.4): parse, encode byte-identical, rewrite digits */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/sccp.h>

/* Hex digits <-> nibbles, low nibble first: what osmo_bcd2str() / osmo_str2bcd() with allow_hex
 * do, inline: every SCCP message carries two addresses, and the library's per-digit calls cost
 * more than the rest of the address codec (issue 5). */
static const char hexdig[16] = "0123456789ABCDEF";

static inline int hex_nibble(char c)
{
	unsigned int d = (unsigned char)c - '0';

	if (d <= 9)
		return d;
	d = ((unsigned char)c | 0x20) - 'a';	/* either case */
	return d <= 5 ? (int)d + 10 : -1;
}

#define AI_NATIONAL	0x80
#define AI_ROUTE_SSN	0x40
#define AI_GTI_SHIFT	2
#define AI_GTI_MASK	0x0f
#define AI_SSN		0x02
#define AI_PC		0x01

const struct value_string sccp_variant_names[] = {
	{ SCCP_VAR_ITU, "itu" },
	{ SCCP_VAR_CHINA, "china" },
	{ 0, NULL }
};

const struct value_string sccp_gti_names[] = {
	{ SCCP_GTI_NONE, "none" },
	{ SCCP_GTI_NAI, "NAI" },
	{ SCCP_GTI_TT, "TT" },
	{ SCCP_GTI_TT_NP_ES, "TT+NP+ES" },
	{ SCCP_GTI_TT_NP_ES_NAI, "TT+NP+ES+NAI" },
	{ 0, NULL }
};

unsigned int sccp_pc_octets(enum sccp_variant v)
{
	return v == SCCP_VAR_CHINA ? 3 : 2;
}

/* Q.713 3.4.2.1 (ITU: 14 bits, the two bits above are spare), YDN 038 (China: 24 bits); least
 * significant octet first in both */
uint32_t sccp_pc_get(const uint8_t *p, enum sccp_variant v, uint8_t *spare)
{
	if (v == SCCP_VAR_CHINA) {
		*spare = 0;
		return p[0] | (p[1] << 8) | (p[2] << 16);
	}
	*spare = p[1] >> 6;
	return p[0] | ((p[1] & 0x3f) << 8);
}

int sccp_pc_put(uint8_t *p, uint32_t pc, uint8_t spare, enum sccp_variant v)
{
	if (pc > (v == SCCP_VAR_CHINA ? 0xffffffu : 0x3fffu))
		return -EINVAL;
	p[0] = pc & 0xff;
	p[1] = (pc >> 8) & 0xff;
	if (v == SCCP_VAR_CHINA)
		p[2] = (pc >> 16) & 0xff;
	else
		p[1] |= (spare & 3) << 6;
	return sccp_pc_octets(v);
}

/* Whether the GT carries its own odd/even information (GTI 1, and GTI 3/4 with a BCD scheme). */
static bool gt_has_oddeven(const struct sccp_addr *a)
{
	return a->gti == SCCP_GTI_NAI || ((a->gti == SCCP_GTI_TT_NP_ES || a->gti == SCCP_GTI_TT_NP_ES_NAI) && a->bcd);
}

static size_t addr_len(const struct sccp_addr *a, enum sccp_variant v, size_t ndig)
{
	/* a reserved GTI has no header we know of: its octets are all kept as "digits" */
	static const uint8_t gt_hdr[] = { 0, 1, 1, 2, 3 };
	unsigned int hdr = a->gti < ARRAY_SIZE(gt_hdr) ? gt_hdr[a->gti] : 0;

	return 1 + (a->pc_present ? sccp_pc_octets(v) : 0) + (a->ssn_present ? 1 : 0) + hdr + (ndig + 1) / 2;
}

static int fail(const char **err, const char *why)
{
	if (err)
		*err = why;
	return -EINVAL;
}

int sccp_addr_parse(struct sccp_addr *a, const uint8_t *buf, size_t len, enum sccp_variant v, const char **err)
{
	size_t pos = 1, nbytes;
	unsigned int nibbles;
	uint8_t ai;

	memset(a, 0, sizeof(*a));
	if (len < 1)
		return fail(err, "empty address");
	ai = buf[0];
	a->national = ai & AI_NATIONAL;
	a->route_on_ssn = ai & AI_ROUTE_SSN;
	a->gti = (ai >> AI_GTI_SHIFT) & AI_GTI_MASK;
	a->ssn_present = ai & AI_SSN;
	a->pc_present = ai & AI_PC;

	if (a->pc_present) {
		if (len - pos < sccp_pc_octets(v))
			return fail(err, "address truncated in point code");
		a->pc = sccp_pc_get(buf + pos, v, &a->pc_spare);
		pos += sccp_pc_octets(v);
	}
	if (a->ssn_present) {
		if (len - pos < 1)
			return fail(err, "address truncated in SSN");
		a->ssn = buf[pos++];
	}

	switch (a->gti) {
	case SCCP_GTI_NONE:
		/* nothing may follow: octets we do not understand could not be re-encoded faithfully */
		if (pos != len)
			return fail(err, "octets after an address without GT");
		return 0;
	case SCCP_GTI_NAI:
		if (len - pos < 1)
			return fail(err, "address truncated in GT");
		a->nai = buf[pos] & 0x7f;
		a->nai_bit8 = buf[pos] & 0x80;	/* odd indicator */
		a->bcd = true;
		pos++;
		break;
	case SCCP_GTI_TT:
		if (len - pos < 1)
			return fail(err, "address truncated in GT");
		a->tt = buf[pos++];
		a->bcd = true;
		break;
	case SCCP_GTI_TT_NP_ES:
	case SCCP_GTI_TT_NP_ES_NAI:
		if (len - pos < (a->gti == SCCP_GTI_TT_NP_ES ? 2u : 3u))
			return fail(err, "address truncated in GT");
		a->tt = buf[pos++];
		a->np = buf[pos] >> 4;
		a->es = buf[pos] & 0x0f;
		pos++;
		a->bcd = a->es == 1 || a->es == 2;
		if (a->gti == SCCP_GTI_TT_NP_ES_NAI) {
			a->nai = buf[pos] & 0x7f;
			a->nai_bit8 = buf[pos] & 0x80;
			pos++;
		}
		break;
	default:
		/* Q.713 3.4.1: spare GTI. The address is still parsed (its octets kept as hex, not BCD)
		 * so that the router can answer "no translation for an address of such nature"
		 * (Q.714 2.4.3) instead of dropping the message as malformed. */
		a->bcd = false;
		break;
	}

	nbytes = len - pos;
	if (nbytes * 2 > SCCP_GT_DIGITS_MAX)
		return fail(err, "GT too long");
	nibbles = nbytes * 2;
	if (gt_has_oddeven(a)) {
		bool odd = a->gti == SCCP_GTI_NAI ? a->nai_bit8 : a->es == 1;
		if (odd) {
			if (!nbytes)
				return fail(err, "odd number of GT digits but no digits");
			nibbles--;
			a->filler = buf[len - 1] >> 4;
		}
	} else if (a->gti == SCCP_GTI_TT && nbytes && (buf[len - 1] >> 4) == 0xf) {
		/* GTI 2 says nothing about odd/even; a trailing 0xf nibble is the usual filler */
		nibbles--;
		a->filler = 0xf;
	}
	for (unsigned int i = 0; i < nibbles / 2; i++) {
		a->digits[2 * i] = hexdig[buf[pos + i] & 0x0f];
		a->digits[2 * i + 1] = hexdig[buf[pos + i] >> 4];
	}
	if (nibbles & 1)
		a->digits[nibbles - 1] = hexdig[buf[pos + nibbles / 2] & 0x0f];
	a->digits[nibbles] = '\0';
	return 0;
}

int sccp_addr_encode(uint8_t *buf, size_t size, const struct sccp_addr *a, enum sccp_variant v)
{
	size_t pos = 0, ndig = strlen(a->digits);
	bool odd = ndig & 1;

	if (a->gti > AI_GTI_MASK || ndig > SCCP_GT_DIGITS_MAX)
		return -EINVAL;
	if (a->gti == SCCP_GTI_NONE && ndig)
		return -EINVAL;
	if (size < addr_len(a, v, ndig))
		return -ENOSPC;

	buf[pos++] = (a->national ? AI_NATIONAL : 0) | (a->route_on_ssn ? AI_ROUTE_SSN : 0) |
		     (a->gti << AI_GTI_SHIFT) | (a->ssn_present ? AI_SSN : 0) | (a->pc_present ? AI_PC : 0);
	if (a->pc_present) {
		int n = sccp_pc_put(buf + pos, a->pc, a->pc_spare, v);

		if (n < 0)
			return n;
		pos += n;
	}
	if (a->ssn_present)
		buf[pos++] = a->ssn;

	switch (a->gti) {
	case SCCP_GTI_NONE:
		return pos;
	case SCCP_GTI_NAI:
		buf[pos++] = (odd ? 0x80 : 0) | (a->nai & 0x7f);
		break;
	case SCCP_GTI_TT:
		buf[pos++] = a->tt;
		break;
	case SCCP_GTI_TT_NP_ES:
	case SCCP_GTI_TT_NP_ES_NAI:
		buf[pos++] = a->tt;
		if (a->bcd)
			buf[pos++] = ((a->np & 0x0f) << 4) | (odd ? 1 : 2);
		else
			buf[pos++] = ((a->np & 0x0f) << 4) | (a->es & 0x0f);
		if (a->gti == SCCP_GTI_TT_NP_ES_NAI)
			buf[pos++] = (a->nai_bit8 ? 0x80 : 0) | (a->nai & 0x7f);
		break;
	default:
		if (a->bcd)
			return -EINVAL;	/* a spare GTI's octets are only ever kept, never made up */
		break;
	}
	if (!a->bcd && odd)
		return -EINVAL;	/* a non-BCD GT is kept as whole octets */
	if (ndig) {
		size_t oct = (ndig + 1) / 2, i;
		int lo, hi;

		if (size - pos < oct)
			return -ENOSPC;
		for (i = 0; i < ndig / 2; i++) {
			lo = hex_nibble(a->digits[2 * i]);
			hi = hex_nibble(a->digits[2 * i + 1]);
			if (lo < 0 || hi < 0)
				return -EINVAL;
			buf[pos + i] = lo | (hi << 4);
		}
		if (odd) {
			lo = hex_nibble(a->digits[ndig - 1]);
			if (lo < 0)
				return -EINVAL;
			buf[pos + oct - 1] = lo | ((a->filler & 0x0f) << 4);
		}
		pos += oct;
	}
	return pos;
}

int sccp_addr_set_digits(struct sccp_addr *a, const char *digits)
{
	char tmp[SCCP_GT_DIGITS_MAX + 1] = { 0 };
	size_t n;

	if (a->gti == SCCP_GTI_NONE || !a->bcd)
		return -EINVAL;
	/* into tmp first: digits may be a->digits itself; the zeros after the digits stay, as a
	 * parsed address has them */
	for (n = 0; digits[n]; n++) {
		int d = hex_nibble(digits[n]);

		if (d < 0 || n >= SCCP_GT_DIGITS_MAX)
			return -EINVAL;
		tmp[n] = hexdig[d];
	}
	memcpy(a->digits, tmp, sizeof(a->digits));
	/* GTI 2 has no odd/even indicator: only a 0xf filler can be told from a digit */
	a->filler = (n & 1) && a->gti == SCCP_GTI_TT ? 0xf : 0;
	/* keep the struct as a parse of the new encoding would give it */
	if (a->gti == SCCP_GTI_NAI)
		a->nai_bit8 = n & 1;
	else if (a->gti == SCCP_GTI_TT_NP_ES || a->gti == SCCP_GTI_TT_NP_ES_NAI)
		a->es = n & 1 ? 1 : 2;
	return 0;
}

void sccp_addr_set_gt(struct sccp_addr *a, uint8_t tt, uint8_t nai, const char *digits, uint8_t ssn)
{
	memset(a, 0, sizeof(*a));
	a->gti = SCCP_GTI_TT_NP_ES_NAI;
	a->tt = tt;
	a->np = 1;	/* E.164 */
	a->es = 1;
	a->bcd = true;
	a->nai = nai;
	a->ssn_present = ssn != 0;
	a->ssn = ssn;
	if (sccp_addr_set_digits(a, digits) < 0)
		a->digits[0] = '\0';
}

char *sccp_pc_name_buf(char *buf, size_t size, uint32_t pc, enum sccp_variant v)
{
	if (v == SCCP_VAR_CHINA)
		snprintf(buf, size, "%u.%u.%u", (pc >> 16) & 0xff, (pc >> 8) & 0xff, pc & 0xff);
	else
		snprintf(buf, size, "%u.%u.%u", (pc >> 11) & 0x7, (pc >> 3) & 0xff, pc & 0x7);
	return buf;
}

int sccp_pc_parse(uint32_t *pc, const char *str, enum sccp_variant v)
{
	unsigned long a, b, c;
	char *end;

	a = strtoul(str, &end, 10);
	if (end == str)
		return -EINVAL;
	if (*end == '\0') {
		if (a > (v == SCCP_VAR_CHINA ? 0xffffffUL : 0x3fffUL))
			return -EINVAL;
		*pc = a;
		return 0;
	}
	if (*end != '.')
		return -EINVAL;
	str = end + 1;
	b = strtoul(str, &end, 10);
	if (end == str || *end != '.')
		return -EINVAL;
	str = end + 1;
	c = strtoul(str, &end, 10);
	if (end == str || *end != '\0')
		return -EINVAL;
	if (v == SCCP_VAR_CHINA) {
		if (a > 255 || b > 255 || c > 255)
			return -EINVAL;
		*pc = (a << 16) | (b << 8) | c;
	} else {
		if (a > 7 || b > 255 || c > 7)
			return -EINVAL;
		*pc = (a << 11) | (b << 3) | c;
	}
	return 0;
}

char *sccp_addr_name_buf(char *buf, size_t size, const struct sccp_addr *a, enum sccp_variant v)
{
	struct osmo_strbuf sb = { .buf = buf, .len = size };
	char pcbuf[16];

	OSMO_STRBUF_PRINTF(sb, "RI=%s", a->route_on_ssn ? "SSN" : "GT");
	if (a->pc_present)
		OSMO_STRBUF_PRINTF(sb, " PC=%s", sccp_pc_name_buf(pcbuf, sizeof(pcbuf), a->pc, v));
	if (a->ssn_present)
		OSMO_STRBUF_PRINTF(sb, " SSN=%u", a->ssn);
	switch (a->gti) {
	case SCCP_GTI_NONE:
		break;
	case SCCP_GTI_NAI:
		OSMO_STRBUF_PRINTF(sb, " GT(NAI=%u %s)", a->nai, a->digits);
		break;
	case SCCP_GTI_TT:
		OSMO_STRBUF_PRINTF(sb, " GT(TT=%u %s)", a->tt, a->digits);
		break;
	case SCCP_GTI_TT_NP_ES:
		OSMO_STRBUF_PRINTF(sb, " GT(TT=%u NP=%u ES=%u %s)", a->tt, a->np, a->es, a->digits);
		break;
	case SCCP_GTI_TT_NP_ES_NAI:
		OSMO_STRBUF_PRINTF(sb, " GT(TT=%u NP=%u ES=%u NAI=%u %s)", a->tt, a->np, a->es, a->nai, a->digits);
		break;
	}
	return buf;
}
