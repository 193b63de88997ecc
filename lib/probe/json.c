/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Probe results as JSON, schema "vxoff-probe/1" (docs/probe-json.md), built with json-c.
 *
 * Every value is read through the public accessors, so the JSON and the C API cannot disagree.
 * An item that is not VXOFF_CAP_YES is null, with its status and reason under "unavailable";
 * a value the kernel did not report is null. Nothing is ever filled in with a guess.
 *
 * Speed: 1000 VXLAN devices x 64 features make about 6.6 MB of JSON. A plain json-c tree of
 * them took ~50 ms on a 2-core box; this file takes ~20 ms, and prints exactly what json-c
 * prints for that tree (checked by parsing and printing again with json-c), because:
 *  - a device's tree is printed and freed as soon as it is built, straight into the output
 *    buffer: one device's objects stay in cache and the next reuses their memory, where one
 *    tree of 1000 devices is walked cold three times (build, print, free);
 *  - the feature table, two thirds of the bytes, is one object printed through json-c's
 *    userdata serializer from text assembled from its eight possible states, each printed by
 *    json-c once, instead of 64 objects and 192 members per device.
 *
 * Memory: every allocation made here or returned by json-c is checked (-ENOMEM, nothing
 * leaked; tested by failing each allocation in turn). json-c itself ignores a failed growth of
 * its print buffer in the middle of printing (only the last append's status is returned), so
 * under memory exhaustion it can hand back short text without an error; short of parsing the
 * text again, nothing here can tell.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <json-c/json.h>

#include "probe_internal.h"

#define SCHEMA VXOFF_PROBE_JSON_SCHEMA

/*
 * Every key is a string literal, a static name or a string owned by the devinfo, all of which
 * outlive the tree (it is freed before we return), and each is added once: json-c need neither
 * copy the key nor look it up first.
 */
#define KEY_FLAGS (JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT)

/* Feature state bits, as an index into jb.fstate. */
#define FS_ACTIVE 1u
#define FS_FIXED 2u
#define FS_REQUEST_DIFFERS 4u /* "requested" printed: only when it differs from "active" */

/* A growing NUL-terminated text buffer. */
struct sbuf {
	char *p;
	size_t len;
	size_t cap;
};

/*
 * Builder state. The first failed allocation is kept in err and turns every later add into a
 * no-op that drops its value, so the builders need no error path of their own: the caller
 * checks err once and frees the tree.
 */
struct jb {
	int err;
	/* json-c's JSON_C_TO_STRING_* for our flags */
	int jflags;
	bool pretty;
	/* immutable, shared by reference count */
	struct json_object *bools[2];
	/* the eight states {"active", "fixed", "requested"} of a feature, printed */
	char *fstate[8];
	size_t fstate_len[8];
	/* the current device's feature table and verdict, printed */
	struct sbuf ftxt;
	struct sbuf vtxt;
	/* "name": of each feature of fset, at fnames.p + fname_off[i] */
	const struct vxoff__strset *fset;
	struct sbuf fnames;
	uint32_t *fname_off;
	bool have_ftxt;
	bool have_vtxt;
};

static void jb_fail(struct jb *j)
{
	if (!j->err)
		j->err = -ENOMEM;
}

/* ---- text buffer ---- */

static int sb_reserve(struct sbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->cap - b->len > n) /* room for n bytes and the NUL */
		return 0;
	while (cap - b->len <= n) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static int sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (sb_reserve(b, n) < 0)
		return -ENOMEM;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int sb_pad(struct sbuf *b, size_t n)
{
	if (sb_reserve(b, n) < 0)
		return -ENOMEM;
	memset(b->p + b->len, ' ', n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/*
 * Append json-c output printed at level 0 as if it were printed pad / 2 levels deeper:
 * json-c indents by two spaces a level and emits raw newlines only between members
 * (a newline inside a string is escaped), so shifting each line is exact.
 */
static int sb_put_shifted(struct sbuf *b, const char *s, size_t n, size_t pad)
{
	const char *end = s + n, *nl;

	while (pad && (nl = memchr(s, '\n', (size_t)(end - s)))) {
		if (sb_put(b, s, (size_t)(nl + 1 - s)) < 0 || sb_pad(b, pad) < 0)
			return -ENOMEM;
		s = nl + 1;
	}
	return sb_put(b, s, (size_t)(end - s));
}

/*
 * Write s[0..n) as the body of a JSON string, escaped as json-c escapes (NOSLASHESCAPE), to w,
 * which has room for 6 * n bytes. Return the end.
 */
static char *jesc(char *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\') {
			*w++ = (char)c;
			continue;
		}
		*w++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*w++ = (char)c;
			break;
		case '\b':
			*w++ = 'b';
			break;
		case '\f':
			*w++ = 'f';
			break;
		case '\n':
			*w++ = 'n';
			break;
		case '\r':
			*w++ = 'r';
			break;
		case '\t':
			*w++ = 't';
			break;
		default:
			/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): not a C string */
			memcpy(w, "u00", 3);
			w[3] = hex[c >> 4];
			w[4] = hex[c & 15];
			w += 5;
		}
	}
	return w;
}

/* A quoted JSON string. */
static int sb_put_jstr(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	char *w;

	if (n > (SIZE_MAX - 3) / 6 || sb_reserve(b, 6 * n + 2) < 0)
		return -ENOMEM;
	w = b->p + b->len;
	*w++ = '"';
	w = jesc(w, s, n);
	*w++ = '"';
	*w = '\0';
	b->len = (size_t)(w - b->p);
	return 0;
}

/*
 * A text writer for the hot parts of a device (link, verdict): objects written straight into a
 * buffer, formatted as json-c formats them. Keys are our own ASCII literals (no escaping).
 */
struct tw {
	struct jb *j;
	struct sbuf *b;
	size_t indent; /* spaces before a member when pretty */
	bool first;
	int err;
};

static void tw_put(struct tw *t, const char *s, size_t n)
{
	if (!t->err && sb_put(t->b, s, n) < 0)
		t->err = -ENOMEM;
}

