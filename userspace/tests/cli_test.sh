#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of the clusterlbctl binary that need no kernel module: help
# everywhere, exit codes, error messages naming the bad token, -batch and
# restore's syntax pass, the missing-module hint, and `power` against a
# fake /sys/class/clusterhat tree ($CLUSTERHAT_SYSFS).
#
# KTAP output; the last line reads "N passed, N failed"; exit 1 on failure.

C=${CLUSTERLBCTL:-$(dirname "$0")/../clusterlbctl}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

n=0 pass=0 fail=0
results=()

ok() { # ok NAME  (the last command succeeded as expected)
	n=$((n + 1)); pass=$((pass + 1)); results+=("ok $n $1")
}
not_ok() { # not_ok NAME DIAG
	n=$((n + 1)); fail=$((fail + 1))
	results+=("# $(printf '%s' "$2" | head -c 600 | tr '\n' ' ')" "not ok $n $1")
}

# expect RC NAME [GREP...] -- ARGS...: run clusterlbctl ARGS, check the exit
# code and that stdout+stderr match every GREP (fixed strings).
expect() {
	local rc=$1 name=$2 out got pat
	local pats=()
	shift 2
	while [ "$1" != "--" ]; do pats+=("$1"); shift; done
	shift
	out=$("$C" "$@" 2>&1); got=$?
	if [ "$got" != "$rc" ]; then
		not_ok "$name" "exit $got, wanted $rc: $out"; return
	fi
	for pat in "${pats[@]}"; do
		if ! grep -qF -- "$pat" <<<"$out"; then
			not_ok "$name" "no \"$pat\" in: $out"; return
		fi
	done
	ok "$name"
}

# ---- help works anywhere, without netlink ----
expect 0 "help" "Usage: clusterlbctl" -- help
expect 0 "-h" "Usage: clusterlbctl" -- -h
for h in "service help" "service add help" "service add tcp help" \
	 "service add tcp 192.168.1.10:80 help" "service add tcp 192.168.1.10:80 sched help" \
	 "member help" "member add tcp 1.2.3.4:80 10.0.0.1:80 weight help" \
	 "show help" "show tcp 1.2.3.4:80 help" "conn help" "conn show help" \
	 "monitor help" "flush help" "save help" "restore help" "power help" \
	 "power on help" "power status p1 help"; do
	# shellcheck disable=SC2086
	expect 0 "$h" "Usage:" -- $h
done
expect 0 "-V" "clusterlbctl version" -- -V
expect 0 "--version" "clusterlbctl version" -- --version

# ---- bad usage: exit 2, the bad token named, the accepted set listed ----
expect 2 "no arguments" "Usage:" --
expect 2 "unknown object" '"frob"' "service, member" -- frob
expect 2 "unknown option" '"-x"' -- -x show
expect 2 "unknown service command" '"frob"' "add, set, del" -- service frob
expect 2 "port out of range" '"99999"' "1-65535" -- service add tcp 192.168.1.10:99999
expect 2 "IPv6 without brackets" '"fd00::1:80"' "brackets" -- service add tcp fd00::1:80
expect 2 "missing bracket" "missing ']'" -- service add tcp '[fd00::1:80'
expect 2 "junk after address" "junk" -- service add tcp '[fd00::1]x:80'
expect 2 "bad protocol" '"sctp"' "tcp or udp" -- service add sctp 1.2.3.4:80
expect 2 "weight 65536" '"65536"' "0-65535" -- member add tcp 1.2.3.4:80 10.0.0.1:80 weight 65536
expect 2 "bad state" '"up"' "active, drain, disabled or standby" -- \
	member add tcp 1.2.3.4:80 10.0.0.1:80 state up
expect 2 "bad slot" '"hat0/p0"' "pN or hatN/pN" -- member add tcp 1.2.3.4:80 10.0.0.1:80 slot hat0/p0
expect 2 "family mismatch" "same family" -- member add tcp 1.2.3.4:80 '[fd00::1]:80'
expect 2 "duplicate keyword" '"weight" given twice' -- \
	member add tcp 1.2.3.4:80 10.0.0.1:80 weight 1 weight 2
