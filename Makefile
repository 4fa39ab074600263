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
#   make install         clusterlbctl (and clusterctrl), systemd unit, examples
#   make dkms-install    module sources to /usr/src/clusterlb-VERSION for DKMS

SHELL := /bin/bash
TOP := $(CURDIR)

# Default: the running kernel's build tree, else the newest Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

VERSION := $(shell git -C $(TOP) describe --always --dirty 2>/dev/null || echo 0.1)
KBUILD_ARGS := W=1 CLUSTERLB_VERSION=$(VERSION)

.PHONY: all module modules-all userspace deps demo check bench clean install dkms-install

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

# Documentation/admin-guide.md says what goes where. Files in /etc are
# installed only if absent.
SYSTEMDUNITDIR ?= /lib/systemd/system
DOCDIR ?= /usr/share/doc/clusterlb
install: userspace
	$(MAKE) -C $(TOP)/userspace install
	install -D -m 0644 $(TOP)/scripts/systemd/clusterlb.service $(DESTDIR)$(SYSTEMDUNITDIR)/clusterlb.service
	test -e $(DESTDIR)/etc/default/clusterlb || \
		install -D -m 0644 $(TOP)/scripts/systemd/clusterlb.default $(DESTDIR)/etc/default/clusterlb
	test -e $(DESTDIR)/etc/clusterlb/poweroff.conf || \
		install -D -m 0644 $(TOP)/scripts/systemd/poweroff.conf $(DESTDIR)/etc/clusterlb/poweroff.conf
	install -D -m 0644 $(TOP)/scripts/systemd/modprobe-clusterlb.conf $(DESTDIR)$(DOCDIR)/examples/modprobe-clusterlb.conf
	install -D -m 0644 $(TOP)/Documentation/admin-guide.md $(DESTDIR)$(DOCDIR)/admin-guide.md

# The module's sources (Kbuild, kmod/) and dkms.conf, then dkms add and
# install unless DESTDIR is set (packaging) or dkms is missing.
DKMS_VERSION ?= $(VERSION)
DKMS_SRC := $(DESTDIR)/usr/src/clusterlb-$(DKMS_VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -R $(TOP)/Kbuild $(TOP)/kmod $(DKMS_SRC)/
	find $(DKMS_SRC)/kmod \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name modules.order -o -name Module.symvers \) -delete
	sed 's/@VERSION@/$(DKMS_VERSION)/' $(TOP)/scripts/dkms/dkms.conf >$(DKMS_SRC)/dkms.conf
	@if [ -z "$(DESTDIR)" ] && command -v dkms >/dev/null; then \
		dkms add -m clusterlb -v $(DKMS_VERSION) && dkms install -m clusterlb -v $(DKMS_VERSION); \
	else \
		echo "then: dkms add -m clusterlb -v $(DKMS_VERSION) && dkms install -m clusterlb -v $(DKMS_VERSION)"; \
	fi

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null
	$(MAKE) -C $(TOP)/userspace clean
	rm -rf $(TOP)/build
