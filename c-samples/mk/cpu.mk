# CPU and kernel faithfulness samples (test/diff/cpu-*.test.ts): every
# cpu/NAME.c as build/cpu/NAME.dyn (PIE) and NAME.static like the other
# groups, plus nx_probe with an executable stack (-z execstack) and without
# PT_GNU_STACK (its program header turned into PT_NULL: the kernel then
# gives the process READ_IMPLIES_EXEC).
CPU_SRC := $(wildcard cpu/*.c)
all: $(patsubst %.c,$(BUILD)/%.dyn,$(CPU_SRC)) $(patsubst %.c,$(BUILD)/%.static,$(CPU_SRC))
all: $(BUILD)/cpu/nx_probe.execstack $(BUILD)/cpu/nx_probe.nognustack

$(BUILD)/cpu/nx_probe.execstack: cpu/nx_probe.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE -pie -z execstack -o $@ $<

$(BUILD)/cpu/nx_probe.nognustack: cpu/nx_probe.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIE -pie -o $@ $<
	perl -e 'open(F, "+<", $$ARGV[0]) or die "$$ARGV[0]: $$!"; binmode F; read(F, $$h, 52); my ($$off, $$size, $$n) = unpack("x28 V x10 v v", $$h); for my $$i (0 .. $$n - 1) { seek(F, $$off + $$i * $$size, 0); read(F, $$t, 4); if (unpack("V", $$t) == 0x6474e551) { seek(F, $$off + $$i * $$size, 0); print F pack("V", 0); } }' $@
