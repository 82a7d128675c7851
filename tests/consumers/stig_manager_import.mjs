// Imports checklists with STIG Manager's own parsers (npm @nuwcdivnpt/stig-manager-client-modules,
// installed by scripts/setup.sh) and prints what STIG Manager would record, as JSON, for
// tests/unit/report/consumers_test.cpp. Usage: node stig_manager_import.mjs MODULE_DIR FILE...
// (.cklb through reviewsFromCklb, .ckl through reviewsFromCkl, -xccdf.xml through reviewsFromXccdf). A rejected file exits 1.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import path from 'node:path'

const [moduleDir, ...files] = process.argv.slice(2)
const { reviewsFromCklb, reviewsFromCkl, reviewsFromXccdf } = await import(pathToFileURL(path.join(moduleDir, 'index.js')).href)

// STIG Manager's defaults for a collection, with automatic submission asked for: a review is
// submitted only when its required fields are there (for an Open finding, a comment).
const options = {
  fieldSettings: { detail: { enabled: 'always', required: 'always' }, comment: { enabled: 'findings', required: 'findings' } },
  allowAccept: false,
  importOptions: { autoStatus: 'submitted', unreviewed: 'always', unreviewedCommented: 'informational', emptyDetail: 'replace',
                   emptyComment: 'ignore', allowCustom: true },
}

const out = []
for (const file of files) {
  const data = readFileSync(file, 'utf8')
  const parse = file.endsWith('.cklb') ? reviewsFromCklb : file.endsWith('-xccdf.xml') ? reviewsFromXccdf : reviewsFromCkl
  const result = parse({ data, sourceRef: file, ...options })
  out.push({
    file,
    target: result.target,
    checklists: result.checklists.map(c => ({
      benchmarkId: c.benchmarkId,
      revisionStr: c.revisionStr,
      reviews: c.reviews.map(r => ({ ruleId: r.ruleId, result: r.result, status: r.status, comment: r.comment, detail: r.detail,
                                  resultEngine: r.resultEngine ?? null })),
    })),
  })
}
console.log(JSON.stringify(out))
