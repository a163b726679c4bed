import net from 'node:net';
import { startTestSystem } from '../support/system';

// The ports a test system gets are free when found, and may be taken before the dev server binds
// them: here the Temporal UI's port is handed out already taken, as another process could take it.
let takenPort = 0;
let portsHandedOut = 0;
jest.mock('../support/ports', () => {
  const real = jest.requireActual('../support/ports');
  return { freePort: async () => (++portsHandedOut === 3 ? takenPort : real.freePort()) };
});

it('a test system whose port was taken before the dev server bound it starts again on fresh ports', async () => {
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  takenPort = (squatter.address() as net.AddressInfo).port;
  try {
    const system = await startTestSystem();
    try {
      expect({ portsHandedOut, uiPort: system.env.TEMPORAL_UI_PORT }).toEqual({ portsHandedOut: 6, uiPort: expect.not.stringMatching(`^${takenPort}$`) });
      expect((await system.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await system.stop();
    }
  } finally {
    squatter.close();
  }
}, 120_000);
