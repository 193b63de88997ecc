/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/lab.h - the whole question answered end to end: build a testbed, probe it, measure
 * plain against VXLAN, tune, measure again, restore, remove what was built, and report.
 *
 * Everything the lab creates is named after opts.name and recorded in a state file
 * (/run/vxoff/lab-<name>.json) before it is created, so vxoff_lab_cleanup() can remove what a
 * killed run left behind. The library installs no signal handler: a caller that wants SIGINT
 * or SIGTERM to end a run calls vxoff_lab_stop() from its handler.
 */
#ifndef VXOFF_LAB_H
#define VXOFF_LAB_H

#include <stddef.h>
#include <stdint.h>

#include <vxoff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vxoff_lab;
struct vxoff_lab_report;
struct vxoff_bench_comparison;

#define VXOFF_LAB_F_QUICK (1u << 0)	     /* short runs, 2 pairs: about 30 s in all */
#define VXOFF_LAB_F_NO_TUNE (1u << 1)	     /* measure once, tune nothing (= tune NONE) */
#define VXOFF_LAB_F_NO_TNL_OFFLOAD (1u << 2) /* emulate a NIC without VXLAN TSO: tunnel
					      * segmentation off on the sending veth */
#define VXOFF_LAB_F_ALLOW_MTU (1u << 3)	     /* the search may try a jumbo underlay MTU
					      * (a created testbed only) */

/* How the lab tunes (vxoff_lab_opts.tune). */
#define VXOFF_LAB_TUNE_DEFAULT 0u /* SEARCH; PROFILE with QUICK or a profile given */
#define VXOFF_LAB_TUNE_SEARCH 1u  /* measured search (search.h), objective throughput */
#define VXOFF_LAB_TUNE_PROFILE 2u /* apply the profile blindly, then measure */
#define VXOFF_LAB_TUNE_NONE 3u	  /* measure once (as VXOFF_LAB_F_NO_TUNE) */

struct vxoff_lab_opts {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_LAB_F_* */
	const char *name;	  /* prefix of what the lab creates; NULL = "vxoff-lab" */
	const char *underlay;	  /* an existing device to use (in the context's namespace);
				   * NULL = create two namespaces joined by veth */
	const char *peer_ns;	  /* with underlay: the namespace of the peer end */
	const char *peer_addr;	  /* with underlay: the peer's underlay address */
	const char *app_cpus;	  /* CPUs for the test threads; NULL = the plan picks */
	uint32_t mtu;		  /* underlay MTU of a created testbed; 0 = 1500 */
	uint32_t streams;	  /* TCP streams per run; 0 = 1 */
	uint32_t pairs;		  /* interleaved pairs per phase; 0 = 5 (2 with QUICK) */
	uint32_t duration_ms;	  /* measured time per run; 0 = 5000, 2000 with SEARCH (1000
				   * with QUICK) */
	uint32_t omit_ms;	  /* warm-up per run; 0 = 1000, 500 with SEARCH (500 QUICK) */
	uint32_t profile;	  /* VXOFF_PROFILE_* (tune.h); 0 = single-stream; non-zero
				   * with tune DEFAULT means PROFILE */
	uint32_t vni;		  /* 0 = 42 */
	uint32_t port;		  /* VXLAN destination port; 0 = 4789 */
	uint32_t tune;		  /* VXOFF_LAB_TUNE_* */
	uint32_t budget_s;	  /* SEARCH: wall-clock budget of the search; 0 = 90 (30 with
				   * QUICK) */
};
#define VXOFF_LAB_OPTS_SZ_0_1 88u

/* Steps, in order, as passed to the progress callback. */
#define VXOFF_LAB_STEP_CHECK 1u	     /* preconditions: root, names free, addresses unused */
#define VXOFF_LAB_STEP_TESTBED 2u
#define VXOFF_LAB_STEP_PROBE 3u
#define VXOFF_LAB_STEP_MEASURE 4u    /* before tuning */
#define VXOFF_LAB_STEP_TUNE 5u
#define VXOFF_LAB_STEP_REMEASURE 6u
#define VXOFF_LAB_STEP_RESTORE 7u
#define VXOFF_LAB_STEP_CLEANUP 8u

/* Progress: step, percent of the whole run (0-100), one line of text (borrowed for the
 * call). Runs on the thread of vxoff_lab_run(). Non-zero return stops the run (cleanly). */
typedef int (*vxoff_lab_progress_fn)(void *user, uint32_t step, uint32_t percent,
				     const char *msg);

