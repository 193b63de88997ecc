/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Integration: the vxoff command in a throwaway namespace vxoff-t<pid>-cli (veth pair, a VXLAN
 * device on it, a tap, an ifb).
 *
 *   vxoff probe -n NS -j      parses as {"schema": "vxoff-probe/1", "devices": [...]}; the
 *                             devices are those of `ip -j link show`, with the same ifindex,
 *                             kind and MTU; every device has the keys ifname ifindex kind mtu
 *                             features channels rings coalesce rss tunnel_ports queues vxlan;
 *                             a null item has unavailable.<item>.message, an "unsupported"
 *                             one is null, and where ethtool -l says "Operation not
 *                             supported" channels is null (where it works, not null);
 *   vxoff probe -n NS -j vx0  just that device;
 *   vxoff probe -n NS         text, naming every device;
 *   vxoff probe -n NS nosuchdev   exit 1, the message names nosuchdev;
 *   vxoff probe -n <absent> -j    fails, the message names the namespace.
 *
 * The binary comes from $VXOFF_CLI (set by ctest). Needs root, ip, ethtool and vxlan; else skip.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "nstest.h"

static struct {
	const char *skip;
	const char *cli;
	char ns[64];
	struct json_object *ip;
} g;

static const char *const required_keys[] = {"ifname",	"ifindex",	"kind",	  "mtu",
					    "features", "channels",	"rings",  "coalesce",
					    "rss",	"tunnel_ports", "queues", "vxlan"};
/* keys that are probe items: null when unavailable */
static const char *const item_keys[] = {"features", "channels",	    "rings",  "coalesce",
					"rss",	    "tunnel_ports", "queues", "vxlan"};

static int group_setup(void **state)
{
	(void)state;
	g.skip = nt_cli_precondition(&g.cli);
	if (g.skip)
		return 0;
	if (nt_ns_create("cli", g.ns) < 0) {
		g.skip = "could not create a network namespace (ip netns add failed)";
		return 0;
	}
	if (nt_sh_quiet("ip -n %s link add veth0 type veth peer name veth1", g.ns))
		return -1;
	if (nt_sh_feature(&g.skip, "no VXLAN support in this kernel (vxlan module?)",
			  "ip -n %s link add vx0 type vxlan id 42 dstport 4789 dev veth0 "
			  "remote 198.18.0.2",
			  g.ns))
		return 0;
	if (nt_sh_quiet("ip -n %s tuntap add mode tap name tap0", g.ns) ||
	    nt_sh_quiet("ip -n %s link add ifb0 type ifb", g.ns) ||
	    nt_sh_quiet("ip -n %s link set veth0 up", g.ns) ||
	    nt_sh_quiet("ip -n %s link set veth1 up", g.ns))
		return -1;
	g.ip = nt_ip_links(g.ns);
	return g.ip ? 0 : -1;
}

static int group_teardown(void **state)
{
	int rc = 0;

	(void)state;
	json_object_put(g.ip);
	g.ip = NULL;
	if (g.ns[0]) {
		rc = nt_ns_delete(g.ns); /* -1 while ip netns list still lists it */
		g.ns[0] = '\0';
	}
	return rc;
}

static struct json_object *run_json(const char *args, struct nt_run *r)
{
	struct json_object *doc;

	nt_sh(r, "%s probe -n %s -j %s", g.cli, g.ns, args);
	if (r->status != 0)
		fail_msg("vxoff probe -n %s -j %s exited %d: %s", g.ns, args, r->status, r->err);
	doc = json_tokener_parse(r->out);
	if (!doc)
		fail_msg("vxoff probe -j %s: stdout is not JSON:\n%.2000s", args, r->out);
	return doc;
}

static struct json_object *devices_of(struct json_object *doc)
{
	struct json_object *devs = nt_get(doc, "devices");
	const char *schema = nt_get_str(doc, "schema");

	assert_non_null(schema);
	assert_string_equal(schema, "vxoff-probe/1");
	assert_non_null(devs);
	assert_true(json_object_is_type(devs, json_type_array));
	return devs;
}

