/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * lib/tune/snapshot.c: the snapshot file, "vxoff-tune-snapshot/1".
 *
 * The file is what makes tuning safe to kill: it is complete on disk before the first knob
 * changes. So it is written to a temporary file in the same directory, synced, and only then
 * given its name (rename, or link when an existing file must not be replaced), and the
 * directory is synced too. A reader therefore sees no file, an older complete one, or the
 * new complete one, never a part.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <json-c/json.h>

#include "tune/tune_internal.h"

#define SCHEMA_PREFIX "vxoff-tune-snapshot/"

void vxoff__snapshot_clear(struct vxoff__snapshot *s)
{
	if (!s)
		return;
	free(s->device);
	free(s->netns);
	free(s->kernel);
	free(s->time);
	for (uint32_t i = 0; i < s->st.count; i++)
		vxoff__knob_clear(&s->st.knobs[i]);
	free(s->st.knobs);
	memset(s, 0, sizeof(*s));
}

/* ---- writing ---- */

static int put_str(struct json_object *o, const char *name, const char *v)
{
	struct json_object *s = v ? json_object_new_string(v) : json_object_new_null();

	if (v && !s)
		return -ENOMEM;
	return json_object_object_add(o, name, s) < 0 ? -ENOMEM : 0;
}

static int put_int(struct json_object *o, const char *name, int64_t v)
{
	struct json_object *n = json_object_new_int64(v);

	if (!n || json_object_object_add(o, name, n) < 0) {
		json_object_put(n);
		return -ENOMEM;
	}
	return 0;
}

static char *to_json(const struct vxoff__snapshot *s)
{
	struct json_object *root = json_object_new_object();
	struct json_object *knobs = json_object_new_array();
	char *out = NULL;
	int r = 0;

	if (!root || !knobs) {
		json_object_put(root);
		json_object_put(knobs);
		return NULL;
	}
	r |= put_str(root, "schema", VXOFF__SNAPSHOT_SCHEMA);
	r |= put_int(root, "version", VXOFF__SNAPSHOT_VERSION);
	r |= put_str(root, "device", s->device);
	r |= put_int(root, "ifindex", s->ifindex);
	r |= put_str(root, "namespace", s->netns);
	r |= put_str(root, "kernel", s->kernel);
	r |= put_str(root, "time", s->time);
	r |= put_int(root, "count", s->st.count);
	for (uint32_t i = 0; r == 0 && i < s->st.count; i++) {
		const struct vxoff__knob *k = &s->st.knobs[i];
		struct json_object *o = json_object_new_object();

		if (!o || json_object_array_add(knobs, o) < 0) {
			json_object_put(o);
			r = -ENOMEM;
			break;
		}
		r |= put_str(o, "kind", vxoff_knob_kind_name(k->kind));
		r |= put_str(o, "dev", k->dev);
		r |= put_int(o, "index", k->index);
		r |= put_str(o, "key", k->key);
		r |= put_str(o, "value", (k->flags & VXOFF__KNOB_F_ABSENT) ? NULL : k->value);
		r |= put_int(o, "stage", vxoff_knob_stage(k->kind));
		if (k->flags & VXOFF__KNOB_F_ABSENT)
			r |= json_object_object_add(o, "absent", json_object_new_boolean(1));
	}
	if (json_object_object_add(root, "knobs", knobs) < 0) {
		json_object_put(knobs);
		r = -ENOMEM;
	}
	if (r == 0) {
		const char *t = json_object_to_json_string_ext(
			root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				      JSON_C_TO_STRING_NOSLASHESCAPE);

		out = t ? strdup(t) : NULL;
	}
	json_object_put(root);
	return out;
}

