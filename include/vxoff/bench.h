/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/bench.h - throughput and CPU cost per byte on both ends of a test, plain against
 * VXLAN, with honest statistics.
 *
 * A test runs between a client (vxoff_bench_run()) and a server (vxoff_bench_server_*) over
 * vxoff's own control protocol (docs/bench-protocol.md). CPU is the whole system's, per CPU,
 * from /proc/stat over exactly the measured window (warm-up excluded), on both ends; the test
 * processes' own CPU is attribution only. Figures are doubles (IEEE 754 binary64).
 */
#ifndef VXOFF_BENCH_H
#define VXOFF_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include <vxoff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vxoff_bench_server;
struct vxoff_bench_result;	/* one test as both ends measured it */
struct vxoff_bench_comparison;	/* interleaved repeats of two paths */

#define VXOFF_BENCH_DEFAULT_PORT 5301u
#define VXOFF_BENCH_MAX_STREAMS 128u
#define VXOFF_BENCH_MAX_DURATION_MS 86400000u
#define VXOFF_BENCH_MAX_OMIT_MS 600000u
#define VXOFF_BENCH_MAX_LEN (1u << 20)		/* block (TCP) or datagram payload (UDP) */
#define VXOFF_BENCH_MAX_SOCKBUF (512u << 20)

/* ---- server ---- */

#define VXOFF_BENCH_SERVER_F_ONCE (1u << 0)	/* serve one test, then run() returns */
#define VXOFF_BENCH_SERVER_F_ANY_PORT (1u << 1) /* bind port 0: the kernel picks one */

struct vxoff_bench_server_opts {
	uint32_t sz;
	uint32_t flags;		   /* VXOFF_BENCH_SERVER_F_* */
	const char *bind;	   /* numeric address, borrowed; NULL = every address (IPv6+IPv4) */
	uint32_t port;		   /* 0 = VXOFF_BENCH_DEFAULT_PORT */
	uint32_t max_duration_s;   /* policy cap on omit + duration; 0 = 86400 */
	vxoff_log_fn log;	   /* one line per test and per rejected client; NULL = silent */
	void *log_user;
	uint32_t log_level;	   /* most verbose level passed to log; 0 = VXOFF_LOG_INFO */
	uint32_t reserved0;
};
#define VXOFF_BENCH_SERVER_OPTS_SZ_0_1 48u

struct vxoff_bench_server_stats {
	uint32_t sz;
	uint32_t reserved0;
	uint64_t accepted;	  /* control connections accepted */
	uint64_t tests;		  /* tests run to the end */
	uint64_t rejected;	  /* clients refused: busy, version, parameters */
	uint64_t protocol_errors; /* malformed, oversized, late or wrong-cookie peers dropped */
	uint64_t aborted;	  /* tests aborted by either side */
	uint32_t open_fds;	  /* sockets the server holds now, the listeners included */
	uint32_t port;		  /* the port it listens on */
};
#define VXOFF_BENCH_SERVER_STATS_SZ_0_1 56u

/**
 * vxoff_bench_server_new() - bind and listen now, in @ctx's network namespace.
 * @ctx:  context; used only during this call (the server keeps its own sockets).
 * @opts: NULL for defaults.
 * @ret:  on success the server, for vxoff_bench_server_free().
 *
 * Return: 0, -EINVAL (bad address or option), -E2BIG, -EADDRINUSE, -EACCES, -ENOMEM.
 * Since: 0.1
 */
VXOFF_API int vxoff_bench_server_new(struct vxoff_ctx *ctx,
				     const struct vxoff_bench_server_opts *opts,
				     struct vxoff_bench_server **ret);

