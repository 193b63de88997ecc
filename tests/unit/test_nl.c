/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The netlink request loop on in-memory fixtures: ACKs, kernel errors with extended ack,
 * truncated, oversized and malformed replies, stale messages, interrupted dumps, missing
 * replies, generic netlink family resolution and the fixture format itself.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <vxoff/probe.h>

#include "netlink/ctx_internal.h"
#include "testutil.h"

static struct tu_dgram D, R; /* big: not on the stack */

/* ---- builders ---- */

static struct nlmsghdr *getlink(struct tu_dgram *d, const char *name, uint16_t flags)
{
	struct nlmsghdr *nlh = tu_msg(d, RTM_GETLINK, NLM_F_REQUEST | flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static void newlink(struct tu_dgram *d, int ifindex, const char *name, uint16_t flags)
{
	struct nlmsghdr *nlh = tu_msg(d, RTM_NEWLINK, flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	tu_end(d, nlh);
}

/* A request the way the core sends it (flags completed), for the fixture. */
static struct nlmsghdr *as_sent(struct tu_dgram *copy, const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;

	memset(copy, 0, sizeof(*copy));
	memcpy(copy->buf, req, req->nlmsg_len);
	nlh = &copy->align;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	return nlh;
}

static struct tu_dgram S; /* as_sent copies */

/* ---- a collecting handler ---- */

struct coll {
	int n;
	char names[16][IFNAMSIZ];
	uint32_t lens[16];
	int resets;
	int fail_with; /* return this from the first message */
};

static int coll_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct coll *c = data;
	const char *name = "?";
	int r;

	if (c->fail_with) {
		c->n++;
		return c->fail_with;
	}
	r = vxoff__attr_parse_msg(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	if (r < 0)
		return r;
	if (tb[IFLA_IFNAME] && vxoff__attr_str(tb[IFLA_IFNAME], &name) < 0)
		return -EPROTO;
	if (c->n < 16) {
		snprintf(c->names[c->n], IFNAMSIZ, "%s", name);
		c->lens[c->n] = nlh->nlmsg_len;
	}
	c->n++;
	return 0;
}

static void coll_reset(void *data)
{
	struct coll *c = data;

	c->n = 0;
	c->resets++;
}

/* Requests that expect only an ACK may pass no handler at all. */
static bool no_handler;

static int request(struct vxoff_ctx *ctx, struct nlmsghdr *req, struct coll *c)
{
	struct vxoff__nl_handler h = { .msg = coll_msg, .reset = coll_reset, .data = c };
	int r;

	/* as a public entry point would */
	assert_int_equal(vxoff__ctx_enter(ctx), 0);
	r = vxoff__nl_request(ctx, VXOFF__NL_ROUTE, req, no_handler ? NULL : &h, "test request");
	vxoff__ctx_leave(ctx);
	return r;
}

/* ---- tests ---- */

static void good_request_ack(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct tu_fx fx;
	struct nlmsghdr *req;

	(void)state;
	D.len = R.len = 0;
	req = getlink(&D, "eth0", 0);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	newlink(&R, 2, "eth0", 0);
	tu_err(&R, as_sent(&S, req), 0, NULL, 0, false);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.names[0], "eth0");
	assert_int_equal(vxoff__replay_unused(ctx), 0);
	/* the core asked for an ACK and set a sequence number */
	assert_true(req->nlmsg_flags & NLM_F_ACK);
	assert_int_not_equal(req->nlmsg_seq, 0);
	assert_int_equal(tu_last_error(ctx).err, 0);
	assert_int_equal(vxoff_ctx_warning_count(ctx), 0);

	/* the same request again is served again (a served match is reused) */
	req->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
	c.n = 0;
	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(c.n, 1);
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

/* RTM_NEWLINK eth0 { IFNAME, LINKINFO { KIND "vxlan", DATA { ID 42, PORT 4789 } } } and the
 * offsets of PORT and of a byte inside IFNAME's payload. */
static struct nlmsghdr *newlink_req(struct tu_dgram *d, uint32_t *port_off, uint32_t *name_mid)
{
	struct nlmsghdr *nlh = tu_msg(d, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *li, *data;

	ifi->ifi_family = AF_UNSPEC;
	*name_mid = nlh->nlmsg_len + 4 + 2;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "vx42");
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, 42);
	*port_off = nlh->nlmsg_len;
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(4789));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return nlh;
}

static int one_error(int err, const char *msg, int which_off, bool full, struct vxoff_error *e,
		     uint32_t *offs_out)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	uint32_t port_off, name_mid, offs;
	struct coll c = { 0 };
	struct tu_fx fx;
	struct nlmsghdr *req;
	int r;

