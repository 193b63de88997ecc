/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's chart as a standalone SVG: throughput (left) and CPU-s/GB per end (right),
 * plain against VXLAN, before and after tuning; bars are medians, whiskers min-max. Every
 * bar has an id ("tput-before-vxlan", "cpu-server-after-plain") and the classes of its
 * series ("bar plain"), so tests and style sheets can find them. After a search, a third
 * panel below shows each trial: a bar from 1.0 to its ratio candidate/baseline, the 95 %
 * interval as an error bar ("trial-3", "trial-3-ci", classes "bar trial kept").
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
/* the trial panel, below the others when a search ran */
#define T_TOP (H + 50)
#define T_BOTTOM (H + 250)
#define T_H 360 /* height it adds */
#define T_X0 90.0
#define T_X1 930.0

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

struct tscale {
	double lo, hi;
};

static double ty(const struct tscale *s, double v)
{
	double y = T_BOTTOM - (v - s->lo) / (s->hi - s->lo) * (T_BOTTOM - T_TOP);

	return y < T_TOP ? T_TOP : y > T_BOTTOM ? T_BOTTOM : y;
}

static bool measured(const struct vxoff__lab_trial *t)
{
	return t->ratio > 0 && isfinite(t->ratio) && t->pairs > 0;
}

/* The search's trials: one bar per trial from 1.0 to its ratio, the interval as whiskers. */
static void trial_panel(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	const struct vxoff__lab_tuning *tu = &rep->tuning;
	static const double steps[] = { 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10 };
	struct tscale sc = { 0.9, 1.1 };
	double gw, bw, step = 10;
	int nticks;

	for (uint32_t i = 0; i < tu->ntrials; i++) {
		const struct vxoff__lab_trial *t = &tu->trials[i];
		double lo = t->ci_low > 0 && isfinite(t->ci_low) ? t->ci_low : t->ratio;
		double hi = t->ci_high > 0 && isfinite(t->ci_high) ? t->ci_high : t->ratio;

		if (!measured(t))
			continue;
		if (lo < sc.lo)
			sc.lo = lo;
		if (hi > sc.hi)
			sc.hi = hi;
	}
	/* a little room, and at most 6 ticks at a round step */
	sc.lo -= 0.03;
	sc.hi += 0.03;
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
		if ((sc.hi - sc.lo) / steps[k] <= 6) {
			step = steps[k];
			break;
		}
	sc.lo = floor(sc.lo / step) * step;
	sc.hi = ceil(sc.hi / step) * step;
	if (sc.lo < 0)
		sc.lo = 0;
	nticks = (int)lround((sc.hi - sc.lo) / step);
	vxoff__sb_add(sb, "<g id=\"trials-axes\" class=\"axes\">\n");
	vxoff__sb_add(sb,
		      "<text class=\"panel-title\" x=\"%.1f\" y=\"%d\">Search: %s "
		      "candidate/baseline per trial (mean of %u paired ratios, whiskers: 95%% "
		      "interval)</text>\n",
		      (T_X0 + T_X1) / 2, T_TOP - 22, tu->objective ? tu->objective : "the objective",
		      tu->pairs);
	vxoff__sb_add(sb, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
		      T_X0, T_TOP, T_X0, T_BOTTOM);
	vxoff__sb_add(sb, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
		      T_X0, T_BOTTOM, T_X1, T_BOTTOM);
	for (int i = 0; i <= nticks; i++) {
		double v = sc.lo + step * i, y = ty(&sc, v);

		vxoff__sb_add(sb,
			      "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			      "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%.2f</text>\n",
			      T_X0, y, T_X1, y, T_X0 - 6, y + 4, v);
	}
	vxoff__sb_add(sb,
		      "<text class=\"axis-label\" transform=\"translate(%.1f %d) rotate(-90)\">"
		      "ratio candidate/baseline</text>\n"
		      "<text class=\"axis-label\" x=\"%.1f\" y=\"%d\">trial (candidate change, in "
		      "the order tried)</text>\n</g>\n",
		      T_X0 - 48, (T_TOP + T_BOTTOM) / 2, (T_X0 + T_X1) / 2, T_BOTTOM + 58);
	vxoff__sb_add(sb,
		      "<line id=\"trial-unity\" class=\"unity\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		      "y2=\"%.1f\"><title>1.0: no change</title></line>\n",
		      T_X0, ty(&sc, 1), T_X1, ty(&sc, 1));
	vxoff__sb_add(sb, "<g id=\"trials\">\n");
	if (!tu->ntrials) {
		vxoff__sb_add(sb,
			      "<text class=\"group\" x=\"%.1f\" y=\"%.1f\">no trial: %s</text>\n",
			      (T_X0 + T_X1) / 2, ty(&sc, 1) - 8,
			      tu->error ? "the search failed (see the page)"
					: "no candidate, or the budget held none");
		vxoff__sb_add(sb, "</g>\n");
		return;
	}
	gw = (T_X1 - T_X0) / tu->ntrials;
	bw = gw * 0.5 < 60 ? gw * 0.5 : 60;
	for (uint32_t i = 0; i < tu->ntrials; i++) {
		const struct vxoff__lab_trial *t = &tu->trials[i];
		const char *cls = vxoff__lab_outcome_name(t->outcome);
		double cx = T_X0 + gw * (i + 0.5), y1 = ty(&sc, 1);

		if (measured(t)) {
			double y = ty(&sc, t->ratio);
			double ylo = ty(&sc, t->ci_low > 0 ? t->ci_low : t->ratio);
			double yhi = ty(&sc, t->ci_high > 0 ? t->ci_high : t->ratio);

			vxoff__sb_add(sb,
				      "<rect id=\"trial-%u\" class=\"bar trial %s\" x=\"%.1f\" "
				      "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" data-ratio=\"%.6g\" "
				      "data-ci-low=\"%.6g\" data-ci-high=\"%.6g\"><title>",
				      i, cls, cx - bw / 2, y < y1 ? y : y1, bw,
				      fabs(y1 - y) < 1 ? 1 : fabs(y1 - y), t->ratio, t->ci_low,
				      t->ci_high);
			vxoff__lab_sb_escape(sb, t->name);
			vxoff__sb_add(sb, ": %s (%s), ratio %.3f, 95%% interval %.3f-%.3f, "
					  "%.3g -> %.3g Gbit/s</title></rect>\n",
				      cls, vxoff__lab_why_name(t->why), t->ratio, t->ci_low,
				      t->ci_high, t->base_bps / 1e9, t->cand_bps / 1e9);
			vxoff__sb_add(sb,
				      "<g id=\"trial-%u-ci\" class=\"ci %s\"><line x1=\"%.1f\" "
				      "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" "
				      "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><line x1=\"%.1f\" "
				      "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
				      i, cls, cx, yhi, cx, ylo, cx - 6, yhi, cx + 6, yhi, cx - 6, ylo,
				      cx + 6, ylo);
			vxoff__sb_add(sb,
				      "<text class=\"value\" x=\"%.1f\" y=\"%.1f\">%.2f</text>\n", cx,
				      (yhi < y ? yhi : y) - 5, t->ratio);
		} else {
			vxoff__sb_add(sb,
				      "<text id=\"trial-%u\" class=\"trial %s value\" x=\"%.1f\" "
				      "y=\"%.1f\">not measured</text>\n",
				      i, cls, cx, y1 - 6);
		}
		vxoff__sb_add(sb, "<text class=\"group\" x=\"%.1f\" y=\"%d\">", cx,
			      T_BOTTOM + 18);
		vxoff__lab_sb_escape(sb, t->name);
		vxoff__sb_add(sb,
			      "</text>\n<text class=\"ratio\" x=\"%.1f\" y=\"%d\">%s (%s)</text>\n",
			      cx, T_BOTTOM + 33, cls, vxoff__lab_why_name(t->why));
	}
	vxoff__sb_add(sb, "</g>\n");
}

