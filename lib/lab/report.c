/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's report: figures per run, their medians and min-max per arm, the paired ratios
 * VXLAN/plain per phase, and the JSON of all of it (docs/lab-report.md). The chart and the
 * page (svg.c, html.c) read the same figures.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <vxoff/bench.h>
#include <vxoff/probe.h>
#include <vxoff/search.h>

#include "lab_internal.h"

struct vxoff_lab_report *vxoff__lab_report_alloc(void)
{
	return calloc(1, sizeof(struct vxoff_lab_report));
}

void vxoff__lab_run_clear(struct vxoff__lab_run *r)
{
	free(r->cpu_busy[0]);
	free(r->cpu_busy[1]);
	r->cpu_busy[0] = r->cpu_busy[1] = NULL;
}

static void end_free(struct vxoff__lab_end *e)
{
	free(e->netns);
	free(e->underlay);
	free(e->vxlan);
	free(e->underlay_addr);
	free(e->overlay_addr);
	for (uint32_t i = 0; i < e->nreasons; i++) {
		free(e->reasons[i].name);
		free(e->reasons[i].severity);
		free(e->reasons[i].text);
	}
	free(e->reasons);
	for (uint32_t i = 0; i < e->nplan; i++) {
		struct vxoff__lab_plan_item *p = &e->plan[i];

		free(p->kind);
		free(p->dev);
		free(p->key);
		free(p->current);
		free(p->target);
		free(p->reason);
		free(p->gain);
	}
	free(e->plan);
	free(e->tune_error);
}

static void tuning_free(struct vxoff__lab_tuning *tu)
{
	free(tu->note);
	free(tu->objective);
	free(tu->error);
	free(tu->bench_cpus[0]);
	free(tu->bench_cpus[1]);
	for (uint32_t i = 0; i < tu->ntrials; i++) {
		free(tu->trials[i].name);
		free(tu->trials[i].change);
		free(tu->trials[i].message);
	}
	free(tu->trials);
	vxoff_free(tu->log_json);
}

const char *vxoff__lab_tune_mode_name(uint32_t mode)
{
	switch (mode) {
	case VXOFF_LAB_TUNE_SEARCH:
		return "search";
	case VXOFF_LAB_TUNE_PROFILE:
		return "profile";
	case VXOFF_LAB_TUNE_NONE:
		return "none";
	default:
		return "default";
	}
}

const char *vxoff__lab_outcome_name(uint32_t outcome)
{
	switch (outcome) {
	case VXOFF_SEARCH_KEPT:
		return "kept";
	case VXOFF_SEARCH_REVERTED:
		return "reverted";
	case VXOFF_SEARCH_FINAL:
		return "final";
	default:
		return "unfinished";
	}
}

const char *vxoff__lab_why_name(uint32_t why)
{
	switch (why) {
	case VXOFF_SEARCH_WHY_GAIN:
		return "gain";
	case VXOFF_SEARCH_WHY_NOISE:
		return "noise";
	case VXOFF_SEARCH_WHY_LOSS:
		return "loss";
	case VXOFF_SEARCH_WHY_TOO_FEW:
		return "too-few-pairs";
	case VXOFF_SEARCH_WHY_FAILED:
		return "failed";
	case VXOFF_SEARCH_WHY_STOPPED:
		return "stopped";
	default:
		return "none";
	}
}

