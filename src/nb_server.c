/* Provisioning server: IPA over TCP, client identity and authorisation, batched execution */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/ipa.h>
#include <osmocom/gsm/protocol/ipaccess.h>
#include <osmocom/abis/ipa.h>
#include <osmocom/vty/vty.h>

#include <np700/logging.h>
#include <np700/nb_ops.h>
#include <np700/nb_proto.h>
#include <np700/nb_server.h>
#include <np700/netaddr.h>
#include <np700/np700.h>
#include <np700/store.h>
#include <np700/store_writer.h>

/*! Most requests drained from one connection into one batch (one store transaction); the
 *  configured "batch-max" is at most this. */
#define NB_BATCH_MAX		NB_BATCH_MAX_LIMIT
/*! Stop reading from a client while this much of its answers is not yet written. */
#define NB_OUT_HIGH		(4 * 1024 * 1024)
#define NB_OUT_LOW		(256 * 1024)
/*! Batches in the server at once (waiting, committing or being answered): bounds the memory,
 *  and the back-pressure: with none free, no more requests are read from the sockets. */
#define NB_JOBS_MAX		16
/*! Batches of one connection at once: one committing, the others queued behind it (the writer
 *  commits everything queued in one txn: the batch grows with the commit latency). */
#define NB_JOBS_PER_CONN	4
/*! A connection must identify itself within this time. */
#define NB_IDENT_TIMEOUT_S	10
/*! More connections than this are refused at once: each holds buffers, and no platform needs
 *  that many. */
#define NB_MAX_CONNS		256

/*! One client connection. Owned by its ipa_server_conn (talloc child), so that
 *  ipa_server_conn_destroy() frees both. */
struct nb_conn {
	struct llist_head list;		/*!< in nb_server.conns */
	struct nb_server *nb;
	struct ipa_server_conn *ipa;
	struct nb_client_cfg *client;	/*!< NULL until identified */
	char addr[INET_ADDRSTRLEN];
	uint16_t port;
	struct in_addr in_addr;
	struct osmo_timer_list ident_timer;
	/* answers not yet written: [out_ofs, out_len) */
	uint8_t *out;
	size_t out_ofs, out_len, out_size;
	uint64_t rx_req, tx_ok, tx_err;
	struct llist_head jobs;		/*!< struct nb_job, in the order of the requests */
	unsigned int n_jobs;
	bool wait_job;			/*!< reading stopped until a job is free */
	bool closing;			/*!< peer closed: close once the jobs are answered */
};

/*! One batch of requests of one connection, from its decoding to its last answer. Write
 *  requests go to the store's writer thread in segments (a run of requests up to the next read
 *  request); read requests run on the main thread once everything before them is answered, so
 *  that every request sees the effect of those before it and of none after it. */
struct nb_job {
	struct np700_store_wjob wjob;	/*!< first: the writer's part */
	struct llist_head entry;	/*!< in nb_conn.jobs, or in nb_server.free_jobs */
	struct nb_server *nb;
	struct nb_conn *conn;		/*!< NULL once the connection is gone (the job still commits) */
	/* copies for the writer thread, which must not follow pointers the VTY may change */
	struct nb_client_cfg client;
	struct np700_numplan plan;
	time_t now;
	struct nb_op *ops;
	unsigned int n, cap;
	unsigned int pos;		/*!< ops[0..pos) are answered */
	unsigned int seg_end;		/*!< ops[pos..seg_end) are with the writer */
	bool in_writer;
};

static const struct rate_ctr_desc nb_server_ctr_desc[] = {
	[NB_CTR_ACCEPT] = { "conn:accept", "TCP connections accepted" },
	[NB_CTR_REFUSED_NAME] = { "conn:refused:name", "Connections refused: unknown unit name" },
	[NB_CTR_REFUSED_ADDR] = { "conn:refused:addr", "Connections refused: source address not allowed" },
	[NB_CTR_FRAMING_ERR] = { "conn:framing_error", "Connections closed on an IPA framing error" },
	[NB_CTR_RX_MSG] = { "rx:msg", "Provisioning messages received" },
	[NB_CTR_RX_MALFORMED] = { "rx:malformed", "Messages refused by the decoder" },
	[NB_CTR_TX_OK] = { "tx:result", "Result answers sent" },
	[NB_CTR_TX_ERR] = { "tx:error", "Error answers sent" },
	[NB_CTR_BATCH] = { "store:batch", "Write batches committed (one store transaction each)" },
	[NB_CTR_COMMIT_FAIL] = { "store:commit_fail", "Write batches whose commit failed" },
};

static const struct rate_ctr_group_desc nb_server_ctrg_desc = {
	.group_name_prefix = "nb",
	.group_description = "Provisioning server",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(nb_server_ctr_desc),
	.ctr_desc = nb_server_ctr_desc,
};

