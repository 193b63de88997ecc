/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff/common.h - the context, errors, warnings and logging shared by every capability.
 *
 * ABI rules (docs/abi.md): opaque handles, size-prefixed structs whose first field is
 * uint32_t sz, fixed-width integers, int returns of 0 or -errno, no exported data.
 */
#ifndef VXOFF_COMMON_H
#define VXOFF_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifndef VXOFF_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define VXOFF_API __attribute__((visibility("default")))
#else
#define VXOFF_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Helper for extensible structs: declares NAME of struct TYPE with .sz set and every other byte
 * zero. C99 and later only; C++ and FFI callers zero the struct and set sz = sizeof themselves.
 */
#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define VXOFF_OPTS(TYPE, NAME, ...)                                                                \
	struct TYPE NAME = { .sz = (uint32_t)sizeof(struct TYPE), __VA_ARGS__ }
#define VXOFF_OUT(TYPE, NAME) struct TYPE NAME = { .sz = (uint32_t)sizeof(struct TYPE) }
#endif

/* Largest sz any struct may carry; larger is -E2BIG. */
#define VXOFF_STRUCT_MAX_SZ 4096u

/* Tri-state capability: zeroed memory reads as "unknown", never as "no". */
#define VXOFF_CAP_UNKNOWN 0u
#define VXOFF_CAP_NO 1u
#define VXOFF_CAP_YES 2u

/* Flags of every *_json() function. */
#define VXOFF_JSON_PRETTY (1u << 0) /* indented, one member a line */

/* Log levels for vxoff_ctx_set_log(). */
#define VXOFF_LOG_ERR 3u
#define VXOFF_LOG_WARNING 4u
#define VXOFF_LOG_INFO 6u
#define VXOFF_LOG_DEBUG 7u

/*
 * Reason codes refining an errno (append-only registry, docs/errors.md). A retired code stays
 * reserved; numbers are never reassigned.
 */
#define VXOFF_REASON_NONE 0u	     /* success, or no finer reason */
#define VXOFF_REASON_KERNEL 1u	     /* the kernel's errno, passed through */
#define VXOFF_REASON_ARG 2u	     /* a bad argument from the caller */
#define VXOFF_REASON_STRUCT_SIZE 3u  /* sz too small, too large or unknown non-zero bytes */
#define VXOFF_REASON_NO_DEVICE 4u    /* no such interface in the namespace */
#define VXOFF_REASON_NO_NETNS 5u     /* no such network namespace */
#define VXOFF_REASON_PRIVILEGE 6u    /* the kernel wants a capability the caller lacks */
#define VXOFF_REASON_MALFORMED 7u    /* a kernel reply or file failed validation */
#define VXOFF_REASON_NO_FAMILY 8u    /* a generic netlink family is missing in this kernel */
#define VXOFF_REASON_FORK 9u	     /* context used in a child after fork() */
#define VXOFF_REASON_REENTERED 10u   /* context called from one of its own callbacks */
#define VXOFF_REASON_INTERNAL 11u    /* a vxoff bug: an invariant failed */
#define VXOFF_REASON_DUMP_INTR 12u   /* a dump kept changing under us; retries exhausted */
#define VXOFF_REASON_SYSTEM 13u	     /* a system call outside netlink failed */
#define VXOFF_REASON_REPLAY 14u	     /* replay transport: no recorded reply (tests only) */
#define VXOFF_REASON_PROTOCOL 15u    /* a bench peer broke the control protocol */
#define VXOFF_REASON_PEER 16u	     /* a bench peer refused: busy, version, a parameter */
#define VXOFF_REASON_TIMEOUT 17u     /* a deadline passed (handshake, peer silent) */
#define VXOFF_REASON_STATE 18u	     /* a snapshot or plan does not match the system */

/* Warning codes (append-only): what succeeded, but not exactly as asked. */
#define VXOFF_WARN_ADJUSTED 1u	     /* the kernel or driver adjusted a value */
#define VXOFF_WARN_KERNEL_MSG 2u     /* a success ACK carried an extack message */
#define VXOFF_WARN_PARTIAL 3u	     /* part of a read failed; the rest is valid */

struct vxoff_ctx;

/*
 * struct vxoff_ctx_opts - how a context is set up. NULL opts = the caller's namespace, /sys
 * and /proc.
 */
struct vxoff_ctx_opts {
	uint32_t sz;		   /* sizeof(struct vxoff_ctx_opts) as the caller knows it */
	uint32_t flags;		   /* VXOFF_CTX_F_*; unknown bits: -EINVAL */
	const char *netns;	   /* name under /run/netns, borrowed (copied); NULL = none */
	int32_t netns_fd;	   /* namespace fd, borrowed (dup'd); used with VXOFF_CTX_F_NETNS_FD */
	uint32_t reserved0;	   /* must be 0 */
	const char *sysfs_root;	   /* NULL = "/sys" (a fresh mount inside another netns) */
	const char *procfs_root;   /* NULL = "/proc" */
};
#define VXOFF_CTX_OPTS_SZ_0_1 40u

#define VXOFF_CTX_F_NETNS_FD (1u << 0) /* netns_fd is set (0 is a valid fd) */

/*
 * struct vxoff_error - the last error of a context, cleared when a call starts.
 */
