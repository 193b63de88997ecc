/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff probe: what each device can offload, and whether it is ready for VXLAN.
 *
 * Only presentation lives here: every value, verdict and reason comes from the library, and an
 * item the library could not read is printed as "not supported" or "unknown" with its reason,
 * never as a value.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define SYNOPSIS "vxoff probe [-n NETNS] [-j] [-p|--pretty] [-i ITEMS] [IFACE... | --all]"

/* The schema vxoff_devlist_json() writes (docs/probe-json.md), for named devices. */
#define PROBE_SCHEMA VXOFF_PROBE_JSON_SCHEMA

static void help(void)
{
	puts("Usage: " SYNOPSIS "\n"
	     "\n"
	     "Show the offload capabilities of network devices and whether each is ready to\n"
	     "carry VXLAN traffic. Without IFACE, every device of the namespace.\n"
	     "\n"
	     "  -n, --netns NETNS  probe inside network namespace NETNS (/run/netns/NETNS)\n"
	     "  -j, --json         print JSON (schema " PROBE_SCHEMA ", docs/probe-json.md)\n"
	     "  -p, --pretty       indent the JSON (implies -j)\n"
	     "  -a, --all          every device (the default)\n"
	     "  -i, --items LIST   probe only these items, comma-separated: link, drvinfo,\n"
	     "                     features, channels, rings, coalesce, rss, tunnel_ports,\n"
	     "                     queues, sysfs, vxlan (default: all)\n"
	     "  -h, --help         this text\n"
	     "\n"
	     "Exit status: 0 done, 1 the probe failed (the reason is printed), 2 bad usage.");
}

/* ---- text output ---- */

/* "not supported (why)" or "unknown (why)" after title. */
static void print_unavailable(const char *title, const struct vxoff_item_status *st)
{
	printf("%s: %s", title, st->cap == VXOFF_CAP_NO ? "not supported" : "unknown");
	if (st->msg)
		printf(" (%s)", st->msg);
	putchar('\n');
}

static bool item_status(const struct vxoff_devinfo *di, uint32_t item, struct vxoff_item_status *st)
{
	st->sz = sizeof(*st);
	if (vxoff_devinfo_item(di, item, st) < 0) {
		/* an item this library does not know: nothing to show */
		st->cap = VXOFF_CAP_UNKNOWN;
		st->msg = NULL;
	}
	return st->cap == VXOFF_CAP_YES;
}

/* The section title, or its "not supported"/"unknown" line. True if the item was probed. */
static bool section(const struct vxoff_devinfo *di, uint32_t item, const char *title)
{
	VXOFF_OUT(vxoff_item_status, st);

	if (!item_status(di, item, &st)) {
		print_unavailable(title, &st);
		return false;
	}
	printf("%s:\n", title);
	return true;
}

static void print_header(const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_link_info, l);
	VXOFF_OUT(vxoff_item_status, st);
	const char *driver, *state;

	if (vxoff_devinfo_link(di, &l) < 0) {
		item_status(di, VXOFF_ITEM_LINK, &st);
		print_unavailable("Device", &st);
		return;
	}
	if (item_status(di, VXOFF_ITEM_DRVINFO, &st))
		driver = l.driver[0] ? l.driver : "(none)";
	else /* "not supported": the device has no driver info to give (lo) */
		driver = st.cap == VXOFF_CAP_NO ? "(none)" : "(unknown)";
	printf("%s: index %u, kind %s, driver %s, MTU %u", l.ifname, l.ifindex,
	       l.kind[0] ? l.kind : "(none)", driver, l.mtu);
	if (l.present & (VXOFF_LINK_HAS_MIN_MTU | VXOFF_LINK_HAS_MAX_MTU)) {
		if (l.present & VXOFF_LINK_HAS_MIN_MTU)
			printf(" (%u-", l.min_mtu);
		else
			fputs(" (?-", stdout);
		/* the kernel enforces no maximum when a device reports 0 (lo, ifb) */
		if (!(l.present & VXOFF_LINK_HAS_MAX_MTU))
			fputs("?)", stdout);
		else if (l.max_mtu)
			printf("%u)", l.max_mtu);
		else
			fputs("no max)", stdout);
	}
	if (l.present & VXOFF_LINK_HAS_QUEUES)
		printf(", queues %u rx / %u tx", l.num_rx_queues, l.num_tx_queues);
	else
		fputs(", queues unknown", stdout);
	state = vxoff_operstate_name(l.operstate);
	printf(", state %s\n", state ? state : "?");
	if (l.present & VXOFF_LINK_HAS_VXLAN) {
		printf("VXLAN: VNI %u, port %u", l.vxlan_vni, l.vxlan_port);
		if (l.underlay_ifindex)
			printf(", underlay index %u\n", l.underlay_ifindex);
		else
			fputs(", no underlay device\n", stdout);
	}
}