	D.len = R.len = 0;
	req = newlink_req(&D, &port_off, &name_mid);
	offs = which_off == 0 ? 0 : which_off == 1 ? port_off : which_off == 2 ? name_mid : 4000;
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	tu_err(&R, as_sent(&S, req), err, msg, offs, full);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));
	r = request(ctx, req, &c);
	*e = tu_last_error(ctx);
	if (e->msg)
		e->msg = strdup(e->msg);
	if (e->kernel_msg)
		e->kernel_msg = strdup(e->kernel_msg);
	*offs_out = offs;
	assert_int_equal(c.n, 0);
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
	return r;
}

static void free_err(struct vxoff_error *e)
{
	free((char *)e->msg);
	free((char *)e->kernel_msg);
}

static void error_with_extack(void **state)
{
	struct vxoff_error e;
	uint32_t offs;

	(void)state;
	/* offset at a nested attribute: resolved to its type and path */
	for (int full = 0; full < 2; full++) {
		assert_int_equal(one_error(-EINVAL, "Unsupported attribute", 1, full, &e, &offs),
				 -EINVAL);
		assert_int_equal(e.err, -EINVAL);
		assert_int_equal(e.reason, VXOFF_REASON_KERNEL);
		assert_string_equal(e.kernel_msg, "Unsupported attribute");
		assert_int_equal(e.nl_attr_offset, offs);
		assert_int_equal(e.nl_attr_type, IFLA_VXLAN_PORT);
		assert_non_null(strstr(e.msg, "test request"));
		assert_non_null(strstr(e.msg, "Unsupported attribute"));
		assert_non_null(strstr(e.msg, "18/2/15")); /* LINKINFO/INFO_DATA/VXLAN_PORT */
		free_err(&e);
	}
	/* the same without a handler: the path comes from the message type alone */
	no_handler = true;
	assert_int_equal(one_error(-EINVAL, "Unsupported attribute", 1, false, &e, &offs),
			 -EINVAL);
	no_handler = false;
	assert_int_equal(e.nl_attr_type, IFLA_VXLAN_PORT);
	assert_non_null(strstr(e.msg, "18/2/15"));
	free_err(&e);
	/* inside a plain payload: the attribute holding it is blamed */
	assert_int_equal(one_error(-ERANGE, "bad name", 2, false, &e, &offs), -ERANGE);
	assert_int_equal(e.nl_attr_offset, offs);
	assert_int_equal(e.nl_attr_type, IFLA_IFNAME);
	free_err(&e);
	/* outside the request: offset kept, no type */
	assert_int_equal(one_error(-EINVAL, "x", 3, false, &e, &offs), -EINVAL);
	assert_int_equal(e.nl_attr_offset, 4000);
	assert_int_equal(e.nl_attr_type, 0);
	free_err(&e);
	/* no extack at all */
	assert_int_equal(one_error(-EEXIST, NULL, 0, false, &e, &offs), -EEXIST);
	assert_null(e.kernel_msg);
	assert_int_equal(e.nl_attr_offset, 0);
	assert_int_equal(e.nl_attr_type, 0);
	assert_non_null(strstr(e.msg, strerror(EEXIST)));
	free_err(&e);
	/* privilege and device errors get their reasons */
	assert_int_equal(one_error(-EPERM, NULL, 0, false, &e, &offs), -EPERM);
	assert_int_equal(e.reason, VXOFF_REASON_PRIVILEGE);
	assert_non_null(strstr(e.msg, "CAP_NET_ADMIN"));
	free_err(&e);
	assert_int_equal(one_error(-ENODEV, NULL, 0, false, &e, &offs), -ENODEV);
	assert_int_equal(e.reason, VXOFF_REASON_NO_DEVICE);
	free_err(&e);
}

