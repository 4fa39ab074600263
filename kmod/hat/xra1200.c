// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb hat: Cluster HAT v2.x/v3.x back end (XRA1200P or PCA9554 I2C
 * GPIO expander at 0x20).
 *
 * Bits of the expander (same on both chips): 0..3 P1..P4 power (1 = on),
 * 4 power/Px LED enable (v2.x only), 5 USB hub (v2.0: 1 = on; later
 * versions: 0 = on), 6 ALERT LED (1 = on), 7 HAT EEPROM write protect
 * (1 = protected). Registers: 0x00 IN, 0x01 OUT, 0x03 DIR (1 = input),
 * 0x04 PUR (XRA1200P only).
 *
 * Safe start-up: the expander is initialised only when DIR reads 0xFF,
 * i.e. it has not been configured since the HAT powered up, with the
 * sequence of the vendor's clusterctrl tool (OUT is written before DIR, so
 * the pins come up latched). Otherwise nothing is written: the nodes keep
 * running across module load, unload and reload.
 */

#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/i2c.h>
#include <linux/of.h>
#include <linux/regmap.h>
#include <linux/string.h>

#include "hat.h"

#define XRA1200_IN		0x00
#define XRA1200_OUT		0x01
#define XRA1200_DIR		0x03
#define XRA1200_PUR		0x04

#define HAT_SLOT_MASK		GENMASK(3, 0)
#define HAT_BIT_LED		BIT(4)
#define HAT_BIT_HUB		BIT(5)
#define HAT_BIT_ALERT		BIT(6)
#define HAT_BIT_WP		BIT(7)

#define HAT_SLOTS		4

/*
 * Time for bit 7 to settle once its pull-up is off, before reading the WP
 * link. The vendor's tool (Python) reads it a few milliseconds later; an
 * open pin holds its charge for a while, and emulations poll.
 */
#define HAT_WP_SETTLE_MS	300

/* product string of the Cluster HAT EEPROM, as the vendor's tool checks */
#define HAT_PRODUCT		"ZC4:ClusterHAT"

/**
 * struct xra1200 - back end data
 * @map: registers, uncached: every read goes to the chip
 * @major: HAT version major
 * @minor: HAT version minor
 * @hub_active_high: bit 5 = 1 enables the hub (v2.0 only)
 * @wp_link: WP solder link: 1 bridged, 0 open, -1 unknown (PCA9554)
 */
struct xra1200 {
	struct regmap *map;
	unsigned int major;
	unsigned int minor;
	bool hub_active_high;
	int wp_link;
};

static const struct regmap_config xra1200_regmap_config = {
	.reg_bits = 8,
	.val_bits = 8,
	.max_register = XRA1200_PUR,
	.cache_type = REGCACHE_NONE,
};

static int xra1200_get_power(struct clusterhat *hat, unsigned int slot,
			     bool *on)
{
	struct xra1200 *x = hat->priv;
	unsigned int out;
	int err;

	/* The output latch is the commanded state; IN follows it. */
	err = regmap_read(x->map, XRA1200_OUT, &out);
	if (!err)
		*on = out & BIT(slot - 1);
	return err;
}

static int xra1200_set_power(struct clusterhat *hat, unsigned int slot,
			     bool on)
{
	struct xra1200 *x = hat->priv;

	return regmap_update_bits(x->map, XRA1200_OUT, BIT(slot - 1),
				  on ? BIT(slot - 1) : 0);
}

/* Bit and polarity of a board switch; *high is true if 1 means on. */
static unsigned int xra1200_feature_bit(struct xra1200 *x,
					enum clusterhat_feature f, bool *high)
{
	*high = true;
	switch (f) {
	case CLUSTERHAT_F_ALERT:
		return HAT_BIT_ALERT;
	case CLUSTERHAT_F_LED:
		return HAT_BIT_LED;
	case CLUSTERHAT_F_HUB:
		*high = x->hub_active_high;
		return HAT_BIT_HUB;
	case CLUSTERHAT_F_WP:
		return HAT_BIT_WP;
	default:
		return 0;
	}
}

