import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from features import FEATURES, add_features, split, to_matrix  # noqa: E402

APPLICANT = {"age": "41", "income": "60000", "loan_amount": "30000", "loan_term_months": "24", "credit_lines": "3", "late_payments": "1"}


class FeatureTests(unittest.TestCase):
    def test_derived_features(self):
        row = add_features(APPLICANT)
        self.assertAlmostEqual(row["debt_to_income"], 0.5)
        # 30000 / 24 = 1250 a month, of 5000 monthly income.
        self.assertAlmostEqual(row["monthly_payment_share"], 0.25)

    def test_matrix_follows_feature_order(self):
        vector = to_matrix([add_features(APPLICANT)])[0]
        self.assertEqual(len(vector), len(FEATURES))
        self.assertEqual(vector[FEATURES.index("income")], 60000.0)

    def test_rejects_zero_income(self):
        with self.assertRaisesRegex(ValueError, "income must be positive"):
            add_features({**APPLICANT, "income": "0"})

    def test_split_is_deterministic_and_complete(self):
        rows = [{"i": i} for i in range(20)]
        train, test = split(rows, 0.25)
        self.assertEqual(len(test), 5)
        self.assertEqual(sorted(r["i"] for r in train + test), list(range(20)))
        self.assertEqual(split(rows, 0.25), (train, test))

    def test_split_rejects_bad_fraction(self):
        with self.assertRaises(ValueError):
            split([{"i": 1}], 1.5)


if __name__ == "__main__":
    unittest.main()
