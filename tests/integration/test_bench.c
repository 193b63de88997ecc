/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Integration tests of the BENCH capability, as root, in two throwaway namespaces
 * vxoff-t<pid>-bc (client) and vxoff-t<pid>-bs (server) joined by a veth pair (198.18.0.1/30,
 * 198.18.0.2/30) with a VXLAN over it (VNI 42, port 4789, 198.19.0.1/24, 198.19.0.2/24).
 * The server runs in a thread of this process inside the server namespace, the client
 * in the client namespace; every run is short (1-1.5 s measured after a warm-up).
 *
 *   tcp_one, tcp_four, reverse, udp_rate, pinned_reno, vxlan   each run, then check():
 *       bytes sent in the window == bytes received (within in-flight data, see below),
 *       TCP: whole-test bytes sent == received exactly, per-stream sums == totals, the
 *       measured intervals add up to the window exactly, the warm-up is in no figure, CPU of
 *       both ends positive and below the number of CPUs, JSON that json-c parses
 *   bad_input       streams over 128, duration over the limit, unknown congestion control,
 *                   a name instead of an address, a busy server: clear errors naming it
 *   zerocopy_fixed_rate  MSG_ZEROCOPY (or its refusal flagged) and pacing to 2 Gbit/s
 *   udp_unlimited_reverse, ipv6   the server sends UDP as fast as it can; TCP over IPv6
 *   once            a VXOFF_BENCH_SERVER_F_ONCE server returns from run() after one test
 *   policy          omit + duration over the server's max_duration_s: -EINVAL naming it
 *   cancel          the interval callback stops the test: -ECANCELED, the server frees it all
 *   hostile_peers   garbage hellos, a 4 GiB frame, more silent peers than the accept budget,
 *                   a stalled handshake: each dropped and counted, a real test still served
 *   server_clean    the server's counters, and its open sockets back to the listener alone
 *   server_stop     (last) stop mid-test: run() returns 0, the client gets the reason
 *
 * Public API only (the shared library). Without root, netns or the vxlan module, skip (77).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include <vxoff/vxoff.h>

#include "nstest.h"

#define PLAIN_HOST "198.18.0.2"
#define VXLAN_HOST "198.19.0.2"

static struct {
	const char *skip;
	char ns_c[64], ns_s[64];
	struct vxoff_ctx *cctx, *sctx;
	struct vxoff_bench_server *srv;
	pthread_t th;
	bool running;
	int run_rc;
	uint32_t port;
	uint64_t tcp_mem_max; /* tcp_wmem[2] + tcp_rmem[2] of the namespaces */
	uint32_t log_lines;
	bool have_v6;
	int fds0; /* open fds of this process once the server listens */
	pthread_mutex_t log_lock;
} g = { .log_lock = PTHREAD_MUTEX_INITIALIZER };

