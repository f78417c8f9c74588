# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: goto +0 jumps to the next instruction (a no-op the verifier accepts)
r0 = 2
goto +0
goto +0
exit
