#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clusterlbctl against the real module: every command, JSON output, the
# kernel's refusals (exit 1 with its message), EPERM for unprivileged
# callers, network namespace isolation, monitor events, save/restore round
# trip, restore refusing a bad file without changing anything (and undoing
# itself when the kernel refuses a line), and the missing-module hint.
# Needs no emulated cluster.

. "$(dirname "$0")/lib.sh"

require_cmd jq setpriv ip diff
require_module

CTL=${CLUSTERLBCTL:-$CLUSTERLB_TOP/userspace/clusterlbctl}
if [ ! -x "$CTL" ]; then
	ktap_skip_all "clusterlbctl not built (make -C userspace)"
	exit "$KSFT_SKIP"
fi
TMP=$(mktemp -d)
defer rm -rf "$TMP"

ctl() { "$CTL" "$@"; }
# ctl_rc RC GREP ARGS...: exit code RC and GREP (fixed string) in the output.
ctl_rc() {
	local want=$1 pat=$2 out rc
	shift 2
	out=$("$CTL" "$@" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = "$want" ] && grep -qF -- "$pat" <<<"$out"
}
# jq_is FILTER VALUE [ARGS...]: jq FILTER over `clusterlbctl -j ARGS` (default show).
jq_is() {
	local f=$1 v=$2 got
	shift 2
	got=$("$CTL" -j "${@:-show}" | jq -c "$f")
	[ "$got" = "$v" ] || { echo "got $got, want $v"; return 1; }
}
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
V=192.168.1.10:80 V6='[fd00:1::10]:80' M1=172.19.181.2:80 M2=172.19.181.3:80

ktap_header
ktap_plan 53

# insmod does not load dependencies (netfilter's conntrack and NAT): do it.
for dep in $(modinfo -F depends "$CLUSTERLB_KO" 2>/dev/null | tr , ' '); do
	modprobe "$dep"
done
check "module loads" insmod "$CLUSTERLB_KO"
defer rmmod clusterlb
if command -v genl-ctrl-list >/dev/null; then
	check "genl-ctrl-list sees the family" sh -c 'genl-ctrl-list | grep -q clusterlb'
else
	check "genl ctrl list sees the family" sh -c 'ip -o link >/dev/null; genl ctrl list | grep -q clusterlb'
fi

# --- services and members ---
check "service add" ctl service add tcp $V sched wrr persist 300 mask 24
check "service add IPv6" ctl service add tcp "$V6" sched rr
check "member add" ctl member add tcp $V $M1 weight 3 state drain dev lo slot hat0/p2
check "member add (defaults)" ctl member add tcp $V $M2
check "show lists the service" sh -c "'$CTL' show | grep -q '^TCP  $V'"
check "show lists the member" sh -c "'$CTL' show | grep -q -- '-> $M1 '"
check "-j show: service keys" jq_is '.services[] | select(.port == 80 and .family == "ipv4") | [.proto, .address, .sched, .persist, .mask, .flags, .member_count]' \
	'["tcp","192.168.1.10","wrr",300,24,[],2]'
check "-j show: member keys" jq_is '.services[].members[] | select(.address == "172.19.181.2") | [.port, .weight, .state, .dev, .slot, (.healthy|type)]' \
	'[80,3,"drain","lo","hat0/p2","boolean"]'
check "-j show: defaults" jq_is '.services[].members[] | select(.address == "172.19.181.3") | [.weight, .state, .dev, .slot]' \
	'[1,"active",null,null]'
check "-j show: stats keys" jq_is '.services[0].stats | keys' \
	'["active","bytes_in","bytes_out","conns","inactive","pkts_in","pkts_out"]'
check "show one service" jq_is '[.services[].address]' '["192.168.1.10"]' show tcp $V
check "-j -p show is one document" sh -c "'$CTL' -j -p show | jq -e .services >/dev/null"
check "service set" ctl service set tcp $V sched rr persist 0 flags fullnat
check "service set took effect" jq_is '.services[] | select(.port == 80 and .family == "ipv4") | [.sched, .persist, .flags]' \
	'["rr",0,["fullnat"]]'
