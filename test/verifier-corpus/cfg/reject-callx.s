# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=EINVAL
# kernel-message: unknown opcode 8d
# kernel-stats: processed=0 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: callx (an indirect call, opcode 0x8d) is not accepted by the kernel's verifier
r1 = 0
callx r1
r0 = 0
exit
