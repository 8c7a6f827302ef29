/**
 * The Annotate view's state: who annotates (remembered in localStorage), the open set, their
 * scores (each saved at once with a PUT), where they stand, and the judge reveal once every item
 * is scored. The set comes from the address bar (`?mode=annotate&aset=ID`).
 */
import {
  ApiError,
  api,
  type Annotation,
  type AnnotationScore,
  type AnnotationSetDetail,
  type AnnotationSetSummary,
  type JudgeReveal,
} from '../api/index.js';
import { type Position, firstUnscored, itemKey, stepItem, stepSample } from './annotate.js';

const ANNOTATOR_KEY = 'psygraph.annotator';

function remembered(): string {
  try {
    return localStorage.getItem(ANNOTATOR_KEY) ?? '';
  } catch {
    return '';
  }
}

export class AnnotateState {
  annotator = $state(remembered());
  sets = $state.raw<AnnotationSetSummary[] | null>(null);
  set = $state.raw<AnnotationSetDetail | null>(null);
  /** This annotator's scores, by itemKey. */
  scores = $state.raw<ReadonlyMap<string, Annotation>>(new Map());
  /** Evidence typed for items, by itemKey (sent with the score). */
  evidence = $state<Record<string, string>>({});
  at = $state<Position>({ sample: 0, item: 0 });
  loading = $state(false);
  error = $state('');
  /** The last save's failure, shown until the next save succeeds. */
  saveError = $state('');
  reveal = $state.raw<JudgeReveal | null>(null);
  revealing = $state(false);

  total = $derived(this.set ? this.set.samples.reduce((n, s) => n + s.items.length, 0) : 0);
  done = $derived(this.scores.size);
  finished = $derived(this.total > 0 && this.done >= this.total);
  sample = $derived(this.set?.samples[this.at.sample] ?? null);
  item = $derived(this.sample?.items[this.at.item] ?? null);

  /** A set and annotator loaded for: a newer open() makes older answers stale. */
  private generation = 0;

  setAnnotator(name: string): void {
    this.annotator = name.trim();
    try {
      localStorage.setItem(ANNOTATOR_KEY, this.annotator);
    } catch {
      // private mode: remembered for this page only
    }
  }

  async loadSets(): Promise<void> {
    try {
      this.sets = await api.annotationSets();
    } catch (e) {
      this.error = message(e);
    }
  }

  /** Opens a set for the annotator: their scores so far, and the first item they have not scored. */
  async open(id: string | null): Promise<void> {
    const generation = ++this.generation;
    this.reveal = null;
    this.error = '';
    if (!id || !this.annotator) {
      this.set = null;
      this.scores = new Map();
      return;
    }
    this.loading = true;
    try {
      const [set, annotations] = await Promise.all([
        api.annotationSet(id),
        api.annotations(id, this.annotator),
      ]);
      if (generation !== this.generation) return;
      this.set = set;
      this.scores = new Map(annotations.map((a) => [itemKey(a.sampleId, a.itemId), a]));
      this.evidence = Object.fromEntries(
        annotations.flatMap((a) => (a.evidence ? [[itemKey(a.sampleId, a.itemId), a.evidence]] : [])),
      );
      this.at = firstUnscored(set.samples, this.scores) ?? { sample: set.samples.length - 1, item: 0 };
    } catch (e) {
      if (generation !== this.generation) return;
      this.set = null;
      this.error = message(e);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  go(at: Position): void {
    this.at = at;
  }

  moveItem(step: number): void {
    if (this.set) this.at = stepItem(this.set.samples, this.at, step);
  }

  moveSample(step: number): void {
    if (this.set) this.at = stepSample(this.set.samples, this.at, step);
  }

  scoreOf(sampleId: string, itemId: string): AnnotationScore | undefined {
    return this.scores.get(itemKey(sampleId, itemId))?.score;
  }

  /**
   * Scores the current item and moves on at once (so fast typing never scores one item twice),
   * then saves it; a failed save leaves the item unscored and says so.
   */
  async score(score: AnnotationScore): Promise<boolean> {
    const { sample, item, set } = this;
    if (!sample || !item || !set) return false;
    this.moveItem(1);
    return this.save(sample.id, item.id, score);
  }

  /** Saves edited evidence for an item already scored (a new `at`, so it wins). */
  async saveEvidence(sampleId: string, itemId: string): Promise<void> {
    const current = this.scores.get(itemKey(sampleId, itemId));
    const text = (this.evidence[itemKey(sampleId, itemId)] ?? '').trim();
    if (!current || (current.evidence ?? '') === text) return;
    await this.save(sampleId, itemId, current.score);
  }

  private async save(sampleId: string, itemId: string, score: AnnotationScore): Promise<boolean> {
    const set = this.set;
    if (!set) return false;
    const evidence = (this.evidence[itemKey(sampleId, itemId)] ?? '').trim();
    const annotation: Annotation = {
      sampleId,
      itemId,
      annotator: this.annotator,
      pass: 1,
      score,
      ...(evidence ? { evidence } : {}),
      at: new Date().toISOString(),
    };
    try {
      await api.saveAnnotations(set.id, [annotation]);
    } catch (e) {
      this.saveError = `Not saved: ${message(e)}`;
      return false;
    }
    this.saveError = '';
    const next = new Map(this.scores);
    next.set(itemKey(sampleId, itemId), annotation);
    this.scores = next;
    return true;
  }

  async revealJudge(): Promise<void> {
    if (!this.set) return;
    this.revealing = true;
    try {
      this.reveal = await api.revealJudge(this.set.id, this.annotator);
      this.error = '';
    } catch (e) {
      this.error = message(e);
    } finally {
      this.revealing = false;
    }
  }
}

function message(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}
