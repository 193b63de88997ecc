/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/search.h - measured tuning: try one change at a time on both ends of a VXLAN path,
 * measure it against the current state in interleaved A/B pairs, and keep it only when the
 * paired ratio's 95 % interval says it wins (docs/tune-search.md).
 *
 * Every change goes through the tune capability (vxoff_tune_apply() with a snapshot file,
 * vxoff_tune_restore()), every measurement through the bench capability (vxoff_bench_run()).
 */
#ifndef VXOFF_SEARCH_H
#define VXOFF_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <vxoff/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vxoff_search; /* one search: its options, its trials, the kept plans */
struct vxoff_tune_plan;

/* Objectives. Throughput: bit/s at the receiver, higher is better. CPU: CPU-s/GB of the
 * receiving end (the bench server), lower is better. Mix: the score
 * throughput^w / cpu^(1-w) with w = mix_weight, higher is better. */
#define VXOFF_SEARCH_OBJ_THROUGHPUT 0u
#define VXOFF_SEARCH_OBJ_CPU 1u
#define VXOFF_SEARCH_OBJ_MIX 2u

#define VXOFF_SEARCH_MIN_PAIRS 5u

/* Why a decision came out as it did. */
#define VXOFF_SEARCH_WHY_GAIN 1u    /* interval entirely on the better side of 1: keep */
#define VXOFF_SEARCH_WHY_NOISE 2u   /* interval contains 1: revert */
#define VXOFF_SEARCH_WHY_LOSS 3u    /* interval entirely on the worse side of 1: revert */
#define VXOFF_SEARCH_WHY_TOO_FEW 4u /* fewer than VXOFF_SEARCH_MIN_PAIRS usable pairs */
#define VXOFF_SEARCH_WHY_FAILED 5u  /* the change or a run failed: reverted (trials only) */
#define VXOFF_SEARCH_WHY_STOPPED 6u /* stopped before the pairs were done (trials only) */

struct vxoff_search_decision {
	uint32_t sz;
	uint32_t keep; /* 1 = keep the candidate, 0 = revert it */
	uint32_t why;  /* VXOFF_SEARCH_WHY_* */
	uint32_t n;    /* pairs used */
	double ratio;  /* geometric mean of the per-pair score ratios cand/base */
	double ci_low; /* its 95 % interval (t-interval on log-ratios) */
	double ci_high;
	double base_median; /* median of the objective per arm, in its own unit */
	double cand_median;
};
#define VXOFF_SEARCH_DECISION_SZ_0_1 56u

/**
 * vxoff_search_decide() - the decision rule, context-free and pure.
 * @objective:  VXOFF_SEARCH_OBJ_*.
 * @mix_weight: weight w of throughput in the mix, 0 < w < 1 (ignored otherwise).
 * @base_bps, @cand_bps: throughput of each pair's baseline and candidate run (THROUGHPUT, MIX).
 * @base_cpu, @cand_cpu: CPU-s/GB of each run (CPU, MIX); NULL where the objective needs none.
 * @n:          pairs, index i of each array being one pair.
 * @out:        the decision.
 *
 * Each run gets a score (throughput, 1 / CPU-s/GB, or the mix), the paired ratio of the
 * scores cand/base goes through vxoff_stat_paired_ratio(), and the candidate is kept only
 * when the lower end of the interval is above 1 (above 1 for higher-is-better, i.e. the CPU
 * interval lies below 1). Fewer than 5 pairs never keeps (VXOFF_SEARCH_WHY_TOO_FEW).
 * Return: 0, -EINVAL (NULL, n = 0, a value <= 0, NaN or infinite, bad objective or weight).
 * Since: 0.1
 */
VXOFF_API int vxoff_search_decide(uint32_t objective, double mix_weight, const double *base_bps,
				  const double *cand_bps, const double *base_cpu,
				  const double *cand_cpu, uint32_t n,
				  struct vxoff_search_decision *out);

/* Ends of the path. */
#define VXOFF_SEARCH_END_SENDER 0u   /* the bench client's namespace (ctx) */
#define VXOFF_SEARCH_END_RECEIVER 1u /* the bench server's namespace (peer_ctx) */

