/**
 * The top of a `node --cpu-prof` profile: self time by function, and by where the code lives
 * (this project's files, each dependency, Node's internals), so a bench run can say where
 * the gateway's CPU went.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './children.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): { file: string; area: string } {
  if (url === '') return { file: '(native)', area: '(native code, GC)' };
  if (url.startsWith('node:')) return { file: url, area: 'node internals' };
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + '/node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? '?');
    return { file: `${name}/${rest.slice(name.split('/').length).join('/')}`, area: name };
  }
  const file = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  return { file, area: file.split('/').slice(0, 2).join('/') };
}

/**
 * A text summary of the main-thread `.cpuprofile`s in `dir` (Node names them
 * `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`): the `top` entries by self time, each
 * profile titled by `names` (pid → process name) when given.
 */
export function summarizeProfiles(dir: string, top: number, names: ReadonlyMap<number, string> = new Map()): string {
  const files = readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const out: string[] = [];
  for (const name of files) {
    const pid = Number(name.split('.')[3]);
    const title = names.get(pid) ?? `pid ${pid}`;
    const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    let totalUs = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
      totalUs += dt;
    });
    const byFunction = new Map<string, number>();
    const byArea = new Map<string, number>();
    for (const [id, us] of selfUs) {
      const node = byId.get(id);
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const { file, area } = where(url);
      const label =
        url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
      byFunction.set(label, (byFunction.get(label) ?? 0) + us);
      if (label !== '(idle)') byArea.set(area, (byArea.get(area) ?? 0) + us);
    }
    const busyUs = totalUs - (byFunction.get('(idle)') ?? 0);
    const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
    const sorted = (m: Map<string, number>) => [...m].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
    out.push(
      `CPU profile of the ${title} (${join(dir, name)}): ${(busyUs / 1e6).toFixed(1)} s busy of ${(totalUs / 1e6).toFixed(1)} s`,
      '  self time by function (share of busy time):',
      ...sorted(byFunction)
        .slice(0, top)
        .map(([label, us]) => `    ${pct(us)}  ${label}`),
      '  self time by area:',
      ...sorted(byArea)
        .slice(0, 15)
        .map(([label, us]) => `    ${pct(us)}  ${label}`),
    );
  }
  return out.join('\n');
}

// `node --import tsx test/load/profile.ts <dir> [top]`: the same summary for profiles kept from a run.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [dir, top] = process.argv.slice(2);
  if (!dir) throw new Error('usage: profile.ts <dir with .cpuprofile files> [top]');
  console.log(summarizeProfiles(dir, Number(top ?? 30)));
}
