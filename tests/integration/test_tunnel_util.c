/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Helpers of the tunnel integration tests; see test_tunnel_util.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "test_tunnel_util.h"
#include "nstest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- shell: nstest's runner (posix_spawn, stdout and stderr captured) ---- */

int tt_sh(char **out, char **err, const char *fmt, ...)
{
	struct nt_run r;
	va_list ap;
	char *cmd = NULL;
	int st;

	va_start(ap, fmt);
	st = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (st < 0)
		abort();
	st = nt_sh(&r, "%s", cmd);
	free(cmd);
	/* the outputs change hands: the caller frees what it asked for */
	if (out)
		*out = r.out;
	else
		free(r.out);
	if (err)
		*err = r.err;
	else
		free(r.err);
	return st;
}

int tt_shq(const char *fmt, ...)
{
	va_list ap;
	char *cmd = NULL;
	int st;

	va_start(ap, fmt);
	st = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (st < 0)
		abort();
	st = nt_sh_quiet("%s", cmd);
	free(cmd);
	return st;
}

/* ---- namespaces ---- */

#define TT_MAX_NS 64
static char registered[TT_MAX_NS][64];
static unsigned ns_serial;
static bool hooks_installed;

static void on_signal(int sig)
{
	tt_cleanup_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_hooks(void)
{
	if (hooks_installed)
		return;
	hooks_installed = true;
	atexit(tt_cleanup_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
}

int tt_ns_add(const char *tag, char *name, size_t len)
{
	install_hooks();
	snprintf(name, len, "vxoff-t%ld-%s%u", (long)getpid(), tag, ns_serial++);
	for (int i = 0; i < TT_MAX_NS; i++) {
		if (!registered[i][0]) {
			snprintf(registered[i], sizeof(registered[i]), "%s", name);
			break;
		}
	}
	if (tt_shq("ip netns add %s", name) != 0)
		return -1;
	/* the namespace's own sysctls: no DAD, so dumps do not change while a test runs */
	tt_sh(NULL, NULL,
	      "ip netns exec %s sh -c 'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad; "
	      "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'",
	      name);
	return tt_shq("ip -n %s link set lo up", name) == 0 ? 0 : -1;
}

int tt_ns_underlays(const char *ns)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd),
		 "ip -n %1$s link add v0 type veth peer name v1 && "
		 "ip -n %1$s link add u0 mtu 9000 type veth peer name u1 mtu 9000 && "
		 "ip -n %1$s addr add " TT_V0_IP4 "/24 dev v0 && "
		 "ip -n %1$s addr add " TT_V1_IP4 "/24 dev v1 && "
		 "ip -n %1$s addr add " TT_V0_IP6 "/64 dev v0 nodad && "
		 "ip -n %1$s addr add " TT_V1_IP6 "/64 dev v1 nodad && "
		 "ip -n %1$s addr add " TT_U0_IP4 "/24 dev u0 && "
		 "ip -n %1$s addr add " TT_U0_IP6 "/64 dev u0 nodad && "
		 "ip -n %1$s link set v0 up && ip -n %1$s link set v1 up && "
		 "ip -n %1$s link set u0 up && ip -n %1$s link set u1 up",
		 ns);
	return tt_shq("%s", cmd) == 0 ? 0 : -1;
}

void tt_ns_del(const char *ns)
{
	if (!ns || !ns[0])
		return;
	tt_sh(NULL, NULL, "ip netns del %s", ns);
	for (int i = 0; i < TT_MAX_NS; i++)
		if (strcmp(registered[i], ns) == 0)
			registered[i][0] = 0;
}

