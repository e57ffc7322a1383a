/*! \file nb_ops.h
 *  Executing decoded provisioning requests against the store (src/nb_ops.c). The server runs
 *  a batch in three steps: nb_op_prepare() for each request (authorisation, field checks, the
 *  read an update/delete needs), then the writes of the batch inside one store transaction
 *  (nb_op_write()), then the answers after the commit (nb_op_commit_failed() if it failed). */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include <np700/nb_proto.h>

struct np700_store;
struct np700_store_txn;
struct np700_numplan;
struct nb_client_cfg;

/*! One request and its answer. */
struct nb_op {
	struct nb_msg req;
	struct nb_msg ans;	/*!< the final answer (result or error) */
	bool done;		/*!< ans is final: nothing (more) to execute */
	bool write;		/*!< create/update/delete: runs inside the batch transaction */
	bool read;		/*!< get/list: runs outside any write transaction */
};

/*! Context of execution: where, for whom. */
struct nb_ops_ctx {
	struct np700_store *store;
	const struct np700_numplan *plan;
	const struct nb_client_cfg *client;
	time_t now;
	/*! Set in the store's writer thread (store_writer.h): nb_op_prepare() reads through this
	 *  write txn instead of the main thread's read txn, and nothing is logged (the server logs
	 *  the answers on the main thread). */
	struct np700_store_txn *txn;
};

/*! Map a store errno to a cause. */
uint8_t nb_cause_from_errno(int rc);

/*! Take a decoded request (or the decoder's cause/field for a broken one) into \a op.
 *  \a decode_cause 0 means \a m decoded fine. */
void nb_op_init(struct nb_op *op, const struct nb_msg *m, int decode_cause, uint8_t field);
/*! Authorise and check the request; for update/delete read the binding as committed, or, with
 *  ctx->txn, as that write txn sees it (so a batch sees its own earlier writes). Sets op->done
 *  with an error answer on refusal. */
void nb_op_prepare(const struct nb_ops_ctx *ctx, struct nb_op *op);
/*! Run a prepared write inside \a txn; sets op->ans (result or error) and op->done. */
void nb_op_write(const struct nb_ops_ctx *ctx, struct np700_store_txn *txn, struct nb_op *op);
/*! The batch's commit failed with \a rc: turn every successful answer into an error. */
void nb_op_commit_failed(struct nb_op *op, int rc);

/*! Called for each list item (a complete LIST_*_ITEM message) and then the final answer. */
typedef int (*nb_ops_emit_cb)(const struct nb_msg *m, void *data);
/*! Run a prepared read request (get, list); items go to \a emit, the final answer into op->ans. */
void nb_op_read(const struct nb_ops_ctx *ctx, struct nb_op *op, nb_ops_emit_cb emit, void *data);
/*! The binding id an update/delete touches (0 for others); the server starts a new batch
 *  when a binding is touched twice, so that every read sees the writes before it. */
uint64_t nb_op_binding_id(const struct nb_op *op);
