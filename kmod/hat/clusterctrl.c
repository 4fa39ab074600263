// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb hat: ClusterCTRL back end (Single, Triple, Stack, A+6, pHAT,
 * DA). These USB boards run the i2c-tiny-usb protocol, so the kernel's
 * i2c-tiny-usb driver makes each one an I2C bus, and their firmware emulates
 * a register file at 0x20: a command is run by writing its argument to
 * DATA0 and its code to CMD; CMD reads back non-zero until the command is
 * done, then STATUS holds the result (hardware.md section 3).
 *
 * Binding: clusterhat_ctrl_detect() claims 0x20 on an i2c-tiny-usb bus
 * whose USB device is 3171:0011..0016 with REG_VERSION 2, or by hand with
 * "echo clusterctrl 0x20 > /sys/bus/i2c/devices/i2c-N/new_device".
 *
 * Like the expander back end, probing only reads: nothing is switched.
 */

#include <linux/delay.h>
#include <linux/i2c.h>
#include <linux/jiffies.h>
#include <linux/string.h>
#include <linux/usb.h>

#include "hat.h"

#define CTRL_REG_VERSION	0x00
#define CTRL_REG_MAXPI		0x01
#define CTRL_REG_ORDER		0x02
#define CTRL_REG_TYPE		0x04
#define CTRL_REG_DATA1		0x0b
#define CTRL_REG_DATA0		0x0c
#define CTRL_REG_CMD		0x0d
#define CTRL_REG_STATUS		0x0e

#define CTRL_LAYOUT_VERSION	0x02
#define CTRL_MAXPI_MAX		32

#define CTRL_CMD_ON		0x03
#define CTRL_CMD_OFF		0x04
#define CTRL_CMD_ALERT_ON	0x05
#define CTRL_CMD_ALERT_OFF	0x06
#define CTRL_CMD_GET_PSTATUS	0x0f
#define CTRL_CMD_GET_DATA	0xf2
#define CTRL_DATA_VERSION	0x00

#define CTRL_STATUS_OK		0x00
#define CTRL_STATUS_UNSUPPORTED	0x01
#define CTRL_STATUS_NO_PI	0x02
#define CTRL_STATUS_UNKNOWN	0x03

#define CTRL_TYPE_DA		0x00
#define CTRL_TYPE_TRIPLE	0x01
#define CTRL_TYPE_PHAT		0x02
#define CTRL_TYPE_A6		0x03	/* also the Single, see below */
#define CTRL_TYPE_STACK		0x04

/* Offsets of the little-endian IDs in the USB device descriptor. */
#define USB_DESC_VENDOR		8
#define USB_DESC_PRODUCT	10

#define CTRL_USB_VID		0x3171
#define CTRL_USB_PID_FIRST	0x0011
#define CTRL_USB_PID_SINGLE	0x0015
#define CTRL_USB_PID_LAST	0x0016

/* HUB_CYCLE is the slowest command (>= 100 ms); nothing we send is. */
#define CTRL_CMD_TIMEOUT_MS	500

/**
 * struct clusterctrl - back end data
 * @alert: last value written to ALERT; the firmware cannot read it back
 */
struct clusterctrl {
	bool alert;
};

/*
 * Wait until CMD reads 0. While a command is pending the firmware NAKs every
 * write message (i2c_do_emulated()), including the register-pointer write
 * that starts this very read: a NAK (-ENXIO from i2c-tiny-usb, -EREMOTEIO
 * from other adapters) means "busy" too, not a failure.
 */
static int ctrl_wait(struct i2c_client *client)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(CTRL_CMD_TIMEOUT_MS);
	int v;

	for (;;) {
		v = i2c_smbus_read_byte_data(client, CTRL_REG_CMD);
		if (!v)
			return 0;
		if (v < 0 && v != -ENXIO && v != -EREMOTEIO)
			return v;
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
}

/*
 * Run @cmd with DATA0 = @data0 (if @data0 >= 0); on success *@result (if
 * not NULL) is DATA0 afterwards.
 */
