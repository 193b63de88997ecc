/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Internals of the lab capability: the testbed and its state file, and the report as plain
 * figures (so the JSON, the chart and the page are built from one place, and unit tests can
 * build a report without a network).
 */
#ifndef VXOFF_LIB_LAB_INTERNAL_H
#define VXOFF_LIB_LAB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <vxoff/lab.h>

#include "netlink/core.h"

#define VXOFF__LAB_DEFAULT_NAME "vxoff-lab"
#define VXOFF__LAB_STATE_DIR "/run/vxoff"
#define VXOFF__LAB_NAME_MAX 48u

/* Device names inside the lab's namespaces (or next to a user's underlay). */
#define VXOFF__LAB_VETH "vxlab-u"
#define VXOFF__LAB_VXLAN "vxlab-x"

/* Test addresses (RFC 2544 benchmarking range). */
#define VXOFF__LAB_UL_A "198.18.0.1"
#define VXOFF__LAB_UL_B "198.18.0.2"
#define VXOFF__LAB_UL_PREFIX 30u
#define VXOFF__LAB_OV_A "198.19.0.1"
#define VXOFF__LAB_OV_B "198.19.0.2"
#define VXOFF__LAB_OV_PREFIX 24u

/* The aim of the VXLAN/plain ratios. */
#define VXOFF__LAB_AIM_TPUT 0.95
#define VXOFF__LAB_AIM_CPU 1.10

/* ---- state file ---- */

enum vxoff__lab_obj {
	VXOFF__LAB_OBJ_NETNS = 1, /* a namespace: name */
	VXOFF__LAB_OBJ_LINK = 2,  /* a device: netns (NULL = the caller's), dev */
	VXOFF__LAB_OBJ_ADDR = 3,  /* an address: netns, dev, addr "a.b.c.d/len" */
	VXOFF__LAB_OBJ_TUNE = 4,  /* a tuning snapshot: netns, path */
	VXOFF__LAB_OBJ_FEATURE = 5, /* a feature turned off: netns, dev, key (was on) */
	VXOFF__LAB_OBJ_TUNE_DIR = 6, /* the search's snapshot directory: netns of one end, dev
				      * the end's name in the file names ("sender"), value the
				      * directory; its files are restored newest first */
};

struct vxoff__lab_object {
	uint32_t type;
	char *netns;
	char *dev;
	char *value; /* namespace name, address, snapshot path or feature key */
};

struct vxoff__lab_state {
	char *name;
	char *path;
	struct vxoff__lab_object *objs;
	uint32_t count;
	uint32_t cap;
};

/* The state file's path for a lab name: heap string or NULL. */
char *vxoff__lab_state_path(const char *name);
int vxoff__lab_state_init(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, const char *name);
/* Record an object and write the file atomically (before the object is created). */
int vxoff__lab_state_add(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, uint32_t type,
			 const char *netns, const char *dev, const char *value);
/* Read a state file: -ENOENT when there is none. */
int vxoff__lab_state_load(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, const char *name);
/* Remove the file (all objects gone). */
int vxoff__lab_state_remove(struct vxoff__lab_state *st);
void vxoff__lab_state_free(struct vxoff__lab_state *st);
/*
 * Undo every object of @st in reverse order: restore snapshots, turn features back on,
 * delete addresses, devices and namespaces; missing ones count as done. Every object is
 * tried; the first error is returned (on @ctx). @removed counts what was removed/restored.
 */
int vxoff__lab_undo(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, uint32_t *removed);

/* ---- testbed ---- */

struct vxoff__lab_testbed {
	bool created_ns;	    /* two namespaces of our own */
	char ns_a[64];		    /* client end; "" = the caller's namespace */
	char ns_b[64];		    /* server end */
	char ul_a[16];		    /* underlay device names per end */
	char ul_b[16];
	char addr_a[48];	    /* underlay addresses, numeric */
	char addr_b[48];
	char ov_a[48];		    /* overlay addresses */
	char ov_b[48];
	uint32_t ul_mtu;
	uint32_t ov_mtu;
};

