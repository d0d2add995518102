# Hostile guests of the confinement area (test/hostile/): programs that try
# to reach past the sandbox (host pids, raw sockets, the host's descriptors)
# and the syscall fuzzer. Listed by name, since other areas keep hostile
# programs of their own in the same folder; the Makefile's pattern rules
# build each as NAME.dyn and NAME.static.
CONFINE_HOSTILE := pid_reach pid_broadcast fd_exhaust net_escape syscall_errno as_exhaust
all: $(foreach n,$(CONFINE_HOSTILE),$(BUILD)/hostile/$(n).dyn $(BUILD)/hostile/$(n).static)
