# type: kprobe
# maps: perf_event_array key=4 value=4 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_perf_event_output(ctx, map, BPF_F_CURRENT_CPU, data, 8)
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
