// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: the "clusterlb" generic netlink family (control plane).
 *
 * The family is described by Documentation/netlink/specs/clusterlb.yaml.
 * The policies and the ops table are generated into nl-gen.[ch]; this file
 * holds the handlers, the one fill function per object shared by replies,
 * dumps and notifications, and the family itself (the generator only emits
 * it for the "genetlink" protocol, see the spec for why we use
 * "genetlink-legacy").
 *
 * Every handler resolves objects in the namespace of the requesting
 * socket and works under that namespace's clb_net.lock. Input the policy
 * cannot check (required attributes, one of addr4/addr6, cross-attribute
 * rules, object existence) is checked here, each rule with its own extack
 * message pointing at the attribute.
 */

#include <linux/hashtable.h>
#include <linux/if.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include <clusterlb/hat.h>

#include "../compat.h"
#include "../lb/lb.h"
#include "nl-gen.h"
#include "nl.h"

/*
 * The generated nl-gen.c also defines the group table, but for the
 * genetlink-legacy protocol it does not emit the family that would use it;
 * this one is built from the same generated enum and UAPI name.
 */
static const struct genl_multicast_group clb_nl_mcgrps[] = {
	[CLUSTERLB_NLGRP_MONITOR] = { .name = CLUSTERLB_MCGRP_MONITOR, },
};

static struct genl_family clb_nl_family __ro_after_init = {
	.name		= CLUSTERLB_FAMILY_NAME,
	.version	= CLUSTERLB_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= clusterlb_nl_ops,
	.n_ops		= ARRAY_SIZE(clusterlb_nl_ops),
	.mcgrps		= clb_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(clb_nl_mcgrps),
};

/**
 * struct clb_nl_dump_ctx - where a dump resumes, in netlink_callback.ctx
 * @svc_id: first service id not yet (completely) dumped
 * @member_id: member dumps: first member id of that service not yet
 *	dumped; connection dumps: the member being dumped
 * @skip: connection dumps: connections of that member already dumped
 *
 * Ids only grow and lists are kept in id order, so a dump resumes at the
 * right place whatever was added or removed in between; such changes
 * bump the namespace's generation and the dump is flagged
 * NLM_F_DUMP_INTR.
 */
struct clb_nl_dump_ctx {
	u64 svc_id;
	u64 member_id;
	unsigned int skip;
};

static struct clb_nl_dump_ctx *clb_nl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct clb_nl_dump_ctx) > sizeof(cb->ctx));
	return (struct clb_nl_dump_ctx *)cb->ctx;
}

/* Attribute helpers */

/* Like NL_REQ_ATTR_CHECK(), with a message saying what is missing. */
#define CLB_REQ_ATTR(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *__ea = (extack);			\
	bool __missing = NL_REQ_ATTR_CHECK(__ea, nest, tb, type);	\
									\
	if (__missing)							\
		NL_SET_ERR_MSG(__ea, msg);				\
	__missing;							\
})

static u8 clb_proto_from_nl(u32 proto)
{
	return proto == CLUSTERLB_PROTO_UDP ? IPPROTO_UDP : IPPROTO_TCP;
}

static u32 clb_proto_to_nl(u8 proto)
{
	return proto == IPPROTO_UDP ? CLUSTERLB_PROTO_UDP : CLUSTERLB_PROTO_TCP;
}

/* Exactly one of tb[a4] and tb[a6] sets @key's family and address. */
static int clb_nl_get_addr(struct nlattr **tb, unsigned int a4,
			   unsigned int a6, const struct nlattr *nest,
			   struct clb_key *key, struct netlink_ext_ack *extack)
{
	if (tb[a4] && tb[a6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[a6],
				    "IPv4 and IPv6 address are mutually exclusive");
		return -EINVAL;
	}
	if (tb[a4]) {
		key->af = AF_INET;
		nla_memcpy(&key->addr.ip, tb[a4], sizeof(key->addr.ip));
	} else if (tb[a6]) {
		key->af = AF_INET6;
		nla_memcpy(&key->addr.in6, tb[a6], sizeof(key->addr.in6));
	} else {
		NL_SET_ERR_MSG(extack, "missing address (IPv4 or IPv6)");
		NL_SET_ERR_ATTR_MISS(extack, nest, a4);
		return -EINVAL;
	}
	return 0;
}

/* A service key from service (or service-key) attributes. */
static int clb_nl_get_service_key(struct nlattr **tb,
				  const struct nlattr *nest,
				  struct clb_key *key,
				  struct netlink_ext_ack *extack)
{
	memset(key, 0, sizeof(*key));
	if (CLB_REQ_ATTR(extack, nest, tb, CLUSTERLB_A_SERVICE_PROTO,
			 "missing service protocol") ||
	    CLB_REQ_ATTR(extack, nest, tb, CLUSTERLB_A_SERVICE_PORT,
			 "missing service port"))
		return -EINVAL;
	key->proto = clb_proto_from_nl(nla_get_u32(tb[CLUSTERLB_A_SERVICE_PROTO]));
	key->port = htons(nla_get_u16(tb[CLUSTERLB_A_SERVICE_PORT]));
	return clb_nl_get_addr(tb, CLUSTERLB_A_SERVICE_ADDR4,
			       CLUSTERLB_A_SERVICE_ADDR6, nest, key, extack);
}

