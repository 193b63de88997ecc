/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The netlink core without the kernel: struct copy-in/copy-out size rules, context creation
 * errors, last error / warnings / log callback, -ECHILD after fork, -EBUSY on re-entry, CPU
 * lists and hex masks.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vxoff/probe.h>

#include "testutil.h"

/* ---- copy_in / copy_out ---- */

/* A struct as a library version "knows" it: 24 bytes, first release 16. */
struct k_opts {
	uint32_t sz;
	uint32_t a;
	uint64_t b;
	uint32_t c; /* since "0.2" */
	uint32_t d;
};
#define K_SZ_0_1 16u

static void copy_in_null_is_defaults(void **state)
{
	struct k_opts k;

	(void)state;
	memset(&k, 0xa5, sizeof(k));
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), NULL, K_SZ_0_1), 0);
	for (size_t i = 0; i < sizeof(k); i++)
		assert_int_equal(((unsigned char *)&k)[i], 0);
}

static void copy_in_smaller_zero_fills(void **state)
{
	unsigned char u[16];
	struct k_opts k;
	uint32_t sz = 16;

	(void)state;
	memset(u, 0x11, sizeof(u));
	memcpy(u, &sz, 4);
	memset(&k, 0xa5, sizeof(k));
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), u, K_SZ_0_1), 0);
	assert_int_equal(k.sz, 16);
	assert_int_equal(k.a, 0x11111111u);
	assert_int_equal(k.b, 0x1111111111111111ull);
	assert_int_equal(k.c, 0); /* not given by an older caller: zero = "as before" */
	assert_int_equal(k.d, 0);
}

static void copy_in_equal(void **state)
{
	struct k_opts u = { .sz = sizeof(u), .a = 1, .b = 2, .c = 3, .d = 4 }, k;

	(void)state;
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), &u, K_SZ_0_1), 0);
	assert_memory_equal(&k, &u, sizeof(u));
}

static void copy_in_larger_zero_tail(void **state)
{
	unsigned char u[40] = { 0 };
	struct k_opts src = { .sz = 40, .a = 7, .b = 8, .c = 9, .d = 10 }, k;

	(void)state;
	memcpy(u, &src, sizeof(src));
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), u, K_SZ_0_1), 0);
	assert_int_equal(k.a, 7);
	assert_int_equal(k.d, 10);
	assert_int_equal(k.sz, 40); /* the caller's size is kept as given */
}

static void copy_in_larger_nonzero_tail(void **state)
{
	unsigned char u[40] = { 0 };
	struct k_opts src = { .sz = 40, .a = 7 }, k;

	(void)state;
	memcpy(u, &src, sizeof(src));
	u[39] = 1; /* the very last byte of a field this library does not know */
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), u, K_SZ_0_1), -E2BIG);
	u[39] = 0;
	u[24] = 0x80; /* the first unknown byte */
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), u, K_SZ_0_1), -E2BIG);
}

static void copy_in_below_min(void **state)
{
	struct k_opts u = { .sz = K_SZ_0_1 - 1 }, k;

	(void)state;
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), &u, K_SZ_0_1), -EINVAL);
	u.sz = 0;
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), &u, K_SZ_0_1), -EINVAL);
	u.sz = K_SZ_0_1; /* the first-release size itself is fine */
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), &u, K_SZ_0_1), 0);
}

static void copy_in_too_big(void **state)
{
	/* only 8 bytes exist: the size must be rejected before any tail byte is read
	 * (valgrind/ASan would flag a read past them) */
	uint32_t u[2] = { VXOFF_STRUCT_MAX_SZ + 1, 0 };
	unsigned char *big;
	struct k_opts k;

	(void)state;
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), u, K_SZ_0_1), -E2BIG);
	u[0] = UINT32_MAX;
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), u, K_SZ_0_1), -E2BIG);
	/* exactly the maximum, all zero past ours: accepted */
	big = calloc(1, VXOFF_STRUCT_MAX_SZ);
	assert_non_null(big);
	u[0] = VXOFF_STRUCT_MAX_SZ;
	memcpy(big, u, 4);
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), big, K_SZ_0_1), 0);
	big[VXOFF_STRUCT_MAX_SZ - 1] = 1;
	assert_int_equal(vxoff__copy_in(&k, sizeof(k), big, K_SZ_0_1), -E2BIG);
	free(big);
}

