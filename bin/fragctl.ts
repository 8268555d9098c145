#!/usr/bin/env node
import { main } from '../src/cli/main.js';
import { processHost } from '../src/cli/host.js';

// The AWS SDK warns on every run that its releases after January 2027 need Node 22. The README
// says so once; operators should not read it in every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The one place the process is read: main gets its streams, variables, cwd and signals from here.
process.exitCode = await main(process.argv.slice(2), processHost());
