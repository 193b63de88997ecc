/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Fuzz the netlink reply parsers: the input becomes kernel reply datagrams, served through the
 * replay transport (lib/netlink/replay.c) to every request of vxoff_probe_device() and
 * vxoff_probe_all(); every accessor then reads the result. No crash, leak or UB allowed.
 *
 * Input (tests/fuzz/README.md has the details):
 *   byte 0      op: bits 0-1 what to call (0 device by name "eth0", 1 device by ifindex 2,
 *               2 probe_all, 3 device then probe_all on one context); bit 2
 *               VXOFF_PROBE_F_NO_VERDICT_PEERS; bit 3 take the items from bytes 1-2 (else all)
 *   bytes 1-2   items mask, little endian
 *   then sections split by FUZZ_SEP_SECTION:
 *     section 0     the SIOCETHTOOL reply: byte 0 = errno (0 = success), the rest overwrites
 *                   the command struct after its cmd word; empty = no ioctl (-EOPNOTSUPP)
 *     section 1..n  replies to request k (k mod n), datagrams split by FUZZ_SEP_DATAGRAM
 *
 * Built as a libFuzzer target with clang (VXOFF_FUZZ=ON) and, with tests/fuzz/replay_main.c,
 * as a plain program every build uses to replay tests/fuzz/crashes and the seed corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vxoff/vxoff.h>

#include "netlink/core.h"
#include "netlink/replay.h"

#include "fuzz.h"

#define FUZZ_SEP_SECTION "\xf0VXS"
#define FUZZ_SEP_DATAGRAM "\xf0VXD"
#define FUZZ_SEP_LEN 4u
#define MAX_SECTIONS 64u
#define MAX_REQUESTS 256u /* a runaway request loop is a finding, not a hang */

struct span {
	const uint8_t *p;
	size_t len;
};

struct fuzz_tr {
	struct span ioctl;		    /* section 0 */
	struct span reply[MAX_SECTIONS]; /* sections 1..n */
	uint32_t nreply;
	uint32_t nreq;			    /* requests sent so far */
	struct vxoff__transport inner;	    /* the replay transport of the current request */
	bool has_inner;
};

static const uint8_t *find_sep(const uint8_t *p, size_t len, const char *sep)
{
	for (size_t i = 0; i + FUZZ_SEP_LEN <= len; i++)
		if (!memcmp(p + i, sep, FUZZ_SEP_LEN))
			return p + i;
	return NULL;
}

static void drop_inner(struct fuzz_tr *ft)
{
	if (ft->has_inner)
		ft->inner.free(ft->inner.priv);
	ft->has_inner = false;
}

/* A fixture for this one request: the request itself, then the section's datagrams. */
static int fixture_for(struct fuzz_tr *ft, uint32_t proto, const void *req, size_t len,
		       char **text, size_t *textlen)
{
	FILE *f = open_memstream(text, textlen);

	if (!f)
		return -ENOMEM;
	vxoff__replay_write(f, "req", proto, req, len, true);
	if (ft->nreply) {
		struct span s = ft->reply[ft->nreq % ft->nreply];

		while (s.len) {
			const uint8_t *sep = find_sep(s.p, s.len, FUZZ_SEP_DATAGRAM);
			size_t n = sep ? (size_t)(sep - s.p) : s.len;

			if (n)
				vxoff__replay_write(f, "rep", proto, s.p, n, false);
			if (!sep)
				break;
			s.p += n + FUZZ_SEP_LEN;
			s.len -= n + FUZZ_SEP_LEN;
		}
	}
	if (fclose(f))
		return -ENOMEM;
	return 0;
}

static int fz_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		   size_t len)
{
	struct fuzz_tr *ft = priv;
	char *text = NULL;
	size_t textlen = 0;
	int r;

	drop_inner(ft);
	if (ft->nreq >= MAX_REQUESTS)
		fuzz_fail("more than %u netlink requests for one call", MAX_REQUESTS);
	r = fixture_for(ft, proto, buf, len, &text, &textlen);
	ft->nreq++;
	if (r == 0)
		r = vxoff__transport_replay_new_mem(ctx, text, textlen, &ft->inner);
	free(text);
	if (r < 0)
		return r;
	ft->has_inner = true;
	return ft->inner.send(ft->inner.priv, ctx, proto, buf, len);
}

static ssize_t fz_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf, size_t cap)
{
	struct fuzz_tr *ft = priv;

	if (!ft->has_inner)
		return -ENOTCONN;
	return ft->inner.recv(ft->inner.priv, ctx, proto, buf, cap);
}

static uint32_t fz_portid(void *priv, uint32_t proto)
{
	struct fuzz_tr *ft = priv;

	return ft->has_inner ? ft->inner.portid(ft->inner.priv, proto) : 0;
}

