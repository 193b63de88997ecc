/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* A growable string with a sticky allocation error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

void vxoff__sb_init(struct vxoff__strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void vxoff__sb_add(struct vxoff__strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->err)
		return;
	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->s ? sb->s + sb->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->err = -EINVAL;
			return;
		}
		if ((size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		size_t cap = sb->cap ? sb->cap : 64;
		while (cap < sb->len + (size_t)n + 1)
			cap *= 2;
		char *s = realloc(sb->s, cap);
		if (!s) {
			sb->err = -ENOMEM;
			return;
		}
		sb->s = s;
		sb->cap = cap;
	}
}

char *vxoff__sb_steal(struct vxoff__strbuf *sb)
{
	char *s = sb->err ? NULL : sb->s;

	if (sb->err)
		free(sb->s);
	else if (!s)
		s = calloc(1, 1);
	vxoff__sb_init(sb);
	return s;
}

void vxoff__sb_free(struct vxoff__strbuf *sb)
{
	free(sb->s);
	vxoff__sb_init(sb);
}

void *vxoff__grow(void *v, uint32_t *cap, uint32_t n, size_t sz)
{
	uint32_t c;
	void *p;

	if (n < *cap)
		return v;
	c = *cap ? *cap * 2 : 16;
	if (c <= n || (size_t)c > SIZE_MAX / sz)
		return NULL;
	p = realloc(v, (size_t)c * sz);
	if (p)
		*cap = c;
	return p;
}

char *vxoff__strdup0(const char *s)
{
	return strdup(s ? s : "");
}
