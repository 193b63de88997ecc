/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Internals of the bench capability, shared by its files only.
 *
 * Files and what they own:
 *   proto.c   frames, hello, TLV codec and validation of every message (docs/bench-protocol.md)
 *   cpu.c     /proc/stat and /proc/self/task sampling, per-CPU deltas
 *   server.c  the server loop; stream.c the data path of both ends; client.c vxoff_bench_run()
 *   result.c  public accessors, summary figures; json.c the result/comparison JSON
 *   stats.c   vxoff_stat_*; compare.c vxoff_bench_compare()
 */
#ifndef VXOFF_LIB_BENCH_INTERNAL_H
#define VXOFF_LIB_BENCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vxoff/bench.h>

#include "netlink/core.h"

/* ---- protocol constants (docs/bench-protocol.md) ---- */

#define VXOFF__BENCH_MAGIC "VXOF"
#define VXOFF__BENCH_MAJOR 1u
#define VXOFF__BENCH_MINOR 0u
#define VXOFF__BENCH_HELLO_LEN 16u
#define VXOFF__BENCH_FRAME_HDR 8u		/* u32 length (payload), u16 type, u16 flags */
#define VXOFF__BENCH_MAX_PARAMS (8u << 10)	/* PARAMS, PARAMS_OK, ERR, START, ABORT */
#define VXOFF__BENCH_MAX_RESULTS (1u << 20)	/* RESULTS (whole message) */
#define VXOFF__BENCH_COOKIE_LEN 16u
#define VXOFF__BENCH_HELLO_MS 3000u
#define VXOFF__BENCH_PARAMS_MS 5000u
#define VXOFF__BENCH_STREAMS_MS 10000u
#define VXOFF__BENCH_COOKIE_MS 2000u
#define VXOFF__BENCH_RESULTS_MS 10000u
#define VXOFF__BENCH_IDLE_MS 5000u
#define VXOFF__BENCH_GRACE_MS 10000u
#define VXOFF__BENCH_ACCEPT_BUDGET 8u		/* connections before the handshake */
#define VXOFF__BENCH_MAX_CPUS 4096u		/* CPU ids a peer may report */
#define VXOFF__BENCH_MAX_INTERVALS 4096u	/* intervals a peer may report per series */

enum vxoff__bench_msg {
	VXOFF__BENCH_MSG_PARAMS = 1,	/* client -> server */
	VXOFF__BENCH_MSG_PARAMS_OK = 2, /* server -> client: effective values + cookie + ports */
	VXOFF__BENCH_MSG_ERR = 3,	/* either way: code, reason text, retry_after_ms */
	VXOFF__BENCH_MSG_START = 4,	/* client -> server when every stream is connected */
	VXOFF__BENCH_MSG_RESULTS = 5,	/* both ways at the end */
	VXOFF__BENCH_MSG_ABORT = 6,	/* either way: reason text */
	VXOFF__BENCH_MSG_DONE = 7,	/* both ways, before an orderly close */
	VXOFF__BENCH_MSG_MAX = 7,
};

/* ERR codes (wire values, append-only). */
enum vxoff__bench_err {
	VXOFF__BENCH_ERR_VERSION = 1,
	VXOFF__BENCH_ERR_BUSY = 2,
	VXOFF__BENCH_ERR_PARAM = 3,	/* text names the parameter */
	VXOFF__BENCH_ERR_CC = 4,	/* congestion control unknown here */
	VXOFF__BENCH_ERR_POLICY = 5,	/* beyond the server's policy (max duration) */
	VXOFF__BENCH_ERR_INTERNAL = 6,
	VXOFF__BENCH_ERR_AF = 7,	/* address family not served */
};

/* ---- what the client asks (validated identically on both ends) ---- */

