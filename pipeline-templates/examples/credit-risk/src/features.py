"""Feature engineering shared by training and scoring: pure functions, unit-tested without Azure."""

FEATURES = [
    "age",
    "income",
    "loan_amount",
    "loan_term_months",
    "credit_lines",
    "late_payments",
    "debt_to_income",
    "monthly_payment_share",
]
LABEL = "defaulted"


def add_features(row):
    """Return a copy of one applicant record (a dict of numbers) with the derived features added."""
    income = float(row["income"])
    if income <= 0:
        raise ValueError(f"income must be positive, got {row['income']!r}")
    loan = float(row["loan_amount"])
    term = float(row["loan_term_months"])
    if term <= 0:
        raise ValueError(f"loan_term_months must be positive, got {row['loan_term_months']!r}")
    out = {k: float(v) for k, v in row.items()}
    out["debt_to_income"] = loan / income
    # Share of the monthly income the (interest-free) instalment takes.
    out["monthly_payment_share"] = (loan / term) / (income / 12.0)
    return out


def to_matrix(rows):
    """Rows (dicts) to a list of feature vectors in FEATURES order."""
    return [[r[name] for name in FEATURES] for r in rows]


def split(rows, test_fraction, seed=42):
    """Deterministic train/test split: the same data always gives the same holdout set."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    import random

    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    n_test = max(1, int(round(len(shuffled) * test_fraction)))
    return shuffled[n_test:], shuffled[:n_test]