check "member set" ctl member set tcp $V $M1 weight 0 state active dev none slot none
check "member set took effect" jq_is '.services[].members[] | select(.address == "172.19.181.2") | [.weight, .state, .dev, .slot]' \
	'[0,"active",null,null]'
check "conn show" ctl conn show
check "conn show -j" jq_is '.conns | type' '"array"' conn show tcp $V
check "member show" sh -c "'$CTL' member show tcp $V | grep -q -- '-> $M2'"

# --- the same objects through the kernel's YNL cli.py and the spec ---
if [ -e "$(dirname "$0")/netlink_lib.sh" ]; then
	. "$(dirname "$0")/netlink_lib.sh"
fi
if [ -n "${YNL_DIR:-}" ] && [ -e "$YNL_DIR/cli.py" ]; then
	check "ynl sees the member clusterlbctl added" _nl_json \
		'.[] | select(.addr4 == "172.19.181.3" and .service.addr4 == "192.168.1.10") |
		 .weight == 1 and .state == "active" and .port == 80' --dump member-get
	check "clusterlbctl sees the service ynl added" sh -c \
		"ynl_out=\$(/usr/bin/python3 '$YNL_DIR/cli.py' --spec '$CLB_SPEC' --no-schema \
		   --do service-new --json '{\"proto\": \"udp\", \"addr4\": \"$(v4 10.3.3.3)\", \"port\": 53, \"sched\": \"rr\"}') &&
		 '$CTL' show | grep -q '^UDP  10.3.3.3:53 .* rr'"
	ctl service del udp 10.3.3.3:53
else
	ktap_skip "ynl sees the member clusterlbctl added" "no YNL cli.py"
	ktap_skip "clusterlbctl sees the service ynl added" "no YNL cli.py"
fi

# --- the kernel refuses: exit 1 and its message ---
check "duplicate service: exit 1" ctl_rc 1 "Error:" service add tcp $V
check "unknown scheduler: exit 1, names sched" ctl_rc 1 "sched" service add tcp 10.0.0.1:80 sched nosuch
check "member of a missing service: exit 1" ctl_rc 1 "Error:" member add tcp 10.9.9.9:80 10.0.0.1:80
check "duplicate member: exit 1" ctl_rc 1 "Error:" member add tcp $V $M1
check "missing member: exit 1" ctl_rc 1 "Error:" member del tcp $V 172.19.181.99:80
check "bad usage: exit 2" ctl_rc 2 '"65536"' member set tcp $V $M1 weight 65536
check "unprivileged add: EPERM (as nobody)" sh -c \
	"out=\$(setpriv --reuid=65534 --regid=65534 --clear-groups '$CTL' service add tcp 10.0.0.2:80 2>&1); [ \$? = 1 ] && echo \"\$out\" | grep -q 'not permitted'"
check "unprivileged show works" nobody "$CTL" show

# --- network namespaces ---
ip netns add clbcli$$
defer ip netns del clbcli$$
check "other netns is empty" jq_is '.services' '[]' -n clbcli$$ show
check "add in other netns" ctl -n clbcli$$ service add udp 10.1.1.1:53
check "invisible from init netns" jq_is '[.services[] | select(.proto == "udp")]' '[]'

