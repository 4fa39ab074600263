// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: services and members, per network namespace.
 *
 * See lb.h for the locking rules. Everything here that changes the
 * configuration runs with clb_net.lock held and bumps clb_net.gen; the
 * datapath only reads, under RCU.
 */

#include <linux/jhash.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netns/generic.h>
#include <net/netns/hash.h>

#include "lb.h"

static unsigned int clb_net_id __read_mostly;
static const struct clb_event_ops __rcu *clb_events;

/* Services and members allocated and not yet freed: checked on unload. */
static atomic_t clb_nr_objects = ATOMIC_INIT(0);

/**
 * clb_net() - the balancer's state of a network namespace
 * @net: the namespace
 *
 * Return: its struct clb_net.
 */
struct clb_net *clb_net(const struct net *net)
{
	return net_generic(net, clb_net_id);
}

static void clb_net_changed(struct clb_net *lbn)
{
	lockdep_assert_held(&lbn->lock);
	if (!++lbn->gen)
		lbn->gen = 1;
}

static u32 clb_key_hash(const struct net *net, const struct clb_key *key)
{
	BUILD_BUG_ON(sizeof(*key) % sizeof(u32));
	return jhash2((const u32 *)key, sizeof(*key) / sizeof(u32),
		      net_hash_mix(net)) % ARRAY_SIZE(clb_net(net)->svc_hash);
}

static bool clb_key_eq(const struct clb_key *a, const struct clb_key *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Counters */

static int clb_stats_init(struct clb_stats *st)
{
	int cpu;

	st->pcpu = alloc_percpu_gfp(struct clb_stats_pcpu, GFP_KERNEL_ACCOUNT);
	if (!st->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(st->pcpu, cpu)->syncp);
	atomic64_set(&st->active, 0);
	atomic64_set(&st->inactive, 0);
	return 0;
}

/**
 * clb_stats_read() - sum a service's or member's counters
 * @st: the counters
 * @snap: filled in
 */
void clb_stats_read(const struct clb_stats *st, struct clb_stats_snap *snap)
{
	int cpu;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		const struct clb_stats_pcpu *p = per_cpu_ptr(st->pcpu, cpu);
		u64 conns, pkts_in, pkts_out, bytes_in, bytes_out;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			conns = u64_stats_read(&p->conns);
			pkts_in = u64_stats_read(&p->pkts_in);
			pkts_out = u64_stats_read(&p->pkts_out);
			bytes_in = u64_stats_read(&p->bytes_in);
			bytes_out = u64_stats_read(&p->bytes_out);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		snap->conns += conns;
		snap->pkts_in += pkts_in;
		snap->pkts_out += pkts_out;
		snap->bytes_in += bytes_in;
		snap->bytes_out += bytes_out;
	}
	snap->active = max_t(s64, atomic64_read(&st->active), 0);
	snap->inactive = max_t(s64, atomic64_read(&st->inactive), 0);
}

/* Scheduler binding */

static const struct clb_sched *clb_service_sched(struct clb_net *lbn,
						 struct clb_service *svc)
{
	return rcu_dereference_protected(svc->sched,
					 lockdep_is_held(&lbn->lock));
}

static int clb_sched_bind(struct clb_service *svc,
			  const struct clb_sched *sched)
{
	int err;

	if (sched->init_service) {
		err = sched->init_service(svc);
		if (err)
			return err;
	}
	rcu_assign_pointer(svc->sched, sched);
	return 0;
}

/*
 * Replace a live service's scheduler. The old one is unpublished and a
 * grace period passes before its state is released and the new one's is
 * set up, so the datapath never runs one scheduler on the other's state
 * (it sees no scheduler in between and schedules nothing).
 */
static int clb_sched_replace(struct clb_net *lbn, struct clb_service *svc,
			     const struct clb_sched *new)
{
	const struct clb_sched *old = clb_service_sched(lbn, svc);
	int err;

	RCU_INIT_POINTER(svc->sched, NULL);
	synchronize_rcu();
	if (old->done_service)
		old->done_service(svc);

	err = clb_sched_bind(svc, new);
	if (err) {
		/* Keep the old one (its reference stays with the service). */
		if (clb_sched_bind(svc, old))
			pr_warn("service left without a scheduler\n");
		return err;
	}
	clb_sched_put(old);
	return 0;
}

