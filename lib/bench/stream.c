/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The data path of both ends: one thread per stream moves the bytes (TCP or UDP, either
 * direction), the controlling thread takes every sample at the interval boundaries (bytes,
 * TCP_INFO, /proc/stat), so the window's figures are differences of samples taken at exactly
 * the window's start and end, and the intervals add up to the window.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include "bench/bench_internal.h"

#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY 5
#endif

#define TCP_BLOCK_DEFAULT (128u << 10)
#define RX_BUF_MIN (128u << 10)
#define POLL_SLICE_MS 100	   /* how soon a stream thread notices a stop */
#define UDP_END_MARKERS 3u
#define UDP_SEEN_BITS 65536u	   /* duplicate detection window, in sequence numbers */
#define SEQ_END UINT64_MAX
#define RESULTS_ENTRIES 6144u	   /* interval entries (all streams) one RESULTS may carry */

struct udp_stats {
	uint64_t packets, lost, ooo, dups;
	double jitter_ms;
};

struct stream {
	struct vxoff__data *d;
	uint32_t id;
	int fd;
	int32_t cpu;
	pthread_t th;
	bool started;
	bool zc;		   /* MSG_ZEROCOPY in use */
	atomic_uint_fast64_t bytes; /* sent or received so far, published by the thread */
	pthread_mutex_t ulock;	   /* UDP receiver statistics */
	struct udp_stats udp;
	int err;		   /* the thread's -errno, 0 */
	char errmsg[96];
	/* controller's samples */
	uint64_t last_bytes;
	uint64_t ws_bytes;	   /* at window start */
	struct udp_stats ws_udp, last_udp; /* window start, last boundary */
	struct tcp_info ws_ti, ti; /* window start, last boundary */
	uint32_t ti_len;
};

struct vxoff__data {
	struct vxoff__bench_params p;
	bool sender, udp, zc_off;
	uint32_t n;
	struct stream *s;
	char procfs[256];
	uint64_t *ends;
	uint32_t nint, nomit;
	struct vxoff__interval_fig *iv; /* n * nint */
	struct vxoff__cpu_window win;
	bool have_win;
	uint64_t start_ns, end_ns, hard_end_ns;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go;
	uint32_t finished;
	atomic_bool stop;
	uint8_t *txbuf;		   /* shared by TCP senders: never written after setup */
	uint32_t len;
};