static const struct rate_ctr_desc nb_client_ctr_desc[] = {
	[NB_CLI_CTR_CONNECT] = { "conn:identified", "Connections identified as this client" },
	[NB_CLI_CTR_REFUSED] = { "conn:refused", "Connections refused (source address not allowed)" },
	[NB_CLI_CTR_RX_REQ] = { "rx:request", "Requests received" },
	[NB_CLI_CTR_TX_OK] = { "tx:result", "Result answers" },
	[NB_CLI_CTR_TX_ERR] = { "tx:error", "Error answers" },
	[NB_CLI_CTR_NOT_AUTH] = { "tx:not_authorised", "Requests refused: customer not allowed" },
};

static const struct rate_ctr_group_desc nb_client_ctrg_desc = {
	.group_name_prefix = "nb:client",
	.group_description = "Provisioning client",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(nb_client_ctr_desc),
	.ctr_desc = nb_client_ctr_desc,
};

static void client_ctr_inc(struct nb_client_cfg *cc, unsigned int idx)
{
	if (cc && cc->ctrs)
		rate_ctr_inc2(cc->ctrs, idx);
}

static void server_ctr_inc(struct nb_server *nb, unsigned int idx)
{
	if (nb->ctrs)
		rate_ctr_inc2(nb->ctrs, idx);
}

/* also when the parent goes (np700 exits): counter groups are listed globally by libosmocore,
 * which must not keep pointers into freed memory */
static int nb_server_destructor(struct nb_server *nb)
{
	struct nb_client_cfg *cc;

	llist_for_each_entry(cc, &nb->clients, list) {
		if (cc->ctrs)
			rate_ctr_group_free(cc->ctrs);
		cc->ctrs = NULL;
	}
	if (nb->ctrs)
		rate_ctr_group_free(nb->ctrs);
	nb->ctrs = NULL;
	return 0;
}

struct nb_server *nb_server_alloc(void *ctx, struct np700 *g)
{
	struct nb_server *nb = talloc_zero(ctx, struct nb_server);

	nb->ctx = ctx;
	nb->g = g;
	nb->bind_addr = talloc_strdup(nb, NB_DEFAULT_ADDR);
	nb->port = NB_DEFAULT_PORT;
	nb->batch_max = NB_BATCH_DEFAULT;
	INIT_LLIST_HEAD(&nb->clients);
	INIT_LLIST_HEAD(&nb->conns);
	nb->ctrs = rate_ctr_group_alloc(nb, &nb_server_ctrg_desc, 0);
	nb->next_client_index = 1;
	INIT_LLIST_HEAD(&nb->free_jobs);
	talloc_set_destructor(nb, nb_server_destructor);
	return nb;
}

/* --- client configuration */

struct nb_client_cfg *nb_client_cfg_find(struct nb_server *nb, const char *name)
{
	struct nb_client_cfg *cc;

	llist_for_each_entry(cc, &nb->clients, list) {
		if (!strcmp(cc->name, name))
			return cc;
	}
	return NULL;
}

struct nb_client_cfg *nb_client_cfg_alloc(struct nb_server *nb, const char *name)
{
	struct nb_client_cfg *cc = talloc_zero(nb, struct nb_client_cfg);

	cc->nb = nb;
	cc->name = talloc_strdup(cc, name);
	cc->index = nb->next_client_index++;
	cc->ctrs = rate_ctr_group_alloc(cc, &nb_client_ctrg_desc, cc->index);
	if (cc->ctrs)
		rate_ctr_group_set_name(cc->ctrs, name);
	llist_add_tail(&cc->list, &nb->clients);
	return cc;
}

static void conn_close(struct nb_conn *conn);

void nb_client_cfg_free(struct nb_client_cfg *cc)
{
	struct nb_conn *conn, *tmp;

	llist_for_each_entry_safe(conn, tmp, &cc->nb->conns, list) {
		if (conn->client == cc)
			conn_close(conn);
	}
	llist_del(&cc->list);
	if (cc->ctrs)
		rate_ctr_group_free(cc->ctrs);
	talloc_free(cc);
}

bool nb_client_cfg_customer_allowed(const struct nb_client_cfg *cc, uint32_t customer_id)
{
	unsigned int i;

	if (!cc)
		return false;
	for (i = 0; i < cc->num_customers; i++) {
		if (cc->customers[i] == customer_id)
			return true;
	}
	return false;
}

static bool source_allowed(const struct nb_client_cfg *cc, struct in_addr a)
{
	unsigned int i;

	for (i = 0; i < cc->num_sources; i++) {
		if (cc->sources[i].s_addr == a.s_addr)
			return true;
	}
	return false;
}

