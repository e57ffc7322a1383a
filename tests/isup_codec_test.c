/* ISUP codec: parse, re-encode byte-identical, rewrite numbers, malformed input.
 * Lines starting with "tshark " are checked by tests/tshark/isup_vectors.sh against an
 * independent decoder (hex, and the called/calling digits tshark must read). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <osmocom/core/utils.h>

#include <np700/isup.h>

static uint8_t buf[1024];

static size_t unhex(const char *hex, uint8_t *out, size_t out_size)
{
	int rc = osmo_hexparse(hex, out, out_size);

	if (rc < 0) {
		printf("BAD TEST VECTOR %s\n", hex);
		exit(1);
	}
	return rc;
}

static void print_number(const struct isup_param *p)
{
	struct isup_number n;
	int rc = isup_number_decode(p->code, p->val, p->len, &n);

	if (rc) {
		printf(" (number decode rc=%d)", rc);
		return;
	}
	printf(" [");
	if (p->code == ISUP_PAR_GENERIC_NUM)
		printf("qual=%u ", n.qualifier);
	if (p->code != ISUP_PAR_SUBSEQ_NUM)
		printf("nai=%s inn/ni=%d npi=%u apri=%u si=%u ", get_value_string(isup_nai_names, n.nai), n.inn_ni,
		       n.npi, n.apri, n.si);
	printf("digits='%s'%s]", n.digits, n.st ? " ST" : "");
}

static void print_param(const char *part, const struct isup_param *p)
{
	printf("  %s %s(0x%02x) len=%u %s", part, isup_param_name(p->code), p->code, p->len,
	       osmo_hexdump_nospc(p->val, p->len));
	if (isup_param_is_number(p->code))
		print_number(p);
	printf("\n");
}

static void print_msg(const struct isup_msg *m)
{
	unsigned int i;

	printf(" %s (0x%02x) cic=%u\n", isup_msg_type_name(m->type), m->type, m->cic);
	if (!m->def) {
		printf("  opaque %s\n", osmo_hexdump_nospc(m->opaque, m->opaque_len));
		return;
	}
	for (i = 0; i < m->def->n_fixed; i++)
		print_param("F", &m->fixed[i]);
	for (i = 0; i < m->def->n_var; i++)
		print_param("V", &m->var[i]);
	if (m->def->opt)
		printf("  optional part %s, %u parameters\n", m->opt_part ? "present" : "absent", m->n_opt);
	for (i = 0; i < m->n_opt; i++)
		print_param("O", &m->opt[i]);
}

/* print a line for the tshark cross-check; tshark shows a called number's ST as a final 'F' */
static void tshark_line(const uint8_t *data, size_t len, const struct isup_msg *m)
{
	struct isup_number called, calling;
	bool has_called = !isup_msg_get_number(m, ISUP_PAR_CALLED, &called);
	bool has_calling = !isup_msg_get_number(m, ISUP_PAR_CALLING, &calling);

	printf("tshark %s called=%s%s calling=%s\n", osmo_hexdump_nospc(data, len),
	       has_called ? called.digits : "-", has_called && called.st ? "F" : "", has_calling ? calling.digits : "-");
}

static int roundtrip(const char *name, const char *hex, struct isup_msg *m, bool tshark)
{
	size_t len = unhex(hex, buf, sizeof(buf));
	uint8_t out[1024];
	enum isup_err err;
	size_t off;
	int rc;

	printf("== %s\n", name);
	rc = isup_msg_parse(m, ISUP_VARIANT_ITU, buf, len, &err, &off);
	if (rc) {
		printf(" parse FAILED: %s at %zu\n", isup_err_name(err), off);
		return rc;
	}
	print_msg(m);
	rc = isup_msg_encode(m, out, sizeof(out));
	printf(" re-encode: %d octets, %s\n", rc,
	       rc == (int)len && !memcmp(out, buf, len) ? "byte-identical" : "DIFFERENT");
	if (tshark)
		tshark_line(buf, len, m);
	return 0;
}

