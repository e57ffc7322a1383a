/* SCCP relay step (Q.714 2.3, 4.2): local delivery, forwarding by GT or PC, return with UDTS/XUDTS/LUDTS */
#include <errno.h>
#include <string.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/sccp.h>
#include "sccp_segment.h"

#define SCCP_LOCAL_GT_MAX	8
#define SCCP_NO_PC		0xffffffff
#define SCCP_TX_BUF		4096	/* the longest message the parser accepts fits (a LUDT) */

struct sccp_relay {
	enum sccp_variant variant;
	uint32_t own_pc;
	struct sccp_route_table *routes;
	uint8_t local_ssn[256 / 8];
	char local_gt[SCCP_LOCAL_GT_MAX][SCCP_GT_DIGITS_MAX + 1];
	unsigned int n_local_gt;
	sccp_tx_cb tx;
	void *tx_priv;
	sccp_local_cb local;
	void *local_priv;
	struct rate_ctr_group *ctrs;
	struct sccp_reass *reass;	/*!< segmented XUDTs for local subsystems */
	uint32_t next_local_ref;	/*!< segmentation local reference of our own long messages */
};

static const struct rate_ctr_desc sccp_ctr_desc[] = {
	[SCCP_CTR_RX_UDT] = { "rx:udt", "UDT received" },
	[SCCP_CTR_RX_XUDT] = { "rx:xudt", "XUDT received" },
	[SCCP_CTR_RX_UDTS] = { "rx:udts", "UDTS received" },
	[SCCP_CTR_RX_XUDTS] = { "rx:xudts", "XUDTS received" },
	[SCCP_CTR_RX_LUDT] = { "rx:ludt", "LUDT received" },
	[SCCP_CTR_RX_LUDTS] = { "rx:ludts", "LUDTS received" },
	[SCCP_CTR_RX_BAD] = { "rx:bad_syntax", "Malformed messages dropped" },
	[SCCP_CTR_RX_UNSUPP] = { "rx:unsupported", "Messages of other types dropped" },
	[SCCP_CTR_TX_UDT] = { "tx:udt", "UDT sent" },
	[SCCP_CTR_TX_XUDT] = { "tx:xudt", "XUDT sent" },
	[SCCP_CTR_TX_UDTS] = { "tx:udts", "UDTS sent" },
	[SCCP_CTR_TX_XUDTS] = { "tx:xudts", "XUDTS sent" },
	[SCCP_CTR_TX_LUDT] = { "tx:ludt", "LUDT sent" },
	[SCCP_CTR_TX_LUDTS] = { "tx:ludts", "LUDTS sent" },
	[SCCP_CTR_TX_ERR] = { "tx:error", "Messages not sent: encoding or MTP failure" },
	[SCCP_CTR_LOCAL] = { "route:local", "Messages for a local subsystem taken (segments included)" },
	[SCCP_CTR_FORWARD] = { "route:forward", "Messages relayed to another node" },
	[SCCP_CTR_ROUTE_FAIL] = { "route:fail", "Messages that could not be routed or delivered" },
	[SCCP_CTR_SVC_DROPPED] = { "route:fail_dropped", "Routing failures without return of the message" },
	[SCCP_CTR_RX_SVC_LOCAL] = { "route:svc_local", "UDTS/XUDTS delivered to a local subsystem" },
	[SCCP_CTR_SEG_RX] = { "seg:rx", "XUDT segments received for a local subsystem" },
	[SCCP_CTR_REASS_DONE] = { "seg:reassembled", "Segmented messages reassembled and delivered" },
	[SCCP_CTR_REASS_FAIL] = { "seg:reass_fail", "Segments out of sequence, unknown or too many" },
	[SCCP_CTR_REASS_TIMEOUT] = { "seg:reass_timeout", "Reassemblies given up when T(reass) expired" },
	[SCCP_CTR_SEG_TX] = { "seg:tx", "XUDT segments sent for long messages of local users" },
	[SCCP_CTR_SCMG_RX] = { "scmg:rx", "SCCP management messages received" },
	[SCCP_CTR_SCMG_BAD] = { "scmg:rx_bad", "SCCP management messages malformed, unknown or returned" },
	[SCCP_CTR_SCMG_TX_SSA] = { "scmg:tx_ssa", "SSA sent in answer to a subsystem status test" },
	[SCCP_CTR_SCMG_SST_OTHER] = { "scmg:sst_other", "SSTs for a subsystem not of this node, not answered" },
};

