import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** Where a process finds what it needs to reach a Temporal cluster over TLS (PEM files). */
export interface TemporalTlsFiles {
  /** This client's certificate and private key, which the cluster's CA signed, for a cluster that asks for mutual TLS. */
  clientCertificate?: { certFile: string; keyFile: string };
  /** The CA that signed the frontend's certificate; unset, the system's roots. */
  caFile?: string;
  /** The name the frontend's certificate carries, when it is not the host the client dials. */
  serverName?: string;
}

/** The TLS settings the Temporal client and the worker's connection take, read from the files. */
export function temporalTlsConfig(files: TemporalTlsFiles): TLSConfig {
  return {
    ...(files.clientCertificate ? { clientCertPair: { crt: fs.readFileSync(files.clientCertificate.certFile), key: fs.readFileSync(files.clientCertificate.keyFile) } } : {}),
    ...(files.caFile ? { serverRootCACertificate: fs.readFileSync(files.caFile) } : {}),
    ...(files.serverName ? { serverNameOverride: files.serverName } : {}),
  };
}
