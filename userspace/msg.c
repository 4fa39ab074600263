// SPDX-License-Identifier: GPL-2.0
/*
 * Encoding and decoding of clusterlb messages (see msg.h). Enum values are
 * mapped by name, so the CLI's own values (lb.h) never leak into messages.
 */
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/clusterlb.h>

#include "msg.h"

_Static_assert(LB_SCHED_MAX == CLUSTERLB_SCHED_NAME_LEN, "scheduler name size");
_Static_assert(LB_SLOT_MAX == CLUSTERLB_SLOT_NAME_LEN, "slot name size");
_Static_assert(LB_PERSIST_MAX == CLUSTERLB_PERSIST_TIMEOUT_MAX, "persistence limit");

/* ---- attribute names, for extended ACK messages ---- */

static const char *const stats_names[CLUSTERLB_A_STATS_MAX + 1] = {
	[CLUSTERLB_A_STATS_PAD]		= "pad",
	[CLUSTERLB_A_STATS_CONNS]	= "conns",
	[CLUSTERLB_A_STATS_ACTIVE]	= "active",
	[CLUSTERLB_A_STATS_INACTIVE]	= "inactive",
	[CLUSTERLB_A_STATS_PKTS_IN]	= "pkts-in",
	[CLUSTERLB_A_STATS_PKTS_OUT]	= "pkts-out",
	[CLUSTERLB_A_STATS_BYTES_IN]	= "bytes-in",
	[CLUSTERLB_A_STATS_BYTES_OUT]	= "bytes-out",
};

static const struct nl_attr_set stats_set = {
	"stats", CLUSTERLB_A_STATS_MAX, stats_names, NULL
};

static const char *const service_names[CLUSTERLB_A_SERVICE_MAX + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO]		= "proto",
	[CLUSTERLB_A_SERVICE_ADDR4]		= "addr4",
	[CLUSTERLB_A_SERVICE_ADDR6]		= "addr6",
	[CLUSTERLB_A_SERVICE_PORT]		= "port",
	[CLUSTERLB_A_SERVICE_SCHED]		= "sched",
	[CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT]	= "persist-timeout",
	[CLUSTERLB_A_SERVICE_PERSIST_MASK]	= "persist-mask",
	[CLUSTERLB_A_SERVICE_FLAGS]		= "flags",
	[CLUSTERLB_A_SERVICE_STATS]		= "stats",
	[CLUSTERLB_A_SERVICE_MEMBER_COUNT]	= "member-count",
};

static const struct nl_attr_set *const service_nests[CLUSTERLB_A_SERVICE_MAX + 1] = {
	[CLUSTERLB_A_SERVICE_STATS] = &stats_set,
};

const struct nl_attr_set msg_service_set = {
	"service", CLUSTERLB_A_SERVICE_MAX, service_names, service_nests
};

static const char *const member_names[CLUSTERLB_A_MEMBER_MAX + 1] = {
	[CLUSTERLB_A_MEMBER_SERVICE]		= "service",
	[CLUSTERLB_A_MEMBER_ADDR4]		= "addr4",
	[CLUSTERLB_A_MEMBER_ADDR6]		= "addr6",
	[CLUSTERLB_A_MEMBER_PORT]		= "port",
	[CLUSTERLB_A_MEMBER_WEIGHT]		= "weight",
	[CLUSTERLB_A_MEMBER_STATE]		= "state",
	[CLUSTERLB_A_MEMBER_IFNAME]		= "ifname",
	[CLUSTERLB_A_MEMBER_SLOT]		= "slot",
	[CLUSTERLB_A_MEMBER_HEALTH]		= "health",
	[CLUSTERLB_A_MEMBER_HEALTH_RETRY_MS]	= "health-retry-ms",
	[CLUSTERLB_A_MEMBER_STATS]		= "stats",
};

static const struct nl_attr_set *const member_nests[CLUSTERLB_A_MEMBER_MAX + 1] = {
	[CLUSTERLB_A_MEMBER_SERVICE]	= &msg_service_set,
	[CLUSTERLB_A_MEMBER_STATS]	= &stats_set,
};

