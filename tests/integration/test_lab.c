/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff lab end to end, as root:
 *  - bad input (not root, a namespace with the lab's name, a missing underlay, an address
 *    clash): an error naming it, and nothing created;
 *  - a --quick run through the API: the JSON parses, its figures are positive and
 *    consistent (the VXLAN device counted at least the bytes the test moved, and not much
 *    more; the ratios are the medians of the pair ratios shown), the SVG passes
 *    `xmllint --noout` and has every series, the HTML renders in headless Chromium to a
 *    picture that is not one colour, and afterwards no namespace, state or snapshot is left;
 *  - a --quick run with the measured search (a short budget): report.json carries the trial
 *    log (each trial's candidate, decision, ratio inside its interval, the search's own log),
 *    the SVG the trial series, and afterwards nothing is left (the search's snapshot
 *    directory included: its tuning went back, or went with the namespaces);
 *  - a user's underlay (veth between two test namespaces): the lab adds its VXLAN devices
 *    and removes them, and leaves the user's devices and addresses as they were;
 *  - SIGTERM at random points of 20 short CLI runs: nothing is left, or `vxoff lab
 *    --cleanup` removes it; SIGKILL at random points of 6 more: `--cleanup` removes it;
 *    SIGKILL of a --tune search run while a candidate is applied: `--cleanup` restores the
 *    search's snapshot in its namespace and removes everything.
 * Parts whose tools are missing (xmllint, chromium, the CLI binary) skip with the reason;
 * the whole test skips (77) without root or the vxlan module.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <json-c/json.h>
#include <vxoff/vxoff.h>

#ifdef LAB_HAVE_ZLIB
#include <zlib.h>
#endif

#include "nstest.h"

static int failures;
static char lab_name[64];
static char tmpdir[128];

#define CHECK(cond, ...)                                                                          \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                    \
			printf(__VA_ARGS__);                                                      \
			putchar('\n');                                                            \
			failures++;                                                               \
		}                                                                                 \
	} while (0)

static const char *last_msg(struct vxoff_ctx *ctx)
{
	static VXOFF_OUT(vxoff_error, e);

	e.sz = sizeof(e);
	if (vxoff_ctx_last_error(ctx, &e) < 0 || !e.msg)
		return "";
	return e.msg;
}

/* /run/vxoff/lab-<name><suffix> exists? */
static bool file_exists(const char *name, const char *suffix)
{
	char path[512];

	snprintf(path, sizeof(path), "/run/vxoff/lab-%s%s", name, suffix);
	return access(path, F_OK) == 0;
}

/* Nothing of lab @name is left: namespaces, state file, tuning snapshots. */
static bool nothing_left(const char *name, char *why, size_t len)
{
	char ns[96];

	for (int i = 0; i < 2; i++) {
		snprintf(ns, sizeof(ns), "%s-%c", name, i ? 'b' : 'a');
		if (nt_ns_listed(ns)) {
			snprintf(why, len, "namespace %s is left", ns);
			return false;
		}
	}
	{
		struct nt_run out = { 0 };
		bool dev = false;

		/* the lab works in its own namespaces: nothing of it may show up here */
		if (nt_sh(&out, "ip -br link show; ip -br addr show") == 0)
			dev = nt_contains(out.out, "vxlab") || nt_contains(out.out, "198.19.0.");
		nt_run_free(&out);
		if (dev) {
			snprintf(why, len, "a lab device or address is in the test's namespace");
			return false;
		}
	}
	{
		/* any file of this lab under /run/vxoff: state, snapshots, their temporaries */
		char pfx[2][128];
		struct dirent *de;
		DIR *d = opendir("/run/vxoff");

		snprintf(pfx[0], sizeof(pfx[0]), "lab-%s.", name);
		snprintf(pfx[1], sizeof(pfx[1]), "lab-%s-", name);
		while (d && (de = readdir(d)))
			for (int k = 0; k < 2; k++)
				if (!strncmp(de->d_name, pfx[k], strlen(pfx[k]))) {
					if (snprintf(why, len, "/run/vxoff/%s is left", de->d_name) >=
					    (int)len)
						why[len - 1] = '\0'; /* truncated: still names it */
					closedir(d);
					return false;
				}
		if (d)
			closedir(d);
	}
	if (file_exists(name, ".json")) {
		snprintf(why, len, "state file /run/vxoff/lab-%s.json is left", name);
		return false;
	}
	if (file_exists(name, "-client.tune.json") ||
	    file_exists(name, "-server.tune.json")) {
		snprintf(why, len, "a tuning snapshot of %s is left", name);
		return false;
	}
	return true;
}

static int run_lab(struct vxoff_ctx *ctx, const struct vxoff_lab_opts *o,
		   struct vxoff_lab_report **rep)
{
	struct vxoff_lab *lab = NULL;
	int r = vxoff_lab_new(ctx, o, &lab);

	if (r < 0)
		return r;
	r = vxoff_lab_run(lab, NULL, NULL, rep);
	vxoff_lab_free(lab);
	return r;
}

/* ---- bad input ---- */

