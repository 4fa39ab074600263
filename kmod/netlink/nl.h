/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlb: the control plane, the "clusterlb" generic netlink family.
 */
#ifndef _CLUSTERLB_NL_H
#define _CLUSTERLB_NL_H

int clb_nl_init(void);
void clb_nl_exit(void);

#endif /* _CLUSTERLB_NL_H */
