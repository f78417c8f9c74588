# type: xdp
# expect: reject pc=3
# kernel: reject pc=3 errno=E2BIG
# kernel-message: BPF program is too large. Processed 1000001 insn
# kernel-stats: processed=1000001 total_states=25001 peak_states=25001 max_states_per_insn=4 stack_depth=0
# what: a count-down from an unknown 64-bit value never converges: the walk exceeds the limit of
#   1,000,000 processed instructions (the error is reported where the walk stopped)
call 5
r1 = r0
loop:
r1 -= 1
if r1 != 0 goto loop
r0 = 2
exit