void tt_cleanup_all(void)
{
	char *out = NULL, prefix[64];

	for (int i = 0; i < TT_MAX_NS; i++) {
		if (registered[i][0]) {
			char n[64];
			snprintf(n, sizeof(n), "%.63s", registered[i]);
			tt_ns_del(n);
		}
	}
	/* whatever else of ours is still listed (a crash between add and register) */
	snprintf(prefix, sizeof(prefix), "vxoff-t%ld-", (long)getpid());
	if (tt_sh(&out, NULL, "ip netns list") == 0 && out) {
		char *save = NULL;
		for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char n[128];
			if (sscanf(l, "%127s", n) == 1 && strncmp(n, prefix, strlen(prefix)) == 0)
				tt_sh(NULL, NULL, "ip netns del %s", n);
		}
	}
	free(out);
}

int tt_ns_leftover(void)
{
	char *out = NULL, prefix[64];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "vxoff-t%ld-", (long)getpid());
	if (tt_sh(&out, NULL, "ip netns list") != 0 || !out) {
		free(out);
		return -1;
	}
	for (char *p = strstr(out, prefix); p; p = strstr(p + 1, prefix))
		n++;
	free(out);
	return n;
}

const char *tt_env_check(void)
{
	static char why[512];
	char ns[64], *err = NULL;

	if (geteuid() != 0)
		return "not root: the tunnel integration tests create namespaces and VXLAN devices";
	if (tt_sh(NULL, NULL, "command -v ip >/dev/null && command -v bridge >/dev/null") != 0)
		return "iproute2 (ip, bridge) not installed";
	if (tt_ns_add("probe", ns, sizeof(ns)) != 0) {
		tt_ns_del(ns);
		return "cannot create a network namespace (no CAP_SYS_ADMIN / CAP_NET_ADMIN?)";
	}
	int r = tt_sh(NULL, &err, "ip -n %s link add vxprobe type vxlan id 1 dstport 4789", ns);
	tt_ns_del(ns);
	if (r != 0) {
		snprintf(why, sizeof(why), "cannot create a VXLAN device (vxlan module missing?): %s",
			 err ? err : "");
		free(err);
		return why;
	}
	free(err);
	return NULL;
}

/* ---- context, errors ---- */

struct vxoff_ctx *tt_ctx(const char *ns)
{
	struct vxoff_ctx *ctx = NULL;
	char err[256] = "";
	VXOFF_OPTS(vxoff_ctx_opts, o, .netns = ns);
	int r = vxoff_ctx_new_err(&o, &ctx, err, sizeof(err));

	if (r != 0) {
		fprintf(stderr, "[tt] vxoff_ctx_new(%s) = %d: %s\n", ns ? ns : "-", r, err);
		return NULL;
	}
	return ctx;
}

const char *tt_errmsg(struct vxoff_ctx *ctx)
{
	VXOFF_OUT(vxoff_error, e);

	if (vxoff_ctx_last_error(ctx, &e) != 0 || !e.msg)
		return "";
	return e.msg;
}

static bool idch(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

bool tt_has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	if (!s || !n)
		return false;
	for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
		bool before = p > s && idch(p[-1]);
		bool after = idch(p[n]);
		if (!before && !after)
			return true;
	}
	return false;
}

/* ---- JSON ---- */

json_object *tt_json_cmd(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL, *err = NULL, *cmd = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	r = tt_sh(&out, &err, "%s", cmd);
	free(cmd);
	json_object *j = NULL;
	if (r == 0 && out)
		j = json_tokener_parse(out);
	if (!j && r == 0 && out && out[0] == 0)
		j = json_object_new_array(); /* bridge prints nothing for an empty list */
	if (!j)
		fprintf(stderr, "[tt] JSON command failed (%d): %s / %s\n", r, out ? out : "",
			err ? err : "");
	free(out);
	free(err);
	return j;
}

json_object *tt_link(const char *ns, const char *dev)
{
	char *out = NULL;
	json_object *j = NULL, *el = NULL;

	if (tt_sh(&out, NULL, "ip -n %s -d -j link show dev %s", ns, dev) == 0 && out)
		j = json_tokener_parse(out);
	free(out);
	if (j && json_object_is_type(j, json_type_array) && json_object_array_length(j) == 1)
		el = json_object_get(json_object_array_get_idx(j, 0));
	json_object_put(j);
	return el;
}

