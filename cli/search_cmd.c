/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff tune search: measured tuning of a VXLAN path (docs/tune-search.md). Presentation
 * only: candidates, measurements, decisions and undo are the library's.
 */
#define _GNU_SOURCE
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

#define SYN_SEARCH                                                                                 \
	"vxoff tune search IFACE --peer HOST [-n NETNS] [--peer-ns NETNS] [--peer-dev IFACE]"      \
	" [--overlay DEV] [--peer-overlay DEV] --objective throughput|cpu|mix [--mix-weight W]"    \
	" --budget SEC [--pairs N] [--time MS] [--omit MS] [--allow mtu,channels]"                 \
	" [--jumbo-mtu N] [--skip NAMES] [--port N] [--snapshot-dir DIR] [--plan-out FILE]"        \
	" [--restore] [-j|-p]"

#define SEARCH_SCHEMA "vxoff-tune-search/1"

static volatile sig_atomic_t stop_requested;
static struct vxoff_search *running_search;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (running_search)
		vxoff_search_stop(running_search); /* an atomic store: async-signal-safe */
}

static void help(void)
{
	puts("Usage: " SYN_SEARCH "\n"
	     "\n"
	     "Try one tuning change at a time on both ends of a VXLAN path, measure each against\n"
	     "the current state in interleaved A/B pairs (vxoff bench), and keep it only when the\n"
	     "95% interval of the paired ratio shows a gain. Kept changes stay applied; on an\n"
	     "error or Ctrl-C everything goes back to the start state.\n"
	     "\n"
	     "  IFACE                   the sender's underlay device (in -n NETNS)\n"
	     "      --peer HOST         the bench server's address on the overlay\n"
	     "  -n, --netns NETNS       the sender's namespace (the bench client runs there)\n"
	     "      --peer-ns NETNS     the receiver's namespace: its knobs are tuned too and a\n"
	     "                          bench server is started there\n"
	     "      --peer-dev IFACE    the receiver's underlay (default: IFACE)\n"
	     "      --overlay DEV       the sender's VXLAN device (default: the one on IFACE)\n"
	     "      --peer-overlay DEV  the receiver's VXLAN device (default: the one on "
	     "peer-dev)\n"
	     "      --objective O       throughput, cpu (CPU-s/GB of the receiver) or mix\n"
	     "      --mix-weight W      weight of throughput in the mix, 0 < W < 1 (0.5)\n"
	     "      --budget SEC        wall-clock budget of the whole search\n"
	     "      --pairs N           A/B pairs per candidate, at least 5 (5)\n"
	     "      --time MS           measured time of each run (2000)\n"
	     "      --omit MS           warm-up of each run (500)\n"
	     "      --allow LIST        intrusive changes allowed: mtu, channels\n"
	     "      --jumbo-mtu N       underlay MTU tried with --allow mtu (9000)\n"
	     "      --skip NAMES        candidates never tried (comma-separated)\n"
	     "      --port N            bench port (default 5301; any free one with --peer-ns)\n"
	     "      --snapshot-dir DIR  where the snapshot files go (default: a new /tmp dir)\n"
	     "      --plan-out FILE     write the sender's kept plan to FILE and the receiver's\n"
	     "                          to FILE.peer (vxoff tune apply --plan FILE)\n"
	     "      --restore           undo the kept changes at the end (measure only)\n"
	     "  -j, --json              print the trial log as JSON (" SEARCH_SCHEMA ")\n"
	     "  -p, --pretty            indent the JSON (implies -j)\n"
	     "  -h, --help              this text\n"
	     "\n"
	     "Exit status: 0 done, 1 the library refused or failed, 2 bad usage, 130 stopped.");
}

static const char *why_name(uint32_t why)
{
	static const char *const n[] = {"",	  "gain",   "noise", "loss", "too few pairs",
					"failed", "stopped"};

	return why < sizeof(n) / sizeof(n[0]) ? n[why] : "";
}

static int progress(void *user, uint32_t ev, const struct vxoff_search_trial *t)
{
	bool quiet = *(bool *)user;

	if (quiet)
		return 0;
	if (ev == VXOFF_SEARCH_EV_TRIAL_START)
		fprintf(stderr, "trial %u %s: %s\n", t->index + 1, t->name, t->change);
	else if (ev == VXOFF_SEARCH_EV_RUN)
		fprintf(stderr, "  pair %u %s %.2f Gbit/s\n", t->pairs + 1,
			t->last_arm ? "cand" : "base", t->last_bps / 1e9);
	else if (ev == VXOFF_SEARCH_EV_TRIAL_END)
		fprintf(stderr, "  -> %s (%s): %s\n",
			t->outcome == VXOFF_SEARCH_KEPT	   ? "kept"
			: t->outcome == VXOFF_SEARCH_FINAL ? "final"
							   : "reverted",
			why_name(t->why), t->message ? t->message : "");
	return 0;
}

