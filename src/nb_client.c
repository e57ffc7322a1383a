/* Blocking client of the provisioning protocol: connect, IPA identity, pipelined requests */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/utils.h>
#include <osmocom/gsm/ipa.h>
#include <osmocom/gsm/protocol/ipaccess.h>

#include <np700/nb_client.h>
#include <np700/nb_proto.h>

#define NB_CLIENT_BUF	(256 * 1024)

struct nb_client {
	int fd;
	uint32_t next_tid;
	bool identified;
	const char *unit_name;
	/* output: encoded frames not yet written */
	uint8_t *out;
	size_t out_len;
	/* input: bytes read, not yet parsed; [in_ofs, in_len) is pending */
	uint8_t *in;
	size_t in_ofs, in_len;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t rc = send(fd, buf, len, MSG_NOSIGNAL);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += rc;
		len -= rc;
	}
	return 0;
}

int nb_client_flush(struct nb_client *c)
{
	int rc;

	if (!c->out_len)
		return 0;
	rc = write_all(c->fd, c->out, c->out_len);
	c->out_len = 0;
	return rc < 0 ? -EPIPE : 0;
}

static int queue_frame(struct nb_client *c, const uint8_t *data, size_t len)
{
	int rc;

	if (c->out_len + len > NB_CLIENT_BUF) {
		rc = nb_client_flush(c);
		if (rc < 0)
			return rc;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	return 0;
}

static int queue_msgb(struct nb_client *c, struct msgb *msg)
{
	int rc = queue_frame(c, msg->data, msg->len);
	msgb_free(msg);
	return rc;
}

int64_t nb_client_send(struct nb_client *c, struct nb_msg *m)
{
	struct msgb *msg;
	int rc;

	if (c->next_tid == 0)
		c->next_tid = 1;	/* 0 is left for "no TID" in logs */
	m->tid = c->next_tid;
	m->present |= NB_IE_BIT(NB_IEI_TID);
	msg = nb_msg_encode(m);
	if (!msg)
		return -EINVAL;
	nb_msg_push_ipa(msg);
	rc = queue_msgb(c, msg);
	if (rc < 0)
		return rc;
	return c->next_tid++;
}

/* Handle an IPA CCM message from the server. \returns 0, or a negative errno. */
static int handle_ccm(struct nb_client *c, const uint8_t *data, size_t len)
{
	static const uint8_t pong[] = { 0, 1, IPAC_PROTO_IPACCESS, IPAC_MSGT_PONG };
	struct ipaccess_unit unit = { .unit_name = (char *)c->unit_name };
	struct msgb *msg;

	if (len < 1)
		return -EBADMSG;
	switch (data[0]) {
	case IPAC_MSGT_PING:
		return queue_frame(c, pong, sizeof(pong));
	case IPAC_MSGT_PONG:
		return 0;
	case IPAC_MSGT_ID_GET:
		msg = ipa_ccm_make_id_resp_from_req(&unit, data + 1, len - 1);
		/* comes with its IPA header */
		if (!msg)
			return -ENOMEM;
		return queue_msgb(c, msg);
	case IPAC_MSGT_ID_ACK:
		c->identified = true;
		return 0;
	default:
		return 0;
	}
}

/* Take the next complete frame from the input buffer, reading from the socket as needed.
 * \returns 1 and the frame's protocol and payload, 0 on timeout, negative errno. */
static int next_frame(struct nb_client *c, uint8_t *proto, const uint8_t **payload, size_t *plen,
		      int64_t deadline)
{
	while (1) {
		size_t avail = c->in_len - c->in_ofs;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t rc;
		int timeout;

		if (avail >= 3) {
			size_t flen = osmo_load16be(c->in + c->in_ofs);
			if (flen + 3 > NB_CLIENT_BUF)
				return -EBADMSG;
			if (avail >= flen + 3) {
				*proto = c->in[c->in_ofs + 2];
				*payload = c->in + c->in_ofs + 3;
				*plen = flen;
				c->in_ofs += flen + 3;
				return 1;
			}
		}
		/* need more: whatever is queued goes out first, or the server may wait for it */
		rc = nb_client_flush(c);
		if (rc < 0)
			return rc;
		/* compact, then read */
		if (c->in_ofs > 0) {
			memmove(c->in, c->in + c->in_ofs, avail);
			c->in_len = avail;
			c->in_ofs = 0;
		}
		timeout = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return 0;
			timeout = left;
		}
		rc = poll(&pfd, 1, timeout);
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc <= 0)
			continue;
		rc = read(c->fd, c->in + c->in_len, NB_CLIENT_BUF - c->in_len);
		if (rc < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -EPIPE;
		}
		if (rc == 0)
			return -EPIPE;
		c->in_len += rc;
	}
}

