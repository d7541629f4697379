import { Inject, Injectable } from '@nestjs/common';
import type { ConfigDocument } from '../../../contracts/config-document.js';
import { emptyConfigDocument, parseConfigDocument, serializeConfigDocument } from '../../../contracts/config-document.js';
import { maskSecrets, revealSecrets, secretRefsIn, type UnknownSecret } from '../../../contracts/secrets.js';
import { fileTlsMaterialCheck, type PemFileRules } from '../../../contracts/tls-material.js';
import { validateConfigDocument, type ValidationError } from '../../../contracts/validation.js';
import { ENV, type Env } from '../../config/env.js';
import { AppError, badRequest, conflict, notFound, type FieldError } from '../../common/errors.js';
import { ConfigRepository, type ConfigTx } from './config.repository.js';
import { diffDocuments, type DocumentChange } from './document-diff.js';
import { applyDocumentDelta } from './document-delta.js';
import { yamlPositions } from '../../../contracts/yaml-positions.js';
import { assertYamlWithinLimits, YAML_LIMITS } from './yaml-limits.js';

export interface CommitResult {
  version: number;
  committed: boolean;
  dryRun: boolean;
  changes: DocumentChange[];
}
export interface CommitOptions {
  dryRun?: boolean;
  baseVersion?: number;
}
/** Expected revision of an object being edited (optimistic concurrency); a stale one gets 409. */
export interface ExpectedRevision {
  object: 'application' | 'switch' | 'dn';
  name: string;
  revision: number | undefined;
}

/** A validation error located on the object it concerns, so the UI can put it on the field. */
export interface LocatedError extends FieldError {
  object?: { kind: 'application' | 'switch' | 'dn'; name: string };
  field?: string;
  /** Where in the YAML source (1-based), for errors of an imported or validated document. */
  line?: number;
  column?: number;
}

/**
 * The configuration store: every change goes through `commit`, which, in one transaction with the head locked,
 * applies the change to a copy of the current document, validates the whole result (every error, each located),
 * and records a new numbered version with its diff, author and summary. Nothing is written unless all of it is.
 */
@Injectable()
export class ConfigurationService {
  private cache: { version: number; doc: ConfigDocument } | undefined;
  private revealedCache: { version: number; doc: ConfigDocument } | undefined;
  /** TLS material files are read only from the configured directory (TLS_MATERIAL_DIR), paths relative to it. */
  readonly tlsFiles: { readonly baseDir: string; readonly pemFiles: PemFileRules };
  private readonly tlsCheck;
  /** For callers who may not open files (a viewer's validation): inline material only. */
  private readonly inlineTlsCheck;

  constructor(
    private readonly repo: ConfigRepository,
    @Inject(ENV) env: Env,
  ) {
    this.tlsFiles = { baseDir: env.tlsMaterialDir, pemFiles: { root: env.tlsMaterialDir } };
    this.tlsCheck = fileTlsMaterialCheck(env.tlsMaterialDir, undefined, { root: env.tlsMaterialDir });
    this.inlineTlsCheck = fileTlsMaterialCheck(env.tlsMaterialDir, undefined, { root: env.tlsMaterialDir, files: 'skip' });
  }

  /**
   * The current document and its version (cached; the cache is checked against the head on each call). Secret
   * option values are references (`secret:sha256:…`): this is what every read shows.
   */
  async head(): Promise<{ version: number; doc: ConfigDocument }> {
    const version = await this.repo.headVersion();
    if (this.cache?.version !== version) this.cache = { version, doc: await this.documentFrom(this.repo, version) };
    return this.cache;
  }

  /**
   * The document of `version`, from the cached head when it is not newer: another replica's commits (or a rollback
   * of this one's transaction) only cost their deltas, not a rebuild from the snapshot.
   */
  private async documentFrom(
    reader: Pick<ConfigRepository, 'deltasAfter'> & { documentAt(v: number): Promise<ConfigDocument | undefined> },
    version: number,
  ): Promise<ConfigDocument> {
    const cached = this.cache;
    if (cached && cached.version === version) return cached.doc;
    if (cached && cached.version < version) {
      let doc = cached.doc;
      for (const d of await reader.deltasAfter(cached.version, version)) doc = applyDocumentDelta(doc, d);
      return doc;
    }
    return (await reader.documentAt(version)) ?? emptyConfigDocument();
  }

