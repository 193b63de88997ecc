/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
#include <stdio.h>
#include <vxoff/vxoff.h>
int main(void)
{
	printf("%s\n", vxoff_version_string());
	return 0;
}
