/**
 * The API's shapes as TypeScript types, inferred from the contract's schemas: what the explorer
 * sends (a request's input type) and reads (a response's output type). The explorer imports these
 * with `import type` only, so no server code reaches its bundle; the lists and limits it needs at
 * run time come from ../model/vocabulary.ts and ./limits.ts, which import nothing.
 */
import type { z } from 'zod';
import type * as A from './annotate.js';
import type * as L from './llm.js';
import type * as P from './paths.js';
import type { PromptRequestSchema } from './prompt.js';
import type * as R from './responses.js';
import type { SampleRequestSchema } from './sample.js';

export type {
  Category,
  Dimension,
  ExportFormat,
  Family,
  Motif,
  PromptFormat,
  RelationType,
  Scope,
  Strategy,
} from '../model/vocabulary.js';

type Out<S extends z.ZodType> = z.output<S>;

export type Pattern = Out<typeof R.Pattern>;
export type PatternKind = Pattern['kind'];
export type Pole = Extract<Pattern, { kind: 'trait' }>['pole'];
export type Relation = Out<typeof R.Relation>;
export type Situation = Out<typeof R.Situation>;
export type Scenario = Out<typeof R.Scenario>;
export type Character = Scenario['characters'][number];
export type Turn = NonNullable<Scenario['conversation']>[number];
export type SampleStrategy = z.input<typeof SampleRequestSchema>['strategy'] & string;

export type GraphNode = Out<typeof R.GraphNodeSchema>;
export type GraphEdge = Out<typeof R.GraphEdgeSchema>;
export type GraphData = Out<typeof R.GraphSchema>;
export type TraitPair = Out<typeof R.TraitPairSchema>;
export type PatternDetail = Out<typeof R.NeighbourhoodSchema>;
export type Neighbour = PatternDetail['neighbours'][keyof PatternDetail['neighbours']][number];
export type Stats = Out<typeof R.StatsSchema>;
export type SampleReport = Out<typeof R.SampleReportSchema>;
export type SampleResponse = Out<typeof R.SampleResultSchema>;
export type Receipt = Out<typeof R.ReceiptSchema>;
export type PromptResponse = Out<typeof R.PromptResultSchema>;
export type ApiErrorBody = Out<typeof R.ErrorSchema>;

export type PathsResult = Out<typeof P.PathsResultSchema>;
export type PatternPath = PathsResult['paths'][number];
export type PathStep = PatternPath['steps'][number];
export type PathSign = PatternPath['sign'];
export type PathsQuery = z.output<typeof P.PathsQuery>;
export type TraitVerdict = TraitPair['verdict'];

export type LlmStatus = Out<typeof L.LlmStatusSchema>;
export type Judgement = Out<typeof L.Judgement>;
export type ScoredItem = Judgement['runs'][number][number];
export type JudgeResult = Out<typeof L.JudgeResultSchema>;
export type MeanSd = JudgeResult['metrics']['ipe'];

export type AnnotationSetSummary = Out<typeof A.AnnotationSetSummarySchema>;
export type AnnotationSetDetail = Out<typeof A.AnnotationSetDetailSchema>;
export type CalibrationSample = AnnotationSetDetail['samples'][number];
export type CheckItem = CalibrationSample['items'][number];
export type Annotation = Out<typeof A.Annotation>;
export type AnnotationScore = Annotation['score'];
export type SaveAnnotationsResult = Out<typeof A.SaveAnnotationsResultSchema>;
export type JudgeReveal = Out<typeof A.RevealSchema>;
export type CalibrationPoint = JudgeReveal['points'][number];

/** Request bodies, as a client may write them (defaults left out). */
export type SampleRequest = z.input<typeof SampleRequestSchema>;
export type PromptRequest = z.input<typeof PromptRequestSchema>;
export type SynthRequest = z.input<typeof L.SynthRequestSchema>;
export type JudgeRequest = z.input<typeof L.JudgeRequestSchema>;
