/** The summary schemathesis ends with (operations, phases, failures, cases). */
export function summaryOf(output: string): string {
  const start = output.lastIndexOf('SUMMARY');
  return start === -1 ? output.slice(-4000) : output.slice(output.lastIndexOf('\n', start) + 1);
}

/** A section of the report (FAILURES: what the checks found; ERRORS: requests it could not make), or ''. */
export function sectionOf(output: string, heading: 'FAILURES' | 'ERRORS'): string {
  const start = output.indexOf(`= ${heading} =`);
  if (start === -1) return '';
  const rest = output.slice(start + heading.length + 3);
  const end = rest.search(/\n=+ [A-Z]+ =+\n/);
  return output.slice(start, end === -1 ? undefined : start + heading.length + 3 + end);
}

const BANNER = /^=+ (.*?) =+$/;

/**
 * The report as the test log shows it. Schemathesis closes with pytest's banner
 * (`==== 4 warnings in 60.03s ====`), which a reader of CI logs takes for pytest's own closing line, and
 * with no test counted in it, for a run that executed no test. Headings keep their words without the
 * rule; the closing timing line goes, as the counts are in "Test cases".
 */
export function printableReport(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^=+ .* in [\d.]+m?s =+$/.test(line))
    .map((line) => line.replace(BANNER, '[$1]'))
    .join('\n');
}
