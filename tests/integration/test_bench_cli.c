/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff bench, driven through the command line, between two throwaway namespaces joined by a
 * veth pair (198.18.0.1/30 - .2) with a VXLAN over it (198.19.0.1/24 - .2):
 *
 *   server --once in one namespace, client -j in the other: the JSON parses, has the
 *     documented fields, TCP bytes moved equal bytes counted on both ends, CPU figures are
 *     positive and below the number of CPUs, and the server exits 0 after its one test;
 *   the same in text mode: interval lines, sender/receiver totals, both ends' CPU;
 *   compare with 5 pairs of 1 s (servers started by vxoff in the server namespace): the
 *     JSON parses, every run is there, and the ratios shown are those of the medians shown;
 *   examples/bench.c runs against a server and prints both ends' CPU-s/GB;
 *   bad input: 129 streams, an unknown congestion control, a bad rate, no host, 3 repeats:
 *     a non-zero exit and a message naming the input.
 *
 * The binary comes from $VXOFF_CLI (set by ctest). Needs root, ip and vxlan; else skip (77).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nstest.h"

static struct {
	const char *skip;
	const char *cli;
	char nc[64]; /* client namespace */
	char ns[64]; /* server namespace */
	char dir[64];
	unsigned port;
	unsigned ncpus;
} g;

static int group_setup(void **state)
{
	(void)state;
	g.skip = nt_cli_precondition(&g.cli);
	if (g.skip)
		return 0;
	g.ncpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	g.port = 20000 + (unsigned)getpid() % 20000;
	snprintf(g.dir, sizeof(g.dir), "/tmp/vxoff-t%d-bench", (int)getpid());
	if (nt_sh_quiet("rm -rf %s && mkdir -p %s", g.dir, g.dir))
		return -1;
	if (nt_ns_create("bc", g.nc) < 0 || nt_ns_create("bs", g.ns) < 0) {
		g.skip = "could not create a network namespace (ip netns add failed)";
		return 0;
	}
	if (nt_sh_quiet("ip -n %s link add va type veth peer name vb netns %s", g.nc, g.ns) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.1/30 dev va && ip -n %s link set va up && "
			"ip -n %s link set lo up",
			g.nc, g.nc, g.nc) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.2/30 dev vb && ip -n %s link set vb up && "
			"ip -n %s link set lo up",
			g.ns, g.ns, g.ns))
		return -1;
	if (nt_sh_feature(&g.skip, "no VXLAN support in this kernel (vxlan module?)",
			  "ip -n %s link add xa type vxlan id 42 local 198.18.0.1 remote "
			  "198.18.0.2 dstport 4789 dev va",
			  g.nc))
		return 0;
	if (nt_sh_quiet("ip -n %s link add xb type vxlan id 42 local 198.18.0.2 remote "
			"198.18.0.1 dstport 4789 dev vb",
			g.ns) ||
	    nt_sh_quiet("ip -n %s link set xa mtu 1450 up && ip -n %s addr add 198.19.0.1/24 dev "
			"xa",
			g.nc, g.nc) ||
	    nt_sh_quiet("ip -n %s link set xb mtu 1450 up && ip -n %s addr add 198.19.0.2/24 dev "
			"xb",
			g.ns, g.ns))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	int rc = 0;

	(void)state;
	/* a server left running by a failed test: only the ones this test started */
	if (g.dir[0]) {
		nt_sh_quiet("for f in %s/*.pid; do [ -f \"$f\" ] && kill $(cat \"$f\") "
			    "2>/dev/null; done; sleep 0.2; rm -rf %s",
			    g.dir, g.dir);
	}
	if (g.nc[0] && nt_ns_delete(g.nc) < 0)
		rc = -1;
	if (g.ns[0] && nt_ns_delete(g.ns) < 0)
		rc = -1;
	return rc;
}

/*
 * Start `vxoff bench server -n NS -p PORT ARGS` in the background, its output in
 * DIR/NAME.out, its pid in DIR/NAME.pid and its exit status, once it ends, in DIR/NAME.rc;
 * wait until it says it listens.
 */
static void start_server(const char *name, unsigned port, const char *args)
{
	struct nt_run r;

	nt_sh(&r,
	      "(%s bench server -n %s -p %u %s > %s/%s.out 2>&1 & pid=$!; echo $pid > %s/%s.pid; "
	      "wait $pid; echo $? > %s/%s.rc) > /dev/null 2>&1 &",
	      g.cli, g.ns, port, args, g.dir, name, g.dir, name, g.dir, name);
	assert_int_equal(r.status, 0);
	nt_run_free(&r);
	nt_sh(&r,
	      "for i in $(seq 100); do grep -q listening %s/%s.out 2>/dev/null && exit 0; "
	      "[ -f %s/%s.rc ] && exit 1; sleep 0.05; done; exit 1",
	      g.dir, name, g.dir, name);
	if (r.status != 0) {
		struct nt_run o;

		nt_sh(&o, "cat %s/%s.out", g.dir, name);
		fail_msg("the server did not start listening: %s", o.out);
	}
	nt_run_free(&r);
}

