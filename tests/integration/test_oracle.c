/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Integration: vxoff against the kernel's own tools as oracles, in a throwaway namespace.
 *
 * The namespace vxoff-t<pid>-orc holds lo, a veth pair (veth1 with GRO on, enslaved to a
 * bridge), a VXLAN device on the veth (vx0), one without underlay (vx1), one over IPv6 on port
 * 8472 (vx6), a bridge, a macvlan on the veth, an ifb and a tap. For every device the probe
 * (both vxoff_probe_all() and vxoff_probe_device()) must agree with
 *   - `ethtool --json -k` (text `ethtool -k` as fallback): every feature's active, fixed and
 *     requested state, and the same set of names;
 *   - `ethtool -l` / `-g` / `-c`: channels, rings, coalescing, or VXOFF_CAP_NO where ethtool
 *     says "Operation not supported"; `ethtool -i` for drvinfo; `--show-tunnels` and `-x`
 *     for the unsupported tunnel port and RSS items;
 *   - `ip -j -d link show`: ifindex, kind, MTU and its limits, queues, GSO/GRO/TSO sizes,
 *     operstate, address, parent/master/underlay, VXLAN VNI/port/family.
 * vxoff_devlist_json() must carry the same values, null items explained under "unavailable".
 * Then: the VXLAN verdict judges the underlay and agrees with ethtool's view of it; a missing
 * namespace is -ENOENT naming it; an unknown interface is -ENODEV naming it; an unprivileged
 * process reads its own namespace but cannot enter a named one (message names CAP_SYS_ADMIN).
 *
 * Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN), ip, ethtool and the vxlan module; without them
 * every test is skipped with the reason (exit 77 for ctest when nothing could run).
 */
#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <vxoff/vxoff.h>

#include "nstest.h"

#define NOBODY 65534

static struct {
	const char *skip; /* why nothing can run, or NULL */
	char ns[64];
	struct vxoff_ctx *ctx;
	struct json_object *ip; /* ip -j -d link show, after the devices settled */
	struct vxoff_devlist *all;
} g;

/* Devices the setup creates (lo comes with the namespace). */
static const char *const created[] = {"veth0", "veth1", "vx0",	"vx1", "vx6",
				      "br0",   "mv0",	"ifb0", "tap0"};

/* ------------------------------------------------------------------------------------------
 * Mismatch log: every disagreement is collected, then the test fails once, listing all.
 */
static struct {
	char *buf;
	size_t len;
	unsigned count;
} mm;

