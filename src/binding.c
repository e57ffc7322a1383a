/* Names of binding modes, call directions and rejection reasons, as the VTY, logs and records print them */
#include <osmocom/core/utils.h>

#include <np700/binding.h>
#include <np700/decision.h>

const struct value_string np700_mode_names[] = {
	{ NP700_MODE_AXB, "AXB" },
	{ NP700_MODE_AXN, "AXN" },
	{ NP700_MODE_AX, "AX" },
	{ NP700_MODE_AXYB, "AXYB" },
	{ 0, NULL }
};

const struct value_string np700_direction_names[] = {
	{ NP700_DIR_BOTH, "both" },
	{ NP700_DIR_A_TO_B, "a-to-b" },
	{ NP700_DIR_B_TO_A, "b-to-a" },
	{ 0, NULL }
};

const struct value_string np700_reject_names[] = {
	{ NP700_REJ_NONE, "none" },
	{ NP700_REJ_NOT_PROTECTED, "not-protected" },
	{ NP700_REJ_INVALID_NUMBER, "invalid-number" },
	{ NP700_REJ_UNKNOWN_NUMBER, "unknown-number" },
	{ NP700_REJ_NO_BINDING, "no-binding" },
	{ NP700_REJ_EXPIRED, "expired" },
	{ NP700_REJ_CALLER_NOT_ALLOWED, "caller-not-allowed" },
	{ NP700_REJ_DIRECTION, "direction" },
	{ NP700_REJ_SERVICE, "service" },
	{ NP700_REJ_CUSTOMER_SUSPENDED, "customer-suspended" },
	{ NP700_REJ_BLOCKED_CALLER, "blocked-caller" },
	{ NP700_REJ_BLOCKED_CALLEE, "blocked-callee" },
	{ NP700_REJ_TIME_WINDOW, "time-window" },
	{ NP700_REJ_RATE_LIMIT, "rate-limit" },
	{ NP700_REJ_CALL_CAP, "call-cap" },
	{ NP700_REJ_NO_CALLBACK, "no-callback" },
	{ NP700_REJ_STORE_ERROR, "store-error" },
	{ 0, NULL }
};
