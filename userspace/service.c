// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl service { add | set | del | show | help }: the grammar of
 * services. Parsing yields a struct lb_op (no netlink), which ops.c sends.
 */
#include <string.h>
#include <sys/socket.h>

#include "clusterlbctl.h"
#include "parse.h"

void service_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl service add PROTO VADDR:PORT [ sched NAME ]\n"
		"                          [ persist DURATION [ mask MASK ] ] [ flags FLAGS ]\n"
		"       clusterlbctl service set PROTO VADDR:PORT [ sched NAME ]\n"
		"                          [ persist DURATION ] [ mask MASK ] [ flags FLAGS ]\n"
		"       clusterlbctl service del PROTO VADDR:PORT\n"
		"       clusterlbctl service show [ PROTO VADDR:PORT ]\n"
		"where  PROTO := { tcp | udp }\n"
		"       VADDR:PORT := { IPV4:PORT | [IPV6]:PORT }\n"
		"       NAME := { rr | wrr | lc | wlc | sh | mh | ... } (default wrr)\n"
		"       DURATION := SECONDS[s|m|h|d] (0 turns persistence off)\n"
		"       MASK := { PREFIXLEN | IPV4-NETMASK }\n"
		"       FLAGS := { FLAG[,FLAG...] | none }  FLAG := { fullnat | hash-port }\n");
}

int parse_svc_key(struct args *a, struct lb_svc_key *key)
{
	const char *p = arg_next(a);

	if (is_kw(p, "help"))
		return PARSE_HELP;
	if (parse_proto(p, &key->proto))
		return -1;
	p = arg_next(a);
	if (is_kw(p, "help"))
		return PARSE_HELP;
	if (!p)
		return parse_error("missing service address after \"%s\" (use IPV4:PORT or [IPV6]:PORT)",
				   proto_name(key->proto));
	return parse_addr_port(p, &key->vip);
}

static const struct str_num service_cmds[] = {
	{ "add",	LB_OP_SERVICE_ADD },
	{ "set",	LB_OP_SERVICE_SET },
	{ "change",	LB_OP_SERVICE_SET },
	{ "del",	LB_OP_SERVICE_DEL },
	{ "delete",	LB_OP_SERVICE_DEL },
	{ NULL, 0 }
};

int service_parse(struct args *a, struct lb_op *op)
{
	struct lb_service *s = &op->svc;
	const char *cmd = arg_next(a), *kw;
	int kind, ret;

	memset(op, 0, sizeof(*op));
	if (!cmd || is_kw(cmd, "help"))
		return cmd ? PARSE_HELP : parse_error("missing command (use add, set, del or show)");
	if (str_to_num(service_cmds, cmd, &kind))
		return parse_error("unknown service command \"%s\" (use add, set, del, show or help)", cmd);
	op->kind = (enum lb_op_kind)kind;
	ret = parse_svc_key(a, &s->key);
	if (ret)
		return ret;

	while ((kw = arg_next(a))) {
		const char *val;

		if (is_kw(kw, "help"))
			return PARSE_HELP;
		if (op->kind == LB_OP_SERVICE_DEL)
			return parse_error("unexpected \"%s\" after the service (del takes no options)", kw);
		val = arg_next(a);
		if (is_kw(val, "help"))
			return PARSE_HELP;
		if (is_kw(kw, "sched") || is_kw(kw, "scheduler")) {
			if (parse_once(&s->have, LB_HAVE_SCHED, "sched") ||
			    parse_sched(val, s->sched, sizeof(s->sched)))
				return -1;
		} else if (is_kw(kw, "persist") || is_kw(kw, "persistent")) {
			if (parse_once(&s->have, LB_HAVE_PERSIST, "persist") ||
			    parse_duration(val, "persist", LB_PERSIST_MAX, &s->persist))
				return -1;
		} else if (is_kw(kw, "mask")) {
			if (parse_once(&s->have, LB_HAVE_MASK, "mask") ||
			    parse_mask(val, s->key.vip.family, &s->mask))
				return -1;
		} else if (is_kw(kw, "flags")) {
			if (parse_once(&s->have, LB_HAVE_FLAGS, "flags") ||
			    parse_svc_flags(val, &s->flags))
				return -1;
		} else {
			return parse_error("unknown keyword \"%s\" (use sched, persist, mask, flags or help)", kw);
		}
	}
	if (op->kind == LB_OP_SERVICE_SET && !s->have)
		return parse_error("nothing to change (use sched, persist, mask or flags)");
	if (op->kind == LB_OP_SERVICE_ADD && (s->have & LB_HAVE_MASK) &&
	    !((s->have & LB_HAVE_PERSIST) && s->persist))
		return parse_error("\"mask\" needs \"persist\" with a timeout above 0");
	return 0;
}

int do_service(struct args *a)
{
	struct lb_op op;
	int ret;

	if (is_kw(arg_peek(a), "show") || is_kw(arg_peek(a), "list")) {
		arg_next(a);
		return do_show(a);
	}
	ret = service_parse(a, &op);
	if (ret == PARSE_HELP) {
		service_usage(stdout);
		return EXIT_OK;
	}
	if (ret)
		return usage_error_parse();
	return op_apply(&op);
}

/*
 * The service as the arguments of "service add" (without the command),
 * e.g. "tcp 192.168.1.10:80 sched wrr persist 300 mask 24": the inverse of
 * service_parse(), used by save and monitor.
 */
const char *service_format(const struct lb_service *s, char *buf, size_t len)
{
	char addr[LB_ADDRSTRLEN], flags[64];
	size_t n;

	n = (size_t)snprintf(buf, len, "%s %s", proto_name(s->key.proto),
			     format_addr_port(&s->key.vip, addr, sizeof(addr)));
	if ((s->have & LB_HAVE_SCHED) && n < len)
		n += (size_t)snprintf(buf + n, len - n, " sched %s", s->sched);
	if ((s->have & LB_HAVE_PERSIST) && s->persist && n < len) {
		n += (size_t)snprintf(buf + n, len - n, " persist %u", s->persist);
		if ((s->have & LB_HAVE_MASK) && n < len &&
		    s->mask != (s->key.vip.family == AF_INET6 ? 128 : 32))
			n += (size_t)snprintf(buf + n, len - n, " mask %u", s->mask);
	}
	if ((s->have & LB_HAVE_FLAGS) && s->flags && n < len)
		snprintf(buf + n, len - n, " flags %s",
			 format_flags(lb_svc_flag_names, s->flags, flags, sizeof(flags)));
	return buf;
}