static void tw_key(struct tw *t, const char *k)
{
	if (!t->first)
		tw_put(t, ",", 1);
	t->first = false;
	if (t->j->pretty) {
		tw_put(t, "\n", 1);
		if (!t->err && sb_pad(t->b, t->indent) < 0)
			t->err = -ENOMEM;
	}
	tw_put(t, "\"", 1);
	tw_put(t, k, strlen(k));
	tw_put(t, t->j->pretty ? "\": " : "\":", t->j->pretty ? 3 : 2);
}

static void tw_null(struct tw *t, const char *k)
{
	tw_key(t, k);
	tw_put(t, "null", 4);
}

/* Decimal digits of v at the end of buf[24]; returns the first. snprintf costs more than
 * the rest of a member. */
static char *u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void tw_u64(struct tw *t, const char *k, bool present, uint64_t v)
{
	char num[24], *p;

	if (!present) {
		tw_null(t, k);
		return;
	}
	tw_key(t, k);
	p = u64_digits(num + sizeof(num), v);
	tw_put(t, p, (size_t)(num + sizeof(num) - p));
}

static void tw_i64(struct tw *t, const char *k, bool present, int64_t v)
{
	char num[24];
	int n;

	if (!present) {
		tw_null(t, k);
		return;
	}
	tw_key(t, k);
	n = snprintf(num, sizeof(num), "%" PRId64, v);
	tw_put(t, num, (size_t)n);
}

/* A string member; NULL or "" is null. */
static void tw_str(struct tw *t, const char *k, const char *v)
{
	if (!v || !*v) {
		tw_null(t, k);
		return;
	}
	tw_key(t, k);
	if (!t->err && sb_put_jstr(t->b, v) < 0)
		t->err = -ENOMEM;
}

/* Open an object or array member (NULL k: an array element); members go one level deeper. */
static void tw_open(struct tw *t, const char *k, char brace)
{
	if (k) {
		tw_key(t, k);
	} else {
		if (!t->first)
			tw_put(t, ",", 1);
		if (t->j->pretty) {
			tw_put(t, "\n", 1);
			if (!t->err && sb_pad(t->b, t->indent) < 0)
				t->err = -ENOMEM;
		}
	}
	tw_put(t, &brace, 1);
	t->indent += 2;
	t->first = true;
}

static void tw_close(struct tw *t, char brace)
{
	bool empty = t->first;

	t->indent -= 2;
	if (t->j->pretty && !empty) {
		tw_put(t, "\n", 1);
		if (!t->err && sb_pad(t->b, t->indent) < 0)
			t->err = -ENOMEM;
	}
	tw_put(t, &brace, 1);
	t->first = false;
}

/* ---- json-c helpers ---- */

/* Add v (owned) to object o under key k; a NULL v is an allocation failure. */
static void jadd(struct jb *j, struct json_object *o, const char *k, struct json_object *v)
{
	if (j->err || !v) {
		json_object_put(v);
		jb_fail(j);
		return;
	}
	if (json_object_object_add_ex(o, k, v, KEY_FLAGS) < 0) {
		json_object_put(v); /* json-c does not take v when the add fails */
		jb_fail(j);
	}
}

static void jadd_null(struct jb *j, struct json_object *o, const char *k)
{
	if (j->err)
		return;
	if (json_object_object_add_ex(o, k, NULL, KEY_FLAGS) < 0)
		jb_fail(j);
}

static void jpush(struct jb *j, struct json_object *a, struct json_object *v)
{
	if (j->err || !v) {
		json_object_put(v);
		jb_fail(j);
		return;
	}
	if (json_object_array_add(a, v) < 0) {
		json_object_put(v);
		jb_fail(j);
	}
}

static struct json_object *jobj(struct jb *j)
{
	struct json_object *o = j->err ? NULL : json_object_new_object();

	if (!o)
		jb_fail(j);
	return o;
}

static struct json_object *jarr(struct jb *j, uint32_t n)
{
	/* json-c mallocs the initial slots: 0 would be malloc(0) */
	struct json_object *a = j->err ? NULL : json_object_new_array_ext(n ? (int)n : 1);

	if (!a)
		jb_fail(j);
	return a;
}

static struct json_object *jbool(struct jb *j, bool b)
{
	return json_object_get(j->bools[b ? 1 : 0]);
}

static void jadd_u32(struct jb *j, struct json_object *o, const char *k, uint32_t v)
{
	jadd(j, o, k, json_object_new_int64(v));
}

/* v if the kernel reported it, else null */
static void jadd_u32_if(struct jb *j, struct json_object *o, const char *k, bool present,
			uint32_t v)
{
	if (present)
		jadd_u32(j, o, k, v);
	else
		jadd_null(j, o, k);
}

static void jadd_bool_if(struct jb *j, struct json_object *o, const char *k, bool present, bool v)
{
	if (present)
		jadd(j, o, k, jbool(j, v));
	else
		jadd_null(j, o, k);
}

static void jadd_str(struct jb *j, struct json_object *o, const char *k, const char *s)
{
	jadd(j, o, k, json_object_new_string(s));
}

/* An empty string means "none" or "not reported" in the C structs: null in JSON. */
static int jb_init(struct jb *j, uint32_t flags)
{
	memset(j, 0, sizeof(*j));
	j->pretty = flags & VXOFF_JSON_PRETTY;
	/* no "\/" in "vxoff-probe/1": slashes need no escaping in JSON */
	j->jflags = JSON_C_TO_STRING_NOSLASHESCAPE;
	if (j->pretty)
		j->jflags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
	j->bools[0] = json_object_new_boolean(0);
	j->bools[1] = json_object_new_boolean(1);
	if (!j->bools[0] || !j->bools[1])
		jb_fail(j);
	/* the eight feature states, printed by json-c once, at their depth in a device (2) */
	for (uint32_t s = 0; s < 8 && !j->err; s++) {
		struct json_object *o = jobj(j);
		struct sbuf b = {0};
		const char *t;
		size_t len = 0;

		if (!o)
			break;
		jadd(j, o, "active", jbool(j, s & FS_ACTIVE));
		jadd(j, o, "fixed", jbool(j, s & FS_FIXED));
		/* as ethtool's "[requested on]": only where the request did not take effect */
		if (s & FS_REQUEST_DIFFERS)
			jadd(j, o, "requested", jbool(j, !(s & FS_ACTIVE)));
		t = j->err ? NULL : json_object_to_json_string_length(o, j->jflags, &len);
		if (!t || sb_put_shifted(&b, t, len, j->pretty ? 4 : 0) < 0) {
			free(b.p);
			jb_fail(j);
		} else {
			j->fstate[s] = b.p;
			j->fstate_len[s] = b.len;
		}
		json_object_put(o);
	}
	return j->err;
}

