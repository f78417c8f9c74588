# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a compare of a known constant has one outcome: the other branch (an invalid context
#   read) is never verified
r2 = 5
if r2 > 10 goto bad
r0 = 2
exit
bad:
r0 = *(u32 *)(r1 + 64)
exit
