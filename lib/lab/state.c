/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * The lab's state file, /run/vxoff/lab-<name>.json: every object the lab is about to create,
 * written (atomically: temporary file, fsync, rename) before it is created, so that a run
 * killed at any point leaves a list of what to undo. Undo takes the list backwards and
 * treats an object that is already gone as done.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include <vxoff/tune.h>

#include "lab_internal.h"

/* Temporary files of an interrupted atomic write next to @path ("<path>.tmp..."): the write
 * never finished, so nothing was changed on its account; they only have to go. */
static void remove_temps(const char *path)
{
	char pattern[600];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s.tmp*", path);
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		unlink(g.gl_pathv[i]);
	globfree(&g);
}

char *vxoff__lab_state_path(const char *name)
{
	struct vxoff__strbuf sb;

	vxoff__sb_init(&sb);
	vxoff__sb_add(&sb, "%s/lab-%s.json", VXOFF__LAB_STATE_DIR,
		      name ? name : VXOFF__LAB_DEFAULT_NAME);
	return vxoff__sb_steal(&sb);
}

int vxoff__lab_state_init(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, const char *name)
{
	memset(st, 0, sizeof(*st));
	st->name = vxoff__strdup0(name);
	st->path = vxoff__lab_state_path(name);
	if (!st->name || !st->path) {
		vxoff__lab_state_free(st);
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "lab state: out of memory");
	}
	return 0;
}

void vxoff__lab_state_free(struct vxoff__lab_state *st)
{
	if (!st)
		return;
	for (uint32_t i = 0; i < st->count; i++) {
		free(st->objs[i].netns);
		free(st->objs[i].dev);
		free(st->objs[i].value);
	}
	free(st->objs);
	free(st->name);
	free(st->path);
	memset(st, 0, sizeof(*st));
}

static const char *const obj_names[] = {
	[VXOFF__LAB_OBJ_NETNS] = "netns", [VXOFF__LAB_OBJ_LINK] = "link",
	[VXOFF__LAB_OBJ_ADDR] = "addr",	  [VXOFF__LAB_OBJ_TUNE] = "tune-snapshot",
	[VXOFF__LAB_OBJ_FEATURE] = "feature-off", [VXOFF__LAB_OBJ_TUNE_DIR] = "tune-dir",
};

static int state_write(struct vxoff_ctx *ctx, const struct vxoff__lab_state *st)
{
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
	char tmp[256];
	const char *text;
	int fd, r = 0;
	size_t len;

	if (!root || !arr) {
		json_object_put(root);
		json_object_put(arr);
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM, "lab state: out of memory");
	}
	json_object_object_add(root, "schema", json_object_new_string("vxoff-lab-state/1"));
	json_object_object_add(root, "name", json_object_new_string(st->name));
	json_object_object_add(root, "pid", json_object_new_int64(getpid()));
	for (uint32_t i = 0; i < st->count; i++) {
		const struct vxoff__lab_object *o = &st->objs[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "type", json_object_new_string(obj_names[o->type]));
		if (o->netns)
			json_object_object_add(e, "netns", json_object_new_string(o->netns));
		if (o->dev)
			json_object_object_add(e, "dev", json_object_new_string(o->dev));
		if (o->value)
			json_object_object_add(e, "value", json_object_new_string(o->value));
		json_object_array_add(arr, e);
	}
	json_object_object_add(root, "objects", arr);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
	len = strlen(text);

	if (mkdir(VXOFF__LAB_STATE_DIR, 0755) < 0 && errno != EEXIST) {
		r = vxoff__err(ctx, -errno, errno == EACCES ? VXOFF_REASON_PRIVILEGE
							    : VXOFF_REASON_SYSTEM,
			       "lab state: creating %s: %s", VXOFF__LAB_STATE_DIR, strerror(errno));
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "lab state: creating %s: %s", tmp,
			       strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0) {
		r = -(errno ? errno : EIO);
		close(fd);
		unlink(tmp);
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "lab state: writing %s: %s", tmp,
			       strerror(-r));
		goto out;
	}
	close(fd);
	if (rename(tmp, st->path) < 0) {
		r = -errno;
		unlink(tmp);
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "lab state: renaming %s to %s: %s", tmp,
			       st->path, strerror(-r));
	}
out:
	json_object_put(root);
	return r;
}

static int state_push(struct vxoff__lab_state *st, uint32_t type, const char *netns,
		      const char *dev, const char *value)
{
	struct vxoff__lab_object *v = vxoff__grow(st->objs, &st->cap, st->count, sizeof(*v));
	struct vxoff__lab_object o = { .type = type };

	if (!v)
		return -ENOMEM;
	st->objs = v;
	o.netns = netns ? strdup(netns) : NULL;
	o.dev = dev ? strdup(dev) : NULL;
	o.value = value ? strdup(value) : NULL;
	if ((netns && !o.netns) || (dev && !o.dev) || (value && !o.value)) {
		free(o.netns);
		free(o.dev);
		free(o.value);
		return -ENOMEM;
	}
	st->objs[st->count++] = o;
	return 0;
}