static void jb_fini(struct jb *j)
{
	for (uint32_t s = 0; s < 8; s++)
		free(j->fstate[s]);
	free(j->ftxt.p);
	free(j->vtxt.p);
	free(j->fnames.p);
	free(j->fname_off);
	json_object_put(j->bools[0]);
	json_object_put(j->bools[1]);
}

/* ---- names ---- */

static const char *errno_name(int e)
{
#define E(x)                                                                                       \
	case x:                                                                                    \
		return #x
	/* strerrorname_np() is glibc 2.32+ only; these are the errnos a probe can record */
	switch (e) {
		E(EPERM);
		E(ENOENT);
		E(ESRCH);
		E(EINTR);
		E(EIO);
		E(ENXIO);
		E(E2BIG);
		E(EBADF);
		E(ECHILD);
		E(EAGAIN);
		E(ENOMEM);
		E(EACCES);
		E(EFAULT);
		E(EBUSY);
		E(EEXIST);
		E(ENODEV);
		E(EINVAL);
		E(ENOSPC);
		E(ERANGE);
		E(ENOSYS);
		E(ENOMSG);
		E(ENODATA);
		E(ENOLINK);
		E(EPROTO);
		E(EBADMSG);
		E(EOVERFLOW);
		E(EMSGSIZE);
		E(EPROTONOSUPPORT);
		E(EOPNOTSUPP);
		E(EAFNOSUPPORT);
		E(EADDRNOTAVAIL);
		E(ENETDOWN);
		E(ENOBUFS);
		E(ETIMEDOUT);
		E(ECONNREFUSED);
		E(ECANCELED);
		E(ENOTRECOVERABLE);
	default:
		return NULL;
	}
#undef E
}

/* ETH_SS_UDP_TUNNEL_TYPES strings */
/* A name, or "<prefix>-N" for a bit or value this version has no name for. */
static struct json_object *name_or_num(const char *name, const char *prefix, uint32_t n)
{
	char buf[32];

	if (name)
		return json_object_new_string(name);
	snprintf(buf, sizeof(buf), "%s-%u", prefix, n);
	return json_object_new_string(buf);
}

/* ---- sections ---- */

static bool item_yes(const struct vxoff_devinfo *di, uint32_t item, struct vxoff_item_status *st)
{
	st->sz = sizeof(*st);
	if (vxoff_devinfo_item(di, item, st) < 0)
		return false;
	return st->cap == VXOFF_CAP_YES;
}

/* The link members of a device, written into t (a device object being written). */
static void link_text(struct tw *t, const struct vxoff_devinfo *di, bool have_drv)
{
	VXOFF_OUT(vxoff_link_info, l);
	uint32_t p;

	if (vxoff_devinfo_link(di, &l) < 0) {
		/* the link item is unknown: every field is null, "unavailable" says why */
		static const char *const keys[] = {
			"ifname",
			"ifindex",
			"kind",
			"address",
			"operstate",
			"mtu",
			"min_mtu",
			"max_mtu",
			"parent_ifindex",
			"underlay_ifindex",
			"master_ifindex",
			"link_netnsid",
			"driver",
			"bus_info",
			"firmware_version",
			"gso_max_size",
			"gso_max_segs",
			"gro_max_size",
			"gso_ipv4_max_size",
			"gro_ipv4_max_size",
			"tso_max_size",
			"tso_max_segs",
			"num_rx_queues",
			"num_tx_queues",
			"vxlan_link",
		};

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			tw_null(t, keys[i]);
		return;
	}
	p = l.present;
	tw_str(t, "ifname", l.ifname);
	tw_u64(t, "ifindex", true, l.ifindex);
	tw_str(t, "kind", l.kind);
	tw_str(t, "address", l.address);
	tw_str(t, "operstate", vxoff_operstate_name(l.operstate));
	tw_u64(t, "mtu", true, l.mtu);
	tw_u64(t, "min_mtu", p & VXOFF_LINK_HAS_MIN_MTU, l.min_mtu);
	tw_u64(t, "max_mtu", p & VXOFF_LINK_HAS_MAX_MTU, l.max_mtu);
	/* ifindex 0 is "none" in the C struct */
	tw_u64(t, "parent_ifindex", l.parent_ifindex, l.parent_ifindex);
	tw_u64(t, "underlay_ifindex", l.underlay_ifindex, l.underlay_ifindex);
	tw_u64(t, "master_ifindex", l.master_ifindex, l.master_ifindex);
	tw_i64(t, "link_netnsid", p & VXOFF_LINK_HAS_NETNSID, l.link_netnsid);
	tw_str(t, "driver", have_drv ? l.driver : NULL);
	tw_str(t, "bus_info", have_drv ? l.bus_info : NULL);
	tw_str(t, "firmware_version", have_drv ? l.fw_version : NULL);
	tw_u64(t, "gso_max_size", p & VXOFF_LINK_HAS_GSO_MAX_SIZE, l.gso_max_size);
	tw_u64(t, "gso_max_segs", p & VXOFF_LINK_HAS_GSO_MAX_SEGS, l.gso_max_segs);
	tw_u64(t, "gro_max_size", p & VXOFF_LINK_HAS_GRO_MAX_SIZE, l.gro_max_size);
	tw_u64(t, "gso_ipv4_max_size", p & VXOFF_LINK_HAS_GSO_IPV4_MAX_SIZE, l.gso_ipv4_max_size);
	tw_u64(t, "gro_ipv4_max_size", p & VXOFF_LINK_HAS_GRO_IPV4_MAX_SIZE, l.gro_ipv4_max_size);
	tw_u64(t, "tso_max_size", p & VXOFF_LINK_HAS_TSO_MAX_SIZE, l.tso_max_size);
	tw_u64(t, "tso_max_segs", p & VXOFF_LINK_HAS_TSO_MAX_SEGS, l.tso_max_segs);
	tw_u64(t, "num_rx_queues", p & VXOFF_LINK_HAS_QUEUES, l.num_rx_queues);
	tw_u64(t, "num_tx_queues", p & VXOFF_LINK_HAS_QUEUES, l.num_tx_queues);
	if (!(p & VXOFF_LINK_HAS_VXLAN)) {
		tw_null(t, "vxlan_link");
		return;
	}
	tw_open(t, "vxlan_link", '{');
	tw_u64(t, "vni", true, l.vxlan_vni);
	tw_u64(t, "port", true, l.vxlan_port);
	tw_str(t, "family", l.vxlan_family == AF_INET ? "ipv4"
			    : l.vxlan_family == AF_INET6 ? "ipv6"
							 : NULL);
	tw_close(t, '}');
}

