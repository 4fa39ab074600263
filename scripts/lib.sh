# SPDX-License-Identifier: GPL-2.0
# Shared by the host-side scripts: where things are, which kernels we test.
# shellcheck shell=bash

CLUSTERLB_TOP=${CLUSTERLB_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
CLUSTERLB_CACHE=${CLUSTERLB_CACHE:-/var/cache/clusterlb}
CLUSTERLB_SERIES=(6.1 6.12)

clb_die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# clb_arch RELEASE: the Debian architecture a kernel release is built for.
clb_arch() {
	case $1 in
	*-arm64) echo arm64 ;;
	*-armmp | *-armmp-lpae) echo armhf ;;
	*) echo amd64 ;;
	esac
}

# clb_kdir RELEASE: its kernel build tree (for KDIR / make -C): Debian's
# installed headers for amd64, those install-arm unpacked for ARM.
clb_kdir() {
	case $(clb_arch "$1") in
	amd64) echo "/usr/src/linux-headers-$1" ;;
	*) echo "$CLUSTERLB_CACHE/headers/$1" ;;
	esac
}

# clb_cross RELEASE: the CROSS_COMPILE prefix for it (none for amd64).
clb_cross() {
	case $(clb_arch "$1") in
	arm64) echo aarch64-linux-gnu- ;;
	armhf) echo arm-linux-gnueabihf- ;;
	esac
}

# clb_kernel SERIES|RELEASE [ARCH]: the kernel release (e.g.
# 6.12.117+deb12-amd64) for a series, the newest one whose image is
# unpacked and build tree present. ARCH: amd64 (default), arm64 or armhf
# (an armmp kernel).
clb_kernel() {
	local want=$1 arch=${2:-amd64} d rel flavour
	case $arch in
	amd64 | arm64) flavour=$arch ;;
	armhf) flavour=armmp ;;
	*) return 1 ;;
	esac
	for d in "$CLUSTERLB_CACHE"/kernels/*/.complete; do
		[ -e "$d" ] || continue
		rel=${d%/.complete}
		rel=${rel##*/}
		[ -e "$(clb_kdir "$rel")/Makefile" ] || continue
		case $want in
		6.1) [[ $rel =~ ^6\.1\.0-[0-9]+-$flavour$ ]] || continue ;;
		6.12) [[ $rel =~ ^6\.12\.[0-9]+\+deb12-$flavour$ ]] || continue ;;
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

# Every ARM kernel release the module is built for (arm64, armmp,
# armmp-lpae; both series): those whose build trees install-arm prepared.
clb_arm_kernels() {
	local d rel
	for d in "$CLUSTERLB_CACHE"/headers/*/.complete; do
		[ -e "$d" ] || continue
		rel=${d%/.complete}
		rel=${rel##*/}
		case $rel in kbuild-*) continue ;; esac # the 32-bit modpost's tools
		[ "$(clb_arch "$rel")" = amd64 ] && continue
		echo "$rel"
	done | sort -V
}

# The series (6.1, 6.12) of a release.
clb_series() { echo "$1" | cut -d. -f1,2; }

clb_build_dir() { echo "$CLUSTERLB_TOP/build/$1"; }

# clb_unpack_image RELEASE: Debian's image of that kernel unpacked into
# $CLUSTERLB_CACHE/kernels/RELEASE for a test VM (never installed), its
# modules decompressed (busybox insmod reads no .ko.xz) and indexed.
# Downloads with the apt configuration in APT_CONFIG, if set.
clb_unpack_image() {
	local rel=$1 dir=$CLUSTERLB_CACHE/kernels/$1 tmp
	[ -e "$dir/.complete" ] && return
	tmp=$(mktemp -d)
	printf '%s: unpacking linux-image-%s (for the VM only)\n' "${0##*/}" "$rel" >&2
	(cd "$tmp" && { apt-get download -qq "linux-image-$rel-unsigned" >/dev/null 2>&1 ||
		apt-get download -qq "linux-image-$rel" >/dev/null; }) || { rm -rf "$tmp"; return 1; }
	rm -rf "$dir"
	mkdir -p "$dir"
	dpkg -x "$tmp"/*.deb "$dir"
	rm -rf "$tmp"
	find "$dir/lib/modules" -name '*.ko.xz' -exec xz -d {} +
	find "$dir/lib/modules" -name '*.ko.zst' -exec zstd -q -d --rm {} +
	depmod -b "$dir" "$rel"
	touch "$dir/.complete"
}
