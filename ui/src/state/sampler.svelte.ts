/**
 * Sampler and library state: the last sample run, the scenario on show, the saved scenarios.
 * Sampling is seeded, so a link holding the settings and a scenario id reproduces the same list.
 */
import { api } from '../api/client.js';
import type { SampleReport, SampleRequest, Scenario } from '../api/index.js';
import type { AppState } from './app.svelte.js';
import type { SamplerSettings } from './url.js';

export function sampleRequest(s: SamplerSettings): SampleRequest {
  const request: SampleRequest = {
    n: s.n,
    seed: s.seed,
    strategy: s.strategy,
    size: [s.sizeMin, Math.max(s.sizeMin, s.sizeMax)],
  };
  if (s.include.length) request.include = [...s.include];
  if (s.exclude.length) request.exclude = [...s.exclude];
  if (s.situation) request.situations = [s.situation];
  return request;
}

export class SamplerState {
  results = $state.raw<Scenario[]>([]);
  report = $state.raw<SampleReport | null>(null);
  current = $state.raw<Scenario | null>(null);
  library = $state.raw<Scenario[]>([]);
  /** True once the library has been read from the server. */
  libraryLoaded = $state(false);
  savedIds = $state.raw<ReadonlySet<string>>(new Set());
  busy = $state(false);
  error = $state('');

  constructor(private readonly app: AppState) {}

  async run(): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const { scenarios, report } = await api.sample(sampleRequest(this.app.view.sampler));
      this.results = scenarios;
      this.report = report;
      this.app.announce(`Sampled ${scenarios.length} scenarios.`);
    } catch (e) {
      this.results = [];
      this.report = null;
      this.error = e instanceof Error ? e.message : String(e);
      this.app.announce(`Sampling failed: ${this.error}`);
    } finally {
      this.busy = false;
    }
  }

  /** Finds a scenario named in the URL: on show, in the last run, by re-running a seeded sample, or in the library. */
  async resolve(id: string | null, sampled: boolean): Promise<void> {
    if (!id) {
      this.current = null;
      return;
    }
    if (this.current?.id === id) return;
    let found = this.results.find((s) => s.id === id) ?? this.library.find((s) => s.id === id);
    if (!found && sampled) {
      await this.run();
      found = this.results.find((s) => s.id === id);
    }
    if (!found) {
      try {
        found = await api.scenario(id);
      } catch {
        this.error = `Scenario ${id} was not found.`;
      }
    }
    this.current = found ?? null;
  }

  toggleConstraint(patternId: string, mode: 'include' | 'exclude'): void {
    const s = this.app.view.sampler;
    const other = mode === 'include' ? 'exclude' : 'include';
    const list = s[mode].includes(patternId)
      ? s[mode].filter((x) => x !== patternId)
      : [...s[mode], patternId];
    this.app.updateSampler({ [mode]: list, [other]: s[other].filter((x) => x !== patternId) });
    const verb = list.includes(patternId) ? 'added to' : 'removed from';
    this.app.announce(`${this.app.nameOf(patternId)} ${verb} the ${mode} list.`);
  }

  async loadLibrary(): Promise<void> {
    try {
      this.library = await api.scenarios();
      this.savedIds = new Set(this.library.map((s) => s.id));
      this.libraryLoaded = true;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  async save(scenario: Scenario): Promise<void> {
    try {
      await api.saveScenarios([scenario]);
      await this.loadLibrary();
      this.app.announce('Scenario saved to the library.');
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await api.deleteScenario(id);
      if (this.current?.id === id) this.app.clear();
      await this.loadLibrary();
      this.app.announce('Scenario deleted.');
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}
