import type { Schema } from "./check";
import tree from "./loki-2.9.17.json";

/**
 * Every key of Loki's config file at v2.9.17 (the Loki loki-stack runs on prod), per block, extracted from
 * grafana/loki@v2.9.17:docs/sources/configure/_index.md ("Supported contents and default values of loki.yaml").
 */
export const LOKI_2_9_SCHEMA = tree as unknown as Schema;