/* The server's exit status once it ended (waits up to 10 s), -1 if still running. */
static int server_rc(const char *name)
{
	struct nt_run r;
	int rc = -1;

	nt_sh(&r, "for i in $(seq 200); do [ -f %s/%s.rc ] && cat %s/%s.rc && exit 0; "
		  "sleep 0.05; done; exit 1",
	      g.dir, name, g.dir, name);
	if (r.status == 0)
		rc = atoi(r.out);
	nt_run_free(&r);
	return rc;
}

static void stop_server(const char *name)
{
	nt_sh_quiet("kill $(cat %s/%s.pid) 2>/dev/null; true", g.dir, name);
	server_rc(name);
}

static double num(struct json_object *o, const char *path)
{
	char buf[160], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		o = nt_get(o, k);
		if (!o)
			fail_msg("no member %s (in %s)", k, path);
	}
	if (!json_object_is_type(o, json_type_double) && !json_object_is_type(o, json_type_int))
		fail_msg("%s is not a number", path);
	return json_object_get_double(o);
}

static struct json_object *parse(struct nt_run *r, const char *what)
{
	struct json_object *doc = json_tokener_parse(r->out);

	if (!doc)
		fail_msg("%s: stdout is not JSON (exit %d, stderr %s):\n%.2000s", what, r->status,
			 r->err, r->out);
	return doc;
}

static void check_end_cpu(struct json_object *doc, const char *end)
{
	static const char *const split[] = {"user", "system", "softirq", "irq"};
	char path[96];
	double busy;

	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++) {
		snprintf(path, sizeof(path), "cpu.%s.%s", end, split[i]);
		assert_true(num(doc, path) >= 0);
	}
	snprintf(path, sizeof(path), "cpu.%s.busy_cpus", end);
	busy = num(doc, path);
	/* a test that moved data kept some CPU busy, never more than there are */
	assert_true(busy > 0);
	assert_true(busy <= g.ncpus + 1e-9);
	snprintf(path, sizeof(path), "cpu.%s.cpu_s_per_gb", end);
	assert_true(num(doc, path) > 0);
}

static void client_json(void **state)
{
	struct nt_run r;
	struct json_object *doc, *streams, *s0, *ti;

	(void)state;
	NT_SKIP_IF(g.skip);
	start_server("once", g.port, "--once");
	nt_sh(&r, "%s bench client 198.18.0.2 -n %s -p %u -t 1 -j", g.cli, g.nc, g.port);
	if (r.status != 0)
		fail_msg("client -j exited %d: %s", r.status, r.err);
	doc = parse(&r, "client -j");
	assert_string_equal(nt_get_str(doc, "schema"), "vxoff-bench/1");
	assert_true(num(doc, "throughput_bps") > 0);
	assert_true(num(doc, "bytes_received") > 0);
	/* TCP: every byte sent over the whole test was received, as both ends counted */
	assert_true(num(doc, "total_sent") == num(doc, "total_received"));
	assert_true(num(doc, "total_received") >= num(doc, "bytes_received"));
	/* the throughput is the bytes over the window */
	assert_true(fabs(num(doc, "throughput_bps") -
			 num(doc, "bytes_received") * 8 / num(doc, "duration_s")) <=
		    1e-6 * num(doc, "throughput_bps"));
	check_end_cpu(doc, "client");
	check_end_cpu(doc, "server");
	streams = nt_get(doc, "streams");
	assert_non_null(streams);
	assert_int_equal(json_object_array_length(streams), 1);
	s0 = json_object_array_get_idx(streams, 0);
	ti = nt_get(s0, "tcp_info");
	assert_non_null(ti);
	assert_true(json_object_is_type(ti, json_type_object));
	assert_true(num(s0, "tcp_info.rtt_us") > 0);
	assert_true(num(s0, "bytes_received") == num(doc, "bytes_received"));
	assert_non_null(nt_get(doc, "intervals"));
	assert_non_null(nt_get_str(nt_get(doc, "cycles"), "state"));
	json_object_put(doc);
	nt_run_free(&r);
	/* --once: the server ran its one test and exited 0 */
	assert_int_equal(server_rc("once"), 0);
}

static void client_text(void **state)
{
	struct nt_run r;

	(void)state;
	NT_SKIP_IF(g.skip);
	start_server("text", g.port + 1, "--once");
	nt_sh(&r, "%s bench client 198.19.0.2 -n %s -p %u -t 1 -P 2", g.cli, g.nc, g.port + 1);
	if (r.status != 0)
		fail_msg("client exited %d: %s", r.status, r.err);
	assert_true(nt_contains(r.out, "[SUM]"));
	assert_true(nt_contains(r.out, "sender"));
	assert_true(nt_contains(r.out, "receiver"));
	assert_true(nt_contains(r.out, "CPU client:"));
	assert_true(nt_contains(r.out, "CPU server:"));
	assert_true(nt_contains(r.out, "CPU-s/GB"));
	nt_run_free(&r);
	assert_int_equal(server_rc("text"), 0);
}

