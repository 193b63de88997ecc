/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's page: one self-contained HTML file (inline CSS, the chart as inline SVG, no
 * scripts, nothing fetched) saying in words what was measured, whether VXLAN reached its aim
 * against plain traffic, what the tuning plan changed and why, and, where the aim is missed,
 * which CPUs were busy on each end, which is what limits it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vxoff/probe.h>
#include <vxoff/search.h>

#include "lab_internal.h"

static void esc(struct vxoff__strbuf *sb, const char *s)
{
	vxoff__lab_sb_escape(sb, s ? s : "");
}

static void fig(struct vxoff__strbuf *sb, const struct vxoff__lab_fig *f, double scale,
		int prec)
{
	char a[32], b[32], c[32];

	if (!f->n) {
		vxoff__sb_add(sb, "<td>n/a</td>");
		return;
	}
	/* prec < 0: 3 significant digits, else that many decimals */
	if (prec < 0) {
		snprintf(a, sizeof(a), "%.3g", f->median * scale);
		snprintf(b, sizeof(b), "%.3g", f->min * scale);
		snprintf(c, sizeof(c), "%.3g", f->max * scale);
	} else {
		snprintf(a, sizeof(a), "%.*f", prec, f->median * scale);
		snprintf(b, sizeof(b), "%.*f", prec, f->min * scale);
		snprintf(c, sizeof(c), "%.*f", prec, f->max * scale);
	}
	vxoff__sb_add(sb, "<td>%s <span class=\"range\">(%s&ndash;%s)</span></td>", a, b, c);
}

static void summary_table(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	static const char *const what[] = { "Throughput, Gbit/s", "CPU-s/GB, client (sender)",
					     "CPU-s/GB, server (receiver)" };

	vxoff__sb_add(sb, "<table id=\"summary\"><thead><tr><th>Phase</th><th>Figure</th>"
			  "<th>plain</th><th>VXLAN</th><th>VXLAN/plain (per pair)</th>"
			  "<th>aim</th></tr></thead><tbody>\n");
	for (uint32_t p = 0; p < 2; p++) {
		const struct vxoff__lab_phase *ph = &rep->phase[p];

		if (!ph->present)
			continue;
		for (uint32_t m = 0; m < VXOFF__LAB_METRICS; m++) {
			bool ok = m == 0 ? ph->ratio[m].median >= VXOFF__LAB_AIM_TPUT
					 : ph->ratio[m].median <= VXOFF__LAB_AIM_CPU;

			vxoff__sb_add(sb, "<tr><td>%s</td><td>%s</td>",
				      p ? "after tuning" : "before tuning", what[m]);
			fig(sb, &ph->arm[0][m], m ? 1 : 1e-9, -1);
			fig(sb, &ph->arm[1][m], m ? 1 : 1e-9, -1);
			fig(sb, &ph->ratio[m], 1, 2);
			vxoff__sb_add(sb, "<td class=\"%s\">%s %.2f</td></tr>\n",
				      ok ? "ok" : "miss", m ? "&le;" : "&ge;",
				      m ? VXOFF__LAB_AIM_CPU : VXOFF__LAB_AIM_TPUT);
		}
	}
	vxoff__sb_add(sb, "</tbody></table>\n");
}

static void verdict_words(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	uint32_t last = vxoff__lab_last_phase(rep);
	const struct vxoff__lab_phase *ph = &rep->phase[last];
	bool reached = vxoff__lab_aim_reached(rep);

	vxoff__sb_add(sb, "<section id=\"verdict\" class=\"%s\"><h2>Verdict</h2>\n",
		      reached ? "reached" : "missed");
	if (!ph->present) {
		vxoff__sb_add(sb, "<p>No measurement finished.</p></section>\n");
		return;
	}
	vxoff__sb_add(sb,
		      "<p>%s, VXLAN carried <strong>%.0f%%</strong> of the plain throughput "
		      "(median of %u paired runs, %.2f&ndash;%.2f) and cost <strong>%.2f&times;"
		      "</strong> the CPU per byte on the sending end and <strong>%.2f&times;"
		      "</strong> on the receiving end.</p>\n",
		      !last ? "Untuned"
		      : rep->ends[0].applied || rep->ends[1].applied
			      ? "After tuning"
		      : rep->tuning.mode == VXOFF_LAB_TUNE_SEARCH && !rep->tuning.error
			      ? "In the second measurement (the search kept no change: it is of "
				"the untuned state again)"
			      : "In the second measurement (the tuning could not be applied: see "
				"the plan below)",
		      ph->ratio[0].median * 100, ph->pairs,
		      ph->ratio[0].min, ph->ratio[0].max, ph->ratio[1].median, ph->ratio[2].median);
	if (last && rep->phase[0].present)
		vxoff__sb_add(sb,
			      "<p>Before tuning the throughput ratio was %.2f and the CPU-s/GB ratios "
			      "%.2f (client) and %.2f (server): tuning changed the throughput ratio "
			      "by %+.2f.</p>\n",
			      rep->phase[0].ratio[0].median, rep->phase[0].ratio[1].median,
			      rep->phase[0].ratio[2].median,
			      ph->ratio[0].median - rep->phase[0].ratio[0].median);
	vxoff__sb_add(sb,
		      "<p>The aim is a throughput ratio of at least %.2f and a CPU-s/GB ratio of "
		      "at most %.2f on both ends: it is <strong>%s</strong>.</p></section>\n",
		      VXOFF__LAB_AIM_TPUT, VXOFF__LAB_AIM_CPU, reached ? "reached" : "not reached");
}

