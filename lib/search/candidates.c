/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The candidates of a search, built once from both ends' knobs as they are at the start.
 *
 * One knob or one coherent group each, only knobs the device can change, only items whose
 * value differs. The expected gains are priors from the veth + VXLAN measurements in
 * measurement-and-tuning.md section 4 and from the recipes of its section 3: they decide the
 * order (the likely big wins first, so that a short budget spends itself on them), never the
 * outcome, which the A/B pairs decide.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/search_internal.h"

#define SOCKBUF_MAX 16777216u /* tuned's network-throughput maximum */

struct builder {
	struct vxoff_search *s;
	struct vxoff_tune_state *st[2][2]; /* [end][0 underlay, 1 overlay] */
	struct vxoff__search_cand *c;	   /* the candidate being built */
	struct vxoff_tune_state *sys[2];   /* sysctls, read with the underlay */
};

void vxoff__search_cand_clear(struct vxoff__search_cand *c)
{
	free(c->name);
	free(c->change);
	for (int e = 0; e < 2; e++) {
		vxoff_tune_plan_free(c->plan[e]);
		free(c->cpus[e]);
	}
	memset(c, 0, sizeof(*c));
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The writable knob of @st with this kind, index and key; NULL if none. */
static bool find(const struct vxoff_tune_state *st, uint32_t kind, int32_t index, const char *key,
		 struct vxoff_knob *out)
{
	uint32_t n = vxoff_tune_state_count(st);

	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_knob, k);

		if (vxoff_tune_state_get(st, i, &k) < 0 || k.kind != kind || k.index != index ||
		    !same(k.key, key))
			continue;
		if (k.flags &
		    (VXOFF_KNOB_F_READONLY | VXOFF_KNOB_F_UNSUPPORTED | VXOFF_KNOB_F_FIXED))
			return false;
		*out = k;
		return true;
	}
	return false;
}

/* Whether the device of @st has a NAPI instance now (tune lists one knob per NAPI, or one
 * marked unsupported when there is none). A veth without GRO has none, and writing its
 * threaded switch fails with EOPNOTSUPP. */
static bool has_napi(const struct vxoff_tune_state *st)
{
	uint32_t n = vxoff_tune_state_count(st);

	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_knob, k);

		if (vxoff_tune_state_get(st, i, &k) == 0 && k.kind == VXOFF_KNOB_NAPI_THREADED &&
		    !(k.flags & VXOFF_KNOB_F_UNSUPPORTED))
			return true;
	}
	return false;
}

/* Append "what" to the candidate's description. */
static int describe(struct vxoff__search_cand *c, const char *what)
{
	size_t old = c->change ? strlen(c->change) : 0, len = strlen(what);
	char *p = realloc(c->change, old + len + 3);

	if (!p)
		return -ENOMEM;
	if (old) {
		p[old++] = ',';
		p[old++] = ' ';
	}
	memcpy(p + old, what, len + 1);
	c->change = p;
	return 0;
}

/*
 * Add "knob -> value" to the candidate's plan for @end when the knob exists, is writable and
 * holds another value. Returns 1 added, 0 not applicable, -ENOMEM.
 */
static int want(struct builder *b, uint32_t end, int overlay, uint32_t kind, int32_t index,
		const char *key, const char *value, const char *reason)
{
	const struct vxoff_tune_state *st =
		kind == VXOFF_KNOB_SYSCTL ? b->sys[end] : b->st[end][overlay];
	VXOFF_OUT(vxoff_knob, k);
	char what[160];
	int r;

	if (!st || !find(st, kind, index, key, &k) || same(k.value, value))
		return 0;
	if (!b->c->plan[end] && vxoff_tune_plan_empty(&b->c->plan[end]) < 0)
		return -ENOMEM;
	snprintf(what, sizeof(what), "%s%s%s%s%s %s -> %s on the %s", vxoff_knob_kind_name(kind),
		 k.dev ? " " : "", k.dev ? k.dev : "", k.key ? " " : "", k.key ? k.key : "",
		 k.value[0] ? k.value : "(none)", value[0] ? value : "(none)",
		 end == VXOFF_SEARCH_END_SENDER ? "sender" : "receiver");
	k.value = value;
	r = vxoff_tune_plan_add(b->c->plan[end], &k, reason);
	if (r < 0)
		return r;
	r = describe(b->c, what);
	return r < 0 ? r : 1;
}

