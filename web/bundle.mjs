// Turns wasm-bindgen's output into the served bundle: content-hashed names under
// assets/, an index.html that names them, and gzip and brotli copies of each text and
// wasm file. Usage: node web/bundle.mjs <wasm-bindgen out dir> <dist dir>
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: node web/bundle.mjs <wasm-bindgen out dir> <dist dir>');
  process.exit(2);
}
const here = new URL('.', import.meta.url).pathname;
const hash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

rmSync(to, { recursive: true, force: true });
mkdirSync(join(to, 'assets'), { recursive: true });

/** Copies `file` into assets/ under a name carrying its content hash. */
const hashed = (file, name = basename(file)) => {
  const bytes = readFileSync(file);
  const ext = extname(name);
  const out = `${basename(name, ext)}-${hash(bytes)}${ext}`;
  writeFileSync(join(to, 'assets', out), bytes);
  return `/assets/${out}`;
};

// The JS glue imports its snippets by relative path, so they sit beside it.
const snippets = join(from, 'snippets');
try {
  if (statSync(snippets).isDirectory()) cpSync(snippets, join(to, 'assets', 'snippets'), { recursive: true });
} catch { /* no snippets */ }

const wasm = hashed(join(from, 'web_bg.wasm'));
const script = hashed(join(from, 'web.js'));
const style = hashed(join(here, 'style.css'));
const index = readFileSync(join(here, 'index.html'), 'utf8')
  .replaceAll('{{wasm}}', wasm)
  .replaceAll('{{script}}', script)
  .replaceAll('{{style}}', style);
writeFileSync(join(to, 'index.html'), index);

// The installable app: the manifest and icons at fixed names (the manifest is found by
// its link, the icons by the manifest), and a service worker that precaches exactly this
// bundle's shell; its version changes whenever the bundle does.
cpSync(join(here, 'manifest.webmanifest'), join(to, 'manifest.webmanifest'));
mkdirSync(join(to, 'icons'));
for (const icon of ['icon-192.png', 'icon-512.png']) cpSync(join(here, 'icons', icon), join(to, 'icons', icon));
const shell = ['/', wasm, script, style, '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png'];
const workerSource = readFileSync(join(here, 'sw.js'), 'utf8');
const worker = workerSource
  .replace('{{version}}', hash(Buffer.from(index + workerSource)))
  .replace('{{precache}}', JSON.stringify(shell));
writeFileSync(join(to, 'sw.js'), worker);

const compressible = new Set(['.html', '.js', '.css', '.wasm', '.json', '.svg', '.webmanifest']);
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
  entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]);
let shipped = 0;
for (const file of walk(to)) {
  if (!compressible.has(extname(file))) continue;
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(`${file}.gz`, gz);
  writeFileSync(`${file}.br`, brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  if (extname(file) === '.wasm' || extname(file) === '.js') shipped += gz.length;
}
console.log(`web bundle: ${to} (wasm and JS, gzipped: ${(shipped / 1024).toFixed(1)} KiB)`);
