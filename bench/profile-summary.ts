// `node --import tsx bench/profile-summary.ts FILE.cpuprofile [TOP]`: self time by function and by file of a
// V8 CPU profile (from SEALROOM_BENCH_CPU_PROF=DIR npm run bench …), to say where a part's time goes.
import { readFileSync } from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.ts FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
// Shares are of busy time: a worker waiting for the network is idle, and that is not its cost.
const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
for (const id of idle) self.delete(id);
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id);
  if (!n) continue;
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/(node_modules|packages)\//, '$1/');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  const f = url.replace(/\/[^/]*$/, '') || n.callFrame.functionName;
  files.set(f, (files.get(f) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title} (busy ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
};
show('self time by function', fn);
show('self time by directory', files);
