// The page's sources are browser code bundled by Vite. These references let them type-check both
// with src/web/tsconfig.json and, until the root tsconfig excludes src/web/client, with the root one.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference types="vite/client" />
