/* libFuzzer target: TCAP + MAP + SMS-in-MAP decoding, re-encoding and rewriting.
 *
 * Properties checked (abort() on violation):
 *  1. whatever tcap_decode() accepts, ber_reencode() re-emits byte for byte;
 *  2. tcap_encode() of a decoded message yields a message that decodes to the same contents;
 *  3. replacing a parameter by itself (tcap_rewrite_param) gives the input back unchanged;
 *  4. the SMS router's rewrite (sm-RP-DA IMSI + TP-OA of sm-RP-UI) never yields a message that
 *     the decoders reject.
 * Every MAP argument/result decoder also runs on every parameter.
 *
 * Build and run: tests/fuzz/build_fuzz.sh tcap_fuzz [SECONDS]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/utils.h>

#include <np700/ber.h>
#include <np700/map.h>
#include <np700/sms_tpdu.h>
#include <np700/tcap.h>

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static bool same_comp(const struct tcap_component *a, const struct tcap_component *b)
{
	if (a->type != b->type || a->invoke_id_present != b->invoke_id_present ||
	    (a->invoke_id_present && a->invoke_id != b->invoke_id) || a->linked_id_present != b->linked_id_present ||
	    (a->linked_id_present && a->linked_id != b->linked_id) || a->op_present != b->op_present ||
	    (a->op_present && a->opcode != b->opcode) || a->param_len != b->param_len)
		return false;
	if (a->type == TCAP_COMP_RETURN_ERROR && a->error_code != b->error_code)
		return false;
	if (a->type == TCAP_COMP_REJECT && (a->problem_type != b->problem_type || a->problem != b->problem))
		return false;
	return !a->param_len || !memcmp(a->param, b->param, a->param_len);
}

static void run_map_decoders(const uint8_t *p, size_t len)
{
	struct map_fwd_sm f;
	struct map_sri s;
	struct map_sri_sm ss;
	struct map_sri_res r;
	struct map_sri_sm_res rs;
	struct sms_tpdu t;
	char text[400];
	int v;

	for (v = 1; v <= 3; v++) {
		map_dec_sri(&s, p, len, v);
		map_dec_sri_res(&r, p, len, v);
	}
	map_dec_sri_sm(&ss, p, len);
	map_dec_sri_sm_res(&rs, p, len);
	if (map_dec_fwd_sm(&f, p, len) == 0) {
		if (sms_tpdu_decode(&t, f.ui, f.ui_len, false) == 0)
			sms_tpdu_text(&t, text, sizeof(text));
		if (sms_tpdu_decode(&t, f.ui, f.ui_len, true) == 0)
			sms_tpdu_text(&t, text, sizeof(text));
	}
}

/* property 4 on component \a i */
static void router_rewrite(const struct tcap_msg *m, unsigned int i, struct msgb *a, struct msgb *b, struct msgb *c)
{
	const struct tcap_component *comp = &m->comp[i];
	struct map_fwd_sm f, f2;
	struct tcap_msg m2;
	struct sms_tpdu t;
	const uint8_t *ui = NULL;
	size_t ui_len = 0;
	int rc;

	if (!comp->param || map_dec_fwd_sm(&f, comp->param, comp->param_len) < 0)
		return;
	msgb_reset(a);
	if (sms_tpdu_rewrite_addr(a, f.ui, f.ui_len, false, SMS_TON_NATIONAL, SMS_NPI_ISDN, "700123456789012") == 0) {
		CHECK(sms_tpdu_decode(&t, msgb_data(a), msgb_length(a), false) == 0);
		ui = msgb_data(a);
		ui_len = msgb_length(a);
	}
	msgb_reset(b);
	rc = map_fwd_sm_rewrite(b, comp->param, comp->param_len, "460001234567890", ui, ui_len);
	if (rc < 0) {
		/* only a too long TPDU may refuse: SignalInfo holds 200 octets */
		CHECK(rc == -EINVAL && ui_len > 200);
		return;
	}
	CHECK(map_dec_fwd_sm(&f2, msgb_data(b), msgb_length(b)) == 0);
	CHECK(f2.da_type == MAP_SM_RP_DA_IMSI && !strcmp(f2.da_imsi, "460001234567890"));
	msgb_reset(c);
	rc = tcap_rewrite_param(c, m, i, msgb_data(b), msgb_length(b));
	CHECK(rc == 0);
	CHECK(tcap_decode(&m2, msgb_data(c), msgb_length(c)) == 0);
	CHECK(m2.num_comp == m->num_comp && m2.comp[i].param_len == msgb_length(b) &&
	      !memcmp(m2.comp[i].param, msgb_data(b), msgb_length(b)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msgb *out, *a, *b, *c;
	struct tcap_msg m, m2;
	unsigned int i;
	bool global = false;

	if (size > 8192)
		return 0;
	if (!out) {
		out = msgb_alloc(32768, "out");
		a = msgb_alloc(1024, "a");
		b = msgb_alloc(32768, "b");
		c = msgb_alloc(32768, "c");
	}
	/* the input as a bare MAP parameter too */
	run_map_decoders(data, size);

	if (tcap_decode(&m, data, size) < 0)
		return 0;

	msgb_reset(out);
	CHECK(ber_reencode(out, &m.msg_tlv, 0) == 0);
	CHECK(msgb_length(out) == size && !memcmp(msgb_data(out), data, size));

	for (i = 0; i < m.num_comp; i++) {
		if (m.comp[i].op_global || (m.comp[i].type == TCAP_COMP_RETURN_ERROR && m.comp[i].error_code < 0))
			global = true;
	}
	if (!global) {
		msgb_reset(out);
		CHECK(tcap_encode(out, &m) == 0);
		CHECK(tcap_decode(&m2, msgb_data(out), msgb_length(out)) == 0);
		CHECK(m2.type == m.type && m2.num_comp == m.num_comp && m2.dlg.pdu == m.dlg.pdu);
		CHECK(m2.otid.len == m.otid.len && !memcmp(m2.otid.v, m.otid.v, m.otid.len));
		CHECK(m2.dtid.len == m.dtid.len && !memcmp(m2.dtid.v, m.dtid.v, m.dtid.len));
		CHECK(tcap_oid_eq(&m2.dlg.acn, &m.dlg.acn));
		for (i = 0; i < m.num_comp; i++)
			CHECK(same_comp(&m.comp[i], &m2.comp[i]));
	}

	for (i = 0; i < m.num_comp; i++) {
		const struct tcap_component *comp = &m.comp[i];

		if (!comp->param)
			continue;
		run_map_decoders(comp->param, comp->param_len);
		msgb_reset(out);
		CHECK(tcap_rewrite_param(out, &m, i, comp->param, comp->param_len) == 0);
		CHECK(msgb_length(out) == size && !memcmp(msgb_data(out), data, size));
		router_rewrite(&m, i, a, b, c);
	}
	return 0;
}
