/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_search_*: the greedy measured search (docs/tune-search.md).
 *
 * State switching: a trial applies its candidate (vxoff_tune_apply() with a fresh snapshot
 * file per end) right before a candidate run and restores it (vxoff_tune_restore()) right
 * before a baseline run, so only the state of the arm about to run matters and ABBA pairs
 * switch once per pair boundary, not per run. Every applied snapshot goes on an undo stack;
 * kept candidates stay on it, so unwinding the whole stack in reverse is the way back to
 * the start state, on success (vxoff_search_restore()), on a stop and on any error.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search/search_internal.h"

#define OPTS_MIN_SZ 8u
#define TRIAL_MIN_SZ 8u
#define BUSY_RETRIES 20

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *end_name(uint32_t e)
{
	return e == VXOFF_SEARCH_END_SENDER ? "sender" : "receiver";
}

/* Copy a work context's last error into the caller's context, with a prefix. */
static int pass_err(struct vxoff_search *s, struct vxoff_ctx *from, int r, const char *what)
{
	VXOFF_OUT(vxoff_error, e);

	if (from && vxoff_ctx_last_error(from, &e) == 0 && e.err && e.msg)
		return vxoff__err(s->ctx, r, e.reason, "search: %s: %s%s%s", what, e.msg,
				  e.kernel_msg ? "; kernel says: " : "",
				  e.kernel_msg ? e.kernel_msg : "");
	return vxoff__err(s->ctx, r, VXOFF_REASON_NONE, "search: %s: %s", what, strerror(-r));
}

/* A context of our own in the namespace of @user: the caller's stays free for its
 * callbacks and errors, and the tune and bench calls may enter ours. By name when the
 * caller's has one, so the snapshots record the namespace and a later restore by name
 * (vxoff tune restore -n, vxoff lab --cleanup) accepts them. */
static int own_ctx(struct vxoff_ctx *user, struct vxoff_ctx **ret)
{
	const char *name = vxoff__ctx_netns_name(user);
	int fd = name ? -1 : vxoff__ctx_netns_fd(user);
	bool roots = vxoff__ctx_sysfs_overridden(user);
	VXOFF_OPTS(vxoff_ctx_opts, co, .flags = fd >= 0 ? VXOFF_CTX_F_NETNS_FD : 0, .netns = name,
		   .netns_fd = fd >= 0 ? fd : 0,
		   .sysfs_root = roots ? vxoff__ctx_sysfs_root(user) : NULL,
		   .procfs_root = roots ? vxoff__ctx_procfs_root(user) : NULL);

	return vxoff_ctx_new(&co, ret);
}

static char *dup_or_null(const char *p, bool *oom)
{
	char *d;

	if (!p)
		return NULL;
	d = strdup(p);
	if (!d)
		*oom = true;
	return d;
}

void vxoff_search_free(struct vxoff_search *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->ncands; i++)
		vxoff__search_cand_clear(&s->cands[i]);
	free(s->cands);
	for (uint32_t i = 0; i < s->ntrials; i++) {
		free(s->trials[i].name);
		free(s->trials[i].change);
		free(s->trials[i].message);
		free(s->trials[i].runs);
	}
	free(s->trials);
	for (uint32_t i = 0; i < s->nundo; i++)
		free(s->undo[i].path);
	free(s->undo);
	for (int e = 0; e < 2; e++) {
		vxoff_ctx_free(s->end[e].ctx);
		free(s->end[e].dev);
		free(s->end[e].overlay);
		vxoff_tune_plan_free(s->end[e].kept);
		free(s->end[e].cpus);
	}
	free(s->host);
	free(s->skip);
	free(s->snapshot_dir);
	free(s);
}

