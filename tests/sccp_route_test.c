/* SCCP GT routing table (longest prefix match, replacement) and the relay step: local delivery,
 * forwarding by GT and PC, UDTS/XUDTS with the right cause, hop counter, malformed input. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/sccp.h>
#include "../src/sccp_segment.h"

#define OWN_PC	50

static void *ctx;
static int local_answer;

static void add(struct sccp_route_table *t, const char *prefix, uint32_t pc, uint8_t ssn, const char *repl)
{
	struct sccp_route r = { .pc = pc, .ssn = ssn };
	int rc;

	OSMO_STRLCPY_ARRAY(r.prefix, prefix);
	OSMO_STRLCPY_ARRAY(r.replace, repl);
	rc = sccp_route_add(t, &r);
	printf("add %s -> pc %u ssn %u%s%s: %d\n", prefix, pc, ssn, repl[0] ? " replace " : "", repl, rc);
}

static void lookup(struct sccp_route_table *t, const char *digits)
{
	const struct sccp_route *r = sccp_route_lookup(t, digits);

	if (r)
		printf("lookup %s -> prefix %s pc %u\n", digits, r->prefix, r->pc);
	else
		printf("lookup %s -> none\n", digits);
}

static void t_table(void)
{
	struct sccp_route_table *t = sccp_route_table_alloc(ctx);
	struct sccp_addr a;
	unsigned int i;

	printf("=== routing table\n");
	add(t, "8613", 200, 0, "");
	add(t, "86", 100, 6, "");
	add(t, "861380", 300, 6, "8613999");
	add(t, "700", OWN_PC, 8, "");
	add(t, "7001", 400, 0, "");
	add(t, "9", 900, 0, "");
	add(t, "86", 101, 6, "");	/* replaces */
	add(t, "", 1, 0, "");
	add(t, "12x", 1, 0, "");
	add(t, "1", 1, 0, "12y");
	for (i = 0; i < sccp_route_count(t); i++)
		printf("  [%u] %s pc %u\n", i, sccp_route_get(t, i)->prefix, sccp_route_get(t, i)->pc);
	lookup(t, "8613800138000");
	lookup(t, "8613900000");
	lookup(t, "8612345");
	lookup(t, "861");
	lookup(t, "8");
	lookup(t, "700123456789012");
	lookup(t, "700023456789012");
	lookup(t, "9");
	lookup(t, "5551234");
	lookup(t, "");
	printf("del 8613: %d", sccp_route_del(t, "8613"));
	printf(", again: %d\n", sccp_route_del(t, "8613"));
	lookup(t, "8613900000");
	printf("del 9: %d", sccp_route_del(t, "9"));
	printf(", del 7001: %d\n", sccp_route_del(t, "7001"));
	for (i = 0; i < sccp_route_count(t); i++)
		printf("  [%u] %s pc %u\n", i, sccp_route_get(t, i)->prefix, sccp_route_get(t, i)->pc);

	sccp_addr_set_gt(&a, 0, 4, "8613800138000", 6);
	printf("apply replacement: %d -> %s\n", sccp_route_apply(sccp_route_lookup(t, a.digits), &a), a.digits);

	/* a larger table: every prefix still found by longest match */
	for (i = 0; i < 2000; i++) {
		struct sccp_route r = { .pc = i };
		snprintf(r.prefix, sizeof(r.prefix), "86%04u", i * 5);
		sccp_route_add(t, &r);
	}
	for (i = 0; i < 2000; i++) {
		char d[16];
		const struct sccp_route *r;
		snprintf(d, sizeof(d), "86%04u123", i * 5);
		r = sccp_route_lookup(t, d);
		if (!r || r->pc != i)
			printf("ERROR large table lookup %s\n", d);
	}
	printf("large table: %u routes, lookups ok\n", sccp_route_count(t));
	talloc_free(t);
}

/* --- relay */

static struct sccp_relay *g_r;

static unsigned int checksum(const uint8_t *d, size_t len);

