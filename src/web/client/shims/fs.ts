// node:fs for the browser: readFileSync serves the files of programs/cf291/ (bundled at build
// time), found by file name. Anything else throws, as a missing file would.
const files = import.meta.glob('../../../../programs/cf291/*', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const byName = new Map<string, string>();
for (const [path, text] of Object.entries(files)) byName.set(path.slice(path.lastIndexOf('/') + 1), text);

export function readFileSync(path: string | URL, _encoding?: unknown): string {
  const p = String(path);
  const name = p.slice(p.lastIndexOf('/') + 1);
  const text = byName.get(name);
  if (text === undefined) throw new Error(`ENOENT: no such file in the web bundle: ${p}`);
  return text;
}

export function statSync(): never {
  throw new Error('statSync is not available in the browser');
}

export function existsSync(path: string): boolean {
  const p = String(path);
  return byName.has(p.slice(p.lastIndexOf('/') + 1));
}

export default { readFileSync, statSync, existsSync };
