// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: member health, as the datapath sees it.
 *
 * Three sources feed clb_member.health (CLUSTERLB_HEALTH_FLAGS_*); any bit
 * set takes the member out of rotation (clb_member_available()):
 *
 * - Link (LINK_DOWN): a member bound to a netdev ("dev usb2") is down
 *   while that device, looked up by name in the member's namespace, is
 *   missing, not running or without carrier. A netdevice notifier applies
 *   changes at once and the connection walk (conn.c) re-checks every
 *   period, which also catches a device that appears under its name
 *   later (renamed into place). Going down ends the member's flows.
 * - Power (SLOT_OFF): a member bound to a power slot ("slot hat0/p2")
 *   is off while the hat part reports the slot switched off; the hat
 *   notifier applies changes at once and ends the member's flows. A slot
 *   the hat part does not know (no board bound) is not treated as off:
 *   the link still tells whether the node is there. A powered slot is not
 *   enough to come back: the link must be up too.
 * - Passive health (ERROR): a new connection that fails (reset to the
 *   SYN, ICMP error, no answer within health_timeout_ms) puts the member
 *   in error for health_retry_ms; then one trial connection is let
 *   through (conn.c), and its answer clears the error, its failure renews
 *   it.
 *
 * Every change goes through clb_member_set_health(), which reports it to
 * the control plane; read-modify-write of the bits is serialised by the
 * member's datapath lock.
 */

#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>

#include <clusterlb/hat.h>

#include "dp.h"

unsigned int clb_health_retry_ms __read_mostly = 60000;
module_param_named(health_retry_ms, clb_health_retry_ms, uint, 0644);
MODULE_PARM_DESC(health_retry_ms,
		 "Time a failing member stays in error before a trial connection, ms");

unsigned int clb_health_timeout_ms __read_mostly = 5000;
module_param_named(health_timeout_ms, clb_health_timeout_ms, uint, 0644);
MODULE_PARM_DESC(health_timeout_ms,
		 "A new TCP connection without an answer after this long fails, ms");

#define CLB_HEALTH_BOUND (CLUSTERLB_HEALTH_FLAGS_LINK_DOWN | \
			  CLUSTERLB_HEALTH_FLAGS_SLOT_OFF)

/**
 * clb_health_update() - change some of a member's health bits
 * @m: the member
 * @clear: bits to clear
 * @set: bits to set
 * @retry_at: the retry time to record (with the error bit)
 *
 * Context: rcu_read_lock() or clb_net.lock; any context.
 */
void clb_health_update(struct clb_member *m, u32 clear, u32 set,
		       unsigned long retry_at)
{
	u32 h;

	rcu_read_lock();
	spin_lock_bh(&m->dp.lock);
	h = (READ_ONCE(m->health) & ~clear) | set;
	if (!m->dp.dead)
		clb_member_set_health(m, h, retry_at);
	spin_unlock_bh(&m->dp.lock);
	rcu_read_unlock();
}

/**
 * clb_health_fail() - a new connection to a member failed
 * @dpn: the namespace's datapath state
 * @m: the member
 *
 * A healthy member, or one whose trial connection this was, enters error
 * for health_retry_ms. Failures of a member already in error are ignored.
 *
 * Context: rcu_read_lock(); any context.
 */
void clb_health_fail(struct clb_dp_net *dpn, struct clb_member *m)
{
	unsigned long retry = jiffies +
			      msecs_to_jiffies(READ_ONCE(clb_health_retry_ms));
	u32 h;

	spin_lock_bh(&m->dp.lock);
	h = READ_ONCE(m->health);
	if (!m->dp.dead && (!(h & CLUSTERLB_HEALTH_FLAGS_ERROR) ||
			    test_bit(0, &m->dp.trial))) {
		if (!(h & CLUSTERLB_HEALTH_FLAGS_ERROR))
			atomic_inc(&dpn->n_error);
		atomic64_inc(&dpn->failures);
		clear_bit(0, &m->dp.trial);
		clb_member_set_health(m, h | CLUSTERLB_HEALTH_FLAGS_ERROR,
				      retry);
	}
	spin_unlock_bh(&m->dp.lock);
}

