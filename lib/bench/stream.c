/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* lib/bench/stream.c: see bench_internal.h for what this file owns. */
#include "bench/bench_internal.h"
