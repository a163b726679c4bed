/**
 * The default ladder for a licence expiring 2027-05-31: the SMS falls due on Sunday 7 March 2027
 * and goes out at 09:00 on Monday 8 March; after a delivered one the call is due 14 days later.
 */
export const SMS_TIMELINE = {
  expiresOn: '2027-05-31',
  smsSent: '2027-03-08T01:00:00.000Z',
  callDue: '2027-03-22T01:00:00.000Z',
};

export const HOUR = 3_600_000;

/** The instant `ms` after an ISO instant, as an ISO instant. */
export const after = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
