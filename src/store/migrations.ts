// The store's schema as an ordered list of migrations. A database remembers the
// last one applied (table schema_migrations, mirrored in PRAGMA user_version);
// opening it applies the rest, each in its own transaction. Never edit a
// migration that has shipped: add the next one.
import type Database from 'better-sqlite3';
import { CablescanError, ErrorCode } from '../errors.ts';
import { AUDIT_TABLES, nextLink } from './audit-chain.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Work SQL cannot do (hashing), run after `sql` in the same transaction. */
  run?: (db: Database.Database) => void;
}

/** Chains the entries written before the chain existed, in id order (the triggers are lifted for it). */
function chainExistingEntries(db: Database.Database): void {
  for (const table of AUDIT_TABLES) {
    const rows = db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Array<Record<string, unknown>>;
    if (rows.length === 0) continue;
    const trigger = `${table}_no_update`;
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").get(trigger) as { sql: string } | undefined)?.sql;
    db.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
    const update = db.prepare(`UPDATE ${table} SET prev_hash = ?, hash = ? WHERE id = ?`);
    let last: string | null = null;
    for (const row of rows) {
      const link = nextLink(table, last, row);
      update.run(link.prev_hash, link.hash, row.id);
      last = link.hash;
    }
    if (sql) db.exec(sql);
  }
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'records, fields, pages, review actions',
    sql: `
      CREATE TABLE batches (
        name        TEXT PRIMARY KEY,
        out_dir     TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );

      -- A page is its content: the same bytes give the same hash wherever the file lives.
      -- path is absolute (resolved at emit time) so the server can render crops from the original.
      CREATE TABLE pages (
        content_hash TEXT PRIMARY KEY,
        page_id      TEXT NOT NULL,
        file         TEXT NOT NULL,
        path         TEXT NOT NULL,
        page_index   INTEGER NOT NULL,
        page_count   INTEGER NOT NULL,
        width        INTEGER NOT NULL,
        height       INTEGER NOT NULL,
        updated_at   TEXT NOT NULL
      );

      -- record_json is the record exactly as the pipeline emitted it last; review state lives in fields.
      CREATE TABLE records (
        id             TEXT PRIMARY KEY,
        profile        TEXT NOT NULL,
        profile_score  REAL NOT NULL,
        record_json    TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      );
      CREATE INDEX records_profile ON records(profile);

      -- A record belongs to every batch that emitted it (re-running a folder under a new name adds one).
      CREATE TABLE record_batches (
        record_id  TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        batch      TEXT NOT NULL REFERENCES batches(name),
        added_at   TEXT NOT NULL,
        PRIMARY KEY (record_id, batch)
      );
      CREATE INDEX record_batches_batch ON record_batches(batch);

      CREATE TABLE record_pages (
        record_id     TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        page_id       TEXT NOT NULL,
        content_hash  TEXT NOT NULL REFERENCES pages(content_hash),
        PRIMARY KEY (record_id, position)
      );

      -- One row per field of a record: the machine's reading (machine_*) and the
      -- person's decision (review_status, final_value), kept apart so a re-run of the
      -- pipeline never overwrites a review. version counts every change a reviewer
      -- could have missed; writes must name the version they saw.
      CREATE TABLE fields (
        id              INTEGER PRIMARY KEY,
        record_id       TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        name            TEXT NOT NULL,
        position        INTEGER NOT NULL,
        machine_value   TEXT,
        text            TEXT NOT NULL,
        confidence      REAL NOT NULL,
        machine_status  TEXT NOT NULL CHECK (machine_status IN ('accepted', 'needs_review', 'missing')),
        page_id         TEXT,
        bbox            TEXT,
        reasons         TEXT NOT NULL,
        in_record       INTEGER NOT NULL DEFAULT 1,
        review_status   TEXT CHECK (review_status IN ('confirmed', 'corrected', 'absent')),
        final_value     TEXT,
        reviewed_by     TEXT,
        reviewed_at     TEXT,
        version         INTEGER NOT NULL DEFAULT 1,
        UNIQUE (record_id, name)
      );
      CREATE INDEX fields_queue ON fields(machine_status, review_status, confidence);
      CREATE INDEX fields_name ON fields(name);

      -- The audit trail: append-only (the triggers refuse updates and deletes).
      CREATE TABLE review_actions (
        id          INTEGER PRIMARY KEY,
        field_id    INTEGER NOT NULL REFERENCES fields(id),
        record_id   TEXT NOT NULL,
        field       TEXT NOT NULL,
        reviewer    TEXT NOT NULL,
        action      TEXT NOT NULL CHECK (action IN ('confirm', 'correct', 'absent')),
        old_value   TEXT,
        new_value   TEXT,
        old_status  TEXT NOT NULL,
        new_status  TEXT NOT NULL,
        version     INTEGER NOT NULL,
        at          TEXT NOT NULL
      );
      CREATE INDEX review_actions_field ON review_actions(field_id);
      CREATE INDEX review_actions_reviewer ON review_actions(reviewer);
      CREATE TRIGGER review_actions_no_update BEFORE UPDATE ON review_actions
        BEGIN SELECT RAISE(ABORT, 'review actions are append-only'); END;
      CREATE TRIGGER review_actions_no_delete BEFORE DELETE ON review_actions
        BEGIN SELECT RAISE(ABORT, 'review actions are append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'records retired by a regrouping',
    sql: `
      -- A record the pipeline no longer emits for its pages (they were grouped differently on a
      -- later run): kept with its fields and audit, out of the review queue and exports.
      ALTER TABLE records ADD COLUMN retired_at TEXT;
      ALTER TABLE records ADD COLUMN replaced_by TEXT;
    `,
  },
  {
    version: 3,
    name: 'reviewers regroup pages: sequences, boundary decisions, grouping audit, record versions',
    sql: `
      -- version: bumped whenever the record changes (a re-emit that differs, a regrouping, retirement);
      -- a split, merge or confirmation names the version the reviewer saw. Field reviews do not bump it.
      ALTER TABLE records ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      -- grouping_status: the emitted record's grouping.status (certain, uncertain, confirmed), for the grouping queue.
      ALTER TABLE records ADD COLUMN grouping_status TEXT;
      -- sequence_key: the sequence (folder, file...) the record was last built in.
      ALTER TABLE records ADD COLUMN sequence_key TEXT;
      UPDATE records SET grouping_status = json_extract(record_json, '$.grouping.status');
      CREATE INDEX records_grouping ON records(grouping_status, retired_at);
      CREATE INDEX records_sequence ON records(sequence_key);

      -- A sequence: the pages the grouping decides over, in order, as the last build saw them, with
      -- the output folder holding their page JSON and the settings the records were built with, so
      -- a reviewer's regrouping rebuilds them from the stored readings (no OCR) the same way.
      CREATE TABLE sequences (
        key         TEXT PRIMARY KEY,
        mode        TEXT NOT NULL,
        out_dir     TEXT,
        build       TEXT,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE sequence_pages (
        sequence_key  TEXT NOT NULL REFERENCES sequences(key) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        page_id       TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        file          TEXT NOT NULL,
        PRIMARY KEY (sequence_key, position)
      );
      CREATE INDEX sequence_pages_hash ON sequence_pages(content_hash);

      -- Every split, merge and grouping confirmation: who, when, the records before and after,
      -- which replaced which, the boundary decisions changed and what became of field reviews.
      -- Append-only, like review_actions.
      CREATE TABLE grouping_actions (
        id            INTEGER PRIMARY KEY,
        action        TEXT NOT NULL CHECK (action IN ('split', 'merge', 'confirm')),
        reviewer      TEXT NOT NULL,
        at            TEXT NOT NULL,
        sequence_key  TEXT NOT NULL,
        page_id       TEXT NOT NULL,
        before        TEXT NOT NULL,
        after         TEXT NOT NULL,
        replaced_by   TEXT NOT NULL,
        decisions     TEXT NOT NULL,
        fields        TEXT NOT NULL,
        versions      TEXT NOT NULL
      );
      CREATE INDEX grouping_actions_reviewer ON grouping_actions(reviewer);
      CREATE TRIGGER grouping_actions_no_update BEFORE UPDATE ON grouping_actions
        BEGIN SELECT RAISE(ABORT, 'grouping actions are append-only'); END;
      CREATE TRIGGER grouping_actions_no_delete BEFORE DELETE ON grouping_actions
        BEGIN SELECT RAISE(ABORT, 'grouping actions are append-only'); END;
      -- Which records an action touched, for filtering the trail by record or batch.
      CREATE TABLE grouping_action_records (
        action_id  INTEGER NOT NULL REFERENCES grouping_actions(id),
        record_id  TEXT NOT NULL,
        PRIMARY KEY (action_id, record_id)
      );
      CREATE INDEX grouping_action_records_record ON grouping_action_records(record_id);

      -- A reviewer's decision at the boundary between two pages (by content): it wins over the
      -- pipeline's on every later build. The latest decision at a boundary replaces the one before
      -- (the trail keeps both).
      CREATE TABLE reviewer_boundaries (
        content_hash           TEXT NOT NULL,
        previous_content_hash  TEXT NOT NULL,
        page_id                TEXT NOT NULL,
        previous_page_id       TEXT NOT NULL,
        decision               TEXT NOT NULL CHECK (decision IN ('start', 'continue')),
        action                 TEXT NOT NULL CHECK (action IN ('split', 'merge', 'confirm')),
        reviewer               TEXT NOT NULL,
        at                     TEXT NOT NULL,
        action_id              INTEGER NOT NULL REFERENCES grouping_actions(id),
        PRIMARY KEY (content_hash, previous_content_hash)
      );

      -- A person's decision on a field that could not follow its field into the regrouped record
      -- (its page or box changed): the field waits for a person again, with this reason.
      ALTER TABLE fields ADD COLUMN held_reason TEXT;

      -- Where a page's text lies (the union of its read lines): a grouping task shows the text
      -- area of two pages side by side, larger than the whole sheets would be.
      ALTER TABLE pages ADD COLUMN text_box TEXT;
    `,
  },
  {
    version: 4,
    name: 'the audit trail chained by hash',
    sql: `
      -- prev_hash: the hash of the entry before (64 zeros for the first); hash: sha256 over prev_hash
      -- and the entry's columns (src/store/audit-chain.ts). An entry without them is refused, so
      -- every writer goes through the store; \`cablescan review audit --verify\` walks the chain.
      ALTER TABLE review_actions ADD COLUMN prev_hash TEXT;
      ALTER TABLE review_actions ADD COLUMN hash TEXT;
      ALTER TABLE grouping_actions ADD COLUMN prev_hash TEXT;
      ALTER TABLE grouping_actions ADD COLUMN hash TEXT;
      CREATE TRIGGER review_actions_chained BEFORE INSERT ON review_actions WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
        BEGIN SELECT RAISE(ABORT, 'review actions are chained by hash: write them through the store'); END;
      CREATE TRIGGER grouping_actions_chained BEFORE INSERT ON grouping_actions WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
        BEGIN SELECT RAISE(ABORT, 'grouping actions are chained by hash: write them through the store'); END;
    `,
    run: chainExistingEntries,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** Applies the migrations the database lacks; returns the versions applied. */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > latest) {
    throw new CablescanError(
      ErrorCode.STORE,
      `${file}: the database is at schema version ${current}, newer than this cablescan knows (${latest}); upgrade cablescan`,
      { file, retryable: false },
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.run?.(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
