/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_search_* as root on a throwaway two-namespace veth + VXLAN testbed (the reference's
 * section 4): short searches (1 s runs, 5 pairs) that must
 *  - leave every knob they did not keep at its start value, and re-apply their kept plan to
 *    the same state, and never end measurably worse than the start (default testbed);
 *  - with tunnel segmentation offload off on the sending veth and MTU allowed, find a change
 *    worth >= 1.5x VXLAN throughput over the untuned start.
 * Every "better/worse" is measured again here, independently of the search's own figures:
 * interleaved pairs start vs final, toggled with vxoff_tune_apply()/vxoff_tune_restore().
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vxoff/vxoff.h>

#include "nstest.h"

#define RUN_MS 1000
#define OMIT_MS 300
#define PAIRS 5

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

struct bed {
	char ns[2][64]; /* sender, receiver */
	struct vxoff_ctx *ctx[2];
	struct vxoff_bench_server *srv;
	pthread_t th;
	uint32_t port;
	char snapdir[64];
};

static const char *const DEV[2] = {"va", "vb"};
static const char *const OVL[2] = {"xa", "xb"};

static const char *errmsg(struct vxoff_ctx *ctx)
{
	VXOFF_OUT(vxoff_error, e);

	return vxoff_ctx_last_error(ctx, &e) == 0 && e.msg ? e.msg : "(no message)";
}

static void *server_main(void *arg)
{
	vxoff_bench_server_run(arg);
	return NULL;
}

/* 0, or -1 with a reason printed (the caller skips or fails) */
static int bed_up(struct bed *b, const char *tag, bool no_offload)
{
	VXOFF_OPTS(vxoff_bench_server_opts, so, .flags = VXOFF_BENCH_SERVER_F_ANY_PORT);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	char suffix[16];

	memset(b, 0, sizeof(*b));
	for (int e = 0; e < 2; e++) {
		snprintf(suffix, sizeof(suffix), "%s%c", tag, e ? 'r' : 's');
		if (nt_ns_create(suffix, b->ns[e]))
			return -1;
	}
	if (nt_sh_quiet("ip -n %s link set lo up && ip -n %s link set lo up", b->ns[0], b->ns[1]) ||
	    nt_sh_quiet("ip -n %s link add va type veth peer name vb netns %s", b->ns[0],
			b->ns[1]) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.1/30 dev va && ip -n %s link set va up",
			b->ns[0], b->ns[0]) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.2/30 dev vb && ip -n %s link set vb up",
			b->ns[1], b->ns[1]) ||
	    nt_sh_quiet("ip -n %s link add xa type vxlan id 42 local 198.18.0.1 remote "
			"198.18.0.2 dstport 4789 dev va && ip -n %s link set xa mtu 1450 up && "
			"ip -n %s addr add 198.19.0.1/24 dev xa",
			b->ns[0], b->ns[0], b->ns[0]) ||
	    nt_sh_quiet("ip -n %s link add xb type vxlan id 42 local 198.18.0.2 remote "
			"198.18.0.1 dstport 4789 dev vb && ip -n %s link set xb mtu 1450 up && "
			"ip -n %s addr add 198.19.0.2/24 dev xb",
			b->ns[1], b->ns[1], b->ns[1]))
		return -1;
	/* a NIC without VXLAN TSO: the kernel segments before the (veth) device */
	if (no_offload && nt_sh_quiet("ip netns exec %s ethtool -K va tx-udp_tnl-segmentation off "
				      "tx-udp_tnl-csum-segmentation off",
				      b->ns[0]))
		return -1;
	for (int e = 0; e < 2; e++) {
		VXOFF_OPTS(vxoff_ctx_opts, co, .netns = b->ns[e]);

		if (vxoff_ctx_new(&co, &b->ctx[e]) < 0)
			return -1;
	}
	if (vxoff_bench_server_new(b->ctx[1], &so, &b->srv) < 0 ||
	    vxoff_bench_server_stats(b->srv, &st) < 0) {
		fprintf(stderr, "bench server: %s\n", errmsg(b->ctx[1]));
		return -1;
	}
	b->port = st.port;
	if (pthread_create(&b->th, NULL, server_main, b->srv)) {
		vxoff_bench_server_free(b->srv);
		b->srv = NULL;
		return -1;
	}
	snprintf(b->snapdir, sizeof(b->snapdir), "/tmp/vxoff-t%d-search-XXXXXX", (int)getpid());
	if (!mkdtemp(b->snapdir))
		return -1;
	return 0;
}

