/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff bench: throughput and CPU cost per byte on both ends, plain vs VXLAN.
 *
 *   server   serve tests (vxoff_bench_server_*) until stopped, or one with --once
 *   client   run one test (vxoff_bench_run) and print iperf3-like interval lines, then the
 *            totals with both ends' CPU; -j prints the result's JSON instead
 *   compare  run the interleaved plain-vs-VXLAN comparison (vxoff_bench_compare) and print a
 *            table of medians, ranges, intervals and ratios, or its JSON
 *
 * Live interval lines: printed in text mode whether or not stdout is a terminal (as iperf3
 * does), each flushed as it comes, so a pipe or a log sees them live too; -j prints nothing
 * until the final JSON, which stays one parseable document.
 *
 * Only presentation lives here: every figure comes from the library's accessors. The command
 * line is checked for syntax and the header's limits (streams, durations, lengths); what the
 * peer or the kernel refuses (a congestion control, a busy server) is the library's message.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vxoff/bench.h>

#include "cli.h"

#define SYN_SERVER "vxoff bench server [-n NETNS] [-B ADDR] [-p PORT] [--once] [-v]"
#define SYN_CLIENT                                                                             \
	"vxoff bench client HOST [-n NETNS] [-p PORT] [-t SEC] [-O SEC] [-P N] [-u] [-b RATE]" \
	" [-l LEN] [-R] [-A CPUS] [-C CC] [-Z] [-i SEC] [-w SIZE] [--fixed-rate]"               \
	" [--server-cpus CPUS] [-j] [--pretty]"
#define SYN_COMPARE                                                                            \
	"vxoff bench compare --plain HOST[,SERVER_NETNS] --vxlan HOST[,SERVER_NETNS]"          \
	" [-n CLIENT_NETNS] [-r REPEATS] [-t SEC] [-O SEC] [-P N] [-u] [-b RATE] [-l LEN]"     \
	" [-R] [-A CPUS] [-C CC] [-Z] [-w SIZE] [-p PORT] [--pause MS] [--seed N] [-j]"        \
	" [--pretty]"
#define SYN_ALL SYN_SERVER "\n       " SYN_CLIENT "\n       " SYN_COMPARE

/* ---- value parsers: each error names the option and the input ---- */

static int bad(const char *syn, const char *cmd, const char *opt, const char *val,
	       const char *what)
{
	cli_usage_error(syn, "bench %s: %s '%s': %s", cmd, opt, val, what);
	return -EINVAL;
}

/* A decimal number followed by an optional suffix; the rest of the string must be empty. */
static int number(const char *s, double *v, char *suffix)
{
	char *end;

	errno = 0;
	if (!s || !*s)
		return -EINVAL;
	*v = strtod(s, &end);
	if (errno || end == s || !isfinite(*v) || *v < 0)
		return -EINVAL;
	*suffix = *end;
	if (*end && end[1])
		return -EINVAL;
	return 0;
}

/* Seconds with a fraction ("2", "0.5") into milliseconds, in [lo_ms, hi_ms]. */
static int parse_seconds(const char *syn, const char *cmd, const char *opt, const char *s,
			 uint32_t lo_ms, uint32_t hi_ms, uint32_t *ms)
{
	double v;
	char suf;
	char what[96];

	snprintf(what, sizeof(what), "not a number of seconds from %g to %g", lo_ms / 1000.0,
		 hi_ms / 1000.0);
	if (number(s, &v, &suf) < 0 || suf || v * 1000 < lo_ms || v * 1000 > hi_ms)
		return bad(syn, cmd, opt, s, what);
	*ms = (uint32_t)(v * 1000 + 0.5);
	return 0;
}

/* A bit rate: K, M, G = 10^3, 10^6, 10^9 (as iperf3's -b). */
static int parse_rate(const char *syn, const char *cmd, const char *opt, const char *s,
		      uint64_t *bps)
{
	double v, mult = 1;
	char suf;

	if (number(s, &v, &suf) < 0)
		return bad(syn, cmd, opt, s, "not a rate (bit/s, with an optional K, M or G)");
	switch (suf) {
	case 0:
		break;
	case 'k':
	case 'K':
		mult = 1e3;
		break;
	case 'm':
	case 'M':
		mult = 1e6;
		break;
	case 'g':
	case 'G':
		mult = 1e9;
		break;
	default:
		return bad(syn, cmd, opt, s, "not a rate (bit/s, with an optional K, M or G)");
	}
	if (v * mult >= 1.8e19)
		return bad(syn, cmd, opt, s, "rate too high");
	*bps = (uint64_t)(v * mult + 0.5);
	return 0;
}

