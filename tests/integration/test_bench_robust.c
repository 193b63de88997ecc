/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The bench server keeps serving and leaks nothing under abuse (the measurement issue's
 * robustness list), public API only, in a throwaway namespace (198.18.0.1 and 2001:db8::1 on
 * its loopback). The server runs on a thread of this process, so its fds and memory are ours:
 *
 *   50 malformed or oversized messages from raw sockets that speak the protocol wrongly (bad
 *     magic, another major version, oversized frames, garbage TLVs, streams 129, duration
 *     86401 s, an unknown congestion control, messages out of order, an IPv4-mapped IPv6
 *     peer): each dropped or refused, the refusals naming the cause;
 *   a client stalling in the hello and one stalling in PARAMS: dropped at the deadline;
 *   1000 rapid connects: RSS (VmRSS) grows less than 16 MiB;
 *   80 clients that disconnect mid-test (40 cancel from the interval callback, 40 reset every
 *     socket under a running test): the process's open fds back to the start value;
 *   a busy server: the second client gets -EBUSY and a message saying "busy";
 *   bad requests through vxoff_bench_run(): the error message names the cause;
 * and after each abuse a normal short test still succeeds. Needs root and ip; else skip (77).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <vxoff/vxoff.h>

#include "nstest.h"

#define ADDR4 "198.18.0.1"
#define ADDR6 "2001:db8::1"

/* Wire values of docs/bench-protocol.md (this test speaks the protocol by hand). */
enum { MSG_PARAMS = 1, MSG_PARAMS_OK, MSG_ERR, MSG_START, MSG_RESULTS, MSG_ABORT, MSG_DONE };
enum { P_FLAGS = 1, P_STREAMS, P_DURATION_MS, P_OMIT_MS, P_INTERVAL_MS, P_LEN, P_RATE_BPS,
       P_SNDBUF, P_RCVBUF, P_CONGESTION, P_SERVER_CPUS, P_COOKIE, P_DATA_PORT };

static struct {
	const char *skip;
	char ns[64];
	struct vxoff_ctx *sctx;
	struct vxoff_bench_server *srv;
	pthread_t thread;
	bool running;
	int run_rc;
	uint32_t port;
	atomic_uint log_lines;
	int fds_start;
	uint32_t srv_fds_start; /* sockets the server holds when idle (its listener) */
} g;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static struct vxoff_bench_server_stats stats(void)
{
	VXOFF_OUT(vxoff_bench_server_stats, st);

	assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
	return st;
}

/* Wait until the server holds only its listener(s) and this process's fd count is back. */
static void assert_settled(const char *after)
{
	uint64_t end = now_ms() + 5000;
	int fds = -1;

	while (now_ms() < end) {
		fds = count_fds();
		if (fds == g.fds_start && stats().open_fds == g.srv_fds_start)
			return;
		sleep_ms(20);
	}
	fail_msg("after %s: %d open fds, %d at the start (server holds %u, %u at the start)",
		 after, fds, g.fds_start, stats().open_fds, g.srv_fds_start);
}

static void server_log(void *user, uint32_t level, const char *msg)
{
	(void)user;
	(void)level;
	(void)msg;
	atomic_fetch_add(&g.log_lines, 1);
}

static void *server_main(void *arg)
{
	(void)arg;
	g.run_rc = vxoff_bench_server_run(g.srv);
	return NULL;
}

/* ---- the public client ---- */