json_object *tt_info_data(json_object *link)
{
	json_object *li = NULL, *d = NULL;

	if (!link || !json_object_object_get_ex(link, "linkinfo", &li) ||
	    !json_object_object_get_ex(li, "info_data", &d))
		return NULL;
	return d;
}

void tt_link_normalise(json_object *link, bool keep_mac)
{
	static const char *const drop[] = { "ifindex", "ifname", "link_index", "stats",
					    "stats64", "altnames" };

	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		json_object_object_del(link, drop[i]);
	if (!keep_mac)
		json_object_object_del(link, "address");
}

bool tt_json_subset(json_object *have, json_object *want, char *why, size_t len)
{
	json_object_object_foreach(want, k, v)
	{
		json_object *h = NULL;
		bool present = json_object_object_get_ex(have, k, &h);

		if (!v) {
			if (present) {
				snprintf(why, len, "key \"%s\" should be absent, is %s", k,
					 json_object_to_json_string(h));
				return false;
			}
			continue;
		}
		if (!present) {
			snprintf(why, len, "key \"%s\" missing (want %s)", k,
				 json_object_to_json_string(v));
			return false;
		}
		if (!json_object_equal(h, v)) {
			snprintf(why, len, "key \"%s\" is %s, want %s", k,
				 json_object_to_json_string(h), json_object_to_json_string(v));
			return false;
		}
	}
	return true;
}

static void strip_volatile(json_object *j, bool ignore_ifindex)
{
	if (json_object_is_type(j, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(j); i++)
			strip_volatile(json_object_array_get_idx(j, i), ignore_ifindex);
		return;
	}
	if (!json_object_is_type(j, json_type_object))
		return;
	json_object_object_del(j, "stats");
	json_object_object_del(j, "stats64");
	json_object_object_del(j, "valid_life_time");
	json_object_object_del(j, "preferred_life_time");
	json_object_object_del(j, "updated");
	json_object_object_del(j, "used");
	if (ignore_ifindex) {
		json_object_object_del(j, "ifindex");
		json_object_object_del(j, "link_index");
	}
	json_object_object_foreach(j, k, v)
	{
		(void)k;
		strip_volatile(v, ignore_ifindex);
	}
}

static int cmp_json(const void *x, const void *y)
{
	json_object *const *a = x, *const *b = y;
	/* json-c returns a buffer owned by the object: copy one side first */
	char *sa = strdup(json_object_to_json_string_ext(*a, JSON_C_TO_STRING_PLAIN));
	int r = strcmp(sa, json_object_to_json_string_ext(*b, JSON_C_TO_STRING_PLAIN));
	free(sa);
	return r;
}

char *tt_ns_snapshot(const char *ns, bool ignore_ifindex)
{
	json_object *all = json_object_new_object();
	json_object *l = tt_json_cmd("ip -n %s -d -j link show", ns);
	json_object *a = tt_json_cmd("ip -n %s -j addr show", ns);
	json_object *f = tt_json_cmd("bridge -n %s -j fdb show", ns);

	if (!l || !a || !f) {
		json_object_put(l);
		json_object_put(a);
		json_object_put(f);
		json_object_put(all);
		return NULL;
	}
	strip_volatile(l, ignore_ifindex);
	strip_volatile(a, ignore_ifindex);
	strip_volatile(f, ignore_ifindex);
	/* a re-created device comes last in a dump: order is not state */
	json_object_array_sort(l, cmp_json);
	json_object_array_sort(a, cmp_json);
	json_object_array_sort(f, cmp_json);
	json_object_object_add(all, "link", l);
	json_object_object_add(all, "addr", a);
	json_object_object_add(all, "fdb", f);
	char *s = strdup(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(all);
	return s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort n malloc'd lines and join them with '\n' (frees the lines). */
static char *join_sorted(char **lines, size_t n)
{
	size_t total = 1;
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++)
		total += strlen(lines[i]) + 1;
	char *s = malloc(total), *p = s;
	if (!s)
		abort();
	*p = 0;
	for (size_t i = 0; i < n; i++) {
		p += sprintf(p, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	return s;
}

static const char *jstr(json_object *o, const char *k, char *buf, size_t len)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, k, &v))
		return "-";
	snprintf(buf, len, "%s", json_object_get_string(v));
	return buf;
}

