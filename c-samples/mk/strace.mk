# Programs whose traces test/diff/strace-parity.test.ts compares with the
# real strace's: every c-samples/strace/NAME.c becomes NAME.dyn and
# NAME.static through the Makefile's pattern rules.
STRACE_SAMPLES := $(basename $(notdir $(wildcard strace/*.c)))
all: $(foreach n,$(STRACE_SAMPLES),$(BUILD)/strace/$(n).dyn $(BUILD)/strace/$(n).static)
