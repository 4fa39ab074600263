/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink layer of clusterlbctl, on libmnl: one generic netlink socket,
 * the clusterlb family resolved once, requests with extended ACKs, dumps,
 * multicast subscription. Nothing here knows the clusterlb attributes beyond
 * the names tables msg.c hands in for error messages.
 */
#ifndef CLUSTERLBCTL_NL_H
#define CLUSTERLBCTL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/*
 * Names of the attributes of one attribute set, to say which attribute the
 * kernel's extended ACK points at. nests[type], if set, describes a nested
 * attribute's own set.
 */
struct nl_attr_set {
	const char *name;
	unsigned int max;
	const char *const *names;		/* [max + 1] */
	const struct nl_attr_set *const *nests;	/* [max + 1] or NULL */
};

/*
 * Open the socket and resolve the family (once; later calls return 0).
 * On failure prints why (module not loaded, no permission, ...) and returns
 * EXIT_KERNEL.
 */
int nl_open(void);
void nl_close(void);

/* Start a request in the shared send buffer. */
struct nlmsghdr *nl_msg(uint8_t cmd, uint16_t flags);

/*
 * Requests check first that the module offers the command (do or dump),
 * from the ops CTRL_CMD_GETFAMILY listed.
 *
 * Send a request and wait for its ACK; replies go to cb (may be NULL).
 * set describes the request's attributes, for error messages.
 * Returns 0, or -errno after printing the kernel's message.
 */
int nl_do(struct nlmsghdr *nlh, const struct nl_attr_set *set,
	  mnl_cb_t cb, void *data);

/*
 * Dump: cb is called for each reply message. If the kernel marks the dump
 * inconsistent (NLM_F_DUMP_INTR: the configuration changed while it ran),
 * reset(data) is called and the dump restarts, up to NL_DUMP_RETRIES times;
 * after that the last, possibly inconsistent, result stands and a warning
 * is printed. Callers therefore collect results and print after the dump.
 */
#define NL_DUMP_RETRIES 5
int nl_dump(struct nlmsghdr *nlh, const struct nl_attr_set *set,
	    mnl_cb_t cb, void (*reset)(void *data), void *data);

/* Join a multicast group of the family by name. */
int nl_subscribe(const char *group);

/*
 * Receive notifications until cb returns MNL_CB_STOP/ERROR or *stop becomes
 * true (a signal handler sets it). Lost events (ENOBUFS) are reported to
 * lost(data) and reception goes on.
 */
int nl_listen(mnl_cb_t cb, void (*lost)(void *data), void *data,
	      volatile int *stop);

/*
 * Name the attribute at byte offset off of request req (as the kernel's
 * NLMSGERR_ATTR_OFFS counts), e.g. "service.port"; "at offset N" if none.
 */
void nl_attr_name_at(const struct nlmsghdr *req, uint32_t off,
		     const struct nl_attr_set *set, char *buf, size_t len);

/* Generic netlink command of a message received by a callback. */
uint8_t nl_cmd(const struct nlmsghdr *nlh);

/*
 * For callers that listen on a socket of their own (poweroff waits for
 * events while it sends requests on this one): the family id and the id of
 * a multicast group, after nl_open(). 0, or -1 if the group is unknown.
 */
uint16_t nl_family_id(void);
int nl_group_id(const char *group, uint32_t *id);

#endif
