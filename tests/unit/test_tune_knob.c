/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Knob table and value comparison, and every file knob written and read back on fake trees of
 * 4, 64 and 256 CPUs on 2 NUMA nodes. A kernel that adjusts a value is played by rewriting the
 * file after our write (write(2) is wrapped: -Wl,--wrap=write), which must give -EIO naming
 * the value in effect.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "faketree.h"
#include "tune/tune_internal.h"

ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	ssize_t r = __real_write(fd, buf, n);

	ft_after_write(fd);
	return r;
}

#define DEV "vxft0" /* a name the host's kernel does not know: the tree alone has it */

static int set(struct vxoff_ctx *ctx, uint32_t kind, int32_t index, const char *key,
	       const char *value)
{
	VXOFF_OPTS(vxoff_knob, k, .kind = kind, .index = index, .dev = DEV, .key = key,
		   .value = value);

	return vxoff_tune_set(ctx, &k);
}

static char *get(struct vxoff_ctx *ctx, uint32_t kind, int32_t index, const char *key)
{
	struct vxoff__knob k = {
		.kind = kind, .index = index, .dev = (char *)DEV, .key = (char *)key};
	char *v = NULL;
	int r;

	/* as inside a public call: the library brackets its internal reads */
	assert_int_equal(vxoff__ctx_enter(ctx), 0);
	r = vxoff__knob_read(ctx, &k, &v);
	vxoff__ctx_leave(ctx);

	if (r != 0)
		fail_msg("reading %s %d %s: %d %s", vxoff_knob_kind_name(kind), index,
			 key ? key : "", r, tu_last_error(ctx).msg);
	return v;
}

static void expect_file(struct faketree *ft, const char *rel, const char *want)
{
	char *s = ft_read(ft, rel);

	assert_non_null(s);
	if (strcmp(s, want))
		fail_msg("%s holds '%s', expected '%s'", rel, s, want);
	free(s);
}

static void expect_knob(struct vxoff_ctx *ctx, uint32_t kind, int32_t index, const char *key,
			const char *want)
{
	char *v = get(ctx, kind, index, key);

	if (strcmp(v, want))
		fail_msg("%s %d reads '%s', expected '%s'", vxoff_knob_kind_name(kind), index, v,
			 want);
	free(v);
}

static void expect_msg(struct vxoff_ctx *ctx, const char *part)
{
	const char *m = tu_last_error(ctx).msg;

	if (!m || !strstr(m, part))
		fail_msg("error message '%s' lacks '%s'", m ? m : "(none)", part);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(vxoff_knob_kind_name(VXOFF_KNOB_RPS_CPUS), "rps_cpus");
	assert_string_equal(vxoff_knob_kind_name(VXOFF_KNOB_DEFER_HARD_IRQS),
			    "napi_defer_hard_irqs");
	assert_string_equal(vxoff_knob_kind_name(0), "unknown");
	assert_string_equal(vxoff_knob_kind_name(VXOFF_KNOB_KIND_COUNT), "unknown");
	for (uint32_t k = 1; k < VXOFF_KNOB_KIND_COUNT; k++) {
		assert_true(vxoff_knob_stage(k) >= 0);
		assert_string_not_equal(vxoff_knob_kind_name(k), "unknown");
	}
	assert_int_equal(vxoff_knob_stage(0), -EINVAL);
	assert_int_equal(vxoff_knob_stage(99), -EINVAL);
	/* the restore order: channels, IRQ affinity, XPS/RPS, NAPI, then the rest */
	assert_true(vxoff_knob_stage(VXOFF_KNOB_CHANNELS) < vxoff_knob_stage(VXOFF_KNOB_RING));
	assert_true(vxoff_knob_stage(VXOFF_KNOB_FEATURE) < vxoff_knob_stage(VXOFF_KNOB_RSS_INDIR));
	assert_true(vxoff_knob_stage(VXOFF_KNOB_RSS_INDIR) <
		    vxoff_knob_stage(VXOFF_KNOB_IRQ_AFFINITY));
	assert_true(vxoff_knob_stage(VXOFF_KNOB_IRQ_AFFINITY) <
		    vxoff_knob_stage(VXOFF_KNOB_RPS_CPUS));
	assert_int_equal(vxoff_knob_stage(VXOFF_KNOB_RPS_CPUS),
			 vxoff_knob_stage(VXOFF_KNOB_XPS_RXQS));
	assert_true(vxoff_knob_stage(VXOFF_KNOB_XPS_CPUS) < vxoff_knob_stage(VXOFF_KNOB_THREADED));
	assert_int_equal(vxoff_knob_stage(VXOFF_KNOB_THREADED),
			 vxoff_knob_stage(VXOFF_KNOB_GRO_FLUSH_TIMEOUT));
	assert_true(vxoff_knob_stage(VXOFF_KNOB_DEFER_HARD_IRQS) <
		    vxoff_knob_stage(VXOFF_KNOB_SYSCTL));
}

static void test_value_eq(void **state)
{
	(void)state;
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RPS_CPUS, "3,0-1,2", "0-3"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RPS_CPUS, "0x3", "0-1"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_IRQ_AFFINITY, "0-7:2", "0,2,4,6"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_RPS_CPUS, "0-3", "0-2"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_XPS_CPUS, "", "0"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_XPS_CPUS, "", " "));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_FEATURE, "on", "1"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_THREADED, "off", "0"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_THREADED, "on", "0"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_COALESCE, "adaptive", "adaptive"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RPS_FLOW_CNT, "0128", "128"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_RPS_FLOW_CNT, "100", "128"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RXFH_FIELDS, "sdfn", "nfds"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_RXFH_FIELDS, "sd", "sdfn"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RSS_KEY, "6D:5a:0f", "6d:5A:f"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_RSS_KEY, "6d:5a", "6d:5b"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_SYSCTL, "4096\t131072\t6291456",
					 "4096 131072 6291456"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_SYSCTL, "4096 131072", "4096 131072 1"));
	assert_true(vxoff__knob_value_eq(VXOFF_KNOB_RSS_INDIR, "0 1 0 1", "0  1 0 1"));
	assert_false(vxoff__knob_value_eq(VXOFF_KNOB_MTU, NULL, "1500"));
}