static void test_cli_json_all(void **state)
{
	struct nt_run r;
	struct json_object *doc, *devs;
	size_t n, nulls = 0, ethtool_checked = 0;
	unsigned bad = 0;

	(void)state;
	NT_SKIP_IF(g.skip);
	doc = run_json("", &r);
	devs = devices_of(doc);
	n = json_object_array_length(devs);
	assert_int_equal(n, json_object_array_length(g.ip));
	for (size_t i = 0; i < n; i++) {
		struct json_object *d = json_object_array_get_idx(devs, i), *ipd, *un;
		const char *name = nt_get_str(d, "ifname"), *kind, *ipkind;
		unsigned a, b;
		struct nt_run l;

		if (!name) {
			print_error("device %zu has no ifname string\n", i);
			bad++;
			continue;
		}
		for (size_t k = 0; k < sizeof(required_keys) / sizeof(required_keys[0]); k++) {
			struct json_object *v;

			if (!json_object_object_get_ex(d, required_keys[k], &v)) {
				print_error("%s: no \"%s\" key\n", name, required_keys[k]);
				bad++;
			}
		}
		ipd = nt_ip_link_by_name(g.ip, name);
		if (!ipd) {
			print_error("%s: not a device of ip link show\n", name);
			bad++;
			continue;
		}
		if (!nt_get_u32(d, "ifindex", &a) || !nt_get_u32(ipd, "ifindex", &b) || a != b) {
			print_error("%s: ifindex differs from ip's\n", name);
			bad++;
		}
		if (!nt_get_u32(d, "mtu", &a) || !nt_get_u32(ipd, "mtu", &b) || a != b) {
			print_error("%s: mtu differs from ip's\n", name);
			bad++;
		}
		kind = nt_get_str(d, "kind");
		ipkind = nt_get_str(nt_get(ipd, "linkinfo"), "info_kind");
		/* no IFLA_INFO_KIND (lo): null, or "" */
		if (ipkind ? !kind || strcmp(kind, ipkind)
			   : nt_get(d, "kind") && (!kind || *kind)) {
			print_error("%s: kind '%s', ip says '%s'\n", name, kind ? kind : "(none)",
				    ipkind ? ipkind : "");
			bad++;
		}
		/* null <=> a reason under "unavailable" */
		un = nt_get(d, "unavailable");
		for (size_t k = 0; k < sizeof(item_keys) / sizeof(item_keys[0]); k++) {
			struct json_object *v = NULL, *why = nt_get(un, item_keys[k]);
			bool present = json_object_object_get_ex(d, item_keys[k], &v);

			if (!present)
				continue; /* reported above */
			if (!v) {
				nulls++;
				const char *msg = nt_get_str(why, "message");

				if (!msg || !*msg) {
					print_error("%s: %s is null without a reason under "
						    "\"unavailable\"\n",
						    name, item_keys[k]);
					bad++;
				}
			} else if (why && (strcmp(item_keys[k], "queues") ||
					   !nt_contains(nt_get_str(why, "status"), "unknown"))) {
				/* the one exception (json.c): queues sysfs listed while the netdev
				 * family could not (a device that is down), status "unknown" */
				print_error("%s: %s has a value and an \"unavailable\" entry\n",
					    name, item_keys[k]);
				bad++;
			}
			/* an unsupported item is null */
			if (v && nt_contains(nt_get_str(why, "status"), "unsupported")) {
				print_error("%s: %s is unsupported but not null\n", name,
					    item_keys[k]);
				bad++;
			}
		}
		/* ethtool decides which: where it cannot show channels, vxoff's are null */
		if (nt_sh(&l, "ip netns exec %s ethtool -l %s", g.ns, name) != 0 &&
		    nt_contains(l.err, "Operation not supported")) {
			if (nt_get(d, "channels")) {
				print_error("%s: ethtool -l says unsupported, channels not null\n",
					    name);
				bad++;
			} else {
				print_message("%s: channels null: %s\n", name,
					      nt_get_str(nt_get(un, "channels"), "message"));
			}
			ethtool_checked++;
		} else if (l.status == 0 && !nt_get(d, "channels")) {
			print_error("%s: ethtool -l works, channels is null\n", name);
			bad++;
		}
		nt_run_free(&l);
		if (!nt_get(d, "features")) {
			print_error("%s: features null, though ethtool -k works on every device\n",
				    name);
			bad++;
		}
	}
	json_object_put(doc);
	nt_run_free(&r);
	assert_true(ethtool_checked > 0); /* vx0 at least: the null path was exercised */
	assert_true(nulls > 0);
	assert_int_equal(bad, 0);
}

