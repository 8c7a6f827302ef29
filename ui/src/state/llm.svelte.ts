/**
 * The LLM routes as the explorer uses them: synthesize a scenario's conversation, judge it.
 * Both wait on a model, so each remembers its own busy state and error; results are kept per
 * scenario id for as long as the page lives.
 */
import { api } from '../api/client.js';
import type { JudgeResult, LlmStatus, Scenario } from '../api/index.js';
import type { AppState } from './app.svelte.js';

/** One judge run keeps a click cheap; the CLI is the place for k runs with mean ± SD. */
const JUDGE_RUNS = 1;

export class LlmState {
  status = $state.raw<LlmStatus | null>(null);
  busy = $state<'' | 'synth' | 'judge'>('');
  error = $state('');
  judged = $state.raw<ReadonlyMap<string, JudgeResult>>(new Map());

  constructor(private readonly app: AppState) {}

  async loadStatus(): Promise<void> {
    try {
      this.status = await api.llmStatus();
    } catch {
      this.status = null;
    }
  }

  private async run(kind: 'synth' | 'judge', work: () => Promise<void>): Promise<void> {
    this.busy = kind;
    this.error = '';
    try {
      await work();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.app.announce(`${kind === 'synth' ? 'Synthesis' : 'Judging'} failed: ${this.error}`);
    } finally {
      this.busy = '';
      void this.loadStatus();
    }
  }

  /** Writes the scene and conversation; a saved scenario is replaced in the library. */
  synthesize(scenario: Scenario): Promise<void> {
    return this.run('synth', async () => {
      const sampler = this.app.sampler;
      const saved = sampler.savedIds.has(scenario.id);
      const { scenario: written } = await api.synth(scenario, saved);
      sampler.results = sampler.results.map((s) => (s.id === written.id ? written : s));
      if (sampler.current?.id === written.id) sampler.current = written;
      if (saved) await sampler.loadLibrary();
      this.app.announce(`Wrote a conversation of ${written.conversation?.length ?? 0} turns.`);
    });
  }

  judge(scenario: Scenario): Promise<void> {
    return this.run('judge', async () => {
      const result = await api.judge(scenario, JUDGE_RUNS);
      this.judged = new Map(this.judged).set(scenario.id, result);
      this.app.announce(`Judged ${result.judgements.length} characters.`);
    });
  }
}
