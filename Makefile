# SPDX-License-Identifier: GPL-2.0
#
# atcp - an alternate TCP for Linux, as a loadable module.
#
#   make            build module/atcp.ko against the newest installed
#                   linux-headers-*-amd64 (override with KDIR=...)
#   make check      unit tests of the pure protocol code, then the VM selftests
#   make unit       only the user-space unit tests
#   make vmtest     only the VM selftests (T="test_a test_b" picks topics)
#   make deps       install what building and testing need (Debian packages)
#   make install    install the module, its uapi header and tools
#   make bench      benchmarks (not part of the test suite)
#   make sparse     build with sparse (C=1)
#   make checkpatch run checkpatch.pl --strict over module/
#   make clean

KDIR	?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
ifeq ($(KDIR),)
KDIR	:= /lib/modules/$(shell uname -r)/build
endif
KVER	?= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)
PREFIX	?= /usr/local
DESTDIR	?=

export KDIR KVER

all: modules tools

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) ATCP_TEST_MODULES=m modules

tools:
	$(MAKE) -C selftests/vm

unit:
	$(MAKE) -C selftests/unit run

check: all
	scripts/run-tests

vmtest: all
	scripts/run-tests --vm-only $(if $(T),--topics "$(T)")

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF="-D__CHECK_ENDIAN__" modules

checkpatch:
	scripts/checkpatch.sh

deps:
	scripts/setup.sh

install: modules
	install -D -m 0644 module/atcp.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/atcp.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	install -D -m 0644 module/include/uapi/linux/atcp.h \
		$(DESTDIR)$(PREFIX)/include/linux/atcp.h

bench: all
	scripts/bench

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) ATCP_TEST_MODULES=m clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests/vm clean
	rm -rf .vm

.PHONY: all modules tools unit check vmtest sparse checkpatch deps install \
	bench clean
