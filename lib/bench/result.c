/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Public accessors of a bench result: the figures of both ends combined into what the API
 * reports.
 *
 * Which end says what: bytes received and UDP loss come from the receiving end (the server,
 * or the client with REVERSE), bytes sent and TCP_INFO from the sending end, CPU from each
 * end for itself. The measured window is the receiving end's (its CPU window, taken over the
 * same START-aligned span as its byte counts); without it, the requested duration.
 * An interval is omitted when it starts inside the warm-up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_internal.h"

#define OUT_MIN 8u /* sz and one field: smaller is -EINVAL */

void vxoff__end_fig_free(struct vxoff__end_fig *f)
{
	if (!f)
		return;
	free(f->streams);
	free(f->intervals);
	/* the window's two arrays, freed here so a result needs nothing of cpu.c */
	free(f->cpu.ids);
	free(f->cpu.delta);
	f->cpu.ids = NULL;
	f->cpu.delta = NULL;
	f->cpu.ncpus = 0;
	f->streams = NULL;
	f->intervals = NULL;
	f->nstreams = 0;
	f->nintervals = 0;
}

void vxoff_bench_result_free(struct vxoff_bench_result *res)
{
	if (!res)
		return;
	vxoff__end_fig_free(&res->client);
	vxoff__end_fig_free(&res->server);
	free(res->conditions_json);
	free(res);
}

/* ---- which end is which ---- */

static bool reversed(const struct vxoff_bench_result *res)
{
	return res->params.flags & VXOFF_BENCH_F_REVERSE;
}

/* The end's figures, or NULL when that end sent none. */
static const struct vxoff__end_fig *end_fig(const struct vxoff_bench_result *res, uint32_t end)
{
	if (end == VXOFF_BENCH_END_CLIENT)
		return &res->client;
	if (end == VXOFF_BENCH_END_SERVER && res->have_server)
		return &res->server;
	return NULL;
}

static const struct vxoff__end_fig *receiver(const struct vxoff_bench_result *res)
{
	return end_fig(res, reversed(res) ? VXOFF_BENCH_END_CLIENT : VXOFF_BENCH_END_SERVER);
}

static const struct vxoff__end_fig *sender(const struct vxoff_bench_result *res)
{
	return end_fig(res, reversed(res) ? VXOFF_BENCH_END_SERVER : VXOFF_BENCH_END_CLIENT);
}

static uint64_t window_ns(const struct vxoff_bench_result *res)
{
	const struct vxoff__end_fig *rx = receiver(res), *tx = sender(res);

	if (rx && rx->cpu.window_ns)
		return rx->cpu.window_ns;
	if (tx && tx->cpu.window_ns)
		return tx->cpu.window_ns;
	return (uint64_t)res->params.duration_ms * 1000000u;
}

static double bps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8e9 / (double)ns : 0;
}

/*
 * Stream with that id on an end, or NULL. Both ends usually list the streams in the same
 * order, so the row at hint is tried first: the JSON asks for every stream of every interval,
 * and a scan each time would make that quadratic in the streams.
 */
static const struct vxoff__stream_fig *stream_by_id(const struct vxoff__end_fig *f, uint32_t id,
						    uint32_t hint, uint32_t *idx)
{
	if (!f)
		return NULL;
	if (hint < f->nstreams && f->streams[hint].id == id) {
		if (idx)
			*idx = hint;
		return &f->streams[hint];
	}
	for (uint32_t i = 0; i < f->nstreams; i++)
		if (f->streams[i].id == id) {
			if (idx)
				*idx = i;
			return &f->streams[i];
		}
	return NULL;
}

static uint64_t rx_bytes(const struct vxoff_bench_result *res)
{
	const struct vxoff__end_fig *rx = receiver(res);
	uint64_t sum = 0;

	for (uint32_t i = 0; rx && i < rx->nstreams; i++)
		sum += rx->streams[i].bytes_received;
	return sum;
}

/* ---- summary ---- */