static void copy_out_smaller_leaves_rest(void **state)
{
	struct k_opts src = { .sz = sizeof(src), .a = 1, .b = 2, .c = 3, .d = 4 };
	unsigned char out[32];
	uint32_t sz = 16, v;
	uint64_t b;

	(void)state;
	memset(out, 0xee, sizeof(out));
	memcpy(out, &sz, 4);
	assert_int_equal(vxoff__copy_out(out, &src, sizeof(src), 8), 0);
	memcpy(&v, out, 4);
	assert_int_equal(v, 16); /* sz stays what the caller knows */
	memcpy(&v, out + 4, 4);
	assert_int_equal(v, 1);
	memcpy(&b, out + 8, 8);
	assert_int_equal(b, 2);
	for (size_t i = 16; i < sizeof(out); i++) /* the caller's bytes past its sz untouched */
		assert_int_equal(out[i], 0xee);
}

static void copy_out_larger_zeroes_tail(void **state)
{
	struct k_opts src = { .sz = sizeof(src), .a = 1, .b = 2, .c = 3, .d = 4 };
	unsigned char out[48];
	uint32_t sz = 40, v;

	(void)state;
	memset(out, 0xee, sizeof(out));
	memcpy(out, &sz, 4);
	assert_int_equal(vxoff__copy_out(out, &src, sizeof(src), 8), 0);
	memcpy(&v, out, 4);
	assert_int_equal(v, 40);
	memcpy(&v, out + 20, 4);
	assert_int_equal(v, 4);
	for (size_t i = 24; i < 40; i++) /* fields we don't know read 0 = unknown */
		assert_int_equal(out[i], 0);
	for (size_t i = 40; i < sizeof(out); i++) /* past the caller's sz: untouched */
		assert_int_equal(out[i], 0xee);
}

static void copy_out_bad_sizes(void **state)
{
	struct k_opts src = { .sz = sizeof(src), .a = 1 };
	unsigned char out[16];
	uint32_t sz;

	(void)state;
	assert_int_equal(vxoff__copy_out(NULL, &src, sizeof(src), 8), -EINVAL);
	for (int i = 0; i < 2; i++) {
		sz = i ? VXOFF_STRUCT_MAX_SZ + 1 : 7;
		memset(out, 0xee, sizeof(out));
		memcpy(out, &sz, 4);
		int r = vxoff__copy_out(out, &src, sizeof(src), 8);
		assert_true(r == -EINVAL || r == -E2BIG);
		for (size_t k = 4; k < sizeof(out); k++) /* nothing written on failure */
			assert_int_equal(out[k], 0xee);
	}
}

/* ---- context creation ---- */

static void ctx_new_missing_netns(void **state)
{
	char name[64], err[512];
	struct vxoff_ctx *ctx = (void *)0x1; /* untouched on failure */
	struct vxoff_ctx_opts o = { .sz = sizeof(o), .netns = name };

	(void)state;
	snprintf(name, sizeof(name), "vxoff-t%d-does-not-exist", (int)getpid());
	assert_int_equal(vxoff_ctx_new_err(&o, &ctx, err, sizeof(err)), -ENOENT);
	assert_ptr_equal(ctx, (void *)0x1);
	assert_non_null(strstr(err, name)); /* the message names the namespace */
	/* a tiny buffer still gets a terminated prefix */
	assert_int_equal(vxoff_ctx_new_err(&o, &ctx, err, 5), -ENOENT);
	assert_int_equal(strlen(err), 4);
	/* without a buffer */
	assert_int_equal(vxoff_ctx_new(&o, &ctx), -ENOENT);
}

