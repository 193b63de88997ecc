/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Integration tests of the TUNNEL capability against the real kernel, as root, in throwaway
 * namespaces vxoff-t<pid>-* with veth underlays (test_tunnel_util.h). Public API only; the
 * oracles are iproute2 6.1 (`ip -d -j link show`, `ip -j addr show`, `bridge -j fdb show`,
 * parsed with json-c) and, for the attributes ip 6.1 cannot print, a raw RTM_GETLINK.
 *
 *   options_one_by_one   every VXOFF_TUN_* with a non-default value vs ip's read-back (and the
 *                        same check must fail on a device without the option)
 *   random_vs_ip         >= 200 random option combinations (seed printed; env VXOFF_TEST_SEED,
 *                        VXOFF_TEST_COMBOS): vxoff in namespace A vs `ip link add` in B, both
 *                        reject or both give equal read-backs (link, FDB, addresses)
 *   fdb                  add/append/replace/del vs bridge; vxoff_fdb_list == bridge's list
 *   create_fdb_addrs_up  create with FDB entries, addresses and up in one call
 *   change_each          each changeable option on a live device; nothing else changes
 *   change_create_only   each create-only option: -EINVAL naming it, device unchanged
 *   replace              new options, FDB and addresses kept; a failed replace restores
 *   bad_input            each bad option: a clear error naming it, namespace unchanged
 *   list_get_delete      list/get/delete/delete_many vs ip, their error paths
 *   no_namespace_left    (last) `ip netns list` holds none of ours
 *
 * Without root, netns or the vxlan module every test skip()s and says why.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_tunnel_util.h"

#define BIT(id) (1ull << (id))

/* IFLA_VXLAN_* numbers (kernel-interfaces.md §1.2); the 6.1 headers lack 31..34. */
#define RAW_REMCSUM_NOPARTIAL 24
#define RAW_TTL_INHERIT 28
#define RAW_LOCALBYPASS 31
#define RAW_LABEL_POLICY 32
#define RAW_RESERVED_BITS 33

static const char *skip_why;

struct fx {
	char a[64], b[64], c[64];
	struct vxoff_ctx *ca, *cb;
};

