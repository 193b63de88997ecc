/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff tune: show every knob of a device, plan a profile as a diff, apply it with a snapshot,
 * restore from the snapshot. Presentation only: the plan, its reasons, the order and the
 * rollback are the library's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SYN_SHOW "vxoff tune [-n NETNS] [-j] show IFACE [--sysctls]"
#define SYN_PLAN                                                                               \
	"vxoff tune [-n NETNS] [-j] plan IFACE --profile single-stream|many-flow|latency"      \
	" [--app-cpus LIST] [--overlay DEV] [--underlay-mtu N] [--allow-mtu]"                  \
	" [--allow-channels]"
#define SYN_APPLY                                                                              \
	"vxoff tune [-n NETNS] [-j] apply IFACE --profile PROFILE [--app-cpus LIST]"           \
	" --snapshot FILE [--overwrite] [plan options]\n"                                      \
	"       vxoff tune [-n NETNS] [-j] apply IFACE --plan FILE --snapshot FILE [--overwrite]"
#define SYN_RESTORE "vxoff tune [-n NETNS] [-j] restore FILE [--dry-run] [--remove]"
#define SYN_ALL                                                                                \
	SYN_SHOW "\n       " SYN_PLAN "\n       " SYN_APPLY "\n       " SYN_RESTORE             \
		 "\n       vxoff tune [-n NETNS] search ... (vxoff tune search --help)"

#define APPLY_SCHEMA "vxoff-tune-apply/1"
#define RESTORE_SCHEMA "vxoff-tune-restore/1"

static void help(void)
{
	puts("Usage: " SYN_ALL "\n"
	     "\n"
	     "Tune a device for VXLAN: show its knobs, plan a profile (a diff: knob, current\n"
	     "value, target, reason), apply the plan as one transaction after saving every value\n"
	     "it touches to a snapshot file, and restore exactly from that file.\n"
	     "\n"
	     "  -n, --netns NETNS       work inside network namespace NETNS\n"
	     "  -j, --json              print JSON (docs/tune-json.md)\n"
	     "  -p, --pretty            indent the JSON (implies -j)\n"
	     "      --profile P         single-stream, many-flow or latency (docs/tune.md)\n"
	     "      --plan FILE         apply: a saved plan (vxoff-tune-plan/1, e.g. from\n"
	     "                          vxoff tune search --plan-out) instead of a profile\n"
	     "      --app-cpus LIST     CPUs the application runs on (e.g. 2 or 8-11)\n"
	     "      --overlay DEV       the VXLAN device to tune with IFACE (default: all on it)\n"
	     "      --underlay-mtu N    MTU the whole underlay path carries (with --allow-mtu)\n"
	     "      --allow-mtu         the plan may change MTUs\n"
	     "      --allow-channels    the plan may change channel counts\n"
	     "  -s, --snapshot FILE     apply: where the values before are saved\n"
	     "      --overwrite         apply: replace an existing snapshot file\n"
	     "      --sysctls           show: also the namespace's sysctls\n"
	     "      --dry-run           restore: compare only, change nothing\n"
	     "      --remove            restore: delete the snapshot after a full restore\n"
	     "  -h, --help              this text\n"
	     "\n"
	     "Exit status: 0 done, 1 the library refused or failed (the reason is printed),\n"
	     "2 bad usage.");
}

struct args {
	const char *netns;
	bool json, pretty;
	const char *sub;
	const char *target; /* IFACE or FILE */
	const char *profile, *app_cpus, *overlay, *snapshot, *plan_file;
	uint32_t underlay_mtu;
	bool allow_mtu, allow_channels, overwrite, sysctls, dry_run, remove;
};

