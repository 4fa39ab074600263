// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl poweroff { SLOT... | all } [ drain-timeout S ] [ grace S ]
 *     [ shutdown-cmd CMD ] [ parallel N ] [ halt ] [ halt-cmd CMD ]
 *     [ config FILE ]
 *
 * The staged shutdown of nodes, replacing the "ssh every node, sleep 60,
 * clusterctrl off, poweroff" script. For each node (slot), in order, N at
 * a time:
 *
 *   1. every member bound to the slot (member ... slot hatN/pM) is set to
 *      state drain: no new connection reaches it;
 *   2. wait for the kernel's member-drained event of each (its last
 *      connection ended), or, from one second on, for a member-get showing
 *      no active connection; at most drain-timeout;
 *   3. run the shutdown command (sh -c, %a %n %i %s expanded);
 *   4. wait until the node is down: its interface (the members' dev) is
 *      removed or loses carrier (an rtnetlink event wakes us up; the state
 *      is read with SIOCGIFFLAGS), or, without an interface, it stops
 *      answering TCP connections to the member's port (three probes in a
 *      row without any answer, not even a reset); at most grace;
 *   5. cut the slot's power (sysfs), whatever happened before: a UPS on
 *      battery cannot wait; then put the members back in the state they
 *      had (they stay out of rotation while the slot is off and return
 *      when it is on and their link is up).
 *
 * One progress line per step (-j: one JSON object per line) and a summary
 * per node. Exit status 0 if every node was drained (or had nothing to
 * drain) and shut down by itself, 1 otherwise; power is cut in every case.
 * With halt, halt-cmd (default "shutdown -h now") runs after the last node.
 *
 * Defaults can be set in /etc/clusterlb/poweroff.conf ($CLUSTERLB_POWEROFF_CONF
 * or "config FILE"): lines "KEY VALUE" with the keywords above, plus
 * "node SLOT [address ADDR] [dev IFNAME]" for nodes no member describes.
 *
 * power_wait_up() ("power on ... wait") lives here too: it shares the
 * slot-to-interface lookup and the link test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/clusterlb.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>

#include "clusterlbctl.h"
#include "config.h"
#include "msg.h"
#include "nl.h"
#include "output.h"
#include "parse.h"
#include "poweroff.h"

#define PROBE_MISSES	3	/* probes without answer that mean "down" */
#define PROBE_TIMEOUT	1.0	/* s */
#define POLL_MS		100

void poweroff_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl poweroff { SLOT... | all } [ drain-timeout TIME ] [ grace TIME ]\n"
		"                             [ shutdown-cmd CMD ] [ parallel N ] [ halt ]\n"
		"                             [ halt-cmd CMD ] [ config FILE ]\n"
		"where  SLOT := { pN | hatN/pN } (pN means hat0/pN)\n"
		"       TIME := seconds, or 30s, 2m, 1h (drain-timeout default %u, grace %u)\n"
		"       CMD := a shell command; %%a member address, %%n slot (p2), %%i interface,\n"
		"              %%s slot (hat0/p2), %%%% a %%; default: %s\n"
		"       N := nodes handled at once (default 1)\n"
		"For each node: drain its members, wait until drained, run CMD, wait until\n"
		"its link drops (or it stops answering), cut its power. halt: then run\n"
		"halt-cmd (default \"%s\"). Defaults from %s.\n",
		POWEROFF_DRAIN_TIMEOUT, POWEROFF_GRACE, POWEROFF_SHUTDOWN_CMD,
		POWEROFF_HALT_CMD, POWEROFF_CONF);
}

/* ---- options ---- */

void poweroff_defaults(struct poweroff_opts *o)
{
	const char *conf = getenv("CLUSTERLB_POWEROFF_CONF");

	memset(o, 0, sizeof(*o));
	o->drain_timeout = POWEROFF_DRAIN_TIMEOUT;
	o->grace = POWEROFF_GRACE;
	o->parallel = 1;
	snprintf(o->shutdown_cmd, sizeof(o->shutdown_cmd), "%s", POWEROFF_SHUTDOWN_CMD);
	snprintf(o->halt_cmd, sizeof(o->halt_cmd), "%s", POWEROFF_HALT_CMD);
	snprintf(o->conf, sizeof(o->conf), "%s", conf && *conf ? conf : POWEROFF_CONF);
}

static int set_cmd(char *dst, const char *val, const char *kw)
{
	if (!*val)
		return parse_error("empty command after \"%s\"", kw);
	if (strlen(val) >= POWEROFF_CMD_MAX)
		return parse_error("command after \"%s\" is too long (at most %d characters)",
				   kw, POWEROFF_CMD_MAX - 1);
	strcpy(dst, val);
	return 0;
}

static int add_slot(struct poweroff_opts *o, const char *w)
{
	struct slot s;

	if (parse_slot_parts(w, &s.hat, &s.slot))
		return -1;
	for (unsigned int i = 0; i < o->nslots; i++)
		if (o->slots[i].hat == s.hat && o->slots[i].slot == s.slot)
			return parse_error("slot \"%s\" given twice", w);
	if (o->nslots == POWER_MAX_SLOTS)
		return parse_error("too many slots");
	o->slots[o->nslots++] = s;
	return 0;
}

