// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded, deterministic fuzz of clusterlbctl's input handling: random
 * and mutated words for the value parsers, random command lines for the
 * service/member grammar and restore's line parser, and mutated netlink
 * replies for the message decoders. It checks invariants (what parses
 * formats back to something that parses to the same value) and, built
 * with `make test SANITIZE=1`, that nothing reads or writes out of bounds.
 *
 * FUZZ_ITERATIONS (environment) sets the rounds (default 20000); FUZZ_SEED
 * the seed. KTAP output; the last line reads "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/clusterlb.h>

#include "batch.h"
#include "clusterlbctl.h"
#include "msg.h"
#include "parse.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static const char alphabet[] = "0123456789.:[]/,-abcdefhnoprstuwxyz \"'#\\\t";
static const char *const seeds[] = {
	"192.168.1.10:80", "[fd00:1::10]:80", "[::1]:65535", "hat0/p2", "p4", "300s",
	"5m", "255.255.255.0", "24", "fullnat,hash-port", "none", "65535", "drain",
	"usb2", "wrr", "0.0.0.0:1", "[::ffff:10.0.0.1]:443",
};
static const char *const words[] = {
	"service", "member", "flush", "add", "set", "del", "show", "help", "tcp", "udp",
	"sched", "persist", "mask", "flags", "weight", "state", "dev", "slot", "none",
	"wrr", "mh", "300", "24", "0", "65536", "active", "drain", "standby", "usb2",
	"p2", "hat0/p2", "192.168.1.10:80", "172.19.181.2:80", "[fd00::1]:80",
	"fullnat", "clusterlbctl", "#", "\"", "'",
};

#define NSEEDS (sizeof(seeds) / sizeof(seeds[0]))
#define NWORDS (sizeof(words) / sizeof(words[0]))

/* A random word: from scratch, or a seed with a few edits. */
static void random_word(char *buf, size_t len)
{
	size_t n, i;

	if (rnd() % 2) {
		n = rnd() % (len - 1);
		for (i = 0; i < n; i++)
			buf[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
		buf[n] = '\0';
		return;
	}
	snprintf(buf, len, "%s", seeds[rnd() % NSEEDS]);
	for (i = rnd() % 4; i > 0; i--) {
		n = strlen(buf);
		switch (rnd() % 3) {
		case 0:		/* replace */
			if (n)
				buf[rnd() % n] = alphabet[rnd() % (sizeof(alphabet) - 1)];
			break;
		case 1:		/* delete */
			if (n) {
				size_t at = rnd() % n;

				memmove(buf + at, buf + at + 1, n - at);
			}
			break;
		default:	/* insert */
			if (n + 1 < len) {
				size_t at = rnd() % (n + 1);

				memmove(buf + at + 1, buf + at, n - at + 1);
				buf[at] = alphabet[rnd() % (sizeof(alphabet) - 1)];
			}
		}
	}
}

static int violations;
static long accepted_words, accepted_lines, decoded;

static void violation(const char *what, const char *input)
{
	if (violations++ < 10)
		printf("# %s: \"%s\"\n", what, input);
}

static void fuzz_values(void)
{
	char w[48], out[LB_ADDRSTRLEN], slot[LB_SLOT_MAX], name[64];
	struct lb_addr a, b;
	uint32_t v;
	uint8_t m;
	enum lb_state st;

	random_word(w, sizeof(w));
	if (parse_addr_port(w, &a) == 0) {
		accepted_words++;
		/* What parses formats back into something parsing to the same. */
		if (parse_addr_port(format_addr_port(&a, out, sizeof(out)), &b) ||
		    !lb_addr_equal(&a, &b))
			violation("address does not round-trip", w);
		if (a.port == 0)
			violation("port 0 accepted", w);
	}
	if (parse_slot(w, slot, sizeof(slot)) == 0) {
		char again[LB_SLOT_MAX];

		if (parse_slot(slot, again, sizeof(again)) || strcmp(slot, again))
			violation("slot is not canonical", w);
	}
	if (parse_weight(w, &v) == 0 && v > 65535)
		violation("weight out of range accepted", w);
	if (parse_duration(w, "persist", LB_PERSIST_MAX, &v) == 0 && v > LB_PERSIST_MAX)
		violation("duration out of range accepted", w);
	if (parse_mask(w, AF_INET, &m) == 0 && m > 32)
		violation("IPv4 mask above 32 accepted", w);
	if (parse_mask(w, AF_INET6, &m) == 0 && m > 128)
		violation("IPv6 mask above 128 accepted", w);
	if (parse_svc_flags(w, &v) == 0 && (v & ~(uint32_t)(LB_SVC_F_FULLNAT | LB_SVC_F_HASH_PORT)))
		violation("unknown flag accepted", w);
	if (parse_ifname(w, name, sizeof(name)) == 0 && strlen(name) > 15)
		violation("long interface name accepted", w);
	if (parse_sched(w, name, sizeof(name)) == 0 && strlen(name) > 15)
		violation("long scheduler name accepted", w);
	parse_state(w, &st);
	parse_proto(w, &m);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd() % n];
}

