/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Apply and restore on fake sysfs/procfs trees, through the real readers and writers:
 * - fault injection: every write of a plan fails in turn; after the rollback every knob reads
 *   as before (a full vxoff_tune_read state compared);
 * - kill test: a child applying a plan is killed with SIGKILL at a random point (after a
 *   random number of writes, or after a random delay, which also hits the snapshot write);
 *   restore from the file then gives the state from before, every time.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/wait.h>

#include "testutil.h"
#include "faketree.h"
#include "tune/tune_internal.h"

#define KILL_RUNS 120

/* Kernel-like adjustments of the fake tree (ft_rewrite) need every write(2) seen. */
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	ssize_t r = __real_write(fd, buf, n);

	ft_after_write(fd);
	return r;
}

struct fx {
	struct faketree *ft;
	struct vxoff_ctx *ctx;
	char dir[64];
	char snap[96];
};

static struct fx *fx_new(uint32_t ncpus)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ft_dev eth = { .name = "vxft0", .ifindex = 7, .rx_queues = 4, .tx_queues = 4,
			      .numa_node = 1, .first_irq = 100 };

	assert_non_null(f);
	f->ft = ft_new(ncpus, 2);
	ft_add_dev(f->ft, &eth);
	f->ctx = ft_ctx(f->ft);
	snprintf(f->dir, sizeof(f->dir), "/tmp/vxoff-tapply-%d-XXXXXX", (int)getpid());
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->snap, sizeof(f->snap), "%s/snap.json", f->dir);
	return f;
}

static void fx_free(struct fx *f)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	vxoff_ctx_free(f->ctx);
	ft_free(f->ft);
	free(f);
}

/* Every knob of vxft0 (and the namespace's sysctls) as "name = value" lines. */
static char *state_text(struct vxoff_ctx *ctx)
{
	struct vxoff_tune_state *st = NULL;
	char *json = NULL;
	int r = vxoff_tune_read(ctx, "vxft0", VXOFF_TUNE_READ_F_SYSCTLS, &st);

	if (r < 0)
		fail_msg("vxoff_tune_read: %d %s", r, tu_last_error(ctx).msg);
	assert_true(vxoff_tune_state_count(st) > 0);
	assert_int_equal(vxoff_tune_state_json(st, VXOFF_JSON_PRETTY, &json), 0);
	vxoff_tune_state_free(st);
	return json;
}

static void assert_same_state(const char *before, const char *now, const char *when)
{
	if (strcmp(before, now) != 0)
		fail_msg("%s: the state differs from the one before.\nbefore:\n%s\nnow:\n%s", when,
			 before, now);
}

/* A target different from @v for the file-backed kinds; NULL = leave the knob out. */
static const char *other_value(uint32_t kind, const char *key, const char *v)
{
	bool one = v && vxoff__knob_value_eq(kind, v, "1");

	switch (kind) {
	case VXOFF_KNOB_IRQ_AFFINITY:
	case VXOFF_KNOB_RPS_CPUS:
	case VXOFF_KNOB_XPS_CPUS:
		return one ? "2" : "1";
	case VXOFF_KNOB_RPS_FLOW_CNT:
		return v && !strcmp(v, "128") ? "256" : "128";
	case VXOFF_KNOB_THREADED:
		return one ? "0" : "1";
	case VXOFF_KNOB_GRO_FLUSH_TIMEOUT:
		return v && !strcmp(v, "20000") ? "0" : "20000";
	case VXOFF_KNOB_DEFER_HARD_IRQS:
		return v && !strcmp(v, "2") ? "0" : "2";
	case VXOFF_KNOB_SYSCTL:
		if (key && (!strcmp(key, "net.ipv4.tcp_rmem") || !strcmp(key, "net.ipv4.tcp_wmem")))
			return "4096 131072 16777216";
		return NULL;
	default:
		return NULL; /* netlink knobs: no kernel behind a fake tree */
	}
}

/* A plan that changes every writable file-backed knob of the state. */
static struct vxoff_tune_plan *plan_all(struct vxoff_ctx *ctx, uint32_t *nitems)
{
	struct vxoff_tune_state *st = NULL;
	struct vxoff_tune_plan *p = NULL;