static void bad_not_root(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		VXOFF_OPTS(vxoff_lab_opts, o, .flags = VXOFF_LAB_F_QUICK, .name = lab_name);
		struct vxoff_lab_report *rep = NULL;
		struct vxoff_ctx *ctx = NULL;
		int r;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		if (vxoff_ctx_new(NULL, &ctx) < 0)
			_exit(4);
		r = run_lab(ctx, &o, &rep);
		if (r != -EPERM || !strstr(last_msg(ctx), "root"))
			_exit(5);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "not root: child status %d (5 = not -EPERM)",
	      st);
}

static void bad_inputs(void)
{
	VXOFF_OPTS(vxoff_lab_opts, o, .flags = VXOFF_LAB_F_QUICK, .name = lab_name);
	struct vxoff_lab_report *rep = NULL;
	struct vxoff_ctx *ctx = NULL, *hctx = NULL;
	char ns[96], peer[64], host[64], why[256];
	int r;

	vxoff_ctx_new(NULL, &ctx);
	bad_not_root();

	/* a namespace with the lab's name */
	snprintf(ns, sizeof(ns), "%s-a", lab_name);
	CHECK(nt_sh_quiet("ip netns add %s", ns) == 0, "ip netns add %s", ns);
	r = run_lab(ctx, &o, &rep);
	CHECK(r == -EEXIST && strstr(last_msg(ctx), ns), "existing namespace: %d '%s'", r,
	      last_msg(ctx));
	snprintf(ns, sizeof(ns), "%s-b", lab_name);
	CHECK(!nt_ns_listed(ns), "namespace %s was created", ns);
	CHECK(!file_exists(lab_name, ".json"), "a state file was written");
	snprintf(ns, sizeof(ns), "%s-a", lab_name);
	nt_sh_quiet("ip netns del %s", ns);

	/* a missing underlay */
	if (nt_ns_create("peer", peer) == 0) {
		VXOFF_OPTS(vxoff_lab_opts, u, .name = lab_name, .underlay = "vxofft-nodev",
			   .peer_ns = peer, .peer_addr = "198.18.0.2");

		r = run_lab(ctx, &u, &rep);
		CHECK(r == -ENODEV && strstr(last_msg(ctx), "vxofft-nodev"),
		      "missing underlay: %d '%s'", r, last_msg(ctx));
		CHECK(!file_exists(lab_name, ".json"), "a state file was written");
		nt_ns_delete(peer);
	}

	/* an address clash where the lab is started */
	if (nt_ns_create("host", host) == 0) {
		VXOFF_OPTS(vxoff_ctx_opts, co, .netns = host);

		CHECK(nt_sh_quiet("ip -n %s addr add 198.19.0.2/24 dev lo", host) == 0,
		      "198.19.0.2 on lo of %s", host);
		CHECK(vxoff_ctx_new(&co, &hctx) == 0, "ctx in %s", host);
		r = run_lab(hctx, &o, &rep);
		CHECK(r == -EADDRINUSE && strstr(last_msg(hctx), "198.19.0.2"),
		      "address clash: %d '%s'", r, last_msg(hctx));
		CHECK(nothing_left(lab_name, why, sizeof(why)), "after the clash: %s", why);
		vxoff_ctx_free(hctx);
		nt_ns_delete(host);
	}
	/* tuning options that contradict each other: refused by vxoff_lab_new(), named */
	{
		static const struct {
			uint32_t flags, tune, budget_s;
			const char *underlay, *words;
		} bad[] = {
			{ 0, 7, 0, NULL, "tune mode 7" },
			{ VXOFF_LAB_F_NO_TUNE, VXOFF_LAB_TUNE_SEARCH, 0, NULL, "contradict" },
			{ 0, VXOFF_LAB_TUNE_PROFILE, 30, NULL, "budget" },
			{ VXOFF_LAB_F_QUICK, 0, 30, NULL, "budget" }, /* quick = profile */
			{ 0, VXOFF_LAB_TUNE_SEARCH, 4000, NULL, "3600" },
			{ VXOFF_LAB_F_ALLOW_MTU, VXOFF_LAB_TUNE_PROFILE, 0, NULL, "ALLOW_MTU" },
			{ VXOFF_LAB_F_ALLOW_MTU, 0, 0, "ul0", "user's underlay" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			VXOFF_OPTS(vxoff_lab_opts, b, .flags = bad[i].flags, .tune = bad[i].tune,
				   .budget_s = bad[i].budget_s, .underlay = bad[i].underlay,
				   .peer_ns = bad[i].underlay ? "x" : NULL,
				   .peer_addr = bad[i].underlay ? "198.18.0.2" : NULL,
				   .name = lab_name);
			struct vxoff_lab *lab = NULL;

			r = vxoff_lab_new(ctx, &b, &lab);
			CHECK(r == -EINVAL && strstr(last_msg(ctx), bad[i].words),
			      "tuning options %zu: %d '%s'", i, r, last_msg(ctx));
			vxoff_lab_free(lab);
		}
	}
	CHECK(nothing_left(lab_name, why, sizeof(why)), "after bad input: %s", why);
	vxoff_ctx_free(ctx);
}

/* ---- a quick run ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static double jnum(struct json_object *o, const char *k1, const char *k2)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k1, &v))
		return -1;
	if (k2 && !json_object_object_get_ex(v, k2, &v))
		return -1;
	return json_object_get_double(v);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void check_json(const char *text)
{
	struct json_object *root = json_tokener_parse(text), *phases, *summary;

	CHECK(root != NULL, "report.json does not parse");
	if (!root)
		return;
	CHECK(json_object_object_get_ex(root, "phases", &phases) &&
		      json_object_array_length(phases) >= 1,
	      "no phases");
	CHECK(json_object_object_get_ex(root, "summary", &summary), "no summary");
	for (size_t p = 0; phases && p < json_object_array_length(phases); p++) {
		struct json_object *ph = json_object_array_get_idx(phases, p), *runs, *ratios;
		size_t n;
		double ratio[64];
		uint32_t nr = 0;

		json_object_object_get_ex(ph, "runs", &runs);
		json_object_object_get_ex(ph, "ratios", &ratios);
		n = runs ? json_object_array_length(runs) : 0;
		CHECK(n >= 2 && n % 2 == 0 && n <= 128, "phase %zu: %zu runs", p, n);
		for (size_t i = 0; i + 1 < n; i += 2) {
			struct json_object *a = json_object_array_get_idx(runs, i);
			struct json_object *b = json_object_array_get_idx(runs, i + 1);
			struct json_object *x[2] = { a, b };

			for (int k = 0; k < 2; k++) {
				const char *arm = json_object_get_string(
					json_object_object_get(x[k], "arm"));
				double sent = jnum(x[k], "total_sent", NULL);
				double got = jnum(x[k], "total_received", NULL);
				double dev = jnum(x[k], "device_tx_bytes", NULL);

				CHECK(jnum(x[k], "throughput_bps", NULL) > 0, "throughput %zu", i);
				CHECK(jnum(x[k], "client", "cpu_s_per_gb") > 0, "client CPU %zu", i);
				CHECK(jnum(x[k], "server", "cpu_s_per_gb") > 0, "server CPU %zu", i);
				CHECK(sent > 0 && sent == got, "run %zu: sent %.0f received %.0f", i,
				      sent, got);
				/* the VXLAN device moved every byte of the test, plus headers and
				 * the control connection: not less, not much more */
				if (arm && !strcmp(arm, "vxlan"))
					CHECK(dev >= sent && dev <= sent * 1.15 + 1e6,
					      "run %zu: VXLAN device sent %.0f bytes for %.0f", i, dev,
					      sent);
			}
			ratio[nr++] = jnum(b, "throughput_bps", NULL) /
				      jnum(a, "throughput_bps", NULL);
		}
		qsort(ratio, nr, sizeof(double), cmp_d);
		if (nr) {
			double med = nr % 2 ? ratio[nr / 2]
					    : (ratio[nr / 2 - 1] + ratio[nr / 2]) / 2;
			struct json_object *t = NULL;

			json_object_object_get_ex(ratios, "throughput", &t);
			CHECK(t && fabs(jnum(t, "median", NULL) - med) < 1e-6 * med,
			      "phase %zu: throughput ratio %.6f, runs give %.6f", p,
			      t ? jnum(t, "median", NULL) : -1, med);
			CHECK(t && jnum(t, "min", NULL) == ratio[0] &&
				      jnum(t, "max", NULL) == ratio[nr - 1],
			      "phase %zu: ratio min-max", p);
		}
	}
	json_object_put(root);
}

