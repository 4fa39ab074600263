# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the datapath*.sh selftests: the emulated controller with four
# powered nodes, the module (with its netfilter dependencies) and a service
# address on the controller's LAN side, and traffic from the LAN client.
#
#   dp_setup [--hat] [INSMOD_ARGS...]
#                               sim up, nodes 1-4 on, module loaded, VIPs;
#                               --hat: the module drives the HAT (hat_bus=)
#                               and the nodes are powered through its sysfs
#   ctl ARGS...                 userspace/clusterlbctl
#   hits N URL [CURL_ARGS...]   N sequential requests from the LAN client;
#                               prints the node names, then "fail" for
#                               each request that got no answer
#   count NAME                  how many lines of stdin are NAME
#   mjq ADDR FILTER             jq FILTER on member ADDR of `ctl -j show`
#   param NAME VALUE            set a module parameter
# shellcheck shell=bash

CTL=${CLUSTERLBCTL:-$CLUSTERLB_TOP/userspace/clusterlbctl}
VIP=192.168.1.10 VIP6=fd00:1::10

ctl() { "$CTL" "$@"; }

HAT=/sys/class/clusterhat/hat0

dp_setup() {
	local p hat=0
	if [ "${1:-}" = --hat ]; then
		hat=1
		shift
	fi
	require_cmd curl jq conntrack socat
	require_module
	if [ ! -x "$CTL" ]; then
		ktap_skip_all "clusterlbctl not built (make -C userspace)"
		exit "$KSFT_SKIP"
	fi
	# A private copy: a rebuild in the shared tree must not pull the
	# binary from under a running test.
	cp "$CTL" "/tmp/clusterlbctl.$$" && CTL=/tmp/clusterlbctl.$$
	defer rm -f "$CTL"
	# insmod does not resolve dependencies: load them first.
	# shellcheck disable=SC2046
	modprobe -qa $(modinfo -F depends "$CLUSTERLB_KO" | tr , ' ')
	sim_up
	((hat)) && set -- hat_bus="$(sim bus)" "$@"
	if ! insmod "$CLUSTERLB_KO" "$@"; then
		ktap_skip_all "insmod $CLUSTERLB_KO failed"
		exit "$KSFT_SKIP"
	fi
	defer rmmod clusterlb
	if ((hat)); then
		for p in 1 2 3 4; do echo 1 >"$HAT/p$p/power"; done
	else
		sim power 1,2,3,4 on
	fi
	if ! sim wait-link 1,2,3,4 up 120 >/dev/null; then
		ktap_skip_all "the nodes did not come up"
		exit "$KSFT_SKIP"
	fi
	ip addr add "$VIP/32" dev eth0
	ip -6 addr add "$VIP6/128" dev eth0 nodad
	# curl --limit-rate averages over 3 s windows and reads all its socket
	# holds when it wakes: with the receive buffer autotuned to megabytes,
	# "100K" downloads on a loaded guest ran at over 300 KB/s (16 MiB came
	# in seconds). A small buffer keeps the tests' slow downloads slow.
	ip netns exec lan sysctl -qw net.ipv4.tcp_rmem="4096 65536 65536"
}

hits() {
	local n=$1 url=$2 i got out urls=()
	shift 2
	# One curl for all: the servers close every connection, so each URL
	# is a new connection (and far cheaper than a process each under TCG).
	for ((i = 0; i < n; i++)); do
		urls+=("$url")
	done
	out=$(lan curl -s -m 5 "$@" "${urls[@]}")
	got=$(grep -c . <<<"$out")
	[ "$got" = 0 ] || echo "$out"
	for ((i = got; i < n; i++)); do
		echo fail
	done
}

count() { grep -cx "$1"; }

mjq() { ctl -j show | jq -r ".services[].members[] | select(.address == \"$1\") | $2"; }

param() { echo "$2" >"/sys/module/clusterlb/parameters/$1"; }

# within A B PCT: |A - B| <= PCT% of B
within() { awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * p / 100) }'; }
