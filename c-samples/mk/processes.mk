# Process samples (test/diff/processes*.test.ts): fork, exec, wait, groups,
# signals between processes, shared memory and descriptors. Every
# processes/NAME.c becomes NAME.dyn and NAME.static like the other groups;
# say.h is their shared output helper.
PROCESSES_SRC := $(wildcard processes/*.c)
all: $(patsubst %.c,$(BUILD)/%.dyn,$(PROCESSES_SRC)) $(patsubst %.c,$(BUILD)/%.static,$(PROCESSES_SRC))
$(patsubst %.c,$(BUILD)/%.dyn,$(PROCESSES_SRC)) $(patsubst %.c,$(BUILD)/%.static,$(PROCESSES_SRC)): processes/say.h
