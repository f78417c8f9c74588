# type: xdp
# maps: hash key=8 value=8 entries=16
# expect: reject pc=5
# kernel: reject pc=5 errno=EINVAL
# kernel-message: invalid read from stack R2 off=-4 size=8
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: an 8-byte key read from r10 - 4: the key runs past the top of the stack
*(u32 *)(r10 - 4) = 1
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
r0 = 2
exit