int vxoff_search_new(struct vxoff_ctx *ctx, struct vxoff_ctx *peer_ctx,
		     const struct vxoff_search_opts *opts, struct vxoff_search **ret)
{
	struct vxoff_search_opts o;
	struct vxoff_search *s = NULL;
	bool oom = false;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!opts || !ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "search: opts or ret is NULL");
		goto out;
	}
	r = vxoff__copy_in(&o, sizeof(o), opts, OPTS_MIN_SZ);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE, "search: opts.sz %u", opts->sz);
		goto out;
	}
	if (o.flags & ~(VXOFF_SEARCH_F_ALLOW_MTU | VXOFF_SEARCH_F_ALLOW_CHANNELS |
			VXOFF_SEARCH_F_START_SERVER | VXOFF_SEARCH_F_NO_FINAL)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "search: unknown flags 0x%x",
			       o.flags);
		goto out;
	}
	if (!o.host || !o.dev || !o.snapshot_dir) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "search: host, dev and snapshot_dir are required");
		goto out;
	}
	if (o.objective > VXOFF_SEARCH_OBJ_MIX) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "search: unknown objective %u",
			       o.objective);
		goto out;
	}
	if (o.mix_weight == 0)
		o.mix_weight = 0.5;
	if (!isfinite(o.mix_weight) || o.mix_weight <= 0 || o.mix_weight >= 1) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "search: mix_weight %g is not between 0 and 1", o.mix_weight);
		goto out;
	}
	if (o.pairs && o.pairs < VXOFF_SEARCH_MIN_PAIRS) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "search: %u pairs: at least %u are needed for an interval", o.pairs,
			       VXOFF_SEARCH_MIN_PAIRS);
		goto out;
	}
	if ((o.flags & VXOFF_SEARCH_F_START_SERVER) && !peer_ctx) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "search: START_SERVER needs the receiver's context");
		goto out;
	}
	if (o.jumbo_mtu && (o.jumbo_mtu < 1280 || o.jumbo_mtu > 65535)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "search: jumbo_mtu %u out of range",
			       o.jumbo_mtu);
		goto out;
	}
	if (o.pairs > 1000 || o.duration_ms > 600000 || o.omit_ms > 600000) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "search: pairs, duration_ms or omit_ms too large");
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto out;
	}
	s->ctx = ctx;
	s->flags = o.flags;
	s->objective = o.objective;
	s->mix_weight = o.mix_weight;
	s->port = o.port;
	s->budget_s = o.budget_s ? o.budget_s : 300;
	s->pairs = o.pairs ? o.pairs : VXOFF_SEARCH_MIN_PAIRS;
	s->duration_ms = o.duration_ms ? o.duration_ms : 2000;
	s->omit_ms = o.omit_ms ? o.omit_ms : 500;
	s->jumbo_mtu = o.jumbo_mtu ? o.jumbo_mtu : 9000;
	s->seed = o.seed;
	s->progress = o.progress;
	s->progress_user = o.progress_user;
	s->host = dup_or_null(o.host, &oom);
	s->skip = dup_or_null(o.skip, &oom);
	s->snapshot_dir = dup_or_null(o.snapshot_dir, &oom);
	s->end[0].dev = dup_or_null(o.dev, &oom);
	s->end[0].overlay = dup_or_null(o.overlay, &oom);
	s->end[1].dev = dup_or_null(o.peer_dev ? o.peer_dev : o.dev, &oom);
	s->end[1].overlay = dup_or_null(o.peer_overlay ? o.peer_overlay : o.overlay, &oom);
	for (int e = 0; e < 2 && !oom; e++)
		if (vxoff_tune_plan_empty(&s->end[e].kept) < 0)
			oom = true;
	if (oom) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
		goto out;
	}
	r = own_ctx(ctx, &s->end[0].ctx);
	if (r == 0 && peer_ctx)
		r = own_ctx(peer_ctx, &s->end[1].ctx);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "search: a context: %s", strerror(-r));
		goto out;
	}
	*ret = s;
	s = NULL;
out:
	vxoff_search_free(s);
	vxoff__ctx_leave(ctx);
	return r;
}

int vxoff_search_stop(struct vxoff_search *s)
{
	if (!s)
		return -EINVAL;
	atomic_store(&s->stop, 1);
	return 0;
}

/* ---- the undo stack ---- */

static int apply_plan(struct vxoff_search *s, uint32_t e, const struct vxoff_tune_plan *plan)
{
	struct vxoff__search_undo *u;
	char *path;
	int r;

	if (!vxoff_tune_plan_count(plan))
		return 0;
	if (!s->end[e].ctx)
		return vxoff__err(s->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "search: a change on the %s without its context", end_name(e));
	u = vxoff__grow(s->undo, &s->undo_cap, s->nundo, sizeof(*u));
	if (!u)
		return vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
	s->undo = u;
	if (asprintf(&path, "%s/vxoff-search-%d-%u-%s.json", s->snapshot_dir, (int)getpid(),
		     s->seq++, end_name(e)) < 0)
		return vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
	r = vxoff_tune_apply(s->end[e].ctx, plan, path, VXOFF_TUNE_APPLY_F_OVERWRITE);
	if (r < 0) {
		char what[64];

		snprintf(what, sizeof(what), "applying on the %s", end_name(e));
		pass_err(s, s->end[e].ctx, r, what);
		free(path);
		return r;
	}
	s->undo[s->nundo].end = e;
	s->undo[s->nundo].path = path;
	s->nundo++;
	return 0;
}

