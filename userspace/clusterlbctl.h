/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared state of one clusterlbctl run: global options, exit codes, the
 * argument cursor every object parser uses, and the object entry points.
 */
#ifndef CLUSTERLBCTL_H
#define CLUSTERLBCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lb.h"

/* Exit codes (documented in clusterlbctl.8, EXIT STATUS). */
#define EXIT_OK		0	/* done */
#define EXIT_KERNEL	1	/* the kernel (or sysfs) refused, or is missing */
#define EXIT_USAGE	2	/* bad command line or input file */

/* Returned by object parsers when "help" was asked for. */
#define PARSE_HELP	1

struct cli_opts {
	bool json;
	bool pretty;
	bool force;		/* -batch: go on after a failed line */
	bool debug;		/* dump netlink messages to stderr */
	const char *netns;	/* -n NAME: run in /run/netns/NAME */
	int batch_line;		/* line being run by -batch/restore, or 0 */
};
extern struct cli_opts cli;

/* Argument cursor: the words left of the command line. */
struct args {
	int argc;
	char **argv;
};

static inline const char *arg_peek(const struct args *a)
{
	return a->argc > 0 ? a->argv[0] : NULL;
}

static inline const char *arg_next(struct args *a)
{
	if (a->argc <= 0)
		return NULL;
	a->argc--;
	return *a->argv++;
}

/* Print "Error: ..." (with the batch line when there is one); EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with the message of the last failed parse_* call. */
int usage_error_parse(void);
/* Print "Error: ..." for a non-usage failure; returns EXIT_KERNEL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run one command line (OBJECT COMMAND ...); shared by main and -batch. */
int cli_run(int argc, char **argv);

/* Objects. Each do_* returns an exit code; *_usage prints its help. */
int do_service(struct args *a);
int do_member(struct args *a);
int do_show(struct args *a);
int do_conn(struct args *a);
int do_monitor(struct args *a);
int do_flush(struct args *a);
int do_save(struct args *a);
int do_restore(struct args *a);
int do_power(struct args *a);
int do_poweroff(struct args *a);
int do_clusterctrl(struct args *a);
/* argv[0] is "clusterctrl" or "clusterhat": the vendor tool's grammar. */
int clusterctrl_main(int argc, char **argv);
int do_batch(const char *file);

void service_usage(FILE *f);
void member_usage(FILE *f);
void show_usage(FILE *f);
void conn_usage(FILE *f);
void monitor_usage(FILE *f);
void batch_usage(FILE *f);
void power_usage(FILE *f);
void poweroff_usage(FILE *f);

/*
 * Parse the words after "service" / "member" (COMMAND ARGS) into op without
 * touching netlink: 0, -1 (parse_error_msg() says why) or PARSE_HELP.
 */
int service_parse(struct args *a, struct lb_op *op);
int member_parse(struct args *a, struct lb_op *op);
/* Parse "PROTO ADDR:PORT" into key (shared by service, member, show, conn). */
int parse_svc_key(struct args *a, struct lb_svc_key *key);

/* Object as command-line arguments (inverse of the parsers); 512 bytes do. */
#define LB_LINE_MAX 512
const char *service_format(const struct lb_service *s, char *buf, size_t len);
const char *member_format(const struct lb_member *m, char *buf, size_t len);

/* Print one object through output.h (JSON object or a text line). */
void print_service_obj(const struct lb_service *s);
void print_member_obj(const struct lb_member *m);
void print_svc_key_obj(const struct lb_svc_key *k);

/* Send one parsed op to the kernel: EXIT_OK or EXIT_KERNEL. */
int op_apply(const struct lb_op *op);

#endif
