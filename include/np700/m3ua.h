/*! \file m3ua.h
 *  np700's MTP attachment: M3UA towards the STP through libosmo-sigtran's `cs7 instance 0`
 *  (src/m3ua.c). The instance, its ASP and AS come from the config file; this module adds the
 *  default route towards the STP, registers as MTP user for ISUP (SI=5) and SCCP (SI=3) and
 *  dispatches MTP-TRANSFER.ind to the handler registered for the service indicator. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct np700;
struct rate_ctr_group;

/*! Service indicators np700 handles (Q.704 14.2.1). */
#define NP700_MTP_SI_SCCP	3
#define NP700_MTP_SI_ISUP	5

/*! Largest user part np700 sends or accepts: more than any MTP3 message (272 octets) and small
 *  enough that libosmo-sigtran's 2048-octet M3UA buffers can never overflow. */
#define NP700_MTP_MAX_DATA	1024

/*! Handler for one received MTP-TRANSFER.ind.
 *  \param[in] priv  what was given to np700_mtp_register()
 *  \param[in] opc, dpc  point codes as received (dpc is np700's own)
 *  \param[in] sls  signalling link selection as received
 *  \param[in] data, len  the user part (ISUP message incl. CIC, or SCCP message); hostile bytes.
 *                        Valid only during the call: the dispatcher frees the buffer afterwards.
 *  \returns 0, or a negative errno (counted as rx:error) */
typedef int (*np700_mtp_rx_cb)(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls,
			       const uint8_t *data, size_t len);

/*! Register the handler for one service indicator (one handler per SI; a second call replaces
 *  it, cb NULL removes it). May be called before or after np700_mtp_start().
 *  \returns 0, -EINVAL for si > 15 */
int np700_mtp_register(struct np700 *g, uint8_t si, np700_mtp_rx_cb cb, void *priv);

/*! Send one MTP-TRANSFER.req. The data are copied; the caller keeps its buffer. The SIO's
 *  network indicator is the one configured in `cs7 instance 0` (`network-indicator`). A DPC equal
 *  to np700's own PC is delivered locally (libosmo-sigtran loops it back).
 *  \returns 0 when handed to the M3UA stack; -ENOTCONN without a cs7 instance, -EINVAL for bad
 *  arguments (si > 15, len 0 or > NP700_MTP_MAX_DATA), or the stack's negative error */
int np700_mtp_tx(struct np700 *g, uint8_t si, uint32_t opc, uint32_t dpc, uint8_t sls,
		 const uint8_t *data, size_t len);

/*! np700_mtp_tx() for SI=5, shaped as the ISUP relay's transmit callback; priv is the struct np700. */
int np700_mtp_tx_isup(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);
/*! np700_mtp_tx() for SI=3, shaped like np700_mtp_tx_isup(); priv is the struct np700. */
int np700_mtp_tx_sccp(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);

/*! np700's own point code (`point-code` of cs7 instance 0), or OSMO_SS7_PC_INVALID (0xffffffff)
 *  when there is no instance. */
uint32_t np700_mtp_own_pc(struct np700 *g);

/*! Print a point code in the instance's format ("1.1.1"); static buffer, like libosmo-sigtran's. */
const char *np700_mtp_pc_str(struct np700 *g, uint32_t pc);

/*! The "np700-mtp" rate counter group (rx:sccp, rx:isup, rx:other, rx:no_handler, rx:error,
 *  tx:sccp, tx:isup, tx:other, tx:error), shown by `show rate-counters`. */
struct rate_ctr_group *np700_mtp_ctrg(struct np700 *g);

/*! True while an ASP towards the STP is active (polled: libosmo-sigtran 1.6 has no MTP-PAUSE). */
bool np700_mtp_active(struct np700 *g);
/*! After the config was read: find cs7 instance 0, add the default route towards its AS and
 *  register the MTP users. Without a cs7 instance np700 runs without signalling (notice logged).
 *  \returns 0, or -EINVAL when the instance lacks its point-code or an M3UA AS */
int np700_mtp_start(struct np700 *g);

/*! Unregister the MTP users (SIGTERM). */
void np700_mtp_stop(struct np700 *g);

/*! Destroy every cs7 instance (at exit, after np700_mtp_stop()): no signalling afterwards. */
void np700_mtp_destroy(struct np700 *g);