static int fz_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
		    size_t len)
{
	struct fuzz_tr *ft = priv;
	struct vxoff__transport t;
	char *text = NULL;
	size_t textlen = 0;
	FILE *f;
	int r;

	/* names come from fuzzed replies: keep the fixture line parseable */
	if (!ft->ioctl.len || !*ifname || strlen(ifname) >= 32 || strpbrk(ifname, " \t\n\r") ||
	    len < 4)
		return -EOPNOTSUPP;
	f = open_memstream(&text, &textlen);
	if (!f)
		return -ENOMEM;
	{
		size_t n = len < ft->ioctl.len - 1 + 4 ? len : ft->ioctl.len - 1 + 4;
		uint8_t *rec = calloc(1, n);

		if (!rec) {
			fclose(f);
			free(text);
			return -ENOMEM;
		}
		memcpy(rec, data, 4); /* the command word the replay matches on */
		memcpy(rec + 4, ft->ioctl.p + 1, n - 4);
		vxoff__replay_write_ioctl(f, ifname, -(int)ft->ioctl.p[0], rec, n);
		free(rec);
	}
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	r = vxoff__transport_replay_new_mem(ctx, text, textlen, &t);
	free(text);
	if (r < 0)
		return r;
	r = t.ethtool_ioctl(t.priv, ctx, ifname, data, len);
	t.free(t.priv);
	return r;
}

static void fz_free(void *priv)
{
	struct fuzz_tr *ft = priv;

	drop_inner(ft);
	free(ft);
}

static void parse_input(struct fuzz_tr *ft, const uint8_t *p, size_t len)
{
	uint32_t k = 0;

	for (;;) {
		const uint8_t *sep = find_sep(p, len, FUZZ_SEP_SECTION);
		size_t n = sep ? (size_t)(sep - p) : len;

		if (k == 0) {
			ft->ioctl.p = p;
			ft->ioctl.len = n;
		} else if (ft->nreply < MAX_SECTIONS) {
			ft->reply[ft->nreply].p = p;
			ft->reply[ft->nreply].len = n;
			ft->nreply++;
		}
		k++;
		if (!sep)
			break;
		p += n + FUZZ_SEP_LEN;
		len -= n + FUZZ_SEP_LEN;
	}
}

/* Touch a string the library handed out: ASan catches a dangling or unterminated one. */
static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static void log_cb(void *user, uint32_t level, const char *msg)
{
	size_t *sum = user;

	*sum += level + touch(msg);
}

static void read_ctx(struct vxoff_ctx *ctx, size_t *sum)
{
	VXOFF_OUT(vxoff_error, e);
	uint32_t n = vxoff_ctx_warning_count(ctx);

	if (vxoff_ctx_last_error(ctx, &e) == 0)
		*sum += touch(e.msg) + touch(e.kernel_msg) + touch(vxoff_reason_name(e.reason));
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_warning, w);

		if (vxoff_ctx_warning(ctx, i, &w) != 0)
			fuzz_fail("warning %u of %u unreadable", i, n);
		*sum += touch(w.what) + touch(w.msg);
	}
}

