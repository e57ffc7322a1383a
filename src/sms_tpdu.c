/* SMS TPDU (3GPP TS 23.040) codec for SMS-DELIVER and SMS-SUBMIT: strict decode, UDH
 * concatenation info, and a TP-OA/TP-DA rewrite that keeps every other byte. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/gsm_utils.h>

#include <np700/map.h>
#include <np700/sms_tpdu.h>

const struct value_string sms_vpf_names[] = {
	{ SMS_VPF_NONE, "none" },
	{ SMS_VPF_ENHANCED, "enhanced" },
	{ SMS_VPF_RELATIVE, "relative" },
	{ SMS_VPF_ABSOLUTE, "absolute" },
	{ 0, NULL }
};

const struct value_string sms_charset_names[] = {
	{ SMS_CHARSET_GSM7, "gsm7" },
	{ SMS_CHARSET_8BIT, "8bit" },
	{ SMS_CHARSET_UCS2, "ucs2" },
	{ SMS_CHARSET_COMPRESSED, "compressed" },
	{ 0, NULL }
};

/*! Character set of data coding scheme \a dcs (TS 23.038 §4; reserved codings count as GSM
 *  7-bit, as §4 says). Not libosmogsm's gsm338_get_sms_alphabet(): that one logs an error for
 *  every compressed DCS (a log line per hostile message) and returns "none" for the automatic
 *  deletion group. \returns enum sms_charset. */
int sms_charset(uint8_t dcs)
{
	switch (dcs >> 4) {
	case 0x0: case 0x1: case 0x2: case 0x3:
	case 0x4: case 0x5: case 0x6: case 0x7:
		if (dcs & 0x20)
			return SMS_CHARSET_COMPRESSED;
		switch ((dcs >> 2) & 3) {
		case 1:
			return SMS_CHARSET_8BIT;
		case 2:
			return SMS_CHARSET_UCS2;
		}
		return SMS_CHARSET_GSM7;
	case 0xe:
		return SMS_CHARSET_UCS2;
	case 0xf:
		return (dcs & 0x04) ? SMS_CHARSET_8BIT : SMS_CHARSET_GSM7;
	}
	return SMS_CHARSET_GSM7;
}

static const char addr_digits[16] = "0123456789*#abc";

/* TP-OA/TP-DA at buf[off]: length in semi-octets, type of address, value (TS 23.040 §9.1.2.5). */
static int dec_addr(struct sms_addr *a, const uint8_t *buf, size_t len, size_t off)
{
	size_t n, octets;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (off + 2 > len)
		return -EINVAL;
	n = buf[off];
	if (n > 20)
		return -EINVAL;
	octets = (n + 1) / 2;
	if (off + 2 + octets > len)
		return -EINVAL;
	a->off = off;
	a->len = 2 + octets;
	a->ton = (buf[off + 1] >> 4) & 7;
	a->npi = buf[off + 1] & 0xf;
	if (a->ton == SMS_TON_ALPHANUMERIC) {
		/* n semi-octets of packed GSM 7-bit characters */
		a->alpha = true;
		if (gsm_7bit_decode_n(a->digits, sizeof(a->digits), buf + off + 2, n * 4 / 7) < 0)
			return -EINVAL;
		return 0;
	}
	/* digits 0-9 * # a b c; 0xF is only allowed as the filler of an odd count */
	for (i = 0; i < n / 2; i++) {
		uint8_t b = buf[off + 2 + i];

		if ((b & 0xf) == 0xf || (b >> 4) == 0xf)
			return -EINVAL;
		a->digits[2 * i] = addr_digits[b & 0xf];
		a->digits[2 * i + 1] = addr_digits[b >> 4];
	}
	if (n & 1) {
		uint8_t d = buf[off + 2 + n / 2] & 0xf;

		if (d == 0xf)
			return -EINVAL;
		a->digits[n - 1] = addr_digits[d];
	}
	a->digits[n] = '\0';
	return 0;
}

/* The UDH information elements: walk them, insist they fill UDHL exactly, note concatenation. */
static int dec_udh(struct sms_tpdu *t)
{
	size_t i = 0;

	while (i < t->udh_len) {
		uint8_t iei, iel;

		if (i + 2 > t->udh_len)
			return -EINVAL;
		iei = t->udh[i];
		iel = t->udh[i + 1];
		if (i + 2 + iel > t->udh_len)
			return -EINVAL;
		if (iei == 0x00 || iei == 0x08) {
			const uint8_t *d = t->udh + i + 2;

			if (iel != (iei == 0x00 ? 3 : 4) || t->concat)
				return -EINVAL;
			t->concat = true;
			t->concat_16bit = iei == 0x08;
			if (iei == 0x00) {
				t->concat_ref = d[0];
				d += 1;
			} else {
				t->concat_ref = (d[0] << 8) | d[1];
				d += 2;
			}
			t->concat_max = d[0];
			t->concat_seq = d[1];
		}
		i += 2 + iel;
	}
	return 0;
}