static void print_verdict(const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_vxlan_verdict, v);
	VXOFF_OUT(vxoff_item_status, st);

	if (!item_status(di, VXOFF_ITEM_VXLAN, &st) || vxoff_devinfo_vxlan(di, &v) < 0) {
		print_unavailable("VXLAN readiness", &st);
		return;
	}
	printf("VXLAN readiness: %s", vxoff_verdict_name(v.verdict));
	if (v.checked_ifindex)
		printf(" (offloads of index %u)", v.checked_ifindex);
	putchar('\n');
	for (uint32_t i = 0; i < v.reason_count; i++) {
		VXOFF_OUT(vxoff_vxlan_reason, r);

		if (vxoff_devinfo_vxlan_reason(di, i, &r) < 0)
			continue;
		printf("\t[%s] %s\n", vxoff_severity_name(r.severity),
		       r.text ? r.text : vxoff_vxlan_reason_name(r.code));
	}
}

static void print_features(const struct vxoff_devinfo *di)
{
	uint32_t n = vxoff_devinfo_feature_count(di);

	if (!section(di, VXOFF_ITEM_FEATURES, "Features"))
		return;
	for (uint32_t i = 0; i < n; i++) {
		VXOFF_OUT(vxoff_feature, f);
		bool on, wanted;

		if (vxoff_devinfo_feature(di, i, &f) < 0 || !f.name[0])
			continue;
		on = f.flags & VXOFF_FEATURE_ACTIVE;
		wanted = f.flags & VXOFF_FEATURE_WANTED;
		/* as ethtool -k: [fixed], or what was asked for when it did not take */
		printf("\t%s: %s%s", f.name, on ? "on" : "off",
		       f.flags & VXOFF_FEATURE_FIXED ? " [fixed]" : "");
		if (!(f.flags & VXOFF_FEATURE_FIXED) && on != wanted)
			printf(" [requested %s]", wanted ? "on" : "off");
		putchar('\n');
	}
}

/* "\tname: cur (max m)" for what the device reported; false if it reported neither. */
static bool print_cur_max(const char *name, bool has_cur, uint32_t cur, bool has_max, uint32_t max)
{
	if (!has_cur && !has_max)
		return false;
	printf("\t%s: ", name);
	if (has_cur)
		printf("%u", cur);
	else
		fputs("n/a", stdout);
	if (has_max)
		printf(" (max %u)", max);
	putchar('\n');
	return true;
}

static void print_channels(const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_channels, c);
	uint32_t p;
	bool any = false;

	if (!section(di, VXOFF_ITEM_CHANNELS, "Channels") || vxoff_devinfo_channels(di, &c) < 0)
		return;
	p = c.present;
	any |= print_cur_max("rx", p & VXOFF_CH_RX_COUNT, c.rx_count, p & VXOFF_CH_RX_MAX,
			     c.rx_max);
	any |= print_cur_max("tx", p & VXOFF_CH_TX_COUNT, c.tx_count, p & VXOFF_CH_TX_MAX,
			     c.tx_max);
	any |= print_cur_max("other", p & VXOFF_CH_OTHER_COUNT, c.other_count,
			     p & VXOFF_CH_OTHER_MAX, c.other_max);
	any |= print_cur_max("combined", p & VXOFF_CH_COMBINED_COUNT, c.combined_count,
			     p & VXOFF_CH_COMBINED_MAX, c.combined_max);
	if (!any)
		puts("\t(no channel counts reported)");
}

