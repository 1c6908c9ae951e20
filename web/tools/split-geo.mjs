// Writes public/geo/<province>.json: the province's 2025 communes from the shared vn-geo layer,
// coordinates cut to 4 decimals (~11 m, finer than the layer's simplification) so a
// province file stays small enough to fetch on a phone. Usage: node tools/split-geo.mjs [SRC] [codes...]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const src = process.argv[2] || '/work/shared/data/vn-geo/vn_communes_2025.geojson';
const wanted = process.argv.slice(3);
const codes = wanted.length ? wanted : ['12', '14', '19', '24', '31'];
const all = JSON.parse(readFileSync(src, 'utf8'));
const round = (c) => (typeof c[0] === 'number' ? [Math.round(c[0] * 1e4) / 1e4, Math.round(c[1] * 1e4) / 1e4] : c.map(round));
mkdirSync(new URL('../public/geo/', import.meta.url), { recursive: true });
// Which province a commune is in: a commune worker's dashboard draws the map of their province.
const index = {};
for (const code of codes) {
  const features = all.features
    .filter((f) => f.properties.province_code === code)
    .map((f) => ({
      type: 'Feature',
      properties: { code: f.properties.code, name: f.properties.name },
      geometry: { type: f.geometry.type, coordinates: round(f.geometry.coordinates) },
    }));
  const out = { type: 'FeatureCollection', province: code, features };
  writeFileSync(new URL(`../public/geo/${code}.json`, import.meta.url), JSON.stringify(out));
  for (const f of features) index[f.properties.code] = code;
  console.log(code, features.length, 'communes');
}
writeFileSync(new URL('../public/geo/index.json', import.meta.url), JSON.stringify(index));
