// SPDX-License-Identifier: GPL-2.0
/*
 * Files of commands: -batch FILE, save and restore.
 *
 * -batch runs any commands line by line, like `ip -batch`: it stops at the
 * first failing line unless -force is given.
 *
 * save prints the configuration as the CLI's own command lines ("service
 * add ...", "member add ..."), sorted, so two saves diff cleanly.
 *
 * restore takes only service, member and flush lines and is all or nothing:
 *   1. every line is parsed; all bad lines are reported;
 *   2. the lines are replayed against the running configuration (read from
 *      the kernel) to find duplicates and contradictions: adding what
 *      exists, changing or deleting what does not, a member of a missing
 *      service;
 *   3. only then is anything sent. Should the kernel still refuse a line
 *      (say, an unknown scheduler), what was applied is undone in reverse
 *      order from the state recorded in step 2, and the exit status is 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "clusterlbctl.h"
#include "config.h"
#include "output.h"
#include "parse.h"

#define MAX_WORDS 64

void batch_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl save > FILE\n"
		"       clusterlbctl restore [ check ] [ FILE ]\n"
		"       clusterlbctl [ -force ] -batch FILE\n"
		"save prints the configuration as clusterlbctl command lines.\n"
		"restore reads such lines (service, member and flush commands) from FILE\n"
		"or standard input, checks all of them against the running configuration,\n"
		"and applies them only if every line is valid; \"check\" stops after the\n"
		"checks. -batch runs any commands, one per line; - reads standard input.\n");
}

static FILE *open_input(const char *file)
{
	FILE *f;

	if (!file || !strcmp(file, "-"))
		return stdin;
	f = fopen(file, "r");
	if (!f)
		usage_error("cannot open \"%s\": %s", file, strerror(errno));
	return f;
}

/* Words of a line, without a leading "clusterlbctl" (as ipvsadm -R allows). */
static int line_words(char *line, char **argv)
{
	int argc = split_words(line, argv, MAX_WORDS);

	if (argc > 0 && !strcmp(argv[0], "clusterlbctl")) {
		memmove(argv, argv + 1, (size_t)(argc - 1) * sizeof(*argv));
		argc--;
	}
	return argc;
}

int do_batch(const char *file)
{
	char *line = NULL, *argv[MAX_WORDS];
	size_t cap = 0;
	int argc, ret, worst = EXIT_OK, lineno = 0;
	FILE *f = open_input(file);

	if (!f)
		return EXIT_USAGE;
	while (getline(&line, &cap, f) >= 0) {
		cli.batch_line = ++lineno;
		argc = line_words(line, argv);
		if (argc < 0)
			ret = usage_error_parse();
		else if (argc == 0)
			continue;
		else
			ret = cli_run(argc, argv);
		if (ret > worst)
			worst = ret;
		if (ret && !cli.force)
			break;
	}
	cli.batch_line = 0;
	free(line);
	if (f != stdin)
		fclose(f);
	return worst;
}

int do_save(struct args *a)
{
	char buf[LB_LINE_MAX];
	struct lb_config c;
	const char *p = arg_next(a);
	size_t i, j;
	int ret;

	if (is_kw(p, "help")) {
		batch_usage(stdout);
		return EXIT_OK;
	}
	if (p)
		return usage_error("unexpected \"%s\" after save (use help)", p);
	ret = config_read(&c, NULL);
	if (ret)
		return ret;
	printf("# clusterlb configuration; load with: clusterlbctl restore FILE\n");
	for (i = 0, j = 0; i < c.nsvcs; i++) {
		printf("service add %s\n", service_format(&c.svcs[i], buf, sizeof(buf)));
		for (; j < c.nmems && lb_svc_key_cmp(&c.mems[j].svc, &c.svcs[i].key) <= 0; j++)
			if (lb_svc_key_equal(&c.mems[j].svc, &c.svcs[i].key))
				printf("member add %s\n", member_format(&c.mems[j], buf, sizeof(buf)));
	}
	config_free(&c);
	fflush(stdout);
	return ferror(stdout) ? cli_error("writing the configuration failed") : EXIT_OK;
}

/* ---- restore ---- */

