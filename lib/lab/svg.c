/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's chart as a standalone SVG: throughput (left) and CPU-s/GB per end (right),
 * plain against VXLAN, before and after tuning; bars are medians, whiskers min-max. Every
 * bar has an id ("tput-before-vxlan", "cpu-server-after-plain") and the classes of its
 * series ("bar plain"), so tests and style sheets can find them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab_internal.h"

#define W 960
#define H 480
#define TOP 70
#define BOTTOM 370 /* y of the x axis */

void vxoff__lab_sb_escape(struct vxoff__strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			vxoff__sb_add(sb, "&lt;");
			break;
		case '>':
			vxoff__sb_add(sb, "&gt;");
			break;
		case '&':
			vxoff__sb_add(sb, "&amp;");
			break;
		case '"':
			vxoff__sb_add(sb, "&quot;");
			break;
		case '\'':
			vxoff__sb_add(sb, "&#39;");
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				vxoff__sb_add(sb, "?"); /* not allowed in XML 1.0 */
			else
				vxoff__sb_add(sb, "%c", *s);
		}
	}
}

/* A round top for an axis: 1, 2, 2.5 or 5 times a power of ten. */
static double nice_max(double v)
{
	double p, f;

	if (v <= 0 || !isfinite(v))
		return 1;
	/* the power of ten at or below v, by steps (v is a chart's top: a few steps) */
	for (p = 1; p * 10 <= v;)
		p *= 10;
	while (p > v)
		p /= 10;
	f = v / p;
	f = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
	return f * p;
}

struct panel {
	const char *id;
	const char *title;
	const char *ylabel;
	double x0, x1;	/* plot area */
	double ymax;	/* axis top, in display units */
	double scale;	/* display unit per raw unit */
};

static double ypos(const struct panel *p, double v)
{
	double y = BOTTOM - (v * p->scale) / p->ymax * (BOTTOM - TOP);

	return y < TOP ? TOP : y > BOTTOM ? BOTTOM : y;
}

static void axes(struct vxoff__strbuf *sb, const struct panel *p)
{
	vxoff__sb_add(sb, "<g id=\"%s-axes\" class=\"axes\">\n", p->id);
	vxoff__sb_add(sb, "<text class=\"panel-title\" x=\"%.1f\" y=\"%d\">%s</text>\n",
		      (p->x0 + p->x1) / 2, TOP - 28, p->title);
	vxoff__sb_add(sb, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
		      p->x0, TOP, p->x0, BOTTOM);
	vxoff__sb_add(sb, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
		      p->x0, BOTTOM, p->x1, BOTTOM);
	for (int i = 0; i <= 5; i++) {
		double v = p->ymax * i / 5, y = BOTTOM - (double)(BOTTOM - TOP) * i / 5;

		vxoff__sb_add(sb,
			      "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			      "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%g</text>\n",
			      p->x0, y, p->x1, y, p->x0 - 6, y + 4, v);
	}
	vxoff__sb_add(sb,
		      "<text class=\"axis-label\" transform=\"translate(%.1f %d) rotate(-90)\">"
		      "%s</text>\n</g>\n",
		      p->x0 - 48, (TOP + BOTTOM) / 2, p->ylabel);
}

static void bar(struct vxoff__strbuf *sb, const struct panel *p, const char *id, uint32_t arm,
		double x, double w, const struct vxoff__lab_fig *f)
{
	const char *cls = arm ? "vxlan" : "plain";
	double y = ypos(p, f->median), ylo = ypos(p, f->min), yhi = ypos(p, f->max);
	double cx = x + w / 2;

	vxoff__sb_add(sb,
		      "<rect id=\"%s\" class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		      "height=\"%.1f\" data-median=\"%.6g\" data-min=\"%.6g\" data-max=\"%.6g\">"
		      "<title>%s %s: median %.3g, min %.3g, max %.3g (n=%u)</title></rect>\n",
		      id, cls, x, y, w, BOTTOM - y, f->median * p->scale, f->min * p->scale,
		      f->max * p->scale, cls, p->ylabel, f->median * p->scale, f->min * p->scale,
		      f->max * p->scale, f->n);
	vxoff__sb_add(sb,
		      "<g id=\"%s-range\" class=\"range %s\"><line x1=\"%.1f\" y1=\"%.1f\" "
		      "x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		      "y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
		      id, cls, cx, yhi, cx, ylo, cx - 5, yhi, cx + 5, yhi, cx - 5, ylo, cx + 5, ylo);
	vxoff__sb_add(sb, "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">%.3g</text>\n", cx,
		      (yhi < y ? yhi : y) - 5, f->median * p->scale);
}

