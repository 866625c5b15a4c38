/** schema_config periods, as SchemaConfig.Validate, PeriodConfig.validate and Loki's Validate check them. */
import { ConfigDoc, isBlock, LokiConfigProblem, lokiSource, problem, valueAt } from "./problem";
import { referenceDefault } from "./reference";
import { durationMs, isDayTime } from "./valueGrammars";

const SCHEMA_CONFIG = lokiSource("pkg/storage/config/schema_config.go");
const VALIDATION = lokiSource("pkg/loki/validation.go");
const DAY_MS = 86_400_000;

/** Index and object store types Loki knows (grafana/loki@v3.7.6:pkg/storage/types/types.go). */
const INDEX_TYPES = ["tsdb", "boltdb-shipper", "inmemory"].concat([
    "aws",
    "aws-dynamo",
    "bigtable",
    "bigtable-hashed",
    "boltdb",
    "cassandra",
    "gcp",
    "gcp-columnkey",
    "grpc-store",
]);
const OBJECT_STORES = ["filesystem", "aws", "alibabacloud", "azure", "bos", "cos", "gcs", "s3", "swift", "noop", "inmemory"].concat([
    "aws-dynamo",
    "bigtable",
    "bigtable-hashed",
    "cassandra",
    "gcp",
    "gcp-columnkey",
    "grpc-store",
]);

interface Period {
    readonly at: string;
    readonly from?: string;
    readonly store?: unknown;
    readonly objectStore?: unknown;
    readonly version?: number;
    readonly periodMs?: number;
}

/** ActivePeriodConfig: the last period whose `from` is not in the future (the first one if all are). */
export function activePeriodIndex(periods: readonly { from?: string }[], now: Date): number {
    const started = periods.filter((p) => p.from !== undefined && isDayTime(p.from) && Date.parse(`${p.from}T00:00:00Z`) <= now.getTime());
    return Math.max(0, started.length - 1);
}

/** `v13` → 13 (VersionAsInt trims the `v`); undefined when not a number. */
const schemaVersion = (schema: unknown): number | undefined =>
    typeof schema === "string" && /^v*\d+$/.test(schema) ? Number(schema.replace(/^v+/, "")) : undefined;

function readPeriods(doc: ConfigDoc): Period[] {
    const configs = valueAt(doc, "schema_config.configs");
    if (!Array.isArray(configs)) return [];
    return configs.filter(isBlock).map((c, i) => {
        const period = valueAt(c, "index.period");
        return {
            at: `schema_config.configs[${i}]`,
            from: typeof c.from === "string" ? c.from : undefined,
            store: c.store,
            objectStore: c.object_store,
            version: schemaVersion(c.schema),
            periodMs: typeof period === "string" ? durationMs(period) : period === undefined || period === 0 ? 0 : undefined,
        };
    });
}

function periodProblems(doc: ConfigDoc, p: Period, c: Record<string, unknown>): LokiConfigProblem[] {
    const out: LokiConfigProblem[] = [];
    if (p.version === undefined || p.version < 9 || p.version > 13) {
        out.push(problem("schema-version", `${p.at}.schema`, c.schema, "Loki 3.7.6 knows schema v9 to v13 only", "use schema: v13", SCHEMA_CONFIG));
    }
    if (typeof p.store !== "string" || !INDEX_TYPES.includes(p.store)) {
        out.push(
            problem(
                "schema-store",
                `${p.at}.store`,
                p.store,
                "not an index type Loki knows",
                "use store: tsdb",
                `${VALIDATION} (validateSchemaValues); ${lokiSource("pkg/storage/types/types.go")}`,
            ),
        );
    }
    const named = Object.values(
        isBlock(valueAt(doc, "storage_config.named_stores")) ? (valueAt(doc, "storage_config.named_stores") as Record<string, unknown>) : {},
    ).flatMap((m) => (isBlock(m) ? Object.keys(m) : []));
    if (typeof p.objectStore !== "string" || !(OBJECT_STORES.includes(p.objectStore) || named.includes(p.objectStore))) {
        out.push(
            problem(
                "schema-object-store",
                `${p.at}.object_store`,
                p.objectStore,
                "neither an object store type nor a named store",
                "use object_store: filesystem (or a storage_config.named_stores name)",
                `${VALIDATION} (validateSchemaValues)`,
            ),
        );
    }
    if (p.store === "tsdb" && p.periodMs !== DAY_MS) {
        out.push(
            problem(
                "tsdb-index-period",
                `${p.at}.index.period`,
                valueAt(c, "index.period"),
                "tsdb needs a 24h index period",
                "set index.period: 24h",
                `${SCHEMA_CONFIG} (errTSDBNon24HoursIndexPeriod)`,
            ),
        );
    } else if (p.periodMs === undefined || p.periodMs % DAY_MS !== 0) {
        out.push(
            problem(
                "index-period",
                `${p.at}.index.period`,
                valueAt(c, "index.period"),
                "a table period must be a multiple of 24h",
                "set index.period: 24h",
                `${SCHEMA_CONFIG} (errInvalidTablePeriod)`,
            ),
        );
    }
    const prefix = valueAt(c, "index.path_prefix");
    if (
        prefix !== undefined &&
        prefix !== "" &&
        !(typeof prefix === "string" && !prefix.includes("\\") && !prefix.startsWith("/") && prefix.endsWith("/"))
    ) {
        out.push(
            problem(
                "index-path-prefix",
                `${p.at}.index.path_prefix`,
                prefix,
                "must use '/' separators, not start with '/' and end with '/'",
                "write e.g. index/ (or leave it out for the default index/)",
                `${SCHEMA_CONFIG} (ValidatePathPrefix)`,
            ),
        );
    }
    if (c.row_shards === 0 && p.version !== undefined && p.version >= 10) {
        out.push(
            problem(
                "row-shards",
                `${p.at}.row_shards`,
                0,
                "schema v10 and later need row_shards > 0",
                "leave row_shards out (default 16)",
                SCHEMA_CONFIG,
            ),
        );
    }
    return out;
}

