/** The e2e report: one row per check, printed as a table and written as JSON (out/e2e-report.json). Pure but write. */
import * as fs from "fs";
import * as path from "path";

export type CheckStatus = "pass" | "fail" | "not run" | "partial";

export interface CheckRow {
    readonly area: string;
    readonly check: string;
    readonly status: CheckStatus;
    /** What was expected and what was seen, for a failing check; the figure for a passing one. */
    readonly detail: string;
}

export interface Figure {
    readonly name: string;
    readonly value: string;
}

export class E2eReport {
    readonly rows: CheckRow[] = [];
    readonly figures: Figure[] = [];
    readonly startedAt = new Date();

    add(area: string, check: string, status: CheckStatus, detail = ""): CheckRow {
        const row = { area, check, status, detail };
        this.rows.push(row);
        return row;
    }

    figure(name: string, value: string): void {
        this.figures.push({ name, value });
    }

    failures(): CheckRow[] {
        return this.rows.filter((r) => r.status === "fail");
    }

    write(file: string): void {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(
            file,
            JSON.stringify(
                { startedAt: this.startedAt.toISOString(), finishedAt: new Date().toISOString(), checks: this.rows, figures: this.figures },
                null,
                2,
            ) + "\n",
        );
    }
}

/** A fixed-width text table of the checks and figures. Pure. */
export function renderReport(rows: readonly CheckRow[], figures: readonly Figure[]): string {
    const width = (get: (r: CheckRow) => string, min: number) => Math.max(min, ...rows.map((r) => get(r).length));
    const wa = width((r) => r.area, 4);
    const wc = Math.min(
        70,
        width((r) => r.check, 5),
    );
    const ws = 7;
    const line = (a: string, c: string, s: string, d: string) => `${a.padEnd(wa)}  ${c.padEnd(wc)}  ${s.padEnd(ws)}  ${d}`;
    const out = [line("area", "check", "status", "detail"), "-".repeat(wa + wc + ws + 20)];
    for (const r of rows)
        out.push(line(r.area, r.check.length > wc ? `${r.check.slice(0, wc - 1)}…` : r.check, r.status, r.detail.replace(/\s+/g, " ").slice(0, 220)));
    const count = (s: CheckStatus) => rows.filter((r) => r.status === s).length;
    out.push("", `${count("pass")} pass, ${count("fail")} fail, ${count("partial")} partial, ${count("not run")} not run`);
    if (figures.length) {
        out.push("", "figures:");
        const wf = Math.max(...figures.map((f) => f.name.length));
        for (const f of figures) out.push(`  ${f.name.padEnd(wf)}  ${f.value}`);
    }
    return out.join("\n");
}
