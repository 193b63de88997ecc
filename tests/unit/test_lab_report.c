/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's report from synthetic figures: the JSON carries every figure and its ratios are
 * the medians of the pair ratios of the runs it shows; the SVG is well-formed (a small tag
 * balance check: libxml2 is no dependency; the integration test runs xmllint) with a bar per
 * series; the HTML is self-contained and shows per-CPU figures exactly when the aim is
 * missed; names are escaped. After a search, each trial (candidate, medians, paired ratio
 * and its interval, the decision) is in the JSON, in a chart panel of its own and in words.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <vxoff/search.h>

#include "testutil.h"
#include "lab/lab_internal.h"

#define PAIRS 3u

/* Deterministic figures with spread: plain ~20 Gbit/s, VXLAN ~@vx_factor of it. */
static struct vxoff__lab_run *runs(double base, double factor, double cpu, uint32_t seed)
{
	struct vxoff__lab_run *r = calloc(PAIRS, sizeof(*r));

	assert_non_null(r);
	for (uint32_t k = 0; k < PAIRS; k++) {
		double jitter = 1 + 0.03 * (double)((k * 7 + seed) % 5) - 0.06;

		r[k].tput_bps = base * factor * jitter;
		r[k].cpu_gb[0] = cpu / factor * (2 - jitter);
		r[k].cpu_gb[1] = 0.8 * cpu / factor * jitter;
		r[k].busy_cpus[0] = 1.2;
		r[k].busy_cpus[1] = 1.2;
		r[k].hottest[0] = 0.9 + 0.01 * k;
		r[k].hottest[1] = 0.8;
		r[k].bytes_received = (uint64_t)(r[k].tput_bps / 8);
		r[k].total_sent = r[k].bytes_received + 1000 * (k + 1);
		r[k].total_received = r[k].total_sent;
		r[k].dev_tx_bytes = r[k].total_sent + r[k].total_sent / 30;
		for (int e = 0; e < 2; e++) {
			r[k].ncpus[e] = 2;
			r[k].cpu_busy[e] = calloc(2, sizeof(double));
			assert_non_null(r[k].cpu_busy[e]);
			r[k].cpu_busy[e][0] = 0.95;
			r[k].cpu_busy[e][1] = 0.25 + 0.1 * e;
		}
	}
	return r;
}

static struct vxoff_lab_report *synthetic(const char *name, double after_factor)
{
	struct vxoff_lab_report *rep = vxoff__lab_report_alloc();

	assert_non_null(rep);
	rep->name = strdup(name);
	rep->testbed = strdup("veth");
	rep->kernel = strdup("6.18.0-test");
	rep->profile = strdup("single-stream");
	rep->started = strdup("2026-12-07T16:00:00Z");
	rep->ul_mtu = 1500;
	rep->ov_mtu = 1450;
	rep->streams = 1;
	rep->pairs = PAIRS;
	rep->duration_ms = 1000;
	rep->omit_ms = 500;
	rep->vni = 42;
	rep->port = 4789;
	rep->ncpus = 2;
	for (int i = 0; i < 2; i++) {
		struct vxoff__lab_end *e = &rep->ends[i];

		e->netns = strdup(i ? "lab-b" : "lab-a");
		e->underlay = strdup("vxlab-u");
		e->vxlan = strdup("vxlab-x");
		e->verdict = 2;
		e->reasons = calloc(1, sizeof(*e->reasons));
		e->reasons[0].name = strdup("gro-off");
		e->reasons[0].severity = strdup("warn");
		e->reasons[0].text = strdup("GRO is off <on the underlay>");
		e->nreasons = 1;
		e->plan = calloc(1, sizeof(*e->plan));
		e->plan[0].kind = strdup("feature");
		e->plan[0].dev = strdup("vxlab-u");
		e->plan[0].key = strdup("rx-gro");
		e->plan[0].current = strdup("off");
		e->plan[0].target = strdup("on");
		e->plan[0].reason = strdup("receive GRO");
		e->plan[0].gain = strdup("fewer packets up the stack");
		e->plan[0].index = -1;
		e->nplan = 1;
		e->planned = e->applied = e->restored = true;
	}
	assert_int_equal(vxoff__lab_report_set_phase(rep, 0, PAIRS, runs(20e9, 1, 0.5, 1),
						     runs(20e9, 0.7, 0.5, 2)),
			 0);
	assert_int_equal(vxoff__lab_report_set_phase(rep, 1, PAIRS, runs(21e9, 1, 0.5, 3),
						     runs(21e9, after_factor, 0.5, after_factor >= 1 ? 3 : 4)),
			 0);
	return rep;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, uint32_t n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		struct json_object *n = NULL;

