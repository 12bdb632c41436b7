import { Worker } from 'node:worker_threads';
import type { CheckedSite } from '../compile.js';
import type { Diagnostic } from '../report/diagnostic.js';
import { UsageError, type UsageCode } from '../report/exit-codes.js';
import type { LocatedDiagnostic } from '../report/format.js';
import { locateLayered } from '../layers/locate.js';
import { claimFactsOf, type ClaimFacts } from '../validate/cross-site.js';

/** What a run needs of a checked site, as plain data (a worker thread sends it to the run). */
export interface SiteCheck {
  readonly file: string;
  readonly stem: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly located: LocatedDiagnostic[];
  /** What the site claims among the sites of the run (when its model could be built). */
  readonly claims: ClaimFacts | undefined;
  /** compose.dev.source, which the run checks on disk. */
  readonly devSource: string | undefined;
}

/** A checked site as plain data. */
export function summarise(c: CheckedSite): SiteCheck {
  const model = c.model;
  return {
    file: c.source.file,
    stem: c.source.stem,
    diagnostics: c.diagnostics,
    located: locateLayered(c.diagnostics, c.layers),
    claims: c.site !== undefined && model !== undefined ? claimFactsOf(c.site, model) : undefined,
    devSource: model?.targets.compose === true ? model.composeDev?.source : undefined,
  };
}

/** One site for a worker: read it (from `cwd`) and check it. */
export interface SiteTask {
  readonly path: string;
  readonly cwd: string;
}

/** A worker's answer: the site, or the error that stopped it (a usage error keeps its code). */
export type SiteAnswer =
  | { readonly id: number; readonly check: SiteCheck }
  | { readonly id: number; readonly error: { readonly code?: UsageCode; readonly message: string; readonly stack?: string } };

/**
 * Worker threads (src/cli/site-worker.ts) that check sites: sites are independent, so validate of
 * many sites uses every core. Each worker takes one site at a time; the run takes the answers in site order,
 * so reports and output are the same as a run in one thread.
 */
export class SitePool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; task: SiteTask }[] = [];
  private readonly pending = new Map<number, { resolve: (c: SiteCheck) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  constructor(
    private readonly script: URL,
    private readonly count: number,
  ) {}

  check(task: SiteTask): Promise<SiteCheck> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.all.length < this.count ? this.spawn() : undefined);
      if (worker === undefined) return;
      const { id, task } = this.queue.shift()!;
      worker.postMessage({ id, task });
    }
  }

  private spawn(): Worker {
    // A small heap each: a worker holds one site at a time, and a lazy collector would otherwise let it grow.
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
    this.all.push(worker);
    worker.on('message', (answer: SiteAnswer) => {
      const p = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      this.idle.push(worker);
      if ('check' in answer) p?.resolve(answer.check);
      else {
        const e =
          answer.error.code !== undefined
            ? new UsageError(answer.error.code, answer.error.message)
            : Object.assign(new Error(answer.error.message), { stack: answer.error.stack });
        p?.reject(e);
      }
      this.dispatch();
    });
    // A worker that dies (out of memory, a bug) fails every site it or the queue still owes.
    worker.on('error', (e) => {
      this.fail(e);
    });
    return worker;
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.queue.length = 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
