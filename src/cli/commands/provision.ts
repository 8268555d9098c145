import { localProvision } from '../../core/local/local.js';
import { localRoleVerb } from './local-role-verb.js';

export default localRoleVerb(localProvision, { dryRun: true });
