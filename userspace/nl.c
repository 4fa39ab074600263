// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink for clusterlbctl, on libmnl (see nl.h).
 *
 * - The family is resolved once with CTRL_CMD_GETFAMILY; its ops and
 *   multicast groups are remembered. ENOENT there means the module is not
 *   loaded, and the user is told how to load it.
 * - NETLINK_EXT_ACK is on, so rejections carry the kernel's message and the
 *   offset of the offending attribute, which is mapped back to an attribute
 *   name with the nl_attr_set tables. NETLINK_CAP_ACK keeps errors short
 *   (the kernel does not echo our request; we still have it).
 * - Every request is one object, far below the send buffer, so requests
 *   are never split; -batch and restore send one message per line.
 * - recvfrom() is restarted after EINTR except in nl_listen(), where a
 *   signal is how the user ends `monitor`.
 * - --debug prints every message sent and received to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/clusterlb.h>

#include "clusterlbctl.h"
#include "nl.h"

#define NL_SEND_SIZE	8192
#define NL_RECV_SIZE	32768	/* lets the kernel fill large dump skbs */
#define NL_MAX_GROUPS	8

static struct {
	struct mnl_socket *sk;
	uint16_t family;
	uint32_t version;
	uint32_t portid;
	uint32_t seq;
	bool ops_known;
	uint32_t op_flags[256];
	bool op_present[256];
	unsigned int ngroups;
	struct {
		char name[GENL_NAMSIZ];
		uint32_t id;
	} groups[NL_MAX_GROUPS];
	char sbuf[NL_SEND_SIZE] __attribute__((aligned(8)));
	char rbuf[NL_RECV_SIZE] __attribute__((aligned(8)));
} nl;

/* What one request is waiting for, and what came back. */
struct req {
	const struct nlmsghdr *sent;
	const struct nl_attr_set *set;
	mnl_cb_t cb;
	void *data;
	bool intr;		/* a reply had NLM_F_DUMP_INTR */
	int error;		/* -errno from NLMSG_ERROR / NLMSG_DONE */
	char msg[256];		/* extack message */
	char attr[128];		/* offending or missing attribute, by name */
	bool missing;		/* attr names a missing attribute */
	bool warned;
};

static void debug_msg(const char *dir, const void *buf, size_t len)
{
	if (!cli.debug)
		return;
	fprintf(stderr, "---- %s %zu bytes\n", dir, len);
	mnl_nlmsg_fprintf(stderr, buf, len, sizeof(struct genlmsghdr));
}

uint8_t nl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return g->cmd;
}

static const char *attr_name(const struct nl_attr_set *set, unsigned int type,
			     char *buf, size_t len)
{
	if (set && type <= set->max && set->names[type])
		return set->names[type];
	snprintf(buf, len, "%u", type);
	return buf;
}

/*
 * Find the attribute starting at byte offset target of msg (offsets count
 * from the nlmsghdr, as NLMSGERR_ATTR_OFFS does) and write its dotted name,
 * e.g. "member.service.port". inside: also accept an offset pointing into
 * the payload of a nest (NLMSGERR_ATTR_MISS_NEST points at the nest).
 */
static bool attr_path(const struct nlmsghdr *msg, const void *start, size_t len,
		      uint32_t target, const struct nl_attr_set *set,
		      char *path, size_t plen, const struct nl_attr_set **found)
{
	const struct nlattr *a = start;
	char num[16];
	int rem = (int)len;

	while (mnl_attr_ok(a, rem)) {
		uint32_t off = (uint32_t)((const char *)a - (const char *)msg);
		unsigned int type = mnl_attr_get_type(a);
		const char *name = attr_name(set, type, num, sizeof(num));
		size_t used = strlen(path);

		if (off == target) {
			snprintf(path + used, plen - used, "%s%s", used ? "." : "", name);
			if (found)
				*found = set && set->nests && type <= set->max ?
					 set->nests[type] : NULL;
			return true;
		}
		if (target > off && target < off + a->nla_len && set && set->nests &&
		    type <= set->max && set->nests[type]) {
			snprintf(path + used, plen - used, "%s%s", used ? "." : "", name);
			return attr_path(msg, mnl_attr_get_payload(a),
					 mnl_attr_get_payload_len(a), target,
					 set->nests[type], path, plen, found);
		}
		rem -= MNL_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
	}
	return false;
}

