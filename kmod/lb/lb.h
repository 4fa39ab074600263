/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlb: the balancer's objects (lb part of clusterlb.ko).
 *
 * Services and their members live per network namespace. This part knows
 * nothing of netlink messages: the control plane translates requests into
 * the calls below and learns about datapath events (health changes, a
 * drained member) through the callback it installs with clb_set_events().
 *
 * Locking:
 * - Configuration changes take the namespace's clb_net.lock (a mutex), are
 *   made with the RCU list primitives and bump clb_net.gen, so that dumps
 *   can tell they raced with a change.
 * - The datapath looks services and members up under rcu_read_lock() only
 *   (clb_service_lookup_rcu(), list_for_each_entry_rcu() on
 *   clb_service.members) and reads the scalar configuration fields with
 *   READ_ONCE(); writers use WRITE_ONCE().
 * - Objects are freed after a grace period; the module calls rcu_barrier()
 *   on unload.
 */
#ifndef _CLUSTERLB_LB_H
#define _CLUSTERLB_LB_H

#include <linux/atomic.h>
#include <linux/if.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>

#include <uapi/linux/clusterlb.h>

/* Bounds on what one namespace may configure (-ENOSPC beyond). */
#define CLB_MAX_SERVICES	4096
#define CLB_MAX_MEMBERS		1024

/**
 * union clb_addr - an IPv4 or IPv6 address, network byte order
 * @ip: IPv4 address (the rest of the union is zero)
 * @in6: IPv6 address
 */
union clb_addr {
	__be32 ip;
	struct in6_addr in6;
};

/**
 * struct clb_key - identity of a service, or of a member within a service
 * @addr: address; bytes not used by @af are zero
 * @port: port, network byte order
 * @proto: IPPROTO_TCP or IPPROTO_UDP (members: the service's)
 * @af: AF_INET or AF_INET6
 *
 * Always build a key from a zeroed struct: keys are hashed and compared
 * as bytes.
 */
struct clb_key {
	union clb_addr addr;
	__be16 port;
	u8 proto;
	u8 af;
};

/**
 * struct clb_stats_pcpu - per-CPU packet and connection counters
 * @conns: connections scheduled
 * @pkts_in: packets from clients
 * @pkts_out: packets to clients
 * @bytes_in: bytes from clients
 * @bytes_out: bytes to clients
 * @syncp: protects the counters on 32-bit hosts
 */
struct clb_stats_pcpu {
	u64_stats_t conns;
	u64_stats_t pkts_in;
	u64_stats_t pkts_out;
	u64_stats_t bytes_in;
	u64_stats_t bytes_out;
	struct u64_stats_sync syncp;
};

/**
 * struct clb_stats - counters of a service or member
 * @pcpu: monotonic counters, updated by the datapath without locks
 * @active: connections currently active (gauge)
 * @inactive: connections currently inactive (gauge)
 */
struct clb_stats {
	struct clb_stats_pcpu __percpu *pcpu;
	atomic64_t active;
	atomic64_t inactive;
};

/**
 * struct clb_stats_snap - a consistent-enough copy of struct clb_stats
 * @conns: see struct clb_stats_pcpu
 * @active: see struct clb_stats
 * @inactive: see struct clb_stats
 * @pkts_in: see struct clb_stats_pcpu
 * @pkts_out: see struct clb_stats_pcpu
 * @bytes_in: see struct clb_stats_pcpu
 * @bytes_out: see struct clb_stats_pcpu
 */
struct clb_stats_snap {
	u64 conns;
	u64 active;
	u64 inactive;
	u64 pkts_in;
	u64 pkts_out;
	u64 bytes_in;
	u64 bytes_out;
};

/* ---- Datapath state (conn.c, nat.c, health.c; Documentation/datapath.md) */

/**
 * struct clb_member_dp - a member's datapath state, owned by conn.c
 * @lock: protects @conns, @n_conns, @dead and read-modify-write of the
 *	member's health
 * @conns: the member's connection records
 * @n_conns: length of @conns
 * @dead: the member is being removed: no new records
 * @drained: the drained event was sent for the current drain
 * @trial: bit 0 set while a trial connection (error health) is in flight
 * @trial_at: jiffies when that trial connection was scheduled
 */
