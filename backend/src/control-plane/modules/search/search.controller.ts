import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ValidQuery, type Infer } from '../../common/validation.js';
import { SearchQuery } from './search.schemas.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@Controller('search')
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  /** Applications, switches, DN numbers and option names matching `q` (every signed-in role may search). */
  @Get() find(@ValidQuery(SearchQuery) q: Infer<typeof SearchQuery>) {
    return this.searchService.find(q.q, q.page, q.pageSize);
  }
}
