# type: raw
# mem-size: 16
# what: a loop that never ends. Driver mode: the watchdog reports a soft lockup, the machine is
#   unusable. Sandbox: the verifier rejects the program at load (infinite loop detected).
r0 = 0
loop:
r0 = 1
goto loop
