/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The knob table (names, stages, read-only kinds), the state object with its public getters
 * and JSON, value comparison in meaning rather than in spelling, and vxoff_tune_set().
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tune/tune_internal.h"

#define KNOB_OUT_MIN VXOFF_KNOB_SZ_0_1
/* CPU ids go up to 65535 (vxoff_cpulist_to_mask's limit): 1024 words of 64 bits */
#define SET_BITS 65536u

struct kind_info {
	const char *name;
	int stage;
	bool readonly;
};

/* Stages: 0 channels, 1 link/rings/coalescing/features, 2 RSS, 3 IRQ affinity, 4 RPS/RFS/XPS,
 * 5 NAPI, 6 sysctls: channel changes recreate queues, IRQs and NAPIs, so all else follows. */
static const struct kind_info kinds[VXOFF_KNOB_KIND_COUNT] = {
	[VXOFF_KNOB_CHANNELS] = {"channels", 0, false},
	[VXOFF_KNOB_RING] = {"ring", 1, false},
	[VXOFF_KNOB_COALESCE] = {"coalesce", 1, false},
	[VXOFF_KNOB_FEATURE] = {"feature", 1, false},
	[VXOFF_KNOB_MTU] = {"mtu", 1, false},
	[VXOFF_KNOB_LINK_SIZE] = {"link_size", 1, false},
	[VXOFF_KNOB_RSS_INDIR] = {"rss_indir", 2, false},
	[VXOFF_KNOB_RSS_KEY] = {"rss_key", 2, false},
	[VXOFF_KNOB_RXFH_FIELDS] = {"rxfh_fields", 2, false},
	[VXOFF_KNOB_IRQ_AFFINITY] = {"irq_affinity", 3, false},
	[VXOFF_KNOB_RPS_CPUS] = {"rps_cpus", 4, false},
	[VXOFF_KNOB_RPS_FLOW_CNT] = {"rps_flow_cnt", 4, false},
	[VXOFF_KNOB_XPS_CPUS] = {"xps_cpus", 4, false},
	[VXOFF_KNOB_XPS_RXQS] = {"xps_rxqs", 4, false},
	[VXOFF_KNOB_THREADED] = {"threaded", 5, false},
	[VXOFF_KNOB_NAPI_THREADED] = {"napi_threaded", 5, false},
	[VXOFF_KNOB_GRO_FLUSH_TIMEOUT] = {"gro_flush_timeout", 5, false},
	[VXOFF_KNOB_DEFER_HARD_IRQS] = {"napi_defer_hard_irqs", 5, false},
	[VXOFF_KNOB_SYSCTL] = {"sysctl", 6, false},
	[VXOFF_KNOB_TUNNEL_PORT] = {"tunnel_port", 1, true},
	[VXOFF_KNOB_CHANNELS_MAX] = {"channels_max", 0, true},
	[VXOFF_KNOB_RING_MAX] = {"ring_max", 1, true},
};

static const struct kind_info *kind_info(uint32_t kind)
{
	if (kind >= VXOFF_KNOB_KIND_COUNT || !kinds[kind].name)
		return NULL;
	return &kinds[kind];
}

const char *vxoff_knob_kind_name(uint32_t kind)
{
	const struct kind_info *ki = kind_info(kind);

	return ki ? ki->name : "unknown";
}

int vxoff_knob_stage(uint32_t kind)
{
	const struct kind_info *ki = kind_info(kind);

	return ki ? ki->stage : -EINVAL;
}

/* ---- knobs ---- */

void vxoff__knob_clear(struct vxoff__knob *k)
{
	if (!k)
		return;
	free(k->dev);
	free(k->key);
	free(k->value);
	k->dev = k->key = k->value = NULL;
}

static int dup_or_null(const char *s, char **out)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

int vxoff__knob_copy(struct vxoff__knob *dst, const struct vxoff__knob *src)
{
	struct vxoff__knob k = {.kind = src->kind, .index = src->index, .flags = src->flags};

	if (dup_or_null(src->dev, &k.dev) < 0 || dup_or_null(src->key, &k.key) < 0 ||
	    dup_or_null(src->value, &k.value) < 0) {
		vxoff__knob_clear(&k);
		return -ENOMEM;
	}
	*dst = k;
	return 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	return !strcmp(a, b);
}

bool vxoff__knob_same(const struct vxoff__knob *a, const struct vxoff__knob *b)
{
	if (a->kind != b->kind || !str_eq(a->dev, b->dev) || !str_eq(a->key, b->key))
		return false;
	/* an IRQ is found again by its queue: its number changes when channels are recreated */
	return a->kind == VXOFF_KNOB_IRQ_AFFINITY || a->index == b->index;
}

