# type: kprobe
# expect: reject pc=3
# kernel: reject pc=3 errno=EINVAL
# kernel-message: invalid write to stack R1 off=-16 size=32
# kernel-stats: processed=4 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=0
# what: bpf_get_current_comm of 32 bytes into a 16-byte stack region at fp-16
r1 = r10
r1 += -16
r2 = 32
call 16
r0 = 0
exit