/**
 * vxoff_lab_new() - check the options and prepare a run; creates nothing.
 * @ctx:  context of the calling thread; the lab uses it until vxoff_lab_free().
 * @ret:  on success the lab, for vxoff_lab_free().
 * Return: 0, -EINVAL (a bad option, named), -E2BIG, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_lab_new(struct vxoff_ctx *ctx, const struct vxoff_lab_opts *opts,
			    struct vxoff_lab **ret);

/**
 * vxoff_lab_run() - run the lab. Whatever happens (an error, vxoff_lab_stop(), a callback
 * stop), everything it created is removed and every tuning change restored before it
 * returns.
 * @ret: on success the report, for vxoff_lab_report_free().
 * Return: 0; -EPERM (not root); -EEXIST (a namespace or device of that name exists, named);
 * -EADDRINUSE (an address of the testbed is in use); -ENODEV (no such underlay);
 * -ECANCELED (stopped); or the error of the step that failed, named.
 * Since: 0.1
 */
VXOFF_API int vxoff_lab_run(struct vxoff_lab *lab, vxoff_lab_progress_fn fn, void *user,
			    struct vxoff_lab_report **ret);

/**
 * vxoff_lab_stop() - make a running vxoff_lab_run() stop soon and clean up. Safe from a
 * signal handler and from another thread.
 * Return: 0 or -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_lab_stop(struct vxoff_lab *lab);

/** vxoff_lab_free() - NULL is accepted. Not while running. Since: 0.1 */
VXOFF_API void vxoff_lab_free(struct vxoff_lab *lab);

/**
 * vxoff_lab_cleanup() - remove what a killed run named @name left behind (namespaces,
 * devices, addresses, tuning changes), as its state file records it.
 * @name: NULL = "vxoff-lab".
 * @ret_removed: NULL, or the number of objects removed or restored.
 * Return: 0 (also when nothing was left), -EPERM, or the first error (the others are still
 * tried). Since: 0.1
 */
VXOFF_API int vxoff_lab_cleanup(struct vxoff_ctx *ctx, const char *name, uint32_t *ret_removed);

/* Phases of a report. */
#define VXOFF_LAB_PHASE_BEFORE 0u
#define VXOFF_LAB_PHASE_AFTER 1u

struct vxoff_lab_summary {
	uint32_t sz;
	uint32_t phases;		/* 1 (no tuning) or 2 */
	uint32_t verdict;		/* VXOFF_VERDICT_* of the sending underlay (probe.h) */
	uint32_t reserved0;
	/* Paired ratios VXLAN/plain per phase: median of the pair ratios and their min-max. */
	double tput_ratio[2];
	double tput_ratio_min[2];
	double tput_ratio_max[2];
	double cpu_client_ratio[2];	/* CPU-s/GB, client (sending) end */
	double cpu_client_ratio_min[2];
	double cpu_client_ratio_max[2];
	double cpu_server_ratio[2];	/* CPU-s/GB, server (receiving) end */
	double cpu_server_ratio_min[2];
	double cpu_server_ratio_max[2];
};
#define VXOFF_LAB_SUMMARY_SZ_0_1 160u

/** vxoff_lab_report_summary() - the headline figures. Return: 0, -EINVAL. Since: 0.1 */
VXOFF_API int vxoff_lab_report_summary(const struct vxoff_lab_report *rep,
				       struct vxoff_lab_summary *out);

/**
 * vxoff_lab_report_comparison() - the plain/VXLAN comparison of one phase, owned by @rep.
 * Return: 0, -EINVAL, -ENOENT (no such phase). Since: 0.1
 */
VXOFF_API int vxoff_lab_report_comparison(const struct vxoff_lab_report *rep, uint32_t phase,
					  const struct vxoff_bench_comparison **ret);

/** vxoff_lab_report_json() - every figure, knob and condition (docs/lab-report.md); heap
 * string for vxoff_free(). Return: 0, -EINVAL, -ENOMEM. Since: 0.1 */
VXOFF_API int vxoff_lab_report_json(const struct vxoff_lab_report *rep, uint32_t flags,
				    char **ret);

/** vxoff_lab_report_svg() - the chart as a standalone SVG document; heap string for
 * vxoff_free(). Return: 0, -EINVAL, -ENOMEM. Since: 0.1 */
VXOFF_API int vxoff_lab_report_svg(const struct vxoff_lab_report *rep, char **ret);

/** vxoff_lab_report_html() - a self-contained HTML page embedding the chart and explaining
 * the verdict and the tuning plan; heap string for vxoff_free(). Since: 0.1 */
VXOFF_API int vxoff_lab_report_html(const struct vxoff_lab_report *rep, char **ret);

/**
 * vxoff_lab_report_write() - write report.json, chart.svg and report.html into @dir
 * (created if missing, mode 0755), each atomically.
 * Return: 0, -EINVAL, -ENOMEM, or the errno of a failed write, named. Since: 0.1
 */
VXOFF_API int vxoff_lab_report_write(struct vxoff_ctx *ctx, const struct vxoff_lab_report *rep,
				     const char *dir);

/** vxoff_lab_report_free() - NULL is accepted. Since: 0.1 */
VXOFF_API void vxoff_lab_report_free(struct vxoff_lab_report *rep);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_LAB_H */