const struct nl_attr_set msg_member_set = {
	"member", CLUSTERLB_A_MEMBER_MAX, member_names, member_nests
};

static const char *const conn_names[CLUSTERLB_A_CONN_MAX + 1] = {
	[CLUSTERLB_A_CONN_SERVICE]	= "service",
	[CLUSTERLB_A_CONN_MEMBER]	= "member",
	[CLUSTERLB_A_CONN_CLIENT_ADDR4]	= "client-addr4",
	[CLUSTERLB_A_CONN_CLIENT_ADDR6]	= "client-addr6",
	[CLUSTERLB_A_CONN_CLIENT_PORT]	= "client-port",
	[CLUSTERLB_A_CONN_STATE]	= "state",
	[CLUSTERLB_A_CONN_AGE]		= "age",
};

static const struct nl_attr_set *const conn_nests[CLUSTERLB_A_CONN_MAX + 1] = {
	[CLUSTERLB_A_CONN_SERVICE]	= &msg_service_set,
	[CLUSTERLB_A_CONN_MEMBER]	= &msg_member_set,
};

const struct nl_attr_set msg_conn_set = {
	"conn", CLUSTERLB_A_CONN_MAX, conn_names, conn_nests
};

/* ---- value mappings ---- */

static uint32_t proto_to_uapi(uint8_t proto)
{
	return proto == IPPROTO_UDP ? CLUSTERLB_PROTO_UDP : CLUSTERLB_PROTO_TCP;
}

static int proto_from_uapi(uint32_t v, uint8_t *proto)
{
	switch (v) {
	case CLUSTERLB_PROTO_TCP: *proto = IPPROTO_TCP; return 0;
	case CLUSTERLB_PROTO_UDP: *proto = IPPROTO_UDP; return 0;
	}
	return -1;
}

static const uint32_t state_uapi[LB_STATE_COUNT] = {
	[LB_STATE_ACTIVE]	= CLUSTERLB_MEMBER_STATE_ACTIVE,
	[LB_STATE_DRAIN]	= CLUSTERLB_MEMBER_STATE_DRAIN,
	[LB_STATE_DISABLED]	= CLUSTERLB_MEMBER_STATE_DISABLED,
	[LB_STATE_STANDBY]	= CLUSTERLB_MEMBER_STATE_STANDBY,
};

static enum lb_state state_from_uapi(uint32_t v)
{
	int i;

	for (i = 0; i < LB_STATE_COUNT; i++)
		if (state_uapi[i] == v)
			return (enum lb_state)i;
	return LB_STATE_COUNT;	/* printed as "unknown" */
}

static const struct { uint32_t lb, uapi; } svc_flag_map[] = {
	{ LB_SVC_F_FULLNAT,	CLUSTERLB_SERVICE_FLAGS_FULLNAT },
	{ LB_SVC_F_HASH_PORT,	CLUSTERLB_SERVICE_FLAGS_HASH_PORT },
}, health_map[] = {
	{ LB_HEALTH_LINK_DOWN,	CLUSTERLB_HEALTH_FLAGS_LINK_DOWN },
	{ LB_HEALTH_SLOT_OFF,	CLUSTERLB_HEALTH_FLAGS_SLOT_OFF },
	{ LB_HEALTH_ERROR,	CLUSTERLB_HEALTH_FLAGS_ERROR },
};

#define MAP_BITS(map, from, to, v)					\
	({								\
		uint32_t _r = 0;					\
		for (size_t _i = 0; _i < sizeof(map) / sizeof(map[0]); _i++) \
			if ((v) & map[_i].from)				\
				_r |= map[_i].to;			\
		_r;							\
	})

/* ---- encoding ---- */

static void put_addr(struct nlmsghdr *nlh, uint16_t t4, uint16_t t6,
		     const struct lb_addr *a)
{
	if (a->family == AF_INET6)
		mnl_attr_put(nlh, t6, sizeof(a->u.v6), &a->u.v6);
	else
		mnl_attr_put(nlh, t4, sizeof(a->u.v4), &a->u.v4);
}

