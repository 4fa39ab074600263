#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The datapath with the emulated controller, four powered nodes and the
# LAN client: every scheduler's distribution (mh with a remap bound),
# counters against what the client and conntrack saw, `conntrack -L`
# mappings, drain (persistence, client port reuse, a long download, the
# drained event), IPv6, UDP, locally originated connections and full NAT.
# Link, power and passive health are in datapath-health.sh.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

ktap_header
dp_setup gc_interval_ms=200
ktap_plan 32

TMP=$(mktemp -d)
defer rm -rf "$TMP"
S=$VIP:80
URL=http://$VIP/

# svc SCHED [ARGS...]: a fresh service on $S with members p1..p4
svc() {
	local p
	ctl service del tcp $S 2>/dev/null
	ctl service add tcp $S sched "$@" || return 1
	for p in 1 2 3 4; do
		ctl member add tcp $S 172.19.181.$p:80 dev usb$p || return 1
	done
}

# dist N WANT1 WANT2 WANT3 WANT4 PCT: N requests, per-node counts within PCT%
dist() {
	local n=$1 pct=$6 p out
	local want=("" "$2" "$3" "$4" "$5")
	out=$(hits "$n" $URL)
	echo "$out" | sort | uniq -c | tr '\n' ' '
	echo
	[ "$(echo "$out" | count fail)" = 0 ] || return 1
	for p in 1 2 3 4; do
		within "$(echo "$out" | count p$p)" "${want[p]}" "$pct" || return 1
	done
}

# --- schedulers ---
svc wrr
ctl member set tcp $S 172.19.181.1:80 weight 3
check "wrr 3:1:1:1 over 60 requests" dist 60 30 10 10 10 5
svc rr
check "rr over 40 requests" dist 40 10 10 10 10 5
svc lc
check "lc over 40 requests" dist 40 10 10 10 10 20
svc wlc
ctl member set tcp $S 172.19.181.1:80 weight 3
check "wlc 3:1:1:1 over 48 requests" dist 48 24 8 8 8 25

svc sh
sh_one() {
	local out
	out=$(hits 12 $URL)
	echo "$out" | sort | uniq -c
	[ "$(echo "$out" | sort -u | wc -l)" = 1 ] && ! grep -q fail <<<"$out"
}
check "sh: one client keeps one member" sh_one

# mh: 48 client addresses (one request each), then remove one member.
# Who got which client is read from conntrack.
for i in $(seq 101 148); do
	ip -n lan addr add 192.168.1.$i/24 dev eth0 2>/dev/null
done
svc mh
clients() {
	local i args=()
	conntrack -D -d $VIP >/dev/null 2>&1
	for i in $(seq 101 148); do
		[ "$i" = 101 ] || args+=(--next)
		args+=(-s -m 5 -o /dev/null --interface "192.168.1.$i" "$URL")
	done
	lan curl "${args[@]}"
	conntrack -L -d $VIP -p tcp 2>/dev/null |
		sed -n 's/.*src=\(192\.168\.1\.[0-9]*\) dst=192\.168\.1\.10 .* src=172\.19\.181\.\([0-9]\) .*/\1 p\2/p' |
		sort -u
}
clients >"$TMP/mh1"
# Under TCG a request may time out: most clients must have been answered.
mh_spread() {
	local p
	wc -l <"$TMP/mh1"
	[ "$(wc -l <"$TMP/mh1")" -ge 40 ] || return 1
	for p in 1 2 3 4; do
		grep -q " p$p\$" "$TMP/mh1" || return 1
	done
}
check "mh spreads 48 clients over all members" mh_spread
ctl member del tcp $S 172.19.181.4:80
clients >"$TMP/mh2"
mh_remap() {
	local moved
	join "$TMP/mh1" "$TMP/mh2" | tr '\n' ' '
	echo
	[ "$(wc -l <"$TMP/mh2")" -ge 40 ] || return 1
	grep -q ' p4$' "$TMP/mh2" && return 1
	# Clients of the remaining members: at most 1/12 of all move.
	moved=$(join "$TMP/mh1" "$TMP/mh2" | awk '$2 != "p4" && $2 != $3' | wc -l)
	echo "moved: $moved"
	[ "$moved" -le 4 ]
}
check "mh: removing 1 of 4 moves only its clients (bound 1/12 of the rest)" mh_remap