static bool skipped(const struct vxoff_search *s, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = s->skip; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == len && !strncmp(p, name, len))
			return true;
		p = e ? e + 1 : p + l;
	}
	return false;
}

static int start(struct builder *b, const char *name, double expected)
{
	struct vxoff__search_cand *c;
	struct vxoff_search *s = b->s;

	c = vxoff__grow(s->cands, &s->ncands_cap, s->ncands, sizeof(*c));
	if (!c)
		return -ENOMEM;
	s->cands = c;
	c = &s->cands[s->ncands];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	c->expected = expected;
	b->c = c;
	return c->name ? 0 : -ENOMEM;
}

/* Keep the candidate if it changes something and is not on the skip list. */
static void finish(struct builder *b)
{
	struct vxoff__search_cand *c = b->c;

	if (c->change && !skipped(b->s, c->name))
		b->s->ncands++;
	else
		vxoff__search_cand_clear(c);
	b->c = NULL;
}

/* First and last CPU of a cpulist ("0-3,8" -> 0 and 8). */
static int cpulist_ends(const char *list, long *first, long *last)
{
	const char *p = list + strlen(list);
	char *end;

	*first = strtol(list, &end, 10);
	if (end == list)
		return -EINVAL;
	while (p > list && (p[-1] < '0' || p[-1] > '9'))
		p--;
	while (p > list && p[-1] >= '0' && p[-1] <= '9')
		p--;
	*last = strtol(p, NULL, 10);
	return 0;
}

/* "min default max" with max raised to SOCKBUF_MAX; 0 when it is there already or odd. */
static int sockbuf_value(const struct vxoff_tune_state *st, const char *key, char *buf,
			 size_t len)
{
	VXOFF_OUT(vxoff_knob, k);
	unsigned long v[3];
	const char *p;
	char *end;

	if (!st || !find(st, VXOFF_KNOB_SYSCTL, -1, key, &k))
		return 0;
	p = k.value;
	for (int i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || end == p)
			return 0;
		p = end;
	}
	if (v[2] >= SOCKBUF_MAX)
		return 0;
	snprintf(buf, len, "%lu %lu %u", v[0], v[1], SOCKBUF_MAX);
	return 1;
}