int vxoff__lab_svg(const struct vxoff_lab_report *rep, struct vxoff__strbuf *sb, bool inline_)
{
	static const uint32_t tput[] = { 0 }, cpu[] = { 1, 2 };
	struct panel pt = { "throughput", "Throughput", "Throughput (Gbit/s)", 90, 330, 0, 1e-9 };
	struct panel pc = { "cpu", "CPU cost per byte, each end",
			    "CPU-s/GB (busy CPU-seconds per 10^9 bytes)", 450, 930, 0, 1 };

	bool trials = rep->tuning.mode == VXOFF_LAB_TUNE_SEARCH;
	int h = H + (trials ? T_H : 0);

	pt.ymax = panel_max(rep, tput, 1, pt.scale);
	pc.ymax = panel_max(rep, cpu, 2, pc.scale);
	if (!inline_)
		vxoff__sb_add(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	vxoff__sb_add(sb,
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"vxoff-lab-chart\" "
		      "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		      "aria-labelledby=\"chart-title\">\n",
		      W, h, W, h);
	vxoff__sb_add(sb,
		      "<style>\n"
		      "text{font-family:sans-serif;font-size:12px;fill:#222}\n"
		      ".panel-title{font-size:15px;font-weight:bold;text-anchor:middle}\n"
		      ".tick{text-anchor:end}.axis-label{text-anchor:middle;font-size:12px}\n"
		      ".group,.ratio,.value{text-anchor:middle}.ratio{font-size:11px;fill:#555}\n"
		      ".axis{stroke:#222;stroke-width:1.2}.grid{stroke:#ddd;stroke-width:1}\n"
		      ".bar.plain{fill:#4e79a7}.bar.vxlan{fill:#f28e2b}\n"
		      ".range line{stroke:#222;stroke-width:1.5}\n"
		      ".bar.trial.kept{fill:#59a14f}.bar.trial.reverted{fill:#bab0ac}"
		      ".bar.trial.final{fill:#76b7b2}.bar.trial.unfinished{fill:#e15759}\n"
		      ".ci line{stroke:#222;stroke-width:1.5}"
		      ".unity{stroke:#a31515;stroke-width:1.5;stroke-dasharray:6 3}\n"
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
	if (trials)
		trial_panel(sb, rep);
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
