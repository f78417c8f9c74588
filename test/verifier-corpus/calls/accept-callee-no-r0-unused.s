# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0+0
# what: a static subprogram may return without setting R0: the kernel checks R0 at the exit of
#   the main program only, and this caller overwrites R0 before reading it
call f
r0 = 2
exit
f:
r1 = 0
exit
