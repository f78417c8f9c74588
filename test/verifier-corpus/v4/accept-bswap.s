# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bswap16/32/64 (unconditional byte swaps, v4) and be16/le32 of scalars
r2 = *(u32 *)(r1 + 16)
r2 = bswap16 r2
r2 = bswap32 r2
r2 = bswap64 r2
r2 = be16 r2
r2 = le32 r2
r0 = 2
exit