int vxoff__lab_state_add(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, uint32_t type,
			 const char *netns, const char *dev, const char *value)
{
	int r = state_push(st, type, netns, dev, value);

	if (r < 0)
		return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "lab state: out of memory");
	return state_write(ctx, st);
}

int vxoff__lab_state_load(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, const char *name)
{
	struct json_object *root, *arr, *v;
	int r;

	r = vxoff__lab_state_init(ctx, st, name);
	if (r < 0)
		return r;
	if (access(st->path, F_OK) < 0)
		return -errno;
	root = json_object_from_file(st->path);
	if (!root || !json_object_object_get_ex(root, "objects", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "lab state %s is malformed (no \"objects\" array)", st->path);
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		const char *type = NULL, *netns = NULL, *dev = NULL, *value = NULL;
		uint32_t t = 0;

		if (json_object_object_get_ex(e, "type", &v))
			type = json_object_get_string(v);
		if (json_object_object_get_ex(e, "netns", &v))
			netns = json_object_get_string(v);
		if (json_object_object_get_ex(e, "dev", &v))
			dev = json_object_get_string(v);
		if (json_object_object_get_ex(e, "value", &v))
			value = json_object_get_string(v);
		for (uint32_t k = 1; k < sizeof(obj_names) / sizeof(obj_names[0]); k++)
			if (type && !strcmp(type, obj_names[k]))
				t = k;
		if (!t) {
			json_object_put(root);
			return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
					  "lab state %s: object %zu has an unknown type '%s'",
					  st->path, i, type ? type : "(none)");
		}
		r = state_push(st, t, netns, dev, value);
		if (r < 0) {
			json_object_put(root);
			return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "lab state: out of memory");
		}
	}
	json_object_put(root);
	return 0;
}

