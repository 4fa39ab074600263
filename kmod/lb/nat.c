// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: the NAT hooks.
 *
 * Address translation is the kernel NAT core's: this file only decides.
 * Per namespace, while it has services, it registers lookup functions
 * with the NAT core the way nftables' nat chains do
 * (nf_nat_ipv4_register_fn() / nf_nat_ipv6_register_fn()); the NAT core
 * calls them for the first packet of every conntrack entry whose mapping
 * is not set up yet:
 *
 * - PRE_ROUTING and LOCAL_OUT (destination NAT): a new TCP or UDP
 *   connection to a service's address and port gets a member
 *   (clb_conn_schedule()), a record (conn.c) and
 *   nf_nat_setup_info(NF_NAT_MANIP_DST) to the member's address and port.
 *   From then on conntrack rewrites every packet of the flow both ways,
 *   ICMP errors included, and `conntrack -L` shows the mapping.
 * - POST_ROUTING (source NAT): for a service with the full-NAT flag, the
 *   same connection also gets the address of the interface towards the
 *   member as its source, so that members that do not route through the
 *   balancer still answer through it.
 *
 * One more, ordinary, hook watches the replies of connections that are not
 * yet assured for passive health (health.c): a reset to the SYN or an ICMP
 * error marks the member in error, an answer ends a trial.
 *
 * A TCP segment to a service that starts no connection and has no
 * conntrack entry (the flow was ended, or the balancer restarted) is
 * answered with a reset instead of being scheduled: this is how a client
 * of a member that went away learns it at its next segment. A connection
 * that cannot be scheduled (no eligible member) is refused the same way
 * (ICMP port unreachable for UDP).
 */

#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "dp.h"

static bool clb_nat_v6(const struct nf_hook_state *state)
{
	return state->pf == NFPROTO_IPV6;
}

/* Offset of the transport header, or -1. */
static int clb_nat_thoff(const struct sk_buff *skb, bool v6)
{
	__be16 frag_off;
	u8 nexthdr;
	int off;

	if (!v6)
		return skb_network_offset(skb) + ip_hdrlen(skb);
	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
			       sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	return off < 0 || (frag_off & htons(~0x7)) ? -1 : off;
}

static bool clb_nat_is_syn(const struct sk_buff *skb, bool v6)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	int off = clb_nat_thoff(skb, v6);

	if (off < 0)
		return false;
	th = skb_header_pointer(skb, off, sizeof(_th), &_th);
	return th && th->syn && !th->ack && !th->rst && !th->fin;
}

/*
 * An ICMP error saying the member cannot be reached (not "fragmentation
 * needed" or "packet too big", which path MTU discovery handles).
 */
static bool clb_nat_is_unreach(const struct sk_buff *skb, bool v6)
{
	const struct icmphdr *ih;
	struct icmphdr _ih;
	int off = clb_nat_thoff(skb, v6);

	if (off < 0)
		return false;
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih)
		return false;
	if (v6)
		return ih->type == ICMPV6_DEST_UNREACH;
	return ih->type == ICMP_DEST_UNREACH && ih->code != ICMP_FRAG_NEEDED;
}

/* Refuse a connection: reset for TCP, port unreachable for UDP. */
static void clb_nat_refuse(struct sk_buff *skb,
			   const struct nf_hook_state *state, u8 proto)
{
	bool v6 = clb_nat_v6(state);

	if (proto == IPPROTO_TCP) {
		if (v6)
			nf_send_reset6(state->net, state->sk, skb, state->hook);
		else
			nf_send_reset(state->net, state->sk, skb, state->hook);
	} else {
		if (v6)
			nf_send_unreach6(state->net, skb, ICMPV6_PORT_UNREACH,
					 state->hook);
		else
			nf_send_unreach(skb, ICMP_PORT_UNREACH, state->hook);
	}
}

/*
 * Reset one side of a TCP connection whose conntrack entry is being
 * deleted: hand nf_send_reset*() a stand-in for a segment the other side
 * might have sent (tuple @t, sequence @seq, acknowledging @ack), and it
 * answers with a reset whose sequence number is @ack. The stand-in is
 * marked checksum-verified; it is never sent. The peer takes the reset if
 * @ack is exactly what it expects next, else (data in flight) it sends a
 * challenge ACK, which has no conntrack entry any more and is answered
 * with an exact reset by clb_nat_dnat() (or by the member's stack).
 */