#define SKIP_IF_NEEDED()                                                                           \
	do {                                                                                       \
		if (skip_why) {                                                                    \
			print_message("SKIP: %s\n", skip_why);                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static int fx_setup(void **state, bool two)
{
	struct fx *f = calloc(1, sizeof(*f));

	*state = f;
	if (skip_why)
		return 0;
	if (tt_ns_add("a", f->a, sizeof(f->a)) || tt_ns_underlays(f->a))
		return -1;
	f->ca = tt_ctx(f->a);
	if (!f->ca)
		return -1;
	if (two) {
		if (tt_ns_add("b", f->b, sizeof(f->b)) || tt_ns_underlays(f->b))
			return -1;
		f->cb = tt_ctx(f->b);
		if (!f->cb)
			return -1;
	}
	return 0;
}

static int setup1(void **state)
{
	return fx_setup(state, false);
}

static int setup2(void **state)
{
	return fx_setup(state, true);
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	vxoff_ctx_free(f->ca);
	vxoff_ctx_free(f->cb);
	tt_ns_del(f->a);
	tt_ns_del(f->b);
	tt_ns_del(f->c);
	free(f);
	return 0;
}

/* Fail with the call's error message. */
#define ASSERT_RC(ctx, call, want)                                                                 \
	do {                                                                                       \
		int _r = (call);                                                                   \
		if (_r != (want))                                                                  \
			fail_msg("%s = %d (%s), want %d: %s", #call, _r, strerror(-_r), (want),    \
				 tt_errmsg(ctx));                                                  \
	} while (0)

static json_object *jparse(const char *s)
{
	json_object *j = json_tokener_parse(s);
	if (!j)
		fail_msg("bad JSON in the test itself: %s", s);
	return j;
}

/* ------------------------------------------------------------------------------------------ */
/* options one by one */

enum {
	C_VNI, C_PORT, C_LOCAL4, C_LOCAL6, C_REMOTE4, C_REMOTE6, C_GROUP4, C_GROUP6,
	C_UNDERLAY_NAME, C_UNDERLAY_IFINDEX, C_SRCPORT, C_TTL, C_TTL_INHERIT, C_TOS,
	C_TOS_INHERIT, C_DF_SET, C_DF_INHERIT, C_LABEL, C_LABEL_POLICY, C_LEARNING, C_PROXY,
	C_RSC, C_L2MISS, C_L3MISS, C_AGEING, C_MAXADDR, C_UDP_CSUM, C_ZCSUM6_TX, C_ZCSUM6_RX,
	C_REMCSUM_TX, C_REMCSUM_RX, C_REMCSUM_NOPARTIAL, C_GBP, C_GPE, C_EXTERNAL, C_VNIFILTER,
	C_LOCALBYPASS, C_MC_ROUTE, C_RESERVED_BITS, C_MTU, C_MTU_AUTO4, C_MTU_AUTO6, C_MAC,
	C_UP, C_NETNS, C_COUNT
};

struct optcase {
	int c;
	uint32_t id;	  /* the VXOFF_TUN_* under test */
	const char *info; /* subset of info_data ip must print (null = key absent) */
	const char *top;  /* subset of the link object */
	int raw;	  /* IFLA_VXLAN_* to read raw, 0 = none */
	const char *raw_hex;
	bool nodiff;	  /* the kernel default equals the value (only "it is applied") */
};

static const struct optcase cases[] = {
	{ C_VNI, VXOFF_TUN_VNI, "{\"id\":4242}", NULL, 0, NULL, false },
	{ C_PORT, VXOFF_TUN_PORT, "{\"port\":4790}", NULL, 0, NULL, false },
	{ C_LOCAL4, VXOFF_TUN_LOCAL, "{\"local\":\"" TT_V0_IP4 "\"}", NULL, 0, NULL, false },
	{ C_LOCAL6, VXOFF_TUN_LOCAL, "{\"local6\":\"" TT_V0_IP6 "\"}", NULL, 0, NULL, false },
	{ C_REMOTE4, VXOFF_TUN_REMOTE, "{\"remote\":\"" TT_V1_IP4 "\"}", NULL, 0, NULL, false },
	{ C_REMOTE6, VXOFF_TUN_REMOTE, "{\"remote6\":\"" TT_V1_IP6 "\"}", NULL, 0, NULL, false },
	{ C_GROUP4, VXOFF_TUN_GROUP, "{\"group\":\"239.1.1.1\",\"link\":\"v0\"}", NULL, 0, NULL,
	  false },
	{ C_GROUP6, VXOFF_TUN_GROUP, "{\"group6\":\"ff05::1\",\"link\":\"v0\"}", NULL, 0, NULL,
	  false },
	{ C_UNDERLAY_NAME, VXOFF_TUN_UNDERLAY, "{\"link\":\"u0\"}", "{\"mtu\":8950}", 0, NULL,
	  false },
	{ C_UNDERLAY_IFINDEX, VXOFF_TUN_UNDERLAY, "{\"link\":\"u0\"}", NULL, 0, NULL, false },
	{ C_SRCPORT, VXOFF_TUN_SRCPORT, "{\"port_range\":{\"low\":1000,\"high\":2000}}", NULL, 0,
	  NULL, false },
	{ C_TTL, VXOFF_TUN_TTL, "{\"ttl\":64}", NULL, 0, NULL, false },
	/* ip 6.1 prints no "ttl" key when TTL_INHERIT is 1 (and "ttl" 0 otherwise) */
	{ C_TTL_INHERIT, VXOFF_TUN_TTL_INHERIT, "{\"ttl\":null}", NULL, RAW_TTL_INHERIT, "01",
	  false },
	{ C_TOS, VXOFF_TUN_TOS, "{\"tos\":\"0x10\"}", NULL, 0, NULL, false },
	{ C_TOS_INHERIT, VXOFF_TUN_TOS, "{\"tos\":\"0x1\"}", NULL, 0, NULL, false },
	{ C_DF_SET, VXOFF_TUN_DF, "{\"df\":\"set\"}", NULL, 0, NULL, false },
	{ C_DF_INHERIT, VXOFF_TUN_DF, "{\"df\":\"inherit\"}", NULL, 0, NULL, false },
	{ C_LABEL, VXOFF_TUN_LABEL, "{\"label\":\"0x12345\"}", NULL, 0, NULL, false },
	/* ip 6.1 knows no label policy: raw u32 (host order) 1 = inherit */
	{ C_LABEL_POLICY, VXOFF_TUN_LABEL_POLICY, NULL, NULL, RAW_LABEL_POLICY, "01000000",
	  false },
	{ C_LEARNING, VXOFF_TUN_LEARNING, "{\"learning\":false}", NULL, 0, NULL, false },
	{ C_PROXY, VXOFF_TUN_PROXY, "{\"proxy\":true}", NULL, 0, NULL, false },
	{ C_RSC, VXOFF_TUN_RSC, "{\"rsc\":true}", NULL, 0, NULL, false },
	{ C_L2MISS, VXOFF_TUN_L2MISS, "{\"l2miss\":true}", NULL, 0, NULL, false },
	{ C_L3MISS, VXOFF_TUN_L3MISS, "{\"l3miss\":true}", NULL, 0, NULL, false },
	{ C_AGEING, VXOFF_TUN_AGEING, "{\"ageing\":100}", NULL, 0, NULL, false },
	{ C_MAXADDR, VXOFF_TUN_MAXADDR, "{\"limit\":10}", NULL, 0, NULL, false },
	{ C_UDP_CSUM, VXOFF_TUN_UDP_CSUM, "{\"udp_csum\":false}", NULL, 0, NULL, false },
	{ C_ZCSUM6_TX, VXOFF_TUN_UDP6_ZERO_CSUM_TX, "{\"udp_zero_csum6_tx\":true}", NULL, 0,
	  NULL, false },
	{ C_ZCSUM6_RX, VXOFF_TUN_UDP6_ZERO_CSUM_RX, "{\"udp_zero_csum6_rx\":true}", NULL, 0,
	  NULL, false },
	{ C_REMCSUM_TX, VXOFF_TUN_REMCSUM_TX, "{\"remcsum_tx\":true}", NULL, 0, NULL, false },
	{ C_REMCSUM_RX, VXOFF_TUN_REMCSUM_RX, "{\"remcsum_rx\":true}", NULL, 0, NULL, false },
	/* ip 6.1 prints no remcsum_nopartial: a raw empty flag */
	{ C_REMCSUM_NOPARTIAL, VXOFF_TUN_REMCSUM_NOPARTIAL, NULL, NULL, RAW_REMCSUM_NOPARTIAL,
	  "", false },
	{ C_GBP, VXOFF_TUN_GBP, "{\"gbp\":true}", NULL, 0, NULL, false },
	{ C_GPE, VXOFF_TUN_GPE, "{\"gpe\":true}", NULL, 0, NULL, false },
	{ C_EXTERNAL, VXOFF_TUN_EXTERNAL, "{\"external\":true}", NULL, 0, NULL, false },
	{ C_VNIFILTER, VXOFF_TUN_VNIFILTER, "{\"vnifilter\":true}", NULL, 0, NULL, false },
	/* ip 6.1 knows no localbypass: raw u8 */
	{ C_LOCALBYPASS, VXOFF_TUN_LOCALBYPASS, NULL, NULL, RAW_LOCALBYPASS, "00", false },
	/* MC_ROUTE is accepted but never dumped by 6.18: only "created, nothing else differs" */
	{ C_MC_ROUTE, VXOFF_TUN_MC_ROUTE, NULL, NULL, 0, NULL, true },
	/* ip 6.1 knows no reserved bits: raw 8 bytes (default f7ffffff000000ff) */
	{ C_RESERVED_BITS, VXOFF_TUN_RESERVED_BITS, NULL, NULL, RAW_RESERVED_BITS,
	  "0000000000000000", false },
	{ C_MTU, VXOFF_TUN_MTU, NULL, "{\"mtu\":1400}", 0, NULL, false },
	/* MTU auto = the kernel's own default with an underlay: applied, not different */
	{ C_MTU_AUTO4, VXOFF_TUN_MTU, NULL, "{\"mtu\":8950}", 0, NULL, true },
	{ C_MTU_AUTO6, VXOFF_TUN_MTU, NULL, "{\"mtu\":8930}", 0, NULL, true },
	{ C_MAC, VXOFF_TUN_MAC, NULL, "{\"address\":\"02:11:22:33:44:55\"}", 0, NULL, false },
	{ C_UP, VXOFF_TUN_UP, NULL,
	  "{\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"]}", 0, NULL, false },
	{ C_NETNS, VXOFF_TUN_NETNS, NULL, NULL, 0, NULL, false },
};

/* Options of case c: the prerequisites always, the option itself when with. */
static void case_opts(const struct fx *f, int c, bool with, struct vxoff_tunnel_opts *o)
{
	tt_opts_init(o, c == C_VNI && with ? 4242 : 100, c == C_PORT && with ? 4790 : 4789);
	switch (c) {
	case C_LOCAL4:
		if (with) {
			tt_opt_set(o, VXOFF_TUN_LOCAL);
			o->local_family = tt_addr(TT_V0_IP4, o->local);
		}
		break;
	case C_LOCAL6:
		if (with) {
			tt_opt_set(o, VXOFF_TUN_LOCAL);
			o->local_family = tt_addr(TT_V0_IP6, o->local);
		}
		break;
	case C_REMOTE4:
		if (with) {
			tt_opt_set(o, VXOFF_TUN_REMOTE);
			o->remote_family = tt_addr(TT_V1_IP4, o->remote);
		}
		break;
	case C_GROUP4:
	case C_GROUP6:
	case C_MC_ROUTE:
		o->underlay = "v0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		if (with || c == C_MC_ROUTE) {
			tt_opt_set(o, VXOFF_TUN_GROUP);
			o->group_family = tt_addr(c == C_GROUP6 ? "ff05::1" : "239.1.1.1", o->group);
		}
		if (with && c == C_MC_ROUTE)
			tt_opt_bool(o, VXOFF_TUN_MC_ROUTE, true);
		break;
	case C_UNDERLAY_NAME:
		if (with) {
			o->underlay = "u0";
			tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		}
		break;
	case C_UNDERLAY_IFINDEX:
		if (with) {
			o->underlay_ifindex = tt_ifindex(f->a, "u0");
			tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		}
		break;
	case C_SRCPORT:
		if (with) {
			o->srcport_min = 1000;
			o->srcport_max = 2000;
			tt_opt_set(o, VXOFF_TUN_SRCPORT);
		}
		break;
	case C_TTL:
		if (with) {
			o->ttl = 64;
			tt_opt_set(o, VXOFF_TUN_TTL);
		}
		break;
	case C_TTL_INHERIT:
		if (with)
			tt_opt_bool(o, VXOFF_TUN_TTL_INHERIT, true);
		break;
	case C_TOS:
	case C_TOS_INHERIT:
		if (with) {
			o->tos = c == C_TOS ? 0x10 : 1;
			tt_opt_set(o, VXOFF_TUN_TOS);
		}
		break;
	case C_DF_SET:
	case C_DF_INHERIT:
		if (with) {
			o->df = c == C_DF_SET ? VXOFF_DF_SET : VXOFF_DF_INHERIT;
			tt_opt_set(o, VXOFF_TUN_DF);
		}
		break;
	case C_REMOTE6:
	case C_LABEL:
	case C_LABEL_POLICY:
	case C_ZCSUM6_TX:
	case C_ZCSUM6_RX:
		/* an IPv6 device: the option case C_REMOTE6 adds the remote only "with" */
		if (c != C_REMOTE6 || with) {
			tt_opt_set(o, VXOFF_TUN_REMOTE);
			o->remote_family = tt_addr(TT_V1_IP6, o->remote);
		}
		if (with && c == C_LABEL) {
			o->label = 0x12345;
			tt_opt_set(o, VXOFF_TUN_LABEL);
		}
		if (with && c == C_LABEL_POLICY) {
			o->label_policy = VXOFF_LABEL_INHERIT;
			tt_opt_set(o, VXOFF_TUN_LABEL_POLICY);
		}
		if (with && c == C_ZCSUM6_TX)
			tt_opt_bool(o, VXOFF_TUN_UDP6_ZERO_CSUM_TX, true);
		if (with && c == C_ZCSUM6_RX)
			tt_opt_bool(o, VXOFF_TUN_UDP6_ZERO_CSUM_RX, true);
		break;
	case C_LEARNING:
		if (with)
			tt_opt_bool(o, VXOFF_TUN_LEARNING, false);
		break;
	case C_PROXY:
	case C_RSC:
	case C_L2MISS:
	case C_L3MISS:
	case C_REMCSUM_TX:
	case C_REMCSUM_RX:
	case C_REMCSUM_NOPARTIAL:
	case C_GBP:
	case C_EXTERNAL:
		if (with) {
			static const uint32_t ids[C_COUNT] = {
				[C_PROXY] = VXOFF_TUN_PROXY,
				[C_RSC] = VXOFF_TUN_RSC,
				[C_L2MISS] = VXOFF_TUN_L2MISS,
				[C_L3MISS] = VXOFF_TUN_L3MISS,
				[C_REMCSUM_TX] = VXOFF_TUN_REMCSUM_TX,
				[C_REMCSUM_RX] = VXOFF_TUN_REMCSUM_RX,
				[C_REMCSUM_NOPARTIAL] = VXOFF_TUN_REMCSUM_NOPARTIAL,
				[C_GBP] = VXOFF_TUN_GBP,
				[C_EXTERNAL] = VXOFF_TUN_EXTERNAL,
			};
			tt_opt_bool(o, ids[c], true);
		}
		break;
	case C_AGEING:
		if (with) {
			o->ageing = 100;
			tt_opt_set(o, VXOFF_TUN_AGEING);
		}
		break;
	case C_MAXADDR:
		if (with) {
			o->maxaddr = 10;
			tt_opt_set(o, VXOFF_TUN_MAXADDR);
		}
		break;
	case C_UDP_CSUM:
		if (with)
			tt_opt_bool(o, VXOFF_TUN_UDP_CSUM, false);
		break;
	case C_GPE:
		tt_opt_bool(o, VXOFF_TUN_EXTERNAL, true);
		tt_opt_bool(o, VXOFF_TUN_LEARNING, false);
		if (with)
			tt_opt_bool(o, VXOFF_TUN_GPE, true);
		break;
	case C_VNIFILTER:
		tt_opt_bool(o, VXOFF_TUN_EXTERNAL, true);
		if (with)
			tt_opt_bool(o, VXOFF_TUN_VNIFILTER, true);
		break;
	case C_LOCALBYPASS:
		if (with)
			tt_opt_bool(o, VXOFF_TUN_LOCALBYPASS, false);
		break;
	case C_RESERVED_BITS:
		if (with)
			tt_opt_set(o, VXOFF_TUN_RESERVED_BITS); /* all zero: accept any bit */
		break;
	case C_MTU:
		o->underlay = "v0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		if (with) {
			o->mtu = 1400;
			tt_opt_set(o, VXOFF_TUN_MTU);
		}
		break;
	case C_MTU_AUTO4:
	case C_MTU_AUTO6:
		o->underlay = "u0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		if (c == C_MTU_AUTO6) {
			tt_opt_set(o, VXOFF_TUN_REMOTE);
			o->remote_family = tt_addr("2001:db8:1::2", o->remote);
		}
		if (with) {
			o->flags |= VXOFF_TUNNEL_F_MTU_AUTO;
			tt_opt_set(o, VXOFF_TUN_MTU);
		}
		break;
	case C_MAC:
		if (with) {
			static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
			memcpy(o->mac, mac, 6);
			tt_opt_set(o, VXOFF_TUN_MAC);
		}
		break;
	case C_UP:
		if (with)
			tt_opt_bool(o, VXOFF_TUN_UP, true);
		break;
	case C_NETNS:
		if (with) {
			o->target_netns = f->c;
			tt_opt_set(o, VXOFF_TUN_NETNS);
		}
		break;
	default:
		break;
	}
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* The library's own read-back (vxoff_tunnel_opts_get) must report what was asked. */
static bool readback_ok(const struct optcase *k, const struct vxoff_tunnel_opts *w,
			const struct vxoff_tunnel_opts *g, uint32_t ifidx, char *why, size_t len)
{
	uint32_t id = k->id;
	const uint64_t bools = BIT(VXOFF_TUN_TTL_INHERIT) | BIT(VXOFF_TUN_LEARNING) |
			       BIT(VXOFF_TUN_PROXY) | BIT(VXOFF_TUN_RSC) | BIT(VXOFF_TUN_L2MISS) |
			       BIT(VXOFF_TUN_L3MISS) | BIT(VXOFF_TUN_UDP_CSUM) |
			       BIT(VXOFF_TUN_UDP6_ZERO_CSUM_TX) | BIT(VXOFF_TUN_UDP6_ZERO_CSUM_RX) |
			       BIT(VXOFF_TUN_REMCSUM_TX) | BIT(VXOFF_TUN_REMCSUM_RX) |
			       BIT(VXOFF_TUN_REMCSUM_NOPARTIAL) | BIT(VXOFF_TUN_GBP) |
			       BIT(VXOFF_TUN_GPE) | BIT(VXOFF_TUN_EXTERNAL) |
			       BIT(VXOFF_TUN_VNIFILTER) | BIT(VXOFF_TUN_LOCALBYPASS);

	if (id == VXOFF_TUN_MC_ROUTE || id == VXOFF_TUN_MTU || id == VXOFF_TUN_MAC ||
	    id == VXOFF_TUN_UP || id == VXOFF_TUN_NETNS)
		return true; /* not options of the dump (checked through ip / info) */
	if (!(g->set & BIT(id))) {
		snprintf(why, len, "opts_get: .set lacks bit %u (%s)", id, vxoff_tun_option_name(id));
		return false;
	}
#define CMPF(field)                                                                                \
	if (w->field != g->field) {                                                                \
		snprintf(why, len, "opts_get: " #field " %u, want %u", (unsigned)g->field,        \
			 (unsigned)w->field);                                                      \
		return false;                                                                      \
	}
	if (bools & BIT(id)) {
		if (((g->on ^ w->on) & BIT(id)) != 0) {
			snprintf(why, len, "opts_get: %s is %s", vxoff_tun_option_name(id),
				 (g->on & BIT(id)) ? "on" : "off");
			return false;
		}
		return true;
	}
	switch (id) {
	case VXOFF_TUN_VNI: CMPF(vni) break;
	case VXOFF_TUN_PORT: CMPF(port) break;
	case VXOFF_TUN_SRCPORT: CMPF(srcport_min) CMPF(srcport_max) break;
	case VXOFF_TUN_TTL: CMPF(ttl) break;
	case VXOFF_TUN_TOS: CMPF(tos) break;
	case VXOFF_TUN_DF: CMPF(df) break;
	case VXOFF_TUN_LABEL: CMPF(label) break;
	case VXOFF_TUN_LABEL_POLICY: CMPF(label_policy) break;
	case VXOFF_TUN_AGEING: CMPF(ageing) break;
	case VXOFF_TUN_MAXADDR: CMPF(maxaddr) break;
	case VXOFF_TUN_UNDERLAY:
		if (g->underlay_ifindex != ifidx) {
			snprintf(why, len, "opts_get: underlay_ifindex %u, want %u",
				 g->underlay_ifindex, ifidx);
			return false;
		}
		break;
	case VXOFF_TUN_LOCAL:
		CMPF(local_family)
		if (memcmp(w->local, g->local, w->local_family == AF_INET ? 4 : 16)) {
			snprintf(why, len, "opts_get: local differs");
			return false;
		}
		break;
	case VXOFF_TUN_REMOTE:
		CMPF(remote_family)
		if (memcmp(w->remote, g->remote, w->remote_family == AF_INET ? 4 : 16)) {
			snprintf(why, len, "opts_get: remote differs");
			return false;
		}
		break;
	case VXOFF_TUN_GROUP:
		CMPF(group_family)
		if (memcmp(w->group, g->group, w->group_family == AF_INET ? 4 : 16)) {
			snprintf(why, len, "opts_get: group differs");
			return false;
		}
		break;
	case VXOFF_TUN_RESERVED_BITS:
		if (memcmp(w->reserved_bits, g->reserved_bits, 8)) {
			char a[17], b[17];
			hex(g->reserved_bits, 8, a);
			hex(w->reserved_bits, 8, b);
			snprintf(why, len, "opts_get: reserved_bits %s, want %s", a, b);
			return false;
		}
		break;
	default:
		break;
	}
#undef CMPF
	return true;
}

/* The ip (and raw) checks of case k on device dev of ns; false + why when they fail. */
static bool case_holds(const struct optcase *k, const char *ns, const char *dev, char *why,
		       size_t len)
{
	json_object *l = tt_link(ns, dev);
	bool ok = true;

	if (!l) {
		snprintf(why, len, "ip link show %s: no such device", dev);
		return false;
	}
	if (k->info) {
		json_object *w = jparse(k->info), *d = tt_info_data(l);
		ok = d && tt_json_subset(d, w, why, len);
		if (!d)
			snprintf(why, len, "no info_data");
		json_object_put(w);
	}
	if (ok && k->top) {
		json_object *w = jparse(k->top);
		ok = tt_json_subset(l, w, why, len);
		json_object_put(w);
	}
	json_object_put(l);
	if (ok && k->raw) {
		uint8_t buf[64];
		size_t n = sizeof(buf);
		char h[160];
		int r = tt_raw_vxlan_attr(ns, dev, (uint16_t)k->raw, buf, &n);
		if (r != 1) {
			snprintf(why, len, "raw IFLA_VXLAN %d absent", k->raw);
			return false;
		}
		hex(buf, n, h);
		if (strcmp(h, k->raw_hex) != 0) {
			snprintf(why, len, "raw IFLA_VXLAN %d = \"%s\", want \"%s\"", k->raw, h,
				 k->raw_hex);
			return false;
		}
	}
	return ok;
}

