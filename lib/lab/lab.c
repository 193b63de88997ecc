/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab: check, build the testbed, probe, measure plain against VXLAN, tune, measure
 * again, restore, remove what was built. Every step after CHECK ends in RESTORE and CLEANUP,
 * whatever happens: an error, vxoff_lab_stop() or a progress callback that says stop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <vxoff/bench.h>
#include <vxoff/probe.h>
#include <vxoff/search.h>
#include <vxoff/tune.h>

#include "lab_internal.h"

struct vxoff_lab {
	struct vxoff_ctx *ctx;
	struct vxoff_lab_opts o;
	char *name, *underlay, *peer_ns, *peer_addr, *app_cpus;
	const char *tune_note;			 /* why this tuning mode, in words */
	atomic_int stopping;
	atomic_int running;
	atomic_int in_stop;			 /* vxoff_lab_stop() calls under way */
	_Atomic(struct vxoff_bench_server *) srv; /* the server to stop, while it runs */
	_Atomic(struct vxoff_search *) search;	 /* the search to stop, while it runs */
};

/* Search defaults: a trial is 5 pairs of short runs; the budget leaves the default lab
 * within 3 minutes on a 2-core machine (docs/lab.md). */
#define LAB_SEARCH_BUDGET_S 90u
#define LAB_SEARCH_BUDGET_QUICK_S 30u
#define LAB_SEARCH_RUN_MS 1000u
#define LAB_SEARCH_OMIT_MS 300u
#define LAB_SEARCH_RUN_QUICK_MS 500u
#define LAB_SEARCH_OMIT_QUICK_MS 200u

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VXOFF__LAB_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return false;
	return s[0] != '.' && s[0] != '-';
}

static int dup_opt(struct vxoff_ctx *ctx, const char *in, char **out)
{
	*out = NULL;
	if (!in)
		return 0;
	*out = strdup(in);
	return *out ? 0 : vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
}

int vxoff_lab_new(struct vxoff_ctx *ctx, const struct vxoff_lab_opts *opts,
		  struct vxoff_lab **ret)
{
	struct vxoff_lab *lab;
	struct vxoff_lab_opts o;
	const uint32_t known = VXOFF_LAB_F_QUICK | VXOFF_LAB_F_NO_TUNE |
			       VXOFF_LAB_F_NO_TNL_OFFLOAD | VXOFF_LAB_F_ALLOW_MTU;
	const char *note;
	bool quick;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: ret is NULL");
		goto out;
	}
	memset(&o, 0, sizeof(o));
	if (opts) {
		r = vxoff__copy_in(&o, sizeof(o), opts, VXOFF_LAB_OPTS_SZ_0_1);
		if (r < 0) {
			r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				       "lab options: sz %u is not a size this library knows",
				       opts->sz);
			goto out;
		}
	}
	if (o.flags & ~known) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: unknown flags 0x%x",
			       o.flags & ~known);
		goto out;
	}
	quick = o.flags & VXOFF_LAB_F_QUICK;
	if (o.tune > VXOFF_LAB_TUNE_NONE) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: unknown tune mode %u (search, profile, none)", o.tune);
		goto out;
	}
	if ((o.flags & VXOFF_LAB_F_NO_TUNE) && o.tune && o.tune != VXOFF_LAB_TUNE_NONE) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: NO_TUNE and tune mode %s contradict each other",
			       vxoff__lab_tune_mode_name(o.tune));
		goto out;
	}
	/* Resolve the default: the search, except where a profile was asked for or the run
	 * is quick (a search needs 5 pairs per trial: it does not fit in 30 s). */
	if (o.flags & VXOFF_LAB_F_NO_TUNE) {
		o.tune = VXOFF_LAB_TUNE_NONE;
		note = "tuning skipped (no-tune)";
	} else if (o.tune == VXOFF_LAB_TUNE_DEFAULT) {
		o.tune = quick || o.profile ? VXOFF_LAB_TUNE_PROFILE : VXOFF_LAB_TUNE_SEARCH;
		note = quick	   ? "quick run: the profile is applied without a search (a search "
				     "needs 5 A/B pairs per trial, more than 30 s allow)"
		       : o.profile ? "a profile was asked for: applied without a search"
				   : "the default: a measured search";
	} else {
		note = o.tune == VXOFF_LAB_TUNE_SEARCH	  ? "a measured search, as asked"
		       : o.tune == VXOFF_LAB_TUNE_PROFILE ? "the profile, as asked"
							  : "tuning skipped, as asked";
	}
	if (o.tune == VXOFF_LAB_TUNE_NONE)
		o.flags |= VXOFF_LAB_F_NO_TUNE;
	if (o.budget_s && o.tune != VXOFF_LAB_TUNE_SEARCH) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: a search budget (%u s) goes with tune mode search, not %s",
			       o.budget_s, vxoff__lab_tune_mode_name(o.tune));
		goto out;
	}
	if (!o.budget_s)
		o.budget_s = quick ? LAB_SEARCH_BUDGET_QUICK_S : LAB_SEARCH_BUDGET_S;
	if (o.budget_s > 3600) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: search budget %u s is more than 3600 s", o.budget_s);
		goto out;
	}
	if ((o.flags & VXOFF_LAB_F_ALLOW_MTU) &&
	    (o.tune != VXOFF_LAB_TUNE_SEARCH || o.underlay)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: ALLOW_MTU is for a search on the lab's own testbed%s",
			       o.underlay ? ", not a user's underlay" : "");
		goto out;
	}
	if (!o.name)
		o.name = VXOFF__LAB_DEFAULT_NAME;
	if (!name_ok(o.name)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab name '%s': 1 to %u of A-Z a-z 0-9 . _ -, not starting with . or -",
			       o.name, VXOFF__LAB_NAME_MAX);
		goto out;
	}
	if (o.underlay && (!o.peer_ns || !o.peer_addr)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: underlay %s needs peer_ns and peer_addr", o.underlay);
		goto out;
	}
	if (!o.underlay && (o.peer_ns || o.peer_addr)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: peer_ns and peer_addr go with an underlay");
		goto out;
	}
	if (o.underlay && o.mtu) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: the MTU of a user's underlay (%s) is the user's; mtu must be 0",
			       o.underlay);
		goto out;
	}
	if (!o.mtu)
		o.mtu = 1500;
	if (o.mtu < 1280 || o.mtu > 65535) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: underlay MTU %u is not 1280 to 65535", o.mtu);
		goto out;
	}
	if (!o.streams)
		o.streams = 1;
	if (o.streams > VXOFF_BENCH_MAX_STREAMS) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: streams %u is more than %u",
			       o.streams, VXOFF_BENCH_MAX_STREAMS);
		goto out;
	}
	if (!o.pairs)
		o.pairs = quick ? 2 : 5;
	if (o.pairs > 100) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: pairs %u is more than 100",
			       o.pairs);
		goto out;
	}
	/* with a search in between, the two phases are shorter to stay within 3 minutes */
	if (!o.duration_ms)
		o.duration_ms = quick ? 1000 : o.tune == VXOFF_LAB_TUNE_SEARCH ? 2000 : 5000;
	if (!o.omit_ms)
		o.omit_ms = quick ? 500 : o.tune == VXOFF_LAB_TUNE_SEARCH ? 500 : 1000;
	if (o.duration_ms > 600000 || o.omit_ms > 60000) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "lab: duration %u ms or warm-up %u ms is too long (600 s, 60 s)",
			       o.duration_ms, o.omit_ms);
		goto out;
	}
	if (!o.profile)
		o.profile = VXOFF_PROFILE_SINGLE_STREAM;
	if (!vxoff_profile_name(o.profile)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: unknown profile %u",
			       o.profile);
		goto out;
	}
	if (!o.vni)
		o.vni = 42;
	if (o.vni >= (1u << 24)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: VNI %u is not below 2^24",
			       o.vni);
		goto out;
	}
	if (!o.port)
		o.port = 4789;
	if (o.port > 65535) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab: port %u is above 65535",
			       o.port);
		goto out;
	}
	lab = calloc(1, sizeof(*lab));
	if (!lab) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto out;
	}
	lab->ctx = ctx;
	if ((r = dup_opt(ctx, o.name, &lab->name)) < 0 ||
	    (r = dup_opt(ctx, o.underlay, &lab->underlay)) < 0 ||
	    (r = dup_opt(ctx, o.peer_ns, &lab->peer_ns)) < 0 ||
	    (r = dup_opt(ctx, o.peer_addr, &lab->peer_addr)) < 0 ||
	    (r = dup_opt(ctx, o.app_cpus, &lab->app_cpus)) < 0) {
		vxoff_lab_free(lab);
		goto out;
	}
	o.name = lab->name;
	o.underlay = lab->underlay;
	o.peer_ns = lab->peer_ns;
	o.peer_addr = lab->peer_addr;
	o.app_cpus = lab->app_cpus;
	lab->o = o;
	lab->tune_note = note;
	atomic_init(&lab->srv, NULL);
	atomic_init(&lab->search, NULL);
	*ret = lab;
	r = 0;
