/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * lib/bench/proto.c: the control protocol's framing, hello and TLV codec (docs/bench-protocol.md).
 *
 * Everything a peer sends is untrusted: a frame's length is checked against its type's cap
 * before anything is allocated, every attribute is checked for a known type, its exact length,
 * terminated and bounded strings and its range, and counts are checked against what the
 * message really carries before arrays are allocated (iperf3's CVEs, the table in the doc).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_internal.h"

/* ---- attribute numbers (wire values, append-only; docs/bench-protocol.md) ---- */

/* PARAMS, and the first part of PARAMS_OK */
enum {
	A_P_FLAGS = 1,		/* u32 */
	A_P_STREAMS,		/* u32 */
	A_P_DURATION_MS,	/* u32 */
	A_P_OMIT_MS,		/* u32 */
	A_P_INTERVAL_MS,	/* u32 */
	A_P_LEN,		/* u32 */
	A_P_RATE_BPS,		/* u64 */
	A_P_SNDBUF,		/* u32 */
	A_P_RCVBUF,		/* u32 */
	A_P_CONGESTION,		/* string < 16 */
	A_P_SERVER_CPUS,	/* string < 256 */
	/* PARAMS_OK only */
	A_P_COOKIE,		/* 16 bytes */
	A_P_DATA_PORT,		/* u32 1..65535 */
	A_P_SERVER_NCPUS,	/* u32 */
	A_P_SERVER_CONGESTION,	/* string < 16 */
	A_P_MAX = A_P_SERVER_CONGESTION,
};

/* ERR */
enum {
	A_E_CODE = 1,		/* u32 */
	A_E_RETRY_AFTER_MS,	/* u32 */
	A_E_TEXT,		/* string < 256 */
	A_E_MAX = A_E_TEXT,
};

/* START */
enum {
	A_S_SERVER_MONO_NS = 1, /* u64 */
	A_S_MAX = A_S_SERVER_MONO_NS,
};

/* ABORT */
enum {
	A_A_REASON = 1,		/* string < 256 */
	A_A_MAX = A_A_REASON,
};

/* RESULTS, top level */
enum {
	A_R_NSTREAMS = 1,	/* u32 <= 128 */
	A_R_NINTERVALS,		/* u32 <= VXOFF__BENCH_MAX_INTERVALS, per stream */
	A_R_NCPUS,		/* u32 <= VXOFF__BENCH_MAX_CPUS */
	A_R_CONGESTION,		/* string < 16 */
	A_R_KERNEL,		/* string < 65 */
	A_R_HZ,			/* u32 */
	A_R_PROC_USER_US,	/* u64 */
	A_R_PROC_SYSTEM_US,	/* u64 */
	A_R_WINDOW_NS,		/* u64 */
	A_R_STREAM,		/* nest (A_ST_*), repeated nstreams times */
	A_R_INTERVAL,		/* nest (A_IV_*), repeated nstreams * nintervals times */
	A_R_CPU,		/* nest (A_C_*), repeated ncpus times, ids ascending */
	A_R_MAX = A_R_CPU,
};

/* RESULTS stream nest */
enum {
	A_ST_ID = 1,		/* u32 */
	A_ST_CPU,		/* u32 holding an s32, -1 .. MAX_CPUS-1 */
	A_ST_BYTES_SENT,	/* u64 ... */
	A_ST_BYTES_RECEIVED,
	A_ST_TOTAL_SENT,
	A_ST_TOTAL_RECEIVED,
	A_ST_TCP_INFO_VALID,	/* u32 0/1 */
	A_ST_RTT_US,		/* u32 ... */
	A_ST_RTTVAR_US,
	A_ST_MIN_RTT_US,
	A_ST_SND_CWND,
	A_ST_SND_MSS,
	A_ST_REORDERING,
	A_ST_REORD_SEEN,
	A_ST_RETRANSMITS,	/* u64 ... */
	A_ST_BYTES_RETRANS,
	A_ST_DELIVERY_RATE_BPS,
	A_ST_PACING_RATE_BPS,
	A_ST_BUSY_TIME_US,
	A_ST_RWND_LIMITED_US,
	A_ST_SNDBUF_LIMITED_US,
	A_ST_UDP_PACKETS,
	A_ST_UDP_LOST,
	A_ST_UDP_OUT_OF_ORDER,
	A_ST_UDP_DUPLICATES,
	A_ST_UDP_JITTER_MS,	/* f64 (IEEE 754 bits in a u64), finite, >= 0 */
	A_ST_MAX = A_ST_UDP_JITTER_MS,
};

/* RESULTS interval nest */
enum {
	A_IV_START_NS = 1,	/* u64 */
	A_IV_END_NS,		/* u64 >= start */
	A_IV_BYTES,		/* u64 */
	A_IV_RETRANSMITS,	/* u64 */
	A_IV_RTT_US,		/* u32 */
	A_IV_SND_CWND,		/* u32 */
	A_IV_BUSY_CPUS,		/* f64, finite, 0 .. MAX_CPUS */
	A_IV_MAX = A_IV_BUSY_CPUS,
};

/* RESULTS CPU nest */
enum {
	A_C_ID = 1,		/* u32 < MAX_CPUS, strictly ascending */
	A_C_USER,		/* u64 ticks ... */
	A_C_NICE,
	A_C_SYSTEM,
	A_C_IDLE,
	A_C_IOWAIT,
	A_C_IRQ,
	A_C_SOFTIRQ,
	A_C_STEAL,
	A_C_MAX = A_C_STEAL,
};

/* Flags that travel in PARAMS; the rest of VXOFF_BENCH_F_* is the client's business. */
#define WIRE_FLAGS                                                                                 \
	(VXOFF_BENCH_F_UDP | VXOFF_BENCH_F_REVERSE | VXOFF_BENCH_F_ZEROCOPY |                      \
	 VXOFF_BENCH_F_FIXED_RATE)
#define LOCAL_FLAGS (WIRE_FLAGS | VXOFF_BENCH_F_NO_CONDITIONS)

/* ---- errors ---- */

__attribute__((format(printf, 4, 5))) static int fail(char *errbuf, size_t errlen, int err,
						       const char *fmt, ...)
{
	va_list ap;

	if (errbuf && errlen) {
		va_start(ap, fmt);
		vsnprintf(errbuf, errlen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* ---- time ---- */

uint64_t vxoff__mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- hello ---- */

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

void vxoff__bench_hello_encode(uint8_t out[VXOFF__BENCH_HELLO_LEN], uint32_t max_frame)
{
	static const uint8_t magic[4] = { 'V', 'X', 'O', 'F' }; /* VXOFF__BENCH_MAGIC */

	memcpy(out, magic, sizeof(magic));
	put_be16(out + 4, VXOFF__BENCH_MAJOR);
	put_be16(out + 6, VXOFF__BENCH_MINOR);
	put_be32(out + 8, 0); /* capability bits: none defined in 1.0 */
	put_be32(out + 12, max_frame);
}

int vxoff__bench_hello_decode(const uint8_t in[VXOFF__BENCH_HELLO_LEN], uint16_t *major,
			      uint16_t *minor, uint32_t *max_frame)
{
	uint16_t ma;

	if (memcmp(in, VXOFF__BENCH_MAGIC, 4) != 0)
		return -EPROTO;
	ma = get_be16(in + 4);
	if (major)
		*major = ma;
	if (minor)
		*minor = get_be16(in + 6);
	if (max_frame)
		*max_frame = get_be32(in + 12);
	if (ma != VXOFF__BENCH_MAJOR)
		return -EPROTONOSUPPORT;
	return 0;
}

/* ---- a policy per attribute space: what the decoder accepts, and the plain numbers ---- */

enum kind {
	K_NONE = 0,	/* unknown type */
	K_U32,
	K_U64,		/* a double travels as its IEEE 754 bits */
	K_STR,		/* NUL-terminated, strlen < max */
	K_BIN,		/* exactly max bytes */
	K_NEST,		/* repeated; the caller walks it */
};

/* Fields in the order the tables below spell them; a few bytes of padding in a const table
 * cost nothing. */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
struct pol {
	uint8_t kind;
	uint8_t required;
	uint16_t max;
	const char *name;
	uint16_t at;	/* a number stored as it travels: 1 + its offset in the struct; 0 = none */
};

/* The name and place of a plain number of a nest: the member's name is the attribute's. */
#define PLAIN(what, type, m) what " " #m, (uint16_t)(offsetof(type, m) + 1)
#define ST(m) PLAIN("stream", struct vxoff__stream_fig, m)
#define IV(m) PLAIN("interval", struct vxoff__interval_fig, m)
#define CT(m) PLAIN("cpu", struct vxoff__cpu_ticks, m)
#define PA(m) #m, (uint16_t)(offsetof(struct vxoff__bench_params, m) + 1)

/* the PARAMS attributes, which PARAMS_OK repeats with the values the server took */
#define PARAMS_POL                                                                                 \
	[A_P_FLAGS] = { K_U32, 1, 0, "flags" }, /* masked on the way out: by hand */               \
	[A_P_STREAMS] = { K_U32, 1, 0, PA(streams) },                                              \
	[A_P_DURATION_MS] = { K_U32, 1, 0, PA(duration_ms) },                                      \
	[A_P_OMIT_MS] = { K_U32, 1, 0, PA(omit_ms) },                                              \
	[A_P_INTERVAL_MS] = { K_U32, 1, 0, PA(interval_ms) },                                      \
	[A_P_LEN] = { K_U32, 1, 0, PA(len) },                                                      \
	[A_P_RATE_BPS] = { K_U64, 0, 0, PA(rate_bps) },                                            \
	[A_P_SNDBUF] = { K_U32, 0, 0, PA(sndbuf) },                                                \
	[A_P_RCVBUF] = { K_U32, 0, 0, PA(rcvbuf) },                                                \
	[A_P_CONGESTION] = { K_STR, 0, 16, "congestion" },                                         \
	[A_P_SERVER_CPUS] = { K_STR, 0, 256, "server_cpus" }

static const struct pol params_pol[A_P_MAX + 1] = { PARAMS_POL };

static const struct pol accept_pol[A_P_MAX + 1] = {
	PARAMS_POL,
	[A_P_COOKIE] = { K_BIN, 1, VXOFF__BENCH_COOKIE_LEN, "cookie" },
	[A_P_DATA_PORT] = { K_U32, 1, 0, "data_port" },
	[A_P_SERVER_NCPUS] = { K_U32, 1, 0, "server_ncpus" },
	[A_P_SERVER_CONGESTION] = { K_STR, 0, 16, "server_congestion" },
};

static const struct pol stream_pol[A_ST_MAX + 1] = {
	[A_ST_ID] = { K_U32, 1, 0, ST(id) },
	[A_ST_CPU] = { K_U32, 0, 0, ST(cpu) }, /* -1 as a u32; absent = -1 (decode_stream) */
	[A_ST_BYTES_SENT] = { K_U64, 1, 0, ST(bytes_sent) },
	[A_ST_BYTES_RECEIVED] = { K_U64, 1, 0, ST(bytes_received) },
	[A_ST_TOTAL_SENT] = { K_U64, 1, 0, ST(total_sent) },
	[A_ST_TOTAL_RECEIVED] = { K_U64, 1, 0, ST(total_received) },
	[A_ST_TCP_INFO_VALID] = { K_U32, 0, 0, ST(tcp_info_valid) },
	[A_ST_RTT_US] = { K_U32, 0, 0, ST(rtt_us) },
	[A_ST_RTTVAR_US] = { K_U32, 0, 0, ST(rttvar_us) },
	[A_ST_MIN_RTT_US] = { K_U32, 0, 0, ST(min_rtt_us) },
	[A_ST_SND_CWND] = { K_U32, 0, 0, ST(snd_cwnd) },
	[A_ST_SND_MSS] = { K_U32, 0, 0, ST(snd_mss) },
	[A_ST_REORDERING] = { K_U32, 0, 0, ST(reordering) },
	[A_ST_REORD_SEEN] = { K_U32, 0, 0, ST(reord_seen) },
	[A_ST_RETRANSMITS] = { K_U64, 0, 0, ST(retransmits) },
	[A_ST_BYTES_RETRANS] = { K_U64, 0, 0, ST(bytes_retrans) },
	[A_ST_DELIVERY_RATE_BPS] = { K_U64, 0, 0, ST(delivery_rate_bps) },
	[A_ST_PACING_RATE_BPS] = { K_U64, 0, 0, ST(pacing_rate_bps) },
	[A_ST_BUSY_TIME_US] = { K_U64, 0, 0, ST(busy_time_us) },
	[A_ST_RWND_LIMITED_US] = { K_U64, 0, 0, ST(rwnd_limited_us) },
	[A_ST_SNDBUF_LIMITED_US] = { K_U64, 0, 0, ST(sndbuf_limited_us) },
	[A_ST_UDP_PACKETS] = { K_U64, 0, 0, ST(udp_packets) },
	[A_ST_UDP_LOST] = { K_U64, 0, 0, ST(udp_lost) },
	[A_ST_UDP_OUT_OF_ORDER] = { K_U64, 0, 0, ST(udp_out_of_order) },
	[A_ST_UDP_DUPLICATES] = { K_U64, 0, 0, ST(udp_duplicates) },
	[A_ST_UDP_JITTER_MS] = { K_U64, 0, 0, ST(udp_jitter_ms) },
};

static const struct pol interval_pol[A_IV_MAX + 1] = {
	[A_IV_START_NS] = { K_U64, 1, 0, IV(start_ns) },
	[A_IV_END_NS] = { K_U64, 1, 0, IV(end_ns) },
	[A_IV_BYTES] = { K_U64, 1, 0, IV(bytes) },
	[A_IV_RETRANSMITS] = { K_U64, 0, 0, IV(retransmits) },
	[A_IV_RTT_US] = { K_U32, 0, 0, IV(rtt_us) },
	[A_IV_SND_CWND] = { K_U32, 0, 0, IV(snd_cwnd) },
	[A_IV_BUSY_CPUS] = { K_U64, 0, 0, IV(busy_cpus) },
};

/* the ticks of struct vxoff__cpu_ticks; the id lives in another array */
static const struct pol cpu_pol[A_C_MAX + 1] = {
	[A_C_ID] = { K_U32, 1, 0, "cpu id" },
	[A_C_USER] = { K_U64, 1, 0, CT(user) },
	[A_C_NICE] = { K_U64, 1, 0, CT(nice) },
	[A_C_SYSTEM] = { K_U64, 1, 0, CT(system) },
	[A_C_IDLE] = { K_U64, 1, 0, CT(idle) },
	[A_C_IOWAIT] = { K_U64, 1, 0, CT(iowait) },
	[A_C_IRQ] = { K_U64, 1, 0, CT(irq) },
	[A_C_SOFTIRQ] = { K_U64, 1, 0, CT(softirq) },
	[A_C_STEAL] = { K_U64, 1, 0, CT(steal) },
};

/* ---- encoding: libmnl attributes after a scratch nlmsghdr, then moved behind the header ---- */

struct enc {
	uint8_t *buf;
	size_t cap;
	struct nlmsghdr *nlh;
	bool full;
};

static bool enc_init(struct enc *e, size_t payload_cap)
{
	e->cap = MNL_NLMSG_HDRLEN + payload_cap;
	e->buf = calloc(1, e->cap); /* zeroed: libmnl 1.0.4 leaves padding unset */
	e->full = false;
	if (!e->buf)
		return false;
	e->nlh = mnl_nlmsg_put_header(e->buf);
	return true;
}

static void put_u32(struct enc *e, uint16_t type, uint32_t v)
{
	if (!mnl_attr_put_u32_check(e->nlh, e->cap, type, v))
		e->full = true;
}

static void put_u64(struct enc *e, uint16_t type, uint64_t v)
{
	if (!mnl_attr_put_u64_check(e->nlh, e->cap, type, v))
		e->full = true;
}

/* Every plain number of obj that pol places, in type order. */
static void put_plain(struct enc *e, const struct pol *pol, uint16_t maxtype, const void *obj)
{
	for (uint16_t t = 1; t <= maxtype; t++) {
		const uint8_t *p;
		uint32_t v32;
		uint64_t v64;

		if (!pol[t].at)
			continue;
		p = (const uint8_t *)obj + pol[t].at - 1;
		if (pol[t].kind == K_U32) {
			memcpy(&v32, p, sizeof(v32));
			put_u32(e, t, v32);
		} else {
			memcpy(&v64, p, sizeof(v64));
			put_u64(e, t, v64);
		}
	}
}

static void put_str(struct enc *e, uint16_t type, const char *s)
{
	if (!mnl_attr_put_strz_check(e->nlh, e->cap, type, s))
		e->full = true;
}

/* A string of a fixed array, cut at its size even if the caller forgot the terminator. */
static void put_arr(struct enc *e, uint16_t type, const char *s, size_t size)
{
	char tmp[256];
	size_t n = strnlen(s, size < sizeof(tmp) ? size : sizeof(tmp));

	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (n >= size)
		n = size - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	put_str(e, type, tmp);
}

static struct nlattr *nest_start(struct enc *e, uint16_t type)
{
	struct nlattr *n = mnl_attr_nest_start_check(e->nlh, e->cap, type);

	if (!n)
		e->full = true;
	return n;
}

static void nest_end(struct enc *e, struct nlattr *n)
{
	if (!n)
		return;
	/* a nest longer than nla_len can hold would wrap: refuse it */
	if ((size_t)((uint8_t *)mnl_nlmsg_get_payload_tail(e->nlh) - (uint8_t *)n) > UINT16_MAX) {
		e->full = true;
		return;
	}
	mnl_attr_nest_end(e->nlh, n);
}

/* Turn the scratch buffer into a frame: 8-byte header, then the attributes. */
static uint8_t *enc_finish(struct enc *e, uint16_t type, size_t max_payload, size_t *len)
{
	size_t plen;

	if (e->full) {
		free(e->buf);
		errno = EMSGSIZE;
		return NULL;
	}
	plen = e->nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
	if (plen > max_payload) {
		free(e->buf);
		errno = EMSGSIZE;
		return NULL;
	}
	memmove(e->buf + VXOFF__BENCH_FRAME_HDR, e->buf + MNL_NLMSG_HDRLEN, plen);
	put_be32(e->buf, (uint32_t)plen);
	put_be16(e->buf + 4, type);
	put_be16(e->buf + 6, 0);
	*len = VXOFF__BENCH_FRAME_HDR + plen;
	return e->buf;
}

static void put_params(struct enc *e, const struct vxoff__bench_params *p)
{
	put_u32(e, A_P_FLAGS, p->flags & WIRE_FLAGS);
	put_plain(e, params_pol, A_P_MAX, p);
	put_arr(e, A_P_CONGESTION, p->congestion, sizeof(p->congestion));
	put_arr(e, A_P_SERVER_CPUS, p->server_cpus, sizeof(p->server_cpus));
}

uint8_t *vxoff__bench_encode_params(const struct vxoff__bench_params *p, size_t *len)
{
	struct enc e;

	if (!enc_init(&e, 1024))
		return NULL;
	put_params(&e, p);
	return enc_finish(&e, VXOFF__BENCH_MSG_PARAMS, VXOFF__BENCH_MAX_PARAMS, len);
}

uint8_t *vxoff__bench_encode_accept(const struct vxoff__bench_accept *a, size_t *len)
{
	struct enc e;

	if (!enc_init(&e, 1024))
		return NULL;
	put_params(&e, &a->params);
	if (!mnl_attr_put_check(e.nlh, e.cap, A_P_COOKIE, sizeof(a->cookie), a->cookie))
		e.full = true;
	put_u32(&e, A_P_DATA_PORT, a->data_port);
	put_u32(&e, A_P_SERVER_NCPUS, a->server_ncpus);
	put_arr(&e, A_P_SERVER_CONGESTION, a->server_congestion, sizeof(a->server_congestion));
	return enc_finish(&e, VXOFF__BENCH_MSG_PARAMS_OK, VXOFF__BENCH_MAX_PARAMS, len);
}

uint8_t *vxoff__bench_encode_error(const struct vxoff__bench_error *er, size_t *len)
{
	struct enc e;

	if (!enc_init(&e, 512))
		return NULL;
	put_u32(&e, A_E_CODE, er->code);
	put_u32(&e, A_E_RETRY_AFTER_MS, er->retry_after_ms);
	put_arr(&e, A_E_TEXT, er->text, sizeof(er->text));
	return enc_finish(&e, VXOFF__BENCH_MSG_ERR, VXOFF__BENCH_MAX_PARAMS, len);
}

uint8_t *vxoff__bench_encode_start(uint64_t server_mono_ns, size_t *len)
{
	struct enc e;

	if (!enc_init(&e, 64))
		return NULL;
	put_u64(&e, A_S_SERVER_MONO_NS, server_mono_ns);
	return enc_finish(&e, VXOFF__BENCH_MSG_START, VXOFF__BENCH_MAX_PARAMS, len);
}

uint8_t *vxoff__bench_encode_abort(const char *reason, size_t *len)
{
	struct enc e;

	if (!enc_init(&e, 512))
		return NULL;
	put_arr(&e, A_A_REASON, reason ? reason : "", 256);
	return enc_finish(&e, VXOFF__BENCH_MSG_ABORT, VXOFF__BENCH_MAX_PARAMS, len);
}

uint8_t *vxoff__bench_encode_done(size_t *len)
{
	uint8_t *f = calloc(1, VXOFF__BENCH_FRAME_HDR);

	if (!f)
		return NULL;
	put_be16(f + 4, VXOFF__BENCH_MSG_DONE);
	*len = VXOFF__BENCH_FRAME_HDR;
	return f;
}

/* Bytes one attribute of payload n takes. */
#define ATTR_SZ(n) (MNL_ALIGN(MNL_ATTR_HDRLEN + (n)))

uint8_t *vxoff__bench_encode_results(const struct vxoff__end_fig *f, size_t *len)
{
	const uint64_t stream_sz = ATTR_SZ(0) + 8 * ATTR_SZ(4) + 18 * ATTR_SZ(8);
	const uint64_t iv_sz = ATTR_SZ(0) + 2 * ATTR_SZ(4) + 5 * ATTR_SZ(8);
	const uint64_t cpu_sz = ATTR_SZ(0) + ATTR_SZ(4) + 8 * ATTR_SZ(8);
	uint64_t niv = (uint64_t)f->nstreams * f->nintervals, need;
	struct enc e;

	if ((f->nstreams && !f->streams) || (niv && !f->intervals) ||
	    (f->cpu.ncpus && (!f->cpu.ids || !f->cpu.delta))) {
		errno = EINVAL;
		return NULL;
	}
	need = 512 + f->nstreams * stream_sz + niv * iv_sz + (uint64_t)f->cpu.ncpus * cpu_sz;
	if (need > VXOFF__BENCH_MAX_RESULTS + 512ull) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (!enc_init(&e, need))
		return NULL;
	put_u32(&e, A_R_NSTREAMS, f->nstreams);
	put_u32(&e, A_R_NINTERVALS, f->nintervals);
	put_u32(&e, A_R_NCPUS, f->cpu.ncpus);
	put_arr(&e, A_R_CONGESTION, f->congestion, sizeof(f->congestion));
	put_arr(&e, A_R_KERNEL, f->kernel, sizeof(f->kernel));
	put_u32(&e, A_R_HZ, f->cpu.hz);
	put_u64(&e, A_R_PROC_USER_US, f->cpu.proc_user_us);
	put_u64(&e, A_R_PROC_SYSTEM_US, f->cpu.proc_system_us);
	put_u64(&e, A_R_WINDOW_NS, f->cpu.window_ns);
	for (uint32_t i = 0; i < f->nstreams && !e.full; i++) {
		const struct vxoff__stream_fig *s = &f->streams[i];
		struct nlattr *n = nest_start(&e, A_R_STREAM);

		put_plain(&e, stream_pol, A_ST_MAX, s);
		nest_end(&e, n);
	}
	for (uint64_t i = 0; i < niv && !e.full; i++) {
		const struct vxoff__interval_fig *v = &f->intervals[i];
		struct nlattr *n = nest_start(&e, A_R_INTERVAL);

		put_plain(&e, interval_pol, A_IV_MAX, v);
		nest_end(&e, n);
	}
	for (uint32_t i = 0; i < f->cpu.ncpus && !e.full; i++) {
		const struct vxoff__cpu_ticks *t = &f->cpu.delta[i];
		struct nlattr *n = nest_start(&e, A_R_CPU);

		put_u32(&e, A_C_ID, f->cpu.ids[i]);
		put_plain(&e, cpu_pol, A_C_MAX, t);
		nest_end(&e, n);
	}
	return enc_finish(&e, VXOFF__BENCH_MSG_RESULTS, VXOFF__BENCH_MAX_RESULTS, len);
}

/* ---- decoding ---- */

/*
 * Check every attribute of [start, start+len) against pol[1..maxtype]: a known type, the exact
 * length of its kind, a string terminated within its bound, no repeat except for nests, every
 * required one present. tb[] gets each singleton; counts[] (may be NULL) the nests of each type.
 */
static int check_attrs(const void *start, size_t len, const struct pol *pol, uint16_t maxtype,
		       const struct nlattr **tb, uint32_t *counts, const char *where,
		       char *errbuf, size_t errlen)
{
	const uint8_t *p = start;
	size_t off = 0;

	memset(tb, 0, (maxtype + 1u) * sizeof(*tb));
	if (counts)
		memset(counts, 0, (maxtype + 1u) * sizeof(*counts));
	while (off < len) {
		const struct nlattr *a = (const void *)(p + off);
		uint16_t alen, type, plen;
		const struct pol *po;
		const char *s;

		if (len - off < MNL_ATTR_HDRLEN)
			return fail(errbuf, errlen, -EPROTO,
				    "%s: truncated attribute header at byte %zu", where, off);
		alen = a->nla_len;
		type = a->nla_type & NLA_TYPE_MASK;
		/* the padding is part of the attribute: the encoders always send it */
		if (alen < MNL_ATTR_HDRLEN || (size_t)MNL_ALIGN(alen) > len - off)
			return fail(errbuf, errlen, -EPROTO,
				    "%s: attribute %u at byte %zu: length %u beyond the message",
				    where, type, off, alen);
		plen = (uint16_t)(alen - MNL_ATTR_HDRLEN);
		po = type >= 1 && type <= maxtype ? &pol[type] : NULL;
		if (!po || po->kind == K_NONE)
			return fail(errbuf, errlen, -EPROTO, "%s: unknown attribute %u", where,
				    type);
		switch (po->kind) {
		case K_U32:
			if (plen != 4)
				return fail(errbuf, errlen, -EPROTO,
					    "%s: %s: length %u, expected 4", where, po->name, plen);
			break;
		case K_U64:
			if (plen != 8)
				return fail(errbuf, errlen, -EPROTO,
					    "%s: %s: length %u, expected 8", where, po->name, plen);
			break;
		case K_BIN:
			if (plen != po->max)
				return fail(errbuf, errlen, -EPROTO,
					    "%s: %s: length %u, expected %u", where, po->name, plen,
					    po->max);
			break;
		case K_STR:
			s = mnl_attr_get_payload(a);
			if (plen == 0 || !memchr(s, '\0', plen))
				return fail(errbuf, errlen, -EPROTO,
					    "%s: %s: string not NUL-terminated", where, po->name);
			if (strlen(s) >= po->max)
				return fail(errbuf, errlen, -EPROTO,
					    "%s: %s: string of %zu bytes, at most %u", where,
					    po->name, strlen(s), po->max - 1u);
			break;
		case K_NEST:
			break;
		default:
			return fail(errbuf, errlen, -EPROTO, "%s: bad policy", where);
		}
		if (po->kind == K_NEST) {
			if (counts)
				counts[type]++;
		} else if (tb[type]) {
			return fail(errbuf, errlen, -EPROTO, "%s: %s repeated", where, po->name);
		}
		tb[type] = a;
		off += MNL_ALIGN(alen);
	}
	for (uint16_t t = 1; t <= maxtype; t++)
		if (pol[t].required && !tb[t])
			return fail(errbuf, errlen, -EPROTO, "%s: %s missing", where, pol[t].name);
	return 0;
}

static uint32_t get_u32(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

static uint64_t get_u64(const struct nlattr *a, uint64_t dflt)
{
	uint64_t v;

	if (!a)
		return dflt;
	memcpy(&v, mnl_attr_get_payload(a), sizeof(v)); /* 4-byte aligned only */
	return v;
}

/* Every plain number that pol places into obj, 0 when absent. */
static void get_plain(const struct nlattr **tb, const struct pol *pol, uint16_t maxtype,
		      void *obj)
{
	for (uint16_t t = 1; t <= maxtype; t++) {
		uint8_t *p;
		uint32_t v32;
		uint64_t v64;

		if (!pol[t].at)
			continue;
		p = (uint8_t *)obj + pol[t].at - 1;
		if (pol[t].kind == K_U32) {
			v32 = get_u32(tb[t], 0);
			memcpy(p, &v32, sizeof(v32));
		} else {
			v64 = get_u64(tb[t], 0);
			memcpy(p, &v64, sizeof(v64));
		}
	}
}

static void get_str(const struct nlattr *a, char *dst, size_t cap)
{
	if (!a) {
		dst[0] = '\0';
		return;
	}
	snprintf(dst, cap, "%s", (const char *)mnl_attr_get_payload(a));
}

static bool cc_name_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

int vxoff__bench_params_check(const struct vxoff__bench_params *p, char *errbuf,
			      size_t errlen)
{
	uint64_t bits[VXOFF__BENCH_MAX_CPUS / 64];
	int r;

	if (p->flags & ~(uint32_t)LOCAL_FLAGS)
		return fail(errbuf, errlen, -EINVAL, "flags 0x%x: unknown bits 0x%x", p->flags,
			    p->flags & ~(uint32_t)LOCAL_FLAGS);
	if (p->streams < 1 || p->streams > VXOFF_BENCH_MAX_STREAMS)
		return fail(errbuf, errlen, -EINVAL, "streams %u out of range 1..%u", p->streams,
			    VXOFF_BENCH_MAX_STREAMS);
	if (p->duration_ms < 1 || p->duration_ms > VXOFF_BENCH_MAX_DURATION_MS)
		return fail(errbuf, errlen, -EINVAL, "duration %u ms out of range 1..%u ms",
			    p->duration_ms, VXOFF_BENCH_MAX_DURATION_MS);
	if (p->omit_ms > VXOFF_BENCH_MAX_OMIT_MS)
		return fail(errbuf, errlen, -EINVAL, "omit %u ms over the limit of %u ms",
			    p->omit_ms, VXOFF_BENCH_MAX_OMIT_MS);
	if (p->interval_ms < 100 || p->interval_ms > 60000)
		return fail(errbuf, errlen, -EINVAL, "interval %u ms out of range 100..60000 ms",
			    p->interval_ms);
	if (p->len < 1 || p->len > VXOFF_BENCH_MAX_LEN)
		return fail(errbuf, errlen, -EINVAL, "len %u out of range 1..%u", p->len,
			    VXOFF_BENCH_MAX_LEN);
	/* a datagram carries the sequence header (stream.c) and fits an IPv4 datagram */
	if ((p->flags & VXOFF_BENCH_F_UDP) &&
	    (p->len < VXOFF__BENCH_UDP_HDR || p->len > VXOFF__BENCH_UDP_MAX))
		return fail(errbuf, errlen, -EINVAL, "len %u out of the UDP range %u..%u", p->len,
			    VXOFF__BENCH_UDP_HDR, VXOFF__BENCH_UDP_MAX);
	if ((p->flags & VXOFF_BENCH_F_FIXED_RATE) && p->rate_bps == 0)
		return fail(errbuf, errlen, -EINVAL, "rate_bps 0: fixed-rate needs a rate");
	if (p->sndbuf > VXOFF_BENCH_MAX_SOCKBUF)
		return fail(errbuf, errlen, -EINVAL, "sndbuf %u over the limit of %u", p->sndbuf,
			    VXOFF_BENCH_MAX_SOCKBUF);
	if (p->rcvbuf > VXOFF_BENCH_MAX_SOCKBUF)
		return fail(errbuf, errlen, -EINVAL, "rcvbuf %u over the limit of %u", p->rcvbuf,
			    VXOFF_BENCH_MAX_SOCKBUF);
	if (!memchr(p->congestion, '\0', sizeof(p->congestion)))
		return fail(errbuf, errlen, -EINVAL, "congestion name longer than %zu bytes",
			    sizeof(p->congestion) - 1);
	if (!cc_name_ok(p->congestion))
		return fail(errbuf, errlen, -EINVAL,
			    "congestion \"%s\": only a-z, 0-9, '_' and '-' allowed", p->congestion);
	if (!memchr(p->server_cpus, '\0', sizeof(p->server_cpus)))
		return fail(errbuf, errlen, -EINVAL, "server_cpus longer than %zu bytes",
			    sizeof(p->server_cpus) - 1);
	if (p->server_cpus[0]) {
		r = vxoff__cpulist_parse(p->server_cpus, bits, VXOFF__BENCH_MAX_CPUS);
		if (r < 0)
			return fail(errbuf, errlen, -EINVAL,
				    "server_cpus \"%s\": not a CPU list of CPUs below %u (%s)",
				    p->server_cpus, VXOFF__BENCH_MAX_CPUS, strerror(-r));
	}
	return 0;
}

static void get_params(const struct nlattr **tb, struct vxoff__bench_params *p)
{
	memset(p, 0, sizeof(*p));
	p->flags = get_u32(tb[A_P_FLAGS], 0);
	get_plain(tb, params_pol, A_P_MAX, p);
	get_str(tb[A_P_CONGESTION], p->congestion, sizeof(p->congestion));
	get_str(tb[A_P_SERVER_CPUS], p->server_cpus, sizeof(p->server_cpus));
}

static int params_wire_check(const struct vxoff__bench_params *p, char *errbuf, size_t errlen)
{
	/* on the wire only the flags that concern the server are valid */
	if (p->flags & ~(uint32_t)WIRE_FLAGS)
		return fail(errbuf, errlen, -EINVAL, "flags 0x%x: unknown bits 0x%x", p->flags,
			    p->flags & ~(uint32_t)WIRE_FLAGS);
	return vxoff__bench_params_check(p, errbuf, errlen);
}

int vxoff__bench_decode_params(const void *payload, size_t len, struct vxoff__bench_params *p,
			       char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_P_MAX + 1];
	struct vxoff__bench_params tmp;
	int r;

	r = check_attrs(payload, len, params_pol, A_P_MAX, tb, NULL, "PARAMS", errbuf, errlen);
	if (r < 0)
		return r;
	get_params(tb, &tmp);
	r = params_wire_check(&tmp, errbuf, errlen);
	if (r < 0)
		return r;
	*p = tmp;
	return 0;
}

int vxoff__bench_decode_accept(const void *payload, size_t len, struct vxoff__bench_accept *a,
			       char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_P_MAX + 1];
	struct vxoff__bench_accept tmp;
	int r;

	r = check_attrs(payload, len, accept_pol, A_P_MAX, tb, NULL, "PARAMS_OK", errbuf,
			errlen);
	if (r < 0)
		return r;
	memset(&tmp, 0, sizeof(tmp));
	get_params(tb, &tmp.params);
	r = params_wire_check(&tmp.params, errbuf, errlen);
	if (r < 0)
		return r;
	memcpy(tmp.cookie, mnl_attr_get_payload(tb[A_P_COOKIE]), sizeof(tmp.cookie));
	tmp.data_port = get_u32(tb[A_P_DATA_PORT], 0);
	if (tmp.data_port < 1 || tmp.data_port > 65535)
		return fail(errbuf, errlen, -EINVAL, "data_port %u out of range 1..65535",
			    tmp.data_port);
	tmp.server_ncpus = get_u32(tb[A_P_SERVER_NCPUS], 0);
	if (tmp.server_ncpus > VXOFF__BENCH_MAX_CPUS)
		return fail(errbuf, errlen, -EINVAL, "server_ncpus %u over the limit of %u",
			    tmp.server_ncpus, VXOFF__BENCH_MAX_CPUS);
	get_str(tb[A_P_SERVER_CONGESTION], tmp.server_congestion,
		sizeof(tmp.server_congestion));
	if (!cc_name_ok(tmp.server_congestion))
		return fail(errbuf, errlen, -EINVAL,
			    "server_congestion \"%s\": only a-z, 0-9, '_' and '-' allowed",
			    tmp.server_congestion);
	*a = tmp;
	return 0;
}

static const struct pol error_pol[A_E_MAX + 1] = {
	[A_E_CODE] = { K_U32, 1, 0, "code" },
	[A_E_RETRY_AFTER_MS] = { K_U32, 0, 0, "retry_after_ms" },
	[A_E_TEXT] = { K_STR, 0, 256, "text" },
};

int vxoff__bench_decode_error(const void *payload, size_t len, struct vxoff__bench_error *e,
			      char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_E_MAX + 1];
	struct vxoff__bench_error tmp;
	int r;

	r = check_attrs(payload, len, error_pol, A_E_MAX, tb, NULL, "ERR", errbuf, errlen);
	if (r < 0)
		return r;
	memset(&tmp, 0, sizeof(tmp));
	/* codes are append-only: an unknown one from a newer peer is still an error */
	tmp.code = get_u32(tb[A_E_CODE], 0);
	if (tmp.code == 0)
		return fail(errbuf, errlen, -EINVAL, "ERR: code 0");
	tmp.retry_after_ms = get_u32(tb[A_E_RETRY_AFTER_MS], 0);
	get_str(tb[A_E_TEXT], tmp.text, sizeof(tmp.text));
	*e = tmp;
	return 0;
}

static const struct pol start_pol[A_S_MAX + 1] = {
	[A_S_SERVER_MONO_NS] = { K_U64, 1, 0, "server_mono_ns" },
};

int vxoff__bench_decode_start(const void *payload, size_t len, uint64_t *server_mono_ns,
			      char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_S_MAX + 1];
	int r;

	r = check_attrs(payload, len, start_pol, A_S_MAX, tb, NULL, "START", errbuf, errlen);
	if (r < 0)
		return r;
	*server_mono_ns = get_u64(tb[A_S_SERVER_MONO_NS], 0);
	return 0;
}

static const struct pol abort_pol[A_A_MAX + 1] = {
	[A_A_REASON] = { K_STR, 1, 256, "reason" },
};

int vxoff__bench_decode_abort(const void *payload, size_t len, char *reason, size_t cap,
			      char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_A_MAX + 1];
	int r;

	r = check_attrs(payload, len, abort_pol, A_A_MAX, tb, NULL, "ABORT", errbuf, errlen);
	if (r < 0)
		return r;
	if (reason && cap)
		get_str(tb[A_A_REASON], reason, cap);
	return 0;
}