static void test_state_accessors(void **state)
{
	struct vxoff_tune_state *st = calloc(1, sizeof(*st));
	VXOFF_OUT(vxoff_knob, out);
	VXOFF_OPTS(vxoff_knob, id, .kind = VXOFF_KNOB_IRQ_AFFINITY, .index = 99, .dev = "eth0",
		   .key = "rx-1");
	char *json = NULL;

	(void)state;
	assert_non_null(st);
	assert_int_equal(vxoff__tune_state_add(st, VXOFF_KNOB_RPS_CPUS, "eth0", 0, NULL, "1", 0),
			 0);
	assert_int_equal(
		vxoff__tune_state_add(st, VXOFF_KNOB_IRQ_AFFINITY, "eth0", 41, "rx-1", "2-3", 0),
		0);
	assert_int_equal(vxoff_tune_state_count(st), 2);
	assert_int_equal(vxoff_tune_state_get(st, 1, &out), 0);
	assert_string_equal(out.value, "2-3");
	assert_int_equal(out.index, 41);
	assert_int_equal(vxoff_tune_state_get(st, 2, &out), -ERANGE);
	/* an IRQ is found by its queue, whatever its number is now */
	assert_int_equal(vxoff_tune_state_find(st, &id, &out), 0);
	assert_int_equal(out.index, 41);
	id.kind = VXOFF_KNOB_RPS_CPUS;
	id.index = 1;
	id.key = NULL;
	assert_int_equal(vxoff_tune_state_find(st, &id, &out), -ENOENT);
	assert_int_equal(vxoff_tune_state_json(st, 0, &json), 0);
	assert_non_null(strstr(json, "\"schema\":\"vxoff-tune-state/1\""));
	assert_non_null(strstr(json, "\"kind\":\"irq_affinity\""));
	vxoff_free(json);
	assert_int_equal(vxoff_tune_state_count(NULL), 0);
	vxoff_tune_state_free(st);
}

struct fx {
	struct faketree *ft;
	struct vxoff_ctx *ctx;
	uint32_t ncpus;
};

static struct fx fx_new(uint32_t ncpus)
{
	struct fx f = {.ncpus = ncpus};
	struct ft_dev nic = {.name = DEV,
			     .ifindex = 7,
			     .rx_queues = 4,
			     .tx_queues = 4,
			     .numa_node = 1,
			     .first_irq = 40};

	f.ft = ft_new(ncpus, 2);
	ft_add_dev(f.ft, &nic);
	f.ctx = ft_ctx(f.ft);
	return f;
}

static void fx_free(struct fx *f)
{
	vxoff_ctx_free(f->ctx);
	ft_free(f->ft);
}

/* Every file knob to a new value and back, checking the file and the value read. */
static void check_fs_knobs(uint32_t ncpus, const char *cpus, const char *xps)
{
	struct fx f = fx_new(ncpus);
	char *mask, *old;

	/* RPS: a list in, the kernel's mask in the file, the list back out */
	old = get(f.ctx, VXOFF_KNOB_RPS_CPUS, 1, NULL);
	assert_string_equal(old, "");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_CPUS, 1, NULL, cpus), 0);
	mask = ft_mask(f.ft, cpus);
	{
		/* the library writes the shortest mask; the kernel would print it padded: both
		 * must mean the same CPUs */
		char *file = ft_read(f.ft, "sys/class/net/" DEV "/queues/rx-1/rps_cpus"), *l1, *l2;

		assert_int_equal(vxoff_mask_to_cpulist(file, &l1), 0);
		assert_int_equal(vxoff_mask_to_cpulist(mask, &l2), 0);
		assert_string_equal(l1, l2);
		vxoff_free(l1);
		vxoff_free(l2);
		free(file);
	}
	/* the kernel's padded form reads back as the same list */
	ft_write(f.ft, "sys/class/net/" DEV "/queues/rx-1/rps_cpus", mask);
	{
		char *norm = NULL;

		assert_int_equal(vxoff_cpulist_normalize(cpus, &norm), 0);
		expect_knob(f.ctx, VXOFF_KNOB_RPS_CPUS, 1, NULL, norm);
		vxoff_free(norm);
	}
	free(mask);
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_CPUS, 1, NULL, old), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/queues/rx-1/rps_cpus", "0");
	expect_knob(f.ctx, VXOFF_KNOB_RPS_CPUS, 1, NULL, "");
	free(old);
	/* the other queues were not touched */
	{
		char *m0 = ft_mask(f.ft, "");

		expect_file(f.ft, "sys/class/net/" DEV "/queues/rx-0/rps_cpus", m0);
		free(m0);
	}

	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_FLOW_CNT, 2, NULL, "2048"), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/queues/rx-2/rps_flow_cnt", "2048");
	expect_knob(f.ctx, VXOFF_KNOB_RPS_FLOW_CNT, 2, NULL, "2048");

	assert_int_equal(set(f.ctx, VXOFF_KNOB_XPS_CPUS, 3, NULL, xps), 0);
	{
		char *v = get(f.ctx, VXOFF_KNOB_XPS_CPUS, 3, NULL);

		assert_true(vxoff__knob_value_eq(VXOFF_KNOB_XPS_CPUS, v, xps));
		free(v);
	}
	assert_int_equal(set(f.ctx, VXOFF_KNOB_XPS_RXQS, 0, NULL, "0-1,3"), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/queues/tx-0/xps_rxqs", "b");
	expect_knob(f.ctx, VXOFF_KNOB_XPS_RXQS, 0, NULL, "0-1,3");

	assert_int_equal(set(f.ctx, VXOFF_KNOB_THREADED, -1, NULL, "on"), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/threaded", "1");
	expect_knob(f.ctx, VXOFF_KNOB_THREADED, -1, NULL, "1");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_THREADED, -1, NULL, "0"), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/threaded", "0");

	assert_int_equal(set(f.ctx, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, -1, NULL, "20000"), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/gro_flush_timeout", "20000");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_DEFER_HARD_IRQS, -1, NULL, "2"), 0);
	expect_file(f.ft, "sys/class/net/" DEV "/napi_defer_hard_irqs", "2");
	expect_knob(f.ctx, VXOFF_KNOB_DEFER_HARD_IRQS, -1, NULL, "2");

	/* IRQ affinity: IRQ 42 belongs to queue 2 by its name in /proc/interrupts */
	assert_int_equal(set(f.ctx, VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-2", cpus), 0);
	/* effective stays on CPU 0, outside the new list: a warning, not an error */
	assert_true(vxoff_ctx_warning_count(f.ctx) >= 1);
	/* and it outlives the probes of later reads within the same call */
	{
		struct vxoff__knob k = {.kind = VXOFF_KNOB_IRQ_AFFINITY,
					.index = -1,
					.dev = (char *)DEV,
					.key = (char *)"rx-3",
					.value = (char *)cpus};
		uint32_t n;
		char *v = NULL;

		assert_int_equal(vxoff__ctx_enter(f.ctx), 0);
		assert_int_equal(vxoff__knob_write(f.ctx, &k), 0);
		n = vxoff_ctx_warning_count(f.ctx);
		assert_true(n >= 1);
		assert_int_equal(vxoff__knob_read(f.ctx, &k, &v), 0);
		assert_int_equal(vxoff_ctx_warning_count(f.ctx), n);
		vxoff__ctx_leave(f.ctx);
		free(v);
	}
	{
		char *norm = NULL;

		assert_int_equal(vxoff_cpulist_normalize(cpus, &norm), 0);
		expect_file(f.ft, "proc/irq/42/smp_affinity_list", norm);
		expect_knob(f.ctx, VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-2", norm);
		vxoff_free(norm);
	}
	{
		char all[32];

		snprintf(all, sizeof(all), "0-%u", ncpus - 1);
		expect_file(f.ft, "proc/irq/41/smp_affinity_list", all);
	}

	/* sysctls: a per-namespace one is written, a global one is refused and left alone */
	assert_int_equal(
		set(f.ctx, VXOFF_KNOB_SYSCTL, -1, "net.ipv4.tcp_rmem", "4096 262144 16777216"), 0);
	expect_file(f.ft, "proc/sys/net/ipv4/tcp_rmem", "4096 262144 16777216");
	expect_knob(f.ctx, VXOFF_KNOB_SYSCTL, -1, "net.ipv4.tcp_rmem", "4096 262144 16777216");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_SYSCTL, -1, "net.core.busy_poll", "50"),
			 -EOPNOTSUPP);
	expect_msg(f.ctx, "global");
	expect_file(f.ft, "proc/sys/net/core/busy_poll", "0");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_SYSCTL, -1, "net.core.rmem_max", "33554432"),
			 -EOPNOTSUPP);
	expect_file(f.ft, "proc/sys/net/core/rmem_max", "212992");
	fx_free(&f);
}