static void compare_json(void **state)
{
	struct nt_run r;
	struct json_object *doc, *runs;
	double b, c, ratio;

	(void)state;
	NT_SKIP_IF(g.skip);
	/* SERVER_NETNS given: vxoff runs both servers itself */
	nt_sh(&r,
	      "%s bench compare --plain 198.18.0.2,%s --vxlan 198.19.0.2,%s -n %s -r 5 -t 1 -j",
	      g.cli, g.ns, g.ns, g.nc);
	if (r.status != 0)
		fail_msg("compare exited %d: %s", r.status, r.err);
	doc = parse(&r, "compare -j");
	assert_string_equal(nt_get_str(doc, "schema"), "vxoff-bench-compare/1");
	assert_true(num(doc, "pairs") == 5);
	runs = nt_get(doc, "runs");
	assert_non_null(runs);
	assert_int_equal(json_object_array_length(runs), 5);
	for (size_t i = 0; i < 5; i++) {
		struct json_object *p = json_object_array_get_idx(runs, i);

		assert_true(num(p, "base.throughput_bps") > 0);
		assert_true(num(p, "cand.throughput_bps") > 0);
	}
	assert_true(num(doc, "arms.base.stats.throughput.n") == 5);
	b = num(doc, "arms.base.stats.throughput.median");
	c = num(doc, "arms.cand.stats.throughput.median");
	ratio = num(doc, "ratios.throughput.median_ratio");
	assert_true(b > 0 && c > 0);
	assert_true(fabs(ratio - c / b) <= 1e-6 * ratio);
	assert_true(num(doc, "arms.base.stats.throughput.min") <= b);
	assert_true(num(doc, "arms.base.stats.throughput.max") >= b);
	b = num(doc, "arms.base.stats.cpu_server.median");
	c = num(doc, "arms.cand.stats.cpu_server.median");
	assert_true(fabs(num(doc, "ratios.cpu_server.median_ratio") - c / b) <= 1e-6 * c / b);
	json_object_put(doc);
	nt_run_free(&r);
}

/* examples/bench.c against the same kind of server: it runs and prints both ends' cost. */
static void example(void **state)
{
	const char *ex = getenv("VXOFF_EXAMPLE_BENCH");
	struct nt_run r;

	(void)state;
	NT_SKIP_IF(g.skip);
	if (!ex || access(ex, X_OK) != 0) {
		print_message("SKIP: VXOFF_EXAMPLE_BENCH does not name examples/bench\n");
		skip();
	}
	/* the example has no port option: its server listens on the default port (in the
	 * test's own namespace) */
	start_server("example", 5301, "--once");
	nt_sh(&r, "%s -n %s 198.18.0.2 1", ex, g.nc);
	if (r.status != 0)
		fail_msg("examples/bench exited %d: %s", r.status, r.err);
	assert_true(nt_contains(r.out, "Gbit/s"));
	assert_true(nt_contains(r.out, "client: "));
	assert_true(nt_contains(r.out, "server: "));
	assert_true(nt_contains(r.out, "CPU-s/GB"));
	nt_run_free(&r);
	assert_int_equal(server_rc("example"), 0);
}

/* Exit non-zero, and the message names the input. */
static void refused(const char *args, const char *named)
{
	struct nt_run r;

	nt_sh(&r, "%s bench %s", g.cli, args);
	if (r.status == 0 || !nt_contains(r.err, named))
		fail_msg("vxoff bench %s: exit %d, stderr '%s' (expected non-zero naming '%s')",
			 args, r.status, r.err, named);
	nt_run_free(&r);
}

static void bad_input(void **state)
{
	char args[256];

	(void)state;
	NT_SKIP_IF(g.skip);
	refused("client 198.18.0.2 -P 129", "129");
	refused("client 198.18.0.2 -b 10X", "10X");
	refused("client 198.18.0.2 -t abc", "abc");
	refused("client", "HOST");
	refused("compare --plain 198.18.0.2 --vxlan 198.19.0.2 -r 3", "'3'");
	refused("compare --vxlan 198.19.0.2", "--plain");
	refused("frobnicate", "frobnicate");
	/* the congestion control is checked by the kernels: a live server answers */
	start_server("cc", g.port + 2, "");
	snprintf(args, sizeof(args), "client 198.18.0.2 -n %s -p %u -t 1 -C nosuchcc", g.nc,
		 g.port + 2);
	refused(args, "nosuchcc");
	stop_server("cc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_json),
		cmocka_unit_test(client_text),
		cmocka_unit_test(compare_json),
		cmocka_unit_test(example),
		cmocka_unit_test(bad_input),
	};
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = cmocka_run_group_tests_name("integration.bench_cli", tests, group_setup,
					     group_teardown);
	return nt_exit_status(failed, g.skip);
}