struct clb_member_dp {
	spinlock_t lock;	/* records, health updates */
	struct list_head conns;
	unsigned int n_conns;
	bool dead;
	bool drained;
	unsigned long trial;
	unsigned long trial_at;
};

/* ---- end of datapath state */

struct clb_service;
struct clb_member;

/**
 * struct clb_sched - a scheduler (the IPVS ip_vs_scheduler shape)
 * @name: name users select it by, at most CLUSTERLB_SCHED_NAME_LEN - 1
 * @module: owner; a reference is held while a service uses it, unless the
 *	scheduler is built into clusterlb.ko itself (so that the module can
 *	be unloaded with services configured)
 * @list: in the registry (private to sched.c)
 * @init_service: set up @svc->sched_data; called with the namespace lock
 *	held, before the scheduler is published to the datapath
 * @done_service: release @svc->sched_data (after a grace period if the
 *	datapath may still read it); called with the namespace lock held,
 *	after the scheduler was unpublished and a grace period elapsed
 * @add_member: a member was added (already on @svc->members)
 * @del_member: a member was taken off @svc->members (the datapath may
 *	still be looking at it); must not fail: after a grace period
 *	nothing of @svc->sched_data may point at it
 * @upd_member: a member's weight or state changed
 * @schedule: pick a member for a new connection, or NULL; called under
 *	rcu_read_lock() from softirq or process context
 *
 * The member callbacks are optional and called with the namespace lock
 * held; the datapath may run @schedule concurrently.
 */
struct clb_sched {
	const char *name;
	struct module *module;
	struct list_head list;
	int (*init_service)(struct clb_service *svc);
	void (*done_service)(struct clb_service *svc);
	int (*add_member)(struct clb_service *svc, struct clb_member *m);
	void (*del_member)(struct clb_service *svc, struct clb_member *m);
	int (*upd_member)(struct clb_service *svc, struct clb_member *m);
	struct clb_member *(*schedule)(struct clb_service *svc,
				       const struct sk_buff *skb);
};

/**
 * struct clb_service - a service (virtual server)
 * @hnode: in clb_net.svc_hash (RCU)
 * @list: in clb_net.services, ordered by @id (RCU)
 * @members: its members, ordered by id (RCU)
 * @rcu: for freeing
 * @net: the namespace
 * @key: proto, address and port
 * @id: unique within the namespace, increasing; orders dumps
 * @sched: the scheduler (RCU; NULL only while it is being replaced)
 * @sched_data: the scheduler's state (RCU, owned by @sched)
 * @sched_lock: for the scheduler's use
 * @persist_timeout: persistence timeout in seconds, 0 for none
 * @persist_mask: persistence prefix length
 * @flags: CLUSTERLB_SERVICE_FLAGS_*
 * @n_members: length of @members
 * @stats: counters
 */
struct clb_service {
	struct hlist_node hnode;
	struct list_head list;
	struct list_head members;
	struct rcu_head rcu;
	possible_net_t net;
	struct clb_key key;
	u64 id;
	const struct clb_sched __rcu *sched;
	void __rcu *sched_data;
	spinlock_t sched_lock;	/* schedulers' per-service state */
	u32 persist_timeout;
	u8 persist_mask;
	u32 flags;
	unsigned int n_members;
	struct clb_stats stats;
};

/**
 * struct clb_member_bind - what a member's health is tied to (immutable)
 * @rcu: for freeing
 * @ifname: netdev name, or ""
 * @slot: power slot name, or ""
 */
struct clb_member_bind {
	struct rcu_head rcu;
	char ifname[IFNAMSIZ];
	char slot[CLUSTERLB_SLOT_NAME_LEN];
};

/**
 * struct clb_member - a member (real server) of a service
 * @list: in clb_service.members (RCU)
 * @rcu: for freeing
 * @svc: its service
 * @key: address and port (proto and af are the service's)
 * @id: unique within the namespace, increasing; orders dumps
 * @weight: 0..65535
 * @state: CLUSTERLB_MEMBER_STATE_*
 * @health: CLUSTERLB_HEALTH_FLAGS_*, set by the datapath
 * @retry_at: jiffies of the next trial connection while in error
 * @bind: netdev and slot, replaced as a whole (RCU), or NULL
 * @sched_cur: scheduler-private per-member value, under
 *	clb_service.sched_lock
 * @stats: counters
 * @dp: datapath state (conn.c)
 */
