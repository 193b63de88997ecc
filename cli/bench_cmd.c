/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* vxoff bench: not written yet. */
#include <stdio.h>

#include "cli.h"

int cmd_bench(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("vxoff bench: not implemented yet\n", stderr);
	return CLI_EXIT_FAIL;
}
