/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Tune knobs on a real veth pair in throwaway namespaces, as root: read every knob, write each
 * supported one to another value, read it back equal, write the old value back, read back
 * equal; what veth cannot do (rings, coalescing, RSS, hash fields, IRQs) is reported as
 * unsupported and refused. Public API only (the shared library).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <vxoff/vxoff.h>

#include "nstest.h"

static struct {
	const char *skip;
	char a[64], b[64];
	struct vxoff_ctx *ctx; /* in namespace a, on device va */
	char cpu_other[24];    /* the last online CPU */
} g;

#define DEV "va"

static const char *errmsg(void)
{
	static char buf[512];
	VXOFF_OUT(vxoff_error, e);

	if (vxoff_ctx_last_error(g.ctx, &e) == 0 && e.msg)
		snprintf(buf, sizeof(buf), "%d: %s", e.err, e.msg);
	else
		snprintf(buf, sizeof(buf), "(no error)");
	return buf;
}

#define ASSERT_OK(call)                                                                            \
	do {                                                                                       \
		int r_ = (call);                                                                   \
		if (r_ != 0)                                                                       \
			fail_msg("%s = %d (%s)", #call, r_, errmsg());                             \
	} while (0)

static struct vxoff_tune_state *read_state(void)
{
	struct vxoff_tune_state *st = NULL;

	ASSERT_OK(vxoff_tune_read(g.ctx, DEV, VXOFF_TUNE_READ_F_SYSCTLS, &st));
	assert_non_null(st);
	return st;
}

/* The knob (kind, index, key) of a fresh read; fails if absent. Returns the value (heap) and
 * its flags. */
static char *knob_now(uint32_t kind, int32_t index, const char *key, uint32_t *flags)
{
	struct vxoff_tune_state *st = read_state();
	VXOFF_OPTS(vxoff_knob, id, .kind = kind, .index = index,
		   .dev = key && !strncmp(key, "net.", 4) ? NULL : DEV, .key = key);
	VXOFF_OUT(vxoff_knob, k);
	char *v;
	int r = vxoff_tune_state_find(st, &id, &k);

	if (r != 0)
		fail_msg("no %s %d %s in the state (%d)", vxoff_knob_kind_name(kind), index,
			 key ? key : "", r);
	v = strdup(k.value);
	if (flags)
		*flags = k.flags;
	vxoff_tune_state_free(st);
	return v;
}

static int set(uint32_t kind, int32_t index, const char *key, const char *value)
{
	VXOFF_OPTS(vxoff_knob, k, .kind = kind, .index = index,
		   .dev = kind == VXOFF_KNOB_SYSCTL ? NULL : DEV, .key = key, .value = value);

	return vxoff_tune_set(g.ctx, &k);
}

/* Write @to, read back equal, write the old value back, read back equal. */
static void roundtrip(uint32_t kind, int32_t index, const char *key, const char *to)
{
	uint32_t flags = 0;
	char *old = knob_now(kind, index, key, &flags), *now;

	if (flags & VXOFF_KNOB_F_UNSUPPORTED)
		fail_msg("%s %s is unsupported: %s", vxoff_knob_kind_name(kind), key ? key : "",
			 old);
	if (!strcmp(old, to))
		fail_msg("%s %s is already '%s': the test would prove nothing",
			 vxoff_knob_kind_name(kind), key ? key : "", to);
	ASSERT_OK(set(kind, index, key, to));
	now = knob_now(kind, index, key, NULL);
	if (strcmp(now, to))
		fail_msg("%s %s: wrote '%s', read '%s'", vxoff_knob_kind_name(kind), key ? key : "",
			 to, now);
	free(now);
	ASSERT_OK(set(kind, index, key, old));
	now = knob_now(kind, index, key, NULL);
	if (strcmp(now, old))
		fail_msg("%s %s: wrote back '%s', read '%s'", vxoff_knob_kind_name(kind),
			 key ? key : "", old, now);
	free(now);
	free(old);
}

static void expect_unsupported(uint32_t kind, int32_t index, const char *key, const char *value,
			       int err)
{
	struct vxoff_tune_state *st = read_state();
	VXOFF_OPTS(vxoff_knob, id, .kind = kind, .index = index, .dev = DEV, .key = key);
	VXOFF_OUT(vxoff_knob, k);
	int r;

	/* read: one knob of the kind, flagged, its value the reason */
	for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
		ASSERT_OK(vxoff_tune_state_get(st, i, &k));
		if (k.kind == kind)
			break;
		k.kind = 0;
	}
	if (k.kind != kind)
		fail_msg("%s is missing from the state", vxoff_knob_kind_name(kind));
	if (!(k.flags & VXOFF_KNOB_F_UNSUPPORTED))
		fail_msg("%s reads '%s' on veth, expected unsupported", vxoff_knob_kind_name(kind),
			 k.value);
	assert_true(strlen(k.value) > 0);
	vxoff_tune_state_free(st);
	(void)id;
	/* write: refused */
	r = set(kind, index, key, value);
	if (r != err)
		fail_msg("writing %s on veth gave %d (%s), expected %d", vxoff_knob_kind_name(kind),
			 r, errmsg(), err);
}

