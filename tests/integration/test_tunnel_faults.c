/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Fault injection into the tunnel transactions, against the real kernel as root in a throwaway
 * namespace. Linked against the OBJECT libraries (vxoff_tunnel + vxoff_netlink) with
 * -Wl,--wrap=vxoff__nl_request: the wrapper fails the k-th request of a call with -EIO before
 * it reaches the kernel (k = 1, 2, ... until the call no longer makes k requests).
 *
 * For every k:
 *   create       fails with -EIO; the namespace (ip -d -j link, ip -j addr, bridge -j fdb,
 *                volatile keys removed) equals the one before: no device, FDB entry or
 *                address left behind
 *   replace      fails with -EIO; the old device is back with its options, FDB entries and
 *                addresses (ifindex may change)
 *   delete_many  fails with -EIO; every device still there, device groups as before
 * and each kind of step (RTM_NEWLINK/SETLINK, RTM_NEWNEIGH, RTM_NEWADDR) was failed at least
 * once, or the transaction did not have the steps it should.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "netlink/core.h"
#include "test_tunnel_util.h"

#define MAX_K 400

static const char *skip_why;
static int fail_at;   /* 0 = pass everything */
static int calls;     /* requests seen since the counter was reset */
static uint16_t failed_type;
static char failed_what[256];

int __real_vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			     const struct vxoff__nl_handler *h, const char *what);
int __wrap_vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			     const struct vxoff__nl_handler *h, const char *what);

int __wrap_vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
			     const struct vxoff__nl_handler *h, const char *what)
{
	calls++;
	if (fail_at && calls == fail_at) {
		failed_type = req ? req->nlmsg_type : 0;
		snprintf(failed_what, sizeof(failed_what), "%s", what ? what : "(no what)");
		return vxoff__err(ctx, -EIO, VXOFF_REASON_KERNEL, "%s: injected EIO (request %d)",
				  what ? what : "request", calls);
	}
	return __real_vxoff__nl_request(ctx, proto, req, h, what);
}

struct fx {
	char ns[64];
	struct vxoff_ctx *ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	*state = f;
	if (skip_why)
		return 0;
	if (tt_ns_add("f", f->ns, sizeof(f->ns)) || tt_ns_underlays(f->ns))
		return -1;
	f->ctx = tt_ctx(f->ns);
	return f->ctx ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	fail_at = 0;
	vxoff_ctx_free(f->ctx);
	tt_ns_del(f->ns);
	free(f);
	return 0;
}

