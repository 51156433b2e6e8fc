/**
 * The plain line printed (on stderr, beside the JSON logs on stdout) once Guestlink listens:
 * the address to open, which a person should not have to dig out of a log line.
 */
export function readyMessage(publicUrl: string, sandboxOn: boolean): string {
  const sandbox = sandboxOn ? ` (LMS sandbox: ${publicUrl}/sandbox)` : '';
  return `Guestlink is ready: open ${publicUrl}/${sandbox}\n`;
}
