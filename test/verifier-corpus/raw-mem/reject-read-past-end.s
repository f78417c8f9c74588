# type: raw
# mem: 16
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid access to packet, off=12 size=8, R1(id=0,off=12,r=16)
# kernel-message-2: R1 offset is outside of the packet
# kernel-stats: processed=9 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a u64 at offset 12 of 16 bytes (kernel wording is the packet's: the oracle's prolog
#   makes the memory a packet)
r0 = *(u64 *)(r1 + 12)
exit
