// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the parsers of `clusterlbctl poweroff`: the command
 * line, the config file lines (and that the command line wins), and the
 * expansion of %a %n %i %s %% in the shutdown command. No kernel.
 *
 * KTAP output; the last line reads "N passed, N failed"; exit 1 on failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusterlbctl.h"
#include "parse.h"
#include "poweroff.h"

static int n, npassed, nfailed;

static void record(int ok, const char *diag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void record(int ok, const char *diag, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	n++;
	if (!ok && diag)
		printf("# %s\n", diag);
	printf("%s %d %s\n", ok ? "ok" : "not ok", n, name);
	if (ok)
		npassed++;
	else
		nfailed++;
}

/* Parse a command line given as one string of blank-separated words. */
static int parse_line(const char *line, struct poweroff_opts *o)
{
	char buf[1024], *argv[32];
	struct args a;
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = split_words(buf, argv, 32);
	if (argc < 0)
		return -2;
	a.argc = argc;
	a.argv = argv;
	return poweroff_parse(&a, o);
}

static void expect_parse_ok(const char *line, int cond_ok, struct poweroff_opts *o)
{
	(void)o;
	record(cond_ok, parse_error_msg(), "poweroff accepts \"%s\"", line);
}

#define OK(line, cond)							\
	do {								\
		int _r = parse_line(line, &o);				\
		expect_parse_ok(line, _r == 0 && (cond), &o);		\
	} while (0)

static void bad(const char *line, const char *frag)
{
	struct poweroff_opts o;
	int r = parse_line(line, &o);
	const char *msg = parse_error_msg();
	char diag[700];

	snprintf(diag, sizeof(diag), "ret %d, message: %s", r, msg);
	record(r == -1 && strstr(msg, frag), diag, "poweroff rejects \"%s\"", line);
}

static void test_cmdline(void)
{
	struct poweroff_opts o;

	unsetenv("CLUSTERLB_POWEROFF_CONF");
	OK("all", o.all && !o.nslots && o.drain_timeout == POWEROFF_DRAIN_TIMEOUT &&
	   o.grace == 60 && o.parallel == 1 && !o.halt &&
	   !strcmp(o.shutdown_cmd, POWEROFF_SHUTDOWN_CMD) &&
	   !strcmp(o.halt_cmd, POWEROFF_HALT_CMD) && !strcmp(o.conf, POWEROFF_CONF));
	OK("p1 p3 hat1/p2", o.nslots == 3 && o.slots[0].hat == 0 && o.slots[0].slot == 1 &&
	   o.slots[1].slot == 3 && o.slots[2].hat == 1 && o.slots[2].slot == 2);
	OK("all drain-timeout 2m grace 90 parallel 4 halt",
	   o.drain_timeout == 120 && o.grace == 90 && o.parallel == 4 && o.halt);
	OK("p2 shutdown-cmd 'socat -T 3 - TCP:%a:2222' halt-cmd 'echo bye'",
	   !strcmp(o.shutdown_cmd, "socat -T 3 - TCP:%a:2222") && !strcmp(o.halt_cmd, "echo bye") &&
	   (o.have & PO_HAVE_CMD) && (o.have & PO_HAVE_HALTCMD));
	OK("p2 config /tmp/x.conf", !strcmp(o.conf, "/tmp/x.conf") && (o.have & PO_HAVE_CONF));
	OK("p4 drain-timeout 0 grace 0s", o.drain_timeout == 0 && o.grace == 0);
	setenv("CLUSTERLB_POWEROFF_CONF", "/etc/other.conf", 1);
	OK("all", !strcmp(o.conf, "/etc/other.conf"));
	unsetenv("CLUSTERLB_POWEROFF_CONF");
	record(parse_line("help", &o) == PARSE_HELP, NULL, "poweroff help");
	record(parse_line("all grace help", &o) == PARSE_HELP, NULL, "poweroff all grace help");

	bad("", "needs slots");
	bad("halt", "needs slots");
	bad("p1 all", "not both");
	bad("all all", "given twice");
	bad("p1 p1", "given twice");
	bad("p1 hat0/p1", "given twice");
	bad("p0", "\"p0\"");
	bad("hat0/p", "\"hat0/p\"");
	bad("p1 grace", "missing value after \"grace\"");
	bad("p1 grace soon", "\"soon\"");
	bad("p1 grace 2d", "\"2d\"");
	bad("p1 drain-timeout -1", "\"-1\"");
	bad("p1 parallel 0", "\"0\"");
	bad("p1 parallel 65", "\"65\"");
	bad("p1 grace 1 grace 2", "\"grace\" given twice");
	bad("p1 halt halt", "\"halt\" given twice");
	bad("p1 shutdown-cmd ''", "empty command");
	bad("p1 config", "missing file name");
	bad("p1 frob", "unknown keyword \"frob\"");
	bad("p1 frob", "drain-timeout, grace");
}

static int conf(struct poweroff_opts *o, const char *line)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s", line);
	return poweroff_conf_line(buf, o);
}

