/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* vxoff_search_json(): the trial log and the kept plans, schema vxoff-tune-search/1. */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "search/search_internal.h"

static const char *const why_names[] = {"",	  "gain",   "noise", "loss", "too-few-pairs",
					"failed", "stopped"};
static const char *const outcome_names[] = {"running", "kept", "reverted", "final"};
static const char *const objective_names[] = {"throughput", "cpu", "mix"};

static int add(struct json_object *o, const char *k, struct json_object *v)
{
	if (!v || json_object_object_add(o, k, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_str(struct json_object *o, const char *k, const char *s)
{
	if (s)
		return add(o, k, json_object_new_string(s));
	return json_object_object_add(o, k, NULL) < 0 ? -ENOMEM : 0;
}

/* A figure, or null when it was not measured. */
static int num(struct json_object *o, const char *k, double v, bool known)
{
	return known					? add(o, k, json_object_new_double(v))
	       : json_object_object_add(o, k, NULL) < 0 ? -ENOMEM
							: 0;
}

static int trial_json(const struct vxoff__search_trial *tr, struct json_object *arr)
{
	const struct vxoff_search_trial *t = &tr->t;
	struct json_object *o = json_object_new_object(), *runs = json_object_new_array();
	bool decided = t->why == VXOFF_SEARCH_WHY_GAIN || t->why == VXOFF_SEARCH_WHY_NOISE ||
		       t->why == VXOFF_SEARCH_WHY_LOSS || t->why == VXOFF_SEARCH_WHY_TOO_FEW;
	int r = 0;

	if (!o || !runs || json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		json_object_put(runs);
		return -ENOMEM;
	}
	if (r == 0)
		r = add(o, "index", json_object_new_int64(t->index));
	if (r == 0)
		r = add(o, "candidate", json_object_new_string(t->name));
	if (r == 0)
		r = add(o, "change", json_object_new_string(t->change));
	if (r == 0)
		r = num(o, "expected_gain", t->expected, t->expected > 0);
	if (r == 0)
		r = add(o, "outcome",
			json_object_new_string(outcome_names[t->outcome < 4 ? t->outcome : 0]));
	if (r == 0)
		r = add(o, "why", json_object_new_string(why_names[t->why < 7 ? t->why : 0]));
	if (r == 0)
		r = add_str(o, "message", t->message);
	if (r == 0)
		r = add(o, "err", json_object_new_int(t->err));
	if (r == 0)
		r = add(o, "pairs", json_object_new_int64(t->pairs));
	if (r == 0)
		r = num(o, "base_bps_median", t->base_bps, t->pairs > 0);
	if (r == 0)
		r = num(o, "cand_bps_median", t->cand_bps, t->pairs > 0);
	if (r == 0)
		r = num(o, "base_cpu_s_per_gb_median", t->base_cpu, t->base_cpu > 0);
	if (r == 0)
		r = num(o, "cand_cpu_s_per_gb_median", t->cand_cpu, t->cand_cpu > 0);
	if (r == 0)
		r = num(o, "ratio", t->ratio, decided && t->ratio > 0);
	if (r == 0)
		r = num(o, "ci_low", t->ci_low, decided && t->ratio > 0);
	if (r == 0)
		r = num(o, "ci_high", t->ci_high, decided && t->ratio > 0);
	for (uint32_t i = 0; r == 0 && i < tr->nruns; i++) {
		struct json_object *ro = json_object_new_object();

		r = ro && json_object_array_add(runs, ro) == 0 ? 0 : -ENOMEM;
		if (r < 0) {
			json_object_put(ro);
			break;
		}
		r = add(ro, "pair", json_object_new_int64(tr->runs[i].pair));
		if (r == 0)
			r = add(ro, "arm",
				json_object_new_string(tr->runs[i].arm ? "cand" : "base"));
		if (r == 0)
			r = add(ro, "bps", json_object_new_double(tr->runs[i].bps));
		if (r == 0)
			r = num(ro, "cpu_s_per_gb", tr->runs[i].cpu, tr->runs[i].cpu > 0);
	}
	if (r == 0)
		r = add(o, "runs", runs);
	else
		json_object_put(runs);
	return r;
}

static int plan_json(const struct vxoff_tune_plan *plan, struct json_object **ret)
{
	char *text = NULL;
	int r = vxoff_tune_plan_json(plan, 0, &text);

	if (r < 0)
		return r;
	*ret = json_tokener_parse(text);
	vxoff_free(text);
	return *ret ? 0 : -ENOMEM;
}

int vxoff__search_json(const struct vxoff_search *s, uint32_t flags, char **ret)
{
	struct json_object *o = json_object_new_object(), *trials = json_object_new_array();
	struct json_object *cands = json_object_new_array(), *plans = json_object_new_object();
	struct json_object *bench = json_object_new_object();
	const char *text;
	int r = o && trials && cands && plans && bench ? 0 : -ENOMEM;

	if (r == 0)
		r = add(o, "schema", json_object_new_string("vxoff-tune-search/1"));
	if (r == 0)
		r = add(o, "objective", json_object_new_string(objective_names[s->objective]));
	if (r == 0 && s->objective == VXOFF_SEARCH_OBJ_MIX)
		r = add(o, "mix_weight", json_object_new_double(s->mix_weight));
	if (r == 0)
		r = add(o, "host", json_object_new_string(s->host));
	if (r == 0)
		r = add(o, "pairs", json_object_new_int64(s->pairs));
	if (r == 0)
		r = add(o, "duration_ms", json_object_new_int64(s->duration_ms));
	if (r == 0)
		r = add(o, "omit_ms", json_object_new_int64(s->omit_ms));
	if (r == 0)
		r = add(o, "budget_s", json_object_new_int64(s->budget_s));
	if (r == 0)
		r = add(o, "seed", json_object_new_int64((int64_t)(s->seed & INT64_MAX)));
	if (r == 0)
		r = add(o, "elapsed_s", json_object_new_double(s->elapsed_s));
	if (r == 0)
		r = add(o, "allow_mtu",
			json_object_new_boolean(!!(s->flags & VXOFF_SEARCH_F_ALLOW_MTU)));
	if (r == 0)
		r = add(o, "allow_channels",
			json_object_new_boolean(!!(s->flags & VXOFF_SEARCH_F_ALLOW_CHANNELS)));
	for (uint32_t i = 0; r == 0 && i < s->ncands; i++)
		r = json_object_array_add(cands, json_object_new_string(s->cands[i].name)) < 0
			    ? -ENOMEM
			    : 0;
	for (uint32_t i = 0; r == 0 && i < s->ntrials; i++)
		r = trial_json(&s->trials[i], trials);
	for (uint32_t e = 0; r == 0 && e < 2; e++) {
		struct json_object *p = NULL;
		const char *n = e ? "receiver" : "sender";

		r = plan_json(s->end[e].kept, &p);
		if (r == 0)
			r = add(plans, n, p);
		if (r == 0)
			r = add_str(bench, e ? "server_cpus" : "cpus", s->end[e].cpus);
	}
	if (r == 0) {
		r = add(o, "candidates", cands);
		cands = NULL;
	}
	if (r == 0) {
		r = add(o, "trials", trials);
		trials = NULL;
	}
	if (r == 0) {
		r = add(o, "plans", plans);
		plans = NULL;
	}
	if (r == 0) {
		r = add(o, "bench", bench);
		bench = NULL;
	}
	json_object_put(cands);
	json_object_put(trials);
	json_object_put(plans);
	json_object_put(bench);
	if (r == 0) {
		int jf = JSON_C_TO_STRING_NOSLASHESCAPE;

		jf |= (flags & VXOFF_JSON_PRETTY)
			      ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB
			      : JSON_C_TO_STRING_PLAIN;
		text = json_object_to_json_string_ext(o, jf);
		*ret = text ? strdup(text) : NULL;
		if (!*ret)
			r = -ENOMEM;
	}
	json_object_put(o);
	return r;
}
