/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * examples/bench.c - how fast, and at what CPU cost per byte, on both ends?
 *
 *   bench [-n NETNS] HOST [SECONDS]
 *
 * Runs one TCP test (one stream, 2 s warm-up, SECONDS measured, default 5) against a vxoff
 * bench server at HOST (`vxoff bench server`), then prints the throughput and, for each end,
 * the whole system's busy CPU-seconds per GB received over the measured window. Build
 * against the installed library:
 *
 *   cc bench.c $(pkg-config --cflags --libs vxoff) -o bench
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vxoff/vxoff.h>

/* Every failing call leaves its reason in the context: what failed and why. */
static int fail(struct vxoff_ctx *ctx, const char *call, int err)
{
	VXOFF_OUT(vxoff_error, e);

	if (ctx && vxoff_ctx_last_error(ctx, &e) == 0 && e.msg)
		fprintf(stderr, "%s: %s\n", call, e.msg);
	else
		fprintf(stderr, "%s: %s\n", call, strerror(-err));
	return 1;
}

static void print_end(const struct vxoff_bench_result *res, uint32_t end, const char *name)
{
	VXOFF_OUT(vxoff_bench_cpu, c);

	/* -ENODATA: that end sent no CPU figures; say so rather than print a zero */
	if (vxoff_bench_result_cpu(res, end, -1, &c) < 0) {
		printf("  %s: no CPU figures\n", name);
		return;
	}
	printf("  %s: %.3f CPU-s/GB (%.2f of %u CPUs busy; softirq %.2f s, system %.2f s)\n",
	       name, c.cpu_s_per_gb, c.busy_cpus, c.ncpus, c.softirq_us / 1e6,
	       c.system_us / 1e6);
}

int main(int argc, char **argv)
{
	VXOFF_OPTS(vxoff_ctx_opts, co, .netns = NULL);
	VXOFF_OPTS(vxoff_bench_opts, o, .streams = 1, .omit_ms = 2000, .duration_ms = 5000);
	VXOFF_OUT(vxoff_bench_summary, s);
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_bench_result *res = NULL;
	int a = 1, r;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		co.netns = argv[2];
		a = 3;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: %s [-n NETNS] HOST [SECONDS]\n", argv[0]);
		return 2;
	}
	o.host = argv[a];
	if (a + 1 < argc)
		o.duration_ms = (uint32_t)(atof(argv[a + 1]) * 1000);

	r = vxoff_ctx_new(&co, &ctx);
	if (r < 0)
		return fail(NULL, "vxoff_ctx_new", r);
	/* no interval callback: the figures are read from the result afterwards */
	r = vxoff_bench_run(ctx, &o, NULL, NULL, &res);
	if (r < 0) {
		fail(ctx, "vxoff_bench_run", r);
		vxoff_ctx_free(ctx);
		return 1;
	}
	vxoff_bench_result_summary(res, &s);
	printf("%s: %.2f Gbit/s over %.1f s, %llu retransmits\n", o.host, s.throughput_bps / 1e9,
	       s.duration_ns / 1e9, (unsigned long long)s.retransmits);
	print_end(res, VXOFF_BENCH_END_CLIENT, "client");
	print_end(res, VXOFF_BENCH_END_SERVER, "server");

	vxoff_bench_result_free(res);
	vxoff_ctx_free(ctx);
	return 0;
}
