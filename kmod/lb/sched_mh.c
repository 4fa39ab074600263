// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: Maglev hashing scheduler ("mh").
 *
 * Consistent hashing after Eisenbud et al., "Maglev: A Fast and Reliable
 * Software Network Load Balancer" (NSDI 2016), as IPVS's ip_vs_mh: every
 * member with a weight has a preference list over a lookup table of prime
 * size M, the permutation (offset + j * skip) mod M, where offset and skip
 * are hashes of its address and port. Members take turns claiming their
 * next preferred free entry, weight / gcd(weights) entries per turn, until
 * the table is full. A client's address (and source port, with the
 * service flag hash-port) hashes to an entry.
 *
 * Because every member's preferences are fixed, removing one of N members
 * (or adding one) moves about 1/N of the entries and so of the clients;
 * the others keep their member. The table is rebuilt, in process context,
 * when membership or a weight changes and published with RCU. A member
 * that cannot take a connection (drain, disabled, standby, down, error)
 * stays in the table; its clients are rehashed with other seeds until an
 * available member is found (IPVS's mh-fallback, always on), so only they
 * move.
 *
 * Cost: a hash and usually one table entry per new connection;
 * M = 4093 entries (32 KiB on 64-bit) per service.
 */

#include <linux/gcd.h>
#include <linux/slab.h>

#include "dp.h"

#define CLB_MH_SIZE		4093	/* prime */
#define CLB_MH_FALLBACK		16	/* rehashes before a linear probe */

/**
 * struct clb_mh - state of one service
 * @rcu: for freeing
 * @seed: hash seed of clients
 * @t: the lookup table, all NULL when no member has a weight (NULL too
 *	where a removed member was when no new table could be allocated)
 */
struct clb_mh {
	struct rcu_head rcu;
	u32 seed;
	struct clb_member *t[CLB_MH_SIZE];
};

/* Per-member build state. */
struct clb_mh_perm {
	struct clb_member *m;
	u32 offset;
	u32 skip;
	u32 next;
	u32 turns;
};

static u32 clb_mh_member_hash(const struct clb_member *m, u32 seed)
{
	return jhash(&m->key.addr, sizeof(m->key.addr),
		     jhash_1word((__force u32)m->key.port, seed));
}

static void clb_mh_fill(struct clb_mh *mh, struct clb_mh_perm *p,
			unsigned int n)
{
	unsigned int filled = 0, i, k;

	BUILD_BUG_ON((u64)CLB_MH_SIZE * (CLB_MH_SIZE + 1) > U32_MAX);
	while (filled < CLB_MH_SIZE) {
		for (i = 0; i < n && filled < CLB_MH_SIZE; i++) {
			for (k = 0; k < p[i].turns && filled < CLB_MH_SIZE;
			     k++) {
				u32 c;

				/*
				 * 32-bit arithmetic: offset, skip < M, and
				 * next <= M (each value of next is another
				 * entry of a full cycle), so the sum stays
				 * below M * (M + 1).
				 */
				do {
					c = (p[i].offset + p[i].next * p[i].skip) %
					    CLB_MH_SIZE;
					p[i].next++;
				} while (mh->t[c]);
				mh->t[c] = p[i].m;
				filled++;
			}
		}
	}
}

/* Rebuild the table without @skip (a member being removed), or fail. */
static int clb_mh_build(struct clb_service *svc, struct clb_member *skip)
{
	struct clb_mh *old = rcu_dereference_protected(svc->sched_data, true);
	struct clb_mh_perm *p = NULL;
	unsigned int n = 0, g = 0, i;
	struct clb_member *m;
	struct clb_mh *mh;

	mh = kvzalloc(sizeof(*mh), GFP_KERNEL_ACCOUNT);
	if (!mh)
		return -ENOMEM;
	mh->seed = old ? old->seed : get_random_u32();

	list_for_each_entry(m, &svc->members, list)
		if (m != skip && READ_ONCE(m->weight)) {
			n++;
			g = gcd(g, READ_ONCE(m->weight));
		}
	if (n) {
		p = kvcalloc(n, sizeof(*p), GFP_KERNEL_ACCOUNT);
		if (!p) {
			kvfree(mh);
			return -ENOMEM;
		}
		i = 0;
		list_for_each_entry(m, &svc->members, list) {
			if (m == skip || !READ_ONCE(m->weight))
				continue;
			p[i].m = m;
			p[i].offset = clb_mh_member_hash(m, 0x6d61676c) %
				      CLB_MH_SIZE;
			p[i].skip = clb_mh_member_hash(m, 0x65763031) %
				    (CLB_MH_SIZE - 1) + 1;
			p[i].turns = READ_ONCE(m->weight) / g;
			i++;
		}
		clb_mh_fill(mh, p, n);
		kvfree(p);
	}
	rcu_assign_pointer(svc->sched_data, mh);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

static int clb_mh_init_service(struct clb_service *svc)
{
	return clb_mh_build(svc, NULL);
}

static void clb_mh_done_service(struct clb_service *svc)
{
	struct clb_mh *mh = rcu_dereference_protected(svc->sched_data, true);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	kvfree_rcu(mh, rcu);
}

static int clb_mh_changed(struct clb_service *svc, struct clb_member *m)
{
	return clb_mh_build(svc, NULL);
}

static void clb_mh_del_member(struct clb_service *svc, struct clb_member *m)
{
	struct clb_mh *mh;
	unsigned int i;

	if (!clb_mh_build(svc, m))
		return;
	/* No memory for a new table: @m must not stay in the old one. */
	mh = rcu_dereference_protected(svc->sched_data, true);
	for (i = 0; i < CLB_MH_SIZE; i++)
		if (mh->t[i] == m)
			WRITE_ONCE(mh->t[i], NULL);
}

static struct clb_member *clb_mh_schedule(struct clb_service *svc,
					  const struct sk_buff *skb)
{
	const struct clb_mh *mh = rcu_dereference(svc->sched_data);
	struct clb_member *m;
	unsigned int i, c;

	if (!mh)
		return NULL;
	c = clb_src_hash(svc, skb, mh->seed) % CLB_MH_SIZE;
	m = READ_ONCE(mh->t[c]);
	if (m && clb_member_available(m))
		return m;
	for (i = 1; i <= CLB_MH_FALLBACK; i++) {
		m = READ_ONCE(mh->t[clb_src_hash(svc, skb, mh->seed + i) %
				   CLB_MH_SIZE]);
		if (m && clb_member_available(m))
			return m;
	}
	for (i = 1; i < CLB_MH_SIZE; i++) {
		m = READ_ONCE(mh->t[(c + i) % CLB_MH_SIZE]);
		if (m && clb_member_available(m))
			return m;
	}
	return NULL;
}

static struct clb_sched clb_mh = {
	.name = "mh",
	.module = THIS_MODULE,
	.init_service = clb_mh_init_service,
	.done_service = clb_mh_done_service,
	.add_member = clb_mh_changed,
	.del_member = clb_mh_del_member,
	.upd_member = clb_mh_changed,
	.schedule = clb_mh_schedule,
};

int clb_sched_mh_init(void)
{
	return clb_sched_register(&clb_mh);
}

void clb_sched_mh_exit(void)
{
	clb_sched_unregister(&clb_mh);
}
