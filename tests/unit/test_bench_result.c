/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Bench results built by hand (no network): the accessors of result.c, the JSON of json.c,
 * and vxoff_bench_compare() of compare.c over fake runs and servers (--wrap of
 * vxoff_bench_run and vxoff_bench_server_*, so the order of the runs, the ports and every
 * figure are known here). Expected figures are worked out in the comments.
 */
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <vxoff/bench.h>

#include "bench/bench_internal.h"
#include "testutil.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static struct vxoff__stream_fig *streams(uint32_t n)
{
	struct vxoff__stream_fig *s = calloc(n, sizeof(*s));

	assert_non_null(s);
	return s;
}

static void cpu_window(struct vxoff__cpu_window *w, uint32_t n, const uint32_t *ids,
		       const struct vxoff__cpu_ticks *t, uint64_t window_ns)
{
	w->ncpus = n;
	w->hz = 100;
	w->ids = calloc(n, sizeof(*w->ids));
	w->delta = calloc(n, sizeof(*w->delta));
	assert_true(w->ids && w->delta);
	memcpy(w->ids, ids, n * sizeof(*ids));
	memcpy(w->delta, t, n * sizeof(*t));
	w->window_ns = window_ns;
}

/*
 * TCP, client sends, 2 streams, 1 s warm-up + 2 s window, 3 intervals of 1 s (the first
 * omitted). Client (sender): stream 0 sent 1e9 in the window, stream 1 5e8; the server
 * (receiver) lists them in the other order (id 1 first) to check matching by id.
 */
static struct vxoff_bench_result *fixture(void)
{
	static const uint32_t ids[] = {0, 1};
	/* client: cpu0 busy 10+50+2+30 = 92 ticks, cpu1 5+20+1+10 = 36: 128 ticks = 1.28 s */
	static const struct vxoff__cpu_ticks ct[] = {
		{.user = 10, .system = 50, .irq = 2, .softirq = 30, .idle = 108},
		{.user = 5, .system = 20, .irq = 1, .softirq = 10, .idle = 164},
	};
	/* server: cpu0 busy 20+40+60 = 120 ticks = 1.2 s, cpu1 idle */
	static const struct vxoff__cpu_ticks st[] = {
		{.user = 20, .system = 40, .softirq = 60, .idle = 80},
		{.idle = 200},
	};
	struct vxoff_bench_result *r = calloc(1, sizeof(*r));
	struct vxoff__end_fig *c, *s;

	assert_non_null(r);
	r->params.streams = 2;
	r->params.duration_ms = 2000;
	r->params.omit_ms = 1000;
	r->params.interval_ms = 1000;
	r->params.len = 131072;
	strcpy(r->host, "198.18.0.2");
	r->port = 5301;
	r->have_server = true;
	r->cycles_state = VXOFF_CAP_NO;
	r->cycles_err = -ENOENT;
	c = &r->client;
	s = &r->server;
	strcpy(c->congestion, "cubic");
	strcpy(s->congestion, "cubic");
	strcpy(c->kernel, "6.18.0");
	strcpy(s->kernel, "6.18.0");

	c->nstreams = 2;
	c->streams = streams(2);
	c->streams[0] = (struct vxoff__stream_fig){
		.id = 0, .cpu = 1, .bytes_sent = 1000000000, .total_sent = 1200000000,
		.tcp_info_valid = 1, .rtt_us = 100, .snd_cwnd = 10, .snd_mss = 1448,
		.retransmits = 3, .delivery_rate_bps = 4000000000ull};
	c->streams[1] = (struct vxoff__stream_fig){
		.id = 1, .cpu = -1, .bytes_sent = 500000000, .total_sent = 600000000,
		.tcp_info_valid = 1, .rtt_us = 300, .snd_cwnd = 20, .snd_mss = 1448,
		.retransmits = 4};
	cpu_window(&c->cpu, 2, ids, ct, 2000000000ull);
	c->cpu.proc_user_us = 100000;
	c->cpu.proc_system_us = 500000;

	s->nstreams = 2;
	s->streams = streams(2);
	s->streams[0] = (struct vxoff__stream_fig){
		.id = 1, .cpu = 0, .bytes_received = 500000000, .total_received = 600000000};
	s->streams[1] = (struct vxoff__stream_fig){
		.id = 0, .cpu = -1, .bytes_received = 1000000000, .total_received = 1200000000};
	cpu_window(&s->cpu, 2, ids, st, 2000000000ull);