static void test_cli_json_one(void **state)
{
	struct nt_run r;
	struct json_object *doc, *devs;
	unsigned a = 0;

	(void)state;
	NT_SKIP_IF(g.skip);
	doc = run_json("vx0", &r);
	devs = devices_of(doc);
	assert_int_equal(json_object_array_length(devs), 1);
	assert_string_equal(nt_get_str(json_object_array_get_idx(devs, 0), "ifname"), "vx0");
	assert_true(nt_get_u32(json_object_array_get_idx(devs, 0), "ifindex", &a));
	assert_int_equal(a, nt_ip_ifindex(g.ip, "vx0"));
	assert_non_null(nt_get(json_object_array_get_idx(devs, 0), "vxlan"));
	json_object_put(doc);
	nt_run_free(&r);
}

static void test_cli_text(void **state)
{
	struct nt_run r;
	size_t n;

	(void)state;
	NT_SKIP_IF(g.skip);
	n = json_object_array_length(g.ip);
	nt_sh(&r, "%s probe -n %s", g.cli, g.ns);
	if (r.status != 0)
		fail_msg("vxoff probe -n %s exited %d: %s", g.ns, r.status, r.err);
	for (size_t i = 0; i < n; i++) {
		const char *name = nt_get_str(json_object_array_get_idx(g.ip, i), "ifname");

		if (!nt_contains(r.out, name))
			fail_msg("text output does not mention %s:\n%.2000s", name, r.out);
	}
	nt_run_free(&r);
}

static void test_cli_unknown_device(void **state)
{
	struct nt_run r;

	(void)state;
	NT_SKIP_IF(g.skip);
	nt_sh(&r, "%s probe -n %s nosuchdev", g.cli, g.ns);
	print_message("exit %d, stderr: %s", r.status, r.err);
	assert_int_equal(r.status, 1);
	assert_true(nt_contains(r.err, "nosuchdev") || nt_contains(r.out, "nosuchdev"));
	nt_run_free(&r);
	nt_sh(&r, "%s probe -n %s -j nosuchdev", g.cli, g.ns);
	assert_int_equal(r.status, 1);
	assert_true(nt_contains(r.err, "nosuchdev"));
	nt_run_free(&r);
}

static void test_cli_missing_netns(void **state)
{
	struct nt_run r;
	char name[64];

	(void)state;
	NT_SKIP_IF(g.skip);
	snprintf(name, sizeof(name), "vxoff-t%d-absent", (int)getpid());
	assert_false(nt_ns_listed(name));
	nt_sh(&r, "%s probe -n %s -j", g.cli, name);
	print_message("exit %d, stderr: %s", r.status, r.err);
	assert_true(r.status >= 1 && r.status < 126);
	assert_true(nt_contains(r.err, name));
	nt_run_free(&r);
}

