# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: Linux 6.18 accepts a sign-extending load (s32) of a u32 context field (rx_queue_index)
r0 = *(s32 *)(r1 + 16)
exit
