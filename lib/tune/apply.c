/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * lib/tune/apply.c: vxoff_tune_apply() and vxoff_tune_restore().
 *
 * Apply: snapshot first (complete on disk before any change), then every item in stage order,
 * each read back by vxoff__knob_write(). A failure undoes what was written, newest first, and
 * the error names the knob. Restore works from the snapshot file alone, in the safe order
 * (stage by stage), and writes only what differs, so running it twice changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "tune/tune_internal.h"

struct run {
	struct vxoff_ctx *ctx;
	uint32_t writes;	/* knob writes so far (the fault seam counts these) */
	uint32_t fail_nth;
};

static const char *describe(const struct vxoff__knob *k, char *buf, size_t cap)
{
	return vxoff__knob_describe(k, buf, cap);
}

/* Write one knob, read back; the nth write fails when the test seam asks. */
static int write_knob(struct run *rn, const struct vxoff__knob *k)
{
	char d[160];

	rn->writes++;
	vxoff__log(rn->ctx, VXOFF_LOG_INFO, "tune: write %u: %s = \"%s\"", rn->writes,
		   describe(k, d, sizeof(d)), k->value ? k->value : "");
	if (rn->fail_nth && rn->writes == rn->fail_nth)
		return vxoff__err(rn->ctx, -EIO, VXOFF_REASON_INTERNAL,
				  "%s: write %u failed (injected fault)", d, rn->writes);
	return vxoff__knob_write(rn->ctx, k);
}

/* For IRQ affinity the IRQ number is found from the queue now: a channel change renumbers. */
static int resolve_irq(struct vxoff_ctx *ctx, struct vxoff__knob *k)
{
	uint32_t irq;
	char d[160];
	int r;

	if (k->kind != VXOFF_KNOB_IRQ_AFFINITY)
		return 0;
	if (!k->dev || !k->key)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
				  "%s: IRQ affinity needs a device and a queue name",
				  describe(k, d, sizeof(d)));
	r = vxoff__queue_irq(ctx, k->dev, k->key, &irq);
	if (r < 0)
		return vxoff__err_prefix(ctx, r, "%s: ", describe(k, d, sizeof(d)));
	k->index = (int32_t)irq;
	return 0;
}

/* The value now, or NULL with *absent when the knob does not exist (yet). */
static int read_now(struct vxoff_ctx *ctx, const struct vxoff__knob *id, char **value,
		    bool *absent)
{
	int r = vxoff__knob_read(ctx, id, value);

	*absent = false;
	if (r == -ENOENT || r == -ENODEV) {
		*absent = true;
		*value = NULL;
		return 0;
	}
	return r;
}

static char *kernel_release(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return strdup("");
	return strdup(u.release);
}

static char *utc_now(void)
{
	char buf[32];
	struct tm tm;
	time_t t = time(NULL);

	if (!gmtime_r(&t, &tm) || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return strdup("");
	return strdup(buf);
}

struct sysfs_ifindex {
	const char *dev;
	int64_t ifindex; /* 0 = no ifindex file, -1 = no such device */
};

static int read_ifindex(void *arg, const char *sysroot)
{
	struct sysfs_ifindex *a = arg;
	char path[512], buf[32];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/class/net/%s", sysroot, a->dev);
	if (vxoff__read_file(path, buf, sizeof(buf)) == -ENOENT) {
		a->ifindex = -1;
		return 0;
	}
	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", sysroot, a->dev);
	n = vxoff__read_file(path, buf, sizeof(buf));
	a->ifindex = n > 0 ? strtoll(buf, NULL, 10) : 0;
	return 0;
}

/* The device's ifindex from sysfs; 0 unknown, -1 no such device. */
static int64_t device_ifindex(struct vxoff_ctx *ctx, const char *dev)
{
	struct sysfs_ifindex a = { .dev = dev };

	if (vxoff__with_sysfs(ctx, read_ifindex, &a) < 0)
		return 0;
	return a.ifindex;
}

static bool usable(const struct vxoff__knob *k)
{
	return !(k->flags & (VXOFF_KNOB_F_UNSUPPORTED | VXOFF_KNOB_F_READONLY |
			     VXOFF_KNOB_F_FIXED)) &&
	       k->kind != VXOFF_KNOB_TUNNEL_PORT && k->kind != VXOFF_KNOB_CHANNELS_MAX &&
	       k->kind != VXOFF_KNOB_RING_MAX;
}

/* Save the value of @id now, once. */
static int save(struct vxoff_ctx *ctx, struct vxoff__snapshot *s, const struct vxoff__knob *id,
		bool may_be_absent)
{
	char *value = NULL, d[160];
	bool absent;
	int r;

	if (vxoff__tune_state_lookup(&s->st, id))
		return 0;
	r = read_now(ctx, id, &value, &absent);
	if (r < 0)
		return vxoff__err_prefix(ctx, r, "saving %s: ", describe(id, d, sizeof(d)));
	if (absent && !may_be_absent)
		return vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE,
				  "saving %s: it does not exist", describe(id, d, sizeof(d)));
	r = vxoff__tune_state_add(&s->st, id->kind, id->dev, id->index, id->key,
				  absent ? "" : value, absent ? VXOFF__KNOB_F_ABSENT : 0);
	free(value);
	return r;
}