static void mismatch(const char *dev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void mismatch(const char *dev, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	mm.count++;
	if (mm.count > 200)
		return; /* enough to see the pattern */
	{
		size_t add = strlen(dev) + strlen(line) + 8;
		char *b = realloc(mm.buf, mm.len + add);

		if (!b)
			return;
		mm.buf = b;
		mm.len += (size_t)snprintf(mm.buf + mm.len, add, "  %s: %s\n", dev, line);
	}
}

static void mismatch_reset(void)
{
	free(mm.buf);
	memset(&mm, 0, sizeof(mm));
}

static void mismatch_assert_none(const char *what)
{
	if (mm.count) {
		char *save = NULL;

		/* line by line: cmocka's print functions truncate long messages */
		print_error("%s: %u mismatch(es)%s:\n", what, mm.count,
			    mm.count > 200 ? ", the first 200" : "");
		for (char *l = mm.buf ? strtok_r(mm.buf, "\n", &save) : NULL; l;
		     l = strtok_r(NULL, "\n", &save))
			print_error("%s\n", l);
		mismatch_reset();
		fail_msg("%s disagrees with the oracle (see above)", what);
	}
	mismatch_reset();
}

/* ------------------------------------------------------------------------------------------
 * Namespace setup.
 */
/* Wait until no device's operstate/flags change for 1.5 s: linkwatch applies carrier changes
 * asynchronously, rate-limited to one batch a second. At most ~10 s. */
static void settle(void)
{
	char *prev = NULL;
	int stable = 0;

	for (int i = 0; i < 40 && stable < 5; i++) {
		struct nt_run r;

		nt_sh(&r, "ip -n %s -j link show", g.ns);
		if (prev && !strcmp(prev, r.out)) {
			stable++;
			nt_run_free(&r);
		} else {
			stable = 0;
			free(prev);
			prev = r.out;
			r.out = NULL;
			nt_run_free(&r);
		}
		usleep(300 * 1000);
	}
	free(prev);
}

static int group_setup(void **state)
{
	(void)state;
	g.skip = nt_precondition();
	if (g.skip)
		return 0;
	if (nt_ns_create("orc", g.ns) < 0) {
		g.skip = "could not create a network namespace (ip netns add failed)";
		return 0;
	}
	if (nt_sh_quiet("ip -n %s link add veth0 type veth peer name veth1", g.ns))
		return -1;
	/* the vxlan module decides between running and skipping */
	if (nt_sh_feature(&g.skip, "no VXLAN support in this kernel (vxlan module?)",
			  "ip -n %s link add vx0 type vxlan id 42 dstport 4789 dev veth0 "
			  "remote 198.18.0.2",
			  g.ns))
		return 0;
	if (nt_sh_quiet("ip -n %s link add vx1 type vxlan id 43 dstport 4789 remote 198.18.0.3",
			g.ns) ||
	    nt_sh_quiet("ip -n %s link add vx6 type vxlan id 44 dstport 8472 remote 2001:db8::2",
			g.ns) ||
	    nt_sh_quiet("ip -n %s link add br0 type bridge", g.ns) ||
	    nt_sh_quiet("ip -n %s link set veth1 master br0", g.ns) ||
	    nt_sh_quiet("ip -n %s link add mv0 link veth0 type macvlan mode bridge", g.ns) ||
	    nt_sh_quiet("ip -n %s link add ifb0 type ifb", g.ns) ||
	    nt_sh_quiet("ip -n %s tuntap add mode tap name tap0", g.ns) ||
	    nt_sh_quiet("ip netns exec %s ethtool -K veth1 gro on", g.ns) ||
	    nt_sh_quiet("ip -n %s addr add 198.18.0.1/24 dev veth0", g.ns) ||
	    nt_sh_quiet("ip -n %s -6 addr add 2001:db8::1/64 dev veth0 nodad", g.ns))
		return -1;
	for (size_t i = 0; i < sizeof(created) / sizeof(created[0]); i++)
		if (strcmp(created[i], "vx1") && strcmp(created[i], "vx6") &&
		    nt_sh_quiet("ip -n %s link set %s up", g.ns, created[i]))
			return -1;
	settle();
	g.ip = nt_ip_links(g.ns);
	if (!g.ip)
		return -1;
	for (size_t i = 0; i < sizeof(created) / sizeof(created[0]); i++)
		if (!nt_ip_link_by_name(g.ip, created[i])) {
			fprintf(stderr, "setup: %s is missing from ip link show\n", created[i]);
			return -1;
		}
	{
		VXOFF_OPTS(vxoff_ctx_opts, o, .netns = g.ns);
		char errbuf[256];
		int rc = vxoff_ctx_new_err(&o, &g.ctx, errbuf, sizeof(errbuf));

		if (rc < 0) {
			fprintf(stderr, "setup: vxoff_ctx_new(%s) = %d: %s\n", g.ns, rc, errbuf);
			return -1;
		}
	}
	return 0;
}

static int group_teardown(void **state)
{
	int rc = 0;

	(void)state;
	vxoff_devlist_free(g.all);
	g.all = NULL;
	vxoff_ctx_free(g.ctx);
	g.ctx = NULL;
	json_object_put(g.ip);
	g.ip = NULL;
	if (g.ns[0]) {
		rc = nt_ns_delete(g.ns); /* -1 while ip netns list still lists it */
		g.ns[0] = '\0';
	}
	return rc;
}

/* ------------------------------------------------------------------------------------------
 * The ethtool oracle.
 */
struct eth_feature {
	char name[64];
	bool aggregate; /* a legacy group line: its members are listed separately */
	bool active, fixed;
	int requested; /* 0/1, -1 unknown */
};

struct eth_features {
	struct eth_feature *v;
	size_t n;
	bool from_json;
};

/* ethtool's legacy names (off_flag_def) and the kernel features each stands for. */
static const struct {
	const char *legacy;
	const char *pattern;
} legacy_map[] = {
	{"rx-checksumming", "rx-checksum"},
	{"tx-checksumming", "tx-checksum-*"},
	{"scatter-gather", "tx-scatter-gather*"},
	{"tcp-segmentation-offload", "tx-tcp*-segmentation"},
	{"udp-fragmentation-offload", "tx-udp-fragmentation"},
	{"generic-segmentation-offload", "tx-generic-segmentation"},
	{"generic-receive-offload", "rx-gro"},
	{"large-receive-offload", "rx-lro"},
	{"rx-vlan-offload", "rx-vlan-hw-parse"},
	{"tx-vlan-offload", "tx-vlan-hw-insert"},
	{"ntuple-filters", "rx-ntuple-filter"},
	{"receive-hashing", "rx-hashing"},
};

static const char *legacy_pattern(const char *name)
{
	for (size_t i = 0; i < sizeof(legacy_map) / sizeof(legacy_map[0]); i++)
		if (!strcmp(legacy_map[i].legacy, name))
			return legacy_map[i].pattern;
	return NULL;
}

static struct eth_feature *ef_add(struct eth_features *f)
{
	struct eth_feature *v = realloc(f->v, (f->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	f->v = v;
	memset(&v[f->n], 0, sizeof(v[f->n]));
	v[f->n].requested = -1;
	return &v[f->n++];
}

static int parse_features_json(const char *text, struct eth_features *f)
{
	struct json_object *arr = json_tokener_parse(text), *o;

	if (!arr || !json_object_is_type(arr, json_type_array) ||
	    json_object_array_length(arr) != 1) {
		json_object_put(arr);
		return -1;
	}
	o = json_object_array_get_idx(arr, 0);
	json_object_object_foreach(o, key, val)
	{
		struct json_object *a = nt_get(val, "active"), *fx = nt_get(val, "fixed"),
				   *rq = nt_get(val, "requested");
		struct eth_feature *e;

		if (!strcmp(key, "ifname"))
			continue;
		if (!json_object_is_type(val, json_type_object) || !a) {
			json_object_put(arr);
			return -1;
		}
		e = ef_add(f);
		if (!e) {
			json_object_put(arr);
			return -1;
		}
		snprintf(e->name, sizeof(e->name), "%s", key);
		e->active = json_object_get_boolean(a);
		/* a group line ("tx-checksumming") has fixed/requested null */
		e->aggregate = !fx;
		e->fixed = fx && json_object_get_boolean(fx);
		if (rq)
			e->requested = json_object_get_boolean(rq);
	}
	json_object_put(arr);
	f->from_json = true;
	return f->n ? 0 : -1;
}

/* "name: on|off [fixed] [requested on|off]", members of a group indented by a tab. */
static int parse_features_text(char *text, struct eth_features *f)
{
	char *save = NULL;
	struct eth_feature *prev_top = NULL;
	size_t prev_top_idx = 0;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		bool indented = l[0] == '\t' || l[0] == ' ';
		char *colon, *val;
		struct eth_feature *e;

		if (!strncmp(l, "Features for ", 13))
			continue;
		while (*l == '\t' || *l == ' ')
			l++;
		colon = strstr(l, ": ");
		if (!colon)
			return -1;
		*colon = '\0';
		val = colon + 2;
		if (indented && prev_top)
			f->v[prev_top_idx].aggregate = true;
		e = ef_add(f);
		if (!e)
			return -1;
		snprintf(e->name, sizeof(e->name), "%s", l);
		if (!strncmp(val, "on", 2))
			e->active = true;
		else if (strncmp(val, "off", 3))
			return -1;
		e->fixed = strstr(val, "[fixed]") != NULL;
		/* ethtool prints [requested] only for a changeable feature whose wanted state
		 * differs from its active one; for a fixed one the wanted bit is not shown */
		if (strstr(val, "[requested on]"))
			e->requested = 1;
		else if (strstr(val, "[requested off]"))
			e->requested = 0;
		else if (!e->fixed)
			e->requested = e->active;
		if (!indented) {
			prev_top = e;
			prev_top_idx = f->n - 1;
		}
	}
	return f->n ? 0 : -1;
}

static int ethtool_features(const char *dev, struct eth_features *f, char *why, size_t whylen)
{
	struct nt_run r;
	bool text_only = getenv("VXOFF_TEST_ETHTOOL_TEXT") != NULL;

	memset(f, 0, sizeof(*f));
	if (!text_only) {
		if (nt_sh(&r, "ip netns exec %s ethtool --json -k %s", g.ns, dev) == 0 &&
		    parse_features_json(r.out, f) == 0) {
			nt_run_free(&r);
			return 0;
		}
		nt_run_free(&r);
		free(f->v);
		memset(f, 0, sizeof(*f));
	}
	if (nt_sh(&r, "ip netns exec %s ethtool -k %s", g.ns, dev) != 0 ||
	    parse_features_text(r.out, f) < 0) {
		snprintf(why, whylen, "ethtool -k %s failed or printed something unexpected: %s",
			 dev, r.err);
		nt_run_free(&r);
		return -1;
	}
	nt_run_free(&r);
	return 0;
}

/* Two-section tables of ethtool -l / -g: "Pre-set maximums:" then "Current hardware
 * settings:", lines "Label:<tabs>value" where value is a number or n/a. */
struct kv {
	char key[32];
	bool na;
	bool num;
	unsigned long val;
};

struct table2 {
	struct kv sec[2][24];
	int n[2];
};

static void parse_table2(char *text, struct table2 *t)
{
	char *save = NULL;
	int s = -1;

	memset(t, 0, sizeof(*t));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *colon, *v, *end;
		struct kv *e;

		if (!strncmp(l, "Pre-set maximums:", 17)) {
			s = 0;
			continue;
		}
		if (!strncmp(l, "Current hardware settings:", 26)) {
			s = 1;
			continue;
		}
		colon = strchr(l, ':');
		if (s < 0 || !colon || t->n[s] >= 24)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		e = &t->sec[s][t->n[s]++];
		snprintf(e->key, sizeof(e->key), "%s", l);
		e->na = !strcmp(v, "n/a");
		e->val = strtoul(v, &end, 10);
		e->num = !e->na && end != v && *end == '\0';
	}
}

static const struct kv *table2_get(const struct table2 *t, int s, const char *key)
{
	for (int i = 0; i < t->n[s]; i++)
		if (!strcmp(t->sec[s][i].key, key))
			return &t->sec[s][i];
	return NULL;
}

/* Everything ethtool says about one device, gathered once. */
struct eth_dev {
	char name[IFNAMSIZ];
	struct eth_features feat;
	char feat_why[512];
	int feat_rc;
	struct nt_run l, gr, c, i, tun, x;
};

static struct eth_dev *eth_devs;
static size_t neth_devs;

static void eth_dev_free(struct eth_dev *d)
{
	free(d->feat.v);
	nt_run_free(&d->l);
	nt_run_free(&d->gr);
	nt_run_free(&d->c);
	nt_run_free(&d->i);
	nt_run_free(&d->tun);
	nt_run_free(&d->x);
}

static void eth_devs_free(void)
{
	for (size_t i = 0; i < neth_devs; i++)
		eth_dev_free(&eth_devs[i]);
	free(eth_devs);
	eth_devs = NULL;
	neth_devs = 0;
}

static const struct eth_dev *eth_dev_get(const char *name)
{
	struct eth_dev *d;

	for (size_t i = 0; i < neth_devs; i++)
		if (!strcmp(eth_devs[i].name, name))
			return &eth_devs[i];
	d = realloc(eth_devs, (neth_devs + 1) * sizeof(*d));
	if (!d)
		return NULL;
	eth_devs = d;
	d = &eth_devs[neth_devs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->feat_rc = ethtool_features(name, &d->feat, d->feat_why, sizeof(d->feat_why));
	nt_sh(&d->l, "ip netns exec %s ethtool -l %s", g.ns, name);
	nt_sh(&d->gr, "ip netns exec %s ethtool -g %s", g.ns, name);
	nt_sh(&d->c, "ip netns exec %s ethtool -c %s", g.ns, name);
	nt_sh(&d->i, "ip netns exec %s ethtool -i %s", g.ns, name);
	nt_sh(&d->tun, "ip netns exec %s ethtool --show-tunnels %s", g.ns, name);
	nt_sh(&d->x, "ip netns exec %s ethtool -x %s", g.ns, name);
	return d;
}

static bool unsupported(const struct nt_run *r)
{
	return r->status != 0 && nt_contains(r->err, "Operation not supported");
}

/* An item ethtool says the device lacks: vxoff must say VXOFF_CAP_NO, -EOPNOTSUPP, a reason. */
static void expect_no(const char *dev, const struct vxoff_devinfo *di, uint32_t item,
		      const char *ethtool_cmd)
{
	VXOFF_OUT(vxoff_item_status, st);

	if (vxoff_devinfo_item(di, item, &st) < 0) {
		mismatch(dev, "vxoff_devinfo_item(%s) failed", vxoff_item_name(item));
		return;
	}
	if (st.cap != VXOFF_CAP_NO)
		mismatch(dev,
			 "ethtool %s: Operation not supported, but vxoff %s cap=%u err=%d (%s)",
			 ethtool_cmd, vxoff_item_name(item), st.cap, st.err,
			 st.msg ? st.msg : "no message");
	else if (st.err != -EOPNOTSUPP || !st.msg || !*st.msg)
		mismatch(dev, "%s is VXOFF_CAP_NO with err=%d and %s message",
			 vxoff_item_name(item), st.err, st.msg && *st.msg ? "a" : "no");
}

static bool expect_yes(const char *dev, const struct vxoff_devinfo *di, uint32_t item,
		       const char *ethtool_cmd)
{
	VXOFF_OUT(vxoff_item_status, st);

	if (vxoff_devinfo_item(di, item, &st) < 0) {
		mismatch(dev, "vxoff_devinfo_item(%s) failed", vxoff_item_name(item));
		return false;
	}
	if (st.cap != VXOFF_CAP_YES) {
		mismatch(dev, "ethtool %s works, but vxoff %s cap=%u err=%d (%s)", ethtool_cmd,
			 vxoff_item_name(item), st.cap, st.err, st.msg ? st.msg : "no message");
		return false;
	}
	if (st.err != 0 || st.msg)
		mismatch(dev, "%s is YES but carries err=%d msg=%s", vxoff_item_name(item), st.err,
			 st.msg ? st.msg : "(null)");
	return true;
}

static void check_features(const char *dev, const struct vxoff_devinfo *di, const struct eth_dev *e)
{
	uint32_t n = vxoff_devinfo_feature_count(di), named = 0, matched = 0;
	bool *seen;

	if (e->feat_rc < 0) {
		mismatch(dev, "%s", e->feat_why);
		return;
	}
	if (!expect_yes(dev, di, VXOFF_ITEM_FEATURES, "-k"))
		return;
	if (n == 0) {
		mismatch(dev, "features item is YES but vxoff_devinfo_feature_count() is 0");
		return;
	}
	seen = calloc(n, sizeof(*seen));
	if (!seen)
		return;
	for (size_t k = 0; k < e->feat.n; k++) {
		const struct eth_feature *ef = &e->feat.v[k];
		const char *pat = legacy_pattern(ef->name);
		char kname[64];
		uint32_t nmatch = 0, midx = 0;
		VXOFF_OUT(vxoff_feature, vf);

		snprintf(kname, sizeof(kname), "%s", ef->name);
		if (pat) {
			/* a legacy name: the kernel features it stands for, as ethtool matches them
			 */
			for (uint32_t i = 0; i < n; i++) {
				VXOFF_OUT(vxoff_feature, x);

				if (vxoff_devinfo_feature(di, i, &x) == 0 && *x.name &&
				    fnmatch(pat, x.name, 0) == 0) {
					nmatch++;
					midx = i;
				}
			}
			if (ef->aggregate) {
				if (nmatch < 2)
					mismatch(dev,
						 "ethtool groups %s, vxoff has %u feature(s) "
						 "matching %s",
						 ef->name, nmatch, pat);
				continue; /* members are compared one by one */
			}
			if (nmatch != 1) {
				mismatch(
					dev,
					"ethtool shows %s as one feature, vxoff has %u matching %s",
					ef->name, nmatch, pat);
				continue;
			}
			vxoff_devinfo_feature(di, midx, &vf);
			snprintf(kname, sizeof(kname), "%s", vf.name);
		} else if (ef->aggregate) {
			mismatch(dev, "ethtool prints unknown group %s", ef->name);
			continue;
		}
		{
			int rc = vxoff_devinfo_feature_find(di, kname, &vf);

			if (rc < 0) {
				mismatch(dev,
					 "ethtool lists %s%s%s%s, vxoff_devinfo_feature_find = %d",
					 kname, pat ? " (as " : "", pat ? ef->name : "",
					 pat ? ")" : "", rc);
				continue;
			}
		}
		for (uint32_t i = 0; i < n; i++) {
			VXOFF_OUT(vxoff_feature, x);

			if (vxoff_devinfo_feature(di, i, &x) == 0 && !strcmp(x.name, kname)) {
				if (seen[i])
					mismatch(dev, "ethtool lists %s twice", kname);
				seen[i] = true;
			}
		}
		matched++;
		if (!!(vf.flags & VXOFF_FEATURE_ACTIVE) != ef->active)
			mismatch(dev, "%s: ethtool active=%s, vxoff active=%s", kname,
				 ef->active ? "on" : "off",
				 vf.flags & VXOFF_FEATURE_ACTIVE ? "on" : "off");
		if (!!(vf.flags & VXOFF_FEATURE_FIXED) != ef->fixed)
			mismatch(dev, "%s: ethtool fixed=%d, vxoff fixed=%d (flags 0x%x)", kname,
				 ef->fixed, !!(vf.flags & VXOFF_FEATURE_FIXED), vf.flags);
		if (ef->requested >= 0 && !!(vf.flags & VXOFF_FEATURE_WANTED) != ef->requested)
			mismatch(dev, "%s: ethtool requested=%d, vxoff wanted=%d", kname,
				 ef->requested, !!(vf.flags & VXOFF_FEATURE_WANTED));
	}
	/* and nothing vxoff names is missing from ethtool's list */
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_feature, x);

		if (vxoff_devinfo_feature(di, i, &x) < 0) {
			mismatch(dev, "vxoff_devinfo_feature(%u) failed", i);
			continue;
		}
		if (!*x.name)
			continue; /* an unnamed bit: ethtool cannot print it either */
		named++;
		if (!seen[i]) {
			/* a legacy single line covers it? */
			bool covered = false;

			for (size_t k = 0; k < e->feat.n && !covered; k++) {
				const char *pat = legacy_pattern(e->feat.v[k].name);

				covered = pat && !e->feat.v[k].aggregate &&
					  fnmatch(pat, x.name, 0) == 0;
			}
			if (!covered)
				mismatch(dev, "vxoff has feature %s, ethtool -k does not list it",
					 x.name);
		}
	}
	if (named != matched)
		mismatch(dev, "vxoff names %u features, ethtool -k shows %u", named, matched);
	{
		VXOFF_OUT(vxoff_feature, x);
		int rc = vxoff_devinfo_feature(di, n, &x);

		if (rc != -ERANGE)
			mismatch(dev, "vxoff_devinfo_feature(count) = %d, expected -ERANGE", rc);
		rc = vxoff_devinfo_feature_find(di, "no-such-feature", &x);
		if (rc != -ENOENT)
			mismatch(dev, "vxoff_devinfo_feature_find(no-such-feature) = %d", rc);
	}
	free(seen);
}

