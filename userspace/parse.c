// SPDX-License-Identifier: GPL-2.0
/*
 * Value parsers for clusterlbctl. See parse.h. Nothing here prints or
 * touches netlink; every failure leaves a message naming the bad token and
 * the accepted values in parse_error_msg().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

static char errbuf[512];

int parse_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

const char *parse_error_msg(void)
{
	return errbuf;
}

bool is_kw(const char *s, const char *kw)
{
	return s && strcmp(s, kw) == 0;
}

int parse_once(unsigned int *have, unsigned int bit, const char *kw)
{
	if (*have & bit)
		return parse_error("\"%s\" given twice", kw);
	*have |= bit;
	return 0;
}

const struct str_num lb_proto_names[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ NULL, 0 }
};

const struct str_num lb_state_names[] = {
	{ "active",	LB_STATE_ACTIVE },
	{ "drain",	LB_STATE_DRAIN },
	{ "disabled",	LB_STATE_DISABLED },
	{ "standby",	LB_STATE_STANDBY },
	{ NULL, 0 }
};

const struct str_num lb_svc_flag_names[] = {
	{ "fullnat",	LB_SVC_F_FULLNAT },
	{ "hash-port",	LB_SVC_F_HASH_PORT },
	{ NULL, 0 }
};

const struct str_num lb_health_names[] = {
	{ "link-down",	LB_HEALTH_LINK_DOWN },
	{ "slot-off",	LB_HEALTH_SLOT_OFF },
	{ "error",	LB_HEALTH_ERROR },
	{ NULL, 0 }
};

int str_to_num(const struct str_num *map, const char *s, int *num)
{
	for (; map->str; map++) {
		if (strcmp(map->str, s) == 0) {
			*num = map->num;
			return 0;
		}
	}
	return -1;
}

const char *num_to_str(const struct str_num *map, int num)
{
	for (; map->str; map++)
		if (map->num == num)
			return map->str;
	return NULL;
}

const char *str_num_list(const struct str_num *map, char *buf, size_t len)
{
	size_t n = 0, i, count = 0;

	while (map[count].str)
		count++;
	buf[0] = '\0';
	for (i = 0; i < count && n < len; i++) {
		const char *sep = i == 0 ? "" : (i + 1 == count ? " or " : ", ");

		n += snprintf(buf + n, len - n, "%s%s", sep, map[i].str);
	}
	return buf;
}

int parse_proto(const char *s, uint8_t *proto)
{
	char list[64];
	int v;

	if (!s)
		return parse_error("missing protocol (use %s)",
				   str_num_list(lb_proto_names, list, sizeof(list)));
	if (str_to_num(lb_proto_names, s, &v))
		return parse_error("invalid protocol \"%s\" (use %s)", s,
				   str_num_list(lb_proto_names, list, sizeof(list)));
	*proto = v;
	return 0;
}

const char *proto_name(uint8_t proto)
{
	const char *s = num_to_str(lb_proto_names, proto);

	return s ? s : "?";
}

/* Strict unsigned decimal: digits only, no sign, no spaces, no junk. */
static int strict_ulong(const char *s, unsigned long long max,
			unsigned long long *v)
{
	unsigned long long r = 0;
	const char *p;

	if (!s || !*s)
		return -1;
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		r = r * 10 + (unsigned long long)(*p - '0');
		if (r > max)
			return -2;
	}
	*v = r;
	return 0;
}

int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *v)
{
	unsigned long long r;
	int err;

	if (!s)
		return parse_error("missing %s (%u-%u)", what, min, max);
	err = strict_ulong(s, max, &r);
	if (err == -1)
		return parse_error("invalid %s \"%s\": not a number (%u-%u)",
				   what, s, min, max);
	if (err == -2 || r < min)
		return parse_error("invalid %s \"%s\": out of range (%u-%u)",
				   what, s, min, max);
	*v = (uint32_t)r;
	return 0;
}