int vxoff_bench_result_summary(const struct vxoff_bench_result *res,
			       struct vxoff_bench_summary *out)
{
	const struct vxoff__end_fig *rx, *tx;
	struct vxoff_bench_summary s;
	uint32_t jitter_n = 0;

	if (!res || !out)
		return -EINVAL;
	rx = receiver(res);
	tx = sender(res);
	memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	s.flags = res->flags | res->params.flags;
	s.streams = res->client.nstreams ? res->client.nstreams : res->params.streams;
	s.intervals = 0;
	for (uint32_t i = 0; i < vxoff_bench_result_interval_count(res); i++) {
		VXOFF_OUT(vxoff_bench_interval, iv);

		if (!vxoff_bench_result_interval(res, i, VXOFF_BENCH_ALL_STREAMS, &iv) &&
		    !iv.omitted)
			s.intervals++;
	}
	s.duration_ns = window_ns(res);
	s.omit_ns = (uint64_t)res->params.omit_ms * 1000000u;
	for (uint32_t i = 0; tx && i < tx->nstreams; i++) {
		s.bytes_sent += tx->streams[i].bytes_sent;
		s.total_sent += tx->streams[i].total_sent;
		s.retransmits += tx->streams[i].retransmits;
	}
	for (uint32_t i = 0; rx && i < rx->nstreams; i++) {
		const struct vxoff__stream_fig *st = &rx->streams[i];

		s.bytes_received += st->bytes_received;
		s.total_received += st->total_received;
		s.udp_packets += st->udp_packets;
		s.udp_lost += st->udp_lost;
		s.udp_out_of_order += st->udp_out_of_order;
		if (st->udp_packets) {
			s.udp_jitter_ms += st->udp_jitter_ms;
			jitter_n++;
		}
	}
	if (jitter_n)
		s.udp_jitter_ms /= jitter_n;
	s.throughput_bps = bps(s.bytes_received, s.duration_ns);
	s.cycles_state = res->cycles_state;
	s.cycles_err = res->cycles_err;
	/* never invented: only what the PMU counted */
	if (res->cycles_state == VXOFF_CAP_YES && s.bytes_received)
		s.cycles_per_byte = res->cycles / (double)s.bytes_received;
	memcpy(s.congestion, res->client.congestion, sizeof(s.congestion));
	s.congestion[sizeof(s.congestion) - 1] = '\0';
	if (res->have_server) {
		memcpy(s.server_congestion, res->server.congestion, sizeof(s.server_congestion));
		s.server_congestion[sizeof(s.server_congestion) - 1] = '\0';
	}
	return vxoff__copy_out(out, &s, sizeof(s), OUT_MIN);
}

/* ---- CPU ---- */

static uint64_t ticks_us(uint64_t ticks, uint32_t hz)
{
	/* USER_HZ is 100 on every Linux ABI; a peer that sent 0 is taken at that */
	return ticks * 1000000u / (hz ? hz : 100u);
}

static uint64_t busy_ticks(const struct vxoff__cpu_ticks *t)
{
	return t->user + t->nice + t->system + t->irq + t->softirq;
}

static void add_ticks(struct vxoff__cpu_ticks *sum, const struct vxoff__cpu_ticks *t)
{
	sum->user += t->user;
	sum->nice += t->nice;
	sum->system += t->system;
	sum->idle += t->idle;
	sum->iowait += t->iowait;
	sum->irq += t->irq;
	sum->softirq += t->softirq;
	sum->steal += t->steal;
}

int vxoff_bench_result_cpu(const struct vxoff_bench_result *res, uint32_t end, int32_t cpu,
			   struct vxoff_bench_cpu *out)
{
	const struct vxoff__end_fig *f;
	const struct vxoff__cpu_window *w;
	struct vxoff__cpu_ticks t;
	struct vxoff_bench_cpu c;
	double win_us;

