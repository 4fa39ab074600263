/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The balancer configuration as read from the kernel (service and member
 * dumps), sorted so listings and `save` are stable and diffable. Used by
 * show, save and restore (which checks its file against it).
 */
#ifndef CLUSTERLBCTL_CONFIG_H
#define CLUSTERLBCTL_CONFIG_H

#include <stddef.h>

#include "lb.h"

struct lb_config {
	struct lb_service *svcs;
	size_t nsvcs;
	struct lb_member *mems;	/* sorted by service, then address */
	size_t nmems;
};

/*
 * Read services and members, all or only those of *filter. Opens netlink.
 * EXIT_OK or EXIT_KERNEL (message printed).
 */
int config_read(struct lb_config *c, const struct lb_svc_key *filter);
void config_free(struct lb_config *c);

/* Append copies (used by the dump callbacks and by restore's simulation). */
int config_add_service(struct lb_config *c, const struct lb_service *s);
int config_add_member(struct lb_config *c, const struct lb_member *m);
void config_sort(struct lb_config *c);

/* Lookups; NULL if absent. */
struct lb_service *config_find_service(struct lb_config *c, const struct lb_svc_key *k);
struct lb_member *config_find_member(struct lb_config *c, const struct lb_svc_key *k,
				     const struct lb_addr *a);
/* Remove a service with its members / one member. */
void config_del_service(struct lb_config *c, const struct lb_svc_key *k);
void config_del_member(struct lb_config *c, const struct lb_svc_key *k,
		       const struct lb_addr *a);

/* Print c as `show` does, into the open output document (show.c). */
void show_config(const struct lb_config *c);

/* Print connections as `conn show` does (sorts v), into the open document. */
void conn_print(struct lb_conn *v, size_t n);

/* Total order on keys: proto, family, address, port. */
int lb_addr_cmp(const struct lb_addr *a, const struct lb_addr *b);
int lb_svc_key_cmp(const struct lb_svc_key *a, const struct lb_svc_key *b);

#endif
