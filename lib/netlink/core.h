/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Internal API of the netlink core, shared by every capability. Never installed.
 * Cross-file internals are named vxoff__*: hidden visibility does not hide them in a static
 * archive, the prefix keeps static links clash-free.
 */
#ifndef VXOFF_LIB_NETLINK_CORE_H
#define VXOFF_LIB_NETLINK_CORE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <vxoff/common.h>

/* ---- struct copy-in / copy-out (kernel copy_struct_from_user semantics) ---- */

int vxoff__copy_in(void *dst, size_t ksize, const void *src, uint32_t min_sz);
/* Writes min(out->sz, ksize) bytes of src to out, zeroes the caller's bytes past ksize. */
int vxoff__copy_out(void *out, const void *src, size_t ksize, uint32_t min_sz);

/* ---- context ---- */

enum vxoff__proto {
	VXOFF__NL_ROUTE = 0,
	VXOFF__NL_GENL = 1,
	VXOFF__NL_NPROTO = 2,
};

/* The seam between the core and the kernel: a real socket, a recorder, or a replay. */
struct vxoff__transport {
	/* Send one request; 0 or -errno. */
	int (*send)(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		    size_t len);
	/* Receive one datagram into buf; its length (may be > cap: truncated) or -errno. */
	ssize_t (*recv)(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf, size_t cap);
	/* Our netlink port id on that protocol (0 if not open yet). */
	uint32_t (*portid)(void *priv, uint32_t proto);
	/* SIOCETHTOOL on ifname: data is the command struct of len bytes; 0 or -errno. */
	int (*ethtool_ioctl)(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
			     size_t len);
	/* SIOCGIFINDEX, SIOCGIFNAME or SIOCGIFMTU (ifr is a struct ifreq); 0 or -errno. NULL:
	 * not offered (replay, recorder), callers ask over netlink instead. */
	int (*dev_ioctl)(void *priv, struct vxoff_ctx *ctx, unsigned long req, void *ifr);
	void (*free)(void *priv);
	void *priv;
};

/* Replace the context's transport (tests, recorder). The context takes ownership of t->priv. */
void vxoff__ctx_set_transport(struct vxoff_ctx *ctx, const struct vxoff__transport *t);
/* A transport that records every exchange of inner to path (a replay fixture). */
int vxoff__transport_record_new(struct vxoff_ctx *ctx, const char *path,
				struct vxoff__transport *ret);
/* A transport that replays the fixture at path; strict = every request must match. */
int vxoff__transport_replay_new(struct vxoff_ctx *ctx, const char *path,
				struct vxoff__transport *ret);
/* Number of recorded exchanges a replay transport has not served (tests). */
uint32_t vxoff__replay_unused(struct vxoff_ctx *ctx);
/* SIOCETHTOOL on ifname through the context's transport (real, recorder or replay): data is
 * the command struct of len bytes. Return 0 or -errno. */
int vxoff__ethtool_ioctl(struct vxoff_ctx *ctx, const char *ifname, void *data, size_t len);
/* A device ioctl (SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFMTU) in the context's namespace: much
 * cheaper than a GETLINK when only an index or MTU is needed. -EOPNOTSUPP when the transport
 * has none: ask over netlink then. */
int vxoff__dev_ioctl(struct vxoff_ctx *ctx, unsigned long req, void *ifr);

/*
 * Every public entry point brackets its work with these: -ECHILD after fork, -EBUSY when
 * re-entered from a callback; clears the last error and the warnings.
 */
int vxoff__ctx_enter(struct vxoff_ctx *ctx);
void vxoff__ctx_leave(struct vxoff_ctx *ctx);

const char *vxoff__ctx_sysfs_root(struct vxoff_ctx *ctx);	/* never NULL */
const char *vxoff__ctx_procfs_root(struct vxoff_ctx *ctx);
bool vxoff__ctx_sysfs_overridden(struct vxoff_ctx *ctx);	/* the caller gave a root */
int vxoff__ctx_netns_fd(struct vxoff_ctx *ctx);			/* -1 = caller's namespace */
const char *vxoff__ctx_netns_name(struct vxoff_ctx *ctx);	/* NULL = caller's namespace */

/* ---- errors, warnings, log ---- */

