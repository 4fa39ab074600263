#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The clusterlb generic netlink family, driven through the kernel's YNL
# cli.py and Documentation/netlink/specs/clusterlb.yaml: every operation,
# every validation rule (errno and extack message), monitor notifications,
# and unloading the module with objects configured. The requests go through
# ynl_server.py, cli.py's library in one process (cli.py itself is driven by
# cli.sh and netlink-perm.sh).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlink_lib.sh"

ktap_header
require_cmd jq
clb_load
ktap_plan 69
ynl_spec_valid
ynl_serve

A1=$(v4 192.168.1.10)
M1=$(v4 172.19.181.1)
M2=$(v4 172.19.181.2)
M3=$(v4 172.19.181.3)
A6=$(v6 fd00:1::10)
M6=$(v6 fd00:2::1)

SVC='"proto": "tcp", "addr4": "'$A1'", "port": 80'
SVC6='"proto": "udp", "addr6": "'$A6'", "port": 53'
MSVC='"service": {'$SVC'}'

# --- every operation ---------------------------------------------------------

nl_json "service dump of a fresh namespace is empty" '. == []' \
	--dump service-get
nl_json "service-new tcp IPv4 with rr, persistence and flags" '. == null' \
	--do service-new --json "{$SVC, \"sched\": \"rr\", \"persist-timeout\": 300,
	\"persist-mask\": 24, \"flags\": [\"hash-port\"]}"
nl_json "service-get returns what was configured" \
	'.proto == "tcp" and .addr4 == "192.168.1.10" and .port == 80 and
	 .sched == "rr" and ."persist-timeout" == 300 and ."persist-mask" == 24 and
	 .flags == ["hash-port"] and ."member-count" == 0 and .stats.conns == 0' \
	--do service-get --json "{$SVC}"
nl_json "service-new udp IPv6 gets the defaults (wrr, /128, no persistence)" \
	'. == null' --do service-new --json "{$SVC6}"
nl_json "service-get IPv6" \
	'.proto == "udp" and .addr6 == "fd00:1::10" and .sched == "wrr" and
	 ."persist-mask" == 128 and ."persist-timeout" == 0' \
	--do service-get --json "{$SVC6}"
nl_json "service-set changes the scheduler only" '. == null' \
	--do service-set --json "{$SVC, \"sched\": \"wrr\"}"
nl_json "service-get after service-set" \
	'.sched == "wrr" and ."persist-timeout" == 300 and .flags == ["hash-port"]' \
	--do service-get --json "{$SVC}"
nl_json "member-new with weight, state, netdev and slot" '. == null' \
	--do member-new --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80,
	\"weight\": 3, \"state\": \"drain\", \"ifname\": \"usb1\", \"slot\": \"hat0/p1\"}"
nl_json "member-new with defaults" '. == null' \
	--do member-new --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80}"
nl_json "member-new on another port" '. == null' \
	--do member-new --json "{$MSVC, \"addr4\": \"$M3\", \"port\": 8080, \"weight\": 0}"
nl_json "member-get returns what was configured" \
	'.service == {"proto": "tcp", "addr4": "192.168.1.10", "port": 80} and
	 .addr4 == "172.19.181.1" and .port == 80 and .weight == 3 and
	 .state == "drain" and .ifname == "usb1" and .slot == "hat0/p1" and
	 .stats.active == 0' \
	--do member-get --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80}"
nl_json "member-get defaults: weight 1, active, no netdev or slot, healthy" \
	'.weight == 1 and .state == "active" and (has("ifname") | not) and
	 (has("slot") | not) and .health == []' \
	--do member-get --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80}"
nl_json "member-set weight and state" '. == null' \
	--do member-set --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80,
	\"weight\": 65535, \"state\": \"standby\"}"
nl_json "member-set clears the netdev with an empty name, keeps the slot" \
	'. == null' --do member-set --json "{$MSVC, \"addr4\": \"$M1\",
	\"port\": 80, \"ifname\": \"\"}"
nl_json "member-get after member-set" \
	'(has("ifname") | not) and .slot == "hat0/p1" and .weight == 3' \
	--do member-get --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80}"
nl_json "member-get after weight/state change" \
	'.weight == 65535 and .state == "standby"' \
	--do member-get --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80}"
nl_json "member-new IPv6 member of the IPv6 service" '. == null' \
	--do member-new --json "{\"service\": {$SVC6}, \"addr6\": \"$M6\", \"port\": 53}"
nl_json "member dump: all members, in creation order" \
	'[.[] | .addr4 // .addr6] == ["172.19.181.1", "172.19.181.2",
	 "172.19.181.3", "fd00:2::1"]' --dump member-get
nl_json "member dump filtered by service" 'length == 3' \
	--dump member-get --json "{$MSVC}"
nl_json "member dump filtered by address" \
	'length == 1 and .[0].port == 8080' \
	--dump member-get --json "{\"addr4\": \"$M3\"}"
