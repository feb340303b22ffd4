# SPDX-License-Identifier: GPL-2.0
#
# make            module for every installed target kernel, libsvipc, tools
#                 and static selftests
# make check      setup + build + the selftest suite in QEMU on every kernel
#                 (6.1, 6.12, 6.1 PREEMPT_RT, the debug kernel); fails when
#                 any of them did not run to the end
# make check-debug  the suite on the debug kernel only (KASAN, lockdep, ...)
# make check-diff   tools/svipc-difffuzz, 10^6 steps against native on each
#                 stock kernel (6.1 and 6.12)
# make demo       boot a VM, load the module, run tools/svipc-demo
# make bench      tools/svipc-bench in a VM on each stock Debian kernel (6.1
#                 and 6.12; never PREEMPT_RT, never the debug kernel):
#                 bench/results.md and the README's table
# make install    module (modules_install + depmod) for every kernel in
#                 KVERS, libraries, headers, svipc.pc, tools, the man
#                 pages (man/: sections 1, 3, 4, 7; MANDIR), udev rule;
#                 PREFIX (/usr/local) and DESTDIR honoured; make uninstall
#                 (install-module and install-user are its two halves)
# make dkms       the module's sources to /usr/src/svipc-VERSION, and
#                 dkms install for every kernel in KVERS (not with DESTDIR);
#                 dkms-source only copies the sources
# make deb        Debian packages (debian/, dpkg-buildpackage) in build/deb:
#                 svipc-dkms, libsvipc1, libsvipc-dev, svipc-utils
# make user       what install-user installs: libraries and the tools
#
# VERSION         the top entry of debian/changelog, the one place it is
#                 written: svipc.pc, dkms.conf and the packages take it
#
# KVERS="a b"     restrict to these kernel versions
# KDIR=path       build the module against one kernel tree only
# T=name          run only selftests/<name>_test (make check)
# TC=case         run only that test case (passed to the harness as -t)

top := $(abspath .)
B := build

# ---- a bare machine's first run ------------------------------------------
# KVERS below and the prerequisite lists are expanded while make reads this
# file, and make caches every folder it has listed: on a machine where
# scripts/setup has yet to install the kernels, they would see none, for
# the whole run.  So the top-level make includes $(B)/setup.mk, whose rule
# runs scripts/setup and rewrites the file only when the installed kernels
# changed; a makefile that was remade makes GNU make start over from a
# fresh exec, which sees the new kernels (and only then).  Sub-makes
# (MAKELEVEL > 0) come after it.  Goals that need no package (and a KDIR=
# module build) skip it.
SETUP_FREE := setup clean lib tools user install-user uninstall dkms-source dkms-remove \
	$(if $(KDIR),modules)
ifeq ($(MAKELEVEL),0)
ifneq ($(filter-out $(SETUP_FREE),$(or $(MAKECMDGOALS),all)),)
include $(B)/setup.mk
endif
endif

