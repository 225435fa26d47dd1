#!/usr/bin/env node
// Lays out the publishable package of one library in dist/<projectRoot>/ (the
// `package` target; `nx release publish` publishes that folder).
//
// The workspace's package.json carries an `@jobq/source` export condition that
// points at ./src/index.ts, so that tools inside the monorepo read sources
// (tsconfig.base.json `customConditions`). A consumer has no use for it, so the
// staged package.json drops it, together with the `nx` block. The sources are
// shipped next to dist/ so that the source maps and declaration maps resolve
// (stack traces and "go to definition" land in TypeScript); build outputs whose
// source no longer exists (left in dist/ by an earlier build) are left out. The
// script then checks that every path the package.json names and every source a
// map names exists in the staged folder, and fails otherwise.
//
// Usage: node scripts/stage-package.cjs libs/job-defs
const fs = require('node:fs');
const path = require('node:path');

const workspaceRoot = path.resolve(__dirname, '..');
const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: stage-package.cjs <projectRoot>');
  process.exit(2);
}
const from = path.join(workspaceRoot, projectRoot);
const to = path.join(workspaceRoot, 'dist', projectRoot);

/** Files that never go into a published package. */
const excluded = (file) => /\.tsbuildinfo$|\.spec\.ts$|\.test-d\.ts$/.test(file);

fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });

/** The source a built file came from (dist/lib/x.js, .d.ts, .js.map, .d.ts.map -> src/lib/x.ts). */
const sourceOf = (built) =>
  path.join(from, 'src', path.relative(path.join(from, 'dist'), built).replace(/(\.d)?\.(js|ts)(\.map)?$/, '.ts'));
const stale = [];
for (const dir of ['dist', 'src']) {
  if (!fs.existsSync(path.join(from, dir))) throw new Error(`${projectRoot}/${dir} is missing (build the project first)`);
  fs.cpSync(path.join(from, dir), path.join(to, dir), {
    recursive: true,
    filter: (file) => {
      if (excluded(file)) return false;
      // Outputs of sources deleted since an earlier build (tsc -b leaves them) are not shipped.
      if (dir === 'dist' && fs.statSync(file).isFile() && !fs.existsSync(sourceOf(file))) {
        stale.push(path.relative(from, file));
        return false;
      }
      return true;
    },
  });
}
if (stale.length > 0) console.warn(`left out ${stale.length} stale build outputs without a source: ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}`);
for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) {
  if (fs.existsSync(path.join(from, file))) fs.copyFileSync(path.join(from, file), path.join(to, file));
  else if (file !== 'CHANGELOG.md') throw new Error(`${projectRoot}/${file} is missing: every published package ships one`);
}

const pkg = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8'));
delete pkg.nx;
delete pkg.devDependencies;
delete pkg.scripts;
for (const entry of Object.values(pkg.exports ?? {})) {
  if (entry && typeof entry === 'object') delete entry['@jobq/source'];
}
pkg.files = ['dist', 'src'];
fs.writeFileSync(path.join(to, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

// ---- self-check: nothing in the package points at a file that is not in it ----
const problems = [];
const mustExist = (rel, what) => {
  if (!fs.existsSync(path.join(to, rel))) problems.push(`${what} -> ${rel} (missing)`);
};
const exportTargets = (value) =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(exportTargets) : [];
for (const field of ['main', 'types', 'typings']) if (pkg[field]) mustExist(pkg[field], field);
for (const target of exportTargets(pkg.exports)) mustExist(target, 'exports');
if (JSON.stringify(pkg).includes('@jobq/source')) problems.push('package.json still names the @jobq/source condition');
for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
  if (name.startsWith('@jobq/') && !/^[\^~]?\d+\.\d+\.\d+/.test(range)) problems.push(`dependency ${name} has no version range ("${range}")`);
}

const walk = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
for (const file of walk(path.join(to, 'dist'))) {
  if (file.endsWith('.map')) {
    const map = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const source of map.sources ?? []) {
      const resolved = path.resolve(path.dirname(file), map.sourceRoot ?? '', source);
      if (!resolved.startsWith(to + path.sep) || !fs.existsSync(resolved)) {
        problems.push(`${path.relative(to, file)} -> ${source} (not in the package)`);
      }
    }
  } else if (/\.(js|d\.ts)$/.test(file)) {
    const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(fs.readFileSync(file, 'utf8'));
    if (m && !fs.existsSync(path.resolve(path.dirname(file), m[1]))) problems.push(`${path.relative(to, file)} -> ${m[1]} (missing map)`);
  }
}
if (problems.length > 0) {
  console.error(`${pkg.name}: the staged package points at files it does not ship:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`${pkg.name}@${pkg.version} staged in ${path.relative(workspaceRoot, to)}`);
