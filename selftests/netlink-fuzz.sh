#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The clusterlb family under raw netlink (netlink_fuzz.py): dumps over many
# rounds are complete, ordered and flagged NLM_F_DUMP_INTR when they race
# with changes; then random and mutated requests for a bounded time
# (CLB_FUZZ_SECONDS, default 30; CLB_FUZZ_SEED to replay) must each be
# answered, and unloading afterwards must be clean (scripts/vm-run fails
# the run on any kernel splat).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/netlink_lib.sh"

ktap_header
clb_load
ktap_plan 3

fuzz() { "$PY" "$SELFTESTS_DIR/netlink_fuzz.py" "$@"; }

check "dumps are resumable and consistent" fuzz dumps
echo "# ${_last_out//$'\n'/$'\n# '}"
check "fuzzing for ${CLB_FUZZ_SECONDS:-30}s" fuzz fuzz "${CLB_FUZZ_SECONDS:-30}"
echo "# $_last_out"
check "rmmod after fuzzing" rmmod clusterlb

ktap_finish