out:
	vxoff__ctx_leave(ctx);
	return r;
}

void vxoff_lab_free(struct vxoff_lab *lab)
{
	if (!lab)
		return;
	free(lab->name);
	free(lab->underlay);
	free(lab->peer_ns);
	free(lab->peer_addr);
	free(lab->app_cpus);
	free(lab);
}

int vxoff_lab_stop(struct vxoff_lab *lab)
{
	struct vxoff_bench_server *srv;
	struct vxoff_search *search;

	if (!lab)
		return -EINVAL;
	atomic_fetch_add(&lab->in_stop, 1);
	atomic_store(&lab->stopping, 1);
	search = atomic_load(&lab->search);
	if (search)
		vxoff_search_stop(search);
	/* A test in progress ends at once: the server aborts it, the client sees it. */
	srv = atomic_load(&lab->srv);
	if (srv)
		vxoff_bench_server_stop(srv);
	atomic_fetch_sub(&lab->in_stop, 1);
	return 0;
}

/* ---- the run ---- */

struct run {
	struct vxoff_lab *lab;
	struct vxoff_ctx *ctx;	     /* the caller's, holding the errors */
	struct vxoff_ctx *host;	     /* our own in the caller's namespace */
	struct vxoff_ctx *end[2];    /* client and server ends */
	vxoff_lab_progress_fn fn;
	void *user;
	struct vxoff__lab_state st;
	struct vxoff__lab_testbed tb;
	struct vxoff_lab_report *rep;
	struct vxoff_bench_server *srv;
	pthread_t srv_thread;
	bool srv_running;
	uint32_t port;
	char snap[2][300];
	struct vxoff_search *search; /* a finished search whose kept plans are applied */
	char search_dir[300];
	double search_t0;
	const char *cpus[2];	     /* bench pinning of the after phase (search), NULL = opts */
	/* measurement progress */
	uint32_t phase, base_pct, span_pct, runs_done;
	uint64_t last_tx[2];	     /* client device counters: underlay, VXLAN */
	uint64_t *dev_tx[2];	     /* per arm, per pair */
};

static bool stopped(struct run *R)
{
	return atomic_load(&R->lab->stopping) != 0;
}

static int progress(struct run *R, uint32_t step, uint32_t pct, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int progress(struct run *R, uint32_t step, uint32_t pct, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!R->fn)
		return stopped(R) ? -ECANCELED : 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (R->fn(R->user, step, pct > 100 ? 100 : pct, msg) != 0)
		atomic_store(&R->lab->stopping, 1);
	return stopped(R) ? -ECANCELED : 0;
}

static int canceled(struct run *R)
{
	return vxoff__err(R->ctx, -ECANCELED, VXOFF_REASON_NONE, "lab stopped");
}

static char *sdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static struct vxoff_ctx *ctx_in(const char *netns, int *err)
{
	VXOFF_OPTS(vxoff_ctx_opts, o, .netns = netns);
	struct vxoff_ctx *c = NULL;

	*err = vxoff_ctx_new(netns && netns[0] ? &o : NULL, &c);
	return c;
}

