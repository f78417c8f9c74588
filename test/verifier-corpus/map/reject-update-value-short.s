# type: xdp
# maps: hash key=4 value=16 entries=16
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: invalid read from stack R3 off=-8 size=16
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=16
# what: bpf_map_update_elem's value must have value_size (16) readable bytes; r3 = r10 - 8
*(u32 *)(r10 - 12) = 1
*(u64 *)(r10 - 8) = 0
r1 = map_fd(0) ll
r2 = r10
r2 += -12
r3 = r10
r3 += -8
r4 = 0
call 2
r0 = 2
exit
