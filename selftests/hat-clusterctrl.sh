#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ClusterCTRL back end (kmod/hat/clusterctrl.c) against an emulated
# board (scripts/clusterctrl-sim: a USB device on vhci-hcd speaking the
# i2c-tiny-usb protocol, with the firmware's register file and asynchronous
# commands at 0x20; i2c-tiny-usb makes it an I2C bus):
# - the emulation itself, through i2c-dev: registers, NAKs, a command's
#   result and a pending command NAKing writes;
# - safe start-up: loading the module with a Triple already running p2
#   binds it by detect (hat0, type, version, slots) and switches nothing;
# - pN/power reads GET_PSTATUS, writes run ON/OFF with DATA0 = N (checked
#   on the board's side), a slot switched behind the driver's back reads
#   back, bad input is refused with EINVAL and reaches nothing, power_all,
#   alert and the hat0::alarm LED run ALERT_ON/ALERT_OFF;
# - errors: a STATUS of 0x03 or 0x01 gives EOPNOTSUPP, 0x02 ENODEV; a
#   command that never completes gives ETIMEDOUT (within 5 s), the next
#   command works once the board is done;
# - unplugging the board while bound: hat0 goes, open files fail, the
#   module unloads, no splat (scripts/vm-run checks the log);
# - a board with foreign USB IDs is not detected but binds by hand
#   (new_device "clusterctrl 0x20"; a one-slot A+6 type is a Single); a
#   Stack plugged in while the module is loaded binds by itself, has no
#   alert file, and unloading the module leaves its power alone;
# - two boards (the second an i2c-stub at 0x20 that a poller makes run the
#   same commands, bound by hand): bound in ORDER order they become hat0
#   and hat1, each switches only its own slots; a board with a lower ORDER
#   bound after one with a higher ORDER gets the next free number (core.c
#   ranks only among the boards bound so far) and the log says so.
#
# Not covered: two USB boards (one USB/IP emulation at a time; the i2c-stub
# board neither NAKs nor has USB IDs); a board together with a Cluster HAT;
# the firmware's other commands (LED_EN, HUB_CYCLE, FAN, SAVE...), which the
# driver does not send; the real V-USB device's timing (the emulation is a
# low-speed device, but USB/IP does not pace transfers like a bus).

. "$(dirname "$0")/lib.sh"

require_cmd i2cget i2cset perl python3
require_module

H=/sys/class/clusterhat/hat0

ccs() { "$CLUSTERLB_TOP/scripts/clusterctrl-sim" "$@"; }
is() { test "$(cat "$1" 2>/dev/null)" = "$2"; }
power_is() { test "$(ccs get power)" = "$1"; }
log_has() { ccs log | grep -q -- "$1"; }
# A write or read of a sysfs file; on failure the error is on stderr.
wr() { perl -e 'open(my $f, ">", $ARGV[0]) or die "open: $!\n"; defined(syswrite($f, $ARGV[1])) or die "$!\n";' "$1" "$2"; }
rd() { perl -e 'open(my $f, "<", $ARGV[0]) or die "open: $!\n"; defined(sysread($f, my $b, 64)) or die "$!\n"; print $b;' "$1"; }
# fails_with MSG CMD...: CMD fails and its error says MSG.
fails_with() {
	local msg=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "succeeded: $out"
		return 1
	fi
	[[ $out == *"$msg"* ]] || { echo "$out"; return 1; }
}
# reg R: a register of the board through i2c-dev (fails while NAKed)
reg() { i2cget -f -y "$bus" 0x20 "$1" 2>/dev/null; }
cmd_done() { test "$(reg 0x0d)" = 0x00; }
tiny_connected() { dmesg | grep -q "connected i2c-tiny-usb device"; }

for m in vhci-hcd i2c-tiny-usb i2c-dev; do
	if ! modinfo "$m" >/dev/null 2>&1; then
		ktap_skip_all "no $m module in this kernel"
		exit "$KSFT_SKIP"
	fi
done

ktap_header
ktap_plan 67

modprobe i2c-dev
dmesg -C
if ! ccs up --board triple --power 2; then
	ktap_skip_all "the emulated ClusterCTRL did not come up"
	exit "$KSFT_SKIP"
fi
defer ccs down
defer rmmod clusterlb
bus=$(ccs bus)

# --- the emulation itself, no driver ---
check "emulation: REG_VERSION 2, REG_MAXPI 3, REG_TYPE 1 (Triple)" \
	test "$(reg 0x00) $(reg 0x01) $(reg 0x04)" = "0x02 0x03 0x01"