/* NLMSGERR_ATTR_MISS_TYPE (a required attribute is missing): no offset, the type is named. */
static void error_missing_attribute(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct vxoff_error e;
	struct tu_fx fx;
	struct nlmsghdr *req, *nlh;

	(void)state;
	D.len = R.len = 0;
	req = getlink(&D, "eth0", 0);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	tu_err(&R, as_sent(&S, req), -EINVAL, "Missing attribute", 0, false);
	nlh = &R.align;
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, IFLA_MTU);
	R.len = NLMSG_ALIGN(nlh->nlmsg_len);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));
	assert_int_equal(request(ctx, req, &c), -EINVAL);
	e = tu_last_error(ctx);
	assert_int_equal(e.nl_attr_offset, 0);
	assert_int_equal(e.nl_attr_type, IFLA_MTU);
	assert_string_equal(e.kernel_msg, "Missing attribute");
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void ack_with_extack_is_warning(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct vxoff_warning w = { .sz = sizeof(w) };
	struct coll c = { 0 };
	struct tu_fx fx;
	struct nlmsghdr *req;

	(void)state;
	D.len = R.len = 0;
	req = getlink(&D, "eth0", 0);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	tu_err(&R, as_sent(&S, req), 0, "attribute ignored by this kernel", 0, false);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));
	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(vxoff_ctx_warning_count(ctx), 1);
	assert_int_equal(vxoff_ctx_warning(ctx, 0, &w), 0);
	assert_int_equal(w.code, VXOFF_WARN_KERNEL_MSG);
	assert_string_equal(w.msg, "attribute ignored by this kernel");
	assert_string_equal(w.what, "test request");
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

/* Serve one raw datagram as the reply of a GETLINK eth0 request; return the result. */
static int serve_raw(const void *buf, size_t len, struct coll *c, struct vxoff_error *e)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct tu_fx fx;
	struct nlmsghdr *req;
	int r;

	D.len = 0;
	req = getlink(&D, "eth0", 0);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	vxoff__replay_write(fx.f, "rep", VXOFF__NL_ROUTE, buf, len, true);
	tu_replay_mem(ctx, tu_fx_text(&fx));
	r = request(ctx, req, c);
	*e = tu_last_error(ctx);
	if (e->msg)
		e->msg = strdup(e->msg);
	e->kernel_msg = NULL;
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
	return r;
}

static void truncated_replies(void **state)
{
	struct vxoff_error e;
	struct coll c = { 0 };
	struct nlmsghdr *nlh;
	size_t real;

	(void)state;
	/* a datagram shorter than its message's nlmsg_len */
	R.len = 0;
	newlink(&R, 2, "eth0", 0);
	real = R.len;
	nlh = &R.align;
	nlh->nlmsg_len = (uint32_t)real + 64;
	assert_int_equal(serve_raw(R.buf, real, &c, &e), -EPROTO);
	assert_int_equal(e.err, -EPROTO);
	assert_int_equal(e.reason, VXOFF_REASON_MALFORMED);
	assert_non_null(strstr(e.msg, "malformed reply"));
	assert_int_equal(c.n, 0); /* the callback never saw it */
	free_err(&e);

	/* nlmsg_len below the header size */
	nlh->nlmsg_len = 8;
	assert_int_equal(serve_raw(R.buf, real, &c, &e), -EPROTO);
	assert_int_equal(e.reason, VXOFF_REASON_MALFORMED);
	assert_int_equal(c.n, 0);
	free_err(&e);
	nlh->nlmsg_len = 0; /* would loop forever if trusted */
	assert_int_equal(serve_raw(R.buf, real, &c, &e), -EPROTO);
	free_err(&e);

	/* a datagram shorter than a header */
	assert_int_equal(serve_raw(R.buf, 10, &c, &e), -EPROTO);
	assert_int_equal(e.reason, VXOFF_REASON_MALFORMED);
	free_err(&e);

	/* the second message of a datagram cut short */
	R.len = 0;
	newlink(&R, 2, "eth0", 0);
	real = R.len;
	newlink(&R, 3, "eth1", 0);
	assert_int_equal(serve_raw(R.buf, R.len - 4, &c, &e), -EPROTO);
	free_err(&e);

	/* an error message too short for its error code */
	R.len = 0;
	nlh = tu_msg(&R, NLMSG_ERROR, 0);
	nlh->nlmsg_len = 18;
	R.len = 20;
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "truncated error"));
	free_err(&e);
	(void)real;
}

