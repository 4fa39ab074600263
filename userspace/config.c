// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the whole configuration from the kernel into a struct lb_config
 * (see config.h), and the small set operations restore's checks need.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/clusterlb.h>

#include "clusterlbctl.h"
#include "config.h"
#include "msg.h"
#include "nl.h"

int lb_addr_cmp(const struct lb_addr *a, const struct lb_addr *b)
{
	int r;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	r = memcmp(&a->u, &b->u, a->family == AF_INET6 ? 16 : 4);
	if (r)
		return r;
	return (int)a->port - (int)b->port;
}

int lb_svc_key_cmp(const struct lb_svc_key *a, const struct lb_svc_key *b)
{
	if (a->proto != b->proto)
		return (int)a->proto - (int)b->proto;
	return lb_addr_cmp(&a->vip, &b->vip);
}

static int svc_cmp(const void *x, const void *y)
{
	const struct lb_service *a = x, *b = y;

	return lb_svc_key_cmp(&a->key, &b->key);
}

static int mem_cmp(const void *x, const void *y)
{
	const struct lb_member *a = x, *b = y;
	int r = lb_svc_key_cmp(&a->svc, &b->svc);

	return r ? r : lb_addr_cmp(&a->addr, &b->addr);
}

void config_sort(struct lb_config *c)
{
	if (c->nsvcs)
		qsort(c->svcs, c->nsvcs, sizeof(*c->svcs), svc_cmp);
	if (c->nmems)
		qsort(c->mems, c->nmems, sizeof(*c->mems), mem_cmp);
}

int config_add_service(struct lb_config *c, const struct lb_service *s)
{
	struct lb_service *n = realloc(c->svcs, (c->nsvcs + 1) * sizeof(*n));

	if (!n)
		return -1;
	c->svcs = n;
	c->svcs[c->nsvcs++] = *s;
	return 0;
}

int config_add_member(struct lb_config *c, const struct lb_member *m)
{
	struct lb_member *n = realloc(c->mems, (c->nmems + 1) * sizeof(*n));

	if (!n)
		return -1;
	c->mems = n;
	c->mems[c->nmems++] = *m;
	return 0;
}

struct lb_service *config_find_service(struct lb_config *c, const struct lb_svc_key *k)
{
	for (size_t i = 0; i < c->nsvcs; i++)
		if (lb_svc_key_equal(&c->svcs[i].key, k))
			return &c->svcs[i];
	return NULL;
}

struct lb_member *config_find_member(struct lb_config *c, const struct lb_svc_key *k,
				     const struct lb_addr *a)
{
	for (size_t i = 0; i < c->nmems; i++)
		if (lb_svc_key_equal(&c->mems[i].svc, k) && lb_addr_equal(&c->mems[i].addr, a))
			return &c->mems[i];
	return NULL;
}

void config_del_member(struct lb_config *c, const struct lb_svc_key *k,
		       const struct lb_addr *a)
{
	size_t i, j = 0;

	for (i = 0; i < c->nmems; i++)
		if (!(lb_svc_key_equal(&c->mems[i].svc, k) &&
		      (!a || lb_addr_equal(&c->mems[i].addr, a))))
			c->mems[j++] = c->mems[i];
	c->nmems = j;
}

void config_del_service(struct lb_config *c, const struct lb_svc_key *k)
{
	size_t i, j = 0;

	config_del_member(c, k, NULL);
	for (i = 0; i < c->nsvcs; i++)
		if (!lb_svc_key_equal(&c->svcs[i].key, k))
			c->svcs[j++] = c->svcs[i];
	c->nsvcs = j;
}

void config_free(struct lb_config *c)
{
	free(c->svcs);
	free(c->mems);
	memset(c, 0, sizeof(*c));
}

static int service_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lb_service s;

	if (msg_parse_service(nlh, &s)) {
		fprintf(stderr, "Warning: skipping a malformed service message\n");
		return MNL_CB_OK;
	}
	return config_add_service(data, &s) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int member_cb(const struct nlmsghdr *nlh, void *data)
{
	struct lb_member m;

	if (msg_parse_member(nlh, &m)) {
		fprintf(stderr, "Warning: skipping a malformed member message\n");
		return MNL_CB_OK;
	}
	return config_add_member(data, &m) ? MNL_CB_ERROR : MNL_CB_OK;
}

static void reset_services(void *data)
{
	((struct lb_config *)data)->nsvcs = 0;
}

static void reset_members(void *data)
{
	((struct lb_config *)data)->nmems = 0;
}

int config_read(struct lb_config *c, const struct lb_svc_key *filter)
{
	struct nlmsghdr *nlh;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = nl_open();
	if (ret)
		return ret;

	if (filter) {
		struct lb_service key = { .key = *filter };

		nlh = nl_msg(CLUSTERLB_CMD_SERVICE_GET, 0);
		msg_put_service(nlh, &key, false);
		if (nl_do(nlh, &msg_service_set, service_cb, c))
			return EXIT_KERNEL;
		nlh = nl_msg(CLUSTERLB_CMD_MEMBER_GET, 0);
		msg_put_svc_key_nest(nlh, CLUSTERLB_A_MEMBER_SERVICE, filter);
	} else {
		nlh = nl_msg(CLUSTERLB_CMD_SERVICE_GET, 0);
		if (nl_dump(nlh, &msg_service_set, service_cb, reset_services, c))
			return EXIT_KERNEL;
		nlh = nl_msg(CLUSTERLB_CMD_MEMBER_GET, 0);
	}
	if (nl_dump(nlh, &msg_member_set, member_cb, reset_members, c))
		return EXIT_KERNEL;
	/*
	 * Services and members come from two dumps (each retried if it was
	 * interrupted). A member whose service is not in the first dump (the
	 * service came or went in between) is dropped here, so every listed
	 * member has its service; a member added between the dumps may show,
	 * one deleted may not.
	 */
	for (size_t i = 0; i < c->nmems;) {
		if (!config_find_service(c, &c->mems[i].svc))
			c->mems[i] = c->mems[--c->nmems];
		else
			i++;
	}
	config_sort(c);
	return EXIT_OK;
}
