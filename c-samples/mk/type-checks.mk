# The type checks' patch cases (c-samples/patches/tc-*): typecheck-v1, a
# program of five files, and one patch per case, each built from the
# case's own sources like any dsu patch.
TC_SRC := $(wildcard typecheck/*.c)
TC_PATCHES := $(notdir $(wildcard patches/tc-*))
all: $(BUILD)/typecheck/typecheck-v1 $(TC_PATCHES:%=$(BUILD)/patches/%.so)

$(BUILD)/typecheck/typecheck-v1: $(TC_SRC) typecheck/typecheck.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE -pie -o $@ $(TC_SRC)

$(BUILD)/patches/tc-%.so: $$(wildcard patches/tc-$$*/*.c) $(DSU_INCLUDE)/dsu.h
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -o $@ $(filter %.c,$^)

# Without debug information: the program (its debug sections stripped) and a
# patch built without -g, for the "types could not be checked" notes.
all: $(BUILD)/typecheck/typecheck-v1-nodebug $(BUILD)/patches/tc-ok-param-nodebug.so
$(BUILD)/typecheck/typecheck-v1-nodebug: $(BUILD)/typecheck/typecheck-v1
	objcopy --remove-section='.debug_*' $< $@

$(BUILD)/patches/tc-ok-param-nodebug.so: $(BUILD)/patches/tc-ok-param.so
	objcopy --remove-section='.debug_*' $< $@
