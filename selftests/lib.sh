# SPDX-License-Identifier: GPL-2.0
#
# Shared by the clusterlb selftests (run as root inside the test VM, see
# Documentation/testing.md). KTAP output comes from the kernel's own
# kselftest/ktap_helpers.sh; this file adds what our tests share:
#
#   ktap_header / ktap_plan N / ktap_ok DESC / ktap_fail DESC
#   ktap_skip DESC REASON       one result line each
#   check DESC CMD...           ok if CMD succeeds (its output is shown on failure)
#   check_fail DESC CMD...      ok if CMD fails
#   busywait TIMEOUT_MS CMD...  poll CMD (every 50 ms) until it succeeds
#   write_fd_enodev FD          writing to open FD fails with ENODEV
#   require_cmd CMD...          skip the whole program if a tool is missing
#   defer CMD...                run CMD at exit, last deferred first
#   ktap_finish                 totals, and the kselftest exit code
#   sim ARGS...                 scripts/cluster-sim
#   node_diag P...              how node P is reached, for a failed check's log
#   clb_insmod [PARAM=V...]     load clusterlb.ko and the modules it needs
# shellcheck shell=bash

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTERLB_TOP=${CLUSTERLB_TOP:-$(cd "$SELFTESTS_DIR/.." && pwd)}
CLUSTERLB_CACHE=${CLUSTERLB_CACHE:-/var/cache/clusterlb}
KSFT_DIR=$CLUSTERLB_CACHE/linux-source/tools/testing/selftests

if [ ! -e "$KSFT_DIR/kselftest/ktap_helpers.sh" ]; then
	echo "1..0 # SKIP kselftest helpers missing: run scripts/install-deps"
	exit 4
fi
# shellcheck source=/dev/null
. "$KSFT_DIR/kselftest/ktap_helpers.sh"

# The marker in the kernel log tells which program a splat came from; only
# in the test VM (vm-run sets CLUSTERLB_TESTMOD_DIR), not on the host.
ktap_header() {
	[ -n "${CLUSTERLB_TESTMOD_DIR:-}" ] &&
		echo "clusterlb-selftest: ${0##*/} starts" 2>/dev/null >/dev/kmsg
	ktap_print_header
}
ktap_plan() { ktap_set_plan "$1"; }
# Where the time goes: a result that came 10 s or more after the one
# before says so.
_since() {
	local now=$SECONDS since=start
	[ -n "${_last_result:-}" ] && since="previous result"
	((now - ${_last_result:-0} >= 10)) &&
		echo "# $((now - ${_last_result:-0})) s since the $since"
	_last_result=$now
}
ktap_ok() { _since; ktap_test_pass "$1"; }
ktap_fail() { _since; ktap_test_fail "$1"; }
ktap_skip() { _since; ktap_test_skip "$1 ($2)"; }
# The time each program takes shows in the log (make check's budget).
ktap_finish() {
	echo "# ${0##*/}: ${SECONDS}s"
	ktap_finished
}

# Run CMD, keep its output for the log if it fails.
_run() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	_last_out=$out
	return $rc
}

_show_last() {
	[ -n "${_last_out:-}" ] && printf '%s\n' "$_last_out" | head -n 80 | sed 's/^/#   /'
}

check() {
	local desc=$1
	shift
	if _run "$@"; then
		ktap_ok "$desc"
	else
		echo "# FAILED: $*"
		_show_last
		ktap_fail "$desc"
	fi
}

check_fail() {
	local desc=$1
	shift
	if _run "$@"; then
		echo "# unexpectedly succeeded: $*"
		_show_last
		ktap_fail "$desc"
	else
		ktap_ok "$desc"
	fi
}

busywait() {
	local timeout_ms=$1 now end
	shift
	now=${EPOCHREALTIME/./}
	end=$((now / 1000 + timeout_ms))
	while :; do
		"$@" && return 0
		now=${EPOCHREALTIME/./}
		((now / 1000 >= end)) && return 1
		nap 0.05
	done
}

# nap SECONDS: sleep without forking a sleep(1) (a fork costs milliseconds
# of the guest's CPU under TCG): a read that times out on a pipe no one
# writes to.
nap() {
	[ -n "${_nap_fd:-}" ] || exec {_nap_fd}<> <(:)
	read -r -t "$1" -u "$_nap_fd"
	return 0
}

