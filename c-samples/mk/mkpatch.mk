# dsu mkpatch's rule pairs (mkpatch/RULE/v1, v2; test/integration/
# mkpatch-rules.test.ts): each v1 built as build/mkpatch/RULE-v1, the program
# a test runs and patches, and each v2 as RULE-v2, what the patched program
# must then answer like, with the flags the test gives `dsu mkpatch --build`
# (mkpatch/flags.txt says them once for both; a rule's extra-flags.txt adds
# its own).
MKPATCH_RULES  := $(patsubst mkpatch/%/v1/main.c,%,$(wildcard mkpatch/*/v1/main.c))
MKPATCH_CFLAGS := $(shell cat mkpatch/flags.txt)
all: $(MKPATCH_RULES:%=$(BUILD)/mkpatch/%-v1) $(MKPATCH_RULES:%=$(BUILD)/mkpatch/%-v2)

$(BUILD)/mkpatch/%-v1: $$(wildcard mkpatch/$$*/v1/*.c mkpatch/$$*/extra-flags.txt) mkpatch/flags.txt
	@mkdir -p $(dir $@)
	$(CC) $(MKPATCH_CFLAGS) $(shell cat mkpatch/$*/extra-flags.txt 2>/dev/null) -o $@ $(sort $(filter %.c,$^))

$(BUILD)/mkpatch/%-v2: $$(wildcard mkpatch/$$*/v2/*.c mkpatch/$$*/extra-flags.txt) mkpatch/flags.txt
	@mkdir -p $(dir $@)
	$(CC) $(MKPATCH_CFLAGS) $(shell cat mkpatch/$*/extra-flags.txt 2>/dev/null) -o $@ $(sort $(filter %.c,$^))
