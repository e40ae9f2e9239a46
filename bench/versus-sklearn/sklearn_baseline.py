#!/usr/bin/env python3
"""scikit-learn on the split eightball exported (evaluate --export-split DIR), for bench/versus-sklearn.

The reference setup of ../shared/data/README.md: TF-IDF 1-2 grams, sublinear tf, min_df 2;
LogisticRegression(C=10), LinearSVC(), ComplementNB(alpha=0.3), on the joined text. And a tuned
pipeline given the same inputs as eightball (the text plus the one-hot metadata eightball reads,
as filed): LinearSVC under GridSearchCV (3-fold, on the training side only) over C, class weights
and word or word + character n-grams, chosen by the task's objective (`--objective accuracy`,
`macro` or `mean`). Prints one JSON object per model.
Needs Debian's python3-sklearn: apt-get install -y python3-sklearn
Usage: sklearn_baseline.py SPLIT_DIR [--objective accuracy|macro|mean] [--no-tuned]
"""
import glob
import json
import os
import resource
import sys
import time
import warnings

# joblib's cache warns that persisting the texts takes a second: the cost is known and correct
warnings.filterwarnings("ignore", message="Persisting input arguments")

try:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.metrics import make_scorer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import FeatureUnion, Pipeline
except ImportError as e:
    sys.stderr.write(f"scikit-learn is missing ({e}); install it with: apt-get install -y python3-sklearn\n")
    sys.exit(3)


def load(path, with_meta=False):
    items, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                items.append(d if with_meta else d["text"])
                labels.append(d["label"])
    return items, labels


class Text(BaseEstimator, TransformerMixin):
    """The joined text of each exported report."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [d["text"] for d in X]


class Meta(BaseEstimator, TransformerMixin):
    """Each report's categorical fields as one-hot keys (a blank field: none, as eightball reads it)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [{f"{k}={v}": 1 for k, vs in (d.get("meta") or {}).items() for v in vs} for d in X]


def word_tfidf():
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)


def tuned_pipeline(cache):
    union = FeatureUnion(
        [
            ("words", Pipeline([("text", Text()), ("tfidf", word_tfidf())])),
            (
                "chars",
                Pipeline(
                    [
                        ("text", Text()),
                        ("tfidf", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
                    ]
                ),
            ),
            ("meta", Pipeline([("meta", Meta()), ("onehot", DictVectorizer())])),
        ]
    )
    return Pipeline([("features", union), ("clf", LinearSVC())], memory=cache)


GRID = {
    "features__chars": ["drop", None],
    "clf__C": [0.1, 0.3, 1.0, 3.0],
    "clf__class_weight": [None, "balanced"],
}


def objective_scorer(objective):
    def score(y, pred):
        acc = accuracy_score(y, pred)
        macro = f1_score(y, pred, average="macro")
        return {"accuracy": acc, "macro": macro}.get(objective, (acc + macro) / 2)

    return make_scorer(score)


def fit_tuned(items, y, objective, cache):
    pipe = tuned_pipeline(cache)
    # None in the grid means "keep the character n-grams as built": GridSearchCV needs the object
    grid = dict(GRID)
    grid["features__chars"] = ["drop", pipe.named_steps["features"].transformer_list[1][1]]
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=1)
    search = GridSearchCV(pipe, grid, scoring=objective_scorer(objective), cv=folds, refit=True, error_score="raise")
    search.fit(items, y)
    best = search.best_params_
    chosen = {
        "C": best["clf__C"],
        "class_weight": best["clf__class_weight"],
        "chars": best["features__chars"] != "drop",
    }
    return search.best_estimator_, chosen


def untuned(make):
    """The reference setup: word TF-IDF of the joined text, then the model."""

    def fit(items, y, cache):
        vec = word_tfidf()
        clf = make().fit(vec.fit_transform([d["text"] for d in items]), y)
        return (lambda xs: decision(clf, vec.transform([d["text"] for d in xs]))), list(clf.classes_), None

    return fit


def tuned(objective):
    def fit(items, y, cache):
        est, chosen = fit_tuned(items, y, objective, cache)
        return (lambda xs: decision(est, xs)), list(est.classes_), chosen

    return fit


def decision(clf, X):
    scores = clf.decision_function(X) if hasattr(clf, "decision_function") else clf.predict_log_proba(X)
    return np.stack([-scores, scores], axis=1) if scores.ndim == 1 else scores


def models(objective, with_tuned):
    out = {
        "LogisticRegression": untuned(lambda: LogisticRegression(C=10, max_iter=1000)),
        "LinearSVC": untuned(lambda: LinearSVC()),
        "ComplementNB": untuned(lambda: ComplementNB(alpha=0.3)),
    }
    if with_tuned:
        out[f"tuned LinearSVC (GridSearchCV by {objective}, text + metadata)"] = tuned(objective)
    return out


def run(split_dir, objective="mean", with_tuned=True):
    import tempfile

    trains = sorted(glob.glob(os.path.join(split_dir, "*-train.jsonl")))
    chosen_models = models(objective, with_tuned)
    results = {
        name: {"y": [], "pred": [], "top3": [], "fit": 0.0, "predict_ms": [], "groups": [], "chosen": []}
        for name in chosen_models
    }
    for train_path in trains:
        tr_items, ytr = load(train_path, with_meta=True)
        te_items, yte = load(train_path.replace("-train.jsonl", "-test.jsonl"), with_meta=True)
        for name, fit in chosen_models.items():
            with tempfile.TemporaryDirectory() as cache:
                t0 = time.perf_counter()
                score, classes, chosen = fit(tr_items, ytr, cache)
                fit_seconds = time.perf_counter() - t0
                scores = score(te_items)
                order = np.argsort(-scores, axis=1)
                pred = [classes[i] for i in order[:, 0]]
                top3 = [y in [classes[j] for j in order[i, :3]] for i, y in enumerate(yte)]
                # one report at a time, vectorising included: the latency a service would see
                times = []
                for item in te_items[:200]:
                    t = time.perf_counter()
                    score([item])
                    times.append((time.perf_counter() - t) * 1000)
            r = results[name]
            r["y"] += yte
            r["pred"] += pred
            r["top3"] += top3
            r["fit"] += fit_seconds
            r["predict_ms"] += times
            if chosen is not None:
                r["chosen"].append(chosen)
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
                **({"chosen": r["chosen"]} if r["chosen"] else {}),
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    args = sys.argv[1:]
    objective = args[args.index("--objective") + 1] if "--objective" in args else "mean"
    run(args[0], objective, "--no-tuned" not in args)