# write_fd_enodev FD: writing "0" to the already open FD fails with ENODEV
# (its device went away under it).
write_fd_enodev() {
	local err
	err=$(perl -e 'open(my $f, ">&=", $ARGV[0]) or die "$!\n";
		defined(syswrite($f, "0")) or die "$!\n";' "$1" 2>&1) && return 1
	[[ $err == *"No such device"* ]] || { echo "$err"; return 1; }
}

require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			ktap_skip_all "$c not installed (scripts/install-deps installs it)"
			exit "$KSFT_SKIP"
		fi
	done
}

# clb_insmod [PARAM=VALUE...]: load clusterlb.ko with the modules it needs
# (conntrack, NAT...), which insmod, unlike modprobe, does not load.
clb_insmod() {
	local deps
	deps=$(modinfo -F depends "$CLUSTERLB_KO" | tr , ' ')
	# shellcheck disable=SC2086
	[ -z "$deps" ] || modprobe -a $deps || return 1
	insmod "$CLUSTERLB_KO" "$@"
}

require_module() {
	if [ ! -e "${CLUSTERLB_KO:-}" ]; then
		ktap_skip_all "clusterlb.ko not built for $(uname -r) (scripts/build-modules)"
		exit "$KSFT_SKIP"
	fi
}

_deferred=()
defer() {
	local q
	printf -v q '%q ' "$@"
	_deferred+=("$q")
}

# hold PATTERN: stop the client whose command line matches PATTERN, and
# set $held to its pid (empty if none): a stopped client reads nothing, so
# its connection stays open however long the test's next steps take.
# `release` lets it go; so does the test's exit, in any case.
hold() {
	local i
	# Asked a few times: once (datapath.sh, 6.12, loaded) pgrep found
	# nothing for the download the test had just seen established. Not
	# explained; if it ended already, the process list below says so.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		held=$(pgrep -f -- "$1" | head -n 1)
		[ -n "$held" ] && break
		nap 0.2
	done
	if [ -z "$held" ]; then
		echo "# hold: no process matches '$1'; the processes:"
		ps -eo pid,stat,args | sed 's/^/#   /'
		return 1
	fi
	kill -STOP "$held"
	defer kill -CONT "$held"
}
release() { [ -z "${held:-}" ] || kill -CONT "$held"; }

_run_deferred() {
	local i
	for ((i = ${#_deferred[@]} - 1; i >= 0; i--)); do
		eval "${_deferred[i]}" >/dev/null 2>&1
	done
	_deferred=()
}
trap _run_deferred EXIT

sim() { "$CLUSTERLB_TOP/scripts/cluster-sim" "$@"; }

# Bring up the emulated controller and tear it down at exit.
sim_up() {
	if ! sim up "$@"; then
		ktap_skip_all "the emulated controller did not come up"
		exit "$KSFT_SKIP"
	fi
	defer sim down
}

lan() { ip netns exec lan "$@"; }

# node_diag P...: the path to each node as the controller and the node see
# it, and the emulation's state: for the log of a check that failed.
node_diag() {
	local p
	for p in "$@"; do
		echo "# p$p: $(ip -o route get 172.19.181.$p 2>&1)"
		ip -o addr show dev usb$p 2>&1 | sed 's/^/#   /'
		# Link state and packet counters of both ends, and the
		# neighbour entry: does anything cross the USB link?
		ip -s -o link show dev usb$p 2>&1 | sed 's/^/#   /'
		ip -s -n p$p -o link show dev usb0 2>&1 | sed 's/^/#   p: /'
		ip neigh show dev usb$p 2>&1 | sed 's/^/#   neigh: /'
		ip -n p$p -o addr show dev usb0 2>&1 | sed 's/^/#   p: /'
		ip -n p$p route 2>&1 | sed 's/^/#   p route: /'
		ip netns exec p$p ss -Hltn 2>&1 | sed 's/^/#   p listen: /'
		lan curl -sv -m 3 "http://172.19.181.$p/" 2>&1 | tail -n 3 | sed 's/^/#   curl: /'
	done
	sim status 2>&1 | sed 's/^/#   /'
}
