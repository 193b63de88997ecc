/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_bench_run(): one test against a server. Every option is checked here before anything
 * touches the network, so a bad one is named without a server; the server then checks the
 * same parameters again (vxoff__bench_params_check) and its own policy.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/perf_event.h>
#include <linux/tcp.h>

#include <vxoff/probe.h>

#include "bench/bench_internal.h"

#define TCP_LEN_DEFAULT (128u << 10)
#define UDP_REG_RETRY_MS 100

struct client {
	struct vxoff_ctx *ctx;
	struct vxoff_bench_opts o;
	struct vxoff__bench_params p;
	struct sockaddr_storage srv;
	socklen_t srv_len;
	int family;
	int ctl;
	int fds[VXOFF_BENCH_MAX_STREAMS];
	int32_t cpus[VXOFF_BENCH_MAX_STREAMS];
	struct vxoff__bench_accept acc;
	struct vxoff__data *data;
	struct vxoff_bench_result *res;
	/* interval callback */
	vxoff_bench_interval_fn fn;
	void *user;
	uint32_t nomit, nint;
	/* PMU */
	int *perf;
	uint32_t nperf;
	uint64_t cycles;
	char local_ifname[IF_NAMESIZE];
	uint32_t path_mtu;
};

/* ---- options ---- */

static int bad(struct client *c, const char *opt, const char *unit, unsigned long long v,
	       unsigned long long lim)
{
	return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
			  "%s %llu%s is over the limit of %llu%s", opt, v, unit, lim, unit);
}

static int check_opts(struct client *c)
{
	struct vxoff_bench_opts *o = &c->o;
	struct vxoff__bench_params *p = &c->p;
	uint32_t known = VXOFF_BENCH_F_UDP | VXOFF_BENCH_F_REVERSE | VXOFF_BENCH_F_ZEROCOPY |
			 VXOFF_BENCH_F_FIXED_RATE | VXOFF_BENCH_F_NO_CONDITIONS;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&c->srv;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&c->srv;
	const char *lim = "";
	char why[256];
	int r;

	if (o->flags & ~known)
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "vxoff_bench_opts.flags: unknown bits 0x%x", o->flags & ~known);
	if (o->reserved0)
		return vxoff__err(c->ctx, -E2BIG, VXOFF_REASON_STRUCT_SIZE,
				  "vxoff_bench_opts.reserved0 is not 0");
	if (!o->host || !*o->host)
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "host: the server's address is required");
	memset(&c->srv, 0, sizeof(c->srv));
	if (o->port > 65535)
		return bad(c, "port", lim, o->port, 65535);
	if (inet_pton(AF_INET, o->host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)(o->port ? o->port : VXOFF_BENCH_DEFAULT_PORT));
		c->srv_len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, o->host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)(o->port ? o->port : VXOFF_BENCH_DEFAULT_PORT));
		c->srv_len = sizeof(*s6);
	} else {
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "host '%s' is not a numeric IPv4 or IPv6 address", o->host);
	}
	c->family = c->srv.ss_family;
	memset(p, 0, sizeof(*p));
	p->flags = o->flags;
	p->streams = o->streams ? o->streams : 1;
	if (p->streams > VXOFF_BENCH_MAX_STREAMS)
		return bad(c, "streams (-P)", lim, p->streams, VXOFF_BENCH_MAX_STREAMS);
	p->duration_ms = o->duration_ms ? o->duration_ms : 10000;
	if (p->duration_ms > VXOFF_BENCH_MAX_DURATION_MS)
		return bad(c, "duration (-t)", " ms",
			   p->duration_ms, VXOFF_BENCH_MAX_DURATION_MS);
	p->omit_ms = o->omit_ms;
	if (p->omit_ms > VXOFF_BENCH_MAX_OMIT_MS)
		return bad(c, "omit (-O)", " ms", p->omit_ms,
			   VXOFF_BENCH_MAX_OMIT_MS);
	p->interval_ms = o->interval_ms ? o->interval_ms : 1000;
	if (p->interval_ms < 100 || p->interval_ms > 60000)
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "interval (-i) %u ms is out of range 100..60000 ms",
				  p->interval_ms);
	if (o->len > VXOFF_BENCH_MAX_LEN)
		return bad(c, "len (-l)", lim, o->len, VXOFF_BENCH_MAX_LEN);
	if ((o->flags & VXOFF_BENCH_F_UDP) && o->len &&
	    (o->len < VXOFF__BENCH_UDP_HDR || o->len > VXOFF__BENCH_UDP_MAX))
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "len (-l) %u: a UDP payload is %u..%u bytes (sequence number and "
				  "timestamp first)",
				  o->len, VXOFF__BENCH_UDP_HDR, VXOFF__BENCH_UDP_MAX);
	p->len = o->len; /* UDP's default needs the path MTU: set after connect */
	p->rate_bps = o->rate_bps;
	if ((o->flags & VXOFF_BENCH_F_FIXED_RATE) && !o->rate_bps)
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "rate_bps (-b) is required with fixed-rate mode");
	if (o->sndbuf > VXOFF_BENCH_MAX_SOCKBUF)
		return bad(c, "sndbuf", lim, o->sndbuf, VXOFF_BENCH_MAX_SOCKBUF);
	if (o->rcvbuf > VXOFF_BENCH_MAX_SOCKBUF)
		return bad(c, "rcvbuf", lim, o->rcvbuf, VXOFF_BENCH_MAX_SOCKBUF);
	p->sndbuf = o->sndbuf;
	p->rcvbuf = o->rcvbuf;
	if (o->congestion) {
		if (strlen(o->congestion) >= sizeof(p->congestion))
			return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
					  "congestion control (-C) '%s' is longer than %zu bytes",
					  o->congestion, sizeof(p->congestion) - 1);
		snprintf(p->congestion, sizeof(p->congestion), "%s", o->congestion);
	}
	if (o->server_cpus) {
		if (strlen(o->server_cpus) >= sizeof(p->server_cpus))
			return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_ARG,
					  "server CPU list is longer than %zu bytes",
					  sizeof(p->server_cpus) - 1);
		snprintf(p->server_cpus, sizeof(p->server_cpus), "%s", o->server_cpus);
	}
	r = vxoff__bench_stream_cpus(o->cpus, p->streams, c->cpus, why, sizeof(why));
	if (r < 0)
		return vxoff__err(c->ctx, r, VXOFF_REASON_ARG, "client CPUs (-A): %s", why);
	/* the same check the server makes, with a placeholder length for UDP's default */
	{
		struct vxoff__bench_params q = *p;

		if (!q.len)
			q.len = (p->flags & VXOFF_BENCH_F_UDP) ? 1400 : TCP_LEN_DEFAULT;
		r = vxoff__bench_params_check(&q, why, sizeof(why));
		if (r < 0)
			return vxoff__err(c->ctx, r, VXOFF_REASON_ARG, "bench options: %s", why);
	}
	c->o.timeout_ms = o->timeout_ms ? o->timeout_ms : 5000;
	return 0;
}

