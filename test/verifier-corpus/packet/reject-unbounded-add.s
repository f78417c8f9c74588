# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=EINVAL
# kernel-message: math between pkt pointer and register with unbounded min value is not allowed
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: adding a fully unknown 64-bit value (from ktime) to a packet pointer
r6 = *(u32 *)(r1 + 0)
call 5
r2 = r6
r2 += r0
r0 = 2
exit
