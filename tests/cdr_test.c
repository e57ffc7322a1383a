/* call records: CSV format and quoting, daily rotation, header, retention purge */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include <osmocom/core/application.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/cdr.h>
#include <np700/logging.h>

static char dir[] = "/tmp/np700-cdr-test-XXXXXX";

static void cat(const char *name)
{
	char path[512], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		printf("%s: missing\n", name);
		return;
	}
	printf("--- %s\n", name);
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);
		/* show the RFC 4180 CRLF line ends */
		if (l >= 2 && line[l - 2] == '\r')
			strcpy(line + l - 2, "<CRLF>\n");
		fputs(line, stdout);
	}
	fclose(f);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char **)a, *(const char **)b);
}

static void ls(void)
{
	struct dirent *de;
	char *names[64];
	int n = 0, i;
	DIR *d = opendir(dir);

	while ((de = readdir(d)) && n < 64)
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("files:");
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void touch(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fclose(f);
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "cdr_test");
	struct cdr_writer *w;
	struct cdr_record r = {
		.kind = CDR_KIND_VOICE,
		.t_seize = 1764000000000000ULL,
		.t_alert = 1764000001500000ULL,
		.t_answer = 1764000003000000ULL,
		.t_release = 1764000063250000ULL,
		.x = "700123456789012",
		.caller = "8613800138000",
		.callee = "8613900139000",
		.shown_callee = "700123456789012",
		.shown_caller = "700123456789012",
		.customer_id = 1,
		.binding_id = 42,
		.order_id = "order \"7\", express",
		.outcome = CDR_OUT_ANSWERED,
		.reason = NULL,
		.cause = 16,
		.released_by = CDR_REL_CALLEE,
		.in = { .opc = 2050, .dpc = 2049, .cic = 1, .valid = true },
		.out = { .opc = 2049, .dpc = 2051, .cic = 17, .valid = true },
	};
	struct cdr_record rej = {
		.kind = CDR_KIND_VOICE,
		.t_seize = 1764000100000000ULL,
		.t_release = 1764000100002000ULL,
		.x = "700123456789012",
		.caller = "8613700137000",
		.customer_id = 1,
		.outcome = CDR_OUT_REJECTED,
		.reason = "caller-not-allowed",
		.cause = 21,
		.released_by = CDR_REL_NP700,
		.in = { .opc = 2050, .dpc = 2049, .cic = 2, .valid = true },
	};
	struct cdr_record sms = {
		.kind = CDR_KIND_SMS,
		.t_seize = 1764086400000000ULL,
		.t_release = 1764086400300000ULL,
		.x = "700123456789012",
		.caller = "8613800138000",
		.callee = "8613900139000",
		.shown_callee = "700123456789012",
		.customer_id = 1,
		.binding_id = 42,
		.order_id = "line1\nline2",
		.outcome = CDR_OUT_ANSWERED,
		.cause = -1,
	};
	struct cdr_writer_stats s;
	char line[1024];

	setenv("TZ", "Asia/Shanghai", 1);
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_category(osmo_stderr_target, 1);

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}

	printf("header: %s\n", cdr_csv_header);
	cdr_format(&r, line, sizeof(line));
	printf("answered: %s\n", line);
	cdr_format(&rej, line, sizeof(line));
	printf("rejected: %s\n", line);
	printf("too small buffer: %d\n", cdr_format(&r, line, 20));

	printf("\nretention below 730 days is raised\n");
	w = cdr_writer_alloc(ctx, dir, 30);

	printf("\nwrite two records on 2025-11-25 (Asia/Shanghai) and one SMS the next day\n");
	cdr_write(w, &r, r.t_seize / 1000000);
	cdr_write(w, &rej, rej.t_seize / 1000000);
	cdr_write(w, &sms, sms.t_seize / 1000000);
	cdr_writer_flush(w);
	ls();
	cat("np700-20251125.csv");
	cat("np700-20251126.csv");

	printf("\nreopen (SIGHUP) appends without a second header\n");
	cdr_writer_reopen(w);
	cdr_write(w, &rej, sms.t_seize / 1000000);
	cdr_writer_flush(w);
	cat("np700-20251126.csv");

	printf("\npurge: 730 days kept, other files left alone\n");
	touch("np700-20231125.csv");	/* 732 days before 2025-11-26: removed */
	touch("np700-20231127.csv");	/* 730 days: kept */
	touch("notes.txt");
	touch("np700-2023112.csv");
	printf("removed %d\n", cdr_writer_purge(w, sms.t_seize / 1000000));
	ls();

	cdr_writer_get_stats(w, &s);
	printf("written=%llu lost=%llu removed=%llu\n", (unsigned long long)s.written, (unsigned long long)s.lost,
	       (unsigned long long)s.files_removed);

	printf("\nunwritable directory: record counted as lost\n");
	cdr_writer_set_dir(w, "/proc/np700-no-such-dir/x");
	printf("rc=%s\n", cdr_write(w, &r, r.t_seize / 1000000) < 0 ? "error" : "ok");
	cdr_writer_get_stats(w, &s);
	printf("lost=%llu\n", (unsigned long long)s.lost);

	cdr_writer_free(w);
	{
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			return 1;
	}
	talloc_free(ctx);
	return 0;
}
