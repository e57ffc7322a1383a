/* Provisioning server against a real store: identity and authorisation, every operation, error
 * causes, pipelined requests in one batch, broken frames, a full store. The server runs in the
 * parent's event loop; a forked child is the client and prints what it sees. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
#include <osmocom/abis/ipa.h>

#include <np700/logging.h>
#include <np700/nb_client.h>
#include <np700/nb_proto.h>
#include <np700/nb_server.h>
#include <np700/store.h>

static void *ctx;
static uint16_t port;
static char buf[1024];

/* --- client side (child) */

static struct nb_client *connect_as(const char *unit)
{
	char err[256];
	struct nb_client *c = nb_client_connect(ctx, "127.0.0.1", port, unit, 5000, err, sizeof(err));

	printf("connect as '%s': %s\n", unit, c ? "identified" : "refused");
	return c;
}

/* Print an answer without what differs from run to run (creation times). */
static void print_ans(const char *what, struct nb_msg *m)
{
	m->present &= ~NB_IE_BIT(NB_IEI_CREATED);
	printf("%s -> %s\n", what, nb_msg_to_str_buf(buf, sizeof(buf), m));
}

static int print_item(const struct nb_msg *item, void *data)
{
	struct nb_msg m = *item;
	print_ans("  item", &m);
	return 0;
}

static void call(struct nb_client *c, const char *what, struct nb_msg *req)
{
	struct nb_msg ans;
	int rc = nb_client_call(c, req, &ans, print_item, NULL);

	if (rc < 0)
		printf("%s -> no answer (%d)\n", what, rc);
	else
		print_ans(what, &ans);
}

static void req_create(struct nb_msg *m, uint32_t cust, enum np700_mode mode, const char *x, const char *y,
		       const char *a, const char *b, int64_t expires)
{
	nb_msg_init(m, NB_MSGT_CREATE_REQ, 0);
	m->b.customer_id = cust;
	m->b.mode = mode;
	OSMO_STRLCPY_ARRAY(m->b.x, x);
	OSMO_STRLCPY_ARRAY(m->b.a, a);
	m->present |= NB_IE_BIT(NB_IEI_CUSTOMER_ID) | NB_IE_BIT(NB_IEI_MODE) | NB_IE_BIT(NB_IEI_X) |
		      NB_IE_BIT(NB_IEI_A);
	if (y) {
		OSMO_STRLCPY_ARRAY(m->b.y, y);
		m->present |= NB_IE_BIT(NB_IEI_Y);
	}
	if (b) {
		OSMO_STRLCPY_ARRAY(m->b.b, b);
		m->present |= NB_IE_BIT(NB_IEI_B);
	}
	if (expires) {
		m->b.expires = expires;
		m->present |= NB_IE_BIT(NB_IEI_EXPIRES);
	}
}

static void req_id(struct nb_msg *m, uint8_t type, uint64_t id)
{
	nb_msg_init(m, type, 0);
	m->b.id = id;
	m->present |= NB_IE_BIT(NB_IEI_BINDING_ID);
}

#define EXP	4000000000LL	/* far in the future: nothing expires during the test */