static const struct pol results_pol[A_R_MAX + 1] = {
	[A_R_NSTREAMS] = { K_U32, 1, 0, "nstreams" },
	[A_R_NINTERVALS] = { K_U32, 1, 0, "nintervals" },
	[A_R_NCPUS] = { K_U32, 1, 0, "ncpus" },
	[A_R_CONGESTION] = { K_STR, 0, 16, "congestion" },
	[A_R_KERNEL] = { K_STR, 0, 65, "kernel" },
	[A_R_HZ] = { K_U32, 1, 0, "hz" },
	[A_R_PROC_USER_US] = { K_U64, 0, 0, "proc_user_us" },
	[A_R_PROC_SYSTEM_US] = { K_U64, 0, 0, "proc_system_us" },
	[A_R_WINDOW_NS] = { K_U64, 1, 0, "window_ns" },
	[A_R_STREAM] = { K_NEST, 0, 0, "stream" },
	[A_R_INTERVAL] = { K_NEST, 0, 0, "interval" },
	[A_R_CPU] = { K_NEST, 0, 0, "cpu" },
};

static void end_fig_release(struct vxoff__end_fig *f)
{
	free(f->streams);
	free(f->intervals);
	free(f->cpu.ids);
	free(f->cpu.delta);
	memset(f, 0, sizeof(*f));
}

