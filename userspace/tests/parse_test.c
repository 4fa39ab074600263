// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for clusterlbctl's parsers: values (addresses with ports,
 * IPv6 in brackets, weights, states, slots, durations, masks, names), the
 * service/member grammar, the batch word splitter, save's formatting as the
 * inverse of parsing, and restore's checks. No kernel, no netlink.
 *
 * Output is KTAP; the last line reads "N passed, N failed"; the exit status
 * is 1 if anything failed.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "clusterlbctl.h"
#include "config.h"
#include "parse.h"

struct result {
	char *name;
	char *diag;
	int ok;
};

static struct result *results;
static int nresults, npassed, nfailed;

static void record(int ok, const char *diag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void record(int ok, const char *diag, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	results = realloc(results, (size_t)(nresults + 1) * sizeof(*results));
	if (!results)
		abort();
	results[nresults].name = strdup(name);
	results[nresults].diag = diag ? strdup(diag) : NULL;
	results[nresults++].ok = ok;
	if (ok)
		npassed++;
	else
		nfailed++;
}

/* A failing parse whose message must mention every fragment given. */
static void expect_error(int ret, const char *what, const char *input, ...)
{
	const char *frag, *msg = parse_error_msg();
	char diag[700];
	int ok = ret == -1;
	va_list ap;

	va_start(ap, input);
	while (ok && (frag = va_arg(ap, const char *)))
		ok = strstr(msg, frag) != NULL;
	va_end(ap);
	snprintf(diag, sizeof(diag), "ret %d, message: %s", ret, msg);
	record(ok, ok ? NULL : diag, "%s rejects \"%s\"", what, input ? input : "(null)");
}

static void expect_ok(int ret, int cond, const char *what, const char *input)
{
	char diag[700];

	snprintf(diag, sizeof(diag), "ret %d, message: %s", ret, ret ? parse_error_msg() : "");
	record(ret == 0 && cond, ret == 0 && cond ? NULL : diag, "%s accepts \"%s\"", what, input);
}

/* Evaluate call before cond (function arguments have no order). */
#define OK(call, cond, what, input)				\
	do {							\
		int _ret = (call);				\
		expect_ok(_ret, (cond), what, input);		\
	} while (0)

/* ---- addresses ---- */

static void test_addr(void)
{
	static const char *const bad[][2] = {
		/* input, a fragment the message must contain besides the input */
		{ "192.168.1.10", "missing port" },
		{ "192.168.1.10:", "missing port" },
		{ "192.168.1.10:0", "1-65535" },
		{ "192.168.1.10:65536", "1-65535" },
		{ "192.168.1.10:99999", "1-65535" },
		{ "192.168.1.10:80x", "1-65535" },
		{ "192.168.1.10:+80", "1-65535" },
		{ "192.168.1.10:-1", "1-65535" },
		{ "192.168.1.10: 80", "1-65535" },
		{ "192.168.1.10:80 ", "1-65535" },
		{ "256.1.1.1:80", "not an IPv4 address" },
		{ "1.2.3:80", "not an IPv4 address" },
		{ "host.example:80", "not an IPv4 address" },
		{ ":80", "IPv4" },
		{ "fd00::1:80", "need brackets" },
		{ "fd00:1::10", "need brackets" },
		{ "[fd00::1:80", "missing ']'" },
		{ "[fd00::1]", "missing port" },
		{ "[fd00::1]80", "junk" },
		{ "[fd00::1]:", "missing port" },
		{ "[fd00::1]:0", "1-65535" },
		{ "[fd00::1]:65536", "1-65535" },
		{ "[fd00::1]:80:1", "1-65535" },
		{ "[192.168.1.1]:80", "not an IPv6 address" },
		{ "[]:80", "IPv6" },
		{ "[fd00::zz]:80", "not an IPv6 address" },
		{ "", "missing" },
	};
	struct lb_addr a;
	char buf[LB_ADDRSTRLEN];
	size_t i;
	int ret;

	ret = parse_addr_port("192.168.1.10:80", &a);
	expect_ok(ret, a.family == AF_INET && a.port == 80 &&
		  a.u.v4.s_addr == inet_addr("192.168.1.10"), "address", "192.168.1.10:80");
	ret = parse_addr_port("0.0.0.0:1", &a);
	expect_ok(ret, a.port == 1, "address", "0.0.0.0:1");
	ret = parse_addr_port("[fd00:1::10]:80", &a);
	expect_ok(ret, a.family == AF_INET6 && a.port == 80, "address", "[fd00:1::10]:80");
	ret = parse_addr_port("[::1]:65535", &a);
	expect_ok(ret, a.family == AF_INET6 && a.port == 65535, "address", "[::1]:65535");
	ret = parse_addr_port("[::ffff:10.0.0.1]:443", &a);
	expect_ok(ret, a.family == AF_INET6, "address", "[::ffff:10.0.0.1]:443");

	/* Formatting is parsing's inverse, brackets included. */
	parse_addr_port("[fd00:1::10]:80", &a);
	record(!strcmp(format_addr_port(&a, buf, sizeof(buf)), "[fd00:1::10]:80"), buf,
	       "format_addr_port brackets IPv6");
	parse_addr_port("172.19.181.2:8080", &a);
	record(!strcmp(format_addr_port(&a, buf, sizeof(buf)), "172.19.181.2:8080"), buf,
	       "format_addr_port IPv4");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(parse_addr_port(bad[i][0], &a), "address", bad[i][0],
			     bad[i][0], bad[i][1], NULL);
	expect_error(parse_addr_port(NULL, &a), "address", NULL, "missing", NULL);
}

/* ---- numbers, states, names ---- */

static void test_values(void)
{
	static const char *const bad_weights[] = {
		"65536", "-1", "3.5", "", "1e3", "0x10", " 1", "1 ", "99999999999999999999", "w"
	};
	static const char *const bad_states[] = { "Active", "drained", "", "up", "active " };
	static const char *const states[] = { "active", "drain", "disabled", "standby" };
	enum lb_state st;
	uint32_t v;
	uint8_t proto, mask;
	char name[64];
	size_t i;

	OK(parse_weight("0", &v), v == 0, "weight", "0");
	OK(parse_weight("65535", &v), v == 65535, "weight", "65535");
	OK(parse_weight("3", &v), v == 3, "weight", "3");
	for (i = 0; i < sizeof(bad_weights) / sizeof(bad_weights[0]); i++)
		expect_error(parse_weight(bad_weights[i], &v), "weight", bad_weights[i],
			     "weight", "0-65535", NULL);
	expect_error(parse_weight(NULL, &v), "weight", NULL, "missing weight", NULL);

	for (i = 0; i < 4; i++)
		OK(parse_state(states[i], &st), st == (enum lb_state)i &&
			  !strcmp(state_name(st), states[i]), "state", states[i]);
	for (i = 0; i < sizeof(bad_states) / sizeof(bad_states[0]); i++)
		expect_error(parse_state(bad_states[i], &st), "state", bad_states[i],
			     "active, drain, disabled or standby", NULL);

	OK(parse_proto("tcp", &proto), proto == IPPROTO_TCP, "proto", "tcp");
	OK(parse_proto("udp", &proto), proto == IPPROTO_UDP, "proto", "udp");
	expect_error(parse_proto("TCP", &proto), "proto", "TCP", "\"TCP\"", "tcp or udp", NULL);
	expect_error(parse_proto("sctp", &proto), "proto", "sctp", "tcp or udp", NULL);

	OK(parse_duration("300", "persist", LB_PERSIST_MAX, &v), v == 300, "duration", "300");
	OK(parse_duration("300s", "persist", LB_PERSIST_MAX, &v), v == 300, "duration", "300s");
	OK(parse_duration("5m", "persist", LB_PERSIST_MAX, &v), v == 300, "duration", "5m");
	OK(parse_duration("2h", "persist", LB_PERSIST_MAX, &v), v == 7200, "duration", "2h");
	OK(parse_duration("30d", "persist", LB_PERSIST_MAX, &v), v == 2592000, "duration", "30d");
	OK(parse_duration("0", "persist", LB_PERSIST_MAX, &v), v == 0, "duration", "0");
	expect_error(parse_duration("31d", "persist", LB_PERSIST_MAX, &v), "duration", "31d",
		     "out of range", NULL);
	expect_error(parse_duration("2592001", "persist", LB_PERSIST_MAX, &v), "duration",
		     "2592001", "out of range", NULL);
	expect_error(parse_duration("5x", "persist", LB_PERSIST_MAX, &v), "duration", "5x",
		     "\"5x\"", "5m", NULL);
	expect_error(parse_duration("5mm", "persist", LB_PERSIST_MAX, &v), "duration", "5mm", "5mm", NULL);
	expect_error(parse_duration("m", "persist", LB_PERSIST_MAX, &v), "duration", "m", "\"m\"", NULL);
	expect_error(parse_duration("-5", "persist", LB_PERSIST_MAX, &v), "duration", "-5", "-5", NULL);

	OK(parse_mask("24", AF_INET, &mask), mask == 24, "IPv4 mask", "24");
	OK(parse_mask("255.255.255.0", AF_INET, &mask), mask == 24, "IPv4 mask", "255.255.255.0");
	OK(parse_mask("255.255.255.255", AF_INET, &mask), mask == 32, "IPv4 mask", "255.255.255.255");
	OK(parse_mask("0.0.0.0", AF_INET, &mask), mask == 0, "IPv4 mask", "0.0.0.0");
	OK(parse_mask("64", AF_INET6, &mask), mask == 64, "IPv6 mask", "64");
	OK(parse_mask("128", AF_INET6, &mask), mask == 128, "IPv6 mask", "128");
	expect_error(parse_mask("33", AF_INET, &mask), "IPv4 mask", "33", "0-32", NULL);
	expect_error(parse_mask("255.0.255.0", AF_INET, &mask), "IPv4 mask", "255.0.255.0",
		     "contiguous", NULL);
	expect_error(parse_mask("129", AF_INET6, &mask), "IPv6 mask", "129", "0-128", NULL);
	expect_error(parse_mask("255.255.255.0", AF_INET6, &mask), "IPv6 mask", "255.255.255.0",
		     "0-128", NULL);

	OK(parse_ifname("usb2", name, sizeof(name)), !strcmp(name, "usb2"), "ifname", "usb2");
	OK(parse_ifname("enx0123456789ab", name, sizeof(name)), 1, "ifname", "enx0123456789ab");
	expect_error(parse_ifname("enx0123456789abc", name, sizeof(name)), "ifname",
		     "enx0123456789abc", "15", NULL);
	expect_error(parse_ifname("a/b", name, sizeof(name)), "ifname", "a/b", "a/b", NULL);
	expect_error(parse_ifname("..", name, sizeof(name)), "ifname", "..", "..", NULL);
	expect_error(parse_ifname("", name, sizeof(name)), "ifname", "", "missing", NULL);

	OK(parse_sched("wrr", name, sizeof(name)), !strcmp(name, "wrr"), "sched", "wrr");
	expect_error(parse_sched("WRR", name, sizeof(name)), "sched", "WRR", "WRR", "wlc", NULL);
	expect_error(parse_sched("abcdefghijklmnop", name, sizeof(name)), "sched",
		     "abcdefghijklmnop", "abcdefghijklmnop", NULL);

	OK(parse_svc_flags("fullnat", &v), v == LB_SVC_F_FULLNAT, "flags", "fullnat");
	OK(parse_svc_flags("fullnat,hash-port", &v),
		  v == (LB_SVC_F_FULLNAT | LB_SVC_F_HASH_PORT), "flags", "fullnat,hash-port");
	OK(parse_svc_flags("none", &v), v == 0, "flags", "none");
	expect_error(parse_svc_flags("fullnat,", &v), "flags", "fullnat,", "fullnat or hash-port", NULL);
	expect_error(parse_svc_flags("bogus", &v), "flags", "bogus", "\"bogus\"", NULL);
	expect_error(parse_svc_flags(",", &v), "flags", ",", "none", NULL);
	record(!strcmp(format_flags(lb_svc_flag_names, LB_SVC_F_FULLNAT | LB_SVC_F_HASH_PORT,
				    name, sizeof(name)), "fullnat,hash-port"), name, "format_flags");
}

/* ---- slots ---- */

static void test_slots(void)
{
	static const char *const good[][2] = {
		{ "p2", "hat0/p2" }, { "hat0/p2", "hat0/p2" }, { "hat1/p4", "hat1/p4" },
		{ "p10", "hat0/p10" }, { "hat12/p1", "hat12/p1" }, { "p255", "hat0/p255" },
	};
	static const char *const bad[] = {
		"p0", "hat0/p0", "p", "hat0/", "hat/p2", "hat0p2", "p2x", "P2", "hat00/p2",
		"p02", "hat0/p256", "", "2", "hat0/p2/", "hat0//p2", "hat256/p1", "hat-1/p1",
	};
	char out[LB_SLOT_MAX];
	unsigned int hat, slot;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		OK(parse_slot(good[i][0], out, sizeof(out)), !strcmp(out, good[i][1]),
			  "slot", good[i][0]);
	OK(parse_slot_parts("hat3/p7", &hat, &slot), hat == 3 && slot == 7,
		  "slot parts", "hat3/p7");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(parse_slot(bad[i], out, sizeof(out)), "slot", bad[i],
			     bad[i], "pN or hatN/pN", NULL);
}

/* ---- batch words ---- */

static void test_words(void)
{
	char l1[] = "service add tcp 192.168.1.10:80 # a comment";
	char l2[] = "  member  set\ttcp \"a b\" 'c d' e\\ f  ";
	char l3[] = "say \"unterminated";
	char l4[] = "   # only a comment";
	char l5[] = "";
	char *argv[8];
	int n;

	n = split_words(l1, argv, 8);
	record(n == 4 && !strcmp(argv[3], "192.168.1.10:80"), NULL, "split_words drops comments");
	n = split_words(l2, argv, 8);
	record(n == 6 && !strcmp(argv[3], "a b") && !strcmp(argv[4], "c d") &&
	       !strcmp(argv[5], "e f"), NULL, "split_words quotes and escapes");
	expect_error(split_words(l3, argv, 8), "split_words", "say \"unterminated",
		     "unterminated", NULL);
	record(split_words(l4, argv, 8) == 0, NULL, "split_words comment line");
	record(split_words(l5, argv, 8) == 0, NULL, "split_words empty line");
	{
		char l6[] = "a b c d e f g h i";

		expect_error(split_words(l6, argv, 8), "split_words", "9 words", "too many", NULL);
	}
}

/* ---- grammar ---- */

/* Parse a command line ("service add ...") with the object's parser. */
static int parse_cmd(const char *line, struct lb_op *op)
{
	static char buf[1024];
	char *argv[64];
	struct args a;
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	argc = split_words(buf, argv, 64);
	if (argc < 1)
		return -2;
	a.argc = argc - 1;
	a.argv = argv + 1;
	return !strcmp(argv[0], "service") ? service_parse(&a, op) : member_parse(&a, op);
}

static void test_grammar(void)
{
	static const char *const bad[][2] = {
		{ "service add", "missing protocol" },
		{ "service add tcp", "missing service address" },
		{ "service add sctp 1.2.3.4:80", "\"sctp\"" },
		{ "service frob tcp 1.2.3.4:80", "\"frob\"" },
		{ "service add tcp 1.2.3.4:80 sched", "missing scheduler" },
		{ "service add tcp 1.2.3.4:80 sched wrr sched rr", "\"sched\" given twice" },
		{ "service add tcp 1.2.3.4:80 mask 24", "\"mask\" needs \"persist\"" },
		{ "service add tcp 1.2.3.4:80 persist 0 mask 24", "\"mask\" needs \"persist\"" },
		{ "service add tcp 1.2.3.4:80 persist 300 mask 33", "0-32" },
		{ "service add tcp [fd00::1]:80 persist 300 mask 129", "0-128" },
		{ "service add tcp 1.2.3.4:80 weight 3", "unknown keyword \"weight\"" },
		{ "service del tcp 1.2.3.4:80 sched wrr", "del takes no options" },
		{ "service add tcp 1.2.3.4:80 flags bogus", "\"bogus\"" },
		{ "member add tcp 1.2.3.4:80", "missing member address" },
		{ "member add tcp 1.2.3.4:80 [fd00::2]:80", "same family" },
		{ "member add tcp [fd00::1]:80 10.0.0.1:80", "same family" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 weight 65536", "0-65535" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 weight", "missing weight" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 state up", "active, drain, disabled or standby" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 slot hat0/p0", "\"hat0/p0\"" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 dev a/b", "\"a/b\"" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 weight 1 weight 2", "given twice" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1:80 sched wrr", "unknown keyword \"sched\"" },
		{ "member del tcp 1.2.3.4:80 10.0.0.1:80 weight 2", "del takes no options" },
		{ "member add tcp 1.2.3.4:80 10.0.0.1", "missing port" },
		{ "member set tcp 1.2.3.4:80 10.0.0.1:80", "nothing to change" },
		{ "service set tcp 1.2.3.4:80", "nothing to change" },
	};
	static const char *const helps[] = {
		"service help", "service add help", "service add tcp help",
		"service add tcp 1.2.3.4:80 help", "service add tcp 1.2.3.4:80 sched help",
		"member help", "member set tcp 1.2.3.4:80 10.0.0.1:80 help",
	};
	struct lb_op op;
	size_t i;
	int ret;

	ret = parse_cmd("service add tcp 192.168.1.10:80 sched wrr persist 300 mask 24", &op);
	expect_ok(ret, op.kind == LB_OP_SERVICE_ADD && !strcmp(op.svc.sched, "wrr") &&
		  op.svc.persist == 300 && op.svc.mask == 24 && op.svc.key.proto == IPPROTO_TCP &&
		  op.svc.have == (LB_HAVE_SCHED | LB_HAVE_PERSIST | LB_HAVE_MASK),
		  "service grammar", "add tcp 192.168.1.10:80 sched wrr persist 300 mask 24");
	ret = parse_cmd("service add tcp [fd00:1::10]:80 sched mh", &op);
	expect_ok(ret, op.svc.key.vip.family == AF_INET6 && !strcmp(op.svc.sched, "mh"),
		  "service grammar", "add tcp [fd00:1::10]:80 sched mh");
	ret = parse_cmd("service set udp 10.0.0.1:53 persist 0", &op);
	expect_ok(ret, op.kind == LB_OP_SERVICE_SET && op.svc.persist == 0 &&
		  op.svc.have == LB_HAVE_PERSIST, "service grammar", "set udp 10.0.0.1:53 persist 0");
	ret = parse_cmd("service del tcp 192.168.1.10:80", &op);
	expect_ok(ret, op.kind == LB_OP_SERVICE_DEL, "service grammar", "del tcp 192.168.1.10:80");
	ret = parse_cmd("member add tcp 192.168.1.10:80 172.19.181.2:80 weight 3 state drain dev usb2 slot p2", &op);
	expect_ok(ret, op.kind == LB_OP_MEMBER_ADD && op.mem.weight == 3 &&
		  op.mem.state == LB_STATE_DRAIN && !strcmp(op.mem.dev, "usb2") &&
		  !strcmp(op.mem.slot, "hat0/p2"), "member grammar",
		  "add ... weight 3 state drain dev usb2 slot p2");
	ret = parse_cmd("member set tcp 192.168.1.10:80 172.19.181.2:80 dev none slot none", &op);
	expect_ok(ret, op.kind == LB_OP_MEMBER_SET && (op.mem.have & LB_HAVE_DEV) &&
		  (op.mem.have & LB_HAVE_SLOT) && !op.mem.dev[0] && !op.mem.slot[0],
		  "member grammar", "set ... dev none slot none (clears)");
	ret = parse_cmd("member add tcp 192.168.1.10:80 172.19.181.2:80 dev none", &op);
	expect_ok(ret, !(op.mem.have & LB_HAVE_DEV), "member grammar", "add ... dev none (sends nothing)");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_error(parse_cmd(bad[i][0], &op), "grammar", bad[i][0], bad[i][1], NULL);
	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		record(parse_cmd(helps[i], &op) == PARSE_HELP, NULL, "\"%s\" asks for help", helps[i]);
}

/* save's lines parse back to the same objects. */
static void test_roundtrip(void)
{
	static const char *const lines[] = {
		"service add tcp 192.168.1.10:80 sched wrr persist 300 mask 24",
		"service add tcp 192.168.1.10:443 sched wlc",
		"service add udp [fd00:1::10]:53 sched mh persist 60 mask 64 flags fullnat,hash-port",
		"member add tcp 192.168.1.10:80 172.19.181.2:80 weight 3 state drain dev usb2 slot hat0/p2",
		"member add udp [fd00:1::10]:53 [fd00:2::1]:5353 weight 0 state standby",
	};
	char buf[LB_LINE_MAX], line[LB_LINE_MAX];
	struct lb_op op;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if (parse_cmd(lines[i], &op)) {
			record(0, parse_error_msg(), "round trip \"%s\"", lines[i]);
			continue;
		}
		if (op.kind == LB_OP_SERVICE_ADD)
			snprintf(line, sizeof(line), "service add %s",
				 service_format(&op.svc, buf, sizeof(buf)));
		else
			snprintf(line, sizeof(line), "member add %s",
				 member_format(&op.mem, buf, sizeof(buf)));
		record(!strcmp(line, lines[i]), line, "round trip \"%s\"", lines[i]);
	}
	/* The default mask (one client per address) is not written out. */
	parse_cmd("service add tcp 10.0.0.1:80 persist 300 mask 32", &op);
	record(!strcmp(service_format(&op.svc, buf, sizeof(buf)), "tcp 10.0.0.1:80 persist 300"),
	       buf, "save omits the default mask");
}

