import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding the project's package.json. Files shipped beside the code (the Prisma schema
 * and migrations, the cached Temporal CLI) are found from here, so that the same lookup works from
 * the sources and from the compiled build in dist/.
 */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function findPackageRoot(from: string): string {
  for (let folder = from; ; folder = path.dirname(folder)) {
    if (fs.existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no package.json in ${from} or any folder above it`);
  }
}
