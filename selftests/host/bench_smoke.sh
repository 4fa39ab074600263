#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short smoke run of the benchmark (make bench): one round of 2 s runs,
# and the scaling runs at small sizes (4 and 64 members, 100 then 200
# connections held by one holder). It checks that every peer is set up and really balances, that
# every scaling configuration is measured, and that the report and chart
# are produced. It asserts nothing about speed: figures
# come from a full `make bench`, as ratios within one run.

. "$(dirname "$0")/../lib.sh"

out=$(mktemp -d /tmp/clb-bench-smoke.XXXXXX)
defer rm -rf "$out"
systems="floor clusterlb ipvs nft haproxy apache"

ktap_header
ktap_plan 18

check "scripts/bench --smoke runs" "$CLUSTERLB_TOP/scripts/bench" --smoke --out "$out"
# Why a system was not measured (the bench says it, and shows its log).
printf '%s\n' "$_last_out" | grep -B 1 -A 6 'does not work here' | sed 's/^/# /'
# A splat's whole report, for the log (the check shows only its start).
grep -E -A 40 'WARNING:|BUG|Oops|Call Trace' "$out/vm-kernel.log" 2>/dev/null |
	head -n 80 | sed 's/^/# kernel: /'
check "report.md is written" test -s "$out/report.md"
check "chart.png is a PNG" sh -c "head -c 8 '$out/chart.png' | grep -q PNG"
for s in $systems; do
	check "$s balances and is measured" grep -q "^1,$s,cps,[0-9]" "$out/results.csv"
done

for c in clusterlb-rr clusterlb-wrr clusterlb-mh ipvs-wrr; do
	check "$c: new conn/s with 64 members" grep -q "^scale,$c,cps_members_64,[0-9]" "$out/results.csv"
done
for c in clusterlb-wrr ipvs-wrr; do
	for n in 100 200; do
		check "$c: new conn/s and memory with $n connections held" \
			eval "grep -q '^scale,$c,cps_held_$n,[0-9]' '$out/results.csv' &&
				grep -q '^scale,$c,mem_kb_held_$n,-\?[0-9]' '$out/results.csv'"
	done
done
check "the report has the scaling tables" grep -q '^## Scaling: connections held open' "$out/report.md"

ktap_finish
