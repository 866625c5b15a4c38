/** Policy `pinned-versions`: every image and chart is pinned to an exact version (no `latest`, no ranges). */
import { isRecord, isUnknown, podContainers, ResourceUnderPolicy, reveal, TYPES, Violation, violation, walk } from "./model";

export const PINNED_VERSIONS = "pinned-versions";

/** An exact version somewhere in a tag: `v3.14.0`, `13.2.0`, `2.14.9-alpine`. Major-only or minor-only tags float. */
const EXACT_IN_TAG = /(^|[^0-9])\d+\.\d+\.\d+/;
/** An exact chart version (SemVer 2, optional `v`): ranges such as `^1.2.0`, `~1.2`, `1.x`, `>=1` are refused. */
const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Why an image tag is not pinned, or undefined when it is. */
export function unpinnedTagReason(tag: string): string | undefined {
    if (tag === "") return "has an empty tag (Docker reads it as latest)";
    if (tag.toLowerCase() === "latest") return "uses the tag latest";
    if (!EXACT_IN_TAG.test(tag)) return `uses the floating tag '${tag}' (pin a full version such as 1.2.3)`;
    return undefined;
}

/** Why an image reference is not pinned, or undefined when it is (image IDs and digests are pinned). */
export function unpinnedImageReason(ref: string): string | undefined {
    if (/^sha256:[0-9a-f]{64}$/.test(ref) || /^sha256:[0-9a-f]+$/.test(ref)) return undefined;
    if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
    const lastSlash = ref.lastIndexOf("/");
    const colon = ref.indexOf(":", lastSlash + 1);
    if (colon < 0) return "has no tag (Docker reads it as latest)";
    return unpinnedTagReason(ref.slice(colon + 1));
}

/** Why a chart version is not exact, or undefined when it is. */
export function unpinnedChartReason(version: unknown): string | undefined {
    if (version === undefined || version === null || version === "") return "has no chart version (Helm installs the newest)";
    if (typeof version !== "string" || !EXACT_SEMVER.test(version))
        return `has the chart version '${String(version)}', a range or not a version (pin an exact one such as 1.2.3)`;
    return undefined;
}

/** Every `image` in Helm values: strings are references, objects with a `tag` override the chart's pinned default. */
export function unpinnedImagesInValues(values: unknown): string[] {
    const problems: string[] = [];
    for (const { path, key, value } of walk(reveal(values))) {
        if (key !== "image") continue;
        if (typeof value === "string") {
            const why = unpinnedImageReason(value);
            if (why) problems.push(`values ${path} '${value}' ${why}`);
        } else if (isRecord(value) && "tag" in value && !isUnknown(value.tag)) {
            const why = unpinnedTagReason(String(value.tag ?? ""));
            if (why) problems.push(`values ${path}.tag ${why}`);
        }
    }
    return problems;
}

export function checkPinnedVersions(r: ResourceUnderPolicy): Violation[] {
    const props = reveal(r.props) as Record<string, unknown>;
    const found: string[] = [];
    const image = (label: string, ref: unknown) => {
        if (typeof ref !== "string") return; // unknown during preview: checked on the image resource instead
        const why = unpinnedImageReason(ref);
        if (why) found.push(`${label} '${ref}' ${why}`);
    };
    if (r.type === TYPES.dockerImage) image("image", props.name);
    if (r.type === TYPES.dockerContainer) image("image", props.image);
    for (const c of podContainers(r)) image(`container ${c.name} image`, c.spec.image);
    if (r.type === TYPES.helmRelease) {
        const why = isUnknown(props.version) ? undefined : unpinnedChartReason(props.version);
        if (why) found.push(`chart ${String(props.chart)} ${why}`);
        found.push(...unpinnedImagesInValues(props.values));
    }
    return found.map((p) => violation(PINNED_VERSIONS, r, p));
}