static void ctx_new_bad_opts(void **state)
{
	struct vxoff_ctx *ctx = (void *)0x1;
	char err[256];
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0 && devnull >= 0);
	{ /* both a name and an fd */
		struct vxoff_ctx_opts o = { .sz = sizeof(o), .flags = VXOFF_CTX_F_NETNS_FD,
					    .netns = "x", .netns_fd = fd };
		assert_int_equal(vxoff_ctx_new_err(&o, &ctx, err, sizeof(err)), -EINVAL);
		assert_true(strlen(err) > 0);
	}
	{ /* unknown flag */
		struct vxoff_ctx_opts o = { .sz = sizeof(o), .flags = 1u << 7 };
		assert_int_equal(vxoff_ctx_new_err(&o, &ctx, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "flags"));
	}
	{ /* invalid names */
		struct vxoff_ctx_opts o = { .sz = sizeof(o), .netns = "../etc" };
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -EINVAL);
		o.netns = "";
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -EINVAL);
	}
	{ /* sz below the first release, unknown tail, reserved0 */
		unsigned char big[64] = { 0 };
		struct vxoff_ctx_opts o = { .sz = VXOFF_CTX_OPTS_SZ_0_1 - 8 };
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -EINVAL);
		o.sz = sizeof(big);
		memcpy(big, &o, sizeof(o));
		big[sizeof(o) + 3] = 1;
		assert_int_equal(vxoff_ctx_new((void *)big, &ctx), -E2BIG);
		o.sz = sizeof(o);
		o.reserved0 = 1;
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -E2BIG);
	}
	{ /* netns_fd: negative, or not a namespace file */
		struct vxoff_ctx_opts o = { .sz = sizeof(o), .flags = VXOFF_CTX_F_NETNS_FD,
					    .netns_fd = -1 };
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -EBADF);
		o.netns_fd = devnull;
		assert_int_equal(vxoff_ctx_new(&o, &ctx), -EBADF);
	}
	assert_int_equal(vxoff_ctx_new(NULL, NULL), -EINVAL);
	assert_ptr_equal(ctx, (void *)0x1);
	{ /* and the good ones: NULL opts, our own namespace by fd */
		struct vxoff_ctx_opts o = { .sz = sizeof(o), .flags = VXOFF_CTX_F_NETNS_FD,
					    .netns_fd = fd };
		assert_int_equal(vxoff_ctx_new(&o, &ctx), 0);
		vxoff_ctx_free(ctx);
		assert_int_equal(vxoff_ctx_new(NULL, &ctx), 0);
		vxoff_ctx_free(ctx);
	}
	vxoff_ctx_free(NULL); /* accepted */
	close(fd);
	close(devnull);
}

static void ctx_netns_fd_of_other_type(void **state)
{
	/* a namespace file, but not a network namespace: documented as -EBADF */
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	struct vxoff_ctx_opts o = { .sz = sizeof(o), .flags = VXOFF_CTX_F_NETNS_FD };
	struct vxoff_ctx *ctx = NULL;

	(void)state;
	if (fd < 0)
		skip(); /* no /proc/self/ns/uts in this sandbox */
	o.netns_fd = fd;
	assert_int_equal(vxoff_ctx_new(&o, &ctx), -EBADF);
	assert_null(ctx);
	close(fd);
}

/* ---- last error, warnings, log ---- */

struct logrec {
	int n;
	uint32_t level[16];
	char msg[16][256];
	struct vxoff_ctx *ctx;
	int reentry_ret;
};

static void log_cb(void *user, uint32_t level, const char *msg)
{
	struct logrec *l = user;

	if (l->n < 16) {
		l->level[l->n] = level;
		snprintf(l->msg[l->n], sizeof(l->msg[0]), "%s", msg);
	}
	l->n++;
}