static void bed_down(struct bed *b)
{
	if (b->srv) {
		vxoff_bench_server_stop(b->srv);
		pthread_join(b->th, NULL);
		vxoff_bench_server_free(b->srv);
	}
	for (int e = 0; e < 2; e++) {
		vxoff_ctx_free(b->ctx[e]);
		if (b->ns[e][0])
			nt_ns_delete(b->ns[e]);
	}
	if (b->snapdir[0] && !strchr(b->snapdir, 'X'))
		nt_sh_quiet("rm -rf '%s'", b->snapdir);
}

/* ---- knob states as comparable lines ---- */

struct lines {
	char **v;
	uint32_t n;
};

static void lines_free(struct lines *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Per-NAPI knobs come and go with GRO on veth (their ids change): not comparable. */
static bool comparable(const struct vxoff_knob *k)
{
	if (k->flags & VXOFF_KNOB_F_UNSUPPORTED)
		return false;
	if (k->kind == VXOFF_KNOB_NAPI_THREADED)
		return false;
	if ((k->kind == VXOFF_KNOB_GRO_FLUSH_TIMEOUT || k->kind == VXOFF_KNOB_DEFER_HARD_IRQS) &&
	    k->index >= 0)
		return false;
	return true;
}

/* "end kind dev index key=value" for every knob of both devices of both ends. */
static int read_all(struct bed *b, struct lines *l)
{
	memset(l, 0, sizeof(*l));
	for (int e = 0; e < 2; e++) {
		for (int d = 0; d < 2; d++) {
			struct vxoff_tune_state *st = NULL;
			int r = vxoff_tune_read(b->ctx[e], d ? OVL[e] : DEV[e],
						d ? 0 : VXOFF_TUNE_READ_F_SYSCTLS, &st);

			if (r < 0) {
				fprintf(stderr, "tune_read %s: %s\n", d ? OVL[e] : DEV[e],
					errmsg(b->ctx[e]));
				return r;
			}
			for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
				VXOFF_OUT(vxoff_knob, k);
				char *line;

				if (vxoff_tune_state_get(st, i, &k) < 0 || !comparable(&k))
					continue;
				if (asprintf(&line, "%d %s %s %d %s=%s", e,
					     vxoff_knob_kind_name(k.kind), k.dev ? k.dev : "-",
					     k.index, k.key ? k.key : "-", k.value) < 0)
					return -ENOMEM;
				l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
				l->v[l->n++] = line;
			}
			vxoff_tune_state_free(st);
		}
	}
	return 0;
}

/* The line of @want whose "end kind dev index key" matches @line's; NULL if none. */
static const char *find_line(const struct lines *want, const char *line)
{
	size_t id = strcspn(line, "=");

	for (uint32_t i = 0; i < want->n; i++)
		if (!strncmp(want->v[i], line, id) && want->v[i][id] == '=')
			return want->v[i];
	return NULL;
}

/* Print and count every knob whose value differs; @what names the comparison. */
static int diff(const struct lines *a, const struct lines *b, const char *what, bool print)
{
	int n = 0;

	for (uint32_t i = 0; i < a->n; i++) {
		const char *o = find_line(b, a->v[i]);

		if (!o || strcmp(o, a->v[i])) {
			if (print)
				fprintf(stderr, "  %s: %s | %s\n", what, a->v[i], o ? o : "(gone)");
			n++;
		}
	}
	return n;
}