/* "rps_cpus eth0 rx-0" */
static void knob_label(char *buf, size_t cap, uint32_t kind, const char *dev, int32_t index,
		       const char *key)
{
	const char *name = vxoff_knob_kind_name(kind);
	int n;

	switch (kind) {
	case VXOFF_KNOB_RPS_CPUS:
	case VXOFF_KNOB_RPS_FLOW_CNT:
		n = snprintf(buf, cap, "%s %s rx-%d", name, dev ? dev : "", index);
		break;
	case VXOFF_KNOB_XPS_CPUS:
	case VXOFF_KNOB_XPS_RXQS:
		n = snprintf(buf, cap, "%s %s tx-%d", name, dev ? dev : "", index);
		break;
	case VXOFF_KNOB_IRQ_AFFINITY:
		if (index >= 0)
			n = snprintf(buf, cap, "%s %s %s (IRQ %d)", name, dev ? dev : "",
				     key ? key : "", index);
		else
			n = snprintf(buf, cap, "%s %s %s", name, dev ? dev : "", key ? key : "");
		break;
	default:
		n = snprintf(buf, cap, "%s%s%s%s%s", name, dev ? " " : "", dev ? dev : "",
			     key ? " " : "", key ? key : "");
		if (n >= 0 && index >= 0 && (size_t)n < cap)
			snprintf(buf + n, cap - (size_t)n, " #%d", index);
		break;
	}
	if (n < 0)
		snprintf(buf, cap, "%s", name);
}

/* A value for a table cell: "" shows as "(none)". */
static const char *cell(const char *v)
{
	if (!v)
		return "?";
	return *v ? v : "(none)";
}

static int emit_json(int r, char *s)
{
	if (r < 0)
		return cli_errno("formatting JSON", r);
	puts(s);
	vxoff_free(s);
	return CLI_EXIT_OK;
}

static int do_show(struct vxoff_ctx *ctx, const struct args *a)
{
	struct vxoff_tune_state *st = NULL;
	int r = vxoff_tune_read(ctx, a->target, a->sysctls ? VXOFF_TUNE_READ_F_SYSCTLS : 0, &st);
	size_t w = 4;
	char label[256];

	if (r < 0)
		return cli_error(ctx, r);
	if (a->json) {
		char *s = NULL;

		r = vxoff_tune_state_json(st, a->pretty ? VXOFF_JSON_PRETTY : 0, &s);
		vxoff_tune_state_free(st);
		return emit_json(r, s);
	}
	for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
		VXOFF_OUT(vxoff_knob, k);

		if (vxoff_tune_state_get(st, i, &k) == 0) {
			knob_label(label, sizeof(label), k.kind, k.dev, k.index, k.key);
			if (strlen(label) > w)
				w = strlen(label);
		}
	}
	printf("%-*s  %s\n", (int)w, "KNOB", "VALUE");
	for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
		VXOFF_OUT(vxoff_knob, k);

		if (vxoff_tune_state_get(st, i, &k) < 0)
			continue;
		knob_label(label, sizeof(label), k.kind, k.dev, k.index, k.key);
		if (k.flags & VXOFF_KNOB_F_UNSUPPORTED)
			printf("%-*s  not supported (%s)\n", (int)w, label, cell(k.value));
		else
			printf("%-*s  %s%s%s\n", (int)w, label, cell(k.value),
			       (k.flags & VXOFF_KNOB_F_FIXED) ? " [fixed]" : "",
			       (k.flags & VXOFF_KNOB_F_READONLY) ? " [read-only]" : "");
	}
	vxoff_tune_state_free(st);
	return CLI_EXIT_OK;
}

/* The diff table: KNOB CURRENT TARGET REASON; advice marked. */
static void print_plan(const struct vxoff_tune_plan *plan)
{
	uint32_t n = vxoff_tune_plan_count(plan);
	size_t wk = 4, wc = 7, wt = 6;
	char label[256];

	if (n == 0) {
		puts("nothing to change: every knob of this profile is at its target");
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		if (vxoff_tune_plan_item(plan, i, &it) < 0)
			continue;
		knob_label(label, sizeof(label), it.kind, it.dev, it.index, it.key);
		if (strlen(label) > wk)
			wk = strlen(label);
		if (strlen(cell(it.current)) > wc)
			wc = strlen(cell(it.current));
		if (strlen(cell(it.target)) > wt)
			wt = strlen(cell(it.target));
	}
	printf("%-*s  %-*s  %-*s  %s\n", (int)wk, "KNOB", (int)wc, "CURRENT", (int)wt, "TARGET",
	       "REASON");
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		if (vxoff_tune_plan_item(plan, i, &it) < 0)
			continue;
		knob_label(label, sizeof(label), it.kind, it.dev, it.index, it.key);
		printf("%-*s  %-*s  %-*s  %s%s", (int)wk, label, (int)wc, cell(it.current),
		       (int)wt, cell(it.target),
		       (it.flags & VXOFF_PLAN_F_ADVICE) ? "[advice, not applied] " : "",
		       it.reason ? it.reason : "");
		if (it.gain && *it.gain)
			printf(" (gain: %s)", it.gain);
		putchar('\n');
	}
}