void nb_server_recheck_conns(struct nb_server *nb, struct nb_client_cfg *cc)
{
	struct nb_conn *conn, *tmp;

	llist_for_each_entry_safe(conn, tmp, &nb->conns, list) {
		if (conn->client == cc && !source_allowed(cc, conn->in_addr)) {
			LOGP(DNB, LOGL_NOTICE, "%s:%u (%s): source no longer allowed, closing\n", conn->addr,
			     conn->port, cc->name);
			conn_close(conn);
		}
	}
}

/* --- output */

static void conn_out_append(struct nb_conn *conn, const uint8_t *data, size_t len)
{
	size_t pending = conn->out_len - conn->out_ofs;

	if (conn->out_ofs > 0 && conn->out_len + len > conn->out_size) {
		memmove(conn->out, conn->out + conn->out_ofs, pending);
		conn->out_ofs = 0;
		conn->out_len = pending;
	}
	if (conn->out_len + len > conn->out_size) {
		size_t size = conn->out_size ? conn->out_size : 64 * 1024;
		while (size < conn->out_len + len)
			size *= 2;
		conn->out = talloc_realloc_size(conn, conn->out, size);
		OSMO_ASSERT(conn->out);
		conn->out_size = size;
	}
	memcpy(conn->out + conn->out_len, data, len);
	conn->out_len += len;
}

/* Encode and queue one answer; counts it. */
static int conn_send_msg(struct nb_conn *conn, const struct nb_msg *m)
{
	struct nb_server *nb = conn->nb;
	struct msgb *msg = nb_msg_encode(m);
	char buf[256];

	if (!msg) {
		LOGP(DNB, LOGL_ERROR, "%s:%u: cannot encode answer %s\n", conn->addr, conn->port,
		     nb_msg_to_str_buf(buf, sizeof(buf), m));
		return -EINVAL;
	}
	nb_msg_push_ipa(msg);
	conn_out_append(conn, msg->data, msg->len);
	msgb_free(msg);

	switch (NB_MSGT_KIND(m->msg_type)) {
	case NB_KIND_RES:
		conn->tx_ok++;
		server_ctr_inc(nb, NB_CTR_TX_OK);
		if (conn->client)
			client_ctr_inc(conn->client, NB_CLI_CTR_TX_OK);
		break;
	case NB_KIND_ERR:
		conn->tx_err++;
		server_ctr_inc(nb, NB_CTR_TX_ERR);
		if (conn->client) {
			client_ctr_inc(conn->client, NB_CLI_CTR_TX_ERR);
			if (m->cause == NB_CAUSE_NOT_AUTHORISED)
				client_ctr_inc(conn->client, NB_CLI_CTR_NOT_AUTH);
		}
		if (log_check_level(DNB, LOGL_INFO))
			LOGP(DNB, LOGL_INFO, "%s:%u (%s): %s\n", conn->addr, conn->port,
			     conn->client ? conn->client->name : "?", nb_msg_to_str_buf(buf, sizeof(buf), m));
		break;
	default:
		break;
	}
	return 0;
}

/* Write as much as the socket takes. \returns 0, or -EBADF if the connection was closed. */
static int conn_write(struct nb_conn *conn)
{
	struct osmo_fd *ofd = &conn->ipa->ofd;

	while (conn->out_ofs < conn->out_len) {
		ssize_t rc = send(ofd->fd, conn->out + conn->out_ofs, conn->out_len - conn->out_ofs, MSG_NOSIGNAL);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			LOGP(DNB, LOGL_NOTICE, "%s:%u: send failed: %s\n", conn->addr, conn->port, strerror(errno));
			conn_close(conn);
			return -EBADF;
		}
		conn->out_ofs += rc;
	}
	if (conn->out_ofs == conn->out_len) {
		conn->out_ofs = conn->out_len = 0;
		osmo_fd_write_disable(ofd);
	} else {
		osmo_fd_write_enable(ofd);
	}
	/* back-pressure: a client that does not read its answers gets no more requests read */
	if (conn->out_len - conn->out_ofs > NB_OUT_HIGH)
		osmo_fd_read_disable(ofd);
	else if (conn->out_len - conn->out_ofs < NB_OUT_LOW && !conn->wait_job && !conn->closing)
		osmo_fd_read_enable(ofd);
	return 0;
}

/* --- IPA CCM: identity */

static void conn_close(struct nb_conn *conn)
{
	ipa_server_conn_destroy(conn->ipa);
}

static void ident_timeout(void *data)
{
	struct nb_conn *conn = data;

	LOGP(DNB, LOGL_NOTICE, "%s:%u: no identity within %d s, closing\n", conn->addr, conn->port,
	     NB_IDENT_TIMEOUT_S);
	conn_close(conn);
}

/* Find the unit name in an ID_RESP payload (after the message type). The length of each entry
 * counts the tag; libosmocore's parser does not guard against a zero length, so walk it here. */