/*
 * Everything the plan touches, plus, for a device whose channel count changes, every knob
 * that lives on its queues (RSS, IRQ affinity, RPS/XPS, NAPI): a channel change recreates
 * them, so restoring exactly needs them all.
 */
static int build_snapshot(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			  struct vxoff__snapshot *s)
{
	int r = 0;

	for (uint32_t i = 0; r == 0 && i < plan->count; i++) {
		const struct vxoff__plan_item *it = &plan->items[i];

		if (it->flags & VXOFF_PLAN_F_ADVICE)
			continue;
		if (!s->device && it->k.dev) {
			s->device = strdup(it->k.dev);
			if (!s->device)
				return -ENOMEM;
		}
		r = save(ctx, s, &it->k, it->current == NULL);
		if (r == 0 && it->k.kind == VXOFF_KNOB_CHANNELS && it->k.dev) {
			struct vxoff_tune_state all = { 0 };

			r = vxoff__tune_read_dev(ctx, it->k.dev, 0, &all);
			for (uint32_t j = 0; r == 0 && j < all.count; j++) {
				const struct vxoff__knob *k = &all.knobs[j];

				if (usable(k) && vxoff_knob_stage(k->kind) >= 2 &&
				    vxoff_knob_stage(k->kind) <= 5)
					r = save(ctx, s, k, false);
			}
			for (uint32_t j = 0; j < all.count; j++)
				vxoff__knob_clear(&all.knobs[j]);
			free(all.knobs);
		}
	}
	if (r < 0)
		return r;
	if (plan->dev) {
		free(s->device);
		s->device = strdup(plan->dev);
	}
	if (!s->device)
		s->device = strdup("");
	s->netns = vxoff__ctx_netns_name(ctx) ? strdup(vxoff__ctx_netns_name(ctx)) : NULL;
	s->kernel = kernel_release();
	s->time = utc_now();
	if (!s->device || !s->kernel || !s->time ||
	    (vxoff__ctx_netns_name(ctx) && !s->netns))
		return -ENOMEM;
	s->ifindex = *s->device ? device_ifindex(ctx, s->device) : 0;
	if (s->ifindex < 0)
		s->ifindex = 0;
	return 0;
}

/*
 * Where a kind goes when restoring: the apply stages, except that features come back after
 * the NAPI settings. A feature can create or remove a device's NAPIs (GRO on veth), so a
 * NAPI setting written under the feature must be put back while the NAPIs still exist.
 */
static int restore_rank(uint32_t kind)
{
	int stage = vxoff_knob_stage(kind);

	if (kind == VXOFF_KNOB_FEATURE)
		return 6;
	return stage == 6 ? 7 : stage;
}

/* Indexes of @s's knobs in restore order: rank by rank; within a rank, newest first
 * (an overlay's MTU is lowered before its underlay's). */