/* vxoff tunnel: iproute2's keywords in, ip's read-back as the oracle, JSON, errors, delete. */
static void test_cli_tunnel(void **state)
{
	struct json_object *doc, *tuns, *t, *opts, *link;
	struct nt_run r;

	(void)state;
	NT_SKIP_IF(g.skip);
	nt_sh(&r,
	      "%s tunnel -n %s add vxc id 4242 dstport 4789 dev veth0 remote 198.18.0.2 "
	      "srcport 5000 6000 ttl 64 nolearning addr 198.19.0.1/24 up",
	      g.cli, g.ns);
	if (r.status != 0)
		fail_msg("tunnel add exited %d: %s", r.status, r.err);
	nt_run_free(&r);
	/* ip's view of what was created */
	nt_sh(&r, "ip -n %s -d -j link show vxc", g.ns);
	assert_int_equal(r.status, 0);
	doc = json_tokener_parse(r.out);
	assert_non_null(doc);
	link = json_object_array_get_idx(doc, 0);
	assert_non_null(link);
	t = nt_get(nt_get(nt_get(link, "linkinfo"), "info_data"), "id");
	assert_non_null(t);
	assert_int_equal(json_object_get_int(t), 4242);
	assert_int_equal(json_object_get_int(nt_get(nt_get(nt_get(link, "linkinfo"),
								 "info_data"),
						  "port")),
			 4789);
	assert_int_equal(json_object_get_int(nt_get(nt_get(nt_get(link, "linkinfo"),
								 "info_data"),
						  "ttl")),
			 64);
	assert_true(nt_contains(json_object_to_json_string(link), "\"UP\""));
	json_object_put(doc);
	nt_run_free(&r);
	nt_sh(&r, "ip -n %s -j addr show dev vxc", g.ns);
	assert_true(nt_contains(r.out, "198.19.0.1"));
	nt_run_free(&r);

	/* vxoff's own read-back, as JSON */
	nt_sh(&r, "%s tunnel -n %s show -j vxc", g.cli, g.ns);
	assert_int_equal(r.status, 0);
	doc = json_tokener_parse(r.out);
	if (!doc)
		fail_msg("tunnel show -j: not JSON:\n%.2000s", r.out);
	assert_string_equal(nt_get_str(doc, "schema"), "vxoff-tunnel/1");
	tuns = nt_get(doc, "tunnels");
	assert_int_equal(json_object_array_length(tuns), 1);
	t = json_object_array_get_idx(tuns, 0);
	assert_string_equal(nt_get_str(t, "ifname"), "vxc");
	opts = nt_get(t, "options");
	assert_int_equal(json_object_get_int(nt_get(opts, "id")), 4242);
	assert_int_equal(json_object_get_int(nt_get(opts, "dstport")), 4789);
	json_object_put(doc);
	nt_run_free(&r);

	/* usage errors exit 2 and name the keyword; the library's refusals exit 1 */
	nt_sh(&r, "%s tunnel -n %s add vxd id 1 dstport 4789 frobnicate", g.cli, g.ns);
	assert_int_equal(r.status, 2);
	assert_true(nt_contains(r.err, "frobnicate"));
	nt_run_free(&r);
	nt_sh(&r, "%s tunnel -n %s add vxd id 1 dstport 4789 remote 198.18.0.2 group 239.1.1.1 "
		  "dev veth0", g.cli, g.ns);
	assert_int_equal(r.status, 1);
	assert_true(nt_contains(r.err, "group") || nt_contains(r.err, "remote"));
	nt_run_free(&r);
	nt_sh(&r, "%s tunnel -n %s add vxd id 1", g.cli, g.ns);
	assert_true(r.status == 1 || r.status == 2);
	assert_true(nt_contains(r.err, "dstport"));
	nt_run_free(&r);
	nt_sh(&r, "ip -n %s link show vxd", g.ns); /* nothing half-made */
	assert_int_not_equal(r.status, 0);
	nt_run_free(&r);

	nt_sh(&r, "%s tunnel -n %s del vxc", g.cli, g.ns);
	assert_int_equal(r.status, 0);
	nt_run_free(&r);
	nt_sh(&r, "ip -n %s link show vxc", g.ns);
	assert_int_not_equal(r.status, 0);
	nt_run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_json_all),	  cmocka_unit_test(test_cli_json_one),
		cmocka_unit_test(test_cli_text),	  cmocka_unit_test(test_cli_unknown_device),
		cmocka_unit_test(test_cli_missing_netns), cmocka_unit_test(test_cli_tunnel),
	};
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = cmocka_run_group_tests_name("integration.cli", tests, group_setup, group_teardown);
	return nt_exit_status(failed, g.skip);
}
