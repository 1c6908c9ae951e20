// Pre-compression of the built app: a `.gz` and a `.br` beside every compressible file of the output
// folder above 1 kB, so that the server never compresses a static file at request time
// (src/http/static_files.cpp picks the variant by Accept-Encoding). Runs after the bundle is
// written, so files copied from public/ (the map's geo/*.json) are compressed too.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|html|json|svg|txt|webmanifest|map)$/;
const MIN_BYTES = 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'u5-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const f of files(outDir)) {
        if (!COMPRESSIBLE.test(f) || statSync(f).size < MIN_BYTES) continue;
        const data = readFileSync(f);
        const gz = gzipSync(data, { level: 9 });
        const br = brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        });
        // A variant that saves nothing is left out: the server then sends the file as it is.
        if (gz.length < data.length) writeFileSync(f + '.gz', gz);
        if (br.length < data.length) writeFileSync(f + '.br', br);
      }
    },
  };
}
