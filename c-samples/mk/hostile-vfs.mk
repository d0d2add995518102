# Hostile guests attacking the file-system confinement (test/hostile/vfs-*.test.ts).
HOSTILE_VFS := $(BUILD)/hostile/vfs_race $(BUILD)/hostile/vfs_escape

$(BUILD)/hostile/%: hostile/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<

all: $(HOSTILE_VFS)