static int make_plan(struct vxoff_ctx *ctx, const struct args *a, struct vxoff_tune_plan **plan)
{
	VXOFF_OPTS(vxoff_tune_plan_opts, o, .app_cpus = a->app_cpus, .overlay = a->overlay,
		   .underlay_mtu = a->underlay_mtu);
	int r;

	if (vxoff_profile_from_name(a->profile, &o.profile) < 0) {
		fprintf(stderr,
			"vxoff: unknown profile \"%s\" (single-stream, many-flow, latency)\n",
			a->profile);
		return CLI_EXIT_USAGE;
	}
	if (a->allow_mtu)
		o.flags |= VXOFF_TUNE_ALLOW_MTU;
	if (a->allow_channels)
		o.flags |= VXOFF_TUNE_ALLOW_CHANNELS;
	r = vxoff_tune_plan_new(ctx, a->target, &o, plan);
	if (r < 0)
		return cli_error(ctx, r);
	return CLI_EXIT_OK;
}

static int do_plan(struct vxoff_ctx *ctx, const struct args *a)
{
	struct vxoff_tune_plan *plan = NULL;
	int rc = make_plan(ctx, a, &plan);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (a->json) {
		char *s = NULL;
		int r = vxoff_tune_plan_json(plan, a->pretty ? VXOFF_JSON_PRETTY : 0, &s);

		vxoff_tune_plan_free(plan);
		return emit_json(r, s);
	}
	print_plan(plan);
	vxoff_tune_plan_free(plan);
	return CLI_EXIT_OK;
}

static uint32_t applicable(const struct vxoff_tune_plan *plan)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < vxoff_tune_plan_count(plan); i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		if (vxoff_tune_plan_item(plan, i, &it) == 0 && !(it.flags & VXOFF_PLAN_F_ADVICE))
			n++;
	}
	return n;
}

/* A saved plan: loaded, and IFACE checked to be there before anything is changed. */
static int load_plan(struct vxoff_ctx *ctx, const struct args *a, struct vxoff_tune_plan **plan)
{
	struct vxoff_tune_state *st = NULL;
	int r;

	r = vxoff_tune_plan_load(ctx, a->plan_file, plan);
	if (r < 0)
		return cli_error(ctx, r);
	r = vxoff_tune_read(ctx, a->target, 0, &st);
	vxoff_tune_state_free(st);
	if (r < 0) {
		vxoff_tune_plan_free(*plan);
		*plan = NULL;
		return cli_error(ctx, r);
	}
	return CLI_EXIT_OK;
}

static int do_apply(struct vxoff_ctx *ctx, const struct args *a)
{
	struct vxoff_tune_plan *plan = NULL;
	int rc = a->plan_file ? load_plan(ctx, a, &plan) : make_plan(ctx, a, &plan), r;

	if (rc != CLI_EXIT_OK)
		return rc;
	r = vxoff_tune_apply(ctx, plan, a->snapshot,
			     a->overwrite ? VXOFF_TUNE_APPLY_F_OVERWRITE : 0);
	if (r < 0) {
		vxoff_tune_plan_free(plan);
		return cli_error(ctx, r);
	}
	if (a->json) {
		char *s = NULL;

		r = vxoff_tune_plan_json(plan, a->pretty ? VXOFF_JSON_PRETTY : 0, &s);
		vxoff_tune_plan_free(plan);
		if (r < 0)
			return cli_errno("formatting JSON", r);
		printf("{\"schema\":\"" APPLY_SCHEMA "\",\"snapshot\":");
		cli_put_json_string(a->snapshot);
		if (a->plan_file) {
			printf(",\"plan_file\":");
			cli_put_json_string(a->plan_file);
		}
		printf(",\"plan\":%s}\n", s);
		vxoff_free(s);
		return CLI_EXIT_OK;
	}
	print_plan(plan);
	if (a->plan_file)
		printf("\n(plan from %s: the values before are in the snapshot)", a->plan_file);
	printf("\napplied %u changes; values before saved to %s\nundo with: vxoff tune%s%s "
	       "restore %s\n",
	       applicable(plan), a->snapshot, a->netns ? " -n " : "", a->netns ? a->netns : "",
	       a->snapshot);
	vxoff_tune_plan_free(plan);
	return CLI_EXIT_OK;
}

