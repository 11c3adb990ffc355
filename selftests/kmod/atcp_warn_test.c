// SPDX-License-Identifier: GPL-2.0
/*
 * atcp_warn_test - raises one kernel WARNING when loaded, on purpose.
 *
 * The VM runner must fail any run whose kernel log shows a WARNING; the
 * runner's own selftest loads this module and expects exactly that.
 */
#include <linux/module.h>
#include <linux/bug.h>

static bool warn = true;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "raise the WARNING at load (default yes)");

static int __init atcp_warn_test_init(void)
{
	WARN(warn, "atcp_warn_test: deliberate warning for the runner selftest\n");
	return 0;
}

static void __exit atcp_warn_test_exit(void)
{
}

module_init(atcp_warn_test_init);
module_exit(atcp_warn_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberately warns, to test atcp's VM runner");
