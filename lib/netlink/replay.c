/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Replay transport: serves recorded kernel replies to matching requests, no root needed. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_internal.h"
#include "replay.h"

#define REPLAY_PORTID 0x7678u /* "vx": any non-zero port id */

struct blob {
	unsigned char *p;
	size_t len;
};

struct exchange {
	uint32_t proto;
	struct blob req;
	struct blob *reps;
	uint32_t nreps;
	bool used;
};

struct ioctl_rec {
	char ifname[32];
	uint32_t cmd;
	int err;
	struct blob data;
};

struct replay_tr {
	struct exchange *ex;
	uint32_t nex;
	struct ioctl_rec *ioc;
	uint32_t nioc;
	struct exchange *cur;
	uint32_t next_rep;
	uint32_t seq;
};

void vxoff__nl_normalise(void *buf, size_t len, uint32_t seq, uint32_t pid)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *nlh = (void *)((char *)buf + off);

		nlh->nlmsg_seq = seq;
		nlh->nlmsg_pid = pid;
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - off)
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (off > len)
			break;
	}
}

static void write_hex(FILE *f, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

void vxoff__replay_write(FILE *f, const char *tag, uint32_t proto, const void *buf, size_t len,
			 bool normalise)
{
	unsigned char *copy = malloc(len ? len : 1);

	if (!copy)
		return;
	memcpy(copy, buf, len);
	if (normalise)
		vxoff__nl_normalise(copy, len, 0, 0);
	fprintf(f, "%s %s ", tag, proto == VXOFF__NL_ROUTE ? "route" : "genl");
	write_hex(f, copy, len);
	fputc('\n', f);
	free(copy);
}

void vxoff__replay_write_ioctl(FILE *f, const char *ifname, int err, const void *data,
			       size_t len)
{
	fprintf(f, "ioctl %s %d ", ifname, err);
	write_hex(f, data, len);
	fputc('\n', f);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, size_t n, struct blob *b)
{
	size_t i;

	if (n % 2)
		return -EINVAL;
	b->len = n / 2;
	b->p = malloc(b->len ? b->len : 1);
	if (!b->p)
		return -ENOMEM;
	for (i = 0; i < b->len; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(b->p);
			b->p = NULL;
			return -EINVAL;
		}
		b->p[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void replay_free(void *priv)
{
	struct replay_tr *rt = priv;

	if (!rt)
		return;
	for (uint32_t i = 0; i < rt->nex; i++) {
		free(rt->ex[i].req.p);
		for (uint32_t j = 0; j < rt->ex[i].nreps; j++)
			free(rt->ex[i].reps[j].p);
		free(rt->ex[i].reps);
	}
	for (uint32_t i = 0; i < rt->nioc; i++)
		free(rt->ioc[i].data.p);
	free(rt->ex);
	free(rt->ioc);
	free(rt);
}

static int parse_proto(const char *s, size_t n, uint32_t *proto)
{
	if (n == 5 && !memcmp(s, "route", 5))
		*proto = VXOFF__NL_ROUTE;
	else if (n == 4 && !memcmp(s, "genl", 4))
		*proto = VXOFF__NL_GENL;
	else
		return -EINVAL;
	return 0;
}

/* Split off the next space-separated word of [*p, end). */
static const char *word(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *e;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	e = s;
	while (e < end && *e != ' ' && *e != '\t')
		e++;
	*n = (size_t)(e - s);
	*p = e;
	return s;
}

static int parse_line(struct replay_tr *rt, const char *line, const char *end)
{
	const char *p = line, *w;
	size_t n;
	int r;

	w = word(&p, end, &n);
	if (n == 0 || w[0] == '#')
		return 0;
	if ((n == 3 && !memcmp(w, "req", 3)) || (n == 3 && !memcmp(w, "rep", 3))) {
		bool is_req = w[2] == 'q';
		uint32_t proto;
		struct blob b;

		w = word(&p, end, &n);
		if (parse_proto(w, n, &proto) < 0)
			return -EINVAL;
		w = word(&p, end, &n);
		r = parse_hex(w, n, &b);
		if (r < 0)
			return r;
		if (is_req) {
			struct exchange *ex = realloc(rt->ex, (rt->nex + 1) * sizeof(*ex));

			if (!ex) {
				free(b.p);
				return -ENOMEM;
			}
			rt->ex = ex;
			memset(&ex[rt->nex], 0, sizeof(*ex));
			ex[rt->nex].proto = proto;
			ex[rt->nex].req = b;
			rt->nex++;
		} else {
			struct exchange *ex;
			struct blob *reps;

			if (!rt->nex) {
				free(b.p);
				return -EINVAL; /* a reply before any request */
			}
			ex = &rt->ex[rt->nex - 1];
			reps = realloc(ex->reps, (ex->nreps + 1) * sizeof(*reps));
			if (!reps) {
				free(b.p);
				return -ENOMEM;
			}
			ex->reps = reps;
			reps[ex->nreps++] = b;
		}
		return 0;
	}
	if (n == 5 && !memcmp(w, "ioctl", 5)) {
		struct ioctl_rec *ioc = realloc(rt->ioc, (rt->nioc + 1) * sizeof(*ioc));
		struct ioctl_rec *rec;
		char num[16], *nend;
		long err;

		if (!ioc)
			return -ENOMEM;
		rt->ioc = ioc;
		rec = &ioc[rt->nioc];
		memset(rec, 0, sizeof(*rec));
		w = word(&p, end, &n);
		if (n == 0 || n >= sizeof(rec->ifname))
			return -EINVAL;
		memcpy(rec->ifname, w, n);
		w = word(&p, end, &n);
		if (n == 0 || n >= sizeof(num))
			return -EINVAL;
		memcpy(num, w, n);
		num[n] = '\0';
		/* strictly: atoi() took "x" for 0, and a typo replayed a failed ioctl as success */
		errno = 0;
		err = strtol(num, &nend, 10);
		if (errno || *nend || err < INT_MIN || err > INT_MAX)
			return -EINVAL;
		rec->err = (int)err;
		w = word(&p, end, &n);
		r = parse_hex(w, n, &rec->data);
		if (r < 0)
			return r;
		if (rec->data.len >= 4)
			memcpy(&rec->cmd, rec->data.p, 4);
		rt->nioc++;
		return 0;
	}
	return -EINVAL;
}

static int replay_send(void *priv, struct vxoff_ctx *ctx, uint32_t proto, const void *buf,
		       size_t len)
{
	struct replay_tr *rt = priv;
	const struct nlmsghdr *req = buf;
	struct exchange *hit = NULL;
	unsigned char *norm;

	norm = malloc(len);
	if (!norm)
		return -ENOMEM;
	memcpy(norm, buf, len);
	vxoff__nl_normalise(norm, len, 0, 0);
	/* the first unserved match, else a served one (a retried or repeated request) */
	for (int pass = 0; pass < 2 && !hit; pass++)
		for (uint32_t i = 0; i < rt->nex && !hit; i++) {
			struct exchange *ex = &rt->ex[i];

			if (ex->used != (pass == 1) || ex->proto != proto || ex->req.len != len ||
			    memcmp(ex->req.p, norm, len))
				continue;
			hit = ex;
		}
	free(norm);
	if (!hit) {
		rt->cur = NULL;
		return vxoff__err(
			ctx, -ENOMSG, VXOFF_REASON_REPLAY,
			"replay: no recorded exchange for a %s request of type %u (%zu bytes)",
			proto == VXOFF__NL_ROUTE ? "route" : "genl", req->nlmsg_type, len);
	}
	hit->used = true;
	rt->cur = hit;
	rt->next_rep = 0;
	rt->seq = req->nlmsg_seq;
	return 0;
}

static ssize_t replay_recv(void *priv, struct vxoff_ctx *ctx, uint32_t proto, void *buf,
			   size_t cap)
{
	struct replay_tr *rt = priv;
	struct blob *b;

	if (!rt->cur || rt->cur->proto != proto || rt->next_rep >= rt->cur->nreps)
		return vxoff__err(ctx, -ENOMSG, VXOFF_REASON_REPLAY,
				  "replay: the recording has no further reply");
	b = &rt->cur->reps[rt->next_rep];
	if (b->len > cap)
		return (ssize_t)b->len; /* stays queued, as a real socket's peek */
	memcpy(buf, b->p, b->len);
	vxoff__nl_normalise(buf, b->len, rt->seq, REPLAY_PORTID);
	rt->next_rep++;
	return (ssize_t)b->len;
}

static uint32_t replay_portid(void *priv, uint32_t proto)
{
	(void)priv;
	(void)proto;
	return REPLAY_PORTID;
}

static int replay_ioctl(void *priv, struct vxoff_ctx *ctx, const char *ifname, void *data,
			size_t len)
{
	struct replay_tr *rt = priv;
	uint32_t cmd;

	(void)ctx;
	memcpy(&cmd, data, sizeof(cmd));
	for (uint32_t i = 0; i < rt->nioc; i++) {
		struct ioctl_rec *rec = &rt->ioc[i];

		if (rec->cmd != cmd || strcmp(rec->ifname, ifname))
			continue;
		if (rec->err)
			return rec->err;
		memcpy(data, rec->data.p, rec->data.len < len ? rec->data.len : len);
		return 0;
	}
	return -EOPNOTSUPP; /* not recorded: as a device without that ioctl */
}

int vxoff__transport_replay_new_mem(struct vxoff_ctx *ctx, const char *text, size_t len,
				    struct vxoff__transport *ret)
{
	struct replay_tr *rt = calloc(1, sizeof(*rt));
	const char *p = text, *end = text + len;
	uint32_t lineno = 0;

	if (!rt)
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int r;

		lineno++;
		r = parse_line(rt, p, le);
		if (r < 0) {
			replay_free(rt);
			return vxoff__err(ctx, r, VXOFF_REASON_REPLAY,
					  "replay fixture line %u is not valid", lineno);
		}
		p = nl ? nl + 1 : end;
	}
	ret->send = replay_send;
	ret->recv = replay_recv;
	ret->portid = replay_portid;
	ret->ethtool_ioctl = replay_ioctl;
	ret->free = replay_free;
	ret->priv = rt;
	return 0;
}

int vxoff__transport_replay_new(struct vxoff_ctx *ctx, const char *path,
				struct vxoff__transport *ret)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0, len = 0;
	int r;

	if (!f)
		return vxoff__err(ctx, -errno, VXOFF_REASON_REPLAY, "replay fixture %s: %s", path,
				  strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *t = realloc(text, cap ? cap * 2 : 65536);

			if (!t) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = t;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	r = vxoff__transport_replay_new_mem(ctx, text ? text : "", len, ret);
	free(text);
	return r;
}

uint32_t vxoff__replay_unused(struct vxoff_ctx *ctx)
{
	struct replay_tr *rt = ctx->tr.priv;
	uint32_t n = 0;

	if (ctx->tr.free != replay_free)
		return 0;
	for (uint32_t i = 0; i < rt->nex; i++)
		n += !rt->ex[i].used;
	return n;
}
