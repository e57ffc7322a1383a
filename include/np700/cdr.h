/*! \file cdr.h
 *  Call and usage records (DESIGN §6): one CSV line per call attempt and per SMS, in daily
 *  files np700-YYYYMMDD.csv (local date) with a header line and RFC 4180 quoting, flushed to
 *  disk at least once a second, removed only after the retention period (>= 730 days). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <osmocom/core/utils.h>
#include <np700/binding.h>

#define CDR_RETENTION_MIN_DAYS	730

enum cdr_kind {
	CDR_KIND_VOICE,
	CDR_KIND_SMS,
};
extern const struct value_string cdr_kind_names[];

enum cdr_outcome {
	CDR_OUT_ANSWERED,	/*!< call answered (or SMS delivered) */
	CDR_OUT_UNANSWERED,	/*!< released before answer */
	CDR_OUT_REJECTED,	/*!< refused by np700's checks (see reason) */
	CDR_OUT_FAILED,		/*!< could not be completed (no route, no circuit, peer error, timeout) */
};
extern const struct value_string cdr_outcome_names[];

enum cdr_released_by {
	CDR_REL_NONE,
	CDR_REL_CALLER,
	CDR_REL_CALLEE,
	CDR_REL_NP700,
};
extern const struct value_string cdr_released_by_names[];

/*! One leg's signalling identity. */
struct cdr_leg {
	uint32_t opc;
	uint32_t dpc;
	uint16_t cic;		/*!< ISUP only */
	bool valid;
};

struct cdr_record {
	enum cdr_kind kind;
	/* times in microseconds since the epoch, 0 = did not happen */
	uint64_t t_seize;
	uint64_t t_alert;
	uint64_t t_answer;
	uint64_t t_release;
	char x[NP700_NUM_MAXLEN + 1];		/*!< the protected number dialled */
	char caller[NP700_NUM_MAXLEN + 1];	/*!< caller's real number */
	char callee[NP700_NUM_MAXLEN + 1];	/*!< callee's real number (empty if rejected before) */
	char shown_callee[NP700_NUM_MAXLEN + 1];	/*!< number presented to the callee */
	char shown_caller[NP700_NUM_MAXLEN + 1];	/*!< number presented back to the caller */
	uint32_t customer_id;
	uint64_t binding_id;
	char order_id[NP700_ORDER_ID_MAXLEN + 1];
	enum cdr_outcome outcome;
	const char *reason;			/*!< np700_reject name or a failure text; NULL = none */
	int cause;				/*!< Q.850 release cause, or MAP error; -1 = none */
	enum cdr_released_by released_by;
	struct cdr_leg in;
	struct cdr_leg out;
};

struct cdr_writer;

/*! Create a writer for \a dir (created if missing). Files are opened lazily on first write.
 *  \a retention_days below CDR_RETENTION_MIN_DAYS is raised to it. */
struct cdr_writer *cdr_writer_alloc(void *ctx, const char *dir, unsigned int retention_days);
void cdr_writer_free(struct cdr_writer *w);
/*! Change directory / retention at run time (VTY). */
int cdr_writer_set_dir(struct cdr_writer *w, const char *dir);
void cdr_writer_set_retention(struct cdr_writer *w, unsigned int days);

/*! Append one record to the file of \a now's local date (rotating if the date changed).
 *  Buffered; made durable by cdr_writer_flush(), which a 1 s timer calls.
 *  \returns 0, or negative errno (the record is counted as lost and logged). */
int cdr_write(struct cdr_writer *w, const struct cdr_record *r, time_t now);
/*! fflush + fdatasync of the current file. */
int cdr_writer_flush(struct cdr_writer *w);
/*! SIGHUP: close the file; the next write reopens it (after log rotation by an outside tool). */
void cdr_writer_reopen(struct cdr_writer *w);
/*! Remove record files whose date is older than the retention period. \returns files removed. */
int cdr_writer_purge(struct cdr_writer *w, time_t now);
/*! Start the 1 s flush timer and the daily purge (daemon only; tests call flush themselves). */
void cdr_writer_start_timers(struct cdr_writer *w);

/*! Counters of the writer (written, lost, files opened/removed), for the VTY. */
struct cdr_writer_stats {
	uint64_t written;
	uint64_t lost;
	uint64_t files_removed;
	char current_file[256];
};
void cdr_writer_get_stats(const struct cdr_writer *w, struct cdr_writer_stats *s);

/*! Format one record as a CSV line (no newline) into \a buf; for tests and the writer. */
int cdr_format(const struct cdr_record *r, char *buf, size_t len);
extern const char *cdr_csv_header;

/*! Install the "records" VTY node (src/cdr_vty.c). */
void cdr_vty_init(void);
