import { defaultPayloadConverter, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { WORKFLOW_TIME_HEADER } from './workflow-time';

/** Bundled with the workflows (worker/worker.ts): every local activity learns the workflow's time. */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleLocalActivity(input, next) {
        return next({ ...input, headers: { ...input.headers, [WORKFLOW_TIME_HEADER]: defaultPayloadConverter.toPayload(Date.now()) } });
      },
    },
  ],
});
