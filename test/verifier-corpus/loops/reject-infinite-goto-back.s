# type: xdp
# expect: reject pc=2
# kernel: reject pc=2 errno=EINVAL
# kernel-message: infinite loop detected at insn 2
# kernel-message-2: cur state: R0=0 R1=0 R2=0 R10=fp0
# kernel-message-3: old state: R0=0 R1=0 R2=0 R10=fp0
# kernel-stats: processed=11 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: an unconditional backward jump with nothing changing (the kernel names the loop head)
r0 = 0
r1 = 0
loop:
r2 = r1
goto loop
