// psygraph schema for Neo4j 5.x. Applied idempotently by Neo4jStore at connect; safe to run by hand.
// Statements are separated by semicolons; lines starting with // are comments.

CREATE CONSTRAINT pattern_id IF NOT EXISTS FOR (p:Pattern) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT situation_id IF NOT EXISTS FOR (s:Situation) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT scenario_id IF NOT EXISTS FOR (s:Scenario) REQUIRE s.id IS UNIQUE;
// The one node that keeps the graph hash and its version (Neo4jStore.contentHash): unique, so that
// two writers' MERGE cannot make two.
CREATE CONSTRAINT graph_meta_id IF NOT EXISTS FOR (m:GraphMeta) REQUIRE m.id IS UNIQUE;
// Judge calibration: annotation sets, their samples (key: set id and sample id) and annotations
// (key: set, annotator, pass, sample, item).
CREATE CONSTRAINT annotation_set_id IF NOT EXISTS FOR (s:AnnotationSet) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT annotation_sample_key IF NOT EXISTS FOR (s:AnnotationSample) REQUIRE s.key IS UNIQUE;
CREATE CONSTRAINT annotation_key IF NOT EXISTS FOR (a:Annotation) REQUIRE a.key IS UNIQUE;

// Relationship ids are unique per type (relationship uniqueness constraints need Neo4j 5.7+).
CREATE CONSTRAINT reinforces_id IF NOT EXISTS FOR ()-[r:REINFORCES]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT conflicts_id IF NOT EXISTS FOR ()-[r:CONFLICTS]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT modulates_id IF NOT EXISTS FOR ()-[r:MODULATES]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT excludes_id IF NOT EXISTS FOR ()-[r:EXCLUDES]-() REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT variant_of_id IF NOT EXISTS FOR ()-[r:VARIANT_OF]-() REQUIRE r.id IS UNIQUE;

// Filters used by the store's reads.
CREATE INDEX pattern_kind IF NOT EXISTS FOR (p:Pattern) ON (p.kind);
CREATE INDEX scenario_situation IF NOT EXISTS FOR (s:Scenario) ON (s.situation);
CREATE INDEX annotation_sample_set IF NOT EXISTS FOR (s:AnnotationSample) ON (s.setId);
CREATE INDEX annotation_set IF NOT EXISTS FOR (a:Annotation) ON (a.setId);
// Uniform random start nodes for server-side walks: a dense 0..n-1 index, renumbered on load.
CREATE INDEX pattern_idx IF NOT EXISTS FOR (p:Pattern) ON (p.idx);