static void test_operations(void)
{
	struct nb_client *c;
	struct nb_msg m;

	printf("\n=== identity\n");
	c = connect_as("nobody");
	nb_client_close(c);
	c = connect_as("remote-only");
	nb_client_close(c);
	c = connect_as("demo");
	if (!c)
		exit(1);

	printf("\n=== every operation\n");
	req_create(&m, 1, NP700_MODE_AXB, "700123456780001", NULL, "8613800138000", "8613900139000", EXP);
	OSMO_STRLCPY_ARRAY(m.b.order_id, "o-1");
	m.present |= NB_IE_BIT(NB_IEI_ORDER_ID);
	call(c, "create AXB", &m);
	req_create(&m, 1, NP700_MODE_AXN, "700123456780002", NULL, "8613800138000", "8613900139000", EXP);
	call(c, "create AXN", &m);
	req_create(&m, 1, NP700_MODE_AX, "700123456780003", NULL, "8613800138000", NULL, 0);
	m.b.callback_allowed = true;
	m.b.callback_window_s = 600;
	m.present |= NB_IE_BIT(NB_IEI_CALLBACK) | NB_IE_BIT(NB_IEI_CALLBACK_WINDOW);
	call(c, "create AX", &m);
	req_create(&m, 2, NP700_MODE_AXYB, "700999000000001", "700999000000002", "8613800138000", "8613900139000",
		   EXP);
	call(c, "create AXYB", &m);
	req_id(&m, NB_MSGT_GET_REQ, 2);
	call(c, "get 2", &m);
	req_id(&m, NB_MSGT_UPDATE_REQ, 2);
	m.b.max_calls = 5;
	m.b.services = NP700_SVC_SMS;
	m.present |= NB_IE_BIT(NB_IEI_MAX_CALLS) | NB_IE_BIT(NB_IEI_SERVICES);
	call(c, "update 2: max_calls, services", &m);
	req_id(&m, NB_MSGT_GET_REQ, 2);
	call(c, "get 2", &m);
	nb_msg_init(&m, NB_MSGT_LIST_NUMBER_REQ, 0);
	OSMO_STRLCPY_ARRAY(m.b.x, "700999000000002");
	m.present |= NB_IE_BIT(NB_IEI_X);
	call(c, "list-number Y of the AXYB", &m);
	nb_msg_init(&m, NB_MSGT_LIST_CUSTOMER_REQ, 0);
	m.b.customer_id = 1;
	m.present |= NB_IE_BIT(NB_IEI_CUSTOMER_ID);
	call(c, "list-customer 1", &m);
	req_id(&m, NB_MSGT_DELETE_REQ, 3);
	call(c, "delete 3", &m);
	req_id(&m, NB_MSGT_GET_REQ, 3);
	call(c, "get 3", &m);

	printf("\n=== refusals\n");
	req_create(&m, 3, NP700_MODE_AX, "700555000000001", NULL, "8613800138000", NULL, EXP);
	call(c, "create for customer 3 (not this client's)", &m);
	req_id(&m, NB_MSGT_GET_REQ, 1);
	call(c, "get a binding of customer 3", &m);
	nb_msg_init(&m, NB_MSGT_LIST_CUSTOMER_REQ, 0);
	m.b.customer_id = 3;
	m.present |= NB_IE_BIT(NB_IEI_CUSTOMER_ID);
	call(c, "list-customer 3", &m);
	req_create(&m, 1, NP700_MODE_AXB, "70012345678", NULL, "8613800138000", "8613900139000", EXP);
	call(c, "create, X too short", &m);
	req_create(&m, 1, NP700_MODE_AXB, "700123456780009", NULL, "8613800138000", "8613800138000", EXP);
	call(c, "create, B the same as A", &m);
	req_create(&m, 1, NP700_MODE_AXB, "700123456780009", NULL, "8613800138000", "867001234567800", EXP);
	call(c, "create, B a protected number in international form", &m);
	req_create(&m, 1, NP700_MODE_AXB, "700999000000009", NULL, "8613800138000", "8613900139000", EXP);
	call(c, "create, X in customer 2's pool", &m);
	req_create(&m, 1, NP700_MODE_AXB, "700123456780001", NULL, "8613800138000", "8613900139009", EXP);
	call(c, "create, pair (X, A) bound already", &m);
	req_create(&m, 1, NP700_MODE_AXB, "700123456780007", NULL, "8613800138000", "8613900139000", 0);
	call(c, "create AXB without expiry", &m);
	req_create(&m, 1, NP700_MODE_AX, "700123456780007", "700123456780006", "8613800138000", NULL, EXP);
	call(c, "create AX with Y", &m);
	req_id(&m, NB_MSGT_UPDATE_REQ, 2);
	m.b.mode = NP700_MODE_AX;
	m.present |= NB_IE_BIT(NB_IEI_MODE);
	call(c, "update 2 to AX (it still has B)", &m);
	req_id(&m, NB_MSGT_UPDATE_REQ, 999);
	call(c, "update 999", &m);
	req_id(&m, NB_MSGT_DELETE_REQ, 999);
	call(c, "delete 999", &m);
	nb_msg_init(&m, NB_MSGT_GET_RES, 0);
	call(c, "a result type sent as a request", &m);
	nb_client_close(c);
}

