# type: xdp
# maps: prog_array key=4 value=4 entries=4
# expect: reject pc=6
# kernel: reject pc=6 errno=EINVAL
# kernel-message: cannot pass map_type 3 into func bpf_map_lookup_elem#1
# kernel-stats: processed=6 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: programs in a program array cannot be looked up by a program
r1 = 0
*(u32 *)(r10 - 4) = r1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = 2
exit
