import type { OutgoingMail, SendOutcome } from '../../../src/mail/mailer';
import { sendBatch } from '../../../src/mail/send-batch';

/** A mail server stand-in that accepts each message after `delayMs`, or when its send is aborted. */
function slowMailer(delayMs: number) {
  const started: string[] = [];
  const aborted: string[] = [];
  return {
    started,
    aborted,
    send(mail: OutgoingMail, signal?: AbortSignal): Promise<SendOutcome> {
      started.push(mail.to.address);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ ok: true }), delayMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          aborted.push(mail.to.address);
          resolve({ ok: false, reason: 'aborted', server: true });
        });
      });
    },
  };
}

const compose = (address: string): OutgoingMail => ({
  to: { name: address, address },
  subject: 's',
  text: 't',
  html: 'h',
});
const settings = { concurrency: 4, deadlineMs: 5_000 };

describe('sendBatch when recording an outcome fails (the database gone)', () => {
  it('throws that error, once, after stopping the messages in flight; none start afterwards', async () => {
    const mailer = slowMailer(30);
    const items = Array.from({ length: 20 }, (_, i) => `p${i}@example.org`);
    const broken = new Error('database gone');
    const recorded: string[] = [];
    const record = async (item: string) => {
      if (item === 'p1@example.org') throw broken;
      recorded.push(item);
      return item;
    };

    await expect(sendBatch(mailer, items, compose, record, settings)).rejects.toBe(broken);
    const startedWhenAnswered = mailer.started.length;
    // Those sent alongside p1 were stopped, not left sending after the answer.
    expect(startedWhenAnswered).toBeLessThan(items.length);
    expect(mailer.aborted.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(mailer.started).toHaveLength(startedWhenAnswered);
  });

  it('sends everything when nothing fails', async () => {
    const mailer = slowMailer(1);
    const items = Array.from({ length: 9 }, (_, i) => `p${i}@example.org`);
    const results = await sendBatch(mailer, items, compose, async (item) => item.toUpperCase(), settings);
    expect(results).toEqual(items.map((item) => item.toUpperCase()));
    expect(mailer.aborted).toHaveLength(0);
  });
});
