"""The storage benchmark's DuckDB side: loads the daily usage CSV (every column as text)
into a DuckDB file, writes the same table as zstd Parquet with DuckDB, and prints the row
count and both sizes as JSON. Usage: duckdb_storage.py CSV DUCKDB_FILE PARQUET_FILE"""
import json
import os
import sys

import duckdb

csv, db_path, parquet = sys.argv[1:4]
for path in (db_path, parquet):
    if os.path.exists(path):
        os.remove(path)
con = duckdb.connect(db_path)
con.execute(
    "CREATE TABLE daily_usage AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
    [csv],
)
rows = con.execute("SELECT count(*) FROM daily_usage").fetchone()[0]
con.execute(f"COPY daily_usage TO '{parquet}' (FORMAT parquet, COMPRESSION zstd)")
con.execute("CHECKPOINT")
con.close()
print(json.dumps({
    "rows": rows,
    "duckdb_bytes": os.path.getsize(db_path),
    "parquet_bytes": os.path.getsize(parquet),
}))
