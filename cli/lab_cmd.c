/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff lab: the whole question on this host. Build a testbed, probe it, measure plain
 * against VXLAN, tune, measure again, restore, remove, report. The library does all of it
 * (vxoff_lab_*); here are the options, the progress lines, the table and the signals.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define SYNOPSIS                                                                                  \
	"vxoff lab [--quick] [--mtu N] [--streams N] [--pairs N] [--duration SEC]\n"              \
	"                 [--tune search|profile|none] [--budget SEC] [--allow-mtu] [--profile P]\n" \
	"                 [--no-tune] [--emulate-nic no-tunnel-offload] [--underlay IFACE\n"       \
	"                 --peer-ns NS --peer-addr ADDR] [--out DIR] [--name NAME] [-j]\n"          \
	"       vxoff lab --cleanup [--name NAME]"

static void help(void)
{
	puts("Usage: " SYNOPSIS "\n"
	     "\n"
	     "Answer on this host: what does VXLAN cost against plain traffic, why, and how much\n"
	     "does tuning win back. Builds two network namespaces joined by veth with a VXLAN on\n"
	     "each end (or uses --underlay), probes both ends, measures plain against VXLAN in\n"
	     "interleaved pairs, tunes both ends (by default a measured search that keeps only\n"
	     "the changes whose gain it proves), measures again, restores the tuning, removes\n"
	     "everything and writes report.json, chart.svg and report.html.\n"
	     "\n"
	     "  --quick              short runs (about 30 s in all)\n"
	     "  --mtu N              underlay MTU of the testbed (default 1500)\n"
	     "  --streams N          TCP streams per run (default 1)\n"
	     "  --pairs N            interleaved plain/VXLAN pairs per phase (default 5, 2 quick)\n"
	     "  --duration SEC       measured seconds per run (default 5; 2 with the search;\n"
	     "                       1 quick)\n"
	     "  --omit SEC           warm-up seconds per run (default 1; 0.5 with the search\n"
	     "                       or quick)\n"
	     "  --tune MODE          search (default; with --quick: profile), profile or none\n"
	     "  --budget SEC         time budget of the search (default 90, 30 quick)\n"
	     "  --allow-mtu          the search may try a jumbo MTU on the testbed\n"
	     "  --profile P          single-stream (default), many-flow or latency; implies\n"
	     "                       --tune profile\n"
	     "  --no-tune            measure once, change no knob (= --tune none)\n"
	     "  --emulate-nic no-tunnel-offload\n"
	     "                       tunnel segmentation off on the sending veth\n"
	     "  --underlay IFACE     use this device instead of a veth testbed, with\n"
	     "  --peer-ns NS         the namespace of the other end and\n"
	     "  --peer-addr ADDR     the other end's underlay address\n"
	     "  --cpus LIST          CPUs of the test threads\n"
	     "  --out DIR            report directory (default ./vxoff-report-<time>)\n"
	     "  --name NAME          prefix of what the lab creates (default vxoff-lab)\n"
	     "  --cleanup            remove what a killed run of NAME left behind\n"
	     "  -j, --json           print the report JSON instead of the table\n"
	     "  -q, --no-progress    no progress lines\n"
	     "  -h, --help           this text\n"
	     "\n"
	     "Needs root. SIGINT or SIGTERM stop the run; it restores and removes everything\n"
	     "first. Exit status: 0 done, 1 failed or stopped (the reason is printed), 2 bad usage.");
}

/* The running lab, for the signal handlers: vxoff_lab_stop() is async-signal-safe. */
static struct vxoff_lab *volatile running_lab;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	struct vxoff_lab *lab = running_lab;

	got_signal = sig;
	if (lab)
		vxoff_lab_stop(lab);
}