int restore_parse_line(char *line, struct lb_op *op)
{
	char *argv[MAX_WORDS];
	struct args a;
	int argc = line_words(line, argv), ret;

	op->kind = LB_OP_NONE;
	if (argc <= 0)
		return argc;	/* blank/comment (0) or bad quoting (-1) */
	a.argc = argc - 1;
	a.argv = argv + 1;
	if (!strcmp(argv[0], "service")) {
		ret = service_parse(&a, op);
	} else if (!strcmp(argv[0], "member")) {
		ret = member_parse(&a, op);
	} else if (!strcmp(argv[0], "flush")) {
		if (argc > 1)
			return parse_error("unexpected \"%s\" after flush", argv[1]);
		op->kind = LB_OP_FLUSH;
		ret = 0;
	} else {
		return parse_error("\"%s\": restore takes only service, member and flush lines",
				   argv[0]);
	}
	if (ret == PARSE_HELP)
		return parse_error("\"help\" is not a configuration line");
	return ret;
}

static int undo_push(struct undo *u, const struct lb_op *op)
{
	struct lb_op *n = realloc(u->ops, (u->n + 1) * sizeof(*n));

	if (!n)
		return -1;
	u->ops = n;
	u->ops[u->n++] = *op;
	return 0;
}

/* The "add" that recreates s / m as they are now. */
static struct lb_op readd_service(const struct lb_service *s)
{
	struct lb_op op = { .kind = LB_OP_SERVICE_ADD, .svc = *s };

	op.svc.have &= LB_HAVE_SCHED | LB_HAVE_PERSIST | LB_HAVE_MASK | LB_HAVE_FLAGS;
	if (!op.svc.persist)
		op.svc.have &= ~(unsigned int)LB_HAVE_MASK;
	return op;
}

static struct lb_op readd_member(const struct lb_member *m)
{
	struct lb_op op = { .kind = LB_OP_MEMBER_ADD, .mem = *m };

	op.mem.have &= LB_HAVE_WEIGHT | LB_HAVE_STATE | LB_HAVE_DEV | LB_HAVE_SLOT;
	if (!op.mem.dev[0])
		op.mem.have &= ~(unsigned int)LB_HAVE_DEV;
	if (!op.mem.slot[0])
		op.mem.have &= ~(unsigned int)LB_HAVE_SLOT;
	return op;
}

static int undo_readd_all(struct undo *u, const struct lb_config *c,
			  const struct lb_svc_key *only)
{
	struct lb_op op;
	size_t i;

	for (i = 0; i < c->nsvcs; i++) {
		if (only && !lb_svc_key_equal(&c->svcs[i].key, only))
			continue;
		op = readd_service(&c->svcs[i]);
		if (undo_push(u, &op))
			return -1;
	}
	for (i = 0; i < c->nmems; i++) {
		if (only && !lb_svc_key_equal(&c->mems[i].svc, only))
			continue;
		op = readd_member(&c->mems[i]);
		if (undo_push(u, &op))
			return -1;
	}
	return 0;
}

static const char *origin(int line, char *buf, size_t len)
{
	if (line)
		snprintf(buf, len, "line %d", line);
	else
		snprintf(buf, len, "the running configuration");
	return buf;
}

/*
 * Replay one op on the simulated configuration c; on success record in u
 * how to undo it. -1 with parse_error_msg() set if it cannot apply.
 */
