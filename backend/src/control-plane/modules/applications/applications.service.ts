import { Injectable } from '@nestjs/common';
import type { ApplicationDoc } from '../../../contracts/config-document.js';
import { alreadyExists, badRequest, notFound } from '../../common/errors.js';
import { caseNote, findSameName } from '../../../contracts/names.js';
import type { ListQuery } from '../configuration/config.repository.js';
import { ConfigRepository } from '../configuration/config.repository.js';
import { ConfigurationService, type CommitResult } from '../configuration/configuration.service.js';
import { applyOptionsPatch } from '../configuration/edits.js';
import type { ApplicationEntity } from '../configuration/config.entities.js';
import type { ApplicationCreate, ApplicationPatch } from './applications.schemas.js';

export interface ApplicationView {
  name: string;
  type: string;
  host: string | null;
  ports: Record<string, number>;
  backup: string | null;
  options: ApplicationDoc['options'];
  revision: number;
}
const view = (a: ApplicationEntity): ApplicationView => ({
  name: a.name,
  type: a.type,
  host: a.host,
  ports: a.ports,
  backup: a.backup,
  options: a.options,
  revision: a.revision,
});

@Injectable()
export class ApplicationsService {
  constructor(
    private readonly repo: ConfigRepository,
    private readonly config: ConfigurationService,
  ) {}

  async list(q: ListQuery) {
    const p = await this.repo.listApplications(q);
    return { ...p, items: p.items.map(view) };
  }

  async get(name: string): Promise<ApplicationView> {
    const a = await this.repo.findApplication(name);
    if (!a) throw notFound(`Application ${name}`);
    return view(a);
  }

  /** `body` is validated by ApplicationCreateBody. */
  create(actor: string, body: ApplicationCreate, dryRun: boolean): Promise<CommitResult> {
    const { name } = body;
    return this.config.commit(
      actor,
      `create application ${name}`,
      (doc) => {
        const same = findSameName(doc.applications, name, (a) => a.name);
        if (same) throw alreadyExists('name', `An application named ${same.name} already exists${caseNote(name, same.name)}`);
        const app: ApplicationDoc = { name, type: body.type, ports: {}, options: {} };
        this.patch(app, body);
        doc.applications.push(app);
      },
      { dryRun },
    );
  }

  /** `body` is validated by ApplicationPatchBody. */
  update(actor: string, name: string, body: ApplicationPatch, dryRun: boolean): Promise<CommitResult> {
    if (body.name !== undefined && body.name !== name)
      throw badRequest('RENAME_UNSUPPORTED', 'Renaming an application is not supported; create the new one and delete the old');
    return this.config.commit(
      actor,
      `edit application ${name}`,
      (doc) => {
        const app = doc.applications.find((a) => a.name === name);
        if (!app) throw notFound(`Application ${name}`);
        if (body.type !== undefined) app.type = body.type;
        this.patch(app, body);
      },
      { dryRun, expect: [{ object: 'application', name, revision: body.revision }] },
    );
  }

  /** With `dryRun` the refusal (what still references it) or the diff comes back and nothing is saved. */
  remove(actor: string, name: string, revision: number | undefined, dryRun = false): Promise<CommitResult> {
    return this.config.commit(
      actor,
      `delete application ${name}`,
      (doc) => {
        const i = doc.applications.findIndex((a) => a.name === name);
        if (i < 0) throw notFound(`Application ${name}`);
        doc.applications.splice(i, 1);
      },
      { dryRun, expect: [{ object: 'application', name, revision }] },
    );
  }

  private patch(app: ApplicationDoc, body: ApplicationPatch): void {
    if (body.host !== undefined) {
      if (body.host === null) delete app.host;
      else app.host = body.host;
    }
    if (body.backup !== undefined) {
      if (!body.backup) delete app.backup;
      else app.backup = body.backup;
    }
    for (const [id, v] of Object.entries(body.ports ?? {})) {
      if (v === null) delete app.ports[id];
      else app.ports[id] = v;
    }
    applyOptionsPatch(app.options, body.options);
  }
}
