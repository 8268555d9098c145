/** The shapes the ansible modules share: a host of an inventory, and a play recap. */
export interface AnsibleHost {
  name: string;
  address: string;
  port?: number;
  user?: string;
  groups: string[];
  /** Groups kept exactly as spelled (ec2.py's `tag_Name_frag-demo-app`), besides the safe `groups`. */
  compatGroups?: string[];
  vars?: Record<string, unknown>;
  connection?: 'ssh' | 'local';
}

export interface PlayRecap {
  ok: boolean;
  hosts: Record<
    string,
    { ok: number; changed: number; unreachable: number; failed: number; skipped: number; rescued: number; ignored: number }
  >;
}
