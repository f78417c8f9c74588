# type: xdp
# expect: reject pc=1
# kernel: reject pc=1 errno=E2BIG
# kernel-message: BPF program is too large. Processed 1000001 insn
# kernel-stats: processed=1000001 total_states=25001 peak_states=25001 max_states_per_insn=4 stack_depth=0
# what: the counter steps by 2 from 1 and is compared with 100 by '!=': it never stops
r1 = 1
loop:
r1 += 2
if r1 != 100 goto loop
r0 = 2
exit
