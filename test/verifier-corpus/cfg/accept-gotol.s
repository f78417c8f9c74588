# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the v4 32-bit-offset jump (gotol, JMP32|JA) is a normal unconditional jump
r0 = 1
r2 = *(u32 *)(r1 + 16)
if r2 == 0 goto +1
gotol +1
r0 = 0
exit
