# type: raw
# mem: 32
# expect: accept
# kernel: accept
# kernel-stats: processed=13 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: r2 holds the size as a known constant (32): r2 - 8 is a valid offset for a u64
r3 = r2
r3 -= 8
r1 += r3
r0 = *(u64 *)(r1 + 0)
exit