/**
 * vxoff_bench_server_run() - serve tests, one at a time, until stopped (or after one test
 * with VXOFF_BENCH_SERVER_F_ONCE). A second client gets a busy reply at once; a client that
 * breaks the protocol is logged (one line) and dropped, and the server goes on.
 * @srv: the server; one thread runs it at a time. The log callback runs on this thread.
 *
 * Return: 0 when stopped or done, -EINVAL, -EBUSY (already running), -ENOMEM, or -errno of
 * a failing poll/accept that is not the client's fault.
 * Since: 0.1
 */
VXOFF_API int vxoff_bench_server_run(struct vxoff_bench_server *srv);

/**
 * vxoff_bench_server_stop() - make vxoff_bench_server_run() abort the current test and
 * return. Safe from another thread and from a signal handler (it writes to an eventfd).
 * Return: 0 or -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_bench_server_stop(struct vxoff_bench_server *srv);

/**
 * vxoff_bench_server_stats() - counters of @srv; safe while it runs (relaxed reads).
 * Return: 0 or -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_bench_server_stats(const struct vxoff_bench_server *srv,
				       struct vxoff_bench_server_stats *out);

/** vxoff_bench_server_free() - close every socket; NULL is accepted. Not while running.
 * Since: 0.1 */
VXOFF_API void vxoff_bench_server_free(struct vxoff_bench_server *srv);

/* ---- client ---- */

#define VXOFF_BENCH_F_UDP (1u << 0)	  /* UDP instead of TCP */
#define VXOFF_BENCH_F_REVERSE (1u << 1)	  /* the server sends, the client receives */
#define VXOFF_BENCH_F_ZEROCOPY (1u << 2)  /* MSG_ZEROCOPY on send where the kernel allows it */
#define VXOFF_BENCH_F_FIXED_RATE (1u << 3) /* TCP: pace to rate_bps (SO_MAX_PACING_RATE) */
#define VXOFF_BENCH_F_NO_CONDITIONS (1u << 4) /* skip the probe of the devices used */

/* Flags a result may carry on top of the request's. */
#define VXOFF_BENCH_R_ZEROCOPY_OFF (1u << 16) /* asked for zerocopy, the kernel refused */
#define VXOFF_BENCH_R_CPU_NOISY (1u << 17)    /* window < 1 s or < 100 ticks: CPU coarse */

struct vxoff_bench_opts {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_BENCH_F_* */
	const char *host;	  /* server address, numeric IPv4 or IPv6; borrowed */
	uint32_t port;		  /* 0 = VXOFF_BENCH_DEFAULT_PORT */
	uint32_t streams;	  /* 1 .. 128; 0 = 1 */
	uint32_t duration_ms;	  /* measured time after the warm-up; 0 = 10000 */
	uint32_t omit_ms;	  /* warm-up, excluded from every figure, CPU included */
	uint32_t interval_ms;	  /* report period, 100 .. 60000; 0 = 1000 */
	uint32_t len;		  /* block/payload bytes; 0 = 128 KiB (TCP), path MTU fit (UDP) */
	uint64_t rate_bps;	  /* total target bit rate: UDP, or TCP with FIXED_RATE; 0 = max */
	uint32_t sndbuf;	  /* SO_SNDBUF/SO_RCVBUF bytes; 0 = kernel autotuning */
	uint32_t rcvbuf;
	const char *congestion;	  /* TCP congestion control on both ends; NULL = default */
	const char *cpus;	  /* cpulist: stream i's client thread on its i-th CPU (cycling) */
	const char *server_cpus;  /* the same on the server; NULL = no pinning */
	uint32_t timeout_ms;	  /* connect and handshake deadline; 0 = 5000 */
	uint32_t reserved0;
};
#define VXOFF_BENCH_OPTS_SZ_0_1 88u

/* Ends of a test. */
#define VXOFF_BENCH_END_CLIENT 0u
#define VXOFF_BENCH_END_SERVER 1u