static int errf(char *buf, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int errf(char *buf, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (buf && len) {
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* ---- schedule ---- */

int vxoff__bench_schedule(const struct vxoff__bench_params *p, uint64_t **ends, uint32_t *n,
			  uint32_t *nomit)
{
	uint64_t iv = (uint64_t)(p->interval_ms ? p->interval_ms : 1000u);
	uint64_t omit = p->omit_ms, dur = p->duration_ms, cnt;
	/* RESULTS carries streams x intervals entries of about 100 bytes: stay well inside its
	 * 1 MiB cap, and inside the per-series limit a peer accepts */
	uint64_t cap = RESULTS_ENTRIES / (p->streams ? p->streams : 1u);

	if (cap > VXOFF__BENCH_MAX_INTERVALS)
		cap = VXOFF__BENCH_MAX_INTERVALS;
	if (cap < 4)
		cap = 4;
	uint64_t *e;
	uint32_t k = 0;

	/* grow the period until both parts fit the cap (each part rounds up) */
	for (;;) {
		cnt = (omit + iv - 1) / iv + (dur + iv - 1) / iv;
		if (cnt <= cap)
			break;
		iv *= 2;
	}
	e = calloc(cnt ? cnt : 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (uint64_t t = iv; omit && t < omit + iv; t += iv)
		e[k++] = (t < omit ? t : omit) * 1000000ull;
	*nomit = k;
	for (uint64_t t = iv; dur && t < dur + iv; t += iv)
		e[k++] = (omit + (t < dur ? t : dur)) * 1000000ull;
	*ends = e;
	*n = k;
	return 0;
}

/* ---- socket options ---- */

void vxoff__bench_ctl_sockopts(int fd)
{
	int one = 1, idle = 5, intvl = 2, cnt = 3;
	unsigned int user_timeout = VXOFF__BENCH_IDLE_MS * 2u;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof(user_timeout));
}

void vxoff__stream_congestion(int fd, char out[16])
{
	socklen_t l = 16;

	memset(out, 0, 16);
	if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, out, &l) < 0)
		out[0] = '\0';
	out[15] = '\0';
}

int vxoff__stream_sockopts(int fd, const struct vxoff__bench_params *p, bool sender,
			   bool *zc_off, char *errbuf, size_t errlen)
{
	bool udp = p->flags & VXOFF_BENCH_F_UDP;
	struct timeval tv = { .tv_sec = 0, .tv_usec = (long)POLL_SLICE_MS * 1000 };
	int one = 1, v;

	if (!udp && p->congestion[0] &&
	    setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, p->congestion, strlen(p->congestion)) <
		    0) {
		int e = errno;

		if (e == ENOENT)
			return errf(errbuf, errlen, -ENOENT,
				    "congestion control '%s' is not available in this kernel "
				    "(see net.ipv4.tcp_available_congestion_control)",
				    p->congestion);
		return errf(errbuf, errlen, -e, "congestion control '%s': %s", p->congestion,
			    strerror(e));
	}
	if (p->sndbuf) {
		v = (int)p->sndbuf;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) < 0)
			return errf(errbuf, errlen, -errno, "SO_SNDBUF %u: %s", p->sndbuf,
				    strerror(errno));
	}
	if (p->rcvbuf) {
		v = (int)p->rcvbuf;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
			return errf(errbuf, errlen, -errno, "SO_RCVBUF %u: %s", p->rcvbuf,
				    strerror(errno));
	}
	/* a blocked send/recv returns after a slice, so a thread sees the stop flag */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (sender && (p->flags & VXOFF_BENCH_F_ZEROCOPY)) {
		/* UDP datagrams carry a fresh header each: their buffer cannot stay pinned */
		if (udp || setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one)) < 0) {
			if (zc_off)
				*zc_off = true;
		}
	}
	if (sender && !udp && (p->flags & VXOFF_BENCH_F_FIXED_RATE) && p->rate_bps &&
	    p->streams) {
		uint64_t rate = p->rate_bps / 8u / p->streams;

		if (setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &rate, sizeof(rate)) < 0) {
			uint32_t r32 = rate > UINT32_MAX ? UINT32_MAX : (uint32_t)rate;

			/* kernels before 4.13 take a u32 only */
			if (setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &r32, sizeof(r32)) < 0)
				return errf(errbuf, errlen, -errno,
					    "SO_MAX_PACING_RATE %llu B/s: %s",
					    (unsigned long long)rate, strerror(errno));
		}
	}
	return 0;
}

/* ---- stream threads ---- */

static void put_be64(uint8_t *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static bool stopping(struct stream *s)
{
	return atomic_load_explicit(&s->d->stop, memory_order_relaxed);
}

static int stream_fail(struct stream *s, int err, const char *what)
{
	s->err = err;
	snprintf(s->errmsg, sizeof(s->errmsg), "stream %u: %s: %s", s->id, what,
		 strerror(-err));
	return err;
}

/* Zerocopy completions: read them off the error queue so the socket's option memory is
 * given back; returns how many arrived. */
static uint32_t zc_drain(int fd)
{
	uint32_t done = 0;

	for (;;) {
		char ctrl[128];
		struct msghdr m = { .msg_control = ctrl, .msg_controllen = sizeof(ctrl) };
		struct cmsghdr *c;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return done;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			struct sock_extended_err ee;

			if (c->cmsg_len < CMSG_LEN(sizeof(ee)))
				continue;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_ZEROCOPY)
				done += ee.ee_data - ee.ee_info + 1;
		}
	}
}

/* Sleep until this many bytes are due at the stream's share of the rate. */
static void pace(struct stream *s, uint64_t sent, uint64_t t0)
{
	const struct vxoff__bench_params *p = &s->d->p;
	uint64_t due_ns, now;
	struct timespec ts;

	if (!p->rate_bps || (!s->d->udp && !(p->flags & VXOFF_BENCH_F_FIXED_RATE)))
		return;
	due_ns = t0 + (uint64_t)((double)sent * 8e9 * p->streams / (double)p->rate_bps);
	now = vxoff__mono_ns();
	if (due_ns <= now)
		return;
	if (due_ns - now > POLL_SLICE_MS * 1000000ull)
		due_ns = now + POLL_SLICE_MS * 1000000ull;
	ts.tv_sec = (time_t)(due_ns / 1000000000ull);
	ts.tv_nsec = (long)(due_ns % 1000000000ull);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void tcp_send_loop(struct stream *s)
{
	struct vxoff__data *d = s->d;
	uint64_t sent = 0, t0 = d->start_ns;
	uint32_t sends = 0;
	int flags = MSG_NOSIGNAL | (s->zc ? MSG_ZEROCOPY : 0);

	while (!stopping(s) && vxoff__mono_ns() < d->end_ns) {
		ssize_t n;

		pace(s, sent, t0);
		n = send(s->fd, d->txbuf, d->len, flags);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS && s->zc) {
				/* too many completions pending: collect them and go on */
				struct pollfd pf = { .fd = s->fd, .events = 0 };

				poll(&pf, 1, 10);
				zc_drain(s->fd);
				continue;
			}
			stream_fail(s, -errno, "send");
			break;
		}
		sent += (uint64_t)n;
		atomic_store_explicit(&s->bytes, sent, memory_order_relaxed);
		/* collect completions now and then, before the socket's option memory runs out */
		if (s->zc && (++sends & 63) == 0)
			zc_drain(s->fd);
	}
	shutdown(s->fd, SHUT_WR);
	if (s->zc) {
		/* the shared buffer stays pinned until the last completion: wait a little */
		for (int i = 0; i < 10; i++) {
			struct pollfd pf = { .fd = s->fd, .events = 0 };

			zc_drain(s->fd);
			if (poll(&pf, 1, 10) <= 0)
				break;
		}
	}
}