static void cmp_table(const char *dev, const char *cmd, const struct table2 *t, int sec,
		      const char *label, uint32_t present, uint32_t bit, uint32_t value)
{
	const struct kv *k = table2_get(t, sec, label);

	if (!k) {
		mismatch(dev, "ethtool %s printed no \"%s\" in section %d", cmd, label, sec);
		return;
	}
	if (k->na) {
		if (present & bit)
			mismatch(dev, "ethtool %s %s %s: n/a, vxoff reports %u", cmd,
				 sec ? "current" : "max", label, value);
	} else if (!k->num) {
		mismatch(dev, "ethtool %s %s: unparsable value", cmd, label);
	} else if (!(present & bit)) {
		mismatch(dev, "ethtool %s %s %s: %lu, vxoff has no value", cmd,
			 sec ? "current" : "max", label, k->val);
	} else if (k->val != value) {
		mismatch(dev, "ethtool %s %s %s: %lu, vxoff %u", cmd, sec ? "current" : "max",
			 label, k->val, value);
	}
}

static void check_channels(const char *dev, const struct vxoff_devinfo *di, const struct eth_dev *e)
{
	VXOFF_OUT(vxoff_channels, c);
	struct table2 t;
	char *text;
	int rc;

	if (unsupported(&e->l)) {
		expect_no(dev, di, VXOFF_ITEM_CHANNELS, "-l");
		rc = vxoff_devinfo_channels(di, &c);
		if (rc != -EOPNOTSUPP)
			mismatch(dev, "vxoff_devinfo_channels() = %d, expected -EOPNOTSUPP", rc);
		return;
	}
	if (e->l.status != 0) {
		mismatch(dev, "ethtool -l failed unexpectedly (%d): %s", e->l.status, e->l.err);
		return;
	}
	if (!expect_yes(dev, di, VXOFF_ITEM_CHANNELS, "-l"))
		return;
	rc = vxoff_devinfo_channels(di, &c);
	if (rc < 0) {
		mismatch(dev, "vxoff_devinfo_channels() = %d on a YES item", rc);
		return;
	}
	text = strdup(e->l.out);
	if (!text)
		return;
	parse_table2(text, &t);
	free(text);
	cmp_table(dev, "-l", &t, 0, "RX", c.present, VXOFF_CH_RX_MAX, c.rx_max);
	cmp_table(dev, "-l", &t, 0, "TX", c.present, VXOFF_CH_TX_MAX, c.tx_max);
	cmp_table(dev, "-l", &t, 0, "Other", c.present, VXOFF_CH_OTHER_MAX, c.other_max);
	cmp_table(dev, "-l", &t, 0, "Combined", c.present, VXOFF_CH_COMBINED_MAX, c.combined_max);
	cmp_table(dev, "-l", &t, 1, "RX", c.present, VXOFF_CH_RX_COUNT, c.rx_count);
	cmp_table(dev, "-l", &t, 1, "TX", c.present, VXOFF_CH_TX_COUNT, c.tx_count);
	cmp_table(dev, "-l", &t, 1, "Other", c.present, VXOFF_CH_OTHER_COUNT, c.other_count);
	cmp_table(dev, "-l", &t, 1, "Combined", c.present, VXOFF_CH_COMBINED_COUNT,
		  c.combined_count);
}

static void check_rings(const char *dev, const struct vxoff_devinfo *di, const struct eth_dev *e)
{
	VXOFF_OUT(vxoff_rings, rg);
	struct table2 t;
	char *text;
	int rc;

	if (unsupported(&e->gr)) {
		expect_no(dev, di, VXOFF_ITEM_RINGS, "-g");
		rc = vxoff_devinfo_rings(di, &rg);
		if (rc != -EOPNOTSUPP)
			mismatch(dev, "vxoff_devinfo_rings() = %d, expected -EOPNOTSUPP", rc);
		return;
	}
	if (e->gr.status != 0) {
		mismatch(dev, "ethtool -g failed unexpectedly (%d): %s", e->gr.status, e->gr.err);
		return;
	}
	if (!expect_yes(dev, di, VXOFF_ITEM_RINGS, "-g"))
		return;
	rc = vxoff_devinfo_rings(di, &rg);
	if (rc < 0) {
		mismatch(dev, "vxoff_devinfo_rings() = %d on a YES item", rc);
		return;
	}
	text = strdup(e->gr.out);
	if (!text)
		return;
	parse_table2(text, &t);
	free(text);
	cmp_table(dev, "-g", &t, 0, "RX", rg.present, VXOFF_RING_RX_MAX, rg.rx_max);
	cmp_table(dev, "-g", &t, 0, "RX Mini", rg.present, VXOFF_RING_RX_MINI_MAX, rg.rx_mini_max);
	cmp_table(dev, "-g", &t, 0, "RX Jumbo", rg.present, VXOFF_RING_RX_JUMBO_MAX,
		  rg.rx_jumbo_max);
	cmp_table(dev, "-g", &t, 0, "TX", rg.present, VXOFF_RING_TX_MAX, rg.tx_max);
	cmp_table(dev, "-g", &t, 1, "RX", rg.present, VXOFF_RING_RX, rg.rx);
	cmp_table(dev, "-g", &t, 1, "RX Mini", rg.present, VXOFF_RING_RX_MINI, rg.rx_mini);
	cmp_table(dev, "-g", &t, 1, "RX Jumbo", rg.present, VXOFF_RING_RX_JUMBO, rg.rx_jumbo);
	cmp_table(dev, "-g", &t, 1, "TX", rg.present, VXOFF_RING_TX, rg.tx);
}

