import { inEnglish, text } from '../i18n/translator';
import type { Mailer, OutgoingMail, SendOutcome } from './mailer';

/**
 * One request's emails (Invite users): a few at a time, and never longer than the batch's
 * deadline in all, so a slow or silent mail server cannot hold the teacher's request. Once a
 * message fails for a reason about the server (unreachable, silent, TLS, sign-in; not a refused
 * recipient), the messages not yet tried get that same reason at once, without trying: the rest
 * would only wait for the same failure. At the deadline, the messages still waiting are given
 * up and those not tried are not sent ("The mail server did not answer within N seconds."). Either way
 * they can be sent again with Retry or Resend.
 */

export interface BatchSettings {
  /** Messages in flight at once. */
  concurrency: number;
  deadlineMs: number;
}

/** The outcome of the messages the deadline stopped. */
export function deadlineOutcome(deadlineMs: number): Extract<SendOutcome, { ok: false }> {
  const reason = text('invitations:mail.batchDeadline', { seconds: Math.round(deadlineMs / 1000) });
  return { ok: false, reason: inEnglish(reason), text: reason, server: true };
}

/**
 * Sends each item's mail and hands each outcome to `record` as it comes (in the order sent),
 * resolving with what `record` returned, in the items' order.
 */
export async function sendBatch<T, R>(
  mailer: Pick<Mailer, 'send'>,
  items: readonly T[],
  compose: (item: T) => OutgoingMail,
  record: (item: T, outcome: SendOutcome) => Promise<R>,
  settings: BatchSettings,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // Aborted at the deadline or at the first failure about the server: the messages still
  // waiting on that server give up too (they would only wait for the same failure).
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), settings.deadlineMs);
  let serverFailure: SendOutcome | null = null;
  let next = 0;

  const stopped = (): SendOutcome => serverFailure ?? deadlineOutcome(settings.deadlineMs);
  const outcomeOf = async (item: T): Promise<SendOutcome> => {
    if (stop.signal.aborted) return stopped();
    const outcome = await mailer.send(compose(item), stop.signal);
    if (outcome.ok) return outcome;
    // Given up: say why, rather than whatever the interrupted send reported.
    if (stop.signal.aborted) return stopped();
    if (outcome.server) {
      serverFailure = outcome;
      stop.abort();
    }
    return outcome;
  };

  // A failure to compose or record (the database gone) ends the batch: the others stop too, so
  // nothing is still sending once the request has answered, and the first error is thrown.
  const broken: { error?: unknown; happened: boolean } = { happened: false };
  const worker = async () => {
    while (next < items.length && !broken.happened) {
      const index = next++;
      const item = items[index]!;
      try {
        results[index] = await record(item, await outcomeOf(item));
      } catch (error) {
        if (!broken.happened) Object.assign(broken, { error, happened: true });
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, items.length) }, worker));
  clearTimeout(timer);
  if (broken.happened) throw broken.error;
  return results;
}