/* One test; no cmocka asserts here, it also runs on a second thread. */
static int run_client(const char *host, struct vxoff_bench_opts *o, vxoff_bench_interval_fn fn,
		      void *user, char *msg, size_t msglen)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_result *res = NULL;
	VXOFF_OUT(vxoff_error, e);
	int r;

	msg[0] = '\0';
	r = vxoff_ctx_new(NULL, &ctx);
	if (r < 0) {
		snprintf(msg, msglen, "vxoff_ctx_new: %s", strerror(-r));
		return r;
	}
	o->host = host;
	o->port = g.port;
	o->flags |= VXOFF_BENCH_F_NO_CONDITIONS;
	r = vxoff_bench_run(ctx, o, fn, user, &res);
	if (r < 0 && vxoff_ctx_last_error(ctx, &e) == 0 && e.msg)
		snprintf(msg, msglen, "%s", e.msg);
	if (r == 0) {
		VXOFF_OUT(vxoff_bench_summary, s);

		if (vxoff_bench_result_summary(res, &s) != 0 || s.bytes_received == 0 ||
		    s.total_received == 0) {
			snprintf(msg, msglen, "a test that moved no bytes");
			r = -EDOM;
		}
	}
	vxoff_bench_result_free(res);
	vxoff_ctx_free(ctx);
	return r;
}

/* A normal short test succeeds (after an abuse). */
static void assert_normal_test(const char *after)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .duration_ms = 300, .interval_ms = 100,
		   .len = 16384);
	char msg[512];
	int r = -EBUSY;

	/* the server may still be closing the previous test: BUSY for a moment is fine */
	for (uint64_t end = now_ms() + 5000; r == -EBUSY && now_ms() < end;) {
		r = run_client(ADDR4, &o, NULL, NULL, msg, sizeof(msg));
		if (r == -EBUSY)
			sleep_ms(50);
	}
	if (r != 0)
		fail_msg("a normal test after %s: %d (%s)", after, r, msg);
}

/* ---- the raw protocol ---- */

struct buf {
	uint8_t b[16384];
	size_t n;
};

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void hello(struct buf *b, const char *magic, uint16_t major)
{
	memcpy(b->b + b->n, magic, 4);
	put_be(b->b + b->n + 4, major, 2);
	put_be(b->b + b->n + 6, 0, 2);
	put_be(b->b + b->n + 8, 0, 4);
	put_be(b->b + b->n + 12, 65536, 4);
	b->n += 16;
}

/* A frame header; the payload follows with attr(). */
static size_t frame(struct buf *b, uint32_t len, uint16_t type)
{
	size_t at = b->n;

	put_be(b->b + b->n, len, 4);
	put_be(b->b + b->n + 4, type, 2);
	put_be(b->b + b->n + 6, 0, 2);
	b->n += 8;
	return at;
}

/* Fix a frame's length to what follows its header. */
static void frame_end(struct buf *b, size_t at)
{
	put_be(b->b + at, b->n - at - 8, 4);
}

static void attr(struct buf *b, uint16_t type, const void *p, uint16_t len)
{
	uint16_t alen = (uint16_t)(4 + len);

	memcpy(b->b + b->n, &alen, 2);
	memcpy(b->b + b->n + 2, &type, 2);
	memcpy(b->b + b->n + 4, p, len);
	b->n += 4 + len;
	while (b->n % 4)
		b->b[b->n++] = 0;
}

static void attr_u32(struct buf *b, uint16_t type, uint32_t v)
{
	attr(b, type, &v, 4);
}

static void attr_str(struct buf *b, uint16_t type, const char *s)
{
	attr(b, type, s, (uint16_t)(strlen(s) + 1));
}

/* PARAMS with one value changed (attr = 0: none). */
static void params(struct buf *b, uint16_t change, uint32_t value, const char *cc)
{
	size_t at = frame(b, 0, MSG_PARAMS);

	attr_u32(b, P_FLAGS, change == P_FLAGS ? value : 0);
	attr_u32(b, P_STREAMS, change == P_STREAMS ? value : 1);
	attr_u32(b, P_DURATION_MS, change == P_DURATION_MS ? value : 300);
	attr_u32(b, P_OMIT_MS, 0);
	attr_u32(b, P_INTERVAL_MS, 100);
	attr_u32(b, P_LEN, 16384);
	if (cc)
		attr_str(b, P_CONGESTION, cc);
	frame_end(b, at);
}