static const struct rate_ctr_group_desc sccp_ctrg_desc = {
	.group_name_prefix = "sccp",
	.group_description = "SCCP relay",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(sccp_ctr_desc),
	.ctr_desc = sccp_ctr_desc,
};

osmo_static_assert(ARRAY_SIZE(sccp_ctr_desc) == _SCCP_CTR_NUM, sccp_ctr_desc_complete);

/* also when the parent goes (np700 exits): the group is listed globally by libosmocore, which
 * must not keep a pointer into freed memory */
static int sccp_relay_destructor(struct sccp_relay *r)
{
	if (r->ctrs)
		rate_ctr_group_free(r->ctrs);
	return 0;
}

struct sccp_relay *sccp_relay_alloc(void *ctx, unsigned int idx)
{
	struct sccp_relay *r = talloc_zero(ctx, struct sccp_relay);

	if (!r)
		return NULL;
	talloc_set_destructor(r, sccp_relay_destructor);
	r->routes = sccp_route_table_alloc(r);
	r->ctrs = rate_ctr_group_alloc(r, &sccp_ctrg_desc, idx);
	if (r->routes && r->ctrs)
		r->reass = sccp_reass_alloc(r, rate_ctr_group_get_ctr(r->ctrs, SCCP_CTR_REASS_TIMEOUT));
	if (!r->reass) {
		talloc_free(r);
		return NULL;
	}
	return r;
}

void sccp_relay_free(struct sccp_relay *r)
{
	if (!r)
		return;
	sccp_reass_free(r->reass);
	talloc_free(r);
}

void sccp_relay_set_variant(struct sccp_relay *r, enum sccp_variant v)
{
	r->variant = v;
}

enum sccp_variant sccp_relay_variant(const struct sccp_relay *r)
{
	return r->variant;
}

void sccp_relay_set_own_pc(struct sccp_relay *r, uint32_t pc)
{
	r->own_pc = pc;
}

uint32_t sccp_relay_own_pc(const struct sccp_relay *r)
{
	return r->own_pc;
}

void sccp_relay_set_tx_cb(struct sccp_relay *r, sccp_tx_cb cb, void *priv)
{
	r->tx = cb;
	r->tx_priv = priv;
}

void sccp_relay_set_local_cb(struct sccp_relay *r, sccp_local_cb cb, void *priv)
{
	r->local = cb;
	r->local_priv = priv;
}

void sccp_relay_set_local_ssn(struct sccp_relay *r, uint8_t ssn, bool local)
{
	if (local)
		r->local_ssn[ssn / 8] |= 1 << (ssn % 8);
	else
		r->local_ssn[ssn / 8] &= ~(1 << (ssn % 8));
}

bool sccp_relay_is_local_ssn(const struct sccp_relay *r, uint8_t ssn)
{
	return r->local_ssn[ssn / 8] & (1 << (ssn % 8));
}

static int local_gt_idx(const struct sccp_relay *r, const char *digits)
{
	unsigned int i;

	for (i = 0; i < r->n_local_gt; i++) {
		if (!strcmp(r->local_gt[i], digits))
			return i;
	}
	return -1;
}

int sccp_relay_add_local_gt(struct sccp_relay *r, const char *digits)
{
	size_t n = strlen(digits), i;

	if (!n || n > SCCP_GT_DIGITS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return -EINVAL;
	}
	if (local_gt_idx(r, digits) >= 0)
		return -EEXIST;
	if (r->n_local_gt >= SCCP_LOCAL_GT_MAX)
		return -ENOSPC;
	OSMO_STRLCPY_ARRAY(r->local_gt[r->n_local_gt], digits);
	r->n_local_gt++;
	return 0;
}

