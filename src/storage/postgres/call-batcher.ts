interface Queued<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export interface CallBatcherOptions<Input> {
  /** Most inputs in one call. */
  maxBatch: number;
  /** Calls running at once; inputs arriving meanwhile wait for the next call. */
  maxInFlight: number;
  /** Inputs that may share a call (e.g. the same parameters apart from the per-item ones). */
  compatible?: (a: Input, b: Input) => boolean;
  /**
   * Whether a failed batch may have failed for one of its inputs; only then are they
   * retried one by one. Otherwise (the database is gone, a timeout) all get the error at
   * once instead of each waiting for its own failure.
   */
  retryOneByOne?: (error: unknown) => boolean;
}

/**
 * Group commit for a hot write: an input arriving while no call runs goes out at once;
 * inputs arriving while calls run are sent together by the next one. A quiet system pays
 * nothing, and a surge pays one round trip and one commit per batch instead of per input.
 * If a batch fails because of an input, its inputs are retried one by one, so only the
 * input that fails gets the error.
 */
export class CallBatcher<Input, Output> {
  private readonly queue: Array<Queued<Input, Output>> = [];
  private inFlight = 0;

  constructor(
    private readonly call: (inputs: Input[]) => Promise<Output[]>,
    private readonly options: CallBatcherOptions<Input>,
  ) {}

  submit(input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      void this.send(this.takeBatch());
    }
  }

  private takeBatch(): Array<Queued<Input, Output>> {
    const first = this.queue[0]!;
    const compatible = this.options.compatible ?? (() => true);
    let size = 1;
    while (
      size < this.queue.length &&
      size < this.options.maxBatch &&
      compatible(first.input, this.queue[size]!.input)
    )
      size++;
    return this.queue.splice(0, size);
  }

  private async send(batch: Array<Queued<Input, Output>>): Promise<void> {
    this.inFlight++;
    try {
      const outputs = await this.call(batch.map((queued) => queued.input));
      batch.forEach((queued, index) => queued.resolve(outputs[index]!));
    } catch (error) {
      const retry = batch.length > 1 && (this.options.retryOneByOne ?? (() => true))(error);
      if (retry) await this.sendOneByOne(batch);
      else for (const queued of batch) queued.reject(error);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }

  private async sendOneByOne(batch: Array<Queued<Input, Output>>): Promise<void> {
    for (const queued of batch) {
      try {
        const [output] = await this.call([queued.input]);
        queued.resolve(output!);
      } catch (error) {
        queued.reject(error);
      }
    }
  }
}
