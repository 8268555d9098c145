import { defineVerb } from '../verb.js';
import { sshTarget } from '../../core/hosts/ssh.js';
import { runSsh } from '../../providers/shell/ssh.js';

/** Opens an SSH session (or runs a command after --) on a host of a group. */
export default defineVerb({
  arguments: '<host> [command...]',
  async run(run, _opts, args) {
    const [spec, ...command] = args as [string, ...string[]];
    const target = await sshTarget(run.context(), spec);
    run.io.emit({ level: 'debug', code: 'ssh.target', message: `ssh ${target.user ?? ''}@${target.address}:${target.port ?? 22} (${target.name})` });
    return runSsh(target, command.flat());
  },
});
