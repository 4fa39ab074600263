// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: the scheduler registry.
 *
 * Schedulers register a struct clb_sched by name; a service looks its
 * scheduler up by name when it is created or changed. Unknown names are
 * rejected: only schedulers that are really implemented are registered.
 * All schedulers are currently built into clusterlb.ko, so there is no
 * request_module() autoload; a scheduler in another module would be
 * pinned by clb_sched_get() while a service uses it.
 */

#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "lb.h"

static LIST_HEAD(clb_scheds);
static DEFINE_MUTEX(clb_scheds_lock);

static struct clb_sched *clb_sched_find(const char *name)
{
	struct clb_sched *s;

	lockdep_assert_held(&clb_scheds_lock);
	list_for_each_entry(s, &clb_scheds, list)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/**
 * clb_sched_register() - make a scheduler selectable
 * @sched: the scheduler; must stay valid until clb_sched_unregister()
 *
 * Return: 0, -EINVAL for a bad name or missing schedule(), -EEXIST if the
 * name is taken.
 */
int clb_sched_register(struct clb_sched *sched)
{
	int err = 0;

	if (!sched->name || !*sched->name ||
	    strlen(sched->name) >= CLUSTERLB_SCHED_NAME_LEN ||
	    !sched->schedule) {
		pr_err("bad scheduler %s\n", sched->name ?: "(null)");
		return -EINVAL;
	}

	mutex_lock(&clb_scheds_lock);
	if (clb_sched_find(sched->name)) {
		pr_err("scheduler %s registered twice\n", sched->name);
		err = -EEXIST;
	} else {
		list_add_tail(&sched->list, &clb_scheds);
	}
	mutex_unlock(&clb_scheds_lock);
	return err;
}

/**
 * clb_sched_unregister() - withdraw a scheduler
 * @sched: a registered scheduler no service uses any more
 */
void clb_sched_unregister(struct clb_sched *sched)
{
	mutex_lock(&clb_scheds_lock);
	list_del(&sched->list);
	mutex_unlock(&clb_scheds_lock);
}

/**
 * clb_sched_get() - look a scheduler up by name
 * @name: its name
 *
 * Return: the scheduler, to be released with clb_sched_put(), or NULL if
 * no scheduler of that name is registered (or its module is going away).
 */
const struct clb_sched *clb_sched_get(const char *name)
{
	struct clb_sched *s;

	mutex_lock(&clb_scheds_lock);
	s = clb_sched_find(name);
	if (s && s->module != THIS_MODULE && !try_module_get(s->module))
		s = NULL;
	mutex_unlock(&clb_scheds_lock);
	return s;
}

/**
 * clb_sched_put() - release a scheduler from clb_sched_get()
 * @sched: the scheduler, or NULL
 */
void clb_sched_put(const struct clb_sched *sched)
{
	if (sched && sched->module != THIS_MODULE)
		module_put(sched->module);
}