static void test_options_one_by_one(void **state)
{
	struct fx *f = *state;
	int failures = 0;

	SKIP_IF_NEEDED();
	assert_int_equal(tt_ns_add("c", f->c, sizeof(f->c)), 0);
	assert_int_equal(sizeof(cases) / sizeof(cases[0]), C_COUNT);
	for (size_t i = 0; i < C_COUNT; i++) {
		const struct optcase *k = &cases[i];
		struct vxoff_tunnel_opts base, o;
		struct vxoff_tunnel *t = NULL;
		char why[512] = "";
		int r;

		assert_int_equal(k->c, (int)i);
		/* 1. baseline without the option: the check must not hold there */
		case_opts(f, k->c, false, &base);
		r = vxoff_tunnel_create(f->ca, "vxb", &base, NULL);
		if (r != 0) {
			print_error("case %zu (%s): baseline create = %d: %s\n", i,
				    vxoff_tun_option_name(k->id), r, tt_errmsg(f->ca));
			failures++;
			continue;
		}
		if (!k->nodiff && k->c != C_NETNS && (k->info || k->top || k->raw) &&
		    case_holds(k, f->a, "vxb", why, sizeof(why))) {
			print_error("case %zu (%s): already holds without the option: the test "
				    "proves nothing\n",
				    i, vxoff_tun_option_name(k->id));
			failures++;
		}
		json_object *bl = tt_link(f->a, "vxb");
		if (vxoff_tunnel_delete(f->ca, "vxb") != 0) {
			print_error("case %zu: delete vxb: %s\n", i, tt_errmsg(f->ca));
			failures++;
		}

		/* 2. with the option */
		case_opts(f, k->c, true, &o);
		r = vxoff_tunnel_create(f->ca, "vxo", &o, &t);
		if (r == -EOPNOTSUPP && tt_ifindex(f->a, "vxo") == 0) {
			/* a kernel built without the option (6.18.44-fc refuses remcsum
			 * nopartial): the refusal is reported with the kernel's words and
			 * nothing is left behind, which is what the library owes here */
			print_message("case %zu (%s): SKIP: this kernel refuses it: %s\n", i,
				      vxoff_tun_option_name(k->id), tt_errmsg(f->ca));
			json_object_put(bl);
			continue;
		}
		if (r != 0) {
			print_error("case %zu (%s): create = %d (%s): %s\n", i,
				    vxoff_tun_option_name(k->id), r, strerror(-r), tt_errmsg(f->ca));
			failures++;
			json_object_put(bl);
			continue;
		}
		const char *ns = k->c == C_NETNS ? f->c : f->a;
		if (k->c == C_NETNS) {
			/* it must be in c, not in a */
			json_object *in_a = tt_link(f->a, "vxo");
			if (in_a || tt_ifindex(f->c, "vxo") == 0) {
				print_error("case netns: device not moved (in a: %s)\n",
					    in_a ? "yes" : "no");
				failures++;
			}
			json_object_put(in_a);
		}
		if (!case_holds(k, ns, "vxo", why, sizeof(why))) {
			print_error("case %zu (%s): %s\n", i, vxoff_tun_option_name(k->id), why);
			failures++;
		}
		/* nothing else differs from the baseline than what the case says */
		json_object *ol = tt_link(ns, "vxo");
		if (bl && ol && (k->c == C_MC_ROUTE || k->c == C_RESERVED_BITS ||
				 k->c == C_LOCALBYPASS || k->c == C_LABEL_POLICY ||
				 k->c == C_REMCSUM_NOPARTIAL || k->c == C_MTU_AUTO4 ||
				 k->c == C_MTU_AUTO6)) {
			tt_link_normalise(bl, false);
			tt_link_normalise(ol, false);
			if (!json_object_equal(bl, ol)) {
				print_error("case %zu (%s): ip read-back differs from the baseline:\n"
					    "  base %s\n  with %s\n",
					    i, vxoff_tun_option_name(k->id),
					    json_object_to_json_string(bl),
					    json_object_to_json_string(ol));
				failures++;
			}
		}
		json_object_put(bl);
		/* the library's read-back and info */
		if (k->c != C_NETNS) {
			VXOFF_OUT(vxoff_tunnel_opts, g);
			VXOFF_OUT(vxoff_tunnel_info, info);
			uint32_t want_if = tt_ifindex(f->a, o.underlay ? o.underlay : "u0");
			if (!t || vxoff_tunnel_opts_get(t, &g) != 0 ||
			    vxoff_tunnel_info_get(t, &info) != 0) {
				print_error("case %zu: no tunnel object / opts_get / info_get\n", i);
				failures++;
			} else {
				if (!readback_ok(k, &o, &g, want_if, why, sizeof(why))) {
					print_error("case %zu (%s): %s\n", i,
						    vxoff_tun_option_name(k->id), why);
					failures++;
				}
				json_object *jm = NULL, *ja = NULL;
				uint32_t ipidx = tt_ifindex(f->a, "vxo");
				if (!info.name || strcmp(info.name, "vxo") != 0 ||
				    info.ifindex != ipidx || !ol ||
				    !json_object_object_get_ex(ol, "mtu", &jm) ||
				    info.mtu != (uint32_t)json_object_get_int(jm) ||
				    ((info.flags & IFF_UP) != 0) != (k->c == C_UP)) {
					print_error("case %zu: info_get name %s ifindex %u (ip %u) mtu "
						    "%u flags %#x disagree with ip\n",
						    i, info.name ? info.name : "(null)", info.ifindex,
						    ipidx, info.mtu, info.flags);
					failures++;
				}
				json_object *full = tt_link(f->a, "vxo");
				if (full && json_object_object_get_ex(full, "address", &ja) &&
				    (!info.mac ||
				     strcmp(info.mac, json_object_get_string(ja)) != 0)) {
					print_error("case %zu: info_get mac %s, ip %s\n", i,
						    info.mac ? info.mac : "(null)",
						    json_object_get_string(ja));
					failures++;
				}
				json_object_put(full);
			}
		}
		json_object_put(ol);
		vxoff_tunnel_free(t);
		if (k->c == C_NETNS)
			tt_shq("ip -n %s link del vxo", f->c);
		else if (vxoff_tunnel_delete(f->ca, "vxo") != 0) {
			print_error("case %zu: delete vxo: %s\n", i, tt_errmsg(f->ca));
			failures++;
			tt_sh(NULL, NULL, "ip -n %s link del vxo", f->a);
		}
	}
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* random combinations, vxoff in A vs ip in B */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n) /* 0 .. n-1 (xorshift64*) */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)(((rng_state * 0x2545F4914F6CDD1Dull) >> 33) % n);
}

static bool chance(uint32_t pct)
{
	return rnd(100) < pct;
}

struct combo {
	struct vxoff_tunnel_opts o;
	struct vxoff_fdb_entry fdb[2];
	struct vxoff_tunnel_addr addr[2];
	char name[16];
	char ipargs[1024];  /* after "type vxlan" */
	char pre[256];	    /* link-level ip args before "type" (mtu, address, up) */
	char post[1024];    /* shell commands after the add (bridge fdb, ip addr) */
	bool a_ok, b_ok;
	int a_rc;
	char a_msg[512], b_msg[512];
};

#define APPEND(buf, ...) snprintf((buf) + strlen(buf), sizeof(buf) - strlen(buf), __VA_ARGS__)

static void ip_bool(struct combo *c, uint32_t id, const char *kw, bool has_no)
{
	bool on = chance(50);
	if (!has_no)
		on = true; /* ip 6.1 has no "no" form: only "on" is expressible */
	tt_opt_bool(&c->o, id, on);
	APPEND(c->ipargs, " %s%s", on ? "" : "no", kw);
}

/*
 * One random combination number i (names and VNIs unique within a run).
 *
 * What the comparison leaves out, and why (iproute2 6.1 is the other side):
 *  - options ip 6.1 cannot set are never generated: LABEL_POLICY, LOCALBYPASS, RESERVED_BITS,
 *    MC_ROUTE, REMCSUM_NOPARTIAL, NETNS (checked one by one against a raw RTM_GETLINK);
 *  - gbp, gpe and "ttl inherit" have no "no" form in ip: only "on" is generated;
 *  - ip 6.1 requires "id" unless "external" and refuses "id" with "external" (the kernel takes
 *    both): external combinations carry no VNI on either side;
 *  - ip sends learning 0 with "external" unless "learning" follows: vxoff is told the same;
 *  - MTU: the kernel silently clamps an MTU above underlay - 50/70 at creation, vxoff refuses
 *    it by design (test_bad_input), so only MTUs within the limit are generated; vxoff's
 *    automatic MTU is ip without "mtu";
 *  - compared: the whole `ip -d -j link show` object except ifindex, ifname, link_index and
 *    the MAC (random unless set); FDB entries except those learned from the namespace's own
 *    looped-back packets (dst 127.0.0.1/::1, timing-dependent); global addresses.
 */
