/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The objects clusterlbctl talks about, as plain C values, independent of
 * netlink: a parsed command line becomes a struct lb_op, a dump becomes
 * arrays of struct lb_service / struct lb_member. Parsing (parse.c,
 * service.c, member.c) fills these; nl-*.c translate them to and from
 * messages. Keeping the two apart is what lets `restore` validate a whole
 * file before sending anything, and lets the host tests run without a kernel.
 */
#ifndef CLUSTERLBCTL_LB_H
#define CLUSTERLBCTL_LB_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#define LB_SCHED_MAX	16	/* scheduler name incl. NUL */
#define LB_IFNAME_MAX	16	/* IFNAMSIZ */
#define LB_SLOT_MAX	32	/* "hatNNN/pNNN" incl. NUL */
#define LB_PERSIST_MAX	2592000	/* seconds (30 days) */

/* An address with a port; family is AF_INET or AF_INET6. */
struct lb_addr {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
	uint16_t port;
};

/* What identifies a service: protocol (IPPROTO_TCP/UDP) and address:port. */
struct lb_svc_key {
	uint8_t proto;
	struct lb_addr vip;
};

/* Administrative member states, in the order of the UAPI enum. */
enum lb_state {
	LB_STATE_ACTIVE,
	LB_STATE_DRAIN,
	LB_STATE_DISABLED,
	LB_STATE_STANDBY,
	LB_STATE_COUNT
};

/* Bits of lb_service.have / lb_member.have: which optional fields are set. */
enum {
	LB_HAVE_SCHED	= 1 << 0,
	LB_HAVE_PERSIST	= 1 << 1,
	LB_HAVE_MASK	= 1 << 2,
	LB_HAVE_WEIGHT	= 1 << 3,
	LB_HAVE_STATE	= 1 << 4,
	LB_HAVE_DEV	= 1 << 5,	/* dev[0] == 0: "dev none" (clear) */
	LB_HAVE_SLOT	= 1 << 6,	/* slot[0] == 0: "slot none" (clear) */
	LB_HAVE_STATS	= 1 << 7,	/* from a dump */
	LB_HAVE_HEALTH	= 1 << 8,	/* from a dump */
	LB_HAVE_FLAGS	= 1 << 9,
};

/* 64-bit counters, as the kernel reports them. */
struct lb_stats {
	uint64_t conns;		/* connections scheduled, total */
	uint64_t active;	/* active connections now */
	uint64_t inactive;	/* inactive connections now */
	uint64_t pkts_in, pkts_out;
	uint64_t bytes_in, bytes_out;
};

/* Service option bits (lb_service.flags); same bits as the UAPI flags. */
enum {
	LB_SVC_F_FULLNAT	= 1 << 0,
	LB_SVC_F_HASH_PORT	= 1 << 1,
};

/* Member health bits (lb_member.health); same bits as the UAPI flags. */
enum {
	LB_HEALTH_LINK_DOWN	= 1 << 0,
	LB_HEALTH_SLOT_OFF	= 1 << 1,
	LB_HEALTH_ERROR		= 1 << 2,
};

struct lb_service {
	struct lb_svc_key key;
	unsigned int have;
	char sched[LB_SCHED_MAX];
	uint32_t persist;	/* seconds, 0 = not persistent */
	uint8_t mask;		/* prefix length for persistence */
	uint32_t flags;		/* LB_SVC_F_* */
	uint32_t members;	/* member count, from a dump */
	int line;		/* restore: file line that made it, 0 = kernel */
	struct lb_stats stats;
};

struct lb_member {
	struct lb_svc_key svc;
	struct lb_addr addr;
	unsigned int have;
	uint32_t weight;
	enum lb_state state;
	char dev[LB_IFNAME_MAX];
	char slot[LB_SLOT_MAX];
	struct lb_stats stats;
	uint32_t health;	/* LB_HEALTH_*, from a dump */
	uint32_t retry_ms;	/* with LB_HEALTH_ERROR: ms before a trial */
	int line;		/* restore: file line that made it, 0 = kernel */
};

/* One connection record from `conn show`. */
struct lb_conn {
	struct lb_svc_key svc;
	struct lb_addr member;
	struct lb_addr client;
	bool active;		/* conn-state active, else inactive */
	uint32_t age;		/* seconds since scheduled */
};

enum lb_op_kind {
	LB_OP_NONE,
	LB_OP_SERVICE_ADD,
	LB_OP_SERVICE_SET,
	LB_OP_SERVICE_DEL,
	LB_OP_MEMBER_ADD,
	LB_OP_MEMBER_SET,
	LB_OP_MEMBER_DEL,
	LB_OP_FLUSH,
};

/* A parsed mutating command; what `restore` collects before applying. */
struct lb_op {
	enum lb_op_kind kind;
	int line;		/* source line for batch/restore, 0 otherwise */
	union {
		struct lb_service svc;
		struct lb_member mem;
	};
};

bool lb_svc_key_equal(const struct lb_svc_key *a, const struct lb_svc_key *b);
bool lb_addr_equal(const struct lb_addr *a, const struct lb_addr *b);

#endif
