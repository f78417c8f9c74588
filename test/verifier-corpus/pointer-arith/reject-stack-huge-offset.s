# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: math between fp pointer and 536870912 is not allowed
# kernel-stats: processed=2 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a constant offset of 2^29 or more added to a pointer is refused at the addition
r2 = r10
r2 += 0x20000000
r0 = 2
exit
