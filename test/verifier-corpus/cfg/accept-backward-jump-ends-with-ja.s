# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the last instruction may be an unconditional jump (backwards) instead of an exit
r0 = 2
goto +1
back:
exit
goto back