static void tcp_recv_loop(struct stream *s)
{
	struct vxoff__data *d = s->d;
	size_t cap = d->len > RX_BUF_MIN ? d->len : RX_BUF_MIN;
	uint8_t *buf = malloc(cap);
	uint64_t got = 0;

	if (!buf) {
		stream_fail(s, -ENOMEM, "receive buffer");
		return;
	}
	while (!stopping(s)) {
		/*
		 * Whole blocks, as iperf3's reader does: returning after every segment costs
		 * a wake-up and a syscall each, and the ACKs it triggers are so evenly spread
		 * that BBR keeps a small cwnd (measured on veth+VXLAN: 10 vs 15 Gbit/s). The
		 * receive timeout still returns a partial block, so a stop is seen.
		 */
		ssize_t n = recv(s->fd, buf, cap, MSG_WAITALL);

		if (n > 0) {
			got += (uint64_t)n;
			atomic_store_explicit(&s->bytes, got, memory_order_relaxed);
			continue;
		}
		if (n == 0)
			break; /* the sender's end */
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			if (stopping(s))
				break;
			continue;
		}
		stream_fail(s, -errno, "recv");
		break;
	}
	free(buf);
}

static void udp_send_loop(struct stream *s)
{
	struct vxoff__data *d = s->d;
	/* never smaller than the header, whatever the peer's parameters said */
	uint8_t *buf = calloc(1, d->len > VXOFF__BENCH_UDP_HDR ? d->len : VXOFF__BENCH_UDP_HDR);
	uint64_t seq = 0, sent = 0, t0 = d->start_ns;

	if (!buf) {
		stream_fail(s, -ENOMEM, "datagram buffer");
		return;
	}
	while (!stopping(s) && vxoff__mono_ns() < d->end_ns) {
		ssize_t n;

		pace(s, sent, t0);
		put_be64(buf, seq);
		put_be64(buf + 8, vxoff__mono_ns());
		n = send(s->fd, buf, d->len > VXOFF__BENCH_UDP_HDR ? d->len : VXOFF__BENCH_UDP_HDR,
			 MSG_NOSIGNAL);
		if (n < 0) {
			/* a full queue or an ICMP error of an earlier datagram: not fatal */
			if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS ||
			    errno == ECONNREFUSED)
				continue;
			stream_fail(s, -errno, "send");
			break;
		}
		seq++;
		sent += (uint64_t)n;
		atomic_store_explicit(&s->bytes, sent, memory_order_relaxed);
	}
	put_be64(buf, SEQ_END);
	for (uint32_t i = 0; i < UDP_END_MARKERS; i++) {
		put_be64(buf + 8, vxoff__mono_ns());
		(void)send(s->fd, buf, VXOFF__BENCH_UDP_HDR, MSG_NOSIGNAL);
	}
	free(buf);
}

