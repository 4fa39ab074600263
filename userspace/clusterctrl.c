// SPDX-License-Identifier: GPL-2.0
/*
 * clusterctrl compatibility: clusterlbctl run as "clusterctrl" (or
 * "clusterhat", the vendor's other name; `make install` makes the
 * symlinks), or "clusterlbctl clusterctrl ARGS", accepts the vendor tool's
 * common commands so that owners' scripts keep working, on the clusterhat
 * sysfs class instead of poking the I2C expander from userspace:
 *
 *   on|off [pN ...]        all nodes or the listed ones; switch-ons are
 *                          staggered (the board's stagger_ms, 1 s by default,
 *                          as CLUSTERCTRL_DELAY), nodes already on skipped;
 *                          the ALERT LED is lit meanwhile as the vendor does
 *   status                 the vendor's keys (hardware.md 4.3), from sysfs
 *   maxpi                  number of nodes
 *   alert on|off [pN ...]  ALERT LED of every board or of the listed nodes'
 *   led on|off             power/Px LEDs (Cluster HAT v2.x)
 *   hub on|off|reset       the USB hub (Cluster HAT v2.x/v3.x)
 *   wp on|off              EEPROM write protect (Cluster HAT v2.x/v3.x)
 *   init                   nothing to do: the driver initialises the board
 *
 * Node numbers run over all boards as the vendor's do: the HAT's p1-p4,
 * then each ClusterCTRL board's in the order of hatN. Differences from the
 * vendor tool are listed in Documentation/admin-guide.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clusterlbctl.h"
#include "parse.h"
#include "power.h"

struct board {
	unsigned int idx, nslots, first;	/* first: global number of its p1 */
	char type[64], version[32];
	bool hat;				/* a Cluster HAT (not ClusterCTRL) */
};

static struct board boards[POWER_MAX_HATS];
static unsigned int nboards, maxpi;

static void cc_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s <cmd>\n"
		"\n"
		"# <devices> can be a single device 'p1' or a list 'p2 p3 p5'\n"
		"# (clusterlb: the clusterctrl-compatible commands of clusterlbctl)\n"
		"\n"
		"# Power on/off all or listed device(s)\n"
		"%s on|off [<devices>]\n"
		"\n"
		"# Show status of ClusterHAT/CTRL\n"
		"%s status\n"
		"\n"
		"# Get number of controllable Pi\n"
		"%s maxpi\n"
		"\n"
		"# Turn ALERT LED on/off for all or listed device(s)\n"
		"%s alert on|off [<devices>]\n"
		"\n"
		"# Enable/disable LED (Power/pX/etc.)\n"
		"%s led on|off\n"
		"\n"
		"# Turns on/off or resets the USB HUB\n"
		"%s hub off|on|reset\n"
		"\n"
		"# EEPROM write protect on/off\n"
		"%s wp on|off\n",
		prog, prog, prog, prog, prog, prog, prog, prog);
}

static int load_boards(void)
{
	struct hat hats[POWER_MAX_HATS];
	unsigned int n;

	if (power_list_hats(hats, &n)) {
		printf("ERROR: No ClusterHAT/CTRL devices found\n");
		return -1;
	}
	nboards = 0;
	maxpi = 0;
	for (unsigned int i = 0; i < n; i++) {
		struct board *b = &boards[nboards++];

		memset(b, 0, sizeof(*b));
		b->idx = hats[i].idx;
		b->nslots = hats[i].nslots;
		b->first = maxpi + 1;
		maxpi += b->nslots;
		if (hat_attr_read(b->idx, "type", b->type, sizeof(b->type)))
			snprintf(b->type, sizeof(b->type), "clusterhat");
		if (hat_attr_read(b->idx, "version", b->version, sizeof(b->version)))
			snprintf(b->version, sizeof(b->version), "unknown");
		b->hat = strcmp(b->type, "clusterhat") == 0;
	}
	return 0;
}