/* ---- sockets in the context's namespace ---- */

struct sock_args {
	int family, type, fd, err;
};

static int make_sock(void *arg)
{
	struct sock_args *a = arg;

	a->fd = socket(a->family, a->type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	a->err = a->fd < 0 ? -errno : 0;
	return 0;
}

static int new_socket(struct client *c, int type)
{
	struct sock_args a = { .family = c->family, .type = type, .fd = -1 };
	int r = vxoff__in_netns(c->ctx, make_sock, &a);

	if (r < 0)
		return r;
	if (a.fd < 0)
		return vxoff__err(c->ctx, a.err == -EAFNOSUPPORT ? -EAFNOSUPPORT : a.err,
				  VXOFF_REASON_SYSTEM, "a socket for %s: %s", c->o.host,
				  strerror(-a.err));
	return a.fd;
}

static int set_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -errno : fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? -errno : 0;
}

static int connect_to(struct client *c, int fd, uint64_t deadline, const char *what)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t l = sizeof(err);
	int r;

	if (connect(fd, (struct sockaddr *)&c->srv, c->srv_len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		err = errno;
	while (!err) {
		uint64_t now = vxoff__mono_ns();

		if (now >= deadline)
			return vxoff__err(c->ctx, -ETIMEDOUT, VXOFF_REASON_TIMEOUT,
					  "%s to %s port %u: no answer within %u ms", what,
					  c->o.host,
					  ntohs(((struct sockaddr_in *)&c->srv)->sin_port),
					  c->o.timeout_ms);
		r = poll(&pf, 1, (int)((deadline - now) / 1000000ull) + 1);
		if (r < 0 && errno != EINTR)
			err = errno;
		if (r > 0) {
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
			break;
		}
	}
	if (!err)
		return 0;
	return vxoff__err(c->ctx, -err,
			  err == ECONNREFUSED ? VXOFF_REASON_PEER : VXOFF_REASON_SYSTEM,
			  "%s to %s port %u: %s", what, c->o.host,
			  ntohs(((struct sockaddr_in *)&c->srv)->sin_port), strerror(err));
}

static uint64_t after_ms(uint32_t ms)
{
	return vxoff__mono_ns() + (uint64_t)ms * 1000000ull;
}

static int io_err(struct client *c, int r, const char *what)
{
	if (r == -ETIMEDOUT)
		return vxoff__err(c->ctx, r, VXOFF_REASON_TIMEOUT, "%s: the server at %s did not "
				  "answer in time", what, c->o.host);
	if (r == -ECONNRESET)
		return vxoff__err(c->ctx, r, VXOFF_REASON_PEER,
				  "%s: the server at %s closed the connection", what, c->o.host);
	if (r == -EPROTO)
		return vxoff__err(c->ctx, r, VXOFF_REASON_PROTOCOL,
				  "%s: the server at %s broke the protocol", what, c->o.host);
	return vxoff__err(c->ctx, r, VXOFF_REASON_SYSTEM, "%s: %s", what, strerror(-r));
}

static int send_frame(struct client *c, uint8_t *frame, const size_t *len, uint32_t ms,
		      const char *what)
{
	int r;

	if (!frame)
		return vxoff__err(c->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
	r = vxoff__bench_write_all(c->ctl, frame, *len, after_ms(ms), -1);
	free(frame);
	return r < 0 ? io_err(c, r, what) : 0;
}

static void send_abort(struct client *c, const char *reason)
{
	size_t len = 0;
	uint8_t *f = vxoff__bench_encode_abort(reason, &len);

	if (f)
		vxoff__bench_write_all(c->ctl, f, len, after_ms(1000), -1);
	free(f);
}

/* ---- handshake ---- */

static int err_from_server(struct client *c, const uint8_t *pl, size_t len)
{
	struct vxoff__bench_error e;
	char why[128];
	int r;

	r = vxoff__bench_decode_error(pl, len, &e, why, sizeof(why));
	if (r < 0)
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "the server at %s sent a malformed ERR: %s", c->o.host, why);
	switch (e.code) {
	case VXOFF__BENCH_ERR_BUSY:
		return vxoff__err(c->ctx, -EBUSY, VXOFF_REASON_PEER,
				  "the server at %s is busy: %s (retry after %u ms)", c->o.host,
				  e.text, e.retry_after_ms);
	case VXOFF__BENCH_ERR_VERSION:
		return vxoff__err(c->ctx, -EPROTONOSUPPORT, VXOFF_REASON_PEER,
				  "the server at %s refused the protocol version: %s", c->o.host,
				  e.text);
	case VXOFF__BENCH_ERR_CC:
		return vxoff__err(c->ctx, -ENOENT, VXOFF_REASON_PEER, "the server at %s: %s",
				  c->o.host, e.text);
	case VXOFF__BENCH_ERR_AF:
		return vxoff__err(c->ctx, -EAFNOSUPPORT, VXOFF_REASON_PEER,
				  "the server at %s: %s", c->o.host, e.text);
	case VXOFF__BENCH_ERR_PARAM:
	case VXOFF__BENCH_ERR_POLICY:
		return vxoff__err(c->ctx, -EINVAL, VXOFF_REASON_PEER,
				  "the server at %s refused the parameters: %s", c->o.host, e.text);
	default:
		return vxoff__err(c->ctx, -EIO, VXOFF_REASON_PEER,
				  "the server at %s failed (code %u): %s", c->o.host, e.code,
				  e.text);
	}
}

/* The congestion control must exist here too (ENOENT), before the server is asked. */
static int check_cc_local(struct client *c)
{
	int fd, r = 0;

	if (!c->p.congestion[0] || (c->p.flags & VXOFF_BENCH_F_UDP))
		return 0;
	fd = new_socket(c, SOCK_STREAM);
	if (fd < 0)
		return fd;
	if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, c->p.congestion,
		       strlen(c->p.congestion)) < 0) {
		int e = errno;

		r = vxoff__err(c->ctx, -e, e == ENOENT ? VXOFF_REASON_ARG : VXOFF_REASON_KERNEL,
			       "congestion control (-C) '%s' is not available on the client: %s",
			       c->p.congestion, strerror(e));
	}
	close(fd);
	return r;
}