/* An existing service, from the attributes of a service-key nest. */
static struct clb_service *clb_nl_service_nested(struct clb_net *lbn,
						 struct nlattr *nest,
						 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CLUSTERLB_A_SERVICE_PORT + 1];
	struct clb_service *svc;
	struct clb_key key;
	int err;

	err = nla_parse_nested(tb, CLUSTERLB_A_SERVICE_PORT, nest,
			       clusterlb_service_key_nl_policy, extack);
	if (err)
		return ERR_PTR(err);
	err = clb_nl_get_service_key(tb, nest, &key, extack);
	if (err)
		return ERR_PTR(err);
	svc = clb_service_find(lbn, &key);
	if (!svc) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service not found");
		return ERR_PTR(-ENOENT);
	}
	return svc;
}

/* A member key (address of @svc's family, port) from member attributes. */
static int clb_nl_get_member_key(struct nlattr **tb, const struct nlattr *nest,
				 const struct clb_service *svc,
				 struct clb_key *key,
				 struct netlink_ext_ack *extack)
{
	int err;

	memset(key, 0, sizeof(*key));
	if (CLB_REQ_ATTR(extack, nest, tb, CLUSTERLB_A_MEMBER_PORT,
			 "missing member port"))
		return -EINVAL;
	key->port = htons(nla_get_u16(tb[CLUSTERLB_A_MEMBER_PORT]));
	err = clb_nl_get_addr(tb, CLUSTERLB_A_MEMBER_ADDR4,
			      CLUSTERLB_A_MEMBER_ADDR6, nest, key, extack);
	if (err)
		return err;
	if (key->af != svc->key.af) {
		NL_SET_ERR_MSG_ATTR(extack,
				    tb[CLUSTERLB_A_MEMBER_ADDR4] ?:
				    tb[CLUSTERLB_A_MEMBER_ADDR6],
				    "member address family does not match the service");
		return -EINVAL;
	}
	return 0;
}

/* Fill functions: one per object, for replies, dumps and notifications */

static int clb_nl_put_addr(struct sk_buff *skb, unsigned int a4,
			   unsigned int a6, const struct clb_key *key)
{
	if (key->af == AF_INET)
		return nla_put_in_addr(skb, a4, key->addr.ip);
	return nla_put_in6_addr(skb, a6, &key->addr.in6);
}

