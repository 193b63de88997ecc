/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The bench server. One thread (the caller of vxoff_bench_server_run()) accepts connections
 * and classifies each by its first 16 bytes: a hello (a control connection: a new test when
 * idle, a busy reply otherwise) or the running test's cookie (one of its data connections).
 * The running test has its own thread, so a second client is answered at once; that thread
 * hands its log lines to the run() thread, the only one that calls the log callback.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/tcp.h>

#include "bench/bench_internal.h"

#define DRAIN_MS 1000u	 /* how long a refused client may take to read our reply and close */
#define BACKLOG 64

struct pending {
	int fd;
	bool drain;	 /* reply sent: read until EOF, then close */
	uint32_t got;
	uint64_t deadline;
	uint8_t buf[VXOFF__BENCH_HELLO_LEN];
	char peer[64];
};

struct test;

struct logline {
	uint32_t level;
	char *msg;
};

struct vxoff_bench_server {
	struct vxoff_ctx *ctx;	  /* own context: namespace (a dup), log callback */
	int lfd;
	int family;
	struct sockaddr_storage local;
	socklen_t local_len;
	uint32_t port;
	uint32_t flags;
	uint32_t max_duration_s;
	int stop_efd, note_efd;
	char procfs[256];
	atomic_bool running;
	atomic_uint_fast64_t accepted, tests, rejected, protocol_errors, aborted;
	atomic_uint_fast32_t open_fds;
	struct pending pend[VXOFF__BENCH_ACCEPT_BUDGET];
	uint32_t npend;
	struct test *test;
	pthread_mutex_t lock;	  /* the log queue and the test's data-connection queue */
	struct logline *logq;
	uint32_t nlog, caplog;
};

struct test {
	struct vxoff_bench_server *srv;
	pthread_t th;
	int ctl;
	char peer[64];
	int data_efd;		  /* run() -> test: a data connection is queued */
	struct vxoff_ctx *ctx;	  /* the test thread's own context (sockets in the namespace) */
	/* under srv->lock */
	bool want_data;
	uint8_t cookie[VXOFF__BENCH_COOKIE_LEN];
	int queue[VXOFF_BENCH_MAX_STREAMS];
	uint32_t nqueue;
	atomic_uint_fast64_t end_ns; /* expected end, for busy replies */
	atomic_bool over;	  /* the client has (or is about to have) its last message */
	atomic_bool done;	  /* the thread has freed everything of the test */
	char why[320];		  /* the test thread's: what ended the test early */
};

/* ---- fds and log ---- */

static int srv_track(struct vxoff_bench_server *srv, int fd)
{
	if (fd >= 0)
		atomic_fetch_add(&srv->open_fds, 1);
	return fd;
}

static void srv_close(struct vxoff_bench_server *srv, int fd)
{
	if (fd < 0)
		return;
	close(fd);
	atomic_fetch_sub(&srv->open_fds, 1);
}

static void notify(int efd)
{
	uint64_t one = 1;

	(void)!write(efd, &one, sizeof(one));
}

static void drain_efd(int efd)
{
	uint64_t v;

	(void)!read(efd, &v, sizeof(v));
}

/* From the test thread: queue a line for the run() thread. */
static void tlog(struct test *t, uint32_t level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void tlog(struct test *t, uint32_t level, const char *fmt, ...)
{
	struct vxoff_bench_server *srv = t->srv;
	struct logline *q;
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	pthread_mutex_lock(&srv->lock);
	q = vxoff__grow(srv->logq, &srv->caplog, srv->nlog, sizeof(*q));
	if (q) {
		srv->logq = q;
		srv->logq[srv->nlog++] = (struct logline){ level, s };
		s = NULL;
	}
	pthread_mutex_unlock(&srv->lock);
	free(s);
	notify(srv->note_efd);
}

/* The first cause of a test's failure, for the one line test_main() logs about it. */
static void twhy(struct test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void twhy(struct test *t, const char *fmt, ...)
{
	va_list ap;

	if (t->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

static void flush_log(struct vxoff_bench_server *srv)
{
	struct logline *q;
	uint32_t n;

	pthread_mutex_lock(&srv->lock);
	q = srv->logq;
	n = srv->nlog;
	srv->logq = NULL;
	srv->nlog = srv->caplog = 0;
	pthread_mutex_unlock(&srv->lock);
	for (uint32_t i = 0; i < n; i++) {
		vxoff__log(srv->ctx, q[i].level, "%s", q[i].msg);
		free(q[i].msg);
	}
	free(q);
}

static void peer_name(int fd, char *out, size_t cap)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t l = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (getpeername(fd, (struct sockaddr *)&ss, &l) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
			port = ntohs(s4->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
			port = ntohs(s6->sin6_port);
		}
	}
	snprintf(out, cap, "%s port %u", a, port);
}

static uint64_t after_ms(uint32_t ms)
{
	return vxoff__mono_ns() + (uint64_t)ms * 1000000ull;
}

/* Constant-time comparison: the cookie must not leak through timing. */
static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* ---- new / free ---- */

struct listen_args {
	const char *bind;
	uint32_t port;
	int fd;
	int err;
	int family;
	struct sockaddr_storage ss;
	socklen_t len;
};

static int make_listener(void *arg)
{
	struct listen_args *a = arg;
	int one = 1, zero = 0, fd;

	fd = socket(a->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 && !a->bind && a->family == AF_INET6 && errno == EAFNOSUPPORT) {
		/* no IPv6 in this namespace: every IPv4 address then */
		struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;

		memset(&a->ss, 0, sizeof(a->ss));
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)a->port);
		a->len = sizeof(*s4);
		a->family = AF_INET;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	}
	if (fd < 0) {
		a->err = -errno;
		return 0;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_INET6 && !a->bind)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(fd, (struct sockaddr *)&a->ss, a->len) < 0 || listen(fd, BACKLOG) < 0) {
		a->err = -errno;
		close(fd);
		return 0;
	}
	a->len = sizeof(a->ss);
	getsockname(fd, (struct sockaddr *)&a->ss, &a->len);
	a->fd = fd;
	return 0;
}

