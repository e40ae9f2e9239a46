#!/usr/bin/env python3
"""BugLocator-style baseline (Zhou, Zhang & Lo, ICSE 2012) with scikit-learn, for bench/localization.

rVSM: TF-IDF cosine of report and file, times a length factor g = 1 / (1 + e^-N(len)) (N: the
file's term count scaled to [0, 1]), plus the similar-reports score (earlier fixed reports' cosine
to this one, shared among their fixed files), mixed as (1 - a) N(rVSM) + a N(simi), a = 0.2.
One snapshot of the source: the parent of the fix of the median test report (as exported).

Input: a directory with files.jsonl ({path, text}) and reports.jsonl ({id, text, filed, fixed,
files, test}). Output: one JSON object with top1, top5, top10, map, mrr, nTest, nSkipped,
fitSeconds, rankMsP99.
"""
import json
import math
import re
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
CAMEL = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
KEYWORDS = set(
    "abstract assert boolean break byte case catch char class const continue default do double else enum "
    "extends final finally float for goto if implements import instanceof int interface long native new "
    "package private protected public return short static strictfp super switch synchronized this throw "
    "throws transient try void volatile while true false null java org com".split()
)


def tokens(text):
    out = []
    for m in IDENT.finditer(text):
        ident = m.group(0)
        whole = ident.lower()
        parts = CAMEL.findall(ident)
        for w in [whole] + ([p.lower() for p in parts] if len(parts) > 1 or "_" in ident else []):
            if 2 <= len(w) <= 40 and w not in ENGLISH_STOP_WORDS and w not in KEYWORDS:
                out.append(w)
    return out


def main():
    d = sys.argv[1]
    alpha = 0.2
    files = [json.loads(line) for line in open(f"{d}/files.jsonl", encoding="utf8")]
    reports = [json.loads(line) for line in open(f"{d}/reports.jsonl", encoding="utf8")]
    t0 = time.perf_counter()
    paths = [f["path"] for f in files]
    at = {p: i for i, p in enumerate(paths)}
    vec = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
    F = vec.fit_transform([f["path"] + "\n" + f["text"] for f in files])
    lengths = np.array([len(tokens(f["text"])) for f in files], dtype=float)
    n = (lengths - lengths.min()) / max(1.0, lengths.max() - lengths.min())
    g = 1.0 / (1.0 + np.exp(-n))
    R = vec.transform([r["text"] for r in reports])
    fit_seconds = time.perf_counter() - t0

    def scaled(v):
        lo, hi = v.min(), v.max()
        return (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)

    ranks_all, times, skipped = [], [], 0
    for qi, r in enumerate(reports):
        if not r["test"]:
            continue
        truth = [at[p] for p in r["files"] if p in at]
        if not truth:
            skipped += 1
            continue
        t = time.perf_counter()
        rvsm = g * (F @ R[qi].T).toarray().ravel()
        simi = np.zeros(len(files))
        for pj, p in enumerate(reports):
            if pj == qi or p["fixed"] >= r["filed"]:
                continue
            s = float((R[qi] @ R[pj].T).toarray()[0, 0])
            if s <= 0:
                continue
            fixed = [at[x] for x in p["files"] if x in at]
            for i in fixed:
                simi[i] += s / max(1, len(p["files"]))
        score = (1 - alpha) * scaled(rvsm) + alpha * scaled(simi)
        order = np.argsort(-score, kind="stable")
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(1, len(order) + 1)
        times.append((time.perf_counter() - t) * 1000)
        ranks_all.append(sorted(int(rank[i]) for i in truth))

    def share(k):
        return sum(1 for rs in ranks_all if rs[0] <= k) / max(1, len(ranks_all))

    def ap(rs):
        return sum((i + 1) / x for i, x in enumerate(rs)) / len(rs)

    out = {
        "tool": "scikit-learn BugLocator (rVSM + similar reports, a=0.2, one snapshot)",
        "top1": share(1),
        "top5": share(5),
        "top10": share(10),
        "map": sum(ap(rs) for rs in ranks_all) / max(1, len(ranks_all)),
        "mrr": sum(1 / rs[0] for rs in ranks_all) / max(1, len(ranks_all)),
        "nTest": len(ranks_all),
        "nSkipped": skipped,
        "filesIndexed": len(files),
        "fitSeconds": fit_seconds,
        "rankMsP99": float(np.percentile(times, 99)) if times else 0.0,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
