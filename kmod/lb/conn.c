// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: the connection records.
 *
 * For every connection it schedules, the NAT hook (nat.c) keeps a small
 * record (struct clb_conn, dp.h) on the chosen member's list: which member,
 * when, the conntrack entry it belongs to (with a reference held), and the
 * persistence template it used. The records are what makes the balancer
 * know how many active and inactive connections a member has, when a
 * draining member has none left, and which flows to end when a member goes
 * away.
 *
 * How a record learns that its conntrack entry died: it holds a reference,
 * so the entry cannot be freed or reused under it, and a periodic walk
 * (every gc_interval_ms) looks at each record's entry: IPS_DYING set (the
 * entry was deleted: timeout, nf_ct_kill(), conntrack -D, a clash) or an
 * entry that was never confirmed and is only referenced by the record (its
 * packet was dropped) means the connection is over; the record is then
 * freed and the reference dropped. Conntrack events cannot be used (only
 * one listener may register, and ctnetlink takes it) and modules cannot
 * add conntrack extensions, so polling is the only way that coexists with
 * `conntrack -L`. The same walk moves records between active and inactive,
 * folds conntrack's packet and byte accounting into the counters, sends
 * the drained event and applies the passive health timeout.
 *
 * Persistence templates (struct clb_tmpl) map a service and a client
 * address, masked with the service's persistence prefix, to a member.
 * They live in a per-namespace hash under one spinlock, are referenced by
 * the records that used them and expire persist_timeout seconds after
 * their last connection ended.
 *
 * Memory: records and templates come from two slab caches and count
 * against one global limit, conn_max; a new connection beyond it is
 * dropped and counted (limit_hit in /proc/net/clusterlb). Nothing is
 * allocated per packet.
 */

#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netns/generic.h>

#include "dp.h"

unsigned int clb_conn_max __read_mostly = 65536;
module_param_named(conn_max, clb_conn_max, uint, 0644);
MODULE_PARM_DESC(conn_max,
		 "Most connection records and persistence templates (all namespaces)");

unsigned int clb_gc_interval_ms __read_mostly = 1000;
module_param_named(gc_interval_ms, clb_gc_interval_ms, uint, 0644);
MODULE_PARM_DESC(gc_interval_ms,
		 "Period of the walk over the connection records, ms (min 50)");

bool clb_disabled_ends_flows __read_mostly;
module_param_named(disabled_ends_flows, clb_disabled_ends_flows, bool, 0644);
MODULE_PARM_DESC(disabled_ends_flows,
		 "Setting a member disabled also ends its connections");

static unsigned int clb_dp_net_id __read_mostly;
static struct kmem_cache *clb_conn_cache __read_mostly;
static struct kmem_cache *clb_tmpl_cache __read_mostly;
static atomic_t clb_conn_count = ATOMIC_INIT(0);

/**
 * struct clb_tmpl - a persistence template
 * @node: in clb_dp_net.tmpl_hash
 * @svc: the service
 * @m: the member clients of @addr keep, or NULL once it was removed
 * @addr: the client address, masked
 * @last: jiffies of its last use or of the end of its last connection
 * @refs: records using it
 */
struct clb_tmpl {
	struct hlist_node node;
	struct clb_service *svc;
	struct clb_member *m;
	union clb_addr addr;
	unsigned long last;
	unsigned int refs;
};

/**
 * clb_dp_net() - the datapath's state of a namespace
 * @net: the namespace
 *
 * Return: its struct clb_dp_net.
 */
struct clb_dp_net *clb_dp_net(const struct net *net)
{
	return net_generic(net, clb_dp_net_id);
}

static bool clb_member_eligible(const struct clb_member *m)
{
	return clb_member_available(m) && !READ_ONCE(m->dp.dead);
}

/* Counters */

static void clb_stats_add(struct clb_stats *st, u64 conns, const u64 d[4])
{
	struct clb_stats_pcpu *p = this_cpu_ptr(st->pcpu);

	u64_stats_update_begin(&p->syncp);
	u64_stats_add(&p->conns, conns);
	u64_stats_add(&p->pkts_in, d[0]);
	u64_stats_add(&p->bytes_in, d[1]);
	u64_stats_add(&p->pkts_out, d[2]);
	u64_stats_add(&p->bytes_out, d[3]);
	u64_stats_update_end(&p->syncp);
}