/* One coalescing value as ethtool printed it ("n/a", "on"/"off" or a number). */
static void cmp_coal(const char *dev, const struct vxoff_devinfo *di, uint32_t param, const char *v)
{
	uint32_t got = 0;
	int rc = vxoff_devinfo_coalesce_param(di, param, &got);
	const char *name = vxoff_coalesce_param_name(param);
	char *end;
	unsigned long want;

	if (!strcmp(v, "n/a")) {
		if (rc != -ENOENT)
			mismatch(dev, "coalesce %s: ethtool n/a, vxoff rc=%d value=%u", name, rc,
				 got);
		return;
	}
	if (!strcmp(v, "on") || !strcmp(v, "off"))
		want = !strcmp(v, "on");
	else {
		want = strtoul(v, &end, 10);
		if (end == v) {
			mismatch(dev, "coalesce %s: unparsable ethtool value '%s'", name, v);
			return;
		}
	}
	if (rc < 0)
		mismatch(dev, "coalesce %s: ethtool %s, vxoff rc=%d", name, v, rc);
	else if (got != want)
		mismatch(dev, "coalesce %s: ethtool %s, vxoff %u", name, v, got);
}

static void check_coalesce(const char *dev, const struct vxoff_devinfo *di, const struct eth_dev *e)
{
	char *text, *save = NULL;
	unsigned compared = 0;
	uint32_t dummy;

	if (unsupported(&e->c)) {
		expect_no(dev, di, VXOFF_ITEM_COALESCE, "-c");
		if (vxoff_devinfo_coalesce_param(di, VXOFF_COAL_RX_USECS, &dummy) != -EOPNOTSUPP)
			mismatch(dev, "vxoff_devinfo_coalesce_param() is not -EOPNOTSUPP");
		return;
	}
	if (e->c.status != 0) {
		mismatch(dev, "ethtool -c failed unexpectedly (%d): %s", e->c.status, e->c.err);
		return;
	}
	if (!expect_yes(dev, di, VXOFF_ITEM_COALESCE, "-c"))
		return;
	text = strdup(e->c.out);
	if (!text)
		return;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char a[16], b[16];
		char *colon;

		/* "Adaptive RX: n/a  TX: n/a" and "CQE mode RX: n/a  TX: n/a" */
		if (sscanf(l, "Adaptive RX: %15s TX: %15s", a, b) == 2) {
			cmp_coal(dev, di, VXOFF_COAL_USE_ADAPTIVE_RX, a);
			cmp_coal(dev, di, VXOFF_COAL_USE_ADAPTIVE_TX, b);
			compared += 2;
			continue;
		}
		if (sscanf(l, "CQE mode RX: %15s TX: %15s", a, b) == 2) {
			cmp_coal(dev, di, VXOFF_COAL_USE_CQE_MODE_RX, a);
			cmp_coal(dev, di, VXOFF_COAL_USE_CQE_MODE_TX, b);
			compared += 2;
			continue;
		}
		colon = strstr(l, ": ");
		if (!colon)
			continue;
		*colon = '\0';
		for (uint32_t p = 0; p <= VXOFF_COAL_PARAM_MAX; p++) {
			const char *nm = vxoff_coalesce_param_name(p);

			if (nm && !strcmp(nm, l)) {
				cmp_coal(dev, di, p, colon + 2);
				compared++;
			}
		}
	}
	free(text);
	if (compared < 20)
		mismatch(dev, "only %u coalescing parameters of ethtool -c matched vxoff's names",
			 compared);
}