/* Global node number -> slot. */
static int node_slot(unsigned int num, struct slot *s)
{
	for (unsigned int i = 0; i < nboards; i++) {
		if (num >= boards[i].first && num < boards[i].first + boards[i].nslots) {
			s->hat = boards[i].idx;
			s->slot = num - boards[i].first + 1;
			return 0;
		}
	}
	return -1;
}

/* "p1 p5 ..." as the vendor reads them; prints its error. */
static int parse_devices(int argc, char **argv, struct slot *slots, unsigned int *n)
{
	*n = 0;
	for (int i = 0; i < argc; i++) {
		uint32_t num;

		if (argv[i][0] != 'p' || parse_u32(argv[i] + 1, "node", 1, maxpi ? maxpi : 1, &num) ||
		    node_slot(num, &slots[*n])) {
			printf("ERROR: Valid options are p1-p%u\n", maxpi);
			return -1;
		}
		if (*n < POWER_MAX_SLOTS)
			(*n)++;
	}
	return 0;
}

static int on_off(const char *what)
{
	return strcmp(what, "on") == 0 ? 1 : strcmp(what, "off") == 0 ? 0 : -1;
}

static bool has_attr(unsigned int idx, const char *name)
{
	char buf[32];

	return hat_attr_read(idx, name, buf, sizeof(buf)) == 0;
}

static int set_attr(unsigned int idx, const char *name, bool on)
{
	int err = hat_attr_write(idx, name, on ? "1" : "0");

	if (err)
		fprintf(stderr, "ERROR: hat%u/%s: %s\n", idx, name, strerror(-err));
	return err;
}

/* The ALERT LEDs lit while switching, then back as they were (as the vendor). */
static void alerts(bool on, bool *was)
{
	char buf[8];

	for (unsigned int i = 0; i < nboards; i++) {
		if (hat_attr_read(boards[i].idx, "alert", buf, sizeof(buf)))
			continue;
		if (on) {
			was[i] = buf[0] == '1';
			if (!was[i])
				hat_attr_write(boards[i].idx, "alert", "1");
		} else if (!was[i]) {
			hat_attr_write(boards[i].idx, "alert", "0");
		}
	}
}

static int cmd_power(bool on, int argc, char **argv)
{
	struct slot slots[POWER_MAX_SLOTS];
	bool was[POWER_MAX_HATS] = { 0 };
	unsigned int n;
	int ret;

	if (argc) {
		if (parse_devices(argc, argv, slots, &n))
			return 1;
		return power_switch_slots(slots, n, on) ? 1 : 0;
	}
	alerts(true, was);
	{
		struct hat hats[POWER_MAX_HATS];

		for (unsigned int i = 0; i < nboards; i++)
			hats[i] = (struct hat){ boards[i].idx, boards[i].nslots };
		ret = power_switch_all(hats, nboards, on);
	}
	alerts(false, was);
	return ret ? 1 : 0;
}

static void print_file_line(const char *key, const char *path)
{
	char buf[256];

	if (sysfs_read(path, buf, sizeof(buf)))
		printf("%s:NA\n", key);
	else
		printf("%s:%s\n", key, buf);	/* device-tree strings end in NUL: read stops there */
}

static unsigned long pi_revision(bool *found)
{
	char line[256];
	unsigned long rev = 0;
	FILE *f = fopen("/proc/cpuinfo", "re");

	*found = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Revision", 8) == 0 && strchr(line, ':')) {
			rev = strtoul(strchr(line, ':') + 1, NULL, 16);
			*found = true;
		}
	}
	if (f)
		fclose(f);
	return rev;
}

static void print_throttled(void)
{
	char line[128] = "";
	const char *v = "NA";
	FILE *p;

	if (access("/usr/bin/vcgencmd", X_OK) == 0 &&
	    (p = popen("/usr/bin/vcgencmd get_throttled 2>/dev/null", "r"))) {
		if (fgets(line, sizeof(line), p)) {
			char *eq = strchr(line, '=');

			v = eq ? eq + 1 : line;
			line[strcspn(line, "\n")] = '\0';
		}
		pclose(p);
	}
	printf("throttled:%s\n", v);
}

