/**
 * The certificates of a topology's mutual TLS, made in the topology's folder with OpenSSL (Debian's
 * openssl package) and signed again as they near their end: a CA of its own, and certificates it
 * signs for
 * - the Temporal services (`cluster`): each serves with it and shows it to the others, and the
 *   server's own system workers show it to the frontend;
 * - the engine's API and worker processes (`engine`);
 * - the operator's tools (`operator`): the CLI that registers the namespace, the Web UI, and the
 *   benchmarks, drills and tests that read the cluster.
 * A Temporal service answers no one without a certificate the CA signed. docker-compose.yml takes
 * the same files from the operator (`TEMPORAL_TLS_DIR`): `npm run cluster -- certificates <dir>`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The names the services' certificate answers to: the frontend's clients dial it by address or name; the services check each other by the internode name. */
export const FRONTEND_NAME = 'temporal-frontend';
export const INTERNODE_NAME = 'temporal-internode';

export const CERTIFIED_PARTIES = ['cluster', 'engine', 'operator'] as const;
export type CertifiedParty = (typeof CERTIFIED_PARTIES)[number];

export interface CertificateFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A certificate's life; the CA's is longer, so that the certificates it signs end first. */
const VALID_DAYS = 825;
const CA_VALID_DAYS = 3650;
/** A certificate this near its end is signed again at the next start: the processes read theirs as they start. */
const RENEW_WITHIN_DAYS = 30;

/** The files of one party's certificate in `dir`, with the CA that signed it. */
export function certificateFiles(dir: string, party: CertifiedParty): CertificateFiles {
  return { caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, `${party}.pem`), keyFile: path.join(dir, `${party}.key`) };
}

/**
 * Makes the CA and each party's certificate in `dir` where missing or within 30 days of its end;
 * returns whether it made any.
 */
export function ensureCertificates(dir: string, { validDays = VALID_DAYS, caValidDays = CA_VALID_DAYS } = {}): boolean {
  const ca = { certFile: path.join(dir, 'ca.pem'), keyFile: path.join(dir, 'ca.key') };
  const newCa = !isCurrent(ca.certFile);
  // A new CA makes every certificate signed before it worthless: all are signed again.
  const unsigned = CERTIFIED_PARTIES.filter((party) => newCa || !isCurrent(certificateFiles(dir, party).certFile));
  if (!newCa && unsigned.length === 0) return false;
  requireOpenssl();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (newCa) {
    openssl(['req', '-x509', ...newKey(ca.keyFile), '-out', ca.certFile, '-days', String(caValidDays), '-subj', '/CN=licence reminders Temporal CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  for (const party of unsigned) {
    const { certFile, keyFile } = certificateFiles(dir, party);
    const uses = party === 'cluster'
      ? ['-addext', `subjectAltName=DNS:${FRONTEND_NAME},DNS:${INTERNODE_NAME},DNS:localhost,IP:127.0.0.1`, '-addext', 'extendedKeyUsage=serverAuth,clientAuth']
      : ['-addext', 'extendedKeyUsage=clientAuth'];
    openssl(['req', '-x509', ...newKey(keyFile), '-out', certFile, '-days', String(validDays), '-subj', `/CN=licence reminders ${party}`,
      '-CA', ca.certFile, '-CAkey', ca.keyFile, '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', ...uses]);
  }
  return true;
}

/** Whether a certificate file is there and good for more than RENEW_WITHIN_DAYS. */
function isCurrent(certFile: string): boolean {
  if (!fs.existsSync(certFile)) return false;
  try {
    execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-checkend', String(RENEW_WITHIN_DAYS * 86_400)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function newKey(keyFile: string): string[] {
  // Made empty and private first: openssl writes into it, keeping its mode.
  fs.writeFileSync(keyFile, '', { mode: 0o600 });
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile];
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
}

function requireOpenssl(): void {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error("OpenSSL is not installed: run 'npm run setup -- --cluster' (Debian: apt-get install openssl).");
  }
}
