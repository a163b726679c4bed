import { Client, Connection } from '@temporalio/client';

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
 */
export async function connectTemporalClient(address: string, namespace: string): Promise<TemporalClient> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  return { client, connection, close: () => connection.close() };
}
