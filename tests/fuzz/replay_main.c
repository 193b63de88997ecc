/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * Replays fuzz inputs without libFuzzer: each argument is a file or a folder of files, each
 * fed once to LLVMFuzzerTestOneInput(). A missing folder is skipped (git keeps no empty
 * folders); a crash, sanitizer report or harness abort fails the test.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *b = realloc(buf, cap ? cap * 2 : 4096);

			if (!b) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = b;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	/* an exact-size copy, so ASan sees reads past the input's end */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	unsigned long count = 0;
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		int n;

		if (!is_dir(argv[i])) {
			if (access(argv[i], F_OK) != 0) {
				printf("%s: absent, skipped\n", argv[i]);
				continue;
			}
			failed |= run_file(argv[i]) < 0;
			count++;
			continue;
		}
		n = scandir(argv[i], &ents, NULL, by_name);
		if (n < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		for (int k = 0; k < n; k++) {
			char path[4096];

			if (ents[k]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i], ents[k]->d_name);
				printf("replaying %s\n", path);
				fflush(stdout);
				failed |= run_file(path) < 0;
				count++;
			}
			free(ents[k]);
		}
		free(ents);
	}
	printf("%lu inputs replayed%s\n", count, failed ? ", some unreadable" : "");
	return failed;
}