static int do_restore(struct vxoff_ctx *ctx, const struct args *a)
{
	uint32_t flags = 0, changed = 0;
	int r;

	if (a->dry_run)
		flags |= VXOFF_TUNE_RESTORE_F_DRY_RUN;
	if (a->remove)
		flags |= VXOFF_TUNE_RESTORE_F_REMOVE;
	r = vxoff_tune_restore(ctx, a->target, flags, &changed);
	if (r < 0)
		return cli_error(ctx, r);
	if (a->json) {
		printf("{\"schema\":\"" RESTORE_SCHEMA "\",\"snapshot\":");
		cli_put_json_string(a->target);
		printf(",\"dry_run\":%s,\"changed\":%u}\n", a->dry_run ? "true" : "false",
		       changed);
		return CLI_EXIT_OK;
	}
	if (a->dry_run)
		printf("%u knobs differ from %s (nothing changed)\n", changed, a->target);
	else
		printf("restored %u knobs from %s\n", changed, a->target);
	return CLI_EXIT_OK;
}

enum {
	OPT_PROFILE = 256,
	OPT_APP_CPUS,
	OPT_OVERLAY,
	OPT_UNDERLAY_MTU,
	OPT_ALLOW_MTU,
	OPT_ALLOW_CHANNELS,
	OPT_OVERWRITE,
	OPT_SYSCTLS,
	OPT_DRY_RUN,
	OPT_REMOVE,
	OPT_PLAN,
};