static void print_rings(const struct vxoff_devinfo *di)
{
	static const char *const split[] = {"unknown", "off", "on"};
	VXOFF_OUT(vxoff_rings, g);
	uint32_t p;
	bool any = false;

	if (!section(di, VXOFF_ITEM_RINGS, "Ring parameters") || vxoff_devinfo_rings(di, &g) < 0)
		return;
	p = g.present;
	any |= print_cur_max("rx", p & VXOFF_RING_RX, g.rx, p & VXOFF_RING_RX_MAX, g.rx_max);
	any |= print_cur_max("rx-mini", p & VXOFF_RING_RX_MINI, g.rx_mini,
			     p & VXOFF_RING_RX_MINI_MAX, g.rx_mini_max);
	any |= print_cur_max("rx-jumbo", p & VXOFF_RING_RX_JUMBO, g.rx_jumbo,
			     p & VXOFF_RING_RX_JUMBO_MAX, g.rx_jumbo_max);
	any |= print_cur_max("tx", p & VXOFF_RING_TX, g.tx, p & VXOFF_RING_TX_MAX, g.tx_max);
	any |= print_cur_max("rx-buf-len", p & VXOFF_RING_RX_BUF_LEN, g.rx_buf_len, false, 0);
	if (p & VXOFF_RING_TCP_DATA_SPLIT) {
		printf("\ttcp-data-split: %s\n",
		       g.tcp_data_split < 3 ? split[g.tcp_data_split] : "?");
		any = true;
	}
	any |= print_cur_max("cqe-size", p & VXOFF_RING_CQE_SIZE, g.cqe_size, false, 0);
	if (p & VXOFF_RING_TX_PUSH) {
		printf("\ttx-push: %s\n", g.tx_push ? "on" : "off");
		any = true;
	}
	if (p & VXOFF_RING_RX_PUSH) {
		printf("\trx-push: %s\n", g.rx_push ? "on" : "off");
		any = true;
	}
	any |= print_cur_max("tx-push-buf-len", p & VXOFF_RING_TX_PUSH_BUF_LEN, g.tx_push_buf_len,
			     p & VXOFF_RING_TX_PUSH_BUF_LEN_MAX, g.tx_push_buf_len_max);
	any |= print_cur_max("hds-thresh", p & VXOFF_RING_HDS_THRESH, g.hds_thresh,
			     p & VXOFF_RING_HDS_THRESH_MAX, g.hds_thresh_max);
	if (!any)
		puts("\t(no ring sizes reported)");
}

static void print_coalesce(const struct vxoff_devinfo *di)
{
	bool any = false;

	if (!section(di, VXOFF_ITEM_COALESCE, "Coalesce parameters"))
		return;
	for (uint32_t p = 0; p <= VXOFF_COAL_PARAM_MAX; p++) {
		const char *name = vxoff_coalesce_param_name(p);
		uint32_t v;

		/* -ENOENT: the driver does not declare this one, as ethtool's n/a */
		if (!name || vxoff_devinfo_coalesce_param(di, p, &v) < 0)
			continue;
		if (p == VXOFF_COAL_USE_ADAPTIVE_RX || p == VXOFF_COAL_USE_ADAPTIVE_TX ||
		    p == VXOFF_COAL_USE_CQE_MODE_RX || p == VXOFF_COAL_USE_CQE_MODE_TX)
			printf("\t%s: %s\n", name, v ? "on" : "off");
		else
			printf("\t%s: %u\n", name, v);
		any = true;
	}
	if (!any)
		puts("\t(no parameters reported)");
}

static void print_flow_hash(const char *flow, bool present, uint32_t fields)
{
	if (!present)
		return;
	printf("\t%s flow hash:", flow);
	if (!fields)
		fputs(" (none)", stdout);
	for (uint32_t b = 0; b < 32; b++) {
		if (!(fields & (1u << b)))
			continue;
		if (vxoff_rxh_field_name(b))
			printf(" %s", vxoff_rxh_field_name(b));
		else
			printf(" bit-%u", b);
	}
	putchar('\n');
}

/* RXH_XFRM_* values */
static const char *xfrm_name(uint32_t x)
{
	switch (x) {
	case 0:
		return "none";
	case 1:
		return "symmetric-xor";
	case 2:
		return "symmetric-or-xor";
	default:
		return "other";
	}
}

