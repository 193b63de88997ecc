/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* lib/tune/apply.c: see tune_internal.h for what this file owns. */
#include "tune/tune_internal.h"