static int decode_stream(const struct nlattr *nest, struct vxoff__stream_fig *all, uint32_t idx,
			 char *errbuf, size_t errlen)
{
	struct vxoff__stream_fig *s = &all[idx];
	const struct nlattr *tb[A_ST_MAX + 1];
	char where[32];
	uint32_t cpu;
	int r;

	snprintf(where, sizeof(where), "RESULTS stream %u", idx);
	r = check_attrs(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), stream_pol,
			A_ST_MAX, tb, NULL, where, errbuf, errlen);
	if (r < 0)
		return r;
	get_plain(tb, stream_pol, A_ST_MAX, s);
	cpu = get_u32(tb[A_ST_CPU], UINT32_MAX);
	if (cpu != UINT32_MAX && cpu >= VXOFF__BENCH_MAX_CPUS)
		return fail(errbuf, errlen, -EINVAL, "%s: cpu %u out of range -1..%u", where, cpu,
			    VXOFF__BENCH_MAX_CPUS - 1);
	s->cpu = cpu == UINT32_MAX ? -1 : (int32_t)cpu;
	if (s->bytes_sent > s->total_sent || s->bytes_received > s->total_received)
		return fail(errbuf, errlen, -EINVAL,
			    "%s: bytes inside the window exceed the test's total", where);
	if (s->tcp_info_valid > 1)
		return fail(errbuf, errlen, -EINVAL, "%s: tcp_info_valid %u is not 0 or 1", where,
			    s->tcp_info_valid);
	if (!isfinite(s->udp_jitter_ms) || s->udp_jitter_ms < 0)
		return fail(errbuf, errlen, -EINVAL, "%s: udp_jitter_ms not a finite value >= 0",
			    where);
	for (uint32_t i = 0; i < idx; i++)
		if (all[i].id == s->id)
			return fail(errbuf, errlen, -EINVAL, "%s: id %u repeated", where, s->id);
	return 0;
}