/* Keyword with a value, shared by the command line and the config file. */
static int set_kw(struct poweroff_opts *o, const char *kw, const char *val, bool file)
{
	static const struct { const char *kw; unsigned int bit; } kws[] = {
		{ "drain-timeout", PO_HAVE_DRAIN }, { "grace", PO_HAVE_GRACE },
		{ "shutdown-cmd", PO_HAVE_CMD }, { "parallel", PO_HAVE_PAR },
		{ "halt-cmd", PO_HAVE_HALTCMD },
	};
	unsigned int bit = 0;

	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (is_kw(kw, kws[i].kw))
			bit = kws[i].bit;
	if (!bit)
		return 1;	/* not one of these */
	if (!val)
		return parse_error("missing value after \"%s\"", kw);
	if (file) {
		if (o->have & bit)
			return 0;	/* the command line said otherwise */
	} else if (parse_once(&o->have, bit, kw)) {
		return -1;
	}
	switch (bit) {
	case PO_HAVE_DRAIN:
		return parse_duration(val, "drain-timeout", 86400, &o->drain_timeout);
	case PO_HAVE_GRACE:
		return parse_duration(val, "grace", 86400, &o->grace);
	case PO_HAVE_PAR:
		return parse_u32(val, "parallel", 1, POWER_MAX_SLOTS, &o->parallel);
	case PO_HAVE_CMD:
		return set_cmd(o->shutdown_cmd, val, kw);
	default:
		return set_cmd(o->halt_cmd, val, kw);
	}
}

int poweroff_parse(struct args *a, struct poweroff_opts *o)
{
	const char *w;
	int r;

	poweroff_defaults(o);
	while ((w = arg_next(a))) {
		if (is_kw(w, "help"))
			return PARSE_HELP;
		if (is_kw(w, "all")) {
			if (o->all)
				return parse_error("\"all\" given twice");
			o->all = true;
		} else if (is_kw(w, "halt")) {
			if (parse_once(&o->have, PO_HAVE_HALT, w))
				return -1;
			o->halt = true;
		} else if (is_kw(w, "config")) {
			const char *val = arg_next(a);

			if (is_kw(val, "help"))
				return PARSE_HELP;
			if (!val || !*val)
				return parse_error("missing file name after \"config\"");
			if (parse_once(&o->have, PO_HAVE_CONF, w))
				return -1;
			snprintf(o->conf, sizeof(o->conf), "%s", val);
		} else if ((w[0] == 'p' && w[1] >= '0' && w[1] <= '9') || !strncmp(w, "hat", 3)) {
			if (add_slot(o, w))
				return -1;
		} else {
			const char *val = arg_peek(a);

			if (is_kw(val, "help"))
				return PARSE_HELP;
			r = set_kw(o, w, val, false);
			if (r < 0)
				return -1;
			if (r > 0)
				return parse_error("unknown keyword \"%s\" (use SLOT, all, drain-timeout, grace, "
						   "shutdown-cmd, parallel, halt, halt-cmd, config or help)", w);
			arg_next(a);
		}
	}
	if (o->all && o->nslots)
		return parse_error("give slots or \"all\", not both");
	if (!o->all && !o->nslots)
		return parse_error("poweroff needs slots (e.g. p1 p2) or \"all\"");
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int conf_node(struct poweroff_opts *o, char *rest)
{
	char *argv[8];
	struct poweroff_node n = { 0 };
	int argc = split_words(rest, argv, 8);

	if (argc < 0)
		return -1;
	if (argc < 1)
		return parse_error("\"node\" needs a slot (e.g. node p2 address 172.19.181.2 dev usb2)");
	if (parse_slot_parts(argv[0], &n.slot.hat, &n.slot.slot))
		return -1;
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return parse_error("missing value after \"%s\"", argv[i]);
		if (is_kw(argv[i], "address")) {
			struct lb_addr tmp;
			char probe[80];

			snprintf(probe, sizeof(probe), strchr(argv[i + 1], ':') ? "[%s]:1" : "%s:1",
				 argv[i + 1]);
			if (parse_addr_port(probe, &tmp))
				return parse_error("bad address \"%s\" (use an IPv4 or IPv6 address)",
						   argv[i + 1]);
			snprintf(n.addr, sizeof(n.addr), "%s", argv[i + 1]);
		} else if (is_kw(argv[i], "dev")) {
			if (parse_ifname(argv[i + 1], n.dev, sizeof(n.dev)))
				return -1;
		} else {
			return parse_error("unknown keyword \"%s\" in node line (use address or dev)",
					   argv[i]);
		}
	}
	for (unsigned int i = 0; i < o->nnodes; i++)
		if (o->nodes[i].slot.hat == n.slot.hat && o->nodes[i].slot.slot == n.slot.slot)
			return parse_error("node \"%s\" given twice", argv[0]);
	if (o->nnodes == POWEROFF_MAX_NODES)
		return parse_error("too many node lines (at most %d)", POWEROFF_MAX_NODES);
	o->nodes[o->nnodes++] = n;
	return 0;
}