int sccp_relay_del_local_gt(struct sccp_relay *r, const char *digits)
{
	int i = local_gt_idx(r, digits);

	if (i < 0)
		return -ENOENT;
	memmove(r->local_gt[i], r->local_gt[i + 1], (r->n_local_gt - i - 1) * sizeof(r->local_gt[0]));
	r->n_local_gt--;
	return 0;
}

unsigned int sccp_relay_local_gt_count(const struct sccp_relay *r)
{
	return r->n_local_gt;
}

const char *sccp_relay_local_gt(const struct sccp_relay *r, unsigned int i)
{
	return i < r->n_local_gt ? r->local_gt[i] : NULL;
}

const char *sccp_relay_own_gt(const struct sccp_relay *r)
{
	return r->n_local_gt ? r->local_gt[0] : "";
}

struct sccp_route_table *sccp_relay_routes(struct sccp_relay *r)
{
	return r->routes;
}

struct rate_ctr_group *sccp_relay_ctrs(struct sccp_relay *r)
{
	return r->ctrs;
}

static void ctr_inc(struct sccp_relay *r, enum sccp_relay_ctr c)
{
	rate_ctr_inc2(r->ctrs, c);
}

/* The rx or tx counter of a message type: both groups list the types in this order, from \a first */
static void ctr_inc_type(struct sccp_relay *r, enum sccp_relay_ctr first, enum sccp_msg_type t)
{
	static const enum sccp_msg_type order[] = {
		SCCP_MSGT_UDT, SCCP_MSGT_XUDT, SCCP_MSGT_UDTS, SCCP_MSGT_XUDTS, SCCP_MSGT_LUDT, SCCP_MSGT_LUDTS,
	};
	unsigned int i;

	_Static_assert(SCCP_CTR_RX_LUDTS - SCCP_CTR_RX_UDT == ARRAY_SIZE(order) - 1 &&
		       SCCP_CTR_TX_LUDTS - SCCP_CTR_TX_UDT == ARRAY_SIZE(order) - 1, "counter order");
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (order[i] == t) {
			ctr_inc(r, first + i);
			return;
		}
	}
}

/* Where a called party address leads. */
struct dest {
	bool local;
	uint32_t dpc;		/*!< when !local */
	uint8_t ssn;		/*!< when local */
	bool translated;	/*!< a GT translation was done (hop counter applies) */
};

/* Route on the called party address; may rewrite a (GT replacement, SSN from the route).
 * Returns -1 when a destination was found, else the return cause. */
static int route_called(struct sccp_relay *r, struct sccp_addr *a, struct dest *d)
{
	const struct sccp_route *rt;

	memset(d, 0, sizeof(*d));
	if (a->route_on_ssn) {
		if (a->pc_present && a->pc != r->own_pc) {
			d->dpc = a->pc;
			return -1;
		}
		goto local;
	}

	if (a->gti == SCCP_GTI_NONE || !a->bcd || !a->digits[0])
		return SCCP_CAUSE_NO_XLAT_NATURE;
	d->translated = true;
	if (local_gt_idx(r, a->digits) >= 0)
		goto local;
	rt = sccp_route_lookup(r->routes, a->digits);
	if (!rt)
		return SCCP_CAUSE_NO_XLAT_ADDR;
	if (sccp_route_apply(rt, a) < 0)
		return SCCP_CAUSE_NO_XLAT_ADDR;
	if (rt->ssn) {
		a->ssn_present = true;
		a->ssn = rt->ssn;
	}
	if (rt->pc != r->own_pc) {
		d->dpc = rt->pc;
		return -1;
	}

local:
	/* SCCP management (SSN 1) is always there: it is this SCCP */
	if (!a->ssn_present || a->ssn == 0 || (a->ssn != SCCP_SSN_SCMG && !sccp_relay_is_local_ssn(r, a->ssn)))
		return SCCP_CAUSE_UNEQUIPPED_USER;
	d->local = true;
	d->ssn = a->ssn;
	return -1;
}

