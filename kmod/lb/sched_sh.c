// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: source hashing scheduler ("sh").
 *
 * As IPVS's ip_vs_sh: a table of 256 buckets is filled with the members
 * that have a weight, each taking as many consecutive buckets per round
 * as its weight, and a client's address (and source port, with the
 * service flag hash-port) picks a bucket. The table is rebuilt whenever
 * membership or a weight changes, in process context, and published with
 * RCU.
 *
 * A member that cannot take the connection (drain, disabled, standby,
 * down, error) gives it to the next bucket's member, so its clients move
 * while everyone else's stay (IPVS's sh-fallback, always on).
 *
 * Cost: one hash and usually one bucket per new connection; 2 KiB per
 * service.
 */

#include <linux/slab.h>

#include "dp.h"

#define CLB_SH_BUCKETS	256

/**
 * struct clb_sh - state of one service
 * @rcu: for freeing
 * @seed: hash seed
 * @b: the buckets, NULL where no member has a weight (or where a removed
 *	member was when no new table could be allocated)
 */
struct clb_sh {
	struct rcu_head rcu;
	u32 seed;
	struct clb_member *b[CLB_SH_BUCKETS];
};

/* Rebuild the table without @skip (a member being removed), or fail. */
static int clb_sh_build(struct clb_service *svc, struct clb_member *skip)
{
	struct clb_sh *old = rcu_dereference_protected(svc->sched_data, true);
	struct clb_member *m, *first = NULL;
	struct clb_sh *sh;
	unsigned int i = 0;

	sh = kzalloc(sizeof(*sh), GFP_KERNEL_ACCOUNT);
	if (!sh)
		return -ENOMEM;
	sh->seed = old ? old->seed : get_random_u32();

	list_for_each_entry(m, &svc->members, list)
		if (m != skip && READ_ONCE(m->weight)) {
			first = m;
			break;
		}
	m = first;
	while (m && i < CLB_SH_BUCKETS) {
		u32 w = READ_ONCE(m->weight), k;

		for (k = 0; k < w && i < CLB_SH_BUCKETS; k++)
			sh->b[i++] = m;
		/* Next member with a weight, wrapping around. */
		do {
			m = list_is_last(&m->list, &svc->members) ?
			    list_first_entry(&svc->members, struct clb_member,
					     list) :
			    list_next_entry(m, list);
		} while (m == skip || !READ_ONCE(m->weight));
	}
	rcu_assign_pointer(svc->sched_data, sh);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

static int clb_sh_init_service(struct clb_service *svc)
{
	return clb_sh_build(svc, NULL);
}

static void clb_sh_done_service(struct clb_service *svc)
{
	struct clb_sh *sh = rcu_dereference_protected(svc->sched_data, true);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	kfree_rcu(sh, rcu);
}

static int clb_sh_changed(struct clb_service *svc, struct clb_member *m)
{
	return clb_sh_build(svc, NULL);
}

static void clb_sh_del_member(struct clb_service *svc, struct clb_member *m)
{
	struct clb_sh *sh;
	unsigned int i;

	if (!clb_sh_build(svc, m))
		return;
	/* No memory for a new table: @m must not stay in the old one. */
	sh = rcu_dereference_protected(svc->sched_data, true);
	for (i = 0; i < CLB_SH_BUCKETS; i++)
		if (sh->b[i] == m)
			WRITE_ONCE(sh->b[i], NULL);
}

static struct clb_member *clb_sh_schedule(struct clb_service *svc,
					  const struct sk_buff *skb)
{
	const struct clb_sh *sh = rcu_dereference(svc->sched_data);
	unsigned int i, b;

	if (!sh)
		return NULL;
	b = clb_src_hash(svc, skb, sh->seed);
	for (i = 0; i < CLB_SH_BUCKETS; i++) {
		struct clb_member *m = READ_ONCE(sh->b[(b + i) % CLB_SH_BUCKETS]);

		if (m && clb_member_available(m))
			return m;
	}
	return NULL;
}

static struct clb_sched clb_sh = {
	.name = "sh",
	.module = THIS_MODULE,
	.init_service = clb_sh_init_service,
	.done_service = clb_sh_done_service,
	.add_member = clb_sh_changed,
	.del_member = clb_sh_del_member,
	.upd_member = clb_sh_changed,
	.schedule = clb_sh_schedule,
};

int clb_sched_sh_init(void)
{
	return clb_sched_register(&clb_sh);
}

void clb_sched_sh_exit(void)
{
	clb_sched_unregister(&clb_sh);
}