	if (!res || !out || end > VXOFF_BENCH_END_SERVER || cpu < -1)
		return -EINVAL;
	f = end_fig(res, end);
	if (!f || !f->cpu.ncpus || !f->cpu.delta || !f->cpu.ids)
		return -ENODATA;
	w = &f->cpu;
	memset(&c, 0, sizeof(c));
	memset(&t, 0, sizeof(t));
	c.sz = sizeof(c);
	c.end = end;
	c.cpu = cpu;
	c.hottest_cpu = -1;
	win_us = (double)w->window_ns / 1000.0;
	if (cpu >= 0) {
		uint32_t i;

		for (i = 0; i < w->ncpus && w->ids[i] != (uint32_t)cpu; i++)
			;
		if (i == w->ncpus)
			return -ENOENT;
		t = w->delta[i];
		c.ncpus = 1;
	} else {
		uint64_t hottest = 0;

		for (uint32_t i = 0; i < w->ncpus; i++) {
			uint64_t b = busy_ticks(&w->delta[i]);

			add_ticks(&t, &w->delta[i]);
			if (c.hottest_cpu < 0 || b > hottest) {
				hottest = b;
				c.hottest_cpu = (int32_t)w->ids[i];
			}
		}
		c.ncpus = w->ncpus;
		c.proc_user_us = w->proc_user_us;
		c.proc_system_us = w->proc_system_us;
		c.hottest_busy = win_us > 0 ? (double)ticks_us(hottest, w->hz) / win_us : 0;
		/* tick rounding can put one CPU a tick over the window */
		if (c.hottest_busy > 1)
			c.hottest_busy = 1;
	}
	c.user_us = ticks_us(t.user, w->hz);
	c.nice_us = ticks_us(t.nice, w->hz);
	c.system_us = ticks_us(t.system, w->hz);
	c.irq_us = ticks_us(t.irq, w->hz);
	c.softirq_us = ticks_us(t.softirq, w->hz);
	c.steal_us = ticks_us(t.steal, w->hz);
	c.idle_us = ticks_us(t.idle, w->hz);
	c.iowait_us = ticks_us(t.iowait, w->hz);
	c.busy_us = ticks_us(busy_ticks(&t), w->hz);
	c.busy_cpus = win_us > 0 ? (double)c.busy_us / win_us : 0;
	if (c.busy_cpus > c.ncpus)
		c.busy_cpus = c.ncpus;
	if (cpu < 0) {
		uint64_t bytes = rx_bytes(res);

		/* CPU-seconds per 10^9 bytes; nothing received: no figure (0) */
		c.cpu_s_per_gb = bytes ? ((double)c.busy_us / 1e6) / ((double)bytes / 1e9) : 0;
	}
	return vxoff__copy_out(out, &c, sizeof(c), OUT_MIN);
}

/* ---- streams ---- */

uint32_t vxoff_bench_result_stream_count(const struct vxoff_bench_result *res)
{
	return res ? res->client.nstreams : 0;
}

int vxoff_bench_result_stream(const struct vxoff_bench_result *res, uint32_t idx,
			      struct vxoff_bench_stream *out)
{
	const struct vxoff__stream_fig *cs, *tx, *rx, *ss;
	struct vxoff_bench_stream s;