#define SKIP_IF_NEEDED()                                                                           \
	do {                                                                                       \
		if (g.skip) {                                                                      \
			print_message("SKIP: %s\n", g.skip);                                       \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static const char *errmsg(struct vxoff_ctx *ctx)
{
	static __thread struct vxoff_error e;

	e = (struct vxoff_error){ .sz = sizeof(e) };
	if (vxoff_ctx_last_error(ctx, &e) < 0 || !e.msg)
		return "(no message)";
	return e.msg;
}

static void server_log(void *user, uint32_t level, const char *msg)
{
	(void)user;
	pthread_mutex_lock(&g.log_lock);
	g.log_lines++;
	pthread_mutex_unlock(&g.log_lock);
	if (getenv("VXOFF_TEST_VERBOSE"))
		fprintf(stderr, "server[%u]: %s\n", level, msg);
}

static void *server_main(void *arg)
{
	(void)arg;
	g.run_rc = vxoff_bench_server_run(g.srv);
	return NULL;
}

static uint64_t sysctl_max(const char *ns, const char *name)
{
	struct nt_run r;
	unsigned long long a = 0, b = 0, c = 0;

	if (nt_sh(&r, "ip netns exec %s cat /proc/sys/net/ipv4/%s", ns, name) != 0 ||
	    sscanf(r.out, "%llu %llu %llu", &a, &b, &c) != 3)
		c = 64ull << 20; /* unreadable: a generous bound */
	nt_run_free(&r);
	return c;
}

static int count_fds(void)
{
	struct nt_run r;
	int n = -1;

	if (nt_sh(&r, "ls /proc/%d/fd | wc -l", (int)getpid()) == 0)
		n = atoi(r.out);
	nt_run_free(&r);
	return n;
}

static int group_setup(void **state)
{
	VXOFF_OPTS(vxoff_ctx_opts, co);
	VXOFF_OPTS(vxoff_bench_server_opts, so, .flags = VXOFF_BENCH_SERVER_F_ANY_PORT,
		   .log = server_log, .log_level = VXOFF_LOG_DEBUG);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	int r;

	(void)state;
	g.skip = nt_precondition();
	if (g.skip)
		return 0;
	if (nt_ns_create("bc", g.ns_c) || nt_ns_create("bs", g.ns_s))
		return -1;
	if (nt_sh_quiet("ip -n %s link set lo up && ip -n %s link set lo up", g.ns_c, g.ns_s) ||
	    nt_sh_quiet("ip -n %s link add va type veth peer name vb netns %s", g.ns_c, g.ns_s) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.1/30 dev va && ip -n %s link set va up",
			g.ns_c, g.ns_c) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.2/30 dev vb && ip -n %s link set vb up",
			g.ns_s, g.ns_s)) {
		g.skip = "could not build the veth pair";
		return 0;
	}
	if (nt_sh_quiet("ip -n %s link add xa type vxlan id 42 local 198.18.0.1 remote "
			"198.18.0.2 dstport 4789 dev va && ip -n %s link set xa mtu 1450 up && "
			"ip -n %s addr add 198.19.0.1/24 dev xa",
			g.ns_c, g.ns_c, g.ns_c) ||
	    nt_sh_quiet("ip -n %s link add xb type vxlan id 42 local 198.18.0.2 remote "
			"198.18.0.1 dstport 4789 dev vb && ip -n %s link set xb mtu 1450 up && "
			"ip -n %s addr add 198.19.0.2/24 dev xb",
			g.ns_s, g.ns_s, g.ns_s)) {
		g.skip = "could not create the VXLAN devices (vxlan module missing?)";
		return 0;
	}
	/* IPv6 too (nodad: usable at once); without it the ipv6 test skips */
	g.have_v6 = nt_sh_quiet("ip -n %s addr add 2001:db8::1/64 dev va nodad && ip -n %s addr "
				"add 2001:db8::2/64 dev vb nodad",
				g.ns_c, g.ns_s) == 0;
	g.tcp_mem_max = sysctl_max(g.ns_c, "tcp_wmem") + sysctl_max(g.ns_c, "tcp_rmem");
	{
		uint64_t s = sysctl_max(g.ns_s, "tcp_wmem") + sysctl_max(g.ns_s, "tcp_rmem");

		if (s > g.tcp_mem_max)
			g.tcp_mem_max = s;
	}
	co.netns = g.ns_c;
	r = vxoff_ctx_new(&co, &g.cctx);
	if (r < 0)
		return -1;
	co.netns = g.ns_s;
	r = vxoff_ctx_new(&co, &g.sctx);
	if (r < 0)
		return -1;
	r = vxoff_bench_server_new(g.sctx, &so, &g.srv);
	if (r < 0) {
		fprintf(stderr, "vxoff_bench_server_new: %s\n", errmsg(g.sctx));
		return -1;
	}
	if (vxoff_bench_server_stats(g.srv, &st) < 0 || !st.port)
		return -1;
	g.port = st.port;
	if (pthread_create(&g.th, NULL, server_main, NULL))
		return -1;
	g.running = true;
	g.fds0 = count_fds();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (g.running) {
		vxoff_bench_server_stop(g.srv);
		pthread_join(g.th, NULL);
	}
	vxoff_bench_server_free(g.srv);
	vxoff_ctx_free(g.cctx);
	vxoff_ctx_free(g.sctx);
	if (g.ns_c[0])
		nt_ns_delete(g.ns_c);
	if (g.ns_s[0])
		nt_ns_delete(g.ns_s);
	return 0;
}

/* ---- running and checking ---- */

struct live {
	uint32_t calls, sums;
	uint64_t sum_bytes; /* of the non-omitted ALL_STREAMS intervals */
};

static int on_interval(void *user, const struct vxoff_bench_interval *iv)
{
	struct live *l = user;

	l->calls++;
	if (iv->stream == VXOFF_BENCH_ALL_STREAMS) {
		l->sums++;
		if (!iv->omitted)
			l->sum_bytes += iv->bytes;
	}
	return 0;
}

static struct vxoff_bench_result *run(struct vxoff_bench_opts *o, struct live *l)
{
	struct vxoff_bench_result *res = NULL;
	int r;

	o->port = g.port;
	r = vxoff_bench_run(g.cctx, o, on_interval, l, &res);
	if (r < 0)
		fail_msg("vxoff_bench_run to %s = %d (%s): %s", o->host, r, strerror(-r),
			 errmsg(g.cctx));
	return res;
}

static long ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? n : 1;
}

