/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/*
 * vxoff - command-line front end of libvxoff.
 *
 * This file only dispatches: each command lives in its own cli/<name>_cmd.c and is one row of
 * the table below. The commands use the installed API alone, so everything they print is
 * something a library user can get too.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
	const char *summary;
};

/* One line per command; the lab, the main job, first in spirit but last in the list. */
static const struct command commands[] = {
	{"probe", cmd_probe, "[-n NETNS] [-j] [-p] [-i ITEMS] [IFACE... | --all]",
	 "offload capabilities and VXLAN readiness of devices"},
	{"tunnel", cmd_tunnel,
	 "[-n NETNS] { add | change | replace | del | show | fdb | addr | help } ...",
	 "create, change, delete and show VXLAN devices (iproute2's keywords)"},
	{"bench", cmd_bench, "{ server | client HOST | compare } ...",
	 "throughput and CPU cost per byte on both ends, plain vs VXLAN"},
	{"tune", cmd_tune, "{ show | plan | apply | restore } ...",
	 "steering and affinity: plan, apply, verify and restore exactly"},
	{"lab", cmd_lab, "[--quick] [--mtu N] [--profile P] [--no-tune] [--cleanup] ...",
	 "testbed, plain vs VXLAN, tune, re-measure, restore, report"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: vxoff [--version] [--help] COMMAND [ARGS...]\n\nCommands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s %s\n      %s\n", commands[i].name, commands[i].args,
			commands[i].summary);
	fputs("\n'vxoff COMMAND --help' describes a command.\n", f);
}

int cli_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs("vxoff: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "Usage: %s\n", synopsis);
	return CLI_EXIT_USAGE;
}

int cli_getopt_error(const char *synopsis, const char *cmd, int c, char **argv)
{
	if (c == ':')
		return cli_usage_error(synopsis, "%s: %s needs an argument", cmd, argv[optind - 1]);
	if (optopt)
		return cli_usage_error(synopsis, "%s: unknown option -%c", cmd, optopt);
	return cli_usage_error(synopsis, "%s: unknown option %s", cmd, argv[optind - 1]);
}

struct vxoff_ctx *cli_ctx_new(const char *netns)
{
	VXOFF_OPTS(vxoff_ctx_opts, o, .netns = netns);
	struct vxoff_ctx *ctx = NULL;
	char msg[512] = "";
	int r;

	r = vxoff_ctx_new_err(&o, &ctx, msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "vxoff: %s\n", msg[0] ? msg : strerror(-r));
		return NULL;
	}
	return ctx;
}

int cli_error(struct vxoff_ctx *ctx, int err)
{
	VXOFF_OUT(vxoff_error, e);

	if (!ctx || vxoff_ctx_last_error(ctx, &e) < 0 || !e.err || !e.msg)
		return cli_errno(NULL, err);
	fprintf(stderr, "vxoff: %s", e.msg);
	/* the core folds the extack text into msg; print it if some path did not */
	if (e.kernel_msg && !strstr(e.msg, e.kernel_msg))
		fprintf(stderr, "; kernel says: %s", e.kernel_msg);
	fputc('\n', stderr);
	return CLI_EXIT_FAIL;
}

int cli_errno(const char *what, int err)
{
	if (what)
		fprintf(stderr, "vxoff: %s: %s\n", what, strerror(err < 0 ? -err : err));
	else
		fprintf(stderr, "vxoff: %s\n", strerror(err < 0 ? -err : err));
	return CLI_EXIT_FAIL;
}

void cli_put_shifted(const char *s, int pad)
{
	for (const char *nl; pad && (nl = strchr(s, '\n')); s = nl + 1)
		printf("%.*s\n%*s", (int)(nl - s), s, pad, "");
	fputs(s, stdout);
}

void cli_put_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int cli_finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		fprintf(stderr, "vxoff: writing the output: %s\n", strerror(e ? e : EIO));
		return CLI_EXIT_FAIL;
	}
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *name;
	int c, first;

	/* "+": stop at the command, its options are its own */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return cli_finish_output(CLI_EXIT_OK);
		case 'V':
			/* the library actually loaded, which may be newer than our headers */
			printf("vxoff %s (libvxoff %s)\n", VXOFF_VERSION_STRING,
			       vxoff_version_string());
			return cli_finish_output(CLI_EXIT_OK);
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	first = optind;
	name = argv[first];
	if (!strcmp(name, "help")) {
		usage(stdout);
		return cli_finish_output(CLI_EXIT_OK);
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(name, commands[i].name))
			continue;
		optind = 0; /* glibc: 0 re-initialises getopt for the command's own argv */
		return commands[i].run(argc - first, argv + first);
	}
	fprintf(stderr, "vxoff: unknown command '%s'\n", name);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