static uint32_t *restore_order(const struct vxoff_tune_state *st)
{
	uint32_t *ord = calloc(st->count ? st->count : 1, sizeof(*ord));
	uint32_t n = 0;

	if (!ord)
		return NULL;
	for (int rank = 0; rank <= 7; rank++)
		for (uint32_t i = st->count; i-- > 0;)
			if (restore_rank(st->knobs[i].kind) == rank)
				ord[n++] = i;
	for (uint32_t i = 0; i < st->count; i++) {
		int rank = restore_rank(st->knobs[i].kind);

		if (rank < 0 || rank > 7)
			ord[n++] = i;
	}
	return ord;
}

/*
 * Put the saved values back where they differ. Returns 0 or the first error (every knob is
 * still tried); *changed counts the writes (or, with @dry_run, the differences).
 */
static int restore_state(struct run *rn, const struct vxoff__snapshot *s, bool dry_run,
			 uint32_t *changed)
{
	struct vxoff_ctx *ctx = rn->ctx;
	uint32_t *ord = restore_order(&s->st);
	int first = 0;
	struct vxoff_error saved = { .sz = sizeof(saved) };
	char *saved_msg = NULL;

	if (!ord)
		return -ENOMEM;
	*changed = 0;
	for (uint32_t n = 0; n < s->st.count; n++) {
		const struct vxoff__knob *sk = &s->st.knobs[ord[n]];
		struct vxoff__knob k;
		char *now = NULL, d[160];
		bool absent;
		int r;

		if (sk->flags & VXOFF__KNOB_F_ABSENT)
			continue; /* created by the plan; the channel restore removed it */
		k = *sk;
		r = read_now(ctx, &k, &now, &absent);
		if (r == 0 && absent)
			r = vxoff__err(ctx, -ENOENT, VXOFF_REASON_STATE,
				       "restoring %s: it no longer exists",
				       describe(&k, d, sizeof(d)));
		if (r == 0 && vxoff__knob_value_eq(k.kind, now, sk->value)) {
			free(now);
			continue;
		}
		free(now);
		if (r == 0 && dry_run) {
			(*changed)++;
			continue;
		}
		if (r == 0)
			r = resolve_irq(ctx, &k);
		if (r == 0)
			r = write_knob(rn, &k);
		if (r == 0) {
			(*changed)++;
			continue;
		}
		if (first == 0) {
			first = r;
			vxoff_ctx_last_error(ctx, &saved);
			saved_msg = saved.msg ? strdup(saved.msg) : NULL;
		}
	}
	free(ord);
	if (first < 0)
		first = vxoff__err(ctx, first, saved.reason ? saved.reason : VXOFF_REASON_KERNEL,
				   "%s", saved_msg ? saved_msg : "restore failed");
	free(saved_msg);
	return first;
}

static int check_device(struct vxoff_ctx *ctx, const char *path,
			const struct vxoff__snapshot *s)
{
	int64_t ifindex;

	if (!s->device || !*s->device)
		return 0;
	ifindex = device_ifindex(ctx, s->device);
	if (ifindex < 0)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "snapshot %s is for device %s, which is not in %s%s; nothing was "
				  "changed",
				  path, s->device, vxoff__ctx_netns_name(ctx) ? "namespace " :
				  "this namespace", vxoff__ctx_netns_name(ctx) ?
				  vxoff__ctx_netns_name(ctx) : "");
	if (ifindex > 0 && s->ifindex > 0 && ifindex != s->ifindex)
		return vxoff__err(ctx, -EINVAL, VXOFF_REASON_STATE,
				  "snapshot %s is for device %s with ifindex %lld; %s is now "
				  "ifindex %lld, another device of the same name; nothing was "
				  "changed",
				  path, s->device, (long long)s->ifindex, s->device,
				  (long long)ifindex);
	return 0;
}

