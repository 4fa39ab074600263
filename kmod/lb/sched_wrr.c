// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: smooth weighted round robin scheduler ("wrr", the default).
 *
 * The algorithm of nginx's upstream round robin and of Apache's
 * lbmethod=byrequests (lbstatus/lbfactor): every member carries a current
 * value cur. For each new connection, every member adds its weight to
 * cur; the member with the largest cur wins and subtracts the sum of the
 * weights that were added. Over any run of W = sum(weights) picks each
 * member is picked exactly weight times, interleaved rather than in
 * bursts (weights 3:1:1 give a b a c a, not a a a b c). Ties go to the
 * member added first.
 *
 * The sequence is periodic with period W (weights divided by their gcd),
 * so it is computed once when members or weights change, into a table:
 * scheduling a connection is one step along it, whatever the number of
 * members, and takes no lock. Members that cannot take a connection
 * (drain, down, error...) are stepped over, so the others keep their
 * shares relative to each other. A change starts a new cycle.
 *
 * Computing the table costs one step per entry and distinct weight:
 * members of equal weight take their turns in list order, so each such
 * group is followed as one (with k picks among c members, the group's
 * next member is the (k mod c)-th and has been picked k / c times).
 *
 * When the table would be too long or too costly to compute (weights
 * with little in common), or cannot be allocated, the sequence is
 * computed per connection over the available members instead (one pass
 * over them, under the service's sched_lock, with cur in
 * clb_member.sched_cur).
 */

#include <linux/gcd.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "lb.h"

#define CLB_WRR_TABLE_MAX	65536		/* entries */
#define CLB_WRR_BUILD_MAX	BIT(22)		/* entries x groups */

/**
 * struct clb_wrr - a service's precomputed sequence
 * @rcu: for freeing
 * @next: picks so far (the position is @next modulo @len)
 * @len: entries
 * @seq: the members in the order they are picked
 */
struct clb_wrr {
	struct rcu_head rcu;
	atomic_t next;
	unsigned int len;
	struct clb_member *seq[];
};

/* A weighted member while the table is computed. */
struct clb_wrr_ent {
	struct clb_member *m;
	u32 w;		/* weight / gcd */
	u32 pos;	/* place in the member list */
};

/* Members of one weight, in list order: ent[first .. first + n - 1]. */
struct clb_wrr_group {
	u32 w;
	u32 first;
	u32 n;
	u32 picks;
};