/* Services */

static void clb_service_free_rcu(struct rcu_head *head)
{
	struct clb_service *svc = container_of(head, struct clb_service, rcu);

	free_percpu(svc->stats.pcpu);
	kfree(svc);
	atomic_dec(&clb_nr_objects);
}

static void clb_member_free_rcu(struct rcu_head *head)
{
	struct clb_member *m = container_of(head, struct clb_member, rcu);

	kfree(rcu_dereference_raw(m->bind));
	free_percpu(m->stats.pcpu);
	kfree(m);
	atomic_dec(&clb_nr_objects);
}

/**
 * clb_service_find() - find a service by key
 * @lbn: the namespace, locked
 * @key: proto, af, address and port
 *
 * Return: the service or NULL.
 */
struct clb_service *clb_service_find(struct clb_net *lbn,
				     const struct clb_key *key)
{
	struct clb_service *svc;

	lockdep_assert_held(&lbn->lock);
	list_for_each_entry(svc, &lbn->services, list)
		if (clb_key_eq(&svc->key, key))
			return svc;
	return NULL;
}

/**
 * clb_service_lookup_rcu() - find a service by key, for the datapath
 * @net: the namespace
 * @key: proto, af, address and port
 *
 * Context: rcu_read_lock() held.
 * Return: the service or NULL.
 */
struct clb_service *clb_service_lookup_rcu(const struct net *net,
					   const struct clb_key *key)
{
	struct clb_net *lbn = clb_net(net);
	struct clb_service *svc;

	hlist_for_each_entry_rcu(svc, &lbn->svc_hash[clb_key_hash(net, key)],
				 hnode)
		if (clb_key_eq(&svc->key, key))
			return svc;
	return NULL;
}

static void clb_service_apply(struct clb_service *svc,
			      const struct clb_service_cfg *cfg)
{
	if (cfg->set & CLB_SVC_PERSIST_TIMEOUT)
		WRITE_ONCE(svc->persist_timeout, cfg->persist_timeout);
	if (cfg->set & CLB_SVC_PERSIST_MASK)
		WRITE_ONCE(svc->persist_mask, cfg->persist_mask);
	if (cfg->set & CLB_SVC_FLAGS)
		WRITE_ONCE(svc->flags, cfg->flags);
}

/**
 * clb_service_add() - create a service
 * @lbn: the namespace, locked
 * @key: its key (not yet in use)
 * @cfg: its configuration; the reference on cfg->sched (required) passes
 *	to the service on success
 * @svcp: the new service, on success
 *
 * Return: 0, -ENOSPC if the namespace has too many services, -ENOMEM, or
 * the scheduler's init_service() error.
 */
int clb_service_add(struct clb_net *lbn, const struct clb_key *key,
		    const struct clb_service_cfg *cfg,
		    struct clb_service **svcp)
{
	struct net *net = read_pnet(&lbn->net);
	struct clb_service *svc;
	int err;

	lockdep_assert_held(&lbn->lock);
	if (lbn->n_services >= CLB_MAX_SERVICES)
		return -ENOSPC;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return -ENOMEM;
	err = clb_stats_init(&svc->stats);
	if (err)
		goto err_free;
	err = clb_dp_service_get(net);	/* datapath: hooks, conntrack */
	if (err)
		goto err_stats;

	write_pnet(&svc->net, net);
	svc->key = *key;
	INIT_LIST_HEAD(&svc->members);
	spin_lock_init(&svc->sched_lock);
	svc->persist_mask = key->af == AF_INET ? 32 : 128;
	clb_service_apply(svc, cfg);

	err = clb_sched_bind(svc, cfg->sched);
	if (err)
		goto err_dp;

	/* No more failures: publish. */
	atomic_inc(&clb_nr_objects);
	svc->id = lbn->next_id++;
	list_add_tail_rcu(&svc->list, &lbn->services);
	hlist_add_head_rcu(&svc->hnode,
			   &lbn->svc_hash[clb_key_hash(net, &svc->key)]);
	lbn->n_services++;
	clb_net_changed(lbn);
	*svcp = svc;
	return 0;

err_dp:
	clb_dp_service_put(net);
err_stats:
	free_percpu(svc->stats.pcpu);
err_free:
	kfree(svc);
	return err;
}

