/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_stat_*: the statistics of repeated runs (measurement-and-tuning.md 1.5).
 *
 * One method for every interval, so that results stay comparable: the 95 % interval is the
 * Student-t interval of the mean, mean +- t(0.975, n-1) * s / sqrt(n), and a paired ratio is
 * the same interval taken on the logarithms of the ratios and transformed back (its centre is
 * the geometric mean). A distribution-free interval of the median from order statistics was
 * not chosen: with the usual 5 to 10 repeats its only possible end points are the extremes
 * (n = 5: min-max at 94 %), which the min-max columns show already.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_internal.h"

#define STAT_MIN_SZ 8u /* sz and n */

/* t(0.975, df) for df = 1 .. 30 (any statistics table). */
static const double t975[30] = {
	12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
	2.2010,	 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
	2.0796,	 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
};

/*
 * The 97.5 % quantile of Student's t with df degrees of freedom: the table up to 30, then the
 * Cornish-Fisher expansion around the normal quantile (error below 1e-4 from df = 31).
 */
static double t_quantile(uint32_t df)
{
	const double z = 1.959963985;
	double d = df, z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;

	if (df >= 1 && df <= 30)
		return t975[df - 1];
	return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
	       (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Fill s from n finite values (n >= 1); v is sorted in place. */
static void summarise(double *v, uint32_t n, struct vxoff_stat *s)
{
	double sum = 0, ss = 0, half;

	qsort(v, n, sizeof(*v), cmp_double);
	s->n = n;
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	for (uint32_t i = 0; i < n; i++)
		sum += v[i];
	s->mean = sum / n;
	/* two passes: the one-pass formula loses digits when the spread is small */
	for (uint32_t i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->stddev = n > 1 ? sqrt(ss / (n - 1)) : 0;
	half = n > 1 ? t_quantile(n - 1) * s->stddev / sqrt((double)n) : 0;
	s->ci_low = s->mean - half;
	s->ci_high = s->mean + half;
}

int vxoff_stat_summary(const double *v, uint32_t n, struct vxoff_stat *out)
{
	struct vxoff_stat s;
	double *copy;

	if (!v || !n || !out)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return -EINVAL;
	copy = malloc(n * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, v, n * sizeof(*copy));
	memset(&s, 0, sizeof(s));
	s.sz = sizeof(s);
	s.method = VXOFF_STAT_MEAN_T;
	summarise(copy, n, &s);
	free(copy);
	return vxoff__copy_out(out, &s, sizeof(s), STAT_MIN_SZ);
}

int vxoff_stat_paired_ratio(const double *base, const double *cand, uint32_t n,
			    struct vxoff_stat *out)
{
	struct vxoff_stat s, logs;
	double *r;

	if (!base || !cand || !n || !out)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		if (!isfinite(base[i]) || !isfinite(cand[i]) || base[i] <= 0 || cand[i] <= 0)
			return -EINVAL;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	memset(&s, 0, sizeof(s));
	memset(&logs, 0, sizeof(logs));
	/* the ratios: median, min and max */
	for (uint32_t i = 0; i < n; i++)
		r[i] = cand[i] / base[i];
	summarise(r, n, &s);
	/* their logarithms: mean, spread and interval, back through exp() */
	for (uint32_t i = 0; i < n; i++)
		r[i] = log(cand[i] / base[i]);
	summarise(r, n, &logs);
	free(r);
	s.sz = sizeof(s);
	s.method = VXOFF_STAT_PAIRED_RATIO;
	s.mean = exp(logs.mean);
	s.stddev = logs.stddev;
	s.ci_low = exp(logs.ci_low);
	s.ci_high = exp(logs.ci_high);
	return vxoff__copy_out(out, &s, sizeof(s), STAT_MIN_SZ);
}
