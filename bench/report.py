"""Turn one bench/run's raw outputs into tables and ratios; writes bench/results/LATEST.md.

Run as: python bench/report.py WORKDIR (bench/run does). Each goal's ratio is taken within a
round (both targets measured minutes apart at most) and the median over the rounds is reported.
"""

import re
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

work = Path(sys.argv[1])
meta = dict(line.split("=", 1) for line in (work / "meta.txt").read_text().splitlines())
rounds = range(1, int(meta["rounds"]) + 1)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
TARGETS = {
    "static": "nginx, saved copy of the seed essay's page (same bytes)",
    "hello": "Django hello-world, our gunicorn",
    "wagtail": f"Wagtail {meta['wagtail']} page with the seed essay's text",
    "cold": "seed essay at the origin, no page cache",
    "warm": "seed essay at the origin, page cache in Redis",
    "varnish": "seed essay through Varnish",
    "churn-read": f"Zipf over {int(meta['churn_count']):,} essays through Varnish",
    "churn-write": f"the same, approving a comment every {meta['approve_every']} s",
}


def wrk(name: str) -> dict:
    path = work / f"wrk-{name}.txt"
    text = path.read_text() if path.exists() else ""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result = {"rps": float(rps.group(1)) if rps else 0.0, "missing": not rps}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        result[f"p{pct}"] = float(match.group(1)) * UNITS[match.group(2)] if match else None
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["non2xx"] = int(errors.group(1)) if errors else 0
    sockets = re.search(r"Socket errors: (.*)", text)
    result["socket"] = sockets.group(1).strip() if sockets else ""
    accepted = re.search(r"COMMENTS accepted=(\d+) other=(\d+)", text)
    if accepted:
        result["accepted"], result["refused"] = int(accepted.group(1)), int(accepted.group(2))
    return result


def vstat(name: str) -> dict:
    """Varnish counters moved during one measurement."""
    counts = {}
    for when in ("before", "after"):
        path = work / f"vstat-{name}-{when}.txt"
        for line in path.read_text().splitlines() if path.exists() else []:
            field, value, *_ = line.split()
            counts[field.removeprefix("MAIN.")] = counts.get(field.removeprefix("MAIN."), 0) + (
                int(value) if when == "after" else -int(value)
            )
    looked_up = counts.get("cache_hit", 0) + counts.get("cache_miss", 0)
    looked_up += counts.get("cache_hitpass", 0)
    counts["ratio"] = counts.get("cache_hit", 0) / looked_up if looked_up else None
    return counts


def approvals(round_: int) -> list[str]:
    """bench/churn.py's approvals, each as "committed→shown": seconds after its scheduled time
    that it was committed, and from then until the edge showed the comment ("none" if not
    within 4 s, "?" if the run ended first)."""
    path = work / f"churn-r{round_}.log"
    text = path.read_text() if path.exists() else ""
    shown = dict(re.findall(r"^SHOWN comment=(\d+) after=(\S+)$", text, re.M))
    found = re.findall(r"^APPROVED comment=(\d+) .* late=(\S+) took=(\S+)$", text, re.M)
    return [f"{float(late) + float(took):.2f}→{shown.get(pk, '?')}" for pk, late, took in found]


def ms(value):
    return "—" if value is None else f"{value:.2f}"


def pct(value):
    return "—" if value is None else f"{value * 100:.3f} %"


runs = {(t, r): wrk(f"{t}-r{r}") for t in TARGETS for r in rounds}
stats = {
    (t, r): vstat(f"{t}-r{r}") for t in ("varnish", "churn-read", "churn-write") for r in rounds
}


def per_round(top: str, bottom: str) -> list[float]:
    return [
        runs[top, r]["rps"] / runs[bottom, r]["rps"] if runs[bottom, r]["rps"] else 0.0
        for r in rounds
    ]


def cell(values: list[float], show=lambda v: f"{v:.2f}") -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "—"
    return f"**{show(statistics.median(present))}** ({', '.join(map(show, present))})"


