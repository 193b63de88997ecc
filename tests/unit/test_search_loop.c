/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The search loop without a network: the knobs live in an in-memory store (vxoff_tune_read,
 * _apply and _restore wrapped), the bench is a fake whose throughput is a function of those
 * knobs, and the plans are the real tune plans. Checks the greedy keep/revert, that kept
 * changes stay for the next candidates, the undo order, a candidate that cannot be applied,
 * a failing baseline run (everything back), the budget and the trial log.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vxoff/bench.h>
#include <vxoff/search.h>
#include <vxoff/tune.h>

#include "testutil.h"

/* ---- the knob store ---- */

struct fknob {
	const char *dev;
	uint32_t kind;
	int32_t index;
	const char *key;
	char value[64];
	uint32_t flags;
};

static struct fknob store0[] = {
	{"va", VXOFF_KNOB_MTU, -1, NULL, "1500", 0},
	{"xa", VXOFF_KNOB_MTU, -1, NULL, "1450", 0},
	{"va", VXOFF_KNOB_FEATURE, -1, "tx-udp_tnl-segmentation", "off", 0},
	{"va", VXOFF_KNOB_FEATURE, -1, "tx-udp_tnl-csum-segmentation", "off", 0},
	{"vb", VXOFF_KNOB_MTU, -1, NULL, "1500", 0},
	{"xb", VXOFF_KNOB_MTU, -1, NULL, "1450", 0},
	{"vb", VXOFF_KNOB_FEATURE, -1, "rx-gro", "off", 0},
	{"vb", VXOFF_KNOB_FEATURE, -1, "rx-udp-gro-forwarding", "off", 0},
	{"vb", VXOFF_KNOB_FEATURE, -1, "rx-gro-hw", "off", VXOFF_KNOB_F_FIXED},
	{"vb", VXOFF_KNOB_RPS_CPUS, 0, NULL, "", 0},
	{"vb", VXOFF_KNOB_THREADED, -1, NULL, "0", 0},
	/* one NAPI (GRO on a veth, or a NIC queue): only then is threaded NAPI a candidate */
	{"vb", VXOFF_KNOB_NAPI_THREADED, 8193, NULL, "0", 0},
	{"vb", VXOFF_KNOB_COALESCE, -1, "adaptive-rx", "unsupported", VXOFF_KNOB_F_UNSUPPORTED},
};
#define NKNOBS (sizeof(store0) / sizeof(store0[0]))

static struct {
	struct fknob k[NKNOBS];
	/* snapshots: path -> the values before */
	struct {
		char path[256];
		char before[NKNOBS][64];
		int used;
	} snap[64];
	int applies, restores, runs, bench_fail_at, live_snaps, max_live_snaps;
	const char *fail_dev; /* vxoff_tune_apply fails for a plan touching this device */
	char trace[2048];     /* A (apply) / R (restore) / b c (runs) in order */
} F;

static void reset(void)
{
	memset(&F, 0, sizeof(F));
	memcpy(F.k, store0, sizeof(store0));
	F.bench_fail_at = -1;
}

static struct fknob *knob(const char *dev, uint32_t kind, const char *key)
{
	for (size_t i = 0; i < NKNOBS; i++)
		if (!strcmp(F.k[i].dev, dev) && F.k[i].kind == kind &&
		    ((!key && !F.k[i].key) || (key && F.k[i].key && !strcmp(key, F.k[i].key))))
			return &F.k[i];
	return NULL;
}

static bool is(const char *dev, uint32_t kind, const char *key, const char *v)
{
	return !strcmp(knob(dev, kind, key)->value, v);
}

static bool at_start(void)
{
	for (size_t i = 0; i < NKNOBS; i++)
		if (strcmp(F.k[i].value, store0[i].value))
			return false;
	return true;
}

static void trace(char c)
{
	size_t n = strlen(F.trace);

	if (n + 1 < sizeof(F.trace))
		F.trace[n] = c;
}

/* A state is a device name: its knobs are looked up in the store when read. */
struct fstate {
	char dev[16];
};