static int cmd_status(void)
{
	const struct board *hat = NULL;
	unsigned int nctrl = 0, major = 0, minor = 0;
	unsigned long rev;
	bool found, forced;
	char buf[64], product[64] = "";

	for (unsigned int i = 0; i < nboards; i++) {
		if (boards[i].hat && !hat)
			hat = &boards[i];
		nctrl += !boards[i].hat;
	}
	/* Version from the HAT EEPROM in the device tree, else forced (hat_version=). */
	forced = sysfs_read("/proc/device-tree/hat/product", product, sizeof(product)) ||
		 strcmp(product, "ZC4:ClusterHAT") != 0;
	if (hat)
		sscanf(hat->version, "%u.%u", &major, &minor);
	if (!hat)
		printf("clusterhat:False\n");
	else if (forced)
		printf("clusterhat:%s\n", hat->version);
	else
		printf("clusterhat:1\n");
	if (nctrl)
		printf("clusterctrl:%u\n", nctrl);
	else
		printf("clusterctrl:False\n");
	printf("maxpi:%u\n", maxpi);
	rev = pi_revision(&found);
	if (found)
		printf("pirevision:0x%08lx\n", rev);
	else
		printf("pirevision:NA\n");
	print_throttled();
	if (nctrl) {
		printf("ctrl_bus:");
		for (unsigned int i = 0, k = 0; i < nboards; i++)
			if (!boards[i].hat)
				printf("%s%u:NA:%u", k++ ? " " : "", boards[i].idx, boards[i].nslots);
		printf("\n");
	}
	if (hat) {
		printf("hat_version:%u.%u\n", major, minor);
		printf("hat_version_major:%u\n", major);
		printf("hat_version_minor:%u\n", minor);
		printf("hat_size:%u\n", hat->nslots);
		if (forced) {
			printf("hat_uuid:NA\nhat_vendor:NA\nhat_pid:NA\n");
			printf("hat_force:%s\n", hat->version);
		} else {
			print_file_line("hat_uuid", "/proc/device-tree/hat/uuid");
			print_file_line("hat_vendor", "/proc/device-tree/hat/vendor");
			print_file_line("hat_product_id", "/proc/device-tree/hat/product_id");
		}
		/* New-style revision (bit 23), processor BCM2712 (4): a Pi 5. */
		printf("is_pi5:%s\n", found && (rev & (1UL << 23)) && ((rev >> 12) & 0xf) == 4 ?
		       "True" : "False");
		if (hat_attr_read(hat->idx, "alert", buf, sizeof(buf)) == 0)
			printf("hat_alert:%s\n", buf);
		if (major >= 2) {
			static const char *const keys[][2] = {
				{ "hat_hub", "hub" }, { "hat_wp", "wp" }, { "hat_led", "led" },
				{ "hat_wplink", "wp_link" }, { "hat_xra1200p", "xra1200p" },
			};

			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				if (!strcmp(keys[k][1], "led") && major != 2)
					continue;
				if (hat_attr_read(hat->idx, keys[k][1], buf, sizeof(buf)))
					snprintf(buf, sizeof(buf), "NA");
				printf("%s:%s\n", keys[k][0], buf);
			}
		}
		for (unsigned int s = 1; s <= hat->nslots; s++) {
			bool on = false;

			power_get(&(struct slot){ hat->idx, s }, &on);
			printf("p%u:%d\n", hat->first + s - 1, on);
		}
	}
	for (unsigned int i = 0; i < nboards; i++) {
		const struct board *b = &boards[i];

		if (b->hat && b == hat)
			continue;
		printf("ctrl%u:FW:%s\n", b->idx, b->version);
		for (unsigned int s = 1; s <= b->nslots; s++) {
			bool on = false;

			power_get(&(struct slot){ b->idx, s }, &on);
			printf("p%u:%d\n", b->first + s - 1, on);
		}
	}
	return 0;
}

