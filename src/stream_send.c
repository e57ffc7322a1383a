/* The daemon's osmo_stream_cli_send(): an M3UA message goes out on its SCTP association at
 * once when nothing is queued before it, instead of on the next wake-up.
 *
 * libosmo-netif 1.2 queues every message and writes it when poll() next reports the socket
 * writable, one message per wake-up, and disables the write flag only on a further wake-up
 * that finds the queue empty: a relayed message costs np700 up to two more poll() returns
 * (issue 5: 1.6 wake-ups per relayed message against osmo-stp's 0.5). Here, when the client's
 * write flag is off (its queue is empty: libosmo-netif sets the flag with every message it
 * queues and clears it only on finding the queue empty) and the association is SCTP, the
 * message is sent non-blocking with its PPID and stream, as libosmo-netif would send it. If the
 * kernel does not take it whole (a full send buffer, a broken association), it goes to
 * libosmo-netif's queue instead, which then sends it (or handles the error) as before; a later
 * message queues behind it, so the order holds. Linked into the np700 executable only, like
 * clock_poll.c; libosmo-sigtran calls it through its PLT. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/sctp.h>
#include <sys/socket.h>

#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/netif/stream.h>

enum {
	TX_DIRECT,
	TX_QUEUED,
	TX_FULL,
};

static const struct rate_ctr_desc tx_ctr_desc[] = {
	[TX_DIRECT] = { "tx:direct", "SCTP messages written as they were handed over" },
	[TX_QUEUED] = { "tx:queued", "Messages left to libosmo-netif's queue (not SCTP, or queued behind others)" },
	[TX_FULL] = { "tx:full", "SCTP messages queued as the socket did not take them at once" },
};

static const struct rate_ctr_group_desc tx_ctrg_desc = {
	.group_name_prefix = "np700:stream",
	.group_description = "Messages to the M3UA associations",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(tx_ctr_desc),
	.ctr_desc = tx_ctr_desc,
};

static struct rate_ctr_group *ctrg;

static void ctr_inc(int i)
{
	if (!ctrg)
		ctrg = rate_ctr_group_alloc(NULL, &tx_ctrg_desc, 0);
	if (ctrg)
		rate_ctr_inc2(ctrg, i);
}

/* A client's protocol is set once; its socket changes on each reconnect. The last clients seen,
 * with the socket their protocol was read from. */
static struct {
	const struct osmo_stream_cli *cli;
	int fd;
	bool sctp;
} seen[8];

static bool is_sctp(const struct osmo_stream_cli *cli, int fd)
{
	static unsigned int next;
	int proto = 0;
	socklen_t len = sizeof(proto);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seen); i++) {
		if (seen[i].cli == cli && seen[i].fd == fd)
			return seen[i].sctp;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0)
		return false;
	i = next++ % ARRAY_SIZE(seen);
	seen[i].cli = cli;
	seen[i].fd = fd;
	seen[i].sctp = proto == IPPROTO_SCTP;
	return seen[i].sctp;
}

/* what libosmo-netif's sctp_send() does, without waiting: true if the kernel took it whole */
static bool send_now(int fd, struct msgb *msg)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = msgb_data(msg), .iov_len = msgb_length(msg) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct sctp_sndrcvinfo sinfo = {
		.sinfo_ppid = htonl(msgb_sctp_ppid(msg)),
		.sinfo_stream = msgb_sctp_stream(msg),
	};

	memset(&ctl, 0, sizeof(ctl));
	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDRCV;
	c->cmsg_len = CMSG_LEN(sizeof(sinfo));
	memcpy(CMSG_DATA(c), &sinfo, sizeof(sinfo));
	return sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)msgb_length(msg);
}

void osmo_stream_cli_send(struct osmo_stream_cli *cli, struct msgb *msg)
{
	static void (*queue)(struct osmo_stream_cli *cli, struct msgb *msg);
	struct osmo_fd *ofd = osmo_stream_cli_get_ofd(cli);

	if (!queue) {
		queue = (void (*)(struct osmo_stream_cli *, struct msgb *))dlsym(RTLD_NEXT, "osmo_stream_cli_send");
		OSMO_ASSERT(queue);
	}
	if (ofd->fd >= 0 && !(ofd->when & OSMO_FD_WRITE) && osmo_stream_cli_is_connected(cli) &&
	    is_sctp(cli, ofd->fd)) {
		if (send_now(ofd->fd, msg)) {
			ctr_inc(TX_DIRECT);
			msgb_free(msg);
			return;
		}
		ctr_inc(TX_FULL);
	} else {
		ctr_inc(TX_QUEUED);
	}
	queue(cli, msg);
}
