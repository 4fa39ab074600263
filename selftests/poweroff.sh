#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The staged poweroff (clusterlbctl poweroff), power on with stagger and
# wait, and the clusterctrl-compatible commands, with the module driving
# the emulated HAT and four nodes serving the LAN client:
#
# - poweroff of the four nodes (two at a time) while the LAN client
#   downloads from each: every download on a node that drains finishes (none
#   is cut before its node is drained; the first node's is still running when
#   its drain begins); the node with an endless download is shut
#   down only after the drain timeout; a node that ignores its shutdown
#   command (cluster-sim hang) is forced off after the grace time; per node
#   the steps come in the order drain -> drained (or drain-timeout) ->
#   shutdown -> down -> power-off; the kernel sent member-drained for the
#   member that drained while busy; the nodes really halted (their links
#   dropped, the sim's "ssh ... poweroff" is a connection to TCP 2222);
#   every slot is off;
#   members are back in their state, out of rotation (slot-off).
# - a poweroff stopped by SIGINT while its node drains: exit 130, the
#   member back in rotation, the slot still on, the download still going.
# - power on all wait: staggered (stagger_ms between switch-ons), returns
#   with every link up; the members serve again.
# - clusterctrl (clusterlbctl run by that name): status keys and values,
#   on/off pN, maxpi, alert.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

ktap_header
dp_setup --hat gc_interval_ms=200
ktap_plan 28

TMP=$(mktemp -d)
defer rm -rf "$TMP"
S=$VIP:80
# Downloads at 300 KB/s take about 56 s: over within the drain timeout,
# which counts from their node's drain; the first node's download is held
# (its client stopped) until that drain begins, so the drain has work to
# wait for however slow the set-up was on a loaded machine. The grace
# leaves a loaded machine time to notice a node's halt.
DRAIN_TIMEOUT=90
GRACE=30

ctl service add tcp $S sched rr
for p in 1 2 3 4; do
	ctl member add tcp $S 172.19.181.$p:80 dev usb$p slot hat0/p$p
done
ctl -j monitor >"$TMP/mon" 2>&1 &
mon=$!
defer kill $mon

# dl NAME RATE PORT: a download of /big from the LAN client through the
# service; writes NAME.rc and NAME.end (epoch) when it ends.
dl() {
	(
		lan curl -s -m 200 --limit-rate "$2" --local-port "$3" -o "$TMP/$1" "http://$VIP/big"
		echo $? >"$TMP/$1.rc"
		# Whole or not at all: a reader polls for the file.
		date +%s.%N >"$TMP/$1.end.tmp" && mv "$TMP/$1.end.tmp" "$TMP/$1.end"
	) &
}
# node_of PORT: the node (1-4) whose member serves the client port
node_of() {
	ctl -j conn show | jq -r ".conns[] | select(.client.port == $1) | .member.address" |
		sed -n 's/^172\.19\.181\.//p' | head -n 1
}

# The endless one first (20 KB/s: hours for 16 MiB), then one per other
# node (rr gives each connection the next member); map them afterwards.
dl endless 20K 41000
sleep 0.5
dl d41001 300K 41001
# Hold the first node's download (its node drains first) as soon as it is
# established: a stopped client reads nothing, so the connection stays
# open until it is let go, however long the rest of the set-up takes.
est() { lan ss -Htn state established "( sport = :$1 )" | grep -q .; }
busywait 30000 est 41001
hold "--local-port 41001"
for port in 41002 41003; do
	sleep 0.5
	dl "d$port" 300K $port
done
four_conns() { [ "$(ctl -j conn show | jq '[.conns[] | select(.state == "active")] | length')" = 4 ]; }
# A loaded guest can take a while to set up four downloads.
busywait 60000 four_conns
E=$(node_of 41000)
NORMAL=()
declare -A NODE_OF
for port in 41001 41002 41003; do
	NODE_OF[$port]=$(node_of $port)
	NORMAL+=("${NODE_OF[$port]}")
done
echo "# endless download on p$E; others on p${NORMAL[*]}"
all4=$(printf '%s\n' "$E" "${NORMAL[@]}" | sort -u | tr -d '\n')
check "one download per node (rr)" test "$all4" = 1234
H=${NORMAL[0]}
sim hang "$H" on
echo "# p$H ignores its shutdown command"
# The first pair: p$H, whose download is in flight as its drain begins, and
# the endless one (it would outlast any other download while it waits for
# its drain timeout). The other two follow, their downloads maybe ended.
ORDER="p$H p$E p${NORMAL[1]} p${NORMAL[2]}"
echo "# poweroff order: $ORDER"

T0=$(date +%s.%N)
# shellcheck disable=SC2086
ctl -j poweroff $ORDER parallel 2 drain-timeout $DRAIN_TIMEOUT grace $GRACE \
	shutdown-cmd 'socat -T 3 - TCP:%a:2222' >"$TMP/po" 2>"$TMP/po.err" &
