import { Prisma } from '../generated/prisma/client';

/**
 * A UTC instant for a `timestamp(3)` column in a raw statement, stored as Prisma stores a
 * DateTime: in UTC, whatever the database session's time zone.
 */
export function utcTimestamp(instant: Date): Prisma.Sql {
  return Prisma.sql`(${instant.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}
