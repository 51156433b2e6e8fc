import net from 'node:net';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/**
 * A real SMTP server for tests (smtp-server on 127.0.0.1, an ephemeral port): it keeps every
 * message it accepted, parsed with mailparser, and can be told to refuse recipients, to vanish
 * in the middle of a message, or to stop altogether, so tests see what a mail server does.
 *
 *   const smtp = await startSmtpServer();
 *   const server = await startTestServer({ SMTP_URL: smtp.url });
 *   …
 *   const [mail] = await smtp.waitFor(1);
 *   expect(mail.envelope.to).toEqual(['ada@example.com']);
 *   await smtp.close();
 */

export interface ReceivedMail {
  /** The SMTP envelope: who the server was told the message is from and for (RCPT TO). */
  envelope: { from: string; to: string[] };
  /** Header names in lower case; values as mailparser decodes them. */
  headers: Map<string, HeaderValue>;
  subject: string;
  /** The To header's addresses. */
  to: string[];
  text: string;
  html: string;
  /** Every http(s) address in the plain text part, in order. */
  links: string[];
  raw: string;
}

export interface Refusal {
  /** The SMTP reply code, e.g. 550. */
  code: number;
  message: string;
  /** Only this recipient (case-insensitive); every recipient when omitted. */
  recipient?: string;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>`: for SMTP_URL. */
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Resolves with the messages once `count` have arrived; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** From now on, answer RCPT TO with this refusal (null: accept again). */
  refuse(refusal: Refusal | null): void;
  /** From now on, vanish (drop every connection, stop listening) when a message's data arrives. */
  disappearOnData(): void;
  /** From now on, take `ms` to answer each message's data (0: at once): a slow mail server. */
  answerDataAfter(ms: number): void;
  /** Drop every connection and stop listening at once: the server is gone. */
  disappear(): Promise<void>;
  close(): Promise<void>;
}

const RECEIVED_LINK = /https?:\/\/[^\s<>"')\]]+/g;

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

function envelopeAddress(address: SMTPServerAddress | false): string {
  return address ? address.address : '';
}

/** `port`: listen on this one (e.g. to come back where a stopped server was); 0 picks a free one. */
export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<net.Socket>();
  let refusal: Refusal | null = null;
  let vanishOnData = false;
  let dataDelayMs = 0;
  let gone = false;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refused =
        refusal &&
        (refusal.recipient === undefined ||
          refusal.recipient.toLowerCase() === address.address.toLowerCase());
      if (!refused) return callback();
      const error = Object.assign(new Error(refusal!.message), { responseCode: refusal!.code });
      callback(error);
    },
    onData(stream, session, callback) {
      if (vanishOnData) {
        stream.resume();
        void vanish();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => setTimeout(keep, dataDelayMs));
      const keep = () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const text = parsed.text ?? '';
            received.push({
              envelope: {
                from: envelopeAddress(session.envelope.mailFrom),
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              },
              headers: parsed.headers,
              subject: parsed.subject ?? '',
              to: addresses(parsed.to),
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              links: text.match(RECEIVED_LINK) ?? [],
              raw,
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      };
    },
  });
  server.server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // A dropped connection's socket error is expected here, not a test failure.
  server.on('error', () => {});
  const port = (server.server.address() as net.AddressInfo).port;

  async function vanish(): Promise<void> {
    if (gone) return;
    gone = true;
    const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    waitFor(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} messages within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    refuse(next) {
      refusal = next;
    },
    disappearOnData() {
      vanishOnData = true;
    },
    answerDataAfter(ms) {
      dataDelayMs = ms;
    },
    disappear: vanish,
    close: vanish,
  };
}

/** A TCP server that accepts connections and never says a word: an SMTP server that hangs. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An address on which nothing listens (the port was free a moment ago). */
export async function unusedSmtpUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}