#define SKIP_IF_NEEDED()                                                                           \
	do {                                                                                       \
		if (skip_why) {                                                                    \
			print_message("SKIP: %s\n", skip_why);                                     \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

static const char *type_name(uint16_t t)
{
	switch (t) {
	case RTM_NEWLINK: return "RTM_NEWLINK";
	case RTM_DELLINK: return "RTM_DELLINK";
	case RTM_GETLINK: return "RTM_GETLINK";
	case RTM_SETLINK: return "RTM_SETLINK";
	case RTM_NEWADDR: return "RTM_NEWADDR";
	case RTM_DELADDR: return "RTM_DELADDR";
	case RTM_GETADDR: return "RTM_GETADDR";
	case RTM_NEWNEIGH: return "RTM_NEWNEIGH";
	case RTM_DELNEIGH: return "RTM_DELNEIGH";
	case RTM_GETNEIGH: return "RTM_GETNEIGH";
	default: return "other";
	}
}

/* The full transaction of test_create_faults: every step it can have. */
static struct vxoff_fdb_entry fdb[3];
static struct vxoff_tunnel_addr addrs[2];

static void full_opts(struct vxoff_tunnel_opts *o, uint32_t vni)
{
	tt_opts_init(o, vni, 4789);
	o->underlay = "v0";
	tt_opt_set(o, VXOFF_TUN_UNDERLAY);
	o->local_family = tt_addr(TT_V0_IP4, o->local);
	tt_opt_set(o, VXOFF_TUN_LOCAL);
	o->remote_family = tt_addr(TT_V1_IP4, o->remote);
	tt_opt_set(o, VXOFF_TUN_REMOTE);
	o->ttl = 32;
	tt_opt_set(o, VXOFF_TUN_TTL);
	o->mtu = 1400;
	tt_opt_set(o, VXOFF_TUN_MTU);
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	memcpy(o->mac, mac, 6);
	tt_opt_set(o, VXOFF_TUN_MAC);
	tt_opt_bool(o, VXOFF_TUN_UP, true);
	tt_fdb_init(&fdb[0], "00:00:00:00:00:00", "198.18.0.3");
	tt_fdb_init(&fdb[1], "00:00:00:00:00:00", "198.18.0.4");
	tt_fdb_init(&fdb[2], "aa:bb:cc:00:00:01", "198.18.0.5");
	o->fdb = fdb;
	o->fdb_count = 3;
	o->fdb_entry_sz = sizeof(fdb[0]);
	for (int i = 0; i < 2; i++) {
		memset(&addrs[i], 0, sizeof(addrs[i]));
		addrs[i].sz = sizeof(addrs[i]);
	}
	addrs[0].family = tt_addr("198.19.90.1", addrs[0].addr);
	addrs[0].prefixlen = 24;
	addrs[1].family = tt_addr("2001:db8:90::1", addrs[1].addr);
	addrs[1].prefixlen = 64;
	o->addrs = addrs;
	o->addr_count = 2;
	o->addr_entry_sz = sizeof(addrs[0]);
}

/* Run op with the k-th request failing, for k = 1.. until op makes fewer requests; after
 * each failure the namespace must equal its snapshot. Returns the number of failures seen;
 * *types collects the message types that were failed. */
typedef int (*op_fn)(struct fx *f);

/* After a failure that left the namespace changed: put it back if the op knows how (true),
 * else the next k starts from what was left. */
typedef bool (*repair_fn)(struct fx *f);

static int inject_all(struct fx *f, const char *opname, op_fn op, repair_fn repair,
		      bool ignore_ifindex, uint32_t *types, int *requests)
{
	char *before = tt_ns_snapshot(f->ns, ignore_ifindex);
	int bad = 0, k;

	assert_non_null(before);
	*types = 0;
	for (k = 1; k <= MAX_K; k++) {
		calls = 0;
		fail_at = k;
		failed_type = 0;
		failed_what[0] = 0;
		int r = op(f);
		fail_at = 0;
		if (calls < k) { /* nothing was failed: the op ran to its end */
			if (r < 0) {
				print_error("%s: without a fault it fails: %d %s\n", opname, r,
					    tt_errmsg(f->ctx));
				bad++;
			}
			break;
		}
		if (failed_type == RTM_NEWLINK || failed_type == RTM_SETLINK)
			*types |= 1u << 0;
		if (failed_type == RTM_NEWNEIGH)
			*types |= 1u << 1;
		if (failed_type == RTM_NEWADDR)
			*types |= 1u << 2;
		const char *msg = tt_errmsg(f->ctx);
		print_message("  %s k=%-2d %-12s %-50.50s -> %d\n", opname, k,
			      type_name(failed_type), failed_what, r);
		if (r != -EIO) {
			print_error("%s k=%d (%s \"%s\"): returned %d, want -EIO: %s\n", opname, k,
				    type_name(failed_type), failed_what, r, msg);
			bad++;
		}
		char *after = tt_ns_snapshot(f->ns, ignore_ifindex);
		if (!after || strcmp(before, after) != 0) {
			print_error("%s k=%d (%s \"%s\"): the namespace is not as before; the "
				    "error said: %s\n",
				    opname, k, type_name(failed_type), failed_what, msg);
			tt_snapshot_diff(before, after);
			bad++;
			/* repair, or go on from the state left behind, to report further k on
			 * their own */
			if (!repair || !repair(f)) {
				free(before);
				before = after;
				after = NULL;
			}
		}
		free(after);
	}
	*requests = k - 1;
	if (k > MAX_K) {
		print_error("%s: still failing after %d requests\n", opname, MAX_K);
		bad++;
	}
	free(before);
	return bad;
}

static int op_create(struct fx *f)
{
	struct vxoff_tunnel_opts o;
	full_opts(&o, 80);
	return vxoff_tunnel_create(f->ctx, "vxi", &o, NULL);
}

static bool repair_create(struct fx *f)
{
	return tt_sh(NULL, NULL, "ip -n %s link del vxi", f->ns) == 0;
}

static void test_create_faults(void **state)
{
	struct fx *f = *state;
	uint32_t types = 0;
	int requests = 0;

	SKIP_IF_NEEDED();
	int bad = inject_all(f, "create", op_create, repair_create, false, &types, &requests);
	print_message("create: %d requests, each failed once\n", requests);
	/* the successful run made the full device: check it, so the op tested what it should */
	char *fd = tt_bridge_fdb(f->ns, "vxi"), *ad = tt_addrs(f->ns, "vxi");
	assert_non_null(fd);
	assert_non_null(ad);
	assert_non_null(strstr(fd, "198.18.0.4"));
	assert_non_null(strstr(fd, "aa:bb:cc:00:00:01 dst=198.18.0.5"));
	assert_string_equal(ad, "198.19.90.1/24\n2001:db8:90::1/64\n");
	free(fd);
	free(ad);
	/* device, each FDB entry, each address, up: at least 1 + 3 + 2 + 1 requests */
	assert_true(requests >= 7);
	assert_int_equal(types & 7u, 7u);
	assert_int_equal(bad, 0);
}

static int op_replace(struct fx *f)
{
	struct vxoff_tunnel_opts o;
	full_opts(&o, 81);
	o.fdb = NULL; /* replace keeps what the device has */
	o.fdb_count = 0;
	o.addrs = NULL;
	o.addr_count = 0;
	o.ttl = 64;
	o.srcport_min = 2000;
	o.srcport_max = 3000;
	tt_opt_set(&o, VXOFF_TUN_SRCPORT);
	return vxoff_tunnel_replace(f->ctx, "vxi", &o, NULL);
}

static void test_replace_faults(void **state)
{
	struct fx *f = *state;
	struct vxoff_tunnel_opts o;
	uint32_t types = 0;
	int requests = 0;

	SKIP_IF_NEEDED();
	full_opts(&o, 81);
	int r = vxoff_tunnel_create(f->ctx, "vxi", &o, NULL);
	if (r != 0)
		fail_msg("create = %d: %s", r, tt_errmsg(f->ctx));
	/* an entry and an address that only the kernel knows (not from opts) */
	assert_int_equal(tt_shq("bridge -n %s fdb append 00:00:00:00:00:00 dev vxi dst 198.18.0.9 "
				"self permanent && ip -n %s addr add 198.19.91.1/24 dev vxi",
				f->ns, f->ns),
			 0);
	int bad = inject_all(f, "replace", op_replace, NULL, true, &types, &requests);
	print_message("replace: %d requests, each failed once\n", requests);
	json_object *l = tt_link(f->ns, "vxi"), *d = tt_info_data(l), *v = NULL;
	assert_non_null(d);
	assert_true(json_object_object_get_ex(d, "ttl", &v));
	assert_int_equal(json_object_get_int(v), 64);
	json_object_put(l);
	char *fd = tt_bridge_fdb(f->ns, "vxi"), *ad = tt_addrs(f->ns, "vxi");
	assert_non_null(strstr(fd, "198.18.0.9"));
	assert_non_null(strstr(fd, "aa:bb:cc:00:00:01 dst=198.18.0.5"));
	assert_string_equal(ad, "198.19.90.1/24\n198.19.91.1/24\n2001:db8:90::1/64\n");
	free(fd);
	free(ad);
	assert_true(requests >= 7);
	assert_int_equal(bad, 0);
}

static int op_delete_many(struct fx *f)
{
	static const char *const names[] = { "vxd0", "vxd1", "vxd2" };
	int r = vxoff_tunnel_delete_many(f->ctx, names, 3);
	return r == 3 ? 0 : r;
}

static void test_delete_many_faults(void **state)
{
	struct fx *f = *state;
	uint32_t types = 0;
	int requests = 0;

	SKIP_IF_NEEDED();
	for (uint32_t i = 0; i < 3; i++) {
		struct vxoff_tunnel_opts o;
		char name[16];
		tt_opts_init(&o, 90 + i, 4789);
		snprintf(name, sizeof(name), "vxd%u", i);
		int r = vxoff_tunnel_create(f->ctx, name, &o, NULL);
		if (r != 0)
			fail_msg("create %s = %d: %s", name, r, tt_errmsg(f->ctx));
	}
	/* one of them in a group already: a failed delete_many must put it back there */
	assert_int_equal(tt_shq("ip -n %s link set dev vxd1 group 5", f->ns), 0);
	int bad = inject_all(f, "delete_many", op_delete_many, NULL, false, &types, &requests);
	print_message("delete_many: %d requests, each failed once\n", requests);
	assert_int_equal(tt_ifindex(f->ns, "vxd0"), 0);
	assert_int_equal(tt_ifindex(f->ns, "vxd1"), 0);
	assert_int_equal(tt_ifindex(f->ns, "vxd2"), 0);
	assert_int_not_equal(tt_ifindex(f->ns, "v0"), 0);
	assert_true(requests >= 2);
	assert_int_equal(bad, 0);
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
		print_message("tunnel fault tests will skip: %s\n", skip_why);
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
		cmocka_unit_test_setup_teardown(test_create_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_many_faults, setup, teardown),
		cmocka_unit_test(test_no_namespace_left),
	};

	return cmocka_run_group_tests_name("tunnel-faults", tests, group_setup, group_teardown);
}
