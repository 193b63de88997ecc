/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff_search_decide() on recorded series (Gbit/s and CPU-s/GB of 5 interleaved pairs), each
 * decision worked out by hand: log-ratios r_i, their mean m and sample deviation s, the
 * interval exp(m -+ t * s / sqrt(n)) with t(0.975, 4) = 2.7764 and t(0.975, 3) = 3.1824.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <vxoff/search.h>

#include "testutil.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void clear_gain(void **state)
{
	/* ratios 1.2, 1.18627, 1.19192, 1.21782, 1.2: m = 0.181618, s = 0.010552,
	 * half = 2.7764 * 0.010552 / sqrt 5 = 0.013102: exp -> 1.19916 [1.18449, 1.21400] */
	const double b[] = {10, 10.2, 9.9, 10.1, 10.0}, c[] = {12, 12.1, 11.8, 12.3, 12.0};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(
		vxoff_search_decide(VXOFF_SEARCH_OBJ_THROUGHPUT, 0, b, c, NULL, NULL, 5, &d), 0);
	assert_int_equal(d.keep, 1);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_GAIN);
	assert_int_equal(d.n, 5);
	NEAR(d.ratio, 1.19916, 1e-4);
	NEAR(d.ci_low, 1.18449, 1e-4);
	NEAR(d.ci_high, 1.21400, 1e-4);
	NEAR(d.base_median, 10.0, 1e-12);
	NEAR(d.cand_median, 12.0, 1e-12);
}

static void clear_loss(void **state)
{
	/* the same series the other way round: the interval is the reciprocal, [0.82372,
	 * 0.84424], entirely below 1 */
	const double b[] = {12, 12.1, 11.8, 12.3, 12.0}, c[] = {10, 10.2, 9.9, 10.1, 10.0};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(
		vxoff_search_decide(VXOFF_SEARCH_OBJ_THROUGHPUT, 0, b, c, NULL, NULL, 5, &d), 0);
	assert_int_equal(d.keep, 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_LOSS);
	NEAR(d.ci_high, 1 / 1.18449, 1e-4);
	NEAR(d.ci_low, 1 / 1.21400, 1e-4);
}

static void noise_only(void **state)
{
	/* ratios 1.03, 0.96190, 1.02041, 0.97059, 1.02970: geometric mean 1.00207, interval
	 * [0.96112, 1.04477] contains 1: revert */
	const double b[] = {10, 10.5, 9.8, 10.2, 10.1}, c[] = {10.3, 10.1, 10.0, 9.9, 10.4};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(
		vxoff_search_decide(VXOFF_SEARCH_OBJ_THROUGHPUT, 0, b, c, NULL, NULL, 5, &d), 0);
	assert_int_equal(d.keep, 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_NOISE);
	NEAR(d.ratio, 1.00207, 1e-4);
	NEAR(d.ci_low, 0.96112, 1e-4);
	NEAR(d.ci_high, 1.04477, 1e-4);
}

static void one_outlier(void **state)
{
	/* four pairs at +10 %, one at -50 % (a run that collapsed): the median ratio says 1.1,
	 * but r = 0.09531 x4 and -0.69315 give m = -0.062382, s = 0.352610, half = 0.43782:
	 * [0.60641, 1.45562] contains 1, so the candidate is not kept */
	const double b[] = {10, 10, 10, 10, 10}, c[] = {11, 11, 11, 11, 5};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(
		vxoff_search_decide(VXOFF_SEARCH_OBJ_THROUGHPUT, 0, b, c, NULL, NULL, 5, &d), 0);
	assert_int_equal(d.keep, 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_NOISE);
	NEAR(d.ratio, 0.93952, 1e-4);
	NEAR(d.ci_low, 0.60641, 1e-4);
	NEAR(d.ci_high, 1.45562, 1e-4);
	NEAR(d.cand_median, 11, 1e-12);
}

static void cpu_lower_wins(void **state)
{
	/* CPU-s/GB down about 20 %: the CPU ratio 0.80402 [0.80004, 0.80801] lies below 1, which
	 * is a gain for a lower-is-better objective; the throughput arrays are not needed */
	const double b[] = {1.0, 1.02, 0.98, 1.01, 0.99}, c[] = {0.8, 0.82, 0.79, 0.81, 0.8};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(vxoff_search_decide(VXOFF_SEARCH_OBJ_CPU, 0, NULL, NULL, b, c, 5, &d), 0);
	assert_int_equal(d.keep, 1);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_GAIN);
	NEAR(d.ratio, 0.80402, 1e-4);
	NEAR(d.ci_low, 0.80004, 1e-4);
	NEAR(d.ci_high, 0.80801, 1e-4);
	NEAR(d.base_median, 1.0, 1e-12);
	NEAR(d.cand_median, 0.8, 1e-12);
	/* the reverse direction is a loss */
	assert_int_equal(vxoff_search_decide(VXOFF_SEARCH_OBJ_CPU, 0, NULL, NULL, c, b, 5, &d), 0);
	assert_int_equal(d.keep, 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_LOSS);
}

