"""Claims have no admin page of their own: the working days of each step are deadline rules
(`manyi.claims.deadlines`), changed in the admin under "deadline settings"."""
