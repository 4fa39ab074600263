#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A controller's first use, end to end, short enough for every architecture
# (the armhf VM runs it alone): the module loads and binds the emulated
# HAT's expander (hat_bus=), its sysfs powers the four nodes on, one rr
# service over their gadget links serves the LAN client from all four and
# counts it, and the module unloads with the nodes left running.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

ktap_header
dp_setup --hat
ktap_plan 8

S=$VIP:80
check "the HAT is bound: hat0 with 4 slots" test "$(cat "$HAT/slots")" = 4
check "its sysfs reads all four slots on" \
	test "$(cat "$HAT"/p{1,2,3,4}/power | tr -d '\n')" = 1111

setup_service() {
	local p
	ctl service add tcp $S sched rr || return 1
	for p in 1 2 3 4; do
		ctl member add tcp $S 172.19.181.$p:80 dev usb$p slot hat0/p$p || return 1
	done
}
check "a service with four members" setup_service

# (check runs its command in a function with a local "out": another name.)
answers=$(hits 20 "http://$VIP/")
echo "$answers" | sort | uniq -c | sed 's/^/# /'
check "20 requests from the LAN, none failed" test "$(count fail <<<"$answers")" = 0
spread() {
	local p
	for p in 1 2 3 4; do
		[ "$(count "p$p" <<<"$answers")" = 5 ] || return 1
	done
}
check "rr gave each node 5" spread
check "the service counts 20 connections" \
	test "$(ctl -j show | jq '.services[0].stats.conns')" = 20

check "the module unloads" rmmod clusterlb
links_up() {
	local p
	for p in 1 2 3 4; do
		[ -e "/sys/class/net/usb$p" ] || return 1
		curl -s -m 5 --noproxy '*' "http://172.19.181.$p/" | grep -qx "p$p" || return 1
	done
}
check "unloading left all four nodes running" links_up
ktap_finish
