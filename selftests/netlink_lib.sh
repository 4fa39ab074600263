# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the netlink*.sh selftests: drive the clusterlb family with the
# kernel's YNL cli.py and the spec, and check replies and errors.
#
#   ynl ARGS...                    cli.py --spec clusterlb.yaml --output-json ARGS
#                                  (through ynl_server.py after ynl_serve)
#   ynl_serve                      answer this shell's ynl requests from one
#                                  long-running process, stopped at exit
#   ynl_spec_valid                 the spec passes the kernel's YNL schema
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

YNL_SCHEMA=$CLUSTERLB_CACHE/linux-source/Documentation/netlink/genetlink-legacy.yaml
# Set by ynl_serve in the shell that started the server; a child shell that
# sources this file again (another user, another namespace) uses cli.py.
_ynl_srv=

# Validating the spec against the schema takes longer than the request
# itself under TCG, so it is done once (ynl_spec_valid), not per request.
ynl() {
	local line
	if [ -z "$_ynl_srv" ]; then
		"$PY" "$YNL_DIR/cli.py" --spec "$CLB_SPEC" --no-schema --output-json "$@"
		return
	fi
	printf '%s\x1f' "$@" >&"$_ynl_in"
	printf '\x1e' >&"$_ynl_in"
	while IFS= read -r line <&"$_ynl_out"; do
		if [[ $line == $'\x1e '* ]]; then
			return "${line#$'\x1e '}"
		fi
		printf '%s\n' "$line"
	done
	echo "# ynl_server.py is gone"
	return 1
}

ynl_serve() {
	local dir
	dir=$(mktemp -d) && mkfifo "$dir/in" "$dir/out" || return 1
	"$PY" "$SELFTESTS_DIR/ynl_server.py" --spec "$CLB_SPEC" --no-schema \
		<"$dir/in" >"$dir/out" 2>&1 &
	_ynl_srv=$!
	exec {_ynl_in}>"$dir/in" {_ynl_out}<"$dir/out"
	rm -rf "$dir"
	defer _ynl_serve_stop
}

_ynl_serve_stop() {
	exec {_ynl_in}>&- {_ynl_out}<&-
	wait "$_ynl_srv"
	_ynl_srv=
}

ynl_spec_valid() {
	if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
		ktap_skip "the spec passes the kernel's YNL schema" "no python3-jsonschema"
		return
	fi
	check "the spec passes the kernel's YNL schema" \
		"$PY" "$YNL_DIR/cli.py" --spec "$CLB_SPEC" --schema "$YNL_SCHEMA" --list-ops
}

v4() {
	local IFS=.
	# shellcheck disable=SC2086
	printf '%02x%02x%02x%02x\n' $1
}

v6() {
	perl -MSocket=inet_pton,AF_INET6 -e 'print unpack("H*", inet_pton(AF_INET6, $ARGV[0])), "\n"' "$1"
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
	want=$(perl -MErrno -e '$! = &{"Errno::$ARGV[0]"}; print "$!"' "$errno")
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