static int clb_nl_put_stats(struct sk_buff *skb, unsigned int attr,
			    const struct clb_stats *stats)
{
	struct clb_stats_snap s;
	struct nlattr *nest;

	clb_stats_read(stats, &s);
	nest = nla_nest_start(skb, attr);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_CONNS, s.conns,
			      CLUSTERLB_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_ACTIVE, s.active,
			      CLUSTERLB_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_INACTIVE, s.inactive,
			      CLUSTERLB_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_PKTS_IN, s.pkts_in,
			      CLUSTERLB_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_PKTS_OUT, s.pkts_out,
			      CLUSTERLB_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_BYTES_IN, s.bytes_in,
			      CLUSTERLB_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, CLUSTERLB_A_STATS_BYTES_OUT, s.bytes_out,
			      CLUSTERLB_A_STATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int clb_nl_put_service_key(struct sk_buff *skb,
				  const struct clb_service *svc)
{
	if (nla_put_u32(skb, CLUSTERLB_A_SERVICE_PROTO,
			clb_proto_to_nl(svc->key.proto)) ||
	    clb_nl_put_addr(skb, CLUSTERLB_A_SERVICE_ADDR4,
			    CLUSTERLB_A_SERVICE_ADDR6, &svc->key) ||
	    nla_put_u16(skb, CLUSTERLB_A_SERVICE_PORT, ntohs(svc->key.port)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Put one service message. @cb is the dump's callback (NULL otherwise).
 * Called with the namespace locked, or under RCU.
 */
static int clb_nl_service_fill(struct sk_buff *skb, struct clb_service *svc,
			       u32 portid, u32 seq, int flags, u8 cmd,
			       struct netlink_callback *cb)
{
	const struct clb_sched *sched;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &clb_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (clb_nl_put_service_key(skb, svc))
		goto err_cancel;
	rcu_read_lock();
	sched = rcu_dereference(svc->sched);
	if (sched && nla_put_string(skb, CLUSTERLB_A_SERVICE_SCHED, sched->name)) {
		rcu_read_unlock();
		goto err_cancel;
	}
	rcu_read_unlock();
	if (nla_put_u32(skb, CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT,
			READ_ONCE(svc->persist_timeout)) ||
	    nla_put_u32(skb, CLUSTERLB_A_SERVICE_PERSIST_MASK,
			READ_ONCE(svc->persist_mask)) ||
	    nla_put_u32(skb, CLUSTERLB_A_SERVICE_FLAGS, READ_ONCE(svc->flags)) ||
	    clb_nl_put_stats(skb, CLUSTERLB_A_SERVICE_STATS, &svc->stats) ||
	    nla_put_u32(skb, CLUSTERLB_A_SERVICE_MEMBER_COUNT,
			READ_ONCE(svc->n_members)))
		goto err_cancel;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* As clb_nl_service_fill(), for a member; also under RCU only (events). */
static int clb_nl_member_fill(struct sk_buff *skb, struct clb_member *m,
			      u32 portid, u32 seq, int flags, u8 cmd,
			      struct netlink_callback *cb)
{
	const struct clb_member_bind *bind;
	struct nlattr *nest;
	u32 health;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &clb_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	nest = nla_nest_start(skb, CLUSTERLB_A_MEMBER_SERVICE);
	if (!nest || clb_nl_put_service_key(skb, m->svc))
		goto err_cancel;
	nla_nest_end(skb, nest);

	health = READ_ONCE(m->health);
	if (clb_nl_put_addr(skb, CLUSTERLB_A_MEMBER_ADDR4,
			    CLUSTERLB_A_MEMBER_ADDR6, &m->key) ||
	    nla_put_u16(skb, CLUSTERLB_A_MEMBER_PORT, ntohs(m->key.port)) ||
	    nla_put_u32(skb, CLUSTERLB_A_MEMBER_WEIGHT, READ_ONCE(m->weight)) ||
	    nla_put_u32(skb, CLUSTERLB_A_MEMBER_STATE, READ_ONCE(m->state)) ||
	    nla_put_u32(skb, CLUSTERLB_A_MEMBER_HEALTH, health))
		goto err_cancel;
	if (health & CLUSTERLB_HEALTH_FLAGS_ERROR) {
		long left = (long)(READ_ONCE(m->retry_at) - jiffies);

		if (nla_put_u32(skb, CLUSTERLB_A_MEMBER_HEALTH_RETRY_MS,
				left > 0 ? jiffies_to_msecs(left) : 0))
			goto err_cancel;
	}

	rcu_read_lock();
	bind = rcu_dereference(m->bind);
	if (bind &&
	    ((bind->ifname[0] &&
	      nla_put_string(skb, CLUSTERLB_A_MEMBER_IFNAME, bind->ifname)) ||
	     (bind->slot[0] &&
	      nla_put_string(skb, CLUSTERLB_A_MEMBER_SLOT, bind->slot)))) {
		rcu_read_unlock();
		goto err_cancel;
	}
	rcu_read_unlock();

	if (clb_nl_put_stats(skb, CLUSTERLB_A_MEMBER_STATS, &m->stats))
		goto err_cancel;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Notifications */

static void clb_nl_multicast(struct net *net, struct sk_buff *msg, gfp_t gfp)
{
	genlmsg_multicast_netns(&clb_nl_family, net, msg, 0,
				CLUSTERLB_NLGRP_MONITOR, gfp);
}

static void clb_nl_notify_service(struct clb_service *svc, u8 cmd)
{
	struct net *net = clb_service_net(svc);
	struct sk_buff *msg;

	if (!genl_has_listeners(&clb_nl_family, net, CLUSTERLB_NLGRP_MONITOR))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (clb_nl_service_fill(msg, svc, 0, 0, 0, cmd, NULL)) {
		nlmsg_free(msg);
		return;
	}
	clb_nl_multicast(net, msg, GFP_KERNEL);
}

static void clb_nl_notify_member(struct clb_member *m, u8 cmd, gfp_t gfp)
{
	struct net *net = clb_service_net(m->svc);
	struct sk_buff *msg;

	if (!genl_has_listeners(&clb_nl_family, net, CLUSTERLB_NLGRP_MONITOR))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return;
	if (clb_nl_member_fill(msg, m, 0, 0, 0, cmd, NULL)) {
		nlmsg_free(msg);
		return;
	}
	clb_nl_multicast(net, msg, gfp);
}

static void clb_nl_member_event(struct clb_member *m, enum clb_event ev)
{
	switch (ev) {
	case CLB_EV_MEMBER_HEALTH:
		clb_nl_notify_member(m, CLUSTERLB_CMD_MEMBER_HEALTH_NTF,
				     GFP_ATOMIC);
		break;
	case CLB_EV_MEMBER_DRAINED:
		clb_nl_notify_member(m, CLUSTERLB_CMD_MEMBER_DRAINED_NTF,
				     GFP_ATOMIC);
		break;
	}
}

static const struct clb_event_ops clb_nl_events = {
	.member_event = clb_nl_member_event,
};

/* Services */

/*
 * Configuration attributes of service-new/service-set into @cfg. On
 * success with CLB_SVC_SCHED set, the caller owns a scheduler reference.
 */
static int clb_nl_get_service_cfg(struct genl_info *info,
				  const struct clb_key *key,
				  struct clb_service_cfg *cfg, bool create)
{
	struct nlattr **tb = info->attrs;
	struct nlattr *a;

	memset(cfg, 0, sizeof(*cfg));
	a = tb[CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT];
	if (a) {
		cfg->set |= CLB_SVC_PERSIST_TIMEOUT;
		cfg->persist_timeout = nla_get_u32(a);
	}
	a = tb[CLUSTERLB_A_SERVICE_PERSIST_MASK];
	if (a) {
		cfg->set |= CLB_SVC_PERSIST_MASK;
		cfg->persist_mask = nla_get_u32(a);
		if (key->af == AF_INET && cfg->persist_mask > 32) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "persistence netmask longer than 32 for an IPv4 service");
			return -EINVAL;
		}
	}
	a = tb[CLUSTERLB_A_SERVICE_FLAGS];
	if (a) {
		cfg->set |= CLB_SVC_FLAGS;
		cfg->flags = nla_get_u32(a);
	}

	a = tb[CLUSTERLB_A_SERVICE_SCHED];
	if (!a && !create) {
		if (!cfg->set) {
			NL_SET_ERR_MSG(info->extack,
				       "nothing to change (sched, persist-timeout, persist-mask or flags)");
			return -EINVAL;
		}
		return 0;
	}
	cfg->sched = clb_sched_get(a ? nla_data(a) : CLB_SCHED_DEFAULT);
	if (!cfg->sched) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "unknown scheduler");
		return -ENOENT;
	}
	cfg->set |= CLB_SVC_SCHED;
	return 0;
}

static struct clb_service *clb_nl_service_find(struct clb_net *lbn,
					       const struct clb_key *key,
					       struct genl_info *info)
{
	struct clb_service *svc = clb_service_find(lbn, key);

	if (!svc) {
		NL_SET_ERR_MSG(info->extack, "service not found");
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[CLUSTERLB_A_SERVICE_PORT]);
	}
	return svc;
}

int clusterlb_nl_service_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_service *svc;
	struct clb_key key;
	struct sk_buff *msg;
	int err;

	err = clb_nl_get_service_key(info->attrs, NULL, &key, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&lbn->lock);
	svc = clb_nl_service_find(lbn, &key, info);
	if (!svc) {
		err = -ENOENT;
		goto err_unlock;
	}
	err = clb_nl_service_fill(msg, svc, info->snd_portid, info->snd_seq,
				  0, info->genlhdr->cmd, NULL);
	if (err)
		goto err_unlock;
	mutex_unlock(&lbn->lock);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&lbn->lock);
	nlmsg_free(msg);
	return err;
}

