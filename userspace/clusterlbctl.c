// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl: configure the clusterlb load balancer.
 *
 *   clusterlbctl [OPTIONS] OBJECT { COMMAND | help }
 *
 * This file holds option parsing, the object table and top-level help.
 * Objects live in their own files (service.c, member.c, show.c, conn.c,
 * monitor.c, batch.c, power.c, poweroff.c, clusterctrl.c); netlink is in
 * nl.c and opened only when a command needs it, so "help" anywhere works
 * without the module. Run as "clusterctrl" (a symlink), it speaks the
 * vendor tool's grammar instead (clusterctrl.c).
 */
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterlbctl.h"
#include "nl.h"
#include "output.h"
#include "parse.h"

#ifndef CLUSTERLBCTL_VERSION
#define CLUSTERLBCTL_VERSION "unknown"
#endif

struct cli_opts cli;

static void line_prefix(void)
{
	if (cli.batch_line)
		fprintf(stderr, "line %d: ", cli.batch_line);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	line_prefix();
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int usage_error_parse(void)
{
	return usage_error("%s", parse_error_msg());
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	line_prefix();
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_KERNEL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       clusterlbctl [ -force ] -batch FILENAME\n"
		"where  OBJECT := { service | member | show | conn | monitor | flush |\n"
		"                   save | restore | power | poweroff | clusterctrl |\n"
		"                   help | version }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -V[ersion] | -n[etns] NAME |\n"
		"                    -force | -d[ebug] }\n"
		"\n"
		"Examples:\n"
		"  clusterlbctl service add tcp 192.168.1.10:80 sched wrr\n"
		"  clusterlbctl member add tcp 192.168.1.10:80 172.19.181.2:80 weight 3 dev usb2 slot p2\n"
		"  clusterlbctl show\n"
		"  clusterlbctl -j -p show\n"
		"  clusterlbctl power status\n"
		"  clusterlbctl poweroff all drain-timeout 2m grace 60 halt\n"
		"\n"
		"Run \"clusterlbctl OBJECT help\" for the commands of an object.\n");
}

static int do_help(struct args *a)
{
	(void)a;
	usage(stdout);
	return EXIT_OK;
}

static int do_version(struct args *a)
{
	(void)a;
	printf("clusterlbctl version %s\n", CLUSTERLBCTL_VERSION);
	return EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(struct args *a);
} objects[] = {
	{ "service",	do_service },
	{ "svc",	do_service },
	{ "member",	do_member },
	{ "show",	do_show },
	{ "list",	do_show },
	{ "conn",	do_conn },
	{ "monitor",	do_monitor },
	{ "flush",	do_flush },
	{ "save",	do_save },
	{ "restore",	do_restore },
	{ "power",	do_power },
	{ "poweroff",	do_poweroff },
	{ "clusterctrl", do_clusterctrl },
	{ "help",	do_help },
	{ "version",	do_version },
};

int cli_run(int argc, char **argv)
{
	struct args a = { argc - 1, argv + 1 };
	size_t i;

	if (argc < 1)
		return usage_error("missing object (try \"clusterlbctl help\")");
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (strcmp(argv[0], objects[i].name) == 0)
			return objects[i].fn(&a);
	return usage_error("unknown object \"%s\" (use service, member, show, conn, monitor, "
			   "flush, save, restore, power, poweroff, clusterctrl, help or version)", argv[0]);
}

/* Accept -x and --x spellings, and iproute2-style unique prefixes of long names. */
static bool opt_is(const char *arg, const char *shortopt, const char *longopt)
{
	size_t n;

	if (shortopt && strcmp(arg, shortopt) == 0)
		return true;
	while (*arg == '-')
		arg++;
	n = strlen(arg);
	return n >= 2 && strncmp(arg, longopt, n) == 0;
}

int main(int argc, char **argv)
{
	const char *batch = NULL, *prog = argc > 0 ? basename(argv[0]) : "";
	int ret;

	if (strcmp(prog, "clusterctrl") == 0 || strcmp(prog, "clusterhat") == 0)
		return clusterctrl_main(argc, argv);
	argc--, argv++;
	while (argc > 0 && argv[0][0] == '-' && argv[0][1]) {
		const char *opt = argv[0];

		if (strcmp(opt, "--") == 0) {
			argc--, argv++;
			break;
		} else if (opt_is(opt, "-j", "json")) {
			cli.json = true;
		} else if (opt_is(opt, "-p", "pretty")) {
			cli.pretty = true;
		} else if (opt_is(opt, "-V", "Version") || opt_is(opt, NULL, "version")) {
			return do_version(NULL);
		} else if (opt_is(opt, "-d", "debug")) {
			cli.debug = true;
		} else if (opt_is(opt, "-f", "force")) {
			cli.force = true;
		} else if (opt_is(opt, "-h", "help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (opt_is(opt, "-b", "batch")) {
			if (argc < 2)
				return usage_error("option \"%s\" needs a file name", opt);
			batch = argv[1];
			argc--, argv++;
		} else if (opt_is(opt, "-n", "netns")) {
			if (argc < 2)
				return usage_error("option \"%s\" needs a namespace name", opt);
			cli.netns = argv[1];
			argc--, argv++;
		} else {
			usage_error("unknown option \"%s\"", opt);
			usage(stderr);
			return EXIT_USAGE;
		}
		argc--, argv++;
	}
	/* As in iproute2, -p only pretty-prints JSON; text output ignores it. */
	out_init(cli.json, cli.pretty);

	if (batch) {
		if (argc > 0)
			return usage_error("unexpected \"%s\" after -batch %s", argv[0], batch);
		ret = do_batch(batch);
	} else if (argc == 0) {
		usage(stderr);
		ret = EXIT_USAGE;
	} else {
		ret = cli_run(argc, argv);
	}
	nl_close();
	return ret;
}
