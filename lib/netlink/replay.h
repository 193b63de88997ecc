/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Replay fixture format, shared by the recorder and the replay transport. */
#ifndef VXOFF_LIB_NETLINK_REPLAY_H
#define VXOFF_LIB_NETLINK_REPLAY_H

#include <stdio.h>

#include "core.h"

/*
 * A fixture is text, one record a line:
 *   # comment
 *   req route|genl HEX      a request, seq and port id zeroed
 *   rep route|genl HEX      one datagram the kernel answered it with (messages' seq/pid zeroed)
 *   ioctl IFNAME ERR HEX    SIOCETHTOOL on IFNAME: the errno (0 or negative) and the command
 *                           struct as the kernel left it
 * Replies belong to the request before them.
 */
void vxoff__replay_write(FILE *f, const char *tag, uint32_t proto, const void *buf, size_t len,
			 bool normalise);
void vxoff__replay_write_ioctl(FILE *f, const char *ifname, int err, const void *data,
			       size_t len);
/* Replay from text in memory (tests build fixtures on the fly). */
int vxoff__transport_replay_new_mem(struct vxoff_ctx *ctx, const char *text, size_t len,
				    struct vxoff__transport *ret);
/* Zero seq and pid of every well-formed message of a datagram. */
void vxoff__nl_normalise(void *buf, size_t len, uint32_t seq, uint32_t pid);

#endif
