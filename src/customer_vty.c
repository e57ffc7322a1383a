/* VTY: the "customer <id>" config node — name, suspension, time window, rate limits, pools.
 * The configuration lives in g->customers; once the store is open every change is mirrored
 * into it, and a change the store refuses is refused in the VTY too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include <np700/logging.h>
#include <np700/np700.h>
#include <np700/store_vty.h>
#include <np700/vty.h>

static struct cmd_node customer_node = {
	CUSTOMER_NODE,
	"%s(config-customer)# ",
	1,
};

struct np700_cfg_customer *np700_cfg_customer_find(struct np700 *g, uint32_t id)
{
	struct np700_cfg_customer *cc;

	llist_for_each_entry(cc, &g->customers, list)
		if (cc->c.id == id)
			return cc;
	return NULL;
}

/* Keep the list sorted by id so that "write" and "show" are stable. */
static struct np700_cfg_customer *customer_alloc(struct np700 *g, uint32_t id)
{
	struct np700_cfg_customer *cc = talloc_zero(g, struct np700_cfg_customer), *pos;

	cc->c.id = id;
	INIT_LLIST_HEAD(&cc->pools);
	llist_for_each_entry(pos, &g->customers, list) {
		if (pos->c.id > id) {
			llist_add_tail(&cc->list, &pos->list);
			return cc;
		}
	}
	llist_add_tail(&cc->list, &g->customers);
	return cc;
}

/* Mirror a customer into the open store; -errno and a VTY message on refusal. */
static int customer_mirror(struct vty *vty, struct np700 *g, const struct np700_customer *c)
{
	int rc;

	if (!g->store)
		return 0;
	rc = np700_store_customer_put(g->store, c);
	if (rc && vty)
		vty_out(vty, "%% Store refused customer %u: %s%s", c->id, np700_store_last_error(g->store), VTY_NEWLINE);
	return rc;
}

#define CUSTOMER_STR	"A customer (business user) owning pools of protected numbers\n" "Customer id\n"

