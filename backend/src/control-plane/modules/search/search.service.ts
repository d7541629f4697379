import { Injectable } from '@nestjs/common';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { search, type SearchHit } from './search-index.js';

@Injectable()
export class SearchService {
  constructor(private readonly config: ConfigurationService) {}

  /** One page of the hits in the current configuration (the head version, secrets as their references). */
  async find(q: string, page: number, pageSize: number): Promise<{ items: SearchHit[]; total: number; page: number; pageSize: number }> {
    const { doc } = await this.config.head();
    const hits = search(doc, q);
    return { items: hits.slice((page - 1) * pageSize, page * pageSize), total: hits.length, page, pageSize };
  }
}