static void check_cpu(const struct vxoff_bench_result *res, uint32_t end, const char *name)
{
	VXOFF_OUT(vxoff_bench_cpu, c);
	int r = vxoff_bench_result_cpu(res, end, -1, &c);

	if (r < 0)
		fail_msg("%s CPU: %d (%s)", name, r, strerror(-r));
	print_message("  %s: busy %.2f CPUs (user %.3f s, system %.3f s, softirq %.3f s), "
		      "%.3f CPU-s/GB, hottest CPU %d at %.0f %%\n",
		      name, c.busy_cpus, c.user_us / 1e6, c.system_us / 1e6, c.softirq_us / 1e6,
		      c.cpu_s_per_gb, c.hottest_cpu, c.hottest_busy * 100);
	if (!(c.busy_cpus > 0) || c.busy_cpus > (double)c.ncpus || c.ncpus > (uint32_t)ncpus())
		fail_msg("%s: busy CPUs %.3f not in (0, %u]", name, c.busy_cpus, c.ncpus);
	if (!(c.cpu_s_per_gb > 0))
		fail_msg("%s: CPU-s/GB %.4f is not positive", name, c.cpu_s_per_gb);
	if (c.busy_us == 0 || c.busy_us != c.user_us + c.nice_us + c.system_us + c.irq_us +
						  c.softirq_us)
		fail_msg("%s: busy %" PRIu64 " us is not the sum of its parts", name, c.busy_us);
}

/*
 * The checks every run must pass. @lost_bytes: UDP bytes the receiver may miss.
 *
 * Why the window's bytes differ a little between the ends: each end cuts its window on its
 * own clock from the START it saw (the server sees it one control message later), and at
 * each cut some bytes are between the two counters: in the sender's socket buffer, on the
 * wire, in the receiver's socket buffer. That is at most tcp_wmem[2] + tcp_rmem[2] per stream
 * and cut (twice: start and end), plus what the link carries in the skew between the ends
 * (counted as 20 ms at the measured rate, generous for a veth). Over the whole test nothing is
 * in between: TCP's totals must be equal exactly.
 */
static void check(const struct vxoff_bench_result *res, const struct vxoff_bench_opts *o,
		  const struct live *l, uint64_t lost_bytes)
{
	VXOFF_OUT(vxoff_bench_summary, s);
	uint64_t stream_rx = 0, stream_tx = 0, iv_bytes = 0, omit_bytes = 0, tol, diff;
	uint32_t n, nomit = 0, nmeasured = 0;
	bool udp = o->flags & VXOFF_BENCH_F_UDP;
	char *json = NULL;
	json_object *j;
	int r;

	assert_non_null(res);
	assert_int_equal(vxoff_bench_result_summary(res, &s), 0);
	print_message("  %s%s %u stream(s): %.3f Gbit/s, window %.3f s, sent %" PRIu64
		      " B, received %" PRIu64 " B, retransmits %" PRIu64 "\n",
		      udp ? "UDP" : "TCP", (o->flags & VXOFF_BENCH_F_REVERSE) ? " reverse" : "",
		      s.streams, s.throughput_bps / 1e9, s.duration_ns / 1e9, s.bytes_sent,
		      s.bytes_received, s.retransmits);
	assert_int_equal(s.streams, o->streams ? o->streams : 1);
	if (!(s.throughput_bps > 0) || !s.bytes_received)
		fail_msg("no throughput: %.1f bit/s, %" PRIu64 " bytes", s.throughput_bps,
			 s.bytes_received);
	/* the window is the measured duration, not the warm-up plus it */
	if (s.duration_ns < (uint64_t)o->duration_ms * 900000u ||
	    s.duration_ns > (uint64_t)o->duration_ms * 1100000u)
		fail_msg("window %" PRIu64 " ns for a duration of %u ms", s.duration_ns,
			 o->duration_ms);
	tol = (uint64_t)s.streams * 2 * g.tcp_mem_max + (uint64_t)(s.throughput_bps / 8 * 0.02) +
	      lost_bytes;
	diff = s.bytes_sent > s.bytes_received ? s.bytes_sent - s.bytes_received
					       : s.bytes_received - s.bytes_sent;
	if (diff > tol)
		fail_msg("window: sent %" PRIu64 " vs received %" PRIu64 ": %" PRIu64
			 " apart, more than the %" PRIu64 " bytes in flight allowed",
			 s.bytes_sent, s.bytes_received, diff, tol);
	if (!udp && s.total_sent != s.total_received)
		fail_msg("TCP totals differ: sent %" PRIu64 ", received %" PRIu64, s.total_sent,
			 s.total_received);
	if (udp && s.total_received > s.total_sent)
		fail_msg("UDP: received %" PRIu64 " > sent %" PRIu64, s.total_received,
			 s.total_sent);
	/* per-stream figures add up to the totals */
	n = vxoff_bench_result_stream_count(res);
	assert_int_equal(n, s.streams);
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_bench_stream, st);

		assert_int_equal(vxoff_bench_result_stream(res, i, &st), 0);
		if (!st.bytes_received)
			fail_msg("stream %u received nothing", st.id);
		stream_rx += st.bytes_received;
		stream_tx += st.bytes_sent;
		if (!udp && st.tcp_info_state != VXOFF_CAP_YES)
			fail_msg("stream %u: no TCP_INFO", st.id);
		if (!udp && (!st.snd_mss || !st.rtt_us))
			fail_msg("stream %u: TCP_INFO mss %u rtt %u", st.id, st.snd_mss, st.rtt_us);
	}
	assert_true(stream_rx == s.bytes_received);
	assert_true(stream_tx == s.bytes_sent);
	/* the measured intervals partition the window; the warm-up ones are flagged */
	for (uint32_t i = 0; i < vxoff_bench_result_interval_count(res); i++) {
		VXOFF_OUT(vxoff_bench_interval, iv);

		assert_int_equal(
			vxoff_bench_result_interval(res, i, VXOFF_BENCH_ALL_STREAMS, &iv), 0);
		if (iv.omitted) {
			nomit++;
			omit_bytes += iv.bytes;
		} else {
			nmeasured++;
			iv_bytes += iv.bytes;
		}
	}
	if (iv_bytes != s.bytes_received)
		fail_msg("measured intervals add up to %" PRIu64 ", the window says %" PRIu64,
			 iv_bytes, s.bytes_received);
	assert_int_equal(nmeasured, s.intervals);
	if (o->omit_ms) {
		if (!nomit || !omit_bytes)
			fail_msg("warm-up of %u ms: %u omitted intervals with %" PRIu64 " bytes",
				 o->omit_ms, nomit, omit_bytes);
		/* the warm-up's bytes are in the whole-test total, not in the window */
		if (s.total_received < s.bytes_received + omit_bytes)
			fail_msg("total %" PRIu64 " < window %" PRIu64 " + warm-up %" PRIu64,
				 s.total_received, s.bytes_received, omit_bytes);
	}
	/* live callbacks: every interval once per stream and once summed */
	assert_int_equal(l->sums, vxoff_bench_result_interval_count(res));
	assert_int_equal(l->calls, l->sums * (s.streams + 1));
	check_cpu(res, VXOFF_BENCH_END_CLIENT, "client");
	check_cpu(res, VXOFF_BENCH_END_SERVER, "server");
	if (s.cycles_state == VXOFF_CAP_YES)
		assert_true(s.cycles_per_byte > 0);
	else
		assert_true(s.cycles_per_byte == 0);
	r = vxoff_bench_result_json(res, 0, &json);
	if (r < 0)
		fail_msg("vxoff_bench_result_json: %d (%s)", r, strerror(-r));
	j = json_tokener_parse(json);
	if (!j)
		fail_msg("the result's JSON does not parse: %.200s", json);
	if (getenv("VXOFF_TEST_VERBOSE"))
		fprintf(stderr, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY));
	json_object_put(j);
	vxoff_free(json);
}

