"""Every rule of the survey procedures that is a number lives here, in one place.

Sources: SPEC §8 and §14, seed 004 §6.1–6.3 (18 working days, 3-day distribution and chase,
10 % call-backs), ECSS 6.1–6.7 (five functions, ≥ 60 % of BU revenue, top-2-box, weekly chase),
001 (≥ 60 % return, ≥ 100 forms, ≥ 10 competitor forms), 000 (≥ 50 %), 002 (≥ 80 %).
"""

from __future__ import annotations

from decimal import Decimal

# --- Campaign cycle (004 §6.1.2, SPEC §14) --------------------------------------------------
# The working-day deadlines (18-day process, 3-day distribution and chase, analysis, routing)
# are deadline rules: manyi.surveys.deadlines.
#: the start of a quarterly campaign: first week of the quarter's last month (004 §6.1.2)
START_WEEK_DAYS = 7

# --- Reminders (configurable per campaign; these are the defaults) -------------------------
REMINDER_INTERVAL_WORKDAYS = 3
REMINDER_MAX = 2
#: a personal link stays valid this many calendar days after it was issued
LINK_VALID_DAYS = 45

# --- Verification (004 §6.1.4) -------------------------------------------------------------
VERIFY_SHARE_PERCENT = Decimal("10")

# --- Validity thresholds (SPEC §8: 000 50 %, 001 60 %, 002 80 %) ---------------------------
RETURN_RATE_CHOICES = (Decimal("50"), Decimal("60"), Decimal("80"))
DEFAULT_RETURN_RATE = Decimal("60")
DEFAULT_MIN_FORMS = 0
DEFAULT_MIN_COMPETITOR_FORMS = 0
#: 001: a regular survey needs ≥ 100 forms and ≥ 10 competitor forms (offered as a preset)
REGULAR_001_MIN_FORMS = 100
REGULAR_001_MIN_COMPETITOR_FORMS = 10

# --- Target list (004 §6.1.3–6.1.4, ECSS 6.1) ---------------------------------------------
COVERAGE_MIN = Decimal("0.60")
PER_LINE_TOP = 2
A_CLASS_MIN_SHARE = Decimal(1) / Decimal(3)
FIVE_FUNCTIONS = ("gm", "product_manager", "quality", "purchasing", "marketing")

# --- Low scores that can open a complaint (ECSS 6.4.2: factors scoring 1 or 2) -------------
LOW_SCORE_MAX = 2  # on the 1–5 and verbal scales
LOW_SCORE_PERCENT = Decimal("40")  # on 0–10 and points scales: value / max ≤ 40 %

# --- Public pages: rate limits per IP + token, and per IP across tokens ----------------------
RATE_LIMIT_REQUESTS = 60
RATE_LIMIT_WINDOW_SECONDS = 300
#: requests from one address over all links in the window (an office behind one address)
RATE_LIMIT_ADDRESS_REQUESTS = 600
#: unknown links from one address in the window before every page answers 429 (guessing)
RATE_LIMIT_ADDRESS_MISSES = 20

#: rows kept in one "unable to comment" cell of the rollup cube
NA_VALUE = -1
