// pkg-ref.mjs: runs pkg.mjs's cases unbundled; their frames are where the
// bundle's source map must lead.
import { report } from './report.js';
import { pkgCases } from './pkg.mjs';
for (const [name, fn] of pkgCases) report(name, fn);
