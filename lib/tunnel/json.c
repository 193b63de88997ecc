/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * VXLAN devices as JSON, schema "vxoff-tunnel/1" (docs/tunnel-json.md), built with json-c.
 *
 * Built only from the public accessors (vxoff_tunnel_info_get, vxoff_tunnel_opts_get,
 * vxoff_tun_option_name), so the JSON cannot say anything the C API does not: an option is a
 * member exactly when its bit is in the .set that vxoff_tunnel_opts_get() returns, keyed by
 * iproute2's keyword. An option the kernel did not report is absent, never a default.
 *
 * A list holds a handful of devices, not thousands: a plain json-c tree is fast enough here
 * (unlike probe, whose feature tables needed a hand-made printer).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include <vxoff/probe.h> /* VXOFF_JSON_PRETTY, shared by every capability's JSON */
#include <vxoff/tunnel.h>

#define SCHEMA "vxoff-tunnel/1"

/* How an option's value is written. */
enum vkind {
	VK_NONE,	/* never reported (NETNS): skipped */
	VK_U32,
	VK_BOOL,
	VK_ADDR_LOCAL,
	VK_ADDR_REMOTE,
	VK_ADDR_GROUP,
	VK_SRCPORT,
	VK_DF,
	VK_LABEL_POLICY,
	VK_RESERVED_BITS,
	VK_MAC,
};

/*
 * The value of each VXOFF_TUN_* id; the value field it reads is in u32_field(). An id newer
 * than this table has no known layout and is left out (its name alone would be a guess).
 */
static const unsigned char kinds[VXOFF_TUN_COUNT] = {
	[VXOFF_TUN_VNI] = VK_U32,
	[VXOFF_TUN_PORT] = VK_U32,
	[VXOFF_TUN_LOCAL] = VK_ADDR_LOCAL,
	[VXOFF_TUN_REMOTE] = VK_ADDR_REMOTE,
	[VXOFF_TUN_GROUP] = VK_ADDR_GROUP,
	[VXOFF_TUN_UNDERLAY] = VK_U32,
	[VXOFF_TUN_SRCPORT] = VK_SRCPORT,
	[VXOFF_TUN_TTL] = VK_U32,
	[VXOFF_TUN_TTL_INHERIT] = VK_BOOL,
	[VXOFF_TUN_TOS] = VK_U32,
	[VXOFF_TUN_DF] = VK_DF,
	[VXOFF_TUN_LABEL] = VK_U32,
	[VXOFF_TUN_LABEL_POLICY] = VK_LABEL_POLICY,
	[VXOFF_TUN_LEARNING] = VK_BOOL,
	[VXOFF_TUN_PROXY] = VK_BOOL,
	[VXOFF_TUN_RSC] = VK_BOOL,
	[VXOFF_TUN_L2MISS] = VK_BOOL,
	[VXOFF_TUN_L3MISS] = VK_BOOL,
	[VXOFF_TUN_AGEING] = VK_U32,
	[VXOFF_TUN_MAXADDR] = VK_U32,
	[VXOFF_TUN_UDP_CSUM] = VK_BOOL,
	[VXOFF_TUN_UDP6_ZERO_CSUM_TX] = VK_BOOL,
	[VXOFF_TUN_UDP6_ZERO_CSUM_RX] = VK_BOOL,
	[VXOFF_TUN_REMCSUM_TX] = VK_BOOL,
	[VXOFF_TUN_REMCSUM_RX] = VK_BOOL,
	[VXOFF_TUN_REMCSUM_NOPARTIAL] = VK_BOOL,
	[VXOFF_TUN_GBP] = VK_BOOL,
	[VXOFF_TUN_GPE] = VK_BOOL,
	[VXOFF_TUN_EXTERNAL] = VK_BOOL,
	[VXOFF_TUN_VNIFILTER] = VK_BOOL,
	[VXOFF_TUN_LOCALBYPASS] = VK_BOOL,
	[VXOFF_TUN_MC_ROUTE] = VK_BOOL,
	[VXOFF_TUN_RESERVED_BITS] = VK_RESERVED_BITS,
	[VXOFF_TUN_MTU] = VK_U32,
	[VXOFF_TUN_MAC] = VK_MAC,
	[VXOFF_TUN_UP] = VK_BOOL,
	[VXOFF_TUN_NETNS] = VK_NONE,
};