static void check_conditions(const struct vxoff_bench_result *res, const char *dev)
{
	char *json = NULL;
	json_object *j, *c;

	/* the conditions are inside the result's JSON */
	assert_int_equal(vxoff_bench_result_json(res, 0, &json), 0);
	j = json_tokener_parse(json);
	assert_non_null(j);
	c = nt_get(j, "conditions");
	if (!c || !nt_contains(json_object_to_json_string(c), dev))
		fail_msg("conditions do not name device %s: %.300s", dev,
			 c ? json_object_to_json_string(c) : "(none)");
	json_object_put(j);
	vxoff_free(json);
}

/* ---- tests ---- */

static void tcp_one(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1200, .omit_ms = 400,
		   .interval_ms = 300);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	check(res, &o, &l, 0);
	check_conditions(res, "va");
	vxoff_bench_result_free(res);
}

static void tcp_four(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1000, .omit_ms = 300,
		   .interval_ms = 250, .streams = 4);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	check(res, &o, &l, 0);
	vxoff_bench_result_free(res);
}

static void reverse(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1000, .omit_ms = 300,
		   .interval_ms = 250, .streams = 2, .flags = VXOFF_BENCH_F_REVERSE);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	check(res, &o, &l, 0);
	vxoff_bench_result_free(res);
}

static void udp_rate(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1000, .omit_ms = 200,
		   .interval_ms = 250, .flags = VXOFF_BENCH_F_UDP, .rate_bps = 100000000);
	VXOFF_OUT(vxoff_bench_summary, s);
	struct live l = { 0 };
	struct vxoff_bench_result *res;
	double gbps;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	assert_int_equal(vxoff_bench_result_summary(res, &s), 0);
	print_message("  UDP: %" PRIu64 " packets, %" PRIu64 " lost, %" PRIu64
		      " out of order, jitter %.4f ms\n",
		      s.udp_packets, s.udp_lost, s.udp_out_of_order, s.udp_jitter_ms);
	check(res, &o, &l, s.udp_lost * 1472u);
	/* paced at 100 Mbit/s: never far above it; below only as far as a busy 2-CPU machine
	 * can starve the sender */
	gbps = s.throughput_bps / 1e9;
	if (gbps < 0.05 || gbps > 0.11)
		fail_msg("UDP at 100 Mbit/s measured %.1f Mbit/s", gbps * 1000);
	assert_true(s.udp_packets > 0);
	assert_true(s.udp_jitter_ms >= 0);
	vxoff_bench_result_free(res);
}