/* The VXLAN device whose underlay is @dev, or NULL (none, or more than one). Heap string. */
static char *overlay_of(struct vxoff_ctx *ctx, const char *dev)
{
	VXOFF_OPTS(vxoff_probe_opts, po, .flags = VXOFF_PROBE_F_NO_VERDICT_PEERS,
		   .items = 1u << VXOFF_ITEM_LINK);
	VXOFF_OUT(vxoff_link_info, li);
	struct vxoff_tunnel_list *l = NULL;
	struct vxoff_devinfo *di = NULL;
	char *name = NULL;
	int found = 0;

	if (vxoff_probe_device(ctx, dev, 0, &po, &di) < 0 || vxoff_devinfo_link(di, &li) < 0 ||
	    vxoff_tunnel_list(ctx, &l) < 0) {
		vxoff_devinfo_free(di);
		return NULL;
	}
	vxoff_devinfo_free(di);
	for (uint32_t i = 0; i < vxoff_tunnel_list_count(l); i++) {
		const struct vxoff_tunnel *t = NULL;
		VXOFF_OUT(vxoff_tunnel_opts, o);
		VXOFF_OUT(vxoff_tunnel_info, info);

		if (vxoff_tunnel_list_get(l, i, &t) < 0 || vxoff_tunnel_opts_get(t, &o) < 0 ||
		    vxoff_tunnel_info_get(t, &info) < 0 || o.underlay_ifindex != li.ifindex)
			continue;
		if (!found++)
			name = strdup(info.name);
	}
	vxoff_tunnel_list_free(l);
	if (found > 1) {
		fprintf(stderr, "vxoff: %d VXLAN devices on %s: name one with --overlay\n", found,
			dev);
		free(name);
		name = NULL;
	}
	return name;
}

static void print_table(const struct vxoff_search *s)
{
	printf("%-3s %-22s %-9s %-8s %12s %12s %8s %17s\n", "#", "CANDIDATE", "OUTCOME", "WHY",
	       "BASE Gbit/s", "CAND Gbit/s", "RATIO", "95% INTERVAL");
	for (uint32_t i = 0; i < vxoff_search_trial_count(s); i++) {
		VXOFF_OUT(vxoff_search_trial, t);

		if (vxoff_search_trial(s, i, &t) < 0)
			continue;
		printf("%-3u %-22s %-9s %-8s %12.2f %12.2f %8.3f %8.3f-%-8.3f\n", i + 1, t.name,
		       t.outcome == VXOFF_SEARCH_KEPT	 ? "kept"
		       : t.outcome == VXOFF_SEARCH_FINAL ? "final"
							 : "reverted",
		       why_name(t.why), t.base_bps / 1e9, t.cand_bps / 1e9, t.ratio, t.ci_low,
		       t.ci_high);
	}
	for (uint32_t e = 0; e < 2; e++) {
		const struct vxoff_tune_plan *p = NULL;

		if (vxoff_search_plan(s, e, &p) < 0)
			continue;
		printf("kept on the %s: %u change(s)\n", e ? "receiver" : "sender",
		       vxoff_tune_plan_count(p));
		for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
			VXOFF_OUT(vxoff_plan_item, it);

			if (vxoff_tune_plan_item(p, i, &it) == 0)
				printf("  %s %s%s%s -> %s\n", vxoff_knob_kind_name(it.kind),
				       it.dev ? it.dev : "", it.key ? " " : "",
				       it.key ? it.key : "", it.target);
		}
	}
	if (*vxoff_search_bench_cpus(s, 0) || *vxoff_search_bench_cpus(s, 1))
		printf("kept bench pinning: client %s, server %s\n", vxoff_search_bench_cpus(s, 0),
		       vxoff_search_bench_cpus(s, 1));
}

static int write_plan(struct vxoff_ctx *ctx, const struct vxoff_search *s, uint32_t end,
		      const char *path)
{
	const struct vxoff_tune_plan *p = NULL;
	char *text = NULL;
	FILE *f;
	int r;

	r = vxoff_search_plan(s, end, &p);
	if (r == 0)
		r = vxoff_tune_plan_json(p, VXOFF_JSON_PRETTY, &text);
	if (r < 0)
		return cli_error(ctx, r);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f) != 0) {
		int e = errno;

		vxoff_free(text);
		return cli_errno(path, -(e ? e : EIO));
	}
	vxoff_free(text);
	return 0;
}