	/* intervals, stream-major: client (sent) ... */
	c->nintervals = s->nintervals = 3;
	c->intervals = calloc(6, sizeof(*c->intervals));
	s->intervals = calloc(6, sizeof(*s->intervals));
	assert_true(c->intervals && s->intervals);
	for (uint32_t i = 0; i < 3; i++) {
		uint64_t a = i * 1000000000ull, b = (i + 1) * 1000000000ull;

		c->intervals[i] = (struct vxoff__interval_fig){
			a, b, i ? 500000000 : 400000000, i, 100, 10, 0.9 + 0.1 * i};
		c->intervals[3 + i] = (struct vxoff__interval_fig){
			a, b, i ? 250000000 : 200000000, 1, 300, 20, 0.9 + 0.1 * i};
		/* ... server (received), its stream 1 first */
		s->intervals[i] = (struct vxoff__interval_fig){
			a, b, i ? 250000000 : 200000000, 0, 0, 0, 0.5};
		s->intervals[3 + i] = (struct vxoff__interval_fig){
			a, b, i ? 500000000 : 400000000, 0, 0, 0, 0.5};
	}
	r->conditions_json = strdup("{\"kernel\":\"6.18.0\",\"mtu\":1500}");
	return r;
}

static void summary(void **state)
{
	struct vxoff_bench_result *r = fixture();
	VXOFF_OUT(vxoff_bench_summary, s);

	(void)state;
	assert_int_equal(vxoff_bench_result_summary(r, &s), 0);
	assert_int_equal(s.streams, 2);
	assert_int_equal(s.intervals, 2); /* the first starts inside the 1 s warm-up */
	assert_int_equal(s.duration_ns, 2000000000ull);
	assert_int_equal(s.omit_ns, 1000000000ull);
	assert_int_equal(s.bytes_sent, 1500000000ull);
	assert_int_equal(s.bytes_received, 1500000000ull);
	assert_int_equal(s.total_sent, 1800000000ull);
	assert_int_equal(s.total_received, 1800000000ull);
	/* 1.5e9 B * 8 / 2 s = 6e9 bit/s */
	NEAR(s.throughput_bps, 6e9, 1);
	assert_int_equal(s.retransmits, 7);
	assert_int_equal(s.cycles_state, VXOFF_CAP_NO);
	assert_int_equal(s.cycles_err, -ENOENT);
	NEAR(s.cycles_per_byte, 0, 0); /* never invented */
	assert_string_equal(s.congestion, "cubic");
	assert_string_equal(s.server_congestion, "cubic");
	/* counted cycles: 3e9 over 1.5e9 B = 2 cycles/B */
	r->cycles_state = VXOFF_CAP_YES;
	r->cycles = 3e9;
	assert_int_equal(vxoff_bench_result_summary(r, &s), 0);
	NEAR(s.cycles_per_byte, 2, 1e-12);
	assert_int_equal(vxoff_bench_result_summary(NULL, &s), -EINVAL);
	vxoff_bench_result_free(r);
}

static void cpu(void **state)
{
	struct vxoff_bench_result *r = fixture();
	VXOFF_OUT(vxoff_bench_cpu, c);

	(void)state;
	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_CLIENT, -1, &c), 0);
	assert_int_equal(c.ncpus, 2);
	assert_int_equal(c.user_us, 150000);	/* 15 ticks at USER_HZ 100 */
	assert_int_equal(c.system_us, 700000);	/* 70 */
	assert_int_equal(c.softirq_us, 400000); /* 40 */
	assert_int_equal(c.irq_us, 30000);	/* 3 */
	assert_int_equal(c.idle_us, 2720000);	/* 272 */
	assert_int_equal(c.busy_us, 1280000);	/* 128 */
	assert_int_equal(c.proc_user_us, 100000);
	assert_int_equal(c.proc_system_us, 500000);
	NEAR(c.busy_cpus, 0.64, 1e-12);		/* 1.28 s / 2 s */
	NEAR(c.cpu_s_per_gb, 1.28 / 1.5, 1e-12); /* 1.28 CPU-s / 1.5 GB */
	assert_int_equal(c.hottest_cpu, 0);
	NEAR(c.hottest_busy, 0.46, 1e-12);	/* 0.92 s / 2 s */

	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_CLIENT, 1, &c), 0);
	assert_int_equal(c.cpu, 1);
	assert_int_equal(c.ncpus, 1);
	assert_int_equal(c.user_us, 50000);
	assert_int_equal(c.busy_us, 360000);
	NEAR(c.busy_cpus, 0.18, 1e-12);

	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_SERVER, -1, &c), 0);
	assert_int_equal(c.busy_us, 1200000);
	NEAR(c.cpu_s_per_gb, 0.8, 1e-12); /* 1.2 / 1.5 */
	assert_int_equal(c.hottest_cpu, 0);
	NEAR(c.hottest_busy, 0.6, 1e-12);

	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_SERVER, 7, &c), -ENOENT);
	assert_int_equal(vxoff_bench_result_cpu(r, 2, -1, &c), -EINVAL);
	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_CLIENT, -2, &c), -EINVAL);
	r->have_server = false;
	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_SERVER, -1, &c), -ENODATA);
	vxoff_bench_result_free(r);
}

