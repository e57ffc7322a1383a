/* np700's MTP attachment: libosmo-sigtran's cs7 instance 0 as M3UA ASP towards the STP */
#include <errno.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/prim.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/mtp_sap.h>
#include <osmocom/sigtran/osmo_ss7.h>

#include <np700/logging.h>
#include <np700/m3ua.h>
#include <np700/np700.h>

enum np700_mtp_ctr {
	MTP_CTR_RX_SCCP,
	MTP_CTR_RX_ISUP,
	MTP_CTR_RX_OTHER,
	MTP_CTR_RX_NO_HANDLER,
	MTP_CTR_RX_ERROR,
	MTP_CTR_TX_SCCP,
	MTP_CTR_TX_ISUP,
	MTP_CTR_TX_OTHER,
	MTP_CTR_TX_ERROR,
	_NP700_MTP_CTR_NUM
};

static const struct rate_ctr_desc np700_mtp_ctr_desc[] = {
	[MTP_CTR_RX_SCCP] = { "rx:sccp", "MTP-TRANSFER.ind received with SI=3 (SCCP)" },
	[MTP_CTR_RX_ISUP] = { "rx:isup", "MTP-TRANSFER.ind received with SI=5 (ISUP)" },
	[MTP_CTR_RX_OTHER] = { "rx:other", "MTP-TRANSFER.ind received with another SI" },
	[MTP_CTR_RX_NO_HANDLER] = { "rx:no_handler", "Received messages dropped: no handler for the SI" },
	[MTP_CTR_RX_ERROR] = { "rx:error", "Received messages the handler refused" },
	[MTP_CTR_TX_SCCP] = { "tx:sccp", "MTP-TRANSFER.req sent with SI=3 (SCCP)" },
	[MTP_CTR_TX_ISUP] = { "tx:isup", "MTP-TRANSFER.req sent with SI=5 (ISUP)" },
	[MTP_CTR_TX_OTHER] = { "tx:other", "MTP-TRANSFER.req sent with another SI" },
	[MTP_CTR_TX_ERROR] = { "tx:error", "MTP-TRANSFER.req refused (no instance, bad length, stack error)" },
};

static const struct rate_ctr_group_desc np700_mtp_ctrg_desc = {
	.group_name_prefix = "np700-mtp",
	.group_description = "np700 MTP user (M3UA)",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(np700_mtp_ctr_desc),
	.ctr_desc = np700_mtp_ctr_desc,
};

struct np700_mtp;

/* one per service indicator: the osmo_ss7_user's priv points here */
struct np700_mtp_si {
	struct np700_mtp *m;
	uint8_t si;
	np700_mtp_rx_cb cb;
	void *priv;
	struct osmo_ss7_user user;
	bool registered;	/* with the ss7 instance */
};

struct np700_mtp {
	struct np700 *g;
	struct osmo_ss7_instance *inst;	/* NULL: no cs7 instance, no signalling */
	struct rate_ctr_group *ctrg;
	struct np700_mtp_si si[16];
};

static const struct value_string mtp_si_names[] = {
	{ 0, "SNM" }, { 1, "SLTM" }, { 3, "SCCP" }, { 4, "TUP" }, { 5, "ISUP" },
	{ 0, NULL }
};

/* the counter group is listed globally: unlist it when the state is freed with its parent */
static int mtp_destructor(struct np700_mtp *m)
{
	rate_ctr_group_free(m->ctrg);
	m->ctrg = NULL;
	return 0;
}

/* the state lives with the root object; created by whichever comes first, register or start */
static struct np700_mtp *mtp_get(struct np700 *g)
{
	struct np700_mtp *m = g->mtp;
	unsigned int i;

	if (m)
		return m;
	m = talloc_zero(g, struct np700_mtp);
	OSMO_ASSERT(m);
	m->g = g;
	m->ctrg = rate_ctr_group_alloc(m, &np700_mtp_ctrg_desc, 0);
	OSMO_ASSERT(m->ctrg);
	talloc_set_destructor(m, mtp_destructor);
	for (i = 0; i < ARRAY_SIZE(m->si); i++) {
		m->si[i].m = m;
		m->si[i].si = i;
	}
	g->mtp = m;
	return m;
}

