/*! \file map_load.h
 *  ss7-sim's MAP load mode: responders in C for the HLR role (SendRoutingInfoForSM) and the MSC
 *  role (MT-ForwardSM), and an SMSC load generator (per SMS: SendRoutingInfoForSM for the
 *  recipient, then MT-ForwardSM to the node the HLR named), WINDOW SMS in flight. A responder
 *  loop in bash that runs a decoder per message is far too slow for a load in UML; this is the
 *  load side of tests/uml/bench_map.sh. Messages are built and read with np700's own codecs
 *  (map_sim.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*! What the MAP load mode needs from ss7-sim. */
struct map_load_io {
	/*! Send an SCCP message (SI=3) from the own point code to \a dpc. \returns 0 or negative */
	int (*tx)(uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len);
	/*! A node name of the nodes file or a point code: the point code, or negative. */
	int (*parse_pc)(const char *s);
	/*! The value of "key=value" among argv[from..argc), or NULL. */
	const char *(*opt)(char **argv, int argc, int from, const char *key);
	/*! The load has ended and printed its MAPLOAD line: the script goes on. */
	void (*done)(void);
};

/*! Set up the MAP load mode; \a ctx owns its memory. */
void map_load_init(void *ctx, const struct map_load_io *io);

/*! Run a script command if it is one of the MAP load mode's:
 *   map-respond hlr [nnn=GT] [imsi-prefix=DIGITS] | map-respond msc | map-respond off
 *   map-load DPC SMS WINDOW MSISDN SENDER [count=K] [route=PREFIX:DPC,...] [gt=GT] [version=V]
 *            [dlg-timeout=MS] [timeout=MS]
 *  (see ss7-sim -h). \returns 0 done, 1 a load has started (the script waits for io->done()),
 *  -1 bad arguments, -2 not a command of the MAP load mode */
int map_load_cmd(char **argv, int argc);

/*! A received MTP user part. \returns true if a responder answered it or it belongs to the
 *  running load (then it is not printed or queued), false for the normal handling */
bool map_load_rx(uint8_t si, uint32_t opc, uint8_t sls, const uint8_t *data, size_t len);

/*! Print a MAPRESPOND line with the responders' counters, if a responder was enabled. */
void map_load_summary(void);
