# type: xdp
# expect: reject pc=4
# kernel: reject pc=4 errno=EACCES
# kernel-message: R2 invalid mem access 'scalar'
# kernel-stats: processed=5 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: overwriting one byte of a spilled context pointer makes the slot a plain scalar; the
#   filled value is no longer a pointer
*(u64 *)(r10 - 8) = r1
*(u8 *)(r10 - 8) = 0
r2 = *(u64 *)(r10 - 8)
r0 = 0
r0 = *(u32 *)(r2 + 0)
exit