static void stream_and_intervals(void **state)
{
	struct vxoff_bench_result *r = fixture();
	VXOFF_OUT(vxoff_bench_stream, s);
	VXOFF_OUT(vxoff_bench_interval, v);

	(void)state;
	assert_int_equal(vxoff_bench_result_stream_count(r), 2);
	assert_int_equal(vxoff_bench_result_stream(r, 0, &s), 0);
	assert_int_equal(s.id, 0);
	assert_int_equal(s.client_cpu, 1);
	assert_int_equal(s.server_cpu, -1);
	assert_int_equal(s.bytes_sent, 1000000000ull);
	assert_int_equal(s.bytes_received, 1000000000ull); /* the server's id 0, its 2nd row */
	NEAR(s.throughput_bps, 4e9, 1);
	assert_int_equal(s.tcp_info_state, VXOFF_CAP_YES);
	assert_int_equal(s.rtt_us, 100);
	assert_int_equal(s.retransmits, 3);
	assert_int_equal(vxoff_bench_result_stream(r, 1, &s), 0);
	assert_int_equal(s.id, 1);
	assert_int_equal(s.server_cpu, 0);
	NEAR(s.throughput_bps, 2e9, 1);
	assert_int_equal(vxoff_bench_result_stream(r, 2, &s), -ERANGE);

	assert_int_equal(vxoff_bench_result_interval_count(r), 3);
	assert_int_equal(vxoff_bench_result_interval(r, 0, VXOFF_BENCH_ALL_STREAMS, &v), 0);
	assert_int_equal(v.omitted, 1);
	assert_int_equal(v.bytes, 600000000ull); /* received: 4e8 + 2e8 */
	NEAR(v.throughput_bps, 4.8e9, 1);
	assert_int_equal(v.retransmits, 1);	/* 0 + 1 */
	assert_int_equal(v.rtt_us, 200);	/* mean of 100 and 300 */
	assert_int_equal(v.snd_cwnd, 30);
	NEAR(v.client_busy_cpus, 0.9, 1e-12);
	NEAR(v.server_busy_cpus, 0.5, 1e-12);
	assert_int_equal(vxoff_bench_result_interval(r, 2, 1, &v), 0);
	assert_int_equal(v.omitted, 0);
	assert_int_equal(v.stream, 1);
	assert_int_equal(v.bytes, 250000000ull);
	NEAR(v.throughput_bps, 2e9, 1);
	assert_int_equal(v.start_ns, 2000000000ull);
	assert_int_equal(vxoff_bench_result_interval(r, 3, VXOFF_BENCH_ALL_STREAMS, &v), -ERANGE);
	assert_int_equal(vxoff_bench_result_interval(r, 0, 5, &v), -ERANGE);
	/* without the server's figures: the bytes the client sent */
	r->have_server = false;
	assert_int_equal(vxoff_bench_result_interval(r, 1, VXOFF_BENCH_ALL_STREAMS, &v), 0);
	assert_int_equal(v.bytes, 750000000ull);
	NEAR(v.server_busy_cpus, 0, 0);
	vxoff_bench_result_free(r);
}

