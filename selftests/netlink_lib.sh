# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the netlink*.sh selftests: drive the clusterlb family with the
# kernel's YNL cli.py and the spec, and check replies and errors.
#
#   ynl ARGS...                    cli.py --spec clusterlb.yaml --output-json ARGS
#   nl_json DESC FILTER ARGS...    ok if `ynl ARGS` succeeds and jq -e FILTER
#                                  holds on its output
#   nl_err DESC ERRNO MSG ARGS...  ok if `ynl ARGS` fails with ERRNO (a name
#                                  such as EINVAL) and the extack message MSG
#                                  (MSG "" checks the errno only)
#   v4 A.B.C.D / v6 ADDR           an address as cli.py's hex for binary
#   clb_load                       insmod the module (or skip), rmmod at exit
# shellcheck shell=bash

YNL_DIR=$CLUSTERLB_CACHE/linux-source/tools/net/ynl
CLB_SPEC=$CLUSTERLB_TOP/Documentation/netlink/specs/clusterlb.yaml
PY=/usr/bin/python3

# cli.py validates the spec against the kernel's schema when
# python3-jsonschema is installed; it looks for the schema next to the
# spec's directory otherwise, which an out-of-tree repo does not have.
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	YNL_SCHEMA=(--schema "$CLUSTERLB_CACHE/linux-source/Documentation/netlink/genetlink-legacy.yaml")
else
	YNL_SCHEMA=(--no-schema)
fi

ynl() {
	"$PY" "$YNL_DIR/cli.py" --spec "$CLB_SPEC" "${YNL_SCHEMA[@]}" --output-json "$@"
}

v4() {
	local IFS=.
	# shellcheck disable=SC2086
	printf '%02x%02x%02x%02x\n' $1
}

v6() {
	"$PY" -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).packed.hex())' "$1"
}

_nl_json() {
	local filter=$1 out
	shift
	out=$(ynl "$@" 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	jq -e "$filter" <<<"$out" >/dev/null
}

nl_json() {
	local desc=$1
	shift
	check "$desc" _nl_json "$@"
}

_nl_err() {
	local errno=$1 msg=$2 out rc want
	shift 2
	want=$("$PY" -c 'import errno, os, sys; print(os.strerror(getattr(errno, sys.argv[1])))' "$errno")
	out=$(ynl "$@" 2>&1)
	rc=$?
	echo "$out"
	[ $rc -ne 0 ] || { echo "# expected $errno, got success"; return 1; }
	grep -qF "Netlink error: $want" <<<"$out" || { echo "# expected $errno ($want)"; return 1; }
	[ -z "$msg" ] || grep -qF "'msg': '$msg'" <<<"$out" || { echo "# expected extack '$msg'"; return 1; }
}

nl_err() {
	local desc=$1
	shift
	check "$desc" _nl_err "$@"
}

clb_load() {
	require_module
	# insmod does not load dependencies (netfilter's conntrack and NAT).
	# shellcheck disable=SC2046
	modprobe -qa $(modinfo -F depends "$CLUSTERLB_KO" | tr , ' ')
	if ! insmod "$CLUSTERLB_KO"; then
		ktap_skip_all "insmod $CLUSTERLB_KO failed"
		exit "$KSFT_SKIP"
	fi
	defer rmmod clusterlb
}