static int raw_connect(int family)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)g.port);
		inet_pton(AF_INET, ADDR4, &a->sin_addr);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		/* an IPv4-mapped address: an IPv6 socket reaching the IPv4 listener */
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)g.port);
		inet_pton(AF_INET6, "::ffff:" ADDR4, &a->sin6_addr);
		len = sizeof(*a);
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		fail_msg("connect: %s", strerror(errno));
	return fd;
}

static void send_buf(int fd, const struct buf *b)
{
	if (b->n)
		assert_int_equal(send(fd, b->b, b->n, MSG_NOSIGNAL), (ssize_t)b->n);
}

/* Read what the server sends until it closes, at most timeout_ms; return the bytes read, or
 * -1 if it did not close in time. */
static ssize_t read_until_closed(int fd, uint8_t *out, size_t cap, unsigned timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	size_t got = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint8_t junk[4096];
		uint64_t now = now_ms();
		ssize_t n;

		if (now >= end)
			return -1;
		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		n = recv(fd, got < cap ? out + got : junk,
			 got < cap ? cap - got : sizeof(junk), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return (ssize_t)got;
		if (n < 0)
			continue;
		if (got < cap)
			got += (size_t)n;
	}
}

/* Does the server's reply (hello + frames) hold an ERR frame whose bytes contain @text? */
static bool reply_has_err(const uint8_t *r, size_t n, const char *text)
{
	size_t off = 16;

	if (n < 16 || memcmp(r, "VXOF", 4))
		return false;
	while (off + 8 <= n) {
		uint32_t len = (uint32_t)r[off] << 24 | (uint32_t)r[off + 1] << 16 |
			       (uint32_t)r[off + 2] << 8 | r[off + 3];
		uint16_t type = (uint16_t)(r[off + 4] << 8 | r[off + 5]);

		if (off + 8 + len > n)
			return false;
		if (type == MSG_ERR && memmem(r + off + 8, len, text, strlen(text)))
			return true;
		off += 8 + len;
	}
	return false;
}

struct abuse {
	const char *what;
	int family;
	void (*build)(struct buf *b);
	const char *err_text; /* the ERR it must get back, or NULL: dropped without one */
};

static void b_bad_magic(struct buf *b) { hello(b, "IPRF", 1); }
static void b_major2(struct buf *b) { hello(b, "VXOF", 2); }
static void b_major0(struct buf *b) { hello(b, "VXOF", 0); }
static void b_len_huge(struct buf *b) { hello(b, "VXOF", 1); frame(b, 0xffffffffu, MSG_PARAMS); }
static void b_len_over(struct buf *b) { hello(b, "VXOF", 1); frame(b, 8193, MSG_PARAMS); }
static void b_len_zero(struct buf *b) { hello(b, "VXOF", 1); frame(b, 0, MSG_PARAMS); }
static void b_type_unknown(struct buf *b) { hello(b, "VXOF", 1); frame(b, 8, 99); b->n += 8; }
static void b_start_first(struct buf *b)
{
	uint64_t t = 1;
	size_t at;

	hello(b, "VXOF", 1);
	at = frame(b, 0, MSG_START);
	attr(b, 1, &t, 8);
	frame_end(b, at);
}
static void b_garbage_tlv(struct buf *b)
{
	size_t at;

	hello(b, "VXOF", 1);
	at = frame(b, 0, MSG_PARAMS);
	for (int i = 0; i < 64; i++)
		b->b[b->n++] = (uint8_t)(i * 37 + 11);
	frame_end(b, at);
}
static void b_wrong_type_attr(struct buf *b)
{
	size_t at;

	hello(b, "VXOF", 1);
	at = frame(b, 0, MSG_PARAMS);
	attr_u32(b, P_FLAGS, 0);
	attr_str(b, P_STREAMS, "4"); /* a string for a number */
	attr_u32(b, P_DURATION_MS, 300);
	attr_u32(b, P_OMIT_MS, 0);
	attr_u32(b, P_INTERVAL_MS, 100);
	attr_u32(b, P_LEN, 1000);
	frame_end(b, at);
}
static void b_streams129(struct buf *b) { hello(b, "VXOF", 1); params(b, P_STREAMS, 129, NULL); }
static void b_streams0(struct buf *b) { hello(b, "VXOF", 1); params(b, P_STREAMS, 0, NULL); }
static void b_duration(struct buf *b)
{
	hello(b, "VXOF", 1);
	params(b, P_DURATION_MS, 86401000u, NULL);
}
static void b_cc(struct buf *b) { hello(b, "VXOF", 1); params(b, 0, 0, "nosuchcc"); }
static void b_cc_chars(struct buf *b) { hello(b, "VXOF", 1); params(b, 0, 0, "../etc"); }
static void b_flags(struct buf *b) { hello(b, "VXOF", 1); params(b, P_FLAGS, 1u << 30, NULL); }
static void b_half_frame(struct buf *b)
{
	hello(b, "VXOF", 1);
	params(b, 0, 0, NULL);
	b->n -= 6; /* the rest never comes: the peer closes (shutdown below) */
}
static void b_mapped_garbage(struct buf *b) { memset(b->b, 0xff, 40); b->n = 40; }

