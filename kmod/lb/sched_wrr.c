// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: smooth weighted round robin scheduler ("wrr", the default).
 *
 * The algorithm of nginx's upstream round robin and of Apache's
 * lbmethod=byrequests (lbstatus/lbfactor): every member carries a current
 * value cur. For each new connection, every available member adds its
 * weight to cur; the member with the largest cur wins and subtracts the
 * sum of the weights that were added.
 *
 * Invariants: the values cur always sum to zero (each pick adds the total
 * and takes it away again), and over any run of W = sum(weights) picks
 * with unchanged membership each member is picked exactly weight times,
 * interleaved rather than in bursts (weights 3:1:1 give a b a c a, not
 * a a a b c). Ties go to the member added first.
 *
 * Cost: one pass over the members per new connection, under the
 * service's sched_lock; no memory besides one s64 per member.
 */

#include "lb.h"

static void clb_wrr_reset(struct clb_service *svc)
{
	struct clb_member *m;

	spin_lock_bh(&svc->sched_lock);
	list_for_each_entry(m, &svc->members, list)
		m->sched_cur = 0;
	spin_unlock_bh(&svc->sched_lock);
}

static int clb_wrr_init_service(struct clb_service *svc)
{
	clb_wrr_reset(svc);
	return 0;
}

/* A new cycle starts whenever membership or a weight changes. */
static int clb_wrr_changed(struct clb_service *svc, struct clb_member *m)
{
	clb_wrr_reset(svc);
	return 0;
}

static void clb_wrr_del_member(struct clb_service *svc, struct clb_member *m)
{
	clb_wrr_reset(svc);
}

static struct clb_member *clb_wrr_schedule(struct clb_service *svc,
					   const struct sk_buff *skb)
{
	struct clb_member *m, *best = NULL;
	s64 total = 0;

	spin_lock_bh(&svc->sched_lock);
	list_for_each_entry_rcu(m, &svc->members, list) {
		u32 w;

		if (!clb_member_available(m))
			continue;
		w = READ_ONCE(m->weight);
		m->sched_cur += w;
		total += w;
		if (!best || m->sched_cur > best->sched_cur)
			best = m;
	}
	if (best)
		best->sched_cur -= total;
	spin_unlock_bh(&svc->sched_lock);
	return best;
}

static struct clb_sched clb_wrr = {
	.name = "wrr",
	.module = THIS_MODULE,
	.init_service = clb_wrr_init_service,
	.add_member = clb_wrr_changed,
	.del_member = clb_wrr_del_member,
	.upd_member = clb_wrr_changed,
	.schedule = clb_wrr_schedule,
};

int clb_sched_wrr_init(void)
{
	return clb_sched_register(&clb_wrr);
}

void clb_sched_wrr_exit(void)
{
	clb_sched_unregister(&clb_wrr);
}
