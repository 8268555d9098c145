#!/usr/bin/env node
import { main } from '../src/cli/main.js';

// The AWS SDK warns on every run that its releases after January 2027 need Node 22. The README
// says so once; operators should not read it in every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await main(process.argv.slice(2));
