/**
 * The production topology, end to end through its proxy: a Temporal cluster on PostgreSQL with its
 * four services in processes of their own, two API processes behind HAProxy, two workers and the
 * simulated providers apart. One licence goes from registration to the prompt, the SMS, a renewal
 * and the regulator's receipt, in real time (its department reminds at once). Temporal's services
 * speak only mutual TLS, with certificates of the topology's own CA. Last, the database's disk is
 * lost and the topology comes back from a base backup and its WAL archive.
 */
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { remindAtOnce } from '../../bench/topology';
import { archiveCurrentSegment, loseDatabaseDisk, restoreBaseBackup, takeBaseBackup } from '../../cluster/backups';
import { certificateFiles, ensureCertificates } from '../../cluster/certificates';
import { Cluster, clusterPorts, NAMESPACE } from '../../cluster/topology';
import { openDatabase, parseDatabaseTarget, type Database } from '../../runtime/database';
import { sendJson, keyCaller } from '../support/http';
import { eventually } from '../support/lifecycle';
import { buildEngine } from '../support/engine-process';

jest.setTimeout(600_000);

let cluster: Cluster;
let database: Database;

/** A base port whose whole range of the topology is free now. */
async function freeBasePort(): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + 1000 * Math.floor(Math.random() * 11);
    const ports = clusterPorts(base);
    const all = [ports.proxy, ...ports.api, ports.simulators, ports.postgres, ...Object.values(ports.temporal).flatMap((service) => Object.values(service))];
    if ((await Promise.all(all.map(isFree))).every(Boolean)) return base;
  }
  throw new Error('no free range of ports for the topology');
}

beforeAll(async () => {
  cluster = new Cluster({
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-smoke-')),
    basePort: await freeBasePort(),
    engineEnv: { LOG_LEVEL: 'warn' },
    build: await buildEngine(),
    walArchive: true,
  });
  await cluster.start();
  database = await openDatabase(parseDatabaseTarget(cluster.databaseUrl));
  await remindAtOnce(database.prisma);
}, 600_000);

afterAll(async () => {
  await database?.close();
  await cluster?.stop({ purge: true });
});

/** Whether a port answers an HTTP/2 ping, which every gRPC server does once the transport is agreed. */
async function answersHttp2Ping(port: number, tls?: http2.SecureClientSessionOptions): Promise<boolean> {
  const session = http2.connect(`${tls ? 'https' : 'http'}://127.0.0.1:${port}`, tls ?? {});
  let giveUp: NodeJS.Timeout | undefined;
  try {
    return await new Promise<boolean>((resolve) => {
      session.once('error', () => resolve(false));
      session.once('close', () => resolve(false));
      session.once('connect', () => session.ping((error) => resolve(!error)));
      giveUp = setTimeout(() => resolve(false), 5_000);
    });
  } finally {
    clearTimeout(giveUp);
    session.destroy();
  }
}

const call = (method: string, route: string, body?: unknown) => keyCaller(cluster.url, cluster.secrets.apiKey).call(method, route, body);

async function providers(): Promise<{ sms: Array<{ phone: string }>; prompts: Array<{ body: unknown }>; deliveries: Array<{ receiptId: string }> }> {
  return (await sendJson(`${cluster.simulatorsUrl}/state`, 'GET')).body;
}

it('runs every part as a process of its own: four Temporal services, two APIs behind the proxy, two workers', () => {
  const status = cluster.status();
  for (const name of ['postgresql', 'temporal-frontend', 'temporal-history', 'temporal-matching', 'temporal-worker', 'temporal-ui', 'api-1', 'api-2', 'worker-1', 'worker-2', 'proxy'] as const) {
    expect([name, status[name]]).toEqual([name, expect.any(Number)]);
  }
  expect(new Set(Object.values(status)).size).toBe(Object.keys(status).length);
  // The APIs and workers run the compiled engine, as the image does, not the sources.
  for (const name of ['api-1', 'api-2', 'worker-1', 'worker-2'] as const) {
    const argv = fs.readFileSync(`/proc/${status[name]}/cmdline`, 'utf8').split('\0');
    expect([name, argv[1]]).toEqual([name, path.join(cluster.build, 'bin', 'start.js')]);
  }
});

