// A node:test reporter for scripts/run-tests.mjs: one line per top-level test, `<file>\t<ms>`,
// from which the run records how long each file took (the next run starts the longest first).
export default async function* testTimes(source) {
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0 && event.data.file) {
      yield `${event.data.file}\t${event.data.details.duration_ms}\n`;
    }
  }
}