int cmd_tune_search(int argc, char **argv)
{
	enum {
		O_PEER = 256,
		O_PEER_NS,
		O_PEER_DEV,
		O_OVERLAY,
		O_PEER_OVERLAY,
		O_OBJECTIVE,
		O_MIX,
		O_BUDGET,
		O_PAIRS,
		O_TIME,
		O_OMIT,
		O_ALLOW,
		O_JUMBO,
		O_SKIP,
		O_PORT,
		O_SNAPDIR,
		O_PLAN_OUT,
		O_RESTORE
	};
	static const struct option opts[] = {
		{"netns", required_argument, NULL, 'n'},
		{"peer", required_argument, NULL, O_PEER},
		{"peer-ns", required_argument, NULL, O_PEER_NS},
		{"peer-dev", required_argument, NULL, O_PEER_DEV},
		{"overlay", required_argument, NULL, O_OVERLAY},
		{"peer-overlay", required_argument, NULL, O_PEER_OVERLAY},
		{"objective", required_argument, NULL, O_OBJECTIVE},
		{"mix-weight", required_argument, NULL, O_MIX},
		{"budget", required_argument, NULL, O_BUDGET},
		{"pairs", required_argument, NULL, O_PAIRS},
		{"time", required_argument, NULL, O_TIME},
		{"omit", required_argument, NULL, O_OMIT},
		{"allow", required_argument, NULL, O_ALLOW},
		{"jumbo-mtu", required_argument, NULL, O_JUMBO},
		{"skip", required_argument, NULL, O_SKIP},
		{"port", required_argument, NULL, O_PORT},
		{"snapshot-dir", required_argument, NULL, O_SNAPDIR},
		{"plan-out", required_argument, NULL, O_PLAN_OUT},
		{"restore", no_argument, NULL, O_RESTORE},
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	VXOFF_OPTS(vxoff_search_opts, so, .objective = UINT32_MAX);
	const char *netns = NULL, *peer_ns = NULL, *plan_out = NULL, *snapdir = NULL;
	char *own_overlay = NULL, *own_peer_overlay = NULL, tmpdir[] = "/tmp/vxoff-search-XXXXXX";
	struct vxoff_ctx *ctx = NULL, *peer = NULL;
	struct vxoff_search *s = NULL;
	const struct vxoff_tune_plan *kept[2] = {NULL, NULL};
	bool json = false, pretty = false, restore = false, have_budget = false;
	struct sigaction sa;
	int c, r, status = CLI_EXIT_FAIL;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:jph", opts, NULL)) != -1) {
		char *end = NULL;
		unsigned long v = 0;

		if (c >= O_MIX && c <= O_PORT && c != O_ALLOW && c != O_SKIP && c != O_MIX) {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || v > UINT32_MAX)
				return cli_usage_error(SYN_SEARCH, "%s: not a number: %s",
						       argv[optind - 1], optarg);
		}
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case O_PEER:
			so.host = optarg;
			break;
		case O_PEER_NS:
			peer_ns = optarg;
			break;
		case O_PEER_DEV:
			so.peer_dev = optarg;
			break;
		case O_OVERLAY:
			so.overlay = optarg;
			break;
		case O_PEER_OVERLAY:
			so.peer_overlay = optarg;
			break;
		case O_OBJECTIVE:
			so.objective = !strcmp(optarg, "throughput") ? VXOFF_SEARCH_OBJ_THROUGHPUT
				       : !strcmp(optarg, "cpu")	     ? VXOFF_SEARCH_OBJ_CPU
				       : !strcmp(optarg, "mix")	     ? VXOFF_SEARCH_OBJ_MIX
								     : UINT32_MAX - 1;
			if (so.objective == UINT32_MAX - 1)
				return cli_usage_error(SYN_SEARCH, "unknown objective: %s", optarg);
			break;
		case O_MIX:
			so.mix_weight = strtod(optarg, &end);
			if (end == optarg || *end || !(so.mix_weight > 0 && so.mix_weight < 1))
				return cli_usage_error(SYN_SEARCH,
						       "--mix-weight: not between 0 and 1: %s",
						       optarg);
			break;
		case O_BUDGET:
			so.budget_s = (uint32_t)v;
			have_budget = v > 0;
			break;
		case O_PAIRS:
			so.pairs = (uint32_t)v;
			break;
		case O_TIME:
			so.duration_ms = (uint32_t)v;
			break;
		case O_OMIT:
			so.omit_ms = (uint32_t)v;
			break;
		case O_JUMBO:
			so.jumbo_mtu = (uint32_t)v;
			break;
		case O_PORT:
			so.port = (uint32_t)v;
			break;
		case O_SKIP:
			so.skip = optarg;
			break;
		case O_ALLOW: {
			char *copy = strdup(optarg), *save = NULL;

			if (!copy)
				return cli_errno("--allow", -ENOMEM);
			for (char *t = strtok_r(copy, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				if (!strcmp(t, "mtu")) {
					so.flags |= VXOFF_SEARCH_F_ALLOW_MTU;
				} else if (!strcmp(t, "channels")) {
					so.flags |= VXOFF_SEARCH_F_ALLOW_CHANNELS;
				} else {
					cli_usage_error(SYN_SEARCH, "--allow: unknown change: %s",
							t);
					free(copy);
					return CLI_EXIT_USAGE;
				}
			}
			free(copy);
			break;
		}
		case O_SNAPDIR:
			snapdir = optarg;
			break;
		case O_PLAN_OUT:
			plan_out = optarg;
			break;
		case O_RESTORE:
			restore = true;
			break;
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
			break;
		case 'h':
			help();
			return CLI_EXIT_OK;
		case ':':
			return cli_usage_error(SYN_SEARCH, "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error(SYN_SEARCH, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(SYN_SEARCH, "one IFACE is needed");
	so.dev = argv[optind];
	if (!so.host)
		return cli_usage_error(SYN_SEARCH, "--peer HOST is needed");
	if (so.objective == UINT32_MAX)
		return cli_usage_error(SYN_SEARCH, "--objective is needed");
	if (!have_budget)
		return cli_usage_error(SYN_SEARCH, "--budget SEC is needed");
	if (so.mix_weight && so.objective != VXOFF_SEARCH_OBJ_MIX)
		return cli_usage_error(SYN_SEARCH, "--mix-weight goes with --objective mix");

	ctx = cli_ctx_new(netns);
	if (!ctx)
		goto out;
	if (peer_ns) {
		peer = cli_ctx_new(peer_ns);
		if (!peer)
			goto out;
		so.flags |= VXOFF_SEARCH_F_START_SERVER;
	}
	if (!so.overlay)
		so.overlay = own_overlay = overlay_of(ctx, so.dev);
	if (peer && !so.peer_overlay)
		so.peer_overlay = own_peer_overlay =
			overlay_of(peer, so.peer_dev ? so.peer_dev : so.dev);
	if (!snapdir) {
		if (!mkdtemp(tmpdir)) {
			status = cli_errno("a snapshot directory in /tmp", -errno);
			goto out;
		}
		snapdir = tmpdir;
	}
	so.snapshot_dir = snapdir;
	/* the first pair's order at random (logged as "seed"), the later ones alternate */
	so.seed = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid();
	so.progress = progress;
	so.progress_user = &json;
	r = vxoff_search_new(ctx, peer, &so, &s);
	if (r < 0) {
		status = cli_error(ctx, r);
		goto out;
	}
	running_search = s;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = vxoff_search_run(s);
	running_search = NULL;
	if (r == 0 && restore)
		r = vxoff_search_restore(s);
	if (r == 0 && plan_out) {
		char *peer_path = NULL;

		status = write_plan(ctx, s, VXOFF_SEARCH_END_SENDER, plan_out);
		if (status == 0 && peer) {
			if (asprintf(&peer_path, "%s.peer", plan_out) < 0)
				status = cli_errno("--plan-out", -ENOMEM);
			else
				status = write_plan(ctx, s, VXOFF_SEARCH_END_RECEIVER, peer_path);
			free(peer_path);
		}
		if (status)
			goto out;
	}
	vxoff_search_plan(s, VXOFF_SEARCH_END_SENDER, &kept[0]);
	vxoff_search_plan(s, VXOFF_SEARCH_END_RECEIVER, &kept[1]);
	if (json) {
		char *text = NULL;

		if (vxoff_search_json(s, pretty ? VXOFF_JSON_PRETTY : 0, &text) == 0) {
			puts(text);
			vxoff_free(text);
		}
	} else {
		print_table(s);
		if (r == 0 && !restore &&
		    (vxoff_tune_plan_count(kept[0]) || vxoff_tune_plan_count(kept[1])))
			printf("snapshots of the kept changes: %s (vxoff tune restore FILE, newest "
			       "first)\n",
			       snapdir);
	}
	if (r < 0) {
		status = r == -ECANCELED || stop_requested ? 130 : cli_error(ctx, r);
		if (r == -ECANCELED)
			fprintf(stderr, "vxoff: stopped; the start state is restored\n");
		goto out;
	}
	status = cli_finish_output(CLI_EXIT_OK);
out:
	vxoff_search_free(s);
	if (snapdir == tmpdir)
		rmdir(tmpdir); /* only succeeds when nothing was kept */
	free(own_overlay);
	free(own_peer_overlay);
	vxoff_ctx_free(peer);
	vxoff_ctx_free(ctx);
	return status;
}
