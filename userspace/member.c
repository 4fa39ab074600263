// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl member { add | set | del | show | help }: the grammar of
 * members. Parsing yields a struct lb_op (no netlink), which ops.c sends.
 */
#include <string.h>
#include <sys/socket.h>

#include "clusterlbctl.h"
#include "parse.h"

void member_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl member add PROTO VADDR:PORT ADDR:PORT [ weight WEIGHT ]\n"
		"                          [ state STATE ] [ dev IFNAME ] [ slot SLOT ]\n"
		"       clusterlbctl member set PROTO VADDR:PORT ADDR:PORT [ weight WEIGHT ]\n"
		"                          [ state STATE ] [ dev { IFNAME | none } ]\n"
		"                          [ slot { SLOT | none } ]\n"
		"       clusterlbctl member del PROTO VADDR:PORT ADDR:PORT\n"
		"       clusterlbctl member show [ PROTO VADDR:PORT ]\n"
		"where  PROTO := { tcp | udp }\n"
		"       VADDR:PORT, ADDR:PORT := { IPV4:PORT | [IPV6]:PORT } (same family)\n"
		"       WEIGHT := 0-65535 (default 1; 0 takes no new connections)\n"
		"       STATE := { active | drain | disabled | standby } (default active)\n"
		"       IFNAME := the interface the member sits behind, e.g. usb2\n"
		"       SLOT := { pN | hatN/pN }, the power slot feeding it, e.g. p2\n");
}

static const struct str_num member_cmds[] = {
	{ "add",	LB_OP_MEMBER_ADD },
	{ "set",	LB_OP_MEMBER_SET },
	{ "change",	LB_OP_MEMBER_SET },
	{ "del",	LB_OP_MEMBER_DEL },
	{ "delete",	LB_OP_MEMBER_DEL },
	{ NULL, 0 }
};

int member_parse(struct args *a, struct lb_op *op)
{
	struct lb_member *m = &op->mem;
	const char *cmd = arg_next(a), *kw, *p;
	char vip[LB_ADDRSTRLEN];
	int kind, ret;

	memset(op, 0, sizeof(*op));
	if (!cmd || is_kw(cmd, "help"))
		return cmd ? PARSE_HELP : parse_error("missing command (use add, set, del or show)");
	if (str_to_num(member_cmds, cmd, &kind))
		return parse_error("unknown member command \"%s\" (use add, set, del, show or help)", cmd);
	op->kind = (enum lb_op_kind)kind;
	ret = parse_svc_key(a, &m->svc);
	if (ret)
		return ret;
	format_addr_port(&m->svc.vip, vip, sizeof(vip));
	p = arg_next(a);
	if (is_kw(p, "help"))
		return PARSE_HELP;
	if (!p)
		return parse_error("missing member address after service %s (use IPV4:PORT or [IPV6]:PORT)",
				   vip);
	if (parse_addr_port(p, &m->addr))
		return -1;
	if (m->addr.family != m->svc.vip.family)
		return parse_error("member %s is %s but service %s is %s: they must be of the same family",
				   p, m->addr.family == AF_INET6 ? "IPv6" : "IPv4", vip,
				   m->svc.vip.family == AF_INET6 ? "IPv6" : "IPv4");

	while ((kw = arg_next(a))) {
		const char *val;

		if (is_kw(kw, "help"))
			return PARSE_HELP;
		if (op->kind == LB_OP_MEMBER_DEL)
			return parse_error("unexpected \"%s\" after the member (del takes no options)", kw);
		val = arg_next(a);
		if (is_kw(val, "help"))
			return PARSE_HELP;
		if (is_kw(kw, "weight")) {
			if (parse_once(&m->have, LB_HAVE_WEIGHT, "weight") ||
			    parse_weight(val, &m->weight))
				return -1;
		} else if (is_kw(kw, "state")) {
			if (parse_once(&m->have, LB_HAVE_STATE, "state") ||
			    parse_state(val, &m->state))
				return -1;
		} else if (is_kw(kw, "dev")) {
			if (parse_once(&m->have, LB_HAVE_DEV, "dev"))
				return -1;
			if (is_kw(val, "none"))
				m->dev[0] = '\0';
			else if (parse_ifname(val, m->dev, sizeof(m->dev)))
				return -1;
		} else if (is_kw(kw, "slot")) {
			if (parse_once(&m->have, LB_HAVE_SLOT, "slot"))
				return -1;
			if (is_kw(val, "none"))
				m->slot[0] = '\0';
			else if (parse_slot(val, m->slot, sizeof(m->slot)))
				return -1;
		} else {
			return parse_error("unknown keyword \"%s\" (use weight, state, dev, slot or help)", kw);
		}
	}
	if (op->kind == LB_OP_MEMBER_SET && !m->have)
		return parse_error("nothing to change (use weight, state, dev or slot)");
	/* On add, "none" is the default: send nothing. */
	if (op->kind == LB_OP_MEMBER_ADD) {
		if ((m->have & LB_HAVE_DEV) && !m->dev[0])
			m->have &= ~(unsigned int)LB_HAVE_DEV;
		if ((m->have & LB_HAVE_SLOT) && !m->slot[0])
			m->have &= ~(unsigned int)LB_HAVE_SLOT;
	}
	return 0;
}

int do_member(struct args *a)
{
	struct lb_op op;
	int ret;

	if (is_kw(arg_peek(a), "show") || is_kw(arg_peek(a), "list")) {
		arg_next(a);
		return do_show(a);
	}
	ret = member_parse(a, &op);
	if (ret == PARSE_HELP) {
		member_usage(stdout);
		return EXIT_OK;
	}
	if (ret)
		return usage_error_parse();
	return op_apply(&op);
}

/*
 * The member as the arguments of "member add" (without the command), e.g.
 * "tcp 192.168.1.10:80 172.19.181.2:80 weight 3 state active dev usb2
 * slot hat0/p2": the inverse of member_parse(), used by save and monitor.
 */
const char *member_format(const struct lb_member *m, char *buf, size_t len)
{
	char vip[LB_ADDRSTRLEN], addr[LB_ADDRSTRLEN];
	size_t n;

	n = (size_t)snprintf(buf, len, "%s %s %s", proto_name(m->svc.proto),
			     format_addr_port(&m->svc.vip, vip, sizeof(vip)),
			     format_addr_port(&m->addr, addr, sizeof(addr)));
	if ((m->have & LB_HAVE_WEIGHT) && n < len)
		n += (size_t)snprintf(buf + n, len - n, " weight %u", m->weight);
	if ((m->have & LB_HAVE_STATE) && m->state < LB_STATE_COUNT && n < len)
		n += (size_t)snprintf(buf + n, len - n, " state %s", state_name(m->state));
	if ((m->have & LB_HAVE_DEV) && m->dev[0] && n < len)
		n += (size_t)snprintf(buf + n, len - n, " dev %s", m->dev);
	if ((m->have & LB_HAVE_SLOT) && m->slot[0] && n < len)
		snprintf(buf + n, len - n, " slot %s", m->slot);
	return buf;
}
