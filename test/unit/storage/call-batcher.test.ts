import { CallBatcher } from '../../../src/storage/postgres/call-batcher';

/** A call that records the batches it was given and answers when released. */
function gatedCall() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const call = async (inputs: number[]) => {
    batches.push(inputs);
    await new Promise<void>((release) => gates.push(release));
    return inputs.map((input) => input * 10);
  };
  const releaseNext = async () => {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()!();
  };
  return { batches, call, releaseNext };
}

describe('CallBatcher', () => {
  it('sends a lone input at once and gathers those arriving meanwhile into the next call', async () => {
    const { batches, call, releaseNext } = gatedCall();
    const batcher = new CallBatcher(call, { maxBatch: 10, maxInFlight: 1 });
    const first = batcher.submit(1);
    const rest = [2, 3, 4].map((input) => batcher.submit(input));
    expect(batches).toEqual([[1]]);
    await releaseNext();
    expect(await first).toBe(10);
    await releaseNext();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps to the batch size, the calls in flight and the compatibility rule', async () => {
    const { batches, call, releaseNext } = gatedCall();
    const batcher = new CallBatcher(call, {
      maxBatch: 2,
      maxInFlight: 2,
      compatible: (a, b) => a % 2 === b % 2,
    });
    const results = [1, 3, 5, 2, 4, 6, 7].map((input) => batcher.submit(input));
    expect(batches).toEqual([[1], [3]]);
    for (let call = 0; call < 6; call++) await releaseNext();
    expect(await Promise.all(results)).toEqual([10, 30, 50, 20, 40, 60, 70]);
    expect(batches).toEqual([[1], [3], [5], [2, 4], [6], [7]]);
  });

  it('retries a failed batch one input at a time, so only the failing input gets the error', async () => {
    const batches: string[][] = [];
    let fail = true;
    const batcher = new CallBatcher<string, string>(
      async (inputs) => {
        batches.push(inputs);
        await new Promise((resolve) => setImmediate(resolve));
        if (inputs.includes('bad') || fail) {
          fail = false;
          throw new RangeError(`refused ${inputs.join(',')}`);
        }
        return inputs.map((input) => input.toUpperCase());
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const lone = batcher.submit('first');
    const grouped = ['a', 'bad', 'b'].map((input) => batcher.submit(input).catch((error: Error) => error));
    await expect(lone).rejects.toThrow('refused first');
    const [a, bad, b] = await Promise.all(grouped);
    expect(a).toBe('A');
    expect(bad).toBeInstanceOf(RangeError);
    expect(b).toBe('B');
    expect(batches).toEqual([['first'], ['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
  });

  it('gives every input of a batch the error at once when it was not one input’s fault', async () => {
    const batches: number[][] = [];
    const outage = Object.assign(new Error('connection terminated'), { code: '57P01' });
    const batcher = new CallBatcher<number, number>(
      async (inputs) => {
        batches.push(inputs);
        await new Promise((resolve) => setImmediate(resolve));
        throw outage;
      },
      {
        maxBatch: 10,
        maxInFlight: 1,
        retryOneByOne: (error) => (error as { code?: string }).code === '23505',
      },
    );
    const results = [1, 2, 3].map((input) => batcher.submit(input).catch((error: unknown) => error));
    expect(await Promise.all(results)).toEqual([outage, outage, outage]);
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