DEFUN(cfg_customer, cfg_customer_cmd, "customer <1-2147483647>", CUSTOMER_STR)
{
	struct np700 *g = g_np700;
	uint32_t id = atoi(argv[0]);
	struct np700_cfg_customer *cc = np700_cfg_customer_find(g, id);

	if (!cc) {
		cc = customer_alloc(g, id);
		snprintf(cc->c.name, sizeof(cc->c.name), "customer-%u", id);
		if (customer_mirror(vty, g, &cc->c)) {
			llist_del(&cc->list);
			talloc_free(cc);
			return CMD_WARNING;
		}
	}
	vty->index = cc;
	vty->node = CUSTOMER_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_customer, cfg_no_customer_cmd, "no customer <1-2147483647>", NO_STR CUSTOMER_STR)
{
	struct np700 *g = g_np700;
	struct np700_cfg_customer *cc = np700_cfg_customer_find(g, atoi(argv[0]));
	int rc;

	if (!cc) {
		vty_out(vty, "%% No customer %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (g->store) {
		rc = np700_store_customer_del(g->store, cc->c.id);
		if (rc && rc != -ENOENT) {
			vty_out(vty, "%% Cannot remove customer %u: %s%s", cc->c.id, np700_store_last_error(g->store),
				VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	llist_del(&cc->list);
	talloc_free(cc);
	return CMD_SUCCESS;
}

/* Change a field of the current customer and mirror it; undo if the store refuses. */
#define CUSTOMER_CHANGE(stmt) do { \
		struct np700_cfg_customer *cc = vty->index; \
		struct np700_customer old = cc->c; \
		stmt; \
		if (customer_mirror(vty, g_np700, &cc->c)) { \
			cc->c = old; \
			return CMD_WARNING; \
		} \
		return CMD_SUCCESS; \
	} while (0)

DEFUN(cfg_customer_name, cfg_customer_name_cmd, "name NAME", "Name of the customer\n" "Name (one word)\n")
{
	if (strlen(argv[0]) >= sizeof(((struct np700_customer *)0)->name)) {
		vty_out(vty, "%% Name too long%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	CUSTOMER_CHANGE(OSMO_STRLCPY_ARRAY(cc->c.name, argv[0]));
}

DEFUN(cfg_customer_suspended, cfg_customer_suspended_cmd, "suspended",
      "Suspend the customer: all calls and SMS to its numbers are rejected\n")
{
	CUSTOMER_CHANGE(cc->c.suspended = true);
}

DEFUN(cfg_customer_no_suspended, cfg_customer_no_suspended_cmd, "no suspended", NO_STR "Resume the customer\n")
{
	CUSTOMER_CHANGE(cc->c.suspended = false);
}

static int parse_hhmm(const char *s, uint16_t *min)
{
	unsigned int h, m;
	char end;

	if (sscanf(s, "%2u:%2u%c", &h, &m, &end) != 2 || h > 23 || m > 59)
		return -EINVAL;
	*min = h * 60 + m;
	return 0;
}

DEFUN(cfg_customer_tod, cfg_customer_tod_cmd, "time-window HH:MM HH:MM",
      "Accept calls and SMS only in this local time-of-day window (may span midnight)\n"
      "Start (inclusive)\n" "End (exclusive)\n")
{
	uint16_t start, end;

	if (parse_hhmm(argv[0], &start) || parse_hhmm(argv[1], &end)) {
		vty_out(vty, "%% Times must be HH:MM%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	CUSTOMER_CHANGE(cc->c.tod_start = start; cc->c.tod_end = end);
}

DEFUN(cfg_customer_no_tod, cfg_customer_no_tod_cmd, "no time-window", NO_STR "Accept at any time of day\n")
{
	CUSTOMER_CHANGE(cc->c.tod_start = cc->c.tod_end = 0);
}

#define RATE_STR	"Fraud limits (0 = no limit)\n"

DEFUN(cfg_customer_rate, cfg_customer_rate_cmd,
      "rate-limit (calls-per-number-per-minute|calls-per-binding-per-hour|distinct-numbers-per-caller-per-hour) "
      "<0-1000000>",
      RATE_STR "Call attempts to one protected number per minute\n" "Call attempts on one binding per hour\n"
      "Distinct protected numbers one caller may dial per hour\n" "Limit\n")
{
	uint32_t v = atoi(argv[1]);

	if (!strcmp(argv[0], "calls-per-number-per-minute"))
		CUSTOMER_CHANGE(cc->c.limits.calls_per_number_per_min = v);
	else if (!strcmp(argv[0], "calls-per-binding-per-hour"))
		CUSTOMER_CHANGE(cc->c.limits.calls_per_binding_per_hour = v);
	else
		CUSTOMER_CHANGE(cc->c.limits.distinct_numbers_per_caller_per_hour = v);
}

DEFUN(cfg_customer_block, cfg_customer_block_cmd, "rate-limit block-time <0-31536000>",
      RATE_STR "Put a caller that trips a limit on the blocklist for this long (0 = do not block)\n" "Seconds\n")
{
	CUSTOMER_CHANGE(cc->c.limits.block_s = atoi(argv[0]));
}

/* A pool from "block DIGITS" or "range FIRST LAST", validated against the numbering plan. */
static int pool_parse(struct vty *vty, const struct np700_numplan *plan, const char *kind, int argc, const char **argv,
		      struct np700_pool *p)
{
	char tmp[NP700_NUM_MAXLEN + 1];
	size_t blen = plan->range_len > 4 ? plan->range_len - 4 : 0;

	if (kind[0] == 'b') {
		if (strlen(argv[0]) != blen || !np700_is_digits(argv[0], blen)
		    || strncmp(argv[0], plan->range_prefix, strlen(plan->range_prefix))) {
			vty_out(vty, "%% A block is the first %zu digits of a protected number (prefix %s)%s", blen,
				plan->range_prefix, VTY_NEWLINE);
			return -EINVAL;
		}
		snprintf(p->first, sizeof(p->first), "%s0000", argv[0]);
		snprintf(p->last, sizeof(p->last), "%s9999", argv[0]);
		return 0;
	}
	if (np700_protected_normalise(plan, argv[0], NP700_NAT_NATIONAL, tmp, sizeof(tmp)) != 1
	    || np700_protected_normalise(plan, argv[1], NP700_NAT_NATIONAL, tmp, sizeof(tmp)) != 1) {
		vty_out(vty, "%% Both ends must be protected numbers (%s, %u digits)%s", plan->range_prefix,
			plan->range_len, VTY_NEWLINE);
		return -EINVAL;
	}
	if (strcmp(argv[0], argv[1]) > 0) {
		vty_out(vty, "%% First after last%s", VTY_NEWLINE);
		return -EINVAL;
	}
	OSMO_STRLCPY_ARRAY(p->first, argv[0]);
	OSMO_STRLCPY_ARRAY(p->last, argv[1]);
	return 0;
}

/* Protected numbers all have the same length, so string order is number order. */
static struct np700_cfg_pool *pool_overlap(struct np700 *g, const struct np700_pool *p)
{
	struct np700_cfg_customer *cc;
	struct np700_cfg_pool *cp;

	llist_for_each_entry(cc, &g->customers, list) {
		llist_for_each_entry(cp, &cc->pools, list) {
			if (strcmp(cp->p.first, p->last) <= 0 && strcmp(cp->p.last, p->first) >= 0)
				return cp;
		}
	}
	return NULL;
}

static int pool_add(struct vty *vty, const char *kind, int argc, const char **argv)
{
	struct np700 *g = g_np700;
	struct np700_cfg_customer *cc = vty->index;
	struct np700_pool p = { .customer_id = cc->c.id };
	struct np700_cfg_pool *cp;
	int rc;

	if (pool_parse(vty, &g->plan, kind, argc, argv, &p))
		return CMD_WARNING;
	cp = pool_overlap(g, &p);
	if (cp) {
		if (!strcmp(cp->p.first, p.first) && !strcmp(cp->p.last, p.last) && cp->p.customer_id == p.customer_id)
			return CMD_SUCCESS;
		vty_out(vty, "%% Pool %s-%s overlaps pool %s-%s of customer %u%s", p.first, p.last, cp->p.first,
			cp->p.last, cp->p.customer_id, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (g->store) {
		rc = np700_store_pool_add(g->store, &p);
		if (rc) {
			vty_out(vty, "%% Store refused pool: %s%s", np700_store_last_error(g->store), VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	cp = talloc_zero(cc, struct np700_cfg_pool);
	cp->p = p;
	llist_add_tail(&cp->list, &cc->pools);
	return CMD_SUCCESS;
}

static int pool_del(struct vty *vty, const char *kind, int argc, const char **argv)
{
	struct np700 *g = g_np700;
	struct np700_cfg_customer *cc = vty->index;
	struct np700_pool p = { .customer_id = cc->c.id };
	struct np700_cfg_pool *cp;
	int rc;

	if (pool_parse(vty, &g->plan, kind, argc, argv, &p))
		return CMD_WARNING;
	llist_for_each_entry(cp, &cc->pools, list) {
		if (strcmp(cp->p.first, p.first) || strcmp(cp->p.last, p.last))
			continue;
		if (g->store) {
			rc = np700_store_pool_del(g->store, &p);
			if (rc && rc != -ENOENT) {
				vty_out(vty, "%% Cannot remove pool: %s%s", np700_store_last_error(g->store), VTY_NEWLINE);
				return CMD_WARNING;
			}
		}
		llist_del(&cp->list);
		talloc_free(cp);
		return CMD_SUCCESS;
	}
	vty_out(vty, "%% No such pool%s", VTY_NEWLINE);
	return CMD_WARNING;
}

#define POOL_STR	"A pool of protected numbers owned by this customer\n"
#define BLOCK_STR	"An 11-digit block (management length): its 10000 numbers\n" "Block digits\n"
#define RANGE_STR	"An explicit range of protected numbers\n" "First number\n" "Last number\n"

DEFUN(cfg_pool_block, cfg_pool_block_cmd, "pool block DIGITS", POOL_STR BLOCK_STR)
{
	return pool_add(vty, "block", argc, argv);
}

DEFUN(cfg_pool_range, cfg_pool_range_cmd, "pool range FIRST LAST", POOL_STR RANGE_STR)
{
	return pool_add(vty, "range", argc, argv);
}

DEFUN(cfg_no_pool_block, cfg_no_pool_block_cmd, "no pool block DIGITS", NO_STR POOL_STR BLOCK_STR)
{
	return pool_del(vty, "block", argc, argv);
}

DEFUN(cfg_no_pool_range, cfg_no_pool_range_cmd, "no pool range FIRST LAST", NO_STR POOL_STR RANGE_STR)
{
	return pool_del(vty, "range", argc, argv);
}

/* Is the pool exactly one block of the plan? Then write it as such. */
static bool pool_is_block(const struct np700_numplan *plan, const struct np700_pool *p)
{
	size_t blen = plan->range_len > 4 ? plan->range_len - 4 : 0;

	return blen && strlen(p->first) == plan->range_len && !strncmp(p->first, p->last, blen)
	       && !strcmp(p->first + blen, "0000") && !strcmp(p->last + blen, "9999");
}

static int config_write_customers(struct vty *vty)
{
	struct np700 *g = g_np700;
	struct np700_cfg_customer *cc;
	struct np700_cfg_pool *cp;
	size_t blen = g->plan.range_len > 4 ? g->plan.range_len - 4 : 0;

	llist_for_each_entry(cc, &g->customers, list) {
		const struct np700_customer *c = &cc->c;
		vty_out(vty, "customer %u%s", c->id, VTY_NEWLINE);
		vty_out(vty, " name %s%s", c->name, VTY_NEWLINE);
		if (c->suspended)
			vty_out(vty, " suspended%s", VTY_NEWLINE);
		if (c->tod_start != c->tod_end)
			vty_out(vty, " time-window %02u:%02u %02u:%02u%s", c->tod_start / 60, c->tod_start % 60,
				c->tod_end / 60, c->tod_end % 60, VTY_NEWLINE);
		if (c->limits.calls_per_number_per_min)
			vty_out(vty, " rate-limit calls-per-number-per-minute %u%s", c->limits.calls_per_number_per_min,
				VTY_NEWLINE);
		if (c->limits.calls_per_binding_per_hour)
			vty_out(vty, " rate-limit calls-per-binding-per-hour %u%s", c->limits.calls_per_binding_per_hour,
				VTY_NEWLINE);
		if (c->limits.distinct_numbers_per_caller_per_hour)
			vty_out(vty, " rate-limit distinct-numbers-per-caller-per-hour %u%s",
				c->limits.distinct_numbers_per_caller_per_hour, VTY_NEWLINE);
		if (c->limits.block_s)
			vty_out(vty, " rate-limit block-time %u%s", c->limits.block_s, VTY_NEWLINE);
		llist_for_each_entry(cp, &cc->pools, list) {
			if (pool_is_block(&g->plan, &cp->p))
				vty_out(vty, " pool block %.*s%s", (int)blen, cp->p.first, VTY_NEWLINE);
			else
				vty_out(vty, " pool range %s %s%s", cp->p.first, cp->p.last, VTY_NEWLINE);
		}
	}
	return CMD_SUCCESS;
}

struct sync_ctx {
	struct np700 *g;
	struct np700_pool stale[64];
	unsigned int n_stale;
	uint32_t stale_cust[64];
	unsigned int n_stale_cust;
};

static int sync_pool_cb(const struct np700_pool *p, void *data)
{
	struct sync_ctx *s = data;
	struct np700_cfg_customer *cc = np700_cfg_customer_find(s->g, p->customer_id);
	struct np700_cfg_pool *cp;

	if (cc) {
		llist_for_each_entry(cp, &cc->pools, list)
			if (!strcmp(cp->p.first, p->first) && !strcmp(cp->p.last, p->last))
				return 0;
	}
	if (s->n_stale < ARRAY_SIZE(s->stale))
		s->stale[s->n_stale++] = *p;
	return 0;
}

static int sync_cust_cb(const struct np700_customer *c, void *data)
{
	struct sync_ctx *s = data;

	if (!np700_cfg_customer_find(s->g, c->id) && s->n_stale_cust < ARRAY_SIZE(s->stale_cust))
		s->stale_cust[s->n_stale_cust++] = c->id;
	return 0;
}

int np700_customers_sync(struct np700 *g)
{
	struct np700_cfg_customer *cc;
	struct np700_cfg_pool *cp;
	struct sync_ctx *s;
	unsigned int i;
	int rc, errors = 0;

	if (!g->store)
		return 0;
	s = talloc_zero(g, struct sync_ctx);
	s->g = g;
	/* first remove what the config no longer has (pools before customers), so that a pool that
	 * moved between customers can be added again */
	np700_store_pool_list(g->store, sync_pool_cb, s);
	for (i = 0; i < s->n_stale; i++) {
		rc = np700_store_pool_del(g->store, &s->stale[i]);
		if (rc)
			LOGP(DSTORE, LOGL_ERROR, "pool %s-%s of customer %u is no longer configured but stays: %s\n",
			     s->stale[i].first, s->stale[i].last, s->stale[i].customer_id,
			     np700_store_last_error(g->store));
	}
	np700_store_customer_list(g->store, sync_cust_cb, s);
	for (i = 0; i < s->n_stale_cust; i++) {
		rc = np700_store_customer_del(g->store, s->stale_cust[i]);
		if (rc)
			LOGP(DSTORE, LOGL_ERROR, "customer %u is no longer configured but stays: %s\n",
			     s->stale_cust[i], np700_store_last_error(g->store));
	}
	talloc_free(s);
	llist_for_each_entry(cc, &g->customers, list) {
		rc = np700_store_customer_put(g->store, &cc->c);
		if (rc) {
			LOGP(DSTORE, LOGL_ERROR, "customer %u: %s\n", cc->c.id, np700_store_last_error(g->store));
			errors++;
			continue;
		}
		llist_for_each_entry(cp, &cc->pools, list) {
			rc = np700_store_pool_add(g->store, &cp->p);
			if (rc) {
				LOGP(DSTORE, LOGL_ERROR, "customer %u: %s\n", cc->c.id, np700_store_last_error(g->store));
				errors++;
			}
		}
	}
	return errors ? -EINVAL : 0;
}

void np700_customer_vty_init(struct np700 *g)
{
	install_element(CONFIG_NODE, &cfg_customer_cmd);
	install_element(CONFIG_NODE, &cfg_no_customer_cmd);
	install_node(&customer_node, config_write_customers);
	install_element(CUSTOMER_NODE, &cfg_customer_name_cmd);
	install_element(CUSTOMER_NODE, &cfg_customer_suspended_cmd);
	install_element(CUSTOMER_NODE, &cfg_customer_no_suspended_cmd);
	install_element(CUSTOMER_NODE, &cfg_customer_tod_cmd);
	install_element(CUSTOMER_NODE, &cfg_customer_no_tod_cmd);
	install_element(CUSTOMER_NODE, &cfg_customer_rate_cmd);
	install_element(CUSTOMER_NODE, &cfg_customer_block_cmd);
	install_element(CUSTOMER_NODE, &cfg_pool_block_cmd);
	install_element(CUSTOMER_NODE, &cfg_pool_range_cmd);
	install_element(CUSTOMER_NODE, &cfg_no_pool_block_cmd);
	install_element(CUSTOMER_NODE, &cfg_no_pool_range_cmd);
}