/* Encode m and hand it to MTP. */
static int tx_msg(struct sccp_relay *r, const struct sccp_msg *m, uint32_t dpc, uint8_t sls)
{
	uint8_t buf[SCCP_TX_BUF];
	int len, rc;

	if (!r->tx) {
		ctr_inc(r, SCCP_CTR_TX_ERR);
		return -ENOTCONN;
	}
	len = sccp_msg_encode_buf(buf, sizeof(buf), m, r->variant);
	if (len < 0) {
		LOGP(DSCCP, LOGL_ERROR, "cannot encode %s to DPC %u: %s\n",
		     get_value_string(sccp_msg_type_names, m->type), dpc, strerror(-len));
		ctr_inc(r, SCCP_CTR_TX_ERR);
		return len;
	}
	rc = r->tx(r->tx_priv, r->own_pc, dpc, sls, buf, len);
	if (rc < 0) {
		LOGP(DSCCP, LOGL_ERROR, "MTP refused %s to DPC %u: %s\n",
		     get_value_string(sccp_msg_type_names, m->type), dpc, strerror(-rc));
		ctr_inc(r, SCCP_CTR_TX_ERR);
		return rc;
	}
	ctr_inc_type(r, SCCP_CTR_TX_UDT, m->type);
	return 0;
}

/* Routing of m failed with cause: return it to the calling party if it asked for that. */
static void route_failed(struct sccp_relay *r, const struct sccp_msg *m, uint32_t opc, uint8_t sls, int cause)
{
	struct sccp_msg svc;
	char cd[128], cg[128];
	uint32_t dpc;

	ctr_inc(r, SCCP_CTR_ROUTE_FAIL);
	LOGP(DSCCP, LOGL_NOTICE, "%s from OPC %u, called %s, calling %s: %s%s\n",
	     get_value_string(sccp_msg_type_names, m->type), opc,
	     sccp_addr_name_buf(cd, sizeof(cd), &m->called, r->variant),
	     sccp_addr_name_buf(cg, sizeof(cg), &m->calling, r->variant),
	     get_value_string(sccp_return_cause_names, cause),
	     sccp_msg_return_on_error(m) ? ", returned" : ", dropped");
	if (!sccp_msg_return_on_error(m) || sccp_msg_init_service(&svc, m, cause) < 0) {
		ctr_inc(r, SCCP_CTR_SVC_DROPPED);
		return;
	}
	/* The service message goes to the node that sent us the original: the originator, or the
	 * previous relay, which translates the calling GT again. A calling address with RI=SSN and a
	 * PC names its node directly. */
	if (m->calling.route_on_ssn && m->calling.pc_present)
		dpc = m->calling.pc;
	else
		dpc = opc;
	tx_msg(r, &svc, dpc, sls);
}

/* A segment of a longer XUDT (or LUDT): collect it; deliver the whole message with the last segment. */
static int deliver_segment(struct sccp_relay *r, const struct sccp_msg *m, struct sccp_ind *ind)
{
	struct sccp_reass_entry *e;
	int rc;

	ctr_inc(r, SCCP_CTR_SEG_RX);
	rc = sccp_reass_feed(r->reass, ind->opc, m, &e);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		ctr_inc(r, SCCP_CTR_REASS_FAIL);
		LOGP(DSCCP, LOGL_NOTICE, "%s segment from OPC %u, local reference 0x%06x, remaining %u: %s\n",
		     get_value_string(sccp_msg_type_names, m->type), ind->opc, m->seg.local_ref, m->seg.remaining,
		     rc == -ENOENT ? "no first segment" : rc == -EPROTO ? "out of sequence" :
		     rc == -ENOSPC ? "too many reassemblies" : strerror(-rc));
		return SCCP_CAUSE_SEG_FAILURE;
	}
	ctr_inc(r, SCCP_CTR_REASS_DONE);
	ind->msg = sccp_reass_entry_msg(e);
	ind->data = sccp_reass_entry_data(e, &ind->data_len);
	rc = r->local ? r->local(r, ind, r->local_priv) : SCCP_CAUSE_SUBSYS_FAILURE;
	sccp_reass_entry_free(e);
	return rc;
}

