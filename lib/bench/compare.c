/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_bench_compare(): two paths measured in interleaved pairs (measurement-and-tuning.md
 * 1.1 step 6 and 1.5).
 *
 * Order: the first pair's order (AB or BA) comes from the seed, and every later pair swaps it
 * (AB BA AB BA ...). A linear drift (a CPU warming up, a page cache filling) then adds the
 * same to both arms over every two pairs, where independent coin flips leave runs like
 * AB AB AB AB that charge the drift to B each time.
 *
 * Each arm may name a client namespace (its own context) and a server to start: servers run
 * on their own threads with their own contexts, bound to a port the kernel picks unless the
 * arm names one, and are stopped and joined on every way out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "bench/bench_internal.h"

#define MIN_PAIRS 5u
#define BUSY_TRIES 30
#define BUSY_PAUSE_MS 100u
#define MAX_PAIRS 1000u

static const char *const metric_names[VXOFF_BENCH_M_COUNT] = {
	[VXOFF_BENCH_M_THROUGHPUT] = "throughput",
	[VXOFF_BENCH_M_CPU_CLIENT] = "cpu_client",
	[VXOFF_BENCH_M_CPU_SERVER] = "cpu_server",
	[VXOFF_BENCH_M_RETRANSMITS] = "retransmits",
	[VXOFF_BENCH_M_HOTTEST_CLIENT] = "hottest_client",
	[VXOFF_BENCH_M_HOTTEST_SERVER] = "hottest_server",
};

const char *vxoff_bench_metric_name(uint32_t metric)
{
	return metric < VXOFF_BENCH_M_COUNT ? metric_names[metric] : "unknown";
}

/* ---- the object ---- */

void vxoff_bench_comparison_free(struct vxoff_bench_comparison *cmp)
{
	if (!cmp)
		return;
	for (uint32_t a = 0; a < 2; a++) {
		struct vxoff__bench_arm *arm = &cmp->arm[a];

		for (uint32_t p = 0; arm->runs && p < cmp->pairs; p++)
			vxoff_bench_result_free(arm->runs[p]);
		free(arm->runs);
		free(arm->name);
		free(arm->host);
		free(arm->client_netns);
		free(arm->server_netns);
	}
	free(cmp->cand_first);
	free(cmp);
}

uint32_t vxoff_bench_comparison_pairs(const struct vxoff_bench_comparison *cmp)
{
	return cmp ? cmp->pairs : 0;
}

int vxoff_bench_comparison_result(const struct vxoff_bench_comparison *cmp, uint32_t arm,
				  uint32_t pair, const struct vxoff_bench_result **ret)
{
	if (!cmp || !ret || arm > VXOFF_BENCH_ARM_CAND)
		return -EINVAL;
	if (pair >= cmp->pairs || !cmp->arm[arm].runs[pair])
		return -ERANGE;
	*ret = cmp->arm[arm].runs[pair];
	return 0;
}

int vxoff_bench_comparison_stat(const struct vxoff_bench_comparison *cmp, uint32_t arm,
				uint32_t metric, struct vxoff_stat *out)
{
	if (!cmp || !out || arm > VXOFF_BENCH_ARM_CAND || metric >= VXOFF_BENCH_M_COUNT)
		return -EINVAL;
	if (cmp->arm[arm].stat_err[metric])
		return cmp->arm[arm].stat_err[metric];
	return vxoff__copy_out(out, &cmp->arm[arm].stat[metric], sizeof(struct vxoff_stat), 8u);
}

int vxoff_bench_comparison_ratio(const struct vxoff_bench_comparison *cmp, uint32_t metric,
				 struct vxoff_stat *out)
{
	if (!cmp || !out || metric >= VXOFF_BENCH_M_COUNT)
		return -EINVAL;
	if (cmp->ratio_err[metric])
		return cmp->ratio_err[metric];
	return vxoff__copy_out(out, &cmp->ratio[metric], sizeof(struct vxoff_stat), 8u);
}

