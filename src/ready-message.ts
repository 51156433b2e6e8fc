import fs from 'node:fs';

/**
 * The plain line printed (on stderr, beside the JSON logs on stdout) once Guestlink listens:
 * the address to open, which a person should not have to dig out of a log line.
 */
export function readyMessage(publicUrl: string, sandboxOn: boolean): string {
  const sandbox = sandboxOn ? ` (LMS sandbox: ${publicUrl}/sandbox)` : '';
  return `Guestlink is ready: open ${publicUrl}/${sandbox}\n`;
}

/**
 * Prints the ready line. It is for a person at a terminal: a full or closed stderr (a log disk
 * out of space) must not end the server, so a failed write is dropped, like a refused log line.
 */
export function printReadyMessage(publicUrl: string, sandboxOn: boolean): void {
  try {
    fs.writeSync(process.stderr.fd, readyMessage(publicUrl, sandboxOn));
  } catch {
    // Nobody could read it there anyway.
  }
}
