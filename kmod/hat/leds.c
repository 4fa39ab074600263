// SPDX-License-Identifier: GPL-2.0
/*
 * clusterlb hat: the ALERT LED as a LED class device.
 *
 * Named in the devicename:color:function convention of
 * Documentation/leds/leds-class.rst: the device name is the board's class
 * device name (hatN), the colour is left empty because no source gives it,
 * and the function is LED_FUNCTION_ALARM, the standard function closest to
 * "alert": /sys/class/leds/hat0::alarm. A device-tree child node named
 * "alert-led" with color/function (or label) properties overrides the last
 * two sections.
 *
 * The LED and the board's "alert" attribute drive the same bit; both read
 * it back from the hardware.
 */

#include <linux/leds.h>
#include <linux/property.h>

#include <dt-bindings/leds/common.h>

#include "hat.h"

static int clusterhat_led_set(struct led_classdev *led,
			      enum led_brightness value)
{
	struct clusterhat *hat = container_of(led, struct clusterhat, led);

	return clusterhat_set_feature(hat, CLUSTERHAT_F_ALERT, value != LED_OFF);
}

static enum led_brightness clusterhat_led_get(struct led_classdev *led)
{
	struct clusterhat *hat = container_of(led, struct clusterhat, led);
	bool on;

	/* The callback cannot fail; the error itself is logged by the core. */
	if (clusterhat_get_feature(hat, CLUSTERHAT_F_ALERT, &on))
		return LED_OFF;
	return on ? LED_ON : LED_OFF;
}

/**
 * clusterhat_leds_register() - register hatN::alarm if the board has ALERT
 * @hat: the board, with its number assigned
 *
 * Registering does not write the LED: the core reads the brightness back.
 * LED_RETAIN_AT_SHUTDOWN keeps unbinding from switching it off (unless a
 * trigger is active, which the LED core stops by switching the LED off).
 *
 * Return: 0 or a negative error.
 */
int clusterhat_leds_register(struct clusterhat *hat)
{
	struct led_init_data init = { };
	char devicename[16];
	int err;

	if (!(hat->features & BIT(CLUSTERHAT_F_ALERT)))
		return 0;

	snprintf(devicename, sizeof(devicename), "hat%u", hat->id);
	init.devicename = devicename;
	init.devname_mandatory = true;
	init.default_label = ":" LED_FUNCTION_ALARM;
	init.fwnode = device_get_named_child_node(hat->dev, "alert-led");

	hat->led.max_brightness = 1;
	hat->led.flags = LED_RETAIN_AT_SHUTDOWN;
	hat->led.brightness_set_blocking = clusterhat_led_set;
	hat->led.brightness_get = clusterhat_led_get;

	err = devm_led_classdev_register_ext(hat->dev, &hat->led, &init);
	fwnode_handle_put(init.fwnode);
	if (err)
		return dev_err_probe(hat->dev, err, "registering the ALERT LED\n");
	return 0;
}
