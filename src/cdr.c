/* Call and usage records: daily CSV files, RFC 4180 quoting, durable once a second (DESIGN §6) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/cdr.h>
#include <np700/logging.h>

#define CDR_FLUSH_MS		1000
#define CDR_PURGE_S		3600

const struct value_string cdr_kind_names[] = {
	{ CDR_KIND_VOICE, "voice" },
	{ CDR_KIND_SMS, "sms" },
	{ 0, NULL }
};

const struct value_string cdr_outcome_names[] = {
	{ CDR_OUT_ANSWERED, "answered" },
	{ CDR_OUT_UNANSWERED, "unanswered" },
	{ CDR_OUT_REJECTED, "rejected" },
	{ CDR_OUT_FAILED, "failed" },
	{ 0, NULL }
};

const struct value_string cdr_released_by_names[] = {
	{ CDR_REL_NONE, "" },
	{ CDR_REL_CALLER, "caller" },
	{ CDR_REL_CALLEE, "callee" },
	{ CDR_REL_NP700, "np700" },
	{ 0, NULL }
};

const char *cdr_csv_header =
	"kind,seize,alert,answer,release,duration_ms,x,caller,callee,shown_to_callee,shown_to_caller,"
	"customer,binding_id,order_id,outcome,reason,cause,released_by,"
	"in_opc,in_dpc,in_cic,out_opc,out_dpc,out_cic";

struct cdr_writer {
	char *dir;
	unsigned int retention_days;
	FILE *f;
	int fday;			/*!< yyyymmdd of the open file */
	bool dirty;
	unsigned int unflushed;		/*!< records written since the last successful flush */
	struct osmo_timer_list flush_timer;
	struct osmo_timer_list purge_timer;
	struct cdr_writer_stats stats;
};

/* RFC 4180: quote a field if it holds a comma, quote, CR or LF; double inner quotes */
static int csv_field(char *buf, size_t len, const char *s, bool last)
{
	size_t o = 0;
	bool quote = s && strpbrk(s, ",\"\r\n");
	const char *p;

#define PUT(c) do { if (o + 1 >= len) return -ENOSPC; buf[o++] = (c); } while (0)
	if (quote)
		PUT('"');
	for (p = s ? s : ""; *p; p++) {
		if (*p == '"')
			PUT('"');
		PUT(*p);
	}
	if (quote)
		PUT('"');
	if (!last)
		PUT(',');
#undef PUT
	buf[o] = '\0';
	return o;
}

/* ISO 8601 local time with milliseconds. localtime_r() and snprintf() cost ~3,000 instructions
 * per timestamp, four per record; timestamps of one second share their first 19 characters, so
 * the last second's are kept (per thread: records may be formatted off the main thread). */