expect 2 "unknown keyword" '"bogus"' "weight, state, dev, slot" -- \
	member add tcp 1.2.3.4:80 10.0.0.1:80 bogus 1
expect 2 "show junk" '"junk"' -- show tcp 1.2.3.4:80 junk
expect 2 "flush junk" '"now"' -- flush now
expect 2 "power without slots" "needs slots" -- power on
expect 2 "power bad slot" '"p0"' -- power off p0
expect 2 "power slot twice" "given twice" -- power on p1 hat0/p1
expect 2 "power slots and all" "not both" -- power on p1 all

# ---- no module: a hint, exit 1 (skipped if the family exists here) ----
if [ -e /sys/module/clusterlb ]; then
	ok "missing module hint # SKIP clusterlb is loaded on this host"
elif [ "${CLUSTERLB_EMULATED:-}" = qemu-user ]; then
	ok "missing module hint # SKIP qemu-user opens no generic netlink socket"
else
	expect 1 "missing module hint" "clusterlb module not loaded: modprobe clusterlb or insmod clusterlb.ko" -- show
fi

# ---- restore: syntax checked first, every bad line reported, nothing applied ----
cat >"$TMP/bad.conf" <<'EOF'
# a comment
service add tcp 192.168.1.10:80 sched wrr
member add tcp 192.168.1.10:80 172.19.181.2:80 weight 65536
member add tcp 192.168.1.10:80 172.19.181.3:80 state up
show
EOF
expect 2 "restore reports every bad line" "bad.conf:3:" "bad.conf:4:" "bad.conf:5:" \
	"3 bad lines; nothing applied" -- restore "$TMP/bad.conf"
out=$("$C" restore <"$TMP/bad.conf" 2>&1); rc=$?
if [ $rc = 2 ] && grep -qF "<stdin>:3:" <<<"$out"; then ok "restore from stdin"
else not_ok "restore from stdin" "exit $rc: $out"; fi

# ---- -batch: stops at the first bad line unless -force ----
printf 'service help\nservice add tcp 1.2.3.4:0\nmember help\n' >"$TMP/batch"
out=$("$C" -batch "$TMP/batch" 2>&1); rc=$?
if [ $rc = 2 ] && grep -qF "line 2: Error:" <<<"$out" && [ "$(grep -c 'Usage: clusterlbctl member' <<<"$out")" = 0 ]
then ok "-batch stops at the bad line"; else not_ok "-batch stops at the bad line" "exit $rc: $out"; fi
out=$("$C" -force -batch "$TMP/batch" 2>&1); rc=$?
if [ $rc = 2 ] && grep -qF "Usage: clusterlbctl member" <<<"$out"
then ok "-force -batch goes on"; else not_ok "-force -batch goes on" "exit $rc: $out"; fi

