import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import * as versions from '../../workflows/licence/versions';
import { LICENCE_PATCHES } from '../../workflows/licence/versions';
import { LICENCE_WORKER_INTERCEPTORS } from '../../worker/worker';
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
  await expect(Worker.runReplayHistory(
      // The workers' own workflow interceptors: a local activity's answer is read from its record.
      { workflowsPath: WORKFLOWS_PATH, interceptors: { workflowModules: LICENCE_WORKER_INTERCEPTORS.workflowModules }, dataConverter: { payloadCodecs: [testPayloadCodec] } },
      history,
      name,
    )).resolves.toBeUndefined();
});

/** The patch ids a history's markers record. */
function patchesRecorded(file: string): Set<string> {
  const events: Array<{ markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: Array<{ data?: string }> }> } }> = JSON.parse(
    fs.readFileSync(file, 'utf8'),
  ).events;
  const ids = new Set<string>();
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0]?.data : undefined;
    if (data) ids.add(JSON.parse(Buffer.from(data, 'base64').toString('utf8')).id);
  }
  return ids;
}

describe('the versions file', () => {
  const recorded = new Map(histories.map(({ name, file }) => [name, patchesRecorded(file)]));

  it.each(LICENCE_PATCHES.map((patch) => ({ ...patch, histories: patch.coveredBy.join(', ') })))('lists histories that record patch $id: $histories', ({ id, coveredBy }) => {
    expect(coveredBy.length).toBeGreaterThan(0);
    for (const name of coveredBy) expect({ history: name, records: [...(recorded.get(name) ?? ['(no such history)'])] }).toEqual({ history: name, records: expect.arrayContaining([id]) });
  });

  it('knows every patch a committed history records, and names the files that evaluate it', () => {
    const known = new Set(LICENCE_PATCHES.map((patch) => patch.id));
    const unknown = [...recorded].flatMap(([name, ids]) => [...ids].filter((id) => !known.has(id)).map((id) => `${name}: ${id}`));
    expect(unknown).toEqual([]);
    const workflowFolder = path.join(__dirname, '../../workflows/licence');
    for (const patch of LICENCE_PATCHES) {
      for (const file of patch.evaluatedIn) expect({ patch: patch.id, file, evaluates: fs.readFileSync(path.join(workflowFolder, file), 'utf8').includes('patched(') }).toMatchObject({ evaluates: true });
    }
  });

  it('lists every patch the workflow evaluates', () => {
    const workflowFolder = path.join(__dirname, '../../workflows/licence');
    const sources = fs.readdirSync(workflowFolder, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const evaluated = new Set(sources.flatMap((file) => [...fs.readFileSync(path.join(workflowFolder, file), 'utf8').matchAll(/patched\((\w+)\)/g)].map((match) => match[1])));
    const listed = new Set(Object.entries(versions).filter(([name]) => name.endsWith('_PATCH')).map(([name]) => name));
    expect([...evaluated].sort()).toEqual([...listed].sort());
    expect(LICENCE_PATCHES.map((patch) => patch.id).sort()).toEqual([...listed].map((name) => (versions as Record<string, unknown>)[name]).sort());
  });
});