void vxoff_lab_report_free(struct vxoff_lab_report *rep)
{
	if (!rep)
		return;
	tuning_free(&rep->tuning);
	free(rep->name);
	free(rep->testbed);
	free(rep->kernel);
	free(rep->profile);
	free(rep->started);
	free(rep->app_cpus);
	for (int i = 0; i < VXOFF__LAB_ENDS; i++)
		end_free(&rep->ends[i]);
	for (int p = 0; p < 2; p++) {
		struct vxoff__lab_phase *ph = &rep->phase[p];

		for (int a = 0; a < VXOFF__LAB_ARMS; a++) {
			for (uint32_t k = 0; ph->runs[a] && k < ph->pairs; k++)
				vxoff__lab_run_clear(&ph->runs[a][k]);
			free(ph->runs[a]);
		}
		vxoff_bench_comparison_free(ph->cmp);
	}
	free(rep);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct vxoff__lab_fig vxoff__lab_fig_of(const double *v, uint32_t n)
{
	struct vxoff__lab_fig f = { 0 };
	double *s;

	if (n == 0)
		return f;
	s = malloc(n * sizeof(*s));
	if (!s)
		return f;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	f.n = n;
	f.min = s[0];
	f.max = s[n - 1];
	f.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return f;
}

static double metric_of(const struct vxoff__lab_run *r, uint32_t m)
{
	return m == 0 ? r->tput_bps : r->cpu_gb[m - 1];
}

const char *vxoff__lab_metric_name(uint32_t m)
{
	static const char *const names[] = { "throughput", "cpu_client", "cpu_server" };

	return m < VXOFF__LAB_METRICS ? names[m] : "unknown";
}

int vxoff__lab_report_set_phase(struct vxoff_lab_report *rep, uint32_t phase, uint32_t pairs,
				struct vxoff__lab_run *plain, struct vxoff__lab_run *vxlan)
{
	struct vxoff__lab_phase *ph;
	double *v;

	if (!rep || phase > 1 || !pairs || !plain || !vxlan)
		return -EINVAL;
	v = calloc(pairs, sizeof(*v));
	if (!v)
		return -ENOMEM;
	ph = &rep->phase[phase];
	ph->present = true;
	ph->pairs = pairs;
	ph->runs[0] = plain;
	ph->runs[1] = vxlan;
	for (uint32_t m = 0; m < VXOFF__LAB_METRICS; m++) {
		uint32_t n = 0;

		for (uint32_t a = 0; a < VXOFF__LAB_ARMS; a++) {
			n = 0;
			for (uint32_t k = 0; k < pairs; k++)
				if (metric_of(&ph->runs[a][k], m) > 0)
					v[n++] = metric_of(&ph->runs[a][k], m);
			ph->arm[a][m] = vxoff__lab_fig_of(v, n);
		}
		/* The paired ratio: each VXLAN run against the plain run of its pair. */
		n = 0;
		for (uint32_t k = 0; k < pairs; k++) {
			double b = metric_of(&plain[k], m), c = metric_of(&vxlan[k], m);

			if (b > 0 && c > 0)
				v[n++] = c / b;
		}
		ph->ratio[m] = vxoff__lab_fig_of(v, n);
	}
	free(v);
	return 0;
}

uint32_t vxoff__lab_last_phase(const struct vxoff_lab_report *rep)
{
	return rep->phase[1].present ? 1 : 0;
}

bool vxoff__lab_aim_reached(const struct vxoff_lab_report *rep)
{
	const struct vxoff__lab_phase *ph = &rep->phase[vxoff__lab_last_phase(rep)];

	return ph->present && ph->ratio[0].n && ph->ratio[0].median >= VXOFF__LAB_AIM_TPUT &&
	       ph->ratio[1].n && ph->ratio[1].median <= VXOFF__LAB_AIM_CPU &&
	       ph->ratio[2].n && ph->ratio[2].median <= VXOFF__LAB_AIM_CPU;
}

int vxoff_lab_report_summary(const struct vxoff_lab_report *rep, struct vxoff_lab_summary *out)
{
	struct vxoff_lab_summary s;

	if (!rep || !out)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	s.phases = rep->phase[1].present ? 2 : rep->phase[0].present ? 1 : 0;
	s.verdict = rep->ends[0].verdict;
	for (int p = 0; p < 2; p++) {
		const struct vxoff__lab_phase *ph = &rep->phase[p];

		if (!ph->present)
			continue;
		s.tput_ratio[p] = ph->ratio[0].median;
		s.tput_ratio_min[p] = ph->ratio[0].min;
		s.tput_ratio_max[p] = ph->ratio[0].max;
		s.cpu_client_ratio[p] = ph->ratio[1].median;
		s.cpu_client_ratio_min[p] = ph->ratio[1].min;
		s.cpu_client_ratio_max[p] = ph->ratio[1].max;
		s.cpu_server_ratio[p] = ph->ratio[2].median;
		s.cpu_server_ratio_min[p] = ph->ratio[2].min;
		s.cpu_server_ratio_max[p] = ph->ratio[2].max;
	}
	return vxoff__copy_out(out, &s, sizeof(s), VXOFF_LAB_SUMMARY_SZ_0_1);
}

int vxoff_lab_report_comparison(const struct vxoff_lab_report *rep, uint32_t phase,
				const struct vxoff_bench_comparison **ret)
{
	if (!rep || !ret || phase > 1)
		return -EINVAL;
	if (!rep->phase[phase].present || !rep->phase[phase].cmp)
		return -ENOENT;
	*ret = rep->phase[phase].cmp;
	return 0;
}

/* ---- JSON ---- */

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : json_object_new_null();
}