/**
 * clb_health_ok() - a member answered a new connection
 * @dpn: the namespace's datapath state
 * @m: the member
 *
 * Ends the error state if this was the member's trial connection.
 *
 * Context: rcu_read_lock(); any context.
 */
void clb_health_ok(struct clb_dp_net *dpn, struct clb_member *m)
{
	u32 h;

	spin_lock_bh(&m->dp.lock);
	h = READ_ONCE(m->health);
	if (!m->dp.dead && (h & CLUSTERLB_HEALTH_FLAGS_ERROR) &&
	    test_and_clear_bit(0, &m->dp.trial)) {
		atomic_dec(&dpn->n_error);
		clb_member_set_health(m, h & ~CLUSTERLB_HEALTH_FLAGS_ERROR, 0);
	}
	spin_unlock_bh(&m->dp.lock);
}

/* Link */

static bool clb_dev_up(const struct net_device *dev)
{
	return dev && netif_running(dev) && netif_carrier_ok(dev);
}

/* Apply a link state; ends the flows when the link went down. */
static void clb_health_set_link(struct clb_member *m, bool up)
{
	bool was_down = READ_ONCE(m->health) & CLUSTERLB_HEALTH_FLAGS_LINK_DOWN;

	if (up == !was_down)
		return;
	if (up) {
		clb_health_update(m, CLUSTERLB_HEALTH_FLAGS_LINK_DOWN, 0,
				  READ_ONCE(m->retry_at));
	} else {
		clb_health_update(m, 0, CLUSTERLB_HEALTH_FLAGS_LINK_DOWN,
				  READ_ONCE(m->retry_at));
		clb_conn_kill_member(m);
	}
}

/**
 * clb_health_sync_link() - re-read a member's link by its device name
 * @net: the member's namespace
 * @m: the member
 *
 * Context: rcu_read_lock(); any context.
 */
void clb_health_sync_link(struct net *net, struct clb_member *m)
{
	const struct clb_member_bind *b = rcu_dereference(m->bind);

	if (!b || !b->ifname[0]) {
		clb_health_set_link(m, true);
		return;
	}
	clb_health_set_link(m, clb_dev_up(dev_get_by_name_rcu(net, b->ifname)));
}

/* Is the member's slot known to be off? May sleep. */
static bool clb_health_slot_off(struct clb_member *m)
{
	struct clusterhat_slot_id id;
	char slot[CLUSTERLB_SLOT_NAME_LEN];
	const struct clb_member_bind *b;

	rcu_read_lock();
	b = rcu_dereference(m->bind);
	strscpy(slot, b ? b->slot : "", sizeof(slot));
	rcu_read_unlock();
	if (!slot[0] || clusterhat_slot_parse(slot, &id))
		return false;
	return clusterhat_slot_get_power(&id) == 0;
}

/**
 * clb_health_member_init() - compute a member's link and power health
 * @m: the member (new, or its binding may have changed)
 * @published: @m is on its service's list (else: set quietly)
 *
 * Context: clb_net.lock held; may sleep.
 */
void clb_health_member_init(struct clb_member *m, bool published)
{
	struct net *net = clb_service_net(m->svc);
	const struct clb_member_bind *b;
	bool off = clb_health_slot_off(m);
	bool down = false;
	u32 bits;

	rcu_read_lock();
	b = rcu_dereference(m->bind);
	if (b && b->ifname[0])
		down = !clb_dev_up(dev_get_by_name_rcu(net, b->ifname));
	rcu_read_unlock();

	bits = (down ? CLUSTERLB_HEALTH_FLAGS_LINK_DOWN : 0) |
	       (off ? CLUSTERLB_HEALTH_FLAGS_SLOT_OFF : 0);
	if (!published) {
		/* No one knows the member yet: no event. */
		WRITE_ONCE(m->health, bits);
		return;
	}
	clb_health_update(m, CLB_HEALTH_BOUND, bits, READ_ONCE(m->retry_at));
	if (bits)
		clb_conn_kill_member(m);
}

