/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * bench_probe - where the time of `vxoff probe --all` goes, inside the library.
 *
 *   bench_probe [-n NETNS] [-r RUNS] [-s SUBSET] [-j]
 *   bench_probe -t -- COMMAND [ARG...]
 *
 * Library mode: for each item subset, RUNS times (interleaved across subsets, with an untimed
 * 200 ms pause after each run that read sysfs, so that the RCU freeing of its private sysfs
 * mount is not charged to the next subset): a fresh context
 * (vxoff_ctx_new) and vxoff_probe_all(), timed together ("probe"), then vxoff_devlist_json() on
 * the result ("json"). No process start, no output writing. Prints wall-clock median and
 * min-max in ms, the CPU time (user + system, every thread) median, and each item's cost as
 * its subset minus the link-only subset (every subset includes the link dump). Ends with the
 * peak RSS of this process (VmHWM) and the device count. -s runs one subset (e.g. for perf
 * record), -j times the JSON of every subset, not only of "all".
 *
 * Command mode (-t): run COMMAND once, stdout to /dev/null, and print
 * "<wall ms> <cpu ms> <maxrss KiB> <exit status>": CPU = user + system of it and every
 * descendant it waited for, maxrss = the largest of them (what GNU time's %M reports), both
 * from wait4() with microsecond resolution (GNU time prints 10 ms steps).
 *
 * Not a test: it asserts nothing about speed; it fails only when a probe fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <vxoff/vxoff.h>

#define BIT(i) (1u << (i))
#define MAX_RUNS 101

struct subset {
	const char *name;
	uint32_t items; /* 0 = every item */
	const char *what;
};

static const struct subset subsets[] = {
	{"link", BIT(VXOFF_ITEM_LINK), "rtnetlink link dump only"},
	{"drvinfo", BIT(VXOFF_ITEM_DRVINFO), "+ SIOCETHTOOL GDRVINFO per device"},
	{"features", BIT(VXOFF_ITEM_FEATURES), "+ ethtool FEATURES dump (and strset)"},
	{"channels", BIT(VXOFF_ITEM_CHANNELS), "+ ethtool CHANNELS dump"},
	{"rings", BIT(VXOFF_ITEM_RINGS), "+ ethtool RINGS dump"},
	{"coalesce", BIT(VXOFF_ITEM_COALESCE), "+ ethtool COALESCE dump"},
	{"rss", BIT(VXOFF_ITEM_RSS), "+ ethtool RSS dump"},
	{"tunnel_ports", BIT(VXOFF_ITEM_TUNNEL_PORTS), "+ ethtool TUNNEL_INFO dump"},
	{"queues", BIT(VXOFF_ITEM_QUEUES), "+ netdev QUEUE/NAPI dumps"},
	{"sysfs", BIT(VXOFF_ITEM_SYSFS), "+ sysfs RPS/XPS/NAPI files"},
	{"vxlan", BIT(VXOFF_ITEM_VXLAN), "+ verdict (implies features)"},
	{"restricted",
	 BIT(VXOFF_ITEM_LINK) | BIT(VXOFF_ITEM_FEATURES) | BIT(VXOFF_ITEM_TUNNEL_PORTS) |
		 BIT(VXOFF_ITEM_VXLAN),
	 "link + features + tunnel_ports + verdict"},
	{"no-sysfs", ((1u << VXOFF_ITEM_COUNT) - 1) & ~BIT(VXOFF_ITEM_SYSFS),
	 "every item but sysfs"},
	{"all", 0, "every item (the CLI's default)"},
};

#define NSUBSETS (sizeof(subsets) / sizeof(subsets[0]))

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double tv_ms(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
}

/* CPU time (user + system) of every thread of this process so far. */
static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double med, min, max;
};

static struct stat3 stats(double *v, int n)
{
	struct stat3 s;

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

static long vmhwm_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

struct sample {
	double probe, probe_cpu, json, json_cpu;
};

/* One run of one subset. */
static int run_once(const char *netns, uint32_t items, bool json, struct sample *s, uint32_t *ndev)
{
	VXOFF_OPTS(vxoff_ctx_opts, co, .netns = netns);
	VXOFF_OPTS(vxoff_probe_opts, po, .items = items);
	struct vxoff_ctx *ctx = NULL;
	struct vxoff_devlist *list = NULL;
	char err[512];
	char *doc = NULL;
	double t0, t1, t2, c0, c1, c2;
	int rc;

	t0 = now_ms();
	c0 = cpu_ms();
	rc = vxoff_ctx_new_err(&co, &ctx, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "bench_probe: vxoff_ctx_new: %s\n", err);
		return rc;
	}
	rc = vxoff_probe_all(ctx, &po, &list);
	t1 = now_ms();
	c1 = cpu_ms();
	if (rc < 0) {
		VXOFF_OUT(vxoff_error, e);

		vxoff_ctx_last_error(ctx, &e);
		fprintf(stderr, "bench_probe: vxoff_probe_all: %d %s\n", rc, e.msg ? e.msg : "");
		vxoff_ctx_free(ctx);
		return rc;
	}
	*ndev = vxoff_devlist_count(list);
	t2 = t1;
	c2 = c1;
	if (json) {
		rc = vxoff_devlist_json(list, 0, &doc);
		t2 = now_ms();
		c2 = cpu_ms();
		if (rc < 0)
			fprintf(stderr, "bench_probe: vxoff_devlist_json: %d\n", rc);
		vxoff_free(doc);
	}
	vxoff_devlist_free(list);
	vxoff_ctx_free(ctx);
	s->probe = t1 - t0;
	s->probe_cpu = c1 - c0;
	s->json = t2 - t1;
	s->json_cpu = c2 - c1;
	return rc < 0 ? rc : 0;
}

