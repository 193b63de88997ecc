/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * lib/tune/plan.c: profiles -> plans, the plan object, plan JSON.
 *
 * A plan is a diff: for each knob the value now and the target, with the reason in words and
 * what it should win. Building one reads the system (vxoff_tune_plan_new) and then calls the
 * pure builder (vxoff__tune_plan_build), which the unit tests drive directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include <vxoff/probe.h>

#include "tune/tune_internal.h"

#define PLAN_SCHEMA_PREFIX "vxoff-tune-plan/"
#define PLAN_SCHEMA_VERSION 1
#define MAX_CPUS 65536u
#define VXLAN_IANA_PORT 4789u
#define BUSY_POLL_USECS "50"
#define RSS_UDP_FIELDS "sdfn"

/* ---- profiles ---- */

static const char *const profile_names[] = {
	[VXOFF_PROFILE_SINGLE_STREAM] = "single-stream",
	[VXOFF_PROFILE_MANY_FLOW] = "many-flow",
	[VXOFF_PROFILE_LATENCY] = "latency",
};
#define PROFILE_MAX VXOFF_PROFILE_LATENCY

VXOFF_API const char *vxoff_profile_name(uint32_t profile)
{
	if (profile == 0 || profile > PROFILE_MAX)
		return NULL;
	return profile_names[profile];
}

