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
#   make docs       the state diagram, from the engine's own table
#                   (Documentation/atcp-states.{dot,svg,png}; needs graphviz)
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

tools: scripts/libatcpize.so
	$(MAKE) -C selftests/vm

# atcpize's preload library (scripts/atcpize is its launcher)
scripts/libatcpize.so: scripts/libatcpize.c module/include/uapi/linux/atcp.h
	$(CC) -shared -fPIC -O2 -Wall -Wextra -Werror \
		-Imodule/include/uapi -o $@ $<

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

# The generator links the engine itself (module/atcp_fsm.c, built for user
# space as the unit tests build it), so the picture cannot drift from it;
# selftests/host/test_docs.sh regenerates the DOT text and compares.
FSM_DOT_SRCS := scripts/atcp-fsm-dot.c module/atcp_fsm.c
scripts/atcp-fsm-dot: $(FSM_DOT_SRCS) $(wildcard module/atcp_fsm.h module/atcp_compat.h selftests/unit/atcp_user.h)
	$(CC) -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
		-Imodule -Iselftests/unit -o $@ $(FSM_DOT_SRCS)

# Documentation/bench.rst: TCG copies with "rep movsb" slowly
scripts/copy-speed: scripts/copy-speed.c
	$(CC) -O2 -Wall -o $@ $<

docs: scripts/atcp-fsm-dot
	scripts/atcp-fsm-dot > Documentation/atcp-states.dot
	dot -Tsvg Documentation/atcp-states.dot > Documentation/atcp-states.svg
	dot -Tpng -Gdpi=96 Documentation/atcp-states.dot > Documentation/atcp-states.png

deps:
	scripts/setup.sh

install: modules scripts/libatcpize.so
	install -D -m 0644 module/atcp.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/atcp.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	install -D -m 0644 module/include/uapi/linux/atcp.h \
		$(DESTDIR)$(PREFIX)/include/linux/atcp.h
	install -D -m 0755 scripts/atcp-ss $(DESTDIR)$(PREFIX)/bin/atcp-ss
	install -D -m 0755 scripts/atcpize $(DESTDIR)$(PREFIX)/bin/atcpize
	install -D -m 0644 scripts/libatcpize.so \
		$(DESTDIR)$(PREFIX)/lib/atcp/libatcpize.so

bench: all
	scripts/bench

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) ATCP_TEST_MODULES=m clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests/vm clean
	rm -rf .vm scripts/atcp-fsm-dot scripts/libatcpize.so scripts/copy-speed

.PHONY: all modules tools unit check vmtest sparse checkpatch deps install \
	bench docs clean
