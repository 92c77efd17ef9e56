"""The numbering prefixes of the feedback procedure. The answer deadline of an open inquiry
is a deadline rule: `manyi.feedback.deadlines`."""

NUMBER_PREFIX = "FB"  # 顾客意见登记 FB<year>-<seq>
PRAISE_PREFIX = "TB"  # 通报表扬 TB<year>-<seq>
