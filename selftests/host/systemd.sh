#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clusterlb.service under a real systemd: each kernel's VM boots systemd as
# PID 1 (scripts/vm-run --systemd) and selftests/systemd_unit.sh installs
# and drives the unit there. Its results are shown nested, one line per
# kernel here.

. "$(dirname "$0")/../lib.sh"
. "$CLUSTERLB_TOP/scripts/lib.sh"

ktap_header
if [ ! -x /lib/systemd/systemd ]; then
	ktap_skip_all "no /lib/systemd/systemd on this machine (package systemd)"
	exit "$KSFT_SKIP"
fi
mapfile -t kernels < <(clb_kernels)
ktap_plan ${#kernels[@]}

for k in "${kernels[@]}"; do
	out=$("$CLUSTERLB_TOP/scripts/vm-run" -k "$k" --systemd --timeout 1500 -- \
		selftests/systemd_unit.sh 2>&1)
	rc=$?
	sed 's/^/# /' <<<"$out"
	if [ $rc = 0 ]; then
		ktap_ok "$k: clusterlb.service under systemd"
	elif [ $rc = "$KSFT_SKIP" ]; then
		ktap_skip "$k: clusterlb.service under systemd" "$(grep -m1 -o 'SKIP.*' <<<"$out")"
	else
		ktap_fail "$k: clusterlb.service under systemd (exit $rc)"
	fi
done

ktap_finish
