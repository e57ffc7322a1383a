/*! \file isup_relay.h
 *  The ISUP relay (DESIGN §2, issue 3): an incoming leg (OPC, CIC) is tied to an outgoing leg
 *  (DPC, CIC); the IAM is translated through the decision API, every later message of the call is
 *  relayed with CIC and point codes mapped and numbers rewritten so that no protected party's real
 *  number reaches the other side. Transport-independent: messages come in through
 *  isup_relay_rx() and go out through the transmit callback. */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#include <np700/isup.h>
#include <np700/decision.h>

struct np700;
struct isup_relay;
struct vty;

/*! Transmit one ISUP message (CIC onwards) as MTP-TRANSFER with SI=5. The callee copies the
 *  data; the relay keeps its buffer. \returns 0 or a negative errno (counted, logged). */
typedef int (*isup_tx_cb)(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);

/*! Create a relay with default configuration (no circuit groups, no routes). It reads the store
 *  (g->store), the numbering plan (g->plan) and writes call records (g->cdr, if set) at the time
 *  of each call, so it may be created before the store is opened. \a tx may be NULL at first
 *  (isup_relay_set_tx()). Freed with talloc_free(). */
struct isup_relay *isup_relay_alloc(void *ctx, struct np700 *g, isup_tx_cb tx, void *priv);
/*! Set or replace the transmit callback (e.g. once the MTP attachment exists). */
void isup_relay_set_tx(struct isup_relay *r, isup_tx_cb tx, void *priv);

/*! Handle one received MTP-TRANSFER.ind of SI=5. The caller keeps ownership of \a data; the
 *  relay copies what it needs. \returns 0 (also for messages answered or dropped per Q.764), or
 *  -EINVAL for a message too short to carry a CIC. */
int isup_relay_rx(struct isup_relay *r, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);
/*! isup_relay_rx() shaped as an MTP user handler (np700_mtp_rx_cb); \a priv is the relay. */
int isup_relay_mtp_rx(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);

struct cdr_record;
/*! Called with every finished call's record (in addition to g->cdr's writer, if any); for tests
 *  and for modules that want to see records. The record is valid during the call only. */
typedef void (*isup_cdr_cb)(void *priv, const struct cdr_record *rec);
void isup_relay_set_cdr_cb(struct isup_relay *r, isup_cdr_cb cb, void *priv);

/*! Our own point code (the OPC of what we send). 0xffffffff: use the DPC of the received message. */
void isup_relay_set_own_pc(struct isup_relay *r, uint32_t pc);

/*! Our own point code unless the VTY "point-code" set one (at start: the cs7 instance's). */
void isup_relay_set_default_pc(struct isup_relay *r, uint32_t pc);
/*! Routing numbers np700 hands out in SRI answers are \a prefix + X; an IAM to one is a call to X.
 *  \a prefix stays owned by the caller and is read at each IAM, so VTY changes apply at once. */
void isup_relay_set_routing_prefix(struct isup_relay *r, const char *prefix);

/*! Number of calls in progress (both legs or one leg still busy). */
unsigned int isup_relay_num_calls(const struct isup_relay *r);

/*! Signalling link state (ASP towards the STP active or not). Down: every call is released
 *  locally (nothing can be sent), counted as call:link_lost. Up (also at start-up): every circuit
 *  of every group is reset towards its switch with GRS (Q.764 §2.9.3.1; ranges of at most 32
 *  circuits, RSC for a single one), repeated every T22 until GRA, every T23 after T23. */
void isup_relay_link_state(struct isup_relay *r, bool up);
/*! Poll \a up(\a priv) twice a second and call isup_relay_link_state() on every change
 *  (libosmo-sigtran 1.6 gives MTP users no PAUSE/RESUME). */
void isup_relay_watch_link(struct isup_relay *r, bool (*up)(void *priv), void *priv);
/*! Resets sent and not yet acknowledged (GRS awaiting GRA, RSC awaiting RLC). */
unsigned int isup_relay_resets_pending(const struct isup_relay *r);
/*! Maintenance blocking of one circuit of group \a cgroup (BLO, repeated until BLA; a call on it
 *  goes on, no new ones), or its end (UBL until UBA). \returns 0, -ENOENT (no such group) or
 *  -ERANGE (no such circuit). */