/* One panel: groups of (plain, vxlan) bars; metric m per group, phases present. */
static void panel_bars(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep,
		       const struct panel *p, const uint32_t *metrics, uint32_t nmetrics)
{
	static const char *const mid[] = { "tput", "cpu-client", "cpu-server" };
	static const char *const mlabel[] = { "", "client", "server" };
	uint32_t groups = 0, g = 0;
	double gw, bw;

	for (uint32_t ph = 0; ph < 2; ph++)
		if (rep->phase[ph].present)
			groups += nmetrics;
	if (!groups)
		return;
	gw = (p->x1 - p->x0) / groups;
	bw = gw * 0.3;
	for (uint32_t ph = 0; ph < 2; ph++) {
		if (!rep->phase[ph].present)
			continue;
		for (uint32_t k = 0; k < nmetrics; k++, g++) {
			uint32_t m = metrics[k];
			double gx = p->x0 + g * gw;
			char id[64];

			for (uint32_t arm = 0; arm < 2; arm++) {
				snprintf(id, sizeof(id), "%s-%s-%s", mid[m],
					 ph ? "after" : "before", arm ? "vxlan" : "plain");
				bar(sb, p, id, arm, gx + gw * 0.18 + arm * (bw + gw * 0.04), bw,
				    &rep->phase[ph].arm[arm][m]);
			}
			vxoff__sb_add(sb,
				      "<text class=\"group\" x=\"%.1f\" y=\"%d\">%s%s%s</text>\n"
				      "<text class=\"ratio\" x=\"%.1f\" y=\"%d\">VXLAN/plain %.2f"
				      "</text>\n<text class=\"ratio\" x=\"%.1f\" y=\"%d\">"
				      "(%.2f-%.2f)</text>\n",
				      gx + gw / 2, BOTTOM + 18, mlabel[m], m ? ", " : "",
				      ph ? "after tuning" : "before tuning", gx + gw / 2, BOTTOM + 33,
				      rep->phase[ph].ratio[m].median, gx + gw / 2, BOTTOM + 46,
				      rep->phase[ph].ratio[m].min, rep->phase[ph].ratio[m].max);
		}
	}
}

static double panel_max(const struct vxoff_lab_report *rep, const uint32_t *metrics,
			uint32_t n, double scale)
{
	double mx = 0;

	for (uint32_t ph = 0; ph < 2; ph++)
		for (uint32_t k = 0; rep->phase[ph].present && k < n; k++)
			for (uint32_t a = 0; a < 2; a++) {
				double v = rep->phase[ph].arm[a][metrics[k]].max * scale;

				if (v > mx)
					mx = v;
			}
	return nice_max(mx * 1.08);
}

int vxoff__lab_svg(const struct vxoff_lab_report *rep, struct vxoff__strbuf *sb, bool inline_)
{
	static const uint32_t tput[] = { 0 }, cpu[] = { 1, 2 };
	struct panel pt = { "throughput", "Throughput", "Throughput (Gbit/s)", 90, 330, 0, 1e-9 };
	struct panel pc = { "cpu", "CPU cost per byte, each end",
			    "CPU-s/GB (busy CPU-seconds per 10^9 bytes)", 450, 930, 0, 1 };

	pt.ymax = panel_max(rep, tput, 1, pt.scale);
	pc.ymax = panel_max(rep, cpu, 2, pc.scale);
	if (!inline_)
		vxoff__sb_add(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	vxoff__sb_add(sb,
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"vxoff-lab-chart\" "
		      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		      "aria-labelledby=\"chart-title\">\n",
		      W, H, W, H);
	vxoff__sb_add(sb,
		      "<style>\n"
		      "text{font-family:sans-serif;font-size:12px;fill:#222}\n"
		      ".panel-title{font-size:15px;font-weight:bold;text-anchor:middle}\n"
		      ".tick{text-anchor:end}.axis-label{text-anchor:middle;font-size:12px}\n"
		      ".group,.ratio,.value{text-anchor:middle}.ratio{font-size:11px;fill:#555}\n"
		      ".axis{stroke:#222;stroke-width:1.2}.grid{stroke:#ddd;stroke-width:1}\n"
		      ".bar.plain{fill:#4e79a7}.bar.vxlan{fill:#f28e2b}\n"
		      ".range line{stroke:#222;stroke-width:1.5}\n"
		      "</style>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	vxoff__sb_add(sb, "<text id=\"chart-title\" class=\"panel-title\" x=\"%d\" y=\"20\">",
		      W / 2);
	vxoff__sb_add(sb, "vxoff lab: plain vs VXLAN, underlay MTU %u, %u stream%s, %u pairs",
		      rep->ul_mtu, rep->streams, rep->streams == 1 ? "" : "s", rep->pairs);
	vxoff__sb_add(sb, " (bars: median, whiskers: min-max)</text>\n");
	axes(sb, &pt);
	axes(sb, &pc);
	vxoff__sb_add(sb, "<g id=\"series\">\n");
	panel_bars(sb, rep, &pt, tput, 1);
	panel_bars(sb, rep, &pc, cpu, 2);
	vxoff__sb_add(sb, "</g>\n");
	vxoff__sb_add(sb,
		      "<g id=\"legend\" class=\"legend\">"
		      "<rect class=\"bar plain\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\"/>"
		      "<text x=\"%d\" y=\"%d\">plain (underlay)</text>"
		      "<rect class=\"bar vxlan\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\"/>"
		      "<text x=\"%d\" y=\"%d\">VXLAN (overlay)</text>"
		      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#222\"/>"
		      "<text x=\"%d\" y=\"%d\">min-max of %u runs</text></g>\n",
		      W / 2 - 250, H - 40, W / 2 - 230, H - 28, W / 2 - 90, H - 40, W / 2 - 70,
		      H - 28, W / 2 + 70, H - 40, W / 2 + 70, H - 26, W / 2 + 80, H - 28, rep->pairs);
	vxoff__sb_add(sb, "</svg>\n");
	return sb->err;
}

int vxoff_lab_report_svg(const struct vxoff_lab_report *rep, char **ret)
{
	struct vxoff__strbuf sb;
	int r;

	if (!rep || !ret)
		return -EINVAL;
	vxoff__sb_init(&sb);
	r = vxoff__lab_svg(rep, &sb, false);
	if (r < 0) {
		vxoff__sb_free(&sb);
		return r;
	}
	*ret = vxoff__sb_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}