static int tx_cb(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct sccp_relay *r = g_r;
	struct sccp_msg m;
	const char *err;
	char cd[160], cg[160];

	if (len > 100)
		printf("  TX opc %u dpc %u sls %u: %zu octets\n", opc, dpc, sls, len);
	else
		printf("  TX opc %u dpc %u sls %u: %s\n", opc, dpc, sls, osmo_hexdump_nospc(data, len));
	if (sccp_msg_parse(&m, data, len, sccp_relay_variant(r), &err) < 0) {
		printf("  ERROR: sent message does not parse: %s\n", err);
	} else {
		printf("     %s", get_value_string(sccp_msg_type_names, m.type));
		if (sccp_msgt_service(m.type))
			printf(" cause '%s'", get_value_string(sccp_return_cause_names, m.cause));
		if (sccp_msgt_extended(m.type))
			printf(" hop %u", m.hop_counter);
		if (m.data_len > 255)
			printf(" data %u octets, checksum %08x", m.data_len, checksum(m.data, m.data_len));
		if (m.type == SCCP_MSGT_XUDT && m.seg_present)
			printf(" class %u", m.proto_class & 0x0f);
		if (m.seg_present)
			printf(" segment first %d remaining %u ref 0x%06x data %u", m.seg.first, m.seg.remaining,
			       m.seg.local_ref, m.data_len);
		printf(" called %s calling %s\n", sccp_addr_name_buf(cd, sizeof(cd), &m.called, sccp_relay_variant(r)),
		       sccp_addr_name_buf(cg, sizeof(cg), &m.calling, sccp_relay_variant(r)));
	}
	return 0;
}

static bool reply_in_cb;

static unsigned int checksum(const uint8_t *d, size_t len)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum = sum * 31 + d[i];
	return sum;
}

static int local_cb(struct sccp_relay *r, const struct sccp_ind *ind, void *priv)
{
	static const uint8_t end[] = { 0x64, 0x06, 0x49, 0x04, 0x01, 0x02, 0x03, 0x04 };
	char cd[160];

	if (ind->data_len > 64) {
		unsigned int sum = checksum(ind->data, ind->data_len);
		printf("  LOCAL ssn %u opc %u dpc %u %s called %s data %zu octets, checksum %08x -> %d\n", ind->ssn,
		       ind->opc, ind->dpc, get_value_string(sccp_msg_type_names, ind->msg->type),
		       sccp_addr_name_buf(cd, sizeof(cd), &ind->msg->called, sccp_relay_variant(r)), ind->data_len,
		       sum, local_answer);
	} else {
		printf("  LOCAL ssn %u opc %u dpc %u %s called %s data %s -> %d\n", ind->ssn, ind->opc, ind->dpc,
		       get_value_string(sccp_msg_type_names, ind->msg->type),
		       sccp_addr_name_buf(cd, sizeof(cd), &ind->msg->called, sccp_relay_variant(r)),
		       osmo_hexdump_nospc(ind->data, ind->data_len), local_answer);
	}
	if (reply_in_cb)
		printf("  reply -> %d\n", sccp_relay_reply(r, ind, NULL, end, sizeof(end)));
	return local_answer;
}

static const uint8_t tcap[] = { 0x62, 0x06, 0x48, 0x04, 0x01, 0x02, 0x03, 0x04 };

static void rx(struct sccp_relay *r, const char *what, const struct sccp_msg *m)
{
	uint8_t buf[512];
	int len = sccp_msg_encode_buf(buf, sizeof(buf), m, sccp_relay_variant(r));
	int rc;

	printf("-- %s\n", what);
	if (len < 0) {
		printf("  ERROR encode %d\n", len);
		return;
	}
	rc = sccp_relay_mtp_rx(r, 1000, OWN_PC, 7, buf, len);
	printf("  rx -> %d\n", rc);
}

static void rx_hex(struct sccp_relay *r, const char *what, const char *hex)
{
	uint8_t buf[512];
	int len = osmo_hexparse(hex, buf, sizeof(buf));

	printf("-- %s\n", what);
	printf("  rx -> %d\n", sccp_relay_rx(r, 1000, OWN_PC, 7, buf, len));
}

static void mk(struct sccp_msg *m, const char *cd_digits, uint8_t cd_ssn, const char *cg_digits, bool ret);

static uint8_t ludt_data[300];