static int mtp_log_cat(uint8_t si)
{
	switch (si) {
	case NP700_MTP_SI_ISUP:
		return DISUP;
	case NP700_MTP_SI_SCCP:
		return DSCCP;
	default:
		return DMAIN;
	}
}

/* libosmo-sigtran's prim_cb: we own oph->msg and free it here, after the handler returned */
static int mtp_prim_cb(struct osmo_prim_hdr *oph, void *_s)
{
	struct np700_mtp_si *s = _s;
	struct np700_mtp *m = s->m;
	struct osmo_mtp_prim *omp = (struct osmo_mtp_prim *)oph;
	struct osmo_mtp_transfer_param *p = &omp->u.transfer;
	struct msgb *msg = oph->msg;
	uint8_t si;
	int rc = 0;

	if (OSMO_PRIM_HDR(oph) != OSMO_PRIM(OSMO_MTP_PRIM_TRANSFER, PRIM_OP_INDICATION)) {
		/* libosmo-sigtran 1.6 delivers nothing else; osmo_mtp_prim_name() is not exported */
		LOGP(DMAIN, LOGL_NOTICE, "MTP: ignoring primitive %u/%u\n", oph->primitive, oph->operation);
		goto out;
	}
	/* the SIO's network indicator is lost in libosmo-sigtran 1.6 (m3ua_dh_to_xfer_param); only
	 * the SI is trustworthy, and it is what the library dispatched on */
	si = p->sio & 0x0f;
	switch (si) {
	case NP700_MTP_SI_SCCP:
		rate_ctr_inc2(m->ctrg, MTP_CTR_RX_SCCP);
		break;
	case NP700_MTP_SI_ISUP:
		rate_ctr_inc2(m->ctrg, MTP_CTR_RX_ISUP);
		break;
	default:
		rate_ctr_inc2(m->ctrg, MTP_CTR_RX_OTHER);
		break;
	}
	s = &m->si[si];
	if (log_check_level(mtp_log_cat(si), LOGL_DEBUG)) {
		char opc[32];

		OSMO_STRLCPY_ARRAY(opc, osmo_ss7_pointcode_print(m->inst, p->opc));
		LOGP(mtp_log_cat(si), LOGL_DEBUG, "MTP rx SI=%u opc=%s dpc=%s sls=%u len=%u: %s\n", si, opc,
		     osmo_ss7_pointcode_print(m->inst, p->dpc), p->sls, msgb_l2len(msg),
		     osmo_hexdump_nospc(msgb_l2(msg), msgb_l2len(msg)));
	}
	if (!s->cb) {
		rate_ctr_inc2(m->ctrg, MTP_CTR_RX_NO_HANDLER);
		LOGP(mtp_log_cat(si), LOGL_NOTICE, "MTP rx SI=%u (%s) from opc=%s: no handler, dropped\n", si,
		     get_value_string(mtp_si_names, si), osmo_ss7_pointcode_print(m->inst, p->opc));
		rc = -ENODEV;
		goto out;
	}
	if (!msg->l2h || msgb_l2len(msg) == 0 || msgb_l2len(msg) > NP700_MTP_MAX_DATA) {
		rate_ctr_inc2(m->ctrg, MTP_CTR_RX_ERROR);
		LOGP(mtp_log_cat(si), LOGL_NOTICE, "MTP rx SI=%u: user part of %u octets refused\n", si,
		     msg->l2h ? msgb_l2len(msg) : 0);
		rc = -EINVAL;
		goto out;
	}
	rc = s->cb(s->priv, p->opc, p->dpc, p->sls, msgb_l2(msg), msgb_l2len(msg));
	if (rc < 0)
		rate_ctr_inc2(m->ctrg, MTP_CTR_RX_ERROR);
out:
	msgb_free(msg);
	return rc;
}

static int mtp_user_register(struct np700_mtp *m, uint8_t si)
{
	struct np700_mtp_si *s = &m->si[si];
	int rc;

	if (!m->inst || s->registered)
		return 0;
	s->user = (struct osmo_ss7_user){
		.inst = m->inst,
		.name = get_value_string(mtp_si_names, si),
		.prim_cb = mtp_prim_cb,
		.priv = s,
	};
	rc = osmo_ss7_user_register(m->inst, si, &s->user);
	if (rc < 0) {
		/* another user (a libosmo-sigtran SCCP instance) claimed it: see DESIGN §2 */
		LOGP(DMAIN, LOGL_ERROR, "MTP: SI=%u is already taken in cs7 instance %u\n", si, m->inst->cfg.id);
		return rc;
	}
	s->registered = true;
	return 0;
}