static int on_progress(void *user, uint32_t step, uint32_t percent, const char *msg)
{
	static const char *const steps[] = { "", "check", "testbed", "probe", "measure",
					     "tune", "remeasure", "restore", "cleanup" };
	bool *quiet = user;

	if (!*quiet) {
		fprintf(stderr, "[%3u%%] %-9s %s\n", percent, step < 9 ? steps[step] : "?", msg);
		fflush(stderr);
	}
	return 0;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || s[0] == '-')
		return -1;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_ms(const char *s, uint32_t *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 3600)
		return -1;
	*ret = (uint32_t)(v * 1000 + 0.5);
	return *ret ? 0 : -1;
}

static void print_table(const struct vxoff_lab_report *rep)
{
	VXOFF_OUT(vxoff_lab_summary, s);
	static const char *const rows[] = { "throughput", "CPU-s/GB client", "CPU-s/GB server" };

	if (vxoff_lab_report_summary(rep, &s) < 0)
		return;
	printf("\nVXLAN/plain, median of the pair ratios (min-max); readiness of the sender: "
	       "%s\n",
	       vxoff_verdict_name(s.verdict));
	printf("%-18s %-24s %-24s %s\n", "", "before tuning", s.phases > 1 ? "after tuning" : "",
	       "aim");
	for (int m = 0; m < 3; m++) {
		const double *med = m == 0 ? s.tput_ratio : m == 1 ? s.cpu_client_ratio
								    : s.cpu_server_ratio;
		const double *lo = m == 0 ? s.tput_ratio_min
				 : m == 1 ? s.cpu_client_ratio_min
					  : s.cpu_server_ratio_min;
		const double *hi = m == 0 ? s.tput_ratio_max
				 : m == 1 ? s.cpu_client_ratio_max
					  : s.cpu_server_ratio_max;
		char col[2][40] = { "", "" };

		for (uint32_t p = 0; p < s.phases && p < 2; p++)
			snprintf(col[p], sizeof(col[p]), "%.2f (%.2f-%.2f)", med[p], lo[p], hi[p]);
		printf("%-18s %-24s %-24s %s\n", rows[m], col[0], col[1],
		       m == 0 ? ">= 0.95" : "<= 1.10");
	}
}

static int do_cleanup(const char *name)
{
	struct vxoff_ctx *ctx = cli_ctx_new(NULL);
	uint32_t removed = 0;
	int r;

	if (!ctx)
		return CLI_EXIT_FAIL;
	r = vxoff_lab_cleanup(ctx, name, &removed);
	if (r < 0) {
		r = cli_error(ctx, r);
		vxoff_ctx_free(ctx);
		return r;
	}
	printf("lab %s: %u object%s removed or restored\n", name ? name : "vxoff-lab", removed,
	       removed == 1 ? "" : "s");
	vxoff_ctx_free(ctx);
	return CLI_EXIT_OK;
}

