"""What the reference implementations say, as JSON on standard output.

  reference.py cdnow            the CDNOW sample as `lifetimes` ships it, the
                                BG/NBD and Gamma-Gamma parameters `lifetimes`
                                fits to it, and its per-customer predictions
                                at those parameters
  reference.py kmeans FILE K [RESTARTS]
                                scikit-learn's KMeans inertia on the points of
                                FILE (CSV, one point a line, standardised
                                already), k-means++ with RESTARTS (10) restarts,
                                and the seconds the fit took
  reference.py bgnbd FILE       lifetimes' BetaGeoFitter on the histories of
                                FILE (CSV: frequency, recency, age): its
                                parameters and the seconds the fit took
"""
import json
import sys


def cdnow():
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.datasets import load_dataset

    data = load_dataset("cdnow_customers_summary_with_transactions.csv")
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(data["x"], data["t_x"], data["T"])
    repeaters = data[data["x"] > 0]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(repeaters["x"], repeaters["zbar"])
    alive = bgf.conditional_probability_alive(data["x"], data["t_x"], data["T"])
    expected = {
        str(t): list(bgf.conditional_expected_number_of_purchases_up_to_time(t, data["x"], data["t_x"], data["T"]))
        for t in (1, 13, 39, 52)
    }
    spend = ggf.conditional_expected_average_profit(data["x"], data["zbar"])
    print(json.dumps({
        "customers": [[int(row.ID), int(row.x), float(row.t_x), float(row.T), float(row.zbar)] for row in data.itertuples()],
        "bgnbd": {key: float(value) for key, value in bgf.params_.items()},
        "gammaGamma": {key: float(value) for key, value in ggf.params_.items()},
        "pAlive": [float(v) for v in alive],
        "expectedPurchases": {t: [float(v) for v in values] for t, values in expected.items()},
        "expectedAverageValue": [float(v) for v in spend],
    }))


def kmeans(path, k, restarts):
    import time

    import numpy
    from sklearn.cluster import KMeans

    points = numpy.loadtxt(path, delimiter=",", ndmin=2)
    start = time.perf_counter()
    model = KMeans(n_clusters=k, init="k-means++", n_init=restarts, random_state=0, algorithm="lloyd").fit(points)
    seconds = time.perf_counter() - start
    print(json.dumps({"inertia": float(model.inertia_), "iterations": int(model.n_iter_), "seconds": seconds}))


def bgnbd(path):
    import time

    import numpy
    from lifetimes import BetaGeoFitter

    data = numpy.loadtxt(path, delimiter=",", ndmin=2)
    start = time.perf_counter()
    fitter = BetaGeoFitter(penalizer_coef=0.0).fit(data[:, 0], data[:, 1], data[:, 2])
    seconds = time.perf_counter() - start
    print(json.dumps({"params": {key: float(value) for key, value in fitter.params_.items()}, "seconds": seconds}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["cdnow"]:
        cdnow()
    elif sys.argv[1:2] == ["kmeans"] and len(sys.argv) in (4, 5):
        kmeans(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) == 5 else 10)
    elif sys.argv[1:2] == ["bgnbd"] and len(sys.argv) == 3:
        bgnbd(sys.argv[2])
    else:
        sys.exit(__doc__)
