# type: xdp
# maps: hash key=4 value=8 entries=16
# expect: reject pc=3
# kernel: reject pc=3 errno=EBADF
# kernel-message: fd -1 is not pointing to valid bpf_map
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: map_fd(1) names a map that does not exist (the oracle passes fd -1)
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(1) ll
call 1
r0 = 2
exit