static int build(struct builder *b)
{
	struct vxoff_search *s = b->s;
	const uint32_t S = VXOFF_SEARCH_END_SENDER, R = VXOFF_SEARCH_END_RECEIVER;
	bool peer = s->end[R].ctx != NULL;
	int r;

	/* Tunnel TSO on the sender: without it the kernel segments in software (about 3x CPU
	 * per byte on the testbed). A NIC that cannot has the feature fixed and is skipped. */
	if ((r = start(b, "tnl-offload", 3.0)) < 0 ||
	    (r = want(b, S, 0, VXOFF_KNOB_FEATURE, -1, "tx-udp_tnl-segmentation", "on",
		      "TSO for VXLAN-encapsulated TCP")) < 0 ||
	    (r = want(b, S, 0, VXOFF_KNOB_FEATURE, -1, "tx-udp_tnl-csum-segmentation", "on",
		      "TSO for VXLAN with outer UDP checksums")) < 0)
		return r;
	finish(b);

	/* Jumbo MTU on both ends, underlay and overlay together (tune orders the writes). */
	if ((s->flags & VXOFF_SEARCH_F_ALLOW_MTU) && peer && s->end[S].overlay &&
	    s->end[R].overlay) {
		VXOFF_OUT(vxoff_knob, u);
		VXOFF_OUT(vxoff_knob, o);
		uint32_t hdr = 50;
		char um[16], om[16];

		/* keep the encapsulation overhead the tunnel has now (70 for an IPv6 outer) */
		if (b->st[S][0] && b->st[S][1] && find(b->st[S][0], VXOFF_KNOB_MTU, -1, NULL, &u) &&
		    find(b->st[S][1], VXOFF_KNOB_MTU, -1, NULL, &o)) {
			long d = strtol(u.value, NULL, 10) - strtol(o.value, NULL, 10);

			if (d >= 50 && d <= 100)
				hdr = (uint32_t)d;
		}
		snprintf(um, sizeof(um), "%u", s->jumbo_mtu);
		snprintf(om, sizeof(om), "%u", s->jumbo_mtu - hdr);
		if ((r = start(b, "mtu-jumbo", 2.0)) < 0)
			return r;
		for (uint32_t e = 0; e < 2; e++)
			if ((r = want(b, e, 0, VXOFF_KNOB_MTU, -1, NULL, um,
				      "jumbo underlay: fewer packets per byte")) < 0 ||
			    (r = want(b, e, 1, VXOFF_KNOB_MTU, -1, NULL, om,
				      "overlay MTU = underlay - VXLAN encapsulation")) < 0)
				return r;
		finish(b);
	}

	/* Receive GRO on the receiving underlay (veth: emulates NIC GRO, gives it NAPI). */
	if ((r = start(b, "gro-receiver", 1.3)) < 0 ||
	    (r = want(b, R, 0, VXOFF_KNOB_FEATURE, -1, "rx-gro", "on",
		      "aggregate received segments")) < 0)
		return r;
	finish(b);
	if ((r = start(b, "gro-fwd-receiver", 1.1)) < 0 ||
	    (r = want(b, R, 0, VXOFF_KNOB_FEATURE, -1, "rx-udp-gro-forwarding", "on",
		      "GRO of the outer UDP packets before decapsulation")) < 0)
		return r;
	finish(b);

	/* Bench threads apart: client on the first online CPU, server on the last. */
	{
		struct vxoff_topology *topo = NULL;
		long first, last;
		char cpu[2][48];

		if (vxoff_topology_read(s->end[S].ctx, &topo) == 0 &&
		    cpulist_ends(vxoff_topology_online(topo), &first, &last) == 0 &&
		    first != last) {
			snprintf(cpu[0], sizeof(cpu[0]), "%ld", first);
			snprintf(cpu[1], sizeof(cpu[1]), "%ld", last);
			if ((r = start(b, "pin", 1.1)) < 0) {
				vxoff_topology_free(topo);
				return r;
			}
			b->c->cpus[0] = strdup(cpu[0]);
			b->c->cpus[1] = strdup(cpu[1]);
			if (!b->c->cpus[0] || !b->c->cpus[1] ||
			    asprintf(&b->c->change, "bench client on CPU %s, server on CPU %s",
				     cpu[0], cpu[1]) < 0) {
				b->c->change = NULL;
				vxoff_topology_free(topo);
				return -ENOMEM;
			}
			finish(b);
			/* RPS on the receiving underlay to the CPUs other than the server's */
			snprintf(cpu[0], sizeof(cpu[0]), "%ld-%ld", first, last - 1);
			if (first == last - 1)
				snprintf(cpu[0], sizeof(cpu[0]), "%ld", first);
			if ((r = start(b, "rps-receiver", 1.05)) < 0 ||
			    (r = want(b, R, 0, VXOFF_KNOB_RPS_CPUS, 0, NULL, cpu[0],
				      "receive work off the application's CPU")) < 0) {
				vxoff_topology_free(topo);
				return r;
			}
			finish(b);
		}
		vxoff_topology_free(topo);
	}

	if (b->st[R][0] && has_napi(b->st[R][0])) {
		if ((r = start(b, "threaded-napi-receiver", 1.05)) < 0 ||
		    (r = want(b, R, 0, VXOFF_KNOB_THREADED, -1, NULL, "1",
			      "NAPI in a kthread the scheduler can place")) < 0)
			return r;
		finish(b);
	}

	if ((r = start(b, "coalesce-receiver", 1.03)) < 0 ||
	    (r = want(b, R, 0, VXOFF_KNOB_COALESCE, -1, "adaptive-rx", "on",
		      "adaptive interrupt coalescing")) < 0)
		return r;
	finish(b);

	/* Socket buffer maxima on both ends (per-namespace sysctls). */
	if ((r = start(b, "sockbuf", 1.02)) < 0)
		return r;
	for (uint32_t e = 0; e < 2; e++) {
		char v[64];

		if (sockbuf_value(b->sys[e], "net.ipv4.tcp_rmem", v, sizeof(v)) &&
		    (r = want(b, e, 0, VXOFF_KNOB_SYSCTL, -1, "net.ipv4.tcp_rmem", v,
			      "receive window up to 16 MiB")) < 0)
			return r;
		if (sockbuf_value(b->sys[e], "net.ipv4.tcp_wmem", v, sizeof(v)) &&
		    (r = want(b, e, 0, VXOFF_KNOB_SYSCTL, -1, "net.ipv4.tcp_wmem", v,
			      "send buffer up to 16 MiB")) < 0)
			return r;
	}
	finish(b);

	/* Channels: one more queue set on the receiver, only when allowed (it recreates NAPI
	 * instances and IRQs). */
	if (s->flags & VXOFF_SEARCH_F_ALLOW_CHANNELS) {
		VXOFF_OUT(vxoff_knob, cur);
		VXOFF_OUT(vxoff_knob, max);
		const struct vxoff_tune_state *st = b->st[R][0];
		static const char *const keys[] = {"combined", "rx"};

		for (size_t i = 0; st && i < 2; i++) {
			char v[24];
			unsigned long c, m;

			if (!find(st, VXOFF_KNOB_CHANNELS, -1, keys[i], &cur))
				continue;
			/* the maximum is read-only: look it up without the writable filter */
			for (uint32_t j = 0, n = vxoff_tune_state_count(st); j < n; j++) {
				VXOFF_OUT(vxoff_knob, k);

				if (vxoff_tune_state_get(st, j, &k) == 0 &&
				    k.kind == VXOFF_KNOB_CHANNELS_MAX && same(k.key, keys[i]) &&
				    !(k.flags & VXOFF_KNOB_F_UNSUPPORTED))
					max = k;
			}
			if (!max.value)
				continue;
			c = strtoul(cur.value, NULL, 10);
			m = strtoul(max.value, NULL, 10);
			if (m <= c)
				continue;
			snprintf(v, sizeof(v), "%lu", m);
			if ((r = start(b, "channels-receiver", 1.02)) < 0 ||
			    (r = want(b, R, 0, VXOFF_KNOB_CHANNELS, -1, keys[i], v,
				      "every queue the device has")) < 0)
				return r;
			finish(b);
			break;
		}
	}
	return 0;
}

