/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Plans, plan JSON, snapshot files and the apply/restore order, on fake trees of 4, 64 and
 * 256 CPUs on 2 NUMA nodes (topology, device directories). The knobs themselves live in an
 * in-memory store behind --wrap of vxoff__knob_read/write, vxoff__queue_irq and
 * vxoff__tune_read_dev: these tests are about what the plan and the transaction decide, in
 * which order they write, and what they refuse; test_tune_apply.c does the real file I/O.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "testutil.h"
#include "faketree.h"
#include "tune/tune_internal.h"

/* ---- the in-memory knob store ---- */

static struct vxoff_tune_state store;
static char write_log[256][160];
static struct vxoff__knob write_knobs[256];
static uint32_t nwrites;
static bool renumber_on_channels; /* a channel write renumbers the IRQs (as drivers do) */

static void log_reset(void)
{
	for (uint32_t i = 0; i < nwrites && i < 256; i++)
		vxoff__knob_clear(&write_knobs[i]);
	nwrites = 0;
}

static void store_reset(void)
{
	for (uint32_t i = 0; i < store.count; i++)
		vxoff__knob_clear(&store.knobs[i]);
	free(store.knobs);
	memset(&store, 0, sizeof(store));
	log_reset();
	renumber_on_channels = false;
}

static void put(uint32_t kind, const char *dev, int32_t index, const char *key,
		const char *value, uint32_t flags)
{
	assert_int_equal(vxoff__tune_state_add(&store, kind, dev, index, key, value, flags), 0);
}

static struct vxoff__knob *store_find(const struct vxoff__knob *id)
{
	return vxoff__tune_state_lookup(&store, id);
}

int __wrap_vxoff__knob_read(struct vxoff_ctx *ctx, const struct vxoff__knob *id, char **value);
int __wrap_vxoff__knob_read(struct vxoff_ctx *ctx, const struct vxoff__knob *id, char **value)
{
	struct vxoff__knob *k = store_find(id);

	if (!k)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE, "no such knob");
	*value = strdup(k->value);
	return *value ? 0 : -ENOMEM;
}

int __wrap_vxoff__knob_write(struct vxoff_ctx *ctx, const struct vxoff__knob *k);
int __wrap_vxoff__knob_write(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	struct vxoff__knob *s = store_find(k);
	char *v;

	if (!s)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE, "no such knob");
	if (s->kind == VXOFF_KNOB_IRQ_AFFINITY && s->index != k->index)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE,
				  "IRQ %d is not the one of %s (stale IRQ number)", k->index,
				  s->key);
	if (nwrites < 256) {
		vxoff__knob_describe(k, write_log[nwrites], sizeof(write_log[0]));
		assert_int_equal(vxoff__knob_copy(&write_knobs[nwrites], k), 0);
	}
	nwrites++;
	v = strdup(k->value);
	assert_non_null(v);
	free(s->value);
	s->value = v;
	if (k->kind == VXOFF_KNOB_CHANNELS && renumber_on_channels) {
		uint32_t n = (uint32_t)atoi(k->value);

		/* the driver recreates its queues: new IRQ numbers, rx-N up to n */
		for (uint32_t i = 0; i < store.count; i++)
			if (store.knobs[i].kind == VXOFF_KNOB_IRQ_AFFINITY)
				store.knobs[i].index += 100;
		for (uint32_t q = 0; q < n; q++) {
			char key[16];
			struct vxoff__knob id = { .kind = VXOFF_KNOB_IRQ_AFFINITY,
						  .dev = (char *)"vxft0", .key = key };

			snprintf(key, sizeof(key), "rx-%u", q);
			if (!store_find(&id))
				put(VXOFF_KNOB_IRQ_AFFINITY, "vxft0", (int32_t)(300 + q), key,
				    "0-3", 0);
		}
	}
	return 0;
}

int __wrap_vxoff__queue_irq(struct vxoff_ctx *ctx, const char *dev, const char *key,
			    uint32_t *irq);
int __wrap_vxoff__queue_irq(struct vxoff_ctx *ctx, const char *dev, const char *key,
			    uint32_t *irq)
{
	struct vxoff__knob id = { .kind = VXOFF_KNOB_IRQ_AFFINITY, .dev = (char *)dev,
				  .key = (char *)key };
	struct vxoff__knob *k = store_find(&id);

	if (!k)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE, "%s %s has no IRQ", dev, key);
	*irq = (uint32_t)k->index;
	return 0;
}

int __wrap_vxoff__tune_read_dev(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
				struct vxoff_tune_state *st);
int __wrap_vxoff__tune_read_dev(struct vxoff_ctx *ctx, const char *dev, uint32_t flags,
				struct vxoff_tune_state *st)
{
	(void)ctx;
	(void)flags;
	for (uint32_t i = 0; i < store.count; i++) {
		const struct vxoff__knob *k = &store.knobs[i];

		if (k->dev && strcmp(k->dev, dev) == 0)
			assert_int_equal(vxoff__tune_state_add(st, k->kind, k->dev, k->index,
							       k->key, k->value, k->flags),
					 0);
	}
	return 0;
}

/* A copy of the store's values, to compare after a failed or undone operation. */
static char **values_now(void)
{
	char **v = calloc(store.count + 1, sizeof(*v));

	assert_non_null(v);
	for (uint32_t i = 0; i < store.count; i++)
		v[i] = strdup(store.knobs[i].value);
	return v;
}