static void attr_path_of(struct req *rq, uint32_t off, char *path, size_t plen,
			 const struct nl_attr_set **found)
{
	const struct nlmsghdr *m = rq->sent;

	path[0] = '\0';
	if (found)
		*found = NULL;
	if (!m || off >= m->nlmsg_len ||
	    !attr_path(m, mnl_nlmsg_get_payload_offset(m, sizeof(struct genlmsghdr)),
		       mnl_nlmsg_get_payload_len(m) - sizeof(struct genlmsghdr),
		       off, rq->set, path, plen, found))
		snprintf(path, plen, "at offset %u", off);
}

void nl_attr_name_at(const struct nlmsghdr *req, uint32_t off,
		     const struct nl_attr_set *set, char *buf, size_t len)
{
	struct req rq = { .sent = req, .set = set };

	attr_path_of(&rq, off, buf, len, NULL);
}

/* Read the extended ACK TLVs following a struct nlmsgerr (or DONE's int). */
static void parse_extack(const struct nlmsghdr *nlh, size_t hlen, struct req *rq)
{
	const struct nlattr *a;
	uint32_t miss_type = 0, miss_nest = 0, offs = 0;
	bool have_offs = false, have_miss = false, have_nest = false;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(a, nlh, hlen) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(rq->msg, sizeof(rq->msg), "%s", mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				offs = mnl_attr_get_u32(a);
				have_offs = true;
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				miss_type = mnl_attr_get_u32(a);
				have_miss = true;
			}
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				miss_nest = mnl_attr_get_u32(a);
				have_nest = true;
			}
			break;
		}
	}
	if (have_offs) {
		attr_path_of(rq, offs, rq->attr, sizeof(rq->attr), NULL);
	} else if (have_miss) {
		char path[96] = "", num[16];
		const struct nl_attr_set *set = rq->set;

		/* Name the nest, then the missing attribute in the nest's set. */
		if (have_nest) {
			attr_path_of(rq, miss_nest, path, sizeof(path), &set);
			snprintf(rq->attr, sizeof(rq->attr), "%s.%s", path,
				 attr_name(set, miss_type, num, sizeof(num)));
		} else {
			snprintf(rq->attr, sizeof(rq->attr), "%s",
				 attr_name(set, miss_type, num, sizeof(num)));
		}
		rq->missing = true;
	}
}

static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct req *rq = data;
	size_t hlen = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		rq->error = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hlen += mnl_nlmsg_get_payload_len(&err->msg);
	parse_extack(nlh, hlen, rq);
	if (err->error == 0) {
		/* An ACK; a message on success is a warning. */
		if (rq->msg[0] && !rq->warned) {
			fprintf(stderr, "Warning: %s\n", rq->msg);
			rq->warned = true;
		}
		return MNL_CB_STOP;
	}
	rq->error = err->error;
	return MNL_CB_ERROR;
}