/* TP-UDL and TP-UD at \a off (charset from t->dcs), which must end the TPDU exactly: a mismatch
 * means the lengths contradict. */
static int dec_ud(struct sms_tpdu *t, const uint8_t *buf, size_t len, size_t off)
{
	size_t ud_octets;

	if (off + 1 > len)
		return -EINVAL;
	t->udl = buf[off++];
	if (t->charset == SMS_CHARSET_GSM7) {
		if (t->udl > 160)
			return -EINVAL;
		ud_octets = (t->udl * 7 + 7) / 8;
	} else {
		if (t->udl > 140)
			return -EINVAL;
		ud_octets = t->udl;
	}
	if (off + ud_octets != len)
		return -EINVAL;
	t->ud = buf + off;
	t->ud_octets = ud_octets;

	if (t->udhi) {
		if (ud_octets < 1)
			return -EINVAL;
		t->udh_len = t->ud[0];
		if (1 + t->udh_len > ud_octets)
			return -EINVAL;
		/* in septets the header (with fill bits) must fit inside UDL too */
		if (t->charset == SMS_CHARSET_GSM7 && ((1 + t->udh_len) * 8 + 6) / 7 > t->udl)
			return -EINVAL;
		t->udh = t->ud + 1;
		return dec_udh(t);
	}
	return 0;
}

/* SMS-STATUS-REPORT after TP-RA (TS 23.040 9.2.2.3): SCTS, DT, ST, then an optional TP-PI naming
 * which of PID, DCS and UDL/UD follow (bit 7 extends TP-PI by octets of no meaning yet). */
static int dec_status_report(struct sms_tpdu *t, const uint8_t *buf, size_t len, size_t off)
{
	uint8_t pi;

	if (off + 15 > len)
		return -EINVAL;
	memcpy(t->scts, buf + off, 7);
	off += 14;		/* SCTS and the discharge time */
	t->st = buf[off++];
	if (off == len)
		return t->udhi ? -EINVAL : 0;	/* a header needs user data */
	pi = buf[off++];
	while (buf[off - 1] & 0x80) {
		if (off >= len)
			return -EINVAL;
		off++;
	}
	if (pi & 0x01) {
		if (off >= len)
			return -EINVAL;
		t->pid = buf[off++];
	}
	if (pi & 0x02) {
		if (off >= len)
			return -EINVAL;
		t->dcs = buf[off++];
	}
	t->charset = sms_charset(t->dcs);
	if (pi & 0x04)
		return dec_ud(t, buf, len, off);
	return off == len && !t->udhi ? 0 : -EINVAL;
}

/*! Decode the TPDU \a buf / \a len.
 *  \param[in] mo true: MS -> SC direction (SMS-SUBMIT expected), false: SC -> MS (SMS-DELIVER or
 *  SMS-STATUS-REPORT)
 *  \returns 0; -EOPNOTSUPP another TPDU type (COMMAND, reserved: pass it on untouched);
 *  -EINVAL malformed (truncated, lengths that contradict each other, trailing octets). */
int sms_tpdu_decode(struct sms_tpdu *t, const uint8_t *buf, size_t len, bool mo)
{
	size_t off = 1;
	uint8_t fo;
	int rc;

	memset(t, 0, sizeof(*t));
	if (len < 1)
		return -EINVAL;
	fo = buf[0];
	t->mti = fo & 3;
	if (mo ? t->mti != SMS_MTI_SUBMIT : t->mti != SMS_MTI_DELIVER && t->mti != SMS_MTI_STATUS_REPORT)
		return -EOPNOTSUPP;
	t->udhi = !!(fo & 0x40);
	t->rp = !!(fo & 0x80);
	t->sr = !!(fo & 0x20);
	if (mo) {
		t->rd = !!(fo & 0x04);
		t->vpf = (fo >> 3) & 3;
	} else {
		t->mms = !!(fo & 0x04);
		t->lp = !!(fo & 0x08);
	}
	if (mo || t->mti == SMS_MTI_STATUS_REPORT) {
		if (len < 2)
			return -EINVAL;
		t->mr = buf[off++];
	}
	rc = dec_addr(&t->addr, buf, len, off);
	if (rc < 0)
		return rc;
	off += t->addr.len;
	if (t->mti == SMS_MTI_STATUS_REPORT)
		return dec_status_report(t, buf, len, off);
	if (off + 2 > len)
		return -EINVAL;
	t->pid = buf[off++];
	t->dcs = buf[off++];
	t->charset = sms_charset(t->dcs);
	if (mo) {
		t->vp_len = t->vpf == SMS_VPF_NONE ? 0 : t->vpf == SMS_VPF_RELATIVE ? 1 : 7;
		if (off + t->vp_len > len)
			return -EINVAL;
		memcpy(t->vp, buf + off, t->vp_len);
		off += t->vp_len;
	} else {
		if (off + 7 > len)
			return -EINVAL;
		memcpy(t->scts, buf + off, 7);
		off += 7;
	}
	return dec_ud(t, buf, len, off);
}