static const struct abuse abuses[] = {
	{ "bad magic", AF_INET, b_bad_magic, NULL },
	{ "major version 2", AF_INET, b_major2, "version" },
	{ "major version 0", AF_INET, b_major0, "version" },
	{ "frame length 0xffffffff", AF_INET, b_len_huge, NULL },
	{ "frame length 8193", AF_INET, b_len_over, NULL },
	{ "frame length 0", AF_INET, b_len_zero, NULL },
	{ "unknown message type", AF_INET, b_type_unknown, NULL },
	{ "START before PARAMS", AF_INET, b_start_first, NULL },
	{ "garbage TLVs", AF_INET, b_garbage_tlv, NULL },
	{ "a string for a number", AF_INET, b_wrong_type_attr, NULL },
	{ "streams 129", AF_INET, b_streams129, "streams" },
	{ "streams 0", AF_INET, b_streams0, "streams" },
	{ "duration 86401 s", AF_INET, b_duration, "duration" },
	{ "unknown congestion control", AF_INET, b_cc, "nosuchcc" },
	{ "congestion name with '/'", AF_INET, b_cc_chars, "congestion" },
	{ "unknown flag bits", AF_INET, b_flags, "flags" },
	{ "half a frame, then EOF", AF_INET, b_half_frame, NULL },
	{ "IPv4-mapped IPv6 peer sending garbage", AF_INET6, b_mapped_garbage, NULL },
	{ "IPv4-mapped IPv6 peer, streams 129", AF_INET6, b_streams129, "streams" },
};