static int cb_done(const struct nlmsghdr *nlh, void *data)
{
	struct req *rq = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rq->intr = true;
	/* A failed dump ends with DONE carrying -errno (and maybe extack). */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err = *(const int *)mnl_nlmsg_get_payload(nlh);

		if (err < 0) {
			parse_extack(nlh, sizeof(int), rq);
			rq->error = err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int cb_noop(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct req *rq = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rq->intr = true;
	if (nlh->nlmsg_type != nl.family && nl.family != 0 && nlh->nlmsg_type != GENL_ID_CTRL)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return MNL_CB_OK;
	return rq->cb ? rq->cb(nlh, rq->data) : MNL_CB_OK;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP]	= cb_noop,
	[NLMSG_ERROR]	= cb_error,
	[NLMSG_DONE]	= cb_done,
	[NLMSG_OVERRUN]	= cb_noop,
};

/* Send rq->sent and run callbacks until the ACK/DONE; -errno or 0. */
static int transact(struct req *rq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)rq->sent;
	ssize_t n;
	int ret;

	nlh->nlmsg_seq = ++nl.seq;
	debug_msg("send", nlh, nlh->nlmsg_len);
	if (mnl_socket_sendto(nl.sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl.sk, nl.rbuf, sizeof(nl.rbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		debug_msg("recv", nl.rbuf, (size_t)n);
		ret = mnl_cb_run2(nl.rbuf, (size_t)n, nlh->nlmsg_seq, nl.portid,
				  cb_data, rq, ctl_cbs, MNL_ARRAY_SIZE(ctl_cbs));
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret == MNL_CB_ERROR)
			return rq->error ? rq->error : (errno ? -errno : -EIO);
	}
}

static void print_req_error(const struct req *rq, int err)
{
	if (cli.batch_line)
		fprintf(stderr, "line %d: ", cli.batch_line);
	fprintf(stderr, "Error: %s", rq->msg[0] ? rq->msg : strerror(-err));
	if (rq->attr[0])
		fprintf(stderr, " (%s attribute %s)", rq->missing ? "missing" : "offending",
			rq->attr);
	if (!rq->msg[0] && err == -EPERM)
		fputs(" (needs CAP_NET_ADMIN, e.g. run as root)", stderr);
	fputc('\n', stderr);
}

struct nlmsghdr *nl_msg(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl.sbuf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl.family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = CLUSTERLB_FAMILY_VERSION;
	return nlh;
}

/*
 * The family lists its ops with their capabilities: a module older than
 * this tool may lack one. Say so rather than send and get EOPNOTSUPP.
 */
static int check_op(const struct nlmsghdr *nlh, uint32_t cap)
{
	uint8_t cmd = nl_cmd(nlh);

	if (!nl.ops_known || (nl.op_present[cmd] &&
			      (!nl.op_flags[cmd] || (nl.op_flags[cmd] & cap))))
		return 0;
	cli_error("the loaded clusterlb module does not support this request "
		  "(command %u%s); is it older than clusterlbctl?", cmd,
		  cap == GENL_CMD_CAP_DUMP ? ", dump" : "");
	return -EOPNOTSUPP;
}

int nl_do(struct nlmsghdr *nlh, const struct nl_attr_set *set,
	  mnl_cb_t cb, void *data)
{
	struct req rq = { .sent = nlh, .set = set, .cb = cb, .data = data };
	int err;

	err = check_op(nlh, GENL_CMD_CAP_DO);
	if (err)
		return err;
	nlh->nlmsg_flags |= NLM_F_ACK;
	err = transact(&rq);
	if (err)
		print_req_error(&rq, err);
	return err;
}

int nl_dump(struct nlmsghdr *nlh, const struct nl_attr_set *set,
	    mnl_cb_t cb, void (*reset)(void *data), void *data)
{
	int attempt, err;

	err = check_op(nlh, GENL_CMD_CAP_DUMP);
	if (err)
		return err;
	nlh->nlmsg_flags |= NLM_F_DUMP;
	for (attempt = 0; attempt <= NL_DUMP_RETRIES; attempt++) {
		struct req rq = { .sent = nlh, .set = set, .cb = cb, .data = data };

		err = transact(&rq);
		if (err) {
			print_req_error(&rq, err);
			return err;
		}
		if (!rq.intr)
			return 0;
		/*
		 * The configuration changed while the kernel walked it: what we
		 * got may miss or repeat objects. Start again from scratch; a
		 * configuration that keeps changing still gets a result, with a
		 * warning, rather than a tool that never returns.
		 */
		if (attempt < NL_DUMP_RETRIES && reset)
			reset(data);
		else
			break;
	}
	fprintf(stderr, "Warning: the configuration kept changing during the listing; "
		"it may be inconsistent\n");
	return 0;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cli_error("cannot open network namespace \"%s\": %s", name, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(fd);
		return cli_error("cannot enter network namespace \"%s\": %s", name, strerror(e));
	}
	close(fd);
	return 0;
}

static void parse_ops(const struct nlattr *nest)
{
	const struct nlattr *op, *a;

	nl.ops_known = true;
	mnl_attr_for_each_nested(op, nest) {
		uint32_t id = 0, flags = 0;
		bool have_id = false;

		mnl_attr_for_each_nested(a, op) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_OP_ID &&
			    mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				id = mnl_attr_get_u32(a);
				have_id = true;
			} else if (mnl_attr_get_type(a) == CTRL_ATTR_OP_FLAGS &&
				   mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
				flags = mnl_attr_get_u32(a);
			}
		}
		if (have_id && id < 256) {
			nl.op_present[id] = true;
			nl.op_flags[id] = flags;
		}
	}
}

