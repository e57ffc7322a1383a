/* Provisioning operations: authorise, check and execute one decoded request against the store */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/utils.h>

#include <np700/logging.h>
#include <np700/nb_ops.h>
#include <np700/nb_proto.h>
#include <np700/nb_server.h>
#include <np700/number.h>
#include <np700/store.h>
#include <np700/store_writer.h>

uint8_t nb_cause_from_errno(int rc)
{
	switch (rc) {
	case -ENOENT:
	case -ESTALE:
		return NB_CAUSE_UNKNOWN_BINDING;
	case -EEXIST:
		return NB_CAUSE_EXISTS;
	case -EINVAL:
		return NB_CAUSE_INVALID_FIELD;
	case -EPERM:
		return NB_CAUSE_POOL_VIOLATION;
	case -ENOSPC:
		return NB_CAUSE_STORE_FULL;
	case -EDQUOT:
	case -EMLINK:
		return NB_CAUSE_CAP_REACHED;
	case -EBUSY:
		return NB_CAUSE_BUSY;
	default:
		return NB_CAUSE_STORE_ERROR;
	}
}

/* The store names the field at the start of its error text ("x: ..." / "b ..."); take it from
 * there so that the client learns which field was refused. */
static uint8_t field_from_text(const char *text)
{
	static const struct { const char *name; uint8_t iei; } names[] = {
		{ "order", NB_IEI_ORDER_ID }, { "customer", NB_IEI_CUSTOMER_ID }, { "mode", NB_IEI_MODE },
		{ "expires", NB_IEI_EXPIRES }, { "created", NB_IEI_CREATED }, { "services", NB_IEI_SERVICES },
		{ "direction", NB_IEI_DIRECTION }, { "callback", NB_IEI_CALLBACK }, { "x", NB_IEI_X },
		{ "y", NB_IEI_Y }, { "a", NB_IEI_A }, { "b", NB_IEI_B },
	};
	unsigned int i;

	if (!text)
		return 0;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i].name);
		if (!strncasecmp(text, names[i].name, n) && (text[n] == ':' || text[n] == ' ' || text[n] == '='))
			return names[i].iei;
	}
	return 0;
}

static void op_error(struct nb_op *op, uint8_t cause, uint8_t field, const char *text)
{
	nb_msg_set_error(&op->ans, op->req.msg_type, op->req.tid, cause, field, text);
	op->done = true;
}

static void op_store_error(const struct nb_ops_ctx *ctx, struct nb_op *op, int rc)
{
	uint8_t cause = nb_cause_from_errno(rc);
	const char *text = np700_store_last_error(ctx->store);
	uint8_t field = 0;

	if (rc != -ENOENT && rc != -ESTALE)
		field = field_from_text(text);
	else if (op->req.msg_type != NB_MSGT_CREATE_REQ)
		field = NB_IEI_BINDING_ID;
	/* a create that finds no customer: the store says -ENOENT */
	if (rc == -ENOENT && op->req.msg_type == NB_MSGT_CREATE_REQ)
		cause = NB_CAUSE_UNKNOWN_CUSTOMER;
	/* in the writer thread (ctx->txn) the server logs this answer on the main thread */
	if (!ctx->txn && (cause == NB_CAUSE_STORE_ERROR || cause == NB_CAUSE_STORE_FULL))
		LOGP(DNB, LOGL_ERROR, "%s tid=%u: store error %d (%s)\n", nb_msg_type_name(op->req.msg_type),
		     op->req.tid, rc, text ? text : "");
	op_error(op, cause, field, rc == -ENOENT || rc == -ESTALE ? NULL : text);
}

