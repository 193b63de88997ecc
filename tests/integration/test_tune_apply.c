/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Tune as root on a veth pair (2 queues each side) with a VXLAN device on top, in throwaway
 * namespaces: a profile applied then restored leaves every knob as it was (the full
 * vxoff_tune_read state of the underlay and the overlay compared), through the API and
 * through the vxoff binary ($VXOFF_CLI, set by ctest); a saved plan (`apply --plan FILE`,
 * as `tune search --plan-out` writes) sets exactly its targets and restores to the state
 * before. Skips (77) with the reason when root, ip, ethtool or vxlan is missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <vxoff/vxoff.h>

#include "nstest.h"

static struct {
	const char *skip;
	const char *cli;
	char ns[64], peer[64];
	char dir[64];
	struct vxoff_ctx *ctx;
} g;

static int group_setup(void **state)
{
	VXOFF_OPTS(vxoff_ctx_opts, o);

	(void)state;
	g.cli = getenv("VXOFF_CLI");
	g.skip = nt_precondition();
	if (g.skip)
		return 0;
	if (nt_ns_create("tune", g.ns) < 0 || nt_ns_create("tunepeer", g.peer) < 0) {
		g.skip = "could not create a network namespace (ip netns add failed)";
		return 0;
	}
	if (nt_sh_quiet("ip -n %s link add va numtxqueues 2 numrxqueues 2 type veth peer name vb "
			"netns %s numtxqueues 2 numrxqueues 2", g.ns, g.peer) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.1/30 dev va", g.ns) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.2/30 dev vb", g.peer) ||
	    nt_sh_quiet("ip -n %s link set va up", g.ns) ||
	    nt_sh_quiet("ip -n %s link set vb up", g.peer))
		return -1;
	if (nt_sh_feature(&g.skip, "no VXLAN support in this kernel (vxlan module?)",
			  "ip -n %s link add xa type vxlan id 42 local 198.18.0.1 remote "
			  "198.18.0.2 dstport 4789 dev va",
			  g.ns))
		return 0;
	if (nt_sh_quiet("ip -n %s link set xa mtu 1450 up", g.ns))
		return -1;
	o.netns = g.ns;
	if (vxoff_ctx_new(&o, &g.ctx) < 0)
		return -1;
	snprintf(g.dir, sizeof(g.dir), "/tmp/vxoff-t%d-tune-XXXXXX", (int)getpid());
	return mkdtemp(g.dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	int rc = 0;
	char cmd[128];

	(void)state;
	vxoff_ctx_free(g.ctx);
	g.ctx = NULL;
	if (g.dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g.dir);
		rc |= system(cmd) != 0;
	}
	for (char *ns = g.ns; ns; ns = ns == g.ns ? g.peer : NULL) {
		if (!ns[0])
			continue;
		nt_ns_delete(ns);
		if (nt_ns_listed(ns)) {
			fprintf(stderr, "teardown: %s still listed by ip netns list\n", ns);
			rc = -1;
		}
		ns[0] = '\0';
	}
	return rc ? -1 : 0;
}

static const char *last_msg(void)
{
	VXOFF_OUT(vxoff_error, e);

	vxoff_ctx_last_error(g.ctx, &e);
	return e.msg ? e.msg : "(no message)";
}

/* Every knob of va and xa, and the namespace's sysctls, as JSON text. */
static char *state_of_all(void)
{
	char *out = NULL, *a = NULL, *b = NULL;
	struct vxoff_tune_state *st = NULL;

	if (vxoff_tune_read(g.ctx, "va", VXOFF_TUNE_READ_F_SYSCTLS, &st) < 0)
		fail_msg("reading va: %s", last_msg());
	assert_int_equal(vxoff_tune_state_json(st, VXOFF_JSON_PRETTY, &a), 0);
	vxoff_tune_state_free(st);
	st = NULL;
	if (vxoff_tune_read(g.ctx, "xa", 0, &st) < 0)
		fail_msg("reading xa: %s", last_msg());
	assert_int_equal(vxoff_tune_state_json(st, VXOFF_JSON_PRETTY, &b), 0);
	vxoff_tune_state_free(st);
	assert_true(asprintf(&out, "%s\n%s", a, b) > 0);
	vxoff_free(a);
	vxoff_free(b);
	return out;
}

