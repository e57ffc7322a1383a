/* SCCP GT routing table: GT prefix -> point code, SSN, optional prefix replacement.
 * A sorted array: tables hold tens to a few thousand prefixes, are changed only from the VTY and
 * read for every message; a lookup is one binary search per digit of the GT (longest first). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/sccp.h>

struct sccp_route_table {
	struct sccp_route *r;	/*!< sorted by prefix (strcmp) */
	unsigned int n;
	unsigned int alloc;
};

static bool valid_digits(const char *d, bool allow_empty)
{
	size_t n = strlen(d);

	if ((!n && !allow_empty) || n > SCCP_GT_DIGITS_MAX)
		return false;
	for (; *d; d++) {
		if (!(*d >= '0' && *d <= '9') && !(*d >= 'A' && *d <= 'F'))
			return false;
	}
	return true;
}

struct sccp_route_table *sccp_route_table_alloc(void *ctx)
{
	return talloc_zero(ctx, struct sccp_route_table);
}

/* Index of the first entry >= key, and whether it is equal; key_len limits the key to a prefix. */
static unsigned int find(const struct sccp_route_table *t, const char *key, size_t key_len, bool *found)
{
	unsigned int lo = 0, hi = t->n;

	*found = false;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const char *p = t->r[mid].prefix;
		int c = strncmp(p, key, key_len);

		/* equal in the first key_len chars: p is longer than the key (greater) or equal */
		if (c == 0 && p[key_len] != '\0')
			c = 1;
		if (c < 0) {
			lo = mid + 1;
		} else {
			if (c == 0)
				*found = true;
			hi = mid;
		}
	}
	return lo;
}

int sccp_route_add(struct sccp_route_table *t, const struct sccp_route *r)
{
	unsigned int i;
	bool found;

	if (!valid_digits(r->prefix, false) || !valid_digits(r->replace, true))
		return -EINVAL;
	i = find(t, r->prefix, strlen(r->prefix), &found);
	if (found) {
		t->r[i] = *r;
		return 0;
	}
	if (t->n == t->alloc) {
		unsigned int na = t->alloc ? t->alloc * 2 : 16;
		struct sccp_route *nr = talloc_realloc(t, t->r, struct sccp_route, na);
		if (!nr)
			return -ENOMEM;
		t->r = nr;
		t->alloc = na;
	}
	memmove(&t->r[i + 1], &t->r[i], (t->n - i) * sizeof(t->r[0]));
	t->r[i] = *r;
	t->n++;
	return 0;
}

int sccp_route_del(struct sccp_route_table *t, const char *prefix)
{
	unsigned int i;
	bool found;

	i = find(t, prefix, strlen(prefix), &found);
	if (!found)
		return -ENOENT;
	memmove(&t->r[i], &t->r[i + 1], (t->n - i - 1) * sizeof(t->r[0]));
	t->n--;
	return 0;
}

const struct sccp_route *sccp_route_lookup(const struct sccp_route_table *t, const char *digits)
{
	size_t l = strnlen(digits, SCCP_GT_DIGITS_MAX);

	for (; l > 0; l--) {
		bool found;
		unsigned int i = find(t, digits, l, &found);
		if (found)
			return &t->r[i];
	}
	return NULL;
}

unsigned int sccp_route_count(const struct sccp_route_table *t)
{
	return t->n;
}

const struct sccp_route *sccp_route_get(const struct sccp_route_table *t, unsigned int i)
{
	return i < t->n ? &t->r[i] : NULL;
}

int sccp_route_apply(const struct sccp_route *r, struct sccp_addr *a)
{
	char d[2 * SCCP_GT_DIGITS_MAX + 1];
	size_t pl = strlen(r->prefix);

	if (!r->replace[0])
		return 0;
	if (strncmp(a->digits, r->prefix, pl) != 0)
		return -EINVAL;
	if (strlen(r->replace) + strlen(a->digits + pl) > SCCP_GT_DIGITS_MAX)
		return -EINVAL;
	snprintf(d, sizeof(d), "%s%s", r->replace, a->digits + pl);
	return sccp_addr_set_digits(a, d);
}