/* IAM: CIC 17, NCI, FCI, CPC, TMR; called 700123456789012 national; optional: calling
 * 13800138000 (network provided), original called 13912345678, generic number (additional
 * calling party), an unknown parameter 0xfe, hop counter */
#define IAM_HEX "1100" "01" "00" "6001" "0a" "00" "02" "0c" \
	"0a" "8310071032547698" "1002" \
	"0a" "08" "831331081083" "0000" \
	"28" "08" "8310311932547608" \
	"c0" "09" "068313311932040000" \
	"fe" "03" "aabbcc" \
	"3d" "01" "1f" \
	"00"

static void test_valid(void)
{
	struct isup_msg m;

	roundtrip("IAM with mandatory and optional parameters", IAM_HEX, &m, true);
	roundtrip("IAM overlap, 8 digits, no optional part",
		  "1100" "01" "00" "6001" "0a" "00" "02" "00" "06" "0310" "07103254", &m, true);
	roundtrip("IAM called number with ST", "1100" "01" "00" "6001" "0a" "00" "02" "00" "05" "0310" "2143f5",
		  &m, true);
	roundtrip("SAM subsequent number 345", "1100" "02" "02" "00" "03" "80" "4305", &m, false);
	roundtrip("ACM", "1100" "06" "1614" "01" "290101" "00", &m, false);
	roundtrip("ACM no optional part", "1100" "06" "1614" "00", &m, false);
	roundtrip("CPG alerting with redirection number", "1100" "2c" "01" "01" "0c07" "031031193254" "7600",
		  &m, false);
	roundtrip("ANM with connected number", "1100" "09" "01" "2108" "8313310810830000" "00", &m, false);
	roundtrip("ANM empty", "1100" "09" "00", &m, false);
	roundtrip("CON", "1100" "07" "1614" "01" "2108" "8313310810830000" "00", &m, false);
	roundtrip("REL cause 16", "1100" "0c" "02" "00" "02" "8290", &m, false);
	roundtrip("REL with redirection number", "1100" "0c" "02" "04" "02" "8295" "0c08" "8310311932547608" "00",
		  &m, false);
	roundtrip("RLC", "1100" "10" "00", &m, false);
	roundtrip("RLC with cause", "1100" "10" "01" "120282" "90" "00", &m, false);
	roundtrip("RSC", "1100" "12", &m, false);
	roundtrip("BLO", "0100" "13", &m, false);
	roundtrip("GRS range 15", "0100" "17" "01" "01" "0f", &m, false);
	roundtrip("GRA range 15 status", "0100" "29" "01" "03" "0f" "0100", &m, false);
	roundtrip("CGB range 7", "0100" "18" "00" "01" "02" "07ff", &m, false);
	roundtrip("CGBA range 7", "0100" "1a" "00" "01" "02" "07ff", &m, false);
	roundtrip("CGU range 7", "0100" "19" "00" "01" "02" "0781", &m, false);
	roundtrip("CQR", "0100" "2b" "02" "03" "01" "03" "04" "00000000", &m, false);
	roundtrip("SUS network", "1100" "0d" "01" "00", &m, false);
	roundtrip("CFN cause 97", "1100" "2f" "02" "00" "02" "80e1", &m, false);
	roundtrip("FRJ", "1100" "21" "02" "02" "00" "02" "80e1", &m, false);
	roundtrip("INR", "1100" "03" "0100" "00", &m, false);
	roundtrip("IAM CIC 1023, spare bits kept", "fff3" "01" "00" "6001" "0a" "00" "02" "00" "05"
		  "0310" "214365", &m, false);
	roundtrip("FAC opt-only", "1100" "33" "01" "fe0112" "00", &m, false);
	roundtrip("IAM, optional part only end-of-optional", "1100" "01" "00" "6001" "0a" "00" "02" "07" "05"
		  "0310" "214365" "00", &m, false);
}

