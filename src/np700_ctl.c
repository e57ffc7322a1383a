/* np700-ctl: provisioning from scripts — single operations as arguments, bulk from CSV */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/nb_client.h>
#include <np700/nb_proto.h>
#include <np700/number.h>

enum out_format { FMT_JSON, FMT_CSV };

static struct {
	const char *host;
	uint16_t port;
	const char *unit;
	enum out_format fmt;
	unsigned int window;
	int timeout_ms;
	bool quiet;
} opt = {
	.host = "127.0.0.1",
	.port = NB_DEFAULT_PORT,
	.unit = "np700-ctl",
	.fmt = FMT_JSON,
	.window = 2048,
	.timeout_ms = 30000,
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: np700-ctl [OPTIONS] COMMAND [ARGS]\n"
"Options:\n"
"  -H, --host HOST         np700 provisioning server (default 127.0.0.1)\n"
"  -p, --port PORT         TCP port (default 4292)\n"
"  -u, --unit NAME         IPA unit name to identify with (default np700-ctl)\n"
"  -f, --format json|csv   result lines as JSON lines (default) or CSV with a header\n"
"  -w, --window N          bulk: requests in flight at most (default 2048)\n"
"  -t, --timeout SECONDS   give up waiting for an answer after this long (default 30)\n"
"  -q, --quiet             bulk: no progress lines on stderr\n"
"Commands:\n"
"  create --customer N --mode AXB|AXN|AX|AXYB --x X [--y Y] --a A [--b B] [ATTRIBUTES]\n"
"  update --id ID [--mode M] [--x X] [--y Y] [--a A] [--b B] [ATTRIBUTES]\n"
"  delete --id ID\n"
"  get --id ID\n"
"  list-number --x X\n"
"  list-customer --customer N\n"
"  bulk < FILE.csv\n"
"Attributes:\n"
"  --order ID  --expires T  --services voice,sms  --direction both|a-to-b|b-to-a\n"
"  --max-duration S  --max-calls N  --callback yes|no  --callback-window S\n"
"  T is unix seconds, +N[s|m|h|d] from now, or 0/never (mode AX only).\n"
"  '-' as the value of --order, --y or --b removes it (update, e.g. to mode AX).\n"
"  X and Y are protected numbers in national form (700 + 12 digits); A and B are\n"
"  canonical international E.164 numbers (8613800138000).\n"
"Bulk CSV columns (RFC 4180; a first line starting with 'op,' is a header naming the columns\n"
"in any order; without one the order is):\n"
"  op,mode,customer,order,x,y,a,b,expires,services,direction,max_duration,max_calls,callback,\n"
"  callback_window,id\n"
"  op is create, update, delete or get; empty cells are absent values.\n"
"Output: one line per request (list commands: one line per binding, then the result).\n"
"Exit status: 0 all requests succeeded, 1 any failed or went unanswered, 2 usage or connection error.\n");
}

/* --- the columns a request can carry, shared by the command line and CSV */

enum col {
	COL_OP, COL_MODE, COL_CUSTOMER, COL_ORDER, COL_X, COL_Y, COL_A, COL_B, COL_EXPIRES, COL_SERVICES,
	COL_DIRECTION, COL_MAX_DURATION, COL_MAX_CALLS, COL_CALLBACK, COL_CALLBACK_WINDOW, COL_ID,
	_NUM_COL
};

static const char *col_names[_NUM_COL] = {
	"op", "mode", "customer", "order", "x", "y", "a", "b", "expires", "services", "direction", "max_duration",
	"max_calls", "callback", "callback_window", "id",
};

static int col_by_name(const char *name)
{
	int i;
	for (i = 0; i < _NUM_COL; i++) {
		if (!strcmp(col_names[i], name))
			return i;
	}
	/* the command line spells them with dashes */
	if (!strcmp(name, "max-duration"))
		return COL_MAX_DURATION;
	if (!strcmp(name, "max-calls"))
		return COL_MAX_CALLS;
	if (!strcmp(name, "callback-window"))
		return COL_CALLBACK_WINDOW;
	return -1;
}

