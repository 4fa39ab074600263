// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb hat: core of the Cluster HAT / ClusterCTRL power driver.
 *
 * One I2C driver ("clusterhat") binds both kinds of board and hands the
 * hardware to a back end behind struct clusterhat_ops (xra1200.c for the
 * Cluster HAT expander, clusterctrl.c for the ClusterCTRL command
 * registers). The core keeps the registry of bound boards (hatN), the
 * notifier chain and the in-kernel interface of <clusterlb/hat.h>.
 *
 * Nothing here writes to the hardware on load, unbind or unload: only the
 * back ends' probe (safe start-up, see xra1200.c) and explicit requests do.
 */

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/i2c.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/property.h>
#include <linux/string.h>

#include <clusterlb/hat.h>

#include "hat.h"

static int hat_bus = -1;
module_param(hat_bus, int, 0444);
MODULE_PARM_DESC(hat_bus,
		 "Instantiate a Cluster HAT at 0x20 on this I2C bus at load and remove it at unload (default -1: none)");

static char *hat_version = "2.5";
module_param(hat_version, charp, 0444);
MODULE_PARM_DESC(hat_version,
		 "Cluster HAT version MAJOR.MINOR used when the device tree has no HAT EEPROM data (default 2.5)");

/* Registry of bound boards, in probe order. */
static LIST_HEAD(clusterhat_list);
static DEFINE_MUTEX(clusterhat_list_lock);
static DEFINE_IDA(clusterhat_ida);
static BLOCKING_NOTIFIER_HEAD(clusterhat_chain);

/* The client made for hat_bus=, or NULL once it is gone. */
static struct i2c_client *hat_bus_client;
static DEFINE_MUTEX(hat_bus_lock);

const char *clusterhat_version_param(void)
{
	return hat_version;
}

/**
 * clusterhat_parse_version() - parse "MAJOR.MINOR"
 * @s: the text, e.g. "2.5"
 * @major: 1..3 on success
 * @minor: 0..15 on success
 *
 * Return: 0 or -EINVAL.
 */
int clusterhat_parse_version(const char *s, unsigned int *major,
			     unsigned int *minor)
{
	char buf[8];
	char *dot;

	if (!s || strscpy(buf, s, sizeof(buf)) < 0)
		return -EINVAL;
	dot = strchr(buf, '.');
	if (!dot || dot == buf || !dot[1])
		return -EINVAL;
	*dot = '\0';
	if (buf[0] < '0' || buf[0] > '9' || dot[1] < '0' || dot[1] > '9')
		return -EINVAL;
	if (kstrtouint(buf, 10, major) || kstrtouint(dot + 1, 10, minor))
		return -EINVAL;
	if (*major < 1 || *major > 3 || *minor > 15)
		return -EINVAL;
	return 0;
}

/*
 * Log an I/O error once per failure episode: the first error after a
 * success is logged, the next success says so, everything in between is
 * only returned to the caller.
 */
static void clusterhat_io_result(struct clusterhat *hat, int err,
				 const char *what)
{
	lockdep_assert_held(&hat->lock);

	if (!err) {
		if (hat->io_failed)
			dev_info(hat->dev, "hat%u: I/O works again\n", hat->id);
		hat->io_failed = false;
		return;
	}
	if (!hat->io_failed)
		dev_err(hat->dev,
			"hat%u: I/O error %d %s; not logging further errors until a transfer succeeds\n",
			hat->id, err, what);
	hat->io_failed = true;
}

static void clusterhat_notify(unsigned int hat_id, unsigned int slot,
			      unsigned long action, bool on)
{
	struct clusterhat_event ev = {
		.id = { .hat = hat_id, .slot = slot },
		.on = on,
	};

	snprintf(ev.name, sizeof(ev.name), "hat%u/p%u", hat_id, slot);
	blocking_notifier_call_chain(&clusterhat_chain, action, &ev);
}