static void udp_recv_loop(struct stream *s)
{
	struct vxoff__data *d = s->d;
	uint8_t *buf = malloc(VXOFF__BENCH_UDP_MAX + 1);
	uint64_t *seen = calloc(UDP_SEEN_BITS / 64, sizeof(uint64_t));
	uint64_t next = 0, got = 0;
	int64_t prev_transit = 0;
	bool have_prev = false;
	struct udp_stats u = { 0 };

	if (!buf || !seen) {
		free(buf);
		free(seen);
		stream_fail(s, -ENOMEM, "datagram buffer");
		return;
	}
	while (!stopping(s)) {
		ssize_t n = recv(s->fd, buf, VXOFF__BENCH_UDP_MAX + 1, 0);
		uint64_t seq, now;
		int64_t transit, dt;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ECONNREFUSED) {
				if (stopping(s) || vxoff__mono_ns() > d->hard_end_ns)
					break;
				continue;
			}
			stream_fail(s, -errno, "recv");
			break;
		}
		if ((size_t)n < VXOFF__BENCH_UDP_HDR)
			continue; /* a late registration echo or junk: not ours to count */
		now = vxoff__mono_ns();
		seq = get_be64(buf);
		if (seq == SEQ_END)
			break;
		/* a repeated registration (cookie bytes for a sequence number): not data */
		if (seq > next + (1ull << 40))
			continue;
		got += (uint64_t)n;
		transit = (int64_t)(now - get_be64(buf + 8));
		pthread_mutex_lock(&s->ulock);
		u = s->udp;
		u.packets++;
		if (seq >= next) {
			/* forget what the window no longer covers, then count the gap as lost */
			for (uint64_t q = next; q < seq && q < next + UDP_SEEN_BITS; q++)
				seen[(q % UDP_SEEN_BITS) / 64] &= ~(1ull << (q % 64));
			u.lost += seq - next;
			next = seq + 1;
			seen[(seq % UDP_SEEN_BITS) / 64] |= 1ull << (seq % 64);
		} else if (next - seq >= UDP_SEEN_BITS) {
			u.ooo++; /* too old to tell a duplicate from a late one: late */
			if (u.lost)
				u.lost--;
		} else if (seen[(seq % UDP_SEEN_BITS) / 64] & (1ull << (seq % 64))) {
			u.dups++;
			u.packets--;
		} else {
			seen[(seq % UDP_SEEN_BITS) / 64] |= 1ull << (seq % 64);
			u.ooo++;
			if (u.lost)
				u.lost--;
		}
		/* RFC 3550 6.4.1: J += (|D| - J) / 16, D the change of transit time */
		if (have_prev) {
			dt = transit - prev_transit;
			if (dt < 0)
				dt = -dt;
			u.jitter_ms += ((double)dt / 1e6 - u.jitter_ms) / 16.0;
		}
		prev_transit = transit;
		have_prev = true;
		s->udp = u;
		pthread_mutex_unlock(&s->ulock);
		atomic_store_explicit(&s->bytes, got, memory_order_relaxed);
	}
	free(buf);
	free(seen);
}

