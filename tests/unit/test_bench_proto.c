/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The bench control protocol (lib/bench/proto.c): every message round-trips, and every
 * malformed or out-of-range message is refused with an error that names the attribute.
 * Malformed messages are built by hand with libmnl, the way a hostile peer would.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/bench_internal.h"

/* Attribute numbers as docs/bench-protocol.md lists them (the wire contract). */
enum {
	P_FLAGS = 1, P_STREAMS, P_DURATION_MS, P_OMIT_MS, P_INTERVAL_MS, P_LEN, P_RATE_BPS,
	P_SNDBUF, P_RCVBUF, P_CONGESTION, P_SERVER_CPUS, P_COOKIE, P_DATA_PORT, P_SERVER_NCPUS,
	P_SERVER_CONGESTION,
};
enum { R_NSTREAMS = 1, R_NINTERVALS, R_NCPUS, R_CONGESTION, R_KERNEL, R_HZ, R_PROC_USER_US,
       R_PROC_SYSTEM_US, R_WINDOW_NS, R_STREAM, R_INTERVAL, R_CPU };
enum { ST_ID = 1, ST_CPU, ST_BYTES_SENT, ST_BYTES_RECEIVED, ST_TOTAL_SENT, ST_TOTAL_RECEIVED };
enum { IV_START_NS = 1, IV_END_NS, IV_BYTES };
enum { C_ID = 1, C_USER, C_NICE, C_SYSTEM, C_IDLE, C_IOWAIT, C_IRQ, C_SOFTIRQ, C_STEAL };

/* ---- helpers ---- */

static struct vxoff__bench_params good_params(void)
{
	struct vxoff__bench_params p = {
		.flags = VXOFF_BENCH_F_REVERSE,
		.streams = 4,
		.duration_ms = 2000,
		.omit_ms = 500,
		.interval_ms = 250,
		.len = 131072,
		.rate_bps = 123456789012ull,
		.sndbuf = 1 << 20,
		.rcvbuf = 2 << 20,
	};

	strcpy(p.congestion, "cubic");
	strcpy(p.server_cpus, "0-3,8");
	return p;
}

/* Check the frame header and hand back the payload. */
static const uint8_t *frame_payload(const uint8_t *f, size_t len, uint16_t type, size_t *plen)
{
	assert_true(len >= VXOFF__BENCH_FRAME_HDR);
	*plen = ((size_t)f[0] << 24) | ((size_t)f[1] << 16) | ((size_t)f[2] << 8) | f[3];
	assert_int_equal(*plen, len - VXOFF__BENCH_FRAME_HDR);
	assert_int_equal((f[4] << 8) | f[5], type);
	assert_int_equal((f[6] << 8) | f[7], 0);
	return f + VXOFF__BENCH_FRAME_HDR;
}

/* A hand-built attribute stream. */
struct msg {
	union {
		uint8_t buf[1 << 16];
		struct nlmsghdr align;
	};
	struct nlmsghdr *nlh;
};

static void msg_init(struct msg *m)
{
	memset(m->buf, 0, sizeof(m->buf));
	m->nlh = mnl_nlmsg_put_header(m->buf);
}

static const void *msg_payload(const struct msg *m)
{
	return mnl_nlmsg_get_payload(m->nlh);
}

static size_t msg_len(const struct msg *m)
{
	return m->nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
}

static void put_params_except(struct msg *m, const struct vxoff__bench_params *p, int skip)
{
	if (skip != P_FLAGS)
		mnl_attr_put_u32(m->nlh, P_FLAGS, p->flags);
	if (skip != P_STREAMS)
		mnl_attr_put_u32(m->nlh, P_STREAMS, p->streams);
	if (skip != P_DURATION_MS)
		mnl_attr_put_u32(m->nlh, P_DURATION_MS, p->duration_ms);
	if (skip != P_OMIT_MS)
		mnl_attr_put_u32(m->nlh, P_OMIT_MS, p->omit_ms);
	if (skip != P_INTERVAL_MS)
		mnl_attr_put_u32(m->nlh, P_INTERVAL_MS, p->interval_ms);
	if (skip != P_LEN)
		mnl_attr_put_u32(m->nlh, P_LEN, p->len);
}

static int decode_params_msg(const struct msg *m, struct vxoff__bench_params *p, char *err)
{
	return vxoff__bench_decode_params(msg_payload(m), msg_len(m), p, err, 256);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* ---- hello ---- */

static void test_hello(void **state)
{
	uint8_t h[VXOFF__BENCH_HELLO_LEN];
	uint16_t major = 0, minor = 7;
	uint32_t max_frame = 0;

	(void)state;
	vxoff__bench_hello_encode(h, 65536);
	assert_memory_equal(h, "VXOF\0\1\0\0\0\0\0\0\0\1\0\0", 16);
	assert_int_equal(vxoff__bench_hello_decode(h, &major, &minor, &max_frame), 0);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 0);
	assert_int_equal(max_frame, 65536);

	h[0] = 'X';
	assert_int_equal(vxoff__bench_hello_decode(h, &major, &minor, &max_frame), -EPROTO);
	h[0] = 'V';
	h[4] = 0;
	h[5] = 2; /* major 2 */
	assert_int_equal(vxoff__bench_hello_decode(h, &major, &minor, &max_frame),
			 -EPROTONOSUPPORT);
	assert_int_equal(major, 2);
	/* a newer minor is fine */
	h[5] = 1;
	h[7] = 9;
	assert_int_equal(vxoff__bench_hello_decode(h, &major, &minor, &max_frame), 0);
	assert_int_equal(minor, 9);
}

/* ---- round trips ---- */

