import { defaultPayloadConverter, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { WORKFLOW_TIME_HEADER, type LocalStepRecord } from './local-steps';

/**
 * Bundled with the workflows (worker/worker.ts): every local activity learns the workflow's time,
 * and answers with a record of what it was asked (activities/local-steps.ts), of which the
 * workflow takes the answer.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleLocalActivity(input, next) {
        const record = (await next({ ...input, headers: { ...input.headers, [WORKFLOW_TIME_HEADER]: defaultPayloadConverter.toPayload(Date.now()) } })) as LocalStepRecord;
        return record.answer;
      },
    },
  ],
});
