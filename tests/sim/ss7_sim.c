/* ss7-sim: a scripted SS7 peer (switch, GMSC, HLR, MSC, SMSC) for np700's end-to-end tests.
 *
 * An M3UA ASP on libosmo-sigtran, like np700 itself: own point code, connects to osmo-stp, prints
 * every received MTP user part as one line and runs a small script (see usage()). Used inside
 * User-Mode Linux by the tests/uml scripts; see tests/uml/README.md. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include <osmocom/sigtran/mtp_sap.h>
#include <osmocom/sigtran/osmo_ss7.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "map_load.h"
#include "sim_msg.h"

#define MAX_DATA	1024
#define MAX_QUEUE	10000
#define MAX_AUTO	16
#define MAX_REPLIES	4

enum { DSIM };

static const struct log_info_cat sim_log_cat[] = {
	[DSIM] = { .name = "DSIM", .description = "ss7-sim", .enabled = 1, .loglevel = LOGL_NOTICE },
};

static const struct log_info sim_log_info = {
	.cat = sim_log_cat,
	.num_cat = ARRAY_SIZE(sim_log_cat),
};

struct rx_msg {
	struct llist_head list;
	uint8_t si;
	uint32_t opc, dpc;
	uint8_t sls;
	size_t len;
	uint8_t data[MAX_DATA];
};

struct auto_rule {
	uint8_t si;
	int type;
	unsigned int n_replies;
	uint8_t reply[MAX_REPLIES][MAX_DATA];
	int reply_len[MAX_REPLIES];
};

enum wait_kind { W_NONE, W_ACTIVE, W_SLEEP, W_EXPECT, W_EXPECT_NONE, W_LOAD, W_MAP_LOAD };

/* "load": many calls IAM -> (ACM) ANM -> REL -> RLC, one at a time on each CIC of a range */
#define MAX_LOAD_CICS	4096
enum load_state { L_IDLE, L_WAIT_ANM, L_WAIT_RLC };

static struct {
	void *ctx;
	/* configuration */
	const char *name, *pc_str, *nodes_file, *script_file, *pc_format;
	unsigned int rctx, local_port, remote_port, timeout_s;
	uint8_t default_si;
	bool stay, verbose, quiet;
	char *exec;		/* -e commands, joined by newlines */
	/* the stack */
	struct osmo_ss7_instance *inst;
	struct osmo_ss7_as *as;
	struct osmo_ss7_user users[16];
	/* received, not yet consumed by an expect */
	struct llist_head rxq;
	unsigned int rxq_len;
	struct auto_rule autos[MAX_AUTO];
	unsigned int n_autos;
	/* the script */
	char **lines;
	unsigned int n_lines, next_line;
	bool script_eof;
	char stdin_buf[4096];
	size_t stdin_len;
	struct osmo_fd stdin_ofd;
	/* what the script waits for */
	enum wait_kind wait;
	int want_type;		/* -1: any */
	uint8_t want_si;
	int64_t want_cic;	/* -1: any */
	int64_t want_opc;	/* -1: any */
	char want_desc[64];
	struct osmo_timer_list wait_timer, poll_timer, global_timer;
	struct {
		uint32_t dpc;
		unsigned int cic_first, n_cics;
		unsigned int total, started, answered, done, failed;
		uint8_t iam[MAX_DATA];
		int iam_len;
		uint8_t state[MAX_LOAD_CICS];
		struct timespec t0, cpu0;
	} load;
	bool done;
	int exit_code;
} sim = {
	.name = "sim",
	.remote_port = 2905,
	.timeout_s = 60,
	.default_si = SIM_SI_ISUP,
};

static volatile sig_atomic_t got_signal;

static void script_run(void);
static const char *opt_val(char **argv, int argc, int from, const char *key);

static void finish(int code)
{
	if (sim.done)
		return;
	sim.done = true;
	sim.exit_code = code;
}

static const char *pc_str(uint32_t pc, char *buf, size_t len)
{
	return osmo_ss7_pointcode_print_buf(buf, len, sim.inst, pc);
}

/* "swb" (a node of the nodes file) or a point code "1.1.3" */
static int parse_pc(const char *s)
{
	FILE *f;
	char line[256], name[64], pc[64];

	if (sim.nodes_file && (f = fopen(sim.nodes_file, "r"))) {
		while (fgets(line, sizeof(line), f)) {
			if (line[0] == '#')
				continue;
			if (sscanf(line, "%63s %63s", name, pc) == 2 && !strcmp(name, s)) {
				fclose(f);
				return osmo_ss7_pointcode_parse(sim.inst, pc);
			}
		}
		fclose(f);
	}
	return osmo_ss7_pointcode_parse(sim.inst, s);
}