/* alert/led/hub/wp on|off on every board that has the file (alert: or the listed nodes'). */
static int cmd_attr(const char *name, int argc, char **argv)
{
	int what = argc ? on_off(argv[0]) : -1, ret = 0;
	bool any = false, only[POWER_MAX_HATS] = { 0 }, filter = false;

	if (what < 0 && !(argc == 1 && !strcmp(name, "hub") && !strcmp(argv[0], "reset"))) {
		printf("ERROR: use %s on|off%s\n", name, !strcmp(name, "hub") ? "|reset" : "");
		return 2;
	}
	if (!strcmp(name, "alert") && argc > 1) {
		struct slot slots[POWER_MAX_SLOTS];
		unsigned int n;

		if (parse_devices(argc - 1, argv + 1, slots, &n))
			return 1;
		filter = true;
		for (unsigned int i = 0; i < n; i++)
			for (unsigned int b = 0; b < nboards; b++)
				if (boards[b].idx == slots[i].hat)
					only[b] = true;
	} else if (argc > 1) {
		printf("ERROR: %s takes on or off only\n", name);
		return 2;
	}
	for (unsigned int b = 0; b < nboards; b++) {
		unsigned int idx = boards[b].idx;

		if ((filter && !only[b]) || !has_attr(idx, name))
			continue;
		any = true;
		if (what < 0) {	/* hub reset: off, the delay, on */
			ret |= set_attr(idx, name, false);
			power_sleep_ms(1000);
			ret |= set_attr(idx, name, true);
		} else if (!strcmp(name, "wp") && !what && hat_attr_write(idx, name, "0") == -EPERM) {
			printf("Unable to disable EEPROM WP (Solder link set)\n");
		} else if (!(!strcmp(name, "wp") && !what)) {
			ret |= set_attr(idx, name, what);
		}
	}
	if (!any && !strcmp(name, "hub"))
		printf("ERROR: hub control not supported on this board\n");
	return ret ? 1 : 0;
}

int clusterctrl_main(int argc, char **argv)
{
	const char *prog = argv[0], *cmd = argc > 1 ? argv[1] : NULL;
	int what;

	if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    !strcmp(cmd, "/?")) {
		cc_usage(stdout, prog);
		return 0;
	}
	if (load_boards())
		return 1;
	what = on_off(cmd);
	if (what >= 0)
		return cmd_power(what, argc - 2, argv + 2);
	if (!strcmp(cmd, "status") && argc == 2)
		return cmd_status();
	if (!strcmp(cmd, "maxpi") && argc == 2) {
		printf("%u\n", maxpi);
		return 0;
	}
	if (!strcmp(cmd, "init"))
		return 0;	/* the driver initialises the board when it binds */
	if (!strcmp(cmd, "alert") || !strcmp(cmd, "led") || !strcmp(cmd, "hub") ||
	    !strcmp(cmd, "wp"))
		return cmd_attr(cmd, argc - 2, argv + 2);
	if (!strcmp(cmd, "fan") || !strcmp(cmd, "act") || !strcmp(cmd, "usbboot") ||
	    !strcmp(cmd, "getpath") || !strcmp(cmd, "setorder") || !strncmp(cmd, "save", 4) ||
	    !strcmp(cmd, "reset")) {
		fprintf(stderr, "ERROR: \"%s\" is not supported by clusterlb's clusterctrl "
			"(use the vendor's tool for ClusterCTRL EEPROM settings)\n", cmd);
		return 1;
	}
	fprintf(stderr, "ERROR: unknown command \"%s\"\n", cmd);
	cc_usage(stderr, prog);
	return 2;
}

int do_clusterctrl(struct args *a)
{
	char *argv[POWER_MAX_SLOTS + 8];
	int argc = 0;

	argv[argc++] = "clusterctrl";
	while (arg_peek(a) && argc < (int)(sizeof(argv) / sizeof(argv[0])) - 1)
		argv[argc++] = (char *)arg_next(a);
	argv[argc] = NULL;
	return clusterctrl_main(argc, argv);
}
