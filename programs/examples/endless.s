# A loop that never ends: the instruction budget (--max-insns, default 1,000,000) stops it.
        r0 = 0
spin:
        r0 += 1
        goto spin
