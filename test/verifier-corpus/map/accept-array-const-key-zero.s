# type: xdp
# maps: array key=4 value=8 entries=4
# expect: accept
# kernel: accept
# kernel-stats: processed=8 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: a key written as an immediate 0 at r10 - 4 is known zero (STACK_ZERO bytes), so the
#   array lookup is known to succeed and needs no null check
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = *(u64 *)(r0 + 0)
r0 = 2
exit