/* The directory of @path (heap). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static int fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd, r = 0;

	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	free(dir);
	return r;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int vxoff__snapshot_write(struct vxoff_ctx *ctx, const char *path,
			  const struct vxoff__snapshot *s, bool overwrite)
{
	char *text = to_json(s), *tmp = NULL;
	int fd = -1, r;

	if (!text)
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM,
				  "snapshot %s: out of memory", path);
	if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0) {
		free(text);
		return vxoff__err(ctx, -ENOMEM, VXOFF_REASON_SYSTEM,
				  "snapshot %s: out of memory", path);
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM,
			       "snapshot %s: cannot create a file in its directory: %s", path,
			       strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	r = write_all(fd, text, strlen(text));
	if (r == 0)
		r = write_all(fd, "\n", 1);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "snapshot %s: writing %s: %s", path,
			       tmp, strerror(-r));
		goto out;
	}
	if (overwrite) {
		if (rename(tmp, path) < 0)
			r = -errno;
	} else {
		/* link() refuses an existing name: no window in which another file is lost */
		if (link(tmp, path) < 0)
			r = -errno;
		if (r == 0)
			unlink(tmp);
	}
	if (r == -EEXIST) {
		r = vxoff__err(ctx, r, VXOFF_REASON_ARG,
			       "snapshot %s exists (an earlier tuning not yet restored?): restore "
			       "from it, remove it, or allow overwriting it", path);
		goto out;
	}
	if (r < 0) {
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "snapshot %s: %s", path,
			       strerror(-r));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	r = fsync_dir(path);
	if (r < 0)
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM,
			       "snapshot %s: syncing its directory: %s", path, strerror(-r));
out:
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(text);
	return r;
}

int vxoff__snapshot_remove(struct vxoff_ctx *ctx, const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "removing snapshot %s: %s",
				  path, strerror(errno));
	fsync_dir(path); /* best effort: the restore itself is already done */
	return 0;
}

/* ---- loading ---- */

static int parse_knob(struct vxoff_ctx *ctx, const char *path, size_t i, struct json_object *o,
		      struct vxoff__snapshot *s)
{
	struct json_object *kind = NULL, *dev = NULL, *index = NULL, *key = NULL, *value = NULL;
	struct json_object *stage = NULL, *absent = NULL;
	char where[PATH_MAX + 64];
	uint32_t k;
	int64_t ix;
	int r;

	snprintf(where, sizeof(where), "snapshot %s, knob %zu", path, i);
	if (!json_object_is_type(o, json_type_object))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: not an object", where);
	r = vxoff__json_member(ctx, where, o, "kind", json_type_string, false, &kind);
	if (r == 0)
		r = vxoff__json_member(ctx, where, o, "dev", json_type_string, true, &dev);
	if (r == 0)
		r = vxoff__json_member(ctx, where, o, "index", json_type_int, false, &index);
	if (r == 0)
		r = vxoff__json_member(ctx, where, o, "key", json_type_string, true, &key);
	if (r == 0)
		r = vxoff__json_member(ctx, where, o, "stage", json_type_int, false, &stage);
	if (r == 0)
		r = vxoff__json_member(ctx, where, o, "absent", json_type_boolean, true, &absent);
	if (r == 0)
		r = vxoff__json_member(ctx, where, o, "value", json_type_string,
				       absent && json_object_get_boolean(absent), &value);
	if (r < 0)
		return r;
	k = vxoff__knob_kind_from_name(json_object_get_string(kind));
	if (k == 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: unknown kind \"%s\"",
				  where, json_object_get_string(kind));
	if (json_object_get_int64(stage) != vxoff_knob_stage(k))
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "%s: stage %lld does not belong to kind %s", where,
				  (long long)json_object_get_int64(stage),
				  vxoff_knob_kind_name(k));
	ix = json_object_get_int64(index);
	if (ix < -1 || ix > INT32_MAX)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: index out of range",
				  where);
	r = vxoff__tune_state_add(&s->st, k, dev ? json_object_get_string(dev) : NULL,
				  (int32_t)ix, key ? json_object_get_string(key) : NULL,
				  value ? json_object_get_string(value) : "",
				  absent && json_object_get_boolean(absent) ? VXOFF__KNOB_F_ABSENT
									   : 0);
	return r < 0 ? vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "%s: out of memory", where) : 0;
}