static void print_rss(const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_rss, s);

	if (!section(di, VXOFF_ITEM_RSS, "RSS") || vxoff_devinfo_rss(di, &s) < 0)
		return;
	if (s.present & VXOFF_RSS_HAS_HFUNC)
		printf("\thash function: %s\n", s.hfunc_name[0] ? s.hfunc_name : "(unnamed)");
	if ((s.present & VXOFF_RSS_HAS_KEY) && s.key_size) {
		uint8_t *key = malloc(s.key_size);
		int n = key ? vxoff_devinfo_rss_key(di, key, s.key_size) : -1;

		fputs("\thash key:", stdout);
		for (int i = 0; i < n && (uint32_t)i < s.key_size; i++)
			printf("%s%02x", i ? ":" : " ", key[i]);
		putchar('\n');
		free(key);
	}
	if ((s.present & VXOFF_RSS_HAS_INDIR) && s.indir_size) {
		uint32_t *t = malloc(s.indir_size * sizeof(*t));
		int n = t ? vxoff_devinfo_rss_indir(di, t, s.indir_size) : -1;

		printf("\tindirection table (%u entries):", s.indir_size);
		/* as ethtool -x: eight queue numbers a row, led by the first index */
		for (int i = 0; i < n && (uint32_t)i < s.indir_size; i++) {
			if (i % 8 == 0)
				printf("\n\t%5d:", i);
			printf(" %5u", t[i]);
		}
		putchar('\n');
		free(t);
	}
	if (s.present & VXOFF_RSS_HAS_INPUT_XFRM)
		printf("\tinput transformation: %s\n", xfrm_name(s.input_xfrm));
	print_flow_hash("udp4", s.present & VXOFF_RSS_HAS_UDP4_FIELDS, s.udp4_fields);
	print_flow_hash("udp6", s.present & VXOFF_RSS_HAS_UDP6_FIELDS, s.udp6_fields);
	print_flow_hash("tcp4", s.present & VXOFF_RSS_HAS_TCP4_FIELDS, s.tcp4_fields);
	print_flow_hash("tcp6", s.present & VXOFF_RSS_HAS_TCP6_FIELDS, s.tcp6_fields);
}

/* "type-N" for a type this library has no name for */
static void print_tunnel_type(uint32_t t)
{
	const char *name = vxoff_udp_tunnel_type_name(t);

	if (name)
		fputs(name, stdout);
	else
		printf("type-%u", t);
}

static void print_tunnel_ports(const struct vxoff_devinfo *di)
{
	uint32_t nt = vxoff_devinfo_tunnel_table_count(di);
	uint32_t np = vxoff_devinfo_tunnel_port_count(di);

	if (!section(di, VXOFF_ITEM_TUNNEL_PORTS, "UDP tunnel ports"))
		return;
	if (!nt)
		puts("\t(no port tables)");
	for (uint32_t t = 0; t < nt; t++) {
		VXOFF_OUT(vxoff_tunnel_table, tt);
		bool any = false;

		if (vxoff_devinfo_tunnel_table(di, t, &tt) < 0)
			continue;
		printf("\ttable %u: size %u, types", t, tt.size);
		for (uint32_t b = 0; b < 32; b++)
			if (tt.types & (1u << b)) {
				putchar(' ');
				print_tunnel_type(b);
			}
		putchar('\n');
		for (uint32_t i = 0; i < np; i++) {
			VXOFF_OUT(vxoff_tunnel_port, p);

			if (vxoff_devinfo_tunnel_port(di, i, &p) < 0 || p.table != t)
				continue;
			printf("\t\tport %u, type ", p.port);
			print_tunnel_type(p.type);
			putchar('\n');
			any = true;
		}
		if (!any)
			puts("\t\t(empty)");
	}
}

static void print_queue(const struct vxoff_queue_info *q)
{
	bool rx = q->type == VXOFF_QUEUE_RX;
	const char *sep = ":";

	printf("\t%s-%u", rx ? "rx" : "tx", q->id);
	if (q->present & VXOFF_QUEUE_HAS_NAPI) {
		printf("%s napi %u", sep, q->napi_id);
		sep = ",";
	}
	if (q->present & VXOFF_QUEUE_HAS_IRQ) {
		printf("%s irq %u", sep, q->irq);
		sep = ",";
	}
	if (q->present & VXOFF_QUEUE_HAS_NAPI_PID) {
		printf("%s napi thread %u", sep, q->napi_pid);
		sep = ",";
	}
	if (rx && (q->present & VXOFF_QUEUE_HAS_RPS)) {
		printf("%s rps-cpus %s, rps-flow-cnt %u", sep, q->rps_cpus[0] ? q->rps_cpus : "off",
		       q->rps_flow_cnt);
		sep = ",";
	}
	if (!rx && (q->present & VXOFF_QUEUE_HAS_XPS_CPUS)) {
		printf("%s xps-cpus %s", sep, q->xps_cpus[0] ? q->xps_cpus : "off");
		sep = ",";
	}
	if (!rx && (q->present & VXOFF_QUEUE_HAS_XPS_RXQS)) {
		printf("%s xps-rxqs %s", sep, q->xps_rxqs[0] ? q->xps_rxqs : "off");
		sep = ",";
	}
	if (q->present & VXOFF_QUEUE_HAS_NAPI_CONFIG)
		printf("%s gro-flush-timeout %llu ns, defer-hard-irqs %u", sep,
		       (unsigned long long)q->gro_flush_timeout_ns, q->defer_hard_irqs);
	putchar('\n');
}