static int open_ends(struct run *R)
{
	const char *ns[2] = { R->tb.ns_a, R->tb.ns_b };

	for (int i = 0; i < 2; i++) {
		int r;

		if (!ns[i][0]) {
			R->end[i] = NULL; /* the host context serves */
			continue;
		}
		R->end[i] = ctx_in(ns[i], &r);
		if (!R->end[i])
			return vxoff__err(R->ctx, r, VXOFF_REASON_NO_NETNS, "namespace %s: %s",
					  ns[i], strerror(-r));
	}
	return 0;
}

static struct vxoff_ctx *end_ctx(struct run *R, int i)
{
	return R->end[i] ? R->end[i] : R->host;
}

/* ---- probe ---- */

static int probe_end(struct run *R, int i)
{
	struct vxoff__lab_end *e = &R->rep->ends[i];
	struct vxoff_devinfo *di = NULL;
	VXOFF_OUT(vxoff_vxlan_verdict, v);
	int r;

	r = vxoff_probe_device(end_ctx(R, i), VXOFF__LAB_VXLAN, 0, NULL, &di);
	if (r < 0)
		return vxoff__lab_err_from(R->ctx, end_ctx(R, i), r, "probing the testbed");
	if (vxoff_devinfo_vxlan(di, &v) == 0) {
		e->verdict = v.verdict;
		e->reasons = calloc(v.reason_count ? v.reason_count : 1, sizeof(*e->reasons));
		for (uint32_t k = 0; e->reasons && k < v.reason_count; k++) {
			VXOFF_OUT(vxoff_vxlan_reason, x);

			if (vxoff_devinfo_vxlan_reason(di, k, &x) < 0)
				continue;
			e->reasons[e->nreasons].name = sdup(x.name);
			e->reasons[e->nreasons].severity = sdup(vxoff_severity_name(x.severity));
			e->reasons[e->nreasons].text = sdup(x.text);
			e->nreasons++;
		}
	}
	vxoff_devinfo_free(di);
	return 0;
}

/* ---- server ---- */

static void *server_main(void *p)
{
	vxoff_bench_server_run(p);
	return NULL;
}

static int server_start(struct run *R)
{
	VXOFF_OPTS(vxoff_bench_server_opts, so, .flags = VXOFF_BENCH_SERVER_F_ANY_PORT);
	VXOFF_OUT(vxoff_bench_server_stats, ss);
	struct vxoff_ctx *c = end_ctx(R, 1);
	int r;

	r = vxoff_bench_server_new(c, &so, &R->srv);
	if (r < 0)
		return vxoff__lab_err_from(R->ctx, c, r, "starting the bench server");
	r = vxoff_bench_server_stats(R->srv, &ss);
	if (r < 0 || !ss.port) {
		vxoff_bench_server_free(R->srv);
		R->srv = NULL;
		return vxoff__err(R->ctx, r < 0 ? r : -EPROTO, VXOFF_REASON_INTERNAL,
				  "the bench server reports no port");
	}
	R->port = ss.port;
	r = pthread_create(&R->srv_thread, NULL, server_main, R->srv);
	if (r) {
		vxoff_bench_server_free(R->srv);
		R->srv = NULL;
		return vxoff__err(R->ctx, -r, VXOFF_REASON_SYSTEM, "server thread: %s",
				  strerror(r));
	}
	R->srv_running = true;
	atomic_store(&R->lab->srv, R->srv);
	if (stopped(R)) /* a stop that came before the pointer was published */
		vxoff_bench_server_stop(R->srv);
	return 0;
}

static void server_end(struct run *R)
{
	if (!R->srv)
		return;
	atomic_store(&R->lab->srv, NULL);
	while (atomic_load(&R->lab->in_stop))
		sched_yield();
	if (R->srv_running) {
		vxoff_bench_server_stop(R->srv);
		pthread_join(R->srv_thread, NULL);
	}
	vxoff_bench_server_free(R->srv);
	R->srv = NULL;
	R->srv_running = false;
}

/* ---- measure ---- */

static void read_tx(struct run *R, uint64_t out[2])
{
	struct vxoff_ctx *c = end_ctx(R, 0);

	out[0] = out[1] = 0;
	vxoff__lab_dev_tx_bytes(c, R->tb.ul_a, &out[0]);
	vxoff__lab_dev_tx_bytes(c, VXOFF__LAB_VXLAN, &out[1]);
}

static int on_run(void *user, uint32_t pair, uint32_t arm, const struct vxoff_bench_result *res)
{
	struct run *R = user;
	VXOFF_OUT(vxoff_bench_summary, s);
	uint64_t now[2];
	uint32_t total = 2 * R->lab->o.pairs;

	read_tx(R, now);
	if (arm < 2 && pair < R->lab->o.pairs)
		R->dev_tx[arm][pair] = now[arm] - R->last_tx[arm];
	R->last_tx[0] = now[0];
	R->last_tx[1] = now[1];
	R->runs_done++;
	vxoff_bench_result_summary(res, &s);
	return progress(R, R->phase ? VXOFF_LAB_STEP_REMEASURE : VXOFF_LAB_STEP_MEASURE,
			R->base_pct + R->span_pct * R->runs_done / total,
			"%s pair %u/%u %s: %.2f Gbit/s", R->phase ? "after tuning" : "before tuning",
			pair + 1, R->lab->o.pairs, arm ? "vxlan" : "plain",
			s.throughput_bps / 1e9) < 0;
}

