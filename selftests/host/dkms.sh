#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging, for real: `make dkms-install DESTDIR=` lays out the
# sources as a controller would get them in /usr/src, then Debian's dkms
# adds and builds them for each kernel the bench boots (in a private DKMS
# tree, so this machine's is left alone), and the module DKMS built is
# loaded and unloaded in that kernel's VM. This is what happens on a
# controller when apt installs a new kernel (AUTOINSTALL).

. "$(dirname "$0")/../lib.sh"
. "$CLUSTERLB_TOP/scripts/lib.sh"

ktap_header
if ! command -v dkms >/dev/null; then
	ktap_skip_all "dkms not installed (scripts/install-deps installs it)"
	exit "$KSFT_SKIP"
fi
mapfile -t kernels < <(clb_kernels)
ktap_plan $((2 + 3 * ${#kernels[@]}))

V=0.0selftest
# Under the checkout: the VM sees it (its /tmp is its own).
T=$CLUSTERLB_TOP/build/dkms-test
rm -rf "$T"
mkdir -p "$T/dkms"
defer rm -rf "$T"
tree=(--sourcetree "$T/usr/src" --dkmstree "$T/dkms")

check "make dkms-install DESTDIR= lays out dkms.conf, Kbuild and kmod/" \
	bash -c "make -s -C '$CLUSTERLB_TOP' dkms-install DESTDIR='$T' DKMS_VERSION=$V &&
		grep -qx 'PACKAGE_VERSION=\"$V\"' '$T/usr/src/clusterlb-$V/dkms.conf' &&
		test -e '$T/usr/src/clusterlb-$V/Kbuild' -a -e '$T/usr/src/clusterlb-$V/kmod/main.c'"
check "dkms add" dkms add -m clusterlb -v $V "${tree[@]}"

for k in "${kernels[@]}"; do
	check "$k: dkms build" dkms build -m clusterlb -v $V -k "$k" "${tree[@]}" \
		--kernelsourcedir "/usr/src/linux-headers-$k"
	ko=$(find "$T/dkms/clusterlb/$V/$k" -name 'clusterlb.ko*' 2>/dev/null | head -n 1)
	check "$k: the built module is for $k, version $V" \
		bash -c "[ -n '$ko' ] && modinfo -F vermagic '$ko' | grep -q '^$k ' &&
			[ \"\$(modinfo -F version '$ko')\" = $V ]"
	# shellcheck disable=SC2016
	check "$k: the DKMS-built module loads and unloads in the VM" \
		"$CLUSTERLB_TOP/scripts/vm-run" -k "$k" -- sh -c \
		'modprobe -a $(modinfo -F depends "$1" | tr , " ") && insmod "$1" &&
		 test "$(cat /sys/module/clusterlb/version)" = "$2" && rmmod clusterlb' \
		sh "$ko" $V
done

ktap_finish
