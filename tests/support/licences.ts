// What the licence tests recognise (tests/licences.test.ts without Go, tests/licences.programs.ts with it). Pure.
/** Go modules the project never builds (the machines' module list marks them "not to use: under the AGPL"). */
export const AGPL_GO_MODULES = ["github.com/grafana/loki/v3", "github.com/grafana/grafana", "github.com/grafana/tempo", "go.k6.io/k6"];

/** Whether `module` is one of {@link AGPL_GO_MODULES} or a package below one. */
export const isAgplModule = (module: string): boolean => AGPL_GO_MODULES.some((m) => module === m || module.startsWith(`${m}/`));

/** The licence family of a licence file's text. Pure. */
export function licenceFamily(text: string): "Apache-2.0" | "MIT" | "BSD" | "AGPL" | "GPL" | "unknown" {
    if (/GNU AFFERO GENERAL PUBLIC LICENSE/i.test(text)) return "AGPL";
    if (/GNU (LESSER )?GENERAL PUBLIC LICENSE/i.test(text)) return "GPL";
    if (/Apache License[\s\S]{0,80}Version 2\.0/i.test(text)) return "Apache-2.0";
    if (/Permission is hereby granted, free of charge/i.test(text)) return "MIT";
    if (/Redistribution and use in source and binary forms/i.test(text)) return "BSD";
    return "unknown";
}