int vxoff__bench_comparison_summarise(struct vxoff_bench_comparison *cmp)
{
	double *v[2];
	int r = 0;

	if (!cmp || !cmp->pairs)
		return -EINVAL;
	v[0] = calloc(cmp->pairs, sizeof(double));
	v[1] = calloc(cmp->pairs, sizeof(double));
	if (!v[0] || !v[1]) {
		free(v[0]);
		free(v[1]);
		return -ENOMEM;
	}
	for (uint32_t m = 0; m < VXOFF_BENCH_M_COUNT && !r; m++) {
		uint32_t paired = 0;

		/* per arm: every run that has the figure */
		for (uint32_t a = 0; a < 2 && !r; a++) {
			uint32_t n = 0;

			for (uint32_t p = 0; p < cmp->pairs; p++)
				if (!vxoff__bench_metric(cmp->arm[a].runs[p], m, &v[a][n]))
					n++;
			cmp->arm[a].stat[m].sz = sizeof(struct vxoff_stat);
			cmp->arm[a].stat_err[m] = -ENODATA;
			if (n) {
				r = vxoff_stat_summary(v[a], n, &cmp->arm[a].stat[m]);
				cmp->arm[a].stat_err[m] = r;
			}
		}
		if (r)
			break;
		/* the ratio only over complete pairs with both figures above 0 */
		for (uint32_t p = 0; p < cmp->pairs; p++) {
			double b, c;

			if (vxoff__bench_metric(cmp->arm[0].runs[p], m, &b) ||
			    vxoff__bench_metric(cmp->arm[1].runs[p], m, &c) || b <= 0 || c <= 0)
				break;
			v[0][paired] = b;
			v[1][paired] = c;
			paired++;
		}
		cmp->ratio[m].sz = sizeof(struct vxoff_stat);
		cmp->ratio_err[m] = -ENODATA;
		if (paired == cmp->pairs)
			cmp->ratio_err[m] =
				vxoff_stat_paired_ratio(v[0], v[1], paired, &cmp->ratio[m]);
		if (cmp->ratio_err[m] == -ENOMEM)
			r = -ENOMEM;
	}
	free(v[0]);
	free(v[1]);
	return r;
}

/* ---- servers started for an arm ---- */

struct started {
	struct vxoff_bench_server *srv;
	pthread_t thread;
	bool running;
	int rc;
};

static void *server_main(void *arg)
{
	struct started *s = arg;

	s->rc = vxoff_bench_server_run(s->srv);
	return NULL;
}

static void stop_server(struct started *s)
{
	if (s->running) {
		vxoff_bench_server_stop(s->srv);
		pthread_join(s->thread, NULL);
		s->running = false;
	}
	vxoff_bench_server_free(s->srv);
	s->srv = NULL;
}

/* Start a server in the arm's server namespace; arm->port becomes the port it listens on. */
static int start_server(struct vxoff_ctx *ctx, const char *what, struct vxoff__bench_arm *arm,
			struct started *s)
{
	VXOFF_OPTS(vxoff_ctx_opts, co, .netns = arm->server_netns);
	VXOFF_OPTS(vxoff_bench_server_opts, so, .port = arm->port);
	VXOFF_OUT(vxoff_bench_server_stats, st);
	struct vxoff_ctx *sctx = NULL;
	char msg[256] = "";
	int r;

	r = vxoff_ctx_new_err(&co, &sctx, msg, sizeof(msg));
	if (r < 0)
		return vxoff__err(ctx, r, r == -ENOENT ? VXOFF_REASON_NO_NETNS : VXOFF_REASON_ARG,
				  "%s: server namespace %s: %s", what,
				  arm->server_netns ? arm->server_netns : "(own)",
				  msg[0] ? msg : strerror(-r));
	if (!arm->port)
		so.flags |= VXOFF_BENCH_SERVER_F_ANY_PORT;
	r = vxoff_bench_server_new(sctx, &so, &s->srv);
	if (r < 0) {
		VXOFF_OUT(vxoff_error, e);

		vxoff_ctx_last_error(sctx, &e);
		r = vxoff__err(ctx, r, e.reason, "%s: starting its server: %s", what,
			       e.msg ? e.msg : strerror(-r));
		vxoff_ctx_free(sctx);
		return r;
	}
	vxoff_ctx_free(sctx);
	if (vxoff_bench_server_stats(s->srv, &st) == 0 && st.port)
		arm->port = st.port;
	r = pthread_create(&s->thread, NULL, server_main, s);
	if (r) {
		vxoff_bench_server_free(s->srv);
		s->srv = NULL;
		return vxoff__err(ctx, -r, VXOFF_REASON_SYSTEM, "%s: starting the server thread",
				  what);
	}
	s->running = true;
	arm->started_server = 1;
	return 0;
}

/* ---- the comparison ---- */

static int copy_path(struct vxoff_ctx *ctx, const char *which, const struct vxoff_bench_path *in,
		     struct vxoff__bench_arm *arm)
{
	struct vxoff_bench_path p;
	int r;