int nb_client_recv(struct nb_client *c, struct nb_msg *m, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	const uint8_t *payload;
	uint8_t proto, field;
	size_t plen;
	int rc;

	while (1) {
		rc = next_frame(c, &proto, &payload, &plen, deadline);
		if (rc <= 0)
			return rc;
		if (proto == IPAC_PROTO_IPACCESS) {
			rc = handle_ccm(c, payload, plen);
			if (rc < 0)
				return rc;
			continue;
		}
		if (proto != IPAC_PROTO_OSMO || plen < 1 || payload[0] != NB_IPA_EXT_NP700)
			return -EBADMSG;
		rc = nb_msg_decode(m, payload + 1, plen - 1, &field);
		if (rc != 0)
			return -EBADMSG;
		return 1;
	}
}

int nb_client_call(struct nb_client *c, struct nb_msg *req, struct nb_msg *ans, nb_client_item_cb cb, void *data)
{
	int64_t tid = nb_client_send(c, req);
	int rc, cb_rc = 0;

	if (tid < 0)
		return tid;
	while (1) {
		rc = nb_client_recv(c, ans, -1);
		if (rc < 0)
			return rc;
		if (ans->tid != (uint32_t)tid && ans->msg_type != NB_MSGT_ERROR)
			continue;
		if (NB_MSGT_KIND(ans->msg_type) == NB_KIND_ITEM) {
			if (cb && !cb_rc)
				cb_rc = cb(ans, data);
			continue;
		}
		return cb_rc;
	}
}

/* Connect with a deadline: non-blocking connect, then back to blocking. */
static int connect_to(const char *host, uint16_t port, int timeout_ms, char *errbuf, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	char portstr[8];
	int fd = -1, rc, one = 1;

	snprintf(portstr, sizeof(portstr), "%u", port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc) {
		snprintf(errbuf, errlen, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd pfd;
		int err = 0;
		socklen_t elen = sizeof(err);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc < 0 && errno == EINPROGRESS) {
			pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
			rc = poll(&pfd, 1, timeout_ms);
			if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0)
				rc = 0;
			else {
				errno = rc == 0 ? ETIMEDOUT : (err ? err : errno);
				rc = -1;
			}
		}
		if (rc == 0)
			break;
		snprintf(errbuf, errlen, "connect to %s:%u: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	/* blocking from now on; small frames must leave at once */
	rc = fcntl(fd, F_GETFL);
	if (rc >= 0)
		rc = fcntl(fd, F_SETFL, rc & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return rc < 0 ? (close(fd), -1) : fd;
}

struct nb_client *nb_client_connect(void *ctx, const char *host, uint16_t port, const char *unit_name,
				    int timeout_ms, char *errbuf, size_t errlen)
{
	struct nb_client *c;
	int64_t deadline = now_ms() + timeout_ms;
	const uint8_t *payload;
	uint8_t proto;
	size_t plen;
	int rc;

	c = talloc_zero(ctx, struct nb_client);
	c->out = talloc_size(c, NB_CLIENT_BUF);
	c->in = talloc_size(c, NB_CLIENT_BUF);
	c->unit_name = talloc_strdup(c, unit_name);
	c->next_tid = 1;
	c->fd = connect_to(host, port, timeout_ms, errbuf, errlen);
	if (c->fd < 0) {
		talloc_free(c);
		return NULL;
	}
	/* the server asks for our identity and acknowledges it, or closes the connection */
	while (!c->identified) {
		rc = next_frame(c, &proto, &payload, &plen, deadline);
		if (rc == 0) {
			snprintf(errbuf, errlen, "%s:%u: no identity exchange within %d ms", host, port, timeout_ms);
			goto fail;
		}
		if (rc < 0) {
			snprintf(errbuf, errlen, "%s:%u: connection refused after identity '%s' "
				 "(unknown unit name or source address?)", host, port, unit_name);
			goto fail;
		}
		if (proto != IPAC_PROTO_IPACCESS) {
			snprintf(errbuf, errlen, "%s:%u: unexpected IPA protocol 0x%02x before identity ack",
				 host, port, proto);
			goto fail;
		}
		if (handle_ccm(c, payload, plen) < 0 || nb_client_flush(c) < 0) {
			snprintf(errbuf, errlen, "%s:%u: identity exchange failed", host, port);
			goto fail;
		}
	}
	return c;
fail:
	nb_client_close(c);
	return NULL;
}

void nb_client_close(struct nb_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	talloc_free(c);
}

int nb_client_fd(const struct nb_client *c)
{
	return c->fd;
}