	if (!res || !out)
		return -EINVAL;
	if (idx >= res->client.nstreams)
		return -ERANGE;
	cs = &res->client.streams[idx];
	ss = stream_by_id(end_fig(res, VXOFF_BENCH_END_SERVER), cs->id, idx, NULL);
	tx = reversed(res) ? ss : cs;
	rx = reversed(res) ? cs : ss;
	memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	s.id = cs->id;
	s.client_cpu = cs->cpu;
	s.server_cpu = ss ? ss->cpu : -1;
	if (tx)
		s.bytes_sent = tx->bytes_sent;
	if (rx) {
		s.bytes_received = rx->bytes_received;
		s.udp_packets = rx->udp_packets;
		s.udp_lost = rx->udp_lost;
		s.udp_out_of_order = rx->udp_out_of_order;
		s.udp_duplicates = rx->udp_duplicates;
		s.udp_jitter_ms = rx->udp_jitter_ms;
	}
	s.throughput_bps = bps(s.bytes_received, window_ns(res));
	if (tx && tx->tcp_info_valid && !(res->params.flags & VXOFF_BENCH_F_UDP)) {
		s.tcp_info_state = VXOFF_CAP_YES;
		s.rtt_us = tx->rtt_us;
		s.rttvar_us = tx->rttvar_us;
		s.min_rtt_us = tx->min_rtt_us;
		s.snd_cwnd = tx->snd_cwnd;
		s.snd_mss = tx->snd_mss;
		s.reordering = tx->reordering;
		s.reord_seen = tx->reord_seen;
		s.retransmits = tx->retransmits;
		s.bytes_retrans = tx->bytes_retrans;
		s.delivery_rate_bps = tx->delivery_rate_bps;
		s.pacing_rate_bps = tx->pacing_rate_bps;
		s.busy_time_us = tx->busy_time_us;
		s.rwnd_limited_us = tx->rwnd_limited_us;
		s.sndbuf_limited_us = tx->sndbuf_limited_us;
	} else if (!(res->params.flags & VXOFF_BENCH_F_UDP)) {
		/* the sender's figures did not arrive */
		s.tcp_info_state = VXOFF_CAP_UNKNOWN;
	} else {
		s.tcp_info_state = VXOFF_CAP_NO;
	}
	return vxoff__copy_out(out, &s, sizeof(s), OUT_MIN);
}

/* ---- intervals ---- */

uint32_t vxoff_bench_result_interval_count(const struct vxoff_bench_result *res)
{
	uint32_t n;

	if (!res)
		return 0;
	n = res->client.nintervals;
	if (res->have_server && res->server.nintervals > n)
		n = res->server.nintervals;
	return n;
}

/* Interval idx of one stream (by its index on that end) or NULL. */
static const struct vxoff__interval_fig *iv_at(const struct vxoff__end_fig *f, uint32_t sidx,
					       uint32_t idx)
{
	if (!f || !f->intervals || idx >= f->nintervals || sidx >= f->nstreams)
		return NULL;
	return &f->intervals[(size_t)sidx * f->nintervals + idx];
}

/* Interval idx of the stream with that id (at row hint, usually) on an end, or NULL. */
static const struct vxoff__interval_fig *iv_of(const struct vxoff__end_fig *f, uint32_t id,
					       uint32_t hint, uint32_t idx)
{
	uint32_t sidx;

	if (!stream_by_id(f, id, hint, &sidx))
		return NULL;
	return iv_at(f, sidx, idx);
}