int poweroff_conf_line(char *line, struct poweroff_opts *o)
{
	char *s = trim(line), *rest;
	int r;

	if (!*s || *s == '#')
		return 0;
	rest = s + strcspn(s, " \t");
	if (*rest)
		*rest++ = '\0';
	rest = trim(rest);
	if (is_kw(s, "node"))
		return conf_node(o, rest);
	r = set_kw(o, s, *rest ? rest : NULL, true);
	if (r > 0)
		return parse_error("unknown key \"%s\" (use drain-timeout, grace, shutdown-cmd, "
				   "parallel, halt-cmd or node)", s);
	return r;
}

int poweroff_conf_read(struct poweroff_opts *o)
{
	char line[2048];
	int n = 0, bad = 0;
	FILE *f = fopen(o->conf, "re");

	if (!f) {
		if (errno == ENOENT && !(o->have & PO_HAVE_CONF))
			return 0;
		usage_error("cannot read %s: %s", o->conf, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (poweroff_conf_line(line, o)) {
			fprintf(stderr, "Error: %s:%d: %s\n", o->conf, n, parse_error_msg());
			bad++;
		}
	}
	fclose(f);
	return bad ? -1 : 0;
}

static void slot_short(const struct slot *s, char *buf, size_t len)
{
	if (s->hat)
		snprintf(buf, len, "hat%u/p%u", s->hat, s->slot);
	else
		snprintf(buf, len, "p%u", s->slot);
}

int poweroff_expand(const char *tmpl, const char *addr, const struct slot *s,
		    const char *dev, char *buf, size_t len)
{
	char name[32], canon[32];
	size_t n = 0;

	slot_short(s, name, sizeof(name));
	snprintf(canon, sizeof(canon), "hat%u/p%u", s->hat, s->slot);
	for (const char *p = tmpl; *p; p++) {
		const char *v;
		char one[2] = { *p, 0 };

		if (*p != '%') {
			v = one;
		} else {
			switch (*++p) {
			case 'a': v = addr; break;
			case 'i': v = dev; break;
			case 'n': v = name; break;
			case 's': v = canon; break;
			case '%': v = "%"; break;
			case '\0':
				return parse_error("command ends with a lone %%");
			default:
				return parse_error("unknown %%%c in command (use %%a, %%n, %%i, %%s or %%%%)", *p);
			}
			if (!v || !*v)
				return parse_error("%%%c: no %s known for %s (bind a member to slot %s with "
						   "dev, or add a node line to the config file)", *p,
						   *p == 'a' ? "address" : "interface", name, canon);
		}
		if (n + strlen(v) >= len)
			return parse_error("command too long after expansion");
		strcpy(buf + n, v);
		n += strlen(v);
	}
	buf[n] = '\0';
	return 0;
}

/* ---- runtime ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double t_start;

enum link_st { LINK_ABSENT, LINK_DOWN, LINK_UP };

static enum link_st link_state(const char *dev)
{
	static int fd = -1;
	struct ifreq ifr;

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return LINK_ABSENT;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING) ? LINK_UP : LINK_DOWN;
}

/* A socket woken by link changes (RTMGRP_LINK); NULL if unavailable. */
static struct mnl_socket *rtnl_open(void)
{
	struct mnl_socket *sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (sk && mnl_socket_bind(sk, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(sk);
		sk = NULL;
	}
	return sk;
}

static void drain_socket(struct mnl_socket *sk)
{
	char buf[8192];

	while (sk && mnl_socket_recvfrom(sk, buf, sizeof(buf)) > 0)
		;
}

enum phase { PH_WAIT, PH_DRAIN, PH_DOWN, PH_DONE };
enum drain_res { DR_NONE, DR_EVENT, DR_IDLE, DR_TIMEOUT, DR_SKIPPED };
enum down_res { DN_NONE, DN_LINK, DN_NOANSWER, DN_ALREADY, DN_FORCED, DN_WAS_OFF };

static const char *const drain_names[] = {
	[DR_NONE] = "none", [DR_EVENT] = "drained", [DR_IDLE] = "drained",
	[DR_TIMEOUT] = "timed-out", [DR_SKIPPED] = "skipped",
};
static const char *const down_names[] = {
	[DN_NONE] = "none", [DN_LINK] = "shut-down", [DN_NOANSWER] = "shut-down",
	[DN_ALREADY] = "already-down", [DN_FORCED] = "forced", [DN_WAS_OFF] = "was-off",
};

struct pmem {
	struct lb_member m;
	bool drained;
};

struct node {
	struct slot s;
	char name[32], canon[LB_SLOT_MAX];
	struct pmem *mems;
	size_t nmems;
	char addr[64];
	char dev[LB_IFNAME_MAX];
	struct lb_addr probe;		/* family 0: cannot probe */
	enum phase ph;
	double t0, deadline, next_poll, next_probe, probe_start;
	pid_t pid;
	int probe_fd;
	unsigned int misses;
	enum drain_res dr;
	enum down_res dn;
	bool power_ok;
};

static struct node *nodes;
static unsigned int nnodes;
static bool have_nl;

/* One progress line: [elapsed] slot step: detail; JSON keys time_ms, slot, step, how, detail. */
static void progress(const struct node *n, const char *step, const char *how,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void progress(const struct node *n, const char *step, const char *how,
		     const char *fmt, ...)
{
	char detail[1536];
	double t = now_s() - t_start;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	out_begin();
	print_uint(PRINT_JSON, "time_ms", NULL, (unsigned int)(t * 1000));
	print_text("[%7.1fs] ", t);
	if (n) {
		print_string(PRINT_ANY, "slot", "%-4s ", n->canon);
	}
	print_string(PRINT_ANY, "step", "%s", step);
	if (how)
		print_string(PRINT_JSON, "how", NULL, how);
	print_string(PRINT_ANY, "detail", ": %s", detail);
	print_nl();
	out_end();
}

static int member_state(const struct lb_member *m, enum lb_state st)
{
	struct lb_op op = { .kind = LB_OP_MEMBER_SET };

	op.mem.svc = m->svc;
	op.mem.addr = m->addr;
	op.mem.have = LB_HAVE_STATE;
	op.mem.state = st;
	return op_apply(&op);
}

static int member_get_cb(const struct nlmsghdr *nlh, void *data)
{
	return msg_parse_member(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int member_get(const struct lb_member *key, struct lb_member *out)
{
	struct nlmsghdr *nlh = nl_msg(CLUSTERLB_CMD_MEMBER_GET, 0);

	msg_put_member(nlh, key, false);
	memset(out, 0, sizeof(*out));
	return nl_do(nlh, &msg_member_set, member_get_cb, out);
}

static const char *member_str(const struct lb_member *m, char *buf, size_t len)
{
	char a[LB_ADDRSTRLEN], v[LB_ADDRSTRLEN];

	snprintf(buf, len, "%s (%s %s)", format_addr_port(&m->addr, a, sizeof(a)),
		 proto_name(m->svc.proto), format_addr_port(&m->svc.vip, v, sizeof(v)));
	return buf;
}

/* ---- events: member-drained from the monitor group, on a socket of our own ---- */

static struct mnl_socket *ev_sk;

static void events_open(void)
{
	uint32_t grp;
	int id;

	if (nl_group_id(CLUSTERLB_MCGRP_MONITOR, &grp))
		return;
	ev_sk = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!ev_sk)
		return;
	id = (int)grp;
	if (mnl_socket_bind(ev_sk, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(ev_sk, NETLINK_ADD_MEMBERSHIP, &id, sizeof(id)) < 0) {
		mnl_socket_close(ev_sk);
		ev_sk = NULL;
	}
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lb_member m;

	(void)data;
	if (nlh->nlmsg_type != nl_family_id() ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr) ||
	    nl_cmd(nlh) != CLUSTERLB_CMD_MEMBER_DRAINED_NTF || msg_parse_member(nlh, &m))
		return MNL_CB_OK;
	for (unsigned int i = 0; i < nnodes; i++) {
		struct node *n = &nodes[i];

		if (n->ph != PH_DRAIN)
			continue;
		for (size_t j = 0; j < n->nmems; j++) {
			struct pmem *pm = &n->mems[j];
			char b[128];

			if (pm->drained || !lb_svc_key_equal(&pm->m.svc, &m.svc) ||
			    !lb_addr_equal(&pm->m.addr, &m.addr))
				continue;
			pm->drained = true;
			if (n->dr == DR_NONE)
				n->dr = DR_EVENT;
			progress(n, "drained", "event", "%s: drained event",
				 member_str(&pm->m, b, sizeof(b)));
		}
	}
	return MNL_CB_OK;
}

static void events_read(void)
{
	char buf[16384] __attribute__((aligned(8)));
	ssize_t r;

	while (ev_sk && (r = mnl_socket_recvfrom(ev_sk, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == ENOBUFS)
				continue;	/* lost events: the polling covers them */
			break;
		}
		mnl_cb_run(buf, (size_t)r, 0, 0, event_cb, NULL);
	}
}

/* ---- the shutdown command ---- */

static pid_t run_cmd(const char *cmd)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		dup2(2, 1);	/* stdout is ours (JSON lines) */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void describe_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "status %d", st);
}

static void reap(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (unsigned int i = 0; i < nnodes; i++) {
			char d[64];

			if (nodes[i].pid != pid)
				continue;
			nodes[i].pid = 0;
			describe_status(st, d, sizeof(d));
			progress(&nodes[i], "shutdown-cmd", WIFEXITED(st) && !WEXITSTATUS(st) ?
				 "ok" : "failed", "command ended, %s", d);
		}
	}
}

/* ---- one node ---- */

static bool node_clean(const struct node *n)
{
	return n->power_ok && n->dr != DR_TIMEOUT &&
	       (n->dn == DN_LINK || n->dn == DN_NOANSWER || n->dn == DN_ALREADY ||
		n->dn == DN_WAS_OFF);
}

static void node_done(struct node *n)
{
	double t = now_s() - t_start;

	n->ph = PH_DONE;
	out_begin();
	print_uint(PRINT_JSON, "time_ms", NULL, (unsigned int)(t * 1000));
	print_text("[%7.1fs] ", t);
	print_string(PRINT_ANY, "slot", "%-4s ", n->canon);
	print_string(PRINT_ANY, "step", "%s:", "done");
	print_string(PRINT_ANY, "drain", " drain %s,", drain_names[n->dr]);
	print_string(PRINT_ANY, "shutdown", " %s,", down_names[n->dn]);
	print_string(PRINT_ANY, "power", " power %s", n->power_ok ? "off" : "failed");
	print_bool(PRINT_JSON, "clean", NULL, node_clean(n));
	print_text(" (%s)", node_clean(n) ? "clean" : "NOT clean");
	print_uint(PRINT_JSON, "elapsed_ms", NULL, (unsigned int)((now_s() - n->t0) * 1000));
	print_nl();
	out_end();
}

/* Members bound to the node go back to the state they had before the drain. */
static void restore_members(struct node *n)
{
	size_t restored = 0;

	for (size_t i = 0; i < n->nmems; i++) {
		struct lb_member *m = &n->mems[i].m;

		if ((m->have & LB_HAVE_STATE) && m->state != LB_STATE_DRAIN &&
		    m->state < LB_STATE_COUNT && member_state(m, m->state) == EXIT_OK)
			restored++;
	}
	if (restored)
		progress(n, "restore", "ok", "%zu member%s back to %s", restored,
			 restored > 1 ? "s" : "", state_name(n->mems[0].m.state));
}

static void cut_power(struct node *n)
{
	if (n->pid > 0)
		kill(-n->pid, SIGTERM);	/* e.g. an ssh that never returns */
	n->power_ok = power_set(&n->s, false) == EXIT_OK;
	progress(n, "power-off", n->power_ok ? "ok" : "failed", "%s",
		 n->power_ok ? "slot switched off" : "could not switch the slot off");
	/*
	 * Members go back to the state they had: while the slot is off (and
	 * until its link is up again) the kernel keeps them out of rotation,
	 * and a configuration saved now (ExecStop) does not leave them
	 * draining for ever.
	 */
	if (n->power_ok)
		restore_members(n);
	node_done(n);
}

static void go_shutdown(struct node *n, const struct poweroff_opts *o)
{
	char cmd[POWEROFF_CMD_MAX * 2];

	if (n->dev[0] && link_state(n->dev) != LINK_UP) {
		n->dn = DN_ALREADY;
		progress(n, "down", "already", "link %s already down, no shutdown command", n->dev);
		cut_power(n);
		return;
	}
	if (poweroff_expand(o->shutdown_cmd, n->addr, &n->s, n->dev, cmd, sizeof(cmd))) {
		n->dn = DN_FORCED;
		progress(n, "shutdown", "error", "%s", parse_error_msg());
		cut_power(n);
		return;
	}
	n->pid = run_cmd(cmd);
	progress(n, "shutdown", n->pid > 0 ? "run" : "error", "%s%s", cmd,
		 n->pid > 0 ? "" : " (cannot start it)");
	n->ph = PH_DOWN;
	n->deadline = now_s() + o->grace;
	n->next_probe = now_s() + 1;
	n->probe_fd = -1;
	n->misses = 0;
}

static void node_start(struct node *n, const struct poweroff_opts *o)
{
	char list[1024] = "", b[128];
	size_t len = 0;
	bool on = true;

	n->t0 = now_s();
	if (power_get(&n->s, &on) == EXIT_OK && !on) {
		n->dr = DR_SKIPPED;
		n->dn = DN_WAS_OFF;
		n->power_ok = true;
		progress(n, "power-off", "already", "slot already off");
		node_done(n);
		return;
	}
	if (!n->nmems) {
		n->dr = DR_NONE;
		progress(n, "drain", "none", "no member bound to slot %s", n->canon);
		go_shutdown(n, o);
		return;
	}
	for (size_t i = 0; i < n->nmems; i++) {
		struct lb_member *m = &n->mems[i].m;

		if (!(m->have & LB_HAVE_STATE) || m->state != LB_STATE_DRAIN)
			member_state(m, LB_STATE_DRAIN);
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
						member_str(m, b, sizeof(b)));
	}
	progress(n, "drain", "set", "%zu member%s: %s", n->nmems, n->nmems > 1 ? "s" : "", list);
	n->ph = PH_DRAIN;
	n->deadline = n->t0 + o->drain_timeout;
	/* From 1 s on, poll too: an idle member that was drained before sends no event. */
	n->next_poll = n->t0 + 1;
}