static int ctrl_cmd(struct i2c_client *client, u8 cmd, int data0, u8 *result)
{
	int err;

	err = ctrl_wait(client);
	if (!err && data0 >= 0)
		err = i2c_smbus_write_byte_data(client, CTRL_REG_DATA0, data0);
	if (!err)
		err = i2c_smbus_write_byte_data(client, CTRL_REG_CMD, cmd);
	if (!err)
		err = ctrl_wait(client);
	if (err)
		return err;

	err = i2c_smbus_read_byte_data(client, CTRL_REG_STATUS);
	if (err < 0)
		return err;
	switch (err) {
	case CTRL_STATUS_OK:
		break;
	case CTRL_STATUS_UNSUPPORTED:
	case CTRL_STATUS_UNKNOWN:
		return -EOPNOTSUPP;
	case CTRL_STATUS_NO_PI:
		return -ENODEV;
	default:
		return -EIO;
	}
	if (!result)
		return 0;
	err = i2c_smbus_read_byte_data(client, CTRL_REG_DATA0);
	if (err < 0)
		return err;
	*result = err;
	return 0;
}

static int ctrl_get_power(struct clusterhat *hat, unsigned int slot, bool *on)
{
	u8 v;
	int err;

	err = ctrl_cmd(hat->client, CTRL_CMD_GET_PSTATUS, slot, &v);
	if (!err)
		*on = v == 1;
	return err;
}

static int ctrl_set_power(struct clusterhat *hat, unsigned int slot, bool on)
{
	return ctrl_cmd(hat->client, on ? CTRL_CMD_ON : CTRL_CMD_OFF, slot,
			NULL);
}

static int ctrl_get_feature(struct clusterhat *hat, enum clusterhat_feature f,
			    bool *on)
{
	struct clusterctrl *c = hat->priv;

	if (f != CLUSTERHAT_F_ALERT)
		return -EOPNOTSUPP;
	*on = c->alert;
	return 0;
}

static int ctrl_set_feature(struct clusterhat *hat, enum clusterhat_feature f,
			    bool on)
{
	struct clusterctrl *c = hat->priv;
	int err;

	if (f != CLUSTERHAT_F_ALERT)
		return -EOPNOTSUPP;
	err = ctrl_cmd(hat->client, on ? CTRL_CMD_ALERT_ON : CTRL_CMD_ALERT_OFF,
		       -1, NULL);
	if (!err)
		c->alert = on;
	return err;
}

static const struct clusterhat_ops ctrl_ops = {
	.get_power = ctrl_get_power,
	.set_power = ctrl_set_power,
	.get_feature = ctrl_get_feature,
	.set_feature = ctrl_set_feature,
};

/*
 * USB product ID of the ClusterCTRL behind an i2c-tiny-usb adapter, or 0.
 * Only memory is looked at (no USB calls), so clusterlb.ko does not need
 * usbcore.
 */
static u16 ctrl_usb_pid(struct i2c_adapter *adap)
{
	struct device *parent = adap->dev.parent;
	struct usb_device *udev;
	const u8 *desc;
	u16 pid;

	if (!parent || !parent->driver ||
	    strcmp(parent->driver->name, "i2c-tiny-usb"))
		return 0;
	/* i2c-tiny-usb binds interfaces and parents its adapter to one. */
	udev = interface_to_usbdev(to_usb_interface(parent));
	desc = (const u8 *)&udev->descriptor;
	if ((desc[USB_DESC_VENDOR] | desc[USB_DESC_VENDOR + 1] << 8) != CTRL_USB_VID)
		return 0;
	pid = desc[USB_DESC_PRODUCT] | desc[USB_DESC_PRODUCT + 1] << 8;
	if (pid < CTRL_USB_PID_FIRST || pid > CTRL_USB_PID_LAST)
		return 0;
	return pid;
}

/**
 * clusterhat_ctrl_detect() - i2c_driver.detect for ClusterCTRL boards
 * @client: temporary client at 0x20 on a candidate bus
 * @info: filled in with type "clusterctrl" on success
 *
 * Nothing is read unless the bus is an i2c-tiny-usb adapter of a
 * ClusterCTRL USB device; then only REG_VERSION.
 *
 * Return: 0 if a ClusterCTRL answers, -ENODEV otherwise.
 */