static void print_msg(const char *dir, uint8_t si, uint32_t opc, uint32_t dpc, uint8_t sls,
		      const uint8_t *data, size_t len)
{
	char o[32], d[32], cic[16] = "", type[16] = "?";
	const char *tn = NULL;

	if (sim.quiet)
		return;
	if (si == SIM_SI_ISUP && len >= 3) {
		snprintf(cic, sizeof(cic), " cic=%u", data[0] | ((data[1] & 0x0f) << 8));
		tn = sim_msg_type_name(si, data[2]);
		if (!tn)
			snprintf(type, sizeof(type), "0x%02x", data[2]);
	} else if (si == SIM_SI_SCCP && len >= 1) {
		tn = sim_msg_type_name(si, data[0]);
		if (!tn)
			snprintf(type, sizeof(type), "0x%02x", data[0]);
	}
	printf("%s si=%u opc=%s dpc=%s sls=%u%s type=%s len=%zu hex=%s\n", dir, si, pc_str(opc, o, sizeof(o)),
	       pc_str(dpc, d, sizeof(d)), sls, cic, tn ? tn : type, len, osmo_hexdump_nospc(data, len));
}

static int msg_type(uint8_t si, const uint8_t *data, size_t len)
{
	if (si == SIM_SI_ISUP)
		return len >= 3 ? data[2] : -1;
	if (si == SIM_SI_SCCP)
		return len >= 1 ? data[0] : -1;
	return -1;
}

static int tx(uint8_t si, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct osmo_mtp_prim *omp;
	struct msgb *msg;

	if (len == 0 || len > MAX_DATA)
		return -EINVAL;
	msg = msgb_alloc_headroom(sizeof(*omp) + len + 128, 128, "ss7-sim tx");
	omp = (struct osmo_mtp_prim *)msgb_put(msg, sizeof(*omp));
	osmo_prim_init(&omp->oph, MTP_SAP_USER, OSMO_MTP_PRIM_TRANSFER, PRIM_OP_REQUEST, msg);
	omp->u.transfer = (struct osmo_mtp_transfer_param){
		.opc = opc, .dpc = dpc, .sls = sls,
		.sio = MTP_SIO(si, sim.inst->cfg.network_indicator),
	};
	msg->l2h = msgb_put(msg, len);
	memcpy(msg->l2h, data, len);
	print_msg("TX", si, opc, dpc, sls, data, len);
	/* frees msg */
	return osmo_ss7_user_mtp_xfer_req(sim.inst, omp);
}

static int tx_isup(uint32_t dpc, unsigned int cic, uint8_t sls, const uint8_t *body, size_t len)
{
	uint8_t buf[MAX_DATA];

	if (len + 2 > sizeof(buf) || cic > 0xfff)
		return -EINVAL;
	buf[0] = cic & 0xff;
	buf[1] = cic >> 8;
	memcpy(buf + 2, body, len);
	return tx(SIM_SI_ISUP, sim.inst->cfg.primary_pc, dpc, sls, buf, len + 2);
}

static void auto_answer(const struct rx_msg *m)
{
	int type = msg_type(m->si, m->data, m->len);
	unsigned int i, r;

	for (i = 0; i < sim.n_autos; i++) {
		struct auto_rule *a = &sim.autos[i];

		if (a->si != m->si || a->type != type)
			continue;
		for (r = 0; r < a->n_replies; r++) {
			if (m->si == SIM_SI_ISUP)
				tx_isup(m->opc, m->data[0] | ((m->data[1] & 0x0f) << 8), m->sls, a->reply[r],
					a->reply_len[r]);
			else
				tx(m->si, sim.inst->cfg.primary_pc, m->opc, m->sls, a->reply[r], a->reply_len[r]);
		}
		return;
	}
}

static bool matches(const struct rx_msg *m)
{
	if (m->si != sim.want_si)
		return false;
	if (sim.want_type >= 0 && msg_type(m->si, m->data, m->len) != sim.want_type)
		return false;
	if (sim.want_opc >= 0 && m->opc != sim.want_opc)
		return false;
	if (sim.want_cic >= 0 && (m->si != SIM_SI_ISUP || m->len < 3 ||
				  (m->data[0] | ((m->data[1] & 0x0f) << 8)) != sim.want_cic))
		return false;
	return true;
}

/* an expect consumes the first matching message; expect-none only looks */
static void check_wait(void)
{
	struct rx_msg *m;

	if (sim.wait != W_EXPECT && sim.wait != W_EXPECT_NONE)
		return;
	llist_for_each_entry(m, &sim.rxq, list) {
		if (!matches(m))
			continue;
		if (sim.wait == W_EXPECT_NONE) {
			printf("FAIL expect-none %s: received one\n", sim.want_desc);
			osmo_timer_del(&sim.wait_timer);
			finish(1);
			return;
		}
		llist_del(&m->list);
		sim.rxq_len--;
		talloc_free(m);
		printf("OK expect %s\n", sim.want_desc);
		osmo_timer_del(&sim.wait_timer);
		sim.wait = W_NONE;
		script_run();
		return;
	}
}

