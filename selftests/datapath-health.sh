#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Member health in the datapath, with the module driving the emulated
# HAT: powering a node off during steady traffic (no failed request to the
# others, no new connection to it, back only once its link is up), a node
# that halts by itself (link only), passive health (a node whose HTTP
# server stopped: at most the first request fails, the member shows
# error, it is tried again after the retry interval), churn of members
# and weights under traffic, and unloading the module with flows
# (no conntrack reference left behind).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

ktap_header
# The retry interval is long against the few requests of the passive
# test, so that no trial falls inside them however slow the VM is.
dp_setup --hat gc_interval_ms=200 health_retry_ms=15000 health_timeout_ms=3000
ktap_plan 22

TMP=$(mktemp -d)
defer rm -rf "$TMP"
S=$VIP:80
URL=http://$VIP/

ctl service add tcp $S sched rr
for p in 1 2 3 4; do
	ctl member add tcp $S 172.19.181.$p:80 dev usb$p slot hat0/p$p
done
health() { ctl -j show | jq -c ".services[0].members[] | select(.address == \"172.19.181.$1\") | .health"; }
has() { health "$1" | grep -q "$2"; }
health_is() { [ "$(health "$1")" = "$2" ]; }
check "all members healthy" test "$(ctl -j show | jq '[.services[0].members[].healthy] | all')" = true

# traffic FILE N: N requests one after the other, 5 a second, one result
# per line ("pP" or "fail") appended as it comes. One curl for all: a
# process per request costs the loaded VM a second or more. Each URL is a
# new connection (the servers close every one); -w adds each transfer's
# exit status after its answer, "fail" where it is not 0. (A shell loop,
# not awk: mawk reads a pipe in blocks, the results would come at the end.)
traffic() {
	local i line urls=()
	for ((i = 0; i < $2; i++)); do urls+=("$URL"); done
	lan curl -s -N -m 5 --rate 5/s -w '%{exitcode}\n' "${urls[@]}" |
		while read -r line; do
			case $line in
			0) ;;
			[0-9]*) echo fail ;;
			*) echo "$line" ;;
			esac
		done >>"$1"
}

# --- power off during steady traffic ---
traffic "$TMP/t1" 60 &
tr=$!
busywait 60000 bash -c "[ \$(wc -l <'$TMP/t1') -ge 8 ]"
echo 0 >$HAT/p2/power
echo EVENT >>"$TMP/t1"
check "power off: member shows slot-off at once" has 2 slot-off
sim wait-link 2 down 30 >/dev/null
wait $tr
sed -n '/EVENT/,$p' "$TMP/t1" | sort | uniq -c | sed 's/^/# after: /'
check "power off: at most the request in flight failed" \
	test "$(count fail <"$TMP/t1")" -le 1
check "power off: no request to p2 after the event" \
	bash -c "! sed -n '/EVENT/,\$p' '$TMP/t1' | sed 1,2d | grep -qx p2"
check "power off: the others kept answering" \
	test "$(sed -n '/EVENT/,$p' "$TMP/t1" | grep -c '^p[134]$')" -ge 15
check "power off: health slot-off and link-down" \
	eval "has 2 slot-off && has 2 link-down"

echo 1 >$HAT/p2/power
powered_no_link() { has 2 link-down && ! has 2 slot-off; }
check "power on: slot on but not back before its link" busywait 5000 powered_no_link
sim wait-link 2 up 120 >/dev/null
check "power on: healthy once the link is up" busywait 5000 health_is 2 '[]'
check "power on: p2 takes connections again" eval "hits 8 $URL | grep -qx p2"

# --- a node that halts: its link goes, its slot stays powered ---
sim halt 3
sim wait-link 3 down 30 >/dev/null
check "halt: member shows link-down only" busywait 3000 health_is 3 '["link-down"]'
out=$(hits 12 $URL)
check "halt: no request fails, none reaches p3" \
	bash -c "! grep -qx -e fail -e p3 <<<'$out'"

# --- passive health ---
sim serve 4 off
out=$(hits 6 $URL)
echo "$out" | sort | uniq -c | sed 's/^/# /'
check "passive: at most the first request to p4 failed" test "$(count fail <<<"$out")" -le 1
check "passive: member shows error" has 4 error
retry_ms() { mjq 172.19.181.4 .retry_ms; }
retry_pending() { [ "$(retry_ms)" -gt 0 ] 2>/dev/null; }
check "passive: retry time is shown" retry_pending
sim serve 4 on
retry_due() { [ "$(retry_ms)" = 0 ]; }
check "passive: the retry time runs out" busywait 30000 retry_due
out=$(hits 12 $URL)
echo "$out" | sort | uniq -c | sed 's/^/# /'
check "passive: after the retry interval p4 is tried again and back" \
	bash -c "grep -qx p4 <<<'$out' && ! grep -qx fail <<<'$out'"
check "passive: member healthy again" health_is 4 '[]'

# --- churn under traffic ---
: >"$TMP/t2"
traffic "$TMP/t2" 60 &
tr=$!
scheds=(rr wrr lc wlc sh mh)
# Twelve rounds of changes, one process each, while the traffic runs.
for i in $(seq 12); do
	ctl -batch - <<-EOF
		member del tcp $S 172.19.181.4:80
		member set tcp $S 172.19.181.1:80 weight $((i % 5 + 1))
		member set tcp $S 172.19.181.2:80 state drain
		member add tcp $S 172.19.181.4:80 weight $((i % 3 + 1))
		member set tcp $S 172.19.181.2:80 state active
		service set tcp $S sched ${scheds[i % 6]}
	EOF
	sleep 0.5
done
wait $tr
sort "$TMP/t2" | uniq -c | sed 's/^/# churn: /'
check "churn: at most the removed member's connections failed" \
	test "$(count fail <"$TMP/t2")" -le 12
check "churn: traffic kept flowing" test "$(grep -c '^p[124]$' "$TMP/t2")" -ge 25

# --- unload with flows ---
lan curl -s -m 30 --limit-rate 1M -o /dev/null $URL/big &
dl=$!
busywait 10000 bash -c "conntrack -L -d $VIP 2>/dev/null | grep -q ESTABLISHED"
t0=$SECONDS
check "unload with a download running" rmmod clusterlb
wait $dl
rc=$?
echo "# download: curl exit $rc after $((SECONDS - t0)) s"
check "the download was reset with the module" test "$rc" = 56 -a $((SECONDS - t0)) -le 10
conntrack -F >/dev/null 2>&1
check "no conntrack entry left referenced" \
	busywait 5000 bash -c '[ "$(cat /proc/sys/net/netfilter/nf_conntrack_count)" = 0 ]'

ktap_finish
