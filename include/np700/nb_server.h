/*! \file nb_server.h
 *  The provisioning server (DESIGN §7): IPA over TCP, clients identified by their IPA CCM unit
 *  name, authorised by source address and customer; requests executed against the store in
 *  batches, one LMDB transaction per batch, answers only after the commit. The batches are
 *  committed by the store's writer thread (store_writer.h), so the event loop goes on with the
 *  signalling (and with decoding the next batch) while a batch commits. */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <osmocom/core/linuxlist.h>
#include <np700/nb_proto.h>

struct np700;
struct np700_store;
struct np700_numplan;
struct np700_store_writer;
struct rate_ctr_group;
struct ipa_server_link;
struct vty;

#define NB_DEFAULT_ADDR		"127.0.0.1"
#define NB_CLIENT_MAX_SOURCES	32
#define NB_CLIENT_MAX_CUSTOMERS	256
/*! Requests per batch (one store transaction): default and most that "batch-max" allows. */
#define NB_BATCH_DEFAULT	1024
#define NB_BATCH_MAX_LIMIT	4096
/*! Most items one list answer carries; the result says when it stopped there. */
#define NB_LIST_MAX		100000

/*! Per-client counters (also visible in "show provisioning clients"). */
enum nb_client_ctr {
	NB_CLI_CTR_CONNECT,
	NB_CLI_CTR_REFUSED,
	NB_CLI_CTR_RX_REQ,
	NB_CLI_CTR_TX_OK,
	NB_CLI_CTR_TX_ERR,
	NB_CLI_CTR_NOT_AUTH,
};

/*! Server-wide counters. */
enum nb_server_ctr {
	NB_CTR_ACCEPT,
	NB_CTR_REFUSED_NAME,
	NB_CTR_REFUSED_ADDR,
	NB_CTR_FRAMING_ERR,
	NB_CTR_RX_MSG,
	NB_CTR_RX_MALFORMED,
	NB_CTR_TX_OK,
	NB_CTR_TX_ERR,
	NB_CTR_BATCH,
	NB_CTR_COMMIT_FAIL,
};

/*! A client as configured: unit name, allowed source addresses and customers. */
struct nb_client_cfg {
	struct llist_head list;		/*!< in nb_server.clients */
	struct nb_server *nb;
	char *name;			/*!< the IPA CCM unit name it identifies with */
	struct in_addr sources[NB_CLIENT_MAX_SOURCES];
	unsigned int num_sources;
	uint32_t customers[NB_CLIENT_MAX_CUSTOMERS];
	unsigned int num_customers;
	unsigned int index;		/*!< of its rate counter group */
	struct rate_ctr_group *ctrs;
};

/*! The server: its configuration, the listening socket and the open connections. */
struct nb_server {
	void *ctx;
	struct np700 *g;
	char *bind_addr;
	uint16_t port;
	unsigned int batch_max;		/*!< requests per store transaction at most */
	struct llist_head clients;	/*!< struct nb_client_cfg */
	unsigned int next_client_index;
	struct llist_head conns;	/*!< struct nb_conn (nb_server.c) */
	struct ipa_server_link *link;
	struct np700_store *store;	/*!< NULL while stopped */
	const struct np700_numplan *plan;
	struct rate_ctr_group *ctrs;
	/* the store's writer thread commits the batches (store_writer.h); the jobs that carry them
	 * are recycled (struct nb_job, nb_server.c) */
	struct np700_store_writer *writer;
	struct llist_head free_jobs;
	unsigned int jobs_alloc;	/*!< jobs allocated: free, queued, committing or being answered */
};

/*! Allocate the server with defaults (127.0.0.1:4292), not listening yet. */
struct nb_server *nb_server_alloc(void *ctx, struct np700 *g);
/*! Start listening; requests go to \a store and numbers are checked against \a plan.
 *  \returns 0 or a negative errno (address in use, ...). */
int nb_server_start(struct nb_server *nb, struct np700_store *store, const struct np700_numplan *plan);
/*! After a VTY change of the address/port: listen there instead (connections stay). */
int nb_server_rebind(struct nb_server *nb);
/*! Close every connection and the listening socket. The store stays open (owned by the caller). */
void nb_server_stop(struct nb_server *nb);

struct nb_client_cfg *nb_client_cfg_find(struct nb_server *nb, const char *name);
struct nb_client_cfg *nb_client_cfg_alloc(struct nb_server *nb, const char *name);
/*! Remove a client from the configuration and close its connections. */
void nb_client_cfg_free(struct nb_client_cfg *cc);
bool nb_client_cfg_customer_allowed(const struct nb_client_cfg *cc, uint32_t customer_id);
/*! Close the connections of \a cc whose source address is no longer allowed (after a VTY change). */
void nb_server_recheck_conns(struct nb_server *nb, struct nb_client_cfg *cc);

/*! VTY: "show provisioning clients" body. */
void nb_server_vty_show_clients(struct vty *vty, struct nb_server *nb);
/*! Install the "provisioning" VTY node (nb_vty.c), operating on g_np700->nb. */
void nb_vty_init(struct np700 *g);
