/*! \file store_vty.h
 *  The store in the daemon: customers/pools config node, show commands, and the store's life
 *  cycle (open after the config was read, purge timer, close). */
#pragma once

#include <stdint.h>

struct np700;
struct np700_cfg_customer;

/*! Install "customer <id>" (CONFIG_NODE) and CUSTOMER_NODE. */
void np700_customer_vty_init(struct np700 *g);
/*! Install "show binding", "show customer", "show store", "show blocklist". */
void np700_store_vty_init(struct np700 *g);
/*! The configured customer \a id, or NULL. */
struct np700_cfg_customer *np700_cfg_customer_find(struct np700 *g, uint32_t id);
/*! Make the store's customers and pools equal to the configuration (what has bindings stays,
 *  with an error log). \returns 0, or -EINVAL if some configured item was refused. */
int np700_customers_sync(struct np700 *g);

/*! mkdir -p the store path, open it, sync customers and pools, start the purge timer. */
int np700_store_start(struct np700 *g);
/*! Stop the timer, flush usage, close the store. */
void np700_store_stop(struct np700 *g);
