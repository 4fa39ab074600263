#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Admin states besides drain (datapath.sh), and the connection table's
# limit, with the emulated controller and the LAN client:
# - standby members take connections only while no active member can,
#   and give way again as soon as one can;
# - a disabled member takes no new connection; its running ones go on,
#   unless disabled_ends_flows is set, which ends them at once (reset);
# - beyond conn_max a new connection is refused and counted (limit_hit in
#   /proc/net/clusterlb), and connections flow again once there is room.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/datapath_lib.sh"

ktap_header
dp_setup gc_interval_ms=200
ktap_plan 9

S=$VIP:80
URL=http://$VIP/

ctl service add tcp $S sched rr
ctl member add tcp $S 172.19.181.1:80 dev usb1
ctl member add tcp $S 172.19.181.2:80 dev usb2
ctl member add tcp $S 172.19.181.3:80 dev usb3 state standby
ctl member add tcp $S 172.19.181.4:80 dev usb4 state standby

# only N NODE...: N requests, all answered, by these nodes only
only() {
	local n=$1 out re
	shift
	out=$(hits "$n" $URL)
	echo "$out" | sort | uniq -c | tr '\n' ' '
	echo
	! grep -qx fail <<<"$out" || return 1
	re=$(printf '%s\n' "$@" | paste -sd '|')
	! grep -vqxE "$re" <<<"$out"
}
mset() { ctl member set tcp $S "172.19.181.$1:80" state "$2"; }

# --- standby ---
check "standby: only the active members take connections" only 8 p1 p2
mset 1 drain
mset 2 disabled
check "standby: with no active member left, the standby ones do" only 8 p3 p4
mset 1 active
check "standby: back to the active member as soon as there is one" only 6 p1
check "disabled: no new connection (p2 disabled, p1 active)" only 6 p1

# --- disabled with a running download ---
mset 1 drain
mset 2 active
# 16 MiB at 400 KB/s: over half a minute, however fast curl's bursts.
lan curl -s -m 120 --limit-rate 400K -o /dev/null "${URL}big" &
dl=$!
on_p2() { conntrack -L -d $VIP 2>/dev/null | grep ESTABLISHED | grep -q 'src=172.19.181.2 '; }
# The rest needs the download on p2 (the only active member now): a
# loaded guest can take many seconds to start curl.
busywait 60000 on_p2 || echo "# the download did not show up on p2 in 60 s"
mset 1 active
mset 2 disabled
sleep 2
check "disabled: a running download goes on" kill -0 $dl
param disabled_ends_flows 1
t0=$SECONDS
mset 2 disabled
wait $dl
rc=$?
echo "# download: curl exit $rc after $((SECONDS - t0)) s"
check "disabled_ends_flows: setting disabled ends it at once (reset)" \
	test $rc = 56 -a $((SECONDS - t0)) -le 10
param disabled_ends_flows 0

# --- the connection table's limit ---
limit_hit() { awk '$1 == "limit_hit" { print $2 }' /proc/net/clusterlb; }
before=$(limit_hit)
param conn_max 0
out=$(hits 2 $URL -m 3)
check "conn_max 0: new connections are refused" test "$(count fail <<<"$out")" = 2
check "limit_hit counts them" test "$(limit_hit)" -ge $((before + 2))
param conn_max 65536
check "with room again, connections flow" only 4 p1

ktap_finish