int isup_relay_circuit_block(struct isup_relay *r, const char *cgroup, uint16_t cic, bool block);
/*! Reset one circuit (RSC until RLC); a call on it loses that leg. \returns as above. */
int isup_relay_circuit_reset(struct isup_relay *r, const char *cgroup, uint16_t cic);

/*! Admission limits: at most \a max_calls calls in progress and \a max_rate new IAMs per
 *  second (0: no limit); an attempt above them is released with \a cause (default 42,
 *  "switching equipment congestion"), counted as call:shed and recorded (outcome rejected,
 *  reason "overload"). */
void isup_relay_set_admission(struct isup_relay *r, unsigned int max_calls, unsigned int max_rate, uint8_t cause);

/* --- configuration, used by the VTY and by tests --- */

enum isup_route_format {
	ISUP_FMT_NATIONAL,
	ISUP_FMT_INTERNATIONAL,
};
extern const struct value_string isup_route_format_names[];

struct isup_cgroup;

/*! Create circuit group \a name towards \a dpc with CICs \a first..\a last (one per switch
 *  a trunk group connects np700 with). \returns the group, or NULL (name exists, bad range). */
struct isup_cgroup *isup_cgroup_alloc(struct isup_relay *r, const char *name, uint32_t dpc, uint16_t first,
				      uint16_t last);
struct isup_cgroup *isup_cgroup_find(struct isup_relay *r, const char *name);
/*! Change DPC / CIC range; refused (-EBUSY) while a circuit of the group is busy. */
int isup_cgroup_set_dpc(struct isup_cgroup *cg, uint32_t dpc);
int isup_cgroup_set_range(struct isup_cgroup *cg, uint16_t first, uint16_t last);
/*! Per-group release cause for a rejection reason (0: use the relay-wide default). */
void isup_cgroup_set_reject_cause(struct isup_cgroup *cg, enum np700_reject reason, uint8_t cause);
void isup_cgroup_free(struct isup_cgroup *cg);

/*! Route: the connected-to number (canonical E.164, or its national form) beginning with
 *  \a prefix goes out on circuit group \a cg, with the called number in \a fmt. Longest prefix
 *  wins. \returns 0, -EINVAL. Replaces an existing route of the same prefix. */
int isup_route_add(struct isup_relay *r, const char *prefix, const char *cgroup, enum isup_route_format fmt);
int isup_route_del(struct isup_relay *r, const char *prefix);

/*! Relay-wide release cause for a rejection reason. */
void isup_relay_set_reject_cause(struct isup_relay *r, enum np700_reject reason, uint8_t cause);
uint8_t isup_relay_get_reject_cause(struct isup_relay *r, enum np700_reject reason);
/*! Cause for releasing a call whose binding's maximum duration ran out (default 16). */
void isup_relay_set_max_duration_cause(struct isup_relay *r, uint8_t cause);
void isup_relay_set_variant(struct isup_relay *r, enum isup_variant v);

/*! Timers (osmo_tdef, seconds): T1 T5 T7 T9 T35, maintenance T12-T17 T22 T23; the VTY's `timer`
 *  commands edit them. */
struct osmo_tdef *isup_relay_tdefs(struct isup_relay *r);

/*! Install the "isup" and "circuit-group" VTY nodes and the show commands, operating on the
 *  daemon's relay (g_np700->isup). */
void isup_vty_init(void);
/*! Point code as the VTY writes it: 3.8.3 (itu) or 8.8.8 (china); static buffer. */
const char *isup_pc_str(enum isup_variant v, uint32_t pc);

/*! One line of output, without newline. */
typedef void (*isup_print_cb)(void *priv, const char *line);
/*! Describe every call / every busy or blocked circuit, one line each (VTY "show calls",
 *  "show circuits"; also used by tests). */
void isup_relay_dump_calls(struct isup_relay *r, isup_print_cb out, void *priv);
void isup_relay_dump_circuits(struct isup_relay *r, bool all, isup_print_cb out, void *priv);
