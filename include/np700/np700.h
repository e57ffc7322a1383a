/*! \file np700.h
 *  The daemon's root object: configuration and the modules it owns. Passed explicitly to
 *  each module's init; never reached through a global except from VTY commands. */
#pragma once

#include <stdint.h>
#include <osmocom/core/linuxlist.h>
#include <np700/number.h>
#include <np700/store.h>

struct nb_server;
struct np700_store_run;
struct cdr_writer;
struct isup_relay;
struct sccp_relay;
struct map_router;
struct osmo_ss7_instance;
struct np700_mtp;

/*! A customer as configured in the VTY (mirrored into the store). */
struct np700_cfg_customer {
	struct llist_head list;
	struct np700_customer c;
	struct llist_head pools;	/*!< struct np700_cfg_pool */
};

struct np700_cfg_pool {
	struct llist_head list;
	struct np700_pool p;
};

struct np700 {
	void *ctx;
	struct np700_numplan plan;
	struct {
		char *path;
		size_t map_size;
		unsigned int max_pairs_per_x;
		unsigned int purge_interval_ms;
		unsigned int purge_batch;
	} store_cfg;
	struct np700_store *store;	/*!< NULL until opened after the config was read */
	struct np700_store_run *store_run;	/*!< purge timer etc. (src/store_run.c) */
	struct llist_head customers;	/*!< struct np700_cfg_customer */
	struct nb_server *nb;
	struct {
		char *dir;
		unsigned int retention_days;
	} cdr_cfg;
	struct cdr_writer *cdr;		/*!< call and usage records; exists from the defaults on */
	struct np700_mtp *mtp;		/*!< MTP attachment (src/m3ua.c); created on first use */
	struct sccp_relay *sccp;	/*!< own SCCP (SI=3) and GT routing (src/sccp_relay.c) */
	struct map_router *map;		/*!< SRI for X, SMS router: local user of sccp, SSN 6 and 8 */
	struct isup_relay *isup;	/*!< ISUP relay (SI=5) */
};

/*! The root object of the running daemon, for VTY commands only. */
extern struct np700 *g_np700;