int clusterhat_get_power(struct clusterhat *hat, unsigned int slot, bool *on)
{
	int err;

	mutex_lock(&hat->lock);
	err = hat->ops->get_power(hat, slot, on);
	clusterhat_io_result(hat, err, "reading slot power");
	mutex_unlock(&hat->lock);
	return err;
}

/* Switch a slot without notifying; *changed tells whether it did. */
static int __clusterhat_set_power(struct clusterhat *hat, unsigned int slot,
				  bool on, bool *changed)
{
	bool old;
	int err;

	*changed = false;
	mutex_lock(&hat->lock);
	err = hat->ops->get_power(hat, slot, &old);
	if (!err && old != on) {
		err = hat->ops->set_power(hat, slot, on);
		*changed = !err;
	}
	clusterhat_io_result(hat, err, "switching slot power");
	mutex_unlock(&hat->lock);
	return err;
}

int clusterhat_set_power(struct clusterhat *hat, unsigned int slot, bool on)
{
	bool changed;
	int err;

	err = __clusterhat_set_power(hat, slot, on, &changed);
	if (changed) {
		dev_dbg(hat->dev, "hat%u/p%u power %s\n", hat->id, slot,
			on ? "on" : "off");
		clusterhat_notify(hat->id, slot, CLUSTERHAT_POWER_CHANGED, on);
	}
	return err;
}

/**
 * clusterhat_set_power_all() - switch every slot, staggering switch-ons
 * @hat: the board
 * @on: new state
 *
 * Slots are visited p1 first. A slot already in the requested state is
 * skipped. When switching on, hat->stagger_ms passes between two nodes
 * actually switched on (not before the first, not after the last), to
 * limit the inrush current. Switching off is not staggered.
 *
 * Return: 0, -EINTR if a signal interrupted the stagger (the slots switched
 * so far stay switched), or the I/O error that stopped the walk.
 */
int clusterhat_set_power_all(struct clusterhat *hat, bool on)
{
	unsigned int slot, stagger, switched = 0;
	bool old;
	int err;

	if (mutex_lock_interruptible(&hat->all_lock))
		return -EINTR;
	for (slot = 1; slot <= hat->nslots; slot++) {
		err = clusterhat_get_power(hat, slot, &old);
		if (err)
			break;
		if (old == on)
			continue;
		stagger = READ_ONCE(hat->stagger_ms);
		if (on && switched && stagger && msleep_interruptible(stagger)) {
			err = -EINTR;
			break;
		}
		err = clusterhat_set_power(hat, slot, on);
		if (err)
			break;
		switched++;
	}
	mutex_unlock(&hat->all_lock);
	return err;
}

int clusterhat_get_feature(struct clusterhat *hat, enum clusterhat_feature f,
			   bool *on)
{
	int err;

	if (!(hat->features & BIT(f)))
		return -EOPNOTSUPP;
	mutex_lock(&hat->lock);
	err = hat->ops->get_feature(hat, f, on);
	clusterhat_io_result(hat, err, "reading a board switch");
	mutex_unlock(&hat->lock);
	return err;
}

int clusterhat_set_feature(struct clusterhat *hat, enum clusterhat_feature f,
			   bool on)
{
	int err;

	if (!(hat->features & BIT(f)))
		return -EOPNOTSUPP;
	mutex_lock(&hat->lock);
	err = hat->ops->set_feature(hat, f, on);
	clusterhat_io_result(hat, err, "writing a board switch");
	mutex_unlock(&hat->lock);
	return err;
}

/* In-kernel interface (<clusterlb/hat.h>). */

int clusterhat_slot_parse(const char *name, struct clusterhat_slot_id *id)
{
	char buf[CLUSTERHAT_SLOT_NAME_LEN];
	char *slash;

	if (!name || strscpy(buf, name, sizeof(buf)) < 0)
		return -EINVAL;
	if (strncmp(buf, "hat", 3))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (!slash || slash[1] != 'p')
		return -EINVAL;
	*slash = '\0';
	/* kstrtouint() would take a leading '+' and a trailing newline. */
	if (!isdigit(buf[3]) || !isdigit(slash[2]) ||
	    strchr(slash + 2, '\n') || strchr(buf, '\n'))
		return -EINVAL;
	if (kstrtouint(buf + 3, 10, &id->hat) ||
	    kstrtouint(slash + 2, 10, &id->slot) || !id->slot)
		return -EINVAL;
	return 0;
}

