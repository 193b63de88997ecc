/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Bench results and comparisons as JSON, schemas "vxoff-bench/1" and "vxoff-bench-compare/1"
 * (docs/bench-json.md), built with json-c.
 *
 * Every figure is read through the public accessors, so the JSON and the C API cannot
 * disagree. A figure an end did not send is null, never 0 or a guess; cycles per byte is a
 * number only when the PMU counted them, else its state and errno say why not.
 *
 * Doubles are written with 10 significant digits (json_object_new_double_s): json-c's own
 * "%.17g" turns 0.1 CPU-seconds into 0.10000000000000001, and its global format switch is
 * process state a library must not touch.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bench/bench_internal.h"

#define SCHEMA "vxoff-bench/1"
#define SCHEMA_CMP "vxoff-bench-compare/1"

/*
 * Builder: the first failed allocation is kept in err and every later add becomes a no-op,
 * so the builders need no error path; the caller checks err once and frees the tree.
 */
struct jb {
	int err;
};

static struct json_object *chk(struct jb *j, struct json_object *o)
{
	if (!o && !j->err)
		j->err = -ENOMEM;
	return o;
}

static void add(struct jb *j, struct json_object *obj, const char *key, struct json_object *v)
{
	if (!obj || j->err) {
		json_object_put(v);
		return;
	}
	/* null is a valid member value: only a failed constructor is an error */
	if (json_object_object_add(obj, key, v) < 0) {
		json_object_put(v);
		j->err = -ENOMEM;
	}
}

static void push(struct jb *j, struct json_object *arr, struct json_object *v)
{
	if (!arr || j->err) {
		json_object_put(v);
		return;
	}
	/* NULL is json null here too */
	if (json_object_array_add(arr, v) < 0) {
		json_object_put(v);
		j->err = -ENOMEM;
	}
}

static struct json_object *jobj(struct jb *j)
{
	return chk(j, json_object_new_object());
}

static struct json_object *jarr(struct jb *j)
{
	return chk(j, json_object_new_array());
}

static struct json_object *ju64(struct jb *j, uint64_t v)
{
	return chk(j, json_object_new_uint64(v));
}

static struct json_object *ji64(struct jb *j, int64_t v)
{
	return chk(j, json_object_new_int64(v));
}

static struct json_object *jbool(struct jb *j, bool v)
{
	return chk(j, json_object_new_boolean(v));
}

static struct json_object *jstr(struct jb *j, const char *s)
{
	return chk(j, json_object_new_string(s ? s : ""));
}

/* A double with 10 significant digits; not finite: null. */
static struct json_object *jdbl(struct jb *j, double v)
{
	char buf[32];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.10g", v);
	return chk(j, json_object_new_double_s(v, buf));
}

/* Microseconds as seconds. */
static struct json_object *jsec(struct jb *j, uint64_t us)
{
	return jdbl(j, (double)us / 1e6);
}

/* ---- one result ---- */

static const char *cc_or_null(const char *cc)
{
	return cc && cc[0] ? cc : NULL;
}