/* Whether the kept plan of end @e sets the knob of @line to its value. */
static bool in_plan(const struct vxoff_tune_plan *p, int e, const char *line)
{
	for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
		VXOFF_OUT(vxoff_plan_item, it);
		char *want;
		bool ok;

		if (vxoff_tune_plan_item(p, i, &it) < 0 ||
		    asprintf(&want, "%d %s %s %d %s=%s", e, vxoff_knob_kind_name(it.kind),
			     it.dev ? it.dev : "-", it.index, it.key ? it.key : "-", it.target) < 0)
			continue;
		ok = !strcmp(want, line);
		free(want);
		if (ok)
			return true;
	}
	return false;
}

/* ---- the independent check: start vs final, interleaved ---- */

static int run_once(struct bed *b, const char *cpus, const char *server_cpus, double *bps)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .flags = VXOFF_BENCH_F_NO_CONDITIONS, .host = "198.19.0.2",
		   .port = b->port, .duration_ms = RUN_MS, .omit_ms = OMIT_MS, .cpus = cpus,
		   .server_cpus = server_cpus);
	VXOFF_OUT(vxoff_bench_summary, sum);
	struct vxoff_bench_result *res = NULL;
	int r;

	for (int i = 0; i < 20; i++) {
		r = vxoff_bench_run(b->ctx[0], &o, NULL, NULL, &res);
		if (r != -EBUSY)
			break;
		usleep(100000);
	}
	if (r < 0) {
		fprintf(stderr, "bench run: %s\n", errmsg(b->ctx[0]));
		return r;
	}
	r = vxoff_bench_result_summary(res, &sum);
	*bps = sum.throughput_bps;
	vxoff_bench_result_free(res);
	return r;
}

/*
 * The system is at the start state. PAIRS pairs ABBA: start (restored) vs final (the kept
 * plans applied, the kept pinning on); *ratio is the paired ratio final/start. Ends at the
 * start state. With @final_lines, the applied state is compared with them on the first pair.
 */