hit_without = [stats["churn-read", r]["ratio"] for r in rounds]
hit_with = [stats["churn-write", r]["ratio"] for r in rounds]
goals = [  # label, per-round values, goal
    ("cold seed essay ÷ Wagtail 8 page", per_round("cold", "wagtail"), 1.0),
    ("warm essay at the origin ÷ Django hello-world", per_round("warm", "hello"), 0.5),
    ("warm essay through Varnish ÷ nginx (same bytes)", per_round("varnish", "static"), 0.5),
    (
        f"throughput with an approval every {meta['approve_every']} s ÷ without "
        f"(Zipf over {int(meta['churn_count']):,} essays)",
        per_round("churn-write", "churn-read"),
        0.9,
    ),
]
missed = []
table = [
    f"| | measured (median of {len(rounds)} rounds, with each round's value) | goal | met |",
    "|---|---|---:|:---:|",
]
for label, values, goal in goals:
    value = statistics.median(values)
    table.append(f"| {label} | {cell(values)} | ≥ {goal} | {'yes' if value >= goal else 'no'} |")
    if value < goal:
        missed.append(f"{label}: missed by {goal - value:.2f} ({value:.2f}, goal ≥ {goal})")
hit_median = statistics.median([h for h in hit_with if h is not None] or [0.0])
label, values, goal = goals[-1]
churn_ratio = statistics.median(values)
met = churn_ratio >= goal and hit_median >= 0.97
table[-1] = (
    f"| {label}, and Varnish hit ratios | {cell(values)}; hit ratio with the approvals "
    f"{cell(hit_with, pct)}, without {cell(hit_without, pct)} | ≥ {goal} (≥ 97 %) | "
    f"{'yes' if met else 'no'} |"
)
if hit_median < 0.97:
    missed.append(
        f"Varnish hit ratio with the approvals: missed by {(0.97 - hit_median) * 100:.2f} "
        f"points ({hit_median * 100:.2f} %, goal ≥ 97 %)"
    )

raw = [
    "| target | round | req/s | p50 ms | p99 ms | non-2xx | socket errors |",
    "|---|---:|---:|---:|---:|---:|---|",
]
for target, label in TARGETS.items():
    for r in rounds:
        run = runs[target, r]
        raw.append(
            f"| {target}: {label} | {r} | {run['rps']:,.0f}{' (no result)' * run['missing']} | "
            f"{ms(run['p50'])} | {ms(run['p99'])} | {run['non2xx']} | {run['socket'] or '—'} |"
        )

churn = [
    "| round | req/s without | req/s with | ratio | hit ratio without | hit ratio with "
    "| hits / misses without | hits / misses with | approvals: committed→shown at the edge (s) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
]
for r in rounds:
    read, write = stats["churn-read", r], stats["churn-write", r]
    fresh = approvals(r)
    churn.append(
        f"| {r} | {runs['churn-read', r]['rps']:,.0f} | {runs['churn-write', r]['rps']:,.0f} | "
        f"{per_round('churn-write', 'churn-read')[r - 1]:.2f} | {pct(read['ratio'])} | "
        f"{pct(write['ratio'])} | {read.get('cache_hit', 0):,} / {read.get('cache_miss', 0):,} | "
        f"{write.get('cache_hit', 0):,} / {write.get('cache_miss', 0):,} | "
        f"{len(fresh)}: {', '.join(fresh) or '—'} |"
    )
passes = sum(
    stats[key].get("cache_hitpass", 0) + stats[key].get("cache_hitmiss", 0) for key in stats
)
grace = sum(stats[key].get("cache_hit_grace", 0) for key in stats)
seed_hits = [stats["varnish", r]["ratio"] for r in rounds]

latency = [
    "| target | p50 ms | p99 ms | req/s | non-2xx |",
    "|---|---:|---:|---:|---:|",
]
for target in ("static", "hello", "wagtail", "cold", "warm", "varnish"):
    run = wrk(f"{target}-c2")
    latency.append(
        f"| {target} | {ms(run['p50'])} | {ms(run['p99'])} | {run['rps']:,.0f} | {run['non2xx']} |"
    )