static int decode_interval(const struct nlattr *nest, struct vxoff__interval_fig *v,
			   uint64_t idx, char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_IV_MAX + 1];
	char where[48];
	int r;

	snprintf(where, sizeof(where), "RESULTS interval %llu", (unsigned long long)idx);
	r = check_attrs(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), interval_pol,
			A_IV_MAX, tb, NULL, where, errbuf, errlen);
	if (r < 0)
		return r;
	get_plain(tb, interval_pol, A_IV_MAX, v);
	if (v->end_ns < v->start_ns)
		return fail(errbuf, errlen, -EINVAL, "%s: end_ns before start_ns", where);
	if (!isfinite(v->busy_cpus) || v->busy_cpus < 0 || v->busy_cpus > VXOFF__BENCH_MAX_CPUS)
		return fail(errbuf, errlen, -EINVAL, "%s: busy_cpus out of range 0..%u", where,
			    VXOFF__BENCH_MAX_CPUS);
	return 0;
}

static int decode_cpu(const struct nlattr *nest, struct vxoff__cpu_window *w, uint32_t idx,
		      char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_C_MAX + 1];
	struct vxoff__cpu_ticks *t = &w->delta[idx];
	char where[32];
	int r;

	snprintf(where, sizeof(where), "RESULTS cpu %u", idx);
	r = check_attrs(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), cpu_pol,
			A_C_MAX, tb, NULL, where, errbuf, errlen);
	if (r < 0)
		return r;
	w->ids[idx] = get_u32(tb[A_C_ID], 0);
	if (w->ids[idx] >= VXOFF__BENCH_MAX_CPUS)
		return fail(errbuf, errlen, -EINVAL, "%s: id %u over the limit of %u", where,
			    w->ids[idx], VXOFF__BENCH_MAX_CPUS - 1);
	if (idx > 0 && w->ids[idx] <= w->ids[idx - 1])
		return fail(errbuf, errlen, -EINVAL, "%s: id %u not above the previous %u", where,
			    w->ids[idx], w->ids[idx - 1]);
	get_plain(tb, cpu_pol, A_C_MAX, t);
	return 0;
}