# ---- power against a fake sysfs tree ----
S=$TMP/sysfs
mkhat() { # mkhat N SLOTS [power_all]
	local d=$S/hat$1 i
	mkdir -p "$d"
	echo "$2" >"$d/slots"
	echo 0 >"$d/stagger_ms"
	for i in $(seq 1 "$2"); do mkdir -p "$d/p$i"; echo 0 >"$d/p$i/power"; done
	[ -n "$3" ] && echo 0 >"$d/power_all"
	return 0
}
export CLUSTERHAT_SYSFS=$S
mkhat 0 4 yes
echo 1 >"$S/hat0/p3/power"
expect 0 "power status" "hat0/p1 off" "hat0/p3 on" "hat0/p4 off" -- power status
out=$("$C" -j power status 2>&1)
if python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["slots"][2]=={"slot":"hat0/p3","power":"on"}' <<<"$out" 2>/dev/null
then ok "power status -j is JSON"; else not_ok "power status -j is JSON" "$out"; fi
expect 0 "power on p1 p2" -- power on p1 hat0/p2
if [ "$(cat "$S/hat0/p1/power" "$S/hat0/p2/power" "$S/hat0/p4/power" | tr -d '\n')" = 110 ]
then ok "power on p1 p2 wrote the slots"; else not_ok "power on p1 p2 wrote the slots" "$(cat "$S"/hat0/p*/power)"; fi
expect 0 "power on all" -- power on all
if [ "$(cat "$S/hat0/power_all")" = 1 ] && [ "$(cat "$S/hat0/p4/power")" = 0 ]
then ok "power on all uses power_all"; else not_ok "power on all uses power_all" "$(cat "$S/hat0/power_all")"; fi
expect 2 "power slot beyond the board" "no slot p5 on hat0 (use p1-p4)" -- power on p5
expect 2 "power unknown board" "no board hat3" -- power on hat3/p1
rm "$S/hat0/power_all"
expect 0 "power off all without power_all" -- power off all
if [ "$(cat "$S"/hat0/p*/power | tr -d '\n')" = 0000 ]
then ok "power off all wrote each slot"; else not_ok "power off all wrote each slot" "$(cat "$S"/hat0/p*/power)"; fi
chmod 0444 "$S/hat0/p1/power"
if [ "$(id -u)" != 0 ]; then
	expect 1 "power on read-only slot" "run as root" -- power on p1
else
	ok "power on read-only slot # SKIP root can write anyway"
fi
chmod 0644 "$S/hat0/p1/power"
CLUSTERHAT_SYSFS=$TMP/none expect 1 "power without a board" "no Cluster HAT found" -- power status

# ---- power on ... wait, and poweroff, against the fake tree ----
# Interfaces come from a config file's node lines (no module here): lo is
# up; nosuchdev never comes.
cat >"$TMP/po.conf" <<'EOF2'
node p1 dev lo
node p2 dev nosuchdev0
EOF2
export CLUSTERLB_POWEROFF_CONF=$TMP/po.conf
echo 0 >"$S/hat0/p1/power"
expect 0 "power on p1 wait (link up)" "hat0/p1 up: link lo up" -- power on p1 wait 5
expect 1 "power on p2 wait names the node not up" "not up after 1s: hat0/p2 (nosuchdev0)" -- \
	power on p2 wait 1
expect 1 "power on p3 wait: no interface known" "hat0/p3 (no interface known)" -- power on p3 wait 1
expect 2 "power off ... wait" '"wait" goes with power on only' -- power off p1 wait
expect 2 "power on wait junk" '"soon"' -- power on p1 wait 5 soon
expect 2 "poweroff without slots" "needs slots" -- poweroff
expect 2 "poweroff bad keyword" '"frob"' "drain-timeout, grace" -- poweroff all frob
expect 2 "poweroff slot beyond the board" "no slot p7 on hat0" -- poweroff p7
expect 0 "poweroff help" "Usage: clusterlbctl poweroff" -- poweroff help
echo 1 >"$S/hat0/p2/power"
echo 0 >"$S/hat0/p3/power"
out=$("$C" -j poweroff p2 p3 grace 1 shutdown-cmd 'echo stop %n' halt halt-cmd "touch $TMP/halted" 2>/dev/null); rc=$?
if [ $rc = 0 ] && [ "$(cat "$S/hat0/p2/power")" = 0 ] && [ -e "$TMP/halted" ] &&
   python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
