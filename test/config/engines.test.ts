import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};

describe('the Node versions the package says it runs on', () => {
  it('every installed package supports the oldest Node eightball supports (npm install warns of none)', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    // the README says Node 20: the oldest 20.x npm ships on today's machines is what installs see
    assert.equal(semver.major(oldest), 20);
    const refuse = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node)
      .filter(([, p]) => !semver.satisfies('20.19.0', (p.engines as { node: string }).node))
      .map(
        ([path, p]) =>
          `${path.replace(/^.*node_modules\//, '')} wants node ${(p.engines as { node: string }).node}`,
      );
    assert.deepEqual(refuse, []);
  });
});
