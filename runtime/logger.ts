import pino, { type Logger } from 'pino';
import { maskPersonalData, maskPersonalText } from '../domain/personal-data';

export type { Logger } from 'pino';

/**
 * A structured logger (one JSON line per event) that masks phone and ID numbers in messages
 * and in every logged field.
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'licence-reminder-engine' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => maskPersonalData(fields),
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskPersonalText(arg) : arg));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