static void put_svc_key(struct nlmsghdr *nlh, const struct lb_svc_key *k)
{
	mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PROTO, proto_to_uapi(k->proto));
	put_addr(nlh, CLUSTERLB_A_SERVICE_ADDR4, CLUSTERLB_A_SERVICE_ADDR6, &k->vip);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_SERVICE_PORT, k->vip.port);
}

void msg_put_svc_key_nest(struct nlmsghdr *nlh, uint16_t type,
			  const struct lb_svc_key *key)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	put_svc_key(nlh, key);
	mnl_attr_nest_end(nlh, nest);
}

void msg_put_member_key_nest(struct nlmsghdr *nlh, uint16_t type,
			     const struct lb_addr *addr)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	put_addr(nlh, CLUSTERLB_A_MEMBER_ADDR4, CLUSTERLB_A_MEMBER_ADDR6, addr);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_MEMBER_PORT, addr->port);
	mnl_attr_nest_end(nlh, nest);
}

void msg_put_service(struct nlmsghdr *nlh, const struct lb_service *s, bool cfg)
{
	put_svc_key(nlh, &s->key);
	if (!cfg)
		return;
	if (s->have & LB_HAVE_SCHED)
		mnl_attr_put_strz(nlh, CLUSTERLB_A_SERVICE_SCHED, s->sched);
	if (s->have & LB_HAVE_PERSIST)
		mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT, s->persist);
	if (s->have & LB_HAVE_MASK)
		mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_PERSIST_MASK, s->mask);
	if (s->have & LB_HAVE_FLAGS)
		mnl_attr_put_u32(nlh, CLUSTERLB_A_SERVICE_FLAGS,
				 MAP_BITS(svc_flag_map, lb, uapi, s->flags));
}

void msg_put_member(struct nlmsghdr *nlh, const struct lb_member *m, bool cfg)
{
	msg_put_svc_key_nest(nlh, CLUSTERLB_A_MEMBER_SERVICE, &m->svc);
	put_addr(nlh, CLUSTERLB_A_MEMBER_ADDR4, CLUSTERLB_A_MEMBER_ADDR6, &m->addr);
	mnl_attr_put_u16(nlh, CLUSTERLB_A_MEMBER_PORT, m->addr.port);
	if (!cfg)
		return;
	if (m->have & LB_HAVE_WEIGHT)
		mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_WEIGHT, m->weight);
	/* A state this tool does not know (from a newer module) is not resent. */
	if ((m->have & LB_HAVE_STATE) && m->state < LB_STATE_COUNT)
		mnl_attr_put_u32(nlh, CLUSTERLB_A_MEMBER_STATE, state_uapi[m->state]);
	if (m->have & LB_HAVE_DEV)
		mnl_attr_put_strz(nlh, CLUSTERLB_A_MEMBER_IFNAME, m->dev);
	if (m->have & LB_HAVE_SLOT)
		mnl_attr_put_strz(nlh, CLUSTERLB_A_MEMBER_SLOT, m->slot);
}

/* ---- decoding ---- */

static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -1;
	*v = mnl_attr_get_u32(a);
	return 0;
}

static int get_u16(const struct nlattr *a, uint16_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
		return -1;
	*v = mnl_attr_get_u16(a);
	return 0;
}

static int get_u64(const struct nlattr *a, uint64_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return -1;
	*v = mnl_attr_get_u64(a);
	return 0;
}

static int get_addr(const struct nlattr *a, int family, struct lb_addr *out)
{
	size_t len = family == AF_INET6 ? 16 : 4;

	if (mnl_attr_get_payload_len(a) != len)
		return -1;
	out->family = family;
	memcpy(&out->u, mnl_attr_get_payload(a), len);
	return 0;
}

static int get_str(const struct nlattr *a, char *buf, size_t len)
{
	const char *p = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a);

	if (n && p[n - 1] == '\0')
		n--;
	if (n >= len || memchr(p, '\0', n))
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