int __wrap_vxoff_tune_read(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
			   struct vxoff_tune_state **ret);
int __wrap_vxoff_tune_read(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
			   struct vxoff_tune_state **ret)
{
	struct fstate *st = calloc(1, sizeof(*st));

	(void)ctx;
	(void)flags;
	snprintf(st->dev, sizeof(st->dev), "%s", dev);
	*ret = (struct vxoff_tune_state *)st;
	return 0;
}

static size_t knob_of(const struct fstate *st, uint32_t idx)
{
	for (size_t i = 0, n = 0; i < NKNOBS; i++)
		if (!strcmp(F.k[i].dev, st->dev) && n++ == idx)
			return i;
	return NKNOBS;
}

uint32_t __wrap_vxoff_tune_state_count(const struct vxoff_tune_state *st);
uint32_t __wrap_vxoff_tune_state_count(const struct vxoff_tune_state *st)
{
	uint32_t n = 0;

	for (size_t i = 0; i < NKNOBS; i++)
		n += !strcmp(F.k[i].dev, ((const struct fstate *)st)->dev);
	return n;
}

int __wrap_vxoff_tune_state_get(const struct vxoff_tune_state *st, uint32_t idx,
				struct vxoff_knob *out);
int __wrap_vxoff_tune_state_get(const struct vxoff_tune_state *st, uint32_t idx,
				struct vxoff_knob *out)
{
	size_t i = knob_of((const struct fstate *)st, idx);

	if (i == NKNOBS)
		return -ERANGE;
	out->kind = F.k[i].kind;
	out->index = F.k[i].index;
	out->flags = F.k[i].flags;
	out->dev = F.k[i].dev;
	out->key = F.k[i].key;
	out->value = F.k[i].value;
	return 0;
}

void __wrap_vxoff_tune_state_free(struct vxoff_tune_state *st);
void __wrap_vxoff_tune_state_free(struct vxoff_tune_state *st)
{
	free(st);
}

int __wrap_vxoff_tune_apply(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			    const char *snapshot, uint32_t flags);
int __wrap_vxoff_tune_apply(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			    const char *snapshot, uint32_t flags)
{
	int s;

	(void)ctx;
	(void)flags;
	for (uint32_t i = 0; i < vxoff_tune_plan_count(plan); i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		assert_int_equal(vxoff_tune_plan_item(plan, i, &it), 0);
		if (F.fail_dev && !strcmp(it.dev, F.fail_dev))
			return -EOPNOTSUPP; /* tune rolls itself back: nothing changed */
	}
	for (s = 0; s < 64 && F.snap[s].used; s++)
		;
	assert_true(s < 64);
	F.snap[s].used = 1;
	snprintf(F.snap[s].path, sizeof(F.snap[s].path), "%s", snapshot);
	for (size_t i = 0; i < NKNOBS; i++)
		memcpy(F.snap[s].before[i], F.k[i].value, 64);
	for (uint32_t i = 0; i < vxoff_tune_plan_count(plan); i++) {
		VXOFF_OUT(vxoff_plan_item, it);
		struct fknob *k;

		vxoff_tune_plan_item(plan, i, &it);
		k = knob(it.dev, it.kind, it.key);
		assert_non_null(k);
		assert_false(k->flags & (VXOFF_KNOB_F_FIXED | VXOFF_KNOB_F_UNSUPPORTED));
		snprintf(k->value, sizeof(k->value), "%s", it.target);
	}
	F.applies++;
	F.live_snaps++;
	if (F.live_snaps > F.max_live_snaps)
		F.max_live_snaps = F.live_snaps;
	trace('A');
	return 0;
}

int __wrap_vxoff_tune_restore(struct vxoff_ctx *ctx, const char *snapshot, uint32_t flags,
			      uint32_t *ret_changed);