static void read_devinfo(const struct vxoff_devinfo *di, size_t *sum)
{
	VXOFF_OUT(vxoff_link_info, li);
	VXOFF_OUT(vxoff_channels, ch);
	VXOFF_OUT(vxoff_rings, rg);
	VXOFF_OUT(vxoff_rss, rss);
	VXOFF_OUT(vxoff_napi_info, napi);
	VXOFF_OUT(vxoff_vxlan_verdict, vd);
	uint32_t buf[64], v, n;
	uint8_t key[64];
	char *json = NULL;

	for (uint32_t i = 0; i <= VXOFF_ITEM_COUNT; i++) {
		VXOFF_OUT(vxoff_item_status, st);

		if (vxoff_devinfo_item(di, i, &st) == 0)
			*sum += st.cap + touch(st.msg) + touch(vxoff_item_name(i));
	}
	if (vxoff_devinfo_link(di, &li) == 0)
		*sum += touch(li.ifname) + touch(li.kind) + touch(li.address) + touch(li.driver) +
			touch(li.bus_info) + touch(li.fw_version);
	n = vxoff_devinfo_feature_count(di);
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_feature, f);

		if (vxoff_devinfo_feature(di, i, &f) == 0)
			*sum += touch(f.name);
	}
	{
		VXOFF_OUT(vxoff_feature, f);

		if (vxoff_devinfo_feature_find(di, "tx-udp_tnl-segmentation", &f) == 0)
			*sum += touch(f.name);
	}
	*sum += (size_t)vxoff_devinfo_channels(di, &ch) + (size_t)vxoff_devinfo_rings(di, &rg);
	for (uint32_t p = 0; p <= VXOFF_COAL_PARAM_MAX + 1; p++)
		if (vxoff_devinfo_coalesce_param(di, p, &v) == 0)
			*sum += v + touch(vxoff_coalesce_param_name(p));
	if (vxoff_devinfo_rss(di, &rss) == 0)
		*sum += touch(rss.hfunc_name);
	*sum += (size_t)vxoff_devinfo_rss_indir(di, buf, 64) + (size_t)vxoff_devinfo_rss_indir(di, NULL, 0);
	*sum += (size_t)vxoff_devinfo_rss_key(di, key, sizeof(key));
	n = vxoff_devinfo_tunnel_table_count(di);
	for (uint32_t i = 0; i <= n; i++) {
		VXOFF_OUT(vxoff_tunnel_table, t);

		*sum += (size_t)vxoff_devinfo_tunnel_table(di, i, &t);
	}
	n = vxoff_devinfo_tunnel_port_count(di);
	for (uint32_t i = 0; i <= n; i++) {
		VXOFF_OUT(vxoff_tunnel_port, t);

		*sum += (size_t)vxoff_devinfo_tunnel_port(di, i, &t);
	}
	n = vxoff_devinfo_queue_count(di);
	for (uint32_t i = 0; i <= n; i++) {
		VXOFF_OUT(vxoff_queue_info, q);

		if (vxoff_devinfo_queue(di, i, &q) == 0)
			*sum += touch(q.rps_cpus) + touch(q.xps_cpus) + touch(q.xps_rxqs);
	}
	*sum += (size_t)vxoff_devinfo_napi(di, &napi);
	if (vxoff_devinfo_vxlan(di, &vd) == 0) {
		*sum += touch(vxoff_verdict_name(vd.verdict));
		for (uint32_t i = 0; i <= vd.reason_count; i++) {
			VXOFF_OUT(vxoff_vxlan_reason, r);

			if (vxoff_devinfo_vxlan_reason(di, i, &r) == 0)
				*sum += touch(r.name) + touch(r.text) +
					touch(vxoff_severity_name(r.severity));
		}
	}
	if (vxoff_devinfo_json(di, VXOFF_JSON_PRETTY, &json) == 0)
		*sum += touch(json);
	vxoff_free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vxoff_ctx_opts o;
	struct vxoff_probe_opts po;
	struct vxoff__transport t;
	struct vxoff_ctx *ctx = NULL;
	struct fuzz_tr *ft;
	size_t sum = 0;
	uint8_t op;
	int r;

	if (size < 3)
		return 0;
	op = data[0];
	/* sysfs and procfs of the host must not leak into the result: point them nowhere */
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.sysfs_root = "/nonexistent/vxoff-fuzz/sys";
	o.procfs_root = "/nonexistent/vxoff-fuzz/proc";
	if (vxoff_ctx_new(&o, &ctx) < 0)
		fuzz_fail("vxoff_ctx_new failed");
	vxoff_ctx_set_log(ctx, log_cb, &sum, VXOFF_LOG_DEBUG);

	ft = calloc(1, sizeof(*ft));
	if (!ft)
		fuzz_fail("out of memory");
	parse_input(ft, data + 3, size - 3);
	memset(&t, 0, sizeof(t));
	t.send = fz_send;
	t.recv = fz_recv;
	t.portid = fz_portid;
	t.ethtool_ioctl = fz_ioctl;
	t.free = fz_free;
	t.priv = ft;
	vxoff__ctx_set_transport(ctx, &t); /* the context owns ft now */

	memset(&po, 0, sizeof(po));
	po.sz = sizeof(po);
	po.flags = (op & 4) ? VXOFF_PROBE_F_NO_VERDICT_PEERS : 0;
	po.items = (op & 8) ? (uint32_t)(data[1] | data[2] << 8) & ((1u << VXOFF_ITEM_COUNT) - 1)
			    : 0;

	if ((op & 3) != 2) {
		struct vxoff_devinfo *di = NULL;

		r = (op & 3) == 1 ? vxoff_probe_device(ctx, NULL, 2, &po, &di)
				  : vxoff_probe_device(ctx, "eth0", 0, &po, &di);
		if (r == 0 && !di)
			fuzz_fail("vxoff_probe_device returned 0 without a result");
		if (r < 0 && di)
			fuzz_fail("vxoff_probe_device set ret on failure (%d)", r);
		read_ctx(ctx, &sum);
		if (di)
			read_devinfo(di, &sum);
		vxoff_devinfo_free(di);
	}
	if ((op & 3) >= 2) {
		struct vxoff_devlist *l = NULL;
		char *json = NULL;

		ft->nreq = 0; /* the same replies again, from the start */
		r = vxoff_probe_all(ctx, &po, &l);
		if (r == 0 && !l)
			fuzz_fail("vxoff_probe_all returned 0 without a result");
		if (r < 0 && l)
			fuzz_fail("vxoff_probe_all set ret on failure (%d)", r);
		read_ctx(ctx, &sum);
		for (uint32_t i = 0; i < vxoff_devlist_count(l); i++) {
			const struct vxoff_devinfo *di = NULL;

			if (vxoff_devlist_get(l, i, &di) != 0 || !di)
				fuzz_fail("device %u of %u unreadable", i, vxoff_devlist_count(l));
			read_devinfo(di, &sum);
		}
		if (vxoff_devlist_json(l, 0, &json) == 0)
			sum += touch(json);
		vxoff_free(json);
		vxoff_devlist_free(l);
	}
	vxoff_ctx_free(ctx);
	fuzz_sink(sum);
	return 0;
}
