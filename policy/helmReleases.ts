/** Policy `helm-release-timeout-and-name`: every Helm release has a timeout and a fixed release name. */
import { isUnknown, ResourceUnderPolicy, reveal, TYPES, Violation, violation } from "./model";

export const HELM_RELEASE_TIMEOUT_AND_NAME = "helm-release-timeout-and-name";

export function checkHelmRelease(r: ResourceUnderPolicy): Violation[] {
    if (r.type !== TYPES.helmRelease) return [];
    const props = reveal(r.props) as Record<string, unknown>;
    const found: string[] = [];
    if (!isUnknown(props.timeout) && !(typeof props.timeout === "number" && props.timeout > 0))
        found.push("has no timeout (set `timeout` in seconds; the default gives up after 300 s)");
    if (!isUnknown(props.name) && (typeof props.name !== "string" || props.name === "")) {
        found.push("has no fixed `name`: Pulumi would add a random suffix, and service names and `release` labels would change");
    }
    return found.map((p) => violation(HELM_RELEASE_TIMEOUT_AND_NAME, r, p));
}
