"""Pipeline step `prep`: read the raw CSV files, derive features, write train and test sets."""
import argparse
import csv
import glob
import os

from features import FEATURES, LABEL, add_features, split


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--raw", required=True)
    p.add_argument("--test-fraction", type=float, default=0.25)
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    a = p.parse_args()

    rows = []
    for path in sorted(glob.glob(os.path.join(a.raw, "*.csv"))):
        with open(path, newline="") as f:
            rows.extend(add_features(r) for r in csv.DictReader(f))
    if not rows:
        raise SystemExit(f"no CSV rows under {a.raw}")
    train, test = split(rows, a.test_fraction)
    for folder, part in ((a.train, train), (a.test, test)):
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "data.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FEATURES + [LABEL], extrasaction="ignore")
            w.writeheader()
            w.writerows(part)
    print(f"prep: {len(train)} training rows, {len(test)} test rows")


if __name__ == "__main__":
    main()