static struct json_object *jnum(double v)
{
	return json_object_new_double(isfinite(v) ? v : 0);
}

static struct json_object *jfig(const struct vxoff__lab_fig *f)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "median", jnum(f->median));
	json_object_object_add(o, "min", jnum(f->min));
	json_object_object_add(o, "max", jnum(f->max));
	json_object_object_add(o, "n", json_object_new_int64(f->n));
	return o;
}

static struct json_object *jcpus(const double *v, uint32_t n)
{
	struct json_object *a = json_object_new_array();

	for (uint32_t i = 0; v && i < n; i++)
		json_object_array_add(a, jnum(v[i]));
	return a;
}

static struct json_object *jrun(const struct vxoff__lab_run *r, uint32_t pair, uint32_t arm)
{
	struct json_object *o = json_object_new_object();
	static const char *const ends[] = { "client", "server" };

	json_object_object_add(o, "pair", json_object_new_int64(pair));
	json_object_object_add(o, "arm", json_object_new_string(arm ? "vxlan" : "plain"));
	json_object_object_add(o, "throughput_bps", jnum(r->tput_bps));
	json_object_object_add(o, "bytes_received", json_object_new_int64((int64_t)r->bytes_received));
	json_object_object_add(o, "total_sent", json_object_new_int64((int64_t)r->total_sent));
	json_object_object_add(o, "total_received",
			       json_object_new_int64((int64_t)r->total_received));
	json_object_object_add(o, "retransmits", json_object_new_int64((int64_t)r->retransmits));
	json_object_object_add(o, "device_tx_bytes",
			       json_object_new_int64((int64_t)r->dev_tx_bytes));
	for (int e = 0; e < 2; e++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "cpu_s_per_gb", jnum(r->cpu_gb[e]));
		json_object_object_add(c, "busy_cpus", jnum(r->busy_cpus[e]));
		json_object_object_add(c, "hottest_busy", jnum(r->hottest[e]));
		json_object_object_add(c, "per_cpu_busy", jcpus(r->cpu_busy[e], r->ncpus[e]));
		json_object_object_add(o, ends[e], c);
	}
	return o;
}

static struct json_object *jphase(const struct vxoff__lab_phase *ph, uint32_t p, uint32_t flags)
{
	struct json_object *o = json_object_new_object(), *runs = json_object_new_array();
	struct json_object *arms = json_object_new_object(), *ratios = json_object_new_object();

	json_object_object_add(o, "phase", json_object_new_string(p ? "after" : "before"));
	json_object_object_add(o, "pairs", json_object_new_int64(ph->pairs));
	for (uint32_t k = 0; k < ph->pairs; k++)
		for (uint32_t a = 0; a < 2; a++)
			json_object_array_add(runs, jrun(&ph->runs[a][k], k, a));
	json_object_object_add(o, "runs", runs);
	for (uint32_t a = 0; a < 2; a++) {
		struct json_object *x = json_object_new_object();

		for (uint32_t m = 0; m < VXOFF__LAB_METRICS; m++)
			json_object_object_add(x, vxoff__lab_metric_name(m), jfig(&ph->arm[a][m]));
		json_object_object_add(arms, a ? "vxlan" : "plain", x);
	}
	json_object_object_add(o, "arms", arms);
	for (uint32_t m = 0; m < VXOFF__LAB_METRICS; m++)
		json_object_object_add(ratios, vxoff__lab_metric_name(m), jfig(&ph->ratio[m]));
	json_object_object_add(o, "ratios", ratios);
	if (ph->cmp) {
		char *s = NULL;

		if (vxoff_bench_comparison_json(ph->cmp, flags, &s) == 0 && s) {
			struct json_object *c = json_tokener_parse(s);

			if (c)
				json_object_object_add(o, "comparison", c);
		}
		vxoff_free(s);
	}
	return o;
}