/* Caller holds clusterhat_list_lock. */
static struct clusterhat *clusterhat_find(const struct clusterhat_slot_id *id)
{
	struct clusterhat *hat;

	lockdep_assert_held(&clusterhat_list_lock);
	list_for_each_entry(hat, &clusterhat_list, node)
		if (hat->live && hat->id == id->hat)
			return id->slot >= 1 && id->slot <= hat->nslots ?
			       hat : NULL;
	return NULL;
}

int clusterhat_slot_get_power(const struct clusterhat_slot_id *id)
{
	struct clusterhat *hat;
	bool on = false;
	int err = -ENODEV;

	mutex_lock(&clusterhat_list_lock);
	hat = clusterhat_find(id);
	if (hat)
		err = clusterhat_get_power(hat, id->slot, &on);
	mutex_unlock(&clusterhat_list_lock);
	return err ? err : on;
}

int clusterhat_slot_set_power(const struct clusterhat_slot_id *id, bool on)
{
	struct clusterhat *hat;
	bool changed = false;
	int err = -ENODEV;

	mutex_lock(&clusterhat_list_lock);
	hat = clusterhat_find(id);
	if (hat)
		err = __clusterhat_set_power(hat, id->slot, on, &changed);
	mutex_unlock(&clusterhat_list_lock);
	/* Outside every lock: callbacks may call back into this interface. */
	if (changed)
		clusterhat_notify(id->hat, id->slot, CLUSTERHAT_POWER_CHANGED,
				  on);
	return err;
}

int clusterhat_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&clusterhat_chain, nb);
}

int clusterhat_unregister_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&clusterhat_chain, nb);
}

/* Board registration; every step is undone by devm in reverse. */

static void clusterhat_free_id(void *data)
{
	struct clusterhat *hat = data;

	mutex_lock(&clusterhat_list_lock);
	list_del(&hat->node);
	ida_free(&clusterhat_ida, hat->id);
	mutex_unlock(&clusterhat_list_lock);
}

/*
 * Pick N of hatN: the board's rank by sort key (HATs first, then ClusterCTRL
 * boards by their ORDER register) among the boards bound so far, or the
 * lowest free number if that one is taken (a board with a lower ORDER that
 * arrives after one with a higher ORDER).
 */
static int clusterhat_alloc_id(struct clusterhat *hat)
{
	struct clusterhat *other;
	unsigned int rank = 0;
	int id;

	mutex_lock(&clusterhat_list_lock);
	list_for_each_entry(other, &clusterhat_list, node)
		if (other->sort_key <= hat->sort_key)
			rank++;
	id = ida_alloc_range(&clusterhat_ida, rank, rank, GFP_KERNEL);
	if (id < 0)
		id = ida_alloc(&clusterhat_ida, GFP_KERNEL);
	if (id >= 0) {
		hat->id = id;
		list_add_tail(&hat->node, &clusterhat_list);
	}
	mutex_unlock(&clusterhat_list_lock);
	if (id < 0)
		return id;
	if (id != rank)
		dev_info(hat->dev, "hat%d: number %u by ORDER is taken\n",
			 id, rank);
	return devm_add_action_or_reset(hat->dev, clusterhat_free_id, hat);
}

static void clusterhat_unpublish(void *data)
{
	struct clusterhat *hat = data;
	unsigned int slot;

	mutex_lock(&clusterhat_list_lock);
	hat->live = false;
	mutex_unlock(&clusterhat_list_lock);
	for (slot = 1; slot <= hat->nslots; slot++)
		clusterhat_notify(hat->id, slot, CLUSTERHAT_SLOT_REMOVED,
				  false);
}