static void ends_section(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	vxoff__sb_add(sb, "<section id=\"readiness\"><h2>VXLAN readiness of each end</h2>\n");
	for (int i = 0; i < 2; i++) {
		const struct vxoff__lab_end *e = &rep->ends[i];

		vxoff__sb_add(sb, "<h3>%s end: ", i ? "Server (receiving)" : "Client (sending)");
		esc(sb, e->vxlan);
		vxoff__sb_add(sb, " over ");
		esc(sb, e->underlay);
		if (e->netns) {
			vxoff__sb_add(sb, " in namespace ");
			esc(sb, e->netns);
		}
		vxoff__sb_add(sb, " &mdash; verdict <span class=\"verdict\">%s</span></h3><ul>\n",
			      vxoff_verdict_name(e->verdict));
		for (uint32_t k = 0; k < e->nreasons; k++) {
			vxoff__sb_add(sb, "<li class=\"sev-");
			esc(sb, e->reasons[k].severity);
			vxoff__sb_add(sb, "\"><code>");
			esc(sb, e->reasons[k].name);
			vxoff__sb_add(sb, "</code> ");
			esc(sb, e->reasons[k].text);
			vxoff__sb_add(sb, "</li>\n");
		}
		if (!e->nreasons)
			vxoff__sb_add(sb, "<li>no reasons reported</li>\n");
		vxoff__sb_add(sb, "</ul>\n");
	}
	vxoff__sb_add(sb, "</section>\n");
}

static void plan_section(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	vxoff__sb_add(sb, "<section id=\"plan\"><h2>Tuning plan</h2>\n");
	if (rep->flags & VXOFF_LAB_F_NO_TUNE) {
		vxoff__sb_add(sb, "<p>Tuning was skipped (--no-tune).</p></section>\n");
		return;
	}
	if (rep->tuning.mode == VXOFF_LAB_TUNE_SEARCH) {
		vxoff__sb_add(sb, "<p>The plan of each end is what the measured search kept "
				  "(below): it stayed applied for the second measurement and was "
				  "then restored from the snapshots taken before each change.</p>\n");
	} else {
		vxoff__sb_add(sb, "<p>Profile <code>");
		esc(sb, rep->profile);
		vxoff__sb_add(sb, "</code> was planned on both ends, applied as one transaction "
				  "per end, measured, and then restored from the snapshot taken "
				  "before the first change.</p>\n");
	}
	if (rep->tuning.note) {
		vxoff__sb_add(sb, "<p id=\"tune-mode\">Tuning mode <code>%s</code>: ",
			      vxoff__lab_tune_mode_name(rep->tuning.mode));
		esc(sb, rep->tuning.note);
		vxoff__sb_add(sb, ".</p>\n");
	}
	for (int i = 0; i < 2; i++) {
		const struct vxoff__lab_end *e = &rep->ends[i];

		vxoff__sb_add(sb, "<h3>%s end (%s)</h3>\n", i ? "Server" : "Client",
			      !e->planned ? "not planned"
			      : rep->tuning.mode == VXOFF_LAB_TUNE_SEARCH && !e->nplan
				      ? "the search kept nothing"
			      : e->applied ? (e->restored ? "applied, then restored"
							  : "applied, restore failed")
					   : "planned, not applied");
		if (e->tune_error) {
			vxoff__sb_add(sb, "<p class=\"miss\">");
			esc(sb, e->tune_error);
			vxoff__sb_add(sb, "</p>\n");
		}
		if (e->planned && !e->nplan)
			vxoff__sb_add(sb, rep->tuning.mode == VXOFF_LAB_TUNE_SEARCH
						  ? "<p>The search kept no change on this end.</p>\n"
						  : "<p>Nothing to change: every knob of the profile "
						    "was already at its target.</p>\n");
		if (!e->nplan)
			continue;
		vxoff__sb_add(sb, "<table class=\"plan\"><thead><tr><th>knob</th><th>device</th>"
				  "<th>from</th><th>to</th><th>why</th><th>expected gain</th>"
				  "</tr></thead><tbody>\n");
		for (uint32_t k = 0; k < e->nplan; k++) {
			const struct vxoff__lab_plan_item *p = &e->plan[k];

			vxoff__sb_add(sb, "<tr%s><td>", p->advice ? " class=\"advice\"" : "");
			esc(sb, p->kind);
			if (p->key) {
				vxoff__sb_add(sb, " ");
				esc(sb, p->key);
			}
			if (p->index >= 0)
				vxoff__sb_add(sb, " [%d]", p->index);
			vxoff__sb_add(sb, "</td><td>");
			esc(sb, p->dev);
			vxoff__sb_add(sb, "</td><td>");
			esc(sb, p->current);
			vxoff__sb_add(sb, "</td><td>");
			esc(sb, p->target);
			vxoff__sb_add(sb, "</td><td>");
			esc(sb, p->reason);
			if (p->advice)
				vxoff__sb_add(sb, " (advice only, not applied)");
			vxoff__sb_add(sb, "</td><td>");
			esc(sb, p->gain);
			vxoff__sb_add(sb, "</td></tr>\n");
		}
		vxoff__sb_add(sb, "</tbody></table>\n");
	}
	vxoff__sb_add(sb, "</section>\n");
}

