/* The decision API: authentication control and number translation for one call or SMS
 * (DESIGN §4 table, §5 checks), shared by the ISUP relay and the MAP/SMS router */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/decision.h>
#include <np700/fraud.h>
#include <np700/store_internal.h>

static const struct rate_ctr_desc decide_ctr_desc[_NP700_REJ_NUM] = {
	[NP700_REJ_NONE] = { "decide:allowed", "Calls/SMS allowed" },
	[NP700_REJ_NOT_PROTECTED] = { "decide:not-protected", "Rejected: number not in the protected range" },
	[NP700_REJ_INVALID_NUMBER] = { "decide:invalid-number", "Rejected: protected number of wrong length" },
	[NP700_REJ_UNKNOWN_NUMBER] = { "decide:unknown-number", "Rejected: number in no customer's pool" },
	[NP700_REJ_NO_BINDING] = { "decide:no-binding", "Rejected: no binding" },
	[NP700_REJ_EXPIRED] = { "decide:expired", "Rejected: binding expired" },
	[NP700_REJ_CALLER_NOT_ALLOWED] = { "decide:caller-not-allowed", "Rejected: caller not a party" },
	[NP700_REJ_DIRECTION] = { "decide:direction", "Rejected: direction not allowed" },
	[NP700_REJ_SERVICE] = { "decide:service", "Rejected: service not allowed" },
	[NP700_REJ_CUSTOMER_SUSPENDED] = { "decide:customer-suspended", "Rejected: customer suspended" },
	[NP700_REJ_BLOCKED_CALLER] = { "decide:blocked-caller", "Rejected: caller blocklisted" },
	[NP700_REJ_BLOCKED_CALLEE] = { "decide:blocked-callee", "Rejected: callee blocklisted" },
	[NP700_REJ_TIME_WINDOW] = { "decide:time-window", "Rejected: outside the customer's time window" },
	[NP700_REJ_RATE_LIMIT] = { "decide:rate-limit", "Rejected: rate limit" },
	[NP700_REJ_CALL_CAP] = { "decide:call-cap", "Rejected: binding's call cap reached" },
	[NP700_REJ_NO_CALLBACK] = { "decide:no-callback", "Rejected: AX call-back without target" },
	[NP700_REJ_STORE_ERROR] = { "decide:store-error", "Rejected: store error" },
};

static const struct rate_ctr_group_desc decide_ctrg_desc = {
	.group_name_prefix = "np700:decide",
	.group_description = "Decisions on calls and SMS",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(decide_ctr_desc),
	.ctr_desc = decide_ctr_desc,
};

/* Copy a number between two NP700_NUM_MAXLEN + 1 arrays (every number of a binding, a decision
 * and the fraud usage is one): a fixed-size copy instead of osmo_strlcpy()'s strlen. */
static inline void num_copy(char *dst, const char *src)
{
	memcpy(dst, src, NP700_NUM_MAXLEN + 1);
}

/* Minutes since local midnight; localtime_r() is costly, and the answer changes once a minute. */
static unsigned int minute_of_day(time_t now)
{
	static time_t cached_minute = -1;
	static unsigned int cached;
	struct tm tm;

	if (now / 60 != cached_minute) {
		localtime_r(&now, &tm);
		cached = tm.tm_hour * 60 + tm.tm_min;
		cached_minute = now / 60;
	}
	return cached;
}

static bool in_window(const struct np700_customer *c, time_t now)
{
	unsigned int m;

	if (c->tod_start == c->tod_end)
		return true;
	m = minute_of_day(now);
	if (c->tod_start < c->tod_end)
		return m >= c->tod_start && m < c->tod_end;
	return m >= c->tod_start || m < c->tod_end;	/* across midnight */
}

static void fill_binding(struct np700_decision *d, const struct np700_binding *b)
{
	d->binding_id = b->id;
	d->customer_id = b->customer_id;
	memcpy(d->order_id, b->order_id, sizeof(d->order_id));
	d->mode = b->mode;
	d->services = b->services;
	d->max_duration_s = b->max_duration_s;
}