static void last_error_api(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct vxoff_error e = { .sz = sizeof(e) };
	struct vxoff_devinfo *di = (void *)0x1;

	(void)state;
	assert_int_equal(vxoff_ctx_last_error(NULL, &e), -EINVAL);
	assert_int_equal(vxoff_ctx_last_error(ctx, NULL), -EINVAL);
	e = tu_last_error(ctx);
	assert_int_equal(e.err, 0);
	assert_null(e.msg);
	assert_null(e.kernel_msg);

	/* a failing public call sets it, with the reason and a message */
	assert_int_equal(vxoff_probe_device(ctx, "this-name-is-too-long", 0, NULL, &di), -EINVAL);
	assert_ptr_equal(di, (void *)0x1);
	e = tu_last_error(ctx);
	assert_int_equal(e.err, -EINVAL);
	assert_int_equal(e.reason, VXOFF_REASON_ARG);
	assert_non_null(e.msg);
	assert_non_null(strstr(e.msg, "this-name-is-too-long"));
	assert_string_equal(vxoff_reason_name(e.reason), "argument");
	assert_string_equal(vxoff_reason_name(9999), "unknown");

	/* a smaller out struct: only what fits is written */
	{
		unsigned char small[16];
		uint32_t sz = 12, v;
		int32_t err;

		memset(small, 0xee, sizeof(small));
		memcpy(small, &sz, 4);
		assert_int_equal(vxoff_ctx_last_error(ctx, (void *)small), 0);
		memcpy(&err, small + 4, 4);
		assert_int_equal(err, -EINVAL);
		memcpy(&v, small + 8, 4);
		assert_int_equal(v, VXOFF_REASON_ARG);
		for (int i = 12; i < 16; i++)
			assert_int_equal(small[i], 0xee);
		sz = 4; /* below the minimum */
		memcpy(small, &sz, 4);
		assert_int_equal(vxoff_ctx_last_error(ctx, (void *)small), -EINVAL);
	}
	/* cleared when the next call starts */
	{
		struct vxoff_probe_opts o = { .sz = sizeof(o), .flags = 1u << 30 };

		assert_int_equal(vxoff_probe_device(ctx, "lo", 0, &o, &di), -EINVAL);
		e = tu_last_error(ctx);
		assert_non_null(strstr(e.msg, "flags"));
		assert_null(strstr(e.msg, "this-name-is-too-long"));
	}
	vxoff_ctx_free(ctx);
}

static void warnings_api(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct vxoff_warning w = { .sz = sizeof(w) };
	struct vxoff_devinfo *di;

	(void)state;
	assert_int_equal(vxoff_ctx_warning_count(NULL), 0);
	assert_int_equal(vxoff_ctx_warning_count(ctx), 0);
	assert_int_equal(vxoff_ctx_warning(ctx, 0, &w), -ERANGE);
	assert_int_equal(vxoff_ctx_warning(NULL, 0, &w), -EINVAL);
	assert_int_equal(vxoff_ctx_warning(ctx, 0, NULL), -EINVAL);

	for (int i = 0; i < 20; i++) /* past the first allocation */
		assert_int_equal(vxoff__warn(ctx, VXOFF_WARN_ADJUSTED, "rx-ring", 1000 + i, 1024,
					     "rounded up to %d", 1024), 0);
	assert_int_equal(vxoff_ctx_warning_count(ctx), 20);
	assert_int_equal(vxoff_ctx_warning(ctx, 19, &w), 0);
	assert_int_equal(w.code, VXOFF_WARN_ADJUSTED);
	assert_int_equal(w.requested, 1019);
	assert_int_equal(w.applied, 1024);
	assert_string_equal(w.what, "rx-ring");
	assert_string_equal(w.msg, "rounded up to 1024");
	assert_int_equal(vxoff_ctx_warning(ctx, 20, &w), -ERANGE);

	/* the next public call starts with none */
	assert_int_equal(vxoff_probe_device(ctx, NULL, 0, NULL, &di), -EINVAL);
	assert_int_equal(vxoff_ctx_warning_count(ctx), 0);
	vxoff_ctx_free(ctx);
}

