/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * ethtool bitsets (compact and verbose) and string sets. Everything here parses kernel input,
 * so every length is checked and a malformed nest is -EPROTO, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "netlink/compat.h"
#include "probe_internal.h"

/* Larger than any string set the kernel has (features: 64); guards a bogus COUNT. */
#define STRSET_COUNT_MAX 65536u

static uint32_t words_for(uint32_t bits)
{
	return bits / 32 + (bits % 32 != 0);
}

static int parse_compact(const struct nlattr *const *tb, bool nomask, uint32_t size,
			 uint32_t *words, uint32_t nwords)
{
	const struct nlattr *val = tb[ETHTOOL_A_BITSET_VALUE];
	const struct nlattr *mask = nomask ? NULL : tb[ETHTOOL_A_BITSET_MASK];
	size_t n = words_for(size);
	const uint8_t *vp, *mp = NULL;
	size_t k;

	/* the kernel sends exactly ceil(SIZE/32) words: anything else is not a bitset */
	if (mnl_attr_get_payload_len(val) != n * sizeof(uint32_t))
		return -EPROTO;
	if (mask) {
		if (mnl_attr_get_payload_len(mask) != n * sizeof(uint32_t))
			return -EPROTO;
		mp = mnl_attr_get_payload(mask);
	}
	vp = mnl_attr_get_payload(val);
	k = n < nwords ? n : nwords;
	for (size_t i = 0; i < k; i++) {
		uint32_t v, m = UINT32_MAX;

		memcpy(&v, vp + i * sizeof(v), sizeof(v));
		if (mp)
			memcpy(&m, mp + i * sizeof(m), sizeof(m));
		/* a bit outside the mask is not known to be set */
		words[i] = v & m;
	}
	if (k == n && k > 0 && size % 32)
		words[k - 1] &= (1u << (size % 32)) - 1;
	return 0;
}

static int name_index(const struct vxoff__strset *names, const char *name, uint32_t *idx)
{
	if (!names)
		return -EPROTO;
	for (uint32_t i = 0; i < names->count; i++) {
		if (names->names[i] && !strcmp(names->names[i], name)) {
			*idx = i;
			return 0;
		}
	}
	return -EPROTO;
}

static int parse_verbose(const struct nlattr *const *tb, bool nomask, bool has_size, uint32_t *size,
			 uint32_t *words, uint32_t nwords, const struct vxoff__strset *names)
{
	const struct nlattr *bits = tb[ETHTOOL_A_BITSET_BITS], *bit;
	uint32_t seen = 0;

	if (!bits)
		goto out; /* no bit listed: all clear */
	if (vxoff__nest_check(bits) < 0)
		return -EPROTO;
	mnl_attr_for_each_nested(bit, bits) {
		const struct nlattr *btb[ETHTOOL_A_BITSET_BIT_MAX + 1];
		const char *name;
		uint32_t idx;

		if (mnl_attr_get_type(bit) != ETHTOOL_A_BITSET_BITS_BIT)
			continue;
		if (vxoff__attr_parse_nested(bit, btb, ETHTOOL_A_BITSET_BIT_MAX) < 0)
			return -EPROTO;
		if (btb[ETHTOOL_A_BITSET_BIT_INDEX]) {
			if (vxoff__attr_u32(btb[ETHTOOL_A_BITSET_BIT_INDEX], &idx) < 0)
				return -EPROTO;
		} else if (btb[ETHTOOL_A_BITSET_BIT_NAME]) {
			/* a bit named only by its string: its index is where the set has it */
			if (vxoff__attr_str(btb[ETHTOOL_A_BITSET_BIT_NAME], &name) < 0 ||
			    name_index(names, name, &idx) < 0)
				return -EPROTO;
		} else {
			return -EPROTO;
		}
		if (has_size && idx >= *size)
			return -EPROTO;
		if (idx >= seen)
			seen = idx + 1;
		/* NOMASK lists the set bits; otherwise a listed bit is set only with VALUE */
		if ((nomask || btb[ETHTOOL_A_BITSET_BIT_VALUE]) && idx / 32 < nwords)
			words[idx / 32] |= 1u << (idx % 32);
	}
out:
	if (!has_size)
		*size = seen;
	return 0;
}

