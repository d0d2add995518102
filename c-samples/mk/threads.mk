# Multi-threaded conformance programs (test/diff/threads*.test.ts): every
# c-samples/threads/NAME.c becomes NAME.dyn and NAME.static through the
# Makefile's pattern rules (glibc 2.34+ has pthreads in libc itself).
THREAD_SAMPLES := $(basename $(notdir $(wildcard threads/*.c)))
all: $(foreach n,$(THREAD_SAMPLES),$(BUILD)/threads/$(n).dyn $(BUILD)/threads/$(n).static)

# The multi-threaded key-value server (mtkv: a listener thread, N workers,
# one table under a lock; workers call dsu_update_point() between
# requests) in two versions, a -static build of v1, and the
# live patch v1 -> v2 built from v2's commands.c.
MTKV_SRC = $(wildcard mtkv/$(1)/*.c mtkv/$(1)/*.h) $(DSU_INCLUDE)/dsu.h
all: $(BUILD)/mtkv/mtkv-v1 $(BUILD)/mtkv/mtkv-v2 $(BUILD)/mtkv/mtkv-v1.static $(BUILD)/patches/mtkv-v1-v2.so
$(BUILD)/mtkv/mtkv-v1 $(BUILD)/mtkv/mtkv-v2: $(BUILD)/mtkv/mtkv-%: $$(call MTKV_SRC,$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(DSU_INCLUDE) -fPIE -pie -o $@ $(filter %.c,$^)
$(BUILD)/mtkv/mtkv-v1.static: $(call MTKV_SRC,v1)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(DSU_INCLUDE) -static -o $@ $(filter %.c,$^)
$(BUILD)/patches/mtkv-v1-v2.so: mtkv/v2/commands.c patches/mtkv-v1-v2/version.c mtkv/v2/mtkv.h $(DSU_INCLUDE)/dsu.h
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -Imtkv/v2 -o $@ mtkv/v2/commands.c patches/mtkv-v1-v2/version.c

# mtjobs: a worker thread inside job_loop (struct job on its stack) while
# main waits in pthread_join, and a patch that changes struct job's layout:
# the type checks must walk the worker's stack, not only main's.
all: $(BUILD)/mtjobs/mtjobs $(BUILD)/patches/mtjobs-layout.so
$(BUILD)/mtjobs/mtjobs: mtjobs/mtjobs.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE -pie -o $@ $<
$(BUILD)/patches/mtjobs-layout.so: mtjobs/patch-layout.c
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -o $@ $<

# Signals sent from outside to a multi-threaded program (test/diff/
# threads-host-signals.test.ts), dynamic and static like the conformance
# programs but kept apart from them: they wait for signals from the test.
all: $(BUILD)/threads-host/host_signals.dyn $(BUILD)/threads-host/host_signals.static
$(BUILD)/threads-host/%.dyn: threads-host/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BUILD)/threads-host/%.static: threads-host/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

# The bench's thread kernels (scripts/bench/threads.ts): thread switches,
# sched_yield, futex wake-to-run latency.
all: $(BUILD)/threads-bench/threadbench.static $(BUILD)/threads-bench/threadbench.dyn
$(BUILD)/threads-bench/%.dyn: threads-bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<
$(BUILD)/threads-bench/%.static: threads-bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

# mtkv v1 -> v2 with a transfer that takes the table's lock while the
# other threads are held.
all: $(BUILD)/patches/mtkv-v1-v2-transfer.so
$(BUILD)/patches/mtkv-v1-v2-transfer.so: mtkv/v2/commands.c patches/mtkv-v1-v2-transfer/transfer.c mtkv/v2/mtkv.h $(DSU_INCLUDE)/dsu.h
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -Imtkv/v2 -o $@ mtkv/v2/commands.c patches/mtkv-v1-v2-transfer/transfer.c