static void test_params_round_trip(void **state)
{
	struct vxoff__bench_params p = good_params(), q;
	const uint8_t *pl;
	char err[256] = "";
	size_t len, plen;
	uint8_t *f;

	(void)state;
	f = vxoff__bench_encode_params(&p, &len);
	assert_non_null(f);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_PARAMS, &plen);
	memset(&q, 0xa5, sizeof(q));
	assert_int_equal(vxoff__bench_decode_params(pl, plen, &q, err, sizeof(err)), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	free(f);

	/* the client-only flag does not travel */
	p.flags |= VXOFF_BENCH_F_NO_CONDITIONS | VXOFF_BENCH_F_UDP;
	p.len = 1400;
	p.congestion[0] = '\0';
	p.server_cpus[0] = '\0';
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), 0);
	f = vxoff__bench_encode_params(&p, &len);
	assert_non_null(f);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_PARAMS, &plen);
	assert_int_equal(vxoff__bench_decode_params(pl, plen, &q, err, sizeof(err)), 0);
	assert_int_equal(q.flags, VXOFF_BENCH_F_REVERSE | VXOFF_BENCH_F_UDP);
	assert_string_equal(q.congestion, "");
	assert_string_equal(q.server_cpus, "");
	free(f);
}

static void test_accept_round_trip(void **state)
{
	struct vxoff__bench_accept a = { .params = good_params() }, b;
	const uint8_t *pl;
	char err[256] = "";
	size_t len, plen;
	uint8_t *f;

	(void)state;
	for (unsigned i = 0; i < sizeof(a.cookie); i++)
		a.cookie[i] = (uint8_t)(0xf0 + i);
	a.data_port = 40001;
	a.server_ncpus = 64;
	strcpy(a.server_congestion, "bbr");
	f = vxoff__bench_encode_accept(&a, &len);
	assert_non_null(f);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_PARAMS_OK, &plen);
	memset(&b, 0x5a, sizeof(b));
	assert_int_equal(vxoff__bench_decode_accept(pl, plen, &b, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* a PARAMS_OK is not a PARAMS: the accept attributes are unknown there */
	assert_int_equal(vxoff__bench_decode_params(pl, plen, &b.params, err, sizeof(err)),
			 -EPROTO);
	assert_contains(err, "unknown attribute");
	free(f);

	/* a PARAMS lacks the cookie: not a PARAMS_OK */
	f = vxoff__bench_encode_params(&a.params, &len);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_PARAMS, &plen);
	assert_int_equal(vxoff__bench_decode_accept(pl, plen, &b, err, sizeof(err)), -EPROTO);
	assert_contains(err, "cookie missing");
	free(f);

	a.data_port = 0;
	f = vxoff__bench_encode_accept(&a, &len);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_PARAMS_OK, &plen);
	assert_int_equal(vxoff__bench_decode_accept(pl, plen, &b, err, sizeof(err)), -EINVAL);
	assert_contains(err, "data_port");
	free(f);
}

static void test_error_start_abort_done(void **state)
{
	struct vxoff__bench_error e = { .code = VXOFF__BENCH_ERR_BUSY, .retry_after_ms = 1234 }, g;
	const uint8_t *pl;
	char err[256] = "", reason[256];
	uint64_t ns = 0;
	size_t len, plen;
	uint8_t *f;

	(void)state;
	strcpy(e.text, "busy: a test from 198.18.0.1 runs for another 3 s");
	f = vxoff__bench_encode_error(&e, &len);
	assert_non_null(f);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_ERR, &plen);
	memset(&g, 0x11, sizeof(g));
	assert_int_equal(vxoff__bench_decode_error(pl, plen, &g, err, sizeof(err)), 0);
	assert_memory_equal(&e, &g, sizeof(e));
	free(f);

	f = vxoff__bench_encode_start(0x0123456789abcdefull, &len);
	assert_non_null(f);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_START, &plen);
	assert_int_equal(vxoff__bench_decode_start(pl, plen, &ns, err, sizeof(err)), 0);
	assert_int_equal(ns, 0x0123456789abcdefull);
	free(f);

	f = vxoff__bench_encode_abort("interrupted by the user", &len);
	assert_non_null(f);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_ABORT, &plen);
	assert_int_equal(vxoff__bench_decode_abort(pl, plen, reason, sizeof(reason), err,
						   sizeof(err)), 0);
	assert_string_equal(reason, "interrupted by the user");
	/* a small buffer gets a cut, terminated copy */
	assert_int_equal(vxoff__bench_decode_abort(pl, plen, reason, 5, err, sizeof(err)), 0);
	assert_string_equal(reason, "inte");
	free(f);

	f = vxoff__bench_encode_done(&len);
	assert_non_null(f);
	frame_payload(f, len, VXOFF__BENCH_MSG_DONE, &plen);
	assert_int_equal(plen, 0);
	free(f);
}

