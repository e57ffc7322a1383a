/* SMS TPDU: decode DELIVER/SUBMIT, UDH concatenation, address rewrite, malformed input */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <np700/sms_tpdu.h>

static const char *rcname(int rc)
{
	switch (rc) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -EOPNOTSUPP: return "-EOPNOTSUPP";
	case -ENOSPC: return "-ENOSPC";
	}
	return "other";
}

static void show(const char *name, const char *hex, bool mo)
{
	uint8_t buf[256];
	struct sms_tpdu t;
	char text[400];
	int len = osmo_hexparse(hex, buf, sizeof(buf));
	int rc = sms_tpdu_decode(&t, buf, len < 0 ? 0 : len, mo);

	printf("-- %s: %s\n", name, rcname(rc));
	if (rc < 0)
		return;
	printf("  %s rp=%d udhi=%d sr=%d", mo ? "SUBMIT" : t.mti == SMS_MTI_STATUS_REPORT ? "STATUS-REPORT" : "DELIVER",
	       t.rp, t.udhi, t.sr);
	if (mo)
		printf(" rd=%d vpf=%s mr=%u vp=%s", t.rd, get_value_string(sms_vpf_names, t.vpf), t.mr,
		       t.vp_len ? osmo_hexdump_nospc(t.vp, t.vp_len) : "-");
	else
		printf(" mms=%d lp=%d scts=%s", t.mms, t.lp, osmo_hexdump_nospc(t.scts, 7));
	if (t.mti == SMS_MTI_STATUS_REPORT)
		printf(" mr=%u st=%02x", t.mr, t.st);
	printf("\n  %s ton=%u npi=%u %s=%s (at %zu, %zu octets)\n",
	       mo ? "da" : t.mti == SMS_MTI_STATUS_REPORT ? "ra" : "oa", t.addr.ton, t.addr.npi,
	       t.addr.alpha ? "alpha" : "digits", t.addr.digits, t.addr.off, t.addr.len);
	printf("  pid=%02x dcs=%02x charset=%s udl=%u ud_octets=%zu", t.pid, t.dcs,
	       get_value_string(sms_charset_names, t.charset), t.udl, t.ud_octets);
	if (t.udhi)
		printf(" udhl=%zu", t.udh_len);
	if (t.concat)
		printf(" concat%s ref=%u part %u/%u", t.concat_16bit ? "16" : "8", t.concat_ref, t.concat_seq,
		       t.concat_max);
	printf("\n");
	if (sms_tpdu_text(&t, text, sizeof(text)) == 0)
		printf("  text=\"%s\"\n", text);
}

static void rewrite(const char *name, const char *hex, bool mo, uint8_t ton, const char *digits)
{
	uint8_t buf[256];
	struct msgb *out = msgb_alloc(256, "out");
	int len = osmo_hexparse(hex, buf, sizeof(buf));
	struct sms_tpdu a, b;
	int rc;

	rc = sms_tpdu_rewrite_addr(out, buf, len, mo, ton, SMS_NPI_ISDN, digits);
	printf("-- rewrite %s -> %u/%s: %s\n", name, ton, digits, rcname(rc));
	if (rc < 0) {
		msgb_free(out);
		return;
	}
	printf("  in:  %s\n", hex);
	printf("  out: %s\n", osmo_hexdump_nospc(msgb_data(out), msgb_length(out)));
	sms_tpdu_decode(&a, buf, len, mo);
	rc = sms_tpdu_decode(&b, msgb_data(out), msgb_length(out), mo);
	/* everything but the address is byte-identical */
	printf("  re-decode: %s addr=%u/%s head %s tail %s\n", rcname(rc), b.addr.ton, b.addr.digits,
	       !memcmp(buf, msgb_data(out), a.addr.off) ? "same" : "DIFFERENT",
	       (len - a.addr.off - a.addr.len == msgb_length(out) - b.addr.off - b.addr.len &&
		!memcmp(buf + a.addr.off + a.addr.len, msgb_data(out) + b.addr.off + b.addr.len,
			len - a.addr.off - a.addr.len)) ? "same" : "DIFFERENT");
	msgb_free(out);
}