int vxoff_bench_result_interval(const struct vxoff_bench_result *res, uint32_t idx,
				uint32_t stream, struct vxoff_bench_interval *out)
{
	const struct vxoff__end_fig *rx, *tx, *cl, *sv;
	struct vxoff_bench_interval v;
	uint32_t nrtt = 0;
	uint64_t rtt_sum = 0;
	bool have_span = false, have_rx = false;

	if (!res || !out)
		return -EINVAL;
	if (idx >= vxoff_bench_result_interval_count(res))
		return -ERANGE;
	if (stream != VXOFF_BENCH_ALL_STREAMS && !stream_by_id(&res->client, stream, stream, NULL))
		return -ERANGE;
	rx = receiver(res);
	tx = sender(res);
	cl = &res->client;
	sv = end_fig(res, VXOFF_BENCH_END_SERVER);
	memset(&v, 0, sizeof(v));
	v.sz = sizeof(v);
	v.index = idx;
	v.stream = stream;
	for (uint32_t i = 0; i < cl->nstreams; i++) {
		uint32_t id = cl->streams[i].id;
		const struct vxoff__interval_fig *r, *t;

		if (stream != VXOFF_BENCH_ALL_STREAMS && id != stream)
			continue;
		r = iv_of(rx, id, i, idx);
		t = iv_of(tx, id, i, idx);
		/* the span from the receiving end when it has this interval */
		if (!have_span && (r || t)) {
			v.start_ns = r ? r->start_ns : t->start_ns;
			v.end_ns = r ? r->end_ns : t->end_ns;
			have_span = true;
		}
		if (r) {
			v.bytes += r->bytes;
			have_rx = true;
		}
		if (t) {
			v.retransmits += t->retransmits;
			v.snd_cwnd += t->snd_cwnd;
			if (t->rtt_us) {
				rtt_sum += t->rtt_us;
				nrtt++;
			}
		}
	}
	/* no receiver figures (live, or the server's did not arrive): what was sent */
	if (!have_rx)
		for (uint32_t i = 0; tx && i < cl->nstreams; i++) {
			uint32_t id = cl->streams[i].id;
			const struct vxoff__interval_fig *t = iv_of(tx, id, i, idx);

			if (t && (stream == VXOFF_BENCH_ALL_STREAMS || id == stream))
				v.bytes += t->bytes;
		}
	/* the sum's RTT is the mean over the streams that reported one */
	v.rtt_us = nrtt ? (uint32_t)(rtt_sum / nrtt) : 0;
	v.omitted = v.start_ns < (uint64_t)res->params.omit_ms * 1000000u;
	if (v.end_ns > v.start_ns)
		v.throughput_bps = bps(v.bytes, v.end_ns - v.start_ns);
	/* whole-system CPU is per end, the same for every stream */
	if (cl->nstreams && iv_at(cl, 0, idx))
		v.client_busy_cpus = iv_at(cl, 0, idx)->busy_cpus;
	if (sv && sv->nstreams && iv_at(sv, 0, idx))
		v.server_busy_cpus = iv_at(sv, 0, idx)->busy_cpus;
	return vxoff__copy_out(out, &v, sizeof(v), OUT_MIN);
}

/* ---- one figure for comparisons ---- */

int vxoff__bench_metric(const struct vxoff_bench_result *res, uint32_t metric, double *v)
{
	VXOFF_OUT(vxoff_bench_summary, s);
	VXOFF_OUT(vxoff_bench_cpu, c);
	int r;

	if (!res || !v)
		return -EINVAL;
	switch (metric) {
	case VXOFF_BENCH_M_THROUGHPUT:
	case VXOFF_BENCH_M_RETRANSMITS:
		r = vxoff_bench_result_summary(res, &s);
		if (r < 0)
			return r;
		if (metric == VXOFF_BENCH_M_THROUGHPUT) {
			*v = s.throughput_bps;
			return 0;
		}
		/* UDP has no retransmits, and a TCP sender's figures may be missing */
		if ((res->params.flags & VXOFF_BENCH_F_UDP) || !sender(res))
			return -ENODATA;
		*v = (double)s.retransmits;
		return 0;
	case VXOFF_BENCH_M_CPU_CLIENT:
	case VXOFF_BENCH_M_CPU_SERVER:
	case VXOFF_BENCH_M_HOTTEST_CLIENT:
	case VXOFF_BENCH_M_HOTTEST_SERVER:
		r = vxoff_bench_result_cpu(res,
					   metric == VXOFF_BENCH_M_CPU_CLIENT ||
							   metric == VXOFF_BENCH_M_HOTTEST_CLIENT
						   ? VXOFF_BENCH_END_CLIENT
						   : VXOFF_BENCH_END_SERVER,
					   -1, &c);
		if (r < 0)
			return r;
		if (metric == VXOFF_BENCH_M_CPU_CLIENT || metric == VXOFF_BENCH_M_CPU_SERVER) {
			/* nothing received: no cost per byte */
			if (!rx_bytes(res))
				return -ENODATA;
			*v = c.cpu_s_per_gb;
		} else {
			*v = c.hottest_busy;
		}
		return 0;
	default:
		return -EINVAL;
	}
}