static void *stream_main(void *arg)
{
	struct stream *s = arg;
	struct vxoff__data *d = s->d;

	pthread_mutex_lock(&d->lock);
	while (!d->go && !atomic_load(&d->stop))
		pthread_cond_wait(&d->cond, &d->lock);
	pthread_mutex_unlock(&d->lock);
	if (!atomic_load(&d->stop)) {
		if (d->udp)
			d->sender ? udp_send_loop(s) : udp_recv_loop(s);
		else
			d->sender ? tcp_send_loop(s) : tcp_recv_loop(s);
	}
	pthread_mutex_lock(&d->lock);
	d->finished++;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* ---- setup ---- */

int vxoff__data_new(const struct vxoff__data_cfg *cfg, struct vxoff__data **ret, char *errbuf,
		    size_t errlen)
{
	struct vxoff__data *d;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return errf(errbuf, errlen, -ENOMEM, "out of memory");
	d->p = *cfg->params;
	d->sender = cfg->sender;
	d->udp = d->p.flags & VXOFF_BENCH_F_UDP;
	d->n = cfg->nstreams;
	snprintf(d->procfs, sizeof(d->procfs), "%s", cfg->procfs_root ? cfg->procfs_root : "/proc");
	d->len = d->p.len ? d->p.len : TCP_BLOCK_DEFAULT;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	r = vxoff__bench_schedule(&d->p, &d->ends, &d->nint, &d->nomit);
	d->s = calloc(d->n ? d->n : 1, sizeof(*d->s));
	d->iv = calloc((size_t)(d->n ? d->n : 1) * (d->nint ? d->nint : 1), sizeof(*d->iv));
	if (d->sender && !d->udp) {
		d->txbuf = malloc(d->len);
		if (d->txbuf)
			for (uint32_t i = 0; i < d->len; i++)
				d->txbuf[i] = (uint8_t)(i * 131u + 7u);
	}
	if (r < 0 || !d->s || !d->iv || (d->sender && !d->udp && !d->txbuf)) {
		for (uint32_t i = 0; d->s && i < d->n; i++)
			d->s[i].fd = -1;
		d->n = 0;
		vxoff__data_free(d);
		return errf(errbuf, errlen, -ENOMEM, "out of memory for %u streams",
			    cfg->nstreams);
	}
	for (uint32_t i = 0; i < d->n; i++) {
		struct stream *s = &d->s[i];

		s->d = d;
		s->id = i;
		s->fd = cfg->fds[i];
		s->cpu = cfg->cpus ? cfg->cpus[i] : -1;
		pthread_mutex_init(&s->ulock, NULL);
		if (d->sender && !d->udp && (d->p.flags & VXOFF_BENCH_F_ZEROCOPY)) {
			int on = 0;
			socklen_t l = sizeof(on);

			s->zc = getsockopt(s->fd, SOL_SOCKET, SO_ZEROCOPY, &on, &l) == 0 && on;
			if (!s->zc)
				d->zc_off = true;
		}
	}
	if (d->sender && (d->p.flags & VXOFF_BENCH_F_ZEROCOPY) && d->udp)
		d->zc_off = true;
	for (uint32_t i = 0; i < d->n; i++) {
		struct stream *s = &d->s[i];
		pthread_attr_t a;

		pthread_attr_init(&a);
		if (s->cpu >= 0) {
			cpu_set_t *set = CPU_ALLOC((int)VXOFF__BENCH_MAX_CPUS);
			size_t sz = CPU_ALLOC_SIZE((int)VXOFF__BENCH_MAX_CPUS);

			if (set) {
				CPU_ZERO_S(sz, set);
				CPU_SET_S((size_t)s->cpu, sz, set);
				pthread_attr_setaffinity_np(&a, sz, set);
				CPU_FREE(set);
			}
		}
		r = pthread_create(&s->th, &a, stream_main, s);
		pthread_attr_destroy(&a);
		if (r) {
			snprintf(errbuf, errlen, "starting the thread of stream %u%s: %s", i,
				 s->cpu >= 0 ? " (pinned)" : "", strerror(r));
			/* the caller keeps the sockets on failure */
			for (uint32_t j = 0; j < d->n; j++)
				d->s[j].fd = -1;
			vxoff__data_free(d);
			return -r;
		}
		s->started = true;
	}
	*ret = d;
	return 0;
}

/* ---- the controller ---- */

static void sample_stream(struct vxoff__data *d, struct stream *s)
{
	socklen_t l = sizeof(s->ti);

	if (d->udp) {
		pthread_mutex_lock(&s->ulock);
		s->last_udp = s->udp;
		pthread_mutex_unlock(&s->ulock);
		return;
	}
	memset(&s->ti, 0, sizeof(s->ti));
	if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &s->ti, &l) == 0)
		s->ti_len = l;
	else
		s->ti_len = 0;
}

/* A tcp_info field the kernel filled (older kernels return a shorter struct). */
#define TI_HAS(s, f) ((s)->ti_len >= offsetof(struct tcp_info, f) + sizeof((s)->ti.f))

static uint64_t ti_retrans(const struct stream *s, const struct tcp_info *ti)
{
	return TI_HAS(s, tcpi_total_retrans) ? ti->tcpi_total_retrans : 0;
}

static int read_ctl(struct vxoff__data *d, int ctl_fd, struct vxoff__bench_frame *early,
		    bool *ctl_done, char *errbuf, size_t errlen)
{
	uint16_t type = 0;
	uint8_t *pl = NULL;
	size_t len = 0;
	int r;

	(void)d;
	r = vxoff__bench_read_frame(ctl_fd, vxoff__mono_ns() + VXOFF__BENCH_IDLE_MS * 1000000ull,
				    -1, &type, &pl, &len);
	if (r == -ECONNRESET)
		return errf(errbuf, errlen, r, "the peer closed the control connection mid-test");
	if (r < 0)
		return errf(errbuf, errlen, r == -ETIMEDOUT ? -ETIMEDOUT : -EPROTO,
			    "reading the control connection mid-test: %s", strerror(-r));
	if (type == VXOFF__BENCH_MSG_ABORT) {
		char reason[256] = "";
		char why[128];

		if (vxoff__bench_decode_abort(pl, len, reason, sizeof(reason), why, sizeof(why)) <
		    0)
			snprintf(reason, sizeof(reason), "(malformed ABORT: %s)", why);
		free(pl);
		return errf(errbuf, errlen, -ECONNABORTED, "the peer aborted the test: %s",
			    reason);
	}
	if (type == VXOFF__BENCH_MSG_RESULTS && early && !early->payload) {
		early->type = type;
		early->payload = pl;
		early->len = len;
		*ctl_done = true;
		return 0;
	}
	free(pl);
	return errf(errbuf, errlen, -EPROTO, "the peer sent message type %u mid-test", type);
}

