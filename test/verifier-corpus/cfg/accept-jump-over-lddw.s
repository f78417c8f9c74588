# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a jump over a 16-byte lddw lands on the instruction after its second slot
r0 = 2
r2 = *(u32 *)(r1 + 12)
if r2 == 0 goto +2
r0 = 0x100000002 ll
w0 = w0
exit
