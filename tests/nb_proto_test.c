/* Provisioning protocol codec: every message type both ways, and every kind of broken message */
#include <stdio.h>
#include <string.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/nb_proto.h>

static char strbuf[1024];

static struct np700_binding sample_binding(enum np700_mode mode)
{
	struct np700_binding b = {
		.id = 4242,
		.customer_id = 1,
		.order_id = "order-17",
		.mode = mode,
		.x = "700123456789012",
		.a = "8613800138000",
		.b = "8613900139000",
		.created = 1780000000,
		.expires = 1780086400,
		.services = NP700_SVC_VOICE | NP700_SVC_SMS,
		.direction = NP700_DIR_BOTH,
		.max_duration_s = 600,
		.max_calls = 10,
	};
	if (mode == NP700_MODE_AXYB)
		OSMO_STRLCPY_ARRAY(b.y, "700123456789013");
	if (mode == NP700_MODE_AX) {
		b.b[0] = '\0';
		b.expires = 0;
		b.callback_allowed = true;
		b.callback_window_s = 3600;
	}
	return b;
}

/* Encode, print the hex, decode again, print the decoded message, check that it re-encodes to
 * the same bytes. */
static void roundtrip(const char *what, const struct nb_msg *m)
{
	struct msgb *msg = nb_msg_encode(m), *msg2;
	struct nb_msg d;
	uint8_t field;
	int rc;

	printf("- %s\n", what);
	if (!msg) {
		printf("  encode failed\n");
		return;
	}
	printf("  enc: %s\n", osmo_hexdump_nospc(msgb_l2(msg), msgb_l2len(msg)));
	rc = nb_msg_decode(&d, msgb_l2(msg), msgb_l2len(msg), &field);
	if (rc) {
		printf("  decode failed: %s field=%s\n", nb_cause_name(rc), nb_iei_name(field));
		msgb_free(msg);
		return;
	}
	printf("  dec: %s\n", nb_msg_to_str_buf(strbuf, sizeof(strbuf), &d));
	msg2 = nb_msg_encode(&d);
	printf("  re-encoded %s\n", msg2 && msgb_l2len(msg2) == msgb_l2len(msg) &&
	       !memcmp(msgb_l2(msg2), msgb_l2(msg), msgb_l2len(msg)) ? "identical" : "DIFFERENT");
	msgb_free(msg);
	msgb_free(msg2);
}

