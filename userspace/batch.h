/* SPDX-License-Identifier: GPL-2.0 */
/*
 * restore's stages, exposed for the host tests: read and parse a file,
 * then check it against a configuration (see batch.c).
 */
#ifndef CLUSTERLBCTL_BATCH_H
#define CLUSTERLBCTL_BATCH_H

#include <stdio.h>

#include "config.h"
#include "lb.h"

/* What to send, in order, to undo one applied line. */
struct undo {
	struct lb_op *ops;
	size_t n;
};

struct restore {
	struct lb_op *ops;	/* one per configuration line */
	size_t nops;
	struct undo *undo;	/* [nops], filled by restore_check() */
	int bad;		/* lines refused so far (each reported) */
};

/* One line into op: 0 (op->kind LB_OP_NONE for blank/comment) or -1. */
int restore_parse_line(char *line, struct lb_op *op);
/* Parse every line of f; bad lines are reported and counted. -1: no memory. */
int restore_read(struct restore *r, FILE *f, const char *name);
/*
 * Replay r's lines on state (changed in place), reporting and counting
 * those that cannot apply. -1: no memory.
 */
int restore_check(struct restore *r, struct lb_config *state, const char *name);
void restore_free(struct restore *r);

#endif
