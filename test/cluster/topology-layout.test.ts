/**
 * Where a topology keeps its state: two checkouts may run a topology each, one after the other on
 * the same ports, and neither may find the other's database (whose passwords are the other's).
 */
import os from 'node:os';
import path from 'node:path';
import { Cluster, MAX_BASE_PORT } from '../../cluster/topology';

it("keeps each topology folder's PostgreSQL data apart, even on the same base port", () => {
  const first = new Cluster({ dir: path.join(os.tmpdir(), 'checkout-a', '.cluster'), basePort: 17_000 });
  const second = new Cluster({ dir: path.join(os.tmpdir(), 'checkout-b', '.cluster'), basePort: 17_000 });
  expect(first.logFile('postgresql')).not.toBe(second.logFile('postgresql'));
  expect(new Cluster({ dir: path.join(os.tmpdir(), 'checkout-a', '.cluster'), basePort: 17_000 }).logFile('postgresql')).toBe(first.logFile('postgresql'));
});

it('refuses a base port whose membership ports Temporal cannot store', () => {
  expect(() => new Cluster({ dir: os.tmpdir(), basePort: MAX_BASE_PORT + 1000 })).toThrow(/base port must be a whole number from 1024 to 31000/);
});