static const char *field(const char *text, const char *key, char *buf, size_t len)
{
	const char *p = text;
	size_t k = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ':') {
			const char *v = p + k + 1, *e;

			while (*v == ' ')
				v++;
			e = strchr(v, '\n');
			if (!e)
				e = v + strlen(v);
			snprintf(buf, len, "%.*s", (int)(e - v), v);
			return buf;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static void check_drvinfo(const char *dev, const struct vxoff_devinfo *di, const struct eth_dev *e)
{
	VXOFF_OUT(vxoff_link_info, li);
	char drv[64], bus[64], fw[64];

	if (unsupported(&e->i)) {
		expect_no(dev, di, VXOFF_ITEM_DRVINFO, "-i");
		return;
	}
	if (e->i.status != 0) {
		mismatch(dev, "ethtool -i failed unexpectedly (%d): %s", e->i.status, e->i.err);
		return;
	}
	if (!expect_yes(dev, di, VXOFF_ITEM_DRVINFO, "-i") || vxoff_devinfo_link(di, &li) < 0)
		return;
	if (!field(e->i.out, "driver", drv, sizeof(drv)) ||
	    !field(e->i.out, "bus-info", bus, sizeof(bus)) ||
	    !field(e->i.out, "firmware-version", fw, sizeof(fw))) {
		mismatch(dev, "ethtool -i output lacks driver/bus-info/firmware-version");
		return;
	}
	if (strcmp(drv, li.driver))
		mismatch(dev, "driver: ethtool '%s', vxoff '%s'", drv, li.driver);
	if (strcmp(bus, li.bus_info))
		mismatch(dev, "bus-info: ethtool '%s', vxoff '%s'", bus, li.bus_info);
	if (strcmp(fw, li.fw_version))
		mismatch(dev, "firmware-version: ethtool '%s', vxoff '%s'", fw, li.fw_version);
}

static void check_ethtool(const char *dev, const struct vxoff_devinfo *di)
{
	const struct eth_dev *e = eth_dev_get(dev);

	if (!e) {
		mismatch(dev, "out of memory");
		return;
	}
	check_features(dev, di, e);
	check_channels(dev, di, e);
	check_rings(dev, di, e);
	check_coalesce(dev, di, e);
	check_drvinfo(dev, di, e);
	/* every device of this namespace is virtual: no tunnel port table, no RSS */
	if (unsupported(&e->tun))
		expect_no(dev, di, VXOFF_ITEM_TUNNEL_PORTS, "--show-tunnels");
	else if (e->tun.status == 0)
		expect_yes(dev, di, VXOFF_ITEM_TUNNEL_PORTS, "--show-tunnels");
	if (unsupported(&e->x))
		expect_no(dev, di, VXOFF_ITEM_RSS, "-x");
}

/* ------------------------------------------------------------------------------------------
 * The ip oracle.
 */
static uint32_t oper_code(const char *s)
{
	static const char *const names[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
					    "TESTING", "DORMANT",    "UP"};

	for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (s && !strcmp(s, names[i]))
			return i;
	return 0xffffffffu;
}

static void cmp_u32(const char *dev, struct json_object *o, const char *key, uint32_t present,
		    uint32_t bit, uint32_t value, bool required)
{
	unsigned want;

	if (!nt_get_u32(o, key, &want)) {
		if (required)
			mismatch(dev, "ip -j printed no %s", key);
		else if (bit && (present & bit))
			mismatch(dev, "ip -j has no %s, vxoff reports %u", key, value);
		return;
	}
	if (bit && !(present & bit))
		mismatch(dev, "%s: ip %u, vxoff does not report it", key, want);
	else if (want != value)
		mismatch(dev, "%s: ip %u, vxoff %u", key, want, value);
}

static void check_link(const char *dev, const struct vxoff_devinfo *di)
{
	struct json_object *o = nt_ip_link_by_name(g.ip, dev), *li, *data;
	VXOFF_OUT(vxoff_link_info, l);
	const char *s;
	unsigned want;

	if (!o) {
		mismatch(dev, "not in ip link show");
		return;
	}
	if (!expect_yes(dev, di, VXOFF_ITEM_LINK, "(ip link)"))
		return;
	if (vxoff_devinfo_link(di, &l) < 0) {
		mismatch(dev, "vxoff_devinfo_link() failed on a YES item");
		return;
	}
	if (strcmp(l.ifname, dev))
		mismatch(dev, "ifname: vxoff '%s'", l.ifname);
	cmp_u32(dev, o, "ifindex", 0, 0, l.ifindex, true);
	cmp_u32(dev, o, "mtu", 0, 0, l.mtu, true);
	cmp_u32(dev, o, "min_mtu", l.present, VXOFF_LINK_HAS_MIN_MTU, l.min_mtu, true);
	cmp_u32(dev, o, "max_mtu", l.present, VXOFF_LINK_HAS_MAX_MTU, l.max_mtu, true);
	cmp_u32(dev, o, "num_tx_queues", l.present, VXOFF_LINK_HAS_QUEUES, l.num_tx_queues, true);
	cmp_u32(dev, o, "num_rx_queues", l.present, VXOFF_LINK_HAS_QUEUES, l.num_rx_queues, true);
	cmp_u32(dev, o, "gso_max_size", l.present, VXOFF_LINK_HAS_GSO_MAX_SIZE, l.gso_max_size,
		true);
	cmp_u32(dev, o, "gso_max_segs", l.present, VXOFF_LINK_HAS_GSO_MAX_SEGS, l.gso_max_segs,
		true);
	cmp_u32(dev, o, "gro_max_size", l.present, VXOFF_LINK_HAS_GRO_MAX_SIZE, l.gro_max_size,
		true);
	cmp_u32(dev, o, "tso_max_size", l.present, VXOFF_LINK_HAS_TSO_MAX_SIZE, l.tso_max_size,
		false);
	cmp_u32(dev, o, "tso_max_segs", l.present, VXOFF_LINK_HAS_TSO_MAX_SEGS, l.tso_max_segs,
		false);
	/* iproute2 6.1 does not print these; newer ones do */
	if (nt_get(o, "gso_ipv4_max_size"))
		cmp_u32(dev, o, "gso_ipv4_max_size", l.present, VXOFF_LINK_HAS_GSO_IPV4_MAX_SIZE,
			l.gso_ipv4_max_size, false);
	if (nt_get(o, "gro_ipv4_max_size"))
		cmp_u32(dev, o, "gro_ipv4_max_size", l.present, VXOFF_LINK_HAS_GRO_IPV4_MAX_SIZE,
			l.gro_ipv4_max_size, false);
	if (oper_code(nt_get_str(o, "operstate")) != l.operstate)
		mismatch(dev, "operstate: ip %s, vxoff %u", nt_get_str(o, "operstate"),
			 l.operstate);
	s = nt_get_str(o, "address");
	if (strcmp(s ? s : "", l.address))
		mismatch(dev, "address: ip '%s', vxoff '%s'", s ? s : "", l.address);
	li = nt_get(o, "linkinfo");
	s = nt_get_str(li, "info_kind");
	if (strcmp(s ? s : "", l.kind))
		mismatch(dev, "kind: ip '%s', vxoff '%s'", s ? s : "", l.kind);
	/* parent (veth peer, macvlan lower) and master, by name in ip's output */
	s = nt_get_str(o, "link");
	want = s ? nt_ip_ifindex(g.ip, s) : 0;
	if (s && !nt_get(o, "link_netnsid") && want != l.parent_ifindex)
		mismatch(dev, "parent: ip %s (%u), vxoff %u", s, want, l.parent_ifindex);
	if (!s && !nt_get(o, "link_index") && l.parent_ifindex && l.parent_ifindex != l.ifindex)
		mismatch(dev, "parent: ip none, vxoff %u", l.parent_ifindex);
	s = nt_get_str(o, "master");
	want = s ? nt_ip_ifindex(g.ip, s) : 0;
	if (want != l.master_ifindex)
		mismatch(dev, "master: ip %s (%u), vxoff %u", s ? s : "none", want,
			 l.master_ifindex);
	if (!strcmp(l.kind, "macvlan") && l.underlay_ifindex != l.parent_ifindex)
		mismatch(dev, "macvlan underlay %u != lower device %u", l.underlay_ifindex,
			 l.parent_ifindex);
	{
		struct json_object *fl = nt_get(o, "flags");
		bool up = false;

		for (size_t i = 0; fl && i < json_object_array_length(fl); i++)
			up |= !strcmp(json_object_get_string(json_object_array_get_idx(fl, i)),
				      "UP");
		if (up != !!(l.flags & IFF_UP))
			mismatch(dev, "IFF_UP: ip %d, vxoff %d", up, !!(l.flags & IFF_UP));
	}
	data = nt_get(li, "info_data");
	if (!strcmp(l.kind, "vxlan")) {
		uint32_t fam = 0;

		if (!(l.present & VXOFF_LINK_HAS_VXLAN)) {
			mismatch(dev, "vxlan device without VXOFF_LINK_HAS_VXLAN");
			return;
		}
		cmp_u32(dev, data, "id", 0, 0, l.vxlan_vni, true);
		cmp_u32(dev, data, "port", 0, 0, l.vxlan_port, true);
		s = nt_get_str(data, "link");
		want = s ? nt_ip_ifindex(g.ip, s) : 0;
		if (want != l.underlay_ifindex)
			mismatch(dev, "vxlan underlay: ip %s (%u), vxoff %u", s ? s : "none", want,
				 l.underlay_ifindex);
		if (nt_get(data, "remote6") || nt_get(data, "group6") || nt_get(data, "local6"))
			fam = AF_INET6;
		else if (nt_get(data, "remote") || nt_get(data, "group") || nt_get(data, "local"))
			fam = AF_INET;
		if (fam != l.vxlan_family)
			mismatch(dev, "vxlan family: ip %u, vxoff %u", fam, l.vxlan_family);
	} else if (l.present & VXOFF_LINK_HAS_VXLAN) {
		mismatch(dev, "VXOFF_LINK_HAS_VXLAN on a %s device", l.kind);
	}
}

/* ------------------------------------------------------------------------------------------
 * Tests.
 */
static void check_one(const char *dev, const struct vxoff_devinfo *di)
{
	check_link(dev, di);
	check_ethtool(dev, di);
}

/* vxoff_probe_all(): the same devices as ip, each agreeing with ip and ethtool. */
static void test_probe_all_matches_oracles(void **state)
{
	size_t nip;
	int rc;

	(void)state;
	NT_SKIP_IF(g.skip);
	rc = vxoff_probe_all(g.ctx, NULL, &g.all);
	if (rc < 0) {
		VXOFF_OUT(vxoff_error, e);

		vxoff_ctx_last_error(g.ctx, &e);
		fail_msg("vxoff_probe_all = %d: %s", rc, e.msg ? e.msg : "");
	}
	nip = json_object_array_length(g.ip);
	assert_int_equal(vxoff_devlist_count(g.all), nip);
	for (uint32_t i = 0, prev = 0; i < vxoff_devlist_count(g.all); i++) {
		const struct vxoff_devinfo *di;
		VXOFF_OUT(vxoff_link_info, l);

		assert_int_equal(vxoff_devlist_get(g.all, i, &di), 0);
		if (vxoff_devinfo_link(di, &l) < 0) {
			mismatch("?", "device %u of the list has no link", i);
			continue;
		}
		if (i && l.ifindex <= prev)
			mismatch(l.ifname, "list not in ifindex order");
		prev = l.ifindex;
		check_one(l.ifname, di);
	}
	{
		const struct vxoff_devinfo *di;

		assert_int_equal(vxoff_devlist_get(g.all, vxoff_devlist_count(g.all), &di),
				 -ERANGE);
	}
	mismatch_assert_none("vxoff_probe_all");
}

/* vxoff_probe_device() on each device, by name and by ifindex. */
static void test_probe_device_matches_oracles(void **state)
{
	size_t nip;

	(void)state;
	NT_SKIP_IF(g.skip);
	nip = json_object_array_length(g.ip);
	for (size_t i = 0; i < nip; i++) {
		struct json_object *o = json_object_array_get_idx(g.ip, i);
		const char *name = nt_get_str(o, "ifname");
		unsigned idx = 0;
		struct vxoff_devinfo *di = NULL, *dj = NULL;
		VXOFF_OUT(vxoff_link_info, l);
		int rc;

		assert_non_null(name);
		assert_true(nt_get_u32(o, "ifindex", &idx));
		rc = vxoff_probe_device(g.ctx, name, 0, NULL, &di);
		if (rc < 0) {
			VXOFF_OUT(vxoff_error, e);

			vxoff_ctx_last_error(g.ctx, &e);
			mismatch(name, "vxoff_probe_device = %d: %s", rc, e.msg ? e.msg : "");
			continue;
		}
		check_one(name, di);
		vxoff_devinfo_free(di);
		rc = vxoff_probe_device(g.ctx, NULL, idx, NULL, &dj);
		if (rc < 0) {
			mismatch(name, "vxoff_probe_device(ifindex %u) = %d", idx, rc);
			continue;
		}
		if (vxoff_devinfo_link(dj, &l) < 0 || strcmp(l.ifname, name))
			mismatch(name, "probe by ifindex %u found '%s'", idx, l.ifname);
		vxoff_devinfo_free(dj);
	}
	mismatch_assert_none("vxoff_probe_device");
}

/* Device keys that hold a probe item: null exactly when the item is not VXOFF_CAP_YES. */
static const struct {
	const char *key;
	uint32_t item;
} json_items[] = {
	{"features", VXOFF_ITEM_FEATURES}, {"channels", VXOFF_ITEM_CHANNELS},
	{"rings", VXOFF_ITEM_RINGS},	   {"coalesce", VXOFF_ITEM_COALESCE},
	{"rss", VXOFF_ITEM_RSS},	   {"tunnel_ports", VXOFF_ITEM_TUNNEL_PORTS},
	{"queues", VXOFF_ITEM_QUEUES},	   {"vxlan", VXOFF_ITEM_VXLAN},
};

static const char *const json_required[] = {"ifname",	"ifindex",	"kind",	  "mtu",
					    "features", "channels",	"rings",  "coalesce",
					    "rss",	"tunnel_ports", "queues", "vxlan"};

/* A JSON number that must equal ip's ifindex of the device named @ipname, or be null. */
static void json_ifindex_is(const char *dev, struct json_object *d, const char *key,
			    const char *ipname)
{
	unsigned want = ipname ? nt_ip_ifindex(g.ip, ipname) : 0, got = 0;
	bool has = nt_get_u32(d, key, &got);

	if (want ? !has || got != want : has)
		mismatch(dev, "JSON %s %s, ip says %s (%u)", key, has ? "set" : "null",
			 ipname ? ipname : "none", want);
}

static void check_device_json_link(const char *dev, struct json_object *d, struct json_object *ipd)
{
	struct json_object *li = nt_get(ipd, "linkinfo"), *data = nt_get(li, "info_data");
	struct json_object *vx = nt_get(d, "vxlan_link");
	const char *kind = nt_get_str(li, "info_kind"), *op = nt_get_str(ipd, "operstate");
	const char *jop = nt_get_str(d, "operstate");
	unsigned a, b;

	if (!op || !jop || strcasecmp(op, jop))
		mismatch(dev, "JSON operstate '%s', ip '%s'", jop ? jop : "(null)", op ? op : "");
	if (!nt_get(ipd, "link_netnsid"))
		json_ifindex_is(dev, d, "parent_ifindex", nt_get_str(ipd, "link"));
	json_ifindex_is(dev, d, "master_ifindex", nt_get_str(ipd, "master"));
	if (kind && !strcmp(kind, "vxlan")) {
		json_ifindex_is(dev, d, "underlay_ifindex", nt_get_str(data, "link"));
		if (!vx || !nt_get_u32(vx, "vni", &a) || !nt_get_u32(data, "id", &b) || a != b)
			mismatch(dev, "JSON vxlan_link.vni differs from ip's id");
		if (!nt_get_u32(vx, "port", &a) || !nt_get_u32(data, "port", &b) || a != b)
			mismatch(dev, "JSON vxlan_link.port differs from ip's port");
		if (!nt_contains(nt_get_str(vx, "family"),
				 nt_get(data, "remote6") ? "ipv6" : "ipv4"))
			mismatch(dev, "JSON vxlan_link.family '%s'", nt_get_str(vx, "family"));
	} else if (vx) {
		mismatch(dev, "JSON vxlan_link set on a %s device", kind ? kind : "kind-less");
	}
	if (!nt_get_u32(d, "num_rx_queues", &a) || !nt_get_u32(ipd, "num_rx_queues", &b) || a != b)
		mismatch(dev, "JSON num_rx_queues differs from ip's");
	if (!nt_get_u32(d, "gso_max_size", &a) || !nt_get_u32(ipd, "gso_max_size", &b) || a != b)
		mismatch(dev, "JSON gso_max_size differs from ip's");
}

/* JSON channels (ethtool's key names) against ethtool -l. */
static void check_device_json_channels(const char *dev, struct json_object *d,
				       const struct eth_dev *e)
{
	static const struct {
		const char *label, *key;
		int sec;
	} map[] = {
		{"RX", "rx-max", 0},	   {"TX", "tx-max", 0},
		{"Other", "other-max", 0}, {"Combined", "combined-max", 0},
		{"RX", "rx", 1},	   {"TX", "tx", 1},
		{"Other", "other", 1},	   {"Combined", "combined", 1},
	};
	struct json_object *ch = nt_get(d, "channels");
	struct table2 t;
	char *text;

	if (!e || e->l.status != 0 || !ch)
		return; /* null-ness is checked against the item state */
	text = strdup(e->l.out);
	if (!text)
		return;
	parse_table2(text, &t);
	free(text);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const struct kv *k = table2_get(&t, map[i].sec, map[i].label);
		unsigned v = 0;
		bool has = nt_get_u32(ch, map[i].key, &v);

		if (!json_object_object_get_ex(ch, map[i].key, NULL))
			mismatch(dev, "JSON channels lack \"%s\"", map[i].key);
		else if (!k || (k->na ? has : !has || v != k->val))
			mismatch(dev, "JSON channels %s differs from ethtool -l", map[i].key);
	}
}

