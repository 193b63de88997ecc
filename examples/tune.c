/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * examples/tune.c - plan the single-stream profile for a device, apply it, and undo it.
 *
 *   tune [-n NETNS] IFACE APP_CPUS [SNAPSHOT]
 *
 * Prints the plan (each knob: value now, target, why). With SNAPSHOT it also applies the plan
 * (saving every value it touches to SNAPSHOT first), waits for Enter, and restores from the
 * file. If this program is killed meanwhile, `vxoff tune [-n NETNS] restore SNAPSHOT` undoes
 * the change from the file alone. Build against the installed library:
 *
 *   cc tune.c $(pkg-config --cflags --libs vxoff) -o tune
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vxoff/vxoff.h>

static int fail(struct vxoff_ctx *ctx, const char *call, int err)
{
	VXOFF_OUT(vxoff_error, e);

	if (vxoff_ctx_last_error(ctx, &e) == 0 && e.msg)
		fprintf(stderr, "%s: %s\n", call, e.msg);
	else
		fprintf(stderr, "%s: %s\n", call, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	VXOFF_OPTS(vxoff_ctx_opts, copts);
	VXOFF_OPTS(vxoff_tune_plan_opts, popts, .profile = VXOFF_PROFILE_SINGLE_STREAM);
	struct vxoff_tune_plan *plan = NULL;
	struct vxoff_ctx *ctx = NULL;
	const char *snapshot;
	uint32_t changed = 0;
	int a = 1, r, rc = 0;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		copts.netns = argv[2];
		a = 3;
	}
	if (argc - a < 2 || argc - a > 3) {
		fprintf(stderr, "usage: %s [-n NETNS] IFACE APP_CPUS [SNAPSHOT]\n", argv[0]);
		return 2;
	}
	popts.app_cpus = argv[a + 1];
	snapshot = argc - a == 3 ? argv[a + 2] : NULL;
	r = vxoff_ctx_new(&copts, &ctx);
	if (r < 0) {
		fprintf(stderr, "vxoff_ctx_new: %s\n", strerror(-r));
		return 1;
	}
	/* a plan reads the device and the CPUs and changes nothing */
	r = vxoff_tune_plan_new(ctx, argv[a], &popts, &plan);
	if (r < 0) {
		rc = fail(ctx, "vxoff_tune_plan_new", r);
		goto out;
	}
	for (uint32_t i = 0; i < vxoff_tune_plan_count(plan); i++) {
		VXOFF_OUT(vxoff_plan_item, it);

		if (vxoff_tune_plan_item(plan, i, &it) < 0)
			continue;
		printf("%s %s%s%s: %s -> %s%s\n  why: %s\n", vxoff_knob_kind_name(it.kind),
		       it.dev ? it.dev : "", it.key ? " " : "", it.key ? it.key : "",
		       it.current ? it.current : "?", it.target,
		       (it.flags & VXOFF_PLAN_F_ADVICE) ? " (advice only)" : "", it.reason);
	}
	if (!snapshot)
		goto out;
	/* one transaction: on any failure everything written is undone before it returns */
	r = vxoff_tune_apply(ctx, plan, snapshot, 0);
	if (r < 0) {
		rc = fail(ctx, "vxoff_tune_apply", r);
		goto out;
	}
	printf("applied; values before saved in %s. Press Enter to restore.\n", snapshot);
	(void)getchar();
	r = vxoff_tune_restore(ctx, snapshot, VXOFF_TUNE_RESTORE_F_REMOVE, &changed);
	if (r < 0)
		rc = fail(ctx, "vxoff_tune_restore", r);
	else
		printf("restored %u knobs\n", changed);
out:
	vxoff_tune_plan_free(plan);
	vxoff_ctx_free(ctx);
	return rc;
}