static void combo_gen(struct combo *c, uint32_t i, const struct fx *f)
{
	static const uint32_t ports[] = { 4789, 4790, 8472, 0 };
	struct vxoff_tunnel_opts *o = &c->o;
	bool v6 = chance(40), ext = chance(12);
	const char *dev = NULL;
	uint32_t dev_mtu = 0;
	char a[INET6_ADDRSTRLEN];

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "vr%u", i);
	uint32_t port = ports[rnd(4)];
	if (!port)
		port = 10000 + rnd(1000);
	tt_opts_init(o, 1000 + i, port);
	if (ext) {
		/* ip 6.1 refuses "external" with "id" (the kernel accepts it): no VNI for either */
		o->set &= ~BIT(VXOFF_TUN_VNI);
		tt_opt_bool(o, VXOFF_TUN_EXTERNAL, true);
		APPEND(c->ipargs, " dstport %u external", port);
	} else {
		APPEND(c->ipargs, " id %u dstport %u", 1000 + i, port);
	}
	if (chance(60)) {
		bool u = chance(40);
		dev = u ? "u0" : "v0";
		dev_mtu = u ? 9000 : 1500;
		if (chance(50)) {
			o->underlay = dev;
		} else {
			o->underlay_ifindex = tt_ifindex(f->a, dev);
			/* the same name has another index in B: ip gets the name */
			if (o->underlay_ifindex != tt_ifindex(f->b, dev))
				o->underlay = dev, o->underlay_ifindex = 0;
		}
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		APPEND(c->ipargs, " dev %s", dev);
	}
	switch (rnd(4)) {
	case 1: /* unicast remote */
		if (v6)
			snprintf(a, sizeof(a), "2001:db8:2::%x", i + 1);
		else
			snprintf(a, sizeof(a), "198.18.%u.%u", 10 + i / 250, 1 + i % 250);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
		o->remote_family = tt_addr(a, o->remote);
		APPEND(c->ipargs, " remote %s", a);
		break;
	case 2: /* multicast group; without a dev both must reject */
		if (!dev && !chance(15))
			break;
		if (v6)
			snprintf(a, sizeof(a), "ff05::%x", 0x100 + i);
		else
			snprintf(a, sizeof(a), "239.1.%u.%u", i / 250, 1 + i % 250);
		tt_opt_set(o, VXOFF_TUN_GROUP);
		o->group_family = tt_addr(a, o->group);
		APPEND(c->ipargs, " group %s", a);
		break;
	default:
		break;
	}
	if (chance(35)) {
		/* the underlay's own address; 5% the other family (both reject) */
		bool fam6 = chance(5) ? !v6 : v6;
		const char *l = fam6 ? (dev && !strcmp(dev, "u0") ? TT_U0_IP6 : TT_V0_IP6)
				     : (dev && !strcmp(dev, "u0") ? TT_U0_IP4 : TT_V0_IP4);
		tt_opt_set(o, VXOFF_TUN_LOCAL);
		o->local_family = tt_addr(l, o->local);
		APPEND(c->ipargs, " local %s", l);
	}
	if (chance(15)) {
		uint32_t lo = 1024 + rnd(60000), hi = lo + rnd(2000);
		if (hi > 65535)
			hi = 65535;
		if (chance(5) && lo > 1025)
			hi = lo - 1; /* both reject */
		o->srcport_min = lo;
		o->srcport_max = hi;
		tt_opt_set(o, VXOFF_TUN_SRCPORT);
		APPEND(c->ipargs, " srcport %u %u", lo, hi);
	}
	if (chance(20)) {
		o->ttl = rnd(256);
		tt_opt_set(o, VXOFF_TUN_TTL);
		APPEND(c->ipargs, " ttl %u", o->ttl);
	} else if (chance(10)) {
		tt_opt_bool(o, VXOFF_TUN_TTL_INHERIT, true);
		APPEND(c->ipargs, " ttl inherit");
	}
	if (chance(20)) {
		o->tos = rnd(256);
		tt_opt_set(o, VXOFF_TUN_TOS);
		APPEND(c->ipargs, " tos %02x", o->tos); /* ip parses tos in hex */
	}
	if (chance(20)) {
		static const char *const dfs[] = { "unset", "set", "inherit" };
		o->df = rnd(3);
		tt_opt_set(o, VXOFF_TUN_DF);
		APPEND(c->ipargs, " df %s", dfs[o->df]);
	}
	if (chance(15)) {
		o->label = rnd(1u << 20);
		tt_opt_set(o, VXOFF_TUN_LABEL);
		APPEND(c->ipargs, " flowlabel %u", o->label);
	}
	if (chance(30))
		ip_bool(c, VXOFF_TUN_LEARNING, "learning", true);
	if (chance(15))
		ip_bool(c, VXOFF_TUN_PROXY, "proxy", true);
	if (chance(15))
		ip_bool(c, VXOFF_TUN_RSC, "rsc", true);
	if (chance(15))
		ip_bool(c, VXOFF_TUN_L2MISS, "l2miss", true);
	if (chance(15))
		ip_bool(c, VXOFF_TUN_L3MISS, "l3miss", true);
	if (chance(15)) {
		/* 0 is replaced by the kernel default (a documented adjustment) */
		o->ageing = chance(15) ? 0 : 1 + rnd(10000);
		tt_opt_set(o, VXOFF_TUN_AGEING);
		APPEND(c->ipargs, " ageing %u", o->ageing);
	}
	if (chance(15)) {
		o->maxaddr = rnd(1000);
		tt_opt_set(o, VXOFF_TUN_MAXADDR);
		APPEND(c->ipargs, " maxaddress %u", o->maxaddr);
	}
	if (chance(15))
		ip_bool(c, VXOFF_TUN_UDP_CSUM, "udpcsum", true);
	if (chance(15))
		ip_bool(c, VXOFF_TUN_UDP6_ZERO_CSUM_TX, "udp6zerocsumtx", true);
	if (chance(15))
		ip_bool(c, VXOFF_TUN_UDP6_ZERO_CSUM_RX, "udp6zerocsumrx", true);
	if (chance(10))
		ip_bool(c, VXOFF_TUN_REMCSUM_TX, "remcsumtx", true);
	if (chance(10))
		ip_bool(c, VXOFF_TUN_REMCSUM_RX, "remcsumrx", true);
	if (chance(10))
		ip_bool(c, VXOFF_TUN_GBP, "gbp", false);
	if (chance(ext ? 40 : 5)) /* without external: both reject */
		ip_bool(c, VXOFF_TUN_VNIFILTER, "vnifilter", true);
	/* ip 6.1 sends learning 0 with "external" unless "learning" is given: say it too */
	if (ext && !(o->set & BIT(VXOFF_TUN_LEARNING)))
		tt_opt_bool(o, VXOFF_TUN_LEARNING, false);
	if (chance(ext ? 30 : 3)) {
		ip_bool(c, VXOFF_TUN_GPE, "gpe", false);
		if (chance(85) && !(o->set & BIT(VXOFF_TUN_LEARNING))) {
			tt_opt_bool(o, VXOFF_TUN_LEARNING, false);
			APPEND(c->ipargs, " nolearning");
		}
	}
	/* link-level: MTU within what the underlay allows (vxoff rejects more by design, the
	 * kernel clamps silently: see test_bad_input), auto MTU, MAC, up */
	if (chance(15)) {
		uint32_t max = dev ? dev_mtu - (v6 ? 70 : 50) : 9000;
		o->mtu = 68 + rnd(max - 68 + 1);
		tt_opt_set(o, VXOFF_TUN_MTU);
		APPEND(c->pre, " mtu %u", o->mtu);
	} else if (dev && chance(10)) {
		o->flags |= VXOFF_TUNNEL_F_MTU_AUTO; /* = the kernel's default: no ip argument */
		tt_opt_set(o, VXOFF_TUN_MTU);
	}
	if (chance(10)) {
		o->mac[0] = 0x02;
		for (int k = 1; k < 6; k++)
			o->mac[k] = (uint8_t)rnd(256);
		tt_opt_set(o, VXOFF_TUN_MAC);
		APPEND(c->pre, " address %02x:%02x:%02x:%02x:%02x:%02x", o->mac[0], o->mac[1],
		       o->mac[2], o->mac[3], o->mac[4], o->mac[5]);
	}
	if (chance(40)) {
		tt_opt_bool(o, VXOFF_TUN_UP, true);
		APPEND(c->pre, " up");
	}
	/* FDB entries (flood list, then maybe a unicast MAC) of the device's family */
	if (chance(20)) {
		bool fam6 = (o->set & BIT(VXOFF_TUN_REMOTE)) ? o->remote_family == AF_INET6
			    : (o->set & BIT(VXOFF_TUN_GROUP)) ? o->group_family == AF_INET6
			    : (o->set & BIT(VXOFF_TUN_LOCAL)) ? o->local_family == AF_INET6
							      : false;
		uint32_t n = 1 + rnd(2);
		for (uint32_t k = 0; k < n; k++) {
			char mac[20], dst[INET6_ADDRSTRLEN];
			snprintf(mac, sizeof(mac), k ? "02:00:00:00:%02x:%02x" : "00:00:00:00:00:00",
				 (i >> 8) & 0xff, i & 0xff);
			if (fam6)
				snprintf(dst, sizeof(dst), "2001:db8:3::%x", i * 2 + k + 1);
			else
				snprintf(dst, sizeof(dst), "198.18.%u.%u", 100 + k, 1 + i % 250);
			tt_fdb_init(&c->fdb[k], mac, dst);
			APPEND(c->post, " && bridge -n %s fdb append %s dev %s dst %s self permanent",
			       f->b, mac, c->name, dst);
		}
		o->fdb = c->fdb;
		o->fdb_count = n;
		o->fdb_entry_sz = sizeof(c->fdb[0]);
	}
	if (chance(10)) {
		uint32_t n = 1 + rnd(2);
		for (uint32_t k = 0; k < n; k++) {
			char ad[INET6_ADDRSTRLEN];
			struct vxoff_tunnel_addr *x = &c->addr[k];
			memset(x, 0, sizeof(*x));
			x->sz = sizeof(*x);
			if (k == 0)
				snprintf(ad, sizeof(ad), "198.19.%u.%u", 100 + i / 250, 1 + i % 250);
			else
				snprintf(ad, sizeof(ad), "2001:db8:4:%x::1", i);
			x->family = tt_addr(ad, x->addr);
			x->prefixlen = k == 0 ? 24 : 64;
			APPEND(c->post, " && ip -n %s addr add %s/%u dev %s", f->b, ad, x->prefixlen,
			       c->name);
		}
		o->addrs = c->addr;
		o->addr_count = n;
		o->addr_entry_sz = sizeof(c->addr[0]);
	}
}

static void flat(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

/* Print the keys whose values differ between a (vxoff) and b (ip), to stderr. */
static void key_diff(json_object *a, json_object *b, const char *prefix)
{
	if (!a || !b)
		return;
	for (int side = 0; side < 2; side++) {
		json_object *x = side ? b : a, *y = side ? a : b;
		json_object_object_foreach(x, k, v)
		{
			json_object *w = NULL;
			bool has = json_object_object_get_ex(y, k, &w);
			if (!strcmp(k, "linkinfo") || (side && has))
				continue;
			if (!has || !json_object_equal(v, w)) {
				char *sv = strdup(json_object_to_json_string(v));
				fprintf(stderr, "    %s%s: vxoff %s, ip %s\n", prefix, k,
					side ? "(absent)" : sv,
					side ? sv : has ? json_object_to_json_string(w) : "(absent)");
				free(sv);
			}
		}
	}
}

/* Objects by "ifname" from an ip JSON array (borrowed values). */
static json_object *by_name(json_object *arr)
{
	json_object *m = json_object_new_object();
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i), *n = NULL;
		if (json_object_object_get_ex(e, "ifname", &n))
			json_object_object_add(m, json_object_get_string(n), json_object_get(e));
	}
	return m;
}

/* Compare and delete one batch; returns the number of mismatches. */
static int combo_batch(struct fx *f, struct combo *cs, uint32_t n, uint32_t first)
{
	int bad = 0;
	const char *names[64];
	uint32_t na = 0, nb = 0;
	char *err = NULL;

	for (uint32_t k = 0; k < n; k++) {
		struct combo *c = &cs[k];
		c->a_rc = vxoff_tunnel_create(f->ca, c->name, &c->o, NULL);
		c->a_ok = c->a_rc == 0;
		snprintf(c->a_msg, sizeof(c->a_msg), "%s", c->a_ok ? "" : tt_errmsg(f->ca));
		int r = tt_sh(NULL, &err, "ip -n %s link add %s%s type vxlan%s%s", f->b, c->name,
			      c->pre, c->ipargs, c->post);
		c->b_ok = r == 0;
		snprintf(c->b_msg, sizeof(c->b_msg), "%s", err ? err : "");
		flat(c->b_msg);
		free(err);
		err = NULL;
		if (!c->b_ok) /* a half-made B device (fdb/addr failed) counts as rejected */
			tt_sh(NULL, NULL, "ip -n %s link del %s", f->b, c->name);
		if (c->a_ok)
			names[na++] = c->name;
		if (c->b_ok)
			nb++;
	}
	json_object *la = tt_json_cmd("ip -n %s -d -j link show type vxlan", f->a);
	json_object *lb = tt_json_cmd("ip -n %s -d -j link show type vxlan", f->b);
	json_object *fa = tt_json_cmd("bridge -n %s -j fdb show", f->a);
	json_object *fb = tt_json_cmd("bridge -n %s -j fdb show", f->b);
	json_object *aa = tt_json_cmd("ip -n %s -j addr show", f->a);
	json_object *ab = tt_json_cmd("ip -n %s -j addr show", f->b);
	assert_non_null(la);
	assert_non_null(lb);
	assert_non_null(fa);
	assert_non_null(fb);
	assert_non_null(aa);
	assert_non_null(ab);
	json_object *ma = by_name(la), *mb = by_name(lb);

	for (uint32_t k = 0; k < n; k++) {
		struct combo *c = &cs[k];
		json_object *da = NULL, *db = NULL;
		bool ina = json_object_object_get_ex(ma, c->name, &da);
		bool inb = json_object_object_get_ex(mb, c->name, &db);

		if (ina != c->a_ok) {
			print_error("combo %u %s: vxoff returned %d but the device %s\n",
				    first + k, c->name, c->a_rc, ina ? "exists" : "is missing");
			bad++;
		}
		if (c->a_ok != c->b_ok) {
			print_error("combo %u: vxoff %s, ip %s\n  ip link add %s%s type vxlan%s%s\n"
				    "  vxoff: %d %s\n  ip: %s\n",
				    first + k, c->a_ok ? "created" : "rejected",
				    c->b_ok ? "created" : "rejected", c->name, c->pre, c->ipargs,
				    c->post, c->a_rc, c->a_msg, c->b_msg);
			bad++;
			continue;
		}
		if (!c->a_ok || !ina || !inb)
			continue;
		json_object *ca = NULL, *cb = NULL;
		json_object_deep_copy(da, &ca, NULL);
		json_object_deep_copy(db, &cb, NULL);
		/* MAC: random unless set (then equal); names and ifindex differ by nature */
		tt_link_normalise(ca, c->o.set & BIT(VXOFF_TUN_MAC));
		tt_link_normalise(cb, c->o.set & BIT(VXOFF_TUN_MAC));
		if (!json_object_equal(ca, cb)) {
			print_error("combo %u: read-backs differ\n  ip link add %s%s type vxlan%s\n",
				    first + k, c->name, c->pre, c->ipargs);
			key_diff(ca, cb, "");
			key_diff(tt_info_data(ca), tt_info_data(cb), "info_data.");
			bad++;
		}
		json_object_put(ca);
		json_object_put(cb);
		char *xa = tt_fdb_canon(fa, c->name), *xb = tt_fdb_canon(fb, c->name);
		if (strcmp(xa, xb) != 0) {
			print_error("combo %u: FDB differs\n  vxoff:\n%s  ip/bridge:\n%s", first + k,
				    xa, xb);
			bad++;
		}
		free(xa);
		free(xb);
		xa = tt_addr_canon(aa, c->name);
		xb = tt_addr_canon(ab, c->name);
		if (strcmp(xa, xb) != 0) {
			print_error("combo %u: addresses differ\n  vxoff:\n%s  ip:\n%s", first + k,
				    xa, xb);
			bad++;
		}
		free(xa);
		free(xb);
	}
	json_object_put(ma);
	json_object_put(mb);
	json_object_put(la);
	json_object_put(lb);
	json_object_put(fa);
	json_object_put(fb);
	json_object_put(aa);
	json_object_put(ab);

	/* delete: A in one vxoff call, B by device group in one ip call */
	if (na) {
		int r = vxoff_tunnel_delete_many(f->ca, names, na);
		if (r != (int)na) {
			print_error("delete_many(%u) = %d: %s\n", na, r, tt_errmsg(f->ca));
			bad++;
		}
	}
	if (nb) {
		char path[] = "/tmp/vxoff-tt-XXXXXX";
		int fd = mkstemp(path);
		FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
		assert_non_null(fp);
		for (uint32_t k = 0; k < n; k++)
			if (cs[k].b_ok)
				fprintf(fp, "link set dev %s group 4242\n", cs[k].name);
		fclose(fp);
		tt_shq("ip -n %s -batch %s && ip -n %s link del group 4242", f->b, path, f->b);
		unlink(path);
	}
	/* both namespaces are empty of VXLAN devices again */
	for (int s = 0; s < 2; s++) {
		json_object *l = tt_json_cmd("ip -n %s -j link show type vxlan", s ? f->b : f->a);
		if (!l || json_object_array_length(l) != 0) {
			print_error("batch at %u: %s still has VXLAN devices: %s\n", first,
				    s ? "B (ip)" : "A (vxoff delete_many)",
				    l ? json_object_to_json_string(l) : "?");
			bad++;
			tt_sh(NULL, NULL,
			      "for d in $(ip -n %1$s -o link show type vxlan | "
			      "awk -F'[ :@]+' '{print $2}'); do ip -n %1$s link del $d; done",
			      s ? f->b : f->a);
		}
		json_object_put(l);
	}
	return bad;
}