static void log_callback(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct logrec l = { 0 };
	struct vxoff_devinfo *di;

	(void)state;
	assert_int_equal(vxoff_ctx_set_log(NULL, log_cb, &l, VXOFF_LOG_DEBUG), -EINVAL);
	assert_int_equal(vxoff_ctx_set_log(ctx, log_cb, &l, VXOFF_LOG_DEBUG + 1), -EINVAL);
	assert_int_equal(vxoff_ctx_set_log(ctx, log_cb, &l, VXOFF_LOG_ERR - 1), -EINVAL);

	/* off by default: nothing is delivered */
	vxoff__log(ctx, VXOFF_LOG_ERR, "never seen");
	assert_int_equal(l.n, 0);

	/* WARNING level: warnings yes, debug no */
	assert_int_equal(vxoff_ctx_set_log(ctx, log_cb, &l, VXOFF_LOG_WARNING), 0);
	vxoff__log(ctx, VXOFF_LOG_DEBUG, "debug %d", 1);
	assert_int_equal(l.n, 0);
	vxoff__warn(ctx, VXOFF_WARN_ADJUSTED, "mtu", 9000, 1500, "clamped");
	assert_int_equal(l.n, 1);
	assert_int_equal(l.level[0], VXOFF_LOG_WARNING);
	assert_non_null(strstr(l.msg[0], "clamped"));

	/* DEBUG: a failing public call explains itself */
	assert_int_equal(vxoff_ctx_set_log(ctx, log_cb, &l, VXOFF_LOG_DEBUG), 0);
	l.n = 0;
	assert_int_equal(vxoff_probe_device(ctx, "", 0, NULL, &di), -EINVAL);
	assert_true(l.n >= 1);
	assert_int_equal(l.level[0], VXOFF_LOG_DEBUG);
	assert_non_null(strstr(l.msg[0], "interface name"));

	/* NULL turns it off */
	assert_int_equal(vxoff_ctx_set_log(ctx, NULL, NULL, VXOFF_LOG_DEBUG), 0);
	l.n = 0;
	assert_int_equal(vxoff_probe_device(ctx, "", 0, NULL, &di), -EINVAL);
	assert_int_equal(l.n, 0);
	vxoff_ctx_free(ctx);
}

static void reenter_cb(void *user, uint32_t level, const char *msg)
{
	struct logrec *l = user;
	struct vxoff_devlist *list = NULL;

	(void)level;
	(void)msg;
	l->n++;
	l->reentry_ret = vxoff_probe_all(l->ctx, NULL, &list);
	assert_null(list);
}

static void reentry_is_ebusy(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct logrec l = { .ctx = ctx };
	struct vxoff_devinfo *di;
	struct vxoff_error e;

	(void)state;
	assert_int_equal(vxoff_ctx_set_log(ctx, reenter_cb, &l, VXOFF_LOG_DEBUG), 0);
	assert_int_equal(vxoff_probe_device(ctx, "", 0, NULL, &di), -EINVAL);
	assert_true(l.n >= 1);
	assert_int_equal(l.reentry_ret, -EBUSY);
	/* the re-entered call did not clobber the outer call's error */
	e = tu_last_error(ctx);
	assert_int_equal(e.err, -EINVAL);
	assert_int_equal(e.reason, VXOFF_REASON_ARG);
	vxoff_ctx_free(ctx);
}

static void echild_after_fork(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vxoff_devinfo *di = NULL;
		struct vxoff_devlist *l = NULL;
		struct vxoff_error e = { .sz = sizeof(e) };
		int code = 0;

		if (vxoff_probe_device(ctx, "lo", 0, NULL, &di) != -ECHILD || di)
			code |= 1;
		if (vxoff_probe_all(ctx, NULL, &l) != -ECHILD || l)
			code |= 2;
		if (vxoff_ctx_last_error(ctx, &e) != 0 || e.err != -ECHILD ||
		    e.reason != VXOFF_REASON_FORK || !e.msg || !strstr(e.msg, "fork"))
			code |= 4;
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* the parent's context is still its own */
	assert_int_equal(tu_last_error(ctx).err, 0);
	vxoff_ctx_free(ctx);
}

