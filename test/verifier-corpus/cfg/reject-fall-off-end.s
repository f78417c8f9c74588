# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: last insn is not an exit or jmp
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: the last instruction is neither an exit nor a jump: execution would run off the end
r0 = 0
r0 += 1
