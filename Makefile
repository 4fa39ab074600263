# SPDX-License-Identifier: GPL-2.0
#
# clusterlb: kernel module + userspace for a Raspberry Pi Cluster HAT
# controller. Kbuild reads ./Kbuild; this file is for people.
#
#   make                 module (for KDIR) and clusterlbctl
#   make KDIR=<tree>     module against another kernel build tree
#   make modules-all     module for every Debian kernel the bench boots,
#                        into build/<kernel-release>/
#   make demo            boot the emulated cluster and show it working
#   make check           every test (builds, style, unit, VM selftests)
#   make bench           benchmark against IPVS, nftables, HAProxy, Apache

SHELL := /bin/bash
TOP := $(CURDIR)

# Default: the running kernel's build tree, else the newest Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

VERSION := $(shell git -C $(TOP) describe --always --dirty 2>/dev/null || echo 0.1)
KBUILD_ARGS := W=1 CLUSTERLB_VERSION=$(VERSION)

.PHONY: all module modules-all userspace deps demo check bench clean

all: module userspace

deps:
	@$(TOP)/scripts/install-deps --check 2>/dev/null || $(TOP)/scripts/install-deps

module:
	@test -n "$(KDIR)" -a -e "$(KDIR)/Makefile" || \
		{ echo "no kernel build tree: run scripts/install-deps or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) $(KBUILD_ARGS) modules

modules-all: deps
	$(TOP)/scripts/build-modules

userspace:
	$(MAKE) -C $(TOP)/userspace

demo: deps
	$(TOP)/scripts/demo

check: deps
	$(TOP)/scripts/check

bench: deps
	$(TOP)/scripts/bench

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	$(MAKE) -C $(TOP)/userspace clean
	rm -rf $(TOP)/build