static int simulate(struct lb_config *c, const struct lb_op *op, struct undo *u)
{
	char what[LB_LINE_MAX], where[64];
	struct lb_service *s;
	struct lb_member *m;
	struct lb_op undo;

	switch (op->kind) {
	case LB_OP_FLUSH:
		if (undo_readd_all(u, c, NULL))
			return parse_error("out of memory");
		config_free(c);
		return 0;
	case LB_OP_SERVICE_ADD: {
		struct lb_service key = { .key = op->svc.key };

		service_format(&key, what, sizeof(what));
		s = config_find_service(c, &op->svc.key);
		if (s)
			return parse_error("service %s already exists (from %s)", what,
					   origin(s->line, where, sizeof(where)));
		undo = (struct lb_op){ .kind = LB_OP_SERVICE_DEL, .svc.key = op->svc.key };
		if (undo_push(u, &undo) || config_add_service(c, &op->svc))
			return parse_error("out of memory");
		c->svcs[c->nsvcs - 1].line = op->line;
		return 0;
	}
	case LB_OP_SERVICE_SET:
	case LB_OP_SERVICE_DEL: {
		struct lb_service tmp = { .key = op->svc.key };

		s = config_find_service(c, &op->svc.key);
		if (!s)
			return parse_error("service %s does not exist",
					   service_format(&tmp, what, sizeof(what)));
		if (op->kind == LB_OP_SERVICE_DEL) {
			if (undo_readd_all(u, c, &op->svc.key))
				return parse_error("out of memory");
			config_del_service(c, &op->svc.key);
			return 0;
		}
		undo = readd_service(s);
		undo.kind = LB_OP_SERVICE_SET;
		/* Unset persistence explicitly so the undo turns it back off. */
		undo.svc.have |= LB_HAVE_PERSIST | LB_HAVE_FLAGS;
		if (undo_push(u, &undo))
			return parse_error("out of memory");
		if (op->svc.have & LB_HAVE_SCHED)
			memcpy(s->sched, op->svc.sched, sizeof(s->sched));
		if (op->svc.have & LB_HAVE_PERSIST)
			s->persist = op->svc.persist;
		if (op->svc.have & LB_HAVE_MASK)
			s->mask = op->svc.mask;
		if (op->svc.have & LB_HAVE_FLAGS)
			s->flags = op->svc.flags;
		s->have |= op->svc.have;
		return 0;
	}
	case LB_OP_MEMBER_ADD:
	case LB_OP_MEMBER_SET:
	case LB_OP_MEMBER_DEL: {
		struct lb_member tmp = { .svc = op->mem.svc, .addr = op->mem.addr };
		struct lb_service ts = { .key = op->mem.svc };

		member_format(&tmp, what, sizeof(what));
		if (!config_find_service(c, &op->mem.svc))
			return parse_error("member %s: service %s does not exist", what,
					   service_format(&ts, where, sizeof(where)));
		m = config_find_member(c, &op->mem.svc, &op->mem.addr);
		if (op->kind == LB_OP_MEMBER_ADD) {
			if (m)
				return parse_error("member %s already exists (from %s)", what,
						   origin(m->line, where, sizeof(where)));
			undo = (struct lb_op){ .kind = LB_OP_MEMBER_DEL, .mem = tmp };
			if (undo_push(u, &undo) || config_add_member(c, &op->mem))
				return parse_error("out of memory");
			c->mems[c->nmems - 1].line = op->line;
			return 0;
		}
		if (!m)
			return parse_error("member %s does not exist", what);
		if (op->kind == LB_OP_MEMBER_DEL) {
			undo = readd_member(m);
			if (undo_push(u, &undo))
				return parse_error("out of memory");
			config_del_member(c, &op->mem.svc, &op->mem.addr);
			return 0;
		}
		undo = readd_member(m);
		undo.kind = LB_OP_MEMBER_SET;
		/* Set dev and slot explicitly, empty clears what the set added. */
		undo.mem.have |= LB_HAVE_DEV | LB_HAVE_SLOT;
		if (undo_push(u, &undo))
			return parse_error("out of memory");
		if (op->mem.have & LB_HAVE_WEIGHT)
			m->weight = op->mem.weight;
		if (op->mem.have & LB_HAVE_STATE)
			m->state = op->mem.state;
		if (op->mem.have & LB_HAVE_DEV)
			memcpy(m->dev, op->mem.dev, sizeof(m->dev));
		if (op->mem.have & LB_HAVE_SLOT)
			memcpy(m->slot, op->mem.slot, sizeof(m->slot));
		m->have |= op->mem.have;
		return 0;
	}
	default:
		return parse_error("internal error: operation %d", op->kind);
	}
}

void restore_free(struct restore *r)
{
	for (size_t i = 0; r->undo && i < r->nops; i++)
		free(r->undo[i].ops);
	free(r->undo);
	free(r->ops);
	memset(r, 0, sizeof(*r));
}