static void clb_nat_reset(struct net *net, const struct nf_conntrack_tuple *t,
			  u32 seq, u32 ack)
{
	bool v6 = t->src.l3num == NFPROTO_IPV6;
	unsigned int nhlen = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	struct dst_entry *dst;
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(LL_MAX_HEADER + nhlen + sizeof(*th), GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	if (v6) {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));
		struct flowi6 fl6 = { .daddr = t->src.u3.in6 };

		ip6h->version = 6;
		ip6h->payload_len = htons(sizeof(*th));
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 64;
		ip6h->saddr = t->src.u3.in6;
		ip6h->daddr = t->dst.u3.in6;
		dst = ip6_route_output(net, NULL, &fl6);
		if (dst->error) {
			dst_release(dst);
			goto out;
		}
	} else {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));
		struct flowi4 fl4 = { .daddr = t->src.u3.ip };
		struct rtable *rt;

		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(sizeof(*iph) + sizeof(*th));
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = t->src.u3.ip;
		iph->daddr = t->dst.u3.ip;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			goto out;
		dst = &rt->dst;
	}
	skb_dst_set(skb, dst);
	skb->dev = net->loopback_dev;
	skb_set_transport_header(skb, nhlen);
	th = skb_put_zero(skb, sizeof(*th));
	th->source = t->src.u.tcp.port;
	th->dest = t->dst.u.tcp.port;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = sizeof(*th) / 4;
	th->ack = 1;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (v6)
		nf_send_reset6(net, NULL, skb, NF_INET_LOCAL_OUT);
	else
		nf_send_reset(net, NULL, skb, NF_INET_LOCAL_OUT);
out:
	consume_skb(skb);
}

/**
 * clb_nat_reset_ct() - reset both ends of a connection being ended
 * @ct: its conntrack entry (TCP)
 *
 * From SYN_RECV to LAST_ACK (a client in SYN_SENT is left to retransmit:
 * its next SYN is scheduled anew), the client gets a reset from the
 * service's address, the member one from the client's (or, with full NAT,
 * the balancer's) address, each with the sequence number conntrack last
 * saw from the other side.
 *
 * Context: process context or softirq; @ct already out of conntrack's
 * table (nf_ct_kill()), its reference held by the caller.
 */
void clb_nat_reset_ct(struct nf_conn *ct)
{
	const struct ip_ct_tcp *tcp = &ct->proto.tcp;
	u8 state = READ_ONCE(tcp->state);
	u32 orig_end, reply_end;

	if (nf_ct_protonum(ct) != IPPROTO_TCP ||
	    state < TCP_CONNTRACK_SYN_RECV ||
	    state >= TCP_CONNTRACK_TIME_WAIT)
		return;
	orig_end = READ_ONCE(tcp->seen[IP_CT_DIR_ORIGINAL].td_end);
	reply_end = READ_ONCE(tcp->seen[IP_CT_DIR_REPLY].td_end);
	local_bh_disable();
	rcu_read_lock();
	/* As if from the client: the reset goes to it, from the service. */
	clb_nat_reset(nf_ct_net(ct), &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple,
		      orig_end, reply_end);
	/* As if from the member: the reset goes to it. */
	clb_nat_reset(nf_ct_net(ct), &ct->tuplehash[IP_CT_DIR_REPLY].tuple,
		      reply_end, orig_end);
	rcu_read_unlock();
	local_bh_enable();
}

/* The service a conntrack tuple (original direction) is addressed to. */
static struct clb_service *clb_nat_tuple_service(const struct net *net,
						 const struct nf_conntrack_tuple *t)
{
	struct clb_key key;

	memset(&key, 0, sizeof(key));
	key.proto = t->dst.protonum;
	if (key.proto != IPPROTO_TCP && key.proto != IPPROTO_UDP)
		return NULL;
	key.af = t->src.l3num == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	if (key.af == AF_INET)
		key.addr.ip = t->dst.u3.ip;
	else
		key.addr.in6 = t->dst.u3.in6;
	key.port = t->dst.u.all;
	return clb_service_lookup_rcu(net, &key);
}

/**
 * clb_nat_ct_member() - the member a balanced conntrack entry goes to
 * @ct: the entry
 *
 * Context: rcu_read_lock().
 * Return: the member, or NULL if @ct is not a connection to a service's
 * member.
 */
