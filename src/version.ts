// The pipeline version is part of every job id and of the "already done" check:
// bump PIPELINE_REVISION when a stage changes what it produces for the same page,
// so a resumed run or a re-enqueued batch redoes pages instead of trusting old output.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const PACKAGE_VERSION: string = pkg.version;
export const PIPELINE_REVISION = 16;
export const PIPELINE_VERSION = `${PACKAGE_VERSION}+r${PIPELINE_REVISION}`;
