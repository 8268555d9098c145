// The test process of scripts/run-tests.mjs, started with `--import tsx` (which node:test passes on to
// each file's process). node:test's run() keeps the files in the order given, where `node --test`
// would sort them by name: the runner starts the longest first. Reporters: spec on stdout, a TAP copy
// and the files' times (test-times-reporter.mjs) to the paths given.
import { createWriteStream } from 'node:fs';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import testTimes from './test-times-reporter.mjs';

const { files, concurrency, namePatterns, tapFile, timesFile } = JSON.parse(process.argv[2]);
const stream = run({ files, concurrency, ...(namePatterns.length ? { testNamePatterns: namePatterns } : {}) });
// Three reporters read the stream; each compose() adds a few listeners of its own (a fixed number, not a leak).
stream.setMaxListeners(20);
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(new spec()).pipe(process.stdout);
stream.compose(tap).pipe(createWriteStream(tapFile));
stream.compose(testTimes).pipe(createWriteStream(timesFile));