/* Wait until deadline watching the control connection and the stop fd. */
static int wait_until(struct vxoff__data *d, uint64_t deadline, int ctl_fd, int stop_fd,
		      struct vxoff__bench_frame *early, bool *ctl_done, char *errbuf,
		      size_t errlen)
{
	for (;;) {
		struct pollfd pf[2];
		struct timespec ts;
		uint64_t now = vxoff__mono_ns(), left;
		nfds_t k = 0;
		int r;

		if (now >= deadline)
			return 0;
		left = deadline - now;
		ts.tv_sec = (time_t)(left / 1000000000ull);
		ts.tv_nsec = (long)(left % 1000000000ull);
		if (ctl_fd >= 0 && !*ctl_done)
			pf[k++] = (struct pollfd){ .fd = ctl_fd, .events = POLLIN };
		if (stop_fd >= 0)
			pf[k++] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		r = ppoll(pf, k, &ts, NULL);
		if (r < 0 && errno != EINTR)
			return errf(errbuf, errlen, -errno, "poll: %s", strerror(errno));
		for (nfds_t i = 0; r > 0 && i < k; i++) {
			if (!pf[i].revents)
				continue;
			if (pf[i].fd == stop_fd)
				return errf(errbuf, errlen, -ECANCELED, "stopped");
			r = read_ctl(d, ctl_fd, early, ctl_done, errbuf, errlen);
			if (r < 0)
				return r;
		}
	}
}

/* A deep copy of a /proc/stat sample (the window start is also the next diff's start). */
static int sample_copy(struct vxoff__cpu_sample *dst, const struct vxoff__cpu_sample *src)
{
	*dst = *src;
	dst->ids = malloc((src->ncpus ? src->ncpus : 1) * sizeof(*dst->ids));
	dst->ticks = malloc((src->ncpus ? src->ncpus : 1) * sizeof(*dst->ticks));
	if (!dst->ids || !dst->ticks) {
		free(dst->ids);
		free(dst->ticks);
		memset(dst, 0, sizeof(*dst));
		return -ENOMEM;
	}
	memcpy(dst->ids, src->ids, src->ncpus * sizeof(*dst->ids));
	memcpy(dst->ticks, src->ticks, src->ncpus * sizeof(*dst->ticks));
	return 0;
}

static void mark_window_start(struct vxoff__data *d)
{
	for (uint32_t k = 0; k < d->n; k++) {
		struct stream *s = &d->s[k];

		s->ws_bytes = s->last_bytes;
		s->ws_ti = s->ti;
		s->ws_udp = s->last_udp;
	}
}

/* Samples of boundary i (the end of interval i). */
static void boundary(struct vxoff__data *d, uint32_t i, struct vxoff__cpu_sample *prev,
		     struct vxoff__cpu_sample *ws)
{
	struct vxoff__cpu_sample cur = { 0 };
	struct vxoff__cpu_window w = { 0 };
	bool have_cur;
	double busy = 0;

	have_cur = vxoff__cpu_sample_read(d->procfs, &cur) == 0;
	if (have_cur && prev->ticks && vxoff__cpu_window_diff(prev, &cur, &w) == 0) {
		busy = vxoff__cpu_window_busy(&w);
		vxoff__cpu_window_free(&w);
	}
	for (uint32_t k = 0; k < d->n; k++) {
		struct stream *s = &d->s[k];
		struct vxoff__interval_fig *f = &d->iv[(size_t)k * d->nint + i];
		uint64_t b = atomic_load_explicit(&s->bytes, memory_order_relaxed);
		uint64_t re0 = ti_retrans(s, &s->ti);

		sample_stream(d, s);
		f->start_ns = i ? d->ends[i - 1] : 0;
		f->end_ns = d->ends[i];
		f->bytes = b - s->last_bytes;
		s->last_bytes = b;
		if (s->ti_len) {
			f->retransmits = ti_retrans(s, &s->ti) - re0;
			f->rtt_us = s->ti.tcpi_rtt;
			f->snd_cwnd = s->ti.tcpi_snd_cwnd;
		}
		f->busy_cpus = busy;
	}
	if (i + 1 == d->nomit) {
		mark_window_start(d);
		if (have_cur)
			sample_copy(ws, &cur);
	}
	if (i + 1 == d->nint && have_cur && ws->ticks &&
	    vxoff__cpu_window_diff(ws, &cur, &d->win) == 0)
		d->have_win = true;
	if (have_cur) {
		vxoff__cpu_sample_free(prev);
		*prev = cur;
	}
}

