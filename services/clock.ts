/**
 * The instant the API and the pages judge due times, overdue tasks and reminder windows against.
 * The workflows' timers run on the Temporal server's clock: in production that is the wall clock,
 * and a test passes its test server's clock, so that an overdue flag or a dashboard agrees with
 * the timers that made the task.
 */
export type Clock = () => Promise<Date>;

export const wallClock: Clock = async () => new Date();
