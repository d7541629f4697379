import { Module } from '@nestjs/common';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';

/** The header search (GET /api/search) over the current configuration and the option registry. */
@Module({ controllers: [SearchController], providers: [SearchService] })
export class SearchModule {}
