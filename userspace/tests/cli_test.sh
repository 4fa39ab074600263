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

# ---- the man page documents every keyword the usage texts show ----
MAN=$(dirname "$0")/../../Documentation/clusterlbctl.8
if [ -e "$MAN" ]; then
	missing=
	for w in $(for o in "" service member show conn monitor flush save power; do
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