static int parse_unit_name(const uint8_t *p, size_t len, char *name, size_t name_len)
{
	while (len >= 3) {
		size_t t_len = osmo_load16be(p);
		uint8_t tag = p[2];
		size_t vlen;

		if (t_len < 1 || t_len - 1 > len - 3)
			return -EINVAL;
		vlen = t_len - 1;
		if (tag == IPAC_IDTAG_UNITNAME) {
			const uint8_t *v = p + 3;
			size_t i;
			/* the name usually comes with its terminating NUL */
			while (vlen > 0 && v[vlen - 1] == '\0')
				vlen--;
			if (vlen == 0 || vlen >= name_len)
				return -EINVAL;
			for (i = 0; i < vlen; i++) {
				if (v[i] < 0x21 || v[i] > 0x7e)
					return -EINVAL;
			}
			memcpy(name, v, vlen);
			name[vlen] = '\0';
			return 0;
		}
		p += 3 + t_len - 1;
		len -= 3 + t_len - 1;
	}
	return -ENOENT;
}

/* \returns 0, or -EBADF if the connection is to be closed. */
static int conn_rx_ccm(struct nb_conn *conn, const uint8_t *data, size_t len)
{
	static const uint8_t pong[] = { 0, 1, IPAC_PROTO_IPACCESS, IPAC_MSGT_PONG };
	static const uint8_t id_ack[] = { 0, 1, IPAC_PROTO_IPACCESS, IPAC_MSGT_ID_ACK };
	struct nb_server *nb = conn->nb;
	struct nb_client_cfg *cc;
	char name[64];

	if (len < 1)
		return 0;
	switch (data[0]) {
	case IPAC_MSGT_PING:
		conn_out_append(conn, pong, sizeof(pong));
		return 0;
	case IPAC_MSGT_ID_RESP:
		if (conn->client)
			return 0;	/* identified already; a repeated identity changes nothing */
		if (parse_unit_name(data + 1, len - 1, name, sizeof(name)) < 0) {
			LOGP(DNB, LOGL_NOTICE, "%s:%u: refused: ID_RESP without a valid unit name\n", conn->addr,
			     conn->port);
			server_ctr_inc(nb, NB_CTR_REFUSED_NAME);
			return -EBADF;
		}
		cc = nb_client_cfg_find(nb, name);
		if (!cc) {
			LOGP(DNB, LOGL_NOTICE, "%s:%u: refused: unknown unit name '%s'\n", conn->addr, conn->port,
			     name);
			server_ctr_inc(nb, NB_CTR_REFUSED_NAME);
			return -EBADF;
		}
		if (!source_allowed(cc, conn->in_addr)) {
			LOGP(DNB, LOGL_NOTICE, "%s:%u: refused: client '%s' may not connect from %s\n", conn->addr,
			     conn->port, name, conn->addr);
			server_ctr_inc(nb, NB_CTR_REFUSED_ADDR);
			client_ctr_inc(cc, NB_CLI_CTR_REFUSED);
			return -EBADF;
		}
		conn->client = cc;
		osmo_timer_del(&conn->ident_timer);
		client_ctr_inc(cc, NB_CLI_CTR_CONNECT);
		LOGP(DNB, LOGL_NOTICE, "%s:%u: client '%s' identified\n", conn->addr, conn->port, name);
		conn_out_append(conn, id_ack, sizeof(id_ack));
		return 0;
	default:
		/* PONG, ID_ACK: nothing to do */
		return 0;
	}
}

/* --- batches */

static int emit_item(const struct nb_msg *m, void *data)
{
	return conn_send_msg(data, m) < 0 ? 1 : 0;
}

/* A free job for \a conn (main thread), or NULL: then reading waits (back-pressure). */
static struct nb_job *job_get(struct nb_conn *conn)
{
	struct nb_server *nb = conn->nb;
	struct nb_job *job;

	if (conn->n_jobs >= NB_JOBS_PER_CONN)
		return NULL;
	if (!llist_empty(&nb->free_jobs)) {
		job = llist_first_entry(&nb->free_jobs, struct nb_job, entry);
		llist_del(&job->entry);
	} else if (nb->jobs_alloc < NB_JOBS_MAX) {
		job = talloc_zero(nb, struct nb_job);
		if (!job)
			return NULL;
		job->nb = nb;
		nb->jobs_alloc++;
	} else {
		return NULL;
	}
	if (job->cap < nb->batch_max) {
		talloc_free(job->ops);
		job->ops = talloc_array(job, struct nb_op, nb->batch_max);
		job->cap = job->ops ? nb->batch_max : 0;
		if (!job->ops) {
			llist_add(&job->entry, &nb->free_jobs);
			return NULL;
		}
	}
	job->conn = conn;
	job->n = job->pos = job->seg_end = 0;
	job->in_writer = false;
	if (conn->client)
		job->client = *conn->client;
	else
		memset(&job->client, 0, sizeof(job->client));
	job->plan = nb->plan ? *nb->plan : np700_numplan_default;
	job->now = time(NULL);
	return job;
}