static const char *why_words(uint32_t why)
{
	switch (why) {
	case VXOFF_SEARCH_WHY_GAIN:
		return "the whole 95% interval lies above 1: a proven gain";
	case VXOFF_SEARCH_WHY_NOISE:
		return "the 95% interval contains 1: no effect beyond the noise";
	case VXOFF_SEARCH_WHY_LOSS:
		return "the whole 95% interval lies below 1: a proven loss";
	case VXOFF_SEARCH_WHY_TOO_FEW:
		return "too few usable pairs to decide";
	case VXOFF_SEARCH_WHY_FAILED:
		return "the change or one of its runs failed";
	case VXOFF_SEARCH_WHY_STOPPED:
		return "the run was stopped before its pairs were done";
	default:
		return "no decision";
	}
}

/* Each step of the search in words: candidate, medians, ratio and interval, the decision. */
static void search_section(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	const struct vxoff__lab_tuning *tu = &rep->tuning;

	if (tu->mode != VXOFF_LAB_TUNE_SEARCH)
		return;
	vxoff__sb_add(sb,
		      "<section id=\"search\"><h2>The search, step by step</h2>\n<p>Starting "
		      "from the untuned testbed, one candidate change at a time was applied on "
		      "both ends and measured against the current state in %u interleaved A/B "
		      "pairs of %.1f s (after %.1f s warm-up) over VXLAN. A change was kept only "
		      "when the 95%% interval of the paired %s ratio candidate/baseline lay "
		      "entirely above 1; kept changes stayed for the next candidates. Budget %u "
		      "s. The last step (<code>final</code>) measures the start state against "
		      "everything kept.</p>\n",
		      tu->pairs, tu->duration_ms / 1000.0, tu->omit_ms / 1000.0,
		      tu->objective ? tu->objective : "objective", tu->budget_s);
	if (tu->error) {
		vxoff__sb_add(sb, "<p class=\"miss\">The search failed, and put the start state "
				  "back: ");
		esc(sb, tu->error);
		vxoff__sb_add(sb, "</p>\n");
	}
	if (!tu->ntrials) {
		vxoff__sb_add(sb, "<p>No trial ran: no candidate differed from the current "
				  "state, or the budget did not hold one trial and the final "
				  "check.</p></section>\n");
		return;
	}
	vxoff__sb_add(sb, "<ol id=\"trials-words\">\n");
	for (uint32_t i = 0; i < tu->ntrials; i++) {
		const struct vxoff__lab_trial *t = &tu->trials[i];

		vxoff__sb_add(sb, "<li class=\"%s\"><code>", vxoff__lab_outcome_name(t->outcome));
		esc(sb, t->name);
		vxoff__sb_add(sb, "</code> (");
		esc(sb, t->change);
		vxoff__sb_add(sb, "): ");
		if (t->pairs && t->ratio > 0)
			vxoff__sb_add(sb,
				      "median throughput %.2f Gbit/s baseline, %.2f Gbit/s with "
				      "the change, paired ratio %.3f (95%% interval %.3f&ndash;%.3f, "
				      "%u pairs): ",
				      t->base_bps / 1e9, t->cand_bps / 1e9, t->ratio, t->ci_low,
				      t->ci_high, t->pairs);
		else
			vxoff__sb_add(sb, "not measured: ");
		if (t->outcome == VXOFF_SEARCH_FINAL)
			vxoff__sb_add(sb, "<strong>%s</strong> the start state (%s).",
				      t->why == VXOFF_SEARCH_WHY_LOSS ? "worse than"
				      : t->why == VXOFF_SEARCH_WHY_GAIN
					      ? "better than"
					      : "not measurably different from",
				      why_words(t->why));
		else
			vxoff__sb_add(sb, "<strong>%s</strong>, because %s.",
				      vxoff__lab_outcome_name(t->outcome), why_words(t->why));
		if (t->message && *t->message) {
			vxoff__sb_add(sb, " <span class=\"range\">");
			esc(sb, t->message);
			vxoff__sb_add(sb, "</span>");
		}
		vxoff__sb_add(sb, "</li>\n");
	}
	vxoff__sb_add(sb, "</ol>\n");
	if (tu->bench_cpus[0] && tu->bench_cpus[0][0])
		vxoff__sb_add(sb, "<p>The search kept pinning the test threads (client CPU %s, "
				  "server CPU %s); the second measurement used it.</p>\n",
			      tu->bench_cpus[0], tu->bench_cpus[1] ? tu->bench_cpus[1] : "any");
	vxoff__sb_add(sb, "</section>\n");
}

