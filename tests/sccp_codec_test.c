/* SCCP codec: UDT/XUDT/UDTS/XUDTS with all four GT formats, ITU and China point codes,
 * byte-identical round trips, GT rewriting, and malformed input.  Lines starting with
 * "tshark-vector" are read by tests/tshark/sccp_vectors.sh, which checks them with tshark. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <np700/sccp.h>

static const char *vname(enum sccp_variant v)
{
	return get_value_string(sccp_variant_names, v);
}

static int hex2bin(uint8_t *buf, size_t size, const char *hex)
{
	int rc = osmo_hexparse(hex, buf, size);

	if (rc < 0) {
		printf("BAD TEST VECTOR %s\n", hex);
		return 0;
	}
	return rc;
}

static void print_addr(const char *what, const struct sccp_addr *a, enum sccp_variant v)
{
	char buf[160];

	printf("  %s: %s", what, sccp_addr_name_buf(buf, sizeof(buf), a, v));
	if (a->pc_present)
		printf(" (pc %u)", a->pc);
	if (a->gti != SCCP_GTI_NONE)
		printf(" [%s%s, %zu digits]", get_value_string(sccp_gti_names, a->gti), a->bcd ? "" : ", not BCD",
		       strlen(a->digits));
	printf("\n");
}

static void print_msg(const struct sccp_msg *m, enum sccp_variant v)
{
	unsigned int i;

	printf("  %s", get_value_string(sccp_msg_type_names, m->type));
	if (!sccp_msgt_service(m->type))
		printf(" class %u%s", m->proto_class & 0x0f, sccp_msg_return_on_error(m) ? " return-on-error" : "");
	else
		printf(" cause %u (%s)", m->cause, get_value_string(sccp_return_cause_names, m->cause));
	if (sccp_msgt_extended(m->type))
		printf(" hop-counter %u", m->hop_counter);
	if (m->data_len > 64)
		printf(" data %u octets%s\n", m->data_len, m->canonical ? "" : " (non-canonical layout)");
	else
		printf(" data %s%s\n", osmo_hexdump_nospc(m->data, m->data_len),
		       m->canonical ? "" : " (non-canonical layout)");
	print_addr("called ", &m->called, v);
	print_addr("calling", &m->calling, v);
	if (m->opt_part) {
		printf("  optional part:");
		for (i = 0; i < m->n_opt; i++)
			printf(" 0x%02x[%u]", m->opt[i].tag, m->opt[i].len);
		printf("%s\n", m->opt_eop ? " end" : " (no end octet)");
	}
	if (m->seg_present)
		printf("  segmentation: first %d in-sequence %d remaining %u local-ref 0x%06x\n", m->seg.first,
		       m->seg.in_sequence, m->seg.remaining, m->seg.local_ref);
	if (m->importance_present)
		printf("  importance %u\n", m->importance);
}

static void print_vector(const char *name, const struct sccp_msg *m, enum sccp_variant v, const uint8_t *buf,
			 size_t len)
{
	char pcd[12] = "-", pcg[12] = "-", scd[4] = "-", scg[4] = "-";

	if (m->called.pc_present)
		snprintf(pcd, sizeof(pcd), "%u", m->called.pc);
	if (m->calling.pc_present)
		snprintf(pcg, sizeof(pcg), "%u", m->calling.pc);
	if (m->called.ssn_present)
		snprintf(scd, sizeof(scd), "%u", m->called.ssn);
	if (m->calling.ssn_present)
		snprintf(scg, sizeof(scg), "%u", m->calling.ssn);
	printf("tshark-vector %s %s %s %s %s %s %s %s %s\n", name, vname(v), osmo_hexdump_nospc(buf, len),
	       m->called.digits[0] ? m->called.digits : "-", m->calling.digits[0] ? m->calling.digits : "-",
	       pcd, pcg, scd, scg);
}

/* Parse, print, encode again; a canonical message must come back byte-identical, any message
 * must come back as the same message when parsed again. */