/* Add what conntrack counted since the last call; BHs disabled. */
static void clb_conn_fold(struct clb_conn *c)
{
	static const u64 none[4];
	const struct nf_conn_acct *acct;
	const struct nf_conn_counter *cnt;
	u64 now[4], d[4];
	int i;

	/* Until it is confirmed, the packet's CPU may still reallocate ext. */
	if (!nf_ct_is_confirmed(c->ct))
		return;
	acct = nf_conn_acct_find(c->ct);
	if (!acct)
		return;
	cnt = acct->counter;
	now[0] = atomic64_read(&cnt[IP_CT_DIR_ORIGINAL].packets);
	now[1] = atomic64_read(&cnt[IP_CT_DIR_ORIGINAL].bytes);
	now[2] = atomic64_read(&cnt[IP_CT_DIR_REPLY].packets);
	now[3] = atomic64_read(&cnt[IP_CT_DIR_REPLY].bytes);
	for (i = 0; i < 4; i++) {
		d[i] = now[i] - c->seen[i];
		c->seen[i] = now[i];
	}
	if (!memcmp(d, none, sizeof(d)))
		return;
	clb_stats_add(&c->m->stats, 0, d);
	clb_stats_add(&c->m->svc->stats, 0, d);
}

static void clb_conn_set_active(struct clb_conn *c, bool active)
{
	struct clb_stats *ms = &c->m->stats, *ss = &c->m->svc->stats;

	if (c->active == active)
		return;
	c->active = active;
	/* Count the new state first: readers may see one too many. */
	if (active) {
		atomic64_inc(&ms->active);
		atomic64_inc(&ss->active);
		atomic64_dec(&ms->inactive);
		atomic64_dec(&ss->inactive);
	} else {
		atomic64_inc(&ms->inactive);
		atomic64_inc(&ss->inactive);
		atomic64_dec(&ms->active);
		atomic64_dec(&ss->active);
	}
}

/* Templates */

static u32 clb_tmpl_hash(const struct clb_service *svc,
			 const union clb_addr *addr)
{
	return jhash(addr, sizeof(*addr), (u32)(unsigned long)svc) & 255;
}

static void clb_tmpl_free(struct clb_tmpl *t)
{
	hlist_del(&t->node);
	kmem_cache_free(clb_tmpl_cache, t);
	atomic_dec(&clb_conn_count);
}

/**
 * clb_tmpl_put() - a record or an aborted scheduling drops its template
 * @dpn: the namespace's datapath state
 * @t: the template, or NULL
 */
void clb_tmpl_put(struct clb_dp_net *dpn, struct clb_tmpl *t)
{
	if (!t)
		return;
	spin_lock_bh(&dpn->tmpl_lock);
	t->last = jiffies;
	if (!--t->refs && !t->m)
		clb_tmpl_free(t);
	spin_unlock_bh(&dpn->tmpl_lock);
}

static void clb_mask_addr(union clb_addr *a, const union clb_addr *src,
			  u8 af, u8 plen)
{
	memset(a, 0, sizeof(*a));
	if (af == AF_INET) {
		a->ip = src->ip & inet_make_mask(min_t(u8, plen, 32));
	} else {
		a->in6 = src->in6;
		ipv6_addr_prefix(&a->in6, &src->in6, min_t(u8, plen, 128));
	}
}

/* Scheduling */

/*
 * The least loaded member in @state (weighted least connections): standby
 * members when no active one can take the connection, active ones while
 * the service's scheduler is being replaced.
 */
static struct clb_member *clb_pick_least(struct clb_service *svc, u32 state)
{
	struct clb_member *m, *best = NULL;
	u64 best_oh = 0, best_w = 1;

	list_for_each_entry_rcu(m, &svc->members, list) {
		u64 oh;
		u32 w = READ_ONCE(m->weight);

		if (READ_ONCE(m->state) != state ||
		    !w || READ_ONCE(m->health) || READ_ONCE(m->dp.dead))
			continue;
		oh = clb_member_overhead(m);
		if (!best || oh * best_w < best_oh * w) {
			best = m;
			best_oh = oh;
			best_w = w;
		}
	}
	return best;
}

/*
 * A member in error whose retry time has come gets exactly one trial
 * connection; its outcome (health.c) clears the error or renews it.
 */
static struct clb_member *clb_pick_trial(struct clb_dp_net *dpn,
					 struct clb_service *svc)
{
	struct clb_member *m;