static int parse_bind(const char *bind, uint32_t port, struct listen_args *a)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;

	memset(&a->ss, 0, sizeof(a->ss));
	if (!bind) {
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*s6);
		a->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, bind, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		a->len = sizeof(*s4);
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, bind, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*s6);
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void server_release(struct vxoff_bench_server *srv)
{
	if (srv->lfd >= 0)
		srv_close(srv, srv->lfd);
	if (srv->stop_efd >= 0)
		close(srv->stop_efd);
	if (srv->note_efd >= 0)
		close(srv->note_efd);
	vxoff_ctx_free(srv->ctx);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}

int vxoff_bench_server_new(struct vxoff_ctx *ctx, const struct vxoff_bench_server_opts *opts,
			   struct vxoff_bench_server **ret)
{
	struct vxoff_bench_server_opts o;
	struct vxoff_bench_server *srv = NULL;
	struct listen_args la = { .fd = -1 };
	struct vxoff_ctx_opts co = { .sz = sizeof(co) };
	uint32_t known = VXOFF_BENCH_SERVER_F_ONCE | VXOFF_BENCH_SERVER_F_ANY_PORT;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	r = vxoff__copy_in(&o, sizeof(o), opts, VXOFF_BENCH_SERVER_OPTS_SZ_0_1);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
			       "vxoff_bench_server_opts: sz %u is %s", opts ? opts->sz : 0,
			       r == -EINVAL ? "too small" : "larger, with bytes this library "
							    "does not know");
		goto out;
	}
	if (!ret || (o.flags & ~known) || o.reserved0 || o.port > 65535 ||
	    (o.log_level && (o.log_level < VXOFF_LOG_ERR || o.log_level > VXOFF_LOG_DEBUG))) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_bench_server_new: %s",
			       !ret		      ? "ret is NULL"
			       : (o.flags & ~known) ? "unknown flag bits"
			       : o.reserved0	      ? "reserved0 is not 0"
			       : o.port > 65535	      ? "port over 65535"
						      : "log_level out of range 3..7");
		goto out;
	}
	if (o.max_duration_s > VXOFF_BENCH_MAX_DURATION_MS / 1000u) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "max_duration_s %u over the limit of %u s", o.max_duration_s,
			       VXOFF_BENCH_MAX_DURATION_MS / 1000u);
		goto out;
	}
	la.bind = o.bind;
	la.port = (o.flags & VXOFF_BENCH_SERVER_F_ANY_PORT) ? 0
		  : o.port			      ? o.port
							      : VXOFF_BENCH_DEFAULT_PORT;
	if (parse_bind(o.bind, la.port, &la) < 0) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "bind address '%s' is not a numeric IPv4 or IPv6 address", o.bind);
		goto out;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto out;
	}
	srv->lfd = srv->stop_efd = srv->note_efd = -1;
	pthread_mutex_init(&srv->lock, NULL);
	srv->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	srv->note_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv->stop_efd < 0 || srv->note_efd < 0) {
		r = vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (vxoff__ctx_netns_fd(ctx) >= 0) {
		co.flags = VXOFF_CTX_F_NETNS_FD;
		co.netns_fd = vxoff__ctx_netns_fd(ctx);
	}
	co.procfs_root = vxoff__ctx_procfs_root(ctx);
	r = vxoff_ctx_new(&co, &srv->ctx);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "a context for the server: %s",
			       strerror(-r));
		goto fail;
	}
	vxoff_ctx_set_log(srv->ctx, o.log, o.log_user, o.log_level ? o.log_level : VXOFF_LOG_INFO);
	snprintf(srv->procfs, sizeof(srv->procfs), "%s",
		 vxoff__ctx_procfs_root(ctx) ? vxoff__ctx_procfs_root(ctx) : "/proc");
	r = vxoff__in_netns(ctx, make_listener, &la);
	if (r < 0)
		goto fail;
	if (la.fd < 0) {
		r = la.err;
		r = vxoff__err(ctx, r, r == -EACCES ? VXOFF_REASON_PRIVILEGE : VXOFF_REASON_SYSTEM,
			       "listening on %s port %u: %s", o.bind ? o.bind : "every address",
			       la.port, strerror(-r));
		goto fail;
	}
	srv->lfd = srv_track(srv, la.fd);
	srv->family = la.family;
	srv->local = la.ss;
	srv->local_len = la.len;
	srv->port = ntohs(la.family == AF_INET ? ((struct sockaddr_in *)&la.ss)->sin_port
					       : ((struct sockaddr_in6 *)&la.ss)->sin6_port);
	srv->flags = o.flags;
	srv->max_duration_s = o.max_duration_s ? o.max_duration_s : 86400u;
	*ret = srv;
	r = 0;
	goto out;
fail:
	server_release(srv);
out:
	vxoff__ctx_leave(ctx);
	return r;
}

void vxoff_bench_server_free(struct vxoff_bench_server *srv)
{
	if (!srv || atomic_load(&srv->running))
		return;
	for (uint32_t i = 0; i < srv->npend; i++)
		srv_close(srv, srv->pend[i].fd);
	flush_log(srv);
	server_release(srv);
}

int vxoff_bench_server_stop(struct vxoff_bench_server *srv)
{
	if (!srv)
		return -EINVAL;
	notify(srv->stop_efd); /* async-signal-safe: one write() */
	return 0;
}

int vxoff_bench_server_stats(const struct vxoff_bench_server *srv,
			     struct vxoff_bench_server_stats *out)
{
	struct vxoff_bench_server_stats s = { .sz = sizeof(s) };
	struct vxoff_bench_server *m = (struct vxoff_bench_server *)srv;

	if (!srv || !out)
		return -EINVAL;
	s.accepted = atomic_load_explicit(&m->accepted, memory_order_relaxed);
	s.tests = atomic_load_explicit(&m->tests, memory_order_relaxed);
	s.rejected = atomic_load_explicit(&m->rejected, memory_order_relaxed);
	s.protocol_errors = atomic_load_explicit(&m->protocol_errors, memory_order_relaxed);
	s.aborted = atomic_load_explicit(&m->aborted, memory_order_relaxed);
	s.open_fds = (uint32_t)atomic_load_explicit(&m->open_fds, memory_order_relaxed);
	s.port = srv->port;
	return vxoff__copy_out(out, &s, sizeof(s), 8u);
}

