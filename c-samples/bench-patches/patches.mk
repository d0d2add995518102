# Live patches of kvstore v1 for the `patching` benchmark group
# (scripts/bench/patching.ts), included from c-samples/Makefile. Each one
# redefines kvstore v1's own code, unchanged, so the server keeps behaving
# the same however often it is applied while clients talk to it; what
# differs is how many functions a patch replaces (the `replaced` list of
# its report, cold parts of functions included):
#
#   kvstore-v1-fn1.so    1: cmd_get (get.c)
#   kvstore-v1-fn10.so  10: net.c, whole (its statics are carried over)
#   kvstore-v1-fn50.so  50: commands.c, resp.c and store.c, whole (41
#                           functions and 2 cold parts), plus extra.c (7)
BENCH_PATCHES := $(addprefix $(BUILD)/bench-patches/kvstore-v1-,fn1.so fn10.so fn50.so)
KVSTORE_V1_H  := kvstore/v1/kvstore.h

$(BUILD)/bench-patches/kvstore-v1-fn1.so: bench-patches/get.c $(KVSTORE_V1_H)
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -Ikvstore/v1 -o $@ bench-patches/get.c

$(BUILD)/bench-patches/kvstore-v1-fn10.so: kvstore/v1/net.c $(KVSTORE_V1_H)
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -Ikvstore/v1 -o $@ kvstore/v1/net.c

$(BUILD)/bench-patches/kvstore-v1-fn50.so: kvstore/v1/commands.c kvstore/v1/resp.c kvstore/v1/store.c bench-patches/extra.c $(KVSTORE_V1_H) $(DSU_INCLUDE)/dsu.h
	@mkdir -p $(dir $@)
	$(CC) $(PATCH_CFLAGS) -Ikvstore/v1 -o $@ kvstore/v1/commands.c kvstore/v1/resp.c kvstore/v1/store.c bench-patches/extra.c
