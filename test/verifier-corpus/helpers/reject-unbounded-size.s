# type: xdp
# expect: reject pc=8
# kernel: reject pc=8 errno=EACCES
# kernel-message: R4 min value is negative, either use unsigned or 'var &= const'
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a size argument that is unknown: helpers return a full 64-bit unknown scalar (even
#   get_prandom_u32), so its minimum may be negative
r6 = r1
call 7
r4 = r0
r1 = r6
r2 = 0
r3 = r10
r3 += -16
r4 += 0
call 189
r0 = 2
exit
