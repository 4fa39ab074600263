/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlb: in-module interface of the Cluster HAT power driver (hat).
 *
 * The hat part of clusterlb.ko knows nothing of balancing or netlink. Other
 * parts of the module (the balancer) use this header to learn whether a slot
 * is powered, to switch it, and to be told when its power changes. No
 * pointer into the hat part escapes: slots are named by value, with a
 * struct clusterhat_slot_id or the text form "hat0/p2", so a board that is
 * unbound between two calls only makes the next call return -ENODEV.
 *
 * See Documentation/hat.md.
 */
#ifndef _CLUSTERLB_HAT_H
#define _CLUSTERLB_HAT_H

#include <linux/notifier.h>
#include <linux/types.h>

/* Longest slot name, "hat4294967295/p4294967295", with its NUL. */
#define CLUSTERHAT_SLOT_NAME_LEN	26

/**
 * struct clusterhat_slot_id - identity of one node slot
 * @hat: board number N of /sys/class/clusterhat/hatN
 * @slot: slot number P of hatN/pP, counted from 1
 */
struct clusterhat_slot_id {
	unsigned int hat;
	unsigned int slot;
};

/**
 * enum clusterhat_event_type - notifier actions
 * @CLUSTERHAT_POWER_CHANGED: the slot's power changed; the new state is in
 *	&clusterhat_event.on
 * @CLUSTERHAT_SLOT_ADDED: a board was bound and this slot now exists;
 *	&clusterhat_event.on is its power at that time
 * @CLUSTERHAT_SLOT_REMOVED: the board is being unbound and this slot will
 *	stop existing; &clusterhat_event.on is false. The node's power itself
 *	is left as it is.
 */
enum clusterhat_event_type {
	CLUSTERHAT_POWER_CHANGED = 1,
	CLUSTERHAT_SLOT_ADDED,
	CLUSTERHAT_SLOT_REMOVED,
};

/**
 * struct clusterhat_event - data passed to a notifier callback
 * @id: the slot
 * @name: the slot's name, e.g. "hat0/p2"
 * @on: the slot's power (see &enum clusterhat_event_type)
 *
 * The event is only valid during the callback: copy what you need.
 */
struct clusterhat_event {
	struct clusterhat_slot_id id;
	char name[CLUSTERHAT_SLOT_NAME_LEN];
	bool on;
};

/**
 * clusterhat_slot_parse() - parse a slot name
 * @name: "hatN/pP" (N from 0, P from 1), without a trailing newline
 * @id: filled in on success
 *
 * Only the syntax is checked: the slot need not exist.
 *
 * Return: 0, or -EINVAL if @name is not of that form.
 */
int clusterhat_slot_parse(const char *name, struct clusterhat_slot_id *id);

/**
 * clusterhat_slot_get_power() - read a slot's power from the hardware
 * @id: the slot
 *
 * Context: process context; may sleep (I2C transfer).
 * Return: 1 if the slot is powered, 0 if not, -ENODEV if no such slot is
 * bound, or the negative error of the failed I2C transfer.
 */
int clusterhat_slot_get_power(const struct clusterhat_slot_id *id);

/**
 * clusterhat_slot_set_power() - switch a slot on or off
 * @id: the slot
 * @on: true to power the node, false to cut its power
 *
 * If the power changes, the notifier chain is called with
 * %CLUSTERHAT_POWER_CHANGED after the hardware was written and with no
 * lock of the hat part held, so callbacks may call this interface.
 *
 * Context: process context; may sleep.
 * Return: 0 (also when the slot already was in that state), -ENODEV if no
 * such slot is bound, or the negative error of the failed I2C transfer.
 */
int clusterhat_slot_set_power(const struct clusterhat_slot_id *id, bool on);

/**
 * clusterhat_register_notifier() - be told about slots and power changes
 * @nb: notifier block; @nb->notifier_call gets an action of
 *	&enum clusterhat_event_type and a struct clusterhat_event *
 *
 * The chain is a blocking notifier chain: callbacks run in process context,
 * may sleep, and are called for every power change made through sysfs, the
 * LED class device excepted (it only drives the ALERT LED), or this
 * interface. Changes made behind the driver's back (for example with
 * i2cset) are not seen. Slots that exist when @nb is registered are not
 * replayed; walk them with clusterhat_slot_get_power() if needed.
 *
 * Return: 0 or a negative error from blocking_notifier_chain_register().
 */
int clusterhat_register_notifier(struct notifier_block *nb);

/**
 * clusterhat_unregister_notifier() - undo clusterhat_register_notifier()
 * @nb: the block that was registered
 *
 * Return: 0, or -ENOENT if @nb was not registered.
 */
int clusterhat_unregister_notifier(struct notifier_block *nb);

/* Module wiring, called by main.c only: hat comes up first, goes down last. */
int clusterlb_hat_init(void);
void clusterlb_hat_exit(void);

#endif /* _CLUSTERLB_HAT_H */