		if (json_object_is_type(o, json_type_array))
			n = json_object_array_get_idx(o, (size_t)atoi(k));
		else if (!json_object_object_get_ex(o, k, &n))
			n = NULL;
		o = n;
	}
	return o;
}

static double num(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	assert_non_null(v);
	return json_object_get_double(v);
}

static void test_json(void **state)
{
	struct vxoff_lab_report *rep = synthetic("lab", 0.7);
	VXOFF_OUT(vxoff_lab_summary, s);
	struct json_object *root, *ph;
	char *text = NULL;

	(void)state;
	assert_int_equal(vxoff_lab_report_json(rep, VXOFF_JSON_PRETTY, &text), 0);
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(get(root, "schema")), "vxoff-lab-report/1");
	assert_int_equal(num(root, "conditions.underlay_mtu"), 1500);
	assert_int_equal(num(root, "conditions.overlay_mtu"), 1450);
	assert_int_equal(num(root, "conditions.pairs"), PAIRS);
	assert_string_equal(json_object_get_string(get(root, "ends.0.plan.items.0.key")), "rx-gro");
	assert_string_equal(json_object_get_string(get(root, "ends.1.reasons.0.name")), "gro-off");
	assert_int_equal(vxoff_lab_report_summary(rep, &s), 0);
	assert_int_equal(s.phases, 2);

	for (uint32_t p = 0; p < 2; p++) {
		static const char *const metric[] = { "throughput", "cpu_client", "cpu_server" };
		const double *sm[3] = { s.tput_ratio, s.cpu_client_ratio, s.cpu_server_ratio };
		char path[128];

		snprintf(path, sizeof(path), "phases.%u", p);
		ph = get(root, path);
		assert_non_null(ph);
		assert_int_equal(json_object_array_length(get(ph, "runs")), 2 * PAIRS);
		for (uint32_t m = 0; m < 3; m++) {
			double ratio[PAIRS], arm[2][PAIRS];

			/* every figure is there, and the ratios come from the runs shown */
			for (uint32_t k = 0; k < PAIRS; k++) {
				double v[2];

				for (uint32_t a = 0; a < 2; a++) {
					struct json_object *run = json_object_array_get_idx(
						get(ph, "runs"), k * 2 + a);

					assert_int_equal(num(run, "pair"), k);
					assert_string_equal(
						json_object_get_string(get(run, "arm")),
						a ? "vxlan" : "plain");
					v[a] = m == 0 ? num(run, "throughput_bps")
					       : m == 1 ? num(run, "client.cpu_s_per_gb")
							: num(run, "server.cpu_s_per_gb");
					assert_true(v[a] > 0);
					arm[a][k] = v[a];
					assert_int_equal(
						json_object_array_length(get(run, "client.per_cpu_busy")),
						2);
					assert_true(num(run, "total_sent") > 0);
					assert_true(num(run, "device_tx_bytes") >=
						    num(run, "total_sent"));
				}
				ratio[k] = v[1] / v[0];
			}
			snprintf(path, sizeof(path), "ratios.%s.median", metric[m]);
			assert_true(fabs(num(ph, path) - median(ratio, PAIRS)) < 1e-9);
			assert_true(fabs(sm[m][p] - median(ratio, PAIRS)) < 1e-9);
			snprintf(path, sizeof(path), "ratios.%s.min", metric[m]);
			assert_true(fabs(num(ph, path) - ratio[0]) < 1e-9); /* sorted by median() */
			snprintf(path, sizeof(path), "ratios.%s.max", metric[m]);
			assert_true(fabs(num(ph, path) - ratio[PAIRS - 1]) < 1e-9);
			snprintf(path, sizeof(path), "arms.vxlan.%s.median", metric[m]);
			assert_true(fabs(num(ph, path) - median(arm[1], PAIRS)) < 1e-3);
			snprintf(path, sizeof(path), "summary.%s.%s.median", p ? "after" : "before",
				 metric[m]);
			assert_true(fabs(num(root, path) - median(ratio, PAIRS)) < 1e-9);
		}
	}
	/* 0.7 of plain misses the aim */
	assert_false(json_object_get_boolean(get(root, "summary.aim.reached")));
	json_object_put(root);
	vxoff_free(text);
	vxoff_lab_report_free(rep);
}

