"""Turn one bench/run's raw outputs into a table with ratios; writes bench/results/LATEST.md."""

import re
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

work, articles, comments, seconds = Path(sys.argv[1]), *sys.argv[2:5]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(name: str, conns: int) -> dict:
    path = work / f"wrk-{name}-c{conns}.txt"
    text = path.read_text() if path.exists() else ""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result = {"rps": float(rps.group(1)) if rps else 0.0}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        result[f"p{pct}"] = float(match.group(1)) * UNITS[match.group(2)] if match else None
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["errors"] = int(errors.group(1)) if errors else 0
    accepted = re.search(r"COMMENTS accepted=(\d+) other=(\d+)", text)
    if accepted:
        result["accepted"], result["refused"] = int(accepted.group(1)), int(accepted.group(2))
    return result


names = ["static", "hello", "template", "article-warm", "article-cold", "home-warm", "home-cold",
         "topic-warm", "topic-cold", "search-warm", "search-cold", "feed-warm", "feed-cold",
         "comment-post"]  # fmt: skip
low = {name: wrk(name, 2) for name in names}
high = {name: wrk(name, 32) for name in names}


def ms(value):
    return "—" if value is None else f"{value:.2f}"


def ratio(a, b):
    return (high[a]["rps"] / high[b]["rps"]) if high[b]["rps"] else 0.0


def admin(name):
    path = work / f"admin-{name}.txt"
    times = sorted(float(t) * 1000 for t in path.read_text().split()) if path.exists() else []
    if not times:
        return "—", "—"
    return f"{statistics.median(times):.0f}", f"{times[-1]:.0f}"


stored = int((work / "comments-stored.txt").read_text().split()[1])
posted = high["comment-post"].get("accepted", 0) + low["comment-post"].get("accepted", 0)
comment_rate = high["comment-post"].get("accepted", 0) / float(seconds)
memory = [int(m) for m in re.findall(r"VmHWM:\s+(\d+) kB", (work / "memory.txt").read_text())]
generate = work / "generate.txt"
rows = [
    "| page | -c2 p50 ms | -c2 p99 ms | -c2 req/s | -c32 req/s | errors |",
    "|---|---:|---:|---:|---:|---:|",
]
for name in names:
    a, b = low[name], high[name]
    rows.append(
        f"| {name} | {ms(a['p50'])} | {ms(a['p99'])} | {a['rps']:.0f} | {b['rps']:.0f} | "
        f"{a['errors'] + b['errors']} |"
    )
checks = [
    ("warm article ≥ 0.5 × hello world (req/s, -c32)", ratio("article-warm", "hello"), 0.5),
    ("warm article ≥ 4 × cold article", ratio("article-warm", "article-cold"), 4.0),
    ("cold article ≥ 0.5 × template-only page", ratio("article-cold", "template"), 0.5),
]
lines = [
    "# Benchmark: latest run",
    "",
    f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/run` on this machine: PostgreSQL with "
    f"{int(articles):,} essays and {int(comments):,} comments, gunicorn (config/gunicorn.conf.py), "
    f"wrk {seconds}s per run with 2 threads at 2 and 32 connections. Warm = page cache on (Redis); "
    "cold = page cache off. Timings on a shared machine are noisy: read the ratios.",
    "",
    *rows,
    "",
    "## Ratios (same run)",
    "",
    "| target | measured | goal | met |",
    "|---|---:|---:|:---:|",
    *[
        f"| {label} | {value:.2f} | {goal} | {'yes' if value >= goal else 'no'} |"
        for label, value, goal in checks
    ],  # fmt: skip
    f"| warm article vs nginx static file (physical limit) | {ratio('article-warm', 'static'):.2f}"
    " | — | — |",
    "",
    "## Latency targets at -c2 (p99, ms)",
    "",
    "| page | p99 warm | p99 cold | goal |",
    "|---|---:|---:|---:|",
    *[
        f"| {page} | {ms(low[page + '-warm']['p99'])} | {ms(low[page + '-cold']['p99'])} | 25 |"
        for page in ("article", "home", "topic")
    ],  # fmt: skip
    f"| search | {ms(low['search-warm']['p99'])} | {ms(low['search-cold']['p99'])} | 100 |",
    "",
    "## Other measurements",
    "",
    f"- Comment POST: {comment_rate:.0f} accepted comments/s at -c32; {posted} accepted by wrk, "
    f"{stored} rows stored ({'none lost' if stored >= posted else 'COMMENTS LOST'}; a few more "
    "rows than counted answers are requests still in flight when wrk stopped).",
    f"- Admin moderation queue (pending, newest first): median {admin('comments')[0]} ms, "
    f"max {admin('comments')[1]} ms over 15 loads; essay list: median {admin('articles')[0]} ms, "
    f"max {admin('articles')[1]} ms.",
    f"- Peak memory (VmHWM) of one gunicorn worker: {max(memory) / 1024:.0f} MB "
    f"(all workers: {', '.join(f'{m / 1024:.0f}' for m in memory)} MB).",
]
if generate.exists():
    lines.append(f"- Data generation: {generate.read_text().split('=')[1].strip()} s.")
lines += ["", "## Query plans (EXPLAIN ANALYZE)", "", (work / "explain.txt").read_text()]
report = "\n".join(lines) + "\n"
out = Path(__file__).resolve().parent / "results" / "LATEST.md"
out.write_text(report)
print("\n".join(lines[: lines.index("## Query plans (EXPLAIN ANALYZE)")]))
print(f"\nWritten to {out}")