static void reverse(void **state)
{
	struct vxoff_bench_result *r = fixture();
	VXOFF_OUT(vxoff_bench_summary, s);
	VXOFF_OUT(vxoff_bench_stream, st);
	VXOFF_OUT(vxoff_bench_cpu, c);

	(void)state;
	/* the server sends, the client receives: bytes from the other side of each */
	r->params.flags = VXOFF_BENCH_F_REVERSE;
	r->client.streams[0].bytes_received = 700000000;
	r->client.streams[1].bytes_received = 300000000;
	r->server.streams[0].bytes_sent = 310000000; /* id 1 */
	r->server.streams[0].tcp_info_valid = 1;
	r->server.streams[0].rtt_us = 55;
	r->server.streams[1].bytes_sent = 710000000; /* id 0 */
	assert_int_equal(vxoff_bench_result_summary(r, &s), 0);
	assert_int_equal(s.bytes_received, 1000000000ull);
	assert_int_equal(s.bytes_sent, 1020000000ull);
	NEAR(s.throughput_bps, 4e9, 1); /* 1e9 B * 8 / 2 s (the client's window) */
	assert_int_equal(vxoff_bench_result_stream(r, 1, &st), 0);
	assert_int_equal(st.bytes_sent, 310000000ull);
	assert_int_equal(st.bytes_received, 300000000ull);
	assert_int_equal(st.rtt_us, 55); /* the server's socket sends */
	/* CPU-s/GB over the bytes received: 1.28 / 1.0 */
	assert_int_equal(vxoff_bench_result_cpu(r, VXOFF_BENCH_END_CLIENT, -1, &c), 0);
	NEAR(c.cpu_s_per_gb, 1.28, 1e-12);
	vxoff_bench_result_free(r);
}

static double jnum(struct json_object *o, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		struct json_object *n = NULL;

		assert_true(json_object_object_get_ex(o, k, &n));
		o = n;
	}
	assert_true(json_object_is_type(o, json_type_double) ||
		    json_object_is_type(o, json_type_int));
	return json_object_get_double(o);
}

static struct json_object *jget(struct json_object *o, const char *k)
{
	struct json_object *n = NULL;

	assert_true(json_object_object_get_ex(o, k, &n));
	return n;
}

static void json(void **state)
{
	struct vxoff_bench_result *r = fixture();
	struct json_object *root, *a, *o;
	char *txt = NULL;

	(void)state;
	assert_int_equal(vxoff_bench_result_json(r, 0x80, &txt), -EINVAL);
	assert_int_equal(vxoff_bench_result_json(r, VXOFF_JSON_PRETTY, &txt), 0);
	root = json_tokener_parse(txt);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(jget(root, "schema")), "vxoff-bench/1");
	NEAR(jnum(root, "throughput_bps"), 6e9, 1);
	NEAR(jnum(root, "cpu.client.user"), 0.15, 1e-9);
	NEAR(jnum(root, "cpu.client.system"), 0.7, 1e-9);
	NEAR(jnum(root, "cpu.client.softirq"), 0.4, 1e-9);
	NEAR(jnum(root, "cpu.client.irq"), 0.03, 1e-9);
	NEAR(jnum(root, "cpu.client.cpu_s_per_gb"), 1.28 / 1.5, 1e-9);
	NEAR(jnum(root, "cpu.server.cpu_s_per_gb"), 0.8, 1e-9);
	NEAR(jnum(root, "cpu.client.hottest.busy"), 0.46, 1e-9);
	NEAR(jnum(root, "cpu.client.process.system"), 0.5, 1e-9);
	assert_int_equal(json_object_array_length(jget(jget(jget(root, "cpu"), "client"),
						       "per_cpu")),
			 2);
	NEAR(jnum(root, "retransmits"), 7, 0);
	/* 0.1 s is written as 0.1, not json-c's 0.10000000000000001 */
	assert_non_null(strstr(txt, "\"user\": 0.15"));
	a = jget(root, "streams");
	assert_int_equal(json_object_array_length(a), 2);
	o = json_object_array_get_idx(a, 0);
	NEAR(jnum(o, "tcp_info.rtt_us"), 100, 0);
	NEAR(jnum(o, "throughput_bps"), 4e9, 1);
	assert_true(json_object_is_type(jget(o, "udp"), json_type_null));
	a = jget(root, "intervals");
	assert_int_equal(json_object_array_length(a), 3);
	assert_true(json_object_get_boolean(jget(json_object_array_get_idx(a, 0), "omitted")));
	assert_false(json_object_get_boolean(jget(json_object_array_get_idx(a, 1), "omitted")));
	assert_int_equal(json_object_array_length(jget(json_object_array_get_idx(a, 1),
						       "streams")),
			 2);
	assert_string_equal(json_object_get_string(jget(jget(root, "cycles"), "state")),
			    "unavailable");
	NEAR(jnum(root, "cycles.errno"), 2, 0);
	assert_true(json_object_is_type(jget(jget(root, "cycles"), "cycles_per_byte"),
					json_type_null));
	NEAR(jnum(root, "conditions.mtu"), 1500, 0);
	assert_string_equal(json_object_get_string(jget(jget(root, "test"), "protocol")), "tcp");
	json_object_put(root);
	vxoff_free(txt);

	/* no server figures and a broken record: nulls, never zeros */
	r->have_server = false;
	free(r->conditions_json);
	r->conditions_json = strdup("not json");
	assert_int_equal(vxoff_bench_result_json(r, 0, &txt), 0);
	root = json_tokener_parse(txt);
	assert_non_null(root);
	assert_true(json_object_is_type(jget(jget(root, "cpu"), "server"), json_type_null));
	assert_true(json_object_is_type(jget(root, "conditions"), json_type_null));
	assert_non_null(strstr(txt, "\"no_server_results\""));
	json_object_put(root);
	vxoff_free(txt);
	vxoff_bench_result_free(r);
}

