/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * CPU masks as sysfs prints them ("ff,00000001": 32-bit hex groups, most significant first)
 * and CPU lists ("0-3,8,10-20:2"). No 64-CPU limit.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int vxoff__mask_to_cpulist(const char *mask, char **ret)
{
	struct vxoff__strbuf sb;
	size_t n = strlen(mask), i;
	uint32_t *groups = NULL, ngroups = 0, bit, nbits;
	const char *p = mask;
	long first = -1;
	bool any = false;

	/* count groups and validate */
	for (i = 0; i <= n; i++) {
		if (i == n || mask[i] == ',') {
			size_t len = (size_t)(mask + i - p);
			uint32_t *g;
			char tmp[9];

			while (len && isspace((unsigned char)p[len - 1]))
				len--;
			while (len && isspace((unsigned char)*p)) {
				p++;
				len--;
			}
			if (len == 0 || len > 8) {
				free(groups);
				return -EINVAL;
			}
			memcpy(tmp, p, len);
			tmp[len] = '\0';
			for (size_t k = 0; k < len; k++)
				if (!isxdigit((unsigned char)tmp[k])) {
					free(groups);
					return -EINVAL;
				}
			g = realloc(groups, (ngroups + 1) * sizeof(*g));
			if (!g) {
				free(groups);
				return -ENOMEM;
			}
			groups = g;
			groups[ngroups++] = (uint32_t)strtoul(tmp, NULL, 16);
			p = mask + i + 1;
		}
	}
	nbits = ngroups * 32;
	vxoff__sb_init(&sb);
	for (bit = 0; bit <= nbits; bit++) {
		bool set = false;

		if (bit < nbits) {
			uint32_t g = groups[ngroups - 1 - bit / 32];

			set = (g >> (bit % 32)) & 1;
		}
		if (set && first < 0)
			first = bit;
		if (!set && first >= 0) {
			long last = (long)bit - 1;

			if (last == first)
				vxoff__sb_add(&sb, "%s%ld", any ? "," : "", first);
			else
				vxoff__sb_add(&sb, "%s%ld-%ld", any ? "," : "", first, last);
			any = true;
			first = -1;
		}
	}
	free(groups);
	*ret = vxoff__sb_steal(&sb);
	return *ret ? 0 : -ENOMEM;
}

static int parse_num(const char **p, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*v = strtoul(*p, &end, 10);
	if (errno)
		return -ERANGE;
	*p = end;
	return 0;
}

int vxoff__cpulist_parse(const char *list, uint64_t *bits, uint32_t nbits)
{
	const char *p = list;

	memset(bits, 0, ((nbits + 63) / 64) * sizeof(uint64_t));
	while (isspace((unsigned char)*p))
		p++;
	while (*p) {
		unsigned long a, b, stride = 1;
		int r = parse_num(&p, &a);

		if (r < 0)
			return r;
		b = a;
		if (*p == '-') {
			p++;
			r = parse_num(&p, &b);
			if (r < 0)
				return r;
			if (*p == ':') {
				p++;
				r = parse_num(&p, &stride);
				if (r < 0 || stride == 0)
					return -EINVAL;
			}
		}
		if (b < a)
			return -EINVAL;
		if (b >= nbits)
			return -ERANGE;
		for (unsigned long c = a; c <= b; c = b - c < stride ? b + 1 : c + stride)
			bits[c / 64] |= 1ull << (c % 64);
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ',') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				return -EINVAL;
		} else if (*p) {
			return -EINVAL;
		}
	}
	return 0;
}
