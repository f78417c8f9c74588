# type: xdp
# expect: reject
# kernel: reject pc=? errno=EINVAL
# kernel-message: jump into the middle of ldimm64 insn 2
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: a jump into the second slot of an lddw (which is not an instruction); the kernel's
#   message names that slot (insn 2), not the jump (insn 1)
r0 = 0
if r0 == 0 goto +1
r1 = 0x1122334455667788 ll
exit