static void test_all_types(void)
{
	static const enum np700_mode modes[] = { NP700_MODE_AXB, NP700_MODE_AXN, NP700_MODE_AX, NP700_MODE_AXYB };
	struct np700_binding b;
	struct nb_msg m;
	unsigned int i;

	printf("\n=== every message type, encoded and decoded\n");

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		char what[64];
		b = sample_binding(modes[i]);
		nb_msg_init(&m, NB_MSGT_CREATE_REQ, 1 + i);
		nb_msg_set_binding(&m, &b);
		/* a create carries no id and no creation time */
		m.present &= ~(NB_IE_BIT(NB_IEI_BINDING_ID) | NB_IE_BIT(NB_IEI_CREATED));
		snprintf(what, sizeof(what), "CREATE_REQ mode %s", get_value_string(nb_mode_names, modes[i]));
		roundtrip(what, &m);
	}

	nb_msg_init(&m, NB_MSGT_CREATE_RES, 1);
	m.b.id = 4242;
	m.b.created = 1780000000;
	m.present |= NB_IE_BIT(NB_IEI_BINDING_ID) | NB_IE_BIT(NB_IEI_CREATED);
	roundtrip("CREATE_RES", &m);

	nb_msg_set_error(&m, NB_MSGT_CREATE_REQ, 2, NB_CAUSE_INVALID_FIELD, NB_IEI_X,
			 "x is not a protected number");
	roundtrip("CREATE_ERR", &m);

	nb_msg_init(&m, NB_MSGT_UPDATE_REQ, 3);
	m.b.id = 4242;
	m.b.expires = 1790000000;
	OSMO_STRLCPY_ARRAY(m.b.b, "8613700137000");
	m.present |= NB_IE_BIT(NB_IEI_BINDING_ID) | NB_IE_BIT(NB_IEI_EXPIRES) | NB_IE_BIT(NB_IEI_B);
	roundtrip("UPDATE_REQ (partial: expires, b)", &m);

	nb_msg_init(&m, NB_MSGT_UPDATE_REQ, 4);
	m.b.id = 4242;
	m.present |= NB_IE_BIT(NB_IEI_BINDING_ID) | NB_IE_BIT(NB_IEI_ORDER_ID);
	roundtrip("UPDATE_REQ (clear the order id: zero-length IE)", &m);

	nb_msg_init(&m, NB_MSGT_UPDATE_RES, 3);
	m.b.id = 4242;
	m.present |= NB_IE_BIT(NB_IEI_BINDING_ID);
	roundtrip("UPDATE_RES", &m);

	nb_msg_set_error(&m, NB_MSGT_UPDATE_REQ, 3, NB_CAUSE_UNKNOWN_BINDING, NB_IEI_BINDING_ID, NULL);
	roundtrip("UPDATE_ERR", &m);

	nb_msg_init(&m, NB_MSGT_DELETE_REQ, 5);
	m.b.id = 4242;
	m.present |= NB_IE_BIT(NB_IEI_BINDING_ID);
	roundtrip("DELETE_REQ", &m);
	m.msg_type = NB_MSGT_DELETE_RES;
	roundtrip("DELETE_RES", &m);
	nb_msg_set_error(&m, NB_MSGT_DELETE_REQ, 5, NB_CAUSE_STORE_FULL, 0, NULL);
	roundtrip("DELETE_ERR", &m);

	nb_msg_init(&m, NB_MSGT_GET_REQ, 6);
	m.b.id = 4242;
	m.present |= NB_IE_BIT(NB_IEI_BINDING_ID);
	roundtrip("GET_REQ", &m);
	b = sample_binding(NP700_MODE_AXYB);
	nb_msg_init(&m, NB_MSGT_GET_RES, 6);
	nb_msg_set_binding(&m, &b);
	roundtrip("GET_RES", &m);
	nb_msg_set_error(&m, NB_MSGT_GET_REQ, 6, NB_CAUSE_NOT_AUTHORISED, NB_IEI_CUSTOMER_ID, NULL);
	roundtrip("GET_ERR", &m);

	nb_msg_init(&m, NB_MSGT_LIST_NUMBER_REQ, 7);
	OSMO_STRLCPY_ARRAY(m.b.x, "700123456789012");
	m.present |= NB_IE_BIT(NB_IEI_X);
	roundtrip("LIST_NUMBER_REQ", &m);
	b = sample_binding(NP700_MODE_AXB);
	nb_msg_init(&m, NB_MSGT_LIST_NUMBER_ITEM, 7);
	nb_msg_set_binding(&m, &b);
	roundtrip("LIST_NUMBER_ITEM", &m);
	nb_msg_init(&m, NB_MSGT_LIST_NUMBER_RES, 7);
	m.count = 1;
	m.present |= NB_IE_BIT(NB_IEI_COUNT);
	roundtrip("LIST_NUMBER_RES", &m);
	nb_msg_set_error(&m, NB_MSGT_LIST_NUMBER_REQ, 7, NB_CAUSE_INVALID_FIELD, NB_IEI_X, "not protected");
	roundtrip("LIST_NUMBER_ERR", &m);

	nb_msg_init(&m, NB_MSGT_LIST_CUSTOMER_REQ, 8);
	m.b.customer_id = 2;
	m.present |= NB_IE_BIT(NB_IEI_CUSTOMER_ID);
	roundtrip("LIST_CUSTOMER_REQ", &m);
	b = sample_binding(NP700_MODE_AX);
	nb_msg_init(&m, NB_MSGT_LIST_CUSTOMER_ITEM, 8);
	nb_msg_set_binding(&m, &b);
	roundtrip("LIST_CUSTOMER_ITEM", &m);
	nb_msg_init(&m, NB_MSGT_LIST_CUSTOMER_RES, 8);
	m.count = 100000;
	OSMO_STRLCPY_ARRAY(m.text, "truncated at 100000 items");
	m.present |= NB_IE_BIT(NB_IEI_COUNT) | NB_IE_BIT(NB_IEI_TEXT);
	roundtrip("LIST_CUSTOMER_RES", &m);
	nb_msg_set_error(&m, NB_MSGT_LIST_CUSTOMER_REQ, 8, NB_CAUSE_NOT_AUTHORISED, NB_IEI_CUSTOMER_ID, NULL);
	roundtrip("LIST_CUSTOMER_ERR", &m);

	nb_msg_init(&m, NB_MSGT_ERROR, 9);
	m.cause = NB_CAUSE_UNKNOWN_MSG_TYPE;
	m.rx_msg_type = 0x40;
	m.present |= NB_IE_BIT(NB_IEI_CAUSE) | NB_IE_BIT(NB_IEI_MSG_TYPE);
	roundtrip("ERROR (generic)", &m);
}