VXOFF_API int vxoff_profile_from_name(const char *name, uint32_t *ret)
{
	if (!name || !ret)
		return -EINVAL;
	for (uint32_t p = 1; p <= PROFILE_MAX; p++) {
		if (strcmp(name, profile_names[p]) == 0) {
			*ret = p;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- the plan object ---- */

static bool kind_read_only(uint32_t kind)
{
	return kind == VXOFF_KNOB_TUNNEL_PORT || kind == VXOFF_KNOB_CHANNELS_MAX ||
	       kind == VXOFF_KNOB_RING_MAX;
}

static void item_clear(struct vxoff__plan_item *it)
{
	vxoff__knob_clear(&it->k);
	free(it->current);
	free(it->reason);
	free(it->gain);
	memset(it, 0, sizeof(*it));
}

VXOFF_API int vxoff_tune_plan_empty(struct vxoff_tune_plan **ret)
{
	struct vxoff_tune_plan *p;

	if (!ret)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

VXOFF_API void vxoff_tune_plan_free(struct vxoff_tune_plan *plan)
{
	if (!plan)
		return;
	for (uint32_t i = 0; i < plan->count; i++)
		item_clear(&plan->items[i]);
	free(plan->items);
	free(plan->dev);
	free(plan);
}

int vxoff__plan_put(struct vxoff_tune_plan *plan, const struct vxoff__knob *target,
		    const char *current, const char *reason, const char *gain, uint32_t flags)
{
	struct vxoff__plan_item it = { 0 };
	int stage = vxoff_knob_stage(target->kind);
	uint32_t at;

	if (stage < 0)
		return -EINVAL;
	if (vxoff__knob_copy(&it.k, target) < 0)
		return -ENOMEM;
	it.current = current ? strdup(current) : NULL;
	it.reason = vxoff__strdup0(reason);
	it.gain = vxoff__strdup0(gain);
	it.flags = flags;
	if ((current && !it.current) || !it.reason || !it.gain)
		goto nomem;
	for (uint32_t i = 0; i < plan->count; i++) {
		if (vxoff__knob_same(&plan->items[i].k, target)) {
			item_clear(&plan->items[i]);
			plan->items[i] = it;
			return 0;
		}
	}
	struct vxoff__plan_item *v = vxoff__grow(plan->items, &plan->cap, plan->count,
						  sizeof(*v));
	if (!v)
		goto nomem;
	plan->items = v;
	/* Apply order: after every item of the same or an earlier stage. */
	at = plan->count;
	while (at > 0 && vxoff_knob_stage(plan->items[at - 1].k.kind) > stage)
		at--;
	memmove(&plan->items[at + 1], &plan->items[at],
		(plan->count - at) * sizeof(plan->items[0]));
	plan->items[at] = it;
	plan->count++;
	return 0;
nomem:
	item_clear(&it);
	return -ENOMEM;
}

VXOFF_API int vxoff_tune_plan_add(struct vxoff_tune_plan *plan, const struct vxoff_knob *target,
				  const char *reason)
{
	struct vxoff_knob k;
	struct vxoff__knob ik;
	int r;

	if (!plan || !target)
		return -EINVAL;
	r = vxoff__copy_in(&k, sizeof(k), target, VXOFF_KNOB_SZ_0_1);
	if (r < 0)
		return r;
	if (vxoff_knob_stage(k.kind) < 0 || kind_read_only(k.kind) ||
	    (k.flags & VXOFF_KNOB_F_READONLY) || !k.value)
		return -EINVAL;
	ik = (struct vxoff__knob){ .kind = k.kind, .index = k.index, .flags = 0,
				   .dev = (char *)k.dev, .key = (char *)k.key,
				   .value = (char *)k.value };
	return vxoff__plan_put(plan, &ik, NULL, reason, "", 0);
}

VXOFF_API uint32_t vxoff_tune_plan_count(const struct vxoff_tune_plan *plan)
{
	return plan ? plan->count : 0;
}

VXOFF_API int vxoff_tune_plan_item(const struct vxoff_tune_plan *plan, uint32_t idx,
				   struct vxoff_plan_item *out)
{
	struct vxoff_plan_item o = { .sz = sizeof(o) };
	const struct vxoff__plan_item *it;

	if (!plan || !out)
		return -EINVAL;
	if (idx >= plan->count)
		return -ERANGE;
	it = &plan->items[idx];
	o.kind = it->k.kind;
	o.index = it->k.index;
	o.flags = it->flags;
	o.dev = it->k.dev;
	o.key = it->k.key;
	o.current = it->current;
	o.target = it->k.value;
	o.reason = it->reason;
	o.gain = it->gain;
	return vxoff__copy_out(out, &o, sizeof(o), VXOFF_PLAN_ITEM_SZ_0_1);
}

/* ---- CPU sets ---- */

struct cpuset {
	uint64_t w[MAX_CPUS / 64];
};

static bool cs_has(const struct cpuset *s, uint32_t c)
{
	return c < MAX_CPUS && (s->w[c / 64] >> (c % 64)) & 1;
}

static void cs_set(struct cpuset *s, uint32_t c)
{
	if (c < MAX_CPUS)
		s->w[c / 64] |= 1ull << (c % 64);
}

/* "0-3,8" of a set; heap. */
static char *cs_format(const struct cpuset *s)
{
	struct vxoff__strbuf sb;
	const char *sep = "";

	vxoff__sb_init(&sb);
	for (uint32_t c = 0; c < MAX_CPUS; c++) {
		uint32_t e = c;

		if (!cs_has(s, c))
			continue;
		while (e + 1 < MAX_CPUS && cs_has(s, e + 1))
			e++;
		if (e == c)
			vxoff__sb_add(&sb, "%s%u", sep, c);
		else
			vxoff__sb_add(&sb, "%s%u-%u", sep, c, e);
		sep = ",";
		c = e;
	}
	if (!sb.s && !sb.err)
		return strdup("");
	return vxoff__sb_steal(&sb);
}

/* ---- the builder ---- */

struct cpu {
	uint32_t cpu;
	int32_t node;
	int32_t core;
	int32_t package;
	bool online;
};

struct builder {
	struct vxoff_ctx *ctx;
	const struct vxoff__plan_input *in;
	struct vxoff_tune_plan_opts opts;
	struct vxoff_tune_plan *plan;
	struct cpu *cpus;	/* by index in the topology */
	uint32_t ncpus;
	uint32_t max_cpu;	/* highest possible CPU number + 1 */
	struct cpuset app;	/* the application's CPUs */
	bool app_given;
	int32_t node;		/* the node the plan works on; -1 = every online CPU */
	uint32_t *cands;	/* online CPUs of that node, ascending */
	uint32_t ncands;
};

static const struct cpu *cpu_info(const struct builder *b, uint32_t c)
{
	for (uint32_t i = 0; i < b->ncpus; i++)
		if (b->cpus[i].cpu == c)
			return &b->cpus[i];
	return NULL;
}

/* Two CPUs on the same physical core (SMT siblings); unknown core ids count as different. */
static bool same_core(const struct builder *b, uint32_t x, uint32_t y)
{
	const struct cpu *a = cpu_info(b, x), *c = cpu_info(b, y);

	if (x == y)
		return true;
	if (!a || !c || a->core < 0 || c->core < 0)
		return false;
	return a->core == c->core && a->package == c->package;
}

static bool core_in(const struct builder *b, uint32_t c, const struct cpuset *s)
{
	for (uint32_t i = 0; i < b->ncands; i++)
		if (cs_has(s, b->cands[i]) && same_core(b, c, b->cands[i]))
			return true;
	for (uint32_t i = 0; i < b->ncpus; i++)
		if (cs_has(s, b->cpus[i].cpu) && same_core(b, c, b->cpus[i].cpu))
			return true;
	return false;
}

/*
 * First candidate CPU outside @avoid, preferring one whose physical core holds none of @avoid
 * (SMT siblings share the core's execution units). -1 when there is none.
 */
static int64_t pick_cpu(const struct builder *b, const struct cpuset *avoid)
{
	for (uint32_t i = 0; i < b->ncands; i++)
		if (!core_in(b, b->cands[i], avoid))
			return b->cands[i];
	for (uint32_t i = 0; i < b->ncands; i++)
		if (!cs_has(avoid, b->cands[i]))
			return b->cands[i];
	return -1;
}

static int load_topology(struct builder *b)
{
	const struct vxoff_topology *topo = b->in->topo;
	uint32_t n = vxoff_topology_cpu_count(topo);

	if (n == 0)
		return vxoff__err(b->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "planning %s: the CPU topology lists no CPUs", b->in->dev);
	b->cpus = calloc(n, sizeof(*b->cpus));
	if (!b->cpus)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_cpu_info, ci);
		int r = vxoff_topology_cpu(topo, i, &ci);

		if (r < 0)
			return vxoff__err(b->ctx, r, VXOFF_REASON_INTERNAL,
					  "planning %s: CPU %u of the topology unreadable",
					  b->in->dev, i);
		b->cpus[i] = (struct cpu){ .cpu = ci.cpu, .node = ci.node, .core = ci.core,
					   .package = ci.package, .online = ci.online != 0 };
		if (ci.cpu + 1 > b->max_cpu)
			b->max_cpu = ci.cpu + 1;
	}
	b->ncpus = n;
	return 0;
}

/* The application's CPUs: each must exist and be online. */
static int load_app_cpus(struct builder *b)
{
	const char *list = b->opts.app_cpus;
	int r;

	if (!list || !*list)
		return 0;
	r = vxoff__cpulist_parse(list, b->app.w, MAX_CPUS);
	if (r < 0)
		return vxoff__err(b->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "application CPUs \"%s\": %s", list,
				  r == -ERANGE ? "a CPU number is out of range"
					       : "not a CPU list (e.g. 0-3,8)");
	for (uint32_t c = 0; c < MAX_CPUS; c++) {
		const struct cpu *ci;

		if (!cs_has(&b->app, c))
			continue;
		ci = cpu_info(b, c);
		if (!ci)
			return vxoff__err(b->ctx, -EINVAL, VXOFF_REASON_ARG,
					  "application CPUs \"%s\": CPU %u is out of range "
					  "(this machine has CPUs 0-%u)",
					  list, c, b->max_cpu ? b->max_cpu - 1 : 0);
		if (!ci->online)
			return vxoff__err(b->ctx, -EINVAL, VXOFF_REASON_ARG,
					  "application CPUs \"%s\": CPU %u is offline", list, c);
	}
	b->app_given = true;
	return 0;
}

/* The node: the application's (it must share it with the IRQ), else the device's. */
static int choose_node(struct builder *b)
{
	b->node = -1;
	if (b->app_given) {
		for (uint32_t i = 0; i < b->ncpus; i++)
			if (cs_has(&b->app, b->cpus[i].cpu)) {
				b->node = b->cpus[i].node;
				break;
			}
	} else if (b->in->dev_node >= 0) {
		b->node = b->in->dev_node;
	}
	b->cands = calloc(b->ncpus, sizeof(*b->cands));
	if (!b->cands)
		return -ENOMEM;
	for (int pass = 0; pass < 2 && b->ncands == 0; pass++) {
		for (uint32_t i = 0; i < b->ncpus; i++) {
			const struct cpu *c = &b->cpus[i];

			if (c->online && (pass == 1 || b->node < 0 || c->node == b->node))
				b->cands[b->ncands++] = c->cpu;
		}
		if (b->ncands == 0)
			b->node = -1; /* the device's node has no online CPU: any */
	}
	if (b->ncands == 0)
		return vxoff__err(b->ctx, -EINVAL, VXOFF_REASON_ARG,
				  "planning %s: no CPU is online", b->in->dev);
	/* ascending CPU numbers, whatever order the topology had */
	for (uint32_t i = 1; i < b->ncands; i++)
		for (uint32_t j = i; j > 0 && b->cands[j - 1] > b->cands[j]; j--) {
			uint32_t t = b->cands[j];

			b->cands[j] = b->cands[j - 1];
			b->cands[j - 1] = t;
		}
	return 0;
}

static bool usable(const struct vxoff__knob *k)
{
	return !(k->flags & (VXOFF_KNOB_F_UNSUPPORTED | VXOFF_KNOB_F_READONLY |
			     VXOFF_KNOB_F_FIXED)) &&
	       !kind_read_only(k->kind) && k->value;
}

static bool key_is(const struct vxoff__knob *k, const char *key)
{
	return k->key && strcmp(k->key, key) == 0;
}

static bool dev_is(const struct vxoff__knob *k, const char *dev)
{
	return k->dev && dev && strcmp(k->dev, dev) == 0;
}

/* The knob (kind, dev, key, any index) of the state; NULL if absent. */
static const struct vxoff__knob *find(const struct builder *b, uint32_t kind, const char *dev,
				      const char *key, int64_t index)
{
	const struct vxoff_tune_state *st = b->in->st;

	for (uint32_t i = 0; st && i < st->count; i++) {
		const struct vxoff__knob *k = &st->knobs[i];

		if (k->kind != kind || !dev_is(k, dev))
			continue;
		if (key && !key_is(k, key))
			continue;
		if (index != INT64_MIN && k->index != index)
			continue;
		return k;
	}
	return NULL;
}

/* Plan @k to @target unless it is there already. */
static int want(struct builder *b, const struct vxoff__knob *k, const char *target,
		const char *reason, const char *gain)
{
	struct vxoff__knob t;

	if (!usable(k) || vxoff__knob_value_eq(k->kind, k->value, target))
		return 0;
	t = *k;
	t.flags = 0;
	t.value = (char *)target;
	return vxoff__plan_put(b->plan, &t, k->value, reason, gain, 0);
}

/* A knob that does not exist yet (a queue a channel change adds). */
static int want_new(struct builder *b, uint32_t kind, const char *dev, int32_t index,
		    const char *key, const char *target, const char *reason, const char *gain)
{
	struct vxoff__knob t = { .kind = kind, .index = index, .dev = (char *)dev,
				 .key = (char *)key, .value = (char *)target };

	return vxoff__plan_put(b->plan, &t, NULL, reason, gain, 0);
}

static int advise(struct builder *b, uint32_t kind, const char *dev, const char *key,
		  const char *current, const char *target, const char *reason, const char *gain)
{
	struct vxoff__knob t = { .kind = kind, .index = -1, .dev = (char *)dev,
				 .key = (char *)key, .value = (char *)target };

	return vxoff__plan_put(b->plan, &t, current, reason, gain, VXOFF_PLAN_F_ADVICE);
}

static bool has_irqs(const struct builder *b)
{
	const struct vxoff_tune_state *st = b->in->st;

	for (uint32_t i = 0; st && i < st->count; i++)
		if (st->knobs[i].kind == VXOFF_KNOB_IRQ_AFFINITY &&
		    dev_is(&st->knobs[i], b->in->dev) && usable(&st->knobs[i]))
			return true;
	return false;
}

/* An IRQ that serves receive ("rx-N", "combined-N", or a queue name without direction). */
static bool rx_irq(const struct vxoff__knob *k)
{
	return !k->key || strncmp(k->key, "tx-", 3) != 0;
}

static char *cpu_text(uint32_t c)
{
	char *s = NULL;

	if (asprintf(&s, "%u", c) < 0)
		return NULL;
	return s;
}

/* GRO on the underlay and the overlays: one aggregated packet per batch up the stack. */
static int plan_gro(struct builder *b, const char *dev)
{
	const struct vxoff__knob *k = find(b, VXOFF_KNOB_FEATURE, dev, "rx-gro", INT64_MIN);
	int r = 0;

	if (k)
		r = want(b, k, "on",
			 "receive aggregation: the stack handles one large packet instead of "
			 "many; on a VXLAN path both the outer and the inner flow aggregate",
			 "fewer per-packet costs on the receive core (often 2-3x less CPU per "
			 "byte)");
	k = find(b, VXOFF_KNOB_FEATURE, dev, "rx-gro-hw", INT64_MIN);
	if (r == 0 && k)
		r = want(b, k, "on", "the NIC aggregates in hardware, before the driver",
			 "less CPU per byte than software GRO");
	return r;
}

static int plan_mtu(struct builder *b)
{
	const struct vxoff__plan_input *in = b->in;
	const struct vxoff__knob *k = find(b, VXOFF_KNOB_MTU, in->dev, NULL, INT64_MIN);
	uint32_t want_mtu = b->opts.underlay_mtu;
	char cur[16] = "", tgt[16];
	int r;

	if (!k || want_mtu == 0)
		return 0;
	snprintf(tgt, sizeof(tgt), "%u", want_mtu);
	if (k->value && strtoul(k->value, NULL, 10) >= want_mtu)
		return 0;
	if (k->value)
		snprintf(cur, sizeof(cur), "%s", k->value);
	if (in->max_mtu && want_mtu > in->max_mtu) {
		char why[160];

		snprintf(why, sizeof(why), "%s carries at most %u bytes, not %u", in->dev,
			 in->max_mtu, want_mtu);
		return advise(b, VXOFF_KNOB_MTU, in->dev, NULL, cur, tgt, why,
			      "none: the device cannot");
	}
	if (!(b->opts.flags & VXOFF_TUNE_ALLOW_MTU))
		return advise(
			b, VXOFF_KNOB_MTU, in->dev, NULL, cur, tgt,
			"jumbo frames need every hop of the underlay to carry them; allow "
			"MTU changes (VXOFF_TUNE_ALLOW_MTU, --allow-mtu) once that is checked",
			"fewer packets per byte: less per-packet CPU on both ends");
	/* raise the underlay first (it is earlier in the plan), the overlays after it */
	r = want(b, k, tgt,
		 "jumbo frames on the underlay: the whole path carries them (caller's word)",
		 "about 6x fewer packets per byte: less per-packet CPU on both ends");
	for (uint32_t i = 0; r == 0 && i < in->n_overlays; i++) {
		const struct vxoff__plan_overlay *o = &in->overlays[i];
		uint32_t hdr = o->family == AF_INET6 ? 70 : 50;
		const struct vxoff__knob *ok = find(b, VXOFF_KNOB_MTU, o->name, NULL, INT64_MIN);
		char otgt[16], why[200];

		if (!ok || want_mtu <= hdr)
			continue;
		snprintf(otgt, sizeof(otgt), "%u", want_mtu - hdr);
		snprintf(why, sizeof(why),
			 "overlay MTU = underlay %u - %u bytes of VXLAN encapsulation (%s outer "
			 "header), so inner packets are not fragmented",
			 want_mtu, hdr, hdr == 70 ? "IPv6" : "IPv4");
		r = want(b, ok, otgt, why, "large inner packets: fewer per byte");
	}
	return r;
}

/* The VXLAN port should be IANA's and in the NIC's offload table (advice only). */
static int plan_tunnel_port(struct builder *b)
{
	const struct vxoff__plan_input *in = b->in;
	const struct vxoff__knob *tp = find(b, VXOFF_KNOB_TUNNEL_PORT, in->dev, NULL, INT64_MIN);
	int r = 0;

	for (uint32_t i = 0; r == 0 && i < in->n_overlays; i++) {
		const struct vxoff__plan_overlay *o = &in->overlays[i];
		char port[16], why[240];

		if (o->port == 0)
			continue;
		snprintf(port, sizeof(port), "%u", o->port);
		if (o->port != VXLAN_IANA_PORT) {
			snprintf(why, sizeof(why),
				 "%s uses UDP port %u; NICs offload VXLAN on the IANA port 4789 "
				 "(8472 is Linux's old default): recreate it with dstport 4789",
				 o->name, o->port);
			r = advise(b, VXOFF_KNOB_TUNNEL_PORT, in->dev, "vxlan", port, "4789", why,
				   "inner checksum, RSS and TSO by the NIC");
			continue;
		}
		if (!tp || (tp->flags & VXOFF_KNOB_F_UNSUPPORTED) || !tp->value)
			continue; /* no table to be in (virtual devices) */
		if (strstr(tp->value, port))
			continue;
		snprintf(why, sizeof(why),
			 "port %u of %s is not in %s's UDP tunnel table: the VXLAN device must be "
			 "in the NIC's namespace and the table not full",
			 o->port, o->name, in->dev);
		r = advise(b, VXOFF_KNOB_TUNNEL_PORT, in->dev, "vxlan", tp->value, port, why,
			   "inner checksum, RSS and TSO by the NIC");
	}
	return r;
}

static int plan_single_stream(struct builder *b)
{
	const char *dev = b->in->dev;
	const struct vxoff_tune_state *st = b->in->st;
	struct cpuset avoid = b->app, rps_set = { { 0 } };
	int64_t irq_cpu, app_cpu, rps_cpu;
	char *irq_list = NULL, *rps_list = NULL, reason[320];
	bool irqs = has_irqs(b);
	int r = 0;

	/* IRQ core first when the plan picks both: the application takes the next core */
	if (!b->app_given) {
		irq_cpu = b->cands[0];
		memset(&avoid, 0, sizeof(avoid));
		cs_set(&avoid, (uint32_t)irq_cpu);
		app_cpu = pick_cpu(b, &avoid);
		if (app_cpu >= 0)
			cs_set(&b->app, (uint32_t)app_cpu);
		avoid = b->app;
		if (app_cpu < 0)
			irq_cpu = -1; /* a single CPU: nothing to separate */
	} else {
		irq_cpu = pick_cpu(b, &avoid);
	}
	if (irq_cpu >= 0) {
		cs_set(&avoid, (uint32_t)irq_cpu);
		rps_cpu = pick_cpu(b, &avoid);
	} else {
		rps_cpu = -1;
	}
	char *app_list = cs_format(&b->app);

	if (!app_list)
		return -ENOMEM;
	if (irq_cpu >= 0)
		irq_list = cpu_text((uint32_t)irq_cpu);
	/* without IRQs to move (veth), RPS is what moves receive work off the app's core */
	if (!irqs && irq_cpu >= 0)
		cs_set(&rps_set, (uint32_t)irq_cpu);
	else if (irqs && rps_cpu >= 0)
		cs_set(&rps_set, (uint32_t)rps_cpu);
	rps_list = cs_format(&rps_set);
	if ((irq_cpu >= 0 && !irq_list) || !rps_list) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; irq_list && irqs && r == 0 && i < st->count; i++) {
		const struct vxoff__knob *k = &st->knobs[i];

		if (k->kind != VXOFF_KNOB_IRQ_AFFINITY || !dev_is(k, dev) || !rx_irq(k))
			continue;
		snprintf(reason, sizeof(reason),
			 "receive interrupt and its softirq (driver, GRO, VXLAN decap) on CPU %s, "
			 "the application on CPU %s: a different core of the same NUMA node, so "
			 "the two halves of the receive path run in parallel",
			 irq_list, app_list);
		r = want(b, k, irq_list, reason,
			 "the receive core no longer also does the copy to the application: up "
			 "to about 2x on a CPU-bound single stream");
	}
	for (uint32_t i = 0; r == 0 && i < st->count; i++) {
		const struct vxoff__knob *k = &st->knobs[i];

		if (k->kind != VXOFF_KNOB_RPS_CPUS || !dev_is(k, dev))
			continue;
		if (!irqs && irq_cpu >= 0)
			snprintf(
				reason, sizeof(reason),
				"%s has no interrupts to move: RPS hands its receive processing to "
				"CPU %s, away from the application on CPU %s",
				dev, rps_list, app_list);
		else if (*rps_list)
			snprintf(reason, sizeof(reason),
				 "protocol processing to CPU %s, neither the interrupt's core nor "
				 "the application's (%s): a third stage of the pipeline",
				 rps_list, app_list);
		else
			snprintf(reason, sizeof(reason),
				 "no third core on this node: RPS off, so packets are not bounced "
				 "onto the application's core (%s)",
				 app_list);
		r = want(b, k, rps_list, reason,
			 *rps_list ? "receive work in parallel with the application's copy"
				   : "no cross-CPU hand-off per packet");
	}
	if (r == 0)
		r = plan_gro(b, dev);
	for (uint32_t i = 0; r == 0 && i < b->in->n_overlays; i++)
		r = plan_gro(b, b->in->overlays[i].name);
	if (r == 0)
		r = plan_mtu(b);
	if (r == 0)
		r = plan_tunnel_port(b);
out:
	free(app_list);
	free(irq_list);
	free(rps_list);
	return r;
}

/* One CPU per physical core of the node, ascending. */
static uint32_t core_cpus(const struct builder *b, uint32_t *out)
{
	struct cpuset seen = { { 0 } };
	uint32_t n = 0;

	for (uint32_t i = 0; i < b->ncands; i++) {
		if (core_in(b, b->cands[i], &seen))
			continue;
		cs_set(&seen, b->cands[i]);
		out[n++] = b->cands[i];
	}
	return n;
}

/* Prefix of the device's IRQ queue names: "combined" or "rx". */
static const char *irq_prefix(const struct builder *b)
{
	const struct vxoff_tune_state *st = b->in->st;

	for (uint32_t i = 0; st && i < st->count; i++) {
		const struct vxoff__knob *k = &st->knobs[i];

		if (k->kind == VXOFF_KNOB_IRQ_AFFINITY && dev_is(k, b->in->dev) && k->key &&
		    strncmp(k->key, "combined-", 9) == 0)
			return "combined";
	}
	return "rx";
}

static uint32_t knob_u32(const struct vxoff__knob *k)
{
	return k && k->value ? (uint32_t)strtoul(k->value, NULL, 10) : 0;
}

/* Plan the channel count of @key ("combined", "rx", "tx"); *ret the count after the plan. */
static int plan_channels(struct builder *b, const char *key, uint32_t ncores, uint32_t *ret)
{
	const char *dev = b->in->dev;
	const struct vxoff__knob *k = find(b, VXOFF_KNOB_CHANNELS, dev, key, INT64_MIN);
	const struct vxoff__knob *mx = find(b, VXOFF_KNOB_CHANNELS_MAX, dev, key, INT64_MIN);
	uint32_t max = mx && !(mx->flags & VXOFF_KNOB_F_UNSUPPORTED) ? knob_u32(mx) : 0;
	uint32_t target = ncores;
	char tgt[16], why[240];

	*ret = knob_u32(k);
	if (!k || !usable(k))
		return 0;
	if (max && target > max)
		target = max;
	if (target == 0 || target == *ret)
		return 0;
	snprintf(tgt, sizeof(tgt), "%u", target);
	snprintf(why, sizeof(why),
		 "one %s queue per physical core of the NUMA node (%u cores%s), each with its "
		 "own interrupt",
		 key, ncores, max && max < ncores ? ", capped by the device's maximum" : "");
	if (!(b->opts.flags & VXOFF_TUNE_ALLOW_CHANNELS))
		return advise(b, VXOFF_KNOB_CHANNELS, dev, key, k->value, tgt,
			      "changing channels recreates every queue and interrupt; allow it "
			      "(VXOFF_TUNE_ALLOW_CHANNELS, --allow-channels) to apply this",
			      "flows spread over every core");
	*ret = target;
	return want(b, k, tgt, why, "aggregate throughput scales with the cores used");
}

static int plan_many_flow(struct builder *b)
{
	const char *dev = b->in->dev;
	uint32_t *cores = calloc(b->ncands, sizeof(*cores));
	uint32_t ncores, nrx = 0, ntx = 0, ncomb = 0;
	bool irqs = has_irqs(b);
	char key[32], why[240];
	int r = 0;

	if (!cores)
		return -ENOMEM;
	ncores = core_cpus(b, cores);
	if (find(b, VXOFF_KNOB_CHANNELS, dev, "combined", INT64_MIN) &&
	    knob_u32(find(b, VXOFF_KNOB_CHANNELS_MAX, dev, "combined", INT64_MIN)) > 0) {
		r = plan_channels(b, "combined", ncores, &ncomb);
	} else {
		r = plan_channels(b, "rx", ncores, &nrx);
		if (r == 0)
			r = plan_channels(b, "tx", ncores, &ntx);
	}
	/* queues that exist now, when the device reports no channel counts */
	for (uint32_t i = 0; b->in->st && i < b->in->st->count; i++) {
		const struct vxoff__knob *k = &b->in->st->knobs[i];

		if (!dev_is(k, dev) || k->index < 0)
			continue;
		if (k->kind == VXOFF_KNOB_RPS_CPUS && (uint32_t)k->index + 1 > nrx && !ncomb &&
		    !find(b, VXOFF_KNOB_CHANNELS, dev, "rx", INT64_MIN))
			nrx = (uint32_t)k->index + 1;
		if (k->kind == VXOFF_KNOB_XPS_CPUS && (uint32_t)k->index + 1 > ntx && !ncomb &&
		    !find(b, VXOFF_KNOB_CHANNELS, dev, "tx", INT64_MIN))
			ntx = (uint32_t)k->index + 1;
	}
	if (ncomb) {
		nrx = ncomb;
		ntx = ncomb;
	}
	for (const char *proto = "udp4"; r == 0 && proto; proto = strcmp(proto, "udp4") == 0
								   ? "udp6" : NULL) {
		const struct vxoff__knob *k = find(b, VXOFF_KNOB_RXFH_FIELDS, dev, proto,
						   INT64_MIN);

		if (!k)
			continue;
		snprintf(why, sizeof(why),
			 "hash %s on addresses and UDP ports: VXLAN puts a per-flow source port "
			 "in the outer header, so flows between two VTEPs spread over the queues",
			 proto);
		r = want(b, k, RSS_UDP_FIELDS, why,
			 "many flows no longer land on one queue and one core");
	}
	if (irqs) {
		const char *prefix = irq_prefix(b);

		for (uint32_t q = 0; r == 0 && q < nrx && ncores; q++) {
			uint32_t c = cores[q % ncores];
			char *cl = cpu_text(c);
			const struct vxoff__knob *k;

			if (!cl) {
				r = -ENOMEM;
				break;
			}
			snprintf(key, sizeof(key), "%s-%u", prefix, q);
			snprintf(why, sizeof(why),
				 "queue %u's interrupt on CPU %u: one queue per core, on the "
				 "device's NUMA node", q, c);
			k = find(b, VXOFF_KNOB_IRQ_AFFINITY, dev, key, INT64_MIN);
			if (k)
				r = want(b, k, cl, why, "each core serves its own queue");
			else
				r = want_new(b, VXOFF_KNOB_IRQ_AFFINITY, dev, -1, key, cl, why,
					     "each core serves its own queue");
			free(cl);
		}
	} else {
		/* no IRQs (veth): RPS spreads the receive queues over the cores instead */
		for (uint32_t q = 0; r == 0 && q < nrx && ncores; q++) {
			uint32_t c = cores[q % ncores];
			char *cl = cpu_text(c);
			const struct vxoff__knob *k;

			if (!cl) {
				r = -ENOMEM;
				break;
			}
			snprintf(why, sizeof(why),
				 "%s has no interrupts: RPS sends receive queue %u to CPU %u, one "
				 "queue per core", dev, q, c);
			k = find(b, VXOFF_KNOB_RPS_CPUS, dev, NULL, q);
			if (k)
				r = want(b, k, cl, why, "receive work spread over the cores");
			else
				r = want_new(b, VXOFF_KNOB_RPS_CPUS, dev, (int32_t)q, NULL, cl, why,
					     "receive work spread over the cores");
			free(cl);
		}
	}
	for (uint32_t q = 0; r == 0 && q < ntx && ncores; q++) {
		uint32_t c = cores[q % ncores];
		char *cl = cpu_text(c);
		const struct vxoff__knob *k = find(b, VXOFF_KNOB_XPS_CPUS, dev, NULL, q);

		if (!cl) {
			r = -ENOMEM;
			break;
		}
		if (k && (k->flags & VXOFF_KNOB_F_UNSUPPORTED)) {
			free(cl);
			break; /* a single TX queue: nothing to map */
		}
		snprintf(why, sizeof(why),
			 "transmit queue %u for CPU %u: a sender on that core uses its own queue "
			 "and its completions stay local", q, c);
		if (k)
			r = want(b, k, cl, why, "no transmit lock shared between cores");
		else
			r = want_new(b, VXOFF_KNOB_XPS_CPUS, dev, (int32_t)q, NULL, cl, why,
				     "no transmit lock shared between cores");
		free(cl);
	}
	if (r == 0)
		r = plan_gro(b, dev);
	for (uint32_t i = 0; r == 0 && i < b->in->n_overlays; i++)
		r = plan_gro(b, b->in->overlays[i].name);
	if (r == 0)
		r = plan_mtu(b);
	if (r == 0)
		r = plan_tunnel_port(b);
	free(cores);
	return r;
}

static int plan_latency(struct builder *b)
{
	const char *dev = b->in->dev;
	const struct vxoff__knob *k;
	int r = 0;

	k = find(b, VXOFF_KNOB_COALESCE, dev, "adaptive-rx", INT64_MIN);
	if (k)
		r = want(b, k, "off",
			 "adaptive coalescing trades latency for fewer interrupts under load",
			 "a fixed, low interrupt delay");
	k = find(b, VXOFF_KNOB_COALESCE, dev, "rx-usecs", INT64_MIN);
	if (r == 0 && k)
		r = want(b, k, "0", "interrupt at once for every received packet",
			 "up to tens of microseconds less per packet");
	k = find(b, VXOFF_KNOB_GRO_FLUSH_TIMEOUT, dev, NULL, -1);
	if (r == 0 && k)
		r = want(b, k, "0", "no deferred GRO flush: packets go up the stack at once",
			 "no added hold time");
	k = find(b, VXOFF_KNOB_DEFER_HARD_IRQS, dev, NULL, -1);
	if (r == 0 && k)
		r = want(b, k, "0", "interrupts are not deferred", "no added hold time");
	for (const char *key = "net.core.busy_read"; r == 0 && key;
	     key = strcmp(key, "net.core.busy_read") == 0 ? "net.core.busy_poll" : NULL) {
		const struct vxoff_tune_state *st = b->in->st;
		const struct vxoff__knob *s = NULL;

		for (uint32_t i = 0; st && i < st->count; i++)
			if (st->knobs[i].kind == VXOFF_KNOB_SYSCTL && key_is(&st->knobs[i], key))
				s = &st->knobs[i];
		if (s)
			r = want(b, s, BUSY_POLL_USECS,
				 "the application polls the device queue for up to 50 us instead "
				 "of sleeping until the interrupt",
				 "lower latency at the price of CPU (inflates CPU-s/GB)");
		else
			r = advise(b, VXOFF_KNOB_SYSCTL, NULL, key, NULL, BUSY_POLL_USECS,
				   "this sysctl is global (initial namespace only), so tune does "
				   "not set it: use SO_BUSY_POLL on the application's sockets",
				   "lower latency at the price of CPU");
	}
	return r;
}

int vxoff__tune_plan_build(struct vxoff_ctx *ctx, const struct vxoff__plan_input *in,
			   struct vxoff_tune_plan **ret)
{
	struct builder *b;
	int r;

	if (!in || !in->dev || !in->opts || !in->st || !in->topo || !ret)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "planning: missing input");
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ctx = ctx;
	b->in = in;
	r = vxoff__copy_in(&b->opts, sizeof(b->opts), in->opts, VXOFF_TUNE_PLAN_OPTS_SZ_0_1);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
			       "planning %s: bad vxoff_tune_plan_opts size", in->dev);
		goto out;
	}
	if (b->opts.flags & ~(VXOFF_TUNE_ALLOW_MTU | VXOFF_TUNE_ALLOW_CHANNELS)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "planning %s: unknown flags 0x%x",
			       in->dev, b->opts.flags);
		goto out;
	}
	if (!vxoff_profile_name(b->opts.profile)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "planning %s: unknown profile %u (single-stream, many-flow, "
			       "latency)", in->dev, b->opts.profile);
		goto out;
	}
	r = load_topology(b);
	if (r == 0)
		r = load_app_cpus(b);
	if (r == 0)
		r = choose_node(b);
	if (r < 0)
		goto out;
	r = vxoff_tune_plan_empty(&b->plan);
	if (r < 0)
		goto out;
	b->plan->profile = b->opts.profile;
	b->plan->dev = strdup(in->dev);
	if (!b->plan->dev) {
		r = -ENOMEM;
		goto out;
	}
	switch (b->opts.profile) {
	case VXOFF_PROFILE_SINGLE_STREAM:
		r = plan_single_stream(b);
		break;
	case VXOFF_PROFILE_MANY_FLOW:
		r = plan_many_flow(b);
		break;
	default:
		r = plan_latency(b);
		break;
	}
	if (r == 0) {
		*ret = b->plan;
		b->plan = NULL;
	} else if (r == -ENOMEM) {
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "planning %s: out of memory",
			       in->dev);
	}