void nb_op_init(struct nb_op *op, const struct nb_msg *m, int decode_cause, uint8_t field)
{
	memset(op, 0, sizeof(*op));
	op->req = *m;
	if (decode_cause) {
		/* a broken request still gets its own error type if its type is a known request */
		if (nb_tlv_prot.msg_def[m->msg_type].name && NB_MSGT_KIND(m->msg_type) == NB_KIND_REQ) {
			op_error(op, decode_cause, field, NULL);
		} else {
			nb_msg_init(&op->ans, NB_MSGT_ERROR, m->tid);
			if (!nb_msg_has(m, NB_IEI_TID))
				op->ans.present = 0;
			op->ans.cause = decode_cause;
			op->ans.rx_msg_type = m->msg_type;
			op->ans.present |= NB_IE_BIT(NB_IEI_CAUSE) | NB_IE_BIT(NB_IEI_MSG_TYPE);
			if (field) {
				op->ans.field = field;
				op->ans.present |= NB_IE_BIT(NB_IEI_FIELD);
			}
			op->done = true;
		}
		return;
	}
	switch (m->msg_type) {
	case NB_MSGT_CREATE_REQ:
	case NB_MSGT_UPDATE_REQ:
	case NB_MSGT_DELETE_REQ:
		op->write = true;
		break;
	case NB_MSGT_GET_REQ:
	case NB_MSGT_LIST_NUMBER_REQ:
	case NB_MSGT_LIST_CUSTOMER_REQ:
		op->read = true;
		break;
	default:
		/* a decodable answer type sent to the server */
		nb_msg_init(&op->ans, NB_MSGT_ERROR, m->tid);
		op->ans.cause = NB_CAUSE_UNKNOWN_MSG_TYPE;
		op->ans.rx_msg_type = m->msg_type;
		op->ans.present |= NB_IE_BIT(NB_IEI_CAUSE) | NB_IE_BIT(NB_IEI_MSG_TYPE);
		op->done = true;
	}
}

/* Numbers as the numbering plan wants them: X/Y protected national form, A/B canonical
 * international E.164 that is not itself protected. */
static int check_numbers(const struct nb_ops_ctx *ctx, const struct np700_binding *b, uint8_t *field,
			 const char **why)
{
	char out[NP700_NUM_MAXLEN + 8];

	if (np700_protected_normalise(ctx->plan, b->x, NP700_NAT_NATIONAL, out, sizeof(out)) != 1 ||
	    strcmp(out, b->x)) {
		*field = NB_IEI_X;
		*why = "x is not a protected number of the configured range (national form)";
		return -EINVAL;
	}
	if (b->y[0] && (np700_protected_normalise(ctx->plan, b->y, NP700_NAT_NATIONAL, out, sizeof(out)) != 1 ||
			strcmp(out, b->y))) {
		*field = NB_IEI_Y;
		*why = "y is not a protected number of the configured range (national form)";
		return -EINVAL;
	}
	if (np700_real_normalise(ctx->plan, b->a, NP700_NAT_INTERNATIONAL, out, sizeof(out)) || strcmp(out, b->a) ||
	    np700_protected_normalise(ctx->plan, b->a, NP700_NAT_INTERNATIONAL, out, sizeof(out)) != 0) {
		*field = NB_IEI_A;
		*why = "a is not a canonical international E.164 number (7..15 digits, country code first)";
		return -EINVAL;
	}
	if (b->b[0] && (np700_real_normalise(ctx->plan, b->b, NP700_NAT_INTERNATIONAL, out, sizeof(out)) ||
			strcmp(out, b->b) ||
			np700_protected_normalise(ctx->plan, b->b, NP700_NAT_INTERNATIONAL, out, sizeof(out)) != 0)) {
		*field = NB_IEI_B;
		*why = "b is not a canonical international E.164 number (7..15 digits, country code first)";
		return -EINVAL;
	}
	return 0;
}

static bool check_binding(const struct nb_ops_ctx *ctx, struct nb_op *op, const struct np700_binding *b)
{
	const char *why;
	uint8_t field;
	int cause;

	cause = nb_binding_check(b, &field, &why);
	if (!cause && check_numbers(ctx, b, &field, &why) < 0)
		cause = NB_CAUSE_INVALID_FIELD;
	if (cause) {
		op_error(op, cause, field, why);
		return false;
	}
	return true;
}

