import { defineVerb } from '../verb.js';

export default defineVerb({
  async run() {
    return 0;
  },
});
