// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlbctl power { on | off | status } [ SLOT... | all ]: slot power
 * through the clusterhat sysfs class (Documentation/ABI/testing/
 * sysfs-class-clusterhat); netlink only for "on ... wait", which learns
 * each slot's interface from the members bound to it (poweroff.c):
 *
 *   /sys/class/clusterhat/hatN/slots        number of slots
 *   /sys/class/clusterhat/hatN/pM/power     "0"/"1"; write 0/1/on/off
 *   /sys/class/clusterhat/hatN/power_all    write: every slot, staggered
 *   /sys/class/clusterhat/hatN/stagger_ms   delay between switch-ons
 *
 * "on all" writes power_all, so the driver staggers; without it (an older
 * driver) slots are written one by one, stagger_ms (or 1 s) apart, as are
 * explicit slot lists. Slots already in the wanted state are left alone.
 * $CLUSTERHAT_SYSFS replaces /sys/class/clusterhat (used by the tests).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clusterlbctl.h"
#include "output.h"
#include "parse.h"
#include "power.h"

#define DEFAULT_STAGGER_MS	1000
#define MAX_HATS		POWER_MAX_HATS
#define MAX_SLOTS		POWER_MAX_SLOTS
#define DEFAULT_WAIT_S		120

void power_usage(FILE *f)
{
	fprintf(f,
		"Usage: clusterlbctl power on { SLOT... | all } [ wait [ TIMEOUT ] ]\n"
		"       clusterlbctl power off { SLOT... | all }\n"
		"       clusterlbctl power status [ SLOT... | all ]\n"
		"where  SLOT := { pN | hatN/pN } (pN means hat0/pN)\n"
		"       TIMEOUT := seconds (or 30s, 2m; default 120) to wait for the links\n"
		"Switches on are staggered (the board's stagger_ms, default 1 s).\n"
		"With wait, returns when the link of every node switched on is up\n"
		"(the dev of the members bound to its slot, or poweroff.conf's node lines).\n");
}

const char *hat_class_dir(void)
{
	const char *d = getenv("CLUSTERHAT_SYSFS");

	return d && *d ? d : "/sys/class/clusterhat";
}

/* Read a small sysfs file into buf, newline stripped. 0 or -errno. */
int sysfs_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (close(fd) < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int attr_error(const char *what, const char *path, int err)
{
	if (err == -EACCES || err == -EPERM)
		return cli_error("%s %s: %s (run as root)", what, path, strerror(-err));
	return cli_error("%s %s: %s", what, path, strerror(-err));
}

static int hat_cmp(const void *a, const void *b)
{
	const struct hat *x = a, *y = b;

	return (int)x->idx - (int)y->idx;
}

/* The boards present, sorted; -1 after printing an error. */
int power_list_hats(struct hat *hats, unsigned int *n)
{
	char path[512], buf[32];
	struct dirent *de;
	DIR *d = opendir(hat_class_dir());

	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return cli_error("no Cluster HAT found (%s missing): is the clusterlb module loaded "
					 "and the board detected?", hat_class_dir()), -1;
		return cli_error("cannot read %s: %s", hat_class_dir(), strerror(errno)), -1;
	}
	while ((de = readdir(d)) && *n < MAX_HATS) {
		unsigned int idx, slots;

		if (strncmp(de->d_name, "hat", 3) ||
		    parse_u32(de->d_name + 3, "board", 0, 255, &idx))
			continue;
		snprintf(path, sizeof(path), "%s/%s/slots", hat_class_dir(), de->d_name);
		if (sysfs_read(path, buf, sizeof(buf)) ||
		    parse_u32(buf, "slots", 0, MAX_SLOTS, &slots))
			continue;
		hats[*n].idx = idx;
		hats[(*n)++].nslots = slots;
	}
	closedir(d);
	if (!*n)
		return cli_error("no Cluster HAT found in %s", hat_class_dir()), -1;
	qsort(hats, *n, sizeof(*hats), hat_cmp);
	return 0;
}