steps = [(e.get("slot"), e["step"], e.get("how")) for e in ev]
assert ("hat0/p2", "down", "already") in steps, steps      # nosuchdev0 is absent
assert ("hat0/p2", "power-off", "ok") in steps, steps
assert ("hat0/p3", "power-off", "already") in steps, steps  # was off
done = [e for e in ev if e["step"] == "done"]
assert [d["clean"] for d in done] == [True, True], done
assert ev[-1]["step"] == "halt" and ev[-1]["how"] == "ok", ev[-1]
' <<<"$out" 2>&1; then ok "poweroff: link already down, slot already off, halt-cmd, JSON lines"
else not_ok "poweroff: link already down, slot already off, halt-cmd, JSON lines" "exit $rc: $out"; fi
echo 1 >"$S/hat0/p1/power"
out=$("$C" poweroff p1 grace 1 shutdown-cmd 'true' 2>&1); rc=$?
if [ $rc = 1 ] && [ "$(cat "$S/hat0/p1/power")" = 0 ] && grep -q "forced" <<<"$out" &&
   grep -q "NOT clean" <<<"$out"; then ok "poweroff: forced after grace, power cut anyway, exit 1"
else not_ok "poweroff: forced after grace, power cut anyway, exit 1" "exit $rc: $out"; fi
printf 'grace soon\n' >"$TMP/bad.conf"
expect 2 "poweroff: bad config file line" "bad.conf:1:" '"soon"' -- poweroff p1 config "$TMP/bad.conf"
expect 2 "poweroff: missing config file" "cannot read $TMP/none.conf" -- poweroff p1 config "$TMP/none.conf"
rm -f "$TMP/halted"
out=$(CLUSTERHAT_SYSFS=$TMP/none "$C" poweroff all halt halt-cmd "touch $TMP/halted" 2>&1); rc=$?
if [ $rc = 1 ] && [ -e "$TMP/halted" ] && grep -q "no Cluster HAT found" <<<"$out"
then ok "poweroff halt without a board: still halts"; else not_ok "poweroff halt without a board: still halts" "exit $rc: $out"; fi
unset CLUSTERLB_POWEROFF_CONF

# ---- clusterctrl compatibility (clusterlbctl run as clusterctrl) ----
ln -s "$(readlink -f "$C")" "$TMP/clusterctrl"
CC=$TMP/clusterctrl
echo clusterhat >"$S/hat0/type"; echo 2.5 >"$S/hat0/version"
echo 0 >"$S/hat0/alert"; echo 1 >"$S/hat0/led"; echo 1 >"$S/hat0/hub"; echo 1 >"$S/hat0/wp"
for i in 1 2 3 4; do echo 0 >"$S/hat0/p$i/power"; done
echo 1 >"$S/hat0/p2/power"
out=$("$CC" status 2>&1); rc=$?
want="clusterhat clusterctrl maxpi pirevision throttled hat_version hat_version_major hat_version_minor hat_size hat_uuid hat_vendor hat_pid hat_force is_pi5 hat_alert hat_hub hat_wp hat_led hat_wplink hat_xra1200p p1 p2 p3 p4"
if [ $rc = 0 ] && [ "$(cut -d: -f1 <<<"$out" | tr '\n' ' ')" = "$want " ] &&
   grep -qx "clusterhat:2.5" <<<"$out" && grep -qx "clusterctrl:False" <<<"$out" &&
   grep -qx "maxpi:4" <<<"$out" && grep -qx "hat_version:2.5" <<<"$out" &&
   grep -qx "p2:1" <<<"$out" && grep -qx "p1:0" <<<"$out" && grep -qx "hat_hub:1" <<<"$out"
then ok "clusterctrl status: the vendor's keys in order"
else not_ok "clusterctrl status: the vendor's keys in order" "exit $rc: $out"; fi
expect 0 "clusterctrl maxpi" -- clusterctrl maxpi
out=$("$CC" maxpi); [ "$out" = 4 ] && ok "clusterctrl maxpi prints 4" || not_ok "clusterctrl maxpi prints 4" "$out"
"$CC" on p1 p3 >/dev/null 2>&1
[ "$(cat "$S"/hat0/p*/power | tr -d '\n')" = 1110 ] && ok "clusterctrl on p1 p3" ||
	not_ok "clusterctrl on p1 p3" "$(cat "$S"/hat0/p*/power)"