static void test_malformed(void **state)
{
	struct vxoff_bench_server_stats before, after;
	static uint8_t reply[65536];
	struct buf *b = malloc(sizeof(*b));
	const unsigned n = 50, kinds = sizeof(abuses) / sizeof(abuses[0]);
	unsigned lines0;

	(void)state;
	NT_SKIP_IF(g.skip);
	before = stats();
	lines0 = atomic_load(&g.log_lines);
	for (unsigned i = 0; i < n; i++) {
		const struct abuse *a = &abuses[i % kinds];
		int fd = raw_connect(a->family);
		ssize_t got;

		b->n = 0;
		a->build(b);
		send_buf(fd, b);
		shutdown(fd, SHUT_WR); /* nothing more comes: never wait for a deadline here */
		got = read_until_closed(fd, reply, sizeof(reply), 4000);
		if (got < 0)
			fail_msg("%s: the server did not close within 4 s", a->what);
		if (a->err_text && !reply_has_err(reply, (size_t)got, a->err_text))
			fail_msg("%s: no ERR naming \"%s\" in %zd bytes of reply", a->what,
				 a->err_text, got);
		close(fd);
		/* refused while idle: the busy slot must be free again before the next one */
		for (uint64_t end = now_ms() + 3000; now_ms() < end;) {
			struct vxoff_bench_server_stats s = stats();

			if (s.rejected + s.protocol_errors + s.aborted >=
			    before.rejected + before.protocol_errors + before.aborted + i + 1)
				break;
			sleep_ms(5);
		}
	}
	after = stats();
	print_message("50 malformed: rejected +%llu, protocol errors +%llu, aborted +%llu, "
		      "%u log lines\n",
		      (unsigned long long)(after.rejected - before.rejected),
		      (unsigned long long)(after.protocol_errors - before.protocol_errors),
		      (unsigned long long)(after.aborted - before.aborted),
		      atomic_load(&g.log_lines) - lines0);
	/* "the server logs one line and goes on": one line each (they pass through the run()
	 * thread, so give the last ones a moment) */
	for (uint64_t end = now_ms() + 2000; now_ms() < end;) {
		if (atomic_load(&g.log_lines) - lines0 >= n)
			break;
		sleep_ms(10);
	}
	sleep_ms(100);
	assert_int_equal(atomic_load(&g.log_lines) - lines0, n);
	/* each one counted as refused, malformed or aborted */
	assert_true(after.rejected + after.protocol_errors + after.aborted >=
		    before.rejected + before.protocol_errors + before.aborted + n);
	assert_int_equal(after.tests, before.tests);
	assert_true(g.running);
	free(b);
	assert_settled("50 malformed messages");
	assert_normal_test("50 malformed messages");
	assert_settled("the normal test");
}

static void test_stall(void **state)
{
	struct vxoff_bench_server_stats before = stats(), after;
	struct buf b = { .n = 0 };
	uint8_t reply[256];
	uint64_t t0;
	ssize_t got;
	int fd_hello, fd_params;

	(void)state;
	NT_SKIP_IF(g.skip);
	/* one stalls inside its hello, the other inside PARAMS; both keep the socket open */
	fd_hello = raw_connect(AF_INET);
	assert_int_equal(send(fd_hello, "VXOF\0", 5, MSG_NOSIGNAL), 5);
	fd_params = raw_connect(AF_INET);
	hello(&b, "VXOF", 1);
	frame(&b, 100, MSG_PARAMS);
	attr_u32(&b, P_STREAMS, 1);
	send_buf(fd_params, &b);
	t0 = now_ms();

	got = read_until_closed(fd_hello, reply, sizeof(reply), 8000);
	if (got < 0)
		fail_msg("a client stalled in its hello was not dropped within 8 s");
	/* HELLO_MS is 3 s */
	print_message("stalled hello dropped after %llu ms\n",
		      (unsigned long long)(now_ms() - t0));
	assert_true(now_ms() - t0 >= 2500);
	assert_int_equal(got, 0);

	got = read_until_closed(fd_params, reply, sizeof(reply), 10000);
	if (got < 0)
		fail_msg("a client stalled in PARAMS was not dropped within 10 s");
	/* PARAMS_MS is 5 s for the whole frame, from the hello */
	print_message("stalled PARAMS dropped after %llu ms\n",
		      (unsigned long long)(now_ms() - t0));
	assert_true(now_ms() - t0 >= 4500);
	close(fd_hello);
	close(fd_params);
	after = stats();
	assert_true(after.protocol_errors >= before.protocol_errors + 2);
	assert_settled("two stalled handshakes");
	assert_normal_test("two stalled handshakes");
	assert_settled("the normal test");
}