static int clb_wrr_ent_cmp(const void *a, const void *b)
{
	const struct clb_wrr_ent *x = a, *y = b;

	if (x->w != y->w)
		return x->w < y->w ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Fill t->seq with one period of the sequence of @ent's members. */
static void clb_wrr_fill(struct clb_wrr *t, const struct clb_wrr_ent *ent,
			 struct clb_wrr_group *grp, unsigned int ngrp)
{
	unsigned int s, i;

	for (s = 1; s <= t->len; s++) {
		struct clb_wrr_group *best = NULL;
		s64 best_v = 0;
		u32 best_pos = 0;

		for (i = 0; i < ngrp; i++) {
			struct clb_wrr_group *gr = &grp[i];
			s64 v = (s64)s * gr->w - (s64)t->len * (gr->picks / gr->n);
			u32 pos = ent[gr->first + gr->picks % gr->n].pos;

			if (!best || v > best_v || (v == best_v && pos < best_pos)) {
				best = gr;
				best_v = v;
				best_pos = pos;
			}
		}
		t->seq[s - 1] = ent[best->first + best->picks % best->n].m;
		best->picks++;
	}
}

/*
 * Compute the table of @svc's members, or NULL where the sequence is to
 * be computed per connection. Context: the namespace lock; may sleep.
 */
static struct clb_wrr *clb_wrr_table(struct clb_service *svc)
{
	struct clb_wrr_group *grp = NULL;
	struct clb_wrr_ent *ent = NULL;
	unsigned int n = 0, ngrp = 0, i;
	struct clb_wrr *t = NULL;
	struct clb_member *m;
	u64 len = 0;
	u32 g = 0;

	list_for_each_entry(m, &svc->members, list) {
		u32 w = READ_ONCE(m->weight);

		if (w) {
			n++;
			g = gcd(g, w);
		}
	}
	if (n) {
		ent = kvcalloc(n, sizeof(*ent), GFP_KERNEL);
		if (!ent)
			return NULL;
	}
	i = 0;
	list_for_each_entry(m, &svc->members, list) {
		u32 w = READ_ONCE(m->weight);

		if (!w || i == n)
			continue;
		ent[i].m = m;
		ent[i].w = w / g;
		ent[i].pos = i;
		len += ent[i].w;
		i++;
	}
	sort(ent, n, sizeof(*ent), clb_wrr_ent_cmp, NULL);
	for (i = 0; i < n; i++)
		ngrp += !i || ent[i].w != ent[i - 1].w;
	if (len > CLB_WRR_TABLE_MAX || len * ngrp > CLB_WRR_BUILD_MAX)
		goto out;
	if (ngrp) {
		grp = kvcalloc(ngrp, sizeof(*grp), GFP_KERNEL);
		if (!grp)
			goto out;
	}
	t = kvzalloc(struct_size(t, seq, len), GFP_KERNEL_ACCOUNT);
	if (!t)
		goto out;
	t->len = len;
	ngrp = 0;
	for (i = 0; i < n; i++) {
		if (!i || ent[i].w != ent[i - 1].w) {
			grp[ngrp].w = ent[i].w;
			grp[ngrp].first = i;
			ngrp++;
		}
		grp[ngrp - 1].n++;
	}
	clb_wrr_fill(t, ent, grp, ngrp);
out:
	kvfree(grp);
	kvfree(ent);
	return t;
}

/*
 * Members or weights changed: a new table (or none), and a new cycle.
 * Never fails: without a table the sequence is computed per connection.
 */
static void clb_wrr_rebuild(struct clb_service *svc)
{
	struct clb_wrr *old = rcu_dereference_protected(svc->sched_data, true);
	struct clb_member *m;

	spin_lock_bh(&svc->sched_lock);
	list_for_each_entry(m, &svc->members, list)
		m->sched_cur = 0;
	spin_unlock_bh(&svc->sched_lock);
	rcu_assign_pointer(svc->sched_data, clb_wrr_table(svc));
	if (old)
		kvfree_rcu(old, rcu);
}

static int clb_wrr_init_service(struct clb_service *svc)
{
	RCU_INIT_POINTER(svc->sched_data, NULL);
	clb_wrr_rebuild(svc);
	return 0;
}

static void clb_wrr_done_service(struct clb_service *svc)
{
	struct clb_wrr *t = rcu_dereference_protected(svc->sched_data, true);

	RCU_INIT_POINTER(svc->sched_data, NULL);
	if (t)
		kvfree_rcu(t, rcu);
}

static int clb_wrr_changed(struct clb_service *svc, struct clb_member *m)
{
	clb_wrr_rebuild(svc);
	return 0;
}

static void clb_wrr_del_member(struct clb_service *svc, struct clb_member *m)
{
	clb_wrr_rebuild(svc);
}

/* The sequence computed for this connection, over the available members. */
static struct clb_member *clb_wrr_walk(struct clb_service *svc)
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

static struct clb_member *clb_wrr_schedule(struct clb_service *svc,
					   const struct sk_buff *skb)
{
	struct clb_wrr *t = rcu_dereference(svc->sched_data);
	unsigned int i, start;

	if (!t)
		return clb_wrr_walk(svc);
	start = atomic_fetch_inc(&t->next);
	for (i = 0; i < t->len; i++) {
		struct clb_member *m = t->seq[(start + i) % t->len];

		if (clb_member_available(m)) {
			/* The entries stepped over are used up too. */
			if (i)
				atomic_add(i, &t->next);
			return m;
		}
	}
	return NULL;
}

static struct clb_sched clb_wrr = {
	.name = "wrr",
	.module = THIS_MODULE,
	.init_service = clb_wrr_init_service,
	.done_service = clb_wrr_done_service,
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