static int group_setup(void **state)
{
	VXOFF_OPTS(vxoff_ctx_opts, o);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	g.skip = nt_precondition();
	if (g.skip)
		return 0;
	snprintf(g.cpu_other, sizeof(g.cpu_other), "%ld", ncpu > 1 ? ncpu - 1 : 0);
	if (nt_ns_create("ta", g.a) || nt_ns_create("tb", g.b))
		return -1;
	/* four queues allocated each way, one in use: channels can grow to 4 */
	if (nt_sh_quiet("ip -n %s link add %s numtxqueues 4 numrxqueues 4 type veth peer name vb "
			"netns %s numtxqueues 4 numrxqueues 4",
			g.a, DEV, g.b) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.1/30 dev %s && ip -n %s link set %s up", g.a,
			DEV, g.a, DEV) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.2/30 dev vb && ip -n %s link set vb up", g.b,
			g.b))
		return -1;
	o.netns = g.a;
	if (vxoff_ctx_new(&o, &g.ctx) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	vxoff_ctx_free(g.ctx);
	if (g.a[0])
		nt_ns_delete(g.a);
	if (g.b[0])
		nt_ns_delete(g.b);
	return 0;
}

static void test_read(void **state)
{
	struct vxoff_tune_state *st;
	uint32_t n, channels = 0, features = 0;
	char *json = NULL;

	(void)state;
	st = read_state();
	n = vxoff_tune_state_count(st);
	assert_true(n > 10);
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_knob, k);

		ASSERT_OK(vxoff_tune_state_get(st, i, &k));
		if (k.kind == VXOFF_KNOB_CHANNELS && !(k.flags & VXOFF_KNOB_F_UNSUPPORTED))
			channels++;
		if (k.kind == VXOFF_KNOB_FEATURE && !(k.flags & VXOFF_KNOB_F_UNSUPPORTED))
			features++;
		if (k.kind == VXOFF_KNOB_FEATURE && !strcmp(k.key, "rx-gro"))
			assert_string_equal(k.value, "off"); /* veth's default */
		if (k.kind == VXOFF_KNOB_MTU)
			assert_string_equal(k.value, "1500");
	}
	assert_int_equal(channels, 2); /* veth: rx and tx */
	assert_true(features >= 5);
	ASSERT_OK(vxoff_tune_state_json(st, VXOFF_JSON_PRETTY, &json));
	assert_non_null(strstr(json, "vxoff-tune-state/1"));
	vxoff_free(json);
	vxoff_tune_state_free(st);
	{
		char *v = knob_now(VXOFF_KNOB_CHANNELS_MAX, -1, "rx", NULL);

		assert_string_equal(v, "4");
		free(v);
	}
}

static void test_link_and_features(void **state)
{
	(void)state;
	/* created with 4 queues each way: all 4 in use */
	roundtrip(VXOFF_KNOB_CHANNELS, -1, "rx", "2");
	roundtrip(VXOFF_KNOB_CHANNELS, -1, "tx", "1");
	roundtrip(VXOFF_KNOB_MTU, -1, NULL, "9000");
	roundtrip(VXOFF_KNOB_FEATURE, -1, "rx-gro", "on");
	roundtrip(VXOFF_KNOB_FEATURE, -1, "rx-udp-gro-forwarding", "on");
	roundtrip(VXOFF_KNOB_FEATURE, -1, "tx-udp_tnl-segmentation", "off");
	roundtrip(VXOFF_KNOB_FEATURE, -1, "tx-udp_tnl-csum-segmentation", "off");
	roundtrip(VXOFF_KNOB_LINK_SIZE, -1, "gso_max_size", "32768");
	roundtrip(VXOFF_KNOB_LINK_SIZE, -1, "gro_max_size", "131072");
}

static void test_steering(void **state)
{
	(void)state;
	roundtrip(VXOFF_KNOB_RPS_CPUS, 0, NULL, g.cpu_other);
	roundtrip(VXOFF_KNOB_RPS_FLOW_CNT, 0, NULL, "256");
	roundtrip(VXOFF_KNOB_XPS_CPUS, 0, NULL, g.cpu_other);
	roundtrip(VXOFF_KNOB_XPS_RXQS, 0, NULL, "0");
	roundtrip(VXOFF_KNOB_GRO_FLUSH_TIMEOUT, -1, NULL, "20000");
	roundtrip(VXOFF_KNOB_DEFER_HARD_IRQS, -1, NULL, "2");
	roundtrip(VXOFF_KNOB_SYSCTL, -1, "net.ipv4.tcp_rmem", "4096 131072 16777216");
	/* rps_flow_cnt rounds up to a power of two: the value in effect is named */
	assert_int_equal(set(VXOFF_KNOB_RPS_FLOW_CNT, 0, NULL, "100"), -EIO);
	assert_non_null(strstr(errmsg(), "'128' is in effect"));
	assert_int_equal(set(VXOFF_KNOB_RPS_FLOW_CNT, 0, NULL, "0"), 0);
	/* global sysctls are not the namespace's */
	assert_int_equal(set(VXOFF_KNOB_SYSCTL, -1, "net.core.busy_poll", "50"), -EOPNOTSUPP);
}

