"""Summarises measure.sh's results.tsv as the tables of docs/performance.md ("Building with baked weights"):
medians over the repetitions of the build and the rebuild (wall and CPU seconds, peak memory), the generated source's
size, the generator's time, and first use (median of five runs). Usage: python3 summarise.py WORK_DIR/results.tsv"""
import statistics
import sys
from collections import defaultdict

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print(rows[0][0])
builds, generated, generator, first, loads = defaultdict(list), {}, {}, defaultdict(list), []
for r in rows[2:]:
    rep, net, variant, phase = r[:4]
    key = (net, variant)
    if phase in ("build", "rebuild") and r[4] == "":
        builds.setdefault(key + (phase,), [])   # the build failed (measure.log says why)
    elif phase in ("build", "rebuild"):
        builds[key + (phase,)].append((float(r[4]), int(r[5]) / 1024, float(r[6])))
        loads.append(float(r[7]))
    elif phase == "generated":
        generated[key] = (int(r[4]), int(r[5]))
    elif phase == "generator":
        generator[key] = r[4]
    elif phase == "first-use":
        first[key].append((float(r[4]), int(r[5]), int(r[6]) / 2**20))

def median(values, i):
    return statistics.median(v[i] for v in values)

print(f"load average (1 min) during the builds: {min(loads):.2f} to {max(loads):.2f}, median {statistics.median(loads):.2f}\n")
print("| network | variant | generated source | generator | build (CPU) | compiler peak | rebuild after an edit (CPU) | n |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for net, variant in dict.fromkeys((k[0], k[1]) for k in builds):
    b, rb = builds[(net, variant, "build")], builds.get((net, variant, "rebuild"), [])
    if not b:
        print(f"| {net} | {variant} | | | failed | | | |")
        continue
    size = f"{generated[(net, variant)][0] / 1024:,.0f} KB" if (net, variant) in generated else ""
    gen = f"{float(generator[(net, variant)]):.3f} s" if generator.get((net, variant), "?") not in ("?", "") else ""
    rebuild = f"{median(rb, 0):.1f} s ({median(rb, 2):.1f} s)" if rb else ""
    print(f"| {net} | {variant} | {size} | {gen} | {median(b, 0):.1f} s ({median(b, 2):.1f} s) | {median(b, 1):,.0f} MB | {rebuild} | {len(b)} |")
print("\n| network | variant | first `new Model()` | allocated | working set after |")
print("|---|---|---:|---:|---:|")
for (net, variant), runs in first.items():
    print(f"| {net} | {variant} | {median(runs, 0):.2f} ms | {median(runs, 1):,.0f} B | {median(runs, 2):.0f} MB |")
