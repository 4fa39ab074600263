// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: provokes a real kernel warning when loaded, so that the
 * bench can prove that scripts/vm-run fails a run whose kernel log has a
 * splat. Never loaded outside selftests/bench_runner.sh.
 */

#include <linux/bug.h>
#include <linux/module.h>

static bool splat = true;
module_param(splat, bool, 0444);
MODULE_PARM_DESC(splat, "emit a WARN on load (default: yes)");

static int __init clusterlb_splat_init(void)
{
	WARN(splat, "clusterlb_splat: deliberate warning for the bench self-test\n");
	return 0;
}

static void __exit clusterlb_splat_exit(void)
{
}

module_init(clusterlb_splat_init);
module_exit(clusterlb_splat_exit);

MODULE_DESCRIPTION("clusterlb bench self-test: deliberate kernel warning");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