static struct json_object *jend(const struct vxoff__lab_end *e, uint32_t i)
{
	struct json_object *o = json_object_new_object(), *rs = json_object_new_array();
	struct json_object *plan = json_object_new_object(), *items = json_object_new_array();

	json_object_object_add(o, "end", json_object_new_string(i ? "server" : "client"));
	json_object_object_add(o, "netns", jstr(e->netns));
	json_object_object_add(o, "underlay", jstr(e->underlay));
	json_object_object_add(o, "vxlan", jstr(e->vxlan));
	json_object_object_add(o, "underlay_addr", jstr(e->underlay_addr));
	json_object_object_add(o, "overlay_addr", jstr(e->overlay_addr));
	json_object_object_add(o, "verdict", json_object_new_string(vxoff_verdict_name(e->verdict)));
	for (uint32_t k = 0; k < e->nreasons; k++) {
		struct json_object *r = json_object_new_object();

		json_object_object_add(r, "name", jstr(e->reasons[k].name));
		json_object_object_add(r, "severity", jstr(e->reasons[k].severity));
		json_object_object_add(r, "text", jstr(e->reasons[k].text));
		json_object_array_add(rs, r);
	}
	json_object_object_add(o, "reasons", rs);
	json_object_object_add(plan, "planned", json_object_new_boolean(e->planned));
	json_object_object_add(plan, "applied", json_object_new_boolean(e->applied));
	json_object_object_add(plan, "restored", json_object_new_boolean(e->restored));
	json_object_object_add(plan, "restored_knobs", json_object_new_int64(e->restored_knobs));
	json_object_object_add(plan, "error", jstr(e->tune_error));
	for (uint32_t k = 0; k < e->nplan; k++) {
		const struct vxoff__lab_plan_item *p = &e->plan[k];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "kind", jstr(p->kind));
		json_object_object_add(x, "dev", jstr(p->dev));
		json_object_object_add(x, "index", json_object_new_int64(p->index));
		json_object_object_add(x, "key", jstr(p->key));
		json_object_object_add(x, "current", jstr(p->current));
		json_object_object_add(x, "target", jstr(p->target));
		json_object_object_add(x, "reason", jstr(p->reason));
		json_object_object_add(x, "gain", jstr(p->gain));
		json_object_object_add(x, "advice", json_object_new_boolean(p->advice));
		json_object_array_add(items, x);
	}
	json_object_object_add(plan, "items", items);
	json_object_object_add(o, "plan", plan);
	return o;
}

/* A figure that was not measured (0, NaN) is null, as in the search's own log. */
static struct json_object *jopt(double v)
{
	return v > 0 && isfinite(v) ? json_object_new_double(v) : json_object_new_null();
}

/* How the lab tuned and, for a search, every trial: the step's effect with its interval. */
static struct json_object *jtuning(const struct vxoff_lab_report *rep)
{
	const struct vxoff__lab_tuning *tu = &rep->tuning;
	struct json_object *o = json_object_new_object(), *trials;

