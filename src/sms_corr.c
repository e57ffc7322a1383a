/* SMS correlation table: a correlation IMSI from the configured range, handed to an SMSC in the
 * SendRoutingInfoForSM answer for X, and found again in the SM-RP-DA of the MT-ForwardSM that
 * follows. Entries live corr_timeout_s after their last use (concatenated SMS reuse one). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/gsm_utils.h>

#include <np700/logging.h>

#include "map_internal.h"

static void corr_free(struct sms_corr *c)
{
	struct map_router *mr = c->mr;

	osmo_timer_del(&c->timer);
	hash_del(&c->node);
	llist_del(&c->list);
	mr->n_corr--;
	talloc_free(c);
}

static void corr_timer_cb(void *data)
{
	struct sms_corr *c = data;

	/* a transaction still using it keeps it; sms_corr_put() re-arms the timer */
	if (c->in_flight) {
		osmo_timer_schedule(&c->timer, c->mr->cfg.corr_timeout_s, 0);
		return;
	}
	map_ctr_inc(c->mr, MAP_CTR_CORR_EXPIRED);
	LOGP(DMAP, LOGL_INFO, "correlation IMSI %s for X=%s expired after %u parts\n", c->imsi_str, c->x, c->parts);
	corr_free(c);
}

static struct sms_corr *corr_find_num(struct map_router *mr, uint64_t imsi)
{
	struct sms_corr *c;

	hash_for_each_possible(mr->tab->corr_hash, c, node, imsi) {
		if (c->imsi == imsi)
			return c;
	}
	return NULL;
}

/* Random IMSIs are tried this often before the linear scan; with the range half full, one
 * allocation in 256 falls back to the scan. */
#define CORR_RAND_TRIES 8

/* 64 random bits: the kernel's (osmo_get_rand_id); if it has none yet (early boot: getrandom()
 * with GRND_NONBLOCK), a splitmix64 generator seeded from the clock, so never a sequence. */
static uint64_t corr_rand64(struct map_router *mr)
{
	uint64_t r, z;

	if (osmo_get_rand_id((uint8_t *)&r, sizeof(r)) == 0)
		return r;
	if (!mr->corr_prng) {
		LOGP(DMAP, LOGL_NOTICE, "no kernel randomness yet, correlation IMSIs from a clock-seeded generator\n");
		mr->corr_prng = map_now_us() ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)mr;
	}
	z = (mr->corr_prng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in [0, n), n > 0: draws at or above the largest multiple of n are drawn again */
static uint64_t corr_rand_below(struct map_router *mr, uint64_t n)
{
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, r;

	do {
		r = corr_rand64(mr);
	} while (r >= lim);
	return r % n;
}

/*! A new correlation entry for \a x asked by \a smsc (calling GT, may be ""), or NULL when the
 *  range is full. The IMSI is drawn at random from the range, so that one seen by an outsider
 *  tells nothing about the next; after CORR_RAND_TRIES draws that are all in use, the first free
 *  one after the last draw (a nearly full range still works). */
struct sms_corr *sms_corr_alloc(struct map_router *mr, const char *x, const char *smsc)
{
	uint64_t first = mr->cfg.corr_first, last = mr->cfg.corr_last, size, i, imsi = first;
	struct sms_corr *c;

	if (last < first)
		return NULL;
	size = last - first + 1;
	if (mr->n_corr >= size) {
		map_ctr_inc(mr, MAP_CTR_CORR_EXHAUSTED);
		return NULL;
	}
	for (i = 0; i < CORR_RAND_TRIES; i++) {
		imsi = first + corr_rand_below(mr, size);
		if (!corr_find_num(mr, imsi))
			break;
	}
	/* at most n_corr more probes: there are only n_corr entries in use, entries outside a
	 * reconfigured range included */
	for (i = 0; i <= mr->n_corr && corr_find_num(mr, imsi); i++)
		imsi = imsi == last ? first : imsi + 1;
	c = corr_find_num(mr, imsi) ? NULL : talloc_zero(mr, struct sms_corr);
	if (!c)
		return NULL;
	c->mr = mr;
	c->imsi = imsi;
	snprintf(c->imsi_str, sizeof(c->imsi_str), "%015" PRIu64, imsi);
	OSMO_STRLCPY_ARRAY(c->x, x);
	OSMO_STRLCPY_ARRAY(c->smsc, smsc);
	c->created = map_now();
	osmo_timer_setup(&c->timer, corr_timer_cb, c);
	osmo_timer_schedule(&c->timer, mr->cfg.corr_timeout_s, 0);
	hash_add(mr->tab->corr_hash, &c->node, imsi);
	llist_add_tail(&c->list, &mr->corrs);
	mr->n_corr++;
	map_ctr_inc(mr, MAP_CTR_CORR_ALLOC);
	return c;
}

/*! The entry of correlation IMSI \a imsi (digits), or NULL. */
struct sms_corr *sms_corr_find(struct map_router *mr, const char *imsi)
{
	char *end;
	uint64_t v;

	if (!imsi[0] || strlen(imsi) > MAP_IMSI_MAX_DIGITS)
		return NULL;
	v = strtoull(imsi, &end, 10);
	if (*end)
		return NULL;
	return corr_find_num(mr, v);
}

/*! One more part goes through \a c: it lives corr_timeout_s from now. */
void sms_corr_touch(struct sms_corr *c)
{
	c->parts++;
	osmo_timer_schedule(&c->timer, c->mr->cfg.corr_timeout_s, 0);
}

/*! A transaction is done with \a c: it lives corr_timeout_s more for further parts. */
void sms_corr_put(struct sms_corr *c)
{
	if (c->in_flight)
		c->in_flight--;
	osmo_timer_schedule(&c->timer, c->mr->cfg.corr_timeout_s, 0);
}

void sms_corr_free_all(struct map_router *mr)
{
	struct sms_corr *c, *c2;

	llist_for_each_entry_safe(c, c2, &mr->corrs, list)
		corr_free(c);
}
