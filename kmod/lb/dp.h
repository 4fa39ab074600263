/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlb: internals shared by the datapath files (conn.c, nat.c,
 * health.c). The rest of the module sees the datapath through the
 * "Datapath" section of lb.h only. Documentation/datapath.md explains the
 * design.
 */
#ifndef _CLUSTERLB_DP_H
#define _CLUSTERLB_DP_H

#include <linux/jhash.h>
#include <linux/workqueue.h>
#include <net/netfilter/nf_conntrack.h>

#include "lb.h"

/* Tunables (module parameters, conn.c and health.c). */
extern unsigned int clb_conn_max;
extern unsigned int clb_gc_interval_ms;
extern unsigned int clb_health_retry_ms;
extern unsigned int clb_health_timeout_ms;
extern bool clb_disabled_ends_flows;

/**
 * struct clb_dp_net - the datapath's state of a network namespace
 * @net: the namespace
 * @n_services: services configured (under clb_net.lock); the NAT hooks
 *	and the conntrack reference are held while it is not zero
 * @tmpl_lock: protects @tmpl_hash and every template
 * @tmpl_hash: persistence templates by service and masked client address
 * @gc: the periodic walk over the records (conn.c)
 * @n_error: members of this namespace with the error health bit
 * @limit_hit: new connections refused because the table was full
 * @no_member: new connections refused because no member was eligible
 * @nonsyn: TCP packets that did not start a connection and had no
 *	conntrack entry (reset)
 * @nat_fail: nf_nat_setup_info() refused the mapping
 * @failures: passive health failures seen
 */
struct clb_dp_net {
	struct net *net;
	unsigned int n_services;
	spinlock_t tmpl_lock;	/* templates */
	struct hlist_head tmpl_hash[256];
	struct delayed_work gc;
	atomic_t n_error;
	atomic64_t limit_hit;
	atomic64_t no_member;
	atomic64_t nonsyn;
	atomic64_t nat_fail;
	atomic64_t failures;
};

struct clb_dp_net *clb_dp_net(const struct net *net);

/* Records (conn.c) */
struct clb_tmpl;

/**
 * struct clb_conn - the record of one scheduled connection
 * @node: in clb_member_dp.conns, under clb_member_dp.lock
 * @ct: its conntrack entry; the record holds a reference
 * @m: the member it was given to
 * @tmpl: the persistence template it holds, or NULL
 * @created: jiffies when it was scheduled
 * @seen: conntrack accounting already added to the counters: packets
 *	and bytes from the client, packets and bytes to the client
 * @active: counted as active (else inactive)
 * @replied: the member answered (SYN-ACK or a UDP reply)
 * @judged: passive health already looked at this connection
 * @trial: this is the trial connection of a member in error
 * @doomed: its flow is to be ended as soon as conntrack confirms it
 */
struct clb_conn {
	struct list_head node;
	struct nf_conn *ct;
	struct clb_member *m;
	struct clb_tmpl *tmpl;
	unsigned long created;
	u64 seen[4];
	u8 active:1,
	   replied:1,
	   judged:1,
	   trial:1,
	   doomed:1;
};

struct clb_member *clb_conn_schedule(struct clb_dp_net *dpn,
				     struct clb_service *svc,
				     const struct sk_buff *skb,
				     const struct nf_conntrack_tuple *t,
				     struct clb_tmpl **tmplp, bool *trial);
struct clb_conn *clb_conn_alloc(struct clb_dp_net *dpn);
void clb_conn_free(struct clb_conn *c);
void clb_tmpl_put(struct clb_dp_net *dpn, struct clb_tmpl *t);
int clb_conn_insert(struct clb_conn *c, struct clb_member *m,
		    struct nf_conn *ct, struct clb_tmpl *t, bool trial);
void clb_conn_kill_member(struct clb_member *m);
int clb_conn_net_init(struct clb_dp_net *dpn);
void clb_conn_gc_start(struct clb_dp_net *dpn);
void clb_conn_gc_stop(struct clb_dp_net *dpn);
int clb_conn_init(void);
void clb_conn_exit(void);

/**
 * clb_src_hash() - hash of a new connection's client, for sh and mh
 * @svc: the service (its flags choose whether the port counts)
 * @skb: the connection's first packet, with its conntrack entry
 * @seed: hash seed
 *
 * Return: a hash of the client's address (and source port with
 * CLUSTERLB_SERVICE_FLAGS_HASH_PORT).
 */
static inline u32 clb_src_hash(const struct clb_service *svc,
			       const struct sk_buff *skb, u32 seed)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conntrack_tuple *t;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	u32 h;

	if (!ct)
		return seed;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (svc->key.af == AF_INET)
		h = jhash_1word((__force u32)t->src.u3.ip, seed);
	else
		h = jhash2((const u32 *)&t->src.u3.in6, 4, seed);
	if (READ_ONCE(svc->flags) & CLUSTERLB_SERVICE_FLAGS_HASH_PORT)
		h = jhash_1word((__force u32)t->src.u.all, h);
	return h;
}

/* NAT hooks (nat.c) */
int clb_nat_register(struct net *net);
void clb_nat_unregister(struct net *net);
struct clb_member *clb_nat_ct_member(const struct nf_conn *ct);
void clb_nat_reset_ct(struct nf_conn *ct);

/* Health (health.c) */
void clb_health_update(struct clb_member *m, u32 clear, u32 set,
		       unsigned long retry_at);
void clb_health_fail(struct clb_dp_net *dpn, struct clb_member *m);
void clb_health_ok(struct clb_dp_net *dpn, struct clb_member *m);
void clb_health_sync_link(struct net *net, struct clb_member *m);
void clb_health_member_init(struct clb_member *m, bool published);
int clb_health_init(void);
void clb_health_exit(void);

#endif /* _CLUSTERLB_DP_H */
