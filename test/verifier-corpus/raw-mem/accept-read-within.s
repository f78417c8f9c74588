# type: raw
# mem: 16
# expect: accept
# kernel: accept
# kernel-stats: processed=10 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: raw convention: r1 = 16 bytes of memory, read the last u64 (the kernel sees a packet
#   pointer with r=16 made by the oracle's prolog)
r0 = *(u64 *)(r1 + 8)
exit
