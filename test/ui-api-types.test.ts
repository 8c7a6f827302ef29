/**
 * The explorer's API types (ui/src/api/types.ts) are written by hand for the browser bundle; these
 * type-level checks (run by `tsc` in `npm run lint`) fail when the server's zod schemas drift from
 * them: every response the server sends must fit what the UI reads, and every request the UI
 * sends must be one the server accepts.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type * as Ui from '../ui/src/api/types.js';
import type * as Llm from '../src/server/schemas/llm.js';
import type * as Req from '../src/server/schemas/requests.js';
import type * as Res from '../src/server/schemas/responses.js';
import type * as PathRoutes from '../src/server/routes/paths.js';

type Sent<S extends z.ZodType> = z.output<S>;
type Accepted<S extends z.ZodType> = z.input<S>;

describe('the explorer’s API types agree with the server’s schemas', () => {
  it('reads every response as the server sends it', () => {
    expectTypeOf<Sent<typeof Res.GraphSchema>>().toExtend<Ui.GraphData>();
    expectTypeOf<Sent<typeof Res.StatsSchema>>().toExtend<Ui.Stats>();
    expectTypeOf<Sent<typeof Res.NeighbourhoodSchema>>().toExtend<Ui.PatternDetail>();
    expectTypeOf<Sent<typeof Res.SituationListSchema>>().toExtend<Ui.Situation[]>();
    expectTypeOf<Sent<typeof Res.ScenarioListSchema>>().toExtend<Ui.Scenario[]>();
    expectTypeOf<Sent<typeof Res.SampleResultSchema>>().toExtend<Ui.SampleResponse>();
    expectTypeOf<Sent<typeof Res.PromptResultSchema>>().toExtend<Ui.PromptResponse>();
    expectTypeOf<Sent<typeof Res.ErrorSchema>>().toExtend<Ui.ApiErrorBody>();
    expectTypeOf<Sent<typeof PathRoutes.PathsResultSchema>>().toExtend<Ui.PathsResult>();
    expectTypeOf<Sent<typeof Res.TraitMatrixSchema>>().toExtend<Ui.TraitPair[]>();
    expectTypeOf<Sent<typeof Llm.LlmStatusSchema>>().toExtend<Ui.LlmStatus>();
    expectTypeOf<Sent<typeof Llm.JudgeResultSchema>>().toExtend<Ui.JudgeResult>();
  });

  it('sends only requests the server accepts', () => {
    expectTypeOf<Ui.SampleRequest>().toExtend<Accepted<typeof Req.SampleRequestSchema>>();
    expectTypeOf<Ui.PromptRequest>().toExtend<Accepted<typeof Req.PromptRequestSchema>>();
  });
});
