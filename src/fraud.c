/* Fraud monitoring: rate windows, temporary caller blocks and per-binding usage, in memory */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <osmocom/core/hashtable.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/fraud.h>
#include <np700/store_internal.h>

#define GC_INTERVAL_S	60
#define FR_BINDING_CHUNK	256

/* calls to one X in the current minute */
struct fr_number {
	struct hlist_node node;
	uint64_t key;
	int64_t minute;
	uint32_t count;
};

/* one caller: distinct X this hour, and a block after a tripped limit */
struct fr_caller {
	struct hlist_node node;
	uint64_t key;
	char number[NP700_NUM_MAXLEN + 1];
	int64_t hour;
	uint32_t n_x, cap_x;
	uint64_t *xs;
	int64_t blocked_until;
	bool block_pending;
};

/* One binding: attempts this hour, and its usage. A call is noted without reading the stored
 * usage (a store read per first call of a binding): until the stored usage is merged in (\a known),
 * \a u holds only what happened since the entry was made, and the flush adds it to the store's. */
struct fr_binding {
	struct hlist_node node;
	struct llist_head dirty_entry;	/*!< on np700_fraud.dirty while not written to the store */
	uint64_t id;
	int64_t hour;
	uint32_t hour_count;
	struct np700_fraud_usage u;	/*!< the usage if known, else the usage since the entry was made */
	struct np700_fraud_usage flushed;	/*!< what the running flush wrote */
	struct fr_chunk *chunk;		/*!< where the entry's memory is */
	bool known;
	bool dirty;
};

/* Binding entries are allocated FR_BINDING_CHUNK at a time; a chunk none of whose entries is in
 * use is freed by the garbage collection (one is kept spare), so that the memory of an hour with
 * many bindings called goes back when the hour has passed. */
struct fr_chunk {
	struct llist_head list;		/*!< in np700_fraud.chunks */
	unsigned int used;
	struct fr_binding e[FR_BINDING_CHUNK];
};

struct np700_fraud {
	DECLARE_HASHTABLE(numbers, 12);
	DECLARE_HASHTABLE(callers, 12);
	DECLARE_HASHTABLE(bindings, 16);
	struct llist_head dirty;
	/* binding entries come in chunks and go back to this list: the first call of each binding
	 * makes one, and a talloc_zero() each was ~290 instructions of an IAM (issue 5) */
	struct llist_head free_bindings;
	struct llist_head chunks;
	unsigned int blocks_pending;
	int64_t blocked_max;	/*!< latest block end: if past, nobody is blocked (the common, fast case) */
	int64_t last_gc;
};

struct np700_fraud *np700_fraud_alloc(void *ctx)
{
	struct np700_fraud *fr = talloc_zero(ctx, struct np700_fraud);

	hash_init(fr->numbers);
	hash_init(fr->callers);
	hash_init(fr->bindings);
	INIT_LLIST_HEAD(&fr->dirty);
	INIT_LLIST_HEAD(&fr->free_bindings);
	INIT_LLIST_HEAD(&fr->chunks);
	return fr;
}

struct np700_fraud *np700_store_fraud(struct np700_store *st)
{
	return st->fraud;
}

static uint64_t num_key(const char *digits)
{
	uint8_t p[STORE_BCD_LEN];
	uint64_t k;

	store_bcd_pack(p, digits);
	memcpy(&k, p, sizeof(k));
	return k;
}

static struct fr_number *number_find(struct np700_fraud *fr, uint64_t key)
{
	struct fr_number *n;

	hash_for_each_possible(fr->numbers, n, node, key)
		if (n->key == key)
			return n;
	return NULL;
}

static struct fr_caller *caller_find(struct np700_fraud *fr, uint64_t key)
{
	struct fr_caller *c;

	hash_for_each_possible(fr->callers, c, node, key)
		if (c->key == key)
			return c;
	return NULL;
}