static void decode_hex(const char *what, const char *hex)
{
	uint8_t buf[2048];
	struct nb_msg m;
	uint8_t field;
	int len, rc;

	len = osmo_hexparse(hex, buf, sizeof(buf));
	if (strlen(hex) > 160)
		printf("- %s\n  in:  %.64s... (%d bytes)\n", what, hex, len);
	else
		printf("- %s\n  in:  %s\n", what, hex);
	rc = nb_msg_decode(&m, buf, len, &field);
	if (rc) {
		printf("  -> %s", nb_cause_name(rc));
		if (field)
			printf(" field=%s (0x%02x)", nb_iei_name(field), field);
		if (nb_msg_has(&m, NB_IEI_TID))
			printf(" tid=%u", m.tid);
		printf("\n");
	} else {
		printf("  -> ok: %s\n", nb_msg_to_str_buf(strbuf, sizeof(strbuf), &m));
	}
}

static void test_bad_messages(void)
{
	char big[2 * (NB_MSG_MAXLEN + 4) + 1];
	unsigned int i;

	printf("\n=== broken messages\n");
	/* a valid GET_REQ for reference: tid 7, id 4242 */
	decode_hex("valid GET_REQ", "10" "010400000007" "10080000000000001092");
	decode_hex("empty message", "");
	decode_hex("type only", "10");
	decode_hex("truncated IE value (id says 8, 4 present)", "10" "010400000007" "100800000000");
	decode_hex("truncated IE header (tag without length)", "10" "010400000007" "10080000000000001092" "11");
	decode_hex("IE length beyond the message", "10" "010400000007" "10ff0000000000001092");
	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (i < 2) ? "10"[i] : '0';
	big[sizeof(big) - 1] = '\0';
	decode_hex("oversized message (1200 bytes)", big);
	decode_hex("unknown IE 0x7f", "10" "010400000007" "10080000000000001092" "7f0100");
	decode_hex("unknown IE 0x08 (gap in the tag space)", "10" "010400000007" "080100");
	decode_hex("missing mandatory IE (id)", "10" "010400000007");
	decode_hex("missing mandatory IE (tid)", "10" "10080000000000001092");
	decode_hex("duplicate IE (id twice)", "10" "010400000007" "10080000000000001092" "10080000000000001093");
	decode_hex("unexpected IE (x in a GET_REQ)", "10" "010400000007" "10080000000000001092"
		   "140f373030313233343536373839303132");
	decode_hex("unknown message type 0x40", "40" "010400000007");
	decode_hex("unknown message type 0x02 (result kind, no request)", "02" "010400000007");
	decode_hex("TID of 3 bytes", "10" "0103000007" "10080000000000001092");
	decode_hex("binding id 0", "10" "010400000007" "10080000000000000000");
	decode_hex("CREATE_REQ with non-digit x", "04" "010400000001" "110400000001" "130100"
		   "140f37303031323334353637383930315a" "160d38363133383030313338303030");
	decode_hex("CREATE_REQ with x of 16 digits", "04" "010400000001" "110400000001" "130100"
		   "141037303031323334353637383930313233" "160d38363133383030313338303030");
	decode_hex("CREATE_REQ with mode 9", "04" "010400000001" "110400000001" "130109"
		   "140f373030313233343536373839303132" "160d38363133383030313338303030");
	decode_hex("CREATE_REQ with services 0", "04" "010400000001" "110400000001" "130100"
		   "140f373030313233343536373839303132" "160d38363133383030313338303030" "1a0100");
	decode_hex("CREATE_REQ with callback 2", "04" "010400000001" "110400000001" "130102"
		   "140f373030313233343536373839303132" "160d38363133383030313338303030" "1e0102");
	decode_hex("CREATE_REQ with negative expiry", "04" "010400000001" "110400000001" "130100"
		   "140f373030313233343536373839303132" "160d38363133383030313338303030"
		   "1908ffffffffffffffff");
	decode_hex("CREATE_REQ with an order id holding a control character", "04" "010400000001" "110400000001"
		   "130100" "140f373030313233343536373839303132" "160d38363133383030313338303030" "1203610a62");
	decode_hex("CREATE_REQ, minimal and valid (AX)", "04" "010400000001" "110400000001" "130102"
		   "140f373030313233343536373839303132" "160d38363133383030313338303030");
}