static struct json_object *test_obj(struct jb *j, const struct vxoff_bench_result *res,
				    const struct vxoff_bench_summary *s)
{
	const struct vxoff__bench_params *p = &res->params;
	struct json_object *t = jobj(j);
	const char *cc = cc_or_null(s->congestion), *scc = cc_or_null(s->server_congestion);

	add(j, t, "protocol", jstr(j, p->flags & VXOFF_BENCH_F_UDP ? "udp" : "tcp"));
	add(j, t, "host", jstr(j, res->host));
	add(j, t, "port", ju64(j, res->port));
	add(j, t, "streams", ju64(j, p->streams));
	add(j, t, "duration_ms", ju64(j, p->duration_ms));
	add(j, t, "omit_ms", ju64(j, p->omit_ms));
	add(j, t, "interval_ms", ju64(j, p->interval_ms));
	add(j, t, "len", ju64(j, p->len));
	add(j, t, "rate_bps", ju64(j, p->rate_bps));
	add(j, t, "sndbuf", ju64(j, p->sndbuf));
	add(j, t, "rcvbuf", ju64(j, p->rcvbuf));
	add(j, t, "reverse", jbool(j, p->flags & VXOFF_BENCH_F_REVERSE));
	add(j, t, "zerocopy", jbool(j, p->flags & VXOFF_BENCH_F_ZEROCOPY));
	add(j, t, "zerocopy_refused", jbool(j, s->flags & VXOFF_BENCH_R_ZEROCOPY_OFF));
	add(j, t, "fixed_rate", jbool(j, p->flags & VXOFF_BENCH_F_FIXED_RATE));
	add(j, t, "congestion", cc ? jstr(j, cc) : NULL);
	add(j, t, "server_congestion", scc ? jstr(j, scc) : NULL);
	add(j, t, "server_cpus", p->server_cpus[0] ? jstr(j, p->server_cpus) : NULL);
	add(j, t, "client_kernel", res->client.kernel[0] ? jstr(j, res->client.kernel) : NULL);
	add(j, t, "server_kernel",
	    res->have_server && res->server.kernel[0] ? jstr(j, res->server.kernel) : NULL);
	return t;
}

/* The CPU split of one end or one CPU; per_cpu adds the hottest CPU and the processes. */
static struct json_object *cpu_fields(struct jb *j, const struct vxoff_bench_cpu *c, bool whole)
{
	struct json_object *o = jobj(j);

	if (!whole)
		add(j, o, "cpu", ji64(j, c->cpu));
	/* CPU-seconds over the window */
	add(j, o, "user", jsec(j, c->user_us));
	add(j, o, "nice", jsec(j, c->nice_us));
	add(j, o, "system", jsec(j, c->system_us));
	add(j, o, "irq", jsec(j, c->irq_us));
	add(j, o, "softirq", jsec(j, c->softirq_us));
	add(j, o, "steal", jsec(j, c->steal_us));
	add(j, o, "idle", jsec(j, c->idle_us));
	add(j, o, "iowait", jsec(j, c->iowait_us));
	add(j, o, "busy", jsec(j, c->busy_us));
	add(j, o, "busy_cpus", jdbl(j, c->busy_cpus));
	if (whole) {
		struct json_object *proc = jobj(j), *hot = jobj(j);

		add(j, o, "ncpus", ju64(j, c->ncpus));
		add(j, o, "cpu_s_per_gb", jdbl(j, c->cpu_s_per_gb));
		add(j, proc, "user", jsec(j, c->proc_user_us));
		add(j, proc, "system", jsec(j, c->proc_system_us));
		add(j, o, "process", proc);
		add(j, hot, "cpu", ji64(j, c->hottest_cpu));
		add(j, hot, "busy", jdbl(j, c->hottest_busy));
		add(j, o, "hottest", hot);
	}
	return o;
}

/* One end's CPU, or null when that end sent none. */
static struct json_object *cpu_end(struct jb *j, const struct vxoff_bench_result *res,
				   uint32_t end)
{
	const struct vxoff__end_fig *f =
		end == VXOFF_BENCH_END_CLIENT ? &res->client : &res->server;
	VXOFF_OUT(vxoff_bench_cpu, c);
	struct json_object *o, *per;

	if (vxoff_bench_result_cpu(res, end, -1, &c) < 0)
		return NULL;
	o = cpu_fields(j, &c, true);
	add(j, o, "window_s", jdbl(j, (double)f->cpu.window_ns / 1e9));
	per = jarr(j);
	for (uint32_t i = 0; i < f->cpu.ncpus; i++) {
		VXOFF_OUT(vxoff_bench_cpu, pc);

		if (vxoff_bench_result_cpu(res, end, (int32_t)f->cpu.ids[i], &pc) == 0)
			push(j, per, cpu_fields(j, &pc, false));
	}
	add(j, o, "per_cpu", per);
	return o;
}

static struct json_object *tcp_info_obj(struct jb *j, const struct vxoff_bench_stream *s)
{
	struct json_object *t;