int parse_addr_port(const char *s, struct lb_addr *a)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *end;
	uint32_t p;
	size_t hlen;

	if (!s || !*s)
		return parse_error("missing address:port");
	memset(a, 0, sizeof(*a));

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return parse_error("invalid address \"%s\": missing ']' (use [IPV6]:PORT)", s);
		hlen = (size_t)(end - s - 1);
		if (hlen == 0 || hlen >= sizeof(host))
			return parse_error("invalid address \"%s\": bad IPv6 address (use [IPV6]:PORT)", s);
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET6, host, &a->u.v6) != 1)
			return parse_error("invalid address \"%s\": \"%s\" is not an IPv6 address", s, host);
		a->family = AF_INET6;
		if (!end[1])
			return parse_error("invalid address \"%s\": missing port (use [IPV6]:PORT)", s);
		if (end[1] != ':')
			return parse_error("invalid address \"%s\": junk \"%s\" after ']' (use [IPV6]:PORT)",
					   s, end + 1);
		port = end + 2;
	} else {
		const char *colon = strchr(s, ':');

		if (!colon)
			return parse_error("invalid address \"%s\": missing port (use IPV4:PORT or [IPV6]:PORT)", s);
		if (strchr(colon + 1, ':'))
			return parse_error("invalid address \"%s\": IPv6 addresses need brackets (use [IPV6]:PORT)", s);
		hlen = (size_t)(colon - s);
		if (hlen == 0 || hlen >= sizeof(host))
			return parse_error("invalid address \"%s\": missing or bad IPv4 address (use IPV4:PORT)", s);
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET, host, &a->u.v4) != 1)
			return parse_error("invalid address \"%s\": \"%s\" is not an IPv4 address", s, host);
		a->family = AF_INET;
		port = colon + 1;
	}
	if (!*port)
		return parse_error("invalid address \"%s\": missing port after ':' (1-65535)", s);
	if (parse_u32(port, "port", 1, 65535, &p))
		return parse_error("invalid address \"%s\": bad port \"%s\" (1-65535)", s, port);
	a->port = (uint16_t)p;
	return 0;
}

const char *format_addr(const struct lb_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, &a->u, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *format_addr_port(const struct lb_addr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	format_addr(a, host, sizeof(host));
	if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, a->port);
	else
		snprintf(buf, len, "%s:%u", host, a->port);
	return buf;
}

int parse_weight(const char *s, uint32_t *w)
{
	return parse_u32(s, "weight", 0, LB_WEIGHT_MAX, w);
}

int parse_state(const char *s, enum lb_state *st)
{
	char list[80];
	int v;

	str_num_list(lb_state_names, list, sizeof(list));
	if (!s)
		return parse_error("missing state (use %s)", list);
	if (str_to_num(lb_state_names, s, &v))
		return parse_error("invalid state \"%s\" (use %s)", s, list);
	*st = (enum lb_state)v;
	return 0;
}

const char *state_name(enum lb_state st)
{
	const char *s = num_to_str(lb_state_names, st);

	return s ? s : "unknown";
}

int parse_duration(const char *s, const char *what, uint32_t max, uint32_t *secs)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (!s || !*s)
		return parse_error("missing %s (seconds, or with a unit: 30s, 5m, 2h, 1d)", what);
	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > max)
			goto range;
	}
	if (*p) {
		switch (*p) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		default: goto bad;
		}
		if (p[1])
			goto bad;
	}
	if (v * mult > max)
		goto range;
	*secs = (uint32_t)(v * mult);
	return 0;
bad:
	return parse_error("invalid %s \"%s\" (seconds, or with a unit: 30s, 5m, 2h, 1d)",
			   what, s);
range:
	return parse_error("invalid %s \"%s\": out of range (0-%u seconds)", what, s, max);
}

int parse_mask(const char *s, int family, uint8_t *prefix)
{
	unsigned int maxlen = family == AF_INET6 ? 128 : 32;
	struct in_addr m;
	uint32_t v;

	if (!s)
		return parse_error("missing mask (prefix length 0-%u)", maxlen);
	if (family == AF_INET && strchr(s, '.')) {
		uint32_t h;

		if (inet_pton(AF_INET, s, &m) != 1)
			return parse_error("invalid mask \"%s\" (prefix length 0-32 or netmask like 255.255.255.0)", s);
		h = ntohl(m.s_addr);
		/* Contiguous: ~h + 1 must be a power of two (or 0). */
		if ((~h + 1) & ~h)
			return parse_error("invalid mask \"%s\": not a contiguous netmask", s);
		*prefix = (uint8_t)__builtin_popcount(h);
		return 0;
	}
	if (parse_u32(s, "mask", 0, maxlen, &v))
		return parse_error("invalid mask \"%s\" (prefix length 0-%u%s)", s, maxlen,
				   family == AF_INET ? " or netmask like 255.255.255.0" : "");
	*prefix = (uint8_t)v;
	return 0;
}