static void test_rapid_connects(void **state)
{
	long rss0, rss1;
	uint64_t t0 = now_ms();
	struct buf b = { .n = 0 };

	(void)state;
	NT_SKIP_IF(g.skip);
	hello(&b, "VXOF", 1);
	rss0 = rss_kib();
	assert_true(rss0 > 0);
	for (unsigned i = 0; i < 1000; i++) {
		int fd = raw_connect(AF_INET);

		/* a third close at once, a third after a partial hello, a third after a hello */
		if (i % 3 == 1)
			(void)send(fd, b.b, 7, MSG_NOSIGNAL);
		else if (i % 3 == 2)
			(void)send(fd, b.b, 16, MSG_NOSIGNAL);
		close(fd);
	}
	print_message("1000 connects in %llu ms\n", (unsigned long long)(now_ms() - t0));
	assert_settled("1000 rapid connects");
	rss1 = rss_kib();
	print_message("VmRSS %ld kB -> %ld kB\n", rss0, rss1);
	assert_true(rss1 - rss0 < 16 * 1024);
	assert_true(g.running);
	assert_normal_test("1000 rapid connects");
	assert_settled("the normal test");
}

static int cancel_after_first(void *user, const struct vxoff_bench_interval *iv)
{
	(void)iv;
	(*(int *)user)++;
	return 1;
}

/* One test by hand: hello, PARAMS, PARAMS_OK, the data connection, START, some data, then
 * every socket reset (SO_LINGER 0) in the middle of the test. */