static void print_queues(const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_item_status, qs);
	VXOFF_OUT(vxoff_item_status, ss);
	VXOFF_OUT(vxoff_napi_info, n);
	uint32_t count = vxoff_devinfo_queue_count(di);
	bool q = item_status(di, VXOFF_ITEM_QUEUES, &qs);
	bool s = item_status(di, VXOFF_ITEM_SYSFS, &ss);

	/* netdev netlink (NAPI, IRQ) and sysfs (RPS, XPS) each know part of a queue */
	if (!q && !count) {
		print_unavailable("Queues", &qs);
	} else {
		puts("Queues:");
		if (!q)
			printf("\t(NAPI and IRQ %s: %s)\n",
			       qs.cap == VXOFF_CAP_NO ? "not supported" : "unknown",
			       qs.msg ? qs.msg : "no reason given");
		if (!s)
			printf("\t(RPS and XPS %s: %s)\n",
			       ss.cap == VXOFF_CAP_NO ? "not supported" : "unknown",
			       ss.msg ? ss.msg : "no reason given");
		if (!count)
			puts("\t(none)");
		for (uint32_t i = 0; i < count; i++) {
			VXOFF_OUT(vxoff_queue_info, qi);

			if (vxoff_devinfo_queue(di, i, &qi) == 0)
				print_queue(&qi);
		}
	}
	if (!s || vxoff_devinfo_napi(di, &n) < 0) {
		print_unavailable("NAPI", &ss);
		return;
	}
	if (n.threaded == VXOFF_CAP_UNKNOWN)
		fputs("NAPI: threaded unknown", stdout);
	else
		printf("NAPI: threaded %s", n.threaded == VXOFF_CAP_YES ? "on" : "off");
	if (n.present & VXOFF_NAPI_HAS_GRO_FLUSH_TIMEOUT)
		printf(", gro_flush_timeout %llu ns", (unsigned long long)n.gro_flush_timeout_ns);
	if (n.present & VXOFF_NAPI_HAS_DEFER_HARD_IRQS)
		printf(", napi_defer_hard_irqs %u", n.napi_defer_hard_irqs);
	putchar('\n');
}

static void print_device(const struct vxoff_devinfo *di)
{
	print_header(di);
	print_verdict(di);
	print_features(di);
	print_channels(di);
	print_rings(di);
	print_coalesce(di);
	print_rss(di);
	print_tunnel_ports(di);
	print_queues(di);
}

/* ---- JSON output ---- */

/*
 * The document vxoff_devlist_json() writes, around devices probed one by one: the library
 * has no list of chosen devices, and probing all of them to keep a few would hide a
 * misspelt name.
 */
static int print_json(struct vxoff_devinfo **devs, int n, bool pretty)
{
	char **txt = calloc((size_t)n, sizeof(*txt));
	int rc = CLI_EXIT_OK;

	if (!txt)
		return cli_errno(NULL, -ENOMEM);
	/* every device first: a failure prints nothing rather than half a document */
	for (int i = 0; i < n && rc == CLI_EXIT_OK; i++) {
		int r = vxoff_devinfo_json(devs[i], pretty ? VXOFF_JSON_PRETTY : 0, &txt[i]);

		if (r < 0)
			rc = cli_errno("building the JSON", r);
	}
	if (rc == CLI_EXIT_OK) {
		if (pretty)
			printf("{\n  \"schema\": \"%s\",\n  \"vxoff_version\": \"%s\",\n"
			       "  \"devices\": [\n",
			       PROBE_SCHEMA, vxoff_version_string());
		else
			printf("{\"schema\":\"%s\",\"vxoff_version\":\"%s\",\"devices\":[",
			       PROBE_SCHEMA, vxoff_version_string());
		for (int i = 0; i < n; i++) {
			if (i)
				fputs(pretty ? ",\n" : ",", stdout);
			if (pretty)
				fputs("    ", stdout);
			cli_put_shifted(txt[i], pretty ? 4 : 0);
		}
		fputs(pretty ? (n ? "\n  ]\n}\n" : "  ]\n}\n") : "]}\n", stdout);
	}
	for (int i = 0; i < n; i++)
		vxoff_free(txt[i]);
	free(txt);
	return rc;
}

/* ---- the command ---- */