	if (!atomic_read(&dpn->n_error))
		return NULL;
	list_for_each_entry_rcu(m, &svc->members, list) {
		if (READ_ONCE(m->health) != CLUSTERLB_HEALTH_FLAGS_ERROR ||
		    READ_ONCE(m->state) != CLUSTERLB_MEMBER_STATE_ACTIVE ||
		    !READ_ONCE(m->weight) || READ_ONCE(m->dp.dead) ||
		    time_before(jiffies, READ_ONCE(m->retry_at)))
			continue;
		if (test_and_set_bit(0, &m->dp.trial))
			continue;
		WRITE_ONCE(m->dp.trial_at, jiffies);
		return m;
	}
	return NULL;
}

static struct clb_member *clb_pick(struct clb_dp_net *dpn,
				   struct clb_service *svc,
				   const struct sk_buff *skb, bool *trial)
{
	const struct clb_sched *sched;
	struct clb_member *m;

	m = clb_pick_trial(dpn, svc);
	if (m) {
		*trial = true;
		return m;
	}
	sched = rcu_dereference(svc->sched);
	if (sched)
		m = sched->schedule(svc, skb);
	else
		m = clb_pick_least(svc, CLUSTERLB_MEMBER_STATE_ACTIVE);
	if (m && !clb_member_eligible(m))
		m = NULL;
	return m ?: clb_pick_least(svc, CLUSTERLB_MEMBER_STATE_STANDBY);
}

/**
 * clb_conn_schedule() - choose the member of a new connection
 * @dpn: the namespace's datapath state
 * @svc: the service
 * @skb: the connection's first packet
 * @t: its conntrack tuple (original direction)
 * @tmplp: set to the persistence template used (referenced), or NULL
 * @trial: set if this is a member's trial connection
 *
 * A persistent client keeps its member if that member is eligible (active,
 * weighted, healthy); otherwise it is scheduled anew and its template
 * follows. Drain, disabled, standby, down and error members never get a
 * connection through a template.
 *
 * Context: rcu_read_lock(), softirq or process context.
 * Return: the member or NULL.
 */
struct clb_member *clb_conn_schedule(struct clb_dp_net *dpn,
				     struct clb_service *svc,
				     const struct sk_buff *skb,
				     const struct nf_conntrack_tuple *t,
				     struct clb_tmpl **tmplp, bool *trial)
{
	u32 timeout = READ_ONCE(svc->persist_timeout);
	struct clb_tmpl *tmpl;
	struct clb_member *m;
	union clb_addr addr;
	u32 h;

	*tmplp = NULL;
	*trial = false;
	if (!timeout)
		return clb_pick(dpn, svc, skb, trial);

	clb_mask_addr(&addr, (const union clb_addr *)&t->src.u3, svc->key.af,
		      READ_ONCE(svc->persist_mask));
	h = clb_tmpl_hash(svc, &addr);
	spin_lock_bh(&dpn->tmpl_lock);
	hlist_for_each_entry(tmpl, &dpn->tmpl_hash[h], node)
		if (tmpl->svc == svc && !memcmp(&tmpl->addr, &addr, sizeof(addr)))
			break;
	if (tmpl && tmpl->m && clb_member_eligible(tmpl->m)) {
		m = tmpl->m;
	} else {
		m = clb_pick(dpn, svc, skb, trial);
		if (m && !tmpl &&
		    atomic_inc_return(&clb_conn_count) <= READ_ONCE(clb_conn_max)) {
			tmpl = kmem_cache_zalloc(clb_tmpl_cache, GFP_ATOMIC);
			if (tmpl) {
				tmpl->svc = svc;
				tmpl->addr = addr;
				hlist_add_head(&tmpl->node, &dpn->tmpl_hash[h]);
			} else {
				atomic_dec(&clb_conn_count);
			}
		} else if (m && !tmpl) {
			atomic_dec(&clb_conn_count);
		}
		/* Never point a template at a member being removed. */
		if (m && tmpl && !READ_ONCE(m->dp.dead))
			tmpl->m = m;
	}
	if (m && tmpl) {
		tmpl->refs++;
		tmpl->last = jiffies;
		*tmplp = tmpl;
	}
	spin_unlock_bh(&dpn->tmpl_lock);
	return m;
}

/* Records */

/**
 * clb_conn_alloc() - a record for a new connection, within the limit
 * @dpn: the namespace's datapath state (counts a refusal)
 *
 * Context: any; does not sleep.
 * Return: a zeroed record or NULL.
 */