int clusterlb_nl_service_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct clb_net *lbn = clb_net(sock_net(skb->sk));
	struct clb_nl_dump_ctx *ctx = clb_nl_dump_ctx(cb);
	struct clb_service *svc;
	int err = 0;

	mutex_lock(&lbn->lock);
	cb->seq = lbn->gen;
	list_for_each_entry(svc, &lbn->services, list) {
		if (svc->id < ctx->svc_id)
			continue;
		err = clb_nl_service_fill(skb, svc,
					  NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI,
					  CLUSTERLB_CMD_SERVICE_GET, cb);
		if (err)
			break;
		ctx->svc_id = svc->id + 1;
	}
	mutex_unlock(&lbn->lock);

	/* A full skb means "call again"; an error only if nothing fit. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err;
}

int clusterlb_nl_service_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_service_cfg cfg;
	struct clb_service *svc;
	struct clb_key key;
	int err;

	err = clb_nl_get_service_key(info->attrs, NULL, &key, info->extack);
	if (err)
		return err;
	err = clb_nl_get_service_cfg(info, &key, &cfg, true);
	if (err)
		return err;

	mutex_lock(&lbn->lock);
	if (clb_service_find(lbn, &key)) {
		NL_SET_ERR_MSG(info->extack, "service already exists");
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[CLUSTERLB_A_SERVICE_PORT]);
		err = -EEXIST;
		goto err_unlock;
	}
	err = clb_service_add(lbn, &key, &cfg, &svc);
	if (err) {
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "too many services in this namespace");
		else
			NL_SET_ERR_MSG(info->extack, "cannot create the service");
		goto err_unlock;
	}
	clb_nl_notify_service(svc, CLUSTERLB_CMD_SERVICE_NEW_NTF);
	mutex_unlock(&lbn->lock);
	return 0;

err_unlock:
	mutex_unlock(&lbn->lock);
	clb_sched_put(cfg.sched);
	return err;
}

int clusterlb_nl_service_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_service_cfg cfg;
	struct clb_service *svc;
	struct clb_key key;
	int err;

	err = clb_nl_get_service_key(info->attrs, NULL, &key, info->extack);
	if (err)
		return err;
	err = clb_nl_get_service_cfg(info, &key, &cfg, false);
	if (err)
		return err;

	mutex_lock(&lbn->lock);
	svc = clb_nl_service_find(lbn, &key, info);
	if (!svc) {
		err = -ENOENT;
		goto err_unlock;
	}
	err = clb_service_update(lbn, svc, &cfg);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[CLUSTERLB_A_SERVICE_SCHED],
				    "cannot set up the scheduler");
		goto err_unlock;
	}
	clb_nl_notify_service(svc, CLUSTERLB_CMD_SERVICE_CHANGE_NTF);
	mutex_unlock(&lbn->lock);
	return 0;

err_unlock:
	mutex_unlock(&lbn->lock);
	clb_sched_put(cfg.sched);
	return err;
}

int clusterlb_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_service *svc;
	struct clb_key key;
	int err;

	err = clb_nl_get_service_key(info->attrs, NULL, &key, info->extack);
	if (err)
		return err;

	mutex_lock(&lbn->lock);
	svc = clb_nl_service_find(lbn, &key, info);
	if (!svc) {
		err = -ENOENT;
	} else {
		/* The notification shows the service as it was. */
		clb_nl_notify_service(svc, CLUSTERLB_CMD_SERVICE_DEL_NTF);
		clb_service_del(lbn, svc);
	}
	mutex_unlock(&lbn->lock);
	return err;
}

