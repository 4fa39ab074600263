#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clusterlb.service, run by systemd as PID 1 (scripts/vm-run --systemd;
# selftests/host/systemd.sh boots it for each kernel): installed with
# `make install`, the module installed where modprobe finds it, the HAT's
# bus in /etc/modprobe.d as a controller would have it.
#
# - start: the module is loaded, the saved configuration restored, the
#   nodes powered on in stages and waited for; the balancer serves;
# - stop: the configuration is saved (the previous file kept as .bak), the
#   module stays, the nodes stay powered;
# - start again with the module loaded and configured: nothing restored
#   twice;
# - a bad saved configuration fails the unit and changes nothing.

. "$(dirname "$0")/lib.sh"

ktap_header
if [ "$(cat /proc/1/comm)" != systemd ]; then
	ktap_skip_all "PID 1 is not systemd (run through selftests/host/systemd.sh)"
	exit "$KSFT_SKIP"
fi
require_cmd systemctl systemd-analyze curl jq depmod
require_module
ktap_plan 16

REL=$(uname -r)
CONF=/var/lib/clusterlb/clusterlb.conf
VIP=192.168.1.10
CTL=/usr/local/sbin/clusterlbctl
HAT=/sys/class/clusterhat/hat0
ctl() { "$CTL" "$@"; }
unit_is() { [ "$(systemctl is-active clusterlb.service)" = "$1" ]; }
# systemctl start|stop: on failure, what the unit said.
unit() {
	systemctl "$1" clusterlb.service && return 0
	journalctl -b -u clusterlb.service --no-pager -o cat | tail -n 20
	return 1
}
slots_on() { [ "$(cat $HAT/p1/power $HAT/p2/power $HAT/p3/power $HAT/p4/power | tr -d '\n')" = 1111 ]; }

# The Debian image's module tree is read-only here: a writable layer on it,
# then the module where `make modules_install` or DKMS would put it.
mods=/lib/modules/$REL
mkdir -p /tmp/mods/upper /tmp/mods/work
mount -t overlay -o "lowerdir=$mods,upperdir=/tmp/mods/upper,workdir=/tmp/mods/work" overlay "$mods"
install -D -m 0644 "$CLUSTERLB_KO" "$mods/updates/clusterlb.ko"
depmod -a "$REL"
check "make install puts clusterlbctl and the unit in place" \
	eval "make -s -C '$CLUSTERLB_TOP' install >/dev/null &&
	      test -x $CTL -a -e /lib/systemd/system/clusterlb.service -a -e /etc/default/clusterlb"
check "systemd-analyze verify finds nothing wrong with the unit" \
	eval "! systemd-analyze verify clusterlb.service 2>&1 | grep ."

sim_up
defer rmmod clusterlb
echo "options clusterlb hat_bus=$(sim bus)" >/etc/modprobe.d/clusterlb.conf
defer rm -f /etc/modprobe.d/clusterlb.conf
# A loaded machine has taken over 3 minutes to bring the emulated nodes up
# (the unit's start may take up to its TimeoutStartSec, 15 minutes).
cat >>/etc/default/clusterlb <<EOF
CLUSTERLB_POWER_ON=all
CLUSTERLB_POWER_ON_WAIT=600
EOF
mkdir -p "${CONF%/*}"
{
	echo "service add tcp $VIP:80 sched rr"
	for p in 1 2 3 4; do
		echo "member add tcp $VIP:80 172.19.181.$p:80 dev usb$p slot hat0/p$p"
	done
} >"$CONF"
ip addr add "$VIP/32" dev eth0
# The journal, as on a booted system (the unit's output goes there).
systemctl start systemd-journald.service
systemctl daemon-reload

# --- start at boot ---
check "systemctl start clusterlb: active" eval "unit start && unit_is active"
check "the module was loaded with the HAT's bus from modprobe.d" \
	eval "test -d $HAT && grep -qx $(sim bus) /sys/module/clusterlb/parameters/hat_bus"
check "the saved configuration was restored (save gives it back)" \
	eval "ctl save | grep -v '^#' | grep -c '^member add tcp $VIP:80 ' | grep -qx 4"
check "every slot was powered, every link is up (power on all wait)" \
	eval "slots_on && for p in 1 2 3 4; do test -e /sys/class/net/usb\$p || exit 1; done"
served() {
	local out
	for _ in 1 2 3 4 5 6 7 8; do out+=$(lan curl -sf -m 5 "http://$VIP/")$'\n'; done
	[ "$(sort -u <<<"$out" | grep -c '^p[1-4]$')" = 4 ]
}
check "the LAN client is served by all four nodes" busywait 60000 served

# --- stop at shutdown: save ---
ctl member set tcp $VIP:80 172.19.181.2:80 weight 5
cp "$CONF" /tmp/conf.before
check "systemctl stop clusterlb: inactive" eval "unit stop && unit_is inactive"
check "the configuration was saved, with the new weight" \
	grep -q "^member add tcp $VIP:80 172.19.181.2:80 weight 5" "$CONF"
check "the previous file was kept as .bak" cmp -s /tmp/conf.before "$CONF.bak"
check "stopping left the module loaded and the nodes powered" \
	eval "test -d /sys/module/clusterlb && slots_on && test -e /sys/class/net/usb4"

# --- start again (a restart): the running configuration stays ---
check "systemctl start again: active" eval "unit start && unit_is active"
check "nothing restored twice (still 4 members, weight 5 kept)" \
	eval "test \$(ctl save | grep -c '^member add') = 4 &&
	      ctl save | grep -q '172.19.181.2:80 weight 5'"

# --- a bad saved file: the unit fails, nothing changes ---
systemctl stop clusterlb.service
ctl flush
echo "service add tcp $VIP:80 sched nosuch" >"$CONF"
systemctl start clusterlb.service 2>/dev/null
# Its own error, not a later step's (power on ... wait fails too without
# members bound to the slots).
check "a bad saved configuration fails the unit, restore saying why" \
	eval "unit_is failed && journalctl -b -u clusterlb.service --no-pager -o cat | grep -qi 'nosuch\|unknown scheduler'"
check "... and restores nothing" test -z "$(ctl save | grep -v '^#')"
systemctl reset-failed clusterlb.service 2>/dev/null

# --- and the nodes stay up through it all ---
check "nodes were not switched off by any of it" slots_on

ktap_finish