export function schemaProblems(doc: ConfigDoc, now: Date): LokiConfigProblem[] {
    const configs = valueAt(doc, "schema_config.configs");
    const periods = readPeriods(doc);
    if (!Array.isArray(configs) || periods.length === 0) {
        return [
            problem(
                "schema-missing",
                "schema_config.configs",
                configs,
                "Loki needs at least one schema period",
                "add a period: from, store: tsdb, object_store, schema: v13, index.period: 24h",
                `${SCHEMA_CONFIG} (errZeroLengthConfig)`,
            ),
        ];
    }
    const out = periods.flatMap((p, i) => periodProblems(doc, p, configs[i] as Record<string, unknown>));
    periods.forEach((p, i) => {
        if (p.from === undefined || !isDayTime(p.from)) {
            out.push(
                problem(
                    "schema-from",
                    `${p.at}.from`,
                    valueAt(doc, `${p.at}.from`),
                    "`from` must be a date in YYYY-MM-DD form",
                    'quote a date, e.g. from: "2024-01-01"',
                    `${SCHEMA_CONFIG} (DayTime)`,
                ),
            );
        } else if (i > 0 && periods[i - 1].from !== undefined && p.from <= periods[i - 1].from!) {
            out.push(
                problem(
                    "schema-from-order",
                    `${p.at}.from`,
                    p.from,
                    "`from` dates must be distinct and increasing",
                    "give each period a later date than the one before",
                    `${SCHEMA_CONFIG} (errSchemaIncreasingFromTime)`,
                ),
            );
        }
    });
    // boltdb-shipper wants 24h tables when it is the active-and-last period or the next one.
    const activeIndex = activePeriodIndex(periods, now);
    for (const i of [activeIndex, activeIndex + 1]) {
        const p = periods[i];
        const applies = p && p.store === "boltdb-shipper" && p.periodMs !== DAY_MS && (i > activeIndex || i === periods.length - 1);
        if (applies)
            out.push(
                problem(
                    "boltdb-index-period",
                    `${p.at}.index.period`,
                    valueAt(doc, `${p.at}.index.period`),
                    "boltdb-shipper needs a 24h index period",
                    "set index.period: 24h",
                    `${SCHEMA_CONFIG} (errCurrentBoltdbShipperNon24Hours)`,
                ),
            );
    }
    // Structured metadata is allowed unless limits_config says otherwise; then the active period must store it.
    const allowed = valueAt(doc, "limits_config.allow_structured_metadata") ?? referenceDefault("limits_config.allow_structured_metadata") === "true";
    const active = periods[activeIndex];
    if (allowed === true && active.version !== undefined && active.version < 13) {
        out.push(
            problem(
                "structured-metadata-schema",
                `${active.at}.schema`,
                `v${active.version}`,
                "structured metadata (allowed by default) needs schema v13 in the active period",
                "add a period with schema: v13 and store: tsdb, or set limits_config.allow_structured_metadata: false",
                `${VALIDATION} (validateSchemaRequirements)`,
            ),
        );
    }
    if (allowed === true && active.store !== "tsdb") {
        out.push(
            problem(
                "structured-metadata-tsdb",
                `${active.at}.store`,
                active.store,
                "structured metadata (allowed by default) needs the tsdb index in the active period",
                "use store: tsdb, or set limits_config.allow_structured_metadata: false",
                `${VALIDATION} (validateSchemaRequirements)`,
            ),
        );
    }
    return out;
}