/*
 * One feature as json-c prints an object member at level 2 (the table sits at level 1):
 * [","] ["\n" + 4 spaces] "name" ":" [" "] state. The hot loop: one reservation a feature.
 */
/*
 * The quoted, escaped names of a string set's features, built once per JSON document: every
 * device of a probe shares the set, so the hot loop below only copies.
 */
static int feature_names(struct jb *j, const struct vxoff__strset *set, uint32_t n)
{
	if (j->fset == set)
		return 0;
	j->fset = NULL;
	j->fnames.len = 0;
	free(j->fname_off);
	j->fname_off = calloc((size_t)n + 1, sizeof(*j->fname_off));
	if (!j->fname_off)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		j->fname_off[i] = (uint32_t)j->fnames.len;
		/* bits this kernel left unnamed have no meaning to report: empty */
		if (set->names[i] && *set->names[i] &&
		    (sb_put_jstr(&j->fnames, set->names[i]) < 0 ||
		     sb_put(&j->fnames, j->pretty ? ": " : ":", j->pretty ? 2 : 1) < 0))
			return -ENOMEM;
	}
	j->fname_off[n] = (uint32_t)j->fnames.len;
	j->fset = set;
	return 0;
}

static void features_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di)
{
	uint32_t n = vxoff_devinfo_feature_count(di);
	struct sbuf *b = &j->ftxt;
	bool first = true;
	int r;

	if (j->err)
		return;
	b->len = 0;
	r = feature_names(j, di->fnames, n);
	if (r == 0)
		r = sb_put(b, "{", 1);
	for (uint32_t i = 0; i < n && r == 0; i++) {
		uint32_t f = vxoff__feature_flags(di, i), s = 0;
		uint32_t off = j->fname_off[i], len = j->fname_off[i + 1] - off;
		char *w;

		if (!len)
			continue;
		if (f & VXOFF_FEATURE_ACTIVE)
			s |= FS_ACTIVE;
		if (f & VXOFF_FEATURE_FIXED)
			s |= FS_FIXED;
		if (!(f & VXOFF_FEATURE_WANTED) != !(f & VXOFF_FEATURE_ACTIVE))
			s |= FS_REQUEST_DIFFERS;
		/* [","] ["\n" + 4 spaces] "name": state, as json-c prints a member at level 2 */
		if (sb_reserve(b, len + j->fstate_len[s] + 8) < 0) {
			r = -ENOMEM;
			break;
		}
		w = b->p + b->len;
		if (!first)
			*w++ = ',';
		if (j->pretty) {
			memcpy(w, "\n    ", 5);
			w += 5;
		}
		memcpy(w, j->fnames.p + off, len);
		w += len;
		memcpy(w, j->fstate[s], j->fstate_len[s]);
		w += j->fstate_len[s];
		*w = '\0';
		b->len = (size_t)(w - b->p);
		first = false;
	}
	/* json-c's closing of an object at level 1 */
	if (r == 0 && j->pretty)
		r = (!first && sb_put(b, "\n", 1) < 0) || sb_pad(b, 2) < 0 ? -ENOMEM : 0;
	if (r == 0)
		r = sb_put(b, "}", 1);
	if (r < 0) {
		jb_fail(j);
		return;
	}
	(void)d;
	j->have_ftxt = true; /* spliced in by device_text() */
}

static void channels_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_channels, c);
	struct json_object *o;
	uint32_t p;

	if (vxoff_devinfo_channels(di, &c) < 0) {
		jadd_null(j, d, "channels");
		return;
	}
	p = c.present;
	o = jobj(j);
	jadd(j, d, "channels", o);
	/* ethtool's names (ethtool --json -l, ethtool -L) */
	jadd_u32_if(j, o, "rx-max", p & VXOFF_CH_RX_MAX, c.rx_max);
	jadd_u32_if(j, o, "tx-max", p & VXOFF_CH_TX_MAX, c.tx_max);
	jadd_u32_if(j, o, "other-max", p & VXOFF_CH_OTHER_MAX, c.other_max);
	jadd_u32_if(j, o, "combined-max", p & VXOFF_CH_COMBINED_MAX, c.combined_max);
	jadd_u32_if(j, o, "rx", p & VXOFF_CH_RX_COUNT, c.rx_count);
	jadd_u32_if(j, o, "tx", p & VXOFF_CH_TX_COUNT, c.tx_count);
	jadd_u32_if(j, o, "other", p & VXOFF_CH_OTHER_COUNT, c.other_count);
	jadd_u32_if(j, o, "combined", p & VXOFF_CH_COMBINED_COUNT, c.combined_count);
}

