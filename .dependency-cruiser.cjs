// The dependency rule of docs/architecture.md ("Layers"), checked by `npm run lint`:
// core below everything, vendor adapters above core only, features on top, and no cycle between folders.
// File-level violations that exist today are listed in .dependency-cruiser-known-violations.json, so
// only new ones fail; the list shrinks as the layout is moved into shape and must never grow.
const FEATURES =
  '^src/(api|activities|auth|bookings|calendar|customers|email|health|intake|integration-settings|invoices|leads|people|self-service|sms|stats|templates|tenants)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment:
        'src/core is the ground floor: it may use the generated Prisma client and itself, nothing above.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/', pathNot: ['^src/core/', '^src/generated/'] },
    },
    {
      name: 'adapters-import-no-feature',
      comment:
        'A vendor adapter in src/integrations depends on src/core only; features call adapters, never the reverse.',
      severity: 'error',
      from: { path: '^src/integrations/' },
      to: { path: FEATURES },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Two folders that import each other are one module in disguise: move the shared part down.',
      // An error since the last folder cycle was moved apart. dependency-cruiser's known-violations list
      // covers files, not folders, so a new folder cycle cannot be parked there: move the shared part down.
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      comment: 'Files that import each other in a circle load in an order nobody chose.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/generated/', '\\.spec\\.ts$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