#define VXOFF_SEARCH_F_ALLOW_MTU (1u << 0)	/* may raise the underlay+overlay MTU */
#define VXOFF_SEARCH_F_ALLOW_CHANNELS (1u << 1) /* may change channel counts */
#define VXOFF_SEARCH_F_START_SERVER (1u << 2)	/* run a bench server in peer_ctx's namespace */
#define VXOFF_SEARCH_F_NO_FINAL (1u << 3)	/* skip the final start-vs-end check */

/* Progress events. */
#define VXOFF_SEARCH_EV_TRIAL_START 1u /* a candidate is about to be measured */
#define VXOFF_SEARCH_EV_RUN 2u	       /* one run of a pair is done */
#define VXOFF_SEARCH_EV_TRIAL_END 3u   /* decided: kept or reverted */

/* Outcomes of a trial. */
#define VXOFF_SEARCH_KEPT 1u
#define VXOFF_SEARCH_REVERTED 2u
#define VXOFF_SEARCH_FINAL 3u /* the final check: start state (base) vs kept plan (cand) */

struct vxoff_search_trial {
	uint32_t sz;
	uint32_t index;	     /* 0-based */
	uint32_t outcome;    /* VXOFF_SEARCH_KEPT, _REVERTED or _FINAL; 0 while running */
	uint32_t why;	     /* VXOFF_SEARCH_WHY_* */
	uint32_t pairs;	     /* pairs done */
	int32_t err;	     /* -errno of a failure (why = FAILED), else 0 */
	const char *name;    /* candidate ("gro-receiver"); owned by the search */
	const char *change;  /* what it changes, in words */
	const char *message; /* why, in words (a failure's message included) */
	double base_bps;     /* medians per arm */
	double cand_bps;
	double base_cpu; /* CPU-s/GB of the receiving end */
	double cand_cpu;
	double ratio; /* objective score ratio cand/base, geometric mean */
	double ci_low;
	double ci_high;
	double expected;   /* the prior gain the candidate was ordered by */
	uint32_t last_arm; /* EV_RUN: 0 = baseline, 1 = candidate */
	uint32_t reserved0;
	double last_bps; /* EV_RUN: that run's throughput */
};
#define VXOFF_SEARCH_TRIAL_SZ_0_1 128u

/* Called on the thread running the search. Non-zero stops it (as vxoff_search_stop()). */
typedef int (*vxoff_search_progress_fn)(void *user, uint32_t event,
					const struct vxoff_search_trial *trial);

struct vxoff_search_opts {
	uint32_t sz;
	uint32_t flags;		  /* VXOFF_SEARCH_F_* */
	const char *host;	  /* bench server address on the overlay; borrowed; required */
	uint32_t port;		  /* 0 = VXOFF_BENCH_DEFAULT_PORT (with START_SERVER: any) */
	uint32_t objective;	  /* VXOFF_SEARCH_OBJ_* */
	double mix_weight;	  /* MIX: weight of throughput, 0 < w < 1; 0 = 0.5 */
	const char *dev;	  /* sender's underlay device; required */
	const char *overlay;	  /* sender's VXLAN device; NULL = none tuned */
	const char *peer_dev;	  /* receiver's underlay (in peer_ctx); NULL = same name as dev */
	const char *peer_overlay; /* receiver's VXLAN device; NULL = same name as overlay */
	uint32_t budget_s;	  /* wall-clock budget of the whole search; 0 = 300 */
	uint32_t pairs;		  /* A/B pairs per trial, >= 5; 0 = 5 */
	uint32_t duration_ms;	  /* measured time of each run; 0 = 2000 */
	uint32_t omit_ms;	  /* warm-up of each run; 0 = 500 */
	uint32_t jumbo_mtu;	  /* underlay MTU tried with ALLOW_MTU; 0 = 9000 */
	uint32_t reserved0;
	const char *skip;	  /* comma-separated candidate names never tried; NULL = none */
	const char *snapshot_dir; /* existing directory for snapshot files; required */
	vxoff_search_progress_fn progress; /* NULL = none */
	void *progress_user;
	uint64_t seed; /* order of the first pair of each trial; 0 = fixed (AB) */
};
#define VXOFF_SEARCH_OPTS_SZ_0_1 128u

