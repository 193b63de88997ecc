/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* Small text files of sysfs and procfs. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

ssize_t vxoff__read_fileat(int dirfd, const char *path, char *buf, size_t cap)
{
	size_t total = 0;
	ssize_t n;
	int fd;

	if (cap == 0)
		return -EINVAL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (total < cap - 1) {
		n = read(fd, buf + total, cap - 1 - total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		/* sysfs hands out a whole value ending in a newline: no need to read for EOF */
		if (buf[total - 1] == '\n')
			break;
	}
	close(fd);
	buf[total] = '\0';
	while (total > 0 && (buf[total - 1] == '\n' || buf[total - 1] == ' '))
		buf[--total] = '\0';
	return (ssize_t)total;
}

ssize_t vxoff__read_file(const char *path, char *buf, size_t cap)
{
	return vxoff__read_fileat(AT_FDCWD, path, buf, cap);
}

int vxoff__read_u64(const char *path, uint64_t *ret)
{
	char buf[64], *end;
	unsigned long long v;
	ssize_t n = vxoff__read_file(path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	/* n > 0: read() filled buf (the analyser takes a failed openat's -errno for maybe >= 0) */
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	if (n == 0 || buf[0] == '-')
		return -EPROTO;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || *end)
		return -EPROTO;
	*ret = v;
	return 0;
}