static void rings_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di)
{
	static const char *const split[] = {"unknown", "off", "on"};
	VXOFF_OUT(vxoff_rings, g);
	struct json_object *o;
	uint32_t p;

	if (vxoff_devinfo_rings(di, &g) < 0) {
		jadd_null(j, d, "rings");
		return;
	}
	p = g.present;
	o = jobj(j);
	jadd(j, d, "rings", o);
	/* ethtool's names (ethtool --json -g, ethtool -G) */
	jadd_u32_if(j, o, "rx-max", p & VXOFF_RING_RX_MAX, g.rx_max);
	jadd_u32_if(j, o, "rx-mini-max", p & VXOFF_RING_RX_MINI_MAX, g.rx_mini_max);
	jadd_u32_if(j, o, "rx-jumbo-max", p & VXOFF_RING_RX_JUMBO_MAX, g.rx_jumbo_max);
	jadd_u32_if(j, o, "tx-max", p & VXOFF_RING_TX_MAX, g.tx_max);
	jadd_u32_if(j, o, "rx", p & VXOFF_RING_RX, g.rx);
	jadd_u32_if(j, o, "rx-mini", p & VXOFF_RING_RX_MINI, g.rx_mini);
	jadd_u32_if(j, o, "rx-jumbo", p & VXOFF_RING_RX_JUMBO, g.rx_jumbo);
	jadd_u32_if(j, o, "tx", p & VXOFF_RING_TX, g.tx);
	jadd_u32_if(j, o, "rx-buf-len", p & VXOFF_RING_RX_BUF_LEN, g.rx_buf_len);
	/* the kernel's own value names; 0 is its "unknown", not ours */
	if ((p & VXOFF_RING_TCP_DATA_SPLIT) && g.tcp_data_split < 3)
		jadd_str(j, o, "tcp-data-split", split[g.tcp_data_split]);
	else
		jadd_null(j, o, "tcp-data-split");
	jadd_u32_if(j, o, "cqe-size", p & VXOFF_RING_CQE_SIZE, g.cqe_size);
	jadd_bool_if(j, o, "tx-push", p & VXOFF_RING_TX_PUSH, g.tx_push);
	jadd_bool_if(j, o, "rx-push", p & VXOFF_RING_RX_PUSH, g.rx_push);
	jadd_u32_if(j, o, "tx-push-buf-len", p & VXOFF_RING_TX_PUSH_BUF_LEN, g.tx_push_buf_len);
	jadd_u32_if(j, o, "tx-push-buf-len-max", p & VXOFF_RING_TX_PUSH_BUF_LEN_MAX,
		    g.tx_push_buf_len_max);
	jadd_u32_if(j, o, "hds-thresh", p & VXOFF_RING_HDS_THRESH, g.hds_thresh);
	jadd_u32_if(j, o, "hds-thresh-max", p & VXOFF_RING_HDS_THRESH_MAX, g.hds_thresh_max);
}

static bool coal_is_bool(uint32_t param)
{
	/* u8 flags in the kernel, on/off in ethtool */
	return param == VXOFF_COAL_USE_ADAPTIVE_RX || param == VXOFF_COAL_USE_ADAPTIVE_TX ||
	       param == VXOFF_COAL_USE_CQE_MODE_TX || param == VXOFF_COAL_USE_CQE_MODE_RX;
}

static void coalesce_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di,
			  bool yes)
{
	struct json_object *o;

	if (!yes) {
		jadd_null(j, d, "coalesce");
		return;
	}
	o = jobj(j);
	jadd(j, d, "coalesce", o);
	for (uint32_t p = 0; p <= VXOFF_COAL_PARAM_MAX && !j->err; p++) {
		const char *name = vxoff_coalesce_param_name(p);
		uint32_t v;

		if (!name)
			continue;
		/* -ENOENT: the driver does not declare this parameter */
		if (vxoff_devinfo_coalesce_param(di, p, &v) < 0)
			jadd_null(j, o, name);
		else if (coal_is_bool(p))
			jadd(j, o, name, jbool(j, v));
		else
			jadd_u32(j, o, name, v);
	}
}

/* A list of RXH_* field names, or of RXH_XFRM_* names. */
static struct json_object *bits_json(struct jb *j, uint32_t bits, bool xfrm)
{
	struct json_object *a = jarr(j, (uint32_t)__builtin_popcount(bits));

	for (uint32_t b = 0; b < 32 && !j->err; b++) {
		const char *name;

		if (!(bits & (1u << b)))
			continue;
		if (xfrm)
			name = b == 0 ? "symmetric-xor" : b == 1 ? "symmetric-or-xor" : NULL;
		else
			name = vxoff_rxh_field_name(b);
		jpush(j, a, name_or_num(name, "bit", b));
	}
	return a;
}

static void rss_indir_json(struct jb *j, struct json_object *o, const struct vxoff_devinfo *di,
			   const struct vxoff_rss *s)
{
	struct json_object *a;
	uint32_t *t = NULL;
	int n = 0;

	if (s->indir_size) {
		t = malloc(s->indir_size * sizeof(*t));
		if (!t) {
			jb_fail(j);
			return;
		}
		n = vxoff_devinfo_rss_indir(di, t, s->indir_size);
	}
	if (n < 0) { /* cannot happen while the item is YES; null rather than a guess */
		free(t);
		jadd_null(j, o, "indir");
		return;
	}
	if ((uint32_t)n > s->indir_size)
		n = (int)s->indir_size;
	a = jarr(j, (uint32_t)n);
	jadd(j, o, "indir", a);
	for (int i = 0; i < n && !j->err; i++)
		jpush(j, a, json_object_new_int64(t[i]));
	free(t);
}

static void rss_key_json(struct jb *j, struct json_object *o, const struct vxoff_devinfo *di,
			 const struct vxoff_rss *s)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t *key;
	char *txt;
	int n;

	key = malloc(s->key_size ? s->key_size : 1);
	txt = malloc(2 * (size_t)s->key_size + 1);
	if (!key || !txt) {
		free(key);
		free(txt);
		jb_fail(j);
		return;
	}
	n = vxoff_devinfo_rss_key(di, key, s->key_size);
	if (n < 0) {
		jadd_null(j, o, "key");
	} else {
		if ((uint32_t)n > s->key_size)
			n = (int)s->key_size;
		for (size_t i = 0; i < (size_t)n; i++) {
			txt[2 * i] = hex[key[i] >> 4];
			txt[2 * i + 1] = hex[key[i] & 15];
		}
		txt[2 * (size_t)n] = '\0';
		jadd_str(j, o, "key", txt);
	}
	free(key);
	free(txt);
}