struct vxoff_bench_summary {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_BENCH_F_* as run, plus VXOFF_BENCH_R_* */
	uint32_t streams;
	uint32_t intervals;	  /* measured intervals, omitted ones not counted */
	uint64_t duration_ns;	  /* the measured window, CLOCK_MONOTONIC */
	uint64_t omit_ns;
	uint64_t bytes_sent;	  /* by the sender inside the window */
	uint64_t bytes_received;  /* by the receiver inside the window: the throughput figure */
	uint64_t total_sent;	  /* whole test, warm-up included: equals total_received for TCP */
	uint64_t total_received;
	double throughput_bps;	  /* bytes_received * 8 / window */
	uint64_t retransmits;	  /* TCP, inside the window, all streams */
	uint64_t udp_packets;	  /* UDP datagrams received inside the window */
	uint64_t udp_lost;
	uint64_t udp_out_of_order;
	double udp_jitter_ms;	  /* RFC 3550 estimate, mean over streams */
	uint32_t cycles_state;	  /* VXOFF_CAP_YES: cycles_per_byte measured by the PMU */
	int32_t cycles_err;	  /* -errno of perf_event_open when NO */
	double cycles_per_byte;	  /* both ends' CPUs, 0 unless cycles_state is YES */
	char congestion[16];	  /* client's congestion control */
	char server_congestion[16];
};
#define VXOFF_BENCH_SUMMARY_SZ_0_1 160u

/* CPU over the measured window of one end. cpu = -1: the whole system. */
struct vxoff_bench_cpu {
	uint32_t sz;
	uint32_t end;		  /* VXOFF_BENCH_END_* */
	int32_t cpu;		  /* CPU id, or -1 for the sum over every CPU */
	uint32_t ncpus;		  /* CPUs online during the window */
	uint64_t user_us;	  /* /proc/stat split, in microseconds of CPU time */
	uint64_t nice_us;
	uint64_t system_us;
	uint64_t irq_us;
	uint64_t softirq_us;
	uint64_t steal_us;
	uint64_t idle_us;
	uint64_t iowait_us;
	uint64_t busy_us;	  /* user + nice + system + irq + softirq */
	uint64_t proc_user_us;	  /* the test's own threads (cpu = -1 only) */
	uint64_t proc_system_us;
	double busy_cpus;	  /* busy_us / window: 0 .. ncpus (0 .. 1 for one CPU) */
	double cpu_s_per_gb;	  /* busy CPU-seconds per 10^9 bytes received (cpu = -1 only) */
	int32_t hottest_cpu;	  /* the busiest CPU of this end (cpu = -1 only) */
	uint32_t reserved0;
	double hottest_busy;	  /* its busy fraction, 0 .. 1 */
};
#define VXOFF_BENCH_CPU_SZ_0_1 136u

struct vxoff_bench_stream {
	uint32_t sz;
	uint32_t id;
	int32_t client_cpu;	  /* pinned CPU, -1 = none */
	int32_t server_cpu;
	uint64_t bytes_sent;	  /* inside the window */
	uint64_t bytes_received;
	double throughput_bps;
	/* TCP: TCP_INFO of the sending socket at the end of the window */
	uint32_t tcp_info_state;  /* VXOFF_CAP_YES when the fields below are set */
	uint32_t rtt_us;
	uint32_t rttvar_us;
	uint32_t min_rtt_us;
	uint32_t snd_cwnd;	  /* segments */
	uint32_t snd_mss;
	uint32_t reordering;
	uint32_t reord_seen;
	uint64_t retransmits;	  /* segments retransmitted inside the window */
	uint64_t bytes_retrans;
	uint64_t delivery_rate_bps;
	uint64_t pacing_rate_bps;
	uint64_t busy_time_us;
	uint64_t rwnd_limited_us;
	uint64_t sndbuf_limited_us;
	/* UDP, at the receiver */
	uint64_t udp_packets;
	uint64_t udp_lost;
	uint64_t udp_out_of_order;
	uint64_t udp_duplicates;
	double udp_jitter_ms;
};
#define VXOFF_BENCH_STREAM_SZ_0_1 168u