static int deliver_local(struct sccp_relay *r, const struct sccp_msg *m, uint32_t opc, uint32_t dpc, uint8_t sls,
			 uint8_t ssn)
{
	struct sccp_ind ind = {
		.opc = opc, .dpc = dpc, .sls = sls, .ssn = ssn,
		.msg = m, .data = m->data, .data_len = m->data_len,
	};

	if (ssn == SCCP_SSN_SCMG)
		return sccp_scmg_rx(r, &ind);
	/* a service message is delivered as it is: it carries at most the first segment's data */
	if ((m->type == SCCP_MSGT_XUDT || m->type == SCCP_MSGT_LUDT) && m->seg_present &&
	    !(m->seg.first && m->seg.remaining == 0))
		return deliver_segment(r, m, &ind);
	if (!r->local)
		return SCCP_CAUSE_SUBSYS_FAILURE;
	return r->local(r, &ind, r->local_priv);
}

int sccp_relay_rx(struct sccp_relay *r, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct sccp_msg m, fwd;
	const char *err = "?";
	struct dest d;
	int rc, cause;
	bool svc;

	rc = sccp_msg_parse(&m, data, len, r->variant, &err);
	if (rc == -ENOTSUP) {
		ctr_inc(r, SCCP_CTR_RX_UNSUPP);
		LOGP(DSCCP, LOGL_NOTICE, "OPC %u: SCCP message type 0x%02x not handled, dropped\n", opc, data[0]);
		return rc;
	}
	if (rc < 0) {
		ctr_inc(r, SCCP_CTR_RX_BAD);
		LOGP(DSCCP, LOGL_NOTICE, "OPC %u: malformed SCCP message (%s), dropped: %s\n", opc, err,
		     osmo_hexdump_nospc(data, len > 64 ? 64 : len));
		return rc;
	}
	ctr_inc_type(r, SCCP_CTR_RX_UDT, m.type);
	svc = sccp_msgt_service(m.type);

	fwd = m;
	cause = route_called(r, &fwd.called, &d);
	if (cause >= 0)
		goto failed;

	if (d.local) {
		rc = deliver_local(r, &m, opc, dpc, sls, d.ssn);
		if (rc > 0) {
			cause = rc;
			goto failed;
		}
		ctr_inc(r, svc ? SCCP_CTR_RX_SVC_LOCAL : SCCP_CTR_LOCAL);
		return 0;
	}

	if (sccp_msgt_extended(m.type) && d.translated) {
		if (m.hop_counter <= 1) {
			cause = SCCP_CAUSE_HOP_COUNTER;
			goto failed;
		}
		fwd.hop_counter = m.hop_counter - 1;
	}
	/* Q.714 2.7: a calling address routed on SSN without PC was implied by the OPC; beyond this
	 * node the OPC is ours, so the PC has to go into the address */
	if (fwd.calling.route_on_ssn && !fwd.calling.pc_present) {
		fwd.calling.pc_present = true;
		fwd.calling.pc = opc;
		fwd.calling.pc_spare = 0;
	}
	rc = tx_msg(r, &fwd, d.dpc, sls);
	if (rc < 0) {
		cause = SCCP_CAUSE_MTP_FAILURE;
		goto failed;
	}
	ctr_inc(r, SCCP_CTR_FORWARD);
	return 0;

failed:
	if (svc) {
		/* never a service message about a service message (Q.714 4.2) */
		ctr_inc(r, SCCP_CTR_ROUTE_FAIL);
		ctr_inc(r, SCCP_CTR_SVC_DROPPED);
		LOGP(DSCCP, LOGL_NOTICE, "%s from OPC %u cannot be routed (%s), dropped\n",
		     get_value_string(sccp_msg_type_names, m.type), opc,
		     get_value_string(sccp_return_cause_names, cause));
		return 0;
	}
	route_failed(r, &m, opc, sls, cause);
	return 0;
}

struct seg_tx {
	struct sccp_relay *r;
	uint32_t dpc;
	uint8_t sls;
};