static void test_unknown(void)
{
	struct isup_msg m;
	struct isup_msg_compat c;
	int rc;

	roundtrip("unknown message 0x7e with MCI transit", "1100" "7e" "01" "380100" "00", &m, false);
	rc = isup_unknown_msg_compat(&m, &c);
	printf(" compat rc=%d present=%d end_node=%d release=%d notify=%d discard=%d\n", rc, c.present, c.end_node,
	       c.release_call, c.send_notification, c.discard);
	roundtrip("unknown message 0x7f with MCI end node, discard + notify", "1100" "7f" "01" "38010d" "00", &m,
		  false);
	rc = isup_unknown_msg_compat(&m, &c);
	printf(" compat rc=%d present=%d end_node=%d release=%d notify=%d discard=%d\n", rc, c.present, c.end_node,
	       c.release_call, c.send_notification, c.discard);
	roundtrip("unknown message 0xe0 of unknown layout", "1100" "e0" "123456", &m, false);
	rc = isup_unknown_msg_compat(&m, &c);
	printf(" compat rc=%d present=%d\n", rc, c.present);
	roundtrip("PAM passed on opaquely", "1100" "28" "0600" "00", &m, false);
}

static void test_rewrite(void)
{
	struct isup_msg m;
	struct isup_number n = {};
	uint8_t out[512];
	const struct isup_param *p;
	int rc, len;

	roundtrip("IAM to rewrite", IAM_HEX, &m, false);
	n = (struct isup_number){ .nai = ISUP_NAI_NATIONAL, .npi = 1 };
	OSMO_STRLCPY_ARRAY(n.digits, "13912345678");
	rc = isup_msg_set_number(&m, ISUP_PAR_CALLED, &n);
	printf(" set called 13912345678: %d\n", rc);
	n = (struct isup_number){ .nai = ISUP_NAI_NATIONAL, .npi = 1, .apri = ISUP_APRI_ALLOWED,
				  .si = ISUP_SI_NETWORK_PROVIDED };
	OSMO_STRLCPY_ARRAY(n.digits, "700123456789012");
	rc = isup_msg_set_number(&m, ISUP_PAR_CALLING, &n);
	printf(" set calling 700123456789012: %d\n", rc);
	printf(" del original called: %d\n", isup_msg_del(&m, ISUP_PAR_ORIG_CALLED));
	printf(" del generic number: %d\n", isup_msg_del(&m, ISUP_PAR_GENERIC_NUM));
	printf(" del location number (absent): %d\n", isup_msg_del(&m, ISUP_PAR_LOCATION_NUM));
	printf(" del called (mandatory): %d\n", isup_msg_del(&m, ISUP_PAR_CALLED));
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" encoded %d: %s\n", len, osmo_hexdump_nospc(out, len));
	rc = isup_msg_parse(&m, ISUP_VARIANT_ITU, out, len, NULL, NULL);
	printf(" re-parse %d\n", rc);
	print_msg(&m);
	p = isup_msg_get(&m, 0xfe);
	printf(" unknown parameter 0xfe kept: %s\n", p && p->len == 3 && !memcmp(p->val, "\xaa\xbb\xcc", 3) ? "yes" : "NO");
	tshark_line(out, len, &m);

	/* several in one pass, as scrub() does: a mandatory code in the set stays */
	{
		static const uint8_t codes[] = { ISUP_PAR_ORIG_CALLED, ISUP_PAR_GENERIC_NUM, ISUP_PAR_LOCATION_NUM,
						 ISUP_PAR_CALLED };
		struct isup_par_set set;

		roundtrip("IAM to strip in one pass", IAM_HEX, &m, false);
		isup_par_set_init(&set, codes, ARRAY_SIZE(codes));
		printf(" del set: %d\n", isup_msg_del_set(&m, &set));
		printf(" left: called %s, original called %s, generic number %s, unknown 0xfe %s\n",
		       isup_msg_get(&m, ISUP_PAR_CALLED) ? "yes" : "no", isup_msg_get(&m, ISUP_PAR_ORIG_CALLED) ? "yes" : "no",
		       isup_msg_get(&m, ISUP_PAR_GENERIC_NUM) ? "yes" : "no", isup_msg_get(&m, 0xfe) ? "yes" : "no");
		len = isup_msg_encode(&m, out, sizeof(out));
		printf(" encoded %d: %s\n", len, osmo_hexdump_nospc(out, len));
	}

	/* adding to a message without optional part, replacing in an ANM */
	roundtrip("ANM to rewrite", "1100" "09" "01" "2108" "8313310810830000" "00", &m, false);
	n = (struct isup_number){ .nai = ISUP_NAI_NATIONAL, .npi = 1, .si = ISUP_SI_NETWORK_PROVIDED };
	OSMO_STRLCPY_ARRAY(n.digits, "700123456789012");
	rc = isup_msg_set_number(&m, ISUP_PAR_CONNECTED, &n);
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" connected -> X: %d, %s\n", rc, osmo_hexdump_nospc(out, len));

	roundtrip("ACM without optional part, add generic notification", "1100" "06" "1614" "00", &m, false);
	rc = isup_msg_set(&m, ISUP_PAR_GNI, (const uint8_t *)"\x81", 1);
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" add: %d, %s\n", rc, osmo_hexdump_nospc(out, len));
	printf(" set end-of-optional as a parameter: %d\n", isup_msg_set(&m, ISUP_PAR_EOP, NULL, 0));

	roundtrip("REL to strip redirection number", "1100" "0c" "02" "04" "02" "8295" "0c08" "8310311932547608" "00",
		  &m, false);
	printf(" del: %d\n", isup_msg_del(&m, ISUP_PAR_REDIRECTION_NUM));
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" encoded: %s\n", osmo_hexdump_nospc(out, len));
	printf(" set cause with bad length: %d\n", isup_msg_set(&m, ISUP_PAR_CAUSE, out, 1));
}