static void fill_run(const struct vxoff_bench_result *res, struct vxoff__lab_run *x)
{
	VXOFF_OUT(vxoff_bench_summary, s);

	if (vxoff_bench_result_summary(res, &s) == 0) {
		x->tput_bps = s.throughput_bps;
		x->bytes_received = s.bytes_received;
		x->total_sent = s.total_sent;
		x->total_received = s.total_received;
		x->retransmits = s.retransmits;
	}
	for (uint32_t end = 0; end < 2; end++) {
		VXOFF_OUT(vxoff_bench_cpu, c);

		if (vxoff_bench_result_cpu(res, end, -1, &c) < 0)
			continue;
		x->cpu_gb[end] = c.cpu_s_per_gb;
		x->busy_cpus[end] = c.busy_cpus;
		x->hottest[end] = c.hottest_busy;
		x->ncpus[end] = c.ncpus;
		x->cpu_busy[end] = calloc(c.ncpus ? c.ncpus : 1, sizeof(double));
		for (uint32_t k = 0; x->cpu_busy[end] && k < c.ncpus; k++) {
			VXOFF_OUT(vxoff_bench_cpu, one);

			if (vxoff_bench_result_cpu(res, end, (int32_t)k, &one) == 0)
				x->cpu_busy[end][k] = one.busy_cpus;
		}
	}
}

/* vxoff_bench_compare() wants enough pairs for an interval; quick labs run fewer. */
#define LAB_COMPARE_MIN_PAIRS 5u

/* The same interleaving by hand: AB, BA, AB, ... each run through vxoff_bench_run(). */
static int few_pairs(struct run *R, struct vxoff_ctx *c, const struct vxoff_bench_opts *test,
		     const struct vxoff_bench_path *base, const struct vxoff_bench_path *cand,
		     struct vxoff__lab_run *runs[2])
{
	for (uint32_t p = 0; p < R->lab->o.pairs; p++)
		for (uint32_t k = 0; k < 2; k++) {
			uint32_t arm = p % 2 ? 1 - k : k;
			const struct vxoff_bench_path *path = arm ? cand : base;
			struct vxoff_bench_opts t = *test;
			struct vxoff_bench_result *res = NULL;
			int r;

			if (stopped(R))
				return -ECANCELED;
			t.host = path->host;
			t.port = path->port;
			/* the server may still be closing the previous test: a busy reply then */
			for (int tries = 0;; tries++) {
				struct timespec ts = { 0, 100 * 1000000L };

				r = vxoff_bench_run(c, &t, NULL, NULL, &res);
				if (r != -EBUSY || tries >= 30 || stopped(R))
					break;
				nanosleep(&ts, NULL);
			}
			if (r < 0)
				return r;
			fill_run(res, &runs[arm][p]);
			r = on_run(R, p, arm, res);
			vxoff_bench_result_free(res);
			if (r)
				return -ECANCELED;
		}
	return 0;
}

