/* TCAP (ITU-T Q.773) message codec: transaction portion, dialogue portion, components. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <osmocom/core/msgb.h>

#include <np700/tcap.h>

const struct value_string tcap_msg_type_names[] = {
	{ TCAP_UNIDIRECTIONAL, "Unidirectional" },
	{ TCAP_BEGIN, "Begin" },
	{ TCAP_END, "End" },
	{ TCAP_CONTINUE, "Continue" },
	{ TCAP_ABORT, "Abort" },
	{ 0, NULL }
};

const struct value_string tcap_comp_type_names[] = {
	{ TCAP_COMP_INVOKE, "Invoke" },
	{ TCAP_COMP_RR_LAST, "ReturnResultLast" },
	{ TCAP_COMP_RETURN_ERROR, "ReturnError" },
	{ TCAP_COMP_REJECT, "Reject" },
	{ TCAP_COMP_RR_NOTLAST, "ReturnResultNotLast" },
	{ 0, NULL }
};

const struct value_string tcap_dlg_pdu_names[] = {
	{ TCAP_DLG_NONE, "none" },
	{ TCAP_DLG_AARQ, "AARQ" },
	{ TCAP_DLG_AARE, "AARE" },
	{ TCAP_DLG_ABRT, "ABRT" },
	{ TCAP_DLG_AUDT, "AUDT" },
	{ 0, NULL }
};

const struct value_string tcap_pabort_cause_names[] = {
	{ TCAP_PABORT_UNRECOGNIZED_MSG_TYPE, "unrecognizedMessageType" },
	{ TCAP_PABORT_UNRECOGNIZED_TID, "unrecognizedTransactionID" },
	{ TCAP_PABORT_BADLY_FORMATTED_TX, "badlyFormattedTransactionPortion" },
	{ TCAP_PABORT_INCORRECT_TX, "incorrectTransactionPortion" },
	{ TCAP_PABORT_RESOURCE_LIMITATION, "resourceLimitation" },
	{ 0, NULL }
};

/* {itu-t(0) recommendation(0) q(17) 773 as(1) dialogue-as(1) version1(1)} and uni-dialogue-as(2) */
static const uint8_t dialogue_as_id[] = { 0x00, 0x11, 0x86, 0x05, 0x01, 0x01, 0x01 };
static const uint8_t uni_dialogue_as_id[] = { 0x00, 0x11, 0x86, 0x05, 0x01, 0x02, 0x01 };
/* protocol-version BIT STRING { version1(0) }: 1 bit set, 7 unused */
static const uint8_t proto_version1[] = { 0x07, 0x80 };

#define ID_OTID		BER_ID(BER_CLASS_APPLICATION, 0, 8)
#define ID_DTID		BER_ID(BER_CLASS_APPLICATION, 0, 9)
#define ID_PABORT	BER_ID(BER_CLASS_APPLICATION, 0, 10)
#define ID_DLG		BER_ID(BER_CLASS_APPLICATION, 1, 11)
#define ID_COMPS	BER_ID(BER_CLASS_APPLICATION, 1, 12)
#define ID_USERINFO	BER_ID(BER_CLASS_CONTEXT, 1, 30)
#define CTX(cons, n)	BER_ID(BER_CLASS_CONTEXT, cons, n)

bool tcap_oid_eq(const struct tcap_oid *a, const struct tcap_oid *b)
{
	return a->len == b->len && !memcmp(a->v, b->v, a->len);
}

/*! Set \a t to the 4-octet transaction id \a v (np700 always allocates 4 octets). */
void tcap_tid_set(struct tcap_tid *t, uint32_t v)
{
	t->len = 4;
	t->v[0] = v >> 24;
	t->v[1] = v >> 16;
	t->v[2] = v >> 8;
	t->v[3] = v;
}

/*! The transaction id \a t as a number (big endian, 1..4 octets; 0 if absent). */
uint32_t tcap_tid_get(const struct tcap_tid *t)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < t->len && i < 4; i++)
		v = (v << 8) | t->v[i];
	return v;
}

static int get_tid(const struct ber_tlv *t, struct tcap_tid *tid)
{
	if (t->constructed || t->len < 1 || t->len > 4)
		return -EINVAL;
	tid->len = t->len;
	memcpy(tid->v, t->val, t->len);
	return 0;
}

static int get_oid(const struct ber_tlv *t, struct tcap_oid *oid)
{
	if (BER_TLV_ID(t) != BER_ID_OID || t->len < 1 || t->len > TCAP_MAX_OID)
		return -EINVAL;
	oid->len = t->len;
	memcpy(oid->v, t->val, t->len);
	return 0;
}

/* Read the only child of constructed \a parent. */
static int only_child(const struct ber_tlv *parent, unsigned int depth, struct ber_tlv *c)
{
	struct ber_iter it;
	struct ber_tlv extra;

	if (!parent->constructed)
		return -EINVAL;
	ber_iter_init(&it, parent, depth);
	if (ber_iter_next(&it, c) != 1)
		return -EINVAL;
	if (ber_iter_next(&it, &extra) != 0)
		return -EINVAL;
	return 0;
}

/* result-source-diagnostic: CHOICE { dialogue-service-user [1] INTEGER, dialogue-service-provider [2] INTEGER },
 * both explicitly tagged. */