static int decode_results(const void *payload, size_t len, struct vxoff__end_fig *f,
			  char *errbuf, size_t errlen)
{
	const struct nlattr *tb[A_R_MAX + 1];
	uint32_t counts[A_R_MAX + 1], si = 0, ci = 0;
	const uint8_t *p = payload;
	uint64_t niv, ii = 0;
	size_t off = 0;
	int r;

	if (len > VXOFF__BENCH_MAX_RESULTS)
		return fail(errbuf, errlen, -EPROTO, "RESULTS: %zu bytes over the cap of %u", len,
			    VXOFF__BENCH_MAX_RESULTS);
	r = check_attrs(payload, len, results_pol, A_R_MAX, tb, counts, "RESULTS", errbuf,
			errlen);
	if (r < 0)
		return r;
	f->nstreams = get_u32(tb[A_R_NSTREAMS], 0);
	f->nintervals = get_u32(tb[A_R_NINTERVALS], 0);
	f->cpu.ncpus = get_u32(tb[A_R_NCPUS], 0);
	/* limits first, then what the message really carries, and only then allocate */
	if (f->nstreams > VXOFF_BENCH_MAX_STREAMS)
		return fail(errbuf, errlen, -EINVAL, "RESULTS: nstreams %u over the limit of %u",
			    f->nstreams, VXOFF_BENCH_MAX_STREAMS);
	if (f->nintervals > VXOFF__BENCH_MAX_INTERVALS)
		return fail(errbuf, errlen, -EINVAL,
			    "RESULTS: nintervals %u over the limit of %u", f->nintervals,
			    VXOFF__BENCH_MAX_INTERVALS);
	if (f->cpu.ncpus > VXOFF__BENCH_MAX_CPUS)
		return fail(errbuf, errlen, -EINVAL, "RESULTS: ncpus %u over the limit of %u",
			    f->cpu.ncpus, VXOFF__BENCH_MAX_CPUS);
	niv = (uint64_t)f->nstreams * f->nintervals;
	if (counts[A_R_STREAM] != f->nstreams)
		return fail(errbuf, errlen, -EPROTO,
			    "RESULTS: nstreams %u but %u stream attributes", f->nstreams,
			    counts[A_R_STREAM]);
	if (counts[A_R_INTERVAL] != niv)
		return fail(errbuf, errlen, -EPROTO,
			    "RESULTS: %u streams x %u intervals but %u interval attributes",
			    f->nstreams, f->nintervals, counts[A_R_INTERVAL]);
	if (counts[A_R_CPU] != f->cpu.ncpus)
		return fail(errbuf, errlen, -EPROTO, "RESULTS: ncpus %u but %u cpu attributes",
			    f->cpu.ncpus, counts[A_R_CPU]);
	f->cpu.hz = get_u32(tb[A_R_HZ], 0);
	if (f->cpu.hz == 0 || f->cpu.hz > 1000000)
		return fail(errbuf, errlen, -EINVAL, "RESULTS: hz %u out of range 1..1000000",
			    f->cpu.hz);
	f->cpu.proc_user_us = get_u64(tb[A_R_PROC_USER_US], 0);
	f->cpu.proc_system_us = get_u64(tb[A_R_PROC_SYSTEM_US], 0);
	f->cpu.window_ns = get_u64(tb[A_R_WINDOW_NS], 0);
	get_str(tb[A_R_CONGESTION], f->congestion, sizeof(f->congestion));
	if (!cc_name_ok(f->congestion))
		return fail(errbuf, errlen, -EINVAL,
			    "RESULTS: congestion \"%s\": only a-z, 0-9, '_' and '-' allowed",
			    f->congestion);
	get_str(tb[A_R_KERNEL], f->kernel, sizeof(f->kernel));

	if (f->nstreams && !(f->streams = calloc(f->nstreams, sizeof(*f->streams))))
		return fail(errbuf, errlen, -ENOMEM, "RESULTS: out of memory");
	if (niv && !(f->intervals = calloc(niv, sizeof(*f->intervals))))
		return fail(errbuf, errlen, -ENOMEM, "RESULTS: out of memory");
	if (f->cpu.ncpus && (!(f->cpu.ids = calloc(f->cpu.ncpus, sizeof(*f->cpu.ids))) ||
			     !(f->cpu.delta = calloc(f->cpu.ncpus, sizeof(*f->cpu.delta)))))
		return fail(errbuf, errlen, -ENOMEM, "RESULTS: out of memory");

	/* check_attrs() proved every attribute lies inside the payload */
	while (off < len) {
		const struct nlattr *a = (const void *)(p + off);
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		r = 0;
		if (type == A_R_STREAM) {
			r = decode_stream(a, f->streams, si++, errbuf, errlen);
		} else if (type == A_R_INTERVAL) {
			r = decode_interval(a, &f->intervals[ii], ii, errbuf, errlen);
			ii++;
		} else if (type == A_R_CPU) {
			r = decode_cpu(a, &f->cpu, ci++, errbuf, errlen);
		}
		if (r < 0)
			return r;
		off += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

int vxoff__bench_decode_results(const void *payload, size_t len, struct vxoff__end_fig *f,
				char *errbuf, size_t errlen)
{
	int r;

	memset(f, 0, sizeof(*f));
	r = decode_results(payload, len, f, errbuf, errlen);
	if (r < 0)
		end_fig_release(f);
	return r;
}

/* ---- frame I/O ---- */

/* Wait until fd is ready for events, the deadline passes (0 = none) or stop_fd is readable. */
static int wait_fd(int fd, short events, uint64_t deadline_ns, int stop_fd)
{
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = events },
			{ .fd = stop_fd, .events = POLLIN },
		};
		int timeout = -1, r;

		if (deadline_ns) {
			uint64_t now = vxoff__mono_ns();

			if (now >= deadline_ns)
				return -ETIMEDOUT;
			/* round up: waking a little late is better than spinning */
			timeout = (deadline_ns - now + 999999) / 1000000 > INT_MAX
					  ? INT_MAX
					  : (int)((deadline_ns - now + 999999) / 1000000);
		}
		r = poll(pfd, stop_fd >= 0 ? 2 : 1, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (stop_fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)))
			return -ECANCELED;
		if (pfd[0].revents & POLLNVAL)
			return -EBADF;
		if (pfd[0].revents)
			return 0; /* ready, or an error/hangup the next call reports */
	}
}

