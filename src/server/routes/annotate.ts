/** Annotation sets: list, read (no judge scores), annotations in and out, and the judge reveal. */
import type { GraphStore } from '../../store/graph-store.js';
import {
  AnnotationListSchema,
  AnnotationSetDetailSchema,
  AnnotationSetListSchema,
  AnnotationsQuery,
  RevealQuery,
  RevealSchema,
  SaveAnnotationsRequestSchema,
  SaveAnnotationsResultSchema,
  SetIdParams,
  getSet,
  revealJudge,
} from '../../contract/annotate.js';
import type { ApiRoutes } from './define.js';

export function registerAnnotateRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'GET',
    url: '/api/annotation-sets',
    summary: 'the stored annotation sets: size and each annotator’s progress',
    response: AnnotationSetListSchema,
    errors: [503],
    handler: () => store.listAnnotationSets(),
  });

  routes.add({
    method: 'GET',
    url: '/api/annotation-sets/:id',
    summary: 'one annotation set as annotators see it: samples and items, no judge scores',
    params: SetIdParams,
    response: AnnotationSetDetailSchema,
    errors: [400, 404, 503],
    handler: ({ params }) => getSet(store, params.id),
  });

  routes.add({
    method: 'GET',
    url: '/api/annotation-sets/:id/annotations',
    summary: 'a set’s annotations, optionally of one annotator and pass',
    params: SetIdParams,
    query: AnnotationsQuery,
    response: AnnotationListSchema,
    errors: [400, 404, 503],
    handler: ({ params, query }) => store.listAnnotations(params.id, query),
  });

  routes.add({
    method: 'PUT',
    url: '/api/annotation-sets/:id/annotations',
    summary: 'save annotations (upsert per sample, item, annotator and pass; the latest `at` wins)',
    params: SetIdParams,
    body: SaveAnnotationsRequestSchema,
    response: SaveAnnotationsResultSchema,
    errors: [400, 404, 413, 503],
    handler: ({ params, body }) => store.saveAnnotations(params.id, body.annotations),
  });

  routes.add({
    method: 'GET',
    url: '/api/annotation-sets/:id/judge',
    summary:
      'the judge’s scores next to an annotator’s, the calibration scatter and agreement; 409 until they have scored every item',
    params: SetIdParams,
    query: RevealQuery,
    response: RevealSchema,
    errors: [400, 404, 409, 503],
    handler: ({ params, query }) => revealJudge(store, params.id, query),
  });
}
