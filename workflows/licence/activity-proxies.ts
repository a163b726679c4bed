import { proxyActivities } from '@temporalio/workflow';
import type { LicenceActivities } from '../../activities';

/** Every step but a regulator push: the read model or a channel may be down for a while; keep trying rather than lose a step. */
export const activities = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Regulators may be unreachable for days: retry with backoff up to an hour apart, without end. */
export const regulatorDelivery = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour' },
});
