# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: privileged: negating a pointer is allowed and gives an unknown scalar (an unprivileged
#   loader is refused); compare pointer-arith/reject-ptr-mul.s
r2 = r10
r2 = -r2
r0 = 2
exit