static int handshake(struct client *c)
{
	uint8_t hello[VXOFF__BENCH_HELLO_LEN];
	uint64_t deadline = after_ms(c->o.timeout_ms);
	uint16_t major, minor, type = 0;
	uint32_t maxf;
	uint8_t *pl = NULL, *f;
	size_t len = 0;
	char why[256];
	int r;

	c->ctl = new_socket(c, SOCK_STREAM);
	if (c->ctl < 0)
		return c->ctl;
	vxoff__bench_ctl_sockopts(c->ctl);
	r = connect_to(c, c->ctl, deadline, "connecting the control connection");
	if (r < 0)
		return r;
	vxoff__bench_hello_encode(hello, VXOFF__BENCH_MAX_RESULTS);
	r = vxoff__bench_write_all(c->ctl, hello, sizeof(hello), deadline, -1);
	if (r == 0)
		r = vxoff__bench_read_all(c->ctl, hello, sizeof(hello), deadline, -1);
	if (r < 0)
		return io_err(c, r, "hello");
	r = vxoff__bench_hello_decode(hello, &major, &minor, &maxf);
	if (r == -EPROTONOSUPPORT)
		return vxoff__err(c->ctx, r, VXOFF_REASON_PEER,
				  "the server at %s speaks protocol version %u.%u, this client "
				  "%u.%u",
				  c->o.host, major, minor, VXOFF__BENCH_MAJOR, VXOFF__BENCH_MINOR);
	if (r < 0)
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "%s port %u is not a vxoff bench server (wrong magic)", c->o.host,
				  ntohs(((struct sockaddr_in *)&c->srv)->sin_port));
	/* UDP's default payload: what fits the path MTU in one packet */
	{
		int mtu = 0;
		socklen_t l = sizeof(mtu);

		if (c->family == AF_INET)
			getsockopt(c->ctl, IPPROTO_IP, IP_MTU, &mtu, &l);
		else
			getsockopt(c->ctl, IPPROTO_IPV6, IPV6_MTU, &mtu, &l);
		c->path_mtu = mtu > 0 ? (uint32_t)mtu : 1500u;
	}
	if (!c->p.len) {
		uint32_t hdr = c->family == AF_INET ? 28u : 48u;

		c->p.len = (c->p.flags & VXOFF_BENCH_F_UDP)
				   ? (c->path_mtu > hdr + VXOFF__BENCH_UDP_HDR ? c->path_mtu - hdr
									       : 1400u)
				   : TCP_LEN_DEFAULT;
	}
	f = vxoff__bench_encode_params(&c->p, &len);
	r = send_frame(c, f, &len, c->o.timeout_ms, "sending PARAMS");
	if (r < 0)
		return r;
	r = vxoff__bench_read_frame(c->ctl, after_ms(VXOFF__BENCH_PARAMS_MS), -1, &type, &pl,
				    &len);
	if (r < 0)
		return io_err(c, r, "waiting for PARAMS_OK");
	if (type == VXOFF__BENCH_MSG_ERR) {
		r = err_from_server(c, pl, len);
		free(pl);
		return r;
	}
	if (type != VXOFF__BENCH_MSG_PARAMS_OK) {
		free(pl);
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "the server at %s answered PARAMS with message type %u",
				  c->o.host, type);
	}
	r = vxoff__bench_decode_accept(pl, len, &c->acc, why, sizeof(why));
	free(pl);
	if (r < 0)
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "the server at %s sent a malformed PARAMS_OK: %s", c->o.host,
				  why);
	/* the server's effective values, checked with the same code */
	r = vxoff__bench_params_check(&c->acc.params, why, sizeof(why));
	if (r < 0 || c->acc.params.streams != c->p.streams ||
	    (c->acc.params.flags & ~VXOFF_BENCH_F_NO_CONDITIONS) !=
		    (c->p.flags & ~VXOFF_BENCH_F_NO_CONDITIONS))
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "the server at %s accepted other parameters than asked: %s",
				  c->o.host, r < 0 ? why : "streams or flags differ");
	c->acc.params.flags |= c->p.flags & VXOFF_BENCH_F_NO_CONDITIONS;
	c->p = c->acc.params;
	return 0;
}