static void test_fs_knobs_4(void **state)
{
	(void)state;
	check_fs_knobs(4, "1-2", "3");
}

static void test_fs_knobs_64(void **state)
{
	(void)state;
	check_fs_knobs(64, "33,40-47", "0-63:2");
}

static void test_fs_knobs_256(void **state)
{
	(void)state;
	check_fs_knobs(256, "64-127,200,255", "64-255:2/4");
}

/* The kernel keeps another value than the one written: -EIO naming the value in effect. */
static void test_readback_differs(void **state)
{
	struct fx f = fx_new(64);

	(void)state;
	/* rps_flow_cnt is rounded up to a power of two */
	ft_rewrite(f.ft, "sys/class/net/" DEV "/queues/rx-0/rps_flow_cnt", "128");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_FLOW_CNT, 0, NULL, "100"), -EIO);
	expect_msg(f.ctx, "'128' is in effect");
	expect_msg(f.ctx, "rps_flow_cnt");
	/* the same value as the kernel's is fine */
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_FLOW_CNT, 0, NULL, "128"), 0);
	ft_rewrite(f.ft, "sys/class/net/" DEV "/queues/rx-0/rps_flow_cnt", NULL);

	/* an IRQ the kernel keeps where it was */
	ft_rewrite(f.ft, "proc/irq/41/smp_affinity_list", "0-1");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-1", "5"), -EIO);
	expect_msg(f.ctx, "'0-1' is in effect");
	expect_msg(f.ctx, "IRQ 41");
	ft_rewrite(f.ft, "proc/irq/41/smp_affinity_list", NULL);

	/* a mask the kernel trims (CPUs it does not have) */
	ft_rewrite(f.ft, "sys/class/net/" DEV "/queues/tx-1/xps_cpus", "00000000,00000001");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_XPS_CPUS, 1, NULL, "0-1"), -EIO);
	expect_msg(f.ctx, "'0' is in effect");
	fx_free(&f);
}