static void test_build(void)
{
	struct isup_msg m;
	uint8_t out[64], v[40];
	struct isup_range_status rs = { .range = 15, .has_status = true };
	int len;

	printf("== build messages\n");
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_REL, 33);
	printf(" REL without cause: %d\n", isup_msg_encode(&m, out, sizeof(out)));
	len = isup_cause_encode(v, 2, 31);
	isup_msg_set(&m, ISUP_PAR_CAUSE, v, len);
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" REL cause 31: %s\n", osmo_hexdump_nospc(out, len));
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_RLC, 33);
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" RLC: %s\n", osmo_hexdump_nospc(out, len));
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_GRA, 1);
	len = isup_range_status_encode(v, sizeof(v), &rs);
	isup_msg_set(&m, ISUP_PAR_RANGE_STATUS, v, len);
	len = isup_msg_encode(&m, out, sizeof(out));
	printf(" GRA: %s\n", osmo_hexdump_nospc(out, len));
	printf(" init unknown type: %d\n", isup_msg_init(&m, ISUP_VARIANT_ITU, 0x7e, 1));
	isup_msg_init(&m, ISUP_VARIANT_ITU, ISUP_MSGT_RLC, 1);
	printf(" encode into 3 octets: %d\n", isup_msg_encode(&m, out, 3));
}

static void test_helpers(void)
{
	struct isup_range_status rs;
	uint8_t loc, cause;
	int rc;

	printf("== helpers\n");
	rc = isup_cause_decode((const uint8_t *)"\x82\x90", 2, &loc, &cause);
	printf(" cause 8290: rc=%d loc=%u cause=%u\n", rc, loc, cause);
	rc = isup_cause_decode((const uint8_t *)"\x02\x81\x9f", 3, &loc, &cause);
	printf(" cause 02819f (octet 1a): rc=%d loc=%u cause=%u\n", rc, loc, cause);
	printf(" cause 82: rc=%d\n", isup_cause_decode((const uint8_t *)"\x82", 1, &loc, &cause));
	rc = isup_range_status_decode((const uint8_t *)"\x0f\x01\x00", 3, &rs);
	printf(" range 0f0100: rc=%d range=%u status=%d %02x%02x\n", rc, rs.range, rs.has_status, rs.status[0],
	       rs.status[1]);
	printf(" range 0f01 (status too short): %d\n", isup_range_status_decode((const uint8_t *)"\x0f\x01", 2, &rs));
	printf(" range 07: %d status=%d\n", isup_range_status_decode((const uint8_t *)"\x07", 1, &rs), rs.has_status);
}

