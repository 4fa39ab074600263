// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb hat: the sysfs ABI, class "clusterhat".
 *
 * /sys/class/clusterhat/hatN/ holds the board attributes (class
 * dev_groups, hidden where the board lacks the switch) and one named group
 * per slot, p1/ .. pN/, each holding a single "power" file. Every file is
 * created by the driver core when the class device is added. See
 * Documentation/ABI/testing/sysfs-class-clusterhat.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "hat.h"

/**
 * clusterhat_parse_bool() - strict boolean for sysfs stores
 * @buf: what was written
 * @count: its length
 * @val: the value on success
 *
 * Accepts exactly "1", "on", "0" or "off", with at most one trailing
 * newline. Unlike kstrtobool(), which looks at the first two characters
 * only, "onn", "10" or "1\0junk" are rejected.
 *
 * Return: 0 or -EINVAL.
 */
int clusterhat_parse_bool(const char *buf, size_t count, bool *val)
{
	size_t len = count;

	if (memchr(buf, '\0', count))
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	if ((len == 1 && buf[0] == '1') || (len == 2 && !memcmp(buf, "on", 2))) {
		*val = true;
		return 0;
	}
	if ((len == 1 && buf[0] == '0') || (len == 3 && !memcmp(buf, "off", 3))) {
		*val = false;
		return 0;
	}
	return -EINVAL;
}

static ssize_t feature_show(struct device *dev, enum clusterhat_feature f,
			    char *buf)
{
	struct clusterhat *hat = dev_get_drvdata(dev);
	bool on;
	int err;

	err = clusterhat_get_feature(hat, f, &on);
	if (err)
		return err;
	return sysfs_emit(buf, "%d\n", on);
}

static ssize_t feature_store(struct device *dev, enum clusterhat_feature f,
			     const char *buf, size_t count)
{
	struct clusterhat *hat = dev_get_drvdata(dev);
	bool on;
	int err;

	err = clusterhat_parse_bool(buf, count, &on);
	if (err)
		return err;
	err = clusterhat_set_feature(hat, f, on);
	return err ? err : count;
}

static ssize_t alert_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return feature_show(dev, CLUSTERHAT_F_ALERT, buf);
}

static ssize_t alert_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	return feature_store(dev, CLUSTERHAT_F_ALERT, buf, count);
}
static DEVICE_ATTR_RW(alert);

static ssize_t led_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return feature_show(dev, CLUSTERHAT_F_LED, buf);
}

static ssize_t led_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	return feature_store(dev, CLUSTERHAT_F_LED, buf, count);
}
static DEVICE_ATTR_RW(led);

static ssize_t hub_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return feature_show(dev, CLUSTERHAT_F_HUB, buf);
}

static ssize_t hub_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	return feature_store(dev, CLUSTERHAT_F_HUB, buf, count);
}
static DEVICE_ATTR_RW(hub);

static ssize_t wp_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return feature_show(dev, CLUSTERHAT_F_WP, buf);
}

static ssize_t wp_store(struct device *dev, struct device_attribute *attr,
			const char *buf, size_t count)
{
	return feature_store(dev, CLUSTERHAT_F_WP, buf, count);
}
static DEVICE_ATTR_RW(wp);

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct clusterhat *hat = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", hat->type);
}
static DEVICE_ATTR_RO(type);

static ssize_t version_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct clusterhat *hat = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", hat->version);
}
static DEVICE_ATTR_RO(version);

static ssize_t slots_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct clusterhat *hat = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", hat->nslots);
}
static DEVICE_ATTR_RO(slots);

static ssize_t power_all_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct clusterhat *hat = dev_get_drvdata(dev);
	unsigned int slot;
	bool on, all = true;
	int err;

	for (slot = 1; slot <= hat->nslots; slot++) {
		err = clusterhat_get_power(hat, slot, &on);
		if (err)
			return err;
		all &= on;
	}
	return sysfs_emit(buf, "%d\n", all);
}

static ssize_t power_all_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t count)
{
	struct clusterhat *hat = dev_get_drvdata(dev);
	bool on;
	int err;

	err = clusterhat_parse_bool(buf, count, &on);
	if (err)
		return err;
	err = clusterhat_set_power_all(hat, on);
	return err ? err : count;
}
static DEVICE_ATTR_RW(power_all);

static ssize_t stagger_ms_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct clusterhat *hat = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(hat->stagger_ms));
}