static struct fr_binding *binding_find(struct np700_fraud *fr, uint64_t id)
{
	struct fr_binding *b;

	hash_for_each_possible(fr->bindings, b, node, id)
		if (b->id == id)
			return b;
	return NULL;
}

static struct fr_binding *binding_get(struct np700_fraud *fr, uint64_t id)
{
	struct fr_binding *b = binding_find(fr, id);
	struct fr_chunk *ch;

	if (b)
		return b;
	if (llist_empty(&fr->free_bindings)) {
		unsigned int i;

		ch = talloc(fr, struct fr_chunk);
		OSMO_ASSERT(ch);
		ch->used = 0;
		llist_add(&ch->list, &fr->chunks);
		for (i = 0; i < FR_BINDING_CHUNK; i++) {
			ch->e[i].chunk = ch;
			llist_add_tail(&ch->e[i].dirty_entry, &fr->free_bindings);
		}
	}
	/* a free entry is linked through its dirty_entry */
	b = llist_first_entry(&fr->free_bindings, struct fr_binding, dirty_entry);
	llist_del(&b->dirty_entry);
	ch = b->chunk;
	memset(b, 0, sizeof(*b));
	b->chunk = ch;
	ch->used++;
	b->id = id;
	INIT_LLIST_HEAD(&b->dirty_entry);
	hash_add(fr->bindings, &b->node, id);
	return b;
}

static struct fr_caller *caller_get(struct np700_fraud *fr, const char *caller)
{
	uint64_t key = num_key(caller);
	struct fr_caller *c = caller_find(fr, key);

	if (c)
		return c;
	c = talloc_zero(fr, struct fr_caller);
	c->key = key;
	OSMO_STRLCPY_ARRAY(c->number, caller);
	hash_add(fr->callers, &c->node, key);
	return c;
}

static bool caller_has_x(const struct fr_caller *c, uint64_t x)
{
	uint32_t i;

	for (i = 0; i < c->n_x; i++)
		if (c->xs[i] == x)
			return true;
	return false;
}

static bool caller_valid(const char *caller)
{
	return caller && np700_is_digits(caller, NP700_NUM_MAXLEN);
}

enum np700_reject np700_fraud_check(struct np700_fraud *fr, const struct np700_rate_limits *lim, const char *x,
				    const char *caller, uint64_t id, time_t now)
{
	uint64_t xkey = 0;

	if (lim->calls_per_number_per_min) {
		struct fr_number *n = number_find(fr, xkey = num_key(x));
		if (n && n->minute == now / 60 && n->count >= lim->calls_per_number_per_min)
			return NP700_REJ_RATE_LIMIT;
	}
	if (lim->calls_per_binding_per_hour) {
		struct fr_binding *b = binding_find(fr, id);
		if (b && b->hour == now / 3600 && b->hour_count >= lim->calls_per_binding_per_hour)
			return NP700_REJ_RATE_LIMIT;
	}
	if (lim->distinct_numbers_per_caller_per_hour && caller_valid(caller)) {
		struct fr_caller *c = caller_find(fr, num_key(caller));
		if (!xkey)
			xkey = num_key(x);
		if (c && c->hour == now / 3600 && c->n_x >= lim->distinct_numbers_per_caller_per_hour
		    && !caller_has_x(c, xkey))
			return NP700_REJ_RATE_LIMIT;
	}
	return NP700_REJ_NONE;
}