static int parse_stats(const struct nlattr *nest, struct lb_stats *st)
{
	const struct nlattr *a;
	int err = 0;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case CLUSTERLB_A_STATS_CONNS:	  err |= get_u64(a, &st->conns); break;
		case CLUSTERLB_A_STATS_ACTIVE:	  err |= get_u64(a, &st->active); break;
		case CLUSTERLB_A_STATS_INACTIVE:  err |= get_u64(a, &st->inactive); break;
		case CLUSTERLB_A_STATS_PKTS_IN:	  err |= get_u64(a, &st->pkts_in); break;
		case CLUSTERLB_A_STATS_PKTS_OUT:  err |= get_u64(a, &st->pkts_out); break;
		case CLUSTERLB_A_STATS_BYTES_IN:  err |= get_u64(a, &st->bytes_in); break;
		case CLUSTERLB_A_STATS_BYTES_OUT: err |= get_u64(a, &st->bytes_out); break;
		}
	}
	return err ? -1 : 0;
}

/* Service key (or full service) attributes, at top level or in a nest. */
static int parse_svc_attr(const struct nlattr *a, struct lb_service *s, int *seen)
{
	uint32_t v;

	switch (mnl_attr_get_type(a)) {
	case CLUSTERLB_A_SERVICE_PROTO:
		if (get_u32(a, &v) || proto_from_uapi(v, &s->key.proto))
			return -1;
		*seen |= 1;
		break;
	case CLUSTERLB_A_SERVICE_ADDR4:
		if (get_addr(a, AF_INET, &s->key.vip))
			return -1;
		*seen |= 2;
		break;
	case CLUSTERLB_A_SERVICE_ADDR6:
		if (get_addr(a, AF_INET6, &s->key.vip))
			return -1;
		*seen |= 2;
		break;
	case CLUSTERLB_A_SERVICE_PORT:
		if (get_u16(a, &s->key.vip.port))
			return -1;
		*seen |= 4;
		break;
	case CLUSTERLB_A_SERVICE_SCHED:
		if (get_str(a, s->sched, sizeof(s->sched)))
			return -1;
		s->have |= LB_HAVE_SCHED;
		break;
	case CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT:
		if (get_u32(a, &s->persist))
			return -1;
		s->have |= LB_HAVE_PERSIST;
		break;
	case CLUSTERLB_A_SERVICE_PERSIST_MASK:
		if (get_u32(a, &v) || v > 128)
			return -1;
		s->mask = (uint8_t)v;
		s->have |= LB_HAVE_MASK;
		break;
	case CLUSTERLB_A_SERVICE_FLAGS:
		if (get_u32(a, &v))
			return -1;
		s->flags = MAP_BITS(svc_flag_map, uapi, lb, v);
		s->have |= LB_HAVE_FLAGS;
		break;
	case CLUSTERLB_A_SERVICE_STATS:
		if (parse_stats(a, &s->stats))
			return -1;
		s->have |= LB_HAVE_STATS;
		break;
	case CLUSTERLB_A_SERVICE_MEMBER_COUNT:
		if (get_u32(a, &s->members))
			return -1;
		break;
	}
	return 0;
}

static int parse_svc_key_nest(const struct nlattr *nest, struct lb_svc_key *key)
{
	struct lb_service s = { 0 };
	const struct nlattr *a;
	int seen = 0;

	mnl_attr_for_each_nested(a, nest)
		if (parse_svc_attr(a, &s, &seen))
			return -1;
	if (seen != 7)
		return -1;
	*key = s.key;
	return 0;
}

int msg_parse_service(const struct nlmsghdr *nlh, struct lb_service *s)
{
	const struct nlattr *a;
	int seen = 0;

	memset(s, 0, sizeof(*s));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (parse_svc_attr(a, s, &seen))
			return -1;
	return seen == 7 ? 0 : -1;
}

