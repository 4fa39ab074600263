// SPDX-License-Identifier: GPL-2.0
/*
 * Sending parsed operations (struct lb_op) to the kernel, and `flush`.
 * The one place that maps an lb_op kind to a clusterlb command.
 */
#include <linux/clusterlb.h>

#include "clusterlbctl.h"
#include "msg.h"
#include "nl.h"
#include "parse.h"

/*
 * New and changed objects have commands of their own: generic netlink
 * families refuse NLM_F_CREATE/NLM_F_EXCL ("ambiguous or reserved bits"),
 * so requests carry no flags beyond NLM_F_REQUEST and NLM_F_ACK.
 */
int op_apply(const struct lb_op *op)
{
	const struct nl_attr_set *set = &msg_service_set;
	struct nlmsghdr *nlh;
	int ret = nl_open();

	if (ret)
		return ret;
	switch (op->kind) {
	case LB_OP_SERVICE_ADD:
		nlh = nl_msg(CLUSTERLB_CMD_SERVICE_NEW, 0);
		msg_put_service(nlh, &op->svc, true);
		break;
	case LB_OP_SERVICE_SET:
		nlh = nl_msg(CLUSTERLB_CMD_SERVICE_SET, 0);
		msg_put_service(nlh, &op->svc, true);
		break;
	case LB_OP_SERVICE_DEL:
		nlh = nl_msg(CLUSTERLB_CMD_SERVICE_DEL, 0);
		msg_put_service(nlh, &op->svc, false);
		break;
	case LB_OP_MEMBER_ADD:
		nlh = nl_msg(CLUSTERLB_CMD_MEMBER_NEW, 0);
		msg_put_member(nlh, &op->mem, true);
		set = &msg_member_set;
		break;
	case LB_OP_MEMBER_SET:
		nlh = nl_msg(CLUSTERLB_CMD_MEMBER_SET, 0);
		msg_put_member(nlh, &op->mem, true);
		set = &msg_member_set;
		break;
	case LB_OP_MEMBER_DEL:
		nlh = nl_msg(CLUSTERLB_CMD_MEMBER_DEL, 0);
		msg_put_member(nlh, &op->mem, false);
		set = &msg_member_set;
		break;
	case LB_OP_FLUSH:
		nlh = nl_msg(CLUSTERLB_CMD_FLUSH, 0);
		break;
	default:
		return cli_error("internal error: unknown operation %d", op->kind);
	}
	return nl_do(nlh, set, NULL, NULL) ? EXIT_KERNEL : EXIT_OK;
}

int do_flush(struct args *a)
{
	struct lb_op op = { .kind = LB_OP_FLUSH };
	const char *p = arg_next(a);

	if (is_kw(p, "help")) {
		printf("Usage: clusterlbctl flush\n"
		       "Delete every service and member of the network namespace.\n");
		return EXIT_OK;
	}
	if (p)
		return usage_error("unexpected \"%s\" after flush (flush takes no arguments)", p);
	return op_apply(&op);
}