/* Many requests written at once, answers read afterwards: one batch on the server. Updates of
 * the same binding in one batch must each see the one before. */
static void test_pipeline(void)
{
	struct nb_client *c = connect_as("demo");
	struct nb_msg m;
	unsigned int i, ok = 0, err = 0, in_order = 1;
	uint32_t last_tid = 0;
	int64_t first_tid = -1;
	char x[16], a[16], b[16];

	printf("\n=== pipelined: 3000 creates, then updates of one binding, one get\n");
	for (i = 0; i < 3000; i++) {
		int64_t tid;
		snprintf(x, sizeof(x), "70012345678%04u", 1000 + i % 1000);
		snprintf(a, sizeof(a), "86137%08u", i);
		snprintf(b, sizeof(b), "86135%08u", i);
		req_create(&m, 1, NP700_MODE_AXB, x, NULL, a, b, EXP);
		tid = nb_client_send(c, &m);
		if (first_tid < 0)
			first_tid = tid;
	}
	req_id(&m, NB_MSGT_UPDATE_REQ, 2);
	m.b.max_calls = 7;
	m.present |= NB_IE_BIT(NB_IEI_MAX_CALLS);
	nb_client_send(c, &m);
	req_id(&m, NB_MSGT_UPDATE_REQ, 2);
	m.b.max_duration_s = 90;
	m.present |= NB_IE_BIT(NB_IEI_MAX_DURATION);
	nb_client_send(c, &m);
	req_id(&m, NB_MSGT_GET_REQ, 2);
	nb_client_send(c, &m);
	nb_client_flush(c);

	/* 60 s for an answer: under ASan each request's nested LMDB transaction maps and unmaps its
	 * 2 MiB dirty list (ASan's allocator does not reuse large blocks), and a batch of 1,024 took
	 * over 10 s on a busy 2-core machine; without ASan a batch takes milliseconds */
	for (i = 0; i < 3003; i++) {
		if (nb_client_recv(c, &m, 60000) != 1) {
			printf("answer %u missing\n", i);
			break;
		}
		if (m.tid != last_tid + 1 && last_tid)
			in_order = 0;
		last_tid = m.tid;
		if (i < 3000) {
			if (m.msg_type == NB_MSGT_CREATE_RES)
				ok++;
			else
				err++;
		} else {
			print_ans("  ", &m);
		}
	}
	printf("creates: %u ok, %u errors; answers in request order: %s\n", ok, err, in_order ? "yes" : "no");
	nb_client_close(c);
}

static int raw_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint8_t b[64];
	static const uint8_t id_resp[] = { 0, 9, 0xfe, 0x05, 0, 6, 0x01, 'd', 'e', 'm', 'o', 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	if (read(fd, b, sizeof(b)) <= 0)
		return -1;
	if (write(fd, id_resp, sizeof(id_resp)) != sizeof(id_resp))
		return -1;
	if (read(fd, b, 4) != 4)
		return -1;
	return fd;
}

static void raw_exchange(int fd, const char *what, const char *hex)
{
	uint8_t b[1300];
	int len = osmo_hexparse(hex, b, sizeof(b)), n;

	printf("%s\n  C->S %s\n", what, osmo_hexdump_nospc(b, len));
	if (write(fd, b, len) != len)
		printf("  write failed\n");
	n = read(fd, b, sizeof(b));
	if (n <= 0)
		printf("  S->C connection closed\n");
	else
		printf("  S->C %s\n", osmo_hexdump_nospc(b, n));
}

