#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the test bench itself: the module loads and unloads on this
# kernel, and the emulated Cluster HAT controller behaves like the hardware:
# writing a node's power bit in the expander (as the vendor's tool does)
# attaches its Pi Zero gadget, whose link appears and whose HTTP server
# answers; clearing the bit detaches it and the link disappears; a HAT
# power-up (DIR=0xFF) drops every node.

. "$(dirname "$0")/lib.sh"

require_cmd i2cget i2cset curl ip
require_module

ktap_header
ktap_plan 17

# --- the module ---
check "module loads" clb_insmod
check "module is live" grep -qx live /sys/module/clusterlb/initstate
check "module unloads" rmmod clusterlb
check_fail "module is gone" test -e /sys/module/clusterlb

# --- the emulated controller, its expander driven by raw register writes ---
sim_up
bus=$(sim bus)
reg() { i2cget -f -y "$bus" 0x20 "$1" b; }
set_bits() { i2cset -f -y "$bus" 0x20 "$1" $(($(reg "$1") | $2)) b; }
clear_bits() { i2cset -f -y "$bus" 0x20 "$1" $(($(reg "$1") & ~$2 & 0xff)) b; }
link_present() { test -e "/sys/class/net/$1"; }
link_absent() { ! test -e "/sys/class/net/$1"; }
http_is() { test "$(lan curl -sf -m 3 "$1")" = "$2"; }
in_bit() { (($(reg 0x00) & $1)); }

check "fresh HAT reads DIR=0xff" test "$(reg 0x03)" = 0xff
check_fail "no node link before power" link_present usb2

# P2 is bit 1: latch OUT first, then make the pin an output (vendor order).
set_bits 0x01 0x02
clear_bits 0x03 0x02
check "powered node attaches (usb2 appears)" sim wait-link 2 up 120
check "IN follows OUT for the output pin" busywait 3000 in_bit 0x02
check "node answers HTTP from the LAN (IPv4)" busywait 5000 http_is http://172.19.181.2/ p2
check "node answers HTTP from the LAN (IPv6)" busywait 5000 http_is "http://[fd00:181::2]/" p2
check_fail "unpowered node p3 does not answer" http_is http://172.19.181.3/ p3

clear_bits 0x01 0x02
check "unpowered node detaches (usb2 disappears)" sim wait-link 2 down 60
check_fail "detached node no longer answers" http_is http://172.19.181.2/ p2

set_bits 0x01 0x04
clear_bits 0x03 0x04
sim wait-link 3 up 120 >/dev/null
sim hat-powerup
check "HAT power-up detaches every node" sim wait-link 3 down 60
check "HAT power-up: DIR and OUT read 0xff" test "$(reg 0x03)$(reg 0x01)" = 0xff0xff

# --- vendor naming and CNAT bridge ---
sim down
sim_up --ethpi --bridge
sim power 1 on
if sim wait-link 1 up 120 && test "$(cat /sys/class/net/ethpi1/master/uevent 2>/dev/null |
	sed -n 's/^INTERFACE=//p')" = br0; then
	ktap_ok "--ethpi --bridge: ethpi1 is a port of br0"
else
	ktap_fail "--ethpi --bridge: ethpi1 is a port of br0"
fi
check "bridged node answers HTTP from the LAN" busywait 5000 http_is http://172.19.181.1/ p1

ktap_finish