/* Threaded NAPI needs NAPIs: veth has them only with GRO on. */
static void test_napi(void **state)
{
	struct vxoff_tune_state *st;
	int32_t napi = -1;

	(void)state;
	assert_int_equal(set(VXOFF_KNOB_THREADED, -1, NULL, "1"), -EOPNOTSUPP);
	ASSERT_OK(set(VXOFF_KNOB_FEATURE, -1, "rx-gro", "on"));
	roundtrip(VXOFF_KNOB_THREADED, -1, NULL, "1");
	st = read_state();
	for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
		VXOFF_OUT(vxoff_knob, k);

		ASSERT_OK(vxoff_tune_state_get(st, i, &k));
		if (k.kind == VXOFF_KNOB_GRO_FLUSH_TIMEOUT && k.index >= 0 &&
		    !(k.flags & VXOFF_KNOB_F_UNSUPPORTED))
			napi = k.index;
	}
	vxoff_tune_state_free(st);
	if (napi >= 0) { /* per-NAPI settings: 6.13+ */
		roundtrip(VXOFF_KNOB_GRO_FLUSH_TIMEOUT, napi, NULL, "10000");
		roundtrip(VXOFF_KNOB_DEFER_HARD_IRQS, napi, NULL, "1");
		roundtrip(VXOFF_KNOB_NAPI_THREADED, napi, NULL, "1");
	} else {
		printf("# no per-NAPI settings on this kernel: NAPI_SET not checked\n");
	}
	ASSERT_OK(set(VXOFF_KNOB_FEATURE, -1, "rx-gro", "off"));
}

static void test_unsupported(void **state)
{
	(void)state;
	expect_unsupported(VXOFF_KNOB_RING, -1, "rx", "512", -EOPNOTSUPP);
	expect_unsupported(VXOFF_KNOB_COALESCE, -1, "rx-usecs", "10", -EOPNOTSUPP);
	expect_unsupported(VXOFF_KNOB_RSS_INDIR, -1, NULL, "0 1 0 1", -EOPNOTSUPP);
	expect_unsupported(VXOFF_KNOB_RXFH_FIELDS, -1, "udp4", "sdfn", -EOPNOTSUPP);
	expect_unsupported(VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-0", "0", -EOPNOTSUPP);
	expect_unsupported(VXOFF_KNOB_TUNNEL_PORT, -1, "vxlan", "4789", -EINVAL);
	/* beyond the maximum: refused, nothing changed */
	{
		char *old = knob_now(VXOFF_KNOB_CHANNELS, -1, "rx", NULL), *v;

		assert_int_equal(set(VXOFF_KNOB_CHANNELS, -1, "rx", "64"), -EINVAL);
		assert_non_null(strstr(errmsg(), "exceeds maximum"));
		v = knob_now(VXOFF_KNOB_CHANNELS, -1, "rx", NULL);
		assert_string_equal(v, old);
		free(v);
		free(old);
	}
}

/* After all of it, every knob reads as it did at the start of the group. */
static struct vxoff_tune_state *first;

static void test_first(void **state)
{
	(void)state;
	first = read_state();
}

static void test_all_back(void **state)
{
	struct vxoff_tune_state *now = read_state();

	(void)state;
	assert_int_equal(vxoff_tune_state_count(now), vxoff_tune_state_count(first));
	for (uint32_t i = 0; i < vxoff_tune_state_count(first); i++) {
		VXOFF_OUT(vxoff_knob, a);
		VXOFF_OUT(vxoff_knob, b);

		ASSERT_OK(vxoff_tune_state_get(first, i, &a));
		if (vxoff_tune_state_find(now, &a, &b) != 0)
			fail_msg("%s %d %s is gone", vxoff_knob_kind_name(a.kind), a.index,
				 a.key ? a.key : "");
		if (!(a.flags & VXOFF_KNOB_F_UNSUPPORTED) && strcmp(a.value, b.value))
			fail_msg("%s %d %s: '%s' at the start, '%s' now",
				 vxoff_knob_kind_name(a.kind), a.index, a.key ? a.key : "", a.value,
				 b.value);
	}
	vxoff_tune_state_free(now);
	vxoff_tune_state_free(first);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_link_and_features),
		cmocka_unit_test(test_steering),
		cmocka_unit_test(test_napi),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_all_back),
	};
	int r;

	g.skip = nt_precondition();
	if (g.skip) {
		printf("SKIP: %s\n", g.skip);
		return 77;
	}
	r = cmocka_run_group_tests_name("tune-veth", tests, group_setup, group_teardown);
	return r;
}