int __wrap_vxoff_tune_restore(struct vxoff_ctx *ctx, const char *snapshot, uint32_t flags,
			      uint32_t *ret_changed)
{
	(void)ctx;
	(void)ret_changed;
	assert_true(flags & VXOFF_TUNE_RESTORE_F_REMOVE);
	for (int s = 0; s < 64; s++) {
		if (!F.snap[s].used || strcmp(F.snap[s].path, snapshot))
			continue;
		/* the newest snapshot first: none applied after it is still live */
		for (int t = 0; t < 64; t++)
			assert_false(t != s && F.snap[t].used && t > s);
		for (size_t i = 0; i < NKNOBS; i++)
			memcpy(F.k[i].value, F.snap[s].before[i], 64);
		F.snap[s].used = 0;
		F.restores++;
		F.live_snaps--;
		trace('R');
		return 0;
	}
	fail_msg("restore of an unknown snapshot %s", snapshot);
	return -ENOENT;
}

int __wrap_vxoff_topology_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret);
int __wrap_vxoff_topology_read(struct vxoff_ctx *ctx, struct vxoff_topology **ret)
{
	(void)ctx;
	*ret = (struct vxoff_topology *)&F;
	return 0;
}

const char *__wrap_vxoff_topology_online(const struct vxoff_topology *topo);
const char *__wrap_vxoff_topology_online(const struct vxoff_topology *topo)
{
	(void)topo;
	return "0-1";
}

void __wrap_vxoff_topology_free(struct vxoff_topology *topo);
void __wrap_vxoff_topology_free(struct vxoff_topology *topo)
{
	(void)topo;
}

/* ---- the fake bench: throughput from the knobs, +-1 % alternating noise ---- */

struct vxoff_bench_result {
	double bps, cpu;
};

int vxoff_bench_run(struct vxoff_ctx *ctx, const struct vxoff_bench_opts *opts,
		    vxoff_bench_interval_fn fn, void *user, struct vxoff_bench_result **ret)
{
	struct vxoff_bench_result *r;
	double bps = 4e9;

	(void)ctx;
	(void)fn;
	(void)user;
	if (F.runs++ == F.bench_fail_at)
		return -ECONNREFUSED;
	if (is("va", VXOFF_KNOB_FEATURE, "tx-udp_tnl-segmentation", "on"))
		bps *= 2.5;
	if (is("va", VXOFF_KNOB_MTU, NULL, "9000") && is("vb", VXOFF_KNOB_MTU, NULL, "9000"))
		bps *= 1.8;
	if (is("vb", VXOFF_KNOB_FEATURE, "rx-gro", "on"))
		bps *= 1.2;
	if (is("vb", VXOFF_KNOB_FEATURE, "rx-udp-gro-forwarding", "on"))
		bps *= 0.7; /* a loss */
	if (opts->cpus)
		bps *= 0.9; /* pinning: a loss */
	/* threaded NAPI and RPS: no effect, only the noise */
	bps *= F.runs % 3 ? 1.01 : 0.99;
	r = calloc(1, sizeof(*r));
	r->bps = bps;
	r->cpu = 1e10 / bps;
	trace(opts->cpus ? 'p' : 'b');
	*ret = r;
	return 0;
}

void vxoff_bench_result_free(struct vxoff_bench_result *res)
{
	free(res);
}

int vxoff_bench_result_summary(const struct vxoff_bench_result *res,
			       struct vxoff_bench_summary *out)
{
	out->throughput_bps = res->bps;
	return 0;
}

int vxoff_bench_result_cpu(const struct vxoff_bench_result *res, uint32_t end, int32_t cpu,
			   struct vxoff_bench_cpu *out)
{
	(void)cpu;
	if (end != VXOFF_BENCH_END_SERVER)
		return -ENODATA;
	out->cpu_s_per_gb = res->cpu;
	return 0;
}

int vxoff_bench_server_new(struct vxoff_ctx *ctx, const struct vxoff_bench_server_opts *opts,
			   struct vxoff_bench_server **ret)
{
	(void)ctx;
	(void)opts;
	(void)ret;
	return -ENOSYS;
}

int vxoff_bench_server_run(struct vxoff_bench_server *srv)
{
	(void)srv;
	return -ENOSYS;
}