static void test_bad_input(void **state)
{
	struct fx f = fx_new(4);
	char *before;

	(void)state;
	before = ft_read(f.ft, "sys/class/net/" DEV "/queues/rx-0/rps_cpus");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_CPUS, 0, NULL, "x"), -EINVAL);
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_CPUS, 0, NULL, "4"), -EINVAL);
	expect_msg(f.ctx, "CPU 4");
	expect_msg(f.ctx, "out of range");
	/* CPU 3 goes offline */
	ft_write(f.ft, "sys/devices/system/cpu/online", "0-2");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_CPUS, 0, NULL, "1,3"), -EINVAL);
	expect_msg(f.ctx, "CPU 3");
	expect_msg(f.ctx, "offline");
	assert_int_equal(set(f.ctx, VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-0", "3"), -EINVAL);
	expect_file(f.ft, "proc/irq/40/smp_affinity_list", "0-3");
	expect_file(f.ft, "sys/class/net/" DEV "/queues/rx-0/rps_cpus", before);
	free(before);
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_FLOW_CNT, 0, NULL, "-1"), -EINVAL);
	assert_int_equal(set(f.ctx, VXOFF_KNOB_THREADED, -1, NULL, "maybe"), -EINVAL);
	assert_int_equal(set(f.ctx, VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-0", ""), -EINVAL);
	/* read-only and unknown kinds */
	assert_int_equal(set(f.ctx, VXOFF_KNOB_TUNNEL_PORT, -1, "vxlan", "4789"), -EINVAL);
	expect_msg(f.ctx, "read-only");
	assert_int_equal(set(f.ctx, 0, -1, NULL, "1"), -EINVAL);
	/* a queue the device does not have, a device that is not there */
	assert_int_equal(set(f.ctx, VXOFF_KNOB_RPS_CPUS, 9, NULL, "1"), -EOPNOTSUPP);
	expect_msg(f.ctx, "rx-9");
	{
		VXOFF_OPTS(vxoff_knob, k, .kind = VXOFF_KNOB_RPS_CPUS, .index = 0, .dev = "nosuch0",
			   .value = "1");

		assert_int_equal(vxoff_tune_set(f.ctx, &k), -ENODEV);
		expect_msg(f.ctx, "nosuch0");
		k.dev = "../../x";
		assert_int_equal(vxoff_tune_set(f.ctx, &k), -EINVAL);
		k.sz = 8;
		assert_int_equal(vxoff_tune_set(f.ctx, &k), -EINVAL);
	}
	assert_int_equal(vxoff_tune_set(f.ctx, NULL), -EINVAL);
	/* a sysctl name that would leave /proc/sys/net */
	assert_int_equal(set(f.ctx, VXOFF_KNOB_SYSCTL, -1, "net/../../etc", "1"), -EINVAL);
	fx_free(&f);
}

/* vxoff_tune_read on the tree: file knobs with values, netlink kinds flagged, none invented */
static void test_read_tree(void **state)
{
	struct fx f = fx_new(64);
	struct vxoff_tune_state *st = NULL;
	uint32_t irq = 0, rps = 0, xps = 0, unsupported_nl = 0, sysctls = 0, global = 0;

	(void)state;
	ft_write(f.ft, "sys/class/net/" DEV "/queues/rx-3/rps_cpus", "00000000,0000000c");
	assert_int_equal(vxoff_tune_read(f.ctx, DEV, VXOFF_TUNE_READ_F_SYSCTLS, &st), 0);
	for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
		VXOFF_OUT(vxoff_knob, k);

		assert_int_equal(vxoff_tune_state_get(st, i, &k), 0);
		switch (k.kind) {
		case VXOFF_KNOB_IRQ_AFFINITY:
			assert_int_equal(k.flags, 0);
			assert_int_equal(k.index, 40 + (int32_t)irq);
			assert_string_equal(k.value, "0-63");
			irq++;
			break;
		case VXOFF_KNOB_RPS_CPUS:
			assert_string_equal(k.value, k.index == 3 ? "2-3" : "");
			rps++;
			break;
		case VXOFF_KNOB_XPS_CPUS:
			xps++;
			break;
		case VXOFF_KNOB_CHANNELS:
		case VXOFF_KNOB_FEATURE:
		case VXOFF_KNOB_MTU:
			assert_true(k.flags & VXOFF_KNOB_F_UNSUPPORTED);
			unsupported_nl++;
			break;
		case VXOFF_KNOB_SYSCTL:
			assert_null(k.dev);
			sysctls++;
			if (k.flags & VXOFF_KNOB_F_READONLY) {
				assert_non_null(strstr(k.value, "global"));
				global++;
			}
			if (!strcmp(k.key, "net.ipv4.tcp_wmem"))
				assert_string_equal(k.value, "4096 16384 4194304");
			break;
		default:
			break;
		}
	}
	assert_int_equal(irq, 4);
	assert_int_equal(rps, 4);
	assert_int_equal(xps, 4);
	assert_true(unsupported_nl >= 3);
	assert_true(sysctls >= 4);
	assert_true(global >= 2 && global < sysctls);
	vxoff_tune_state_free(st);
	/* not in the tree at all */
	assert_int_equal(vxoff_tune_read(f.ctx, "nosuch0", 0, &st), -ENODEV);
	fx_free(&f);
}

/* A virtual device: no IRQs, reported once as unsupported. */
static void test_read_no_irqs(void **state)
{
	struct faketree *ft = ft_new(4, 2);
	struct ft_dev veth = {
		.name = DEV, .ifindex = 9, .rx_queues = 1, .tx_queues = 1, .numa_node = -1};
	struct vxoff_ctx *ctx;
	struct vxoff_tune_state *st = NULL;
	VXOFF_OPTS(vxoff_knob, id, .kind = VXOFF_KNOB_IRQ_AFFINITY, .index = -1, .dev = DEV);
	VXOFF_OUT(vxoff_knob, k);

	(void)state;
	ft_add_dev(ft, &veth);
	ctx = ft_ctx(ft);
	assert_int_equal(vxoff_tune_read(ctx, DEV, 0, &st), 0);
	assert_int_equal(vxoff_tune_state_find(st, &id, &k), 0);
	assert_true(k.flags & VXOFF_KNOB_F_UNSUPPORTED);
	assert_non_null(strstr(k.value, "no IRQs"));
	vxoff_tune_state_free(st);
	assert_int_equal(set(ctx, VXOFF_KNOB_IRQ_AFFINITY, -1, "rx-0", "1"), -EOPNOTSUPP);
	vxoff_ctx_free(ctx);
	ft_free(ft);
}

static uint32_t irq_of(struct vxoff_ctx *ctx, const char *dev, const char *key, int *r)
{
	uint32_t irq = 0;

	assert_int_equal(vxoff__ctx_enter(ctx), 0);
	*r = vxoff__queue_irq(ctx, dev, key, &irq);
	vxoff__ctx_leave(ctx);
	return irq;
}