/* Back to the free list; connections that waited for a job may read again. */
static void job_put(struct nb_job *job)
{
	struct nb_server *nb = job->nb;
	struct nb_conn *conn;

	if (job->conn) {
		llist_del(&job->entry);
		job->conn->n_jobs--;
		job->conn = NULL;
	}
	llist_add(&job->entry, &nb->free_jobs);
	llist_for_each_entry(conn, &nb->conns, list) {
		if (conn->wait_job) {
			conn->wait_job = false;
			if (!conn->closing)
				osmo_fd_read_enable(&conn->ipa->ofd);
		}
	}
}

/* Writer thread: prepare and write ops[pos..seg_end) inside the group's txn. Each request is
 * atomic on its own (a nested txn); reading through \a txn, a request sees the ones before it. */
static void job_run(struct np700_store_wjob *wjob, struct np700_store_txn *txn)
{
	struct nb_job *job = container_of(wjob, struct nb_job, wjob);
	struct nb_ops_ctx ctx = {
		.store = job->nb->store,
		.plan = &job->plan,
		.client = &job->client,
		.now = job->now,
		.txn = txn,
	};
	unsigned int k;

	for (k = job->pos; k < job->seg_end; k++) {
		nb_op_prepare(&ctx, &job->ops[k]);
		nb_op_write(&ctx, txn, &job->ops[k]);
	}
}

static void conn_kick(struct nb_conn *conn);

/* Main thread, after the commit of ops[pos..seg_end): the answers go out now, never before. */
static void job_done(struct np700_store_wjob *wjob, int rc)
{
	struct nb_job *job = container_of(wjob, struct nb_job, wjob);
	struct nb_server *nb = job->nb;
	struct nb_conn *conn = job->conn;
	unsigned int k;

	job->in_writer = false;
	if (rc < 0)
		server_ctr_inc(nb, NB_CTR_COMMIT_FAIL);
	else
		server_ctr_inc(nb, NB_CTR_BATCH);
	for (k = job->pos; k < job->seg_end; k++) {
		struct nb_op *op = &job->ops[k];

		if (rc < 0 && !wjob->ran && !op->done)
			nb_msg_set_error(&op->ans, op->req.msg_type, op->req.tid, nb_cause_from_errno(rc), 0,
					 "no store transaction");
		else if (rc < 0)
			nb_op_commit_failed(op, rc);
		op->done = true;
		/* what the writer thread could not do itself: the fraud state is the main thread's */
		if (op->ans.msg_type == NB_MSGT_DELETE_RES && nb->store)
			np700_store_binding_deleted(nb->store, op->ans.b.id);
	}
	if (!conn) {
		/* the connection went while the batch committed: nobody to answer */
		job_put(job);
		return;
	}
	if (rc < 0)
		LOGP(DNB, LOGL_ERROR, "%s:%u: store commit of %u requests failed: %s\n", conn->addr, conn->port,
		     job->seg_end - job->pos, wjob->err);
	for (k = job->pos; k < job->seg_end; k++) {
		const struct nb_msg *ans = &job->ops[k].ans;
		/* nb_ops.c does not log in the writer thread: store errors are logged here */
		if (NB_MSGT_KIND(ans->msg_type) == NB_KIND_ERR && rc == 0 &&
		    (ans->cause == NB_CAUSE_STORE_ERROR || ans->cause == NB_CAUSE_STORE_FULL))
			LOGP(DNB, LOGL_ERROR, "%s tid=%u: store error (%s)\n",
			     nb_msg_type_name(job->ops[k].req.msg_type), ans->tid,
			     nb_msg_has(ans, NB_IEI_TEXT) ? ans->text : "");
		conn_send_msg(conn, ans);
	}
	job->pos = job->seg_end;
	conn_kick(conn);
	/* may close the connection: the last thing done with it */
	if (conn->closing && llist_empty(&conn->jobs)) {
		if (conn_write(conn) == 0)
			conn_close(conn);
	} else {
		conn_write(conn);
	}
}

/* Run the read requests at ops[pos] (main thread; everything before them is answered). */
static void job_run_reads(struct nb_job *job)
{
	struct nb_conn *conn = job->conn;
	struct nb_server *nb = conn->nb;
	struct nb_ops_ctx ctx = {
		.store = nb->store,
		.plan = nb->plan,
		.client = conn->client,
		.now = job->now,
	};

	while (job->pos < job->n && job->ops[job->pos].read) {
		struct nb_op *op = &job->ops[job->pos++];
		/* lists can be long: a client that piles them up without reading gets refused
		 * rather than growing our memory without bound */
		if (conn->out_len - conn->out_ofs > NB_OUT_HIGH && !op->done) {
			nb_msg_set_error(&op->ans, op->req.msg_type, op->req.tid, NB_CAUSE_BUSY, 0,
					 "too many answers not yet read");
			op->done = true;
		}
		nb_op_prepare(&ctx, op);
		nb_op_read(&ctx, op, emit_item, conn);
		conn_send_msg(conn, &op->ans);
	}
}

