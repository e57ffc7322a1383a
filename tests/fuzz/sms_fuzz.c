/* libFuzzer target: SMS TPDU decoding and the TP-OA/TP-DA rewrite.
 * Input: one selector octet (bit 0: 1 = MS->SC / SMS-SUBMIT, 0 = SC->MS / SMS-DELIVER or
 * SMS-STATUS-REPORT), then the TPDU.
 *
 * Properties checked (abort() on violation):
 *  1. a rewrite of an accepted TPDU is accepted again, carries the new address, and every
 *     octet before and after the address is unchanged;
 *  2. rewriting to the address it already has (numeric, extension bit set, 0xF filler) gives
 *     the input back byte for byte.
 *
 * Build and run: tests/fuzz/build_fuzz.sh sms_fuzz [SECONDS]
 */
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/msgb.h>

#include <np700/sms_tpdu.h>

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static void check_rewrite(struct msgb *out, const uint8_t *buf, size_t len, bool mo, const struct sms_tpdu *t,
			  uint8_t ton, const char *digits)
{
	struct sms_tpdu t2;
	size_t after = t->addr.off + t->addr.len, tail = len - after;

	msgb_reset(out);
	CHECK(sms_tpdu_rewrite_addr(out, buf, len, mo, ton, SMS_NPI_ISDN, digits) == 0);
	CHECK(sms_tpdu_decode(&t2, msgb_data(out), msgb_length(out), mo) == 0);
	CHECK(t2.addr.ton == ton && !strcmp(t2.addr.digits, digits));
	CHECK(t2.addr.off == t->addr.off && !memcmp(msgb_data(out), buf, t->addr.off));
	CHECK(msgb_length(out) - t2.addr.off - t2.addr.len == tail);
	CHECK(!memcmp(msgb_data(out) + t2.addr.off + t2.addr.len, buf + after, tail));
	CHECK(t2.udl == t->udl && t2.dcs == t->dcs && t2.concat == t->concat && t2.concat_seq == t->concat_seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msgb *out;
	struct sms_tpdu t;
	char text[400];
	bool mo;
	size_t i;

	if (size < 1 || size > 512)
		return 0;
	if (!out)
		out = msgb_alloc(1024, "out");
	mo = data[0] & 1;
	data++;
	size--;
	if (sms_tpdu_decode(&t, data, size, mo) < 0)
		return 0;
	sms_tpdu_text(&t, text, sizeof(text));

	check_rewrite(out, data, size, mo, &t, SMS_TON_NATIONAL, "700123456789012");
	check_rewrite(out, data, size, mo, &t, SMS_TON_INTERNATIONAL, "8613800138000");
	check_rewrite(out, data, size, mo, &t, SMS_TON_UNKNOWN, "");

	/* identity rewrite where the input is in the form the encoder writes */
	if (!t.addr.alpha && (data[t.addr.off + 1] & 0x80) &&
	    (!(data[t.addr.off] & 1) || (data[t.addr.off + t.addr.len - 1] >> 4) == 0xf)) {
		for (i = 0; t.addr.digits[i]; i++) {
			if (t.addr.digits[i] < '0' || t.addr.digits[i] > '9')
				return 0;
		}
		msgb_reset(out);
		CHECK(sms_tpdu_rewrite_addr(out, data, size, mo, t.addr.ton, t.addr.npi, t.addr.digits) == 0);
		CHECK(msgb_length(out) == size && !memcmp(msgb_data(out), data, size));
	}
	return 0;
}
