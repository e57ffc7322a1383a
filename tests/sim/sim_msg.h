/*! \file sim_msg.h
 *  Message helpers of the ss7-sim test peer: names of ISUP and SCCP message types, canned ISUP
 *  answers and a minimal IAM builder (independent of np700's own codecs on purpose: the
 *  simulator is the other side of the wire). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SIM_SI_SCCP	3
#define SIM_SI_ISUP	5

/*! Name of a message type ("IAM", "UDT"), or NULL; si selects the protocol. */
const char *sim_msg_type_name(uint8_t si, uint8_t type);
/*! Message type for a name (case-insensitive) or a number ("0x01", "1"); -1 if unknown.
 *  \param[inout] si  the default SI; set to 3 when the name is SCCP-only, 5 when ISUP-only */
int sim_msg_type_parse(const char *name, uint8_t *si);

/*! The canned ISUP message (type and parameters, no CIC) for a name: ACM, ANM, CON, CPG, REL,
 *  RLC, RSC, GRS, BLA, UBA. \returns its length, or -1 if there is none */
int sim_isup_canned(const char *name, uint8_t *buf, size_t buf_len);

/*! Build an IAM (type and parameters, no CIC) with the called and optional calling number.
 *  A number is "[n:|i:|s:|u:]DIGITS" (nature of address national (default), international,
 *  subscriber, unknown); digits 0-9 and hex a-f (f = ST). calling may be NULL.
 *  \returns the length, or -1 if a number is malformed or buf is too small */
int sim_isup_build_iam(uint8_t *buf, size_t buf_len, const char *called, const char *calling);
