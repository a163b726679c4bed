// Writes jest's own counts to a file so that CI can print them without parsing jest's summary.
// A suite that failed to run (a syntax error, a failing beforeAll) counts as a failure.
const fs = require('node:fs');
const path = require('node:path');

class CountsReporter {
  constructor(globalConfig, options) {
    // TEST_COUNTS_FILE lets a second run in the same folder (the shifted clock's) keep its own counts.
    this.outputFile = path.resolve(globalConfig.rootDir, process.env.TEST_COUNTS_FILE || options.outputFile);
  }

  onRunComplete(_contexts, results) {
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      suites: results.numTotalTestSuites,
    };
    fs.mkdirSync(path.dirname(this.outputFile), { recursive: true });
    fs.writeFileSync(this.outputFile, JSON.stringify(counts));
  }
}

module.exports = CountsReporter;
