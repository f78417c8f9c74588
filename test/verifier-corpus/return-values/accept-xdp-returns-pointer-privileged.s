# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: privileged: the main program may even return a pointer (an unprivileged loader gets
#   'R0 leaks addr as return value')
r0 = r10
exit
