"""ACT quality assurance of call records: the scorecard, sampling with a method, agreement and rates."""
