/* SCCP segmentation and reassembly of connectionless messages (Q.714 4.1.1.2, 4.1.2.2):
 * long user data (a TCAP Begin with a full SMS and dialogue portion exceeds one UDT) travels in
 * XUDT segments carrying the segmentation parameter. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/sccp.h>
#include "sccp_segment.h"

#define MTP_MAX_SIF		272	/* segments are sized for MTP3 links behind the STP */
#define SEG_OVERHEAD_FIXED	(7 + 1 + 1 + 1 + 6 + 1)	/* XUDT fixed part, 3 lengths, seg param, EOP */

struct sccp_reass_entry {
	struct llist_head list;
	struct sccp_reass *ra;
	uint32_t opc;
	uint32_t local_ref;
	uint8_t expect_remaining;	/*!< remaining-segments value the next segment must carry */
	struct sccp_msg first;		/*!< the first segment without its data and optional part */
	uint8_t *buf;
	size_t len;
	struct osmo_timer_list timer;
};

struct sccp_reass {
	struct llist_head entries;
	unsigned int n;
	unsigned int timeout_s;
	struct rate_ctr *expired;	/*!< counts reassemblies given up on the timer; may be NULL */
};

/* Freeing the owner (talloc) must not leave timers of freed entries armed. */
static int reass_destructor(struct sccp_reass *ra)
{
	struct sccp_reass_entry *e;

	llist_for_each_entry(e, &ra->entries, list)
		osmo_timer_del(&e->timer);
	return 0;
}

struct sccp_reass *sccp_reass_alloc(void *ctx, struct rate_ctr *expired)
{
	struct sccp_reass *ra = talloc_zero(ctx, struct sccp_reass);

	if (!ra)
		return NULL;
	INIT_LLIST_HEAD(&ra->entries);
	ra->timeout_s = SCCP_REASS_TIMEOUT_S;
	ra->expired = expired;
	talloc_set_destructor(ra, reass_destructor);
	return ra;
}

static void entry_free(struct sccp_reass_entry *e)
{
	osmo_timer_del(&e->timer);
	llist_del(&e->list);
	e->ra->n--;
	talloc_free(e);
}

void sccp_reass_free(struct sccp_reass *ra)
{
	struct sccp_reass_entry *e, *t;

	if (!ra)
		return;
	llist_for_each_entry_safe(e, t, &ra->entries, list)
		entry_free(e);
	talloc_free(ra);
}

unsigned int sccp_reass_pending(const struct sccp_reass *ra)
{
	return ra->n;
}

static void entry_timeout(void *data)
{
	struct sccp_reass_entry *e = data;

	LOGP(DSCCP, LOGL_NOTICE, "reassembly from OPC %u, local reference 0x%06x: timed out after %zu octets\n",
	     e->opc, e->local_ref, e->len);
	if (e->ra->expired)
		rate_ctr_inc(e->ra->expired);
	entry_free(e);
}

/* The segments of one message share OPC, local reference and calling party address. */
static struct sccp_reass_entry *find(struct sccp_reass *ra, uint32_t opc, const struct sccp_msg *m)
{
	struct sccp_reass_entry *e;

	llist_for_each_entry(e, &ra->entries, list) {
		if (e->opc == opc && e->local_ref == m->seg.local_ref &&
		    !memcmp(&e->first.calling, &m->calling, sizeof(m->calling)))
			return e;
	}
	return NULL;
}