static void pinned_reno(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1000, .omit_ms = 300,
		   .interval_ms = 250, .congestion = "reno", .cpus = "0");
	VXOFF_OUT(vxoff_bench_summary, s);
	VXOFF_OUT(vxoff_bench_stream, st);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	o.server_cpus = ncpus() > 1 ? "1" : "0";
	res = run(&o, &l);
	check(res, &o, &l, 0);
	assert_int_equal(vxoff_bench_result_summary(res, &s), 0);
	assert_string_equal(s.congestion, "reno");
	assert_string_equal(s.server_congestion, "reno");
	assert_int_equal(vxoff_bench_result_stream(res, 0, &st), 0);
	assert_int_equal(st.client_cpu, 0);
	assert_int_equal(st.server_cpu, ncpus() > 1 ? 1 : 0);
	vxoff_bench_result_free(res);
}

static void vxlan(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = VXLAN_HOST, .duration_ms = 1200, .omit_ms = 400,
		   .interval_ms = 300);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	check(res, &o, &l, 0);
	/* the route goes over the VXLAN device; its underlay is recorded too */
	check_conditions(res, "xa");
	check_conditions(res, "va");
	vxoff_bench_result_free(res);
}

static void zerocopy_fixed_rate(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1000, .omit_ms = 300,
		   .interval_ms = 250,
		   .flags = VXOFF_BENCH_F_ZEROCOPY | VXOFF_BENCH_F_FIXED_RATE,
		   .rate_bps = 2000000000ull);
	VXOFF_OUT(vxoff_bench_summary, s);
	struct live l = { 0 };
	struct vxoff_bench_result *res;
	double gbps;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	check(res, &o, &l, 0);
	assert_int_equal(vxoff_bench_result_summary(res, &s), 0);
	print_message("  zerocopy %s\n",
		      (s.flags & VXOFF_BENCH_R_ZEROCOPY_OFF) ? "refused by the kernel" : "in use");
	assert_true(s.flags & VXOFF_BENCH_F_ZEROCOPY);
	/* paced at 2 Gbit/s (pacing and the token bucket): never far above it; below only as
	 * far as a busy machine can starve the sender */
	gbps = s.throughput_bps / 1e9;
	if (gbps < 1.0 || gbps > 2.2)
		fail_msg("fixed rate 2 Gbit/s measured %.3f Gbit/s", gbps);
	vxoff_bench_result_free(res);
}

static int cancel_at_second(void *user, const struct vxoff_bench_interval *iv)
{
	(void)user;
	return iv->index >= 1 ? 1 : 0;
}

/* The caller stops the test from its callback: -ECANCELED at once, the server aborts it and
 * frees everything of it. */
static void cancel(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 5000,
		   .interval_ms = 200, .streams = 2);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	struct vxoff_bench_result *res = NULL;
	uint64_t t0, aborted;
	int r;

	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
	aborted = st.aborted;
	o.port = g.port;
	t0 = (uint64_t)time(NULL);
	r = vxoff_bench_run(g.cctx, &o, cancel_at_second, NULL, &res);
	if (r != -ECANCELED)
		fail_msg("want -ECANCELED, got %d: %s", r, errmsg(g.cctx));
	assert_null(res);
	assert_true((uint64_t)time(NULL) - t0 <= 3); /* not the 5 s asked for */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
		if (st.aborted > aborted && st.open_fds == 1)
			break;
		usleep(20000);
	}
	if (st.aborted <= aborted || st.open_fds != 1)
		fail_msg("server after the cancel: aborted %" PRIu64 " (before %" PRIu64
			 "), open fds %u",
			 st.aborted, aborted, st.open_fds);
}

static void udp_unlimited_reverse(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1000, .omit_ms = 200,
		   .interval_ms = 250, .streams = 2,
		   .flags = VXOFF_BENCH_F_UDP | VXOFF_BENCH_F_REVERSE, .len = 1200);
	VXOFF_OUT(vxoff_bench_summary, s);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	res = run(&o, &l);
	assert_int_equal(vxoff_bench_result_summary(res, &s), 0);
	print_message("  UDP unlimited: %" PRIu64 " packets, %" PRIu64 " lost, %" PRIu64
		      " out of order, jitter %.4f ms\n",
		      s.udp_packets, s.udp_lost, s.udp_out_of_order, s.udp_jitter_ms);
	/* what the receiver counted is whole datagrams of the asked size */
	assert_true(s.udp_packets > 0);
	assert_true(s.bytes_received == s.udp_packets * 1200u);
	check(res, &o, &l, s.udp_lost * 1200u + 2u * 1200u * 64u);
	vxoff_bench_result_free(res);
}