static void malformed_attributes(void **state)
{
	struct vxoff_error e;
	struct coll c = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *a;
	struct tu_dgram *req = &D;

	(void)state;
	/* the last attribute claims more bytes than its message has */
	R.len = 0;
	D.len = 0;
	nlh = tu_msg(&R, RTM_NEWLINK, 0);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	a->nla_len = 200;
	tu_end(&R, nlh);
	tu_err(&R, getlink(req, "eth0", NLM_F_ACK), 0, NULL, 0, false);
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EPROTO);
	assert_int_equal(e.err, -EPROTO);
	assert_int_equal(e.reason, VXOFF_REASON_MALFORMED);
	assert_non_null(strstr(e.msg, "malformed"));
	assert_non_null(strstr(e.msg, "test request"));
	free_err(&e);

	/* an attribute shorter than its own header */
	a->nla_len = 2;
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EPROTO);
	free_err(&e);

	/* typed reads check the payload length */
	{
		unsigned char buf[64] __attribute__((aligned(4))) = { 0 };
		struct nlattr *x = (void *)buf;
		const struct nlattr *tb[4];
		uint64_t u64;
		uint32_t u32;
		uint16_t u16;
		uint8_t u8;
		const char *s;

		x->nla_type = 1;
		x->nla_len = 4 + 2;
		memcpy(buf + 4, "ab", 2);
		assert_int_equal(vxoff__attr_u32(x, &u32), -EPROTO);
		assert_int_equal(vxoff__attr_u16(x, &u16), 0);
		assert_int_equal(vxoff__attr_u8(x, &u8), 0);
		assert_int_equal(vxoff__attr_str(x, &s), -EPROTO); /* no NUL */
		assert_int_equal(vxoff__attr_uint(x, &u64), -EPROTO);
		x->nla_len = 4;
		assert_int_equal(vxoff__attr_u8(x, &u8), -EPROTO);
		assert_int_equal(vxoff__attr_str(x, &s), -EPROTO); /* empty */
		x->nla_len = 4 + 8;
		memset(buf + 4, 0xff, 8);
		assert_int_equal(vxoff__attr_uint(x, &u64), 0);
		assert_true(u64 == UINT64_MAX);
		x->nla_len = 4 + 4;
		assert_int_equal(vxoff__attr_uint(x, &u64), 0);
		assert_true(u64 == UINT32_MAX);
		/* a stream: fine, then one byte short */
		assert_int_equal(vxoff__attr_parse(buf, 8, tb, 3), 0);
		assert_ptr_equal(tb[1], x);
		assert_int_equal(vxoff__attr_parse(buf, 7, tb, 3), -EPROTO);
		/* unknown types are skipped */
		x->nla_type = 9;
		assert_int_equal(vxoff__attr_parse(buf, 8, tb, 3), 0);
		assert_null(tb[1]);
		/* a nest with a bad member */
		x->nla_type = 1 | NLA_F_NESTED;
		x->nla_len = 4 + 8;
		((struct nlattr *)(buf + 4))->nla_len = 12; /* inner claims past the nest */
		((struct nlattr *)(buf + 4))->nla_type = 1;
		assert_int_equal(vxoff__nest_check(x), -EPROTO);
		((struct nlattr *)(buf + 4))->nla_len = 8;
		assert_int_equal(vxoff__nest_check(x), 0);
	}
}

static void malformed_extack_still_reports_error(void **state)
{
	struct vxoff_error e;
	struct coll c = { 0 };
	struct nlmsghdr *nlh, *req;
	struct nlattr *a;

	(void)state;
	D.len = R.len = 0;
	req = getlink(&D, "eth0", NLM_F_ACK);
	tu_err(&R, req, -EINVAL, "some text", 0, false);
	nlh = &R.align;
	/* the MSG attribute follows nlmsgerr with the capped header */
	a = (struct nlattr *)((char *)nlh + 16 + 4 + 16);
	assert_int_equal(a->nla_type, NLMSGERR_ATTR_MSG);
	a->nla_len = 300;
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EINVAL);
	assert_int_equal(e.err, -EINVAL);
	free_err(&e);
}