out:
	vxoff_tune_plan_free(b->plan);
	free(b->cpus);
	free(b->cands);
	free(b);
	return r;
}

/* ---- gathering the input from the system ---- */

/* Append every knob of @from to @to. */
static int state_merge(struct vxoff_tune_state *to, const struct vxoff_tune_state *from)
{
	for (uint32_t i = 0; from && i < from->count; i++) {
		const struct vxoff__knob *k = &from->knobs[i];
		int r = vxoff__tune_state_add(to, k->kind, k->dev, k->index, k->key, k->value,
					      k->flags);

		if (r < 0)
			return r;
	}
	return 0;
}

struct overlays {
	struct vxoff__plan_overlay *v;
	char **names;
	uint32_t n;
};

static void overlays_free(struct overlays *o)
{
	for (uint32_t i = 0; i < o->n; i++)
		free(o->names[i]);
	free(o->names);
	free(o->v);
}

static int overlay_add(struct overlays *o, const struct vxoff_link_info *li)
{
	struct vxoff__plan_overlay *v = realloc(o->v, (o->n + 1) * sizeof(*v));
	char **names;

	if (!v)
		return -ENOMEM;
	o->v = v;
	names = realloc(o->names, (o->n + 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	o->names = names;
	o->names[o->n] = strdup(li->ifname);
	if (!o->names[o->n])
		return -ENOMEM;
	o->v[o->n] = (struct vxoff__plan_overlay){ .name = o->names[o->n],
						   .family = li->vxlan_family,
						   .port = li->vxlan_port };
	o->n++;
	return 0;
}

/*
 * The VXLAN devices on @dev (or the one named), from the probe. A probe that fails (a fake
 * sysfs tree, a kernel without the item) leaves the list empty: the overlays are then simply
 * not tuned, which the plan's items show.
 */
static void find_overlays(struct vxoff_ctx *ctx, const char *dev, const char *only,
			  uint32_t *max_mtu, struct overlays *o)
{
	VXOFF_OPTS(vxoff_probe_opts, po, .items = 1u << VXOFF_ITEM_LINK);
	struct vxoff_devlist *list = NULL;
	uint32_t ifindex = 0;

	if (vxoff_probe_all(ctx, &po, &list) < 0)
		return;
	for (uint32_t i = 0; i < vxoff_devlist_count(list); i++) {
		const struct vxoff_devinfo *di;
		VXOFF_OUT(vxoff_link_info, li);

		if (vxoff_devlist_get(list, i, &di) == 0 && vxoff_devinfo_link(di, &li) == 0 &&
		    strcmp(li.ifname, dev) == 0) {
			ifindex = li.ifindex;
			if (li.present & VXOFF_LINK_HAS_MAX_MTU)
				*max_mtu = li.max_mtu;
		}
	}
	for (uint32_t i = 0; i < vxoff_devlist_count(list); i++) {
		const struct vxoff_devinfo *di;
		VXOFF_OUT(vxoff_link_info, li);

		if (vxoff_devlist_get(list, i, &di) < 0 || vxoff_devinfo_link(di, &li) < 0 ||
		    !(li.present & VXOFF_LINK_HAS_VXLAN))
			continue;
		if (only ? strcmp(li.ifname, only) != 0
			 : (ifindex == 0 || li.underlay_ifindex != ifindex))
			continue;
		if (overlay_add(o, &li) < 0)
			break;
	}
	vxoff_devlist_free(list);
}

VXOFF_API int vxoff_tune_plan_new(struct vxoff_ctx *ctx, const char *dev,
				  const struct vxoff_tune_plan_opts *opts,
				  struct vxoff_tune_plan **ret)
{
	struct vxoff_tune_plan_opts o;
	struct vxoff_topology *topo = NULL;
	struct vxoff_tune_state *st = NULL;
	struct overlays ov = { 0 };
	uint32_t max_mtu = 0, rflags;
	int32_t node = -1;
	int r;

	/* No ctx_enter here: this gathers through other public calls, each entering itself. */
	if (!ctx)
		return -EINVAL;
	if (!dev || !*dev || !opts || !ret)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "vxoff_tune_plan_new: device, options and result are required");
	r = vxoff__copy_in(&o, sizeof(o), opts, VXOFF_TUNE_PLAN_OPTS_SZ_0_1);
	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				  "planning %s: bad vxoff_tune_plan_opts size", dev);
	if (!vxoff_profile_name(o.profile))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "planning %s: unknown profile %u (single-stream, many-flow, "
				  "latency)", dev, o.profile);
	rflags = o.profile == VXOFF_PROFILE_LATENCY ? VXOFF_TUNE_READ_F_SYSCTLS : 0;
	r = vxoff_topology_read(ctx, &topo);
	if (r < 0)
		goto out;
	r = vxoff_tune_read(ctx, dev, rflags, &st);
	if (r < 0)
		goto out;
	r = vxoff_device_numa_node(ctx, dev, &node);
	if (r < 0)
		node = -1; /* a device without a node is planned on every online CPU */
	find_overlays(ctx, dev, o.overlay, &max_mtu, &ov);
	for (uint32_t i = 0; i < ov.n; i++) {
		struct vxoff_tune_state *os = NULL;

		if (vxoff_tune_read(ctx, ov.v[i].name, 0, &os) == 0)
			r = state_merge(st, os);
		vxoff_tune_state_free(os);
		if (r < 0)
			goto out;
	}
	struct vxoff__plan_input in = { .dev = dev, .opts = &o, .st = st, .topo = topo,
					.dev_node = node, .max_mtu = max_mtu,
					.overlays = ov.v, .n_overlays = ov.n };

	if (vxoff__ctx_enter(ctx) < 0) {
		r = -EBUSY;
		goto out;
	}
	r = vxoff__tune_plan_build(ctx, &in, ret);
	vxoff__ctx_leave(ctx);
