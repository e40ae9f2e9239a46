#!/usr/bin/env python3
"""scikit-learn on the split eightball exported (evaluate --export-split DIR), for bench/versus-sklearn.

The reference setup of ../shared/data/README.md: TF-IDF 1-2 grams, sublinear tf, min_df 2;
LogisticRegression(C=10), LinearSVC(), ComplementNB(alpha=0.3). Prints one JSON object per model.
Needs Debian's python3-sklearn: apt-get install -y python3-sklearn
"""
import glob
import json
import os
import resource
import sys
import time

try:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC
except ImportError as e:
    sys.stderr.write(f"scikit-learn is missing ({e}); install it with: apt-get install -y python3-sklearn\n")
    sys.exit(3)


def load(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                texts.append(d["text"])
                labels.append(d["label"])
    return texts, labels


def models():
    return {
        "LogisticRegression": lambda: LogisticRegression(C=10, max_iter=1000),
        "LinearSVC": lambda: LinearSVC(),
        "ComplementNB": lambda: ComplementNB(alpha=0.3),
    }


def run(split_dir):
    trains = sorted(glob.glob(os.path.join(split_dir, "*-train.jsonl")))
    results = {name: {"y": [], "pred": [], "top3": [], "fit": 0.0, "predict_ms": [], "groups": []} for name in models()}
    for train_path in trains:
        Xtr_text, ytr = load(train_path)
        Xte_text, yte = load(train_path.replace("-train.jsonl", "-test.jsonl"))
        for name, make in models().items():
            t0 = time.perf_counter()
            vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
            Xtr = vec.fit_transform(Xtr_text)
            clf = make().fit(Xtr, ytr)
            fit = time.perf_counter() - t0
            Xte = vec.transform(Xte_text)
            scores = clf.decision_function(Xte) if hasattr(clf, "decision_function") else clf.predict_log_proba(Xte)
            classes = list(clf.classes_)
            if scores.ndim == 1:
                scores = np.stack([-scores, scores], axis=1)
            order = np.argsort(-scores, axis=1)
            pred = [classes[i] for i in order[:, 0]]
            top3 = [y in [classes[j] for j in order[i, :3]] for i, y in enumerate(yte)]
            # one report at a time, vectorising included: the latency a service would see
            sample = Xte_text[:200]
            times = []
            for t in sample:
                s = time.perf_counter()
                clf.predict(vec.transform([t]))
                times.append((time.perf_counter() - s) * 1000)
            r = results[name]
            r["y"] += yte
            r["pred"] += pred
            r["top3"] += top3
            r["fit"] += fit
            r["predict_ms"] += times
            r["groups"].append(
                {
                    "split": os.path.basename(train_path),
                    "macroF1": f1_score(yte, pred, average="macro"),
                    "accuracy": accuracy_score(yte, pred),
                    "top3": float(np.mean(top3)),
                }
            )
    out = []
    n = max(1, len(trains))
    for name, r in results.items():
        out.append(
            {
                "model": name,
                "macroF1": f1_score(r["y"], r["pred"], average="macro"),
                "accuracy": accuracy_score(r["y"], r["pred"]),
                "top3": float(np.mean(r["top3"])),
                "meanGroupMacroF1": float(np.mean([g["macroF1"] for g in r["groups"]])),
                "meanGroupAccuracy": float(np.mean([g["accuracy"] for g in r["groups"]])),
                "meanGroupTop3": float(np.mean([g["top3"] for g in r["groups"]])),
                "fitSeconds": r["fit"] / n,
                "predictMsPerReport": float(np.mean(r["predict_ms"])),
                "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "sklearn": __import__("sklearn").__version__,
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    run(sys.argv[1])