#ifdef LAB_HAVE_ZLIB
/* Decode the PNG's pixels (8-bit RGB/RGBA, non-interlaced: what Chromium writes) and count
 * whether two pixels differ. Return 1 varied, 0 one colour, -1 cannot tell. */
static int png_varied(const char *path)
{
	unsigned char *f, *idat = NULL, *raw = NULL;
	size_t n = 0, nid = 0;
	uint32_t w = 0, h = 0, bpp = 0;
	int res = -1;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return -1;
	f = malloc(32u << 20);
	if (f)
		n = fread(f, 1, 32u << 20, fp);
	fclose(fp);
	if (!f || n < 33 || memcmp(f, "\x89PNG", 4))
		goto out;
	for (size_t off = 8; off + 12 <= n;) {
		uint32_t len = (uint32_t)f[off] << 24 | f[off + 1] << 16 | f[off + 2] << 8 |
			       f[off + 3];
		const unsigned char *type = f + off + 4, *d = f + off + 8;

		if (off + 12 + len > n)
			goto out;
		if (!memcmp(type, "IHDR", 4)) {
			w = (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
			h = (uint32_t)d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7];
			if (d[8] != 8 || d[12] != 0 || (d[9] != 2 && d[9] != 6))
				goto out;
			bpp = d[9] == 6 ? 4 : 3;
		} else if (!memcmp(type, "IDAT", 4)) {
			unsigned char *x = realloc(idat, nid + len);

			if (!x)
				goto out;
			idat = x;
			memcpy(idat + nid, d, len);
			nid += len;
		}
		off += 12 + len;
	}
	if (!w || !h || !idat)
		goto out;
	{
		uLongf rawlen = (uLongf)(w * bpp + 1) * h;
		size_t stride = (size_t)w * bpp;
		unsigned char *prev, *cur, first[4];

		raw = malloc(rawlen);
		if (!raw || uncompress(raw, &rawlen, idat, nid) != Z_OK ||
		    rawlen != (uLongf)(stride + 1) * h)
			goto out;
		res = 0;
		for (uint32_t y = 0; y < h && res == 0; y++) {
			unsigned char ft = raw[y * (stride + 1)];

			cur = raw + y * (stride + 1) + 1;
			prev = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
			for (size_t i = 0; i < stride; i++) {
				int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0;
				int c = prev && i >= bpp ? prev[i - bpp] : 0, p, pa, pb, pc;

				switch (ft) {
				case 1:
					cur[i] = (unsigned char)(cur[i] + a);
					break;
				case 2:
					cur[i] = (unsigned char)(cur[i] + b);
					break;
				case 3:
					cur[i] = (unsigned char)(cur[i] + (a + b) / 2);
					break;
				case 4:
					p = a + b - c;
					pa = abs(p - a);
					pb = abs(p - b);
					pc = abs(p - c);
					cur[i] = (unsigned char)(cur[i] + (pa <= pb && pa <= pc ? a
									   : pb <= pc	    ? b
											    : c));
					break;
				default:
					break;
				}
			}
			if (y == 0)
				memcpy(first, cur, bpp);
			for (size_t i = 0; i < stride; i += bpp)
				if (memcmp(cur + i, first, bpp)) {
					res = 1;
					break;
				}
		}
	}
out:
	free(f);
	free(idat);
	free(raw);
	return res;
}
#endif

