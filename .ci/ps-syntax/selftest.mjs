// Self-test of check.mjs, so that it cannot silently pass everything:
//   every file in selftest/bad/ (broken on purpose) must be rejected, exit 1, with a file:line:col report;
//   every file in selftest/good/ (valid PowerShell in this repository's styles) must be accepted, exit 0.
// Run by .ci/run after the repository check. Exit 0 when all expectations hold, 1 otherwise.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const checker = path.join(here, 'check.mjs');
const list = (dir) => readdirSync(path.join(here, 'selftest', dir)).sort().map((f) => path.join(here, 'selftest', dir, f));

const run = (file) => spawnSync(process.execPath, [checker, file], { encoding: 'utf8' });
const failures = [];
const bad = list('bad');
const good = list('good');
if (bad.length === 0 || good.length === 0) failures.push('selftest/bad and selftest/good must both hold files');

for (const file of bad) {
    const r = run(file);
    const name = path.basename(file);
    const located = r.stdout.split('\n').some((l) => l.includes(name) && /:\d+:\d+: /.test(l));
    if (r.status !== 1 || !located) {
        failures.push(`NOT rejected: selftest/bad/${name} (exit ${r.status}): ${(r.stdout + r.stderr).trim()}`);
    }
}
for (const file of good) {
    const r = run(file);
    if (r.status !== 0) failures.push(`NOT accepted: selftest/good/${path.basename(file)} (exit ${r.status}): ${(r.stdout + r.stderr).trim()}`);
}

for (const f of failures) console.log(`ps-syntax selftest: ${f}`);
console.log(`ps-syntax selftest: ${bad.length + good.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
