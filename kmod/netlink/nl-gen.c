// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/clusterlb.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nl-gen.h"

#include <uapi/linux/clusterlb.h>

/* Integer value ranges */
static const struct netlink_range_validation clusterlb_a_service_persist_timeout_range = {
	.max	= CLUSTERLB_PERSIST_TIMEOUT_MAX,
};

static const struct netlink_range_validation clusterlb_a_member_weight_range = {
	.max	= 65535ULL,
};

/* Common nested types */
const struct nla_policy clusterlb_member_key_nl_policy[CLUSTERLB_A_MEMBER_PORT + 1] = {
	[CLUSTERLB_A_MEMBER_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_MEMBER_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_MEMBER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

const struct nla_policy clusterlb_service_key_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[CLUSTERLB_A_SERVICE_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_SERVICE_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_SERVICE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* CLUSTERLB_CMD_SERVICE_GET - do */
const struct nla_policy clusterlb_service_get_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[CLUSTERLB_A_SERVICE_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_SERVICE_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_SERVICE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* CLUSTERLB_CMD_SERVICE_NEW - do */
const struct nla_policy clusterlb_service_new_nl_policy[CLUSTERLB_A_SERVICE_FLAGS + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[CLUSTERLB_A_SERVICE_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_SERVICE_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_SERVICE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[CLUSTERLB_A_SERVICE_SCHED] = { .type = NLA_NUL_STRING, .len = 15, },
	[CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &clusterlb_a_service_persist_timeout_range),
	[CLUSTERLB_A_SERVICE_PERSIST_MASK] = NLA_POLICY_MAX(NLA_U32, 128),
	[CLUSTERLB_A_SERVICE_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x3),
};

/* CLUSTERLB_CMD_SERVICE_SET - do */
const struct nla_policy clusterlb_service_set_nl_policy[CLUSTERLB_A_SERVICE_FLAGS + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[CLUSTERLB_A_SERVICE_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_SERVICE_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_SERVICE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[CLUSTERLB_A_SERVICE_SCHED] = { .type = NLA_NUL_STRING, .len = 15, },
	[CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &clusterlb_a_service_persist_timeout_range),
	[CLUSTERLB_A_SERVICE_PERSIST_MASK] = NLA_POLICY_MAX(NLA_U32, 128),
	[CLUSTERLB_A_SERVICE_FLAGS] = NLA_POLICY_MASK(NLA_U32, 0x3),
};

/* CLUSTERLB_CMD_SERVICE_DEL - do */
const struct nla_policy clusterlb_service_del_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[CLUSTERLB_A_SERVICE_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_SERVICE_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_SERVICE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* CLUSTERLB_CMD_MEMBER_GET - do */
const struct nla_policy clusterlb_member_get_nl_policy[CLUSTERLB_A_MEMBER_PORT + 1] = {
	[CLUSTERLB_A_MEMBER_SERVICE] = NLA_POLICY_NESTED(clusterlb_service_key_nl_policy),
	[CLUSTERLB_A_MEMBER_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_MEMBER_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_MEMBER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* CLUSTERLB_CMD_MEMBER_NEW - do */
const struct nla_policy clusterlb_member_new_nl_policy[CLUSTERLB_A_MEMBER_SLOT + 1] = {
	[CLUSTERLB_A_MEMBER_SERVICE] = NLA_POLICY_NESTED(clusterlb_service_key_nl_policy),
	[CLUSTERLB_A_MEMBER_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_MEMBER_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_MEMBER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[CLUSTERLB_A_MEMBER_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32, &clusterlb_a_member_weight_range),
	[CLUSTERLB_A_MEMBER_STATE] = NLA_POLICY_MAX(NLA_U32, 3),
	[CLUSTERLB_A_MEMBER_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[CLUSTERLB_A_MEMBER_SLOT] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* CLUSTERLB_CMD_MEMBER_SET - do */
const struct nla_policy clusterlb_member_set_nl_policy[CLUSTERLB_A_MEMBER_SLOT + 1] = {
	[CLUSTERLB_A_MEMBER_SERVICE] = NLA_POLICY_NESTED(clusterlb_service_key_nl_policy),
	[CLUSTERLB_A_MEMBER_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_MEMBER_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_MEMBER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[CLUSTERLB_A_MEMBER_WEIGHT] = NLA_POLICY_FULL_RANGE(NLA_U32, &clusterlb_a_member_weight_range),
	[CLUSTERLB_A_MEMBER_STATE] = NLA_POLICY_MAX(NLA_U32, 3),
	[CLUSTERLB_A_MEMBER_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[CLUSTERLB_A_MEMBER_SLOT] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* CLUSTERLB_CMD_MEMBER_DEL - do */
const struct nla_policy clusterlb_member_del_nl_policy[CLUSTERLB_A_MEMBER_PORT + 1] = {
	[CLUSTERLB_A_MEMBER_SERVICE] = NLA_POLICY_NESTED(clusterlb_service_key_nl_policy),
	[CLUSTERLB_A_MEMBER_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_MEMBER_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_MEMBER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* CLUSTERLB_CMD_FLUSH - do */
const struct nla_policy clusterlb_flush_nl_policy[CLUSTERLB_A_SERVICE_PORT + 1] = {
	[CLUSTERLB_A_SERVICE_PROTO] = NLA_POLICY_RANGE(NLA_U32, 1, 2),
	[CLUSTERLB_A_SERVICE_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_SERVICE_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_SERVICE_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* CLUSTERLB_CMD_CONN_GET - do */
const struct nla_policy clusterlb_conn_get_nl_policy[CLUSTERLB_A_CONN_CLIENT_PORT + 1] = {
	[CLUSTERLB_A_CONN_SERVICE] = NLA_POLICY_NESTED(clusterlb_service_key_nl_policy),
	[CLUSTERLB_A_CONN_MEMBER] = NLA_POLICY_NESTED(clusterlb_member_key_nl_policy),
	[CLUSTERLB_A_CONN_CLIENT_ADDR4] = NLA_POLICY_EXACT_LEN(4),
	[CLUSTERLB_A_CONN_CLIENT_ADDR6] = NLA_POLICY_EXACT_LEN(16),
	[CLUSTERLB_A_CONN_CLIENT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* Ops table for clusterlb */
const struct genl_ops clusterlb_nl_ops[10] = {
	{
		.cmd		= CLUSTERLB_CMD_SERVICE_GET,
		.doit		= clusterlb_nl_service_get_doit,
		.dumpit		= clusterlb_nl_service_get_dumpit,
		.policy		= clusterlb_service_get_nl_policy,
		.maxattr	= CLUSTERLB_A_SERVICE_PORT,
	},
	{
		.cmd		= CLUSTERLB_CMD_SERVICE_NEW,
		.doit		= clusterlb_nl_service_new_doit,
		.policy		= clusterlb_service_new_nl_policy,
		.maxattr	= CLUSTERLB_A_SERVICE_FLAGS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_SERVICE_SET,
		.doit		= clusterlb_nl_service_set_doit,
		.policy		= clusterlb_service_set_nl_policy,
		.maxattr	= CLUSTERLB_A_SERVICE_FLAGS,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_SERVICE_DEL,
		.doit		= clusterlb_nl_service_del_doit,
		.policy		= clusterlb_service_del_nl_policy,
		.maxattr	= CLUSTERLB_A_SERVICE_PORT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_MEMBER_GET,
		.doit		= clusterlb_nl_member_get_doit,
		.dumpit		= clusterlb_nl_member_get_dumpit,
		.policy		= clusterlb_member_get_nl_policy,
		.maxattr	= CLUSTERLB_A_MEMBER_PORT,
	},
	{
		.cmd		= CLUSTERLB_CMD_MEMBER_NEW,
		.doit		= clusterlb_nl_member_new_doit,
		.policy		= clusterlb_member_new_nl_policy,
		.maxattr	= CLUSTERLB_A_MEMBER_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_MEMBER_SET,
		.doit		= clusterlb_nl_member_set_doit,
		.policy		= clusterlb_member_set_nl_policy,
		.maxattr	= CLUSTERLB_A_MEMBER_SLOT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_MEMBER_DEL,
		.doit		= clusterlb_nl_member_del_doit,
		.policy		= clusterlb_member_del_nl_policy,
		.maxattr	= CLUSTERLB_A_MEMBER_PORT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_FLUSH,
		.doit		= clusterlb_nl_flush_doit,
		.policy		= clusterlb_flush_nl_policy,
		.maxattr	= CLUSTERLB_A_SERVICE_PORT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= CLUSTERLB_CMD_CONN_GET,
		.doit		= clusterlb_nl_conn_get_doit,
		.dumpit		= clusterlb_nl_conn_get_dumpit,
		.policy		= clusterlb_conn_get_nl_policy,
		.maxattr	= CLUSTERLB_A_CONN_CLIENT_PORT,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group clusterlb_nl_mcgrps[] = {
	[CLUSTERLB_NLGRP_MONITOR] = { "monitor", },
};