/* ---- restore ---- */

static int check_file(const char *text, struct lb_config *state, struct restore *r)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		abort();
	ret = restore_read(r, f, "test");
	fclose(f);
	if (ret || r->bad)
		return -1;
	return restore_check(r, state, "test");
}

static void test_restore(void)
{
	struct lb_config state = { 0 };
	struct restore r;
	struct lb_op op;
	int ret;

	/* A good file: everything applies to an empty configuration. */
	ret = check_file("# saved\n"
			 "service add tcp 192.168.1.10:80 sched wrr\n"
			 "member add tcp 192.168.1.10:80 172.19.181.2:80 weight 3\n"
			 "\n"
			 "clusterlbctl member add tcp 192.168.1.10:80 172.19.181.3:80\n"
			 "member set tcp 192.168.1.10:80 172.19.181.3:80 state drain\n"
			 "service add tcp [fd00::1]:80\n"
			 "service del tcp [fd00::1]:80\n",
			 &state, &r);
	record(ret == 0 && r.bad == 0 && r.nops == 6 && state.nsvcs == 1 && state.nmems == 2,
	       NULL, "restore: a good file checks clean");
	record(r.nops == 6 && r.undo[0].n == 1 && r.undo[0].ops[0].kind == LB_OP_SERVICE_DEL,
	       NULL, "restore: undo of service add is service del");
	record(r.nops == 6 && r.undo[3].n == 1 && r.undo[3].ops[0].kind == LB_OP_MEMBER_SET &&
	       r.undo[3].ops[0].mem.state == LB_STATE_ACTIVE,
	       NULL, "restore: undo of member set restores the old state");
	record(r.nops == 6 && r.undo[5].n == 1 && r.undo[5].ops[0].kind == LB_OP_SERVICE_ADD,
	       NULL, "restore: undo of service del re-adds it");
	restore_free(&r);

	/* Against that state: duplicates and missing objects are caught. */
	ret = check_file("service add tcp 192.168.1.10:80\n"			/* exists */
			 "member add tcp 192.168.1.10:80 172.19.181.2:80\n"	/* exists */
			 "member add tcp 10.9.9.9:80 10.0.0.1:80\n"		/* no service */
			 "member del tcp 192.168.1.10:80 172.19.181.9:80\n"	/* no member */
			 "service set udp 192.168.1.10:80 sched rr\n"		/* no service */
			 "service add udp 192.168.1.10:80\n"			/* fine */
			 "service add udp 192.168.1.10:80\n",			/* duplicate */
			 &state, &r);
	record(ret == 0 && r.bad == 6, NULL, "restore: duplicates and missing objects (%d of 6)", r.bad);
	restore_free(&r);

	/* flush empties the simulated configuration, so adds are fine after it. */
	ret = check_file("flush\nservice add tcp 192.168.1.10:80\n", &state, &r);
	record(ret == 0 && r.bad == 0 && r.undo[0].n == 4, NULL,
	       "restore: flush then add; flush's undo re-adds 4 objects");
	restore_free(&r);
	config_free(&state);

	/* Parse errors are all reported, with nothing else checked. */
	ret = check_file("service add tcp 1.2.3.4:80\n"
			 "member add tcp 1.2.3.4:80 10.0.0.1:80 weight 65536\n"
			 "show\n"
			 "service add tcp 1.2.3.4:99999\n",
			 &state, &r);
	record(ret == -1 && r.bad == 3, NULL, "restore: every bad line is counted (%d of 3)", r.bad);
	restore_free(&r);

	{
		char l[] = "service help";

		expect_error(restore_parse_line(l, &op), "restore", "service help", "help", NULL);
	}
	{
		char l[] = "power on all";

		expect_error(restore_parse_line(l, &op), "restore", "power on all",
			     "\"power\"", "service, member and flush", NULL);
	}
	config_free(&state);
}

int main(void)
{
	int i;

	/* restore_read()/restore_check() report bad lines on stderr, as they
	 * should; here the results say what matters. */
	if (!getenv("VERBOSE") && !freopen("/dev/null", "w", stderr))
		return 1;
	test_addr();
	test_values();
	test_slots();
	test_words();
	test_grammar();
	test_roundtrip();
	test_restore();

	printf("KTAP version 1\n1..%d\n", nresults);
	for (i = 0; i < nresults; i++) {
		if (results[i].diag && !results[i].ok)
			printf("# %s\n", results[i].diag);
		printf("%s %d %s\n", results[i].ok ? "ok" : "not ok", i + 1, results[i].name);
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", npassed, nfailed);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
