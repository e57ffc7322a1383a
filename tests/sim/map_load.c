/* ss7-sim's MAP load mode (map_load.h): HLR and MSC responders, and the SMSC load generator.
 *
 * The load keeps WINDOW slots busy; a slot carries one SMS at a time through two dialogues:
 * SendRoutingInfoForSM for the recipient (to DPC, called GT = the recipient's number, SSN 6), and
 * on its result MT-ForwardSM with SM-RP-DA = the returned IMSI, called GT = the returned network
 * node number (SSN 8), to the DPC that "route=" gives for that GT. An End with a ReturnResultLast
 * ends a dialogue well; an error, reject, abort, UDTS, unusable result or the per-dialogue timeout
 * fails the SMS, and the slot takes the next one. A dialogue's otid is (serial << 12) | slot, so
 * the answer's dtid finds the slot, and a late answer to an older dialogue is recognised (stray). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/map.h>
#include <np700/sccp.h>
#include <np700/tcap.h>

#include "map_load.h"
#include "map_sim.h"

#define ML_SI_SCCP	3
#define ML_MAX_WINDOW	4096	/* the slot is the low 12 bits of the otid */
#define ML_MAX_ROUTES	8
#define ML_SSN_HLR	6
#define ML_SSN_MSC	8
#define ML_TEXT		"np700 MAP load test"

enum ml_state { ML_IDLE, ML_WAIT_SRI, ML_WAIT_FSM };

/* why an SMS failed */
enum ml_fail { ML_F_ERROR, ML_F_ABORT, ML_F_TIMEOUT, ML_F_OTHER, _ML_F_NUM };

static const struct value_string ml_fail_names[] = {
	{ ML_F_ERROR, "errors" },
	{ ML_F_ABORT, "aborts" },
	{ ML_F_TIMEOUT, "timeouts" },
	{ ML_F_OTHER, "other" },
	{ 0, NULL }
};

struct ml_slot {
	unsigned int idx;
	enum ml_state state;
	uint32_t otid;			/* of the dialogue in flight */
	unsigned int sms;		/* number of the SMS, 0.. */
	struct osmo_timer_list timer;	/* per-dialogue timeout */
};

struct ml_route {
	char prefix[MAP_ISDN_MAX_DIGITS + 1];
	uint32_t dpc;
};

/* a number of the load: base + (sms % count), keeping the digit count */
struct ml_number {
	uint64_t base;
	int width;
};

static struct {
	void *ctx;
	const struct map_load_io *io;
	struct msgb *tcap;		/* scratch for every TCAP encoded here */
	/* responders */
	bool hlr, msc;
	char nnn[MAP_ISDN_MAX_DIGITS + 1];
	char imsi_prefix[6];
	unsigned long n_sri_sm, n_fsm;
	/* the load */
	bool running;
	uint32_t dpc;
	unsigned int total, window, count, dlg_timeout_ms;
	int version;
	struct ml_number msisdn, sender;
	char gt[MAP_ISDN_MAX_DIGITS + 1];
	struct ml_route routes[ML_MAX_ROUTES];
	unsigned int n_routes;
	unsigned int started, ok, failed, fails[_ML_F_NUM], stray;
	bool failure_shown;
	uint32_t serial;
	struct ml_slot *slots;
	struct osmo_timer_list timer;	/* the whole load */
	struct osmo_timer_list kick;	/* starts the load from the event loop */
	struct timespec t0, cpu0;
} ml = {
	.nnn = "8613200003",
	.imsi_prefix = "46000",
};

static void ml_next(struct ml_slot *s);

static bool ml_digits(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

static int ml_number_parse(struct ml_number *n, const char *s)
{
	if (!ml_digits(s, MAP_ISDN_MAX_DIGITS))
		return -1;
	n->base = strtoull(s, NULL, 10);
	n->width = strlen(s);
	return 0;
}

static void ml_number(char *out, size_t len, const struct ml_number *n, unsigned int sms)
{
	snprintf(out, len, "%0*" PRIu64, n->width, n->base + sms % ml.count);
}

/* "PREFIX:DPC,PREFIX:DPC" */
static int ml_routes_parse(const char *s)
{
	char *copy = talloc_strdup(ml.ctx, s), *save = NULL, *tok, *colon;
	int pc, rc = 0;

	ml.n_routes = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		colon = strchr(tok, ':');
		if (!colon || ml.n_routes >= ML_MAX_ROUTES) {
			rc = -1;
			break;
		}
		*colon = '\0';
		pc = ml.io->parse_pc(colon + 1);
		if (!ml_digits(tok, MAP_ISDN_MAX_DIGITS) || pc < 0) {
			rc = -1;
			break;
		}
		OSMO_STRLCPY_ARRAY(ml.routes[ml.n_routes].prefix, tok);
		ml.routes[ml.n_routes].dpc = pc;
		ml.n_routes++;
	}
	talloc_free(copy);
	return rc;
}