static void ipv6(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = "2001:db8::2", .duration_ms = 1000,
		   .omit_ms = 200, .interval_ms = 250);
	struct live l = { 0 };
	struct vxoff_bench_result *res;

	(void)state;
	SKIP_IF_NEEDED();
	if (!g.have_v6) {
		print_message("SKIP: no IPv6 on the veth pair\n");
		skip();
	}
	res = run(&o, &l);
	check(res, &o, &l, 0);
	vxoff_bench_result_free(res);
}

static void *once_main(void *arg)
{
	struct vxoff_bench_server *srv = arg;

	return (void *)(intptr_t)vxoff_bench_server_run(srv);
}

/* A server with VXOFF_BENCH_SERVER_F_ONCE: run() returns by itself after one test. */
static void once(void **state)
{
	VXOFF_OPTS(vxoff_bench_server_opts, so,
		   .flags = VXOFF_BENCH_SERVER_F_ONCE | VXOFF_BENCH_SERVER_F_ANY_PORT);
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 300,
		   .interval_ms = 100, .flags = VXOFF_BENCH_F_NO_CONDITIONS);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	struct vxoff_bench_server *srv = NULL;
	struct vxoff_bench_result *res = NULL;
	pthread_t th;
	void *rc;

	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(vxoff_bench_server_new(g.sctx, &so, &srv), 0);
	assert_int_equal(vxoff_bench_server_stats(srv, &st), 0);
	o.port = st.port;
	assert_int_equal(pthread_create(&th, NULL, once_main, srv), 0);
	if (vxoff_bench_run(g.cctx, &o, NULL, NULL, &res) < 0)
		fail_msg("run against the --once server: %s", errmsg(g.cctx));
	vxoff_bench_result_free(res);
	assert_int_equal(pthread_join(th, &rc), 0); /* returns without a stop */
	assert_int_equal((int)(intptr_t)rc, 0);
	assert_int_equal(vxoff_bench_server_stats(srv, &st), 0);
	assert_int_equal(st.tests, 1);
	assert_int_equal(st.open_fds, 1);
	vxoff_bench_server_free(srv);
}

/* The server's policy: omit + duration over its max_duration_s is refused with its reason;
 * an unknown congestion control on the server's side too (-ENOENT). */
static void policy(void **state)
{
	VXOFF_OPTS(vxoff_bench_server_opts, so,
		   .flags = VXOFF_BENCH_SERVER_F_ANY_PORT, .max_duration_s = 1);
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 800, .omit_ms = 400,
		   .flags = VXOFF_BENCH_F_NO_CONDITIONS);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	struct vxoff_bench_server *srv = NULL;
	struct vxoff_bench_result *res = NULL;
	pthread_t th;
	int r;

	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(vxoff_bench_server_new(g.sctx, &so, &srv), 0);
	assert_int_equal(vxoff_bench_server_stats(srv, &st), 0);
	o.port = st.port;
	assert_int_equal(pthread_create(&th, NULL, once_main, srv), 0);
	r = vxoff_bench_run(g.cctx, &o, NULL, NULL, &res);
	print_message("  1.2 s against a 1 s limit -> %d: %s\n", r, errmsg(g.cctx));
	if (r != -EINVAL || !nt_contains(errmsg(g.cctx), "limit of 1 s"))
		fail_msg("want -EINVAL naming the server's limit: %d: %s", r, errmsg(g.cctx));
	assert_null(res);
	assert_int_equal(vxoff_bench_server_stop(srv), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(vxoff_bench_server_stats(srv, &st), 0);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.tests, 0);
	vxoff_bench_server_free(srv);
}

struct busy_arg {
	int rc;
};

static void *long_client(void *arg)
{
	struct busy_arg *b = arg;
	VXOFF_OPTS(vxoff_ctx_opts, co, .netns = g.ns_c);
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 1500,
		   .interval_ms = 500, .flags = VXOFF_BENCH_F_NO_CONDITIONS);
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_result *res = NULL;

	o.port = g.port;
	b->rc = vxoff_ctx_new(&co, &ctx);
	if (b->rc == 0)
		b->rc = vxoff_bench_run(ctx, &o, NULL, NULL, &res);
	vxoff_bench_result_free(res);
	vxoff_ctx_free(ctx);
	return NULL;
}