static void fill_fig(struct vxoff__end_fig *f, uint32_t ns, uint32_t ni, uint32_t nc)
{
	memset(f, 0, sizeof(*f));
	f->nstreams = ns;
	f->nintervals = ni;
	f->streams = calloc(ns ? ns : 1, sizeof(*f->streams));
	f->intervals = calloc(ns && ni ? ns * ni : 1, sizeof(*f->intervals));
	f->cpu.ncpus = nc;
	f->cpu.hz = 100;
	f->cpu.ids = calloc(nc ? nc : 1, sizeof(*f->cpu.ids));
	f->cpu.delta = calloc(nc ? nc : 1, sizeof(*f->cpu.delta));
	f->cpu.proc_user_us = 111;
	f->cpu.proc_system_us = 222;
	f->cpu.window_ns = 2000000000ull;
	strcpy(f->congestion, "cubic");
	strcpy(f->kernel, "6.8.0-test");
	for (uint32_t i = 0; i < ns; i++) {
		struct vxoff__stream_fig *s = &f->streams[i];

		s->id = i + 1;
		s->cpu = i % 2 ? -1 : (int32_t)i;
		s->bytes_sent = 1000ull * (i + 1);
		s->bytes_received = 900ull * (i + 1);
		s->total_sent = 5000ull * (i + 1) + 7;
		s->total_received = 4000ull * (i + 1) + 3;
		s->tcp_info_valid = 1;
		s->rtt_us = 100 + i;
		s->rttvar_us = 10 + i;
		s->min_rtt_us = 50 + i;
		s->snd_cwnd = 10 + i;
		s->snd_mss = 1448;
		s->reordering = 3;
		s->reord_seen = i;
		s->retransmits = 7 * i;
		s->bytes_retrans = 1448ull * 7 * i;
		s->delivery_rate_bps = 1ull << 33;
		s->pacing_rate_bps = (1ull << 34) + i;
		s->busy_time_us = 1999999;
		s->rwnd_limited_us = 12;
		s->sndbuf_limited_us = 13;
		s->udp_packets = 1u << 20;
		s->udp_lost = 5;
		s->udp_out_of_order = 6;
		s->udp_duplicates = 1;
		s->udp_jitter_ms = 0.125 * i;
	}
	for (uint32_t i = 0; i < ns * ni; i++) {
		struct vxoff__interval_fig *v = &f->intervals[i];

		v->start_ns = (uint64_t)(i % ni) * 250000000ull;
		v->end_ns = v->start_ns + 250000000ull;
		v->bytes = 31337ull * i;
		v->retransmits = i;
		v->rtt_us = 80 + i;
		v->snd_cwnd = 20 + i;
		v->busy_cpus = 0.75 + i / 1024.0;
	}
	for (uint32_t i = 0; i < nc; i++) {
		f->cpu.ids[i] = i * 2 + 1;
		f->cpu.delta[i] = (struct vxoff__cpu_ticks){ i, 1, 2 * i, 200 - i, 3, 4, 5 + i, 0 };
	}
}

static void assert_fig_equal(const struct vxoff__end_fig *a, const struct vxoff__end_fig *b)
{
	assert_int_equal(a->nstreams, b->nstreams);
	assert_int_equal(a->nintervals, b->nintervals);
	assert_int_equal(a->cpu.ncpus, b->cpu.ncpus);
	assert_int_equal(a->cpu.hz, b->cpu.hz);
	assert_int_equal(a->cpu.proc_user_us, b->cpu.proc_user_us);
	assert_int_equal(a->cpu.proc_system_us, b->cpu.proc_system_us);
	assert_int_equal(a->cpu.window_ns, b->cpu.window_ns);
	assert_string_equal(a->congestion, b->congestion);
	assert_string_equal(a->kernel, b->kernel);
	if (a->nstreams)
		assert_memory_equal(a->streams, b->streams, a->nstreams * sizeof(*a->streams));
	if (a->nstreams && a->nintervals)
		assert_memory_equal(a->intervals, b->intervals,
				    a->nstreams * a->nintervals * sizeof(*a->intervals));
	if (a->cpu.ncpus) {
		assert_memory_equal(a->cpu.ids, b->cpu.ids, a->cpu.ncpus * sizeof(uint32_t));
		assert_memory_equal(a->cpu.delta, b->cpu.delta,
				    a->cpu.ncpus * sizeof(*a->cpu.delta));
	}
}

static void test_results_round_trip(void **state)
{
	static const uint32_t shapes[][3] = { { 1, 8, 2 }, { 3, 5, 4 }, { 0, 0, 0 },
					      { 128, 10, 64 }, { 2, 0, 1 } };
	(void)state;
	for (unsigned k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		struct vxoff__end_fig a, b;
		const uint8_t *pl;
		char err[256] = "";
		size_t len, plen;
		uint8_t *f;

		fill_fig(&a, shapes[k][0], shapes[k][1], shapes[k][2]);
		f = vxoff__bench_encode_results(&a, &len);
		assert_non_null(f);
		pl = frame_payload(f, len, VXOFF__BENCH_MSG_RESULTS, &plen);
		assert_true(plen <= VXOFF__BENCH_MAX_RESULTS);
		memset(&b, 0x77, sizeof(b));
		if (vxoff__bench_decode_results(pl, plen, &b, err, sizeof(err)) != 0)
			fail_msg("shape %u: %s", k, err);
		assert_fig_equal(&a, &b);
		vxoff__end_fig_free(&b);
		vxoff__end_fig_free(&a);
		free(f);
	}
}

static void test_results_too_big_to_encode(void **state)
{
	struct vxoff__end_fig a;
	size_t len = 0;

	(void)state;
	/* 128 streams x 4096 intervals cannot fit the 1 MiB cap: refused, not truncated */
	fill_fig(&a, 128, 4096, 1);
	errno = 0;
	assert_null(vxoff__bench_encode_results(&a, &len));
	assert_int_equal(errno, EMSGSIZE);
	vxoff__end_fig_free(&a);
}

/* ---- malformed PARAMS ---- */