struct clb_conn *clb_conn_alloc(struct clb_dp_net *dpn)
{
	struct clb_conn *c = NULL;

	if (atomic_inc_return(&clb_conn_count) <= READ_ONCE(clb_conn_max))
		c = kmem_cache_zalloc(clb_conn_cache, GFP_ATOMIC);
	if (!c) {
		atomic_dec(&clb_conn_count);
		atomic64_inc(&dpn->limit_hit);
	}
	return c;
}

/**
 * clb_conn_free() - free a record that was not inserted
 * @c: the record
 */
void clb_conn_free(struct clb_conn *c)
{
	kmem_cache_free(clb_conn_cache, c);
	atomic_dec(&clb_conn_count);
}

/**
 * clb_conn_insert() - make a scheduled connection known
 * @c: the record, from clb_conn_alloc()
 * @m: the member
 * @ct: the connection's conntrack entry, its NAT set up
 * @t: the template it used (its reference passes to the record), or NULL
 * @trial: it is @m's trial connection
 *
 * Context: rcu_read_lock(); any context.
 * Return: 0, or -ENOENT if @m is being removed (nothing was taken over).
 */
int clb_conn_insert(struct clb_conn *c, struct clb_member *m,
		    struct nf_conn *ct, struct clb_tmpl *t, bool trial)
{
	static const u64 none[4];

	spin_lock_bh(&m->dp.lock);
	if (m->dp.dead) {
		spin_unlock_bh(&m->dp.lock);
		return -ENOENT;
	}
	nf_conntrack_get(&ct->ct_general);
	c->ct = ct;
	c->m = m;
	c->tmpl = t;
	c->created = jiffies;
	c->trial = trial;
	list_add_tail(&c->node, &m->dp.conns);
	m->dp.n_conns++;
	m->dp.drained = false;
	spin_unlock_bh(&m->dp.lock);

	atomic64_inc(&m->stats.inactive);
	atomic64_inc(&m->svc->stats.inactive);
	local_bh_disable();
	clb_stats_add(&m->stats, 1, none);
	clb_stats_add(&m->svc->stats, 1, none);
	local_bh_enable();
	return 0;
}

/* Free a record taken off its member's list; @kill ends its flow. */
static void clb_conn_release(struct clb_dp_net *dpn, struct clb_conn *c,
			     bool kill)
{
	struct clb_member *m = c->m;

	local_bh_disable();
	clb_conn_fold(c);
	local_bh_enable();
	if (c->active) {
		atomic64_dec(&m->stats.active);
		atomic64_dec(&m->svc->stats.active);
	} else {
		atomic64_dec(&m->stats.inactive);
		atomic64_dec(&m->svc->stats.inactive);
	}
	if (c->trial && !c->judged)
		clear_bit(0, &m->dp.trial);
	/*
	 * Only a confirmed entry is in conntrack's table and can be deleted;
	 * an unconfirmed one belongs to the packet carrying it. The entry
	 * leaves the table before the resets go: a client that answers its
	 * reset with a challenge ACK (data was in flight) may do so at once,
	 * and that ACK must find no entry, or it is forwarded to the member
	 * instead of being answered with an exact reset (clb_nat_dnat()).
	 */
	if (kill && nf_ct_is_confirmed(c->ct)) {
		nf_ct_kill(c->ct);
		clb_nat_reset_ct(c->ct);
	}
	nf_ct_put(c->ct);
	clb_tmpl_put(dpn, c->tmpl);
	clb_conn_free(c);
}

/*
 * Take @m's records and end their flows. A flow whose first packet is
 * still on its way (entry not confirmed) cannot be ended yet: unless @m
 * is going away, its record stays, doomed, and the walk ends it once
 * conntrack has confirmed it.
 */
static void clb_conn_flush(struct clb_member *m, bool dead)
{
	struct clb_dp_net *dpn = clb_dp_net(clb_service_net(m->svc));
	struct clb_conn *c, *tmp;
	LIST_HEAD(list);

	spin_lock_bh(&m->dp.lock);
	if (dead)
		m->dp.dead = true;
	list_for_each_entry_safe(c, tmp, &m->dp.conns, node) {
		if (!dead && !nf_ct_is_confirmed(c->ct)) {
			c->doomed = true;
			continue;
		}
		list_move(&c->node, &list);
		m->dp.n_conns--;
	}
	spin_unlock_bh(&m->dp.lock);

	list_for_each_entry_safe(c, tmp, &list, node)
		clb_conn_release(dpn, c, true);
}