static const char *chromium_bin(void)
{
	static const char *const c[] = { "/usr/bin/chromium", "/usr/bin/chromium-browser",
					 "/usr/bin/google-chrome" };

	for (size_t i = 0; i < 3; i++)
		if (access(c[i], X_OK) == 0)
			return c[i];
	return NULL;
}

static void check_render(const char *dir)
{
	const char *chr = chromium_bin();
	char png[256];
	struct stat st;

	if (!chr) {
		printf("SKIP part: no chromium (apt-get install chromium): HTML not rendered\n");
		return;
	}
	if (snprintf(png, sizeof(png), "%s/shot.png", dir) >= (int)sizeof(png)) {
		CHECK(!"report directory path too long for the screenshot", "%s", dir);
		return;
	}
	CHECK(nt_sh_quiet("timeout 90 %s --headless --no-sandbox --disable-gpu "
			  "--screenshot=%s --window-size=1200,900 file://%s/report.html "
			  ">/dev/null 2>&1",
			  chr, png, dir) == 0 ||
		      access(png, F_OK) == 0,
	      "chromium screenshot");
	CHECK(stat(png, &st) == 0 && st.st_size > 1000, "screenshot %s missing or tiny", png);
#ifdef LAB_HAVE_ZLIB
	{
		int v = png_varied(png);

		CHECK(v == 1, "screenshot is %s", v == 0 ? "one colour (blank)" : "undecodable");
	}
#else
	{
		/* No zlib: a blank page's screenshot is far smaller than one with a chart. */
		char blank[256], html[256];
		struct stat bs;
		FILE *f;

		snprintf(html, sizeof(html), "%s/blank.html", dir);
		snprintf(blank, sizeof(blank), "%s/blank.png", dir);
		f = fopen(html, "we");
		if (f) {
			fputs("<!DOCTYPE html><html><body></body></html>\n", f);
			fclose(f);
		}
		nt_sh_quiet("timeout 90 %s --headless --no-sandbox --disable-gpu --screenshot=%s "
			    "--window-size=1200,900 file://%s >/dev/null 2>&1",
			    chr, blank, html);
		CHECK(stat(blank, &bs) == 0 && st.st_size > 3 * bs.st_size,
		      "screenshot %lld bytes, blank page %lld", (long long)st.st_size,
		      (long long)bs.st_size);
	}
#endif
}

