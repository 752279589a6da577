// The promotions module at the named points of a record's life (records/record-hooks.ts).
import type { RecordHooks } from '../records/record-hooks.ts';
import type { PromotionsService } from './promotions-service.ts';

export function promotionHooks(promotions: PromotionsService): RecordHooks {
  return {
    // A transaction is priced by the promotion it names (§4.4).
    beforeCreate: promotions.priceOnCreate,
    // Promotions and store/product groups are checked on every write.
    beforeWrite: promotions.checkWrite,
    // Activation compiles the promotion; the compiled form is stored with the move.
    onEnter: promotions.compileOnEnter,
    // Caches of groups and live promotions follow writes, here and in other processes.
    afterCommit: promotions.changed,
  };
}
