// A minimal `process` for library code that runs in the browser (src/verifier measures its time
// with process.hrtime.bigint()). Imported first by the page's entry and by the worker.
type ProcessLike = { hrtime: { bigint(): bigint }; env: Record<string, string | undefined>; stderr?: unknown };
const g = globalThis as unknown as { process?: ProcessLike };
if (typeof g.process === 'undefined') {
  g.process = {
    hrtime: { bigint: () => BigInt(Math.round(performance.now() * 1e6)) },
    env: {},
  };
}
export {};