/* ---- the test thread ---- */

/* Send a frame an encoder made (NULL: out of memory) and free it. */
static int send_frame(struct test *t, uint8_t *frame, const size_t *len, uint32_t ms)
{
	int r;

	if (!frame)
		return -ENOMEM;
	r = vxoff__bench_write_all(t->ctl, frame, *len, after_ms(ms), t->srv->stop_efd);
	free(frame);
	return r;
}

static void send_err(struct test *t, uint32_t code, const char *text)
{
	struct vxoff__bench_error e = { .code = code };
	size_t len;

	snprintf(e.text, sizeof(e.text), "%s", text);
	send_frame(t, vxoff__bench_encode_error(&e, &len), &len, VXOFF__BENCH_IDLE_MS);
}

static void send_abort(struct test *t, const char *reason)
{
	size_t len = 0;
	uint8_t *f = vxoff__bench_encode_abort(reason, &len);

	/* no stop fd: stopping is often the reason, and the client must still learn it */
	if (f)
		vxoff__bench_write_all(t->ctl, f, len, after_ms(1000), -1);
	free(f);
}

struct sock_args {
	int family, type;
	const struct sockaddr_storage *bind_to;
	socklen_t bind_len;
	bool reuse;
	int fd;
	int err;
};

static int make_sock(void *arg)
{
	struct sock_args *a = arg;
	int one = 1, zero = 0;

	a->fd = socket(a->family, a->type | SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		a->err = -errno;
		return 0;
	}
	if (a->reuse) {
		setsockopt(a->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(a->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	}
	if (a->family == AF_INET6)
		setsockopt(a->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (a->bind_to && bind(a->fd, (const struct sockaddr *)a->bind_to, a->bind_len) < 0) {
		a->err = -errno;
		close(a->fd);
		a->fd = -1;
	}
	return 0;
}

/* A socket in the server's namespace; -errno on failure. */
static int test_socket(struct test *t, int type, const struct sockaddr_storage *bind_to,
		       socklen_t bind_len, bool reuse)
{
	struct sock_args a = { .family = t->srv->family, .type = type, .bind_to = bind_to,
			       .bind_len = bind_len, .reuse = reuse, .fd = -1 };
	int r = vxoff__in_netns(t->ctx, make_sock, &a);

	if (r < 0)
		return r;
	return a.fd >= 0 ? srv_track(t->srv, a.fd) : a.err;
}

static void set_port(struct sockaddr_storage *ss, uint32_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static uint32_t get_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void set_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

/* The control connection became readable before START: the client's ABORT, EOF or junk. */
static int ctl_event(struct test *t, const char *phase)
{
	uint16_t type = 0;
	uint8_t *pl = NULL;
	size_t len = 0;
	char reason[256] = "", why[128];
	int r;

	r = vxoff__bench_read_frame(t->ctl, after_ms(VXOFF__BENCH_IDLE_MS), t->srv->stop_efd,
				    &type, &pl, &len);
	if (r < 0) {
		twhy(t, "control connection lost during %s: %s", phase, strerror(-r));
		return r == -ECONNRESET ? -ECONNABORTED : -EPROTO;
	}
	if (type == VXOFF__BENCH_MSG_ABORT) {
		if (vxoff__bench_decode_abort(pl, len, reason, sizeof(reason), why, sizeof(why)) <
		    0)
			snprintf(reason, sizeof(reason), "(malformed: %s)", why);
		free(pl);
		twhy(t, "the client aborted during %s: %s", phase, reason);
		return -ECONNABORTED;
	}
	free(pl);
	twhy(t, "the client sent message type %u during %s: dropped", type, phase);
	return -EPROTO;
}

/* TCP: collect the data connections run() routed to us; stream ids in arrival order. */
static int tcp_streams(struct test *t, const struct vxoff__bench_params *p, int *fds,
		       uint64_t deadline)
{
	struct vxoff_bench_server *srv = t->srv;
	uint32_t n = 0;
	int r;

	while (n < p->streams) {
		struct pollfd pf[3] = { { .fd = t->data_efd, .events = POLLIN },
					{ .fd = t->ctl, .events = POLLIN },
					{ .fd = srv->stop_efd, .events = POLLIN } };
		uint64_t now = vxoff__mono_ns();
		int q[VXOFF_BENCH_MAX_STREAMS];
		uint32_t nq;

		if (now >= deadline) {
			twhy(t, "%u of %u data connections within %u ms: dropped", n,
			     p->streams, VXOFF__BENCH_STREAMS_MS);
			return -ETIMEDOUT;
		}
		r = poll(pf, 3, (int)((deadline - now) / 1000000ull) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (pf[2].revents)
			return -ECANCELED;
		if (pf[1].revents)
			return ctl_event(t, "the data connections");
		if (!pf[0].revents)
			continue;
		drain_efd(t->data_efd);
		pthread_mutex_lock(&srv->lock);
		nq = t->nqueue;
		memcpy(q, t->queue, nq * sizeof(int));
		t->nqueue = 0;
		pthread_mutex_unlock(&srv->lock);
		for (uint32_t i = 0; i < nq; i++) {
			uint8_t id[VXOFF__BENCH_STREAM_ID_LEN];
			char why[160];
			bool zc_off = false;

			if (n >= p->streams) {
				srv_close(srv, q[i]);
				continue;
			}
			r = vxoff__stream_sockopts(q[i], p, p->flags & VXOFF_BENCH_F_REVERSE,
						   &zc_off, why, sizeof(why));
			if (r < 0) {
				twhy(t, "data connection: %s", why);
				srv_close(srv, q[i]);
				for (uint32_t j = i + 1; j < nq; j++)
					srv_close(srv, q[j]);
				return r;
			}
			id[0] = (uint8_t)(n >> 24);
			id[1] = (uint8_t)(n >> 16);
			id[2] = (uint8_t)(n >> 8);
			id[3] = (uint8_t)n;
			r = vxoff__bench_write_all(q[i], id, sizeof(id), deadline, srv->stop_efd);
			set_blocking(q[i]);
			fds[n++] = q[i];
			if (r < 0) {
				for (uint32_t j = i + 1; j < nq; j++)
					srv_close(srv, q[j]);
				return r;
			}
		}
	}
	return 0;
}

/* UDP: each stream registers with cookie + id; the socket that got it connects to that
 * client and becomes the stream's, a fresh one (SO_REUSEPORT, same port) takes the next. */
static int udp_streams(struct test *t, const struct vxoff__bench_params *p, int *fds,
		       int *lfd, const struct sockaddr_storage *bound, socklen_t blen,
		       uint64_t deadline)
{
	struct vxoff_bench_server *srv = t->srv;
	uint32_t n = 0;
	int r;

	while (n < p->streams) {
		struct pollfd pf[3 + VXOFF_BENCH_MAX_STREAMS];
		uint8_t buf[64];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		uint64_t now = vxoff__mono_ns();
		nfds_t k = 0;
		ssize_t len;

		if (now >= deadline) {
			twhy(t, "%u of %u UDP streams registered within %u ms: dropped", n,
			     p->streams, VXOFF__BENCH_STREAMS_MS);
			return -ETIMEDOUT;
		}
		pf[k++] = (struct pollfd){ .fd = *lfd, .events = POLLIN };
		pf[k++] = (struct pollfd){ .fd = t->ctl, .events = POLLIN };
		pf[k++] = (struct pollfd){ .fd = srv->stop_efd, .events = POLLIN };
		for (uint32_t i = 0; i < p->streams; i++)
			if (fds[i] >= 0)
				pf[k++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		r = poll(pf, k, (int)((deadline - now) / 1000000ull) + 1);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		if (pf[2].revents)
			return -ECANCELED;
		if (pf[1].revents)
			return ctl_event(t, "the UDP registration");
		/* a repeated registration (our echo was lost): echo again */
		for (nfds_t i = 3; i < k; i++) {
			if (!pf[i].revents)
				continue;
			len = recv(pf[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (len == VXOFF__BENCH_UDP_REG_LEN &&
			    same_bytes(buf, t->cookie, VXOFF__BENCH_COOKIE_LEN))
				(void)send(pf[i].fd, buf, (size_t)len, MSG_DONTWAIT);
		}
		if (!pf[0].revents)
			continue;
		len = recvfrom(*lfd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (len < 0)
			continue;
		if (len != VXOFF__BENCH_UDP_REG_LEN ||
		    !same_bytes(buf, t->cookie, VXOFF__BENCH_COOKIE_LEN)) {
			atomic_fetch_add(&srv->protocol_errors, 1);
			tlog(t, VXOFF_LOG_WARNING,
			     "UDP registration of %zd bytes without the test's cookie: ignored",
			     len);
			continue;
		}
		{
			uint32_t id = (uint32_t)buf[16] << 24 | (uint32_t)buf[17] << 16 |
				      (uint32_t)buf[18] << 8 | buf[19];
			int nl;

			if (id >= p->streams || fds[id] >= 0)
				continue; /* a stale repeat: the stream's own socket answers it */
			if (connect(*lfd, (struct sockaddr *)&from, fl) < 0)
				return -errno;
			(void)send(*lfd, buf, (size_t)len, MSG_DONTWAIT);
			fds[id] = *lfd;
			*lfd = -1;
			n++;
			nl = test_socket(t, SOCK_DGRAM | SOCK_NONBLOCK, bound, blen, true);
			if (nl < 0)
				return nl;
			*lfd = nl;
		}
	}
	return 0;
}

struct test_state {
	struct vxoff__bench_params p;
	int fds[VXOFF_BENCH_MAX_STREAMS];
	int32_t cpus[VXOFF_BENCH_MAX_STREAMS];
	int udp_lfd;
	struct vxoff__data *data;
	struct vxoff__end_fig mine, theirs;
	struct vxoff__bench_frame early;
};

static uint32_t ncpus_conf(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (uint32_t)n : 1u;
}

/* PARAMS to PARAMS_OK or ERR. 1 = refused (ERR sent), 0 = accepted, <0 = dropped. */
static int negotiate(struct test *t, struct test_state *st, struct vxoff__bench_accept *acc,
		     struct sockaddr_storage *udp_bound, socklen_t *udp_blen)
{
	struct vxoff_bench_server *srv = t->srv;
	struct vxoff__bench_params *p = &st->p;
	uint16_t type = 0;
	uint8_t *pl = NULL;
	size_t len = 0;
	char why[256];
	int r, probe;

	r = vxoff__bench_read_frame(t->ctl, after_ms(VXOFF__BENCH_PARAMS_MS), srv->stop_efd,
				    &type, &pl, &len);
	if (r < 0 || type != VXOFF__BENCH_MSG_PARAMS) {
		free(pl);
		if (r == -ECANCELED)
			return r;
		twhy(t, "no valid PARAMS within %u ms (%s)", VXOFF__BENCH_PARAMS_MS,
		     r < 0 ? strerror(-r) : "another message type");
		return -EPROTO;
	}
	r = vxoff__bench_decode_params(pl, len, p, why, sizeof(why));
	free(pl);
	if (r < 0) {
		atomic_fetch_add(&srv->rejected, 1);
		tlog(t, VXOFF_LOG_WARNING, "client %s: parameters refused: %s", t->peer, why);
		send_err(t, VXOFF__BENCH_ERR_PARAM, why);
		return 1;
	}
	if ((uint64_t)p->omit_ms + p->duration_ms > (uint64_t)srv->max_duration_s * 1000u) {
		snprintf(why, sizeof(why),
			 "omit + duration = %llu ms is over this server's limit of %u s",
			 (unsigned long long)p->omit_ms + p->duration_ms, srv->max_duration_s);
		atomic_fetch_add(&srv->rejected, 1);
		tlog(t, VXOFF_LOG_WARNING, "client %s: %s", t->peer, why);
		send_err(t, VXOFF__BENCH_ERR_POLICY, why);
		return 1;
	}
	r = vxoff__bench_stream_cpus(p->server_cpus, p->streams, st->cpus, why, sizeof(why));
	if (r < 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "server_cpus: %s", why);
		atomic_fetch_add(&srv->rejected, 1);
		tlog(t, VXOFF_LOG_WARNING, "client %s: %s", t->peer, msg);
		send_err(t, VXOFF__BENCH_ERR_PARAM, msg);
		return 1;
	}
	/* the congestion control, tried on a socket of this namespace */
	probe = test_socket(t, SOCK_STREAM, NULL, 0, false);
	if (probe < 0) {
		send_err(t, VXOFF__BENCH_ERR_INTERNAL, "the server could not open a socket");
		return probe;
	}
	if (p->congestion[0] && setsockopt(probe, IPPROTO_TCP, TCP_CONGESTION, p->congestion,
					   strlen(p->congestion)) < 0) {
		snprintf(why, sizeof(why), "congestion control '%s' is not available on the "
			 "server (%s)", p->congestion, strerror(errno));
		srv_close(srv, probe);
		atomic_fetch_add(&srv->rejected, 1);
		tlog(t, VXOFF_LOG_WARNING, "client %s: %s", t->peer, why);
		send_err(t, VXOFF__BENCH_ERR_CC, why);
		return 1;
	}
	memset(acc, 0, sizeof(*acc));
	vxoff__stream_congestion(probe, acc->server_congestion);
	srv_close(srv, probe);
	acc->params = *p;
	acc->server_ncpus = ncpus_conf();
	do {
		if (getrandom(acc->cookie, sizeof(acc->cookie), 0) != sizeof(acc->cookie)) {
			send_err(t, VXOFF__BENCH_ERR_INTERNAL, "no random cookie");
			return -EIO;
		}
		/* a cookie that reads as a hello would be taken for a new client */
	} while (!memcmp(acc->cookie, VXOFF__BENCH_MAGIC, 4));
	acc->data_port = srv->port;
	if (p->flags & VXOFF_BENCH_F_UDP) {
		*udp_bound = srv->local;
		*udp_blen = srv->local_len;
		st->udp_lfd =
			test_socket(t, SOCK_DGRAM | SOCK_NONBLOCK, udp_bound, *udp_blen, true);
		if (st->udp_lfd < 0) {
			/* the TCP port's number is taken for UDP here: any port */
			set_port(udp_bound, 0);
			st->udp_lfd = test_socket(t, SOCK_DGRAM | SOCK_NONBLOCK, udp_bound,
						  *udp_blen, true);
		}
		if (st->udp_lfd < 0) {
			send_err(t, VXOFF__BENCH_ERR_INTERNAL, "the server could not bind UDP");
			return st->udp_lfd;
		}
		*udp_blen = sizeof(*udp_bound);
		getsockname(st->udp_lfd, (struct sockaddr *)udp_bound, udp_blen);
		acc->data_port = get_port(udp_bound);
	}
	atomic_store(&t->end_ns, vxoff__mono_ns() + ((uint64_t)p->omit_ms + p->duration_ms +
						     VXOFF__BENCH_STREAMS_MS) * 1000000ull);
	pthread_mutex_lock(&srv->lock);
	memcpy(t->cookie, acc->cookie, sizeof(t->cookie));
	t->want_data = !(p->flags & VXOFF_BENCH_F_UDP);
	pthread_mutex_unlock(&srv->lock);
	r = send_frame(t, vxoff__bench_encode_accept(acc, &len), &len, VXOFF__BENCH_IDLE_MS);
	return r;
}

static int exchange_results(struct test *t, struct test_state *st)
{
	struct vxoff_bench_server *srv = t->srv;
	uint16_t type = 0;
	uint8_t *pl = NULL;
	size_t len = 0;
	char why[256];
	int r;

	if (st->early.payload) {
		type = st->early.type;
		pl = st->early.payload;
		len = st->early.len;
		st->early.payload = NULL;
	} else {
		r = vxoff__bench_read_frame(t->ctl, after_ms(VXOFF__BENCH_RESULTS_MS),
					    srv->stop_efd, &type, &pl, &len);
		if (r < 0)
			return r;
	}
	if (type == VXOFF__BENCH_MSG_ABORT) {
		free(pl);
		return -ECONNABORTED;
	}
	if (type != VXOFF__BENCH_MSG_RESULTS) {
		free(pl);
		return -EPROTO;
	}
	r = vxoff__bench_decode_results(pl, len, &st->theirs, why, sizeof(why));
	free(pl);
	if (r < 0) {
		twhy(t, "malformed RESULTS: %s", why);
		return -EPROTO;
	}
	r = send_frame(t, vxoff__bench_encode_results(&st->mine, &len), &len,
		       VXOFF__BENCH_RESULTS_MS);
	if (r < 0)
		return r;
	r = vxoff__bench_read_frame(t->ctl, after_ms(VXOFF__BENCH_IDLE_MS), srv->stop_efd, &type,
				    &pl, &len);
	free(pl);
	if (r < 0 || type != VXOFF__BENCH_MSG_DONE)
		return r < 0 ? r : -EPROTO;
	/* before our DONE: a client that connects again right after it finds us free */
	atomic_store(&t->over, true);
	return send_frame(t, vxoff__bench_encode_done(&len), &len, VXOFF__BENCH_IDLE_MS);
}

static void log_done(struct test *t, const struct test_state *st)
{
	const struct vxoff__end_fig *rx = (st->p.flags & VXOFF_BENCH_F_REVERSE) ? &st->theirs
										 : &st->mine;
	uint64_t bytes = 0;
	double secs = st->p.duration_ms / 1000.0;

	for (uint32_t i = 0; i < rx->nstreams; i++)
		bytes += rx->streams[i].bytes_received;
	if (rx->cpu.window_ns)
		secs = (double)rx->cpu.window_ns / 1e9;
	tlog(t, VXOFF_LOG_INFO, "client %s: %s%s, %u stream%s, %.3f s: %.3f Gbit/s", t->peer,
	     (st->p.flags & VXOFF_BENCH_F_UDP) ? "UDP" : "TCP",
	     (st->p.flags & VXOFF_BENCH_F_REVERSE) ? " reverse" : "", st->p.streams,
	     st->p.streams == 1 ? "" : "s", secs, secs > 0 ? (double)bytes * 8 / secs / 1e9 : 0);
}

static int run_test(struct test *t, struct test_state *st)
{
	struct vxoff_bench_server *srv = t->srv;
	struct vxoff__bench_accept acc;
	struct sockaddr_storage ub;
	socklen_t ublen = 0;
	uint8_t hello[VXOFF__BENCH_HELLO_LEN];
	uint64_t deadline, start_ns = 0;
	uint16_t type = 0;
	uint8_t *pl = NULL;
	size_t len = 0;
	char why[256];
	int r;

	vxoff__bench_hello_encode(hello, VXOFF__BENCH_MAX_RESULTS);
	r = vxoff__bench_write_all(t->ctl, hello, sizeof(hello), after_ms(VXOFF__BENCH_HELLO_MS),
				   srv->stop_efd);
	if (r < 0)
		return r;
	r = negotiate(t, st, &acc, &ub, &ublen);
	if (r != 0)
		return r > 0 ? 0 : r;
	deadline = after_ms(VXOFF__BENCH_STREAMS_MS);
	if (st->p.flags & VXOFF_BENCH_F_UDP) {
		r = udp_streams(t, &st->p, st->fds, &st->udp_lfd, &ub, ublen, deadline);
		for (uint32_t i = 0; r == 0 && i < st->p.streams; i++) {
			bool zc_off = false;

			set_blocking(st->fds[i]);
			r = vxoff__stream_sockopts(st->fds[i], &st->p,
						   st->p.flags & VXOFF_BENCH_F_REVERSE, &zc_off,
						   why, sizeof(why));
		}
	} else {
		r = tcp_streams(t, &st->p, st->fds, deadline);
	}
	pthread_mutex_lock(&srv->lock);
	t->want_data = false;
	pthread_mutex_unlock(&srv->lock);
	if (r < 0)
		return r;
	r = vxoff__bench_read_frame(t->ctl, deadline, srv->stop_efd, &type, &pl, &len);
	if (r == 0 && type == VXOFF__BENCH_MSG_START)
		r = vxoff__bench_decode_start(pl, len, &start_ns, why, sizeof(why));
	else if (r == 0 && type == VXOFF__BENCH_MSG_ABORT)
		r = -ECONNABORTED;
	else if (r == 0)
		r = -EPROTO;
	free(pl);
	if (r < 0)
		return r;
	/* busy replies say when this test should be over */
	atomic_store(&t->end_ns, vxoff__mono_ns() + ((uint64_t)st->p.omit_ms + st->p.duration_ms +
						     500u) * 1000000ull);
	{
		struct vxoff__data_cfg cfg = {
			.params = &st->p,
			.sender = st->p.flags & VXOFF_BENCH_F_REVERSE,
			.nstreams = st->p.streams,
			.fds = st->fds,
			.cpus = st->cpus,
			.procfs_root = srv->procfs,
		};

		r = vxoff__data_new(&cfg, &st->data, why, sizeof(why));
		if (r < 0) {
			twhy(t, "%s", why);
			return r;
		}
		/* the data path owns the sockets now */
		for (uint32_t i = 0; i < st->p.streams; i++)
			st->fds[i] = -1;
	}
	r = vxoff__data_run(st->data, vxoff__mono_ns(), t->ctl, srv->stop_efd, NULL, NULL,
			    &st->early, why, sizeof(why));
	if (r < 0) {
		twhy(t, "test ended early: %s", why);
		return r;
	}
	r = vxoff__data_figures(st->data, &st->mine);
	if (r < 0)
		return r;
	r = exchange_results(t, st);
	if (r < 0)
		return r;
	log_done(t, st);
	atomic_fetch_add(&srv->tests, 1);
	return 0;
}

static void *test_main(void *arg)
{
	struct test *t = arg;
	struct vxoff_bench_server *srv = t->srv;
	struct test_state *st = calloc(1, sizeof(*st));
	int r = -ENOMEM;

	if (st) {
		st->udp_lfd = -1;
		for (uint32_t i = 0; i < VXOFF_BENCH_MAX_STREAMS; i++)
			st->fds[i] = -1;
		r = run_test(t, st);
	}
	atomic_store(&t->over, true);
	if (r == -ECANCELED) {
		send_abort(t, "the server is stopping");
		atomic_fetch_add(&srv->aborted, 1);
		tlog(t, VXOFF_LOG_INFO, "client %s: test aborted: the server is stopping",
		     t->peer);
	} else if (r == -ECONNABORTED || r == -ECONNRESET) {
		atomic_fetch_add(&srv->aborted, 1);
		tlog(t, VXOFF_LOG_INFO, "client %s: the client ended the test: %s", t->peer,
		     t->why[0] ? t->why : strerror(-r));
	} else if (r == -EPROTO) {
		atomic_fetch_add(&srv->protocol_errors, 1);
		send_abort(t, "protocol error");
		tlog(t, VXOFF_LOG_WARNING, "client %s: protocol error, dropped: %s", t->peer,
		     t->why[0] ? t->why : "unexpected message");
	} else if (r < 0) {
		char msg[160];

		snprintf(msg, sizeof(msg), "server error: %.140s", t->why[0] ? t->why
									   : strerror(-r));
		send_abort(t, msg);
		atomic_fetch_add(&srv->aborted, 1);
		tlog(t, VXOFF_LOG_WARNING, "client %s: test failed: %s", t->peer,
		     t->why[0] ? t->why : strerror(-r));
	}
	if (st) {
		/* the data path's sockets close with it */
		if (st->data) {
			uint32_t n = st->p.streams;

			vxoff__data_free(st->data);
			atomic_fetch_sub(&srv->open_fds, n);
		}
		for (uint32_t i = 0; i < VXOFF_BENCH_MAX_STREAMS; i++)
			srv_close(srv, st->fds[i]);
		srv_close(srv, st->udp_lfd);
		vxoff__end_fig_free(&st->mine);
		vxoff__end_fig_free(&st->theirs);
		free(st->early.payload);
		free(st);
	}
	atomic_store(&t->done, true);
	notify(srv->note_efd);
	return NULL;
}

/* ---- the run() thread ---- */

static void test_free(struct vxoff_bench_server *srv, struct test *t)
{
	pthread_join(t->th, NULL);
	pthread_mutex_lock(&srv->lock);
	for (uint32_t i = 0; i < t->nqueue; i++)
		srv_close(srv, t->queue[i]);
	t->nqueue = 0;
	pthread_mutex_unlock(&srv->lock);
	shutdown(t->ctl, SHUT_RDWR);
	srv_close(srv, t->ctl);
	close(t->data_efd);
	vxoff_ctx_free(t->ctx);
	free(t);
}

static int test_start(struct vxoff_bench_server *srv, int fd, const char *peer)
{
	struct vxoff_ctx_opts co = { .sz = sizeof(co) };
	struct test *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->srv = srv;
	t->ctl = fd;
	vxoff__bench_ctl_sockopts(fd);
	snprintf(t->peer, sizeof(t->peer), "%s", peer);
	t->data_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vxoff__ctx_netns_fd(srv->ctx) >= 0) {
		co.flags = VXOFF_CTX_F_NETNS_FD;
		co.netns_fd = vxoff__ctx_netns_fd(srv->ctx);
	}
	r = t->data_efd < 0 ? -errno : vxoff_ctx_new(&co, &t->ctx);
	if (r == 0) {
		r = -pthread_create(&t->th, NULL, test_main, t);
	}
	if (r < 0) {
		if (t->data_efd >= 0)
			close(t->data_efd);
		vxoff_ctx_free(t->ctx);
		free(t);
		return r;
	}
	srv->test = t;
	return 0;
}

static void pend_remove(struct vxoff_bench_server *srv, uint32_t i, bool close_fd)
{
	if (close_fd)
		srv_close(srv, srv->pend[i].fd);
	srv->pend[i] = srv->pend[--srv->npend];
}

/* Answer hello + ERR to a client we refuse, then let it read and close. */
static void refuse(struct pending *pc, uint32_t code,
		   uint32_t retry_ms, const char *text)
{
	struct vxoff__bench_error e = { .code = code, .retry_after_ms = retry_ms };
	uint8_t hello[VXOFF__BENCH_HELLO_LEN];
	uint8_t *frame;
	size_t len = 0;

	snprintf(e.text, sizeof(e.text), "%s", text);
	vxoff__bench_hello_encode(hello, VXOFF__BENCH_MAX_PARAMS);
	(void)!send(pc->fd, hello, sizeof(hello), MSG_DONTWAIT | MSG_NOSIGNAL);
	frame = vxoff__bench_encode_error(&e, &len);
	if (frame)
		(void)!send(pc->fd, frame, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	free(frame);
	shutdown(pc->fd, SHUT_WR);
	pc->drain = true;
	pc->deadline = after_ms(DRAIN_MS);
}

/* The first 16 bytes of a connection are in: decide what it is. Return true to keep it. */
static bool classify(struct vxoff_bench_server *srv, struct pending *pc)
{
	struct test *t = srv->test;
	uint16_t major = 0, minor = 0;
	uint32_t maxf = 0;
	int r;

	if (t && atomic_load(&t->over) && !(srv->flags & VXOFF_BENCH_SERVER_F_ONCE)) {
		/* the last test is only cleaning up: wait for it rather than refuse */
		test_free(srv, t);
		srv->test = t = NULL;
	}
	if (t) {
		bool routed = false;

		pthread_mutex_lock(&srv->lock);
		if (t->want_data && same_bytes(pc->buf, t->cookie, VXOFF__BENCH_COOKIE_LEN) &&
		    t->nqueue < VXOFF_BENCH_MAX_STREAMS) {
			t->queue[t->nqueue++] = pc->fd;
			routed = true;
		}
		pthread_mutex_unlock(&srv->lock);
		if (routed) {
			notify(t->data_efd);
			return false;
		}
	}
	r = vxoff__bench_hello_decode(pc->buf, &major, &minor, &maxf);
	if (r == -EPROTONOSUPPORT) {
		char text[128];

		snprintf(text, sizeof(text), "protocol version %u.x is not served here (%u.%u)",
			 major, VXOFF__BENCH_MAJOR, VXOFF__BENCH_MINOR);
		atomic_fetch_add(&srv->accepted, 1);
		atomic_fetch_add(&srv->rejected, 1);
		vxoff__log(srv->ctx, VXOFF_LOG_WARNING, "client %s: %s", pc->peer, text);
		refuse(pc, VXOFF__BENCH_ERR_VERSION, 0, text);
		return true;
	}
	if (r < 0) {
		atomic_fetch_add(&srv->protocol_errors, 1);
		vxoff__log(srv->ctx, VXOFF_LOG_WARNING, "client %s: %s: dropped", pc->peer,
			   t && t->want_data ? "neither a hello nor the test's cookie"
					     : "not a vxoff bench hello");
		srv_close(srv, pc->fd);
		return false;
	}
	atomic_fetch_add(&srv->accepted, 1);
	if (t) {
		uint64_t end = atomic_load(&t->end_ns), now = vxoff__mono_ns();
		uint64_t retry = end > now ? (end - now) / 1000000ull + 500 : 1000;

		atomic_fetch_add(&srv->rejected, 1);
		vxoff__log(srv->ctx, VXOFF_LOG_INFO, "client %s: busy with %s: refused", pc->peer,
			   t->peer);
		refuse(pc, VXOFF__BENCH_ERR_BUSY, retry > UINT32_MAX ? UINT32_MAX
								     : (uint32_t)retry,
		       "the server is running another test");
		return true;
	}
	r = test_start(srv, pc->fd, pc->peer);
	if (r < 0) {
		vxoff__log(srv->ctx, VXOFF_LOG_ERR, "client %s: cannot start a test: %s", pc->peer,
			   strerror(-r));
		srv_close(srv, pc->fd);
	}
	return false;
}

static void pending_io(struct vxoff_bench_server *srv, uint32_t i)
{
	struct pending *pc = &srv->pend[i];

	for (;;) {
		uint8_t junk[512];
		ssize_t n;

		if (pc->drain) {
			n = recv(pc->fd, junk, sizeof(junk), MSG_DONTWAIT);
			if (n > 0)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			pend_remove(srv, i, true); /* EOF or error: done */
			return;
		}
		n = recv(pc->fd, pc->buf + pc->got, sizeof(pc->buf) - pc->got, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			atomic_fetch_add(&srv->protocol_errors, 1);
			vxoff__log(srv->ctx, VXOFF_LOG_INFO, "client %s: closed after %u bytes",
				   pc->peer, pc->got);
			pend_remove(srv, i, true);
			return;
		}
		pc->got += (uint32_t)n;
		if (pc->got < sizeof(pc->buf))
			continue;
		{
			struct pending copy = *pc;

			pend_remove(srv, i, false);
			if (classify(srv, &copy) && srv->npend < VXOFF__BENCH_ACCEPT_BUDGET)
				srv->pend[srv->npend++] = copy;
			else if (copy.drain)
				srv_close(srv, copy.fd); /* no room left to drain it */
			return;
		}
	}
}

static void do_accept(struct vxoff_bench_server *srv)
{
	for (;;) {
		struct pending *pc;
		bool streams;
		/* cppcheck-suppress nullPointer ; accept4() takes NULL for an unwanted address */
		int fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		srv_track(srv, fd);
		if (srv->npend == VXOFF__BENCH_ACCEPT_BUDGET) {
			/* the oldest connection still without a handshake makes room */
			uint32_t old = 0;

			for (uint32_t i = 1; i < srv->npend; i++)
				if (srv->pend[i].deadline < srv->pend[old].deadline)
					old = i;
			atomic_fetch_add(&srv->protocol_errors, 1);
			vxoff__log(srv->ctx, VXOFF_LOG_WARNING,
				   "client %s: dropped before its handshake: %u connections wait",
				   srv->pend[old].peer, VXOFF__BENCH_ACCEPT_BUDGET);
			pend_remove(srv, old, true);
		}
		pthread_mutex_lock(&srv->lock);
		streams = srv->test && srv->test->want_data;
		pthread_mutex_unlock(&srv->lock);
		pc = &srv->pend[srv->npend++];
		memset(pc, 0, sizeof(*pc));
		pc->fd = fd;
		pc->deadline = after_ms(streams ? VXOFF__BENCH_COOKIE_MS : VXOFF__BENCH_HELLO_MS);
		peer_name(fd, pc->peer, sizeof(pc->peer));
	}
}

static void expire(struct vxoff_bench_server *srv)
{
	uint64_t now = vxoff__mono_ns();

	for (uint32_t i = 0; i < srv->npend;) {
		struct pending *pc = &srv->pend[i];

		if (pc->deadline > now) {
			i++;
			continue;
		}
		if (!pc->drain) {
			atomic_fetch_add(&srv->protocol_errors, 1);
			vxoff__log(srv->ctx, VXOFF_LOG_WARNING,
				   "client %s: no hello or cookie in time (%u of %zu bytes): "
				   "dropped",
				   pc->peer, pc->got, sizeof(pc->buf));
		}
		pend_remove(srv, i, true);
	}
}

int vxoff_bench_server_run(struct vxoff_bench_server *srv)
{
	bool expected = false, once_done = false;
	int r = 0;

	if (!srv)
		return -EINVAL;
	if (!atomic_compare_exchange_strong(&srv->running, &expected, true))
		return -EBUSY;
	vxoff__log(srv->ctx, VXOFF_LOG_INFO, "listening on port %u", srv->port);
	while (!once_done) {
		struct pollfd pf[3 + VXOFF__BENCH_ACCEPT_BUDGET];
		uint64_t now = vxoff__mono_ns(), next = now + 1000000000ull;
		nfds_t k = 0;
		int n;

		pf[k++] = (struct pollfd){ .fd = srv->stop_efd, .events = POLLIN };
		pf[k++] = (struct pollfd){ .fd = srv->note_efd, .events = POLLIN };
		pf[k++] = (struct pollfd){ .fd = srv->lfd, .events = POLLIN };
		for (uint32_t i = 0; i < srv->npend; i++) {
			pf[k++] = (struct pollfd){ .fd = srv->pend[i].fd, .events = POLLIN };
			if (srv->pend[i].deadline < next)
				next = srv->pend[i].deadline;
		}
		n = poll(pf, k, next > now ? (int)((next - now) / 1000000ull) + 1 : 0);
		if (n < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (pf[0].revents)
			break;
		if (pf[1].revents) {
			drain_efd(srv->note_efd);
			flush_log(srv);
			if (srv->test && atomic_load(&srv->test->done)) {
				test_free(srv, srv->test);
				srv->test = NULL;
				if (srv->flags & VXOFF_BENCH_SERVER_F_ONCE)
					once_done = true;
			}
		}
		/* pending connections by fd: their slots move as others leave */
		for (nfds_t j = 3; j < k; j++) {
			if (!pf[j].revents)
				continue;
			for (uint32_t i = 0; i < srv->npend; i++)
				if (srv->pend[i].fd == pf[j].fd) {
					pending_io(srv, i);
					break;
				}
		}
		if (pf[2].revents)
			do_accept(srv);
		expire(srv);
	}
	/* stopping (or done): the test sees the stop eventfd too and aborts */
	if (srv->test) {
		if (!once_done)
			notify(srv->stop_efd);
		test_free(srv, srv->test);
		srv->test = NULL;
	}
	for (uint32_t i = srv->npend; i > 0; i--)
		pend_remove(srv, i - 1, true);
	flush_log(srv);
	drain_efd(srv->stop_efd);
	drain_efd(srv->note_efd);
	atomic_store(&srv->running, false);
	return r;
}