static int start_vs_final(struct bed *b, const struct vxoff_search *s,
			  const struct lines *final_lines, struct vxoff_stat *ratio)
{
	double base[PAIRS], cand[PAIRS];
	const char *cpus = vxoff_search_bench_cpus(s, 0), *scpus = vxoff_search_bench_cpus(s, 1);
	char snap[2][128];
	bool applied = false;
	int r = 0;

	struct vxoff_tune_plan *loaded[2] = {NULL, NULL};

	/* the plans go through their JSON files, as `vxoff tune apply --plan FILE` reads them */
	for (int e = 0; e < 2 && r == 0; e++) {
		const struct vxoff_tune_plan *pl = NULL;
		char path[128], *text = NULL;
		FILE *f;

		snprintf(snap[e], sizeof(snap[e]), "%s/final-%d.json", b->snapdir, e);
		snprintf(path, sizeof(path), "%s/plan-%d.json", b->snapdir, e);
		vxoff_search_plan(s, (uint32_t)e, &pl);
		if (!vxoff_tune_plan_count(pl))
			continue;
		r = vxoff_tune_plan_json(pl, VXOFF_JSON_PRETTY, &text);
		f = r == 0 ? fopen(path, "w") : NULL;
		CHECK(f, "writing %s", path);
		if (!f) {
			vxoff_free(text);
			return -EIO;
		}
		fputs(text, f);
		fclose(f);
		vxoff_free(text);
		r = vxoff_tune_plan_load(b->ctx[e], path, &loaded[e]);
		CHECK(r == 0, "plan_load %s: %s", path, errmsg(b->ctx[e]));
		if (r == 0)
			CHECK(vxoff_tune_plan_count(loaded[e]) == vxoff_tune_plan_count(pl),
			      "the loaded plan has every item");
	}
	for (int p = 0; p < PAIRS && r == 0; p++) {
		for (int k = 0; k < 2 && r == 0; k++) {
			int arm = (p & 1) ^ k;

			if (arm && !applied) {
				for (int e = 0; e < 2 && r == 0; e++)
					if (loaded[e])
						r = vxoff_tune_apply(b->ctx[e], loaded[e], snap[e],
								     VXOFF_TUNE_APPLY_F_OVERWRITE);
				if (r < 0)
					fprintf(stderr, "re-apply: %s / %s\n", errmsg(b->ctx[0]),
						errmsg(b->ctx[1]));
				applied = true;
				if (r == 0 && final_lines && p == 0) {
					struct lines now;

					r = read_all(b, &now);
					CHECK(r == 0 && diff(final_lines, &now, "re-applied",
							     true) == 0,
					      "the kept plan re-applies to the state the search "
					      "left");
					CHECK(now.n == final_lines->n, "%u knobs vs %u", now.n,
					      final_lines->n);
					lines_free(&now);
				}
			} else if (!arm && applied) {
				for (int e = 0; e < 2; e++)
					if (access(snap[e], F_OK) == 0 &&
					    vxoff_tune_restore(b->ctx[e], snap[e],
							       VXOFF_TUNE_RESTORE_F_REMOVE,
							       NULL) < 0) {
						fprintf(stderr, "restore: %s\n", errmsg(b->ctx[e]));
						r = -EIO;
					}
				applied = false;
			}
			if (r == 0)
				r = run_once(b, arm && *cpus ? cpus : NULL,
					     arm && *scpus ? scpus : NULL,
					     arm ? &cand[p] : &base[p]);
		}
	}
	if (applied)
		for (int e = 0; e < 2; e++)
			if (access(snap[e], F_OK) == 0)
				vxoff_tune_restore(b->ctx[e], snap[e], VXOFF_TUNE_RESTORE_F_REMOVE,
						   NULL);
	for (int e = 0; e < 2; e++)
		vxoff_tune_plan_free(loaded[e]);
	if (r == 0)
		r = vxoff_stat_paired_ratio(base, cand, PAIRS, ratio);
	fprintf(stderr, "  start vs final:");
	for (int p = 0; p < PAIRS; p++)
		fprintf(stderr, " %.2f/%.2f", base[p] / 1e9, cand[p] / 1e9);
	fprintf(stderr, " Gbit/s; ratio %.3f [%.3f, %.3f], median %.3f\n", ratio->mean,
		ratio->ci_low, ratio->ci_high, ratio->median);
	return r;
}

static int progress(void *user, uint32_t ev, const struct vxoff_search_trial *t)
{
	(void)user;
	if (ev == VXOFF_SEARCH_EV_TRIAL_END)
		fprintf(stderr, "  trial %u %s (%s): %s\n", t->index + 1, t->name, t->change,
			t->message);
	return 0;
}

static struct vxoff_search *search(struct bed *b, uint32_t flags, uint32_t budget, const char *skip)
{
	VXOFF_OPTS(vxoff_search_opts, so, .flags = flags | VXOFF_SEARCH_F_START_SERVER,
		   .host = "198.19.0.2", .objective = VXOFF_SEARCH_OBJ_THROUGHPUT, .dev = "va",
		   .overlay = "xa", .peer_dev = "vb", .peer_overlay = "xb", .budget_s = budget,
		   .pairs = PAIRS, .duration_ms = RUN_MS, .omit_ms = OMIT_MS, .skip = skip,
		   .snapshot_dir = b->snapdir, .progress = progress, .seed = (uint64_t)getpid());
	struct vxoff_search *s = NULL;
	char *json = NULL;
	int r;

