/*! \file decision.h
 *  The one decision API shared by the ISUP relay and the MAP/SMS router (DESIGN §4, §5).
 *  Given the dialled number and the caller, say whom to connect and what each side sees,
 *  or why not. */
#pragma once

#include <stdint.h>
#include <time.h>
#include <np700/binding.h>

struct np700_store;

/*! Why a call/SMS is refused. Each reason is counted, logged, recorded, and mapped to a
 *  release cause / MAP error by configuration. */
enum np700_reject {
	NP700_REJ_NONE,			/*!< allowed */
	NP700_REJ_NOT_PROTECTED,	/*!< dialled number is not in the protected range at all */
	NP700_REJ_INVALID_NUMBER,	/*!< in the range but wrong length / not digits */
	NP700_REJ_UNKNOWN_NUMBER,	/*!< X belongs to no customer's pool */
	NP700_REJ_NO_BINDING,		/*!< X has no binding that covers this caller */
	NP700_REJ_EXPIRED,		/*!< binding found but expired */
	NP700_REJ_CALLER_NOT_ALLOWED,	/*!< e.g. AXB and caller is neither A nor B */
	NP700_REJ_DIRECTION,		/*!< binding forbids this direction */
	NP700_REJ_SERVICE,		/*!< voice/SMS not allowed on this binding */
	NP700_REJ_CUSTOMER_SUSPENDED,
	NP700_REJ_BLOCKED_CALLER,
	NP700_REJ_BLOCKED_CALLEE,
	NP700_REJ_TIME_WINDOW,		/*!< outside the customer's time-of-day window */
	NP700_REJ_RATE_LIMIT,
	NP700_REJ_CALL_CAP,		/*!< binding's max number of calls reached */
	NP700_REJ_NO_CALLBACK,		/*!< AX: A called X, no call-back target within the window */
	NP700_REJ_STORE_ERROR,
	_NP700_REJ_NUM
};
extern const struct value_string np700_reject_names[];
static inline const char *np700_reject_name(enum np700_reject r) { return get_value_string(np700_reject_names, r); }

enum np700_service {
	NP700_SERVICE_VOICE = NP700_SVC_VOICE,
	NP700_SERVICE_SMS = NP700_SVC_SMS,
};

/*! The outcome of one decision. */
struct np700_decision {
	enum np700_reject reject;
	/* filled whenever a binding was found (also on most rejections, for the record) */
	uint64_t binding_id;
	uint32_t customer_id;
	char order_id[NP700_ORDER_ID_MAXLEN + 1];
	enum np700_mode mode;
	char x[NP700_NUM_MAXLEN + 1];		/*!< the protected number that was dialled (X or Y) */
	/* filled when allowed */
	char connect_to[NP700_NUM_MAXLEN + 1];	/*!< real callee, canonical E.164 */
	char show_callee[NP700_NUM_MAXLEN + 1];	/*!< calling number presented to the callee (X or Y) */
	char show_caller[NP700_NUM_MAXLEN + 1];	/*!< connected number presented back to the caller */
	uint8_t services;
	uint32_t max_duration_s;		/*!< 0 = unlimited */
	bool callback;				/*!< AX: A calls X back, connect_to is X's last caller */
};

/*! np700_decide_ex() flags */
#define NP700_DECIDE_DRY_RUN	0x01	/*!< no side effects: no rate counting, no blocking (VTY "show") */
/*! \a dialled is X as np700_protected_normalise() returned it (the ISUP relay's try_complete(),
 *  the SMS router's correlation and MO-ForwardSM):
 *  not normalised a second time, only its length checked */
#define NP700_DECIDE_IS_X	0x02

/*! Decide a call or SMS. \a dialled is the called number normalised to the protected range's
 *  national form, \a caller the caller's canonical E.164 number. Pure read of the store plus
 *  the in-memory fraud/rate state; never blocks on writers.
 *  \returns 0 (see out->reject), or negative errno on store failure (out->reject = STORE_ERROR). */
int np700_decide(struct np700_store *st, const char *dialled, const char *caller,
		 enum np700_service svc, time_t now, struct np700_decision *out);

/*! Like np700_decide() with NP700_DECIDE_* \a flags. Without DRY_RUN an allowed decision counts
 *  one attempt in the rate windows, and a tripped rate limit blocks the caller for the customer's
 *  block time (in memory at once; written to the store's blocklist by np700_fraud_flush()). */
int np700_decide_ex(struct np700_store *st, const char *dialled, const char *caller,
		    enum np700_service svc, time_t now, unsigned int flags, struct np700_decision *out);

/*! The relay calls this when it actually places the call/SMS that \a d allowed: counts the call
 *  against the binding's max_calls and, for AX, remembers \a caller as the call-back target.
 *  Kept in memory (fraud.c) and written to the store's usage table by np700_fraud_flush() from
 *  the purge timer, so a restart loses at most the last interval. */
void np700_decision_note_call(struct np700_store *st, const struct np700_decision *d, const char *caller,
			      time_t now);