static void t_roundtrip(const char *name, enum sccp_variant v, const char *hex)
{
	uint8_t in[512], out[512];
	struct sccp_msg m, m2;
	const char *err = NULL;
	int len, rc, olen;

	len = hex2bin(in, sizeof(in), hex);
	printf("== %s (%s)\n", name, vname(v));
	rc = sccp_msg_parse(&m, in, len, v, &err);
	if (rc < 0) {
		printf("  parse FAILED: %d %s\n", rc, err);
		return;
	}
	print_msg(&m, v);
	olen = sccp_msg_encode_buf(out, sizeof(out), &m, v);
	if (olen < 0) {
		printf("  encode FAILED: %d\n", olen);
		return;
	}
	if (olen == len && !memcmp(in, out, len)) {
		printf("  re-encoded: identical\n");
	} else {
		printf("  re-encoded: %s\n", osmo_hexdump_nospc(out, olen));
		if (m.canonical)
			printf("  ERROR: canonical message not re-encoded identically\n");
	}
	rc = sccp_msg_parse(&m2, out, olen, v, &err);
	if (rc < 0 || !m2.canonical || m2.data_len != m.data_len || memcmp(m2.data, m.data, m.data_len) ||
	    memcmp(&m2.called, &m.called, sizeof(m.called)) || memcmp(&m2.calling, &m.calling, sizeof(m.calling)))
		printf("  ERROR: re-encoded message parses differently (%d %s)\n", rc, rc < 0 ? err : "");
	print_vector(name, &m, v, in, len);
}

/* Replace the called GT digits and show the result; the result is a tshark vector too. */
static void t_rewrite(const char *name, enum sccp_variant v, const char *hex, const char *digits)
{
	uint8_t in[512], out[512];
	struct sccp_msg m, m2;
	const char *err = NULL;
	char vn[64];
	int len, rc, olen;

	len = hex2bin(in, sizeof(in), hex);
	printf("== rewrite %s called GT to %s\n", name, digits);
	if (sccp_msg_parse(&m, in, len, v, &err) < 0) {
		printf("  parse FAILED: %s\n", err);
		return;
	}
	rc = sccp_addr_set_digits(&m.called, digits);
	printf("  set_digits: %d\n", rc);
	if (rc < 0)
		return;
	olen = sccp_msg_encode_buf(out, sizeof(out), &m, v);
	if (olen < 0) {
		printf("  encode FAILED: %d\n", olen);
		return;
	}
	printf("  in:  %s\n", osmo_hexdump_nospc(in, len));
	printf("  out: %s\n", osmo_hexdump_nospc(out, olen));
	rc = sccp_msg_parse(&m2, out, olen, v, &err);
	if (rc < 0) {
		printf("  re-parse FAILED: %s\n", err);
		return;
	}
	print_addr("called ", &m2.called, v);
	snprintf(vn, sizeof(vn), "%s_rewritten_%zu", name, strlen(digits));
	print_vector(vn, &m2, v, out, olen);
}

static void t_malformed(const char *name, enum sccp_variant v, const char *hex)
{
	uint8_t in[512];
	struct sccp_msg m;
	const char *err = "(none)";
	int len, rc;

	len = hex2bin(in, sizeof(in), hex);
	rc = sccp_msg_parse(&m, in, len, v, &err);
	printf("malformed %-28s -> %s: %s\n", name, rc == 0 ? "ACCEPTED" : rc == -ENOTSUP ? "unsupported" : "rejected",
	       rc == 0 ? "" : err);
}

/* Messages put together by np700 itself (as the MAP layer will) */
/* A LUDT with more data than a length octet can say, and the LUDTS for it: 2-octet pointers and
 * data length (tshark checks the addresses behind the pointers) */
