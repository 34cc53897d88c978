/** A scriptable stand-in for the worker client: records calls, resolves them when told to. */
import { WorkerCallError, type CallOptions, type Job, type MlClientLike } from '../../worker/client';
import type { CallArgs, CallEvent, CallName, CallResult } from '../../worker/protocol';

export interface FakeCall {
  id: number;
  call: CallName;
  args: unknown;
  cancelled: boolean;
  settled: boolean;
  emit(event: unknown): void;
  resolve(value: unknown): void;
  reject(code: string, message?: string): void;
}

export class FakeClient implements MlClientLike {
  readonly calls: FakeCall[] = [];
  /** Calls answered at once, without the test resolving them. */
  readonly auto: Partial<{ [K in CallName]: (args: CallArgs<K>) => CallResult<K> }> = {};
  private nextId = 1;

  call<K extends CallName>(call: K, args: CallArgs<K>, opts: CallOptions<CallEvent<K>> = {}): Job<CallResult<K>> {
    const id = this.nextId++;
    let resolve!: (v: CallResult<K>) => void;
    let reject!: (e: unknown) => void;
    const result = new Promise<CallResult<K>>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const rec: FakeCall = {
      id,
      call,
      args,
      cancelled: false,
      settled: false,
      emit: (e) => opts.onEvent?.(e as CallEvent<K>),
      resolve: (v) => {
        rec.settled = true;
        resolve(v as CallResult<K>);
      },
      reject: (code, message = code) => {
        rec.settled = true;
        reject(new WorkerCallError({ code: code as never, message }));
      },
    };
    this.calls.push(rec);
    const auto = this.auto[call] as ((a: CallArgs<K>) => CallResult<K>) | undefined;
    if (auto) rec.resolve(auto(args));
    return { id, result, cancel: () => void (rec.cancelled = true) };
  }

  of(call: CallName): FakeCall[] {
    return this.calls.filter((c) => c.call === call);
  }

  last(call: CallName): FakeCall {
    const all = this.of(call);
    const c = all[all.length - 1];
    if (!c) throw new Error(`no ${call} call`);
    return c;
  }
}

/** Lets pending promise callbacks run. */
export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
