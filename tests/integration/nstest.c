/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Helpers of the integration tests: see nstest.h. */
#include "nstest.h"

#include <dirent.h>
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

extern char **environ;

#define NETNS_DIR "/run/netns"
#define MAX_NS 8

/* Namespaces this process created and still owns; read by the signal handler. */
static char owned[MAX_NS][64];
static volatile sig_atomic_t nowned;
static pid_t owner_pid;
static bool handlers_installed;

static char *xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "nstest: out of memory\n");
		abort();
	}
	return s;
}

static void buf_append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap ? *cap : 4096;

		while (*len + n + 1 > c)
			c *= 2;
		*buf = realloc(*buf, c);
		if (!*buf)
			abort();
		*cap = c;
	}
	memcpy(*buf + *len, p, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static int spawn_sh(struct nt_run *r, const char *cmd)
{
	int po[2], pe[2], st;
	posix_spawn_file_actions_t fa;
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	size_t lo = 0, co = 0, le = 0, ce = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	buf_append(&r->out, &lo, &co, "", 0);
	buf_append(&r->err, &le, &ce, "", 0);
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	if (posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (pid > 0) {
		struct pollfd pfd[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
		int open_fds = 2;

		while (open_fds) {
			char tmp[8192];

			if (poll(pfd, 2, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (int i = 0; i < 2; i++) {
				ssize_t n;

				if (pfd[i].fd < 0 || !pfd[i].revents)
					continue;
				n = read(pfd[i].fd, tmp, sizeof(tmp));
				if (n > 0) {
					if (i == 0)
						buf_append(&r->out, &lo, &co, tmp, (size_t)n);
					else
						buf_append(&r->err, &le, &ce, tmp, (size_t)n);
				} else if (n == 0 || errno != EINTR) {
					pfd[i].fd = -1;
					open_fds--;
				}
			}
		}
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st))
			r->status = WEXITSTATUS(st);
		else if (WIFSIGNALED(st))
			r->status = 128 + WTERMSIG(st);
	}
	close(po[0]);
	close(pe[0]);
	return r->status;
}

int nt_sh(struct nt_run *r, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	st = spawn_sh(r, cmd);
	free(cmd);
	return st;
}

void nt_run_free(struct nt_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int nt_sh_quiet(const char *fmt, ...)
{
	struct nt_run r;
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	st = spawn_sh(&r, cmd);
	if (st != 0)
		fprintf(stderr, "nstest: '%s' exited %d: %s%s", cmd, st, r.err,
			*r.err && r.err[strlen(r.err) - 1] == '\n' ? "" : "\n");
	nt_run_free(&r);
	free(cmd);
	return st;
}

int nt_sh_feature(const char **skip, const char *why, const char *fmt, ...)
{
	static char msg[512];
	struct nt_run r;
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	st = spawn_sh(&r, cmd);
	if (st != 0) {
		snprintf(msg, sizeof(msg), "%s: %s", why, r.err);
		msg[strcspn(msg, "\n")] = '\0';
		*skip = msg;
	}
	nt_run_free(&r);
	free(cmd);
	return st;
}

static bool has_cap(const char *capeff_hex, unsigned bit)
{
	unsigned long long v = strtoull(capeff_hex, NULL, 16);

	return (v >> bit) & 1;
}

const char *nt_precondition(void)
{
	static char why[256];
	char line[256];
	FILE *f;
	bool net_admin = false, sys_admin = false;
	struct nt_run r;
	struct json_object *j;

	if (geteuid() != 0)
		return "not root: the integration tests create network namespaces and devices";
	f = fopen("/proc/self/status", "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "CapEff:", 7)) {
				net_admin = has_cap(line + 7, 12); /* CAP_NET_ADMIN */
				sys_admin = has_cap(line + 7, 21); /* CAP_SYS_ADMIN */
			}
		fclose(f);
	}
	if (!net_admin)
		return "no CAP_NET_ADMIN: cannot create devices";
	if (!sys_admin)
		return "no CAP_SYS_ADMIN: cannot create or enter network namespaces";
	if (nt_sh(&r, "command -v ip && command -v ethtool") != 0) {
		nt_run_free(&r);
		return "the ip (iproute2) or ethtool command is missing";
	}
	nt_run_free(&r);
	j = nt_sh(&r, "ip -j link show lo") == 0 ? json_tokener_parse(r.out) : NULL;
	if (!j) {
		snprintf(why, sizeof(why), "this ip cannot print JSON (ip -j): %s", r.err);
		nt_run_free(&r);
		return why;
	}
	json_object_put(j);
	nt_run_free(&r);
	return NULL;
}

/* Async-signal-safe removal: what `ip netns del` does (detach the bind mount, unlink). */
const char *nt_cli_precondition(const char **cli)
{
	*cli = getenv("VXOFF_CLI");
	if (!*cli || access(*cli, X_OK) != 0)
		return "VXOFF_CLI does not name the vxoff binary (run through ctest)";
	return nt_precondition();
}

int nt_exit_status(int failed, const char *skip)
{
	if (skip && !failed) {
		printf("SKIPPED: %s\n", skip);
		return 77;
	}
	return failed ? 1 : 0;
}

static void remove_owned(void)
{
	char path[sizeof(NETNS_DIR) + 1 + 64];

	if (getpid() != owner_pid)
		return; /* a forked child never removes its parent's namespaces */
	for (int i = 0; i < nowned; i++) {
		if (!owned[i][0])
			continue;
		memcpy(path, NETNS_DIR "/", sizeof(NETNS_DIR));
		memcpy(path + sizeof(NETNS_DIR), owned[i], sizeof(owned[i]));
		umount2(path, MNT_DETACH);
		unlink(path);
		owned[i][0] = '\0';
	}
}

static void on_signal(int sig)
{
	remove_owned();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_exit_cleanup(void)
{
	if (getpid() != owner_pid)
		return;
	for (int i = 0; i < nowned; i++)
		if (owned[i][0]) {
			fprintf(stderr, "nstest: removing namespace %s at exit\n", owned[i]);
			nt_sh_quiet("ip netns del %s", owned[i]);
			owned[i][0] = '\0';
		}
	remove_owned();
}

/*
 * Sanitizer runtimes end a process with _exit() after a report: no atexit, no signal. Each
 * runtime (gcc loads libasan and libubsan side by side, each with its own) calls a death
 * callback first: register ours with every loaded runtime that has the hook.
 */
typedef void (*set_death_cb_fn)(void (*cb)(void));

static int hook_sanitizer(struct dl_phdr_info *info, size_t size, void *data)
{
	void *h;
	set_death_cb_fn set;

	(void)size;
	(void)data;
	if (!info->dlpi_name || !strstr(info->dlpi_name, "san"))
		return 0;
	h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
	if (!h)
		return 0;
	*(void **)&set = dlsym(h, "__sanitizer_set_death_callback");
	if (set)
		set(remove_owned);
	dlclose(h);
	return 0;
}

static void install_handlers(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGALRM};
	struct sigaction sa;

	if (handlers_installed)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	owner_pid = getpid();
	atexit(on_exit_cleanup);
	dl_iterate_phdr(hook_sanitizer, NULL);
	handlers_installed = true;
}

/* Remove vxoff-t<pid>-* namespaces whose process is gone (a test killed by SIGKILL). */
static void sweep_stale(void)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int pid, n = 0;

		if (sscanf(e->d_name, "vxoff-t%d-%n", &pid, &n) != 1 || !n || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		fprintf(stderr, "nstest: removing stale namespace %s (process %d is gone)\n",
			e->d_name, pid);
		nt_sh_quiet("ip netns del %s", e->d_name);
	}
	closedir(d);
}

int nt_ns_create(const char *suffix, char name[64])
{
	int slot = -1;

	install_handlers();
	sweep_stale();
	snprintf(name, 64, "vxoff-t%d-%s", (int)getpid(), suffix);
	for (int i = 0; i < nowned; i++)
		if (!owned[i][0])
			slot = i;
	if (slot < 0) {
		if (nowned == MAX_NS) {
			fprintf(stderr, "nstest: too many namespaces\n");
			return -1;
		}
		slot = nowned;
	}
	/* registered before it exists, so a signal during creation still removes it */
	snprintf(owned[slot], sizeof(owned[slot]), "%s", name);
	if (slot == nowned)
		nowned++;
	if (nt_sh_quiet("ip netns add %s", name) != 0) {
		owned[slot][0] = '\0';
		return -1;
	}
	return 0;
}

bool nt_ns_listed(const char *name)
{
	struct nt_run r;
	bool found = false;
	char *save = NULL;

	nt_sh(&r, "ip netns list");
	for (char *l = strtok_r(r.out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(name);

		/* "name" or "name (id: 3)" */
		if (!strncmp(l, name, n) && (l[n] == '\0' || l[n] == ' '))
			found = true;
	}
	nt_run_free(&r);
	return found;
}

int nt_ns_delete(const char *name)
{
	int st = nt_sh_quiet("ip netns del %s", name);

	for (int i = 0; i < nowned; i++)
		if (!strcmp(owned[i], name))
			owned[i][0] = '\0';
	if (nt_ns_listed(name)) {
		fprintf(stderr, "nstest: namespace %s is still listed after ip netns del (%d)\n",
			name, st);
		return -1;
	}
	return 0;
}

struct json_object *nt_ip_links(const char *ns)
{
	struct nt_run r;
	struct json_object *o;

	if (nt_sh(&r, "ip -n %s -j -d link show", ns) != 0) {
		fprintf(stderr, "nstest: ip -n %s -j -d link show: %s", ns, r.err);
		nt_run_free(&r);
		return NULL;
	}
	o = json_tokener_parse(r.out);
	if (!o || !json_object_is_type(o, json_type_array)) {
		fprintf(stderr, "nstest: ip -j output is not a JSON array\n");
		json_object_put(o);
		o = NULL;
	}
	nt_run_free(&r);
	return o;
}

struct json_object *nt_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *nt_get_str(struct json_object *o, const char *key)
{
	struct json_object *v = nt_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool nt_get_u32(struct json_object *o, const char *key, unsigned *ret)
{
	struct json_object *v = nt_get(o, key);

	if (!v || !json_object_is_type(v, json_type_int))
		return false;
	*ret = (unsigned)json_object_get_int64(v);
	return true;
}

struct json_object *nt_ip_link_by_name(struct json_object *links, const char *ifname)
{
	size_t n = links ? json_object_array_length(links) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *l = json_object_array_get_idx(links, i);
		const char *s = nt_get_str(l, "ifname");

		if (s && !strcmp(s, ifname))
			return l;
	}
	return NULL;
}

unsigned nt_ip_ifindex(struct json_object *links, const char *ifname)
{
	unsigned idx = 0;

	nt_get_u32(nt_ip_link_by_name(links, ifname), "ifindex", &idx);
	return idx;
}

bool nt_contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle);
}