static void set_data_port(struct client *c)
{
	if (c->family == AF_INET)
		((struct sockaddr_in *)&c->srv)->sin_port = htons((uint16_t)c->acc.data_port);
	else
		((struct sockaddr_in6 *)&c->srv)->sin6_port = htons((uint16_t)c->acc.data_port);
}

static int udp_register(struct client *c, int fd, uint32_t id, uint64_t deadline)
{
	uint8_t reg[VXOFF__BENCH_UDP_REG_LEN], ack[64];

	memcpy(reg, c->acc.cookie, VXOFF__BENCH_COOKIE_LEN);
	reg[16] = (uint8_t)(id >> 24);
	reg[17] = (uint8_t)(id >> 16);
	reg[18] = (uint8_t)(id >> 8);
	reg[19] = (uint8_t)id;
	while (vxoff__mono_ns() < deadline) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		uint64_t until = after_ms(UDP_REG_RETRY_MS);

		(void)send(fd, reg, sizeof(reg), MSG_DONTWAIT);
		/* a registration may be lost or refused (ICMP) until the server's socket is
		 * there: send again every 100 ms */
		while (vxoff__mono_ns() < until) {
			ssize_t n;

			if (poll(&pf, 1, UDP_REG_RETRY_MS) <= 0)
				break;
			n = recv(fd, ack, sizeof(ack), MSG_DONTWAIT);
			if (n == (ssize_t)sizeof(reg) && !memcmp(ack, reg, sizeof(reg)))
				return 0;
			if (n < 0 && errno != EAGAIN && errno != ECONNREFUSED && errno != EINTR)
				return vxoff__err(c->ctx, -errno, VXOFF_REASON_SYSTEM,
						  "registering UDP stream %u: %s", id,
						  strerror(errno));
		}
	}
	return vxoff__err(c->ctx, -ETIMEDOUT, VXOFF_REASON_TIMEOUT,
			  "UDP stream %u: the server at %s did not acknowledge it", id, c->o.host);
}

static int connect_streams(struct client *c)
{
	bool udp = c->p.flags & VXOFF_BENCH_F_UDP;
	bool sender = !(c->p.flags & VXOFF_BENCH_F_REVERSE);
	uint64_t deadline = after_ms(VXOFF__BENCH_STREAMS_MS);
	char why[256];
	int r;

	set_data_port(c);
	for (uint32_t i = 0; i < c->p.streams; i++) {
		bool zc_off = false;
		int fd = new_socket(c, udp ? SOCK_DGRAM : SOCK_STREAM);
		uint32_t id = i;

		if (fd < 0)
			return fd;
		r = vxoff__stream_sockopts(fd, &c->p, sender, &zc_off, why, sizeof(why));
		if (r < 0) {
			close(fd);
			return vxoff__err(c->ctx, r,
					  r == -ENOENT ? VXOFF_REASON_ARG : VXOFF_REASON_SYSTEM,
					  "data stream %u: %s", i, why);
		}
		if (zc_off && !(c->res->flags & VXOFF_BENCH_R_ZEROCOPY_OFF)) {
			c->res->flags |= VXOFF_BENCH_R_ZEROCOPY_OFF;
			vxoff__warn(c->ctx, VXOFF_WARN_ADJUSTED, "zerocopy", 1, 0,
				    "MSG_ZEROCOPY is not available for %s sockets here: plain "
				    "send() instead",
				    udp ? "UDP" : "these TCP");
		}
		r = connect_to(c, fd, deadline, "connecting a data stream");
		if (r < 0) {
			close(fd);
			return r;
		}
		if (udp) {
			r = udp_register(c, fd, i, deadline);
		} else {
			uint8_t idb[VXOFF__BENCH_STREAM_ID_LEN] = { 0 };

			r = vxoff__bench_write_all(fd, c->acc.cookie, VXOFF__BENCH_COOKIE_LEN,
						   deadline, -1);
			if (r == 0)
				r = vxoff__bench_read_all(fd, idb, sizeof(idb), deadline, -1);
			if (r < 0)
				r = io_err(c, r, "data stream handshake");
			else
				id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 |
				     (uint32_t)idb[2] << 8 | idb[3];
			if (r == 0 && (id >= c->p.streams || c->fds[id] >= 0))
				r = vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
					       "the server gave data stream %u the id %u", i, id);
		}
		if (r == 0)
			r = set_blocking(fd);
		if (r < 0) {
			close(fd);
			return r;
		}
		c->fds[id] = fd;
	}
	return 0;
}

