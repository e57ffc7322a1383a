/*! \file binding.h
 *  A binding ties a protected number X to real numbers (DESIGN §4). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <osmocom/core/utils.h>

/*! Longest number np700 handles, digits only (E.164 max is 15; a 700 number is 15). */
#define NP700_NUM_MAXLEN	15
#define NP700_ORDER_ID_MAXLEN	63

enum np700_mode {
	NP700_MODE_AXB,
	NP700_MODE_AXN,
	NP700_MODE_AX,
	NP700_MODE_AXYB,
	_NP700_MODE_NUM
};
extern const struct value_string np700_mode_names[];
static inline const char *np700_mode_name(enum np700_mode m) { return get_value_string(np700_mode_names, m); }

/*! Which way calls may go; A and B as in the binding. */
enum np700_direction {
	NP700_DIR_BOTH,
	NP700_DIR_A_TO_B,
	NP700_DIR_B_TO_A,
	_NP700_DIR_NUM
};
extern const struct value_string np700_direction_names[];
static inline const char *np700_direction_name(enum np700_direction d) { return get_value_string(np700_direction_names, d); }

#define NP700_SVC_VOICE	0x01
#define NP700_SVC_SMS	0x02

/*! One binding. Numbers are digit strings: x/y in the protected range (national form, e.g.
 *  "700123456789012"), a/b canonical international E.164 ("8613800138000"). */
struct np700_binding {
	uint64_t id;			/*!< assigned by the store on create */
	uint32_t customer_id;
	char order_id[NP700_ORDER_ID_MAXLEN + 1];	/*!< platform's id, echoed in records */
	enum np700_mode mode;
	char x[NP700_NUM_MAXLEN + 1];
	char y[NP700_NUM_MAXLEN + 1];	/*!< AXYB only: the number B dials and A is shown */
	char a[NP700_NUM_MAXLEN + 1];
	char b[NP700_NUM_MAXLEN + 1];	/*!< AXB/AXYB: B; AXN: N (A's default callee); AX: empty */
	int64_t created;		/*!< unix seconds */
	int64_t expires;		/*!< unix seconds; 0 = no expiry (AX only) */
	uint8_t services;		/*!< NP700_SVC_* */
	enum np700_direction direction;
	uint32_t max_duration_s;	/*!< 0 = unlimited */
	uint32_t max_calls;		/*!< 0 = unlimited */
	bool callback_allowed;		/*!< AX only */
	uint32_t callback_window_s;	/*!< AX only */
};
