// `bpfbox web`: serves the built page (dist/webapp, made by `npm run build:web`) on a local port.
// A plain node:http static server; every computation happens in the browser. When the assets are
// missing (a clean clone that skipped the build), the first run builds them with Vite if it is
// installed, and otherwise says how to build them.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebServerOptions {
  /** Port (default 8080; 0 = any free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1: only this machine). */
  host?: string;
  /** Open the page in a browser (xdg-open / open / start when available). */
  open?: boolean;
  /** Directory of the built page (default: dist/webapp of the package). */
  root?: string;
  /** Build the page first when it is missing (default true). */
  buildIfMissing?: boolean;
  /** Where messages go (default console.error). */
  log?: (line: string) => void;
}

export interface WebServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  readonly root: string;
  close(): Promise<void>;
}

/** The package's root directory (the one with package.json), from this module's place. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '../..');
}

/** dist/webapp of the package. */
export function defaultWebRoot(): string {
  return join(packageRoot(), 'dist', 'webapp');
}

/** Builds the page with Vite (a dev dependency) into dist/webapp. */
export async function buildWebAssets(log: (line: string) => void = (l) => console.error(l)): Promise<string> {
  const root = packageRoot();
  const config = join(root, 'src', 'web', 'vite.config.ts');
  if (!existsSync(config)) throw new Error(`cannot build the web page: ${config} is missing (an installed package ships dist/webapp prebuilt)`);
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('cannot build the web page: vite is not installed (run `npm ci`, then `npm run build:web`)');
  }
  log('bpfbox web: building the page (first run)...');
  await vite.build({ configFile: config, logLevel: 'warn' });
  return defaultWebRoot();
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.o': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

function handler(root: string) {
  const rootAbs = resolve(root);
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('bad request\n');
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(rootAbs, path));
    if (file !== rootAbs && !file.startsWith(rootAbs + sep)) {
      res.writeHead(403).end('forbidden\n');
      return;
    }
    let body: Buffer;
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** Opens a URL in the desktop's browser when a launcher exists; never fails. */
export function openInBrowser(url: string, log: (line: string) => void): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => log(`bpfbox web: could not start ${cmd}; open ${url} yourself`));
    child.unref();
  } catch {
    log(`bpfbox web: could not start ${cmd}; open ${url} yourself`);
  }
}

/** Starts the server; rejects with a clear message when the port is taken or the page is missing. */
export async function startWebServer(opts: WebServerOptions = {}): Promise<WebServer> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 8080;
  let root = opts.root ?? defaultWebRoot();
  if (!existsSync(join(root, 'index.html'))) {
    if (opts.buildIfMissing === false || opts.root !== undefined) {
      throw new Error(`the web page is not built: ${join(root, 'index.html')} is missing (run \`npm run build:web\`)`);
    }
    root = await buildWebAssets(log);
  }
  const server = createServer(handler(root));
  await new Promise<void>((ok, fail) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      if (e.code === 'EADDRINUSE') fail(new Error(`port ${port} on ${host} is already in use: choose another with --port`));
      else if (e.code === 'EACCES') fail(new Error(`no permission to listen on port ${port} (ports below 1024 need privileges): choose another with --port`));
      else if (e.code === 'EADDRNOTAVAIL') fail(new Error(`cannot listen on ${host}: no such local address (--host)`));
      else fail(e);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      ok();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shown}:${actual}/`;
  if (opts.open) openInBrowser(url, log);
  return {
    server, url, port: actual, root,
    close: () => new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    }),
  };
}

/**
 * `bpfbox web [--port 8080] [--host 127.0.0.1] [--open]`: serves until SIGINT/SIGTERM, then shuts
 * down cleanly. Returns the exit code (0 after a clean shutdown, 1 when the server cannot start).
 */
export async function webCommand(opts: { port?: number; open?: boolean; host?: string }): Promise<number> {
  let web: WebServer;
  try {
    web = await startWebServer({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1', open: opts.open ?? false });
  } catch (e) {
    console.error(`bpfbox web: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  console.log(`bpfbox web: serving ${web.url} (Ctrl-C to stop)`);
  return new Promise<number>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void web.close().then(() => {
        console.error('bpfbox web: stopped');
        done(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
