# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a register clobbered by a call can be written again and used
call 7
r1 = 5
r0 = r1
exit
