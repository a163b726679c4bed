/**
 * The topology's mutual TLS certificates: made once, kept while they are good, and signed again
 * before they run out, since every process of the cluster stops reaching Temporal the day they do.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CERTIFIED_PARTIES, certificateFiles, ensureCertificates } from '../../cluster/certificates';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificates-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const fingerprint = (file: string) => execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).trim();
const fingerprints = () => Object.fromEntries(['ca', ...CERTIFIED_PARTIES].map((name) => [name, fingerprint(path.join(dir, `${name}.pem`))]));

it("makes a CA and a certificate it signed for each party, keeps them while they are good, and keeps the keys private", () => {
  expect(ensureCertificates(dir)).toBe(true);
  const made = fingerprints();
  for (const party of CERTIFIED_PARTIES) {
    const { caFile, certFile, keyFile } = certificateFiles(dir, party);
    expect(execFileSync('openssl', ['verify', '-CAfile', caFile, certFile], { encoding: 'utf8' })).toBe(`${certFile}: OK\n`);
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
  }
  const served = execFileSync('openssl', ['x509', '-in', certificateFiles(dir, 'cluster').certFile, '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
  expect(served).toContain('DNS:temporal-frontend, DNS:temporal-internode, DNS:localhost, IP Address:127.0.0.1');
  expect(ensureCertificates(dir)).toBe(false);
  expect(fingerprints()).toEqual(made);
});

it('signs a certificate again within 30 days of its end, and makes a new CA, and signs every certificate again, within 30 days of the CA’s', () => {
  ensureCertificates(dir);
  const good = fingerprints();
  fs.rmSync(certificateFiles(dir, 'engine').certFile);
  ensureCertificates(dir, { validDays: 20 });
  const ending = fingerprints();
  expect(ensureCertificates(dir)).toBe(true);
  const renewed = fingerprints();
  expect({ ca: renewed.ca === good.ca, cluster: renewed.cluster === good.cluster, operator: renewed.operator === good.operator, engine: renewed.engine !== ending.engine }).toEqual({
    ca: true,
    cluster: true,
    operator: true,
    engine: true,
  });

  fs.rmSync(path.join(dir, 'ca.pem'));
  ensureCertificates(dir, { caValidDays: 20 });
  const endingCa = fingerprints();
  expect(ensureCertificates(dir)).toBe(true);
  const all = fingerprints();
  for (const name of ['ca', ...CERTIFIED_PARTIES]) expect([name, all[name] === endingCa[name]]).toEqual([name, false]);
  for (const party of CERTIFIED_PARTIES) {
    const { caFile, certFile } = certificateFiles(dir, party);
    expect(execFileSync('openssl', ['verify', '-CAfile', caFile, certFile], { encoding: 'utf8' })).toBe(`${certFile}: OK\n`);
  }
});