	assert_int_equal(vxoff_tune_read(ctx, "vxft0", VXOFF_TUNE_READ_F_SYSCTLS, &st), 0);
	assert_int_equal(vxoff_tune_plan_empty(&p), 0);
	for (uint32_t i = 0; i < vxoff_tune_state_count(st); i++) {
		VXOFF_OUT(vxoff_knob, k);
		const char *t;

		assert_int_equal(vxoff_tune_state_get(st, i, &k), 0);
		if (k.flags & (VXOFF_KNOB_F_UNSUPPORTED | VXOFF_KNOB_F_READONLY |
			       VXOFF_KNOB_F_FIXED))
			continue;
		t = other_value(k.kind, k.key, k.value);
		if (!t)
			continue;
		k.value = t;
		assert_int_equal(vxoff_tune_plan_add(p, &k, "test"), 0);
	}
	vxoff_tune_state_free(st);
	*nitems = vxoff_tune_plan_count(p);
	return p;
}

static void remove_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp-")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
}

/* ---- apply, restore, and fault injection ---- */

static void apply_restore_on(uint32_t ncpus)
{
	struct fx *f = fx_new(ncpus);
	char *before = state_text(f->ctx), *after;
	uint32_t n, changed = 0;
	struct vxoff_tune_plan *p = plan_all(f->ctx, &n);

	/* queues' RPS/XPS, 4 IRQs, NAPI settings at least */
	if (n < 12)
		fail_msg("only %u writable knobs found on the fake vxft0", n);
	assert_int_equal(vxoff_tune_apply(f->ctx, p, f->snap, 0), 0);
	after = state_text(f->ctx);
	assert_string_not_equal(before, after);
	/* a plan of the state now is empty: every item reached its target */
	for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
		VXOFF_OUT(vxoff_plan_item, it);
		VXOFF_OPTS(vxoff_knob, id);
		VXOFF_OUT(vxoff_knob, now);
		struct vxoff_tune_state *st = NULL;

		assert_int_equal(vxoff_tune_plan_item(p, i, &it), 0);
		id.kind = it.kind;
		id.index = it.index;
		id.dev = it.dev;
		id.key = it.key;
		assert_int_equal(vxoff_tune_read(f->ctx, "vxft0", VXOFF_TUNE_READ_F_SYSCTLS, &st),
				 0);
		assert_int_equal(vxoff_tune_state_find(st, &id, &now), 0);
		if (!vxoff__knob_value_eq(it.kind, now.value, it.target))
			fail_msg("%s: %s after apply, target %s", vxoff_knob_kind_name(it.kind),
				 now.value, it.target);
		vxoff_tune_state_free(st);
	}
	assert_int_equal(vxoff_tune_restore(f->ctx, f->snap, 0, &changed), 0);
	assert_int_equal(changed, n);
	free(after);
	after = state_text(f->ctx);
	assert_same_state(before, after, "after restore");
	assert_int_equal(vxoff_tune_restore(f->ctx, f->snap, 0, &changed), 0);
	assert_int_equal(changed, 0);
	free(after);
	free(before);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

static void test_apply_restore_4(void **state)
{
	(void)state;
	apply_restore_on(4);
}

static void test_apply_restore_64(void **state)
{
	(void)state;
	apply_restore_on(64);
}

static void test_apply_restore_256(void **state)
{
	(void)state;
	apply_restore_on(256);
}

