/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff-record: probe through the recording transport, so that every netlink request, every
 * reply datagram and every SIOCETHTOOL lands in a replay fixture (format: lib/netlink/replay.h).
 *
 *   vxoff-record -o OUT [-n NETNS] [-a] [-d DEV]... [-i ITEM[,ITEM...]] [-c COMMENT]...
 *
 *   -o OUT     fixture to write
 *   -n NETNS   probe inside the named network namespace (/run/netns/NETNS)
 *   -a         vxoff_probe_all()
 *   -d DEV     vxoff_probe_device(DEV), repeatable (after -a if both are given)
 *   -i ITEMS   only these items, by vxoff_item_name() ("features,rss"); default: all
 *   -c TEXT    a comment line for the fixture's header, repeatable
 *
 * Prints each probed device's items to stdout. Exit 0 when every probe call returned 0.
 * Sysfs (the SYSFS item) is read but is not netlink: replay tests give a fake sysfs root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vxoff/probe.h>

#include "netlink/core.h"

static const char *cap_name(uint32_t cap)
{
	return cap == VXOFF_CAP_YES ? "yes" : cap == VXOFF_CAP_NO ? "no" : "unknown";
}

static void show(const struct vxoff_devinfo *di)
{
	struct vxoff_link_info li = { .sz = sizeof(li) };
	struct vxoff_vxlan_verdict v = { .sz = sizeof(v) };

	if (vxoff_devinfo_link(di, &li) == 0)
		printf("%s (ifindex %u, kind '%s', driver '%s')\n", li.ifname, li.ifindex, li.kind,
		       li.driver);
	for (uint32_t i = 0; i < VXOFF_ITEM_COUNT; i++) {
		struct vxoff_item_status s = { .sz = sizeof(s) };

		if (vxoff_devinfo_item(di, i, &s) < 0)
			continue;
		printf("  %-13s %-7s", vxoff_item_name(i), cap_name(s.cap));
		if (s.cap != VXOFF_CAP_YES)
			printf(" %d %s", s.err, s.msg ? s.msg : "");
		putchar('\n');
	}
	if (vxoff_devinfo_vxlan(di, &v) == 0)
		printf("  verdict       %s\n", vxoff_verdict_name(v.verdict));
}

static int parse_items(const char *list, uint32_t *items)
{
	char *copy = strdup(list), *save = NULL, *w;

	if (!copy)
		return -ENOMEM;
	*items = 0;
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint32_t i;

		for (i = 0; i < VXOFF_ITEM_COUNT && strcmp(vxoff_item_name(i), w); i++)
			;
		if (i == VXOFF_ITEM_COUNT) {
			fprintf(stderr, "vxoff-record: unknown item '%s'\n", w);
			free(copy);
			return -EINVAL;
		}
		*items |= 1u << i;
	}
	free(copy);
	return 0;
}

/* The recorder writes its header (with the full kernel release) first: keep the release's
 * version numbers only (a local build suffix says nothing about the kernel's behaviour) and
 * put our own comments after it. */
static int finish(const char *tmp, const char *out, char **comments, int ncomments,
		  const char *what)
{
	FILE *in = fopen(tmp, "r"), *o = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, r = 0;

	if (!in)
		return -errno;
	o = fopen(out, "w");
	if (!o) {
		r = -errno;
		fclose(in);
		return r;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		lineno++;
		if (lineno <= 2 && !strncmp(line, "# recorded on Linux ", 20)) {
			char rel[64] = "", mach[64] = "";

			sscanf(line + 20, "%63s %63s", rel, mach);
			rel[strspn(rel, "0123456789.")] = '\0';
			fprintf(o, "# recorded on Linux %s %s\n", rel, mach);
			fprintf(o, "# vxoff-record: %s\n", what);
			for (int i = 0; i < ncomments; i++)
				fprintf(o, "# %s\n", comments[i]);
			continue;
		}
		fwrite(line, 1, (size_t)n, o);
	}
	free(line);
	fclose(in);
	if (fclose(o) != 0)
		r = -errno;
	unlink(tmp);
	return r;
}

int main(int argc, char **argv)
{
	struct vxoff_ctx_opts co = { .sz = sizeof(co) };
	struct vxoff_probe_opts po = { .sz = sizeof(po) };
	struct vxoff_ctx *ctx = NULL;
	struct vxoff__transport t;
	char *devs[64], *comments[16], what[1024] = "", tmp[4096], err[512];
	int ndevs = 0, ncomments = 0, all = 0, bad = 0, c, r;
	const char *out = NULL;

	while ((c = getopt(argc, argv, "o:n:ad:i:c:")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			co.netns = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'd':
			if (ndevs == 64)
				return 2;
			devs[ndevs++] = optarg;
			break;
		case 'i':
			if (parse_items(optarg, &po.items) < 0)
				return 2;
			break;
		case 'c':
			if (ncomments == 16)
				return 2;
			comments[ncomments++] = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!out || optind != argc || (!all && !ndevs))
		goto usage;

	r = vxoff_ctx_new_err(&co, &ctx, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "vxoff-record: %s\n", err);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	r = vxoff__transport_record_new(ctx, tmp, &t);
	if (r < 0) {
		fprintf(stderr, "vxoff-record: %s: %s\n", tmp, strerror(-r));
		vxoff_ctx_free(ctx);
		return 1;
	}
	vxoff__ctx_set_transport(ctx, &t);

	if (all) {
		struct vxoff_devlist *l = NULL;

		strcat(what, "probe_all");
		r = vxoff_probe_all(ctx, &po, &l);
		if (r < 0) {
			struct vxoff_error e = { .sz = sizeof(e) };

			vxoff_ctx_last_error(ctx, &e);
			fprintf(stderr, "vxoff-record: probe_all: %s\n", e.msg ? e.msg : "");
			bad = 1;
		}
		for (uint32_t i = 0; i < vxoff_devlist_count(l); i++) {
			const struct vxoff_devinfo *di;

			if (vxoff_devlist_get(l, i, &di) == 0)
				show(di);
		}
		vxoff_devlist_free(l);
	}
	for (int i = 0; i < ndevs; i++) {
		struct vxoff_devinfo *di = NULL;

		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%sprobe_device %s",
			 what[0] ? "; " : "", devs[i]);
		r = vxoff_probe_device(ctx, devs[i], 0, &po, &di);
		if (r < 0) {
			struct vxoff_error e = { .sz = sizeof(e) };

			vxoff_ctx_last_error(ctx, &e);
			fprintf(stderr, "vxoff-record: probe_device %s: %s\n", devs[i],
				e.msg ? e.msg : "");
			bad = 1;
			continue;
		}
		show(di);
		vxoff_devinfo_free(di);
	}
	vxoff_ctx_free(ctx); /* closes the recording */
	r = finish(tmp, out, comments, ncomments, what);
	if (r < 0) {
		fprintf(stderr, "vxoff-record: writing %s: %s\n", out, strerror(-r));
		return 1;
	}
	return bad;
usage:
	fprintf(stderr, "usage: %s -o OUT [-n NETNS] [-a] [-d DEV]... [-i ITEMS] [-c COMMENT]...\n",
		argv[0]);
	return 2;
}
