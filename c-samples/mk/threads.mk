# Multi-threaded conformance programs (test/diff/threads*.test.ts): every
# c-samples/threads/NAME.c becomes NAME.dyn and NAME.static through the
# Makefile's pattern rules (glibc 2.34+ has pthreads in libc itself).
THREAD_SAMPLES := $(basename $(notdir $(wildcard threads/*.c)))
all: $(foreach n,$(THREAD_SAMPLES),$(BUILD)/threads/$(n).dyn $(BUILD)/threads/$(n).static)
