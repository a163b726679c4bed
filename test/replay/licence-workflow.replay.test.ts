import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../support/paths';
import { testPayloadCodec } from '../support/payload-key';
import { quietTemporalLogs } from '../support/temporal';

quietTemporalLogs();

const HISTORIES = path.join(__dirname, 'histories');

/** Every committed history: `<version>/<scenario>.json`. */
function committedHistories(): Array<{ name: string; file: string }> {
  return fs
    .readdirSync(HISTORIES)
    .flatMap((version) =>
      fs
        .readdirSync(path.join(HISTORIES, version))
        .filter((file) => file.endsWith('.json'))
        .map((file) => ({ name: `${version}/${file.replace(/\.json$/, '')}`, file: path.join(HISTORIES, version, file) })),
    );
}

const histories = committedHistories();

it('has committed histories to replay', () => {
  expect(histories.length).toBeGreaterThanOrEqual(4);
});

it.each(histories)("replays $name against today's workflow code without a determinism error", async ({ name, file }) => {
  const history = historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
  await expect(Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, dataConverter: { payloadCodecs: [testPayloadCodec] } }, history, name)).resolves.toBeUndefined();
});
