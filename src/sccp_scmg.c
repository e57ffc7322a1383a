/* SCCP management (Q.713 5.1, Q.714 5.3) as far as a node with fixed routes needs it: an SST for
 * one of np700's subsystems (or for SCMG itself) is answered with SSA, so that a peer that marked
 * one of them prohibited takes it back into service; np700 keeps no state of remote subsystems (its
 * GT routes are configuration), so SSA, SSP, SSC, SOR and SOG from others are logged and counted. */
#include <errno.h>
#include <string.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/protocol/sccp_scmg.h>

#include <np700/logging.h>
#include <np700/sccp.h>

const struct value_string sccp_scmg_type_names[] = {
	{ SCCP_SCMG_MSGT_SSA, "SSA" },
	{ SCCP_SCMG_MSGT_SSP, "SSP" },
	{ SCCP_SCMG_MSGT_SST, "SST" },
	{ SCCP_SCMG_MSGT_SOR, "SOR" },
	{ SCCP_SCMG_MSGT_SOG, "SOG" },
	{ SCCP_SCMG_MSGT_SSC, "SSC" },
	{ 0, NULL }
};

static bool known_type(uint8_t type)
{
	return type >= SCCP_SCMG_MSGT_SSA && type <= SCCP_SCMG_MSGT_SSC;
}

/* format identifier, affected SSN, affected PC, SMI; SSC adds the congestion level */
static size_t scmg_len(uint8_t type, enum sccp_variant v)
{
	return 3 + sccp_pc_octets(v) + (type == SCCP_SCMG_MSGT_SSC ? 1 : 0);
}

static int fail(const char **err, const char *why)
{
	if (err)
		*err = why;
	return -EINVAL;
}

int sccp_scmg_parse(struct sccp_scmg *s, const uint8_t *buf, size_t len, enum sccp_variant v, const char **err)
{
	uint8_t spare;
	size_t pos = 2;

	memset(s, 0, sizeof(*s));
	if (len < 1)
		return fail(err, "empty");
	s->type = buf[0];
	if (!known_type(s->type))
		return fail(err, "of unknown format identifier");
	if (len < scmg_len(s->type, v))
		return fail(err, "truncated");
	if (len > scmg_len(s->type, v))
		return fail(err, "with octets after its end");
	s->affected_ssn = buf[1];
	s->affected_pc = sccp_pc_get(buf + pos, v, &spare);
	pos += sccp_pc_octets(v);
	s->smi = buf[pos++] & 0x03;
	if (s->type == SCCP_SCMG_MSGT_SSC)
		s->congestion = buf[pos] & 0x0f;
	return 0;
}

int sccp_scmg_encode(uint8_t *buf, size_t size, const struct sccp_scmg *s, enum sccp_variant v)
{
	size_t len = scmg_len(s->type, v), pos = 2;
	int rc;

	if (!known_type(s->type))
		return -EINVAL;
	if (size < len)
		return -ENOSPC;
	buf[0] = s->type;
	buf[1] = s->affected_ssn;
	rc = sccp_pc_put(buf + pos, s->affected_pc, 0, v);
	if (rc < 0)
		return rc;
	pos += rc;
	buf[pos++] = s->smi & 0x03;
	if (s->type == SCCP_SCMG_MSGT_SSC)
		buf[pos] = s->congestion & 0x0f;
	return len;
}

/* Q.714 5.3.4.3: a subsystem of this node that is in service gets an SSA back; for anything else
 * the test stays unanswered (the tester goes on testing) */
static int rx_sst(struct sccp_relay *r, const struct sccp_ind *ind, const struct sccp_scmg *sst, const char *opc,
		  const char *pc)
{
	struct sccp_scmg ssa = {
		.type = SCCP_SCMG_MSGT_SSA, .affected_ssn = sst->affected_ssn, .affected_pc = sst->affected_pc,
	};
	uint8_t buf[8];
	int len, rc;

	if (sst->affected_pc != sccp_relay_own_pc(r) ||
	    (sst->affected_ssn != SCCP_SSN_SCMG && !sccp_relay_is_local_ssn(r, sst->affected_ssn))) {
		rate_ctr_inc2(sccp_relay_ctrs(r), SCCP_CTR_SCMG_SST_OTHER);
		LOGP(DSCCP, LOGL_NOTICE, "SST from OPC %s for SSN %u at PC %s: not a subsystem of this node, "
		     "not answered\n", opc, sst->affected_ssn, pc);
		return 0;
	}
	len = sccp_scmg_encode(buf, sizeof(buf), &ssa, sccp_relay_variant(r));
	if (len < 0)
		return len;
	/* class 0 without return option, to the tester's address, from the address it tested */
	rc = sccp_relay_reply(r, ind, NULL, buf, len);
	if (rc < 0) {
		LOGP(DSCCP, LOGL_ERROR, "SST from OPC %s for SSN %u: cannot send SSA: %s\n", opc,
		     sst->affected_ssn, strerror(-rc));
		return 0;
	}
	rate_ctr_inc2(sccp_relay_ctrs(r), SCCP_CTR_SCMG_TX_SSA);
	LOGP(DSCCP, LOGL_INFO, "SST from OPC %s for SSN %u at PC %s: SSA sent\n", opc, sst->affected_ssn, pc);
	return 0;
}

int sccp_scmg_rx(struct sccp_relay *r, const struct sccp_ind *ind)
{
	enum sccp_variant v = sccp_relay_variant(r);
	struct rate_ctr_group *ctrs = sccp_relay_ctrs(r);
	const char *err = "?";
	struct sccp_scmg s;
	char opc[16], pc[16];

	rate_ctr_inc2(ctrs, SCCP_CTR_SCMG_RX);
	sccp_pc_name_buf(opc, sizeof(opc), ind->opc, v);
	/* np700's own SCMG messages ask for no return: a service message here is not about one of them */
	if (sccp_msgt_service(ind->msg->type))
		err = "returned in a service message";
	else if (!sccp_scmg_parse(&s, ind->data, ind->data_len, v, &err))
		err = NULL;
	if (err) {
		rate_ctr_inc2(ctrs, SCCP_CTR_SCMG_BAD);
		LOGP(DSCCP, LOGL_NOTICE, "OPC %s: SCCP management message %s, dropped: %s\n", opc, err,
		     osmo_hexdump_nospc(ind->data, ind->data_len > 16 ? 16 : ind->data_len));
		return -EINVAL;
	}
	sccp_pc_name_buf(pc, sizeof(pc), s.affected_pc, v);
	if (s.type == SCCP_SCMG_MSGT_SST)
		return rx_sst(r, ind, &s, opc, pc);
	if (s.type == SCCP_SCMG_MSGT_SSC)
		LOGP(DSCCP, LOGL_NOTICE, "SSC from OPC %s: SSN %u at PC %s congested, level %u\n", opc,
		     s.affected_ssn, pc, s.congestion);
	else
		LOGP(DSCCP, s.type == SCCP_SCMG_MSGT_SSA ? LOGL_INFO : LOGL_NOTICE,
		     "%s from OPC %s: SSN %u at PC %s (no subsystem state kept: routes are configured)\n",
		     get_value_string(sccp_scmg_type_names, s.type), opc, s.affected_ssn, pc);
	return 0;
}