static int dup_member(struct vxoff_ctx *ctx, const char *where, struct json_object *root,
		      const char *name, bool opt, char **out)
{
	struct json_object *m = NULL;
	int r = vxoff__json_member(ctx, where, root, name, json_type_string, opt, &m);

	if (r < 0 || !m)
		return r;
	*out = strdup(json_object_get_string(m));
	return *out ? 0 : -ENOMEM;
}

int vxoff__snapshot_load(struct vxoff_ctx *ctx, const char *path, const char *expect_dev,
			 const char *expect_ns, struct vxoff__snapshot *s)
{
	struct json_object *root = NULL, *m = NULL, *knobs = NULL;
	char where[PATH_MAX + 16];
	struct stat sb;
	int r;

	memset(s, 0, sizeof(*s));
	snprintf(where, sizeof(where), "snapshot %s", path);
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE,
					  "%s: no such file (no snapshot was completed, so "
					  "nothing was changed)", where);
		return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "%s: %s", where,
				  strerror(errno));
	}
	root = json_object_from_file(path);
	if (!root) {
		if (access(path, R_OK) < 0)
			return vxoff__err(ctx, -errno, VXOFF_REASON_SYSTEM, "%s: %s", where,
					  strerror(errno));
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "%s: truncated or not JSON (%lld bytes); nothing was changed",
				  where, (long long)sb.st_size);
	}
	if (!json_object_is_type(root, json_type_object)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE, "%s: not a JSON object", where);
		goto out;
	}
	r = vxoff__json_schema(ctx, where, root, SCHEMA_PREFIX, VXOFF__SNAPSHOT_VERSION);
	if (r == 0)
		r = vxoff__json_member(ctx, where, root, "version", json_type_int, false, &m);
	if (r == 0 && json_object_get_int64(m) > VXOFF__SNAPSHOT_VERSION)
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
			       "%s: version %lld is from a newer vxoff (this one reads up to %d)",
			       where, (long long)json_object_get_int64(m),
			       VXOFF__SNAPSHOT_VERSION);
	if (r == 0)
		r = dup_member(ctx, where, root, "device", false, &s->device);
	if (r == 0)
		r = dup_member(ctx, where, root, "namespace", true, &s->netns);
	if (r == 0)
		r = dup_member(ctx, where, root, "kernel", true, &s->kernel);
	if (r == 0)
		r = dup_member(ctx, where, root, "time", true, &s->time);
	if (r == 0)
		r = vxoff__json_member(ctx, where, root, "ifindex", json_type_int, true, &m);
	if (r == 0 && m)
		s->ifindex = json_object_get_int64(m);
	if (r == 0)
		r = vxoff__json_member(ctx, where, root, "knobs", json_type_array, false, &knobs);
	if (r < 0)
		goto out;
	if (vxoff__json_member(ctx, where, root, "count", json_type_int, true, &m) == 0 && m &&
	    json_object_get_int64(m) != (int64_t)json_object_array_length(knobs)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
			       "%s: %zu knobs where the file announces %lld (damaged)", where,
			       json_object_array_length(knobs),
			       (long long)json_object_get_int64(m));
		goto out;
	}
	for (size_t i = 0; r == 0 && i < json_object_array_length(knobs); i++)
		r = parse_knob(ctx, path, i, json_object_array_get_idx(knobs, i), s);
	if (r < 0)
		goto out;
	if (expect_dev && strcmp(expect_dev, s->device) != 0) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
			       "%s is for device %s, not %s; nothing was changed", where,
			       s->device, expect_dev);
		goto out;
	}
	if (expect_ns != NULL || s->netns != NULL) {
		if (!expect_ns || !s->netns || strcmp(expect_ns, s->netns) != 0) {
			r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				       "%s was taken in %s%s, but this context is in %s%s; nothing "
				       "was changed",
				       where, s->netns ? "namespace " : "the caller's namespace",
				       s->netns ? s->netns : "", expect_ns ? "namespace " : "the "
				       "caller's namespace", expect_ns ? expect_ns : "");
			goto out;
		}
	}
out:
	if (r == -ENOMEM)
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "%s: out of memory", where);
	if (r < 0)
		vxoff__snapshot_clear(s);
	json_object_put(root);
	return r;
}
