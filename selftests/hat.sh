#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Cluster HAT sysfs ABI (Documentation/ABI/testing/sysfs-class-clusterhat)
# against the emulated HAT: every file is read and written, the expander's
# registers are checked independently with i2cget, and the effect on the
# emulated nodes (link, HTTP) is checked; bad input and unprivileged writes
# are refused and change nothing; power_all staggers switch-ons; the ALERT
# LED class device takes a trigger.

. "$(dirname "$0")/lib.sh"

require_cmd i2cget i2cset curl ip setpriv
require_module

H=/sys/class/clusterhat/hat0
LED=/sys/class/leds/hat0::alarm
REG_OUT=0x01 REG_DIR=0x03 REG_PUR=0x04

bool_files=(p1/power p2/power p3/power p4/power alert led hub wp power_all)
ro_files=(type version slots)
# Over a page: the write is split, so no piece of it may be valid alone.
long=1$(head -c 5000 /dev/zero | tr '\0' x)
# Written with printf %b: "\n" alone is an empty line, \0 a NUL byte.
bool_bad=('\n' 2 -1 onn of 10 '1 1' ON yes ' 1' '1\n\n' '1\0junk' '\001\377\200' "$long")
stagger_bad=('\n' -1 abc 60001 4294967296 1.5 '5\0junk' '\001\377' ' 5' +5 "$long" 1x)

