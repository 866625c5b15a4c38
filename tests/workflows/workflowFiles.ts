import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "../support/stackConfig";

export const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github", "workflows");
/** Every workflow file of the repository, sorted. */
export const WORKFLOW_FILES = fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
