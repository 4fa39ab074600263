# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side scripts: where things are, which kernels we test.
# shellcheck shell=bash

CLUSTERLB_TOP=${CLUSTERLB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CLUSTERLB_CACHE=${CLUSTERLB_CACHE:-/var/cache/clusterlb}
CLUSTERLB_SERIES=(6.1 6.12)

clb_die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# clb_kernel SERIES|RELEASE: the kernel release (e.g. 6.12.117+deb12-amd64)
# for a series, the newest one whose image is unpacked and headers installed.
clb_kernel() {
	local want=$1 d rel
	for d in "$CLUSTERLB_CACHE"/kernels/*/.complete; do
		[ -e "$d" ] || continue
		rel=${d%/.complete}
		rel=${rel##*/}
		[ -e "/usr/src/linux-headers-$rel/Makefile" ] || continue
		case $want in
		6.1) [[ $rel =~ ^6\.1\.0-[0-9]+-amd64$ ]] || continue ;;
		6.12) [[ $rel =~ ^6\.12\.[0-9]+\+deb12-amd64$ ]] || continue ;;
		*) [ "$rel" = "$want" ] || continue ;;
		esac
		echo "$rel"
	done | sort -V | tail -n 1
}

# Every kernel release the bench tests, one per series.
clb_kernels() {
	local s rel
	for s in "${CLUSTERLB_SERIES[@]}"; do
		rel=$(clb_kernel "$s")
		[ -n "$rel" ] || clb_die "no kernel for series $s: run scripts/install-deps"
		echo "$rel"
	done
}

clb_build_dir() { echo "$CLUSTERLB_TOP/build/$1"; }
