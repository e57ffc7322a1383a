/*! \file map_router.h
 *  The MAP application of np700 (DESIGN §2 "Routing queries", "SMS"): SendRoutingInfo for X
 *  answered with a routing number, the SMS router for the 700 range (SendRoutingInfoForSM for X
 *  answered with a correlation IMSI, the MT-ForwardSM that follows relayed to the real
 *  recipient's MSC with the number to show in TP-OA), and the MO path (TP-DA X rewritten to the
 *  real recipient, or rejected).
 *
 *  The router is a local user of the SCCP relay: it serves SSN 6 (HLR role: SRI, SRI-SM) and
 *  SSN 8 (MSC role: MT-ForwardSM, MO-ForwardSM) and sends its own dialogues through
 *  sccp_relay_send(), so every outgoing UDT is routed by the SCCP GT table. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/utils.h>

#include <np700/decision.h>

struct np700;
struct sccp_relay;
struct sccp_ind;
struct cdr_record;
struct vty;

/*! SSNs the router serves. */
#define MAP_SSN_HLR	6
#define MAP_SSN_MSC	8

/*! Counters of the router (rate_ctr group "map"). */
enum map_router_ctr {
	MAP_CTR_RX_BAD,			/*!< undecodable TCAP, refused invokes */
	MAP_CTR_RX_UNKNOWN_DLG,		/*!< Continue/End/Abort for no dialogue of ours */
	MAP_CTR_SRI,			/*!< sendRoutingInfo received */
	MAP_CTR_SRI_OK,			/*!< ... answered with a routing number */
	MAP_CTR_SRI_ERR,		/*!< ... answered with an error */
	MAP_CTR_SRI_SM,			/*!< sendRoutingInfoForSM received */
	MAP_CTR_SRI_SM_OK,		/*!< ... answered with a correlation IMSI */
	MAP_CTR_SRI_SM_ERR,		/*!< ... answered with an error */
	MAP_CTR_REPORT_SM,		/*!< reportSM-DeliveryStatus for X, acknowledged */
	MAP_CTR_MT,			/*!< MT forwardSM received */
	MAP_CTR_MT_DELIVERED,		/*!< ... result from the MSC relayed to the SMSC */
	MAP_CTR_MT_REJECTED,		/*!< ... refused by the decision */
	MAP_CTR_MT_UNKNOWN_CORR,	/*!< ... for no (or an expired) correlation IMSI */
	MAP_CTR_MT_HLR_ERR,		/*!< ... the recipient's HLR answered with an error / abort */
	MAP_CTR_MT_MSC_ERR,		/*!< ... the serving MSC answered with an error / abort */
	MAP_CTR_MT_TIMEOUT,		/*!< ... HLR or MSC did not answer in time */
	MAP_CTR_MT_FALLBACK,		/*!< ... a peer refused the proposed version, retried lower */
	MAP_CTR_MO,			/*!< MO forwardSM received */
	MAP_CTR_MO_REWRITTEN,		/*!< ... TP-DA X rewritten to the real recipient */
	MAP_CTR_MO_PASSED,		/*!< ... TP-DA not protected: relayed unchanged */
	MAP_CTR_MO_REJECTED,		/*!< ... refused (decision, or mo-rewrite disabled) */
	MAP_CTR_MO_DELIVERED,		/*!< ... result from the SMSC relayed back */
	MAP_CTR_MO_FAILED,		/*!< ... error, abort or timeout from the SMSC */
	MAP_CTR_CORR_ALLOC,		/*!< correlation entries created */
	MAP_CTR_CORR_EXPIRED,		/*!< correlation entries expired */
	MAP_CTR_CORR_EXHAUSTED,		/*!< correlation IMSI range full */
	MAP_CTR_TX_ERR,			/*!< encoding or SCCP send failed */
	_MAP_CTR_NUM
};

/*! Configuration (VTY node "map"). */
struct map_router_cfg {
	char local_gt[17];		/*!< np700's GT as MAP node ("" = the first SCCP local GT) */
	char rn_prefix[17];		/*!< routing number = rn_prefix + X (at most 16 digits together) */
	uint64_t corr_first;		/*!< correlation IMSI range (15 digits each) */
	uint64_t corr_last;
	unsigned int corr_timeout_s;	/*!< a correlation entry lives this long after its last use */
	unsigned int peer_timeout_s;	/*!< answer timeout of an HLR; the sender's next message */
	unsigned int fwd_timeout_s;	/*!< answer timeout of the MSC (MT) or SMSC (MO) to a forwardSM */
	bool mo_rewrite;		/*!< MO: rewrite TP-DA X (true) or reject (false) */
	int reject_err[_NP700_REJ_NUM];	/*!< MAP error per rejection reason (MT and MO) */
	uint8_t gt_tt;			/*!< translation type of np700's own GT addresses */
};

struct map_router;

/*! Allocate the router (a talloc child of \a sccp) with defaults for its whole configuration;
 *  \a g gives the store, numbering plan and record writer. */
struct map_router *map_router_alloc(struct np700 *g, struct sccp_relay *sccp);
/*! Become the SCCP relay's local user for SSN 6 and 8 (daemon start; tests). */
void map_router_start(struct map_router *mr);
void map_router_free(struct map_router *mr);
struct map_router_cfg *map_router_cfg(struct map_router *mr);
struct rate_ctr_group *map_router_ctrs(struct map_router *mr);

/*! The SCCP local-delivery callback (sccp_local_cb); priv is the struct map_router. Called by
 *  map_router_alloc()'s registration; exported for tests. */
int map_router_sccp_rx(struct sccp_relay *r, const struct sccp_ind *ind, void *priv);

/*! Called for every SMS record in addition to cdr_write() to g->cdr (tests print them). */
void map_router_set_cdr_hook(struct map_router *mr, void (*hook)(const struct cdr_record *r, void *priv),
			     void *priv);

/*! Number of correlation entries and relayed dialogues in flight. */
unsigned int map_router_corr_count(const struct map_router *mr);
unsigned int map_router_txn_count(const struct map_router *mr);

/*! Check a routing number prefix: digits only and prefix + a protected number of \a x_len
 *  digits must fit into an ISDN-AddressString (16 digits). \returns 0 or -EINVAL. */
int map_router_check_rn_prefix(const char *prefix, unsigned int x_len);

/*! Install the "map" VTY node and "show sms" for the daemon's router (g_np700->map). */
void map_vty_init(void);