static void test_params_truncated_and_wrong_lengths(void **state)
{
	struct vxoff__bench_params p = good_params(), q;
	char err[256];
	struct msg m;
	uint32_t v64[2] = { 1, 2 };
	const uint8_t *pl;
	size_t len, plen;
	uint8_t *f;

	(void)state;
	f = vxoff__bench_encode_params(&p, &len);
	pl = frame_payload(f, len, VXOFF__BENCH_MSG_PARAMS, &plen);
	/* every cut short of the whole: refused unless it ends on an attribute boundary after
	 * the six required ones (the rest are optional); never a read past the end (ASan) */
	for (size_t cut = 0; cut < plen; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		bool boundary = false;
		int r, want;

		for (size_t off = 0; off <= cut && off < plen; off += MNL_ALIGN(
					     ((const struct nlattr *)(const void *)(pl + off))->nla_len))
			if (off == cut)
				boundary = true;
		want = boundary && cut >= 6 * MNL_ATTR_HDRLEN + 6 * 4 ? 0 : -EPROTO;
		memcpy(copy, pl, cut);
		err[0] = '\0';
		r = vxoff__bench_decode_params(copy, cut, &q, err, sizeof(err));
		if (r != want)
			fail_msg("cut at %zu of %zu: %d, expected %d (%s)", cut, plen, r, want, err);
		if (want)
			assert_true(err[0] != '\0');
		free(copy);
	}
	free(f);

	/* a u32 sent as 8 bytes */
	msg_init(&m);
	put_params_except(&m, &p, P_STREAMS);
	mnl_attr_put(m.nlh, P_STREAMS, sizeof(v64), v64);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "streams: length 8, expected 4");

	/* a u64 sent as 4 */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_u32(m.nlh, P_RATE_BPS, 5);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "rate_bps: length 4, expected 8");

	/* a u32 sent as 2 (the wrong type, CVE-2024-53580's lesson) */
	msg_init(&m);
	put_params_except(&m, &p, P_LEN);
	mnl_attr_put_u16(m.nlh, P_LEN, 5);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "len: length 2");

	/* an attribute header claiming more than the message holds */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	{
		struct nlattr *a = mnl_nlmsg_get_payload_tail(m.nlh);

		mnl_attr_put_u32(m.nlh, P_SNDBUF, 1);
		a->nla_len = 200;
	}
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "beyond the message");

	/* an attribute header shorter than a header */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	{
		struct nlattr *a = mnl_nlmsg_get_payload_tail(m.nlh);

		mnl_attr_put_u32(m.nlh, P_SNDBUF, 1);
		a->nla_len = 2;
	}
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);

	/* a repeated attribute */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_u32(m.nlh, P_STREAMS, 2);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "streams repeated");
}

static void test_params_unknown_and_missing(void **state)
{
	struct vxoff__bench_params p = good_params(), q;
	static const struct {
		int attr;
		const char *name;
	} req[] = { { P_FLAGS, "flags" },	      { P_STREAMS, "streams" },
		    { P_DURATION_MS, "duration_ms" }, { P_OMIT_MS, "omit_ms" },
		    { P_INTERVAL_MS, "interval_ms" }, { P_LEN, "len" } };
	char err[256], want[64];
	struct msg m;

	(void)state;
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_u32(m.nlh, 99, 1);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "unknown attribute 99");

	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_u32(m.nlh, 0, 1); /* type 0 is never valid */
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "unknown attribute 0");

	for (unsigned i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		msg_init(&m);
		put_params_except(&m, &p, req[i].attr);
		assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
		snprintf(want, sizeof(want), "%s missing", req[i].name);
		assert_contains(err, want);
	}

	/* an empty payload lacks everything */
	assert_int_equal(vxoff__bench_decode_params("", 0, &q, err, sizeof(err)), -EPROTO);
	assert_contains(err, "missing");
}

static void test_params_strings(void **state)
{
	struct vxoff__bench_params p = good_params(), q;
	char err[256], big[300];
	struct msg m;

	(void)state;
	/* not NUL-terminated */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put(m.nlh, P_CONGESTION, 5, "cubic");
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "congestion: string not NUL-terminated");

	/* empty payload where a string goes */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put(m.nlh, P_CONGESTION, 0, NULL);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "congestion");

	/* longer than its field */
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_strz(m.nlh, P_CONGESTION, "averyveryverylongcc");
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "congestion: string of 19 bytes, at most 15");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_strz(m.nlh, P_SERVER_CPUS, big);
	assert_int_equal(decode_params_msg(&m, &q, err), -EPROTO);
	assert_contains(err, "server_cpus: string of 299 bytes");

	/* characters outside [a-z0-9_-] */
	static const char *bad_cc[] = { "Cubic", "cu bic", "../x", "bbr;", "cubic\n" };

	for (unsigned i = 0; i < sizeof(bad_cc) / sizeof(bad_cc[0]); i++) {
		msg_init(&m);
		put_params_except(&m, &p, 0);
		mnl_attr_put_strz(m.nlh, P_CONGESTION, bad_cc[i]);
		assert_int_equal(decode_params_msg(&m, &q, err), -EINVAL);
		assert_contains(err, "congestion");
	}
	/* the good ones pass */
	static const char *good_cc[] = { "cubic", "bbr", "dctcp", "highspeed", "my_cc-2" };

	for (unsigned i = 0; i < sizeof(good_cc) / sizeof(good_cc[0]); i++) {
		msg_init(&m);
		put_params_except(&m, &p, 0);
		mnl_attr_put_strz(m.nlh, P_CONGESTION, good_cc[i]);
		assert_int_equal(decode_params_msg(&m, &q, err), 0);
		assert_string_equal(q.congestion, good_cc[i]);
	}
	/* a bad CPU list */
	static const char *bad_cpus[] = { "0-", "3-1", "a", "4096", "0,,1", "1-2:0" };

	for (unsigned i = 0; i < sizeof(bad_cpus) / sizeof(bad_cpus[0]); i++) {
		msg_init(&m);
		put_params_except(&m, &p, 0);
		mnl_attr_put_strz(m.nlh, P_SERVER_CPUS, bad_cpus[i]);
		assert_int_equal(decode_params_msg(&m, &q, err), -EINVAL);
		assert_contains(err, "server_cpus");
	}
	msg_init(&m);
	put_params_except(&m, &p, 0);
	mnl_attr_put_strz(m.nlh, P_SERVER_CPUS, "0-4095:2,7");
	assert_int_equal(decode_params_msg(&m, &q, err), 0);
}

