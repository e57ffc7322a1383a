/*! \file fraud.h
 *  Fraud monitoring (DESIGN §5): rate limits counted in memory — call attempts per X per
 *  minute, per binding per hour, distinct X per caller per hour — temporary blocks of callers
 *  that trip a limit, and per-binding usage (calls so far, last caller for AX call-back).
 *  Windows are fixed (this minute, this hour), not sliding: cheap, and good enough to stop a
 *  flood. The state hangs off the store (one per store); np700_fraud_flush() writes usage and
 *  new blocks to the store from the purge timer. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <np700/binding.h>
#include <np700/decision.h>
#include <np700/store.h>

struct np700_fraud;
struct MDB_txn;
struct MDB_val;

/*! Usage of one binding. */
struct np700_fraud_usage {
	uint32_t calls;				/*!< calls placed so far (for max_calls) */
	char last_caller[NP700_NUM_MAXLEN + 1];	/*!< AX: the most recent caller other than A */
	int64_t last_time;			/*!< when last_caller called */
};

struct np700_fraud *np700_fraud_alloc(void *ctx);
/*! The fraud state of a store. */
struct np700_fraud *np700_store_fraud(struct np700_store *st);

/*! Would one more attempt by \a caller to \a x on binding \a id exceed \a lim?
 *  \returns NP700_REJ_NONE or NP700_REJ_RATE_LIMIT. No side effects. */
enum np700_reject np700_fraud_check(struct np700_fraud *fr, const struct np700_rate_limits *lim, const char *x,
				    const char *caller, uint64_t id, time_t now);
/*! Count one attempt (only the windows whose limit in \a lim is set). */
void np700_fraud_count(struct np700_fraud *fr, const struct np700_rate_limits *lim, const char *x,
		       const char *caller, uint64_t id, time_t now);
/*! Block \a caller until \a until (in memory now; in the store's blocklist after the next flush). */
void np700_fraud_block(struct np700_fraud *fr, const char *caller, int64_t until);
/*! Is \a caller blocked by a tripped limit (memory only; the store's blocklist is separate)? */
bool np700_fraud_blocked(struct np700_fraud *fr, const char *caller, time_t now);

/*! Usage of binding \a id: from memory, else the store's (from its record \a rec as the caller
 *  read it in \a t) plus what was noted in memory since, which stays in memory (not dirty). */
void np700_fraud_usage(struct np700_store *st, struct MDB_txn *t, uint64_t id, const struct MDB_val *rec,
		       struct np700_fraud_usage *u);
/*! A call was placed on binding \a id: calls++, and if \a caller is given it becomes last_caller.
 *  Reads nothing from the store: np700_fraud_flush() adds the calls to the stored count. */
void np700_fraud_note_call(struct np700_fraud *fr, uint64_t id, const char *caller, time_t now);
/*! Binding \a id is gone: drop its state. */
void np700_fraud_forget_binding(struct np700_fraud *fr, uint64_t id);

/*! Write dirty usage and new blocks to the store in one transaction, and drop idle state.
 *  Called from the purge timer. \returns 0 or negative errno (state stays dirty, retried). */
int np700_fraud_flush(struct np700_store *st, time_t now);