static ssize_t stagger_ms_store(struct device *dev,
				struct device_attribute *attr, const char *buf,
				size_t count)
{
	struct clusterhat *hat = dev_get_drvdata(dev);
	unsigned int ms;

	/* kstrtouint() stops at a NUL: refuse "5\0junk" here. */
	if (memchr(buf, '\0', count) || !count || buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	if (kstrtouint(buf, 10, &ms) || ms > CLUSTERHAT_STAGGER_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(hat->stagger_ms, ms);
	return count;
}
static DEVICE_ATTR_RW(stagger_ms);

static struct attribute *clusterhat_attrs[] = {
	&dev_attr_alert.attr,
	&dev_attr_led.attr,
	&dev_attr_hub.attr,
	&dev_attr_wp.attr,
	&dev_attr_type.attr,
	&dev_attr_version.attr,
	&dev_attr_slots.attr,
	&dev_attr_power_all.attr,
	&dev_attr_stagger_ms.attr,
	NULL
};

static umode_t clusterhat_attr_visible(struct kobject *kobj,
				       struct attribute *attr, int n)
{
	struct clusterhat *hat = dev_get_drvdata(kobj_to_dev(kobj));
	enum clusterhat_feature f;

	if (attr == &dev_attr_alert.attr)
		f = CLUSTERHAT_F_ALERT;
	else if (attr == &dev_attr_led.attr)
		f = CLUSTERHAT_F_LED;
	else if (attr == &dev_attr_hub.attr)
		f = CLUSTERHAT_F_HUB;
	else if (attr == &dev_attr_wp.attr)
		f = CLUSTERHAT_F_WP;
	else
		return attr->mode;
	return hat->features & BIT(f) ? attr->mode : 0;
}

static const struct attribute_group clusterhat_group = {
	.attrs = clusterhat_attrs,
	.is_visible = clusterhat_attr_visible,
};
__ATTRIBUTE_GROUPS(clusterhat);

CLUSTERLB_CLASS_CONST struct class clusterhat_class = {
	.name = "clusterhat",
	.dev_groups = clusterhat_groups,
};

/* Per-slot group pN/ holding "power". */

struct clusterhat_slot_sysfs {
	struct device_attribute power;
	unsigned int slot;
	struct attribute *attrs[2];
	struct attribute_group group;
	char name[12];
};

static ssize_t slot_power_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct clusterhat_slot_sysfs *s =
		container_of(attr, struct clusterhat_slot_sysfs, power);
	struct clusterhat *hat = dev_get_drvdata(dev);
	bool on;
	int err;

	err = clusterhat_get_power(hat, s->slot, &on);
	if (err)
		return err;
	return sysfs_emit(buf, "%d\n", on);
}

static ssize_t slot_power_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct clusterhat_slot_sysfs *s =
		container_of(attr, struct clusterhat_slot_sysfs, power);
	struct clusterhat *hat = dev_get_drvdata(dev);
	bool on;
	int err;

	err = clusterhat_parse_bool(buf, count, &on);
	if (err)
		return err;
	err = clusterhat_set_power(hat, s->slot, on);
	return err ? err : count;
}

/**
 * clusterhat_sysfs_init_groups() - build hat->groups for p1..pN
 * @hat: the board, with nslots set
 *
 * The groups are passed to the driver core when the class device is
 * created, never added afterwards. Memory is devm on the I2C device, so it
 * outlives the class device (removed earlier by devm) and with it every
 * sysfs access.
 *
 * Return: 0 or -ENOMEM.
 */
int clusterhat_sysfs_init_groups(struct clusterhat *hat)
{
	struct clusterhat_slot_sysfs *s;
	unsigned int i;

	s = devm_kcalloc(hat->dev, hat->nslots, sizeof(*s), GFP_KERNEL);
	hat->groups = devm_kcalloc(hat->dev, hat->nslots + 1,
				   sizeof(*hat->groups), GFP_KERNEL);
	if (!s || !hat->groups)
		return -ENOMEM;

	for (i = 0; i < hat->nslots; i++) {
		s[i].slot = i + 1;
		snprintf(s[i].name, sizeof(s[i].name), "p%u", i + 1);
		sysfs_attr_init(&s[i].power.attr);
		s[i].power.attr.name = "power";
		s[i].power.attr.mode = 0644;
		s[i].power.show = slot_power_show;
		s[i].power.store = slot_power_store;
		s[i].attrs[0] = &s[i].power.attr;
		s[i].group.name = s[i].name;
		s[i].group.attrs = s[i].attrs;
		hat->groups[i] = &s[i].group;
	}
	return 0;
}
