// linkedom for the browser: the page already has a DOM.
export function parseHTML(html: string): { document: Document; window: Window } {
  const doc = document.implementation.createHTMLDocument('');
  doc.documentElement.innerHTML = html.replace(/^<!DOCTYPE html>/i, '');
  return { document: doc, window };
}
export default { parseHTML };