/* ---- values compared in meaning ---- */

static bool is_cpuset_kind(uint32_t kind)
{
	return kind == VXOFF_KNOB_IRQ_AFFINITY || kind == VXOFF_KNOB_RPS_CPUS ||
	       kind == VXOFF_KNOB_XPS_CPUS || kind == VXOFF_KNOB_XPS_RXQS;
}

/* A cpulist, or a hex mask when written "0x..." (the canonical text is always a list). */
static int parse_set(const char *s, uint64_t *bits)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		return vxoff__mask_parse(s, bits, SET_BITS);
	return vxoff__cpulist_parse_ex(s, bits, SET_BITS, NULL);
}

static bool sets_eq(const char *a, const char *b)
{
	uint64_t *x = calloc((size_t)2 * (SET_BITS / 64), sizeof(uint64_t)), *y;
	bool eq = false;

	if (!x)
		return false;
	y = x + SET_BITS / 64;
	if (parse_set(a, x) == 0 && parse_set(b, y) == 0)
		eq = !memcmp(x, y, (SET_BITS / 64) * sizeof(uint64_t));
	free(x);
	return eq;
}

/* on/off, yes/no, true/false, enabled/disabled or a number: -1 when it is none of those. */
static int64_t scalar(const char *s, bool *ok)
{
	static const char *const on[] = {"on", "yes", "true", "enabled"};
	static const char *const off[] = {"off", "no", "false", "disabled"};
	char buf[32], *end;
	size_t n;
	unsigned long long v;

	*ok = false;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (!strcasecmp(buf, on[i])) {
			*ok = true;
			return 1;
		}
		if (!strcasecmp(buf, off[i])) {
			*ok = true;
			return 0;
		}
	}
	if (!isdigit((unsigned char)buf[0]))
		return -1;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || *end || v > INT64_MAX)
		return -1;
	*ok = true;
	return (int64_t)v;
}

/* Token by token, tokens split at spaces, tabs, commas or colons; numeric tokens compared as
 * numbers (hex allowed with hex = true: RSS keys "6D:5a" == "6d:5a"). */
static bool tokens_eq(const char *a, const char *b, bool hex)
{
	const char *sep = " \t\n,:";

	for (;;) {
		size_t la, lb;
		char *ea, *eb;
		unsigned long long va, vb;

		a += strspn(a, sep);
		b += strspn(b, sep);
		if (!*a || !*b)
			return !*a && !*b;
		la = strcspn(a, sep);
		lb = strcspn(b, sep);
		errno = 0;
		va = strtoull(a, &ea, hex ? 16 : 10);
		vb = strtoull(b, &eb, hex ? 16 : 10);
		if (!errno && ea == a + la && eb == b + lb && la && lb) {
			if (va != vb)
				return false;
		} else if (la != lb || strncmp(a, b, la)) {
			return false;
		}
		a += la;
		b += lb;
	}
}

/* ethtool's hash-field letters as a set ("sdfn" == "dsnf"). */
static bool letters_eq(const char *a, const char *b)
{
	bool sa[256] = {false}, sb[256] = {false};

	for (; *a; a++)
		if (!isspace((unsigned char)*a))
			sa[(unsigned char)*a] = true;
	for (; *b; b++)
		if (!isspace((unsigned char)*b))
			sb[(unsigned char)*b] = true;
	return !memcmp(sa, sb, sizeof(sa));
}

bool vxoff__knob_value_eq(uint32_t kind, const char *a, const char *b)
{
	bool oka, okb;
	int64_t va, vb;

	if (!a || !b)
		return !a && !b;
	if (!strcmp(a, b))
		return true;
	if (is_cpuset_kind(kind))
		return sets_eq(a, b);
	switch (kind) {
	case VXOFF_KNOB_RXFH_FIELDS:
		return letters_eq(a, b);
	case VXOFF_KNOB_RSS_KEY:
		return tokens_eq(a, b, true);
	case VXOFF_KNOB_RSS_INDIR:
	case VXOFF_KNOB_SYSCTL:
	case VXOFF_KNOB_TUNNEL_PORT:
		return tokens_eq(a, b, false);
	default:
		break;
	}
	va = scalar(a, &oka);
	vb = scalar(b, &okb);
	if (oka && okb)
		return va == vb;
	return tokens_eq(a, b, false);
}