static void oversized_reply_grows_buffer(void **state)
{
	static const size_t sizes[] = { 40000, 60000 };
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct tu_fx fx;
	struct nlmsghdr *req, *nlh;
	size_t total = 0;

	(void)state;
	D.len = R.len = 0;
	req = getlink(&D, NULL, NLM_F_DUMP);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	/* one datagram of ~100 KiB: two big messages, then DONE */
	for (int i = 0; i < 2; i++) {
		struct nlattr *a;
		char name[16];

		snprintf(name, sizeof(name), "big%d", i);
		nlh = tu_msg(&R, RTM_NEWLINK, NLM_F_MULTI);
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
		a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
		a->nla_type = IFLA_AF_SPEC;
		a->nla_len = (uint16_t)(4 + sizes[i]);
		memset((char *)(a + 1), 0, sizes[i]);
		nlh->nlmsg_len += NLA_ALIGN(a->nla_len);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name); /* last: must survive the growth */
		total += nlh->nlmsg_len;
		tu_end(&R, nlh);
	}
	tu_done(&R, 0);
	assert_true(R.len > 2 * 32768);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));
	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.names[0], "big0");
	assert_string_equal(c.names[1], "big1");
	assert_int_equal(c.lens[0] + c.lens[1], total);
	assert_true(ctx->rxcap >= R.len);
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void stale_and_foreign_messages_skipped(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct tu_script *s;
	struct nlmsghdr *req;

	(void)state;
	s = tu_script_install(ctx);
	D.len = 0;
	req = getlink(&D, "eth0", 0);
	/* left over from an earlier, aborted request: a reply and its error */
	R.len = 0;
	newlink(&R, 9, "stale0", 0);
	tu_err(&R, req, -ENODEV, "stale error", 0, false);
	tu_script_add(s, &R, -1, TU_PID_OURS);
	/* right seq but another port id: not ours */
	R.len = 0;
	newlink(&R, 8, "foreign0", 0);
	tu_err(&R, req, -EPERM, NULL, 0, false);
	tu_script_add(s, &R, 0, 777);
	/* the real answer */
	R.len = 0;
	newlink(&R, 2, "eth0", 0);
	tu_err(&R, req, 0, NULL, 0, false);
	tu_script_add(s, &R, 0, TU_PID_OURS);

	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.names[0], "eth0");
	assert_int_equal(s->next, 3);
	assert_int_equal(s->sends, 1);
	vxoff_ctx_free(ctx);
}