void np700_fraud_count(struct np700_fraud *fr, const struct np700_rate_limits *lim, const char *x,
		       const char *caller, uint64_t id, time_t now)
{
	if (lim->calls_per_number_per_min) {
		uint64_t key = num_key(x);
		struct fr_number *n = number_find(fr, key);
		if (!n) {
			n = talloc_zero(fr, struct fr_number);
			n->key = key;
			hash_add(fr->numbers, &n->node, key);
		}
		if (n->minute != now / 60) {
			n->minute = now / 60;
			n->count = 0;
		}
		n->count++;
	}
	if (lim->calls_per_binding_per_hour) {
		struct fr_binding *b = binding_get(fr, id);
		if (b->hour != now / 3600) {
			b->hour = now / 3600;
			b->hour_count = 0;
		}
		b->hour_count++;
	}
	if (lim->distinct_numbers_per_caller_per_hour && caller_valid(caller)) {
		struct fr_caller *c = caller_get(fr, caller);
		uint64_t xkey = num_key(x);
		if (c->hour != now / 3600) {
			c->hour = now / 3600;
			c->n_x = 0;
		}
		if (caller_has_x(c, xkey) || c->n_x >= lim->distinct_numbers_per_caller_per_hour)
			return;
		if (c->n_x >= c->cap_x) {
			c->cap_x = OSMO_MIN(OSMO_MAX(8, 2 * c->cap_x), lim->distinct_numbers_per_caller_per_hour);
			c->xs = talloc_realloc(c, c->xs, uint64_t, c->cap_x);
		}
		c->xs[c->n_x++] = xkey;
	}
}

void np700_fraud_block(struct np700_fraud *fr, const char *caller, int64_t until)
{
	struct fr_caller *c;

	if (!caller_valid(caller))
		return;
	c = caller_get(fr, caller);
	if (c->blocked_until >= until)
		return;
	c->blocked_until = until;
	if (until > fr->blocked_max)
		fr->blocked_max = until;
	if (!c->block_pending) {
		c->block_pending = true;
		fr->blocks_pending++;
	}
	LOGP(DDECIDE, LOGL_NOTICE, "caller %s tripped a rate limit: blocked until %lld\n", caller, (long long)until);
}

bool np700_fraud_blocked(struct np700_fraud *fr, const char *caller, time_t now)
{
	struct fr_caller *c;

	if (fr->blocked_max <= now || !caller_valid(caller))
		return false;
	c = caller_find(fr, num_key(caller));
	return c && c->blocked_until > now;
}

/* The stored usage of binding \a id (from its record \a rec) plus what is noted in memory since
 * (\a b). A usage record that cannot be read counts as none, as for a binding never called. */
static void usage_read_merge(struct np700_store *st, MDB_txn *t, uint64_t id, const MDB_val *rec,
			     const struct fr_binding *b, struct np700_fraud_usage *out)
{
	struct np700_fraud_usage stored;
	int rc = store_usage_rec_txn(st, t, id, rec, &stored);

	if (rc) {
		if (rc != -ENOENT)
			LOGP(DSTORE, LOGL_ERROR, "store %s: usage of binding %" PRIu64 ": %s; counted from 0\n",
			     st->path, id, np700_store_last_error(st));
		memset(&stored, 0, sizeof(stored));
	}
	if (b)
		store_usage_merge(out, &stored, &b->u);
	else
		*out = stored;
}

void np700_fraud_usage(struct np700_store *st, struct MDB_txn *t, uint64_t id, const MDB_val *rec,
		       struct np700_fraud_usage *u)
{
	struct fr_binding *b = binding_find(st->fraud, id);

	if (b && b->known) {
		*u = b->u;
		return;
	}
	usage_read_merge(st, t, id, rec, b, u);
	if (!b)
		b = binding_get(st->fraud, id);
	b->u = *u;
	b->known = true;
}

void np700_fraud_note_call(struct np700_fraud *fr, uint64_t id, const char *caller, time_t now)
{
	struct fr_binding *b = binding_get(fr, id);

	b->u.calls++;
	if (caller_valid(caller)) {
		OSMO_STRLCPY_ARRAY(b->u.last_caller, caller);
		b->u.last_time = now;
	}
	if (!b->dirty) {
		b->dirty = true;
		llist_add_tail(&b->dirty_entry, &fr->dirty);
	}
}

