/**
 * The A4CO observability policy pack: `pulumi preview --policy-pack policy` (from the repository root). The rules
 * live in policies.ts as pure checks; see CONTRIBUTING.md, "Policy pack".
 */
import { PolicyPack } from "@pulumi/policy";

import { buildPolicies } from "./policies";

new PolicyPack("a4co-observability", { policies: buildPolicies(), enforcementLevel: "mandatory" });