/* ======================================================================================== */
/* vxoff_bench_compare over fake runs                                                       */
/* ======================================================================================== */

/*
 * A fake run on "plain" (198.18.0.2) receives (10 + k) * 1e8 bytes in a 1 s window, k the
 * count of plain runs so far, so the plain throughputs are 8, 8.8, 9.6, 10.4, 11.2 Gbit/s;
 * "vxlan" (198.19.0.2) receives 0.8 of the plain run of the same pair. Each end is busy
 * 50 ticks (0.5 CPU-s) on one CPU.
 */
static struct {
	char order[32];		/* 'p' or 'v' per run, in call order */
	uint32_t nruns;
	uint32_t fail_at;	/* 1-based run to fail with -ECONNREFUSED; 0 = none */
	uint32_t ports[32];
	uint32_t plain_runs;
	uint32_t busy;		/* answer -EBUSY this many times first */
	uint32_t calls;
	int servers_new, servers_stopped, servers_freed;
	uint32_t server_flags;
	sem_t stop;
} fk;

static struct vxoff_bench_result *fake_result(uint64_t bytes)
{
	static const uint32_t id0 = 0;
	static const struct vxoff__cpu_ticks t = {.system = 50, .idle = 50};
	struct vxoff_bench_result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->params.streams = 1;
	r->params.duration_ms = 1000;
	r->params.len = 131072;
	r->have_server = true;
	r->client.nstreams = r->server.nstreams = 1;
	r->client.streams = streams(1);
	r->server.streams = streams(1);
	r->client.streams[0].bytes_sent = bytes;
	r->client.streams[0].tcp_info_valid = 1;
	r->client.streams[0].retransmits = 2;
	r->server.streams[0].bytes_received = bytes;
	cpu_window(&r->client.cpu, 1, &id0, &t, 1000000000ull);
	cpu_window(&r->server.cpu, 1, &id0, &t, 1000000000ull);
	r->conditions_json = strdup("{\"mtu\":1500,\"repeats\":null}");
	return r;
}

int __wrap_vxoff_bench_run(struct vxoff_ctx *ctx, const struct vxoff_bench_opts *opts,
			   vxoff_bench_interval_fn fn, void *user, struct vxoff_bench_result **ret);
int __wrap_vxoff_bench_run(struct vxoff_ctx *ctx, const struct vxoff_bench_opts *opts,
			   vxoff_bench_interval_fn fn, void *user, struct vxoff_bench_result **ret)
{
	bool plain = !strcmp(opts->host, "198.18.0.2");
	uint64_t pbytes;

	(void)fn;
	(void)user;
	fk.calls++;
	if (fk.busy) {
		fk.busy--;
		return vxoff__err(ctx, -EBUSY, VXOFF_REASON_PEER, "the server runs another test");
	}
	fk.ports[fk.nruns] = opts->port;
	fk.order[fk.nruns++] = plain ? 'p' : 'v';
	if (fk.nruns == fk.fail_at) /* as the real one: the reason in the run's context */
		return vxoff__err(ctx, -ECONNREFUSED, VXOFF_REASON_SYSTEM,
				  "connecting to %s port %u: refused", opts->host, opts->port);
	/* the vxlan run of pair p is 0.8 of the plain run of the same pair */
	pbytes = (10 + (plain ? fk.plain_runs++ : (fk.nruns - 1) / 2)) * 100000000ull;
	*ret = fake_result(plain ? pbytes : pbytes * 8 / 10);
	return 0;
}

int __wrap_vxoff_bench_server_new(struct vxoff_ctx *ctx,
				  const struct vxoff_bench_server_opts *opts,
				  struct vxoff_bench_server **ret);
int __wrap_vxoff_bench_server_new(struct vxoff_ctx *ctx,
				  const struct vxoff_bench_server_opts *opts,
				  struct vxoff_bench_server **ret)
{
	(void)ctx;
	fk.servers_new++;
	fk.server_flags = opts->flags;
	*ret = (struct vxoff_bench_server *)&fk;
	return 0;
}