int vxoff_bench_server_stop(struct vxoff_bench_server *srv)
{
	(void)srv;
	return 0;
}

int vxoff_bench_server_stats(const struct vxoff_bench_server *srv,
			     struct vxoff_bench_server_stats *out)
{
	(void)srv;
	(void)out;
	return -ENOSYS;
}

void vxoff_bench_server_free(struct vxoff_bench_server *srv)
{
	(void)srv;
}

/* ---- the tests ---- */

static struct vxoff_ctx *ctx, *peer;

static int setup(void **state)
{
	(void)state;
	reset();
	if (vxoff_ctx_new(NULL, &ctx) < 0 || vxoff_ctx_new(NULL, &peer) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vxoff_ctx_free(ctx);
	vxoff_ctx_free(peer);
	return 0;
}

static struct vxoff_search *new_search(uint32_t flags, uint32_t budget, const char *skip)
{
	VXOFF_OPTS(vxoff_search_opts, so, .flags = flags, .host = "198.19.0.2",
		   .objective = VXOFF_SEARCH_OBJ_THROUGHPUT, .dev = "va", .overlay = "xa",
		   .peer_dev = "vb", .peer_overlay = "xb", .budget_s = budget, .pairs = 5,
		   .duration_ms = 1, .omit_ms = 1, .skip = skip, .snapshot_dir = "/nonexistent");
	struct vxoff_search *s = NULL;

	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), 0);
	return s;
}

static const char *outcome(const struct vxoff_search *s, const char *name, uint32_t *why)
{
	for (uint32_t i = 0; i < vxoff_search_trial_count(s); i++) {
		VXOFF_OUT(vxoff_search_trial, t);

		assert_int_equal(vxoff_search_trial(s, i, &t), 0);
		if (!strcmp(t.name, name)) {
			*why = t.why;
			return t.outcome == VXOFF_SEARCH_KEPT	 ? "kept"
			       : t.outcome == VXOFF_SEARCH_FINAL ? "final"
								 : "reverted";
		}
	}
	return "not tried";
}

