/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* vxoff lab: not written yet. */
#include <stdio.h>

#include "cli.h"

int cmd_lab(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("vxoff lab: not implemented yet\n", stderr);
	return CLI_EXIT_FAIL;
}
