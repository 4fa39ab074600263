#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NUT drives the staged poweroff for real: dummy-ups simulates a UPS, upsd
# serves it, upsmon (primary) watches it with the SHUTDOWNCMD of
# Documentation/admin-guide.md ("clusterlbctl poweroff all halt", here with
# the bench's shutdown command and a halt-cmd that only leaves a mark).
# The UPS goes on battery (nothing happens), then on battery and low:
# upsmon runs the poweroff after FINALDELAY; the four nodes are drained,
# shut down and unpowered one after the other, a download in flight
# finishes, and the controller's halt command runs last.
# Everything runs in a temporary NUT_CONFPATH/NUT_STATEPATH as root.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

ktap_header
for b in /lib/nut/upsd /lib/nut/upsmon /lib/nut/dummy-ups; do
	if [ ! -x $b ]; then
		ktap_skip_all "$b missing (Debian packages nut-server, nut-client)"
		exit "$KSFT_SKIP"
	fi
done
require_cmd upsc upsrw
dp_setup --hat gc_interval_ms=200
ktap_plan 12

TMP=$(mktemp -d)
defer rm -rf "$TMP"
N=$TMP/nut
mkdir -p "$N/state"
chmod 0700 "$N" "$N/state"
export NUT_CONFPATH=$N NUT_STATEPATH=$N/state
S=$VIP:80
UPS=sim@127.0.0.1

ctl service add tcp $S sched rr
for p in 1 2 3 4; do
	ctl member add tcp $S 172.19.181.$p:80 dev usb$p slot hat0/p$p
done

ups_status() { # set the simulated UPS's status (e.g. "OB LB")
	printf 'ups.status: %s\nbattery.charge: %s\n' "$1" "$2" >"$N/sim.dev.new"
	mv "$N/sim.dev.new" "$N/sim.dev"
}
ups_status OL 100
cat >"$N/ups.conf" <<EOF
[sim]
	driver = dummy-ups
	port = $N/sim.dev
	mode = dummy-loop
	desc = "simulated UPS"
EOF
cat >"$N/upsd.conf" <<EOF
LISTEN 127.0.0.1 3493
EOF
cat >"$N/upsd.users" <<EOF
[mon]
	password = secret
	upsmon primary
[admin]
	password = secret
	actions = SET
EOF
# The SHUTDOWNCMD of the admin guide, with the bench's shutdown command
# and a halt that only leaves a mark. The "ssh" retries its connection as
# ssh's ConnectionAttempts would: a starved guest once missed a node's ARP
# answer (No route to host).
cat >"$N/shutdown" <<EOF
#!/bin/sh
date +%s.%N >"$N/shutdown.start"
exec "$(readlink -f "$CTL")" -j poweroff all drain-timeout 30 grace 30 \\
	shutdown-cmd 'socat -T 3 - TCP:%a:2222,retry=3,interval=1' halt halt-cmd 'touch $N/controller-halted' \\
	>"$N/po.json" 2>"$N/po.err"
EOF
chmod 0755 "$N/shutdown"
cat >"$N/upsmon.conf" <<EOF
RUN_AS_USER root
MONITOR $UPS 1 mon secret primary
MINSUPPLIES 1
SHUTDOWNCMD "$N/shutdown"
POLLFREQ 1
POLLFREQALERT 1
HOSTSYNC 2
DEADTIME 10
FINALDELAY 2
POWERDOWNFLAG $N/killpower
EOF
chmod 0600 "$N"/*.conf "$N/upsd.users"

/lib/nut/dummy-ups -a sim -u root -F >"$TMP/driver.log" 2>&1 &
defer kill $!
busywait 15000 test -S "$N/state/dummy-ups-sim"
/lib/nut/upsd -u root -F >"$TMP/upsd.log" 2>&1 &
defer kill $!
status() { upsc $UPS ups.status 2>/dev/null; }
# Every flag of $want is set: once upsmon sees "OB LB" it adds FSD, which
# a poll may see first.
is_status() {
	local have=" $(status) " f
	[ "$have" != "  " ] || return 1
	for f in $want; do
		[[ $have == *" $f "* ]] || return 1
	done
}
want=OL
check "NUT: upsd serves the simulated UPS (OL)" busywait 20000 is_status
/lib/nut/upsmon -p -F >"$TMP/upsmon.log" 2>&1 &
upsmon=$!
defer kill $upsmon
sleep 3

# A download in flight when the power fails: it must finish.
lan curl -s -m 120 --limit-rate 700K -o "$TMP/big" "http://$VIP/big" &
dl=$!
sleep 1

set_status() { # file first; upsrw if the driver did not pick it up
	want=$1
	ups_status "$1" "$2"
	busywait 20000 is_status && return 0
	upsrw -s ups.status="$1" -u admin -p secret $UPS >/dev/null 2>&1
	busywait 20000 is_status
}
check "UPS on battery (OB)" set_status OB 80
sleep 4
check "on battery alone: no poweroff yet" \
	eval "[ ! -e '$N/shutdown.start' ] && [ \$(cat $HAT/p1/power $HAT/p2/power $HAT/p3/power $HAT/p4/power | tr -d '\n') = 1111 ]"
check "UPS on battery and low (OB LB)" set_status "OB LB" 5
check "upsmon runs the SHUTDOWNCMD (clusterlbctl poweroff all halt)" \
	busywait 60000 test -e "$N/shutdown.start"
check "the poweroff halts the controller at the end" \
	busywait 240000 test -e "$N/controller-halted"
sed 's/^/# /' "$N/po.json" "$N/po.err" | head -n 60
sed 's/^/# upsmon: /' "$TMP/upsmon.log" | tail -n 15

check "every slot is off" \
	test "$(cat $HAT/p1/power $HAT/p2/power $HAT/p3/power $HAT/p4/power | tr -d '\n')" = 0000
steps() {
	jq -r "select(.slot == \"hat0/p$1\") | .step + \"/\" + (.how // \"\")" "$N/po.json" |
		grep -E '^(drain/set|drained|drain-timeout|shutdown/|down|power-off)' |
		sed 's|^drained/.*|drained|' | uniq | tr '\n' ' '
}
good=1
for p in 1 2 3 4; do
	s=$(steps $p)
	echo "# p$p: $s"
	[ "$s" = "drain/set drained shutdown/run down/link power-off/ok " ] || good=0
done
check "each node: drain -> drained -> shutdown -> link down -> power off" test $good = 1
# In order, one at a time: node p's power-off before node p+1's drain.
order=$(jq -r 'select(.step == "drain" or .step == "power-off") | .slot + "/" + .step' "$N/po.json" | tr '\n' ' ')
check "nodes in order, one after the other" \
	test "$order" = "hat0/p1/drain hat0/p1/power-off hat0/p2/drain hat0/p2/power-off hat0/p3/drain hat0/p3/power-off hat0/p4/drain hat0/p4/power-off "
check "all nodes clean (exit summary)" \
	test "$(jq -c 'select(.step == "summary") | [.nodes, .clean]' "$N/po.json")" = "[4,4]"
wait $dl
dlrc=$?
check "the download in flight finished (16 MiB)" \
	test "$dlrc" = 0 -a "$(stat -c %s "$TMP/big")" = 16777216
check "halt ran after the last node" \
	test "$(tail -n 1 "$N/po.json" | jq -r '.step + "/" + .how')" = halt/ok

ktap_finish