static void greedy_keeps_what_wins(void **state)
{
	struct vxoff_search *s = new_search(VXOFF_SEARCH_F_ALLOW_MTU, 600, NULL);
	const struct vxoff_tune_plan *p = NULL;
	uint32_t why = 0;
	char *json = NULL;

	(void)state;
	assert_int_equal(vxoff_search_run(s), 0);
	/* order by prior: tnl-offload, mtu-jumbo, gro-receiver, gro-fwd-receiver, pin, rps,
	 * threaded; then the final check */
	assert_string_equal(outcome(s, "tnl-offload", &why), "kept");
	assert_int_equal(why, VXOFF_SEARCH_WHY_GAIN);
	assert_string_equal(outcome(s, "mtu-jumbo", &why), "kept");
	assert_string_equal(outcome(s, "gro-receiver", &why), "kept");
	assert_string_equal(outcome(s, "gro-fwd-receiver", &why), "reverted");
	assert_int_equal(why, VXOFF_SEARCH_WHY_LOSS);
	assert_string_equal(outcome(s, "pin", &why), "reverted");
	assert_int_equal(why, VXOFF_SEARCH_WHY_LOSS);
	assert_string_equal(outcome(s, "rps-receiver", &why), "reverted");
	assert_int_equal(why, VXOFF_SEARCH_WHY_NOISE);
	assert_string_equal(outcome(s, "threaded-napi-receiver", &why), "reverted");
	assert_string_equal(outcome(s, "coalesce-receiver", &why), "not tried"); /* unsupported */
	assert_string_equal(outcome(s, "final", &why), "final");
	assert_int_equal(why, VXOFF_SEARCH_WHY_GAIN);
	{
		VXOFF_OUT(vxoff_search_trial, t);

		/* the final check: 2.5 * 1.8 * 1.2 = 5.4x over the start */
		assert_int_equal(vxoff_search_trial(s, vxoff_search_trial_count(s) - 1, &t), 0);
		assert_true(fabs(t.ratio - 5.4) < 0.2);
		assert_int_equal(t.pairs, 5);
	}
	/* the kept changes are in place, the reverted ones are not */
	assert_true(is("va", VXOFF_KNOB_FEATURE, "tx-udp_tnl-segmentation", "on"));
	assert_true(is("xa", VXOFF_KNOB_MTU, NULL, "8950"));
	assert_true(is("xb", VXOFF_KNOB_MTU, NULL, "8950"));
	assert_true(is("vb", VXOFF_KNOB_FEATURE, "rx-gro", "on"));
	assert_true(is("vb", VXOFF_KNOB_FEATURE, "rx-udp-gro-forwarding", "off"));
	assert_true(is("vb", VXOFF_KNOB_RPS_CPUS, NULL, ""));
	assert_true(is("vb", VXOFF_KNOB_THREADED, NULL, "0"));
	/* kept plans: sender 2 features + 2 MTUs, receiver 2 MTUs + GRO; no pinning */
	assert_int_equal(vxoff_search_plan(s, VXOFF_SEARCH_END_SENDER, &p), 0);
	assert_int_equal(vxoff_tune_plan_count(p), 4);
	assert_int_equal(vxoff_search_plan(s, VXOFF_SEARCH_END_RECEIVER, &p), 0);
	assert_int_equal(vxoff_tune_plan_count(p), 3);
	assert_string_equal(vxoff_search_bench_cpus(s, 0), "");
	assert_int_equal(vxoff_search_json(s, 0, &json), 0);
	assert_non_null(strstr(json, "\"schema\":\"vxoff-tune-search/1\""));
	assert_non_null(strstr(json, "\"candidate\":\"gro-fwd-receiver\""));
	vxoff_free(json);
	/* everything undone, newest first (the fake asserts the order) */
	assert_int_equal(vxoff_search_restore(s), 0);
	assert_true(at_start());
	assert_int_equal(F.live_snaps, 0);
	assert_int_equal(vxoff_search_run(s), -EBUSY);
	vxoff_search_free(s);
}

static void abba_switches_once_per_pair(void **state)
{
	struct vxoff_search *s = new_search(0, 600,
					    "tnl-offload,gro-fwd-receiver,pin,"
					    "rps-receiver,threaded-napi-receiver");

	(void)state;
	assert_int_equal(vxoff_search_run(s), 0);
	/* gro-receiver alone, seed 0: pairs AB BA AB BA AB; b = a run, A = apply, R = restore:
	 * b A b | b R b | b A b | b R b | b A b: one switch per pair boundary */
	assert_int_equal(strncmp(F.trace, "bAbbRbbAbbRbbAb", 15), 0);
	assert_int_equal(vxoff_search_trial_count(s), 2);
	assert_int_equal(vxoff_search_restore(s), 0);
	assert_true(at_start());
	vxoff_search_free(s);
}

static void candidate_that_cannot_be_applied(void **state)
{
	struct vxoff_search *s = new_search(0, 600, "gro-receiver,gro-fwd-receiver,pin");
	uint32_t why = 0;

	(void)state;
	F.fail_dev = "vb"; /* every receiver change is refused */
	assert_int_equal(vxoff_search_run(s), 0);
	assert_string_equal(outcome(s, "tnl-offload", &why), "kept");
	assert_string_equal(outcome(s, "rps-receiver", &why), "reverted");
	assert_int_equal(why, VXOFF_SEARCH_WHY_FAILED);
	assert_string_equal(outcome(s, "threaded-napi-receiver", &why), "reverted");
	assert_int_equal(why, VXOFF_SEARCH_WHY_FAILED);
	assert_true(is("va", VXOFF_KNOB_FEATURE, "tx-udp_tnl-segmentation", "on"));
	assert_true(is("vb", VXOFF_KNOB_RPS_CPUS, NULL, ""));
	assert_int_equal(vxoff_search_restore(s), 0);
	assert_true(at_start());
	vxoff_search_free(s);
}