static void fmt_time(char *buf, size_t len, uint64_t us)
{
	static __thread struct {
		time_t t;
		char s[24];
	} last = { .t = -1 };
	time_t t = us / 1000000;
	unsigned int ms = (us / 1000) % 1000;
	struct tm tm;

	if (!us || len < 24) {
		buf[0] = '\0';
		return;
	}
	if (t != last.t) {
		localtime_r(&t, &tm);
		snprintf(last.s, sizeof(last.s), "%04u-%02u-%02uT%02u:%02u:%02u", (unsigned)(tm.tm_year + 1900) % 10000,
			 (unsigned)(tm.tm_mon + 1) % 100, (unsigned)tm.tm_mday % 100, (unsigned)tm.tm_hour % 100,
			 (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100);
		last.t = t;
	}
	memcpy(buf, last.s, 19);
	buf[19] = '.';
	buf[20] = '0' + ms / 100;
	buf[21] = '0' + ms / 10 % 10;
	buf[22] = '0' + ms % 10;
	buf[23] = '\0';
}

static void fmt_leg(char *opc, char *dpc, char *cic, size_t len, const struct cdr_leg *l, bool with_cic)
{
	opc[0] = dpc[0] = cic[0] = '\0';
	if (!l->valid)
		return;
	snprintf(opc, len, "%u", l->opc);
	snprintf(dpc, len, "%u", l->dpc);
	if (with_cic)
		snprintf(cic, len, "%u", l->cic);
}

int cdr_format(const struct cdr_record *r, char *buf, size_t len)
{
	char t[4][64], dur[24] = "", cust[16], bid[24], cause[16] = "";
	char io[3][16], oo[3][16];
	const char *fields[24];
	size_t o = 0;
	int i, n = 0, rc;

	fmt_time(t[0], sizeof(t[0]), r->t_seize);
	fmt_time(t[1], sizeof(t[1]), r->t_alert);
	fmt_time(t[2], sizeof(t[2]), r->t_answer);
	fmt_time(t[3], sizeof(t[3]), r->t_release);
	if (r->t_answer && r->t_release >= r->t_answer)
		snprintf(dur, sizeof(dur), "%" PRIu64, (r->t_release - r->t_answer) / 1000);
	snprintf(cust, sizeof(cust), "%u", r->customer_id);
	snprintf(bid, sizeof(bid), "%" PRIu64, r->binding_id);
	if (r->cause >= 0)
		snprintf(cause, sizeof(cause), "%d", r->cause);
	fmt_leg(io[0], io[1], io[2], sizeof(io[0]), &r->in, r->kind == CDR_KIND_VOICE);
	fmt_leg(oo[0], oo[1], oo[2], sizeof(oo[0]), &r->out, r->kind == CDR_KIND_VOICE);

	fields[n++] = get_value_string(cdr_kind_names, r->kind);
	for (i = 0; i < 4; i++)
		fields[n++] = t[i];
	fields[n++] = dur;
	fields[n++] = r->x;
	fields[n++] = r->caller;
	fields[n++] = r->callee;
	fields[n++] = r->shown_callee;
	fields[n++] = r->shown_caller;
	fields[n++] = r->customer_id ? cust : "";
	fields[n++] = r->binding_id ? bid : "";
	fields[n++] = r->order_id;
	fields[n++] = get_value_string(cdr_outcome_names, r->outcome);
	fields[n++] = r->reason ? r->reason : "";
	fields[n++] = cause;
	fields[n++] = get_value_string(cdr_released_by_names, r->released_by);
	for (i = 0; i < 3; i++)
		fields[n++] = io[i];
	for (i = 0; i < 3; i++)
		fields[n++] = oo[i];

	for (i = 0; i < n; i++) {
		rc = csv_field(buf + o, len - o, fields[i], i == n - 1);
		if (rc < 0)
			return rc;
		o += rc;
	}
	return o;
}

static int local_day(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static void close_file(struct cdr_writer *w)
{
	if (!w->f)
		return;
	cdr_writer_flush(w);
	/* a failed flush has closed the stream already */
	if (w->f)
		fclose(w->f);
	w->f = NULL;
}

static int open_file(struct cdr_writer *w, int day)
{
	char path[512];
	struct stat st;
	bool fresh;

	snprintf(path, sizeof(path), "%s/np700-%08d.csv", w->dir, day);
	fresh = stat(path, &st) < 0 || st.st_size == 0;
	w->f = fopen(path, "a");
	if (!w->f) {
		LOGP(DCDR, LOGL_ERROR, "Cannot open record file %s: %s\n", path, strerror(errno));
		return -errno;
	}
	w->fday = day;
	OSMO_STRLCPY_ARRAY(w->stats.current_file, path);
	if (fresh) {
		fputs(cdr_csv_header, w->f);
		fputs("\r\n", w->f);
		w->dirty = true;
	}
	LOGP(DCDR, LOGL_INFO, "Writing records to %s\n", path);
	return 0;
}

static int mkdir_p(const char *dir)
{
	char tmp[512], *p;

	if (osmo_strlcpy(tmp, dir, sizeof(tmp)) >= sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0750) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int cdr_write(struct cdr_writer *w, const struct cdr_record *r, time_t now)
{
	char line[1024];
	int day = local_day(now), rc;

	rc = cdr_format(r, line, sizeof(line));
	if (rc < 0)
		goto lost;
	if (w->f && w->fday != day)
		close_file(w);
	if (!w->f) {
		rc = mkdir_p(w->dir);
		if (rc < 0 || (rc = open_file(w, day)) < 0)
			goto lost;
	}
	if (fputs(line, w->f) < 0 || fputs("\r\n", w->f) < 0) {
		rc = -errno;
		goto lost;
	}
	w->dirty = true;
	w->unflushed++;
	w->stats.written++;
	return 0;
lost:
	w->stats.lost++;
	LOGP(DCDR, LOGL_ERROR, "Record lost (%s): %s\n", strerror(-rc), line);
	return rc;
}

int cdr_writer_flush(struct cdr_writer *w)
{
	if (!w->f || !w->dirty)
		return 0;
	w->dirty = false;
	if (fflush(w->f) != 0 || fdatasync(fileno(w->f)) != 0) {
		int err = errno;
		FILE *f = w->f;

		/* a full disk shows here, not in fputs(): the records still in the buffer are lost;
		 * count them as such (issue 6) and drop the stream, the next record reopens the file */
		LOGP(DCDR, LOGL_ERROR, "Flushing %s failed: %s; %u record(s) lost\n", w->stats.current_file,
		     strerror(err), w->unflushed);
		w->stats.lost += w->unflushed;
		w->stats.written -= OSMO_MIN(w->stats.written, (uint64_t)w->unflushed);
		w->unflushed = 0;
		w->f = NULL;
		fclose(f);
		return -err;
	}
	w->unflushed = 0;
	return 0;
}

void cdr_writer_reopen(struct cdr_writer *w)
{
	close_file(w);
}

/* file names are np700-YYYYMMDD.csv; anything else in the directory is left alone */
int cdr_writer_purge(struct cdr_writer *w, time_t now)
{
	time_t limit = now - (time_t)w->retention_days * 86400;
	int oldest_kept = local_day(limit), removed = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(w->dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[512], tail[8];
		int day;

		if (sscanf(de->d_name, "np700-%8d.%4s", &day, tail) != 2 || strcmp(tail, "csv"))
			continue;
		if (strlen(de->d_name) != strlen("np700-YYYYMMDD.csv") || day >= oldest_kept || day == w->fday)
			continue;
		snprintf(path, sizeof(path), "%s/%s", w->dir, de->d_name);
		if (unlink(path) == 0) {
			removed++;
			w->stats.files_removed++;
			LOGP(DCDR, LOGL_NOTICE, "Removed record file %s (older than %u days)\n", path,
			     w->retention_days);
		}
	}
	closedir(d);
	return removed;
}

static void flush_cb(void *data)
{
	struct cdr_writer *w = data;

	cdr_writer_flush(w);
	osmo_timer_schedule(&w->flush_timer, CDR_FLUSH_MS / 1000, (CDR_FLUSH_MS % 1000) * 1000);
}

static void purge_cb(void *data)
{
	struct cdr_writer *w = data;

	cdr_writer_purge(w, time(NULL));
	osmo_timer_schedule(&w->purge_timer, CDR_PURGE_S, 0);
}

void cdr_writer_start_timers(struct cdr_writer *w)
{
	osmo_timer_setup(&w->flush_timer, flush_cb, w);
	osmo_timer_setup(&w->purge_timer, purge_cb, w);
	osmo_timer_schedule(&w->flush_timer, CDR_FLUSH_MS / 1000, (CDR_FLUSH_MS % 1000) * 1000);
	osmo_timer_schedule(&w->purge_timer, 10, 0);
}

static int writer_destructor(struct cdr_writer *w)
{
	close_file(w);
	osmo_timer_del(&w->flush_timer);
	osmo_timer_del(&w->purge_timer);
	return 0;
}

struct cdr_writer *cdr_writer_alloc(void *ctx, const char *dir, unsigned int retention_days)
{
	struct cdr_writer *w = talloc_zero(ctx, struct cdr_writer);

	if (!w)
		return NULL;
	w->dir = talloc_strdup(w, dir);
	cdr_writer_set_retention(w, retention_days);
	talloc_set_destructor(w, writer_destructor);
	return w;
}

void cdr_writer_free(struct cdr_writer *w)
{
	talloc_free(w);
}

int cdr_writer_set_dir(struct cdr_writer *w, const char *dir)
{
	close_file(w);
	osmo_talloc_replace_string(w, &w->dir, dir);
	return 0;
}

void cdr_writer_set_retention(struct cdr_writer *w, unsigned int days)
{
	if (days < CDR_RETENTION_MIN_DAYS) {
		LOGP(DCDR, LOGL_NOTICE, "Record retention %u days raised to the minimum of %u\n", days,
		     CDR_RETENTION_MIN_DAYS);
		days = CDR_RETENTION_MIN_DAYS;
	}
	w->retention_days = days;
}

void cdr_writer_get_stats(const struct cdr_writer *w, struct cdr_writer_stats *s)
{
	*s = w->stats;
}
