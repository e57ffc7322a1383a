/* SCCP segmentation and reassembly (src/sccp_segment.c): internal to the SCCP relay. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <np700/sccp.h>

#define SCCP_REASS_TIMEOUT_S	10	/* T(reass), Q.714: 10 to 20 s */
#define SCCP_REASS_MAX		256	/* reassemblies in progress at most: bounds memory under attack */
#define SCCP_SEG_MAX_DATA	(16 * 255)	/* 16 segments of at most 255 octets */

struct rate_ctr;
struct sccp_reass;
struct sccp_reass_entry;

/* Reassembly state (talloc child of ctx; freeing it also stops its timers). expired (may be NULL)
 * counts the reassemblies given up when T(reass) ran out. */
struct sccp_reass *sccp_reass_alloc(void *ctx, struct rate_ctr *expired);
void sccp_reass_free(struct sccp_reass *ra);
unsigned int sccp_reass_pending(const struct sccp_reass *ra);

/* Feed one received segment (m->seg_present). Returns 1 when the message is complete (*done: its
 * entry, which the caller frees with sccp_reass_entry_free()), 0 when more segments are awaited,
 * -ENOENT for a later segment without its first, -EPROTO for a segment out of sequence, -EMSGSIZE
 * for too much data, -ENOSPC when too many reassemblies are in progress, -ENOMEM. m's buffer is
 * copied; nothing of it is kept. */
int sccp_reass_feed(struct sccp_reass *ra, uint32_t opc, const struct sccp_msg *m, struct sccp_reass_entry **done);
/* The first segment (addresses, class, hop counter) without data or optional part. */
const struct sccp_msg *sccp_reass_entry_msg(const struct sccp_reass_entry *e);
const uint8_t *sccp_reass_entry_data(const struct sccp_reass_entry *e, size_t *len);
void sccp_reass_entry_free(struct sccp_reass_entry *e);

typedef int (*sccp_segment_emit_cb)(const struct sccp_msg *seg, void *priv);
/* User data octets per segment for these addresses (each segment fits an MTP3 SIF of 272). */
int sccp_segment_size(const struct sccp_msg *tmpl, enum sccp_variant v);
/* Split data into XUDT segments with tmpl's addresses and return option, class 1, segmentation
 * parameter with local_ref, and hand each to emit (which must not keep it). Returns the number of
 * segments, -EMSGSIZE for more than 16 segments, or emit's / another negative errno. */
int sccp_segment(const struct sccp_msg *tmpl, const uint8_t *data, size_t len, uint32_t local_ref,
		 enum sccp_variant v, sccp_segment_emit_cb emit, void *priv);