/**
 * clb_conn_kill_member() - end every connection of a member
 * @m: the member (link down, powered off, disabled)
 *
 * Each flow's conntrack entry is deleted: the next packet of a UDP flow is
 * scheduled anew, the next TCP segment of a client gets a reset (nat.c).
 *
 * Context: rcu_read_lock() or clb_net.lock; any context.
 */
void clb_conn_kill_member(struct clb_member *m)
{
	clb_conn_flush(m, false);
}

/* The conntrack entry is gone (or will never be confirmed). */
static bool clb_ct_dead(const struct nf_conn *ct)
{
	if (test_bit(IPS_DYING_BIT, &ct->status))
		return true;
	if (nf_ct_is_confirmed(ct))
		return nf_ct_is_expired(ct);
	return refcount_read(&ct->ct_general.use) == 1;
}

/* TCP states in which data may still flow. */
static bool clb_tcp_busy(u8 state)
{
	switch (state) {
	case TCP_CONNTRACK_SYN_SENT:
	case TCP_CONNTRACK_SYN_RECV:
	case TCP_CONNTRACK_ESTABLISHED:
	case TCP_CONNTRACK_FIN_WAIT:
	case TCP_CONNTRACK_CLOSE_WAIT:
	case TCP_CONNTRACK_SYN_SENT2:
		return true;
	default:
		return false;
	}
}

/* What the walk concluded about a member. */
struct clb_gc_verdict {
	unsigned int busy;
	bool fail;
	bool ok;
};

static void clb_conn_gc_one(struct clb_conn *c, struct clb_gc_verdict *v,
			    unsigned long timeout)
{
	const struct nf_conn *ct = c->ct;
	bool tcp = nf_ct_protonum(ct) == IPPROTO_TCP;
	bool replied = test_bit(IPS_SEEN_REPLY_BIT, &ct->status);
	u8 state = tcp ? READ_ONCE(ct->proto.tcp.state) : 0;
	bool active;

	if (tcp) {
		active = state == TCP_CONNTRACK_ESTABLISHED;
		v->busy += clb_tcp_busy(state);
	} else {
		active = replied;
		v->busy++;
	}
	clb_conn_set_active(c, active);
	clb_conn_fold(c);

	if (c->judged)
		return;
	/* Passive health: no answer in time, or a reset to the SYN. */
	if (!replied && time_after(jiffies, c->created + timeout)) {
		if (tcp) {
			v->fail = true;
			c->judged = true;
		}
	} else if (replied) {
		if (tcp && state == TCP_CONNTRACK_CLOSE &&
		    !test_bit(IPS_ASSURED_BIT, &ct->status))
			v->fail = true;
		else if (c->trial)
			v->ok = true;
		c->judged = true;
	}
}

static void clb_conn_gc_member(struct clb_dp_net *dpn, struct clb_member *m)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(clb_health_timeout_ms));
	struct clb_gc_verdict v = {};
	struct clb_conn *c, *tmp;
	LIST_HEAD(dead);
	LIST_HEAD(doomed);

	spin_lock_bh(&m->dp.lock);
	list_for_each_entry_safe(c, tmp, &m->dp.conns, node) {
		if (clb_ct_dead(c->ct)) {
			list_move(&c->node, &dead);
			m->dp.n_conns--;
			continue;
		}
		if (!nf_ct_is_confirmed(c->ct)) {
			v.busy++;	/* its packet may still change it */
			continue;
		}
		if (c->doomed) {
			list_move(&c->node, &doomed);
			m->dp.n_conns--;
			continue;
		}
		clb_conn_gc_one(c, &v, timeout);
	}
	spin_unlock_bh(&m->dp.lock);

	list_for_each_entry_safe(c, tmp, &dead, node)
		clb_conn_release(dpn, c, false);
	list_for_each_entry_safe(c, tmp, &doomed, node)
		clb_conn_release(dpn, c, true);

	if (v.fail)
		clb_health_fail(dpn, m);
	else if (v.ok)
		clb_health_ok(dpn, m);
	else if (test_bit(0, &m->dp.trial) &&
		 time_after(jiffies, READ_ONCE(m->dp.trial_at) + 2 * timeout))
		clb_health_fail(dpn, m);	/* the trial never finished */

	if (READ_ONCE(m->state) != CLUSTERLB_MEMBER_STATE_DRAIN) {
		WRITE_ONCE(m->dp.drained, false);
	} else if (!v.busy && !READ_ONCE(m->dp.drained)) {
		WRITE_ONCE(m->dp.drained, true);
		clb_member_drained(m);
	}
	clb_health_sync_link(dpn->net, m);
}