/**
 * vxoff_search_new() - prepare a search. Changes nothing, measures nothing.
 * @ctx:      the sender's namespace (where the bench client runs); used during calls.
 * @peer_ctx: the receiver's namespace, or NULL when the receiver is out of reach (then
 *            only sender knobs are tried and the bench server must already run).
 * @opts:     required; strings are copied.
 * @ret:      on success the search, for vxoff_search_free().
 * Return: 0, -EINVAL (a bad option, named), -E2BIG, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_search_new(struct vxoff_ctx *ctx, struct vxoff_ctx *peer_ctx,
			       const struct vxoff_search_opts *opts, struct vxoff_search **ret);

/**
 * vxoff_search_run() - run the search until the candidates or the budget run out.
 *
 * Greedy: candidates in order of expected gain; each one measured in @pairs interleaved
 * pairs (the candidate applied for its runs, restored for the baseline's), kept only when
 * vxoff_search_decide() says so; kept changes stay for the next candidates. A trial starts
 * only when the remaining budget holds one more (and the final check). On any error or a
 * stop, every change is undone from the snapshots and the start state is back.
 * Return: 0; -ECANCELED (stopped: the system is back at the start state); -ETIMEDOUT is never
 * returned for the budget (running out of it ends the search normally); the errno of a
 * failing bench run or restore (the message names the trial); -EBUSY (already run).
 * Since: 0.1
 */
VXOFF_API int vxoff_search_run(struct vxoff_search *s);

/**
 * vxoff_search_stop() - make vxoff_search_run() stop at the next run boundary and restore
 * the start state. Async-signal-safe (an atomic store). Return: 0 or -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_search_stop(struct vxoff_search *s);

/**
 * vxoff_search_restore() - put both ends back at the start state (after a finished search:
 * undo the kept plans). Return: 0, -EINVAL, or the errno of vxoff_tune_restore(). Since: 0.1
 */
VXOFF_API int vxoff_search_restore(struct vxoff_search *s);

/** vxoff_search_trial_count() - trials logged (0 for NULL). Since: 0.1 */
VXOFF_API uint32_t vxoff_search_trial_count(const struct vxoff_search *s);

/** vxoff_search_trial() - one trial; strings owned by @s. Return: 0, -EINVAL, -ERANGE.
 * Since: 0.1 */
VXOFF_API int vxoff_search_trial(const struct vxoff_search *s, uint32_t idx,
				 struct vxoff_search_trial *out);

/**
 * vxoff_search_plan() - the kept changes of one end, for vxoff_tune_apply() later.
 * @end: VXOFF_SEARCH_END_*.
 * @ret: the plan, owned by @s (possibly empty).
 * Return: 0, -EINVAL. Since: 0.1
 */
VXOFF_API int vxoff_search_plan(const struct vxoff_search *s, uint32_t end,
				const struct vxoff_tune_plan **ret);

/**
 * vxoff_search_bench_cpus() - the kept bench pinning ("" when none was kept).
 * @end: VXOFF_SEARCH_END_*. Return: the cpulist, owned by @s; NULL for a bad argument.
 * Since: 0.1
 */
VXOFF_API const char *vxoff_search_bench_cpus(const struct vxoff_search *s, uint32_t end);

/**
 * vxoff_search_json() - {"schema":"vxoff-tune-search/1", options, trials, plans}.
 * @flags: VXOFF_JSON_PRETTY or 0. @ret: heap string for vxoff_free().
 * Return: 0, -EINVAL, -ENOMEM. Since: 0.1
 */
VXOFF_API int vxoff_search_json(const struct vxoff_search *s, uint32_t flags, char **ret);

/** vxoff_search_free() - NULL is accepted; does not restore (vxoff_search_restore()).
 * Not while running. Since: 0.1 */
VXOFF_API void vxoff_search_free(struct vxoff_search *s);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_SEARCH_H */