/* a LUDT with ludt_data, hop counter 10 */
static void mk_ludt(struct sccp_msg *m, const char *cd_digits, uint8_t cd_ssn, const char *cg_digits)
{
	mk(m, cd_digits, cd_ssn, cg_digits, true);
	m->type = SCCP_MSGT_LUDT;
	m->hop_counter = 10;
	m->data = ludt_data;
	m->data_len = sizeof(ludt_data);
}

/* a LUDT segment (Q.713 3.17): first or not, \a remaining segments after it, local reference 0x112233 */
static void ludt_segment(struct sccp_msg *m, uint8_t seg[4], const char *cd_digits, uint8_t cd_ssn, bool first,
			 uint8_t remaining)
{
	mk_ludt(m, cd_digits, cd_ssn, "8613800138000");
	seg[0] = (first ? 0x80 : 0) | 0x40 | remaining;	/* class 1 selected */
	seg[1] = 0x11;
	seg[2] = 0x22;
	seg[3] = 0x33;
	m->opt_part = m->opt_eop = true;
	m->n_opt = 1;
	m->opt[0] = (struct sccp_opt){ .tag = SCCP_OPT_SEGMENTATION, .len = 4, .val = seg };
}

/* A message longer than one LUDT in LUDT segments (Q.714 4.1.1.2): relayed segment by segment with
 * the segmentation parameter as it came, reassembled for a local subsystem. */
static void t_ludt_segments(struct sccp_relay *r)
{
	static uint8_t whole[2 * sizeof(ludt_data)];
	struct sccp_msg m;
	uint8_t seg[4];

	memcpy(whole, ludt_data, sizeof(ludt_data));
	memcpy(whole + sizeof(ludt_data), ludt_data, sizeof(ludt_data));
	ludt_segment(&m, seg, "8613812345678", 7, true, 1);
	rx(r, "first of two LUDT segments by GT: forwarded with its segmentation parameter", &m);
	ludt_segment(&m, seg, "8613812345678", 7, false, 0);
	rx(r, "second LUDT segment by GT: forwarded with its segmentation parameter", &m);
	printf("(two segments of LUDT data: checksum %08x)\n", checksum(whole, sizeof(whole)));
	ludt_segment(&m, seg, "8613900099", 6, true, 1);
	rx(r, "first of two LUDT segments for the local GT: held", &m);
	ludt_segment(&m, seg, "8613900099", 6, false, 0);
	rx(r, "second LUDT segment for the local GT: delivered reassembled, 600 octets", &m);
}

/* LUDT (Q.713 4.20): relayed as LUDT with its 300 octets, delivered whole, answered with LUDTS */
static void t_ludt(struct sccp_relay *r)
{
	struct sccp_msg m;
	unsigned int i;

	for (i = 0; i < sizeof(ludt_data); i++)
		ludt_data[i] = i * 7;
	printf("(LUDT data checksum %08x)\n", checksum(ludt_data, sizeof(ludt_data)));
	mk_ludt(&m, "8613812345678", 7, "8613900099");
	rx(r, "LUDT of 300 octets by GT: forwarded as LUDT, hop counter 9, data intact", &m);
	m.hop_counter = 1;
	rx(r, "LUDT with hop counter 1: LUDTS hop counter violation", &m);
	mk_ludt(&m, "4412345678", 7, "8613900099");
	rx(r, "LUDT without route, return option: LUDTS with the data", &m);
	mk_ludt(&m, "8613900099", 6, "8613800138000");
	rx(r, "LUDT for the local GT: delivered whole", &m);
	rx_hex(r, "LUDT with its data length past the end: dropped",
	       "13810f" "0700" "0a00" "0d00" "0000" "0443d20406" "0443bc2a08" "0901" "6206480401020304");
	t_ludt_segments(r);
}

static void mk(struct sccp_msg *m, const char *cd_digits, uint8_t cd_ssn, const char *cg_digits, bool ret)
{
	struct sccp_addr cd, cg;

	sccp_addr_set_gt(&cd, 0, 4, cd_digits, cd_ssn);
	sccp_addr_set_gt(&cg, 0, 4, cg_digits, 8);
	sccp_msg_init_unitdata(m, &cd, &cg, tcap, sizeof(tcap), ret);
}

/* Collects the segments sccp_segment() makes, encoded. */
struct seg_store {
	unsigned int n;
	uint8_t buf[16][300];
	int len[16];
};

