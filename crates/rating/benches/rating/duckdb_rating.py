"""The DuckDB side of `cargo xtask bench rating`: loads the usage, tier and FX CSVs the bench
wrote into an in-memory DuckDB (untimed), then runs the rating query (tiered_rating.sql) once
per `run` line read on stdin, so the bench can alternate the two sides. Speaks JSON lines on
stdout: `loaded` (version, threads, rows, load time), one `run` per run (wall and CPU
seconds of the query, its per customer-month totals as decimal text), and `done` with this
process's peak RSS (KiB) when stdin ends. Progress goes to stderr.
"""

import argparse
import json
import resource
import sys
import time

import duckdb

USAGE_COLUMNS = {
    "row_no": "BIGINT",
    "customer": "INTEGER",
    "plan": "INTEGER",
    "meter": "INTEGER",
    "usage_date": "DATE",
    "quantity": "DECIMAL(18, 6)",
    "pec": "BOOLEAN",
    "currency": "VARCHAR",
}
TIER_COLUMNS = {
    "meter": "INTEGER",
    "month": "DATE",
    "threshold": "DECIMAL(18, 6)",
    "unit_price": "DECIMAL(12, 7)",
    "included": "DECIMAL(18, 6)",
}
FX_COLUMNS = {"currency": "VARCHAR", "month": "DATE", "rate": "DECIMAL(9, 6)"}


def peak_rss_kib():
    """This process's peak RSS. VmHWM, not getrusage: Linux keeps ru_maxrss across exec, so
    it would report the parent's peak when that is higher."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def quoted(text):
    return "'" + text.replace("'", "''") + "'"


def load(con, table, path, columns):
    struct = ", ".join(f"{quoted(name)}: {quoted(kind)}" for name, kind in columns.items())
    con.execute(
        f"CREATE TABLE {table} AS SELECT * FROM read_csv({quoted(path)}, header = true, "
        f"columns = {{{struct}}})"
    )


def say(message):
    print(json.dumps(message), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--usage", required=True)
    p.add_argument("--tiers", required=True)
    p.add_argument("--fx", required=True)
    p.add_argument("--sql", required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--pec-rate", required=True)
    args = p.parse_args()

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {args.threads}")
    began = time.perf_counter()
    load(con, "usage", args.usage, USAGE_COLUMNS)
    load(con, "tiers", args.tiers, TIER_COLUMNS)
    load(con, "fx", args.fx, FX_COLUMNS)
    loaded = time.perf_counter() - began
    rows = con.execute("SELECT count(*) FROM usage").fetchone()[0]
    print(f"  duckdb: {rows} rows loaded in {loaded:.1f} s", file=sys.stderr)
    say(
        {
            "event": "loaded",
            "duckdb": duckdb.__version__,
            "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
            "rows": rows,
            "load_seconds": loaded,
        }
    )

    query = open(args.sql, encoding="utf-8").read()
    for line in sys.stdin:
        if line.strip() != "run":
            sys.exit(f"unknown command {line.strip()!r}: run, or end of input")
        cpu, began = time.process_time(), time.perf_counter()
        totals = con.execute(query, {"pec_rate": args.pec_rate}).fetchall()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        say(
            {
                "event": "run",
                "seconds": seconds,
                "cpu_seconds": cpu,
                "totals": [
                    [customer, str(month), currency, str(pricing), str(billing)]
                    for customer, month, currency, pricing, billing in totals
                ],
            }
        )
    say({"event": "done", "peak_rss_kib": peak_rss_kib()})


if __name__ == "__main__":
    main()