static int clusterhat_publish(struct clusterhat *hat)
{
	unsigned int slot;
	bool on;

	mutex_lock(&clusterhat_list_lock);
	hat->live = true;
	mutex_unlock(&clusterhat_list_lock);
	for (slot = 1; slot <= hat->nslots; slot++) {
		if (clusterhat_get_power(hat, slot, &on))
			on = false;
		clusterhat_notify(hat->id, slot, CLUSTERHAT_SLOT_ADDED, on);
	}
	return devm_add_action_or_reset(hat->dev, clusterhat_unpublish, hat);
}

static void clusterhat_unregister_cdev(void *data)
{
	device_unregister(data);
}

static int clusterhat_i2c_probe(struct i2c_client *client)
{
	struct device *dev = &client->dev;
	const struct i2c_device_id *match;
	struct clusterhat *hat;
	uintptr_t kind;
	int err;

	kind = (uintptr_t)device_get_match_data(dev);
	if (!kind) {
		match = i2c_client_get_device_id(client);
		kind = match ? match->driver_data : 0;
	}

	hat = devm_kzalloc(dev, sizeof(*hat), GFP_KERNEL);
	if (!hat)
		return -ENOMEM;
	hat->dev = dev;
	hat->client = client;
	mutex_init(&hat->lock);
	mutex_init(&hat->all_lock);
	INIT_LIST_HEAD(&hat->node);
	hat->stagger_ms = CLUSTERHAT_STAGGER_MS_DEFAULT;
	i2c_set_clientdata(client, hat);

	switch (kind) {
	case CLUSTERHAT_KIND_XRA1200:
		err = clusterhat_xra1200_probe(hat);
		break;
	case CLUSTERHAT_KIND_CTRL:
		err = clusterhat_ctrl_probe(hat);
		break;
	default:
		err = -ENODEV;
		break;
	}
	if (err)
		return err;

	err = clusterhat_sysfs_init_groups(hat);
	if (err)
		return err;
	err = clusterhat_alloc_id(hat);
	if (err)
		return err;
	err = clusterhat_publish(hat);
	if (err)
		return err;

	hat->cdev = device_create_with_groups(&clusterhat_class, dev, 0, hat,
					      hat->groups, "hat%u", hat->id);
	if (IS_ERR(hat->cdev))
		return dev_err_probe(dev, PTR_ERR(hat->cdev),
				     "creating class device hat%u\n", hat->id);
	err = devm_add_action_or_reset(dev, clusterhat_unregister_cdev,
				       hat->cdev);
	if (err)
		return err;

	err = clusterhat_leds_register(hat);
	if (err)
		return err;

	dev_info(dev, "hat%u: %s version %s, %u slots\n", hat->id, hat->type,
		 hat->version, hat->nslots);
	return 0;
}

static const struct i2c_device_id clusterhat_i2c_ids[] = {
	{ "clusterhat", CLUSTERHAT_KIND_XRA1200 },
	{ "clusterctrl", CLUSTERHAT_KIND_CTRL },
	{ }
};
MODULE_DEVICE_TABLE(i2c, clusterhat_i2c_ids);

static const struct of_device_id clusterhat_of_ids[] = {
	{
		.compatible = "8086,clusterhat",
		.data = (void *)CLUSTERHAT_KIND_XRA1200,
	},
	{ }
};
MODULE_DEVICE_TABLE(of, clusterhat_of_ids);

/* ClusterCTRL boards are found by clusterhat_ctrl_detect() at 0x20. */
static const unsigned short clusterhat_ctrl_addrs[] = {
	CLUSTERHAT_I2C_ADDR, I2C_CLIENT_END
};

static struct i2c_driver clusterhat_i2c_driver = {
	.driver = {
		.name = "clusterhat",
		.of_match_table = clusterhat_of_ids,
	},
	.CLUSTERLB_I2C_PROBE = clusterhat_i2c_probe,
	.id_table = clusterhat_i2c_ids,
	.class = I2C_CLASS_HWMON,
	.detect = clusterhat_ctrl_detect,
	.address_list = clusterhat_ctrl_addrs,
};