/**
 * clb_service_update() - change a service's configuration
 * @lbn: the namespace, locked
 * @svc: the service
 * @cfg: the fields to change; if CLB_SVC_SCHED is set, the reference on
 *	cfg->sched passes to the service on success
 *
 * Return: 0, or the new scheduler's init_service() error (the service
 * then keeps its old scheduler and configuration).
 */
int clb_service_update(struct clb_net *lbn, struct clb_service *svc,
		       const struct clb_service_cfg *cfg)
{
	int err;

	lockdep_assert_held(&lbn->lock);
	if ((cfg->set & CLB_SVC_SCHED) &&
	    cfg->sched != clb_service_sched(lbn, svc)) {
		err = clb_sched_replace(lbn, svc, cfg->sched);
		if (err)
			return err;
	} else if (cfg->set & CLB_SVC_SCHED) {
		/* Same scheduler: drop the extra reference. */
		clb_sched_put(cfg->sched);
	}
	clb_service_apply(svc, cfg);
	clb_net_changed(lbn);
	return 0;
}

/*
 * Off the list first, then out of the scheduler's state (@sched, or NULL
 * when the whole service goes after a grace period), then the flows: in
 * this order nothing that can outlive the grace period still points at
 * @m (a scheduler that found it on the list before it was unlinked is
 * corrected by its del_member, which runs after).
 */
static void clb_member_unlink(struct clb_service *svc, struct clb_member *m,
			      const struct clb_sched *sched)
{
	list_del_rcu(&m->list);
	svc->n_members--;
	if (sched && sched->del_member)
		sched->del_member(svc, m);
	clb_dp_member_gone(m);	/* datapath: end its flows */
	call_rcu(&m->rcu, clb_member_free_rcu);
}

/**
 * clb_service_del() - delete a service and its members
 * @lbn: the namespace, locked
 * @svc: the service; freed after a grace period
 */
void clb_service_del(struct clb_net *lbn, struct clb_service *svc)
{
	const struct clb_sched *sched = clb_service_sched(lbn, svc);
	struct clb_member *m, *tmp;

	hlist_del_rcu(&svc->hnode);
	list_del_rcu(&svc->list);
	lbn->n_services--;

	/*
	 * Readers that found the service before it was unlinked may still
	 * schedule on it: its scheduler state and members are only released
	 * after a grace period.
	 */
	list_for_each_entry_safe(m, tmp, &svc->members, list)
		clb_member_unlink(svc, m, NULL);
	if (sched) {
		if (sched->done_service)
			sched->done_service(svc);
		clb_sched_put(sched);
	}
	clb_dp_service_put(clb_service_net(svc));	/* datapath */
	call_rcu(&svc->rcu, clb_service_free_rcu);
	clb_net_changed(lbn);
}

/* Members */

/**
 * clb_member_find() - find a member of a service
 * @svc: the service (its namespace locked)
 * @key: the member's address and port (proto and af are the service's)
 *
 * Return: the member or NULL.
 */
struct clb_member *clb_member_find(struct clb_service *svc,
				   const struct clb_key *key)
{
	struct clb_member *m;

	list_for_each_entry(m, &svc->members, list)
		if (clb_key_eq(&m->key, key))
			return m;
	return NULL;
}

/*
 * Build the member's new netdev/slot binding from @cfg and its current one
 * (@cur, may be NULL). Returns NULL when neither is set; ERR_PTR(-ENOMEM).
 */
static struct clb_member_bind *
clb_member_bind_new(const struct clb_member_bind *cur,
		    const struct clb_member_cfg *cfg)
{
	struct clb_member_bind *b;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return ERR_PTR(-ENOMEM);
	if (cur) {
		strscpy(b->ifname, cur->ifname, sizeof(b->ifname));
		strscpy(b->slot, cur->slot, sizeof(b->slot));
	}
	if (cfg->set & CLB_MEM_IFNAME)
		strscpy(b->ifname, cfg->ifname, sizeof(b->ifname));
	if (cfg->set & CLB_MEM_SLOT)
		strscpy(b->slot, cfg->slot, sizeof(b->slot));
	if (!b->ifname[0] && !b->slot[0]) {
		kfree(b);
		return NULL;
	}
	return b;
}