static int measure(struct run *R, uint32_t phase, uint32_t base_pct, uint32_t span_pct)
{
	const struct vxoff_lab_opts *o = &R->lab->o;
	VXOFF_OPTS(vxoff_bench_opts, t, .flags = VXOFF_BENCH_F_NO_CONDITIONS,
		   .streams = o->streams, .duration_ms = o->duration_ms, .omit_ms = o->omit_ms,
		   .cpus = o->app_cpus, .server_cpus = o->app_cpus);
	VXOFF_OPTS(vxoff_bench_path, base, .name = "plain", .host = R->tb.addr_b,
		   .port = R->port);
	VXOFF_OPTS(vxoff_bench_path, cand, .name = "vxlan", .host = R->tb.ov_b, .port = R->port);
	VXOFF_OPTS(vxoff_bench_compare_opts, co, .test = &t, .base = &base, .cand = &cand,
		   .pairs = o->pairs);
	struct vxoff_bench_comparison *cmp = NULL;
	struct vxoff__lab_run *runs[2] = { NULL, NULL };
	struct vxoff_ctx *c = end_ctx(R, 0);
	int r;

	/* the after phase runs with the pinning the search kept, if it kept one */
	if (phase && R->cpus[0] && R->cpus[0][0])
		t.cpus = R->cpus[0];
	if (phase && R->cpus[1] && R->cpus[1][0])
		t.server_cpus = R->cpus[1];
	R->phase = phase;
	R->base_pct = base_pct;
	R->span_pct = span_pct;
	R->runs_done = 0;
	for (int a = 0; a < 2; a++) {
		free(R->dev_tx[a]);
		R->dev_tx[a] = calloc(o->pairs, sizeof(uint64_t));
		runs[a] = calloc(o->pairs, sizeof(*runs[a]));
		if (!R->dev_tx[a] || !runs[a]) {
			free(runs[0]);
			free(runs[1]);
			return vxoff__err(R->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		}
	}
	read_tx(R, R->last_tx);
	if (o->pairs >= LAB_COMPARE_MIN_PAIRS)
		r = vxoff_bench_compare(c, &co, on_run, R, &cmp);
	else
		r = few_pairs(R, c, &t, &base, &cand, runs);
	if (r < 0) {
		for (uint32_t a = 0; a < 2; a++) {
			for (uint32_t p = 0; p < o->pairs; p++)
				vxoff__lab_run_clear(&runs[a][p]);
			free(runs[a]);
		}
		if (stopped(R))
			return canceled(R);
		return vxoff__lab_err_from(R->ctx, c, r,
					   phase ? "measuring after tuning" : "measuring");
	}
	for (uint32_t p = 0; p < o->pairs; p++)
		for (uint32_t a = 0; a < 2; a++) {
			const struct vxoff_bench_result *res = NULL;

			if (cmp && vxoff_bench_comparison_result(cmp, a, p, &res) == 0)
				fill_run(res, &runs[a][p]);
			runs[a][p].dev_tx_bytes = R->dev_tx[a][p];
		}
	r = vxoff__lab_report_set_phase(R->rep, phase, o->pairs, runs[0], runs[1]);
	if (r < 0) {
		vxoff_bench_comparison_free(cmp);
		return vxoff__err(R->ctx, r, VXOFF_REASON_SYSTEM, "out of memory");
	}
	R->rep->phase[phase].cmp = cmp;
	return 0;
}

/* ---- tune ---- */

static void record_plan(struct vxoff__lab_end *e, const struct vxoff_tune_plan *plan)
{
	uint32_t n = vxoff_tune_plan_count(plan);

	e->plan = calloc(n ? n : 1, sizeof(*e->plan));
	if (!e->plan)
		return;
	for (uint32_t k = 0; k < n; k++) {
		VXOFF_OUT(vxoff_plan_item, it);
		struct vxoff__lab_plan_item *p = &e->plan[e->nplan];

		if (vxoff_tune_plan_item(plan, k, &it) < 0)
			continue;
		p->kind = sdup(vxoff_knob_kind_name(it.kind));
		p->dev = sdup(it.dev);
		p->key = sdup(it.key);
		p->current = sdup(it.current);
		p->target = sdup(it.target);
		p->reason = sdup(it.reason);
		p->gain = sdup(it.gain);
		p->index = it.index;
		p->advice = it.flags & VXOFF_PLAN_F_ADVICE;
		e->nplan++;
	}
}

static void tune_error(struct vxoff__lab_end *e, struct vxoff_ctx *c, int r, const char *what)
{
	VXOFF_OUT(vxoff_error, err);
	struct vxoff__strbuf sb;

	vxoff__sb_init(&sb);
	if (vxoff_ctx_last_error(c, &err) == 0 && err.msg)
		vxoff__sb_add(&sb, "%s: %s", what, err.msg);
	else
		vxoff__sb_add(&sb, "%s: %s", what, strerror(-r));
	free(e->tune_error);
	e->tune_error = vxoff__sb_steal(&sb);
}

/* A tuning failure is part of the answer, not the end of the run: it goes into the report
 * and the other end (and the re-measurement) go on. A failed state file write is fatal. */
static int tune(struct run *R)
{
	const struct vxoff_lab_opts *o = &R->lab->o;

	for (int i = 0; i < 2; i++) {
		VXOFF_OPTS(vxoff_tune_plan_opts, po, .profile = o->profile, .app_cpus = o->app_cpus,
			   .overlay = VXOFF__LAB_VXLAN);
		struct vxoff__lab_end *e = &R->rep->ends[i];
		struct vxoff_ctx *c = end_ctx(R, i);
		struct vxoff_tune_plan *plan = NULL;
		const char *ns = i ? R->tb.ns_b : R->tb.ns_a;
		int r;

		if (stopped(R))
			return canceled(R);
		r = vxoff_tune_plan_new(c, i ? R->tb.ul_b : R->tb.ul_a, &po, &plan);
		if (r < 0) {
			tune_error(e, c, r, "planning");
			continue;
		}
		e->planned = true;
		record_plan(e, plan);
		snprintf(R->snap[i], sizeof(R->snap[i]), "%s/lab-%s-%s.tune.json",
			 VXOFF__LAB_STATE_DIR, R->lab->o.name, i ? "server" : "client");
		r = vxoff__lab_state_add(R->ctx, &R->st, VXOFF__LAB_OBJ_TUNE, ns[0] ? ns : NULL,
					 NULL, R->snap[i]);
		if (r < 0) {
			vxoff_tune_plan_free(plan);
			return r;
		}
		r = vxoff_tune_apply(c, plan, R->snap[i], VXOFF_TUNE_APPLY_F_OVERWRITE);
		vxoff_tune_plan_free(plan);
		if (r < 0) {
			tune_error(e, c, r, "applying");
			if (r == -ENOTRECOVERABLE)
				return vxoff__lab_err_from(R->ctx, c, r, "tuning");
			continue;
		}
		e->applied = true;
		progress(R, VXOFF_LAB_STEP_TUNE, 51, "%s end: %u changes applied",
			 i ? "server" : "client", e->nplan);
	}
	return 0;
}

/* ---- search ---- */

static double now_s(void);

static int on_search(void *user, uint32_t event, const struct vxoff_search_trial *t)
{
	struct run *R = user;
	double spent = now_s() - R->search_t0, budget = R->lab->o.budget_s;
	/* the search takes percent 40 to 60 of the run, by its budget */
	uint32_t pct = 40 + (uint32_t)(20 * (spent < budget ? spent / budget : 1));

	if (event == VXOFF_SEARCH_EV_TRIAL_START)
		progress(R, VXOFF_LAB_STEP_TUNE, pct, "search trial %u: %s (%s)", t->index + 1,
			 t->name, t->change);
	else if (event == VXOFF_SEARCH_EV_RUN)
		progress(R, VXOFF_LAB_STEP_TUNE, pct, "search trial %u %s: %s run %.2f Gbit/s",
			 t->index + 1, t->name, t->last_arm ? "candidate" : "baseline",
			 t->last_bps / 1e9);
	else if (event == VXOFF_SEARCH_EV_TRIAL_END)
		progress(R, VXOFF_LAB_STEP_TUNE, pct,
			 "search trial %u %s: %s (%s), %.2f -> %.2f Gbit/s, ratio %.3f "
			 "[%.3f, %.3f]",
			 t->index + 1, t->name, vxoff__lab_outcome_name(t->outcome),
			 vxoff__lab_why_name(t->why), t->base_bps / 1e9, t->cand_bps / 1e9,
			 t->ratio, t->ci_low, t->ci_high);
	return stopped(R) ? 1 : 0;
}

static void record_trials(struct vxoff__lab_tuning *tu, const struct vxoff_search *s)
{
	uint32_t n = vxoff_search_trial_count(s);

	tu->trials = calloc(n ? n : 1, sizeof(*tu->trials));
	for (uint32_t i = 0; tu->trials && i < n; i++) {
		VXOFF_OUT(vxoff_search_trial, t);
		struct vxoff__lab_trial *x = &tu->trials[tu->ntrials];

		if (vxoff_search_trial(s, i, &t) < 0)
			continue;
		x->name = sdup(t.name);
		x->change = sdup(t.change);
		x->message = sdup(t.message);
		x->outcome = t.outcome;
		x->why = t.why;
		x->pairs = t.pairs;
		x->err = t.err;
		x->base_bps = t.base_bps;
		x->cand_bps = t.cand_bps;
		x->base_cpu = t.base_cpu;
		x->cand_cpu = t.cand_cpu;
		x->ratio = t.ratio;
		x->ci_low = t.ci_low;
		x->ci_high = t.ci_high;
		x->expected = t.expected;
		tu->ntrials++;
	}
}

/* The search's snapshot directory, recorded for both ends before it exists, so --cleanup
 * restores what a killed search left applied. */
static int search_dir(struct run *R)
{
	const char *ns[2] = { R->tb.ns_a, R->tb.ns_b };
	static const char *const end[2] = { "sender", "receiver" };
	int r;

	snprintf(R->search_dir, sizeof(R->search_dir), "%s/lab-%s.search", VXOFF__LAB_STATE_DIR,
		 R->lab->o.name);
	for (int i = 0; i < 2; i++) {
		r = vxoff__lab_state_add(R->ctx, &R->st, VXOFF__LAB_OBJ_TUNE_DIR,
					 ns[i][0] ? ns[i] : NULL, end[i], R->search_dir);
		if (r < 0)
			return r;
	}
	if (mkdir(R->search_dir, 0700) < 0 && errno != EEXIST)
		return vxoff__err(R->ctx, -errno, VXOFF_REASON_SYSTEM, "lab: creating %s: %s",
				  R->search_dir, strerror(errno));
	return 0;
}

/*
 * The measured search on both ends (search.h), against the lab's own bench server. Its kept
 * plans stay applied for the re-measurement; restore() undoes them. A failed search is part
 * of the answer (the start state is back): it goes into the report and the run goes on.
 */
static int tune_search(struct run *R)
{
	const struct vxoff_lab_opts *o = &R->lab->o;
	struct vxoff__lab_tuning *tu = &R->rep->tuning;
	bool quick = o->flags & VXOFF_LAB_F_QUICK;
	char skip[64] = "";
	VXOFF_OPTS(vxoff_search_opts, so, .host = R->tb.ov_b, .port = R->port,
		   .objective = VXOFF_SEARCH_OBJ_THROUGHPUT, .dev = R->tb.ul_a,
		   .overlay = VXOFF__LAB_VXLAN, .peer_dev = R->tb.ul_b,
		   .peer_overlay = VXOFF__LAB_VXLAN, .budget_s = o->budget_s,
		   .pairs = VXOFF_SEARCH_MIN_PAIRS,
		   .duration_ms = quick ? LAB_SEARCH_RUN_QUICK_MS : LAB_SEARCH_RUN_MS,
		   .omit_ms = quick ? LAB_SEARCH_OMIT_QUICK_MS : LAB_SEARCH_OMIT_MS,
		   .snapshot_dir = R->search_dir, .progress = on_search, .progress_user = R,
		   .seed = (uint64_t)time(NULL));
	struct vxoff_search *s = NULL;
	char *log = NULL;
	int r;

	/* an emulated NIC without tunnel offload must stay without it; the user's CPUs are
	 * the user's: the search does not move the test threads */
	if (o->flags & VXOFF_LAB_F_NO_TNL_OFFLOAD)
		snprintf(skip, sizeof(skip), "tnl-offload");
	if (o->app_cpus)
		snprintf(skip + strlen(skip), sizeof(skip) - strlen(skip), "%spin",
			 skip[0] ? "," : "");
	so.skip = skip[0] ? skip : NULL;
	if (o->flags & VXOFF_LAB_F_ALLOW_MTU)
		so.flags |= VXOFF_SEARCH_F_ALLOW_MTU;
	tu->objective = sdup("throughput");
	tu->budget_s = so.budget_s;
	tu->pairs = so.pairs;
	tu->duration_ms = so.duration_ms;
	tu->omit_ms = so.omit_ms;

	r = search_dir(R);
	if (r < 0)
		return r;
	r = vxoff_search_new(end_ctx(R, 0), end_ctx(R, 1), &so, &s);
	if (r < 0) {
		struct vxoff__lab_end e = { 0 };

		tune_error(&e, end_ctx(R, 0), r, "search");
		tu->error = e.tune_error;
		return 0;
	}
	R->search_t0 = now_s();
	atomic_store(&R->lab->search, s);
	if (stopped(R))
		vxoff_search_stop(s);
	r = vxoff_search_run(s);
	atomic_store(&R->lab->search, NULL);
	while (atomic_load(&R->lab->in_stop))
		sched_yield();
	record_trials(tu, s);
	if (vxoff_search_json(s, 0, &log) == 0)
		tu->log_json = log;
	else
		vxoff_free(log);
	if (r < 0) {
		/* the search put the start state back (or kept a snapshot for cleanup) */
		struct vxoff__lab_end e = { 0 };

		tune_error(&e, end_ctx(R, 0), r, "search");
		tu->error = e.tune_error;
		vxoff_search_free(s);
		if (stopped(R))
			return canceled(R);
		return 0;
	}
	for (uint32_t i = 0; i < 2; i++) {
		const struct vxoff_tune_plan *plan = NULL;
		struct vxoff__lab_end *e = &R->rep->ends[i];
		const char *cpus = vxoff_search_bench_cpus(s, i);

		tu->bench_cpus[i] = sdup(cpus ? cpus : "");
		if (vxoff_search_plan(s, i, &plan) < 0)
			continue;
		e->planned = true;
		record_plan(e, plan);
		e->applied = vxoff_tune_plan_count(plan) > 0;
	}
	R->search = s;
	R->cpus[0] = tu->bench_cpus[0];
	R->cpus[1] = tu->bench_cpus[1];
	progress(R, VXOFF_LAB_STEP_TUNE, 62,
		 "search done: %u trials, kept %u change%s on the client, %u on the server%s",
		 tu->ntrials, R->rep->ends[0].nplan, R->rep->ends[0].nplan == 1 ? "" : "s",
		 R->rep->ends[1].nplan,
		 (tu->bench_cpus[0] && tu->bench_cpus[0][0]) ? ", and the pinning" : "");
	return 0;
}

static int restore(struct run *R)
{
	int first = 0;

	if (R->search) {
		int r = vxoff_search_restore(R->search);

		if (r < 0)
			first = vxoff__lab_err_from(R->ctx, end_ctx(R, 0), r,
						    "restoring the search's changes");
		for (int i = 0; i < 2; i++)
			if (R->rep->ends[i].applied && r == 0) {
				R->rep->ends[i].restored = true;
				R->rep->ends[i].restored_knobs = R->rep->ends[i].nplan;
			}
		vxoff_search_free(R->search);
		R->search = NULL;
		return first;
	}

	for (int i = 0; i < 2; i++) {
		struct vxoff__lab_end *e = &R->rep->ends[i];
		struct vxoff_ctx *c = end_ctx(R, i);
		uint32_t changed = 0;
		int r;

		if (!e->applied || e->restored)
			continue;
		r = vxoff_tune_restore(c, R->snap[i], VXOFF_TUNE_RESTORE_F_REMOVE, &changed);
		if (r < 0) {
			if (!first)
				first = vxoff__lab_err_from(R->ctx, c, r, "restoring the tuning");
			continue;
		}
		e->restored = true;
		e->restored_knobs = changed;
	}
	return first;
}

/* ---- conditions ---- */

static void conditions(struct run *R)
{
	struct vxoff_lab_report *rep = R->rep;
	const struct vxoff_lab_opts *o = &R->lab->o;
	struct utsname u;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	rep->name = sdup(o->name);
	rep->testbed = sdup(R->tb.created_ns ? "veth" : "underlay");
	if (uname(&u) == 0)
		rep->kernel = sdup(u.release);
	/* a search uses no profile: null rather than one that was not applied */
	if (o->tune != VXOFF_LAB_TUNE_SEARCH)
		rep->profile = sdup(vxoff_profile_name(o->profile));
	rep->tuning.mode = o->tune;
	rep->tuning.note = sdup(R->lab->tune_note);
	rep->app_cpus = sdup(o->app_cpus);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rep->started = sdup(when);
	rep->flags = o->flags;
	rep->ul_mtu = R->tb.ul_mtu;
	rep->ov_mtu = R->tb.ov_mtu;
	rep->streams = o->streams;
	rep->pairs = o->pairs;
	rep->duration_ms = o->duration_ms;
	rep->omit_ms = o->omit_ms;
	rep->vni = o->vni;
	rep->port = o->port;
	rep->ncpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < 2; i++) {
		struct vxoff__lab_end *e = &rep->ends[i];
		const char *ns = i ? R->tb.ns_b : R->tb.ns_a;

		e->netns = ns[0] ? sdup(ns) : NULL;
		e->underlay = sdup(i ? R->tb.ul_b : R->tb.ul_a);
		e->vxlan = sdup(VXOFF__LAB_VXLAN);
		e->underlay_addr = sdup(i ? R->tb.addr_b : R->tb.addr_a);
		e->overlay_addr = sdup(i ? R->tb.ov_b : R->tb.ov_a);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_steps(struct run *R)
{
	const struct vxoff_lab_opts *o = &R->lab->o;
	bool tuning = !(o->flags & VXOFF_LAB_F_NO_TUNE);
	bool search = tuning && o->tune == VXOFF_LAB_TUNE_SEARCH;
	struct vxoff__lab_tb_opts to = {
		.name = o->name,
		.host_ns = vxoff__ctx_netns_name(R->ctx),
		.underlay = o->underlay,
		.peer_ns = o->peer_ns,
		.peer_addr = o->peer_addr,
		.mtu = o->mtu,
		.vni = o->vni,
		.port = o->port,
		.no_tnl_offload = o->flags & VXOFF_LAB_F_NO_TNL_OFFLOAD,
	};
	int r;

	if (progress(R, VXOFF_LAB_STEP_TESTBED, 3, "building the testbed: %s",
		     o->underlay ? "VXLAN over the given underlay" : "two namespaces, veth, VXLAN") < 0)
		return canceled(R);
	r = vxoff__lab_build(R->ctx, R->host, &to, &R->tb, &R->st);
	if (r < 0)
		return r;
	conditions(R);
	r = open_ends(R);
	if (r < 0)
		return r;
	if (progress(R, VXOFF_LAB_STEP_TESTBED, 8,
		     "testbed: underlay %s %s <-> %s MTU %u, VXLAN %s VNI %u port %u MTU %u",
		     R->tb.ul_a, R->tb.addr_a, R->tb.addr_b, R->tb.ul_mtu, VXOFF__LAB_VXLAN, o->vni,
		     o->port, R->tb.ov_mtu) < 0)
		return canceled(R);

	for (int i = 0; i < 2; i++) {
		const struct vxoff__lab_end *e = &R->rep->ends[i];
		struct vxoff__strbuf why;

		r = probe_end(R, i);
		if (r < 0)
			return r;
		/* the verdict with what keeps it from "ready": the reasons that are not ok */
		vxoff__sb_init(&why);
		for (uint32_t k = 0; k < e->nreasons; k++)
			if (e->reasons[k].severity && strcmp(e->reasons[k].severity, "ok"))
				vxoff__sb_add(&why, "%s%s (%s)", why.len ? ", " : ": ",
					      e->reasons[k].name, e->reasons[k].severity);
		r = progress(R, VXOFF_LAB_STEP_PROBE, 9 + (uint32_t)i, "%s end: VXLAN readiness %s%s",
			     i ? "server" : "client", vxoff_verdict_name(e->verdict),
			     why.s ? why.s : "");
		vxoff__sb_free(&why);
		if (r < 0)
			return canceled(R);
	}

	r = server_start(R);
	if (r < 0)
		return r;
	if (progress(R, VXOFF_LAB_STEP_MEASURE, 10,
		     "measuring plain vs VXLAN: %u pairs of %.1f s, %u stream%s", o->pairs,
		     o->duration_ms / 1000.0, o->streams, o->streams == 1 ? "" : "s") < 0)
		return canceled(R);
	r = measure(R, VXOFF_LAB_PHASE_BEFORE, 10, !tuning ? 80 : search ? 30 : 40);
	if (r < 0)
		return r;
	if (!tuning)
		return 0;

	if (search) {
		if (progress(R, VXOFF_LAB_STEP_TUNE, 40,
			     "searching: one change at a time on both ends, kept only when %u A/B "
			     "pairs prove a throughput gain; budget %u s",
			     VXOFF_SEARCH_MIN_PAIRS, o->budget_s) < 0)
			return canceled(R);
		r = tune_search(R);
	} else {
		if (progress(R, VXOFF_LAB_STEP_TUNE, 50, "tuning both ends: profile %s",
			     vxoff_profile_name(o->profile)) < 0)
			return canceled(R);
		r = tune(R);
	}
	if (r < 0)
		return r;
	if (progress(R, VXOFF_LAB_STEP_REMEASURE, search ? 62 : 52,
		     "measuring again after tuning") < 0)
		return canceled(R);
	return measure(R, VXOFF_LAB_PHASE_AFTER, search ? 62 : 52, search ? 30 : 40);
}

int vxoff_lab_run(struct vxoff_lab *lab, vxoff_lab_progress_fn fn, void *user,
		  struct vxoff_lab_report **ret)
{
	struct run R = { .lab = lab, .fn = fn, .user = user };
	struct vxoff__lab_tb_opts to;
	double t0 = now_s();
	char *msg = NULL;
	uint32_t reason = 0;
	int r, rc, fd;

	if (!lab)
		return -EINVAL;
	R.ctx = lab->ctx;
	r = vxoff__ctx_enter(R.ctx);
	if (r < 0)
		return r;
	if (!ret) {
		r = vxoff__err(R.ctx, -EINVAL, VXOFF_REASON_ARG, "lab: ret is NULL");
		goto leave;
	}
	if (atomic_exchange(&lab->running, 1)) {
		r = vxoff__err(R.ctx, -EBUSY, VXOFF_REASON_ARG, "lab: already running");
		goto leave;
	}
	fd = vxoff__ctx_netns_fd(R.ctx);
	{
		VXOFF_OPTS(vxoff_ctx_opts, co, .flags = VXOFF_CTX_F_NETNS_FD, .netns_fd = fd);

		r = vxoff_ctx_new(fd >= 0 ? &co : NULL, &R.host);
		if (r < 0) {
			r = vxoff__err(R.ctx, r, VXOFF_REASON_SYSTEM, "lab: a context: %s",
				       strerror(-r));
			goto done;
		}
	}
	R.rep = vxoff__lab_report_alloc();
	if (!R.rep) {
		r = vxoff__err(R.ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto done;
	}
	/* CHECK: nothing is created before every precondition holds. */
	if (progress(&R, VXOFF_LAB_STEP_CHECK, 0, "checking preconditions") < 0) {
		r = canceled(&R);
		goto done;
	}
	memset(&to, 0, sizeof(to));
	to.name = lab->o.name;
	to.host_ns = vxoff__ctx_netns_name(R.ctx);
	to.underlay = lab->o.underlay;
	to.peer_ns = lab->o.peer_ns;
	to.peer_addr = lab->o.peer_addr;
	to.mtu = lab->o.mtu;
	r = vxoff__lab_check(R.ctx, R.host, &to, &R.tb);
	if (r < 0)
		goto done;
	r = vxoff__lab_state_init(R.ctx, &R.st, lab->o.name);
	if (r < 0)
		goto done;

	r = run_steps(&R);

	/* Whatever happened: server down, tuning restored, everything removed. */
	if (r < 0) {
		VXOFF_OUT(vxoff_error, e);

		msg = sdup(vxoff__last_msg(R.ctx));
		if (vxoff_ctx_last_error(R.ctx, &e) == 0)
			reason = e.reason;
	}
	server_end(&R);
	progress(&R, VXOFF_LAB_STEP_RESTORE, 93, "restoring the tuning");
	rc = restore(&R);
	if (rc < 0 && r == 0)
		r = rc;
	progress(&R, VXOFF_LAB_STEP_CLEANUP, 96, "removing the testbed");
	{
		uint32_t removed = 0;

		rc = vxoff__lab_undo(R.ctx, &R.st, &removed);
		if (rc < 0 && r == 0)
			r = rc;
	}
	if (msg) /* the first error is the one to report */
		vxoff__err(R.ctx, r, reason ? reason : VXOFF_REASON_NONE, "%s", msg);
	else if (r == 0 && stopped(&R))
		r = canceled(&R);
	if (r == 0) {
		R.rep->elapsed_s = now_s() - t0;
		progress(&R, VXOFF_LAB_STEP_CLEANUP, 100, "done in %.0f s", R.rep->elapsed_s);
		*ret = R.rep;
		R.rep = NULL;
	}
done:
	free(msg);
	free(R.dev_tx[0]);
	free(R.dev_tx[1]);
	for (int i = 0; i < 2; i++)
		vxoff_ctx_free(R.end[i]);
	vxoff_ctx_free(R.host);
	vxoff__lab_state_free(&R.st);
	vxoff_lab_report_free(R.rep);
	atomic_store(&lab->running, 0);
	atomic_store(&lab->stopping, 0);
leave:
	vxoff__ctx_leave(R.ctx);
	return r;
}

int vxoff_lab_cleanup(struct vxoff_ctx *ctx, const char *name, uint32_t *ret_removed)
{
	struct vxoff__lab_state st;
	uint32_t removed = 0;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!name)
		name = VXOFF__LAB_DEFAULT_NAME;
	if (!name_ok(name)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "lab name '%s' is not valid", name);
		goto out;
	}
	if (geteuid() != 0) {
		r = vxoff__err(ctx, -EPERM, VXOFF_REASON_PRIVILEGE,
			       "cleaning up the lab needs root");
		goto out;
	}
	r = vxoff__lab_state_load(ctx, &st, name);
	if (r == -ENOENT) {
		/* no state: at most the temporary file of its first write is left */
		r = vxoff__lab_state_remove(&st);
	} else if (r == 0) {
		r = vxoff__lab_undo(ctx, &st, &removed);
	}
	vxoff__lab_state_free(&st);
	if (ret_removed)
		*ret_removed = removed;
out:
	vxoff__ctx_leave(ctx);
	return r;
}