static void clb_tmpl_gc(struct clb_dp_net *dpn)
{
	struct hlist_node *tmp;
	struct clb_tmpl *t;
	unsigned int i;

	BUILD_BUG_ON((u64)CLUSTERLB_PERSIST_TIMEOUT_MAX * HZ > ULONG_MAX);
	spin_lock_bh(&dpn->tmpl_lock);
	for (i = 0; i < ARRAY_SIZE(dpn->tmpl_hash); i++)
		hlist_for_each_entry_safe(t, tmp, &dpn->tmpl_hash[i], node) {
			unsigned long ttl = READ_ONCE(t->svc->persist_timeout);

			/*
			 * Idle time against ttl, both unsigned: 30 days at
			 * HZ=1000 is above LONG_MAX on 32 bits, where
			 * time_after() would see the deadline as passed.
			 */
			if (!t->refs && jiffies - t->last > ttl * HZ)
				clb_tmpl_free(t);
		}
	spin_unlock_bh(&dpn->tmpl_lock);
}

static unsigned long clb_gc_delay(void)
{
	return msecs_to_jiffies(max(READ_ONCE(clb_gc_interval_ms), 50U));
}

static void clb_conn_gc_work(struct work_struct *work)
{
	struct clb_dp_net *dpn = container_of(to_delayed_work(work),
					      struct clb_dp_net, gc);
	struct clb_net *lbn = clb_net(dpn->net);
	struct clb_service *svc;
	struct clb_member *m;

	rcu_read_lock();
	list_for_each_entry_rcu(svc, &lbn->services, list)
		list_for_each_entry_rcu(m, &svc->members, list)
			clb_conn_gc_member(dpn, m);
	rcu_read_unlock();
	clb_tmpl_gc(dpn);
	queue_delayed_work(system_power_efficient_wq, &dpn->gc, clb_gc_delay());
}

/**
 * clb_conn_gc_start() - start the walk (first service of a namespace)
 * @dpn: the namespace's datapath state
 */
void clb_conn_gc_start(struct clb_dp_net *dpn)
{
	queue_delayed_work(system_power_efficient_wq, &dpn->gc, clb_gc_delay());
}

/**
 * clb_conn_gc_stop() - stop the walk (last service gone)
 * @dpn: the namespace's datapath state
 *
 * Context: process context; waits for a running walk.
 */
void clb_conn_gc_stop(struct clb_dp_net *dpn)
{
	cancel_delayed_work_sync(&dpn->gc);
}

/**
 * clb_conn_walk() - report a member's connections
 * @m: the member
 * @skip: how many to skip (where a previous walk stopped)
 * @fn: called for each, under a spinlock (must not sleep); a non-zero
 *	return stops the walk
 * @arg: passed to @fn
 *
 * Context: rcu_read_lock() or clb_net.lock held.
 * Return: how many records @fn accepted (returned 0 for).
 */
int clb_conn_walk(struct clb_member *m, unsigned int skip,
		  int (*fn)(const struct clb_conn_info *ci, void *arg),
		  void *arg)
{
	struct clb_conn_info ci;
	struct clb_conn *c;
	unsigned int i = 0;
	int n = 0;

	spin_lock_bh(&m->dp.lock);
	list_for_each_entry(c, &m->dp.conns, node) {
		const struct nf_conntrack_tuple *t;

		if (i++ < skip)
			continue;
		t = &c->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
		memset(&ci, 0, sizeof(ci));
		if (m->svc->key.af == AF_INET)
			ci.client.ip = t->src.u3.ip;
		else
			ci.client.in6 = t->src.u3.in6;
		ci.client_port = t->src.u.all;
		ci.active = c->active;
		/* Seconds, without jiffies_to_msecs()'s wrap at 49 days. */
		ci.age = (jiffies - c->created) / HZ;
		if (fn(&ci, arg))
			break;
		n++;
	}
	spin_unlock_bh(&m->dp.lock);
	return n;
}

/* Hooks from service.c */

