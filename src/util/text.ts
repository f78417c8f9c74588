// Small text helpers shared by the terminal formatters.

/** Splits `text` at spaces into lines of at most `width` characters (a longer word gets its own line). */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/)) {
    if (line && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(line);
  return out.length > 0 ? out : [''];
}