static void check_device_json(const char *dev, struct json_object *d,
			      const struct vxoff_devinfo *di)
{
	struct json_object *un = nt_get(d, "unavailable"), *ipd = nt_ip_link_by_name(g.ip, dev);
	struct json_object *feat;
	const struct eth_dev *e = eth_dev_get(dev);
	const char *kind;
	unsigned a, b;

	for (size_t k = 0; k < sizeof(json_required) / sizeof(json_required[0]); k++)
		if (!json_object_object_get_ex(d, json_required[k], NULL))
			mismatch(dev, "JSON lacks \"%s\"", json_required[k]);
	if (!nt_get_u32(d, "ifindex", &a) || !nt_get_u32(ipd, "ifindex", &b) || a != b)
		mismatch(dev, "JSON ifindex differs from ip's");
	if (!nt_get_u32(d, "mtu", &a) || !nt_get_u32(ipd, "mtu", &b) || a != b)
		mismatch(dev, "JSON mtu differs from ip's");
	/* a device without IFLA_INFO_KIND (lo): null in JSON ("" from the accessor) */
	kind = nt_get_str(nt_get(ipd, "linkinfo"), "info_kind");
	if (kind ? !nt_get_str(d, "kind") || strcmp(nt_get_str(d, "kind"), kind)
		 : nt_get(d, "kind") &&
			    strcmp(nt_get_str(d, "kind") ? nt_get_str(d, "kind") : "?", ""))
		mismatch(dev, "JSON kind '%s', ip '%s'", nt_get_str(d, "kind"), kind ? kind : "");
	for (size_t k = 0; k < sizeof(json_items) / sizeof(json_items[0]); k++) {
		VXOFF_OUT(vxoff_item_status, st);
		struct json_object *v = nt_get(d, json_items[k].key);
		struct json_object *why = nt_get(un, vxoff_item_name(json_items[k].item));
		const char *status = nt_get_str(why, "status"), *msg = nt_get_str(why, "message");

		vxoff_devinfo_item(di, json_items[k].item, &st);
		if (st.cap == VXOFF_CAP_YES) {
			if (!v)
				mismatch(dev, "JSON %s is null for a YES item", json_items[k].key);
			if (why)
				mismatch(dev, "JSON has unavailable.%s for a YES item",
					 vxoff_item_name(json_items[k].item));
			continue;
		}
		/* docs/probe-json.md: queues is the union of the queues (netdev) and sysfs items,
		 * null only when neither listed a queue; its own reason stays under unavailable */
		if (json_items[k].item == VXOFF_ITEM_QUEUES) {
			if (!v != !vxoff_devinfo_queue_count(di))
				mismatch(dev, "JSON queues %s, vxoff_devinfo_queue_count() %u",
					 v ? "set" : "null", vxoff_devinfo_queue_count(di));
		} else if (v) {
			mismatch(dev, "JSON %s is not null, the item is cap %u", json_items[k].key,
				 st.cap);
		}
		if (!why || !msg || !*msg)
			mismatch(dev, "JSON %s is null without unavailable.%s.message",
				 json_items[k].key, vxoff_item_name(json_items[k].item));
		if (!status || strcmp(status, st.cap == VXOFF_CAP_NO ? "unsupported" : "unknown"))
			mismatch(dev, "unavailable.%s.status '%s' for cap %u",
				 vxoff_item_name(json_items[k].item), status ? status : "(none)",
				 st.cap);
	}
	check_device_json_link(dev, d, ipd);
	check_device_json_channels(dev, d, e);
	/* the feature table against ethtool --json -k, by kernel name (legacy lines skipped) */
	feat = nt_get(d, "features");
	for (size_t i = 0; feat && e && e->feat_rc == 0 && i < e->feat.n; i++) {
		const struct eth_feature *ef = &e->feat.v[i];
		struct json_object *jf;

		if (ef->aggregate || legacy_pattern(ef->name))
			continue;
		jf = nt_get(feat, ef->name);
		if (!jf) {
			mismatch(dev, "JSON features lack %s", ef->name);
			continue;
		}
		if (!nt_get(jf, "active") ||
		    json_object_get_boolean(nt_get(jf, "active")) != ef->active)
			mismatch(dev, "JSON %s.active differs from ethtool", ef->name);
		if (!nt_get(jf, "fixed") ||
		    json_object_get_boolean(nt_get(jf, "fixed")) != ef->fixed)
			mismatch(dev, "JSON %s.fixed differs from ethtool", ef->name);
		/* "requested" is present only where it differs from "active" (docs) */
		if (ef->requested >= 0 &&
		    (nt_get(jf, "requested")
			     ? json_object_get_boolean(nt_get(jf, "requested")) == ef->active ||
				       json_object_get_boolean(nt_get(jf, "requested")) != ef->requested
			     : ef->requested != ef->active))
			mismatch(dev, "JSON %s.requested differs from ethtool", ef->name);
	}
}

/* vxoff_devlist_json() of the probe_all result: one device per device, agreeing with the
 * accessors, ip and ethtool; null items explained under "unavailable"; pretty = same data. */
static void test_json_matches_oracles(void **state)
{
	char *doc = NULL, *pretty = NULL;
	struct json_object *o, *op, *devs;
	unsigned nulls = 0;

	(void)state;
	NT_SKIP_IF(g.skip);
	if (!g.all)
		assert_int_equal(vxoff_probe_all(g.ctx, NULL, &g.all), 0);
	assert_int_equal(vxoff_devlist_json(g.all, 0, &doc), 0);
	assert_int_equal(vxoff_devlist_json(g.all, VXOFF_JSON_PRETTY, &pretty), 0);
	assert_int_equal(vxoff_devlist_json(g.all, 0x80000000u, &doc), -EINVAL);
	o = json_tokener_parse(doc);
	op = json_tokener_parse(pretty);
	if (!o)
		fail_msg("vxoff_devlist_json() is not JSON:\n%.1000s", doc);
	assert_non_null(op);
	assert_true(json_object_equal(o, op));
	assert_non_null(strchr(pretty, '\n'));
	assert_null(strchr(doc, '\n'));
	assert_string_equal(nt_get_str(o, "schema"), "vxoff-probe/1");
	devs = nt_get(o, "devices");
	assert_non_null(devs);
	assert_int_equal(json_object_array_length(devs), vxoff_devlist_count(g.all));
	for (uint32_t i = 0; i < vxoff_devlist_count(g.all); i++) {
		const struct vxoff_devinfo *di;
		struct json_object *d = json_object_array_get_idx(devs, i);
		VXOFF_OUT(vxoff_link_info, l);
		char *one = NULL;
		struct json_object *jo;

		assert_int_equal(vxoff_devlist_get(g.all, i, &di), 0);
		assert_int_equal(vxoff_devinfo_link(di, &l), 0);
		if (!nt_get_str(d, "ifname") || strcmp(nt_get_str(d, "ifname"), l.ifname)) {
			mismatch(l.ifname, "JSON device %u is '%s'", i, nt_get_str(d, "ifname"));
			continue;
		}
		check_device_json(l.ifname, d, di);
		for (size_t k = 0; k < sizeof(json_items) / sizeof(json_items[0]); k++)
			nulls += !nt_get(d, json_items[k].key);
		/* one device alone prints the same object */
		assert_int_equal(vxoff_devinfo_json(di, 0, &one), 0);
		jo = json_tokener_parse(one);
		if (!jo || !json_object_equal(jo, d))
			mismatch(l.ifname, "vxoff_devinfo_json() differs from its list entry");
		json_object_put(jo);
		vxoff_free(one);
	}
	assert_true(nulls > 0); /* the null/unavailable rule was exercised */
	json_object_put(o);
	json_object_put(op);
	vxoff_free(doc);
	vxoff_free(pretty);
	mismatch_assert_none("vxoff_devlist_json");
}