static void rss_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di)
{
	static const struct {
		const char *name;
		uint32_t has;
		size_t off;
	} flows[] = {
		{"udp4", VXOFF_RSS_HAS_UDP4_FIELDS, offsetof(struct vxoff_rss, udp4_fields)},
		{"udp6", VXOFF_RSS_HAS_UDP6_FIELDS, offsetof(struct vxoff_rss, udp6_fields)},
		{"tcp4", VXOFF_RSS_HAS_TCP4_FIELDS, offsetof(struct vxoff_rss, tcp4_fields)},
		{"tcp6", VXOFF_RSS_HAS_TCP6_FIELDS, offsetof(struct vxoff_rss, tcp6_fields)},
	};
	VXOFF_OUT(vxoff_rss, s);
	struct json_object *o, *fh;

	if (vxoff_devinfo_rss(di, &s) < 0) {
		jadd_null(j, d, "rss");
		return;
	}
	o = jobj(j);
	jadd(j, d, "rss", o);
	if ((s.present & VXOFF_RSS_HAS_HFUNC) && s.hfunc_name && *s.hfunc_name)
		jadd_str(j, o, "hfunc", s.hfunc_name);
	else
		jadd_null(j, o, "hfunc");
	if (s.present & VXOFF_RSS_HAS_INDIR)
		rss_indir_json(j, o, di, &s);
	else
		jadd_null(j, o, "indir");
	if (s.present & VXOFF_RSS_HAS_KEY) {
		rss_key_json(j, o, di, &s);
		jadd_u32(j, o, "key_size", s.key_size);
	} else {
		jadd_null(j, o, "key");
		jadd_null(j, o, "key_size");
	}
	if (s.present & VXOFF_RSS_HAS_INPUT_XFRM)
		jadd(j, o, "input_xfrm", bits_json(j, s.input_xfrm, true));
	else
		jadd_null(j, o, "input_xfrm");
	fh = jobj(j);
	jadd(j, o, "flow_hash", fh);
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		uint32_t v;

		if (!(s.present & flows[i].has)) {
			jadd_null(j, fh, flows[i].name);
			continue;
		}
		memcpy(&v, (const char *)&s + flows[i].off, sizeof(v));
		jadd(j, fh, flows[i].name, bits_json(j, v, false));
	}
}

static void tunnel_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di,
			bool yes)
{
	uint32_t nt = vxoff_devinfo_tunnel_table_count(di);
	uint32_t np = vxoff_devinfo_tunnel_port_count(di);
	struct json_object *o, *tables;

	if (!yes) {
		jadd_null(j, d, "tunnel_ports");
		return;
	}
	o = jobj(j);
	jadd(j, d, "tunnel_ports", o);
	tables = jarr(j, nt);
	jadd(j, o, "tables", tables);
	for (uint32_t t = 0; t < nt && !j->err; t++) {
		VXOFF_OUT(vxoff_tunnel_table, tt);
		struct json_object *to, *types, *entries;

		if (vxoff_devinfo_tunnel_table(di, t, &tt) < 0)
			continue;
		to = jobj(j);
		jpush(j, tables, to);
		jadd_u32(j, to, "size", tt.size);
		types = jarr(j, 3);
		jadd(j, to, "types", types);
		for (uint32_t b = 0; b < 32 && !j->err; b++)
			if (tt.types & (1u << b))
				jpush(j, types,
				      name_or_num(vxoff_udp_tunnel_type_name(b), "type", b));
		entries = jarr(j, tt.port_count);
		jadd(j, to, "entries", entries);
		/* a handful of ports at most: a scan per table is cheaper than an index */
		for (uint32_t i = 0; i < np && !j->err; i++) {
			VXOFF_OUT(vxoff_tunnel_port, tp);
			struct json_object *e;

			if (vxoff_devinfo_tunnel_port(di, i, &tp) < 0 || tp.table != t)
				continue;
			e = jobj(j);
			jpush(j, entries, e);
			jadd_u32(j, e, "port", tp.port);
			jadd(j, e, "type",
			     name_or_num(vxoff_udp_tunnel_type_name(tp.type), "type", tp.type));
		}
	}
}

static void queue_json(struct jb *j, struct json_object *a, const struct vxoff_queue_info *q)
{
	struct json_object *o = jobj(j);
	uint32_t p = q->present;
	bool rx = q->type == VXOFF_QUEUE_RX;

	jpush(j, a, o);
	jadd_str(j, o, "type", rx ? "rx" : "tx");
	jadd_u32(j, o, "id", q->id);
	jadd_u32_if(j, o, "napi_id", p & VXOFF_QUEUE_HAS_NAPI, q->napi_id);
	jadd_u32_if(j, o, "irq", p & VXOFF_QUEUE_HAS_IRQ, q->irq);
	jadd_u32_if(j, o, "napi_pid", p & VXOFF_QUEUE_HAS_NAPI_PID, q->napi_pid);
	/* "" is a real value here: RPS/XPS off */
	if (rx && (p & VXOFF_QUEUE_HAS_RPS)) {
		jadd_str(j, o, "rps_cpus", q->rps_cpus ? q->rps_cpus : "");
		jadd_u32(j, o, "rps_flow_cnt", q->rps_flow_cnt);
	} else {
		jadd_null(j, o, "rps_cpus");
		jadd_null(j, o, "rps_flow_cnt");
	}
	if (!rx && (p & VXOFF_QUEUE_HAS_XPS_CPUS))
		jadd_str(j, o, "xps_cpus", q->xps_cpus ? q->xps_cpus : "");
	else
		jadd_null(j, o, "xps_cpus");
	if (!rx && (p & VXOFF_QUEUE_HAS_XPS_RXQS))
		jadd_str(j, o, "xps_rxqs", q->xps_rxqs ? q->xps_rxqs : "");
	else
		jadd_null(j, o, "xps_rxqs");
	if (p & VXOFF_QUEUE_HAS_NAPI_CONFIG) {
		jadd(j, o, "gro_flush_timeout_ns", json_object_new_uint64(q->gro_flush_timeout_ns));
		jadd_u32(j, o, "napi_defer_hard_irqs", q->defer_hard_irqs);
	} else {
		jadd_null(j, o, "gro_flush_timeout_ns");
		jadd_null(j, o, "napi_defer_hard_irqs");
	}
}