static uint32_t u32_field(const struct vxoff_tunnel_opts *o, uint32_t id)
{
	switch (id) {
	case VXOFF_TUN_VNI:
		return o->vni;
	case VXOFF_TUN_PORT:
		return o->port;
	case VXOFF_TUN_UNDERLAY:
		return o->underlay_ifindex;
	case VXOFF_TUN_TTL:
		return o->ttl;
	case VXOFF_TUN_TOS:
		return o->tos;
	case VXOFF_TUN_LABEL:
		return o->label;
	case VXOFF_TUN_AGEING:
		return o->ageing;
	case VXOFF_TUN_MAXADDR:
		return o->maxaddr;
	case VXOFF_TUN_MTU:
		return o->mtu;
	default:
		return 0;
	}
}

static bool known_family(uint32_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/* An address as text (the family is known); NULL only when out of memory. */
static struct json_object *addr_json(uint32_t family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop((int)family, a, buf, sizeof(buf)))
		buf[0] = '\0';
	return json_object_new_string(buf);
}

/* A named enum value, or the number when this library does not know its name. */
static struct json_object *enum_json(uint32_t v, const char *const *names, uint32_t n)
{
	return v < n ? json_object_new_string(names[v]) : json_object_new_int64(v);
}

/* Add key: val to obj, taking val; -ENOMEM (val freed) when either failed. */
static int add(struct json_object *obj, const char *key, struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *value_json(const struct vxoff_tunnel_opts *o, uint32_t id, bool *skip)
{
	static const char *const df_names[] = {"unset", "set", "inherit"};
	struct json_object *v;
	char buf[32];

	*skip = false;
	switch (kinds[id]) {
	case VK_U32:
		return json_object_new_int64(u32_field(o, id));
	case VK_BOOL:
		return json_object_new_boolean(!!(o->on & (1ull << id)));
	/* an address of a family this library cannot print is left out, not guessed */
	case VK_ADDR_LOCAL:
		*skip = !known_family(o->local_family);
		return *skip ? NULL : addr_json(o->local_family, o->local);
	case VK_ADDR_REMOTE:
		*skip = !known_family(o->remote_family);
		return *skip ? NULL : addr_json(o->remote_family, o->remote);
	case VK_ADDR_GROUP:
		*skip = !known_family(o->group_family);
		return *skip ? NULL : addr_json(o->group_family, o->group);
	case VK_SRCPORT:
		v = json_object_new_object();
		if (v && (add(v, "min", json_object_new_int64(o->srcport_min)) < 0 ||
			  add(v, "max", json_object_new_int64(o->srcport_max)) < 0)) {
			json_object_put(v);
			return NULL;
		}
		return v;
	case VK_DF:
		return enum_json(o->df, df_names, 3);
	case VK_LABEL_POLICY:
		/* keyed "flowlabel inherit": true/false; a policy newer than this library: its
		 * number */
		if (o->label_policy <= VXOFF_LABEL_INHERIT)
			return json_object_new_boolean(o->label_policy == VXOFF_LABEL_INHERIT);
		return json_object_new_int64(o->label_policy);
	case VK_RESERVED_BITS:
		/* the 8-byte header image as one hex number, first byte first (as the CLI takes) */
		strcpy(buf, "0x");
		for (size_t i = 0; i < 8; i++)
			snprintf(buf + 2 + 2 * i, 3, "%02x", o->reserved_bits[i]);
		return json_object_new_string(buf);
	case VK_MAC:
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", o->mac[0], o->mac[1],
			 o->mac[2], o->mac[3], o->mac[4], o->mac[5]);
		return json_object_new_string(buf);
	default:
		*skip = true;
		return NULL;
	}
}

static int flags_json(struct json_object *obj, uint32_t flags)
{
	/* the IFF_* bits `ip link` prints, in its order; values from <net/if.h> */
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{0x1, "UP"},	      {0x2, "BROADCAST"}, {0x8, "LOOPBACK"}, {0x10, "POINTOPOINT"},
		{0x80, "NOARP"},     {0x100, "PROMISC"}, {0x1000, "MULTICAST"},
		{0x10000, "LOWER_UP"}, {0x20000, "DORMANT"},
	};
	struct json_object *a = json_object_new_array();

	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct json_object *s;

		if (!(flags & names[i].bit))
			continue;
		s = json_object_new_string(names[i].name);
		if (!s || json_object_array_add(a, s) < 0) {
			json_object_put(s);
			json_object_put(a);
			return -ENOMEM;
		}
	}
	return add(obj, "flags", a);
}