/* ---- cycles: system-wide PMU counters over the window, never invented ---- */

static void perf_open(struct client *c)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	c->res->cycles_state = VXOFF_CAP_NO;
	c->perf = calloc(n > 0 ? (size_t)n : 1, sizeof(int));
	if (!c->perf) {
		c->res->cycles_err = -ENOMEM;
		return;
	}
	for (long cpu = 0; cpu < n; cpu++) {
		struct perf_event_attr a = {
			.type = PERF_TYPE_HARDWARE,
			.size = sizeof(a),
			.config = PERF_COUNT_HW_CPU_CYCLES,
			.disabled = 1,
		};
		int fd = (int)syscall(SYS_perf_event_open, &a, -1, (int)cpu, -1,
				      PERF_FLAG_FD_CLOEXEC);

		if (fd < 0) {
			c->res->cycles_err = -errno;
			for (uint32_t i = 0; i < c->nperf; i++)
				close(c->perf[i]);
			c->nperf = 0;
			return;
		}
		c->perf[c->nperf++] = fd;
	}
	c->res->cycles_err = 0;
}

static void perf_window(struct client *c, bool start)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < c->nperf; i++) {
		uint64_t v = 0;

		if (start) {
			ioctl(c->perf[i], PERF_EVENT_IOC_RESET, 0);
			ioctl(c->perf[i], PERF_EVENT_IOC_ENABLE, 0);
			continue;
		}
		ioctl(c->perf[i], PERF_EVENT_IOC_DISABLE, 0);
		if (read(c->perf[i], &v, sizeof(v)) != (ssize_t)sizeof(v)) {
			c->res->cycles_state = VXOFF_CAP_NO;
			c->res->cycles_err = -EIO;
			return;
		}
		sum += v;
	}
	if (!start && c->nperf) {
		c->res->cycles = (double)sum;
		c->res->cycles_state = VXOFF_CAP_YES;
	}
}

/* ---- the run ---- */

static int tick(void *user, uint32_t index, uint32_t omitted,
		const struct vxoff__interval_fig *row, uint32_t n)
{
	struct client *c = user;
	struct vxoff_bench_interval sum = { .sz = sizeof(sum) };

	if (index + 1 == c->nomit)
		perf_window(c, true);
	if (index + 1 == c->nint && index >= c->nomit)
		perf_window(c, false);
	if (!c->fn)
		return 0;
	sum.index = index;
	sum.stream = VXOFF_BENCH_ALL_STREAMS;
	sum.omitted = omitted;
	for (uint32_t i = 0; i < n; i++) {
		struct vxoff_bench_interval iv = { .sz = sizeof(iv) };
		double secs = (double)(row[i].end_ns - row[i].start_ns) / 1e9;

		iv.index = index;
		iv.stream = i;
		iv.omitted = omitted;
		iv.start_ns = row[i].start_ns;
		iv.end_ns = row[i].end_ns;
		iv.bytes = row[i].bytes;
		iv.throughput_bps = secs > 0 ? (double)row[i].bytes * 8 / secs : 0;
		iv.retransmits = row[i].retransmits;
		iv.rtt_us = row[i].rtt_us;
		iv.snd_cwnd = row[i].snd_cwnd;
		iv.client_busy_cpus = row[i].busy_cpus;
		if (c->fn(c->user, &iv))
			return 1;
		sum.start_ns = iv.start_ns;
		sum.end_ns = iv.end_ns;
		sum.bytes += iv.bytes;
		sum.throughput_bps += iv.throughput_bps;
		sum.retransmits += iv.retransmits;
		if (iv.rtt_us > sum.rtt_us)
			sum.rtt_us = iv.rtt_us;
		sum.snd_cwnd += iv.snd_cwnd;
		sum.client_busy_cpus = iv.client_busy_cpus;
	}
	return c->fn(c->user, &sum) ? 1 : 0;
}

