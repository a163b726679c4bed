/**
 * `npm run build`'s last step: bundles the licence workflows into one file for WORKFLOW_BUNDLE.
 * Usage: tsx scripts/bundle-workflows.ts <output file>
 */
import { writeLicenceWorkflowBundle } from '../worker/workflow-bundle';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx scripts/bundle-workflows.ts <output file>, e.g. dist/workflow-bundle.js');
  const { bytes } = await writeLicenceWorkflowBundle(file);
  process.stdout.write(`licence workflows bundled into ${file} (${(bytes / 1024).toFixed(0)} KB)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