/**
 * clb_member_add() - add a member to a service
 * @lbn: the namespace, locked
 * @svc: the service
 * @key: the member's address and port (not yet in use in @svc)
 * @cfg: its configuration (weight 1 and state active if not set)
 * @mp: the new member, on success
 *
 * Return: 0, -ENOSPC if the service has too many members, -ENOMEM, or the
 * scheduler's add_member() error.
 */
int clb_member_add(struct clb_net *lbn, struct clb_service *svc,
		   const struct clb_key *key, const struct clb_member_cfg *cfg,
		   struct clb_member **mp)
{
	const struct clb_sched *sched = clb_service_sched(lbn, svc);
	struct clb_member_bind *bind;
	struct clb_member *m;
	int err;

	if (svc->n_members >= CLB_MAX_MEMBERS)
		return -ENOSPC;

	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return -ENOMEM;
	err = clb_stats_init(&m->stats);
	if (err)
		goto err_free;
	bind = clb_member_bind_new(NULL, cfg);
	if (IS_ERR(bind)) {
		err = PTR_ERR(bind);
		goto err_stats;
	}

	m->svc = svc;
	m->key = *key;
	m->weight = cfg->set & CLB_MEM_WEIGHT ? cfg->weight : 1;
	m->state = cfg->set & CLB_MEM_STATE ? cfg->state :
		   CLUSTERLB_MEMBER_STATE_ACTIVE;
	RCU_INIT_POINTER(m->bind, bind);
	clb_dp_member_init(m);	/* datapath: records, link and power */

	atomic_inc(&clb_nr_objects);
	list_add_tail_rcu(&m->list, &svc->members);
	svc->n_members++;
	if (sched && sched->add_member) {
		err = sched->add_member(svc, m);
		if (err) {
			/* Readers may have seen it: unlink, free later. */
			clb_member_unlink(svc, m, sched);
			return err;
		}
	}
	m->id = lbn->next_id++;
	clb_net_changed(lbn);
	*mp = m;
	return 0;

err_stats:
	free_percpu(m->stats.pcpu);
err_free:
	kfree(m);
	return err;
}

/**
 * clb_member_update() - change a member's configuration
 * @lbn: the namespace, locked
 * @m: the member
 * @cfg: the fields to change
 *
 * Return: 0 or -ENOMEM (nothing changed then).
 */
int clb_member_update(struct clb_net *lbn, struct clb_member *m,
		      const struct clb_member_cfg *cfg)
{
	const struct clb_sched *sched = clb_service_sched(lbn, m->svc);
	struct clb_member_bind *bind, *old;

	lockdep_assert_held(&lbn->lock);
	if (cfg->set & (CLB_MEM_IFNAME | CLB_MEM_SLOT)) {
		old = rcu_dereference_protected(m->bind,
						lockdep_is_held(&lbn->lock));
		bind = clb_member_bind_new(old, cfg);
		if (IS_ERR(bind))
			return PTR_ERR(bind);
		rcu_assign_pointer(m->bind, bind);
		if (old)
			kfree_rcu(old, rcu);
	}
	if (cfg->set & CLB_MEM_WEIGHT)
		WRITE_ONCE(m->weight, cfg->weight);
	if (cfg->set & CLB_MEM_STATE)
		WRITE_ONCE(m->state, cfg->state);
	if ((cfg->set & (CLB_MEM_WEIGHT | CLB_MEM_STATE)) &&
	    sched && sched->upd_member)
		sched->upd_member(m->svc, m);
	clb_dp_member_update(m);	/* datapath: health, drain, disabled */
	clb_net_changed(lbn);
	return 0;
}

/**
 * clb_member_del() - delete a member
 * @lbn: the namespace, locked
 * @m: the member; freed after a grace period
 */
void clb_member_del(struct clb_net *lbn, struct clb_member *m)
{
	clb_member_unlink(m->svc, m, clb_service_sched(lbn, m->svc));
	clb_net_changed(lbn);
}