/* A size in bytes: K, M, G = 2^10, 2^20, 2^30 (as iperf3's -l), in [lo, hi]. */
static int parse_size(const char *syn, const char *cmd, const char *opt, const char *s,
		      uint32_t lo, uint32_t hi, uint32_t *ret)
{
	double v, mult = 1;
	char suf, what[96];

	snprintf(what, sizeof(what), "not a size from %u to %u bytes (K, M, G: 1024-based)", lo,
		 hi);
	if (number(s, &v, &suf) < 0)
		return bad(syn, cmd, opt, s, what);
	switch (suf) {
	case 0:
		break;
	case 'k':
	case 'K':
		mult = 1024;
		break;
	case 'm':
	case 'M':
		mult = 1024 * 1024;
		break;
	case 'g':
	case 'G':
		mult = 1024.0 * 1024 * 1024;
		break;
	default:
		return bad(syn, cmd, opt, s, what);
	}
	v *= mult;
	if (v < lo || v > hi || v != (double)(uint64_t)v)
		return bad(syn, cmd, opt, s, what);
	*ret = (uint32_t)v;
	return 0;
}

static int parse_uint(const char *syn, const char *cmd, const char *opt, const char *s,
		      uint32_t lo, uint32_t hi, uint32_t *ret)
{
	char *end, what[64];
	unsigned long long v;

	snprintf(what, sizeof(what), "must be a whole number from %u to %u", lo, hi);
	errno = 0;
	if (!s || !*s || *s == '-')
		return bad(syn, cmd, opt, s ? s : "", what);
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return bad(syn, cmd, opt, s, what);
	*ret = (uint32_t)v;
	return 0;
}

/* ---- units ---- */

/* "2.31 GBytes" (1024-based, as iperf3) */
static void fmt_bytes(char *buf, size_t n, double b)
{
	static const char *const u[] = {"Bytes", "KBytes", "MBytes", "GBytes", "TBytes"};
	int i = 0;

	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, n, "%.*f %s", b < 10 ? 2 : b < 100 ? 1 : 0, b, u[i]);
}

/* "19.8 Gbits/sec" (1000-based) */
static void fmt_bits(char *buf, size_t n, double bps)
{
	static const char *const u[] = {"bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec",
					"Tbits/sec"};
	int i = 0;

	while (bps >= 1000 && i < 4) {
		bps /= 1000;
		i++;
	}
	snprintf(buf, n, "%.*f %s", bps < 10 ? 2 : bps < 100 ? 1 : 0, bps, u[i]);
}

/* ---- signals: a stop request that the running call notices ---- */

static volatile sig_atomic_t stop_requested;
static struct vxoff_bench_server *running_server;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (running_server)
		vxoff_bench_server_stop(running_server); /* an eventfd write: async-signal-safe */
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void print_json_text(const char *txt)
{
	fputs(txt, stdout);
	putchar('\n');
}

/* ---- server ---- */

static void server_log(void *user, uint32_t level, const char *msg)
{
	(void)user;
	(void)level;
	fprintf(stderr, "vxoff bench server: %s\n", msg);
}