nl_json "member dump filtered by port" 'length == 2' \
	--dump member-get --json "{\"port\": 80}"
nl_json "service dump: both services with their member counts" \
	'[.[] | ."member-count"] == [3, 1]' --dump service-get
nl_json "conn-get dump is empty without traffic" '. == []' \
	--dump conn-get
nl_json "conn-get dump filtered by service and member" '. == []' \
	--dump conn-get --json "{$MSVC, \"member\": {\"addr4\": \"$M1\", \"port\": 80}}"
nl_err "conn-get of an unknown client" ENOENT "no connection from this client" \
	--do conn-get --json "{$MSVC, \"client-addr4\": \"$(v4 10.0.0.1)\",
	\"client-port\": 40000}"
nl_json "member-del" '. == null' \
	--do member-del --json "{$MSVC, \"addr4\": \"$M3\", \"port\": 8080}"
nl_err "member-get of the deleted member" ENOENT "member not found" \
	--do member-get --json "{$MSVC, \"addr4\": \"$M3\", \"port\": 8080}"
nl_json "flush with a service key removes only its members" '. == null' \
	--do flush --json "{$SVC}"
nl_json "the flushed service stays, without members" '."member-count" == 0' \
	--do service-get --json "{$SVC}"
nl_json "service-del" '. == null' --do service-del --json "{$SVC6}"
nl_err "service-get of the deleted service" ENOENT "service not found" \
	--do service-get --json "{$SVC6}"
nl_json "flush without attributes" '. == null' --do flush
nl_json "nothing left after flush" '. == []' --dump service-get

# --- every validation rule ---------------------------------------------------

ynl --do service-new --json "{$SVC}" >/dev/null
ynl --do member-new --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80}" >/dev/null

nl_err "unknown scheduler" ENOENT "unknown scheduler" \
	--do service-new --json "{$SVC6, \"sched\": \"nope\"}"
nl_err "unknown scheduler on service-set" ENOENT "unknown scheduler" \
	--do service-set --json "{$SVC, \"sched\": \"nope\"}"
nl_err "scheduler name too long" EINVAL "Attribute failed policy validation" \
	--do service-new --json "{$SVC6, \"sched\": \"abcdefghijklmnop\"}"
nl_err "duplicate service" EEXIST "service already exists" \
	--do service-new --json "{$SVC}"
nl_err "duplicate member" EEXIST "member already exists" \
	--do member-new --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80}"
nl_err "member family differs from the service's" EINVAL \
	"member address family does not match the service" \
	--do member-new --json "{$MSVC, \"addr6\": \"$M6\", \"port\": 80}"
nl_err "weight out of range" ERANGE "integer out of range" \
	--do member-new --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80, \"weight\": 65536}"
nl_err "member state out of range" ERANGE "integer out of range" \
	--do member-set --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80, \"state\": 4}"
nl_err "member of a missing service" ENOENT "service not found" \
	--do member-new --json "{\"service\": {$SVC6}, \"addr6\": \"$M6\", \"port\": 53}"
nl_err "member request without service" EINVAL "missing service" \
	--do member-new --json "{\"addr4\": \"$M2\", \"port\": 80}"
nl_err "member-set of a missing member" ENOENT "member not found" \
	--do member-set --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80, \"weight\": 2}"
nl_err "member-del of a missing member" ENOENT "member not found" \
	--do member-del --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80}"
nl_err "service-set of a missing service" ENOENT "service not found" \
	--do service-set --json "{$SVC6, \"sched\": \"rr\"}"
nl_err "service-del of a missing service" ENOENT "service not found" \
	--do service-del --json "{$SVC6}"
nl_err "addr4 and addr6 together" EINVAL \
	"IPv4 and IPv6 address are mutually exclusive" \
	--do service-new --json "{\"proto\": \"tcp\", \"addr4\": \"$A1\",
	\"addr6\": \"$A6\", \"port\": 81}"
nl_err "no address" EINVAL "missing address (IPv4 or IPv6)" \
	--do service-new --json '{"proto": "tcp", "port": 81}'
nl_err "no protocol" EINVAL "missing service protocol" \
	--do service-new --json "{\"addr4\": \"$A1\", \"port\": 81}"
nl_err "no port" EINVAL "missing service port" \
	--do service-new --json "{\"proto\": \"tcp\", \"addr4\": \"$A1\"}"
nl_err "port 0" ERANGE "integer out of range" \
	--do service-new --json "{\"proto\": \"tcp\", \"addr4\": \"$A1\", \"port\": 0}"
nl_err "unknown protocol" ERANGE "integer out of range" \
	--do service-new --json "{\"proto\": 3, \"addr4\": \"$A1\", \"port\": 81}"
nl_err "IPv4 address of the wrong length" ERANGE \
	"binary attribute size out of range" \
	--do service-new --json "{\"proto\": \"tcp\", \"addr4\": \"c0a801\", \"port\": 81}"