	r = vxoff_search_new(b->ctx[0], b->ctx[1], &so, &s);
	CHECK(r == 0, "search_new: %s", errmsg(b->ctx[0]));
	if (r < 0)
		return NULL;
	r = vxoff_search_run(s);
	CHECK(r == 0, "search_run: %d %s", r, errmsg(b->ctx[0]));
	if (vxoff_search_json(s, VXOFF_JSON_PRETTY, &json) == 0) {
		const char *dump = getenv("VXOFF_SEARCH_LOG_DIR");

		if (dump) {
			char path[256];
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s.json", dump,
				 skip ? "no-offload" : "default");
			f = fopen(path, "w");
			if (f) {
				fputs(json, f);
				fclose(f);
			}
		}
		CHECK(json && strstr(json, "\"vxoff-tune-search/1\""), "schema");
		vxoff_free(json);
	}
	if (r < 0) {
		vxoff_search_free(s);
		return NULL;
	}
	return s;
}

/* Default testbed, a short budget. */
static void default_testbed(void)
{
	struct lines start = {0}, after = {0}, back = {0};
	VXOFF_OUT(vxoff_stat, ratio);
	struct vxoff_search *s = NULL;
	struct bed b;
	uint32_t kept = 0;

	fprintf(stderr, "default testbed\n");
	if (bed_up(&b, "sd", false) < 0) {
		CHECK(0, "testbed");
		goto out;
	}
	if (read_all(&b, &start) < 0)
		goto out;
	s = search(&b, 0, 75, NULL);
	if (!s)
		goto out;
	CHECK(vxoff_search_trial_count(s) >= 1, "at least one trial ran in 75 s");
	if (read_all(&b, &after) < 0)
		goto out;
	/* every knob that moved is one the search kept, at its target */
	for (uint32_t i = 0; i < start.n; i++) {
		const char *now = find_line(&after, start.v[i]);
		const struct vxoff_tune_plan *p = NULL;
		int e = start.v[i][0] - '0';

		if (now && !strcmp(now, start.v[i]))
			continue;
		vxoff_search_plan(s, (uint32_t)e, &p);
		CHECK(now && in_plan(p, e, now), "moved but not kept: %s -> %s", start.v[i],
		      now ? now : "(gone)");
	}
	for (uint32_t e = 0; e < 2; e++) {
		const struct vxoff_tune_plan *p = NULL;

		vxoff_search_plan(s, e, &p);
		kept += vxoff_tune_plan_count(p);
	}
	/* back to the start, exactly */
	CHECK(vxoff_search_restore(s) == 0, "search_restore: %s", errmsg(b.ctx[0]));
	if (read_all(&b, &back) == 0)
		CHECK(diff(&start, &back, "restored", true) == 0 && start.n == back.n,
		      "the start state is back after vxoff_search_restore()");
	/* the final state, measured here: never measurably worse than the start */
	if (kept || *vxoff_search_bench_cpus(s, 0)) {
		if (start_vs_final(&b, s, &after, &ratio) == 0)
			CHECK(ratio.ci_high >= 1.0, "final state measurably worse: [%.3f, %.3f]",
			      ratio.ci_low, ratio.ci_high);
	} else {
		fprintf(stderr, "  nothing kept: the final state is the start state\n");
		CHECK(diff(&start, &after, "nothing kept", true) == 0,
		      "nothing kept, nothing moved");
	}
out:
	lines_free(&start);
	lines_free(&after);
	lines_free(&back);
	vxoff_search_free(s);
	bed_down(&b);
}

/* No tunnel offload on the sender, MTU allowed: jumbo frames must win >= 1.5x. */
static void no_tunnel_offload(void)
{
	struct lines after = {0};
	VXOFF_OUT(vxoff_stat, ratio);
	struct vxoff_search *s = NULL;
	const struct vxoff_tune_plan *p = NULL;
	struct bed b;
	bool mtu = false;

	fprintf(stderr, "no tunnel offload on the sender, MTU allowed\n");
	if (bed_up(&b, "so", true) < 0) {
		CHECK(0, "testbed");
		goto out;
	}
	/* tnl-offload skipped: a NIC without it cannot be switched on (its feature is fixed) */
	s = search(&b, VXOFF_SEARCH_F_ALLOW_MTU, 60, "tnl-offload");
	if (!s)
		goto out;
	vxoff_search_plan(s, VXOFF_SEARCH_END_SENDER, &p);
	for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		if (vxoff_tune_plan_item(p, i, &it) == 0 && it.kind == VXOFF_KNOB_MTU)
			mtu = true;
	}
	CHECK(mtu, "the jumbo MTU was kept on the sender");
	if (read_all(&b, &after) < 0 || vxoff_search_restore(s) < 0)
		goto out;
	if (start_vs_final(&b, s, &after, &ratio) == 0)
		CHECK(ratio.median >= 1.5, "final/start median ratio %.3f < 1.5", ratio.median);