/* Drivers name their queue IRQs differently in /proc/interrupts. */
static void test_queue_irq_names(void **state)
{
	struct faketree *ft = ft_new(8, 2);
	struct vxoff_ctx *ctx;
	struct ft_dev nic = {
		.name = "vxft1", .ifindex = 3, .rx_queues = 2, .tx_queues = 2, .numa_node = 0};
	int r;

	(void)state;
	ft_add_dev(ft, &nic);
	nic.name = "vxft2";
	ft_add_dev(ft, &nic);
	nic.name = "vxft3";
	ft_add_dev(ft, &nic);
	/* separate rx and tx vectors (igb style) */
	ft_add_irq(ft, 60, "vxft1-rx-0");
	ft_add_irq(ft, 61, "vxft1-tx-0");
	ft_add_irq(ft, 62, "vxft1-rx-1");
	/* mlx4 and mlx5 name no device: only the device's own MSI vectors count */
	ft_add_irq(ft, 70, "mlx4-0@pci:0000:04:00.0");
	ft_add_irq(ft, 71, "mlx4-1@pci:0000:04:00.0");
	ft_add_irq(ft, 80, "mlx4-1@pci:0000:05:00.0"); /* another NIC's */
	ft_write(ft, "sys/class/net/vxft2/device/msi_irqs/70", "msix");
	ft_write(ft, "sys/class/net/vxft2/device/msi_irqs/71", "msix");
	/* virtio: the vectors belong to the parent of device/ */
	ft_add_irq(ft, 90, "virtio0-input.1");
	ft_add_irq(ft, 91, "virtio0-output.1");
	ft_write(ft, "sys/class/net/vxft3/msi_irqs/90", "msix");
	ft_write(ft, "sys/class/net/vxft3/msi_irqs/91", "msix");
	ctx = ft_ctx(ft);

	assert_int_equal(irq_of(ctx, "vxft1", "rx-0", &r), 60);
	assert_int_equal(r, 0);
	assert_int_equal(irq_of(ctx, "vxft1", "tx-0", &r), 61);
	assert_int_equal(irq_of(ctx, "vxft1", "rx-1", &r), 62);
	irq_of(ctx, "vxft1", "tx-1", &r);
	assert_int_equal(r, -ENOENT);
	assert_int_equal(irq_of(ctx, "vxft2", "rx-1", &r), 71);
	assert_int_equal(r, 0);
	assert_int_equal(irq_of(ctx, "vxft2", "combined-0", &r), 70);
	irq_of(ctx, "vxft2", "rx-5", &r);
	assert_int_equal(r, -ENOENT);
	/* mlx4-1 of another PCI function is not vxft1's, though vxft1 has a queue 1 */
	irq_of(ctx, "vxft1", "tx-1", &r);
	assert_int_equal(r, -ENOENT);
	assert_int_equal(irq_of(ctx, "vxft3", "rx-1", &r), 90);
	assert_int_equal(irq_of(ctx, "vxft3", "tx-1", &r), 91);
	irq_of(ctx, "vxft3", "queue-1", &r);
	assert_int_equal(r, -EINVAL);
	vxoff_ctx_free(ctx);
	ft_free(ft);
}

/* ---- netlink knobs against a fake kernel ----
 *
 * vxoff__nl_request, vxoff__genl_family and vxoff__ethtool_ioctl are wrapped
 * (-Wl,--wrap=...): with fk.on, a small kernel answers for one device "fk0": links (GETLINK,
 * NEWLINK), ethtool CHANNELS_GET/SET, FEATURES_SET, RSS_SET, netdev NAPI_GET/SET; every request
 * is kept for the test to look at. Without fk.on they pass through (the fake-tree tests).
 */
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>

#include "netlink/compat.h"

#define FK_ETHTOOL 30
#define FK_NETDEV 31

static struct {
	bool on;
	uint64_t ethtool_ops, netdev_ops;
	uint32_t mtu, mtu_clamp, gso_max_size, gro_ipv4_max_size;
	uint32_t combined, combined_clamp;
	uint32_t napi_gro_flush, napi_defer;
	bool napi_ignores;			 /* NAPI_SET "succeeds" and changes nothing */
	int fail_cmd, fail_err;			 /* this genl command fails with fail_err */
	unsigned char last[VXOFF__REQ_BUF_SIZE]; /* the last request that changes something */
	size_t last_len;
	unsigned char ioctl[512];
	size_t ioctl_len;
	uint32_t ioctls;
} fk;

int __real_vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			     const struct vxoff__nl_handler *h, const char *what);
int __wrap_vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			     const struct vxoff__nl_handler *h, const char *what);
int __real_vxoff__genl_family(struct vxoff_ctx *ctx, const char *name, uint64_t *ops);
int __wrap_vxoff__genl_family(struct vxoff_ctx *ctx, const char *name, uint64_t *ops);
int __real_vxoff__ethtool_ioctl(struct vxoff_ctx *ctx, const char *ifname, void *data, size_t len);
int __wrap_vxoff__ethtool_ioctl(struct vxoff_ctx *ctx, const char *ifname, void *data, size_t len);

int __wrap_vxoff__genl_family(struct vxoff_ctx *ctx, const char *name, uint64_t *ops)
{
	if (!fk.on)
		return __real_vxoff__genl_family(ctx, name, ops);
	if (!strcmp(name, "ethtool")) {
		if (ops)
			*ops = fk.ethtool_ops;
		return FK_ETHTOOL;
	}
	if (!strcmp(name, "netdev")) {
		if (ops)
			*ops = fk.netdev_ops;
		return FK_NETDEV;
	}
	return vxoff__err(ctx, -ENOENT, VXOFF_REASON_NO_FAMILY, "no family %s (fake)", name);
}

int __wrap_vxoff__ethtool_ioctl(struct vxoff_ctx *ctx, const char *ifname, void *data, size_t len)
{
	if (!fk.on)
		return __real_vxoff__ethtool_ioctl(ctx, ifname, data, len);
	fk.ioctls++;
	fk.ioctl_len = len < sizeof(fk.ioctl) ? len : sizeof(fk.ioctl);
	memcpy(fk.ioctl, data, fk.ioctl_len);
	return -EOPNOTSUPP;
}

static int fk_fail(struct vxoff_ctx *ctx, int err, const char *what)
{
	return vxoff__err(ctx, err, VXOFF_REASON_KERNEL, "%s: %s (fake kernel)", what,
			  strerror(-err));
}

static void fk_keep(const struct nlmsghdr *req)
{
	fk.last_len = req->nlmsg_len < sizeof(fk.last) ? req->nlmsg_len : sizeof(fk.last);
	memcpy(fk.last, req, fk.last_len);
}

static int fk_reply(const struct vxoff__nl_handler *h, struct nlmsghdr *nlh)
{
	return h && h->msg ? h->msg(nlh, h->data) : 0;
}

static int fk_route(struct vxoff_ctx *ctx, struct nlmsghdr *req, const struct vxoff__nl_handler *h,
		    const char *what)
{
	const struct nlattr *tb[VXOFF_IFLA_MAX + 1];
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	const char *name = NULL;

	assert_int_equal(vxoff__attr_parse_msg(req, sizeof(*ifi), tb, VXOFF_IFLA_MAX), 0);
	if (tb[IFLA_IFNAME])
		vxoff__attr_str(tb[IFLA_IFNAME], &name);
	if (!name || strcmp(name, "fk0"))
		return fk_fail(ctx, -ENODEV, what);
	if (req->nlmsg_type == RTM_NEWLINK) {
		uint32_t v;

		fk_keep(req);
		if (tb[IFLA_MTU] && vxoff__attr_u32(tb[IFLA_MTU], &v) == 0)
			fk.mtu = fk.mtu_clamp && v > fk.mtu_clamp ? fk.mtu_clamp : v;
		if (tb[IFLA_GSO_MAX_SIZE] && vxoff__attr_u32(tb[IFLA_GSO_MAX_SIZE], &v) == 0)
			fk.gso_max_size = v;
		if (tb[IFLA_GRO_IPV4_MAX_SIZE] &&
		    vxoff__attr_u32(tb[IFLA_GRO_IPV4_MAX_SIZE], &v) == 0)
			fk.gro_ipv4_max_size = v;
		return 0;
	}
	assert_int_equal(req->nlmsg_type, RTM_GETLINK);
	nlh = mnl_nlmsg_put_header(rb.buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 5;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "fk0");
	mnl_attr_put_u32(nlh, IFLA_MTU, fk.mtu);
	mnl_attr_put_u32(nlh, IFLA_GSO_MAX_SIZE, fk.gso_max_size);
	mnl_attr_put_u32(nlh, IFLA_GRO_IPV4_MAX_SIZE, fk.gro_ipv4_max_size);
	return fk_reply(h, nlh);
}