out:
	overlays_free(&ov);
	vxoff_tune_state_free(st);
	vxoff_topology_free(topo);
	return r;
}

/* ---- JSON ---- */

uint32_t vxoff__knob_kind_from_name(const char *name)
{
	for (uint32_t k = 1; k < VXOFF_KNOB_KIND_COUNT; k++)
		if (strcmp(vxoff_knob_kind_name(k), name) == 0)
			return k;
	return 0;
}

static int add_str(struct json_object *o, const char *name, const char *v)
{
	struct json_object *s = v ? json_object_new_string(v) : json_object_new_null();

	if (v && !s)
		return -ENOMEM;
	return json_object_object_add(o, name, s) < 0 ? -ENOMEM : 0;
}

static int add_int(struct json_object *o, const char *name, int64_t v)
{
	struct json_object *n = json_object_new_int64(v);

	if (!n || json_object_object_add(o, name, n) < 0) {
		json_object_put(n);
		return -ENOMEM;
	}
	return 0;
}

VXOFF_API int vxoff_tune_plan_json(const struct vxoff_tune_plan *plan, uint32_t flags,
				   char **ret)
{
	struct json_object *root, *items;
	int r = 0;

	if (!plan || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	root = json_object_new_object();
	items = json_object_new_array();
	if (!root || !items) {
		json_object_put(root);
		json_object_put(items);
		return -ENOMEM;
	}
	r |= add_str(root, "schema", PLAN_SCHEMA_PREFIX "1");
	r |= add_str(root, "profile", vxoff_profile_name(plan->profile));
	r |= add_str(root, "device", plan->dev);
	for (uint32_t i = 0; r == 0 && i < plan->count; i++) {
		const struct vxoff__plan_item *it = &plan->items[i];
		struct json_object *o = json_object_new_object();

		if (!o || json_object_array_add(items, o) < 0) {
			json_object_put(o);
			r = -ENOMEM;
			break;
		}
		r |= add_str(o, "kind", vxoff_knob_kind_name(it->k.kind));
		r |= add_str(o, "dev", it->k.dev);
		r |= add_int(o, "index", it->k.index);
		r |= add_str(o, "key", it->k.key);
		r |= add_str(o, "current", it->current);
		r |= add_str(o, "target", it->k.value);
		r |= add_int(o, "stage", vxoff_knob_stage(it->k.kind));
		r |= json_object_object_add(
			o, "advice",
			json_object_new_boolean((it->flags & VXOFF_PLAN_F_ADVICE) != 0));
		r |= add_str(o, "reason", it->reason);
		r |= add_str(o, "gain", it->gain);
	}
	if (json_object_object_add(root, "items", items) < 0) {
		json_object_put(items);
		r = -ENOMEM;
	}
	if (r == 0) {
		int jf = JSON_C_TO_STRING_NOSLASHESCAPE;
		const char *s;

		if (flags & VXOFF_JSON_PRETTY)
			jf |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
		s = json_object_to_json_string_ext(root, jf);
		*ret = s ? strdup(s) : NULL;
		if (!*ret)
			r = -ENOMEM;
	} else {
		r = -ENOMEM;
	}
	json_object_put(root);
	return r;
}

int vxoff__json_member(struct vxoff_ctx *ctx, const char *path, struct json_object *o,
		       const char *name, int type, bool opt, struct json_object **ret)
{
	json_type t = (json_type)type;
	struct json_object *m = NULL;

	*ret = NULL;
	if (!json_object_object_get_ex(o, name, &m) || json_object_is_type(m, json_type_null)) {
		if (opt)
			return 0;
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: member \"%s\" is missing",
				  path, name);
	}
	if (!json_object_is_type(m, t))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "%s: member \"%s\" has the wrong type (%s expected)", path, name,
				  json_type_to_name(t));
	*ret = m;
	return 0;
}