	if (s->tcp_info_state != VXOFF_CAP_YES)
		return NULL;
	t = jobj(j);
	add(j, t, "rtt_us", ju64(j, s->rtt_us));
	add(j, t, "rttvar_us", ju64(j, s->rttvar_us));
	add(j, t, "min_rtt_us", ju64(j, s->min_rtt_us));
	add(j, t, "snd_cwnd", ju64(j, s->snd_cwnd));
	add(j, t, "snd_mss", ju64(j, s->snd_mss));
	add(j, t, "reordering", ju64(j, s->reordering));
	add(j, t, "reord_seen", ju64(j, s->reord_seen));
	add(j, t, "retransmits", ju64(j, s->retransmits));
	add(j, t, "bytes_retrans", ju64(j, s->bytes_retrans));
	add(j, t, "delivery_rate_bps", ju64(j, s->delivery_rate_bps));
	add(j, t, "pacing_rate_bps", ju64(j, s->pacing_rate_bps));
	add(j, t, "busy_time_us", ju64(j, s->busy_time_us));
	add(j, t, "rwnd_limited_us", ju64(j, s->rwnd_limited_us));
	add(j, t, "sndbuf_limited_us", ju64(j, s->sndbuf_limited_us));
	return t;
}

static struct json_object *udp_obj(struct jb *j, uint64_t packets, uint64_t lost, uint64_t ooo,
				   uint64_t dups, bool with_dups, double jitter)
{
	struct json_object *u = jobj(j);
	uint64_t sent = packets + lost;

	add(j, u, "packets", ju64(j, packets));
	add(j, u, "lost", ju64(j, lost));
	add(j, u, "lost_percent", jdbl(j, sent ? 100.0 * (double)lost / (double)sent : 0));
	add(j, u, "out_of_order", ju64(j, ooo));
	if (with_dups)
		add(j, u, "duplicates", ju64(j, dups));
	add(j, u, "jitter_ms", jdbl(j, jitter));
	return u;
}

static struct json_object *streams_arr(struct jb *j, const struct vxoff_bench_result *res)
{
	struct json_object *a = jarr(j);
	bool udp = res->params.flags & VXOFF_BENCH_F_UDP;

	for (uint32_t i = 0; i < vxoff_bench_result_stream_count(res); i++) {
		VXOFF_OUT(vxoff_bench_stream, s);
		struct json_object *o;

		if (vxoff_bench_result_stream(res, i, &s) < 0)
			continue;
		o = jobj(j);
		add(j, o, "id", ju64(j, s.id));
		add(j, o, "client_cpu", s.client_cpu >= 0 ? ji64(j, s.client_cpu) : NULL);
		add(j, o, "server_cpu", s.server_cpu >= 0 ? ji64(j, s.server_cpu) : NULL);
		add(j, o, "bytes_sent", ju64(j, s.bytes_sent));
		add(j, o, "bytes_received", ju64(j, s.bytes_received));
		add(j, o, "throughput_bps", jdbl(j, s.throughput_bps));
		add(j, o, "tcp_info", tcp_info_obj(j, &s));
		add(j, o, "udp",
		    udp ? udp_obj(j, s.udp_packets, s.udp_lost, s.udp_out_of_order,
				  s.udp_duplicates, true, s.udp_jitter_ms)
			: NULL);
		push(j, a, o);
	}
	return a;
}

static struct json_object *interval_fields(struct jb *j, const struct vxoff_bench_interval *v,
					   bool sum)
{
	struct json_object *o = jobj(j);

	if (sum) {
		add(j, o, "index", ju64(j, v->index));
		add(j, o, "start_s", jdbl(j, (double)v->start_ns / 1e9));
		add(j, o, "end_s", jdbl(j, (double)v->end_ns / 1e9));
		add(j, o, "omitted", jbool(j, v->omitted));
	} else {
		add(j, o, "id", ju64(j, v->stream));
	}
	add(j, o, "bytes", ju64(j, v->bytes));
	add(j, o, "throughput_bps", jdbl(j, v->throughput_bps));
	add(j, o, "retransmits", ju64(j, v->retransmits));
	add(j, o, "rtt_us", ju64(j, v->rtt_us));
	add(j, o, "snd_cwnd", ju64(j, v->snd_cwnd));
	if (sum) {
		add(j, o, "client_busy_cpus", jdbl(j, v->client_busy_cpus));
		add(j, o, "server_busy_cpus", jdbl(j, v->server_busy_cpus));
	}
	return o;
}

