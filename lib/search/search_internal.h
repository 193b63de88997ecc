/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Internal declarations of the search capability (lib/search). Never installed. */
#ifndef VXOFF_LIB_SEARCH_INTERNAL_H
#define VXOFF_LIB_SEARCH_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include <vxoff/bench.h>
#include <vxoff/search.h>
#include <vxoff/tune.h>

#include "netlink/core.h"

/* A candidate: one knob or one coherent group, per end, and/or a bench pinning. */
struct vxoff__search_cand {
	char *name;
	char *change;			 /* in words, for the log */
	double expected;		 /* prior gain: the search order */
	struct vxoff_tune_plan *plan[2]; /* per VXOFF_SEARCH_END_*; NULL = nothing there */
	char *cpus[2];			 /* bench pinning of client and server; NULL = kept */
};

/* One measured run of a trial. */
struct vxoff__search_run {
	uint32_t pair;
	uint32_t arm; /* 0 base, 1 candidate */
	double bps;
	double cpu; /* CPU-s/GB of the receiver; 0 = not measured */
};

struct vxoff__search_trial {
	struct vxoff_search_trial t; /* strings point at the members below */
	char *name;
	char *change;
	char *message;
	struct vxoff__search_run *runs;
	uint32_t nruns;
};

struct vxoff__search_end {
	struct vxoff_ctx *ctx; /* the search's own context in that namespace; NULL = out of reach */
	char *dev;
	char *overlay;
	struct vxoff_tune_plan *kept;
	char *cpus; /* kept bench pinning; NULL = none */
};

/* A snapshot of one applied plan, newest last: undone in reverse order. */
struct vxoff__search_undo {
	uint32_t end;
	char *path;
};

struct vxoff_search {
	struct vxoff_ctx *ctx; /* the caller's: errors and log */
	struct vxoff__search_end end[2];
	uint32_t flags, objective, port, budget_s, pairs, duration_ms, omit_ms, jumbo_mtu;
	double mix_weight;
	uint64_t seed;
	char *host, *skip, *snapshot_dir;
	vxoff_search_progress_fn progress;
	void *progress_user;

	atomic_int stop;
	atomic_int running;
	bool done;
	double elapsed_s;

	struct vxoff__search_cand *cands;
	uint32_t ncands, ncands_cap;
	struct vxoff__search_trial *trials;
	uint32_t ntrials, trials_cap;
	struct vxoff__search_undo *undo;
	uint32_t nundo, undo_cap;
	uint32_t seq; /* snapshot file counter */

	struct vxoff_bench_server *srv;
	pthread_t srv_thread;
	bool srv_running;
	uint32_t srv_port;
};

/* candidates.c: the candidate list from both ends' states, ordered by expected gain. */
int vxoff__search_candidates(struct vxoff_search *s);
void vxoff__search_cand_clear(struct vxoff__search_cand *c);

/* json.c */
int vxoff__search_json(const struct vxoff_search *s, uint32_t flags, char **ret);

#endif /* VXOFF_LIB_SEARCH_INTERNAL_H */
