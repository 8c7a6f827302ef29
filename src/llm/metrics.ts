/**
 * IPE and MPD in the paper's terms: a sample is one character in one
 * scenario; its score is the mean of its items (+1 / 0 / −1); a metric is the mean over samples,
 * × 100, so it runs from −100 to 100. IPE uses the pattern-level items, MPD the scenario-level
 * ones. Each judge run gives one value; k runs give mean ± SD.
 */
import type { Judgement, ScoredItem } from './judge.js';

export interface MeanSd {
  mean: number;
  sd: number;
  runs: number;
  samples: number;
}

export interface MetricsRow {
  ipe: MeanSd;
  mpd: MeanSd;
}

export interface MetricsReport extends MetricsRow {
  model: string;
  byRelationType: Record<string, MeanSd>;
  byMotif: Record<string, MetricsRow>;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function meanSd(values: readonly number[], samples: number): MeanSd {
  const m = mean(values);
  const sd =
    values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1)) : 0;
  return { mean: m, sd, runs: values.length, samples };
}

/** One metric over samples: per run, the mean over samples of each sample's mean item score, × 100. */
function metric(judgements: readonly Judgement[], pick: (item: ScoredItem) => boolean): MeanSd {
  const runs = Math.max(0, ...judgements.map((j) => j.runs.length));
  const perRun: number[] = [];
  let samples = 0;
  for (let r = 0; r < runs; r++) {
    const sampleMeans = judgements
      .map((j) => (j.runs[r] ?? []).filter(pick).map((i) => i.score))
      .filter((scores) => scores.length)
      .map((scores) => mean(scores));
    samples = Math.max(samples, sampleMeans.length);
    if (sampleMeans.length) perRun.push(mean(sampleMeans) * 100);
  }
  return meanSd(perRun, samples);
}

const isIpe = (i: ScoredItem) => i.level === 'pattern';
const isMpd = (i: ScoredItem) => i.level === 'scenario';

export function computeMetrics(judgements: readonly Judgement[], model: string): MetricsReport {
  const types = [
    ...new Set(judgements.flatMap((j) => j.runs.flat().flatMap((i) => i.relationType ?? []))),
  ].sort();
  const motifs = [...new Set(judgements.map((j) => j.motif ?? 'none'))].sort();
  return {
    model,
    ipe: metric(judgements, isIpe),
    mpd: metric(judgements, isMpd),
    byRelationType: Object.fromEntries(
      types.map((t) => [t, metric(judgements, (i) => isMpd(i) && i.relationType === t)]),
    ),
    byMotif: Object.fromEntries(
      motifs.map((m) => {
        const subset = judgements.filter((j) => (j.motif ?? 'none') === m);
        return [m, { ipe: metric(subset, isIpe), mpd: metric(subset, isMpd) }];
      }),
    ),
  };
}

/** Reports per model, in order of first appearance. */
export function metricsByModel(judgements: readonly Judgement[]): MetricsReport[] {
  const models = [...new Set(judgements.map((j) => j.model))];
  return models.map((m) =>
    computeMetrics(
      judgements.filter((j) => j.model === m),
      m,
    ),
  );
}

export function formatMeanSd(v: MeanSd): string {
  if (Number.isNaN(v.mean)) return '—';
  return v.runs > 1 ? `${v.mean.toFixed(1)}±${v.sd.toFixed(1)}` : v.mean.toFixed(1);
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The paper's main table (IPE / MPD per model), then MPD by relation type and both by motif. */
export function resultsTable(reports: readonly MetricsReport[]): string {
  const main = markdownTable(
    ['Model', 'IPE', 'MPD', 'samples', 'judge runs'],
    reports.map((r) => [
      r.model,
      formatMeanSd(r.ipe),
      formatMeanSd(r.mpd),
      String(r.ipe.samples),
      String(r.ipe.runs),
    ]),
  );
  const types = [...new Set(reports.flatMap((r) => Object.keys(r.byRelationType)))];
  const byType = markdownTable(
    ['Model', ...types.map((t) => `MPD ${t}`)],
    reports.map((r) => [
      r.model,
      ...types.map((t) => (r.byRelationType[t] ? formatMeanSd(r.byRelationType[t]) : '—')),
    ]),
  );
  const motifs = [...new Set(reports.flatMap((r) => Object.keys(r.byMotif)))];
  const byMotif = markdownTable(
    ['Model', 'motif', 'IPE', 'MPD'],
    reports.flatMap((r) =>
      motifs.flatMap((m) => {
        const row = r.byMotif[m];
        return row ? [[r.model, m, formatMeanSd(row.ipe), formatMeanSd(row.mpd)]] : [];
      }),
    ),
  );
  return [main, '', byType, '', byMotif].join('\n');
}
