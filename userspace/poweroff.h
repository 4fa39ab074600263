/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlbctl poweroff: the staged shutdown of nodes (poweroff.c). The
 * parsers are exposed for the host tests.
 */
#ifndef CLUSTERLBCTL_POWEROFF_H
#define CLUSTERLBCTL_POWEROFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clusterlbctl.h"
#include "lb.h"
#include "power.h"

#define POWEROFF_CONF		"/etc/clusterlb/poweroff.conf"
#define POWEROFF_SHUTDOWN_CMD	"ssh -o BatchMode=yes -o ConnectTimeout=10 pi@%a sudo poweroff"
#define POWEROFF_HALT_CMD	"/sbin/shutdown -h now"
#define POWEROFF_DRAIN_TIMEOUT	120	/* s */
#define POWEROFF_GRACE		60	/* s, as the old script's sleep */
#define POWEROFF_CMD_MAX	1024
#define POWEROFF_MAX_NODES	16	/* node lines of the config file */

/* A node line of the config file: what to use when no member says it. */
struct poweroff_node {
	struct slot slot;
	char addr[64];		/* "" if not given */
	char dev[LB_IFNAME_MAX];
};

/* Bits of poweroff_opts.have: given on the command line (beats the file). */
enum {
	PO_HAVE_DRAIN	= 1 << 0,
	PO_HAVE_GRACE	= 1 << 1,
	PO_HAVE_CMD	= 1 << 2,
	PO_HAVE_PAR	= 1 << 3,
	PO_HAVE_HALT	= 1 << 4,
	PO_HAVE_HALTCMD	= 1 << 5,
	PO_HAVE_CONF	= 1 << 6,
};

struct poweroff_opts {
	struct slot slots[POWER_MAX_SLOTS];
	unsigned int nslots;
	bool all;
	unsigned int have;
	uint32_t drain_timeout, grace, parallel;
	bool halt;
	char shutdown_cmd[POWEROFF_CMD_MAX];
	char halt_cmd[POWEROFF_CMD_MAX];
	char conf[512];
	struct poweroff_node nodes[POWEROFF_MAX_NODES];
	unsigned int nnodes;
};

void poweroff_defaults(struct poweroff_opts *o);
/* The words after "poweroff": 0, -1 (parse_error_msg()) or PARSE_HELP. */
int poweroff_parse(struct args *a, struct poweroff_opts *o);
/*
 * One line of the config file (changed in place): 0 or -1. Keys the
 * command line gave (o->have) are not overridden.
 */
int poweroff_conf_line(char *line, struct poweroff_opts *o);
/* Read o->conf (a missing default file is fine): 0, or -1 (reported). */
int poweroff_conf_read(struct poweroff_opts *o);
/*
 * Expand %a (address), %n (slot, "p2" or "hat1/p2"), %i (interface), %s
 * (canonical slot "hat0/p2") and %% in tmpl: 0, or -1 if a value needed is
 * unknown ("") or buf is too small (parse_error_msg() says which).
 */
int poweroff_expand(const char *tmpl, const char *addr, const struct slot *s,
		    const char *dev, char *buf, size_t len);

int do_poweroff(struct args *a);
void poweroff_usage(FILE *f);

#endif
