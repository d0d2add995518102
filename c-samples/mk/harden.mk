# Tools of the robustness tests (test/diff/run-fuzz.test.ts): exec-direct
# runs a mutated program with execve itself, so that a file the kernel
# refuses is not handed to a shell the way execvp does.
HARDEN_OUT := $(BUILD)/harden
all: $(HARDEN_OUT)/exec-direct

$(HARDEN_OUT)/exec-direct: harden/exec-direct.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $<