static bool name_is(json_object *e, const char *ifname)
{
	json_object *v = NULL;
	if (!ifname)
		return true;
	return json_object_object_get_ex(e, "ifname", &v) &&
	       strcmp(json_object_get_string(v), ifname) == 0;
}

/* An up device with learning on learns the MACs of its own packets that come back through
 * the namespace (dst 127.0.0.1 / ::1): timing-dependent, left out of every comparison. */
static bool learned_here(const char *dst)
{
	return strcmp(dst, "127.0.0.1") == 0 || strcmp(dst, "::1") == 0;
}

char *tt_fdb_canon(json_object *j, const char *ifname)
{
	size_t n = json_object_array_length(j), k = 0;
	char **lines = calloc(n + 1, sizeof(*lines));
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(j, i);
		char b[7][128];
		if (!name_is(e, ifname) || learned_here(jstr(e, "dst", b[0], sizeof(b[0]))))
			continue;
		const char *state = jstr(e, "state", b[6], sizeof(b[6]));
		if (asprintf(&lines[k++], "%s dst=%s port=%s vni=%s via=%s src_vni=%s %s",
			     jstr(e, "mac", b[0], sizeof(b[0])), jstr(e, "dst", b[1], sizeof(b[1])),
			     jstr(e, "port", b[2], sizeof(b[2])), jstr(e, "vni", b[3], sizeof(b[3])),
			     jstr(e, "viaIf", b[4], sizeof(b[4])),
			     jstr(e, "src_vni", b[5], sizeof(b[5])),
			     strcmp(state, "permanent") == 0 ? "permanent" : "dynamic") < 0)
			abort();
	}
	return join_sorted(lines, k);
}

char *tt_bridge_fdb(const char *ns, const char *dev)
{
	json_object *j = tt_json_cmd("bridge -n %s -j fdb show dev %s", ns, dev);
	if (!j)
		return NULL;
	char *s = tt_fdb_canon(j, NULL);
	json_object_put(j);
	return s;
}

char *tt_vxoff_fdb(struct vxoff_ctx *ctx, const char *ns, const char *dev, int *rc)
{
	struct vxoff_fdb_entry *e = NULL;
	uint32_t n = 0;

	*rc = vxoff_fdb_list(ctx, dev, &e, &n);
	if (*rc != 0)
		return NULL;
	uint32_t kept = 0;
	char **lines = calloc(n + 1, sizeof(*lines));
	for (uint32_t i = 0; i < n; i++) {
		char mac[32], dst[INET6_ADDRSTRLEN] = "-", port[16] = "-", vni[16] = "-",
						     via[IF_NAMESIZE + 1] = "-", svni[16] = "-";
		const struct vxoff_fdb_entry *x = &e[i];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", x->mac[0], x->mac[1],
			 x->mac[2], x->mac[3], x->mac[4], x->mac[5]);
		if (x->dst_family == AF_INET || x->dst_family == AF_INET6)
			inet_ntop((int)x->dst_family, x->dst, dst, sizeof(dst));
		if (learned_here(dst))
			continue;
		if (x->flags & VXOFF_FDB_F_PORT)
			snprintf(port, sizeof(port), "%u", x->port);
		if (x->flags & VXOFF_FDB_F_VNI)
			snprintf(vni, sizeof(vni), "%u", x->vni);
		if (x->flags & VXOFF_FDB_F_SRC_VNI)
			snprintf(svni, sizeof(svni), "%u", x->src_vni);
		if (x->flags & VXOFF_FDB_F_IFINDEX) {
			/* resolve the name inside ns, as bridge's viaIf */
			json_object *l = tt_json_cmd("ip -n %s -j link show", ns);
			snprintf(via, sizeof(via), "?%u", x->ifindex);
			for (size_t k = 0; l && k < json_object_array_length(l); k++) {
				json_object *d = json_object_array_get_idx(l, k), *v = NULL, *nm = NULL;
				if (json_object_object_get_ex(d, "ifindex", &v) &&
				    (uint32_t)json_object_get_int(v) == x->ifindex &&
				    json_object_object_get_ex(d, "ifname", &nm))
					snprintf(via, sizeof(via), "%s", json_object_get_string(nm));
			}
			json_object_put(l);
		}
		if (asprintf(&lines[kept++], "%s dst=%s port=%s vni=%s via=%s src_vni=%s %s", mac, dst,
			     port, vni, via, svni,
			     (x->flags & VXOFF_FDB_F_DYNAMIC) ? "dynamic" : "permanent") < 0)
			abort();
	}
	vxoff_free(e);
	return join_sorted(lines, kept);
}