/* -t: run a command, report wall, CPU (with waited-for descendants) and peak RSS. */
static int time_command(char **argv)
{
	struct rusage ru;
	double t0, t1;
	int st, fd;
	pid_t pid;

	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("bench_probe: fork");
		return 1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("bench_probe: wait4");
		return 1;
	}
	t1 = now_ms();
	printf("%.3f %.3f %ld %d\n", t1 - t0, tv_ms(&ru.ru_utime) + tv_ms(&ru.ru_stime),
	       ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_probe [-n NETNS] [-r RUNS] [-s SUBSET] [-j]\n"
		"       bench_probe -t -- COMMAND [ARG...]\n"
		"  -j  also time vxoff_devlist_json() for every subset (default: 'all' only)\n"
		"subsets:");
	for (size_t i = 0; i < NSUBSETS; i++)
		fprintf(stderr, " %s", subsets[i].name);
	fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *only = NULL;
	int runs = 5, opt;
	bool json_all = false, time_cmd = false;
	double base = -1, base_cpu = -1;
	uint32_t ndev = 0;
	static struct sample smp[NSUBSETS][MAX_RUNS];

	while ((opt = getopt(argc, argv, "+n:r:s:jth")) != -1) {
		switch (opt) {
		case 'n':
			netns = optarg;
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 's':
			only = optarg;
			break;
		case 'j':
			json_all = true;
			break;
		case 't':
			time_cmd = true;
			break;
		default:
			usage();
			return opt == 'h' ? 0 : 2;
		}
	}
	if (time_cmd) {
		if (optind >= argc) {
			usage();
			return 2;
		}
		return time_command(argv + optind);
	}
	if (runs < 1 || runs > MAX_RUNS) {
		usage();
		return 2;
	}
	printf("libvxoff %s, namespace %s, %d runs per subset, interleaved, fresh context each\n",
	       vxoff_version_string(), netns ? netns : "(current)", runs);
	printf("%-12s %8s %17s %8s %8s %8s %8s  %s\n", "subset", "wall ms", "(min-max)", "cpu ms",
	       "item ms", "item cpu", "json ms", "what");
	/* one unmeasured run per subset (family ids, page cache, allocator), then the runs
	 * interleaved across subsets so that noise hits every subset alike */
	for (size_t s = 0; s < NSUBSETS; s++) {
		struct sample x;

		if (only && strcmp(only, subsets[s].name))
			continue;
		if (run_once(netns, subsets[s].items, false, &x, &ndev) < 0)
			return 1;
	}
	for (int r = 0; r < runs; r++)
		for (size_t s = 0; s < NSUBSETS; s++) {
			bool json = json_all || subsets[s].items == 0;

			if (only && strcmp(only, subsets[s].name))
				continue;
			if (run_once(netns, subsets[s].items, json, &smp[s][r], &ndev) < 0)
				return 1;
			/* the sysfs item's private mount is torn down after the run: thousands of
			 * kernfs dentries and inodes freed by RCU callbacks, which would otherwise
			 * run (and be timed) inside the next subset; let them drain, untimed */
			if (!subsets[s].items || (subsets[s].items & BIT(VXOFF_ITEM_SYSFS)))
				usleep(200 * 1000);
		}
	for (size_t s = 0; s < NSUBSETS; s++) {
		bool json = json_all || subsets[s].items == 0;
		double wp[MAX_RUNS], cp[MAX_RUNS], wj[MAX_RUNS];
		struct stat3 sp, sc, sj;

		if (only && strcmp(only, subsets[s].name))
			continue;
		for (int r = 0; r < runs; r++) {
			wp[r] = smp[s][r].probe;
			cp[r] = smp[s][r].probe_cpu;
			wj[r] = smp[s][r].json;
		}
		sp = stats(wp, runs);
		sc = stats(cp, runs);
		sj = stats(wj, runs);
		if (s == 0) {
			base = sp.med;
			base_cpu = sc.med;
		}
		printf("%-12s %8.2f (%6.2f - %6.2f) %8.2f ", subsets[s].name, sp.med, sp.min,
		       sp.max, sc.med);
		if (s > 0 && base >= 0 && subsets[s].items)
			printf("%8.2f %8.2f ", sp.med - base, sc.med - base_cpu);
		else
			printf("%8s %8s ", "-", "-");
		if (json)
			printf("%8.2f  ", sj.med);
		else
			printf("%8s  ", "-");
		printf("%s\n", subsets[s].what);
	}
	printf("devices: %u, peak RSS (VmHWM): %ld KiB\n", ndev, vmhwm_kib());
	return 0;
}