/**
 * clb_dp_service_get() - a service is being created in @net
 * @net: the namespace
 *
 * The first one turns conntrack on for the namespace and registers the
 * NAT hooks.
 *
 * Context: clb_net.lock held.
 * Return: 0 or a negative error.
 */
int clb_dp_service_get(struct net *net)
{
	struct clb_dp_net *dpn = clb_dp_net(net);
	int err;

	if (dpn->n_services++)
		return 0;
	err = nf_ct_netns_get(net, NFPROTO_INET);
	if (err)
		goto err_count;
	err = clb_nat_register(net);
	if (err)
		goto err_ct;
	clb_conn_gc_start(dpn);
	return 0;

err_ct:
	nf_ct_netns_put(net, NFPROTO_INET);
err_count:
	dpn->n_services--;
	return err;
}

/**
 * clb_dp_service_put() - undo clb_dp_service_get(), once the service's
 * members are gone
 * @net: the namespace
 *
 * Context: clb_net.lock held.
 */
void clb_dp_service_put(struct net *net)
{
	struct clb_dp_net *dpn = clb_dp_net(net);

	if (WARN_ON(!dpn->n_services) || --dpn->n_services)
		return;
	clb_nat_unregister(net);
	/* Other NAT users keep the NAT core's hooks: wait for ours to end. */
	synchronize_net();
	clb_conn_gc_stop(dpn);
	nf_ct_netns_put(net, NFPROTO_INET);
}

/**
 * clb_dp_member_init() - set up a new member's datapath state
 * @m: the member, not yet published
 *
 * Context: clb_net.lock held; may sleep (reads the slot's power).
 */
void clb_dp_member_init(struct clb_member *m)
{
	spin_lock_init(&m->dp.lock);
	INIT_LIST_HEAD(&m->dp.conns);
	clb_health_member_init(m, false);
}

/**
 * clb_dp_member_update() - a member's configuration changed
 * @m: the member
 *
 * Re-reads its link and power (its binding may have changed), re-arms the
 * drained event and, with disabled_ends_flows, ends a disabled member's
 * connections.
 *
 * Context: clb_net.lock held; may sleep.
 */
void clb_dp_member_update(struct clb_member *m)
{
	u32 state = READ_ONCE(m->state);

	if (state != CLUSTERLB_MEMBER_STATE_DRAIN)
		WRITE_ONCE(m->dp.drained, false);
	clb_health_member_init(m, true);
	if (state == CLUSTERLB_MEMBER_STATE_DISABLED &&
	    READ_ONCE(clb_disabled_ends_flows))
		clb_conn_kill_member(m);
}

/**
 * clb_dp_member_gone() - a member is being removed
 * @m: the member
 *
 * Ends its connections, stops new ones from being recorded and unhooks it
 * from every persistence template, so that nothing of the datapath refers
 * to it once it is freed.
 *
 * Context: clb_net.lock held.
 */
void clb_dp_member_gone(struct clb_member *m)
{
	struct clb_dp_net *dpn = clb_dp_net(clb_service_net(m->svc));
	struct hlist_node *tmp;
	struct clb_tmpl *t;
	unsigned int i;

	clb_conn_flush(m, true);

	spin_lock_bh(&dpn->tmpl_lock);
	for (i = 0; i < ARRAY_SIZE(dpn->tmpl_hash); i++)
		hlist_for_each_entry_safe(t, tmp, &dpn->tmpl_hash[i], node) {
			if (t->m != m)
				continue;
			t->m = NULL;
			if (!t->refs)
				clb_tmpl_free(t);
		}
	spin_unlock_bh(&dpn->tmpl_lock);

	spin_lock_bh(&m->dp.lock);
	if (READ_ONCE(m->health) & CLUSTERLB_HEALTH_FLAGS_ERROR)
		atomic_dec(&dpn->n_error);
	WRITE_ONCE(m->health, 0);
	spin_unlock_bh(&m->dp.lock);
}

/* Namespaces */

static int clb_dp_proc_show(struct seq_file *seq, void *v)
{
	struct clb_dp_net *dpn = clb_dp_net(seq_file_single_net(seq));

	seq_printf(seq, "records %d\n", atomic_read(&clb_conn_count));
	seq_printf(seq, "conn_max %u\n", READ_ONCE(clb_conn_max));
	seq_printf(seq, "limit_hit %lld\n", atomic64_read(&dpn->limit_hit));
	seq_printf(seq, "no_member %lld\n", atomic64_read(&dpn->no_member));
	seq_printf(seq, "nonsyn_reset %lld\n", atomic64_read(&dpn->nonsyn));
	seq_printf(seq, "nat_fail %lld\n", atomic64_read(&dpn->nat_fail));
	seq_printf(seq, "health_failures %lld\n",
		   atomic64_read(&dpn->failures));
	return 0;
}