int vxoff__data_run(struct vxoff__data *d, uint64_t start_ns, int ctl_fd, int stop_fd,
		    vxoff__data_tick_fn fn, void *user, struct vxoff__bench_frame *early,
		    char *errbuf, size_t errlen)
{
	struct vxoff__cpu_sample prev = { 0 }, ws = { 0 };
	bool ctl_done = false;
	int r = 0;

	d->start_ns = start_ns;
	d->end_ns = start_ns + (d->nint ? d->ends[d->nint - 1] : 0);
	d->hard_end_ns = d->end_ns + VXOFF__BENCH_GRACE_MS * 1000000ull;
	if (vxoff__cpu_sample_read(d->procfs, &prev) == 0 && !d->nomit)
		sample_copy(&ws, &prev); /* no warm-up: the window starts at START */
	if (!d->nomit) {
		for (uint32_t k = 0; k < d->n; k++)
			sample_stream(d, &d->s[k]);
		mark_window_start(d);
	}
	pthread_mutex_lock(&d->lock);
	d->go = true;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);

	for (uint32_t i = 0; i < d->nint; i++) {
		r = wait_until(d, start_ns + d->ends[i], ctl_fd, stop_fd, early, &ctl_done, errbuf,
			       errlen);
		if (r < 0)
			break;
		boundary(d, i, &prev, &ws);
		if (fn) {
			struct vxoff__interval_fig *row = calloc(d->n ? d->n : 1, sizeof(*row));
			int b;

			if (!row) {
				r = errf(errbuf, errlen, -ENOMEM, "out of memory");
				break;
			}
			for (uint32_t k = 0; k < d->n; k++)
				row[k] = d->iv[(size_t)k * d->nint + i];
			b = fn(user, i, i < d->nomit, row, d->n);
			free(row);
			if (b) {
				r = errf(errbuf, errlen, -ECANCELED,
					 "the interval callback stopped the test");
				break;
			}
		}
	}
	vxoff__cpu_sample_free(&prev);
	vxoff__cpu_sample_free(&ws);
	if (r < 0)
		atomic_store(&d->stop, true);
	/* senders stop at their end time; receivers at the sender's end (EOF, end marker) */
	pthread_mutex_lock(&d->lock);
	while (d->finished < d->n) {
		struct timespec ts;
		uint64_t now = vxoff__mono_ns();
		/* UDP receivers have no reliable end: a short drain after the window */
		uint64_t lim = d->udp && !d->sender ? d->end_ns + 500000000ull : d->hard_end_ns;

		if (now >= lim)
			atomic_store(&d->stop, true);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	}
	pthread_mutex_unlock(&d->lock);
	if (r < 0)
		return r;
	for (uint32_t k = 0; k < d->n; k++)
		if (d->s[k].err)
			return errf(errbuf, errlen, d->s[k].err, "%s", d->s[k].errmsg);
	return 0;
}

bool vxoff__data_zerocopy_off(const struct vxoff__data *d)
{
	return d && d->zc_off;
}