static int xra1200_get_feature(struct clusterhat *hat,
			       enum clusterhat_feature f, bool *on)
{
	struct xra1200 *x = hat->priv;
	unsigned int bit, out;
	bool high;
	int err;

	bit = xra1200_feature_bit(x, f, &high);
	if (!bit)
		return -EOPNOTSUPP;
	err = regmap_read(x->map, XRA1200_OUT, &out);
	if (!err)
		*on = !(out & bit) != high;
	return err;
}

static int xra1200_set_feature(struct clusterhat *hat,
			       enum clusterhat_feature f, bool on)
{
	struct xra1200 *x = hat->priv;
	unsigned int bit;
	bool high;

	bit = xra1200_feature_bit(x, f, &high);
	if (!bit)
		return -EOPNOTSUPP;
	/* As the vendor's tool: no "wp off" when the WP link is soldered. */
	if (f == CLUSTERHAT_F_WP && !on && x->wp_link == 1)
		return -EPERM;
	return regmap_update_bits(x->map, XRA1200_OUT, bit,
				  on == high ? bit : 0);
}

static const struct clusterhat_ops xra1200_ops = {
	.get_power = xra1200_get_power,
	.set_power = xra1200_set_power,
	.get_feature = xra1200_get_feature,
	.set_feature = xra1200_set_feature,
};

/*
 * The HAT EEPROM, read by the Pi firmware into /hat of the device tree:
 * product must be "ZC4:ClusterHAT" and product_ver is 0xMm (hex).
 */
static int xra1200_dt_version(unsigned int *major, unsigned int *minor)
{
	struct device_node *np;
	const char *product, *ver;
	unsigned int v;
	int err = -ENOENT;

	np = of_find_node_by_path("/hat");
	if (!np)
		return -ENOENT;
	if (!of_property_read_string(np, "product", &product) &&
	    !strcmp(product, HAT_PRODUCT) &&
	    !of_property_read_string(np, "product_ver", &ver) &&
	    !kstrtouint(ver, 16, &v) && v >= 0x10 && v <= 0x3f) {
		*major = v >> 4;
		*minor = v & 0xf;
		err = 0;
	}
	of_node_put(np);
	return err;
}

static int xra1200_version(struct clusterhat *hat, struct xra1200 *x)
{
	const char *from = "device tree /hat";

	if (xra1200_dt_version(&x->major, &x->minor)) {
		from = "hat_version";
		if (clusterhat_parse_version(clusterhat_version_param(),
					     &x->major, &x->minor))
			return -EINVAL;
	}
	if (x->major < 2)
		return dev_err_probe(hat->dev, -ENODEV,
				     "Cluster HAT v%u.%u (from %s) switches power with Pi GPIOs, not an I2C expander\n",
				     x->major, x->minor, from);
	dev_dbg(hat->dev, "Cluster HAT v%u.%u from %s\n", x->major, x->minor,
		from);
	return 0;
}

/*
 * clusterctrl's initialisation (hardware.md 2.4), written only when DIR
 * reads 0xFF. All reads come first; an error before DIR is written leaves
 * the pins as inputs, as they were.
 */
