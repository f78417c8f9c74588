# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: narrow aligned reads anywhere in pt_regs, up to its last byte
r2 = *(u32 *)(r1 + 116)
r3 = *(u16 *)(r1 + 82)
r4 = *(u8 *)(r1 + 167)
r0 = r2
r0 += r3
r0 += r4
exit
