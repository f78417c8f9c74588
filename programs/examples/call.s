# bpf-to-bpf calls: each call gets its own 512-byte stack frame; r6-r9 survive calls.
# square_sum(a, b) = a*a + b*b, called twice. r0 = square_sum(3, 4) + square_sum(5, 12) = 25 + 169 = 194
        r1 = 3
        r2 = 4
        call square_sum
        r6 = r0             # callee-saved: survives the next call
        r1 = 5
        r2 = 12
        call square_sum
        r0 += r6
        exit
square_sum:
        r1 *= r1
        r2 *= r2
        r1 += r2
        *(u64 *)(r10 - 8) = r1    # spill to this frame's stack
        r0 = *(u64 *)(r10 - 8)
        exit