/* ---- CPU lists and masks ---- */

/* bits -> sysfs-style hex mask (32-bit groups, most significant first) */
static void to_mask(const uint64_t *bits, uint32_t nbits, char *out, size_t cap)
{
	uint32_t groups = (nbits + 31) / 32;
	size_t off = 0;

	out[0] = '\0';
	for (uint32_t g = groups; g-- > 0;) {
		uint32_t v = (uint32_t)(bits[g / 2] >> (32 * (g % 2)));

		off += (size_t)snprintf(out + off, cap - off, g + 1 == groups ? "%x" : ",%08x", v);
	}
}

static void roundtrip(const char *list, uint32_t nbits, const char *canonical)
{
	uint64_t bits[8];
	char mask[256], *back = NULL;

	assert_true(nbits <= 512);
	assert_int_equal(vxoff__cpulist_parse(list, bits, nbits), 0);
	to_mask(bits, nbits, mask, sizeof(mask));
	assert_int_equal(vxoff__mask_to_cpulist(mask, &back), 0);
	if (strcmp(back, canonical))
		fail_msg("'%s' -> mask '%s' -> '%s', want '%s'", list, mask, back, canonical);
	free(back);
}

static void cpulist_parse_and_roundtrip(void **state)
{
	uint64_t bits[4];

	(void)state;
	assert_int_equal(vxoff__cpulist_parse("0,2-3", bits, 64), 0);
	assert_int_equal(bits[0], 0xdull);
	assert_int_equal(vxoff__cpulist_parse("5,0-1", bits, 64), 0); /* unsorted */
	assert_int_equal(bits[0], 0x23ull);
	assert_int_equal(vxoff__cpulist_parse("0-10:2", bits, 64), 0);
	assert_int_equal(bits[0], 0x555ull);
	assert_int_equal(vxoff__cpulist_parse("1-9:4", bits, 64), 0); /* 1, 5, 9 */
	assert_int_equal(bits[0], (1ull << 1) | (1ull << 5) | (1ull << 9));
	assert_int_equal(vxoff__cpulist_parse("63-65,130", bits, 192), 0);
	assert_int_equal(bits[0], 1ull << 63);
	assert_int_equal(bits[1], 0x3ull);
	assert_int_equal(bits[2], 1ull << 2);
	assert_int_equal(vxoff__cpulist_parse("", bits, 64), 0); /* empty = no CPU */
	assert_int_equal(bits[0], 0);
	assert_int_equal(vxoff__cpulist_parse(" 1 , 3\n", bits, 64), 0);
	assert_int_equal(bits[0], 0xaull);

	roundtrip("0,2-3", 64, "0,2-3");
	roundtrip("5,0-1", 64, "0-1,5");
	roundtrip("0-10:2", 64, "0,2,4,6,8,10");
	roundtrip("3,3,1-3", 64, "1-3");
	roundtrip("0-3,64-71", 128, "0-3,64-71");
	roundtrip("0,127-129,199", 200, "0,127-129,199");
	roundtrip("0-255", 256, "0-255");
	roundtrip("31-32", 40, "31-32");
	roundtrip("", 64, "");
}

