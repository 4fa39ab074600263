// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for clusterlbctl's output and message layers: `show` in
 * text and JSON (golden output, stable keys), and encoding/decoding of
 * clusterlb messages (lb.h values -> attributes -> lb.h values), with
 * replies built attribute by attribute from the UAPI header.
 *
 * KTAP output; the last line reads "N passed, N failed".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/clusterlb.h>

#include "clusterlbctl.h"
#include "config.h"
#include "msg.h"
#include "output.h"
#include "parse.h"

static int n, passed, failed;

static void result(int ok, const char *name, const char *diag)
{
	n++;
	if (!ok && diag) {
		const char *p = diag;

		/* Diagnostics as KTAP comments, line by line. */
		while (*p) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);

			printf("# %.*s\n", len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	printf("%s %d %s\n", ok ? "ok" : "not ok", n, name);
	if (ok)
		passed++;
	else
		failed++;
}

/* Run fn with stdout going to a buffer; returns the text (malloc'd). */
static char *capture(void (*fn)(const struct lb_config *), const struct lb_config *c)
{
	FILE *tmp = tmpfile();
	int saved = dup(1);
	long len;
	char *buf;

	fflush(stdout);
	dup2(fileno(tmp), 1);
	fn(c);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	len = lseek(fileno(tmp), 0, SEEK_END);
	buf = calloc(1, len > 0 ? (size_t)len + 1 : 1);
	if (!buf || (len > 0 && pread(fileno(tmp), buf, (size_t)len, 0) != len))
		abort();
	fclose(tmp);
	return buf;
}

static void show_doc(const struct lb_config *c)
{
	out_begin();
	show_config(c);
	out_end();
}

static void make_config(struct lb_config *c)
{
	struct lb_service s = { 0 };
	struct lb_member m = { 0 };

	memset(c, 0, sizeof(*c));
	s.key.proto = IPPROTO_TCP;
	parse_addr_port("192.168.1.10:80", &s.key.vip);
	snprintf(s.sched, sizeof(s.sched), "wrr");
	s.persist = 300;
	s.mask = 24;
	s.members = 2;
	s.have = LB_HAVE_SCHED | LB_HAVE_PERSIST | LB_HAVE_MASK | LB_HAVE_FLAGS | LB_HAVE_STATS;
	s.stats = (struct lb_stats){ 12, 2, 1, 345, 300, 45678, 1234567 };
	config_add_service(c, &s);

	m.svc = s.key;
	parse_addr_port("172.19.181.2:80", &m.addr);
	m.weight = 3;
	m.state = LB_STATE_ACTIVE;
	snprintf(m.dev, sizeof(m.dev), "usb2");
	snprintf(m.slot, sizeof(m.slot), "hat0/p2");
	m.stats = (struct lb_stats){ 10, 2, 1, 300, 250, 40000, 1000000 };
	m.have = LB_HAVE_WEIGHT | LB_HAVE_STATE | LB_HAVE_DEV | LB_HAVE_SLOT | LB_HAVE_HEALTH;
	config_add_member(c, &m);

	parse_addr_port("172.19.181.3:80", &m.addr);
	m.weight = 1;
	m.state = LB_STATE_DRAIN;
	m.dev[0] = m.slot[0] = '\0';
	m.health = LB_HEALTH_LINK_DOWN | LB_HEALTH_ERROR;
	m.retry_ms = 2500;
	m.stats = (struct lb_stats){ 2, 0, 0, 45, 50, 5678, 234567 };
	config_add_member(c, &m);

	memset(&s, 0, sizeof(s));
	s.key.proto = IPPROTO_UDP;
	parse_addr_port("[fd00:1::10]:53", &s.key.vip);
	snprintf(s.sched, sizeof(s.sched), "mh");
	s.mask = 128;
	s.flags = LB_SVC_F_FULLNAT | LB_SVC_F_HASH_PORT;
	s.have = LB_HAVE_SCHED | LB_HAVE_FLAGS;
	config_add_service(c, &s);
	config_sort(c);
}

static const char want_text[] =
"Prot LocalAddress:Port     Conns   InPkts  OutPkts  InBytes OutBytes Sched Options\n"
"  -> RemoteAddress:Port    Conns   InPkts  OutPkts  InBytes OutBytes Weight State    ActConn InActConn Dev    Slot     Health\n"
"TCP  192.168.1.10:80          12      345      300    45678  1234567 wrr persist 300 mask 24\n"
"  -> 172.19.181.2:80          10      300      250    40000  1000000 3      active         2         1 usb2   hat0/p2  ok\n"
"  -> 172.19.181.3:80           2       45       50     5678   234567 1      drain          0         0 -      -        link-down,error(retry 2.5s)\n"
"UDP  [fd00:1::10]:53           0        0        0        0        0 mh flags fullnat,hash-port\n";

static const char want_json[] =
"{\"services\":[{\"proto\":\"tcp\",\"family\":\"ipv4\",\"address\":\"192.168.1.10\",\"port\":80,"
"\"stats\":{\"conns\":12,\"pkts_in\":345,\"pkts_out\":300,\"bytes_in\":45678,\"bytes_out\":1234567,\"active\":2,\"inactive\":1},"
"\"sched\":\"wrr\",\"persist\":300,\"mask\":24,\"flags\":[],\"member_count\":2,\"members\":["
"{\"family\":\"ipv4\",\"address\":\"172.19.181.2\",\"port\":80,"
"\"stats\":{\"conns\":10,\"pkts_in\":300,\"pkts_out\":250,\"bytes_in\":40000,\"bytes_out\":1000000,\"active\":2,\"inactive\":1},"
"\"weight\":3,\"state\":\"active\",\"dev\":\"usb2\",\"slot\":\"hat0/p2\",\"health\":[],\"healthy\":true,\"retry_ms\":null},"
"{\"family\":\"ipv4\",\"address\":\"172.19.181.3\",\"port\":80,"
"\"stats\":{\"conns\":2,\"pkts_in\":45,\"pkts_out\":50,\"bytes_in\":5678,\"bytes_out\":234567,\"active\":0,\"inactive\":0},"
"\"weight\":1,\"state\":\"drain\",\"dev\":null,\"slot\":null,\"health\":[\"link-down\",\"error\"],\"healthy\":false,\"retry_ms\":2500}]},"
"{\"proto\":\"udp\",\"family\":\"ipv6\",\"address\":\"fd00:1::10\",\"port\":53,"
"\"stats\":{\"conns\":0,\"pkts_in\":0,\"pkts_out\":0,\"bytes_in\":0,\"bytes_out\":0,\"active\":0,\"inactive\":0},"
"\"sched\":\"mh\",\"persist\":0,\"mask\":128,\"flags\":[\"fullnat\",\"hash-port\"],\"member_count\":0,\"members\":[]}]}\n";

static void diff_result(const char *got, const char *want, const char *name)
{
	char *diag;

	if (!strcmp(got, want)) {
		result(1, name, NULL);
		return;
	}
	diag = malloc(strlen(got) + strlen(want) + 32);
	sprintf(diag, "got:\n%swant:\n%s", got, want);
	result(0, name, diag);
	free(diag);
}

static void test_show(void)
{
	struct lb_config c;
	char *got;
	json_object *doc;

	make_config(&c);
	out_init(false, false);
	got = capture(show_doc, &c);
	diff_result(got, want_text, "show: text table");
	free(got);

	out_init(true, false);
	got = capture(show_doc, &c);
	diff_result(got, want_json, "show -j: one document, stable keys");
	doc = json_tokener_parse(got);
	result(doc != NULL, "show -j: valid JSON", got);
	json_object_put(doc);
	free(got);

	out_init(true, true);
	got = capture(show_doc, &c);
	doc = json_tokener_parse(got);
	result(doc && strchr(got, '\n') != strrchr(got, '\n'), "show -j -p: indented, valid", got);
	json_object_put(doc);
	free(got);

	/* Strings with quotes or control characters are escaped by json-c. */
	snprintf(c.mems[0].dev, sizeof(c.mems[0].dev), "a\"b\\c\td");
	out_init(true, false);
	got = capture(show_doc, &c);
	doc = json_tokener_parse(got);
	{
		json_object *svcs, *mems, *dev;
		const char *v = NULL;

		if (doc && json_object_object_get_ex(doc, "services", &svcs) &&
		    json_object_object_get_ex(json_object_array_get_idx(svcs, 0), "members", &mems) &&
		    json_object_object_get_ex(json_object_array_get_idx(mems, 0), "dev", &dev))
			v = json_object_get_string(dev);
		result(v && !strcmp(v, "a\"b\\c\td"), "show -j: strings escaped", got);
	}
	json_object_put(doc);
	free(got);

	config_free(&c);
	out_init(false, false);
}

static struct lb_conn conns[3];

static void conn_doc(const struct lb_config *c)
{
	(void)c;
	out_begin();
	conn_print(conns, 3);
	out_end();
}

static void test_conn(void)
{
	char *got;

	conns[0].svc.proto = IPPROTO_TCP;
	parse_addr_port("192.168.1.10:80", &conns[0].svc.vip);
	parse_addr_port("172.19.181.3:80", &conns[0].member);
	parse_addr_port("192.0.2.7:40000", &conns[0].client);
	conns[0].active = true;
	conns[0].age = 12;
	conns[1] = conns[0];
	parse_addr_port("172.19.181.2:80", &conns[1].member);
	conns[1].active = false;
	conns[1].age = 3;
	conns[2].svc.proto = IPPROTO_UDP;
	parse_addr_port("[fd00:1::10]:53", &conns[2].svc.vip);
	parse_addr_port("[fd00:2::1]:53", &conns[2].member);
	parse_addr_port("[2001:db8::1234]:5353", &conns[2].client);

	out_init(false, false);
	got = capture(conn_doc, NULL);
	diff_result(got,
		    "Pro  Client                Service         Member          State    Age\n"
		    "TCP  192.0.2.7:40000       192.168.1.10:80 172.19.181.2:80 inactive 3s\n"
		    "TCP  192.0.2.7:40000       192.168.1.10:80 172.19.181.3:80 active   12s\n"
		    "UDP  [2001:db8::1234]:5353 [fd00:1::10]:53 [fd00:2::1]:53  inactive 0s\n",
		    "conn show: text, sorted, columns fit");
	free(got);
	out_init(true, false);
	got = capture(conn_doc, NULL);
	diff_result(got,
		    "{\"conns\":[{\"proto\":\"tcp\",\"client\":{\"address\":\"192.0.2.7\",\"port\":40000},"
		    "\"service\":{\"address\":\"192.168.1.10\",\"port\":80},"
		    "\"member\":{\"address\":\"172.19.181.2\",\"port\":80},\"state\":\"inactive\",\"age\":3},"
		    "{\"proto\":\"tcp\",\"client\":{\"address\":\"192.0.2.7\",\"port\":40000},"
		    "\"service\":{\"address\":\"192.168.1.10\",\"port\":80},"
		    "\"member\":{\"address\":\"172.19.181.3\",\"port\":80},\"state\":\"active\",\"age\":12},"
		    "{\"proto\":\"udp\",\"client\":{\"address\":\"2001:db8::1234\",\"port\":5353},"
		    "\"service\":{\"address\":\"fd00:1::10\",\"port\":53},"
		    "\"member\":{\"address\":\"fd00:2::1\",\"port\":53},\"state\":\"inactive\",\"age\":0}]}\n",
		    "conn show -j: stable keys");
	free(got);
	out_init(false, false);
}

/* ---- messages ---- */

static char buf[8192] __attribute__((aligned(8)));

static struct nlmsghdr *start(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = 0x20;
	g->cmd = cmd;
	g->version = CLUSTERLB_FAMILY_VERSION;
	return nlh;
}

static void test_msg(void)
{
	struct lb_op op;
	struct lb_service s;
	struct lb_member m;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	char *argv[16], line[256];
	struct args a;
	int argc;

	/* service: CLI -> message -> back */
	snprintf(line, sizeof(line), "add udp [fd00:1::10]:53 sched mh persist 60 mask 64 flags fullnat");
	argc = split_words(line, argv, 16);
	a = (struct args){ argc, argv };
	service_parse(&a, &op);
	nlh = start(CLUSTERLB_CMD_SERVICE_NEW);
	msg_put_service(nlh, &op.svc, true);
	result(msg_parse_service(nlh, &s) == 0 && lb_svc_key_equal(&s.key, &op.svc.key) &&
	       !strcmp(s.sched, "mh") && s.persist == 60 && s.mask == 64 &&
	       s.flags == LB_SVC_F_FULLNAT, "msg: service round trip", NULL);
	{
		struct nlattr *attr = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));

		result(mnl_attr_get_type(attr) == CLUSTERLB_A_SERVICE_PROTO &&
		       mnl_attr_get_u32(attr) == CLUSTERLB_PROTO_UDP,
		       "msg: proto sent as the UAPI enum", NULL);
	}

	/* member: CLI -> message -> back */
	snprintf(line, sizeof(line), "set tcp 192.168.1.10:80 172.19.181.2:8080 weight 7 state standby dev usb2 slot p3");
	argc = split_words(line, argv, 16);
	a = (struct args){ argc, argv };
	member_parse(&a, &op);
	nlh = start(CLUSTERLB_CMD_MEMBER_SET);
	msg_put_member(nlh, &op.mem, true);
	result(msg_parse_member(nlh, &m) == 0 && lb_svc_key_equal(&m.svc, &op.mem.svc) &&
	       lb_addr_equal(&m.addr, &op.mem.addr) && m.weight == 7 &&
	       m.state == LB_STATE_STANDBY && !strcmp(m.dev, "usb2") &&
	       !strcmp(m.slot, "hat0/p3"), "msg: member round trip", NULL);

	/* A member reply as the kernel builds it: health, stats. */
	nlh = start(CLUSTERLB_CMD_MEMBER_GET);
	nest = mnl_attr_nest_start(nlh, CLUSTERLB_A_MEMBER_SERVICE);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PROTO, CLUSTERLB_PROTO_TCP);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_ADDR4, inet_addr("10.0.0.1"));
	mnl_attr_put_u16(nlh, CLUSTERLB_A_SERVICE_PORT, 80);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_ADDR4, inet_addr("10.0.0.2"));
	mnl_attr_put_u16(nlh, CLUSTERLB_A_MEMBER_PORT, 8080);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_WEIGHT, 65535);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_STATE, CLUSTERLB_MEMBER_STATE_DRAIN);
	mnl_attr_put_strz(nlh, CLUSTERLB_A_MEMBER_IFNAME, "");
	mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_HEALTH,
			 CLUSTERLB_HEALTH_FLAGS_SLOT_OFF | CLUSTERLB_HEALTH_FLAGS_ERROR);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_HEALTH_RETRY_MS, 1500);
	nest = mnl_attr_nest_start(nlh, CLUSTERLB_A_MEMBER_STATS);
	mnl_attr_put_u64(nlh, CLUSTERLB_A_STATS_CONNS, 1ULL << 40);
	mnl_attr_put_u64(nlh, CLUSTERLB_A_STATS_BYTES_OUT, 77);
	mnl_attr_nest_end(nlh, nest);
	result(msg_parse_member(nlh, &m) == 0 && m.svc.vip.port == 80 && m.addr.port == 8080 &&
	       m.weight == 65535 && m.state == LB_STATE_DRAIN && m.dev[0] == '\0' &&
	       m.health == (LB_HEALTH_SLOT_OFF | LB_HEALTH_ERROR) && m.retry_ms == 1500 &&
	       m.stats.conns == 1ULL << 40 && m.stats.bytes_out == 77,
	       "msg: member reply with health and 64-bit stats", NULL);

	/* A reply missing its key is refused rather than half-read. */
	nlh = start(CLUSTERLB_CMD_SERVICE_GET);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PROTO, CLUSTERLB_PROTO_TCP);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_SERVICE_PORT, 80);
	result(msg_parse_service(nlh, &s) == -1, "msg: service without address refused", NULL);
	nlh = start(CLUSTERLB_CMD_SERVICE_GET);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PROTO, 99);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_ADDR4, 0);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_SERVICE_PORT, 80);
	result(msg_parse_service(nlh, &s) == -1, "msg: unknown proto refused", NULL);

	/* A connection record. */
	{
		struct lb_conn cn;

		nlh = start(CLUSTERLB_CMD_CONN_GET);
		nest = mnl_attr_nest_start(nlh, CLUSTERLB_A_CONN_SERVICE);
		mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PROTO, CLUSTERLB_PROTO_UDP);
		mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_ADDR4, inet_addr("10.0.0.1"));
		mnl_attr_put_u16(nlh, CLUSTERLB_A_SERVICE_PORT, 53);
		mnl_attr_nest_end(nlh, nest);
		nest = mnl_attr_nest_start(nlh, CLUSTERLB_A_CONN_MEMBER);
		mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_ADDR4, inet_addr("10.0.0.2"));
		mnl_attr_put_u16(nlh, CLUSTERLB_A_MEMBER_PORT, 5353);
		mnl_attr_nest_end(nlh, nest);
		mnl_attr_put_u32(nlh, CLUSTERLB_A_CONN_CLIENT_ADDR4, inet_addr("192.0.2.7"));
		mnl_attr_put_u16(nlh, CLUSTERLB_A_CONN_CLIENT_PORT, 40000);
		mnl_attr_put_u32(nlh, CLUSTERLB_A_CONN_STATE, CLUSTERLB_CONN_STATE_ACTIVE);
		mnl_attr_put_u32(nlh, CLUSTERLB_A_CONN_AGE, 42);
		result(msg_parse_conn(nlh, &cn) == 0 && cn.svc.proto == IPPROTO_UDP &&
		       cn.member.port == 5353 && cn.client.port == 40000 && cn.active &&
		       cn.age == 42, "msg: connection record", NULL);
	}
}

