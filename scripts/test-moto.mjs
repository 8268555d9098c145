// Starts the moto zygote for one run of the tests (test/helpers/moto-zygote.py): moto loaded once, a
// fresh server forked for each test file that asks (test/helpers/moto.ts, through
// FRAGCTL_TEST_MOTO_ZYGOTE). It ends with the run: its stdin closes when this process goes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Resolves to `{ socket }` once the zygote listens; exits the run with one line when it cannot start. */
export function startMotoZygote(dir) {
  const root = join(import.meta.dirname, '..');
  const socket = join(dir, 'moto.sock');
  const child = spawn(join(root, '.venv', 'bin', 'python'), [join(root, 'test', 'helpers', 'moto-zygote.py'), socket], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve) => {
    const failed = (why) => {
      console.error(`tests: the moto zygote did not start (${why}); \`bash scripts/setup.sh\` installs moto\n${stderr}`);
      process.exit(1);
    };
    child.on('error', (e) => failed(e.message));
    child.on('exit', (code) => failed(`exit ${code}`));
    child.stdout.once('data', () => {
      child.removeAllListeners('exit');
      child.unref();
      resolve({ socket });
    });
  });
}