static double since_s(clockid_t clk, const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void load_end(const char *why)
{
	double el = since_s(CLOCK_MONOTONIC, &sim.load.t0), cpu = since_s(CLOCK_PROCESS_CPUTIME_ID, &sim.load.cpu0);

	/* cpu: this process's CPU time (user + system) during the load */
	printf("LOAD calls=%u started=%u answered=%u done=%u failed=%u seconds=%.3f cps=%.1f cpu=%.3f%s%s\n",
	       sim.load.total, sim.load.started, sim.load.answered, sim.load.done, sim.load.failed, el,
	       el > 0 ? sim.load.done / el : 0.0, cpu, why ? " " : "", why ? why : "");
	osmo_timer_del(&sim.wait_timer);
	sim.wait = W_NONE;
	script_run();
}

/* start the next call on circuit index i, if calls are left */
static void load_next(unsigned int i)
{
	sim.load.state[i] = L_IDLE;
	if (sim.load.started >= sim.load.total)
		return;
	sim.load.started++;
	sim.load.state[i] = L_WAIT_ANM;
	tx_isup(sim.load.dpc, sim.load.cic_first + i, 0, sim.load.iam, sim.load.iam_len);
}

/* a message of the load's peer: drive the call on its CIC. \returns true when it was consumed */
static bool load_rx(const struct rx_msg *m)
{
	uint8_t rel[] = { 0x0c, 0x02, 0x00, 0x02, 0x80, 0x90 }, rlc[] = { 0x10, 0x00 };
	unsigned int cic, i;

	if (sim.wait != W_LOAD || m->si != SIM_SI_ISUP || m->opc != sim.load.dpc || m->len < 3)
		return false;
	cic = m->data[0] | ((m->data[1] & 0x0f) << 8);
	if (cic < sim.load.cic_first || cic >= sim.load.cic_first + sim.load.n_cics)
		return false;
	i = cic - sim.load.cic_first;
	switch (m->data[2]) {
	case 0x06:	/* ACM */
	case 0x2c:	/* CPG */
		return true;
	case 0x09:	/* ANM */
	case 0x07:	/* CON */
		if (sim.load.state[i] != L_WAIT_ANM)
			return true;
		sim.load.answered++;
		sim.load.state[i] = L_WAIT_RLC;
		tx_isup(sim.load.dpc, cic, 0, rel, sizeof(rel));
		return true;
	case 0x0c:	/* REL from the far end: the call failed */
		tx_isup(sim.load.dpc, cic, 0, rlc, sizeof(rlc));
		if (sim.load.state[i] == L_IDLE)
			return true;
		sim.load.failed++;
		break;
	case 0x10:	/* RLC */
		if (sim.load.state[i] != L_WAIT_RLC)
			return true;
		sim.load.done++;
		break;
	default:
		return false;
	}
	load_next(i);
	if (sim.load.done + sim.load.failed >= sim.load.total)
		load_end(NULL);
	return true;
}

/* load DPC CIC_FIRST CIC_LAST CALLS CALLED CALLING [timeout=MS] */
static int cmd_load(char **argv, int argc)
{
	const char *v;
	int dpc, first, last, calls, timeout_ms;
	unsigned int i;

	if (argc < 7)
		return -1;
	dpc = parse_pc(argv[1]);
	first = atoi(argv[2]);
	last = atoi(argv[3]);
	calls = atoi(argv[4]);
	if (dpc < 0 || first < 0 || last < first || last > 0xfff || last - first >= MAX_LOAD_CICS || calls <= 0)
		return -1;
	memset(&sim.load, 0, sizeof(sim.load));
	sim.load.iam_len = sim_isup_build_iam(sim.load.iam, sizeof(sim.load.iam), argv[5], argv[6]);
	if (sim.load.iam_len < 0)
		return -1;
	sim.load.dpc = dpc;
	sim.load.cic_first = first;
	sim.load.n_cics = last - first + 1;
	sim.load.total = calls;
	timeout_ms = (v = opt_val(argv, argc, 7, "timeout")) ? atoi(v) : 60000;
	clock_gettime(CLOCK_MONOTONIC, &sim.load.t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &sim.load.cpu0);
	sim.wait = W_LOAD;
	osmo_timer_schedule(&sim.wait_timer, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
	for (i = 0; i < sim.load.n_cics; i++)
		load_next(i);
	return 0;
}

/* libosmo-sigtran hands us the primitive and its msgb: freed here */
static int sim_prim_cb(struct osmo_prim_hdr *oph, void *priv)
{
	struct osmo_mtp_prim *omp = (struct osmo_mtp_prim *)oph;
	struct msgb *msg = oph->msg;
	struct rx_msg *m;

	if (OSMO_PRIM_HDR(oph) != OSMO_PRIM(OSMO_MTP_PRIM_TRANSFER, PRIM_OP_INDICATION) || !msg->l2h ||
	    msgb_l2len(msg) > MAX_DATA) {
		msgb_free(msg);
		return 0;
	}
	m = talloc_zero(sim.ctx, struct rx_msg);
	m->si = omp->u.transfer.sio & 0x0f;
	m->opc = omp->u.transfer.opc;
	m->dpc = omp->u.transfer.dpc;
	m->sls = omp->u.transfer.sls;
	m->len = msgb_l2len(msg);
	memcpy(m->data, msgb_l2(msg), m->len);
	msgb_free(msg);

	if (load_rx(m) || map_load_rx(m->si, m->opc, m->sls, m->data, m->len)) {
		talloc_free(m);
		return 0;
	}
	print_msg("RX", m->si, m->opc, m->dpc, m->sls, m->data, m->len);
	llist_add_tail(&m->list, &sim.rxq);
	if (++sim.rxq_len > MAX_QUEUE) {
		struct rx_msg *old = llist_first_entry(&sim.rxq, struct rx_msg, list);

		llist_del(&old->list);
		talloc_free(old);
		sim.rxq_len--;
	}
	auto_answer(m);
	check_wait();
	return 0;
}

static void wait_timer_cb(void *data)
{
	if (sim.wait == W_LOAD) {
		load_end("(timeout)");
		return;
	}
	if (sim.wait == W_EXPECT) {
		printf("FAIL expect %s: timeout\n", sim.want_desc);
		finish(1);
		return;
	}
	if (sim.wait == W_EXPECT_NONE)
		printf("OK expect-none %s\n", sim.want_desc);
	sim.wait = W_NONE;
	script_run();
}

/* "key=value" options after the positional arguments of a command */
static const char *opt_val(char **argv, int argc, int from, const char *key)
{
	size_t kl = strlen(key);
	int i;

	for (i = from; i < argc; i++) {
		if (!strncmp(argv[i], key, kl) && argv[i][kl] == '=')
			return argv[i] + kl + 1;
	}
	return NULL;
}

/* a reply/body token: a canned ISUP name or hex (optionally "hex:" prefixed) */
static int parse_body(const char *tok, uint8_t *buf, size_t len)
{
	int rc = sim_isup_canned(tok, buf, len);

	if (rc >= 0)
		return rc;
	if (!strncmp(tok, "hex:", 4))
		tok += 4;
	rc = osmo_hexparse(tok, buf, len);
	return rc > 0 ? rc : -1;
}

static int cmd_expect(char **argv, int argc, bool none)
{
	const char *v;
	int timeout_ms;

	if (argc < 2)
		return -1;
	sim.want_si = sim.default_si;
	if ((v = opt_val(argv, argc, 2, "si")))
		sim.want_si = atoi(v);
	if (!strcasecmp(argv[1], "any"))
		sim.want_type = -1;
	else if ((sim.want_type = sim_msg_type_parse(argv[1], &sim.want_si)) < 0)
		return -1;
	if ((v = opt_val(argv, argc, 2, "si")))	/* an explicit si wins over the name's */
		sim.want_si = atoi(v);
	sim.want_cic = (v = opt_val(argv, argc, 2, "cic")) ? atoi(v) : -1;
	sim.want_opc = -1;
	if ((v = opt_val(argv, argc, 2, "opc"))) {
		int pc = parse_pc(v);

		if (pc < 0)
			return -1;
		sim.want_opc = pc;
	}
	timeout_ms = (v = opt_val(argv, argc, 2, "timeout")) ? atoi(v) : 5000;
	if (none && argc >= 3 && argv[2][0] >= '0' && argv[2][0] <= '9')
		timeout_ms = atoi(argv[2]);
	snprintf(sim.want_desc, sizeof(sim.want_desc), "%s", argv[1]);
	sim.wait = none ? W_EXPECT_NONE : W_EXPECT;
	osmo_timer_schedule(&sim.wait_timer, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
	check_wait();
	return 0;
}

static int cmd_auto(char **argv, int argc)
{
	struct auto_rule *a;
	uint8_t si = sim.default_si;
	int i, type;

	if (argc == 2 && !strcasecmp(argv[1], "off")) {
		sim.n_autos = 0;
		return 0;
	}
	if (argc < 3 || sim.n_autos >= MAX_AUTO || argc - 2 > MAX_REPLIES)
		return -1;
	type = sim_msg_type_parse(argv[1], &si);
	if (type < 0)
		return -1;
	a = &sim.autos[sim.n_autos];
	a->si = si;
	a->type = type;
	a->n_replies = 0;
	for (i = 2; i < argc; i++) {
		a->reply_len[a->n_replies] = parse_body(argv[i], a->reply[a->n_replies], MAX_DATA);
		if (a->reply_len[a->n_replies] < 0)
			return -1;
		a->n_replies++;
	}
	sim.n_autos++;
	return 0;
}

/* the MAP load mode (map_load.c): SCCP from the own PC; the script waits while a load runs */
static int map_load_tx(uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	return tx(SIM_SI_SCCP, sim.inst->cfg.primary_pc, dpc, sls, data, len);
}

static void map_load_done(void)
{
	sim.wait = W_NONE;
	script_run();
}

static const struct map_load_io map_load_io = {
	.tx = map_load_tx,
	.parse_pc = parse_pc,
	.opt = opt_val,
	.done = map_load_done,
};

static int cmd_map_load(char **argv, int argc)
{
	int rc = map_load_cmd(argv, argc);

	if (rc == 1)
		sim.wait = W_MAP_LOAD;
	return rc < 0 ? -1 : 0;
}

/* one script line; returns -1 on a syntax error */
static int exec_line(char *line)
{
	char *argv[32], *save = NULL, *tok;
	uint8_t buf[MAX_DATA];
	int argc = 0, rc, dpc, len;
	const char *v;
	uint8_t sls;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < 32; tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	if (argc == 0 || argv[0][0] == '#')
		return 0;
	sls = (v = opt_val(argv, argc, 1, "sls")) ? atoi(v) : 0;

	if (!strcmp(argv[0], "echo")) {
		int i;

		for (i = 1; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "");
		printf("\n");
		return 0;
	}
	if (!strcmp(argv[0], "sleep") && argc == 2) {
		int ms = atoi(argv[1]);

		sim.wait = W_SLEEP;
		osmo_timer_schedule(&sim.wait_timer, ms / 1000, (ms % 1000) * 1000);
		return 0;
	}
	if (!strcmp(argv[0], "exit")) {
		finish(argc > 1 ? atoi(argv[1]) : 0);
		return 0;
	}
	if (!strcmp(argv[0], "expect"))
		return cmd_expect(argv, argc, false);
	if (!strcmp(argv[0], "expect-none"))
		return cmd_expect(argv, argc, true);
	if (!strcmp(argv[0], "auto"))
		return cmd_auto(argv, argc);
	if (!strcmp(argv[0], "load"))
		return cmd_load(argv, argc);
	if (!strncmp(argv[0], "map-", 4))
		return cmd_map_load(argv, argc);
	if (argc < 3)
		return -1;
	dpc = parse_pc(argv[1]);
	if (dpc < 0)
		return -1;
	if (!strcmp(argv[0], "send") || !strcmp(argv[0], "sccp")) {
		uint8_t si = !strcmp(argv[0], "sccp") ? SIM_SI_SCCP : sim.default_si;
		uint32_t opc = sim.inst->cfg.primary_pc;

		if ((v = opt_val(argv, argc, 3, "si")))
			si = atoi(v);
		if ((v = opt_val(argv, argc, 3, "opc")) && (rc = parse_pc(v)) >= 0)
			opc = rc;
		len = osmo_hexparse(argv[2], buf, sizeof(buf));
		if (len <= 0)
			return -1;
		tx(si, opc, dpc, sls, buf, len);
		return 0;
	}
	if (!strcmp(argv[0], "isup") && argc >= 4) {
		len = parse_body(argv[3], buf, sizeof(buf));
		if (len < 0)
			return -1;
		return tx_isup(dpc, atoi(argv[2]), sls, buf, len) == -EINVAL ? -1 : 0;
	}
	if (!strcmp(argv[0], "iam") && argc >= 4) {
		const char *calling = argc >= 5 && !strchr(argv[4], '=') ? argv[4] : NULL;

		len = sim_isup_build_iam(buf, sizeof(buf), argv[3], calling);
		if (len < 0)
			return -1;
		return tx_isup(dpc, atoi(argv[2]), sls, buf, len) == -EINVAL ? -1 : 0;
	}
	return -1;
}

static void script_run(void)
{
	while (!sim.done && sim.wait == W_NONE && sim.next_line < sim.n_lines) {
		char *line = talloc_strdup(sim.ctx, sim.lines[sim.next_line]);

		sim.next_line++;
		if (exec_line(line) < 0) {
			printf("FAIL script line %u: %s\n", sim.next_line, sim.lines[sim.next_line - 1]);
			finish(2);
		}
		talloc_free(line);
	}
	if (!sim.done && sim.wait == W_NONE && sim.next_line >= sim.n_lines && sim.script_eof && !sim.stay)
		finish(0);
}

static void add_lines(const char *text)
{
	char *copy = talloc_strdup(sim.ctx, text), *save = NULL, *l;

	for (l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		sim.lines = talloc_realloc(sim.ctx, sim.lines, char *, sim.n_lines + 1);
		sim.lines[sim.n_lines++] = talloc_strdup(sim.ctx, l);
	}
	talloc_free(copy);
}

/* commands on stdin ("-s -"): a test can drive the simulator through a pipe */
static int stdin_cb(struct osmo_fd *ofd, unsigned int what)
{
	ssize_t n = read(ofd->fd, sim.stdin_buf + sim.stdin_len, sizeof(sim.stdin_buf) - 1 - sim.stdin_len);
	char *nl;

	if (n <= 0) {
		osmo_fd_unregister(ofd);
		sim.script_eof = true;
		if (sim.stdin_len) {
			sim.stdin_buf[sim.stdin_len] = '\0';
			add_lines(sim.stdin_buf);
			sim.stdin_len = 0;
		}
		if (sim.wait != W_ACTIVE)
			script_run();
		return 0;
	}
	sim.stdin_len += n;
	sim.stdin_buf[sim.stdin_len] = '\0';
	while ((nl = strchr(sim.stdin_buf, '\n'))) {
		*nl = '\0';
		add_lines(sim.stdin_buf);
		memmove(sim.stdin_buf, nl + 1, sim.stdin_len - (nl + 1 - sim.stdin_buf) + 1);
		sim.stdin_len = strlen(sim.stdin_buf);
	}
	if (sim.stdin_len >= sizeof(sim.stdin_buf) - 1)
		sim.stdin_len = 0;	/* an absurd line: drop it */
	if (sim.wait != W_ACTIVE)
		script_run();
	return 0;
}

static void poll_timer_cb(void *data)
{
	if (got_signal) {
		finish(sim.stay && sim.next_line >= sim.n_lines ? 0 : sim.exit_code);
		return;
	}
	if (sim.wait == W_ACTIVE && osmo_ss7_as_active(sim.as)) {
		char pc[32];

		printf("READY name=%s pc=%s\n", sim.name, pc_str(sim.inst->cfg.primary_pc, pc, sizeof(pc)));
		sim.wait = W_NONE;
		script_run();
	}
	osmo_timer_schedule(&sim.poll_timer, 0, 20000);
}

static void global_timer_cb(void *data)
{
	if (sim.stay && sim.next_line >= sim.n_lines && sim.wait == W_NONE) {
		finish(0);
		return;
	}
	printf("FAIL timeout after %u s%s\n", sim.timeout_s, sim.wait == W_ACTIVE ? " (ASP never active)" : "");
	finish(sim.wait == W_ACTIVE ? 3 : 2);
}

static void signal_handler(int sig)
{
	got_signal = 1;
}

/* name pc rctx local-port of one node in the nodes file */
static int load_node(void)
{
	char line[256], name[64], pc[64];
	unsigned int rctx, port;
	FILE *f = fopen(sim.nodes_file, "r");

	if (!f) {
		fprintf(stderr, "ss7-sim: cannot open %s: %s\n", sim.nodes_file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%63s %63s %u %u", name, pc, &rctx, &port) == 4 && !strcmp(name, sim.name)) {
			if (!sim.pc_str)
				sim.pc_str = talloc_strdup(sim.ctx, pc);
			if (!sim.rctx)
				sim.rctx = rctx;
			if (!sim.local_port)
				sim.local_port = port;
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	fprintf(stderr, "ss7-sim: node '%s' not in %s\n", sim.name, sim.nodes_file);
	return -1;
}

static int sim_vty_go_parent(struct vty *vty)
{
	return osmo_ss7_vty_go_parent(vty);
}

static struct vty_app_info vty_info = {
	.name = "ss7-sim",
	.version = "1",
	.go_parent_cb = sim_vty_go_parent,
};

/* the cs7 instance as np700 has it, through the same VTY code paths */
static int setup_stack(void)
{
	char *cfg;
	FILE *f;
	int rc;

	cfg = talloc_asprintf(sim.ctx,
			      "cs7 instance 0\n"
			      " network-indicator national\n"
			      " point-code format %s\n"
			      " point-code %s\n"
			      " asp %s %u %u m3ua\n"
			      "  remote-ip 127.0.0.1\n"
			      "  local-ip 127.0.0.1\n"
			      "  role asp\n"
			      "  sctp-role client\n"
			      " as %s m3ua\n"
			      "  asp %s\n"
			      "  traffic-mode override\n"
			      "  routing-key %u %s\n",
			      sim.pc_format ? sim.pc_format : "default", sim.pc_str, sim.name, sim.remote_port, sim.local_port, sim.name, sim.name, sim.rctx,
			      sim.pc_str);
	f = fmemopen(cfg, strlen(cfg), "r");
	if (!f)
		return -1;
	rc = vty_read_config_filep(f, NULL);
	fclose(f);
	if (rc < 0) {
		fprintf(stderr, "ss7-sim: bad stack configuration:\n%s", cfg);
		return -1;
	}
	sim.inst = osmo_ss7_instance_find(0);
	sim.as = sim.inst ? osmo_ss7_as_find_by_name(sim.inst, sim.name) : NULL;
	if (!sim.as)
		return -1;
	/* everything not local goes to the STP */
	if (!osmo_ss7_route_create(sim.inst->rtable_system, 0, 0, sim.name))
		return -1;
	for (unsigned int si = 3; si < 16; si++) {
		sim.users[si] = (struct osmo_ss7_user){
			.inst = sim.inst, .name = "ss7-sim", .prim_cb = sim_prim_cb,
		};
		osmo_ss7_user_register(sim.inst, si, &sim.users[si]);
	}
	return 0;
}

static void usage(void)
{
	printf("Usage: ss7-sim [options]\n"
	       "  -N FILE     nodes file (tests/uml/nodes.txt): name pc rctx local-port; names may be\n"
	       "              used wherever a point code is expected\n"
	       "  -n NAME     this node's name (looked up in -N for -p/-r/-l)\n"
	       "  -p PC       own point code (3.8.3 format, e.g. 1.1.2)\n"
	       "  -r RCTX     routing context of the own AS in osmo-stp\n"
	       "  -l PORT     fixed local SCTP port (osmo-stp matches the ASP by it)\n"
	       "  -R PORT     osmo-stp's M3UA port (2905)\n"
	       "  -f FORMAT   point-code format, e.g. '8 8 8' for 24-bit (China) point codes (3.8.3)\n"
	       "  -S SI       default service indicator for send/expect (5 = ISUP, 3 = SCCP)\n"
	       "  -s FILE     script file ('-' = read commands from stdin as they come)\n"
	       "  -e CMD      a script command (repeatable; runs after -s)\n"
	       "  -w          stay after the script (answering with the auto rules) until -t or SIGTERM\n"
	       "  -t SECONDS  overall time limit (60)\n"
	       "  -v          debug logging of the M3UA stack on stderr\n"
	       "  -q          quiet: no RX/TX lines (load tests)\n"
	       "Script commands (one per line, # comments; DPC is a point code or node name):\n"
	       "  iam DPC CIC CALLED [CALLING]   send an IAM; numbers [n:|i:|s:|u:]DIGITS (national default)\n"
	       "  isup DPC CIC NAME|HEX [sls=N]  send an ISUP message: canned NAME (ACM CON CPG ANM REL RLC\n"
	       "                                 RSC GRS BLO UBL BLA UBA) or HEX from the message type on\n"
	       "  send DPC HEX [si=N] [opc=PC] [sls=N]   send a raw user part (ISUP: CIC included)\n"
	       "  sccp DPC HEX                   send a raw SCCP message (SI=3)\n"
	       "  expect TYPE|any [timeout=MS] [opc=PC] [cic=N] [si=N]   wait for a message (5000 ms);\n"
	       "                                 consumes it; exit 1 on timeout\n"
	       "  expect-none TYPE|any MS [...]  fail (exit 1) if such a message arrives within MS\n"
	       "  auto TYPE REPLY...             answer each TYPE with the REPLYs (canned name or hex:HEX)\n"
	       "                                 on the same CIC/back to the sender; 'auto off'\n"
	       "  load DPC CIC_FIRST CIC_LAST CALLS CALLED CALLING [timeout=MS]   CALLS calls IAM, ANM,\n"
	       "                                 REL, RLC, one at a time per CIC of the range (the peer\n"
	       "                                 answers: auto IAM ACM ANM, auto REL RLC); prints\n"
	       "                                 LOAD calls= answered= done= failed= seconds= cps= cpu=\n"
	       "  map-respond hlr [nnn=GT] [imsi-prefix=46000]   answer every SendRoutingInfoForSM Begin with\n"
	       "                                 an End: IMSI = prefix + last 10 digits of the MSISDN, network\n"
	       "                                 node number GT (8613200003)\n"
	       "  map-respond msc | off          answer every MT-ForwardSM/forwardSM Begin with an empty result;\n"
	       "                                 at exit: MAPRESPOND sri_sm=N fsm=N (answers sent)\n"
	       "  map-load DPC SMS WINDOW MSISDN SENDER [count=K] [route=PREFIX:DPC,...] [gt=GT]\n"
	       "           [version=3] [dlg-timeout=MS] [timeout=MS]   SMSC: SMS SMS, WINDOW in flight, each\n"
	       "                                 SendRoutingInfoForSM for MSISDN+(i%%K) to DPC, then MT-ForwardSM\n"
	       "                                 from SENDER+(i%%K) to the returned IMSI and node (DPC by route=,\n"
	       "                                 else DPC); SCCP calling GT = gt= (8613100004); prints\n"
	       "                                 MAPLOAD sms= started= ok= failed= errors= aborts= timeouts=\n"
	       "                                 other= stray= seconds= sms_per_s= ops_per_s= cpu=\n"
	       "  sleep MS | echo TEXT | exit [CODE]\n"
	       "Output on stdout, one line each: READY name= pc=, then\n"
	       "  RX|TX si=5 opc=1.1.2 dpc=1.1.3 sls=0 cic=1 type=IAM len=N hex=<user part incl. CIC>\n"
	       "  OK expect ..., FAIL ...\n"
	       "Exit: 0 script done, 1 expectation failed, 2 script error or timeout, 3 ASP never active.\n");
}

static void handle_options(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "hN:n:p:r:l:R:f:S:s:e:wt:vq")) != -1) {
		switch (c) {
		case 'N': sim.nodes_file = optarg; break;
		case 'n': sim.name = optarg; break;
		case 'p': sim.pc_str = optarg; break;
		case 'r': sim.rctx = atoi(optarg); break;
		case 'l': sim.local_port = atoi(optarg); break;
		case 'R': sim.remote_port = atoi(optarg); break;
		case 'f': sim.pc_format = optarg; break;
		case 'S': sim.default_si = atoi(optarg); break;
		case 's': sim.script_file = optarg; break;
		case 'e':
			sim.exec = sim.exec ? talloc_asprintf_append(sim.exec, "%s\n", optarg)
					    : talloc_asprintf(sim.ctx, "%s\n", optarg);
			break;
		case 'w': sim.stay = true; break;
		case 't': sim.timeout_s = atoi(optarg); break;
		case 'v': sim.verbose = true; break;
		case 'q': sim.quiet = true; break;
		case 'h': usage(); exit(0);
		default: usage(); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ss7-sim: unexpected argument '%s'\n", argv[optind]);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	sim.ctx = talloc_named_const(NULL, 0, "ss7-sim");
	msgb_talloc_ctx_init(sim.ctx, 0);
	INIT_LLIST_HEAD(&sim.rxq);
	setvbuf(stdout, NULL, _IOLBF, 0);
	handle_options(argc, argv);

	if (sim.nodes_file && load_node() < 0)
		exit(2);
	if (!sim.pc_str || !sim.rctx || !sim.local_port) {
		fprintf(stderr, "ss7-sim: need -p, -r and -l (or -N with -n)\n");
		exit(2);
	}

	osmo_init_logging2(sim.ctx, &sim_log_info);
	log_set_print_timestamp(osmo_stderr_target, 0);
	log_set_use_color(osmo_stderr_target, 0);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_print_category_hex(osmo_stderr_target, 0);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_log_level(osmo_stderr_target, sim.verbose ? LOGL_DEBUG : LOGL_NOTICE);
	if (sim.verbose) {
		log_set_category_filter(osmo_stderr_target, DLSS7, 1, LOGL_DEBUG);
		log_set_category_filter(osmo_stderr_target, DLM3UA, 1, LOGL_DEBUG);
	}
	vty_info.tall_ctx = sim.ctx;
	vty_init(&vty_info);
	if (osmo_ss7_init() < 0)
		exit(2);
	osmo_ss7_vty_init_asp(sim.ctx);
	if (setup_stack() < 0) {
		fprintf(stderr, "ss7-sim: cannot set up the M3UA stack\n");
		exit(2);
	}
	map_load_init(sim.ctx, &map_load_io);

	if (sim.script_file && strcmp(sim.script_file, "-")) {
		char *text;
		FILE *f = fopen(sim.script_file, "r");
		long n;

		if (!f) {
			fprintf(stderr, "ss7-sim: cannot open %s: %s\n", sim.script_file, strerror(errno));
			exit(2);
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		text = talloc_zero_size(sim.ctx, n + 1);
		if (n > 0 && fread(text, 1, n, f) != (size_t)n)
			exit(2);
		fclose(f);
		add_lines(text);
	}
	if (sim.exec)
		add_lines(sim.exec);
	if (sim.script_file && !strcmp(sim.script_file, "-")) {
		osmo_fd_setup(&sim.stdin_ofd, 0, OSMO_FD_READ, stdin_cb, NULL, 0);
		osmo_fd_register(&sim.stdin_ofd);
	} else {
		sim.script_eof = true;
	}

	signal(SIGINT, signal_handler);
	signal(SIGTERM, signal_handler);
	signal(SIGPIPE, SIG_IGN);
	osmo_timer_setup(&sim.wait_timer, wait_timer_cb, NULL);
	osmo_timer_setup(&sim.poll_timer, poll_timer_cb, NULL);
	osmo_timer_setup(&sim.global_timer, global_timer_cb, NULL);
	osmo_timer_schedule(&sim.poll_timer, 0, 20000);
	osmo_timer_schedule(&sim.global_timer, sim.timeout_s, 0);
	sim.wait = W_ACTIVE;

	while (!sim.done)
		osmo_select_main_ctx(0);
	map_load_summary();
	fflush(stdout);
	return sim.exit_code;
}