static void raw_test_then_reset(void)
{
	static uint8_t reply[4096], data[65536];
	struct buf b = { .n = 0 };
	const uint8_t *cookie = NULL;
	uint32_t data_port = 0;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	size_t got = 0, need = 16 + 8, off;
	uint64_t t;
	int ctl, dfd;

	ctl = raw_connect(AF_INET);
	hello(&b, "VXOF", 1);
	params(&b, P_DURATION_MS, 2000, NULL);
	send_buf(ctl, &b);
	/* hello + PARAMS_OK (header, then its payload) */
	while (got < need) {
		struct pollfd p = { .fd = ctl, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 3000) <= 0)
			fail_msg("no PARAMS_OK within 3 s (%zu bytes)", got);
		n = recv(ctl, reply + got, sizeof(reply) - got, 0);
		if (n <= 0)
			fail_msg("the server closed before PARAMS_OK (%zu bytes)", got);
		got += (size_t)n;
		if (got >= 24 && need == 24)
			need = 24 + ((size_t)reply[16] << 24 | (size_t)reply[17] << 16 |
				     (size_t)reply[18] << 8 | reply[19]);
		assert_true(need < sizeof(reply));
	}
	assert_int_equal(reply[21], MSG_PARAMS_OK);
	for (off = 24; off + 4 <= need;) {
		uint16_t alen, type;

		memcpy(&alen, reply + off, 2);
		memcpy(&type, reply + off + 2, 2);
		assert_true(alen >= 4 && off + alen <= need);
		if (type == P_COOKIE && alen == 20)
			cookie = reply + off + 4;
		if (type == P_DATA_PORT && alen == 8)
			memcpy(&data_port, reply + off + 4, 4);
		off += (alen + 3u) & ~3u;
	}
	assert_non_null(cookie);
	assert_true(data_port > 0 && data_port < 65536);

	dfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin_port = htons((uint16_t)data_port);
	inet_pton(AF_INET, ADDR4, &a.sin_addr);
	assert_int_equal(connect(dfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(send(dfd, cookie, 16, MSG_NOSIGNAL), 16);
	{
		uint8_t id[4];
		struct pollfd p = { .fd = dfd, .events = POLLIN };

		assert_int_equal(poll(&p, 1, 3000), 1);
		assert_int_equal(recv(dfd, id, 4, MSG_WAITALL), 4);
	}
	b.n = 0;
	t = now_ms() * 1000000ull;
	off = frame(&b, 0, MSG_START);
	attr(&b, 1, &t, 8);
	frame_end(&b, off);
	send_buf(ctl, &b);
	for (int i = 0; i < 8; i++)
		(void)send(dfd, data, sizeof(data), MSG_NOSIGNAL | MSG_DONTWAIT);
	sleep_ms(20);
	setsockopt(dfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(ctl, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(dfd);
	close(ctl);
}

static void test_disconnect_mid_test(void **state)
{
	struct vxoff_bench_server_stats before = stats(), after;
	uint64_t t0 = now_ms();

	(void)state;
	NT_SKIP_IF(g.skip);
	for (unsigned i = 0; i < 80; i++) {
		if (i % 2) {
			raw_test_then_reset();
		} else {
			VXOFF_OPTS(vxoff_bench_opts, o, .duration_ms = 5000, .interval_ms = 100,
				   .len = 16384);
			int calls = 0, r = -EBUSY;
			char msg[512];

			for (uint64_t end = now_ms() + 5000; r == -EBUSY && now_ms() < end;) {
				r = run_client(ADDR4, &o, cancel_after_first, &calls, msg,
					       sizeof(msg));
				if (r == -EBUSY)
					sleep_ms(20);
			}
			if (r != -ECANCELED)
				fail_msg("client %u: %d, not -ECANCELED (%s)", i, r, msg);
			assert_int_equal(calls, 1);
		}
		/* the next client would get BUSY while the server still winds this one down */
		for (uint64_t end = now_ms() + 5000; now_ms() < end;) {
			struct vxoff_bench_server_stats s = stats();

			if (s.aborted + s.protocol_errors + s.tests >=
			    before.aborted + before.protocol_errors + before.tests + i + 1)
				break;
			sleep_ms(5);
		}
	}
	after = stats();
	print_message("80 disconnects in %llu ms: aborted +%llu, protocol errors +%llu\n",
		      (unsigned long long)(now_ms() - t0),
		      (unsigned long long)(after.aborted - before.aborted),
		      (unsigned long long)(after.protocol_errors - before.protocol_errors));
	assert_true(after.aborted + after.protocol_errors >=
		    before.aborted + before.protocol_errors + 80);
	assert_settled("80 clients that disconnected mid-test");
	assert_normal_test("80 clients that disconnected mid-test");
	assert_settled("the normal test");
}

struct bg {
	int rc;
	char msg[512];
};

static void *bg_test(void *arg)
{
	struct bg *bg = arg;
	VXOFF_OPTS(vxoff_bench_opts, o, .duration_ms = 1500, .interval_ms = 100, .len = 16384);

	bg->rc = run_client(ADDR4, &o, NULL, NULL, bg->msg, sizeof(bg->msg));
	return NULL;
}

static void test_busy(void **state)
{
	struct vxoff_bench_server_stats before = stats();
	struct bg bg = { .rc = 1 };
	pthread_t t;
	char msg[512];
	int r = 0;

	(void)state;
	NT_SKIP_IF(g.skip);
	assert_int_equal(pthread_create(&t, NULL, bg_test, &bg), 0);
	/* wait until the first test runs (accepted, not yet done) */
	for (uint64_t end = now_ms() + 3000; now_ms() < end;) {
		if (stats().accepted > before.accepted)
			break;
		sleep_ms(10);
	}
	sleep_ms(300);
	{
		VXOFF_OPTS(vxoff_bench_opts, o, .duration_ms = 300, .interval_ms = 100,
			   .len = 16384);
		uint64_t t0 = now_ms();

		r = run_client(ADDR4, &o, NULL, NULL, msg, sizeof(msg));
		/* at once, not after the running test */
		assert_true(now_ms() - t0 < 1000);
	}
	pthread_join(t, NULL);
	if (bg.rc != 0)
		fail_msg("the first test: %d (%s)", bg.rc, bg.msg);
	if (r != -EBUSY)
		fail_msg("the second client: %d, not -EBUSY (%s)", r, msg);
	if (!strcasestr(msg, "busy"))
		fail_msg("the busy refusal does not say so: \"%s\"", msg);
	print_message("busy: \"%s\"\n", msg);
	assert_true(stats().rejected > before.rejected);
	assert_settled("a busy refusal");
	assert_normal_test("a busy refusal");
}

static void test_client_errors_name_the_cause(void **state)
{
	static const struct {
		const char *what;
		const char *host;
		uint32_t streams, duration_ms;
		const char *cc;
		const char *needle;
	} cases[] = {
		{ "129 streams", ADDR4, 129, 300, NULL, "streams" },
		{ "a duration over the limit", ADDR4, 1, 86401000u, NULL, "duration" },
		{ "a duration over the server's policy", ADDR4, 1, 61000, NULL, "duration" },
		{ "an unknown congestion control", ADDR4, 1, 300, "nosuchcc", "nosuchcc" },
		{ "a bad congestion name", ADDR4, 1, 300, "Bad Name", "congestion" },
		{ "an IPv6 address where the server listens on IPv4", ADDR6, 1, 300, NULL,
		  "refused" },
	};

	(void)state;
	NT_SKIP_IF(g.skip);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		VXOFF_OPTS(vxoff_bench_opts, o, .streams = cases[i].streams,
			   .duration_ms = cases[i].duration_ms, .interval_ms = 100,
			   .len = 16384, .congestion = cases[i].cc);
		char msg[512];
		int r = -EBUSY;

		/* the previous test's server thread may still be winding down for a moment */
		for (uint64_t end = now_ms() + 5000; r == -EBUSY && now_ms() < end;) {
			r = run_client(cases[i].host, &o, NULL, NULL, msg, sizeof(msg));
			if (r == -EBUSY)
				sleep_ms(50);
		}
		print_message("%s: %d \"%s\"\n", cases[i].what, r, msg);
		if (r >= 0)
			fail_msg("%s: accepted", cases[i].what);
		if (!strcasestr(msg, cases[i].needle))
			fail_msg("%s: the message does not name \"%s\": \"%s\"", cases[i].what,
				 cases[i].needle, msg);
	}
	assert_settled("bad client requests");
	assert_normal_test("bad client requests");
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	VXOFF_OPTS(vxoff_bench_server_opts, so, .flags = VXOFF_BENCH_SERVER_F_ANY_PORT,
		   .bind = ADDR4, .max_duration_s = 60, .log = server_log);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	char path[128];
	int fd, r;

	(void)state;
	g.skip = nt_precondition();
	if (g.skip)
		return 0;
	if (nt_ns_create("rb", g.ns) < 0) {
		g.skip = "could not create a network namespace (ip netns add failed)";
		return 0;
	}
	if (nt_sh_quiet("ip -n %s link set lo up && ip -n %s addr add " ADDR4 "/32 dev lo && "
			"ip -n %s addr add " ADDR6 "/128 dev lo nodad",
			g.ns, g.ns, g.ns))
		return -1;
	/* this thread (and every thread it starts) lives in the namespace from now on */
	snprintf(path, sizeof(path), "/run/netns/%s", g.ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		print_error("setns %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	assert_int_equal(vxoff_ctx_new(NULL, &g.sctx), 0);
	r = vxoff_bench_server_new(g.sctx, &so, &g.srv);
	if (r < 0) {
		print_error("vxoff_bench_server_new: %s\n", strerror(-r));
		return -1;
	}
	assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
	g.port = st.port;
	assert_int_equal(pthread_create(&g.thread, NULL, server_main, NULL), 0);
	g.running = true;
	/* a first test warms up whatever the library allocates once (threads, caches) */
	assert_normal_test("the start");
	sleep_ms(100);
	g.fds_start = count_fds();
	assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
	g.srv_fds_start = st.open_fds;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g.running) {
		vxoff_bench_server_stop(g.srv);
		pthread_join(g.thread, NULL);
		g.running = false;
		if (g.run_rc != 0)
			print_error("vxoff_bench_server_run returned %d\n", g.run_rc);
	}
	vxoff_bench_server_free(g.srv);
	vxoff_ctx_free(g.sctx);
	if (g.ns[0])
		nt_ns_delete(g.ns);
	return g.run_rc != 0 ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_stall),
		cmocka_unit_test(test_rapid_connects),
		cmocka_unit_test(test_disconnect_mid_test),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_client_errors_name_the_cause),
	};
	int r;

	alarm(120); /* nstest removes the namespace on SIGALRM */
	r = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return nt_exit_status(r, g.skip);
}