struct clb_member {
	struct list_head list;
	struct rcu_head rcu;
	struct clb_service *svc;
	struct clb_key key;
	u64 id;
	u32 weight;
	u32 state;
	u32 health;
	unsigned long retry_at;
	struct clb_member_bind __rcu *bind;
	s64 sched_cur;
	struct clb_stats stats;
	struct clb_member_dp dp;
};

/**
 * struct clb_net - per network namespace state
 * @net: the namespace
 * @lock: serialises configuration changes
 * @services: all services, ordered by id (RCU)
 * @svc_hash: services by key (RCU)
 * @n_services: length of @services
 * @next_id: next service or member id
 * @gen: configuration generation, never 0; bumped on every change
 */
struct clb_net {
	possible_net_t net;
	struct mutex lock;	/* configuration changes */
	struct list_head services;
	struct hlist_head svc_hash[256];
	unsigned int n_services;
	u64 next_id;
	u32 gen;
};

/* Service configuration fields given in a request (clb_service_cfg.set). */
#define CLB_SVC_SCHED		BIT(0)
#define CLB_SVC_PERSIST_TIMEOUT	BIT(1)
#define CLB_SVC_PERSIST_MASK	BIT(2)
#define CLB_SVC_FLAGS		BIT(3)

/**
 * struct clb_service_cfg - configurable fields of a service
 * @set: which fields are given (CLB_SVC_*); others keep their value
 * @sched: the scheduler, with a reference from clb_sched_get()
 * @persist_timeout: see struct clb_service
 * @persist_mask: see struct clb_service
 * @flags: see struct clb_service
 */
struct clb_service_cfg {
	u32 set;
	const struct clb_sched *sched;
	u32 persist_timeout;
	u8 persist_mask;
	u32 flags;
};

/* Member configuration fields given in a request (clb_member_cfg.set). */
#define CLB_MEM_WEIGHT		BIT(0)
#define CLB_MEM_STATE		BIT(1)
#define CLB_MEM_IFNAME		BIT(2)
#define CLB_MEM_SLOT		BIT(3)

/**
 * struct clb_member_cfg - configurable fields of a member
 * @set: which fields are given (CLB_MEM_*); others keep their value
 * @weight: see struct clb_member
 * @state: see struct clb_member
 * @ifname: netdev name, "" to clear
 * @slot: slot name, "" to clear
 */
struct clb_member_cfg {
	u32 set;
	u32 weight;
	u32 state;
	const char *ifname;
	const char *slot;
};

/**
 * enum clb_event - datapath events the control plane reports
 * @CLB_EV_MEMBER_HEALTH: clb_member.health changed
 * @CLB_EV_MEMBER_DRAINED: a draining member's last connection ended
 */
enum clb_event {
	CLB_EV_MEMBER_HEALTH,
	CLB_EV_MEMBER_DRAINED,
};

/**
 * struct clb_event_ops - the control plane's event callback
 * @member_event: called under rcu_read_lock(), from any context
 */
struct clb_event_ops {
	void (*member_event)(struct clb_member *m, enum clb_event ev);
};

int clb_lb_init(void);
void clb_lb_exit(void);

struct clb_net *clb_net(const struct net *net);

static inline struct net *clb_service_net(const struct clb_service *svc)
{
	return read_pnet(&svc->net);
}

/* Scheduler registry (sched.c) */
int clb_sched_register(struct clb_sched *sched);
void clb_sched_unregister(struct clb_sched *sched);
const struct clb_sched *clb_sched_get(const char *name);
void clb_sched_put(const struct clb_sched *sched);
int clb_sched_rr_init(void);
void clb_sched_rr_exit(void);
int clb_sched_wrr_init(void);
void clb_sched_wrr_exit(void);

/* Default scheduler of a new service. */
#define CLB_SCHED_DEFAULT	"wrr"

/* Configuration (service.c); callers hold clb_net.lock. */
struct clb_service *clb_service_find(struct clb_net *lbn,
				     const struct clb_key *key);