check_fail "emulation: another address NAKs" i2cget -y "$bus" 0x21 0x00
check "emulation: GET_PSTATUS of slot 9 ends with STATUS 0x02, DATA0 0xff" \
	eval 'i2cset -y "$bus" 0x20 0x0c 9 && i2cset -y "$bus" 0x20 0x0d 0x0f &&
	      busywait 3000 cmd_done && test "$(reg 0x0e) $(reg 0x0c)" = "0x02 0xff"'
ccs hang ping
check "emulation: a command (PING) stays pending" i2cset -y "$bus" 0x20 0x0d 0x90
check_fail "emulation: a write while it is pending is NAKed" \
	i2cset -y "$bus" 0x20 0x0c 1
check_fail "emulation: so is the pointer write of a register read" \
	i2cget -y "$bus" 0x20 0x0d
ccs release
check "emulation: once done, PING has STATUS 0x03 (no handler)" \
	eval 'busywait 3000 cmd_done && test "$(reg 0x0e)" = 0x03'

# --- safe start-up: the board runs p2 before the module loads ---
ccs log --clear >/dev/null
check "the module loads with the board plugged in" clb_insmod
check "hat0 appears (detect on the i2c-tiny-usb bus)" busywait 10000 test -e $H/p3/power
check "type clusterctrl-triple, version 1.8, 3 slots" \
	test "$(cat $H/type) $(cat $H/version) $(cat $H/slots)" = "clusterctrl-triple 1.8 3"
check "p1..p3 read the board: 0 1 0" \
	test "$(cat $H/p1/power $H/p2/power $H/p3/power | xargs)" = "0 1 0"
check "binding switched nothing: no ON/OFF reached the board, p2 still on" \
	eval '! log_has "^O[NF]" && power_is "0 1 0"'
check "the Triple has alert and the hat0::alarm LED" \
	eval 'test -e $H/alert && test -e /sys/class/leds/hat0::alarm'

# --- power ---
ccs log --clear >/dev/null
check "echo 1 > p1/power" wr $H/p1/power 1
check "... ran ON with DATA0=1 on the board" log_has "^ON 1 0x00"
check "... and the board powers p1" power_is "1 1 0"
check "p1/power reads 1" is $H/p1/power 1
check "echo off > p2/power runs OFF with DATA0=2" \
	eval 'wr $H/p2/power off && log_has "^OFF 2 0x00" && power_is "1 0 0"'
check "p3 switched on behind the driver's back reads 1" \
	eval 'ccs set-power 3 1 && is $H/p3/power 1'
ccs log --clear >/dev/null
check "echo 1 to a slot already on sends no ON" \
	eval 'wr $H/p1/power 1 && ! log_has "^ON"'
for v in 2 onn -1 10; do
	check "'$v' > p2/power is refused with EINVAL" \
		fails_with "Invalid argument" wr $H/p2/power "$v"
done
check "... and reached nothing: no ON/OFF, power unchanged" \
	eval '! log_has "^O[NF]" && power_is "1 0 1" && is $H/p2/power 0'
echo 0 >$H/stagger_ms
check "power_all off switches every slot off" \
	eval 'wr $H/power_all 0 && power_is "0 0 0" && is $H/power_all 0'
check "power_all on switches every slot on" \
	eval 'wr $H/power_all 1 && power_is "1 1 1" && is $H/power_all 1'
check "echo 1 > alert runs ALERT_ON" \
	eval 'wr $H/alert 1 && log_has "^ALERT_ON" && test "$(ccs get alert)" = 1 && is $H/alert 1'
check "LED brightness 0 runs ALERT_OFF" \
	eval 'wr /sys/class/leds/hat0::alarm/brightness 0 && test "$(ccs get alert)" = 0 && is $H/alert 0'

# --- the board answers with an error STATUS ---
ccs fail off 3
check "OFF answered with STATUS 0x03 fails with EOPNOTSUPP" \
	fails_with "Operation not supported" wr $H/p1/power 0
check "... and p1 stays on" eval 'power_is "1 1 1" && is $H/p1/power 1'
ccs fail off 2
check "OFF answered with STATUS 0x02 (no such Pi) fails with ENODEV" \
	fails_with "No such device" wr $H/p1/power 0
ccs fail get_pstatus 1
check "GET_PSTATUS answered with STATUS 0x01 fails the read with EOPNOTSUPP" \
	fails_with "Operation not supported" rd $H/p2/power
check "the next read works again" is $H/p2/power 1

# --- a command that never completes ---
dmesg -C
ccs hang off
t0=$(date +%s%N)
check "OFF that never completes fails with ETIMEDOUT" \
	fails_with "Connection timed out" wr $H/p1/power 0
t1=$(date +%s%N)
check "... within 5 s" test $(((t1 - t0) / 1000000)) -lt 5000
check "while it is pending a read fails with ETIMEDOUT too (no hang)" \
	fails_with "Connection timed out" rd $H/p2/power