static void assert_same(const char *before, const char *now, const char *when)
{
	if (strcmp(before, now) != 0)
		fail_msg("%s: the state differs.\nbefore:\n%s\nnow:\n%s", when, before, now);
}

static uint32_t applicable(const struct vxoff_tune_plan *p)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		assert_int_equal(vxoff_tune_plan_item(p, i, &it), 0);
		if (!(it.flags & VXOFF_PLAN_F_ADVICE))
			n++;
	}
	return n;
}

static void api_round(uint32_t profile, uint32_t flags, uint32_t mtu, const char *name)
{
	VXOFF_OPTS(vxoff_tune_plan_opts, o, .profile = profile, .app_cpus = "0", .flags = flags,
		   .underlay_mtu = mtu);
	struct vxoff_tune_plan *p = NULL;
	char *before = state_of_all(), *during, *after, snap[128];
	uint32_t changed = 0, n;
	int r;

	snprintf(snap, sizeof(snap), "%s/%s.json", g.dir, name);
	r = vxoff_tune_plan_new(g.ctx, "va", &o, &p);
	if (r < 0)
		fail_msg("%s plan: %d %s", name, r, last_msg());
	n = applicable(p);
	print_message("%s: %u items, %u to apply\n", name, vxoff_tune_plan_count(p), n);
	assert_true(n > 0);
	during = state_of_all();
	assert_same(before, during, "after planning (a plan changes nothing)");
	free(during);
	r = vxoff_tune_apply(g.ctx, p, snap, 0);
	if (r < 0)
		fail_msg("%s apply: %d %s", name, r, last_msg());
	during = state_of_all();
	assert_string_not_equal(before, during);
	free(during);
	r = vxoff_tune_restore(g.ctx, snap, 0, &changed);
	if (r < 0)
		fail_msg("%s restore: %d %s", name, r, last_msg());
	assert_true(changed > 0);
	after = state_of_all();
	assert_same(before, after, name);
	/* idempotent */
	assert_int_equal(vxoff_tune_restore(g.ctx, snap, VXOFF_TUNE_RESTORE_F_REMOVE, &changed),
			 0);
	assert_int_equal(changed, 0);
	free(after);
	free(before);
	vxoff_tune_plan_free(p);
}

static void test_api_single_stream(void **state)
{
	(void)state;
	NT_SKIP_IF(g.skip);
	api_round(VXOFF_PROFILE_SINGLE_STREAM, 0, 0, "single-stream");
}

static void test_api_single_stream_jumbo(void **state)
{
	(void)state;
	NT_SKIP_IF(g.skip);
	api_round(VXOFF_PROFILE_SINGLE_STREAM, VXOFF_TUNE_ALLOW_MTU, 9000, "single-stream-mtu");
}

static void test_api_many_flow(void **state)
{
	(void)state;
	NT_SKIP_IF(g.skip);
	api_round(VXOFF_PROFILE_MANY_FLOW, VXOFF_TUNE_ALLOW_CHANNELS, 0, "many-flow");
}

static void test_api_latency(void **state)
{
	(void)state;
	NT_SKIP_IF(g.skip);
	/* a deferred GRO flush for the profile to take away (busy polling is global: advice) */
	assert_int_equal(nt_sh_quiet("ip netns exec %s sh -c "
				     "'echo 20000 > /sys/class/net/va/gro_flush_timeout'", g.ns),
			 0);
	api_round(VXOFF_PROFILE_LATENCY, 0, 0, "latency");
}

