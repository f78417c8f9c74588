# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EINVAL
# kernel-message: invalid write to stack R3 off=-8 size=16
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: 16 bytes into an 8-byte stack buffer at r10 - 8 (would write past r10)
r2 = 0
r3 = r10
r3 += -8
r4 = 16
call 189
r0 = 2
exit
