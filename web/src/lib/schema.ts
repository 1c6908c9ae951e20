// The registry as the server describes it (GET /api/v1/schema, written once in
// data/forms/registry.json): each record type with its collection (its name in
// the API's addresses, /api/v1/<collection>) and its fields' rules. Asked once
// per page load; a failed request is asked again next time.
import { api } from './api';

export interface SchemaField { name: string; required: boolean; derived: boolean; values?: string[]; min?: number; max?: number }
export interface SchemaType { type: string; collection: string; fields: SchemaField[] }

let cache: Promise<{ types: SchemaType[] }> | null = null;

export const loadSchema = () => (cache ??= api.get<{ types: SchemaType[] }>('/schema').catch((e) => { cache = null; throw e; }));

/** The record type `type` as the server describes it, or null when the server does not know it. */
export async function schemaType(type: string): Promise<SchemaType | null> {
  return (await loadSchema()).types.find((x) => x.type === type) ?? null;
}
