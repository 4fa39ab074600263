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

#include <clusterlb/hat.h>

#include "lb/lb.h"
#include "netlink/nl.h"

static int __init clusterlb_init(void)
{
	int err;

	err = clusterlb_hat_init();
	if (err) {
		pr_err("hat init: %d\n", err);
		return err;
	}
	err = clb_lb_init();
	if (err) {
		pr_err("lb init: %d\n", err);
		goto err_hat;
	}
	/* Last: once the family is registered, requests may arrive. */
	err = clb_nl_init();
	if (err) {
		pr_err("netlink init: %d\n", err);
		goto err_lb;
	}
	pr_info("loaded\n");
	return 0;

err_lb:
	clb_lb_exit();
err_hat:
	clusterlb_hat_exit();
	return err;
}

static void __exit clusterlb_exit(void)
{
	clb_nl_exit();
	clb_lb_exit();
	clusterlb_hat_exit();
	pr_info("unloaded\n");
}

module_init(clusterlb_init);
module_exit(clusterlb_exit);

MODULE_DESCRIPTION("Cluster HAT load balancer and power control");
MODULE_LICENSE("GPL");
MODULE_VERSION(CLUSTERLB_VERSION);