static void test_random_vs_ip(void **state)
{
	struct fx *f = *state;
	const char *env = getenv("VXOFF_TEST_SEED"), *envn = getenv("VXOFF_TEST_COMBOS");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x5eed2026ull;
	uint32_t total = envn ? (uint32_t)strtoul(envn, NULL, 0) : 240, both = 0, rej = 0;
	int bad = 0;
	enum { BATCH = 40 };
	static struct combo cs[BATCH];
	struct timespec t0, t1;

	SKIP_IF_NEEDED();
	print_message("random_vs_ip: seed %#" PRIx64 " (VXOFF_TEST_SEED), %u combinations "
		      "(VXOFF_TEST_COMBOS)\n",
		      seed, total);
	rng_state = seed ? seed : 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < total; i += BATCH) {
		uint32_t n = total - i < BATCH ? total - i : BATCH;
		for (uint32_t k = 0; k < n; k++)
			combo_gen(&cs[k], i + k, f);
		bad += combo_batch(f, cs, n, i);
		for (uint32_t k = 0; k < n; k++) {
			both += cs[k].a_ok && cs[k].b_ok;
			rej += !cs[k].a_ok && !cs[k].b_ok;
		}
		if (bad > 40)
			break; /* enough to read */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("random_vs_ip: %u created by both, %u rejected by both, %d mismatches, "
		      "%.1f s\n",
		      both, rej, bad, (double)(t1.tv_sec - t0.tv_sec) +
					      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	/* the generator must exercise both outcomes, or it tests little */
	assert_true(both >= total / 4);
	assert_true(rej >= 5);
	assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* FDB */

static void expect_fdb(struct fx *f, const char *dev, const char *want_lines)
{
	char *b = tt_bridge_fdb(f->a, dev);
	int rc = 0;
	char *v = tt_vxoff_fdb(f->ca, f->a, dev, &rc);

	assert_non_null(b);
	if (strcmp(b, want_lines) != 0)
		fail_msg("bridge fdb show dev %s:\n%swant:\n%s", dev, b, want_lines);
	if (rc != 0 || !v)
		fail_msg("vxoff_fdb_list(%s) = %d: %s", dev, rc, tt_errmsg(f->ca));
	if (strcmp(v, b) != 0)
		fail_msg("vxoff_fdb_list(%s) != bridge:\nvxoff:\n%sbridge:\n%s", dev, v, b);
	free(b);
	free(v);
}

#define Z "00:00:00:00:00:00"
#define M1 "aa:bb:cc:00:00:01"
#define M2 "aa:bb:cc:00:00:02"

static void test_fdb(void **state)
{
	struct fx *f = *state;
	struct vxoff_tunnel_opts o;
	struct vxoff_fdb_entry e;

	SKIP_IF_NEEDED();
	tt_opts_init(&o, 30, 4789);
	o.underlay = "v0";
	tt_opt_set(&o, VXOFF_TUN_UNDERLAY);
	o.local_family = tt_addr(TT_V0_IP4, o.local);
	tt_opt_set(&o, VXOFF_TUN_LOCAL);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxf", &o, NULL), 0);
	expect_fdb(f, "vxf", "");

	tt_fdb_init(&e, Z, "198.18.0.2");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, 0), 0);
	expect_fdb(f, "vxf", Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n");

	/* a second remote without APPEND: -EEXIST, nothing added */
	tt_fdb_init(&e, Z, "198.18.0.3");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, 0), -EEXIST);
	expect_fdb(f, "vxf", Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, VXOFF_FDB_ADD_APPEND), 0);
	expect_fdb(f, "vxf",
		   Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n" Z
		     " dst=198.18.0.3 port=- vni=- via=- src_vni=- permanent\n");

	/* unicast with port, vni, via */
	tt_fdb_init(&e, M1, "198.18.0.4");
	e.flags = VXOFF_FDB_F_VNI | VXOFF_FDB_F_PORT | VXOFF_FDB_F_IFINDEX;
	e.vni = 77;
	e.port = 5555;
	e.ifindex = tt_ifindex(f->a, "v0");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, 0), 0);
	/* replace: the remote is rewritten, still one entry */
	tt_fdb_init(&e, M1, "198.18.0.5");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, 0), -EEXIST);
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, VXOFF_FDB_ADD_REPLACE), 0);
	/* a dynamic one */
	tt_fdb_init(&e, M2, "198.18.0.6");
	e.flags = VXOFF_FDB_F_DYNAMIC;
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, 0), 0);
	expect_fdb(f, "vxf",
		   Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n" Z
		     " dst=198.18.0.3 port=- vni=- via=- src_vni=- permanent\n" M1
		     " dst=198.18.0.5 port=- vni=- via=- src_vni=- permanent\n" M2
		     " dst=198.18.0.6 port=- vni=- via=- src_vni=- dynamic\n");

	/* delete one flood remote, then a whole MAC */
	tt_fdb_init(&e, Z, "198.18.0.3");
	ASSERT_RC(f->ca, vxoff_fdb_del(f->ca, "vxf", &e), 0);
	tt_fdb_init(&e, M1, NULL);
	ASSERT_RC(f->ca, vxoff_fdb_del(f->ca, "vxf", &e), 0);
	const char *left = Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n" M2
			     " dst=198.18.0.6 port=- vni=- via=- src_vni=- dynamic\n";
	expect_fdb(f, "vxf", left);
	/* no such remote / MAC: -ENOENT (the kernel itself says success), nothing removed */
	tt_fdb_init(&e, Z, "198.18.0.9");
	ASSERT_RC(f->ca, vxoff_fdb_del(f->ca, "vxf", &e), -ENOENT);
	tt_fdb_init(&e, "aa:bb:cc:00:00:09", NULL);
	ASSERT_RC(f->ca, vxoff_fdb_del(f->ca, "vxf", &e), -ENOENT);
	expect_fdb(f, "vxf", left);
	/* no such device / not VXLAN */
	tt_fdb_init(&e, Z, "198.18.0.2");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "nosuch0", &e, 0), -ENODEV);
	ASSERT_RC(f->ca, vxoff_fdb_del(f->ca, "nosuch0", &e), -ENODEV);
	struct vxoff_fdb_entry *list = NULL;
	uint32_t cnt = 7;
	ASSERT_RC(f->ca, vxoff_fdb_list(f->ca, "nosuch0", &list, &cnt), -ENODEV);
	/* bad entry: no dst family */
	tt_fdb_init(&e, Z, NULL);
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf", &e, 0), -EINVAL);
	expect_fdb(f, "vxf", left);

	/* entries added by ip are read by vxoff the same way */
	assert_int_equal(tt_shq("bridge -n %s fdb append " Z " dev vxf dst 198.18.0.7 port 6000 "
				"vni 12 via u0 self permanent",
				f->a),
			 0);
	expect_fdb(f, "vxf",
		   Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n" Z
		     " dst=198.18.0.7 port=6000 vni=12 via=u0 src_vni=- permanent\n" M2
		     " dst=198.18.0.6 port=- vni=- via=- src_vni=- dynamic\n");

	/* IPv6 device: a group installs the default entry, IPv6 remotes appended */
	tt_opts_init(&o, 31, 4789);
	o.underlay = "v0";
	tt_opt_set(&o, VXOFF_TUN_UNDERLAY);
	o.group_family = tt_addr("ff05::5", o.group);
	tt_opt_set(&o, VXOFF_TUN_GROUP);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxf6", &o, NULL), 0);
	tt_fdb_init(&e, Z, TT_V1_IP6);
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxf6", &e, VXOFF_FDB_ADD_APPEND), 0);
	expect_fdb(f, "vxf6",
		   Z " dst=2001:db8::2 port=- vni=- via=- src_vni=- permanent\n" Z
		     " dst=ff05::5 port=- vni=- via=v0 src_vni=- permanent\n");
	/* external device: entries carry their VNI */
	tt_opts_init(&o, 32, 4789);
	tt_opt_bool(&o, VXOFF_TUN_EXTERNAL, true);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxfe", &o, NULL), 0);
	tt_fdb_init(&e, M1, "198.18.0.8");
	e.flags = VXOFF_FDB_F_VNI;
	e.vni = 4000;
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxfe", &e, 0), 0);
	/* the kernel dumps the device's VNI as src_vni of an external device's entries */
	expect_fdb(f, "vxfe", M1 " dst=198.18.0.8 port=- vni=4000 via=- src_vni=32 permanent\n");
}

/* create with FDB entries, addresses and up in one transaction */
static void test_create_fdb_addrs_up(void **state)
{
	struct fx *f = *state;
	struct vxoff_tunnel_opts o;
	struct vxoff_fdb_entry e[3];
	struct vxoff_tunnel_addr ad[2] = { { .sz = sizeof(ad[0]), .prefixlen = 24 },
					   { .sz = sizeof(ad[0]), .prefixlen = 64 } };

	SKIP_IF_NEEDED();
	tt_opts_init(&o, 40, 4789);
	o.underlay = "v0";
	tt_opt_set(&o, VXOFF_TUN_UNDERLAY);
	tt_opt_bool(&o, VXOFF_TUN_UP, true);
	tt_fdb_init(&e[0], Z, "198.18.0.2");
	tt_fdb_init(&e[1], Z, "198.18.0.3");
	tt_fdb_init(&e[2], M1, "198.18.0.4");
	o.fdb = e;
	o.fdb_count = 3;
	o.fdb_entry_sz = sizeof(e[0]);
	ad[0].family = tt_addr("198.19.50.1", ad[0].addr);
	ad[1].family = tt_addr("2001:db8:50::1", ad[1].addr);
	o.addrs = ad;
	o.addr_count = 2;
	o.addr_entry_sz = sizeof(ad[0]);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxc", &o, NULL), 0);
	expect_fdb(f, "vxc",
		   Z " dst=198.18.0.2 port=- vni=- via=- src_vni=- permanent\n" Z
		     " dst=198.18.0.3 port=- vni=- via=- src_vni=- permanent\n" M1
		     " dst=198.18.0.4 port=- vni=- via=- src_vni=- permanent\n");
	char *a = tt_addrs(f->a, "vxc");
	assert_string_equal(a, "198.19.50.1/24\n2001:db8:50::1/64\n");
	free(a);
	json_object *l = tt_link(f->a, "vxc"), *w = jparse("{\"operstate\":\"UNKNOWN\"}");
	char why[256];
	assert_non_null(l);
	if (!tt_json_subset(l, w, why, sizeof(why)))
		fail_msg("not up: %s", why);
	json_object_put(l);
	json_object_put(w);

	/* vxoff_tunnel_addr_add/del on it */
	struct vxoff_tunnel_addr x = { .sz = sizeof(x), .prefixlen = 25 };
	x.family = tt_addr("198.19.51.1", x.addr);
	ASSERT_RC(f->ca, vxoff_tunnel_addr_add(f->ca, "vxc", &x), 0);
	ASSERT_RC(f->ca, vxoff_tunnel_addr_add(f->ca, "vxc", &x), -EEXIST);
	a = tt_addrs(f->a, "vxc");
	assert_string_equal(a, "198.19.50.1/24\n198.19.51.1/25\n2001:db8:50::1/64\n");
	free(a);
	ASSERT_RC(f->ca, vxoff_tunnel_addr_del(f->ca, "vxc", &ad[1]), 0);
	ASSERT_RC(f->ca, vxoff_tunnel_addr_del(f->ca, "vxc", &ad[1]), -EADDRNOTAVAIL);
	a = tt_addrs(f->a, "vxc");
	assert_string_equal(a, "198.19.50.1/24\n198.19.51.1/25\n");
	free(a);
}