int __wrap_vxoff_bench_server_run(struct vxoff_bench_server *srv);
int __wrap_vxoff_bench_server_run(struct vxoff_bench_server *srv)
{
	(void)srv;
	sem_wait(&fk.stop);
	return 0;
}

int __wrap_vxoff_bench_server_stop(struct vxoff_bench_server *srv);
int __wrap_vxoff_bench_server_stop(struct vxoff_bench_server *srv)
{
	(void)srv;
	fk.servers_stopped++;
	sem_post(&fk.stop);
	return 0;
}

int __wrap_vxoff_bench_server_stats(const struct vxoff_bench_server *srv,
				    struct vxoff_bench_server_stats *out);
int __wrap_vxoff_bench_server_stats(const struct vxoff_bench_server *srv,
				    struct vxoff_bench_server_stats *out)
{
	(void)srv;
	out->port = 40000;
	return 0;
}

void __wrap_vxoff_bench_server_free(struct vxoff_bench_server *srv);
void __wrap_vxoff_bench_server_free(struct vxoff_bench_server *srv)
{
	if (srv)
		fk.servers_freed++;
}

static void fk_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	sem_init(&fk.stop, 0, 0);
}

static int run_compare(struct vxoff_ctx *ctx, uint32_t pairs, uint64_t seed, uint32_t flags,
		       struct vxoff_bench_comparison **ret)
{
	VXOFF_OPTS(vxoff_bench_opts, test, .duration_ms = 1000);
	VXOFF_OPTS(vxoff_bench_path, base, .name = "plain", .host = "198.18.0.2");
	VXOFF_OPTS(vxoff_bench_path, cand, .name = "vxlan", .host = "198.19.0.2", .flags = flags);
	VXOFF_OPTS(vxoff_bench_compare_opts, o, .test = &test, .base = &base, .cand = &cand,
		   .pairs = pairs, .seed = seed);

	return vxoff_bench_compare(ctx, &o, NULL, NULL, ret);
}