static void test_bad_input(void **state)
{
	VXOFF_OPTS(vxoff_tune_plan_opts, o, .profile = VXOFF_PROFILE_SINGLE_STREAM,
		   .app_cpus = "4095");
	struct vxoff_tune_plan *p = NULL;
	char *before, *after;

	(void)state;
	NT_SKIP_IF(g.skip);
	before = state_of_all();
	assert_int_equal(vxoff_tune_plan_new(g.ctx, "va", &o, &p), -EINVAL);
	assert_non_null(strstr(last_msg(), "CPU 4095"));
	o.profile = 42;
	assert_int_equal(vxoff_tune_plan_new(g.ctx, "va", &o, &p), -EINVAL);
	assert_non_null(strstr(last_msg(), "profile"));
	assert_null(p);
	after = state_of_all();
	assert_same(before, after, "after refused plans");
	free(after);
	free(before);
}

/* ---- the CLI ---- */

static void test_cli(void **state)
{
	struct nt_run r;
	char snap[128], *before, *after;
	struct json_object *j;

	(void)state;
	NT_SKIP_IF(g.skip);
	if (!g.cli || access(g.cli, X_OK) != 0) {
		print_message("SKIP: VXOFF_CLI does not name the vxoff binary (run through "
			      "ctest)\n");
		skip();
	}
	snprintf(snap, sizeof(snap), "%s/cli.json", g.dir);
	before = state_of_all();
	assert_int_equal(nt_sh(&r, "%s tune -n %s show va", g.cli, g.ns), 0);
	assert_true(nt_contains(r.out, "rps_cpus va rx-0"));
	nt_run_free(&r);
	assert_int_equal(nt_sh(&r, "%s tune -n %s -j plan va --profile single-stream "
			       "--app-cpus 0", g.cli, g.ns), 0);
	j = json_tokener_parse(r.out);
	assert_non_null(j);
	assert_string_equal(nt_get_str(j, "schema"), "vxoff-tune-plan/1");
	json_object_put(j);
	nt_run_free(&r);
	assert_int_equal(nt_sh(&r, "%s tune -n %s plan va --profile single-stream --app-cpus 0",
			       g.cli, g.ns), 0);
	assert_true(nt_contains(r.out, "CURRENT"));
	assert_true(nt_contains(r.out, "REASON"));
	nt_run_free(&r);
	/* bad input: exit 1 or 2 with the reason, nothing changed */
	assert_int_equal(nt_sh(&r, "%s tune -n %s plan va --profile fastest", g.cli, g.ns), 2);
	assert_true(nt_contains(r.err, "fastest"));
	nt_run_free(&r);
	assert_int_equal(nt_sh(&r, "%s tune -n %s plan va --profile single-stream "
			       "--app-cpus 9999", g.cli, g.ns), 1);
	assert_true(nt_contains(r.err, "CPU 9999"));
	nt_run_free(&r);
	/* apply, restore */
	if (nt_sh(&r, "%s tune -n %s apply va --profile single-stream --app-cpus 0 "
		  "--snapshot %s", g.cli, g.ns, snap) != 0)
		fail_msg("vxoff tune apply: %s%s", r.out, r.err);
	assert_true(nt_contains(r.out, "restore"));
	nt_run_free(&r);
	after = state_of_all();
	assert_string_not_equal(before, after);
	free(after);
	assert_int_equal(nt_sh(&r, "%s tune -n %s apply va --profile single-stream "
			       "--snapshot %s", g.cli, g.ns, snap), 1); /* exists */
	nt_run_free(&r);
	if (nt_sh(&r, "%s tune -n %s -j restore %s", g.cli, g.ns, snap) != 0)
		fail_msg("vxoff tune restore: %s%s", r.out, r.err);
	j = json_tokener_parse(r.out);
	assert_non_null(j);
	assert_string_equal(nt_get_str(j, "schema"), "vxoff-tune-restore/1");
	json_object_put(j);
	nt_run_free(&r);
	after = state_of_all();
	assert_same(before, after, "after vxoff tune restore");
	free(after);
	/* the snapshot names its namespace: restoring it elsewhere is refused */
	assert_int_equal(nt_sh(&r, "%s tune restore %s", g.cli, snap), 1);
	assert_true(nt_contains(r.err, g.ns));
	nt_run_free(&r);
	free(before);
}

