# type: kprobe
# expect: accept
# kernel: accept
# kernel-stats: processed=7 total_states=0 peak_states=0 max_states_per_insn=0 stack_depth=8
# what: bpf_probe_read_kernel of 8 bytes from the address in pt_regs->si
r3 = *(u64 *)(r1 + 104)
r1 = r10
r1 += -8
r2 = 8
call 113
r0 = *(u64 *)(r10 - 8)
exit
