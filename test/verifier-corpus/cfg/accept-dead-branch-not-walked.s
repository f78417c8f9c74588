# type: xdp
# expect: accept
# kernel: accept
# kernel-stats: processed=3 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the CFG check only wants every instruction reachable by some edge; the walk then skips
#   the branch that a known constant never takes, so the uninitialized r3 read at insn 3 is never
#   checked (processed counts only the live path)
r0 = 2
if r0 == 2 goto +2
r0 = r3
r0 += 1
exit
