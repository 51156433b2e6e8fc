import { isServerProblem, SEND_FAILURE_REASON_MAX, sendFailureReason } from '../../../src/mail/send-failure';

const context = { server: 'smtp.example.edu:587', messageSeconds: 30 };

describe('sendFailureReason', () => {
  it('quotes the mail server’s refusal with its code', () => {
    expect(
      sendFailureReason(
        { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 mailbox unavailable' },
        context,
      ),
    ).toBe('The mail server refused the message: 550 5.1.1 mailbox unavailable');
  });

  it('says which server could not be reached, and why, in words', () => {
    expect(
      sendFailureReason({ code: 'ESOCKET', message: 'connect ECONNREFUSED 10.0.0.1:587' }, context),
    ).toBe('Could not reach the mail server at smtp.example.edu:587 (connection refused).');
    expect(
      sendFailureReason({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.example.edu' }, context),
    ).toBe('Could not reach the mail server at smtp.example.edu:587 (host not found).');
    expect(sendFailureReason({ code: 'ETIMEDOUT', message: 'Greeting never received' }, context)).toBe(
      'The mail server at smtp.example.edu:587 did not answer in time.',
    );
    expect(sendFailureReason(Object.assign(new Error('aborted'), { name: 'AbortError' }), context)).toBe(
      'The mail server at smtp.example.edu:587 did not accept the message within 30 seconds.',
    );
  });

  it('names a refused login without any credential', () => {
    expect(
      sendFailureReason(
        { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication failed' },
        context,
      ),
    ).toBe(
      'The mail server at smtp.example.edu:587 refused Guestlink’s user name or password (535 5.7.8 Authentication failed).',
    );
  });

  it('is one line of at most 500 characters whatever the server says', () => {
    const reason = sendFailureReason(
      { responseCode: 554, response: `554 no\r\nX-Header: injected ${'x'.repeat(2000)}` },
      context,
    );
    expect(reason).not.toMatch(/[\r\n]/);
    expect(reason.length).toBeLessThanOrEqual(SEND_FAILURE_REASON_MAX);
    expect(reason.startsWith('The mail server refused the message: 554 no X-Header: injected x')).toBe(true);
  });
});

describe('isServerProblem', () => {
  it('is false only for the server refusing this recipient or message', () => {
    expect(isServerProblem({ code: 'EENVELOPE', responseCode: 550, response: '550 no such user' })).toBe(
      false,
    );
    expect(isServerProblem({ code: 'EENVELOPE', responseCode: 452, response: '452 mailbox full' })).toBe(
      false,
    );
    expect(isServerProblem({ code: 'EMESSAGE', responseCode: 554, response: '554 rejected' })).toBe(false);
    // Nodemailer's own check of this message, before any server answered.
    expect(isServerProblem({ code: 'EENVELOPE', message: 'No recipients defined' })).toBe(false);
  });

  it('is true for what the rest of a batch would meet too', () => {
    for (const error of [
      { code: 'ESOCKET', message: 'connect ECONNREFUSED 10.0.0.1:587' },
      { code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.example.edu' },
      { code: 'ETIMEDOUT', message: 'Greeting never received' },
      { code: 'ETLS', message: 'certificate has expired' },
      { code: 'EAUTH', responseCode: 535, response: '535 bad credentials' },
      { code: 'EENVELOPE', responseCode: 421, response: '421 service not available, closing channel' },
      { code: 'EPROTOCOL', responseCode: 554, response: '554 no SMTP service here' },
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
    ])
      expect(isServerProblem(error)).toBe(true);
  });
});
