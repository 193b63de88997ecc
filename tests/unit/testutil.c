/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "testutil.h"

#ifndef VXOFF_REPLAY_DIR
#error "VXOFF_REPLAY_DIR must name tests/replay"
#endif

/* ---- messages ---- */

struct nlmsghdr *tu_msg(struct tu_dgram *d, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	assert_true(d->len % 4 == 0 && d->len + 16 <= sizeof(d->buf));
	memset(d->buf + d->len, 0, sizeof(d->buf) - d->len);
	nlh = mnl_nlmsg_put_header(d->buf + d->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

struct nlmsghdr *tu_genl(struct tu_dgram *d, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = tu_msg(d, family, flags);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

void tu_end(struct tu_dgram *d, struct nlmsghdr *nlh)
{
	assert_ptr_equal((unsigned char *)nlh, d->buf + d->len);
	d->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

void tu_err(struct tu_dgram *d, const struct nlmsghdr *req, int error, const char *msg,
	    uint32_t offs, bool full)
{
	uint16_t flags = full ? 0 : NLM_F_CAPPED;
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	size_t echo = full ? req->nlmsg_len : sizeof(*req);

	if (msg || offs)
		flags |= NLM_F_ACK_TLVS;
	nlh = tu_msg(d, NLMSG_ERROR, flags);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + NLMSG_ALIGN(echo));
	e->error = error;
	memcpy(&e->msg, req, echo);
	if (!full)
		e->msg.nlmsg_len = req->nlmsg_len; /* as the kernel: the header says the real size */
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (offs)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	tu_end(d, nlh);
}

void tu_done(struct tu_dgram *d, uint16_t flags)
{
	struct nlmsghdr *nlh = tu_msg(d, NLMSG_DONE, NLM_F_MULTI | flags);
	int *v = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*v = 0;
	tu_end(d, nlh);
}

/* ---- fixtures ---- */

void tu_fx_init(struct tu_fx *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->f = open_memstream(&fx->text, &fx->len);
	assert_non_null(fx->f);
	fprintf(fx->f, "# built by the unit test\n");
}

void tu_fx_req(struct tu_fx *fx, uint32_t proto, const struct nlmsghdr *req)
{
	vxoff__replay_write(fx->f, "req", proto, req, req->nlmsg_len, true);
}

void tu_fx_rep(struct tu_fx *fx, uint32_t proto, const struct tu_dgram *d)
{
	vxoff__replay_write(fx->f, "rep", proto, d->buf, d->len, true);
}

void tu_fx_line(struct tu_fx *fx, const char *line)
{
	fprintf(fx->f, "%s\n", line);
}

const char *tu_fx_text(struct tu_fx *fx)
{
	fflush(fx->f);
	return fx->text;
}

void tu_fx_free(struct tu_fx *fx)
{
	fclose(fx->f);
	free(fx->text);
	memset(fx, 0, sizeof(*fx));
}

/* ---- contexts ---- */

struct vxoff_ctx *tu_ctx(const char *sysfs_root)
{
	struct vxoff_ctx_opts o = { .sz = sizeof(o), .sysfs_root = sysfs_root };
	struct vxoff_ctx *ctx = NULL;

	assert_int_equal(vxoff_ctx_new(&o, &ctx), 0);
	assert_non_null(ctx);
	return ctx;
}

void tu_replay_mem(struct vxoff_ctx *ctx, const char *text)
{
	struct vxoff__transport t;

	assert_int_equal(vxoff__transport_replay_new_mem(ctx, text, strlen(text), &t), 0);
	vxoff__ctx_set_transport(ctx, &t);
}

const char *tu_fixture_path(const char *name, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s", VXOFF_REPLAY_DIR, name);
	return buf;
}

bool tu_replay_file(struct vxoff_ctx *ctx, const char *name)
{
	struct vxoff__transport t;
	char path[4096];

	tu_fixture_path(name, path, sizeof(path));
	if (access(path, R_OK) < 0)
		return false;
	assert_int_equal(vxoff__transport_replay_new(ctx, path, &t), 0);
	vxoff__ctx_set_transport(ctx, &t);
	return true;
}

struct vxoff_error tu_last_error(struct vxoff_ctx *ctx)
{
	struct vxoff_error e = { .sz = sizeof(e) };

	assert_int_equal(vxoff_ctx_last_error(ctx, &e), 0);
	return e;
}

/* ---- scripted transport ---- */

static int script_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		       size_t len)
{
	struct tu_script *s = priv;
	const struct nlmsghdr *nlh = buf;

	(void)ctx;
	(void)proto;
	s->seq = nlh->nlmsg_seq;
	s->sends++;
	s->last_len = len < sizeof(s->last) ? len : sizeof(s->last);
	memcpy(s->last, buf, s->last_len);
	return 0;
}

static ssize_t script_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf,
			   size_t cap)
{
	struct tu_script *s = priv;
	size_t off = 0;

	(void)ctx;
	(void)proto;
	if (s->next >= s->n)
		return -ENOMSG;
	if (s->d[s->next].len > cap)
		return (ssize_t)s->d[s->next].len;
	memcpy(buf, s->d[s->next].p, s->d[s->next].len);
	while (s->d[s->next].len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *nlh = (void *)((char *)buf + off);

		nlh->nlmsg_seq = s->seq + (uint32_t)s->d[s->next].seq_adj;
		nlh->nlmsg_pid = s->d[s->next].pid == TU_PID_OURS ? TU_SCRIPT_PORTID
								    : s->d[s->next].pid;
		if (nlh->nlmsg_len < 16)
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	return (ssize_t)s->d[s->next++].len;
}

static uint32_t script_portid(void *priv, uint32_t proto)
{
	(void)priv;
	(void)proto;
	return TU_SCRIPT_PORTID;
}

static int script_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
			size_t len)
{
	(void)priv;
	(void)ctx;
	(void)ifname;
	(void)data;
	(void)len;
	return -EOPNOTSUPP;
}

static void script_free(void *priv)
{
	struct tu_script *s = priv;

	for (uint32_t i = 0; i < s->n; i++)
		free(s->d[i].p);
	free(s);
}

struct tu_script *tu_script_install(struct vxoff_ctx *ctx)
{
	struct tu_script *s = calloc(1, sizeof(*s));
	struct vxoff__transport t = {
		.send = script_send,
		.recv = script_recv,
		.portid = script_portid,
		.ethtool_ioctl = script_ioctl,
		.free = script_free,
		.priv = s,
	};

	assert_non_null(s);
	vxoff__ctx_set_transport(ctx, &t);
	return s;
}

void tu_script_add(struct tu_script *s, const struct tu_dgram *d, int seq_adj, uint32_t pid)
{
	assert_true(s->n < sizeof(s->d) / sizeof(s->d[0]));
	s->d[s->n].p = malloc(d->len ? d->len : 1);
	assert_non_null(s->d[s->n].p);
	memcpy(s->d[s->n].p, d->buf, d->len);
	s->d[s->n].len = d->len;
	s->d[s->n].seq_adj = seq_adj;
	s->d[s->n].pid = pid;
	s->n++;
}

/* ---- fake sysfs ---- */

char *tu_mkdtemp(void)
{
	char tmpl[] = "/tmp/vxoff-unit-XXXXXX";
	char *p = mkdtemp(tmpl);

	assert_non_null(p);
	p = strdup(p);
	assert_non_null(p);
	return p;
}

static void mkparents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(path, 0755) < 0)
			assert_int_equal(errno, EEXIST);
		*s = '/';
	}
}

void tu_write(const char *root, const char *rel, const char *content)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkparents(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *root)
{
	if (root)
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
