/*! \file number.h
 *  Numbering plan (DESIGN §3): the protected range and normalisation of real numbers to
 *  canonical international E.164 digits. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <np700/binding.h>

struct np700_numplan {
	char range_prefix[8];		/*!< "700" */
	unsigned int range_len;		/*!< 15 */
	char country_code[4];		/*!< "86" */
	char national_prefix[4];	/*!< "0" (trunk prefix dialled before national numbers) */
	char intl_prefix[6];		/*!< "00" */
};

/*! Nature of a received number, as ISUP NAI / MAP TON say it. */
enum np700_nature {
	NP700_NAT_UNKNOWN,		/*!< apply prefixes (national/international prefix) */
	NP700_NAT_SUBSCRIBER,
	NP700_NAT_NATIONAL,
	NP700_NAT_INTERNATIONAL,
};

extern const struct np700_numplan np700_numplan_default;

/*! Is \a digits a protected number? Recognises the national form (700…, 15 digits) and the
 *  international form (86700…, 17 digits), and writes the national 15-digit form to \a out.
 *  \returns 1 protected and valid, 0 not protected, -EINVAL in the range but wrong length /
 *  non-digit. */
int np700_protected_normalise(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
			      char *out, size_t out_len);

/*! Normalise a real number to canonical international E.164 digits ("8613800138000").
 *  \returns 0, or -EINVAL (not digits, too long/short). */
int np700_real_normalise(const struct np700_numplan *p, const char *digits, enum np700_nature nat,
			 char *out, size_t out_len);

/*! Write canonical \a e164 in the form a route expects: national (strip country code if it is
 *  ours) or international. \returns the nature used. */
enum np700_nature np700_real_format(const struct np700_numplan *p, const char *e164, bool international,
				    char *out, size_t out_len);

/*! \a e164 after our country code if it begins with it (its national significant number), else
 *  \a e164 itself: a pointer into \a e164, for comparing without a copy. */
const char *np700_real_national(const struct np700_numplan *p, const char *e164);

/*! Is \a digits a string of 1..max decimal digits? */
bool np700_is_digits(const char *digits, size_t max);