static void expect_err(struct vxoff_bench_opts *o, int want, const char *needle)
{
	struct vxoff_bench_result *res = NULL;
	int r;

	o->port = g.port;
	r = vxoff_bench_run(g.cctx, o, NULL, NULL, &res);
	if (r != want)
		fail_msg("want %d (%s), got %d: %s", want, strerror(-want), r, errmsg(g.cctx));
	assert_null(res);
	if (!nt_contains(errmsg(g.cctx), needle))
		fail_msg("the message does not name '%s': %s", needle, errmsg(g.cctx));
	print_message("  %s -> %s\n", needle, errmsg(g.cctx));
}

static void bad_input(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 300);
	struct busy_arg b = { 0 };
	pthread_t th;

	(void)state;
	SKIP_IF_NEEDED();
	o.streams = 200;
	expect_err(&o, -EINVAL, "streams");
	o.streams = 1;
	o.duration_ms = VXOFF_BENCH_MAX_DURATION_MS + 1;
	expect_err(&o, -EINVAL, "duration");
	o.duration_ms = 300;
	o.congestion = "no-such-cc";
	expect_err(&o, -ENOENT, "no-such-cc");
	o.congestion = NULL;
	o.host = "server.example";
	expect_err(&o, -EINVAL, "server.example");
	o.host = PLAIN_HOST;
	/* a busy server: a second client while a test runs is refused at once */
	assert_int_equal(pthread_create(&th, NULL, long_client, &b), 0);
	usleep(500000);
	expect_err(&o, -EBUSY, "busy");
	pthread_join(th, NULL);
	if (b.rc != 0)
		fail_msg("the first client failed: %d (%s)", b.rc, strerror(-b.rc));
}

/* A TCP socket of the client namespace connected to the server (blocking), or -1. */
static int raw_connect(void)
{
	char path[128];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.port) };
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), ns, fd = -1;

	snprintf(path, sizeof(path), "/run/netns/%s", g.ns_c);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (self >= 0 && ns >= 0 && setns(ns, CLONE_NEWNET) == 0) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (setns(self, CLONE_NEWNET) < 0)
			abort(); /* the test would go on in the wrong namespace */
	}
	if (self >= 0)
		close(self);
	if (ns >= 0)
		close(ns);
	inet_pton(AF_INET, PLAIN_HOST, &sa.sin_addr);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Peers that break the protocol: garbage instead of a hello, a frame announcing 4 GiB, more
 * silent connections than the accept budget, one that stalls. Each is dropped (counted), the
 * server goes on serving a real test meanwhile, and keeps none of their sockets.
 */
static void hostile_peers(void **state)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 300,
		   .interval_ms = 100, .flags = VXOFF_BENCH_F_NO_CONDITIONS);
	VXOFF_OUT(vxoff_bench_server_stats, st0);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	static const uint8_t hello[16] = { 'V', 'X', 'O', 'F', 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0 };
	static const uint8_t huge[8] = { 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0 };
	struct vxoff_bench_result *res = NULL;
	int silent[12], fd;
	uint8_t buf[64];

	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(vxoff_bench_server_stats(g.srv, &st0), 0);
	/* 20 garbage "hellos": each dropped at once */
	for (int i = 0; i < 20; i++) {
		fd = raw_connect();
		assert_true(fd >= 0);
		memset(buf, 'x', 16);
		assert_int_equal(write(fd, buf, 16), 16);
		assert_true(read(fd, buf, sizeof(buf)) <= 0); /* closed without a word */
		close(fd);
	}
	/* a valid hello, then a PARAMS frame header announcing 4 GiB: dropped, nothing read */
	fd = raw_connect();
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hello, 16), 16);
	assert_int_equal(read(fd, buf, 16), 16); /* the server's hello */
	assert_int_equal(write(fd, huge, 8), 8);
	{
		ssize_t n;

		while ((n = read(fd, buf, sizeof(buf))) > 0)
			; /* an ABORT may come first; then the close */
		assert_true(n <= 0);
	}
	close(fd);
	/* more silent connections than the accept budget: the oldest make room, a real client
	 * still gets through */
	for (int i = 0; i < 12; i++)
		silent[i] = raw_connect();
	o.port = g.port;
	if (vxoff_bench_run(g.cctx, &o, NULL, NULL, &res) < 0)
		fail_msg("a real client among silent ones: %s", errmsg(g.cctx));
	vxoff_bench_result_free(res);
	for (int i = 0; i < 12; i++)
		if (silent[i] >= 0)
			close(silent[i]);
	/* a client that stalls in the handshake is dropped at the hello deadline (3 s) */
	fd = raw_connect();
	assert_true(fd >= 0);
	assert_int_equal(write(fd, hello, 8), 8);
	{
		struct timeval tv = { .tv_sec = 5 };
		time_t t0 = time(NULL);

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		assert_true(read(fd, buf, sizeof(buf)) == 0);
		if (time(NULL) - t0 > 4)
			fail_msg("the stalled client was kept %ld s", (long)(time(NULL) - t0));
	}
	close(fd);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
		if (st.open_fds == 1)
			break;
		usleep(20000);
	}
	print_message("  protocol errors +%" PRIu64 ", tests +%" PRIu64 ", open fds %u\n",
		      st.protocol_errors - st0.protocol_errors, st.tests - st0.tests, st.open_fds);
	assert_int_equal(st.open_fds, 1);
	assert_true(st.tests == st0.tests + 1);
	/* 20 garbage + 1 oversized + at least 4 evicted or timed-out silent + 1 stalled */
	assert_true(st.protocol_errors - st0.protocol_errors >= 26);
}