int vxoff__bitset_parse(const struct nlattr *nest, uint32_t *words, uint32_t nwords,
			uint32_t *nbits, const struct vxoff__strset *names)
{
	const struct nlattr *tb[ETHTOOL_A_BITSET_MAX + 1];
	uint32_t size = 0;
	bool nomask;
	int r;

	if (!words)
		nwords = 0;
	if (nwords)
		memset(words, 0, nwords * sizeof(*words));
	if (!nest || vxoff__attr_parse_nested(nest, tb, ETHTOOL_A_BITSET_MAX) < 0)
		return -EPROTO;
	if (tb[ETHTOOL_A_BITSET_SIZE] && vxoff__attr_u32(tb[ETHTOOL_A_BITSET_SIZE], &size) < 0)
		return -EPROTO;
	nomask = tb[ETHTOOL_A_BITSET_NOMASK] != NULL;
	if (tb[ETHTOOL_A_BITSET_VALUE]) {
		/* compact: the array length is only meaningful against SIZE */
		r = tb[ETHTOOL_A_BITSET_SIZE] ? parse_compact(tb, nomask, size, words, nwords)
					      : -EPROTO;
	} else {
		r = parse_verbose(tb, nomask, tb[ETHTOOL_A_BITSET_SIZE] != NULL, &size, words,
				  nwords, names);
	}
	if (r < 0) {
		if (nwords)
			memset(words, 0, nwords * sizeof(*words));
		return r;
	}
	if (nbits)
		*nbits = size;
	return 0;
}

/* ---- string sets ---- */

struct strset_req {
	uint32_t id;
	struct vxoff__strset *set;
};

static struct vxoff__strset *strset_new(uint32_t count)
{
	struct vxoff__strset *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->refs = 1;
	if (count) {
		s->names = calloc(count, sizeof(*s->names));
		if (!s->names) {
			free(s);
			return NULL;
		}
	}
	s->count = count;
	return s;
}

static int parse_strings(struct vxoff__strset *s, const struct nlattr *strings)
{
	const struct nlattr *a;

	if (vxoff__nest_check(strings) < 0)
		return -EPROTO;
	mnl_attr_for_each_nested(a, strings) {
		const struct nlattr *tb[ETHTOOL_A_STRING_MAX + 1];
		const char *v;
		uint32_t idx;
		char *dup;

		if (mnl_attr_get_type(a) != ETHTOOL_A_STRINGS_STRING)
			continue;
		if (vxoff__attr_parse_nested(a, tb, ETHTOOL_A_STRING_MAX) < 0 ||
		    !tb[ETHTOOL_A_STRING_INDEX] || !tb[ETHTOOL_A_STRING_VALUE] ||
		    vxoff__attr_u32(tb[ETHTOOL_A_STRING_INDEX], &idx) < 0 ||
		    vxoff__attr_str(tb[ETHTOOL_A_STRING_VALUE], &v) < 0 || idx >= s->count)
			return -EPROTO;
		dup = strdup(v);
		if (!dup)
			return -ENOMEM;
		free(s->names[idx]);
		s->names[idx] = dup;
	}
	return 0;
}