struct vxoff__lab_tb_opts {
	const char *name;
	const char *host_ns;	    /* the caller's context's namespace name, NULL = none */
	const char *underlay;
	const char *peer_ns;
	const char *peer_addr;
	uint32_t mtu;
	uint32_t vni;
	uint32_t port;
	bool no_tnl_offload;
};

/* Preconditions only: creates nothing. @host is a context in the caller's namespace. */
int vxoff__lab_check(struct vxoff_ctx *err_ctx, struct vxoff_ctx *host,
		     const struct vxoff__lab_tb_opts *o, struct vxoff__lab_testbed *tb);
/* Build the testbed, recording each object in @st before creating it. On failure what was
 * made stays recorded; the caller undoes @st. */
int vxoff__lab_build(struct vxoff_ctx *err_ctx, struct vxoff_ctx *host,
		     const struct vxoff__lab_tb_opts *o, struct vxoff__lab_testbed *tb,
		     struct vxoff__lab_state *st);
int vxoff__lab_link_del(struct vxoff_ctx *ctx, const char *dev);
int vxoff__lab_addr_del(struct vxoff_ctx *ctx, const char *dev, const char *addr);
/* Does a network namespace of that name exist under /run/netns? */
bool vxoff__lab_netns_exists(const char *name);
/* Delete a namespace made by vxoff__lab_netns_add(): 0 or -errno (-ENOENT: none). */
int vxoff__lab_netns_del(const char *name);
/* tx bytes of a device (IFLA_STATS64) in @ctx's namespace. */
int vxoff__lab_dev_tx_bytes(struct vxoff_ctx *ctx, const char *dev, uint64_t *ret);
/* Copy the last error of @from onto @to, prefixed; returns err. */
int vxoff__lab_err_from(struct vxoff_ctx *to, struct vxoff_ctx *from, int err,
			const char *what);

/* ---- report ---- */

#define VXOFF__LAB_ARMS 2 /* 0 plain, 1 vxlan */
#define VXOFF__LAB_ENDS 2 /* 0 client (sending), 1 server (receiving) */

struct vxoff__lab_run {
	double tput_bps;
	double cpu_gb[VXOFF__LAB_ENDS];	   /* CPU-s/GB per end */
	double busy_cpus[VXOFF__LAB_ENDS]; /* whole end, busy CPUs */
	double hottest[VXOFF__LAB_ENDS];   /* busiest CPU's busy fraction */
	uint64_t bytes_received;	   /* inside the window */
	uint64_t total_sent;		   /* whole test */
	uint64_t total_received;
	uint64_t retransmits;
	uint64_t dev_tx_bytes;		   /* the client's device of this arm, whole test; 0 = n/a */
	uint32_t ncpus[VXOFF__LAB_ENDS];
	double *cpu_busy[VXOFF__LAB_ENDS]; /* per CPU, busy fraction 0..1, ncpus entries */
};

struct vxoff__lab_fig {
	double median, min, max;
	uint32_t n;
};

#define VXOFF__LAB_METRICS 3 /* throughput, cpu client, cpu server */

struct vxoff__lab_phase {
	bool present;
	uint32_t pairs;
	struct vxoff__lab_run *runs[VXOFF__LAB_ARMS]; /* pairs entries each */
	struct vxoff__lab_fig arm[VXOFF__LAB_ARMS][VXOFF__LAB_METRICS];
	struct vxoff__lab_fig ratio[VXOFF__LAB_METRICS]; /* of the pair ratios vxlan/plain */
	struct vxoff_bench_comparison *cmp;		 /* NULL in synthetic reports */
};

struct vxoff__lab_reason {
	char *name;
	char *severity;
	char *text;
};

struct vxoff__lab_plan_item {
	char *kind, *dev, *key, *current, *target, *reason, *gain;
	int32_t index;
	bool advice;
};

