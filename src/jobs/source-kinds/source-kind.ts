import type { DataSourceRow, Store } from '../../store/index.ts';
import type { ImportSummary } from '../ingest.ts';

/** What a sync reports while it runs. */
export interface SyncProgress {
  records: number;
  bytesRead?: number;
  bytesTotal?: number;
}

export interface SyncContext {
  signal: AbortSignal;
  onProgress: (p: SyncProgress) => void;
  /** secrets from settings or the environment, never from the source row (which is shown on pages) */
  secrets: TrackerSecrets;
}

/** The tokens a live source signs in with: from the config file or EIGHTBALL_* variables only. */
export interface TrackerSecrets {
  bugzillaApiKey?: string | undefined;
  githubToken?: string | undefined;
  jiraEmail?: string | undefined;
  jiraToken?: string | undefined;
}

export function trackerSecrets(c: TrackerSecrets): TrackerSecrets {
  return {
    bugzillaApiKey: c.bugzillaApiKey,
    githubToken: c.githubToken,
    jiraEmail: c.jiraEmail,
    jiraToken: c.jiraToken,
  };
}

/**
 * A kind of data source the admin page offers and the `import-source` job syncs: one file in
 * `jobs/source-kinds/`, listed in its `index.ts`. `check` refuses a location or query this kind
 * cannot use (naming the field); `storedAs` is the source name its reports are stored under;
 * `sync` brings the source's new and changed reports into the store.
 */
export interface SourceKind {
  kind: string;
  /** how the admin page names it */
  label: string;
  /** what the location field holds, for the form's hint */
  locationHint: string;
  check(s: { location: string; query: string }): void;
  storedAs(name: string): string;
  sync(store: Store, source: DataSourceRow, ctx: SyncContext): Promise<ImportSummary>;
}