/* Hand ops[pos..) up to the next read request to the writer. */
static void job_submit(struct nb_job *job)
{
	unsigned int k;

	for (k = job->pos; k < job->n && !job->ops[k].read; k++)
		;
	job->seg_end = k;
	job->in_writer = true;
	job->wjob.run = job_run;
	job->wjob.done = job_done;
	np700_store_writer_submit(job->nb->writer, &job->wjob);
}

/* Move the connection's jobs on as far as the order of its requests allows: the first job runs
 * its reads and submits its writes; a later job may submit its writes behind it as long as
 * every earlier job has nothing but writes left, all of them with the writer already. */
static void conn_kick(struct nb_conn *conn)
{
	struct nb_job *job, *tmp;
	bool first = true;

	llist_for_each_entry_safe(job, tmp, &conn->jobs, entry) {
		if (job->in_writer) {
			if (job->seg_end < job->n)
				return;		/* a read waits behind this segment */
			first = false;
			continue;
		}
		if (first)
			job_run_reads(job);
		else if (job->pos < job->n && job->ops[job->pos].read)
			return;
		if (job->pos == job->n) {
			job_put(job);	/* all answered */
			continue;
		}
		job_submit(job);
		if (job->seg_end < job->n)
			return;
		first = false;
	}
}
/* Drain every complete message the socket holds (up to NB_BATCH_MAX), run them as one batch.
 * \returns 0, or -EBADF if the connection was closed. */
static int conn_read(struct nb_conn *conn)
{
	struct nb_server *nb = conn->nb;
	struct ipa_server_conn *ipa = conn->ipa;
	struct nb_op *ops = NULL;
	struct nb_job *job = NULL;
	unsigned int n = 0, i;
	bool close_after = false;

	if (conn->closing) {
		osmo_fd_read_disable(&ipa->ofd);
		return 0;
	}
	if (nb->writer) {
		job = job_get(conn);
		if (!job) {
			/* back-pressure: every batch slot is taken; job_put() reads on */
			conn->wait_job = true;
			osmo_fd_read_disable(&ipa->ofd);
			return 0;
		}
		ops = job->ops;
	} else {
		ops = talloc_array(conn, struct nb_op, nb->batch_max);
		OSMO_ASSERT(ops);
	}
	/* a batch is one store transaction and one slot of the writer's queue: keep it bounded */
	while (n < nb->batch_max) {
		struct msgb *msg = NULL;
		struct ipaccess_head *hh;
		struct nb_msg m;
		uint8_t field;
		int rc, cause;

		/* frees the partial message itself on error; returns -EAGAIN until a frame is complete */
		rc = ipa_msg_recv_buffered(ipa->ofd.fd, &msg, &ipa->pending_msg);
		if (rc == -EAGAIN)
			break;
		if (rc <= 0) {
			if (rc == -EIO) {
				LOGP(DNB, LOGL_NOTICE, "%s:%u: IPA framing error, closing\n", conn->addr, conn->port);
				server_ctr_inc(nb, NB_CTR_FRAMING_ERR);
			} else {
				LOGP(DNB, LOGL_INFO, "%s:%u: connection closed (%d)\n", conn->addr, conn->port, rc);
			}
			close_after = true;
			break;
		}
		hh = (struct ipaccess_head *)msg->data;
		if (hh->proto == IPAC_PROTO_IPACCESS) {
			rc = conn_rx_ccm(conn, msgb_l2(msg), msgb_l2len(msg));
			msgb_free(msg);
			if (rc < 0) {
				close_after = true;
				break;
			}
			continue;
		}
		if (hh->proto != IPAC_PROTO_OSMO || msgb_l2len(msg) < 1 || msg->l2h[0] != NB_IPA_EXT_NP700) {
			LOGP(DNB, LOGL_NOTICE, "%s:%u: ignoring IPA protocol 0x%02x/0x%02x\n", conn->addr, conn->port,
			     hh->proto, msgb_l2len(msg) ? msg->l2h[0] : 0);
			msgb_free(msg);
			continue;
		}
		if (!conn->client) {
			LOGP(DNB, LOGL_NOTICE, "%s:%u: request before identity, closing\n", conn->addr, conn->port);
			msgb_free(msg);
			close_after = true;
			break;
		}
		server_ctr_inc(nb, NB_CTR_RX_MSG);
		client_ctr_inc(conn->client, NB_CLI_CTR_RX_REQ);
		conn->rx_req++;
		cause = nb_msg_decode(&m, msg->l2h + 1, msgb_l2len(msg) - 1, &field);
		msgb_free(msg);
		/* an answer type, even a well-formed one, is no request */
		if (NB_MSGT_KIND(m.msg_type) != NB_KIND_REQ || !nb_tlv_prot.msg_def[m.msg_type].name) {
			cause = cause == NB_CAUSE_MALFORMED ? cause : NB_CAUSE_UNKNOWN_MSG_TYPE;
			field = 0;
		}
		if (cause)
			server_ctr_inc(nb, NB_CTR_RX_MALFORMED);
		else if (NB_MSGT_KIND(m.msg_type) == NB_KIND_REQ && !nb->store)
			cause = NB_CAUSE_BUSY;
		nb_op_init(&ops[n], &m, cause, field);
		n++;
	}
	/* what arrived before a close or a framing error is still executed and answered */
	if (job && n > 0) {
		job->n = n;
		llist_add_tail(&job->entry, &conn->jobs);
		conn->n_jobs++;
		conn_kick(conn);
	} else if (job) {
		job->conn = NULL;
		job_put(job);
	} else {
		/* stopped: nothing executes */
		for (i = 0; i < n; i++)
			conn_send_msg(conn, &ops[i].ans);
		talloc_free(ops);
	}
	if (close_after && !llist_empty(&conn->jobs)) {
		/* the answers still to come are sent, then the connection goes (see job_done()) */
		conn->closing = true;
		osmo_fd_read_disable(&ipa->ofd);
		return conn_write(conn) < 0 ? -EBADF : 0;
	}
	if (close_after) {
		/* answers go out as far as the socket takes them; then the connection goes */
		if (conn_write(conn) == 0)
			conn_close(conn);
		return -EBADF;
	}
	return conn_write(conn);
}