static int run_data(struct client *c, struct vxoff__bench_frame *early)
{
	uint64_t *ends = NULL;
	uint8_t *f;
	size_t len = 0;
	char why[320];
	int r;
	struct vxoff__data_cfg cfg = {
		.params = &c->p,
		.sender = !(c->p.flags & VXOFF_BENCH_F_REVERSE),
		.nstreams = c->p.streams,
		.fds = c->fds,
		.cpus = c->cpus,
		.procfs_root = vxoff__ctx_procfs_root(c->ctx),
	};

	r = vxoff__bench_schedule(&c->p, &ends, &c->nint, &c->nomit);
	free(ends);
	if (r < 0)
		return vxoff__err(c->ctx, r, VXOFF_REASON_SYSTEM, "out of memory");
	r = vxoff__data_new(&cfg, &c->data, why, sizeof(why));
	if (r < 0)
		return vxoff__err(c->ctx, r, VXOFF_REASON_SYSTEM, "%s", why);
	for (uint32_t i = 0; i < c->p.streams; i++)
		c->fds[i] = -1; /* the data path's now */
	perf_open(c);
	f = vxoff__bench_encode_start(vxoff__mono_ns(), &len);
	r = send_frame(c, f, &len, VXOFF__BENCH_IDLE_MS, "sending START");
	if (r < 0)
		return r;
	if (!c->nomit)
		perf_window(c, true);
	/* a server may send its RESULTS before its window ends by our clock: kept in early */
	r = vxoff__data_run(c->data, vxoff__mono_ns(), c->ctl, -1, tick, c, early, why,
			    sizeof(why));
	if (r == -ECANCELED) {
		send_abort(c, "cancelled by the client's caller");
		return vxoff__err(c->ctx, r, VXOFF_REASON_NONE, "%s", why);
	}
	if (r == -ECONNABORTED)
		return vxoff__err(c->ctx, r, VXOFF_REASON_PEER, "server %s: %s", c->o.host, why);
	if (r < 0) {
		char reason[256];

		snprintf(reason, sizeof(reason), "client: %.240s", why);
		send_abort(c, reason);
		return vxoff__err(c->ctx, r, r == -EPROTO ? VXOFF_REASON_PROTOCOL
							  : VXOFF_REASON_SYSTEM,
				  "%s", why);
	}
	if (vxoff__data_zerocopy_off(c->data))
		c->res->flags |= VXOFF_BENCH_R_ZEROCOPY_OFF;
	r = vxoff__data_figures(c->data, &c->res->client);
	if (r < 0)
		return vxoff__err(c->ctx, r, VXOFF_REASON_SYSTEM, "out of memory");
	return 0;
}

/* Ours first, then the server's (a vxoff server reads before it writes), unless the server
 * already sent its own during the run. */
static int exchange_results(struct client *c, struct vxoff__bench_frame *early)
{
	uint16_t type = 0;
	uint8_t *pl = NULL, *f;
	size_t len = 0;
	char why[256];
	int r;

	f = vxoff__bench_encode_results(&c->res->client, &len);
	r = send_frame(c, f, &len, VXOFF__BENCH_RESULTS_MS, "sending RESULTS");
	if (r < 0)
		return r;
	if (early->payload) {
		type = early->type;
		pl = early->payload;
		len = early->len;
		early->payload = NULL;
	} else {
		r = vxoff__bench_read_frame(c->ctl, after_ms(VXOFF__BENCH_RESULTS_MS), -1, &type,
					    &pl, &len);
		if (r < 0)
			return io_err(c, r, "waiting for the server's RESULTS");
	}
	if (type == VXOFF__BENCH_MSG_ABORT) {
		char reason[256] = "";

		vxoff__bench_decode_abort(pl, len, reason, sizeof(reason), why, sizeof(why));
		free(pl);
		return vxoff__err(c->ctx, -ECONNABORTED, VXOFF_REASON_PEER,
				  "the server at %s aborted the test: %s", c->o.host, reason);
	}
	if (type != VXOFF__BENCH_MSG_RESULTS) {
		free(pl);
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "the server at %s sent message type %u instead of RESULTS",
				  c->o.host, type);
	}
	r = vxoff__bench_decode_results(pl, len, &c->res->server, why, sizeof(why));
	free(pl);
	if (r < 0)
		return vxoff__err(c->ctx, -EPROTO, VXOFF_REASON_PROTOCOL,
				  "the server at %s sent malformed RESULTS: %s", c->o.host, why);
	c->res->have_server = true;
	f = vxoff__bench_encode_done(&len);
	r = send_frame(c, f, &len, VXOFF__BENCH_IDLE_MS, "sending DONE");
	if (r < 0)
		return r;
	/* the server's DONE lets both sides close in order; its absence costs nothing */
	if (vxoff__bench_read_frame(c->ctl, after_ms(VXOFF__BENCH_IDLE_MS), -1, &type, &pl,
				    &len) == 0)
		free(pl);
	return 0;
}

/* ---- conditions ---- */

struct ifa_args {
	struct sockaddr_storage local;
	char name[IF_NAMESIZE];
};

