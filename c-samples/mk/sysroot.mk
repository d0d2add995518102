# The sysroot probe (test/diff/sysroot.test.ts): a program with a library of
# its own, which it finds through RPATH /app/lib, a directory only the
# test's root has. The test copies both into a root laid out as
# /app/sysroot_probe and /app/lib/libgreet.so.
all: $(BUILD)/sysroot/sysroot_probe $(BUILD)/sysroot/libgreet.so
$(BUILD)/sysroot/libgreet.so: sysroot/libgreet.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -fPIC -o $@ $<
$(BUILD)/sysroot/sysroot_probe: sysroot/sysroot_probe.c $(BUILD)/sysroot/libgreet.so
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -L$(BUILD)/sysroot -lgreet -Wl,-rpath,/app/lib
