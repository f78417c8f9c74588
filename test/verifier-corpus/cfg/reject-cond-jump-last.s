# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EINVAL
# kernel-message: last insn is not an exit or jmp
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a conditional jump as the last instruction falls through past the end
r0 = 0
back:
r0 += 1
if r0 < 4 goto back