static int cmp_expected(const void *a, const void *b)
{
	const struct vxoff__search_cand *x = a, *y = b;

	return (x->expected < y->expected) - (x->expected > y->expected);
}

int vxoff__search_candidates(struct vxoff_search *s)
{
	struct builder b = {.s = s};
	int r = 0;

	for (uint32_t e = 0; e < 2 && r == 0; e++) {
		struct vxoff__search_end *end = &s->end[e];

		if (!end->ctx)
			continue;
		r = vxoff_tune_read(end->ctx, end->dev, VXOFF_TUNE_READ_F_SYSCTLS, &b.st[e][0]);
		if (r < 0) {
			r = vxoff__err(s->ctx, r, VXOFF_REASON_NONE,
				       "search: reading %s on the %s: %s", end->dev,
				       e ? "receiver" : "sender", strerror(-r));
			break;
		}
		b.sys[e] = b.st[e][0];
		if (end->overlay &&
		    (r = vxoff_tune_read(end->ctx, end->overlay, 0, &b.st[e][1])) < 0)
			r = vxoff__err(s->ctx, r, VXOFF_REASON_NONE,
				       "search: reading %s on the %s: %s", end->overlay,
				       e ? "receiver" : "sender", strerror(-r));
	}
	if (r == 0)
		r = build(&b);
	if (b.c)
		vxoff__search_cand_clear(b.c);
	if (r == -ENOMEM)
		r = vxoff__err(s->ctx, r, VXOFF_REASON_SYSTEM, "search: out of memory");
	for (uint32_t e = 0; e < 2; e++)
		for (int i = 0; i < 2; i++)
			vxoff_tune_state_free(b.st[e][i]);
	/* stable enough: equal priors keep the order above (qsort is not stable, but no two
	 * priors are equal except by design of the list above) */
	if (r == 0 && s->ncands > 1)
		qsort(s->cands, s->ncands, sizeof(*s->cands), cmp_expected);
	return r;
}
