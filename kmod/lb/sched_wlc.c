// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: weighted least connections scheduler ("wlc").
 *
 * As lc (sched_lc.c), but the overhead active * 256 + inactive is divided
 * by the member's weight: a new connection goes to the available member
 * with the least overhead / weight, compared without division as IPVS
 * does (oh_a * w_b < oh_b * w_a). Ties go to the member added first.
 *
 * Cost: one pass over the members per new connection, no lock, no state.
 */

#include "lb.h"

static struct clb_member *clb_wlc_schedule(struct clb_service *svc,
					   const struct sk_buff *skb)
{
	struct clb_member *m, *best = NULL;
	u64 best_oh = 0, best_w = 1;

	list_for_each_entry_rcu(m, &svc->members, list) {
		u64 oh, w;

		if (!clb_member_available(m))
			continue;
		oh = clb_member_overhead(m);
		w = READ_ONCE(m->weight);
		/* Both sides fit in 64 bits: overheads stay far below 2^47. */
		if (!best || oh * best_w < best_oh * w) {
			best = m;
			best_oh = oh;
			best_w = w;
		}
	}
	return best;
}

static struct clb_sched clb_wlc = {
	.name = "wlc",
	.module = THIS_MODULE,
	.schedule = clb_wlc_schedule,
};

int clb_sched_wlc_init(void)
{
	return clb_sched_register(&clb_wlc);
}

void clb_sched_wlc_exit(void)
{
	clb_sched_unregister(&clb_wlc);
}
