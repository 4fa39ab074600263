/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/clusterlb.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_CLUSTERLB_H
#define _UAPI_LINUX_CLUSTERLB_H

#define CLUSTERLB_FAMILY_NAME		"clusterlb"
#define CLUSTERLB_FAMILY_VERSION	1

#define CLUSTERLB_SCHED_NAME_LEN	16
#define CLUSTERLB_SLOT_NAME_LEN		32
#define CLUSTERLB_PERSIST_TIMEOUT_MAX	2592000

/**
 * enum clusterlb_proto - Transport protocol of a service. These are not
 *   IPPROTO numbers (a generated policy needs a contiguous range); 0 is never
 *   valid.
 * @CLUSTERLB_PROTO_TCP: TCP.
 * @CLUSTERLB_PROTO_UDP: UDP.
 */
enum clusterlb_proto {
	CLUSTERLB_PROTO_TCP = 1,
	CLUSTERLB_PROTO_UDP,
};

/**
 * enum clusterlb_member_state - Administrative state of a member, set by the
 *   administrator.
 * @CLUSTERLB_MEMBER_STATE_ACTIVE: In rotation; receives new connections.
 * @CLUSTERLB_MEMBER_STATE_DRAIN: Receives no new connection of any kind (also
 *   not through persistence or a reused client port); existing connections
 *   finish. A member-drained-ntf is sent when the last one ends.
 * @CLUSTERLB_MEMBER_STATE_DISABLED: Receives no new connection.
 * @CLUSTERLB_MEMBER_STATE_STANDBY: Used only while no active member of the
 *   service is eligible.
 */
enum clusterlb_member_state {
	CLUSTERLB_MEMBER_STATE_ACTIVE,
	CLUSTERLB_MEMBER_STATE_DRAIN,
	CLUSTERLB_MEMBER_STATE_DISABLED,
	CLUSTERLB_MEMBER_STATE_STANDBY,
};

/**
 * enum clusterlb_service_flags - Service options.
 * @CLUSTERLB_SERVICE_FLAGS_FULLNAT: Also rewrite the client's source address
 *   (full NAT), for members that do not route their replies through the
 *   balancer.
 * @CLUSTERLB_SERVICE_FLAGS_HASH_PORT: Hashing schedulers (sh, mh) hash the
 *   client's source port as well as its address.
 */
enum clusterlb_service_flags {
	CLUSTERLB_SERVICE_FLAGS_FULLNAT = 1,
	CLUSTERLB_SERVICE_FLAGS_HASH_PORT = 2,
};

/**
 * enum clusterlb_health_flags - Why a member is out of rotation, as seen by
 *   the balancer (read-only; filled by the datapath). No bit set means
 *   healthy.
 * @CLUSTERLB_HEALTH_FLAGS_LINK_DOWN: The member's netdev is down, has no
 *   carrier or is gone.
 * @CLUSTERLB_HEALTH_FLAGS_SLOT_OFF: The member's power slot is switched off.
 * @CLUSTERLB_HEALTH_FLAGS_ERROR: New connections to the member failed (passive
 *   health check); it gets a trial connection after health-retry-ms.
 */
enum clusterlb_health_flags {
	CLUSTERLB_HEALTH_FLAGS_LINK_DOWN = 1,
	CLUSTERLB_HEALTH_FLAGS_SLOT_OFF = 2,
	CLUSTERLB_HEALTH_FLAGS_ERROR = 4,
};

/**
 * enum clusterlb_conn_state - State of a scheduled connection.
 * @CLUSTERLB_CONN_STATE_ACTIVE: Established (TCP) or seen traffic both ways
 *   (UDP).
 * @CLUSTERLB_CONN_STATE_INACTIVE: Opening, closing or idle.
 */
enum clusterlb_conn_state {
	CLUSTERLB_CONN_STATE_ACTIVE,
	CLUSTERLB_CONN_STATE_INACTIVE,
};

enum {
	CLUSTERLB_A_STATS_PAD = 1,
	CLUSTERLB_A_STATS_CONNS,
	CLUSTERLB_A_STATS_ACTIVE,
	CLUSTERLB_A_STATS_INACTIVE,
	CLUSTERLB_A_STATS_PKTS_IN,
	CLUSTERLB_A_STATS_PKTS_OUT,
	CLUSTERLB_A_STATS_BYTES_IN,
	CLUSTERLB_A_STATS_BYTES_OUT,

