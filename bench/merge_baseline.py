#!/usr/bin/env python3
"""The merge workload of ../shared/bench/merge-workload.md on general-purpose
CRDT libraries (Loro, and Yrs through pycrdt), so omnisync-bench can print
them next to Omnisync's figures, measured in the same run on the same machine.

Prints one JSON object: {"loro": {...}, "yrs": {...}} with, for each library,
local and merge ops/s and a digest per replica (equal digests = converged).
A library that is not installed is reported as {"error": "..."}.
"""
import argparse
import hashlib
import json
import random
import time

FIELDS = ["name", "email", "phone", "language", "tier"]


def workload(replicas, profiles, writes, seed):
    """The same writes for every library: (profile, field, value) per replica."""
    rng = random.Random(seed)
    return [
        [(rng.randrange(profiles), FIELDS[rng.randrange(len(FIELDS))], f"v{r}-{i}") for i in range(writes)]
        for r in range(replicas)
    ]


def digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def run_loro(ops, profiles):
    from loro import ExportMode, LoroDoc

    docs = []
    for replica in range(len(ops)):
        doc = LoroDoc()
        doc.peer_id = replica + 1
        docs.append(doc)
    maps = [[doc.get_map(f"p{p}") for p in range(profiles)] for doc in docs]
    start = time.perf_counter()
    for replica, doc in enumerate(docs):
        for profile, field, value in ops[replica]:
            maps[replica][profile].insert(field, value)
        doc.commit()
    local = time.perf_counter() - start
    snapshots = [doc.export(ExportMode.Snapshot()) for doc in docs]
    start = time.perf_counter()
    for doc in docs:
        for snapshot in snapshots:
            doc.import_(snapshot)
    merge = time.perf_counter() - start
    return local, merge, [digest(doc.get_deep_value()) for doc in docs]


def run_yrs(ops, profiles):
    from pycrdt import Doc, Map

    docs = [Doc(client_id=replica + 1) for replica in range(len(ops))]
    maps = [[doc.get(f"p{p}", type=Map) for p in range(profiles)] for doc in docs]
    start = time.perf_counter()
    for replica, doc in enumerate(docs):
        with doc.transaction():
            for profile, field, value in ops[replica]:
                maps[replica][profile][field] = value
    local = time.perf_counter() - start
    updates = [doc.get_update() for doc in docs]
    start = time.perf_counter()
    for doc in docs:
        for update in updates:
            doc.apply_update(update)
    merge = time.perf_counter() - start
    digests = [digest({f"p{p}": dict(maps[r][p].to_py() or {}) for p in range(profiles)}) for r in range(len(docs))]
    return local, merge, digests


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--writes", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs, as for Omnisync")
    args = parser.parse_args()
    ops = workload(args.replicas, args.profiles, args.writes, args.seed)
    local_ops = args.replicas * args.writes
    merge_ops = args.replicas * args.replicas * args.writes
    result = {}
    for name, run in (("loro", run_loro), ("yrs", run_yrs)):
        try:
            runs = [run(ops, args.profiles) for _ in range(max(1, args.repeat))]
            local = min(r[0] for r in runs)
            merge = min(r[1] for r in runs)
            digests = runs[-1][2]
            result[name] = {
                "localOpsPerSecond": local_ops / local,
                "mergeOpsPerSecond": merge_ops / merge,
                "converged": len(set(digests)) == 1,
                "digests": digests,
            }
        except Exception as error:  # a missing library is reported, not fatal
            result[name] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