/* the DPC for a GT: the longest matching route, else the load's DPC */
static uint32_t ml_route(const char *gt)
{
	size_t best = 0, l;
	uint32_t dpc = ml.dpc;
	unsigned int i;

	for (i = 0; i < ml.n_routes; i++) {
		l = strlen(ml.routes[i].prefix);
		if (l > best && !strncmp(gt, ml.routes[i].prefix, l)) {
			best = l;
			dpc = ml.routes[i].dpc;
		}
	}
	return dpc;
}

/* wrap the scratch TCAP in a UDT and send it */
static int ml_send(uint32_t dpc, uint8_t sls, const struct sccp_addr *called, const struct sccp_addr *calling)
{
	uint8_t buf[SCCP_MSG_MAX_LEN];
	int len = map_sim_udt(buf, sizeof(buf), called, calling, ml.tcap);

	if (len < 0)
		return len;
	return ml.io->tx(dpc, sls, buf, len);
}

static double ml_since(clockid_t clk, const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* --- the load generator (SMSC role) */

static void ml_end(const char *why)
{
	double el = ml_since(CLOCK_MONOTONIC, &ml.t0), cpu = ml_since(CLOCK_PROCESS_CPUTIME_ID, &ml.cpu0);
	unsigned int i;

	for (i = 0; i < ml.window; i++)
		osmo_timer_del(&ml.slots[i].timer);
	osmo_timer_del(&ml.timer);
	osmo_timer_del(&ml.kick);
	ml.running = false;
	/* ops: the MAP operations the SMSC completed, two per SMS; cpu: this process (user + system) */
	printf("MAPLOAD sms=%u started=%u ok=%u failed=%u", ml.total, ml.started, ml.ok, ml.failed);
	for (i = 0; i < _ML_F_NUM; i++)
		printf(" %s=%u", get_value_string(ml_fail_names, i), ml.fails[i]);
	printf(" stray=%u seconds=%.3f sms_per_s=%.1f ops_per_s=%.1f cpu=%.3f%s%s\n", ml.stray, el,
	       el > 0 ? ml.ok / el : 0.0, el > 0 ? 2 * ml.ok / el : 0.0, cpu, why ? " " : "", why ? why : "");
	ml.io->done();
}

/* count a failed SMS; the first one is shown */
static void ml_count_fail(struct ml_slot *s, enum ml_fail why, const char *detail)
{
	ml.failed++;
	ml.fails[why]++;
	if (!ml.failure_shown) {
		/* the first one only: enough to see what goes wrong without flooding the output */
		fprintf(stderr, "MAPLOAD first failure: sms %u, %s: %s\n", s->sms,
			s->state == ML_WAIT_SRI ? "SendRoutingInfoForSM" : "MT-ForwardSM", detail);
		ml.failure_shown = true;
	}
}

static void ml_fail(struct ml_slot *s, enum ml_fail why, const char *detail)
{
	ml_count_fail(s, why, detail);
	ml_next(s);
}

static uint32_t ml_new_otid(struct ml_slot *s)
{
	ml.serial = (ml.serial + 1) & 0xfffff;
	if (!ml.serial)
		ml.serial = 1;
	s->otid = (ml.serial << 12) | s->idx;
	osmo_timer_schedule(&s->timer, ml.dlg_timeout_ms / 1000, (ml.dlg_timeout_ms % 1000) * 1000);
	return s->otid;
}

static int ml_send_sri(struct ml_slot *s)
{
	char msisdn[MAP_ISDN_MAX_DIGITS + 1];
	struct sccp_addr called, calling;
	int rc;

	ml_number(msisdn, sizeof(msisdn), &ml.msisdn, s->sms);
	s->state = ML_WAIT_SRI;
	msgb_reset(ml.tcap);
	/* a protected number is national (DESIGN §3), a real one international */
	rc = map_sim_sri_sm(ml.tcap, ml_new_otid(s), ml.version, 1,
			    strncmp(msisdn, "700", 3) ? MAP_TON_INTERNATIONAL : MAP_TON_NATIONAL, msisdn, ml.gt);
	map_sim_gt(&called, msisdn, ML_SSN_HLR);
	map_sim_gt(&calling, ml.gt, ML_SSN_MSC);
	return rc < 0 ? rc : ml_send(ml.dpc, s->idx & 0x0f, &called, &calling);
}

static void ml_send_fsm(struct ml_slot *s, const char *imsi, const char *nnn)
{
	char sender[MAP_ISDN_MAX_DIGITS + 1];
	struct sccp_addr called, calling;
	uint8_t ui[200];
	int ui_len, rc = -1;

	ml_number(sender, sizeof(sender), &ml.sender, s->sms);
	s->state = ML_WAIT_FSM;
	msgb_reset(ml.tcap);
	ui_len = map_sim_sms_deliver(ui, sizeof(ui), sender, ML_TEXT, NULL);
	if (ui_len > 0)
		rc = map_sim_fwd_sm(ml.tcap, ml_new_otid(s), ml.version, 1, imsi, ml.gt, ui, ui_len, false);
	map_sim_gt(&called, nnn, ML_SSN_MSC);
	map_sim_gt(&calling, ml.gt, ML_SSN_MSC);
	if (rc < 0 || ml_send(ml_route(nnn), s->idx & 0x0f, &called, &calling) < 0)
		ml_fail(s, ML_F_OTHER, "cannot send");
}

/* the slot is free: the next SMS (a loop, not a recursion, when sending fails), or the end */
static void ml_next(struct ml_slot *s)
{
	while (ml.started < ml.total) {
		s->sms = ml.started++;
		if (ml_send_sri(s) >= 0)
			return;
		ml_count_fail(s, ML_F_OTHER, "cannot send");
	}
	osmo_timer_del(&s->timer);
	s->state = ML_IDLE;
	s->otid = 0;
	if (ml.ok + ml.failed >= ml.total)
		ml_end(NULL);
}

static void ml_slot_timeout(void *data)
{
	ml_fail(data, ML_F_TIMEOUT, "no answer");
}

static void ml_load_timeout(void *data)
{
	unsigned int i;

	/* what is still in flight has failed */
	for (i = 0; i < ml.window; i++) {
		if (ml.slots[i].state != ML_IDLE) {
			ml.failed++;
			ml.fails[ML_F_TIMEOUT]++;
		}
	}
	ml_end("(timeout)");
}

/* an answer to dialogue s->otid */
static void ml_answer(struct ml_slot *s, const struct sccp_msg *m, const struct tcap_msg *t)
{
	const struct tcap_component *c = t->num_comp ? &t->comp[0] : NULL;
	struct map_sri_sm_res res;
	char detail[64];

	if (sccp_msgt_service(m->type)) {
		snprintf(detail, sizeof(detail), "%s cause %u", get_value_string(sccp_msg_type_names, m->type),
			 m->cause);
		ml_fail(s, ML_F_OTHER, detail);
		return;
	}
	if (t->type == TCAP_ABORT) {
		ml_fail(s, ML_F_ABORT, t->p_abort_present ? "P-Abort" : "U-Abort");
		return;
	}
	if (t->type == TCAP_CONTINUE && !c)
		return;	/* only the dialogue was accepted: the result is still to come */
	if (c && c->type == TCAP_COMP_RETURN_ERROR) {
		snprintf(detail, sizeof(detail), "error %s",
			 get_value_string(map_error_names, c->error_code));
		ml_fail(s, ML_F_ERROR, detail);
		return;
	}
	if (t->type != TCAP_END || !c || c->type != TCAP_COMP_RR_LAST) {
		snprintf(detail, sizeof(detail), "unexpected %s %s", get_value_string(tcap_msg_type_names, t->type),
			 c ? get_value_string(tcap_comp_type_names, c->type) : "without component");
		ml_fail(s, ML_F_OTHER, detail);
		return;
	}
	if (s->state == ML_WAIT_FSM) {
		ml.ok++;
		ml_next(s);
		return;
	}
	if (!c->param || map_dec_sri_sm_res(&res, c->param, c->param_len) < 0) {
		ml_fail(s, ML_F_OTHER, "undecodable result");
		return;
	}
	ml_send_fsm(s, res.imsi, res.nnn.digits);
}

static bool ml_load_rx(const struct sccp_msg *m, const struct tcap_msg *t)
{
	const struct tcap_tid *tid;
	struct ml_slot *s;
	uint32_t id;

	/* a UDTS returns our Begin: its otid; anything else answers one: its dtid */
	if (sccp_msgt_service(m->type))
		tid = t->type == TCAP_BEGIN ? &t->otid : NULL;
	else
		tid = t->type == TCAP_BEGIN ? NULL : &t->dtid;
	if (!tid || !tid->len)
		return false;
	id = tcap_tid_get(tid);
	s = (id & 0xfff) < ml.window ? &ml.slots[id & 0xfff] : NULL;
	if (!s || s->state == ML_IDLE || s->otid != id) {
		ml.stray++;
		return true;
	}
	ml_answer(s, m, t);
	return true;
}

static void ml_kick(void *data)
{
	unsigned int i;

	clock_gettime(CLOCK_MONOTONIC, &ml.t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ml.cpu0);
	for (i = 0; i < ml.window && ml.running && ml.started < ml.total; i++)
		ml_next(&ml.slots[i]);
}

static int ml_load_start(char **argv, int argc)
{
	const char *v;
	int dpc, sms, window, timeout_ms;
	unsigned int i;

	if (ml.running || argc < 6)
		return -1;
	dpc = ml.io->parse_pc(argv[1]);
	sms = atoi(argv[2]);
	window = atoi(argv[3]);
	if (dpc < 0 || sms <= 0 || window <= 0 || window > ML_MAX_WINDOW)
		return -1;
	if (ml_number_parse(&ml.msisdn, argv[4]) < 0 || ml_number_parse(&ml.sender, argv[5]) < 0)
		return -1;
	ml.count = (v = ml.io->opt(argv, argc, 6, "count")) ? atoi(v) : 1;
	ml.version = (v = ml.io->opt(argv, argc, 6, "version")) ? atoi(v) : 3;
	ml.dlg_timeout_ms = (v = ml.io->opt(argv, argc, 6, "dlg-timeout")) ? atoi(v) : 10000;
	timeout_ms = (v = ml.io->opt(argv, argc, 6, "timeout")) ? atoi(v) : 60000;
	v = ml.io->opt(argv, argc, 6, "gt");
	OSMO_STRLCPY_ARRAY(ml.gt, v ? v : "8613100004");
	if (ml.count == 0 || ml.version < 1 || ml.version > 3 || ml.dlg_timeout_ms == 0 || timeout_ms <= 0 ||
	    !ml_digits(ml.gt, MAP_ISDN_MAX_DIGITS))
		return -1;
	ml.n_routes = 0;
	if ((v = ml.io->opt(argv, argc, 6, "route")) && ml_routes_parse(v) < 0)
		return -1;

	ml.dpc = dpc;
	ml.total = sms;
	ml.window = window;
	ml.started = ml.ok = ml.failed = ml.stray = 0;
	memset(ml.fails, 0, sizeof(ml.fails));
	ml.failure_shown = false;
	talloc_free(ml.slots);
	ml.slots = talloc_zero_array(ml.ctx, struct ml_slot, window);
	if (!ml.slots)
		return -1;
	for (i = 0; i < ml.window; i++) {
		ml.slots[i].idx = i;
		osmo_timer_setup(&ml.slots[i].timer, ml_slot_timeout, &ml.slots[i]);
	}
	osmo_timer_setup(&ml.timer, ml_load_timeout, NULL);
	osmo_timer_schedule(&ml.timer, timeout_ms / 1000, (timeout_ms % 1000) * 1000);
	/* not from within the command: the load may end (and the script go on) while it starts */
	osmo_timer_setup(&ml.kick, ml_kick, NULL);
	osmo_timer_schedule(&ml.kick, 0, 0);
	ml.running = true;
	return 1;
}

/* --- the responders (HLR and MSC roles) */

/* send the scratch TCAP back to the sender of m: called and calling swapped */
static void ml_reply(uint32_t opc, uint8_t sls, const struct sccp_msg *m)
{
	ml_send(opc, sls, &m->calling, &m->called);
}

static bool ml_respond(uint32_t opc, uint8_t sls, const struct sccp_msg *m, const struct tcap_msg *t)
{
	const struct tcap_component *c = t->num_comp ? &t->comp[0] : NULL;
	char imsi[MAP_IMSI_MAX_DIGITS + 1];
	struct map_sri_sm sri;
	size_t n;

	if (t->type != TCAP_BEGIN || !c || c->type != TCAP_COMP_INVOKE)
		return false;
	msgb_reset(ml.tcap);
	if (ml.hlr && c->opcode == MAP_OP_SEND_ROUTING_INFO_FOR_SM) {
		if (!c->param || map_dec_sri_sm(&sri, c->param, c->param_len) < 0)
			return false;
		/* IMSI: the prefix and the last 10 digits of the MSISDN, as tests/uml/map_lib.sh */
		n = strlen(sri.msisdn.digits);
		snprintf(imsi, sizeof(imsi), "%s%s", ml.imsi_prefix, sri.msisdn.digits + (n > 10 ? n - 10 : 0));
		if (map_sim_sri_sm_res(ml.tcap, t, c, imsi, ml.nnn) < 0)
			return false;
		ml.n_sri_sm++;
	} else if (ml.msc && (c->opcode == MAP_OP_MT_FORWARD_SM || c->opcode == MAP_OP_FORWARD_SM)) {
		if (tcap_enc_end_result(ml.tcap, &t->otid, map_sim_aare(t, NULL, NULL), c->invoke_id, c->opcode,
					NULL, 0) < 0)
			return false;
		ml.n_fsm++;
	} else {
		return false;
	}
	ml_reply(opc, sls, m);
	return true;
}

static int ml_respond_cmd(char **argv, int argc)
{
	const char *v;

	if (argc < 2)
		return -1;
	if (!strcmp(argv[1], "off")) {
		ml.hlr = ml.msc = false;
		return 0;
	}
	if (!strcmp(argv[1], "msc")) {
		ml.msc = true;
		return 0;
	}
	if (strcmp(argv[1], "hlr"))
		return -1;
	if ((v = ml.io->opt(argv, argc, 2, "nnn"))) {
		if (!ml_digits(v, MAP_ISDN_MAX_DIGITS))
			return -1;
		OSMO_STRLCPY_ARRAY(ml.nnn, v);
	}
	if ((v = ml.io->opt(argv, argc, 2, "imsi-prefix"))) {
		if (!ml_digits(v, sizeof(ml.imsi_prefix) - 1))
			return -1;
		OSMO_STRLCPY_ARRAY(ml.imsi_prefix, v);
	}
	ml.hlr = true;
	return 0;
}

/* --- the interface */

void map_load_init(void *ctx, const struct map_load_io *io)
{
	ml.ctx = ctx;
	ml.io = io;
	ml.tcap = msgb_alloc_c(ctx, 1024, "map-load tcap");
	OSMO_ASSERT(ml.tcap);
}

int map_load_cmd(char **argv, int argc)
{
	if (!strcmp(argv[0], "map-respond"))
		return ml_respond_cmd(argv, argc);
	if (!strcmp(argv[0], "map-load"))
		return ml_load_start(argv, argc);
	return -2;
}

bool map_load_rx(uint8_t si, uint32_t opc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct sccp_msg m;
	struct tcap_msg t;

	if (si != ML_SI_SCCP || (!ml.running && !ml.hlr && !ml.msc))
		return false;
	if (map_sim_parse(&m, &t, data, len) < 0)
		return false;
	if (ml.running && ml_load_rx(&m, &t))
		return true;
	return (ml.hlr || ml.msc) && ml_respond(opc, sls, &m, &t);
}

void map_load_summary(void)
{
	if (ml.hlr || ml.msc)
		printf("MAPRESPOND sri_sm=%lu fsm=%lu\n", ml.n_sri_sm, ml.n_fsm);
}