static void assert_values(char **v)
{
	for (uint32_t i = 0; i < store.count; i++) {
		char d[160];

		if (!v[i] || strcmp(v[i], store.knobs[i].value) != 0)
			fail_msg("%s is \"%s\", was \"%s\"",
				 vxoff__knob_describe(&store.knobs[i], d, sizeof(d)),
				 store.knobs[i].value, v[i] ? v[i] : "(new)");
	}
}

static void values_free(char **v)
{
	for (uint32_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* ---- fixtures ---- */

struct fx {
	struct faketree *ft;
	struct vxoff_ctx *ctx;
	struct vxoff_topology *topo;
	char dir[64];
};

static struct fx *fx_new(uint32_t ncpus)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ft_dev eth = { .name = "vxft0", .ifindex = 7, .rx_queues = 4, .tx_queues = 4,
			      .numa_node = 1, .first_irq = 100 };

	assert_non_null(f);
	f->ft = ft_new(ncpus, 2);
	ft_add_dev(f->ft, &eth);
	f->ctx = ft_ctx(f->ft);
	assert_int_equal(vxoff_topology_read(f->ctx, &f->topo), 0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/vxoff-tplan-%d-XXXXXX", (int)getpid());
	assert_non_null(mkdtemp(f->dir));
	store_reset();
	return f;
}

static void fx_free(struct fx *f)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	vxoff_topology_free(f->topo);
	vxoff_ctx_free(f->ctx);
	ft_free(f->ft);
	store_reset();
	free(f);
}

/* A NIC vxft0 with 4 queues on node 1 and the knobs a plan looks at. */
static void nic_knobs(void)
{
	for (int q = 0; q < 4; q++) {
		char key[16];

		snprintf(key, sizeof(key), "rx-%d", q);
		put(VXOFF_KNOB_IRQ_AFFINITY, "vxft0", 100 + q, key, "0-3", 0);
		put(VXOFF_KNOB_RPS_CPUS, "vxft0", q, NULL, "", 0);
		put(VXOFF_KNOB_XPS_CPUS, "vxft0", q, NULL, "", 0);
	}
	put(VXOFF_KNOB_CHANNELS, "vxft0", -1, "rx", "4", 0);
	put(VXOFF_KNOB_CHANNELS, "vxft0", -1, "tx", "4", 0);
	put(VXOFF_KNOB_CHANNELS_MAX, "vxft0", -1, "rx", "63", VXOFF_KNOB_F_READONLY);
	put(VXOFF_KNOB_CHANNELS_MAX, "vxft0", -1, "tx", "63", VXOFF_KNOB_F_READONLY);
	put(VXOFF_KNOB_FEATURE, "vxft0", -1, "rx-gro", "off", 0);
	put(VXOFF_KNOB_FEATURE, "vxft0", -1, "rx-gro-hw", "off", VXOFF_KNOB_F_FIXED);
	put(VXOFF_KNOB_MTU, "vxft0", -1, NULL, "1500", 0);
	put(VXOFF_KNOB_RXFH_FIELDS, "vxft0", -1, "udp4", "sd", 0);
	put(VXOFF_KNOB_RXFH_FIELDS, "vxft0", -1, "udp6", "sdfn", 0);
	put(VXOFF_KNOB_COALESCE, "vxft0", -1, "adaptive-rx", "on", 0);
	put(VXOFF_KNOB_COALESCE, "vxft0", -1, "rx-usecs", "64", 0);
	put(VXOFF_KNOB_GRO_FLUSH_TIMEOUT, "vxft0", -1, NULL, "20000", 0);
	put(VXOFF_KNOB_DEFER_HARD_IRQS, "vxft0", -1, NULL, "0", 0);
	put(VXOFF_KNOB_MTU, "vx0", -1, NULL, "1450", 0);
	put(VXOFF_KNOB_FEATURE, "vx0", -1, "rx-gro", "on", 0);
}

static int build(struct fx *f, uint32_t profile, const char *app, uint32_t flags,
		 uint32_t mtu, struct vxoff_tune_plan **plan)
{
	VXOFF_OPTS(vxoff_tune_plan_opts, o, .profile = profile, .app_cpus = app,
		   .flags = flags, .underlay_mtu = mtu);
	struct vxoff__plan_overlay ov = { .name = "vx0", .family = 2 /* AF_INET */,
					  .port = 4789 };
	struct vxoff__plan_input in = { .dev = "vxft0", .opts = &o, .st = &store,
					.topo = f->topo, .dev_node = 1, .max_mtu = 9216,
					.overlays = &ov, .n_overlays = 1 };

	*plan = NULL;
	return vxoff__tune_plan_build(f->ctx, &in, plan);
}

static const struct vxoff__plan_item *item_of(const struct vxoff_tune_plan *p, uint32_t kind,
					      const char *dev, const char *key, int32_t index)
{
	for (uint32_t i = 0; i < p->count; i++) {
		const struct vxoff__plan_item *it = &p->items[i];

		if (it->k.kind == kind && (!dev || (it->k.dev && !strcmp(it->k.dev, dev))) &&
		    (!key || (it->k.key && !strcmp(it->k.key, key))) &&
		    (index == INT32_MIN || it->k.index == index))
			return it;
	}
	return NULL;
}

static int node_of(struct fx *f, uint32_t cpu)
{
	for (uint32_t i = 0; i < vxoff_topology_cpu_count(f->topo); i++) {
		VXOFF_OUT(vxoff_cpu_info, ci);

		assert_int_equal(vxoff_topology_cpu(f->topo, i, &ci), 0);
		if (ci.cpu == cpu)
			return ci.node;
	}
	fail_msg("CPU %u not in the topology", cpu);
	return -2;
}

static void core_of(struct fx *f, uint32_t cpu, int *core, int *pkg)
{
	for (uint32_t i = 0; i < vxoff_topology_cpu_count(f->topo); i++) {
		VXOFF_OUT(vxoff_cpu_info, ci);

		assert_int_equal(vxoff_topology_cpu(f->topo, i, &ci), 0);
		if (ci.cpu == cpu) {
			*core = ci.core;
			*pkg = ci.package;
			return;
		}
	}
	fail_msg("CPU %u not in the topology", cpu);
}

/* Every plan item is a change and carries its reason and gain. */
static void assert_diff(const struct vxoff_tune_plan *p)
{
	int last_stage = -1;

	for (uint32_t i = 0; i < p->count; i++) {
		const struct vxoff__plan_item *it = &p->items[i];
		char d[160];

		vxoff__knob_describe(&it->k, d, sizeof(d));
		if (it->current && vxoff__knob_value_eq(it->k.kind, it->current, it->k.value))
			fail_msg("%s: planned although already %s", d, it->current);
		if (!it->reason || strlen(it->reason) < 10 || !it->gain || !*it->gain)
			fail_msg("%s: no reason or gain in words", d);
		if (vxoff_knob_stage(it->k.kind) < last_stage)
			fail_msg("%s: stage %d after stage %d", d, vxoff_knob_stage(it->k.kind),
				 last_stage);
		last_stage = vxoff_knob_stage(it->k.kind);
	}
}

/* ---- profiles ---- */

static void test_profile_names(void **state)
{
	uint32_t p = 0;

	(void)state;
	for (uint32_t i = VXOFF_PROFILE_SINGLE_STREAM; i <= VXOFF_PROFILE_LATENCY; i++) {
		assert_non_null(vxoff_profile_name(i));
		assert_int_equal(vxoff_profile_from_name(vxoff_profile_name(i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_null(vxoff_profile_name(0));
	assert_null(vxoff_profile_name(4));
	assert_int_equal(vxoff_profile_from_name("throughput", &p), -EINVAL);
	assert_int_equal(vxoff_profile_from_name(NULL, &p), -EINVAL);
}

static void single_stream_on(uint32_t ncpus)
{
	struct fx *f = fx_new(ncpus);
	struct vxoff_tune_plan *p;
	const struct vxoff__plan_item *it;
	uint32_t node1_first = ncpus / 2, irq_cpu;
	char app[16];
	int c1, p1, c2, p2;

	nic_knobs();
	snprintf(app, sizeof(app), "%u", node1_first);
	assert_int_equal(build(f, VXOFF_PROFILE_SINGLE_STREAM, app, 0, 0, &p), 0);
	assert_diff(p);
	/* every receive IRQ on one CPU: the app's node, not the app's core */
	for (int q = 0; q < 4; q++) {
		char key[16];

		snprintf(key, sizeof(key), "rx-%d", q);
		it = item_of(p, VXOFF_KNOB_IRQ_AFFINITY, "vxft0", key, INT32_MIN);
		assert_non_null(it);
		assert_string_equal(it->current, "0-3");
		irq_cpu = (uint32_t)atoi(it->k.value);
		assert_int_equal(node_of(f, irq_cpu), node_of(f, node1_first));
		core_of(f, irq_cpu, &c1, &p1);
		core_of(f, node1_first, &c2, &p2);
		assert_false(c1 == c2 && p1 == p2);
		assert_non_null(strstr(it->reason, app));
	}
	/* RPS: a third core of the node where there is one; off (already) on 4 CPUs */
	it = item_of(p, VXOFF_KNOB_RPS_CPUS, "vxft0", NULL, 0);
	if (ncpus == 4) {
		assert_null(it);
	} else {
		uint32_t rps;

		assert_non_null(it);
		rps = (uint32_t)atoi(it->k.value);
		assert_int_equal(node_of(f, rps), 1);
		assert_int_not_equal(rps, irq_cpu);
		assert_int_not_equal(rps, node1_first);
	}
	it = item_of(p, VXOFF_KNOB_FEATURE, "vxft0", "rx-gro", INT32_MIN);
	assert_non_null(it);
	assert_string_equal(it->k.value, "on");
	assert_null(item_of(p, VXOFF_KNOB_FEATURE, "vxft0", "rx-gro-hw", INT32_MIN)); /* fixed */
	assert_null(item_of(p, VXOFF_KNOB_FEATURE, "vx0", "rx-gro", INT32_MIN));    /* on */
	assert_null(item_of(p, VXOFF_KNOB_MTU, NULL, NULL, INT32_MIN));
	assert_null(item_of(p, VXOFF_KNOB_CHANNELS, NULL, NULL, INT32_MIN));
	vxoff_tune_plan_free(p);

	/* the plan picks both CPUs itself: on the device's node, different cores */
	assert_int_equal(build(f, VXOFF_PROFILE_SINGLE_STREAM, NULL, 0, 0, &p), 0);
	it = item_of(p, VXOFF_KNOB_IRQ_AFFINITY, "vxft0", "rx-0", INT32_MIN);
	assert_non_null(it);
	assert_int_equal(node_of(f, (uint32_t)atoi(it->k.value)), 1);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

static void test_single_stream_4(void **state)
{
	(void)state;
	single_stream_on(4);
}

static void test_single_stream_64(void **state)
{
	(void)state;
	single_stream_on(64);
}

static void test_single_stream_256(void **state)
{
	(void)state;
	single_stream_on(256);
}

/* A device without IRQs (veth): RPS moves receive work off the application's core. */
static void test_single_stream_no_irqs(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	const struct vxoff__plan_item *it;

	(void)state;
	put(VXOFF_KNOB_IRQ_AFFINITY, "vxft0", -1, NULL, "veth has no IRQs",
	    VXOFF_KNOB_F_UNSUPPORTED);
	put(VXOFF_KNOB_RPS_CPUS, "vxft0", 0, NULL, "", 0);
	assert_int_equal(build(f, VXOFF_PROFILE_SINGLE_STREAM, "2", 0, 0, &p), 0);
	it = item_of(p, VXOFF_KNOB_RPS_CPUS, "vxft0", NULL, 0);
	assert_non_null(it);
	assert_string_equal(it->k.value, "3");
	assert_null(item_of(p, VXOFF_KNOB_IRQ_AFFINITY, NULL, NULL, INT32_MIN));
	vxoff_tune_plan_free(p);
	fx_free(f);
}

static void test_single_stream_mtu(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	const struct vxoff__plan_item *it;
	uint32_t under = UINT32_MAX, over = UINT32_MAX;

	(void)state;
	nic_knobs();
	/* without permission: advice only */
	assert_int_equal(build(f, VXOFF_PROFILE_SINGLE_STREAM, "2", 0, 9000, &p), 0);
	it = item_of(p, VXOFF_KNOB_MTU, "vxft0", NULL, INT32_MIN);
	assert_non_null(it);
	assert_true(it->flags & VXOFF_PLAN_F_ADVICE);
	assert_null(item_of(p, VXOFF_KNOB_MTU, "vx0", NULL, INT32_MIN));
	vxoff_tune_plan_free(p);
	/* allowed: underlay 9000 first, overlay 8950 after it */
	assert_int_equal(build(f, VXOFF_PROFILE_SINGLE_STREAM, "2", VXOFF_TUNE_ALLOW_MTU, 9000,
			       &p), 0);
	for (uint32_t i = 0; i < p->count; i++) {
		if (p->items[i].k.kind != VXOFF_KNOB_MTU)
			continue;
		assert_false(p->items[i].flags & VXOFF_PLAN_F_ADVICE);
		if (!strcmp(p->items[i].k.dev, "vxft0")) {
			under = i;
			assert_string_equal(p->items[i].k.value, "9000");
		} else {
			over = i;
			assert_string_equal(p->items[i].k.value, "8950");
		}
	}
	assert_true(under < over && over != UINT32_MAX);
	vxoff_tune_plan_free(p);
	/* beyond the device's maximum: advice, not a change */
	assert_int_equal(build(f, VXOFF_PROFILE_SINGLE_STREAM, "2", VXOFF_TUNE_ALLOW_MTU, 10000,
			       &p), 0);
	it = item_of(p, VXOFF_KNOB_MTU, "vxft0", NULL, INT32_MIN);
	assert_non_null(it);
	assert_true(it->flags & VXOFF_PLAN_F_ADVICE);
	assert_non_null(strstr(it->reason, "9216"));
	vxoff_tune_plan_free(p);
	fx_free(f);
}

static void many_flow_on(uint32_t ncpus)
{
	struct fx *f = fx_new(ncpus);
	struct vxoff_tune_plan *p;
	const struct vxoff__plan_item *it;
	uint32_t per_node = ncpus / 2, nq = per_node < 63 ? per_node : 63;
	char want[16];
	bool used[1024] = { false };

	nic_knobs();
	assert_int_equal(build(f, VXOFF_PROFILE_MANY_FLOW, NULL, VXOFF_TUNE_ALLOW_CHANNELS, 0,
			       &p), 0);
	assert_diff(p);
	snprintf(want, sizeof(want), "%u", nq);
	it = item_of(p, VXOFF_KNOB_CHANNELS, "vxft0", "rx", INT32_MIN);
	assert_non_null(it);
	assert_string_equal(it->k.value, want);
	assert_int_equal(p->items[0].k.kind, VXOFF_KNOB_CHANNELS); /* first of all */
	it = item_of(p, VXOFF_KNOB_RXFH_FIELDS, "vxft0", "udp4", INT32_MIN);
	assert_non_null(it);
	assert_string_equal(it->k.value, "sdfn");
	assert_null(item_of(p, VXOFF_KNOB_RXFH_FIELDS, "vxft0", "udp6", INT32_MIN));
	/* one queue per core: IRQ q and XPS q on the same CPU, every CPU once, node 1 */
	for (uint32_t q = 0; q < nq; q++) {
		char key[16];
		const struct vxoff__plan_item *x;
		uint32_t c;

		snprintf(key, sizeof(key), "rx-%u", q);
		it = item_of(p, VXOFF_KNOB_IRQ_AFFINITY, "vxft0", key, INT32_MIN);
		x = item_of(p, VXOFF_KNOB_XPS_CPUS, "vxft0", NULL, (int32_t)q);
		assert_non_null(it);
		assert_non_null(x);
		assert_string_equal(it->k.value, x->k.value);
		c = (uint32_t)atoi(it->k.value);
		assert_int_equal(node_of(f, c), 1);
		assert_false(used[c]);
		used[c] = true;
		/* queues beyond the current 4 do not exist yet: no current value, no IRQ */
		if (q >= 4) {
			assert_null(it->current);
			assert_int_equal(it->k.index, -1);
		}
	}
	vxoff_tune_plan_free(p);

	/* channels not allowed: advice for them, the existing queues still mapped */
	assert_int_equal(build(f, VXOFF_PROFILE_MANY_FLOW, NULL, 0, 0, &p), 0);
	it = item_of(p, VXOFF_KNOB_CHANNELS, "vxft0", "rx", INT32_MIN);
	assert_non_null(it);
	assert_true(it->flags & VXOFF_PLAN_F_ADVICE);
	assert_non_null(item_of(p, VXOFF_KNOB_IRQ_AFFINITY, "vxft0", "rx-3", INT32_MIN));
	assert_null(item_of(p, VXOFF_KNOB_IRQ_AFFINITY, "vxft0", "rx-4", INT32_MIN));
	vxoff_tune_plan_free(p);
	fx_free(f);
}

static void test_many_flow_4(void **state)
{
	(void)state;
	many_flow_on(4);
}

static void test_many_flow_64(void **state)
{
	(void)state;
	many_flow_on(64);
}

static void test_many_flow_256(void **state)
{
	(void)state;
	many_flow_on(256);
}

static void test_latency(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	const struct vxoff__plan_item *it;

	(void)state;
	nic_knobs();
	put(VXOFF_KNOB_SYSCTL, NULL, -1, "net.core.busy_read", "0", 0);
	assert_int_equal(build(f, VXOFF_PROFILE_LATENCY, NULL, 0, 0, &p), 0);
	assert_diff(p);
	it = item_of(p, VXOFF_KNOB_COALESCE, "vxft0", "adaptive-rx", INT32_MIN);
	assert_non_null(it);
	assert_string_equal(it->k.value, "off");
	it = item_of(p, VXOFF_KNOB_COALESCE, "vxft0", "rx-usecs", INT32_MIN);
	assert_non_null(it);
	assert_string_equal(it->k.value, "0");
	assert_non_null(item_of(p, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, "vxft0", NULL, -1));
	assert_null(item_of(p, VXOFF_KNOB_DEFER_HARD_IRQS, "vxft0", NULL, -1)); /* already 0 */
	it = item_of(p, VXOFF_KNOB_SYSCTL, NULL, "net.core.busy_read", INT32_MIN);
	assert_non_null(it);
	assert_false(it->flags & VXOFF_PLAN_F_ADVICE);
	assert_string_equal(it->k.value, "50");
	/* busy_poll is not in this namespace: advice to use SO_BUSY_POLL */
	it = item_of(p, VXOFF_KNOB_SYSCTL, NULL, "net.core.busy_poll", INT32_MIN);
	assert_non_null(it);
	assert_true(it->flags & VXOFF_PLAN_F_ADVICE);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

/* ---- bad input ---- */

static void expect_build_error(struct fx *f, uint32_t profile, const char *app, int err,
			       const char *needle)
{
	struct vxoff_tune_plan *p = NULL;
	struct vxoff_error e;
	int r = build(f, profile, app, 0, 0, &p);

	if (r != err)
		fail_msg("profile %u app \"%s\": %d, expected %d", profile, app ? app : "", r, err);
	assert_null(p);
	e = tu_last_error(f->ctx);
	if (!e.msg || !strstr(e.msg, needle))
		fail_msg("message \"%s\" does not name \"%s\"", e.msg ? e.msg : "", needle);
}

static void test_bad_input(void **state)
{
	struct fx *f = fx_new(64);

	(void)state;
	nic_knobs();
	expect_build_error(f, 9, NULL, -EINVAL, "unknown profile 9");
	expect_build_error(f, VXOFF_PROFILE_SINGLE_STREAM, "64", -EINVAL, "CPU 64");
	expect_build_error(f, VXOFF_PROFILE_SINGLE_STREAM, "2,300", -EINVAL, "CPU 300");
	expect_build_error(f, VXOFF_PROFILE_SINGLE_STREAM, "2-x", -EINVAL, "2-x");
	expect_build_error(f, VXOFF_PROFILE_SINGLE_STREAM, "70000", -EINVAL, "70000");
	ft_write(f->ft, "sys/devices/system/cpu/online", "0-40,42-63");
	vxoff_topology_free(f->topo);
	assert_int_equal(vxoff_topology_read(f->ctx, &f->topo), 0);
	expect_build_error(f, VXOFF_PROFILE_MANY_FLOW, "40-41", -EINVAL, "CPU 41 is offline");
	/* the plan changed nothing */
	assert_int_equal(nwrites, 0);
	fx_free(f);
}

/* ---- plan objects and JSON ---- */

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_plan_json_roundtrip(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p, *q = NULL;
	char *j1 = NULL, *j2 = NULL, path[128], *cut;
	struct vxoff_error e;

	(void)state;
	nic_knobs();
	assert_int_equal(build(f, VXOFF_PROFILE_MANY_FLOW, "2", VXOFF_TUNE_ALLOW_CHANNELS, 0,
			       &p), 0);
	assert_true(vxoff_tune_plan_count(p) >= 5);
	assert_int_equal(vxoff_tune_plan_json(p, VXOFF_JSON_PRETTY, &j1), 0);
	assert_non_null(strstr(j1, "\"schema\": \"vxoff-tune-plan/1\""));
	snprintf(path, sizeof(path), "%s/plan.json", f->dir);
	write_text(path, j1);
	assert_int_equal(vxoff_tune_plan_load(f->ctx, path, &q), 0);
	assert_int_equal(vxoff_tune_plan_count(q), vxoff_tune_plan_count(p));
	for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
		VXOFF_OUT(vxoff_plan_item, a);
		VXOFF_OUT(vxoff_plan_item, b);

		assert_int_equal(vxoff_tune_plan_item(p, i, &a), 0);
		assert_int_equal(vxoff_tune_plan_item(q, i, &b), 0);
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.index, b.index);
		assert_int_equal(a.flags, b.flags);
		assert_string_equal(a.target, b.target);
		assert_string_equal(a.reason, b.reason);
		assert_null(b.current); /* a loaded plan does not know the values now */
	}
	assert_int_equal(vxoff_tune_plan_json(q, VXOFF_JSON_PRETTY, &j2), 0);
	vxoff_free(j2);
	vxoff_tune_plan_free(q);
	q = NULL;
	/* a newer schema, a truncated file, a wrong member type: refused, named */
	cut = strstr(j1, "vxoff-tune-plan/1");
	cut[strlen("vxoff-tune-plan/")] = '7';
	write_text(path, j1);
	assert_int_equal(vxoff_tune_plan_load(f->ctx, path, &q), -EINVAL);
	e = tu_last_error(f->ctx);
	assert_int_equal(e.reason, VXOFF_REASON_STATE);
	assert_non_null(strstr(e.msg, "newer"));
	cut[strlen("vxoff-tune-plan/")] = '1';
	j1[strlen(j1) / 2] = '\0';
	write_text(path, j1);
	assert_int_equal(vxoff_tune_plan_load(f->ctx, path, &q), -EINVAL);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, path));
	write_text(path, "{\"schema\":\"vxoff-tune-plan/1\",\"items\":[{\"kind\":\"mtu\","
			 "\"index\":\"x\",\"target\":\"9000\"}]}");
	assert_int_equal(vxoff_tune_plan_load(f->ctx, path, &q), -EINVAL);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, "\"index\""));
	snprintf(path, sizeof(path), "%s/none.json", f->dir);
	assert_int_equal(vxoff_tune_plan_load(f->ctx, path, &q), -ENOENT);
	assert_null(q);
	vxoff_free(j1);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

static void test_plan_add(void **state)
{
	struct vxoff_tune_plan *p;
	VXOFF_OPTS(vxoff_knob, k, .kind = VXOFF_KNOB_RPS_CPUS, .index = 0, .dev = "vxft0",
		   .value = "1");
	VXOFF_OUT(vxoff_plan_item, it);

	(void)state;
	assert_int_equal(vxoff_tune_plan_empty(&p), 0);
	assert_int_equal(vxoff_tune_plan_add(p, &k, "why"), 0);
	k.value = "2";
	assert_int_equal(vxoff_tune_plan_add(p, &k, NULL), 0); /* replaces */
	assert_int_equal(vxoff_tune_plan_count(p), 1);
	k.kind = VXOFF_KNOB_CHANNELS;
	k.index = -1;
	k.key = "rx";
	assert_int_equal(vxoff_tune_plan_add(p, &k, "ch"), 0);
	/* apply order: channels before RPS, whatever the order of adding */
	assert_int_equal(vxoff_tune_plan_item(p, 0, &it), 0);
	assert_int_equal(it.kind, VXOFF_KNOB_CHANNELS);
	assert_int_equal(vxoff_tune_plan_item(p, 1, &it), 0);
	assert_string_equal(it.target, "2");
	assert_string_equal(it.reason, "");
	assert_int_equal(vxoff_tune_plan_item(p, 2, &it), -ERANGE);
	k.kind = VXOFF_KNOB_TUNNEL_PORT;
	assert_int_equal(vxoff_tune_plan_add(p, &k, "ro"), -EINVAL);
	k.kind = 99;
	assert_int_equal(vxoff_tune_plan_add(p, &k, "unknown"), -EINVAL);
	vxoff_tune_plan_free(p);
}

/* ---- apply and restore on the store ---- */

static struct vxoff_tune_plan *hand_plan(void)
{
	struct vxoff_tune_plan *p;
	struct {
		uint32_t kind;
		int32_t index;
		const char *dev, *key, *value;
	} items[] = {
		{ VXOFF_KNOB_SYSCTL, -1, NULL, "net.ipv4.tcp_rmem", "4096 131072 33554432" },
		{ VXOFF_KNOB_RPS_CPUS, 1, "vxft0", NULL, "2" },
		{ VXOFF_KNOB_IRQ_AFFINITY, 101, "vxft0", "rx-1", "1" },
		{ VXOFF_KNOB_GRO_FLUSH_TIMEOUT, -1, "vxft0", NULL, "0" },
		{ VXOFF_KNOB_FEATURE, -1, "vxft0", "rx-gro", "on" },
		{ VXOFF_KNOB_MTU, -1, "vxft0", NULL, "9000" },
		{ VXOFF_KNOB_MTU, -1, "vx0", NULL, "8950" },
		{ VXOFF_KNOB_RXFH_FIELDS, -1, "vxft0", "udp4", "sdfn" },
		{ VXOFF_KNOB_CHANNELS, -1, "vxft0", "rx", "2" },
	};

	assert_int_equal(vxoff_tune_plan_empty(&p), 0);
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		VXOFF_OPTS(vxoff_knob, k, .kind = items[i].kind, .index = items[i].index,
			   .dev = items[i].dev, .key = items[i].key, .value = items[i].value);

		assert_int_equal(vxoff_tune_plan_add(p, &k, "test"), 0);
	}
	return p;
}

static void store_for_hand_plan(void)
{
	nic_knobs();
	put(VXOFF_KNOB_SYSCTL, NULL, -1, "net.ipv4.tcp_rmem", "4096 131072 6291456", 0);
}

static bool stage_ordered(uint32_t from, uint32_t to)
{
	for (uint32_t i = from + 1; i < to; i++)
		if (vxoff_knob_stage(write_knobs[i].kind) <
		    vxoff_knob_stage(write_knobs[i - 1].kind))
			return false;
	return true;
}

/* The restore order of docs/tune.md: the apply stages, but features after the NAPI settings
 * (a feature can create or remove a device's NAPIs) and sysctls last. */
static int restore_rank(uint32_t kind)
{
	if (kind == VXOFF_KNOB_FEATURE)
		return 6;
	return vxoff_knob_stage(kind) == 6 ? 7 : vxoff_knob_stage(kind);
}

static bool restore_ordered(uint32_t from, uint32_t to)
{
	for (uint32_t i = from + 1; i < to; i++)
		if (restore_rank(write_knobs[i].kind) < restore_rank(write_knobs[i - 1].kind))
			return false;
	return true;
}

static void test_apply_restore_order(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	char snap[128], **before;
	uint32_t changed = 0, applied;
	int under = -1, over = -1, feature = -1, napi = -1;

	(void)state;
	store_for_hand_plan();
	before = values_now();
	p = hand_plan();
	snprintf(snap, sizeof(snap), "%s/snap.json", f->dir);
	assert_int_equal(vxoff_tune_apply(f->ctx, p, snap, 0), 0);
	applied = nwrites;
	assert_int_equal(applied, 9);
	assert_true(stage_ordered(0, applied));
	assert_int_equal(write_knobs[0].kind, VXOFF_KNOB_CHANNELS);
	/* an existing snapshot is not replaced without the flag */
	assert_int_equal(vxoff_tune_apply(f->ctx, p, snap, 0), -EEXIST);
	assert_int_equal(nwrites, applied);
	/* restore: every value back, stage by stage, the overlay's MTU before the underlay's */
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, &changed), 0);
	assert_int_equal(changed, 9);
	assert_true(restore_ordered(applied, nwrites));
	assert_int_equal(write_knobs[applied].kind, VXOFF_KNOB_CHANNELS);
	for (uint32_t i = applied; i < nwrites; i++) {
		if (write_knobs[i].kind == VXOFF_KNOB_MTU)
			*(strcmp(write_knobs[i].dev, "vx0") == 0 ? &over : &under) = (int)i;
		if (write_knobs[i].kind == VXOFF_KNOB_FEATURE)
			feature = (int)i;
		if (write_knobs[i].kind == VXOFF_KNOB_GRO_FLUSH_TIMEOUT)
			napi = (int)i;
	}
	assert_true(over >= 0 && under > over);
	/* GRO off can remove a veth's NAPIs: the NAPI setting goes back first */
	assert_true(napi >= 0 && feature > napi);
	assert_values(before);
	/* idempotent: a second restore writes nothing */
	applied = nwrites;
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, VXOFF_TUNE_RESTORE_F_REMOVE, &changed),
			 0);
	assert_int_equal(changed, 0);
	assert_int_equal(nwrites, applied);
	assert_int_equal(access(snap, F_OK), -1); /* removed on request */
	values_free(before);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

