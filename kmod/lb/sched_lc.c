// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: least connections scheduler ("lc").
 *
 * A new connection goes to the available member with the least overhead,
 * IPVS's active * 256 + inactive (an established connection weighs as
 * much as 256 opening, closing or idle ones). Weights only matter as far
 * as weight 0 takes no new connection; ties go to the member added first.
 *
 * The counts are the datapath's (conn.c): a new connection counts as
 * inactive from the moment it is scheduled, so back-to-back connections
 * spread even before any of them is established.
 *
 * Cost: one pass over the members per new connection, no lock, no state.
 */

#include "lb.h"

static struct clb_member *clb_lc_schedule(struct clb_service *svc,
					  const struct sk_buff *skb)
{
	struct clb_member *m, *best = NULL;
	u64 best_oh = 0;

	list_for_each_entry_rcu(m, &svc->members, list) {
		u64 oh;

		if (!clb_member_available(m))
			continue;
		oh = clb_member_overhead(m);
		if (!best || oh < best_oh) {
			best = m;
			best_oh = oh;
		}
	}
	return best;
}

static struct clb_sched clb_lc = {
	.name = "lc",
	.module = THIS_MODULE,
	.schedule = clb_lc_schedule,
};

int clb_sched_lc_init(void)
{
	return clb_sched_register(&clb_lc);
}

void clb_sched_lc_exit(void)
{
	clb_sched_unregister(&clb_lc);
}