	if (!in)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "compare: the %s path is missing",
				  which);
	r = vxoff__copy_in(&p, sizeof(p), in, VXOFF_BENCH_PATH_SZ_0_1);
	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				  "compare: vxoff_bench_path.sz of the %s path is not one this "
				  "library knows",
				  which);
	if (p.flags & ~VXOFF_BENCH_PATH_F_START_SERVER)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "compare: the %s path has unknown flags 0x%x", which, p.flags);
	if (!p.host || !p.host[0])
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "compare: the %s path names no host", which);
	if (p.port > 65535)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "compare: port %u of the %s path is not a port", p.port, which);
	arm->name = strdup(p.name && p.name[0] ? p.name : which);
	arm->host = strdup(p.host);
	arm->client_netns = p.client_netns ? strdup(p.client_netns) : NULL;
	arm->server_netns = p.server_netns ? strdup(p.server_netns) : NULL;
	if (!arm->name || !arm->host || (p.client_netns && !arm->client_netns) ||
	    (p.server_netns && !arm->server_netns))
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "compare: out of memory");
	arm->port = p.port;
	/* started_server doubles as "asked to start" until the server runs */
	arm->started_server = (p.flags & VXOFF_BENCH_PATH_F_START_SERVER) ? 2 : 0;
	arm->runs = calloc(1, sizeof(*arm->runs)); /* resized once pairs is known */
	if (!arm->runs)
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "compare: out of memory");
	return 0;
}

static void pause_ms(uint32_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One run of one arm; on failure the caller's context says which arm and pair. */
static int run_one(struct vxoff_ctx *ctx, struct vxoff_ctx *actx,
		   const struct vxoff_bench_opts *test, struct vxoff__bench_arm *arm, uint32_t pair,
		   uint32_t pairs, struct vxoff_bench_result **ret)
{
	struct vxoff_bench_opts o = *test;
	VXOFF_OUT(vxoff_error, e);
	char *why;
	int r;

	o.sz = sizeof(o);
	o.host = arm->host;
	o.port = arm->port;
	/* a server still closing the previous run answers busy: give it up to 3 s */
	for (int tries = 0;; tries++) {
		r = vxoff_bench_run(actx, &o, NULL, NULL, ret);
		if (r != -EBUSY || tries >= BUSY_TRIES)
			break;
		pause_ms(BUSY_PAUSE_MS);
	}
	if (r == 0)
		return 0;
	vxoff_ctx_last_error(actx, &e);
	/* a copy: when actx is ctx, vxoff__err() frees the message before it formats */
	why = strdup(e.msg ? e.msg : strerror(-r));
	r = vxoff__err(ctx, r, e.reason, "%s path (%s), pair %u of %u: %s", arm->name, arm->host,
		       pair + 1, pairs, why ? why : strerror(-r));
	free(why);
	return r;
}

/*
 * Record in a run's reproducibility record that it is one of a comparison: "repeats" (the
 * pairs), "pair" and "arm". A run without a record (VXOFF_BENCH_F_NO_CONDITIONS) keeps none.
 * Return 0 or -ENOMEM.
 */
static int annotate_conditions(struct vxoff_bench_result *res, uint32_t pairs, uint32_t pair,
			       const char *arm)
{
	struct json_object *c, *v[3];
	const char *txt;
	char *copy;

	if (!res->conditions_json)
		return 0;
	c = json_tokener_parse(res->conditions_json);
	if (!c || !json_object_is_type(c, json_type_object)) {
		json_object_put(c);
		return 0; /* not ours to repair: the JSON shows it as null */
	}
	v[0] = json_object_new_uint64(pairs);
	v[1] = json_object_new_uint64(pair);
	v[2] = json_object_new_string(arm);
	if (!v[0] || !v[1] || !v[2] || json_object_object_add(c, "repeats", v[0]) < 0) {
		json_object_put(v[0]);
		json_object_put(v[1]);
		json_object_put(v[2]);
		json_object_put(c);
		return -ENOMEM;
	}
	if (json_object_object_add(c, "pair", v[1]) < 0) {
		json_object_put(v[1]);
		json_object_put(v[2]);
		json_object_put(c);
		return -ENOMEM;
	}
	if (json_object_object_add(c, "arm", v[2]) < 0) {
		json_object_put(v[2]);
		json_object_put(c);
		return -ENOMEM;
	}
	txt = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN);
	copy = txt ? strdup(txt) : NULL;
	json_object_put(c);
	if (!copy)
		return -ENOMEM;
	free(res->conditions_json);
	res->conditions_json = copy;
	return 0;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}


int vxoff_bench_compare(struct vxoff_ctx *ctx, const struct vxoff_bench_compare_opts *opts,
			vxoff_bench_progress_fn fn, void *user,
			struct vxoff_bench_comparison **ret)
{
	struct vxoff_bench_compare_opts o;
	struct vxoff_bench_opts test;
	struct vxoff_bench_comparison *cmp = NULL;
	struct vxoff_ctx *actx[2] = {NULL, NULL};
	struct started srv[2];
	uint64_t rng;
	uint32_t done = 0;
	int r;