static void mix_weights(void **state)
{
	/* +10 % throughput at +30 % CPU per byte in every pair (no spread: the interval is a
	 * point). w = 0.5: sqrt(1.1 / 1.3) = 0.919866, a loss. w = 0.9: 1.1^0.9 / 1.3^0.1 =
	 * exp(0.9 * 0.0953102 - 0.1 * 0.262364) = 1.061351, a gain. */
	const double bb[] = {10, 11, 12, 10, 11}, cb[] = {11, 12.1, 13.2, 11, 12.1};
	const double bc[] = {1, 1.1, 0.9, 1, 1}, cc[] = {1.3, 1.43, 1.17, 1.3, 1.3};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(vxoff_search_decide(VXOFF_SEARCH_OBJ_MIX, 0.5, bb, cb, bc, cc, 5, &d), 0);
	assert_int_equal(d.keep, 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_LOSS);
	NEAR(d.ratio, 0.919866, 1e-5);
	assert_int_equal(vxoff_search_decide(VXOFF_SEARCH_OBJ_MIX, 0.9, bb, cb, bc, cc, 5, &d), 0);
	assert_int_equal(d.keep, 1);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_GAIN);
	NEAR(d.ratio, 1.061351, 1e-5);
	NEAR(d.ci_low, 1.061351, 1e-5);
}

static void too_few_pairs(void **state)
{
	/* four pairs of a clear gain ([1.17733, 1.22096] with t(0.975, 3)) are still not kept */
	const double b[] = {10, 10.2, 9.9, 10.1}, c[] = {12, 12.1, 11.8, 12.3};
	VXOFF_OUT(vxoff_search_decision, d);

	(void)state;
	assert_int_equal(
		vxoff_search_decide(VXOFF_SEARCH_OBJ_THROUGHPUT, 0, b, c, NULL, NULL, 4, &d), 0);
	assert_int_equal(d.keep, 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_TOO_FEW);
	NEAR(d.ci_low, 1.17733, 1e-4);
}

static void bad_input(void **state)
{
	const double ok[] = {1, 2, 3, 4, 5}, zero[] = {1, 2, 0, 4, 5};
	const double nan_in[] = {1, 2, NAN, 4, 5}, neg[] = {1, 2, -3, 4, 5};
	VXOFF_OUT(vxoff_search_decision, d);
	const uint32_t T = VXOFF_SEARCH_OBJ_THROUGHPUT, C = VXOFF_SEARCH_OBJ_CPU,
		       M = VXOFF_SEARCH_OBJ_MIX;

	(void)state;
	assert_int_equal(vxoff_search_decide(T, 0, ok, ok, NULL, NULL, 5, NULL), -EINVAL);
	assert_int_equal(vxoff_search_decide(T, 0, ok, ok, NULL, NULL, 0, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(T, 0, NULL, ok, NULL, NULL, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(T, 0, ok, zero, NULL, NULL, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(T, 0, nan_in, ok, NULL, NULL, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(C, 0, ok, ok, NULL, NULL, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(C, 0, NULL, NULL, ok, neg, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(M, 0, ok, ok, ok, ok, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(M, 1, ok, ok, ok, ok, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(M, NAN, ok, ok, ok, ok, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(M, 0.5, ok, ok, NULL, ok, 5, &d), -EINVAL);
	assert_int_equal(vxoff_search_decide(3, 0, ok, ok, ok, ok, 5, &d), -EINVAL);
	/* identical arms: ratio 1, a point interval on 1 is noise, not a gain */
	assert_int_equal(vxoff_search_decide(T, 0, ok, ok, NULL, NULL, 5, &d), 0);
	assert_int_equal(d.why, VXOFF_SEARCH_WHY_NOISE);
	assert_int_equal(d.keep, 0);
	/* an old caller's shorter struct gets only its bytes */
	{
		struct {
			uint32_t sz, keep, why, n;
			double ratio;
			uint64_t guard;
		} small;

		memset(&small, 0xa5, sizeof(small));
		small.sz = 24;
		assert_int_equal(vxoff_search_decide(T, 0, ok, ok, NULL, NULL, 5,
						     (struct vxoff_search_decision *)&small),
				 0);
		assert_int_equal(small.n, 5);
		assert_true(small.guard == 0xa5a5a5a5a5a5a5a5ull);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clear_gain),	  cmocka_unit_test(clear_loss),
		cmocka_unit_test(noise_only),	  cmocka_unit_test(one_outlier),
		cmocka_unit_test(cpu_lower_wins), cmocka_unit_test(mix_weights),
		cmocka_unit_test(too_few_pairs),  cmocka_unit_test(bad_input),
	};

	return cmocka_run_group_tests_name("search_rule", tests, NULL, NULL);
}