static int cmd_server(int argc, char **argv, const char *netns)
{
	static const struct option opts[] = {
		{"netns", required_argument, NULL, 'n'}, {"bind", required_argument, NULL, 'B'},
		{"port", required_argument, NULL, 'p'},	 {"once", no_argument, NULL, '1'},
		{"verbose", no_argument, NULL, 'v'},	 {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	VXOFF_OPTS(vxoff_bench_server_opts, so, .log = server_log);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	struct vxoff_ctx *ctx;
	struct vxoff_bench_server *srv = NULL;
	int c, r;

	optind = 0;
	opterr = 0; /* getopt would name the program, not "vxoff bench ..." */
	while ((c = getopt_long(argc, argv, ":n:B:p:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'B':
			so.bind = optarg;
			break;
		case 'p':
			if (parse_uint(SYN_SERVER, "server", "-p", optarg, 1, 65535, &so.port) < 0)
				return CLI_EXIT_USAGE;
			break;
		case '1':
			so.flags |= VXOFF_BENCH_SERVER_F_ONCE;
			break;
		case 'v':
			so.log_level = VXOFF_LOG_DEBUG;
			break;
		case 'h':
			printf("Usage: %s\n\n"
			       "Serve vxoff bench tests, one at a time, until SIGINT or SIGTERM.\n"
			       "  -n NETNS   listen in network namespace NETNS\n"
			       "  -B ADDR    bind to this numeric address (default: all)\n"
			       "  -p PORT    port (default %u)\n"
			       "  --once     serve one test, then exit (its status: 0 served)\n"
			       "  -v         log every step, not only one line per test\n",
			       SYN_SERVER, VXOFF_BENCH_DEFAULT_PORT);
			return cli_finish_output(CLI_EXIT_OK);
		default: /* ':' an argument missing, '?' an unknown option */
			return cli_getopt_error(SYN_SERVER, "bench server", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(SYN_SERVER, "bench server: unexpected argument '%s'",
				       argv[optind]);
	ctx = cli_ctx_new(netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	r = vxoff_bench_server_new(ctx, &so, &srv);
	if (r < 0) {
		r = cli_error(ctx, r);
		vxoff_ctx_free(ctx);
		return r;
	}
	vxoff_ctx_free(ctx); /* the server keeps its own sockets */
	vxoff_bench_server_stats(srv, &st);
	printf("vxoff bench server listening on %s port %u%s\n",
	       so.bind ? so.bind : "every address", st.port,
	       so.flags & VXOFF_BENCH_SERVER_F_ONCE ? " for one test" : "");
	fflush(stdout);
	running_server = srv;
	catch_signals();
	r = vxoff_bench_server_run(srv);
	running_server = NULL;
	vxoff_bench_server_stats(srv, &st);
	vxoff_bench_server_free(srv);
	if (r < 0)
		return cli_errno("bench server", r);
	/* --once: the one test must have run to the end */
	if ((so.flags & VXOFF_BENCH_SERVER_F_ONCE) && !st.tests && !stop_requested) {
		fputs("vxoff: bench server: the test did not complete\n", stderr);
		return cli_finish_output(CLI_EXIT_FAIL);
	}
	return cli_finish_output(CLI_EXIT_OK);
}

/* ---- the test options shared by client and compare ---- */

struct test_args {
	struct vxoff_bench_opts o;
	bool json, pretty;
};

/* One test option; 1 = not one of them, 0 = taken, <0 = bad value (printed). */
static int test_option(int c, const char *syn, const char *cmd, struct test_args *t)
{
	struct vxoff_bench_opts *o = &t->o;
	uint32_t v;

	switch (c) {
	case 't':
		return parse_seconds(syn, cmd, "-t", optarg, 1, VXOFF_BENCH_MAX_DURATION_MS,
				     &o->duration_ms);
	case 'O':
		return parse_seconds(syn, cmd, "-O", optarg, 0, VXOFF_BENCH_MAX_OMIT_MS,
				     &o->omit_ms);
	case 'i':
		return parse_seconds(syn, cmd, "-i", optarg, 100, 60000, &o->interval_ms);
	case 'P':
		return parse_uint(syn, cmd, "-P", optarg, 1, VXOFF_BENCH_MAX_STREAMS, &o->streams);
	case 'u':
		o->flags |= VXOFF_BENCH_F_UDP;
		return 0;
	case 'b':
		return parse_rate(syn, cmd, "-b", optarg, &o->rate_bps);
	case 'l':
		return parse_size(syn, cmd, "-l", optarg, 1, VXOFF_BENCH_MAX_LEN, &o->len);
	case 'w':
		if (parse_size(syn, cmd, "-w", optarg, 1, VXOFF_BENCH_MAX_SOCKBUF, &v) < 0)
			return -EINVAL;
		o->sndbuf = o->rcvbuf = v;
		return 0;
	case 'R':
		o->flags |= VXOFF_BENCH_F_REVERSE;
		return 0;
	case 'Z':
		o->flags |= VXOFF_BENCH_F_ZEROCOPY;
		return 0;
	case 'F':
		o->flags |= VXOFF_BENCH_F_FIXED_RATE;
		return 0;
	case 'N':
		o->flags |= VXOFF_BENCH_F_NO_CONDITIONS;
		return 0;
	case 'A':
		o->cpus = optarg;
		return 0;
	case 'S':
		o->server_cpus = optarg;
		return 0;
	case 'C':
		/* the congestion control's name is checked by both ends' kernels */
		if (!*optarg || strlen(optarg) >= 16)
			return bad(syn, cmd, "-C", optarg, "not a congestion control name");
		o->congestion = optarg;
		return 0;
	case 'j':
		t->json = true;
		return 0;
	case 'J':
		t->json = t->pretty = true;
		return 0;
	default:
		return 1;
	}
}

#define TEST_LONGOPTS                                                                          \
	{"time", required_argument, NULL, 't'}, {"omit", required_argument, NULL, 'O'},        \
		{"interval", required_argument, NULL, 'i'},                                    \
		{"parallel", required_argument, NULL, 'P'}, {"udp", no_argument, NULL, 'u'},   \
		{"bitrate", required_argument, NULL, 'b'},                                     \
		{"length", required_argument, NULL, 'l'},                                      \
		{"window", required_argument, NULL, 'w'}, {"reverse", no_argument, NULL, 'R'}, \
		{"zerocopy", no_argument, NULL, 'Z'}, {"fixed-rate", no_argument, NULL, 'F'},  \
		{"no-conditions", no_argument, NULL, 'N'},                                     \
		{"affinity", required_argument, NULL, 'A'},                                    \
		{"server-cpus", required_argument, NULL, 'S'},                                 \
		{"congestion", required_argument, NULL, 'C'}, {"json", no_argument, NULL, 'j'}, \
		{"pretty", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}
#define TEST_SHORTOPTS "t:O:i:P:ub:l:w:RZA:C:j"

static const char TEST_HELP[] =
	"  -t SEC      measured time after the warm-up (default 10)\n"
	"  -O SEC      warm-up, excluded from every figure, CPU included (default 0)\n"
	"  -P N        parallel streams, 1-128 (default 1)\n"
	"  -u          UDP (with -b: at that rate; without: as fast as it goes)\n"
	"  -b RATE     target bit rate, K/M/G = 10^3/10^6/10^9 (UDP, or TCP with --fixed-rate)\n"
	"  -l LEN      block (TCP) or datagram payload (UDP) size, K/M = 1024-based\n"
	"  -w SIZE     socket buffer size on both ends (default: kernel autotuning)\n"
	"  -R          reverse: the server sends\n"
	"  -A CPUS     pin the client's stream threads (cpulist, one CPU per stream, cycling)\n"
	"  --server-cpus CPUS  the same on the server\n"
	"  -C CC       TCP congestion control on both ends\n"
	"  -Z          MSG_ZEROCOPY on send where the kernel allows it\n"
	"  --fixed-rate  pace TCP to -b (compare CPU cost at equal throughput)\n"
	"  --no-conditions  do not probe the devices used for the reproducibility record\n"
	"  -j          print JSON (docs/bench-json.md); --pretty indents it\n"
	"\n"
	"Exit status: 0 done, 1 the test failed (the reason is printed), 2 bad usage.\n";

/* ---- client ---- */

struct live {
	bool json;
	bool header;
	bool udp;
	uint32_t streams;
};

static void interval_header(void)
{
	printf("[ ID] %-15s %12s %16s %6s %9s %10s %11s\n", "Interval", "Transfer", "Bitrate",
	       "Retr", "RTT", "Cwnd", "Client CPU");
}

static void print_interval(const struct vxoff_bench_interval *iv, bool sum, bool udp)
{
	char b[32], r[32], id[8];

	fmt_bytes(b, sizeof(b), (double)iv->bytes);
	fmt_bits(r, sizeof(r), iv->throughput_bps);
	if (sum)
		snprintf(id, sizeof(id), "SUM");
	else
		snprintf(id, sizeof(id), "%3u", iv->stream);
	printf("[%s] %6.2f-%-6.2f sec %12s %16s", id, iv->start_ns / 1e9, iv->end_ns / 1e9, b, r);
	/* UDP has no retransmits, RTT or window */
	if (udp)
		printf(" %6s", "");
	else
		printf(" %6llu", (unsigned long long)iv->retransmits);
	if (iv->rtt_us)
		printf(" %6u us %10u", iv->rtt_us, iv->snd_cwnd);
	else
		printf(" %9s %10s", "-", "-");
	if (sum || iv->stream == 0)
		printf(" %6.2f CPUs", iv->client_busy_cpus);
	puts(iv->omitted ? "  (omitted)" : "");
}

static int on_interval(void *user, const struct vxoff_bench_interval *iv)
{
	struct live *l = user;

	if (stop_requested)
		return 1;
	if (l->json)
		return 0;
	if (!l->header) {
		interval_header();
		l->header = true;
	}
	/* one stream: its own line; several: each, then the sum */
	if (iv->stream == VXOFF_BENCH_ALL_STREAMS) {
		if (l->streams > 1)
			print_interval(iv, true, l->udp);
	} else {
		print_interval(iv, false, l->udp);
	}
	fflush(stdout);
	return 0;
}

static void print_cpu(const struct vxoff_bench_result *res, uint32_t end, const char *name)
{
	VXOFF_OUT(vxoff_bench_cpu, c);

	if (vxoff_bench_result_cpu(res, end, -1, &c) < 0) {
		printf("CPU %s: no figures from that end\n", name);
		return;
	}
	printf("CPU %s: %.2f of %u CPUs busy (user %.2f s, system %.2f s, softirq %.2f s, "
	       "irq %.2f s), hottest CPU %d at %.0f %%, %.3f CPU-s/GB; test process user %.2f s, "
	       "system %.2f s\n",
	       name, c.busy_cpus, c.ncpus, c.user_us / 1e6, c.system_us / 1e6, c.softirq_us / 1e6,
	       c.irq_us / 1e6, c.hottest_cpu, c.hottest_busy * 100, c.cpu_s_per_gb,
	       c.proc_user_us / 1e6, c.proc_system_us / 1e6);
}

static void print_summary(const struct vxoff_bench_result *res)
{
	VXOFF_OUT(vxoff_bench_summary, s);
	uint32_t n = vxoff_bench_result_stream_count(res);
	double from, to;
	char b[32], r[32], retr[24];
	bool udp;

	if (vxoff_bench_result_summary(res, &s) < 0)
		return;
	udp = s.flags & VXOFF_BENCH_F_UDP;
	from = s.omit_ns / 1e9;
	to = from + s.duration_ns / 1e9;
	puts("- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -");
	printf("[ ID] %-15s %12s %16s %6s\n", "Interval", "Transfer", "Bitrate", "Retr");
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_bench_stream, st);

		if (vxoff_bench_result_stream(res, i, &st) < 0)
			continue;
		fmt_bytes(b, sizeof(b), (double)st.bytes_sent);
		fmt_bits(r, sizeof(r), s.duration_ns ? st.bytes_sent * 8e9 / s.duration_ns : 0);
		snprintf(retr, sizeof(retr), "%llu", (unsigned long long)st.retransmits);
		printf("[%3u] %6.2f-%-6.2f sec %12s %16s %6s  sender\n", st.id, from, to, b, r,
		       udp ? "" : retr);
		fmt_bytes(b, sizeof(b), (double)st.bytes_received);
		fmt_bits(r, sizeof(r), st.throughput_bps);
		printf("[%3u] %6.2f-%-6.2f sec %12s %16s %6s  receiver\n", st.id, from, to, b, r,
		       "");
	}
	if (n > 1) {
		fmt_bytes(b, sizeof(b), (double)s.bytes_received);
		fmt_bits(r, sizeof(r), s.throughput_bps);
		snprintf(retr, sizeof(retr), "%llu", (unsigned long long)s.retransmits);
		printf("[SUM] %6.2f-%-6.2f sec %12s %16s %6s  receiver\n", from, to, b, r,
		       udp ? "" : retr);
	}
	if (udp)
		printf("UDP: %llu datagrams, %llu lost (%.3f %%), %llu out of order, jitter %.3f "
		       "ms\n",
		       (unsigned long long)s.udp_packets, (unsigned long long)s.udp_lost,
		       s.udp_packets + s.udp_lost
			       ? 100.0 * s.udp_lost / (double)(s.udp_packets + s.udp_lost)
			       : 0,
		       (unsigned long long)s.udp_out_of_order, s.udp_jitter_ms);
	print_cpu(res, VXOFF_BENCH_END_CLIENT, "client");
	print_cpu(res, VXOFF_BENCH_END_SERVER, "server");
	if (s.cycles_state == VXOFF_CAP_YES)
		printf("Cycles per byte: %.3f (PMU, both ends)\n", s.cycles_per_byte);
	else if (s.cycles_state == VXOFF_CAP_NO)
		printf("Cycles per byte: unavailable (perf_event_open: %s)\n",
		       s.cycles_err ? strerror(-s.cycles_err) : "no PMU");
	else
		puts("Cycles per byte: unknown");
	if (!(s.flags & VXOFF_BENCH_F_UDP))
		printf("Congestion control: client %s, server %s\n",
		       s.congestion[0] ? s.congestion : "?",
		       s.server_congestion[0] ? s.server_congestion : "?");
	if (s.flags & VXOFF_BENCH_R_CPU_NOISY)
		puts("Note: the window is under 1 s or 100 ticks: CPU figures are coarse");
	if (s.flags & VXOFF_BENCH_R_ZEROCOPY_OFF)
		puts("Note: zerocopy was asked for and the kernel refused it");
}

/* The library's message; for an unknown congestion control, make sure its name is there. */
static int run_error(struct vxoff_ctx *ctx, int err, const struct vxoff_bench_opts *o)
{
	VXOFF_OUT(vxoff_error, e);

	if (err == -ECANCELED && stop_requested) {
		fputs("vxoff: bench: interrupted\n", stderr);
		return CLI_EXIT_FAIL;
	}
	cli_error(ctx, err);
	if (err == -ENOENT && o->congestion && vxoff_ctx_last_error(ctx, &e) == 0 &&
	    (!e.msg || !strstr(e.msg, o->congestion)))
		fprintf(stderr, "vxoff: congestion control '%s' is not available\n",
			o->congestion);
	return CLI_EXIT_FAIL;
}

static int cmd_client(int argc, char **argv, const char *netns)
{
	static const struct option opts[] = {
		TEST_LONGOPTS,
		{"netns", required_argument, NULL, 'n'},
		{"port", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	struct test_args t = {.o = {.sz = sizeof(struct vxoff_bench_opts)}};
	struct live live = {0};
	struct vxoff_ctx *ctx;
	struct vxoff_bench_result *res = NULL;
	const char *host;
	int c, r;

	optind = 0;
	opterr = 0; /* getopt would name the program, not "vxoff bench ..." */
	while ((c = getopt_long(argc, argv, ":" TEST_SHORTOPTS "n:p:h", opts, NULL)) != -1) {
		r = test_option(c, SYN_CLIENT, "client", &t);
		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r == 0)
			continue;
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'p':
			if (parse_uint(SYN_CLIENT, "client", "-p", optarg, 1, 65535, &t.o.port) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			printf("Usage: %s\n\nRun one test against a vxoff bench server at HOST.\n"
			       "Without -j, a line per interval as it ends (on a terminal or not),\n"
			       "then the totals and both ends' CPU.\n"
			       "  -n NETNS    run the client in network namespace NETNS\n"
			       "  -p PORT     server port (default %u)\n"
			       "  -i SEC      interval report period, 0.1-60 (default 1)\n%s",
			       SYN_CLIENT, VXOFF_BENCH_DEFAULT_PORT, TEST_HELP);
			return cli_finish_output(CLI_EXIT_OK);
		default: /* ':' an argument missing, '?' an unknown option */
			return cli_getopt_error(SYN_CLIENT, "bench client", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(SYN_CLIENT, "bench client: the server's address (HOST) "
						   "is missing");
	host = argv[optind];
	if (optind + 1 < argc)
		return cli_usage_error(SYN_CLIENT, "bench client: unexpected argument '%s'",
				       argv[optind + 1]);
	t.o.host = host;
	live.json = t.json;
	live.streams = t.o.streams ? t.o.streams : 1;
	live.udp = t.o.flags & VXOFF_BENCH_F_UDP;
	ctx = cli_ctx_new(netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	catch_signals();
	if (!t.json) {
		printf("Connecting to host %s, port %u\n", host,
		       t.o.port ? t.o.port : VXOFF_BENCH_DEFAULT_PORT);
		fflush(stdout);
	}
	r = vxoff_bench_run(ctx, &t.o, on_interval, &live, &res);
	if (r < 0) {
		r = run_error(ctx, r, &t.o);
		vxoff_ctx_free(ctx);
		return cli_finish_output(r);
	}
	if (t.json) {
		char *txt = NULL;

		r = vxoff_bench_result_json(res, t.pretty ? VXOFF_JSON_PRETTY : 0, &txt);
		if (r < 0)
			r = cli_errno("building the JSON", r);
		else
			print_json_text(txt);
		vxoff_free(txt);
	} else {
		print_summary(res);
		r = 0;
	}
	vxoff_bench_result_free(res);
	vxoff_ctx_free(ctx);
	return cli_finish_output(r < 0 ? CLI_EXIT_FAIL : r);
}

/* ---- compare ---- */

/* "HOST[,SERVER_NETNS]" into a path; the copy holds both strings. */
static int parse_path(const char *opt, const char *arg, const char *name, char **copy,
		      struct vxoff_bench_path *p)
{
	char *comma;

	if (!*arg || *arg == ',')
		return bad(SYN_COMPARE, "compare", opt, arg, "HOST[,SERVER_NETNS] names no host");
	*copy = strdup(arg);
	if (!*copy)
		return -ENOMEM;
	p->sz = sizeof(*p);
	p->name = name;
	p->host = *copy;
	comma = strchr(*copy, ',');
	if (comma) {
		*comma = '\0';
		if (!comma[1] || strchr(comma + 1, ','))
			return bad(SYN_COMPARE, "compare", opt, arg,
				   "expected HOST or HOST,SERVER_NETNS");
		/* a namespace named: vxoff runs the server there itself */
		p->server_netns = comma + 1;
		p->flags |= VXOFF_BENCH_PATH_F_START_SERVER;
	}
	return 0;
}

static int on_run(void *user, uint32_t pair, uint32_t arm, const struct vxoff_bench_result *res)
{
	const struct vxoff_bench_compare_opts *o = user;
	const struct vxoff_bench_path *p = arm == VXOFF_BENCH_ARM_BASE ? o->base : o->cand;
	VXOFF_OUT(vxoff_bench_summary, s);
	VXOFF_OUT(vxoff_bench_cpu, cc);
	VXOFF_OUT(vxoff_bench_cpu, sc);
	char r[32];

	if (stop_requested)
		return 1;
	vxoff_bench_result_summary(res, &s);
	fmt_bits(r, sizeof(r), s.throughput_bps);
	fprintf(stderr, "pair %u/%u %-6s %s", pair + 1, o->pairs, p->name, r);
	if (vxoff_bench_result_cpu(res, VXOFF_BENCH_END_CLIENT, -1, &cc) == 0)
		fprintf(stderr, ", client %.3f CPU-s/GB", cc.cpu_s_per_gb);
	if (vxoff_bench_result_cpu(res, VXOFF_BENCH_END_SERVER, -1, &sc) == 0)
		fprintf(stderr, ", server %.3f CPU-s/GB", sc.cpu_s_per_gb);
	fputc('\n', stderr);
	return 0;
}

struct metric_row {
	uint32_t metric;
	const char *label;
	double scale; /* displayed = value / scale */
	int prec;     /* decimals shown */
};

static const struct metric_row rows[] = {
	{VXOFF_BENCH_M_THROUGHPUT, "throughput Gbit/s", 1e9, 3},
	{VXOFF_BENCH_M_CPU_CLIENT, "client CPU-s/GB", 1, 3},
	{VXOFF_BENCH_M_CPU_SERVER, "server CPU-s/GB", 1, 3},
	{VXOFF_BENCH_M_RETRANSMITS, "retransmits", 1, 1},
	{VXOFF_BENCH_M_HOTTEST_CLIENT, "client hottest CPU %", 0.01, 1},
	{VXOFF_BENCH_M_HOTTEST_SERVER, "server hottest CPU %", 0.01, 1},
};

static void print_table(const struct vxoff_bench_comparison *cmp, const char *bname,
			const char *cname)
{
	printf("%u interleaved pairs; median [min - max], 95 %% interval of the mean; ratio "
	       "%s/%s\n",
	       vxoff_bench_comparison_pairs(cmp), cname, bname);
	printf("%-20s %-7s %10s  %-23s  %-23s\n", "Metric", "Arm", "Median", "Min - Max",
	       "95 % interval");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct metric_row *m = &rows[i];
		VXOFF_OUT(vxoff_stat, b);
		VXOFF_OUT(vxoff_stat, c);
		VXOFF_OUT(vxoff_stat, q);
		bool hb, hc;

		hb = vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_BASE, m->metric, &b) == 0;
		hc = vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_CAND, m->metric, &c) == 0;
		for (int a = 0; a < 2; a++) {
			const struct vxoff_stat *s = a ? &c : &b;
			char range[32], ci[32];

			printf("%-20s %-7s ", a ? "" : m->label, a ? cname : bname);
			if (!(a ? hc : hb)) {
				puts("         -  (no figures)");
				continue;
			}
			snprintf(range, sizeof(range), "%.*f - %.*f", m->prec, s->min / m->scale,
				 m->prec, s->max / m->scale);
			snprintf(ci, sizeof(ci), "%.*f - %.*f", m->prec, s->ci_low / m->scale,
				 m->prec, s->ci_high / m->scale);
			printf("%10.*f  %-23s  %-23s\n", m->prec, s->median / m->scale, range, ci);
		}
		printf("%-20s %-7s ", "", "ratio");
		if (hb && hc && b.median > 0)
			printf("%10.3f  (of the medians)", c.median / b.median);
		else
			printf("%10s  (of the medians)", "-");
		if (vxoff_bench_comparison_ratio(cmp, m->metric, &q) == 0)
			printf("; paired: geometric mean %.3f, 95 %% interval %.3f - %.3f\n",
			       q.mean, q.ci_low, q.ci_high);
		else
			puts("; paired: none (a value is 0 or missing)");
	}
}

static int cmd_compare(int argc, char **argv, const char *netns)
{
	static const struct option opts[] = {
		TEST_LONGOPTS,
		{"netns", required_argument, NULL, 'n'},
		{"port", required_argument, NULL, 'p'},
		{"plain", required_argument, NULL, 'a'},
		{"vxlan", required_argument, NULL, 'x'},
		{"repeats", required_argument, NULL, 'r'},
		{"pause", required_argument, NULL, 'm'},
		{"seed", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct test_args t = {.o = {.sz = sizeof(struct vxoff_bench_opts)}};
	VXOFF_OPTS(vxoff_bench_path, base, .name = "plain");
	VXOFF_OPTS(vxoff_bench_path, cand, .name = "vxlan");
	VXOFF_OPTS(vxoff_bench_compare_opts, co, .test = &t.o, .base = &base, .cand = &cand);
	const char *plain = NULL, *vxlan = NULL;
	char *bcopy = NULL, *ccopy = NULL;
	struct vxoff_bench_comparison *cmp = NULL;
	struct vxoff_ctx *ctx = NULL;
	uint32_t port = 0;
	int c, r, rc = CLI_EXIT_USAGE;

	optind = 0;
	opterr = 0; /* getopt would name the program, not "vxoff bench ..." */
	while ((c = getopt_long(argc, argv, ":" TEST_SHORTOPTS "n:p:r:h", opts, NULL)) != -1) {
		r = test_option(c, SYN_COMPARE, "compare", &t);
		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r == 0)
			continue;
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'p':
			if (parse_uint(SYN_COMPARE, "compare", "-p", optarg, 1, 65535, &port) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'a':
			plain = optarg;
			break;
		case 'x':
			vxlan = optarg;
			break;
		case 'r':
			/* the library's minimum: fewer pairs give no usable interval */
			r = parse_uint(SYN_COMPARE, "compare", "-r", optarg, 5, 1000, &co.pairs);
			if (r < 0)
				return CLI_EXIT_USAGE;
			break;
		case 'm':
			if (parse_uint(SYN_COMPARE, "compare", "--pause", optarg, 0, 600000,
				       &co.pause_ms) < 0)
				return CLI_EXIT_USAGE;
			break;
		case 's': {
			char *end;

			errno = 0;
			co.seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg || *optarg == '-')
				return cli_usage_error(SYN_COMPARE,
						       "bench compare: --seed '%s': not a number",
						       optarg);
			break;
		}
		case 'h':
			printf("Usage: %s\n\n"
			       "Measure the plain path against the VXLAN path in interleaved\n"
			       "pairs (the order swaps from pair to pair) and print, per arm, the\n"
			       "median, min-max and 95 %% interval of throughput and CPU-s/GB of\n"
			       "each end,\n"
			       "and the VXLAN/plain ratios. HOST is the server's address on that\n"
			       "path; with ,SERVER_NETNS vxoff runs that server itself, in that\n"
			       "namespace, on a port the kernel picks.\n"
			       "  -n NETNS    the client's network namespace\n"
			       "  -r N        pairs, at least 5 (default 5)\n"
			       "  -p PORT     port of servers not started here (default %u)\n"
			       "  --pause MS  pause between runs\n"
			       "  --seed N    order of the first pair (default: random)\n%s",
			       SYN_COMPARE, VXOFF_BENCH_DEFAULT_PORT, TEST_HELP);
			return cli_finish_output(CLI_EXIT_OK);
		default: /* ':' an argument missing, '?' an unknown option */
			return cli_getopt_error(SYN_COMPARE, "bench compare", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(SYN_COMPARE, "bench compare: unexpected argument '%s'",
				       argv[optind]);
	if (!plain || !vxlan)
		return cli_usage_error(SYN_COMPARE, "bench compare: --plain and --vxlan are both "
						    "needed");
	if (parse_path("--plain", plain, "plain", &bcopy, &base) < 0 ||
	    parse_path("--vxlan", vxlan, "vxlan", &ccopy, &cand) < 0)
		goto out;
	if (!(base.flags & VXOFF_BENCH_PATH_F_START_SERVER))
		base.port = port;
	if (!(cand.flags & VXOFF_BENCH_PATH_F_START_SERVER))
		cand.port = port;
	if (!co.pairs)
		co.pairs = 5;
	rc = CLI_EXIT_FAIL;
	ctx = cli_ctx_new(netns);
	if (!ctx)
		goto out;
	catch_signals();
	r = vxoff_bench_compare(ctx, &co, on_run, &co, &cmp);
	if (r < 0) {
		rc = run_error(ctx, r, &t.o);
		goto out;
	}
	if (t.json) {
		char *txt = NULL;

		r = vxoff_bench_comparison_json(cmp, t.pretty ? VXOFF_JSON_PRETTY : 0, &txt);
		if (r < 0) {
			rc = cli_errno("building the JSON", r);
			goto out;
		}
		print_json_text(txt);
		vxoff_free(txt);
	} else {
		print_table(cmp, "plain", "vxlan");
	}
	rc = CLI_EXIT_OK;
out:
	vxoff_bench_comparison_free(cmp);
	vxoff_ctx_free(ctx);
	free(bcopy);
	free(ccopy);
	return cli_finish_output(rc);
}

/* ---- dispatch ---- */

int cmd_bench(int argc, char **argv)
{
	const char *sub;

	if (argc < 2)
		return cli_usage_error(SYN_ALL, "bench: server, client or compare is needed");
	sub = argv[1];
	if (!strcmp(sub, "server"))
		return cmd_server(argc - 1, argv + 1, NULL);
	if (!strcmp(sub, "client"))
		return cmd_client(argc - 1, argv + 1, NULL);
	if (!strcmp(sub, "compare"))
		return cmd_compare(argc - 1, argv + 1, NULL);
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		printf("Usage: %s\n\n"
		       "Throughput and CPU cost per byte on both ends (whole-system /proc/stat\n"
		       "over the measured window), plain against VXLAN. 'vxoff bench SUBCOMMAND\n"
		       "--help' describes each.\n",
		       SYN_ALL);
		return cli_finish_output(CLI_EXIT_OK);
	}
	return cli_usage_error(SYN_ALL, "bench: unknown subcommand '%s'", sub);
}