static const struct hat *find_hat(const struct hat *hats, unsigned int n, unsigned int idx)
{
	for (unsigned int i = 0; i < n; i++)
		if (hats[i].idx == idx)
			return &hats[i];
	return NULL;
}

static void slot_path(const struct slot *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s/hat%u/p%u/power", hat_class_dir(), s->hat, s->slot);
}

int power_get(const struct slot *s, bool *on)
{
	char path[512], buf[16];
	int err;

	slot_path(s, path, sizeof(path));
	err = sysfs_read(path, buf, sizeof(buf));
	if (err)
		return attr_error("cannot read", path, err);
	if (strcmp(buf, "0") && strcmp(buf, "1"))
		return cli_error("unexpected \"%s\" in %s", buf, path);
	*on = buf[0] == '1';
	return 0;
}

int power_set(const struct slot *s, bool on)
{
	char path[512];
	int err;

	slot_path(s, path, sizeof(path));
	err = sysfs_write(path, on ? "1" : "0");
	return err ? attr_error("cannot write", path, err) : EXIT_OK;
}

int hat_attr_read(unsigned int hat, const char *name, char *buf, size_t len)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/hat%u/%s", hat_class_dir(), hat, name);
	return sysfs_read(path, buf, len);
}

int hat_attr_write(unsigned int hat, const char *name, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/hat%u/%s", hat_class_dir(), hat, name);
	return sysfs_write(path, val);
}

static unsigned int stagger_ms(unsigned int hat)
{
	char path[512], buf[32];
	uint32_t ms;

	snprintf(path, sizeof(path), "%s/hat%u/stagger_ms", hat_class_dir(), hat);
	if (sysfs_read(path, buf, sizeof(buf)) || parse_u32(buf, "stagger_ms", 0, 600000, &ms))
		return DEFAULT_STAGGER_MS;
	return ms;
}

void power_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Switch the listed slots one by one, staggering switch-ons. */
int power_switch_slots(const struct slot *slots, unsigned int n, bool on)
{
	char path[512];
	unsigned int switched = 0;
	int err;

	for (unsigned int i = 0; i < n; i++) {
		bool cur;

		if (power_get(&slots[i], &cur))
			return EXIT_KERNEL;
		if (cur == on)
			continue;
		if (on && switched)
			power_sleep_ms(stagger_ms(slots[i].hat));
		slot_path(&slots[i], path, sizeof(path));
		err = sysfs_write(path, on ? "1" : "0");
		if (err)
			return attr_error("cannot write", path, err);
		switched++;
	}
	return EXIT_OK;
}

/* "all": power_all per board where the driver has it, else slot by slot. */
int power_switch_all(const struct hat *hats, unsigned int nhats, bool on)
{
	char path[512];
	bool prev_switched = false;
	int err;

	for (unsigned int h = 0; h < nhats; h++) {
		struct slot slots[MAX_SLOTS];
		bool any = false;

		for (unsigned int i = 0; i < hats[h].nslots; i++) {
			bool cur;

			slots[i] = (struct slot){ hats[h].idx, i + 1 };
			if (power_get(&slots[i], &cur))
				return EXIT_KERNEL;
			any |= cur != on;
		}
		if (!any)
			continue;
		/* Boards are staggered too: never two switch-ons back to back. */
		if (on && prev_switched)
			power_sleep_ms(stagger_ms(hats[h].idx));
		snprintf(path, sizeof(path), "%s/hat%u/power_all", hat_class_dir(), hats[h].idx);
		if (access(path, F_OK) == 0) {
			err = sysfs_write(path, on ? "1" : "0");
			if (err)
				return attr_error("cannot write", path, err);
		} else if (power_switch_slots(slots, hats[h].nslots, on)) {
			return EXIT_KERNEL;
		}
		prev_switched = true;
	}
	return EXIT_OK;
}

