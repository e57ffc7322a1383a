/* libFuzzer target for the provisioning protocol decoder (bytes from a platform's client).
 * Input: one np700 message (message type and IEs, without the IPA headers).
 * Properties checked (abort on violation):
 *  - the decoder never crashes and always names a cause on refusal;
 *  - a message it accepts encodes, and the encoding decodes to a message that encodes to the
 *    same bytes again (IE order is canonical, so the input itself may differ);
 *  - the binding consistency check never crashes on what the decoder accepted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>

#include <np700/logging.h>
#include <np700/nb_proto.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	void *ctx = talloc_named_const(NULL, 0, "nb_fuzz");

	msgb_talloc_ctx_init(ctx, 0);
	/* categories, no target: the decoder's log lines cost nothing */
	log_init(&np700_log_info, ctx);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct nb_msg m, m2;
	struct msgb *enc, *enc2;
	const char *why;
	uint8_t field;
	int rc;

	rc = nb_msg_decode(&m, data, len, &field);
	if (rc < 0 || rc > NB_CAUSE_BUSY)
		abort();
	if (rc)
		return 0;
	nb_binding_check(&m.b, &field, &why);

	enc = nb_msg_encode(&m);
	if (!enc)
		abort();
	if (nb_msg_decode(&m2, msgb_l2(enc), msgb_l2len(enc), &field) != 0)
		abort();
	enc2 = nb_msg_encode(&m2);
	if (!enc2 || msgb_l2len(enc2) != msgb_l2len(enc) || memcmp(msgb_l2(enc2), msgb_l2(enc), msgb_l2len(enc)))
		abort();
	msgb_free(enc);
	msgb_free(enc2);
	return 0;
}