int sccp_reass_feed(struct sccp_reass *ra, uint32_t opc, const struct sccp_msg *m, struct sccp_reass_entry **done)
{
	struct sccp_reass_entry *e = find(ra, opc, m);

	*done = NULL;
	if (m->seg.first) {
		if (e) {
			/* a new message reusing the reference: the old one cannot complete any more */
			LOGP(DSCCP, LOGL_NOTICE, "reassembly from OPC %u, local reference 0x%06x: restarted\n", opc,
			     m->seg.local_ref);
			entry_free(e);
		}
		if (ra->n >= SCCP_REASS_MAX)
			return -ENOSPC;
		e = talloc_zero(ra, struct sccp_reass_entry);
		if (!e)
			return -ENOMEM;
		e->buf = talloc_size(e, SCCP_SEG_MAX_DATA);
		if (!e->buf) {
			talloc_free(e);
			return -ENOMEM;
		}
		e->ra = ra;
		e->opc = opc;
		e->local_ref = m->seg.local_ref;
		e->first = *m;
		/* nothing of the received buffer may be kept: it is gone after this call */
		e->first.data = NULL;
		e->first.data_len = 0;
		e->first.n_opt = 0;
		e->first.opt_part = e->first.opt_eop = false;
		llist_add_tail(&e->list, &ra->entries);
		ra->n++;
		osmo_timer_setup(&e->timer, entry_timeout, e);
		osmo_timer_schedule(&e->timer, ra->timeout_s, 0);
	} else {
		if (!e)
			return -ENOENT;
		if (m->seg.remaining != e->expect_remaining) {
			entry_free(e);
			return -EPROTO;
		}
	}
	if (e->len + m->data_len > SCCP_SEG_MAX_DATA) {
		entry_free(e);
		return -EMSGSIZE;
	}
	memcpy(e->buf + e->len, m->data, m->data_len);
	e->len += m->data_len;
	if (m->seg.remaining == 0) {
		osmo_timer_del(&e->timer);
		*done = e;
		return 1;
	}
	e->expect_remaining = m->seg.remaining - 1;
	return 0;
}

const struct sccp_msg *sccp_reass_entry_msg(const struct sccp_reass_entry *e)
{
	return &e->first;
}

const uint8_t *sccp_reass_entry_data(const struct sccp_reass_entry *e, size_t *len)
{
	*len = e->len;
	return e->buf;
}

void sccp_reass_entry_free(struct sccp_reass_entry *e)
{
	entry_free(e);
}

int sccp_segment_size(const struct sccp_msg *tmpl, enum sccp_variant v)
{
	uint8_t a[SCCP_ADDR_MAX_LEN];
	int cd = sccp_addr_encode(a, sizeof(a), &tmpl->called, v);
	int cg = sccp_addr_encode(a, sizeof(a), &tmpl->calling, v);
	int n;

	if (cd < 0)
		return cd;
	if (cg < 0)
		return cg;
	n = MTP_MAX_SIF - SEG_OVERHEAD_FIXED - cd - cg;
	/* the optional-part pointer (one octet, at offset 6) must still reach past the data */
	if (n > 255 + 6 - 7 - 3 - cd - cg)
		n = 255 + 6 - 7 - 3 - cd - cg;
	if (n > 255)
		n = 255;
	return n;
}

int sccp_segment(const struct sccp_msg *tmpl, const uint8_t *data, size_t len, uint32_t local_ref,
		 enum sccp_variant v, sccp_segment_emit_cb emit, void *priv)
{
	int per = sccp_segment_size(tmpl, v);
	unsigned int nseg, i;
	uint8_t seg[4];
	int rc;

	if (per < 0)
		return per;
	if (per < 16 || len == 0)
		return -EINVAL;
	nseg = (len + per - 1) / per;
	if (nseg > 16)
		return -EMSGSIZE;
	for (i = 0; i < nseg; i++) {
		struct sccp_msg m = *tmpl;
		size_t off = (size_t)i * per;

		m.type = SCCP_MSGT_XUDT;
		/* in-sequence delivery (class 1) keeps the segments in order across the links */
		m.proto_class = (tmpl->proto_class & SCCP_PCLASS_RETURN_ON_ERROR) | 1;
		if (!m.hop_counter)
			m.hop_counter = SCCP_HOP_COUNTER_MAX;
		m.data = data + off;
		m.data_len = len - off < (size_t)per ? len - off : (size_t)per;
		/* F bit, C bit (class 1 requested), remaining segments; local reference LSB first */
		seg[0] = (i == 0 ? 0x80 : 0) | 0x40 | (nseg - 1 - i);
		seg[1] = local_ref & 0xff;
		seg[2] = (local_ref >> 8) & 0xff;
		seg[3] = (local_ref >> 16) & 0xff;
		m.opt_part = m.opt_eop = true;
		m.n_opt = 1;
		m.opt[0] = (struct sccp_opt){ .tag = SCCP_OPT_SEGMENTATION, .len = 4, .val = seg };
		m.seg_present = true;
		m.seg = (struct sccp_segmentation){ .first = i == 0, .in_sequence = true, .remaining = nseg - 1 - i,
						    .local_ref = local_ref & 0xffffff };
		rc = emit(&m, priv);
		if (rc < 0)
			return rc;
	}
	return nseg;
}