int vxoff__data_figures(struct vxoff__data *d, struct vxoff__end_fig *f)
{
	struct utsname u;

	memset(f, 0, sizeof(*f));
	f->streams = calloc(d->n ? d->n : 1, sizeof(*f->streams));
	if (!f->streams)
		return -ENOMEM;
	f->nstreams = d->n;
	f->nintervals = d->nint;
	f->intervals = d->iv;
	d->iv = NULL;
	if (d->have_win) {
		f->cpu = d->win;
		memset(&d->win, 0, sizeof(d->win));
		d->have_win = false;
	}
	if (!d->udp && d->n)
		vxoff__stream_congestion(d->s[0].fd, f->congestion);
	if (uname(&u) == 0)
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
	for (uint32_t k = 0; k < d->n; k++) {
		struct stream *s = &d->s[k];
		struct vxoff__stream_fig *o = &f->streams[k];
		uint64_t total = atomic_load(&s->bytes);
		uint64_t win = s->last_bytes - s->ws_bytes;

		o->id = s->id;
		o->cpu = s->cpu;
		if (d->sender) {
			o->bytes_sent = win;
			o->total_sent = total;
		} else {
			o->bytes_received = win;
			o->total_received = total;
		}
		if (!d->udp && s->ti_len) {
			const struct tcp_info *t = &s->ti, *w = &s->ws_ti;

			o->tcp_info_valid = 1;
			o->rtt_us = t->tcpi_rtt;
			o->rttvar_us = t->tcpi_rttvar;
			o->snd_cwnd = t->tcpi_snd_cwnd;
			o->snd_mss = t->tcpi_snd_mss;
			o->reordering = t->tcpi_reordering;
			o->retransmits = ti_retrans(s, t) - ti_retrans(s, w);
			if (TI_HAS(s, tcpi_min_rtt))
				o->min_rtt_us = t->tcpi_min_rtt;
			if (TI_HAS(s, tcpi_reord_seen))
				o->reord_seen = t->tcpi_reord_seen - w->tcpi_reord_seen;
			if (TI_HAS(s, tcpi_bytes_retrans))
				o->bytes_retrans = t->tcpi_bytes_retrans - w->tcpi_bytes_retrans;
			if (TI_HAS(s, tcpi_delivery_rate))
				o->delivery_rate_bps = t->tcpi_delivery_rate * 8u;
			if (TI_HAS(s, tcpi_pacing_rate))
				o->pacing_rate_bps = t->tcpi_pacing_rate == UINT64_MAX
							     ? 0
							     : t->tcpi_pacing_rate * 8u;
			if (TI_HAS(s, tcpi_sndbuf_limited)) {
				o->busy_time_us = t->tcpi_busy_time - w->tcpi_busy_time;
				o->rwnd_limited_us = t->tcpi_rwnd_limited - w->tcpi_rwnd_limited;
				o->sndbuf_limited_us =
					t->tcpi_sndbuf_limited - w->tcpi_sndbuf_limited;
			}
		}
		if (d->udp && !d->sender) {
			const struct udp_stats *a = &s->ws_udp, *e = &s->last_udp;

			/* the window's figures: the samples at its start and end */
			o->udp_packets = e->packets - a->packets;
			o->udp_lost = e->lost > a->lost ? e->lost - a->lost : 0;
			o->udp_out_of_order = e->ooo - a->ooo;
			o->udp_duplicates = e->dups - a->dups;
			o->udp_jitter_ms = e->jitter_ms;
		}
	}
	return 0;
}

void vxoff__data_free(struct vxoff__data *d)
{
	if (!d)
		return;
	atomic_store(&d->stop, true);
	pthread_mutex_lock(&d->lock);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	for (uint32_t i = 0; i < d->n; i++) {
		if (d->s[i].started)
			pthread_join(d->s[i].th, NULL);
		pthread_mutex_destroy(&d->s[i].ulock);
		if (d->s[i].fd >= 0)
			close(d->s[i].fd);
	}
	vxoff__cpu_window_free(&d->win);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d->s);
	free(d->iv);
	free(d->ends);
	free(d->txbuf);
	free(d);
}

int vxoff__bench_stream_cpus(const char *list, uint32_t n, int32_t *out, char *errbuf,
			     size_t errlen)
{
	uint64_t bits[VXOFF__BENCH_MAX_CPUS / 64];
	int32_t ids[VXOFF__BENCH_MAX_CPUS];
	cpu_set_t *allowed;
	size_t sz = CPU_ALLOC_SIZE((int)VXOFF__BENCH_MAX_CPUS);
	uint32_t k = 0;
	int r;

	for (uint32_t i = 0; i < n; i++)
		out[i] = -1;
	if (!list || !*list)
		return 0;
	r = vxoff__cpulist_parse(list, bits, VXOFF__BENCH_MAX_CPUS);
	if (r < 0)
		return errf(errbuf, errlen, -EINVAL, "CPU list '%s' is not valid (%s)", list,
			    strerror(-r));
	allowed = CPU_ALLOC((int)VXOFF__BENCH_MAX_CPUS);
	if (!allowed)
		return errf(errbuf, errlen, -ENOMEM, "out of memory");
	if (sched_getaffinity(0, sz, allowed) < 0)
		CPU_ZERO_S(sz, allowed);
	for (uint32_t c = 0; c < VXOFF__BENCH_MAX_CPUS; c++) {
		if (!(bits[c / 64] & (1ull << (c % 64))))
			continue;
		if (!CPU_ISSET_S(c, sz, allowed)) {
			CPU_FREE(allowed);
			return errf(errbuf, errlen, -EINVAL,
				    "CPU list '%s': CPU %u is offline or not allowed here", list,
				    c);
		}
		ids[k++] = (int32_t)c;
	}
	CPU_FREE(allowed);
	if (!k)
		return errf(errbuf, errlen, -EINVAL, "CPU list '%s' names no CPU", list);
	for (uint32_t i = 0; i < n; i++)
		out[i] = ids[i % k];
	return 0;
}
