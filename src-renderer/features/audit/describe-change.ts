/** An audit event's before and after, reduced to the fields that changed: shared with the engine's CSV export. */
export { describeChange, type ChangeLine } from '../../../src-shared/domain/audit-description'
