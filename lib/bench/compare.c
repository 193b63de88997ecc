/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* lib/bench/compare.c: see bench_internal.h for what this file owns. */
#include "bench/bench_internal.h"
