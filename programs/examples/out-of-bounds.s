# Reads 8 bytes past the end of its input. In the sandbox this stops with a fault value;
# the host process carries on. (A kernel driver would read whatever lies next in memory.)
# Run: npx bpfbox run programs/examples/out-of-bounds.s --mem "01 02 03 04"
        r0 = *(u64 *)(r1 + 8)
        exit
