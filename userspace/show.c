// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl show [ PROTO VADDR:PORT ]: the services and members with
 * their counters, state and health, as a table like `ipvsadm -L -n --stats`
 * or (-j) one JSON document. The object printers here also serve monitor,
 * so a service or member has the same JSON keys everywhere.
 */
#include <string.h>
#include <sys/socket.h>

#include "clusterlbctl.h"
#include "config.h"
#include "output.h"
#include "parse.h"

void show_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl show [ PROTO VADDR:PORT ]\n"
		"       clusterlbctl -j [ -p ] show [ PROTO VADDR:PORT ]\n"
		"where  PROTO := { tcp | udp }\n"
		"Lists services and their members with counters, state and health.\n");
}

/* Width of the address column in text mode (0 when printing objects alone). */
static int addr_w;

#define STATS_HDR "    Conns   InPkts  OutPkts  InBytes OutBytes"

static void print_stats(const struct lb_stats *st)
{
	open_json_object("stats");
	print_u64(PRINT_ANY, "conns", " %8llu", st->conns);
	print_u64(PRINT_ANY, "pkts_in", " %8llu", st->pkts_in);
	print_u64(PRINT_ANY, "pkts_out", " %8llu", st->pkts_out);
	print_u64(PRINT_ANY, "bytes_in", " %8llu", st->bytes_in);
	print_u64(PRINT_ANY, "bytes_out", " %8llu", st->bytes_out);
	print_u64(PRINT_JSON, "active", NULL, st->active);
	print_u64(PRINT_JSON, "inactive", NULL, st->inactive);
	close_json_object();
}

static void print_addr(const char *prefix, const struct lb_addr *a)
{
	char buf[LB_ADDRSTRLEN];

	print_text("%s%-*s", prefix, addr_w, format_addr_port(a, buf, sizeof(buf)));
	print_string(PRINT_JSON, "family", NULL, a->family == AF_INET6 ? "ipv6" : "ipv4");
	print_string(PRINT_JSON, "address", NULL, format_addr(a, buf, sizeof(buf)));
	print_uint(PRINT_JSON, "port", NULL, a->port);
}

static void print_flag_array(const char *key, const struct str_num *map, uint32_t flags)
{
	open_json_array(key);
	for (; map->str; map++)
		if (flags & (uint32_t)map->num)
			print_string(PRINT_JSON, NULL, NULL, map->str);
	close_json_array();
}

/* The service's fields into the open JSON object / the current text line. */
void print_service_obj(const struct lb_service *s)
{
	char up[8], flags[64];
	size_t i;

	snprintf(up, sizeof(up), "%s", proto_name(s->key.proto));
	for (i = 0; up[i]; i++)
		up[i] = (char)(up[i] - 'a' + 'A');
	print_text("%-4s ", up);
	print_string(PRINT_JSON, "proto", NULL, proto_name(s->key.proto));
	print_addr("", &s->key.vip);
	print_stats(&s->stats);
	print_string(PRINT_ANY, "sched", " %s", s->sched);
	print_uint(PRINT_JSON, "persist", NULL, s->persist);
	print_uint(PRINT_JSON, "mask", NULL, s->mask);
	if (s->persist)
		print_text(" persist %u mask %u", s->persist, s->mask);
	print_flag_array("flags", lb_svc_flag_names, s->flags);
	if (s->flags)
		print_text(" flags %s", format_flags(lb_svc_flag_names, s->flags,
						     flags, sizeof(flags)));
	print_uint(PRINT_JSON, "member_count", NULL, s->members);
}

static const char *health_text(const struct lb_member *m, char *buf, size_t len)
{
	size_t n;

	if (!m->health)
		return "ok";
	format_flags(lb_health_names, m->health, buf, len);
	n = strlen(buf);
	if ((m->health & LB_HEALTH_ERROR) && n < len)
		snprintf(buf + n, len - n, "(retry %u.%us)", m->retry_ms / 1000,
			 m->retry_ms % 1000 / 100);
	return buf;
}