po=$!
# p$H's download goes on once its node drains (JSON lines come as they happen).
drain_began() { jq -e -s "any(.[]; .slot == \"hat0/p$H\" and .step == \"drain\")" "$TMP/po" >/dev/null 2>&1; }
busywait 60000 drain_began
release
wait $po
rc=$?
sed 's/^/# /' "$TMP/po" "$TMP/po.err" | head -n 80
check "poweroff: exit status 1 (a node forced, one timed out)" test $rc = 1
check "poweroff: every slot is off" \
	test "$(cat $HAT/p1/power $HAT/p2/power $HAT/p3/power $HAT/p4/power | tr -d '\n')" = 0000

# Step order of one node: its steps of interest, in order, as one string.
steps() {
	jq -r "select(.slot == \"hat0/p$1\") | .step + \"/\" + (.how // \"\")" "$TMP/po" |
		grep -E '^(drain/set|drained|drain-timeout|shutdown/|down|power-off)' |
		sed 's|^drained/.*|drained|' | uniq | tr '\n' ' '
}
for p in "${NORMAL[@]}"; do
	[ "$p" = "$H" ] && continue
	check "p$p: drain -> drained -> shutdown -> link down -> power off" \
		test "$(steps "$p")" = "drain/set drained shutdown/run down/link power-off/ok "
done
check "p$H (ignores shutdown): drained, then forced after the grace time" \
	test "$(steps "$H")" = "drain/set drained shutdown/run down/forced power-off/ok "
check "p$E (endless connection): shutdown only after the drain timeout" \
	test "$(steps "$E")" = "drain/set drain-timeout/timeout shutdown/run down/link power-off/ok "

# The drain timeout took as long as it says (+/- a second), and the grace too.
t_of() { jq -r "select(.slot == \"hat0/p$1\" and .step == \"$2\") | .time_ms" "$TMP/po" | head -n 1; }
d_ms=$(($(t_of "$E" drain-timeout) - $(t_of "$E" drain)))
g_ms=$(($(t_of "$H" power-off) - $(t_of "$H" shutdown)))
echo "# drain timeout took ${d_ms} ms, grace ${g_ms} ms"
check "drain timeout honoured (${d_ms} ms)" \
	test $d_ms -ge $((DRAIN_TIMEOUT * 1000 - 200)) -a $d_ms -le $((DRAIN_TIMEOUT * 1000 + 1500))
check "grace honoured (${g_ms} ms)" \
	test $g_ms -ge $((GRACE * 1000 - 200)) -a $g_ms -le $((GRACE * 1000 + 1500))

dl_ok() { [ "$(cat "$TMP/d$1.rc" 2>/dev/null)" = 0 ] && [ "$(stat -c %s "$TMP/d$1")" = 16777216 ]; }
check "the downloads on draining nodes all finished (16 MiB each)" \
	eval "dl_ok 41001 && dl_ok 41002 && dl_ok 41003"
# In flight at the drain timeout: the end of the endless download (cut once
# its node is down, or still hanging) is after the drain timeout.
wait_end() { [ -e "$TMP/endless.end" ]; }
busywait 30000 wait_end
end=$(cat "$TMP/endless.end" 2>/dev/null || date +%s.%N)
cut_s=$(awk -v e="$end" -v t0="$T0" 'BEGIN { printf "%d", (e - t0) * 1000 }')
echo "# endless download ended at ${cut_s} ms (drain timeout at $(t_of "$E" drain-timeout) ms), rc $(cat "$TMP/endless.rc" 2>/dev/null || echo running)"
check "the endless download was not cut before the drain timeout" \
	test "$cut_s" -ge "$(t_of "$E" drain-timeout)"
# p$H's download was held open until its node drained, and ended after
# that: the finished downloads above include one the drain had to wait for.
h_end=
for port in 41001 41002 41003; do
	[ "${NODE_OF[$port]}" = "$H" ] && h_end=$(cat "$TMP/d$port.end" 2>/dev/null)
done
h_drain=$(t_of "$H" drain)
echo "# p$H: drain at ${h_drain:-?} ms, its download ended at $(awk -v e="${h_end:-0}" -v t0="$T0" 'BEGIN { printf "%d", (e - t0) * 1000 }') ms"
in_flight() {
	[ -n "$held" ] && [ -n "$h_end" ] && [ -n "$h_drain" ] &&
		awk -v e="$h_end" -v t0="$T0" -v d="$h_drain" 'BEGIN { exit !((e - t0) * 1000 > d) }'
}
check "p$H's download was in flight when its node started draining" in_flight

drained_ev() { grep -q "\"event\":\"member-drained\".*\"address\":\"172.19.181.$1\"" "$TMP/mon"; }
# The event comes from the garbage walk, which finds a draining member
# idle: p$H drained while its download ran, and stayed draining through
# its grace time. (A member idle when set to drain may be back in its old
# state before a walk on a loaded guest: no event, and none is needed.)
check "the kernel sent member-drained for p$H" busywait 15000 drained_ev "$H"
check "every node's link is gone" \
	eval "! ls /sys/class/net | grep -q '^usb[1-4]$'"