#define PICK(...) ({ static const char *const _v[] = { __VA_ARGS__ }; \
		     pick(_v, sizeof(_v) / sizeof(_v[0])); })

/* Append a word; one in ten is replaced by a random or mutated word. */
static size_t put_word(char *line, size_t n, size_t len, const char *w)
{
	char r[48];

	if (rnd() % 10 == 0) {
		random_word(r, sizeof(r));
		w = rnd() % 2 ? r : words[rnd() % NWORDS];
	}
	if (n < len)
		n += (size_t)snprintf(line + n, len - n, "%s%s", n ? " " : "", w);
	return n;
}

/*
 * Command lines shaped like real ones, with some words broken, through the
 * grammar; accepted ones must format back into lines that parse the same.
 */
static void fuzz_grammar(void)
{
	char line[512], copy[512], fmt[LB_LINE_MAX], again[LB_LINE_MAX + 16];
	struct lb_op op, op2;
	bool member = rnd() % 2, v6 = rnd() % 3 == 0;
	size_t n = 0, len = sizeof(line);
	int i;

	line[0] = '\0';
	n = put_word(line, n, len, member ? "member" : "service");
	n = put_word(line, n, len, PICK("add", "add", "add", "set", "del"));
	n = put_word(line, n, len, PICK("tcp", "udp"));
	n = put_word(line, n, len, v6 ? PICK("[fd00:1::10]:80", "[::1]:53") :
				   PICK("192.168.1.10:80", "10.0.0.1:53"));
	if (member)
		n = put_word(line, n, len, v6 ? PICK("[fd00:2::1]:8080", "[fd00::2]:80") :
					   PICK("172.19.181.2:80", "172.19.181.3:8080"));
	for (i = (int)(rnd() % 5); i > 0; i--) {
		if (member) {
			switch (rnd() % 4) {
			case 0: n = put_word(line, n, len, "weight");
				n = put_word(line, n, len, PICK("0", "1", "3", "65535")); break;
			case 1: n = put_word(line, n, len, "state");
				n = put_word(line, n, len, PICK("active", "drain", "disabled", "standby")); break;
			case 2: n = put_word(line, n, len, "dev");
				n = put_word(line, n, len, PICK("usb2", "eth0", "none")); break;
			default: n = put_word(line, n, len, "slot");
				n = put_word(line, n, len, PICK("p2", "hat1/p4", "none")); break;
			}
		} else {
			switch (rnd() % 4) {
			case 0: n = put_word(line, n, len, "sched");
				n = put_word(line, n, len, PICK("wrr", "mh", "rr")); break;
			case 1: n = put_word(line, n, len, "persist");
				n = put_word(line, n, len, PICK("0", "300", "5m", "30d")); break;
			case 2: n = put_word(line, n, len, "mask");
				n = put_word(line, n, len, PICK("24", "32", "64", "255.255.0.0")); break;
			default: n = put_word(line, n, len, "flags");
				n = put_word(line, n, len, PICK("fullnat", "none", "fullnat,hash-port")); break;
			}
		}
	}
	memcpy(copy, line, sizeof(copy));
	if (restore_parse_line(copy, &op) != 0)
		return;
	accepted_lines++;
	if (op.kind == LB_OP_SERVICE_ADD)
		snprintf(again, sizeof(again), "service add %s",
			 service_format(&op.svc, fmt, sizeof(fmt)));
	else if (op.kind == LB_OP_MEMBER_ADD)
		snprintf(again, sizeof(again), "member add %s",
			 member_format(&op.mem, fmt, sizeof(fmt)));
	else
		return;
	if (restore_parse_line(again, &op2) != 0 || op2.kind != op.kind ||
	    (op.kind == LB_OP_SERVICE_ADD &&
	     (!lb_svc_key_equal(&op.svc.key, &op2.svc.key) || op.svc.persist != op2.svc.persist ||
	      op.svc.flags != op2.svc.flags || strcmp(op.svc.sched, op2.svc.sched))) ||
	    (op.kind == LB_OP_MEMBER_ADD &&
	     (!lb_addr_equal(&op.mem.addr, &op2.mem.addr) || op.mem.weight != op2.mem.weight ||
	      op.mem.state != op2.mem.state || strcmp(op.mem.dev, op2.mem.dev) ||
	      strcmp(op.mem.slot, op2.mem.slot))))
		violation("accepted line does not round-trip", line);
}