static void test_conf(void)
{
	struct poweroff_opts o;
	int r;

	poweroff_defaults(&o);
	r = conf(&o, "# comment") | conf(&o, "   ") | conf(&o, "") |
	    conf(&o, "drain-timeout 5m") | conf(&o, "grace\t30\n") |
	    conf(&o, "shutdown-cmd ssh -i /root/.ssh/pi pi@%a sudo poweroff") |
	    conf(&o, "parallel 2") | conf(&o, "halt-cmd systemctl poweroff") |
	    conf(&o, "node p2 address 172.19.181.2 dev usb2") |
	    conf(&o, "node hat1/p3 address fd00:181::3") | conf(&o, "node p4 dev ethpi4");
	record(r == 0 && o.drain_timeout == 300 && o.grace == 30 && o.parallel == 2 &&
	       !strcmp(o.shutdown_cmd, "ssh -i /root/.ssh/pi pi@%a sudo poweroff") &&
	       !strcmp(o.halt_cmd, "systemctl poweroff") && o.nnodes == 3 &&
	       o.nodes[0].slot.slot == 2 && !strcmp(o.nodes[0].addr, "172.19.181.2") &&
	       !strcmp(o.nodes[0].dev, "usb2") && o.nodes[1].slot.hat == 1 &&
	       !strcmp(o.nodes[1].addr, "fd00:181::3") && !o.nodes[1].dev[0] &&
	       !strcmp(o.nodes[2].dev, "ethpi4") && !o.nodes[2].addr[0],
	       parse_error_msg(), "config file lines");

	/* The command line wins over the file. */
	{
		char *argv[] = { "all", "grace", "7", "shutdown-cmd", "true" };
		struct args a = { 5, argv };

		r = poweroff_parse(&a, &o);
		r |= conf(&o, "grace 30") | conf(&o, "shutdown-cmd false") | conf(&o, "parallel 3");
		record(r == 0 && o.grace == 7 && !strcmp(o.shutdown_cmd, "true") && o.parallel == 3,
		       parse_error_msg(), "command line beats the config file");
	}

	static const char *const badl[][2] = {
		{ "frob 1", "unknown key \"frob\"" },
		{ "grace", "missing value" },
		{ "grace soon", "\"soon\"" },
		{ "parallel 0", "\"0\"" },
		{ "node", "needs a slot" },
		{ "node p9x", "\"p9x\"" },
		{ "node p2 address", "missing value" },
		{ "node p2 address 300.1.1.1", "bad address" },
		{ "node p2 dev bad/name", "\"bad/name\"" },
		{ "node p2 colour red", "unknown keyword \"colour\"" },
	};
	for (size_t i = 0; i < sizeof(badl) / sizeof(badl[0]); i++) {
		char diag[700];

		poweroff_defaults(&o);
		r = conf(&o, badl[i][0]);
		snprintf(diag, sizeof(diag), "ret %d, message: %s", r, parse_error_msg());
		record(r == -1 && strstr(parse_error_msg(), badl[i][1]), diag,
		       "config rejects \"%s\"", badl[i][0]);
	}
	poweroff_defaults(&o);
	r = conf(&o, "node p2 dev usb2");
	r = r ? r : conf(&o, "node hat0/p2 dev usb3");
	record(r == -1 && strstr(parse_error_msg(), "given twice"), parse_error_msg(),
	       "config rejects a node given twice");
}

