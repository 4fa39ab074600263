#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may use the clusterlb family, and where objects are visible:
# unprivileged callers read but get EPERM on every change (and on conn-get);
# root of a user namespace may configure only a network namespace that
# namespace owns; objects of one network namespace are invisible from
# another; a namespace deleted with objects configured cleans up.
#
# The 'bash -c' scripts below expand their arguments themselves:
# shellcheck disable=SC2016

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlink_lib.sh"

ktap_header
require_cmd jq setpriv unshare ip
clb_load
ktap_plan 21

NS=clbperm-$$
SVC='"proto": "tcp", "addr4": "'$(v4 192.168.1.10)'", "port": 80'
MSVC='"service": {'$SVC'}'
MEM='"addr4": "'$(v4 172.19.181.1)'", "port": 80'

# Run as nobody, without capabilities.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody() { nobody env HOME=/tmp bash -c '. "$1"; . "$2"; shift 2; ynl "$@"' \
	_ "$SELFTESTS_DIR/lib.sh" "$SELFTESTS_DIR/netlink_lib.sh" "$@"; }

_nobody_err() {
	local out
	out=$(as_nobody "$@" 2>&1) && { echo "$out"; return 1; }
	echo "$out"
	grep -qF "Netlink error: Operation not permitted" <<<"$out"
}

ynl --do service-new --json "{$SVC}" >/dev/null
ynl --do member-new --json "{$MSVC, $MEM}" >/dev/null

# --- unprivileged callers ------------------------------------------------------

_nobody_dump() { as_nobody --dump service-get | jq -e 'length == 1'; }
check "nobody can dump services" _nobody_dump
check "nobody can get a member" as_nobody --do member-get --json "{$MSVC, $MEM}"
for op in "service-new {$SVC}" "service-set {$SVC, \"sched\": \"rr\"}" \
	"service-del {$SVC}" "member-new {$MSVC, $MEM}" \
	"member-set {$MSVC, $MEM, \"weight\": 2}" "member-del {$MSVC, $MEM}" \
	"flush {}"; do
	check "nobody gets EPERM on ${op%% *}" _nobody_err --do "${op%% *}" --json "${op#* }"
done
check "nobody gets EPERM on conn-get dump" _nobody_err --dump conn-get
nl_json "nothing was changed" '.[0]."member-count" == 1 and .[0].sched == "wrr"' \
	--dump service-get

# --- user namespaces ---------------------------------------------------------

_userns_err() {
	local out
	out=$(unshare -U -r bash -c '. "$1"; . "$2"; shift 2; ynl "$@"' \
		_ "$SELFTESTS_DIR/lib.sh" "$SELFTESTS_DIR/netlink_lib.sh" "$@" 2>&1) &&
		{ echo "$out"; return 1; }
	echo "$out"
	grep -qF "Netlink error: Operation not permitted" <<<"$out"
}
check "userns root gets EPERM in the host's netns" \
	_userns_err --do service-new --json "{$SVC, \"port\": 81}"
check "userns root configures its own netns" \
	unshare -U -r -n bash -c '. "$1"; . "$2"
		ynl --do service-new --json "{$3}" &&
		ynl --dump service-get | jq -e "length == 1"' \
	_ "$SELFTESTS_DIR/lib.sh" "$SELFTESTS_DIR/netlink_lib.sh" "$SVC, \"port\": 82"

# --- network namespace isolation ---------------------------------------------

check "create a netns" ip netns add "$NS"
defer ip netns del "$NS"
nsynl() { ip netns exec "$NS" bash -c '. "$1"; . "$2"; shift 2; ynl "$@"' \
	_ "$SELFTESTS_DIR/lib.sh" "$SELFTESTS_DIR/netlink_lib.sh" "$@"; }
_nsjson() {
	local filter=$1 out
	shift
	out=$(nsynl "$@" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	jq -e "$filter" <<<"$out" >/dev/null
}
check "a new netns sees no service" _nsjson '. == []' --dump service-get
check "the same service key can be added in the other netns" \
	_nsjson '. == null' --do service-new --json "{$SVC, \"sched\": \"rr\"}"
check "and gets members there" _nsjson '. == null' \
	--do member-new --json "{$MSVC, \"addr4\": \"$(v4 10.0.0.2)\", \"port\": 80}"
check "the other netns sees only its own objects" \
	_nsjson '(. | length) == 1 and .[0].sched == "rr" and .[0]."member-count" == 1' \
	--dump service-get
nl_json "the host netns is unchanged" \
	'length == 1 and .[0].sched == "wrr" and .[0]."member-count" == 1' --dump service-get
check "deleting a netns with objects configured" ip netns del "$NS"
# netns cleanup runs asynchronously; give it time before rmmod.
sleep 2
check "rmmod" rmmod clusterlb

ktap_finish
