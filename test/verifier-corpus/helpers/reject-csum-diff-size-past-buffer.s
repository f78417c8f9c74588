# type: xdp
# expect: reject pc=9
# kernel: reject pc=9 errno=EINVAL
# kernel-message: invalid read from stack R1 off=-4 size=8
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_csum_diff told to read 8 bytes from a buffer at r10 - 4
*(u32 *)(r10 - 4) = 1
*(u32 *)(r10 - 8) = 2
r1 = r10
r1 += -4
r2 = 8
r3 = r10
r3 += -8
r4 = 4
r5 = 0
call 28
r0 = 2
exit