static void t_num(uint8_t code, const char *hex)
{
	struct isup_number n;
	uint8_t v[64], out[64];
	size_t len = unhex(hex, v, sizeof(v));
	int rc = isup_number_decode(code, v, len, &n);
	int olen;

	printf(" %s %s: rc=%d", isup_param_name(code), hex, rc);
	if (rc == 0) {
		printf(" nai=%u inn/ni=%d npi=%u apri=%u si=%u qual=%u digits='%s' st=%d", n.nai, n.inn_ni, n.npi,
		       n.apri, n.si, n.qualifier, n.digits, n.st);
		olen = isup_number_encode(code, &n, out, sizeof(out));
		printf(" -> %s%s", osmo_hexdump_nospc(out, olen > 0 ? olen : 0),
		       olen == (int)len && !memcmp(out, v, len) ? " same" : " differs");
	}
	printf("\n");
}

static void test_numbers(void)
{
	struct isup_number n = { .nai = 3, .npi = 1, .st = true };
	uint8_t out[64];
	int rc;

	printf("== numbers\n");
	t_num(ISUP_PAR_CALLED, "8310071032547698" "1002");
	t_num(ISUP_PAR_CALLED, "0310" "2143f5");	/* 12345 + ST */
	t_num(ISUP_PAR_CALLED, "0310" "21f3");		/* 123 + ST, even count incl. ST */
	t_num(ISUP_PAR_CALLED, "8310" "21f3");		/* odd: 123, non-zero filler ignored (re-encoded as 0) */
	t_num(ISUP_PAR_CALLED, "0310" "bc");		/* codes 11, 12 */
	t_num(ISUP_PAR_CALLED, "8310");			/* odd but no digit octet */
	t_num(ISUP_PAR_CALLED, "83");			/* too short */
	t_num(ISUP_PAR_CALLING, "0318");		/* address not available, no digits */
	t_num(ISUP_PAR_CALLING, "831331081083" "0000");
	t_num(ISUP_PAR_CALLING, "0313" "21f3");		/* F in a calling number is a digit, not ST */
	t_num(ISUP_PAR_GENERIC_NUM, "068313311932040000");
	t_num(ISUP_PAR_GENERIC_NUM, "0683");		/* too short */
	t_num(ISUP_PAR_SUBSEQ_NUM, "804305");
	t_num(ISUP_PAR_SUBSEQ_NUM, "0043f5");		/* 34 + ST */
	t_num(ISUP_PAR_REDIRECTION_NUM, "8310311932547608");
	t_num(ISUP_PAR_CONNECTED, "8313310810830000");
	t_num(ISUP_PAR_LOCATION_NUM, "0314" "2143");
	t_num(ISUP_PAR_CAUSE, "8290");
	t_num(ISUP_PAR_CALLED, "0310" "1111111111111111111111111111111111111111");	/* 40 digits: the most kept */
	t_num(ISUP_PAR_CALLED, "0310" "11111111111111111111111111111111111111111111");	/* 44 digits: too many */

	OSMO_STRLCPY_ARRAY(n.digits, "1234");
	rc = isup_number_encode(ISUP_PAR_CALLED, &n, out, sizeof(out));
	printf(" encode called 1234+ST: %s\n", osmo_hexdump_nospc(out, rc));
	OSMO_STRLCPY_ARRAY(n.digits, "12x");
	printf(" encode bad digit: %d\n", isup_number_encode(ISUP_PAR_CALLED, &n, out, sizeof(out)));
	OSMO_STRLCPY_ARRAY(n.digits, "123456");
	printf(" encode into 4 octets: %d\n", isup_number_encode(ISUP_PAR_CALLED, &n, out, 4));
	printf(" encode non-number: %d\n", isup_number_encode(ISUP_PAR_CAUSE, &n, out, sizeof(out)));
}