static int seg_store(const struct sccp_msg *seg, void *priv)
{
	struct seg_store *st = priv;

	st->len[st->n] = sccp_msg_encode_buf(st->buf[st->n], sizeof(st->buf[0]), seg, SCCP_VAR_ITU);
	st->n++;
	return 0;
}

static void seg_rx(struct sccp_relay *r, struct seg_store *st, unsigned int i)
{
	if (st->len[i] < 0) {
		printf("  segment %u: ERROR encode %d\n", i, st->len[i]);
		return;
	}
	printf("  segment %u -> %d\n", i, sccp_relay_rx(r, 1000, OWN_PC, 7, st->buf[i], st->len[i]));
}

static void t_segments(struct sccp_relay *r)
{
	static uint8_t big[600];
	struct seg_store st = {};
	struct sccp_msg m;
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(big); i++)
		big[i] = i * 7 + 3;

	printf("-- MAP sends 600 octets: XUDT segments\n");
	mk(&m, "8613812345678", 7, "8613900099", true);
	printf("  send -> %d\n", sccp_relay_send_data(r, &m, big, sizeof(big), 5));
	printf("-- 240 octets: one UDT of 271 octets; 250 octets: two segments\n");
	printf("  send 240 -> %d\n", sccp_relay_send_data(r, &m, big, 240, 5));
	printf("  send 250 -> %d\n", sccp_relay_send_data(r, &m, big, 250, 5));
	printf("  send 5000 -> %d\n", sccp_relay_send_data(r, &m, big, 5000, 5));

	printf("-- 600 octets in segments for the local GT: reassembled (checksum %08x)\n",
	       checksum(big, sizeof(big)));
	mk(&m, "8613900099", 6, "8613800138000", true);
	rc = sccp_segment(&m, big, sizeof(big), 0x123456, SCCP_VAR_ITU, seg_store, &st);
	printf("  %d segments of %d octets at most\n", rc, sccp_segment_size(&m, SCCP_VAR_ITU));
	for (i = 0; i < st.n; i++)
		seg_rx(r, &st, i);

	printf("-- the second segment missing: segmentation failure\n");
	seg_rx(r, &st, 0);
	seg_rx(r, &st, 2);
	printf("-- a later segment alone: segmentation failure\n");
	seg_rx(r, &st, 1);

	printf("-- only the first segment: T(reass) expires\n");
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1000 };
	seg_rx(r, &st, 0);
	osmo_gettimeofday_override_time.tv_sec += SCCP_REASS_TIMEOUT_S + 1;
	osmo_timers_prepare();
	osmo_timers_update();
	printf("  then the rest: ");
	seg_rx(r, &st, 1);
	osmo_gettimeofday_override = false;
}

/* SCCP management: SST/SSA octets written by hand (Q.713 5.1: format identifier, affected SSN,
 * affected PC least significant octet first, SMI), addresses RI=SSN with PC and SSN 1 */
static void t_scmg(struct sccp_relay *r)
{
	printf("=== SCCP management\n");
	/* UDT class 0, called PC 50 SSN 1, calling PC 1000 SSN 1, SST for SSN 6 at PC 50 */
	rx_hex(r, "SST for local SSN 6: SSA back to PC 1000",
	       "090003070b04433200010443e80301050306320000");
	rx_hex(r, "SST for SSN 1 (SCMG itself): SSA", "090003070b04433200010443e80301050301320000");
	rx_hex(r, "SST for SSN 7 (not local): no answer", "090003070b04433200010443e80301050307320000");
	rx_hex(r, "SST for SSN 6 at PC 51: no answer", "090003070b04433200010443e80301050306330000");
	rx_hex(r, "SST truncated: dropped", "090003070b04433200010443e803010403063200");
	rx_hex(r, "SST with an octet too many: dropped", "090003070b04433200010443e8030106030632000000");
	rx_hex(r, "unknown format identifier 0xfd: dropped", "090003070b04433200010443e8030105fd06320000");
	rx_hex(r, "SSP for SSN 6 at PC 1000: logged", "090003070b04433200010443e80301050206e80300");
	rx_hex(r, "SSC for SSN 6 at PC 1000, level 3: logged", "090003070b04433200010443e80301060606e8030003");
	rx_hex(r, "UDTS for SSN 1: dropped", "0a0103070b04433200010443e80301050106320000");
	/* SST with return option: the SSA still goes without */
	rx_hex(r, "SST, class 0 with return option: SSA without", "098003070b04433200010443e80301050308320000");
}