	__CLUSTERLB_A_STATS_MAX,
	CLUSTERLB_A_STATS_MAX = (__CLUSTERLB_A_STATS_MAX - 1)
};

enum {
	CLUSTERLB_A_SERVICE_PROTO = 1,
	CLUSTERLB_A_SERVICE_ADDR4,
	CLUSTERLB_A_SERVICE_ADDR6,
	CLUSTERLB_A_SERVICE_PORT,
	CLUSTERLB_A_SERVICE_SCHED,
	CLUSTERLB_A_SERVICE_PERSIST_TIMEOUT,
	CLUSTERLB_A_SERVICE_PERSIST_MASK,
	CLUSTERLB_A_SERVICE_FLAGS,
	CLUSTERLB_A_SERVICE_STATS,
	CLUSTERLB_A_SERVICE_MEMBER_COUNT,

	__CLUSTERLB_A_SERVICE_MAX,
	CLUSTERLB_A_SERVICE_MAX = (__CLUSTERLB_A_SERVICE_MAX - 1)
};

enum {
	CLUSTERLB_A_MEMBER_SERVICE = 1,
	CLUSTERLB_A_MEMBER_ADDR4,
	CLUSTERLB_A_MEMBER_ADDR6,
	CLUSTERLB_A_MEMBER_PORT,
	CLUSTERLB_A_MEMBER_WEIGHT,
	CLUSTERLB_A_MEMBER_STATE,
	CLUSTERLB_A_MEMBER_IFNAME,
	CLUSTERLB_A_MEMBER_SLOT,
	CLUSTERLB_A_MEMBER_HEALTH,
	CLUSTERLB_A_MEMBER_HEALTH_RETRY_MS,
	CLUSTERLB_A_MEMBER_STATS,

	__CLUSTERLB_A_MEMBER_MAX,
	CLUSTERLB_A_MEMBER_MAX = (__CLUSTERLB_A_MEMBER_MAX - 1)
};

enum {
	CLUSTERLB_A_CONN_SERVICE = 1,
	CLUSTERLB_A_CONN_MEMBER,
	CLUSTERLB_A_CONN_CLIENT_ADDR4,
	CLUSTERLB_A_CONN_CLIENT_ADDR6,
	CLUSTERLB_A_CONN_CLIENT_PORT,
	CLUSTERLB_A_CONN_STATE,
	CLUSTERLB_A_CONN_AGE,

	__CLUSTERLB_A_CONN_MAX,
	CLUSTERLB_A_CONN_MAX = (__CLUSTERLB_A_CONN_MAX - 1)
};

enum {
	CLUSTERLB_CMD_SERVICE_GET = 1,
	CLUSTERLB_CMD_SERVICE_NEW,
	CLUSTERLB_CMD_SERVICE_SET,
	CLUSTERLB_CMD_SERVICE_DEL,
	CLUSTERLB_CMD_MEMBER_GET,
	CLUSTERLB_CMD_MEMBER_NEW,
	CLUSTERLB_CMD_MEMBER_SET,
	CLUSTERLB_CMD_MEMBER_DEL,
	CLUSTERLB_CMD_FLUSH,
	CLUSTERLB_CMD_CONN_GET,
	CLUSTERLB_CMD_SERVICE_NEW_NTF,
	CLUSTERLB_CMD_SERVICE_CHANGE_NTF,
	CLUSTERLB_CMD_SERVICE_DEL_NTF,
	CLUSTERLB_CMD_MEMBER_NEW_NTF,
	CLUSTERLB_CMD_MEMBER_CHANGE_NTF,
	CLUSTERLB_CMD_MEMBER_DEL_NTF,
	CLUSTERLB_CMD_MEMBER_HEALTH_NTF,
	CLUSTERLB_CMD_MEMBER_DRAINED_NTF,

	__CLUSTERLB_CMD_MAX,
	CLUSTERLB_CMD_MAX = (__CLUSTERLB_CMD_MAX - 1)
};

#define CLUSTERLB_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_CLUSTERLB_H */
