/* The network around the MAP router as its test (map_router_test.c) and its fuzzer
 * (fuzz/map_router_fuzz.c) set it up: np700 at OWN_PC with the GT NP_GT, X's GT routed to np700
 * itself and every other GT to the STP; peers' messages arrive as SCCP UDTs from the STP. */
#pragma once

#include <stdint.h>

#include <osmocom/core/msgb.h>

#include <np700/map.h>
#include <np700/map_router.h>
#include <np700/np700.h>
#include <np700/sccp.h>
#include <np700/tcap.h>

#define OWN_PC	100
#define STP_PC	200
#define NP_GT	"8613900000700"		/* np700's GT */

/* The SCCP relay (transmitting through \a tx) and the MAP router serving it, for \a g. */
static inline struct map_router *map_net_setup(void *ctx, struct np700 *g, sccp_tx_cb tx,
					       struct sccp_relay **relay)
{
	struct sccp_route rt = { 0 };
	struct map_router *mr;

	*relay = sccp_relay_alloc(ctx, 0);
	sccp_relay_set_variant(*relay, SCCP_VAR_ITU);
	sccp_relay_set_own_pc(*relay, OWN_PC);
	sccp_relay_set_tx_cb(*relay, tx, NULL);
	sccp_relay_add_local_gt(*relay, NP_GT);
	/* X's GT leads to np700 itself; everything else to the STP */
	OSMO_STRLCPY_ARRAY(rt.prefix, "700");
	rt.pc = OWN_PC;
	sccp_route_add(sccp_relay_routes(*relay), &rt);
	OSMO_STRLCPY_ARRAY(rt.prefix, "86");
	rt.pc = STP_PC;
	sccp_route_add(sccp_relay_routes(*relay), &rt);
	mr = map_router_alloc(g, *relay);
	map_router_start(mr);
	return mr;
}

/* \a len octets of TCAP in a UDT from \a cg_gt to \a cd_gt (an X's GT with its own translation
 * type), from the STP into \a relay. \returns 0 or the encoder's error. */
static inline int map_net_udt_rx(struct sccp_relay *relay, const char *cd_gt, uint8_t cd_ssn, const char *cg_gt,
				 uint8_t cg_ssn, const uint8_t *tcap, size_t len)
{
	struct sccp_addr cd, cg;
	struct sccp_msg sm;
	uint8_t buf[600];
	int n;

	sccp_addr_set_gt(&cd, 0, cd_gt[0] == '7' ? 3 : 4, cd_gt, cd_ssn);
	sccp_addr_set_gt(&cg, 0, 4, cg_gt, cg_ssn);
	sccp_msg_init_unitdata(&sm, &cd, &cg, tcap, len, false);
	n = sccp_msg_encode_buf(buf, sizeof(buf), &sm, SCCP_VAR_ITU);
	if (n < 0)
		return n;
	sccp_relay_rx(relay, STP_PC, OWN_PC, 0, buf, n);
	return 0;
}

static inline struct tcap_tid map_net_tid(uint32_t v)
{
	struct tcap_tid t;

	tcap_tid_set(&t, v);
	return t;
}

/* A Begin with one Invoke (id 1) of \a op in application context \a ac / \a version (version 1:
 * no dialogue portion); frees \a par. */
static inline struct msgb *map_net_begin(uint32_t otid, int ac, int version, int op, struct msgb *par)
{
	struct msgb *msg = msgb_alloc(1024, "map_net");
	struct tcap_tid t = map_net_tid(otid);
	struct tcap_oid acn;

	map_acn(&acn, ac, version);
	tcap_enc_begin_invoke(msg, &t, version >= 2 ? &acn : NULL, 1, op, msgb_data(par), msgb_length(par));
	msgb_free(par);
	return msg;
}
