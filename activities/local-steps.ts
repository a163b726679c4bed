import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { WORKFLOW_TIME_HEADER, type LocalStepRecord } from '../workflows/local-steps';
import { atWorkflowTime } from './clock';

/**
 * The worker's side of workflows/interceptors.ts, for local activities only: runs one on the
 * workflow's time it was asked at (activityNow), and answers with what it was asked beside its
 * answer, for the marker to record.
 */
export const localStepInterceptor: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      if (!context.info.isLocal) return next(input);
      const header = input.headers[WORKFLOW_TIME_HEADER];
      const answer = header ? await atWorkflowTime(defaultPayloadConverter.fromPayload<number>(header), () => next(input)) : await next(input);
      const record: LocalStepRecord = { asked: input.args[0], answer };
      return record;
    },
  },
});
