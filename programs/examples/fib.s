# Fibonacci: r0 = fib(50) = 12586269025, computed with a bounded loop.
# Run: npx bpfbox run programs/examples/fib.s
        r0 = 0              # fib(i)
        r1 = 1              # fib(i+1)
        r2 = 50             # iterations left
loop:
        r3 = r0
        r3 += r1
        r0 = r1
        r1 = r3
        r2 -= 1
        if r2 != 0 goto loop
        exit