static void test_params_ranges(void **state)
{
	static const struct {
		int attr;
		uint32_t v;
		const char *needle;
	} bad[] = {
		{ P_STREAMS, 0, "streams 0" },
		{ P_STREAMS, 129, "streams 129" },
		{ P_STREAMS, UINT32_MAX, "streams" },
		{ P_DURATION_MS, 0, "duration 0" },
		{ P_DURATION_MS, 86400001, "duration 86400001" },
		{ P_OMIT_MS, 600001, "omit" },
		{ P_INTERVAL_MS, 99, "interval 99" },
		{ P_INTERVAL_MS, 60001, "interval" },
		{ P_LEN, 0, "len 0" },
		{ P_LEN, (1u << 20) + 1, "len" },
		{ P_SNDBUF, (512u << 20) + 1, "sndbuf" },
		{ P_RCVBUF, UINT32_MAX, "rcvbuf" },
		{ P_FLAGS, 1u << 4, "flags" }, /* NO_CONDITIONS is not a wire flag */
		{ P_FLAGS, 1u << 31, "flags" },
	};
	struct vxoff__bench_params p = good_params(), q;
	char err[256];
	struct msg m;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg_init(&m);
		put_params_except(&m, &p, bad[i].attr);
		mnl_attr_put_u32(m.nlh, (uint16_t)bad[i].attr, bad[i].v);
		err[0] = '\0';
		if (decode_params_msg(&m, &q, err) != -EINVAL)
			fail_msg("case %u (%s) accepted", i, bad[i].needle);
		assert_contains(err, bad[i].needle);
	}
	/* the edges are accepted */
	p.streams = 128;
	p.duration_ms = VXOFF_BENCH_MAX_DURATION_MS;
	p.omit_ms = VXOFF_BENCH_MAX_OMIT_MS;
	p.interval_ms = 100;
	p.len = VXOFF_BENCH_MAX_LEN;
	p.sndbuf = VXOFF_BENCH_MAX_SOCKBUF;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), 0);
	p.interval_ms = 60000;
	p.streams = 1;
	p.duration_ms = 1;
	p.omit_ms = 0;
	p.len = 1;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), 0);

	/* UDP datagrams are bounded by IP, fixed rate needs a rate */
	p = good_params();
	p.flags = VXOFF_BENCH_F_UDP;
	p.len = 65508;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), -EINVAL);
	assert_contains(err, "UDP");
	p.len = 65507;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), 0);
	/* shorter than the sequence header every datagram carries */
	p.len = 15;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), -EINVAL);
	assert_contains(err, "UDP");
	p.len = 16;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), 0);
	p.flags = VXOFF_BENCH_F_FIXED_RATE;
	p.rate_bps = 0;
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), -EINVAL);
	assert_contains(err, "rate_bps");

	/* a caller's unterminated arrays never run off */
	p = good_params();
	memset(p.congestion, 'a', sizeof(p.congestion));
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), -EINVAL);
	assert_contains(err, "congestion");
	p = good_params();
	memset(p.server_cpus, '1', sizeof(p.server_cpus));
	assert_int_equal(vxoff__bench_params_check(&p, err, sizeof(err)), -EINVAL);
	assert_contains(err, "server_cpus");
	/* NULL errbuf is fine */
	p.streams = 0;
	assert_int_equal(vxoff__bench_params_check(&p, NULL, 0), -EINVAL);
}

static void test_error_and_start_malformed(void **state)
{
	struct vxoff__bench_error e;
	char err[256], reason[64];
	uint64_t ns;
	struct msg m;

	(void)state;
	msg_init(&m);
	mnl_attr_put_strz(m.nlh, 3, "text only");
	assert_int_equal(vxoff__bench_decode_error(msg_payload(&m), msg_len(&m), &e, err,
						   sizeof(err)), -EPROTO);
	assert_contains(err, "code missing");

	msg_init(&m);
	mnl_attr_put_u32(m.nlh, 1, 0);
	assert_int_equal(vxoff__bench_decode_error(msg_payload(&m), msg_len(&m), &e, err,
						   sizeof(err)), -EINVAL);

	msg_init(&m);
	mnl_attr_put_u32(m.nlh, 1, 2);
	mnl_attr_put(m.nlh, 3, 4, "busy");
	assert_int_equal(vxoff__bench_decode_error(msg_payload(&m), msg_len(&m), &e, err,
						   sizeof(err)), -EPROTO);
	assert_contains(err, "text");

	msg_init(&m);
	mnl_attr_put_u32(m.nlh, 1, 5);
	assert_int_equal(vxoff__bench_decode_start(msg_payload(&m), msg_len(&m), &ns, err,
						   sizeof(err)), -EPROTO);
	assert_contains(err, "server_mono_ns");

	msg_init(&m);
	mnl_attr_put_u64(m.nlh, 2, 5);
	assert_int_equal(vxoff__bench_decode_start(msg_payload(&m), msg_len(&m), &ns, err,
						   sizeof(err)), -EPROTO);

	msg_init(&m);
	mnl_attr_put_u32(m.nlh, 2, 5);
	assert_int_equal(vxoff__bench_decode_abort(msg_payload(&m), msg_len(&m), reason,
						   sizeof(reason), err, sizeof(err)), -EPROTO);
	assert_contains(err, "unknown attribute 2");
	assert_int_equal(vxoff__bench_decode_abort("", 0, reason, sizeof(reason), err,
						   sizeof(err)), -EPROTO);
	assert_contains(err, "reason missing");
}

/* ---- malformed RESULTS ---- */