/* "features,tunnel_ports" -> item bits, by the library's own item names. */
static int parse_items(const char *list, uint32_t *ret)
{
	char *copy = strdup(list), *save = NULL, *tok;
	uint32_t items = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint32_t i;

		for (i = 0; i < VXOFF_ITEM_COUNT && strcmp(tok, vxoff_item_name(i)); i++)
			;
		if (i == VXOFF_ITEM_COUNT) {
			cli_usage_error(SYNOPSIS, "probe: unknown item '%s' in --items", tok);
			free(copy);
			return -EINVAL;
		}
		items |= 1u << i;
	}
	free(copy);
	if (!items) {
		cli_usage_error(SYNOPSIS, "probe: --items needs at least one item");
		return -EINVAL;
	}
	*ret = items;
	return 0;
}

static int probe_named(struct vxoff_ctx *ctx, const struct vxoff_probe_opts *po, char **names,
		       int n, bool json, bool pretty)
{
	struct vxoff_devinfo **devs = calloc((size_t)n, sizeof(*devs));
	int rc = CLI_EXIT_OK;

	if (!devs)
		return cli_errno(NULL, -ENOMEM);
	/* all first: a bad name fails the command before anything is printed */
	for (int i = 0; i < n && rc == CLI_EXIT_OK; i++) {
		int r = vxoff_probe_device(ctx, names[i], 0, po, &devs[i]);

		if (r < 0)
			rc = cli_error(ctx, r);
	}
	if (rc == CLI_EXIT_OK && json) {
		rc = print_json(devs, n, pretty);
	} else if (rc == CLI_EXIT_OK) {
		for (int i = 0; i < n; i++) {
			if (i)
				putchar('\n');
			print_device(devs[i]);
		}
	}
	for (int i = 0; i < n; i++)
		vxoff_devinfo_free(devs[i]);
	free(devs);
	return rc;
}

static int probe_all(struct vxoff_ctx *ctx, const struct vxoff_probe_opts *po, bool json,
		     bool pretty)
{
	struct vxoff_devlist *list = NULL;
	int r, rc = CLI_EXIT_OK;

	r = vxoff_probe_all(ctx, po, &list);
	if (r < 0)
		return cli_error(ctx, r);
	if (json) {
		/* streamed: thousands of devices never sit in memory as one string */
		fflush(stdout);
		r = vxoff_devlist_json_fd(list, pretty ? VXOFF_JSON_PRETTY : 0, STDOUT_FILENO);
		if (r < 0)
			rc = cli_errno("writing the JSON", r);
	} else {
		for (uint32_t i = 0; i < vxoff_devlist_count(list); i++) {
			const struct vxoff_devinfo *di;

			if (vxoff_devlist_get(list, i, &di) < 0)
				continue;
			if (i)
				putchar('\n');
			print_device(di);
		}
	}
	vxoff_devlist_free(list);
	return rc;
}

int cmd_probe(int argc, char **argv)
{
	/* clang-format off */
	static const struct option opts[] = {
		{"netns", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"pretty", no_argument, NULL, 'p'},
		{"all", no_argument, NULL, 'a'},
		{"items", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	/* clang-format on */
	const char *netns = NULL;
	bool json = false, pretty = false, all = false;
	VXOFF_OPTS(vxoff_probe_opts, po, .items = 0);
	struct vxoff_ctx *ctx;
	int c, rc;

	opterr = 0; /* getopt would name the command "probe", not "vxoff probe" */
	while ((c = getopt_long(argc, argv, ":n:jpai:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'p':
			json = pretty = true;
			break;
		case 'a':
			all = true;
			break;
		case 'i':
			if (parse_items(optarg, &po.items) < 0)
				return cli_finish_output(CLI_EXIT_USAGE);
			break;
		case 'h':
			help();
			return cli_finish_output(CLI_EXIT_OK);
		default: /* ':' an argument missing, '?' an unknown option */
			return cli_getopt_error(SYNOPSIS, "probe", c, argv);
		}
	}
	if (all && optind < argc)
		return cli_usage_error(SYNOPSIS, "probe: give IFACE names or --all, not both");
	ctx = cli_ctx_new(netns);
	if (!ctx)
		return CLI_EXIT_FAIL;
	if (optind < argc)
		rc = probe_named(ctx, &po, argv + optind, argc - optind, json, pretty);
	else
		rc = probe_all(ctx, &po, json, pretty);
	vxoff_ctx_free(ctx);
	return cli_finish_output(rc);
}