int vxoff__tune_restore_ex(struct vxoff_ctx *ctx, const char *snapshot, uint32_t flags,
			   uint32_t *ret_changed, uint32_t fail_write_nth)
{
	struct vxoff__snapshot s;
	struct run rn = { .ctx = ctx, .fail_nth = fail_write_nth };
	uint32_t changed = 0;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (ret_changed)
		*ret_changed = 0;
	if (!snapshot) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "restore: no snapshot file given");
		goto leave;
	}
	if (flags & ~(VXOFF_TUNE_RESTORE_F_REMOVE | VXOFF_TUNE_RESTORE_F_DRY_RUN)) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "restore %s: unknown flags 0x%x",
			       snapshot, flags);
		goto leave;
	}
	r = vxoff__snapshot_load(ctx, snapshot, NULL, vxoff__ctx_netns_name(ctx), &s);
	if (r < 0)
		goto leave;
	r = check_device(ctx, snapshot, &s);
	if (r == 0)
		r = restore_state(&rn, &s, flags & VXOFF_TUNE_RESTORE_F_DRY_RUN, &changed);
	if (r == -ENOMEM)
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "restore %s: out of memory", snapshot);
	if (r == 0) {
		vxoff__log(ctx, VXOFF_LOG_INFO, "tune: restored %u knobs from %s", changed,
			   snapshot);
		if ((flags & VXOFF_TUNE_RESTORE_F_REMOVE) &&
		    !(flags & VXOFF_TUNE_RESTORE_F_DRY_RUN))
			r = vxoff__snapshot_remove(ctx, snapshot);
	}
	if (ret_changed)
		*ret_changed = changed;
	vxoff__snapshot_clear(&s);
leave:
	vxoff__ctx_leave(ctx);
	return r;
}

VXOFF_API int vxoff_tune_restore(struct vxoff_ctx *ctx, const char *snapshot, uint32_t flags,
				 uint32_t *ret_changed)
{
	return vxoff__tune_restore_ex(ctx, snapshot, flags, ret_changed, 0);
}

/* Undo what was written, newest first; then, after a channel change, everything that lives
 * on the recreated queues. 0, or the first error of the undo. */
static int rollback(struct run *rn, const struct vxoff__snapshot *s,
		    const struct vxoff__knob *written, uint32_t nwritten, bool channels)
{
	int first = 0;

	for (uint32_t i = nwritten; i-- > 0;) {
		struct vxoff__knob id = written[i];
		const struct vxoff__knob *old = vxoff__tune_state_lookup(
			(struct vxoff_tune_state *)&s->st, &id);
		int r;

		char *now = NULL;
		bool absent;

		if (!old || (old->flags & VXOFF__KNOB_F_ABSENT))
			continue;
		/* the failed knob itself may have changed (a read-back that differed) */
		r = read_now(rn->ctx, &id, &now, &absent);
		if (r == 0 && !absent && vxoff__knob_value_eq(id.kind, now, old->value)) {
			free(now);
			continue;
		}
		free(now);
		id.value = old->value;
		r = resolve_irq(rn->ctx, &id);
		if (r == 0)
			r = write_knob(rn, &id);
		if (r < 0 && first == 0)
			first = r;
	}
	if (channels) {
		uint32_t changed;
		int r = restore_state(rn, s, false, &changed);

		if (r < 0 && first == 0)
			first = r;
	}
	return first;
}