/* Member key (address and port) attributes. */
static int parse_member_key_attr(const struct nlattr *a, struct lb_addr *addr, int *seen)
{
	switch (mnl_attr_get_type(a)) {
	case CLUSTERLB_A_MEMBER_ADDR4:
		if (get_addr(a, AF_INET, addr))
			return -1;
		*seen |= 1;
		break;
	case CLUSTERLB_A_MEMBER_ADDR6:
		if (get_addr(a, AF_INET6, addr))
			return -1;
		*seen |= 1;
		break;
	case CLUSTERLB_A_MEMBER_PORT:
		if (get_u16(a, &addr->port))
			return -1;
		*seen |= 2;
		break;
	}
	return 0;
}

int msg_parse_member(const struct nlmsghdr *nlh, struct lb_member *m)
{
	const struct nlattr *a;
	int seen = 0;
	uint32_t v;

	memset(m, 0, sizeof(*m));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (parse_member_key_attr(a, &m->addr, &seen))
			return -1;
		switch (mnl_attr_get_type(a)) {
		case CLUSTERLB_A_MEMBER_SERVICE:
			if (parse_svc_key_nest(a, &m->svc))
				return -1;
			seen |= 4;
			break;
		case CLUSTERLB_A_MEMBER_WEIGHT:
			if (get_u32(a, &m->weight))
				return -1;
			m->have |= LB_HAVE_WEIGHT;
			break;
		case CLUSTERLB_A_MEMBER_STATE:
			if (get_u32(a, &v))
				return -1;
			m->state = state_from_uapi(v);
			m->have |= LB_HAVE_STATE;
			break;
		case CLUSTERLB_A_MEMBER_IFNAME:
			if (get_str(a, m->dev, sizeof(m->dev)))
				return -1;
			m->have |= LB_HAVE_DEV;
			break;
		case CLUSTERLB_A_MEMBER_SLOT:
			if (get_str(a, m->slot, sizeof(m->slot)))
				return -1;
			m->have |= LB_HAVE_SLOT;
			break;
		case CLUSTERLB_A_MEMBER_HEALTH:
			if (get_u32(a, &v))
				return -1;
			m->health = MAP_BITS(health_map, uapi, lb, v);
			m->have |= LB_HAVE_HEALTH;
			break;
		case CLUSTERLB_A_MEMBER_HEALTH_RETRY_MS:
			if (get_u32(a, &m->retry_ms))
				return -1;
			break;
		case CLUSTERLB_A_MEMBER_STATS:
			if (parse_stats(a, &m->stats))
				return -1;
			m->have |= LB_HAVE_STATS;
			break;
		}
	}
	return seen == 7 ? 0 : -1;
}

int msg_parse_conn(const struct nlmsghdr *nlh, struct lb_conn *c)
{
	const struct nlattr *a, *b;
	int seen = 0, mseen = 0;
	uint32_t v;

	memset(c, 0, sizeof(*c));
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CLUSTERLB_A_CONN_SERVICE:
			if (parse_svc_key_nest(a, &c->svc))
				return -1;
			seen |= 1;
			break;
		case CLUSTERLB_A_CONN_MEMBER:
			mnl_attr_for_each_nested(b, a)
				if (parse_member_key_attr(b, &c->member, &mseen))
					return -1;
			if (mseen != 3)
				return -1;
			seen |= 2;
			break;
		case CLUSTERLB_A_CONN_CLIENT_ADDR4:
			if (get_addr(a, AF_INET, &c->client))
				return -1;
			seen |= 4;
			break;
		case CLUSTERLB_A_CONN_CLIENT_ADDR6:
			if (get_addr(a, AF_INET6, &c->client))
				return -1;
			seen |= 4;
			break;
		case CLUSTERLB_A_CONN_CLIENT_PORT:
			if (get_u16(a, &c->client.port))
				return -1;
			break;
		case CLUSTERLB_A_CONN_STATE:
			if (get_u32(a, &v))
				return -1;
			c->active = v == CLUSTERLB_CONN_STATE_ACTIVE;
			break;
		case CLUSTERLB_A_CONN_AGE:
			if (get_u32(a, &c->age))
				return -1;
			break;
		}
	}
	return seen == 7 ? 0 : -1;
}