static void t_bad(const char *name, const char *hex)
{
	struct isup_msg m;
	size_t len = unhex(hex, buf, sizeof(buf));
	enum isup_err err;
	size_t off;
	int rc = isup_msg_parse(&m, ISUP_VARIANT_ITU, buf, len, &err, &off);

	printf(" %s: rc=%d %s at %zu, cause %u\n", name, rc, isup_err_name(err), off, isup_err_cause(err));
}

static void test_malformed(void)
{
	char hex[600];
	int i;

	printf("== malformed\n");
	t_bad("empty", "");
	t_bad("CIC only", "1100");
	t_bad("IAM truncated in fixed part", "1100" "01" "00" "60");
	t_bad("IAM without pointers", "1100" "01" "00" "6001" "0a" "00");
	t_bad("IAM with only one pointer", "1100" "01" "00" "6001" "0a" "00" "02");
	t_bad("IAM pointer 0 to called", "1100" "01" "00" "6001" "0a" "00" "00" "00" "05" "0310214365");
	t_bad("IAM pointer past end", "1100" "01" "00" "6001" "0a" "00" "40" "00" "05" "0310214365");
	t_bad("IAM pointer leaves a gap", "1100" "01" "00" "6001" "0a" "00" "03" "00" "ff" "05" "0310214365");
	t_bad("IAM called length past end", "1100" "01" "00" "6001" "0a" "00" "02" "00" "09" "0310214365");
	t_bad("IAM called length indicator missing", "1100" "01" "00" "6001" "0a" "00" "02" "00");
	t_bad("IAM called too short", "1100" "01" "00" "6001" "0a" "00" "02" "00" "02" "0310");
	t_bad("IAM optional pointer wrong", "1100" "01" "00" "6001" "0a" "00" "02" "09" "05" "0310214365" "00");
	t_bad("IAM optional pointer past end", "1100" "01" "00" "6001" "0a" "00" "02" "f0" "05" "0310214365");
	t_bad("IAM missing end of optional", "1100" "01" "00" "6001" "0a" "00" "02" "07" "05" "0310214365"
	      "3d011f");
	t_bad("IAM optional length past end", "1100" "01" "00" "6001" "0a" "00" "02" "07" "05" "0310214365"
	      "3d051f00");
	t_bad("IAM optional name without length", "1100" "01" "00" "6001" "0a" "00" "02" "07" "05" "0310214365"
	      "3d");
	t_bad("IAM trailing after end of optional", "1100" "01" "00" "6001" "0a" "00" "02" "07" "05" "0310214365"
	      "3d011f" "00" "00");
	t_bad("IAM trailing without optional part", "1100" "01" "00" "6001" "0a" "00" "02" "00" "05" "0310214365"
	      "aa");
	t_bad("RSC with trailing octet", "1100" "12" "00");
	t_bad("REL without cause", "1100" "0c" "02" "00" "00");
	t_bad("REL cause length 1", "1100" "0c" "02" "00" "01" "82");
	t_bad("GRS range and status too long", "0100" "17" "01" "02" "0f00");
	t_bad("CGB status missing", "0100" "18" "00" "01" "01" "07");
	t_bad("ACM truncated BCI", "1100" "06" "16");
	t_bad("ANM no pointer", "1100" "09");
	/* 100 optional parameters of 2 octets each: more than np700 keeps */
	strcpy(hex, "1100" "09" "01");
	for (i = 0; i < 100; i++)
		strcat(hex, "fe00");
	strcat(hex, "00");
	t_bad("ANM with 100 optional parameters", hex);
}

int main(void)
{
	test_valid();
	test_unknown();
	test_rewrite();
	test_build();
	test_helpers();
	test_numbers();
	test_malformed();
	return 0;
}