static struct json_object *intervals_arr(struct jb *j, const struct vxoff_bench_result *res)
{
	struct json_object *a = jarr(j);
	uint32_t ns = vxoff_bench_result_stream_count(res);

	for (uint32_t i = 0; i < vxoff_bench_result_interval_count(res); i++) {
		VXOFF_OUT(vxoff_bench_interval, v);
		struct json_object *o, *per;

		if (vxoff_bench_result_interval(res, i, VXOFF_BENCH_ALL_STREAMS, &v) < 0)
			continue;
		o = interval_fields(j, &v, true);
		per = jarr(j);
		for (uint32_t k = 0; k < ns; k++) {
			VXOFF_OUT(vxoff_bench_stream, st);
			VXOFF_OUT(vxoff_bench_interval, sv);

			if (vxoff_bench_result_stream(res, k, &st) == 0 &&
			    vxoff_bench_result_interval(res, i, st.id, &sv) == 0)
				push(j, per, interval_fields(j, &sv, false));
		}
		add(j, o, "streams", per);
		push(j, a, o);
	}
	return a;
}

static struct json_object *cycles_obj(struct jb *j, const struct vxoff_bench_summary *s)
{
	struct json_object *o = jobj(j);

	switch (s->cycles_state) {
	case VXOFF_CAP_YES:
		add(j, o, "state", jstr(j, "measured"));
		add(j, o, "cycles_per_byte", jdbl(j, s->cycles_per_byte));
		break;
	case VXOFF_CAP_NO: {
		int e = s->cycles_err < 0 ? -s->cycles_err : s->cycles_err;
		const char *why = e ? strerrordesc_np(e) : NULL;

		add(j, o, "state", jstr(j, "unavailable"));
		add(j, o, "cycles_per_byte", NULL);
		add(j, o, "errno", ji64(j, e));
		add(j, o, "error", why ? jstr(j, why) : NULL);
		break;
	}
	default:
		add(j, o, "state", jstr(j, "unknown"));
		add(j, o, "cycles_per_byte", NULL);
		break;
	}
	return o;
}

/* The reproducibility record as recorded, or null when absent or not an object. */
static struct json_object *conditions_obj(struct jb *j, const struct vxoff_bench_result *res)
{
	struct json_object *c;

	if (!res->conditions_json || j->err)
		return NULL;
	c = json_tokener_parse(res->conditions_json);
	if (c && !json_object_is_type(c, json_type_object)) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

/* The whole result as one object (the comparison embeds it). */
static struct json_object *result_obj(struct jb *j, const struct vxoff_bench_result *res)
{
	VXOFF_OUT(vxoff_bench_summary, s);
	struct json_object *o, *cpu, *flags;