static void compare_interleaved(void **state)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_comparison *cmp = NULL;
	const struct vxoff_bench_result *res;
	VXOFF_OUT(vxoff_stat, s);
	char *txt = NULL;
	struct json_object *root, *ratio;

	(void)state;
	assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
	fk_reset();
	assert_int_equal(run_compare(ctx, 0, 42, 0, &cmp), 0); /* 0 = 5 pairs */
	assert_int_equal(vxoff_bench_comparison_pairs(cmp), 5);
	assert_int_equal(fk.nruns, 10);
	/* every pair holds one run of each arm, and the order swaps from pair to pair */
	for (uint32_t p = 0; p < 5; p++) {
		assert_true(fk.order[2 * p] != fk.order[2 * p + 1]);
		if (p)
			assert_true(fk.order[2 * p] != fk.order[2 * p - 2]);
	}
	assert_int_equal(fk.servers_new, 0);

	/* plain: 8, 8.8, 9.6, 10.4, 11.2 Gbit/s: median 9.6, mean 9.6 */
	assert_int_equal(vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_BASE,
						     VXOFF_BENCH_M_THROUGHPUT, &s),
			 0);
	assert_int_equal(s.n, 5);
	NEAR(s.median, 9.6e9, 1);
	NEAR(s.min, 8e9, 1);
	NEAR(s.max, 11.2e9, 1);
	/* vxlan = 0.8 x plain in every pair: median 7.68 */
	assert_int_equal(vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_CAND,
						     VXOFF_BENCH_M_THROUGHPUT, &s),
			 0);
	NEAR(s.median, 7.68e9, 1);
	/* every paired ratio is 0.8: geometric mean 0.8, interval [0.8, 0.8] */
	assert_int_equal(vxoff_bench_comparison_ratio(cmp, VXOFF_BENCH_M_THROUGHPUT, &s), 0);
	assert_int_equal(s.method, VXOFF_STAT_PAIRED_RATIO);
	NEAR(s.mean, 0.8, 1e-9);
	NEAR(s.ci_low, 0.8, 1e-9);
	NEAR(s.ci_high, 0.8, 1e-9);
	/* CPU-s/GB of the client: 0.5 CPU-s per (bytes / 1e9): plain median 0.5 / 1.2 */
	assert_int_equal(vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_BASE,
						     VXOFF_BENCH_M_CPU_CLIENT, &s),
			 0);
	NEAR(s.median, 0.5 / 1.2, 1e-9);
	/* the same CPU over 0.8 of the bytes: 1.25 x per byte */
	assert_int_equal(vxoff_bench_comparison_ratio(cmp, VXOFF_BENCH_M_CPU_SERVER, &s), 0);
	NEAR(s.mean, 1.25, 1e-9);
	assert_int_equal(vxoff_bench_comparison_ratio(cmp, VXOFF_BENCH_M_RETRANSMITS, &s), 0);
	NEAR(s.mean, 1, 1e-12);
	assert_int_equal(vxoff_bench_comparison_result(cmp, VXOFF_BENCH_ARM_CAND, 4, &res), 0);
	assert_int_equal(vxoff_bench_comparison_result(cmp, VXOFF_BENCH_ARM_CAND, 5, &res),
			 -ERANGE);
	assert_int_equal(vxoff_bench_comparison_stat(cmp, 2, 0, &s), -EINVAL);
	assert_string_equal(vxoff_bench_metric_name(VXOFF_BENCH_M_CPU_SERVER), "cpu_server");
	assert_string_equal(vxoff_bench_metric_name(99), "unknown");

	/* JSON: the ratio of the medians shown beside the paired statistics */
	assert_int_equal(vxoff_bench_comparison_json(cmp, 0, &txt), 0);
	root = json_tokener_parse(txt);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(jget(root, "schema")), "vxoff-bench-compare/1");
	NEAR(jnum(root, "arms.base.stats.throughput.median"), 9.6e9, 1);
	NEAR(jnum(root, "test.len"), 131072, 0);
	NEAR(jnum(root, "test.duration_ms"), 1000, 0);
	ratio = jget(jget(root, "ratios"), "throughput");
	NEAR(jnum(ratio, "median_ratio"),
	     jnum(root, "arms.cand.stats.throughput.median") /
		     jnum(root, "arms.base.stats.throughput.median"),
	     1e-9);
	assert_int_equal(json_object_array_length(jget(root, "runs")), 5);
	/* each run's record says it is one of 5 pairs, which pair and which arm */
	ratio = json_object_array_get_idx(jget(root, "runs"), 3);
	NEAR(jnum(ratio, "cand.conditions.repeats"), 5, 0);
	NEAR(jnum(ratio, "cand.conditions.pair"), 3, 0);
	NEAR(jnum(ratio, "cand.conditions.mtu"), 1500, 0);
	assert_string_equal(json_object_get_string(jget(jget(jget(ratio, "cand"), "conditions"),
							"arm")),
			    "vxlan");
	NEAR(jnum(json_object_array_get_idx(jget(root, "runs"), 0), "base.throughput_bps"),
	     (double)8e9, 1);
	json_object_put(root);
	vxoff_free(txt);
	vxoff_bench_comparison_free(cmp);
	vxoff_ctx_free(ctx);
}

static void compare_busy_server(void **state)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_comparison *cmp = NULL;

	(void)state;
	assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
	fk_reset();
	/* a server still closing the previous test says busy twice: asked again, not failed */
	fk.busy = 2;
	assert_int_equal(run_compare(ctx, 5, 7, 0, &cmp), 0);
	assert_int_equal(fk.nruns, 10);
	assert_int_equal(fk.calls, 12);
	vxoff_bench_comparison_free(cmp);
	vxoff_ctx_free(ctx);
}

static void compare_order_from_seed(void **state)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_comparison *cmp = NULL;
	char first[2] = {0, 0};

	(void)state;
	assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
	/* the same seed gives the same order; over a few seeds both first orders occur */
	for (uint64_t seed = 1; seed <= 16; seed++) {
		char again;

		fk_reset();
		assert_int_equal(run_compare(ctx, 5, seed, 0, &cmp), 0);
		vxoff_bench_comparison_free(cmp);
		again = fk.order[0];
		fk_reset();
		assert_int_equal(run_compare(ctx, 5, seed, 0, &cmp), 0);
		vxoff_bench_comparison_free(cmp);
		assert_int_equal(again, fk.order[0]);
		first[fk.order[0] == 'v'] = 1;
	}
	assert_true(first[0] && first[1]);
	vxoff_ctx_free(ctx);
}