int restore_read(struct restore *r, FILE *f, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;

	memset(r, 0, sizeof(*r));
	while (getline(&line, &cap, f) >= 0) {
		struct lb_op op;
		int ret;

		lineno++;
		ret = restore_parse_line(line, &op);
		if (ret < 0) {
			fprintf(stderr, "%s:%d: Error: %s\n", name, lineno, parse_error_msg());
			r->bad++;
			continue;
		}
		if (op.kind == LB_OP_NONE)
			continue;
		op.line = lineno;
		if (!(r->nops % 64)) {
			struct lb_op *n = realloc(r->ops, (r->nops + 64) * sizeof(*n));

			if (!n) {
				free(line);
				return -1;
			}
			r->ops = n;
		}
		r->ops[r->nops++] = op;
	}
	free(line);
	return 0;
}

int restore_check(struct restore *r, struct lb_config *state, const char *name)
{
	r->undo = calloc(r->nops ? r->nops : 1, sizeof(*r->undo));
	if (!r->undo)
		return -1;
	for (size_t i = 0; i < r->nops; i++) {
		if (simulate(state, &r->ops[i], &r->undo[i])) {
			fprintf(stderr, "%s:%d: Error: %s\n", name, r->ops[i].line,
				parse_error_msg());
			r->bad++;
		}
	}
	return 0;
}

/* Undo ops [0, upto) in reverse; returns how many undo steps failed. */
static int rollback(const struct restore *r, size_t upto)
{
	int failed = 0;
	int saved = cli.batch_line;

	for (size_t i = upto; i-- > 0;) {
		for (size_t j = 0; j < r->undo[i].n; j++) {
			cli.batch_line = r->ops[i].line;
			if (op_apply(&r->undo[i].ops[j]))
				failed++;
		}
	}
	cli.batch_line = saved;
	return failed;
}

int do_restore(struct args *a)
{
	const char *file = NULL, *name, *p;
	bool check_only = false;
	struct lb_config state;
	struct restore r;
	size_t i;
	int ret;
	FILE *f;

	while ((p = arg_next(a))) {
		if (is_kw(p, "help")) {
			batch_usage(stdout);
			return EXIT_OK;
		} else if (is_kw(p, "check") && !check_only && !file) {
			check_only = true;
		} else if (!file) {
			file = p;
		} else {
			return usage_error("unexpected \"%s\" after the file name", p);
		}
	}
	name = file && strcmp(file, "-") ? file : "<stdin>";
	f = open_input(file);
	if (!f)
		return EXIT_USAGE;
	ret = restore_read(&r, f, name);
	if (f != stdin)
		fclose(f);
	if (ret)
		return cli_error("out of memory");
	/* Syntax errors need no kernel: report them before opening netlink. */
	if (r.bad) {
		ret = usage_error("%s: %d bad line%s; nothing applied", name, r.bad,
				  r.bad == 1 ? "" : "s");
		restore_free(&r);
		return ret;
	}

	ret = config_read(&state, NULL);
	if (ret) {
		restore_free(&r);
		return ret;
	}
	if (restore_check(&r, &state, name)) {
		ret = cli_error("out of memory");
		goto out;
	}
	if (r.bad) {
		ret = usage_error("%s: %d bad line%s; nothing applied", name, r.bad,
				  r.bad == 1 ? "" : "s");
		goto out;
	}
	if (check_only)
		goto out;

	for (i = 0; i < r.nops; i++) {
		cli.batch_line = r.ops[i].line;
		ret = op_apply(&r.ops[i]);
		cli.batch_line = 0;
		if (ret) {
			int failed = rollback(&r, i);

			if (failed)
				cli_error("%s: line %d refused; undoing lines before it failed %d time%s: "
					  "the configuration is partly restored",
					  name, r.ops[i].line, failed, failed == 1 ? "" : "s");
			else
				cli_error("%s: line %d refused; the lines before it were undone",
					  name, r.ops[i].line);
			ret = EXIT_KERNEL;
			goto out;
		}
	}
out:
	config_free(&state);
	restore_free(&r);
	return ret;
}