pages = [
    "| page | -c2 p50 ms | -c2 p99 ms | -c2 req/s | -c32 req/s | -c32 p99 ms | non-2xx |",
    "|---|---:|---:|---:|---:|---:|---:|",
]
page_names = [f"{p}-{s}" for p in ("home", "topic", "search", "feed") for s in ("warm", "cold")]
for name in page_names:
    low, high = wrk(f"{name}-c2"), wrk(f"{name}-c32")
    pages.append(
        f"| {name} | {ms(low['p50'])} | {ms(low['p99'])} | {low['rps']:,.0f} | "
        f"{high['rps']:,.0f} | {ms(high['p99'])} | {low['non2xx'] + high['non2xx']} |"
    )
template = wrk("template-c32")
cold_seed = statistics.median(runs["cold", r]["rps"] for r in rounds)


def admin(name):
    path = work / f"admin-{name}.txt"
    times = sorted(float(t) * 1000 for t in path.read_text().split()) if path.exists() else []
    return (f"{statistics.median(times):.0f}", f"{times[-1]:.0f}") if times else ("—", "—")


def log_lines(pattern: str) -> dict[str, int]:
    found = {}
    logs = [*work.glob("gunicorn-*.log"), *work.glob("wagtail-*.log"), *work.glob("churn-*.log")]
    for log in sorted([*logs, work / "db_worker.log", work / "varnishd.log"]):
        if log.exists():
            found[log.name] = len(re.findall(pattern, log.read_text(), re.M))
    return found


posting = wrk("comment-post-c32")
stored = int(meta.get("comments_stored", 0))
lost = "none lost" if stored >= posting.get("accepted", 0) else "COMMENTS LOST"
memory = [int(m) for m in re.findall(r"VmHWM:\s+(\d+) kB", (work / "memory.txt").read_text())]
recycled = {k: v for k, v in log_lines(r"Autorestarting worker").items() if v}
# Errors; core/cache.py's "Redis skipped", core/edge/tasks.py's "purge retried" warnings; and
# bench/churn.py's failed GETs.
TROUBLE = r"\b(ERROR|CRITICAL)\b|^Traceback|unavailable \(|Purge of .* failed|^GET "
errors = {k: v for k, v in log_lines(TROUBLE).items() if v}
bad_runs = [
    f"{path.stem.removeprefix('wrk-')}: {wrk(path.stem.removeprefix('wrk-'))['non2xx']} non-2xx"
    for path in sorted(work.glob("wrk-*.txt"))
    if wrk(path.stem.removeprefix("wrk-"))["non2xx"]
]
elapsed = int(meta["finished"]) - int(meta["started"])
one_time = int(meta.get("generate_seconds", 0)) + int(meta.get("build_seconds", 0))