nl_err "IPv4 persistence netmask longer than 32" EINVAL \
	"persistence netmask longer than 32 for an IPv4 service" \
	--do service-set --json "{$SVC, \"persist-mask\": 33}"
nl_err "persistence netmask longer than 128" ERANGE "integer out of range" \
	--do service-set --json "{$SVC, \"persist-mask\": 129}"
nl_err "persistence timeout too long" ERANGE "integer out of range" \
	--do service-set --json "{$SVC, \"persist-timeout\": 2592001}"
nl_err "unknown service flag" EINVAL "reserved bit set" \
	--do service-set --json "{$SVC, \"flags\": 4}"
nl_err "service-set without a change" EINVAL \
	"nothing to change (sched, persist-timeout, persist-mask or flags)" \
	--do service-set --json "{$SVC}"
nl_err "member-set without a change" EINVAL \
	"nothing to change (weight, state, ifname or slot)" \
	--do member-set --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80}"
nl_err "invalid netdev name" EINVAL "invalid netdev name" \
	--do member-set --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80, \"ifname\": \"a/b\"}"
nl_err "invalid slot name" EINVAL "invalid slot name, expected hatN/pP" \
	--do member-set --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80, \"slot\": \"p2\"}"
nl_err "read-only attribute in a request" EINVAL "Unknown attribute type" \
	--do service-new --json "{$SVC6, \"member-count\": 1}"
nl_err "conn filter: member without service" EINVAL "member filter needs a service" \
	--dump conn-get --json "{\"member\": {\"addr4\": \"$M1\", \"port\": 80}}"
nl_err "conn filter: client family differs from the service's" EINVAL \
	"client address family does not match the service" \
	--dump conn-get --json "{$MSVC, \"client-addr6\": \"$M6\"}"

# --- notifications -----------------------------------------------------------

# A listener (netlink_monitor.py, on the same YNL library as cli.py)
# subscribes to "monitor", says "ready", and prints the notifications as one
# JSON list once it has the expected number (or after a timeout).
mon_out=$(mktemp)
defer rm -f "$mon_out"
"$PY" "$SELFTESTS_DIR/netlink_monitor.py" --spec "$CLB_SPEC" --no-schema \
	--count 8 --timeout 120 >"$mon_out" &
mon_pid=$!
busywait 60000 grep -q '^ready$' "$mon_out"
ynl --do member-set --json "{$MSVC, \"addr4\": \"$M1\", \"port\": 80, \"weight\": 7}" >/dev/null
ynl --do member-new --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80}" >/dev/null
ynl --do member-del --json "{$MSVC, \"addr4\": \"$M2\", \"port\": 80}" >/dev/null
ynl --do service-set --json "{$SVC, \"persist-timeout\": 60}" >/dev/null
ynl --do service-new --json "{$SVC6}" >/dev/null
ynl --do member-new --json "{\"service\": {$SVC6}, \"addr6\": \"$M6\", \"port\": 53}" >/dev/null
ynl --do flush >/dev/null
wait "$mon_pid"
ntf=$(tail -n 1 "$mon_out")
want='[
 {"name": "member-change-ntf", "addr": "172.19.181.1", "weight": 7},
 {"name": "member-new-ntf", "addr": "172.19.181.2", "weight": 1},
 {"name": "member-del-ntf", "addr": "172.19.181.2", "weight": 1},
 {"name": "service-change-ntf", "addr": "192.168.1.10", "weight": null},
 {"name": "service-new-ntf", "addr": "fd00:1::10", "weight": null},
 {"name": "member-new-ntf", "addr": "fd00:2::1", "weight": 1},
 {"name": "service-del-ntf", "addr": "192.168.1.10", "weight": null},
 {"name": "service-del-ntf", "addr": "fd00:1::10", "weight": null}]'
got=$(jq -c '[.[] | {name, addr: (.msg.addr4 // .msg.addr6), weight: .msg.weight}]' \
	<<<"$ntf" 2>&1)
if [ "$got" = "$(jq -c . <<<"$want")" ]; then
	ktap_ok "monitor: one notification per change, in order"
else
	echo "# got:  $got"
	ktap_fail "monitor: one notification per change, in order"
fi
if jq -e '.[3].msg."persist-timeout" == 60 and .[0].msg.service.port == 80 and
	.[0].msg.state == "active" and .[0].msg.stats.conns == 0' \
	<<<"$ntf" >/dev/null 2>&1; then
	ktap_ok "monitor: notifications carry the full object (as get)"
else
	echo "# $ntf"
	ktap_fail "monitor: notifications carry the full object (as get)"
fi

# --- unload with objects configured -----------------------------------------

ynl --do service-new --json "{$SVC}" >/dev/null
for p in $(seq 1 5); do
	ynl --do member-new --json "{$MSVC, \"addr4\": \"$(v4 "10.1.0.$p")\", \"port\": 80}" >/dev/null
done
check "rmmod with services and members configured" rmmod clusterlb

ktap_finish