/* A minimal XML check: every element closed in order, quotes balanced inside tags. */
static bool xml_balanced(const char *s)
{
	char stack[64][48];
	int depth = 0;

	while ((s = strchr(s, '<'))) {
		const char *end = strchr(s, '>');
		char name[48];
		size_t n;
		int quotes = 0;

		if (!end)
			return false;
		for (const char *q = s; q < end; q++)
			quotes += *q == '"';
		if (quotes % 2)
			return false;
		if (s[1] == '?' || s[1] == '!') {
			s = end + 1;
			continue;
		}
		if (s[1] == '/') {
			n = strcspn(s + 2, " >");
			if (depth == 0 || n >= sizeof(name) || strncmp(stack[depth - 1], s + 2, n) ||
			    stack[depth - 1][n])
				return false;
			depth--;
		} else if (end[-1] != '/') {
			n = strcspn(s + 1, " >/\n");
			if (depth == 64 || n >= sizeof(name))
				return false;
			memcpy(stack[depth], s + 1, n);
			stack[depth++][n] = 0;
		}
		s = end + 1;
	}
	return depth == 0;
}

static void test_svg(void **state)
{
	struct vxoff_lab_report *rep = synthetic("lab<&>\"x", 0.7);
	static const char *const ids[] = { "tput", "cpu-client", "cpu-server" };
	char *svg = NULL, id[96];

	(void)state;
	assert_int_equal(vxoff_lab_report_svg(rep, &svg), 0);
	assert_true(xml_balanced(svg));
	assert_non_null(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	for (int m = 0; m < 3; m++)
		for (int p = 0; p < 2; p++)
			for (int a = 0; a < 2; a++) {
				snprintf(id, sizeof(id), "id=\"%s-%s-%s\" class=\"bar %s\"", ids[m],
					 p ? "after" : "before", a ? "vxlan" : "plain",
					 a ? "vxlan" : "plain");
				assert_non_null(strstr(svg, id));
				snprintf(id, sizeof(id), "id=\"%s-%s-%s-range\"", ids[m],
					 p ? "after" : "before", a ? "vxlan" : "plain");
				assert_non_null(strstr(svg, id));
			}
	assert_non_null(strstr(svg, "id=\"legend\""));
	assert_non_null(strstr(svg, "Throughput (Gbit/s)"));
	assert_non_null(strstr(svg, "CPU-s/GB"));
	vxoff_free(svg);
	vxoff_lab_report_free(rep);
}

static void test_html(void **state)
{
	struct vxoff_lab_report *missed = synthetic("lab<&>", 0.7);
	struct vxoff_lab_report *reached = synthetic("lab", 1.0);
	char *a = NULL, *b = NULL;

	(void)state;
	/* reached: same throughput, and CPU per byte equal too (factor 1) */
	assert_true(vxoff__lab_aim_reached(reached));
	assert_false(vxoff__lab_aim_reached(missed));
	assert_int_equal(vxoff_lab_report_html(missed, &a), 0);
	assert_int_equal(vxoff_lab_report_html(reached, &b), 0);
	assert_non_null(strstr(a, "<svg"));
	assert_null(strstr(a, "<script"));
	assert_null(strstr(a, "src="));
	assert_null(strstr(a, "<link"));
	assert_null(strstr(a, "lab<&>"));
	assert_non_null(strstr(a, "lab&lt;&amp;&gt;"));
	assert_non_null(strstr(a, "GRO is off &lt;on the underlay&gt;"));
	assert_non_null(strstr(a, "id=\"cpus-client\""));
	assert_non_null(strstr(a, "id=\"cpus-server\""));
	assert_non_null(strstr(a, "not reached"));
	assert_null(strstr(b, "id=\"cpus-client\""));
	assert_non_null(strstr(b, "<strong>reached</strong>"));
	assert_non_null(strstr(a, "rx-gro"));
	vxoff_free(a);
	vxoff_free(b);
	vxoff_lab_report_free(missed);
	vxoff_lab_report_free(reached);
}

struct trial_spec {
	const char *name;
	uint32_t outcome, why, pairs;
	double base, cand, ratio, lo, hi;
};

/* A search of four steps: a gain kept, a loss reverted, a failure, and the final check. */
static const struct trial_spec trials[] = {
	{ "mtu-jumbo", VXOFF_SEARCH_KEPT, VXOFF_SEARCH_WHY_GAIN, 5, 4.4e9, 11.4e9, 2.59, 2.31,
	  2.90 },
	{ "gro<rx>", VXOFF_SEARCH_REVERTED, VXOFF_SEARCH_WHY_LOSS, 5, 11.4e9, 9.6e9, 0.842, 0.80,
	  0.88 },
	{ "pin", VXOFF_SEARCH_REVERTED, VXOFF_SEARCH_WHY_FAILED, 0, 0, 0, 0, 0, 0 },
	{ "final", VXOFF_SEARCH_FINAL, VXOFF_SEARCH_WHY_GAIN, 5, 4.5e9, 11.2e9, 2.49, 2.2, 2.8 },
};

static struct vxoff_lab_report *with_search(void)
{
	struct vxoff_lab_report *rep = synthetic("lab", 0.9);
	struct vxoff__lab_tuning *tu = &rep->tuning;
	uint32_t n = sizeof(trials) / sizeof(trials[0]);

	tu->mode = VXOFF_LAB_TUNE_SEARCH;
	tu->note = strdup("the default: a measured search");
	tu->objective = strdup("throughput");
	tu->budget_s = 70;
	tu->pairs = 5;
	tu->duration_ms = 1000;
	tu->omit_ms = 300;
	tu->trials = calloc(n, sizeof(*tu->trials));
	assert_non_null(tu->trials);
	for (uint32_t i = 0; i < n; i++) {
		struct vxoff__lab_trial *t = &tu->trials[i];

		t->name = strdup(trials[i].name);
		t->change = strdup("a change & its words");
		t->message = strdup(trials[i].why == VXOFF_SEARCH_WHY_FAILED ? "apply failed" : "");
		t->outcome = trials[i].outcome;
		t->why = trials[i].why;
		t->pairs = trials[i].pairs;
		t->base_bps = trials[i].base;
		t->cand_bps = trials[i].cand;
		t->ratio = trials[i].ratio;
		t->ci_low = trials[i].lo;
		t->ci_high = trials[i].hi;
		t->err = trials[i].why == VXOFF_SEARCH_WHY_FAILED ? -EIO : 0;
	}
	tu->ntrials = n;
	return rep;
}

static void test_search_trials(void **state)
{
	struct vxoff_lab_report *rep = with_search(), *plain = synthetic("lab", 0.9);
	static const char *const outcome[] = { "kept", "reverted", "reverted", "final" };
	static const char *const why[] = { "gain", "loss", "failed", "gain" };
	struct json_object *root, *arr;
	char *text = NULL, *svg = NULL, *html = NULL, id[128], path[64];

	(void)state;
	/* the trial log in report.json */
	assert_int_equal(vxoff_lab_report_json(rep, 0, &text), 0);
	root = json_tokener_parse(text);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(get(root, "tuning.mode")), "search");
	assert_string_equal(json_object_get_string(get(root, "conditions.tune_mode")), "search");
	assert_int_equal(num(root, "tuning.pairs"), 5);
	arr = get(root, "tuning.trials");
	assert_non_null(arr);
	assert_int_equal(json_object_array_length(arr), 4);
	for (uint32_t i = 0; i < 4; i++) {
		struct json_object *t = json_object_array_get_idx(arr, i);

		assert_string_equal(json_object_get_string(get(t, "candidate")), trials[i].name);
		assert_string_equal(json_object_get_string(get(t, "outcome")), outcome[i]);
		assert_string_equal(json_object_get_string(get(t, "why")), why[i]);
		assert_int_equal(num(t, "pairs"), trials[i].pairs);
		if (!trials[i].pairs) {
			/* not measured: null, never an invented 0 */
			assert_true(json_object_is_type(get(t, "ratio"), json_type_null));
			assert_true(json_object_is_type(get(t, "ci_low"), json_type_null));
			continue;
		}
		assert_true(fabs(num(t, "ratio") - trials[i].ratio) < 1e-9);
		assert_true(fabs(num(t, "ci_low") - trials[i].lo) < 1e-9);
		assert_true(fabs(num(t, "ci_high") - trials[i].hi) < 1e-9);
		assert_true(fabs(num(t, "base_bps_median") - trials[i].base) < 1);
		assert_true(fabs(num(t, "cand_bps_median") - trials[i].cand) < 1);
	}
	snprintf(path, sizeof(path), "tuning.trials.2.err");
	assert_int_equal(num(root, path), -EIO);
	json_object_put(root);
	vxoff_free(text);

	/* the chart: a bar per measured trial with its interval, the line at 1.0 */
	assert_int_equal(vxoff_lab_report_svg(rep, &svg), 0);
	assert_true(xml_balanced(svg));
	assert_non_null(strstr(svg, "id=\"trial-unity\""));
	assert_non_null(strstr(svg, "id=\"trials\""));
	for (uint32_t i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "id=\"trial-%u\" class=\"%strial %s", i,
			 trials[i].pairs ? "bar " : "", outcome[i]);
		assert_non_null(strstr(svg, id));
		snprintf(id, sizeof(id), "id=\"trial-%u-ci\"", i);
		if (trials[i].pairs) {
			char ratio[64];

			assert_non_null(strstr(svg, id));
			snprintf(ratio, sizeof(ratio), "data-ratio=\"%.6g\" data-ci-low=\"%.6g\"",
				 trials[i].ratio, trials[i].lo);
			assert_non_null(strstr(svg, ratio));
		} else {
			assert_null(strstr(svg, id));
		}
	}
	assert_non_null(strstr(svg, "gro&lt;rx&gt;"));
	assert_null(strstr(svg, "gro<rx>"));
	assert_non_null(strstr(svg, "ratio candidate/baseline"));
	vxoff_free(svg);
	/* without a search there is no trial panel */
	assert_int_equal(vxoff_lab_report_svg(plain, &svg), 0);
	assert_null(strstr(svg, "trial-unity"));
	vxoff_free(svg);

	/* in words */
	assert_int_equal(vxoff_lab_report_html(rep, &html), 0);
	assert_non_null(strstr(html, "id=\"trials-words\""));
	assert_non_null(strstr(html, "<code>mtu-jumbo</code>"));
	assert_non_null(strstr(html, "paired ratio 2.590 (95% interval 2.310&ndash;2.900"));
	assert_non_null(strstr(html, "<strong>kept</strong>, because the whole 95% interval "
				     "lies above 1"));
	assert_non_null(strstr(html, "<strong>reverted</strong>, because the whole 95% interval "
				     "lies below 1"));
	assert_non_null(strstr(html, "gro&lt;rx&gt;"));
	assert_non_null(strstr(html, "apply failed"));
	assert_non_null(strstr(html, "id=\"trial-unity\""));
	vxoff_free(html);
	vxoff_lab_report_free(rep);
	vxoff_lab_report_free(plain);
}

static void test_fig(void **state)
{
	double v[] = { 3, 1, 2, 10 };
	struct vxoff__lab_fig f;

	(void)state;
	f = vxoff__lab_fig_of(v, 4);
	assert_true(f.median == 2.5 && f.min == 1 && f.max == 10 && f.n == 4);
	f = vxoff__lab_fig_of(v, 3);
	assert_true(f.median == 2 && f.min == 1 && f.max == 3);
	f = vxoff__lab_fig_of(v, 0);
	assert_true(f.n == 0 && f.median == 0);
	assert_int_equal(vxoff_lab_report_json(NULL, 0, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fig),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_search_trials),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