/* Valid replies with random bytes changed: the decoders must cope. */
static void fuzz_messages(void)
{
	static char buf[1024] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;
	struct lb_service s;
	struct lb_member m;
	struct lb_conn c;
	size_t hdr = (size_t)MNL_NLMSG_HDRLEN + sizeof(*g), len;
	int i;

	g->cmd = CLUSTERLB_CMD_MEMBER_GET;
	nest = mnl_attr_nest_start(nlh, CLUSTERLB_A_MEMBER_SERVICE);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PROTO, CLUSTERLB_PROTO_TCP);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_ADDR4, 0x0100000a);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_SERVICE_PORT, 80);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_ADDR4, 0x0200000a);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_MEMBER_PORT, 80);
	mnl_attr_put_strz(nlh, CLUSTERLB_A_MEMBER_IFNAME, "usb2");
	mnl_attr_put_strz(nlh, CLUSTERLB_A_MEMBER_SLOT, "hat0/p2");
	nest = mnl_attr_nest_start(nlh, CLUSTERLB_A_MEMBER_STATS);
	mnl_attr_put_u64(nlh, CLUSTERLB_A_STATS_CONNS, 5);
	mnl_attr_nest_end(nlh, nest);
	len = nlh->nlmsg_len;

	for (i = (int)(rnd() % 6) + 1; i > 0; i--)
		buf[hdr + rnd() % (len - hdr)] = (char)rnd();
	/* The receive path guarantees nlmsg_len fits what was received. */
	nlh->nlmsg_len = (uint32_t)len;
	decoded += msg_parse_member(nlh, &m) == 0;
	msg_parse_service(nlh, &s);
	msg_parse_conn(nlh, &c);
}

int main(void)
{
	const char *e = getenv("FUZZ_ITERATIONS");
	long iters = e ? atol(e) : 20000, i;
	int v0;

	if (getenv("FUZZ_SEED"))
		rng_state = strtoull(getenv("FUZZ_SEED"), NULL, 0) | 1;
	printf("KTAP version 1\n1..3\n");
	printf("# %ld rounds, seed 0x%llx\n", iters, (unsigned long long)rng_state);

	for (i = 0; i < iters; i++)
		fuzz_values();
	printf("# %ld words parsed as addresses\n", accepted_words);
	printf("%s 1 value parsers: %ld random words, invariants hold\n",
	       violations ? "not ok" : "ok", iters);
	v0 = violations;
	for (i = 0; i < iters; i++)
		fuzz_grammar();
	printf("# %ld lines accepted\n", accepted_lines);
	printf("%s 2 grammar: %ld random command lines, accepted ones round-trip\n",
	       violations > v0 ? "not ok" : "ok", iters);
	for (i = 0; i < iters; i++)
		fuzz_messages();
	printf("# %ld mutated replies still decoded\n", decoded);
	printf("ok 3 decoders: %ld mutated replies\n", iters);

	{
		int failed = (v0 > 0) + (violations > v0);

		printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
		       3 - failed, failed);
		printf("%d passed, %d failed\n", 3 - failed, failed);
		return failed ? 1 : 0;
	}
}