/*
 * Undo the stack down to @depth, newest first. A failing restore stops the unwinding (the
 * older snapshots depend on it being undone first) and keeps its entry and file.
 */
static int unwind(struct vxoff_search *s, uint32_t depth)
{
	int first = 0;

	while (s->nundo > depth) {
		struct vxoff__search_undo *u = &s->undo[s->nundo - 1];
		int r = vxoff_tune_restore(s->end[u->end].ctx, u->path, VXOFF_TUNE_RESTORE_F_REMOVE,
					   NULL);

		if (r < 0 && !first) {
			char what[300];

			snprintf(what, sizeof(what), "restoring the %s from %s", end_name(u->end),
				 u->path);
			first = pass_err(s, s->end[u->end].ctx, r, what);
		}
		if (r < 0)
			return first; /* its file stays, for `vxoff tune restore` */
		free(u->path);
		s->nundo--;
	}
	return first;
}

int vxoff_search_restore(struct vxoff_search *s)
{
	int r;

	if (!s)
		return -EINVAL;
	r = vxoff__ctx_enter(s->ctx);
	if (r < 0)
		return r;
	if (atomic_load(&s->running))
		r = vxoff__err(s->ctx, -EBUSY, VXOFF_REASON_ARG, "search: still running");
	else
		r = unwind(s, 0);
	vxoff__ctx_leave(s->ctx);
	return r;
}

/* ---- one run ---- */

static int interval_cb(void *user, const struct vxoff_bench_interval *iv)
{
	struct vxoff_search *s = user;

	(void)iv;
	return atomic_load(&s->stop);
}

static int bench_once(struct vxoff_search *s, const char *cpus, const char *server_cpus,
		      double *bps, double *cpu)
{
	VXOFF_OPTS(vxoff_bench_opts, o, .flags = VXOFF_BENCH_F_NO_CONDITIONS, .host = s->host,
		   .port = s->srv_port ? s->srv_port : s->port, .duration_ms = s->duration_ms,
		   .omit_ms = s->omit_ms, .cpus = cpus, .server_cpus = server_cpus);
	VXOFF_OUT(vxoff_bench_summary, sum);
	VXOFF_OUT(vxoff_bench_cpu, c);
	struct vxoff_bench_result *res = NULL;
	int r;

	for (int i = 0;; i++) {
		r = vxoff_bench_run(s->end[0].ctx, &o, interval_cb, s, &res);
		/* the server may still be closing the previous test */
		if (r != -EBUSY || i == BUSY_RETRIES || atomic_load(&s->stop))
			break;
		usleep(100000);
	}
	if (r < 0)
		return pass_err(s, s->end[0].ctx, r, "bench run");
	r = vxoff_bench_result_summary(res, &sum);
	*bps = r == 0 ? sum.throughput_bps : 0;
	*cpu = vxoff_bench_result_cpu(res, VXOFF_BENCH_END_SERVER, -1, &c) == 0 ? c.cpu_s_per_gb
										: 0;
	vxoff_bench_result_free(res);
	if (r < 0 || !(*bps > 0))
		return vxoff__err(s->ctx, -ENODATA, VXOFF_REASON_NONE,
				  "search: a bench run moved no data");
	return 0;
}

/* ---- one trial ---- */