/*
 * Set the context's last error; returns err (a -errno) so callers can `return vxoff__err(...)`.
 * The message should say what, on which device, and why.
 */
int vxoff__err(struct vxoff_ctx *ctx, int err, uint32_t reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#ifdef __clang_analyzer__
/*
 * For clang-tidy only: the analyser sees one file at a time and does not step into variadic
 * functions, so it would take the result for any int, follow `if (r < 0)` past a failed check
 * and report NULL dereferences and garbage reads that cannot happen. Same call, then the value
 * it returns: err. error.c #undefs it.
 */
#define vxoff__err(ctx, err, ...) (vxoff__err(ctx, err, __VA_ARGS__), (err))
#endif
/* Prefix the current last-error message: "probing eth0: " + old message. Returns err. */
int vxoff__err_prefix(struct vxoff_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The current last error (err 0 = none), for capabilities that record a failure per item. */
int vxoff__last_err(struct vxoff_ctx *ctx);
const char *vxoff__last_msg(struct vxoff_ctx *ctx);
const char *vxoff__last_kernel_msg(struct vxoff_ctx *ctx);
void vxoff__err_clear(struct vxoff_ctx *ctx);

int vxoff__warn(struct vxoff_ctx *ctx, uint32_t code, const char *what, uint64_t requested,
		uint64_t applied, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

void vxoff__log(struct vxoff_ctx *ctx, uint32_t level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- netlink requests ---- */

/* Callback for each reply message (never NLMSG_ERROR/DONE). 0 = go on, <0 = stop with error. */
typedef int (*vxoff__msg_fn)(const struct nlmsghdr *nlh, void *data);
/* Called before a dump is retried after NLM_F_DUMP_INTR: drop what the callback collected. */
typedef void (*vxoff__reset_fn)(void *data);

struct vxoff__nl_handler {
	vxoff__msg_fn msg;
	vxoff__reset_fn reset; /* required for dumps */
	void *data;
	/*
	 * Size of the fixed header after nlmsghdr (ifinfomsg 16, genl 4), used to map the
	 * extended ack's attribute offset back to an attribute path. 0 = derive from proto.
	 */
	uint32_t hdrlen;
};

/*
 * Send req (nlmsg_len set) on proto and hand every reply to h (NULL for a request answered
 * by an ACK alone). The core sets seq, pid and NLM_F_ACK itself; a dump (NLM_F_DUMP) interrupted by a change is retried (a few times).
 * On a kernel error, the last error holds strerror, the extack text and attribute offset,
 * prefixed with what (e.g. "ethtool CHANNELS_GET on eth0").
 * Return: 0 or -errno.
 */
int vxoff__nl_request(struct vxoff_ctx *ctx, uint32_t proto, struct nlmsghdr *req,
		      const struct vxoff__nl_handler *h, const char *what);

/* A request buffer, aligned; lives on the caller's stack. Declare it zeroed
 * (`= { .buf = { 0 } }`): libmnl 1.0.4 leaves attribute padding unset. */
#define VXOFF__REQ_BUF_SIZE 8192
union vxoff__req_buf {
	char buf[VXOFF__REQ_BUF_SIZE];
	struct nlmsghdr align;
};

/* Check that a message from the kernel is well-formed before libmnl parses its attributes:
 * nlmsg_len covers hdrlen, and every attribute (recursively for nests the caller parses) lies
 * inside it. Return 0 or -EPROTO. */
int vxoff__nlmsg_check(const struct nlmsghdr *nlh, size_t hdrlen);
/* Validate a nested attribute's payload as a well-formed attribute stream. */
int vxoff__nest_check(const struct nlattr *nest);

/* ---- typed attribute reads: payload length checked, never trusted ---- */

/* Each returns 0, or -EPROTO when the payload is too short (string: not NUL-terminated). */
int vxoff__attr_u8(const struct nlattr *a, uint8_t *v);
int vxoff__attr_u16(const struct nlattr *a, uint16_t *v);
int vxoff__attr_u32(const struct nlattr *a, uint32_t *v);
/* "uint" attributes: 4 or 8 bytes. */
int vxoff__attr_uint(const struct nlattr *a, uint64_t *v);
int vxoff__attr_str(const struct nlattr *a, const char **v);
/* Fill tb[0..max] with the attributes of a stream; unknown types (> max) are skipped, a
 * repeated type keeps the last. Return 0 or -EPROTO (malformed stream). */
int vxoff__attr_parse(const void *start, size_t len, const struct nlattr **tb, uint32_t max);
int vxoff__attr_parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint32_t max);
int vxoff__attr_parse_msg(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
			  uint32_t max);

/* ---- generic netlink ---- */

/* Resolve a family by name (cached per context). Return id > 0, or -errno (-ENOENT if the
 * kernel lacks it). ops_mask (may be NULL) receives bit n for each command n < 64 it lists. */
int vxoff__genl_family(struct vxoff_ctx *ctx, const char *name, uint64_t *ops_mask);
/* Start a genl request in buf: nlmsghdr + genlmsghdr. */
struct nlmsghdr *vxoff__genl_put(void *buf, uint16_t family, uint8_t cmd, uint8_t version,
				 uint16_t flags);

/* ---- namespaces and files ---- */

/* Run fn(arg) with the calling thread inside the context's network namespace; always back
 * in its own one afterwards. Without a namespace, just runs fn. */
int vxoff__in_netns(struct vxoff_ctx *ctx, int (*fn)(void *arg), void *arg);

/*
 * Run fn(arg, sysroot) where sysroot shows the context's namespace: the caller's root when
 * given in opts, "/sys" in the caller's namespace, or a fresh sysfs mounted in a private mount
 * namespace of a helper thread that joined the context's network namespace.
 */
int vxoff__with_sysfs(struct vxoff_ctx *ctx, int (*fn)(void *arg, const char *sysroot),
		      void *arg);

/* Read a small text file (sysfs, procfs) into buf, trailing newline stripped. Return length
 * or -errno. */
ssize_t vxoff__read_file(const char *path, char *buf, size_t cap);
/* The same, path relative to dirfd (openat). */
ssize_t vxoff__read_fileat(int dirfd, const char *path, char *buf, size_t cap);
int vxoff__read_u64(const char *path, uint64_t *ret);

/* ---- growable string buffer (messages, JSON-free text) ---- */

struct vxoff__strbuf {
	char *s;
	size_t len;
	size_t cap;
	int err; /* sticky -ENOMEM */
};
void vxoff__sb_init(struct vxoff__strbuf *sb);
void vxoff__sb_add(struct vxoff__strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *vxoff__sb_steal(struct vxoff__strbuf *sb); /* NULL on ENOMEM; sb is reset */
void vxoff__sb_free(struct vxoff__strbuf *sb);

/* ---- CPU lists and masks ---- */

/* Parse a sysfs hex mask ("ff,00000001") into a cpulist string ("0,32-39"); heap, free(). */
int vxoff__mask_to_cpulist(const char *mask, char **ret);
/* Parse a cpulist as bitmap_parselist() does ("0-3,8", "10-20:2" every 2nd, "0-15:2/4" the
 * first 2 of every 4) into a mask bitmap of nbits bits (words of 64). -EINVAL malformed (NULL
 * too), -ERANGE a CPU >= nbits: its number (at most UINT32_MAX) into *bad when bad is not NULL. */
int vxoff__cpulist_parse_ex(const char *list, uint64_t *bits, uint32_t nbits, uint32_t *bad);
/* vxoff__cpulist_parse_ex() without the CPU out of range. */
int vxoff__cpulist_parse(const char *list, uint64_t *bits, uint32_t nbits);
/* Canonical cpulist ("0-3,8", ascending ranges; "" when empty) of a bitmap; heap, free(),
 * NULL = ENOMEM. */
char *vxoff__cpulist_format(const uint64_t *bits, uint32_t nbits);

/* Array v with room for element n (capacity *cap elements of sz bytes, doubled as needed);
 * NULL when out of memory, and then v is still valid and *cap unchanged. */
void *vxoff__grow(void *v, uint32_t *cap, uint32_t n, size_t sz);

/* String duplicate that never returns NULL for a NULL input ("" instead); NULL = ENOMEM. */
char *vxoff__strdup0(const char *s);

#endif /* VXOFF_LIB_NETLINK_CORE_H */
