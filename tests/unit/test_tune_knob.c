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
	struct vxoff__knob k = { .kind = kind, .index = index, .dev = (char *)DEV,
				 .key = (char *)key };
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
	assert_int_equal(vxoff__tune_state_add(st, VXOFF_KNOB_IRQ_AFFINITY, "eth0", 41, "rx-1",
					       "2-3", 0),
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
	struct fx f = { .ncpus = ncpus };
	struct ft_dev nic = { .name = DEV, .ifindex = 7, .rx_queues = 4, .tx_queues = 4,
			      .numa_node = 1, .first_irq = 40 };

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
	assert_int_equal(set(f.ctx, VXOFF_KNOB_SYSCTL, -1, "net.ipv4.tcp_rmem",
			     "4096 262144 16777216"),
			 0);
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
	struct ft_dev veth = { .name = DEV, .ifindex = 9, .rx_queues = 1, .tx_queues = 1,
			       .numa_node = -1 };
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