static void server_clean(void **state)
{
	VXOFF_OUT(vxoff_bench_server_stats, st);

	(void)state;
	SKIP_IF_NEEDED();
	/* the last test's sockets go when its thread ends: give it a moment */
	for (int i = 0; i < 50; i++) {
		assert_int_equal(vxoff_bench_server_stats(g.srv, &st), 0);
		if (st.open_fds == 1)
			break;
		usleep(20000);
	}
	print_message("  server: accepted %" PRIu64 ", tests %" PRIu64 ", rejected %" PRIu64
		      ", protocol errors %" PRIu64 ", aborted %" PRIu64 ", open fds %u\n",
		      st.accepted, st.tests, st.rejected, st.protocol_errors, st.aborted,
		      st.open_fds);
	assert_int_equal(st.open_fds, 1); /* the listener alone */
	/* and the whole process: no eventfd, namespace or socket of a test left behind (the
	 * run() thread closes a finished test's last fds just after its sockets: wait a little) */
	{
		int n = count_fds();

		for (int i = 0; i < 50 && n != g.fds0; i++) {
			usleep(20000);
			n = count_fds();
		}
		if (n != g.fds0)
			fail_msg("open fds: %d after the tests, %d before", n, g.fds0);
	}
	assert_true(st.tests >= 10);
	assert_true(st.aborted >= 1);
	assert_true(st.rejected >= 1);
	assert_int_equal(st.port, g.port);
	pthread_mutex_lock(&g.log_lock);
	assert_true(g.log_lines > 0);
	pthread_mutex_unlock(&g.log_lock);
}

struct stop_arg {
	int rc;
	char msg[256];
};

static void *stopped_client(void *arg)
{
	struct stop_arg *b = arg;
	VXOFF_OPTS(vxoff_ctx_opts, co, .netns = g.ns_c);
	VXOFF_OPTS(vxoff_bench_opts, o, .host = PLAIN_HOST, .duration_ms = 5000,
		   .interval_ms = 500, .flags = VXOFF_BENCH_F_NO_CONDITIONS);
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_result *res = NULL;

	o.port = g.port;
	b->rc = vxoff_ctx_new(&co, &ctx);
	if (b->rc == 0) {
		b->rc = vxoff_bench_run(ctx, &o, NULL, NULL, &res);
		snprintf(b->msg, sizeof(b->msg), "%s", errmsg(ctx));
	}
	vxoff_bench_result_free(res);
	vxoff_ctx_free(ctx);
	return NULL;
}

/* Last: vxoff_bench_server_stop() mid-test. run() returns 0, the client learns why at once. */
static void server_stop(void **state)
{
	struct stop_arg b = { 0 };
	pthread_t th;
	time_t t0;

	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(pthread_create(&th, NULL, stopped_client, &b), 0);
	usleep(700000);
	t0 = time(NULL);
	assert_int_equal(vxoff_bench_server_stop(g.srv), 0);
	pthread_join(g.th, NULL);
	g.running = false;
	pthread_join(th, NULL);
	assert_int_equal(g.run_rc, 0);
	assert_true(time(NULL) - t0 <= 2);
	print_message("  client: %d: %s\n", b.rc, b.msg);
	if (b.rc != -ECONNABORTED || !nt_contains(b.msg, "stopping"))
		fail_msg("the client should learn that the server stops: %d: %s", b.rc, b.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_one),     cmocka_unit_test(tcp_four),
		cmocka_unit_test(reverse),     cmocka_unit_test(udp_rate),
		cmocka_unit_test(pinned_reno), cmocka_unit_test(vxlan),
		cmocka_unit_test(zerocopy_fixed_rate), cmocka_unit_test(udp_unlimited_reverse),
		cmocka_unit_test(ipv6),		       cmocka_unit_test(once),
		cmocka_unit_test(policy),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(cancel),	       cmocka_unit_test(hostile_peers),
		cmocka_unit_test(server_clean),
		cmocka_unit_test(server_stop),
	};
	int r;

	r = cmocka_run_group_tests(tests, group_setup, group_teardown);
	if (g.skip) {
		printf("SKIP: %s\n", g.skip);
		return 77;
	}
	return r;
}
