/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Helpers of the tunnel integration tests (test_tunnel.c, test_tunnel_faults.c): throwaway
 * namespaces vxoff-t<pid>-<tag> with veth underlays (198.18.0.0/15, 2001:db8::/32), shell
 * commands, iproute2 JSON as the oracle (parsed with json-c), and a tiny raw rtnetlink reader
 * for the IFLA_VXLAN_* attributes that iproute2 6.1 does not print. Public API of vxoff only.
 *
 * Every namespace made here is registered and removed by tt_ns_del(), by tt_cleanup_all()
 * (group teardown) and by an atexit()/signal handler, whatever happens to the test.
 */
#ifndef VXOFF_TESTS_TEST_TUNNEL_UTIL_H
#define VXOFF_TESTS_TEST_TUNNEL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <vxoff/vxoff.h>
#include <vxoff/tunnel.h>

/* Underlay layout of tt_ns_underlays(): v0 <-> v1 (MTU 1500): v0 198.18.0.1/24 +
 * 2001:db8::1/64, v1 198.18.0.2/24 + 2001:db8::2/64; u0 <-> u1 (MTU 9000): u0 198.19.0.1/24 +
 * 2001:db8:1::1/64. IPv6 DAD is off inside the namespace (its own sysctls, not the host's). */
#define TT_V0_IP4 "198.18.0.1"
#define TT_V1_IP4 "198.18.0.2"
#define TT_V0_IP6 "2001:db8::1"
#define TT_V1_IP6 "2001:db8::2"
#define TT_U0_IP4 "198.19.0.1"
#define TT_U0_IP6 "2001:db8:1::1"

/* NULL when root + netns + vxlan work here, else why the integration tests must skip. */
const char *tt_env_check(void);

/* Run "sh -c cmd"; out/err (may be NULL) receive malloc'd stdout/stderr. Return the exit
 * status (0..255), 128+signal, or -1 when it could not run. */
int tt_sh(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* As tt_sh() without output; prints the command and its stderr when it fails. */
int tt_shq(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Make namespace vxoff-t<pid>-<tag> (registered for cleanup) into name[64]. 0 or -1. */
int tt_ns_add(const char *tag, char *name, size_t len);
/* Add the veth underlays described above. 0 or -1. */
int tt_ns_underlays(const char *ns);
void tt_ns_del(const char *ns);
/* Delete every registered namespace and every vxoff-t<pid>-* still listed. */
void tt_cleanup_all(void);
/* Number of namespaces named vxoff-t<pid>-* in `ip netns list`. */
int tt_ns_leftover(void);

/* A context in namespace ns (NULL = caller's); NULL on failure (printed). */
struct vxoff_ctx *tt_ctx(const char *ns);
/* The last error message of ctx ("" when none). */
const char *tt_errmsg(struct vxoff_ctx *ctx);
/* word occurs in s, not inside a longer identifier (so "id" is not found in "invalid"). */
bool tt_has_word(const char *s, const char *word);

/* Parse a command's JSON stdout; NULL (printed) when it fails or is not JSON. */
json_object *tt_json_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `ip -n ns -d -j link show dev` element 0 (new reference), NULL when absent. */
json_object *tt_link(const char *ns, const char *dev);
/* info_data of a tt_link() object (borrowed), NULL when absent. */
json_object *tt_info_data(json_object *link);
/* Drop the keys that differ between two otherwise equal devices (ifindex, ifname, address
 * unless keep_mac, link_index, stats). */
void tt_link_normalise(json_object *link, bool keep_mac);
/* Every key of want is in have with an equal value; a null value in want means "key absent".
 * On mismatch writes what differed to why. */
bool tt_json_subset(json_object *have, json_object *want, char *why, size_t len);
/* Canonical text of a namespace: ip -d -j link, ip -j addr, bridge -j fdb, volatile keys
 * removed. malloc'd; NULL on failure. ignore_ifindex drops ifindex / link_index keys. */
char *tt_ns_snapshot(const char *ns, bool ignore_ifindex);
/* Print to stderr the elements of two tt_ns_snapshot()s that differ ("-" before, "+" after). */
void tt_snapshot_diff(const char *before, const char *after);
/* `bridge -n ns -j fdb show dev dev` as sorted canonical lines "mac dst port vni via
 * src_vni state" joined by '\n'. malloc'd. */
char *tt_bridge_fdb(const char *ns, const char *dev);
/* The same canonical lines from a `bridge -j fdb show` array, only entries of ifname (NULL =
 * all; an unfiltered dump names each entry's device). */
char *tt_fdb_canon(json_object *arr, const char *ifname);
/* Global addresses of ifname (NULL = all) in an `ip -j addr show` array, sorted lines. */
char *tt_addr_canon(json_object *arr, const char *ifname);
/* vxoff_fdb_list() rendered as tt_bridge_fdb(); ifindex names resolved in ns. malloc'd. */
char *tt_vxoff_fdb(struct vxoff_ctx *ctx, const char *ns, const char *dev, int *rc);
/* Global addresses of dev: sorted "addr/prefixlen" lines. malloc'd. */
char *tt_addrs(const char *ns, const char *dev);

/* Raw IFLA_VXLAN_<type> of dev in ns: 1 present (payload copied, *len set), 0 absent,
 * -1 error (printed). */
int tt_raw_vxlan_attr(const char *ns, const char *dev, uint16_t type, void *buf, size_t *len);
/* ifindex of dev in ns, 0 when absent. */
uint32_t tt_ifindex(const char *ns, const char *dev);

/* Options helpers. */
void tt_opts_init(struct vxoff_tunnel_opts *o, uint32_t vni, uint32_t port);
void tt_opt_set(struct vxoff_tunnel_opts *o, uint32_t id);
void tt_opt_bool(struct vxoff_tunnel_opts *o, uint32_t id, bool on);
/* "198.18.0.1" or "2001:db8::1" into family/bytes. Aborts on a typo in the test. */
uint32_t tt_addr(const char *text, uint8_t out[16]);
void tt_fdb_init(struct vxoff_fdb_entry *e, const char *mac, const char *dst);

#endif /* VXOFF_TESTS_TEST_TUNNEL_UTIL_H */