static void t_relay(void)
{
	struct sccp_relay *r = sccp_relay_alloc(ctx, 0);
	struct sccp_route_table *t = sccp_relay_routes(r);
	struct sccp_msg m;
	struct rate_ctr_group *g;
	uint8_t seg[4] = { 0x40 | 2, 0x11, 0x22, 0x33 };
	unsigned int i;

	printf("=== relay\n");
	g_r = r;
	sccp_relay_set_own_pc(r, OWN_PC);
	sccp_relay_set_tx_cb(r, tx_cb, NULL);
	sccp_relay_set_local_cb(r, local_cb, NULL);
	sccp_relay_set_local_ssn(r, 6, true);
	sccp_relay_set_local_ssn(r, 8, true);
	printf("add local GT: %d", sccp_relay_add_local_gt(r, "8613900099"));
	printf(", again: %d", sccp_relay_add_local_gt(r, "8613900099"));
	printf(", bad digits: %d\n", sccp_relay_add_local_gt(r, "12a"));
	add(t, "86138", 200, 0, "");
	add(t, "861380", 300, 6, "8613999");
	add(t, "700", OWN_PC, 8, "");
	add(t, "8617", 400, 0, "");

	mk(&m, "8613900099", 6, "8613800138000", true);
	rx(r, "UDT to the local GT, SSN 6", &m);

	mk(&m, "700123456789012", 0, "8613800138000", true);
	rx(r, "UDT to X: routed to own PC, SSN 8 from the route", &m);

	mk(&m, "8613812345678", 7, "8613900099", true);
	rx(r, "UDT by GT to PC 200", &m);

	mk(&m, "8613800138000", 7, "8613900099", true);
	rx(r, "UDT by GT to PC 300, prefix replaced, SSN set", &m);

	mk(&m, "8617000000000", 7, "8613900099", true);
	m.calling.route_on_ssn = true;
	rx(r, "UDT by GT; calling RI=SSN without PC gets the OPC", &m);

	mk(&m, "4412345678", 7, "8613800138000", true);
	rx(r, "UDT without route, return option: UDTS no translation for this address", &m);

	mk(&m, "4412345678", 7, "8613800138000", false);
	rx(r, "UDT without route, no return option: dropped", &m);

	mk(&m, "8613900099", 7, "8613800138000", true);
	m.called.gti = SCCP_GTI_NONE;
	m.called.digits[0] = '\0';
	rx(r, "RI=GT without GT: no translation for an address of such nature", &m);

	mk(&m, "8613900099", 0, "8613800138000", true);
	m.called.gti = SCCP_GTI_TT_NP_ES;
	m.called.es = 3;
	m.called.bcd = false;
	OSMO_STRLCPY_ARRAY(m.called.digits, "1234");
	rx(r, "GT with a non-BCD encoding scheme: address of such nature", &m);

	mk(&m, "8613900099", 7, "8613800138000", true);
	m.called.gti = 9;	/* spare (Q.713 3.4.1) */
	m.called.bcd = false;
	OSMO_STRLCPY_ARRAY(m.called.digits, "0012");
	rx(r, "spare GTI 9: no translation for an address of such nature", &m);

	mk(&m, "8613900099", 9, "8613800138000", true);
	rx(r, "local GT, SSN 9 not local: unequipped user", &m);

	mk(&m, "8613900099", 6, "8613800138000", true);
	local_answer = SCCP_CAUSE_SUBSYS_FAILURE;
	rx(r, "local user refuses: subsystem failure", &m);
	local_answer = -EINVAL;
	rx(r, "local user drops it: nothing returned", &m);
	local_answer = 0;

	mk(&m, "8613812345678", 7, "8613900099", true);
	m.type = SCCP_MSGT_XUDT;
	m.hop_counter = 5;
	rx(r, "XUDT by GT, hop counter 5 -> 4", &m);
	m.hop_counter = 1;
	rx(r, "XUDT by GT, hop counter 1: XUDTS hop counter violation", &m);

	mk(&m, "8613900099", 6, "8613800138000", true);
	m.type = SCCP_MSGT_XUDT;
	m.hop_counter = 1;
	m.opt_part = m.opt_eop = true;
	m.n_opt = 1;
	m.opt[0] = (struct sccp_opt){ .tag = SCCP_OPT_SEGMENTATION, .len = 4, .val = seg };
	rx(r, "segmented XUDT (not first) for a local SSN: cannot reassemble", &m);
	seg[0] = 0x80;
	rx(r, "XUDT, first and only segment, local: delivered", &m);

	mk(&m, "4412345678", 7, "8613800138000", true);
	m.type = SCCP_MSGT_UDTS;
	m.cause = SCCP_CAUSE_SUBSYS_FAILURE;
	rx(r, "UDTS without route: dropped, no UDTS for a UDTS", &m);
	mk(&m, "8613900099", 8, "8613800138000", true);
	m.type = SCCP_MSGT_UDTS;
	m.cause = SCCP_CAUSE_SUBSYS_FAILURE;
	rx(r, "UDTS for the local GT: delivered", &m);

	mk(&m, "8613900099", 6, "8613800138000", true);
	m.called.route_on_ssn = true;
	m.called.pc_present = true;
	m.called.pc = 777;
	rx(r, "RI=SSN with another node's PC: forwarded there", &m);
	m.called.pc = OWN_PC;
	rx(r, "RI=SSN with the own PC: local", &m);
	m.called.pc_present = false;
	m.called.ssn = 100;
	rx(r, "RI=SSN, SSN 100 not local: unequipped user", &m);

	reply_in_cb = true;
	mk(&m, "8613900099", 6, "4412345678", true);
	rx(r, "MAP answers a UDT whose calling GT has no route: back to the OPC", &m);
	mk(&m, "8613900099", 6, "8613812345678", true);
	rx(r, "MAP answers a UDT whose calling GT has a route: there", &m);
	mk(&m, "8613900099", 6, "4412345678", true);
	m.calling.route_on_ssn = true;
	rx(r, "MAP answers a UDT whose calling address is RI=SSN without PC: to the OPC, PC added", &m);
	reply_in_cb = false;

	rx_hex(r, "truncated UDT: dropped", "0980030f190c12060011");
	rx_hex(r, "connection request: not handled", "01020304");
	t_ludt(r);

	printf("-- MAP sends its own UDT\n");
	mk(&m, "8613812345678", 7, "8613900099", true);
	printf("  send -> %d\n", sccp_relay_send(r, &m, 3));
	mk(&m, "4412345678", 7, "8613900099", true);
	printf("  send without route -> %d\n", sccp_relay_send(r, &m, 3));

	t_segments(r);
	t_scmg(r);

	sccp_relay_set_variant(r, SCCP_VAR_CHINA);
	mk(&m, "8613812345678", 7, "8613900099", true);
	m.calling.route_on_ssn = true;
	m.calling.pc_present = true;
	m.calling.pc = 0x123456;
	rx(r, "China: UDT by GT, calling with a 24-bit PC", &m);
	mk(&m, "4412345678", 7, "8613900099", true);
	m.calling.route_on_ssn = true;
	m.calling.pc_present = true;
	m.calling.pc = 0x123456;
	rx(r, "China: no route, UDTS to the calling PC", &m);
	/* called PC 50 SSN 1, calling PC 0x123456 SSN 1; SST for SSN 8 at PC 50, 3-octet PC */
	rx_hex(r, "China: SST for SSN 8, SSA with a 3-octet PC", "090003080d05433200000105435634120106030832000000");

	printf("=== counters\n");
	g = sccp_relay_ctrs(r);
	for (i = 0; i < _SCCP_CTR_NUM; i++)
		printf("  %s: %" PRIu64 "\n", g->desc->ctr_desc[i].name, g->ctr[i].current);
	sccp_relay_free(r);
}

int main(void)
{
	ctx = talloc_named_const(NULL, 0, "sccp_route_test");
	msgb_talloc_ctx_init(ctx, 0);
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_print_filename2(osmo_stderr_target, LOG_FILENAME_NONE);
	log_set_print_category(osmo_stderr_target, 1);
	log_set_use_color(osmo_stderr_target, 0);

	t_table();
	t_relay();
	return 0;
}