static void quick_run(void)
{
	VXOFF_OPTS(vxoff_lab_opts, o, .flags = VXOFF_LAB_F_QUICK, .name = lab_name);
	struct vxoff_lab_report *rep = NULL;
	struct vxoff_ctx *ctx = NULL;
	char dir[256], path[300], why[256];
	char *text;
	int r;

	vxoff_ctx_new(NULL, &ctx);
	r = run_lab(ctx, &o, &rep);
	CHECK(nothing_left(lab_name, why, sizeof(why)), "after the run: %s", why);
	if (r == -ENOSYS) {
		printf("SKIP part: quick run: a capability is not implemented yet: %s\n",
		       last_msg(ctx));
		vxoff_ctx_free(ctx);
		return;
	}
	CHECK(r == 0, "quick run: %d %s", r, last_msg(ctx));
	if (r < 0) {
		vxoff_ctx_free(ctx);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/report", tmpdir);
	CHECK(vxoff_lab_report_write(ctx, rep, dir) == 0, "write: %s", last_msg(ctx));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	text = slurp(path);
	CHECK(text != NULL, "no %s", path);
	if (text)
		check_json(text);
	free(text);

	snprintf(path, sizeof(path), "%s/chart.svg", dir);
	if (access("/usr/bin/xmllint", X_OK) == 0)
		CHECK(nt_sh_quiet("xmllint --noout %s", path) == 0, "xmllint %s", path);
	else
		printf("SKIP part: no xmllint\n");
	text = slurp(path);
	for (int m = 0; text && m < 3; m++)
		for (int a = 0; a < 2; a++) {
			static const char *const ids[] = { "tput", "cpu-client", "cpu-server" };
			char id[96];

			snprintf(id, sizeof(id), "id=\"%s-before-%s\"", ids[m], a ? "vxlan" : "plain");
			CHECK(strstr(text, id), "SVG lacks %s", id);
			snprintf(id, sizeof(id), "id=\"%s-after-%s\"", ids[m], a ? "vxlan" : "plain");
			CHECK(strstr(text, id), "SVG lacks %s", id);
		}
	free(text);
	check_render(dir);
	vxoff_lab_report_free(rep);
	vxoff_ctx_free(ctx);
}

/* ---- the search ---- */

static int count_search_lines(void *user, uint32_t step, uint32_t percent, const char *msg)
{
	int *n = user;

	(void)percent;
	if (step == VXOFF_LAB_STEP_TUNE && strstr(msg, "search trial"))
		(*n)++;
	return 0;
}

static void check_trials(const char *text)
{
	struct json_object *root = json_tokener_parse(text), *tu = NULL, *trials = NULL, *log;
	size_t n;

	CHECK(root != NULL, "report.json does not parse");
	if (!root)
		return;
	CHECK(json_object_object_get_ex(root, "tuning", &tu), "no tuning object");
	CHECK(tu && !strcmp(json_object_get_string(json_object_object_get(tu, "mode")), "search"),
	      "tuning mode is not search");
	CHECK(tu && json_object_object_get_ex(tu, "trials", &trials) &&
		      json_object_is_type(trials, json_type_array),
	      "no trial log");
	n = trials ? json_object_array_length(trials) : 0;
	CHECK(n >= 1, "the search logged no trial (a veth testbed has candidates: rx-gro is off)");
	for (size_t i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(trials, i);
		const char *cand = json_object_get_string(json_object_object_get(t, "candidate"));
		const char *out = json_object_get_string(json_object_object_get(t, "outcome"));
		double pairs = jnum(t, "pairs", NULL), ratio = jnum(t, "ratio", NULL);
		double lo = jnum(t, "ci_low", NULL), hi = jnum(t, "ci_high", NULL);

		CHECK(cand && *cand, "trial %zu has no candidate", i);
		CHECK(out && (!strcmp(out, "kept") || !strcmp(out, "reverted") ||
			      !strcmp(out, "final")),
		      "trial %zu outcome %s", i, out ? out : "(none)");
		if (pairs >= 5) {
			CHECK(ratio > 0 && lo > 0 && lo <= ratio && ratio <= hi,
			      "trial %zu (%s): ratio %.3f outside its interval [%.3f, %.3f]", i, cand,
			      ratio, lo, hi);
			CHECK(jnum(t, "base_bps_median", NULL) > 0 &&
				      jnum(t, "cand_bps_median", NULL) > 0,
			      "trial %zu: medians", i);
			/* the reason agrees with the interval; kept only for a gain */
			const char *w = json_object_get_string(json_object_object_get(t, "why"));

			CHECK(w && (strcmp(w, "gain") || lo > 1) && (strcmp(w, "loss") || hi < 1) &&
				      (strcmp(w, "noise") || (lo <= 1 && hi >= 1)),
			      "trial %zu: why %s with [%.3f, %.3f]", i, w ? w : "(none)", lo, hi);
			CHECK(!out || strcmp(out, "kept") || (w && !strcmp(w, "gain")),
			      "trial %zu kept without a gain", i);
		}
	}
	log = tu ? json_object_object_get(tu, "log") : NULL;
	CHECK(log && !strcmp(json_object_get_string(json_object_object_get(log, "schema")),
			     "vxoff-tune-search/1"),
	      "the search's own log is not embedded");
	json_object_put(root);
}

static void search_run(void)
{
	VXOFF_OPTS(vxoff_lab_opts, o, .flags = VXOFF_LAB_F_QUICK, .name = lab_name,
		   .tune = VXOFF_LAB_TUNE_SEARCH, .budget_s = 25);
	struct vxoff_lab_report *rep = NULL;
	struct vxoff_lab *lab = NULL;
	struct vxoff_ctx *ctx = NULL;
	char dir[256], path[300], why[256];
	char *text;
	int r, lines = 0;

	vxoff_ctx_new(NULL, &ctx);
	r = vxoff_lab_new(ctx, &o, &lab);
	CHECK(r == 0, "search lab: %d %s", r, last_msg(ctx));
	if (r == 0)
		r = vxoff_lab_run(lab, count_search_lines, &lines, &rep);
	vxoff_lab_free(lab);
	CHECK(nothing_left(lab_name, why, sizeof(why)), "after the search run: %s", why);
	CHECK(r == 0, "search run: %d %s", r, last_msg(ctx));
	if (r < 0) {
		vxoff_ctx_free(ctx);
		return;
	}
	CHECK(lines > 0, "no progress line of a search trial");
	snprintf(dir, sizeof(dir), "%s/search-report", tmpdir);
	CHECK(vxoff_lab_report_write(ctx, rep, dir) == 0, "write: %s", last_msg(ctx));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	text = slurp(path);
	CHECK(text != NULL, "no %s", path);
	if (text) {
		check_json(text);
		check_trials(text);
	}
	free(text);
	snprintf(path, sizeof(path), "%s/chart.svg", dir);
	if (access("/usr/bin/xmllint", X_OK) == 0)
		CHECK(nt_sh_quiet("xmllint --noout %s", path) == 0, "xmllint %s", path);
	text = slurp(path);
	CHECK(text && strstr(text, "id=\"trial-0\"") && strstr(text, "id=\"trial-unity\"") &&
		      strstr(text, "id=\"trials\""),
	      "SVG lacks the trial series");
	CHECK(text && strstr(text, "id=\"tput-after-vxlan\""), "SVG lacks the after phase");
	free(text);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	text = slurp(path);
	CHECK(text && strstr(text, "id=\"trials-words\""), "the page does not tell the trials");
	free(text);
	vxoff_lab_report_free(rep);
	vxoff_ctx_free(ctx);
}

/* ---- vxoff_lab_stop() from another thread ---- */

struct stopper {
	struct vxoff_lab *lab;
	long after_ms;
};

static void *stop_later(void *p)
{
	struct stopper *s = p;
	struct timespec ts = { s->after_ms / 1000, (s->after_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	vxoff_lab_stop(s->lab);
	return NULL;
}

static void stop_from_thread(void)
{
	VXOFF_OPTS(vxoff_lab_opts, o, .flags = VXOFF_LAB_F_QUICK, .name = lab_name);
	struct vxoff_lab_report *rep = NULL;
	struct vxoff_ctx *ctx = NULL;
	struct stopper s = { .after_ms = 2500 };
	struct timespec t0, t1;
	char why[256];
	pthread_t t;
	int r;

	vxoff_ctx_new(NULL, &ctx);
	CHECK(vxoff_lab_new(ctx, &o, &s.lab) == 0, "lab_new: %s", last_msg(ctx));
	if (!s.lab) {
		vxoff_ctx_free(ctx);
		return;
	}
	pthread_create(&t, NULL, stop_later, &s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = vxoff_lab_run(s.lab, NULL, NULL, &rep);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	/* stopped in the middle of a measurement: it ends at once, not after the run */
	CHECK(r == -ECANCELED && !rep, "stopped run: %d %s", r, last_msg(ctx));
	CHECK(t1.tv_sec - t0.tv_sec < 8, "the stopped run took %ld s", (long)(t1.tv_sec - t0.tv_sec));
	CHECK(nothing_left(lab_name, why, sizeof(why)), "after the stop: %s", why);
	vxoff_lab_report_free(rep);
	vxoff_lab_free(s.lab);
	vxoff_ctx_free(ctx);
}

/* ---- a user's underlay: only what is missing is created, nothing else touched ---- */

static void underlay_run(void)
{
	char u1[64], u2[64], why[256];
	struct vxoff_lab_report *rep = NULL;
	struct vxoff_ctx *ctx = NULL;
	struct nt_run out = { 0 }, knobs[2] = { { 0 }, { 0 } };
	int r;

	if (nt_ns_create("u1", u1) < 0 || nt_ns_create("u2", u2) < 0)
		return;
	CHECK(nt_sh_quiet("ip link add ul0 netns %s type veth peer name ul1 netns %s && "
			  "ip -n %s addr add 198.18.1.1/30 dev ul0 && ip -n %s addr add "
			  "198.18.1.2/30 dev ul1 && ip -n %s link set ul0 up && ip -n %s link set "
			  "ul1 up && ip -n %s link set lo up && ip -n %s link set lo up",
			  u1, u2, u1, u2, u1, u2, u1, u2) == 0,
	      "user's underlay");
	/* every knob the tuning may touch on the user's devices, before */
	for (int i = 0; i < 2; i++)
		nt_sh(&knobs[i],
		      "ip netns exec %s sh -c 'ethtool -k %s; ethtool -c %s; cat "
		      "/sys/class/net/%s/queues/rx-0/rps_cpus /sys/class/net/%s/threaded; sysctl -a "
		      "2>/dev/null | grep -E \"^net\\.(core|ipv4)\" | grep -v -E \"random|stat|seq\"'",
		      i ? u2 : u1, i ? "ul1" : "ul0", i ? "ul1" : "ul0", i ? "ul1" : "ul0",
		      i ? "ul1" : "ul0");
	{
		VXOFF_OPTS(vxoff_ctx_opts, co, .netns = u1);
		VXOFF_OPTS(vxoff_lab_opts, o, .flags = VXOFF_LAB_F_QUICK,
			   .name = lab_name, .underlay = "ul0", .peer_ns = u2,
			   .peer_addr = "198.18.1.2", .pairs = 1, .duration_ms = 300, .omit_ms = 100);

		CHECK(vxoff_ctx_new(&co, &ctx) == 0, "ctx in %s", u1);
		r = run_lab(ctx, &o, &rep);
		if (r == -ENOSYS)
			printf("SKIP part: underlay run: %s\n", last_msg(ctx));
		else
			CHECK(r == 0, "underlay run: %d %s", r, last_msg(ctx));
	}
	if (rep) {
		VXOFF_OUT(vxoff_lab_summary, s);
		char *js = NULL;
		struct json_object *root = NULL, *ends = NULL;

		CHECK(vxoff_lab_report_summary(rep, &s) == 0 && s.phases == 2 &&
			      s.tput_ratio[0] > 0 && s.tput_ratio[1] > 0,
		      "underlay run: %u phases, ratio %.2f", s.phases, s.tput_ratio[0]);
		if (vxoff_lab_report_json(rep, 0, &js) == 0)
			root = json_tokener_parse(js);
		/* the plans were applied to the user's devices, and restored */
		if (root && json_object_object_get_ex(root, "ends", &ends))
			for (size_t i = 0; i < json_object_array_length(ends); i++) {
				struct json_object *e = json_object_array_get_idx(ends, i), *pl;
				const char *dump;

				json_object_object_get_ex(e, "plan", &pl);
				dump = json_object_to_json_string(pl);
				CHECK(nt_contains(dump, "\"restored\":true") ||
					      !nt_contains(dump, "\"applied\":true"),
				      "end %zu: plan applied, not restored: %s", i, dump);
				printf("underlay run: end %zu plan %s\n", i, dump);
			}
		json_object_put(root);
		vxoff_free(js);
	}
	for (int i = 0; i < 2; i++) {
		struct nt_run now = { 0 };

		nt_sh(&now,
		      "ip netns exec %s sh -c 'ethtool -k %s; ethtool -c %s; cat "
		      "/sys/class/net/%s/queues/rx-0/rps_cpus /sys/class/net/%s/threaded; sysctl -a "
		      "2>/dev/null | grep -E \"^net\\.(core|ipv4)\" | grep -v -E \"random|stat|seq\"'",
		      i ? u2 : u1, i ? "ul1" : "ul0", i ? "ul1" : "ul0", i ? "ul1" : "ul0",
		      i ? "ul1" : "ul0");
		if (knobs[i].out && now.out && strcmp(knobs[i].out, now.out)) {
			const char *a = knobs[i].out, *b = now.out;

			while (*a && *a == *b) /* to the first difference, shown from its line */
				a++, b++;
			while (a > knobs[i].out && a[-1] != '\n')
				a--, b--;
			CHECK(false, "%s: a knob of the user's underlay differs after the run: "
				     "before '%.80s', after '%.80s'",
			      i ? u2 : u1, a, b);
		}
		CHECK(knobs[i].out && knobs[i].out[0] && now.out, "%s: knobs not read", i ? u2 : u1);
		nt_run_free(&now);
		nt_run_free(&knobs[i]);
	}
	/* the lab's VXLAN devices are gone, the user's veth and addresses are as they were */
	for (int i = 0; i < 2; i++) {
		const char *ns = i ? u2 : u1;

		nt_sh(&out, "ip -n %s -br addr", ns);
		CHECK(!nt_contains(out.out, "vxlab") && !nt_contains(out.out, "198.19."),
		      "%s after the run: %s", ns, out.out);
		CHECK(nt_contains(out.out, i ? "198.18.1.2/30" : "198.18.1.1/30") &&
			      nt_contains(out.out, "UP"),
		      "%s: the user's underlay was touched: %s", ns, out.out);
		nt_run_free(&out);
	}
	CHECK(nothing_left(lab_name, why, sizeof(why)), "after the underlay run: %s", why);
	vxoff_lab_report_free(rep);
	vxoff_ctx_free(ctx);
	nt_ns_delete(u1);
	nt_ns_delete(u2);
}

/* ---- SIGTERM at random points ---- */

/* SIGKILL: no handler runs, the state file is all there is; --cleanup must remove it all. */
static void sigkill_runs(const char *cli, unsigned *seed)
{
	int cleaned = 0;

	for (int i = 0; i < 6; i++) {
		char name[96], why[256], out[256];
		long delay_ms = 100 + (long)(rand_r(seed) % 1500);
		struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };
		struct nt_run cr = { 0 };
		pid_t pid;
		int st;

		snprintf(name, sizeof(name), "%s-x%d", lab_name, i);
		snprintf(out, sizeof(out), "%s/x%d", tmpdir, i);
		pid = fork();
		if (pid == 0) {
			int devnull = open("/dev/null", O_WRONLY);

			dup2(devnull, 1);
			dup2(devnull, 2);
			execl(cli, cli, "lab", "--quick", "--pairs", "1", "--duration", "0.3",
			      "--omit", "0.1", "--name", name, "--out", out, "-q", (char *)NULL);
			_exit(127);
		}
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		if (!nothing_left(name, why, sizeof(why)))
			cleaned++;
		CHECK(nt_sh(&cr, "%s lab --cleanup --name %s", cli, name) == 0,
		      "--cleanup after SIGKILL at %ld ms: %s", delay_ms, cr.err);
		nt_run_free(&cr);
		CHECK(nothing_left(name, why, sizeof(why)),
		      "run %d (SIGKILL after %ld ms): after --cleanup %s", i, delay_ms, why);
	}
	printf("SIGKILL runs: 6, %d left something that --cleanup removed\n", cleaned);

	/* once more during the search, after a candidate run: the search's snapshot directory
	 * (recorded in the state file) is restored and removed by --cleanup */
	{
		char name[96], why[256], out[256], log[256];
		struct nt_run cr = { 0 };
		bool seen = false, snaps = false;
		pid_t pid;
		int st;

		snprintf(name, sizeof(name), "%s-s", lab_name);
		snprintf(out, sizeof(out), "%s/s", tmpdir);
		snprintf(log, sizeof(log), "%s/s.log", tmpdir);
		pid = fork();
		if (pid == 0) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, 2);
			execl(cli, cli, "lab", "--quick", "--pairs", "1", "--duration", "0.3",
			      "--omit", "0.1", "--tune", "search", "--budget", "25", "--name", name,
			      "--out", out, (char *)NULL);
			_exit(127);
		}
		/* kill it as soon as a candidate is applied: its snapshot file is there */
		for (int t = 0; t < 1500 && !seen; t++) {
			struct timespec ts = { 0, 20 * 1000000L };
			char dir[256];
			struct dirent *de;
			DIR *d;

			snprintf(dir, sizeof(dir), "/run/vxoff/lab-%s.search", name);
			d = opendir(dir);
			while (d && (de = readdir(d)))
				seen |= strncmp(de->d_name, "vxoff-search-", 13) == 0 &&
					!strstr(de->d_name, ".tmp");
			if (d)
				closedir(d);
			if (!seen)
				nanosleep(&ts, NULL);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		CHECK(seen, "no search snapshot within 30 s (log %s)", log);
		{
			char dir[256];
			struct dirent *de;
			DIR *d;

			snprintf(dir, sizeof(dir), "/run/vxoff/lab-%s.search", name);
			d = opendir(dir);
			while (d && (de = readdir(d)))
				snaps |= strncmp(de->d_name, "vxoff-search-", 13) == 0;
			if (d)
				closedir(d);
		}
		CHECK(nt_sh(&cr, "%s lab --cleanup --name %s", cli, name) == 0,
		      "--cleanup after SIGKILL in the search: %s", cr.err);
		nt_run_free(&cr);
		CHECK(nothing_left(name, why, sizeof(why)),
		      "SIGKILL in the search: after --cleanup %s", why);
		printf("SIGKILL in the search: %s snapshot was left; --cleanup removed it all\n",
		       snaps ? "a" : "no");
	}
}

static void sigterm_runs(void)
{
	const char *cli = getenv("VXOFF_CLI");
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	int finished = 0, stopped = 0, cleaned = 0;

	if (!cli || access(cli, X_OK) < 0) {
		printf("SKIP part: SIGTERM runs: VXOFF_CLI does not name the vxoff binary\n");
		return;
	}
	printf("SIGTERM runs: seed %u\n", seed);
	for (int i = 0; i < 20; i++) {
		char name[96], why[256], out[256];
		pid_t pid;
		int st;
		long delay_ms = (long)(rand_r(&seed) % 1800);
		struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };

		snprintf(name, sizeof(name), "%s-k%d", lab_name, i);
		snprintf(out, sizeof(out), "%s/k%d", tmpdir, i);
		pid = fork();
		if (pid == 0) {
			int devnull = open("/dev/null", O_WRONLY);

			dup2(devnull, 1);
			dup2(devnull, 2);
			execl(cli, cli, "lab", "--quick", "--pairs", "1", "--duration", "0.3",
			      "--omit", "0.1", "--name", name, "--out", out, "-q", (char *)NULL);
			_exit(127);
		}
		nanosleep(&ts, NULL);
		kill(pid, SIGTERM);
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			finished++;
		else
			stopped++;
		if (!nothing_left(name, why, sizeof(why))) {
			/* killed before its handler was in place: --cleanup must remove it all */
			nt_sh_quiet("%s lab --cleanup --name %s >/dev/null", cli, name);
			cleaned++;
			CHECK(nothing_left(name, why, sizeof(why)),
			      "run %d (SIGTERM after %ld ms): after --cleanup %s", i, delay_ms, why);
		}
	}
	printf("SIGTERM runs: %d stopped, %d finished first, %d needed --cleanup\n", stopped,
	       finished, cleaned);
	sigkill_runs(cli, &seed);
}

int main(void)
{
	const char *why = nt_precondition();

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (why) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	if (nt_sh_quiet("modprobe vxlan 2>/dev/null || test -d /sys/module/vxlan") != 0) {
		printf("SKIP: no vxlan module\n");
		return 77;
	}
	snprintf(lab_name, sizeof(lab_name), "vxoff-t%d-lab", (int)getpid());
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vxoff-t%d-lab.XXXXXX", (int)getpid());
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	bad_inputs();
	quick_run();
	search_run();
	stop_from_thread();
	underlay_run();
	sigterm_runs();
	if (!failures)
		nt_sh_quiet("rm -rf %s", tmpdir);
	else
		printf("files kept in %s\n", tmpdir);
	printf("%s: %d failure%s\n", failures ? "FAIL" : "PASS", failures,
	       failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