/* ---- a saved plan through the CLI (apply --plan) ---- */

/* Add to @p a change of @dev's knob (kind, index, key) away from its present value: @a, or
 * @b when it is @a already. Knobs the device cannot change are left out. */
static void plan_flip(struct vxoff_tune_plan *p, uint32_t kind, const char *dev, int32_t index,
		      const char *key, const char *a, const char *b)
{
	VXOFF_OPTS(vxoff_knob, id, .kind = kind, .dev = dev, .index = index, .key = key);
	VXOFF_OUT(vxoff_knob, now);
	struct vxoff_tune_state *st = NULL;

	if (vxoff_tune_read(g.ctx, dev, 0, &st) < 0)
		fail_msg("reading %s: %s", dev, last_msg());
	if (vxoff_tune_state_find(st, &id, &now) == 0 &&
	    !(now.flags & (VXOFF_KNOB_F_READONLY | VXOFF_KNOB_F_UNSUPPORTED | VXOFF_KNOB_F_FIXED))) {
		id.value = strcmp(now.value, a) ? a : b;
		assert_int_equal(vxoff_tune_plan_add(p, &id, "test: away from the present value"),
				 0);
	}
	vxoff_tune_state_free(st);
}

/* Every applicable item of @p is at its target now. */
static void assert_at_targets(const struct vxoff_tune_plan *p)
{
	for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
		VXOFF_OUT(vxoff_plan_item, it);
		VXOFF_OUT(vxoff_knob, now);
		VXOFF_OPTS(vxoff_knob, id);
		struct vxoff_tune_state *st = NULL;

		assert_int_equal(vxoff_tune_plan_item(p, i, &it), 0);
		id.kind = it.kind;
		id.dev = it.dev;
		id.index = it.index;
		id.key = it.key;
		if (vxoff_tune_read(g.ctx, it.dev, 0, &st) < 0)
			fail_msg("reading %s: %s", it.dev, last_msg());
		if (vxoff_tune_state_find(st, &id, &now) < 0)
			fail_msg("%s %s of %s is not there", vxoff_knob_kind_name(it.kind),
				 it.key ? it.key : "", it.dev);
		if (strcmp(now.value, it.target))
			fail_msg("%s %s of %s is '%s', the plan says '%s'",
				 vxoff_knob_kind_name(it.kind), it.key ? it.key : "", it.dev,
				 now.value, it.target);
		vxoff_tune_state_free(st);
	}
}

