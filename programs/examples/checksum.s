# Internet-style 16-bit ones' complement checksum over the input memory.
# r1 = pointer to the input bytes, r2 = length (the conformance convention).
# Run: npx bpfbox run programs/examples/checksum.s --mem "45 00 00 1c 00 00 40 00 40 11 00 00 c0 a8 00 01 c0 a8 00 c7"
        r0 = 0
        r3 = r1
        r3 += r2            # end of the input
next_pair:
        r4 = r1
        r4 += 2
        if r4 > r3 goto tail
        r5 = *(u16 *)(r1 + 0)
        r5 = be16 r5        # network byte order
        r0 += r5
        r1 = r4
        goto next_pair
tail:
        if r1 >= r3 goto fold
        r5 = *(u8 *)(r1 + 0)
        r5 <<= 8
        r0 += r5
fold:
        r5 = r0
        r5 >>= 16
        if r5 == 0 goto done
        r0 &= 0xffff
        r0 += r5
        goto fold
done:
        r0 ^= 0xffff
        exit