ktap_header
ktap_plan $((67 + ${#bool_files[@]} * (${#bool_bad[@]} + 3) + ${#stagger_bad[@]} + 3 + ${#ro_files[@]} * 2))

sim_up
bus=$(sim bus)
reg() { i2cget -f -y "$bus" 0x20 "$1" b; }
bit_set() { (($(reg $REG_OUT) & $1)); }
bit_clear() { ! (($(reg $REG_OUT) & $1)); }
is() { test "$(cat "$1" 2>/dev/null)" = "$2"; }
link_up() { sim wait-link "$1" up 120; }
link_down() { sim wait-link "$1" down 120; }
http_is() { test "$(lan curl -sf -m 3 "http://172.19.181.$1/")" = "p$1"; }
http_fails() { ! lan curl -sf -m 2 "http://172.19.181.$1/" >/dev/null; }
# Milliseconds now, without forking (timing checks).
ms_now() { local t=${EPOCHREALTIME/./}; _ms=$((t / 1000)); }

# wr FILE VALUE: write VALUE (printf %b) in a single write(2); the shell's
# printf may split it (at newlines), which would test the shell, not sysfs.
wr() {
	printf '%b' "$2" | perl -e 'local $/; my $d = <STDIN> // "";
		open(my $f, ">", $ARGV[0]) or die "$!\n";
		defined(syswrite($f, $d)) or die "$!\n";' "$1"
}
# wr_einval FILE VALUE: the write fails with EINVAL.
wr_einval() {
	local err
	err=$(wr "$1" "$2" 2>&1) && return 1
	[[ $err == *"Invalid argument"* ]]
}
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
wr_nobody() { nobody sh -c 'printf 1 >"$1"' sh "$1"; }
snapshot() {
	echo "regs $(reg $REG_OUT) $(reg $REG_DIR) $(reg $REG_PUR)"
	grep -r . "$H"/p*/power "$H"/alert "$H"/led "$H"/hub "$H"/wp "$H"/stagger_ms
}

# --- binding with hat_bus= and start-up on a fresh HAT ---
check "module loads with hat_bus=$bus" insmod "$CLUSTERLB_KO" hat_bus="$bus"
defer rmmod clusterlb
check "hat0 exists" test -d "$H"
[ -d "$H" ] || ktap_exit_fail_msg "no $H: nothing else can pass"
# PUR 0x7f: the WP link read open; 0xff: read bridged (the emulation's IN
# can lag behind PUR on a loaded machine). wp below follows what was read.
check "fresh HAT initialised: OUT=0x90 DIR=0x00" \
	eval '[[ "$(reg $REG_OUT) $(reg $REG_DIR) $(reg $REG_PUR)" =~ ^0x90\ 0x00\ 0x(7f|ff)$ ]]'
wp_link=0
[ "$(reg $REG_PUR)" = 0xff ] && wp_link=1
echo "# WP link read as $([ $wp_link = 1 ] && echo bridged || echo open)"

# --- read-only files ---
check "type is clusterhat" is "$H/type" clusterhat
check "version is the default 2.5" is "$H/version" 2.5
check "slots is 4" is "$H/slots" 4
for f in "${ro_files[@]}"; do
	check "$f is 0444" test "$(stat -c %a "$H/$f")" = 444
	check_fail "$f cannot be written" wr "$H/$f" 1
done

# --- modes and reads as nobody ---
modes_ok() {
	local f
	for f in "${bool_files[@]}" stagger_ms; do
		[ "$(stat -c %a "$H/$f")" = 644 ] || { echo "$f: $(stat -c %a "$H/$f")"; return 1; }
	done
}
check "writable files are 0644" modes_ok
reads_ok() {
	local f
	for f in "${bool_files[@]}" "${ro_files[@]}" stagger_ms; do
		nobody cat "$H/$f" >/dev/null || return 1
	done
}
check "nobody can read every file" reads_ok

# --- slot power: register bit, link, HTTP ---
for p in 1 2 3 4; do
	bit=$((1 << (p - 1)))
	check "p$p/power reads 0 after start-up" is "$H/p$p/power" 0
	if [ $p = 3 ]; then on=on off=off; else on=1 off=0; fi
	check "p$p: write $on" wr "$H/p$p/power" "$on\n"
	check "p$p: OUT bit $((p - 1)) set, reads 1" eval "bit_set $bit && is $H/p$p/power 1"
	check "p$p: node link comes up" link_up $p
	check "p$p: node answers HTTP" busywait 30000 http_is $p
	check "p$p: write $off" wr "$H/p$p/power" "$off"
	check "p$p: OUT bit cleared, link gone, HTTP stops" \
		eval "bit_clear $bit && is $H/p$p/power 0 && link_down $p && http_fails $p"
done

# p1 keeps running through the rest: board switches must not touch it.
wr "$H/p1/power" 1
link_up 1 >/dev/null
ifindex=$(cat /sys/class/net/usb1/ifindex)

# --- board switches: alert (bit 6), led (bit 4), hub (bit 5, low = on), wp (bit 7) ---
check "alert reads 0, LED enable 1, hub 1, wp 1 after start-up" \
	eval "is $H/alert 0 && is $H/led 1 && is $H/hub 1 && is $H/wp 1"
check "alert 1 sets bit 6" eval "wr $H/alert 1 && bit_set 0x40 && is $H/alert 1"
check "alert 0 clears bit 6" eval "wr $H/alert 0 && bit_clear 0x40 && is $H/alert 0"
check "led off clears bit 4" eval "wr $H/led off && bit_clear 0x10 && is $H/led 0"
check "led on sets bit 4" eval "wr $H/led on && bit_set 0x10 && is $H/led 1"
check "hub 0 sets bit 5 (v2.5: active low)" eval "wr $H/hub 0 && bit_set 0x20 && is $H/hub 0"
check "hub 1 clears bit 5" eval "wr $H/hub 1 && bit_clear 0x20 && is $H/hub 1"
if [ $wp_link = 0 ]; then
	check "wp 0 clears bit 7 (WP link open)" eval "wr $H/wp 0 && bit_clear 0x80 && is $H/wp 0"
else
	wp_eperm() {
		local err
		err=$(wr "$H/wp" 0 2>&1) && return 1
		[[ $err == *"Operation not permitted"* ]] && bit_set 0x80
	}
	check "wp 0 refused with EPERM (WP link bridged), bit 7 stays" wp_eperm
fi
check "wp 1 sets bit 7" eval "wr $H/wp 1 && bit_set 0x80 && is $H/wp 1"
check "p1 untouched by the board switches" \
	eval "bit_set 0x01 && test $(cat /sys/class/net/usb1/ifindex) = $ifindex"

# --- bad input: EINVAL, nothing changes ---
before=$(snapshot)
for f in "${bool_files[@]}"; do
	for v in "${bool_bad[@]}"; do
		check "$f rejects '$(printf '%q' "${v:0:12}")' with EINVAL" wr_einval "$H/$f" "$v"
	done
	check "$f: an empty write (no bytes) changes nothing" wr "$H/$f" ''
	check_fail "$f: nobody cannot write" wr_nobody "$H/$f"
	check "$f: registers and every file unchanged" test "$(snapshot)" = "$before"
done
for v in "${stagger_bad[@]}"; do
	check "stagger_ms rejects '$(printf '%q' "${v:0:12}")' with EINVAL" wr_einval "$H/stagger_ms" "$v"
done
check_fail "stagger_ms: nobody cannot write" wr_nobody "$H/stagger_ms"
check "stagger_ms is still the default 1000" is "$H/stagger_ms" 1000
unchanged_p1_running() {
	local now
	now=$(snapshot)
	[ "$now" = "$before" ] || { diff <(echo "$before") <(echo "$now"); return 1; }
	[ "$(cat /sys/class/net/usb1/ifindex)" = "$ifindex" ] || { echo "# usb1 was replaced"; return 1; }
	http_is 1 || { echo "# p1 does not answer HTTP"; return 1; }
}
check "nothing changed, p1 still running" unchanged_p1_running

# --- power_all and the stagger ---
check "power_all reads 0 with one slot on" is "$H/power_all" 0
check "stagger_ms accepts 400" eval "wr $H/stagger_ms 400 && is $H/stagger_ms 400"
ms_now; t0=$_ms
echo 1 >"$H/power_all"
ms_now; t1=$_ms
echo "# power_all 1 with p1 already on, stagger 400 ms: $((t1 - t0)) ms"
check "power_all 1 switches p2..p4 on with 2 gaps of 400 ms (>= 800 ms)" \
	test $((t1 - t0)) -ge 800
check "... and not much longer (< 3000 ms)" test $((t1 - t0)) -lt 3000
check "all four power bits set, power_all reads 1" \
	eval "test \$((\$(reg $REG_OUT) & 0x0f)) = 15 && is $H/power_all 1"
nodes_234_up() {
	link_up 2 && link_up 3 && link_up 4 && busywait 30000 http_is 4 && return 0
	node_diag 4
	return 1
}
check "all four nodes come up" nodes_234_up
check "p1 kept running" test "$(cat /sys/class/net/usb1/ifindex)" = "$ifindex"
ms_now; t0=$_ms
echo 0 >"$H/power_all"
ms_now; t1=$_ms
check "power_all 0 is not staggered (< 800 ms, 3 x 400 if it were)" test $((t1 - t0)) -lt 800
check "power_all 0: bits cleared, links gone" \
	eval "test \$((\$(reg $REG_OUT) & 0x0f)) = 0 && link_down 1 && link_down 4"
echo 500 >"$H/stagger_ms"
ms_now; t0=$_ms
echo on >"$H/power_all"
ms_now; t1=$_ms
echo "# power_all on from all off, stagger 500 ms: $((t1 - t0)) ms"
check "power_all on from all off: 3 gaps of 500 ms (>= 1500 ms, < 4000 ms)" \
	eval "test $((t1 - t0)) -ge 1500 && test $((t1 - t0)) -lt 4000"
check "stagger_ms 0: power_all off then on without delay (< 800 ms)" \
	eval "echo 0 >$H/stagger_ms && echo 0 >$H/power_all && ms_now && t0=\$_ms && echo 1 >$H/power_all && ms_now && test \$((_ms - t0)) -lt 800"
wr "$H/power_all" 0

# --- the ALERT LED class device ---
check "LED class device hat0::alarm exists" test -d "$LED"
check "max_brightness is 1" is "$LED/max_brightness" 1
check "brightness 1 sets bit 6, alert reads 1" eval "wr $LED/brightness 1 && bit_set 0x40 && is $H/alert 1"
check "brightness 0 clears bit 6" eval "wr $LED/brightness 0 && bit_clear 0x40 && is $H/alert 0"
check "alert 1 reads back as brightness 1" eval "wr $H/alert 1 && is $LED/brightness 1 && wr $H/alert 0"
modprobe ledtrig-heartbeat 2>/dev/null
check "heartbeat trigger accepted" wr "$LED/trigger" heartbeat
# The heartbeat's "on" lasts 70 ms: poll with the shell's read, no fork.
blinks() {
	local v seen0='' seen1='' end=$((SECONDS + 10))
	while ((SECONDS < end)); do
		read -r v <"$H/alert" || return 1
		[ "$v" = 1 ] && seen1=1
		[ "$v" = 0 ] && seen0=1
		[ -n "$seen0" ] && [ -n "$seen1" ] && return 0
	done
	return 1
}
check "heartbeat blinks ALERT (alert reads bit 6 on and off)" blinks
check "brightness follows the trigger (reads 0 or 1)" eval "grep -qx '[01]' $LED/brightness"
check "trigger none" wr "$LED/trigger" none
check "power bits untouched by the LED" test $(($(reg $REG_OUT) & 0x0f)) = 0

ktap_finish
