/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * CPU masks as sysfs prints them ("ff,00000001": 32-bit hex groups, most significant first)
 * and CPU lists as the kernel's bitmap_parselist() reads them ("0-3,8,10-20:2", and
 * "0-15:2/4" = the first 2 of every group of 4). No 64-CPU limit. The library's one list
 * parser and formatter: tune's CPU sets use them too.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static bool bit_set(const uint64_t *bits, uint32_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1;
}

char *vxoff__cpulist_format(const uint64_t *bits, uint32_t nbits)
{
	struct vxoff__strbuf sb;
	bool any = false;

	vxoff__sb_init(&sb);
	vxoff__sb_add(&sb, "%s", ""); /* "" rather than NULL for an empty set */
	for (uint32_t i = 0; i < nbits; i++) {
		uint32_t j = i;

		if (!bit_set(bits, i))
			continue;
		while (j + 1 < nbits && bit_set(bits, j + 1))
			j++;
		if (j == i)
			vxoff__sb_add(&sb, "%s%u", any ? "," : "", i);
		else
			vxoff__sb_add(&sb, "%s%u-%u", any ? "," : "", i, j);
		any = true;
		i = j;
	}
	return vxoff__sb_steal(&sb);
}

int vxoff__mask_to_cpulist(const char *mask, char **ret)
{
	size_t ngroups = 1;
	const char *p = mask;
	uint64_t *bits;

	for (const char *q = mask; *q; q++)
		ngroups += *q == ',';
	bits = calloc((ngroups + 1) / 2, sizeof(*bits));
	if (!bits)
		return -ENOMEM;
	/* group g from the left holds bits (ngroups - 1 - g) * 32 .. + 31 */
	for (size_t g = 0;; g++) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p), at = ngroups - 1 - g;
		char tmp[9];

		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		while (len && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		if (len == 0 || len > 8 || strspn(p, "0123456789abcdefABCDEF") < len) {
			free(bits);
			return -EINVAL;
		}
		memcpy(tmp, p, len);
		tmp[len] = '\0';
		bits[at / 2] |= (uint64_t)strtoul(tmp, NULL, 16) << (at % 2 * 32);
		if (!e)
			break;
		p = e + 1;
	}
	*ret = vxoff__cpulist_format(bits, (uint32_t)(ngroups * 32));
	free(bits);
	return *ret ? 0 : -ENOMEM;
}

static void skip_space(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
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

/* After "a-b:": a stride "s" (every s-th CPU = the first 1 of every group of s) or
 * bitmap_parselist's "used/group". Anything else, zero or too large, is malformed. */
static int parse_step(const char **p, unsigned long *used, unsigned long *group)
{
	unsigned long n;

	if (parse_num(p, &n) < 0 || !n)
		return -EINVAL;
	*used = 1;
	*group = n;
	if (**p != '/')
		return 0;
	(*p)++;
	if (parse_num(p, group) < 0 || *group < n)
		return -EINVAL;
	*used = n;
	return 0;
}

int vxoff__cpulist_parse_ex(const char *list, uint64_t *bits, uint32_t nbits, uint32_t *bad)
{
	const char *p = list;

	memset(bits, 0, ((nbits + 63) / 64) * sizeof(uint64_t));
	if (!list)
		return -EINVAL;
	skip_space(&p);
	while (*p) {
		unsigned long a, b, used = 1, group = 1;
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
				if (parse_step(&p, &used, &group) < 0)
					return -EINVAL;
			}
		}
		if (b < a)
			return -EINVAL;
		if (b >= nbits) {
			if (bad)
				*bad = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
			return -ERANGE;
		}
		for (unsigned long c = a; c <= b; c++)
			if ((c - a) % group < used)
				bits[c / 64] |= 1ull << (c % 64);
		skip_space(&p);
		if (*p == ',') {
			p++;
			skip_space(&p);
			if (!*p)
				return -EINVAL;
		} else if (*p) {
			return -EINVAL;
		}
	}
	return 0;
}

int vxoff__cpulist_parse(const char *list, uint64_t *bits, uint32_t nbits)
{
	return vxoff__cpulist_parse_ex(list, bits, nbits, NULL);
}
