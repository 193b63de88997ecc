/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * lib/bench/cpu.c: whole-system CPU per CPU from /proc/stat and this process's own CPU, sampled
 * at both edges of the measured window and subtracted.
 *
 * The "cpuN" rows are in USER_HZ ticks (sysconf(_SC_CLK_TCK)); a CPU that went offline or came
 * online inside the window is left out (it is in only one sample), and a counter that went
 * backwards (a CPU hot-replugged, an iowait quirk) counts 0 rather than wrapping.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench/bench_internal.h"

static int cmp_row(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct row {
	uint32_t id;
	struct vxoff__cpu_ticks t;
};

static int cmp_rows(const void *a, const void *b)
{
	return cmp_row(&((const struct row *)a)->id, &((const struct row *)b)->id);
}

/* "cpuN user nice system idle [iowait irq softirq steal ...]": 1 when it is such a row. */
static int parse_row(const char *line, struct row *r)
{
	unsigned long long v[8] = { 0 };
	unsigned long id;
	const char *p;
	char *end;
	int n = 0;

	if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9')
		return 0; /* the "cpu " total, or another line */
	errno = 0;
	id = strtoul(line + 3, &end, 10);
	if (errno || (*end != ' ' && *end != '\t'))
		return -EPROTO;
	if (id >= VXOFF__BENCH_MAX_CPUS)
		return -ERANGE;
	for (p = end; n < 8; n++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			break;
		errno = 0;
		v[n] = strtoull(p, &end, 10);
		if (errno)
			return -EPROTO;
		p = end;
	}
	if (n < 4) /* kernels before 2.5.41 had four fields; fewer is not /proc/stat */
		return -EPROTO;
	r->id = (uint32_t)id;
	r->t = (struct vxoff__cpu_ticks){ v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] };
	return 1;
}

static int read_stat(const char *procfs_root, struct row **rows_ret, uint32_t *n_ret)
{
	char path[4096];
	struct row *rows = NULL;
	uint32_t n = 0, cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	FILE *f;
	int r = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/stat", procfs_root ? procfs_root : "/proc") >=
	    sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &linecap, f) > 0) {
		struct row row;

		r = parse_row(line, &row);
		if (r < 0)
			break;
		if (r == 0)
			continue;
		if (n >= VXOFF__BENCH_MAX_CPUS) {
			r = -E2BIG;
			break;
		}
		struct row *g = vxoff__grow(rows, &cap, n, sizeof(*rows));

		if (!g) {
			r = -ENOMEM;
			break;
		}
		rows = g;
		rows[n++] = row;
		r = 0;
	}
	if (r == 0 && ferror(f))
		r = -EIO;
	free(line);
	fclose(f);
	if (r == 0 && n == 0)
		r = -ENODATA; /* no cpuN row: not a /proc/stat */
	if (r < 0) {
		free(rows);
		return r;
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);
	for (uint32_t i = 1; i < n; i++)
		if (rows[i].id == rows[i - 1].id) {
			free(rows);
			return -EPROTO;
		}
	*rows_ret = rows;
	*n_ret = n;
	return 0;
}

int vxoff__cpu_sample_read(const char *procfs_root, struct vxoff__cpu_sample *s)
{
	struct row *rows = NULL;
	struct rusage ru;
	uint32_t n = 0;
	int r;

	memset(s, 0, sizeof(*s));
	/* the process figures first, /proc/stat last: its read costs us CPU too */
	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return -errno;
	r = read_stat(procfs_root, &rows, &n);
	if (r < 0)
		return r;
	s->mono_ns = vxoff__mono_ns();
	/* n >= 1: read_stat() refuses a file without CPUs */
	s->ids = calloc(n ? n : 1, sizeof(*s->ids));
	s->ticks = calloc(n ? n : 1, sizeof(*s->ticks));
	if (!s->ids || !s->ticks) {
		free(rows);
		vxoff__cpu_sample_free(s);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		s->ids[i] = rows[i].id;
		s->ticks[i] = rows[i].t;
	}
	s->ncpus = n;
	free(rows);
	s->proc_user_us = (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec;
	s->proc_system_us =
		(uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
	return 0;
}

void vxoff__cpu_sample_free(struct vxoff__cpu_sample *s)
{
	if (!s)
		return;
	free(s->ids);
	free(s->ticks);
	s->ids = NULL;
	s->ticks = NULL;
	s->ncpus = 0;
}

static uint64_t sub0(uint64_t end, uint64_t start)
{
	return end > start ? end - start : 0;
}

int vxoff__cpu_window_diff(const struct vxoff__cpu_sample *start,
			   const struct vxoff__cpu_sample *end, struct vxoff__cpu_window *w)
{
	uint32_t cap = start->ncpus < end->ncpus ? start->ncpus : end->ncpus, i = 0, j = 0, n = 0;
	long hz = sysconf(_SC_CLK_TCK);

	memset(w, 0, sizeof(*w));
	if (hz <= 0)
		return -EINVAL;
	if (cap) {
		w->ids = calloc(cap, sizeof(*w->ids));
		w->delta = calloc(cap, sizeof(*w->delta));
		if (!w->ids || !w->delta) {
			vxoff__cpu_window_free(w);
			return -ENOMEM;
		}
	}
	/* both id lists ascend: a merge keeps the CPUs present in both */
	while (i < start->ncpus && j < end->ncpus) {
		const struct vxoff__cpu_ticks *a = &start->ticks[i], *b = &end->ticks[j];

		if (start->ids[i] < end->ids[j]) {
			i++;
			continue;
		}
		if (start->ids[i] > end->ids[j]) {
			j++;
			continue;
		}
		w->ids[n] = start->ids[i];
		w->delta[n] = (struct vxoff__cpu_ticks){
			.user = sub0(b->user, a->user),
			.nice = sub0(b->nice, a->nice),
			.system = sub0(b->system, a->system),
			.idle = sub0(b->idle, a->idle),
			.iowait = sub0(b->iowait, a->iowait),
			.irq = sub0(b->irq, a->irq),
			.softirq = sub0(b->softirq, a->softirq),
			.steal = sub0(b->steal, a->steal),
		};
		n++;
		i++;
		j++;
	}
	w->ncpus = n;
	w->hz = (uint32_t)hz;
	w->proc_user_us = sub0(end->proc_user_us, start->proc_user_us);
	w->proc_system_us = sub0(end->proc_system_us, start->proc_system_us);
	w->window_ns = sub0(end->mono_ns, start->mono_ns);
	return 0;
}

void vxoff__cpu_window_free(struct vxoff__cpu_window *w)
{
	if (!w)
		return;
	free(w->ids);
	free(w->delta);
	w->ids = NULL;
	w->delta = NULL;
	w->ncpus = 0;
}

double vxoff__cpu_window_busy(const struct vxoff__cpu_window *w)
{
	double ticks = 0, busy;

	if (!w || !w->hz || !w->window_ns || !w->ncpus)
		return 0;
	for (uint32_t i = 0; i < w->ncpus; i++) {
		const struct vxoff__cpu_ticks *t = &w->delta[i];

		/* steal is time this guest did not get; iowait and idle are not work */
		ticks += (double)t->user + (double)t->nice + (double)t->system + (double)t->irq +
			 (double)t->softirq;
	}
	busy = ticks / w->hz / ((double)w->window_ns / 1e9);
	/* tick granularity can overshoot a short window slightly */
	return busy > w->ncpus ? (double)w->ncpus : busy;
}
