#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Safe start-up of the Cluster HAT driver against the emulated HAT: a fresh
# HAT (DIR=0xFF) is initialised as the vendor's clusterctrl does, for each
# HAT version; an initialised HAT is left alone; unloading and reloading the
# module (also with another hat_version) with nodes running never drops
# their links; binding through new_device/delete_device writes nothing.
# The emulated HAT has its power-on-state (POS) jumper bridged, so a fresh
# initialisation powers every node, as the vendor's init does; the open
# jumper (nodes stay off) is covered by hat.sh. The emulation is brought up
# once: recreating its gadgets within one boot has crashed the gadget stack
# (kernel BUG in register_netdevice from ncm_bind), see Documentation/hat.md.

. "$(dirname "$0")/lib.sh"

require_cmd i2cget i2cset curl ip
require_module

H=/sys/class/clusterhat/hat0

ktap_header
ktap_plan 42

sim_up --pos
bus=$(sim bus)
reg() { i2cget -f -y "$bus" 0x20 "$1" b; }
# OUT DIR PUR
regs() { echo "$(reg 0x01) $(reg 0x03) $(reg 0x04)"; }
regs_are() { test "$(regs)" = "$1"; }
# After a fresh initialisation: OUT and DIR exact; PUR 0x7f when the WP link
# read open, 0xff when it read bridged. The emulation's IN follows PUR with a
# delay that can exceed the driver's settle time on a loaded machine, so
# both are accepted here (hat.sh checks the wp file against what was read).
fresh_is() { [[ "$(regs)" =~ ^$1\ 0x00\ 0x(7f|ff)$ ]]; }
# shellcheck disable=SC2120 # arguments come through eval
load() { insmod "$CLUSTERLB_KO" hat_bus="$bus" "$@"; }
unload() { rmmod clusterlb; }
is() { test "$(cat "$1" 2>/dev/null)" = "$2"; }
http_is() { test "$(lan curl -sf -m 3 "http://172.19.181.$1/")" = "p$1"; }
all_up() { sim wait-link 1,2,3,4 up 120; }
defer rmmod clusterlb

# --- a fresh HAT, default version 2.5, POS bridged, WP link open ---
check "fresh HAT reads OUT=0xff DIR=0xff PUR=0xff" regs_are "0xff 0xff 0xff"
check "loads (hat_version default 2.5)" load
check "initialised as clusterctrl: OUT=0x9f DIR=0x00 (POS: all on)" fresh_is 0x9f
check "the kernel log says so" eval 'dmesg | grep -q "initialised the XRA1200P: OUT=0x9f DIR=0x00"'
check "all four nodes come up" all_up
before=$(regs)
check "unload" unload
check "unload wrote nothing" regs_are "$before"

# --- per version: hub polarity and the LED enable follow it ---
sim hat-powerup
check "v2.0: loads" load hat_version=2.0
check "v2.0: OUT=0xbf (hub bit 5 high = on, LEDs on)" fresh_is 0xbf
check "v2.0: version 2.0, hub reads 1, led present" \
	eval "is $H/version 2.0 && is $H/hub 1 && test -e $H/led"
check "v2.0: hub 0 clears bit 5" eval "echo 0 >$H/hub && test \$((\$(reg 0x01) & 0x20)) = 0"
unload
sim hat-powerup
check "v3.0: loads" load hat_version=3.0
check "v3.0: OUT=0x9f (hub bit 5 low = on, bit 4 left alone)" fresh_is 0x9f
check "v3.0: no led file, hub and wp present" \
	eval "test ! -e $H/led && is $H/hub 1 && test -e $H/wp && is $H/version 3.0"
unload

# --- refused versions write nothing ---
sim hat-powerup
check_fail "hat_version=1.3 refused (v1 switches with Pi GPIOs)" load hat_version=1.3
check_fail "hat_version=2 refused" load hat_version=2
check_fail "hat_version=2.x refused" load hat_version=2.x
check_fail "hat_version=4.0 refused" load hat_version=4.0
check_fail "hat_bus=4242 refused (no such bus)" insmod "$CLUSTERLB_KO" hat_bus=4242
check "nothing was written: OUT=0xff DIR=0xff PUR=0xff" regs_are "0xff 0xff 0xff"

# --- an initialised HAT with nodes running is left alone ---
load
echo 0 >"$H/p2/power"
echo 0 >"$H/p4/power"
check "p1 and p3 come up, p2 and p4 go" \
	eval "sim wait-link 1,3 up 120 && sim wait-link 2,4 down 120"
http_13() {
	busywait 30000 http_is 1 && busywait 30000 http_is 3 && return 0
	node_diag 1 3
	return 1
}
check "p1 and p3 answer HTTP" http_13
before=$(regs)
check "OUT=0x95 with p1 and p3 on" fresh_is 0x95
link_state() {
	local p
	for p in 1 3; do
		echo "usb$p $(cat /sys/class/net/usb$p/ifindex) $(cat /sys/class/net/usb$p/carrier_changes)"
	done
}
links_before=$(link_state)
# Watch the links through the reloads: any moment without them is a failure.
watch_log=$(mktemp)
(
	while :; do
		for p in 1 3; do
			[ "$(cat /sys/class/net/usb$p/carrier 2>/dev/null)" = 1 ] ||
				echo "usb$p down at $(date +%T.%N)" >>"$watch_log"
		done
		sleep 0.02
	done
) &
watcher=$!
defer kill $watcher

check "unload with nodes running" unload
check "... registers unchanged" regs_are "$before"
check "reload" load
check "... registers unchanged" regs_are "$before"
check "... the kernel log says already initialised" \
	eval 'dmesg | tail -n 5 | grep -q "already initialised"'
check "... p1 and p3 read 1, p2 and p4 read 0" \
	eval "is $H/p1/power 1 && is $H/p3/power 1 && is $H/p2/power 0 && is $H/p4/power 0"
check "reload with hat_version=2.0 (other hub polarity)" eval "unload && load hat_version=2.0"
check "... registers unchanged" regs_are "$before"
check "... hub reads 0 (bit 5 low is off on v2.0)" is "$H/hub" 0
reloads_ok() {
	local _
	for _ in 1 2 3 4 5; do
		unload && load || return 1
		[ "$(regs)" = "$before" ] || return 1
	done
}
check "five more unload/reload cycles, registers unchanged" reloads_ok

# --- new_device / delete_device ---
check "unload, load without hat_bus" eval "unload && insmod $CLUSTERLB_KO"
check "no hat0 without a device" test ! -e $H
check "echo clusterhat 0x20 > new_device binds hat0" \
	eval "echo clusterhat 0x20 >/sys/bus/i2c/devices/i2c-$bus/new_device && test -e $H/p1/power"
check "... registers unchanged, p1 reads 1" eval "regs_are '$before' && is $H/p1/power 1"
check "delete_device unbinds hat0" \
	eval "echo 0x20 >/sys/bus/i2c/devices/i2c-$bus/delete_device && test ! -e $H"
check "... registers unchanged" regs_are "$before"
unload

kill $watcher 2>/dev/null
wait $watcher 2>/dev/null
check "p1 and p3 links never dropped" test ! -s "$watch_log"
[ -s "$watch_log" ] && sed 's/^/# /' "$watch_log" | head
check "same ifindex and carrier_changes as before the reloads" \
	test "$(link_state)" = "$links_before"
check "p1 and p3 still answer HTTP" eval "http_is 1 && http_is 3"

ktap_finish