int cmd_lab(int argc, char **argv)
{
	/* clang-format off */
	static const struct option opts[] = {
		{"quick", no_argument, NULL, 'Q'},
		{"mtu", required_argument, NULL, 'm'},
		{"streams", required_argument, NULL, 's'},
		{"pairs", required_argument, NULL, 'P'},
		{"duration", required_argument, NULL, 'd'},
		{"omit", required_argument, NULL, 'O'},
		{"profile", required_argument, NULL, 'p'},
		{"no-tune", no_argument, NULL, 'T'},
		{"tune", required_argument, NULL, 't'},
		{"budget", required_argument, NULL, 'B'},
		{"allow-mtu", no_argument, NULL, 'M'},
		{"emulate-nic", required_argument, NULL, 'E'},
		{"underlay", required_argument, NULL, 'u'},
		{"peer-ns", required_argument, NULL, 'N'},
		{"peer-addr", required_argument, NULL, 'A'},
		{"cpus", required_argument, NULL, 'c'},
		{"out", required_argument, NULL, 'o'},
		{"name", required_argument, NULL, 'n'},
		{"cleanup", no_argument, NULL, 'C'},
		{"json", no_argument, NULL, 'j'},
		{"no-progress", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* clang-format on */
	VXOFF_OPTS(vxoff_lab_opts, lo, .flags = 0);
	struct vxoff_lab_report *rep = NULL;
	struct vxoff_lab *lab = NULL;
	struct vxoff_ctx *ctx;
	struct sigaction sa, old_int, old_term;
	const char *out = NULL;
	char outbuf[64];
	bool cleanup = false, json = false, quiet = false;
	const char *tune_given = NULL;
	int c, r, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jqh", opts, NULL)) != -1) {
		switch (c) {
		case 'Q':
			lo.flags |= VXOFF_LAB_F_QUICK;
			break;
		case 'm':
			if (parse_u32(optarg, 1280, 65535, &lo.mtu) < 0)
				return cli_usage_error(SYNOPSIS, "lab: --mtu %s is not 1280 to 65535",
						       optarg);
			break;
		case 's':
			if (parse_u32(optarg, 1, 128, &lo.streams) < 0)
				return cli_usage_error(SYNOPSIS, "lab: --streams %s is not 1 to 128",
						       optarg);
			break;
		case 'P':
			if (parse_u32(optarg, 1, 100, &lo.pairs) < 0)
				return cli_usage_error(SYNOPSIS, "lab: --pairs %s is not 1 to 100",
						       optarg);
			break;
		case 'd':
			if (parse_ms(optarg, &lo.duration_ms) < 0)
				return cli_usage_error(SYNOPSIS,
						       "lab: --duration %s is not a number of "
						       "seconds above 0",
						       optarg);
			break;
		case 'O':
			if (parse_ms(optarg, &lo.omit_ms) < 0)
				return cli_usage_error(SYNOPSIS,
						       "lab: --omit %s is not a number of seconds "
						       "above 0",
						       optarg);
			break;
		case 'p':
			if (vxoff_profile_from_name(optarg, &lo.profile) < 0)
				return cli_usage_error(SYNOPSIS,
						       "lab: unknown profile '%s' (single-stream, "
						       "many-flow, latency)",
						       optarg);
			break;
		case 'T':
			tune_given = tune_given ? tune_given : "none";
			if (lo.tune && lo.tune != VXOFF_LAB_TUNE_NONE)
				return cli_usage_error(SYNOPSIS, "lab: --no-tune and --tune %s "
								 "contradict each other",
						       tune_given);
			lo.tune = VXOFF_LAB_TUNE_NONE;
			break;
		case 't': {
			uint32_t m = !strcmp(optarg, "search")	  ? VXOFF_LAB_TUNE_SEARCH
				     : !strcmp(optarg, "profile") ? VXOFF_LAB_TUNE_PROFILE
				     : !strcmp(optarg, "none")	  ? VXOFF_LAB_TUNE_NONE
								  : 0;

			if (!m)
				return cli_usage_error(SYNOPSIS,
						       "lab: --tune %s: search, profile or none",
						       optarg);
			if (lo.tune && lo.tune != m)
				return cli_usage_error(SYNOPSIS,
						       "lab: --tune %s contradicts an earlier --tune "
						       "or --no-tune",
						       optarg);
			lo.tune = m;
			tune_given = optarg;
			break;
		}
		case 'B':
			if (parse_u32(optarg, 1, 3600, &lo.budget_s) < 0)
				return cli_usage_error(SYNOPSIS,
						       "lab: --budget %s is not 1 to 3600 seconds",
						       optarg);
			break;
		case 'M':
			lo.flags |= VXOFF_LAB_F_ALLOW_MTU;
			break;
		case 'E':
			if (strcmp(optarg, "no-tunnel-offload"))
				return cli_usage_error(SYNOPSIS,
						       "lab: --emulate-nic knows no-tunnel-offload, "
						       "not '%s'",
						       optarg);
			lo.flags |= VXOFF_LAB_F_NO_TNL_OFFLOAD;
			break;
		case 'u':
			lo.underlay = optarg;
			break;
		case 'N':
			lo.peer_ns = optarg;
			break;
		case 'A':
			lo.peer_addr = optarg;
			break;
		case 'c':
			lo.app_cpus = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'n':
			lo.name = optarg;
			break;
		case 'C':
			cleanup = true;
			break;
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			help();
			return cli_finish_output(CLI_EXIT_OK);
		case ':':
			return cli_usage_error(SYNOPSIS, "lab: %s needs an argument",
					       argv[optind - 1]);
		default:
			if (optopt)
				return cli_usage_error(SYNOPSIS, "lab: unknown option -%c", optopt);
			return cli_usage_error(SYNOPSIS, "lab: unknown option %s",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(SYNOPSIS, "lab: unexpected argument '%s'", argv[optind]);
	if (cleanup)
		return cli_finish_output(do_cleanup(lo.name));
	/* --profile P means "apply P": with another mode it would be ignored, so say so */
	if (lo.profile && lo.tune && lo.tune != VXOFF_LAB_TUNE_PROFILE)
		return cli_usage_error(SYNOPSIS, "lab: --profile goes with --tune profile, not "
						 "--%s",
				       lo.tune == VXOFF_LAB_TUNE_NONE ? "tune none (--no-tune)"
								      : "tune search");
	if (lo.profile)
		lo.tune = VXOFF_LAB_TUNE_PROFILE;
	if (lo.budget_s && lo.tune && lo.tune != VXOFF_LAB_TUNE_SEARCH)
		return cli_usage_error(SYNOPSIS, "lab: --budget is for --tune search");
	if (lo.budget_s && !lo.tune && (lo.flags & VXOFF_LAB_F_QUICK))
		return cli_usage_error(SYNOPSIS, "lab: --quick applies the profile; --budget "
						 "needs --tune search with it");
	if ((lo.flags & VXOFF_LAB_F_ALLOW_MTU) && lo.tune && lo.tune != VXOFF_LAB_TUNE_SEARCH)
		return cli_usage_error(SYNOPSIS, "lab: --allow-mtu is for --tune search");
	if ((lo.underlay || lo.peer_ns || lo.peer_addr) &&
	    !(lo.underlay && lo.peer_ns && lo.peer_addr))
		return cli_usage_error(SYNOPSIS,
				       "lab: --underlay, --peer-ns and --peer-addr go together");
	if (lo.underlay && lo.mtu)
		return cli_usage_error(SYNOPSIS, "lab: --mtu is for the veth testbed, not an "
						 "--underlay");
	if (!out) {
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(outbuf, sizeof(outbuf), "vxoff-report-%Y%m%d-%H%M%S", &tm);
		out = outbuf;
	}

	ctx = cli_ctx_new(NULL);
	if (!ctx)
		return CLI_EXIT_FAIL;
	r = vxoff_lab_new(ctx, &lo, &lab);
	if (r < 0) {
		rc = cli_error(ctx, r);
		vxoff_ctx_free(ctx);
		return rc;
	}
	running_lab = lab;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	r = vxoff_lab_run(lab, on_progress, &quiet, &rep);

	running_lab = NULL;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (r < 0) {
		if (r == -ECANCELED && got_signal)
			fprintf(stderr, "vxoff: lab stopped by signal %d; everything it made is "
					"removed\n",
				(int)got_signal);
		else
			cli_error(ctx, r);
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	r = vxoff_lab_report_write(ctx, rep, out);
	if (r < 0) {
		rc = cli_error(ctx, r);
		goto out;
	}
	if (json) {
		char *s = NULL;

		if (vxoff_lab_report_json(rep, VXOFF_JSON_PRETTY, &s) == 0)
			printf("%s\n", s);
		vxoff_free(s);
	} else {
		print_table(rep);
		printf("\nreport: %s/report.html (chart.svg, report.json)\n", out);
	}
	rc = CLI_EXIT_OK;
out:
	vxoff_lab_report_free(rep);
	vxoff_lab_free(lab);
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}