const char *vxoff__knob_describe(const struct vxoff__knob *k, char *buf, size_t cap)
{
	const char *name = vxoff_knob_kind_name(k->kind);
	int n;

	if (!buf || cap < 2)
		return "knob";
	switch (k->kind) {
	case VXOFF_KNOB_RPS_CPUS:
	case VXOFF_KNOB_RPS_FLOW_CNT:
		n = snprintf(buf, cap, "%s of %s rx-%d", name, k->dev ? k->dev : "?", k->index);
		break;
	case VXOFF_KNOB_XPS_CPUS:
	case VXOFF_KNOB_XPS_RXQS:
		n = snprintf(buf, cap, "%s of %s tx-%d", name, k->dev ? k->dev : "?", k->index);
		break;
	case VXOFF_KNOB_IRQ_AFFINITY:
		n = snprintf(buf, cap, "%s of %s %s (IRQ %d)", name, k->dev ? k->dev : "?",
			     k->key ? k->key : "?", k->index);
		break;
	case VXOFF_KNOB_NAPI_THREADED:
		n = snprintf(buf, cap, "%s of %s NAPI %d", name, k->dev ? k->dev : "?", k->index);
		break;
	case VXOFF_KNOB_GRO_FLUSH_TIMEOUT:
	case VXOFF_KNOB_DEFER_HARD_IRQS:
		if (k->index >= 0) {
			n = snprintf(buf, cap, "%s of %s NAPI %d", name, k->dev ? k->dev : "?",
				     k->index);
			break;
		}
		/* fall through */
	default:
		n = snprintf(buf, cap, "%s%s%s%s%s", name, k->dev ? " of " : "",
			     k->dev ? k->dev : "", k->key ? " " : "", k->key ? k->key : "");
		break;
	}
	return n < 0 ? name : buf;
}

/* ---- state ---- */

int vxoff__tune_state_add(struct vxoff_tune_state *st, uint32_t kind, const char *dev,
			  int32_t index, const char *key, const char *value, uint32_t flags)
{
	struct vxoff__knob src = {
		.kind = kind,
		.index = index,
		.flags = flags,
		.dev = (char *)dev,
		.key = (char *)key,
		.value = (char *)(value ? value : ""),
	};
	struct vxoff__knob *v = vxoff__grow(st->knobs, &st->cap, st->count, sizeof(*v));

	if (!v)
		return -ENOMEM;
	st->knobs = v;
	if (vxoff__knob_copy(&st->knobs[st->count], &src) < 0)
		return -ENOMEM;
	st->count++;
	return 0;
}

struct vxoff__knob *vxoff__tune_state_lookup(struct vxoff_tune_state *st,
					     const struct vxoff__knob *id)
{
	if (!st)
		return NULL;
	for (uint32_t i = 0; i < st->count; i++)
		if (vxoff__knob_same(&st->knobs[i], id))
			return &st->knobs[i];
	return NULL;
}

uint32_t vxoff_tune_state_count(const struct vxoff_tune_state *st)
{
	return st ? st->count : 0;
}

static int knob_out(const struct vxoff__knob *k, struct vxoff_knob *out)
{
	struct vxoff_knob o = {
		.sz = sizeof(o),
		.kind = k->kind,
		.index = k->index,
		.flags = k->flags,
		.dev = k->dev,
		.key = k->key,
		.value = k->value ? k->value : "",
	};

	return vxoff__copy_out(out, &o, sizeof(o), KNOB_OUT_MIN);
}

int vxoff_tune_state_get(const struct vxoff_tune_state *st, uint32_t idx, struct vxoff_knob *out)
{
	if (!st || !out)
		return -EINVAL;
	if (idx >= st->count)
		return -ERANGE;
	return knob_out(&st->knobs[idx], out);
}

/* A caller's knob as an internal one with borrowed strings. */
static int knob_in(const struct vxoff_knob *in, struct vxoff__knob *k)
{
	struct vxoff_knob o;
	int r = vxoff__copy_in(&o, sizeof(o), in, KNOB_OUT_MIN);

	if (r < 0)
		return r;
	*k = (struct vxoff__knob){
		.kind = o.kind,
		.index = o.index,
		.flags = o.flags,
		.dev = (char *)o.dev,
		.key = (char *)o.key,
		.value = (char *)o.value,
	};
	return 0;
}

int vxoff_tune_state_find(const struct vxoff_tune_state *st, const struct vxoff_knob *id,
			  struct vxoff_knob *out)
{
	struct vxoff__knob k;
	const struct vxoff__knob *hit;

	if (!st || !id || !out || knob_in(id, &k) < 0)
		return -EINVAL;
	hit = vxoff__tune_state_lookup((struct vxoff_tune_state *)st, &k);
	if (!hit)
		return -ENOENT;
	return knob_out(hit, out);
}

static int add_str(struct json_object *o, const char *key, const char *v)
{
	struct json_object *s = v ? json_object_new_string(v) : json_object_new_null();

	if (v && !s)
		return -ENOMEM;
	if (json_object_object_add(o, key, s) < 0) {
		json_object_put(s);
		return -ENOMEM;
	}
	return 0;
}

