// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: round robin scheduler ("rr").
 *
 * Hands new connections to the available members in turn, in the order
 * they were added, ignoring weights (beyond weight 0 meaning "none"). The
 * state is a cursor on the service's member list, as in IPVS's ip_vs_rr:
 * it points at the member chosen last, or at the list head.
 */

#include <linux/slab.h>

#include "lb.h"

/**
 * struct clb_rr - state of one service
 * @last: list node of the member chosen last, or the members list head;
 *	under clb_service.sched_lock
 * @rcu: for freeing
 */
struct clb_rr {
	struct list_head *last;
	struct rcu_head rcu;
};

static int clb_rr_init_service(struct clb_service *svc)
{
	struct clb_rr *rr = kzalloc(sizeof(*rr), GFP_KERNEL_ACCOUNT);

	if (!rr)
		return -ENOMEM;
	rr->last = &svc->members;
	rcu_assign_pointer(svc->sched_data, rr);
	return 0;
}

static void clb_rr_done_service(struct clb_service *svc)
{
	struct clb_rr *rr = rcu_dereference_protected(svc->sched_data, true);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(rr, rcu);
}

static void clb_rr_del_member(struct clb_service *svc, struct clb_member *m)
{
	struct clb_rr *rr = rcu_dereference_protected(svc->sched_data, true);

	/*
	 * @m is unlinked: its prev is poisoned, its next still valid, so the
	 * member before it is next->prev. The next pick continues after
	 * @m's old position. A pick that found @m before the unlink held
	 * the lock and is over; no later one can reach it.
	 */
	spin_lock_bh(&svc->sched_lock);
	if (rr->last == &m->list)
		rr->last = m->list.next->prev;
	spin_unlock_bh(&svc->sched_lock);
}

static struct clb_member *clb_rr_schedule(struct clb_service *svc,
					  const struct sk_buff *skb)
{
	struct clb_rr *rr = rcu_dereference(svc->sched_data);
	struct clb_member *m, *last;
	struct list_head *p;
	int pass = 0;

	if (!rr)
		return NULL;

	spin_lock_bh(&svc->sched_lock);
	p = rr->last;
	last = list_entry(p, struct clb_member, list);
	m = last;
	do {
		list_for_each_entry_continue_rcu(m, &svc->members, list) {
			if (clb_member_available(m))
				goto found;
			if (m == last)
				goto none;
		}
		pass++;
		/* Started at the head: one pass saw every member. */
	} while (pass < 2 && p != &svc->members);
none:
	spin_unlock_bh(&svc->sched_lock);
	return NULL;

found:
	rr->last = &m->list;
	spin_unlock_bh(&svc->sched_lock);
	return m;
}

static struct clb_sched clb_rr = {
	.name = "rr",
	.module = THIS_MODULE,
	.init_service = clb_rr_init_service,
	.done_service = clb_rr_done_service,
	.del_member = clb_rr_del_member,
	.schedule = clb_rr_schedule,
};

int clb_sched_rr_init(void)
{
	return clb_sched_register(&clb_rr);
}

void clb_sched_rr_exit(void)
{
	clb_sched_unregister(&clb_rr);
}