static void test_fault_injection(void **state)
{
	struct fx *f = fx_new(64);
	char *before = state_text(f->ctx);
	uint32_t n;
	struct vxoff_tune_plan *p = plan_all(f->ctx, &n);

	(void)state;
	for (uint32_t k = 1; k <= n; k++) {
		char *now, want[32];
		struct vxoff_error e;
		int r = vxoff__tune_apply_ex(f->ctx, p, f->snap, 0, k);

		if (r != -EIO)
			fail_msg("write %u of %u failing: apply returned %d", k, n, r);
		e = tu_last_error(f->ctx);
		snprintf(want, sizeof(want), "write %u failed", k);
		assert_non_null(strstr(e.msg, want));
		assert_non_null(strstr(e.msg, " of vxft0") ? e.msg : strstr(e.msg, "sysctl"));
		now = state_text(f->ctx);
		assert_same_state(before, now, "after a rollback");
		free(now);
		assert_int_equal(access(f->snap, F_OK), -1);
	}
	/* one past the last write: nothing fails, everything applied */
	assert_int_equal(vxoff__tune_apply_ex(f->ctx, p, f->snap, 0, n + 1), 0);
	assert_int_equal(vxoff_tune_restore(f->ctx, f->snap, VXOFF_TUNE_RESTORE_F_REMOVE, NULL),
			 0);
	free(before);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

/*
 * A kernel that adjusts a value: the read-back differs, the apply fails naming the knob and
 * the value in effect. This fake kernel turns every write of the file into 25000, so the
 * undo cannot succeed either: -ENOTRECOVERABLE, the snapshot is kept, and a restore once
 * the kernel behaves again gives the state from before.
 */
static void test_readback_mismatch(void **state)
{
	struct fx *f = fx_new(4);
	char *before = state_text(f->ctx), *now;
	struct vxoff_tune_plan *p;
	VXOFF_OPTS(vxoff_knob, a, .kind = VXOFF_KNOB_RPS_CPUS, .index = 0, .dev = "vxft0",
		   .value = "1");
	VXOFF_OPTS(vxoff_knob, b, .kind = VXOFF_KNOB_GRO_FLUSH_TIMEOUT, .index = -1,
		   .dev = "vxft0", .value = "30000");
	struct vxoff_error e;
	int r;

	(void)state;
	ft_rewrite(f->ft, "sys/class/net/vxft0/gro_flush_timeout", "25000");
	assert_int_equal(vxoff_tune_plan_empty(&p), 0);
	assert_int_equal(vxoff_tune_plan_add(p, &a, "t"), 0);
	assert_int_equal(vxoff_tune_plan_add(p, &b, "t"), 0);
	r = vxoff_tune_apply(f->ctx, p, f->snap, 0);
	assert_int_equal(r, -ENOTRECOVERABLE);
	e = tu_last_error(f->ctx);
	assert_non_null(strstr(e.msg, "gro_flush_timeout"));
	assert_non_null(strstr(e.msg, "25000"));
	assert_non_null(strstr(e.msg, f->snap));
	assert_int_equal(access(f->snap, F_OK), 0);
	ft_rewrite(f->ft, "sys/class/net/vxft0/gro_flush_timeout", NULL);
	assert_int_equal(vxoff_tune_restore(f->ctx, f->snap, 0, NULL), 0);
	now = state_text(f->ctx);
	assert_same_state(before, now, "after restoring a failed rollback");
	free(now);
	free(before);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

/* The profiles end to end on a fake tree: plan from the system, apply, restore. */
static void profiles_on(uint32_t ncpus)
{
	struct fx *f = fx_new(ncpus);
	char *before = state_text(f->ctx), *now, app[16];

	snprintf(app, sizeof(app), "%u", ncpus / 2 + 1);
	for (uint32_t prof = VXOFF_PROFILE_SINGLE_STREAM; prof <= VXOFF_PROFILE_LATENCY; prof++) {
		VXOFF_OPTS(vxoff_tune_plan_opts, o, .profile = prof, .app_cpus = app);
		struct vxoff_tune_plan *p = NULL;
		uint32_t changed = 0, applicable = 0;
		int r = vxoff_tune_plan_new(f->ctx, "vxft0", &o, &p);

		if (r < 0)
			fail_msg("%s plan: %d %s", vxoff_profile_name(prof), r,
				 tu_last_error(f->ctx).msg);
		for (uint32_t i = 0; i < vxoff_tune_plan_count(p); i++) {
			VXOFF_OUT(vxoff_plan_item, it);

			assert_int_equal(vxoff_tune_plan_item(p, i, &it), 0);
			if (!(it.flags & VXOFF_PLAN_F_ADVICE))
				applicable++;
			/* single-stream: the IRQs on node 1, not on the application's CPU */
			if (prof == VXOFF_PROFILE_SINGLE_STREAM &&
			    it.kind == VXOFF_KNOB_IRQ_AFFINITY) {
				uint32_t c = (uint32_t)atoi(it.target);

				assert_true(c >= ncpus / 2);
				assert_int_not_equal(c, ncpus / 2 + 1);
			}
		}
		if (prof == VXOFF_PROFILE_SINGLE_STREAM)
			assert_true(applicable >= 4); /* the 4 receive IRQs at least */
		now = state_text(f->ctx);
		assert_same_state(before, now, "after planning (a plan changes nothing)");
		free(now);
		unlink(f->snap);
		r = vxoff_tune_apply(f->ctx, p, f->snap, 0);
		if (r < 0) {
			char *j = NULL;

			vxoff_tune_plan_json(p, VXOFF_JSON_PRETTY, &j);
			fail_msg("%s apply: %d %s\n%s", vxoff_profile_name(prof), r,
				 tu_last_error(f->ctx).msg, j);
		}
		assert_int_equal(vxoff_tune_restore(f->ctx, f->snap, 0, &changed), 0);
		now = state_text(f->ctx);
		assert_same_state(before, now, vxoff_profile_name(prof));
		free(now);
		vxoff_tune_plan_free(p);
	}
	free(before);
	fx_free(f);
}

static void test_profiles_4(void **state)
{
	(void)state;
	profiles_on(4);
}

static void test_profiles_256(void **state)
{
	(void)state;
	profiles_on(256);
}

/* ---- kill test ---- */

struct killer {
	uint32_t after_writes; /* SIGKILL at this write (1-based) */
	uint32_t writes;
};

static void kill_log(void *user, uint32_t level, const char *msg)
{
	struct killer *k = user;

	(void)level;
	if (strncmp(msg, "tune: write ", 12) == 0 && ++k->writes >= k->after_writes)
		kill(getpid(), SIGKILL);
}

static void child_apply(const struct fx *f, const struct vxoff_tune_plan *p, uint32_t after)
{
	struct killer k = { .after_writes = after };
	struct vxoff_ctx *ctx = ft_ctx(f->ft);

	if (after)
		vxoff_ctx_set_log(ctx, kill_log, &k, VXOFF_LOG_INFO);
	_exit(vxoff_tune_apply(ctx, p, f->snap, VXOFF_TUNE_APPLY_F_OVERWRITE) == 0 ? 0 : 3);
}

static void test_kill_random(void **state)
{
	struct fx *f = fx_new(64);
	char *before = state_text(f->ctx);
	uint32_t n, killed = 0, completed = 0, no_file = 0;
	struct vxoff_tune_plan *p = plan_all(f->ctx, &n);
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	(void)state;
	print_message("kill test: %d runs, %u writes per apply, seed %u\n", KILL_RUNS, n, seed);
	srand(seed);
	for (int run = 0; run < KILL_RUNS; run++) {
		bool by_time = run % 2;
		uint32_t after = by_time ? 0 : 1 + (uint32_t)rand() % (n + 2);
		int status = 0, r;
		uint32_t changed = 0;
		char *now;
		pid_t pid;

		/* half of the runs start with no snapshot, half with an older complete one */
		if (rand() % 2)
			unlink(f->snap);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			child_apply(f, p, after);
		if (by_time) {
			struct timespec ts = { 0, (long)(rand() % 3000) * 1000L };

			nanosleep(&ts, NULL);
			kill(pid, SIGKILL);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status))
			killed++;
		else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			completed++;
		else
			fail_msg("run %d: the child failed (status 0x%x)", run, status);
		r = vxoff_tune_restore(f->ctx, f->snap, 0, &changed);
		if (r == -ENOENT)
			no_file++;
		else if (r != 0)
			fail_msg("run %d (%s %u): restore failed: %d %s", run,
				 by_time ? "delay" : "write", after, r, tu_last_error(f->ctx).msg);
		now = state_text(f->ctx);
		if (strcmp(now, before) != 0)
			fail_msg("run %d (%s, after %u writes): the state after restore differs:\n"
				 "before:\n%s\nnow:\n%s", run, by_time ? "killed after a delay" :
				 "killed", after, before, now);
		free(now);
		remove_leftovers(f->dir);
	}
	print_message("kill test: %u killed, %u completed, %u restores found no snapshot\n",
		      killed, completed, no_file);
	assert_true(killed >= KILL_RUNS / 2);
	free(before);
	vxoff_tune_plan_free(p);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_restore_4),
		cmocka_unit_test(test_apply_restore_64),
		cmocka_unit_test(test_apply_restore_256),
		cmocka_unit_test(test_fault_injection),
		cmocka_unit_test(test_readback_mismatch),
		cmocka_unit_test(test_profiles_4),
		cmocka_unit_test(test_profiles_256),
		cmocka_unit_test(test_kill_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