static bool has_reason(const struct vxoff_devinfo *di, uint32_t code)
{
	VXOFF_OUT(vxoff_vxlan_verdict, v);

	if (vxoff_devinfo_vxlan(di, &v) < 0)
		return false;
	for (uint32_t i = 0; i < v.reason_count; i++) {
		VXOFF_OUT(vxoff_vxlan_reason, r);

		if (vxoff_devinfo_vxlan_reason(di, i, &r) == 0 && r.code == code)
			return true;
	}
	return false;
}

static void print_verdict(const char *dev, const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_vxlan_verdict, v);

	if (vxoff_devinfo_vxlan(di, &v) < 0)
		return;
	print_message("%s: verdict %s, checked ifindex %u\n", dev, vxoff_verdict_name(v.verdict),
		      v.checked_ifindex);
	for (uint32_t i = 0; i < v.reason_count; i++) {
		VXOFF_OUT(vxoff_vxlan_reason, r);

		if (vxoff_devinfo_vxlan_reason(di, i, &r) == 0)
			print_message("  [%s] %s: %s\n", vxoff_severity_name(r.severity), r.name,
				      r.text);
	}
}

/* The verdict's structure: valid codes, names, texts; ready exactly without warn/missing. */
static void check_verdict_shape(const char *dev, const struct vxoff_devinfo *di,
				struct vxoff_vxlan_verdict *v)
{
	bool bad = false;

	if (v->verdict > VXOFF_VERDICT_READY)
		mismatch(dev, "verdict %u out of range", v->verdict);
	if (!v->reason_count)
		mismatch(dev, "verdict without reasons");
	for (uint32_t i = 0; i < v->reason_count; i++) {
		VXOFF_OUT(vxoff_vxlan_reason, r);

		if (vxoff_devinfo_vxlan_reason(di, i, &r) < 0) {
			mismatch(dev, "reason %u unreadable", i);
			continue;
		}
		if (!strcmp(r.name, "unknown") || strcmp(r.name, vxoff_vxlan_reason_name(r.code)))
			mismatch(dev, "reason %u: code %u has name '%s'", i, r.code, r.name);
		if (!r.text || !*r.text)
			mismatch(dev, "reason %s has no text", r.name);
		if (r.severity < VXOFF_SEVERITY_OK || r.severity > VXOFF_SEVERITY_MISSING)
			mismatch(dev, "reason %s has severity %u", r.name, r.severity);
		bad |= r.severity >= VXOFF_SEVERITY_WARN;
	}
	if (v->verdict == VXOFF_VERDICT_READY && bad)
		mismatch(dev, "verdict ready with a warn/missing reason");
	if (v->verdict != VXOFF_VERDICT_READY && v->verdict != VXOFF_VERDICT_UNKNOWN && !bad)
		mismatch(dev, "verdict %s without a warn/missing reason",
			 vxoff_verdict_name(v->verdict));
	{
		VXOFF_OUT(vxoff_vxlan_reason, r);

		if (vxoff_devinfo_vxlan_reason(di, v->reason_count, &r) != -ERANGE)
			mismatch(dev, "reason index count is not -ERANGE");
	}
}

/* ethtool's view of one feature of a device (by kernel or legacy name): 1 on, 0 off,
 * -1 unknown. */
static int eth_active(const char *dev, const char *kernel_name, const char *legacy)
{
	const struct eth_dev *e = eth_dev_get(dev);

	for (size_t i = 0; e && e->feat_rc == 0 && i < e->feat.n; i++)
		if (!strcmp(e->feat.v[i].name, kernel_name) ||
		    (legacy && !strcmp(e->feat.v[i].name, legacy)))
			return e->feat.v[i].active;
	return -1;
}

/* A VXLAN device on veth0: the verdict judges veth0, and agrees with ethtool's view of it. */
static void test_vxlan_verdict_judges_underlay(void **state)
{
	struct vxoff_devinfo *vx = NULL, *vx1 = NULL, *vx6 = NULL;
	VXOFF_OUT(vxoff_vxlan_verdict, v);
	VXOFF_OUT(vxoff_item_status, st);
	unsigned veth0 = 0, mtu_vx = 0, mtu_veth = 0;
	int rc, on;

	(void)state;
	NT_SKIP_IF(g.skip);
	veth0 = nt_ip_ifindex(g.ip, "veth0");
	assert_int_not_equal(veth0, 0);
	rc = vxoff_probe_device(g.ctx, "vx0", 0, NULL, &vx);
	assert_int_equal(rc, 0);
	print_verdict("vx0", vx);
	assert_int_equal(vxoff_devinfo_item(vx, VXOFF_ITEM_VXLAN, &st), 0);
	if (st.cap != VXOFF_CAP_YES)
		fail_msg("vx0: VXLAN item cap=%u err=%d: %s", st.cap, st.err,
			 st.msg ? st.msg : "(no message)");
	assert_int_equal(vxoff_devinfo_vxlan(vx, &v), 0);
	assert_int_equal(v.checked_ifindex, veth0);
	assert_int_not_equal(v.verdict, VXOFF_VERDICT_UNKNOWN);
	assert_true(v.reason_count > 0);
	check_verdict_shape("vx0", vx, &v);

	/* the reasons follow ethtool's view of the underlay, not a fixed expectation */
	on = eth_active("veth0", "tx-udp_tnl-segmentation", NULL);
	assert_int_not_equal(on, -1);
	if (on && !has_reason(vx, VXOFF_VX_TX_TNL_TSO_ON))
		mismatch("vx0", "veth0 has tx-udp_tnl-segmentation on, no tx-tunnel-tso-on reason");
	if (!on && has_reason(vx, VXOFF_VX_TX_TNL_TSO_ON))
		mismatch("vx0", "veth0 has tx-udp_tnl-segmentation off, reason says on");
	on = eth_active("veth0", "rx-gro", "generic-receive-offload");
	assert_int_not_equal(on, -1);
	if (on != has_reason(vx, VXOFF_VX_GRO_ON))
		mismatch("vx0", "ethtool: veth0 GRO %s; gro-on reason %s", on ? "on" : "off",
			 has_reason(vx, VXOFF_VX_GRO_ON) ? "present" : "absent");
	on = eth_active("vx0", "rx-gro", "generic-receive-offload");
	assert_int_not_equal(on, -1);
	if (on != has_reason(vx, VXOFF_VX_OVERLAY_GRO_ON))
		mismatch("vx0", "ethtool: vx0 GRO %s; overlay-gro-on reason %s", on ? "on" : "off",
			 has_reason(vx, VXOFF_VX_OVERLAY_GRO_ON) ? "present" : "absent");
	on = eth_active("veth0", "rx-checksum", "rx-checksumming");
	assert_int_not_equal(on, -1);
	if (on != has_reason(vx, VXOFF_VX_RX_CSUM_ON))
		mismatch("vx0", "ethtool: veth0 rx-checksum %s; rx-csum-on reason %s",
			 on ? "on" : "off",
			 has_reason(vx, VXOFF_VX_RX_CSUM_ON) ? "present" : "absent");
	if (unsupported(&eth_dev_get("veth0")->tun) && !has_reason(vx, VXOFF_VX_PORT_TABLE_NONE))
		mismatch("vx0", "veth0 has no tunnel port table (ethtool), no port-table-missing");
	assert_true(nt_get_u32(nt_ip_link_by_name(g.ip, "vx0"), "mtu", &mtu_vx));
	assert_true(nt_get_u32(nt_ip_link_by_name(g.ip, "veth0"), "mtu", &mtu_veth));
	if ((mtu_vx + 50 <= mtu_veth) != has_reason(vx, VXOFF_VX_MTU_HEADROOM_OK))
		mismatch("vx0", "MTU %u over veth0 MTU %u, mtu-headroom-ok %s", mtu_vx, mtu_veth,
			 has_reason(vx, VXOFF_VX_MTU_HEADROOM_OK) ? "present" : "absent");
	if (has_reason(vx, VXOFF_VX_NO_UNDERLAY))
		mismatch("vx0", "has an underlay, yet no-underlay");

	/* the dump path judges the same way */
	if (g.all) {
		for (uint32_t i = 0; i < vxoff_devlist_count(g.all); i++) {
			const struct vxoff_devinfo *di;
			VXOFF_OUT(vxoff_link_info, l);
			VXOFF_OUT(vxoff_vxlan_verdict, w);

			vxoff_devlist_get(g.all, i, &di);
			if (vxoff_devinfo_link(di, &l) < 0 || strcmp(l.ifname, "vx0"))
				continue;
			if (vxoff_devinfo_vxlan(di, &w) < 0)
				mismatch("vx0", "no verdict in vxoff_probe_all()");
			else if (w.checked_ifindex != v.checked_ifindex || w.verdict != v.verdict ||
				 w.reason_count != v.reason_count)
				mismatch("vx0", "probe_all verdict %s/%u/%u, probe_device %s/%u/%u",
					 vxoff_verdict_name(w.verdict), w.checked_ifindex,
					 w.reason_count, vxoff_verdict_name(v.verdict),
					 v.checked_ifindex, v.reason_count);
		}
	}

	/* without dev: nothing to judge, said so */
	assert_int_equal(vxoff_probe_device(g.ctx, "vx1", 0, NULL, &vx1), 0);
	print_verdict("vx1", vx1);
	if (vxoff_devinfo_vxlan(vx1, &v) < 0)
		mismatch("vx1", "no verdict");
	else {
		check_verdict_shape("vx1", vx1, &v);
		if (!has_reason(vx1, VXOFF_VX_NO_UNDERLAY))
			mismatch("vx1", "no dev, but no no-underlay reason");
		if (v.checked_ifindex != 0)
			mismatch("vx1", "no underlay, checked_ifindex %u", v.checked_ifindex);
	}
	/* port 8472 is flagged */
	assert_int_equal(vxoff_probe_device(g.ctx, "vx6", 0, NULL, &vx6), 0);
	if (!has_reason(vx6, VXOFF_VX_PORT_8472))
		mismatch("vx6", "dstport 8472, no port-8472 reason");
	if (has_reason(vx, VXOFF_VX_PORT_8472))
		mismatch("vx0", "dstport 4789, yet port-8472");
	vxoff_devinfo_free(vx);
	vxoff_devinfo_free(vx1);
	vxoff_devinfo_free(vx6);
	mismatch_assert_none("VXLAN verdict");
}