out:
	lines_free(&after);
	vxoff_search_free(s);
	bed_down(&b);
}

static int stop_on_candidate(void *user, uint32_t ev, const struct vxoff_search_trial *t)
{
	int *seen = user;

	/* the first candidate run is done: the candidate is applied right now */
	if (ev == VXOFF_SEARCH_EV_RUN && t->last_arm == 1) {
		(*seen)++;
		return 1;
	}
	return 0;
}

/* A stop while a candidate is applied: -ECANCELED and the start state back. */
static void stop_restores(void)
{
	struct lines start = {0}, back = {0};
	struct vxoff_search *s = NULL;
	struct bed b;
	int seen = 0, r;

	fprintf(stderr, "stop with a candidate applied\n");
	if (bed_up(&b, "st", true) < 0) {
		CHECK(0, "testbed");
		goto out;
	}
	if (read_all(&b, &start) < 0)
		goto out;
	{
		VXOFF_OPTS(vxoff_search_opts, so,
			   .flags = VXOFF_SEARCH_F_START_SERVER | VXOFF_SEARCH_F_ALLOW_MTU,
			   .host = "198.19.0.2", .dev = "va", .overlay = "xa", .peer_dev = "vb",
			   .peer_overlay = "xb", .budget_s = 60, .pairs = PAIRS,
			   .duration_ms = RUN_MS, .omit_ms = OMIT_MS, .snapshot_dir = b.snapdir,
			   .progress = stop_on_candidate, .progress_user = &seen);

		r = vxoff_search_new(b.ctx[0], b.ctx[1], &so, &s);
		CHECK(r == 0, "search_new: %s", errmsg(b.ctx[0]));
		if (r < 0)
			goto out;
	}
	r = vxoff_search_run(s);
	CHECK(r == -ECANCELED, "search_run after a stop: %d (%s)", r, errmsg(b.ctx[0]));
	CHECK(seen == 1, "one candidate run before the stop, saw %d", seen);
	CHECK(vxoff_search_run(s) == -EBUSY, "a search runs once");
	if (read_all(&b, &back) == 0)
		CHECK(diff(&start, &back, "after stop", true) == 0 && start.n == back.n,
		      "the start state is back after a stop");
	{
		char cmd[160];
		struct nt_run nr;

		/* no snapshot file is left behind: each was restored and removed */
		snprintf(cmd, sizeof(cmd), "ls %s | grep -c vxoff-search", b.snapdir);
		nt_sh(&nr, "%s", cmd);
		CHECK(atoi(nr.out) == 0, "snapshot files left: %s", nr.out);
		nt_run_free(&nr);
	}
out:
	lines_free(&start);
	lines_free(&back);
	vxoff_search_free(s);
	bed_down(&b);
}

int main(void)
{
	const char *why = nt_precondition();

	if (why) {
		printf("skip: %s\n", why);
		return 77;
	}
	if (nt_sh_quiet("modprobe vxlan 2>/dev/null || true") != 0) {
		printf("skip: no vxlan\n");
		return 77;
	}
	stop_restores();
	default_testbed();
	no_tunnel_offload();
	if (failures)
		fprintf(stderr, "%d failure(s)\n", failures);
	else
		printf("search integration: ok\n");
	return failures ? 1 : 0;
}
