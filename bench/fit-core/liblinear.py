"""scikit-learn's side of bench/fit-core: TfidfVectorizer + LinearSVC on the same reports, timed.

scikit-learn tokenises inside fit_transform, so its "tokenize" is 0 and "vectorize" holds both.
"""
import json
import sys
import time

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

path, repeat = sys.argv[1], int(sys.argv[2])
rows = [json.loads(line) for line in open(path, encoding="utf-8")]
texts = [r["text"] for r in rows]
labels = [r["label"] for r in rows]
best = None
for _ in range(repeat):
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    X = vec.fit_transform(texts)
    t1 = time.perf_counter()
    LinearSVC(C=1.0, class_weight="balanced").fit(X, labels)
    t2 = time.perf_counter()
    run = {"tokenize": 0.0, "vectorize": t1 - t0, "fit": t2 - t1, "total": t2 - t0, "features": X.shape[1]}
    if best is None or run["total"] < best["total"]:
        best = run
best["sklearn"] = sklearn.__version__
print(json.dumps(best))