/* A RESULTS message by hand: counts as given, items as given. */
static void put_results(struct msg *m, uint32_t ns, uint32_t ni, uint32_t nc, uint32_t put_s,
			uint32_t put_i, uint32_t put_c)
{
	msg_init(m);
	mnl_attr_put_u32(m->nlh, R_NSTREAMS, ns);
	mnl_attr_put_u32(m->nlh, R_NINTERVALS, ni);
	mnl_attr_put_u32(m->nlh, R_NCPUS, nc);
	mnl_attr_put_u32(m->nlh, R_HZ, 100);
	mnl_attr_put_u64(m->nlh, R_WINDOW_NS, 1000000000ull);
	for (uint32_t i = 0; i < put_s; i++) {
		struct nlattr *n = mnl_attr_nest_start(m->nlh, R_STREAM);

		mnl_attr_put_u32(m->nlh, ST_ID, i);
		mnl_attr_put_u64(m->nlh, ST_BYTES_SENT, 1);
		mnl_attr_put_u64(m->nlh, ST_BYTES_RECEIVED, 1);
		mnl_attr_put_u64(m->nlh, ST_TOTAL_SENT, 1);
		mnl_attr_put_u64(m->nlh, ST_TOTAL_RECEIVED, 1);
		mnl_attr_nest_end(m->nlh, n);
	}
	for (uint32_t i = 0; i < put_i; i++) {
		struct nlattr *n = mnl_attr_nest_start(m->nlh, R_INTERVAL);

		mnl_attr_put_u64(m->nlh, IV_START_NS, 0);
		mnl_attr_put_u64(m->nlh, IV_END_NS, 1);
		mnl_attr_put_u64(m->nlh, IV_BYTES, 1);
		mnl_attr_nest_end(m->nlh, n);
	}
	for (uint32_t i = 0; i < put_c; i++) {
		struct nlattr *n = mnl_attr_nest_start(m->nlh, R_CPU);

		mnl_attr_put_u32(m->nlh, C_ID, i);
		for (uint16_t t = C_USER; t <= C_STEAL; t++)
			mnl_attr_put_u64(m->nlh, t, 1);
		mnl_attr_nest_end(m->nlh, n);
	}
}

static int decode_results_msg(const struct msg *m, char *err)
{
	struct vxoff__end_fig f;
	int r = vxoff__bench_decode_results(msg_payload(m), msg_len(m), &f, err, 256);

	if (r == 0) {
		vxoff__end_fig_free(&f);
	} else {
		/* nothing left allocated on failure */
		assert_null(f.streams);
		assert_null(f.intervals);
		assert_null(f.cpu.ids);
		assert_null(f.cpu.delta);
	}
	return r;
}

static void test_results_counts(void **state)
{
	char err[256];
	struct msg *m = malloc(sizeof(*m));

	(void)state;
	put_results(m, 2, 3, 2, 2, 6, 2);
	assert_int_equal(decode_results_msg(m, err), 0);

	/* claims more than it carries, or fewer */
	put_results(m, 3, 3, 2, 2, 6, 2);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	assert_contains(err, "nstreams 3 but 2 stream attributes");
	put_results(m, 2, 3, 2, 2, 5, 2);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	assert_contains(err, "interval attributes");
	put_results(m, 2, 3, 2, 2, 7, 2);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	put_results(m, 2, 3, 4000, 2, 6, 2);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	assert_contains(err, "ncpus 4000 but 2 cpu attributes");
	/* a count over the limits, before anything is allocated */
	put_results(m, 129, 0, 0, 0, 0, 0);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "nstreams 129");
	put_results(m, 1, VXOFF__BENCH_MAX_INTERVALS + 1, 0, 0, 0, 0);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "nintervals");
	put_results(m, 0, 0, VXOFF__BENCH_MAX_CPUS + 1, 0, 0, 0);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "ncpus");
	put_results(m, UINT32_MAX, UINT32_MAX, UINT32_MAX, 1, 1, 1);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);

	/* CPU ids must ascend, an interval must not end before it starts */
	put_results(m, 0, 0, 2, 0, 0, 1);
	{
		struct nlattr *n = mnl_attr_nest_start(m->nlh, R_CPU);

		mnl_attr_put_u32(m->nlh, C_ID, 0);
		for (uint16_t t = C_USER; t <= C_STEAL; t++)
			mnl_attr_put_u64(m->nlh, t, 1);
		mnl_attr_nest_end(m->nlh, n);
	}
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "not above the previous");

	put_results(m, 1, 1, 0, 1, 0, 0);
	{
		struct nlattr *n = mnl_attr_nest_start(m->nlh, R_INTERVAL);

		mnl_attr_put_u64(m->nlh, IV_START_NS, 5);
		mnl_attr_put_u64(m->nlh, IV_END_NS, 4);
		mnl_attr_put_u64(m->nlh, IV_BYTES, 1);
		mnl_attr_nest_end(m->nlh, n);
	}
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "end_ns before start_ns");
	free(m);
}