/* Mean busy fraction of each CPU over an arm's runs of one phase, per end. */
static void cpu_section(struct vxoff__strbuf *sb, const struct vxoff_lab_report *rep)
{
	uint32_t last = vxoff__lab_last_phase(rep);
	const struct vxoff__lab_phase *ph = &rep->phase[last];

	if (!ph->present)
		return;
	vxoff__sb_add(sb,
		      "<section id=\"cpus\"><h2>What limits it: per-CPU busy time</h2>\n"
		      "<p>The aim is missed. These are the mean busy shares of every CPU during the "
		      "measured windows (%s), per end and per path. A CPU near 100%% is the "
		      "bottleneck: VXLAN adds encapsulation, checksums and, without tunnel "
		      "offload, segmentation in software on the sending CPU, and the receive "
		      "work (decapsulation, GRO) on the receiving one. The figures are the whole "
		      "system's, other load included; on a veth testbed both ends share this "
		      "host's CPUs, so each end sees the whole machine.</p>\n",
		      last ? "after tuning" : "untuned");
	for (uint32_t end = 0; end < 2; end++) {
		uint32_t ncpus = 0;
		double hottest_vx;

		for (uint32_t a = 0; a < 2; a++)
			for (uint32_t k = 0; k < ph->pairs; k++)
				if (ph->runs[a][k].ncpus[end] > ncpus)
					ncpus = ph->runs[a][k].ncpus[end];
		vxoff__sb_add(sb, "<h3>%s end</h3>\n", end ? "Server (receiving)" : "Client (sending)");
		if (!ncpus) {
			vxoff__sb_add(sb, "<p>This end sent no per-CPU figures.</p>\n");
			continue;
		}
		vxoff__sb_add(sb, "<table class=\"cpus\" id=\"cpus-%s\"><thead><tr><th>path</th>",
			      end ? "server" : "client");
		for (uint32_t c = 0; c < ncpus; c++)
			vxoff__sb_add(sb, "<th>CPU %u</th>", c);
		vxoff__sb_add(sb, "<th>hottest CPU (median)</th></tr></thead><tbody>\n");
		hottest_vx = 0;
		for (uint32_t a = 0; a < 2; a++) {
			double hot[128];
			uint32_t nh = 0;
			struct vxoff__lab_fig hf;

			vxoff__sb_add(sb, "<tr><td>%s</td>", a ? "VXLAN" : "plain");
			for (uint32_t c = 0; c < ncpus; c++) {
				double sum = 0;
				uint32_t n = 0;

				for (uint32_t k = 0; k < ph->pairs; k++) {
					const struct vxoff__lab_run *r = &ph->runs[a][k];

					if (r->cpu_busy[end] && c < r->ncpus[end]) {
						sum += r->cpu_busy[end][c];
						n++;
					}
				}
				sum = n ? sum / n : 0;
				vxoff__sb_add(sb,
					      "<td><div class=\"meter\"><div style=\"width:%.0f%%\">"
					      "</div></div>%.0f%%</td>",
					      sum * 100, sum * 100);
			}
			for (uint32_t k = 0; k < ph->pairs && nh < 128; k++)
				hot[nh++] = ph->runs[a][k].hottest[end];
			hf = vxoff__lab_fig_of(hot, nh);
			if (a)
				hottest_vx = hf.median;
			vxoff__sb_add(sb, "<td>%.0f%% busy</td></tr>\n", hf.median * 100);
		}
		vxoff__sb_add(sb, "</tbody></table>\n");
		if (hottest_vx >= 0.9)
			vxoff__sb_add(sb,
				      "<p class=\"limit\">CPU-bound: in the VXLAN runs the busiest CPU "
				      "of this end was %.0f%% busy, so every cycle VXLAN adds per byte "
				      "is throughput lost.</p>\n",
				      hottest_vx * 100);
		else
			vxoff__sb_add(sb,
				      "<p class=\"limit\">No CPU of this end was saturated in the "
				      "VXLAN runs (busiest %.0f%%): the limit lies elsewhere (waiting "
				      "on the other end, windows, drops or retransmits).</p>\n",
				      hottest_vx * 100);
	}
	vxoff__sb_add(sb, "</section>\n");
}

