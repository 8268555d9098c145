/**
 * Secrets by value and by shape, end to end with real Ansible over SSH: a plain `db_pass:` and a
 * plain `password:` in group_vars/all.yml, and an argument carrying a URL password and a
 * `password=` query value. None of them may appear in stdout, stderr (Ansible's stream and
 * --verbose included), .fragctl/runs.jsonl, or any file left under .fragctl/ or the temporary
 * directory. The record file starts corrupt (garbage and a torn line): every new record parses.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject, fragctl } from '../../helpers/cli.js';
import { freePort } from '../../helpers/moto.js';
import { startSshHosts, type SshHosts } from '../../helpers/ssh-hosts.js';
import { DEMO_VAULT_PASSWORD, filesUnder, labProject } from './lab.js';

const VAULT = { FRAGCTL_VAULT_PASSWORD: DEMO_VAULT_PASSWORD };
const DB_PASS = 'plain-db-pass-4711';
const PASSWORD = 'plain-setting-pw-0815';
const URL_PW = 'url-pw-31337';
const QUERY_PW = 'query-pw-2718';
const SECRETS = [DB_PASS, PASSWORD, URL_PW, QUERY_PW];

const leaks = (text: string): string[] => SECRETS.filter((s) => text.includes(s));

/** Regular files under dir changed since `since` (ms; symlinks not followed), skipping the paths in `skip`. */
function filesSince(dir: string, since: number, skip: string[]): string[] {
  const r = spawnSync('find', [dir, '-xdev', '-type', 'f', '-newermt', `@${Math.floor(since / 1000)}`], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return r.stdout.split('\n').filter((f) => f && !skip.some((s) => f.startsWith(s)));
}

describe('secrets never leave fragctl', () => {
  let ssh: SshHosts;
  before(async () => {
    ssh = await startSshHosts(1);
  });
  after(async () => ssh?.stop());

  it('plain secrets in all.yml and a password in an argument: masked in every stream, record and file', async () => {
    const started = Date.now() - 1000;
    const dir = labProject(ssh, [{ name: 'web1', groups: ['app'] }]);
    appendFileSync(join(dir, 'playbooks', 'group_vars', 'all.yml'), `db_pass: ${DB_PASS}\npassword: ${PASSWORD}\n`);
    writeFileSync(
      join(dir, 'playbooks', 'tasks', 'echo.yml'),
      [
        '- name: Echo the settings',
        '  hosts: app',
        '  gather_facts: false',
        '  tasks:',
        '    - name: Print them',
        '      ansible.builtin.debug:',
        '        msg: "value is {{ password }} / {{ db_pass }} / origin {{ origin_url }}"',
        '    - name: Run a command with it',
        '      ansible.builtin.command: echo {{ password }} {{ origin_url }}',
        '      changed_when: false',
        '',
      ].join('\n'),
    );
    appendFileSync(
      join(dir, 'playbooks', 'tasks', 'tasks.yml'),
      'echo:\n  playbook: tasks/echo.yml\n  description: Echo settings\n  destructive: false\n  groups: [app]\n',
    );
    // A corrupt record file: garbage, then a torn record with no newline.
    mkdirSync(join(dir, '.fragctl'), { recursive: true });
    const runs = join(dir, '.fragctl', 'runs.jsonl');
    writeFileSync(runs, 'garbage\n{"id":"torn","env":"lab","verb":"dep');
    const linesBefore = readFileSync(runs, 'utf8').split('\n').length;

    const config = await fragctl(['lab', 'config', '--project-dir', dir], { env: VAULT });
    assert.equal(config.code, 0, config.stderr);
    assert.deepEqual(leaks(config.stdout + config.stderr), []);
    assert.match(config.stdout, /db_pass: '?\*{8}'?/);
    assert.match(config.stderr, /playbooks\/group_vars\/all\.yml: db_pass looks like a secret written in plain text.*belongs in the vault/);
    assert.match(config.stderr, /all\.yml: password looks like a secret/);

    const origin = `s3://loader:${URL_PW}@bucket/data?region=eu&password=${QUERY_PW}`;
    const r = await fragctl(['lab', 'run', 'echo', '-e', `origin_url=${origin}`, '--verbose', '--project-dir', dir], { env: VAULT });
    assert.equal(r.code, 0, r.stderr);
    // Ansible's stream did carry the values: masked, not missing
    assert.match(r.stderr, /value is \*{8} \/ \*{8} \/ origin s3:\/\/loader:\*{8}@bucket\/data\?region=eu&password=\*{8}/);
    assert.deepEqual(leaks(r.stdout), []);
    assert.deepEqual(leaks(r.stderr), []);

    // Records: the torn line stays apart, the two new records (start, end) and config's none parse.
    const lines = readFileSync(runs, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(linesBefore - 1);
    const parsed = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as { verb: string; outcome: string; args: string[] }];
      } catch {
        return [];
      }
    });
    assert.equal(parsed.length, 2, lines.join('\n'));
    assert.deepEqual(
      parsed.map((p) => `${p.verb}:${p.outcome}`),
      ['run:running', 'run:succeeded'],
    );
    assert.ok(
      parsed[1]!.args.some((a) => a.includes('s3://loader:********@bucket')),
      JSON.stringify(parsed[1]!.args),
    );
    assert.deepEqual(leaks(readFileSync(runs, 'utf8')), []);

    // Files: everything under .fragctl/, and whatever changed in the temporary directory during the run
    // (not the project's own inputs, what the test hosts received on purpose, or tsx's cache of this very file).
    const files = [
      ...filesUnder(join(dir, '.fragctl')).map((f) => join(dir, '.fragctl', f)),
      ...filesSince(tmpdir(), started, [join(dir, 'playbooks'), join(dir, 'environments'), ssh.dir, join(tmpdir(), 'tsx-')]),
    ];
    assert.ok(files.length >= 2, files.join('\n')); // runs.jsonl and known_hosts at least
    const leaking = files.filter((f) => {
      try {
        return leaks(readFileSync(f, 'latin1')).length > 0;
      } catch {
        return false;
      }
    });
    assert.deepEqual(leaking, []);
  });

  it('load --origin with a URL password (kube verb): not in the output nor in runs.jsonl, even when the cluster is down', async () => {
    const dir = copyProject();
    const port = await freePort(); // nothing listens there: connection refused on loopback
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: x',
        `clusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        'users: [{name: u, user: {token: not-a-secret-token}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'environments', 'kload.yml'),
      `platform: kubernetes\nkubernetes:\n  kubeconfig: ${kubeconfig}\n  tag: latest-1\n  verify_image: false\n`,
    );
    const origin = `s3://loader:${URL_PW}@bucket/data?password=${QUERY_PW}`;
    const r = await fragctl(['kload', 'load', '--origin', origin, '--verbose', '--project-dir', dir]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /127\.0\.0\.1/); // it did try, and said so
    assert.deepEqual(leaks(r.stdout + r.stderr), []);
    const records = readFileSync(join(dir, '.fragctl', 'runs.jsonl'), 'utf8');
    assert.deepEqual(leaks(records), []);
    const last = JSON.parse(records.trim().split('\n').at(-1)!) as { verb: string; args: string[] };
    assert.equal(last.verb, 'load');
    assert.ok(last.args.includes('s3://loader:********@bucket/data?password=********'), JSON.stringify(last.args));
    const leaking = filesUnder(join(dir, '.fragctl')).filter((f) => leaks(readFileSync(join(dir, '.fragctl', f), 'latin1')).length);
    assert.deepEqual(leaking, []);
  });
});