int clb_service_add(struct clb_net *lbn, const struct clb_key *key,
		    const struct clb_service_cfg *cfg,
		    struct clb_service **svcp);
int clb_service_update(struct clb_net *lbn, struct clb_service *svc,
		       const struct clb_service_cfg *cfg);
void clb_service_del(struct clb_net *lbn, struct clb_service *svc);
struct clb_member *clb_member_find(struct clb_service *svc,
				   const struct clb_key *key);
int clb_member_add(struct clb_net *lbn, struct clb_service *svc,
		   const struct clb_key *key, const struct clb_member_cfg *cfg,
		   struct clb_member **mp);
int clb_member_update(struct clb_net *lbn, struct clb_member *m,
		      const struct clb_member_cfg *cfg);
void clb_member_del(struct clb_net *lbn, struct clb_member *m);

/* Datapath side (service.c); callers hold rcu_read_lock(). */
struct clb_service *clb_service_lookup_rcu(const struct net *net,
					   const struct clb_key *key);
void clb_member_set_health(struct clb_member *m, u32 health,
			   unsigned long retry_at);
void clb_member_drained(struct clb_member *m);

void clb_stats_read(const struct clb_stats *stats,
		    struct clb_stats_snap *snap);

void clb_set_events(const struct clb_event_ops *ops);

/**
 * clb_member_available() - may a member take a new connection?
 * @m: the member
 *
 * Active, with a weight, and healthy. Schedulers pick among these only;
 * falling back to standby members is left to the datapath.
 */
static inline bool clb_member_available(const struct clb_member *m)
{
	return READ_ONCE(m->state) == CLUSTERLB_MEMBER_STATE_ACTIVE &&
	       READ_ONCE(m->weight) > 0 && !READ_ONCE(m->health);
}

/**
 * clb_member_overhead() - a member's load, as IPVS's lc and wlc count it
 * @m: the member
 *
 * Active connections * 256 + inactive ones (a gauge may dip below zero
 * for a moment while records are released: read as 0). Far below 2^47,
 * so that weighted comparisons (oh_a * w_b < oh_b * w_a) fit in 64 bits
 * and need no division, which 32-bit ARM has no instruction for.
 */
static inline u64 clb_member_overhead(const struct clb_member *m)
{
	return (max_t(s64, atomic64_read(&m->stats.active), 0) << 8) +
	       max_t(s64, atomic64_read(&m->stats.inactive), 0);
}

/* ---- Datapath (conn.c, nat.c, health.c, sched_*.c) */

/*
 * Module wiring, called by clb_lb_init()/clb_lb_exit(): init before the
 * objects' pernet state (so the datapath's outlives it), start after it
 * (notifiers walk the objects); stop and exit in reverse.
 */
int clb_dp_init(void);
void clb_dp_exit(void);
int clb_dp_start(void);
void clb_dp_stop(void);

/* Hooks called by service.c, with clb_net.lock held (process context). */
int clb_dp_service_get(struct net *net);
void clb_dp_service_put(struct net *net);
void clb_dp_member_init(struct clb_member *m);
void clb_dp_member_update(struct clb_member *m);
void clb_dp_member_gone(struct clb_member *m);

/* More schedulers */
int clb_sched_lc_init(void);
void clb_sched_lc_exit(void);
int clb_sched_wlc_init(void);
void clb_sched_wlc_exit(void);
int clb_sched_sh_init(void);
void clb_sched_sh_exit(void);
int clb_sched_mh_init(void);
void clb_sched_mh_exit(void);

/**
 * struct clb_conn_info - a scheduled connection, as reported to users
 * @client: the client's address (the service's family)
 * @client_port: the client's port, network byte order
 * @active: active (established), else inactive
 * @age: seconds since it was scheduled
 */
struct clb_conn_info {
	union clb_addr client;
	__be16 client_port;
	bool active;
	u32 age;
};

int clb_conn_walk(struct clb_member *m, unsigned int skip,
		  int (*fn)(const struct clb_conn_info *ci, void *arg),
		  void *arg);

/* ---- end of datapath */

#endif /* _CLUSTERLB_LB_H */