static int add_obj(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* One knob as {"kind":..,"dev":..,"index":..,"key":..,"value":..,"stage":..,flags}. */
static struct json_object *knob_json(const struct vxoff__knob *k)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (add_str(o, "kind", vxoff_knob_kind_name(k->kind)) < 0 || add_str(o, "dev", k->dev) ||
	    add_obj(o, "index", json_object_new_int(k->index)) < 0 || add_str(o, "key", k->key) ||
	    add_str(o, "value", k->value ? k->value : "") < 0 ||
	    add_obj(o, "stage", json_object_new_int(vxoff_knob_stage(k->kind))) < 0 ||
	    add_obj(o, "readonly", json_object_new_boolean(!!(k->flags & VXOFF_KNOB_F_READONLY))) <
		    0 ||
	    add_obj(o, "unsupported",
		    json_object_new_boolean(!!(k->flags & VXOFF_KNOB_F_UNSUPPORTED))) < 0 ||
	    add_obj(o, "fixed", json_object_new_boolean(!!(k->flags & VXOFF_KNOB_F_FIXED))) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int vxoff_tune_state_json(const struct vxoff_tune_state *st, uint32_t flags, char **ret)
{
	struct json_object *root, *arr;
	const char *s;
	char *out;
	int r = -ENOMEM, jflags;

	if (!st || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	root = json_object_new_object();
	arr = json_object_new_array();
	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return -ENOMEM;
	}
	if (add_str(root, "schema", "vxoff-tune-state/1") < 0 || add_obj(root, "knobs", arr) < 0)
		goto out;
	for (uint32_t i = 0; i < st->count; i++) {
		struct json_object *k = knob_json(&st->knobs[i]);

		if (!k || json_object_array_add(arr, k) < 0) {
			json_object_put(k);
			goto out;
		}
	}
	/* "vxoff-tune-state/1", not "vxoff-tune-state\/1" */
	jflags = JSON_C_TO_STRING_NOSLASHESCAPE |
		 (flags & VXOFF_JSON_PRETTY ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
					    : JSON_C_TO_STRING_PLAIN);
	s = json_object_to_json_string_ext(root, jflags);
	out = s ? strdup(s) : NULL;
	if (out) {
		*ret = out;
		r = 0;
	}
out:
	json_object_put(root);
	return r;
}

void vxoff_tune_state_free(struct vxoff_tune_state *st)
{
	if (!st)
		return;
	for (uint32_t i = 0; i < st->count; i++)
		vxoff__knob_clear(&st->knobs[i]);
	free(st->knobs);
	free(st);
}

/* ---- writing one knob ---- */

static bool is_fs_kind(uint32_t kind)
{
	switch (kind) {
	case VXOFF_KNOB_IRQ_AFFINITY:
	case VXOFF_KNOB_RPS_CPUS:
	case VXOFF_KNOB_RPS_FLOW_CNT:
	case VXOFF_KNOB_XPS_CPUS:
	case VXOFF_KNOB_XPS_RXQS:
	case VXOFF_KNOB_THREADED:
	case VXOFF_KNOB_NAPI_THREADED:
	case VXOFF_KNOB_GRO_FLUSH_TIMEOUT:
	case VXOFF_KNOB_DEFER_HARD_IRQS:
	case VXOFF_KNOB_SYSCTL:
		return true;
	default:
		return false;
	}
}

int vxoff__knob_write(struct vxoff_ctx *ctx, const struct vxoff__knob *k)
{
	const struct kind_info *ki = kind_info(k->kind);
	char d[160];

	if (!ki)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "unknown knob kind %u", k->kind);
	if (ki->readonly)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s is read-only",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if (!k->value)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: no value to write",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if (k->kind != VXOFF_KNOB_SYSCTL && (!k->dev || !*k->dev))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "%s: no device named",
				  vxoff__knob_describe(k, d, sizeof(d)));
	if (k->kind == VXOFF_KNOB_SYSCTL && (!k->key || !*k->key))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "sysctl knob without a name");
	return is_fs_kind(k->kind) ? vxoff__knob_write_fs(ctx, k) : vxoff__knob_write_nl(ctx, k);
}

int vxoff_tune_set(struct vxoff_ctx *ctx, const struct vxoff_knob *knob)
{
	struct vxoff__knob k;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!knob) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "vxoff_tune_set: no knob");
		goto out;
	}
	r = knob_in(knob, &k);
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
			       "vxoff_tune_set: struct vxoff_knob.sz %u is not a size this library "
			       "knows",
			       knob->sz);
		goto out;
	}
	r = vxoff__knob_write(ctx, &k);
out:
	vxoff__ctx_leave(ctx);
	return r;
}