int clusterlb_nl_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	struct clb_service *svc, *stmp;
	struct clb_member *m, *mtmp;
	struct clb_key key;
	int err;

	if (!tb[CLUSTERLB_A_SERVICE_PROTO] && !tb[CLUSTERLB_A_SERVICE_ADDR4] &&
	    !tb[CLUSTERLB_A_SERVICE_ADDR6] && !tb[CLUSTERLB_A_SERVICE_PORT]) {
		mutex_lock(&lbn->lock);
		list_for_each_entry_safe(svc, stmp, &lbn->services, list) {
			clb_nl_notify_service(svc, CLUSTERLB_CMD_SERVICE_DEL_NTF);
			clb_service_del(lbn, svc);
		}
		mutex_unlock(&lbn->lock);
		return 0;
	}

	err = clb_nl_get_service_key(tb, NULL, &key, info->extack);
	if (err)
		return err;
	mutex_lock(&lbn->lock);
	svc = clb_nl_service_find(lbn, &key, info);
	if (!svc) {
		err = -ENOENT;
	} else {
		list_for_each_entry_safe(m, mtmp, &svc->members, list) {
			clb_nl_notify_member(m, CLUSTERLB_CMD_MEMBER_DEL_NTF,
					     GFP_KERNEL);
			clb_member_del(lbn, m);
		}
		clb_nl_notify_service(svc, CLUSTERLB_CMD_SERVICE_CHANGE_NTF);
	}
	mutex_unlock(&lbn->lock);
	return err;
}

/* Members */

/*
 * The service (required, nested) and the member key of a member request.
 * Called with the namespace locked.
 */
static struct clb_service *clb_nl_member_target(struct clb_net *lbn,
						struct genl_info *info,
						struct clb_key *key)
{
	struct clb_service *svc;
	int err;

	if (CLB_REQ_ATTR(info->extack, NULL, info->attrs,
			 CLUSTERLB_A_MEMBER_SERVICE, "missing service"))
		return ERR_PTR(-EINVAL);
	svc = clb_nl_service_nested(lbn, info->attrs[CLUSTERLB_A_MEMBER_SERVICE],
				    info->extack);
	if (IS_ERR(svc))
		return svc;
	err = clb_nl_get_member_key(info->attrs, NULL, svc, key, info->extack);
	return err ? ERR_PTR(err) : svc;
}

static struct clb_member *clb_nl_member_find(struct clb_service *svc,
					     const struct clb_key *key,
					     struct genl_info *info)
{
	struct clb_member *m = clb_member_find(svc, key);

	if (!m) {
		NL_SET_ERR_MSG(info->extack, "member not found");
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[CLUSTERLB_A_MEMBER_PORT]);
	}
	return m;
}

static int clb_nl_get_member_cfg(struct genl_info *info,
				 struct clb_member_cfg *cfg, bool create)
{
	struct nlattr **tb = info->attrs;
	struct clusterhat_slot_id slot;
	struct nlattr *a;

	memset(cfg, 0, sizeof(*cfg));
	a = tb[CLUSTERLB_A_MEMBER_WEIGHT];
	if (a) {
		cfg->set |= CLB_MEM_WEIGHT;
		cfg->weight = nla_get_u32(a);
	}
	a = tb[CLUSTERLB_A_MEMBER_STATE];
	if (a) {
		cfg->set |= CLB_MEM_STATE;
		cfg->state = nla_get_u32(a);
	}
	a = tb[CLUSTERLB_A_MEMBER_IFNAME];
	if (a) {
		cfg->set |= CLB_MEM_IFNAME;
		cfg->ifname = nla_data(a);
		if (cfg->ifname[0] && !dev_valid_name(cfg->ifname)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "invalid netdev name");
			return -EINVAL;
		}
	}
	a = tb[CLUSTERLB_A_MEMBER_SLOT];
	if (a) {
		cfg->set |= CLB_MEM_SLOT;
		cfg->slot = nla_data(a);
		if (cfg->slot[0] && clusterhat_slot_parse(cfg->slot, &slot)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "invalid slot name, expected hatN/pP");
			return -EINVAL;
		}
	}
	if (!create && !cfg->set) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change (weight, state, ifname or slot)");
		return -EINVAL;
	}
	return 0;
}

int clusterlb_nl_member_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_service *svc;
	struct clb_member *m;
	struct clb_key key;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&lbn->lock);
	svc = clb_nl_member_target(lbn, info, &key);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto err_unlock;
	}
	m = clb_nl_member_find(svc, &key, info);
	if (!m) {
		err = -ENOENT;
		goto err_unlock;
	}
	err = clb_nl_member_fill(msg, m, info->snd_portid, info->snd_seq, 0,
				 info->genlhdr->cmd, NULL);
	if (err)
		goto err_unlock;
	mutex_unlock(&lbn->lock);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&lbn->lock);
	nlmsg_free(msg);
	return err;
}

/**
 * struct clb_nl_member_filter - what a member dump is restricted to
 * @svc: only this service's members, or NULL
 * @key: only members with this address (if @key.af) and port (if
 *	@key.port)
 */
struct clb_nl_member_filter {
	struct clb_service *svc;
	struct clb_key key;
};