char *tt_addr_canon(json_object *j, const char *ifname)
{
	size_t cap = 8, n = 0;
	char **lines = calloc(cap, sizeof(*lines));
	for (size_t i = 0; i < json_object_array_length(j); i++) {
		json_object *ai = NULL, *dev = json_object_array_get_idx(j, i);
		if (!name_is(dev, ifname) || !json_object_object_get_ex(dev, "addr_info", &ai))
			continue;
		for (size_t k = 0; k < json_object_array_length(ai); k++) {
			json_object *a = json_object_array_get_idx(ai, k), *l = NULL, *p = NULL,
				    *sc = NULL;
			if (!json_object_object_get_ex(a, "local", &l) ||
			    !json_object_object_get_ex(a, "prefixlen", &p) ||
			    !json_object_object_get_ex(a, "scope", &sc) ||
			    strcmp(json_object_get_string(sc), "global") != 0)
				continue;
			if (n + 1 >= cap) {
				cap *= 2;
				lines = realloc(lines, cap * sizeof(*lines));
				if (!lines)
					abort();
			}
			if (asprintf(&lines[n++], "%s/%d", json_object_get_string(l),
				     json_object_get_int(p)) < 0)
				abort();
		}
	}
	return join_sorted(lines, n);
}

char *tt_addrs(const char *ns, const char *dev)
{
	json_object *j = tt_json_cmd("ip -n %s -j addr show dev %s", ns, dev);
	if (!j)
		return NULL;
	char *s = tt_addr_canon(j, NULL);
	json_object_put(j);
	return s;
}

/* ---- raw rtnetlink ---- */

static int socket_in_ns(const char *ns)
{
	char path[256];
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd = -1;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	int target = open(path, O_RDONLY | O_CLOEXEC);

	if (self < 0 || target < 0 || setns(target, CLONE_NEWNET) < 0) {
		perror("[tt] setns");
		goto out;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (setns(self, CLONE_NEWNET) < 0) {
		perror("[tt] setns back");
		abort(); /* never leave the test in a foreign namespace */
	}
out:
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return fd;
}

int tt_raw_vxlan_attr(const char *ns, const char *dev, uint16_t type, void *buf, size_t *len)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
		char attrs[64];
	} req = { 0 };
	static char rep[65536];
	int fd = socket_in_ns(ns), found = -1;

	if (fd < 0)
		return -1;
	size_t nl = strlen(dev) + 1;
	struct rtattr *rta = (struct rtattr *)req.attrs;
	rta->rta_type = IFLA_IFNAME;
	rta->rta_len = (unsigned short)RTA_LENGTH(nl);
	memcpy(RTA_DATA(rta), dev, nl);
	req.n.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.i)) + RTA_ALIGN(rta->rta_len));
	req.n.nlmsg_type = RTM_GETLINK;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = 1;
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0)
		goto out;
	ssize_t n = recv(fd, rep, sizeof(rep), 0);
	if (n <= 0)
		goto out;
	struct nlmsghdr *h = (struct nlmsghdr *)rep;
	if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != RTM_NEWLINK)
		goto out;
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int alen = (int)IFLA_PAYLOAD(h);
	found = 0;
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if ((a->rta_type & NLA_TYPE_MASK) != IFLA_LINKINFO)
			continue;
		int l1 = (int)RTA_PAYLOAD(a);
		for (struct rtattr *b = RTA_DATA(a); RTA_OK(b, l1); b = RTA_NEXT(b, l1)) {
			if ((b->rta_type & NLA_TYPE_MASK) != IFLA_INFO_DATA)
				continue;
			int l2 = (int)RTA_PAYLOAD(b);
			for (struct rtattr *c = RTA_DATA(b); RTA_OK(c, l2); c = RTA_NEXT(c, l2)) {
				if ((c->rta_type & NLA_TYPE_MASK) != type)
					continue;
				size_t pl = RTA_PAYLOAD(c);
				if (pl > *len)
					pl = *len;
				memcpy(buf, RTA_DATA(c), pl);
				*len = RTA_PAYLOAD(c);
				found = 1;
			}
		}
	}
