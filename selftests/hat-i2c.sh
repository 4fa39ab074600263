#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# I2C failures under the Cluster HAT driver: a HAT that does not answer is
# refused with one clear error and nothing half-registered; the bus
# disappearing under a bound driver (i2c-stub unloaded) unbinds it cleanly:
# open files fail with ENODEV, the module unloads, the kernel log shows no
# splat (scripts/vm-run checks that).
#
# Not covered: transfers failing while the bus stays (a NAK mid-operation);
# i2c-stub cannot be told to NAK an address it serves.

. "$(dirname "$0")/lib.sh"

require_cmd i2cget i2cset perl
require_module

H=/sys/class/clusterhat/hat0

ktap_header
ktap_plan 17

stub_bus() {
	local d
	for d in /sys/bus/i2c/devices/i2c-*; do
		[ "$(cat "$d/name" 2>/dev/null)" = "SMBus stub driver" ] && { echo "${d##*-}"; return 0; }
	done
	return 1
}
modprobe i2c-dev
modprobe i2c-stub chip_addr=0x20 || { ktap_skip_all "no i2c-stub"; exit "$KSFT_SKIP"; }
defer modprobe -r i2c-stub
bus=$(stub_bus)
reg() { i2cget -f -y "$bus" 0x20 "$1" b; }
# A HAT that is already running nodes p1 and p2.
i2cset -f -y "$bus" 0x20 0x01 0x93 b
i2cset -f -y "$bus" 0x20 0x03 0x00 b
defer rmmod clusterlb

# --- nothing answers at the address ---
check "loads without hat_bus" insmod "$CLUSTERLB_KO"
dmesg -C
check "new_device at 0x21 (nothing there) creates the client" \
	eval "echo clusterhat 0x21 >/sys/bus/i2c/devices/i2c-$bus/new_device"
check "... but binds nothing: no hat0" test ! -e $H
check "... one clear error in the kernel log" \
	eval 'test "$(dmesg | grep -c "clusterhat.*reading the expander")" = 1'
dmesg | grep clusterhat | sed 's/^/# /'
check "delete_device 0x21" eval "echo 0x21 >/sys/bus/i2c/devices/i2c-$bus/delete_device"
check "unload" rmmod clusterlb
check_fail "hat_bus= on a bus with nothing at 0x20 fails the load" \
	eval "modprobe -r i2c-stub && modprobe i2c-stub chip_addr=0x21 && insmod $CLUSTERLB_KO hat_bus=\$(stub_bus)"
check_fail "... and leaves no module behind" test -e /sys/module/clusterlb

# --- the bus goes away under the bound driver ---
modprobe -r i2c-stub
modprobe i2c-stub chip_addr=0x20
bus=$(stub_bus)
i2cset -f -y "$bus" 0x20 0x01 0x93 b
i2cset -f -y "$bus" 0x20 0x03 0x00 b
check "bound with hat_bus=$bus" insmod "$CLUSTERLB_KO" hat_bus="$bus"
check "p2 reads 1" test "$(cat $H/p2/power)" = 1
exec 3<>"$H/p2/power"
exec 4<"$H/p1/power"
check "i2c-stub unloads under the driver" modprobe -r i2c-stub
check "hat0 is gone" test ! -e $H
check "the LED is gone" test ! -e /sys/class/leds/hat0::alarm
check "a write through a file opened before fails with ENODEV" write_fd_enodev 3
check_fail "a read through a file opened before fails" eval 'cat <&4'
exec 3>&- 4<&-
check "the module unloads" rmmod clusterlb
check "and loads again with nothing to bind" eval "insmod $CLUSTERLB_KO && rmmod clusterlb"

ktap_finish
