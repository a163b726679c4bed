// The worker bundles this file: export every workflow function and nothing with side effects.
export { licenceWorkflow } from './licence/workflow';
export { replanCatalogueEntryWorkflow } from './replan-workflow';
export { batchNoticeWorkflow } from './batch-notice-workflow';
export { inspectionWorkflow } from './inspection-workflow';
export { smsReconciliationWorkflow } from './sms-reconciliation-workflow';
