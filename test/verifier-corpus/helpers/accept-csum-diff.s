# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=12 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_csum_diff (28): two 4-byte buffers on the stack and a seed
*(u32 *)(r10 - 4) = 1
*(u32 *)(r10 - 8) = 2
r1 = r10
r1 += -4
r2 = 4
r3 = r10
r3 += -8
r4 = 4
r5 = 0
call 28
r0 = 2
exit