	json_object_object_add(o, "mode",
			       json_object_new_string(vxoff__lab_tune_mode_name(tu->mode)));
	json_object_object_add(o, "why", jstr(tu->note));
	if (tu->mode != VXOFF_LAB_TUNE_SEARCH)
		return o;
	json_object_object_add(o, "objective", jstr(tu->objective));
	json_object_object_add(o, "budget_s", json_object_new_int64(tu->budget_s));
	json_object_object_add(o, "pairs", json_object_new_int64(tu->pairs));
	json_object_object_add(o, "duration_ms", json_object_new_int64(tu->duration_ms));
	json_object_object_add(o, "omit_ms", json_object_new_int64(tu->omit_ms));
	json_object_object_add(o, "error", jstr(tu->error));
	json_object_object_add(o, "bench_cpus", jstr(tu->bench_cpus[0]));
	json_object_object_add(o, "bench_server_cpus", jstr(tu->bench_cpus[1]));
	trials = json_object_new_array();
	for (uint32_t i = 0; i < tu->ntrials; i++) {
		const struct vxoff__lab_trial *t = &tu->trials[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "index", json_object_new_int64(i));
		json_object_object_add(x, "candidate", jstr(t->name));
		json_object_object_add(x, "change", jstr(t->change));
		json_object_object_add(x, "expected_gain", jopt(t->expected));
		json_object_object_add(x, "outcome",
				       json_object_new_string(vxoff__lab_outcome_name(t->outcome)));
		json_object_object_add(x, "why",
				       json_object_new_string(vxoff__lab_why_name(t->why)));
		json_object_object_add(x, "message", jstr(t->message));
		json_object_object_add(x, "err", json_object_new_int64(t->err));
		json_object_object_add(x, "pairs", json_object_new_int64(t->pairs));
		json_object_object_add(x, "base_bps_median", jopt(t->base_bps));
		json_object_object_add(x, "cand_bps_median", jopt(t->cand_bps));
		json_object_object_add(x, "base_cpu_s_per_gb_median", jopt(t->base_cpu));
		json_object_object_add(x, "cand_cpu_s_per_gb_median", jopt(t->cand_cpu));
		json_object_object_add(x, "ratio", jopt(t->ratio));
		json_object_object_add(x, "ci_low", jopt(t->ci_low));
		json_object_object_add(x, "ci_high", jopt(t->ci_high));
		json_object_array_add(trials, x);
	}
	json_object_object_add(o, "trials", trials);
	if (tu->log_json) {
		struct json_object *log = json_tokener_parse(tu->log_json);

		if (log)
			json_object_object_add(o, "log", log);
	}
	return o;
}

static struct json_object *jsummary(const struct vxoff_lab_report *rep)
{
	struct json_object *o = json_object_new_object(), *aim = json_object_new_object();

	json_object_object_add(o, "verdict",
			       json_object_new_string(vxoff_verdict_name(rep->ends[0].verdict)));
	for (int p = 0; p < 2; p++) {
		const struct vxoff__lab_phase *ph = &rep->phase[p];
		struct json_object *x;

		if (!ph->present)
			continue;
		x = json_object_new_object();
		for (uint32_t m = 0; m < VXOFF__LAB_METRICS; m++)
			json_object_object_add(x, vxoff__lab_metric_name(m), jfig(&ph->ratio[m]));
		json_object_object_add(o, p ? "after" : "before", x);
	}
	json_object_object_add(aim, "throughput_ratio_min", jnum(VXOFF__LAB_AIM_TPUT));
	json_object_object_add(aim, "cpu_ratio_max", jnum(VXOFF__LAB_AIM_CPU));
	json_object_object_add(aim, "phase",
			       json_object_new_string(vxoff__lab_last_phase(rep) ? "after" : "before"));
	json_object_object_add(aim, "reached", json_object_new_boolean(vxoff__lab_aim_reached(rep)));
	json_object_object_add(o, "aim", aim);
	return o;
}

