# type: xdp
# expect: reject pc=6
# kernel: reject pc=6 errno=EINVAL
# kernel-message: invalid variable-offset read from stack R3 var_off=(0x0; 0xf) off=-8 size=1
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a variable offset in [0, 15] added to r10 - 8 can reach past r10
*(u64 *)(r10 - 8) = 0
r2 = *(u32 *)(r1 + 16)
r2 &= 15
r3 = r10
r3 += -8
r3 += r2
r0 = *(u8 *)(r3 + 0)
exit
