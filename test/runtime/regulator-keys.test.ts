import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signingKeyOf } from '../../activities/regulator-keys';

it('reads a regulator key from the environment or a file, and names the reference it cannot find', async () => {
  expect(await signingKeyOf(null, 'shared-key')).toBe('shared-key');
  process.env.REGULATOR_KEY_UNIT = 'from-the-environment';
  expect(await signingKeyOf('env:REGULATOR_KEY_UNIT', 'shared-key')).toBe('from-the-environment');
  const file = join(await mkdtemp(join(tmpdir(), 'regulator-key-')), 'key');
  await writeFile(file, 'from-a-file\n');
  expect(await signingKeyOf(`file:${file}`, 'shared-key')).toBe('from-a-file');
  await expect(signingKeyOf('env:REGULATOR_KEY_NEVER_SET', 'shared-key')).rejects.toThrow('env:REGULATOR_KEY_NEVER_SET is not available to the worker');
  await expect(signingKeyOf('file:/nonexistent/regulator-key', 'shared-key')).rejects.toThrow('file:/nonexistent/regulator-key');
});