static struct nlmsghdr *fk_genl(union vxoff__req_buf *rb, uint16_t fam, uint8_t cmd)
{
	return vxoff__genl_put(rb->buf, fam, cmd, 1, 0);
}

static int fk_ethtool(struct vxoff_ctx *ctx, struct nlmsghdr *req,
		      const struct vxoff__nl_handler *h, const char *what, uint8_t cmd)
{
	const struct nlattr *tb[ETHTOOL_A_CHANNELS_MAX + 1];
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	struct nlattr *hdr;
	uint32_t v;

	switch (cmd) {
	case ETHTOOL_MSG_CHANNELS_GET:
		nlh = fk_genl(&rb, FK_ETHTOOL, ETHTOOL_MSG_CHANNELS_GET_REPLY);
		hdr = mnl_attr_nest_start(nlh, 1);
		hdr->nla_type |= NLA_F_NESTED;
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, 5);
		mnl_attr_nest_end(nlh, hdr);
		mnl_attr_put_u32(nlh, ETHTOOL_A_CHANNELS_COMBINED_MAX, 8);
		mnl_attr_put_u32(nlh, ETHTOOL_A_CHANNELS_COMBINED_COUNT, fk.combined);
		return fk_reply(h, nlh);
	case ETHTOOL_MSG_CHANNELS_SET:
		fk_keep(req);
		assert_int_equal(
			vxoff__attr_parse_msg(req, GENL_HDRLEN, tb, ETHTOOL_A_CHANNELS_MAX), 0);
		if (tb[ETHTOOL_A_CHANNELS_RX_COUNT] || tb[ETHTOOL_A_CHANNELS_TX_COUNT])
			return fk_fail(ctx, -EINVAL, what);
		if (tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT] &&
		    vxoff__attr_u32(tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT], &v) == 0)
			fk.combined =
				fk.combined_clamp && v > fk.combined_clamp ? fk.combined_clamp : v;
		return 0;
	default:
		fk_keep(req);
		return fk_fail(ctx, -EOPNOTSUPP, what);
	}
}

static int fk_netdev(struct vxoff_ctx *ctx, struct nlmsghdr *req, const struct vxoff__nl_handler *h,
		     const char *what, uint8_t cmd)
{
	const struct nlattr *tb[VXOFF_NETDEV_A_NAPI_MAX + 1];
	union vxoff__req_buf rb = {.buf = {0}};
	struct nlmsghdr *nlh;
	uint32_t id = 0, v;
	uint64_t u;

	assert_int_equal(vxoff__attr_parse_msg(req, GENL_HDRLEN, tb, VXOFF_NETDEV_A_NAPI_MAX), 0);
	if (tb[NETDEV_A_NAPI_ID])
		vxoff__attr_u32(tb[NETDEV_A_NAPI_ID], &id);
	if (id != 300)
		return fk_fail(ctx, -ENOENT, what);
	if (cmd == NETDEV_CMD_NAPI_SET) {
		fk_keep(req);
		if (fk.napi_ignores)
			return 0;
		if (tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT] &&
		    vxoff__attr_uint(tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT], &u) == 0)
			fk.napi_gro_flush = (uint32_t)u;
		if (tb[NETDEV_A_NAPI_DEFER_HARD_IRQS] &&
		    vxoff__attr_u32(tb[NETDEV_A_NAPI_DEFER_HARD_IRQS], &v) == 0)
			fk.napi_defer = v;
		return 0;
	}
	nlh = fk_genl(&rb, FK_NETDEV, NETDEV_CMD_NAPI_GET);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_IFINDEX, 5);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_ID, 300);
	mnl_attr_put_u32(nlh, NETDEV_A_NAPI_DEFER_HARD_IRQS, fk.napi_defer);
	mnl_attr_put_u64(nlh, NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT, fk.napi_gro_flush);
	return fk_reply(h, nlh);
}

int __wrap_vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			     const struct vxoff__nl_handler *h, const char *what)
{
	const struct genlmsghdr *g;

	if (!fk.on)
		return __real_vxoff__nl_request(ctx, proto, req, h, what);
	if (proto == VXOFF__NL_ROUTE)
		return fk_route(ctx, req, h, what);
	g = mnl_nlmsg_get_payload(req);
	if (fk.fail_cmd && g->cmd == fk.fail_cmd && req->nlmsg_type == FK_ETHTOOL) {
		fk_keep(req);
		return fk_fail(ctx, fk.fail_err, what);
	}
	if (req->nlmsg_type == FK_ETHTOOL)
		return fk_ethtool(ctx, req, h, what, g->cmd);
	if (req->nlmsg_type == FK_NETDEV)
		return fk_netdev(ctx, req, h, what, g->cmd);
	return fk_fail(ctx, -EOPNOTSUPP, what);
}

static struct vxoff_ctx *fk_start(void)
{
	struct vxoff_ctx *ctx = NULL;

	memset(&fk, 0, sizeof(fk));
	fk.on = true;
	fk.ethtool_ops = ~0ull;
	fk.netdev_ops = ~0ull;
	fk.mtu = 1500;
	fk.gso_max_size = 65536;
	fk.gro_ipv4_max_size = 65536;
	fk.combined = 2;
	assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
	return ctx;
}

static void fk_stop(struct vxoff_ctx *ctx)
{
	vxoff_ctx_free(ctx);
	fk.on = false;
}