states=$(ctl -j show | jq -r '[.services[0].members[].state] | unique | join(",")')
check "members back in their state (active), out of rotation (slot-off)" \
	eval "[ '$states' = active ] && [ \"\$(ctl -j show | jq '[.services[0].members[] | .health | index(\"slot-off\") != null] | all')\" = true ]"
check "poweroff JSON ends with the summary" \
	test "$(tail -n 1 "$TMP/po" | jq -c '[.step, .nodes, .clean]')" = '["summary",4,2]'

# --- power on with stagger and wait ---
echo 1000 >$HAT/stagger_ms
t0=$(date +%s%N)
ctl -j power on all wait 180 >"$TMP/on" 2>&1
rc=$?
t_ms=$((($(date +%s%N) - t0) / 1000000))
sed 's/^/# /' "$TMP/on"
check "power on all wait: exit 0 with every link up" \
	eval "[ $rc = 0 ] && [ \$(jq -r 'select(.step == \"up\") | .slot' '$TMP/on' | sort | tr -d '\n') = hat0/p1hat0/p2hat0/p3hat0/p4 ]"
check "power on all: staggered (3 gaps of 1 s, took ${t_ms} ms)" test $t_ms -ge 3000
sim wait-link 1,2,3,4 up 60 >/dev/null
out=$(hits 8 http://$VIP/)
echo "$out" | sort | uniq -c | sed 's/^/# /'
check "members serve again after power on" \
	eval "[ \$(grep -c fail <<<'$out') = 0 ] && [ \$(sort -u <<<'$out' | wc -l) = 4 ]"
out=$(ctl power on p1 wait 5 2>&1)
check "power on ... wait: a node already up returns at once" test $? = 0

# --- a poweroff stopped half-way ---
# A slow download keeps its node draining until SIGINT comes.
dl stopped 100K 41010
defer pkill -f 'local-port 41010'
conn_up() { [ -n "$(node_of 41010)" ]; }
busywait 20000 conn_up
S_P=$(node_of 41010)
echo "# slow download on p$S_P"
"$CTL" -j poweroff "p$S_P" drain-timeout 120 >"$TMP/int" 2>&1 &
po=$!
m_state() { ctl -j show | jq -r ".services[0].members[] | select(.address == \"172.19.181.$S_P\") | .state"; }
is_draining() { [ "$(m_state)" = drain ]; }
busywait 20000 is_draining
kill -INT $po
wait $po
rc=$?
sed 's/^/# /' "$TMP/int"
check "poweroff stopped by SIGINT while draining: exit 130" test $rc = 130
check "... the member is back to active, its slot still on, its link up" \
	eval "[ \"\$(m_state)\" = active ] && [ \$(cat $HAT/p$S_P/power) = 1 ] && [ -e /sys/class/net/usb$S_P ]"
# 16 MiB at 100 KB/s take minutes: it must still be running.
dl_goes_on() {
	if [ -e "$TMP/stopped.end" ]; then
		echo "# it ended: curl exit $(cat "$TMP/stopped.rc"), $(stat -c %s "$TMP/stopped") bytes"
		return 1
	fi
	[ -n "$(node_of 41010)" ]
}
check "... the download goes on" dl_goes_on
check "... it says so: drain-cancelled, summary interrupted by SIGINT" \
	eval "jq -se '[.[] | select(.step == \"interrupted\") | .how] == [\"drain-cancelled\"]' $TMP/int >/dev/null &&
	      [ \"\$(tail -n 1 $TMP/int | jq -r .interrupted)\" = SIGINT ]"
pkill -f 'local-port 41010'

# --- clusterctrl compatibility against the driver ---
ln -s "$(readlink -f "$CTL")" "$TMP/clusterctrl"
CC=$TMP/clusterctrl
st=$("$CC" status)
echo "$st" | sed 's/^/# /'
check "clusterctrl status: maxpi, version, p1-p4 as sysfs says" \
	eval "grep -qx maxpi:4 <<<'$st' && grep -qx hat_version_major:2 <<<'$st' && [ \"\$(grep -E '^p[1-4]:' <<<'$st' | tr -d '\n')\" = p1:1p2:1p3:1p4:1 ]"
"$CC" off p3
check "clusterctrl off p3: slot off, link gone" \
	eval "[ \$(cat $HAT/p3/power) = 0 ] && sim wait-link 3 down 30"
"$CC" on p3
check "clusterctrl on p3: slot on, link back" \
	eval "[ \$(cat $HAT/p3/power) = 1 ] && sim wait-link 3 up 120"
"$CC" alert on
check "clusterctrl alert on / status hat_alert:1" \
	eval "[ \$(cat $HAT/alert) = 1 ] && \"$CC\" status | grep -qx hat_alert:1"
"$CC" alert off

ktap_finish