/* Whom to connect and what the callee sees, per the DESIGN §4 table; returns the reason. */
static enum np700_reject translate(struct np700_store *st, MDB_txn *t, const struct np700_binding *b,
				   const MDB_val *rec, const char *caller, time_t now, struct np700_decision *d)
{
	enum np700_direction dir;
	struct np700_fraud_usage u;
	bool is_a = !strcmp(caller, b->a), is_b = b->b[0] && !strcmp(caller, b->b);

	num_copy(d->show_callee, d->x);
	switch (b->mode) {
	case NP700_MODE_AXB:
		if (!is_a && !is_b)
			return NP700_REJ_CALLER_NOT_ALLOWED;
		num_copy(d->connect_to, is_a ? b->b : b->a);
		dir = is_a ? NP700_DIR_A_TO_B : NP700_DIR_B_TO_A;
		break;
	case NP700_MODE_AXN:
		/* A reaches N; anyone else (N included) reaches A */
		num_copy(d->connect_to, is_a ? b->b : b->a);
		dir = is_a ? NP700_DIR_A_TO_B : NP700_DIR_B_TO_A;
		break;
	case NP700_MODE_AX:
		if (!is_a) {
			num_copy(d->connect_to, b->a);
			dir = NP700_DIR_B_TO_A;
			break;
		}
		if (!b->callback_allowed)
			return NP700_REJ_NO_CALLBACK;
		np700_fraud_usage(st, t, b->id, rec, &u);
		if (!u.last_caller[0] || now - u.last_time > (int64_t)b->callback_window_s)
			return NP700_REJ_NO_CALLBACK;
		num_copy(d->connect_to, u.last_caller);
		d->callback = true;
		dir = NP700_DIR_A_TO_B;
		break;
	case NP700_MODE_AXYB:
		if (is_a && !strcmp(d->x, b->x)) {
			num_copy(d->connect_to, b->b);
			num_copy(d->show_callee, b->y);
			dir = NP700_DIR_A_TO_B;
		} else if (is_b && !strcmp(d->x, b->y)) {
			num_copy(d->connect_to, b->a);
			num_copy(d->show_callee, b->x);
			dir = NP700_DIR_B_TO_A;
		} else {
			return NP700_REJ_CALLER_NOT_ALLOWED;
		}
		break;
	default:
		return NP700_REJ_STORE_ERROR;
	}
	if (b->direction != NP700_DIR_BOTH && b->direction != dir)
		return NP700_REJ_DIRECTION;
	return NP700_REJ_NONE;
}

/* No binding covers this caller: say why, as precisely as the store can tell. */
static enum np700_reject why_no_binding(struct np700_store *st, MDB_txn *t, bool x_used, struct np700_decision *d)
{
	uint8_t px[STORE_BCD_LEN];
	uint32_t owner;

	struct np700_customer c;

	store_bcd_pack(px, d->x);
	if (!store_pool_owner_txn(st, t, px, &owner)) {
		d->customer_id = owner;
		/* a suspended customer's numbers are refused as such, bound or not */
		if (!store_customer_get_cached(st, t, owner, &c) && c.suspended)
			return NP700_REJ_CUSTOMER_SUSPENDED;
	} else if (!x_used) {
		return NP700_REJ_UNKNOWN_NUMBER;
	}
	return x_used ? NP700_REJ_CALLER_NOT_ALLOWED : NP700_REJ_NO_BINDING;
}

static enum np700_reject decide_txn(struct np700_store *st, MDB_txn *t, const char *caller,
				    enum np700_service svc, time_t now, unsigned int flags,
				    struct np700_decision *d, int *err)
{
	struct np700_customer cust;
	struct np700_binding b;
	enum np700_reject r;
	MDB_val rec;
	MDB_stat ms;
	bool x_used;
	int rc;

