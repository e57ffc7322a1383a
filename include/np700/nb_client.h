/*! \file nb_client.h
 *  A small blocking client of the provisioning protocol (doc/provisioning.md), for np700-ctl,
 *  the tests and platform scripts. One connection, many requests in flight: nb_client_send()
 *  queues requests, nb_client_flush() writes them, nb_client_recv() returns answers in the
 *  order the server sends them (each names its request by the TID). Not thread-safe. */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <np700/nb_proto.h>

struct nb_client;

/*! Connect to \a host:\a port and identify as \a unit_name (IPA CCM ID_RESP); waits for the
 *  server's ID_ACK. \a timeout_ms bounds the whole exchange.
 *  \returns a client (talloc child of \a ctx, free with nb_client_close()), or NULL with a
 *  reason in \a errbuf (refused: the server closed the connection after the identity). */
struct nb_client *nb_client_connect(void *ctx, const char *host, uint16_t port, const char *unit_name,
				    int timeout_ms, char *errbuf, size_t errlen);
/*! Close the connection and free \a c. */
void nb_client_close(struct nb_client *c);

/*! Give \a m the next transaction id, encode it and append it to the output buffer (written by
 *  nb_client_flush(), or here when the buffer is full).
 *  \returns the TID (>= 1), or a negative errno (-EINVAL: \a m cannot be encoded, -EPIPE). */
int64_t nb_client_send(struct nb_client *c, struct nb_msg *m);
/*! Write everything queued. \returns 0 or a negative errno. */
int nb_client_flush(struct nb_client *c);
/*! Wait up to \a timeout_ms (-1: forever) for the next answer and decode it into \a m.
 *  Answers IPA PINGs by the way. Queued requests are flushed before it waits for input.
 *  \returns 1 with an answer, 0 on timeout, -EPIPE when the server closed the connection,
 *  -EBADMSG when the server sent something undecodable (the connection is then unusable). */
int nb_client_recv(struct nb_client *c, struct nb_msg *m, int timeout_ms);

/*! Called for each item of a list answer. A non-zero return is passed on by nb_client_call(). */
typedef int (*nb_client_item_cb)(const struct nb_msg *item, void *data);
/*! Send \a req and wait for its final answer (result or error) into \a ans; items of a list
 *  answer go to \a cb. Answers to other requests in flight are dropped, so use it on a
 *  connection without pipelined requests.
 *  \returns 0 (see ans->msg_type), or a negative errno as nb_client_recv() / nb_client_send(). */
int nb_client_call(struct nb_client *c, struct nb_msg *req, struct nb_msg *ans, nb_client_item_cb cb, void *data);

/*! The socket, e.g. for poll(). */
int nb_client_fd(const struct nb_client *c);