struct vxoff__bench_params {
	uint32_t flags;		/* VXOFF_BENCH_F_UDP | REVERSE | ZEROCOPY | FIXED_RATE */
	uint32_t streams;	/* 1 .. 128 */
	uint32_t duration_ms;	/* 1 .. VXOFF_BENCH_MAX_DURATION_MS */
	uint32_t omit_ms;	/* 0 .. VXOFF_BENCH_MAX_OMIT_MS */
	uint32_t interval_ms;	/* 100 .. 60000 */
	uint32_t len;		/* 1 .. VXOFF_BENCH_MAX_LEN */
	uint64_t rate_bps;	/* 0 = unlimited */
	uint32_t sndbuf;	/* 0 .. VXOFF_BENCH_MAX_SOCKBUF */
	uint32_t rcvbuf;
	char congestion[16];	/* "" = default; [a-z0-9_-] only */
	char server_cpus[256];	/* "" = no pinning; a cpulist */
};

/* PARAMS_OK: the server's effective values. */
struct vxoff__bench_accept {
	struct vxoff__bench_params params; /* after the server's policy */
	uint8_t cookie[VXOFF__BENCH_COOKIE_LEN];
	uint32_t data_port;	/* port the data connections (TCP) or datagrams (UDP) go to */
	uint32_t server_ncpus;
	char server_congestion[16]; /* what the server's sockets will use */
};

/* ERR */
struct vxoff__bench_error {
	uint32_t code;		/* VXOFF__BENCH_ERR_* */
	uint32_t retry_after_ms;
	char text[256];
};

/* ---- figures of one end ---- */

/* /proc/stat fields of one CPU, in USER_HZ ticks. */
struct vxoff__cpu_ticks {
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};

/* A /proc/stat sample: one row per CPU present in the file. */
struct vxoff__cpu_sample {
	uint32_t ncpus;
	uint32_t *ids;			/* CPU ids, ascending */
	struct vxoff__cpu_ticks *ticks;
	uint64_t proc_user_us;		/* this process's threads (getrusage RUSAGE_SELF) */
	uint64_t proc_system_us;
	uint64_t mono_ns;		/* CLOCK_MONOTONIC when taken */
};

/* The difference of two samples: what an end reports. */
struct vxoff__cpu_window {
	uint32_t ncpus;			/* CPUs present in both samples */
	uint32_t hz;			/* USER_HZ used to convert ticks */
	uint32_t *ids;
	struct vxoff__cpu_ticks *delta;
	uint64_t proc_user_us;
	uint64_t proc_system_us;
	uint64_t window_ns;
};

struct vxoff__stream_fig {
	uint32_t id;
	int32_t cpu;			/* pinned CPU on this end, -1 = none */
	uint64_t bytes_sent;		/* inside the window */
	uint64_t bytes_received;
	uint64_t total_sent;		/* whole test */
	uint64_t total_received;
	/* TCP_INFO of this end's socket at the end of the window (sender side matters) */
	uint32_t tcp_info_valid;
	uint32_t rtt_us, rttvar_us, min_rtt_us, snd_cwnd, snd_mss, reordering, reord_seen;
	uint64_t retransmits;		/* delta of tcpi_total_retrans over the window */
	uint64_t bytes_retrans, delivery_rate_bps, pacing_rate_bps;
	uint64_t busy_time_us, rwnd_limited_us, sndbuf_limited_us;
	/* UDP receiver */
	uint64_t udp_packets, udp_lost, udp_out_of_order, udp_duplicates;
	double udp_jitter_ms;
};

/* One interval of one stream on one end. */
struct vxoff__interval_fig {
	uint64_t start_ns, end_ns;	/* from START */
	uint64_t bytes;			/* sent (sender end) or received (receiver end) */
	uint64_t retransmits;
	uint32_t rtt_us, snd_cwnd;
	double busy_cpus;		/* whole system, this end, 0 if not sampled */
};

struct vxoff__end_fig {
	uint32_t nstreams;
	uint32_t nintervals;		/* per stream; the same for every stream */
	struct vxoff__stream_fig *streams;
	struct vxoff__interval_fig *intervals; /* nstreams * nintervals, stream-major */
	struct vxoff__cpu_window cpu;	/* over the measured window */
	char congestion[16];
	char kernel[65];		/* uname release */
	uint8_t reserved[7];
};

void vxoff__end_fig_free(struct vxoff__end_fig *f); /* frees members, not f */