# --- counters and conntrack ---
svc wrr
hits 20 $URL >"$TMP/c"
sleep 1
counters() {
	local conns sum pin ct_pin
	conns=$(ctl -j show | jq '.services[0].stats.conns')
	sum=$(ctl -j show | jq '[.services[0].members[].stats.conns] | add')
	pin=$(ctl -j show | jq '.services[0].stats.pkts_in')
	ct_pin=$(conntrack -L -d $VIP 2>/dev/null |
		sed -n 's/.* packets=\([0-9]*\) bytes=[0-9]* src=.*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	echo "conns $conns sum $sum pkts_in $pin conntrack $ct_pin"
	[ "$conns" = 20 ] && [ "$sum" = 20 ] && [ "$pin" = "$ct_pin" ]
}
check "counters: conns and packets match the client and conntrack" counters
per_member() {
	local p n c
	for p in 1 2 3 4; do
		n=$(count p$p <"$TMP/c")
		c=$(ctl -j show | jq ".services[0].members[] | select(.address == \"172.19.181.$p\") | .stats.conns")
		[ "$n" = "$c" ] || { echo "p$p: client saw $n, counter $c"; return 1; }
	done
}
check "counters: per member, what the client saw" per_member
check "conntrack -L shows the mapping to members" \
	bash -c "conntrack -L -d $VIP 2>/dev/null | grep -q 'src=172.19.181.[1-4] dst=192.168.1.100 sport=80'"
check "/proc/net/clusterlb counts the records" \
	bash -c 'awk "/^records/ { exit !(\$2 >= 20) }" /proc/net/clusterlb'

# --- drain ---
svc wrr persist 300
ctl monitor >"$TMP/mon" 2>&1 &
mon=$!
defer kill $mon
first=$(lan curl -s -m 5 --local-port 42000 $URL)
X=${first#p}
persist() {
	local out
	out=$(hits 8 $URL)
	[ "$(echo "$out" | sort -u)" = "$first" ]
}
check "persistence keeps the client on $first" persist
lan curl -s -m 120 --limit-rate 400K -o "$TMP/big" ${URL}big &
dl=$!
check "long download runs on $first" busywait 10000 \
	bash -c "conntrack -L -d $VIP 2>/dev/null | grep ESTABLISHED | grep -q 'src=172.19.181.$X '"
# Its client is held (stopped) while the member drains: a loaded guest
# once took the 41 s of the download to get to the next check.
hold "-o $TMP/big"
check "state drain" ctl member set tcp $S 172.19.181.$X:80 state drain
sleep 1
check "drain: member is not drained while the download runs" \
	bash -c "cat '$TMP/mon'; [ -n '$held' ] && kill -0 $dl && ! grep -q drained '$TMP/mon'"
release
out=$(hits 12 $URL)
echo "$out" | sort | uniq -c | sed 's/^/# /'
check "drain: no new connection (persistence ignored)" \
	bash -c "! grep -qx -e '$first' -e fail <<<'$out'"
reuse=$(lan curl -s -m 5 --local-port 42000 $URL)
check "drain: a reused client port goes elsewhere ($reuse)" \
	bash -c "[ -n '$reuse' ] && [ '$reuse' != '$first' ] && [ '$reuse' != fail ]"
wait $dl
check "drain: the long download finishes" test $? = 0
check "drain: it got all 16 MiB" test "$(stat -c %s "$TMP/big")" = 16777216
check "drain: drained event after it ended" \
	busywait 5000 grep -q "drained.*172.19.181.$X" "$TMP/mon"
kill $mon 2>/dev/null

# --- IPv6, UDP, local, full NAT ---
ctl service add tcp "[$VIP6]:80" sched rr
for p in 1 2 3 4; do ctl member add tcp "[$VIP6]:80" "[fd00:181::$p]:80"; done
out6=$(hits 8 "http://[$VIP6]/")
check "IPv6 service: 8 requests over 4 members" \
	bash -c "! grep -q fail <<<'$out6' && [ \$(sort -u <<<'$out6' | wc -l) = 4 ]"

ctl service add udp $VIP:7 sched rr
for p in 1 2 3 4; do ctl member add udp $VIP:7 172.19.181.$p:7; done
udp() {
	local i out=
	for i in 1 2 3 4 5 6 7 8; do
		out+="$(echo x | lan socat -T 3 - UDP4:$VIP:7 2>/dev/null || echo fail) "
	done
	echo "$out"
	! grep -q fail <<<"$out" && [ "$(tr ' ' '\n' <<<"$out" | grep -c '^p[1-4]$')" = 8 ] &&
		[ "$(tr ' ' '\n' <<<"$out" | sort -u | grep -c .)" = 4 ]
}
check "UDP service: 8 datagrams answered by all 4 members" udp
udp6() {
	ctl service add udp "[$VIP6]:7" sched rr &&
	ctl member add udp "[$VIP6]:7" "[fd00:181::2]:7" &&
	[ "$(echo x | lan socat -T 3 - "UDP6:[$VIP6]:7")" = p2 ]
}
check "UDP over IPv6" udp6

svc rr
local_hits() {
	local i out=
	for i in 1 2 3 4; do
		out+="$(curl -s -m 5 $URL || echo fail) "
	done
	echo "$out"
	! grep -q fail <<<"$out" && [ "$(tr ' ' '\n' <<<"$out" | sort -u | grep -c .)" = 4 ]
}
check "locally originated connections are balanced" local_hits

# Node p1 without a route back to the LAN: only full NAT reaches it.
ctl service del tcp $S
ctl service add tcp $S sched rr
ctl member add tcp $S 172.19.181.1:80
ip -n p1 route del default
defer ip -n p1 route add default via 172.19.181.254
check_fail "without full NAT, a member that does not route back fails" \
	lan curl -s -m 3 $URL
conntrack -D -d $VIP >/dev/null 2>&1
check "service set flags fullnat" ctl service set tcp $S flags fullnat
# The failed attempt put p1 in error: start it afresh.
ctl member del tcp $S 172.19.181.1:80
ctl member add tcp $S 172.19.181.1:80
check "with full NAT it answers" bash -c "[ \"\$(ip netns exec lan curl -s -m 5 $URL)\" = p1 ]"
check "conntrack shows the full NAT source" \
	bash -c "conntrack -L -d $VIP 2>/dev/null | grep -q 'src=172.19.181.1 dst=172.19.181.254 sport=80'"

# --- removal ends flows ---
lan curl -s -m 30 --limit-rate 1M -o /dev/null ${URL}big &
dl=$!
busywait 10000 bash -c "conntrack -L -d $VIP 2>/dev/null | grep -q 'ESTABLISHED.*src=172.19.181.1 '"
t0=$SECONDS
check "member del ends its flows at once" ctl member del tcp $S 172.19.181.1:80
check "no conntrack entry to the removed member remains" \
	busywait 3000 bash -c "! conntrack -L -d $VIP 2>/dev/null | grep -q 'src=172.19.181.1 .*ESTABLISHED'"
wait $dl
rc=$?
echo "# download: curl exit $rc after $((SECONDS - t0)) s"
check "the client of the removed member gets a reset at once" \
	test "$rc" = 56 -a $((SECONDS - t0)) -le 10
check "service flush and unload with flows" ctl flush

ktap_finish
