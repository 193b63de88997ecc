/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Helpers of the integration tests: throwaway network namespaces that are always removed,
 * running ip/ethtool and capturing their output, and the preconditions (root, CAP_NET_ADMIN,
 * CAP_SYS_ADMIN, ip, ethtool, the vxlan module) that decide between running and skip().
 */
#ifndef VXOFF_TESTS_NSTEST_H
#define VXOFF_TESTS_NSTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* Output of one command. */
struct nt_run {
	int status; /* exit code; 128 + signal if killed; -1 if it could not be started */
	char *out;  /* stdout, NUL-terminated, never NULL after nt_sh() */
	char *err;  /* stderr */
};

/* Run "/bin/sh -c CMD" (printf-style), capturing stdout and stderr. Return status. */
int nt_sh(struct nt_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nt_run_free(struct nt_run *r);

/* As nt_sh() with the outputs thrown away; on failure the command and its stderr are
 * printed. Return the exit status. */
int nt_sh_quiet(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Run "/bin/sh -c CMD" that proves the kernel has a feature (a VXLAN device that can be
 * created): 0 when it succeeds; else *skip gets "<why>: <the first line of its stderr>"
 * (static storage) and the exit status is returned.
 */
int nt_sh_feature(const char **skip, const char *why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Why the integration tests cannot run here (not root, no CAP_NET_ADMIN/CAP_SYS_ADMIN, no ip
 * or ethtool binary), or NULL when they can. The string is static.
 */
const char *nt_precondition(void);

/* The same for a test of the vxoff command: first $VXOFF_CLI (set by ctest) must name the
 * binary, which goes into *cli. */
const char *nt_cli_precondition(const char **cli);

/* In a cmocka test (cmocka.h included): skip it, printing why, when why is not NULL. */
#define NT_SKIP_IF(why)                                                                            \
	do {                                                                                       \
		if (why) {                                                                         \
			print_message("SKIP: %s\n", why);                                          \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* The exit status of a group test's main(): 77 (ctest's SKIP_RETURN_CODE), printing
 * "SKIPPED: <skip>", when the group skipped and nothing failed; else 1 if something failed. */
int nt_exit_status(int failed, const char *skip);

/*
 * Create the namespace "vxoff-t<pid>-<suffix>" into name[64] and register it for removal at
 * exit and on fatal signals (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGALRM). Namespaces
 * of that pattern left by dead processes are removed first. Return 0 or -1 (printed).
 */
int nt_ns_create(const char *suffix, char name[64]);

/* Remove a namespace (ip netns del) and unregister it. Return 0 if it is gone afterwards,
 * as `ip netns list` says. */
int nt_ns_delete(const char *name);

/* True if `ip netns list` lists @name. */
bool nt_ns_listed(const char *name);

/* `ip -n NS -j -d link show` as a json-c array (caller puts it), or NULL (printed). */
struct json_object *nt_ip_links(const char *ns);
/* The element of an ip -j link array whose "ifname" is @ifname, or NULL. */
struct json_object *nt_ip_link_by_name(struct json_object *links, const char *ifname);
/* ifindex of @ifname in the array, 0 if absent. */
unsigned nt_ip_ifindex(struct json_object *links, const char *ifname);

/* Member lookups that tolerate a missing member: NULL / default. */
struct json_object *nt_get(struct json_object *o, const char *key);
const char *nt_get_str(struct json_object *o, const char *key);
bool nt_get_u32(struct json_object *o, const char *key, unsigned *ret);

/* Does @hay contain @needle (both may be NULL: false)? */
bool nt_contains(const char *hay, const char *needle);

#endif
