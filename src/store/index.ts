// The review store: SQLite (better-sqlite3) or PostgreSQL (pg), with migrations. See store.ts.
export { applyReviews, DEFAULT_DB_NAME, defaultDbPath, isPostgresUrl, ReviewStore, toRecordField, type OpenStoreOptions, type SinkContext } from './store.ts';
export { LATEST_VERSION, MIGRATIONS, migrate, type Migration } from './migrations.ts';
export { PG_LATEST_VERSION, PG_MIGRATIONS, migratePg, type PgMigration } from './pg-migrations.ts';
export { redactUrl, withoutPassword } from './pg-sql.ts';
export { parseFieldValue, valueAsText, type ParsedValue } from './field-values.ts';
export * from './types.ts';
export { openExistingStore, resolveStorePath, type StoreLocation } from './locate.ts';
export { importOutputFolder, sequencesOfReport, type ImportOptions, type ImportResult } from './import.ts';
export { GROUPING_CHANGED, planCarryOver, type CarryPlan, type CarrySource } from './carry-over.ts';
export { AUDIT_TABLES, GENESIS_HASH, entryHash, nextLink, verifyChain, type AuditTable, type ChainBreak, type ChainReport } from './audit-chain.ts';
