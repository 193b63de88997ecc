/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Shared by the fuzz targets and tests/fuzz/replay_main.c. Test code: it may print and abort. */
#ifndef VXOFF_TESTS_FUZZ_H
#define VXOFF_TESTS_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer's entry point; replay_main.c calls it for each file when libFuzzer is absent. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A harness invariant failed: report and abort, so libFuzzer saves the input. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz invariant failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Keep computed values alive so the reads are not optimised away. */
static inline void fuzz_sink(size_t v)
{
	volatile size_t s = v;

	(void)s;
}

#endif
