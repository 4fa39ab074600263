/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/clusterlb.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_CLUSTERLB_GEN_H
#define _LINUX_CLUSTERLB_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/clusterlb.h>

/* Common nested types */
extern const struct nla_policy clusterlb_member_key_nl_policy[CLUSTERLB_A_MEMBER_PORT + 1];
extern const struct nla_policy clusterlb_service_key_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1];

extern const struct nla_policy clusterlb_service_get_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1];

extern const struct nla_policy clusterlb_service_new_nl_policy[CLUSTERLB_A_SERVICE_FLAGS + 1];

extern const struct nla_policy clusterlb_service_set_nl_policy[CLUSTERLB_A_SERVICE_FLAGS + 1];

extern const struct nla_policy clusterlb_service_del_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1];

extern const struct nla_policy clusterlb_member_get_nl_policy[CLUSTERLB_A_MEMBER_PORT + 1];

extern const struct nla_policy clusterlb_member_new_nl_policy[CLUSTERLB_A_MEMBER_SLOT + 1];

extern const struct nla_policy clusterlb_member_set_nl_policy[CLUSTERLB_A_MEMBER_SLOT + 1];

extern const struct nla_policy clusterlb_member_del_nl_policy[CLUSTERLB_A_MEMBER_PORT + 1];

extern const struct nla_policy clusterlb_flush_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1];

extern const struct nla_policy clusterlb_conn_get_nl_policy[CLUSTERLB_A_CONN_CLIENT_PORT + 1];

/* Ops table for clusterlb */
extern const struct genl_ops clusterlb_nl_ops[10];

int clusterlb_nl_service_get_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_service_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb);
int clusterlb_nl_service_new_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_service_set_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_service_del_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_member_get_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_member_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int clusterlb_nl_member_new_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_member_set_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_member_del_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_flush_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_conn_get_doit(struct sk_buff *skb, struct genl_info *info);
int clusterlb_nl_conn_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);

enum {
	CLUSTERLB_NLGRP_MONITOR,
};

#endif /* _LINUX_CLUSTERLB_GEN_H */