static int clb_nl_member_filter(struct clb_net *lbn, struct nlattr **tb,
				struct clb_nl_member_filter *f,
				struct netlink_ext_ack *extack)
{
	memset(f, 0, sizeof(*f));
	if (tb[CLUSTERLB_A_MEMBER_SERVICE]) {
		f->svc = clb_nl_service_nested(lbn, tb[CLUSTERLB_A_MEMBER_SERVICE],
					       extack);
		if (IS_ERR(f->svc))
			return PTR_ERR(f->svc);
	}
	if (tb[CLUSTERLB_A_MEMBER_ADDR4] || tb[CLUSTERLB_A_MEMBER_ADDR6]) {
		int err = clb_nl_get_addr(tb, CLUSTERLB_A_MEMBER_ADDR4,
					  CLUSTERLB_A_MEMBER_ADDR6, NULL,
					  &f->key, extack);

		if (err)
			return err;
	}
	if (tb[CLUSTERLB_A_MEMBER_PORT])
		f->key.port = htons(nla_get_u16(tb[CLUSTERLB_A_MEMBER_PORT]));
	return 0;
}

static bool clb_nl_member_match(const struct clb_nl_member_filter *f,
				const struct clb_member *m)
{
	if (f->key.af && (f->key.af != m->key.af ||
			  memcmp(&f->key.addr, &m->key.addr, sizeof(f->key.addr))))
		return false;
	return !f->key.port || f->key.port == m->key.port;
}

int clusterlb_nl_member_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct clb_net *lbn = clb_net(sock_net(skb->sk));
	struct clb_nl_dump_ctx *ctx = clb_nl_dump_ctx(cb);
	struct clb_nl_member_filter f;
	struct clb_service *svc;
	struct clb_member *m;
	int err;

	mutex_lock(&lbn->lock);
	err = clb_nl_member_filter(lbn, clusterlb_dump_attrs(cb), &f,
				   cb->extack);
	if (err)
		goto out_unlock;
	cb->seq = lbn->gen;
	list_for_each_entry(svc, &lbn->services, list) {
		if (svc->id < ctx->svc_id || (f.svc && f.svc != svc))
			continue;
		if (svc->id != ctx->svc_id) {
			ctx->svc_id = svc->id;
			ctx->member_id = 0;
		}
		list_for_each_entry(m, &svc->members, list) {
			if (m->id < ctx->member_id || !clb_nl_member_match(&f, m))
				continue;
			err = clb_nl_member_fill(skb, m,
						 NETLINK_CB(cb->skb).portid,
						 cb->nlh->nlmsg_seq,
						 NLM_F_MULTI,
						 CLUSTERLB_CMD_MEMBER_GET, cb);
			if (err)
				goto out_unlock;
			ctx->member_id = m->id + 1;
		}
	}
	/* Past every service: nothing is left for a next call. */
	ctx->svc_id = U64_MAX;
out_unlock:
	mutex_unlock(&lbn->lock);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err;
}

int clusterlb_nl_member_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_member_cfg cfg;
	struct clb_service *svc;
	struct clb_member *m;
	struct clb_key key;
	int err;

	err = clb_nl_get_member_cfg(info, &cfg, true);
	if (err)
		return err;

	mutex_lock(&lbn->lock);
	svc = clb_nl_member_target(lbn, info, &key);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out_unlock;
	}
	if (clb_member_find(svc, &key)) {
		NL_SET_ERR_MSG(info->extack, "member already exists");
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[CLUSTERLB_A_MEMBER_PORT]);
		err = -EEXIST;
		goto out_unlock;
	}
	err = clb_member_add(lbn, svc, &key, &cfg, &m);
	if (err) {
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(info->extack, "too many members in this service");
		else
			NL_SET_ERR_MSG(info->extack, "cannot create the member");
		goto out_unlock;
	}
	clb_nl_notify_member(m, CLUSTERLB_CMD_MEMBER_NEW_NTF, GFP_KERNEL);
out_unlock:
	mutex_unlock(&lbn->lock);
	return err;
}

int clusterlb_nl_member_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_member_cfg cfg;
	struct clb_service *svc;
	struct clb_member *m;
	struct clb_key key;
	int err;

	err = clb_nl_get_member_cfg(info, &cfg, false);
	if (err)
		return err;

	mutex_lock(&lbn->lock);
	svc = clb_nl_member_target(lbn, info, &key);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out_unlock;
	}
	m = clb_nl_member_find(svc, &key, info);
	if (!m) {
		err = -ENOENT;
		goto out_unlock;
	}
	err = clb_member_update(lbn, m, &cfg);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot change the member");
		goto out_unlock;
	}
	clb_nl_notify_member(m, CLUSTERLB_CMD_MEMBER_CHANGE_NTF, GFP_KERNEL);
out_unlock:
	mutex_unlock(&lbn->lock);
	return err;
}

int clusterlb_nl_member_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct clb_service *svc;
	struct clb_member *m;
	struct clb_key key;
	int err = 0;

	mutex_lock(&lbn->lock);
	svc = clb_nl_member_target(lbn, info, &key);
	if (IS_ERR(svc)) {
		err = PTR_ERR(svc);
		goto out_unlock;
	}
	m = clb_nl_member_find(svc, &key, info);
	if (!m) {
		err = -ENOENT;
		goto out_unlock;
	}
	clb_nl_notify_member(m, CLUSTERLB_CMD_MEMBER_DEL_NTF, GFP_KERNEL);
	clb_member_del(lbn, m);
out_unlock:
	mutex_unlock(&lbn->lock);
	return err;
}

/* Connections */