static const struct value_string op_names[] = {
	{ NB_MSGT_CREATE_REQ, "create" },
	{ NB_MSGT_UPDATE_REQ, "update" },
	{ NB_MSGT_DELETE_REQ, "delete" },
	{ NB_MSGT_GET_REQ, "get" },
	{ NB_MSGT_LIST_NUMBER_REQ, "list-number" },
	{ NB_MSGT_LIST_CUSTOMER_REQ, "list-customer" },
	{ 0, NULL }
};

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long r;

	if (!s[0] || s[0] == '-')
		return -EINVAL;
	errno = 0;
	r = strtoull(s, &end, 10);
	if (errno || *end || r > max)
		return -EINVAL;
	*v = r;
	return 0;
}

static int parse_expires(const char *s, int64_t *v)
{
	uint64_t n;
	char unit;
	size_t len = strlen(s);
	char num[32];

	if (!strcmp(s, "never")) {
		*v = 0;
		return 0;
	}
	if (s[0] == '+') {
		if (len < 2 || len >= sizeof(num))
			return -EINVAL;
		unit = s[len - 1];
		OSMO_STRLCPY_ARRAY(num, s + 1);
		if (unit < '0' || unit > '9')
			num[len - 2] = '\0';
		else
			unit = 's';
		if (parse_u64(num, 100ULL * 365 * 86400, &n) < 0)
			return -EINVAL;
		switch (unit) {
		case 's': break;
		case 'm': n *= 60; break;
		case 'h': n *= 3600; break;
		case 'd': n *= 86400; break;
		default: return -EINVAL;
		}
		*v = time(NULL) + n;
		return 0;
	}
	if (parse_u64(s, INT64_MAX, &n) < 0)
		return -EINVAL;
	*v = n;
	return 0;
}

static int parse_services(const char *s, uint8_t *v)
{
	char buf[64], *tok, *save;
	uint8_t r = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	OSMO_STRLCPY_ARRAY(buf, s);
	for (tok = strtok_r(buf, ",+| ", &save); tok; tok = strtok_r(NULL, ",+| ", &save)) {
		if (!strcasecmp(tok, "voice"))
			r |= NP700_SVC_VOICE;
		else if (!strcasecmp(tok, "sms"))
			r |= NP700_SVC_SMS;
		else if (!strcasecmp(tok, "all") || !strcasecmp(tok, "both"))
			r |= NP700_SVC_VOICE | NP700_SVC_SMS;
		else
			return -EINVAL;
	}
	if (!r)
		return -EINVAL;
	*v = r;
	return 0;
}

