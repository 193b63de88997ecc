/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_stat_summary() and vxoff_stat_paired_ratio() against values worked out by hand (each
 * test shows the arithmetic). t quantiles from a printed table: t(0.975, 2) = 4.3027,
 * t(0.975, 3) = 3.1824, t(0.975, 4) = 2.7764, t(0.975, 31) = 2.0395.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vxoff/bench.h>

#include "testutil.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void odd_n(void **state)
{
	/* sorted 1 2 3 4 5: median 3, mean 3; squares of deviations 4+1+0+1+4 = 10,
	 * s = sqrt(10/4) = 1.5811388; half = 2.7764 * 1.5811388 / sqrt(5) = 1.9632113 */
	const double v[] = {3, 1, 2, 5, 4};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_summary(v, 5, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.method, VXOFF_STAT_MEAN_T);
	NEAR(s.median, 3, 1e-12);
	NEAR(s.min, 1, 0);
	NEAR(s.max, 5, 0);
	NEAR(s.mean, 3, 1e-12);
	NEAR(s.stddev, 1.5811388, 1e-6);
	NEAR(s.ci_low, 1.0367887, 1e-6);
	NEAR(s.ci_high, 4.9632113, 1e-6);
	/* the input is not reordered */
	assert_true(v[0] == 3 && v[4] == 4);
}

static void even_n(void **state)
{
	/* median (20 + 30) / 2 = 25, mean 25; squares 225+25+25+225 = 500, s = sqrt(500/3) =
	 * 12.9099445; half = 3.1824 * 12.9099445 / 2 = 20.5423037 */
	const double v[] = {40, 10, 30, 20};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_summary(v, 4, &s), 0);
	NEAR(s.median, 25, 1e-12);
	NEAR(s.mean, 25, 1e-12);
	NEAR(s.min, 10, 0);
	NEAR(s.max, 40, 0);
	NEAR(s.stddev, 12.9099445, 1e-6);
	NEAR(s.ci_low, 4.4576963, 1e-6);
	NEAR(s.ci_high, 45.5423037, 1e-6);
}

static void one_value(void **state)
{
	/* n = 1: no spread, the interval collapses onto the mean (bench.h) */
	const double v[] = {7.5};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_summary(v, 1, &s), 0);
	assert_int_equal(s.n, 1);
	NEAR(s.median, 7.5, 0);
	NEAR(s.min, 7.5, 0);
	NEAR(s.max, 7.5, 0);
	NEAR(s.mean, 7.5, 0);
	NEAR(s.stddev, 0, 0);
	NEAR(s.ci_low, 7.5, 0);
	NEAR(s.ci_high, 7.5, 0);
}

static void identical_values(void **state)
{
	const double v[] = {2, 2, 2, 2, 2, 2};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_summary(v, 6, &s), 0);
	NEAR(s.median, 2, 0);
	NEAR(s.mean, 2, 1e-15);
	NEAR(s.stddev, 0, 1e-15);
	NEAR(s.ci_low, 2, 1e-15);
	NEAR(s.ci_high, 2, 1e-15);
}

static void one_outlier(void **state)
{
	/* the median stays 12, the mean moves to 146/5 = 29.2; deviations -19.2 -18.2 -17.2
	 * -16.2 70.8, squares sum 6270.8, s = sqrt(1567.7) = 39.5941915; half = 2.7764 *
	 * 39.5941915 / sqrt(5) = 49.1618834 */
	const double v[] = {12, 10, 100, 13, 11};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_summary(v, 5, &s), 0);
	NEAR(s.median, 12, 0);
	NEAR(s.mean, 29.2, 1e-12);
	NEAR(s.max, 100, 0);
	NEAR(s.stddev, 39.5941915, 1e-6);
	NEAR(s.ci_low, 29.2 - 49.1618834, 1e-5);
	NEAR(s.ci_high, 29.2 + 49.1618834, 1e-5);
}

static void beyond_the_table(void **state)
{
	/* 1 .. 32: mean 16.5, s = sqrt(32 * 33 / 12) = sqrt(88) = 9.3808315; half = 2.0395 *
	 * 9.3808315 / sqrt(32) = 3.3821 (t(0.975, 31) from the expansion past the table) */
	double v[32];
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	for (int i = 0; i < 32; i++)
		v[i] = i + 1;
	assert_int_equal(vxoff_stat_summary(v, 32, &s), 0);
	NEAR(s.median, 16.5, 1e-12);
	NEAR(s.stddev, 9.3808315, 1e-6);
	NEAR(s.ci_high - s.mean, 3.3821, 2e-4);
}