/**
 * struct clb_nl_conn_filter - what a connection request selects
 * @svc: only this service's connections, or NULL
 * @m: only this member's, or NULL (needs @svc)
 * @client: only this client address (if @client.af) and port (if
 *	@client.port)
 */
struct clb_nl_conn_filter {
	struct clb_service *svc;
	struct clb_member *m;
	struct clb_key client;
};

/* Check and resolve a connection request's (or dump filter's) attributes. */
static int clb_nl_conn_filter(struct clb_net *lbn, struct nlattr **tb,
			      struct clb_nl_conn_filter *f,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *mtb[CLUSTERLB_A_MEMBER_PORT + 1];
	struct clb_key key;
	int err;

	memset(f, 0, sizeof(*f));
	if (tb[CLUSTERLB_A_CONN_SERVICE]) {
		f->svc = clb_nl_service_nested(lbn, tb[CLUSTERLB_A_CONN_SERVICE],
					       extack);
		if (IS_ERR(f->svc))
			return PTR_ERR(f->svc);
	}
	if (tb[CLUSTERLB_A_CONN_MEMBER]) {
		if (!f->svc) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CLUSTERLB_A_CONN_MEMBER],
					    "member filter needs a service");
			return -EINVAL;
		}
		err = nla_parse_nested(mtb, CLUSTERLB_A_MEMBER_PORT,
				       tb[CLUSTERLB_A_CONN_MEMBER],
				       clusterlb_member_key_nl_policy, extack);
		if (!err)
			err = clb_nl_get_member_key(mtb,
						    tb[CLUSTERLB_A_CONN_MEMBER],
						    f->svc, &key, extack);
		if (err)
			return err;
		f->m = clb_member_find(f->svc, &key);
		if (!f->m) {
			NL_SET_ERR_MSG_ATTR(extack, tb[CLUSTERLB_A_CONN_MEMBER],
					    "member not found");
			return -ENOENT;
		}
	}
	if (tb[CLUSTERLB_A_CONN_CLIENT_ADDR4] ||
	    tb[CLUSTERLB_A_CONN_CLIENT_ADDR6]) {
		err = clb_nl_get_addr(tb, CLUSTERLB_A_CONN_CLIENT_ADDR4,
				      CLUSTERLB_A_CONN_CLIENT_ADDR6, NULL,
				      &f->client, extack);
		if (err)
			return err;
		if (f->svc && f->client.af != f->svc->key.af) {
			NL_SET_ERR_MSG_ATTR(extack,
					    tb[CLUSTERLB_A_CONN_CLIENT_ADDR4] ?:
					    tb[CLUSTERLB_A_CONN_CLIENT_ADDR6],
					    "client address family does not match the service");
			return -EINVAL;
		}
	}
	if (tb[CLUSTERLB_A_CONN_CLIENT_PORT])
		f->client.port = htons(nla_get_u16(tb[CLUSTERLB_A_CONN_CLIENT_PORT]));
	return 0;
}

static bool clb_nl_conn_match(const struct clb_nl_conn_filter *f,
			      const struct clb_conn_info *ci)
{
	if (f->client.af &&
	    memcmp(&f->client.addr, &ci->client, sizeof(ci->client)))
		return false;
	return !f->client.port || f->client.port == ci->client_port;
}

/* Put one connection message (no allocation: called under a spinlock). */
static int clb_nl_conn_fill(struct sk_buff *skb, const struct clb_member *m,
			    const struct clb_conn_info *ci, u32 portid, u32 seq,
			    int flags, u8 cmd)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &clb_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;

	nest = nla_nest_start(skb, CLUSTERLB_A_CONN_SERVICE);
	if (!nest || clb_nl_put_service_key(skb, m->svc))
		goto err_cancel;
	nla_nest_end(skb, nest);
	nest = nla_nest_start(skb, CLUSTERLB_A_CONN_MEMBER);
	if (!nest ||
	    clb_nl_put_addr(skb, CLUSTERLB_A_MEMBER_ADDR4,
			    CLUSTERLB_A_MEMBER_ADDR6, &m->key) ||
	    nla_put_u16(skb, CLUSTERLB_A_MEMBER_PORT, ntohs(m->key.port)))
		goto err_cancel;
	nla_nest_end(skb, nest);

	if ((m->key.af == AF_INET ?
	     nla_put_in_addr(skb, CLUSTERLB_A_CONN_CLIENT_ADDR4, ci->client.ip) :
	     nla_put_in6_addr(skb, CLUSTERLB_A_CONN_CLIENT_ADDR6,
			      &ci->client.in6)) ||
	    nla_put_u16(skb, CLUSTERLB_A_CONN_CLIENT_PORT,
			ntohs(ci->client_port)) ||
	    nla_put_u32(skb, CLUSTERLB_A_CONN_STATE,
			ci->active ? CLUSTERLB_CONN_STATE_ACTIVE :
				     CLUSTERLB_CONN_STATE_INACTIVE) ||
	    nla_put_u32(skb, CLUSTERLB_A_CONN_AGE, ci->age))
		goto err_cancel;

	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * struct clb_nl_conn_walk - state of a clb_conn_walk() over one member
 * @skb: where messages go
 * @m: the member
 * @f: the request's filter
 * @portid: netlink header of each message
 * @seq: netlink header of each message
 * @flags: netlink header of each message
 * @cmd: generic netlink command of each message
 * @one: stop after the first match (do)
 * @found: a connection was put (do)
 * @err: -EMSGSIZE once @skb is full
 */