static void test_expand(void)
{
	struct slot s0 = { 0, 2 }, s1 = { 1, 3 };
	char buf[256], small[8];
	int r;

	r = poweroff_expand("ssh pi@%a sudo poweroff # %n %i %s 100%%", "172.19.181.2", &s0,
			    "usb2", buf, sizeof(buf));
	record(r == 0 && !strcmp(buf, "ssh pi@172.19.181.2 sudo poweroff # p2 usb2 hat0/p2 100%"),
	       buf, "expand %%a %%n %%i %%s %%%%");
	r = poweroff_expand("ssh pi@%n", "", &s1, "", buf, sizeof(buf));
	record(r == 0 && !strcmp(buf, "ssh pi@hat1/p3"), buf, "expand %%n on another board");
	r = poweroff_expand("ssh pi@%a", "", &s0, "usb2", buf, sizeof(buf));
	record(r == -1 && strstr(parse_error_msg(), "no address known for p2"), parse_error_msg(),
	       "expand: unknown address");
	r = poweroff_expand("ip link set %i down", "1.2.3.4", &s0, "", buf, sizeof(buf));
	record(r == -1 && strstr(parse_error_msg(), "no interface known"), parse_error_msg(),
	       "expand: unknown interface");
	r = poweroff_expand("echo %x", "1.2.3.4", &s0, "", buf, sizeof(buf));
	record(r == -1 && strstr(parse_error_msg(), "unknown %x"), parse_error_msg(),
	       "expand: unknown %%x");
	r = poweroff_expand("echo %", "1.2.3.4", &s0, "", buf, sizeof(buf));
	record(r == -1 && strstr(parse_error_msg(), "lone %"), parse_error_msg(),
	       "expand: lone %%");
	r = poweroff_expand("echo %a", "172.19.181.2", &s0, "", small, sizeof(small));
	record(r == -1 && strstr(parse_error_msg(), "too long"), parse_error_msg(),
	       "expand: too long");
}

/* Random and mutated input: no crash, and parse results stay in range. */
static void test_fuzz(void)
{
	static const char *const words[] = {
		"all", "p1", "p4", "hat1/p2", "p0", "halt", "grace", "drain-timeout",
		"shutdown-cmd", "parallel", "halt-cmd", "config", "node", "address", "dev",
		"5m", "0", "65", "-1", "%a", "%", "%%", "usb2", "172.19.181.2", "fd00::1",
		"'", "\"", "#", "", "help",
	};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int bad = 0;

	for (int it = 0; it < 20000; it++) {
		char line[512] = "", *argv[16];
		struct poweroff_opts o;
		struct args a;
		int nw, argc;

		x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
		nw = (int)((x * 0x2545f4914f6cdd1dULL) >> 60);
		for (int w = 0; w < nw; w++) {
			x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
			strcat(line, words[((x * 0x2545f4914f6cdd1dULL) >> 32) %
					   (sizeof(words) / sizeof(words[0]))]);
			strcat(line, " ");
		}
		poweroff_defaults(&o);
		{
			char copy[512];

			memcpy(copy, line, sizeof(copy));
			poweroff_conf_line(copy, &o);
		}
		argc = split_words(line, argv, 16);
		if (argc < 0)
			continue;
		a.argc = argc;
		a.argv = argv;
		if (poweroff_parse(&a, &o) == 0) {
			char buf[POWEROFF_CMD_MAX * 2];

			bad += o.parallel < 1 || o.nslots > POWER_MAX_SLOTS || o.grace > 86400 ||
			       (!o.all && !o.nslots);
			poweroff_expand(o.shutdown_cmd, "1.2.3.4", &(struct slot){ 0, 1 }, "usb1",
					buf, sizeof(buf));
		}
	}
	record(!bad, NULL, "fuzz: 20000 random command lines and config lines");
}

int main(void)
{
	printf("KTAP version 1\n");
	test_cmdline();
	test_conf();
	test_expand();
	test_fuzz();
	printf("1..%d\n", n);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", npassed, nfailed);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
