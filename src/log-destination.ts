import fs from 'node:fs';

/** How long one line may wait on a busy pipe (EAGAIN) before it is dropped instead. */
const BUSY_RETRY_LIMIT = 50;
const BUSY_WAIT_MS = 2;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Where pino writes. pino's own writer re-emits a failed write (a full disk's ENOSPC) as
 * an unhandled 'error' that stalls and then ends the process; logging must never stop
 * the server. Each line is written synchronously; a line the file descriptor refuses is
 * dropped and counted, and the next line that gets through is preceded by a notice of
 * how many were lost and why. Nothing is buffered, so a full disk never grows memory.
 */
export class DroppingLogDestination {
  private droppedLines = 0;
  private lastDropCause = '';

  constructor(
    private readonly fd: number,
    private readonly service: string,
  ) {}

  write(line: string): void {
    if (this.droppedLines > 0) {
      if (!this.tryWrite(this.lostLinesNotice())) {
        this.droppedLines += 1;
        return;
      }
      this.droppedLines = 0;
    }
    if (!this.tryWrite(line)) this.droppedLines += 1;
  }

  private lostLinesNotice(): string {
    const notice = {
      level: 40,
      time: Date.now(),
      service: this.service,
      droppedLines: this.droppedLines,
      cause: this.lastDropCause,
      msg: 'Log lines were lost: the log destination refused them',
    };
    return `${JSON.stringify(notice)}\n`;
  }

  private tryWrite(text: string): boolean {
    let rest = Buffer.from(text);
    let busyRetries = 0;
    while (rest.length > 0) {
      try {
        rest = rest.subarray(fs.writeSync(this.fd, rest));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        if (code === 'EAGAIN' && busyRetries < BUSY_RETRY_LIMIT) {
          busyRetries += 1;
          Atomics.wait(sleeper, 0, 0, BUSY_WAIT_MS);
          continue;
        }
        this.lastDropCause = code;
        return false;
      }
    }
    return true;
  }
}