struct vxoff_error {
	uint32_t sz;
	int32_t err;		 /* the -errno the call returned, 0 = none */
	uint32_t reason;	 /* VXOFF_REASON_* */
	uint32_t nl_attr_offset; /* NLMSGERR_ATTR_OFFS into our request; 0 = none */
	uint32_t nl_attr_type;	 /* type of the attribute at that offset; 0 = none */
	uint32_t reserved0;
	const char *msg;	 /* what, on which device, why; owned by ctx, NULL if err == 0 */
	const char *kernel_msg;	 /* NLMSGERR_ATTR_MSG verbatim or NULL; owned by ctx */
};

struct vxoff_warning {
	uint32_t sz;
	uint32_t code;	    /* VXOFF_WARN_* */
	uint64_t requested; /* what was asked, where a number applies */
	uint64_t applied;   /* what the kernel kept */
	const char *what;   /* "mtu", "rx-ring"; owned by ctx */
	const char *msg;    /* owned by ctx */
};

typedef void (*vxoff_log_fn)(void *user, uint32_t level, const char *msg);

/**
 * vxoff_version() - version of the loaded library.
 *
 * Return: (major << 16) | (minor << 8) | patch, as VXOFF_VERSION_NUM. Thread-safe.
 * Since: 0.1
 */
VXOFF_API uint32_t vxoff_version(void);

/**
 * vxoff_version_string() - version of the loaded library as text, e.g. "0.1.0".
 *
 * Return: a static string, never NULL. Thread-safe.
 * Since: 0.1
 */
VXOFF_API const char *vxoff_version_string(void);

/**
 * vxoff_ctx_new() - create a context: one per thread, no global state.
 * @opts: NULL for defaults, or a struct with .sz set (VXOFF_OPTS()).
 * @ret:  on success the context, for vxoff_ctx_free(); untouched on failure.
 *
 * Netlink sockets are opened lazily, inside the chosen namespace; the calling thread's own
 * namespace is never left changed.
 *
 * Return: 0, -EINVAL (bad argument, unknown flag, both netns and netns_fd), -E2BIG (opts
 * bytes this library does not know), -ENOENT (no namespace of that name), -EBADF (netns_fd
 * is not a network namespace), -ENOMEM.
 * Since: 0.1
 */
VXOFF_API int vxoff_ctx_new(const struct vxoff_ctx_opts *opts, struct vxoff_ctx **ret);

/**
 * vxoff_ctx_new_err() - as vxoff_ctx_new(), also explaining a failure.
 * @opts: as vxoff_ctx_new().
 * @ret:  as vxoff_ctx_new().
 * @errbuf: caller buffer for a NUL-terminated message on failure; may be NULL.
 * @errlen: size of @errbuf in bytes.
 *
 * Return: as vxoff_ctx_new().
 * Since: 0.1
 */
VXOFF_API int vxoff_ctx_new_err(const struct vxoff_ctx_opts *opts, struct vxoff_ctx **ret,
				char *errbuf, size_t errlen);

/**
 * vxoff_ctx_free() - close the context's sockets and free it. NULL is accepted.
 * @ctx: the context; every object it produced must not be used afterwards except
 *       result objects, which stay valid until freed.
 * Since: 0.1
 */
VXOFF_API void vxoff_ctx_free(struct vxoff_ctx *ctx);

/**
 * vxoff_ctx_last_error() - the error of the last failed call on @ctx.
 * @ctx: the context.
 * @out: caller struct with .sz set; strings stay owned by @ctx until its next call.
 *
 * Return: 0, -EINVAL (NULL argument or sz too small).
 * Since: 0.1
 */
VXOFF_API int vxoff_ctx_last_error(struct vxoff_ctx *ctx, struct vxoff_error *out);

/**
 * vxoff_ctx_warning_count() - how many warnings the last call recorded.
 * @ctx: the context.
 * Return: the count (0 for NULL).
 * Since: 0.1
 */
VXOFF_API uint32_t vxoff_ctx_warning_count(struct vxoff_ctx *ctx);

/**
 * vxoff_ctx_warning() - one warning of the last call.
 * @ctx: the context.
 * @idx: 0 .. vxoff_ctx_warning_count() - 1.
 * @out: caller struct with .sz set; strings owned by @ctx until its next call.
 *
 * Return: 0, -EINVAL (NULL or sz too small), -ERANGE (@idx out of range).
 * Since: 0.1
 */
VXOFF_API int vxoff_ctx_warning(struct vxoff_ctx *ctx, uint32_t idx, struct vxoff_warning *out);

/**
 * vxoff_ctx_set_log() - route the context's log lines to @fn; off by default.
 * @ctx: the context.
 * @fn: callback, run synchronously during calls on @ctx only; NULL turns logging off.
 * @user: passed to @fn as is.
 * @max_level: most verbose level delivered, VXOFF_LOG_ERR .. VXOFF_LOG_DEBUG.
 *
 * Return: 0, -EINVAL (NULL ctx or level out of range).
 * Since: 0.1
 */
VXOFF_API int vxoff_ctx_set_log(struct vxoff_ctx *ctx, vxoff_log_fn fn, void *user,
				uint32_t max_level);

/**
 * vxoff_reason_name() - stable short name of a VXOFF_REASON_* code ("kernel", "no-device").
 * @reason: the code.
 * Return: a static string; "unknown" for a code this library does not know. Thread-safe.
 * Since: 0.1
 */
VXOFF_API const char *vxoff_reason_name(uint32_t reason);

/**
 * vxoff_free() - free a heap buffer that a vxoff function handed to the caller.
 * @p: the buffer, or NULL.
 * Since: 0.1
 */
VXOFF_API void vxoff_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* VXOFF_COMMON_H */
