/* libFuzzer target for the ISUP codec: whatever parses must re-encode to exactly the input,
 * and the number decoder must hold on every parameter. Built by tests/fuzz/build_fuzz.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <np700/isup.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct isup_msg m;
	static uint8_t out[70000];
	struct isup_number n;
	enum isup_err err;
	unsigned int i;
	int len;

	if (isup_msg_parse(&m, ISUP_VARIANT_ITU, data, size, &err, NULL) != 0) {
		if (err == ISUP_ERR_NONE)
			abort();
		return 0;
	}
	len = isup_msg_encode(&m, out, sizeof(out));
	if (len != (int)size || memcmp(out, data, size) != 0)
		abort();
	if (m.def) {
		for (i = 0; i < m.def->n_var; i++)
			isup_number_decode(m.var[i].code, m.var[i].val, m.var[i].len, &n);
		for (i = 0; i < m.n_opt; i++) {
			/* decode, and a decoded number re-encodes into something that decodes again */
			if (isup_number_decode(m.opt[i].code, m.opt[i].val, m.opt[i].len, &n) == 0) {
				uint8_t buf[64];
				struct isup_number n2;
				int l = isup_number_encode(m.opt[i].code, &n, buf, sizeof(buf));
				if (l < 0 || isup_number_decode(m.opt[i].code, buf, l, &n2) != 0 ||
				    strcmp(n.digits, n2.digits) != 0)
					abort();
			}
		}
		/* rewriting must keep the message parseable */
		isup_msg_del(&m, ISUP_PAR_GENERIC_NUM);
		isup_msg_set(&m, ISUP_PAR_HOP_COUNTER, (const uint8_t *)"\x1f", 1);
		len = isup_msg_encode(&m, out, sizeof(out));
		if (len > 0 && isup_msg_parse(&m, ISUP_VARIANT_ITU, out, len, &err, NULL) != 0)
			abort();
	} else {
		struct isup_msg_compat c;
		isup_unknown_msg_compat(&m, &c);
	}
	return 0;
}
