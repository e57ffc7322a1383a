/* ISUP route table: prefix of the translated called number -> circuit group, number format */
#include <errno.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/isup_internal.h>
#include <np700/np700.h>

const struct value_string isup_route_format_names[] = {
	{ ISUP_FMT_NATIONAL, "national" },
	{ ISUP_FMT_INTERNATIONAL, "international" },
	{ 0, NULL }
};

static struct isup_route *route_find(struct isup_relay *r, const char *prefix)
{
	struct isup_route *rt;

	llist_for_each_entry(rt, &r->routes, list) {
		if (!strcmp(rt->prefix, prefix))
			return rt;
	}
	return NULL;
}

int isup_route_add(struct isup_relay *r, const char *prefix, const char *cgroup, enum isup_route_format fmt)
{
	struct isup_route *rt;

	if (!np700_is_digits(prefix, NP700_NUM_MAXLEN) || !cgroup || !cgroup[0])
		return -EINVAL;
	rt = route_find(r, prefix);
	if (!rt) {
		rt = talloc_zero(r, struct isup_route);
		if (!rt)
			return -ENOMEM;
		OSMO_STRLCPY_ARRAY(rt->prefix, prefix);
		rt->prefix_len = strlen(rt->prefix);
		llist_add_tail(&rt->list, &r->routes);
	}
	osmo_talloc_replace_string(rt, &rt->cgroup, cgroup);
	rt->fmt = fmt;
	return 0;
}

int isup_route_del(struct isup_relay *r, const char *prefix)
{
	struct isup_route *rt = route_find(r, prefix);

	if (!rt)
		return -ENOENT;
	llist_del(&rt->list);
	talloc_free(rt);
	return 0;
}

void isup_route_free_all(struct isup_relay *r)
{
	struct isup_route *rt, *tmp;

	llist_for_each_entry_safe(rt, tmp, &r->routes, list) {
		llist_del(&rt->list);
		talloc_free(rt);
	}
}

const struct isup_route *isup_route_lookup(struct isup_relay *r, const char *e164)
{
	const struct isup_route *rt, *best = NULL;
	const char *national = np700_real_national(&r->g->plan, e164);
	size_t best_len = 0;

	/* operators write prefixes either way ("86138" or "138"): try both forms */
	llist_for_each_entry(rt, &r->routes, list) {
		size_t l = rt->prefix_len;

		if (l <= best_len)
			continue;
		if (!strncmp(e164, rt->prefix, l) || !strncmp(national, rt->prefix, l)) {
			best = rt;
			best_len = l;
		}
	}
	return best;
}