static int fk_set(struct vxoff_ctx *ctx, uint32_t kind, int32_t index, const char *key,
		  const char *value)
{
	VXOFF_OPTS(vxoff_knob, k, .kind = kind, .index = index, .dev = "fk0", .key = key,
		   .value = value);

	return vxoff_tune_set(ctx, &k);
}

/* The attributes of the last kept request after its fixed header. */
static void fk_last_attrs(size_t hdrlen, const struct nlattr **tb, uint32_t max)
{
	assert_true(fk.last_len > 0);
	assert_int_equal(vxoff__attr_parse_msg((const struct nlmsghdr *)fk.last, hdrlen, tb, max),
			 0);
}

static void test_nl_link(void **state)
{
	struct vxoff_ctx *ctx = fk_start();
	const struct nlattr *tb[VXOFF_IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	const char *name = NULL;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_MTU, -1, NULL, "9000"), 0);
	assert_int_equal(fk.mtu, 9000);
	/* RTM_NEWLINK on the device found by name: ifindex 0, IFLA_IFNAME, IFLA_MTU */
	assert_int_equal(((struct nlmsghdr *)fk.last)->nlmsg_type, RTM_NEWLINK);
	ifi = mnl_nlmsg_get_payload((struct nlmsghdr *)fk.last);
	assert_int_equal(ifi->ifi_index, 0);
	fk_last_attrs(sizeof(*ifi), tb, VXOFF_IFLA_MAX);
	assert_non_null(tb[IFLA_IFNAME]);
	vxoff__attr_str(tb[IFLA_IFNAME], &name);
	assert_string_equal(name, "fk0");
	assert_int_equal(vxoff__attr_u32(tb[IFLA_MTU], &v), 0);
	assert_int_equal(v, 9000);
	assert_null(tb[IFLA_GSO_MAX_SIZE]);

	/* the driver keeps a smaller MTU: -EIO naming it */
	fk.mtu_clamp = 4000;
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_MTU, -1, NULL, "9000"), -EIO);
	expect_msg(ctx, "'4000' is in effect");
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_MTU, -1, NULL, "1500"), 0);

	assert_int_equal(fk_set(ctx, VXOFF_KNOB_LINK_SIZE, -1, "gso_max_size", "32768"), 0);
	fk_last_attrs(sizeof(*ifi), tb, VXOFF_IFLA_MAX);
	assert_int_equal(vxoff__attr_u32(tb[IFLA_GSO_MAX_SIZE], &v), 0);
	assert_int_equal(v, 32768);
	assert_null(tb[IFLA_MTU]);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_LINK_SIZE, -1, "gro_ipv4_max_size", "131072"), 0);
	assert_int_equal(fk.gro_ipv4_max_size, 131072);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_LINK_SIZE, -1, "tso_max_size", "1"), -EINVAL);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_MTU, -1, NULL, "9k"), -EINVAL);
	{
		VXOFF_OPTS(vxoff_knob, k, .kind = VXOFF_KNOB_MTU, .index = -1, .dev = "nosuch0",
			   .value = "1500");

		assert_int_equal(vxoff_tune_set(ctx, &k), -ENODEV);
	}
	fk_stop(ctx);
}

static void test_nl_channels(void **state)
{
	struct vxoff_ctx *ctx = fk_start();
	const struct nlattr *tb[ETHTOOL_A_CHANNELS_MAX + 1], *htb[ETHTOOL_A_HEADER_MAX + 1];
	const struct nlmsghdr *last = (const struct nlmsghdr *)fk.last;
	const char *name = NULL;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_CHANNELS, -1, "combined", "4"), 0);
	assert_int_equal(fk.combined, 4);
	assert_int_equal(last->nlmsg_type, FK_ETHTOOL);
	assert_int_equal(((const struct genlmsghdr *)mnl_nlmsg_get_payload(last))->cmd,
			 ETHTOOL_MSG_CHANNELS_SET);
	fk_last_attrs(GENL_HDRLEN, tb, ETHTOOL_A_CHANNELS_MAX);
	/* the header nest, flagged nested, names the device */
	assert_non_null(tb[ETHTOOL_A_CHANNELS_HEADER]);
	assert_true(tb[ETHTOOL_A_CHANNELS_HEADER]->nla_type & NLA_F_NESTED);
	assert_int_equal(
		vxoff__attr_parse_nested(tb[ETHTOOL_A_CHANNELS_HEADER], htb, ETHTOOL_A_HEADER_MAX),
		0);
	vxoff__attr_str(htb[ETHTOOL_A_HEADER_DEV_NAME], &name);
	assert_string_equal(name, "fk0");
	assert_int_equal(vxoff__attr_u32(tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT], &v), 0);
	assert_int_equal(v, 4);
	assert_null(tb[ETHTOOL_A_CHANNELS_RX_COUNT]);

	fk.combined_clamp = 3;
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_CHANNELS, -1, "combined", "8"), -EIO);
	expect_msg(ctx, "'3' is in effect");
	/* the kernel refuses: its error, untouched */
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_CHANNELS, -1, "rx", "2"), -EINVAL);
	expect_msg(ctx, "CHANNELS_SET");
	assert_int_equal(fk.combined, 3);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_CHANNELS, -1, "queues", "2"), -EINVAL);
	fk_stop(ctx);
}

static void test_nl_features(void **state)
{
	struct vxoff_ctx *ctx = fk_start();
	const struct nlattr *tb[ETHTOOL_A_FEATURES_MAX + 1], *btb[ETHTOOL_A_BITSET_MAX + 1];
	const struct nlattr *bit[ETHTOOL_A_BITSET_BIT_MAX + 1], *one[2];
	const char *name = NULL;

	(void)state;
	fk.fail_cmd = ETHTOOL_MSG_FEATURES_SET;
	fk.fail_err = -EPERM;
	for (int on = 1; on >= 0; on--) {
		assert_int_equal(fk_set(ctx, VXOFF_KNOB_FEATURE, -1, "rx-gro", on ? "on" : "off"),
				 -EPERM);
		fk_last_attrs(GENL_HDRLEN, tb, ETHTOOL_A_FEATURES_MAX);
		/* WANTED -> BITS -> BIT { NAME "rx-gro", VALUE if on }: other bits untouched */
		assert_non_null(tb[ETHTOOL_A_FEATURES_WANTED]);
		assert_null(tb[ETHTOOL_A_FEATURES_HW]);
		assert_int_equal(vxoff__attr_parse_nested(tb[ETHTOOL_A_FEATURES_WANTED], btb,
							  ETHTOOL_A_BITSET_MAX),
				 0);
		assert_non_null(btb[ETHTOOL_A_BITSET_BITS]);
		assert_null(btb[ETHTOOL_A_BITSET_NOMASK]);
		assert_int_equal(vxoff__attr_parse_nested(btb[ETHTOOL_A_BITSET_BITS], one, 1), 0);
		assert_non_null(one[ETHTOOL_A_BITSET_BITS_BIT]);
		assert_int_equal(vxoff__attr_parse_nested(one[ETHTOOL_A_BITSET_BITS_BIT], bit,
							  ETHTOOL_A_BITSET_BIT_MAX),
				 0);
		vxoff__attr_str(bit[ETHTOOL_A_BITSET_BIT_NAME], &name);
		assert_string_equal(name, "rx-gro");
		assert_int_equal(bit[ETHTOOL_A_BITSET_BIT_VALUE] != NULL, on);
	}
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_FEATURE, -1, "rx-gro", "yes please"), -EINVAL);
	fk_stop(ctx);
}