	memset(srv, 0, sizeof(srv));
	if (!ret)
		return -EINVAL;
	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	/* the runs enter the context themselves: only the checks run inside */
	vxoff__ctx_leave(ctx);
	if (!opts)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "compare: no options");
	r = vxoff__copy_in(&o, sizeof(o), opts, VXOFF_BENCH_COMPARE_OPTS_SZ_0_1);
	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				  "compare: vxoff_bench_compare_opts.sz is not one this library "
				  "knows");
	if (o.flags)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "compare: unknown flags 0x%x (none are defined)", o.flags);
	if (!o.test)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "compare: no test options");
	r = vxoff__copy_in(&test, sizeof(test), o.test, VXOFF_BENCH_OPTS_SZ_0_1);
	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_STRUCT_SIZE,
				  "compare: vxoff_bench_opts.sz is not one this library knows");
	if (!o.pairs)
		o.pairs = MIN_PAIRS;
	if (o.pairs < MIN_PAIRS || o.pairs > MAX_PAIRS)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "compare: %u pairs: between %u and %u are needed (fewer than %u "
				  "give no usable interval)",
				  o.pairs, MIN_PAIRS, MAX_PAIRS, MIN_PAIRS);
	if (!o.seed && getrandom(&o.seed, sizeof(o.seed), 0) != sizeof(o.seed))
		o.seed = (uint64_t)time(NULL) ^ (uint64_t)clock();

	cmp = calloc(1, sizeof(*cmp));
	if (!cmp)
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "compare: out of memory");
	r = copy_path(ctx, "base", o.base, &cmp->arm[VXOFF_BENCH_ARM_BASE]);
	if (!r)
		r = copy_path(ctx, "cand", o.cand, &cmp->arm[VXOFF_BENCH_ARM_CAND]);
	if (r)
		goto out;
	cmp->pause_ms = o.pause_ms;
	cmp->seed = o.seed;
	cmp->cand_first = calloc(o.pairs, 1);
	for (uint32_t a = 0; a < 2; a++) {
		free(cmp->arm[a].runs);
		cmp->arm[a].runs = calloc(o.pairs, sizeof(*cmp->arm[a].runs));
	}
	if (!cmp->cand_first || !cmp->arm[0].runs || !cmp->arm[1].runs) {
		r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "compare: out of memory");
		goto out;
	}
	cmp->pairs = o.pairs;
	rng = o.seed;
	cmp->cand_first[0] = splitmix64(&rng) & 1;
	for (uint32_t p = 1; p < o.pairs; p++)
		cmp->cand_first[p] = !cmp->cand_first[p - 1];

	/* contexts of the arms that name a client namespace, then the servers */
	for (uint32_t a = 0; a < 2; a++) {
		struct vxoff__bench_arm *arm = &cmp->arm[a];
		char what[96];

		snprintf(what, sizeof(what), "%s path", arm->name);
		if (arm->client_netns) {
			VXOFF_OPTS(vxoff_ctx_opts, co, .netns = arm->client_netns);
			char msg[256] = "";

			r = vxoff_ctx_new_err(&co, &actx[a], msg, sizeof(msg));
			if (r < 0) {
				r = vxoff__err(ctx, r,
					       r == -ENOENT ? VXOFF_REASON_NO_NETNS
							    : VXOFF_REASON_ARG,
					       "%s: client namespace %s: %s", what,
					       arm->client_netns, msg[0] ? msg : strerror(-r));
				goto out;
			}
		}
		if (arm->started_server) {
			arm->started_server = 0;
			r = start_server(ctx, what, arm, &srv[a]);
			if (r < 0)
				goto out;
		}
	}

	for (uint32_t p = 0; p < o.pairs; p++) {
		for (uint32_t k = 0; k < 2; k++) {
			uint32_t a = cmp->cand_first[p] ? 1 - k : k;
			struct vxoff_ctx *c = actx[a] ? actx[a] : ctx;

			if (done && o.pause_ms)
				pause_ms(o.pause_ms);
			r = run_one(ctx, c, &test, &cmp->arm[a], p, o.pairs, &cmp->arm[a].runs[p]);
			if (r < 0)
				goto out;
			done++;
			if (annotate_conditions(cmp->arm[a].runs[p], o.pairs, p,
						cmp->arm[a].name)) {
				r = vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM,
					       "compare: out of memory");
				goto out;
			}
			if (p == 0 && !cmp->test.streams)
				cmp->test = cmp->arm[a].runs[p]->params;
			if (fn && fn(user, p, a, cmp->arm[a].runs[p])) {
				r = vxoff__err(ctx, -ECANCELED, VXOFF_REASON_NONE,
					       "compare: stopped by the caller after pair %u of %u",
					       p + 1, o.pairs);
				goto out;
			}
		}
	}
	r = vxoff__bench_comparison_summarise(cmp);
	if (r < 0)
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "compare: summarising the runs");
out:
	for (uint32_t a = 0; a < 2; a++) {
		stop_server(&srv[a]);
		vxoff_ctx_free(actx[a]);
	}
	if (r < 0) {
		vxoff_bench_comparison_free(cmp);
		return r;
	}
	*ret = cmp;
	return 0;
}
