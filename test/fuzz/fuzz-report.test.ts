import { printableReport, sectionOf, summaryOf } from '../support/fuzz-report';

// Lines as schemathesis 4 prints them; the closing banner is pytest's.
const REPORT = [
  'Schemathesis v4',
  '=================================== SUMMARY ====================================',
  '',
  'API Operations:',
  '  Selected: 77/77',
  '  Tested: 77',
  '',
  'Test cases:',
  '  3564 generated, 3564 passed',
  '',
  '============================= 4 warnings in 60.03s =============================',
  '',
].join('\n');

// pytest's closing line, as readers of CI logs recognise it.
const PYTEST_CLOSING = /^=+ .*\bin [\d.]+m?s\b.* =+$/;

it('prints the summary with no line a CI reader would take for pytest closing on no test', () => {
  const printed = printableReport(summaryOf(REPORT));
  expect(printed.split('\n').filter((line) => PYTEST_CLOSING.test(line))).toEqual([]);
  expect(printed).toContain('[SUMMARY]');
  expect(printed).toContain('3564 generated, 3564 passed');
});

it('finds a section between banners', () => {
  const withErrors = REPORT.replace('Schemathesis v4', 'Schemathesis v4\n==== ERRORS ====\nRuntime Error\n==== SUMMARY ====');
  expect(sectionOf(withErrors, 'ERRORS')).toContain('Runtime Error');
  expect(sectionOf(REPORT, 'FAILURES')).toBe('');
});