int np700_mtp_register(struct np700 *g, uint8_t si, np700_mtp_rx_cb cb, void *priv)
{
	struct np700_mtp *m;

	if (si >= 16)
		return -EINVAL;
	m = mtp_get(g);
	m->si[si].cb = cb;
	m->si[si].priv = priv;
	/* after start, a new SI needs its MTP user now; before start, np700_mtp_start() does it */
	if (cb)
		return mtp_user_register(m, si);
	return 0;
}

int np700_mtp_tx(struct np700 *g, uint8_t si, uint32_t opc, uint32_t dpc, uint8_t sls,
		 const uint8_t *data, size_t len)
{
	struct np700_mtp *m = mtp_get(g);
	struct osmo_mtp_prim *omp;
	struct msgb *msg;
	int rc;

	if (!m->inst) {
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_ERROR);
		return -ENOTCONN;
	}
	if (si >= 16 || !data || len == 0 || len > NP700_MTP_MAX_DATA) {
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_ERROR);
		LOGP(mtp_log_cat(si & 0x0f), LOGL_ERROR, "MTP tx SI=%u len=%zu refused\n", si, len);
		return -EINVAL;
	}

	msg = msgb_alloc_headroom(sizeof(*omp) + len + 128, 128, "np700 MTP-TRANSFER.req");
	if (!msg) {
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_ERROR);
		return -ENOMEM;
	}
	omp = (struct osmo_mtp_prim *)msgb_put(msg, sizeof(*omp));
	osmo_prim_init(&omp->oph, MTP_SAP_USER, OSMO_MTP_PRIM_TRANSFER, PRIM_OP_REQUEST, msg);
	omp->u.transfer = (struct osmo_mtp_transfer_param){
		.opc = opc,
		.dpc = dpc,
		.sls = sls,
		/* received NIs are lost in libosmo-sigtran 1.6, so always the configured one */
		.sio = MTP_SIO(si, m->inst->cfg.network_indicator),
	};
	msg->l2h = msgb_put(msg, len);
	memcpy(msg->l2h, data, len);

	if (log_check_level(mtp_log_cat(si), LOGL_DEBUG)) {
		char opcs[32];

		OSMO_STRLCPY_ARRAY(opcs, osmo_ss7_pointcode_print(m->inst, opc));
		LOGP(mtp_log_cat(si), LOGL_DEBUG, "MTP tx SI=%u opc=%s dpc=%s sls=%u len=%zu: %s\n", si, opcs,
		     osmo_ss7_pointcode_print(m->inst, dpc), sls, len, osmo_hexdump_nospc(data, len));
	}
	/* frees msg whatever happens */
	rc = osmo_ss7_user_mtp_xfer_req(m->inst, omp);
	if (rc < 0) {
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_ERROR);
		LOGP(mtp_log_cat(si), LOGL_ERROR, "MTP tx SI=%u to dpc=%s failed (%d)\n", si,
		     osmo_ss7_pointcode_print(m->inst, dpc), rc);
		return rc;
	}
	switch (si) {
	case NP700_MTP_SI_SCCP:
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_SCCP);
		break;
	case NP700_MTP_SI_ISUP:
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_ISUP);
		break;
	default:
		rate_ctr_inc2(m->ctrg, MTP_CTR_TX_OTHER);
		break;
	}
	return 0;
}

int np700_mtp_tx_isup(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	return np700_mtp_tx(priv, NP700_MTP_SI_ISUP, opc, dpc, sls, data, len);
}

int np700_mtp_tx_sccp(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	return np700_mtp_tx(priv, NP700_MTP_SI_SCCP, opc, dpc, sls, data, len);
}

uint32_t np700_mtp_own_pc(struct np700 *g)
{
	struct np700_mtp *m = mtp_get(g);

	return m->inst ? m->inst->cfg.primary_pc : OSMO_SS7_PC_INVALID;
}

const char *np700_mtp_pc_str(struct np700 *g, uint32_t pc)
{
	struct np700_mtp *m = mtp_get(g);

	return osmo_ss7_pointcode_print(m->inst, pc);
}