/* Decimal without leading zeros, in [min, max]; advances *p. */
static int slot_number(const char **p, unsigned int min, unsigned int max,
		       unsigned int *out)
{
	const char *q = *p;
	unsigned int v = 0;

	if (!isdigit((unsigned char)*q) || (q[0] == '0' && isdigit((unsigned char)q[1])))
		return -1;
	for (; isdigit((unsigned char)*q); q++) {
		v = v * 10 + (unsigned int)(*q - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*p = q;
	*out = v;
	return 0;
}

int parse_slot_parts(const char *s, unsigned int *hat, unsigned int *slot)
{
	const char *p = s;

	if (!s || !*s)
		return parse_error("missing slot (use pN or hatN/pN, e.g. p2 or hat0/p2)");
	*hat = 0;
	if (strncmp(p, "hat", 3) == 0) {
		p += 3;
		if (slot_number(&p, 0, 255, hat) || *p != '/')
			goto bad;
		p++;
	}
	if (*p != 'p')
		goto bad;
	p++;
	if (slot_number(&p, 1, 255, slot) || *p)
		goto bad;
	return 0;
bad:
	return parse_error("invalid slot \"%s\" (use pN or hatN/pN, e.g. p2 or hat0/p2; N from 1)", s);
}

int parse_slot(const char *s, char *out, size_t len)
{
	unsigned int hat, slot;

	if (parse_slot_parts(s, &hat, &slot))
		return -1;
	snprintf(out, len, "hat%u/p%u", hat, slot);
	return 0;
}

int parse_ifname(const char *s, char *out, size_t len)
{
	size_t n;

	if (!s || !*s)
		return parse_error("missing interface name");
	n = strlen(s);
	if (n >= LB_IFNAME_MAX || n >= len)
		return parse_error("invalid interface name \"%s\": longer than %d characters",
				   s, LB_IFNAME_MAX - 1);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		goto bad;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			goto bad;
	memcpy(out, s, n + 1);
	return 0;
bad:
	return parse_error("invalid interface name \"%s\"", s);
}

int parse_sched(const char *s, char *out, size_t len)
{
	size_t n;

	if (!s || !*s)
		return parse_error("missing scheduler (e.g. rr, wrr, lc, wlc, sh, mh)");
	n = strlen(s);
	if (n >= LB_SCHED_MAX || n >= len)
		goto bad;
	for (const char *p = s; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_' && *p != '-')
			goto bad;
	memcpy(out, s, n + 1);
	return 0;
bad:
	return parse_error("invalid scheduler \"%s\" (e.g. rr, wrr, lc, wlc, sh, mh)", s);
}

bool lb_addr_equal(const struct lb_addr *a, const struct lb_addr *b)
{
	if (a->family != b->family || a->port != b->port)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
}

bool lb_svc_key_equal(const struct lb_svc_key *a, const struct lb_svc_key *b)
{
	return a->proto == b->proto && lb_addr_equal(&a->vip, &b->vip);
}

int parse_svc_flags(const char *s, uint32_t *flags)
{
	char list[64], word[32];
	const char *p = s, *comma;
	uint32_t r = 0;
	int v;

	str_num_list(lb_svc_flag_names, list, sizeof(list));
	if (!s || !*s)
		return parse_error("missing flags (use %s, comma-separated, or none)", list);
	if (!strcmp(s, "none")) {
		*flags = 0;
		return 0;
	}
	for (;;) {
		size_t n;

		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof(word))
			goto bad;
		memcpy(word, p, n);
		word[n] = '\0';
		if (str_to_num(lb_svc_flag_names, word, &v))
			return parse_error("invalid flag \"%s\" in \"%s\" (use %s, comma-separated, or none)",
					   word, s, list);
		r |= (uint32_t)v;
		if (!comma)
			break;
		p = comma + 1;
	}
	*flags = r;
	return 0;
bad:
	return parse_error("invalid flags \"%s\" (use %s, comma-separated, or none)", s, list);
}

const char *format_flags(const struct str_num *map, uint32_t flags,
			 char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; map->str; map++)
		if (flags & (uint32_t)map->num && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "", map->str);
	if (!n)
		snprintf(buf, len, "none");
	return buf;
}

int split_words(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		char quote = 0;

		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == max)
			return parse_error("too many words (at most %d)", max);
		argv[argc++] = w;
		while (*r) {
			if (quote) {
				if (*r == quote) {
					quote = 0;
					r++;
				} else if (quote == '"' && *r == '\\' && r[1]) {
					r++;
					*w++ = *r++;
				} else {
					*w++ = *r++;
				}
			} else if (*r == '"' || *r == '\'') {
				quote = *r++;
			} else if (*r == '\\' && r[1]) {
				r++;
				*w++ = *r++;
			} else if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
				break;
			} else {
				*w++ = *r++;
			}
		}
		if (quote)
			return parse_error("unterminated %c quote", quote);
		/* r is at a blank or the end; the write cursor never passes it. */
		if (*r)
			r++;
		*w++ = '\0';
	}
	return argc;
}