static void binding_free(struct np700_fraud *fr, struct fr_binding *b)
{
	hash_del(&b->node);
	if (b->dirty)
		llist_del(&b->dirty_entry);
	llist_add(&b->dirty_entry, &fr->free_bindings);
	b->chunk->used--;
}

/* free the chunks no entry is used of, but one */
static void chunks_trim(struct np700_fraud *fr)
{
	struct fr_chunk *ch, *tmp;
	bool spare = false;
	unsigned int i;

	llist_for_each_entry_safe(ch, tmp, &fr->chunks, list) {
		if (ch->used)
			continue;
		if (!spare) {
			spare = true;
			continue;
		}
		for (i = 0; i < FR_BINDING_CHUNK; i++)
			llist_del(&ch->e[i].dirty_entry);
		llist_del(&ch->list);
		talloc_free(ch);
	}
}

void np700_fraud_forget_binding(struct np700_fraud *fr, uint64_t id)
{
	struct fr_binding *b = binding_find(fr, id);

	if (b)
		binding_free(fr, b);
}

/* Drop what no window needs any more; clean usage stays in the store and is read back on demand. */
static void fraud_gc(struct np700_fraud *fr, time_t now)
{
	struct fr_number *n;
	struct fr_caller *c;
	struct fr_binding *b;
	struct hlist_node *tmp;
	int bkt;

	hash_for_each_safe(fr->numbers, bkt, tmp, n, node) {
		if (n->minute != now / 60) {
			hash_del(&n->node);
			talloc_free(n);
		}
	}
	hash_for_each_safe(fr->callers, bkt, tmp, c, node) {
		if (c->hour != now / 3600 && c->blocked_until <= now && !c->block_pending) {
			hash_del(&c->node);
			talloc_free(c);
		}
	}
	hash_for_each_safe(fr->bindings, bkt, tmp, b, node) {
		if (!b->dirty && b->hour != now / 3600)
			binding_free(fr, b);
	}
	chunks_trim(fr);
}

int np700_fraud_flush(struct np700_store *st, time_t now)
{
	struct np700_fraud *fr = st->fraud;
	struct fr_binding *b, *tmp;
	struct fr_caller *c;
	MDB_txn *t;
	int rc = 0, bkt;

	if (st->bulk || store_writer_busy(st))
		return 0;	/* one writer: try again next time */
	if (!llist_empty(&fr->dirty) || fr->blocks_pending) {
		rc = store_wop_begin(st, NULL, &t);
		if (rc)
			return rc;
		llist_for_each_entry(b, &fr->dirty, dirty_entry) {
			rc = store_usage_put_txn(st, t, b->id, &b->u, !b->known, &b->flushed);
			/* a binding removed meanwhile (e.g. its pair re-bound) leaves no usage behind; a
			 * damaged record (logged) is left as it is, not a reason to lose the others' */
			if (rc == -ENOENT || rc == -EIO) {
				b->flushed = b->u;
				rc = 0;
			}
			if (rc)
				break;
		}
		if (fr->blocks_pending) {
			hash_for_each(fr->callers, bkt, c, node) {
				if (rc)
					break;
				if (c->block_pending)
					rc = store_block_put_txn(st, t, c->number, c->blocked_until, "rate limit");
			}
		}
		rc = store_wop_end(st, t, rc);
		if (rc)
			return rc;
		llist_for_each_entry_safe(b, tmp, &fr->dirty, dirty_entry) {
			/* committed: the store's usage is now part of the entry's */
			b->u = b->flushed;
			b->known = true;
			b->dirty = false;
			llist_del_init(&b->dirty_entry);
		}
		if (fr->blocks_pending) {
			hash_for_each(fr->callers, bkt, c, node)
				c->block_pending = false;
			fr->blocks_pending = 0;
		}
	}
	if (now - fr->last_gc >= GC_INTERVAL_S) {
		fr->last_gc = now;
		fraud_gc(fr, now);
	}
	return 0;
}
