// The example programs of programs/, bundled at build time: assembly as text, objects as assets.

const asmFiles = import.meta.glob('../../../programs/{examples,cf291,unsafe}/*.s', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const objFiles = import.meta.glob('../../../programs/c/*.o', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

export interface Example {
  /** Path as in the repository: programs/examples/fib.s */
  path: string;
  group: 'examples' | 'cf291' | 'unsafe' | 'c';
  kind: 'asm' | 'elf';
  text?: string;
  url?: string;
  /** First comment line, for the picker's tooltip. */
  title: string;
}

function repoPath(p: string): string {
  return p.slice(p.indexOf('programs/'));
}

function firstComment(text: string): string {
  for (const line of text.split('\n')) {
    const m = /^\s*[#;]\s?(.*)$/.exec(line);
    if (m && m[1]!.trim() && !/^(type|mem|mem-size|maps):/.test(m[1]!.trim())) return m[1]!.trim();
    if (line.trim() && !m) break;
  }
  return '';
}

export const EXAMPLES: Example[] = [
  ...Object.entries(asmFiles).map(([p, text]): Example => {
    const path = repoPath(p);
    return { path, group: path.split('/')[1] as Example['group'], kind: 'asm', text, title: firstComment(text) };
  }),
  ...Object.entries(objFiles).map(([p, url]): Example => ({ path: repoPath(p), group: 'c', kind: 'elf', url, title: 'clang -target bpf object' })),
].sort((a, b) => a.path.localeCompare(b.path));

export const GROUP_TITLES: Record<Example['group'], string> = {
  examples: 'programs/examples',
  unsafe: 'programs/unsafe (memory-safety bugs)',
  cf291: 'programs/cf291 (content interpreter)',
  c: 'programs/c (compiled objects, .o)',
};

export function exampleByPath(path: string): Example | undefined {
  return EXAMPLES.find((e) => e.path === path);
}

/** Fills a <select> with the examples, grouped. */
export function fillProgramSelect(sel: HTMLSelectElement, filter: (e: Example) => boolean = () => true): void {
  sel.textContent = '';
  for (const g of ['examples', 'unsafe', 'cf291', 'c'] as const) {
    const items = EXAMPLES.filter((e) => e.group === g && filter(e));
    if (!items.length) continue;
    const og = document.createElement('optgroup');
    og.label = GROUP_TITLES[g];
    for (const e of items) {
      const o = document.createElement('option');
      o.value = e.path;
      o.textContent = e.path.slice(e.path.lastIndexOf('/') + 1);
      o.title = e.title;
      og.append(o);
    }
    sel.append(og);
  }
}

export async function objectBytes(e: Example): Promise<Uint8Array> {
  const r = await fetch(e.url!);
  return new Uint8Array(await r.arrayBuffer());
}