static int set_message(struct vxoff__search_trial *tr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int set_message(struct vxoff__search_trial *tr, const char *fmt, ...)
{
	va_list ap;
	char *m;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	free(tr->message);
	tr->message = m;
	tr->t.message = m;
	return 0;
}

static int notify(struct vxoff_search *s, uint32_t ev, const struct vxoff__search_trial *tr)
{
	if (s->progress && s->progress(s->progress_user, ev, &tr->t))
		atomic_store(&s->stop, 1);
	return 0;
}

static double median_of(const double *v, uint32_t n)
{
	VXOFF_OUT(vxoff_stat, st);

	return n && vxoff_stat_summary(v, n, &st) == 0 ? st.median : 0;
}

/* The first arm of pair @pair: the seed picks the first pair's order, then it alternates. */
static uint32_t first_arm(const struct vxoff_search *s, uint32_t trial, uint32_t pair)
{
	uint64_t x = s->seed + 0x9e3779b97f4a7c15ull * (trial + 1);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return (uint32_t)((s->seed ? x & 1 : 0) ^ (pair & 1));
}

struct arm_state {
	const struct vxoff__search_cand *cand;
	const char *base_cpus[2];
	uint32_t depth; /* undo depth of the baseline */
	bool applied;
};

/* Bring the system to @arm's state. -EAGAIN-like failures of the candidate's apply come
 * back as their errno with *cand_failed set; anything else is fatal. */
static int switch_to(struct vxoff_search *s, struct arm_state *as, uint32_t arm, bool *cand_failed)
{
	int r;

	*cand_failed = false;
	if (arm == VXOFF_BENCH_ARM_CAND && !as->applied) {
		for (uint32_t e = 0; e < 2; e++) {
			r = apply_plan(s, e, as->cand->plan[e]);
			if (r < 0) {
				int u = unwind(s, as->depth);

				*cand_failed = u == 0;
				return u ? u : r;
			}
		}
		as->applied = true;
	} else if (arm == VXOFF_BENCH_ARM_BASE && as->applied) {
		r = unwind(s, as->depth);
		if (r < 0)
			return r;
		as->applied = false;
	}
	return 0;
}

/*
 * Measure @cand against the current state in s->pairs pairs. On return the system is in the
 * baseline state (candidate restored), except when *keep is set: then the candidate stays.
 * A failed apply or candidate run is the trial's failure (returns 0, why FAILED); a failed
 * baseline run, a failed restore or a stop is returned as an error.
 */
static int trial(struct vxoff_search *s, const struct vxoff__search_cand *cand,
		 const char *const base_cpus[2], uint32_t idx, bool final,
		 struct vxoff__search_trial *tr, bool *keep)
{
	struct arm_state as = {
		.cand = cand, .base_cpus = {base_cpus[0], base_cpus[1]}, .depth = s->nundo};
	size_t np = s->pairs;
	double *v = calloc(4 * np, sizeof(*v));
	double *bb, *cb, *bc, *cc;
	uint32_t done = 0, ncpu = 0;
	VXOFF_OUT(vxoff_search_decision, d);
	int r = 0;

	*keep = false;
	tr->runs = calloc(2 * (size_t)s->pairs, sizeof(*tr->runs));
	if (!v || !tr->runs) {
		free(v);
		return vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
	}
	bb = v;
	cb = v + np;
	bc = v + 2 * np;
	cc = v + 3 * np;
	notify(s, VXOFF_SEARCH_EV_TRIAL_START, tr);
	for (uint32_t p = 0; p < s->pairs && r == 0; p++) {
		for (uint32_t k = 0; k < 2; k++) {
			uint32_t arm = first_arm(s, idx, p) ^ k;
			const char *cpus[2];
			bool cand_failed;
			double bps = 0, cpu = 0;

			if (atomic_load(&s->stop)) {
				r = -ECANCELED;
				break;
			}
			r = switch_to(s, &as, arm, &cand_failed);
			if (r < 0 && cand_failed) {
				tr->t.why = VXOFF_SEARCH_WHY_FAILED;
				tr->t.err = r;
				set_message(tr, "not applied: %s", vxoff__last_msg(s->ctx));
				r = 1;
				break;
			}
			if (r < 0)
				break;
			for (int e = 0; e < 2; e++)
				cpus[e] = arm && cand->cpus[e] ? cand->cpus[e] : as.base_cpus[e];
			r = bench_once(s, cpus[0], cpus[1], &bps, &cpu);
			if (r < 0 && atomic_load(&s->stop)) {
				r = -ECANCELED;
				break;
			}
			if (r < 0 && arm == VXOFF_BENCH_ARM_CAND) {
				tr->t.why = VXOFF_SEARCH_WHY_FAILED;
				tr->t.err = r;
				set_message(tr, "candidate run failed: %s",
					    vxoff__last_msg(s->ctx));
				r = 1;
				break;
			}
			if (r < 0) {
				vxoff__err_prefix(s->ctx, r,
						  "trial %s, pair %u, baseline: ", tr->name, p + 1);
				break;
			}
			tr->runs[tr->nruns++] = (struct vxoff__search_run){p, arm, bps, cpu};
			(arm ? cb : bb)[p] = bps;
			(arm ? cc : bc)[p] = cpu;
			tr->t.last_arm = arm;
			tr->t.last_bps = bps;
			notify(s, VXOFF_SEARCH_EV_RUN, tr);
		}
		if (r == 0)
			tr->t.pairs = ++done;
	}
	if (r < 0 && r != -ECANCELED) {
		free(v);
		return r;
	}
	/* medians per arm over the pairs done */
	tr->t.base_bps = median_of(bb, done);
	tr->t.cand_bps = median_of(cb, done);
	for (uint32_t i = 0; i < done; i++)
		if (bc[i] > 0 && cc[i] > 0) {
			bc[ncpu] = bc[i];
			cc[ncpu] = cc[i];
			/* keep bb/cb aligned with the cpu pairs for the mix */
			bb[ncpu] = bb[i];
			cb[ncpu] = cb[i];
			ncpu++;
		}
	tr->t.base_cpu = median_of(bc, ncpu);
	tr->t.cand_cpu = median_of(cc, ncpu);
	if (r == -ECANCELED) {
		tr->t.why = VXOFF_SEARCH_WHY_STOPPED;
		set_message(tr, "stopped after %u pairs", done);
	} else if (r == 0) {
		uint32_t n = s->objective == VXOFF_SEARCH_OBJ_THROUGHPUT ? done : ncpu;
		int dr = n ? vxoff_search_decide(s->objective, s->mix_weight, bb, cb, bc, cc, n, &d)
			   : -ENODATA;

		if (dr < 0) {
			tr->t.why = VXOFF_SEARCH_WHY_TOO_FEW;
			set_message(tr, "no usable pairs (%u of %u with CPU figures)", ncpu, done);
		} else {
			tr->t.why = d.why;
			tr->t.ratio = d.ratio;
			tr->t.ci_low = d.ci_low;
			tr->t.ci_high = d.ci_high;
			*keep = d.keep;
			set_message(tr, "%s: ratio %.3f, 95%% interval %.3f-%.3f over %u pairs%s",
				    d.why == VXOFF_SEARCH_WHY_GAIN	? "gain"
				    : d.why == VXOFF_SEARCH_WHY_LOSS	? "loss"
				    : d.why == VXOFF_SEARCH_WHY_TOO_FEW ? "too few pairs"
									: "within the noise",
				    d.ratio, d.ci_low, d.ci_high, d.n,
				    s->objective == VXOFF_SEARCH_OBJ_CPU ? " (CPU-s/GB, lower wins)"
									 : "");
		}
	}
	free(v);
	if (final) {
		/* the final state is the candidate's; keep means "leave it applied" */
		*keep = r == 0 && tr->t.why != VXOFF_SEARCH_WHY_LOSS &&
			tr->t.why != VXOFF_SEARCH_WHY_FAILED;
	}
	if (r == 1)
		r = 0;
	if (r == 0 && *keep) {
		bool f;

		r = switch_to(s, &as, VXOFF_BENCH_ARM_CAND, &f);
		if (r < 0 && f) {
			/* it applied a moment ago; failing now is the system's doing */
			*keep = false;
			set_message(tr, "kept, but re-applying it failed: %s",
				    vxoff__last_msg(s->ctx));
			r = 0;
		}
		return r;
	}
	{
		int u = unwind(s, as.depth);

		return r < 0 ? r : u;
	}
}

static int keep_items(struct vxoff_search *s, const struct vxoff__search_cand *c)
{
	for (uint32_t e = 0; e < 2; e++) {
		for (uint32_t i = 0, n = vxoff_tune_plan_count(c->plan[e]); i < n; i++) {
			VXOFF_OUT(vxoff_plan_item, it);
			VXOFF_OUT(vxoff_knob, k);

			if (vxoff_tune_plan_item(c->plan[e], i, &it) < 0)
				continue;
			k.kind = it.kind;
			k.index = it.index;
			k.dev = it.dev;
			k.key = it.key;
			k.value = it.target;
			if (vxoff_tune_plan_add(s->end[e].kept, &k, it.reason) < 0)
				return vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM,
						  "out of memory");
		}
		if (c->cpus[e]) {
			free(s->end[e].cpus);
			s->end[e].cpus = strdup(c->cpus[e]);
			if (!s->end[e].cpus)
				return vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM,
						  "out of memory");
		}
	}
	return 0;
}

