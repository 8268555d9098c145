/**
 * cfn-lint's findings are kept by the template, the region and the program: an unchanged template
 * is linted once, a changed one again, and one with errors is never kept. The real cfn-lint runs,
 * through a wrapper on PATH that counts its runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEnviron } from '../../../src/core/environ.js';
import { buildTemplate } from '../../../src/core/formations/index.js';
import { lintCacheFile, lintTemplate } from '../../../src/core/formations/lint.js';
import { copyProject, ROOT } from '../../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fragctl-lint-cache-'));
const runs = join(dir, 'runs.log');
writeFileSync(join(dir, 'cfn-lint'), `#!/bin/sh\necho run >> '${runs}'\nexec '${join(ROOT, '.venv', 'bin', 'cfn-lint')}' "$@"\n`, {
  mode: 0o755,
});
const counted = <T>(fn: () => Promise<T>) => withEnviron({ ...process.env, PATH: `${dir}:${process.env.PATH}` }, ROOT, fn);
const count = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);
// A small valid template where any will do: cfn-lint takes about half the CPU it takes on the project's.
const SMALL = { Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } };

describe('cfn-lint findings kept by template', () => {
  it('an unchanged template is linted once; a change, or another region, is linted again', async () => {
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'fragctl-linted-')), 'linted.json');
    const template = SMALL;
    const before = count();
    const first = await counted(() => lintTemplate(template, 'us-east-1', { cacheFile }));
    const again = await counted(() => lintTemplate(template, 'us-east-1', { cacheFile }));
    assert.equal(count() - before, 1, 'the second lint came from the cache');
    assert.deepEqual(again, first);
    assert.equal(first.checker, 'cfn-lint');
    await counted(() => lintTemplate({ ...template, Description: 'changed' }, 'us-east-1', { cacheFile }));
    await counted(() => lintTemplate(template, 'eu-west-1', { cacheFile }));
    assert.equal(count() - before, 3);
    await counted(() => lintTemplate(template, 'us-east-1'));
    assert.equal(count() - before, 4, 'without a cache file it always runs');
  });

  it("the findings live in the user's cache, so another clone of the project is not linted again", async () => {
    const cache = mkdtempSync(join(tmpdir(), 'fragctl-xdg-'));
    const inCache = <T>(fn: () => Promise<T>) =>
      withEnviron({ ...process.env, PATH: `${dir}:${process.env.PATH}`, XDG_CACHE_HOME: cache }, ROOT, fn);
    assert.equal(withEnviron({ XDG_CACHE_HOME: cache }, ROOT, lintCacheFile), join(cache, 'fragctl', 'linted.json'));
    assert.equal(withEnviron({}, ROOT, lintCacheFile), join(homedir(), '.cache', 'fragctl', 'linted.json'));
    const before = count();
    const one = await inCache(() => lintTemplate(buildTemplate(copyProject()), 'us-east-1', { cacheFile: lintCacheFile() }));
    const other = await inCache(() => lintTemplate(buildTemplate(copyProject()), 'us-east-1', { cacheFile: lintCacheFile() }));
    assert.equal(count() - before, 1, 'the second clone was served from the cache');
    assert.deepEqual(other, one);
    assert.ok(existsSync(join(cache, 'fragctl', 'linted.json')));
  });

  it('a cache that cannot be written is skipped: the findings still come, nothing is thrown', async () => {
    const notAFolder = join(mkdtempSync(join(tmpdir(), 'fragctl-xdg-')), 'a-file');
    writeFileSync(notAFolder, '');
    const cacheFile = withEnviron({ XDG_CACHE_HOME: notAFolder }, ROOT, lintCacheFile);
    const template = SMALL;
    const before = count();
    const first = await counted(() => lintTemplate(template, 'us-east-1', { cacheFile }));
    assert.equal(first.checker, 'cfn-lint');
    assert.deepEqual(first.errors, []);
    assert.equal(existsSync(cacheFile), false);
    assert.equal(count() - before, 1);
  });

  it('the .cfnlintrc cfn-lint reads is part of the key; one naming other files turns the cache off', async () => {
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'fragctl-linted-')), 'linted.json');
    const project = mkdtempSync(join(tmpdir(), 'fragctl-cfnlintrc-'));
    const inProject = <T>(fn: () => Promise<T>) => withEnviron({ ...process.env, PATH: `${dir}:${process.env.PATH}` }, project, fn);
    const unusedParameter = { Parameters: { Unused: { Type: 'String' } }, Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } };
    const lint = () => inProject(() => lintTemplate(unusedParameter, 'us-east-1', { cacheFile }));
    const before = count();
    assert.match((await lint()).warnings.join('\n'), /^W2001 /m, 'cfn-lint warns of the unused parameter');
    await lint();
    assert.equal(count() - before, 1, 'unchanged: from the cache');

    writeFileSync(join(project, '.cfnlintrc'), 'ignore_checks:\n  - W2001\n');
    const configured = await lint();
    assert.equal(count() - before, 2, 'a new .cfnlintrc: linted again');
    assert.deepEqual(configured.warnings, [], 'cfn-lint read the .cfnlintrc of the working directory');
    await lint();
    assert.equal(count() - before, 2);

    // A .cfnlintrc cfn-lint refuses: the failure names it.
    writeFileSync(join(project, '.cfnlintrc'), 'ignore_check:\n  - W2001\n');
    await assert.rejects(lint(), (e: Error & { hint?: string }) => {
      assert.match(e.message, /Invalid configuration key 'ignore_check'/);
      assert.match(e.hint ?? '', /cfn-lint read \.cfnlintrc: check it/);
      return true;
    });

    writeFileSync(join(project, '.cfnlintrc'), `ignore_checks:\n  - W2001\nappend_rules:\n  - ${project}/rules\n`);
    await lint().catch(() => undefined); // the rules folder is missing: what cfn-lint says is not the point
    await lint().catch(() => undefined);
    assert.equal(count() - before, 5, 'rules named in .cfnlintrc: never served from the cache');
  });

  it('a template with errors is never kept', async () => {
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'fragctl-linted-')), 'linted.json');
    const broken = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { NoSuchProperty: 1 } } } };
    const before = count();
    const first = await counted(() => lintTemplate(broken, 'us-east-1', { cacheFile }));
    assert.ok(first.errors.length > 0, 'cfn-lint found the unknown property');
    await counted(() => lintTemplate(broken, 'us-east-1', { cacheFile }));
    assert.equal(count() - before, 2);
    assert.equal(existsSync(cacheFile), false);
  });
});
