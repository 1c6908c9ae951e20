// Writes dist/sw.js from sw-template.js: the shell to keep (index.html, every hashed JS and CSS file
// of the app's bundle, the manifest and the icons) and a version that changes with the bundle, so a
// new build is a new worker. The public page's bundle and the map data are left out (fetched when used).
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Plugin } from 'vite';

const STATIC = ['/', '/manifest.webmanifest', '/favicon.svg', '/icon-192.png', '/icon-512.png', '/icon-maskable-512.png'];

export function serviceWorker(): Plugin {
  let root = '.';
  return {
    name: 'u5-service-worker',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    generateBundle(_options, bundle) {
      const publicOnly = new Set<string>();
      // What only the public page uses: its entry chunk and what it alone imports.
      const entries = Object.values(bundle).filter((c) => c.type === 'chunk' && c.isEntry) as any[];
      const reach = (name: string, seen: Set<string>) => {
        if (seen.has(name)) return;
        seen.add(name);
        const c = bundle[name] as any;
        for (const d of [...(c?.imports ?? []), ...(c?.dynamicImports ?? []), ...(c?.viteMetadata?.importedCss ?? [])]) reach(d, seen);
      };
      const app = new Set<string>();
      for (const e of entries) if (e.facadeModuleId?.endsWith('index.html') || e.name === 'main') reach(e.fileName, app);
      const others = new Set<string>();
      for (const e of entries) if (!app.has(e.fileName)) reach(e.fileName, others);
      for (const f of others) if (!app.has(f)) publicOnly.add(f);
      const assets = Object.keys(bundle).filter((f) => /^assets\/.*\.(js|css)$/.test(f) && !publicOnly.has(f)).sort();
      const shell = [...STATIC, ...assets.map((f) => '/' + f)];
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 16);
      const source = readFileSync(join(root, 'sw-template.js'), 'utf8')
        .replace('__VERSION__', JSON.stringify(version))
        .replace('__SHELL__', JSON.stringify(shell));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