/*
 * hat_bus=: the client is ours to remove at unload, unless its adapter goes
 * first (i2c_del_adapter() unregisters it): forget it then.
 */
static int clusterhat_bus_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct device *dev = data;

	if (action != BUS_NOTIFY_DEL_DEVICE)
		return NOTIFY_DONE;
	mutex_lock(&hat_bus_lock);
	if (hat_bus_client && dev == &hat_bus_client->dev)
		hat_bus_client = NULL;
	mutex_unlock(&hat_bus_lock);
	return NOTIFY_DONE;
}

static struct notifier_block clusterhat_bus_nb = {
	.notifier_call = clusterhat_bus_notify,
};

static int clusterhat_instantiate(void)
{
	struct i2c_board_info info = {
		I2C_BOARD_INFO("clusterhat", CLUSTERHAT_I2C_ADDR),
	};
	struct i2c_adapter *adap;
	struct i2c_client *client;

	if (hat_bus < 0)
		return 0;
	adap = i2c_get_adapter(hat_bus);
	if (!adap) {
		pr_err("hat_bus=%d: no such I2C bus\n", hat_bus);
		return -ENODEV;
	}
	client = i2c_new_client_device(adap, &info);
	i2c_put_adapter(adap);
	if (IS_ERR(client)) {
		pr_err("hat_bus=%d: cannot create the device: %ld\n", hat_bus,
		       PTR_ERR(client));
		return PTR_ERR(client);
	}
	if (!READ_ONCE(client->dev.driver)) {
		pr_err("hat_bus=%d: no Cluster HAT bound at 0x%02x\n", hat_bus,
		       CLUSTERHAT_I2C_ADDR);
		i2c_unregister_device(client);
		return -ENODEV;
	}
	mutex_lock(&hat_bus_lock);
	hat_bus_client = client;
	mutex_unlock(&hat_bus_lock);
	return 0;
}

static void clusterhat_uninstantiate(void)
{
	struct i2c_client *client;

	mutex_lock(&hat_bus_lock);
	client = hat_bus_client;
	hat_bus_client = NULL;
	mutex_unlock(&hat_bus_lock);
	/* Unbinding leaves the hardware as it is. */
	i2c_unregister_device(client);
}

/*
 * Order: class (sysfs home), bus notifier (hat_bus= bookkeeping), driver,
 * hat_bus= device. clusterlb_hat_exit() undoes them in exact reverse.
 */
int clusterlb_hat_init(void)
{
	unsigned int major, minor;
	int err;

	if (clusterhat_parse_version(hat_version, &major, &minor)) {
		pr_err("hat_version=%s: expected MAJOR.MINOR, e.g. 2.5\n",
		       hat_version);
		return -EINVAL;
	}

	err = class_register(&clusterhat_class);
	if (err) {
		pr_err("registering class clusterhat: %d\n", err);
		return err;
	}
	err = bus_register_notifier(&i2c_bus_type, &clusterhat_bus_nb);
	if (err) {
		pr_err("registering the I2C bus notifier: %d\n", err);
		goto err_class;
	}
	err = i2c_add_driver(&clusterhat_i2c_driver);
	if (err) {
		pr_err("registering the I2C driver: %d\n", err);
		goto err_notifier;
	}
	err = clusterhat_instantiate();
	if (err)
		goto err_driver;
	return 0;

err_driver:
	i2c_del_driver(&clusterhat_i2c_driver);
err_notifier:
	bus_unregister_notifier(&i2c_bus_type, &clusterhat_bus_nb);
err_class:
	class_unregister(&clusterhat_class);
	return err;
}

void clusterlb_hat_exit(void)
{
	clusterhat_uninstantiate();
	i2c_del_driver(&clusterhat_i2c_driver);
	bus_unregister_notifier(&i2c_bus_type, &clusterhat_bus_nb);
	class_unregister(&clusterhat_class);
}
