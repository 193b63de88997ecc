/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff tunnel: create, change, replace, delete and show VXLAN devices, their FDB entries and
 * overlay addresses.
 *
 * The options are iproute2's keywords, so `ip link add vx0 type vxlan ARGS` becomes
 * `vxoff tunnel add vx0 ARGS`. One table (keywords[]) holds every keyword: the parser, --help
 * and docs/tunnel-cli.md (`vxoff tunnel help --markdown`) are all read from it. The CLI checks
 * only the syntax of a value; whether the options make sense together is the library's call,
 * so that the CLI and the API refuse exactly the same things.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <vxoff/tunnel.h>

#include "cli.h"

#define SYN_ADD "vxoff tunnel [-n NETNS] { add | change | replace } NAME [OPTION...] [-j]"
#define SYN_DEL "vxoff tunnel [-n NETNS] del NAME [NAME...]"
#define SYN_SHOW "vxoff tunnel [-n NETNS] show [-j] [-p] [NAME]"
#define SYN_FDB                                                                                \
	"vxoff tunnel [-n NETNS] fdb { add | append | replace | del } NAME MAC [dst ADDR]"     \
	" [port P] [vni V] [src_vni V] [via IFACE] [dynamic]\n"                                \
	"       vxoff tunnel [-n NETNS] fdb show NAME [-j] [-p]"
#define SYN_ADDR "vxoff tunnel [-n NETNS] addr { add | del } NAME ADDR/PLEN"
#define SYN_ALL                                                                                \
	SYN_ADD "\n       " SYN_DEL "\n       " SYN_SHOW "\n       " SYN_FDB "\n       " SYN_ADDR \
		"\n       vxoff tunnel help [--markdown]"

#define TUNNEL_SCHEMA "vxoff-tunnel/1"
#define FDB_SCHEMA "vxoff-tunnel-fdb/1"

#define BIT(id) (1ull << (id))

/* ---- the keyword table ---- */

/* How a keyword's value is read. */
enum vkind {
	V_NUM,	    /* one number in [lo, hi]; zero_word (if any) means 0 */
	V_BOOL,	    /* KEYWORD sets the option on, noKEYWORD off */
	V_ADDR,	    /* an IPv4 or IPv6 address (local: "any" = not set) */
	V_DEV,	    /* an interface name */
	V_TTL,	    /* 0-255, auto (= 0) or inherit (the TTL_INHERIT flag) */
	V_TOS,	    /* 0-255 or inherit (= 1) */
	V_DF,	    /* unset, set or inherit */
	V_LABEL,    /* 0-1048575 or inherit (the label policy) */
	V_SRCPORT,  /* MIN MAX */
	V_MTU,	    /* a number or auto */
	V_RESBITS,  /* 0x and 16 hex digits */
	V_MAC,	    /* aa:bb:cc:dd:ee:ff */
	V_NETNS,    /* a namespace name */
	V_FDB,	    /* MAC dst ADDR [port P] [vni V] [src_vni V] [via IFACE] [dynamic] */
	V_PREFIX,   /* ADDR/PLEN */
	V_UP,	    /* up (on) or down (off) */
};

#define NO_ID 0xffu

struct keyword {
	const char *kw;		/* iproute2's keyword (a boolean also takes "no" + kw) */
	uint8_t id;		/* VXOFF_TUN_*, NO_ID for fdb/addr entries */
	uint8_t kind;		/* enum vkind */
	const char *arg;	/* its value in --help, NULL = none */
	const char *alias_of;	/* NULL, or the keyword this one is another name of */
	uint32_t lo, hi;	/* V_NUM range */
	const char *zero_word;	/* V_NUM: a word meaning 0 ("unlimited"), or NULL */
	const char *attr;	/* the kernel attribute(s) it becomes */
	const char *chg;	/* changeable on a live device (vxoff tunnel change)? */
	const char *help;
};

