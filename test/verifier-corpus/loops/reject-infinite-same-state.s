# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: infinite loop detected at insn 1
# kernel-message-2: cur state: R0=0 R1=1 R10=fp0
# kernel-message-3: old state: R0=0 R1=1 R10=fp0
# kernel-stats: processed=10 total_states=1 peak_states=1 max_states_per_insn=0 stack_depth=0
# what: the loop's state at its head is the same on every visit: an infinite loop
#   (the kernel names the loop head, insn 1, where it found the repeated state)
r0 = 0
loop:
r1 = 1
if r1 == 1 goto loop
exit