int cmd_tune(int argc, char **argv)
{
	/* clang-format off */
	static const struct option opts[] = {
		{"netns", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{"snapshot", required_argument, NULL, 's'},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"app-cpus", required_argument, NULL, OPT_APP_CPUS},
		{"overlay", required_argument, NULL, OPT_OVERLAY},
		{"underlay-mtu", required_argument, NULL, OPT_UNDERLAY_MTU},
		{"allow-mtu", no_argument, NULL, OPT_ALLOW_MTU},
		{"allow-channels", no_argument, NULL, OPT_ALLOW_CHANNELS},
		{"overwrite", no_argument, NULL, OPT_OVERWRITE},
		{"sysctls", no_argument, NULL, OPT_SYSCTLS},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"remove", no_argument, NULL, OPT_REMOVE},
		{"plan", required_argument, NULL, OPT_PLAN},
		{NULL, 0, NULL, 0},
	};
	/* clang-format on */
	struct args a = { 0 };
	const char *pos[3] = { NULL };
	int npos = 0, c, rc;
	struct vxoff_ctx *ctx;
	char *end;

	/* "vxoff tune [-n NETNS] [-j|-p] search ...": search_cmd.c parses its own options */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--netns")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-')
			continue;
		if (strcmp(argv[i], "search") == 0) {
			char **sv = calloc((size_t)argc + 1, sizeof(*sv));
			int sn = 0;

			if (!sv)
				return cli_errno("vxoff tune search", -ENOMEM);
			sv[sn++] = argv[i];
			for (int j = 1; j < argc; j++)
				if (j != i)
					sv[sn++] = argv[j];
			optind = 0; /* glibc: 0 re-initialises getopt for the new argv */
			rc = cmd_tune_search(sn, sv);
			free(sv);
			return rc;
		}
		break;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:jphs:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			a.netns = optarg;
			break;
		case 'j':
			a.json = true;
			break;
		case 'p':
			a.json = a.pretty = true;
			break;
		case 'h':
			help();
			return cli_finish_output(CLI_EXIT_OK);
		case 's':
			a.snapshot = optarg;
			break;
		case OPT_PROFILE:
			a.profile = optarg;
			break;
		case OPT_APP_CPUS:
			a.app_cpus = optarg;
			break;
		case OPT_OVERLAY:
			a.overlay = optarg;
			break;
		case OPT_UNDERLAY_MTU: {
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || v < 68 || v > 65535)
				return cli_usage_error(SYN_ALL,
						       "tune: --underlay-mtu %s: a number 68-65535",
						       optarg);
			a.underlay_mtu = (uint32_t)v;
			break;
		}
		case OPT_ALLOW_MTU:
			a.allow_mtu = true;
			break;
		case OPT_ALLOW_CHANNELS:
			a.allow_channels = true;
			break;
		case OPT_OVERWRITE:
			a.overwrite = true;
			break;
		case OPT_SYSCTLS:
			a.sysctls = true;
			break;
		case OPT_DRY_RUN:
			a.dry_run = true;
			break;
		case OPT_REMOVE:
			a.remove = true;
			break;
		case OPT_PLAN:
			a.plan_file = optarg;
			break;
		case ':':
			return cli_usage_error(SYN_ALL, "tune: %s needs an argument",
					       argv[optind - 1]);
		default:
			if (optopt)
				return cli_usage_error(SYN_ALL, "tune: unknown option -%c", optopt);
			return cli_usage_error(SYN_ALL, "tune: unknown option %s",
					       argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++) {
		if (npos == 2)
			return cli_usage_error(SYN_ALL, "tune: unexpected argument %s",
					       argv[optind]);
		pos[npos++] = argv[optind];
	}
	if (npos == 0)
		return cli_usage_error(SYN_ALL, "tune: which command? show, plan, apply, restore");
	a.sub = pos[0];
	a.target = pos[1];
	if (strcmp(a.sub, "show") && strcmp(a.sub, "plan") && strcmp(a.sub, "apply") &&
	    strcmp(a.sub, "restore"))
		return cli_usage_error(SYN_ALL, "tune: unknown command \"%s\"", a.sub);
	if (!a.target)
		return cli_usage_error(SYN_ALL, "tune %s: %s is missing", a.sub,
				       strcmp(a.sub, "restore") ? "IFACE" : "FILE");
	if (a.plan_file && strcmp(a.sub, "apply"))
		return cli_usage_error(SYN_APPLY, "tune %s: --plan FILE is for apply", a.sub);
	if (a.plan_file && a.profile)
		return cli_usage_error(SYN_APPLY,
				       "tune apply: --plan and --profile exclude each other: a saved "
				       "plan already says what to set; give one of them");
	if (a.plan_file && (a.app_cpus || a.overlay || a.underlay_mtu || a.allow_mtu ||
			    a.allow_channels))
		return cli_usage_error(SYN_APPLY,
				       "tune apply: --app-cpus, --overlay, --underlay-mtu, "
				       "--allow-mtu and --allow-channels shape a profile's plan, not "
				       "a saved one (--plan)");
	if (!strcmp(a.sub, "plan") && !a.profile)
		return cli_usage_error(SYN_PLAN, "tune plan: --profile is required");
	if (!strcmp(a.sub, "apply") && !a.profile && !a.plan_file)
		return cli_usage_error(SYN_APPLY,
				       "tune apply: --profile PROFILE or --plan FILE is required");
	if (!strcmp(a.sub, "apply") && !a.snapshot)
		return cli_usage_error(
			SYN_APPLY, "tune apply: --snapshot FILE is required (restore needs it)");
	ctx = cli_ctx_new(a.netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	if (!strcmp(a.sub, "show"))
		rc = do_show(ctx, &a);
	else if (!strcmp(a.sub, "plan"))
		rc = do_plan(ctx, &a);
	else if (!strcmp(a.sub, "apply"))
		rc = do_apply(ctx, &a);
	else
		rc = do_restore(ctx, &a);
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}
