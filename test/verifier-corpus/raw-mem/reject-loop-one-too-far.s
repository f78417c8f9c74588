# type: raw
# mem: 16
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: invalid access to packet, off=16 size=1, R4(id=0,off=16,r=16)
# kernel-message-2: R4 offset is outside of the packet
# kernel-stats: processed=109 total_states=2 peak_states=2 max_states_per_insn=1 stack_depth=0
# what: a summing loop with '<=' reads byte 16 of 16
r0 = 0
r3 = 0
loop:
r4 = r1
r4 += r3
r5 = *(u8 *)(r4 + 0)
r0 += r5
r3 += 1
if r3 <= 16 goto loop
exit