/* A dump of names, interrupted first, clean the second time. */
static void dump_intr_retried(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct tu_fx fx;
	struct nlmsghdr *req;

	(void)state;
	D.len = 0;
	req = getlink(&D, NULL, NLM_F_DUMP);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	R.len = 0;
	newlink(&R, 1, "old0", NLM_F_MULTI | NLM_F_DUMP_INTR);
	newlink(&R, 2, "old1", NLM_F_MULTI | NLM_F_DUMP_INTR);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	R.len = 0;
	tu_done(&R, NLM_F_DUMP_INTR);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	R.len = 0;
	newlink(&R, 1, "new0", NLM_F_MULTI);
	newlink(&R, 3, "new1", NLM_F_MULTI);
	newlink(&R, 4, "new2", NLM_F_MULTI);
	tu_done(&R, 0);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(c.resets, 1);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.names[0], "new0");
	assert_string_equal(c.names[1], "new1");
	assert_string_equal(c.names[2], "new2");
	assert_int_equal(vxoff__replay_unused(ctx), 0);
	/* a dump does not ask for an ACK */
	assert_false(req->nlmsg_flags & NLM_F_ACK);
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void dump_intr_exhausted(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct vxoff_error e;
	struct tu_fx fx;
	struct nlmsghdr *req;

	(void)state;
	D.len = 0;
	req = getlink(&D, NULL, NLM_F_DUMP);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	R.len = 0;
	newlink(&R, 1, "lo", NLM_F_MULTI | NLM_F_DUMP_INTR);
	tu_done(&R, NLM_F_DUMP_INTR);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	assert_int_equal(request(ctx, req, &c), -EAGAIN);
	e = tu_last_error(ctx);
	assert_int_equal(e.err, -EAGAIN);
	assert_int_equal(e.reason, VXOFF_REASON_DUMP_INTR);
	assert_non_null(strstr(e.msg, "interrupted"));
	assert_true(c.resets >= 2); /* retried, each time from scratch */
	assert_string_equal(vxoff_reason_name(e.reason), "dump-interrupted");
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void dump_error_in_done(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct vxoff_error e;
	struct tu_fx fx;
	struct nlmsghdr *req, *nlh;
	int *v;

	(void)state;
	D.len = 0;
	req = getlink(&D, NULL, NLM_F_DUMP);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	R.len = 0;
	newlink(&R, 1, "lo", NLM_F_MULTI);
	/* as netlink_dump_done(): the errno, then the extack message (no echoed request) */
	nlh = tu_msg(&R, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	v = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*v = -EOPNOTSUPP;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "dump not supported here");
	tu_end(&R, nlh);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	assert_int_equal(request(ctx, req, &c), -EOPNOTSUPP);
	e = tu_last_error(ctx);
	assert_int_equal(e.err, -EOPNOTSUPP);
	assert_non_null(e.kernel_msg);
	assert_string_equal(e.kernel_msg, "dump not supported here");
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void missing_reply_enomsg(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct vxoff_error e;
	struct tu_fx fx;
	struct nlmsghdr *req, *other;

	(void)state;
	D.len = 0;
	req = getlink(&D, "eth0", 0);
	tu_fx_init(&fx);
	/* eth1 has an exchange without replies; eth2's reply lacks its ACK */
	R.len = 0;
	other = getlink(&R, "eth1", 0);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, other));
	R.len = 0;
	other = getlink(&R, "eth2", 0);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, other));
	R.len = 0;
	newlink(&R, 4, "eth2", 0);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	/* nothing recorded for eth0 */
	assert_int_equal(request(ctx, req, &c), -ENOMSG);
	e = tu_last_error(ctx);
	assert_int_equal(e.reason, VXOFF_REASON_REPLAY);
	assert_non_null(strstr(e.msg, "test request"));
	/* recorded without a reply */
	D.len = 0;
	req = getlink(&D, "eth1", 0);
	assert_int_equal(request(ctx, req, &c), -ENOMSG);
	assert_int_equal(tu_last_error(ctx).reason, VXOFF_REASON_REPLAY);
	/* the reply came, the ACK did not */
	D.len = 0;
	req = getlink(&D, "eth2", 0);
	assert_int_equal(request(ctx, req, &c), -ENOMSG);
	assert_int_equal(c.n, 1);
	/* the same request on another protocol does not match */
	{
		struct vxoff__nl_handler h = { .msg = coll_msg, .data = &c };

		D.len = 0;
		req = getlink(&D, "eth2", 0);
		assert_int_equal(vxoff__ctx_enter(ctx), 0);
		assert_int_equal(vxoff__nl_request(ctx, VXOFF__NL_GENL, req, &h, "genl"), -ENOMSG);
		vxoff__ctx_leave(ctx);
	}
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void odd_replies(void **state)
{
	struct vxoff_error e;
	struct coll c = { 0 };
	struct nlmsghdr *nlh, *req;

	(void)state;
	/* an error code out of range */
	D.len = R.len = 0;
	req = getlink(&D, "eth0", NLM_F_ACK);
	tu_err(&R, req, 5, NULL, 0, false);
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EPROTO);
	assert_int_equal(e.reason, VXOFF_REASON_MALFORMED);
	free_err(&e);
	R.len = 0;
	tu_err(&R, req, -5000, NULL, 0, false);
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EPROTO);
	free_err(&e);
	/* overrun */
	R.len = 0;
	nlh = tu_msg(&R, NLMSG_OVERRUN, 0);
	tu_end(&R, nlh);
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), -EPROTO);
	free_err(&e);
	/* NOOP is ignored */
	R.len = 0;
	nlh = tu_msg(&R, NLMSG_NOOP, 0);
	tu_end(&R, nlh);
	newlink(&R, 2, "eth0", 0);
	tu_err(&R, req, 0, NULL, 0, false);
	c.n = 0;
	assert_int_equal(serve_raw(R.buf, R.len, &c, &e), 0);
	assert_int_equal(c.n, 1);
	free_err(&e);
}