#define VXOFF_BENCH_ALL_STREAMS 0xffffffffu

struct vxoff_bench_interval {
	uint32_t sz;
	uint32_t index;		  /* 0-based, omitted intervals included */
	uint32_t stream;	  /* stream id, or VXOFF_BENCH_ALL_STREAMS for the sum */
	uint32_t omitted;	  /* 1 = inside the warm-up: in no statistic */
	uint64_t start_ns;	  /* from the start of the test */
	uint64_t end_ns;
	uint64_t bytes;		  /* received by the receiving end in the interval */
	double throughput_bps;
	uint64_t retransmits;	  /* TCP sender */
	uint32_t rtt_us;	  /* TCP sender, end of the interval */
	uint32_t snd_cwnd;
	double client_busy_cpus;  /* whole-system busy CPUs seen by each end in the interval */
	double server_busy_cpus;  /* (0 in live callbacks: the server's arrive at the end) */
};
#define VXOFF_BENCH_INTERVAL_SZ_0_1 80u

/*
 * Called on the calling thread of vxoff_bench_run() at the end of each interval, once per
 * stream and once with VXOFF_BENCH_ALL_STREAMS. Non-zero stops the test (-ECANCELED).
 */
typedef int (*vxoff_bench_interval_fn)(void *user, const struct vxoff_bench_interval *iv);

/**
 * vxoff_bench_run() - run one test against a server.
 * @ctx:  context; its network namespace is where the client's sockets live.
 * @opts: the test; host is required.
 * @fn:   NULL, or called at every interval (live reports).
 * @user: passed to @fn.
 * @ret:  on success the result, for vxoff_bench_result_free().
 *
 * Return: 0, -EINVAL (a bad option, named), -E2BIG, -ECONNREFUSED, -ETIMEDOUT, -EBUSY (the
 * server runs another test; VXOFF_REASON_PEER), -EPROTO (the server broke the protocol),
 * -ENOENT (congestion control unknown on either end), -EAFNOSUPPORT, -ECONNABORTED (the
 * server aborted the test, its reason in the message; VXOFF_REASON_PEER), -ECANCELED, -ENOMEM.
 * Since: 0.1
 */
VXOFF_API int vxoff_bench_run(struct vxoff_ctx *ctx, const struct vxoff_bench_opts *opts,
			      vxoff_bench_interval_fn fn, void *user,
			      struct vxoff_bench_result **ret);

/** vxoff_bench_result_free() - NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_bench_result_free(struct vxoff_bench_result *res);

/** vxoff_bench_result_summary() - totals of the test. Return: 0, -EINVAL. Since: 0.1 */
VXOFF_API int vxoff_bench_result_summary(const struct vxoff_bench_result *res,
					 struct vxoff_bench_summary *out);

/**
 * vxoff_bench_result_cpu() - CPU of one end over the window.
 * @end: VXOFF_BENCH_END_*.
 * @cpu: -1 for the whole end, else a CPU id (a CPU not online then: -ENOENT).
 * Return: 0, -EINVAL, -ENOENT, -ENODATA (that end sent no CPU figures). Since: 0.1
 */
VXOFF_API int vxoff_bench_result_cpu(const struct vxoff_bench_result *res, uint32_t end,
				     int32_t cpu, struct vxoff_bench_cpu *out);

/** vxoff_bench_result_stream_count() - streams in @res (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_bench_result_stream_count(const struct vxoff_bench_result *res);

/** vxoff_bench_result_stream() - one stream. Return: 0, -EINVAL, -ERANGE. Since: 0.1 */
VXOFF_API int vxoff_bench_result_stream(const struct vxoff_bench_result *res, uint32_t idx,
					struct vxoff_bench_stream *out);

/** vxoff_bench_result_interval_count() - intervals of the sum series, omitted included.
 * Since: 0.1 */