struct vxoff__lab_end {
	char *netns;	 /* NULL = the caller's */
	char *underlay;
	char *vxlan;
	char *underlay_addr;
	char *overlay_addr;
	uint32_t verdict;
	struct vxoff__lab_reason *reasons;
	uint32_t nreasons;
	struct vxoff__lab_plan_item *plan;
	uint32_t nplan;
	bool planned, applied, restored;
	uint32_t restored_knobs;
	char *tune_error; /* why planning or applying failed, NULL = fine */
};

/* One step of the search (search.h's trial, copied). */
struct vxoff__lab_trial {
	char *name, *change, *message;
	uint32_t outcome; /* VXOFF_SEARCH_KEPT, _REVERTED, _FINAL */
	uint32_t why;	  /* VXOFF_SEARCH_WHY_* */
	uint32_t pairs;
	int32_t err;
	double base_bps, cand_bps, base_cpu, cand_cpu; /* medians per arm */
	double ratio, ci_low, ci_high;		       /* objective ratio cand/base, 95 % */
	double expected;
};

/* How the tuning was done, and the search's log. */
struct vxoff__lab_tuning {
	uint32_t mode;	   /* VXOFF_LAB_TUNE_SEARCH, _PROFILE or _NONE */
	char *note;	   /* why this mode, in words (e.g. quick runs use the profile) */
	char *objective;   /* SEARCH: "throughput" */
	uint32_t budget_s, pairs, duration_ms, omit_ms;
	double elapsed_s;
	char *error;	   /* the search failed: why (the start state is back) */
	char *bench_cpus[2]; /* kept pinning per end ("" = none) */
	struct vxoff__lab_trial *trials;
	uint32_t ntrials;
	char *log_json;	   /* vxoff_search_json() of the run, NULL in synthetic reports */
};

struct vxoff_lab_report {
	/* conditions */
	char *name;
	char *testbed;	 /* "veth" or "underlay" */
	char *kernel;
	char *profile;
	char *started;	 /* UTC, ISO 8601 */
	char *app_cpus;	 /* CPUs of the test threads (and the plan's application); NULL = any */
	uint32_t flags;
	uint32_t ul_mtu, ov_mtu, streams, pairs, duration_ms, omit_ms, vni, port, ncpus;
	struct vxoff__lab_end ends[VXOFF__LAB_ENDS];
	struct vxoff__lab_phase phase[2];
	struct vxoff__lab_tuning tuning;
	double elapsed_s;
};

/* An empty report (strings NULL, no phase). */
struct vxoff_lab_report *vxoff__lab_report_alloc(void);
/* Set a phase's runs (taking ownership of runs[]), then compute every statistic. */
int vxoff__lab_report_set_phase(struct vxoff_lab_report *rep, uint32_t phase, uint32_t pairs,
				struct vxoff__lab_run *plain, struct vxoff__lab_run *vxlan);
/* Median, min and max of n values (n may be 0: all zero). */
struct vxoff__lab_fig vxoff__lab_fig_of(const double *v, uint32_t n);
/* Ratio statistics of metric m in phase p, and whether the aim is reached after the last
 * phase. */
bool vxoff__lab_aim_reached(const struct vxoff_lab_report *rep);
uint32_t vxoff__lab_last_phase(const struct vxoff_lab_report *rep);
const char *vxoff__lab_metric_name(uint32_t m);
void vxoff__lab_run_clear(struct vxoff__lab_run *r);
/* "search", "profile", "none"; and a trial's outcome and why in words. */
const char *vxoff__lab_tune_mode_name(uint32_t mode);
const char *vxoff__lab_outcome_name(uint32_t outcome);
const char *vxoff__lab_why_name(uint32_t why);

/* The chart into @sb; inline_ = without the XML declaration (inside HTML). */
int vxoff__lab_svg(const struct vxoff_lab_report *rep, struct vxoff__strbuf *sb, bool inline_);
/* XML/HTML escaping into a strbuf. */
void vxoff__lab_sb_escape(struct vxoff__strbuf *sb, const char *s);

#endif /* VXOFF_LIB_LAB_INTERNAL_H */