static int conn_fd_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct ipa_server_conn *ipa = ofd->data;
	struct nb_conn *conn = ipa->data;

	if ((what & OSMO_FD_READ) && conn_read(conn) < 0)
		return 0;
	if (what & OSMO_FD_WRITE)
		conn_write(conn);
	return 0;
}

/* Required by ipa_server_conn_create(); never called, as conn_fd_cb() reads the socket. */
static int conn_unused_cb(struct ipa_server_conn *ipa, struct msgb *msg)
{
	msgb_free(msg);
	return 0;
}

static int conn_closed_cb(struct ipa_server_conn *ipa)
{
	struct nb_conn *conn = ipa->data;

	LOGP(DNB, LOGL_INFO, "%s:%u (%s): connection closed\n", conn->addr, conn->port,
	     conn->client ? conn->client->name : "?");
	osmo_timer_del(&conn->ident_timer);
	llist_del(&conn->list);
	/* jobs with the writer finish there and are dropped in job_done(); the others now */
	while (!llist_empty(&conn->jobs)) {
		struct nb_job *job = llist_first_entry(&conn->jobs, struct nb_job, entry);
		llist_del(&job->entry);
		INIT_LLIST_HEAD(&job->entry);
		job->conn = NULL;
		if (!job->in_writer)
			job_put(job);
	}
	conn->n_jobs = 0;
	/* conn is a talloc child of ipa, freed with it */
	return 0;
}

static int accept_cb(struct ipa_server_link *link, int fd)
{
	/* ID_GET asking for the unit name (and the unit id, for clients built on libosmo-abis) */
	static const uint8_t id_get[] = { 0, 5, IPAC_PROTO_IPACCESS, IPAC_MSGT_ID_GET,
					  0x01, IPAC_IDTAG_UNITNAME, 0x01, IPAC_IDTAG_UNIT };
	struct nb_server *nb = link->data;
	struct ipa_server_conn *ipa;
	struct nb_conn *conn;
	struct sockaddr_in sa;
	socklen_t sa_len = sizeof(sa);
	int one = 1, flags;

	server_ctr_inc(nb, NB_CTR_ACCEPT);
	if (llist_count(&nb->conns) >= NB_MAX_CONNS) {
		LOGP(DNB, LOGL_ERROR, "%u connections open already: refusing another one\n", NB_MAX_CONNS);
		return -EMFILE;
	}
	if (getpeername(fd, (struct sockaddr *)&sa, &sa_len) < 0 || sa.sin_family != AF_INET)
		return -EINVAL;
	/* never block the event loop on one client */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	ipa = ipa_server_conn_create(nb, link, fd, conn_unused_cb, conn_closed_cb, NULL);
	if (!ipa)
		return -ENOMEM;
	conn = talloc_zero(ipa, struct nb_conn);
	ipa->data = conn;
	ipa->ofd.cb = conn_fd_cb;
	conn->ipa = ipa;
	conn->nb = nb;
	INIT_LLIST_HEAD(&conn->jobs);
	conn->in_addr = sa.sin_addr;
	conn->port = ntohs(sa.sin_port);
	inet_ntop(AF_INET, &sa.sin_addr, conn->addr, sizeof(conn->addr));
	llist_add_tail(&conn->list, &nb->conns);
	osmo_timer_setup(&conn->ident_timer, ident_timeout, conn);
	osmo_timer_schedule(&conn->ident_timer, NB_IDENT_TIMEOUT_S, 0);
	LOGP(DNB, LOGL_INFO, "%s:%u: connection accepted\n", conn->addr, conn->port);

	conn_out_append(conn, id_get, sizeof(id_get));
	conn_write(conn);
	/* from here on the connection is ours to close: never return an error */
	return 0;
}