static int __net_init clb_dp_net_init(struct net *net)
{
	struct clb_dp_net *dpn = clb_dp_net(net);
	unsigned int i;

	dpn->net = net;
	spin_lock_init(&dpn->tmpl_lock);
	for (i = 0; i < ARRAY_SIZE(dpn->tmpl_hash); i++)
		INIT_HLIST_HEAD(&dpn->tmpl_hash[i]);
	INIT_DELAYED_WORK(&dpn->gc, clb_conn_gc_work);
	if (!proc_create_net_single("clusterlb", 0444, net->proc_net,
				    clb_dp_proc_show, NULL))
		return -ENOMEM;
	return 0;
}

/* Runs after the objects' exit (registered before them): all is gone. */
static void __net_exit clb_dp_net_exit(struct net *net)
{
	struct clb_dp_net *dpn = clb_dp_net(net);

	WARN_ON(dpn->n_services);
	remove_proc_entry("clusterlb", net->proc_net);
}

static struct pernet_operations clb_dp_net_ops = {
	.init = clb_dp_net_init,
	.exit = clb_dp_net_exit,
	.id = &clb_dp_net_id,
	.size = sizeof(struct clb_dp_net),
};

/**
 * clb_conn_init() - caches and per-namespace state of the datapath
 *
 * Return: 0 or a negative error.
 */
int clb_conn_init(void)
{
	int err;

	clb_conn_cache = KMEM_CACHE(clb_conn, 0);
	clb_tmpl_cache = KMEM_CACHE(clb_tmpl, 0);
	if (!clb_conn_cache || !clb_tmpl_cache) {
		err = -ENOMEM;
		goto err_cache;
	}
	err = register_pernet_subsys(&clb_dp_net_ops);
	if (err) {
		pr_err("datapath: registering pernet operations failed (%d)\n",
		       err);
		goto err_cache;
	}
	return 0;

err_cache:
	kmem_cache_destroy(clb_tmpl_cache);
	kmem_cache_destroy(clb_conn_cache);
	return err;
}

/**
 * clb_conn_exit() - undo clb_conn_init(); every record is gone by now
 */
void clb_conn_exit(void)
{
	unregister_pernet_subsys(&clb_dp_net_ops);
	WARN(atomic_read(&clb_conn_count), "%d connection records leaked\n",
	     atomic_read(&clb_conn_count));
	kmem_cache_destroy(clb_tmpl_cache);
	kmem_cache_destroy(clb_conn_cache);
}

/* Module wiring */

/**
 * clb_dp_init() - the datapath's caches, schedulers and per-namespace
 * state; before the objects' (see lb.h)
 *
 * Return: 0 or a negative error.
 */
int clb_dp_init(void)
{
	int err;

	err = clb_conn_init();
	if (err)
		return err;
	err = clb_sched_lc_init();
	if (err)
		goto err_conn;
	err = clb_sched_wlc_init();
	if (err)
		goto err_lc;
	err = clb_sched_sh_init();
	if (err)
		goto err_wlc;
	err = clb_sched_mh_init();
	if (err)
		goto err_sh;
	return 0;

err_sh:
	clb_sched_sh_exit();
err_wlc:
	clb_sched_wlc_exit();
err_lc:
	clb_sched_lc_exit();
err_conn:
	clb_conn_exit();
	return err;
}

/**
 * clb_dp_exit() - undo clb_dp_init(), after the objects are gone
 */
void clb_dp_exit(void)
{
	clb_sched_mh_exit();
	clb_sched_sh_exit();
	clb_sched_wlc_exit();
	clb_sched_lc_exit();
	clb_conn_exit();
}

/**
 * clb_dp_start() - link and power notifiers, once the objects exist
 *
 * Return: 0 or a negative error.
 */
int clb_dp_start(void)
{
	return clb_health_init();
}

/**
 * clb_dp_stop() - undo clb_dp_start(), before the objects go
 */
void clb_dp_stop(void)
{
	clb_health_exit();
}