static void test_raw(void)
{
	int fd = raw_connect(), fd2 = raw_connect();

	printf("\n=== broken requests on the wire\n");
	raw_exchange(fd, "truncated IE", "000cee70" "10010400000003" "10080000");
	raw_exchange(fd, "duplicate IE", "001cee70" "10010400000004" "10080000000000000001" "10080000000000000001");
	raw_exchange(fd, "unknown IE", "0014ee70" "10010400000005" "10080000000000000001" "7f00");
	raw_exchange(fd, "missing id", "0008ee70" "10010400000006");
	raw_exchange(fd, "unknown message type", "0008ee70" "40010400000007");
	raw_exchange(fd, "the connection still works", "0012ee70" "10010400000008" "10080000000000000003");
	raw_exchange(fd, "IPA PING", "0001fe00");
	raw_exchange(fd, "frame longer than IPA allows", "ffffee70");
	raw_exchange(fd2, "the other connection still works", "0012ee70" "10010400000009" "10080000000000000003");
	close(fd);
	close(fd2);
}

static void test_full(void)
{
	struct nb_client *c = connect_as("demo");
	struct nb_msg m;
	unsigned int i, ok = 0, full = 0, other = 0;
	char x[16], a[16], b[16];

	printf("\n=== a store that fills up\n");
	for (i = 0; i < 8000; i++) {
		snprintf(x, sizeof(x), "70099900000%04u", i % 10000);
		snprintf(a, sizeof(a), "86136%08u", i);
		snprintf(b, sizeof(b), "86134%08u", i);
		req_create(&m, 2, NP700_MODE_AXB, x, NULL, a, b, EXP);
		OSMO_STRLCPY_ARRAY(m.b.order_id, "an order id that makes the records a little longer");
		m.present |= NB_IE_BIT(NB_IEI_ORDER_ID);
		nb_client_send(c, &m);
		if (i % 500 == 499) {
			unsigned int k;
			for (k = 0; k < 500; k++) {
				if (nb_client_recv(c, &m, 10000) != 1)
					break;
				if (m.msg_type == NB_MSGT_CREATE_RES)
					ok++;
				else if (m.cause == NB_CAUSE_STORE_FULL)
					full++;
				else
					other++;
			}
		}
	}
	fprintf(stderr, "full store: %u ok, %u store-full\n", ok, full);
	printf("creates: some ok: %s, some store-full: %s, other errors: %u\n", ok ? "yes" : "no",
	       full ? "yes" : "no", other);
	req_id(&m, NB_MSGT_GET_REQ, 2);
	call(c, "get 2 from the full store", &m);
	nb_client_close(c);
}

/* --- server side (parent) */

static void setup_store(struct np700_store *st)
{
	static const struct { uint32_t cust; const char *first, *last; } pools[] = {
		{ 1, "700123456780000", "700123456789999" },
		{ 2, "700999000000000", "700999000009999" },
		{ 3, "700555000000000", "700555000009999" },
	};
	struct np700_customer c = { 0 };
	struct np700_binding b = {
		.customer_id = 3, .mode = NP700_MODE_AX, .x = "700555000000001", .a = "8613800138000",
		.expires = EXP, .services = 3,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pools); i++) {
		struct np700_pool p = { .customer_id = pools[i].cust };
		c.id = pools[i].cust;
		snprintf(c.name, sizeof(c.name), "c%u", c.id);
		np700_store_customer_put(st, &c);
		OSMO_STRLCPY_ARRAY(p.first, pools[i].first);
		OSMO_STRLCPY_ARRAY(p.last, pools[i].last);
		np700_store_pool_add(st, &p);
	}
	/* binding 1 belongs to customer 3; the client's start at 2 */
	np700_store_binding_create(st, NULL, &b);
}

static struct osmo_timer_list wake;

