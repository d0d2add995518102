# Programs test/integration/gdb.test.ts drives real gdb on: built without
# optimisation, so every variable and line is where the source says.
GDB_SAMPLES := $(basename $(notdir $(wildcard gdb/*.c)))
all: $(foreach n,$(GDB_SAMPLES),$(BUILD)/gdb/$(n).O0)

$(BUILD)/gdb/%.O0: gdb/%.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -O0 -g -Wall -pthread -o $@ $<