/* ---- the result object ---- */

struct vxoff_bench_result {
	struct vxoff__bench_params params;
	uint32_t flags;			/* params.flags | VXOFF_BENCH_R_* */
	uint32_t port;
	char host[64];
	struct vxoff__end_fig client;
	struct vxoff__end_fig server;
	bool have_server;		/* the server's RESULTS arrived */
	uint32_t cycles_state;
	int32_t cycles_err;
	double cycles;			/* PMU cycles over the window, both ends (one machine) */
	char *conditions_json;		/* json-c text of the reproducibility record, or NULL */
};

/* ---- proto.c: framing and codec ---- */

/* Hello: 16 bytes: magic, u16 major, u16 minor, u32 capability bits, u32 max frame. */
void vxoff__bench_hello_encode(uint8_t out[VXOFF__BENCH_HELLO_LEN], uint32_t max_frame);
/* 0, -EPROTO (bad magic), -EPROTONOSUPPORT (other major; *major set). */
int vxoff__bench_hello_decode(const uint8_t in[VXOFF__BENCH_HELLO_LEN], uint16_t *major,
			      uint16_t *minor, uint32_t *max_frame);

/* Encoders return a heap frame (header included) of *len bytes, or NULL on ENOMEM. */
uint8_t *vxoff__bench_encode_params(const struct vxoff__bench_params *p, size_t *len);
uint8_t *vxoff__bench_encode_accept(const struct vxoff__bench_accept *a, size_t *len);
uint8_t *vxoff__bench_encode_error(const struct vxoff__bench_error *e, size_t *len);
uint8_t *vxoff__bench_encode_start(uint64_t server_mono_ns, size_t *len);
uint8_t *vxoff__bench_encode_abort(const char *reason, size_t *len);
uint8_t *vxoff__bench_encode_done(size_t *len);
uint8_t *vxoff__bench_encode_results(const struct vxoff__end_fig *f, size_t *len);

/* Decoders take one frame's payload (after the 8-byte header) and validate every attribute:
 * type, length, range. On failure: -EPROTO (malformed) or -EINVAL (a value out of range), and
 * why (naming the attribute) in errbuf. */
int vxoff__bench_decode_params(const void *payload, size_t len, struct vxoff__bench_params *p,
			       char *errbuf, size_t errlen);
int vxoff__bench_decode_accept(const void *payload, size_t len, struct vxoff__bench_accept *a,
			       char *errbuf, size_t errlen);
int vxoff__bench_decode_error(const void *payload, size_t len, struct vxoff__bench_error *e,
			      char *errbuf, size_t errlen);
int vxoff__bench_decode_start(const void *payload, size_t len, uint64_t *server_mono_ns,
			      char *errbuf, size_t errlen);
int vxoff__bench_decode_abort(const void *payload, size_t len, char *reason, size_t cap,
			      char *errbuf, size_t errlen);
/* f is zeroed first; on failure nothing is left allocated. */
int vxoff__bench_decode_results(const void *payload, size_t len, struct vxoff__end_fig *f,
				char *errbuf, size_t errlen);
/* Range checks of PARAMS shared by client (before sending) and server (after decoding). */
int vxoff__bench_params_check(const struct vxoff__bench_params *p, char *errbuf,
			      size_t errlen);

/* Frame I/O on a blocking-or-not socket with a deadline (CLOCK_MONOTONIC ns, 0 = none) and a
 * stop fd (-1 = none) that aborts the wait when readable. */
int vxoff__bench_write_all(int fd, const void *buf, size_t len, uint64_t deadline_ns,
			   int stop_fd);
int vxoff__bench_read_all(int fd, void *buf, size_t len, uint64_t deadline_ns, int stop_fd);
/* Read one frame: the header is checked against max_payload (per type: PARAMS cap, RESULTS
 * cap) before any allocation; *payload is heap (free()), *type its type. 0, -EPROTO (length
 * 0 or over the cap, unknown type), -ETIMEDOUT, -ECONNRESET (EOF), -ECANCELED (stop_fd). */