static void test_results_malformed_items(void **state)
{
	char err[256];
	struct msg *m = malloc(sizeof(*m));
	struct nlattr *n;
	double nan_v = NAN;
	uint64_t bits;

	(void)state;
	/* a stream lacking its id */
	put_results(m, 1, 0, 0, 0, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_STREAM);
	mnl_attr_put_u64(m->nlh, ST_BYTES_SENT, 1);
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	assert_contains(err, "stream id missing");

	/* a nest whose inner attribute runs past the nest */
	put_results(m, 1, 0, 0, 0, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_STREAM);
	{
		struct nlattr *a = mnl_nlmsg_get_payload_tail(m->nlh);

		mnl_attr_put_u32(m->nlh, ST_ID, 1);
		a->nla_len = 64;
	}
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	assert_contains(err, "stream 0");

	/* an unknown attribute in a cpu nest */
	put_results(m, 0, 0, 1, 0, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_CPU);
	mnl_attr_put_u32(m->nlh, C_ID, 1);
	for (uint16_t t = C_USER; t <= C_STEAL; t++)
		mnl_attr_put_u64(m->nlh, t, 1);
	mnl_attr_put_u64(m->nlh, 42, 1);
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EPROTO);
	assert_contains(err, "unknown attribute 42");

	/* a NaN where a figure goes */
	put_results(m, 1, 1, 0, 1, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_INTERVAL);
	mnl_attr_put_u64(m->nlh, IV_START_NS, 0);
	mnl_attr_put_u64(m->nlh, IV_END_NS, 1);
	mnl_attr_put_u64(m->nlh, IV_BYTES, 1);
	memcpy(&bits, &nan_v, sizeof(bits));
	mnl_attr_put_u64(m->nlh, 7, bits);
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "busy_cpus");

	/* bytes inside the window above the total */
	put_results(m, 1, 0, 0, 0, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_STREAM);
	mnl_attr_put_u32(m->nlh, ST_ID, 1);
	mnl_attr_put_u64(m->nlh, ST_BYTES_SENT, 10);
	mnl_attr_put_u64(m->nlh, ST_BYTES_RECEIVED, 1);
	mnl_attr_put_u64(m->nlh, ST_TOTAL_SENT, 9);
	mnl_attr_put_u64(m->nlh, ST_TOTAL_RECEIVED, 1);
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);

	/* a CPU id out of range for a stream */
	put_results(m, 1, 0, 0, 0, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_STREAM);
	mnl_attr_put_u32(m->nlh, ST_ID, 1);
	mnl_attr_put_u32(m->nlh, ST_CPU, 5000);
	mnl_attr_put_u64(m->nlh, ST_BYTES_SENT, 1);
	mnl_attr_put_u64(m->nlh, ST_BYTES_RECEIVED, 1);
	mnl_attr_put_u64(m->nlh, ST_TOTAL_SENT, 1);
	mnl_attr_put_u64(m->nlh, ST_TOTAL_RECEIVED, 1);
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "cpu 5000");

	/* a repeated stream id */
	put_results(m, 2, 0, 0, 1, 0, 0);
	n = mnl_attr_nest_start(m->nlh, R_STREAM);
	mnl_attr_put_u32(m->nlh, ST_ID, 0);
	mnl_attr_put_u64(m->nlh, ST_BYTES_SENT, 1);
	mnl_attr_put_u64(m->nlh, ST_BYTES_RECEIVED, 1);
	mnl_attr_put_u64(m->nlh, ST_TOTAL_SENT, 1);
	mnl_attr_put_u64(m->nlh, ST_TOTAL_RECEIVED, 1);
	mnl_attr_nest_end(m->nlh, n);
	assert_int_equal(decode_results_msg(m, err), -EINVAL);
	assert_contains(err, "repeated");

	/* the whole message over the cap */
	{
		struct vxoff__end_fig f;
		uint8_t *big = calloc(1, VXOFF__BENCH_MAX_RESULTS + 1);

		assert_int_equal(vxoff__bench_decode_results(big, VXOFF__BENCH_MAX_RESULTS + 1, &f,
							     err, sizeof(err)), -EPROTO);
		free(big);
	}
	free(m);
}

/* ---- frame I/O ---- */

