/**
 * Issue #16's goals for the HTTP path, checked on one run's figures: against the peer a user would write, against
 * the sum of what it cannot avoid, and in Lambda cost against the floor at predict's memory size.
 */
import { percentiles } from './stats';
import { costPerThousand } from './cost';
import type { InProcessRuns } from './in-process';
import { throughput, type Run } from './measure';

export interface GoalFigures {
  inProcess: InProcessRuns;
  /** (e) HTTP predict, its throughput measured at IN_FLIGHT. */
  http: Run;
  /** (p) the peer, likewise. */
  peer: Run;
  /** (e₀) the platform's HTTP hop alone. */
  httpHop: Run;
  /** (e₀ᵖ) the same, each request after a pause as long as the model's (a)+(b). */
  httpHopPaced: Run;
  predictMb: number;
}

const p50 = (run: Run) => percentiles(run.samples).p50;

/**
 * Cost per 1,000 HTTP predictions: predict alone at its memory size, (c) on CPU and the record write (d) waited on;
 * the floor is one function running (a)+(b) at the same size.
 */
export function httpCosts({ inProcess, predictMb }: Pick<GoalFigures, 'inProcess' | 'predictMb'>) {
  const predict = costPerThousand([
    { memoryMb: predictMb, cpuMs: p50(inProcess.handlerChain), waitMs: p50(inProcess.recordWrite) },
  ]);
  const floor = costPerThousand([{ memoryMb: predictMb, cpuMs: p50(inProcess.sessionRun) + p50(inProcess.preprocessing) }]);
  return { predict, floor };
}

export function goalLines(figures: GoalFigures): string[] {
  const { inProcess, http, peer, httpHop, httpHopPaced } = figures;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const latency = p50(http) / p50(peer);
  const rate = throughput(http) / throughput(peer);
  const model = p50(inProcess.sessionRun) + p50(inProcess.preprocessing);
  const budget = model + p50(httpHop) + p50(inProcess.recordWrite) + 2;
  const pacedBudget = model + p50(httpHopPaced) + p50(inProcess.recordWritePaced) + 2;
  const cost = httpCosts(figures);
  return [
    'Goals (issue #16), this run:',
    '',
    `- HTTP p50 ÷ peer p50 = ${p50(http).toFixed(2)} ÷ ${p50(peer).toFixed(2)} = ${latency.toFixed(2)}× (goal ≤ 1.5×): ${verdict(latency <= 1.5)}`,
    `- throughput at 8 in flight, HTTP ÷ peer = ${throughput(http).toFixed(1)} ÷ ${throughput(peer).toFixed(1)} = ` +
      `${rate.toFixed(2)} (goal ≥ 0.5): ${verdict(rate >= 0.5)}`,
    `- HTTP p50 ${p50(http).toFixed(2)} ms against (a)+(b)+(e₀)+(d)+2 = ${budget.toFixed(2)} ms: ${verdict(p50(http) <= budget)}`,
    // Not goals: how to read the one above. (e₀) and (d) are measured back to back, every process awake; in (e)
    // the hop and the write follow the model's work, which the other processes sat out idle.
    `  - beside it, the peer: ${p50(peer).toFixed(2)} ms (${p50(peer) <= budget ? 'within' : 'over'} the same budget); ` +
      `with the hop and the write each measured after a pause of (a)+(b), (a)+(b)+(e₀ᵖ)+(dᵖ)+2 = ` +
      `${pacedBudget.toFixed(2)} ms (HTTP ${p50(http) <= pacedBudget ? 'within' : 'over'} it, the peer ` +
      `${p50(peer) <= pacedBudget ? 'within' : 'over'})`,
    `- cost per 1,000 HTTP predictions at predict's ${figures.predictMb} MB: $${cost.predict.toFixed(5)} against the ` +
      `floor's $${cost.floor.toFixed(5)} = ${(cost.predict / cost.floor).toFixed(2)}× (goal ≤ 1.2×): ` +
      verdict(cost.predict <= 1.2 * cost.floor),
  ];
}