static void t_build_ludt(void)
{
	static uint8_t data[300];
	struct sccp_addr cd, cg;
	struct sccp_msg m, svc, m2;
	uint8_t out[512];
	const char *err;
	unsigned int i;
	int len;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i;
	printf("== built LUDT of %zu data octets\n", sizeof(data));
	sccp_addr_set_gt(&cd, 0, 4, "8613800138000", 8);
	sccp_addr_set_gt(&cg, 0, 4, "8613900099", 6);
	sccp_msg_init_unitdata(&m, &cd, &cg, NULL, 0, true);
	m.type = SCCP_MSGT_LUDT;
	m.hop_counter = 15;
	m.data = data;
	m.data_len = sizeof(data);
	len = sccp_msg_encode_buf(out, sizeof(out), &m, SCCP_VAR_ITU);
	printf("  %d octets, header %s\n", len, osmo_hexdump_nospc(out, len > 40 ? 40 : 0));
	if (sccp_msg_parse(&m2, out, len, SCCP_VAR_ITU, &err) < 0)
		printf("  parse FAILED: %s\n", err);
	print_msg(&m2, SCCP_VAR_ITU);
	printf("  data %s\n", m2.data_len == sizeof(data) && !memcmp(m2.data, data, sizeof(data)) ? "intact" : "CHANGED");
	print_vector("built_ludt", &m2, SCCP_VAR_ITU, out, len);

	printf("== built LUDTS for it\n");
	sccp_msg_init_service(&svc, &m2, SCCP_CAUSE_NO_XLAT_ADDR);
	len = sccp_msg_encode_buf(out, sizeof(out), &svc, SCCP_VAR_ITU);
	if (sccp_msg_parse(&m2, out, len, SCCP_VAR_ITU, &err) < 0)
		printf("  parse FAILED: %s\n", err);
	print_msg(&m2, SCCP_VAR_ITU);
	print_vector("built_ludts", &m2, SCCP_VAR_ITU, out, len);
	printf("  the same data as UDT: %d\n", (m.type = SCCP_MSGT_UDT, sccp_msg_encode_buf(out, sizeof(out), &m,
											       SCCP_VAR_ITU)));
}

static void t_build(void)
{
	static const uint8_t tcap[] = { 0x62, 0x06, 0x48, 0x04, 0xde, 0xad, 0xbe, 0xef };
	struct sccp_addr cd, cg;
	struct sccp_msg m, svc, m2;
	uint8_t out[512];
	const char *err;
	int len;

	printf("== built UDT: GTI 4 addresses, HLR to MSC\n");
	sccp_addr_set_gt(&cd, 0, 4, "8613800138000", 8);
	sccp_addr_set_gt(&cg, 0, 4, "8613900099", 6);
	sccp_msg_init_unitdata(&m, &cd, &cg, tcap, sizeof(tcap), true);
	len = sccp_msg_encode_buf(out, sizeof(out), &m, SCCP_VAR_ITU);
	printf("  %s\n", osmo_hexdump_nospc(out, len));
	if (sccp_msg_parse(&m2, out, len, SCCP_VAR_ITU, &err) < 0)
		printf("  parse FAILED: %s\n", err);
	print_vector("built_udt", &m2, SCCP_VAR_ITU, out, len);

	printf("== built UDTS for it, cause %s\n", get_value_string(sccp_return_cause_names, SCCP_CAUSE_NO_XLAT_ADDR));
	sccp_msg_init_service(&svc, &m2, SCCP_CAUSE_NO_XLAT_ADDR);
	len = sccp_msg_encode_buf(out, sizeof(out), &svc, SCCP_VAR_ITU);
	printf("  %s\n", osmo_hexdump_nospc(out, len));
	if (sccp_msg_parse(&m2, out, len, SCCP_VAR_ITU, &err) < 0)
		printf("  parse FAILED: %s\n", err);
	print_msg(&m2, SCCP_VAR_ITU);
	print_vector("built_udts", &m2, SCCP_VAR_ITU, out, len);
	printf("  UDTS for a UDTS: %d\n", sccp_msg_init_service(&svc, &m2, SCCP_CAUSE_NO_XLAT_ADDR));

	printf("== built XUDT, China, with PCs\n");
	sccp_addr_set_gt(&cd, 0, 3, "700123456789012", 8);
	cd.pc_present = true;
	cd.pc = 0xfedcba;
	sccp_addr_set_gt(&cg, 0, 4, "86139000990", 6);
	cg.route_on_ssn = true;
	cg.pc_present = true;
	cg.pc = 0x010203;
	sccp_msg_init_unitdata(&m, &cd, &cg, tcap, sizeof(tcap), false);
	m.type = SCCP_MSGT_XUDT;
	m.hop_counter = 15;
	len = sccp_msg_encode_buf(out, sizeof(out), &m, SCCP_VAR_CHINA);
	printf("  %s\n", osmo_hexdump_nospc(out, len));
	if (sccp_msg_parse(&m2, out, len, SCCP_VAR_CHINA, &err) < 0)
		printf("  parse FAILED: %s\n", err);
	print_msg(&m2, SCCP_VAR_CHINA);
	print_vector("built_xudt_china", &m2, SCCP_VAR_CHINA, out, len);

	t_build_ludt();
	printf("  a 24-bit PC in ITU: %d\n", sccp_msg_encode_buf(out, sizeof(out), &m, SCCP_VAR_ITU));
}

