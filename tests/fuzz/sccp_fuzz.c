/* libFuzzer target for the SCCP codec and relay step.
 * Input: one octet choosing the variant (bit 0: China), then an SCCP message.
 * Properties checked (abort on violation):
 *  - a message the parser accepts in the usual layout encodes back to exactly the input;
 *  - any accepted message encodes (unless its unusual layout cannot be kept in one-octet
 *    pointers), and the encoding parses to the same addresses and data and
 *    encodes to itself again (idempotent);
 *  - rewriting the called GT digits gives a message that parses to the rewritten address;
 *  - the relay step never crashes on it (routes, local GT/SSNs and callbacks set up);
 *  - data that parses as SCCP management encodes back to the same message (spare bits aside). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/sccp.h>

static struct sccp_relay *relay[2];

static int tx_cb(void *priv, uint32_t opc, uint32_t dpc, uint8_t sls, const uint8_t *data, size_t len)
{
	struct sccp_relay *r = priv;
	struct sccp_msg m;

	/* what the relay sends must be valid SCCP */
	if (sccp_msg_parse(&m, data, len, sccp_relay_variant(r), NULL) < 0)
		abort();
	return 0;
}

static int local_cb(struct sccp_relay *r, const struct sccp_ind *ind, void *priv)
{
	/* read the payload so that ASan sees a bad pointer */
	volatile uint8_t x = 0;
	size_t i;

	for (i = 0; i < ind->data_len; i++)
		x ^= ind->data[i];
	/* the MAP layer answers from within the callback */
	if (ind->data_len > 2)
		sccp_relay_reply(r, ind, NULL, ind->data, ind->data_len);
	return ind->data_len & 1 ? SCCP_CAUSE_SUBSYS_FAILURE : 0;
}

static void setup(void)
{
	static const char *pfx[] = { "86", "8613", "861380", "700", "1", "4" };
	void *ctx = talloc_named_const(NULL, 0, "sccp_fuzz");
	unsigned int v, i;

	/* the relay logs every dropped message: keep the fuzzer quiet and fast */
	osmo_init_logging2(ctx, &np700_log_info);
	log_set_log_level(osmo_stderr_target, LOGL_FATAL);
	for (v = 0; v < 2; v++) {
		relay[v] = sccp_relay_alloc(ctx, v);
		sccp_relay_set_variant(relay[v], v ? SCCP_VAR_CHINA : SCCP_VAR_ITU);
		sccp_relay_set_own_pc(relay[v], 50);
		sccp_relay_set_tx_cb(relay[v], tx_cb, relay[v]);
		sccp_relay_set_local_cb(relay[v], local_cb, NULL);
		sccp_relay_set_local_ssn(relay[v], 6, true);
		sccp_relay_set_local_ssn(relay[v], 8, true);
		sccp_relay_add_local_gt(relay[v], "8613900099");
		for (i = 0; i < ARRAY_SIZE(pfx); i++) {
			struct sccp_route r = { .pc = i == 3 ? 50 : 100 + i, .ssn = i & 1 ? 6 : 0 };
			OSMO_STRLCPY_ARRAY(r.prefix, pfx[i]);
			if (i == 2)
				OSMO_STRLCPY_ARRAY(r.replace, "8613999999999999999999");
			sccp_route_add(sccp_relay_routes(relay[v]), &r);
		}
	}
}

/* spare bits are not kept: the re-encoded message must parse to the same values */
static void scmg_check(const uint8_t *data, size_t len, enum sccp_variant v)
{
	struct sccp_scmg s, s2;
	uint8_t out[8];
	int n;

	if (sccp_scmg_parse(&s, data, len, v, NULL) < 0)
		return;
	n = sccp_scmg_encode(out, sizeof(out), &s, v);
	if (n != (int)len || sccp_scmg_parse(&s2, out, n, v, NULL) < 0 || memcmp(&s, &s2, sizeof(s)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[4608], out2[4608];	/* a canonical message re-encodes to its own size, up to max_len */
	struct sccp_msg m, m2;
	enum sccp_variant v;
	int len, len2;

	if (!relay[0])
		setup();
	if (size < 1)
		return 0;
	v = data[0] & 1 ? SCCP_VAR_CHINA : SCCP_VAR_ITU;
	data++;
	size--;

	if (sccp_msg_parse(&m, data, size, v, NULL) == 0) {
		len = sccp_msg_encode_buf(out, sizeof(out), &m, v);
		/* only an unusual layout may fail: parameters moved into the usual order can push the
		 * optional-part pointer past 255 */
		if (len < 0 && m.canonical)
			abort();
		if (len < 0)
			goto relay;
		if (m.canonical && (len != (int)size || memcmp(out, data, size)))
			abort();
		if (sccp_msg_parse(&m2, out, len, v, NULL) < 0 || !m2.canonical)
			abort();
		if (memcmp(&m.called, &m2.called, sizeof(m.called)) ||
		    memcmp(&m.calling, &m2.calling, sizeof(m.calling)) || m.data_len != m2.data_len ||
		    memcmp(m.data, m2.data, m.data_len) || m.n_opt != m2.n_opt)
			abort();
		len2 = sccp_msg_encode_buf(out2, sizeof(out2), &m2, v);
		if (len2 != len || memcmp(out, out2, len))
			abort();
		if (m.called.bcd && m.called.gti != SCCP_GTI_NONE &&
		    sccp_addr_set_digits(&m.called, "8613800138000") == 0) {
			/* a longer GT may push a one-octet pointer past 255: -ENOSPC is fine, nothing else */
			len = sccp_msg_encode_buf(out, sizeof(out), &m, v);
			if (len < 0 && len != -ENOSPC)
				abort();
			if (len > 0 && (sccp_msg_parse(&m2, out, len, v, NULL) < 0 ||
					memcmp(&m2.called, &m.called, sizeof(m.called))))
				abort();
		}
	}
	if (sccp_msg_parse(&m, data, size, v, NULL) == 0)
		scmg_check(m.data, m.data_len, v);
relay:
	sccp_relay_rx(relay[v == SCCP_VAR_CHINA], 1000, 50, 0, data, size);
	return 0;
}
