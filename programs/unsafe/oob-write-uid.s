# type: raw
# mem-size: 64
# what: writes 0 over the uid of the credentials in front of the buffer: privilege escalation.
#   Driver mode: silent corruption (nothing validates the uid), the machine keeps running with
#   a forged token. Sandbox: rejected at load.
*(u32 *)(r1 - 72) = 0
r0 = 0
exit