  async commit(
    actor: string,
    summary: string,
    mutate: (doc: ConfigDocument, tx: ConfigTx) => Promise<ConfigDocument | void> | ConfigDocument | void,
    opts: CommitOptions & { expect?: ExpectedRevision[] } = {},
  ): Promise<CommitResult> {
    let committed: { version: number; doc: ConfigDocument } | undefined;
    const result = await this.repo.withLockedHead(async (tx): Promise<CommitResult> => {
      if (opts.baseVersion !== undefined && opts.baseVersion !== tx.headVersion) {
        throw conflict(
          'STALE_VERSION',
          `The configuration changed since version ${opts.baseVersion} (now ${tx.headVersion}); reload and apply your change again`,
        );
      }
      for (const e of opts.expect ?? []) {
        const current = await tx.revisionOf(e.object, e.name);
        if (current === undefined) throw notFound(`${e.object} ${e.name}`);
        if (e.revision !== undefined && e.revision !== current) {
          throw conflict(
            'STALE_REVISION',
            `${e.object} ${e.name} was changed by someone else (revision ${current}, yours ${e.revision}); reload it and apply your change again`,
          );
        }
      }
      const before = await this.documentFrom(tx, tx.headVersion);
      const draft = structuredClone(before);
      const after = (await mutate(draft, tx)) ?? draft;
      // Validated with the secrets in place (the key must match the certificate), stored with references only.
      const unknown = revealSecrets(after, await tx.secrets(secretRefsIn(after)));
      const errors = [...unknownSecretErrors(unknown), ...validateConfigDocument(after, { checkTlsMaterial: this.tlsCheck })];
      const secrets = maskSecrets(after);
      if (errors.length)
        throw new AppError(
          400,
          'CONFIG_INVALID',
          `The change was refused: ${errors.length} error(s); nothing was saved`,
          locate(errors, after),
        );
      const changes = diffDocuments(before, after);
      if (opts.dryRun || changes.length === 0) return { version: tx.headVersion, committed: false, dryRun: !!opts.dryRun, changes };
      const version = tx.headVersion + 1;
      await tx.storeSecrets(secrets);
      await tx.commit(version, before, after, changes, actor, summary);
      committed = { version, doc: after };
      return { version, committed: true, dryRun: false, changes };
    });
    // Cached only once the transaction committed: a failed COMMIT must not leave a version here that the database lacks.
    if (committed && (this.cache?.version ?? -1) < committed.version) this.cache = committed;
    return result;
  }

  /** Replaces the whole configuration with a YAML document (all-or-nothing). */
  async importYaml(actor: string, yaml: string, opts: CommitOptions = {}): Promise<CommitResult> {
    if (typeof yaml !== 'string' || !yaml.trim())
      throw badRequest('EMPTY_DOCUMENT', 'Send the YAML document as the request body (Content-Type: application/yaml)');
    // Only users who may edit the configuration import.
    assertYamlWithinLimits(yaml, YAML_LIMITS.editor);
    const parsed = parseConfigDocument(yaml);
    if (parsed.errors.length)
      throw new AppError(
        400,
        'CONFIG_INVALID',
        `The document was refused: ${parsed.errors.length} error(s); nothing was saved`,
        withPositions(yaml, locate(parsed.errors, parsed.doc)),
      );
    try {
      return await this.commit(actor, 'import of a YAML document', () => parsed.doc, opts);
    } catch (e) {
      // The whole-document rules run in commit; their paths index the same document, so they map onto the source too.
      if (e instanceof AppError && e.code === 'CONFIG_INVALID' && e.errors?.length)
        throw new AppError(400, e.code, e.message, withPositions(yaml, e.errors));
      throw e;
    }
  }

  /** The current document as YAML: secrets as references, or (an admin's explicit choice) with their values. */
  async exportYaml(opts: { withSecrets?: boolean } = {}): Promise<{ version: number; yaml: string }> {
    const { version, doc } = opts.withSecrets ? await this.headWithSecrets() : await this.head();
    return { version, yaml: serializeConfigDocument(doc) };
  }

  /**
   * The current document with secret values in place: only for the worker snapshot and the admin's export with
   * secrets. Never cached in `head`'s place, never sent to a user otherwise.
   */
  async headWithSecrets(): Promise<{ version: number; doc: ConfigDocument }> {
    const head = await this.head();
    if (this.revealedCache?.version === head.version) return this.revealedCache;
    const doc = structuredClone(head.doc);
    revealSecrets(doc, await this.repo.secrets(secretRefsIn(doc)));
    this.revealedCache = { version: head.version, doc };
    return this.revealedCache;
  }

