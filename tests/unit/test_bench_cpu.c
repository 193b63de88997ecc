/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * /proc/stat accounting of lib/bench/cpu.c against fixture files (tests/unit/fixtures/procstat,
 * one procfs root per directory) whose deltas are computed by hand in the comments below.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/bench_internal.h"

#define FX(name) VXOFF_PROCSTAT_DIR "/" name

static void read_fx(const char *root, struct vxoff__cpu_sample *s, uint64_t mono_ns)
{
	int r = vxoff__cpu_sample_read(root, s);

	if (r != 0)
		fail_msg("%s: %d", root, r);
	s->mono_ns = mono_ns; /* the fixture's clock, not the test's */
}

static void assert_ticks(const struct vxoff__cpu_ticks *t, uint64_t user, uint64_t nice,
			 uint64_t system, uint64_t idle, uint64_t iowait, uint64_t irq,
			 uint64_t softirq, uint64_t steal)
{
	assert_int_equal(t->user, user);
	assert_int_equal(t->nice, nice);
	assert_int_equal(t->system, system);
	assert_int_equal(t->idle, idle);
	assert_int_equal(t->iowait, iowait);
	assert_int_equal(t->irq, irq);
	assert_int_equal(t->softirq, softirq);
	assert_int_equal(t->steal, steal);
}

static void test_sample_fields(void **state)
{
	struct vxoff__cpu_sample s;

	(void)state;
	read_fx(FX("t0"), &s, 0);
	/* the "cpu " total row and the other lines are not CPUs */
	assert_int_equal(s.ncpus, 4);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(s.ids[i], i);
	assert_ticks(&s.ticks[1], 1000, 10, 500, 20000, 25, 5, 50, 2);
	vxoff__cpu_sample_free(&s);
	assert_null(s.ids);
	vxoff__cpu_sample_free(&s); /* twice is harmless */

	/* seven fields (no steal), rows out of order: sorted by id */
	read_fx(FX("oldkernel"), &s, 0);
	assert_int_equal(s.ncpus, 2);
	assert_int_equal(s.ids[0], 0);
	assert_int_equal(s.ids[1], 1);
	assert_ticks(&s.ticks[0], 10, 0, 5, 100, 0, 1, 1, 0);
	assert_ticks(&s.ticks[1], 10, 0, 5, 100, 1, 1, 2, 0);
	vxoff__cpu_sample_free(&s);
}

static void test_window(void **state)
{
	struct vxoff__cpu_sample a, b;
	struct vxoff__cpu_window w;
	double busy;

	(void)state;
	read_fx(FX("t0"), &a, 1000000000ull);
	read_fx(FX("t1"), &b, 5000000000ull);
	a.proc_user_us = 100;
	a.proc_system_us = 50;
	b.proc_user_us = 400;
	b.proc_system_us = 70;
	assert_int_equal(vxoff__cpu_window_diff(&a, &b, &w), 0);
	assert_int_equal(w.ncpus, 4);
	assert_int_equal(w.hz, sysconf(_SC_CLK_TCK));
	assert_int_equal(w.window_ns, 4000000000ull);
	assert_int_equal(w.proc_user_us, 300);
	assert_int_equal(w.proc_system_us, 20);
	/* t1 - t0 per field */
	assert_ticks(&w.delta[0], 150, 0, 100, 20, 0, 0, 80, 0);
	assert_ticks(&w.delta[1], 10, 0, 5, 180, 0, 0, 5, 0);
	assert_ticks(&w.delta[2], 100, 0, 70, 100, 0, 10, 60, 0);
	assert_ticks(&w.delta[3], 40, 2, 25, 200, 2, 0, 55, 3);
	/* busy ticks: 330 + 20 + 240 + 122 = 712 (idle, iowait and steal out) over 4 s */
	busy = vxoff__cpu_window_busy(&w);
	assert_float_equal(busy, 712.0 / w.hz / 4.0, 1e-9);
	vxoff__cpu_window_free(&w);
	assert_null(w.ids);

	/* a window too short for the ticks in it: capped at the number of CPUs */
	b.mono_ns = a.mono_ns + 1000;
	assert_int_equal(vxoff__cpu_window_diff(&a, &b, &w), 0);
	assert_float_equal(vxoff__cpu_window_busy(&w), 4.0, 0);
	vxoff__cpu_window_free(&w);

	/* an empty window is 0 busy, not a division by zero */
	b.mono_ns = a.mono_ns;
	assert_int_equal(vxoff__cpu_window_diff(&a, &b, &w), 0);
	assert_float_equal(vxoff__cpu_window_busy(&w), 0.0, 0);
	vxoff__cpu_window_free(&w);
	vxoff__cpu_sample_free(&a);
	vxoff__cpu_sample_free(&b);
}