static bool authorised(const struct nb_ops_ctx *ctx, struct nb_op *op, uint32_t customer_id)
{
	if (nb_client_cfg_customer_allowed(ctx->client, customer_id))
		return true;
	op_error(op, NB_CAUSE_NOT_AUTHORISED, NB_IEI_CUSTOMER_ID, "customer not allowed for this client");
	return false;
}

/* Overlay the attributes an UPDATE_REQ carries onto the binding as stored. */
static void overlay(struct np700_binding *b, const struct nb_msg *m)
{
	const struct np700_binding *n = &m->b;

#define TAKE(iei, f) do { if (nb_msg_has(m, NB_IEI_##iei)) memcpy(&b->f, &n->f, sizeof(b->f)); } while (0)
	TAKE(ORDER_ID, order_id);
	TAKE(MODE, mode);
	TAKE(X, x);
	TAKE(Y, y);
	TAKE(A, a);
	TAKE(B, b);
	TAKE(EXPIRES, expires);
	TAKE(SERVICES, services);
	TAKE(DIRECTION, direction);
	TAKE(MAX_DURATION, max_duration_s);
	TAKE(MAX_CALLS, max_calls);
	TAKE(CALLBACK, callback_allowed);
	TAKE(CALLBACK_WINDOW, callback_window_s);
#undef TAKE
}

void nb_op_prepare(const struct nb_ops_ctx *ctx, struct nb_op *op)
{
	struct nb_msg *m = &op->req;
	struct np700_binding cur;
	int rc;

	if (op->done)
		return;
	switch (m->msg_type) {
	case NB_MSGT_CREATE_REQ:
		if (!authorised(ctx, op, m->b.customer_id))
			return;
		m->b.id = 0;
		m->b.created = 0;
		check_binding(ctx, op, &m->b);
		return;
	case NB_MSGT_UPDATE_REQ:
	case NB_MSGT_DELETE_REQ:
	case NB_MSGT_GET_REQ:
		/* the binding's customer decides whether this client may touch it */
		if (ctx->txn)
			rc = np700_store_binding_get_txn(ctx->txn, m->b.id, &cur);
		else
			rc = np700_store_binding_get(ctx->store, m->b.id, &cur);
		if (rc < 0 && rc != -ESTALE) {
			op_store_error(ctx, op, rc);
			return;
		}
		if (!nb_client_cfg_customer_allowed(ctx->client, cur.customer_id)) {
			/* do not tell a stranger that the binding exists */
			op_error(op, NB_CAUSE_UNKNOWN_BINDING, NB_IEI_BINDING_ID, NULL);
			return;
		}
		if (m->msg_type == NB_MSGT_UPDATE_REQ) {
			overlay(&cur, m);
			if (!check_binding(ctx, op, &cur))
				return;
		}
		m->b = cur;
		return;
	case NB_MSGT_LIST_CUSTOMER_REQ:
		authorised(ctx, op, m->b.customer_id);
		return;
	case NB_MSGT_LIST_NUMBER_REQ:
		/* items are filtered by customer; the number must still be a protected one */
		if (np700_protected_normalise(ctx->plan, m->b.x, NP700_NAT_NATIONAL, cur.x, sizeof(cur.x)) != 1 ||
		    strcmp(cur.x, m->b.x))
			op_error(op, NB_CAUSE_INVALID_FIELD, NB_IEI_X,
				 "x is not a protected number of the configured range");
		return;
	}
}

