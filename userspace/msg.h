/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlb messages <-> lb.h values: the only file that knows the UAPI
 * attributes (linux/clusterlb.h, generated from the YNL spec).
 */
#ifndef CLUSTERLBCTL_MSG_H
#define CLUSTERLBCTL_MSG_H

#include "lb.h"
#include "nl.h"

extern const struct nl_attr_set msg_service_set;
extern const struct nl_attr_set msg_member_set;
extern const struct nl_attr_set msg_conn_set;

/* Service key, and with cfg the fields marked in s->have. */
void msg_put_service(struct nlmsghdr *nlh, const struct lb_service *s, bool cfg);
/* Member key (with its service key nest), and with cfg the fields in m->have. */
void msg_put_member(struct nlmsghdr *nlh, const struct lb_member *m, bool cfg);
/* Service key nest (type) for member dumps and conn filters. */
void msg_put_svc_key_nest(struct nlmsghdr *nlh, uint16_t type,
			  const struct lb_svc_key *key);
/* Member key nest for conn filters. */
void msg_put_member_key_nest(struct nlmsghdr *nlh, uint16_t type,
			     const struct lb_addr *addr);

/* Decode replies and notifications; 0, or -1 if malformed. */
int msg_parse_service(const struct nlmsghdr *nlh, struct lb_service *s);
int msg_parse_member(const struct nlmsghdr *nlh, struct lb_member *m);
int msg_parse_conn(const struct nlmsghdr *nlh, struct lb_conn *c);

#endif