static void queues_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di,
			bool yes)
{
	uint32_t n = vxoff_devinfo_queue_count(di);
	struct json_object *a;

	/* sysfs alone may know the queues (RPS/XPS) when netdev netlink cannot tell */
	if (!yes && !n) {
		jadd_null(j, d, "queues");
		return;
	}
	a = jarr(j, n);
	jadd(j, d, "queues", a);
	for (uint32_t i = 0; i < n && !j->err; i++) {
		VXOFF_OUT(vxoff_queue_info, q);

		if (vxoff_devinfo_queue(di, i, &q) == 0)
			queue_json(j, a, &q);
	}
}

static void napi_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_napi_info, n);
	struct json_object *o;

	if (vxoff_devinfo_napi(di, &n) < 0) {
		jadd_null(j, d, "napi");
		return;
	}
	o = jobj(j);
	jadd(j, d, "napi", o);
	jadd_bool_if(j, o, "threaded", n.threaded != VXOFF_CAP_UNKNOWN,
		     n.threaded == VXOFF_CAP_YES);
	if (n.present & VXOFF_NAPI_HAS_GRO_FLUSH_TIMEOUT)
		jadd(j, o, "gro_flush_timeout_ns", json_object_new_uint64(n.gro_flush_timeout_ns));
	else
		jadd_null(j, o, "gro_flush_timeout_ns");
	jadd_u32_if(j, o, "napi_defer_hard_irqs", n.present & VXOFF_NAPI_HAS_DEFER_HARD_IRQS,
		    n.napi_defer_hard_irqs);
}

/*
 * The verdict with its reasons, written as text like the feature table: about ten reasons a
 * device, and a json-c object for each of their members cost more than the probe itself.
 * Formatted for a device at level 0 (the caller shifts it).
 */
static int vxlan_text(struct jb *j, struct sbuf *b, const struct vxoff_devinfo *di,
		      const struct vxoff_vxlan_verdict *v)
{
	struct tw t = { .j = j, .b = b, .indent = 2, .first = true };

	b->len = 0;
	tw_put(&t, "{", 1);
	t.indent = 4;
	tw_str(&t, "verdict", vxoff_verdict_name(v->verdict));
	tw_u64(&t, "checked_ifindex", v->checked_ifindex, v->checked_ifindex);
	tw_open(&t, "reasons", '[');
	for (uint32_t i = 0; i < v->reason_count; i++) {
		VXOFF_OUT(vxoff_vxlan_reason, r);

		if (vxoff_devinfo_vxlan_reason(di, i, &r) < 0)
			continue;
		tw_open(&t, NULL, '{');
		tw_u64(&t, "code", true, r.code);
		tw_str(&t, "name", r.name ? r.name : vxoff_vxlan_reason_name(r.code));
		tw_str(&t, "severity", vxoff_severity_name(r.severity));
		tw_str(&t, "text", r.text);
		tw_close(&t, '}');
	}
	tw_close(&t, ']');
	tw_close(&t, '}');
	return t.err;
}

static void vxlan_json(struct jb *j, struct json_object *d, const struct vxoff_devinfo *di)
{
	VXOFF_OUT(vxoff_vxlan_verdict, v);

	if (vxoff_devinfo_vxlan(di, &v) < 0) {
		jadd_null(j, d, "vxlan");
		return;
	}
	if (j->err)
		return;
	if (vxlan_text(j, &j->vtxt, di, &v) < 0) {
		jb_fail(j);
		return;
	}
	j->have_vtxt = true; /* spliced in by device_text() */
}

/* One member of "unavailable": why an item is null. */
static void unavailable_text(struct tw *t, uint32_t item, const struct vxoff_item_status *st)
{
	tw_open(t, vxoff_item_name(item), '{');
	tw_str(t, "status", st->cap == VXOFF_CAP_NO ? "unsupported" : "unknown");
	tw_u64(t, "errno", st->err < 0, (uint64_t)-(int64_t)st->err);
	tw_str(t, "error", st->err < 0 ? errno_name(-st->err) : NULL);
	tw_str(t, "message", st->msg);
	tw_close(t, '}');
}

static bool asked(const struct vxoff_devinfo *di, uint32_t item)
{
	return (di->asked >> item) & 1;
}

static struct json_object *device_json(struct jb *j, const struct vxoff_devinfo *di)
{
	struct vxoff_item_status st[VXOFF_ITEM_COUNT];
	bool yes[VXOFF_ITEM_COUNT];
	struct json_object *d;

	for (uint32_t i = 0; i < VXOFF_ITEM_COUNT; i++)
		yes[i] = item_yes(di, i, &st[i]);
	j->have_ftxt = j->have_vtxt = false;
	d = jobj(j);
	if (!d)
		return NULL;
	/* an item the caller did not ask for (--items) is left out, not reported as null */
	if (asked(di, VXOFF_ITEM_FEATURES)) {
		if (yes[VXOFF_ITEM_FEATURES])
			features_json(j, d, di);
		else
			jadd_null(j, d, "features");
	}
	if (asked(di, VXOFF_ITEM_CHANNELS))
		channels_json(j, d, di);
	if (asked(di, VXOFF_ITEM_RINGS))
		rings_json(j, d, di);
	if (asked(di, VXOFF_ITEM_COALESCE))
		coalesce_json(j, d, di, yes[VXOFF_ITEM_COALESCE]);
	if (asked(di, VXOFF_ITEM_RSS))
		rss_json(j, d, di);
	if (asked(di, VXOFF_ITEM_TUNNEL_PORTS))
		tunnel_json(j, d, di, yes[VXOFF_ITEM_TUNNEL_PORTS]);
	if (asked(di, VXOFF_ITEM_QUEUES) || asked(di, VXOFF_ITEM_SYSFS))
		queues_json(j, d, di, yes[VXOFF_ITEM_QUEUES]);
	if (asked(di, VXOFF_ITEM_SYSFS))
		napi_json(j, d, di);
	if (asked(di, VXOFF_ITEM_VXLAN))
		vxlan_json(j, d, di);
	if (j->err) {
		json_object_put(d);
		return NULL;
	}
	return d;
}

/*
 * One device, formatted as json-c prints an object at level 0 and shifted by pad: the json-c
 * object of the small members, then the pre-printed feature table and verdict (about 80% of
 * the bytes), then "unavailable", each copied once.
 */