static void parse_groups(const struct nlattr *nest)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				id = mnl_attr_get_u32(a);
		}
		if (name && id && nl.ngroups < NL_MAX_GROUPS) {
			snprintf(nl.groups[nl.ngroups].name, GENL_NAMSIZ, "%s", name);
			nl.groups[nl.ngroups++].id = id;
		}
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				nl.family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_VERSION:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				nl.version = mnl_attr_get_u32(a);
			break;
		case CTRL_ATTR_OPS:
			parse_ops(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			parse_groups(a);
			break;
		}
	}
	return MNL_CB_OK;
}

static int resolve_family(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl.sbuf);
	struct genlmsghdr *g;
	struct req rq = { .sent = nlh, .cb = family_cb };
	int err;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CLUSTERLB_FAMILY_NAME);

	err = transact(&rq);
	if (err == -ENOENT)
		return cli_error("clusterlb module not loaded: modprobe clusterlb or insmod clusterlb.ko");
	if (err) {
		print_req_error(&rq, err);
		return EXIT_KERNEL;
	}
	if (!nl.family)
		return cli_error("the kernel did not report the clusterlb family id");
	return 0;
}

int nl_open(void)
{
	int one = 1;

	if (nl.sk)
		return 0;
	if (cli.netns && enter_netns(cli.netns))
		return EXIT_KERNEL;
	nl.sk = mnl_socket_open(NETLINK_GENERIC);
	if (!nl.sk)
		return cli_error("cannot open a generic netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl.sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		nl_close();
		return cli_error("cannot bind the netlink socket: %s", strerror(e));
	}
	/* Both exist since Linux 4.12 / 4.3; older kernels just give less detail. */
	mnl_socket_setsockopt(nl.sk, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl.sk, NETLINK_CAP_ACK, &one, sizeof(one));
	nl.portid = mnl_socket_get_portid(nl.sk);
	nl.seq = (uint32_t)time(NULL);
	if (resolve_family()) {
		nl_close();
		return EXIT_KERNEL;
	}
	return 0;
}

void nl_close(void)
{
	if (nl.sk)
		mnl_socket_close(nl.sk);
	nl.sk = NULL;
}

uint16_t nl_family_id(void)
{
	return nl.family;
}

int nl_group_id(const char *group, uint32_t *id)
{
	for (unsigned int i = 0; i < nl.ngroups; i++) {
		if (strcmp(nl.groups[i].name, group) == 0) {
			*id = nl.groups[i].id;
			return 0;
		}
	}
	return -1;
}

int nl_subscribe(const char *group)
{
	unsigned int i;

	for (i = 0; i < nl.ngroups; i++) {
		if (strcmp(nl.groups[i].name, group) == 0) {
			int id = (int)nl.groups[i].id;

			if (mnl_socket_setsockopt(nl.sk, NETLINK_ADD_MEMBERSHIP,
						  &id, sizeof(id)) < 0)
				return cli_error("cannot join multicast group \"%s\": %s",
						 group, strerror(errno));
			return 0;
		}
	}
	return cli_error("the loaded clusterlb module has no multicast group \"%s\"", group);
}

int nl_listen(mnl_cb_t cb, void (*lost)(void *data), void *data,
	      volatile int *stop)
{
	struct req rq = { .cb = cb, .data = data };
	ssize_t n;
	int ret;

	while (!*stop) {
		n = mnl_socket_recvfrom(nl.sk, nl.rbuf, sizeof(nl.rbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;	/* *stop says whether to end */
			if (errno == ENOBUFS) {
				/* The socket overflowed: events were lost. */
				if (lost)
					lost(data);
				continue;
			}
			return cli_error("receiving events: %s", strerror(errno));
		}
		debug_msg("event", nl.rbuf, (size_t)n);
		ret = mnl_cb_run2(nl.rbuf, (size_t)n, 0, 0, cb_data, &rq,
				  ctl_cbs, MNL_ARRAY_SIZE(ctl_cbs));
		if (ret == MNL_CB_STOP)
			break;
		if (ret == MNL_CB_ERROR)
			return EXIT_KERNEL;
	}
	return 0;
}