static void test_cli_plan(void **state)
{
	struct vxoff_tune_plan *p = NULL, *loaded = NULL;
	char plan[128], snap[128], bad[128], *text = NULL, *before, *now;
	struct json_object *j;
	struct nt_run r;
	FILE *f;

	(void)state;
	NT_SKIP_IF(g.skip);
	if (!g.cli || access(g.cli, X_OK) != 0) {
		print_message("SKIP: VXOFF_CLI does not name the vxoff binary (run through "
			      "ctest)\n");
		skip();
	}
	snprintf(plan, sizeof(plan), "%s/saved.plan.json", g.dir);
	snprintf(snap, sizeof(snap), "%s/saved.snap.json", g.dir);
	snprintf(bad, sizeof(bad), "%s/bad.plan.json", g.dir);
	before = state_of_all();
	/* a plan as the search writes it: knobs of the underlay and of the overlay */
	assert_int_equal(vxoff_tune_plan_empty(&p), 0);
	plan_flip(p, VXOFF_KNOB_FEATURE, "va", -1, "rx-gro", "on", "off");
	/* written under GRO: restore must put it back before GRO goes off (veth's NAPIs go) */
	plan_flip(p, VXOFF_KNOB_THREADED, "va", -1, NULL, "1", "0");
	plan_flip(p, VXOFF_KNOB_RPS_CPUS, "va", 0, NULL, "0", "");
	plan_flip(p, VXOFF_KNOB_FEATURE, "xa", -1, "rx-gro", "on", "off");
	print_message("saved plan: %u items\n", vxoff_tune_plan_count(p));
	assert_true(vxoff_tune_plan_count(p) >= 2);
	assert_int_equal(vxoff_tune_plan_json(p, VXOFF_JSON_PRETTY, &text), 0);
	f = fopen(plan, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	vxoff_free(text);
	/* what the CLI will read is what was meant */
	assert_int_equal(vxoff_tune_plan_load(g.ctx, plan, &loaded), 0);
	assert_int_equal(vxoff_tune_plan_count(loaded), vxoff_tune_plan_count(p));
	vxoff_tune_plan_free(loaded);

	/* bad usage: exit 2, the reason named, nothing changed */
	assert_int_equal(nt_sh(&r, "%s tune -n %s apply va --plan %s --profile single-stream "
			       "--snapshot %s", g.cli, g.ns, plan, snap), 2);
	assert_true(nt_contains(r.err, "--plan and --profile"));
	nt_run_free(&r);
	assert_int_equal(nt_sh(&r, "%s tune -n %s apply va --snapshot %s", g.cli, g.ns, snap),
			 2);
	assert_true(nt_contains(r.err, "--plan FILE"));
	nt_run_free(&r);
	assert_int_equal(nt_sh(&r, "%s tune -n %s plan va --plan %s", g.cli, g.ns, plan), 2);
	nt_run_free(&r);
	/* a truncated plan file and a missing device: exit 1, nothing changed, no snapshot */
	f = fopen(bad, "w");
	assert_non_null(f);
	fputs("{\"schema\":\"vxoff-tune-plan/1\",\"items\":[{\"kind\":", f);
	fclose(f);
	assert_int_equal(nt_sh(&r, "%s tune -n %s apply va --plan %s --snapshot %s", g.cli, g.ns,
			       bad, snap), 1);
	nt_run_free(&r);
	assert_int_equal(nt_sh(&r, "%s tune -n %s apply nosuchdev --plan %s --snapshot %s",
			       g.cli, g.ns, plan, snap), 1);
	assert_true(nt_contains(r.err, "nosuchdev"));
	nt_run_free(&r);
	assert_int_not_equal(access(snap, F_OK), 0);
	now = state_of_all();
	assert_same(before, now, "after refused saved plans");
	free(now);

	/* apply the saved plan: every knob at its target */
	if (nt_sh(&r, "%s tune -n %s -j apply va --plan %s --snapshot %s", g.cli, g.ns, plan,
		  snap) != 0)
		fail_msg("vxoff tune apply --plan: %s%s", r.out, r.err);
	j = json_tokener_parse(r.out);
	assert_non_null(j);
	assert_string_equal(nt_get_str(j, "schema"), "vxoff-tune-apply/1");
	assert_string_equal(nt_get_str(j, "plan_file"), plan);
	json_object_put(j);
	nt_run_free(&r);
	assert_at_targets(p);
	now = state_of_all();
	assert_string_not_equal(before, now);
	free(now);
	/* restore: the state from before */
	if (nt_sh(&r, "%s tune -n %s restore %s --remove", g.cli, g.ns, snap) != 0)
		fail_msg("vxoff tune restore: %s%s", r.out, r.err);
	nt_run_free(&r);
	now = state_of_all();
	assert_same(before, now, "after restoring a saved plan");
	free(now);
	assert_int_not_equal(access(snap, F_OK), 0);
	free(before);
	vxoff_tune_plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_single_stream),
		cmocka_unit_test(test_api_single_stream_jumbo),
		cmocka_unit_test(test_api_many_flow),
		cmocka_unit_test(test_api_latency),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_plan),
	};
	int rc = cmocka_run_group_tests(tests, group_setup, group_teardown);

	if (g.skip) {
		printf("SKIP: %s\n", g.skip);
		return 77;
	}
	return rc;
}
