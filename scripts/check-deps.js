#!/usr/bin/env node
// Checks the architecture the packages promise (docs/architecture.md): which package may import which,
// who may touch crypto or storage libraries, and that no package has an import cycle.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

/**
 * Allowed @sealroom/* imports per package (protocol ← mls ← client ← {proxy, cli}; protocol ← mls ← server;
 * protocol ← web). The relay uses mls only to decode public MLS framing (commit-inspection.ts); it never
 * holds keys — docs/architecture.md, "The relay reads public MLS framing".
 */
const allowed = {
  protocol: [],
  mls: ['protocol'],
  client: ['protocol', 'mls'],
  server: ['protocol', 'mls'],
  proxy: ['protocol', 'client'],
  web: ['protocol'],
  cli: ['protocol', 'client', 'server', 'proxy'],
};
/** External modules only some packages may import. */
const restricted = [
  { pattern: /^(ts-mls|@hpke\/|@noble\/)/, only: ['mls'], why: 'only packages/mls talks to the MLS and crypto libraries' },
  { pattern: /^better-sqlite3(-multiple-ciphers)?$|^pg$/, only: ['server', 'proxy'], why: 'storage drivers belong to server and proxy' },
  { pattern: /^socket\.io-client$/, only: ['client', 'cli', 'web'], why: 'only client, cli and web open socket.io connections' },
  { pattern: /^(node:)?crypto$/, only: ['mls', 'client', 'proxy', 'server'], why: 'the web UI never does crypto' },
];
/** The untrusted relay may use node:crypto only to make challenges and verify device signatures. */
const serverCryptoFiles = new Set(['packages/server/src/ed25519-verify.ts', 'packages/server/src/connection.ts', 'packages/server/src/session-handlers.ts']);
/** The relay reads public MLS framing in one place only; keys and group state never reach it. */
const serverMlsFiles = new Set(['packages/server/src/external-commit-check.ts', 'packages/server/src/framing-check.ts']);

const errors = [];
const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx)$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

for (const pkg of Object.keys(allowed)) {
  const src = join(root, 'packages', pkg, 'src');
  const graph = new Map();
  for (const f of files(src)) {
    const rel = relative(root, f);
    const text = readFileSync(f, 'utf8');
    const edges = [];
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec) continue;
      if (spec.startsWith('@sealroom/')) {
        const dep = spec.slice('@sealroom/'.length).split('/')[0];
        if (!allowed[pkg].includes(dep)) errors.push(`${rel}: ${pkg} must not import @sealroom/${dep}`);
        if (pkg === 'server' && dep === 'mls' && !serverMlsFiles.has(rel))
          errors.push(`${rel}: the relay may decode MLS framing only in ${[...serverMlsFiles].join(', ')}`);
      } else if (spec.startsWith('.')) {
        edges.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
      } else {
        for (const r of restricted) {
          if (r.pattern.test(spec) && !r.only.includes(pkg)) errors.push(`${rel}: imports ${spec} — ${r.why}`);
        }
        if (pkg === 'server' && /^(node:)?crypto$/.test(spec) && !serverCryptoFiles.has(rel))
          errors.push(`${rel}: the relay may use node:crypto only for challenges and signature checks`);
      }
    }
    graph.set(resolve(f), edges);
  }
  // Cycle check (depth-first, three colours).
  const colour = new Map();
  const visit = (n, path) => {
    colour.set(n, 'grey');
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) {
        const alt = m.replace(/\.ts$/, '.tsx');
        if (graph.has(alt)) m = alt;
        else continue;
      }
      if (colour.get(m) === 'grey') errors.push(`import cycle: ${[...path, m].map((p) => relative(root, p)).join(' → ')}`);
      else if (!colour.has(m)) visit(m, [...path, m]);
    }
    colour.set(n, 'black');
  };
  for (const n of graph.keys()) if (!colour.has(n)) visit(n, [n]);
}

if (errors.length) {
  for (const e of errors) console.error(`check-deps: ${e}`);
  process.exit(1);
}
console.log('check-deps: dependency directions, restricted imports and import cycles OK');