/* ------------------------------------------------------------------------------------------ */
/* change */

struct chcase {
	const char *what;
	uint32_t id;
	const char *info, *top;
	int raw;
	const char *raw_hex;
	int base; /* 0 IPv4 unicast, 1 IPv4 multicast, 2 IPv6 unicast */
};

static const struct chcase chcases[] = {
	{ "ttl", VXOFF_TUN_TTL, "{\"ttl\":77}", NULL, 0, NULL, 0 },
	{ "tos", VXOFF_TUN_TOS, "{\"tos\":\"0x20\"}", NULL, 0, NULL, 0 },
	{ "df", VXOFF_TUN_DF, "{\"df\":\"set\"}", NULL, 0, NULL, 0 },
	{ "learning", VXOFF_TUN_LEARNING, "{\"learning\":false}", NULL, 0, NULL, 0 },
	{ "ageing", VXOFF_TUN_AGEING, "{\"ageing\":123}", NULL, 0, NULL, 0 },
	{ "remote", VXOFF_TUN_REMOTE, "{\"remote\":\"198.18.0.3\"}", NULL, 0, NULL, 0 },
	{ "local", VXOFF_TUN_LOCAL, "{\"local\":\"" TT_U0_IP4 "\"}", NULL, 0, NULL, 0 },
	{ "underlay", VXOFF_TUN_UNDERLAY, "{\"link\":\"u0\"}", NULL, 0, NULL, 0 },
	{ "localbypass", VXOFF_TUN_LOCALBYPASS, NULL, NULL, RAW_LOCALBYPASS, "00", 0 },
	{ "mc_route", VXOFF_TUN_MC_ROUTE, NULL, NULL, 0, NULL, 1 },
	{ "mtu", VXOFF_TUN_MTU, NULL, "{\"mtu\":1300}", 0, NULL, 0 },
	{ "mac", VXOFF_TUN_MAC, NULL, "{\"address\":\"02:aa:bb:cc:dd:ee\"}", 0, NULL, 0 },
	{ "up", VXOFF_TUN_UP, NULL, "{\"operstate\":\"UNKNOWN\"}", 0, NULL, 0 },
	{ "group", VXOFF_TUN_GROUP, "{\"group\":\"239.1.1.2\"}", NULL, 0, NULL, 1 },
	{ "label", VXOFF_TUN_LABEL, "{\"label\":\"0x54321\"}", NULL, 0, NULL, 2 },
	{ "label_policy", VXOFF_TUN_LABEL_POLICY, NULL, NULL, RAW_LABEL_POLICY, "01000000", 2 },
	{ "remote6", VXOFF_TUN_REMOTE, "{\"remote6\":\"2001:db8::3\"}", NULL, 0, NULL, 2 },
};

static void base_opts(struct vxoff_tunnel_opts *o, int base)
{
	tt_opts_init(o, 50, 4789);
	o->underlay = "v0";
	tt_opt_set(o, VXOFF_TUN_UNDERLAY);
	if (base == 0) {
		o->local_family = tt_addr(TT_V0_IP4, o->local);
		o->remote_family = tt_addr(TT_V1_IP4, o->remote);
		tt_opt_set(o, VXOFF_TUN_LOCAL);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
	} else if (base == 1) {
		o->group_family = tt_addr("239.1.1.1", o->group);
		tt_opt_set(o, VXOFF_TUN_GROUP);
	} else {
		o->remote_family = tt_addr(TT_V1_IP6, o->remote);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
	}
}