# Target kernels: those with both an image and a build tree.
KVERS ?= $(sort $(foreach k,$(notdir $(wildcard /lib/modules/*)),\
	   $(if $(and $(wildcard /lib/modules/$(k)/build/Makefile),\
		      $(wildcard /boot/vmlinuz-$(k))),$(k))))

MOD_SRCS := $(wildcard module/*.c module/*.h) uapi/linux/svipc.h Kbuild

CC ?= cc
# CPPFLAGS, CFLAGS and LDFLAGS from the caller come last, as a distribution's
# build passes them (dpkg-buildflags: hardening, file prefix maps).
# WERROR= turns warnings back into warnings (a distribution's build).
WERROR ?= -Werror
CFLAGS_USER := -O2 -g -Wall -Wextra $(WERROR) -D_GNU_SOURCE -I$(top)/uapi -I$(top)/lib \
	$(CPPFLAGS) $(CFLAGS)
# lib/shim.c takes over the standard names: it goes only into the preload
# library and the static compat archive, never into libsvipc itself.
SHIM_SRC := lib/shim.c
LIB_SRCS := $(filter-out $(SHIM_SRC),$(wildcard lib/*.c))
LIB_HDRS := $(wildcard lib/*.h) uapi/linux/svipc.h
LIB_OBJS := $(patsubst lib/%.c,$(B)/lib/%.o,$(LIB_SRCS))
LIB_PICS := $(patsubst lib/%.c,$(B)/lib/%.pic.o,$(LIB_SRCS))
TEST_SRCS := $(wildcard selftests/*_test.c)
TESTS := $(patsubst selftests/%.c,$(B)/selftests/%,$(TEST_SRCS))
TEST_HDRS := $(wildcard selftests/*.h)
# abi_test.c is also built as a 32-bit program, to prove compat_ioctl.
TESTS32 := $(if $(wildcard selftests/abi_test.c),$(B)/selftests/abi32_test)
LIB32_OBJS := $(patsubst lib/%.c,$(B)/lib32/%.o,$(LIB_SRCS))
# Dynamically linked helpers the shim tests run under LD_PRELOAD in the VM.
DYN_SRCS := $(wildcard selftests/*_prog.c)
DYNS := $(patsubst selftests/%_prog.c,$(B)/dyn/%-prog,$(DYN_SRCS))
TOOL_SRCS := $(wildcard tools/*.c)
TOOLS := $(patsubst tools/%.c,$(B)/tools/%,$(TOOL_SRCS))

.PHONY: FORCE all modules lib tests tools setup check check-debug check-diff demo checkpatch sparse clean \
	install install-module install-user user uninstall dkms dkms-source \
	dkms-remove deb bench

all: modules lib tools tests

setup:
	@scripts/setup

# See "a bare machine's first run" above.
$(B)/setup.mk: FORCE
	@scripts/setup
	@k="# kernels: $$(ls -d /boot/vmlinuz-* /lib/modules/*/build 2>/dev/null | tr '\n' ' ')"; \
	 [ "$$k" = "$$(cat $@ 2>/dev/null)" ] || { mkdir -p $(B); echo "$$k" > $@; }

FORCE:

ifdef KDIR
modules: $(MOD_SRCS)
	$(MAKE) -C $(KDIR) M=$(top) W=1 modules
else
modules: $(foreach k,$(KVERS),$(B)/mod/$(k)/svipc.ko)
endif

# Each kernel builds in its own tree of symlinks, so objects for different
# kernels never meet.
$(B)/mod/%/svipc.ko: $(MOD_SRCS)
	@rm -rf $(B)/mod/$*/module $(B)/mod/$*/uapi
	@mkdir -p $(B)/mod/$*/module $(B)/mod/$*/uapi/linux
	@for f in $(MOD_SRCS); do ln -sf $(top)/$$f $(B)/mod/$*/$$f; done
	@echo "  MODULE  $*"
	@$(MAKE) -s -C $$(scripts/kernel-paths $* build) M=$(top)/$(B)/mod/$* W=1 modules \
		> $(B)/mod/$*/build.log 2>&1 || { cat $(B)/mod/$*/build.log; exit 1; }
	@if grep -E 'warning:|error:' $(B)/mod/$*/build.log; then \
		rm -f $@; echo "module build for $* has warnings"; exit 1; fi

lib: $(B)/lib/libsvipc.a $(B)/lib/libsvipc.so $(B)/lib/libsvipc-preload.so \
	$(B)/lib/libsvipc-compat.a

$(B)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -c -o $@ $<

$(B)/lib/%.pic.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -fPIC -c -o $@ $<

$(B)/lib/libsvipc.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/lib/libsvipc.so: $(LIB_PICS)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libsvipc.so.1 -o $@ $^ -pthread

$(B)/lib/libsvipc-preload.so: $(B)/lib/shim.pic.o $(LIB_PICS)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,libsvipc-preload.so -Wl,-z,defs -o $@ $^ -pthread

$(B)/lib/libsvipc-compat.a: $(B)/lib/shim.o $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

tests: $(TESTS) $(TESTS32) $(DYNS)

$(B)/dyn/%-prog: selftests/%_prog.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -o $@ $<

# Built only from the standard names, through the static compat archive.
$(B)/selftests/compat_test: selftests/compat_test.c $(TEST_HDRS) $(LIB_HDRS) $(B)/lib/libsvipc-compat.a $(B)/ksft/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -Wno-unused-parameter -Wno-sign-compare -I$(B)/ksft -static -pthread -o $@ $< \
		-Wl,--whole-archive $(B)/lib/libsvipc-compat.a -Wl,--no-whole-archive

$(B)/lib32/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) -m32 $(CFLAGS_USER) -c -o $@ $<

$(B)/lib32/libsvipc.a: $(LIB32_OBJS)
	$(AR) rcs $@ $^

$(B)/selftests/abi32_test: selftests/abi_test.c $(TEST_HDRS) $(LIB_HDRS) $(B)/lib32/libsvipc.a $(B)/ksft/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) -m32 $(CFLAGS_USER) -Wno-unused-parameter -Wno-sign-compare -I$(B)/ksft -static -pthread -o $@ $< $(B)/lib32/libsvipc.a

$(B)/selftests/%: selftests/%.c $(TEST_HDRS) $(LIB_HDRS) $(B)/lib/libsvipc.a $(B)/ksft/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -Wno-unused-parameter -Wno-sign-compare -I$(B)/ksft -static -pthread -o $@ $< $(B)/lib/libsvipc.a

$(B)/ksft/kselftest_harness.h:
	@scripts/setup

tools: $(TOOLS)

# The tools are static so that the VM's initramfs runs them as they are; a
# distribution links them against libsvipc.so.1 instead (debian/rules).
TOOL_LDLIBS ?= -static -pthread $(B)/lib/libsvipc.a

$(B)/tools/%: tools/%.c $(wildcard tools/*.h) $(LIB_HDRS) $(B)/lib/libsvipc.a $(B)/lib/libsvipc.so
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) $(LDFLAGS) -o $@ $< $(TOOL_LDLIBS)

# make check runs the Debian kernels and the debug kernel (built once and
# cached by scripts/build-debug-kernel), and expects a run to the end on
# each kernel scripts/setup installs and on the debug kernel
# (scripts/check --expect-all): if the debug kernel fails to build, the
# others still run and the summary counts it as missing.  KVERS=... on the
# command line restricts it to those kernels, and expects only them.
ifeq ($(origin KVERS),command line)
WITH_DEBUG :=
else
WITH_DEBUG := 1
endif

check:
	@$(MAKE) --no-print-directory all
	@dk=; \
	 if [ -n "$(WITH_DEBUG)" ]; then \
		dk=$$(scripts/build-debug-kernel) || { echo "check: scripts/build-debug-kernel failed" >&2; dk=; }; \
	 fi; \
	 if [ -n "$$dk" ]; then $(MAKE) --no-print-directory modules KVERS="$$dk" || exit 1; fi; \
	 T="$(T)" TC="$(TC)" scripts/check $(if $(WITH_DEBUG),--expect-all) $(KVERS) $$dk

check-debug:
	@$(MAKE) --no-print-directory all
	@dk=$$(scripts/build-debug-kernel) && \
	 $(MAKE) --no-print-directory modules KVERS="$$dk" && \
	 SVIPC_FUZZ_CALLS=$${SVIPC_FUZZ_CALLS:-1000000} T="$(T)" TC="$(TC)" scripts/check $$dk

# The differential fuzzer needs the kernel's own System V IPC: the stock
# kernels (BENCH_KVERS, below), which have it, as the RT one does too.
check-diff:
	@$(MAKE) --no-print-directory all
	@[ -n "$(BENCH_KVERS)" ] || { echo "check-diff: no stock kernel installed" >&2; exit 2; }
	@SVIPC_DIFF_STEPS=$${SVIPC_DIFF_STEPS:-1000000} SVIPC_TIMEOUT=$${SVIPC_TIMEOUT:-5400} \
	 T=difffuzz scripts/check $(BENCH_KVERS)

demo:
	@$(MAKE) --no-print-directory all
	@[ -n "$(KVERS)" ] || { echo "demo: no kernel with both /boot/vmlinuz-* and /lib/modules/*/build" >&2; exit 2; }
	@scripts/vm-run $(firstword $(KVERS)) /bin/svipc-demo

# The benchmark compares svipc with native on the stock kernels only:
# PREEMPT_RT ones are left out here (and refused by scripts/bench), the
# debug kernel is never in KVERS.
BENCH_KVERS = $(strip $(foreach k,$(KVERS),$(if $(shell grep -qsx 'CONFIG_PREEMPT_RT=y' \
	$$(scripts/kernel-paths $(k) config) && echo rt),,$(k))))

bench:
	@$(MAKE) --no-print-directory all
	@scripts/bench $(BENCH_KVERS)

checkpatch: $(B)/checkpatch/checkpatch.pl
	@$(B)/checkpatch/checkpatch.pl --strict --no-tree --terse --show-types \
		--ignore SPDX_LICENSE_TAG -f $(wildcard module/*.c module/*.h uapi/linux/*.h) \
		| grep -v 'total: 0 errors, 0 warnings, 0 checks' ; true
	@$(B)/checkpatch/checkpatch.pl --strict --no-tree --quiet --no-summary \
		-f $(wildcard module/*.c module/*.h uapi/linux/*.h) >/dev/null

$(B)/checkpatch/checkpatch.pl:
	@scripts/setup

sparse:
	@for k in $(KVERS); do \
		echo "  SPARSE  $$k"; \
		rm -f $(B)/mod/$$k/module/*.o; \
		$(MAKE) -s -C $$(scripts/kernel-paths $$k build) M=$(top)/$(B)/mod/$$k C=2 W=1 modules 2>&1 | \
			grep -v '^  ' | tee $(B)/mod/$$k/sparse.log; \
		! grep -qE 'warning|error' $(B)/mod/$$k/sparse.log || exit 1; \
	done


# ---- installation -------------------------------------------------------
# The upstream part, as dpkg's DEB_VERSION_UPSTREAM: no epoch, no revision.
VERSION := $(shell sed -n 1p debian/changelog | tr -d '()' | cut -d' ' -f2 | \
	     sed -e 's/^[0-9]*://' -e 's/-[^-]*$$//')
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
# The preload library is named by path (LD_PRELOAD), never linked against.
PRELOADDIR ?= $(LIBDIR)
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
MAN1 := $(notdir $(wildcard man/*.1))
MAN3 := $(notdir $(wildcard man/*.3))
MAN4 := $(notdir $(wildcard man/*.4))
MAN7 := $(notdir $(wildcard man/*.7))
# udev reads /usr/lib/udev/rules.d (the package's) and /etc/udev/rules.d
# (the administrator's); a /usr/local install belongs to the latter.
UDEVRULESDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
DKMSSRCDIR ?= /usr/src/svipc-$(VERSION)
DEPMOD ?= depmod
INSTALL_TOOLS := $(filter $(B)/tools/svipcs $(B)/tools/svipcrm $(B)/tools/svipc-nosysv \
	$(B)/tools/svipc-sysctl,$(TOOLS))
D := $(DESTDIR)

install: install-module install-user

install-module: modules
	@for k in $(KVERS); do \
		echo "  INSTALL $$k/updates/svipc.ko"; \
		$(MAKE) -s -C $$(scripts/kernel-paths $$k build) M=$(top)/$(B)/mod/$$k \
			INSTALL_MOD_PATH=$(D) INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
			modules_install 2>&1 | grep -v 'System.map' ; \
		scripts/depmod-tree "$(DEPMOD)" "$(D)" $$k || exit 1; \
	done

user: lib $(INSTALL_TOOLS)

install-user: user
	install -d $(D)$(LIBDIR) $(D)$(PRELOADDIR) $(D)$(INCLUDEDIR)/svipc/linux \
		$(D)$(PKGCONFIGDIR) $(D)$(BINDIR) $(D)$(UDEVRULESDIR)
	install -m 644 $(B)/lib/libsvipc.a $(B)/lib/libsvipc-compat.a $(D)$(LIBDIR)/
	install -m 755 $(B)/lib/libsvipc.so $(D)$(LIBDIR)/libsvipc.so.1
	ln -sf libsvipc.so.1 $(D)$(LIBDIR)/libsvipc.so
	install -m 755 $(B)/lib/libsvipc-preload.so $(D)$(PRELOADDIR)/
	install -m 644 lib/svipc.h $(D)$(INCLUDEDIR)/svipc.h
	install -m 644 uapi/linux/svipc.h $(D)$(INCLUDEDIR)/svipc/linux/svipc.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    packaging/svipc.pc.in > $(D)$(PKGCONFIGDIR)/svipc.pc
	chmod 644 $(D)$(PKGCONFIGDIR)/svipc.pc
	$(if $(INSTALL_TOOLS),install -m 755 $(INSTALL_TOOLS) $(D)$(BINDIR)/)
	install -m 644 packaging/60-svipc.rules $(D)$(UDEVRULESDIR)/60-svipc.rules
	install -d $(D)$(MANDIR)/man1 $(D)$(MANDIR)/man3 $(D)$(MANDIR)/man4 \
		$(D)$(MANDIR)/man7
	install -m 644 $(addprefix man/,$(MAN1)) $(D)$(MANDIR)/man1/
	install -m 644 $(addprefix man/,$(MAN3)) $(D)$(MANDIR)/man3/
	install -m 644 $(addprefix man/,$(MAN4)) $(D)$(MANDIR)/man4/
	install -m 644 $(addprefix man/,$(MAN7)) $(D)$(MANDIR)/man7/
	@if [ -z "$(D)" ]; then ldconfig; fi

uninstall:
	@for k in $(KVERS); do \
		echo "  REMOVE  $$k/updates/svipc.ko"; \
		rm -f $(addprefix $(D)/lib/modules/$$k/updates/svipc.ko,"" .xz .zst .gz); \
		rmdir $(D)/lib/modules/$$k/updates 2>/dev/null; \
		scripts/depmod-tree "$(DEPMOD)" "$(D)" $$k || exit 1; \
	done
	rm -f $(D)$(LIBDIR)/libsvipc.a $(D)$(LIBDIR)/libsvipc-compat.a \
	      $(D)$(LIBDIR)/libsvipc.so.1 $(D)$(LIBDIR)/libsvipc.so \
	      $(D)$(PRELOADDIR)/libsvipc-preload.so \
	      $(D)$(INCLUDEDIR)/svipc.h $(D)$(INCLUDEDIR)/svipc/linux/svipc.h \
	      $(D)$(PKGCONFIGDIR)/svipc.pc $(D)$(UDEVRULESDIR)/60-svipc.rules \
	      $(addprefix $(D)$(BINDIR)/,svipcs svipcrm svipc-nosysv svipc-sysctl) \
	      $(addprefix $(D)$(MANDIR)/man1/,$(MAN1)) \
	      $(addprefix $(D)$(MANDIR)/man3/,$(MAN3)) \
	      $(addprefix $(D)$(MANDIR)/man4/,$(MAN4)) \
	      $(addprefix $(D)$(MANDIR)/man7/,$(MAN7))
	-rmdir $(D)$(INCLUDEDIR)/svipc/linux $(D)$(INCLUDEDIR)/svipc 2>/dev/null
	@if [ -z "$(D)" ]; then ldconfig; fi

# The DKMS source tree: only what Kbuild needs, plus dkms.conf with the
# version filled in (dh_dkms does the same for the package).
dkms-source:
	install -d $(D)$(DKMSSRCDIR)/module $(D)$(DKMSSRCDIR)/uapi/linux
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(D)$(DKMSSRCDIR)/dkms.conf
	chmod 644 $(D)$(DKMSSRCDIR)/dkms.conf
	install -m 644 Kbuild $(D)$(DKMSSRCDIR)/
	install -m 644 $(wildcard module/*.c module/*.h) $(D)$(DKMSSRCDIR)/module/
	install -m 644 uapi/linux/svipc.h $(D)$(DKMSSRCDIR)/uapi/linux/

dkms: dkms-source
	@if [ -z "$(D)" ]; then \
		dkms add -m svipc -v $(VERSION) 2>/dev/null || true; \
		for k in $(KVERS); do dkms install -m svipc -v $(VERSION) -k $$k || exit 1; done; \
	fi

dkms-remove:
	@if [ -z "$(D)" ]; then dkms remove -m svipc -v $(VERSION) --all || true; fi
	rm -rf $(D)$(DKMSSRCDIR)

# Packages are built from a copy of the tree without build/ and .git, so
# that the package build's debris never reaches the working tree.
DEBDIR := $(B)/deb
deb:
	@rm -rf $(DEBDIR)
	@mkdir -p $(DEBDIR)/svipc-$(VERSION)
	@tar -C $(top) --exclude-vcs --exclude=./$(B) -cf - . | tar -C $(DEBDIR)/svipc-$(VERSION) -xf -
	@echo "  DEB     $(DEBDIR)"
	@cd $(DEBDIR)/svipc-$(VERSION) && \
	 env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS dpkg-buildpackage -us -uc \
		> ../build.log 2>&1 || { tail -n 60 ../build.log; exit 1; }
	@ls $(DEBDIR)/*.deb

clean:
	rm -rf $(B)/mod $(B)/lib $(B)/lib32 $(B)/selftests $(B)/tools $(B)/dyn $(B)/vm $(B)/deb
