// node:url for the browser: file URLs become paths; anything else becomes its pathname.
export function fileURLToPath(u: string | URL): string {
  return new URL(String(u)).pathname;
}
export function pathToFileURL(p: string): URL {
  return new URL(p, 'file:///');
}
export default { fileURLToPath, pathToFileURL };