void nb_op_write(const struct nb_ops_ctx *ctx, struct np700_store_txn *txn, struct nb_op *op)
{
	struct nb_msg *m = &op->req;
	int rc;

	if (op->done)
		return;
	switch (m->msg_type) {
	case NB_MSGT_CREATE_REQ:
		rc = np700_store_binding_create(ctx->store, txn, &m->b);
		if (rc < 0)
			break;
		nb_msg_init(&op->ans, NB_MSGT_CREATE_RES, m->tid);
		op->ans.b.id = m->b.id;
		op->ans.b.created = m->b.created;
		op->ans.present |= NB_IE_BIT(NB_IEI_BINDING_ID) | NB_IE_BIT(NB_IEI_CREATED);
		op->done = true;
		return;
	case NB_MSGT_UPDATE_REQ:
		rc = np700_store_binding_update(ctx->store, txn, &m->b);
		if (rc < 0)
			break;
		nb_msg_init(&op->ans, NB_MSGT_UPDATE_RES, m->tid);
		op->ans.b.id = m->b.id;
		op->ans.present |= NB_IE_BIT(NB_IEI_BINDING_ID);
		op->done = true;
		return;
	case NB_MSGT_DELETE_REQ:
		rc = np700_store_binding_delete(ctx->store, txn, m->b.id);
		if (rc < 0)
			break;
		nb_msg_init(&op->ans, NB_MSGT_DELETE_RES, m->tid);
		op->ans.b.id = m->b.id;
		op->ans.present |= NB_IE_BIT(NB_IEI_BINDING_ID);
		op->done = true;
		return;
	default:
		return;
	}
	op_store_error(ctx, op, rc);
}

void nb_op_commit_failed(struct nb_op *op, int rc)
{
	if (!op->write || NB_MSGT_KIND(op->ans.msg_type) != NB_KIND_RES)
		return;
	nb_msg_set_error(&op->ans, op->req.msg_type, op->req.tid,
			 rc == -ENOSPC ? NB_CAUSE_STORE_FULL : NB_CAUSE_STORE_ERROR, 0, "commit failed");
}

struct list_state {
	const struct nb_ops_ctx *ctx;
	struct nb_op *op;
	nb_ops_emit_cb emit;
	void *data;
	uint32_t count;
	bool truncated;
};

static int list_item(const struct np700_binding *b, void *data)
{
	struct list_state *ls = data;
	struct nb_msg item;

	if (!nb_client_cfg_customer_allowed(ls->ctx->client, b->customer_id))
		return 0;
	if (ls->count >= NB_LIST_MAX) {
		ls->truncated = true;
		return 1;
	}
	nb_msg_init(&item, NB_MSGT_REQ(ls->op->req.msg_type) | NB_KIND_ITEM, ls->op->req.tid);
	nb_msg_set_binding(&item, b);
	ls->count++;
	return ls->emit(&item, ls->data);
}

void nb_op_read(const struct nb_ops_ctx *ctx, struct nb_op *op, nb_ops_emit_cb emit, void *data)
{
	struct nb_msg *m = &op->req;
	struct list_state ls = { .ctx = ctx, .op = op, .emit = emit, .data = data };
	int rc;

	if (op->done)
		return;
	switch (m->msg_type) {
	case NB_MSGT_GET_REQ:
		/* nb_op_prepare() read it already, as committed */
		nb_msg_init(&op->ans, NB_MSGT_GET_RES, m->tid);
		nb_msg_set_binding(&op->ans, &m->b);
		op->done = true;
		return;
	case NB_MSGT_LIST_NUMBER_REQ:
		rc = np700_store_binding_list_number(ctx->store, m->b.x, list_item, &ls);
		break;
	case NB_MSGT_LIST_CUSTOMER_REQ:
		rc = np700_store_binding_list_customer(ctx->store, m->b.customer_id, list_item, &ls);
		break;
	default:
		return;
	}
	if (rc < 0 && rc != -ENOENT) {
		op_store_error(ctx, op, rc);
		return;
	}
	nb_msg_init(&op->ans, NB_MSGT_REQ(m->msg_type) | NB_KIND_RES, m->tid);
	op->ans.count = ls.count;
	op->ans.present |= NB_IE_BIT(NB_IEI_COUNT);
	if (ls.truncated) {
		snprintf(op->ans.text, sizeof(op->ans.text), "truncated at %u items", NB_LIST_MAX);
		op->ans.present |= NB_IE_BIT(NB_IEI_TEXT);
	}
	op->done = true;
}

uint64_t nb_op_binding_id(const struct nb_op *op)
{
	if (op->done || !op->write || op->req.msg_type == NB_MSGT_CREATE_REQ)
		return 0;
	return op->req.b.id;
}