static int parse_stringset(struct strset_req *q, const struct nlattr *set)
{
	const struct nlattr *tb[ETHTOOL_A_STRINGSET_MAX + 1];
	struct vxoff__strset *s;
	uint32_t id, count;
	int r;

	if (vxoff__attr_parse_nested(set, tb, ETHTOOL_A_STRINGSET_MAX) < 0 ||
	    !tb[ETHTOOL_A_STRINGSET_ID] || vxoff__attr_u32(tb[ETHTOOL_A_STRINGSET_ID], &id) < 0)
		return -EPROTO;
	if (id != q->id)
		return 0;
	if (!tb[ETHTOOL_A_STRINGSET_COUNT] ||
	    vxoff__attr_u32(tb[ETHTOOL_A_STRINGSET_COUNT], &count) < 0 || count > STRSET_COUNT_MAX)
		return -EPROTO;
	s = strset_new(count);
	if (!s)
		return -ENOMEM;
	r = tb[ETHTOOL_A_STRINGSET_STRINGS] ? parse_strings(s, tb[ETHTOOL_A_STRINGSET_STRINGS]) : 0;
	if (r < 0) {
		vxoff__strset_put(s);
		return r;
	}
	vxoff__strset_put(q->set); /* a repeated set: the last one wins */
	q->set = s;
	return 0;
}

static int strset_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[ETHTOOL_A_STRSET_MAX + 1], *set;
	struct strset_req *q = data;
	const struct genlmsghdr *g;
	int r;

	if (vxoff__nlmsg_check(nlh, GENL_HDRLEN) < 0)
		return -EPROTO;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != ETHTOOL_MSG_STRSET_GET_REPLY)
		return 0;
	if (vxoff__attr_parse_msg(nlh, GENL_HDRLEN, tb, ETHTOOL_A_STRSET_MAX) < 0)
		return -EPROTO;
	if (!tb[ETHTOOL_A_STRSET_STRINGSETS])
		return 0;
	if (vxoff__nest_check(tb[ETHTOOL_A_STRSET_STRINGSETS]) < 0)
		return -EPROTO;
	mnl_attr_for_each_nested(set, tb[ETHTOOL_A_STRSET_STRINGSETS]) {
		if (mnl_attr_get_type(set) != ETHTOOL_A_STRINGSETS_STRINGSET)
			continue;
		r = parse_stringset(q, set);
		if (r < 0)
			return r;
	}
	return 0;
}

int vxoff__strset_get(struct vxoff_ctx *ctx, uint32_t set_id, struct vxoff__strset **ret)
{
	union vxoff__req_buf rb = { .buf = { 0 } };
	struct strset_req q = { set_id, NULL };
	struct vxoff__nl_handler h = { .msg = strset_cb, .data = &q, .hdrlen = GENL_HDRLEN };
	struct nlattr *hdr, *sets, *set;
	struct nlmsghdr *nlh;
	char what[64];
	int fam, r;

	fam = vxoff__genl_family(ctx, ETHTOOL_GENL_NAME, NULL);
	if (fam < 0)
		return fam;
	nlh = vxoff__genl_put(rb.buf, (uint16_t)fam, ETHTOOL_MSG_STRSET_GET, ETHTOOL_GENL_VERSION,
			      0);
	/* a global set: an empty header (no header at all is EINVAL); the kernel wants
	 * NLA_F_NESTED on every nest it parses */
	hdr = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_HEADER);
	hdr->nla_type |= NLA_F_NESTED;
	mnl_attr_nest_end(nlh, hdr);
	sets = mnl_attr_nest_start(nlh, ETHTOOL_A_STRSET_STRINGSETS);
	sets->nla_type |= NLA_F_NESTED;
	set = mnl_attr_nest_start(nlh, ETHTOOL_A_STRINGSETS_STRINGSET);
	set->nla_type |= NLA_F_NESTED;
	mnl_attr_put_u32(nlh, ETHTOOL_A_STRINGSET_ID, set_id);
	mnl_attr_nest_end(nlh, set);
	mnl_attr_nest_end(nlh, sets);
	snprintf(what, sizeof(what), "ethtool STRSET_GET of string set %u", set_id);
	r = vxoff__nl_request(ctx, VXOFF__NL_GENL, nlh, &h, what);
	if (r < 0)
		goto fail;
	if (!q.set) {
		r = vxoff__err(ctx, -EPROTO, VXOFF_REASON_MALFORMED, "%s: the reply has no set %u",
			       what, set_id);
		goto fail;
	}
	*ret = q.set;
	return 0;
fail:
	vxoff__strset_put(q.set);
	return r;
}