int vxoff_lab_report_json(const struct vxoff_lab_report *rep, uint32_t flags, char **ret)
{
	struct json_object *root, *cond, *ends, *phases;
	const char *text;

	if (!rep || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	root = json_object_new_object();
	if (!root)
		return -ENOMEM;
	json_object_object_add(root, "schema", json_object_new_string("vxoff-lab-report/1"));
	cond = json_object_new_object();
	json_object_object_add(cond, "name", jstr(rep->name));
	json_object_object_add(cond, "testbed", jstr(rep->testbed));
	json_object_object_add(cond, "started", jstr(rep->started));
	json_object_object_add(cond, "elapsed_s", jnum(rep->elapsed_s));
	json_object_object_add(cond, "kernel", jstr(rep->kernel));
	json_object_object_add(cond, "cpus", json_object_new_int64(rep->ncpus));
	json_object_object_add(cond, "underlay_mtu", json_object_new_int64(rep->ul_mtu));
	json_object_object_add(cond, "overlay_mtu", json_object_new_int64(rep->ov_mtu));
	json_object_object_add(cond, "vni", json_object_new_int64(rep->vni));
	json_object_object_add(cond, "port", json_object_new_int64(rep->port));
	json_object_object_add(cond, "streams", json_object_new_int64(rep->streams));
	json_object_object_add(cond, "pairs", json_object_new_int64(rep->pairs));
	json_object_object_add(cond, "duration_ms", json_object_new_int64(rep->duration_ms));
	json_object_object_add(cond, "omit_ms", json_object_new_int64(rep->omit_ms));
	json_object_object_add(cond, "profile", jstr(rep->profile));
	json_object_object_add(cond, "app_cpus", jstr(rep->app_cpus));
	json_object_object_add(cond, "quick",
			       json_object_new_boolean((rep->flags & VXOFF_LAB_F_QUICK) != 0));
	json_object_object_add(cond, "tune",
			       json_object_new_boolean(!(rep->flags & VXOFF_LAB_F_NO_TUNE)));
	json_object_object_add(cond, "tune_mode",
			       json_object_new_string(vxoff__lab_tune_mode_name(rep->tuning.mode)));
	json_object_object_add(cond, "emulate_no_tunnel_offload",
			       json_object_new_boolean((rep->flags & VXOFF_LAB_F_NO_TNL_OFFLOAD) != 0));
	json_object_object_add(root, "conditions", cond);
	json_object_object_add(root, "summary", jsummary(rep));
	ends = json_object_new_array();
	for (uint32_t i = 0; i < 2; i++)
		json_object_array_add(ends, jend(&rep->ends[i], i));
	json_object_object_add(root, "ends", ends);
	phases = json_object_new_array();
	for (uint32_t p = 0; p < 2; p++)
		if (rep->phase[p].present)
			json_object_array_add(phases, jphase(&rep->phase[p], p, flags));
	json_object_object_add(root, "phases", phases);
	json_object_object_add(root, "tuning", jtuning(rep));
	text = json_object_to_json_string_ext(root, (flags & VXOFF_JSON_PRETTY)
							    ? JSON_C_TO_STRING_PRETTY |
								      JSON_C_TO_STRING_NOSLASHESCAPE
							    : JSON_C_TO_STRING_PLAIN |
								      JSON_C_TO_STRING_NOSLASHESCAPE);
	*ret = text ? strdup(text) : NULL;
	json_object_put(root);
	return *ret ? 0 : -ENOMEM;
}

/* ---- files ---- */

static int write_atomic(struct vxoff_ctx *ctx, const char *dir, const char *file,
			const char *text)
{
	char path[4096], tmp[4200];
	size_t len = strlen(text);
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "writing %s: %s", tmp,
				  strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		r = -(errno ? errno : EIO);
		close(fd);
		unlink(tmp);
		return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "writing %s: %s", tmp,
				  strerror(-r));
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "renaming %s: %s", tmp,
				  strerror(-r));
	}
	return 0;
}

int vxoff_lab_report_write(struct vxoff_ctx *ctx, const struct vxoff_lab_report *rep,
			   const char *dir)
{
	char *text[3] = { NULL, NULL, NULL };
	static const char *const files[3] = { "report.json", "chart.svg", "report.html" };
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!rep || !dir || !dir[0]) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "report: no report or directory");
		goto out;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "creating %s: %s", dir,
			       strerror(errno));
		goto out;
	}
	if (vxoff_lab_report_json(rep, VXOFF_JSON_PRETTY, &text[0]) < 0 ||
	    vxoff_lab_report_svg(rep, &text[1]) < 0 || vxoff_lab_report_html(rep, &text[2]) < 0) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "report: out of memory");
		goto out;
	}
	for (int i = 0; i < 3 && r == 0; i++)
		r = write_atomic(ctx, dir, files[i], text[i]);
out:
	for (int i = 0; i < 3; i++)
		vxoff_free(text[i]);
	vxoff__ctx_leave(ctx);
	return r;
}
