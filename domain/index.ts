// Pure domain rules shared by workflows and the API. Nothing here may import Node built-ins,
// do I/O or read the clock: workflows replay this code and must get the same answers.
export * from './calendar-date';
export * from './licence';
export * from './reminder-window';
export * from './personal-data';
export * from './ladder';
export * from './working-days';
export * from './validity-rule';
export * from './working-calendar';
export * from './message-templates';
export * from './reminder-words';
export * from './holder-replies';
export * from './sms-wording';
export * from './holder-texts';
export * from './wechat-messages';
