/* Numbering plan: protected range recognition and canonical E.164 normalisation (DESIGN §3) */
#include <errno.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/number.h>

const struct np700_numplan np700_numplan_default = {
	.range_prefix = "700",
	.range_len = 15,
	.country_code = "86",
	.national_prefix = "0",
	.intl_prefix = "00",
};

/* the length of \a s if it is 1 to \a max decimal digits, else 0 */
static size_t digits_len(const char *s, size_t max)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; s[i]; i++) {
		if (i >= max || (unsigned char)(s[i] - '0') > 9)
			return 0;
	}
	return i;
}

bool np700_is_digits(const char *digits, size_t max)
{
	return digits_len(digits, max) > 0;
}

/* the length of \a pfx if \a s begins with it, else 0 (also for an empty \a pfx); one pass, as
 * every IAM has its numbers checked against several prefixes */
static size_t prefix_len(const char *s, const char *pfx)
{
	size_t i;

	for (i = 0; pfx[i]; i++) {
		if (s[i] != pfx[i])
			return 0;
	}
	return i;
}

/* Strip dialling prefixes as the nature says, leaving national significant digits (NSN) or
 * international digits; returns pointer into digits and whether it is international. */
static const char *strip_prefixes(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
				  bool *intl)
{
	size_t k;

	*intl = false;
	switch (nat) {
	case NP700_NAT_INTERNATIONAL:
		*intl = true;
		return digits;
	case NP700_NAT_NATIONAL:
		return digits;
	case NP700_NAT_UNKNOWN:
		/* as dialled: international prefix first (it may begin with the national one) */
		k = prefix_len(digits, p->intl_prefix);
		if (k) {
			*intl = true;
			return digits + k;
		}
		return digits + prefix_len(digits, p->national_prefix);
	case NP700_NAT_SUBSCRIBER:
	default:
		return digits;
	}
}

int np700_protected_normalise(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
			      char *out, size_t out_len)
{
	size_t dlen = digits_len(digits, 32), len, k;
	const char *nsn;
	bool intl;

	if (!dlen)
		return 0;
	nsn = strip_prefixes(p, digits, nat, &intl);
	if (intl) {
		/* only our own country's 700 numbers are protected */
		k = prefix_len(nsn, p->country_code);
		if (!k)
			return 0;
		nsn += k;
	}
	if (!prefix_len(nsn, p->range_prefix))
		return 0;
	len = dlen - (nsn - digits);
	if (len != p->range_len)
		return -EINVAL;
	if (out_len <= len)
		return -EINVAL;
	memcpy(out, nsn, len + 1);
	return 1;
}

int np700_real_normalise(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
			 char *out, size_t out_len)
{
	size_t dlen = digits_len(digits, 32), len, cclen = strlen(p->country_code);
	const char *nsn;
	bool intl;

	if (!dlen)
		return -EINVAL;
	nsn = strip_prefixes(p, digits, nat, &intl);
	len = dlen - (nsn - digits);
	if (intl) {
		if (len < 7 || len > NP700_NUM_MAXLEN || len >= out_len)
			return -EINVAL;
		memcpy(out, nsn, len + 1);
		return 0;
	}
	/* national significant number: prepend our country code */
	if (len < 5 || len + cclen > NP700_NUM_MAXLEN || len + cclen >= out_len)
		return -EINVAL;
	memcpy(out, p->country_code, cclen);
	memcpy(out + cclen, nsn, len + 1);
	return 0;
}

const char *np700_real_national(const struct np700_numplan *p, const char *e164)
{
	return e164 + prefix_len(e164, p->country_code);
}

enum np700_nature np700_real_format(const struct np700_numplan *p, const char *e164, bool international,
				    char *out, size_t out_len)
{
	const char *nsn = international ? e164 : np700_real_national(p, e164);

	osmo_strlcpy(out, nsn, out_len);
	return nsn != e164 ? NP700_NAT_NATIONAL : NP700_NAT_INTERNATIONAL;
}