it('takes a licence through the proxy from registration to the regulator receipt', async () => {
  const today = DateTime.now().setZone('Asia/Shanghai');
  const phone = '13912345670';
  const registered = await call('POST', '/api/v1/licences', {
    bureau: 'weihai',
    licenceNumber: '鲁威药经CL00001',
    licenceType: 'WH01',
    holder: { name: '威海市集群药店' },
    contact: { name: '张敏', phone },
    issuedOn: today.minus({ years: 4 }).toISODate(),
    expiresOn: today.plus({ days: 80 }).toISODate(),
  });
  expect(registered.status).toBe(201);
  const id: string = registered.body.id;

  await eventually(async () => {
    const state = await providers();
    expect(state.prompts.filter((prompt) => JSON.stringify(prompt.body).includes('鲁威药经CL00001'))).toHaveLength(1);
    expect(state.sms.filter((text) => text.phone === phone)).toHaveLength(1);
  }, 120_000);
  await eventually(async () => expect((await call('GET', `/api/v1/licences/${id}/history`)).body.events.map((event: { what: string }) => event.what)).toContain('SMS delivery receipt'), 60_000);

  expect((await call('POST', `/api/v1/licences/${id}/renewal-application`, { applicationNumber: 'SQ-CL-1', appliedOn: today.toISODate() })).status).toBe(200);
  await eventually(async () => expect((await call('GET', `/api/v1/licences/${id}/status`)).body.stage).toBe('renewal_pending'), 60_000);
  const decided = await call('POST', `/api/v1/licences/${id}/renewal-decision`, {
    decision: 'approved',
    decidedOn: today.toISODate(),
    newLicence: { licenceNumber: '鲁威药经CL00002', issuedOn: today.toISODate(), expiresOn: today.plus({ years: 5 }).minus({ days: 1 }).toISODate() },
  });
  expect(decided).toEqual({ status: 200, body: { stage: 'renewal_approved' } });

  await eventually(async () => expect((await call('GET', `/api/v1/licences/${id}`)).body.stage).toBe('renewed'), 120_000);
  const { deliveries } = await providers();
  expect(deliveries).toHaveLength(1);
  expect((await call('GET', `/api/v1/licences/${id}`)).body.regulatorDeliveries).toEqual([expect.objectContaining({ delivered: true, receipt: deliveries[0]!.receiptId })]);
});

it("lets no one reach Temporal's frontend, history or matching service without the cluster's client certificate", async () => {
  const { frontend, history, matching } = cluster.ports.temporal;
  const services = { frontend: frontend.grpc, history: history.grpc, matching: matching.grpc };
  const reached = async (transport: (port: number) => Promise<boolean>) =>
    Object.fromEntries(await Promise.all(Object.entries(services).map(async ([service, port]) => [service, await transport(port)])));
  const { caFile, certFile, keyFile } = certificateFiles(cluster.certificatesDir, 'operator');
  const ca = fs.readFileSync(caFile);
  expect(await reached((port) => answersHttp2Ping(port))).toEqual({ frontend: false, history: false, matching: false });
  expect(await reached((port) => answersHttp2Ping(port, { ca, servername: 'localhost' }))).toEqual({ frontend: false, history: false, matching: false });
  // Another CA's certificate is no better than none.
  const strangers = fs.mkdtempSync(path.join(os.tmpdir(), 'stranger-ca-'));
  try {
    ensureCertificates(strangers);
    const stranger = certificateFiles(strangers, 'operator');
    const withStrangersCertificate = { ca, cert: fs.readFileSync(stranger.certFile), key: fs.readFileSync(stranger.keyFile), servername: 'localhost' };
    expect(await reached((port) => answersHttp2Ping(port, withStrangersCertificate))).toEqual({ frontend: false, history: false, matching: false });
  } finally {
    fs.rmSync(strangers, { recursive: true, force: true });
  }
  const withOperatorsCertificate = { ca, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), servername: 'localhost' };
  expect(await reached((port) => answersHttp2Ping(port, withOperatorsCertificate))).toEqual({ frontend: true, history: true, matching: true });
  // Temporal's HTTP API beside the frontend's gRPC: TLS too, and a certificate asked for.
  const plain = await fetch(`http://127.0.0.1:${frontend.http}/api/v1/namespaces`);
  expect({ status: plain.status, body: await plain.text() }).toEqual({ status: 400, body: expect.stringContaining('HTTP request to an HTTPS server') });
  const withoutCertificate = new Promise<number | undefined>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: frontend.http, path: '/api/v1/namespaces', ca, servername: 'localhost' }, (response) => resolve(response.statusCode)).once('error', reject);
  });
  await expect(withoutCertificate).rejects.toThrow(/certificate required|socket hang up|ECONNRESET/);
});

it("finds the licence by the engine's search attributes in the cluster's SQL visibility", async () => {
  const connection = await Connection.connect({ address: cluster.temporalAddress, tls: cluster.operatorTls });
  try {
    const client = new Client({ connection, namespace: NAMESPACE });
    await eventually(async () => {
      const ids: string[] = [];
      for await (const workflow of client.workflow.list({ query: "LicenceStage = 'renewed'" })) ids.push(workflow.workflowId);
      expect(ids).toEqual(['licence/weihai/鲁威药经CL00001']);
    }, 60_000);
  } finally {
    await connection.close();
  }
});