out:
	if (found < 0)
		fprintf(stderr, "[tt] raw RTM_GETLINK %s in %s failed\n", dev, ns);
	close(fd);
	return found;
}

uint32_t tt_ifindex(const char *ns, const char *dev)
{
	json_object *l = tt_link(ns, dev), *i = NULL;
	uint32_t r = 0;
	if (l && json_object_object_get_ex(l, "ifindex", &i))
		r = (uint32_t)json_object_get_int(i);
	json_object_put(l);
	return r;
}

/* ---- options ---- */

void tt_opts_init(struct vxoff_tunnel_opts *o, uint32_t vni, uint32_t port)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->vni = vni;
	o->port = port;
	o->set = (1ull << VXOFF_TUN_VNI) | (1ull << VXOFF_TUN_PORT);
}

void tt_opt_set(struct vxoff_tunnel_opts *o, uint32_t id)
{
	o->set |= 1ull << id;
}

void tt_opt_bool(struct vxoff_tunnel_opts *o, uint32_t id, bool on)
{
	o->set |= 1ull << id;
	if (on)
		o->on |= 1ull << id;
	else
		o->on &= ~(1ull << id);
}

uint32_t tt_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, out) == 1)
		return AF_INET6;
	fprintf(stderr, "[tt] bad address in a test: %s\n", text);
	abort();
}

void tt_fdb_init(struct vxoff_fdb_entry *e, const char *mac, const char *dst)
{
	unsigned m[6];

	memset(e, 0, sizeof(*e));
	e->sz = sizeof(*e);
	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		abort();
	for (int i = 0; i < 6; i++)
		e->mac[i] = (uint8_t)m[i];
	if (dst)
		e->dst_family = tt_addr(dst, e->dst);
}

void tt_snapshot_diff(const char *before, const char *after)
{
	json_object *b = before ? json_tokener_parse(before) : NULL;
	json_object *a = after ? json_tokener_parse(after) : NULL;
	static const char *const parts[] = { "link", "addr", "fdb" };

	if (!a || !b) {
		fprintf(stderr, "    (no snapshot to compare)\n");
		goto out;
	}
	for (int p = 0; p < 3; p++) {
		json_object *x = NULL, *y = NULL;
		json_object_object_get_ex(b, parts[p], &x);
		json_object_object_get_ex(a, parts[p], &y);
		for (int side = 0; side < 2; side++) {
			json_object *from = side ? y : x, *in = side ? x : y;
			for (size_t i = 0; from && i < json_object_array_length(from); i++) {
				json_object *e = json_object_array_get_idx(from, i);
				bool found = false;
				for (size_t k = 0; in && k < json_object_array_length(in) && !found; k++)
					found = json_object_equal(e, json_object_array_get_idx(in, k));
				if (!found)
					fprintf(stderr, "    %s %s %s\n", side ? "+" : "-", parts[p],
						json_object_to_json_string_ext(
							e, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
			}
		}
	}
out:
	json_object_put(a);
	json_object_put(b);
}
