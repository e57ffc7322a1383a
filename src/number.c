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

bool np700_is_digits(const char *digits, size_t max)
{
	size_t i;

	if (!digits || !digits[0])
		return false;
	for (i = 0; digits[i]; i++) {
		if (i >= max || digits[i] < '0' || digits[i] > '9')
			return false;
	}
	return true;
}

static bool has_prefix(const char *s, const char *pfx)
{
	return pfx[0] && strncmp(s, pfx, strlen(pfx)) == 0;
}

/* Strip dialling prefixes as the nature says, leaving national significant digits (NSN) or
 * international digits; returns pointer into digits and whether it is international. */
static const char *strip_prefixes(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
				  bool *intl)
{
	*intl = false;
	switch (nat) {
	case NP700_NAT_INTERNATIONAL:
		*intl = true;
		return digits;
	case NP700_NAT_NATIONAL:
		return digits;
	case NP700_NAT_UNKNOWN:
		/* as dialled: international prefix first (it may begin with the national one) */
		if (has_prefix(digits, p->intl_prefix)) {
			*intl = true;
			return digits + strlen(p->intl_prefix);
		}
		if (has_prefix(digits, p->national_prefix))
			return digits + strlen(p->national_prefix);
		return digits;
	case NP700_NAT_SUBSCRIBER:
	default:
		return digits;
	}
}

int np700_protected_normalise(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
			      char *out, size_t out_len)
{
	const char *nsn;
	bool intl;
	size_t len;

	if (!np700_is_digits(digits, 32))
		return 0;
	nsn = strip_prefixes(p, digits, nat, &intl);
	if (intl) {
		/* only our own country's 700 numbers are protected */
		if (!has_prefix(nsn, p->country_code))
			return 0;
		nsn += strlen(p->country_code);
	}
	if (!has_prefix(nsn, p->range_prefix))
		return 0;
	len = strlen(nsn);
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
	const char *nsn;
	bool intl;
	size_t len, cclen = strlen(p->country_code);

	if (!np700_is_digits(digits, 32))
		return -EINVAL;
	nsn = strip_prefixes(p, digits, nat, &intl);
	len = strlen(nsn);
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

enum np700_nature np700_real_format(const struct np700_numplan *p, const char *e164, bool international,
				    char *out, size_t out_len)
{
	if (!international && has_prefix(e164, p->country_code)) {
		osmo_strlcpy(out, e164 + strlen(p->country_code), out_len);
		return NP700_NAT_NATIONAL;
	}
	osmo_strlcpy(out, e164, out_len);
	return NP700_NAT_INTERNATIONAL;
}
