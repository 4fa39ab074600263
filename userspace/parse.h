/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value parsers and formatters for clusterlbctl: protocols, addresses with
 * ports, weights, states, slot names, durations, netmasks, names. Pure
 * functions, no netlink, no output: the host unit tests in tests/ drive them.
 *
 * Every parser returns 0 on success or -1 after recording a message that
 * names the bad token and what is accepted; parse_error_msg() returns it.
 */
#ifndef CLUSTERLBCTL_PARSE_H
#define CLUSTERLBCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lb.h"

/* Enum <-> string tables, terminated by { NULL, 0 }. */
struct str_num {
	const char *str;
	int num;
};

extern const struct str_num lb_proto_names[];
extern const struct str_num lb_state_names[];
extern const struct str_num lb_svc_flag_names[];
extern const struct str_num lb_health_names[];

int str_to_num(const struct str_num *map, const char *s, int *num);
const char *num_to_str(const struct str_num *map, int num);
/* "a, b or c" into buf. */
const char *str_num_list(const struct str_num *map, char *buf, size_t len);

/* Message of the last failed parse. */
const char *parse_error_msg(void);
int parse_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int parse_proto(const char *s, uint8_t *proto);
const char *proto_name(uint8_t proto);		/* "tcp" */

/*
 * "192.0.2.1:80" or "[2001:db8::1]:80". The port is required (1-65535).
 * An IPv6 address without brackets is refused with a hint.
 */
int parse_addr_port(const char *s, struct lb_addr *a);
/* Format as parse_addr_port reads it; buf of LB_ADDRSTRLEN. */
#define LB_ADDRSTRLEN	(46 + 2 + 6 + 1)
const char *format_addr_port(const struct lb_addr *a, char *buf, size_t len);
/* Address only, no port, no brackets. */
const char *format_addr(const struct lb_addr *a, char *buf, size_t len);

/* Unsigned decimal in [min, max]; what names the value in messages. */
int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *v);

#define LB_WEIGHT_MAX	65535
int parse_weight(const char *s, uint32_t *w);
int parse_state(const char *s, enum lb_state *st);
const char *state_name(enum lb_state st);

/*
 * Durations: "300", "300s", "5m", "2h", "1d"; result in seconds, at most
 * max. 0 is allowed (it means "off" where persistence is concerned).
 */
int parse_duration(const char *s, const char *what, uint32_t max, uint32_t *secs);

/*
 * Persistence mask for a family: a prefix length (0-32 / 0-128), or for
 * IPv4 also a contiguous dotted netmask "255.255.255.0".
 */
int parse_mask(const char *s, int family, uint8_t *prefix);

/*
 * Slot names: "p2" (meaning hat0/p2) or "hat0/p2"; canonical form written
 * to out is always "hatN/pM". N is 0-255, M is 1-255, no leading zeros.
 */
int parse_slot(const char *s, char *out, size_t len);
/* The same, split: hat index and slot number. */
int parse_slot_parts(const char *s, unsigned int *hat, unsigned int *slot);

/* Network interface name as the kernel accepts it (dev_valid_name). */
int parse_ifname(const char *s, char *out, size_t len);
/* Scheduler name: 1-15 characters of [a-z0-9_-]. */
int parse_sched(const char *s, char *out, size_t len);

/* Service flags: "fullnat", "hash-port", comma-separated, or "none". */
int parse_svc_flags(const char *s, uint32_t *flags);
/* "fullnat,hash-port", or "none" for 0. */
const char *format_flags(const struct str_num *map, uint32_t flags,
			 char *buf, size_t len);

/*
 * Split a line of a -batch or restore file into words, in place: words
 * are separated by blanks; "..." and '...' quote (backslash escapes inside
 * "..." and outside quotes); # starts a comment where a word could start.
 * Returns the word count, or -1 (parse_error_msg() says why).
 */
int split_words(char *line, char **argv, int max);

/* Record keyword kw (bit in *have); a second occurrence is an error. */
int parse_once(unsigned int *have, unsigned int bit, const char *kw);

/* Does s match keyword kw exactly (NULL-safe)? */
bool is_kw(const char *s, const char *kw);

#endif
