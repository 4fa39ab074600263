#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The device-tree overlay a Raspberry Pi binds the HAT with
# (Documentation/devicetree/clusterhat-overlay.dts), checked on the host:
# dtc -@ compiles it without a warning, it applies to a base tree that has
# the Pi's i2c1 label, the node it adds is the one the built module
# matches (its "of:" alias: compatible string) at the HAT's address, and
# the addr= parameter rewrites that address.

. "$(dirname "$0")/../lib.sh"
. "$CLUSTERLB_TOP/scripts/lib.sh"

ktap_header
for c in dtc fdtoverlay fdtget fdtput; do
	if ! command -v $c >/dev/null; then
		ktap_skip_all "$c missing (device-tree-compiler; scripts/install-deps installs it)"
		exit "$KSFT_SKIP"
	fi
done
ko=$(ls "$CLUSTERLB_TOP"/build/*/kmod/clusterlb.ko 2>/dev/null | head -n 1)
if [ -z "$ko" ]; then
	ktap_skip_all "no module built (scripts/build-modules)"
	exit "$KSFT_SKIP"
fi
ktap_plan 7

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DTS=$CLUSTERLB_TOP/Documentation/devicetree/clusterhat-overlay.dts
node=/soc/i2c@7e804000/clusterhat@20

if dtc -@ -I dts -O dtb -o "$TMP/clusterhat.dtbo" "$DTS" 2>"$TMP/dtc.err" &&
		[ ! -s "$TMP/dtc.err" ]; then
	ktap_ok "dtc -@ compiles the overlay without a warning"
else
	sed 's/^/#   /' "$TMP/dtc.err"
	ktap_fail "dtc -@ compiles the overlay without a warning"
fi

# The Pi's i2c1 (BCM2835 BSC1), as its firmware's base trees carry it
# (with __symbols__, which dtc -@ writes).
cat >"$TMP/base.dts" <<'EOF'
/dts-v1/;
/ {
	compatible = "raspberrypi,3-model-b", "brcm,bcm2837";
	#address-cells = <1>;
	#size-cells = <1>;
	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		i2c1: i2c@7e804000 {
			compatible = "brcm,bcm2835-i2c";
			reg = <0x7e804000 0x1000>;
			#address-cells = <1>;
			#size-cells = <0>;
			status = "disabled";
		};
	};
};
EOF
dtc -q -@ -I dts -O dtb -o "$TMP/base.dtb" "$TMP/base.dts"
if fdtoverlay -i "$TMP/base.dtb" -o "$TMP/merged.dtb" "$TMP/clusterhat.dtbo" 2>"$TMP/ov.err" &&
		[ "$(fdtget "$TMP/merged.dtb" /soc/i2c@7e804000 status)" = okay ]; then
	ktap_ok "the overlay applies to the Pi's i2c1 and enables it"
else
	sed 's/^/#   /' "$TMP/ov.err"
	ktap_fail "the overlay applies to the Pi's i2c1 and enables it"
fi

compat=$(fdtget "$TMP/merged.dtb" "$node" compatible 2>&1)
alias=$(modinfo -F alias "$ko" | grep '^of:' | tr '\n' ' ')
echo "# overlay: compatible \"$compat\"; module $(basename "$(dirname "$(dirname "$ko")")"): $alias"
# The alias reads of:N*T*C<compatible> (and a second form ending in C*).
if [ -n "$compat" ] && tr ' ' '\n' <<<"$alias" | grep -qxF "of:N*T*C$compat"; then
	ktap_ok "its compatible is the one the module matches"
else
	ktap_fail "its compatible is the one the module matches"
fi

addr=$(sed -n 's/^#define CLUSTERHAT_I2C_ADDR[[:space:]]*//p' "$CLUSTERLB_TOP"/kmod/hat/*.h "$CLUSTERLB_TOP"/kmod/include/clusterlb/*.h | head -n 1)
reg=$(fdtget -tx "$TMP/merged.dtb" "$node" reg 2>&1)
echo "# reg $reg; the driver's CLUSTERHAT_I2C_ADDR $addr"
[ -n "$addr" ] && [ $((0x$reg)) = $((addr)) ] &&
	ktap_ok "at the address the driver expects" ||
	ktap_fail "at the address the driver expects"

# The node is the I2C client the driver probes: nothing it does not read
# (the phandle is dtc's, for the addr= override).
props=$(fdtget -p "$TMP/merged.dtb" "$node" | sort | tr '\n' ' ')
[ "$props" = "compatible phandle reg " ] &&
	ktap_ok "the node has compatible and reg only" ||
	ktap_fail "the node has compatible and reg only (has: $props)"

# addr=0x21 (the XA0 jumper): __overrides__ must point at reg.
ov=$(fdtget -t bx "$TMP/clusterhat.dtbo" /__overrides__ addr 2>&1)
fixup=$(fdtget "$TMP/clusterhat.dtbo" /__fixups__ i2c1 2>&1)
echo "# __overrides__/addr: $ov; __fixups__/i2c1: $fixup"
[ "$fixup" = "/fragment@0:target:0" ] &&
	ktap_ok "the overlay targets the i2c1 label" ||
	ktap_fail "the overlay targets the i2c1 label"
# The override is <&clusterhat> "reg:0": the node's phandle (4 bytes),
# then the property and cell the firmware writes addr= to.
ph=$(fdtget "$TMP/clusterhat.dtbo" /fragment@0/__overlay__/clusterhat@20 phandle 2>&1)
read -r -a b <<<"$ov"
want_ph=$(((0x${b[0]:-0} << 24) | (0x${b[1]:-0} << 16) | (0x${b[2]:-0} << 8) | 0x${b[3]:-0}))
str=
for h in "${b[@]:4}"; do
	[ "$h" = 0 ] && break
	str+=$(printf "\\x$h")
done
echo "# override: phandle $want_ph (the node's: $ph), then \"$str\""
[ "$ph" = "$want_ph" ] && [ "$str" = "reg:0" ] &&
	ktap_ok "addr= rewrites the node's reg cell 0" ||
	ktap_fail "addr= rewrites the node's reg cell 0"
ktap_finish