static void write_raw(int fd, const void *buf, size_t len)
{
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

static void hdr(uint8_t h[8], uint32_t len, uint16_t type)
{
	h[0] = (uint8_t)(len >> 24);
	h[1] = (uint8_t)(len >> 16);
	h[2] = (uint8_t)(len >> 8);
	h[3] = (uint8_t)len;
	h[4] = (uint8_t)(type >> 8);
	h[5] = (uint8_t)type;
	h[6] = h[7] = 0;
}

static int read_one(int fd, uint64_t timeout_ms, int stop_fd, uint16_t *type, uint8_t **pl,
		    size_t *len)
{
	return vxoff__bench_read_frame(fd, vxoff__mono_ns() + timeout_ms * 1000000ull, stop_fd,
				       type, pl, len);
}

static void test_read_frame(void **state)
{
	struct vxoff__bench_params p = good_params(), q;
	int sv[2];
	uint8_t h[8], *f, *pl = NULL;
	uint16_t type = 0;
	size_t len, plen = 0;
	char err[256];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);

	/* a real frame, written by write_all */
	f = vxoff__bench_encode_params(&p, &len);
	assert_int_equal(vxoff__bench_write_all(sv[0], f, len, vxoff__mono_ns() + 1000000000ull,
						-1), 0);
	assert_int_equal(read_one(sv[1], 1000, -1, &type, &pl, &plen), 0);
	assert_int_equal(type, VXOFF__BENCH_MSG_PARAMS);
	assert_int_equal(plen, len - 8);
	assert_int_equal(vxoff__bench_decode_params(pl, plen, &q, err, sizeof(err)), 0);
	assert_memory_equal(&p, &q, sizeof(p));
	free(pl);
	free(f);

	/* DONE: no payload */
	f = vxoff__bench_encode_done(&len);
	write_raw(sv[0], f, len);
	free(f);
	assert_int_equal(read_one(sv[1], 1000, -1, &type, &pl, &plen), 0);
	assert_int_equal(type, VXOFF__BENCH_MSG_DONE);
	assert_null(pl);
	assert_int_equal(plen, 0);

	/* 0xffffffff (CVE-2023-38403), just over the cap, zero length, unknown types */
	static const struct {
		uint32_t len;
		uint16_t type;
		const char *why;
	} bad[] = {
		{ 0xffffffffu, VXOFF__BENCH_MSG_PARAMS, "4294967295 bytes, over the cap of 8192" },
		{ VXOFF__BENCH_MAX_PARAMS + 1, VXOFF__BENCH_MSG_PARAMS, "over the cap" },
		{ VXOFF__BENCH_MAX_PARAMS + 1, VXOFF__BENCH_MSG_ERR, "over the cap" },
		{ VXOFF__BENCH_MAX_PARAMS + 1, VXOFF__BENCH_MSG_ABORT, "over the cap" },
		{ VXOFF__BENCH_MAX_RESULTS + 1, VXOFF__BENCH_MSG_RESULTS, "over the cap of 1048576" },
		{ 0xffffffffu, VXOFF__BENCH_MSG_RESULTS, "over the cap" },
		{ 0, VXOFF__BENCH_MSG_PARAMS, "type 1 without a payload" },
		{ 0, VXOFF__BENCH_MSG_RESULTS, "without a payload" },
		{ 1, VXOFF__BENCH_MSG_DONE, "type 7: 1 bytes, over the cap of 0" },
		{ 8, 0, "unknown type 0" },
		{ 8, 8, "unknown type 8" },
		{ 8, 0xffff, "unknown type 65535" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hdr(h, bad[i].len, bad[i].type);
		write_raw(sv[0], h, 8);
		err[0] = '\0';
		if (vxoff__bench_read_frame_why(sv[1], vxoff__mono_ns() + 1000000000ull, -1, &type,
						&pl, &plen, err, sizeof(err)) != -EPROTO)
			fail_msg("case %u accepted", i);
		assert_null(pl);
		assert_contains(err, bad[i].why);
		/* the plain reader refuses it the same way */
		write_raw(sv[0], h, 8);
		assert_int_equal(read_one(sv[1], 1000, -1, &type, &pl, &plen), -EPROTO);
	}
	/* the caps themselves are fine */
	{
		uint8_t *big = calloc(1, VXOFF__BENCH_MAX_PARAMS);

		hdr(h, VXOFF__BENCH_MAX_PARAMS, VXOFF__BENCH_MSG_PARAMS);
		write_raw(sv[0], h, 8);
		assert_int_equal(vxoff__bench_write_all(sv[0], big, VXOFF__BENCH_MAX_PARAMS, 0, -1),
				 0);
		assert_int_equal(read_one(sv[1], 1000, -1, &type, &pl, &plen), 0);
		assert_int_equal(plen, VXOFF__BENCH_MAX_PARAMS);
		free(pl);
		free(big);
	}

	/* fewer bytes than announced: a timeout, not a hang (CVE-2023-7250) */
	hdr(h, 100, VXOFF__BENCH_MSG_PARAMS);
	write_raw(sv[0], h, 8);
	write_raw(sv[0], "abc", 3);
	{
		uint64_t t0 = vxoff__mono_ns();

		assert_int_equal(vxoff__bench_read_frame_why(sv[1], vxoff__mono_ns() + 150000000ull,
							     -1, &type, &pl, &plen, err,
							     sizeof(err)), -ETIMEDOUT);
		assert_contains(err, "frame of type 1: Connection timed out after the header");
		assert_true(vxoff__mono_ns() - t0 >= 140000000ull);
		assert_true(vxoff__mono_ns() - t0 < 2000000000ull);
		assert_null(pl);
	}
	/* half a header, then EOF */
	close(sv[1]);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	write_raw(sv[0], "\0\0", 2);
	close(sv[0]);
	assert_int_equal(read_one(sv[1], 1000, -1, &type, &pl, &plen), -ECONNRESET);
	close(sv[1]);
}

static void test_stop_fd_and_peer_gone(void **state)
{
	int sv[2], efd = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1, t0;
	uint8_t *pl = NULL, *big;
	uint16_t type;
	size_t plen;

	(void)state;
	assert_true(efd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(write(efd, &one, sizeof(one)), (ssize_t)sizeof(one));
	t0 = vxoff__mono_ns();
	assert_int_equal(read_one(sv[1], 5000, efd, &type, &pl, &plen), -ECANCELED);
	assert_true(vxoff__mono_ns() - t0 < 1000000000ull);

	/* a writer blocked on a full socket is cancelled too, and times out without stop */
	big = calloc(1, 8 << 20);
	assert_int_equal(vxoff__bench_write_all(sv[0], big, 8 << 20, vxoff__mono_ns() + 5000000000ull,
						efd), -ECANCELED);
	assert_int_equal(vxoff__bench_write_all(sv[0], big, 8 << 20,
						vxoff__mono_ns() + 100000000ull, -1), -ETIMEDOUT);
	/* no SIGPIPE when the peer is gone (the test would die otherwise) */
	close(sv[1]);
	assert_int_equal(vxoff__bench_write_all(sv[0], big, 100, 0, -1), -EPIPE);
	free(big);
	close(sv[0]);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_params_round_trip),
		cmocka_unit_test(test_accept_round_trip),
		cmocka_unit_test(test_error_start_abort_done),
		cmocka_unit_test(test_results_round_trip),
		cmocka_unit_test(test_results_too_big_to_encode),
		cmocka_unit_test(test_params_truncated_and_wrong_lengths),
		cmocka_unit_test(test_params_unknown_and_missing),
		cmocka_unit_test(test_params_strings),
		cmocka_unit_test(test_params_ranges),
		cmocka_unit_test(test_error_and_start_malformed),
		cmocka_unit_test(test_results_counts),
		cmocka_unit_test(test_results_malformed_items),
		cmocka_unit_test(test_read_frame),
		cmocka_unit_test(test_stop_fd_and_peer_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
