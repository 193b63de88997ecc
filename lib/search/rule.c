/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_search_decide(): keep a candidate only when the numbers prove it.
 *
 * Every objective becomes a higher-is-better score per run (throughput, 1 / CPU-s/GB, or
 * throughput^w / CPU^(1-w)), so one rule serves all three: the paired ratio of the scores
 * (vxoff_stat_paired_ratio(): geometric mean, t-interval on log-ratios) must lie entirely
 * above 1. Pairs, not two independent samples: the runs of a pair are back to back, so slow
 * drift of the machine cancels in the ratio.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search_internal.h"

#define DECISION_MIN_SZ 8u

static int positive(const double *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!isfinite(v[i]) || v[i] <= 0)
			return 0;
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of n values (v is reordered). */
static double median(double *v, uint32_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double score(uint32_t objective, double w, double bps, double cpu)
{
	switch (objective) {
	case VXOFF_SEARCH_OBJ_THROUGHPUT:
		return bps;
	case VXOFF_SEARCH_OBJ_CPU:
		return 1 / cpu;
	default:
		return exp(w * log(bps) - (1 - w) * log(cpu));
	}
}

int vxoff_search_decide(uint32_t objective, double mix_weight, const double *base_bps,
			const double *cand_bps, const double *base_cpu, const double *cand_cpu,
			uint32_t n, struct vxoff_search_decision *out)
{
	struct vxoff_search_decision d;
	VXOFF_OUT(vxoff_stat, st);
	bool need_bps = objective != VXOFF_SEARCH_OBJ_CPU;
	bool need_cpu = objective != VXOFF_SEARCH_OBJ_THROUGHPUT;
	double *sb, *sc;
	int r;

	if (!out || !n || objective > VXOFF_SEARCH_OBJ_MIX)
		return -EINVAL;
	if (objective == VXOFF_SEARCH_OBJ_MIX &&
	    (!isfinite(mix_weight) || mix_weight <= 0 || mix_weight >= 1))
		return -EINVAL;
	if (need_bps &&
	    (!base_bps || !cand_bps || !positive(base_bps, n) || !positive(cand_bps, n)))
		return -EINVAL;
	if (need_cpu &&
	    (!base_cpu || !cand_cpu || !positive(base_cpu, n) || !positive(cand_cpu, n)))
		return -EINVAL;
	sb = calloc(2 * (size_t)n, sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	sc = sb + n;
	for (uint32_t i = 0; i < n; i++) {
		sb[i] = score(objective, mix_weight, need_bps ? base_bps[i] : 0,
			      need_cpu ? base_cpu[i] : 0);
		sc[i] = score(objective, mix_weight, need_bps ? cand_bps[i] : 0,
			      need_cpu ? cand_cpu[i] : 0);
	}
	r = vxoff_stat_paired_ratio(sb, sc, n, &st);
	if (r < 0) {
		free(sb);
		return r;
	}
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.n = n;
	if (st.ci_low > 1)
		d.why = VXOFF_SEARCH_WHY_GAIN;
	else if (st.ci_high < 1)
		d.why = VXOFF_SEARCH_WHY_LOSS;
	else
		d.why = VXOFF_SEARCH_WHY_NOISE;
	if (n < VXOFF_SEARCH_MIN_PAIRS)
		d.why = VXOFF_SEARCH_WHY_TOO_FEW;
	d.keep = d.why == VXOFF_SEARCH_WHY_GAIN;
	/* the figures in the objective's own unit: for CPU-s/GB, lower is better */
	if (objective == VXOFF_SEARCH_OBJ_CPU) {
		d.ratio = 1 / st.mean;
		d.ci_low = 1 / st.ci_high;
		d.ci_high = 1 / st.ci_low;
		memcpy(sb, base_cpu, n * sizeof(*sb));
		memcpy(sc, cand_cpu, n * sizeof(*sc));
	} else {
		d.ratio = st.mean;
		d.ci_low = st.ci_low;
		d.ci_high = st.ci_high;
		if (objective == VXOFF_SEARCH_OBJ_THROUGHPUT) {
			memcpy(sb, base_bps, n * sizeof(*sb));
			memcpy(sc, cand_bps, n * sizeof(*sc));
		}
	}
	d.base_median = median(sb, n);
	d.cand_median = median(sc, n);
	free(sb);
	return vxoff__copy_out(out, &d, sizeof(d), DECISION_MIN_SZ);
}
