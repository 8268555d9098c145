/**
 * What a bake checks before RunInstances, so that a bad playbook never leaves an instance behind:
 * ansible-playbook is installed (exit 2 with how to install it), the image playbook parses with its
 * roles and modules resolvable, uses no removed keyword, and its plays match the image host
 * (one `ansible-playbook --list-hosts` with a stand-in for the instance), and the key file is there
 * and private when the instance is reached over SSH.
 */
import { join } from 'node:path';
import type { Context } from '../context.js';
import { imageInstanceName } from '../names.js';
import { checkPrivateKey } from '../ansible/keys.js';
import { syntaxCheck } from '../ansible/playbook.js';
import type { AnsibleHost } from '../ansible/types.js';
import { ansiblePlaybookBinary } from '../../providers/shell/ansible.js';
import { IMAGE_GROUPS, IMAGE_PLAYBOOK } from './image.js';
import { checkKeyFile } from './preflight.js';

export async function bakePreflight(ctx: Context): Promise<void> {
  ansiblePlaybookBinary(); // a UserError with the install hint when missing
  const ssh = ctx.env.aws.connection !== 'local';
  if (ssh) {
    checkKeyFile(ctx);
    checkPrivateKey(ctx);
  }
  await syntaxCheck(ctx, [IMAGE_PLAYBOOK], [placeholderImageHost(ctx)], imageVars(ctx));
}

/** The variables the image playbook gets (the image is the same for every environment). */
export function imageVars(ctx: Context): Record<string, unknown> {
  return { app_name: ctx.env.settings.app_name, image_build: true };
}

/** The image host as --list-hosts needs it: nothing connects to it. */
function placeholderImageHost(ctx: Context): AnsibleHost {
  const name = imageInstanceName(ctx.env.settings.app_name);
  return {
    name,
    address: '127.0.0.1',
    groups: IMAGE_GROUPS,
    connection: 'local',
    vars: { deploy_root: join(ctx.project.paths.state, 'hosts', name), fragctl_sandbox: true },
  };
}