static int device_text(struct jb *j, const struct vxoff_devinfo *di, struct sbuf *out,
		       size_t pad)
{
	struct json_object *d = device_json(j, di);
	struct tw t = { .j = j, .b = out, .indent = pad + 2, .first = true };
	const char *s;
	size_t len = 0;

	if (!d)
		return -ENOMEM;
	tw_put(&t, "{", 1);
	link_text(&t, di, di->items[VXOFF_ITEM_DRVINFO].cap == VXOFF_CAP_YES);
	/* the json-c members, without the braces around them ("{...}", "{\n...\n}") */
	if (json_object_object_length(d) > 0) {
		s = json_object_to_json_string_length(d, j->jflags, &len);
		if (!s || len < 2 || s[0] != '{' || s[len - 1] != '}') {
			t.err = -ENOMEM;
		} else {
			len--;
			if (j->pretty && s[len - 1] == '\n')
				len--;
			tw_put(&t, ",", 1);
			if (!t.err && sb_put_shifted(out, s + 1, len - 1, pad) < 0)
				t.err = -ENOMEM;
		}
	}
	if (j->have_ftxt) {
		tw_key(&t, "features");
		if (!t.err && sb_put_shifted(out, j->ftxt.p, j->ftxt.len, pad) < 0)
			t.err = -ENOMEM;
	}
	if (j->have_vtxt) {
		tw_key(&t, "vxlan");
		if (!t.err && sb_put_shifted(out, j->vtxt.p, j->vtxt.len, pad) < 0)
			t.err = -ENOMEM;
	}
	tw_open(&t, "unavailable", '{');
	for (uint32_t i = 0; i < VXOFF_ITEM_COUNT; i++) {
		VXOFF_OUT(vxoff_item_status, st);

		if (asked(di, i) && vxoff_devinfo_item(di, i, &st) == 0 &&
		    st.cap != VXOFF_CAP_YES)
			unavailable_text(&t, i, &st);
	}
	tw_close(&t, '}');
	tw_close(&t, '}');
	json_object_put(d);
	return t.err;
}

int vxoff_devinfo_json(const struct vxoff_devinfo *di, uint32_t flags, char **ret)
{
	struct sbuf out = {0};
	struct jb j;
	int r;

	if (!di || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	r = jb_init(&j, flags);
	if (r == 0)
		r = device_text(&j, di, &out, 0);
	jb_fini(&j);
	if (r < 0) {
		free(out.p);
		return r;
	}
	*ret = out.p;
	return 0;
}

/*
 * The document's envelope is fixed ASCII, written here as json-c would print it; each device
 * in it is json-c's output for that device, shifted two levels when pretty.
 */
static int doc_head(struct sbuf *b, bool pretty)
{
	static const char ph[] = "{\n  \"schema\": \"" SCHEMA "\",\n  \"vxoff_version\": ";
	static const char pt[] = ",\n  \"devices\": [\n";
	static const char h[] = "{\"schema\":\"" SCHEMA "\",\"vxoff_version\":";
	static const char t[] = ",\"devices\":[";

	if (sb_put(b, pretty ? ph : h, pretty ? sizeof(ph) - 1 : sizeof(h) - 1) < 0 ||
	    sb_put_jstr(b, vxoff_version_string()) < 0)
		return -ENOMEM;
	return sb_put(b, pretty ? pt : t, pretty ? sizeof(pt) - 1 : sizeof(t) - 1);
}

/* Write out's text to fd and empty it; -errno on a failed write. */
static int flush_fd(struct sbuf *out, int fd)
{
	size_t done = 0;

	while (done < out->len) {
		ssize_t n = write(fd, out->p + done, out->len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	out->len = 0;
	return 0;
}

#define FLUSH_AT (256u << 10) /* a streamed document goes out in pieces of about this size */

/* The document into out, or streamed to fd (>= 0) through out in pieces. */
static int devlist_doc(const struct vxoff_devlist *list, uint32_t flags, struct sbuf *out, int fd)
{
	uint32_t n = vxoff_devlist_count(list);
	bool first = true;
	struct jb j;
	int r;

	r = jb_init(&j, flags);
	if (r == 0)
		r = doc_head(out, j.pretty);
	for (uint32_t i = 0; i < n && r == 0; i++) {
		const struct vxoff_devinfo *di;

		if (vxoff_devlist_get(list, i, &di) < 0)
			continue;
		if (!first && sb_put(out, ",", 1) < 0)
			r = -ENOMEM; /* NOLINT(bugprone-branch-clone): two ways to fail */
		else if (j.pretty && ((!first && sb_put(out, "\n", 1) < 0) || sb_pad(out, 4) < 0))
			r = -ENOMEM;
		else
			r = device_text(&j, di, out, j.pretty ? 4 : 0);
		first = false;
		if (r == 0 && fd >= 0 && out->len >= FLUSH_AT)
			r = flush_fd(out, fd);
	}
	if (r == 0 && j.pretty)
		r = (!first && sb_put(out, "\n", 1) < 0) || sb_put(out, "  ]\n}", 5) < 0 ? -ENOMEM
											 : 0;
	else if (r == 0)
		r = sb_put(out, "]}", 2);
	if (r == 0 && fd >= 0)
		r = sb_put(out, "\n", 1) < 0 ? -ENOMEM : flush_fd(out, fd);
	jb_fini(&j);
	return r;
}

int vxoff_devlist_json(const struct vxoff_devlist *list, uint32_t flags, char **ret)
{
	struct sbuf out = {0};
	int r;

	if (!list || !ret || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	r = devlist_doc(list, flags, &out, -1);
	if (r < 0) {
		free(out.p);
		return r;
	}
	*ret = out.p;
	return 0;
}

int vxoff_devlist_json_fd(const struct vxoff_devlist *list, uint32_t flags, int32_t fd)
{
	struct sbuf out = {0};
	int r;

	if (!list || fd < 0 || (flags & ~VXOFF_JSON_PRETTY))
		return -EINVAL;
	r = devlist_doc(list, flags, &out, fd);
	free(out.p);
	return r;
}
