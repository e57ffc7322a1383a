/* The decision API and the record writer of a relay fuzzer, stubbed: the fuzzers test the relays,
 * the store has its own tests. Include in one file of the target: the linker then takes these
 * instead of the archives' (an archive member is only pulled in for a symbol still missing). */
#pragma once

#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/cdr.h>
#include <np700/decision.h>

#define STUB_A	"8613800138000"
#define STUB_B	"8613912345678"

/* AXB on any X: a caller whose number ends in an odd digit reaches B, any other A; no caller and
 * callers of 86137... are refused */
int np700_decide_ex(struct np700_store *st, const char *dialled, const char *caller, enum np700_service svc,
		    time_t now, unsigned int flags, struct np700_decision *out)
{
	memset(out, 0, sizeof(*out));
	OSMO_STRLCPY_ARRAY(out->x, dialled);
	if (!caller[0] || !strncmp(caller, "86137", 5)) {
		out->reject = NP700_REJ_CALLER_NOT_ALLOWED;
		return 0;
	}
	OSMO_STRLCPY_ARRAY(out->connect_to, caller[strlen(caller) - 1] & 1 ? STUB_B : STUB_A);
	OSMO_STRLCPY_ARRAY(out->show_callee, dialled);
	OSMO_STRLCPY_ARRAY(out->show_caller, dialled);
	out->max_duration_s = 100;
	return 0;
}

void np700_decision_note_call(struct np700_store *st, const struct np700_decision *d, const char *caller,
			      time_t now)
{
}

int cdr_write(struct cdr_writer *w, const struct cdr_record *r, time_t now)
{
	return 0;
}