int vxoff__bench_read_frame(int fd, uint64_t deadline_ns, int stop_fd, uint16_t *type,
			    uint8_t **payload, size_t *len);
/* The same, with why it failed in errbuf ("frame of type 1: 4294967295 bytes, over the cap of
 * 8192"), for the one log line a refused peer gets. */
int vxoff__bench_read_frame_why(int fd, uint64_t deadline_ns, int stop_fd, uint16_t *type,
				uint8_t **payload, size_t *len, char *errbuf, size_t errlen);

uint64_t vxoff__mono_ns(void);

/* ---- cpu.c ---- */

/* Read /proc/stat (procfs_root, NULL = "/proc") and this process's CPU. */
int vxoff__cpu_sample_read(const char *procfs_root, struct vxoff__cpu_sample *s);
void vxoff__cpu_sample_free(struct vxoff__cpu_sample *s);
/* end - start over CPUs present in both; a counter that went backwards counts 0. */
int vxoff__cpu_window_diff(const struct vxoff__cpu_sample *start,
			   const struct vxoff__cpu_sample *end, struct vxoff__cpu_window *w);
void vxoff__cpu_window_free(struct vxoff__cpu_window *w);
/* Busy CPUs (user+nice+system+irq+softirq) of a window: 0 .. ncpus. */
double vxoff__cpu_window_busy(const struct vxoff__cpu_window *w);

/* ---- result.c: figures shared by result.c, json.c and compare.c ---- */

/* One VXOFF_BENCH_M_* figure of a run: 0, -EINVAL (unknown metric), -ENODATA (not in it). */
int vxoff__bench_metric(const struct vxoff_bench_result *res, uint32_t metric, double *v);

/* ---- compare.c: the comparison object ---- */

struct vxoff__bench_arm {
	char *name;			/* "plain", "vxlan" */
	char *host;
	char *client_netns;		/* NULL = the caller's context */
	char *server_netns;
	uint32_t port;			/* the port its runs used */
	uint32_t started_server;	/* 1: compare ran a server for this arm */
	struct vxoff_bench_result **runs; /* [pairs] */
	struct vxoff_stat stat[VXOFF_BENCH_M_COUNT];
	int stat_err[VXOFF_BENCH_M_COUNT]; /* 0, or -ENODATA: no run has the figure */
};

struct vxoff_bench_comparison {
	uint32_t pairs;
	uint32_t pause_ms;
	uint64_t seed;
	uint8_t *cand_first;		/* [pairs]: 1 = the candidate ran first in that pair */
	struct vxoff__bench_arm arm[2];	/* VXOFF_BENCH_ARM_* */
	struct vxoff_stat ratio[VXOFF_BENCH_M_COUNT];
	int ratio_err[VXOFF_BENCH_M_COUNT];
	struct vxoff__bench_params test; /* every run's parameters (the first base run's) */
};

/* Fill the statistics and ratios of cmp from its runs (arm[*].runs[0 .. pairs-1] set). */
int vxoff__bench_comparison_summarise(struct vxoff_bench_comparison *cmp);

/* ---- stream.c: the data path of both ends (server.c and client.c drive it) ---- */

/* After the 16-byte cookie of a TCP data connection the server answers the stream id it gave
 * that connection (u32, network order). A UDP stream registers with one datagram of cookie +
 * u32 stream id, which the server echoes from the socket it connected to that stream. */
#define VXOFF__BENCH_STREAM_ID_LEN 4u
#define VXOFF__BENCH_UDP_REG_LEN (VXOFF__BENCH_COOKIE_LEN + 4u)
/* Every UDP datagram starts with u64 sequence and u64 send time (CLOCK_MONOTONIC ns), network
 * order; a sequence of all ones marks the sender's end. */
#define VXOFF__BENCH_UDP_HDR 16u
#define VXOFF__BENCH_UDP_MAX 65507u

/* One end's interval schedule: intervals of interval_ms from START, cut at the end of the
 * warm-up and at the end of the window, at most VXOFF__BENCH_MAX_INTERVALS and few enough that
 * every stream's intervals fit one RESULTS (the period doubles until they do). ends[i] is the
 * end of interval i in ns after START; *nomit of them are warm-up. Heap array, free().
 * 0 or -ENOMEM. */