int vxoff__bench_write_all(int fd, const void *buf, size_t len, uint64_t deadline_ns,
			   int stop_fd)
{
	const uint8_t *p = buf;
	bool sock = true;

	while (len > 0) {
		ssize_t n;
		int r;

		if (stop_fd >= 0) {
			r = wait_fd(fd, POLLOUT, deadline_ns, stop_fd);
			if (r < 0)
				return r;
		}
		n = sock ? send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) : write(fd, p, len);
		if (n < 0) {
			if (errno == ENOTSOCK && sock) {
				sock = false; /* a pipe in tests */
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			r = wait_fd(fd, POLLOUT, deadline_ns, stop_fd);
			if (r < 0)
				return r;
			continue;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vxoff__bench_read_all(int fd, void *buf, size_t len, uint64_t deadline_ns, int stop_fd)
{
	uint8_t *p = buf;
	bool sock = true;

	while (len > 0) {
		ssize_t n;
		int r;

		/* wait first: a blocking fd must not block past the deadline in recv() */
		r = wait_fd(fd, POLLIN, deadline_ns, stop_fd);
		if (r < 0)
			return r;
		n = sock ? recv(fd, p, len, MSG_DONTWAIT) : read(fd, p, len);
		if (n < 0) {
			if (errno == ENOTSOCK && sock) {
				sock = false;
				continue;
			}
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		/* never advance by more than was asked for (CVE-2025-54351) */
		if ((size_t)n > len)
			return -EPROTO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The largest payload a frame of this type may carry; 0 = none allowed; -1 = unknown type. */
static int64_t frame_cap(uint16_t type)
{
	switch (type) {
	case VXOFF__BENCH_MSG_PARAMS:
	case VXOFF__BENCH_MSG_PARAMS_OK:
	case VXOFF__BENCH_MSG_ERR:
	case VXOFF__BENCH_MSG_START:
	case VXOFF__BENCH_MSG_ABORT:
		return VXOFF__BENCH_MAX_PARAMS;
	case VXOFF__BENCH_MSG_RESULTS:
		return VXOFF__BENCH_MAX_RESULTS;
	case VXOFF__BENCH_MSG_DONE:
		return 0;
	default:
		return -1;
	}
}

int vxoff__bench_read_frame_why(int fd, uint64_t deadline_ns, int stop_fd, uint16_t *type,
				uint8_t **payload, size_t *len, char *errbuf, size_t errlen)
{
	uint8_t hdr[VXOFF__BENCH_FRAME_HDR];
	uint32_t plen;
	uint16_t t;
	int64_t cap;
	uint8_t *buf;
	int r;

	*payload = NULL;
	*len = 0;
	r = vxoff__bench_read_all(fd, hdr, sizeof(hdr), deadline_ns, stop_fd);
	if (r < 0)
		return fail(errbuf, errlen, r, "frame header: %s", strerror(-r));
	plen = get_be32(hdr);
	t = get_be16(hdr + 4);
	cap = frame_cap(t);
	/* flags (hdr[6..7]) are reserved: sent as 0, ignored on receipt */
	if (cap < 0)
		return fail(errbuf, errlen, -EPROTO, "frame of unknown type %u", t);
	if (plen > (uint64_t)cap)
		return fail(errbuf, errlen, -EPROTO,
			    "frame of type %u: %u bytes, over the cap of %lld", t, plen,
			    (long long)cap);
	if (cap > 0 && plen == 0)
		return fail(errbuf, errlen, -EPROTO, "frame of type %u without a payload", t);
	*type = t;
	if (plen == 0)
		return 0;
	buf = malloc(plen);
	if (!buf)
		return fail(errbuf, errlen, -ENOMEM, "frame of type %u: out of memory", t);
	r = vxoff__bench_read_all(fd, buf, plen, deadline_ns, stop_fd);
	if (r < 0) {
		free(buf);
		return fail(errbuf, errlen, r, "frame of type %u: %s after the header", t,
			    strerror(-r));
	}
	*payload = buf;
	*len = plen;
	return 0;
}

int vxoff__bench_read_frame(int fd, uint64_t deadline_ns, int stop_fd, uint16_t *type,
			    uint8_t **payload, size_t *len)
{
	return vxoff__bench_read_frame_why(fd, deadline_ns, stop_fd, type, payload, len, NULL, 0);
}
