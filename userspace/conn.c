// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl conn show [ PROTO VADDR:PORT [ member ADDR:PORT ] ]: the
 * connections the balancer has scheduled (like `ipvsadm -L -n -c`).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/clusterlb.h>

#include "clusterlbctl.h"
#include "config.h"
#include "msg.h"
#include "nl.h"
#include "output.h"
#include "parse.h"

void conn_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl conn [ show [ PROTO VADDR:PORT [ member ADDR:PORT ] ] ]\n"
		"where  PROTO := { tcp | udp }\n"
		"Lists the connections scheduled by the balancer, optionally only those\n"
		"of one service or one member.\n");
}

struct conn_list {
	struct lb_conn *v;
	size_t n;
};

static int conn_cb(const struct nlmsghdr *nlh, void *data)
{
	struct conn_list *l = data;
	struct lb_conn c, *nv;

	if (msg_parse_conn(nlh, &c)) {
		fprintf(stderr, "Warning: skipping a malformed connection message\n");
		return MNL_CB_OK;
	}
	nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return MNL_CB_ERROR;
	l->v = nv;
	l->v[l->n++] = c;
	return MNL_CB_OK;
}

static void conn_reset(void *data)
{
	((struct conn_list *)data)->n = 0;
}

/* Text column widths: the longest address:port of each column. */
static int w_client, w_service, w_member;

static void print_endpoint(const char *key, const struct lb_addr *a, int width)
{
	char buf[LB_ADDRSTRLEN];

	print_text(" %-*s", width, format_addr_port(a, buf, sizeof(buf)));
	open_json_object(key);
	print_string(PRINT_JSON, "address", NULL, format_addr(a, buf, sizeof(buf)));
	print_uint(PRINT_JSON, "port", NULL, a->port);
	close_json_object();
}

static int widest(int w, const struct lb_addr *a)
{
	char buf[LB_ADDRSTRLEN];
	int n = (int)strlen(format_addr_port(a, buf, sizeof(buf)));

	return n > w ? n : w;
}

static int conn_cmp(const void *x, const void *y)
{
	const struct lb_conn *a = x, *b = y;
	int r = lb_svc_key_cmp(&a->svc, &b->svc);

	if (!r)
		r = lb_addr_cmp(&a->member, &b->member);
	return r ? r : lb_addr_cmp(&a->client, &b->client);
}

/* Sorted by service, member, client, so listings are stable. */
void conn_print(struct lb_conn *v, size_t n)
{
	struct conn_list list = { v, n }, *l = &list;
	size_t i;

	if (n)
		qsort(v, n, sizeof(*v), conn_cmp);

	w_client = (int)strlen("Client");
	w_service = (int)strlen("Service");
	w_member = (int)strlen("Member");
	for (i = 0; i < l->n; i++) {
		w_client = widest(w_client, &l->v[i].client);
		w_service = widest(w_service, &l->v[i].svc.vip);
		w_member = widest(w_member, &l->v[i].member);
	}
	print_text("Pro  %-*s %-*s %-*s State    Age\n", w_client, "Client",
		   w_service, "Service", w_member, "Member");
	open_json_array("conns");
	for (i = 0; i < l->n; i++) {
		const struct lb_conn *c = &l->v[i];

		open_json_object(NULL);
		print_text("%-4s", c->svc.proto == IPPROTO_UDP ? "UDP" : "TCP");
		print_string(PRINT_JSON, "proto", NULL, proto_name(c->svc.proto));
		print_endpoint("client", &c->client, w_client);
		print_endpoint("service", &c->svc.vip, w_service);
		print_endpoint("member", &c->member, w_member);
		print_string(PRINT_ANY, "state", " %-8s", c->active ? "active" : "inactive");
		print_uint(PRINT_ANY, "age", " %us", c->age);
		print_nl();
		close_json_object();
	}
	close_json_array();
}

int do_conn(struct args *a)
{
	struct lb_svc_key key;
	struct lb_addr member;
	bool have_key = false, have_member = false;
	struct conn_list l = { 0 };
	struct nlmsghdr *nlh;
	const char *p;
	int ret;

	p = arg_next(a);
	if (is_kw(p, "help")) {
		conn_usage(stdout);
		return EXIT_OK;
	}
	if (p && !is_kw(p, "show") && !is_kw(p, "list"))
		return usage_error("unknown conn command \"%s\" (use show or help)", p);
	if (a->argc) {
		ret = parse_svc_key(a, &key);
		if (ret == PARSE_HELP) {
			conn_usage(stdout);
			return EXIT_OK;
		}
		if (ret)
			return usage_error_parse();
		have_key = true;
	}
	while ((p = arg_next(a))) {
		if (is_kw(p, "help")) {
			conn_usage(stdout);
			return EXIT_OK;
		} else if (is_kw(p, "member") && !have_member) {
			if (!have_key)
				return usage_error("\"member\" needs the service first "
						   "(conn show PROTO VADDR:PORT member ADDR:PORT)");
			p = arg_next(a);
			if (is_kw(p, "help")) {
				conn_usage(stdout);
				return EXIT_OK;
			}
			if (!p)
				return usage_error("missing member address after \"member\" "
						   "(use IPV4:PORT or [IPV6]:PORT)");
			if (parse_addr_port(p, &member))
				return usage_error_parse();
			if (member.family != key.vip.family)
				return usage_error("member %s and the service are not of the same family", p);
			have_member = true;
		} else {
			return usage_error("unexpected \"%s\" (use member ADDR:PORT or help)", p);
		}
	}

	ret = nl_open();
	if (ret)
		return ret;
	nlh = nl_msg(CLUSTERLB_CMD_CONN_GET, 0);
	if (have_key)
		msg_put_svc_key_nest(nlh, CLUSTERLB_A_CONN_SERVICE, &key);
	if (have_member)
		msg_put_member_key_nest(nlh, CLUSTERLB_A_CONN_MEMBER, &member);
	if (nl_dump(nlh, &msg_conn_set, conn_cb, conn_reset, &l)) {
		free(l.v);
		return EXIT_KERNEL;
	}
	out_begin();
	conn_print(l.v, l.n);
	out_end();
	free(l.v);
	return EXIT_OK;
}