/*! The text of \a t for logs and tests: GSM 7-bit decoded to ASCII/UTF-8 (after the UDH),
 *  other character sets as hex. \returns 0 or -EINVAL. */
int sms_tpdu_text(const struct sms_tpdu *t, char *out, size_t out_len)
{
	size_t skip;

	if (!out_len)
		return -EINVAL;
	out[0] = '\0';
	if (!t->ud)
		return 0;	/* a status report without user data */
	if (t->charset == SMS_CHARSET_GSM7) {
		if (gsm_7bit_decode_n_hdr(out, out_len, t->ud, t->udl, t->udhi) < 0)
			return -EINVAL;
		return 0;
	}
	skip = t->udhi ? 1 + t->udh_len : 0;
	if ((t->ud_octets - skip) * 2 + 1 > out_len)
		return -EINVAL;
	osmo_hexdump_buf(out, out_len, t->ud + skip, t->ud_octets - skip, "", false);
	return 0;
}

/*! Encode a numeric TP-OA/TP-DA (length in semi-octets, type of address, BCD digits) into \a buf.
 *  \returns octets written, or -EINVAL (non-digits, more than 20 digits, buffer too small). */
int sms_addr_encode(uint8_t *buf, size_t buf_len, uint8_t ton, uint8_t npi, const char *digits)
{
	size_t n = strlen(digits);
	int rc;

	if (n > 20 || ton > 7 || ton == SMS_TON_ALPHANUMERIC || npi > 15 || buf_len < 2 + (n + 1) / 2)
		return -EINVAL;
	buf[0] = n;
	buf[1] = 0x80 | (ton << 4) | npi;
	if (n == 0)
		return 2;
	rc = map_tbcd_encode(buf + 2, buf_len - 2, digits);
	if (rc < 0)
		return -EINVAL;
	return 2 + rc;
}

/*! Rewrite TP-OA (DELIVER) or TP-RA (STATUS-REPORT), \a mo false, or TP-DA (SUBMIT, \a mo true) of \a buf to
 *  \a digits with \a ton / \a npi into \a out; every other octet stays as it was.
 *  \returns the length of the new TPDU, or -EINVAL / -EOPNOTSUPP (as sms_tpdu_decode(), or bad
 *  digits), -ENOSPC (more than \a out_size octets; SMS_TPDU_MAX_LEN is always enough for a
 *  TPDU of up to 200 octets, the most MAP carries). */
int sms_tpdu_rewrite_addr_buf(uint8_t *out, size_t out_size, const uint8_t *buf, size_t len, bool mo, uint8_t ton,
			      uint8_t npi, const char *digits)
{
	uint8_t addr[12];
	struct sms_tpdu t;
	size_t after, new_len;
	int rc, n;

	rc = sms_tpdu_decode(&t, buf, len, mo);
	if (rc < 0)
		return rc;
	n = sms_addr_encode(addr, sizeof(addr), ton, npi, digits);
	if (n < 0)
		return n;
	after = t.addr.off + t.addr.len;
	new_len = len - t.addr.len + n;
	if (new_len > out_size)
		return -ENOSPC;
	memcpy(out, buf, t.addr.off);
	memcpy(out + t.addr.off, addr, n);
	memcpy(out + t.addr.off + n, buf + after, len - after);
	return new_len;
}

/*! sms_tpdu_rewrite_addr_buf() appending the new TPDU to \a out (owned and freed by the caller).
 *  \returns 0, or as sms_tpdu_rewrite_addr_buf() (-ENOSPC: not enough tailroom). */
int sms_tpdu_rewrite_addr(struct msgb *out, const uint8_t *buf, size_t len, bool mo, uint8_t ton, uint8_t npi,
			  const char *digits)
{
	int rc = sms_tpdu_rewrite_addr_buf(out->tail, msgb_tailroom(out), buf, len, mo, ton, npi, digits);

	if (rc < 0)
		return rc;
	msgb_put(out, rc);
	return 0;
}