static int dec_diag(struct tcap_dialogue *d, const struct ber_tlv *t, unsigned int depth)
{
	struct ber_tlv ch, v;
	int32_t x;

	if (only_child(t, depth, &ch) < 0)
		return -EINVAL;
	if (BER_TLV_ID(&ch) != CTX(1, 1) && BER_TLV_ID(&ch) != CTX(1, 2))
		return -EINVAL;
	if (only_child(&ch, depth + 1, &v) < 0 || BER_TLV_ID(&v) != BER_ID_INTEGER || ber_get_int(&v, &x) < 0)
		return -EINVAL;
	d->diag_source = ch.tag;
	d->diag = x;
	return 0;
}

/* One dialogue PDU: AARQ/AUDT, AARE or ABRT (Q.773 §4.2.1, dialogue PDUs with implicit tags). */
static int dec_dialogue_pdu(struct tcap_dialogue *d, const struct ber_tlv *pdu, unsigned int depth)
{
	bool have_acn = false, have_result = false, have_diag = false, have_src = false;
	struct ber_iter it;
	struct ber_tlv c, v;
	int rank = -1, r, rc;
	int32_t x;

	if (pdu->cls != BER_CLASS_APPLICATION || !pdu->constructed)
		return -EINVAL;
	if (d->unidialogue) {
		if (pdu->tag != 0)
			return -EINVAL;
		d->pdu = TCAP_DLG_AUDT;
	} else if (pdu->tag == 0 || pdu->tag == 1 || pdu->tag == 4) {
		d->pdu = pdu->tag;
	} else {
		return -EINVAL;
	}

	ber_iter_init(&it, pdu, depth);
	while ((rc = ber_iter_next(&it, &c)) > 0) {
		uint32_t id = BER_TLV_ID(&c);

		/* components in their defined order, each at most once */
		if (id == CTX(0, 0))
			r = 0;
		else if (id == CTX(1, 1) && d->pdu != TCAP_DLG_ABRT)
			r = 1;
		else if (id == CTX(1, 2) && d->pdu == TCAP_DLG_AARE)
			r = 2;
		else if (id == CTX(1, 3) && d->pdu == TCAP_DLG_AARE)
			r = 3;
		else if (id == ID_USERINFO)
			r = 30;
		else
			return -EINVAL;
		if (r <= rank)
			return -EINVAL;
		rank = r;

		switch (r) {
		case 0:
			if (d->pdu == TCAP_DLG_ABRT) {
				if (ber_get_int(&c, &x) < 0 || x < 0 || x > 1)
					return -EINVAL;
				d->abort_source = x;
				have_src = true;
			} else {
				/* BIT STRING, at least the unused-bits octet */
				if (c.len < 1)
					return -EINVAL;
				d->proto_version_present = true;
			}
			break;
		case 1:
			if (only_child(&c, depth + 1, &v) < 0 || get_oid(&v, &d->acn) < 0)
				return -EINVAL;
			have_acn = true;
			break;
		case 2:
			if (only_child(&c, depth + 1, &v) < 0 || BER_TLV_ID(&v) != BER_ID_INTEGER ||
			    ber_get_int(&v, &x) < 0 || x < 0 || x > 1)
				return -EINVAL;
			d->result = x;
			have_result = true;
			break;
		case 3:
			if (dec_diag(d, &c, depth + 1) < 0)
				return -EINVAL;
			have_diag = true;
			break;
		case 30:
			/* kept as opaque bytes, but it must be well-formed BER like everything else */
			if (ber_validate(&c, depth + 1) < 0)
				return -EINVAL;
			d->user_info = c.val;
			d->user_info_len = c.len;
			break;
		}
	}
	if (rc < 0)
		return rc;
	switch (d->pdu) {
	case TCAP_DLG_AARQ:
	case TCAP_DLG_AUDT:
		return have_acn ? 0 : -EINVAL;
	case TCAP_DLG_AARE:
		return have_acn && have_result && have_diag ? 0 : -EINVAL;
	case TCAP_DLG_ABRT:
		return have_src ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* DialoguePortion ::= [APPLICATION 11] EXTERNAL { direct-reference OID, single-ASN1-type [0] PDU } */
static int dec_dialogue(struct tcap_dialogue *d, const struct ber_tlv *dp, unsigned int depth)
{
	struct ber_tlv ext, c, pdu;
	struct ber_iter it;
	struct tcap_oid as;

	if (only_child(dp, depth, &ext) < 0 || BER_TLV_ID(&ext) != BER_ID_EXTERNAL)
		return -EINVAL;
	ber_iter_init(&it, &ext, depth + 1);
	if (ber_iter_next(&it, &c) != 1 || get_oid(&c, &as) < 0)
		return -EINVAL;
	if (as.len == sizeof(dialogue_as_id) && !memcmp(as.v, dialogue_as_id, as.len))
		d->unidialogue = false;
	else if (as.len == sizeof(uni_dialogue_as_id) && !memcmp(as.v, uni_dialogue_as_id, as.len))
		d->unidialogue = true;
	else
		return -EINVAL;
	if (ber_iter_next(&it, &c) != 1 || BER_TLV_ID(&c) != CTX(1, 0))
		return -EINVAL;
	if (ber_iter_next(&it, &pdu) != 0)
		return -EINVAL;
	if (only_child(&c, depth + 2, &pdu) < 0)
		return -EINVAL;
	return dec_dialogue_pdu(d, &pdu, depth + 3);
}

static int get_invoke_id(const struct ber_tlv *t, int32_t *id)
{
	if (BER_TLV_ID(t) != BER_ID_INTEGER || ber_get_int(t, id) < 0 || *id < -128 || *id > 127)
		return -EINVAL;
	return 0;
}

/* Set the Reject the decoder's caller should send for a bad component. */
static int comp_err(struct tcap_msg *m, int type, int32_t problem, int32_t invoke_id)
{
	m->err_problem_type = type;
	m->err_problem = problem;
	m->err_invoke_id = invoke_id;
	return -EINVAL;
}

static int dec_component(struct tcap_msg *m, struct tcap_component *c, const struct ber_tlv *t, unsigned int depth)
{
	struct ber_iter it;
	struct ber_tlv e;
	int rc;

	memset(c, 0, sizeof(*c));
	c->tlv = *t;
	c->opcode = -1;
	c->error_code = -1;
	if (t->cls != BER_CLASS_CONTEXT || !t->constructed ||
	    (t->tag != 1 && t->tag != 2 && t->tag != 3 && t->tag != 4 && t->tag != 7))
		return comp_err(m, TCAP_PROBLEM_GENERAL, TCAP_GP_UNRECOGNIZED_COMPONENT, TCAP_INVOKE_ID_NONE);
	c->type = t->tag;

	ber_iter_init(&it, t, depth);
	rc = ber_iter_next(&it, &e);
	if (rc < 0)
		return comp_err(m, TCAP_PROBLEM_GENERAL, TCAP_GP_BADLY_STRUCTURED, TCAP_INVOKE_ID_NONE);
	if (rc == 0)
		return comp_err(m, TCAP_PROBLEM_GENERAL, TCAP_GP_MISTYPED_COMPONENT, TCAP_INVOKE_ID_NONE);
	if (c->type == TCAP_COMP_REJECT && BER_TLV_ID(&e) == BER_ID_NULL && e.len == 0) {
		c->invoke_id_present = false;
	} else {
		if (get_invoke_id(&e, &c->invoke_id) < 0)
			return comp_err(m, TCAP_PROBLEM_GENERAL, TCAP_GP_MISTYPED_COMPONENT, TCAP_INVOKE_ID_NONE);
		c->invoke_id_present = true;
	}
	/* from here on a Reject can name the invoke id */
#define BAD(p)	comp_err(m, TCAP_PROBLEM_GENERAL, p, c->invoke_id_present ? c->invoke_id : TCAP_INVOKE_ID_NONE)

	rc = ber_iter_next(&it, &e);
	if (rc < 0)
		return BAD(TCAP_GP_BADLY_STRUCTURED);

	switch (c->type) {
	case TCAP_COMP_INVOKE:
		if (rc == 1 && BER_TLV_ID(&e) == CTX(0, 0)) {
			if (get_invoke_id(&e, &c->linked_id) < 0)
				return BAD(TCAP_GP_MISTYPED_COMPONENT);
			c->linked_id_present = true;
			rc = ber_iter_next(&it, &e);
			if (rc < 0)
				return BAD(TCAP_GP_BADLY_STRUCTURED);
		}
		if (rc == 0)
			return BAD(TCAP_GP_MISTYPED_COMPONENT);
		c->op_present = true;
		if (BER_TLV_ID(&e) == BER_ID_INTEGER) {
			if (ber_get_int(&e, &c->opcode) < 0)
				return BAD(TCAP_GP_MISTYPED_COMPONENT);
		} else if (BER_TLV_ID(&e) == BER_ID_OID) {
			c->op_global = true;
		} else {
			return BAD(TCAP_GP_MISTYPED_COMPONENT);
		}
		break;
	case TCAP_COMP_RR_LAST:
	case TCAP_COMP_RR_NOTLAST:
		if (rc == 0)
			break;
		if (BER_TLV_ID(&e) != BER_ID_SEQUENCE)
			return BAD(TCAP_GP_MISTYPED_COMPONENT);
		c->rr_seq = e;
		{
			struct ber_iter sit;
			struct ber_tlv op;

			ber_iter_init(&sit, &e, depth + 1);
			rc = ber_iter_next(&sit, &op);
			if (rc < 0)
				return BAD(TCAP_GP_BADLY_STRUCTURED);
			if (rc == 0)
				return BAD(TCAP_GP_MISTYPED_COMPONENT);
			c->op_present = true;
			if (BER_TLV_ID(&op) == BER_ID_INTEGER) {
				if (ber_get_int(&op, &c->opcode) < 0)
					return BAD(TCAP_GP_MISTYPED_COMPONENT);
			} else if (BER_TLV_ID(&op) == BER_ID_OID) {
				c->op_global = true;
			} else {
				return BAD(TCAP_GP_MISTYPED_COMPONENT);
			}
			rc = ber_iter_next(&sit, &c->param_tlv);
			if (rc < 0)
				return BAD(TCAP_GP_BADLY_STRUCTURED);
			if (rc == 1) {
				if (ber_validate(&c->param_tlv, depth + 2) < 0)
					return comp_err(m, TCAP_PROBLEM_RETURN_RESULT, TCAP_RP_MISTYPED_PARAMETER,
							c->invoke_id);
				c->param = c->param_tlv.hdr;
				c->param_len = c->param_tlv.total_len;
				if (ber_iter_next(&sit, &op) != 0)
					return BAD(TCAP_GP_MISTYPED_COMPONENT);
			}
		}
		rc = ber_iter_next(&it, &e);
		if (rc != 0)
			return BAD(rc < 0 ? TCAP_GP_BADLY_STRUCTURED : TCAP_GP_MISTYPED_COMPONENT);
		return 0;
	case TCAP_COMP_RETURN_ERROR:
		if (rc == 0)
			return BAD(TCAP_GP_MISTYPED_COMPONENT);
		if (BER_TLV_ID(&e) == BER_ID_INTEGER) {
			if (ber_get_int(&e, &c->error_code) < 0)
				return BAD(TCAP_GP_MISTYPED_COMPONENT);
		} else if (BER_TLV_ID(&e) != BER_ID_OID) {
			return BAD(TCAP_GP_MISTYPED_COMPONENT);
		}
		break;
	case TCAP_COMP_REJECT:
		if (rc == 0 || e.cls != BER_CLASS_CONTEXT || e.constructed || e.tag > 3 ||
		    ber_get_int(&e, &c->problem) < 0)
			return BAD(TCAP_GP_MISTYPED_COMPONENT);
		c->problem_type = e.tag;
		rc = ber_iter_next(&it, &e);
		if (rc != 0)
			return BAD(rc < 0 ? TCAP_GP_BADLY_STRUCTURED : TCAP_GP_MISTYPED_COMPONENT);
		return 0;
	}

	/* Invoke and ReturnError: an optional parameter, then nothing */
	rc = ber_iter_next(&it, &c->param_tlv);
	if (rc < 0)
		return BAD(TCAP_GP_BADLY_STRUCTURED);
	if (rc == 1) {
		/* a parameter whose inside is not BER: the operation's argument is mistyped */
		if (ber_validate(&c->param_tlv, depth + 1) < 0) {
			if (c->type == TCAP_COMP_INVOKE)
				return comp_err(m, TCAP_PROBLEM_INVOKE, TCAP_IP_MISTYPED_PARAMETER, c->invoke_id);
			return comp_err(m, TCAP_PROBLEM_RETURN_ERROR, TCAP_EP_MISTYPED_PARAMETER, c->invoke_id);
		}
		c->param = c->param_tlv.hdr;
		c->param_len = c->param_tlv.total_len;
		rc = ber_iter_next(&it, &e);
		if (rc != 0)
			return BAD(rc < 0 ? TCAP_GP_BADLY_STRUCTURED : TCAP_GP_MISTYPED_COMPONENT);
	}
	return 0;
#undef BAD
}

static void msg_reset(struct tcap_msg *m, int type);

static int tx_err(struct tcap_msg *m, int cause)
{
	m->err_pabort = cause;
	return -EINVAL;
}

/* The message types Q.773 defines; the decoder answers any other with a P-Abort, the encoder refuses it. */
static bool msg_type_known(int type)
{
	switch (type) {
	case TCAP_UNIDIRECTIONAL:
	case TCAP_BEGIN:
	case TCAP_END:
	case TCAP_CONTINUE:
	case TCAP_ABORT:
		return true;
	default:
		return false;
	}
}

/*! Decode the TCAP message \a data / \a len (the SCCP user data).
 *  \param[out] m the message; it points into \a data, which must stay valid while \a m is used
 *  \returns 0; or -EINVAL with m->err_pabort set (transaction portion bad: answer a P-Abort with
 *  that cause if a dtid can be named) or m->err_problem_type/err_problem set (a component is bad:
 *  answer a Reject); -ELOOP (nesting too deep) is reported as -EINVAL with badly formatted. */
int tcap_decode(struct tcap_msg *m, const uint8_t *data, size_t len)
{
	struct ber_iter it;
	struct ber_tlv c;
	int rank = -1, r, rc;

	msg_reset(m, 0);	/* the type is set once the tag is known to be one */

	if (len < 1)
		return tx_err(m, TCAP_PABORT_BADLY_FORMATTED_TX);
	if (!msg_type_known(data[0])) {
		/* Q.774 §3.2.2.2: answered with a P-Abort if an originating transaction id can be
		 * derived (the first element, as in every message type that has one) */
		struct ber_tlv t;

		if (ber_read_exact(data, len, &t) == 0 && t.constructed) {
			ber_iter_init(&it, &t, 0);
			if (ber_iter_next(&it, &c) > 0 && BER_TLV_ID(&c) == ID_OTID && get_tid(&c, &m->otid) < 0)
				m->otid.len = 0;
		}
		return tx_err(m, TCAP_PABORT_UNRECOGNIZED_MSG_TYPE);
	}
	if (ber_read_exact(data, len, &m->msg_tlv) < 0)
		return tx_err(m, TCAP_PABORT_BADLY_FORMATTED_TX);
	m->type = data[0];

	ber_iter_init(&it, &m->msg_tlv, 0);
	while ((rc = ber_iter_next(&it, &c)) > 0) {
		switch (BER_TLV_ID(&c)) {
		case ID_OTID:
			r = 0;
			break;
		case ID_DTID:
			r = 1;
			break;
		case ID_PABORT:
			r = 2;
			break;
		case ID_DLG:
			r = 3;
			break;
		case ID_COMPS:
			r = 4;
			break;
		default:
			return tx_err(m, TCAP_PABORT_BADLY_FORMATTED_TX);
		}
		if (r <= rank)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		rank = r;
		switch (r) {
		case 0:
			if (get_tid(&c, &m->otid) < 0)
				return tx_err(m, TCAP_PABORT_INCORRECT_TX);
			break;
		case 1:
			if (get_tid(&c, &m->dtid) < 0)
				return tx_err(m, TCAP_PABORT_INCORRECT_TX);
			break;
		case 2:
			if (c.constructed || ber_get_int(&c, &m->p_abort_cause) < 0)
				return tx_err(m, TCAP_PABORT_INCORRECT_TX);
			m->p_abort_present = true;
			break;
		case 3:
			if (dec_dialogue(&m->dlg, &c, 1) < 0)
				return tx_err(m, TCAP_PABORT_BADLY_FORMATTED_TX);
			break;
		case 4:
			m->comp_portion = c;
			break;
		}
	}
	if (rc < 0)
		return tx_err(m, TCAP_PABORT_BADLY_FORMATTED_TX);

	/* which transaction ids and portions each message type carries */
	switch (m->type) {
	case TCAP_UNIDIRECTIONAL:
		if (m->otid.len || m->dtid.len || m->p_abort_present || !m->comp_portion.hdr)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		if (m->dlg.pdu != TCAP_DLG_NONE && m->dlg.pdu != TCAP_DLG_AUDT)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		break;
	case TCAP_BEGIN:
		if (!m->otid.len || m->dtid.len || m->p_abort_present)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		if (m->dlg.pdu != TCAP_DLG_NONE && m->dlg.pdu != TCAP_DLG_AARQ)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		break;
	case TCAP_CONTINUE:
		if (!m->otid.len || !m->dtid.len || m->p_abort_present)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		if (m->dlg.pdu != TCAP_DLG_NONE && m->dlg.pdu != TCAP_DLG_AARE)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		break;
	case TCAP_END:
		if (m->otid.len || !m->dtid.len || m->p_abort_present)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		if (m->dlg.pdu != TCAP_DLG_NONE && m->dlg.pdu != TCAP_DLG_AARE)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		break;
	case TCAP_ABORT:
		/* either a P-AbortCause or a dialogue portion (U-ABORT: ABRT, or AARE for a refused context) */
		if (m->otid.len || !m->dtid.len || m->comp_portion.hdr ||
		    (m->p_abort_present && m->dlg.pdu != TCAP_DLG_NONE))
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		if (m->dlg.pdu == TCAP_DLG_AARQ || m->dlg.pdu == TCAP_DLG_AUDT)
			return tx_err(m, TCAP_PABORT_INCORRECT_TX);
		break;
	}

	if (!m->comp_portion.hdr)
		return 0;
	ber_iter_init(&it, &m->comp_portion, 1);
	while ((rc = ber_iter_next(&it, &c)) > 0) {
		if (m->num_comp >= TCAP_MAX_COMP)
			return tx_err(m, TCAP_PABORT_RESOURCE_LIMITATION);
		rc = dec_component(m, &m->comp[m->num_comp], &c, 2);
		if (rc < 0)
			return rc;
		m->num_comp++;
	}
	if (rc < 0)
		return comp_err(m, TCAP_PROBLEM_GENERAL, TCAP_GP_BADLY_STRUCTURED, TCAP_INVOKE_ID_NONE);
	/* a component portion holds at least one component (Q.773 SEQUENCE SIZE (1..MAX)) */
	if (m->num_comp == 0)
		return comp_err(m, TCAP_PROBLEM_GENERAL, TCAP_GP_BADLY_STRUCTURED, TCAP_INVOKE_ID_NONE);
	return 0;
}

/*! The first component of \a type (enum tcap_comp_type) in \a m, or NULL. */
const struct tcap_component *tcap_first_comp(const struct tcap_msg *m, int type)
{
	unsigned int i;

	for (i = 0; i < m->num_comp; i++) {
		if (m->comp[i].type == type)
			return &m->comp[i];
	}
	return NULL;
}

static void set_init_fields(struct tcap_msg *m, int type)
{
	m->type = type;
	m->dlg.pdu = TCAP_DLG_NONE;
	m->err_pabort = -1;
	m->err_problem_type = -1;
	m->err_invoke_id = TCAP_INVOKE_ID_NONE;
}

/*! Prepare \a m for tcap_encode(): message \a type, no ids, no dialogue, no components. */
void tcap_msg_init(struct tcap_msg *m, int type)
{
	memset(m, 0, sizeof(*m));
	set_init_fields(m, type);
}

_Static_assert(offsetof(struct tcap_msg, msg_tlv) == offsetof(struct tcap_msg, comp) +
	       sizeof(((struct tcap_msg *)NULL)->comp), "msg_reset() expects msg_tlv right after comp[]");

/* tcap_msg_init() for the decoder and the builders here, without clearing comp[1..]: 1.5 KB on
 * every message for nothing (issue 5), as a component is read only below num_comp and cleared
 * when it is filled. comp[0] stays cleared: some readers look at it before num_comp. */
static void msg_reset(struct tcap_msg *m, int type)
{
	memset(m, 0, offsetof(struct tcap_msg, comp[1]));
	memset(&m->msg_tlv, 0, sizeof(*m) - offsetof(struct tcap_msg, msg_tlv));
	set_init_fields(m, type);
}

#define CHK(x) do { rc = (x); if (rc < 0) return rc; } while (0)

static int enc_dialogue(struct msgb *msg, const struct tcap_dialogue *d)
{
	size_t m_dp, m_ext, m_sat, m_pdu, m_x, m_y;
	int rc, pdu_tag;

	pdu_tag = d->pdu == TCAP_DLG_AUDT ? 0 : d->pdu;
	CHK(ber_begin(msg, ID_DLG, &m_dp));
	CHK(ber_begin(msg, BER_ID_EXTERNAL, &m_ext));
	if (d->pdu == TCAP_DLG_AUDT)
		CHK(ber_put_tlv(msg, BER_ID_OID, uni_dialogue_as_id, sizeof(uni_dialogue_as_id)));
	else
		CHK(ber_put_tlv(msg, BER_ID_OID, dialogue_as_id, sizeof(dialogue_as_id)));
	CHK(ber_begin(msg, CTX(1, 0), &m_sat));
	CHK(ber_begin(msg, BER_ID(BER_CLASS_APPLICATION, 1, pdu_tag), &m_pdu));
	if (d->pdu == TCAP_DLG_ABRT) {
		CHK(ber_put_int(msg, CTX(0, 0), d->abort_source));
	} else {
		if (d->proto_version_present)
			CHK(ber_put_tlv(msg, CTX(0, 0), proto_version1, sizeof(proto_version1)));
		CHK(ber_begin(msg, CTX(1, 1), &m_x));
		CHK(ber_put_tlv(msg, BER_ID_OID, d->acn.v, d->acn.len));
		CHK(ber_end(msg, m_x));
		if (d->pdu == TCAP_DLG_AARE) {
			CHK(ber_begin(msg, CTX(1, 2), &m_x));
			CHK(ber_put_int(msg, BER_ID_INTEGER, d->result));
			CHK(ber_end(msg, m_x));
			CHK(ber_begin(msg, CTX(1, 3), &m_x));
			CHK(ber_begin(msg, CTX(1, d->diag_source == TCAP_DIAG_PROVIDER ? 2 : 1), &m_y));
			CHK(ber_put_int(msg, BER_ID_INTEGER, d->diag));
			CHK(ber_end(msg, m_y));
			CHK(ber_end(msg, m_x));
		}
	}
	if (d->user_info)
		CHK(ber_put_tlv(msg, ID_USERINFO, d->user_info, d->user_info_len));
	CHK(ber_end(msg, m_pdu));
	CHK(ber_end(msg, m_sat));
	CHK(ber_end(msg, m_ext));
	CHK(ber_end(msg, m_dp));
	return 0;
}

static int enc_component(struct msgb *msg, const struct tcap_component *c)
{
	size_t m_c, m_s;
	int rc;

	CHK(ber_begin(msg, CTX(1, c->type), &m_c));
	if (c->invoke_id_present)
		CHK(ber_put_int(msg, BER_ID_INTEGER, c->invoke_id));
	else
		CHK(ber_put_tlv(msg, BER_ID_NULL, NULL, 0));
	switch (c->type) {
	case TCAP_COMP_INVOKE:
		if (c->linked_id_present)
			CHK(ber_put_int(msg, CTX(0, 0), c->linked_id));
		CHK(ber_put_int(msg, BER_ID_INTEGER, c->opcode));
		if (c->param)
			CHK(ber_put_raw(msg, c->param, c->param_len));
		break;
	case TCAP_COMP_RR_LAST:
	case TCAP_COMP_RR_NOTLAST:
		if (c->op_present) {
			CHK(ber_begin(msg, BER_ID_SEQUENCE, &m_s));
			CHK(ber_put_int(msg, BER_ID_INTEGER, c->opcode));
			if (c->param)
				CHK(ber_put_raw(msg, c->param, c->param_len));
			CHK(ber_end(msg, m_s));
		}
		break;
	case TCAP_COMP_RETURN_ERROR:
		CHK(ber_put_int(msg, BER_ID_INTEGER, c->error_code));
		if (c->param)
			CHK(ber_put_raw(msg, c->param, c->param_len));
		break;
	case TCAP_COMP_REJECT:
		CHK(ber_put_int(msg, CTX(0, c->problem_type), c->problem));
		break;
	default:
		return -EINVAL;
	}
	return ber_end(msg, m_c);
}

/*! Encode \a m (definite lengths, minimal forms) and append it to \a msg.
 *  Parameters (tcap_component.param) are copied as they are: complete BER elements.
 *  \returns 0, -ENOSPC (msg too small; msg is left partly written), -EINVAL.
 *  The caller owns and frees \a msg. */
int tcap_encode(struct msgb *msg, const struct tcap_msg *m)
{
	size_t m_msg, m_cp;
	unsigned int i;
	int rc;

	if (!msg_type_known(m->type))
		return -EINVAL;
	if (m->num_comp > TCAP_MAX_COMP)
		return -EINVAL;
	CHK(ber_begin(msg, BER_ID(BER_CLASS_APPLICATION, 1, m->type & 0x1f), &m_msg));
	if (m->otid.len)
		CHK(ber_put_tlv(msg, ID_OTID, m->otid.v, m->otid.len));
	if (m->dtid.len)
		CHK(ber_put_tlv(msg, ID_DTID, m->dtid.v, m->dtid.len));
	if (m->p_abort_present)
		CHK(ber_put_int(msg, ID_PABORT, m->p_abort_cause));
	if (m->dlg.pdu != TCAP_DLG_NONE)
		CHK(enc_dialogue(msg, &m->dlg));
	if (m->num_comp) {
		CHK(ber_begin(msg, ID_COMPS, &m_cp));
		for (i = 0; i < m->num_comp; i++)
			CHK(enc_component(msg, &m->comp[i]));
		CHK(ber_end(msg, m_cp));
	}
	return ber_end(msg, m_msg);
}

/*! Re-emit the decoded message \a m with the parameter of component \a comp_idx replaced by
 *  \a param (a complete element), every other byte unchanged (lengths re-computed).
 *  \returns 0, -ENOENT (that component has no parameter), -EINVAL, -ENOSPC.
 *  The caller owns and frees \a out. */
int tcap_rewrite_param(struct msgb *out, const struct tcap_msg *m, unsigned int comp_idx,
		       const uint8_t *param, size_t param_len)
{
	const struct tcap_component *c;
	struct ber_tlv path[5];
	unsigned int n = 0;

	if (comp_idx >= m->num_comp || !m->msg_tlv.hdr)
		return -EINVAL;
	c = &m->comp[comp_idx];
	if (!c->param)
		return -ENOENT;
	path[n++] = m->msg_tlv;
	path[n++] = m->comp_portion;
	path[n++] = c->tlv;
	if (c->rr_seq.hdr)
		path[n++] = c->rr_seq;
	path[n++] = c->param_tlv;
	return ber_splice(out, m->msg_tlv.hdr, m->msg_tlv.total_len, path, n, true, param, param_len);
}

static void set_aare(struct tcap_dialogue *d, const struct tcap_oid *acn)
{
	d->pdu = TCAP_DLG_AARE;
	d->proto_version_present = true;
	d->acn = *acn;
	d->result = TCAP_RESULT_ACCEPTED;
	d->diag_source = TCAP_DIAG_USER;
	d->diag = TCAP_DIAG_USER_NULL;
}

/* Start an End or Continue to the dialogue \a dtid; \a aare_acn (may be NULL) accepts that context. */
static void init_answer(struct tcap_msg *m, int type, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn)
{
	msg_reset(m, type);
	m->dtid = *dtid;
	if (aare_acn)
		set_aare(&m->dlg, aare_acn);
}

/* Every builder below sends exactly one component; this fills the fields they share so that each
 * builder states only what is particular to it (op_present false: no operation code). */
static struct tcap_component *set_one_comp(struct tcap_msg *m, int type, int32_t invoke_id, bool op_present,
					   int32_t opcode, const uint8_t *param, size_t param_len)
{
	struct tcap_component *c = &m->comp[0];

	m->num_comp = 1;
	c->type = type;
	c->invoke_id_present = true;
	c->invoke_id = invoke_id;
	c->op_present = op_present;
	c->opcode = opcode;
	c->param = param;
	c->param_len = param_len;
	return c;
}

/*! End with a ReturnResultLast {invoke_id, opcode, param}; with \a aare_acn an AARE accepting that
 *  context (the first answer to a Begin that had an AARQ). \a param NULL: no result sequence. */
int tcap_enc_end_result(struct msgb *msg, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn,
			int32_t invoke_id, int32_t opcode, const uint8_t *param, size_t param_len)
{
	struct tcap_msg m;

	init_answer(&m, TCAP_END, dtid, aare_acn);
	set_one_comp(&m, TCAP_COMP_RR_LAST, invoke_id, param != NULL, opcode, param, param_len);
	return tcap_encode(msg, &m);
}

/*! Continue with only the AARE (accepted) for \a acn: the answer to a Begin that opened a dialogue
 *  without a component (the request follows in the initiator's Continue). */
int tcap_enc_continue_aare(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_tid *dtid,
			   const struct tcap_oid *acn)
{
	struct tcap_msg m;

	init_answer(&m, TCAP_CONTINUE, dtid, acn);
	m.otid = *otid;
	return tcap_encode(msg, &m);
}

/*! End with a ReturnError {invoke_id, error_code, param (may be NULL)}; AARE as in tcap_enc_end_result(). */
int tcap_enc_end_error(struct msgb *msg, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn,
		       int32_t invoke_id, int32_t error_code, const uint8_t *param, size_t param_len)
{
	struct tcap_component *c;
	struct tcap_msg m;

	init_answer(&m, TCAP_END, dtid, aare_acn);
	c = set_one_comp(&m, TCAP_COMP_RETURN_ERROR, invoke_id, false, 0, param, param_len);
	c->error_code = error_code;
	return tcap_encode(msg, &m);
}

/*! End with a Reject; \a invoke_id TCAP_INVOKE_ID_NONE sends invokeID NULL (the id could not be read). */
int tcap_enc_end_reject(struct msgb *msg, const struct tcap_tid *dtid, const struct tcap_oid *aare_acn,
			int32_t invoke_id, int problem_type, int32_t problem)
{
	struct tcap_component *c;
	struct tcap_msg m;

	init_answer(&m, TCAP_END, dtid, aare_acn);
	c = set_one_comp(&m, TCAP_COMP_REJECT, invoke_id, false, 0, NULL, 0);
	c->invoke_id_present = invoke_id != TCAP_INVOKE_ID_NONE;
	c->problem_type = problem_type;
	c->problem = problem;
	return tcap_encode(msg, &m);
}

/*! U-ABORT refusing the proposed application context: AARE reject-permanent,
 *  dialogue-service-user application-context-name-not-supported, naming the context np700
 *  supports (\a supported_acn), so that the peer can retry with it (MAP v3 -> v2 fallback). */
int tcap_enc_abort_acn_not_supported(struct msgb *msg, const struct tcap_tid *dtid,
				     const struct tcap_oid *supported_acn)
{
	struct tcap_msg m;

	msg_reset(&m, TCAP_ABORT);
	m.dtid = *dtid;
	set_aare(&m.dlg, supported_acn);
	m.dlg.result = TCAP_RESULT_REJECT_PERMANENT;
	m.dlg.diag = TCAP_DIAG_USER_ACN_NOT_SUPPORTED;
	return tcap_encode(msg, &m);
}

/*! P-ABORT with \a cause (enum tcap_pabort_cause). */
int tcap_enc_pabort(struct msgb *msg, const struct tcap_tid *dtid, int cause)
{
	struct tcap_msg m;

	msg_reset(&m, TCAP_ABORT);
	m.dtid = *dtid;
	m.p_abort_present = true;
	m.p_abort_cause = cause;
	return tcap_encode(msg, &m);
}

/*! Begin a dialogue (np700 as MAP client): AARQ proposing \a acn (NULL: no dialogue portion, MAP v1),
 *  one Invoke {invoke_id, opcode, param}. */
int tcap_enc_begin_invoke(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_oid *acn,
			  int32_t invoke_id, int32_t opcode, const uint8_t *param, size_t param_len)
{
	struct tcap_msg m;

	msg_reset(&m, TCAP_BEGIN);
	m.otid = *otid;
	if (acn) {
		m.dlg.pdu = TCAP_DLG_AARQ;
		m.dlg.proto_version_present = true;
		m.dlg.acn = *acn;
	}
	set_one_comp(&m, TCAP_COMP_INVOKE, invoke_id, true, opcode, param, param_len);
	return tcap_encode(msg, &m);
}

/*! Continue with a ReturnResult(Last) {invoke_id, opcode, param}: answering one of several
 *  messages of a dialogue (e.g. mt-forwardSM with moreMessagesToSend); \a aare_acn as in
 *  tcap_enc_end_result() for the first answer to a Begin. */
int tcap_enc_continue_result(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_tid *dtid,
			     const struct tcap_oid *aare_acn, int32_t invoke_id, int32_t opcode,
			     const uint8_t *param, size_t param_len)
{
	struct tcap_msg m;

	init_answer(&m, TCAP_CONTINUE, dtid, aare_acn);
	m.otid = *otid;
	set_one_comp(&m, TCAP_COMP_RR_LAST, invoke_id, param != NULL, opcode, param, param_len);
	return tcap_encode(msg, &m);
}

/*! Continue with an Invoke (np700 as MAP client sending the next message of a dialogue). */
int tcap_enc_continue_invoke(struct msgb *msg, const struct tcap_tid *otid, const struct tcap_tid *dtid,
			     int32_t invoke_id, int32_t opcode, const uint8_t *param, size_t param_len)
{
	struct tcap_msg m;

	msg_reset(&m, TCAP_CONTINUE);
	m.otid = *otid;
	m.dtid = *dtid;
	set_one_comp(&m, TCAP_COMP_INVOKE, invoke_id, true, opcode, param, param_len);
	return tcap_encode(msg, &m);
}

/*! U-ABORT by np700 as dialogue user (e.g. the other leg timed out): with \a abrt an ABRT
 *  (abort-source dialogue-service-user, user-information \a user_info if not NULL: the contents of
 *  [30], e.g. MAP-UserAbortInfo) for dialogues that have a dialogue portion, without it a bare
 *  Abort {dtid} for MAP v1 dialogues. */
int tcap_enc_abort_user(struct msgb *msg, const struct tcap_tid *dtid, bool abrt, const uint8_t *user_info,
			size_t user_info_len)
{
	struct tcap_msg m;

	msg_reset(&m, TCAP_ABORT);
	m.dtid = *dtid;
	if (abrt) {
		m.dlg.pdu = TCAP_DLG_ABRT;
		m.dlg.abort_source = 0;
		m.dlg.user_info = user_info;
		m.dlg.user_info_len = user_info_len;
	}
	return tcap_encode(msg, &m);
}