int vxoff__lab_state_remove(struct vxoff__lab_state *st)
{
	if (!st->path)
		return 0;
	remove_temps(st->path);
	if (unlink(st->path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static struct vxoff_ctx *ns_ctx(const char *netns, int *err)
{
	VXOFF_OPTS(vxoff_ctx_opts, o, .netns = netns);
	struct vxoff_ctx *c = NULL;

	*err = vxoff_ctx_new(netns ? &o : NULL, &c);
	return c;
}

/* An object whose namespace is gone is gone with it. */
static bool ns_gone(const char *netns)
{
	return netns && !vxoff__lab_netns_exists(netns);
}

struct snap_file {
	unsigned long seq;
	char *path;
};

static int snap_cmp_newest_first(const void *a, const void *b)
{
	const struct snap_file *x = a, *y = b;

	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/*
 * A context in @netns entered by its file rather than its name. The search takes its
 * snapshots through contexts of its own made from a namespace fd, so they record no
 * namespace name ("the caller's namespace") and a restore through a named context refuses
 * them; one without a name accepts them (the device and its ifindex are still checked).
 */
static struct vxoff_ctx *ns_ctx_by_fd(const char *netns)
{
	char path[300];
	struct vxoff_ctx *c = NULL;
	int fd;

	if (!netns)
		return NULL;
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	{
		VXOFF_OPTS(vxoff_ctx_opts, o, .flags = VXOFF_CTX_F_NETNS_FD, .netns_fd = fd);

		if (vxoff_ctx_new(&o, &c) < 0)
			c = NULL;
	}
	close(fd);
	return c;
}

/*
 * The search's snapshots of one end in @o->value ("vxoff-search-<pid>-<seq>-<end>.json"),
 * restored newest first (older ones were taken with the newer ones' changes undone), each
 * removed once restored. A namespace that is gone took its knobs with it: its files only
 * go. The directory goes when it is empty.
 */
static int undo_dir(struct vxoff_ctx *ctx, const struct vxoff__lab_object *o, bool *did)
{
	struct snap_file *f = NULL;
	uint32_t n = 0, cap = 0;
	char pattern[600];
	struct vxoff_ctx *c = NULL, *cfd = NULL;
	glob_t g;
	int first = 0, cr = 0;

	snprintf(pattern, sizeof(pattern), "%s/vxoff-search-*-%s.json.tmp*", o->value,
		 o->dev ? o->dev : "");
	if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	snprintf(pattern, sizeof(pattern), "%s/vxoff-search-*-%s.json", o->value,
		 o->dev ? o->dev : "");
	if (glob(pattern, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *base = strrchr(g.gl_pathv[i], '/');
			unsigned long seq;
			struct snap_file *v;
			char *end;

			base = base ? base + 1 : g.gl_pathv[i];
			/* vxoff-search-<pid>-<seq>-<dev>.json */
			if (strncmp(base, "vxoff-search-", 13) != 0)
				continue;
			errno = 0;
			(void)strtoul(base + 13, &end, 10);
			if (errno || end == base + 13 || *end != '-')
				continue;
			seq = strtoul(end + 1, &end, 10);
			if (errno || *end != '-')
				continue;
			v = vxoff__grow(f, &cap, n, sizeof(*f));
			if (!v)
				break;
			f = v;
			f[n].seq = seq;
			f[n].path = strdup(g.gl_pathv[i]);
			if (f[n].path)
				n++;
		}
		globfree(&g);
	}
	if (n)
		qsort(f, n, sizeof(*f), snap_cmp_newest_first);
	if (n && !ns_gone(o->netns)) {
		c = ns_ctx(o->netns, &cr);
		if (!c && cr != -ENOENT)
			first = vxoff__err(ctx, cr, VXOFF_REASON_NO_NETNS,
					   "lab cleanup: namespace %s: %s", o->netns, strerror(-cr));
	}
	for (uint32_t i = 0; i < n; i++) {
		struct vxoff_ctx *used = c;
		int r = 0;

		if (c && !first)
			r = vxoff_tune_restore(c, f[i].path, VXOFF_TUNE_RESTORE_F_REMOVE, NULL);
		if (r == -EINVAL && o->netns) {
			/* a snapshot without the namespace's name (see ns_ctx_by_fd()) */
			if (!cfd)
				cfd = ns_ctx_by_fd(o->netns);
			if (cfd) {
				used = cfd;
				r = vxoff_tune_restore(cfd, f[i].path, VXOFF_TUNE_RESTORE_F_REMOVE,
						       NULL);
			}
		}
		if (r == -ENODEV || (!c && !first))
			r = unlink(f[i].path) < 0 && errno != ENOENT ? -errno : 0;
		if (r == -ENOENT)
			r = 0; /* restored and removed by someone else */
		if (r < 0 && !first) /* the older ones wait for this one: keep them all */
			first = used ? vxoff__lab_err_from(ctx, used, r, "lab cleanup")
				  : vxoff__err(ctx, r, VXOFF_REASON_SYSTEM,
					       "lab cleanup: removing %s: %s", f[i].path,
					       strerror(-r));
		else if (r == 0 && !first)
			*did = true;
		free(f[i].path);
	}
	free(f);
	vxoff_ctx_free(c);
	vxoff_ctx_free(cfd);
	if (!first && rmdir(o->value) < 0 && errno != ENOENT && errno != ENOTEMPTY)
		first = vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "lab cleanup: removing %s: %s",
				   o->value, strerror(errno));
	return first;
}

static int undo_one(struct vxoff_ctx *ctx, const struct vxoff__lab_object *o, bool *did)
{
	struct vxoff_ctx *c;
	int r = 0, cr;

	*did = false;
	if (o->type == VXOFF__LAB_OBJ_NETNS) {
		r = vxoff__lab_netns_del(o->value);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return vxoff__err(ctx, r, VXOFF_REASON_SYSTEM,
					  "lab cleanup: deleting namespace %s: %s", o->value,
					  strerror(-r));
		*did = true;
		return 0;
	}
	if (o->type == VXOFF__LAB_OBJ_TUNE_DIR)
		return undo_dir(ctx, o, did);
	if (o->type == VXOFF__LAB_OBJ_TUNE) {
		remove_temps(o->value);
		if (access(o->value, F_OK) < 0)
			return 0;
	}
	if (ns_gone(o->netns))
		return 0;
	c = ns_ctx(o->netns, &cr);
	if (!c)
		return cr == -ENOENT ? 0
				     : vxoff__err(ctx, cr, VXOFF_REASON_NO_NETNS,
						  "lab cleanup: namespace %s: %s", o->netns,
						  strerror(-cr));
	switch (o->type) {
	case VXOFF__LAB_OBJ_LINK:
		r = vxoff__lab_link_del(c, o->dev);
		break;
	case VXOFF__LAB_OBJ_ADDR:
		r = vxoff__lab_addr_del(c, o->dev, o->value);
		if (r == -EADDRNOTAVAIL)
			r = -ENODEV;
		break;
	case VXOFF__LAB_OBJ_TUNE: {
		uint32_t changed = 0;

		r = vxoff_tune_restore(c, o->value, VXOFF_TUNE_RESTORE_F_REMOVE, &changed);
		break;
	}
	case VXOFF__LAB_OBJ_FEATURE: {
		VXOFF_OPTS(vxoff_knob, k, .kind = VXOFF_KNOB_FEATURE, .index = -1, .dev = o->dev,
			   .key = o->value, .value = "on");

		r = vxoff_tune_set(c, &k);
		break;
	}
	default:
		break;
	}
	if (r == -ENODEV) {
		r = 0; /* gone already */
	} else if (r < 0) {
		r = vxoff__lab_err_from(ctx, c, r, "lab cleanup");
	} else {
		*did = true;
	}
	vxoff_ctx_free(c);
	return r;
}

int vxoff__lab_undo(struct vxoff_ctx *ctx, struct vxoff__lab_state *st, uint32_t *removed)
{
	int first = 0;

	for (uint32_t i = st->count; i-- > 0;) {
		bool did;
		int r = undo_one(ctx, &st->objs[i], &did);

		if (r < 0 && !first)
			first = r;
		if (did && removed)
			(*removed)++;
	}
	if (!first) {
		int r = vxoff__lab_state_remove(st);

		if (r < 0)
			first = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM,
					   "lab cleanup: removing %s: %s", st->path, strerror(-r));
	}
	return first;
}