static int tunnel_obj(const struct vxoff_tunnel *t, struct json_object **ret)
{
	VXOFF_OUT(vxoff_tunnel_info, info);
	VXOFF_OUT(vxoff_tunnel_opts, o);
	struct json_object *obj, *opts;
	int r;

	r = vxoff_tunnel_info_get(t, &info);
	if (r == 0)
		r = vxoff_tunnel_opts_get(t, &o);
	if (r < 0)
		return r;
	obj = json_object_new_object();
	opts = json_object_new_object();
	if (!obj || !opts) {
		json_object_put(obj);
		json_object_put(opts);
		return -ENOMEM;
	}
	r = add(obj, "ifname", json_object_new_string(info.name ? info.name : ""));
	if (r == 0)
		r = add(obj, "ifindex", json_object_new_int64(info.ifindex));
	if (r == 0)
		r = add(obj, "mtu", json_object_new_int64(info.mtu));
	if (r == 0)
		r = flags_json(obj, info.flags);
	if (r == 0)
		r = add(obj, "up", json_object_new_boolean(!!(info.flags & 0x1)));
	if (r == 0 && info.mac && info.mac[0])
		r = add(obj, "address", json_object_new_string(info.mac));
	if (r == 0)
		r = add(obj, "unknown_attrs", json_object_new_int64(info.unknown_attrs));
	for (uint32_t id = 0; id < VXOFF_TUN_COUNT && r == 0; id++) {
		const char *key = vxoff_tun_option_name(id);
		struct json_object *v;
		bool skip;

		if (!(o.set & (1ull << id)) || !key)
			continue;
		v = value_json(&o, id, &skip);
		if (skip)
			continue;
		r = add(opts, key, v);
	}
	if (r == 0) {
		r = add(obj, "options", opts);
		opts = NULL;
	}
	json_object_put(opts);
	if (r < 0) {
		json_object_put(obj);
		return r;
	}
	*ret = obj;
	return 0;
}

/* Print obj into a heap string for vxoff_free(); takes obj. */
static int finish(struct json_object *obj, uint32_t flags, char **ret)
{
	int jflags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s;
	size_t len = 0;
	char *out;

	if (flags & VXOFF_JSON_PRETTY)
		jflags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	else
		jflags |= JSON_C_TO_STRING_PLAIN;
	s = json_object_to_json_string_length(obj, jflags, &len);
	out = s ? malloc(len + 1) : NULL;
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	json_object_put(obj);
	if (!out)
		return -ENOMEM;
	*ret = out;
	return 0;
}

int vxoff_tunnel_json(const struct vxoff_tunnel *t, uint32_t flags, char **ret)
{
	struct json_object *obj;
	int r;

	if (!t || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	r = tunnel_obj(t, &obj);
	if (r < 0)
		return r;
	return finish(obj, flags, ret);
}

int vxoff_tunnel_list_json(const struct vxoff_tunnel_list *list, uint32_t flags, char **ret)
{
	uint32_t n = vxoff_tunnel_list_count(list);
	struct json_object *doc, *arr;
	int r;

	if (!list || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	doc = json_object_new_object();
	arr = json_object_new_array();
	if (!doc || !arr) {
		json_object_put(doc);
		json_object_put(arr);
		return -ENOMEM;
	}
	r = add(doc, "schema", json_object_new_string(SCHEMA));
	for (uint32_t i = 0; i < n && r == 0; i++) {
		const struct vxoff_tunnel *t;
		struct json_object *obj;

		r = vxoff_tunnel_list_get(list, i, &t);
		if (r == 0)
			r = tunnel_obj(t, &obj);
		if (r == 0 && json_object_array_add(arr, obj) < 0) {
			json_object_put(obj);
			r = -ENOMEM;
		}
	}
	if (r == 0) {
		r = add(doc, "tunnels", arr);
		arr = NULL;
	}
	json_object_put(arr);
	if (r < 0) {
		json_object_put(doc);
		return r;
	}
	return finish(doc, flags, ret);
}
