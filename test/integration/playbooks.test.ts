/**
 * The reference project's Ansible content, run by the real ansible-playbook (.venv) against local
 * "hosts": each host is ansible_connection=local with its own deploy_root and fragctl_sandbox=true,
 * so what every host received is checked on disk. The playbooks run from a private copy of playbooks/
 * whose group_vars/all.yml is edited, which proves that file is read; the vault is decrypted with the
 * demo password, which proves group_vars/all/vault.yml is read.
 * ANSIBLE_BECOME_EXE points at a missing program: any privilege escalation in sandbox mode would fail
 * (the first test shows that trap is armed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, '.venv', 'bin');
// Two hosts sharing groups, as small environments do.
const HOSTS = { 'host-a': ['app', 'broker'], 'host-b': ['app', 'knowledge', 'worker'] } as const;
type Host = keyof typeof HOSTS;
const EXTRA_VARS = {
  app_name: 'frag',
  env_name: 'test',
  db_host: 'db.test.internal',
  db_port: 5432,
  db_name: 'fragtest',
  db_user: 'fraguser',
  app_url: 'https://frag.test.example',
  knowledge_host: 'knowledge.test.internal',
  broker_host: 'broker.test.internal',
};
const REPO = 'https://git.test.example/frag.git';
// Real-host paths the sandbox must never touch.
const REAL_PATHS = ['/etc/frag', '/opt/frag', '/var/log/frag', '/etc/systemd/system/frag-app.service'];

let work = '';
let project = '';
let secrets: Record<string, string> = {};

interface Run {
  code: number;
  out: string;
  recap: Map<string, { ok: number; changed: number; failed: number; unreachable: number }>;
}

function exec(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

function ansibleEnv(): Record<string, string> {
  return {
    ANSIBLE_HOME: join(work, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'),
    ANSIBLE_REMOTE_TEMP: join(work, 'ansible-tmp'),
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_CONFIG: join(work, 'ansible.cfg'),
    // Any become fails: sudo is a missing program and the target user is not root (as root, Ansible
    // skips becoming root). Sandbox mode must never ask for privileges.
    ANSIBLE_BECOME_EXE: join(work, 'no-such-sudo'),
    ANSIBLE_BECOME_USER: 'nobody',
  };
}

async function playbook(file: string, extra: string[] = []): Promise<Run> {
  const args = ['-i', join(work, 'inventory.ini'), '--vault-password-file', join(project, 'demo-vault-password'), ...extra, file];
  const { code, out } = await exec(join(BIN, 'ansible-playbook'), args, project, ansibleEnv());
  const recap = new Map<string, { ok: number; changed: number; failed: number; unreachable: number }>();
  for (const m of out.matchAll(/^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    recap.set(m[1]!, { ok: Number(m[2]), changed: Number(m[3]), unreachable: Number(m[4]), failed: Number(m[5]) });
  }
  return { code, out, recap };
}

function assertSucceeded(run: Run, hosts: Host[], changed: 'some' | 'none'): void {
  assert.equal(run.code, 0, run.out);
  for (const host of hosts) {
    const stats = run.recap.get(host);
    assert.ok(stats, `${host} missing from the recap:\n${run.out}`);
    assert.equal(stats.failed + stats.unreachable, 0, run.out);
    if (changed === 'none') assert.equal(stats.changed, 0, `${host} not idempotent:\n${run.out}`);
    else assert.ok(stats.changed > 0, `${host} reported no change:\n${run.out}`);
  }
  for (const value of Object.values(secrets)) assert.ok(!run.out.includes(value), 'a vault secret reached the output');
}

const root = (host: Host) => join(work, 'hosts', host);
const file = (host: Host, path: string) => join(root(host), path);
const read = (host: Host, path: string) => readFileSync(file(host, path), 'utf8');
const mode = (host: Host, path: string) => statSync(file(host, path)).mode & 0o777;
const events = (host: Host) =>
  existsSync(file(host, 'var/log/frag/service-events.log')) ? read(host, 'var/log/frag/service-events.log') : '';
const realState = () => REAL_PATHS.map((p) => (existsSync(p) ? `${p}@${statSync(p).mtimeMs}` : `${p}:absent`));

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'fragctl-playbooks-'));
  project = join(work, 'playbooks');
  cpSync(join(ROOT, 'playbooks'), project, { recursive: true });
  const allYml = join(project, 'group_vars', 'all.yml');
  const original = readFileSync(allYml, 'utf8');
  const edited = original
    .replace(/^app_port: 8000$/m, 'app_port: 8123')
    .replace(/^app_repo_version: .*$/m, 'app_repo_version: release-42')
    .replace(/^app_repo_url: .*$/m, `app_repo_url: ${REPO}`);
  assert.notEqual(edited, original);
  writeFileSync(allYml, edited);
  writeFileSync(join(work, 'ansible.cfg'), '[defaults]\n');
  mkdirSync(join(work, 'ansible-tmp'));
  const lines: string[] = [];
  for (const group of ['app', 'knowledge', 'broker', 'worker']) {
    lines.push(`[${group}]`);
    for (const [host, groups] of Object.entries(HOSTS) as [Host, readonly string[]][]) {
      if (groups.includes(group)) lines.push(`${host} deploy_root=${root(host)}`);
    }
  }
  lines.push('[all:vars]', 'ansible_connection=local', 'fragctl_sandbox=true', `ansible_python_interpreter=${join(BIN, 'python3')}`);
  for (const host of Object.keys(HOSTS) as Host[]) mkdirSync(root(host), { recursive: true });
  writeFileSync(join(work, 'inventory.ini'), lines.join('\n') + '\n');
  writeFileSync(join(work, 'vars.json'), JSON.stringify(EXTRA_VARS));

  const vault = join(project, 'group_vars', 'all', 'vault.yml');
  assert.match(readFileSync(vault, 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  const view = await exec(
    join(BIN, 'ansible-vault'),
    ['view', '--vault-password-file', join(project, 'demo-vault-password'), vault],
    project,
    ansibleEnv(),
  );
  assert.equal(view.code, 0, view.out);
  secrets = parse(view.out) as Record<string, string>;
  for (const key of ['vault_db_password', 'vault_app_secret_key', 'vault_broker_password']) {
    assert.ok(typeof secrets[key] === 'string' && secrets[key].length >= 16, `${key} missing or weak`);
  }
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

const VARS = () => ['-e', `@${join(work, 'vars.json')}`];

// Generous: on a busy 2-core machine one ansible-playbook run can take ten seconds.
const T = { timeout: 120_000 };

describe('reference playbooks (real ansible-playbook, sandboxed local hosts)', () => {
  test('every playbook passes --syntax-check, without the vault password', T, async () => {
    const files = [
      'app.yml',
      'knowledge.yml',
      'database.yml',
      'broker.yml',
      'worker.yml',
      'image.yml',
      'tasks/pull.yml',
      'tasks/clean-tables.yml',
      'tasks/stop.yml',
    ];
    const { code, out } = await exec(
      join(BIN, 'ansible-playbook'),
      ['-i', join(work, 'inventory.ini'), '--syntax-check', ...files],
      project,
      ansibleEnv(),
    );
    assert.equal(code, 0, out);
    for (const f of files) assert.match(out, new RegExp(`^playbook: ${f.replace('.', '\\.')}$`, 'm'));

    writeFileSync(join(project, 'broken.yml'), '- hosts: app\n  tasks:\n    - no.such.module_xyz: {}\n');
    const broken = await exec(
      join(BIN, 'ansible-playbook'),
      ['-i', join(work, 'inventory.ini'), '--syntax-check', 'broken.yml'],
      project,
      ansibleEnv(),
    );
    assert.notEqual(broken.code, 0, 'syntax-check accepted a broken playbook');
    rmSync(join(project, 'broken.yml'));
  });

  test('the become trap is armed: a play that becomes fails here', T, async () => {
    writeFileSync(
      join(project, 'becomes.yml'),
      '- hosts: app\n  gather_facts: false\n  become: true\n  tasks:\n    - ansible.builtin.command: id -u\n',
    );
    const run = await playbook('becomes.yml');
    rmSync(join(project, 'becomes.yml'));
    assert.notEqual(run.code, 0, run.out);
    assert.match(run.out, /no-such-sudo/);
  });

  test('the tasks index names existing playbooks whose plays target its groups', T, () => {
    const index = parse(readFileSync(join(project, 'tasks', 'tasks.yml'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(index).sort(), ['clean-tables', 'pull', 'stop']);
    for (const [name, entry] of Object.entries(index)) {
      assert.equal(typeof entry.description, 'string', name);
      assert.equal(typeof entry.destructive, 'boolean', name);
      const plays = parse(readFileSync(join(project, entry.playbook as string), 'utf8')) as { hosts: string }[];
      const targeted = new Set(plays.flatMap((p) => p.hosts.split(':')));
      assert.deepEqual([...targeted].sort(), [...(entry.groups as string[])].sort(), name);
    }
    assert.equal(index.pull!.destructive, false);
    assert.equal(index.stop!.destructive, false);
    assert.equal(index['clean-tables']!.destructive, true);
  });

  test('app.yml renders settings, unit and release on every app host, idempotently, secrets hidden', T, async () => {
    const realBefore = realState();
    const first = await playbook('app.yml', [...VARS(), '--diff', '-v']);
    assertSucceeded(first, ['host-a', 'host-b'], 'some');
    assert.match(first.out, /censored due to 'no_log: true'|output has been hidden/);
    for (const host of ['host-a', 'host-b'] as const) {
      const settings = read(host, 'etc/frag/settings.env');
      assert.equal(mode(host, 'etc/frag/settings.env'), 0o600);
      for (const line of [
        'ENV_NAME=test',
        'APP_URL=https://frag.test.example',
        'APP_PORT=8123',
        'DB_HOST=db.test.internal',
        'DB_PORT=5432',
        'DB_NAME=fragtest',
        'DB_USER=fraguser',
        `DB_PASSWORD=${secrets.vault_db_password}`,
        `SECRET_KEY=${secrets.vault_app_secret_key}`,
        'KNOWLEDGE_URL=http://knowledge.test.internal:8080',
        `BROKER_URL=amqp://frag:${secrets.vault_broker_password}@broker.test.internal:5672/frag`,
      ])
        assert.ok(settings.split('\n').includes(line), `${host} settings.env lacks ${line}:\n${settings}`);
      const unit = read(host, 'etc/systemd/system/frag-app.service');
      assert.match(unit, /^ExecStart=\/opt\/frag\/venv\/bin\/gunicorn --bind 0\.0\.0\.0:8123 /m);
      assert.match(unit, /^EnvironmentFile=\/etc\/frag\/settings\.env$/m, 'unit must name in-host paths');
      assert.equal(read(host, 'opt/frag/RELEASE'), `repo=${REPO}\nversion=release-42\ncommit=none (sandbox)\n`);
      assert.equal(events(host), 'restart frag-app.service\n', 'one restart, however many notifications');
    }
    assert.ok(!existsSync(file('host-b', 'etc/frag/knowledge.env')), 'app.yml configures the app only');

    const second = await playbook('app.yml', VARS());
    assertSucceeded(second, ['host-a', 'host-b'], 'none');
    assert.equal(events('host-a'), 'restart frag-app.service\n');
    assert.deepEqual(realState(), realBefore, 'sandbox wrote outside deploy_root');
  });

  test('knowledge.yml configures only the knowledge host, idempotently', T, async () => {
    const settingsBefore = read('host-b', 'etc/frag/settings.env');
    assertSucceeded(await playbook('knowledge.yml', VARS()), ['host-b'], 'some');
    assert.ok(!existsSync(file('host-a', 'etc/frag/knowledge.env')));
    const env = read('host-b', 'etc/frag/knowledge.env');
    assert.match(env, /^KNOWLEDGE_PORT=8080$/m);
    assert.match(env, /^ENV_NAME=test$/m);
    assert.match(
      read('host-b', 'etc/systemd/system/frag-knowledge.service'),
      /--bind 0\.0\.0\.0:8080 --data \/var\/lib\/frag\/knowledge$/m,
    );
    assert.ok(statSync(file('host-b', 'var/lib/frag/knowledge')).isDirectory());
    assert.equal(events('host-b'), 'restart frag-app.service\nrestart frag-knowledge.service\n');
    assert.equal(read('host-b', 'etc/frag/settings.env'), settingsBefore, "the app settings are not the knowledge role's");
    assertSucceeded(await playbook('knowledge.yml', VARS()), ['host-b'], 'none');
  });

  test('database.yml renders the connection settings once, on the first app host', T, async () => {
    assertSucceeded(await playbook('database.yml', VARS()), ['host-a'], 'some');
    const env = read('host-a', 'etc/frag/database.env');
    assert.equal(mode('host-a', 'etc/frag/database.env'), 0o600);
    for (const line of [
      'PGHOST=db.test.internal',
      'PGPORT=5432',
      'PGDATABASE=fragtest',
      'PGUSER=fraguser',
      `PGPASSWORD=${secrets.vault_db_password}`,
    ]) {
      assert.ok(env.split('\n').includes(line), `database.env lacks ${line}`);
    }
    assert.ok(!existsSync(file('host-b', 'etc/frag/database.env')), 'run_once: only app[0]');
    assertSucceeded(await playbook('database.yml', VARS()), ['host-a'], 'none');
  });

  test('image.yml bakes the same environment-agnostic layer on all hosts, with no contract vars', T, async () => {
    const all: Host[] = ['host-a', 'host-b'];
    assertSucceeded(await playbook('image.yml'), all, 'some');
    for (const host of all) {
      const manifest = read(host, 'etc/frag/image-manifest');
      assert.match(manifest, /^image=frag-image$/m);
      assert.match(manifest, /^packages=.*\bpostgresql-client\b.*\bpython3-venv\b/m);
      assert.equal(manifest, read('host-a', 'etc/frag/image-manifest'));
      for (const dir of ['etc/frag', 'opt/frag', 'var/log/frag', 'etc/systemd/system']) assert.ok(statSync(file(host, dir)).isDirectory());
    }
    assertSucceeded(await playbook('image.yml'), all, 'none');
  });

  test('broker.yml and worker.yml configure their hosts (in one ansible-playbook run)', T, async () => {
    const run = await playbook('broker.yml', [...VARS(), 'worker.yml']);
    assertSucceeded(run, ['host-a', 'host-b'], 'some');
    const conf = read('host-a', 'etc/rabbitmq/rabbitmq.conf');
    assert.equal(mode('host-a', 'etc/rabbitmq/rabbitmq.conf'), 0o600);
    assert.ok(conf.split('\n').includes(`default_pass = ${secrets.vault_broker_password}`));
    assert.match(read('host-a', 'etc/systemd/system/rabbitmq-server.service.d/limits.conf'), /^LimitNOFILE=65536$/m);
    assert.match(read('host-b', 'etc/systemd/system/frag-worker.service'), /^ExecStart=\/opt\/frag\/venv\/bin\/celery --app frag worker /m);
    assert.ok(!existsSync(file('host-b', 'etc/rabbitmq')) && !existsSync(file('host-a', 'etc/systemd/system/frag-worker.service')));
    assert.ok(events('host-a').endsWith('restart rabbitmq-server.service\n'), events('host-a'));
    assert.ok(events('host-b').endsWith('restart frag-worker.service\n'), events('host-b'));
  });

  test('tasks/clean-tables.yml turns maintenance on, then off again (no database in sandbox)', T, async () => {
    const run = await playbook('tasks/clean-tables.yml', VARS());
    assertSucceeded(run, ['host-a', 'host-b'], 'some');
    const on = run.out.indexOf('Turn maintenance mode on');
    const off = run.out.indexOf(
      'TASK [../roles/common : Remove the maintenance flag]',
      run.out.indexOf('PLAY [Turn maintenance mode off]'),
    );
    assert.ok(on >= 0 && off > on, run.out);
    assert.match(
      run.out.slice(on, run.out.indexOf('PLAY [', on)),
      /changed: \[host-a\][\s\S]*changed: \[host-b\]|changed: \[host-b\][\s\S]*changed: \[host-a\]/,
    );
    for (const host of ['host-a', 'host-b'] as const) assert.ok(!existsSync(file(host, 'etc/frag/maintenance')));
  });

  test('tasks/pull.yml updates the code and restarts each group service, then is idempotent', T, async () => {
    const settingsBefore = read('host-a', 'etc/frag/settings.env');
    const before = { a: events('host-a'), b: events('host-b') };
    const pull = ['-e', 'app_repo_version=v2.0.1'];
    const all: Host[] = ['host-a', 'host-b'];
    assertSucceeded(await playbook('tasks/pull.yml', [...VARS(), ...pull]), all, 'some');
    for (const host of all) assert.equal(read(host, 'opt/frag/RELEASE'), `repo=${REPO}\nversion=v2.0.1\ncommit=none (sandbox)\n`);
    const after = {
      a: before.a + 'restart frag-app.service\n',
      b: before.b + 'restart frag-app.service\nrestart frag-knowledge.service\nrestart frag-worker.service\n',
    };
    assert.equal(events('host-a'), after.a, 'no broker restart: it does not run the code');
    assert.equal(events('host-b'), after.b, 'host-b runs three services from the code');
    assert.equal(read('host-a', 'etc/frag/settings.env'), settingsBefore, 'pull leaves the configuration alone');
    assertSucceeded(await playbook('tasks/pull.yml', [...VARS(), ...pull]), all, 'none');
    assert.deepEqual({ a: events('host-a'), b: events('host-b') }, after);
  });
});
