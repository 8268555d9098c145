/**
 * The filters templates may use beside nunjucks' own (`default`, `upper`, `indent`, ...), named
 * as in Ansible so that operators of Ansible repositories read them without a manual. A filter
 * that encodes or decodes a secret registers the result with the redactor, so the encoded form
 * is masked in every output as the clear one is.
 */
import { stringify } from 'yaml';
import { isRegisteredSecret, registerSecret } from '../../redact.js';
import { asText } from '../../text.js';

const keepSecret = (input: unknown, output: string): string => {
  if (isRegisteredSecret(input)) registerSecret(output);
  return output;
};

export const FILTERS: Record<string, (value: unknown, ...args: unknown[]) => unknown> = {
  b64encode: (v) => keepSecret(v, Buffer.from(asText(v), 'utf8').toString('base64')),
  b64decode: (v) => keepSecret(v, Buffer.from(asText(v), 'base64').toString('utf8')),
  to_json: (v) => JSON.stringify(v),
  to_yaml: (v) => stringify(v).replace(/\n$/, ''),
  /** Shell quoting as Ansible's `quote` (Python's shlex.quote). */
  quote: (v) => {
    const s = asText(v);
    if (s !== '' && /^[\w@%+=:,./-]+$/.test(s)) return s;
    return `'${s.replace(/'/g, `'"'"'`)}'`;
  },
};
