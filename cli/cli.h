/* SPDX-License-Identifier: LGPL-2.1-only OR BSD-2-Clause */
/* The vxoff command: what the dispatcher (vxoff.c) and every subcommand share. */
#ifndef VXOFF_CLI_H
#define VXOFF_CLI_H

#include <vxoff/vxoff.h>

/* Exit statuses of every command. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1	 /* the library or the system refused: the message says why */
#define CLI_EXIT_USAGE 2 /* bad command line */

/*
 * A subcommand. argv[0] is its name; getopt is reset for it. Returns the exit status; prints
 * its own output and errors.
 */
int cmd_probe(int argc, char **argv);
int cmd_tunnel(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_lab(int argc, char **argv);
/* vxoff tune search (search_cmd.c); the tune dispatcher hands "search" to it. */
int cmd_tune_search(int argc, char **argv);

/* Print the subcommand's usage line to stderr and return CLI_EXIT_USAGE. */
int cli_usage_error(const char *synopsis, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The usage error of getopt_long() (optstring starting with ':', opterr 0) returning c: ':'
 * names the option that needs an argument, anything else the unknown option. cmd names the
 * subcommand ("bench server").
 */
int cli_getopt_error(const char *synopsis, const char *cmd, int c, char **argv);

/*
 * A context in network namespace netns (NULL: ours). On failure print the library's reason
 * and return NULL.
 */
struct vxoff_ctx *cli_ctx_new(const char *netns);

/*
 * Print "vxoff: <ctx's last error>" (with the kernel's extack text) to stderr; err is what
 * the failed call returned, used when ctx has no message. Returns CLI_EXIT_FAIL.
 */
int cli_error(struct vxoff_ctx *ctx, int err);

/* Print "vxoff: <what>: <strerror(-err)>" for failures outside a context. */
int cli_errno(const char *what, int err);

/* Print s to stdout, shifted right by pad spaces after each newline: a pretty JSON object
 * of the library (json-c's two spaces a level) nested inside a document the command writes. */
void cli_put_shifted(const char *s, int pad);

/* Print s as a JSON string literal (quotes, backslashes and control characters escaped):
 * names a command prints itself, such as interface names, may hold any of them. */
void cli_put_json_string(const char *s);

/* Flush stdout and report a failed write (a closed pipe, a full disk). */
int cli_finish_output(int status);

#endif /* VXOFF_CLI_H */
