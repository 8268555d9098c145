// Preloaded (--import) into each test file's process by scripts/test-run.mjs. At exit it writes the CPU
// time the file used, in milliseconds, to FRAGCTL_TEST_CPU_FILE: its own, and on Linux that of the
// children it waited for (the peers it started: moto, sshd, Ansible, kubectl). The next run tells from
// it the files that mostly wait from those that compute (scripts/run-tests.mjs).
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.FRAGCTL_TEST_CPU_FILE;
if (out) {
  delete process.env.FRAGCTL_TEST_CPU_FILE; // the file's own processes do not write it
  process.on('exit', () => {
    const own = process.cpuUsage();
    let children = 0;
    try {
      // after "pid (comm) " come the fields from the state (3rd) on; cutime and cstime are the 16th and 17th
      const fields = readFileSync('/proc/self/stat', 'utf8').split(') ').at(-1).split(' ');
      children = (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms (USER_HZ 100)
    } catch {
      // not Linux: the file's own CPU only
    }
    writeFileSync(out, String(Math.round((own.user + own.system) / 1000 + (Number.isFinite(children) ? children : 0))));
  });
}