lines = [
    "# Benchmark: latest run",
    "",
    f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/run`: {len(rounds)} interleaved rounds "
    f"(every target once per round), wrk -t2 -c32 -d{meta['seconds']}s per measurement. "
    f"Took {elapsed // 60} min {elapsed % 60} s, of which {one_time} s one-time work "
    f"(data generation {meta.get('generate_seconds', '0')} s, Wagtail build "
    f"{meta.get('build_seconds', '0')} s).",
    "",
    f"Machine: {meta['cpu']}, {meta['memory']}, Linux {meta['kernel']}; load average "
    f"{meta['load_before']} before, {meta['load_after']} after. wrk and every server share "
    f"the 2 cores. PostgreSQL {meta['postgresql']}, Redis {meta['redis']}, nginx {meta['nginx']} "
    f"(2 workers), Varnish {meta['varnish']} (deploy/varnish/site.vcl, malloc 256 MB), wrk "
    f"{meta['wrk']}, Python {meta['python']}, Django {meta['django']}, gunicorn "
    f"{meta['gunicorn']}. Every Django setup: gunicorn with 2 sync workers (ours: "
    f"config/gunicorn.conf.py with WEB_CONCURRENCY=2, {meta['max_requests'].strip()}; the "
    f"Wagtail {meta['wagtail']} peer: bench/wagtail_peer.py, --max-requests 0), DEBUG off, "
    "PostgreSQL on 127.0.0.1. A db_worker (--interval 0.1) runs throughout; it and bench/churn.py "
    "run at nice -10 (see bench/run).",
    "",
    f"Data: {int(meta['essays']):,} published essays, {int(meta['comments_total']):,} comments "
    f"(generated with {int(meta['articles']):,} essays and {int(meta['comments']):,} comments). "
    f"Seed essay {meta['seed_path']}: {int(meta['seed_words']):,} words, {meta['seed_comments']} "
    f"approved comments ({meta['seed_replies']} replies); its page is "
    f"{int(meta['seed_bytes']):,} bytes, the Wagtail page ({meta['wagtail_path']}) "
    f"{int(meta['wagtail_bytes']):,} bytes (the same text, no comments).",
    "",
    "## Goals",
    "",
    *table,
    "",
]
if missed:
    for line in missed:
        lines += [f"- {line}", "  - Why: _(placeholder: to be written by the engineer)_"]
else:
    lines.append("Every goal met.")
lines += [
    "",
    "## Every target, every round (-c32)",
    "",
    *raw,
    "",
    "## Churn: Zipf reads through Varnish, with and without approvals",
    "",
    f"wrk picks each request's path from {int(meta['churn_count']):,} essays, the i-th ∝ 1/i "
    "(bench/prepare.py's zipf.txt). Each round first fetches every essay once through Varnish "
    "and runs the Zipf load for 2 s unmeasured; then the run without writes and the run with "
    "them, in that order in odd rounds and the other way round in even ones. In the latter "
    f"bench/churn.py approves one pending comment every {meta['approve_every']} s "
    "(on an essay drawn with the same weights) through comments.services.moderate_comments; the "
    "origin's copy is purged at commit and db_worker sends the Varnish purge. Hit ratio: "
    "Varnish's cache_hit ÷ (cache_hit + cache_miss + cache_hitpass) during the run; the last "
    "column gives, for each approval, how many seconds after its scheduled time it was committed "
    "and how many more until the essay's page at the edge showed the comment.",
    "",
    *churn,
    "",
    f"Hit-for-pass and hit-for-miss during all Varnish runs: {passes}; grace hits: {grace}. "
    f"Seed essay through Varnish: hit ratio {cell(seed_hits, pct).replace('**', '')}.",
    "",
    "## Latency at -c2 (one run each, after the rounds)",
    "",
    *latency,
    "",
    "## Other pages at the origin (warm: page cache in Redis; cold: none)",
    "",
    *pages,
    "",
    f"Template-only essay page (`/__bench__/template/`, no database): {template['rps']:,.0f} req/s "
    f"at -c32; the cold seed essay (median) is {cold_seed / template['rps']:.2f} of it."
    if template["rps"]
    else "Template-only essay page: no result.",
    "",
    "## Other measurements",
    "",
    f"- Comment POST (anonymous, Origin header, all held for moderation): "
    f"{posting.get('accepted', 0) / float(meta['seconds']):.0f} accepted comments/s at -c32; "
    f"{posting.get('accepted', 0)} accepted by wrk, {posting.get('refused', 0)} other answers, "
    f"{stored} rows stored ({lost}; a few more rows than counted answers are requests in flight "
    "when wrk stopped).",
    f"- Admin moderation queue (pending, newest first): median {admin('comments')[0]} ms, "
    f"max {admin('comments')[1]} ms over 15 loads; essay list: median {admin('articles')[0]} ms, "
    f"max {admin('articles')[1]} ms.",
    f"- Peak memory (VmHWM) of one of our gunicorn workers: {max(memory, default=0) / 1024:.0f} MB "
    f"(all: {', '.join(f'{m / 1024:.0f}' for m in memory)} MB).",
    "- Workers recycled by max_requests: "
    + (", ".join(f"{k} {v}" for k, v in recycled.items()) if recycled else "none")
    + ".",
    "- Problems: "
    + (
        "; ".join([*bad_runs, *(f"{k}: {v} error or warning lines" for k, v in errors.items())])
        or "no non-2xx answers; no errors, Redis timeouts or failed purges in the logs"
    )
    + ".",
]
lines += ["", "## Query plans (EXPLAIN ANALYZE)", "", (work / "explain.txt").read_text()]
report = "\n".join(lines) + "\n"
out = Path(__file__).resolve().parent / "results" / "LATEST.md"
out.write_text(report)
print("\n".join(lines[: lines.index("## Query plans (EXPLAIN ANALYZE)")]))
print(f"\nWritten to {out}; raw outputs in {work}")