static struct vxoff__search_trial *new_trial(struct vxoff_search *s, const char *name,
					     const char *change, double expected)
{
	struct vxoff__search_trial *tr;

	tr = vxoff__grow(s->trials, &s->trials_cap, s->ntrials, sizeof(*tr));
	if (!tr)
		return NULL;
	s->trials = tr;
	tr = &s->trials[s->ntrials];
	memset(tr, 0, sizeof(*tr));
	tr->name = strdup(name);
	tr->change = strdup(change ? change : "");
	if (!tr->name || !tr->change) {
		free(tr->name);
		free(tr->change);
		return NULL;
	}
	tr->t.sz = sizeof(tr->t);
	tr->t.index = s->ntrials;
	tr->t.name = tr->name;
	tr->t.change = tr->change;
	tr->t.message = "";
	tr->t.expected = expected;
	s->ntrials++;
	return tr;
}

static void *server_main(void *arg)
{
	vxoff_bench_server_run(arg);
	return NULL;
}

static int server_start(struct vxoff_search *s)
{
	VXOFF_OPTS(vxoff_bench_server_opts, so,
		   .flags = s->port ? 0 : VXOFF_BENCH_SERVER_F_ANY_PORT, .port = s->port);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	int r;

	r = vxoff_bench_server_new(s->end[1].ctx, &so, &s->srv);
	if (r < 0)
		return pass_err(s, s->end[1].ctx, r, "starting the bench server");
	vxoff_bench_server_stats(s->srv, &st);
	s->srv_port = st.port;
	if (pthread_create(&s->srv_thread, NULL, server_main, s->srv)) {
		vxoff_bench_server_free(s->srv);
		s->srv = NULL;
		return vxoff__err(s->ctx, -EAGAIN, VXOFF_REASON_SYSTEM,
				  "search: no thread for the bench server");
	}
	s->srv_running = true;
	return 0;
}

