import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { licenceDataConverter } from './data-converter';

/** A Temporal client with the connection it must close. */
export interface TemporalClient {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/**
 * Connects a Temporal client.
 *
 * @param address `host:port` of the frontend service.
 * @param payloadCodec encrypts what the client sends and decrypts what it reads; the worker must use the same keys.
 * @param tls mutual TLS, for a cluster that asks for it (runtime/temporal-tls.ts).
 */
export async function connectTemporalClient(address: string, namespace: string, payloadCodec?: PayloadCodec, tls?: TLSConfig): Promise<TemporalClient> {
  const connection = await Connection.connect({ address, ...(tls ? { tls } : {}) });
  const client = new Client({ connection, namespace, ...(payloadCodec ? { dataConverter: licenceDataConverter(payloadCodec) } : {}) });
  return { client, connection, close: () => connection.close() };
}