VXOFF_API uint32_t vxoff_bench_result_interval_count(const struct vxoff_bench_result *res);

/**
 * vxoff_bench_result_interval() - one interval of one stream or of the sum.
 * @stream: a stream id or VXOFF_BENCH_ALL_STREAMS.
 * Return: 0, -EINVAL, -ERANGE. Since: 0.1
 */
VXOFF_API int vxoff_bench_result_interval(const struct vxoff_bench_result *res, uint32_t idx,
					  uint32_t stream, struct vxoff_bench_interval *out);

/**
 * vxoff_bench_result_json() - the whole result as JSON (docs/bench-json.md).
 * @flags: VXOFF_JSON_PRETTY or 0 (compact); unknown bits: -EINVAL.
 * @ret:   heap string for vxoff_free().
 * Return: 0, -EINVAL, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_bench_result_json(const struct vxoff_bench_result *res, uint32_t flags,
				      char **ret);

/* ---- statistics (context-free, thread-safe) ---- */

#define VXOFF_STAT_MEAN_T 0u	   /* ci_* = mean +- t(0.975, n-1) * s / sqrt(n) */
#define VXOFF_STAT_PAIRED_RATIO 1u /* mean = geometric mean of cand/base; ci_* from a
				    * t-interval on log-ratios; median/min/max of the ratios */

struct vxoff_stat {
	uint32_t sz;
	uint32_t n;
	uint32_t method;	   /* VXOFF_STAT_* */
	uint32_t reserved0;
	double median;
	double min;
	double max;
	double mean;
	double stddev;		   /* sample standard deviation (of log-ratios for a ratio) */
	double ci_low;		   /* 95 % interval; equal to mean when n < 2 */
	double ci_high;
};
#define VXOFF_STAT_SZ_0_1 72u

/**
 * vxoff_stat_summary() - median, min-max, mean and 95 % t-interval of @n values.
 * Return: 0, -EINVAL (NULL, n = 0, a NaN or infinite value). Since: 0.1
 */
VXOFF_API int vxoff_stat_summary(const double *v, uint32_t n, struct vxoff_stat *out);

/**
 * vxoff_stat_paired_ratio() - the paired ratio cand[i] / base[i] of @n pairs.
 * Return: 0, -EINVAL (NULL, n = 0, a value <= 0, NaN or infinite). Since: 0.1
 */
VXOFF_API int vxoff_stat_paired_ratio(const double *base, const double *cand, uint32_t n,
				      struct vxoff_stat *out);

/* ---- comparison of two paths, interleaved ---- */

#define VXOFF_BENCH_PATH_F_START_SERVER (1u << 0) /* run a server in server_netns for it */

struct vxoff_bench_path {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_BENCH_PATH_F_* */
	const char *name;	  /* "plain", "vxlan"; borrowed */
	const char *host;	  /* the server's address on this path */
	const char *client_netns; /* NULL = the context's namespace */
	const char *server_netns; /* with START_SERVER: where it runs (NULL = the context's) */
	uint32_t port;		  /* 0 = default, or the started server's own port */
	uint32_t reserved0;
};
#define VXOFF_BENCH_PATH_SZ_0_1 48u

/* Metrics of a comparison. */
#define VXOFF_BENCH_M_THROUGHPUT 0u	    /* bit/s */
#define VXOFF_BENCH_M_CPU_CLIENT 1u	    /* CPU-s/GB, client end */
#define VXOFF_BENCH_M_CPU_SERVER 2u	    /* CPU-s/GB, server end */
#define VXOFF_BENCH_M_RETRANSMITS 3u	    /* count per run */
#define VXOFF_BENCH_M_HOTTEST_CLIENT 4u	    /* busy fraction of the client's hottest CPU */
#define VXOFF_BENCH_M_HOTTEST_SERVER 5u
#define VXOFF_BENCH_M_COUNT 6u