struct clb_nl_conn_walk {
	struct sk_buff *skb;
	const struct clb_member *m;
	const struct clb_nl_conn_filter *f;
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	bool one;
	bool found;
	int err;
};

static int clb_nl_conn_walk_fn(const struct clb_conn_info *ci, void *arg)
{
	struct clb_nl_conn_walk *w = arg;

	if (!clb_nl_conn_match(w->f, ci))
		return 0;
	w->err = clb_nl_conn_fill(w->skb, w->m, ci, w->portid, w->seq,
				  w->flags, w->cmd);
	if (w->err)
		return 1;
	w->found = true;
	return w->one;
}

int clusterlb_nl_conn_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct clb_net *lbn = clb_net(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	struct clb_nl_conn_filter f;
	struct clb_nl_conn_walk w;
	struct clb_member *m;
	struct sk_buff *msg;
	int err;

	if (CLB_REQ_ATTR(info->extack, NULL, tb, CLUSTERLB_A_CONN_SERVICE,
			 "missing service"))
		return -EINVAL;
	if (!tb[CLUSTERLB_A_CONN_CLIENT_ADDR4] &&
	    !tb[CLUSTERLB_A_CONN_CLIENT_ADDR6]) {
		NL_SET_ERR_MSG(info->extack, "missing client address");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL,
				     CLUSTERLB_A_CONN_CLIENT_ADDR4);
		return -EINVAL;
	}
	if (CLB_REQ_ATTR(info->extack, NULL, tb, CLUSTERLB_A_CONN_CLIENT_PORT,
			 "missing client port"))
		return -EINVAL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	memset(&w, 0, sizeof(w));
	w.skb = msg;
	w.f = &f;
	w.portid = info->snd_portid;
	w.seq = info->snd_seq;
	w.cmd = info->genlhdr->cmd;
	w.one = true;
	mutex_lock(&lbn->lock);
	err = clb_nl_conn_filter(lbn, tb, &f, info->extack);
	if (err)
		goto err_unlock;
	list_for_each_entry(m, &f.svc->members, list) {
		if (f.m && f.m != m)
			continue;
		w.m = m;
		clb_conn_walk(m, 0, clb_nl_conn_walk_fn, &w);
		if (w.found || w.err)
			break;
	}
	err = w.err;
	if (!err && !w.found) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CLUSTERLB_A_CONN_CLIENT_PORT],
				    "no connection from this client");
		err = -ENOENT;
	}
	if (err)
		goto err_unlock;
	mutex_unlock(&lbn->lock);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&lbn->lock);
	nlmsg_free(msg);
	return err;
}

/*
 * Connections come and go without the namespace lock, so a dump of them is
 * not a snapshot: it resumes at the same position in the member's list,
 * which may skip or repeat a connection that started or ended meanwhile.
 */
int clusterlb_nl_conn_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	struct clb_net *lbn = clb_net(sock_net(skb->sk));
	struct clb_nl_dump_ctx *ctx = clb_nl_dump_ctx(cb);
	struct clb_nl_conn_filter f;
	struct clb_nl_conn_walk w;
	struct clb_service *svc;
	struct clb_member *m;
	int err;

	memset(&w, 0, sizeof(w));
	w.skb = skb;
	w.f = &f;
	w.portid = NETLINK_CB(cb->skb).portid;
	w.seq = cb->nlh->nlmsg_seq;
	w.flags = NLM_F_MULTI;
	w.cmd = CLUSTERLB_CMD_CONN_GET;
	mutex_lock(&lbn->lock);
	err = clb_nl_conn_filter(lbn, clusterlb_dump_attrs(cb), &f, cb->extack);
	if (err)
		goto out_unlock;
	list_for_each_entry(svc, &lbn->services, list) {
		if (svc->id < ctx->svc_id || (f.svc && f.svc != svc))
			continue;
		if (svc->id != ctx->svc_id) {
			ctx->svc_id = svc->id;
			ctx->member_id = 0;
		}
		list_for_each_entry(m, &svc->members, list) {
			if (m->id < ctx->member_id || (f.m && f.m != m))
				continue;
			if (m->id != ctx->member_id) {
				ctx->member_id = m->id;
				ctx->skip = 0;
			}
			w.m = m;
			ctx->skip += clb_conn_walk(m, ctx->skip,
						   clb_nl_conn_walk_fn, &w);
			err = w.err;
			if (err)
				goto out_unlock;
		}
	}
	ctx->svc_id = U64_MAX;
out_unlock:
	mutex_unlock(&lbn->lock);
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err;
}

/**
 * clb_nl_init() - register the family and start reporting datapath events
 *
 * Return: 0 or a negative error.
 */
int clb_nl_init(void)
{
	int err;

	err = genl_register_family(&clb_nl_family);
	if (err) {
		pr_err("netlink: registering the family failed (%d)\n", err);
		return err;
	}
	clb_set_events(&clb_nl_events);
	return 0;
}

/**
 * clb_nl_exit() - stop reporting events, then unregister the family
 */
void clb_nl_exit(void)
{
	clb_set_events(NULL);
	genl_unregister_family(&clb_nl_family);
}

MODULE_ALIAS_GENL_FAMILY(CLUSTERLB_FAMILY_NAME);