void print_member_obj(const struct lb_member *m)
{
	char health[64];

	print_addr("  -> ", &m->addr);
	print_stats(&m->stats);
	print_uint(PRINT_ANY, "weight", " %-6u", m->weight);
	print_string(PRINT_ANY, "state", " %-8s", state_name(m->state));
	print_text(" %7llu %9llu", (unsigned long long)m->stats.active,
		   (unsigned long long)m->stats.inactive);
	if (m->dev[0])
		print_string(PRINT_ANY, "dev", " %-6s", m->dev);
	else
		print_null(PRINT_ANY, "dev", " %-6s", "-");
	if (m->slot[0])
		print_string(PRINT_ANY, "slot", " %-8s", m->slot);
	else
		print_null(PRINT_ANY, "slot", " %-8s", "-");
	/* Last: the only column of varying width. */
	print_text(" %s", health_text(m, health, sizeof(health)));
	print_flag_array("health", lb_health_names, m->health);
	print_bool(PRINT_JSON, "healthy", NULL, m->health == 0);
	if (m->health & LB_HEALTH_ERROR)
		print_uint(PRINT_JSON, "retry_ms", NULL, m->retry_ms);
	else
		print_null(PRINT_JSON, "retry_ms", NULL, NULL);
}

/* The service key, as monitor's JSON names the service of a member. */
void print_svc_key_obj(const struct lb_svc_key *k)
{
	char buf[LB_ADDRSTRLEN];

	print_string(PRINT_JSON, "proto", NULL, proto_name(k->proto));
	print_string(PRINT_JSON, "family", NULL, k->vip.family == AF_INET6 ? "ipv6" : "ipv4");
	print_string(PRINT_JSON, "address", NULL, format_addr(&k->vip, buf, sizeof(buf)));
	print_uint(PRINT_JSON, "port", NULL, k->vip.port);
}

static void compute_width(const struct lb_config *c)
{
	char buf[LB_ADDRSTRLEN];
	size_t i;
	int w = (int)strlen("RemoteAddress:Port");

	for (i = 0; i < c->nsvcs; i++) {
		int n = (int)strlen(format_addr_port(&c->svcs[i].key.vip, buf, sizeof(buf)));

		if (n > w)
			w = n;
	}
	for (i = 0; i < c->nmems; i++) {
		int n = (int)strlen(format_addr_port(&c->mems[i].addr, buf, sizeof(buf)));

		if (n > w)
			w = n;
	}
	addr_w = w;
}

void show_config(const struct lb_config *c)
{
	size_t i, j = 0;

	compute_width(c);
	print_text("Prot %-*s%s Sched Options\n", addr_w, "LocalAddress:Port", STATS_HDR);
	print_text("  -> %-*s%s Weight State    ActConn InActConn Dev    Slot     Health\n",
		   addr_w, "RemoteAddress:Port", STATS_HDR);
	open_json_array("services");
	for (i = 0; i < c->nsvcs; i++) {
		const struct lb_service *s = &c->svcs[i];

		open_json_object(NULL);
		print_service_obj(s);
		print_nl();
		open_json_array("members");
		/* Members are sorted by service, in the same order as services. */
		for (; j < c->nmems && lb_svc_key_cmp(&c->mems[j].svc, &s->key) <= 0; j++) {
			if (!lb_svc_key_equal(&c->mems[j].svc, &s->key))
				continue;
			open_json_object(NULL);
			print_member_obj(&c->mems[j]);
			print_nl();
			close_json_object();
		}
		close_json_array();
		close_json_object();
	}
	close_json_array();
}

int do_show(struct args *a)
{
	struct lb_svc_key key, *filter = NULL;
	struct lb_config c;
	int ret;

	if (a->argc) {
		ret = parse_svc_key(a, &key);
		if (ret == PARSE_HELP) {
			show_usage(stdout);
			return EXIT_OK;
		}
		if (ret)
			return usage_error_parse();
		if (is_kw(arg_peek(a), "help")) {
			show_usage(stdout);
			return EXIT_OK;
		}
		if (a->argc)
			return usage_error("unexpected \"%s\" after the service", arg_peek(a));
		filter = &key;
	}
	ret = config_read(&c, filter);
	if (ret)
		return ret;
	out_begin();
	show_config(&c);
	out_end();
	config_free(&c);
	return EXIT_OK;
}