static void callback_error_stops_and_drains(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { .fail_with = -ENOMEM };
	struct vxoff_error e;
	struct tu_fx fx;
	struct nlmsghdr *req;

	(void)state;
	D.len = 0;
	req = getlink(&D, NULL, NLM_F_DUMP);
	tu_fx_init(&fx);
	tu_fx_req(&fx, VXOFF__NL_ROUTE, as_sent(&S, req));
	R.len = 0;
	newlink(&R, 1, "lo", NLM_F_MULTI);
	newlink(&R, 2, "eth0", NLM_F_MULTI);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	R.len = 0;
	newlink(&R, 3, "eth1", NLM_F_MULTI);
	tu_done(&R, 0);
	tu_fx_rep(&fx, VXOFF__NL_ROUTE, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	assert_int_equal(request(ctx, req, &c), -ENOMEM);
	assert_int_equal(c.n, 1); /* no message after the failing one */
	e = tu_last_error(ctx);
	assert_int_equal(e.err, -ENOMEM);
	assert_non_null(strstr(e.msg, "test request"));
	/* the dump was read to its end: the same request works now */
	c.fail_with = 0;
	c.n = 0;
	assert_int_equal(request(ctx, req, &c), 0);
	assert_int_equal(c.n, 3);
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void bad_requests(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct coll c = { 0 };
	struct vxoff__nl_handler h = { .msg = coll_msg, .data = &c };
	struct nlmsghdr *req;

	(void)state;
	tu_replay_mem(ctx, "# empty\n");
	D.len = 0;
	req = getlink(&D, "eth0", 0);
	assert_int_equal(vxoff__ctx_enter(ctx), 0);
	assert_int_equal(vxoff__nl_request(ctx, VXOFF__NL_NPROTO, req, &h, "x"), -ENOTRECOVERABLE);
	req->nlmsg_len = 8;
	assert_int_equal(vxoff__nl_request(ctx, VXOFF__NL_ROUTE, req, &h, "x"), -ENOTRECOVERABLE);
	vxoff__ctx_leave(ctx);
	vxoff_ctx_free(ctx);
}

/* ---- generic netlink families ---- */

static void genl_family_resolution(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct tu_fx fx;
	struct nlmsghdr *req, *nlh;
	struct nlattr *ops, *op;
	struct vxoff_error e;
	uint64_t mask = 0;

	(void)state;
	tu_fx_init(&fx);
	/* "ethtool": id 21, ops 1, 11 and 38 */
	D.len = 0;
	req = tu_genl(&D, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, "ethtool");
	tu_fx_req(&fx, VXOFF__NL_GENL, req);
	R.len = 0;
	nlh = tu_genl(&R, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "ethtool");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 21);
	ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	for (uint32_t i = 0, ids[] = { 1, 11, 38 }; i < 3; i++) {
		op = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, ids[i]);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_FLAGS, 0);
		mnl_attr_nest_end(nlh, op);
	}
	mnl_attr_nest_end(nlh, ops);
	tu_end(&R, nlh);
	tu_err(&R, req, 0, NULL, 0, false);
	tu_fx_rep(&fx, VXOFF__NL_GENL, &R);
	/* "nosuch": ENOENT */
	D.len = 0;
	req = tu_genl(&D, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST | NLM_F_ACK);
	mnl_attr_put_strz(req, CTRL_ATTR_FAMILY_NAME, "nosuch");
	tu_fx_req(&fx, VXOFF__NL_GENL, req);
	R.len = 0;
	tu_err(&R, req, -ENOENT, "Unknown family", 0, false);
	tu_fx_rep(&fx, VXOFF__NL_GENL, &R);
	tu_replay_mem(ctx, tu_fx_text(&fx));

	assert_int_equal(vxoff__ctx_enter(ctx), 0);
	assert_int_equal(vxoff__genl_family(ctx, "ethtool", &mask), 21);
	assert_true(mask == ((1ull << 1) | (1ull << 11) | (1ull << 38)));
	assert_int_equal(vxoff__replay_unused(ctx), 1);
	/* cached (genl_family_cached_without_request counts the requests) */
	mask = 0;
	assert_int_equal(vxoff__genl_family(ctx, "ethtool", &mask), 21);
	assert_true(mask & (1ull << 38));
	/* a family the kernel lacks, documented as -ENOENT */
	assert_int_equal(vxoff__genl_family(ctx, "nosuch", NULL), -ENOENT);
	e = tu_last_error(ctx);
	assert_int_equal(e.reason, VXOFF_REASON_NO_FAMILY);
	assert_non_null(strstr(e.msg, "nosuch"));
	/* still missing from the cache */
	vxoff__err_clear(ctx);
	assert_int_equal(vxoff__genl_family(ctx, "nosuch", NULL), -ENOENT);
	assert_int_equal(vxoff__genl_family(ctx, "a-name-longer-than-the-cache-slot-allows", NULL),
			 -EINVAL);
	vxoff__ctx_leave(ctx);
	assert_int_equal(vxoff__replay_unused(ctx), 0);
	tu_fx_free(&fx);
	vxoff_ctx_free(ctx);
}