ccs release
check "once the board has done it, the driver works again: p1 reads 0" \
	busywait 5000 is $H/p1/power 0
check "one I/O error logged, then 'I/O works again'" \
	eval 'test "$(dmesg | grep -c "hat0: I/O error")" = 1 && dmesg | grep -q "hat0: I/O works again"'

# --- the board is unplugged while bound ---
exec 3<>"$H/p2/power"
exec 4<"$H/p3/power"
check "unplug the board (USB/IP link closed)" ccs down
check "hat0 is gone" busywait 10000 test ! -e $H
check "the LED is gone" test ! -e /sys/class/leds/hat0::alarm
check "a write through a file opened before fails with ENODEV" write_fd_enodev 3
check_fail "a read through a file opened before fails" eval 'cat <&4'
exec 3>&- 4<&-
check "the module unloads" rmmod clusterlb

# --- foreign USB IDs: bound by hand only ---
check "the module loads with no board" clb_insmod
dmesg -C
check "a one-slot board with USB IDs 1c40:0534 comes up" \
	eval 'ccs up --board single --usb-id 1c40:0534 && busywait 10000 tiny_connected'
bus=$(ccs bus)
check "... and is not detected (detect wants 3171:0011..0016)" test ! -e $H
check "new_device clusterctrl 0x20 binds it by hand" \
	eval 'echo clusterctrl 0x20 >/sys/bus/i2c/devices/i2c-$bus/new_device && busywait 10000 test -e $H/p1/power'
check "... as a Single: A+6 type with one slot" \
	test "$(cat $H/type) $(cat $H/slots)" = "clusterctrl-single 1"
check "delete_device unbinds it" \
	eval 'echo 0x20 >/sys/bus/i2c/devices/i2c-$bus/delete_device && test ! -e $H'
ccs down

# --- hot-plug with the module loaded; unload leaves power alone ---
check "a Stack running p1 and p5 plugged in binds by itself" \
	eval 'ccs up --board stack --power 1,5 && busywait 10000 test -e $H/p5/power'
check "... clusterctrl-stack, 5 slots, no alert file, no LED" \
	eval 'is $H/type clusterctrl-stack && is $H/slots 5 && test ! -e $H/alert && test ! -e /sys/class/leds/hat0::alarm'
ccs log --clear >/dev/null
check "unloading the module with the Stack bound" rmmod clusterlb
check "... leaves its power alone: no ON/OFF, p1 and p5 still on" \
	eval '! log_has "^O[NF]" && power_is "1 0 0 0 1"'
ccs down

# --- two boards: hatN by REG_ORDER ---
# shellcheck disable=SC2034 # used in the eval strings below
H1=/sys/class/clusterhat/hat1
dev_ctl() { echo "$2" >"/sys/bus/i2c/devices/i2c-$sbus/$1"; }
check "a second board: an A+6 (ORDER 10) on i2c-stub, polled to run commands" \
	ccs stub-up --board a6 --order 10
defer ccs stub-down
sbus=$(ccs --stub bus)
check "the module loads" clb_insmod
check "the A+6 (ORDER 10) bound by hand first is hat0" \
	eval 'dev_ctl new_device "clusterctrl 0x20" && busywait 10000 test -e $H/p5/power && is $H/type clusterctrl-a6'
check "a Triple (ORDER 20) plugged in next is hat1" \
	eval 'ccs up --board triple --order 20 && busywait 10000 test -e $H1/p3/power && is $H1/type clusterctrl-triple'
check "hat1/p3 switches the Triple only" \
	eval 'wr $H1/p3/power 1 && power_is "0 0 1" && test "$(ccs --stub get power)" = "0 0 0 0 0"'
check "hat0/p5 switches the A+6 only" \
	eval 'wr $H/p5/power 1 && test "$(ccs --stub get power)" = "0 0 0 0 1" && power_is "0 0 1"'
check "unplugging the Triple removes hat1 only" \
	eval 'ccs down && busywait 10000 test ! -e $H1 && is $H/p5/power 1'
check "the A+6 unbinds" eval 'dev_ctl delete_device 0x20 && test ! -e $H'
dmesg -C
check "the Triple (ORDER 20) plugged in alone is hat0" \
	eval 'ccs up --board triple --order 20 && busywait 10000 test -e $H/p3/power'
check "the A+6 (ORDER 10) bound after it gets hat1: hat0 is taken" \
	eval 'dev_ctl new_device "clusterctrl 0x20" && busywait 10000 test -e $H1/p5/power && is $H1/type clusterctrl-a6'
check "... and the log says so" \
	eval 'dmesg | grep -q "hat1: number 0 by ORDER is taken"'
check "the module unloads with both bound" rmmod clusterlb

ktap_finish