struct vxoff_bench_compare_opts {
	uint32_t sz;
	uint32_t flags;		   /* none yet, must be 0 */
	const struct vxoff_bench_opts *test; /* every run's options; host/port come from paths */
	const struct vxoff_bench_path *base; /* the baseline arm (plain) */
	const struct vxoff_bench_path *cand; /* the candidate arm (vxlan) */
	uint32_t pairs;		   /* repeats of each arm; 0 = 5 */
	uint32_t pause_ms;	   /* between runs; 0 = none */
	uint64_t seed;		   /* order within each pair (AB or BA); 0 = getrandom() */
};
#define VXOFF_BENCH_COMPARE_OPTS_SZ_0_1 48u

#define VXOFF_BENCH_ARM_BASE 0u
#define VXOFF_BENCH_ARM_CAND 1u

/* After each run: pair index, VXOFF_BENCH_ARM_*, its result (borrowed for the call). Non-zero
 * stops the comparison (-ECANCELED). */
typedef int (*vxoff_bench_progress_fn)(void *user, uint32_t pair, uint32_t arm,
				       const struct vxoff_bench_result *res);

/**
 * vxoff_bench_compare() - run @opts->pairs pairs of tests, the two arms in random order
 * within each pair, and summarise each metric per arm and as a paired ratio cand/base.
 * The random order is the first pair's (from @opts->seed); later pairs alternate it
 * (AB BA AB ...), so that a linear drift weighs on both arms alike. Fewer than 5 pairs:
 * -EINVAL.
 * @ctx: context; servers it starts run on their own threads with their own contexts.
 * @ret: on success the comparison, for vxoff_bench_comparison_free().
 * Return: as vxoff_bench_run(); the message names the arm and the pair that failed.
 * Since: 0.1
 */
VXOFF_API int vxoff_bench_compare(struct vxoff_ctx *ctx,
				  const struct vxoff_bench_compare_opts *opts,
				  vxoff_bench_progress_fn fn, void *user,
				  struct vxoff_bench_comparison **ret);

/** vxoff_bench_comparison_free() - NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_bench_comparison_free(struct vxoff_bench_comparison *cmp);

/** vxoff_bench_comparison_pairs() - pairs run (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_bench_comparison_pairs(const struct vxoff_bench_comparison *cmp);

/**
 * vxoff_bench_comparison_result() - one run, owned by @cmp.
 * Return: 0, -EINVAL, -ERANGE. Since: 0.1
 */
VXOFF_API int vxoff_bench_comparison_result(const struct vxoff_bench_comparison *cmp,
					    uint32_t arm, uint32_t pair,
					    const struct vxoff_bench_result **ret);

/**
 * vxoff_bench_comparison_stat() - one metric of one arm over its runs (VXOFF_STAT_MEAN_T).
 * Return: 0, -EINVAL, -ENODATA (no run has that figure). Since: 0.1
 */
VXOFF_API int vxoff_bench_comparison_stat(const struct vxoff_bench_comparison *cmp, uint32_t arm,
					  uint32_t metric, struct vxoff_stat *out);

/**
 * vxoff_bench_comparison_ratio() - the paired ratio cand/base of one metric.
 * Return: 0, -EINVAL, -ENODATA (a value is 0: no ratio). Since: 0.1
 */
VXOFF_API int vxoff_bench_comparison_ratio(const struct vxoff_bench_comparison *cmp,
					   uint32_t metric, struct vxoff_stat *out);

/** vxoff_bench_metric_name() - "throughput", "cpu_client", ...; "unknown" otherwise.
 * Since: 0.1 */
VXOFF_API const char *vxoff_bench_metric_name(uint32_t metric);

/**
 * vxoff_bench_comparison_json() - every run, every statistic and the ratios as JSON.
 * Return: 0, -EINVAL, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_bench_comparison_json(const struct vxoff_bench_comparison *cmp,
					  uint32_t flags, char **ret);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_BENCH_H */