static void t_addr(void)
{
	static const struct {
		const char *name;
		const char *hex;
	} a[] = {
		{ "ITU PC with spare bits set", "c3d2c406" },
		{ "national bit, GTI 1 even", "8410" "2143" },
		{ "GTI 3 non-BCD scheme (ES 3)", "0c00" "13" "abcd" },
		{ "GTI 2 even, no filler", "0800" "2143" },
		{ "GTI 4 spare bit 8 of NAI", "1000" "11" "84" "21f3" },
		{ "GTI 1 hex digits (B C E)", "04" "83" "cb0e" },
	};
	uint8_t in[64], out[64];
	struct sccp_addr ad;
	const char *err;
	unsigned int i;
	char buf[160];
	int len, olen, rc;

	for (i = 0; i < ARRAY_SIZE(a); i++) {
		len = hex2bin(in, sizeof(in), a[i].hex);
		rc = sccp_addr_parse(&ad, in, len, SCCP_VAR_ITU, &err);
		if (rc < 0) {
			printf("addr %s: parse FAILED %s\n", a[i].name, err);
			continue;
		}
		olen = sccp_addr_encode(out, sizeof(out), &ad, SCCP_VAR_ITU);
		printf("addr %s: %s -> %s\n", a[i].name, sccp_addr_name_buf(buf, sizeof(buf), &ad, SCCP_VAR_ITU),
		       olen == len && !memcmp(in, out, len) ? "identical" :
		       osmo_hexdump_nospc(out, olen > 0 ? olen : 0));
		rc = sccp_addr_set_digits(&ad, "123");
		olen = sccp_addr_encode(out, sizeof(out), &ad, SCCP_VAR_ITU);
		printf("  set 123: %d -> %s\n", rc, rc < 0 ? "-" : osmo_hexdump_nospc(out, olen > 0 ? olen : 0));
	}
	printf("set_digits with a bad digit: %d\n", sccp_addr_set_digits(&ad, "12x"));
	printf("ITU too small buffer: %d\n", sccp_addr_encode(out, 3, &ad, SCCP_VAR_ITU));
}

static void t_pc(void)
{
	static const char *s[] = { "1234", "1.2.3", "7.255.7", "8.0.0", "16383", "16384", "18.52.86", "256.0.0", "x" };
	unsigned int i;
	uint32_t pc;
	char buf[16];

	for (i = 0; i < ARRAY_SIZE(s); i++) {
		int ri = sccp_pc_parse(&pc, s[i], SCCP_VAR_ITU);
		printf("pc '%s': itu %s", s[i],
		       ri < 0 ? "invalid" : sccp_pc_name_buf(buf, sizeof(buf), pc, SCCP_VAR_ITU));
		if (!ri)
			printf(" (%u)", pc);
		ri = sccp_pc_parse(&pc, s[i], SCCP_VAR_CHINA);
		printf(", china %s", ri < 0 ? "invalid" : sccp_pc_name_buf(buf, sizeof(buf), pc, SCCP_VAR_CHINA));
		if (!ri)
			printf(" (%u)", pc);
		printf("\n");
	}
}

