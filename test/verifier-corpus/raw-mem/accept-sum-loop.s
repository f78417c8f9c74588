# type: raw
# mem: 16
# expect: accept
# kernel: accept
# kernel-stats: processed=107 total_states=2 peak_states=2 max_states_per_insn=1 stack_depth=0
# what: a bounded loop summing 16 bytes of memory
r0 = 0
r3 = 0
loop:
r4 = r1
r4 += r3
r5 = *(u8 *)(r4 + 0)
r0 += r5
r3 += 1
if r3 < 16 goto loop
exit
