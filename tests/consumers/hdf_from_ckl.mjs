// Converts .ckl checklists to HDF with MITRE SAF's own converter (npm @mitre/hdf-converters, the
// library `saf convert ckl2hdf` runs; installed by scripts/setup.sh) and prints what Heimdall would
// show of each control, as JSON, for tests/unit/report/consumers_test.cpp.
// Usage: node hdf_from_ckl.mjs MODULE_DIR FILE... A file the converter rejects exits 1.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const [moduleDir, ...files] = process.argv.slice(2)
const { ChecklistResults } = createRequire(import.meta.url)(path.resolve(moduleDir))

const out = []
for (const file of files) {
  const hdf = new ChecklistResults(readFileSync(file, 'utf8')).toHdf()
  const executions = Array.isArray(hdf) ? hdf : [hdf]
  out.push({
    file,
    profiles: executions.flatMap(e => e.profiles.map(p => ({
      name: p.name,
      version: p.version,
      controls: p.controls.map(c => ({ id: c.id, nist: c.tags.nist, cci: c.tags.cci, status: c.results.map(r => r.status) })),
    }))),
  })
}
console.log(JSON.stringify(out))
