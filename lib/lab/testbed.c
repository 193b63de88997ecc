/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* lib/lab/testbed.c: not written yet. */
#include <vxoff/lab.h>
