# type: xdp
# maps: ringbuf key=0 value=0 entries=4096
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: Unreleased reference id=2 alloc_insn=4
# kernel-message-2: BPF_EXIT instruction in main prog would lead to reference leak
# kernel-stats: processed=9 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a record reserved and never submitted nor discarded leaks: the exit reports the
#   unreleased reference (the reservation instruction)
r1 = map_fd(0) ll
r2 = 16
r3 = 0
call 131
if r0 == 0 goto out
r1 = 1
*(u64 *)(r0 + 0) = r1
out:
r0 = 2
exit
