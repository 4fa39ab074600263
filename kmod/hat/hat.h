/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusterlb hat: internal definitions shared by the core, the sysfs and LED
 * front ends and the two hardware back ends.
 */
#ifndef _CLUSTERLB_HAT_INTERNAL_H
#define _CLUSTERLB_HAT_INTERNAL_H

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/i2c.h>
#include <linux/leds.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "../compat.h"

/* I2C address of the expander on a Cluster HAT v2.x and of a ClusterCTRL. */
#define CLUSTERHAT_I2C_ADDR		0x20

#define CLUSTERHAT_STAGGER_MS_DEFAULT	1000
#define CLUSTERHAT_STAGGER_MS_MAX	60000

/**
 * enum clusterhat_kind - which back end drives a board
 * @CLUSTERHAT_KIND_XRA1200: Cluster HAT v2.x/v3.x, XRA1200P or PCA9554
 * @CLUSTERHAT_KIND_CTRL: ClusterCTRL USB board (command registers)
 */
enum clusterhat_kind {
	CLUSTERHAT_KIND_XRA1200 = 1,
	CLUSTERHAT_KIND_CTRL,
};

/**
 * enum clusterhat_feature - board-level switches besides slot power
 * @CLUSTERHAT_F_ALERT: the ALERT LED
 * @CLUSTERHAT_F_LED: enable of the power and Px LEDs
 * @CLUSTERHAT_F_HUB: the USB hub (true = hub enabled, whatever the polarity)
 * @CLUSTERHAT_F_WP: HAT EEPROM write protect
 * @CLUSTERHAT_F_NR: number of features
 */
enum clusterhat_feature {
	CLUSTERHAT_F_ALERT,
	CLUSTERHAT_F_LED,
	CLUSTERHAT_F_HUB,
	CLUSTERHAT_F_WP,
	CLUSTERHAT_F_NR,
};

struct clusterhat;

/**
 * struct clusterhat_ops - hardware back end
 * @get_power: read slot @slot (1-based)
 * @set_power: switch slot @slot (1-based)
 * @get_feature: read a board-level switch the board has (hat->features)
 * @set_feature: write a board-level switch the board has
 *
 * All callbacks are called with &clusterhat.lock held and return 0 or the
 * negative error of the transfer that failed.
 */
struct clusterhat_ops {
	int (*get_power)(struct clusterhat *hat, unsigned int slot, bool *on);
	int (*set_power)(struct clusterhat *hat, unsigned int slot, bool on);
	int (*get_feature)(struct clusterhat *hat, enum clusterhat_feature f,
			   bool *on);
	int (*set_feature)(struct clusterhat *hat, enum clusterhat_feature f,
			   bool on);
};

/**
 * struct clusterhat - one board (hatN)
 * @dev: the I2C client's device; owns every devm resource
 * @client: the I2C client
 * @cdev: the class device /sys/class/clusterhat/hatN
 * @ops: back end
 * @priv: back end data
 * @lock: serialises hardware access and the read-modify-writes
 * @all_lock: serialises writers of power_all (held across the stagger)
 * @node: entry in the registry
 * @live: visible to the in-kernel interface
 * @id: N of hatN
 * @sort_key: position among boards: 0 for a HAT, ORDER for a ClusterCTRL
 * @nslots: number of slots, p1..pN
 * @features: bit mask of &enum clusterhat_feature the board has
 * @type: value of the type attribute
 * @version: value of the version attribute
 * @stagger_ms: delay between two nodes switched on by power_all
 * @io_failed: an I/O error was logged and no transfer succeeded since
 * @groups: attribute groups p1..pN of @cdev, NULL-terminated
 * @led: ALERT LED class device
 */
struct clusterhat {
	struct device *dev;
	struct i2c_client *client;
	struct device *cdev;
	const struct clusterhat_ops *ops;
	void *priv;
	struct mutex lock;	/* hardware access, see @lock above */
	struct mutex all_lock;	/* power_all writers, see @all_lock */
	struct list_head node;
	bool live;
	unsigned int id;
	unsigned int sort_key;
	unsigned int nslots;
	unsigned long features;
	const char *type;
	char version[16];
	unsigned int stagger_ms;
	bool io_failed;
	const struct attribute_group **groups;
	struct led_classdev led;
};

/* core.c */
int clusterhat_get_power(struct clusterhat *hat, unsigned int slot, bool *on);
int clusterhat_set_power(struct clusterhat *hat, unsigned int slot, bool on);
int clusterhat_set_power_all(struct clusterhat *hat, bool on);
int clusterhat_get_feature(struct clusterhat *hat, enum clusterhat_feature f,
			   bool *on);
int clusterhat_set_feature(struct clusterhat *hat, enum clusterhat_feature f,
			   bool on);
int clusterhat_parse_version(const char *s, unsigned int *major,
			     unsigned int *minor);
const char *clusterhat_version_param(void);

/* sysfs.c */
extern CLUSTERLB_CLASS_CONST struct class clusterhat_class;
int clusterhat_sysfs_init_groups(struct clusterhat *hat);
int clusterhat_parse_bool(const char *buf, size_t count, bool *val);

/* leds.c */
int clusterhat_leds_register(struct clusterhat *hat);

/* xra1200.c */
int clusterhat_xra1200_probe(struct clusterhat *hat);

/* clusterctrl.c */
int clusterhat_ctrl_probe(struct clusterhat *hat);
int clusterhat_ctrl_detect(struct i2c_client *client,
			   struct i2c_board_info *info);

#endif /* _CLUSTERLB_HAT_INTERNAL_H */