static void wake_cb(void *data)
{
	osmo_timer_schedule(&wake, 0, 50000);
}

static int run_server(const char *dir, size_t map_size, void (*client)(void))
{
	struct np700_store_cfg cfg = {
		.path = dir, .map_size = map_size, .max_pairs_per_x = 5000, .plan = &np700_numplan_default,
	};
	struct np700_store *st;
	struct nb_server *nb;
	struct nb_client_cfg *cc;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	pid_t pid;
	int rc, status = 0, fds[2];
	time_t deadline;

	/* The client is forked before the store exists: the store's writer thread could hold a lock
	 * (malloc's, ASan's allocator's) at fork() time, and the child would wait on it for ever.
	 * The child learns the server's port through a pipe. */
	fflush(stdout);
	if (pipe(fds) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(fds[1]);
		if (read(fds[0], &port, sizeof(port)) != sizeof(port))
			_exit(1);
		client();
		fflush(stdout);
		_exit(0);
	}
	close(fds[0]);

	rc = np700_store_open(ctx, &cfg, &st);
	if (rc) {
		printf("store open failed: %d\n", rc);
		goto no_client;
	}
	setup_store(st);

	nb = nb_server_alloc(ctx, NULL);
	nb->port = 0;	/* any free port */
	cc = nb_client_cfg_alloc(nb, "demo");
	inet_pton(AF_INET, "127.0.0.1", &cc->sources[cc->num_sources++]);
	cc->customers[cc->num_customers++] = 1;
	cc->customers[cc->num_customers++] = 2;
	cc = nb_client_cfg_alloc(nb, "remote-only");
	inet_pton(AF_INET, "192.0.2.1", &cc->sources[cc->num_sources++]);
	cc->customers[cc->num_customers++] = 1;
	if (nb_server_start(nb, st, &np700_numplan_default) < 0) {
		printf("server start failed\n");
		goto no_client;
	}
	getsockname(nb->link->ofd.fd, (struct sockaddr *)&sa, &sl);
	port = ntohs(sa.sin_port);
	if (write(fds[1], &port, sizeof(port)) != sizeof(port))
		printf("cannot pass the port to the client\n");
	close(fds[1]);

	/* a hung client fails the test instead of hanging it. The loop blocks in poll(), woken at
	 * least every 50 ms to look for the child's exit: spinning here took a core from the
	 * store's writer thread (nice 5) and made the answers late under ASan on a busy machine. */
	deadline = time(NULL) + 300;
	osmo_timer_setup(&wake, wake_cb, NULL);
	osmo_timer_schedule(&wake, 0, 50000);
	while ((rc = waitpid(pid, &status, WNOHANG)) == 0 && time(NULL) < deadline)
		osmo_select_main_ctx(0);
	osmo_timer_del(&wake);
	if (rc == 0) {
		printf("client did not finish within 300 s\n");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		status = 1 << 8;
	}
	nb_server_stop(nb);
	np700_store_close(st);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;

no_client:
	/* the child reads end-of-file and leaves */
	close(fds[1]);
	waitpid(pid, &status, 0);
	return 1;
}

static void all_but_full(void)
{
	test_operations();
	test_pipeline();
	test_raw();
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/nb_server_test.XXXXXX";
	char dir2[] = "/tmp/nb_server_test.XXXXXX";
	char cmd[128];
	int rc;

	ctx = talloc_named_const(NULL, 0, "nb_server_test");
	msgb_talloc_ctx_init(ctx, 0);
	/* categories only: logs would carry ports and addresses */
	log_init(&np700_log_info, ctx);
	signal(SIGPIPE, SIG_IGN);

	if (!mkdtemp(dir) || !mkdtemp(dir2))
		return 1;
	rc = run_server(dir, 64 << 20, all_but_full);
	/* a small map: the store fills up, the server keeps answering */
	rc |= run_server(dir2, 1 << 20, test_full);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, dir2);
	if (system(cmd)) {}
	printf("\ndone\n");
	return rc;
}