/* SMS-DELIVER from +8613800138000, GSM 7-bit "Hello 700" */
#define DELIVER	"040d91683108108300f000005211821154002309c8329bfd06dd6030"
/* part 1/2 of a concatenated SMS (8-bit reference 0x2a), GSM 7-bit "Hello w" after the UDH */
#define DELIVER_CONCAT1 "440d91683108108300f0000052118211540023" "0e" "0500032a0201" "906536fb0dba03"
/* part 2/2, 16-bit reference 0x1234, UCS2 "700" */
#define DELIVER_CONCAT2 "440d91683108108300f0000852118211540023" "0d" "060804123402020037003000" "30"
/* alphanumeric sender "Taobao" (TON 5), text "Hi!" */
#define DELIVER_ALPHA "040cd0d4f05b1c7e0300005211821154002303c87408"
/* SMS-SUBMIT to 700123456789012 national, relative VP, "to X" */
#define SUBMIT	"11420fa107103254769810f20000a704f437080b"
/* SMS-SUBMIT with absolute VP, status report requested, 8-bit data */
#define SUBMIT_ABS "39010d91683108108300f0000452118211540023" "03" "010203"

int main(void)
{
	show("deliver", DELIVER, false);
	show("deliver concat 1/2", DELIVER_CONCAT1, false);
	show("deliver concat 2/2", DELIVER_CONCAT2, false);
	show("deliver alphanumeric", DELIVER_ALPHA, false);
	show("submit", SUBMIT, true);
	show("submit absolute vp", SUBMIT_ABS, true);

	rewrite("deliver oa", DELIVER, false, SMS_TON_NATIONAL, "700123456789012");
	rewrite("concat oa", DELIVER_CONCAT1, false, SMS_TON_NATIONAL, "700123456789012");
	rewrite("alpha oa", DELIVER_ALPHA, false, SMS_TON_NATIONAL, "700123456789012");
	rewrite("submit da", SUBMIT, true, SMS_TON_INTERNATIONAL, "8613800138000");
	rewrite("bad digits", DELIVER, false, SMS_TON_NATIONAL, "70012345678901x");
	rewrite("too many digits", DELIVER, false, SMS_TON_NATIONAL, "700123456789012345678");
	{
		/* the buffer form: the new length back, and a buffer one octet short refused */
		uint8_t in[64], out[64];
		int len = osmo_hexparse(DELIVER, in, sizeof(in)), n;

		n = sms_tpdu_rewrite_addr_buf(out, sizeof(out), in, len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN,
					      "700123456789012");
		printf("-- rewrite into a buffer: %d octets (in %d)\n", n, len);
		n = sms_tpdu_rewrite_addr_buf(out, n - 1, in, len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN,
					      "700123456789012");
		printf("-- rewrite into a buffer one octet short: %s\n", rcname(n));
	}

	show("wrong direction", DELIVER, true);
	/* SMS-STATUS-REPORT: MR 0x0d, RA +8613800138000, SCTS, discharge time, status 00 (received) */
	show("status report", "060d0d91683108108300f06211280800000062112808000100" "00", false);
	/* with TP-PI naming DCS and UDL: 8-bit, 2 octets "hi" */
	show("status report with PI, DCS, UD", "060d0d91683108108300f06211280800000062112808000100" "00" "06" "04"
	     "02" "6869", false);
	show("status report, PI announces UD that is missing", "060d0d91683108108300f062112808000000621128080001"
	     "00" "00" "04", false);
	show("status report truncated after TP-RA", "06" "0d" "0d91683108108300f0", false);
	{
		uint8_t in[64], out[64];
		int len = osmo_hexparse("060d0d91683108108300f0621128080000006211280800010000", in, sizeof(in));
		int n = sms_tpdu_rewrite_addr_buf(out, sizeof(out), in, len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN,
						  "700123456789012");

		printf("-- status report, TP-RA rewritten to X: %s\n", n < 0 ? rcname(n) : osmo_hexdump_nospc(out, n));
	}
	show("command (MS -> SC, not decoded)", "02" "0d" "00" "01" "0d" "0d91683108108300f0" "00", true);
	show("empty", "", false);
	show("truncated address", "040d916831", false);
	show("address too long", "0415916831081083001234567890123400000000", false);
	show("filler inside digits", "040c9168f108108300f000005211821154002309c8329bfd06dd6030", false);
	show("truncated scts", "040d91683108108300f00000521182", false);
	show("udl past end", "040d91683108108300f000005211821154002309c8329bfd06dd60", false);
	show("trailing octets", "040d91683108108300f000005211821154002309c8329bfd06dd603000", false);
	show("udl too big", "040d91683108108300f0000052118211540023a1", false);
	show("udhl past ud", "440d91683108108300f000045211821154002303" "050003", false);
	show("udh ie past udhl", "440d91683108108300f000045211821154002306" "0500052a0201", false);
	show("concat ie wrong length", "440d91683108108300f000045211821154002307" "0600042a020100", false);
	show("submit truncated vp", "19420fa107103254769810f2000052", true);
	return 0;
}