int vxoff__tune_apply_ex(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			 const char *snapshot, uint32_t flags, uint32_t fail_write_nth)
{
	struct vxoff__snapshot s = { 0 };
	struct run rn = { .ctx = ctx, .fail_nth = fail_write_nth };
	struct vxoff__knob *written = NULL;
	uint32_t nwritten = 0;
	bool channels = false;
	int r;

	r = vxoff__ctx_enter(ctx);
	if (r < 0)
		return r;
	if (!plan || !snapshot || !*snapshot) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG,
			       "apply: a plan and a snapshot file are required");
		goto leave;
	}
	if (flags & ~VXOFF_TUNE_APPLY_F_OVERWRITE) {
		r = vxoff__err(ctx, -EINVAL, VXOFF_REASON_ARG, "apply: unknown flags 0x%x", flags);
		goto leave;
	}
	if (!(flags & VXOFF_TUNE_APPLY_F_OVERWRITE) && access(snapshot, F_OK) == 0) {
		r = vxoff__err(ctx, -EEXIST, VXOFF_REASON_ARG,
			       "snapshot %s exists (an earlier tuning not yet restored?): restore "
			       "from it, remove it, or allow overwriting it", snapshot);
		goto leave;
	}
	written = calloc(plan->count ? plan->count : 1, sizeof(*written));
	if (!written) {
		r = -ENOMEM;
		goto leave;
	}
	r = build_snapshot(ctx, plan, &s);
	if (r == 0)
		r = vxoff__snapshot_write(ctx, snapshot, &s, flags & VXOFF_TUNE_APPLY_F_OVERWRITE);
	if (r < 0)
		goto leave; /* nothing changed yet */
	vxoff__log(ctx, VXOFF_LOG_INFO, "tune: saved %u knobs to %s", s.st.count, snapshot);

	for (uint32_t i = 0; i < plan->count; i++) {
		const struct vxoff__plan_item *it = &plan->items[i];
		struct vxoff__knob k = it->k;
		char *now = NULL;
		bool absent;

		if (it->flags & VXOFF_PLAN_F_ADVICE)
			continue;
		if (k.kind == VXOFF_KNOB_IRQ_AFFINITY) {
			/* the queue's IRQ now: after a channel change it is another one */
			r = resolve_irq(ctx, &k);
			if (r < 0)
				break;
		}
		r = read_now(ctx, &k, &now, &absent);
		if (r == 0 && !absent && vxoff__knob_value_eq(k.kind, now, k.value)) {
			free(now);
			continue;
		}
		free(now);
		if (r == 0)
			r = write_knob(&rn, &k);
		if (r < 0) {
			written[nwritten] = k; /* undone too if it changed anyway */
			channels = channels || k.kind == VXOFF_KNOB_CHANNELS;
			break;
		}
		written[nwritten++] = k; /* borrowed strings: the plan outlives this loop */
		if (k.kind == VXOFF_KNOB_CHANNELS)
			channels = true;
	}
	if (r < 0) {
		struct vxoff_error e = { .sz = sizeof(e) };
		char *msg;
		uint32_t reason;
		int rb;

		vxoff_ctx_last_error(ctx, &e);
		msg = e.msg ? strdup(e.msg) : NULL;
		reason = e.reason ? e.reason : VXOFF_REASON_KERNEL;
		rb = rollback(&rn, &s, written, nwritten + 1, channels);
		if (rb < 0) {
			struct vxoff_error e2 = { .sz = sizeof(e2) };
			char *msg2;

			/* the context owns e2.msg and frees it when the next error is set */
			vxoff_ctx_last_error(ctx, &e2);
			msg2 = e2.msg ? strdup(e2.msg) : NULL;
			r = vxoff__err(ctx, -ENOTRECOVERABLE, VXOFF_REASON_STATE,
				       "%s; undoing it failed too (%s): restore from %s",
				       msg ? msg : "apply failed", msg2 ? msg2 : "unknown error",
				       snapshot);
			free(msg2);
		} else {
			vxoff__snapshot_remove(ctx, snapshot);
			r = vxoff__err(ctx, r, reason,
				       "%s; the %u knobs written before were undone",
				       msg ? msg : "apply failed", nwritten);
		}
		free(msg);
	}
leave:
	if (r == -ENOMEM)
		r = vxoff__err(ctx, r, VXOFF_REASON_SYSTEM, "apply: out of memory");
	free(written);
	vxoff__snapshot_clear(&s);
	vxoff__ctx_leave(ctx);
	return r;
}

VXOFF_API int vxoff_tune_apply(struct vxoff_ctx *ctx, const struct vxoff_tune_plan *plan,
			       const char *snapshot, uint32_t flags)
{
	return vxoff__tune_apply_ex(ctx, plan, snapshot, flags, 0);
}