it("serves Temporal's Web UI, whose page decodes the licence's encrypted history through the engine's codec behind the proxy", async () => {
  const settings = (await sendJson(`${cluster.temporalUiUrl}/api/v1/settings`, 'GET')).body;
  expect(settings.Codec.Endpoint).toBe(`${cluster.url}/codec`);
  // The UI reads the cluster over mutual TLS, with the operator's certificate.
  const listed = await sendJson(`${cluster.temporalUiUrl}/api/v1/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent("LicenceStage = 'renewed'")}`, 'GET');
  expect(listed.status).toBe(200);
  expect(listed.body.executions.map((execution: { execution: { workflowId: string } }) => execution.execution.workflowId)).toEqual(['licence/weihai/鲁威药经CL00001']);
  const connection = await Connection.connect({ address: cluster.temporalAddress, tls: cluster.operatorTls });
  try {
    const { history } = await connection.workflowService.getWorkflowExecutionHistory({ namespace: NAMESPACE, execution: { workflowId: 'licence/weihai/鲁威药经CL00001' } });
    const input = history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const asJson = input.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    }));
    expect(Buffer.from(asJson[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    // As the browser sends it: from the UI's origin, through HAProxy.
    const decoded = await sendJson(`${cluster.url}/codec/decode`, 'POST', { payloads: asJson }, { origin: cluster.temporalUiUrl, 'x-namespace': NAMESPACE });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(cluster.temporalUiUrl);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString('utf8')).toContain('鲁威药经CL00001');
  } finally {
    await connection.close();
  }
});

it('comes back from the loss of its database disk: a base backup, brought forward by the WAL archive', async () => {
  const today = DateTime.now().setZone('Asia/Shanghai');
  // Beside PostgreSQL's data folder, where its user can write.
  const backupDir = `${cluster.postgresDataDir}-base-backup`;
  const sleeper = {
    bureau: 'weihai',
    licenceNumber: '鲁威药经CL00003',
    licenceType: 'WH01',
    holder: { name: '威海市备份药店' },
    contact: { name: '王芳', phone: '13912345673' },
    issuedOn: today.minus({ years: 1 }).toISODate(),
    expiresOn: today.plus({ years: 3 }).toISODate(),
  };
  const textedThenLost = {
    ...sleeper,
    licenceNumber: '鲁威药经CL00004',
    holder: { name: '威海市失而复得药店' },
    contact: { name: '李强', phone: '13912345674' },
    issuedOn: today.minus({ years: 4 }).toISODate(),
    expiresOn: today.plus({ days: 80 }).toISODate(),
  };
  try {
    const backup = takeBaseBackup(cluster, backupDir);
    // Registered after the backup: only the archived WAL holds it.
    const registered = await call('POST', '/api/v1/licences', sleeper);
    expect(registered.status).toBe(201);
    await archiveCurrentSegment(cluster);
    // Registered and texted after the last archived segment: the disk takes it, and the record of
    // its text, with it; the provider still has the text.
    const textedAt = Date.now();
    const lost = await call('POST', '/api/v1/licences', textedThenLost);
    expect(lost.status).toBe(201);
    await eventually(async () => expect((await providers()).sms.filter((text) => text.phone === textedThenLost.contact.phone)).toHaveLength(1), 120_000);
    const textsBefore = (await providers()).sms.length;

    await database.close();
    loseDatabaseDisk(cluster);
    expect(fs.existsSync(cluster.postgresDataDir)).toBe(false);
    restoreBaseBackup(cluster, backup, { replayArchive: true });
    await cluster.start();
    database = await openDatabase(parseDatabaseTarget(cluster.databaseUrl));

    expect((await call('GET', `/api/v1/licences/${registered.body.id}`)).body.stage).toBe('awaiting_window');
    // Temporal's databases came back from the same instant: the licence's workflow sleeps on.
    const connection = await Connection.connect({ address: cluster.temporalAddress, tls: cluster.operatorTls });
    try {
      const client = new Client({ connection, namespace: NAMESPACE });
      expect((await client.workflow.getHandle('licence/weihai/鲁威药经CL00003').describe()).status.name).toBe('RUNNING');
      expect((await client.workflow.getHandle('licence/weihai/鲁威药经CL00001').describe()).status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }
    // The approval system sending it again finds it registered.
    expect((await call('POST', '/api/v1/licences', sleeper)).status).toBe(200);

    // The engine was told what the restore lost before its processes started.
    const [restore, ...more] = await database.prisma.databaseRestore.findMany();
    expect(more).toEqual([]);
    expect(restore!.recoveredUpTo.getTime()).toBeLessThan(textedAt);
    // The texted licence is gone; the approval system registers it again, and its ladder finds
    // the text at the provider instead of sending it twice.
    expect((await call('GET', `/api/v1/licences/${lost.body.id}`)).status).toBe(404);
    const again = await call('POST', '/api/v1/licences', textedThenLost);
    expect(again.status).toBe(201);
    await eventually(async () => expect((await call('GET', `/api/v1/licences/${again.body.id}/history`)).body.events.map((event: { what: string }) => event.what)).toContain('SMS reminder sent'), 120_000);
    expect((await providers()).sms.filter((text) => text.phone === textedThenLost.contact.phone)).toHaveLength(1);
    // No text of before the restore goes again.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await providers()).sms).toHaveLength(textsBefore);
  } finally {
    fs.rmSync(backupDir, { recursive: true, force: true });
  }
});
