// Reads Mini ETL shards (Arrow IPC files) with Polars for Node, an Arrow implementation that is not
// ours, and prints one JSON line: [{file, rows, dtypes: {column: dtype},
// word_count_sum, article_ids (first 3), null_titles, null_publish_dates}, ...].
//
// Usage: node read-shards-polars.js <reactor root> <shard file>...
// Polars is loaded from <reactor root>/node_modules (installed by build/npm-install.sh).
//
// Pitfalls: pl.readIPC(string) only takes paths ending in .ipc, so the
// file is passed as a Buffer; Series.get(i) is wrong on Int64/Datetime, so sums use Series.sum().
'use strict';
const fs = require('fs');
const path = require('path');

const [root, ...files] = process.argv.slice(2);
if (!root || files.length === 0) {
  console.error('usage: node read-shards-polars.js <reactor root> <shard file>...');
  process.exit(2);
}
const pl = require(path.join(root, 'node_modules', 'nodejs-polars'));

const results = files.map((file) => {
  const df = pl.readIPC(fs.readFileSync(file));
  const dtypes = {};
  for (const name of df.columns) {
    dtypes[name] = String(df.getColumn(name).dtype);
  }
  const wordCount = df.getColumn('word_count');
  return {
    file,
    rows: df.height,
    dtypes,
    word_count_sum: df.height === 0 ? 0 : Number(wordCount.cast(pl.Int64).sum()),
    article_ids: df.getColumn('article_id').toArray().slice(0, 3),
    null_titles: df.getColumn('title').nullCount(),
    null_publish_dates: df.getColumn('publish_date').nullCount(),
  };
});
process.stdout.write(JSON.stringify(results) + '\n');