  /**
   * Dry-run validation of a document (no write). Without `openFiles` (a viewer) no file is opened: certificate
   * paths are not checked at all, inline material is; and the document is held to the viewer's size limits.
   */
  async validateYaml(yaml: string, opts: { openFiles: boolean }): Promise<LocatedError[]> {
    assertYamlWithinLimits(yaml ?? '', opts.openFiles ? YAML_LIMITS.editor : YAML_LIMITS.viewer);
    const parsed = parseConfigDocument(yaml ?? '');
    if (parsed.errors.length) return withPositions(yaml ?? '', locate(parsed.errors, parsed.doc));
    const unknown = revealSecrets(parsed.doc, await this.repo.secrets(secretRefsIn(parsed.doc)));
    const errors = [
      ...unknownSecretErrors(unknown),
      ...validateConfigDocument(parsed.doc, { checkTlsMaterial: opts.openFiles ? this.tlsCheck : this.inlineTlsCheck }),
    ];
    return withPositions(yaml ?? '', locate(errors, parsed.doc));
  }

  /**
   * The whole-document rules with TLS material files opened, as a commit runs them, on a document that is not saved
   * (the certificate dry run, POST /api/certificates/check). Secrets must already be in place.
   */
  validateWithFiles(doc: ConfigDocument): ValidationError[] {
    return validateConfigDocument(doc, { checkTlsMaterial: this.tlsCheck });
  }

  listVersions(page: number, pageSize: number) {
    return this.repo.listVersions(page, pageSize);
  }

  async version(version: number) {
    const v = await this.repo.versionDetail(version);
    if (!v) throw notFound(`Configuration version ${version}`);
    const doc = await this.repo.documentAt(version);
    if (!doc) throw notFound(`Configuration version ${version}`);
    return {
      version: v.version,
      createdAt: v.createdAt,
      author: v.author,
      summary: v.summary,
      changes: v.changes,
      yaml: serializeConfigDocument(doc),
    };
  }

  async diff(from: number, to: number): Promise<{ from: number; to: number; changes: DocumentChange[] }> {
    const [a, b] = await Promise.all([this.repo.documentAt(from), this.repo.documentAt(to)]);
    if (!a) throw notFound(`Configuration version ${from}`);
    if (!b) throw notFound(`Configuration version ${to}`);
    return { from, to, changes: diffDocuments(a, b) };
  }

  /**
   * Rolling back is itself a new version whose document is that of `version`. With `baseVersion` (the version whose
   * diff the operator reviewed), a change committed meanwhile makes it 409 STALE_VERSION instead of rolling it over.
   */
  async rollback(actor: string, version: number, opts: { baseVersion?: number } = {}): Promise<CommitResult> {
    const doc = await this.repo.documentAt(version);
    if (!doc || (version === 0 && (await this.repo.headVersion()) === 0)) throw notFound(`Configuration version ${version}`);
    return this.commit(actor, `rollback to version ${version}`, () => structuredClone(doc), { baseVersion: opts.baseVersion });
  }
}

/** A secret reference this control plane does not hold (a document exported elsewhere, or a made-up fingerprint). */
function unknownSecretErrors(unknown: readonly UnknownSecret[]): ValidationError[] {
  return unknown.map((u) => ({
    path: u.path,
    code: 'unknown-secret',
    message: `${u.option} is ${u.ref}, a secret this control plane does not hold; give the value itself (PEM) or a file path`,
  }));
}

/** Adds the YAML line and column of each error whose path (or syntax error) has one in `yaml`. */
export function withPositions(yaml: string, errors: readonly LocatedError[]): LocatedError[] {
  if (!errors.length) return [];
  const at = yamlPositions(yaml, errors);
  return errors.map((e, i) => (at[i] ? { ...e, line: at[i].line, column: at[i].column } : { ...e }));
}

/** Adds the object (by name) and field to index-based paths like `switches[0].dns[3].options.TServer.contact`. */
export function locate(errors: readonly ValidationError[], doc: ConfigDocument): LocatedError[] {
  return errors.map((e) => {
    const out: LocatedError = { path: e.path, code: e.code, message: e.message };
    let m = /^applications\[(\d+)\](?:\.(.+))?$/.exec(e.path);
    if (m) {
      const app = doc.applications[Number(m[1])];
      if (app) {
        out.object = { kind: 'application', name: app.name };
        if (m[2]) out.field = m[2];
      }
      return out;
    }
    m = /^switches\[(\d+)\]\.dns\[(\d+)\](?:\.(.+))?$/.exec(e.path);
    if (m) {
      const sw = doc.switches[Number(m[1])];
      const dn = sw?.dns[Number(m[2])];
      if (sw && dn) {
        out.object = { kind: 'dn', name: `${sw.name}/${dn.number}` };
        if (m[3]) out.field = m[3];
      }
      return out;
    }
    m = /^switches\[(\d+)\](?:\.(.+))?$/.exec(e.path);
    if (m) {
      const sw = doc.switches[Number(m[1])];
      if (sw) {
        out.object = { kind: 'switch', name: sw.name };
        if (m[2]) out.field = m[2];
      }
    }
    return out;
  });
}