	if (vxoff_bench_result_summary(res, &s) < 0) {
		if (!j->err)
			j->err = -EINVAL;
		return NULL;
	}
	o = jobj(j);
	add(j, o, "test", test_obj(j, res, &s));
	add(j, o, "duration_s", jdbl(j, (double)s.duration_ns / 1e9));
	add(j, o, "omit_s", jdbl(j, (double)s.omit_ns / 1e9));
	add(j, o, "intervals_measured", ju64(j, s.intervals));
	add(j, o, "bytes_sent", ju64(j, s.bytes_sent));
	add(j, o, "bytes_received", ju64(j, s.bytes_received));
	add(j, o, "total_sent", ju64(j, s.total_sent));
	add(j, o, "total_received", ju64(j, s.total_received));
	add(j, o, "throughput_bps", jdbl(j, s.throughput_bps));
	add(j, o, "retransmits",
	    (s.flags & VXOFF_BENCH_F_UDP) ? NULL : ju64(j, s.retransmits));
	add(j, o, "udp",
	    (s.flags & VXOFF_BENCH_F_UDP)
		    ? udp_obj(j, s.udp_packets, s.udp_lost, s.udp_out_of_order, 0, false,
			      s.udp_jitter_ms)
		    : NULL);
	flags = jarr(j);
	if (s.flags & VXOFF_BENCH_R_CPU_NOISY)
		push(j, flags, jstr(j, "cpu_noisy"));
	if (s.flags & VXOFF_BENCH_R_ZEROCOPY_OFF)
		push(j, flags, jstr(j, "zerocopy_refused"));
	if (!res->have_server)
		push(j, flags, jstr(j, "no_server_results"));
	add(j, o, "flags", flags);
	cpu = jobj(j);
	add(j, cpu, "client", cpu_end(j, res, VXOFF_BENCH_END_CLIENT));
	add(j, cpu, "server", cpu_end(j, res, VXOFF_BENCH_END_SERVER));
	add(j, o, "cpu", cpu);
	add(j, o, "cycles", cycles_obj(j, &s));
	add(j, o, "streams", streams_arr(j, res));
	add(j, o, "intervals", intervals_arr(j, res));
	add(j, o, "conditions", conditions_obj(j, res));
	return o;
}

/* Print, copy to the heap for vxoff_free(), free the tree. */
static int finish(struct jb *j, struct json_object *root, uint32_t flags, char **ret)
{
	const char *txt;
	int r = 0;

	if (j->err || !root) {
		json_object_put(root);
		return j->err ? j->err : -ENOMEM;
	}
	txt = json_object_to_json_string_ext(root, (flags & VXOFF_JSON_PRETTY)
							   ? JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_SPACED
							   : JSON_C_TO_STRING_PLAIN);
	*ret = txt ? strdup(txt) : NULL;
	if (!*ret)
		r = -ENOMEM;
	json_object_put(root);
	return r;
}

int vxoff_bench_result_json(const struct vxoff_bench_result *res, uint32_t flags, char **ret)
{
	struct jb j = {0};
	struct json_object *root, *body;

	if (!res || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	*ret = NULL;
	root = jobj(&j);
	add(&j, root, "schema", jstr(&j, SCHEMA));
	add(&j, root, "vxoff_version", jstr(&j, vxoff_version_string()));
	body = result_obj(&j, res);
	/* the result's members follow the schema line at the top level */
	if (body && !j.err) {
		json_object_object_foreach(body, key, val)
		{
			add(&j, root, key, json_object_get(val));
		}
	}
	json_object_put(body);
	return finish(&j, root, flags, ret);
}

/* ---- comparisons ---- */

/* What every run of a comparison asked for (the first run's parameters as agreed). */
static struct json_object *params_obj(struct jb *j, const struct vxoff__bench_params *p)
{
	struct json_object *t = jobj(j);

	add(j, t, "protocol", jstr(j, p->flags & VXOFF_BENCH_F_UDP ? "udp" : "tcp"));
	add(j, t, "streams", ju64(j, p->streams));
	add(j, t, "duration_ms", ju64(j, p->duration_ms));
	add(j, t, "omit_ms", ju64(j, p->omit_ms));
	add(j, t, "interval_ms", ju64(j, p->interval_ms));
	add(j, t, "len", ju64(j, p->len));
	add(j, t, "rate_bps", ju64(j, p->rate_bps));
	add(j, t, "reverse", jbool(j, p->flags & VXOFF_BENCH_F_REVERSE));
	add(j, t, "zerocopy", jbool(j, p->flags & VXOFF_BENCH_F_ZEROCOPY));
	add(j, t, "fixed_rate", jbool(j, p->flags & VXOFF_BENCH_F_FIXED_RATE));
	add(j, t, "congestion", p->congestion[0] ? jstr(j, p->congestion) : NULL);
	return t;
}

static struct json_object *stat_obj(struct jb *j, const struct vxoff_stat *s)
{
	struct json_object *o = jobj(j), *ci = jarr(j);

	add(j, o, "n", ju64(j, s->n));
	add(j, o, "method",
	    jstr(j, s->method == VXOFF_STAT_PAIRED_RATIO ? "paired_ratio" : "mean_t"));
	add(j, o, "median", jdbl(j, s->median));
	add(j, o, "min", jdbl(j, s->min));
	add(j, o, "max", jdbl(j, s->max));
	add(j, o, "mean", jdbl(j, s->mean));
	add(j, o, "stddev", jdbl(j, s->stddev));
	push(j, ci, jdbl(j, s->ci_low));
	push(j, ci, jdbl(j, s->ci_high));
	add(j, o, "ci95", ci);
	return o;
}

int vxoff_bench_comparison_json(const struct vxoff_bench_comparison *cmp, uint32_t flags,
				char **ret)
{
	struct jb j = {0};
	struct json_object *root, *arms, *ratios, *runs;

	if (!cmp || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	*ret = NULL;
	root = jobj(&j);
	add(&j, root, "schema", jstr(&j, SCHEMA_CMP));
	add(&j, root, "vxoff_version", jstr(&j, vxoff_version_string()));
	add(&j, root, "pairs", ju64(&j, cmp->pairs));
	add(&j, root, "test", params_obj(&j, &cmp->test));
	add(&j, root, "pause_ms", ju64(&j, cmp->pause_ms));
	add(&j, root, "seed", ju64(&j, cmp->seed));
	arms = jobj(&j);
	for (uint32_t a = 0; a < 2; a++) {
		const struct vxoff__bench_arm *arm = &cmp->arm[a];
		struct json_object *o = jobj(&j), *stats = jobj(&j);

		add(&j, o, "name", jstr(&j, arm->name));
		add(&j, o, "host", jstr(&j, arm->host));
		add(&j, o, "port", ju64(&j, arm->port));
		add(&j, o, "client_netns", arm->client_netns ? jstr(&j, arm->client_netns) : NULL);
		add(&j, o, "server_netns", arm->server_netns ? jstr(&j, arm->server_netns) : NULL);
		add(&j, o, "started_server", jbool(&j, arm->started_server));
		for (uint32_t m = 0; m < VXOFF_BENCH_M_COUNT; m++) {
			VXOFF_OUT(vxoff_stat, s);

			add(&j, stats, vxoff_bench_metric_name(m),
			    vxoff_bench_comparison_stat(cmp, a, m, &s) == 0 ? stat_obj(&j, &s)
									    : NULL);
		}
		add(&j, o, "stats", stats);
		add(&j, arms, a == VXOFF_BENCH_ARM_BASE ? "base" : "cand", o);
	}
	add(&j, root, "arms", arms);
	ratios = jobj(&j);
	for (uint32_t m = 0; m < VXOFF_BENCH_M_COUNT; m++) {
		VXOFF_OUT(vxoff_stat, s);
		VXOFF_OUT(vxoff_stat, b);
		VXOFF_OUT(vxoff_stat, c);
		struct json_object *o;

		if (vxoff_bench_comparison_ratio(cmp, m, &s) < 0) {
			add(&j, ratios, vxoff_bench_metric_name(m), NULL);
			continue;
		}
		o = stat_obj(&j, &s);
		/* the ratio of the two medians shown, beside the paired statistics */
		if (vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_BASE, m, &b) == 0 &&
		    vxoff_bench_comparison_stat(cmp, VXOFF_BENCH_ARM_CAND, m, &c) == 0 &&
		    b.median > 0)
			add(&j, o, "median_ratio", jdbl(&j, c.median / b.median));
		add(&j, ratios, vxoff_bench_metric_name(m), o);
	}
	add(&j, root, "ratios", ratios);
	runs = jarr(&j);
	for (uint32_t p = 0; p < cmp->pairs; p++) {
		struct json_object *o = jobj(&j);

		add(&j, o, "pair", ju64(&j, p));
		add(&j, o, "first", jstr(&j, cmp->cand_first[p] ? "cand" : "base"));
		add(&j, o, "base", result_obj(&j, cmp->arm[VXOFF_BENCH_ARM_BASE].runs[p]));
		add(&j, o, "cand", result_obj(&j, cmp->arm[VXOFF_BENCH_ARM_CAND].runs[p]));
		push(&j, runs, o);
	}
	add(&j, root, "runs", runs);
	return finish(&j, root, flags, ret);
}