static void server_end(struct vxoff_search *s)
{
	if (s->srv_running) {
		vxoff_bench_server_stop(s->srv);
		pthread_join(s->srv_thread, NULL);
		s->srv_running = false;
	}
	vxoff_bench_server_free(s->srv);
	s->srv = NULL;
	s->srv_port = 0;
}

static bool anything_kept(const struct vxoff_search *s)
{
	return vxoff_tune_plan_count(s->end[0].kept) || vxoff_tune_plan_count(s->end[1].kept) ||
	       s->end[0].cpus || s->end[1].cpus;
}

/* The final check: the start state (baseline) against everything kept (candidate). */
static int final_check(struct vxoff_search *s)
{
	struct vxoff__search_cand all = {.plan = {s->end[0].kept, s->end[1].kept},
					 .cpus = {s->end[0].cpus, s->end[1].cpus}};
	const char *none[2] = {NULL, NULL};
	struct vxoff__search_trial *tr;
	bool keep;
	int r;

	tr = new_trial(s, "final", "the start state against every kept change", 0);
	if (!tr)
		return vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
	r = unwind(s, 0);
	if (r < 0)
		return r;
	r = trial(s, &all, none, tr->t.index, true, tr, &keep);
	tr = &s->trials[s->ntrials - 1];
	tr->t.outcome = VXOFF_SEARCH_FINAL;
	if (r == 0 && !keep) {
		/* measurably worse than the start (or not re-appliable): undo it all */
		set_message(tr, "%s; the final state is not kept: back at the start state",
			    tr->message ? tr->message : "");
		for (int e = 0; e < 2; e++) {
			vxoff_tune_plan_free(s->end[e].kept);
			s->end[e].kept = NULL;
			free(s->end[e].cpus);
			s->end[e].cpus = NULL;
			if (vxoff_tune_plan_empty(&s->end[e].kept) < 0)
				r = vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM,
					       "out of memory");
		}
	}
	notify(s, VXOFF_SEARCH_EV_TRIAL_END, tr);
	return r;
}

