/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clusterhat sysfs class as power.c reads it, shared with poweroff.c
 * and clusterctrl.c. $CLUSTERHAT_SYSFS replaces /sys/class/clusterhat.
 */
#ifndef CLUSTERLBCTL_POWER_H
#define CLUSTERLBCTL_POWER_H

#include <stdbool.h>
#include <stddef.h>

#define POWER_MAX_HATS		16
#define POWER_MAX_SLOTS		64

struct hat {
	unsigned int idx;	/* N of hatN */
	unsigned int nslots;
};

struct slot {
	unsigned int hat, slot;
};

const char *hat_class_dir(void);
/* A small sysfs file into buf, newline stripped: 0 or -errno. */
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_write(const char *path, const char *val);
/* A board attribute (hatN/NAME) into buf: 0 or -errno. */
int hat_attr_read(unsigned int hat, const char *name, char *buf, size_t len);
int hat_attr_write(unsigned int hat, const char *name, const char *val);

/* The boards present, sorted; -1 after printing an error. */
int power_list_hats(struct hat *hats, unsigned int *n);
/* Slot power: EXIT_OK or EXIT_KERNEL (message printed). */
int power_get(const struct slot *s, bool *on);
int power_set(const struct slot *s, bool on);
/* Switch slots, staggering switch-ons; "all" through power_all. */
int power_switch_slots(const struct slot *slots, unsigned int n, bool on);
int power_switch_all(const struct hat *hats, unsigned int nhats, bool on);
void power_sleep_ms(unsigned int ms);

/*
 * After "power on ... wait": wait until the link of every slot is up
 * (poweroff.c). EXIT_OK, or EXIT_KERNEL naming the nodes that did not come
 * up within timeout seconds.
 */
int power_wait_up(const struct slot *slots, unsigned int n, unsigned int timeout);

#endif