	/* \a rec: a capped or AX binding's usage is at the end of its record, read once here */
	rc = store_binding_lookup_txn(st, t, st->rcur_xidx, d->x, caller, now, &b, &x_used, &rec);
	if (rc == -ENOENT)
		return why_no_binding(st, t, x_used, d);
	if (rc == -ESTALE) {
		fill_binding(d, &b);
		return NP700_REJ_EXPIRED;
	}
	if (rc) {
		*err = rc;
		return NP700_REJ_STORE_ERROR;
	}
	fill_binding(d, &b);
	rc = store_customer_get_cached(st, t, b.customer_id, &cust);
	if (rc && rc != -ENOENT) {
		*err = rc;
		return NP700_REJ_STORE_ERROR;
	}
	if (rc || cust.suspended)
		return NP700_REJ_CUSTOMER_SUSPENDED;
	r = translate(st, t, &b, &rec, caller, now, d);
	if (r)
		return r;
	if (!(b.services & svc))
		return NP700_REJ_SERVICE;
	if (np700_fraud_blocked(st->fraud, caller, now))
		return NP700_REJ_BLOCKED_CALLER;
	/* the blocklist is usually empty: one look at its entry count saves three searches */
	if (mdb_stat(t, st->dbi[STORE_DB_BLOCK], &ms) || ms.ms_entries) {
		if (!store_block_get_txn(st, t, caller, now, NULL))
			return NP700_REJ_BLOCKED_CALLER;
		if (!store_block_get_txn(st, t, d->connect_to, now, NULL) || !store_block_get_txn(st, t, d->x, now, NULL))
			return NP700_REJ_BLOCKED_CALLEE;
	}
	if (!in_window(&cust, now))
		return NP700_REJ_TIME_WINDOW;
	if (np700_fraud_check(st->fraud, &cust.limits, d->x, caller, b.id, now)) {
		if (!(flags & NP700_DECIDE_DRY_RUN) && cust.limits.block_s)
			np700_fraud_block(st->fraud, caller, now + cust.limits.block_s);
		return NP700_REJ_RATE_LIMIT;
	}
	if (b.max_calls) {
		struct np700_fraud_usage u;
		np700_fraud_usage(st, t, b.id, &rec, &u);
		if (u.calls >= b.max_calls)
			return NP700_REJ_CALL_CAP;
	}
	if (!(flags & NP700_DECIDE_DRY_RUN))
		np700_fraud_count(st->fraud, &cust.limits, d->x, caller, b.id, now);
	return NP700_REJ_NONE;
}

int np700_decide_ex(struct np700_store *st, const char *dialled, const char *caller,
		    enum np700_service svc, time_t now, unsigned int flags, struct np700_decision *out)
{
	MDB_txn *t;
	int rc, err = 0;

	memset(out, 0, sizeof(*out));
	if (!caller)
		caller = "";
	if ((flags & NP700_DECIDE_IS_X) && dialled && st->plan.range_len < sizeof(out->x) &&
	    strnlen(dialled, sizeof(out->x)) == st->plan.range_len) {
		memcpy(out->x, dialled, st->plan.range_len + 1);
		rc = 1;
	} else {
		rc = np700_protected_normalise(&st->plan, dialled ? dialled : "", NP700_NAT_NATIONAL, out->x,
					       sizeof(out->x));
	}
	if (rc <= 0) {
		out->reject = rc ? NP700_REJ_INVALID_NUMBER : NP700_REJ_NOT_PROTECTED;
		out->x[0] = '\0';
		goto done;
	}
	rc = store_read_begin(st, &t);
	if (rc) {
		err = rc;
		out->reject = NP700_REJ_STORE_ERROR;
		goto done;
	}
	out->reject = decide_txn(st, t, caller, svc, now, flags, out, &err);
	store_read_end(st);
	num_copy(out->show_caller, out->x);
done:
	if (out->reject != NP700_REJ_NONE) {
		out->connect_to[0] = out->show_callee[0] = out->show_caller[0] = '\0';
		out->callback = false;
	}
	if (!(flags & NP700_DECIDE_DRY_RUN)) {
		if (!st->decide_ctrs)
			st->decide_ctrs = rate_ctr_group_alloc(st, &decide_ctrg_desc, 0);
		if (st->decide_ctrs)
			rate_ctr_inc(rate_ctr_group_get_ctr(st->decide_ctrs, out->reject));
		LOGP(DDECIDE, out->reject ? LOGL_INFO : LOGL_DEBUG, "%s -> %s: %s%s%s binding %" PRIu64 "\n",
		     caller, dialled ? dialled : "", np700_reject_name(out->reject),
		     out->reject ? "" : " connect ", out->connect_to, out->binding_id);
	}
	return err;
}

int np700_decide(struct np700_store *st, const char *dialled, const char *caller,
		 enum np700_service svc, time_t now, struct np700_decision *out)
{
	return np700_decide_ex(st, dialled, caller, svc, now, 0, out);
}

void np700_decision_note_call(struct np700_store *st, const struct np700_decision *d, const char *caller,
			      time_t now)
{
	if (d->reject != NP700_REJ_NONE || !d->binding_id)
		return;
	/* AX: a caller other than A becomes the call-back target; A's own call-back does not */
	np700_fraud_note_call(st->fraud, d->binding_id, d->mode == NP700_MODE_AX && !d->callback ? caller : NULL, now);
}