# --- monitor ---
ctl -j monitor >"$TMP/events" 2>"$TMP/events.err" &
mon=$!
defer kill $mon
# The subscription is in place once a first event arrives: poke until then.
busywait 5000 sh -c "'$CTL' member set tcp $V $M2 weight 2 >/dev/null; test -s '$TMP/events'"
: >"$TMP/events.mark"
n0=$(wc -l <"$TMP/events")
ctl service add tcp 10.5.5.5:80
ctl member add tcp 10.5.5.5:80 10.6.6.6:80 weight 4
ctl member set tcp 10.5.5.5:80 10.6.6.6:80 state disabled
ctl member del tcp 10.5.5.5:80 10.6.6.6:80
ctl service set tcp 10.5.5.5:80 sched rr
ctl service del tcp 10.5.5.5:80
busywait 5000 sh -c "[ \$(wc -l <'$TMP/events') -ge $((n0 + 6)) ]"
tail -n +$((n0 + 1)) "$TMP/events" | jq -c '[.event, .service.address, .member.address, .member.weight, .member.state]' >"$TMP/got"
cat >"$TMP/want" <<'EOF'
["service-new","10.5.5.5",null,null,null]
["member-new","10.5.5.5","10.6.6.6",4,"active"]
["member-change","10.5.5.5","10.6.6.6",4,"disabled"]
["member-del","10.5.5.5","10.6.6.6",4,"disabled"]
["service-change","10.5.5.5",null,null,null]
["service-del","10.5.5.5",null,null,null]
EOF
check "monitor: events in order, as JSON" diff -u "$TMP/want" "$TMP/got"
check "monitor: one JSON object per line" sh -c "jq -e .event '$TMP/events' >/dev/null"
kill $mon 2>/dev/null; wait $mon 2>/dev/null
ctl monitor >"$TMP/text" 2>&1 &
mon=$!
defer kill $mon
# Add and delete until the monitor, once subscribed, has printed both.
check "monitor text: one line per event" busywait 10000 sh -c \
	"'$CTL' service add tcp 10.7.7.7:80 && '$CTL' service del tcp 10.7.7.7:80 &&
	 grep -q '^service new tcp 10.7.7.7:80 sched wrr$' '$TMP/text' &&
	 grep -q '^service del tcp 10.7.7.7:80 sched wrr$' '$TMP/text'"
kill $mon 2>/dev/null; wait $mon 2>/dev/null

# --- save / restore ---
check "save" sh -c "'$CTL' save >'$TMP/saved'"
check "save has the lines" grep -q "^member add tcp $V $M1 weight 0 state active$" "$TMP/saved"
check "flush" ctl flush
check "flush emptied" jq_is '.services' '[]'
check "restore" ctl restore "$TMP/saved"
check "save after restore is identical" sh -c "'$CTL' save | diff -u '$TMP/saved' -"
check "restore of the same file again refuses (duplicates): exit 2" ctl_rc 2 "already exists" restore "$TMP/saved"
{ echo "service add udp 10.8.8.8:53"; echo "member add tcp $V 172.19.181.9:80 weight 70000"; } >"$TMP/bad1"
check "restore with one bad line: exit 2" ctl_rc 2 "nothing applied" restore "$TMP/bad1"
check "... and changed nothing" sh -c "'$CTL' save | diff -u '$TMP/saved' -"
{ echo "service add udp 10.8.8.8:53"; echo "member add udp 10.8.8.8:53 10.0.0.1:53"
  echo "member set tcp $V $M1 weight 9"; echo "service add tcp 10.9.9.9:80 sched nosuch"; } >"$TMP/bad2"
check "restore the kernel refuses: exit 1, undone" ctl_rc 1 "undone" restore "$TMP/bad2"
check "... and the configuration is as before" sh -c "'$CTL' save | diff -u '$TMP/saved' -"
check "restore check (flush first)" sh -c "{ echo flush; cat '$TMP/saved'; } | '$CTL' restore check"
check "restore check found duplicates: exit 2" ctl_rc 2 "already exists" restore check "$TMP/saved"
printf 'service add tcp 10.4.4.4:80\nshow tcp 10.4.4.4:80\nservice del tcp 10.4.4.4:80\n' >"$TMP/batch"
check "-batch" sh -c "'$CTL' -batch '$TMP/batch' | grep -q '^TCP  10.4.4.4:80'"

# --- unload with objects configured, then the missing-module hint ---
check "rmmod with objects configured" rmmod clusterlb
check "missing module hint: exit 1" ctl_rc 1 "modprobe clusterlb" show

ktap_finish
