# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: infinite loop detected at insn 1
# kernel-message-2: cur state: R0=0 R1=ctx() R10=fp0
# kernel-message-3: old state: R0=0 R1=ctx() R10=fp0
# kernel-stats: processed=9 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: a jump to itself: the walk finds the same state again at the back-edge target
r0 = 0
goto -1