static void change_opts(const struct chcase *k, struct vxoff_tunnel_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	switch (k->id) {
	case VXOFF_TUN_TTL: o->ttl = 77; break;
	case VXOFF_TUN_TOS: o->tos = 0x20; break;
	case VXOFF_TUN_DF: o->df = VXOFF_DF_SET; break;
	case VXOFF_TUN_AGEING: o->ageing = 123; break;
	case VXOFF_TUN_REMOTE:
		o->remote_family = tt_addr(k->base == 2 ? "2001:db8::3" : "198.18.0.3", o->remote);
		break;
	case VXOFF_TUN_LOCAL: o->local_family = tt_addr(TT_U0_IP4, o->local); break;
	case VXOFF_TUN_UNDERLAY: o->underlay = "u0"; break;
	case VXOFF_TUN_MTU: o->mtu = 1300; break;
	case VXOFF_TUN_MAC: {
		static const uint8_t m[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
		memcpy(o->mac, m, 6);
		break;
	}
	case VXOFF_TUN_GROUP: o->group_family = tt_addr("239.1.1.2", o->group); break;
	case VXOFF_TUN_LABEL: o->label = 0x54321; break;
	case VXOFF_TUN_LABEL_POLICY: o->label_policy = VXOFF_LABEL_INHERIT; break;
	default: break;
	}
	o->set = BIT(k->id);
	if (k->id == VXOFF_TUN_MC_ROUTE || k->id == VXOFF_TUN_UP)
		o->on = BIT(k->id);
	/* learning, localbypass: off (their kernel default is on) */
}

/* before with want's keys patched in (null = removed) */
static void patch(json_object *obj, const char *want)
{
	if (!want)
		return;
	json_object *w = jparse(want);
	json_object_object_foreach(w, k, v)
	{
		if (v)
			json_object_object_add(obj, k, json_object_get(v));
		else
			json_object_object_del(obj, k);
	}
	json_object_put(w);
}

static void test_change_each(void **state)
{
	struct fx *f = *state;
	int failures = 0;

	SKIP_IF_NEEDED();
	for (size_t i = 0; i < sizeof(chcases) / sizeof(chcases[0]); i++) {
		const struct chcase *k = &chcases[i];
		struct vxoff_tunnel_opts b, o;
		struct vxoff_tunnel *t = NULL;
		char why[512] = "";

		base_opts(&b, k->base);
		ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxch", &b, NULL), 0);
		json_object *before = tt_link(f->a, "vxch");
		uint32_t idx = tt_ifindex(f->a, "vxch");
		assert_non_null(before);
		change_opts(k, &o);
		int r = vxoff_tunnel_change(f->ca, "vxch", &o, &t);
		if (r != 0) {
			print_error("change %s = %d (%s): %s\n", k->what, r, strerror(-r),
				    tt_errmsg(f->ca));
			failures++;
			goto next;
		}
		struct optcase oc = { 0, k->id, k->info, k->top, k->raw, k->raw_hex, false };
		if (!case_holds(&oc, f->a, "vxch", why, sizeof(why))) {
			print_error("change %s: %s\n", k->what, why);
			failures++;
		}
		VXOFF_OUT(vxoff_tunnel_info, info);
		if (!t || vxoff_tunnel_info_get(t, &info) != 0 || info.ifindex != idx ||
		    tt_ifindex(f->a, "vxch") != idx) {
			print_error("change %s: the device was re-created (ifindex %u -> %u)\n",
				    k->what, idx, tt_ifindex(f->a, "vxch"));
			failures++;
		}
		/* nothing else changed: before + the wanted keys == after */
		json_object *after = tt_link(f->a, "vxch");
		json_object *bd = tt_info_data(before);
		patch(bd, k->info);
		patch(before, k->top);
		if (k->id == VXOFF_TUN_UP) { /* up also changes flags (and qdisc noop->noqueue) */
			json_object *v = NULL;
			if (json_object_object_get_ex(after, "flags", &v))
				json_object_object_add(before, "flags", json_object_get(v));
			if (json_object_object_get_ex(after, "qdisc", &v))
				json_object_object_add(before, "qdisc", json_object_get(v));
		}
		tt_link_normalise(before, true);
		tt_link_normalise(after, true);
		if (!json_object_equal(before, after)) {
			print_error("change %s: more than it changed:\n  want %s\n  have %s\n",
				    k->what, json_object_to_json_string(before),
				    json_object_to_json_string(after));
			failures++;
		}
		json_object_put(after);
	next:
		json_object_put(before);
		vxoff_tunnel_free(t);
		tt_sh(NULL, NULL, "ip -n %s link del vxch", f->a);
	}

	/* FDB entries and addresses given to change are added */
	struct vxoff_tunnel_opts b, o;
	struct vxoff_fdb_entry e;
	struct vxoff_tunnel_addr ad = { .sz = sizeof(ad), .prefixlen = 24 };
	base_opts(&b, 0);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxch", &b, NULL), 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	tt_fdb_init(&e, M1, "198.18.0.9");
	o.fdb = &e;
	o.fdb_count = 1;
	o.fdb_entry_sz = sizeof(e);
	ad.family = tt_addr("198.19.60.1", ad.addr);
	o.addrs = &ad;
	o.addr_count = 1;
	o.addr_entry_sz = sizeof(ad);
	ASSERT_RC(f->ca, vxoff_tunnel_change(f->ca, "vxch", &o, NULL), 0);
	expect_fdb(f, "vxch",
		   Z " dst=198.18.0.2 port=- vni=- via=v0 src_vni=- permanent\n" M1
		     " dst=198.18.0.9 port=- vni=- via=- src_vni=- permanent\n");
	char *a = tt_addrs(f->a, "vxch");
	assert_string_equal(a, "198.19.60.1/24\n");
	free(a);
	/* no such device */
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.ttl = 3;
	o.set = BIT(VXOFF_TUN_TTL);
	ASSERT_RC(f->ca, vxoff_tunnel_change(f->ca, "nosuch0", &o, NULL), -ENODEV);
	assert_int_equal(failures, 0);
}

static void test_change_create_only(void **state)
{
	struct fx *f = *state;
	static const uint32_t ids[] = {
		VXOFF_TUN_VNI, VXOFF_TUN_PORT, VXOFF_TUN_SRCPORT, VXOFF_TUN_MAXADDR,
		VXOFF_TUN_PROXY, VXOFF_TUN_RSC, VXOFF_TUN_L2MISS, VXOFF_TUN_L3MISS,
		VXOFF_TUN_UDP_CSUM, VXOFF_TUN_UDP6_ZERO_CSUM_TX, VXOFF_TUN_UDP6_ZERO_CSUM_RX,
		VXOFF_TUN_REMCSUM_TX, VXOFF_TUN_REMCSUM_RX, VXOFF_TUN_REMCSUM_NOPARTIAL,
		VXOFF_TUN_GBP, VXOFF_TUN_GPE, VXOFF_TUN_EXTERNAL, VXOFF_TUN_VNIFILTER,
		VXOFF_TUN_TTL_INHERIT, VXOFF_TUN_RESERVED_BITS,
	};
	struct vxoff_tunnel_opts b, o;
	int failures = 0;

	SKIP_IF_NEEDED();
	base_opts(&b, 0);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxco", &b, NULL), 0);
	char *before = tt_ns_snapshot(f->a, false);
	assert_non_null(before);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		uint32_t id = ids[i];
		const char *name = vxoff_tun_option_name(id);
		memset(&o, 0, sizeof(o));
		o.sz = sizeof(o);
		o.set = BIT(id);
		/* booleans: the non-default value (on; off for udp_csum) */
		bool is_bool = !(id == VXOFF_TUN_VNI || id == VXOFF_TUN_PORT ||
				 id == VXOFF_TUN_SRCPORT || id == VXOFF_TUN_MAXADDR ||
				 id == VXOFF_TUN_RESERVED_BITS);
		o.on = is_bool && id != VXOFF_TUN_UDP_CSUM ? BIT(id) : 0;
		o.vni = 51;
		o.port = 4790;
		o.srcport_min = 1000;
		o.srcport_max = 2000;
		o.maxaddr = 5;
		int r = vxoff_tunnel_change(f->ca, "vxco", &o, NULL);
		const char *msg = tt_errmsg(f->ca);
		if (r != -EINVAL || !name || !tt_has_word(msg, name) || !strstr(msg, "replace")) {
			print_error("change %s = %d, want -EINVAL naming \"%s\" and replace: %s\n",
				    name ? name : "?", r, name ? name : "?", msg);
			failures++;
		}
		char *after = tt_ns_snapshot(f->a, false);
		if (!after || strcmp(before, after) != 0) {
			print_error("change %s: the namespace changed:\n", name ? name : "?");
			tt_snapshot_diff(before, after);
			failures++;
		}
		free(after);
	}
	/* another address family for the remote: not a change, -EINVAL naming remote */
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.set = BIT(VXOFF_TUN_REMOTE);
	o.remote_family = tt_addr(TT_V1_IP6, o.remote);
	int r = vxoff_tunnel_change(f->ca, "vxco", &o, NULL);
	if (r != -EINVAL || !tt_has_word(tt_errmsg(f->ca), vxoff_tun_option_name(VXOFF_TUN_REMOTE))) {
		print_error("change remote to IPv6 = %d: %s\n", r, tt_errmsg(f->ca));
		failures++;
	}
	char *after = tt_ns_snapshot(f->a, false);
	if (!after || strcmp(before, after) != 0) {
		print_error("change remote family: the namespace changed\n");
		failures++;
	}
	free(after);
	free(before);
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* replace */

static void test_replace(void **state)
{
	struct fx *f = *state;
	struct vxoff_tunnel_opts o, n;
	struct vxoff_fdb_entry e;
	struct vxoff_tunnel_addr a4 = { .sz = sizeof(a4), .prefixlen = 24 },
				 a6 = { .sz = sizeof(a6), .prefixlen = 64 };
	char why[512];

	SKIP_IF_NEEDED();
	tt_opts_init(&o, 20, 4789);
	o.underlay = "v0";
	tt_opt_set(&o, VXOFF_TUN_UNDERLAY);
	o.local_family = tt_addr(TT_V0_IP4, o.local);
	tt_opt_set(&o, VXOFF_TUN_LOCAL);
	o.ttl = 10;
	tt_opt_set(&o, VXOFF_TUN_TTL);
	o.srcport_min = 1000;
	o.srcport_max = 2000;
	tt_opt_set(&o, VXOFF_TUN_SRCPORT);
	tt_opt_bool(&o, VXOFF_TUN_UP, true);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxr", &o, NULL), 0);
	tt_fdb_init(&e, Z, "198.18.0.2");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxr", &e, VXOFF_FDB_ADD_APPEND), 0);
	tt_fdb_init(&e, Z, "198.18.0.3");
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxr", &e, VXOFF_FDB_ADD_APPEND), 0);
	tt_fdb_init(&e, M1, "198.18.0.4");
	e.flags = VXOFF_FDB_F_VNI | VXOFF_FDB_F_PORT;
	e.vni = 99;
	e.port = 7777;
	ASSERT_RC(f->ca, vxoff_fdb_add(f->ca, "vxr", &e, 0), 0);
	/* and one added by bridge itself */
	assert_int_equal(tt_shq("bridge -n %s fdb add %s dev vxr dst 198.18.0.5 self permanent",
				f->a, M2),
			 0);
	a4.family = tt_addr("198.19.70.1", a4.addr);
	a6.family = tt_addr("2001:db8:70::1", a6.addr);
	ASSERT_RC(f->ca, vxoff_tunnel_addr_add(f->ca, "vxr", &a4), 0);
	ASSERT_RC(f->ca, vxoff_tunnel_addr_add(f->ca, "vxr", &a6), 0);
	char *fdb0 = tt_bridge_fdb(f->a, "vxr"), *addr0 = tt_addrs(f->a, "vxr");
	assert_non_null(fdb0);
	assert_non_null(addr0);
	assert_non_null(strstr(fdb0, M2)); /* the fixture is what it should be */
	assert_string_equal(addr0, "198.19.70.1/24\n2001:db8:70::1/64\n");

	/* replace with create-only changes */
	n = o;
	n.ttl = 20;
	n.srcport_min = 3000;
	n.srcport_max = 4000;
	tt_opt_bool(&n, VXOFF_TUN_PROXY, true);
	ASSERT_RC(f->ca, vxoff_tunnel_replace(f->ca, "vxr", &n, NULL), 0);
	struct optcase oc = { 0, VXOFF_TUN_SRCPORT,
			      "{\"ttl\":20,\"proxy\":true,\"port_range\":{\"low\":3000,"
			      "\"high\":4000},\"local\":\"" TT_V0_IP4 "\",\"link\":\"v0\"}",
			      "{\"operstate\":\"UNKNOWN\"}", 0, NULL, false };
	if (!case_holds(&oc, f->a, "vxr", why, sizeof(why)))
		fail_msg("after replace: %s", why);
	char *fdb1 = tt_bridge_fdb(f->a, "vxr"), *addr1 = tt_addrs(f->a, "vxr");
	if (strcmp(fdb0, fdb1) != 0)
		fail_msg("replace lost FDB entries:\nbefore:\n%safter:\n%s", fdb0, fdb1);
	assert_string_equal(addr0, addr1);
	free(fdb1);
	free(addr1);

	/* a replace the kernel refuses (VNI+port taken) restores the old device */
	struct vxoff_tunnel_opts other;
	tt_opts_init(&other, 21, 4789);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxr2", &other, NULL), 0);
	char *snap0 = tt_ns_snapshot(f->a, true);
	struct vxoff_tunnel_opts bad = n;
	bad.vni = 21;
	int r = vxoff_tunnel_replace(f->ca, "vxr", &bad, NULL);
	if (r != -EEXIST)
		fail_msg("replace onto a taken VNI = %d, want -EEXIST: %s", r, tt_errmsg(f->ca));
	char *snap1 = tt_ns_snapshot(f->a, true);
	if (!snap0 || !snap1 || strcmp(snap0, snap1) != 0) {
		tt_snapshot_diff(snap0, snap1);
		fail_msg("failed replace did not restore the namespace (diff above)");
	}
	free(snap0);
	free(snap1);
	ASSERT_RC(f->ca, vxoff_tunnel_replace(f->ca, "nosuch0", &n, NULL), -ENODEV);
	/* replace of something that is not VXLAN */
	r = vxoff_tunnel_replace(f->ca, "v0", &n, NULL);
	if (r != -EINVAL || tt_ifindex(f->a, "v0") == 0)
		fail_msg("replace of veth v0 = %d: %s", r, tt_errmsg(f->ca));
	free(fdb0);
	free(addr0);
}

/* ------------------------------------------------------------------------------------------ */
/* bad input */

struct badcase {
	const char *what;
	const char *name;
	int want, want2; /* want2: also fine (a check done before the kernel's), 0 = none */
	uint32_t ids[3]; /* the message names one of these options (0xff = end) */
	const char *alt; /* ... or contains this text */
};

#define END_IDS 0xffu

static void bad_opts(int i, struct vxoff_tunnel_opts *o, const struct fx *f)
{
	(void)f;
	tt_opts_init(o, 60, 4789);
	switch (i) {
	case 0: o->vni = 1u << 24; break;
	case 1: /* name too long */
	case 2: /* name with '/' */
	case 3: /* name empty */
	case 4: /* name with a space */
		break;
	case 5: o->port = 0; break;
	case 6: o->set &= ~BIT(VXOFF_TUN_PORT); break;
	case 7: o->port = 65536; break;
	case 8: /* mixed families */
		o->local_family = tt_addr(TT_V0_IP4, o->local);
		o->remote_family = tt_addr(TT_V1_IP6, o->remote);
		tt_opt_set(o, VXOFF_TUN_LOCAL);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
		break;
	case 9: /* group not multicast */
		o->group_family = tt_addr(TT_V1_IP4, o->group);
		tt_opt_set(o, VXOFF_TUN_GROUP);
		o->underlay = "v0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		break;
	case 10: /* remote and group */
		o->group_family = tt_addr("239.1.1.1", o->group);
		o->remote_family = tt_addr(TT_V1_IP4, o->remote);
		tt_opt_set(o, VXOFF_TUN_GROUP);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
		o->underlay = "v0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		break;
	case 11: /* group without underlay */
		o->group_family = tt_addr("239.1.1.1", o->group);
		tt_opt_set(o, VXOFF_TUN_GROUP);
		break;
	case 12: /* no such underlay */
		o->underlay = "nosuchdev0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		break;
	case 13: /* MTU too big for the IPv4 underlay (1500 - 50) */
	case 14: /* ... IPv6 (1500 - 70) */
		o->underlay = "v0";
		tt_opt_set(o, VXOFF_TUN_UNDERLAY);
		tt_opt_set(o, VXOFF_TUN_MTU);
		o->mtu = i == 13 ? 1451 : 1431;
		if (i == 14) {
			o->remote_family = tt_addr(TT_V1_IP6, o->remote);
			tt_opt_set(o, VXOFF_TUN_REMOTE);
		}
		break;
	case 15: o->ttl = 256; tt_opt_set(o, VXOFF_TUN_TTL); break;
	case 16: o->tos = 256; tt_opt_set(o, VXOFF_TUN_TOS); break;
	case 17: o->df = 3; tt_opt_set(o, VXOFF_TUN_DF); break;
	case 18: /* label too big (IPv6 device) */
		o->remote_family = tt_addr(TT_V1_IP6, o->remote);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
		o->label = 1u << 20;
		tt_opt_set(o, VXOFF_TUN_LABEL);
		break;
	case 19: /* label on an IPv4 device */
		o->remote_family = tt_addr(TT_V1_IP4, o->remote);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
		o->label = 5;
		tt_opt_set(o, VXOFF_TUN_LABEL);
		break;
	case 20: o->srcport_min = 2000; o->srcport_max = 1000; tt_opt_set(o, VXOFF_TUN_SRCPORT);
		break;
	case 21: tt_opt_bool(o, VXOFF_TUN_VNIFILTER, true); break;
	case 22: tt_opt_bool(o, VXOFF_TUN_GPE, true); tt_opt_bool(o, VXOFF_TUN_LEARNING, false);
		break;
	case 23: /* gpe + external with learning left on (the kernel default) */
		tt_opt_bool(o, VXOFF_TUN_GPE, true);
		tt_opt_bool(o, VXOFF_TUN_EXTERNAL, true);
		break;
	case 24: o->set |= 1ull << 50; break; /* unknown option */
	case 25: o->flags = 1u << 20; break;  /* unknown flag */
	case 26: o->sz = 8; break;	      /* struct too small */
	case 27: /* duplicate name (the veth) */
		break;
	case 28: /* VNI + port taken (vxt0 made by the test) */
		o->vni = 61;
		break;
	case 29: /* FDB entry without dst family */
	{
		static struct vxoff_fdb_entry e;
		tt_fdb_init(&e, Z, NULL);
		o->fdb = &e;
		o->fdb_count = 1;
		o->fdb_entry_sz = sizeof(e);
		break;
	}
	case 30: /* IPv4 address with prefix 33 */
	{
		static struct vxoff_tunnel_addr a = { .sz = sizeof(a), .prefixlen = 33 };
		a.family = tt_addr("198.19.80.1", a.addr);
		o->addrs = &a;
		o->addr_count = 1;
		o->addr_entry_sz = sizeof(a);
		break;
	}
	case 31: /* the kernel refuses an FDB entry late in the transaction: IPv6 dst on an IPv4
		  * device (EAFNOSUPPORT), after the device was made */
	{
		static struct vxoff_fdb_entry e[2];
		tt_fdb_init(&e[0], Z, "198.18.0.2");
		tt_fdb_init(&e[1], M1, "2001:db8::9");
		o->remote_family = tt_addr(TT_V1_IP4, o->remote);
		tt_opt_set(o, VXOFF_TUN_REMOTE);
		o->fdb = e;
		o->fdb_count = 2;
		o->fdb_entry_sz = sizeof(e[0]);
		break;
	}
	case 32: /* an address that exists on another device is fine in Linux; a duplicate
		  * within the request is not: the second add fails with EEXIST */
	{
		static struct vxoff_tunnel_addr a[2];
		for (int k = 0; k < 2; k++) {
			memset(&a[k], 0, sizeof(a[k]));
			a[k].sz = sizeof(a[k]);
			a[k].prefixlen = 24;
			a[k].family = tt_addr("198.19.81.1", a[k].addr);
		}
		o->addrs = a;
		o->addr_count = 2;
		o->addr_entry_sz = sizeof(a[0]);
		tt_opt_bool(o, VXOFF_TUN_UP, true);
		break;
	}
	default: break;
	}
}

static const struct badcase badcases[] = {
	{ "VNI 2^24", "vxbad", -EINVAL, 0, { VXOFF_TUN_VNI, END_IDS }, NULL },
	{ "name 16 bytes", "abcdefghijklmnop", -EINVAL, 0, { END_IDS }, "name" },
	{ "name with /", "vx/bad", -EINVAL, 0, { END_IDS }, "name" },
	{ "empty name", "", -EINVAL, 0, { END_IDS }, "name" },
	{ "name with space", "vx bad", -EINVAL, 0, { END_IDS }, "name" },
	{ "port 0", "vxbad", -EINVAL, 0, { VXOFF_TUN_PORT, END_IDS }, NULL },
	{ "no port", "vxbad", -EINVAL, 0, { VXOFF_TUN_PORT, END_IDS }, NULL },
	{ "port 65536", "vxbad", -EINVAL, 0, { VXOFF_TUN_PORT, END_IDS }, NULL },
	{ "mixed IPv4/IPv6", "vxbad", -EINVAL, 0, { VXOFF_TUN_LOCAL, VXOFF_TUN_REMOTE, END_IDS },
	  NULL },
	{ "group not multicast", "vxbad", -EINVAL, 0, { VXOFF_TUN_GROUP, END_IDS }, NULL },
	{ "remote + group", "vxbad", -EINVAL, 0, { VXOFF_TUN_REMOTE, VXOFF_TUN_GROUP, END_IDS },
	  NULL },
	{ "group without underlay", "vxbad", -EINVAL, 0,
	  { VXOFF_TUN_UNDERLAY, VXOFF_TUN_GROUP, END_IDS }, NULL },
	{ "missing underlay", "vxbad", -ENODEV, 0, { VXOFF_TUN_UNDERLAY, END_IDS }, "nosuchdev0" },
	{ "MTU > IPv4 underlay", "vxbad", -EINVAL, 0, { VXOFF_TUN_MTU, END_IDS }, NULL },
	{ "MTU > IPv6 underlay", "vxbad", -EINVAL, 0, { VXOFF_TUN_MTU, END_IDS }, NULL },
	{ "ttl 256", "vxbad", -EINVAL, 0, { VXOFF_TUN_TTL, END_IDS }, NULL },
	{ "tos 256", "vxbad", -EINVAL, 0, { VXOFF_TUN_TOS, END_IDS }, NULL },
	{ "df 3", "vxbad", -EINVAL, 0, { VXOFF_TUN_DF, END_IDS }, NULL },
	{ "label 2^20", "vxbad", -EINVAL, 0, { VXOFF_TUN_LABEL, END_IDS }, NULL },
	{ "label on IPv4", "vxbad", -EINVAL, 0, { VXOFF_TUN_LABEL, END_IDS }, NULL },
	{ "srcport min > max", "vxbad", -EINVAL, 0, { VXOFF_TUN_SRCPORT, END_IDS }, NULL },
	{ "vnifilter without external", "vxbad", -EINVAL, 0,
	  { VXOFF_TUN_VNIFILTER, VXOFF_TUN_EXTERNAL, END_IDS }, NULL },
	{ "gpe without external", "vxbad", -EINVAL, 0, { VXOFF_TUN_GPE, VXOFF_TUN_EXTERNAL, END_IDS },
	  NULL },
	{ "gpe with learning", "vxbad", -EINVAL, 0, { VXOFF_TUN_GPE, VXOFF_TUN_LEARNING, END_IDS },
	  NULL },
	{ "unknown option bit", "vxbad", -EINVAL, 0, { END_IDS }, "" },
	{ "unknown flag", "vxbad", -EINVAL, 0, { END_IDS }, "" },
	{ "sz too small", "vxbad", -EINVAL, 0, { END_IDS }, "" },
	{ "duplicate name", "v0", -EEXIST, 0, { END_IDS }, "v0" },
	{ "VNI+port taken", "vxbad", -EEXIST, 0, { VXOFF_TUN_VNI, VXOFF_TUN_PORT, END_IDS }, "VNI" },
	{ "FDB entry without family", "vxbad", -EINVAL, 0, { END_IDS }, "fdb" },
	{ "address prefix 33", "vxbad", -EINVAL, 0, { END_IDS }, "prefix" },
	{ "FDB entry the kernel refuses", "vxbad", -EAFNOSUPPORT, -EINVAL, { END_IDS }, "2001:db8::9" },
	{ "duplicate address", "vxbad", -EEXIST, -EINVAL, { END_IDS }, "198.19.81.1" },
};

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	struct vxoff_tunnel_opts o;
	int failures = 0;

	SKIP_IF_NEEDED();
	/* the device case 28 collides with */
	tt_opts_init(&o, 61, 4789);
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxt0", &o, NULL), 0);
	char *before = tt_ns_snapshot(f->a, false);
	assert_non_null(before);
	for (size_t i = 0; i < sizeof(badcases) / sizeof(badcases[0]); i++) {
		const struct badcase *k = &badcases[i];
		struct vxoff_tunnel *t = (struct vxoff_tunnel *)&o; /* must stay untouched */
		bad_opts((int)i, &o, f);
		int r = vxoff_tunnel_create(f->ca, k->name, &o, &t);
		const char *msg = tt_errmsg(f->ca);
		/* alt "": any message will do (size and flag errors name no option) */
		bool named = k->alt && (k->alt[0] ? strstr(msg, k->alt) != NULL : msg[0] != 0);
		for (int n = 0; n < 3 && k->ids[n] != END_IDS; n++)
			named = named || tt_has_word(msg, vxoff_tun_option_name(k->ids[n]));
		if ((r != k->want && (!k->want2 || r != k->want2)) || !named) {
			print_error("bad input \"%s\": %d (%s), want %d (%s) and a message naming "
				    "the option: \"%s\"\n",
				    k->what, r, strerror(-r), k->want, strerror(-k->want), msg);
			failures++;
		}
		if (r == 0) {
			vxoff_tunnel_free(t);
			tt_sh(NULL, NULL, "ip -n %s link del '%s'", f->a, k->name);
		}
		char *after = tt_ns_snapshot(f->a, false);
		if (!after || strcmp(before, after) != 0) {
			print_error("bad input \"%s\": the namespace changed:\n", k->what);
			tt_snapshot_diff(before, after);
			failures++;
			free(before);
			before = tt_ns_snapshot(f->a, false); /* report the next case on its own */
		}
		free(after);
	}
	/* an opts struct larger than this library knows, with non-zero bytes there */
	struct {
		struct vxoff_tunnel_opts o;
		uint8_t more[8];
	} big;
	memset(&big, 0, sizeof(big));
	tt_opts_init(&big.o, 62, 4789);
	big.o.sz = sizeof(big);
	big.more[3] = 1;
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxbig", &big.o, NULL), -E2BIG);
	/* ... zero bytes there are fine */
	big.more[3] = 0;
	ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, "vxbig", &big.o, NULL), 0);
	ASSERT_RC(f->ca, vxoff_tunnel_delete(f->ca, "vxbig"), 0);
	/* NULL arguments */
	tt_opts_init(&o, 63, 4789);
	assert_int_equal(vxoff_tunnel_create(f->ca, NULL, &o, NULL), -EINVAL);
	assert_int_equal(vxoff_tunnel_create(f->ca, "vxnull", NULL, NULL), -EINVAL);
	assert_int_equal(vxoff_tunnel_create(NULL, "vxnull", &o, NULL), -EINVAL);
	char *after = tt_ns_snapshot(f->a, false);
	if (!after || strcmp(before, after) != 0) {
		print_error("NULL/size cases changed the namespace\n");
		failures++;
	}
	free(after);
	free(before);
	assert_int_equal(failures, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* list / get / delete */

static void test_list_get_delete(void **state)
{
	struct fx *f = *state;
	struct vxoff_tunnel_opts o;
	struct vxoff_tunnel_list *list = NULL;
	struct vxoff_tunnel *t = NULL;
	static const char *const names[] = { "vxl0", "vxl1", "vxl2", "vxl3" };

	SKIP_IF_NEEDED();
	for (uint32_t i = 0; i < 3; i++) {
		tt_opts_init(&o, 70 + i, 4789);
		ASSERT_RC(f->ca, vxoff_tunnel_create(f->ca, names[i], &o, NULL), 0);
	}
	assert_int_equal(tt_shq("ip -n %s link add vxl3 type vxlan id 73 dstport 4789 ttl 9", f->a),
			 0);
	ASSERT_RC(f->ca, vxoff_tunnel_list(f->ca, &list), 0);
	assert_int_equal(vxoff_tunnel_list_count(list), 4);
	uint32_t seen = 0;
	for (uint32_t i = 0; i < 4; i++) {
		const struct vxoff_tunnel *x = NULL;
		VXOFF_OUT(vxoff_tunnel_info, info);
		assert_int_equal(vxoff_tunnel_list_get(list, i, &x), 0);
		assert_int_equal(vxoff_tunnel_info_get(x, &info), 0);
		for (uint32_t k = 0; k < 4; k++)
			if (info.name && !strcmp(info.name, names[k])) {
				seen |= 1u << k;
				assert_int_equal(info.ifindex, tt_ifindex(f->a, names[k]));
			}
	}
	assert_int_equal(seen, 0xf);
	const struct vxoff_tunnel *x = NULL;
	assert_int_equal(vxoff_tunnel_list_get(list, 4, &x), -ERANGE);
	vxoff_tunnel_list_free(list);

	/* get reads what ip made */
	ASSERT_RC(f->ca, vxoff_tunnel_get(f->ca, "vxl3", &t), 0);
	VXOFF_OUT(vxoff_tunnel_opts, g);
	assert_int_equal(vxoff_tunnel_opts_get(t, &g), 0);
	assert_true(g.set & BIT(VXOFF_TUN_TTL));
	assert_int_equal(g.ttl, 9);
	assert_int_equal(g.vni, 73);
	assert_int_equal(g.port, 4789);
	vxoff_tunnel_free(t);
	t = NULL;
	ASSERT_RC(f->ca, vxoff_tunnel_get(f->ca, "nosuch0", &t), -ENODEV);
	ASSERT_RC(f->ca, vxoff_tunnel_get(f->ca, "v0", &t), -EINVAL);

	/* delete refuses what is not VXLAN or absent */
	ASSERT_RC(f->ca, vxoff_tunnel_delete(f->ca, "v0"), -EINVAL);
	assert_int_not_equal(tt_ifindex(f->a, "v0"), 0);
	ASSERT_RC(f->ca, vxoff_tunnel_delete(f->ca, "nosuch0"), -ENODEV);

	/* delete_many: all or nothing, device groups restored */
	char *before = tt_ns_snapshot(f->a, false);
	const char *bad1[] = { "vxl0", "nosuch0", "vxl1" };
	int r = vxoff_tunnel_delete_many(f->ca, bad1, 3);
	if (r != -ENODEV || !strstr(tt_errmsg(f->ca), "nosuch0"))
		fail_msg("delete_many with an absent name = %d: %s", r, tt_errmsg(f->ca));
	const char *bad2[] = { "vxl0", "vxl1", "v0" };
	r = vxoff_tunnel_delete_many(f->ca, bad2, 3);
	if (r != -EINVAL || !strstr(tt_errmsg(f->ca), "v0"))
		fail_msg("delete_many with a veth = %d: %s", r, tt_errmsg(f->ca));
	char *after = tt_ns_snapshot(f->a, false);
	if (!before || !after || strcmp(before, after) != 0) {
		tt_snapshot_diff(before, after);
		fail_msg("failed delete_many changed the namespace (diff above)");
	}
	free(before);
	free(after);
	/* devices that already use a group: delete_many must not take other devices with it */
	assert_int_equal(tt_shq("ip -n %s link set dev vxl2 group 7 && ip -n %s link set dev u1 "
				"group 7",
				f->a, f->a),
			 0);
	r = vxoff_tunnel_delete_many(f->ca, (const char *const *)names, 3);
	if (r != 3)
		fail_msg("delete_many(3) = %d: %s", r, tt_errmsg(f->ca));
	assert_int_equal(tt_ifindex(f->a, "vxl0"), 0);
	assert_int_equal(tt_ifindex(f->a, "vxl2"), 0);
	assert_int_not_equal(tt_ifindex(f->a, "vxl3"), 0);
	assert_int_not_equal(tt_ifindex(f->a, "u1"), 0);
	json_object *u1 = tt_link(f->a, "u1"), *w = jparse("{\"group\":\"7\"}");
	char why[256];
	if (!u1 || !tt_json_subset(u1, w, why, sizeof(why)))
		fail_msg("u1 lost its group: %s", why);
	json_object_put(u1);
	json_object_put(w);
	ASSERT_RC(f->ca, vxoff_tunnel_delete(f->ca, "vxl3"), 0);
	assert_int_equal(tt_ifindex(f->a, "vxl3"), 0);
	ASSERT_RC(f->ca, vxoff_tunnel_list(f->ca, &list), 0);
	assert_int_equal(vxoff_tunnel_list_count(list), 0);
	vxoff_tunnel_list_free(list);
	assert_int_equal(vxoff_tunnel_delete_many(f->ca, names, 0), 0);
}

static void test_no_namespace_left(void **state)
{
	(void)state;
	SKIP_IF_NEEDED();
	assert_int_equal(tt_ns_leftover(), 0);
}

static int group_setup(void **state)
{
	(void)state;
	skip_why = tt_env_check();
	if (skip_why)
		print_message("tunnel integration tests will skip: %s\n", skip_why);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tt_cleanup_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_options_one_by_one, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_vs_ip, setup2, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fdb, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_create_fdb_addrs_up, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_change_each, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_change_create_only, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup1, fx_teardown),
		cmocka_unit_test_setup_teardown(test_list_get_delete, setup1, fx_teardown),
		cmocka_unit_test(test_no_namespace_left),
	};

	return cmocka_run_group_tests_name("tunnel-integration", tests, group_setup,
					   group_teardown);
}