/* Every write failing in turn: the ones before it undone, the error names the knob. */
static void test_apply_rollback(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	char snap[128], **before;

	(void)state;
	store_for_hand_plan();
	before = values_now();
	p = hand_plan();
	snprintf(snap, sizeof(snap), "%s/snap.json", f->dir);
	for (uint32_t n = 1; n <= 9; n++) {
		struct vxoff_error e;
		int r = vxoff__tune_apply_ex(f->ctx, p, snap, 0, n);
		char want[32];

		assert_int_equal(r, -EIO);
		e = tu_last_error(f->ctx);
		snprintf(want, sizeof(want), "write %u failed", n);
		assert_non_null(strstr(e.msg, want));
		assert_non_null(strstr(e.msg, "undone"));
		assert_values(before);
		assert_int_equal(access(snap, F_OK), -1); /* removed after the rollback */
		log_reset();
	}
	values_free(before);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

/* After a channel change the IRQ of each queue is looked up again before its affinity. */
static void test_apply_irq_after_channels(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	char snap[128];
	bool seen = false;
	VXOFF_OPTS(vxoff_knob, ch, .kind = VXOFF_KNOB_CHANNELS, .index = -1, .dev = "vxft0",
		   .key = "rx", .value = "6");
	VXOFF_OPTS(vxoff_knob, irq, .kind = VXOFF_KNOB_IRQ_AFFINITY, .index = 101,
		   .dev = "vxft0", .key = "rx-1", .value = "2");

	(void)state;
	nic_knobs();
	renumber_on_channels = true;
	assert_int_equal(vxoff_tune_plan_empty(&p), 0);
	assert_int_equal(vxoff_tune_plan_add(p, &irq, "t"), 0);
	assert_int_equal(vxoff_tune_plan_add(p, &ch, "t"), 0);
	snprintf(snap, sizeof(snap), "%s/snap.json", f->dir);
	assert_int_equal(vxoff_tune_apply(f->ctx, p, snap, 0), 0);
	for (uint32_t i = 0; i < nwrites; i++)
		if (write_knobs[i].kind == VXOFF_KNOB_IRQ_AFFINITY) {
			assert_int_equal(write_knobs[i].index, 201); /* not the planned 101 */
			seen = true;
		}
	assert_true(seen);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

/* ---- snapshot files ---- */

static void test_snapshot_bad_files(void **state)
{
	struct fx *f = fx_new(4);
	struct vxoff_tune_plan *p;
	char snap[128], *text, *at;
	FILE *fp;
	long len;
	struct vxoff_error e;
	char **after;

	(void)state;
	store_for_hand_plan();
	p = hand_plan();
	snprintf(snap, sizeof(snap), "%s/snap.json", f->dir);
	assert_int_equal(vxoff_tune_apply(f->ctx, p, snap, 0), 0);
	after = values_now();
	log_reset();
	fp = fopen(snap, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);

	/* truncated at every tenth byte: refused, nothing written */
	for (long cut = 0; cut < len - 2; cut += 10) {
		assert_int_equal(truncate(snap, cut), 0);
		assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, NULL), -EINVAL);
		e = tu_last_error(f->ctx);
		assert_int_equal(e.reason, VXOFF_REASON_STATE);
		assert_non_null(strstr(e.msg, snap));
	}
	assert_int_equal(nwrites, 0);
	/* a newer version */
	at = strstr(text, "vxoff-tune-snapshot/1");
	assert_non_null(at);
	at[strlen("vxoff-tune-snapshot/")] = '2';
	write_text(snap, text);
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, NULL), -EINVAL);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, "newer"));
	at[strlen("vxoff-tune-snapshot/")] = '1';
	/* another device: one not in the namespace, one renumbered (recreated) */
	at = strstr(text, "\"device\": \"vxft0\"");
	assert_non_null(at);
	memcpy(at, "\"device\": \"vxft9\"", strlen("\"device\": \"vxft9\""));
	write_text(snap, text);
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, NULL), -EINVAL);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, "vxft9"));
	memcpy(at, "\"device\": \"vxft0\"", strlen("\"device\": \"vxft0\""));
	write_text(snap, text);
	ft_write(f->ft, "sys/class/net/vxft0/ifindex", "70");
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, NULL), -EINVAL);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, "ifindex"));
	ft_write(f->ft, "sys/class/net/vxft0/ifindex", "7");
	/* expected device and namespace of the internal loader */
	{
		struct vxoff__snapshot s;

		assert_int_equal(vxoff__snapshot_load(f->ctx, snap, "vxft1", NULL, &s), -EINVAL);
		e = tu_last_error(f->ctx);
		assert_non_null(strstr(e.msg, "vxft1"));
		assert_int_equal(vxoff__snapshot_load(f->ctx, snap, "vxft0", "other-ns", &s),
				 -EINVAL);
		e = tu_last_error(f->ctx);
		assert_non_null(strstr(e.msg, "other-ns"));
		assert_int_equal(vxoff__snapshot_load(f->ctx, snap, "vxft0", NULL, &s), 0);
		vxoff__snapshot_clear(&s);
	}
	assert_int_equal(nwrites, 0);
	assert_values(after);
	/* no file at all: -ENOENT, said plainly */
	unlink(snap);
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, NULL), -ENOENT);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, "nothing was changed"));
	/* the intact file restores */
	write_text(snap, text);
	assert_int_equal(vxoff_tune_restore(f->ctx, snap, 0, NULL), 0);
	assert_true(nwrites > 0);
	free(text);
	values_free(after);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_single_stream_4),
		cmocka_unit_test(test_single_stream_64),
		cmocka_unit_test(test_single_stream_256),
		cmocka_unit_test(test_single_stream_no_irqs),
		cmocka_unit_test(test_single_stream_mtu),
		cmocka_unit_test(test_many_flow_4),
		cmocka_unit_test(test_many_flow_64),
		cmocka_unit_test(test_many_flow_256),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_plan_json_roundtrip),
		cmocka_unit_test(test_plan_add),
		cmocka_unit_test(test_apply_restore_order),
		cmocka_unit_test(test_apply_rollback),
		cmocka_unit_test(test_apply_irq_after_channels),
		cmocka_unit_test(test_snapshot_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