static int parse_bool(const char *s, bool *v)
{
	if (!strcasecmp(s, "1") || !strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on"))
		*v = true;
	else if (!strcasecmp(s, "0") || !strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off"))
		*v = false;
	else
		return -EINVAL;
	return 0;
}

static int set_str(char *dst, size_t size, const char *s)
{
	if (strlen(s) >= size)
		return -EINVAL;
	osmo_strlcpy(dst, s, size);
	return 0;
}

/* Put one column's value into the request. Empty values are absent (nothing set).
 * \returns 0, or -EINVAL with *why. */
static int set_col(struct nb_msg *m, int col, const char *val, const char **why)
{
	struct np700_binding *b = &m->b;
	uint64_t u;
	int rc = 0, iei = 0;

	if (!val[0])
		return 0;
	/* "-" clears an optional text (update: remove B, Y or the order id) */
	if (!strcmp(val, "-") && (col == COL_ORDER || col == COL_Y || col == COL_B)) {
		switch (col) {
		case COL_ORDER: b->order_id[0] = '\0'; iei = NB_IEI_ORDER_ID; break;
		case COL_Y: b->y[0] = '\0'; iei = NB_IEI_Y; break;
		case COL_B: b->b[0] = '\0'; iei = NB_IEI_B; break;
		}
		m->present |= NB_IE_BIT(iei);
		return 0;
	}
	switch (col) {
	case COL_MODE:
		rc = get_string_value(nb_mode_names, val);
		if (rc < 0) {
			*why = "mode must be AXB, AXN, AX or AXYB";
			return -EINVAL;
		}
		b->mode = rc;
		rc = 0;
		iei = NB_IEI_MODE;
		break;
	case COL_CUSTOMER:
		rc = parse_u64(val, UINT32_MAX, &u);
		b->customer_id = u;
		iei = NB_IEI_CUSTOMER_ID;
		*why = "customer must be a number 0..4294967295";
		break;
	case COL_ID:
		rc = parse_u64(val, UINT64_MAX, &u);
		b->id = u;
		iei = NB_IEI_BINDING_ID;
		*why = "id must be a positive number";
		if (!rc && !u)
			rc = -EINVAL;
		break;
	case COL_ORDER:
		rc = set_str(b->order_id, sizeof(b->order_id), val);
		iei = NB_IEI_ORDER_ID;
		*why = "order id is longer than 63 characters";
		break;
	case COL_X:
	case COL_Y:
	case COL_A:
	case COL_B:
		if (!np700_is_digits(val, NP700_NUM_MAXLEN)) {
			*why = "numbers are 1..15 digits";
			return -EINVAL;
		}
		switch (col) {
		case COL_X: iei = NB_IEI_X; set_str(b->x, sizeof(b->x), val); break;
		case COL_Y: iei = NB_IEI_Y; set_str(b->y, sizeof(b->y), val); break;
		case COL_A: iei = NB_IEI_A; set_str(b->a, sizeof(b->a), val); break;
		case COL_B: iei = NB_IEI_B; set_str(b->b, sizeof(b->b), val); break;
		}
		break;
	case COL_EXPIRES:
		rc = parse_expires(val, &b->expires);
		iei = NB_IEI_EXPIRES;
		*why = "expires must be unix seconds, +N[smhd] or never";
		break;
	case COL_SERVICES:
		rc = parse_services(val, &b->services);
		iei = NB_IEI_SERVICES;
		*why = "services must be voice, sms or voice,sms";
		break;
	case COL_DIRECTION:
		rc = get_string_value(nb_direction_names, val);
		if (rc < 0) {
			*why = "direction must be both, a-to-b or b-to-a";
			return -EINVAL;
		}
		b->direction = rc;
		rc = 0;
		iei = NB_IEI_DIRECTION;
		break;
	case COL_MAX_DURATION:
		rc = parse_u64(val, UINT32_MAX, &u);
		b->max_duration_s = u;
		iei = NB_IEI_MAX_DURATION;
		*why = "max_duration must be seconds";
		break;
	case COL_MAX_CALLS:
		rc = parse_u64(val, UINT32_MAX, &u);
		b->max_calls = u;
		iei = NB_IEI_MAX_CALLS;
		*why = "max_calls must be a number";
		break;
	case COL_CALLBACK:
		rc = parse_bool(val, &b->callback_allowed);
		iei = NB_IEI_CALLBACK;
		*why = "callback must be yes or no";
		break;
	case COL_CALLBACK_WINDOW:
		rc = parse_u64(val, UINT32_MAX, &u);
		b->callback_window_s = u;
		iei = NB_IEI_CALLBACK_WINDOW;
		*why = "callback_window must be seconds";
		break;
	default:
		return 0;
	}
	if (rc < 0)
		return -EINVAL;
	m->present |= NB_IE_BIT(iei);
	return 0;
}

/* Which columns each operation takes; the server checks again, this only gives early,
 * readable errors for typos. */
static uint64_t op_allowed_cols(uint8_t type)
{
	uint64_t attrs = (1 << COL_MODE) | (1 << COL_ORDER) | (1 << COL_X) | (1 << COL_Y) | (1 << COL_A) |
			 (1 << COL_B) | (1 << COL_EXPIRES) | (1 << COL_SERVICES) | (1 << COL_DIRECTION) |
			 (1 << COL_MAX_DURATION) | (1 << COL_MAX_CALLS) | (1 << COL_CALLBACK) |
			 (1 << COL_CALLBACK_WINDOW);
	switch (type) {
	case NB_MSGT_CREATE_REQ: return attrs | (1 << COL_CUSTOMER);
	case NB_MSGT_UPDATE_REQ: return attrs | (1 << COL_ID);
	case NB_MSGT_DELETE_REQ:
	case NB_MSGT_GET_REQ: return 1 << COL_ID;
	case NB_MSGT_LIST_NUMBER_REQ: return 1 << COL_X;
	case NB_MSGT_LIST_CUSTOMER_REQ: return 1 << COL_CUSTOMER;
	}
	return 0;
}

/* --- output */

static bool csv_header_done;

static void csv_field(FILE *f, const char *s)
{
	/* RFC 4180: quote when needed, double the quotes */
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

static void json_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":\"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static const char *services_str(uint8_t s)
{
	switch (s & 3) {
	case NP700_SVC_VOICE: return "voice";
	case NP700_SVC_SMS: return "sms";
	case 3: return "voice,sms";
	default: return "";
	}
}

/* One output line for request number \a req (CSV input line, or 1) of operation \a op_type:
 * result "ok", "error" or "item". */
static void print_result(unsigned long req, uint8_t op_type, const char *result, const struct nb_msg *m)
{
	const struct np700_binding *b = &m->b;
	const char *op = op_type ? get_value_string(op_names, op_type) : "";

#define HAS(iei) (m && nb_msg_has(m, NB_IEI_##iei))
	if (opt.fmt == FMT_CSV) {
		if (!csv_header_done) {
			printf("req,op,result,cause,field,text,id,customer,order,mode,x,y,a,b,created,expires,services,"
			       "direction,max_duration,max_calls,callback,callback_window,count\n");
			csv_header_done = true;
		}
		printf("%lu,%s,%s,", req, op, result);
		printf("%s,", HAS(CAUSE) ? nb_cause_name(m->cause) : "");
		printf("%s,", HAS(FIELD) ? nb_iei_name(m->field) : "");
		csv_field(stdout, HAS(TEXT) ? m->text : "");
		putchar(',');
		if (HAS(BINDING_ID))
			printf("%" PRIu64, b->id);
		putchar(',');
		if (HAS(CUSTOMER_ID))
			printf("%u", b->customer_id);
		putchar(',');
		csv_field(stdout, HAS(ORDER_ID) ? b->order_id : "");
		printf(",%s,%s,%s,%s,%s,", HAS(MODE) ? get_value_string(nb_mode_names, b->mode) : "",
		       HAS(X) ? b->x : "", HAS(Y) ? b->y : "", HAS(A) ? b->a : "", HAS(B) ? b->b : "");
		if (HAS(CREATED))
			printf("%" PRId64, b->created);
		putchar(',');
		if (HAS(EXPIRES))
			printf("%" PRId64, b->expires);
		printf(",%s,%s,", HAS(SERVICES) ? services_str(b->services) : "",
		       HAS(DIRECTION) ? get_value_string(nb_direction_names, b->direction) : "");
		if (HAS(MAX_DURATION))
			printf("%u", b->max_duration_s);
		putchar(',');
		if (HAS(MAX_CALLS))
			printf("%u", b->max_calls);
		printf(",%s,", HAS(CALLBACK) ? (b->callback_allowed ? "yes" : "no") : "");
		if (HAS(CALLBACK_WINDOW))
			printf("%u", b->callback_window_s);
		putchar(',');
		if (HAS(COUNT))
			printf("%u", m->count);
		putchar('\n');
		return;
	}
	printf("{\"req\":%lu,\"op\":\"%s\",\"result\":\"%s\"", req, op, result);
	if (HAS(CAUSE))
		printf(",\"cause\":\"%s\"", nb_cause_name(m->cause));
	if (HAS(FIELD))
		printf(",\"field\":\"%s\"", nb_iei_name(m->field));
	if (HAS(TEXT))
		json_str(stdout, "text", m->text);
	if (HAS(BINDING_ID))
		printf(",\"id\":%" PRIu64, b->id);
	if (HAS(CUSTOMER_ID))
		printf(",\"customer\":%u", b->customer_id);
	if (HAS(ORDER_ID))
		json_str(stdout, "order", b->order_id);
	if (HAS(MODE))
		printf(",\"mode\":\"%s\"", get_value_string(nb_mode_names, b->mode));
	if (HAS(X))
		printf(",\"x\":\"%s\"", b->x);
	if (HAS(Y))
		printf(",\"y\":\"%s\"", b->y);
	if (HAS(A))
		printf(",\"a\":\"%s\"", b->a);
	if (HAS(B))
		printf(",\"b\":\"%s\"", b->b);
	if (HAS(CREATED))
		printf(",\"created\":%" PRId64, b->created);
	if (HAS(EXPIRES))
		printf(",\"expires\":%" PRId64, b->expires);
	if (HAS(SERVICES))
		printf(",\"services\":\"%s\"", services_str(b->services));
	if (HAS(DIRECTION))
		printf(",\"direction\":\"%s\"", get_value_string(nb_direction_names, b->direction));
	if (HAS(MAX_DURATION))
		printf(",\"max_duration\":%u", b->max_duration_s);
	if (HAS(MAX_CALLS))
		printf(",\"max_calls\":%u", b->max_calls);
	if (HAS(CALLBACK))
		printf(",\"callback\":%s", b->callback_allowed ? "true" : "false");
	if (HAS(CALLBACK_WINDOW))
		printf(",\"callback_window\":%u", b->callback_window_s);
	if (HAS(COUNT))
		printf(",\"count\":%u", m->count);
	printf("}\n");
#undef HAS
}

/* A request refused before it was sent (bad argument / CSV cell). */
static void print_local_error(unsigned long req, uint8_t op_type, const char *field, const char *why)
{
	struct nb_msg m;
	int iei = field ? get_string_value(nb_iei_names, field) : -1;

	nb_msg_init(&m, 0, 0);
	m.present = NB_IE_BIT(NB_IEI_CAUSE) | NB_IE_BIT(NB_IEI_TEXT);
	m.cause = NB_CAUSE_INVALID_FIELD;
	if (iei > 0) {
		m.field = iei;
		m.present |= NB_IE_BIT(NB_IEI_FIELD);
	}
	snprintf(m.text, sizeof(m.text), "%s (not sent)", why);
	print_result(req, op_type, "error", &m);
}

static const char *result_of(const struct nb_msg *m)
{
	switch (NB_MSGT_KIND(m->msg_type)) {
	case NB_KIND_RES: return "ok";
	case NB_KIND_ITEM: return "item";
	default: return "error";
	}
}

static struct nb_client *connect_or_die(void *ctx)
{
	char err[256];
	struct nb_client *c = nb_client_connect(ctx, opt.host, opt.port, opt.unit, opt.timeout_ms, err, sizeof(err));

	if (!c) {
		fprintf(stderr, "np700-ctl: %s\n", err);
		exit(2);
	}
	return c;
}

/* --- single operations */

static int item_cb(const struct nb_msg *item, void *data)
{
	print_result(1, NB_MSGT_REQ(item->msg_type), "item", item);
	return 0;
}

static int run_single(void *ctx, uint8_t type, int argc, char **argv)
{
	static struct option long_opts[_NUM_COL + 4];
	struct nb_client *c;
	struct nb_msg req, ans;
	uint64_t allowed = op_allowed_cols(type);
	int i, rc;

	for (i = 1; i < _NUM_COL; i++) {
		static char names[_NUM_COL][24];
		OSMO_STRLCPY_ARRAY(names[i], col_names[i]);
		/* --max-duration rather than --max_duration on the command line */
		for (char *p = names[i]; *p; p++)
			if (*p == '_')
				*p = '-';
		long_opts[i - 1] = (struct option){ names[i], required_argument, NULL, 1000 + i };
	}
	long_opts[_NUM_COL - 1] = (struct option){ 0 };

	nb_msg_init(&req, type, 0);
	req.present = NB_IE_BIT(NB_IEI_TID);
	optind = 1;
	while ((rc = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		const char *why = "invalid value";
		int col = rc - 1000;

		if (col <= 0 || col >= _NUM_COL) {
			usage(stderr);
			return 2;
		}
		if (!(allowed & (1ULL << col))) {
			fprintf(stderr, "np700-ctl: %s does not take --%s\n", get_value_string(op_names, type),
				long_opts[col - 1].name);
			return 2;
		}
		if (set_col(&req, col, optarg, &why) < 0) {
			fprintf(stderr, "np700-ctl: --%s: %s\n", long_opts[col - 1].name, why);
			print_local_error(1, type, col_names[col], why);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "np700-ctl: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	c = connect_or_die(ctx);
	rc = nb_client_call(c, &req, &ans, item_cb, NULL);
	if (rc < 0) {
		fprintf(stderr, "np700-ctl: no answer: %s\n", strerror(-rc));
		nb_client_close(c);
		return 1;
	}
	print_result(1, type, result_of(&ans), &ans);
	nb_client_close(c);
	return NB_MSGT_KIND(ans.msg_type) == NB_KIND_RES ? 0 : 1;
}

/* --- bulk */

/* Split one CSV record (RFC 4180, no embedded newlines) into cells, in place.
 * \returns the number of cells, or -1 on bad quoting. */
static int csv_split(char *line, char **cells, int max)
{
	int n = 0;
	char *r = line, *w;

	while (n < max) {
		cells[n++] = w = r;
		if (*r == '"') {
			r++;
			while (1) {
				if (*r == '\0')
					return -1;
				if (*r == '"') {
					if (r[1] == '"') {
						*w++ = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				*w++ = *r++;
			}
			if (*r != ',' && *r != '\0')
				return -1;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (*r == '\0') {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
	return -1;
}

struct pending {
	unsigned long line;
	uint8_t type;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_bulk(void *ctx)
{
	int colmap[_NUM_COL];
	int ncols = _NUM_COL;
	struct nb_client *c;
	struct pending *pend = NULL;
	size_t pend_size = 0;
	unsigned long line_no = 0, sent = 0, answered = 0, ok = 0, failed = 0, local_failed = 0;
	unsigned int inflight = 0;
	bool eof = false, conn_lost = false;
	char *line = NULL;
	size_t line_cap = 0;
	double t0 = now_s(), last_progress = t0;
	bool tty = isatty(2);
	int i;

	for (i = 0; i < _NUM_COL; i++)
		colmap[i] = i;
	c = connect_or_die(ctx);

	while (!eof || inflight > 0) {
		/* fill the window */
		while (!eof && inflight < opt.window) {
			char *cells[_NUM_COL + 1];
			struct nb_msg req;
			const char *why = NULL;
			const char *bad_col = NULL;
			ssize_t len = getline(&line, &line_cap, stdin);
			int n, type;
			int64_t tid;

			if (len < 0) {
				eof = true;
				break;
			}
			line_no++;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = '\0';
			if (len == 0 || line[0] == '#')
				continue;
			if (line_no == 1 && !strncmp(line, "op,", 3)) {
				/* header: the columns by name */
				n = csv_split(line, cells, _NUM_COL + 1);
				if (n < 0 || n > _NUM_COL) {
					fprintf(stderr, "np700-ctl: bad CSV header\n");
					return 2;
				}
				for (i = 0; i < n; i++) {
					colmap[i] = col_by_name(cells[i]);
					if (colmap[i] < 0) {
						fprintf(stderr, "np700-ctl: unknown column '%s' in the header\n",
							cells[i]);
						return 2;
					}
				}
				ncols = n;
				continue;
			}
			n = csv_split(line, cells, _NUM_COL + 1);
			if (n < 0 || n > ncols) {
				print_local_error(line_no, 0, NULL, n < 0 ? "bad CSV quoting" : "too many columns");
				local_failed++;
				continue;
			}
			type = -1;
			for (i = 0; i < n; i++) {
				if (colmap[i] == COL_OP)
					type = get_string_value(op_names, cells[i]);
			}
			if (type != NB_MSGT_CREATE_REQ && type != NB_MSGT_UPDATE_REQ && type != NB_MSGT_DELETE_REQ &&
			    type != NB_MSGT_GET_REQ) {
				print_local_error(line_no, 0, NULL, "op must be create, update, delete or get");
				local_failed++;
				continue;
			}
			nb_msg_init(&req, type, 0);
			req.present = NB_IE_BIT(NB_IEI_TID);
			for (i = 0; i < n && !why; i++) {
				int col = colmap[i];
				if (col == COL_OP || !cells[i][0])
					continue;
				if (!(op_allowed_cols(type) & (1ULL << col))) {
					why = "column not used by this op";
					bad_col = col_names[col];
					break;
				}
				if (set_col(&req, col, cells[i], &why) < 0)
					bad_col = col_names[col];
				else
					why = NULL;
			}
			if (why) {
				print_local_error(line_no, type, bad_col, why);
				local_failed++;
				continue;
			}
			tid = nb_client_send(c, &req);
			if (tid < 0) {
				print_local_error(line_no, type, NULL, "cannot send");
				local_failed++;
				if (tid == -EPIPE) {
					conn_lost = true;
					eof = true;
				}
				continue;
			}
			if ((size_t)tid >= pend_size) {
				pend_size = pend_size ? pend_size * 2 : 65536;
				pend = talloc_realloc(ctx, pend, struct pending, pend_size);
			}
			pend[tid] = (struct pending){ .line = line_no, .type = type };
			sent++;
			inflight++;
		}
		if (conn_lost)
			break;
		if (inflight == 0)
			continue;

		/* take answers; nb_client_recv() sends what is queued before it waits */
		{
			struct nb_msg ans;
			int rc = nb_client_recv(c, &ans, opt.timeout_ms);

			if (rc <= 0) {
				fprintf(stderr, "\nnp700-ctl: %s after %lu answers, %u requests unanswered\n",
					rc == 0 ? "timeout" : "connection lost", answered, inflight);
				conn_lost = true;
				break;
			}
			if (ans.tid == 0 || ans.tid >= pend_size || !pend[ans.tid].type) {
				fprintf(stderr, "np700-ctl: answer with unknown tid %u\n", ans.tid);
				continue;
			}
			if (NB_MSGT_KIND(ans.msg_type) == NB_KIND_ITEM)
				continue;
			print_result(pend[ans.tid].line, pend[ans.tid].type, result_of(&ans), &ans);
			if (NB_MSGT_KIND(ans.msg_type) == NB_KIND_RES)
				ok++;
			else
				failed++;
			pend[ans.tid].type = 0;
			answered++;
			inflight--;
		}

		if (!opt.quiet && (answered & 1023) == 0) {
			double t = now_s();
			if (t - last_progress >= (tty ? 0.5 : 5.0)) {
				fprintf(stderr, "%snp700-ctl: %lu done, %lu ok, %lu failed, %.0f/s%s", tty ? "\r" : "",
					answered, ok, failed + local_failed, answered / (t - t0), tty ? "" : "\n");
				last_progress = t;
			}
		}
		if (answered % 4096 == 0)
			fflush(stdout);
	}
	fflush(stdout);
	{
		double t = now_s() - t0;
		fprintf(stderr, "%snp700-ctl: %lu requests in %.1f s (%.0f/s): %lu ok, %lu failed, %lu not sent, "
			"%lu unanswered\n", tty && !opt.quiet ? "\r" : "", sent + local_failed, t,
			t > 0 ? answered / t : 0.0, ok, failed, local_failed, sent - answered);
	}
	nb_client_close(c);
	free(line);
	if (conn_lost && sent > answered)
		return 1;
	return (failed || local_failed || sent != answered) ? 1 : 0;
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "np700-ctl");
	const char *cmd;
	int type;

	msgb_talloc_ctx_init(ctx, 0);
	/* a server that goes away shows as EPIPE, not as a silent death */
	signal(SIGPIPE, SIG_IGN);
	/* categories only: the codec's log lines are for the daemon, not for a script's stderr */
	log_init(&np700_log_info, ctx);

	while (1) {
		static const struct option long_opts[] = {
			{ "host", required_argument, NULL, 'H' },
			{ "port", required_argument, NULL, 'p' },
			{ "unit", required_argument, NULL, 'u' },
			{ "format", required_argument, NULL, 'f' },
			{ "window", required_argument, NULL, 'w' },
			{ "timeout", required_argument, NULL, 't' },
			{ "quiet", no_argument, NULL, 'q' },
			{ "help", no_argument, NULL, 'h' },
			{ 0 }
		};
		/* '+': stop at the command; its options are parsed later */
		int c = getopt_long(argc, argv, "+H:p:u:f:w:t:qh", long_opts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'H': opt.host = optarg; break;
		case 'p': opt.port = atoi(optarg); break;
		case 'u': opt.unit = optarg; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				opt.fmt = FMT_JSON;
			else if (!strcmp(optarg, "csv"))
				opt.fmt = FMT_CSV;
			else {
				fprintf(stderr, "np700-ctl: --format json or csv\n");
				return 2;
			}
			break;
		case 'w':
			opt.window = atoi(optarg);
			if (opt.window < 1)
				opt.window = 1;
			break;
		case 't': opt.timeout_ms = atoi(optarg) * 1000; break;
		case 'q': opt.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "bulk")) {
		if (optind + 1 < argc) {
			fprintf(stderr, "np700-ctl: bulk reads CSV from standard input\n");
			return 2;
		}
		return run_bulk(ctx);
	}
	type = get_string_value(op_names, cmd);
	if (type < 0) {
		fprintf(stderr, "np700-ctl: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	return run_single(ctx, type, argc - optind, argv + optind);
}