static void mask_to_cpulist_cases(void **state)
{
	static const struct {
		const char *mask, *list;
	} ok[] = {
		{ "ff,00000001", "0,32-39" },
		{ "1", "0" },
		{ "0", "" },
		{ "00000000,00000000", "" },
		{ "80000000,00000001", "0,63" },
		{ "ffffffff,ffffffff", "0-63" },
		{ "1,00000000,00000000", "64" },
		{ "f0", "4-7" },
		{ "a", "1,3" },
		{ "ABCDEF", "0-3,5-8,10-11,14-17,19,21,23" },
		{ "3\n", "0-1" },
	};
	static const char *bad[] = {
		"", ",", "ff,", ",ff", "xyz", "123456789", "ff,,1", "0x10", "-1", "f f",
	};
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		s = NULL;
		assert_int_equal(vxoff__mask_to_cpulist(ok[i].mask, &s), 0);
		if (strcmp(s, ok[i].list))
			fail_msg("mask '%s' -> '%s', want '%s'", ok[i].mask, s, ok[i].list);
		free(s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = (void *)0x1;
		if (vxoff__mask_to_cpulist(bad[i], &s) != -EINVAL)
			fail_msg("mask '%s' was accepted", bad[i]);
		assert_ptr_equal(s, (void *)0x1);
	}
}

static void cpulist_bad_input(void **state)
{
	static const struct {
		const char *list;
		int err;
	} bad[] = {
		{ "3-1", -EINVAL },   { "a", -EINVAL },	   { "1,", -EINVAL },	{ ",1", -EINVAL },
		{ "1-", -EINVAL },    { "-1", -EINVAL },   { "1--2", -EINVAL }, { "0-10:0", -EINVAL },
		{ "0-10:", -EINVAL }, { "1 2", -EINVAL },  { "1;2", -EINVAL },	{ "0x1", -EINVAL },
		{ "64", -ERANGE },    { "0-64", -ERANGE }, { "40", -ERANGE },
		{ "18446744073709551616", -ERANGE },
	};
	uint64_t bits[1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t nbits = !strcmp(bad[i].list, "40") ? 40 : 64;
		int r = vxoff__cpulist_parse(bad[i].list, bits, nbits);

		if (r != bad[i].err)
			fail_msg("'%s' (%u bits): %d, want %d", bad[i].list, nbits, r, bad[i].err);
	}
}

/* vxoff__grow: room for element n, capacity doubled, the old array kept on failure. */
static void grow_array(void **state)
{
	uint32_t *v = NULL, cap = 0, *p;

	(void)state;
	for (uint32_t n = 0; n < 1000; n++) {
		p = vxoff__grow(v, &cap, n, sizeof(*v));
		assert_non_null(p);
		v = p;
		assert_true(cap > n);
		v[n] = n;
	}
	for (uint32_t n = 0; n < 1000; n++)
		assert_int_equal(v[n], n);
	/* an element size the capacity cannot be multiplied by: refused, v untouched */
	p = vxoff__grow(v, &cap, cap, SIZE_MAX / 2);
	assert_null(p);
	assert_int_equal(v[999], 999);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(copy_in_null_is_defaults),
		cmocka_unit_test(copy_in_smaller_zero_fills),
		cmocka_unit_test(copy_in_equal),
		cmocka_unit_test(copy_in_larger_zero_tail),
		cmocka_unit_test(copy_in_larger_nonzero_tail),
		cmocka_unit_test(copy_in_below_min),
		cmocka_unit_test(copy_in_too_big),
		cmocka_unit_test(copy_out_smaller_leaves_rest),
		cmocka_unit_test(copy_out_larger_zeroes_tail),
		cmocka_unit_test(copy_out_bad_sizes),
		cmocka_unit_test(ctx_new_missing_netns),
		cmocka_unit_test(ctx_new_bad_opts),
		cmocka_unit_test(ctx_netns_fd_of_other_type),
		cmocka_unit_test(last_error_api),
		cmocka_unit_test(warnings_api),
		cmocka_unit_test(log_callback),
		cmocka_unit_test(reentry_is_ebusy),
		cmocka_unit_test(echild_after_fork),
		cmocka_unit_test(cpulist_parse_and_roundtrip),
		cmocka_unit_test(mask_to_cpulist_cases),
		cmocka_unit_test(cpulist_bad_input),
		cmocka_unit_test(grow_array),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