static void compare_bad_input(void **state)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_comparison *cmp = NULL;
	VXOFF_OUT(vxoff_error, e);
	VXOFF_OPTS(vxoff_bench_opts, test, .duration_ms = 1000);
	VXOFF_OPTS(vxoff_bench_path, base, .host = "198.18.0.2");
	VXOFF_OPTS(vxoff_bench_path, nohost, .name = "vxlan");
	VXOFF_OPTS(vxoff_bench_compare_opts, o, .test = &test, .base = &base, .cand = &nohost);

	(void)state;
	assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
	fk_reset();
	/* fewer than 5 pairs: refused before any run, the message names the count */
	assert_int_equal(run_compare(ctx, 4, 1, 0, &cmp), -EINVAL);
	assert_int_equal(vxoff_ctx_last_error(ctx, &e), 0);
	assert_non_null(strstr(e.msg, "4 pairs"));
	assert_int_equal(fk.nruns, 0);
	assert_null(cmp);
	assert_int_equal(vxoff_bench_compare(ctx, &o, NULL, NULL, &cmp), -EINVAL);
	assert_int_equal(vxoff_ctx_last_error(ctx, &e), 0);
	assert_non_null(strstr(e.msg, "names no host"));
	o.cand = &base;
	o.flags = 1;
	assert_int_equal(vxoff_bench_compare(ctx, &o, NULL, NULL, &cmp), -EINVAL);
	assert_int_equal(fk.nruns, 0);

	/* a failing run stops the comparison; the message names the arm and the pair */
	fk_reset();
	fk.fail_at = 4;
	assert_int_equal(run_compare(ctx, 5, 1, 0, &cmp), -ECONNREFUSED);
	assert_null(cmp);
	assert_int_equal(vxoff_ctx_last_error(ctx, &e), 0);
	assert_non_null(strstr(e.msg, "pair 2 of 5"));
	/* the run's own reason, intact after the prefix */
	assert_non_null(strstr(e.msg, fk.order[3] == 'p' ? "connecting to 198.18.0.2 port 0: refused"
							  : "connecting to 198.19.0.2 port 0: refused"));
	assert_non_null(strstr(e.msg, fk.order[3] == 'p' ? "plain path" : "vxlan path"));
	vxoff_ctx_free(ctx);
}

static int cancel_after_3(void *user, uint32_t pair, uint32_t arm,
			  const struct vxoff_bench_result *res)
{
	uint32_t *n = user;

	(void)pair;
	(void)arm;
	assert_non_null(res);
	return ++*n == 3;
}

static void compare_servers_and_cancel(void **state)
{
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_comparison *cmp = NULL;
	VXOFF_OPTS(vxoff_bench_opts, test, .duration_ms = 1000);
	VXOFF_OPTS(vxoff_bench_path, base, .name = "plain", .host = "198.18.0.2");
	VXOFF_OPTS(vxoff_bench_path, cand, .name = "vxlan", .host = "198.19.0.2",
		   .flags = VXOFF_BENCH_PATH_F_START_SERVER);
	VXOFF_OPTS(vxoff_bench_compare_opts, o, .test = &test, .base = &base, .cand = &cand,
		   .seed = 3);
	uint32_t n = 0;

	(void)state;
	assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
	fk_reset();
	/* the started server listens where the kernel put it; the vxlan runs go there */
	assert_int_equal(vxoff_bench_compare(ctx, &o, NULL, NULL, &cmp), 0);
	assert_int_equal(fk.servers_new, 1);
	assert_true(fk.server_flags & VXOFF_BENCH_SERVER_F_ANY_PORT);
	for (uint32_t i = 0; i < fk.nruns; i++)
		assert_int_equal(fk.ports[i], fk.order[i] == 'v' ? 40000 : 0);
	assert_int_equal(fk.servers_stopped, 1);
	assert_int_equal(fk.servers_freed, 1);
	vxoff_bench_comparison_free(cmp);
	cmp = NULL;

	/* cancelled by the callback: -ECANCELED, the server stopped all the same */
	fk_reset();
	assert_int_equal(vxoff_bench_compare(ctx, &o, cancel_after_3, &n, &cmp), -ECANCELED);
	assert_null(cmp);
	assert_int_equal(fk.nruns, 3);
	assert_int_equal(fk.servers_stopped, 1);
	assert_int_equal(fk.servers_freed, 1);
	vxoff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(summary),
		cmocka_unit_test(cpu),
		cmocka_unit_test(stream_and_intervals),
		cmocka_unit_test(reverse),
		cmocka_unit_test(json),
		cmocka_unit_test(compare_interleaved),
		cmocka_unit_test(compare_busy_server),
		cmocka_unit_test(compare_order_from_seed),
		cmocka_unit_test(compare_bad_input),
		cmocka_unit_test(compare_servers_and_cancel),
	};

	return cmocka_run_group_tests_name("bench_result", tests, NULL, NULL);
}