static void genl_family_cached_without_request(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct tu_script *s = tu_script_install(ctx);
	struct nlmsghdr *nlh;

	(void)state;
	R.len = 0;
	nlh = tu_genl(&R, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 0);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 20);
	tu_end(&R, nlh);
	D.len = 0;
	tu_err(&R, tu_genl(&D, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST), 0, NULL, 0,
	       false);
	tu_script_add(s, &R, 0, TU_PID_OURS);
	assert_int_equal(vxoff__ctx_enter(ctx), 0);
	assert_int_equal(vxoff__genl_family(ctx, "netdev", NULL), 20);
	assert_int_equal(vxoff__genl_family(ctx, "netdev", NULL), 20);
	vxoff__ctx_leave(ctx);
	assert_int_equal(s->sends, 1);
	vxoff_ctx_free(ctx);
}

/* ---- the fixture format ---- */

static void fixture_format(void **state)
{
	struct vxoff_ctx *ctx = tu_ctx(NULL);
	struct vxoff__transport t;
	struct vxoff_error e;
	static const char *bad[] = {
		"rep route 00000000\n",		    /* a reply before any request */
		"req route 0\n",		    /* odd hex */
		"req route zz\n",		    /* not hex */
		"req bogus 00\n",		    /* unknown protocol */
		"hello\n",			    /* unknown record */
		"ioctl eth0\n",			    /* no errno */
		"req route 00\nrep genl 0g\n",	    /* bad reply on line 2 */
		"ioctl eth0 x 03000000\n",	    /* errno not a number */
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	unsigned char msg[20] = { 20, 0, 0, 0, 18, 0, 1, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
				  0x77, 0x88, 0xaa, 0xbb, 0xcc, 0xdd };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vxoff__ctx_enter(ctx), 0);
		if (vxoff__transport_replay_new_mem(ctx, bad[i], strlen(bad[i]), &t) != -EINVAL)
			fail_msg("fixture '%s' was accepted", bad[i]);
		e = tu_last_error(ctx);
		assert_int_equal(e.reason, VXOFF_REASON_REPLAY);
		assert_non_null(strstr(e.msg, i == 6 ? "line 2" : "line 1"));
		vxoff__ctx_leave(ctx);
	}
	/* the writer zeroes seq and pid; comments and blank lines are fine */
	f = open_memstream(&text, &len);
	vxoff__replay_write(f, "req", VXOFF__NL_ROUTE, msg, sizeof(msg), true);
	vxoff__replay_write_ioctl(f, "eth0", -95, "\x03\0\0\0", 4);
	fclose(f);
	assert_string_equal(text, "req route "
				  "14000000" "1200" "0100" "00000000" "00000000" "aabbccdd\n"
				  "ioctl eth0 -95 03000000\n");
	free(text);
	tu_replay_mem(ctx, "# c\n\n  \nreq route 10000000120001000000000000000000\n");
	(void)msg;
	vxoff_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_request_ack),
		cmocka_unit_test(error_with_extack),
		cmocka_unit_test(error_missing_attribute),
		cmocka_unit_test(ack_with_extack_is_warning),
		cmocka_unit_test(truncated_replies),
		cmocka_unit_test(malformed_attributes),
		cmocka_unit_test(malformed_extack_still_reports_error),
		cmocka_unit_test(oversized_reply_grows_buffer),
		cmocka_unit_test(stale_and_foreign_messages_skipped),
		cmocka_unit_test(dump_intr_retried),
		cmocka_unit_test(dump_intr_exhausted),
		cmocka_unit_test(dump_error_in_done),
		cmocka_unit_test(missing_reply_enomsg),
		cmocka_unit_test(odd_replies),
		cmocka_unit_test(callback_error_stops_and_drains),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(genl_family_resolution),
		cmocka_unit_test(genl_family_cached_without_request),
		cmocka_unit_test(fixture_format),
	};

	return cmocka_run_group_tests_name("nl", tests, NULL, NULL);
}