static void test_netns_missing(void **state)
{
	static char mark;
	struct vxoff_ctx *const sentinel = (struct vxoff_ctx *)&mark;
	struct vxoff_ctx *ctx = sentinel; /* must stay untouched on failure */
	char name[64], errbuf[512];
	int rc;

	(void)state;
	NT_SKIP_IF(g.skip);
	snprintf(name, sizeof(name), "vxoff-t%d-absent", (int)getpid());
	assert_false(nt_ns_listed(name));
	{
		VXOFF_OPTS(vxoff_ctx_opts, o, .netns = name);

		rc = vxoff_ctx_new_err(&o, &ctx, errbuf, sizeof(errbuf));
		print_message("vxoff_ctx_new_err(%s) = %d: %s\n", name, rc, errbuf);
		assert_int_equal(rc, -ENOENT);
		assert_ptr_equal(ctx, sentinel);
		assert_non_null(strstr(errbuf, name));
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -ENOENT);
		assert_ptr_equal(ctx, sentinel);
	}
}

static void test_unknown_interface(void **state)
{
	static char mark;
	struct vxoff_devinfo *const sentinel = (struct vxoff_devinfo *)&mark;
	struct vxoff_devinfo *di = sentinel; /* must stay untouched on failure */
	VXOFF_OUT(vxoff_error, e);
	int rc;

	(void)state;
	NT_SKIP_IF(g.skip);
	rc = vxoff_probe_device(g.ctx, "nosuchdev0", 0, NULL, &di);
	assert_int_equal(rc, -ENODEV);
	assert_ptr_equal(di, sentinel);
	assert_int_equal(vxoff_ctx_last_error(g.ctx, &e), 0);
	print_message("nosuchdev0: %s (reason %s)\n", e.msg ? e.msg : "(null)",
		      vxoff_reason_name(e.reason));
	assert_int_equal(e.err, -ENODEV);
	assert_int_equal(e.reason, VXOFF_REASON_NO_DEVICE);
	assert_non_null(e.msg);
	assert_non_null(strstr(e.msg, "nosuchdev0"));
	assert_non_null(strstr(e.msg, g.ns));

	rc = vxoff_probe_device(g.ctx, NULL, 999999, NULL, &di);
	assert_int_equal(rc, -ENODEV);
	assert_ptr_equal(di, sentinel);
	assert_int_equal(vxoff_ctx_last_error(g.ctx, &e), 0);
	assert_int_equal(e.reason, VXOFF_REASON_NO_DEVICE);
	assert_non_null(strstr(e.msg, "999999"));

	/* and the context still works afterwards */
	rc = vxoff_probe_device(g.ctx, "lo", 0, NULL, &di);
	assert_int_equal(rc, 0);
	vxoff_devinfo_free(di);
}

/* What an unprivileged child saw. */
struct nr_report {
	int dropped; /* 1 if setresuid(65534) worked and no capability is left */
	int own_rc;  /* probe of lo in its own namespace */
	uint32_t own_link_cap;
	uint32_t own_feat_cap;
	uint32_t own_ifindex;
	char own_msg[256];
	int ns_ctx_rc; /* vxoff_ctx_new_err() of the named namespace */
	int ns_rc;     /* then the probe */
	int ns_err;
	uint32_t ns_reason;
	char ns_msg[512];
};

static int drop_privileges(void)
{
	char line[256];
	FILE *f;
	int nocaps = 0;

	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 0;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			nocaps = strtoull(line + 7, NULL, 16) == 0;
	fclose(f);
	return geteuid() == NOBODY && nocaps;
}

static void child_unprivileged(int fd)
{
	struct nr_report rep;
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_devinfo *di = NULL;
	ssize_t w;

	memset(&rep, 0, sizeof(rep));
	rep.dropped = drop_privileges();
	if (rep.dropped) {
		/* the current namespace: reads need no privilege */
		rep.own_rc = vxoff_ctx_new(NULL, &ctx);
		if (rep.own_rc == 0) {
			rep.own_rc = vxoff_probe_device(ctx, "lo", 0, NULL, &di);
			if (rep.own_rc == 0) {
				VXOFF_OUT(vxoff_item_status, st);
				VXOFF_OUT(vxoff_link_info, l);

				vxoff_devinfo_item(di, VXOFF_ITEM_LINK, &st);
				rep.own_link_cap = st.cap;
				vxoff_devinfo_item(di, VXOFF_ITEM_FEATURES, &st);
				rep.own_feat_cap = st.cap;
				snprintf(rep.own_msg, sizeof(rep.own_msg), "%s",
					 st.msg ? st.msg : "");
				if (vxoff_devinfo_link(di, &l) == 0)
					rep.own_ifindex = l.ifindex;
				vxoff_devinfo_free(di);
			} else {
				VXOFF_OUT(vxoff_error, e);

				vxoff_ctx_last_error(ctx, &e);
				snprintf(rep.own_msg, sizeof(rep.own_msg), "%s",
					 e.msg ? e.msg : "");
			}
			vxoff_ctx_free(ctx);
			ctx = NULL;
		}
		/* a named namespace: setns() needs CAP_SYS_ADMIN */
		{
			VXOFF_OPTS(vxoff_ctx_opts, o, .netns = g.ns);

			rep.ns_ctx_rc = vxoff_ctx_new_err(&o, &ctx, rep.ns_msg, sizeof(rep.ns_msg));
			rep.ns_err = rep.ns_ctx_rc;
		}
		if (rep.ns_ctx_rc == 0) {
			VXOFF_OUT(vxoff_error, e);

			di = NULL;
			rep.ns_rc = vxoff_probe_device(ctx, "lo", 0, NULL, &di);
			vxoff_ctx_last_error(ctx, &e);
			rep.ns_err = e.err;
			rep.ns_reason = e.reason;
			snprintf(rep.ns_msg, sizeof(rep.ns_msg), "%s", e.msg ? e.msg : "");
			vxoff_devinfo_free(di);
			vxoff_ctx_free(ctx);
		}
	}
	w = write(fd, &rep, sizeof(rep));
	_exit(w == (ssize_t)sizeof(rep) ? 0 : 1);
}

static void test_unprivileged(void **state)
{
	struct nr_report rep;
	int p[2], st;
	pid_t pid;
	ssize_t n;

	(void)state;
	NT_SKIP_IF(g.skip);
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child_unprivileged(p[1]);
	}
	close(p[1]);
	memset(&rep, 0, sizeof(rep));
	n = read(p[0], &rep, sizeof(rep));
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(n, sizeof(rep));
	assert_int_equal(rep.dropped, 1);

	print_message("uid %d, own namespace: probe lo = %d, link cap %u, features cap %u %s\n",
		      NOBODY, rep.own_rc, rep.own_link_cap, rep.own_feat_cap, rep.own_msg);
	assert_int_equal(rep.own_rc, 0);
	assert_int_equal(rep.own_link_cap, VXOFF_CAP_YES);
	assert_int_equal(rep.own_ifindex, if_nametoindex("lo"));
	/* ethtool GET requests are unprivileged */
	assert_int_equal(rep.own_feat_cap, VXOFF_CAP_YES);

	print_message("uid %d, namespace %s: ctx %d, probe %d, err %d, reason %s: %s\n", NOBODY,
		      g.ns, rep.ns_ctx_rc, rep.ns_rc, rep.ns_err, vxoff_reason_name(rep.ns_reason),
		      rep.ns_msg);
	assert_true(rep.ns_ctx_rc < 0 || rep.ns_rc < 0);
	assert_int_equal(rep.ns_err, -EPERM);
	assert_non_null(strstr(rep.ns_msg, "CAP_SYS_ADMIN"));
	assert_non_null(strstr(rep.ns_msg, g.ns));
	if (rep.ns_ctx_rc == 0)
		assert_int_equal(rep.ns_reason, VXOFF_REASON_PRIVILEGE);
	/* the child's failure did not disturb the namespace */
	assert_true(nt_ns_listed(g.ns));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_all_matches_oracles),
		cmocka_unit_test(test_probe_device_matches_oracles),
		cmocka_unit_test(test_json_matches_oracles),
		cmocka_unit_test(test_vxlan_verdict_judges_underlay),
		cmocka_unit_test(test_netns_missing),
		cmocka_unit_test(test_unknown_interface),
		cmocka_unit_test(test_unprivileged),
	};
	int failed;

	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = cmocka_run_group_tests_name("integration.oracle", tests, group_setup,
					     group_teardown);
	eth_devs_free();
	mismatch_reset();
	return nt_exit_status(failed, g.skip);
}
