# The DWARF reader's samples (test/diff/dwarf-*.test.ts): one program built
# the ways distributions and developers build: DWARF 5 (gcc 12's default),
# DWARF 4, split DWARF (a .dwo per file next to the program), zlib-compressed
# sections, and stripped with its debug file found through .gnu_debuglink.
DWARF_SRC := dwarf/types.c dwarf/types-b.c
DWARF_OUT := $(BUILD)/dwarf
all: $(addprefix $(DWARF_OUT)/,types-v5 types-v4 types-split types-gz types-stripped types-O0)

$(DWARF_OUT)/types-v5: $(DWARF_SRC) dwarf/types.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -gdwarf-5 -fPIE -pie -o $@ $(DWARF_SRC)

$(DWARF_OUT)/types-O0: $(DWARF_SRC) dwarf/types.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -O0 -gdwarf-5 -fPIE -pie -o $@ $(DWARF_SRC)

$(DWARF_OUT)/types-v4: $(DWARF_SRC) dwarf/types.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -gdwarf-4 -fPIE -pie -o $@ $(DWARF_SRC)

# gcc writes types-split-types.dwo and types-split-types-b.dwo beside the program
$(DWARF_OUT)/types-split: $(DWARF_SRC) dwarf/types.h
	@mkdir -p $(dir $@)
	cd $(DWARF_OUT) && $(CC) $(CFLAGS) -gsplit-dwarf -fPIE -pie -o types-split $(addprefix $(CURDIR)/,$(DWARF_SRC))

$(DWARF_OUT)/types-gz: $(DWARF_SRC) dwarf/types.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -gz=zlib -fPIE -pie -o $@ $(DWARF_SRC)

$(DWARF_OUT)/types-stripped: $(DWARF_OUT)/types-v5
	objcopy --only-keep-debug $< $(DWARF_OUT)/types.debug
	objcopy --strip-all --add-gnu-debuglink=$(DWARF_OUT)/types.debug $< $@