struct rate_ctr_group *np700_mtp_ctrg(struct np700 *g)
{
	return mtp_get(g)->ctrg;
}

/* the AS towards the STP: the instance's only M3UA AS (np700's own routing key) */
static struct osmo_ss7_as *mtp_find_as(struct osmo_ss7_instance *inst)
{
	struct osmo_ss7_as *as;

	llist_for_each_entry(as, &inst->as_list, list) {
		if (as->cfg.proto == OSMO_SS7_ASP_PROT_M3UA)
			return as;
	}
	return NULL;
}

/*! True while an ASP of the AS towards the STP is active (traffic can flow). libosmo-sigtran 1.6
 *  gives MTP users no PAUSE/RESUME, so the ISUP relay polls this (isup_guard.c). */
bool np700_mtp_active(struct np700 *g)
{
	struct np700_mtp *m = g->mtp;
	struct osmo_ss7_as *as;
	unsigned int i;

	if (!m || !m->inst || !(as = mtp_find_as(m->inst)))
		return false;
	for (i = 0; i < ARRAY_SIZE(as->cfg.asps); i++) {
		if (as->cfg.asps[i] && osmo_ss7_asp_active(as->cfg.asps[i]))
			return true;
	}
	return false;
}

int np700_mtp_start(struct np700 *g)
{
	struct np700_mtp *m = mtp_get(g);
	struct osmo_ss7_instance *inst;
	struct osmo_ss7_as *as;
	unsigned int i;
	int rc;

	inst = osmo_ss7_instance_find(0);
	if (!inst) {
		LOGP(DMAIN, LOGL_NOTICE, "No 'cs7 instance 0' configured: running without signalling\n");
		return 0;
	}
	if (inst->cfg.primary_pc == OSMO_SS7_PC_INVALID) {
		LOGP(DMAIN, LOGL_ERROR, "cs7 instance 0 has no 'point-code': np700 needs its own point code\n");
		return -EINVAL;
	}
	as = mtp_find_as(inst);
	if (!as) {
		LOGP(DMAIN, LOGL_ERROR, "cs7 instance 0 has no M3UA 'as': nothing leads to the STP\n");
		return -EINVAL;
	}
	/* the ASP-side VTY has no route-table node and the AS routes only its own PC: everything
	 * else goes to the STP, which routes by DPC */
	if (!osmo_ss7_route_find_dpc_mask(inst->rtable_system, 0, 0)) {
		if (!osmo_ss7_route_create(inst->rtable_system, 0, 0, as->cfg.name)) {
			LOGP(DMAIN, LOGL_ERROR, "Cannot add the default route via AS %s\n", as->cfg.name);
			return -EINVAL;
		}
	}
	m->inst = inst;

	/* SCCP and ISUP always, so that traffic without a handler is counted, not lost unseen */
	for (i = 0; i < ARRAY_SIZE(m->si); i++) {
		if (i != NP700_MTP_SI_SCCP && i != NP700_MTP_SI_ISUP && !m->si[i].cb)
			continue;
		rc = mtp_user_register(m, i);
		if (rc < 0)
			return rc;
	}
	LOGP(DMAIN, LOGL_NOTICE, "MTP: own PC %s, default route via AS %s\n",
	     osmo_ss7_pointcode_print(inst, inst->cfg.primary_pc), as->cfg.name);
	return 0;
}

void np700_mtp_stop(struct np700 *g)
{
	struct np700_mtp *m = g->mtp;
	unsigned int i;

	if (!m || !m->inst)
		return;
	for (i = 0; i < ARRAY_SIZE(m->si); i++) {
		if (!m->si[i].registered)
			continue;
		osmo_ss7_user_unregister(m->inst, i, &m->si[i].user);
		m->si[i].registered = false;
	}
}

void np700_mtp_destroy(struct np700 *g)
{
	struct osmo_ss7_instance *inst, *tmp;

	np700_mtp_stop(g);
	if (g->mtp)
		g->mtp->inst = NULL;
	/* ASPs hold sockets, timers and counter groups in libosmocore's global lists: freeing them
	 * with the talloc tree would leave those lists pointing into freed memory */
	llist_for_each_entry_safe(inst, tmp, &osmo_ss7_instances, list)
		osmo_ss7_instance_destroy(inst);
}
