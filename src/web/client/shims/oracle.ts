// src/oracle for the browser: the kernel oracle needs Linux's bpf() system call, which a page
// never has. Only `kernelAvailable` is reached (by src/sim/scenario's checkWithKernel).
export function kernelAvailable(): { ok: false; reason: string } {
  return { ok: false, reason: 'the kernel oracle is not available in a web browser' };
}
export function kernelVerify(): never {
  throw new Error('the kernel oracle is not available in a web browser');
}