/* Apply @fn to every member of @net whose binding matches. */
static void clb_health_for_each(struct net *net,
				bool (*match)(const struct clb_member_bind *b,
					      const void *key),
				const void *key,
				void (*fn)(struct clb_member *m, void *arg),
				void *arg)
{
	struct clb_net *lbn = clb_net(net);
	struct clb_service *svc;
	struct clb_member *m;

	list_for_each_entry_rcu(svc, &lbn->services, list)
		list_for_each_entry_rcu(m, &svc->members, list) {
			const struct clb_member_bind *b = rcu_dereference(m->bind);

			if (b && match(b, key))
				fn(m, arg);
		}
}

static bool clb_match_ifname(const struct clb_member_bind *b, const void *key)
{
	return b->ifname[0] && !strcmp(b->ifname, key);
}

static void clb_apply_link(struct clb_member *m, void *arg)
{
	clb_health_set_link(m, *(bool *)arg);
}

static int clb_health_netdev_event(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	bool up;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_CHANGE:
	case NETDEV_REGISTER:
	case NETDEV_CHANGENAME:
		up = clb_dev_up(dev);
		break;
	case NETDEV_DOWN:
	case NETDEV_GOING_DOWN:
	case NETDEV_UNREGISTER:
		up = false;
		break;
	default:
		return NOTIFY_DONE;
	}
	rcu_read_lock();
	clb_health_for_each(dev_net(dev), clb_match_ifname, dev->name,
			    clb_apply_link, &up);
	rcu_read_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block clb_health_netdev_nb = {
	.notifier_call = clb_health_netdev_event,
};

/* Power */

static bool clb_match_slot(const struct clb_member_bind *b, const void *key)
{
	return b->slot[0] && !strcmp(b->slot, key);
}

static void clb_apply_power(struct clb_member *m, void *arg)
{
	if (*(bool *)arg) {
		clb_health_update(m, CLUSTERLB_HEALTH_FLAGS_SLOT_OFF, 0,
				  READ_ONCE(m->retry_at));
	} else {
		clb_health_update(m, 0, CLUSTERLB_HEALTH_FLAGS_SLOT_OFF,
				  READ_ONCE(m->retry_at));
		clb_conn_kill_member(m);
	}
}

static int clb_health_hat_event(struct notifier_block *nb,
				unsigned long action, void *data)
{
	const struct clusterhat_event *ev = data;
	bool on;
	struct net *net;

	switch (action) {
	case CLUSTERHAT_POWER_CHANGED:
	case CLUSTERHAT_SLOT_ADDED:
		on = ev->on;
		break;
	case CLUSTERHAT_SLOT_REMOVED:
		/* Power unknown from now on: the link decides. */
		on = true;
		break;
	default:
		return NOTIFY_DONE;
	}
	rcu_read_lock();
	for_each_net_rcu(net)
		clb_health_for_each(net, clb_match_slot, ev->name,
				    clb_apply_power, &on);
	rcu_read_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block clb_health_hat_nb = {
	.notifier_call = clb_health_hat_event,
};

/**
 * clb_health_init() - start listening to links and slots
 *
 * Called after the objects' per-namespace state exists (the callbacks
 * walk it).
 *
 * Return: 0 or a negative error.
 */
int clb_health_init(void)
{
	int err;

	err = register_netdevice_notifier(&clb_health_netdev_nb);
	if (err) {
		pr_err("datapath: netdevice notifier failed (%d)\n", err);
		return err;
	}
	err = clusterhat_register_notifier(&clb_health_hat_nb);
	if (err) {
		pr_err("datapath: hat notifier failed (%d)\n", err);
		unregister_netdevice_notifier(&clb_health_netdev_nb);
	}
	return err;
}

/**
 * clb_health_exit() - stop listening; before the objects' state goes
 */
void clb_health_exit(void)
{
	clusterhat_unregister_notifier(&clb_health_hat_nb);
	unregister_netdevice_notifier(&clb_health_netdev_nb);
}
