// The `promotion` of a backtest or lint body, as served: exactly the rule fields of the ruleset's
// entity (their field schemas; the server refuses any other field), per ruleset of the app.
import { ruleFields, type CompiledApp, type RulesDef } from '../../../engine/index.ts';
import type { JsonSchema } from '../operation-spec.ts';
import { publicSchema } from './public-schema.ts';

export function candidatePromotionSchema(app: CompiledApp, rulesets: readonly RulesDef[]): JsonSchema {
  const shapes = new Map<string, JsonSchema>();
  for (const rs of rulesets) {
    const entity = app.entities.get(rs.entity)!;
    const fields = (entity.patchSchema as { properties: Record<string, JsonSchema> }).properties;
    // A candidate is never stored: when a stored field may change does not apply to it.
    const properties = Object.fromEntries(ruleFields(rs).filter((f) => fields[f]).map((f) => {
      const { editableIn: _editable, immutable: _immutable, ...field } = fields[f]!;
      return [f, publicSchema(field)];
    }));
    const shape = { type: 'object', additionalProperties: false, properties, description: `Rule fields of a ${entity.label} (ruleset ${rs.name}); with promotionId, they replace the stored promotion's` };
    shapes.set(JSON.stringify(shape), shape);
  }
  const list = [...shapes.values()];
  return list.length === 1 ? list[0]! : { anyOf: list };
}

/** A body naming a candidate: the engine's schema with the app's promotion shape; `required` says one of the two is needed. */
export function candidateBody(base: { properties: Record<string, unknown> }, app: CompiledApp, rulesets: readonly RulesDef[], required: boolean): JsonSchema {
  return {
    ...base,
    properties: { ...base.properties, promotion: candidatePromotionSchema(app, rulesets) },
    ...(required ? { anyOf: [{ required: ['promotionId'] }, { required: ['promotion'] }] } : {}),
  };
}