int clusterhat_ctrl_detect(struct i2c_client *client,
			   struct i2c_board_info *info)
{
	if (!ctrl_usb_pid(client->adapter))
		return -ENODEV;
	if (i2c_smbus_read_byte_data(client, CTRL_REG_VERSION) !=
	    CTRL_LAYOUT_VERSION)
		return -ENODEV;
	strscpy(info->type, "clusterctrl", I2C_NAME_SIZE);
	return 0;
}

static const char *ctrl_type_name(u8 type, unsigned int maxpi, u16 pid)
{
	switch (type) {
	case CTRL_TYPE_DA:
		return "clusterctrl-da";
	case CTRL_TYPE_TRIPLE:
		return "clusterctrl-triple";
	case CTRL_TYPE_PHAT:
		return "clusterctrl-phat";
	case CTRL_TYPE_A6:
		/* The Single's firmware reports the A+6's type. */
		if (pid == CTRL_USB_PID_SINGLE || (!pid && maxpi == 1))
			return "clusterctrl-single";
		return "clusterctrl-a6";
	case CTRL_TYPE_STACK:
		return "clusterctrl-stack";
	default:
		return "clusterctrl";
	}
}

static int ctrl_read(struct clusterhat *hat, u8 reg, const char *what)
{
	int v = i2c_smbus_read_byte_data(hat->client, reg);

	if (v < 0)
		return dev_err_probe(hat->dev, v, "reading %s\n", what);
	return v;
}

/**
 * clusterhat_ctrl_probe() - set up a ClusterCTRL board
 * @hat: the board being probed
 *
 * slots come from REG_MAXPI, the board's place among several from
 * REG_ORDER, the version attribute is the firmware version.
 *
 * Return: 0 or a negative error.
 */
int clusterhat_ctrl_probe(struct clusterhat *hat)
{
	struct i2c_client *client = hat->client;
	struct clusterctrl *c;
	int layout, maxpi, order, type, major;
	u8 minor;

	if (!i2c_check_functionality(client->adapter,
				     I2C_FUNC_SMBUS_BYTE_DATA))
		return dev_err_probe(hat->dev, -EOPNOTSUPP,
				     "the I2C bus lacks SMBus byte data\n");

	layout = ctrl_read(hat, CTRL_REG_VERSION, "REG_VERSION");
	if (layout < 0)
		return layout;
	if (layout != CTRL_LAYOUT_VERSION)
		return dev_err_probe(hat->dev, -ENODEV,
				     "register layout %d, expected %d\n",
				     layout, CTRL_LAYOUT_VERSION);
	maxpi = ctrl_read(hat, CTRL_REG_MAXPI, "REG_MAXPI");
	if (maxpi < 0)
		return maxpi;
	if (!maxpi || maxpi > CTRL_MAXPI_MAX)
		return dev_err_probe(hat->dev, -ENODEV, "REG_MAXPI=%d\n",
				     maxpi);
	order = ctrl_read(hat, CTRL_REG_ORDER, "REG_ORDER");
	if (order < 0)
		return order;
	type = ctrl_read(hat, CTRL_REG_TYPE, "REG_TYPE");
	if (type < 0)
		return type;

	c = devm_kzalloc(hat->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;

	/* Firmware version: DATA1 = major, DATA0 = minor. */
	strscpy(hat->version, "unknown", sizeof(hat->version));
	if (!ctrl_cmd(client, CTRL_CMD_GET_DATA, CTRL_DATA_VERSION, &minor)) {
		major = i2c_smbus_read_byte_data(client, CTRL_REG_DATA1);
		if (major >= 0)
			snprintf(hat->version, sizeof(hat->version), "%d.%u",
				 major, minor);
	}

	hat->ops = &ctrl_ops;
	hat->priv = c;
	hat->nslots = maxpi;
	hat->sort_key = order;
	hat->type = ctrl_type_name(type, maxpi, ctrl_usb_pid(client->adapter));
	/* The Stack has no ALERT LED; LED, hub and WP have no readable state. */
	hat->features = type == CTRL_TYPE_STACK ? 0 : BIT(CLUSTERHAT_F_ALERT);
	return 0;
}
