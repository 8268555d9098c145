import { defineVerb } from '../verb.js';
import { openSsh } from '../../core/hosts/ssh.js';

/** Opens an SSH session (or runs a command after --) on a host of a group. */
export default defineVerb({
  arguments: '<host> [command...]',
  async run(run, _opts, args) {
    const [spec, ...command] = args as [string, ...string[]];
    return openSsh(run.context(), spec, command.flat());
  },
});