static void no_napi_no_threaded_candidate(void **state)
{
	struct vxoff_search *s = new_search(0, 600, "tnl-offload,gro-receiver,gro-fwd-receiver,pin,"
						     "rps-receiver");
	uint32_t why = 0;

	(void)state;
	/* a veth without GRO: tune lists its per-NAPI knob as unsupported */
	for (size_t i = 0; i < NKNOBS; i++)
		if (F.k[i].kind == VXOFF_KNOB_NAPI_THREADED)
			F.k[i].flags = VXOFF_KNOB_F_UNSUPPORTED;
	assert_int_equal(vxoff_search_run(s), 0);
	assert_string_equal(outcome(s, "threaded-napi-receiver", &why), "not tried");
	assert_int_equal(vxoff_search_restore(s), 0);
	assert_true(at_start());
	vxoff_search_free(s);
}

static void failing_baseline_restores_everything(void **state)
{
	struct vxoff_search *s = new_search(VXOFF_SEARCH_F_ALLOW_MTU, 600, NULL);
	VXOFF_OUT(vxoff_error, e);

	(void)state;
	/* runs 0-9: tnl-offload (kept); mtu-jumbo: 10 base, 11 cand, 12 cand (both snapshots
	 * live), 13 base after the restore: it fails */
	F.bench_fail_at = 13;
	assert_int_equal(vxoff_search_run(s), -ECONNREFUSED);
	assert_int_equal(vxoff_ctx_last_error(ctx, &e), 0);
	assert_non_null(strstr(e.msg, "baseline"));
	assert_true(at_start());
	assert_int_equal(F.live_snaps, 0);
	assert_true(F.max_live_snaps >= 2); /* tnl-offload kept + mtu applied at some point */
	vxoff_search_free(s);
}

static void budget_too_small_changes_nothing(void **state)
{
	VXOFF_OPTS(vxoff_search_opts, so, .host = "198.19.0.2", .dev = "va", .overlay = "xa",
		   .budget_s = 10, .pairs = 5, .duration_ms = 1000, .omit_ms = 500,
		   .snapshot_dir = "/nonexistent");
	struct vxoff_search *s = NULL;

	(void)state;
	/* one trial is estimated at 2 * 5 * (1.5 + 0.5) s = 20 s, plus as much for the final */
	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), 0);
	assert_int_equal(vxoff_search_run(s), 0);
	assert_int_equal(vxoff_search_trial_count(s), 0);
	assert_int_equal(F.runs, 0);
	assert_true(at_start());
	vxoff_search_free(s);
}

static void bad_options(void **state)
{
	VXOFF_OPTS(vxoff_search_opts, so, .host = "198.19.0.2", .dev = "va",
		   .snapshot_dir = "/tmp");
	struct vxoff_search *s = NULL;

	(void)state;
	so.pairs = 4;
	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), -EINVAL);
	so.pairs = 0;
	so.objective = 3;
	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), -EINVAL);
	so.objective = VXOFF_SEARCH_OBJ_MIX;
	so.mix_weight = 1.5;
	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), -EINVAL);
	so.mix_weight = 0;
	so.flags = VXOFF_SEARCH_F_START_SERVER;
	assert_int_equal(vxoff_search_new(ctx, NULL, &so, &s), -EINVAL);
	so.flags = 1u << 20;
	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), -EINVAL);
	so.flags = 0;
	so.snapshot_dir = NULL;
	assert_int_equal(vxoff_search_new(ctx, peer, &so, &s), -EINVAL);
	assert_null(s);
	assert_int_equal(vxoff_search_stop(NULL), -EINVAL);
	assert_int_equal(vxoff_search_trial_count(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(greedy_keeps_what_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(abba_switches_once_per_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(candidate_that_cannot_be_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(no_napi_no_threaded_candidate, setup, teardown),
		cmocka_unit_test_setup_teardown(failing_baseline_restores_everything, setup,
						teardown),
		cmocka_unit_test_setup_teardown(budget_too_small_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_options, setup, teardown),
	};

	return cmocka_run_group_tests_name("search_loop", tests, NULL, NULL);
}