static bool same_addr(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (!a || a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

static int find_ifname(void *arg)
{
	struct ifa_args *a = arg;
	struct ifaddrs *list, *i;

	if (getifaddrs(&list) < 0)
		return 0;
	for (i = list; i; i = i->ifa_next)
		if (same_addr(i->ifa_addr, &a->local)) {
			snprintf(a->name, sizeof(a->name), "%s", i->ifa_name);
			break;
		}
	freeifaddrs(list);
	return 0;
}

static const char *const cond_features[] = {
	"tx-tcp-segmentation",	   "tx-generic-segmentation",	   "rx-gro",
	"rx-gro-hw",		   "rx-gro-list",		   "rx-udp-gro-forwarding",
	"tx-udp_tnl-segmentation", "tx-udp_tnl-csum-segmentation", "large-receive-offload",
	"rx-checksum",		   "tx-checksum-ip-generic",	   "tx-udp-segmentation",
};

static json_object *device_json(struct vxoff_ctx *pctx, const char *ifname, uint32_t ifindex,
				uint32_t *underlay)
{
	VXOFF_OPTS(vxoff_probe_opts, po,
		   .items = (1u << VXOFF_ITEM_LINK) | (1u << VXOFF_ITEM_FEATURES));
	VXOFF_OUT(vxoff_link_info, li);
	struct vxoff_devinfo *di = NULL;
	json_object *o = json_object_new_object(), *feat;

	if (!o)
		return NULL;
	if (vxoff_probe_device(pctx, ifname, ifindex, &po, &di) < 0) {
		struct vxoff_error e = { .sz = sizeof(e) };

		vxoff_ctx_last_error(pctx, &e);
		json_object_object_add(o, "name", ifname ? json_object_new_string(ifname) : NULL);
		json_object_object_add(o, "error",
				       json_object_new_string(e.msg ? e.msg : "probe failed"));
		return o;
	}
	if (vxoff_devinfo_link(di, &li) == 0) {
		json_object_object_add(o, "name", json_object_new_string(li.ifname));
		json_object_object_add(o, "kind", json_object_new_string(li.kind));
		json_object_object_add(o, "mtu", json_object_new_int64(li.mtu));
		if (li.present & VXOFF_LINK_HAS_GSO_MAX_SIZE)
			json_object_object_add(o, "gso_max_size",
					       json_object_new_int64(li.gso_max_size));
		if (li.present & VXOFF_LINK_HAS_GRO_MAX_SIZE)
			json_object_object_add(o, "gro_max_size",
					       json_object_new_int64(li.gro_max_size));
		if (li.present & VXOFF_LINK_HAS_VXLAN) {
			json_object_object_add(o, "vxlan_vni", json_object_new_int64(li.vxlan_vni));
			json_object_object_add(o, "vxlan_port",
					       json_object_new_int64(li.vxlan_port));
		}
		if (underlay)
			*underlay = li.underlay_ifindex != li.ifindex ? li.underlay_ifindex : 0;
	}
	feat = json_object_new_object();
	for (size_t i = 0; feat && i < sizeof(cond_features) / sizeof(cond_features[0]); i++) {
		VXOFF_OUT(vxoff_feature, f);

		if (vxoff_devinfo_feature_find(di, cond_features[i], &f) < 0)
			continue;
		json_object_object_add(
			feat, cond_features[i],
			json_object_new_string((f.flags & VXOFF_FEATURE_ACTIVE) ? "on" : "off"));
	}
	json_object_object_add(o, "features", feat);
	vxoff_devinfo_free(di);
	return o;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v && *v ? json_object_new_string(v) : NULL);
}

static void conditions(struct client *c)
{
	struct vxoff_bench_result *res = c->res;
	json_object *o = json_object_new_object(), *x;
	struct utsname u;
	const char *s;

	if (!o)
		return;
	add_str(o, "client_kernel", uname(&u) == 0 ? u.release : NULL);
	add_str(o, "server_kernel", res->have_server ? res->server.kernel : NULL);
	json_object_object_add(o, "client_ncpus",
			       json_object_new_int64(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(o, "server_ncpus", json_object_new_int64(c->acc.server_ncpus));
	add_str(o, "protocol", (c->p.flags & VXOFF_BENCH_F_UDP) ? "udp" : "tcp");
	json_object_object_add(o, "reverse",
			       json_object_new_boolean((c->p.flags & VXOFF_BENCH_F_REVERSE) != 0));
	json_object_object_add(o, "zerocopy",
			       json_object_new_boolean((c->p.flags & VXOFF_BENCH_F_ZEROCOPY) &&
						       !(res->flags & VXOFF_BENCH_R_ZEROCOPY_OFF)
							       ? 1
							       : 0));
	json_object_object_add(
		o, "fixed_rate",
		json_object_new_boolean((c->p.flags & VXOFF_BENCH_F_FIXED_RATE) != 0));
	json_object_object_add(o, "rate_bps", json_object_new_int64((int64_t)c->p.rate_bps));
	json_object_object_add(o, "streams", json_object_new_int64(c->p.streams));
	json_object_object_add(o, "len", json_object_new_int64(c->p.len));
	json_object_object_add(o, "sndbuf", json_object_new_int64(c->p.sndbuf));
	json_object_object_add(o, "rcvbuf", json_object_new_int64(c->p.rcvbuf));
	json_object_object_add(o, "duration_ms", json_object_new_int64(c->p.duration_ms));
	json_object_object_add(o, "omit_ms", json_object_new_int64(c->p.omit_ms));
	json_object_object_add(o, "interval_ms", json_object_new_int64(c->p.interval_ms));
	json_object_object_add(o, "repeats", NULL); /* a single run; compare records its own */
	x = json_object_new_object();
	add_str(x, "client", res->client.congestion);
	add_str(x, "server", res->have_server ? res->server.congestion
					      : c->acc.server_congestion);
	add_str(x, "requested", c->p.congestion);
	json_object_object_add(o, "congestion", x);
	x = json_object_new_object();
	add_str(x, "client", c->o.cpus);
	add_str(x, "server", c->p.server_cpus);
	json_object_object_add(o, "cpu_pinning", x);
	json_object_object_add(o, "path_mtu", json_object_new_int64(c->path_mtu));
	add_str(o, "device_name", c->local_ifname);
	if (c->local_ifname[0] && !(c->p.flags & VXOFF_BENCH_F_NO_CONDITIONS)) {
		/* a context of our own: this one is inside vxoff_bench_run() */
		struct vxoff_ctx_opts co = { .sz = sizeof(co) };
		struct vxoff_ctx *pctx = NULL;
		uint32_t under = 0;

		if (vxoff__ctx_netns_fd(c->ctx) >= 0) {
			co.flags = VXOFF_CTX_F_NETNS_FD;
			co.netns_fd = vxoff__ctx_netns_fd(c->ctx);
		}
		if (vxoff__ctx_sysfs_overridden(c->ctx))
			co.sysfs_root = vxoff__ctx_sysfs_root(c->ctx);
		if (vxoff_ctx_new(&co, &pctx) == 0) {
			json_object_object_add(o, "device",
					       device_json(pctx, c->local_ifname, 0, &under));
			if (under)
				json_object_object_add(o, "underlay",
						       device_json(pctx, NULL, under, NULL));
			vxoff_ctx_free(pctx);
		}
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	res->conditions_json = s ? strdup(s) : NULL;
	json_object_put(o);
}

static void local_device(struct client *c)
{
	struct ifa_args a = { 0 };
	socklen_t l = sizeof(a.local);

	if (getsockname(c->ctl, (struct sockaddr *)&a.local, &l) < 0)
		return;
	if (vxoff__in_netns(c->ctx, find_ifname, &a) == 0)
		snprintf(c->local_ifname, sizeof(c->local_ifname), "%s", a.name);
}

static void cpu_noise(struct client *c)
{
	const struct vxoff__end_fig *rx = (c->p.flags & VXOFF_BENCH_F_REVERSE) ? &c->res->client
									      : &c->res->server;
	uint64_t ticks = 0;

	for (uint32_t i = 0; i < rx->cpu.ncpus; i++) {
		const struct vxoff__cpu_ticks *t = &rx->cpu.delta[i];

		ticks += t->user + t->nice + t->system + t->irq + t->softirq + t->idle +
			 t->iowait + t->steal;
	}
	if (rx->cpu.window_ns < 1000000000ull || ticks < 100)
		c->res->flags |= VXOFF_BENCH_R_CPU_NOISY;
}

int vxoff_bench_run(struct vxoff_ctx *ctx, const struct vxoff_bench_opts *opts,
		    vxoff_bench_interval_fn fn, void *user, struct vxoff_bench_result **ret)
{
	struct vxoff__bench_frame early = { 0 };
	struct client *c;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto out;
	}
	c->ctx = ctx;
	c->ctl = -1;
	c->fn = fn;
	c->user = user;
	for (uint32_t i = 0; i < VXOFF_BENCH_MAX_STREAMS; i++)
		c->fds[i] = -1;
	if (!opts || !ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_bench_run: %s is NULL",
			       !opts ? "opts (the server's address is required)" : "ret");
		goto out;
	}
	r = vxoff__copy_in(&c->o, sizeof(c->o), opts, VXOFF_BENCH_OPTS_SZ_0_1);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE, "vxoff_bench_opts: sz %u is %s",
			       opts->sz, r == -EINVAL ? "too small" : "larger, with bytes this "
								"library does not know");
		goto out;
	}
	r = check_opts(c);
	if (r < 0)
		goto out;
	c->res = calloc(1, sizeof(*c->res));
	if (!c->res) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto out;
	}
	r = check_cc_local(c);
	if (r == 0)
		r = handshake(c);
	if (r == 0)
		r = connect_streams(c);
	if (r == 0)
		r = run_data(c, &early);
	if (r == 0)
		r = exchange_results(c, &early);
	free(early.payload);
	if (r < 0)
		goto out;
	local_device(c);
	c->res->params = c->p;
	c->res->flags |= c->p.flags;
	c->res->port = c->o.port ? c->o.port : VXOFF_BENCH_DEFAULT_PORT;
	snprintf(c->res->host, sizeof(c->res->host), "%s", c->o.host);
	cpu_noise(c);
	conditions(c);
	*ret = c->res;
	c->res = NULL;
out:
	if (c) {
		vxoff__data_free(c->data);
		for (uint32_t i = 0; i < VXOFF_BENCH_MAX_STREAMS; i++)
			if (c->fds[i] >= 0)
				close(c->fds[i]);
		if (c->ctl >= 0)
			close(c->ctl);
		for (uint32_t i = 0; i < c->nperf; i++)
			close(c->perf[i]);
		free(c->perf);
		vxoff_bench_result_free(c->res);
		free(c);
	}
	vxoff__ctx_leave(ctx);
	return r;
}