int vxoff_lab_report_html(const struct vxoff_lab_report *rep, char **ret)
{
	struct vxoff__strbuf sb;

	if (!rep || !ret)
		return -EINVAL;
	vxoff__sb_init(&sb);
	vxoff__sb_add(&sb,
		      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		      "<title>vxoff lab: VXLAN against plain traffic</title>\n<style>\n"
		      "body{font-family:sans-serif;max-width:1000px;margin:1.5em auto;"
		      "padding:0 1em;color:#222;background:#fff;line-height:1.4}\n"
		      "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em}\n"
		      "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ccc;"
		      "padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f2f2f2}\n"
		      ".range{color:#666;font-size:.9em}.ok{color:#17692a}.miss{color:#a31515}\n"
		      "#verdict{padding:.3em 1em;border-left:6px solid #a31515;background:#fbeeee}\n"
		      "#verdict.reached{border-color:#17692a;background:#eef8ef}\n"
		      ".meter{width:80px;height:10px;background:#eee;display:inline-block;"
		      "margin-right:.4em}.meter div{height:10px;background:#c0392b}\n"
		      ".advice{color:#666}code{background:#f4f4f4;padding:0 .2em}\n"
		      "</style></head><body>\n<h1>vxoff lab: what VXLAN costs against plain "
		      "traffic</h1>\n");
	vxoff__sb_add(&sb, "<p id=\"conditions\">Testbed <code>");
	esc(&sb, rep->testbed);
	vxoff__sb_add(&sb, "</code> named <code>");
	esc(&sb, rep->name);
	vxoff__sb_add(&sb,
		      "</code>, started %s, kernel %s, %u CPUs. Underlay MTU %u, VXLAN MTU %u, "
		      "VNI %u, UDP port %u. %u TCP stream%s, %u interleaved pairs of %.1f s "
		      "(after %.1f s warm-up)%s. Throughput is what the receiver got; CPU-s/GB is "
		      "busy CPU-seconds of the whole end (/proc/stat) per 10<sup>9</sup> bytes.</p>\n",
		      rep->started ? rep->started : "?", rep->kernel ? rep->kernel : "?",
		      rep->ncpus, rep->ul_mtu, rep->ov_mtu, rep->vni, rep->port, rep->streams,
		      rep->streams == 1 ? "" : "s", rep->pairs, rep->duration_ms / 1000.0,
		      rep->omit_ms / 1000.0,
		      rep->flags & VXOFF_LAB_F_NO_TNL_OFFLOAD
			      ? "; tunnel segmentation offload turned off on the sending veth to "
				"emulate a NIC without VXLAN offload"
			      : "");
	verdict_words(&sb, rep);
	vxoff__sb_add(&sb, "<section id=\"chart\"><h2>Figures</h2>\n");
	vxoff__lab_svg(rep, &sb, true);
	summary_table(&sb, rep);
	vxoff__sb_add(&sb, "</section>\n");
	ends_section(&sb, rep);
	plan_section(&sb, rep);
	search_section(&sb, rep);
	if (!vxoff__lab_aim_reached(rep))
		cpu_section(&sb, rep);
	vxoff__sb_add(&sb, "<p class=\"range\">Made by vxoff lab; every figure is in "
			   "report.json.</p>\n</body></html>\n");
	if (sb.err) {
		vxoff__sb_free(&sb);
		return -ENOMEM;
	}
	*ret = vxoff__sb_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}