static void bad_input(void **state)
{
	const double nan_in[] = {1, NAN, 3};
	const double inf_in[] = {1, INFINITY};
	const double ok[] = {1, 2};
	VXOFF_OUT(vxoff_stat, s);
	struct vxoff_stat small = {.sz = 4};

	(void)state;
	assert_int_equal(vxoff_stat_summary(ok, 0, &s), -EINVAL);
	assert_int_equal(vxoff_stat_summary(NULL, 2, &s), -EINVAL);
	assert_int_equal(vxoff_stat_summary(ok, 2, NULL), -EINVAL);
	assert_int_equal(vxoff_stat_summary(nan_in, 3, &s), -EINVAL);
	assert_int_equal(vxoff_stat_summary(inf_in, 2, &s), -EINVAL);
	assert_int_equal(vxoff_stat_summary(ok, 2, &small), -EINVAL);
}

static void paired_ratio_reference(void **state)
{
	/* measurement-and-tuning.md 1.5: ratios 0.60, 0.85, 0.71. Logs -0.5108 -0.1625 -0.3425,
	 * mean -0.3386 -> geometric mean 0.7128; s(log) = 0.17419; half = 4.3027 * 0.17419 /
	 * sqrt(3) = 0.4327 -> exp(-0.7713) = 0.4624 .. exp(0.0941) = 1.0987: "0.46-1.10" */
	const double base[] = {20, 10, 1};
	const double cand[] = {12, 8.5, 0.71};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_paired_ratio(base, cand, 3, &s), 0);
	assert_int_equal(s.method, VXOFF_STAT_PAIRED_RATIO);
	assert_int_equal(s.n, 3);
	NEAR(s.median, 0.71, 1e-12);
	NEAR(s.min, 0.60, 1e-12);
	NEAR(s.max, 0.85, 1e-12);
	NEAR(s.mean, 0.71276, 1e-4);
	NEAR(s.stddev, 0.174186, 1e-5);
	NEAR(s.ci_low, 0.46240, 1e-4);
	NEAR(s.ci_high, 1.09866, 1e-4);
}

static void paired_ratio_identity(void **state)
{
	/* cand = base: every ratio is 1, log 0, the interval [1, 1] */
	const double b[] = {5, 7, 9, 11, 13};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_paired_ratio(b, b, 5, &s), 0);
	NEAR(s.median, 1, 0);
	NEAR(s.mean, 1, 1e-15);
	NEAR(s.ci_low, 1, 1e-15);
	NEAR(s.ci_high, 1, 1e-15);
	NEAR(s.stddev, 0, 1e-15);
}

static void paired_ratio_bad_input(void **state)
{
	const double b[] = {1, 2, 3};
	const double zero[] = {1, 0, 3};
	const double neg[] = {1, -2, 3};
	const double nan_in[] = {1, NAN, 3};
	VXOFF_OUT(vxoff_stat, s);

	(void)state;
	assert_int_equal(vxoff_stat_paired_ratio(b, b, 0, &s), -EINVAL);
	assert_int_equal(vxoff_stat_paired_ratio(NULL, b, 3, &s), -EINVAL);
	assert_int_equal(vxoff_stat_paired_ratio(b, NULL, 3, &s), -EINVAL);
	assert_int_equal(vxoff_stat_paired_ratio(b, zero, 3, &s), -EINVAL);
	assert_int_equal(vxoff_stat_paired_ratio(zero, b, 3, &s), -EINVAL);
	assert_int_equal(vxoff_stat_paired_ratio(b, neg, 3, &s), -EINVAL);
	assert_int_equal(vxoff_stat_paired_ratio(b, nan_in, 3, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(odd_n),
		cmocka_unit_test(even_n),
		cmocka_unit_test(one_value),
		cmocka_unit_test(identical_values),
		cmocka_unit_test(one_outlier),
		cmocka_unit_test(beyond_the_table),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(paired_ratio_reference),
		cmocka_unit_test(paired_ratio_identity),
		cmocka_unit_test(paired_ratio_bad_input),
	};

	return cmocka_run_group_tests_name("bench_stats", tests, NULL, NULL);
}
