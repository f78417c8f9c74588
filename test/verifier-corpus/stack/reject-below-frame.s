# type: xdp
# expect: reject pc=0
# kernel: reject pc=0 errno=EACCES
# kernel-message: invalid write to stack R10 off=-520 size=8
# kernel-stats: processed=1 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: r10 - 520 is below the 512-byte frame
*(u64 *)(r10 - 520) = 0
r0 = 0
exit