static void test_nl_rss(void **state)
{
	struct vxoff_ctx *ctx = fk_start();
	const struct nlattr *tb[VXOFF_ETHTOOL_A_RSS_MAX + 1];
	const struct ethtool_rxfh *rx = (const struct ethtool_rxfh *)fk.ioctl;
	const struct ethtool_rxnfc *nfc = (const struct ethtool_rxnfc *)fk.ioctl;
	const uint32_t want[4] = {0, 1, 2, 3};

	(void)state;
	/* 6.17+: RSS_SET */
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RSS_INDIR, -1, NULL, "0 1 2 3"), -EOPNOTSUPP);
	fk_last_attrs(GENL_HDRLEN, tb, VXOFF_ETHTOOL_A_RSS_MAX);
	assert_non_null(tb[ETHTOOL_A_RSS_INDIR]);
	assert_int_equal(mnl_attr_get_payload_len(tb[ETHTOOL_A_RSS_INDIR]), sizeof(want));
	assert_memory_equal(mnl_attr_get_payload(tb[ETHTOOL_A_RSS_INDIR]), want, sizeof(want));
	assert_int_equal(fk.ioctls, 0);
	/* before: ETHTOOL_SRSSH, the key marked "no change" */
	fk.ethtool_ops &= ~(1ull << ETHTOOL_MSG_RSS_SET);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RSS_INDIR, -1, NULL, "0 1 2 3"), -EOPNOTSUPP);
	assert_int_equal(fk.ioctls, 1);
	assert_int_equal(rx->cmd, ETHTOOL_SRSSH);
	assert_int_equal(rx->indir_size, 4);
	assert_int_equal(rx->key_size, 0);
	assert_memory_equal(rx->rss_config, want, sizeof(want));
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RSS_KEY, -1, NULL, "6d:5A:0f"), -EOPNOTSUPP);
	assert_int_equal(rx->indir_size, ETH_RXFH_INDIR_NO_CHANGE);
	assert_int_equal(rx->key_size, 3);
	assert_memory_equal(rx->rss_config, "\x6d\x5a\x0f", 3);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RSS_KEY, -1, NULL, "6d:5a:100"), -EINVAL);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RSS_INDIR, -1, NULL, ""), -EINVAL);
	assert_int_equal(fk.ioctls, 2);

	/* hash fields: ETHTOOL_SRXFH with ethtool's letters */
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RXFH_FIELDS, -1, "udp4", "sdfn"), -EOPNOTSUPP);
	assert_int_equal(nfc->cmd, ETHTOOL_SRXFH);
	assert_int_equal(nfc->flow_type, UDP_V4_FLOW);
	assert_int_equal(nfc->data, RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RXFH_FIELDS, -1, "tcp6", "sd"), -EOPNOTSUPP);
	assert_int_equal(nfc->flow_type, TCP_V6_FLOW);
	assert_int_equal(nfc->data, RXH_IP_SRC | RXH_IP_DST);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RXFH_FIELDS, -1, "udp4", "sdx"), -EINVAL);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_RXFH_FIELDS, -1, "sctp4", "sd"), -EINVAL);
	assert_int_equal(fk.ioctls, 4);
	fk_stop(ctx);
}

static void test_nl_napi(void **state)
{
	struct vxoff_ctx *ctx = fk_start();
	const struct nlattr *tb[VXOFF_NETDEV_A_NAPI_MAX + 1];
	uint64_t u = 0;
	uint32_t v = 0;

	(void)state;
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, 300, NULL, "20000"), 0);
	fk_last_attrs(GENL_HDRLEN, tb, VXOFF_NETDEV_A_NAPI_MAX);
	assert_int_equal(vxoff__attr_u32(tb[NETDEV_A_NAPI_ID], &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(vxoff__attr_uint(tb[NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT], &u), 0);
	assert_int_equal(u, 20000);
	assert_null(tb[NETDEV_A_NAPI_DEFER_HARD_IRQS]);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_DEFER_HARD_IRQS, 300, NULL, "2"), 0);
	assert_int_equal(fk.napi_defer, 2);
	/* a kernel that takes it and changes nothing */
	fk.napi_ignores = true;
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_DEFER_HARD_IRQS, 300, NULL, "5"), -EIO);
	expect_msg(ctx, "'2' is in effect");
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_DEFER_HARD_IRQS, 301, NULL, "5"), -ENOENT);
	/* before 6.13 */
	fk.netdev_ops &= ~(1ull << NETDEV_CMD_NAPI_SET);
	assert_int_equal(fk_set(ctx, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, 300, NULL, "1"), -EOPNOTSUPP);
	expect_msg(ctx, "6.13");
	fk_stop(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_value_eq),
		cmocka_unit_test(test_state_accessors),
		cmocka_unit_test(test_fs_knobs_4),
		cmocka_unit_test(test_fs_knobs_64),
		cmocka_unit_test(test_fs_knobs_256),
		cmocka_unit_test(test_readback_differs),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_read_tree),
		cmocka_unit_test(test_read_no_irqs),
		cmocka_unit_test(test_queue_irq_names),
		cmocka_unit_test(test_nl_link),
		cmocka_unit_test(test_nl_channels),
		cmocka_unit_test(test_nl_features),
		cmocka_unit_test(test_nl_rss),
		cmocka_unit_test(test_nl_napi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
