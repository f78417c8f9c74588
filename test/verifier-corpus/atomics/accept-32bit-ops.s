# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: 32-bit atomic or / and / xor and fetch-xor on a 4-byte aligned slot
*(u32 *)(r10 - 4) = 0
w1 = 12
lock *(u32 *)(r10 - 4) |= w1
lock *(u32 *)(r10 - 4) &= w1
lock *(u32 *)(r10 - 4) ^= w1
w1 = atomic_fetch_xor((u32 *)(r10 - 4), w1)
w0 = w1
exit