int vxoff__json_schema(struct vxoff_ctx *ctx, const char *path, struct json_object *root,
			const char *prefix, int max_version)
{
	struct json_object *m = NULL;
	const char *s;
	char *end;
	long v;
	int r = vxoff__json_member(ctx, path, root, "schema", json_type_string, false, &m);

	if (r < 0)
		return r;
	s = json_object_get_string(m);
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "%s: schema \"%s\" is not %s*", path, s, prefix);
	errno = 0;
	v = strtol(s + strlen(prefix), &end, 10);
	if (errno || *end || end == s + strlen(prefix) || v < 1)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: bad schema \"%s\"", path,
				  s);
	if (v > max_version)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "%s: schema \"%s\" is from a newer vxoff (this one reads up to "
				  "%s%d)", path, s, prefix, max_version);
	return 0;
}

VXOFF_API int vxoff_tune_plan_load(struct vxoff_ctx *ctx, const char *path,
				   struct vxoff_tune_plan **ret)
{
	struct json_object *root = NULL, *items = NULL, *m = NULL;
	struct vxoff_tune_plan *plan = NULL;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!path || !ret) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_tune_plan_load: no path");
		goto out;
	}
	root = json_object_from_file(path);
	if (!root) {
		FILE *f = fopen(path, "r");

		if (!f) {
			r = vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "plan %s: %s", path,
				       strerror(errno));
			goto out;
		}
		fclose(f);
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
			       "plan %s: not JSON, or truncated", path);
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "plan %s: not a JSON object",
			       path);
		goto out;
	}
	r = vxoff__json_schema(ctx, path, root, PLAN_SCHEMA_PREFIX, PLAN_SCHEMA_VERSION);
	if (r == 0)
		r = vxoff__json_member(ctx, path, root, "items", json_type_array, false, &items);
	if (r == 0)
		r = vxoff_tune_plan_empty(&plan);
	if (r < 0)
		goto out;
	if (vxoff__json_member(ctx, path, root, "profile", json_type_string, true, &m) == 0 && m) {
		uint32_t p;

		if (vxoff_profile_from_name(json_object_get_string(m), &p) == 0)
			plan->profile = p;
	}
	if (vxoff__json_member(ctx, path, root, "device", json_type_string, true, &m) == 0 && m) {
		plan->dev = strdup(json_object_get_string(m));
		if (!plan->dev) {
			r = -ENOMEM;
			goto out;
		}
	}
	vxoff__err_clear(ctx);
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		struct json_object *kind = NULL, *dev = NULL, *index = NULL, *key = NULL;
		struct json_object *target = NULL, *reason = NULL, *gain = NULL, *adv = NULL;
		struct vxoff__knob k = { 0 };
		char where[64];

		snprintf(where, sizeof(where), "plan %s item %zu", path, i);
		if (!json_object_is_type(it, json_type_object)) {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: not an object",
				       where);
			goto out;
		}
		r = vxoff__json_member(ctx, where, it, "kind", json_type_string, false, &kind);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "dev", json_type_string, true, &dev);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "index", json_type_int, false,
					       &index);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "key", json_type_string, true, &key);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "target", json_type_string, false,
					       &target);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "reason", json_type_string, true,
					       &reason);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "gain", json_type_string, true,
					       &gain);
		if (r == 0)
			r = vxoff__json_member(ctx, where, it, "advice", json_type_boolean, true,
					       &adv);
		if (r < 0)
			goto out;
		k.kind = vxoff__knob_kind_from_name(json_object_get_string(kind));
		if (k.kind == 0) {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				       "%s: member \"kind\": unknown kind \"%s\"", where,
				       json_object_get_string(kind));
			goto out;
		}
		int64_t ix = json_object_get_int64(index);

		if (ix < -1 || ix > INT32_MAX) {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				       "%s: member \"index\" out of range", where);
			goto out;
		}
		k.index = (int32_t)ix;
		k.dev = dev ? (char *)json_object_get_string(dev) : NULL;
		k.key = key ? (char *)json_object_get_string(key) : NULL;
		k.value = (char *)json_object_get_string(target);
		r = vxoff__plan_put(plan, &k, NULL, reason ? json_object_get_string(reason) : "",
				    gain ? json_object_get_string(gain) : "",
				    adv && json_object_get_boolean(adv) ? VXOFF_PLAN_F_ADVICE : 0);
		if (r < 0)
			goto out;
	}
	*ret = plan;
	plan = NULL;
out:
	if (r == -ENOMEM)
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "plan %s: out of memory", path);
	vxoff_tune_plan_free(plan);
	json_object_put(root);
	vxoff__ctx_leave(ctx);
	return r;
}
