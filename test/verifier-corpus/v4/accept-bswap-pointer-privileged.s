# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: privileged: byte-swapping a pointer is accepted and makes it an unknown scalar (an
#   unprivileged loader is refused)
r2 = r10
r2 = bswap64 r2
r0 = 2
exit