"$CC" off p2 >/dev/null 2>&1
[ "$(cat "$S"/hat0/p*/power | tr -d '\n')" = 1010 ] && ok "clusterctrl off p2" ||
	not_ok "clusterctrl off p2" "$(cat "$S"/hat0/p*/power)"
rm -f "$S/hat0/power_all"
"$CC" on >/dev/null 2>&1
[ "$(cat "$S"/hat0/p*/power | tr -d '\n')" = 1111 ] && [ "$(cat "$S/hat0/alert")" = 0 ] &&
	ok "clusterctrl on: all, ALERT back off" || not_ok "clusterctrl on: all, ALERT back off" "$(cat "$S"/hat0/p*/power "$S/hat0/alert")"
"$CC" off >/dev/null 2>&1
[ "$(cat "$S"/hat0/p*/power | tr -d '\n')" = 0000 ] && ok "clusterctrl off: all" ||
	not_ok "clusterctrl off: all" "$(cat "$S"/hat0/p*/power)"
out=$("$CC" on p5 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "ERROR: Valid options are p1-p4" ] && ok "clusterctrl on p5: the vendor's error" ||
	not_ok "clusterctrl on p5: the vendor's error" "exit $rc: $out"
"$CC" alert on >/dev/null && [ "$(cat "$S/hat0/alert")" = 1 ] && ok "clusterctrl alert on" || not_ok "clusterctrl alert on" ""
"$CC" alert off p2 >/dev/null && [ "$(cat "$S/hat0/alert")" = 0 ] && ok "clusterctrl alert off p2" || not_ok "clusterctrl alert off p2" ""
"$CC" led off >/dev/null && [ "$(cat "$S/hat0/led")" = 0 ] && ok "clusterctrl led off" || not_ok "clusterctrl led off" ""
"$CC" hub off >/dev/null && [ "$(cat "$S/hat0/hub")" = 0 ] && ok "clusterctrl hub off" || not_ok "clusterctrl hub off" ""
"$CC" wp off >/dev/null && [ "$(cat "$S/hat0/wp")" = 0 ] && ok "clusterctrl wp off" || not_ok "clusterctrl wp off" ""
expect 0 "clusterctrl help" "on|off [<devices>]" -- clusterctrl help
expect 2 "clusterctrl unknown command" 'unknown command "frob"' -- clusterctrl frob
expect 1 "clusterctrl unsupported command" '"fan" is not supported' -- clusterctrl fan on
ln -s "$(readlink -f "$C")" "$TMP/clusterhat"
out=$("$TMP/clusterhat" maxpi); [ "$out" = 4 ] && ok "clusterhat (the old name) works too" || not_ok "clusterhat (the old name) works too" "$out"
CLUSTERHAT_SYSFS=$TMP/none expect 1 "clusterctrl without a board" "ERROR: No ClusterHAT/CTRL devices found" -- clusterctrl status

# ---- the man page documents every keyword the usage texts show ----
MAN=$(dirname "$0")/../../Documentation/clusterlbctl.8
if [ -e "$MAN" ]; then
	missing=
	for w in $(for o in "" service member show conn monitor flush save power poweroff; do
			# shellcheck disable=SC2086
			"$C" $o help 2>/dev/null
		done | grep -E 'clusterlbctl|:=' |
		sed 's/([^)]*)//g; s/\[[a-z]*\]//g; s/, e\.g\..*//; s/, the .*//' |
		tr ' {}|[]' '\n' | grep -xE -- '-?[a-z][a-z-]+' | sort -u); do
		# The man page escapes "-" as "\-".
		grep -qwF -- "$w" "$MAN" || grep -qwF -- "${w//-/\\-}" "$MAN" || missing+=" $w"
	done
	if [ -z "$missing" ]; then ok "man page has every keyword of the usage texts"
	else not_ok "man page has every keyword of the usage texts" "missing:$missing"; fi
else
	ok "man page has every keyword of the usage texts # SKIP $MAN not found"
fi

echo "KTAP version 1"
echo "1..$n"
printf '%s\n' "${results[@]}"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