static void step_drain(struct node *n, const struct poweroff_opts *o, double now)
{
	size_t left = 0;

	if (now >= n->next_poll) {
		n->next_poll = now + 1;
		for (size_t i = 0; i < n->nmems; i++) {
			struct pmem *pm = &n->mems[i];
			struct lb_member cur;
			char b[128];

			if (pm->drained || member_get(&pm->m, &cur))
				continue;
			if ((cur.have & LB_HAVE_STATS) && cur.stats.active == 0) {
				pm->drained = true;
				progress(n, "drained", "idle", "%s: no active connection",
					 member_str(&pm->m, b, sizeof(b)));
				if (n->dr == DR_NONE)
					n->dr = DR_IDLE;
			}
		}
	}
	for (size_t i = 0; i < n->nmems; i++)
		left += !n->mems[i].drained;
	if (!left) {
		go_shutdown(n, o);
	} else if (now >= n->deadline) {
		n->dr = DR_TIMEOUT;
		progress(n, "drain-timeout", "timeout", "%zu member%s still busy after %us", left,
			 left > 1 ? "s" : "", o->drain_timeout);
		go_shutdown(n, o);
	}
}

/* Without an interface: is the node still answering TCP (even with a reset)? */
static void probe_step(struct node *n, double now)
{
	bool alive = false, miss = false;

	if (n->probe_fd < 0) {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (now < n->next_probe)
			return;
		memset(&ss, 0, sizeof(ss));
		if (n->probe.family == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_addr = n->probe.u.v6;
			s6->sin6_port = htons(n->probe.port);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_addr = n->probe.u.v4;
			s4->sin_port = htons(n->probe.port);
			sl = sizeof(*s4);
		}
		n->probe_fd = socket(n->probe.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (n->probe_fd < 0)
			return;
		n->probe_start = now;
		if (connect(n->probe_fd, (struct sockaddr *)&ss, sl) == 0 || errno == ECONNREFUSED)
			alive = true;
		else if (errno != EINPROGRESS)
			miss = true;
	} else {
		struct pollfd p = { .fd = n->probe_fd, .events = POLLOUT };

		if (poll(&p, 1, 0) > 0) {
			int err = 0;
			socklen_t l = sizeof(err);

			getsockopt(n->probe_fd, SOL_SOCKET, SO_ERROR, &err, &l);
			if (err == 0 || err == ECONNREFUSED)
				alive = true;
			else
				miss = true;
		} else if (now - n->probe_start >= PROBE_TIMEOUT) {
			miss = true;
		}
	}
	if (!alive && !miss)
		return;
	close(n->probe_fd);
	n->probe_fd = -1;
	n->next_probe = now + 1;
	n->misses = alive ? 0 : n->misses + 1;
	if (n->misses >= PROBE_MISSES)
		n->dn = DN_NOANSWER;
}

static void step_down(struct node *n, const struct poweroff_opts *o, double now)
{
	if (n->dev[0]) {
		enum link_st st = link_state(n->dev);

		if (st != LINK_UP) {
			n->dn = DN_LINK;
			progress(n, "down", "link", "link %s %s", n->dev,
				 st == LINK_ABSENT ? "removed" : "lost carrier");
		}
	} else if (n->probe.family) {
		probe_step(n, now);
		if (n->dn == DN_NOANSWER)
			progress(n, "down", "no-answer", "%s stopped answering", n->addr);
	}
	if (n->dn == DN_NONE && now >= n->deadline) {
		n->dn = DN_FORCED;
		progress(n, "down", "forced", "still up after the %us grace time", o->grace);
	}
	if (n->dn != DN_NONE) {
		if (n->probe_fd >= 0)
			close(n->probe_fd);
		n->probe_fd = -1;
		cut_power(n);
	}
}

/* ---- setup ---- */

static struct node *find_node(const struct slot *s)
{
	for (unsigned int i = 0; i < nnodes; i++)
		if (nodes[i].s.hat == s->hat && nodes[i].s.slot == s->slot)
			return &nodes[i];
	return NULL;
}

/*
 * Nodes for the given slots, with the members bound to them (when the
 * module answers) and the config file's node lines: address and interface.
 */
static int nodes_build(const struct slot *slots, unsigned int n, const struct poweroff_opts *o,
		       bool quiet_nl)
{
	struct lb_config cfg = { 0 };

	nodes = calloc(n ? n : 1, sizeof(*nodes));
	if (!nodes)
		return cli_error("out of memory");
	nnodes = n;
	for (unsigned int i = 0; i < n; i++) {
		nodes[i].s = slots[i];
		nodes[i].probe_fd = -1;
		slot_short(&slots[i], nodes[i].name, sizeof(nodes[i].name));
		snprintf(nodes[i].canon, sizeof(nodes[i].canon), "hat%u/p%u",
			 slots[i].hat, slots[i].slot);
	}
	have_nl = !(quiet_nl && access("/sys/module/clusterlb", F_OK)) && nl_open() == EXIT_OK &&
		  config_read(&cfg, NULL) == EXIT_OK;
	for (size_t i = 0; have_nl && i < cfg.nmems; i++) {
		struct lb_member *m = &cfg.mems[i];
		unsigned int h, s;
		struct node *nd;
		struct pmem *pm;

		if (!(m->have & LB_HAVE_SLOT) || parse_slot_parts(m->slot, &h, &s))
			continue;
		nd = find_node(&(struct slot){ h, s });
		if (!nd)
			continue;
		pm = realloc(nd->mems, (nd->nmems + 1) * sizeof(*pm));
		if (!pm)
			return config_free(&cfg), cli_error("out of memory");
		nd->mems = pm;
		nd->mems[nd->nmems++] = (struct pmem){ .m = *m };
		if (!nd->addr[0]) {
			format_addr(&m->addr, nd->addr, sizeof(nd->addr));
			nd->probe = m->addr;
		}
		if (!nd->dev[0] && (m->have & LB_HAVE_DEV))
			snprintf(nd->dev, sizeof(nd->dev), "%s", m->dev);
	}
	config_free(&cfg);
	/* The config file's node lines win: they are the admin's word. */
	for (unsigned int i = 0; i < o->nnodes; i++) {
		struct node *nd = find_node(&o->nodes[i].slot);
		char probe[80];

		if (!nd)
			continue;
		if (o->nodes[i].addr[0]) {
			snprintf(nd->addr, sizeof(nd->addr), "%s", o->nodes[i].addr);
			snprintf(probe, sizeof(probe), strchr(nd->addr, ':') ? "[%s]:22" : "%s:22",
				 nd->addr);
			if (parse_addr_port(probe, &nd->probe))
				nd->probe.family = 0;
		}
		if (o->nodes[i].dev[0])
			snprintf(nd->dev, sizeof(nd->dev), "%s", o->nodes[i].dev);
	}
	return EXIT_OK;
}

/* Slots of the command line (or all), checked against the boards. */
static int resolve_slots(const struct slot *in, unsigned int nin, bool all,
			 struct slot *out, unsigned int *nout)
{
	struct hat hats[POWER_MAX_HATS];
	unsigned int nhats;

	if (power_list_hats(hats, &nhats))
		return EXIT_KERNEL;
	*nout = 0;
	if (all) {
		for (unsigned int h = 0; h < nhats; h++)
			for (unsigned int i = 0; i < hats[h].nslots && *nout < POWER_MAX_SLOTS; i++)
				out[(*nout)++] = (struct slot){ hats[h].idx, i + 1 };
		return EXIT_OK;
	}
	for (unsigned int i = 0; i < nin; i++) {
		const struct hat *h = NULL;

		for (unsigned int j = 0; j < nhats; j++)
			if (hats[j].idx == in[i].hat)
				h = &hats[j];
		if (!h)
			return usage_error("no board hat%u", in[i].hat);
		if (in[i].slot > h->nslots)
			return usage_error("no slot p%u on hat%u (use p1-p%u)", in[i].slot, h->idx,
					   h->nslots);
		out[(*nout)++] = in[i];
	}
	return EXIT_OK;
}

static void free_nodes(void)
{
	for (unsigned int i = 0; i < nnodes; i++)
		free(nodes[i].mems);
	free(nodes);
	nodes = NULL;
	nnodes = 0;
}

static volatile sig_atomic_t stop_sig;

static void on_stop_signal(int sig)
{
	stop_sig = sig;
}

/* No SA_RESTART: the signal must end poll() at once. */
static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Stopped by a signal (Ctrl-C, systemd): no power is cut from then on, and
 * nodes still draining go back into rotation; a user who stops a poweroff
 * wants the cluster as it was, not nodes left draining until the next
 * restore. A node whose shutdown command ran is halting: its power is left
 * on, as it is after a plain "sudo poweroff".
 */
static void interrupted(void)
{
	for (unsigned int i = 0; i < nnodes; i++) {
		struct node *n = &nodes[i];

		switch (n->ph) {
		case PH_WAIT:
			progress(n, "interrupted", "not-started", "left as it was");
			break;
		case PH_DRAIN:
			restore_members(n);
			progress(n, "interrupted", "drain-cancelled", "drain cancelled, power left on");
			break;
		case PH_DOWN:
			progress(n, "interrupted", "shutting-down",
				 "the shutdown command ran, power left on");
			break;
		case PH_DONE:
			break;
		}
	}
}

/* halt-cmd, after the last node (also when the nodes could not be handled). */
static void run_halt(const struct poweroff_opts *o)
{
	pid_t pid;
	int st = 0;
	char d[64];

	progress(NULL, "halt", "run", "%s", o->halt_cmd);
	pid = run_cmd(o->halt_cmd);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	describe_status(st, d, sizeof(d));
	progress(NULL, "halt", pid > 0 && WIFEXITED(st) && !WEXITSTATUS(st) ? "ok" : "failed",
		 "%s", pid > 0 ? d : "cannot start it");
}

int do_poweroff(struct args *a)
{
	struct poweroff_opts o;
	struct slot slots[POWER_MAX_SLOTS];
	struct mnl_socket *rt;
	unsigned int n, started = 0, clean = 0;
	int ret = poweroff_parse(a, &o);

	if (ret == PARSE_HELP) {
		poweroff_usage(stdout);
		return EXIT_OK;
	}
	if (ret)
		return usage_error_parse();
	if (poweroff_conf_read(&o))
		return EXIT_USAGE;
	t_start = now_s();
	ret = resolve_slots(o.slots, o.nslots, o.all, slots, &n);
	if (!ret && nodes_build(slots, n, &o, false))
		ret = EXIT_KERNEL;
	if (ret) {
		/* No board (or no memory): still halt if asked, a UPS cannot wait. */
		if (o.halt)
			run_halt(&o);
		return ret;
	}
	if (!have_nl)
		fprintf(stderr, "Warning: no balancer configuration: nodes are shut down without draining\n");
	else
		events_open();
	rt = rtnl_open();
	catch_stop_signals();
	progress(NULL, "start", NULL, "%u node%s, %u at a time, drain-timeout %us, grace %us%s",
		 n, n == 1 ? "" : "s", o.parallel, o.drain_timeout, o.grace,
		 o.halt ? ", then halt" : "");

	for (;;) {
		struct pollfd pfd[2];
		unsigned int active = 0, npfd = 0;
		double now;

		for (unsigned int i = 0; i < n; i++)
			active += nodes[i].ph == PH_DRAIN || nodes[i].ph == PH_DOWN;
		while (active < o.parallel && started < n) {
			node_start(&nodes[started], &o);
			if (nodes[started].ph != PH_DONE)
				active++;
			started++;
		}
		if ((started == n && !active) || stop_sig)
			break;
		if (ev_sk)
			pfd[npfd++] = (struct pollfd){ .fd = mnl_socket_get_fd(ev_sk), .events = POLLIN };
		if (rt)
			pfd[npfd++] = (struct pollfd){ .fd = mnl_socket_get_fd(rt), .events = POLLIN };
		if (poll(pfd, npfd, POLL_MS) < 0 && stop_sig)
			break;
		events_read();
		drain_socket(rt);
		reap();
		now = now_s();
		for (unsigned int i = 0; i < started; i++) {
			if (nodes[i].ph == PH_DRAIN)
				step_drain(&nodes[i], &o, now);
			else if (nodes[i].ph == PH_DOWN)
				step_down(&nodes[i], &o, now);
		}
	}
	if (stop_sig)
		interrupted();
	for (unsigned int i = 0; i < n; i++)
		clean += node_clean(&nodes[i]);
	/* Let the shutdown commands still running finish or go. */
	for (int i = 0; i < 20 && !stop_sig; i++) {
		bool left = false;

		reap();
		for (unsigned int j = 0; j < n; j++)
			left |= nodes[j].pid > 0;
		if (!left)
			break;
		power_sleep_ms(100);
	}
	out_begin();
	print_uint(PRINT_JSON, "time_ms", NULL, (unsigned int)((now_s() - t_start) * 1000));
	print_text("[%7.1fs] ", now_s() - t_start);
	print_string(PRINT_JSON, "step", NULL, "summary");
	print_uint(PRINT_ANY, "nodes", "summary: %u nodes", n);
	print_uint(PRINT_ANY, "clean", ", %u clean", clean);
	print_uint(PRINT_ANY, "unclean", ", %u not clean", n - clean);
	if (stop_sig) {
		char sig[32];

		snprintf(sig, sizeof(sig), "SIG%s", sigabbrev_np(stop_sig) ?: "?");
		print_string(PRINT_ANY, "interrupted", ", interrupted by %s", sig);
	}
	print_nl();
	out_end();
	if (rt)
		mnl_socket_close(rt);
	if (ev_sk)
		mnl_socket_close(ev_sk);
	ev_sk = NULL;
	free_nodes();

	if (stop_sig)
		return 128 + stop_sig;	/* as a shell reports a signal; no halt */
	if (o.halt)
		run_halt(&o);
	return clean == n ? EXIT_OK : EXIT_KERNEL;
}

/* ---- power on ... wait ---- */

int power_wait_up(const struct slot *slots, unsigned int n, unsigned int timeout)
{
	struct poweroff_opts o;
	struct mnl_socket *rt;
	char missing[1024] = "";
	unsigned int up = 0, nmiss = 0;
	double end;
	size_t len = 0;

	poweroff_defaults(&o);
	if (poweroff_conf_read(&o))
		return EXIT_USAGE;
	t_start = now_s();
	if (nodes_build(slots, n, &o, true))
		return EXIT_KERNEL;
	rt = rtnl_open();
	end = t_start + timeout;
	for (unsigned int i = 0; i < n; i++) {
		if (!nodes[i].dev[0]) {
			progress(&nodes[i], "unknown", "no-dev", "no interface known (bind a member "
				 "with dev and slot %s, or add a node line to %s)", nodes[i].canon, o.conf);
			nodes[i].ph = PH_DONE;
		}
	}
	for (;;) {
		unsigned int waiting = 0;

		for (unsigned int i = 0; i < n; i++) {
			if (nodes[i].ph == PH_DONE)
				continue;
			if (link_state(nodes[i].dev) == LINK_UP) {
				nodes[i].ph = PH_DONE;
				nodes[i].power_ok = true;
				up++;
				progress(&nodes[i], "up", "link", "link %s up", nodes[i].dev);
			} else {
				waiting++;
			}
		}
		if (!waiting || now_s() >= end)
			break;
		if (rt) {
			struct pollfd p = { .fd = mnl_socket_get_fd(rt), .events = POLLIN };

			poll(&p, 1, 200);
			drain_socket(rt);
		} else {
			power_sleep_ms(200);
		}
	}
	if (rt)
		mnl_socket_close(rt);
	for (unsigned int i = 0; i < n; i++) {
		if (nodes[i].power_ok)
			continue;
		nmiss++;
		if (len < sizeof(missing))
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s (%s)",
						nmiss > 1 ? ", " : "", nodes[i].canon,
						nodes[i].dev[0] ? nodes[i].dev : "no interface known");
	}
	free_nodes();
	if (nmiss)
		return cli_error("%u node%s not up after %us: %s", nmiss, nmiss > 1 ? "s" : "",
				 timeout, missing);
	(void)up;
	return EXIT_OK;
}