static int xra1200_start(struct clusterhat *hat, struct xra1200 *x)
{
	struct device *dev = hat->dev;
	unsigned int dir, in, pur, in_wp, out;
	bool xra1200p;
	int err;

	err = regmap_read(x->map, XRA1200_DIR, &dir);
	if (!err)
		err = regmap_read(x->map, XRA1200_IN, &in);
	if (err)
		return dev_err_probe(dev, err, "reading the expander\n");
	/* A PCA9554 has no register 4: a failing read tells the chips apart. */
	xra1200p = !regmap_read(x->map, XRA1200_PUR, &pur);

	if (dir != 0xff) {
		x->wp_link = xra1200p ? !!(pur & HAT_BIT_WP) : -1;
		if (dir)
			dev_warn(dev, "expander partly configured (DIR=0x%02x); left as it is\n",
				 dir);
		else
			dev_info(dev, "expander already initialised; outputs left as they are\n");
		return 0;
	}

	err = regmap_read(x->map, XRA1200_OUT, &out);
	if (err)
		return dev_err_probe(dev, err, "reading OUT\n");

	/* Write-protect link: with the pull-up off, bit 7 reads 1 if bridged. */
	if (xra1200p) {
		err = regmap_write(x->map, XRA1200_PUR, 0x7f);
		if (!err) {
			msleep(HAT_WP_SETTLE_MS);
			err = regmap_read(x->map, XRA1200_IN, &in_wp);
		}
		if (err)
			return dev_err_probe(dev, err, "probing the WP link\n");
		x->wp_link = !!(in_wp & HAT_BIT_WP);
		if (x->wp_link)
			err = regmap_write(x->map, XRA1200_PUR, 0xff);
		else
			out |= HAT_BIT_WP;
		if (err)
			return dev_err_probe(dev, err, "writing PUR\n");
	} else {
		x->wp_link = -1;
		out |= HAT_BIT_WP;
	}

	/* Power-on state: the P1..P4 lines as read while still inputs. */
	if ((in & HAT_SLOT_MASK) == HAT_SLOT_MASK)
		out |= HAT_SLOT_MASK;
	else
		out &= ~HAT_SLOT_MASK;
	out &= ~HAT_BIT_ALERT;
	if (x->major == 2)
		out |= HAT_BIT_LED;
	if (x->hub_active_high)
		out |= HAT_BIT_HUB;
	else
		out &= ~HAT_BIT_HUB;

	/* Latch the outputs first, then make the pins outputs. */
	err = regmap_write(x->map, XRA1200_OUT, out);
	if (!err)
		err = regmap_write(x->map, XRA1200_DIR, 0x00);
	if (err)
		return dev_err_probe(dev, err, "initialising the expander\n");

	dev_info(dev, "initialised the %s: OUT=0x%02x DIR=0x00\n",
		 xra1200p ? "XRA1200P" : "PCA9554", out);
	return 0;
}

/**
 * clusterhat_xra1200_probe() - set up a Cluster HAT v2.x/v3.x
 * @hat: the board being probed
 *
 * Return: 0 or a negative error (-ENODEV for a v1.x HAT).
 */
int clusterhat_xra1200_probe(struct clusterhat *hat)
{
	struct xra1200 *x;
	int err;

	if (!i2c_check_functionality(hat->client->adapter,
				     I2C_FUNC_SMBUS_BYTE_DATA))
		return dev_err_probe(hat->dev, -EOPNOTSUPP,
				     "the I2C bus lacks SMBus byte data\n");

	x = devm_kzalloc(hat->dev, sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	err = xra1200_version(hat, x);
	if (err)
		return err;
	/* v2.0: "Power" control, 1 = on; v2.1 and later: "Reset", 0 = on. */
	x->hub_active_high = x->major == 2 && x->minor == 0;

	x->map = devm_regmap_init_i2c(hat->client, &xra1200_regmap_config);
	if (IS_ERR(x->map))
		return dev_err_probe(hat->dev, PTR_ERR(x->map),
				     "setting up the registers\n");

	err = xra1200_start(hat, x);
	if (err)
		return err;

	hat->ops = &xra1200_ops;
	hat->priv = x;
	hat->nslots = HAT_SLOTS;
	hat->sort_key = 0;
	hat->type = "clusterhat";
	snprintf(hat->version, sizeof(hat->version), "%u.%u", x->major,
		 x->minor);
	hat->features = BIT(CLUSTERHAT_F_ALERT) | BIT(CLUSTERHAT_F_HUB) |
			BIT(CLUSTERHAT_F_WP);
	if (x->major == 2)
		hat->features |= BIT(CLUSTERHAT_F_LED);
	return 0;
}