struct clb_member *clb_nat_ct_member(const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *rt = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	struct clb_service *svc;
	struct clb_member *m;

	svc = clb_nat_tuple_service(nf_ct_net(ct),
				    &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	if (!svc)
		return NULL;
	list_for_each_entry_rcu(m, &svc->members, list) {
		if (m->key.port != rt->src.u.all)
			continue;
		if (svc->key.af == AF_INET ? m->key.addr.ip == rt->src.u3.ip :
		    ipv6_addr_equal(&m->key.addr.in6, &rt->src.u3.in6))
			return m;
	}
	return NULL;
}

/* PRE_ROUTING and LOCAL_OUT: schedule a new connection to a service. */
static unsigned int clb_nat_dnat(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *t;
	struct nf_nat_range2 range = {};
	enum ip_conntrack_info ctinfo;
	struct clb_service *svc;
	struct clb_dp_net *dpn;
	struct clb_tmpl *tmpl;
	struct clb_member *m;
	struct nf_conn *ct;
	struct clb_conn *c;
	unsigned int ret;
	bool trial;

	ct = nf_ct_get(skb, &ctinfo);
	/* RELATED entries (expectations) belong to their master's member. */
	if (!ct || ctinfo != IP_CT_NEW)
		return NF_ACCEPT;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	svc = clb_nat_tuple_service(state->net, t);
	if (!svc)
		return NF_ACCEPT;
	dpn = clb_dp_net(state->net);

	/*
	 * An entry from before the service (or before any NAT hook of this
	 * namespace) that never got a mapping: too late to give it one, and
	 * extensions cannot be added to it. End it; the client's next
	 * packet starts a new one, which is scheduled.
	 */
	if (nf_ct_is_confirmed(ct)) {
		nf_ct_kill(ct);
		return NF_DROP;
	}

	if (t->dst.protonum == IPPROTO_TCP &&
	    !clb_nat_is_syn(skb, clb_nat_v6(state))) {
		atomic64_inc(&dpn->nonsyn);
		clb_nat_refuse(skb, state, IPPROTO_TCP);
		return NF_DROP;
	}

	m = clb_conn_schedule(dpn, svc, skb, t, &tmpl, &trial);
	if (!m) {
		atomic64_inc(&dpn->no_member);
		clb_nat_refuse(skb, state, t->dst.protonum);
		return NF_DROP;
	}
	c = clb_conn_alloc(dpn);
	if (!c) {
		ret = NF_DROP;
		goto err_tmpl;
	}

	/* Packets and bytes come from conntrack's accounting. */
	if (!nf_conn_acct_find(ct))
		nf_ct_ext_add(ct, NF_CT_EXT_ACCT, GFP_ATOMIC);

	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	if (svc->key.af == AF_INET)
		range.min_addr.ip = m->key.addr.ip;
	else
		range.min_addr.in6 = m->key.addr.in6;
	range.max_addr = range.min_addr;
	range.min_proto.all = m->key.port;
	range.max_proto.all = m->key.port;
	ret = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
	if (ret != NF_ACCEPT) {
		atomic64_inc(&dpn->nat_fail);
		goto err_conn;
	}
	if (clb_conn_insert(c, m, ct, tmpl, trial)) {
		/* The member is being removed: the client retries. */
		ret = NF_DROP;
		goto err_conn;
	}
	return NF_ACCEPT;

err_conn:
	clb_conn_free(c);
err_tmpl:
	if (trial)
		clear_bit(0, &m->dp.trial);
	clb_tmpl_put(dpn, tmpl);
	return ret;
}

/* POST_ROUTING: full NAT, the source becomes the outgoing interface's. */
static unsigned int clb_nat_snat(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nf_nat_range2 range = {};
	enum ip_conntrack_info ctinfo;
	struct clb_service *svc;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !(ct->status & IPS_DST_NAT) ||
	    !state->out)
		return NF_ACCEPT;
	svc = clb_nat_tuple_service(state->net,
				    &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	if (!svc || !(READ_ONCE(svc->flags) & CLUSTERLB_SERVICE_FLAGS_FULLNAT))
		return NF_ACCEPT;

	if (clb_nat_v6(state)) {
		if (ipv6_dev_get_saddr(state->net, state->out,
				       &ipv6_hdr(skb)->daddr, 0,
				       &range.min_addr.in6))
			return NF_DROP;
	} else {
		const struct rtable *rt = skb_rtable(skb);
		__be32 nh = rt_nexthop(rt, ip_hdr(skb)->daddr);

		range.min_addr.ip = inet_select_addr(state->out, nh,
						     RT_SCOPE_UNIVERSE);
		if (!range.min_addr.ip)
			return NF_DROP;
	}
	range.max_addr = range.min_addr;
	range.flags = NF_NAT_RANGE_MAP_IPS;
	return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);
}

/*
 * Replies of connections that are not assured yet (a plain hook, after
 * conntrack): the member's first answer, or its refusal.
 */