static int listen_open(struct nb_server *nb)
{
	int rc;

	nb->link = ipa_server_link_create(nb, NULL, nb->bind_addr, nb->port, accept_cb, nb);
	if (!nb->link)
		return -ENOMEM;
	rc = ipa_server_link_open(nb->link);
	if (rc < 0) {
		LOGP(DNB, LOGL_FATAL, "cannot listen on %s:%u: %s\n", nb->bind_addr, nb->port, strerror(-rc));
		ipa_server_link_destroy(nb->link);
		nb->link = NULL;
		return rc;
	}
	if (!np700_addr_is_loopback(nb->bind_addr))
		LOGP(DNB, LOGL_NOTICE, "provisioning listens on %s:%u, not a loopback address: make sure only "
		     "the platforms' hosts can reach it\n", nb->bind_addr, nb->port);
	LOGP(DNB, LOGL_NOTICE, "provisioning server on %s:%u\n", nb->bind_addr, nb->port);
	return 0;
}

static void listen_close(struct nb_server *nb)
{
	if (!nb->link)
		return;
	ipa_server_link_close(nb->link);
	ipa_server_link_destroy(nb->link);
	nb->link = NULL;
}

int nb_server_start(struct nb_server *nb, struct np700_store *store, const struct np700_numplan *plan)
{
	int rc;

	if (!nb->writer) {
		rc = np700_store_writer_start(nb, store, &nb->writer);
		if (rc < 0)
			return rc;
	}
	nb->store = store;
	nb->plan = plan;
	return listen_open(nb);
}

int nb_server_rebind(struct nb_server *nb)
{
	if (!nb->link)
		return 0;
	listen_close(nb);
	return listen_open(nb);
}

void nb_server_stop(struct nb_server *nb)
{
	struct nb_conn *conn, *tmp;

	llist_for_each_entry_safe(conn, tmp, &nb->conns, list)
		conn_close(conn);
	/* the batches still queued are committed (their connections are gone) */
	np700_store_writer_stop(nb->writer);
	nb->writer = NULL;
	listen_close(nb);
	nb->store = NULL;
}

void nb_server_vty_show_clients(struct vty *vty, struct nb_server *nb)
{
	struct nb_client_cfg *cc;
	struct nb_conn *conn;
	unsigned int n = 0;

	vty_out(vty, "Provisioning server %s:%u, %s", nb->bind_addr, nb->port,
		nb->link ? "listening" : "not listening");
	if (nb->writer) {
		struct np700_store_writer_stats ws;
		np700_store_writer_get_stats(nb->writer, &ws);
		vty_out(vty, "; store writer: %" PRIu64 " txns (%" PRIu64 " failed), %" PRIu64 " batches, busy %" PRIu64
			" ms", ws.commits, ws.commit_fail, ws.jobs, ws.busy_us / 1000);
	}
	vty_out(vty, "%s", VTY_NEWLINE);
	llist_for_each_entry(cc, &nb->clients, list) {
		const struct rate_ctr *c = cc->ctrs ? cc->ctrs->ctr : NULL;
		vty_out(vty, " client %s: %u source(s), %u customer(s)%s", cc->name, cc->num_sources,
			cc->num_customers, VTY_NEWLINE);
		if (c)
			vty_out(vty, "  identified %" PRIu64 ", refused %" PRIu64 ", requests %" PRIu64 ", results %"
				PRIu64 ", errors %" PRIu64 ", not authorised %" PRIu64 "%s",
				c[NB_CLI_CTR_CONNECT].current, c[NB_CLI_CTR_REFUSED].current,
				c[NB_CLI_CTR_RX_REQ].current, c[NB_CLI_CTR_TX_OK].current,
				c[NB_CLI_CTR_TX_ERR].current, c[NB_CLI_CTR_NOT_AUTH].current, VTY_NEWLINE);
	}
	vty_out(vty, "Connections:%s", VTY_NEWLINE);
	llist_for_each_entry(conn, &nb->conns, list) {
		vty_out(vty, " %s:%u %s: requests %" PRIu64 ", results %" PRIu64 ", errors %" PRIu64
			", %zu bytes unsent%s", conn->addr, conn->port,
			conn->client ? conn->client->name : "(not identified)", conn->rx_req, conn->tx_ok,
			conn->tx_err, conn->out_len - conn->out_ofs, VTY_NEWLINE);
		n++;
	}
	if (!n)
		vty_out(vty, " (none)%s", VTY_NEWLINE);
}