/* clang-format off */
static const struct keyword keywords[] = {
	{"id", VXOFF_TUN_VNI, V_NUM, "VNI", NULL, 0, 16777215, NULL,
	 "IFLA_VXLAN_ID (u32)", "same value only", "VXLAN network identifier, 0-16777215"},
	{"vni", VXOFF_TUN_VNI, V_NUM, "VNI", "id", 0, 16777215, NULL,
	 "IFLA_VXLAN_ID (u32)", "same value only", "same as id"},
	{"dstport", VXOFF_TUN_PORT, V_NUM, "PORT", NULL, 1, 65535, NULL,
	 "IFLA_VXLAN_PORT (be16)", "no", "UDP destination port (required; IANA's is 4789)"},
	{"local", VXOFF_TUN_LOCAL, V_ADDR, "ADDR", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_LOCAL / LOCAL6", "yes, same family", "source address (any = not set)"},
	{"remote", VXOFF_TUN_REMOTE, V_ADDR, "ADDR", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_GROUP / GROUP6", "yes, same family", "unicast remote VTEP"},
	{"group", VXOFF_TUN_GROUP, V_ADDR, "ADDR", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_GROUP / GROUP6", "yes, same family", "multicast group (needs dev)"},
	{"dev", VXOFF_TUN_UNDERLAY, V_DEV, "IFACE", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_LINK (u32 ifindex)", "yes", "underlay device"},
	{"mtu", VXOFF_TUN_MTU, V_MTU, "N|auto", NULL, 0, 0, NULL,
	 "IFLA_MTU (u32)", "yes (own request)",
	 "MTU; auto = underlay MTU - 50 (IPv4) or - 70 (IPv6)"},
	{"ttl", VXOFF_TUN_TTL, V_TTL, "N|auto|inherit", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_TTL (u8) / TTL_INHERIT (flag)", "ttl: yes; inherit: no",
	 "outer TTL 0-255; auto = 0 (route default); inherit = inner TTL"},
	{"hoplimit", VXOFF_TUN_TTL, V_TTL, "N|auto|inherit", "ttl", 0, 0, NULL,
	 "IFLA_VXLAN_TTL (u8) / TTL_INHERIT (flag)", "ttl: yes; inherit: no", "same as ttl"},
	{"tos", VXOFF_TUN_TOS, V_TOS, "N|inherit", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_TOS (u8)", "yes", "outer TOS 0-255, inherit = 1"},
	{"dsfield", VXOFF_TUN_TOS, V_TOS, "N|inherit", "tos", 0, 0, NULL,
	 "IFLA_VXLAN_TOS (u8)", "yes", "same as tos"},
	{"df", VXOFF_TUN_DF, V_DF, "set|unset|inherit", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_DF (u8)", "yes", "outer IPv4 Don't Fragment bit"},
	{"flowlabel", VXOFF_TUN_LABEL, V_LABEL, "LABEL|inherit", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_LABEL (be32) / LABEL_POLICY (u32)", "yes",
	 "IPv6 flow label 0-1048575; inherit = label policy inherit (6.8+)"},
	{"label", VXOFF_TUN_LABEL, V_LABEL, "LABEL|inherit", "flowlabel", 0, 0, NULL,
	 "IFLA_VXLAN_LABEL (be32) / LABEL_POLICY (u32)", "yes", "same as flowlabel"},
	{"srcport", VXOFF_TUN_SRCPORT, V_SRCPORT, "MIN MAX", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_PORT_RANGE (be16 low, be16 high)", "no",
	 "outer UDP source port range (0 0 = the local port range)"},
	{"port", VXOFF_TUN_SRCPORT, V_SRCPORT, "MIN MAX", "srcport", 0, 0, NULL,
	 "IFLA_VXLAN_PORT_RANGE (be16 low, be16 high)", "no", "same as srcport (ip's old form)"},
	{"learning", VXOFF_TUN_LEARNING, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_LEARNING (u8)", "yes", "learn remote MACs from received packets"},
	{"proxy", VXOFF_TUN_PROXY, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_PROXY (u8)", "no", "ARP/ND proxy"},
	{"rsc", VXOFF_TUN_RSC, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_RSC (u8)", "no", "route short-circuit"},
	{"l2miss", VXOFF_TUN_L2MISS, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_L2MISS (u8)", "no", "netlink notification on an FDB miss"},
	{"l3miss", VXOFF_TUN_L3MISS, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_L3MISS (u8)", "no", "netlink notification on a neighbour miss"},
	{"ageing", VXOFF_TUN_AGEING, V_NUM, "SECONDS", NULL, 0, UINT32_MAX, "none",
	 "IFLA_VXLAN_AGEING (u32)", "yes", "lifetime of learnt FDB entries"},
	{"maxaddress", VXOFF_TUN_MAXADDR, V_NUM, "N", NULL, 0, UINT32_MAX, "unlimited",
	 "IFLA_VXLAN_LIMIT (u32)", "no", "most FDB entries, 0 or unlimited = no limit"},
	{"udpcsum", VXOFF_TUN_UDP_CSUM, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_UDP_CSUM (u8)", "no", "outer UDP checksum over IPv4"},
	{"udp6zerocsumtx", VXOFF_TUN_UDP6_ZERO_CSUM_TX, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_UDP_ZERO_CSUM6_TX (u8)", "no", "send a zero UDP checksum over IPv6"},
	{"udp6zerocsumrx", VXOFF_TUN_UDP6_ZERO_CSUM_RX, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_UDP_ZERO_CSUM6_RX (u8)", "no", "accept a zero UDP checksum over IPv6"},
	{"remcsumtx", VXOFF_TUN_REMCSUM_TX, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_REMCSUM_TX (u8)", "no", "remote checksum offload, transmit"},
	{"remcsumrx", VXOFF_TUN_REMCSUM_RX, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_REMCSUM_RX (u8)", "no", "remote checksum offload, receive"},
	{"remcsum_nopartial", VXOFF_TUN_REMCSUM_NOPARTIAL, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_REMCSUM_NOPARTIAL (flag)", "no",
	 "remote checksum offload without partial checksums (no ip keyword)"},
	{"gbp", VXOFF_TUN_GBP, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_GBP (flag)", "no", "Group Based Policy extension"},
	{"gpe", VXOFF_TUN_GPE, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_GPE (flag)", "no", "VXLAN-GPE (needs external and nolearning)"},
	{"external", VXOFF_TUN_EXTERNAL, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_COLLECT_METADATA (u8)", "no", "flow-based (collect metadata) mode"},
	{"vnifilter", VXOFF_TUN_VNIFILTER, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_VNIFILTER (u8)", "no", "per-VNI filter table (needs external; 5.18+)"},
	{"localbypass", VXOFF_TUN_LOCALBYPASS, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_LOCALBYPASS (u8)", "yes", "local VTEPs get packets unencapsulated (6.5+)"},
	{"mcroute", VXOFF_TUN_MC_ROUTE, V_BOOL, NULL, NULL, 0, 0, NULL,
	 "IFLA_VXLAN_MC_ROUTE (u8)", "yes", "multicast underlay traffic through mroute (6.17+)"},
	{"reserved_bits", VXOFF_TUN_RESERVED_BITS, V_RESBITS, "0xHEX16", NULL, 0, 0, NULL,
	 "IFLA_VXLAN_RESERVED_BITS (8 bytes)", "no",
	 "VXLAN header bits that must be 0 on receive (6.14+)"},
	{"address", VXOFF_TUN_MAC, V_MAC, "MAC", NULL, 0, 0, NULL,
	 "IFLA_ADDRESS (6 bytes)", "yes", "the device's MAC address"},
	{"netns", VXOFF_TUN_NETNS, V_NETNS, "NAME", NULL, 0, 0, NULL,
	 "IFLA_NET_NS_FD (u32)", "yes", "move the device into namespace NAME (last step)"},
	{"fdb", NO_ID, V_FDB, "MAC dst ADDR [port P] [vni V] [src_vni V] [via IFACE] [dynamic]",
	 NULL, 0, 0, NULL, "RTM_NEWNEIGH (AF_BRIDGE, NTF_SELF)", "yes (added)",
	 "an FDB entry; MAC 00:00:00:00:00:00 = the flood list; repeatable"},
	{"addr", NO_ID, V_PREFIX, "ADDR/PLEN", NULL, 0, 0, NULL,
	 "RTM_NEWADDR", "yes (added)", "an overlay address; repeatable"},
	{"up", VXOFF_TUN_UP, V_UP, NULL, NULL, 0, 0, NULL,
	 "ifi_flags IFF_UP", "yes", "bring the device up (last step)"},
	{"down", VXOFF_TUN_UP, V_UP, NULL, NULL, 0, 0, NULL,
	 "ifi_flags IFF_UP", "yes", "bring the device down (change)"},
};
/* clang-format on */

#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

/* The row of word, and whether it was the "no" form of a boolean. */
static const struct keyword *kw_find(const char *word, bool *negated)
{
	*negated = false;
	for (size_t i = 0; i < NKEYWORDS; i++)
		if (!strcmp(word, keywords[i].kw))
			return &keywords[i];
	if (strncmp(word, "no", 2))
		return NULL;
	for (size_t i = 0; i < NKEYWORDS; i++)
		if (keywords[i].kind == V_BOOL && !strcmp(word + 2, keywords[i].kw)) {
			*negated = true;
			return &keywords[i];
		}
	return NULL;
}

/* ---- what a command line becomes ---- */

struct tun_args {
	struct vxoff_tunnel_opts o;
	struct vxoff_fdb_entry *fdb;
	char **fdb_via;		/* "via IFACE" of each entry, resolved once the context exists */
	uint32_t nfdb;
	struct vxoff_tunnel_addr *addrs;
	uint32_t naddrs;
};

static void tun_args_free(struct tun_args *a)
{
	free(a->fdb);
	free(a->fdb_via);
	free(a->addrs);
}

/* ---- value parsers: 0, or -EINVAL after printing the usage error ---- */

static const char *cur_syn = SYN_ADD;
static const char *cur_cmd = "tunnel";

#define BAD(...) (cli_usage_error(cur_syn, __VA_ARGS__), -EINVAL)

/* A whole number in [lo, hi], decimal or 0x hex (as iproute2's get_u32). */
static int parse_num(const char *kw, const char *s, uint32_t lo, uint32_t hi, uint32_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		goto bad;
	n = strtoull(s, &end, 0);
	if (errno || *end || n < lo || n > hi)
		goto bad;
	*v = (uint32_t)n;
	return 0;
bad:
	return BAD("%s: %s: '%s' is not a number from %u to %u", cur_cmd, kw, s ? s : "", lo, hi);
}

static int parse_ip(const char *kw, const char *s, uint32_t *family, uint8_t *addr)
{
	memset(addr, 0, 16);
	if (s && inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (s && inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return BAD("%s: %s: '%s' is not an IPv4 or IPv6 address", cur_cmd, kw, s ? s : "");
}

static int parse_mac(const char *kw, const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char tail;

	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return BAD("%s: %s: '%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", cur_cmd, kw,
			   s ? s : "");
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_prefix(const char *kw, const char *s, struct vxoff_tunnel_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = s ? strchr(s, '/') : NULL;
	uint32_t family;

	memset(a, 0, sizeof(*a));
	a->sz = sizeof(*a);
	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return BAD("%s: %s: '%s' is not ADDR/PLEN", cur_cmd, kw, s ? s : "");
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (parse_ip(kw, buf, &family, a->addr) < 0)
		return -EINVAL;
	a->family = family;
	return parse_num(kw, slash + 1, 0, family == AF_INET ? 32 : 128, &a->prefixlen);
}

/*
 * FDB entry words from argv[*i] on: MAC [dst ADDR] [port P] [vni V] [src_vni V] [via IFACE]
 * [dynamic]. need_dst: dst is required (add, not del). Stops at the first other word.
 */
static int parse_fdb(char **argv, int argc, int *i, bool need_dst, struct vxoff_fdb_entry *e,
		     char **via)
{
	bool has_dst = false;
	uint32_t v;

	memset(e, 0, sizeof(*e));
	e->sz = sizeof(*e);
	*via = NULL;
	if (*i >= argc)
		return BAD("%s: fdb: needs a MAC address", cur_cmd);
	if (parse_mac("fdb", argv[(*i)++], e->mac) < 0)
		return -EINVAL;
	while (*i < argc) {
		const char *w = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;

		if (!strcmp(w, "dynamic")) {
			e->flags |= VXOFF_FDB_F_DYNAMIC;
			(*i)++;
			continue;
		}
		if (strcmp(w, "dst") && strcmp(w, "port") && strcmp(w, "vni") &&
		    strcmp(w, "src_vni") && strcmp(w, "via"))
			break;
		if (!val)
			return BAD("%s: fdb: %s needs a value", cur_cmd, w);
		if (!strcmp(w, "dst")) {
			if (parse_ip("fdb dst", val, &e->dst_family, e->dst) < 0)
				return -EINVAL;
			has_dst = true;
		} else if (!strcmp(w, "port")) {
			if (parse_num("fdb port", val, 1, 65535, &v) < 0)
				return -EINVAL;
			e->port = v;
			e->flags |= VXOFF_FDB_F_PORT;
		} else if (!strcmp(w, "vni")) {
			if (parse_num("fdb vni", val, 0, 16777215, &v) < 0)
				return -EINVAL;
			e->vni = v;
			e->flags |= VXOFF_FDB_F_VNI;
		} else if (!strcmp(w, "src_vni")) {
			if (parse_num("fdb src_vni", val, 0, 16777215, &v) < 0)
				return -EINVAL;
			e->src_vni = v;
			e->flags |= VXOFF_FDB_F_SRC_VNI;
		} else {
			*via = (char *)val;
		}
		*i += 2;
	}
	if (need_dst && !has_dst)
		return BAD("%s: fdb: an entry needs dst ADDR", cur_cmd);
	return 0;
}

static int grow(void **p, uint32_t n, size_t size)
{
	void *q = realloc(*p, (n + 1) * size);

	if (!q)
		return -ENOMEM;
	*p = q;
	return 0;
}

/* The value(s) of one keyword at argv[*i] (the keyword itself), advancing *i past them. */
static int parse_value(const struct keyword *k, bool neg, char **argv, int argc, int *i,
		       struct tun_args *a)
{
	struct vxoff_tunnel_opts *o = &a->o;
	const char *kw = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
	uint32_t v, fam;
	int consumed = 1;

	/* kinds that take at least one value */
	if (k->arg && !val)
		return BAD("%s: %s needs %s", cur_cmd, kw, k->arg);
	switch (k->kind) {
	case V_NUM:
		if (k->zero_word && !strcmp(val, k->zero_word))
			v = 0;
		else if (parse_num(kw, val, k->lo, k->hi, &v) < 0)
			return -EINVAL;
		if (k->id == VXOFF_TUN_VNI)
			o->vni = v;
		else if (k->id == VXOFF_TUN_PORT)
			o->port = v;
		else if (k->id == VXOFF_TUN_AGEING)
			o->ageing = v;
		else
			o->maxaddr = v;
		consumed = 2;
		break;
	case V_BOOL:
		if (neg)
			o->on &= ~BIT(k->id);
		else
			o->on |= BIT(k->id);
		break;
	case V_ADDR: {
		uint8_t *dst = k->id == VXOFF_TUN_LOCAL	   ? o->local
			       : k->id == VXOFF_TUN_REMOTE ? o->remote
							   : o->group;
		uint32_t *famp = k->id == VXOFF_TUN_LOCAL    ? &o->local_family
				 : k->id == VXOFF_TUN_REMOTE ? &o->remote_family
							     : &o->group_family;

		*i += 2;
		if (k->id == VXOFF_TUN_LOCAL && !strcmp(val, "any")) {
			/* ip's "local any": no source address */
			o->set &= ~BIT(k->id);
			o->local_family = 0;
			return 0;
		}
		if (parse_ip(kw, val, &fam, dst) < 0)
			return -EINVAL;
		*famp = fam;
		o->set |= BIT(k->id);
		return 0;
	}
	case V_DEV:
		o->underlay = val;
		consumed = 2;
		break;
	case V_TTL:
		*i += 2;
		if (!strcmp(val, "inherit")) {
			o->set |= BIT(VXOFF_TUN_TTL_INHERIT);
			o->on |= BIT(VXOFF_TUN_TTL_INHERIT);
			return 0;
		}
		if (!strcmp(val, "auto"))
			v = 0;
		else if (parse_num(kw, val, 0, 255, &v) < 0)
			return -EINVAL;
		o->ttl = v;
		o->set |= BIT(VXOFF_TUN_TTL);
		return 0;
	case V_TOS:
		if (!strcmp(val, "inherit"))
			v = 1;
		else if (parse_num(kw, val, 0, 255, &v) < 0)
			return -EINVAL;
		o->tos = v;
		consumed = 2;
		break;
	case V_DF:
		if (!strcmp(val, "unset"))
			o->df = VXOFF_DF_UNSET;
		else if (!strcmp(val, "set"))
			o->df = VXOFF_DF_SET;
		else if (!strcmp(val, "inherit"))
			o->df = VXOFF_DF_INHERIT;
		else
			return BAD("%s: df: '%s' is not set, unset or inherit", cur_cmd, val);
		consumed = 2;
		break;
	case V_LABEL:
		*i += 2;
		if (!strcmp(val, "inherit")) {
			o->label_policy = VXOFF_LABEL_INHERIT;
			o->set |= BIT(VXOFF_TUN_LABEL_POLICY);
			return 0;
		}
		if (parse_num(kw, val, 0, 1048575, &v) < 0)
			return -EINVAL;
		o->label = v;
		o->set |= BIT(VXOFF_TUN_LABEL);
		return 0;
	case V_SRCPORT:
		if (*i + 2 >= argc)
			return BAD("%s: %s needs MIN MAX", cur_cmd, kw);
		if (parse_num(kw, val, 0, 65535, &o->srcport_min) < 0 ||
		    parse_num(kw, argv[*i + 2], 0, 65535, &o->srcport_max) < 0)
			return -EINVAL;
		consumed = 3;
		break;
	case V_MTU:
		if (!strcmp(val, "auto")) {
			o->flags |= VXOFF_TUNNEL_F_MTU_AUTO;
			o->mtu = 0;
		} else if (parse_num(kw, val, 1, UINT32_MAX, &o->mtu) < 0) {
			return -EINVAL;
		} else {
			o->flags &= ~VXOFF_TUNNEL_F_MTU_AUTO;
		}
		consumed = 2;
		break;
	case V_RESBITS: {
		const char *h = val;

		if (strncmp(h, "0x", 2) || strlen(h) != 18)
			return BAD("%s: %s: '%s' is not 0x and 16 hex digits", cur_cmd, kw, val);
		for (int b = 0; b < 8; b++) {
			unsigned int x;
			char two[3] = {h[2 + 2 * b], h[3 + 2 * b], '\0'};
			char *end;

			x = (unsigned int)strtoul(two, &end, 16);
			if (*end || !two[0] || two[0] == '-' || two[0] == '+' || two[0] == ' ')
				return BAD("%s: %s: '%s' is not 0x and 16 hex digits", cur_cmd,
					   kw, val);
			o->reserved_bits[b] = (uint8_t)x;
		}
		consumed = 2;
		break;
	}
	case V_MAC:
		if (parse_mac(kw, val, o->mac) < 0)
			return -EINVAL;
		consumed = 2;
		break;
	case V_NETNS:
		o->target_netns = val;
		o->flags &= ~VXOFF_TUNNEL_F_NETNS_FD;
		consumed = 2;
		break;
	case V_FDB: {
		int j = *i + 1;

		if (grow((void **)&a->fdb, a->nfdb, sizeof(*a->fdb)) < 0 ||
		    grow((void **)&a->fdb_via, a->nfdb, sizeof(*a->fdb_via)) < 0)
			return cli_errno(NULL, -ENOMEM), -ENOMEM;
		if (parse_fdb(argv, argc, &j, true, &a->fdb[a->nfdb], &a->fdb_via[a->nfdb]) < 0)
			return -EINVAL;
		a->nfdb++;
		*i = j;
		return 0;
	}
	case V_PREFIX:
		if (grow((void **)&a->addrs, a->naddrs, sizeof(*a->addrs)) < 0)
			return cli_errno(NULL, -ENOMEM), -ENOMEM;
		if (parse_prefix(kw, val, &a->addrs[a->naddrs]) < 0)
			return -EINVAL;
		a->naddrs++;
		consumed = 2;
		break;
	case V_UP:
		if (!strcmp(kw, "up"))
			o->on |= BIT(VXOFF_TUN_UP);
		else
			o->on &= ~BIT(VXOFF_TUN_UP);
		break;
	}
	if (k->id != NO_ID)
		o->set |= BIT(k->id);
	*i += consumed;
	return 0;
}

/* Every keyword of argv[0..argc) into a; a repeated option keeps its last value (as ip). */
static int parse_options(char **argv, int argc, struct tun_args *a)
{
	memset(a, 0, sizeof(*a));
	a->o.sz = sizeof(a->o);
	for (int i = 0; i < argc;) {
		const struct keyword *k;
		bool neg;
		int r;

		k = kw_find(argv[i], &neg);
		if (!k)
			return BAD("%s: unknown keyword '%s'", cur_cmd, argv[i]);
		r = parse_value(k, neg, argv, argc, &i, a);
		if (r < 0)
			return r;
	}
	/* as ip does: "external" means "nolearning" unless learning is named */
	if ((a->o.set & a->o.on & BIT(VXOFF_TUN_EXTERNAL)) &&
	    !(a->o.set & BIT(VXOFF_TUN_LEARNING)))
		a->o.set |= BIT(VXOFF_TUN_LEARNING); /* with .on clear: off */
	a->o.fdb = a->fdb;
	a->o.fdb_count = a->nfdb;
	a->o.fdb_entry_sz = sizeof(struct vxoff_fdb_entry);
	a->o.addrs = a->addrs;
	a->o.addr_count = a->naddrs;
	a->o.addr_entry_sz = sizeof(struct vxoff_tunnel_addr);
	return 0;
}

/* ---- help ---- */

static void help(void)
{
	char left[64];

	puts("Usage: " SYN_ALL "\n"
	     "\n"
	     "Create, change, replace, delete and show VXLAN devices. The options are those of\n"
	     "iproute2: `ip link add NAME type vxlan ARGS` is `vxoff tunnel add NAME ARGS`.\n"
	     "add is one transaction (device, FDB entries, addresses, up), read back and\n"
	     "compared with what was asked; on any failure every step is undone.\n"
	     "change alters a live device (only options marked changeable in\n"
	     "docs/tunnel-cli.md); replace deletes and re-creates it, keeping its FDB entries\n"
	     "and addresses.\n"
	     "\n"
	     "Options of add, change and replace:");
	for (size_t i = 0; i < NKEYWORDS; i++) {
		const struct keyword *k = &keywords[i];

		snprintf(left, sizeof(left), "%s%s%s%s", k->kind == V_BOOL ? "[no]" : "", k->kw,
			 k->arg ? " " : "", k->arg ? k->arg : "");
		if (strlen(left) > 22)
			printf("  %s\n  %-22s  ", left, "");
		else
			printf("  %-22s  ", left);
		if (k->alias_of)
			printf("same as %s\n", k->alias_of);
		else
			printf("%s\n", k->help);
	}
	puts("\n"
	     "  -n, --netns NETNS   work inside network namespace NETNS (/run/netns/NETNS)\n"
	     "  -j, --json          show: JSON (schema " TUNNEL_SCHEMA ", docs/tunnel-json.md);\n"
	     "                      add/change/replace: print the device as read back\n"
	     "  -p, --pretty        indent the JSON (implies -j)\n"
	     "  -h, --help          this text\n"
	     "\n"
	     "Exit status: 0 done, 1 the library or kernel refused (the reason is printed),\n"
	     "2 bad usage.");
}

/* The keyword table as Markdown: docs/tunnel-cli.md's option table. */
static void help_markdown(void)
{
	puts("| iproute2 keyword | value | VXOFF_TUN_* | kernel attribute | changeable |\n"
	     "|---|---|---|---|---|");
	for (size_t i = 0; i < NKEYWORDS; i++) {
		const struct keyword *k = &keywords[i];
		static const char *const ids[VXOFF_TUN_COUNT] = {
			"VNI", "PORT", "LOCAL", "REMOTE", "GROUP", "UNDERLAY", "SRCPORT", "TTL",
			"TTL_INHERIT", "TOS", "DF", "LABEL", "LABEL_POLICY", "LEARNING", "PROXY",
			"RSC", "L2MISS", "L3MISS", "AGEING", "MAXADDR", "UDP_CSUM",
			"UDP6_ZERO_CSUM_TX", "UDP6_ZERO_CSUM_RX", "REMCSUM_TX", "REMCSUM_RX",
			"REMCSUM_NOPARTIAL", "GBP", "GPE", "EXTERNAL", "VNIFILTER", "LOCALBYPASS",
			"MC_ROUTE", "RESERVED_BITS", "MTU", "MAC", "UP", "NETNS",
		};
		char id[64];

		if (k->id == NO_ID)
			snprintf(id, sizeof(id), "(opts.%s)", k->kind == V_FDB ? "fdb" : "addrs");
		else if (k->kind == V_TTL)
			snprintf(id, sizeof(id), "TTL, TTL_INHERIT");
		else if (k->kind == V_LABEL)
			snprintf(id, sizeof(id), "LABEL, LABEL_POLICY");
		else if (k->kind == V_MTU)
			snprintf(id, sizeof(id), "MTU (+ F_MTU_AUTO)");
		else
			snprintf(id, sizeof(id), "%s", ids[k->id]);
		printf("| `%s%s` | %s | %s | %s | %s |\n", k->kind == V_BOOL ? "[no]" : "", k->kw,
		       k->arg ? k->arg : (k->kind == V_BOOL ? "(on/off)" : "-"), id, k->attr,
		       k->alias_of ? "as its main keyword" : k->chg);
	}
}

/* ---- output ---- */

/* The name of ifindex in the context's namespace, as ip prints it ("if7" if unknown). */
static void ifname_of(struct vxoff_ctx *ctx, uint32_t ifindex, char *buf, size_t len)
{
	VXOFF_OPTS(vxoff_probe_opts, po, .items = 1u << VXOFF_ITEM_LINK,
		   .flags = VXOFF_PROBE_F_NO_VERDICT_PEERS);
	VXOFF_OUT(vxoff_link_info, l);
	struct vxoff_devinfo *di = NULL;

	snprintf(buf, len, "if%u", ifindex);
	if (vxoff_probe_device(ctx, NULL, ifindex, &po, &di) == 0 &&
	    vxoff_devinfo_link(di, &l) == 0 && l.ifname)
		snprintf(buf, len, "%s", l.ifname);
	vxoff_devinfo_free(di);
}

/* The index of ifname in the context's namespace; 0 after printing why not. */
static uint32_t ifindex_of(struct vxoff_ctx *ctx, const char *ifname)
{
	VXOFF_OPTS(vxoff_probe_opts, po, .items = 1u << VXOFF_ITEM_LINK,
		   .flags = VXOFF_PROBE_F_NO_VERDICT_PEERS);
	VXOFF_OUT(vxoff_link_info, l);
	struct vxoff_devinfo *di = NULL;
	uint32_t idx = 0;
	int r;

	r = vxoff_probe_device(ctx, ifname, 0, &po, &di);
	if (r < 0) {
		cli_error(ctx, r);
		return 0;
	}
	if (vxoff_devinfo_link(di, &l) == 0)
		idx = l.ifindex;
	vxoff_devinfo_free(di);
	if (!idx)
		fprintf(stderr, "vxoff: %s: no interface index\n", ifname);
	return idx;
}

static const char *addr_str(uint32_t family, const uint8_t *a, char *buf, size_t len)
{
	if ((family != AF_INET && family != AF_INET6) || !inet_ntop((int)family, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

static bool is_on(const struct vxoff_tunnel_opts *o, uint32_t id)
{
	return (o->set & BIT(id)) && (o->on & BIT(id));
}

static bool has(const struct vxoff_tunnel_opts *o, uint32_t id)
{
	return o->set & BIT(id);
}

/* "[no]kw " for a boolean the kernel reported, ip's way: only when on unless always. */
static void put_bool(const struct vxoff_tunnel_opts *o, uint32_t id, const char *kw, bool always)
{
	if (!has(o, id))
		return;
	if (o->on & BIT(id))
		printf(" %s", kw);
	else if (always)
		printf(" no%s", kw);
}

/* One device, as `ip -d link show` prints a vxlan device (iproute2's vxlan_print_opt order). */
static void print_tunnel(struct vxoff_ctx *ctx, const struct vxoff_tunnel *t)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} iff[] = {
		{0x10, "POINTOPOINT"}, {0x2, "BROADCAST"}, {0x8, "LOOPBACK"}, {0x1000, "MULTICAST"},
		{0x80, "NOARP"},       {0x1, "UP"},	   {0x10000, "LOWER_UP"},
	};
	static const char *const df[] = {"unset", "set", "inherit"};
	VXOFF_OUT(vxoff_tunnel_info, info);
	VXOFF_OUT(vxoff_tunnel_opts, o);
	char buf[INET6_ADDRSTRLEN + 16];
	bool first = true;

	if (vxoff_tunnel_info_get(t, &info) < 0 || vxoff_tunnel_opts_get(t, &o) < 0)
		return;
	printf("%u: %s: <", info.ifindex, info.name ? info.name : "?");
	for (size_t i = 0; i < sizeof(iff) / sizeof(iff[0]); i++)
		if (info.flags & iff[i].bit) {
			printf("%s%s", first ? "" : ",", iff[i].name);
			first = false;
		}
	printf("> mtu %u state %s\n", info.mtu, info.flags & 0x1 ? "UP" : "DOWN");
	if (info.mac && info.mac[0])
		printf("    link/ether %s\n", info.mac);
	fputs("    vxlan", stdout);
	put_bool(&o, VXOFF_TUN_EXTERNAL, "external", false);
	put_bool(&o, VXOFF_TUN_VNIFILTER, "vnifilter", false);
	if (has(&o, VXOFF_TUN_VNI))
		printf(" id %u", o.vni);
	if (has(&o, VXOFF_TUN_GROUP))
		printf(" group %s", addr_str(o.group_family, o.group, buf, sizeof(buf)));
	if (has(&o, VXOFF_TUN_REMOTE))
		printf(" remote %s", addr_str(o.remote_family, o.remote, buf, sizeof(buf)));
	if (has(&o, VXOFF_TUN_LOCAL))
		printf(" local %s", addr_str(o.local_family, o.local, buf, sizeof(buf)));
	if (has(&o, VXOFF_TUN_UNDERLAY) && o.underlay_ifindex) {
		ifname_of(ctx, o.underlay_ifindex, buf, sizeof(buf));
		printf(" dev %s", buf);
	}
	if (has(&o, VXOFF_TUN_SRCPORT))
		printf(" srcport %u %u", o.srcport_min, o.srcport_max);
	if (has(&o, VXOFF_TUN_PORT))
		printf(" dstport %u", o.port);
	if (has(&o, VXOFF_TUN_LEARNING) && !(o.on & BIT(VXOFF_TUN_LEARNING)))
		fputs(" nolearning", stdout);
	put_bool(&o, VXOFF_TUN_PROXY, "proxy", false);
	put_bool(&o, VXOFF_TUN_RSC, "rsc", false);
	put_bool(&o, VXOFF_TUN_L2MISS, "l2miss", false);
	put_bool(&o, VXOFF_TUN_L3MISS, "l3miss", false);
	if (has(&o, VXOFF_TUN_TOS) && o.tos == 1)
		fputs(" tos inherit", stdout);
	else if (has(&o, VXOFF_TUN_TOS) && o.tos)
		printf(" tos %#x", o.tos);
	if (is_on(&o, VXOFF_TUN_TTL_INHERIT))
		fputs(" ttl inherit", stdout);
	else if (has(&o, VXOFF_TUN_TTL) && o.ttl)
		printf(" ttl %u", o.ttl);
	else if (has(&o, VXOFF_TUN_TTL))
		fputs(" ttl auto", stdout);
	if (has(&o, VXOFF_TUN_DF) && o.df != VXOFF_DF_UNSET)
		printf(" df %s", o.df < 3 ? df[o.df] : "?");
	if (has(&o, VXOFF_TUN_LABEL_POLICY) && o.label_policy == VXOFF_LABEL_INHERIT)
		fputs(" flowlabel inherit", stdout);
	else if (has(&o, VXOFF_TUN_LABEL) && o.label)
		printf(" flowlabel %#x", o.label);
	if (has(&o, VXOFF_TUN_AGEING))
		printf(" ageing %u", o.ageing);
	if (has(&o, VXOFF_TUN_MAXADDR) && o.maxaddr)
		printf(" maxaddr %u", o.maxaddr);
	put_bool(&o, VXOFF_TUN_UDP_CSUM, "udpcsum", true);
	put_bool(&o, VXOFF_TUN_UDP6_ZERO_CSUM_TX, "udp6zerocsumtx", true);
	put_bool(&o, VXOFF_TUN_UDP6_ZERO_CSUM_RX, "udp6zerocsumrx", true);
	put_bool(&o, VXOFF_TUN_REMCSUM_TX, "remcsumtx", false);
	put_bool(&o, VXOFF_TUN_REMCSUM_RX, "remcsumrx", false);
	put_bool(&o, VXOFF_TUN_REMCSUM_NOPARTIAL, "remcsum_nopartial", false);
	put_bool(&o, VXOFF_TUN_GBP, "gbp", false);
	put_bool(&o, VXOFF_TUN_GPE, "gpe", false);
	/* newer than iproute2 6.1, which does not print them */
	put_bool(&o, VXOFF_TUN_LOCALBYPASS, "localbypass", true);
	put_bool(&o, VXOFF_TUN_MC_ROUTE, "mcroute", false);
	if (has(&o, VXOFF_TUN_RESERVED_BITS)) {
		fputs(" reserved_bits 0x", stdout);
		for (int i = 0; i < 8; i++)
			printf("%02x", o.reserved_bits[i]);
	}
	putchar('\n');
	if (info.unknown_attrs)
		printf("    (%u attributes newer than this library)\n", info.unknown_attrs);
}

/* The document vxoff_tunnel_list_json() writes, around one device's object. */
static int print_one_json(const struct vxoff_tunnel *t, bool pretty)
{
	char *s = NULL;
	int r = vxoff_tunnel_json(t, pretty ? VXOFF_JSON_PRETTY : 0, &s);

	if (r < 0)
		return cli_errno("building the JSON", r);
	if (pretty) {
		printf("{\n  \"schema\": \"%s\",\n  \"tunnels\": [\n    ", TUNNEL_SCHEMA);
		cli_put_shifted(s, 4);
		fputs("\n  ]\n}\n", stdout);
	} else {
		printf("{\"schema\":\"%s\",\"tunnels\":[%s]}\n", TUNNEL_SCHEMA, s);
	}
	vxoff_free(s);
	return CLI_EXIT_OK;
}

/* After a success: the warnings of the call (what the kernel adjusted). */
static void print_warnings(struct vxoff_ctx *ctx)
{
	uint32_t n = vxoff_ctx_warning_count(ctx);

	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_warning, w);

		if (vxoff_ctx_warning(ctx, i, &w) == 0 && w.msg)
			fprintf(stderr, "vxoff: warning: %s\n", w.msg);
	}
}

/* ---- subcommands ---- */

struct common {
	const char *netns;
	bool json, pretty;
};

/*
 * The subcommand's own options (-n, -j, -p, -h) anywhere among its words; the words are
 * left in argv[optind..]. Returns -1 to go on, or an exit status.
 */
static int sub_getopt(int argc, char **argv, struct common *c)
{
	static const struct option opts[] = {
		{"netns", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "n:jph", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			c->netns = optarg;
			break;
		case 'j':
			c->json = true;
			break;
		case 'p':
			c->json = c->pretty = true;
			break;
		case 'h':
			help();
			return cli_finish_output(CLI_EXIT_OK);
		default: /* ':' an argument missing, '?' an unknown option */
			return cli_getopt_error(cur_syn, cur_cmd, ch, argv);
		}
	}
	return -1;
}

/* Resolve the "via IFACE" names of the FDB entries in the context's namespace. */
static int resolve_via(struct vxoff_ctx *ctx, struct vxoff_fdb_entry *e, char **via, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!via[i])
			continue;
		e[i].ifindex = ifindex_of(ctx, via[i]);
		if (!e[i].ifindex)
			return -ENODEV;
		e[i].flags |= VXOFF_FDB_F_IFINDEX;
	}
	return 0;
}

/* add, change, replace. */
static int cmd_set(int argc, char **argv, struct common *c)
{
	struct vxoff_tunnel *t = NULL;
	struct vxoff_ctx *ctx;
	struct tun_args a;
	const char *name;
	int rc, r;

	rc = sub_getopt(argc, argv, c);
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return cli_usage_error(cur_syn, "%s: needs the device NAME", cur_cmd);
	name = argv[optind];
	if (parse_options(argv + optind + 1, argc - optind - 1, &a) < 0) {
		tun_args_free(&a);
		return CLI_EXIT_USAGE;
	}
	ctx = cli_ctx_new(c->netns);
	if (!ctx) {
		tun_args_free(&a);
		return CLI_EXIT_FAIL;
	}
	if (resolve_via(ctx, a.fdb, a.fdb_via, a.nfdb) < 0) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	if (!strcmp(argv[0], "add"))
		r = vxoff_tunnel_create(ctx, name, &a.o, &t);
	else if (!strcmp(argv[0], "change"))
		r = vxoff_tunnel_change(ctx, name, &a.o, &t);
	else
		r = vxoff_tunnel_replace(ctx, name, &a.o, &t);
	if (r < 0) {
		rc = cli_error(ctx, r);
		goto out;
	}
	print_warnings(ctx);
	rc = CLI_EXIT_OK;
	/* a device moved to another namespace is not read back here */
	if (c->json && t)
		rc = print_one_json(t, c->pretty);
out:
	vxoff_tunnel_free(t);
	vxoff_ctx_free(ctx);
	tun_args_free(&a);
	return cli_finish_output(rc);
}

static int cmd_del(int argc, char **argv, struct common *c)
{
	struct vxoff_ctx *ctx;
	int rc, r, n;

	rc = sub_getopt(argc, argv, c);
	if (rc >= 0)
		return rc;
	n = argc - optind;
	if (n < 1)
		return cli_usage_error(cur_syn, "%s: needs at least one NAME", cur_cmd);
	ctx = cli_ctx_new(c->netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	if (n == 1)
		r = vxoff_tunnel_delete(ctx, argv[optind]);
	else /* one unregister batch: far faster than one delete each */
		r = vxoff_tunnel_delete_many(ctx, (const char *const *)(argv + optind),
					     (uint32_t)n);
	rc = r < 0 ? cli_error(ctx, r) : CLI_EXIT_OK;
	if (r >= 0)
		print_warnings(ctx);
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}

static int cmd_show(int argc, char **argv, struct common *c)
{
	struct vxoff_tunnel_list *list = NULL;
	struct vxoff_tunnel *t = NULL;
	struct vxoff_ctx *ctx;
	int rc, r;

	rc = sub_getopt(argc, argv, c);
	if (rc >= 0)
		return rc;
	if (argc - optind > 1)
		return cli_usage_error(cur_syn, "%s: at most one NAME", cur_cmd);
	ctx = cli_ctx_new(c->netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	rc = CLI_EXIT_OK;
	if (optind < argc) {
		r = vxoff_tunnel_get(ctx, argv[optind], &t);
		if (r < 0)
			rc = cli_error(ctx, r);
		else if (c->json)
			rc = print_one_json(t, c->pretty);
		else
			print_tunnel(ctx, t);
	} else {
		r = vxoff_tunnel_list(ctx, &list);
		if (r < 0) {
			rc = cli_error(ctx, r);
		} else if (c->json) {
			char *s = NULL;

			r = vxoff_tunnel_list_json(list, c->pretty ? VXOFF_JSON_PRETTY : 0, &s);
			if (r < 0)
				rc = cli_errno("building the JSON", r);
			else
				puts(s);
			vxoff_free(s);
		} else {
			for (uint32_t i = 0; i < vxoff_tunnel_list_count(list); i++) {
				const struct vxoff_tunnel *lt;

				if (vxoff_tunnel_list_get(list, i, &lt) == 0)
					print_tunnel(ctx, lt);
			}
		}
	}
	vxoff_tunnel_free(t);
	vxoff_tunnel_list_free(list);
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}

static void print_fdb_text(struct vxoff_ctx *ctx, const struct vxoff_fdb_entry *e)
{
	char buf[INET6_ADDRSTRLEN + 16];

	/* as `bridge fdb show dev NAME` prints a vxlan device's own entries */
	printf("%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1], e->mac[2], e->mac[3],
	       e->mac[4], e->mac[5]);
	if (e->dst_family)
		printf(" dst %s", addr_str(e->dst_family, e->dst, buf, sizeof(buf)));
	if (e->flags & VXOFF_FDB_F_PORT)
		printf(" port %u", e->port);
	if (e->flags & VXOFF_FDB_F_VNI)
		printf(" vni %u", e->vni);
	if (e->flags & VXOFF_FDB_F_SRC_VNI)
		printf(" src_vni %u", e->src_vni);
	if (e->flags & VXOFF_FDB_F_IFINDEX) {
		ifname_of(ctx, e->ifindex, buf, sizeof(buf));
		printf(" via %s", buf);
	}
	printf(" self %s\n", e->flags & VXOFF_FDB_F_DYNAMIC ? "dynamic" : "permanent");
}

static void print_fdb_json(const char *dev, const struct vxoff_fdb_entry *e, uint32_t n,
			   bool pretty)
{
	const char *nl = pretty ? "\n" : "", *sp = pretty ? " " : "";
	char buf[INET6_ADDRSTRLEN + 16];

	printf("{%s%s\"schema\":%s\"%s\",%s%s\"dev\":%s", nl, pretty ? "  " : "", sp, FDB_SCHEMA,
	       nl, pretty ? "  " : "", sp);
	cli_put_json_string(dev);
	printf(",%s%s\"fdb\":%s[", nl, pretty ? "  " : "", sp);
	for (uint32_t i = 0; i < n; i++) {
		printf("%s%s%s{", i ? "," : "", nl, pretty ? "    " : "");
		printf("\"mac\":%s\"%02x:%02x:%02x:%02x:%02x:%02x\"", sp, e[i].mac[0],
		       e[i].mac[1], e[i].mac[2], e[i].mac[3], e[i].mac[4], e[i].mac[5]);
		if (e[i].dst_family)
			printf(",%s\"dst\":%s\"%s\"", sp, sp,
			       addr_str(e[i].dst_family, e[i].dst, buf, sizeof(buf)));
		if (e[i].flags & VXOFF_FDB_F_PORT)
			printf(",%s\"port\":%s%u", sp, sp, e[i].port);
		if (e[i].flags & VXOFF_FDB_F_VNI)
			printf(",%s\"vni\":%s%u", sp, sp, e[i].vni);
		if (e[i].flags & VXOFF_FDB_F_SRC_VNI)
			printf(",%s\"src_vni\":%s%u", sp, sp, e[i].src_vni);
		if (e[i].flags & VXOFF_FDB_F_IFINDEX)
			printf(",%s\"via_ifindex\":%s%u", sp, sp, e[i].ifindex);
		printf(",%s\"dynamic\":%s%s}", sp, sp,
		       e[i].flags & VXOFF_FDB_F_DYNAMIC ? "true" : "false");
	}
	printf("%s%s]%s}\n", n ? nl : "", n && pretty ? "  " : "", nl);
}

static int cmd_fdb(int argc, char **argv, struct common *c)
{
	struct vxoff_fdb_entry e, *list = NULL;
	struct vxoff_ctx *ctx;
	const char *verb, *dev;
	char *via = NULL;
	uint32_t n = 0, flags = 0;
	int rc, r, i;

	rc = sub_getopt(argc, argv, c);
	if (rc >= 0)
		return rc;
	if (argc - optind < 2)
		return cli_usage_error(cur_syn, "%s: needs a verb and the device NAME", cur_cmd);
	verb = argv[optind];
	dev = argv[optind + 1];
	i = optind + 2;
	if (!strcmp(verb, "show")) {
		if (i < argc)
			return cli_usage_error(cur_syn, "%s: unexpected '%s'", cur_cmd, argv[i]);
	} else if (!strcmp(verb, "add") || !strcmp(verb, "append") || !strcmp(verb, "replace") ||
		   !strcmp(verb, "del")) {
		if (parse_fdb(argv, argc, &i, strcmp(verb, "del") != 0, &e, &via) < 0)
			return CLI_EXIT_USAGE;
		if (i < argc)
			return cli_usage_error(cur_syn, "%s: unknown keyword '%s'", cur_cmd,
					       argv[i]);
		flags = !strcmp(verb, "append")	   ? VXOFF_FDB_ADD_APPEND
			: !strcmp(verb, "replace") ? VXOFF_FDB_ADD_REPLACE
						   : 0;
	} else {
		return cli_usage_error(cur_syn, "%s: unknown verb '%s'", cur_cmd, verb);
	}
	ctx = cli_ctx_new(c->netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	if (via && resolve_via(ctx, &e, &via, 1) < 0) {
		rc = CLI_EXIT_FAIL;
	} else if (!strcmp(verb, "show")) {
		r = vxoff_fdb_list(ctx, dev, &list, &n);
		if (r < 0) {
			rc = cli_error(ctx, r);
		} else {
			rc = CLI_EXIT_OK;
			if (c->json)
				print_fdb_json(dev, list, n, c->pretty);
			else
				for (uint32_t k = 0; k < n; k++)
					print_fdb_text(ctx, &list[k]);
		}
		vxoff_free(list);
	} else {
		if (!strcmp(verb, "del"))
			r = vxoff_fdb_del(ctx, dev, &e);
		else
			r = vxoff_fdb_add(ctx, dev, &e, flags);
		rc = r < 0 ? cli_error(ctx, r) : CLI_EXIT_OK;
		if (r >= 0)
			print_warnings(ctx);
	}
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}

static int cmd_addr(int argc, char **argv, struct common *c)
{
	struct vxoff_tunnel_addr a;
	struct vxoff_ctx *ctx;
	const char *verb;
	int rc, r;

	rc = sub_getopt(argc, argv, c);
	if (rc >= 0)
		return rc;
	if (argc - optind != 3)
		return cli_usage_error(cur_syn, "%s: needs add|del, NAME and ADDR/PLEN", cur_cmd);
	verb = argv[optind];
	if (strcmp(verb, "add") && strcmp(verb, "del"))
		return cli_usage_error(cur_syn, "%s: unknown verb '%s'", cur_cmd, verb);
	if (parse_prefix("addr", argv[optind + 2], &a) < 0)
		return CLI_EXIT_USAGE;
	ctx = cli_ctx_new(c->netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	if (!strcmp(verb, "add"))
		r = vxoff_tunnel_addr_add(ctx, argv[optind + 1], &a);
	else
		r = vxoff_tunnel_addr_del(ctx, argv[optind + 1], &a);
	rc = r < 0 ? cli_error(ctx, r) : CLI_EXIT_OK;
	if (r >= 0)
		print_warnings(ctx);
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}

int cmd_tunnel(int argc, char **argv)
{
	/* clang-format off */
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv, struct common *c);
		const char *syn;
		const char *cmd;
	} subs[] = {
		{"add", cmd_set, SYN_ADD, "tunnel add"},
		{"change", cmd_set, SYN_ADD, "tunnel change"},
		{"replace", cmd_set, SYN_ADD, "tunnel replace"},
		{"del", cmd_del, SYN_DEL, "tunnel del"},
		{"delete", cmd_del, SYN_DEL, "tunnel del"},
		{"show", cmd_show, SYN_SHOW, "tunnel show"},
		{"list", cmd_show, SYN_SHOW, "tunnel show"},
		{"fdb", cmd_fdb, SYN_FDB, "tunnel fdb"},
		{"addr", cmd_addr, SYN_ADDR, "tunnel addr"},
	};
	/* clang-format on */
	static const struct option opts[] = {
		{"netns", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct common c = {0};
	const char *sub;
	int ch;

	cur_syn = SYN_ALL;
	cur_cmd = "tunnel";
	opterr = 0;
	/* "+": options before the subcommand; the subcommand reads its own after it */
	while ((ch = getopt_long(argc, argv, "+n:jph", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			c.netns = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'p':
			c.json = c.pretty = true;
			break;
		case 'h':
			help();
			return cli_finish_output(CLI_EXIT_OK);
		default: /* ':' an argument missing, '?' an unknown option */
			return cli_getopt_error(SYN_ALL, "tunnel", ch, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(SYN_ALL, "tunnel: needs a subcommand");
	sub = argv[optind];
	if (!strcmp(sub, "help")) {
		if (optind + 1 < argc && !strcmp(argv[optind + 1], "--markdown"))
			help_markdown();
		else
			help();
		return cli_finish_output(CLI_EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if (strcmp(sub, subs[i].name))
			continue;
		cur_syn = subs[i].syn;
		cur_cmd = subs[i].cmd;
		return subs[i].run(argc - optind, argv + optind, &c);
	}
	return cli_usage_error(SYN_ALL, "tunnel: unknown subcommand '%s'", sub);
}