static unsigned int clb_nat_watch(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct clb_dp_net *dpn;
	struct clb_member *m;
	struct nf_conn *ct;
	bool fail;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || CTINFO2DIR(ctinfo) != IP_CT_DIR_REPLY ||
	    !(READ_ONCE(ct->status) & IPS_DST_NAT) ||
	    test_bit(IPS_ASSURED_BIT, &ct->status))
		return NF_ACCEPT;

	if (ctinfo == IP_CT_RELATED_REPLY) {
		/* An ICMP error about the connection. */
		if (!clb_nat_is_unreach(skb, clb_nat_v6(state)))
			return NF_ACCEPT;
		fail = true;
	} else if (nf_ct_protonum(ct) == IPPROTO_TCP &&
		   READ_ONCE(ct->proto.tcp.state) == TCP_CONNTRACK_CLOSE) {
		/* A reset to the SYN. */
		fail = true;
	} else {
		/* An answer: only interesting to a trial connection. */
		fail = false;
		if (!atomic_read(&clb_dp_net(state->net)->n_error))
			return NF_ACCEPT;
	}

	m = clb_nat_ct_member(ct);
	if (!m)
		return NF_ACCEPT;
	dpn = clb_dp_net(state->net);
	if (fail)
		clb_health_fail(dpn, m);
	else
		clb_health_ok(dpn, m);
	return NF_ACCEPT;
}

/*
 * Priorities: the lookup functions run inside the NAT core's own hooks
 * (destination NAT at NF_IP_PRI_NAT_DST, -100; source NAT at
 * NF_IP_PRI_NAT_SRC, 100), ordered there among other NAT users (nftables
 * nat chains, iptables' nat table) by these priorities: the balancer comes
 * first for destination NAT, so a service's address is never handed to
 * another DNAT rule, and first for source NAT, so full NAT wins over the
 * masquerading a CNAT image does. The watch hook runs right after
 * conntrack (NF_IP_PRI_CONNTRACK + 1), when the entry's state already
 * reflects the packet.
 */
static const struct nf_hook_ops clb_nat_ops4[] = {
	{
		.hook = clb_nat_dnat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST - 1,
	},
	{
		.hook = clb_nat_dnat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST - 1,
	},
	{
		.hook = clb_nat_snat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC - 1,
	},
};

static const struct nf_hook_ops clb_nat_ops6[] = {
	{
		.hook = clb_nat_dnat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST - 1,
	},
	{
		.hook = clb_nat_dnat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST - 1,
	},
	{
		.hook = clb_nat_snat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_NAT_SRC - 1,
	},
};

static const struct nf_hook_ops clb_watch_ops[] = {
	{
		.hook = clb_nat_watch,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK + 1,
	},
	{
		.hook = clb_nat_watch,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK + 1,
	},
};

static void clb_nat_unregister4(struct net *net, unsigned int n)
{
	while (n--)
		nf_nat_ipv4_unregister_fn(net, &clb_nat_ops4[n]);
}

static void clb_nat_unregister6(struct net *net, unsigned int n)
{
	while (n--)
		nf_nat_ipv6_unregister_fn(net, &clb_nat_ops6[n]);
}

/**
 * clb_nat_register() - hook a namespace in (its first service)
 * @net: the namespace; conntrack is already on for it
 *
 * Context: process context, clb_net.lock held.
 * Return: 0 or a negative error (nothing registered then).
 */
int clb_nat_register(struct net *net)
{
	unsigned int i, j;
	int err;

	for (i = 0; i < ARRAY_SIZE(clb_nat_ops4); i++) {
		err = nf_nat_ipv4_register_fn(net, &clb_nat_ops4[i]);
		if (err)
			goto err_v4;
	}
	for (j = 0; j < ARRAY_SIZE(clb_nat_ops6); j++) {
		err = nf_nat_ipv6_register_fn(net, &clb_nat_ops6[j]);
		if (err)
			goto err_v6;
	}
	err = nf_register_net_hooks(net, clb_watch_ops,
				    ARRAY_SIZE(clb_watch_ops));
	if (err)
		goto err_v6;
	return 0;

err_v6:
	clb_nat_unregister6(net, j);
err_v4:
	clb_nat_unregister4(net, i);
	pr_err("registering NAT hooks failed (%d)\n", err);
	return err;
}

/**
 * clb_nat_unregister() - undo clb_nat_register() (last service gone)
 * @net: the namespace
 *
 * Context: process context; waits for running hooks.
 */
void clb_nat_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, clb_watch_ops, ARRAY_SIZE(clb_watch_ops));
	clb_nat_unregister6(net, ARRAY_SIZE(clb_nat_ops6));
	clb_nat_unregister4(net, ARRAY_SIZE(clb_nat_ops4));
}
