/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Helpers of the unit tests: netlink messages built with libmnl, replay fixtures written in
 * memory with the library's own writer, a scripted transport for what a replay cannot express
 * (stale sequence numbers, foreign port ids), and a fake sysfs tree.
 */
#ifndef VXOFF_TESTS_TESTUTIL_H
#define VXOFF_TESTS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>

#include <cmocka.h>

#include "netlink/core.h"
#include "netlink/replay.h"

/* ---- message buffers ---- */

#define TU_BUF_SIZE (128 * 1024)

/* A datagram under construction: messages appended one after the other. */
struct tu_dgram {
	union {
		unsigned char buf[TU_BUF_SIZE];
		struct nlmsghdr align;
	};
	size_t len;
};

/* Start a message at the end of d (not yet counted in d->len: tu_end() does that). */
struct nlmsghdr *tu_msg(struct tu_dgram *d, uint16_t type, uint16_t flags);
/* Start a generic netlink message (genlmsghdr cmd/version). */
struct nlmsghdr *tu_genl(struct tu_dgram *d, uint16_t family, uint8_t cmd, uint16_t flags);
/* Count the message started last into d->len. */
void tu_end(struct tu_dgram *d, struct nlmsghdr *nlh);
/* Append an ACK or error for req: error 0 = ACK; msg/offs = extack (NULL/0 = none); capped
 * as the library asks (NETLINK_CAP_ACK) unless full. */
void tu_err(struct tu_dgram *d, const struct nlmsghdr *req, int error, const char *msg,
	    uint32_t offs, bool full);
/* Append NLMSG_DONE (error 0). */
void tu_done(struct tu_dgram *d, uint16_t flags);

/* ---- fixture text ---- */

struct tu_fx {
	char *text;
	size_t len;
	FILE *f;
};

void tu_fx_init(struct tu_fx *fx);
/* A request as the core sends it: the caller gives the finished message (flags included). */
void tu_fx_req(struct tu_fx *fx, uint32_t proto, const struct nlmsghdr *req);
void tu_fx_rep(struct tu_fx *fx, uint32_t proto, const struct tu_dgram *d);
void tu_fx_line(struct tu_fx *fx, const char *line);
/* The text so far (NUL-terminated, owned by fx). */
const char *tu_fx_text(struct tu_fx *fx);
void tu_fx_free(struct tu_fx *fx);

/* ---- contexts ---- */

/* A context in the caller's namespace (sockets are opened lazily: nothing is touched). */
struct vxoff_ctx *tu_ctx(const char *sysfs_root);
/* Install an in-memory replay of text; asserts success. */
void tu_replay_mem(struct vxoff_ctx *ctx, const char *text);
/* Install the replay of a committed fixture (tests/replay/NAME); false if it is absent. */
bool tu_replay_file(struct vxoff_ctx *ctx, const char *name);
/* Full path of a committed fixture into buf. */
const char *tu_fixture_path(const char *name, char *buf, size_t cap);

/* The context's last error (asserts the accessor works). */
struct vxoff_error tu_last_error(struct vxoff_ctx *ctx);

/* ---- scripted transport ---- */

/* Each datagram is served once, in order, whatever was sent; every message in it gets the
 * current request's seq + seq_adj and the port id pid (TU_PID_OURS = ours). */
#define TU_PID_OURS 0xffffffffu
#define TU_SCRIPT_PORTID 4242u

struct tu_script {
	struct {
		unsigned char *p;
		size_t len;
		int seq_adj;
		uint32_t pid;
	} d[64];
	uint32_t n, next;
	uint32_t seq;	    /* of the last request */
	uint32_t sends;	    /* requests seen */
	unsigned char last[8192];
	size_t last_len;
};

/* Install a scripted transport; the returned script is owned by ctx (valid until freed). */
struct tu_script *tu_script_install(struct vxoff_ctx *ctx);
void tu_script_add(struct tu_script *s, const struct tu_dgram *d, int seq_adj, uint32_t pid);

/* ---- fake sysfs ---- */

/* mkdtemp() a root; tu_write(root, "class/net/eth0/queues/rx-0/rps_cpus", "3") creates
 * parents. tu_rmtree() removes it all. */
char *tu_mkdtemp(void);
void tu_write(const char *root, const char *rel, const char *content);
void tu_rmtree(const char *root);

#endif