/* The extended ACK's attribute offset, mapped back to a name. */
static void test_extack_names(void)
{
	struct lb_op op;
	struct nlmsghdr *nlh;
	const struct nlattr *a, *b;
	uint32_t off_weight = 0, off_port = 0, off_nest = 0;
	char *argv[16], line[256], name[128];
	struct args args;
	int argc;

	snprintf(line, sizeof(line), "add tcp 192.168.1.10:80 172.19.181.2:80 weight 3 slot p2");
	argc = split_words(line, argv, 16);
	args = (struct args){ argc, argv };
	member_parse(&args, &op);
	nlh = start(CLUSTERLB_CMD_MEMBER_NEW);
	msg_put_member(nlh, &op.mem, true);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		uint32_t off = (uint32_t)((const char *)a - (const char *)nlh);

		if (mnl_attr_get_type(a) == CLUSTERLB_A_MEMBER_WEIGHT)
			off_weight = off;
		if (mnl_attr_get_type(a) == CLUSTERLB_A_MEMBER_SERVICE) {
			off_nest = off;
			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == CLUSTERLB_A_SERVICE_PORT)
					off_port = (uint32_t)((const char *)b - (const char *)nlh);
		}
	}
	nl_attr_name_at(nlh, off_weight, &msg_member_set, name, sizeof(name));
	result(!strcmp(name, "weight"), "extack: offset names member weight", name);
	nl_attr_name_at(nlh, off_port, &msg_member_set, name, sizeof(name));
	result(!strcmp(name, "service.port"), "extack: offset in a nest names service.port", name);
	nl_attr_name_at(nlh, off_nest, &msg_member_set, name, sizeof(name));
	result(!strcmp(name, "service"), "extack: offset of the nest names service", name);
	nl_attr_name_at(nlh, 7, &msg_member_set, name, sizeof(name));
	result(!strcmp(name, "at offset 7"), "extack: an offset inside the header", name);
	nl_attr_name_at(nlh, 100000, &msg_member_set, name, sizeof(name));
	result(!strcmp(name, "at offset 100000"), "extack: an offset past the end", name);
}

int main(void)
{
	printf("KTAP version 1\n1..19\n");
	test_show();
	test_conn();
	test_msg();
	test_extack_names();
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", passed, failed);
	printf("%d passed, %d failed\n", passed, failed);
	return failed || n != 19;
}
