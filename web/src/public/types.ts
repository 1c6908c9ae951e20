// The files of a publication (the contract: docs/publication.md).
export interface IndexFile {
  format: string;
  generated_at: string;
  provinces: { orgunit: string; name_vi: string; name_en: string; publications: { period: string; label_vi: string; label_en: string; published_at: string; version: number }[] }[];
}

export interface Cell { numerator: number | null; denominator: number | null; value: number | null; suppressed: boolean }

export interface PubIndicator {
  id: string; name_vi: string; name_en: string; unit: string; lower_is_better: boolean;
  target: { year: number; op: string; value: number; printed_vi: string; printed_en: string } | null;
  status: string;
  total: Cell & { ci_low?: number | null; ci_high?: number | null };
  communes: (Cell & { orgunit: string; name: string })[];
  trend: { period: string; value: number | null }[];
}

export interface PubTable {
  id: string; title_vi: string; title_en: string;
  columns: { id: string; label_vi: string; label_en: string }[];
  rows: { orgunit: string; name: string; cells: (number | null)[]; total: number | null }[];
  column_totals: (number | null)[]; grand_total: number | null;
}

export interface Publication {
  format: string;
  orgunit: { id: string; name_vi: string; name_en: string };
  period: { code: string; start: string; end: string; label_vi: string; label_en: string };
  plan: { id: string; title_vi: string; title_en: string } | null;
  published_at: string; version: number; signed_off_at: string;
  suppression: { threshold: number; note_vi: string; note_en: string };
  indicators: PubIndicator[];
  tables: PubTable[];
}