static void check(const char *what, struct np700_binding b)
{
	const char *why;
	uint8_t field;
	int rc = nb_binding_check(&b, &field, &why);

	printf("- %s: ", what);
	if (!rc)
		printf("ok\n");
	else
		printf("%s field=%s (%s)\n", nb_cause_name(rc), nb_iei_name(field), why);
}

static void test_binding_check(void)
{
	struct np700_binding b;

	printf("\n=== binding consistency per mode\n");
	check("AXB complete", sample_binding(NP700_MODE_AXB));
	check("AXN complete", sample_binding(NP700_MODE_AXN));
	check("AX complete", sample_binding(NP700_MODE_AX));
	check("AXYB complete", sample_binding(NP700_MODE_AXYB));
	b = sample_binding(NP700_MODE_AXB);
	b.b[0] = '\0';
	check("AXB without b", b);
	b = sample_binding(NP700_MODE_AX);
	OSMO_STRLCPY_ARRAY(b.b, "8613900139000");
	check("AX with b", b);
	b = sample_binding(NP700_MODE_AXYB);
	b.y[0] = '\0';
	check("AXYB without y", b);
	b = sample_binding(NP700_MODE_AXB);
	OSMO_STRLCPY_ARRAY(b.y, "700123456789013");
	check("AXB with y", b);
	b = sample_binding(NP700_MODE_AXYB);
	OSMO_STRLCPY_ARRAY(b.y, b.x);
	check("AXYB with y == x", b);
	b = sample_binding(NP700_MODE_AXB);
	OSMO_STRLCPY_ARRAY(b.b, b.a);
	check("AXB with b == a", b);
	b = sample_binding(NP700_MODE_AXB);
	b.callback_allowed = true;
	check("AXB with call-back", b);
	b = sample_binding(NP700_MODE_AXN);
	b.expires = 0;
	check("AXN without expiry", b);
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "nb_proto_test");

	msgb_talloc_ctx_init(ctx, 0);
	/* categories only, no target: the decoder's own log lines stay out of the expected output */
	log_init(&np700_log_info, ctx);

	test_all_types();
	test_bad_messages();
	test_binding_check();
	printf("\ndone\n");
	return 0;
}