int vxoff_search_run(struct vxoff_search *s)
{
	double t0 = now_s(), deadline, run_est, spent = 0;
	uint32_t nruns = 0;
	int r;

	if (!s)
		return -EINVAL;
	r = vxoff__ctx_enter(s->ctx);
	if (r < 0)
		return r;
	if (s->done || atomic_exchange(&s->running, 1)) {
		r = vxoff__err(s->ctx, -EBUSY, VXOFF_REASON_ARG, "search: already run");
		goto leave;
	}
	deadline = t0 + s->budget_s;
	/* a run costs its warm-up and window plus connection and result exchange */
	run_est = (s->omit_ms + s->duration_ms) / 1000.0 + 0.5;
	r = vxoff__search_candidates(s);
	if (r == 0 && (s->flags & VXOFF_SEARCH_F_START_SERVER))
		r = server_start(s);
	for (uint32_t i = 0; r == 0 && i < s->ncands; i++) {
		const struct vxoff__search_cand *c = &s->cands[i];
		const char *base[2] = {s->end[0].cpus, s->end[1].cpus};
		double trial_s = 2.0 * s->pairs * run_est, t1 = now_s();
		double reserve = (s->flags & VXOFF_SEARCH_F_NO_FINAL) ? 0 : trial_s;
		struct vxoff__search_trial *tr;
		bool keep;

		if (atomic_load(&s->stop)) {
			r = -ECANCELED;
			break;
		}
		if (t1 + trial_s + reserve > deadline) {
			vxoff__log(s->ctx, VXOFF_LOG_INFO,
				   "search: %.0f s left, a trial takes about %.0f s: done",
				   deadline - t1, trial_s);
			break;
		}
		tr = new_trial(s, c->name, c->change, c->expected);
		if (!tr) {
			r = vxoff__err(s->ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "out of memory");
			break;
		}
		r = trial(s, c, base, tr->t.index, false, tr, &keep);
		tr = &s->trials[s->ntrials - 1];
		nruns += tr->nruns;
		spent += now_s() - t1;
		if (nruns)
			run_est = spent / nruns;
		if (r < 0) {
			/* stopped or failed: it is undone with everything else below */
			tr->t.outcome = VXOFF_SEARCH_REVERTED;
			break;
		}
		tr->t.outcome = keep ? VXOFF_SEARCH_KEPT : VXOFF_SEARCH_REVERTED;
		if (keep)
			r = keep_items(s, c);
		notify(s, VXOFF_SEARCH_EV_TRIAL_END, tr);
	}
	if (r == 0 && atomic_load(&s->stop))
		r = -ECANCELED;
	if (r == 0 && anything_kept(s) && !(s->flags & VXOFF_SEARCH_F_NO_FINAL))
		r = final_check(s);
	if (r < 0) {
		/* back to the start state; the first error stays the one reported */
		int saved = r;
		VXOFF_OUT(vxoff_error, e);
		char *msg = NULL;

		if (vxoff_ctx_last_error(s->ctx, &e) == 0 && e.msg)
			msg = strdup(e.msg);
		r = unwind(s, 0);
		if (r == 0 && msg)
			vxoff__err(s->ctx, saved,
				   saved == -ECANCELED ? VXOFF_REASON_NONE : e.reason, "%s", msg);
		else if (r == 0 && saved == -ECANCELED)
			vxoff__err(s->ctx, saved, VXOFF_REASON_NONE,
				   "search: stopped; the start state is restored");
		free(msg);
		r = saved;
	}
	server_end(s);
	s->elapsed_s = now_s() - t0;
	s->done = true;
	atomic_store(&s->running, 0);
leave:
	vxoff__ctx_leave(s->ctx);
	return r;
}

/* ---- accessors ---- */

uint32_t vxoff_search_trial_count(const struct vxoff_search *s)
{
	return s ? s->ntrials : 0;
}

int vxoff_search_trial(const struct vxoff_search *s, uint32_t idx, struct vxoff_search_trial *out)
{
	if (!s || !out)
		return -EINVAL;
	if (idx >= s->ntrials)
		return -ERANGE;
	return vxoff__copy_out(out, &s->trials[idx].t, sizeof(s->trials[idx].t), TRIAL_MIN_SZ);
}

int vxoff_search_plan(const struct vxoff_search *s, uint32_t end,
		      const struct vxoff_tune_plan **ret)
{
	if (!s || !ret || end > VXOFF_SEARCH_END_RECEIVER)
		return -EINVAL;
	*ret = s->end[end].kept;
	return 0;
}

const char *vxoff_search_bench_cpus(const struct vxoff_search *s, uint32_t end)
{
	if (!s || end > VXOFF_SEARCH_END_RECEIVER)
		return NULL;
	return s->end[end].cpus ? s->end[end].cpus : "";
}

int vxoff_search_json(const struct vxoff_search *s, uint32_t flags, char **ret)
{
	if (!s || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	return vxoff__search_json(s, flags, ret);
}
