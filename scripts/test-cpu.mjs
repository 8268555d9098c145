// Preloaded (--import) into each test file's process by scripts/test-run.mjs. At exit it writes the CPU
// time the file used, in milliseconds, to FRAGCTL_TEST_CPU_FILE: its own, and on Linux that of the
// children it waited for (the peers it started: moto, sshd, Ansible, kubectl), and that of the moto
// servers the run's zygote forked for it. The next run tells from it the files that mostly wait from
// those that compute (scripts/run-tests.mjs).
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
    // Peers the file used that were not its children (a moto server forked by the run's zygote):
    // test/helpers/moto.ts adds their CPU under this key (its PEER_CPU) when it stops them.
    const peers = globalThis[Symbol.for('fragctl.test.peerCpuMs')] ?? 0;
    const total = (own.user + own.system) / 1000 + (Number.isFinite(children) ? children : 0) + peers;
    writeFileSync(out, String(Math.round(total)));
  });
}
