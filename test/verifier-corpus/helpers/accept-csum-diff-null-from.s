# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_csum_diff's first buffer may be NULL when its size is 0
*(u32 *)(r10 - 8) = 2
r1 = 0
r2 = 0
r3 = r10
r3 += -8
r4 = 4
r5 = 0
call 28
r0 = 2
exit
