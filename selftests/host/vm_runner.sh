#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of scripts/vm-run (they boot VMs, so they cannot run inside
# one): the guest command's exit status comes back, the module's
# dependencies are loaded before it runs, and a run whose kernel log has a
# real splat fails even when the command itself succeeded; on the amd64
# kernels and on the arm64 and armhf ones the ARM lanes boot.

. "$(dirname "$0")/../lib.sh"
. "$CLUSTERLB_TOP/scripts/lib.sh"

# Every amd64 kernel, and the ARM ones the ARM lanes boot.
mapfile -t kernels < <(clb_kernels)
vms=()
for k in "${kernels[@]}"; do
	vms+=("amd64 $k")
done
for v in "arm64 6.12" "armhf 6.1"; do
	read -r a s <<<"$v"
	k=$(clb_kernel "$s" "$a")
	[ -n "$k" ] && vms+=("$a $k")
done
ktap_header
ktap_plan $((3 * ${#vms[@]}))

for v in "${vms[@]}"; do
	read -r a k <<<"$v"
	vm() { "$CLUSTERLB_TOP/scripts/vm-run" --arch "$a" -k "$k" "$@"; }
	# A clean run succeeds (nothing in a normal boot reads as a splat),
	# and what the README's insmod needs first (nf_nat, nf_conntrack, ...)
	# is loaded before CMD runs, wherever the checkout is (under /tmp the
	# guest mounts a tmpfs over it first).
	start=$SECONDS
	out=$(vm -- sh -c 'insmod "$CLUSTERLB_KO" && rmmod clusterlb' 2>&1)
	rc=$?
	echo "# $k: boot, insmod, rmmod and power-off took $((SECONDS - start)) s"
	[ $rc = 0 ] && ktap_ok "$k: a clean run that insmods clusterlb.ko at once succeeds" || {
		printf '%s\n' "$out" | tail -n 3 | sed 's/^/#   /'
		ktap_fail "$k: a clean run that insmods clusterlb.ko at once succeeds (rc=$rc)"
	}

	vm -- sh -c 'exit 7' >/dev/null 2>&1
	rc=$?
	[ $rc = 7 ] && ktap_ok "$k: the command's exit status comes back" ||
		ktap_fail "$k: the command's exit status comes back (rc=$rc)"

	out=$(vm -- sh -c 'insmod "$CLUSTERLB_TESTMOD_DIR/clusterlb_splat.ko"' 2>&1)
	rc=$?
	if [ $rc = 125 ] && grep -q 'WARNING:.*clusterlb_splat' <<<"$out"; then
		ktap_ok "$k: a kernel WARNING fails the run"
	else
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
		ktap_fail "$k: a kernel WARNING fails the run (rc=$rc)"
	fi
done

ktap_finish
