# type: kprobe
# maps: hash key=4 value=4 entries=4
# expect: reject
# kernel: reject pc=9 errno=EINVAL
# kernel-message: cannot pass map_type 1 into func bpf_perf_event_output#25
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_perf_event_output needs a perf event array
r2 = 1
*(u64 *)(r10 - 8) = r2
r2 = map_fd(0) ll
r3 = 0xffffffff ll
r4 = r10
r4 += -8
r5 = 8
call 25
r0 = 0
exit
