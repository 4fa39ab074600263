// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl monitor: print every notification of the "monitor" group,
 * one line per event in text (the object as its add command would read),
 * or one JSON object per line with -j, until interrupted.
 */
#include <signal.h>
#include <string.h>

#include <linux/clusterlb.h>

#include "clusterlbctl.h"
#include "msg.h"
#include "nl.h"
#include "output.h"
#include "parse.h"

void monitor_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl [ -j ] monitor\n"
		"Prints one line (with -j one JSON object) per event until interrupted:\n"
		"service new|change|del, member new|change|del|health|drained.\n");
}

static const struct {
	uint8_t cmd;
	bool member;
	const char *name;	/* JSON "event" */
	const char *text;	/* text: "<object> <what>" */
} events[] = {
	{ CLUSTERLB_CMD_SERVICE_NEW_NTF,	false, "service-new",	  "service new" },
	{ CLUSTERLB_CMD_SERVICE_CHANGE_NTF,	false, "service-change",  "service change" },
	{ CLUSTERLB_CMD_SERVICE_DEL_NTF,	false, "service-del",	  "service del" },
	{ CLUSTERLB_CMD_MEMBER_NEW_NTF,		true,  "member-new",	  "member new" },
	{ CLUSTERLB_CMD_MEMBER_CHANGE_NTF,	true,  "member-change",	  "member change" },
	{ CLUSTERLB_CMD_MEMBER_DEL_NTF,		true,  "member-del",	  "member del" },
	{ CLUSTERLB_CMD_MEMBER_HEALTH_NTF,	true,  "member-health",	  "member health" },
	{ CLUSTERLB_CMD_MEMBER_DRAINED_NTF,	true,  "member-drained",  "member drained" },
};

static volatile int stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_event(unsigned int i, const struct nlmsghdr *nlh)
{
	char line[LB_LINE_MAX], health[64];
	struct lb_service s;
	struct lb_member m;

	if (!events[i].member) {
		if (msg_parse_service(nlh, &s))
			goto bad;
		out_begin();
		print_string(PRINT_JSON, "event", NULL, events[i].name);
		print_text("%s %s\n", events[i].text, service_format(&s, line, sizeof(line)));
		if (out_is_json()) {
			open_json_object("service");
			print_service_obj(&s);
			close_json_object();
		}
		out_end();
		return;
	}
	if (msg_parse_member(nlh, &m))
		goto bad;
	out_begin();
	print_string(PRINT_JSON, "event", NULL, events[i].name);
	print_text("%s %s", events[i].text, member_format(&m, line, sizeof(line)));
	if (m.have & LB_HAVE_HEALTH)
		print_text(" health %s", m.health ? format_flags(lb_health_names, m.health,
								 health, sizeof(health)) : "ok");
	print_nl();
	if (out_is_json()) {
		open_json_object("service");
		print_svc_key_obj(&m.svc);
		close_json_object();
		open_json_object("member");
		print_member_obj(&m);
		close_json_object();
	}
	out_end();
	return;
bad:
	fprintf(stderr, "Warning: malformed %s event skipped\n", events[i].name);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	uint8_t cmd = nl_cmd(nlh);

	(void)data;
	for (unsigned int i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].cmd == cmd) {
			print_event(i, nlh);
			return MNL_CB_OK;
		}
	}
	/* A newer module may send events this tool does not know: say so. */
	out_begin();
	print_string(PRINT_JSON, "event", NULL, "unknown");
	print_uint(PRINT_ANY, "cmd", "unknown event %u\n", cmd);
	out_end();
	return MNL_CB_OK;
}

static void events_lost(void *data)
{
	(void)data;
	out_begin();
	print_string(PRINT_JSON, "event", NULL, "lost");
	print_text("events lost (receive buffer overrun); run \"clusterlbctl show\" to resync\n");
	out_end();
}

int do_monitor(struct args *a)
{
	struct sigaction sa;
	const char *p = arg_next(a);
	int ret;

	if (is_kw(p, "help")) {
		monitor_usage(stdout);
		return EXIT_OK;
	}
	if (p)
		return usage_error("unexpected \"%s\" after monitor (use help)", p);
	ret = nl_open();
	if (ret)
		return ret;
	ret = nl_subscribe(CLUSTERLB_MCGRP_MONITOR);
	if (ret)
		return ret;

	/* No SA_RESTART: the signal must interrupt recvfrom() to end monitor. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fflush(stdout);
	return nl_listen(event_cb, events_lost, NULL, &stop);
}