/* Datapath events */

/**
 * clb_set_events() - install or remove the control plane's event callback
 * @ops: the callbacks, or NULL; when NULL, returns after every running
 *	callback has finished
 */
void clb_set_events(const struct clb_event_ops *ops)
{
	rcu_assign_pointer(clb_events, ops);
	if (!ops)
		synchronize_rcu();
}

static void clb_member_event(struct clb_member *m, enum clb_event ev)
{
	const struct clb_event_ops *ops = rcu_dereference(clb_events);

	if (ops)
		ops->member_event(m, ev);
}

/**
 * clb_member_set_health() - record a member's health, for the datapath
 * @m: the member
 * @health: CLUSTERLB_HEALTH_FLAGS_*
 * @retry_at: jiffies of the next trial connection (with the error flag)
 *
 * Reports a change of @health to the control plane.
 * Context: rcu_read_lock() held; any context.
 */
void clb_member_set_health(struct clb_member *m, u32 health,
			   unsigned long retry_at)
{
	WRITE_ONCE(m->retry_at, retry_at);
	if (xchg(&m->health, health) != health)
		clb_member_event(m, CLB_EV_MEMBER_HEALTH);
}

/**
 * clb_member_drained() - report that a draining member has no connection
 * @m: the member
 *
 * Context: rcu_read_lock() held; any context.
 */
void clb_member_drained(struct clb_member *m)
{
	clb_member_event(m, CLB_EV_MEMBER_DRAINED);
}

/* Namespaces and module */

static int __net_init clb_net_init(struct net *net)
{
	struct clb_net *lbn = clb_net(net);
	unsigned int i;

	write_pnet(&lbn->net, net);
	mutex_init(&lbn->lock);
	INIT_LIST_HEAD(&lbn->services);
	for (i = 0; i < ARRAY_SIZE(lbn->svc_hash); i++)
		INIT_HLIST_HEAD(&lbn->svc_hash[i]);
	lbn->next_id = 1;
	lbn->gen = 1;
	return 0;
}

static void __net_exit clb_net_exit(struct net *net)
{
	struct clb_net *lbn = clb_net(net);
	struct clb_service *svc, *tmp;

	mutex_lock(&lbn->lock);
	list_for_each_entry_safe(svc, tmp, &lbn->services, list)
		clb_service_del(lbn, svc);
	mutex_unlock(&lbn->lock);
	mutex_destroy(&lbn->lock);
}

static struct pernet_operations clb_net_ops = {
	.init = clb_net_init,
	.exit = clb_net_exit,
	.id = &clb_net_id,
	.size = sizeof(struct clb_net),
};

/**
 * clb_lb_init() - set up the balancer's objects
 *
 * Registers the schedulers, then the per-namespace state.
 *
 * Return: 0 or a negative error.
 */
int clb_lb_init(void)
{
	int err;

	err = clb_sched_rr_init();
	if (err)
		return err;
	err = clb_sched_wrr_init();
	if (err)
		goto err_rr;
	err = clb_dp_init();	/* datapath: before the objects' pernet */
	if (err)
		goto err_wrr;
	err = register_pernet_subsys(&clb_net_ops);
	if (err) {
		pr_err("lb: registering pernet operations failed (%d)\n", err);
		goto err_dp;
	}
	err = clb_dp_start();	/* datapath notifiers: walk the objects */
	if (err)
		goto err_pernet;
	return 0;

err_pernet:
	unregister_pernet_subsys(&clb_net_ops);
err_dp:
	clb_dp_exit();
err_wrr:
	clb_sched_wrr_exit();
err_rr:
	clb_sched_rr_exit();
	return err;
}

/**
 * clb_lb_exit() - tear down in reverse: objects of every namespace, the
 * schedulers, then wait for the objects' RCU callbacks and check that
 * every object was freed
 */
void clb_lb_exit(void)
{
	clb_dp_stop();
	unregister_pernet_subsys(&clb_net_ops);
	clb_dp_exit();
	clb_sched_wrr_exit();
	clb_sched_rr_exit();
	rcu_barrier();
	WARN(atomic_read(&clb_nr_objects), "%d services/members leaked\n",
	     atomic_read(&clb_nr_objects));
}