int vxoff__bench_schedule(const struct vxoff__bench_params *p, uint64_t **ends, uint32_t *n,
			  uint32_t *nomit);

/* Socket options of one data socket: TCP_NODELAY off, congestion control, buffers, zerocopy
 * (sender), pacing (FIXED_RATE sender), receive/send timeouts that let threads notice a stop.
 * Call before connect() on the client, after accept() on the server. *zc_off is set when
 * zerocopy was asked for and refused. 0 or -errno with why in errbuf (-ENOENT: unknown
 * congestion control). */
int vxoff__stream_sockopts(int fd, const struct vxoff__bench_params *p, bool sender,
			   bool *zc_off, char *errbuf, size_t errlen);

/* Control connection options: TCP_NODELAY, keepalive, TCP_USER_TIMEOUT (a peer that vanishes
 * mid-test is noticed within seconds, not after the kernel's retransmission timeout). */
void vxoff__bench_ctl_sockopts(int fd);

/* What congestion control a TCP socket uses (getsockopt), "" when unknown. */
void vxoff__stream_congestion(int fd, char out[16]);

/* Stream i's CPU from a cpulist, cycling through its CPUs; every CPU must be one this process
 * may run on. NULL or "" = -1 for every stream. 0, -EINVAL with why in errbuf. */
int vxoff__bench_stream_cpus(const char *list, uint32_t n, int32_t *out, char *errbuf,
			     size_t errlen);

struct vxoff__data;

struct vxoff__data_cfg {
	const struct vxoff__bench_params *params;
	bool sender;		/* this end sends */
	uint32_t nstreams;
	const int *fds;		/* connected data sockets by stream id; the data path owns them
				 * after a successful vxoff__data_new() */
	const int32_t *cpus;	/* CPU of each stream thread, -1 = none; NULL = none */
	const char *procfs_root; /* NULL = "/proc" */
};

/* One interval of every stream at a boundary, as the controller saw it. */
typedef int (*vxoff__data_tick_fn)(void *user, uint32_t index, uint32_t omitted,
				   const struct vxoff__interval_fig *per_stream, uint32_t n);

/* A frame the peer sent while the data path ran (its RESULTS, when its window ended first). */
struct vxoff__bench_frame {
	uint16_t type;
	uint8_t *payload;
	size_t len;
};

/* Start the stream threads (they wait for vxoff__data_run()). 0 or -errno, why in errbuf. */
int vxoff__data_new(const struct vxoff__data_cfg *cfg, struct vxoff__data **ret, char *errbuf,
		    size_t errlen);
/*
 * Run the test from start_ns (CLOCK_MONOTONIC, this end's START): release the threads, take
 * the samples at every boundary (bytes, TCP_INFO, /proc/stat), call fn (may be NULL), wait
 * for the streams to finish. ctl_fd (-1 = none) is watched for the peer's ABORT or EOF, stop_fd
 * (-1 = none) for a local stop. Return 0, -ECONNABORTED (peer's ABORT, reason in errbuf),
 * -ECONNRESET, -ECANCELED (stop_fd or fn), -EPROTO, or a stream's -errno.
 */
int vxoff__data_run(struct vxoff__data *d, uint64_t start_ns, int ctl_fd, int stop_fd,
		    vxoff__data_tick_fn fn, void *user, struct vxoff__bench_frame *early,
		    char *errbuf, size_t errlen);
/* Move this end's figures into f (zeroed first). 0 or -ENOMEM. */
int vxoff__data_figures(struct vxoff__data *d, struct vxoff__end_fig *f);
/* True when zerocopy was asked for on this end and the kernel refused it. */
bool vxoff__data_zerocopy_off(const struct vxoff__data *d);
/* Stop and join every thread, close every socket. NULL is accepted. */
void vxoff__data_free(struct vxoff__data *d);

#endif /* VXOFF_LIB_BENCH_INTERNAL_H */