static int print_status(const struct slot *slots, unsigned int n)
{
	bool on[MAX_SLOTS];

	/* Read everything first: a failure must not leave half a document. */
	for (unsigned int i = 0; i < n; i++)
		if (power_get(&slots[i], &on[i]))
			return EXIT_KERNEL;
	out_begin();
	open_json_array("slots");
	for (unsigned int i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "hat%u/p%u", slots[i].hat, slots[i].slot);
		open_json_object(NULL);
		print_string(PRINT_ANY, "slot", "%s", name);
		print_string(PRINT_ANY, "power", " %s", on[i] ? "on" : "off");
		print_nl();
		close_json_object();
	}
	close_json_array();
	out_end();
	return EXIT_OK;
}

int do_power(struct args *a)
{
	struct hat hats[MAX_HATS];
	struct slot slots[MAX_SLOTS];
	unsigned int nhats, n = 0;
	const char *cmd = arg_next(a), *p;
	bool all = false, wait = false;
	uint32_t wait_s = DEFAULT_WAIT_S;
	int what, ret;	/* what: 1 on, 0 off, -1 status */

	if (!cmd)
		return usage_error("missing power command (use on, off, status or help)");
	if (is_kw(cmd, "help")) {
		power_usage(stdout);
		return EXIT_OK;
	}
	if (is_kw(cmd, "on"))
		what = 1;
	else if (is_kw(cmd, "off"))
		what = 0;
	else if (is_kw(cmd, "status") || is_kw(cmd, "show"))
		what = -1;
	else
		return usage_error("unknown power command \"%s\" (use on, off, status or help)", cmd);

	/* Parse every word before touching sysfs. */
	for (int i = 0; i < a->argc; i++) {
		struct slot s;

		p = a->argv[i];
		if (is_kw(p, "help")) {
			power_usage(stdout);
			return EXIT_OK;
		}
		if (is_kw(p, "all")) {
			all = true;
			continue;
		}
		if (is_kw(p, "wait")) {
			if (what != 1)
				return usage_error("\"wait\" goes with power on only");
			if (wait)
				return usage_error("\"wait\" given twice");
			wait = true;
			/* An optional timeout: a word starting with a digit. */
			if (i + 1 < a->argc && a->argv[i + 1][0] >= '0' && a->argv[i + 1][0] <= '9') {
				if (parse_duration(a->argv[++i], "wait timeout", 86400, &wait_s))
					return usage_error_parse();
			}
			continue;
		}
		if (parse_slot_parts(p, &s.hat, &s.slot))
			return usage_error_parse();
		for (unsigned int j = 0; j < n; j++)
			if (slots[j].hat == s.hat && slots[j].slot == s.slot)
				return usage_error("slot \"%s\" given twice", p);
		if (n == MAX_SLOTS)
			return usage_error("too many slots");
		slots[n++] = s;
	}
	if (all && n)
		return usage_error("give slots or \"all\", not both");
	if (!all && !n) {
		if (what >= 0)
			return usage_error("power %s needs slots (e.g. p1 p2) or \"all\"", cmd);
		all = true;
	}

	if (power_list_hats(hats, &nhats))
		return EXIT_KERNEL;
	for (unsigned int i = 0; i < n; i++) {
		const struct hat *h = find_hat(hats, nhats, slots[i].hat);

		if (!h)
			return usage_error("no board hat%u (found hat%u%s)", slots[i].hat,
					   hats[0].idx, nhats > 1 ? " and others" : "");
		if (slots[i].slot > h->nslots)
			return usage_error("no slot p%u on hat%u (use p1-p%u)", slots[i].slot,
					   h->idx, h->nslots);
	}
	if (all) {
		if (what >= 0) {
			ret = power_switch_all(hats, nhats, what == 1);
			if (ret || !wait)
				return ret;
		}
		for (unsigned int h = 0; h < nhats; h++)
			for (unsigned int i = 0; i < hats[h].nslots && n < MAX_SLOTS; i++)
				slots[n++] = (struct slot){ hats[h].idx, i + 1 };
		if (what > 0)
			return power_wait_up(slots, n, wait_s);
	}
	if (what < 0)
		return print_status(slots, n);
	ret = power_switch_slots(slots, n, what == 1);
	if (ret || !wait)
		return ret;
	return power_wait_up(slots, n, wait_s);
}