#define UDT_GTI4 "0980030f190c1206001104683108108300000a12080012046831090000086206480401020304"
#define UDT_PC_SSN "090003070b0443d204060443bc2a08086206480401020304"
#define XUDT_CHINA "11810f04121e260e07563412078307103254769810020c0b0c0b0a08003108108300f0" \
		   "08620648040102030410" "04c000123412010300"
#define UDTS_GTI3 "0a01030b17080e060012683109000c120800110468310810830000086206480401020304"
#define XUDTS_GTI2 "120c0f040a1500060a06006831090b1364000800120468071032086206480401020304"
/* UDT_PC_SSN's addresses and data as LUDT / LUDTS (with importance): 2-octet pointers */
#define LUDT_PC_SSN "13810f" "0700" "0a00" "0d00" "0000" "0443d20406" "0443bc2a08" "0800" "6206480401020304"
#define LUDTS_IMP "14010f" "0700" "0a00" "0d00" "1500" "0443d20406" "0443bc2a08" "0800" "6206480401020304" \
		  "12010300"
#define XUDT_UNK_OPT "118003041119210d120600110307103254769810020806080468310900000862064804010203045502aabb12010500"

int main(void)
{
	t_roundtrip("udt_gti4_itu", SCCP_VAR_ITU, UDT_GTI4);
	t_roundtrip("udt_pc_ssn_itu", SCCP_VAR_ITU, UDT_PC_SSN);
	t_roundtrip("xudt_gti1_gti2_china", SCCP_VAR_CHINA, XUDT_CHINA);
	t_roundtrip("udts_gti3_itu", SCCP_VAR_ITU, UDTS_GTI3);
	t_roundtrip("xudts_gti2_itu", SCCP_VAR_ITU, XUDTS_GTI2);
	t_roundtrip("xudt_unknown_opt_itu", SCCP_VAR_ITU, XUDT_UNK_OPT);
	t_roundtrip("ludt_pc_ssn_itu", SCCP_VAR_ITU, LUDT_PC_SSN);
	t_roundtrip("ludts_importance_itu", SCCP_VAR_ITU, LUDTS_IMP);
	/* the same XUDT without end-of-optional-parameters octet: kept as received */
	t_roundtrip("xudt_no_eop_itu", SCCP_VAR_ITU,
		    "118003041119210d120600110307103254769810020806080468310900000862064804010203045502aabb120105");
	/* data before the addresses: valid, but re-encoded in the usual order */
	t_roundtrip("udt_data_first_itu", SCCP_VAR_ITU, "09000c100108620648040102030404" "43d2040604" "43bc2a08");
	/* trailing octet after the last parameter */
	t_roundtrip("udt_trailing_itu", SCCP_VAR_ITU, UDT_PC_SSN "00");
	/* spare GTIs (Q.713 3.4.1): parsed with the GT octets kept, so the router can answer them */
	t_roundtrip("udt_spare_gti5_itu", SCCP_VAR_ITU, "090003070b04" "57" "d204060443bc2a08086206480401020304");
	t_roundtrip("udt_spare_gti15_itu", SCCP_VAR_ITU, "090003070b04" "7f" "d204060443bc2a08086206480401020304");

	t_rewrite("udt_gti4_itu", SCCP_VAR_ITU, UDT_GTI4, "8613800138999");
	t_rewrite("udt_gti4_itu", SCCP_VAR_ITU, UDT_GTI4, "861380013899");
	t_rewrite("xudt_gti1_gti2_china", SCCP_VAR_CHINA, XUDT_CHINA, "8613800138000");
	t_rewrite("udts_gti3_itu", SCCP_VAR_ITU, UDTS_GTI3, "861390001");
	t_rewrite("xudts_gti2_itu", SCCP_VAR_ITU, XUDTS_GTI2, "86139");
	t_rewrite("udt_pc_ssn_itu", SCCP_VAR_ITU, UDT_PC_SSN, "8613800138000");

	t_build();
	t_addr();
	t_pc();

	t_malformed("empty", SCCP_VAR_ITU, "");
	t_malformed("connection request", SCCP_VAR_ITU, "01");
	t_malformed("truncated header", SCCP_VAR_ITU, "0980030f");
	t_malformed("truncated in called", SCCP_VAR_ITU, "0980030f190c12060011046831");
	t_malformed("truncated data", SCCP_VAR_ITU,
		    "0980030f190c1206001104683108108300000a120800120468310900000862064804010203");
	t_malformed("zero pointer", SCCP_VAR_ITU, "090000070b0443d204060443bc2a08086206480401020304");
	t_malformed("pointer past end", SCCP_VAR_ITU, "09000307400443d204060443bc2a08086206480401020304");
	t_malformed("pointer into fixed part", SCCP_VAR_ITU, "090001070b0443d204060443bc2a08086206480401020304");
	t_malformed("called length overflow", SCCP_VAR_ITU, "09000307" "0b" "ff43d204060443bc2a08086206480401020304");
	t_malformed("LUDT truncated in the pointers", SCCP_VAR_ITU, "13810f07000a000d00");
	t_malformed("LUDT pointer past end", SCCP_VAR_ITU,
		    "13810f" "ff00" "0a00" "0d00" "0000" "0443d20406" "0443bc2a08" "0800" "6206480401020304");
	t_malformed("LUDT zero data pointer", SCCP_VAR_ITU,
		    "13810f" "0700" "0a00" "0000" "0000" "0443d20406" "0443bc2a08" "0800" "6206480401020304");
	t_malformed("LUDT data length past end", SCCP_VAR_ITU,
		    "13810f" "0700" "0a00" "0d00" "0000" "0443d20406" "0443bc2a08" "0901" "6206480401020304");
	t_malformed("LUDT data length octet missing", SCCP_VAR_ITU,
		    "13810f" "0700" "0a00" "0d00" "0000" "0443d20406" "0443bc2a08" "08");
	t_malformed("data length overflow", SCCP_VAR_ITU, "090003070b0443d204060443bc2a08" "09" "6206480401020304");
	t_malformed("empty address", SCCP_VAR_ITU, "0900030307" "00" "0443bc2a08" "086206480401020304");
	t_malformed("China PC in an ITU-sized address", SCCP_VAR_CHINA, UDT_PC_SSN);
	t_malformed("no GT but octets after SSN", SCCP_VAR_ITU,
		    "09000308" "0c" "0542d2040699" "0443bc2a08086206480401020304");
	t_malformed("odd GT without digits", SCCP_VAR_ITU, "0900030609" "03060683" "0443bc2a08" "086206480401020304");
	t_malformed("protocol class 2", SCCP_VAR_ITU, "090203070b0443d204060443bc2a08086206480401020304");
	t_malformed("GT too long", SCCP_VAR_ITU,
		    "0900031a1e" "17" "0483" "111111111111111111111111111111111111111111" "0443bc2a08"
		    "086206480401020304");
	t_malformed("XUDT optional pointer past end", SCCP_VAR_ITU,
		    "118003041119" "ff" "0d1206001103071032547698100208060804683109000008620648040102030455"
		    "02aabb12010500");
	t_malformed("XUDT optional param truncated", SCCP_VAR_ITU,
		    "118003041119210d120600110307103254769810020806080468310900000862064804010203045502aa");
	t_malformed("XUDT segmentation length 3", SCCP_VAR_ITU,
		    "118003041119210d1206001103071032547698100208060804683109000008620648040102030410" "03c00012" "00");
	t_malformed("XUDT importance twice", SCCP_VAR_ITU,
		    "118003041119210d120600110307103254769810020806080468310900000862064804010203041201051201" "0500");
	t_malformed("XUDT too many optional params", SCCP_VAR_ITU,
		    "118003041119210d12060011030710325476981002080608046831090000086206480401020304"
		    "5500550055005500550055005500550055" "00");
	return 0;
}