static int seg_emit(const struct sccp_msg *seg, void *priv)
{
	struct seg_tx *st = priv;
	int rc = tx_msg(st->r, seg, st->dpc, st->sls);

	if (rc == 0)
		ctr_inc(st->r, SCCP_CTR_SEG_TX);
	return rc;
}

/* Whether data fits one message: a UDT of at most one MTP3 SIF (272 octets), as the links behind
 * the STP may be MTP3; longer data goes in XUDT segments. */
static bool fits_one(const struct sccp_msg *m, size_t len, enum sccp_variant v)
{
	uint8_t a[SCCP_ADDR_MAX_LEN];
	int cd = sccp_addr_encode(a, sizeof(a), &m->called, v);
	int cg = sccp_addr_encode(a, sizeof(a), &m->calling, v);

	return len <= 0xff && cd >= 0 && cg >= 0 && 5 + 3 + (size_t)cd + cg + len <= 272;
}

/* Route and send data of a local user with m's addresses and options; without a route it goes to
 * fallback_dpc, if valid. */
static int send_own(struct sccp_relay *r, const struct sccp_msg *m, const uint8_t *data, size_t len, uint8_t sls,
		    uint32_t fallback_dpc)
{
	struct sccp_msg out = *m;
	struct seg_tx st;
	char cd[128];
	struct dest d;
	int cause, rc;

	cause = route_called(r, &out.called, &d);
	if (cause >= 0 && fallback_dpc != SCCP_NO_PC) {
		out.called = m->called;
		d.local = false;
		d.dpc = fallback_dpc;
		cause = -1;
	}
	if (cause >= 0 || d.local) {
		ctr_inc(r, SCCP_CTR_ROUTE_FAIL);
		LOGP(DSCCP, LOGL_NOTICE, "no route for own %s to %s: %s\n",
		     get_value_string(sccp_msg_type_names, m->type),
		     sccp_addr_name_buf(cd, sizeof(cd), &m->called, r->variant),
		     cause >= 0 ? get_value_string(sccp_return_cause_names, cause) : "local destination");
		return -EHOSTUNREACH;
	}
	if (sccp_msgt_extended(out.type) && out.hop_counter == 0)
		out.hop_counter = SCCP_HOP_COUNTER_MAX;
	if (fits_one(&out, len, r->variant)) {
		out.data = data;
		out.data_len = len;
		return tx_msg(r, &out, d.dpc, sls);
	}
	/* all segments on one SLS: they must arrive in order */
	st = (struct seg_tx){ .r = r, .dpc = d.dpc, .sls = sls };
	rc = sccp_segment(&out, data, len, r->next_local_ref++ & 0xffffff, r->variant, seg_emit, &st);
	if (rc < 0) {
		LOGP(DSCCP, LOGL_ERROR, "cannot send %zu octets to %s in segments: %s\n", len,
		     sccp_addr_name_buf(cd, sizeof(cd), &m->called, r->variant), strerror(-rc));
		return rc;
	}
	return 0;
}

int sccp_relay_send(struct sccp_relay *r, const struct sccp_msg *m, uint8_t sls)
{
	return send_own(r, m, m->data, m->data_len, sls, SCCP_NO_PC);
}

int sccp_relay_send_data(struct sccp_relay *r, const struct sccp_msg *tmpl, const uint8_t *data, size_t len,
			 uint8_t sls)
{
	return send_own(r, tmpl, data, len, sls, SCCP_NO_PC);
}

int sccp_relay_reply(struct sccp_relay *r, const struct sccp_ind *ind, const struct sccp_addr *calling,
		     const uint8_t *data, size_t len)
{
	struct sccp_msg m;

	sccp_msg_init_unitdata(&m, &ind->msg->calling, calling ? calling : &ind->msg->called, NULL, 0, false);
	/* the calling party of the request may be routed on SSN with its PC left out: then the
	 * request's OPC was its node */
	if (m.called.route_on_ssn && !m.called.pc_present) {
		m.called.pc_present = true;
		m.called.pc = ind->opc;
	}
	return send_own(r, &m, data, len, ind->sls, ind->opc);
}

int sccp_relay_mtp_rx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	return sccp_relay_rx(priv, opc, dpc, sls, data, len);
}
