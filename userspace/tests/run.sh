#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every host test program given as argument, show their KTAP output,
# and end with the sum of their "N passed, N failed" lines. Exit 1 if any
# test failed or a program did not report. Compiled programs run through
# $TEST_RUNNER if set (qemu-user, for a cross build); scripts run as they are.
P=0 F=0 bad=0
for t in "$@"; do
	echo "# $t"
	case $t in
	*.sh) out=$("$t"); rc=$? ;;
	*) out=$(${TEST_RUNNER:+"$TEST_RUNNER"} "$t"); rc=$? ;;
	esac
	printf '%s\n' "$out"
	last=$(tail -n 1 <<<"$out")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		P=$((P + BASH_REMATCH[1])); F=$((F + BASH_REMATCH[2]))
	else
		echo "# $t did not report its results"; bad=1
	fi
	[ "$rc" = 0 ] || bad=1
done
echo "$P passed, $F failed"
[ "$bad" = 0 ] && [ "$F" = 0 ]
