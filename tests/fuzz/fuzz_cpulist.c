/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Fuzz the CPU mask and list parsers of lib/netlink/cpulist.c against simple reference
 * implementations written here: besides crashes, leaks and UB, a result that differs from
 * the reference (a wrong CPU set) is a finding.
 *
 * Input: bytes 0-1 choose nbits = 1 + (little-endian value % 4096) for vxoff__cpulist_parse();
 * the rest is the text, cut at the first NUL.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "netlink/core.h"

#include "fuzz.h"

/* ---- reference: "0-3,8,10-20:2,0-15:2/4", whitespace around numbers and commas as the
 * library ---- */

static bool ref_num(const char **p, unsigned long *v)
{
	unsigned long x = 0;

	if (!isdigit((unsigned char)**p))
		return false;
	while (isdigit((unsigned char)**p)) {
		unsigned d = (unsigned)(**p - '0');

		if (x > (~0ul - d) / 10)
			return false; /* above ULONG_MAX, as strtoul's ERANGE */
		x = x * 10 + d;
		(*p)++;
	}
	*v = x;
	return true;
}

static bool ref_cpulist(const char *p, uint64_t *bits, uint32_t nbits)
{
	memset(bits, 0, ((nbits + 63) / 64) * sizeof(uint64_t));
	while (isspace((unsigned char)*p))
		p++;
	while (*p) {
		unsigned long a, b, s = 1, used = 1, c;

		if (!ref_num(&p, &a))
			return false;
		b = a;
		if (*p == '-') {
			p++;
			if (!ref_num(&p, &b))
				return false;
			if (*p == ':') {
				p++;
				if (!ref_num(&p, &s) || s == 0)
					return false;
				if (*p == '/') { /* bitmap_parselist: the first s of every s2 */
					used = s;
					p++;
					if (!ref_num(&p, &s) || s < used)
						return false;
				}
			}
		}
		if (b < a || b >= nbits)
			return false;
		for (c = a;; c += s) { /* every a + k*s <= b, without wrapping, and used from it */
			for (unsigned long u = 0; u < used && c + u <= b; u++)
				bits[(c + u) / 64] |= 1ull << ((c + u) % 64);
			if (b - c < s)
				break;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p == ',') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				return false;
		} else if (*p) {
			return false;
		}
	}
	return true;
}

/* "ff,00000001": 32-bit hex groups, most significant first, blanks around each allowed. */
static bool ref_mask(const char *s, uint64_t **ret, uint32_t *nbits)
{
	size_t ngroups = 1, g = 0;
	uint64_t *bits;

	for (const char *q = s; *q; q++)
		ngroups += *q == ',';
	bits = calloc((ngroups * 32 + 63) / 64 + 1, sizeof(uint64_t));
	if (!bits)
		fuzz_fail("out of memory");
	for (const char *q = s;; g++) {
		const char *e = strchr(q, ',');
		size_t len = e ? (size_t)(e - q) : strlen(q);
		uint32_t v = 0;

		while (len && isspace((unsigned char)q[len - 1]))
			len--;
		while (len && isspace((unsigned char)*q)) {
			q++;
			len--;
		}
		if (len == 0 || len > 8) {
			free(bits);
			return false;
		}
		for (size_t k = 0; k < len; k++) {
			int c = tolower((unsigned char)q[k]);

			if (!isxdigit(c)) {
				free(bits);
				return false;
			}
			v = v << 4 | (uint32_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
		}
		/* group g (from the left) holds bits (ngroups-1-g)*32 .. +31 */
		for (uint32_t k = 0; k < 32; k++)
			if (v >> k & 1) {
				size_t bit = (ngroups - 1 - g) * 32 + k;

				bits[bit / 64] |= 1ull << (bit % 64);
			}
		if (!e)
			break;
		q = e + 1;
	}
	*ret = bits;
	*nbits = (uint32_t)(ngroups * 32);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t nbits, mbits, words;
	uint64_t *bits, *ref, *mref = NULL;
	char *s, *list = NULL;
	bool ok;
	int r;

	if (size < 2)
		return 0;
	nbits = 1 + (uint32_t)((data[0] | data[1] << 8) % 4096);
	s = malloc(size - 1);
	if (!s)
		fuzz_fail("out of memory");
	memcpy(s, data + 2, size - 2);
	s[size - 2] = '\0';

	/* the list parser */
	words = (nbits + 63) / 64;
	bits = malloc(words * sizeof(uint64_t)); /* exact size: ASan sees an overrun */
	ref = malloc(words * sizeof(uint64_t));
	if (!bits || !ref)
		fuzz_fail("out of memory");
	r = vxoff__cpulist_parse(s, bits, nbits);
	ok = ref_cpulist(s, ref, nbits);
	if ((r == 0) != ok)
		fuzz_fail("cpulist_parse(\"%s\", nbits %u) = %d, the reference %s", s, nbits, r,
			  ok ? "accepts it" : "rejects it");
	if (r == 0 && memcmp(bits, ref, words * sizeof(uint64_t)))
		fuzz_fail("cpulist_parse(\"%s\", nbits %u): another CPU set than the reference", s,
			  nbits);
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		fuzz_fail("cpulist_parse(\"%s\") = %d: not a documented error", s, r);
	free(bits);
	free(ref);

	/* the mask parser, and its output back through the list parser */
	r = vxoff__mask_to_cpulist(s, &list);
	ok = ref_mask(s, &mref, &mbits);
	if ((r == 0) != ok)
		fuzz_fail("mask_to_cpulist(\"%s\") = %d, the reference %s", s, r,
			  ok ? "accepts it" : "rejects it");
	if (r == 0) {
		words = (mbits + 63) / 64;
		bits = malloc(words * sizeof(uint64_t));
		if (!bits || !list)
			fuzz_fail("mask_to_cpulist(\"%s\"): no list", s);
		r = vxoff__cpulist_parse(list, bits, mbits);
		if (r != 0)
			fuzz_fail("mask \"%s\" gave list \"%s\", which does not parse (%d)", s, list,
				  r);
		if (memcmp(bits, mref, words * sizeof(uint64_t)))
			fuzz_fail("mask \"%s\" gave list \"%s\": another CPU set", s, list);
		free(bits);
	}
	free(mref);
	free(list);
	free(s);
	return 0;
}