static void test_window_cpu_offline(void **state)
{
	struct vxoff__cpu_sample a, b;
	struct vxoff__cpu_window w;

	(void)state;
	/* cpu2 went offline and cpu5 came online: only 0, 1 and 3 are in both */
	read_fx(FX("t0"), &a, 0);
	read_fx(FX("offline"), &b, 2000000000ull);
	assert_int_equal(b.ncpus, 4);
	assert_int_equal(vxoff__cpu_window_diff(&a, &b, &w), 0);
	assert_int_equal(w.ncpus, 3);
	assert_int_equal(w.ids[0], 0);
	assert_int_equal(w.ids[1], 1);
	assert_int_equal(w.ids[2], 3);
	assert_ticks(&w.delta[0], 150, 0, 100, 20, 0, 0, 80, 0);
	assert_ticks(&w.delta[1], 10, 0, 5, 180, 0, 0, 5, 0);
	assert_ticks(&w.delta[2], 40, 2, 25, 200, 2, 0, 55, 3);
	/* 330 + 20 + 122 = 472 ticks over 2 s */
	assert_float_equal(vxoff__cpu_window_busy(&w), 472.0 / w.hz / 2.0, 1e-9);
	vxoff__cpu_window_free(&w);

	/* the other way round: the same three */
	assert_int_equal(vxoff__cpu_window_diff(&b, &a, &w), 0);
	assert_int_equal(w.ncpus, 3);
	assert_int_equal(w.ids[2], 3);
	vxoff__cpu_window_free(&w);
	vxoff__cpu_sample_free(&a);
	vxoff__cpu_sample_free(&b);
}

static void test_window_backwards(void **state)
{
	struct vxoff__cpu_sample a, b;
	struct vxoff__cpu_window w;

	(void)state;
	read_fx(FX("t0"), &a, 3000000000ull);
	read_fx(FX("backwards"), &b, 5000000000ull);
	a.proc_user_us = 500;
	b.proc_user_us = 400;
	assert_int_equal(vxoff__cpu_window_diff(&a, &b, &w), 0);
	assert_int_equal(w.ncpus, 4);
	/* cpu1: user 1000 -> 900, idle 20000 -> 19000, iowait 25 -> 20, softirq 50 -> 40 */
	assert_ticks(&w.delta[1], 0, 0, 5, 0, 0, 0, 0, 0);
	assert_ticks(&w.delta[0], 150, 0, 100, 20, 0, 0, 80, 0);
	assert_int_equal(w.proc_user_us, 0);
	/* 330 + 5 + 240 + 122 = 697 ticks over 2 s */
	assert_float_equal(vxoff__cpu_window_busy(&w), 697.0 / w.hz / 2.0, 1e-9);
	vxoff__cpu_window_free(&w);

	/* samples in the wrong order: every counter "went backwards", nothing wraps */
	assert_int_equal(vxoff__cpu_window_diff(&b, &a, &w), 0);
	assert_int_equal(w.window_ns, 0);
	assert_ticks(&w.delta[0], 0, 0, 0, 0, 0, 0, 0, 0);
	assert_float_equal(vxoff__cpu_window_busy(&w), 0.0, 0);
	vxoff__cpu_window_free(&w);
	vxoff__cpu_sample_free(&a);
	vxoff__cpu_sample_free(&b);
}

static void test_bad_files(void **state)
{
	struct vxoff__cpu_sample s;

	(void)state;
	assert_int_equal(vxoff__cpu_sample_read(FX("empty"), &s), -ENODATA);
	assert_null(s.ids);
	assert_int_equal(vxoff__cpu_sample_read(FX("short"), &s), -EPROTO);
	assert_int_equal(vxoff__cpu_sample_read(FX("hugeid"), &s), -ERANGE);
	assert_int_equal(vxoff__cpu_sample_read(FX("no-such-root"), &s), -ENOENT);
}

static uint64_t process_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void test_real_proc(void **state)
{
	struct vxoff__cpu_sample a, b;
	struct vxoff__cpu_window w;
	volatile uint64_t spin = 0;
	uint64_t t0, c0;

	(void)state;
	assert_int_equal(vxoff__cpu_sample_read(NULL, &a), 0);
	assert_true(a.ncpus >= 1);
	/* 50 ms of our own CPU (by another clock) shows up in our own figures; spinning by wall
	 * time would depend on how busy the machine is */
	t0 = vxoff__mono_ns();
	c0 = process_cpu_ns();
	while (process_cpu_ns() - c0 < 50000000ull && vxoff__mono_ns() - t0 < 5000000000ull)
		spin++;
	assert_int_equal(vxoff__cpu_sample_read(NULL, &b), 0);
	assert_int_equal(vxoff__cpu_window_diff(&a, &b, &w), 0);
	assert_true(w.window_ns >= 50000000ull);
	assert_true(w.proc_user_us + w.proc_system_us >= 45000);
	assert_true(vxoff__cpu_window_busy(&w) >= 0.0);
	assert_true(vxoff__cpu_window_busy(&w) <= w.ncpus);
	vxoff__cpu_window_free(&w);
	vxoff__cpu_sample_free(&a);
	vxoff__cpu_sample_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_fields),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_window_cpu_offline),
		cmocka_unit_test(test_window_backwards),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_real_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
